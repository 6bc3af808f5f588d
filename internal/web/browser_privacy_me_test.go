package web_test

import (
	"context"
	"strings"
	"testing"

	"implique/internal/browsertest"
	"implique/internal/comms"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	pv "implique/internal/privacy"
	"implique/internal/testkit"
)

// TestBrowserJourneyPrivacyMe: on a phone, a citizen without an account
// opens « Mes données » from the footer, asks for the link, opens it from
// the e-mail, downloads the archive, then erases their data (the box
// first forgotten, then ticked) and sees what was done — every page
// checked with axe.
func TestBrowserJourneyPrivacyMe(t *testing.T) {
	ctx := browsertest.New(t, browsertest.PhoneSize(360, 740))
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	base := e.srv.URL
	if _, err := e.app.Privacy.Ask(context.Background(), e.territory.ID, "rolande@exemple.org", pv.Question,
		"Avez-vous encore ma fiche d’inscription ?"); err != nil {
		t.Fatal(err)
	}
	// A consent given on paper at a souper: the page lists it, and one
	// click withdraws it.
	list, err := e.app.Comms.CreateMailingList(context.Background(), e.territory.ID, comms.ListInput{Name: "Nouvelles de Gentilly", Kind: "general"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.app.Comms.RecordConsent(context.Background(), e.territory.ID, comms.ConsentRecord{Email: "rolande@exemple.org",
		Name: "Rolande Houle", Lists: []int64{list.ID}, Basis: comms.BasisExpress, How: "papier/souper-gentilly",
		Wording: "J’accepte de recevoir les nouvelles de Gentilly par courriel."}); err != nil {
		t.Fatal(err)
	}

	browsertest.Visit(t, ctx, base+"/", "accueil")
	browsertest.ClickAndWaitLoad(t, ctx, `footer a[href="/mes-donnees"]`)
	browsertest.CheckAccessibility(t, ctx, "mes données")
	layoutOK(t, ctx, "mes données")
	shot(t, ctx, "privacy-me-01-demande")
	browsertest.SetValue(t, ctx, "#email", "rolande@exemple.org")
	if st := browsertest.Submit(t, ctx, `form[action="/mes-donnees"]`); st != 200 {
		t.Fatalf("ask for the link: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "lien envoyé")
	layoutOK(t, ctx, "lien envoyé")
	shot(t, ctx, "privacy-me-02-envoye")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "Si nous avons des renseignements liés à cette adresse") {
		t.Fatalf("sent: %q", txt)
	}

	link := e.outboxLink(t, "rolande@exemple.org", meLinkRe)
	browsertest.Visit(t, ctx, base+link, "mes données (lien)")
	layoutOK(t, ctx, "mes données (lien)")
	shot(t, ctx, "privacy-me-03-page")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "Avez-vous encore ma fiche") || !strings.Contains(txt, "Nouvelles de Gentilly") {
		t.Fatalf("the person's page: %q", txt)
	}
	if st := browsertest.Submit(t, ctx, `form[action="`+link+`/consentements"]`); st != 200 {
		t.Fatalf("withdraw the consent: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "consentement retiré")
	shot(t, ctx, "privacy-me-03b-retire")
	if subs, err := e.app.Comms.ListSubscribers(context.Background(), e.territory.ID, list.ID); err != nil || len(subs) != 1 || subs[0].Status == comms.SubConfirmed {
		t.Fatalf("after withdrawal, subscribers = %+v, %v", subs, err)
	}
	if st, typ := fetchStatus(t, ctx, link+"/donnees.zip"); st != 200 || typ != "application/zip" {
		t.Fatalf("archive: %d %q", st, typ)
	}
	r := e.client(t).get(link + "/donnees.zip")
	if !strings.HasPrefix(r.body, "PK") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("the archive is no zip to download: %.4q %q", r.body, r.Header.Get("Content-Disposition"))
	}

	browsertest.ClickAndWaitLoad(t, ctx, `main a[href="`+link+`/suppression"]`)
	browsertest.CheckAccessibility(t, ctx, "suppression")
	layoutOK(t, ctx, "suppression")
	shot(t, ctx, "privacy-me-04-suppression")
	if st := browsertest.Submit(t, ctx, `form[action="`+link+`/suppression"]`); st != 422 {
		t.Fatalf("erase without the box: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "suppression refusée")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "Cochez la case pour confirmer") {
		t.Fatalf("refusal: %q", txt)
	}
	browsertest.Click(t, ctx, "#confirm")
	if st := browsertest.Submit(t, ctx, `form[action="`+link+`/suppression"]`); st != 200 {
		t.Fatalf("erase: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "données supprimées")
	layoutOK(t, ctx, "données supprimées")
	shot(t, ctx, "privacy-me-05-supprime")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "6 éléments ont été supprimés ou rendus anonymes") || !strings.Contains(txt, "la loi anti-pourriel") { // the request, the e-mail with the link, the subscriber, its subscription and the proof kept
		t.Fatalf("result: %q", txt)
	}
	// Nothing anywhere still names her: every table is searched.
	if l := testkit.Leaks(t, e.app.DB, []string{"rolande"}); len(l) > 0 {
		t.Errorf("left after the erasure: %v", l)
	}
	browsertest.Visit(t, ctx, base+link, "mes données (vide)")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "Nous ne conservons aucun renseignement lié à cette adresse.") {
		t.Fatalf("after the erasure: %q", txt)
	}
}
