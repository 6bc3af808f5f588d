package volunteering_test

import (
	"context"
	"testing"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

// Hours given and an opportunity's dates fall within the years things
// happen in: 9999 and 0001 are refused with the years allowed, nothing saved.
func TestDatesWithinBounds(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		lise := f.user(t, "lise@exemple.org", "Lise Hamel")
		years := calendar.Happening(now).Problem()
		want := func(err error, field string) {
			t.Helper()
			testkit.WantFields(t, err, field)
			if e, _ := errs.As(err); e.Fields[field] != years {
				t.Errorf("%s: %q, want the years allowed", field, e.Fields[field])
			}
		}
		for _, day := range []string{"9999-12-31", "0001-01-01", "31/12/9999"} {
			_, err := f.s.DeclareHours(ctx, f.t.ID, lise.ID, volunteering.HoursInput{OrganizationID: fadoq.ID, Day: day, Hours: "2", Activity: "Popote"})
			want(err, "day")
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_hours`); n != 0 {
			t.Fatalf("%d declarations saved", n)
		}

		_, err := f.s.CreateOpportunity(ctx, f.t.ID, 0, volunteering.Input{OrganizationID: fadoq.ID, Title: "Corvée", Kind: volunteering.Task,
			Schedule: volunteering.OneOff, PlaceSlug: "manseau", StartsAt: f.at(9999, 12, 31, 9, 0)})
		want(err, "date")
		_, err = f.s.CreateOpportunity(ctx, f.t.ID, 0, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote", Kind: volunteering.Task,
			Schedule: volunteering.Flexible, PlaceSlug: "manseau", Until: f.at(9999, 12, 31, 23, 59)})
		want(err, "until")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_opportunities`); n != 0 {
			t.Fatalf("%d opportunities saved", n)
		}
		o := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote", PlaceSlug: "manseau", Until: f.at(2036, 12, 31, 23, 59)})
		_, err = f.s.UpdateOpportunity(ctx, f.t.ID, o.ID, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote", Kind: volunteering.Task,
			Schedule: volunteering.Flexible, PlaceSlug: "manseau", Until: f.at(10000, 1, 1, 0, 0)})
		want(err, "until")
		if got, _ := f.s.Opportunity(ctx, f.t.ID, o.ID); got.Until == nil || got.Until.In(f.loc).Year() != 2036 {
			t.Errorf("the opportunity now runs until %v", got.Until)
		}
	})
}
