package volunteering_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/jobs"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

// TestSupplyFigures counts the demo's volunteers and open opportunities for
// the whole territory and for places (a place and its secteurs).
func TestSupplyFigures(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testkit.App(t, d, time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
		if _, err := demo.Seed(ctx, a); err != nil {
			t.Fatal(err)
		}
		terr, _, err := demo.Base(ctx, a.Territories)
		if err != nil {
			t.Fatal(err)
		}
		places, err := a.Territories.Places(ctx, terr.ID)
		if err != nil {
			t.Fatal(err)
		}
		open, err := a.Volunteering.Opportunities(ctx, terr.ID, volunteering.Filter{OpenOnly: true, Individual: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, slug := range []string{"", "becancour", "becancour-gentilly", "fortierville", "pas-un-lieu"} {
			in := map[string]bool{}
			var ids []any
			for _, p := range places {
				if slug == "" || p.Slug == slug || p.ParentSlug == slug {
					in[p.Slug] = true
					ids = append(ids, p.ID)
				}
			}
			var want volunteering.SupplyFigures
			for _, o := range open {
				if slug != "" && !in[o.PlaceSlug] {
					continue
				}
				want.Open++
				want.Waiting += o.Waiting
				if left := o.SpotsLeft(); left != nil {
					want.SpotsSought += *left
				} else {
					want.Unlimited++
				}
			}
			q, args := `SELECT COUNT(*) FROM volunteer_profiles WHERE territory_id = ?`, []any{terr.ID}
			if slug != "" {
				q += ` AND place_id IN (0`
				for range ids {
					q += `, ?`
				}
				q += `)`
				args = append(args, ids...)
			}
			if err := d.QueryRow(ctx, q, args...).Scan(&want.Volunteers); err != nil {
				t.Fatal(err)
			}
			got, err := a.Volunteering.SupplyFigures(ctx, terr.ID, slug)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("SupplyFigures(%q) = %+v, want %+v", slug, got, want)
			}
			if slug == "" && (got.Volunteers == 0 || got.Open == 0) {
				t.Errorf("the demo's territory has %+v, want volunteers and opportunities", got)
			}
			if slug == "pas-un-lieu" && got != (volunteering.SupplyFigures{}) {
				t.Errorf("an unknown place has %+v, want nothing", got)
			}
		}
	})
}
