package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestBrowserJourneyCommsStory: a communications officer writes a story
// (after a refused form), is refused its publication without consent,
// records the person's consent, publishes it and sees its public page;
// then records the person's withdrawal, and the public page is gone —
// every page checked with axe at 1280 px, then on a 360 px phone, and the
// public pages in English too.
func TestBrowserJourneyCommsStory(t *testing.T) {
	desk := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.staffClock(time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC))
	e.user("comms@exemple.org", auth.RoleCommunications)
	staffSignIn(t, desk, e, "comms@exemple.org")
	visited := []string{}
	here := func(name string) {
		t.Helper()
		browsertest.CheckAccessibility(t, desk, name)
		u, err := chromedp.Run(desk, chromedp.Evaluate[string]("location.href"))
		if err != nil {
			t.Fatal(err)
		}
		visited = append(visited, u)
	}
	browsertest.Visit(t, desk, e.srv.URL+"/admin/communications", "communications")
	here("communications")
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/communications/recits"]`)
	here("récits")
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/communications/recits/nouveau"]`)
	here("nouveau récit")
	browsertest.SetValue(t, desk, "#kind", "volunteer")
	browsertest.SetValue(t, desk, "#summary", "Bénévole au souper citoyen de Manseau.")
	if st := browsertest.Submit(t, desk, "#title"); st != 422 {
		t.Fatalf("story without title: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "récit avec erreurs")
	if msg := browsertest.Text(t, desk, "#title-err"); msg == "" {
		t.Error("no message under the title")
	}
	browsertest.SetValue(t, desk, "#title", "Louise, l’accueil du souper")
	browsertest.SetValue(t, desk, "#body", "Elle accueille **tout le monde** depuis trois ans.")
	browsertest.SetValue(t, desk, "#place", "manseau")
	if st := browsertest.Submit(t, desk, "#title"); st != 200 {
		t.Fatalf("story: status %d", st)
	}
	here("récit brouillon")
	storyPage := browsertest.Attribute(t, desk, `form[action$="/publier"]`, "action")
	storyPage = strings.TrimSuffix(storyPage, "/publier")
	if st := browsertest.Submit(t, desk, `form[action$="/publier"] button`); st != 409 {
		t.Fatalf("publish without consent: status %d", st)
	}
	if txt := browsertest.Text(t, desk, "main"); !strings.Contains(txt, "consentement") {
		t.Errorf("refusal = %q", txt)
	}
	browsertest.CheckAccessibility(t, desk, "publication refusée")

	browsertest.Visit(t, desk, e.srv.URL+storyPage, "récit")
	browsertest.SetValue(t, desk, "#person", "Louise Tremblay")
	browsertest.Click(t, desk, `input[name="what"][value="name"]`)
	browsertest.Click(t, desk, `input[name="what"][value="story"]`)
	browsertest.Click(t, desk, `input[name="on_web"]`)
	browsertest.SetValue(t, desk, "#wording", "J’accepte que mon nom et mon histoire paraissent sur le site Web.")
	browsertest.SetValue(t, desk, "#given_on", "2026-10-28")
	browsertest.SetValue(t, desk, "#how", "signed_form")
	if st := browsertest.Submit(t, desk, "#person"); st != 200 {
		t.Fatalf("consent: status %d", st)
	}
	here("récit avec consentement")
	shot(t, desk, "comms-recit-equipe")
	if st := browsertest.Submit(t, desk, `form[action$="/publier"] button`); st != 200 {
		t.Fatalf("publish: status %d", st)
	}
	here("récit publié")
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/recits/louise-l-accueil-du-souper"]`)
	here("page publique du récit")
	if txt := browsertest.Text(t, desk, "main"); !strings.Contains(txt, "tout le monde") {
		t.Errorf("public page = %q", txt)
	}
	browsertest.Visit(t, desk, e.srv.URL+"/recits", "récits publics")
	here("récits publics")
	browsertest.Visit(t, desk, e.srv.URL+"/admin/communications/affiches?quoi=event", "affiches")
	here("affiches")
	shot(t, desk, "comms-recits-public")

	// The phone and English pass, while the story shows.
	phone := browsertest.New(t, browsertest.PhoneSize(360, 740))
	staffSignIn(t, phone, e, "comms@exemple.org")
	for _, u := range visited {
		browsertest.Visit(t, phone, u, "téléphone "+u)
		if probs := browsertest.LayoutOf(t, phone).Problems(); len(probs) > 0 {
			t.Errorf("%s on a phone: %v", u, probs)
		}
	}
	shot(t, phone, "comms-recit-telephone")
	english := browsertest.New(t, browsertest.Desktop(), browsertest.Languages("en"))
	for _, p := range []string{"/recits", "/recits/louise-l-accueil-du-souper"} {
		browsertest.Visit(t, english, e.srv.URL+p, "English "+p)
	}
	shot(t, english, "comms-recit-en")

	// The withdrawal, confirmed: the public page is gone at once.
	browsertest.Visit(t, desk, e.srv.URL+storyPage, "récit avant le retrait")
	browsertest.Click(t, desk, "details.st-withdraw summary")
	browsertest.SetValue(t, desk, `select[name="withdrawn_how"]`, "email")
	if st := browsertest.Submit(t, desk, `form[action*="/retrait"] button`); st != 200 {
		t.Fatalf("withdrawal: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "récit retiré")
	if txt := browsertest.Text(t, desk, "main"); !strings.Contains(txt, "Retiré") || !strings.Contains(txt, "Louise Tremblay") {
		t.Errorf("after the withdrawal = %q", txt)
	}
	if st := browsertest.Navigate(t, desk, e.srv.URL+"/recits/louise-l-accueil-du-souper"); st != 404 {
		t.Errorf("public page after the withdrawal: status %d", st)
	}
	if st, _ := fetchStatus(t, desk, e.srv.URL+"/recits/louise-l-accueil-du-souper/carte.png"); st != 404 {
		t.Errorf("share card after the withdrawal: status %d", st)
	}
}
