package training_test

import (
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/testkit"
	"implique/internal/training"
)

// manageToken is the events' private link of a registration, derived as
// the events store derives it.
func (f *fixture) manageToken(t *testing.T, regID int64) string {
	t.Helper()
	var nonce string
	if err := f.d.QueryRow(f.ctx, `SELECT manage_nonce FROM registrations WHERE id = ?`, regID).Scan(&nonce); err != nil {
		t.Fatal(err)
	}
	l := f.a.Auth.LinkSigner("registration_links", "registration")
	if err := l.Load(f.ctx); err != nil {
		t.Fatal(err)
	}
	tok, err := l.Token(nonce)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.a.Events.ByToken(f.ctx, tok); err != nil {
		t.Fatalf("the derived link opens nothing: %v", err)
	}
	return tok
}

// TestSessionRemindersPointToTheTraining: a learner's session reminder
// sends to the training, not to the events' page that would change one
// session behind the cohort's back; that page refuses changes.
func TestSessionRemindersPointToTheTraining(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		_, c := f.cohort(t, "")
		alice, err := f.s.Enrol(f.ctx, tid, c.ID, learner("Alice Bédard", "alice@exemple.org"))
		if err != nil {
			t.Fatal(err)
		}
		regs, err := f.a.Events.Registrations(f.ctx, tid, c.Sessions[0].ID)
		if err != nil || len(regs) != 1 || regs[0].Source != events.SourceTraining {
			t.Fatalf("registrations: %+v, %v", regs, err)
		}
		tok := f.manageToken(t, regs[0].ID)

		f.a.Clock.Set(c.Sessions[0].StartsAt.Add(-24 * time.Hour))
		if n, err := f.a.Events.SendReminders(f.ctx); err != nil || n != 1 {
			t.Fatalf("%d reminders, %v", n, err)
		}
		items, err := f.a.Outbox.List(f.ctx, tid, 10)
		if err != nil || len(items) == 0 || items[0].To != "alice@exemple.org" {
			t.Fatalf("outbox: %v", err)
		}
		text := items[0].Text
		if !strings.Contains(text, c.Path()) || strings.Contains(text, "/inscription/") || strings.Contains(text, tok) {
			t.Fatalf("the reminder does not send to the training:\n%s", text)
		}

		_, err = f.a.Events.UpdateByToken(f.ctx, tok, events.Change{PartySize: 1, Ride: events.RideNeeds})
		testkit.WantError(t, err, errs.Conflict, "errors.registration_managed_via")
		err = f.a.Events.CancelByToken(f.ctx, tok)
		testkit.WantError(t, err, errs.Conflict, "errors.registration_managed_via")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM registrations WHERE email = 'alice@exemple.org' AND status = 'confirmed' AND ride = 'none'`); n != 3 {
			t.Fatalf("%d of Alice's registrations left as they were, want 3", n)
		}
		if got, _ := f.s.Enrolment(f.ctx, tid, alice.Enrolment.ID); got.Status != training.Confirmed {
			t.Fatalf("Alice is %q", got.Status)
		}
	})
}
