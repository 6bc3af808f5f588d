package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// signOut signs the browser out from the header's button.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if st := browsertest.Submit(t, ctx, `form[action="/deconnexion"]`); st != 200 {
		t.Fatalf("sign out: status %d", st)
	}
}

// fetchStatus downloads url from the page (with its cookies) and returns
// the status and content type, without leaving the page; a PDF must begin
// as one.
func fetchStatus(t *testing.T, ctx context.Context, url string) (int, string) {
	t.Helper()
	type res struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Head   string `json:"head"`
	}
	js := `fetch(` + "`" + url + "`" + `).then(async r => ({status: r.status, type: r.headers.get('content-type'),
		head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 4))}))`
	r, err := chromedp.Run(ctx, chromedp.Evaluate[res](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", url, err)
	}
	if r.Status == 200 && strings.Contains(r.Type, "pdf") && r.Head != "%PDF" {
		t.Errorf("%s is not a PDF: %q", url, r.Head)
	}
	return r.Status, r.Type
}

// TestBrowserJourneyVolunteering: a resident on a phone answers the quick
// match, says « je suis intéressé·e » without an account and confirms from
// the e-mail; the organisation's manager accepts; the resident declares
// hours (after a mistake); the manager confirms them; the resident
// downloads a certificate whose code anyone can check — every page checked
// with axe.
func TestBrowserJourneyVolunteering(t *testing.T) {
	ctx := browsertest.New(t)
	w := newVolWorld(t, dbtest.SQLite(t, jobs.MigrateAll))
	base := w.srv.URL

	// Quick match: three questions.
	browsertest.Visit(t, ctx, base+"/", "accueil")
	openMenu(t, ctx)
	browsertest.ClickAndWaitLoad(t, ctx, `header nav a[href="/s-impliquer"]`)
	browsertest.CheckAccessibility(t, ctx, "s'impliquer")
	shot(t, ctx, "vol-01-trouver")
	browsertest.SetValue(t, ctx, "#lieu", "becancour-gentilly")
	browsertest.Click(t, ctx, `input[name="cause"][value="food"]`)
	browsertest.Click(t, ctx, `input[name="quand"][value="jour"]`)
	if st := browsertest.Submit(t, ctx, `#lieu`); st != 200 {
		t.Fatalf("quick match: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "résultats du jumelage")
	shot(t, ctx, "vol-02-resultats")
	if why := browsertest.Text(t, ctx, ".opp-card .opp-why"); !strings.Contains(why, "correspond à\u00a0: alimentation") {
		t.Errorf("first result's why = %q", why)
	}

	// The opportunity, and « je suis intéressé·e » without an account.
	browsertest.ClickAndWaitLoad(t, ctx, `.opp-card h3 a[href^="/s-impliquer/offres/`+w.cook.Slug+`"]`)
	browsertest.CheckAccessibility(t, ctx, "offre")
	shot(t, ctx, "vol-03-offre")
	browsertest.SetValue(t, ctx, "#name", "Lise Hamel")
	browsertest.SetValue(t, ctx, "#message", "Je suis libre le mardi matin.")
	if st := browsertest.Submit(t, ctx, `#message`); st != 422 {
		t.Errorf("without an e-mail: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "offre, erreur")
	browsertest.SetValue(t, ctx, "#email", "lise@exemple.org")
	if st := browsertest.Submit(t, ctx, `#message`); st != 200 {
		t.Fatalf("apply: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "intérêt envoyé")
	if f := browsertest.Text(t, ctx, "#interet"); !strings.Contains(f, "Vérifiez vos courriels") {
		t.Errorf("after applying: %q", f)
	}
	items, _ := w.outbox.List(context.Background(), w.territory.ID, 5)
	link := ""
	for _, it := range items {
		if it.To == "lise@exemple.org" {
			link = confirmLinkRe.FindString(it.Text)
		}
	}
	if link == "" {
		t.Fatal("no confirmation e-mail")
	}
	browsertest.Visit(t, ctx, base+link, "confirmer")
	shot(t, ctx, "vol-04-confirmer")
	if st := browsertest.Submit(t, ctx, `form[action="/s-impliquer/confirmer"]`); st != 200 {
		t.Fatalf("confirm: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "mon bénévolat")
	shot(t, ctx, "vol-05-mon-benevolat")
	if s := browsertest.Text(t, ctx, "#candidatures + ul"); !strings.Contains(s, "en attente de réponse") {
		t.Errorf("my applications: %q", s)
	}
	signOut(t, ctx)

	// The popote's manager accepts.
	staffSignIn(t, ctx, w.env, "diane@exemple.org")
	browsertest.Visit(t, ctx, base+"/s-impliquer/gestion", "gestion")
	shot(t, ctx, "vol-06-gestion")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/s-impliquer/gestion/offres/`+itoa(w.cook.ID)+`"]`)
	browsertest.CheckAccessibility(t, ctx, "candidatures")
	shot(t, ctx, "vol-07-candidatures")
	if st := browsertest.Submit(t, ctx, `form[action^="/s-impliquer/gestion/candidatures/"] input[value="accept"]`); st != 200 {
		t.Fatalf("accept: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "candidature acceptée")
	if f := browsertest.Text(t, ctx, ".flash"); !strings.Contains(f, "Acceptée") {
		t.Errorf("flash = %q", f)
	}
	signOut(t, ctx)

	// The resident declares hours, after a mistake.
	staffSignIn(t, ctx, w.env, "lise@exemple.org")
	browsertest.Visit(t, ctx, base+"/s-impliquer/mon-benevolat", "mon bénévolat, acceptée")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href^="/s-impliquer/heures/declarer?offre="]`)
	browsertest.CheckAccessibility(t, ctx, "déclarer des heures")
	browsertest.SetValue(t, ctx, "#day", w.yesterday())
	browsertest.SetValue(t, ctx, "#hours", "30")
	if st := browsertest.Submit(t, ctx, "#hours"); st != 422 {
		t.Errorf("30 hours in a day: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "heures, erreur")
	shot(t, ctx, "vol-08-heures-erreur")
	if msg := browsertest.Text(t, ctx, "#hours-err"); !strings.Contains(msg, "24") {
		t.Errorf("error = %q", msg)
	}
	browsertest.SetValue(t, ctx, "#hours", "2,5")
	if st := browsertest.Submit(t, ctx, "#hours"); st != 200 {
		t.Fatalf("declare: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "heures déclarées")
	signOut(t, ctx)

	// The manager confirms them.
	staffSignIn(t, ctx, w.env, "diane@exemple.org")
	browsertest.Visit(t, ctx, base+"/s-impliquer/gestion/heures", "heures à confirmer")
	shot(t, ctx, "vol-09-heures-a-confirmer")
	if st := browsertest.Submit(t, ctx, `form[action^="/s-impliquer/gestion/heures/"] input[value="confirm"]`); st != 200 {
		t.Fatalf("confirm hours: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "heures confirmées")
	signOut(t, ctx)

	// The resident sees them, and downloads a certificate.
	staffSignIn(t, ctx, w.env, "lise@exemple.org")
	browsertest.Visit(t, ctx, base+"/s-impliquer/mon-benevolat", "mon bénévolat, heures confirmées")
	shot(t, ctx, "vol-10-reconnaissance")
	if s := browsertest.Text(t, ctx, "#heures ~ p"); !strings.Contains(s, "2,5\u00a0h confirmées") {
		t.Errorf("hours = %q", s)
	}
	if s := browsertest.Text(t, ctx, ".milestones"); !strings.Contains(s, "Première activité") {
		t.Errorf("milestones = %q", s)
	}
	if st, typ := fetchStatus(t, ctx, "/s-impliquer/attestation.pdf"); st != 200 || typ != "application/pdf" {
		t.Fatalf("certificate: %d %s", st, typ)
	}
	var code string
	if err := w.d.QueryRow(context.Background(), `SELECT code FROM volunteer_certificates`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	signOut(t, ctx)
	browsertest.Visit(t, ctx, base+"/s-impliquer/verification", "vérifier")
	browsertest.SetValue(t, ctx, "#code", strings.ToLower(code))
	if st := browsertest.Submit(t, ctx, "#code"); st != 200 {
		t.Fatalf("verify: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "attestation vérifiée")
	shot(t, ctx, "vol-11-verification")
	if s := browsertest.Text(t, ctx, "#resultat + dl"); !strings.Contains(s, "Lise Hamel") || !strings.Contains(s, "2,5\u00a0h") {
		t.Errorf("verified = %q", s)
	}
}

// TestBrowserVolunteeringStaff: on a desktop, a facilitator posts an
// opportunity (after a refused form), reads supply and demand, the
// recognition list and the businesses' indicator, sets the hour's value,
// and creates a tracked link — every page checked with axe.
func TestBrowserVolunteeringStaff(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Desktop())
	w := newVolWorld(t, dbtest.SQLite(t, jobs.MigrateAll))
	w.user("anim@exemple.org", auth.RoleFacilitator)
	base := w.srv.URL
	staffSignIn(t, ctx, w.env, "anim@exemple.org")

	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/admin/benevolat"]`)
	browsertest.CheckAccessibility(t, ctx, "tableau de bord du bénévolat")
	shot(t, ctx, "vol-20-tableau")

	browsertest.Visit(t, ctx, base+"/s-impliquer/gestion/nouvelle", "nouvelle offre")
	browsertest.SetValue(t, ctx, "#organization", itoa(w.club.ID))
	browsertest.SetValue(t, ctx, "#title", "Tournoi de fin de saison")
	browsertest.Click(t, ctx, `input[name="schedule"][value="one_off"]`)
	browsertest.SetValue(t, ctx, "#date", "2020-06-20")
	browsertest.SetValue(t, ctx, "#start_time", "21:00")
	browsertest.SetValue(t, ctx, "#place", "fortierville")
	if st := browsertest.Submit(t, ctx, "#title"); st != 422 {
		t.Errorf("a past date: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "nouvelle offre, erreurs")
	shot(t, ctx, "vol-21-offre-erreur")
	browsertest.SetValue(t, ctx, "#date", w.inDays(20))
	browsertest.SetValue(t, ctx, "#start_time", "09:00")
	browsertest.Click(t, ctx, `input[name="cause"][value="youth"]`)
	if st := browsertest.Submit(t, ctx, "#title"); st != 200 {
		t.Fatalf("post: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "offre publiée")

	for path, name := range map[string]string{"/admin/benevolat/reconnaissance": "reconnaissance", "/admin/benevolat/entreprises": "entreprises",
		"/s-impliquer/gestion": "gestion (équipe)", "/s-impliquer/gestion/heures": "heures (équipe)"} {
		browsertest.Visit(t, ctx, base+path, name)
	}
	browsertest.Visit(t, ctx, base+"/admin/benevolat/parametres", "valeur de l'heure")
	browsertest.SetValue(t, ctx, "#hour_value", "27,50")
	browsertest.SetValue(t, ctx, "#hour_value_source", "Conseil d’administration, 2026")
	if st := browsertest.Submit(t, ctx, "#hour_value"); st != 200 {
		t.Fatalf("hour value: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "valeur enregistrée")

	browsertest.Visit(t, ctx, base+"/admin/liens-suivis", "liens suivis")
	browsertest.SetValue(t, ctx, "#campaign", "Semaine de l’action bénévole")
	browsertest.SetValue(t, ctx, "#place", "manseau")
	if st := browsertest.Submit(t, ctx, "#campaign"); st != 200 {
		t.Fatalf("create link: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "lien créé")
	shot(t, ctx, "vol-22-liens")
	if s := browsertest.Text(t, ctx, "#liens + div"); !strings.Contains(s, "/l/") || !strings.Contains(s, "semaine-de-l-action-benevole") {
		t.Errorf("links = %q", s)
	}
}
