package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"implique/internal/db"
)

// runSQLite measures one `serve --demo` on SQLite: its start, its memory,
// the pages against the bare handler, and the rush.
func runSQLite(ctx context.Context, cfg *Config, r *Report, sec *sections) error {
	dir, err := os.MkdirTemp("", "implique-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg.logf("serve --demo (SQLite)")
	c, err := startChild(ctx, cfg, dir, "")
	if err != nil {
		return err
	}
	defer c.stop()
	start := Row{Measure: T("cli.bench.m.start"), Figure: T("cli.bench.f.duration", c.startup()), Goal: T("cli.bench.g.report"), Verdict: Reported}

	// Idle: once ready, a few seconds for the start's garbage to go.
	select {
	case <-time.After(3 * time.Second):
	case <-ctx.Done():
		return ctx.Err()
	}
	idle := memoryRow(c, "VmRSS", T("cli.bench.m.mem_idle"), goalIdleMB, T("cli.bench.g.mem", int(goalIdleMB)))
	peakFromStart := !c.resetPeak()

	if !cfg.SkipPages {
		rows, err := pages(ctx, cfg, c)
		if err != nil {
			return err
		}
		sec.pages = rows
	}
	if !cfg.SkipRush {
		cfg.logf("rush (SQLite): %d sign-ups, %d seats", cfg.RushSize, cfg.RushCapacity)
		d, err := db.Open(ctx, "", dir)
		if err != nil {
			return err
		}
		ru, err := rush(ctx, cfg, d, "sqlite", []string{c.base})
		d.Close()
		if err != nil {
			return err
		}
		if err := c.alive(); err != nil {
			return err
		}
		sec.rush = append(sec.rush, rushRow(ru, T("cli.bench.m.rush_sqlite", ru.Size)))
		r.Rushes = append(r.Rushes, ru)
	}
	sec.process = append(sec.process, idle)
	if !cfg.SkipPages {
		peak := memoryRow(c, "VmHWM", T("cli.bench.m.mem_peak"), goalPeakMB, T("cli.bench.g.mem", int(goalPeakMB)))
		if peakFromStart && peak.Verdict != NotMeasured {
			peak.Measure = T("cli.bench.m.mem_peak_start")
		}
		sec.process = append(sec.process, peak)
	}
	sec.process = append(sec.process, start)
	return nil
}

// memoryRow reads a memory figure of the child against its goal (in MB).
func memoryRow(c *child, field string, measure Text, goal float64, goalText Text) Row {
	mb, ok := c.memory(field)
	if !ok {
		return Row{Measure: measure, Figure: T("cli.bench.not_measured_proc"), Goal: goalText}
	}
	v := Missed
	if mb <= goal {
		v = Reached
	}
	return Row{Measure: measure, Figure: T("cli.bench.f.mem", mb), Goal: goalText, Verdict: v}
}

// rushRow says a rush against its goal.
func rushRow(ru Rush, measure Text) Row {
	row := Row{Measure: measure, Goal: T("cli.bench.g.rush", int(goalSignUps))}
	if ru.Exact {
		row.Figure = T("cli.bench.f.rush_exact", ru.PerSec(), ru.Elapsed, ru.Confirmed, ru.Waitlisted)
	} else {
		row.Figure = T("cli.bench.f.rush_wrong", ru.PerSec(), ru.Elapsed, ru.Problem)
	}
	row.Verdict = Missed
	if ru.Exact && ru.PerSec() >= goalSignUps {
		row.Verdict = Reached
	}
	return row
}

// pages loads each page of the child, then the bare handler serving the
// same answer, one after the other.
func pages(ctx context.Context, cfg *Config, c *child) ([]Row, error) {
	b, err := startBare()
	if err != nil {
		return nil, err
	}
	defer b.close()
	probe := &http.Client{Transport: newTransport(1), Timeout: 30 * time.Second}
	var rows []Row
	for _, page := range cfg.Pages {
		path := page
		if page == PageSouper {
			if path, err = souperPath(ctx, probe, c.base); err != nil {
				return nil, err
			}
		}
		measure := T("cli.bench.m.page", path)
		switch page {
		case PageDinners:
			measure = T("cli.bench.m.dinners", path)
		case PageSouper:
			measure = T("cli.bench.m.souper", path)
		}
		resp, err := fetch(ctx, probe, c.base+path)
		if err != nil {
			return nil, err
		}
		if resp.status != http.StatusOK {
			rows = append(rows, Row{Measure: measure, Figure: T("cli.bench.not_measured_status", resp.status), Goal: pageGoal(page)})
			continue
		}
		cfg.logf("%s: implique", path)
		got, err := load(ctx, c.base+path, http.StatusOK, cfg.Connections, cfg.Warmup, cfg.Duration)
		if err != nil {
			return nil, err
		}
		if err := c.alive(); err != nil {
			return nil, err
		}
		cfg.logf("%s: bare handler, %d bytes", path, len(resp.body))
		b.resp.Store(&resp)
		base, err := load(ctx, b.url, http.StatusOK, cfg.Connections, cfg.Warmup, cfg.Duration)
		if err != nil {
			return nil, err
		}
		rows = append(rows, pageRow(page, measure, got, base))
	}
	return rows, nil
}

func pageGoal(page string) Text {
	if page == PageDinners {
		return T("cli.bench.g.dinners", int(goalPageRatio), goalDinnersP99)
	}
	return T("cli.bench.g.page", int(goalPageRatio))
}

// pageRow compares the product with the bare handler on one page.
func pageRow(page string, measure Text, got, base loadResult) Row {
	ratio := 0.0
	if base.perSec > 0 {
		ratio = 100 * got.perSec / base.perSec
	}
	row := Row{Measure: measure, Goal: pageGoal(page), Verdict: Missed}
	row.Figure = T("cli.bench.f.page", ratio, got.perSec, base.perSec, got.p50, got.p99)
	switch {
	case got.errors > 0:
		row.Figure = T("cli.bench.f.page_errors", ratio, got.perSec, base.perSec, got.p50, got.p99, got.errors)
	case got.requests == 0:
		row.Figure = T("cli.bench.f.page_none")
	}
	ok := ratio >= goalPageRatio && got.errors == 0 && got.requests > 0
	if page == PageDinners {
		ok = ok && got.p99 < goalDinnersP99
	}
	if ok {
		row.Verdict = Reached
	}
	return row
}

// souperPath finds the page of a souper in the demo, through the API.
func souperPath(ctx context.Context, c *http.Client, base string) (string, error) {
	resp, err := fetch(ctx, c, base+"/api/v1/events?kind=citizen_dinner")
	if err != nil {
		return "", err
	}
	var out struct {
		Events []struct {
			Slug string `json:"slug"`
		} `json:"events"`
	}
	body := resp.body
	if resp.contentEncoding == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		if body, err = io.ReadAll(zr); err != nil {
			return "", err
		}
	}
	if resp.status != http.StatusOK || json.Unmarshal(body, &out) != nil {
		return "", fmt.Errorf("GET /api/v1/events?kind=citizen_dinner: %d", resp.status)
	}
	if len(out.Events) == 0 {
		return "", errors.New("the demo has no souper to load")
	}
	return "/evenements/" + out.Events[0].Slug, nil
}

