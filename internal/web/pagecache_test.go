package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/territory"
)

// raw is one answer as it came over the wire: not decompressed.
type raw struct {
	status int
	header http.Header
	body   []byte
}

// fetch sends a request with the given headers ("Accept-Encoding" included:
// the transport adds nothing and decompresses nothing).
func fetch(t *testing.T, method, u string, header ...string) raw {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	c := &http.Client{Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return raw{status: res.StatusCode, header: res.Header, body: b}
}

// text is the answer's body, decompressed when it came in gzip.
func (r raw) text(t *testing.T) string {
	t.Helper()
	if r.header.Get("Content-Encoding") != "gzip" {
		return string(r.body)
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// kept tells an answer served through the page cache (it has an ETag).
func (r raw) kept() bool { return r.header.Get("ETag") != "" }

// changedBehindTheSite raises the pages version, as every change made
// through the site does: for tests that change the stores directly where
// staff would use the site, then read a public page again.
func (e *env) changedBehindTheSite(t testing.TB) {
	t.Helper()
	if err := e.app.Territories.BumpPagesVersion(context.Background(), e.territory.ID); err != nil {
		t.Fatal(err)
	}
}

// laterDinner creates and publishes a second souper straight in the store,
// as a background job or the command line would: no request raises the
// pages version.
func laterDinner(t *testing.T, e *env, title string) events.Event {
	t.Helper()
	ctx := context.Background()
	start := time.Now().Add(14 * 24 * time.Hour).Truncate(time.Hour)
	ev, err := e.events.Create(ctx, e.territory.ID, 0, events.Input{Kind: events.CitizenDinner, Title: title, PlaceSlug: "manseau",
		VenueName: "Salle", StartsAt: start, EndsAt: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.events.Publish(ctx, e.territory.ID, ev.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return ev
}

// Two instances on one database: a sign-up on one is seen at once on the
// other, though both keep the page.
func TestPageCacheAcrossInstances(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		a := newEnv(t, d)
		b := newEnv(t, d) // a second server on the same database
		ev := a.publishedEvent(t, 5)
		page := "/evenements/" + ev.Slug
		for _, srv := range []string{a.srv.URL, b.srv.URL} {
			if r := fetch(t, "GET", srv+page, "Accept-Language", "fr"); !strings.Contains(r.text(t), "5\u00a0places libres") || !r.kept() {
				t.Fatalf("%s: first view: %d %v\n%.400s", srv, r.status, r.header, r.text(t))
			}
		}
		if r := fetch(t, "GET", b.srv.URL+"/soupers"); !strings.Contains(r.text(t), "Souper citoyen") {
			t.Fatalf("/soupers: %.400s", r.text(t))
		}
		// A change made outside the site is not seen while the page is kept…
		hidden := laterDinner(t, a, "Souper caché")
		if r := fetch(t, "GET", b.srv.URL+"/soupers"); strings.Contains(r.text(t), hidden.Slug) {
			t.Fatal("the page was not kept: the souper added outside the site shows at once")
		}
		// …but a sign-up through A is seen on B at once.
		c := a.client(t)
		r := c.post(page+"/inscription", url.Values{"name": {"Gisèle Pépin"}, "email": {"gisele@exemple.org"}, "party_size": {"2"}})
		expectStatus(t, r, http.StatusSeeOther)
		if got := fetch(t, "GET", b.srv.URL+page, "Accept-Language", "fr").text(t); !strings.Contains(got, "3\u00a0places libres") {
			t.Errorf("B still shows the seats before the sign-up on A\n%.600s", got)
		}
		if got := fetch(t, "GET", b.srv.URL+"/soupers").text(t); !strings.Contains(got, hidden.Slug) {
			t.Error("the pages of B were not renewed by the change on A")
		}
		// And a page is never older than a minute, whatever happens.
		later := laterDinner(t, a, "Souper tardif")
		b.app.Clock.Advance(61 * time.Second)
		if got := fetch(t, "GET", b.srv.URL+"/soupers").text(t); !strings.Contains(got, later.Slug) {
			t.Error("a page older than a minute is still served")
		}
	})
}

// A signed-in request is never served from memory and never fills it: a
// page made for a person never reaches an anonymous visitor.
func TestPageCacheSignedIn(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.publishedEvent(t, 5)
		e.user("ginette@exemple.org")
		c := e.client(t)
		c.signIn("ginette@exemple.org")
		anon := fetch(t, "GET", e.srv.URL+"/soupers")
		if !anon.kept() {
			t.Fatal("the anonymous page was not kept")
		}
		added := laterDinner(t, e, "Souper ajouté")
		mine := c.get("/soupers")
		expectStatus(t, mine, 200)
		expectContains(t, mine, `action="/deconnexion"`, added.Slug)
		if mine.Header.Get("ETag") != "" {
			t.Error("a signed-in page went through the page cache")
		}
		got := fetch(t, "GET", e.srv.URL+"/soupers").text(t)
		if strings.Contains(got, "/deconnexion") || strings.Contains(got, added.Slug) {
			t.Error("the signed-in page filled the cache")
		}
		// Compressed on the fly all the same.
		var session string
		for _, ck := range c.http.Jar.Cookies(mustURL(e.srv.URL)) {
			session += ck.Name + "=" + ck.Value + "; "
		}
		r := fetch(t, "GET", e.srv.URL+"/soupers", "Cookie", session, "Accept-Encoding", "gzip")
		if r.header.Get("Content-Encoding") != "gzip" || !strings.Contains(r.text(t), "/deconnexion") || r.kept() {
			t.Errorf("signed-in page: encoding %q, kept %v", r.header.Get("Content-Encoding"), r.kept())
		}
	})
}

// A page reached by a private link, a request with another cookie, a form
// and the staff's pages are never kept.
func TestPageCacheBypass(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ev := e.publishedEvent(t, 5)
		c := e.client(t)
		r := c.post("/evenements/"+ev.Slug+"/inscription", url.Values{"name": {"Gisèle Pépin"}, "email": {"gisele@exemple.org"}, "party_size": {"1"}})
		expectStatus(t, r, http.StatusSeeOther)
		mine := r.Header.Get("Location")
		for _, p := range []string{mine, "/connexion", "/admin", "/compte", "/mes-donnees", "/idees/proposer"} {
			if got := fetch(t, "GET", e.srv.URL+p); got.kept() {
				t.Errorf("%s (%d) was kept", p, got.status)
			}
		}
		if got := fetch(t, "GET", e.srv.URL+mine); !strings.Contains(got.text(t), "Gisèle Pépin") {
			t.Fatalf("private page: %d", got.status)
		}
		if got := fetch(t, "GET", e.srv.URL+"/soupers", "Cookie", "suivi=1"); got.status != 200 || got.kept() {
			t.Errorf("a request with an unknown cookie: %d, kept %v", got.status, got.kept())
		}
		if got := fetch(t, "GET", e.srv.URL+"/soupers", "Cookie", "implique_lang=en"); !got.kept() || !strings.Contains(got.text(t), "dinners") {
			t.Errorf("the language cookie alone must not bypass: kept %v", got.kept())
		}
	})
}

