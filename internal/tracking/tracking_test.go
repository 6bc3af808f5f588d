package tracking_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/tracking"
)

func TestTrackedLinks(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testkit.App(t, d, time.Date(2026, 4, 20, 15, 0, 0, 0, time.UTC))
		ts, s := a.Territories, a.Tracking
		terr := testkit.Territory(t, ts)

		_, err := s.Create(ctx, terr.ID, 0, tracking.Input{Target: "javascript:alert(1)", Campaign: " ", PlaceSlug: "paris"})
		e, ok := errs.As(err)
		if !ok || e.Fields["target"] == "" || e.Fields["campaign"] == "" || e.Fields["place"] == "" {
			t.Fatalf("bad input: %v", err)
		}
		l, err := s.Create(ctx, terr.ID, 0, tracking.Input{Target: "www.jebenevole.ca/fr/centre/becancour",
			Campaign: "Semaine de l’action bénévole 2026", PlaceSlug: "manseau", Label: "Affiche à l’épicerie"})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Code) != 6 || l.Target != "https://www.jebenevole.ca/fr/centre/becancour" || !l.Jebenevole() ||
			l.Campaign != "semaine-de-l-action-benevole-2026" || l.PlaceName != "Manseau" {
			t.Errorf("link %+v", l)
		}
		other, err := s.Create(ctx, terr.ID, 0, tracking.Input{Target: "https://www.facebook.com/cabbecancour", Campaign: "reseaux-sociaux"})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := s.Follow(ctx, terr.ID, l.Code, true); err != nil {
				t.Fatal(err)
			}
		}
		a.Clock.Set(a.Clock.Now().AddDate(0, 1, 0))
		target, err := s.Follow(ctx, terr.ID, " "+l.Code+" ", true)
		if err != nil || target != l.Target {
			t.Errorf("follow %q %v", target, err)
		}
		if _, err := s.Follow(ctx, terr.ID, other.Code, false); err != nil { // a preview: not counted
			t.Fatal(err)
		}
		if _, err := s.Follow(ctx, terr.ID, "zzzzzz", true); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown code: %v", err)
		}
		// Another territory does not follow this territory's codes.
		nic, err := ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Follow(ctx, nic.ID, l.Code, true); !errs.Is(err, errs.NotFound) {
			t.Errorf("other territory: %v", err)
		}
		got, _ := s.Get(ctx, terr.ID, l.ID)
		if got.Clicks != 4 || got.RecentClicks != 1 {
			t.Errorf("counts %d / %d", got.Clicks, got.RecentClicks)
		}
		r, err := s.Report(ctx, terr.ID, "2026-01-01", "2026-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != 4 || r.Jebenevole != 4 || len(r.JebenevoleByMonth) != 2 || r.JebenevoleByMonth[0].Key != "2026-04" ||
			r.JebenevoleByMonth[0].Clicks != 3 || len(r.ByPlace) != 1 || r.ByPlace[0].Name != "Manseau" || r.ByCampaign[0].Clicks != 4 {
			t.Errorf("report %+v", r)
		}
		// Ensure finds the same link again.
		e1, err := s.Ensure(ctx, terr.ID, tracking.Input{Target: "https://www.jebenevole.ca/offre/1", Campaign: "fiche-offre", PlaceSlug: "manseau"})
		if err != nil {
			t.Fatal(err)
		}
		e2, _ := s.Ensure(ctx, terr.ID, tracking.Input{Target: "https://www.jebenevole.ca/offre/1", Campaign: "fiche-offre", PlaceSlug: "manseau"})
		if e1.ID != e2.ID {
			t.Errorf("Ensure made two links: %d %d", e1.ID, e2.ID)
		}
		// Archived: out of the way, still redirecting (posters are printed).
		if err := s.Archive(ctx, terr.ID, l.ID, true); err != nil {
			t.Fatal(err)
		}
		list, _ := s.List(ctx, terr.ID)
		if len(list) != 3 || list[2].ID != l.ID || !list[2].Archived {
			t.Errorf("list %+v", list)
		}
		if _, err := s.Follow(ctx, terr.ID, l.Code, true); err != nil {
			t.Errorf("archived link no longer redirects: %v", err)
		}
	})
}

func TestTrackedLinkToLocalhost(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testkit.App(t, d, time.Date(2026, 4, 20, 15, 0, 0, 0, time.UTC))
		s, terr := a.Tracking, testkit.Territory(t, a.Territories)
		// The product's own pages on a single computer (a demonstration at
		// localhost) may be promoted; a host without a dot otherwise may not.
		if _, err := s.Create(ctx, terr.ID, 0, tracking.Input{Target: "http://localhost:8080/evenements/souper", Campaign: "demo"}); err != nil {
			t.Errorf("a page of the product at localhost: %v", err)
		}
		if _, err := s.Create(ctx, terr.ID, 0, tracking.Input{Target: "http://intranet/page", Campaign: "demo"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("a host without a dot: %v, want refused", err)
		}
	})
}
