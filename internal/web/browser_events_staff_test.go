package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
)

// staffSignIn signs a browser in by a magic link read from the outbox.
func staffSignIn(t *testing.T, ctx context.Context, e *env, email string) {
	t.Helper()
	browsertest.Visit(t, ctx, e.srv.URL+"/connexion", "connexion")
	browsertest.SetValue(t, ctx, "#email-lien", email)
	browsertest.Submit(t, ctx, `form[action="/connexion/lien"]`)
	browsertest.Visit(t, ctx, e.srv.URL+e.lastLink(t, email), "lien de connexion")
	if st := browsertest.Submit(t, ctx, `form[action="/connexion/lien/utiliser"]`); st != 200 {
		t.Fatalf("sign-in: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "espace équipe")
}

// TestBrowserStaffEventJourney: a facilitator creates a souper (after a
// refused form), publishes it, sees who signed up; at the door, on a
// phone, finds a name, marks people present and adds a walk-in; then
// closes the event — every page checked with axe.
func TestBrowserStaffEventJourney(t *testing.T) {
	desk := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	loc := e.territory.Location()
	clock := e.staffClock(time.Date(2026, 11, 20, 12, 0, 0, 0, loc))
	e.user("anim@exemple.org", auth.RoleFacilitator)
	base := e.srv.URL

	staffSignIn(t, desk, e, "anim@exemple.org")
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/evenements"]`)
	browsertest.CheckAccessibility(t, desk, "liste des événements (vide)")
	if h := browsertest.Text(t, desk, "#cible"); h != "0\u00a0souper tenu sur 18" {
		t.Errorf("progress = %q", h)
	}

	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/evenements/nouveau"]`)
	browsertest.CheckAccessibility(t, desk, "nouvel événement")
	browsertest.SetValue(t, desk, "#title", "Souper citoyen de Manseau")
	browsertest.SetValue(t, desk, "#summary", "Un bon repas entre voisins pour parler de notre village.")
	browsertest.SetValue(t, desk, "#menu", "Soupe aux pois, pâté chinois, tarte au sucre")
	browsertest.SetValue(t, desk, "#date", "2026-11-28")
	browsertest.SetValue(t, desk, "#start_time", "17:30")
	browsertest.SetValue(t, desk, "#end_time", "16:00")
	browsertest.SetValue(t, desk, "#place", "manseau")
	browsertest.SetValue(t, desk, "#venue_name", "Salle municipale")
	browsertest.SetValue(t, desk, "#venue_address", "40, rue Principale, Manseau")
	browsertest.SetValue(t, desk, "#capacity", "0")
	if st := browsertest.Submit(t, desk, "#title"); st != 422 {
		t.Fatalf("bad form: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "formulaire avec erreurs")
	if msg := browsertest.Text(t, desk, "#end_time-err"); msg != "La fin doit venir après le début." {
		t.Errorf("end time error = %q", msg)
	}
	if msg := browsertest.Text(t, desk, "#capacity-err"); !strings.Contains(msg, "entre 1 et 5000") {
		t.Errorf("capacity error = %q", msg)
	}
	shot(t, desk, "events-01-formulaire-erreurs")

	browsertest.SetValue(t, desk, "#end_time", "20:30")
	browsertest.SetValue(t, desk, "#capacity", "40")
	if st := browsertest.Submit(t, desk, "#title"); st != 200 {
		t.Fatalf("create: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "événement en brouillon")
	if got := browsertest.Text(t, desk, ".st-state .st-status"); got != "Brouillon" {
		t.Errorf("status = %q", got)
	}
	if st := browsertest.Submit(t, desk, `input[name="when"][value="now"]`); st != 200 {
		t.Fatalf("publish: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "événement publié")
	if got := browsertest.Text(t, desk, ".st-state .st-status"); got != "Inscriptions ouvertes" {
		t.Errorf("status after publishing = %q", got)
	}

	// Citizens sign up (through the store, as the public form does).
	evs, err := e.events.List(context.Background(), e.territory.ID, events.Filter{})
	if err != nil || len(evs) != 1 {
		t.Fatalf("events: %d, %v", len(evs), err)
	}
	ev := evs[0]
	for _, in := range []events.RegistrationInput{
		{Name: "Réjean Tremblay", Email: "rejean@exemple.org", PartySize: 2, Dietary: "Sans gluten", Ride: events.RideNeeds, FromPlaceSlug: "manseau"},
		{Name: "Gisèle Côté", Phone: "819 555-0123", PartySize: 1, Ride: events.RideOffers, FromPlaceSlug: "manseau", Accessibility: "Se déplace en marchette"},
		{Name: "Lucie Boisvert", Email: "lucie@exemple.org", PartySize: 1, FromPlaceSlug: "becancour-gentilly", Ride: events.RideNeeds},
	} {
		if _, err := e.events.Register(context.Background(), e.territory.ID, ev.ID, in, events.SourceWeb); err != nil {
			t.Fatal(err)
		}
	}
	page := base + "/admin/evenements/" + itoa(ev.ID)
	browsertest.Visit(t, desk, page, "événement avec inscriptions")
	if got := browsertest.Text(t, desk, ".st-needs"); !strings.Contains(got, "Manseau\u00a0: 2 ont besoin d’un transport, 1 en offre") ||
		!strings.Contains(got, "4\u00a0personnes confirmées") {
		t.Errorf("needs at a glance = %q", got)
	}
	shot(t, desk, "events-02-evenement")

	// At the door, on a phone.
	clock.Set(time.Date(2026, 11, 28, 17, 10, 0, 0, loc))
	phone := browsertest.New(t)
	staffSignIn(t, phone, e, "anim@exemple.org")
	browsertest.Visit(t, phone, page+"/accueil", "accueil")
	shot(t, phone, "events-03-accueil-telephone")
	browsertest.SetValue(t, phone, "#q", "rejean")
	if st := browsertest.Submit(t, phone, "#q"); st != 200 {
		t.Fatalf("search: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "accueil, recherche")
	if got := browsertest.Text(t, phone, ".st-checkin"); !strings.Contains(got, "Réjean Tremblay") || strings.Contains(got, "Gisèle") {
		t.Errorf("search for rejean shows %q", got)
	}
	if st := browsertest.Submit(t, phone, ".st-checkin li button"); st != 200 {
		t.Fatalf("present: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "accueil, présence notée")
	if got := browsertest.Text(t, phone, ".st-counter"); got != "2\u00a0personnes présentes sur 4 attendues" {
		t.Errorf("counter = %q", got)
	}
	if got := browsertest.Text(t, phone, ".st-checkin li.st-here"); !strings.Contains(got, "Présence notée à 17\u00a0h\u00a010") {
		t.Errorf("present row = %q", got)
	}
	shot(t, phone, "events-04-accueil-present")
	browsertest.SetValue(t, phone, "#walkin_name", "Yvon Doucet")
	browsertest.SetValue(t, phone, "#walkin_party", "2")
	browsertest.SetValue(t, phone, "#walkin_phone", "819 555-0142")
	if st := browsertest.Submit(t, phone, "#walkin_name"); st != 200 {
		t.Fatalf("walk-in: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "accueil, personne ajoutée")
	if got := browsertest.Text(t, phone, ".st-counter"); got != "4\u00a0personnes présentes sur 6 attendues" {
		t.Errorf("counter after the walk-in = %q", got)
	}
	shot(t, phone, "events-05-accueil-sans-inscription")

	// After the souper: close it.
	clock.Set(time.Date(2026, 11, 28, 21, 0, 0, 0, loc))
	browsertest.ClickAndWaitLoad(t, phone, `a[href$="/cloture"]`)
	browsertest.CheckAccessibility(t, phone, "clôture")
	shot(t, phone, "events-06-cloture")
	browsertest.SetValue(t, phone, "#organizations", "Municipalité de Manseau\nFADOQ Manseau")
	browsertest.SetValue(t, phone, "#notes", "Beaucoup d’idées sur le transport entre villages.")
	if st := browsertest.Submit(t, phone, "#attendance"); st != 200 {
		t.Fatalf("close: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "événement tenu")
	if got := browsertest.Text(t, phone, ".st-state .st-status"); got != "Tenu" {
		t.Errorf("status after closing = %q", got)
	}
	if got := browsertest.Text(t, phone, ".st-report"); !strings.Contains(got, "4") || !strings.Contains(got, "FADOQ Manseau") {
		t.Errorf("report = %q", got)
	}
	shot(t, phone, "events-07-tenu-telephone")

	browsertest.Visit(t, desk, page, "événement tenu (bureau)")
	shot(t, desk, "events-08-tenu")
	browsertest.Visit(t, desk, base+"/admin/evenements", "liste des événements")
	if h := browsertest.Text(t, desk, "#cible"); h != "1\u00a0souper tenu sur 18" {
		t.Errorf("progress = %q", h)
	}
	shot(t, desk, "events-09-liste")
}
