package volunteering_test

import (
	"context"
	"testing"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/volunteering"
)

// TestRecentVolunteers: who gave confirmed hours since a day, with their
// e-mail and the last day of their confirmed hours; hours only declared
// or older do not count.
func TestRecentVolunteers(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		org := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		lise := f.user(t, "lise@exemple.org", "Lise")
		old := f.user(t, "ancien@exemple.org", "Ancien")
		f.confirmed(t, lise.ID, org.ID, "2026-03-01", "2")
		f.confirmed(t, lise.ID, org.ID, "2026-05-01", "1")
		if _, err := f.s.DeclareHours(ctx, f.t.ID, lise.ID, volunteering.HoursInput{OrganizationID: org.ID, Day: "2026-05-20",
			Hours: "1", Activity: "Aide"}); err != nil {
			t.Fatal(err)
		}
		f.confirmed(t, old.ID, org.ID, "2023-07-01", "3")
		since, _ := calendar.Parse("2024-06-01")
		got, err := f.s.RecentVolunteers(ctx, f.t.ID, since)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Person.Email != "lise@exemple.org" || got[0].LastDay.String() != "2026-05-01" {
			t.Fatalf("recent volunteers %+v, want Lise, last on 2026-05-01", got)
		}
		if got, err := f.s.RecentVolunteers(ctx, f.t.ID+1000, since); err != nil || len(got) != 0 {
			t.Fatalf("another territory: %+v %v", got, err)
		}
	})
}
