package volunteering_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/volunteering"
)

func TestAnswersDue(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		opp := f.opportunity(t, volunteering.Input{OrganizationID: f.org(t, "Popote roulante", orgs.Nonprofit).ID, Title: "Cuisiner", Remote: true})
		apply := func(email string, daysAgo int, confirmed bool) volunteering.Application {
			t.Helper()
			at := now.Add(-time.Duration(daysAgo) * 24 * time.Hour)
			f.clock.Set(at)
			a, _, err := f.s.Apply(ctx, tid, opp.ID, f.user(t, email, email).ID, volunteering.ApplyInput{}, confirmed)
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Set(now)
			return a
		}
		apply("a@exemple.org", 10, true)  // late
		apply("b@exemple.org", 8, true)   // late
		apply("c@exemple.org", 2, true)   // waiting
		apply("d@exemple.org", 20, false) // not confirmed: not waiting for the organisation
		answered := apply("e@exemple.org", 12, true)
		if _, err := f.s.Respond(ctx, tid, answered.ID, volunteering.Accept, ""); err != nil {
			t.Fatal(err)
		}
		due, err := f.s.AnswersDue(ctx, tid)
		if err != nil || due.Waiting != 3 || due.Overdue != 2 {
			t.Errorf("answers due %+v, %v", due, err)
		}
		waiting, err := f.s.WaitingFor(ctx, tid, nil)
		if err != nil || len(waiting) != due.Waiting {
			t.Errorf("WaitingFor lists %d, AnswersDue counts %d (%v)", len(waiting), due.Waiting, err)
		}
		if due, err := f.s.AnswersDue(ctx, tid+1000); err != nil || due.Waiting != 0 {
			t.Errorf("another territory: %+v, %v", due, err)
		}
	})
}
