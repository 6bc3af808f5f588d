package orgs_test

import (
	"context"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
)

// Due counts what the radar and the accompaniment log say is due, to the day.
func TestDueCountsFollowUpsAndEndingTerms(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		club := f.org(t, "Club de l’âge d’or de Fortierville", orgs.Nonprofit, "fortierville")
		// Today is 15 March 2026: three months ahead is 15 June.
		for i, s := range []orgs.SeatInput{
			{Role: orgs.President, TermEnd: "2026-02-01"},                                  // over: counted
			{Role: orgs.Treasurer, TermEnd: "2026-06-15"},                                  // the last day: counted
			{Role: orgs.Secretary, TermEnd: "2026-06-16"},                                  // later: not
			{Role: orgs.Member, TermEnd: "2026-04-01", SuccessorIdentified: true},          // someone takes over: not
			{Role: orgs.Member, TermEnd: "2026-04-01", Title: "Siège vacant", HolderID: 0}, // vacant: the radar says so elsewhere
		} {
			if s.Title == "" {
				s.NewHolder = &orgs.PersonInput{Name: []string{"Monique Rivard", "Denis Hamel", "Carole Baril", "Yvon Houle"}[i]}
			}
			if _, err := f.s.AddSeat(ctx, tid, club.ID, s); err != nil {
				t.Fatal(err)
			}
		}
		for _, day := range []string{"2026-03-15", "2026-03-01", "2026-03-16"} {
			if _, err := f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: club.ID, HappenedOn: "2026-02-20",
				Topic: "Relève", FollowUpOn: day}); err != nil {
				t.Fatal(err)
			}
		}
		done, err := f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: club.ID, HappenedOn: "2026-02-20",
			Topic: "Statuts", FollowUpOn: "2026-03-02"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.FollowUpDone(ctx, tid, done.ID, true); err != nil {
			t.Fatal(err)
		}
		due, err := f.s.Due(ctx, tid)
		if err != nil {
			t.Fatal(err)
		}
		if due.FollowUps != 2 || due.TermsEnding != 2 {
			t.Errorf("due %+v, want 2 follow-ups and 2 terms", due)
		}
		// The radar agrees on the terms.
		r, err := f.s.Radar(ctx, tid, orgs.RadarFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range r.Ending {
			if a.Months <= 3 {
				n++
			}
		}
		if n != due.TermsEnding {
			t.Errorf("the radar has %d terms ending within 3 months, Due %d", n, due.TermsEnding)
		}
		// Another territory has none.
		if due, err := f.s.Due(ctx, tid+1000); err == nil && (due.FollowUps != 0 || due.TermsEnding != 0) {
			t.Errorf("another territory: %+v", due)
		}
	})
}
