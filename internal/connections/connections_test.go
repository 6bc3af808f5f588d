package connections_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/connections"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/territory"
	"implique/internal/testkit"
)

type fixture struct {
	ev     *events.Store
	s      *connections.Store
	t      territory.Territory
	outbox *mail.Store
	clock  *app.Clock
}

// newFixture wires the application on d, its clock stopped on 20 November 2026.
func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	a := testkit.App(t, d, time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
	return &fixture{ev: a.Events, s: a.Connections, t: testkit.Territory(t, a.Territories), outbox: a.Outbox, clock: a.Clock}
}

// souper is a published souper citoyen at place, starting at f.clock.Now() + in.
func (f *fixture) souper(t *testing.T, place string, in time.Duration) events.Event {
	t.Helper()
	ctx := context.Background()
	ev, err := f.ev.Create(ctx, f.t.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen " + place, PlaceSlug: place,
		VenueName: "Salle municipale", StartsAt: f.clock.Now().Add(in), EndsAt: f.clock.Now().Add(in + 3*time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ev.Publish(ctx, f.t.ID, ev.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return ev
}

type attendee struct {
	reg events.Registration
	tok string
}

func (f *fixture) register(t *testing.T, ev events.Event, name, email, phone string) attendee {
	t.Helper()
	out, err := f.ev.Register(context.Background(), f.t.ID, ev.ID, events.RegistrationInput{Name: name, Email: email, Phone: phone, PartySize: 1}, events.SourceWeb)
	if err != nil {
		t.Fatal(err)
	}
	return attendee{reg: out.Registration, tok: out.Token}
}

func (f *fixture) checkIn(t *testing.T, as ...attendee) {
	t.Helper()
	for _, a := range as {
		if err := f.ev.CheckIn(context.Background(), f.t.ID, a.reg.ID, true); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fixture) hold(t *testing.T, ev events.Event) {
	t.Helper()
	if _, err := f.ev.Close(context.Background(), f.t.ID, ev.ID, events.Report{}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) mails(t *testing.T, to string) []mail.Item {
	t.Helper()
	items, err := f.outbox.List(context.Background(), f.t.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Item
	for _, it := range items {
		if it.To == to && strings.Contains(it.Subject, "garder contact") {
			out = append(out, it)
		}
	}
	return out
}

func wantKey(t *testing.T, err error, code errs.Code, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if e.Key != key && e.Fields["with"] != key && e.Fields["share"] != key && e.Fields["opt_in"] != key {
		t.Fatalf("err = %v, want %s", err, key)
	}
}

// held is a souper held at Fortierville with Réjean (e-mail), Lise (e-mail
// and phone) and Gérard (phone only) checked in, and Marc, who did not come.
type held struct {
	ev                         events.Event
	rejean, lise, gerard, marc attendee
}

func (f *fixture) held(t *testing.T) held {
	t.Helper()
	h := held{ev: f.souper(t, "fortierville", 24*time.Hour)}
	h.rejean = f.register(t, h.ev, "Réjean Tremblay", "rejean@exemple.org", "")
	h.lise = f.register(t, h.ev, "Lise Beaudoin", "lise@exemple.org", "819 555-0101")
	h.gerard = f.register(t, h.ev, "Gérard Pellerin", "", "819 555-0102")
	h.marc = f.register(t, h.ev, "Marc Lemieux", "marc@exemple.org", "")
	f.clock.Set(f.clock.Now().Add(25 * time.Hour))
	f.checkIn(t, h.rejean, h.lise, h.gerard)
	f.hold(t, h.ev)
	return h
}

func TestExchangeContacts(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		h := f.held(t)
		tid := f.t.ID

		// Before anyone opts in, nobody is listed.
		v, err := f.s.ViewByToken(ctx, tid, h.rejean.tok)
		if err != nil {
			t.Fatal(err)
		}
		if v.OptedIn || len(v.Others) != 0 || v.Share != connections.ShareEmail {
			t.Fatalf("fresh view: %+v", v)
		}
		// Réjean and Lise opt in; Réjean already picks Lise.
		if _, err := f.s.SaveByToken(ctx, tid, h.lise.tok, connections.Choice{OptIn: true, Share: connections.SharePhone}); err != nil {
			t.Fatal(err)
		}
		res, err := f.s.SaveByToken(ctx, tid, h.rejean.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail, With: []int64{h.lise.reg.ID}})
		if err != nil || res.NewLinks != 0 {
			t.Fatalf("one-sided choice: %+v, %v", res, err)
		}
		// Lise sees « Réjean T. », never that he picked her.
		v, err = f.s.ViewByToken(ctx, tid, h.lise.tok)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Others) != 1 || v.Others[0].Display != "Réjean T." || v.Others[0].Chosen || v.Others[0].Contact != "" || len(v.Links) != 0 {
			t.Fatalf("Lise's view leaks or misses: %+v", v)
		}
		if len(f.mails(t, "rejean@exemple.org"))+len(f.mails(t, "lise@exemple.org")) != 0 {
			t.Fatal("an e-mail went out before the choice was mutual")
		}
		// Lise picks Réjean: a link, an e-mail each with the other's chosen detail.
		res, err = f.s.SaveByToken(ctx, tid, h.lise.tok, connections.Choice{OptIn: true, Share: connections.SharePhone, With: []int64{h.rejean.reg.ID}})
		if err != nil || res.NewLinks != 1 {
			t.Fatalf("mutual choice: %+v, %v", res, err)
		}
		toRejean, toLise := f.mails(t, "rejean@exemple.org"), f.mails(t, "lise@exemple.org")
		if len(toRejean) != 1 || len(toLise) != 1 {
			t.Fatalf("mails: %d to Réjean, %d to Lise", len(toRejean), len(toLise))
		}
		if !strings.Contains(toRejean[0].Text, "819 555-0101") || !strings.Contains(toRejean[0].Text, "Lise B.") {
			t.Errorf("Réjean's e-mail lacks Lise's phone:\n%s", toRejean[0].Text)
		}
		if !strings.Contains(toLise[0].Text, "rejean@exemple.org") {
			t.Errorf("Lise's e-mail lacks Réjean's e-mail:\n%s", toLise[0].Text)
		}
		// The same submission again changes nothing and sends nothing.
		res, err = f.s.SaveByToken(ctx, tid, h.lise.tok, connections.Choice{OptIn: true, Share: connections.SharePhone, With: []int64{h.rejean.reg.ID, h.rejean.reg.ID}})
		if err != nil || res.NewLinks != 0 || len(f.mails(t, "lise@exemple.org")) != 1 || len(f.mails(t, "rejean@exemple.org")) != 1 {
			t.Fatalf("double submission: %+v, %v", res, err)
		}
		v, _ = f.s.ViewByToken(ctx, tid, h.rejean.tok)
		if len(v.Links) != 1 || v.Links[0].Contact != "819 555-0101" || len(v.Others) != 0 {
			t.Fatalf("Réjean's links: %+v", v)
		}

		// Gérard has no e-mail: staff record his paper form, and see the pair to pass on.
		if _, err := f.s.SaveByStaff(ctx, tid, h.ev.ID, h.gerard.reg.ID, connections.Choice{OptIn: true, Share: connections.SharePhone, With: []int64{h.rejean.reg.ID}}); err != nil {
			t.Fatal(err)
		}
		res, err = f.s.SaveByToken(ctx, tid, h.rejean.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail, With: []int64{h.lise.reg.ID, h.gerard.reg.ID}})
		if err != nil || res.NewLinks != 1 {
			t.Fatalf("link with Gérard: %+v, %v", res, err)
		}
		if m := f.mails(t, "rejean@exemple.org"); len(m) != 2 || !strings.Contains(m[0].Text+m[1].Text, "819 555-0102") {
			t.Errorf("Réjean did not get Gérard's phone: %d e-mails", len(m))
		}
		pairs, err := f.s.Pairs(ctx, tid, h.ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pairs) != 2 || !pairs[0].ToPassOn() || pairs[1].ToPassOn() {
			t.Fatalf("pairs: %+v", pairs)
		}
		p := pairs[0]
		if p.A.Name == "Gérard Pellerin" {
			p.A, p.B = p.B, p.A
		}
		if p.B.Emailed || p.B.Phone != "819 555-0102" || p.A.Contact != "rejean@exemple.org" {
			t.Errorf("pair to pass on: %+v", p)
		}

		// The indicator: two links, at one place, in one month, no names.
		dash, err := f.s.Dashboard(ctx, tid)
		if err != nil {
			t.Fatal(err)
		}
		if dash.Links != 2 || len(dash.ByEvent) != 1 || len(dash.ByPlace) != 1 || dash.ByPlace[0].Links != 2 ||
			len(dash.ByMonth) != 1 || dash.ByMonth[0].Month.Month() != time.November {
			t.Fatalf("dashboard: %+v", dash)
		}

		// Opting out hides Réjean from the others; the links stay.
		if _, err := f.s.SaveByToken(ctx, tid, h.rejean.tok, connections.Choice{}); err != nil {
			t.Fatal(err)
		}
		if v, _ := f.s.ViewByToken(ctx, tid, h.gerard.tok); len(v.Links) != 1 {
			t.Errorf("Gérard lost his link: %+v", v)
		}
		if v, _ := f.s.ViewByToken(ctx, tid, h.lise.tok); len(v.Others) != 1 || v.Others[0].Display != "Gérard P." {
			t.Errorf("Lise still sees Réjean: %+v", v.Others)
		}
	})
}

func TestRefusals(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		// An event not held yet.
		later := f.souper(t, "deschaillons-sur-saint-laurent", 72*time.Hour)
		early := f.register(t, later, "Denise Roy", "denise@exemple.org", "")
		h := f.held(t)
		_, err := f.s.ViewByToken(ctx, tid, early.tok)
		wantKey(t, err, errs.Conflict, "errors.connection_not_held")
		_, err = f.s.SaveByToken(ctx, tid, early.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail})
		wantKey(t, err, errs.Conflict, "errors.connection_not_held")

		if _, err := f.s.SaveByToken(ctx, tid, h.lise.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			tok  string
			c    connections.Choice
			code errs.Code
			key  string
		}{
			{"oneself", h.rejean.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail, With: []int64{h.lise.reg.ID, h.rejean.reg.ID}}, errs.Invalid, "errors.connection_self"},
			{"absent", h.rejean.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail, With: []int64{h.lise.reg.ID, h.marc.reg.ID}}, errs.Invalid, "errors.connection_absent"},
			{"unknown id", h.rejean.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail, With: []int64{0}}, errs.Invalid, "errors.connection_absent"},
			{"not opted in", h.rejean.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail, With: []int64{h.lise.reg.ID, h.gerard.reg.ID}}, errs.Invalid, "errors.connection_not_visible"},
			{"without opting in", h.rejean.tok, connections.Choice{With: []int64{h.lise.reg.ID}}, errs.Invalid, "errors.connection_opt_in_first"},
			{"detail not given", h.gerard.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail}, errs.Invalid, "errors.connection_share"},
			{"unknown detail", h.rejean.tok, connections.Choice{OptIn: true, Share: "fax"}, errs.Invalid, "errors.connection_share"},
			{"absent chooser", h.marc.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail}, errs.Conflict, "errors.connection_not_attendee"},
			{"unknown token", "pas-un-jeton", connections.Choice{OptIn: true, Share: connections.ShareEmail}, errs.NotFound, "errors.registration_not_found"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.s.SaveByToken(ctx, tid, c.tok, c.c)
				wantKey(t, err, c.code, c.key)
			})
		}
		// Nothing was stored half-way: Réjean is still not listed, picked nobody.
		v, err := f.s.ViewByToken(ctx, tid, h.lise.tok)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Others) != 0 {
			t.Errorf("a refused submission left Réjean listed: %+v", v.Others)
		}
		v, _ = f.s.ViewByToken(ctx, tid, h.rejean.tok)
		if v.OptedIn || v.Others[0].Chosen {
			t.Errorf("a refused submission was stored: %+v", v)
		}
		// Another territory's request does not open the link.
		_, err = f.s.ViewByToken(ctx, tid+1000, h.rejean.tok)
		wantKey(t, err, errs.NotFound, "errors.registration_not_found")
		// Staff: someone of another event, a cancelled registration.
		_, err = f.s.SaveByStaff(ctx, tid, h.ev.ID, early.reg.ID, connections.Choice{OptIn: true, Share: connections.ShareEmail})
		wantKey(t, err, errs.NotFound, "errors.registration_not_found")
		if err := f.ev.CancelForStaff(ctx, tid, h.lise.reg.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.SaveByStaff(ctx, tid, h.ev.ID, h.lise.reg.ID, connections.Choice{OptIn: true, Share: connections.ShareEmail})
		wantKey(t, err, errs.Conflict, "errors.registration_cancelled")
		_, err = f.s.ViewByToken(ctx, tid, h.lise.tok)
		wantKey(t, err, errs.Conflict, "errors.registration_cancelled")
		// A cancelled event is not held either.
		if err := f.ev.Cancel(ctx, tid, later.ID, "Tempête"); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.ViewByToken(ctx, tid, early.tok)
		wantKey(t, err, errs.Conflict, "errors.connection_not_held")
	})
}

