package orgs_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/orgs/orgstest"
)

// BenchmarkRadar computes the relève radar of a territory of 2 000
// organisations, 15 000 seats and 12 000 people, on each engine: for the
// whole territory (the staff's page), for one place, and for one
// organisation (a manager's page, whose hats still count every seat).
//
//	IMPLIQUE_TEST_POSTGRES=postgres://… go test ./internal/orgs/ -run '^$' -bench Radar -benchmem
func BenchmarkRadar(b *testing.B) {
	for _, engine := range []struct {
		name string
		open func(testing.TB, dbtest.Migrator) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			f := newFixture(b, engine.open(b, jobs.MigrateAll))
			f.clock.Set(time.Time{})
			ctx := context.Background()
			orgstest.Seed(b, f.s, f.t.ID, orgstest.Territory)
			staff := orgs.WholeTerritory
			r, err := f.s.Radar(ctx, f.t.ID, orgs.RadarFilter{Reach: staff})
			if err != nil {
				b.Fatal(err)
			}
			if r.Total.Orgs != 2000 || r.Total.Seats != 15000 || r.Total.People != 12000 {
				b.Fatalf("synthetic territory: %+v", r.Total)
			}
			b.Logf("%d organisations (%d at high risk), %d seats (%d vacant), %d people, %d wear many hats, %d terms ending",
				r.Total.Orgs, r.Total.High, r.Total.Seats, r.Total.Vacant, r.Total.People, len(r.Hats), len(r.Ending))
			one := r.Orgs[0].Org.ID
			for _, c := range []struct {
				name string
				f    orgs.RadarFilter
			}{{"territory", orgs.RadarFilter{Reach: staff}}, {"place", orgs.RadarFilter{PlaceSlug: "manseau", Reach: staff}},
				{"organization", orgs.RadarFilter{OrganizationID: one, Reach: staff}}, {"organization-managers", orgs.RadarFilter{OrganizationID: one}}} {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, err := f.s.Radar(ctx, f.t.ID, c.f); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
