package events_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/jobs/jobstest"
	"implique/internal/mail"
	"implique/internal/territory"
	"implique/internal/testkit"
)

type fixture struct {
	d      *db.DB
	s      *events.Store
	t      territory.Territory
	outbox *mail.Store
	clock  *app.Clock
}

// newFixture wires the application on d, its clock stopped on 20 November 2026.
func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	a := testkit.App(t, d, time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
	return &fixture{d: d, s: a.Events, t: testkit.Territory(t, a.Territories), outbox: a.Outbox, clock: a.Clock}
}

// event creates and publishes an event in a week, with capacity seats (0: no limit).
func (f *fixture) event(t *testing.T, capacity int) events.Event {
	t.Helper()
	in := events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "fortierville",
		VenueName: "Salle municipale", VenueAddress: "1, rue Principale", StartsAt: f.clock.Now().Add(7 * 24 * time.Hour),
		EndsAt: f.clock.Now().Add(7*24*time.Hour + 3*time.Hour), Menu: "Soupe aux pois, pâté chinois"}
	if capacity > 0 {
		in.Capacity = testkit.Ptr(capacity)
	}
	ev, err := f.s.Create(context.Background(), f.t.ID, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.Publish(context.Background(), f.t.ID, ev.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	ev, _ = f.s.Get(context.Background(), f.t.ID, ev.ID)
	return ev
}

// person signs up a party of party, and takes the wait-list should it not fit.
func person(i int, party int) events.RegistrationInput {
	return events.RegistrationInput{Name: fmt.Sprintf("Personne %d", i), Email: fmt.Sprintf("p%d@exemple.org", i), PartySize: party,
		Waitlist: true}
}

func (f *fixture) mails(t *testing.T, to string) []mail.Item {
	t.Helper()
	items, err := f.outbox.List(context.Background(), f.t.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Item
	for _, it := range items {
		if it.To == to {
			out = append(out, it)
		}
	}
	return out
}

func TestEventLifecycle(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		in := events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen de l’automne", PlaceSlug: "sainte-cecile-de-levrard",
			VenueName: "Centre communautaire", StartsAt: f.clock.Now().Add(48 * time.Hour), EndsAt: f.clock.Now().Add(51 * time.Hour), Capacity: testkit.Ptr(40)}
		ev, err := f.s.Create(ctx, f.t.ID, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Slug != "souper-citoyen-de-l-automne-sainte-cecile-de-levrard-2026-11-22" {
			t.Errorf("slug %q", ev.Slug)
		}
		if st := ev.StatusAt(f.clock.Now()); st != events.Draft {
			t.Errorf("new event is %s", st)
		}
		// Publish at a set time: scheduled, then open.
		if err := f.s.Publish(ctx, f.t.ID, ev.ID, f.clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		ev, _ = f.s.Get(ctx, f.t.ID, ev.ID)
		if st := ev.StatusAt(f.clock.Now()); st != events.Scheduled {
			t.Errorf("status %s, want scheduled", st)
		}
		if st := ev.StatusAt(f.clock.Now().Add(2 * time.Hour)); st != events.Open {
			t.Errorf("status %s, want open", st)
		}
		pub, _ := f.s.List(ctx, f.t.ID, events.Filter{PublicOnly: true})
		if len(pub) != 0 {
			t.Error("a scheduled event is listed publicly before its time")
		}
		f.clock.Set(f.clock.Now().Add(2 * time.Hour))
		pub, _ = f.s.List(ctx, f.t.ID, events.Filter{PublicOnly: true, PlaceSlug: "sainte-cecile-de-levrard"})
		if len(pub) != 1 {
			t.Fatalf("public list has %d events", len(pub))
		}
		// Duplicate gives a draft with the same details and another address.
		dup, err := f.s.Duplicate(ctx, f.t.ID, ev.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if dup.Slug == ev.Slug || dup.PublishAt != nil || dup.Title != ev.Title || *dup.Capacity != 40 {
			t.Errorf("duplicate %+v", dup)
		}
		// Bad input: nothing written, clear fields.
		bad := in
		bad.Title, bad.EndsAt, bad.PlaceSlug, bad.Capacity = "", in.StartsAt.Add(-time.Hour), "montreal", testkit.Ptr(0)
		_, err = f.s.Create(ctx, f.t.ID, 0, bad)
		e, ok := errs.As(err)
		if !ok || e.Fields["title"] == "" || e.Fields["ends_at"] != "errors.ends_before_start" || e.Fields["place"] != "errors.place_unknown" || e.Fields["capacity"] == "" {
			t.Errorf("bad input: %v", err)
		}
		all, _ := f.s.List(ctx, f.t.ID, events.Filter{})
		if len(all) != 2 {
			t.Errorf("%d events after a refused create, want 2", len(all))
		}
		// Unpublish is refused once people registered; cancel tells them.
		if _, err := f.s.Register(ctx, f.t.ID, ev.ID, person(1, 2), events.SourceWeb); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, f.s.Unpublish(ctx, f.t.ID, ev.ID), errs.Conflict)
		if err := f.s.Cancel(ctx, f.t.ID, ev.ID, "Tempête de neige"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Cancel(ctx, f.t.ID, ev.ID, "Tempête de neige"); err != nil {
			t.Fatalf("second cancel: %v", err)
		}
		ev, _ = f.s.Get(ctx, f.t.ID, ev.ID)
		if ev.StatusAt(f.clock.Now()) != events.Cancelled {
			t.Errorf("status %s", ev.StatusAt(f.clock.Now()))
		}
		ms := f.mails(t, "p1@exemple.org")
		if len(ms) != 2 || !strings.Contains(ms[0].Subject, "Annulé") || !strings.Contains(ms[0].Text, "Tempête de neige") {
			t.Errorf("cancellation mails: %d %v", len(ms), ms)
		}
		_, err = f.s.Register(ctx, f.t.ID, ev.ID, person(2, 1), events.SourceWeb)
		testkit.WantCode(t, err, errs.Conflict)
		testkit.WantCode(t, f.s.Publish(ctx, f.t.ID, ev.ID, time.Time{}), errs.Conflict)
	})
}

func TestCapacityAndWaitlist(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ev := f.event(t, 5)

		reg := func(i, party int) events.Outcome {
			t.Helper()
			o, err := f.s.Register(ctx, f.t.ID, ev.ID, person(i, party), events.SourceWeb)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		a := reg(1, 3) // confirmed, 2 left
		b := reg(2, 3) // wait-list 1
		c := reg(3, 2) // fits the 2 left: confirmed (b's party is too large)
		dd := reg(4, 1)
		if a.Registration.Status != events.Confirmed || b.Registration.Status != events.Waitlisted ||
			c.Registration.Status != events.Confirmed || dd.Registration.Status != events.Waitlisted {
			t.Fatalf("statuses %s %s %s %s", a.Registration.Status, b.Registration.Status, c.Registration.Status, dd.Registration.Status)
		}
		if b.Registration.WaitlistPosition != 1 || dd.Registration.WaitlistPosition != 2 {
			t.Errorf("positions %d %d", b.Registration.WaitlistPosition, dd.Registration.WaitlistPosition)
		}
		ev, _ = f.s.Get(ctx, f.t.ID, ev.ID)
		if ev.Confirmed != 5 || ev.Waitlisted != 4 || ev.StatusAt(f.clock.Now()) != events.Full || *ev.SeatsLeft() != 0 {
			t.Errorf("confirmed %d waitlisted %d status %s", ev.Confirmed, ev.Waitlisted, ev.StatusAt(f.clock.Now()))
		}
		// The same person again gets their registration, not a second seat, and no link.
		again, err := f.s.Register(ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: "P1", Email: "P1@Exemple.org", PartySize: 4}, events.SourceWeb)
		if err != nil || !again.Existing || again.Registration.ID != a.Registration.ID || again.Token != "" {
			t.Errorf("duplicate: %+v %v", again, err)
		}
		// Party larger than the whole room is refused.
		_, err = f.s.Register(ctx, f.t.ID, ev.ID, person(9, 6), events.SourceWeb)
		testkit.WantCode(t, err, errs.Invalid)

		// a cancels: 3 seats free; b (3) gets them; dd waits.
		if err := f.s.CancelByToken(ctx, a.Token); err != nil {
			t.Fatal(err)
		}
		rb, _, _ := f.s.ByToken(ctx, b.Token)
		rd, _, _ := f.s.ByToken(ctx, dd.Token)
		if rb.Status != events.Confirmed || rd.Status != events.Waitlisted || rd.WaitlistPosition != 1 {
			t.Errorf("after a cancels: b %s, d %s #%d", rb.Status, rd.Status, rd.WaitlistPosition)
		}
		if ms := f.mails(t, "p2@exemple.org"); len(ms) != 2 || !strings.Contains(ms[0].Subject, "Une place pour vous") {
			t.Errorf("b was not told: %v", ms)
		}
		// Cancelling twice changes nothing.
		if err := f.s.CancelByToken(ctx, a.Token); err != nil {
			t.Fatal(err)
		}
		// c shrinks to 1: a seat for dd.
		if _, err := f.s.UpdateByToken(ctx, c.Token, events.Change{PartySize: 1, Ride: events.RideNeeds}); err != nil {
			t.Fatal(err)
		}
		rd, _, _ = f.s.ByToken(ctx, dd.Token)
		if rd.Status != events.Confirmed {
			t.Errorf("d not promoted after c shrank: %s", rd.Status)
		}
		// c cannot grow past the seats.
		_, err = f.s.UpdateByToken(ctx, c.Token, events.Change{PartySize: 3})
		testkit.WantCode(t, err, errs.Conflict)
		// Staff move someone to the wait-list and back.
		if err := f.s.Move(ctx, f.t.ID, rd.ID, events.Waitlisted); err != nil {
			t.Fatal(err)
		}
		rd, _, _ = f.s.ByToken(ctx, dd.Token)
		if rd.Status != events.Confirmed {
			// The seat it freed goes to the first waiting — itself.
			t.Errorf("moved registration: %s", rd.Status)
		}
		// An unknown token reveals nothing.
		_, _, err = f.s.ByToken(ctx, "inconnu")
		testkit.WantCode(t, err, errs.NotFound)
		_, _, err = f.s.ByToken(ctx, strings.ToUpper(b.Token))
		testkit.WantCode(t, err, errs.NotFound)
	})
}

