package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/jobs"
)

// publishedEvent creates and publishes a souper in Fortierville in a week.
func (e *env) publishedEvent(t *testing.T, capacity int) events.Event {
	t.Helper()
	ctx := context.Background()
	start := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	in := events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "fortierville", VenueName: "Salle municipale",
		VenueAddress: "198, rue Principale", StartsAt: start, EndsAt: start.Add(3 * time.Hour), Menu: "Pâté chinois",
		Summary: "Un repas entre voisins."}
	if capacity > 0 {
		in.Capacity = &capacity
	}
	ev, err := e.events.Create(ctx, e.territory.ID, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.events.Publish(ctx, e.territory.ID, ev.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	ev, _ = e.events.Get(ctx, e.territory.ID, ev.ID)
	return ev
}

func TestPublicEventPages(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ev := e.publishedEvent(t, 2)
		ctx := context.Background()
		draft, err := e.events.Duplicate(ctx, e.territory.ID, ev.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		c := e.client(t)

		r := c.get("/soupers")
		expectStatus(t, r, 200)
		expectContains(t, r, "Souper citoyen", "Fortierville", "0\u00a0soupers tenus sur 18", "2\u00a0places libres", "Toujours sans souper")
		r = c.get("/evenements?lieu=fortierville&type=citizen_dinner")
		expectContains(t, r, `href="/evenements/`+ev.Slug+`"`)
		r = c.get("/evenements?lieu=manseau")
		expectContains(t, r, "Aucun événement annoncé")
		expectStatus(t, c.get("/evenements?lieu=paris"), 404)

		r = c.get("/evenements/" + ev.Slug)
		expectStatus(t, r, 200)
		name := ev.Name(i18n.MustLoad(), "fr", e.territory.Location()) // « Souper citoyen à Fortierville, 11 décembre »
		expectContains(t, r, `<meta property="og:title" content="`+name+`">`, "<h1>"+name+"</h1>", `"name":"`+name+`"`, `"@type":"Event"`,
			"Pâté chinois", "M’inscrire", `name="consent_contact" value="1"`, "Non précisée")
		if strings.Contains(r.body, `name="consent_contact" value="1" checked`) {
			t.Error("the consent box is ticked by default")
		}
		var ld map[string]any
		m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(r.body)
		if m == nil || json.Unmarshal([]byte(m[1]), &ld) != nil || ld["startDate"] == nil {
			t.Errorf("schema.org data missing or invalid: %v", m)
		}
		// Drafts are not public.
		expectStatus(t, c.get("/evenements/"+draft.Slug), 404)
		r = c.get("/evenements/" + ev.Slug + "/calendrier.ics")
		expectStatus(t, r, 200)
		expectContains(t, r, "BEGIN:VCALENDAR", "SUMMARY:Souper citoyen")
		feed := c.get("/api/v1/places/fortierville/events.ics")
		expectContains(t, feed, "BEGIN:VEVENT")
		if strings.Contains(c.get("/api/v1/events.ics").body, draft.Slug) {
			t.Error("the feed shows a draft")
		}
		expectStatus(t, c.get("/api/v1/places/paris/events.ics"), 404)
	})
}

func TestRegisterThroughTheForm(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ev := e.publishedEvent(t, 2)
		c := e.client(t)
		page := "/evenements/" + ev.Slug

		// Bad input: French errors, what was typed kept, nothing written.
		r := c.post(page+"/inscription", url.Values{"name": {"Gisèle Pépin"}, "party_size": {"0"}, "dietary": {"Sans lactose"}})
		expectStatus(t, r, 422)
		expectContains(t, r, "Donnez un courriel ou un numéro de téléphone", "entre 1 et 4", `value="Gisèle Pépin"`, "Sans lactose")
		regs, _ := e.events.Registrations(context.Background(), e.territory.ID, ev.ID)
		if len(regs) != 0 {
			t.Fatalf("%d registrations written from bad input", len(regs))
		}

		r = c.post(page+"/inscription", url.Values{"name": {"Gisèle Pépin"}, "email": {"gisele@exemple.org"}, "party_size": {"2"},
			"ride": {"needs"}, "from_place": {"manseau"}, "dietary": {"Sans lactose"}})
		expectStatus(t, r, http.StatusSeeOther)
		loc := r.Header.Get("Location")
		if !strings.HasPrefix(loc, "/inscription/") {
			t.Fatalf("redirect to %q", loc)
		}
		mine := c.follow(r)
		expectStatus(t, mine, 200)
		expectContains(t, mine, "votre inscription est confirmée", "Gisèle Pépin", "Annuler mon inscription")
		if mine.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Error("the private page may leak its address through the Referer header")
		}
		items, _ := e.outbox.List(context.Background(), e.territory.ID, 10)
		if len(items) != 1 || items[0].To != "gisele@exemple.org" || !strings.Contains(items[0].Text, strings.Split(loc, "?")[0]) {
			t.Fatalf("confirmation e-mail: %+v", items)
		}
		atts, _ := e.outbox.Attachments(context.Background(), items[0].ID)
		if len(atts) != 1 || !strings.HasSuffix(atts[0].Filename, ".ics") {
			t.Errorf("no .ics attached: %+v", atts)
		}

		// Twice: the same registration, no second seat, no link shown.
		r = c.post(page+"/inscription", url.Values{"name": {"Gisèle"}, "email": {"GISELE@exemple.org"}, "party_size": {"1"}})
		expectStatus(t, r, 200)
		expectContains(t, r, "déjà inscrit")
		if strings.Contains(r.body, "/inscription/") && regexp.MustCompile(`/inscription/[A-Za-z0-9_-]{20,}`).MatchString(r.body) {
			t.Error("a private link was shown to whoever typed the address")
		}

		// Full: the form's button puts the next person on the wait-list.
		expectContains(t, c.get(page), `name="waitlist" value="1"`)
		other := e.client(t)
		r = other.post(page+"/inscription", url.Values{"name": {"Yvon Houle"}, "phone": {"819 555-0147"}, "party_size": {"1"}, "waitlist": {"1"}})
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, other.follow(r), "position 1 sur la liste d’attente")
		expectContains(t, c.get(page), "Complet — liste d’attente")

		// Change, then cancel (the confirmation box is required): Yvon gets the seat.
		r = c.post(strings.Split(loc, "?")[0], url.Values{"party_size": {"1"}, "ride": {"none"}})
		expectStatus(t, r, http.StatusSeeOther)
		r = c.post(strings.Split(loc, "?")[0]+"/annuler", url.Values{})
		expectStatus(t, r, 422)
		expectContains(t, r, "Cochez la case")
		r = c.post(strings.Split(loc, "?")[0]+"/annuler", url.Values{"confirm": {"1"}})
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, c.follow(r), "Annulée")
		regs, _ = e.events.Registrations(context.Background(), e.territory.ID, ev.ID)
		for _, reg := range regs {
			if reg.Name == "Yvon Houle" && reg.Status != events.Confirmed {
				t.Errorf("the wait-list did not move up: %s", reg.Status)
			}
		}
		// An unknown private link says so, in French.
		r = c.get("/inscription/nimportequoi")
		expectStatus(t, r, 404)
		expectContains(t, r, "lien d’inscription n’est pas valide")
	})
}

