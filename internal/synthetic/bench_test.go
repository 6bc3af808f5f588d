package synthetic_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/synthetic"
	"implique/internal/testkit"
	"implique/internal/web"
)

// The heavy queries at a province's size, on both engines:
//
//	IMPLIQUE_BENCH_SCALE=0.02 go test ./internal/synthetic -run '^$' -bench Province -benchtime 10x
//
// Each engine is seeded once at IMPLIQUE_BENCH_SCALE (default 0.02: two
// territories, 20 000 people, 100 000 registrations), then every query of
// synthetic.Queries runs on the largest territory. With
// IMPLIQUE_BENCH_DATABASE (a data directory or a postgres:// URL that
// `implique seed --synthetic province` filled) the queries run on that
// database instead, without seeding.

func BenchmarkProvince(b *testing.B) {
	if target := os.Getenv("IMPLIQUE_BENCH_DATABASE"); target != "" {
		ctx := context.Background()
		url, dir := "", target
		if strings.HasPrefix(target, "postgres://") {
			url, dir = target, ""
		}
		d, err := db.Open(ctx, url, dir)
		if err != nil {
			b.Fatal(err)
		}
		defer d.Close()
		if err := jobs.MigrateAll(ctx, d); err != nil {
			b.Fatal(err)
		}
		clock := &app.Clock{}
		a, err := app.New(app.Config{DB: d, Web: web.Config{BaseURL: testkit.BaseURL}, From: testkit.From, Clock: clock})
		if err != nil {
			b.Fatal(err)
		}
		benchQueries(b, a)
		return
	}
	scale := 0.02
	if v := os.Getenv("IMPLIQUE_BENCH_SCALE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			b.Fatalf("IMPLIQUE_BENCH_SCALE=%q: %v", v, err)
		}
		scale = f
	}
	for _, engine := range []struct {
		name string
		open func(testing.TB, dbtest.Migrator) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			d := engine.open(b, jobs.MigrateAll)
			a := testkit.App(b, d, time.Now().UTC().Truncate(time.Second))
			began := time.Now()
			got, err := synthetic.Seed(context.Background(), a, scale, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("scale %g seeded in %v: %+v", scale, time.Since(began).Round(time.Millisecond), got)
			benchQueries(b, a)
		})
	}
}

func benchQueries(b *testing.B, a *app.App) {
	ctx := context.Background()
	qs, err := synthetic.Queries(ctx, a)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range qs {
		b.Run(q.Name, func(b *testing.B) {
			if err := q.Run(ctx); err != nil { // warm-up, not timed
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := q.Run(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
