package web_test

import (
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// TestBrowserJourneyFunding: an administrator opens the funding pages from
// the staff area, sends an application with an amount that is not one
// (a clear message, what was typed kept, nothing written), corrects it, and
// finds the application in the list — every page checked with axe.
func TestBrowserJourneyFunding(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.user("direction@exemple.org", auth.RoleAdministrator)
	staffSignIn(t, ctx, e, "direction@exemple.org")

	browsertest.Visit(t, ctx, e.srv.URL+"/admin", "espace équipe")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/admin/financement"]`)
	browsertest.CheckAccessibility(t, ctx, "recherche de financement")
	shot(t, ctx, "90-financement")

	browsertest.SetValue(t, ctx, "#funder", "Centraide Centre-du-Québec")
	browsertest.SetValue(t, ctx, "#program", "Soutien aux initiatives de proximité")
	browsertest.SetValue(t, ctx, "#amount", "vingt-cinq mille")
	browsertest.SetValue(t, ctx, "#deadline", "2030-01-15")
	if st := browsertest.Submit(t, ctx, `form[action="/admin/financement"]`); st != 422 {
		t.Fatalf("bad amount: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "recherche de financement (erreurs)")
	if msg := browsertest.Text(t, ctx, "#amount-err"); !strings.Contains(msg, "Inscrivez un montant en dollars") {
		t.Errorf("error = %q", msg)
	}
	if v := browsertest.Attribute(t, ctx, "#amount", "value"); v != "vingt-cinq mille" {
		t.Errorf("the amount typed is not kept: %q", v)
	}
	if n := testkit.Count(t, e.d, `SELECT COUNT(*) FROM funding_applications`); n != 0 {
		t.Fatalf("%d applications kept from a refused form", n)
	}

	browsertest.SetValue(t, ctx, "#amount", "25 000 $")
	if st := browsertest.Submit(t, ctx, `form[action="/admin/financement"]`); st != 200 {
		t.Fatalf("application: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "demande de financement")
	shot(t, ctx, "91-demande")
	if h := browsertest.Text(t, ctx, "h1"); !strings.Contains(h, "Centraide Centre-du-Québec") {
		t.Errorf("application page title = %q", h)
	}
	browsertest.ClickAndWaitLoad(t, ctx, `nav.crumbs a[href="/admin/financement"]`)
	if txt := browsertest.Text(t, ctx, "#statut-to_prepare + div"); !strings.Contains(txt, "Centraide Centre-du-Québec — Soutien aux initiatives de proximité") ||
		!strings.Contains(txt, "25\u00a0000,00\u00a0$") {
		t.Errorf("the list of applications to prepare = %q", txt)
	}
}
