package events_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

type privacyFixture struct {
	*fixture
	lise, gilles *auth.User
	a, b         events.Event
	liseA, liseB int64
	gillesA      int64
	sub          privacy.Subject
}

// newPrivacyFixture: Lise signs up for two events (the second cancelled),
// hosts the first and is its published contact; Gilles signs up for the
// first and hosts it too.
func newPrivacyFixture(t *testing.T, d *db.DB) *privacyFixture {
	t.Helper()
	ctx := context.Background()
	f := &privacyFixture{fixture: newFixture(t, d)}
	users := auth.NewStore(d, f.clock.Now)
	var err error
	f.lise, err = users.CreateUser(ctx, auth.NewUser{Email: "lise@exemple.org", Name: "Lise Tremblay"}, f.t.ID, auth.RoleFacilitator)
	if err != nil {
		t.Fatal(err)
	}
	f.gilles, err = users.CreateUser(ctx, auth.NewUser{Email: "gilles@exemple.org", Name: "Gilles Roy"}, f.t.ID, auth.RoleFacilitator)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(days int, contact bool) events.Event {
		start := f.clock.Now().Add(time.Duration(days) * 24 * time.Hour)
		in := events.Input{Kind: events.CitizenDinner, Title: fmt.Sprintf("Souper citoyen %d", days), PlaceSlug: "fortierville",
			VenueName: "Salle municipale", StartsAt: start, EndsAt: start.Add(3 * time.Hour),
			Facilitators: []int64{f.lise.ID, f.gilles.ID}}
		if contact {
			in.ContactName, in.ContactEmail, in.ContactPhone = "Lise Tremblay", "Lise@Exemple.org", "819 555-1234"
			in.Facilitators = []int64{f.lise.ID, f.gilles.ID}
		} else {
			in.Facilitators = []int64{f.gilles.ID}
		}
		ev, err := f.s.Create(ctx, f.t.ID, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.Publish(ctx, f.t.ID, ev.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		ev, _ = f.s.Get(ctx, f.t.ID, ev.ID)
		return ev
	}
	f.a, f.b = mk(7, true), mk(14, false)
	reg := func(ev events.Event, in events.RegistrationInput) int64 {
		out, err := f.s.Register(ctx, f.t.ID, ev.ID, in, events.SourceWeb)
		if err != nil {
			t.Fatal(err)
		}
		return out.Registration.ID
	}
	f.liseA = reg(f.a, events.RegistrationInput{Name: "Lise Tremblay", Email: "lise@exemple.org", Phone: "819 555-1234", PartySize: 2,
		Dietary: "Sans gluten", Accessibility: "Fauteuil roulant", Ride: events.RideNeeds, FromPlaceSlug: "fortierville", ConsentContact: true})
	f.gillesA = reg(f.a, events.RegistrationInput{Name: "Gilles Roy", Email: "gilles@exemple.org", Phone: "819 555-7777", PartySize: 1,
		Dietary: "Végétarien", ConsentContact: true})
	f.liseB = reg(f.b, events.RegistrationInput{Name: "Lise Tremblay", Phone: "1-819-555-1234", PartySize: 1})
	if err := f.s.CancelForStaff(ctx, f.t.ID, f.liseB); err != nil {
		t.Fatal(err)
	}
	f.sub = privacy.Subject{TerritoryID: f.t.ID, UserID: f.lise.ID, Emails: []string{"lise@exemple.org"}, Phones: []string{"8195551234"}}
	return f
}

func refs(recs []privacy.Record) []privacy.Ref {
	var out []privacy.Ref
	for _, r := range recs {
		out = append(out, r.Ref)
	}
	return out
}

func TestPrivacyFindErase(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newPrivacyFixture(t, d)
		ctx := context.Background()
		recs, err := f.s.Find(ctx, d, f.sub)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, r := range recs {
			got[r.Category]++
			if r.Label == "" {
				t.Errorf("record %v without a label", r.Ref)
			}
			for _, fl := range r.Fields {
				if v := strings.ToLower(fl.Value); strings.Contains(v, "gilles") || strings.Contains(v, "7777") {
					t.Errorf("record %v carries another person's %s: %q", r.Ref, fl.Name, fl.Value)
				}
			}
		}
		if got["events.registrations"] != 2 || got["events.facilitators"] != 1 || got["events.contacts"] != 1 || len(recs) != 4 {
			t.Fatalf("found %v", got)
		}

		var kept []privacy.Kept
		for range 2 { // erasing again is not an error
			err = d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				kept, err = f.s.Erase(ctx, tx, f.sub, refs(recs))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(kept) != 1 || kept[0].Reason != "privacy.kept.events.registrations" || kept[0].Count != 2 {
				t.Errorf("kept %+v", kept)
			}
		}
		for _, table := range []string{"registrations", "events"} {
			all := testkit.Dump(t, d, table)
			for _, s := range []string{"lise", "tremblay", "555-1234", "8195551234", "sans gluten", "fauteuil"} {
				if strings.Contains(all, s) {
					t.Errorf("%s still holds %q after the erasure", table, s)
				}
			}
			if table == "registrations" && (!strings.Contains(all, "gilles roy") || !strings.Contains(all, "végétarien")) {
				t.Error("Gilles's registration was touched")
			}
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM event_facilitators WHERE user_id = ?`, f.lise.ID); n != 0 {
			t.Errorf("Lise still hosts %d events", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM event_facilitators WHERE user_id = ?`, f.gilles.ID); n != 2 {
			t.Errorf("Gilles hosts %d events, want 2", n)
		}
		ev, _ := f.s.Get(ctx, f.t.ID, f.a.ID)
		if ev.Confirmed != 3 {
			t.Errorf("the event counts %d confirmed, want 3 (the anonymised party stays)", ev.Confirmed)
		}
		if recs, _ := f.s.Find(ctx, d, f.sub); len(recs) != 0 {
			t.Errorf("found %d records after the erasure", len(recs))
		}
	})
}

