package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// newsWorld is a communications officer and a visitor on the test
// territory, the clock stopped in November 2026.
type newsWorld struct {
	e       *env
	staff   *client
	visitor *client
}

func newNewsWorld(t *testing.T, d *db.DB) *newsWorld {
	t.Helper()
	e := newEnv(t, d)
	e.app.Clock.Set(time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC))
	e.user("comms@exemple.org", auth.RoleCommunications)
	return &newsWorld{e: e, staff: e.as(t, e.session(t, "comms@exemple.org")), visitor: e.client(t)}
}

var newsConfirmRe = regexp.MustCompile(`/infolettre/confirmation/[A-Za-z0-9_-]+`)

// newsConfirmPath is the confirmation link of the newest e-mail to addr.
func (w *newsWorld) newsConfirmPath(t *testing.T, addr string) string {
	t.Helper()
	items, err := w.e.outbox.List(context.Background(), w.e.territory.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.To == addr {
			if m := newsConfirmRe.FindString(it.Text); m != "" {
				return m
			}
		}
	}
	t.Fatalf("no confirmation link for %s", addr)
	return ""
}

// newsSubscribed makes a general list and a confirmed subscriber through
// the pages; it returns the list's id and the subscriber's unsubscribe path.
func (w *newsWorld) newsSubscribed(t *testing.T, addr string) (int64, string) {
	t.Helper()
	lid := trainingCreatedID(t, w.staff.post("/admin/communications/listes", url.Values{"name": {"Moi, je m’implique"}, "kind": {"general"}}))
	r := w.visitor.post("/infolettre", url.Values{"lists": {id64(lid)}, "email": {addr}, "consent": {"1"}, "lang": {"fr"}})
	expectStatus(t, r, http.StatusOK)
	expectContains(t, r, "courriel de confirmation")
	path := w.newsConfirmPath(t, addr)
	expectStatus(t, w.visitor.get(path), http.StatusOK)
	expectContains(t, w.visitor.post(path, url.Values{}), "confirmé")
	ctx := context.Background()
	var sid int64
	if err := w.e.d.QueryRow(ctx, `SELECT id FROM comms_subscribers WHERE email = ?`, addr).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	b, err := w.e.app.Comms.Subscriber(ctx, w.e.territory.ID, sid)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := w.e.app.Comms.UnsubscribeToken(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	return lid, "/infolettre/desabonnement/" + tok
}

func (w *newsWorld) newsReach(t *testing.T, lid int64) int {
	t.Helper()
	l, err := w.e.app.Comms.MailingList(context.Background(), w.e.territory.ID, lid)
	if err != nil {
		t.Fatal(err)
	}
	return l.Reachable
}

// newsPostRaw posts body as it is, from another site when crossSite.
func newsPostRaw(c *client, path, body string, crossSite bool) response {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if crossSite {
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://mail.example.com")
	}
	return c.do(req)
}

func TestNewsOneClickUnsubscribe(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newNewsWorld(t, d)
		lid, path := w.newsSubscribed(t, "lea@exemple.org")
		if w.newsReach(t, lid) != 1 {
			t.Fatal("not subscribed")
		}
		// From another site, any other body is refused by the cross-origin check.
		expectStatus(t, newsPostRaw(w.visitor, path, "List-Unsubscribe=One-Click&x=1", true), http.StatusForbidden)
		expectStatus(t, newsPostRaw(w.visitor, path, "", true), http.StatusForbidden)
		expectStatus(t, newsPostRaw(w.visitor, path+"/autre", "List-Unsubscribe=One-Click", true), http.StatusForbidden)
		if w.newsReach(t, lid) != 1 {
			t.Fatal("unsubscribed by a refused request")
		}
		// RFC 8058: exactly this body, no page, no token.
		r := newsPostRaw(w.visitor, path, "List-Unsubscribe=One-Click", true)
		expectStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("content type %q", r.Header.Get("Content-Type"))
		}
		if w.newsReach(t, lid) != 0 {
			t.Fatal("still subscribed after one-click")
		}
		var how string
		if err := d.QueryRow(context.Background(), `SELECT how FROM comms_consent_log WHERE action = 'unsubscribed'`).Scan(&how); err != nil || how != "one-click" {
			t.Fatalf("how %q %v", how, err)
		}
		// Again: still fine; a wrong token is not found.
		expectStatus(t, newsPostRaw(w.visitor, path, "List-Unsubscribe=One-Click", true), http.StatusOK)
		expectStatus(t, newsPostRaw(w.visitor, "/infolettre/desabonnement/faux", "List-Unsubscribe=One-Click", true), http.StatusNotFound)
	})
}

