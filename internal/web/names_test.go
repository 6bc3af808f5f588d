package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/testkit"
)

// Two soupers both titled « Souper citoyen » are told apart wherever an
// event is named: by their place and day (the title itself when staff
// gave a distinctive one), in the page's language.
func TestEventsAreNamedApart(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		loc := e.territory.Location()
		e.staffClock(time.Date(2026, 10, 1, 12, 0, 0, 0, loc))
		tid := e.territory.ID
		souper := func(place string, day time.Time, title string) events.Event {
			t.Helper()
			start := day.Add(17*time.Hour + 30*time.Minute)
			ev, err := e.events.Create(ctx, tid, 0, events.Input{Kind: events.CitizenDinner, Title: title, PlaceSlug: place,
				VenueName: "Salle municipale", StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: testkit.Ptr(40)})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.events.Publish(ctx, tid, ev.ID, time.Time{}); err != nil {
				t.Fatal(err)
			}
			return ev
		}
		gentilly := souper("becancour-gentilly", time.Date(2026, 10, 30, 0, 0, 0, 0, loc), "Souper citoyen")
		manseau := souper("manseau", time.Date(2026, 11, 28, 0, 0, 0, 0, loc), "Souper citoyen")
		noel := souper("manseau", time.Date(2026, 12, 12, 0, 0, 0, 0, loc), "Souper citoyen de Noël")
		const g, m = "Souper citoyen à Gentilly, 30\u00a0octobre", "Souper citoyen à Manseau, 28\u00a0novembre"

		e.user("anim@exemple.org", auth.RoleAdministrator)
		c := e.client(t)
		c.signIn("anim@exemple.org")
		r := c.get("/admin/evenements")
		expectStatus(t, r, 200)
		expectContains(t, r, ">"+g+"</a>", ">"+m+"</a>", ">Souper citoyen de Noël</a>")
		if strings.Contains(r.body, ">Souper citoyen</a>") {
			t.Error("a souper is still listed as « Souper citoyen »")
		}
		c.lang = "en"
		expectContains(t, c.get("/admin/evenements"), ">Citizen dinner in Gentilly, October 30</a>", `><span lang="fr">Souper citoyen de Noël</span></a>`)
		c.lang = "fr"

		// The public pages, the calendar file, the share of the page.
		r = c.get("/soupers")
		expectContains(t, r, g, m)
		r = c.get("/evenements/" + gentilly.Slug)
		expectContains(t, r, "<h1>"+g+"</h1>", "<title>"+g+" — ", `"name":"`+g+`"`, `content="`+g+`"`)
		expectContains(t, c.get("/evenements/"+gentilly.Slug+"/calendrier.ics"), "SUMMARY:Souper citoyen à Gentilly\\, 30\u00a0octobre")

		// The e-mail names the place and the day, in the person's language.
		pub := e.client(t)
		expectStatus(t, pub.post("/evenements/"+gentilly.Slug+"/inscription", url.Values{"name": {"Lise Hamel"}, "email": {"lise@exemple.org"},
			"party_size": {"1"}}), 303)
		pub.lang = "en"
		expectStatus(t, pub.post("/evenements/"+manseau.Slug+"/inscription", url.Values{"name": {"Ann Smith"}, "email": {"ann@exemple.org"},
			"party_size": {"1"}}), 303)
		items, err := e.outbox.List(ctx, tid, 10)
		if err != nil {
			t.Fatal(err)
		}
		subjects := map[string]string{}
		for _, it := range items {
			subjects[it.To] = it.Subject
			if it.To == "lise@exemple.org" && !strings.Contains(it.Text, g+"\n") {
				t.Errorf("the e-mail's details do not name the souper: %q", it.Text)
			}
		}
		if subjects["lise@exemple.org"] != "Inscription confirmée — "+g || subjects["ann@exemple.org"] != "Registration confirmed — Citizen dinner in Manseau, November 28" {
			t.Errorf("subjects %q", subjects)
		}

		// Staff pages: the event, check-in, the files, a community's meetings, an organisation's events.
		base := "/admin/evenements/" + itoa(gentilly.ID)
		expectContains(t, c.get(base), "<h1>"+g+"</h1>")
		expectContains(t, c.get(base+"/accueil"), "<title>Accueil — "+g)
		r = c.get(base + "/inscriptions.csv")
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="souper-citoyen-a-gentilly-30-octobre-inscriptions.csv"`) {
			t.Errorf("CSV file name %q", cd)
		}
		r = c.get("/admin/evenements/" + itoa(noel.ID) + "/inscriptions.csv")
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="souper-citoyen-de-noel-2026-12-12-inscriptions.csv"`) {
			t.Errorf("CSV file name %q", cd)
		}
		com := e.newCommunity(t, "Jardin partagé", false)
		for _, ev := range []events.Event{gentilly, manseau} {
			if err := e.community.AddMeeting(ctx, tid, com.ID, ev.ID); err != nil {
				t.Fatal(err)
			}
		}
		expectContains(t, c.get("/admin/communautes/"+itoa(com.ID)), ">"+g+"</a>", ">"+m+"</a>")
		o, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Comité des loisirs", Kind: orgs.CitizenCommittee, PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.orgs.LinkEvent(ctx, tid, o.ID, manseau.ID); err != nil {
			t.Fatal(err)
		}
		expectContains(t, c.get("/admin/organismes/"+itoa(o.ID)), ">"+m+"</a>")
	})
}
