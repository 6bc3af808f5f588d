package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/territory"
	"implique/internal/web"
)

func TestPublicPages(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client(t)

		t.Run("home in French", func(t *testing.T) {
			r := c.get("/")
			expectStatus(t, r, 200)
			expectContains(t, r, `<html lang="fr">`, "Nos municipalités et communautés", "Fortierville", "Wôlinak",
				"Saint-Sylvère", `href="/lieux/becancour-gentilly"`, "13\u00a0561\u00a0habitants", `class="skip"`)
			if n := strings.Count(r.body, "<h1"); n != 1 {
				t.Errorf("%d <h1> on the home page", n)
			}
			if !strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("CSP header missing: %q", r.Header.Get("Content-Security-Policy"))
			}
			if r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("nosniff header missing")
			}
		})

		t.Run("place with and without facts", func(t *testing.T) {
			r := c.get("/lieux/fortierville")
			expectStatus(t, r, 200)
			expectContains(t, r, "<h1>Fortierville</h1>", "660\u00a0habitants (2021)", "46,4830")
			r = c.get("/lieux/saint-sylvere")
			expectStatus(t, r, 200)
			expectContains(t, r, "<h1>Saint-Sylvère</h1>", "Non confirmée")
			r = c.get("/lieux/becancour")
			expectContains(t, r, "Ses secteurs", "Gentilly", "Précieux-Sang")
			r = c.get("/lieux/becancour-gentilly")
			expectContains(t, r, "secteur de Bécancour")
		})

		t.Run("unknown place is a French 404", func(t *testing.T) {
			r := c.get("/lieux/montreal")
			expectStatus(t, r, 404)
			expectContains(t, r, `<html lang="fr">`, "Page introuvable", "ne fait pas partie du territoire")
			r = c.get("/nulle-part")
			expectStatus(t, r, 404)
			expectContains(t, r, "Page introuvable")
		})

		t.Run("language toggle", func(t *testing.T) {
			c := e.client(t)
			c.lang = ""
			r := c.get("/langue/en?retour=/lieux/fortierville")
			expectStatus(t, r, http.StatusSeeOther)
			if got := r.Header.Get("Location"); got != "/lieux/fortierville" {
				t.Errorf("toggle goes back to %q", got)
			}
			r = c.follow(r)
			expectContains(t, r, `<html lang="en">`, "660\u00a0inhabitants", "Municipality", `href="/langue/fr?retour=%2Flieux%2Ffortierville"`)
			r = c.get("/langue/fr?retour=//evil.example/")
			if got := r.Header.Get("Location"); got != "/" {
				t.Errorf("open redirect: %q", got)
			}
			expectContains(t, c.get("/"), `<html lang="fr">`)
			expectStatus(t, c.get("/langue/de"), 404)
		})

		t.Run("Accept-Language picks English", func(t *testing.T) {
			c := e.client(t)
			c.lang = "en-CA,en;q=0.9,fr;q=0.5"
			expectContains(t, c.get("/"), `<html lang="en">`, "Our municipalities")
		})

		t.Run("privacy page names the officer", func(t *testing.T) {
			r := c.get("/confidentialite")
			expectStatus(t, r, 200)
			expectContains(t, r, "Responsable de la protection des renseignements personnels", "direction@cabbecancour.com")
		})

		t.Run("static and theme", func(t *testing.T) {
			r := c.get("/static/style.css")
			expectStatus(t, r, 200)
			// No folder is listed.
			for _, p := range []string{"/static/", "/static/nulle-part.css"} {
				if r := c.get(p); r.StatusCode != 404 || strings.Contains(r.body, ">style.css<") {
					t.Errorf("%s: %d", p, r.StatusCode)
				}
			}
			if r := c.get("/static"); r.StatusCode == 200 || strings.Contains(r.body, ">style.css<") {
				t.Errorf("/static: %d", r.StatusCode)
			}
			r = c.get("/theme.css")
			expectContains(t, r, "--brand: #1b5e7a")
		})
	})
}

