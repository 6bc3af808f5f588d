package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/connections"
	"implique/internal/db"
	"implique/internal/demo"
	"implique/internal/events"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/tracking"
	"implique/internal/volunteering"
	"implique/internal/web"
)

// lockedBuffer collects the server's logs, to check what they hold.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// env is a running Implique on a test database, reached over real HTTP.
type env struct {
	t         *testing.T
	d         *db.DB
	srv       *httptest.Server
	auth      *auth.Store
	outbox    *mail.Store
	mailer    *mail.Mailer
	events    *events.Store
	community *community.Store
	links     *connections.Store
	orgs      *orgs.Store
	vol       *volunteering.Store
	tracking  *tracking.Store
	territory territory.Territory
	logs      *lockedBuffer
	// app is the application the server runs; tests stop its clock and
	// move it on.
	app *app.App
	// queries is how many statements the last request ran.
	queries atomic.Int64
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	return newEnvConfig(t, d, web.Config{})
}

// newEnvConfig is newEnv with web settings (the base URL is the test server's).
func newEnvConfig(t *testing.T, d *db.DB, cfg web.Config) *env {
	t.Helper()
	ctx := context.Background()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	logs := &lockedBuffer{}
	cfg.BaseURL = srv.URL
	a, err := app.New(app.Config{DB: d, Web: cfg, From: testkit.From, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{}
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, c := db.CountQueries(r.Context())
		a.Web.ServeHTTP(w, r.WithContext(ctx))
		e.queries.Store(c.N())
	})
	terr, _, err := demo.Base(ctx, a.Territories)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Community.EnsureThemes(ctx, terr.ID); err != nil {
		t.Fatal(err)
	}
	*e = env{t: t, d: d, srv: srv, auth: a.Auth, outbox: a.Outbox, mailer: a.Mailer, events: a.Events, community: a.Community,
		links: a.Connections, orgs: a.Orgs, vol: a.Volunteering, tracking: a.Tracking, territory: terr, logs: logs, app: a}
	return e
}

// user creates an account with roles on the test territory.
func (e *env) user(email string, roles ...auth.Role) *auth.User {
	e.t.Helper()
	u, err := e.auth.CreateUser(context.Background(), auth.NewUser{Email: email, Name: "Test " + email}, e.territory.ID, roles...)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// client is a browser without JavaScript: cookies, no automatic redirects.
type client struct {
	t    testing.TB
	e    *env
	http *http.Client
	lang string
}

func (e *env) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, e: e, lang: "fr", http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type response struct {
	*http.Response
	body string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Response: res, body: string(b)}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// follow GETs the Location of a redirect.
func (c *client) follow(r response) response {
	c.t.Helper()
	loc := r.Header.Get("Location")
	if loc == "" {
		c.t.Fatalf("no redirect (status %d)", r.StatusCode)
	}
	u, err := url.Parse(loc)
	if err != nil {
		c.t.Fatal(err)
	}
	if u.IsAbs() {
		loc = u.RequestURI()
	}
	return c.get(loc)
}

var linkRe = regexp.MustCompile(`/connexion/lien\?jeton=[A-Za-z0-9_-]+`)

// lastLink returns the sign-in link of the newest e-mail to addr.
func (e *env) lastLink(t testing.TB, addr string) string {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.To == addr {
			if m := linkRe.FindString(it.Text); m != "" {
				return m
			}
		}
	}
	t.Fatalf("no sign-in link for %s in the outbox", addr)
	return ""
}

// signIn signs a client in through the magic-link flow.
func (c *client) signIn(email string) {
	c.t.Helper()
	r := c.post("/connexion/lien", url.Values{"email": {email}})
	if r.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("request link: status %d", r.StatusCode)
	}
	link := c.e.lastLink(c.t, email)
	land := c.get(link)
	tok := regexp.MustCompile(`name="jeton" value="([^"]+)"`).FindStringSubmatch(land.body)
	if tok == nil {
		c.t.Fatalf("landing page has no token form: %d", land.StatusCode)
	}
	r = c.post("/connexion/lien/utiliser", url.Values{"jeton": {tok[1]}})
	if r.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("use link: status %d\n%s", r.StatusCode, r.body)
	}
}

func expectStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("status %d, want %d\n%.600s", r.StatusCode, want, r.body)
	}
}

func expectContains(t *testing.T, r response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Errorf("page lacks %q\n%.800s", p, r.body)
		}
	}
}
