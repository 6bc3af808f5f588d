package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/territory"
)

// TestNewWiresOneClock: every store reads the one clock given, and the web
// server answers.
func TestNewWiresOneClock(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := &app.Clock{}
		a, err := app.New(app.Config{DB: d, From: "Implique <ne-pas-repondre@exemple.org>", Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 20, 15, 0, 0, 123456789, time.UTC)
		clock.Set(at)
		if got := a.Events.Now(); !got.Equal(db.Time(at)) {
			t.Errorf("events' clock says %v, want %v", got, at)
		}
		terr, err := a.Territories.Create(ctx, "t", territory.Settings{Name: "T"})
		if err != nil {
			t.Fatal(err)
		}
		u, err := a.Auth.CreateUser(ctx, auth.NewUser{Email: "a@exemple.org"}, terr.ID, auth.RoleCitizen)
		if err != nil {
			t.Fatal(err)
		}
		if !u.CreatedAt.Equal(db.Time(at)) {
			t.Errorf("account created at %v, want the clock's %v", u.CreatedAt, at)
		}
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		res, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("/healthz: %d", res.StatusCode)
		}
	})
}