func TestRegistrationInput(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ev := f.event(t, 0)
		cases := []struct {
			name  string
			in    events.RegistrationInput
			field string
		}{
			{"no name", events.RegistrationInput{Email: "a@exemple.org", PartySize: 1}, "name"},
			{"no way to reach", events.RegistrationInput{Name: "A", PartySize: 1}, "email"},
			{"bad e-mail", events.RegistrationInput{Name: "A", Email: "a@", PartySize: 1}, "email"},
			{"bad phone", events.RegistrationInput{Name: "A", Phone: "555-12", PartySize: 1}, "phone"},
			{"zero people", events.RegistrationInput{Name: "A", Phone: "819 555-0123", PartySize: 0}, "party_size"},
			{"too many people", events.RegistrationInput{Name: "A", Phone: "819 555-0123", PartySize: 21}, "party_size"},
			{"unknown ride", events.RegistrationInput{Name: "A", Phone: "819 555-0123", PartySize: 1, Ride: "jet"}, "ride"},
			{"unknown place", events.RegistrationInput{Name: "A", Phone: "819 555-0123", PartySize: 1, FromPlaceSlug: "paris"}, "from_place"},
			{"huge text", events.RegistrationInput{Name: "A", Phone: "819 555-0123", PartySize: 1, Dietary: strings.Repeat("é", 501)}, "dietary"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.s.Register(ctx, f.t.ID, ev.ID, c.in, events.SourceWeb)
				e, ok := errs.As(err)
				if !ok || e.Code != errs.Invalid || e.Fields[c.field] == "" {
					t.Errorf("err = %v, want a problem on %s", err, c.field)
				}
			})
		}
		regs, _ := f.s.Registrations(ctx, f.t.ID, ev.ID)
		if len(regs) != 0 {
			t.Errorf("%d registrations written by bad input", len(regs))
		}
		// Phone only, then the same phone written another way.
		o, err := f.s.Register(ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: "Réjean", Phone: "(819) 555-0123", PartySize: 2,
			FromPlaceSlug: "manseau", Ride: events.RideNeeds, ConsentContact: true}, events.SourcePhone)
		if err != nil || o.Registration.FromPlaceName != "Manseau" || !o.Registration.ConsentContact {
			t.Fatalf("%+v %v", o, err)
		}
		again, err := f.s.Register(ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: "R", Phone: "1-819-555-0123", PartySize: 1}, events.SourceWeb)
		if err != nil || !again.Existing {
			t.Errorf("same phone: %+v %v", again, err)
		}
	})
}

