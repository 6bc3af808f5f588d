package web_test

import (
	"context"
	"strings"
	"testing"

	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestBrowserJourneySignUp: a citizen on a phone finds the souper of their
// village, signs up (after a mistake), opens their private link from the
// e-mail, changes it, then cancels — every page checked with axe.
func TestBrowserJourneySignUp(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	ev := e.publishedEvent(t, 30)
	base := e.srv.URL

	browsertest.Visit(t, ctx, base+"/", "accueil avec événements")
	openMenu(t, ctx)
	browsertest.ClickAndWaitLoad(t, ctx, `nav a[href="/soupers"]`)
	browsertest.CheckAccessibility(t, ctx, "soupers")
	shot(t, ctx, "20-soupers")
	if p := browsertest.Text(t, ctx, "#cible"); !strings.Contains(p, "soupers tenus sur 18") {
		t.Errorf("progress = %q", p)
	}
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/evenements/`+ev.Slug+`"]`)
	browsertest.CheckAccessibility(t, ctx, "page du souper")
	shot(t, ctx, "21-souper")

	// A mistake first: no way to reach the person.
	browsertest.SetValue(t, ctx, "#name", "Gisèle Pépin")
	browsertest.SetValue(t, ctx, "#party_size", "2")
	if st := browsertest.Submit(t, ctx, `form[action$="/inscription"]`); st != 422 {
		t.Errorf("without e-mail or phone: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "formulaire avec erreurs")
	if msg := browsertest.Text(t, ctx, "#email-err"); !strings.Contains(msg, "courriel ou un numéro") {
		t.Errorf("error = %q", msg)
	}
	shot(t, ctx, "22-erreur")
	browsertest.SetValue(t, ctx, "#email", "gisele@exemple.org")
	browsertest.Click(t, ctx, `input[name="ride"][value="needs"]`)
	if st := browsertest.Submit(t, ctx, `form[action$="/inscription"]`); st != 200 {
		t.Fatalf("sign-up: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "inscription confirmée")
	if f := browsertest.Text(t, ctx, ".flash"); !strings.Contains(f, "confirmée") {
		t.Errorf("confirmation = %q", f)
	}
	shot(t, ctx, "23-confirmee")

	// Later, from the e-mail: the private link.
	items, err := e.outbox.List(context.Background(), e.territory.ID, 5)
	if err != nil || len(items) == 0 {
		t.Fatalf("no confirmation e-mail: %v", err)
	}
	i := strings.Index(items[0].Text, base+"/inscription/")
	if i < 0 {
		t.Fatalf("no private link in %q", items[0].Text)
	}
	link := strings.Fields(items[0].Text[i:])[0]
	browsertest.Visit(t, ctx, link, "mon inscription")
	browsertest.SetValue(t, ctx, "#party_size", "3")
	if st := browsertest.Submit(t, ctx, `form[action^="/inscription/"]:not([action$="/annuler"])`); st != 200 {
		t.Fatalf("change: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "inscription modifiée")
	if dd := browsertest.Text(t, ctx, ".facts"); !strings.Contains(dd, "3") {
		t.Errorf("party size not saved: %q", dd)
	}
	browsertest.Click(t, ctx, `input[name="confirm"]`)
	if st := browsertest.Submit(t, ctx, `form[action$="/annuler"]`); st != 200 {
		t.Fatalf("cancel: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "inscription annulée")
	if dd := browsertest.Text(t, ctx, ".facts"); !strings.Contains(dd, "Annulée") {
		t.Errorf("after cancelling: %q", dd)
	}
	shot(t, ctx, "24-annulee")

	// In English, the same page.
	openMenu(t, ctx)
	browsertest.ClickAndWaitLoad(t, ctx, `a[hreflang="en"]`)
	browsertest.CheckAccessibility(t, ctx, "registration in English")
	if h := browsertest.Text(t, ctx, "h1"); h != "My registration" {
		t.Errorf("English h1 = %q", h)
	}
}
