package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestNoOpenRedirect: a return address that is not a path of this site —
// however it is written — brings the person to a page of this site.
func TestNoOpenRedirect(t *testing.T) {
	// Sign-in is rate limited: five tries of each way, each in its own server.
	hostile := []string{"/%09/evil.example", "/\t/evil.example", "//evil.example", "/\\evil.example", "/%2F/evil.example"}
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.user("admin@exemple.org", auth.RoleAdministrator)
		if err := e.auth.SetPassword(context.Background(), u.ID, "une phrase de passe"); err != nil {
			t.Fatal(err)
		}

		t.Run("language toggle", func(t *testing.T) {
			c := e.client(t)
			r := c.get("/langue/en?retour=/%09/evil.example")
			expectStatus(t, r, http.StatusSeeOther)
			if loc := r.Header.Get("Location"); loc != "/" {
				t.Errorf("Location %q", loc)
			}
			for _, h := range append(hostile, "https://evil.example/", "/%0D%0A/evil.example", "/\u3000/evil.example", "/\\/evil.example") {
				r := c.get("/langue/fr?retour=" + url.QueryEscape(h))
				if loc := r.Header.Get("Location"); loc != "/" {
					t.Errorf("retour=%q: Location %q", h, loc)
				}
			}
			r = c.get("/langue/en?retour=" + url.QueryEscape("/idees?theme=transport"))
			if loc := r.Header.Get("Location"); loc != "/idees?theme=transport" {
				t.Errorf("a good path was lost: %q", loc)
			}
		})

		t.Run("sign-in page and magic link", func(t *testing.T) {
			for i, h := range hostile {
				// Each its own account: an account gets a few sign-in links an hour.
				email := fmt.Sprintf("admin%d@exemple.org", i)
				e.user(email, auth.RoleAdministrator)
				c := e.client(t)
				r := c.get("/connexion?retour=" + url.QueryEscape(h))
				expectStatus(t, r, http.StatusOK)
				if m := backRe.FindAllStringSubmatch(r.body, -1); len(m) == 0 || m[0][1] != "" {
					t.Errorf("retour=%q is carried by the sign-in page: %v", h, m)
				}
				r = c.post("/connexion/lien", url.Values{"email": {email}, "retour": {h}})
				expectStatus(t, r, http.StatusSeeOther)
				items, _ := e.outbox.List(context.Background(), e.territory.ID, 1)
				if strings.Contains(items[0].Text, "evil.example") || strings.Contains(items[0].Text, "retour=") {
					t.Errorf("retour=%q is in the e-mailed link: %q", h, items[0].Text)
				}
				link := e.lastLink(t, email)
				land := c.get(link + "&retour=" + url.QueryEscape(h))
				if m := backRe.FindAllStringSubmatch(land.body, -1); len(m) == 0 || m[0][1] != "" {
					t.Errorf("retour=%q is carried by the landing page: %v", h, m)
				}
				tok := strings.TrimPrefix(link, "/connexion/lien?jeton=")
				r = c.post("/connexion/lien/utiliser", url.Values{"jeton": {tok}, "retour": {h}})
				expectStatus(t, r, http.StatusSeeOther)
				if loc := r.Header.Get("Location"); loc != "/admin" {
					t.Errorf("retour=%q: after the link, Location %q", h, loc)
				}
			}
		})

		t.Run("password sign-in", func(t *testing.T) {
			e := newEnv(t, d)
			u := e.user("direction@exemple.org", auth.RoleAdministrator)
			if err := e.auth.SetPassword(context.Background(), u.ID, "une phrase de passe"); err != nil {
				t.Fatal(err)
			}
			for _, h := range hostile {
				c := e.client(t)
				r := c.post("/connexion/mot-de-passe", url.Values{"email": {"direction@exemple.org"}, "password": {"une phrase de passe"}, "retour": {h}})
				expectStatus(t, r, http.StatusSeeOther)
				if loc := r.Header.Get("Location"); loc != "/admin" {
					t.Errorf("retour=%q: Location %q", h, loc)
				}
			}
			c := e.client(t)
			r := c.post("/connexion/mot-de-passe", url.Values{"email": {"direction@exemple.org"}, "password": {"une phrase de passe"}, "retour": {"/admin/utilisateurs"}})
			if loc := r.Header.Get("Location"); loc != "/admin/utilisateurs" {
				t.Errorf("a good path was lost: %q", loc)
			}
		})
	})
}

var backRe = regexp.MustCompile(`name="retour" value="([^"]*)"`)
