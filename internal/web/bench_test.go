package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/orgs/orgstest"
	"implique/internal/territory"
	"implique/internal/web"
)

// benchServer is Implique with demo events on d, behind a trusted proxy
// (the sign-ups come from many addresses, as in a real rush).
func benchServer(b *testing.B, d *db.DB) (*httptest.Server, *events.Store, territory.Territory) {
	b.Helper()
	ctx := context.Background()
	ts := territory.NewStore(d)
	as := auth.NewStore(d)
	runner, err := jobs.New(d, jobs.Config{Register: func(w *river.Workers) { river.AddWorker(w, mail.NewWorker(d, nil, "")) }})
	if err != nil {
		b.Fatal(err)
	}
	mailer := mail.NewMailer(d, runner, "Implique <ne-pas-repondre@exemple.org>")
	srv := httptest.NewServer(nil)
	b.Cleanup(srv.Close)
	evs := events.NewStore(events.Config{DB: d, Territories: ts, Auth: as, Mailer: mailer, Catalogs: i18n.MustLoad(), BaseURL: srv.URL})
	if _, err := demo.Seed(ctx, demo.Stores{Territories: ts, Auth: as, Events: evs}); err != nil {
		b.Fatal(err)
	}
	t, _, _ := demo.Base(ctx, ts)
	proxy := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	h, err := web.New(web.Config{BaseURL: srv.URL, TrustedProxies: proxy}, web.Deps{DB: d, Territories: ts, Auth: as,
		Mailer: mailer, Outbox: mail.NewStore(d), Events: evs, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	srv.Config.Handler = h
	return srv, evs, t
}

func get(b *testing.B, c *http.Client, url string) []byte {
	res, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		b.Fatalf("%s: %d", url, res.StatusCode)
	}
	return body
}

// memoryServer answers with the same bytes, from memory: the baseline.
func memoryServer(b *testing.B, body []byte, status int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func engines(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, dbtest.SQLite(b, jobs.MigrateAll)) })
	b.Run("postgres", func(b *testing.B) { fn(b, dbtest.Postgres(b, jobs.MigrateAll)) })
}

// BenchmarkDinnersPage: GET /soupers with the demo data, against a handler
// writing the same bytes from memory. Compare the two req/s figures.
func BenchmarkDinnersPage(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		srv, _, _ := benchServer(b, d)
		page := get(b, srv.Client(), srv.URL+"/soupers")
		mem := memoryServer(b, page, 200)
		for _, target := range []struct{ name, url string }{{"implique", srv.URL + "/soupers"}, {"memory", mem.URL}} {
			b.Run(target.name, func(b *testing.B) {
				c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
				b.SetBytes(int64(len(page)))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						get(b, c, target.url)
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			})
		}
	})
}

// BenchmarkSignUps: many people sign up at once for one event through the
// API (each a new person; capacity large enough for all), against a handler
// answering the same bytes from memory.
func BenchmarkSignUps(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		srv, evs, t := benchServer(b, d)
		ctx := context.Background()
		start := time.Now().Add(10 * 24 * time.Hour)
		capacity := events.MaxCapacity
		ev, err := evs.Create(ctx, t.ID, 0, events.Input{Kind: events.Forum, Title: "Forum", PlaceSlug: "becancour",
			VenueName: "Salle", StartsAt: start, EndsAt: start.Add(time.Hour), Capacity: &capacity})
		if err != nil {
			b.Fatal(err)
		}
		if err := evs.Publish(ctx, t.ID, ev.ID, time.Time{}); err != nil {
			b.Fatal(err)
		}
		url := fmt.Sprintf("%s/api/v1/events/%d/registrations", srv.URL, ev.ID)
		var n atomic.Int64
		post := func(c *http.Client, target string) {
			i := n.Add(1)
			body := fmt.Sprintf(`{"name":"Personne %d","email":"p%d@exemple.org","party_size":1}`, i, i)
			req, _ := http.NewRequest("POST", target, bytes.NewBufferString(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
			res, err := c.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 201 {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
		c0 := &http.Client{}
		res, err := c0.Post(url, "application/json", bytes.NewBufferString(`{"name":"Modèle","email":"modele@exemple.org"}`))
		if err != nil {
			b.Fatal(err)
		}
		sample, _ := io.ReadAll(res.Body)
		res.Body.Close()
		mem := memoryServer(b, sample, 201)
		for _, target := range []struct{ name, url string }{{"implique", url}, {"memory", mem.URL}} {
			b.Run(target.name, func(b *testing.B) {
				c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
				b.SetParallelism(4) // 4 × GOMAXPROCS clients at once
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						post(c, target.url)
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signups/s")
			})
		}
	})
}

// BenchmarkRadarPage: a facilitator opens the relève radar of a territory
// of 2 000 organisations, 15 000 seats and 12 000 people (GET /admin/releve,
// the whole page rendered).
//
//	IMPLIQUE_TEST_POSTGRES=postgres://… go test ./internal/web/ -run '^$' -bench RadarPage -benchmem
func BenchmarkRadarPage(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		ts := territory.NewStore(d)
		as := auth.NewStore(d)
		t, _, err := demo.Base(ctx, ts)
		if err != nil {
			b.Fatal(err)
		}
		cat := i18n.MustLoad()
		store := orgs.NewStore(orgs.Config{DB: d, Territories: ts, Catalogs: cat})
		orgstest.Seed(b, store, t.ID, orgstest.Territory)
		h, err := web.New(web.Config{}, web.Deps{DB: d, Territories: ts, Auth: as, Orgs: store, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(h)
		b.Cleanup(srv.Close)
		u, err := as.CreateUser(ctx, auth.NewUser{Email: "anim@exemple.org"}, t.ID, auth.RoleFacilitator)
		if err != nil {
			b.Fatal(err)
		}
		tok, err := as.CreateSession(ctx, u.ID)
		if err != nil {
			b.Fatal(err)
		}
		c := srv.Client()
		page := func() []byte {
			req, _ := http.NewRequest("GET", srv.URL+"/admin/releve", nil)
			req.AddCookie(&http.Cookie{Name: "implique_session", Value: tok})
			res, err := c.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 {
				b.Fatalf("status %d", res.StatusCode)
			}
			return body
		}
		b.SetBytes(int64(len(page())))
		b.ReportAllocs()
		for b.Loop() {
			page()
		}
	})
}