func TestReturningAttendees(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		first := f.souper(t, "fortierville", 24*time.Hour)
		second := f.souper(t, "parisville", 48*time.Hour)
		third := f.souper(t, "deschaillons-sur-saint-laurent", 72*time.Hour)
		// Réjean by e-mail twice; Lise by e-mail then by phone (one registration gave both);
		// Gérard came once; Marc signed up twice but came once.
		f.checkInAt(t, first, "Réjean Tremblay", "rejean@exemple.org", "")
		f.checkInAt(t, second, "Réjean Tremblay", "REJEAN@exemple.org", "")
		f.checkInAt(t, first, "Lise Beaudoin", "lise@exemple.org", "819 555-0101")
		f.checkInAt(t, third, "Lise B.", "", "1-819-555-0101")
		f.checkInAt(t, second, "Gérard Pellerin", "", "819 555-0102")
		f.checkInAt(t, first, "Marc Lemieux", "marc@exemple.org", "")
		if _, err := f.ev.Register(ctx, f.t.ID, second.ID, events.RegistrationInput{Name: "Marc Lemieux", Email: "marc@exemple.org", PartySize: 1}, events.SourceWeb); err != nil {
			t.Fatal(err)
		}
		n, err := f.ev.ReturningAttendees(ctx, f.t.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("returning = %d, want 2", n)
		}
		dash, err := f.s.Dashboard(ctx, f.t.ID)
		if err != nil || dash.Returning != 2 || dash.Links != 0 {
			t.Errorf("dashboard %+v, %v", dash, err)
		}
	})
}

