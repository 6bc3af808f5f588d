package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/orgs/orgstest"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/web"
)

// benchServer is Implique with the demo on d, behind a trusted proxy
// (the sign-ups come from many addresses, as in a real rush).
func benchServer(b *testing.B, d *db.DB) (*httptest.Server, *events.Store, territory.Territory) {
	b.Helper()
	ctx := context.Background()
	srv := httptest.NewServer(nil)
	b.Cleanup(srv.Close)
	proxy := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	a, err := app.New(app.Config{DB: d, Web: web.Config{BaseURL: srv.URL, TrustedProxies: proxy}, From: testkit.From})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Seed(ctx, a); err != nil {
		b.Fatal(err)
	}
	t, _, _ := demo.Base(ctx, a.Territories)
	srv.Config.Handler = a.Web
	return srv, a.Events, t
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
	return memoryServerHeader(b, http.Header{"Content-Type": {"text/html; charset=utf-8"}}, body, status)
}

// memoryServerHeader answers with the same headers and bytes, from memory.
func memoryServerHeader(b *testing.B, header http.Header, body []byte, status int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
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

// getGzip GETs url as a browser does (Accept-Encoding: gzip) and keeps the
// answer as it came over the wire: headers and bytes, not decompressed.
func getGzip(b *testing.B, c *http.Client, url string) (http.Header, []byte) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		b.Fatalf("%s: %d", url, res.StatusCode)
	}
	return res.Header, body
}

// benchPage measures GET path on Implique against a handler writing the
// same headers and bytes from memory; the clients ask for gzip and do not
// decompress. Compare the two req/s figures.
func benchPage(b *testing.B, srv *httptest.Server, path string) {
	wire := func() *http.Client {
		return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	}
	header, page := getGzip(b, wire(), srv.URL+path)
	header.Del("Date")
	header.Del("Content-Length")
	mem := memoryServerHeader(b, header, page, 200)
	for _, target := range []struct{ name, url string }{{"implique", srv.URL + path}, {"memory", mem.URL}} {
		b.Run(target.name, func(b *testing.B) {
			c := wire()
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					getGzip(b, c, target.url)
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkDinnersPage: GET /soupers with the demo data, against a handler
// writing the same bytes from memory. Compare the two req/s figures.
func BenchmarkDinnersPage(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		srv, _, _ := benchServer(b, d)
		benchPage(b, srv, "/soupers")
	})
}

// BenchmarkDinnerPage: GET a souper's page (the first one /soupers lists)
// with the demo data, against a handler writing the same bytes from memory.
func BenchmarkDinnerPage(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		srv, _, _ := benchServer(b, d)
		list := string(get(b, srv.Client(), srv.URL+"/soupers"))
		m := regexp.MustCompile(`href="(/evenements/[a-z0-9-]+)"`).FindStringSubmatch(list)
		if m == nil {
			b.Fatal("no souper listed on /soupers")
		}
		benchPage(b, srv, m[1])
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
		a, err := app.New(app.Config{DB: d, From: testkit.From})
		if err != nil {
			b.Fatal(err)
		}
		as := a.Auth
		t, _, err := demo.Base(ctx, a.Territories)
		if err != nil {
			b.Fatal(err)
		}
		orgstest.Seed(b, a.Orgs, t.ID, orgstest.Territory)
		srv := httptest.NewServer(a.Web)
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
