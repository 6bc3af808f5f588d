package web_test

import (
	"context"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/community"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestBrowserJourneyInitiative: a citizen on a phone opens a published
// initiative, joins it (after a mistake), confirms from the e-mail and sees
// themselves counted; a facilitator on a computer launches an initiative
// from an idea, adds a milestone, marks it done and publishes it — every
// page checked with axe.
func TestBrowserJourneyInitiative(t *testing.T) {
	phone := browsertest.New(t)
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	ctx := context.Background()
	base := e.srv.URL
	ini, _ := publicInitiative(t, e)

	// The citizen.
	browsertest.Visit(t, phone, base+"/initiatives", "initiatives")
	shot(t, phone, "70-initiatives")
	if st := browsertest.ClickAndWaitLoad(t, phone, `a[href="/initiatives/`+ini.Slug+`"]`); st != 200 {
		t.Fatalf("initiative page: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "une initiative")
	shot(t, phone, "71-initiative")
	if got := browsertest.Text(t, phone, "#participants"); !strings.Contains(got, "Personne pour l’instant") {
		t.Errorf("participants before = %q", got)
	}
	browsertest.SetValue(t, phone, "#name", "Réjean Tremblay")
	browsertest.SetValue(t, phone, "#email", "rejean@exemple")
	browsertest.SetValue(t, phone, "#offer", "Je lave la vaisselle plus vite que mon ombre")
	browsertest.Click(t, phone, `input[name="show_name"]`)
	if st := browsertest.Submit(t, phone, "#email"); st != 422 {
		t.Fatalf("a bad address: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "participer avec erreur")
	if msg := browsertest.Text(t, phone, "#email-err"); !strings.Contains(msg, "adresse courriel valide") {
		t.Errorf("email error = %q", msg)
	}
	shot(t, phone, "72-participer-erreur")
	browsertest.SetValue(t, phone, "#email", "rejean@exemple.org")
	if st := browsertest.Submit(t, phone, "#email"); st != 200 {
		t.Fatalf("join: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "participation envoyée")
	if f := browsertest.Text(t, phone, ".flash"); !strings.Contains(f, "cliquez sur le lien") {
		t.Errorf("flash = %q", f)
	}
	// From the mailbox: the private link, a button to confirm.
	browsertest.Visit(t, phone, base+e.participationLink(t, "rejean@exemple.org"), "confirmer la participation")
	shot(t, phone, "73-confirmer")
	if st := browsertest.Submit(t, phone, `form[action^="/initiatives/participer/"] button`); st != 200 {
		t.Fatalf("confirm: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "participation confirmée")
	if f := browsertest.Text(t, phone, ".flash"); !strings.Contains(f, "C’est confirmé") {
		t.Errorf("flash = %q", f)
	}
	if got := browsertest.Text(t, phone, "#participants"); got != "Réjean" {
		t.Errorf("participants after = %q", got)
	}
	if got := browsertest.Text(t, phone, "#personnes-impliquees"); got != "3\u00a0personnes impliquées" {
		t.Errorf("people involved = %q", got)
	}
	shot(t, phone, "74-compte")
	// The same link later: where one stops following.
	browsertest.Visit(t, phone, base+e.participationLink(t, "rejean@exemple.org"), "ma participation")
	if st := browsertest.Submit(t, phone, `form[action$="/quitter"] button`); st != 200 {
		t.Fatalf("leave: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "ne plus suivre")
	if got := browsertest.Text(t, phone, ".facts"); !strings.Contains(got, "Vous ne suivez plus cette initiative") {
		t.Errorf("after leaving = %q", got)
	}
	shot(t, phone, "74b-ne-plus-suivre")

	// The facilitator, from an idea to a published initiative.
	desk := browsertest.New(t, browsertest.Desktop())
	e.user("anim@exemple.org", auth.RoleFacilitator)
	idea, err := e.community.Record(ctx, e.territory.ID, 0, community.Input{Kind: community.Idea, Title: "Un club de marche du mardi matin",
		Details: "Se retrouver devant l’église à 9 h, beau temps mauvais temps.", ThemeCode: "isolement-des-aines", PlaceSlug: "fortierville"})
	if err != nil {
		t.Fatal(err)
	}
	staffSignIn(t, desk, e, "anim@exemple.org")
	browsertest.Visit(t, desk, base+"/admin/idees/"+itoa(idea.ID), "une idée")
	if st := browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/initiatives/nouvelle?idee=`+itoa(idea.ID)+`"]`); st != 200 {
		t.Fatalf("launch form: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "lancer une initiative")
	shot(t, desk, "75-lancer")
	browsertest.SetValue(t, desk, "#title", "Le club de marche de Fortierville")
	browsertest.SetValue(t, desk, "#starts_on", "2026-09-01")
	browsertest.SetValue(t, desk, "#ends_on", "2026-06-30")
	if st := browsertest.Submit(t, desk, "#title"); st != 422 {
		t.Fatalf("end before start: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "lancer avec erreur")
	if msg := browsertest.Text(t, desk, "#ends_on-err"); msg != "La fin ne peut pas venir avant le début." {
		t.Errorf("ends_on error = %q", msg)
	}
	browsertest.SetValue(t, desk, "#ends_on", "2027-06-30")
	if st := browsertest.Submit(t, desk, "#title"); st != 200 {
		t.Fatalf("create: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "initiative créée")
	if f := browsertest.Text(t, desk, ".flash"); !strings.Contains(f, "En cours") {
		t.Errorf("flash = %q", f)
	}
	browsertest.SetValue(t, desk, "#milestone_title", "Tracer trois parcours sûrs")
	browsertest.SetValue(t, desk, "#milestone_due_on", "2026-09-15")
	if st := browsertest.Submit(t, desk, "#milestone_title"); st != 200 {
		t.Fatalf("add a milestone: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "étape ajoutée")
	if st := browsertest.Submit(t, desk, `form[action$="/fait"] button`); st != 200 {
		t.Fatalf("milestone done: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "étape franchie")
	if got := browsertest.Text(t, desk, ".ini-steps"); !strings.Contains(got, "Franchie le") {
		t.Errorf("milestones = %q", got)
	}
	if st := browsertest.Submit(t, desk, `form[action$="/publier"] button`); st != 200 {
		t.Fatalf("publish: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "initiative publiée")
	if f := browsertest.Text(t, desk, ".flash"); !strings.Contains(f, "publiée") {
		t.Errorf("flash = %q", f)
	}
	shot(t, desk, "76-fiche-equipe")
	if st := browsertest.ClickAndWaitLoad(t, desk, `.st-state a[href^="/initiatives/"]`); st != 200 {
		t.Fatalf("public page: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "page publique de la nouvelle initiative")
	if got := browsertest.Text(t, desk, ".ini-progress"); !strings.Contains(got, "1\u00a0étape sur 1") {
		t.Errorf("progress = %q", got)
	}
	shot(t, desk, "77-publique-bureau")
	browsertest.Visit(t, desk, base+"/admin/initiatives", "liste de l’équipe")
	shot(t, desk, "78-liste-equipe")
	browsertest.Visit(t, phone, base+"/idees/"+itoa(idea.ID), "l’idée mène à l’initiative")
	if got := browsertest.Text(t, phone, ".ini-born"); !strings.Contains(got, "Le club de marche de Fortierville") {
		t.Errorf("idea page = %q", got)
	}
	shot(t, phone, "79-idee")
	if g, _ := e.community.Get(ctx, e.territory.ID, idea.ID); g.Status != community.InProgress {
		t.Errorf("the idea is %s", g.Status)
	}

	// On a phone, the staff page and an actor's form still fit.
	staffPhone := browsertest.New(t)
	staffSignIn(t, staffPhone, e, "anim@exemple.org")
	browsertest.Visit(t, staffPhone, base+"/admin/initiatives/"+itoa(ini.ID), "fiche de l’équipe, téléphone")
	shot(t, staffPhone, "80-fiche-telephone")
	actors, _ := e.community.Actors(ctx, e.territory.ID, ini.ID)
	browsertest.Visit(t, staffPhone, base+"/admin/initiatives/"+itoa(ini.ID)+"/acteurs/"+itoa(actors[0].ID), "un acteur, téléphone")
	shot(t, staffPhone, "81-acteur-telephone")
}