// runPostgres makes a fresh database on cfg.PostgresURL's server, runs two
// instances on it and has them share the rush; the database is dropped
// at the end.
func runPostgres(ctx context.Context, cfg *Config) (Row, Rush, error) {
	measure := T("cli.bench.m.rush_postgres", cfg.RushSize)
	u, err := url.Parse(cfg.PostgresURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return Row{}, Rush{}, errBadPostgresURL
	}
	admin, err := sql.Open("pgx", cfg.PostgresURL)
	if err != nil {
		return Row{}, Rush{}, err
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "implique_bench_" + hex.EncodeToString(b)
	cfg.logf("PostgreSQL: database %s", name)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return Row{}, Rush{}, fmt.Errorf("CREATE DATABASE %s: %w", name, err)
	}
	defer func() {
		// The children are stopped by now; WITH (FORCE) ends any
		// connection left over (PostgreSQL 13 and later).
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			_, _ = admin.ExecContext(dctx, "DROP DATABASE IF EXISTS "+name)
		}
	}()
	u.Path = "/" + name
	dbURL := u.String()

	var bases []string
	var children []*child
	defer func() {
		for _, c := range children {
			c.stop()
		}
	}()
	// The first instance migrates and seeds; the second finds it done.
	for i := range 2 {
		dir, err := os.MkdirTemp("", "implique-bench-")
		if err != nil {
			return Row{}, Rush{}, err
		}
		defer os.RemoveAll(dir)
		cfg.logf("serve --demo (PostgreSQL, instance %d)", i+1)
		c, err := startChild(ctx, cfg, dir, dbURL)
		if err != nil {
			return Row{}, Rush{}, err
		}
		children = append(children, c)
		bases = append(bases, c.base)
	}
	cfg.logf("rush (PostgreSQL, 2 instances): %d sign-ups, %d seats", cfg.RushSize, cfg.RushCapacity)
	d, err := db.Open(ctx, dbURL, "")
	if err != nil {
		return Row{}, Rush{}, err
	}
	ru, err := rush(ctx, cfg, d, "postgres", bases)
	d.Close()
	if err != nil {
		return Row{}, Rush{}, err
	}
	for _, c := range children {
		if err := c.alive(); err != nil {
			return Row{}, Rush{}, err
		}
	}
	return rushRow(ru, measure), ru, nil
}

// errBadPostgresURL is a --postgres that is not a postgres:// address.
var errBadPostgresURL = errors.New("the PostgreSQL address must be postgres://user@host:port/database")

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
