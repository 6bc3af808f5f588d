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

	"implique/internal/bench"
)

// provinceMeasure measures the province-scale queries (matching, radar,
// portrait, indicators) for `bench --province`; nil until that measure
// exists, and the row then says « non mesuré ».
var provinceMeasure func(ctx context.Context) ([]bench.Row, error)

// cmdBench measures this machine running Implique and prints one table.
// It exits 0 whatever the figures: it measures, it does not judge.
func cmdBench(ctx context.Context, args []string, u *ui, progress io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	duration := fs.Duration("duration", bench.DefaultDuration, "how long each target is loaded (after a 1 s warm-up)")
	pages := fs.String("pages", strings.Join(bench.DefaultPages, ","), "pages to load, separated by commas (souper: a souper's page)")
	pg := fs.String("postgres", os.Getenv("IMPLIQUE_BENCH_POSTGRES"), "postgres://… server on which a database is made and dropped (IMPLIQUE_BENCH_POSTGRES)")
	province := fs.Bool("province", false, "also measure the province-scale queries")
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
	if *province {
		cfg.Province = provinceMeasure
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
