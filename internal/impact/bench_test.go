package impact_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/impact"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// BenchmarkImpact, on each engine, over the demo's year and its logic
// model (27 indicators, 22 of them computed by the capabilities):
//
//   - year: every computed indicator over the past year, as the refresh
//     keeps it from nothing — the months, quarters, program years and
//     running totals of the series, the program year of each of the 13
//     municipalities;
//
//   - refresh: the periodic refresh once the year is kept (the periods
//     under way only);
//
//   - report: last quarter's report, for the territory and each
//     municipality, then read back;
//
//   - board: what the impact page reads (the model and every series).
//
//     IMPLIQUE_TEST_POSTGRES=postgres://… go test ./internal/impact/ -run '^$' -bench Impact -benchtime 5x
func BenchmarkImpact(b *testing.B) {
	for _, engine := range []struct {
		name string
		open func(testing.TB, dbtest.Migrator) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			d := engine.open(b, jobs.MigrateAll)
			ctx := context.Background()
			a := testkit.App(b, d, time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
			if _, err := demo.Seed(ctx, a); err != nil {
				b.Fatal(err)
			}
			terr, _, err := demo.Base(ctx, a.Territories)
			if err != nil {
				b.Fatal(err)
			}
			is := a.Impact
			if d.Engine == db.Postgres {
				if _, err := d.Exec(ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("year", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					if _, err := d.Exec(ctx, `DELETE FROM impact_snapshots WHERE entered_by IS NULL AND id NOT IN (SELECT snapshot_id FROM impact_report_snapshots)`); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					st, err := is.Refresh(ctx, terr.ID)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(st.Measured), "values/op")
				}
			})
			b.Run("refresh", func(b *testing.B) {
				for b.Loop() {
					if _, err := is.Refresh(ctx, terr.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
			lastQuarter, _, _, err := is.SuggestedPeriods(ctx, terr.ID)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("report", func(b *testing.B) {
				for b.Loop() {
					id, err := is.CreateReport(ctx, impact.ReportRequest{TerritoryID: terr.ID, Title: "Rapport", Period: lastQuarter,
						Sections: impact.Sections})
					if err != nil {
						b.Fatal(err)
					}
					if _, err := is.Report(ctx, terr.ID, id); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("board", func(b *testing.B) {
				for b.Loop() {
					if _, err := is.Board(ctx, terr.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