// ETag and 304, gzip, HEAD, and static files.
func TestPageCacheETagAndGzip(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ev := e.publishedEvent(t, 5)
		page := e.srv.URL + "/evenements/" + ev.Slug
		plain := fetch(t, "GET", page)
		zipped := fetch(t, "GET", page, "Accept-Encoding", "gzip, deflate, br")
		if plain.header.Get("Content-Encoding") != "" || zipped.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("encodings: %q, %q", plain.header.Get("Content-Encoding"), zipped.header.Get("Content-Encoding"))
		}
		if plain.text(t) != zipped.text(t) || !strings.Contains(plain.text(t), "Souper citoyen") {
			t.Fatal("the compressed page is not the page")
		}
		if len(zipped.body) >= len(plain.body)/2 {
			t.Errorf("compressed %d bytes from %d", len(zipped.body), len(plain.body))
		}
		if !strings.Contains(strings.Join(zipped.header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("Vary: %q", zipped.header.Get("Vary"))
		}
		for _, r := range []raw{plain, zipped} {
			tag := r.header.Get("ETag")
			if !strings.HasPrefix(tag, `"`) || strings.HasPrefix(tag, "W/") {
				t.Fatalf("ETag %q", tag)
			}
			again := fetch(t, "GET", page, "If-None-Match", tag, "Accept-Encoding", "gzip")
			if again.status != http.StatusNotModified || len(again.body) != 0 || again.header.Get("ETag") == "" {
				t.Errorf("If-None-Match %s: %d, %d bytes", tag, again.status, len(again.body))
			}
		}
		if r := fetch(t, "GET", page, "If-None-Match", `"autre"`); r.status != 200 {
			t.Errorf("another ETag: %d", r.status)
		}
		head := fetch(t, "HEAD", page)
		if head.status != 200 || len(head.body) != 0 || head.header.Get("Content-Length") != itoa(int64(len(plain.body))) {
			t.Errorf("HEAD: %d, %d bytes, Content-Length %q", head.status, len(head.body), head.header.Get("Content-Length"))
		}
		// Images are already compressed.
		if r := fetch(t, "GET", page+"/partage.png", "Accept-Encoding", "gzip"); r.status != 200 || r.header.Get("Content-Encoding") != "" {
			t.Errorf("share image: %d, %q", r.status, r.header.Get("Content-Encoding"))
		}
		// Static files: hashed once, compressed, 304.
		css := fetch(t, "GET", e.srv.URL+"/static/style.css", "Accept-Encoding", "gzip")
		if css.header.Get("Content-Encoding") != "gzip" || !strings.Contains(css.text(t), "--") || css.header.Get("ETag") == "" {
			t.Fatalf("style.css: %q, ETag %q", css.header.Get("Content-Encoding"), css.header.Get("ETag"))
		}
		if r := fetch(t, "GET", e.srv.URL+"/static/style.css", "If-None-Match", css.header.Get("ETag")); r.status != http.StatusNotModified {
			t.Errorf("style.css If-None-Match: %d", r.status)
		}
		if r := fetch(t, "GET", e.srv.URL+"/static/style.css"); r.header.Get("Content-Encoding") != "" || r.text(t) != css.text(t) {
			t.Error("style.css without gzip differs")
		}
		if r := fetch(t, "GET", e.srv.URL+"/static/style.css", "Range", "bytes=0-9"); r.status != http.StatusPartialContent || len(r.body) != 10 {
			t.Errorf("style.css range: %d, %d bytes", r.status, len(r.body))
		}
		if r := fetch(t, "GET", e.srv.URL+"/static/nothing.css"); r.status != 404 {
			t.Errorf("missing static file: %d", r.status)
		}
	})
}

