package tracking_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/testkit"
	"implique/internal/tracking"
)

func TestCampaignClicksAndLinks(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testkit.App(t, d, time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC))
		terr := testkit.Territory(t, a.Territories)
		s := a.Tracking
		l, err := s.Create(ctx, terr.ID, 0, tracking.Input{Target: "https://www.jebenevole.ca/", Campaign: "voisins-solidaires"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.Create(ctx, terr.ID, 0, tracking.Input{Target: "https://www.jebenevole.ca/", Campaign: "autre"})
		if err != nil {
			t.Fatal(err)
		}
		for _, day := range []int{1, 2, 2, 10} {
			at := time.Date(2026, 12, day, 12, 0, 0, 0, time.UTC)
			if err := s.Count(ctx, l.ID, at); err != nil {
				t.Fatal(err)
			}
			if err := s.Count(ctx, other.ID, at); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			from, to string
			want     int
		}{{"2026-12-01", "2026-12-02", 3}, {"2026-12-02", "2026-12-31", 3}, {"2026-11-01", "2026-11-30", 0}} {
			if n, err := s.CampaignClicks(ctx, terr.ID, "voisins-solidaires", c.from, c.to); err != nil || n != c.want {
				t.Errorf("CampaignClicks(%s..%s) = %d, %v; want %d", c.from, c.to, n, err, c.want)
			}
		}
		links, err := s.CampaignLinks(ctx, terr.ID, "voisins-solidaires")
		if err != nil || len(links) != 1 || links[0].ID != l.ID || links[0].Clicks != 4 {
			t.Fatalf("links %+v, %v", links, err)
		}
	})
}