// TestConcurrentSignUps: 300 people sign up at once for 40 seats.
func TestConcurrentSignUps(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ev := f.event(t, 40)
		const n = 300
		var wg sync.WaitGroup
		errc := make(chan error, n)
		sem := make(chan struct{}, 30)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				_, err := f.s.Register(ctx, f.t.ID, ev.ID, person(i, 1), events.SourceWeb)
				if err != nil {
					errc <- err
				}
			}(i)
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Errorf("sign-up failed: %v", err)
		}
		regs, err := f.s.Registrations(ctx, f.t.ID, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		conf, wait := 0, 0
		var positions []int
		for _, r := range regs {
			switch r.Status {
			case events.Confirmed:
				conf++
			case events.Waitlisted:
				wait++
				positions = append(positions, r.WaitlistPosition)
			}
		}
		if conf != 40 || wait != 260 {
			t.Fatalf("%d confirmed, %d wait-listed; want 40 and 260", conf, wait)
		}
		sort.Ints(positions)
		for i, p := range positions {
			if p != i+1 {
				t.Fatalf("wait-list positions are not 1..260: %v", positions[:10])
			}
		}
	})
}

// TestRacingCancellations: two cancellations at once promote the wait-list exactly once each.
func TestRacingCancellations(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ev := f.event(t, 2)
		var toks []string
		for i := 0; i < 6; i++ {
			o, err := f.s.Register(ctx, f.t.ID, ev.ID, person(i, 1), events.SourceWeb)
			if err != nil {
				t.Fatal(err)
			}
			toks = append(toks, o.Token)
		}
		var wg sync.WaitGroup
		for _, tok := range []string{toks[0], toks[0], toks[1], toks[1]} {
			wg.Add(1)
			go func(tok string) {
				defer wg.Done()
				if err := f.s.CancelByToken(ctx, tok); err != nil {
					t.Error(err)
				}
			}(tok)
		}
		wg.Wait()
		ev, _ = f.s.Get(ctx, f.t.ID, ev.ID)
		if ev.Confirmed != 2 || ev.Waitlisted != 2 {
			t.Errorf("confirmed %d, waitlisted %d; want 2 and 2", ev.Confirmed, ev.Waitlisted)
		}
		for i, want := range []string{events.Withdrawn, events.Withdrawn, events.Confirmed, events.Confirmed, events.Waitlisted, events.Waitlisted} {
			r, _, _ := f.s.ByToken(ctx, toks[i])
			if r.Status != want {
				t.Errorf("registration %d is %s, want %s", i, r.Status, want)
			}
		}
		for _, who := range []string{"p2@exemple.org", "p3@exemple.org"} {
			n := 0
			for _, m := range f.mails(t, who) {
				if strings.Contains(m.Subject, "Une place pour vous") {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s got %d promotion e-mails, want 1", who, n)
			}
		}
	})
}

