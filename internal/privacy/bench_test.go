package privacy_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/territory"
)

// benchRegistrations is the size of the retention benchmark: the
// registrations of two years of events (IMPLIQUE_BENCH_REGISTRATIONS;
// a province is about 5 000 000).
func benchRegistrations() int {
	if n, err := strconv.Atoi(os.Getenv("IMPLIQUE_BENCH_REGISTRATIONS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

// seedRegistrations writes n registrations to 2 000 events spread over the
// two years before now (one in ten cancelled), and the same number of
// sent e-mails and sign-in records, in batches.
func seedRegistrations(b testing.TB, d *db.DB, t territory.Territory, n int) {
	ctx := context.Background()
	var place int64
	if err := d.QueryRow(ctx, `SELECT MIN(id) FROM places WHERE territory_id = ?`, t.ID).Scan(&place); err != nil {
		b.Fatal(err)
	}
	const events = 2000
	err := d.InTx(ctx, func(tx *db.Tx) error {
		for e := 0; e < events; e++ {
			start := now.AddDate(0, 0, -1-e*730/events)
			if _, err := tx.Exec(ctx, `INSERT INTO events (id, territory_id, slug, kind, title, place_id, starts_at, ends_at, created_at, updated_at)
				VALUES (?, ?, ?, 'dinner', 'Souper citoyen', ?, ?, ?, ?, ?)`, e+1, t.ID, fmt.Sprintf("souper-%d", e), place,
				start, start.Add(3*time.Hour), start.AddDate(0, -1, 0), start.AddDate(0, -1, 0)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	const batch = 200
	for i := 0; i < n; i += batch {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			q := `INSERT INTO registrations (territory_id, event_id, name, email, phone, phone_key, party_size, dietary, status,
				queued_at, source, manage_nonce, manage_token_hash, created_at, updated_at, cancelled_at) VALUES `
			var args []any
			for j := i; j < i+batch && j < n; j++ {
				if j > i {
					q += ", "
				}
				q += "(?, ?, ?, ?, ?, ?, 1, ?, ?, ?, 'web', 'n', ?, ?, ?, ?)"
				e := j%events + 1
				start := now.AddDate(0, 0, -1-(e-1)*730/events)
				made := start.AddDate(0, 0, -7)
				status, cancelled := "confirmed", any(nil)
				if j%10 == 9 {
					status, cancelled = "cancelled", made.Add(time.Hour)
				}
				args = append(args, t.ID, e, fmt.Sprintf("Personne %d", j), fmt.Sprintf("p%d@exemple.org", j),
					fmt.Sprintf("819-555-%04d", j%10000), fmt.Sprintf("819555%04d", j%10000), "végétarien", status, made,
					fmt.Sprintf("h%d", j), made, made, cancelled)
			}
			_, err := tx.Exec(ctx, q, args...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRetention measures the daily retention over a territory holding
// benchRegistrations() registrations: the first run (every rule catching
// up on two years) and the next day's (only what became due that day),
// against a baseline in the same process — one full read of the
// registrations (SELECT COUNT(*) over a column no index holds).
func BenchmarkRetention(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			var d *db.DB
			if engine == "sqlite" {
				d = dbtest.SQLite(b, jobs.MigrateAll)
			} else {
				if dbtest.PostgresURL(b) == "" {
					b.Skip("no PostgreSQL")
				}
				d = dbtest.Postgres(b, jobs.MigrateAll)
			}
			f := newFixture(b, d)
			n := benchRegistrations()
			seedRegistrations(b, d, f.t, n)
			if engine == "postgres" {
				if _, err := d.Exec(ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			var scan time.Duration
			b.Run("baseline-scan", func(b *testing.B) {
				for b.Loop() {
					start := time.Now()
					var c int
					if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM registrations WHERE dietary <> ''`).Scan(&c); err != nil {
						b.Fatal(err)
					}
					scan = time.Since(start)
				}
			})
			var find time.Duration
			b.Run("find-a-person", func(b *testing.B) {
				subj := privacy.NewSubject(f.t.ID, 0, []string{fmt.Sprintf("p%d@exemple.org", n/2)}, []string{"819-555-0042"})
				for b.Loop() {
					start := time.Now()
					recs, err := f.s.Find(ctx, subj)
					if err != nil {
						b.Fatal(err)
					}
					find = time.Since(start)
					b.ReportMetric(float64(len(recs)), "records")
				}
			})
			var first time.Duration
			b.Run("first-run", func(b *testing.B) {
				for b.Loop() {
					start := time.Now()
					run, err := f.s.RunRetention(ctx, f.t.ID)
					if err != nil {
						b.Fatal(err)
					}
					first = time.Since(start)
					b.ReportMetric(float64(run.Total()), "rows")
				}
			})
			var next time.Duration
			b.Run("next-day", func(b *testing.B) {
				day := 1
				for b.Loop() {
					f.a.Clock.Set(now.AddDate(0, 0, day))
					day++
					start := time.Now()
					run, err := f.s.RunRetention(ctx, f.t.ID)
					if err != nil {
						b.Fatal(err)
					}
					next = time.Since(start)
					b.ReportMetric(float64(run.Total()), "rows")
				}
			})
			b.Logf("%s, %d registrations: baseline scan %v; a person's records %v (%.3f× the scan); first run %v (%.1f× the scan); next day %v (%.2f× the scan)",
				engine, n, scan, find, float64(find)/float64(scan), first, float64(first)/float64(scan), next, float64(next)/float64(scan))
		})
	}
}
