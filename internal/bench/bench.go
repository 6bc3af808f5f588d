// Package bench measures Implique on the machine it runs on: the public
// pages against a bare net/http handler serving the same bytes, a rush of
// sign-ups on SQLite and on PostgreSQL, the memory and the start time of
// `serve --demo`. The product runs as child processes (the same binary,
// re-executed); the load comes from this process. The result is one table
// of figures, each with its goal and whether it is reached.
package bench

import (
	"context"
	"io"
	"slices"
	"time"
)

// Config is what one run measures, and how.
type Config struct {
	// Exe is the program started as `serve --demo` (the bench's own binary).
	Exe string
	// Env is added to the children's environment.
	Env []string
	// Duration is how long each target is loaded, after Warmup.
	Duration, Warmup time.Duration
	// Connections is the number of keep-alive connections of the load.
	Connections int
	// Pages are the paths loaded; nil: every public page (DefaultPages).
	// PageSouper stands for a souper's page, found in the demo.
	Pages []string
	// PostgresURL is a server on which a fresh database is made and dropped
	// for the PostgreSQL rush; "": that row is not measured.
	PostgresURL string
	// SkipPages and SkipRush leave those rows out.
	SkipPages, SkipRush bool
	// RushSize people sign up at once for an event of RushCapacity seats.
	RushSize, RushCapacity int
	// Province measures the province-scale queries; nil: not measured.
	Province func(ctx context.Context) ([]Row, error)
	// Log receives one line per step, to follow a long run (nil: none).
	Log io.Writer
	// Now is the date printed at the top (nil: time.Now).
	Now func() time.Time
}

// PageSouper is the name, in Pages, of a souper's page.
const PageSouper = "souper"

// PageDinners is the list of soupers, the page with a latency goal.
const PageDinners = "/soupers"

// DefaultPages are the public pages of every capability, with the API lists.
var DefaultPages = []string{PageDinners, PageSouper, "/", "/evenements", "/idees", "/communautes", "/initiatives",
	"/organismes", "/s-impliquer", "/formations", "/portrait", "/impact", "/recits", "/confidentialite",
	"/api/v1/events", "/api/v1/opportunities", "/api/v1/places"}

// Defaults of a run.
const (
	DefaultDuration     = 10 * time.Second
	DefaultWarmup       = time.Second
	DefaultConnections  = 64
	DefaultRushSize     = 1000
	DefaultRushCapacity = 700
)

// Goals.
const (
	goalPageRatio  = 40.0                  // % of the bare handler's req/s
	goalDinnersP99 = 25 * time.Millisecond // p99 of /soupers
	goalSignUps    = 1000.0                // sign-ups per second
	goalIdleMB     = 30.0
	goalPeakMB     = 60.0
)

// Verdict says whether a row reaches its goal.
type Verdict int

const (
	NotMeasured Verdict = iota
	Reached
	Missed
	// Reported is a figure without a goal.
	Reported
)

// Text is a sentence of the catalogs (the "cli.bench." keys) and its
// arguments. A float64 argument is written with one decimal, a
// time.Duration in milliseconds or seconds, an int with thousands
// separators, each in the language of the table.
type Text struct {
	Key  string
	Args []any
}

// T makes a Text.
func T(key string, args ...any) Text { return Text{Key: key, Args: args} }

// Row is one line of the table: what is measured, the figure, the goal.
type Row struct {
	Measure, Figure, Goal Text
	Verdict               Verdict
}

// Machine is where the figures were measured.
type Machine struct {
	Cores     int
	OS, Arch  string
	GoVersion string
	CPU       string
}

// Report is the result of a run.
type Report struct {
	Date    time.Time
	Machine Machine
	// Connections, Duration and Warmup say how the pages were loaded.
	Connections      int
	Duration, Warmup time.Duration
	Rows             []Row
	// Rushes are the sign-up rushes measured (SQLite, then PostgreSQL).
	Rushes []Rush
}

// Run measures what cfg asks for. An error means the bench itself could
// not run (a child that does not start, a database that does not open);
// goals not reached are rows, not errors. Every child is stopped on return.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.defaults()
	r := &Report{Date: cfg.Now(), Machine: machine(), Connections: cfg.Connections, Duration: cfg.Duration, Warmup: cfg.Warmup}
	var sec sections
	// The rows come in the order of the table, whatever the order of the measures.
	defer func() { r.Rows = slices.Concat(sec.pages, sec.rush, sec.process, sec.province) }()
	if err := runSQLite(ctx, &cfg, r, &sec); err != nil {
		return r, err
	}
	if !cfg.SkipRush {
		if cfg.PostgresURL == "" {
			sec.rush = append(sec.rush, Row{Measure: T("cli.bench.m.rush_postgres", cfg.RushSize), Figure: T("cli.bench.not_measured_pg"),
				Goal: T("cli.bench.g.rush", int(goalSignUps))})
		} else {
			row, rush, err := runPostgres(ctx, &cfg)
			if err != nil {
				return r, err
			}
			sec.rush = append(sec.rush, row)
			r.Rushes = append(r.Rushes, rush)
		}
	}
	if cfg.Province == nil {
		sec.province = []Row{{Measure: T("cli.bench.m.province"), Figure: T("cli.bench.not_measured_province"),
			Goal: T("cli.bench.g.province")}}
		return r, nil
	}
	cfg.logf("province")
	rows, err := cfg.Province(ctx)
	if err != nil {
		return r, err
	}
	sec.province = rows
	return r, nil
}

// sections are the rows of the table, gathered as they are measured.
type sections struct{ pages, rush, process, province []Row }

func (c *Config) defaults() {
	if c.Duration <= 0 {
		c.Duration = DefaultDuration
	}
	if c.Warmup < 0 {
		c.Warmup = 0
	}
	if c.Connections <= 0 {
		c.Connections = DefaultConnections
	}
	if c.RushSize <= 0 {
		c.RushSize = DefaultRushSize
	}
	if c.RushCapacity <= 0 || c.RushCapacity > c.RushSize {
		c.RushCapacity = c.RushSize * 7 / 10
	}
	if len(c.Pages) == 0 {
		c.Pages = DefaultPages
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
}

func (c *Config) logf(format string, args ...any) {
	_, _ = io.WriteString(c.Log, "bench: "+sprintf(format, args...)+"\n")
}