func TestAPI(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client(t)

		t.Run("places", func(t *testing.T) {
			r := c.get("/api/v1/places")
			expectStatus(t, r, 200)
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
			var out struct {
				Places []map[string]json.RawMessage `json:"places"`
			}
			if err := json.Unmarshal([]byte(r.body), &out); err != nil {
				t.Fatal(err)
			}
			if len(out.Places) != 19 {
				t.Fatalf("%d places, want 19", len(out.Places))
			}
			by := map[string]map[string]json.RawMessage{}
			for _, p := range out.Places {
				for _, k := range []string{"slug", "name", "kind", "parent", "population", "lat", "lon"} {
					if _, ok := p[k]; !ok {
						t.Errorf("place lacks %q: %v", k, p)
					}
				}
				if len(p) != 7 {
					t.Errorf("place has %d fields, want 7", len(p))
				}
				var slug string
				_ = json.Unmarshal(p["slug"], &slug)
				by[slug] = p
			}
			s := by["saint-sylvere"]
			for _, k := range []string{"population", "lat", "lon", "parent"} {
				if string(s[k]) != "null" {
					t.Errorf("saint-sylvere %s = %s, want null", k, s[k])
				}
			}
			g := by["becancour-gentilly"]
			if string(g["parent"]) != `"becancour"` || string(g["population"]) != "1673" || string(g["kind"]) != `"sector"` {
				t.Errorf("gentilly: %v", g)
			}
			if string(by["wolinak"]["kind"]) != `"indigenous_community"` {
				t.Errorf("wolinak kind %s", by["wolinak"]["kind"])
			}
		})

		t.Run("openapi", func(t *testing.T) {
			r := c.get("/api/v1/openapi.json")
			expectStatus(t, r, 200)
			var doc struct {
				OpenAPI string                     `json:"openapi"`
				Paths   map[string]json.RawMessage `json:"paths"`
			}
			if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(doc.OpenAPI, "3.") {
				t.Errorf("openapi %q", doc.OpenAPI)
			}
			for _, p := range []string{"/api/v1/places", "/healthz", "/readyz"} {
				if _, ok := doc.Paths[p]; !ok {
					t.Errorf("openapi lacks %s", p)
				}
			}
		})

		t.Run("health and metrics", func(t *testing.T) {
			expectStatus(t, c.get("/healthz"), 200)
			expectStatus(t, c.get("/readyz"), 200)
			// The metrics are not on the public address, but on their own.
			r := c.get("/metrics")
			expectStatus(t, r, 404)
			if strings.Contains(r.body, "implique_http_requests_total") {
				t.Error("the public address shows the metrics")
			}
			ms := httptest.NewServer(e.app.Web.MetricsHandler())
			defer ms.Close()
			m := &client{t: t, e: &env{srv: ms}, http: ms.Client()}
			r = m.get("/metrics")
			expectStatus(t, r, 200)
			expectContains(t, r, `implique_http_requests_total{code="200",route="GET /api/v1/places"}`)
			expectStatus(t, m.get("/"), 404)
		})
	})
}

func TestReadyzWhenDatabaseIsGone(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	e := newEnv(t, d)
	c := e.client(t)
	expectStatus(t, c.get("/readyz"), 200)
	d.Close()
	expectStatus(t, c.get("/readyz"), 503)
	expectStatus(t, c.get("/healthz"), 200)
	// Pages fail politely rather than panic.
	if r := c.get("/"); r.StatusCode != 503 && r.StatusCode != 500 {
		t.Errorf("home with the database gone: %d", r.StatusCode)
	}
}