func TestCheckInCloseAndProgress(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ev := f.event(t, 30)
		a, _ := f.s.Register(ctx, f.t.ID, ev.ID, person(1, 2), events.SourceWeb)
		f.s.Register(ctx, f.t.ID, ev.ID, person(2, 1), events.SourceWeb)
		_, err := f.s.Close(ctx, f.t.ID, ev.ID, events.Report{})
		testkit.WantCode(t, err, errs.Conflict) // not started yet
		f.clock.Set(ev.StartsAt.Add(time.Hour))
		if err := f.s.CheckIn(ctx, f.t.ID, a.Registration.ID, true); err != nil {
			t.Fatal(err)
		}
		walk, err := f.s.RegisterByStaff(ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: "Arrivée imprévue", Phone: "819 555-0199", PartySize: 3}, events.SourceWalkIn)
		if err != nil || walk.Registration.CheckedInAt == nil {
			t.Fatalf("walk-in: %+v %v", walk, err)
		}
		// Someone at the door gives no phone nor e-mail: they are there, that is enough.
		if _, err := f.s.RegisterByStaff(ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: "Madeleine", PartySize: 1}, events.SourceWalkIn); err != nil {
			t.Fatalf("walk-in without contact: %v", err)
		}
		_, err = f.s.RegisterByStaff(ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: "Sans contact", PartySize: 1}, events.SourcePaper)
		testkit.WantCode(t, err, errs.Invalid)
		closed, err := f.s.Close(ctx, f.t.ID, ev.ID, events.Report{Organizations: "Comité des loisirs, FADOQ", Notes: "Belle soirée"})
		if err != nil {
			t.Fatal(err)
		}
		if *closed.Attendance != 6 || *closed.NoShows != 1 || closed.StatusAt(f.clock.Now()) != events.Held {
			t.Errorf("attendance %d, no-shows %d, status %s", *closed.Attendance, *closed.NoShows, closed.StatusAt(f.clock.Now()))
		}
		p, err := f.s.DinnerProgress(ctx, f.t.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Held != 1 || p.Target != 18 || len(p.PlacesWith) != 1 || p.PlacesWith[0].Slug != "fortierville" {
			t.Errorf("progress %+v", p)
		}
		for _, pl := range p.PlacesWithout {
			if pl.Slug == "becancour" {
				t.Error("the ville de Bécancour counts through its secteurs")
			}
		}
		if len(p.PlacesWith)+len(p.PlacesWithout) != 18 {
			t.Errorf("%d places in the progress, want 18", len(p.PlacesWith)+len(p.PlacesWithout))
		}
	})
}

