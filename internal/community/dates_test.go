package community_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/calendar"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// An initiative's dates and its milestones' days fall within the years
// things happen in: 9999 and 0001 are refused with the years allowed, and
// nothing is saved.
func TestInitiativeDatesWithinBounds(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
		f.clock.Set(now)
		years := calendar.Happening(now).Problem()
		want := func(err error, fields ...string) {
			t.Helper()
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			for _, field := range fields {
				if e.Fields[field] != years {
					t.Errorf("%s: %q, want the years allowed", field, e.Fields[field])
				}
			}
		}
		_, err := f.s.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Cuisine collective", PlaceSlug: "manseau",
			StartsOn: day(1, 1, 1), EndsOn: day(9999, 12, 31)})
		want(err, "starts_on", "ends_on")
		if n := testkit.Count(t, f.d, "SELECT COUNT(*) FROM initiatives"); n != 0 {
			t.Fatalf("%d initiatives saved", n)
		}
		in, err := f.s.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Cuisine collective", PlaceSlug: "manseau",
			StartsOn: day(2026, 5, 2)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.UpdateInitiative(ctx, tid, in.ID, community.InitiativeInput{Title: "Cuisine collective", PlaceSlug: "manseau",
			StartsOn: day(2026, 5, 2), EndsOn: day(9999, 12, 31)})
		want(err, "ends_on")
		if got, _ := f.s.Initiative(ctx, tid, in.ID); got.EndsOn != nil {
			t.Errorf("the end was saved: %v", got.EndsOn)
		}
		for _, due := range []*time.Time{day(9999, 12, 31), day(1, 1, 1)} {
			_, err = f.s.AddMilestone(ctx, tid, in.ID, community.MilestoneInput{Title: "Premier repas", DueOn: due})
			want(err, "due_on")
		}
		if n := testkit.Count(t, f.d, "SELECT COUNT(*) FROM initiative_milestones"); n != 0 {
			t.Fatalf("%d milestones saved", n)
		}
		m, err := f.s.AddMilestone(ctx, tid, in.ID, community.MilestoneInput{Title: "Premier repas", DueOn: day(2036, 12, 31)})
		if err != nil {
			t.Fatal(err)
		}
		want(f.s.MarkMilestoneDone(ctx, tid, in.ID, m.ID, *day(1, 1, 2)), "done_on") // day(1, 1, 1) is the zero time: today
	})
}
