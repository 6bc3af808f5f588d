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
	"implique/internal/orgs"
	"implique/internal/training"
)

// layoutOK fails on a page that does not fit the window.
func layoutOK(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, pr := range browsertest.LayoutOf(t, ctx).Problems() {
		t.Errorf("%s: %s", name, pr)
	}
}

// TestBrowserJourneyLearnerCertificate: on a phone, a person enrols in a
// cohort of three sessions; staff check them in at each session (the
// first at the events' check-in page); the cohort is completed; the
// learner opens « Mes formations », gets the certificate and checks its
// code — every page checked with axe.
func TestBrowserJourneyLearnerCertificate(t *testing.T) {
	ctx := browsertest.New(t, browsertest.PhoneSize(360, 740))
	w := newTrainingWorld(t, dbtest.SQLite(t, jobs.MigrateAll), "12")
	e := w.e
	base := e.srv.URL
	tid := e.territory.ID
	bg := context.Background()

	browsertest.Visit(t, ctx, base+"/", "accueil")
	browsertest.ClickAndWaitLoad(t, ctx, `footer a[href="/formations"]`)
	browsertest.CheckAccessibility(t, ctx, "formations")
	layoutOK(t, ctx, "formations")
	shot(t, ctx, "training-01-formations")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="`+w.cohort.Path()+`"]`)
	browsertest.CheckAccessibility(t, ctx, "cohorte")
	layoutOK(t, ctx, "cohorte")
	shot(t, ctx, "training-02-cohorte")
	browsertest.SetValue(t, ctx, "#name", "Alice Bédard")
	browsertest.SetValue(t, ctx, "#email", "alice@exemple.org")
	browsertest.Click(t, ctx, `input[name="consent_contact"]`)
	if st := browsertest.Submit(t, ctx, `form[action="`+w.cohort.Path()+`/inscription"]`); st != 200 {
		t.Fatalf("enrolment: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "inscription confirmée")
	layoutOK(t, ctx, "inscription confirmée")
	shot(t, ctx, "training-03-inscrite")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "Votre place est confirmée") {
		t.Fatalf("confirmation: %q", txt)
	}
	mine := browsertest.Attribute(t, ctx, `main a[href^="/formations/mes-formations/"]`, "href")
	tok := strings.TrimPrefix(mine, "/formations/mes-formations/")

	// Staff check her in: the first session at the events' check-in page.
	e.user("anim@exemple.org", auth.RoleFacilitator)
	staff := browsertest.New(t, browsertest.PhoneSize(360, 740))
	first := w.cohort.Sessions[0]
	e.app.Clock.Set(first.StartsAt.Add(10 * time.Minute))
	staffSignIn(t, staff, e, "anim@exemple.org")
	browsertest.Visit(t, staff, base+"/admin/evenements/"+id64(first.ID)+"/accueil", "accueil de la séance")
	if st := browsertest.Submit(t, staff, ".st-checkin li button"); st != 200 {
		t.Fatalf("check-in: status %d", st)
	}
	browsertest.CheckAccessibility(t, staff, "accueil, présence notée")
	// The two others through the store.
	for _, ev := range w.cohort.Sessions[1:] {
		e.app.Clock.Set(ev.StartsAt.Add(10 * time.Minute))
		regs, err := e.events.Registrations(bg, tid, ev.ID)
		if err != nil || len(regs) != 1 {
			t.Fatalf("%d registrations (%v)", len(regs), err)
		}
		if err := e.events.CheckIn(bg, tid, regs[0].ID, true); err != nil {
			t.Fatal(err)
		}
	}
	e.app.Clock.Set(w.cohort.Sessions[2].EndsAt.Add(time.Hour))
	if err := e.app.Training.SetStatus(bg, tid, w.cohort.ID, training.Completed, ""); err != nil {
		t.Fatal(err)
	}

	browsertest.Visit(t, ctx, base+mine, "mes formations")
	layoutOK(t, ctx, "mes formations")
	shot(t, ctx, "training-04-mes-formations")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "3 séance(s) sur 3") || !strings.Contains(txt, "Formation terminée") {
		t.Fatalf("« Mes formations »: %q", txt)
	}
	pdf := browsertest.Attribute(t, ctx, `main a[href$=".pdf"]`, "href")
	r := e.client(t).get(pdf)
	expectStatus(t, r, 200)
	if !strings.HasPrefix(r.body, "%PDF") {
		t.Fatalf("the certificate is not a PDF: %.20q", r.body)
	}
	en, err := e.app.Training.ByToken(bg, tok)
	if err != nil || en.CertificateCode == "" {
		t.Fatalf("no code (%v)", err)
	}

	browsertest.Visit(t, ctx, base+"/formations/verification", "vérification")
	browsertest.SetValue(t, ctx, "#code", en.CertificateCode)
	if st := browsertest.Submit(t, ctx, `form[action="/formations/verification"]`); st != 200 {
		t.Fatalf("verification: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "attestation vérifiée")
	layoutOK(t, ctx, "attestation vérifiée")
	shot(t, ctx, "training-05-verification")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "Attestation valide") || !strings.Contains(txt, "Alice Bédard") {
		t.Fatalf("verification: %q", txt)
	}
}

// TestBrowserJourneyManagerEnrolsMembers: an organisation's manager signs
// in and enrols two members of the council in one go.
func TestBrowserJourneyManagerEnrolsMembers(t *testing.T) {
	ctx := browsertest.New(t, browsertest.PhoneSize(360, 740))
	w := newTrainingWorld(t, dbtest.SQLite(t, jobs.MigrateAll), "")
	e := w.e
	bg, tid := context.Background(), e.territory.ID
	mgr := e.user("gestion@exemple.org", auth.RoleOrganizationManager)
	o, err := e.orgs.Create(bg, tid, 0, orgs.Input{Name: "Conseil municipal de Manseau", Kind: orgs.MunicipalCouncil, PlaceSlugs: []string{"manseau"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.orgs.AddManager(bg, tid, o.ID, mgr.ID); err != nil {
		t.Fatal(err)
	}
	staffSignIn(t, ctx, e, "gestion@exemple.org")
	browsertest.Visit(t, ctx, e.srv.URL+"/mes-organismes/"+id64(o.ID), "mon organisme")
	browsertest.ClickAndWaitLoad(t, ctx, `main a[href="/mes-organismes/`+id64(o.ID)+`/formations"]`)
	browsertest.CheckAccessibility(t, ctx, "formations de l’organisme")
	layoutOK(t, ctx, "formations de l’organisme")
	shot(t, ctx, "training-10-organisme")
	browsertest.SetValue(t, ctx, "#cohort", id64(w.cohort.ID))
	browsertest.SetValue(t, ctx, "#member0_name", "Marie Lemieux")
	browsertest.SetValue(t, ctx, "#member0_email", "marie@exemple.org")
	browsertest.SetValue(t, ctx, "#member1_name", "Paul Hébert")
	browsertest.SetValue(t, ctx, "#member1_phone", "819 555-0111")
	browsertest.Click(t, ctx, `input[name="consent"]`)
	if st := browsertest.Submit(t, ctx, `form[action="/mes-organismes/`+id64(o.ID)+`/formations"]`); st != 200 {
		t.Fatalf("enrolment: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "membres inscrits")
	layoutOK(t, ctx, "membres inscrits")
	shot(t, ctx, "training-11-membres-inscrits")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "Marie Lemieux") || !strings.Contains(txt, "Paul Hébert") {
		t.Fatalf("after the enrolment: %q", txt)
	}
	if list, _ := e.app.Training.OfOrganization(bg, tid, o.ID); len(list) != 2 {
		t.Fatalf("%d enrolments", len(list))
	}
}