func TestReminders(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ev := f.event(t, 0)
		f.s.Register(ctx, f.t.ID, ev.ID, person(1, 1), events.SourceWeb)
		f.s.Register(ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: "Sans courriel", Phone: "819 555-0100", PartySize: 1}, events.SourceWeb)
		if n, err := f.s.SendReminders(ctx); err != nil || n != 0 {
			t.Fatalf("a week before: %d sent, %v", n, err)
		}
		f.clock.Set(ev.StartsAt.Add(-24 * time.Hour))
		if n, err := f.s.SendReminders(ctx); err != nil || n != 1 {
			t.Fatalf("a day before: %d sent, %v", n, err)
		}
		if n, _ := f.s.SendReminders(ctx); n != 0 {
			t.Errorf("second pass sent %d", n)
		}
		ms := f.mails(t, "p1@exemple.org")
		if len(ms) != 2 || !strings.Contains(ms[0].Subject, "Rappel") || !strings.Contains(ms[0].Text, "/inscription/") {
			t.Errorf("reminder: %v", ms)
		}
		atts, err := f.outbox.Attachments(ctx, ms[0].ID)
		if err != nil || len(atts) != 1 || !strings.Contains(string(atts[0].Data), "BEGIN:VEVENT") {
			t.Errorf("reminder attachment: %v %v", atts, err)
		}
		_ = jobstest.PollEvery
	})
}