func TestEventsAPI(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ev := e.publishedEvent(t, 1)
		unlimited := e.publishedEvent(t, 0)
		c := e.client(t)

		r := c.get("/api/v1/events?kind=citizen_dinner&place=fortierville&from=2026-01-01")
		expectStatus(t, r, 200)
		var list struct {
			Events []map[string]json.RawMessage `json:"events"`
		}
		if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Events) != 2 {
			t.Fatalf("%v %s", err, r.body)
		}
		for _, k := range []string{"id", "slug", "kind", "title", "name", "starts_at", "ends_at", "place", "venue", "capacity", "seats_left", "status", "url"} {
			if _, ok := list.Events[0][k]; !ok {
				t.Errorf("event lacks %q", k)
			}
		}
		for _, ev := range list.Events {
			var id int64
			_ = json.Unmarshal(ev["id"], &id)
			if id == unlimited.ID && (string(ev["capacity"]) != "null" || string(ev["seats_left"]) != "null") {
				t.Errorf("unlimited event: capacity %s seats_left %s", ev["capacity"], ev["seats_left"])
			}
			if string(ev["status"]) != `"open"` {
				t.Errorf("status %s", ev["status"])
			}
		}
		expectStatus(t, c.get("/api/v1/events?kind=party"), 422)
		expectStatus(t, c.get("/api/v1/events?from=hier"), 422)

		post := func(body string, lang string) response {
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/events/"+itoa(ev.ID)+"/registrations", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			c.lang = lang
			return c.do(req)
		}
		r = post(`{"name":"Lise Baril","email":"lise@exemple.org","party_size":1,"ride":"offers","consent_contact":true}`, "fr")
		expectStatus(t, r, 201)
		var out map[string]json.RawMessage
		_ = json.Unmarshal([]byte(r.body), &out)
		if string(out["status"]) != `"confirmed"` || string(out["waitlist_position"]) != "null" || !strings.Contains(string(out["manage_url"]), "/inscription/") {
			t.Errorf("201 body %s", r.body)
		}
		// Full: nothing saved until the client asks for the wait-list.
		r = post(`{"name":"Denis Rivard","phone":"819-555-0101","party_size":1}`, "fr")
		expectStatus(t, r, 409)
		_ = json.Unmarshal([]byte(r.body), &out)
		if string(out["seats_left"]) != "0" || !strings.Contains(string(out["error"]), "liste d’attente") {
			t.Errorf("409 body %s", r.body)
		}
		r = post(`{"name":"Denis Rivard","phone":"819-555-0101","party_size":1,"waitlist":true}`, "fr")
		expectStatus(t, r, 201)
		_ = json.Unmarshal([]byte(r.body), &out)
		if string(out["status"]) != `"waitlisted"` || string(out["waitlist_position"]) != "1" {
			t.Errorf("wait-list body %s", r.body)
		}
		r = post(`{"name":"Lise","email":"lise@exemple.org"}`, "fr")
		expectStatus(t, r, 200)
		_ = json.Unmarshal([]byte(r.body), &out)
		if string(out["manage_url"]) != "null" || string(out["status"]) != `"confirmed"` {
			t.Errorf("duplicate body %s", r.body)
		}
		r = post(`{"name":"","party_size":0,"ride":"taxi"}`, "en")
		expectStatus(t, r, 422)
		var bad struct {
			Errors map[string]string `json:"errors"`
		}
		_ = json.Unmarshal([]byte(r.body), &bad)
		if bad.Errors["name"] != "This field is required." || bad.Errors["ride"] == "" || bad.Errors["party_size"] == "" {
			t.Errorf("422 body %s", r.body)
		}
		expectStatus(t, post(`{"name":`, "fr"), 422)
		expectStatus(t, post(`{"name":"X","email":"x@exemple.org","surprise":1}`, "fr"), 422)

		if err := e.events.Cancel(context.Background(), e.territory.ID, ev.ID, ""); err != nil {
			t.Fatal(err)
		}
		r = post(`{"name":"Tard","email":"tard@exemple.org"}`, "fr")
		expectStatus(t, r, 409)
		expectContains(t, r, "annulé")
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/events/999999/registrations", strings.NewReader(`{}`))
		expectStatus(t, c.do(req), 404)
	})
}
