package events_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// TestDinnerFigures counts the demo's soupers the way the lists show them:
// the whole territory, a ville with its secteurs, a place without any.
func TestDinnerFigures(t *testing.T) {
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
		for _, slug := range []string{"", "becancour", "becancour-gentilly", "fortierville", "pas-un-lieu"} {
			evs, err := a.Events.List(ctx, terr.ID, events.Filter{Kind: events.CitizenDinner, PlaceSlug: slug})
			if err != nil {
				t.Fatal(err)
			}
			var want events.DinnerFigures
			for _, e := range evs {
				if e.HeldAt == nil || e.CancelledAt != nil {
					continue
				}
				want.Held++
				if e.Attendance != nil {
					want.Attendance += *e.Attendance
				}
				regs, err := a.Events.Registrations(ctx, terr.ID, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range regs {
					if r.Status != events.Confirmed {
						continue
					}
					want.Registered += r.PartySize
					if r.CheckedInAt != nil {
						want.CheckedIn += r.PartySize
					}
				}
			}
			got, err := a.Events.DinnerFigures(ctx, terr.ID, slug)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("DinnerFigures(%q) = %+v, want %+v", slug, got, want)
			}
			if slug == "" && (got.Held == 0 || got.CheckedIn == 0) {
				t.Errorf("the demo's territory has %+v, want soupers held and people welcomed", got)
			}
			if slug == "pas-un-lieu" && got != (events.DinnerFigures{}) {
				t.Errorf("an unknown place has %+v, want nothing", got)
			}
		}
	})
}
