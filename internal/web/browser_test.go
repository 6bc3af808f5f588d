package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// shot saves a screenshot when IMPLIQUE_SCREENSHOTS names a directory, for
// people to look at the pages a journey goes through.
func shot(t *testing.T, ctx context.Context, name string) {
	if dir := os.Getenv("IMPLIQUE_SCREENSHOTS"); dir != "" {
		browsertest.Screenshot(t, ctx, filepath.Join(dir, name+".png"))
	}
}

// openMenu opens the site menu on a phone with its « Menu » link (no
// JavaScript: the menu is the link's target), and checks the open menu.
func openMenu(t *testing.T, ctx context.Context) {
	t.Helper()
	browsertest.Click(t, ctx, "a.menu-open")
	browsertest.CheckAccessibility(t, ctx, "menu ouvert")
}

// TestBrowserJourneyFoundation: home → a place → English → sign in by a
// magic link read from the outbox → sign out, checking every page with axe.
func TestBrowserJourneyFoundation(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.user("anim@exemple.org", auth.RoleFacilitator)
	base := e.srv.URL

	browsertest.Visit(t, ctx, base+"/", "accueil")
	shot(t, ctx, "01-accueil")
	if h := browsertest.Text(t, ctx, "h1"); !strings.Contains(h, "Moi, je m’implique") {
		t.Fatalf("home h1 = %q", h)
	}
	if got := browsertest.Text(t, ctx, "#lieux"); got != "Nos municipalités et communautés" {
		t.Errorf("places heading = %q", got)
	}

	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/lieux/saint-sylvere"]`)
	browsertest.CheckAccessibility(t, ctx, "lieu sans population")
	if h := browsertest.Text(t, ctx, "h1"); h != "Saint-Sylvère" {
		t.Fatalf("place h1 = %q", h)
	}
	if dd := browsertest.Text(t, ctx, ".facts"); !strings.Contains(dd, "Non confirmée") {
		t.Errorf("unknown population not said honestly: %q", dd)
	}
	shot(t, ctx, "02-lieu")

	openMenu(t, ctx)
	shot(t, ctx, "02b-menu")
	browsertest.ClickAndWaitLoad(t, ctx, `a[hreflang="en"]`)
	browsertest.CheckAccessibility(t, ctx, "place in English")
	if h := browsertest.Text(t, ctx, "h1"); h != "Saint-Sylvère" {
		t.Fatalf("the toggle left the page: h1 = %q", h)
	}
	if dd := browsertest.Text(t, ctx, ".facts"); !strings.Contains(dd, "Not confirmed") {
		t.Errorf("English page: %q", dd)
	}
	shot(t, ctx, "03-place-en")

	openMenu(t, ctx)
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/connexion"]`)
	browsertest.CheckAccessibility(t, ctx, "sign-in page")
	browsertest.SetValue(t, ctx, "#email-lien", "anim@exemple.org")
	if st := browsertest.Submit(t, ctx, `form[action="/connexion/lien"]`); st != 200 {
		t.Fatalf("after asking for a link: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "link sent")
	if h := browsertest.Text(t, ctx, "h1"); h != "Check your e-mail" {
		t.Errorf("after asking for a link: %q", h)
	}

	// The citizen opens their mailbox: the link is in the outbox.
	link := e.lastLink(t, "anim@exemple.org")
	browsertest.Visit(t, ctx, base+link, "landing")
	shot(t, ctx, "04-landing")
	if st := browsertest.Submit(t, ctx, `form[action="/connexion/lien/utiliser"]`); st != 200 {
		t.Fatalf("after using the link: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "staff area")
	if h := browsertest.Text(t, ctx, "h1"); h != "Staff area" {
		t.Errorf("signed in lands on %q", h)
	}
	if f := browsertest.Text(t, ctx, ".flash"); !strings.Contains(f, "signed in") {
		t.Errorf("flash = %q", f)
	}
	shot(t, ctx, "05-staff")

	openMenu(t, ctx)
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/compte"]`)
	browsertest.CheckAccessibility(t, ctx, "account")

	if st := browsertest.Submit(t, ctx, `form[action="/deconnexion"]`); st != 200 {
		t.Fatalf("after signing out: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "home after sign-out")
	if f := browsertest.Text(t, ctx, ".flash"); !strings.Contains(f, "signed out") {
		t.Errorf("flash = %q", f)
	}
	if nav := browsertest.Text(t, ctx, "header nav"); !strings.Contains(nav, "Sign in") {
		t.Errorf("still signed in: %q", nav)
	}
	shot(t, ctx, "06-signed-out")

	// The same link again: a clear message and a way to ask for a new one.
	browsertest.Visit(t, ctx, base+link, "used link")
	if a := browsertest.Text(t, ctx, ".alert"); !strings.Contains(a, "already been used") {
		t.Errorf("used link says %q", a)
	}
}

// TestBrowserAdministration: an administrator adds a person, then fixes the
// territory's settings after a refused colour — every page checked with axe.
func TestBrowserAdministration(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.user("admin@exemple.org", auth.RoleAdministrator)
	base := e.srv.URL
	week := seedMorning(t, e)

	browsertest.Visit(t, ctx, base+"/connexion", "connexion")
	browsertest.SetValue(t, ctx, "#email-lien", "admin@exemple.org")
	browsertest.Submit(t, ctx, `form[action="/connexion/lien"]`)
	browsertest.CheckAccessibility(t, ctx, "courriel envoyé")
	browsertest.Visit(t, ctx, base+e.lastLink(t, "admin@exemple.org"), "lien")
	browsertest.Submit(t, ctx, `form[action="/connexion/lien/utiliser"]`)
	browsertest.CheckAccessibility(t, ctx, "espace équipe")
	checkMorningPage(t, ctx, e, week)

	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/admin/utilisateurs"]`)
	browsertest.CheckAccessibility(t, ctx, "utilisateurs")
	browsertest.SetValue(t, ctx, "#email", "pas-un-courriel")
	browsertest.SetValue(t, ctx, "#name", "Gaétane Roy")
	browsertest.Click(t, ctx, `input[name="role"][value="partner"]`)
	if st := browsertest.Submit(t, ctx, `form[action="/admin/utilisateurs"]`); st != 422 {
		t.Errorf("bad e-mail: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "utilisateurs avec erreurs")
	if msg := browsertest.Text(t, ctx, "#email-err"); !strings.Contains(msg, "adresse courriel valide") {
		t.Errorf("error = %q", msg)
	}
	shot(t, ctx, "10-utilisateurs-erreur")
	browsertest.SetValue(t, ctx, "#email", "gaetane@exemple.org")
	if st := browsertest.Submit(t, ctx, `form[action="/admin/utilisateurs"]`); st != 200 {
		t.Fatalf("add user: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "fiche utilisateur")
	if h := browsertest.Text(t, ctx, "h1"); h != "Gaétane Roy" {
		t.Errorf("user page h1 = %q", h)
	}
	shot(t, ctx, "11-fiche")

	browsertest.Visit(t, ctx, base+"/admin/territoire", "paramètres")
	browsertest.SetValue(t, ctx, "#brand_color", "#ffff00")
	if st := browsertest.Submit(t, ctx, `form[action="/admin/territoire"]`); st != 422 {
		t.Errorf("pale colour: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "paramètres avec erreur")
	if msg := browsertest.Text(t, ctx, "#brand_color-err"); !strings.Contains(msg, "trop pâle") {
		t.Errorf("colour error = %q", msg)
	}
	shot(t, ctx, "12-parametres")
	browsertest.SetValue(t, ctx, "#brand_color", "#6b2d5c")
	if st := browsertest.Submit(t, ctx, `form[action="/admin/territoire"]`); st != 200 {
		t.Errorf("save settings: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "paramètres enregistrés")
	if f := browsertest.Text(t, ctx, ".flash"); !strings.Contains(f, "enregistré") {
		t.Errorf("flash = %q", f)
	}

	browsertest.Visit(t, ctx, base+"/admin/courriels", "courriels")
	shot(t, ctx, "13-courriels")
	browsertest.ClickAndWaitLoad(t, ctx, `td a[href^="/admin/courriels/"]`)
	browsertest.CheckAccessibility(t, ctx, "un courriel")
	// Someone's sign-in link is theirs alone: staff read a mask in its place.
	if body := browsertest.Text(t, ctx, ".mail-body"); !strings.Contains(body, "[lien personnel masqué]") || strings.Contains(body, "jeton=") {
		t.Errorf("mail body = %q", body)
	}
	shot(t, ctx, "14-courriel")
	browsertest.Visit(t, ctx, base+"/confidentialite", "confidentialité")
	browsertest.Visit(t, ctx, base+"/lieux/inconnu", "page introuvable")
	if h := browsertest.Text(t, ctx, "h1"); h != "Page introuvable" {
		t.Errorf("404 h1 = %q", h)
	}
}