func TestSignInByMagicLink(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)

		r := c.post("/connexion/lien", url.Values{"email": {"Anim@Exemple.org"}})
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, c.follow(r), "Vérifiez vos courriels")
		link := e.lastLink(t, "anim@exemple.org")

		// Opening the link does not use it (mail scanners open links).
		land := c.get(link)
		expectStatus(t, land, 200)
		expectContains(t, land, "Me connecter maintenant")
		land = c.get(link)
		expectStatus(t, land, 200)
		tok := strings.TrimPrefix(link, "/connexion/lien?jeton=")

		r = c.post("/connexion/lien/utiliser", url.Values{"jeton": {tok}})
		expectStatus(t, r, http.StatusSeeOther)
		if r.Header.Get("Location") != "/admin" {
			t.Errorf("staff lands on %q", r.Header.Get("Location"))
		}
		var session *http.Cookie
		for _, ck := range r.Cookies() {
			if ck.Name == "implique_session" {
				session = ck
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie %+v", session)
		}
		admin := c.follow(r)
		expectStatus(t, admin, 200)
		expectContains(t, admin, "Espace équipe", "Connexion réussie")

		// The same link again: a clear message and a way to ask for a new one.
		used := c.get(link)
		expectStatus(t, used, http.StatusConflict)
		expectContains(t, used, "déjà servi", `action="/connexion/lien"`)
		again := c.post("/connexion/lien/utiliser", url.Values{"jeton": {tok}})
		expectStatus(t, again, http.StatusConflict)

		// Sign out ends the session on the server too.
		r = c.post("/deconnexion", nil)
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, c.follow(r), "Déconnexion réussie")
		other := e.client(t)
		other.http.Jar.SetCookies(mustURL(e.srv.URL), []*http.Cookie{{Name: "implique_session", Value: session.Value}})
		r = other.get("/admin")
		expectStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.Header.Get("Location"), "/connexion") {
			t.Errorf("old session still works: %s", r.Header.Get("Location"))
		}
	})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestMagicLinkProblems(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("cit@exemple.org", auth.RoleCitizen)
		c := e.client(t)

		t.Run("unknown address gets the same answer and no e-mail", func(t *testing.T) {
			r := c.post("/connexion/lien", url.Values{"email": {"personne@exemple.org"}})
			expectStatus(t, r, http.StatusSeeOther)
			items, _ := e.outbox.List(context.Background(), e.territory.ID, 10)
			for _, it := range items {
				if it.To == "personne@exemple.org" {
					t.Error("an e-mail went to an unknown address")
				}
			}
		})
		t.Run("bad address is a French field error", func(t *testing.T) {
			r := c.post("/connexion/lien", url.Values{"email": {"pas-un-courriel"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Entrez une adresse courriel valide", `value="pas-un-courriel"`, `aria-invalid="true"`)
		})
		t.Run("unknown token", func(t *testing.T) {
			r := c.get("/connexion/lien?jeton=nimportequoi")
			expectStatus(t, r, 404)
			expectContains(t, r, "pas valide", "M’envoyer le lien")
		})
		t.Run("expired token", func(t *testing.T) {
			u, _ := e.auth.UserByEmail(context.Background(), "cit@exemple.org")
			tok, err := e.auth.IssueToken(context.Background(), u.ID, auth.PurposeLogin, -time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			r := c.get("/connexion/lien?jeton=" + tok)
			expectStatus(t, r, http.StatusConflict)
			expectContains(t, r, "expiré", "Demandez un nouveau lien")
		})
		t.Run("citizen lands on their account, not the staff area", func(t *testing.T) {
			c := e.client(t)
			c.signIn("cit@exemple.org")
			expectStatus(t, c.get("/compte"), 200)
			r := c.get("/admin")
			expectStatus(t, r, 403)
			expectContains(t, r, "Accès refusé")
		})
		t.Run("rate limit on sign-in links", func(t *testing.T) {
			c := e.client(t)
			before := len(mailsTo(t, e, "cit@exemple.org"))
			// The mailbox gets a few links an hour; the page says the same each time.
			for i := 0; i < 6; i++ {
				expectStatus(t, c.post("/connexion/lien", url.Values{"email": {"cit@exemple.org"}}), http.StatusSeeOther)
			}
			if got := len(mailsTo(t, e, "cit@exemple.org")) - before; got != 2 {
				t.Errorf("%d more sign-in links e-mailed, want 2 (3 an hour, one sent before)", got)
			}
			// One address asking again and again is stopped.
			var last response
			for i := 0; i < 20; i++ {
				last = c.post("/connexion/lien", url.Values{"email": {"personne@exemple.org"}})
			}
			expectStatus(t, last, http.StatusTooManyRequests)
			expectContains(t, last, "Trop de tentatives")
		})
	})
}

func TestPasswordSignIn(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.user("admin@exemple.org", auth.RoleAdministrator)
		if err := e.auth.SetPassword(context.Background(), u.ID, "une phrase de passe"); err != nil {
			t.Fatal(err)
		}
		c := e.client(t)
		r := c.post("/connexion/mot-de-passe", url.Values{"email": {"admin@exemple.org"}, "password": {"mauvais mot de passe"}})
		expectStatus(t, r, http.StatusUnauthorized)
		expectContains(t, r, "Courriel ou mot de passe incorrect", `value="admin@exemple.org"`)
		r = c.post("/connexion/mot-de-passe", url.Values{"email": {"admin@exemple.org"}, "password": {"une phrase de passe"}, "retour": {"/admin/utilisateurs"}})
		expectStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/admin/utilisateurs" {
			t.Errorf("back to %q", loc)
		}
		expectStatus(t, c.follow(r), 200)
	})
}

