package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/testkit"
	"implique/internal/web"
)

// fillUp lets the SQLite database grow no more (PRAGMA max_page_count on
// the writer, its one connection) and fills its free pages: from then on,
// a write that needs a new page fails with « database or disk is full ».
func fillUp(t testing.TB, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.Exec(ctx, `CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := d.WriterPool().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+2)); err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		if _, err := d.Exec(ctx, `INSERT INTO filler (b) VALUES (randomblob(500))`); err != nil {
			return
		}
	}
	t.Fatal("the database never filled up")
}

// signUp sends one sign-up for ev, through the API or the page's form, in
// a language, from an address of its own (behind the trusted proxy).
func signUp(c *client, api bool, eventID int64, slug string, n int) response {
	c.t.Helper()
	return c.do(signUpRequest(c, api, eventID, slug, n))
}

func signUpRequest(c *client, api bool, eventID int64, slug string, n int) *http.Request {
	email := fmt.Sprintf("p%d@exemple.org", n)
	var req *http.Request
	if api {
		req, _ = http.NewRequest("POST", fmt.Sprintf("%s/api/v1/events/%d/registrations", c.e.srv.URL, eventID),
			strings.NewReader(fmt.Sprintf(`{"name": "Personne %d", "email": %q}`, n, email)))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req, _ = http.NewRequest("POST", c.e.srv.URL+"/evenements/"+slug+"/inscription",
			strings.NewReader(url.Values{"name": {fmt.Sprintf("Personne %d", n)}, "email": {email}, "party_size": {"1"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.1.%d.%d", n>>8&255, n&255))
	req.Header.Set("Accept-Language", c.lang)
	return req
}

// TestDiskFullIsUnavailableNotAbuse: while SQLite cannot grow (a full
// disk), sign-ups through the API and the page's form answer 503 with a
// short Retry-After, in French and in English — never 429 (« too many »),
// never 500 — and every sign-up acknowledged before is still there.
func TestDiskFullIsUnavailableNotAbuse(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	e := newEnvConfig(t, d, web.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	e.setPublicFormsPerHour(1000)
	ev := e.publishedEvent(t, 0)
	ctx := context.Background()

	clients := map[string]*client{}
	for _, lang := range []string{"fr", "en"} {
		c := e.client(t)
		c.lang = lang
		clients[lang] = c
	}
	if r := signUp(clients["fr"], true, ev.ID, ev.Slug, 0); r.StatusCode != http.StatusCreated {
		t.Fatalf("before the disk is full: %d", r.StatusCode)
	}
	acknowledged := []string{"p0@exemple.org"}
	fillUp(t, d)

	want := map[string]string{
		"fr": "Le service est momentanément indisponible. Réessayez dans 10\u00a0secondes.",
		"en": "The service is unavailable for a moment. Please try again in 10 seconds.",
	}
	seen := map[string]bool{}
	for n := 1; n <= 400 && len(seen) < 4; n++ {
		lang := []string{"fr", "en"}[n%2]
		api := n%4 < 2
		kind := fmt.Sprintf("%s api=%v", lang, api)
		r := signUp(clients[lang], api, ev.ID, ev.Slug, n)
		switch r.StatusCode {
		case http.StatusCreated, http.StatusSeeOther:
			acknowledged = append(acknowledged, fmt.Sprintf("p%d@exemple.org", n))
		case http.StatusServiceUnavailable:
			seen[kind] = true
			if ra := r.Header.Get("Retry-After"); ra != "10" {
				t.Errorf("%s: Retry-After %q", kind, ra)
			}
			expectContains(t, r, want[lang])
			if api && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s: the API answered %s", kind, r.Header.Get("Content-Type"))
			}
		default:
			t.Fatalf("%s: status %d while the disk is full (want success or 503)\n%.300s", kind, r.StatusCode, r.body)
		}
	}
	if len(seen) < 4 {
		t.Fatalf("the full disk was not met by every kind of sign-up: %v", seen)
	}
	for _, email := range acknowledged {
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM registrations WHERE email = ?`, email); n != 1 {
			t.Errorf("acknowledged sign-up %s: %d rows", email, n)
		}
	}
	var check string
	if err := d.QueryRow(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity check: %q %v", check, err)
	}
	t.Logf("%d sign-ups acknowledged before the disk was full", len(acknowledged))
}