func TestPrivacyRetention(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newPrivacyFixture(t, d)
		ctx := context.Background()
		expire := func(rule string, cutoff time.Time) int {
			var n int
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				n, err = f.s.Expire(ctx, tx, f.t.ID, rule, cutoff)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Past events: the registrations of the event that ended before
		// the cutoff, not those of the later one.
		if n := expire(events.RulePastRegistrants, f.a.EndsAt.Add(-time.Second)); n != 0 {
			t.Errorf("before the end: %d anonymised", n)
		}
		if n := expire(events.RulePastRegistrants, f.a.EndsAt.Add(time.Second)); n != 2 {
			t.Errorf("after the end: %d anonymised, want 2", n)
		}
		if n := expire(events.RulePastRegistrants, f.a.EndsAt.Add(time.Second)); n != 0 {
			t.Errorf("again: %d anonymised", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM registrations WHERE event_id = ? AND name <> ''`, f.b.ID); n != 1 {
			t.Errorf("the later event's registration was touched")
		}
		// Cancelled registrations, counted from the cancellation.
		now := f.clock.Now()
		if n := expire(events.RuleCancelled, now.Add(-time.Second)); n != 0 {
			t.Errorf("before: %d anonymised", n)
		}
		if n := expire(events.RuleCancelled, now.Add(time.Second)); n != 1 {
			t.Errorf("after: %d anonymised, want 1", n)
		}
		if n := expire(events.RuleCancelled, now.Add(time.Second)); n != 0 {
			t.Errorf("again: %d anonymised", n)
		}
		if all := testkit.Dump(t, d, "registrations"); strings.Contains(all, "lise") || strings.Contains(all, "gilles") {
			t.Error("a registration kept a name after the rules")
		}
		if len(f.s.Retention()) != 2 {
			t.Error("two rules")
		}
	})
}

func TestPrivacyConsentsCorrect(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newPrivacyFixture(t, d)
		ctx := context.Background()
		cs, err := f.s.Consents(ctx, f.sub)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Purpose != privacy.Contact || cs[0].Withdrawn != nil || cs[0].Wording == "" {
			t.Fatalf("consents %+v", cs)
		}
		for range 2 {
			if err := f.s.Withdraw(ctx, f.sub, cs[0].Ref); err != nil {
				t.Fatal(err)
			}
		}
		cs, _ = f.s.Consents(ctx, f.sub)
		if len(cs) != 1 || cs[0].Withdrawn == nil {
			t.Errorf("after the withdrawal %+v", cs)
		}
		err = f.s.Withdraw(ctx, f.sub, privacy.Ref{Table: "registrations", ID: f.gillesA})
		testkit.WantCode(t, err, errs.NotFound)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM registrations WHERE id = ? AND consent_contact`, f.gillesA); n != 1 {
			t.Error("Gilles's consent was withdrawn")
		}

		var n int
		err = d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			n, err = f.s.Correct(ctx, tx, f.sub, privacy.Correction{Name: "Lise Tremblay-Roy", Phone: "819 555-9999"})
			return err
		})
		if err != nil || n != 2 {
			t.Fatalf("corrected %d: %v", n, err)
		}
		if c := testkit.Count(t, d, `SELECT COUNT(*) FROM registrations WHERE name = 'Lise Tremblay-Roy' AND phone_key = '8195559999'`); c != 2 {
			t.Errorf("%d registrations corrected", c)
		}
		if c := testkit.Count(t, d, `SELECT COUNT(*) FROM registrations WHERE name = 'Gilles Roy' AND phone_key = '8195557777'`); c != 1 {
			t.Error("Gilles's registration was corrected")
		}
	})
}
