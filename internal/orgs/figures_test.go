package orgs_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/testkit"
)

// TestOrgFigures counts the demo's organisations, and the radar of a place
// without its ville, the way the portrait asks for them: the place and its
// secteurs only.
func TestOrgFigures(t *testing.T) {
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
		all, _, err := a.Orgs.List(ctx, terr.ID, orgs.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, slug := range []string{"", "becancour", "becancour-gentilly", "fortierville", "pas-un-lieu"} {
			in := map[string]bool{slug: true}
			for _, p := range places {
				if p.ParentSlug == slug && slug != "" {
					in[p.Slug] = true
				}
			}
			var want orgs.OrgFigures
			causes := map[string]int{}
			for _, o := range all {
				serves := slug == ""
				for _, p := range o.Places {
					serves = serves || in[p.Slug]
				}
				if !serves {
					continue
				}
				want.Organizations++
				if o.Public {
					want.Public++
				}
				for _, c := range o.Causes {
					causes[c]++
				}
			}
			got, err := a.Orgs.OrgFigures(ctx, terr.ID, slug)
			if err != nil {
				t.Fatal(err)
			}
			if got.Organizations != want.Organizations || got.Public != want.Public {
				t.Errorf("OrgFigures(%q) = %+v, want %+v", slug, got, want)
			}
			n := 0
			for _, c := range got.Causes {
				n++
				if c.Count != causes[c.Cause] || c.Count == 0 {
					t.Errorf("%q cause %s: %d, want %d", slug, c.Cause, c.Count, causes[c.Cause])
				}
			}
			if n != len(causes) {
				t.Errorf("%q: %d causes, want %d", slug, n, len(causes))
			}
			if slug == "" && (got.Organizations == 0 || len(got.Causes) == 0) {
				t.Errorf("the demo's territory has %+v, want organisations", got)
			}

			// The radar of the place and its secteurs counts the same organisations
			// (those with a place: an organisation serving the whole territory
			// counts for the territory only).
			if slug == "" {
				continue
			}
			r, err := a.Orgs.Radar(ctx, terr.ID, orgs.RadarFilter{PlaceSlug: slug, WithoutVille: true})
			if err != nil {
				t.Fatal(err)
			}
			if r.Total.Orgs != got.Organizations {
				t.Errorf("radar of %q without its ville covers %d organisations, want %d", slug, r.Total.Orgs, got.Organizations)
			}
			wide, err := a.Orgs.Radar(ctx, terr.ID, orgs.RadarFilter{PlaceSlug: slug})
			if err != nil {
				t.Fatal(err)
			}
			if wide.Total.Orgs < r.Total.Orgs {
				t.Errorf("radar of %q with its ville covers %d organisations, fewer than without (%d)", slug, wide.Total.Orgs, r.Total.Orgs)
			}
		}
	})
}