// Dates out of bounds (a slip of the keyboard) are refused with the
// years allowed, nothing saved; one stored before the bounds existed still
// lists, and can be corrected.
func TestDatesWithinBounds(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		years := calendar.Happening(f.clock.Now()).Problem()
		count := func() int {
			t.Helper()
			evs, err := f.s.List(ctx, f.t.ID, events.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(evs)
		}
		wantField := func(err error, field string) {
			t.Helper()
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid || e.Fields[field] != years {
				t.Fatalf("err = %v, want %s on %s", err, years, field)
			}
		}
		in := func(start time.Time) events.Input {
			return events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "manseau", VenueName: "Salle",
				StartsAt: start, EndsAt: start.Add(3 * time.Hour)}
		}
		for _, start := range []time.Time{time.Date(9999, 12, 31, 22, 30, 0, 0, time.UTC), time.Date(1, 1, 1, 17, 0, 0, 0, time.UTC),
			time.Date(2037, 1, 1, 17, 0, 0, 0, time.UTC), time.Date(1999, 12, 31, 17, 0, 0, 0, time.UTC)} {
			_, err := f.s.Create(ctx, f.t.ID, 0, in(start))
			wantField(err, "starts_at")
		}
		late := in(time.Date(2036, 12, 31, 17, 0, 0, 0, time.UTC))
		late.RegistrationDeadline = testkit.Ptr(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC))
		_, err := f.s.Create(ctx, f.t.ID, 0, late)
		wantField(err, "registration_deadline")
		if n := count(); n != 0 {
			t.Fatalf("%d events saved", n)
		}

		ev := f.event(t, 10)
		_, err = f.s.Update(ctx, f.t.ID, ev.ID, in(time.Date(9999, 12, 31, 17, 0, 0, 0, time.UTC)))
		wantField(err, "starts_at")
		draft, err := f.s.Create(ctx, f.t.ID, 0, in(late.StartsAt))
		if err != nil {
			t.Fatal(err)
		}
		wantField(f.s.Publish(ctx, f.t.ID, draft.ID, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)), "publish_at")
		if got, _ := f.s.Get(ctx, f.t.ID, ev.ID); !got.StartsAt.Equal(ev.StartsAt) {
			t.Errorf("the event moved to %v", got.StartsAt)
		}
		if got, _ := f.s.Get(ctx, f.t.ID, draft.ID); got.PublishAt != nil {
			t.Errorf("the draft is to be published %v", got.PublishAt)
		}

		// Stored before the bounds: the lists still read, and a copy is refused.
		if _, err := d.Exec(ctx, `UPDATE events SET starts_at = ?, ends_at = ? WHERE id = ?`,
			"9999-12-31 22:30:00+00:00", "10000-01-01 01:30:00+00:00", ev.ID); err != nil {
			t.Fatal(err)
		}
		all, err := f.s.List(ctx, f.t.ID, events.Filter{Newest: true})
		if err != nil || len(all) != 2 {
			t.Fatalf("list: %d events, %v", len(all), err)
		}
		got, err := f.s.Get(ctx, f.t.ID, ev.ID)
		if err != nil || got.EndsAt.Year() != 10000 {
			t.Fatalf("the event reads as ending %v, %v", got.EndsAt, err)
		}
		_, err = f.s.Duplicate(ctx, f.t.ID, ev.ID, 0)
		wantField(err, "starts_at")
		if n := count(); n != 2 {
			t.Errorf("%d events after the refused copy", n)
		}
		// Staff correct it.
		if _, err := f.s.Update(ctx, f.t.ID, ev.ID, in(f.clock.Now().Add(72*time.Hour))); err != nil {
			t.Fatal(err)
		}
	})
}
