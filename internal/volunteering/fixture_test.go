package volunteering_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

// now is the fixture's moment: Monday 1 June 2026, 10 a.m. in Bécancour.
var now = time.Date(2026, 6, 1, 14, 0, 0, 0, time.UTC)

type fixture struct {
	s      *volunteering.Store
	t      territory.Territory
	ts     *territory.Store
	orgs   *orgs.Store
	auth   *auth.Store
	outbox *mail.Store
	d      *db.DB
	loc    *time.Location
	clock  *app.Clock
	// privacy is the privacy centre over every holder.
	privacy *privacy.Store
}

// newFixture wires the application on d, its clock stopped at now.
func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	a := testkit.App(t, d, now)
	terr := testkit.Territory(t, a.Territories)
	return &fixture{s: a.Volunteering, t: terr, ts: a.Territories, orgs: a.Orgs, auth: a.Auth, outbox: a.Outbox, d: d,
		loc: terr.Location(), clock: a.Clock, privacy: a.Privacy}
}

// at is a moment in Bécancour's time.
func (f *fixture) at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, f.loc)
}

func (f *fixture) org(t testing.TB, name string, kind orgs.Kind) orgs.Organization {
	t.Helper()
	o, err := f.orgs.Create(context.Background(), f.t.ID, 0, orgs.Input{Name: name, Kind: kind, Public: true,
		ContactEmail: i18n.Slug(name, 20) + "@exemple.org"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) user(t testing.TB, email, name string) *auth.User {
	t.Helper()
	u, err := f.auth.CreateUser(context.Background(), auth.NewUser{Email: email, Name: name}, f.t.ID, auth.RoleCitizen)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) opportunity(t testing.TB, in volunteering.Input) volunteering.Opportunity {
	t.Helper()
	if in.Kind == "" {
		in.Kind = volunteering.Task
	}
	if in.Schedule == "" {
		in.Schedule = volunteering.Flexible
	}
	o, err := f.s.CreateOpportunity(context.Background(), f.t.ID, 0, in)
	if err != nil {
		t.Fatalf("create %q: %v", in.Title, err)
	}
	return o
}
