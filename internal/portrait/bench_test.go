package portrait_test

import (
	"context"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs/orgstest"
	"implique/internal/portrait"
)

// BenchmarkPortrait draws the public portrait of the whole territory (the
// MRC) and of a ville with its secteurs, on each engine, over the demo's
// data, then over the demo with 2 000 more organisations (15 000 seats).
//
//	IMPLIQUE_TEST_POSTGRES=postgres://… go test ./internal/portrait/ -run '^$' -bench Portrait -benchmem
func BenchmarkPortrait(b *testing.B) {
	for _, engine := range []struct {
		name string
		open func(testing.TB, dbtest.Migrator) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			d := engine.open(b, jobs.MigrateAll)
			a, terr := seeded(b, d)
			ctx := context.Background()
			run := func(b *testing.B, slug string) {
				for b.Loop() {
					if _, err := a.Portrait.Build(ctx, terr.ID, slug, portrait.Public); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.Run("demo/mrc", func(b *testing.B) { run(b, "") })
			b.Run("demo/becancour", func(b *testing.B) { run(b, "becancour") })
			orgstest.Seed(b, a.Orgs, terr.ID, orgstest.Territory)
			if d.Engine == db.Postgres {
				// Statistics, as autovacuum keeps them on a live database.
				if _, err := d.Exec(ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("demo+2000orgs/mrc", func(b *testing.B) { run(b, "") })
			b.Run("demo+2000orgs/becancour", func(b *testing.B) { run(b, "becancour") })
		})
	}
}
