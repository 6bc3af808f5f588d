package events_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/jobs"
)

// Without staff, a sign-up brings at most the territory's largest party
// (4 by default); staff take larger groups. A party larger than the seats
// left is not put silently on the wait-list: nothing is saved until the
// person chooses fewer people or the wait-list.
func TestLargestPartyAndSeatsLeft(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		cat := i18n.MustLoad()
		tid := f.t.ID
		count := func(evID int64) int {
			t.Helper()
			regs, err := f.s.Registrations(ctx, tid, evID)
			if err != nil {
				t.Fatal(err)
			}
			return len(regs)
		}
		// Asks for no wait-list, as the form first does.
		ask := func(i, party int) events.RegistrationInput {
			in := person(i, party)
			in.Waitlist = false
			return in
		}

		set, err := f.s.Settings(ctx, tid)
		if err != nil || set.LargestParty != 4 {
			t.Fatalf("default settings %+v %v", set, err)
		}
		for _, n := range []int{0, -1, 21} {
			e, ok := errs.As(f.s.SaveSettings(ctx, tid, 0, events.Settings{LargestParty: n}))
			if !ok || e.Fields["largest_party"] == "" {
				t.Errorf("largest party %d: %v", n, e)
			}
		}

		// Five people without staff: call the team (its contact is given).
		big := f.event(t, 20)
		for _, src := range []string{events.SourceWeb, events.SourceAPI} {
			_, err := f.s.Register(ctx, tid, big.ID, ask(1, 5), src)
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("%s: %v", src, err)
			}
			msg := cat.T("fr", e.Fields["party_size"])
			if !strings.Contains(msg, "Au-delà de 4\u00a0personnes") {
				t.Errorf("%s: %q", src, msg)
			}
			if f.t.ContactPhone != "" && !strings.Contains(msg, f.t.ContactPhone) {
				t.Errorf("%s: the team's phone is not in %q", src, msg)
			}
		}
		if n := count(big.ID); n != 0 {
			t.Fatalf("%d registrations saved", n)
		}
		// Staff take a group of 12 by phone; its person may keep it at 12
		// or shrink it through the private link, not grow it.
		group, err := f.s.RegisterByStaff(ctx, tid, big.ID, events.RegistrationInput{Name: "École Sainte-Marie",
			Email: "ecole@exemple.org", PartySize: 12}, events.SourcePhone)
		if err != nil || group.Registration.Status != events.Confirmed {
			t.Fatalf("staff group: %+v %v", group, err)
		}
		if _, err := f.s.UpdateByToken(ctx, group.Token, events.Change{PartySize: 12, Dietary: "Deux sans arachides"}); err != nil {
			t.Errorf("keeping 12: %v", err)
		}
		if _, err := f.s.UpdateByToken(ctx, group.Token, events.Change{PartySize: 13}); !errs.Is(err, errs.Invalid) {
			t.Errorf("growing to 13: %v", err)
		}
		if _, err := f.s.UpdateByToken(ctx, group.Token, events.Change{PartySize: 10}); err != nil {
			t.Errorf("shrinking to 10: %v", err)
		}
		solo, err := f.s.Register(ctx, tid, big.ID, ask(2, 1), events.SourceWeb)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.UpdateByToken(ctx, solo.Token, events.Change{PartySize: 5}); !errs.Is(err, errs.Invalid) {
			t.Errorf("a sign-up of 1 grew to 5: %v", err)
		}
		// Administrators allow 2 at most.
		if err := f.s.SaveSettings(ctx, tid, 0, events.Settings{LargestParty: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Register(ctx, tid, big.ID, ask(3, 3), events.SourceWeb); !errs.Is(err, errs.Invalid) {
			t.Errorf("3 people with a limit of 2: %v", err)
		}
		if err := f.s.SaveSettings(ctx, tid, 0, events.Settings{LargestParty: 4}); err != nil {
			t.Fatal(err)
		}

		// Five seats: three taken, a party of four asks.
		ev := f.event(t, 5)
		if _, err := f.s.Register(ctx, tid, ev.ID, ask(10, 3), events.SourceWeb); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Register(ctx, tid, ev.ID, ask(11, 4), events.SourceWeb)
		var room *events.NoRoom
		if !errors.As(err, &room) || room.SeatsLeft != 2 || room.PartySize != 4 || !errs.Is(err, errs.Conflict) {
			t.Fatalf("party of 4 for 2 seats: %v", err)
		}
		e, _ := errs.As(err)
		if got := cat.T("fr", e.Key); got != "Il ne reste que 2\u00a0places, et vous êtes 4. Rien n’est encore enregistré\u00a0: "+
			"inscrivez 2\u00a0personnes, ou tout le groupe sur la liste d’attente." {
			t.Errorf("message %q", got)
		}
		if n := count(ev.ID); n != 1 || len(f.mails(t, "p11@exemple.org")) != 0 {
			t.Fatalf("the refused party was saved or told: %d registrations", n)
		}
		one := &events.NoRoom{SeatsLeft: 1, PartySize: 3}
		if got := cat.T("en", one.Unwrap().(*errs.Error).Key); got != "Only one seat is left, and you are 3. Nothing is saved yet: sign up one person, or the whole party on the wait-list." {
			t.Errorf("one seat left: %q", got)
		}
		// They choose to come with two.
		two, err := f.s.Register(ctx, tid, ev.ID, ask(11, 2), events.SourceWeb)
		if err != nil || two.Registration.Status != events.Confirmed {
			t.Fatalf("coming with two: %+v %v", two, err)
		}
		// Full now: one more person is asked too, then chooses the wait-list.
		_, err = f.s.Register(ctx, tid, ev.ID, ask(12, 1), events.SourceAPI)
		if !errors.As(err, &room) || room.SeatsLeft != 0 {
			t.Fatalf("full: %v", err)
		}
		if e, _ := errs.As(err); cat.T("en", e.Key) != "It is full for now. Nothing is saved yet: you may join the wait-list." {
			t.Errorf("full message %q", cat.T("en", e.Key))
		}
		// A party of three chooses the wait-list for all of them.
		in := ask(13, 3)
		in.Waitlist = true
		w, err := f.s.Register(ctx, tid, ev.ID, in, events.SourceWeb)
		if err != nil || w.Registration.Status != events.Waitlisted || w.Registration.WaitlistPosition != 1 {
			t.Fatalf("wait-list: %+v %v", w, err)
		}
		if ms := f.mails(t, "p13@exemple.org"); len(ms) != 1 || !strings.Contains(ms[0].Text, "votre groupe de 3\u00a0personnes") {
			t.Errorf("wait-list e-mail: %v", ms)
		}
		// Staff still put a party that does not fit on the wait-list, and say so.
		st, err := f.s.RegisterByStaff(ctx, tid, ev.ID, events.RegistrationInput{Name: "Luc", Phone: "819 555-0199", PartySize: 2}, events.SourcePhone)
		if err != nil || st.Registration.Status != events.Waitlisted {
			t.Errorf("staff: %+v %v", st, err)
		}
	})
}