var walkIns int

// checkInAt records a walk-in (checked in at once) at ev.
func (f *fixture) checkInAt(t *testing.T, ev events.Event, name, email, phone string) {
	t.Helper()
	walkIns++
	_, err := f.ev.RegisterByStaff(context.Background(), f.t.ID, ev.ID, events.RegistrationInput{Name: name, Email: email, Phone: phone, PartySize: 1}, events.SourceWalkIn)
	if err != nil {
		t.Fatal(fmt.Errorf("walk-in %d: %w", walkIns, err))
	}
}

func TestDisplayName(t *testing.T) {
	for in, want := range map[string]string{
		"Réjean Tremblay":           "Réjean T.",
		"Marie-Ève St-Pierre":       "Marie-Ève S.",
		"  Lise   de la Durantaye ": "Lise D.",
		"Gérard":                    "Gérard",
		"":                          "",
		"Jean élie":                 "Jean É.",
	} {
		if got := connections.DisplayName(in); got != want {
			t.Errorf("DisplayName(%q) = %q, want %q", in, got, want)
		}
	}
}

// pairAt records two walk-ins at ev (held afterwards) who chose each other
// on paper.
func (f *fixture) pairAt(t *testing.T, ev events.Event, a, b string) {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for _, n := range []string{a, b} {
		walkIns++
		out, err := f.ev.RegisterByStaff(ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: n, Phone: fmt.Sprintf("819 555-%04d", walkIns), PartySize: 1}, events.SourceWalkIn)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, out.Registration.ID)
	}
	f.hold(t, ev)
	for _, id := range ids {
		if _, err := f.s.SaveByStaff(ctx, f.t.ID, ev.ID, id, connections.Choice{OptIn: true, Share: connections.SharePhone}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range ids {
		if _, err := f.s.SaveByStaff(ctx, f.t.ID, ev.ID, ids[i], connections.Choice{OptIn: true, Share: connections.SharePhone, With: []int64{ids[1-i]}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDashboardGroupsMonthsInTheTerritorysZone(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		loc := f.t.Location()
		start := f.clock.Now()
		at := func(month time.Month, day, hour, minute int) time.Duration {
			return time.Date(2026, month, day, hour, minute, 0, 0, loc).Sub(start)
		}
		// Three soupers in November (the last one ends the month at 23:30,
		// already December in UTC) and one in December.
		evs := []events.Event{
			f.souper(t, "fortierville", at(time.November, 21, 17, 30)),
			f.souper(t, "parisville", at(time.November, 24, 17, 30)),
			f.souper(t, "manseau", at(time.November, 30, 23, 30)),
			f.souper(t, "lemieux", at(time.December, 3, 17, 0)),
		}
		f.clock.Set(time.Date(2026, time.December, 10, 12, 0, 0, 0, time.UTC))
		for i, ev := range evs {
			f.pairAt(t, ev, fmt.Sprintf("Personne A%d", i), fmt.Sprintf("Personne B%d", i))
		}
		dash, err := f.s.Dashboard(ctx, f.t.ID)
		if err != nil {
			t.Fatal(err)
		}
		if dash.Links != 4 || len(dash.ByEvent) != 4 || len(dash.ByPlace) != 4 {
			t.Fatalf("dashboard: %+v", dash)
		}
		if len(dash.ByMonth) != 2 {
			t.Fatalf("months %+v, want December then November, each once", dash.ByMonth)
		}
		dec, nov := dash.ByMonth[0], dash.ByMonth[1]
		if dec.Month.Month() != time.December || dec.Links != 1 || nov.Month.Month() != time.November || nov.Links != 3 ||
			nov.Month.Year() != 2026 || nov.Month.Day() != 1 {
			t.Errorf("months %+v", dash.ByMonth)
		}
		// The events, the latest first.
		if dash.ByEvent[0].EventID != evs[3].ID || dash.ByEvent[3].EventID != evs[0].ID || dash.ByEvent[0].PlaceName == "" {
			t.Errorf("events %+v", dash.ByEvent)
		}
	})
}

func TestStaffNamesTellLookalikesApart(t *testing.T) {
	s := connections.NewStore(connections.Config{Catalogs: i18n.MustLoad()})
	regs := []events.Registration{
		{ID: 1, Name: "Réjean Tremblay", FromPlaceName: "Fortierville"},
		{ID: 2, Name: "Lise Beaudoin", FromPlaceName: "Gentilly", Phone: "819 555-0101"},
		{ID: 3, Name: "Lise Bergeron", FromPlaceName: "Gentilly"},
		{ID: 4, Name: "Lise  Beaudoin", FromPlaceName: "Fortierville", Email: "lbeaudoin@exemple.org"},
		{ID: 5, Name: "Gérard Pellerin", FromPlaceName: "Manseau", Phone: "819 555-0102"},
		{ID: 6, Name: "Gérard Pellerin", FromPlaceName: "Manseau", Email: "gp@exemple.org"},
		{ID: 7, Name: "Marc Lemieux"},
		{ID: 8, Name: "marc lemieux"},
	}
	want := map[int64]string{
		1: "Réjean T.",
		2: "Lise Beaudoin (Gentilly)",
		3: "Lise Bergeron",
		4: "Lise Beaudoin (Fortierville)",
		5: "Gérard Pellerin (Manseau, tél. se terminant par 0102)",
		6: "Gérard Pellerin (Manseau, courriel commençant par «\u00a0gp@…\u00a0»)",
		7: "Marc Lemieux (inscription nº 7)",
		8: "marc lemieux (inscription nº 8)",
	}
	got := s.StaffNames("fr", regs, false)
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%d: %q, want %q", id, got[id], w)
		}
	}
	// From the full name: Réjean's is unique, so nothing more is said.
	full := s.StaffNames("en", regs, true)
	if full[1] != "Réjean Tremblay" || full[3] != "Lise Bergeron" || full[2] != "Lise Beaudoin (Gentilly)" || full[8] != "marc lemieux (registration no. 8)" {
		t.Errorf("full names: %v", full)
	}
	// Without lookalikes, attendees are named as they see one another.
	alone := s.StaffNames("fr", regs[:3], false)
	if alone[1] != "Réjean T." || alone[2] != "Lise Beaudoin" || alone[3] != "Lise Bergeron" {
		t.Errorf("no lookalike: %v", alone)
	}
	if alone := s.StaffNames("fr", regs[1:2], false); alone[2] != "Lise B." {
		t.Errorf("one Lise: %v", alone)
	}
}
