package web_test

import (
	"context"
	"strings"
	"testing"

	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
)

// TestBrowserJourneySignUp: a citizen on a phone finds the souper of their
// village, signs up (after a mistake, and with more people than the form
// takes, then than the seats left: she chooses to come with fewer), opens
// their private link from the e-mail, changes it, then cancels — every page
// checked with axe.
func TestBrowserJourneySignUp(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	ev := e.publishedEvent(t, 5)
	base := e.srv.URL
	if _, err := e.events.Register(context.Background(), e.territory.ID, ev.ID, events.RegistrationInput{Name: "Réjean Houle",
		Phone: "819 555-0100", PartySize: 3}, events.SourceWeb); err != nil {
		t.Fatal(err)
	}

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

	// Her whole family: more than the form takes without the team.
	browsertest.SetValue(t, ctx, "#party_size", "6")
	if st := browsertest.Submit(t, ctx, `form[action$="/inscription"]`); st != 422 {
		t.Errorf("six people: status %d", st)
	}
	if msg := browsertest.Text(t, ctx, "#party_size-err"); !strings.Contains(msg, "appelez ou écrivez à l’équipe") || !strings.Contains(msg, "819-288-5533") {
		t.Errorf("error = %q", msg)
	}
	browsertest.CheckAccessibility(t, ctx, "groupe trop grand")
	shot(t, ctx, "22b-groupe")

	// Three of them, with two seats left: she is asked before anything is saved.
	browsertest.SetValue(t, ctx, "#party_size", "3")
	if st := browsertest.Submit(t, ctx, `form[action$="/inscription"]`); st != 409 {
		t.Errorf("three people for two seats: status %d", st)
	}
	if msg := browsertest.Text(t, ctx, "#erreurs"); !strings.Contains(msg, "Il ne reste que 2\u00a0places, et vous êtes 3.") {
		t.Errorf("choice = %q", msg)
	}
	browsertest.CheckAccessibility(t, ctx, "choix : moins de personnes ou liste d’attente")
	shot(t, ctx, "22c-choix")
	if n, _ := e.events.Registrations(context.Background(), e.territory.ID, ev.ID); len(n) != 1 {
		t.Fatalf("%d registrations before she chose", len(n))
	}
	if st := browsertest.ClickAndWaitLoad(t, ctx, `button[name="party_fit"]`); st != 200 {
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
	if dd := browsertest.Text(t, ctx, ".facts"); !strings.Contains(dd, "2") {
		t.Errorf("she signed up two people: %q", dd)
	}
	browsertest.SetValue(t, ctx, "#party_size", "1")
	if st := browsertest.Submit(t, ctx, `form[action^="/inscription/"]:not([action$="/annuler"])`); st != 200 {
		t.Fatalf("change: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "inscription modifiée")
	if dd := browsertest.Text(t, ctx, ".facts"); !strings.Contains(dd, "1") {
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
