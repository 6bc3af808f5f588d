package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// demoEnv is the application with the demo's year, on SQLite.
func demoEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	if _, err := demo.Seed(context.Background(), e.app); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestBrowserJourneyImpactTargets: a facilitator opens an indicator from
// the logic model, types a target that is no number (a clear message,
// nothing changed), sets it, then enters a value — first without saying
// where it comes from — and sees the correction beside the value it
// replaces.
func TestBrowserJourneyImpactTargets(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Desktop())
	e := demoEnv(t)
	e.user("anim@exemple.org", auth.RoleFacilitator)
	staffSignIn(t, ctx, e, "anim@exemple.org")
	ind := enteredIndicator(t, e)

	browsertest.Visit(t, ctx, e.srv.URL+"/admin/impact", "impact et indicateurs")
	shot(t, ctx, "70-impact-modele")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/admin/impact/indicateurs/`+strconv.FormatInt(ind.ID, 10)+`"]`)
	browsertest.CheckAccessibility(t, ctx, "indicateur")

	browsertest.SetValue(t, ctx, "#target", "quinze")
	if st := browsertest.Submit(t, ctx, "#target"); st != 422 {
		t.Fatalf("a target in words: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "indicateur (erreur)")
	if msg := browsertest.Text(t, ctx, "#target-err"); !strings.Contains(msg, "Écrivez un nombre") {
		t.Errorf("the target's error = %q", msg)
	}
	if got, _ := e.app.Impact.Indicator(context.Background(), e.territory.ID, ind.ID); *got.Target != *ind.Target {
		t.Errorf("a refused target was kept: %v", *got.Target)
	}
	browsertest.SetValue(t, ctx, "#target", "10")
	browsertest.SetValue(t, ctx, "#target_on", "2028-03-31")
	if st := browsertest.Submit(t, ctx, "#target"); st != 200 {
		t.Fatalf("the target: status %d", st)
	}
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "L’indicateur est enregistré.") || !strings.Contains(txt, "10 au 31\u00a0mars 2028") {
		t.Errorf("after the target: %q", txt)
	}

	// A value without its source: refused, nothing kept.
	before := testkit.Count(t, e.d, `SELECT COUNT(*) FROM impact_snapshots WHERE indicator_id = ?`, ind.ID)
	browsertest.SetValue(t, ctx, "#entry_value", "3")
	browsertest.SetValue(t, ctx, "#entry_day", "2026-11-30")
	if st := browsertest.Submit(t, ctx, "#entry_value"); st != 422 {
		t.Fatalf("a value without its source: status %d", st)
	}
	if msg := browsertest.Text(t, ctx, "#entry_note-err"); !strings.Contains(msg, "Dites d’où vient le nombre.") {
		t.Errorf("the note's error = %q", msg)
	}
	if n := testkit.Count(t, e.d, `SELECT COUNT(*) FROM impact_snapshots WHERE indicator_id = ?`, ind.ID); n != before {
		t.Fatalf("%d values after a refusal, want %d", n, before)
	}
	browsertest.SetValue(t, ctx, "#entry_note", "Registre des formations, novembre")
	if st := browsertest.Submit(t, ctx, "#entry_value"); st != 200 {
		t.Fatalf("the value: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "indicateur (valeur saisie)")
	shot(t, ctx, "71-impact-indicateur")
	txt := browsertest.Text(t, ctx, "main")
	for _, want := range []string{"La valeur est enregistrée.", "Registre des formations, novembre", "remplacée", "corrige une valeur précédente"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the indicator's page lacks %q", want)
		}
	}
}

// TestBrowserJourneyPartnerDashboard: the demo's partner signs in on a
// phone, goes from the account page to the partners' dashboard (totals,
// no one's personal data), reads the minutes of a committee meeting, and
// is refused the staff's pages.
func TestBrowserJourneyPartnerDashboard(t *testing.T) {
	ctx := browsertest.New(t, browsertest.PhoneSize(360, 740))
	e := demoEnv(t)
	staffSignIn(t, ctx, e, "louise.provencher@demo.implique.test")

	browsertest.Visit(t, ctx, e.srv.URL+"/compte", "compte")
	browsertest.ClickAndWaitLoad(t, ctx, `main a[href="/partenaires"]`)
	browsertest.CheckAccessibility(t, ctx, "tableau de bord des partenaires")
	shot(t, ctx, "72-partenaires")
	board := browsertest.Text(t, ctx, "main")
	for _, want := range []string{"Tableau de bord des partenaires", "Soupers citoyens tenus", "Municipalités formées"} {
		if !strings.Contains(board, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	for _, who := range []string{"@", "Nicole Lemay", "Kevin Descôteaux"} {
		if strings.Contains(board, who) {
			t.Errorf("the dashboard shows %q", who)
		}
	}

	browsertest.ClickAndWaitLoad(t, ctx, `main a[href="/partenaires/comite"]`)
	browsertest.CheckAccessibility(t, ctx, "comité des partenaires")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href^="/partenaires/comite/rencontres/"]`)
	browsertest.CheckAccessibility(t, ctx, "rencontre du comité")
	shot(t, ctx, "73-partenaires-rencontre")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "Procès-verbal") && !strings.Contains(txt, "procès-verbal") {
		t.Errorf("the meeting's page has no minutes: %q", txt)
	}

	for _, p := range []string{"/admin", "/admin/impact", "/admin/rapports", "/admin/comite", "/admin/financement", "/admin/evenements"} {
		if st := browsertest.Navigate(t, ctx, e.srv.URL+p); st != 403 {
			t.Errorf("a partner on %s: status %d", p, st)
		}
	}
	browsertest.CheckAccessibility(t, ctx, "refus")
}

// TestBrowserJourneyQuarterReport: the administrator makes last quarter's
// report from the reports' page, reads it, and opens its PDF (French and
// English) and its workbook.
func TestBrowserJourneyQuarterReport(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Desktop())
	e := demoEnv(t)
	e.user("direction@exemple.org", auth.RoleAdministrator)
	staffSignIn(t, ctx, e, "direction@exemple.org")

	browsertest.Visit(t, ctx, e.srv.URL+"/admin", "espace équipe")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/admin/rapports"]`)
	browsertest.CheckAccessibility(t, ctx, "rapports")
	shot(t, ctx, "74-rapports")
	browsertest.Click(t, ctx, "#span-lq")
	browsertest.SetValue(t, ctx, "#title", "Rapport au CIUSSS MCQ")
	if st := browsertest.Submit(t, ctx, "#title"); st != 200 {
		t.Fatalf("the report: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "rapport")
	shot(t, ctx, "75-rapport")
	txt := browsertest.Text(t, ctx, "main")
	for _, want := range []string{"Le rapport est prêt.", "Rapport au CIUSSS MCQ", "Effets attendus à court terme", "Activités par municipalité",
		"Chronologie du projet", "Prochaines étapes"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	pdf := browsertest.Attribute(t, ctx, `a[href$="rapport.pdf?langue=fr"]`, "href")
	if st, typ := fetchStatus(t, ctx, pdf); st != 200 || typ != "application/pdf" {
		t.Errorf("the PDF: %d %s", st, typ)
	}
	if st, _ := fetchStatus(t, ctx, strings.Replace(pdf, "langue=fr", "langue=en", 1)); st != 200 {
		t.Errorf("the English PDF: %d", st)
	}
	xlsx := browsertest.Attribute(t, ctx, `a[href$="rapport.xlsx?langue=fr"]`, "href")
	if st, typ := fetchStatus(t, ctx, xlsx); st != 200 || !strings.Contains(typ, "spreadsheetml") {
		t.Errorf("the workbook: %d %s", st, typ)
	}
}

// TestBrowserJourneyImpactOnAPhone: anyone reads the impact page on a
// 360 px phone, in French then in English: nothing wider than the screen.
func TestBrowserJourneyImpactOnAPhone(t *testing.T) {
	ctx := browsertest.New(t, browsertest.PhoneSize(360, 740))
	e := demoEnv(t)
	browsertest.Visit(t, ctx, e.srv.URL+"/", "accueil")
	browsertest.ClickAndWaitLoad(t, ctx, `footer a[href="/impact"]`)
	browsertest.CheckAccessibility(t, ctx, "notre impact")
	shot(t, ctx, "76-impact-telephone")
	if p := browsertest.LayoutOf(t, ctx).Problems(); len(p) > 0 {
		t.Errorf("the impact page on a phone: %v", p)
	}
	txt := browsertest.Text(t, ctx, "main")
	for _, want := range []string{"Notre impact", "Réalisation de 18 soupers citoyens", "Chronologie du projet", "Projet piloté par"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the impact page lacks %q", want)
		}
	}
	browsertest.Visit(t, ctx, e.srv.URL+"/langue/en?retour=/impact", "our impact")
	if txt := browsertest.Text(t, ctx, "h1"); txt != "Our impact" {
		t.Errorf("the English page's title = %q", txt)
	}
	if p := browsertest.LayoutOf(t, ctx).Problems(); len(p) > 0 {
		t.Errorf("the English impact page on a phone: %v", p)
	}
}