// The language, the territory and the query each make their own entry.
func TestPageCacheKeys(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ev := e.publishedEvent(t, 5)
		ctx := context.Background()
		other, err := e.app.Territories.Create(ctx, "nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska",
			OperatorName: "Corporation", ProgramName: "Implique Nicolet", ContactEmail: "info@nicolet.example.org", TimeZone: "America/Toronto"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.Territories.SetHost(ctx, other.ID, "nicolet.example.org"); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second round is served from memory
			fr := fetch(t, "GET", e.srv.URL+"/soupers", "Accept-Language", "fr")
			en := fetch(t, "GET", e.srv.URL+"/soupers", "Accept-Language", "en")
			if !strings.Contains(fr.text(t), "soupers tenus") || !strings.Contains(en.text(t), "dinners held") {
				t.Errorf("languages mixed:\n%.300s\n%.300s", fr.text(t), en.text(t))
			}
			home := fetch(t, "GET", e.srv.URL+"/")
			nicolet := fetch(t, "GET", e.srv.URL+"/", "Host", "nicolet.example.org")
			if strings.Contains(home.text(t), "Nicolet-Yamaska") || !strings.Contains(nicolet.text(t), "Nicolet-Yamaska") {
				t.Error("territories mixed")
			}
			with := fetch(t, "GET", e.srv.URL+"/evenements?lieu=fortierville")
			without := fetch(t, "GET", e.srv.URL+"/evenements?lieu=manseau")
			if !strings.Contains(with.text(t), ev.Slug) || strings.Contains(without.text(t), ev.Slug) {
				t.Error("queries mixed")
			}
		}
	})
}