func TestNewsUnsubscribeLinkWithoutSignIn(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newNewsWorld(t, d)
		lid, path := w.newsSubscribed(t, "marc@exemple.org")
		r := w.visitor.get(path)
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Me désabonner de tout", "Moi, je m’implique")
		r = w.visitor.post(path, url.Values{})
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Vous êtes désabonné")
		if w.newsReach(t, lid) != 0 {
			t.Fatal("still subscribed")
		}
		expectStatus(t, w.visitor.get("/infolettre/desabonnement/faux"), http.StatusNotFound)
	})
}

func TestNewsSubscribeFormAndStaffPages(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newNewsWorld(t, d)
		lid := trainingCreatedID(t, w.staff.post("/admin/communications/listes", url.Values{"name": {"Bénévolat"}, "kind": {"interest"},
			"interest": {"bénévolat"}}))
		// Lists: bad input shows the form again.
		r := w.staff.post("/admin/communications/listes", url.Values{"name": {""}, "kind": {"place"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce champ est obligatoire", "Choisissez la municipalité")

		// The public form: the consent box is never ticked, and is required.
		r = w.visitor.get("/infolettre?campagne=automne-2026")
		expectStatus(t, r, http.StatusOK)
		if regexp.MustCompile(`name="consent" value="1"[^>]*checked`).MatchString(r.body) {
			t.Fatal("consent ticked in advance")
		}
		expectContains(t, r, `value="automne-2026"`)
		r = w.visitor.post("/infolettre", url.Values{"lists": {id64(lid)}, "email": {"pas-une-adresse"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Entrez une adresse courriel valide", "Cochez la case")
		if n := newsCount(t, d, `SELECT COUNT(*) FROM comms_subscribers`); n != 0 {
			t.Fatalf("%d subscribers after a refusal", n)
		}
		// Twice: the same answer.
		form := url.Values{"lists": {id64(lid)}, "email": {"a@exemple.org"}, "consent": {"1"}, "campagne": {"automne-2026"}}
		first := w.visitor.post("/infolettre", form)
		second := w.visitor.post("/infolettre", form)
		expectStatus(t, first, http.StatusOK)
		expectStatus(t, second, http.StatusOK)
		if newsMain(first.body) != newsMain(second.body) {
			t.Fatal("subscribing twice answers differently")
		}
		// An expired link: a clear message and a way to ask again.
		path := w.newsConfirmPath(t, "a@exemple.org")
		w.e.app.Clock.Advance(8 * 24 * time.Hour)
		r = w.visitor.post(path, url.Values{})
		expectStatus(t, r, http.StatusGone)
		expectContains(t, r, "a expiré", `href="/infolettre"`)

		// Staff pages; a facilitator may not see subscribers.
		for _, p := range []string{"/admin/communications/listes", "/admin/communications/listes/" + id64(lid),
			"/admin/communications/infolettres", "/admin/communications/infolettres/nouvelle"} {
			expectStatus(t, w.staff.get(p), http.StatusOK)
		}
		expectContains(t, w.staff.get("/admin/communications/listes/"+id64(lid)), "a@exemple.org")
		w.e.user("anim@exemple.org", auth.RoleFacilitator)
		anim := w.e.as(t, w.e.session(t, "anim@exemple.org"))
		expectStatus(t, anim.get("/admin/communications/listes/"+id64(lid)), http.StatusForbidden)
		expectStatus(t, w.visitor.get("/admin/communications/listes/"+id64(lid)), http.StatusSeeOther)

		// A newsletter: preview, empty list refused, archive empty.
		r = w.staff.post("/admin/communications/infolettres", url.Values{"subject": {"Nouvelles"}, "body": {"**Bonjour** <script>x</script>"},
			"list": {id64(lid)}, "action": {"preview"}})
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "<strong>Bonjour</strong>")
		if strings.Contains(r.body, "<script>x") {
			t.Fatal("script in the preview")
		}
		nid := trainingCreatedID(t, w.staff.post("/admin/communications/infolettres", url.Values{"subject": {"Nouvelles"},
			"body": {"Bonjour"}, "list": {id64(lid)}, "action": {"save"}}))
		r = w.staff.post("/admin/communications/infolettres/"+id64(nid)+"/envoyer", url.Values{"confirm": {"1"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Personne sur cette liste")
		expectStatus(t, w.staff.post("/admin/communications/infolettres/"+id64(nid)+"/envoyer", url.Values{}), http.StatusUnprocessableEntity)
		expectStatus(t, w.visitor.get("/infolettre/archives"), http.StatusOK)
		expectStatus(t, w.visitor.get("/infolettre/archives/nouvelles"), http.StatusNotFound)
		if n := newsCount(t, d, `SELECT COUNT(*) FROM comms_deliveries`); n != 0 {
			t.Fatalf("%d deliveries", n)
		}
	})
}

// newsMain is a page's main content.
func newsMain(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return body
}

func newsCount(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
