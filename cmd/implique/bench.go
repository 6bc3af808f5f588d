package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"implique/internal/app"
	"implique/internal/bench"
	"implique/internal/synthetic"
)

// provinceMeasure times the province-scale queries (matching, radar,
// portrait, indicators, the digest plan, the daily retention) on the
// largest territory of a database filled by `seed --synthetic province`:
// a postgres:// URL or a data directory. Its retention run anonymises what
// a real daily run would.
func provinceMeasure(where string) func(ctx context.Context) ([]bench.Row, error) {
	return func(ctx context.Context) ([]bench.Row, error) {
		c := config{DataDir: where}
		if strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://") {
			c = config{DatabaseURL: where}
		}
		d, err := openDB(ctx, &c)
		if err != nil {
			return nil, err
		}
		defer d.Close()
		a, err := app.New(app.Config{DB: d})
		if err != nil {
			return nil, err
		}
		timings, err := synthetic.Measure(ctx, a)
		if err != nil {
			return nil, err
		}
		var rows []bench.Row
		for _, t := range timings {
			r := bench.Row{Measure: bench.T("cli.bench.province."+t.Name, t.Territory),
				Figure: bench.T("cli.bench.province.figure", t.Median, t.P99, t.Runs), Verdict: bench.Reported,
				Goal: bench.T("cli.bench.province.no_goal")}
			if t.Budget > 0 {
				r.Goal = bench.T("cli.bench.province.goal", t.Budget)
				r.Verdict = bench.Missed
				if t.Within() {
					r.Verdict = bench.Reached
				}
			}
			rows = append(rows, r)
		}
		return rows, nil
	}
}

// cmdBench measures this machine running Implique and prints one table.
// It exits 0 whatever the figures: it measures, it does not judge.
func cmdBench(ctx context.Context, args []string, u *ui, progress io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	duration := fs.Duration("duration", bench.DefaultDuration, "how long each target is loaded (after a 1 s warm-up)")
	pages := fs.String("pages", strings.Join(bench.DefaultPages, ","), "pages to load, separated by commas (souper: a souper's page)")
	pg := fs.String("postgres", os.Getenv("IMPLIQUE_BENCH_POSTGRES"), "postgres://… server on which a database is made and dropped (IMPLIQUE_BENCH_POSTGRES)")
	province := fs.String("province", "", "database filled by seed --synthetic province (postgres://… or a data directory) whose queries are timed")
	skipRush := fs.Bool("skip-rush", false, "leave out the sign-up rushes")
	skipPages := fs.Bool("skip-pages", false, "leave out the pages")
	markdown := fs.Bool("markdown", false, "print a Markdown table, for the README")
	// For the tests: a small rush.
	rushSize := fs.Int("rush-size", bench.DefaultRushSize, "")
	rushCap := fs.Int("rush-capacity", bench.DefaultRushCapacity, "")
	if err := fs.Parse(args); err != nil {
		return flagError("bench", err)
	}
	if fs.NArg() > 0 {
		return fail("cli.flag_syntax", "bench")
	}
	if *duration < 100*time.Millisecond {
		return fail("cli.bench.duration")
	}
	if *rushSize < 1 || *rushCap < 1 || *rushCap > *rushSize {
		return fail("cli.bench.rush_size")
	}
	if *pg != "" {
		pu, err := url.Parse(*pg)
		if err != nil || (pu.Scheme != "postgres" && pu.Scheme != "postgresql") || pu.Host == "" {
			return fail("cli.bench.postgres")
		}
	}
	var list []string
	for _, p := range strings.Split(*pages, ",") {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
		case p == bench.PageSouper || strings.HasPrefix(p, "/"):
			list = append(list, p)
		default:
			return fail("cli.bench.pages", p)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return fail("cli.bench.failed").and("cli.detail", err.Error())
	}
	cfg := bench.Config{Exe: exe, Duration: *duration, Warmup: bench.DefaultWarmup, Connections: bench.DefaultConnections,
		Pages: list, PostgresURL: *pg, SkipPages: *skipPages, SkipRush: *skipRush, RushSize: *rushSize, RushCapacity: *rushCap,
		Log: progress}
	if *province != "" {
		cfg.Province = provinceMeasure(*province)
	}
	if progress != nil {
		fmt.Fprintln(progress, u.t("cli.bench.progress"))
	}
	r, err := bench.Run(ctx, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fail("cli.bench.failed").and("cli.detail", err.Error())
	}
	return r.Write(u.out, u.cat, u.lang, *markdown)
}
