package comms_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/tracking"
)

type campaignFixture struct {
	a   *app.App
	s   *comms.Store
	t   territory.Territory
	ctx context.Context
}

// campaignStart is a Saturday afternoon in Bécancour.
var campaignStart = time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)

func campaignSetup(t *testing.T, d *db.DB) *campaignFixture {
	t.Helper()
	a := testkit.App(t, d, campaignStart)
	return &campaignFixture{a: a, s: a.Comms, t: testkit.Territory(t, a.Territories), ctx: context.Background()}
}

func campaignInput() comms.CampaignInput {
	return comms.CampaignInput{Theme: "Voisins solidaires", Goal: "L’entraide entre voisins.", StartsOn: "2026-12-01",
		EndsOn: "2027-01-31", Audiences: []string{"seniors", "citizens"}, Channels: []string{"radio", "facebook"},
		Places: []string{"manseau"}}
}

func TestCampaignValidationAndCode(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := campaignSetup(t, d)
		bad := comms.CampaignInput{Theme: strings.Repeat("x", 151), Goal: strings.Repeat("y", 2001), StartsOn: "9999-01-01",
			EndsOn: "hier", Audiences: []string{"aliens"}, Channels: []string{"telegraph"}, Places: []string{"atlantide"}}
		_, err := f.s.CreateCampaign(f.ctx, f.t.ID, 0, bad)
		testkit.WantFields(t, err, "theme", "goal", "starts_on", "ends_on", "audiences", "channels", "places")
		in := campaignInput()
		in.StartsOn, in.EndsOn = "2026-12-10", "2026-12-01"
		_, err = f.s.CreateCampaign(f.ctx, f.t.ID, 0, in)
		testkit.WantFields(t, err, "ends_on")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_campaigns`); n != 0 {
			t.Fatalf("%d campaigns written by refused input", n)
		}
		c, err := f.s.CreateCampaign(f.ctx, f.t.ID, 0, campaignInput())
		if err != nil {
			t.Fatal(err)
		}
		if c.Code != "voisins-solidaires" || len(c.Places) != 1 || c.Places[0].Slug != "manseau" ||
			strings.Join(c.Channels, ",") != "facebook,radio" || strings.Join(c.Audiences, ",") != "citizens,seniors" {
			t.Fatalf("campaign %+v", c)
		}
		if c.Phase(c.StartsOn) != comms.CampaignCurrent {
			t.Fatalf("phase %s", c.Phase(c.StartsOn))
		}
		c2, err := f.s.CreateCampaign(f.ctx, f.t.ID, 0, campaignInput())
		if err != nil || c2.Code != "voisins-solidaires-2" {
			t.Fatalf("second code %q, %v", c2.Code, err)
		}
		in = campaignInput()
		in.Theme, in.Places = "Voisins solidaires, hiver", nil
		c2, err = f.s.UpdateCampaign(f.ctx, f.t.ID, c2.ID, in)
		if err != nil || c2.Code != "voisins-solidaires-2" || len(c2.Places) != 0 {
			t.Fatalf("updated %+v, %v", c2, err)
		}
		if err := f.s.ArchiveCampaign(f.ctx, f.t.ID, c2.ID, true); err != nil {
			t.Fatal(err)
		}
		c2, _ = f.s.Campaign(f.ctx, f.t.ID, c2.ID)
		if c2.ArchivedAt == nil {
			t.Fatal("not archived")
		}
		_, err = f.s.Campaign(f.ctx, f.t.ID, 999)
		testkit.WantCode(t, err, errs.NotFound)
	})
}

func TestCampaignResults(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := campaignSetup(t, d)
		c, err := f.s.CreateCampaign(f.ctx, f.t.ID, 0, campaignInput())
		if err != nil {
			t.Fatal(err)
		}
		l, err := f.s.CreateCampaignLink(f.ctx, f.t.ID, 0, c.ID, "https://www.jebenevole.ca/offre/42", "Affiche")
		if err != nil || l.Campaign != c.Code {
			t.Fatalf("link %+v, %v", l, err)
		}
		other, err := f.a.Tracking.Create(f.ctx, f.t.ID, 0, trackingInput("https://exemple.org", "autre"))
		if err != nil {
			t.Fatal(err)
		}
		loc := f.t.Location()
		for _, day := range []time.Time{time.Date(2026, 12, 2, 12, 0, 0, 0, loc), time.Date(2026, 12, 3, 12, 0, 0, 0, loc),
			time.Date(2026, 12, 3, 13, 0, 0, 0, loc), time.Date(2026, 11, 30, 12, 0, 0, 0, loc)} {
			if err := f.a.Tracking.Count(f.ctx, l.ID, day); err != nil {
				t.Fatal(err)
			}
			if err := f.a.Tracking.Count(f.ctx, other.ID, day); err != nil {
				t.Fatal(err)
			}
		}
		ev, err := f.a.Events.Create(f.ctx, f.t.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper des voisins",
			PlaceSlug: "manseau", VenueName: "Salle municipale", StartsAt: campaignStart.Add(72 * time.Hour),
			EndsAt: campaignStart.Add(75 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.Events.Publish(f.ctx, f.t.ID, ev.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"Anne", "Benoît"} {
			if _, err := f.a.Events.Register(f.ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: name, Email: strings.ToLower(name[:1]) + "@exemple.org",
				PartySize: 2}, events.SourceWeb); err != nil {
				t.Fatal(err)
			}
		}
		res, err := f.s.CampaignResults(f.ctx, f.t.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Clicks != 3 || res.Links != 1 || res.Registrations != 0 || res.Events != 0 || res.Subscribers != 0 {
			t.Fatalf("results before promoting %+v", res)
		}
		if _, err := f.s.CreateItem(f.ctx, f.t.ID, 0, comms.ItemInput{Channel: "facebook", Title: ev.Title, Day: "2026-12-05",
			CampaignID: c.ID, SourceKind: comms.ItemFromEvent, SourceID: ev.ID}); err != nil {
			t.Fatal(err)
		}
		res, err = f.s.CampaignResults(f.ctx, f.t.ID, c.ID)
		if err != nil || res.Registrations != 2 || res.Events != 1 || res.To.String() != "2026-12-05" {
			t.Fatalf("results %+v, %v", res, err)
		}
	})
}

func TestItemsValidationStatusAndFeed(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := campaignSetup(t, d)
		officer, err := f.a.Auth.CreateUser(f.ctx, auth.NewUser{Email: "comm@exemple.org", Name: "Julie Comm"}, f.t.ID, auth.RoleCommunications)
		if err != nil {
			t.Fatal(err)
		}
		citizen, err := f.a.Auth.CreateUser(f.ctx, auth.NewUser{Email: "cit@exemple.org", Name: "Paul"}, f.t.ID, auth.RoleCitizen)
		if err != nil {
			t.Fatal(err)
		}
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
		_, err = f.s.CreateItem(f.ctx, f.t.ID, 0, comms.ItemInput{Channel: "pigeon", Title: strings.Repeat("t", 201), Day: "2026-02-30",
			Clock: "25 h", OwnerID: citizen.ID, Status: "lost", Image: &comms.ImageInput{Name: "a.png", Data: png}})
		testkit.WantFields(t, err, "channel", "title", "day", "clock", "owner", "status", "image_alt")
		_, err = f.s.CreateItem(f.ctx, f.t.ID, 0, comms.ItemInput{Channel: "radio", Title: "x", Day: "2026-12-08",
			Body: strings.Repeat("b", 10001)})
		testkit.WantFields(t, err, "body")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_items`) + testkit.Count(t, d, `SELECT COUNT(*) FROM comms_images`); n != 0 {
			t.Fatalf("%d rows written by refused input", n)
		}
		it, err := f.s.CreateItem(f.ctx, f.t.ID, officer.ID, comms.ItemInput{Channel: "facebook", Title: "Soupers de décembre",
			Body: "Venez souper!", Day: "2026-12-08", Clock: "18 h 30", OwnerID: officer.ID, Status: comms.ItemReady,
			Target: "https://implique.example/evenements/souper", Image: &comms.ImageInput{Name: "a.png", Data: png, Alt: "Une table"}})
		if err != nil {
			t.Fatal(err)
		}
		if it.Clock != "18:30" || it.OwnerName != "Julie Comm" || it.LinkCode == "" || it.ImageID == 0 || it.PublishedAt != nil {
			t.Fatalf("item %+v", it)
		}
		if err := f.s.SetItemStatus(f.ctx, f.t.ID, it.ID, comms.ItemPublished); err != nil {
			t.Fatal(err)
		}
		it, _ = f.s.Item(f.ctx, f.t.ID, it.ID)
		if it.PublishedAt == nil {
			t.Fatal("published_at not set")
		}
		testkit.WantFields(t, f.s.SetItemStatus(f.ctx, f.t.ID, it.ID, "gone"), "status")
		list, err := f.s.Items(f.ctx, f.t.ID, comms.ItemFilter{Channel: "facebook", Status: comms.ItemPublished})
		if err != nil || len(list) != 1 {
			t.Fatalf("items %d, %v", len(list), err)
		}
		tok, err := f.s.CalendarFeedToken(f.ctx, f.t.ID, officer.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		cal, err := f.s.CalendarFeed(f.ctx, f.t.ID, tok, "fr")
		if err != nil || len(cal.Events) != 1 || cal.Events[0].Summary != "[Facebook] Soupers de décembre" || cal.Events[0].AllDay {
			t.Fatalf("feed %+v, %v", cal.Events, err)
		}
		_, err = f.s.CalendarFeed(f.ctx, f.t.ID, "faux", "fr")
		testkit.WantCode(t, err, errs.NotFound)
		renewed, err := f.s.CalendarFeedToken(f.ctx, f.t.ID, officer.ID, true)
		if err != nil || renewed == tok {
			t.Fatalf("renewed %v", err)
		}
		_, err = f.s.CalendarFeed(f.ctx, f.t.ID, tok, "fr")
		testkit.WantCode(t, err, errs.NotFound)
		if err := f.s.DeleteItem(f.ctx, f.t.ID, it.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, f.s.DeleteItem(f.ctx, f.t.ID, it.ID), errs.NotFound)
	})
}

func trackingInput(target, campaign string) tracking.Input {
	return tracking.Input{Target: target, Campaign: campaign}
}
