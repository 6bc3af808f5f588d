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

	"github.com/chromedp/chromedp"
)

// TestBrowserJourneyCommsCampaigns: the communications officer plans a
// campaign, puts three items on the calendar — one made in one click from
// an upcoming souper — and finds them in the month and week views; every
// page checked with axe at 1280 px, then on a 360 px phone, in French and
// in English.
func TestBrowserJourneyCommsCampaigns(t *testing.T) {
	desk := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	loc := e.territory.Location()
	e.staffClock(time.Date(2026, 12, 5, 10, 0, 0, 0, loc))
	e.user("comm@exemple.org", auth.RoleCommunications)
	ctx, tid := context.Background(), e.territory.ID
	ev, err := e.events.Create(ctx, tid, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper des voisins de Manseau",
		Summary: "Un repas partagé pour faire connaissance.", PlaceSlug: "manseau", VenueName: "Salle municipale",
		StartsAt: time.Date(2026, 12, 12, 17, 30, 0, 0, loc), EndsAt: time.Date(2026, 12, 12, 20, 0, 0, 0, loc)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.events.Publish(ctx, tid, ev.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	staffSignIn(t, desk, e, "comm@exemple.org")
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
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/communications/campagnes"]`)
	here("campagnes")
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/communications/campagnes/nouvelle"]`)
	here("nouvelle campagne")
	browsertest.SetValue(t, desk, "#theme", "Voisins solidaires")
	browsertest.SetValue(t, desk, "#goal", "Faire connaître l’entraide entre voisins.")
	browsertest.SetValue(t, desk, "#starts_on", "2026-12-10")
	browsertest.SetValue(t, desk, "#ends_on", "2026-12-01")
	browsertest.Click(t, desk, `input[name="channels"][value="facebook"]`)
	browsertest.Click(t, desk, `input[name="audiences"][value="seniors"]`)
	if st := browsertest.Submit(t, desk, "#theme"); st != 422 {
		t.Fatalf("bad campaign: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "campagne avec erreurs")
	browsertest.SetValue(t, desk, "#starts_on", "2026-12-01")
	browsertest.SetValue(t, desk, "#ends_on", "2027-01-31")
	if st := browsertest.Submit(t, desk, "#theme"); st != 200 {
		t.Fatalf("campaign: status %d", st)
	}
	here("campagne")
	browsertest.SetValue(t, desk, "#target", "https://www.jebenevole.ca/organisme/cab-becancour")
	if st := browsertest.Submit(t, desk, "#target"); st != 200 {
		t.Fatalf("link: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "campagne avec un lien")
	shot(t, desk, "comms-campaign-1280")

	// One click from the souper.
	browsertest.ClickAndWaitLoad(t, desk, `a[href^="/admin/communications/calendrier/nouveau?campagne="]`)
	here("nouvel élément")
	browsertest.ClickAndWaitLoad(t, desk, `a[href^="/admin/communications/calendrier/nouveau?source=event-`)
	if got := browsertest.Attribute(t, desk, "#title", "value"); got != "Souper des voisins de Manseau" {
		t.Fatalf("prefilled title %q", got)
	}
	browsertest.SetValue(t, desk, "#day", "2026-12-07")
	if st := browsertest.Submit(t, desk, "#title"); st != 200 {
		t.Fatalf("item from event: status %d", st)
	}
	here("élément depuis une activité")
	shot(t, desk, "comms-item-1280")
	txt, err := chromedp.Run(desk, chromedp.Evaluate[string](`document.querySelector("#ready-text").value`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(txt, "Salle municipale") || !strings.Contains(txt, "/l/") {
		t.Errorf("ready text %q", txt)
	}
	for _, it := range []struct{ channel, title, day, clock string }{
		{"radio", "Chronique à CKBN", "2026-12-09", "07:40"},
		{"bulletin", "Bulletin municipal de Bécancour", "2026-12-15", ""},
	} {
		browsertest.Visit(t, desk, e.srv.URL+"/admin/communications/calendrier/nouveau", "nouvel élément")
		browsertest.SetValue(t, desk, "#channel", it.channel)
		browsertest.SetValue(t, desk, "#title", it.title)
		browsertest.SetValue(t, desk, "#body", "Le texte de "+it.title+".")
		browsertest.SetValue(t, desk, "#day", it.day)
		browsertest.SetValue(t, desk, "#clock", it.clock)
		if st := browsertest.Submit(t, desk, "#title"); st != 200 {
			t.Fatalf("%s: status %d", it.title, st)
		}
		browsertest.CheckAccessibility(t, desk, it.title)
	}
	browsertest.Visit(t, desk, e.srv.URL+"/admin/communications/calendrier?mois=2026-12", "mois")
	here("mois")
	main := browsertest.Text(t, desk, "main")
	for _, want := range []string{"Souper des voisins de Manseau", "Chronique à CKBN", "Bulletin municipal de Bécancour"} {
		if !strings.Contains(main, want) {
			t.Errorf("month view lacks %q", want)
		}
	}
	shot(t, desk, "comms-calendar-month-1280")
	browsertest.Visit(t, desk, e.srv.URL+"/admin/communications/calendrier?semaine=2026-W50", "semaine")
	here("semaine")
	if txt := browsertest.Text(t, desk, "main"); !strings.Contains(txt, "Chronique à CKBN") || strings.Contains(txt, "Bulletin municipal de Bécancour") {
		t.Errorf("week view = %q", txt)
	}
	shot(t, desk, "comms-calendar-week-1280")

	for _, lang := range []string{"fr", "en"} {
		phone := browsertest.New(t, browsertest.PhoneSize(360, 740), browsertest.Languages(lang))
		staffSignIn(t, phone, e, "comm@exemple.org")
		for _, u := range visited {
			browsertest.Visit(t, phone, u, lang+" téléphone "+u)
			if probs := browsertest.LayoutOf(t, phone).Problems(); len(probs) > 0 {
				t.Errorf("%s on a phone (%s): %v", u, lang, probs)
			}
		}
		shot(t, phone, "comms-calendar-week-360-"+lang)
		browsertest.Visit(t, phone, e.srv.URL+"/admin/communications/calendrier?mois=2026-12", "mois")
		shot(t, phone, "comms-calendar-month-360-"+lang)
	}
}
