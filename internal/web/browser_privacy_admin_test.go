package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	pv "implique/internal/privacy"
)

// TestBrowserJourneyPrivacyIncident: a facilitator reports a
// confidentiality incident from the staff home with the guided form — a
// date in the future is refused, then the incident is recorded and they are
// thanked, without reading the register; every page checked with axe at
// 1280 px, then the form on a 360 px phone.
func TestBrowserJourneyPrivacyIncident(t *testing.T) {
	desk := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.staffClock(time.Date(2026, 12, 5, 10, 0, 0, 0, e.territory.Location()))
	e.user("anim@exemple.org", auth.RoleFacilitator)
	staffSignIn(t, desk, e, "anim@exemple.org")
	browsertest.Visit(t, desk, e.srv.URL+"/admin", "espace équipe")
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/confidentialite/incidents/nouveau"]`)
	browsertest.CheckAccessibility(t, desk, "signaler un incident")
	shot(t, desk, "privacy-incident-form-1280")
	browsertest.SetValue(t, desk, "#title", "Liste oubliée dans la salle")
	browsertest.SetValue(t, desk, "#information", "Noms et numéros de téléphone de 20 personnes inscrites au souper.")
	browsertest.SetValue(t, desk, "#circumstances", "La liste de présence est restée sur une table après le souper.")
	browsertest.SetValue(t, desk, "#from", "2026-12-20")
	browsertest.SetValue(t, desk, "#discovered", "2026-12-04")
	browsertest.SetValue(t, desk, "#people", "20")
	browsertest.Click(t, desk, `input[name="risk"][value="low"]`)
	browsertest.SetValue(t, desk, "#risk_reasons", "Des noms et des numéros seulement ; la liste a été retrouvée le lendemain.")
	browsertest.SetValue(t, desk, "#measures", "Liste récupérée et déchiquetée.")
	if st := browsertest.Submit(t, desk, "#title"); st != 422 {
		t.Fatalf("incident in the future: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "incident avec erreurs")
	if got := browsertest.Text(t, desk, "#from-err"); !strings.Contains(got, "futur") {
		t.Fatalf("the date's problem: %q", got)
	}
	if got := browsertest.Attribute(t, desk, "#information", "aria-invalid"); got != "" {
		t.Fatalf("a good field is marked invalid: %q", got)
	}
	shot(t, desk, "privacy-incident-errors-1280")
	browsertest.SetValue(t, desk, "#from", "2026-12-03")
	if st := browsertest.Submit(t, desk, "#title"); st != 200 {
		t.Fatalf("incident: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "incident signalé")
	if got := browsertest.Text(t, desk, "main"); !strings.Contains(got, "L’incident est inscrit au registre.") {
		t.Fatalf("the confirmation: %q", got)
	}
	shot(t, desk, "privacy-incident-thanks-1280")
	list, err := e.app.Privacy.Incidents(context.Background(), e.territory.ID)
	if err != nil || len(list) != 1 || list[0].People != 20 || list[0].Risk != pv.RiskLow {
		t.Fatalf("the register: %+v %v", list, err)
	}
	if st := browsertest.Navigate(t, desk, e.srv.URL+"/admin/confidentialite/incidents"); st != 403 {
		t.Fatalf("the facilitator reads the register: status %d", st)
	}

	phone := browsertest.New(t, browsertest.PhoneSize(360, 740))
	browsertest.SetCookie(t, phone, e.srv.URL, sessionCookie, e.session(t, "anim@exemple.org"))
	browsertest.Visit(t, phone, e.srv.URL+"/admin/confidentialite/incidents/nouveau", "signaler un incident, téléphone")
	for _, pr := range browsertest.LayoutOf(t, phone).Problems() {
		t.Errorf("incident form at 360 px: %s", pr)
	}
	shot(t, phone, "privacy-incident-form-360")
}

// TestBrowserJourneyPrivacyAccessLog: the privacy officer looks up a
// person who asked by phone, on their behalf, then finds that look in the
// access log, filtered by their own name — at 1280 px, then on a 360 px
// phone in English.
func TestBrowserJourneyPrivacyAccessLog(t *testing.T) {
	desk := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.staffClock(time.Date(2026, 12, 5, 10, 0, 0, 0, e.territory.Location()))
	officer := e.user("responsable@exemple.org", auth.RoleAdministrator)
	ctx := context.Background()
	if _, err := e.app.Privacy.Ask(ctx, e.territory.ID, "lise@exemple.org", pv.AskCorrection, "Mon nom est mal écrit sur la liste du souper."); err != nil {
		t.Fatal(err)
	}
	staffSignIn(t, desk, e, "responsable@exemple.org")
	browsertest.Visit(t, desk, e.srv.URL+"/admin", "espace équipe")
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/confidentialite"]`)
	browsertest.CheckAccessibility(t, desk, "confidentialité")
	shot(t, desk, "privacy-home-1280")
	browsertest.ClickAndWaitLoad(t, desk, `.cards a[href="/admin/confidentialite/personnes"]`)
	browsertest.CheckAccessibility(t, desk, "une personne")
	browsertest.SetValue(t, desk, "#email", "lise@exemple.org")
	if st := browsertest.Submit(t, desk, "#email"); st != 200 {
		t.Fatalf("person: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "les renseignements d’une personne")
	if got := browsertest.Text(t, desk, "main"); !strings.Contains(got, "Mon nom est mal écrit") {
		t.Fatalf("the person's records: %q", got)
	}
	shot(t, desk, "privacy-person-1280")
	// A correction on her behalf: a phone too short is refused in place.
	browsertest.SetValue(t, desk, "#correct_phone", "555")
	if st := browsertest.Submit(t, desk, "#correct_phone"); st != 422 {
		t.Fatalf("bad correction: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "correction refusée")
	if got := browsertest.Text(t, desk, "main"); !strings.Contains(got, "Mon nom est mal écrit") {
		t.Fatalf("the refused correction's page: %q", got)
	}
	browsertest.Visit(t, desk, e.srv.URL+"/admin/confidentialite", "confidentialité")
	browsertest.ClickAndWaitLoad(t, desk, `.cards a[href="/admin/confidentialite/journal"]`)
	browsertest.CheckAccessibility(t, desk, "journal des accès")
	browsertest.SetValue(t, desk, "#membre", id64(officer.ID))
	browsertest.SetValue(t, desk, "#quoi", "privacy.person")
	if st := browsertest.Submit(t, desk, "#membre"); st != 200 {
		t.Fatalf("filtered log: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "journal filtré")
	got := browsertest.Text(t, desk, "table")
	if !strings.Contains(got, "Dossier d’une personne") || !strings.Contains(got, "Test responsable@exemple.org") {
		t.Fatalf("the access log: %q", got)
	}
	if strings.Contains(browsertest.Text(t, desk, "main"), "lise@exemple.org") {
		t.Fatal("the access log shows the person's address")
	}
	shot(t, desk, "privacy-log-1280")

	// The person asks to be erased: the erasure wants its box ticked, then
	// says what was done.
	browsertest.Visit(t, desk, e.srv.URL+"/admin/confidentialite/personnes", "une personne")
	browsertest.SetValue(t, desk, "#email", "lise@exemple.org")
	if st := browsertest.Submit(t, desk, "#email"); st != 200 {
		t.Fatalf("person: status %d", st)
	}
	browsertest.Click(t, desk, "#confirm-erase")
	if st := browsertest.Submit(t, desk, `form[action="/admin/confidentialite/personnes/suppression"] button`); st != 200 {
		t.Fatalf("erasure: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "renseignements effacés")
	if got := browsertest.Text(t, desk, "main"); !strings.Contains(got, "1 dossier effacé ou rendu anonyme.") {
		t.Fatalf("the erasure's result: %q", got)
	}
	shot(t, desk, "privacy-erased-1280")

	phone := browsertest.New(t, browsertest.PhoneSize(360, 740), browsertest.Languages("en-CA,en"))
	browsertest.SetCookie(t, phone, e.srv.URL, sessionCookie, e.session(t, "responsable@exemple.org"))
	for _, p := range []string{"/admin/confidentialite/journal", "/admin/confidentialite/demandes", "/admin/confidentialite/conservation",
		"/admin/confidentialite/inventaire"} {
		browsertest.Visit(t, phone, e.srv.URL+p, p+" (phone, English)")
		for _, pr := range browsertest.LayoutOf(t, phone).Problems() {
			t.Errorf("%s at 360 px: %s", p, pr)
		}
		shot(t, phone, "privacy-"+pageName(p)+"-360-en")
	}
	if got := browsertest.Text(t, phone, "main"); !strings.Contains(got, "Inventory of personal information") {
		t.Fatalf("the English inventory: %q", got)
	}
}