// TestPostgresRestartIsUnavailableNotAbuse: two servers share one
// PostgreSQL whose connections are cut three times (as a restart does)
// while people sign up. Every answer is a success or a 503 — never a 500,
// never a 429 — every acknowledged sign-up is stored once, and both servers
// recover by themselves. Only this test's connections are cut: they carry
// an application_name of their own.
func TestPostgresRestartIsUnavailableNotAbuse(t *testing.T) {
	base := dbtest.Postgres(t, jobs.MigrateAll)
	ctx := context.Background()
	app := fmt.Sprintf("implique_restart_%d", time.Now().UnixNano())
	open := func() *db.DB {
		u, err := url.Parse(base.URL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("application_name", app)
		u.RawQuery = q.Encode()
		d, err := db.OpenPostgres(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	proxy := web.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	servers := []*env{newEnvConfig(t, open(), proxy), newEnvConfig(t, open(), proxy)}
	servers[0].setPublicFormsPerHour(1000)
	ev := servers[0].publishedEvent(t, 0)
	cut := func() int {
		var n int
		if err := base.QueryRow(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = ? AND pid <> pg_backend_pid()`, app).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	type result struct {
		email  string
		status int
		body   string
	}
	results := make(chan result)
	stop := make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := servers[w%2].client(t)
			c.lang = []string{"fr", "en"}[w%2]
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := int(next.Add(1))
				res := result{email: fmt.Sprintf("p%d@exemple.org", n)}
				// Not c.do: a failure is reported to the test's goroutine, which alone may stop the test.
				r, err := c.http.Do(signUpRequest(c, w < 2, ev.ID, ev.Slug, n))
				if err != nil {
					res.body = err.Error()
				} else {
					b, _ := io.ReadAll(r.Body)
					r.Body.Close()
					res.status, res.body = r.StatusCode, string(b)
				}
				results <- res
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	var acknowledged []string
	statuses := map[int]int{}
	cuts, since, stopped := 0, 0, false
	for res := range results {
		statuses[res.status]++
		switch res.status {
		case http.StatusCreated, http.StatusSeeOther:
			acknowledged = append(acknowledged, res.email)
		case http.StatusServiceUnavailable:
		default:
			t.Errorf("status %d during the restarts (want success or 503)\n%.300s", res.status, res.body)
		}
		if since++; since == 25 {
			since = 0
			if cuts < 3 {
				cuts++
				t.Logf("cut %d: %d connections", cuts, cut())
			} else if !stopped {
				close(stop)
				stopped = true
			}
		}
	}
	t.Logf("answers: %v", statuses)
	if statuses[http.StatusServiceUnavailable] == 0 {
		t.Log("no request met a cut connection this time")
	}

	// Both servers recover by themselves.
	for i, e := range servers {
		c := e.client(t)
		ok := false
		for attempt := range 10 {
			r := signUp(c, i == 0, ev.ID, ev.Slug, 100000+i*100+attempt)
			if r.StatusCode == http.StatusCreated || r.StatusCode == http.StatusSeeOther {
				acknowledged = append(acknowledged, fmt.Sprintf("p%d@exemple.org", 100000+i*100+attempt))
				ok = true
				break
			}
			if r.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("server %d after the restarts: %d", i+1, r.StatusCode)
			}
		}
		if !ok {
			t.Errorf("server %d did not recover", i+1)
		}
	}
	for _, email := range acknowledged {
		if n := testkit.Count(t, base, `SELECT COUNT(*) FROM registrations WHERE email = ?`, email); n != 1 {
			t.Errorf("acknowledged sign-up %s: %d rows", email, n)
		}
	}
	t.Logf("%d sign-ups acknowledged", len(acknowledged))
}