func TestSessionSurvivesRestart(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("anim@exemple.org")
		var session string
		for _, ck := range c.http.Jar.Cookies(mustURL(e.srv.URL)) {
			if ck.Name == "implique_session" {
				session = ck.Value
			}
		}
		// A second server on the same database: another process, or the same after a restart.
		e2 := newEnv(t, d)
		c2 := e2.client(t)
		c2.http.Jar.SetCookies(mustURL(e2.srv.URL), []*http.Cookie{{Name: "implique_session", Value: session}})
		r := c2.get("/admin")
		expectStatus(t, r, 200)
		expectContains(t, r, "Espace équipe")
	})
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	e := newEnv(t, d)
	c := e.client(t)
	req, _ := http.NewRequest("POST", e.srv.URL+"/connexion/lien", strings.NewReader("email=a%40exemple.org"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	r := c.do(req)
	expectStatus(t, r, http.StatusForbidden)
	expectContains(t, r, "depuis un autre site")
}

func TestAdministration(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("admin@exemple.org", auth.RoleAdministrator)
		e.user("anim@exemple.org", auth.RoleFacilitator)
		admin := e.client(t)
		admin.signIn("admin@exemple.org")
		anim := e.client(t)
		anim.signIn("anim@exemple.org")
		anon := e.client(t)
		ctx := context.Background()

		t.Run("only administrators manage users, settings and the outbox", func(t *testing.T) {
			for _, p := range []string{"/admin/utilisateurs", "/admin/territoire", "/admin/courriels"} {
				expectStatus(t, admin.get(p), 200)
				expectStatus(t, anim.get(p), 403)
				r := anon.get(p)
				expectStatus(t, r, http.StatusSeeOther)
				if !strings.HasPrefix(r.Header.Get("Location"), "/connexion?retour=") {
					t.Errorf("anonymous %s → %s", p, r.Header.Get("Location"))
				}
			}
			expectStatus(t, anim.post("/admin/utilisateurs", url.Values{"email": {"x@exemple.org"}, "role": {"citizen"}}), 403)
			if _, err := e.auth.UserByEmail(ctx, "x@exemple.org"); err == nil {
				t.Error("a facilitator created an account")
			}
		})

		t.Run("add a user with bad input keeps what was typed and writes nothing", func(t *testing.T) {
			r := admin.post("/admin/utilisateurs", url.Values{"email": {"pas bon"}, "name": {"Gaétane"}, "role": {"citizen"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Entrez une adresse courriel valide", `value="Gaétane"`, "Le formulaire n’a pas été enregistré")
			r = admin.post("/admin/utilisateurs", url.Values{"email": {"g@exemple.org"}, "role": {"pope"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Choisissez au moins un rôle")
			if _, err := e.auth.UserByEmail(ctx, "g@exemple.org"); err == nil {
				t.Error("an account was written despite the error")
			}
			r = admin.post("/admin/utilisateurs", url.Values{"email": {"anim@exemple.org"}, "role": {"citizen"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "a déjà un compte")
		})

		t.Run("add a user, send a link, change roles, disable", func(t *testing.T) {
			r := admin.post("/admin/utilisateurs", url.Values{"email": {"gaetane@exemple.org"}, "name": {"Gaétane Roy"},
				"role": {"partner", "citizen"}, "send_link": {"1"}})
			expectStatus(t, r, http.StatusSeeOther)
			page := admin.follow(r)
			expectContains(t, page, "Gaétane Roy", "La personne a été ajoutée")
			e.lastLink(t, "gaetane@exemple.org")
			u, err := e.auth.UserByEmail(ctx, "gaetane@exemple.org")
			if err != nil {
				t.Fatal(err)
			}
			id := "/admin/utilisateurs/" + itoa(u.ID)
			r = admin.post(id+"/roles", url.Values{"role": {"communications_officer"}})
			expectStatus(t, r, http.StatusSeeOther)
			roles, _ := e.auth.RolesOf(ctx, u.ID, e.territory.ID)
			if len(roles) != 1 || roles[0] != auth.RoleCommunications {
				t.Errorf("roles %v", roles)
			}
			r = admin.post(id+"/roles", url.Values{})
			expectStatus(t, r, 422)

			// Disabling needs the confirmation box.
			r = admin.post(id+"/statut", url.Values{"action": {"disable"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Cochez la case pour confirmer")
			if u, _ := e.auth.UserByID(ctx, u.ID); u.Disabled() {
				t.Error("disabled without confirmation")
			}
			r = admin.post(id+"/statut", url.Values{"action": {"disable"}, "confirm": {"1"}})
			expectStatus(t, r, http.StatusSeeOther)
			if u, _ := e.auth.UserByID(ctx, u.ID); !u.Disabled() {
				t.Error("not disabled")
			}
			r = admin.post(id+"/statut", url.Values{"action": {"enable"}})
			expectStatus(t, r, http.StatusSeeOther)
		})

		t.Run("the last administrator keeps the role", func(t *testing.T) {
			me, _ := e.auth.UserByEmail(ctx, "admin@exemple.org")
			r := admin.post("/admin/utilisateurs/"+itoa(me.ID)+"/roles", url.Values{"role": {"citizen"}})
			expectStatus(t, r, http.StatusConflict)
			expectContains(t, r, "dernière personne administratrice")
		})

		t.Run("settings: bad input is refused, good input saved", func(t *testing.T) {
			form := url.Values{"name": {"MRC de Bécancour"}, "contact_email": {"pas-valide"}, "time_zone": {"America/Toronto"},
				"brand_color": {"#ffff00"}, "privacy_officer_name": {"Sonia"}, "dinner_target": {"18"}}
			r := admin.post("/admin/territoire", form)
			expectStatus(t, r, 422)
			expectContains(t, r, "trop pâle", "Entrez une adresse courriel valide", `value="Sonia"`)
			form.Set("contact_email", "info@exemple.org")
			form.Set("brand_color", "#2d4a22")
			r = admin.post("/admin/territoire", form)
			expectStatus(t, r, http.StatusSeeOther)
			expectContains(t, admin.get("/theme.css"), "#2d4a22")
			expectContains(t, admin.get("/confidentialite"), "Sonia")
		})

		t.Run("settings: the small-group minimum", func(t *testing.T) {
			r := admin.get("/admin/territoire")
			expectContains(t, r, `id="small_group_minimum"`, `value="5"`, "Taille minimale d’un groupe affiché",
				"Aucun chiffre n’est montré pour un groupe plus petit, pour protéger les personnes.")
			form := url.Values{"name": {"MRC de Bécancour"}, "time_zone": {"America/Toronto"}, "brand_color": {"#2d4a22"},
				"privacy_officer_name": {"Sonia"}, "dinner_target": {"18"}}
			for _, bad := range []string{"1", "51", "quelques"} {
				form.Set("small_group_minimum", bad)
				form.Set("program_name", "Ne doit pas être enregistré")
				r := admin.post("/admin/territoire", form)
				expectStatus(t, r, 422)
				expectContains(t, r, "Entrez un nombre de personnes entre 2 et 50.", `value="`+bad+`"`,
					`id="small_group_minimum-err"`)
				got, err := e.app.Territories.ByID(ctx, e.territory.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.SmallGroupMinimum != 5 || got.ProgramName == "Ne doit pas être enregistré" {
					t.Errorf("refused %q, yet saved: minimum %d, program %q", bad, got.SmallGroupMinimum, got.ProgramName)
				}
			}
			form.Set("program_name", "")
			form.Set("small_group_minimum", "8")
			expectStatus(t, admin.post("/admin/territoire", form), http.StatusSeeOther)
			if got, _ := e.app.Territories.ByID(ctx, e.territory.ID); got.SmallGroupMinimum != 8 {
				t.Errorf("SmallGroupMinimum = %d after saving 8", got.SmallGroupMinimum)
			}
			expectContains(t, admin.get("/admin/territoire"), `id="small_group_minimum"`, `value="8"`)
			// A form without the field keeps the value.
			form.Del("small_group_minimum")
			expectStatus(t, admin.post("/admin/territoire", form), http.StatusSeeOther)
			if got, _ := e.app.Territories.ByID(ctx, e.territory.ID); got.SmallGroupMinimum != 8 {
				t.Errorf("SmallGroupMinimum = %d after a form without it, want 8 kept", got.SmallGroupMinimum)
			}
			anglophone := e.client(t)
			anglophone.lang = "en"
			anglophone.signIn("admin@exemple.org")
			form.Set("small_group_minimum", "51")
			r = anglophone.post("/admin/territoire", form)
			expectStatus(t, r, 422)
			expectContains(t, r, "Minimum size of a group shown", "Enter a number of people between 2 and 50.")
		})

		t.Run("outbox shows the e-mails", func(t *testing.T) {
			r := admin.get("/admin/courriels")
			expectContains(t, r, "gaetane@exemple.org", "Votre lien de connexion")
			items, _ := e.outbox.List(ctx, e.territory.ID, 1)
			r = admin.get("/admin/courriels/" + itoa(items[0].ID))
			expectStatus(t, r, 200)
			// Even with no SMTP server, a sign-in link is its recipient's alone.
			expectContains(t, r, "[lien personnel masqué]")
			if strings.Contains(r.body, "jeton=") {
				t.Error("the outbox shows someone's sign-in link")
			}
			expectStatus(t, admin.get("/admin/courriels/999999"), 404)
		})

		t.Run("account: name, language and password", func(t *testing.T) {
			r := anim.post("/compte", url.Values{"name": {"Julie"}, "locale": {"en"}})
			expectStatus(t, r, http.StatusSeeOther)
			r = anim.post("/compte/mot-de-passe", url.Values{"password": {"court"}, "password_again": {"court"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "au moins 10 caractères")
			r = anim.post("/compte/mot-de-passe", url.Values{"password": {"une longue phrase"}, "password_again": {"autre chose"}})
			expectStatus(t, r, 422)
			r = anim.post("/compte/mot-de-passe", url.Values{"password": {"une longue phrase"}, "password_again": {"une longue phrase"}})
			expectStatus(t, r, http.StatusSeeOther)
			if _, err := e.auth.Authenticate(ctx, "anim@exemple.org", "une longue phrase"); err != nil {
				t.Errorf("password not saved: %v", err)
			}
		})

		t.Run("logs hold no personal data", func(t *testing.T) {
			logs := e.logs.String()
			if !strings.Contains(logs, `"route":"POST /connexion/lien"`) {
				t.Fatalf("no request logs: %.300s", logs)
			}
			for _, secret := range []string{"admin@exemple.org", "gaetane@exemple.org", "Gaétane", "jeton", "127.0.0.1"} {
				if strings.Contains(logs, secret) {
					t.Errorf("logs contain %q", secret)
				}
			}
		})
	})
}

func itoa(n int64) string { return strconvFormat(n) }

func TestReadyzWhenDatabaseIsLocked(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	e := newEnv(t, d)
	c := e.client(t)
	expectStatus(t, c.get("/readyz"), 200)

	// Another process holds the write lock.
	other, err := sql.Open("sqlite", "file:"+d.Path+"?_pragma=busy_timeout(100)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, c.get("/readyz"), 503)
	expectStatus(t, c.get("/healthz"), 200)
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, c.get("/readyz"), 200)
}

func TestAdministratorsSeeOnlyTheirTerritory(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		e.user("admin@exemple.org", auth.RoleAdministrator)
		other, err := territory.NewStore(d).Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
		if err != nil {
			t.Fatal(err)
		}
		stranger, err := e.auth.CreateUser(ctx, auth.NewUser{Email: "loin@exemple.org"}, other.ID, auth.RoleCitizen)
		if err != nil {
			t.Fatal(err)
		}
		c := e.client(t)
		c.signIn("admin@exemple.org")
		page := "/admin/utilisateurs/" + itoa(stranger.ID)
		expectStatus(t, c.get(page), 404)
		expectStatus(t, c.post(page+"/roles", url.Values{"role": {"administrator"}}), 404)
		expectStatus(t, c.post(page+"/statut", url.Values{"action": {"disable"}, "confirm": {"1"}}), 404)
		if roles, _ := e.auth.RolesOf(ctx, stranger.ID, e.territory.ID); len(roles) != 0 {
			t.Errorf("stranger got roles here: %v", roles)
		}
		if u, _ := e.auth.UserByID(ctx, stranger.ID); u.Disabled() {
			t.Error("an administrator disabled someone of another territory")
		}
		if strings.Contains(c.get("/admin/utilisateurs").body, "loin@exemple.org") {
			t.Error("the users list shows someone of another territory")
		}
	})
}

func TestRateLimitBehindATrustedProxy(t *testing.T) {
	propose := func(c *client, forwarded string) int {
		req, _ := http.NewRequest("POST", c.e.srv.URL+"/idees/proposer", strings.NewReader(url.Values{"kind": {"idea"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if forwarded != "" {
			req.Header.Set("X-Forwarded-For", forwarded)
		}
		return c.do(req).StatusCode
	}
	t.Run("trusted proxy: each visitor counted apart", func(t *testing.T) {
		pfx := netip.MustParsePrefix("127.0.0.1/32")
		e := newEnvConfig(t, dbtest.SQLite(t, jobs.MigrateAll), web.Config{TrustedProxies: []netip.Prefix{pfx}})
		e.setPublicFormsPerHour(2)
		c := e.client(t)
		for i := 0; i < 2; i++ {
			if st := propose(c, "203.0.113.5"); st == http.StatusTooManyRequests {
				t.Fatalf("limited too early (%d)", i)
			}
		}
		if st := propose(c, "198.51.100.7, 203.0.113.5"); st != http.StatusTooManyRequests {
			t.Errorf("third form from 203.0.113.5: %d, want 429", st)
		}
		if st := propose(c, "198.51.100.9"); st == http.StatusTooManyRequests {
			t.Error("another visitor behind the same proxy was limited")
		}
	})
	t.Run("no trusted proxy: the header is ignored", func(t *testing.T) {
		e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
		e.setPublicFormsPerHour(2)
		c := e.client(t)
		propose(c, "203.0.113.1")
		propose(c, "203.0.113.2")
		if st := propose(c, "203.0.113.3"); st != http.StatusTooManyRequests {
			t.Errorf("a forged header escaped the limit: %d", st)
		}
	})
}

func TestOutboxHidesPrivateLinksOnceSent(t *testing.T) {
	e := newEnvConfig(t, dbtest.SQLite(t, jobs.MigrateAll), web.Config{SMTPConfigured: true})
	e.user("admin@exemple.org", auth.RoleAdministrator)
	e.user("anim@exemple.org", auth.RoleFacilitator)
	admin := e.client(t)
	admin.signIn("admin@exemple.org")
	expectStatus(t, e.client(t).post("/connexion/lien", url.Values{"email": {"anim@exemple.org"}}), http.StatusSeeOther)
	items, _ := e.outbox.List(context.Background(), e.territory.ID, 1)
	r := admin.get("/admin/courriels/" + itoa(items[0].ID))
	expectStatus(t, r, 200)
	expectContains(t, r, "lien personnel masqué")
	if strings.Contains(r.body, "jeton=") {
		t.Error("the outbox shows a sign-in link that was sent by e-mail")
	}
}
