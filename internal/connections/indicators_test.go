package connections_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// TestIndicators counts the links made in December 2026: one a second
// before the month, one at its first instant, one in a secteur of
// Bécancour, one at its end (January's).
func TestIndicators(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		from := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)
		to := time.Date(2027, 1, 1, 5, 0, 0, 0, time.UTC)
		before := f.souper(t, "fortierville", 24*time.Hour)
		first := f.souper(t, "fortierville", 48*time.Hour)
		secteur := f.souper(t, "becancour-gentilly", 72*time.Hour)
		last := f.souper(t, "manseau", 96*time.Hour)
		f.clock.Set(from.Add(-time.Second))
		f.pairAt(t, before, "Personne A", "Personne B")
		f.clock.Set(from)
		f.pairAt(t, first, "Personne C", "Personne D")
		f.clock.Set(from.AddDate(0, 0, 14))
		f.pairAt(t, secteur, "Personne E", "Personne F")
		f.clock.Set(to)
		f.pairAt(t, last, "Personne G", "Personne H")

		cat := i18n.MustLoad()
		defs := f.s.Indicators()
		if len(defs) != 1 || !defs[0].Places || defs[0].People || defs[0].Stock {
			t.Fatalf("definitions %+v", defs)
		}
		for _, lang := range []string{"fr", "en"} {
			for _, k := range []string{"indicator." + defs[0].Key, "indicator." + defs[0].Key + ".help"} {
				if cat[lang][k] == "" {
					t.Errorf("no %s text for %s", lang, k)
				}
			}
		}
		for _, tc := range []struct {
			place string
			want  float64
		}{{"", 2}, {"fortierville", 1}, {"becancour", 1}, {"becancour-gentilly", 1}, {"manseau", 0}, {"pas-un-lieu", 0}} {
			got, err := f.s.Measure(ctx, "connections.links_created", indicator.Scope{TerritoryID: f.t.ID, PlaceSlug: tc.place, From: from, To: to})
			if err != nil || got != tc.want {
				t.Errorf("links created in %q = %v, %v; want %v", tc.place, got, err, tc.want)
			}
		}
		jan := indicator.Scope{TerritoryID: f.t.ID, PlaceSlug: "manseau", From: to, To: to.AddDate(0, 1, 0)}
		if got, err := f.s.Measure(ctx, "connections.links_created", jan); err != nil || got != 1 {
			t.Errorf("links created in January at Manseau = %v, %v; want 1", got, err)
		}
		_, err := f.s.Measure(ctx, "connections.nothing", indicator.Scope{TerritoryID: f.t.ID, From: from, To: to})
		testkit.WantError(t, err, errs.NotFound, "indicator.unknown")
	})
}
