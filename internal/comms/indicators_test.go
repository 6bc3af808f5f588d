package comms_test

import (
	"strconv"
	"testing"
	"time"

	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/indicator"
	"implique/internal/testkit"
)

// TestIndicatorsOfCommunications: on data where the right values are
// obvious — three people consent in November (one leaves in December),
// one newsletter goes out, one story is published at Fortierville, two
// calendar items are published — each indicator reads what happened in
// its period, and nothing outside it.
func TestIndicatorsOfCommunications(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		f := newsApp(t, d, "")
		tid := f.t.ID
		l := f.list(t, "Moi, je m’implique")
		for _, addr := range []string{"a@exemple.org", "b@exemple.org", "c@exemple.org"} {
			if err := f.s.RecordConsent(f.ctx, tid, comms.ConsentRecord{Email: addr, Lists: []int64{l.ID}, Basis: comms.BasisExpress,
				How: "papier/souper", Wording: "J’accepte de recevoir l’infolettre."}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := f.s.CreateNewsletter(f.ctx, tid, 0, comms.NewsletterInput{Subject: "Nouvelles de novembre", Body: "Bonjour", ListID: strconv.FormatInt(l.ID, 10)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.RecordNewsletterSent(f.ctx, tid, n.ID); err != nil {
			t.Fatal(err)
		}
		st, err := f.s.CreateStory(f.ctx, tid, 0, comms.StoryInput{Kind: comms.StoryVolunteer, Title: "Nicole aux chaudrons",
			Summary: "Bénévole au souper.", Body: "Elle cuisine pour le souper.", PlaceSlug: "fortierville"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, storyConsent("Nicole Lemay", true, "")); err != nil {
			t.Fatal(err)
		}
		if err := f.s.PublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"Souper à Manseau", "Offre de bénévolat"} {
			it, err := f.s.CreateItem(f.ctx, tid, 0, comms.ItemInput{Channel: "facebook", Title: title, Day: "2026-11-03"})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.s.SetItemStatus(f.ctx, tid, it.ID, comms.ItemPublished); err != nil {
				t.Fatal(err)
			}
		}
		// In December, one person leaves.
		f.clock.Set(time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC))
		sub := testkit.Count(t, d, `SELECT id FROM comms_subscribers WHERE email = 'a@exemple.org'`)
		b, err := f.s.Subscriber(f.ctx, tid, int64(sub))
		if err != nil {
			t.Fatal(err)
		}
		tok, err := f.s.UnsubscribeToken(f.ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.Unsubscribe(f.ctx, tid, tok, "link"); err != nil {
			t.Fatal(err)
		}

		nov := indicator.Scope{TerritoryID: tid, From: time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)}
		dec := indicator.Scope{TerritoryID: tid, From: nov.To, To: time.Date(2027, 1, 1, 5, 0, 0, 0, time.UTC)}
		for _, c := range []struct {
			key  string
			sc   indicator.Scope
			want float64
		}{
			{comms.IndicatorSubscribers, nov, 3}, {comms.IndicatorSubscribers, dec, 2},
			{comms.IndicatorSubscribersGained, nov, 3}, {comms.IndicatorSubscribersGained, dec, 0},
			{comms.IndicatorNewslettersSent, nov, 1}, {comms.IndicatorNewslettersSent, dec, 0},
			{comms.IndicatorStoriesPublished, nov, 1}, {comms.IndicatorStoriesPublished, dec, 0},
			{comms.IndicatorItemsPublished, nov, 2}, {comms.IndicatorItemsPublished, dec, 0},
		} {
			got, err := f.s.Measure(f.ctx, c.key, c.sc)
			if err != nil || got != c.want {
				t.Errorf("%s from %s: %v, %v; want %v", c.key, c.sc.From.Format("2006-01-02"), got, err, c.want)
			}
		}
		// By place: the story of Fortierville counts there, not at Manseau.
		for place, want := range map[string]float64{"fortierville": 1, "manseau": 0} {
			sc := nov
			sc.PlaceSlug = place
			if got, err := f.s.Measure(f.ctx, comms.IndicatorStoriesPublished, sc); err != nil || got != want {
				t.Errorf("stories at %s: %v, %v; want %v", place, got, err, want)
			}
		}
		if _, err := f.s.Measure(f.ctx, "comms.nothing", nov); err != indicator.ErrUnknown {
			t.Errorf("an unknown key: %v", err)
		}
	})
}
