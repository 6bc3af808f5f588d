package volunteering_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/demo"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/territory"
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
	clock  *time.Time
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	ts := territory.NewStore(d)
	terr, _, err := demo.Base(ctx, ts)
	if err != nil {
		t.Fatal(err)
	}
	runner, err := jobs.New(d, jobs.Config{Register: func(w *river.Workers) { river.AddWorker(w, mail.NewWorker(d, nil, "")) }})
	if err != nil {
		t.Fatal(err)
	}
	mailer := mail.NewMailer(d, runner, "Implique <ne-pas-repondre@exemple.org>")
	cat := i18n.MustLoad()
	as := auth.NewStore(d)
	evs := events.NewStore(events.Config{DB: d, Territories: ts, Auth: as, Mailer: mailer, Catalogs: cat, BaseURL: "https://x.exemple.org"})
	os := orgs.NewStore(orgs.Config{DB: d, Territories: ts, Events: evs, Catalogs: cat})
	s := volunteering.NewStore(volunteering.Config{DB: d, Territories: ts, Orgs: os, Auth: as, Mailer: mailer, Catalogs: cat,
		BaseURL: "https://x.exemple.org"})
	f := &fixture{s: s, t: terr, ts: ts, orgs: os, auth: as, outbox: mail.NewStore(d), d: d, loc: terr.Location()}
	clock := now
	f.clock = &clock
	s.SetClock(func() time.Time { return *f.clock })
	return f
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

func wantFields(t testing.TB, err error, fields ...string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
	for _, f := range fields {
		if e.Fields[f] == "" {
			t.Errorf("no problem on %s: %v", f, e.Fields)
		}
	}
	if len(e.Fields) != len(fields) {
		t.Errorf("problems %v, want exactly %v", e.Fields, fields)
	}
}

func ptr[T any](v T) *T { return &v }

func count(t testing.TB, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", q, err))
	}
	return n
}
