package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
)

// campaignWorld is a communications officer and a facilitator, the clock
// on Saturday 5 December 2026.
type campaignWorld struct {
	e           *env
	officer     *client
	facilitator *client
}

func newCampaignWorld(t *testing.T, d *db.DB) *campaignWorld {
	t.Helper()
	e := newEnv(t, d)
	e.app.Clock.Set(time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC))
	e.user("comm@exemple.org", auth.RoleCommunications)
	e.user("anim@exemple.org", auth.RoleFacilitator)
	return &campaignWorld{e: e, officer: e.as(t, e.session(t, "comm@exemple.org")),
		facilitator: e.as(t, e.session(t, "anim@exemple.org"))}
}

func TestCampaignPagesAndRoles(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newCampaignWorld(t, d)
		// Bad input: shown again with its problems, nothing written.
		r := w.officer.post("/admin/communications/campagnes", url.Values{"theme": {""}, "starts_on": {"2026-12-31"},
			"ends_on": {"2026-12-01"}, "channels": {"telegraph"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Log(w.e.logs.String())
		}
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "La fin doit venir après le début.", "Choisissez des canaux dans la liste.")
		cid := trainingCreatedID(t, w.officer.post("/admin/communications/campagnes", url.Values{"theme": {"Voisins solidaires"},
			"goal": {"L’entraide."}, "starts_on": {"2026-12-01"}, "ends_on": {"2027-01-31"}, "audiences": {"seniors"},
			"channels": {"facebook", "radio"}, "places": {"manseau"}}))
		page := "/admin/communications/campagnes/" + id64(cid)
		later := trainingCreatedID(t, w.officer.post("/admin/communications/campagnes", url.Values{"theme": {"Bienfaits"},
			"starts_on": {"2027-02-01"}, "ends_on": {"2027-03-31"}}))
		expectContains(t, w.officer.get("/admin/communications/campagnes/"+id64(later)), "La campagne n’a pas commencé")
		expectContains(t, w.officer.get("/admin/communications/campagnes"), "À venir", "Bienfaits", "Voisins solidaires")
		r = w.officer.get(page)
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "voisins-solidaires", "Résultats", "Clics sur ses liens suivis")
		expectStatus(t, w.officer.post(page+"/liens", url.Values{"target": {"https://www.jebenevole.ca/offre/1"}}), http.StatusSeeOther)
		expectStatus(t, w.officer.post(page+"/liens", url.Values{"target": {"pas une adresse"}}), http.StatusUnprocessableEntity)
		expectContains(t, w.officer.get(page), "jebenevole.ca/offre/1")
		// Archiving wants a confirmation.
		expectStatus(t, w.officer.post(page+"/archiver", url.Values{}), http.StatusUnprocessableEntity)
		expectStatus(t, w.officer.post(page+"/archiver", url.Values{"confirm": {"1"}}), http.StatusSeeOther)

		iid := trainingCreatedID(t, w.officer.post("/admin/communications/calendrier/elements", url.Values{"channel": {"facebook"},
			"title": {"Soupers de décembre"}, "body": {"Venez souper."}, "day": {"2026-12-08"}, "clock": {"18:30"},
			"status": {"draft"}, "campaign": {id64(cid)}}))
		item := "/admin/communications/calendrier/elements/" + id64(iid)
		expectStatus(t, w.officer.post("/admin/communications/calendrier/elements", url.Values{"channel": {"facebook"},
			"title": {"x"}, "day": {"2026-13-45"}}), http.StatusUnprocessableEntity)
		expectStatus(t, w.officer.post(item+"/statut", url.Values{"status": {"ready"}}), http.StatusSeeOther)
		expectContains(t, w.officer.get("/admin/communications/calendrier?mois=2026-12"), "Soupers de décembre")
		expectContains(t, w.officer.get("/admin/communications/calendrier?semaine=2026-W50"), "Soupers de décembre")
		expectStatus(t, w.officer.get("/admin/communications/calendrier?semaine=n-importe"), http.StatusNotFound)
		// Filters keep the month shown.
		r = w.officer.get("/admin/communications/calendrier?mois=2027-01&canal=radio")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, `name="mois" value="2027-01"`, `value="radio" selected`)
		if strings.Contains(r.body, "Soupers de décembre") {
			t.Fatal("January shows December's item")
		}
		if r := w.officer.get("/admin/communications/calendrier?mois=2026-12&canal=radio"); strings.Contains(r.body, "Soupers de décembre") {
			t.Fatal("the radio filter shows a Facebook item")
		}

		// The facilitator reads the calendar and the item, changes nothing.
		expectStatus(t, w.facilitator.get("/admin/communications/calendrier"), http.StatusOK)
		r = w.facilitator.get(item)
		expectStatus(t, r, http.StatusOK)
		if strings.Contains(r.body, `action="`+item+`"`) {
			t.Fatal("facilitator sees the item's form")
		}
		expectStatus(t, w.facilitator.get("/admin/communications/calendrier/nouveau"), http.StatusForbidden)
		expectStatus(t, w.facilitator.post("/admin/communications/calendrier/elements", url.Values{"channel": {"radio"},
			"title": {"x"}, "day": {"2026-12-09"}}), http.StatusForbidden)
		expectStatus(t, w.facilitator.post(item+"/supprimer", url.Values{"confirm": {"1"}}), http.StatusForbidden)
		expectStatus(t, w.facilitator.get("/admin/communications/campagnes"), http.StatusForbidden)

		// Citizens and partners are refused everything.
		for _, role := range []auth.Role{auth.RoleCitizen, auth.RolePartner} {
			email := string(role) + "@exemple.org"
			w.e.user(email, role)
			c := w.e.as(t, w.e.session(t, email))
			for _, p := range []string{"/admin/communications/calendrier", item, page} {
				if r := c.get(p); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
					t.Fatalf("%s GET %s: %d", role, p, r.StatusCode)
				}
			}
		}

		// The feed: the facilitator's private address works, a wrong one is not found.
		u, _ := w.e.auth.UserByEmail(context.Background(), "anim@exemple.org")
		tok, err := w.e.app.Comms.CalendarFeedToken(context.Background(), w.e.territory.ID, u.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		r = w.e.client(t).get("/communications/flux/" + tok + "/calendrier.ics")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "BEGIN:VCALENDAR", "[Facebook] Soupers de décembre")
		expectStatus(t, w.e.client(t).get("/communications/flux/faux-jeton/calendrier.ics"), http.StatusNotFound)
		// Renewing asks first, then the old address stops working.
		expectStatus(t, w.facilitator.post("/admin/communications/calendrier/flux", url.Values{}), http.StatusUnprocessableEntity)
		expectStatus(t, w.facilitator.post("/admin/communications/calendrier/flux", url.Values{"confirm": {"1"}}), http.StatusSeeOther)
		expectStatus(t, w.e.client(t).get("/communications/flux/"+tok+"/calendrier.ics"), http.StatusNotFound)
		fresh, err := w.e.app.Comms.CalendarFeedToken(context.Background(), w.e.territory.ID, u.ID, false)
		if err != nil || fresh == tok {
			t.Fatalf("fresh token %v", err)
		}
		expectContains(t, w.facilitator.get("/admin/communications/calendrier"), "/communications/flux/"+fresh+"/calendrier.ics")

		// An administrator promotes an event from its staff page in one click.
		w.e.user("admin@exemple.org", auth.RoleAdministrator)
		admin := w.e.as(t, w.e.session(t, "admin@exemple.org"))
		now := w.e.app.Clock.Now()
		ev, err := w.e.events.Create(context.Background(), w.e.territory.ID, 0, events.Input{Kind: events.CitizenDinner,
			Title: "Souper de Manseau", PlaceSlug: "manseau", VenueName: "Salle municipale", StartsAt: now.Add(72 * time.Hour),
			EndsAt: now.Add(75 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.e.events.Publish(context.Background(), w.e.territory.ID, ev.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		promote := "/admin/communications/calendrier/nouveau?source=event-" + id64(ev.ID)
		expectContains(t, admin.get("/admin/evenements/"+id64(ev.ID)), promote)
		r = admin.get(promote)
		expectStatus(t, r, http.StatusOK)
		// The event is named as everywhere else, not by its bare title.
		expectContains(t, r, "Souper citoyen à Manseau", "Salle municipale", "/evenements/"+ev.Slug)
		expectStatus(t, admin.get("/admin/communications/calendrier/nouveau?source=event-999999"), http.StatusNotFound)

		expectStatus(t, w.officer.post(item+"/supprimer", url.Values{}), http.StatusUnprocessableEntity)
		expectStatus(t, w.officer.post(item+"/supprimer", url.Values{"confirm": {"1"}}), http.StatusSeeOther)
		expectStatus(t, w.officer.get(item), http.StatusNotFound)
	})
}

// campaignMultipart posts fields and a PNG named image to path.
func campaignMultipart(t *testing.T, c *client, path string, fields url.Values, png []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("image", "affiche.png")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(png)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestCalendarItemImage(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newCampaignWorld(t, d)
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
		fields := url.Values{"channel": {"poster"}, "title": {"Affiche des épiceries"}, "day": {"2026-12-10"}, "status": {"idea"}}
		r := campaignMultipart(t, w.officer, "/admin/communications/calendrier/elements", fields, png)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Décrivez l’image en quelques mots.", "Affiche des épiceries")
		fields.Set("image_alt", "L’affiche avec le code QR")
		iid := trainingCreatedID(t, campaignMultipart(t, w.officer, "/admin/communications/calendrier/elements", fields, png))
		r = w.facilitator.get("/admin/communications/calendrier/elements/" + id64(iid) + "/image")
		expectStatus(t, r, http.StatusOK)
		if r.Header.Get("Content-Type") != "image/png" || r.body != string(png) {
			t.Fatalf("image %q", r.Header.Get("Content-Type"))
		}
		expectContains(t, w.facilitator.get("/admin/communications/calendrier/elements/"+id64(iid)), `alt="L’affiche avec le code QR"`)
		expectStatus(t, w.e.client(t).get("/admin/communications/calendrier/elements/"+id64(iid)+"/image"), http.StatusSeeOther)
	})
}
