package tracking_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/indicator"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/tracking"
)

// TestIndicators counts the clicks toward jebénévole.ca in October 2026
// (the territory's days): the last day of September and the first of
// November stay out, other sites and other territories too.
func TestIndicators(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testkit.App(t, d, time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
		s := a.Tracking
		terr := testkit.Territory(t, a.Territories)
		loc := terr.Location()
		link := func(territoryID int64, target string) tracking.Link {
			t.Helper()
			l, err := s.Create(ctx, territoryID, 0, tracking.Input{Target: target, Campaign: "affiches"})
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		clicks := func(l tracking.Link, month time.Month, day, n int) {
			t.Helper()
			for range n {
				if err := s.Count(ctx, l.ID, time.Date(2026, month, day, 12, 0, 0, 0, loc)); err != nil {
					t.Fatal(err)
				}
			}
		}
		jeb := link(terr.ID, "https://jebenevole.ca/fr/centre/becancour")
		www := link(terr.ID, "https://www.jebenevole.ca/fr/recherche")
		other := link(terr.ID, "https://benevoles.exemple.org/")
		clicks(jeb, time.September, 30, 1)
		clicks(jeb, time.October, 1, 2)
		clicks(jeb, time.October, 31, 3)
		clicks(jeb, time.November, 1, 4)
		clicks(www, time.October, 15, 5)
		clicks(other, time.October, 15, 6)
		if err := s.Archive(ctx, terr.ID, www.ID, true); err != nil { // archived, its clicks still count
			t.Fatal(err)
		}
		nic, err := a.Territories.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
		if err != nil {
			t.Fatal(err)
		}
		clicks(link(nic.ID, "https://www.jebenevole.ca/"), time.October, 15, 7)

		cat := i18n.MustLoad()
		defs := s.Indicators()
		if len(defs) != 1 || defs[0].Places || defs[0].People || defs[0].Stock {
			t.Fatalf("definitions %+v", defs)
		}
		for _, lang := range []string{"fr", "en"} {
			for _, k := range []string{"indicator." + defs[0].Key, "indicator." + defs[0].Key + ".help"} {
				if cat[lang][k] == "" {
					t.Errorf("no %s text for %s", lang, k)
				}
			}
		}
		oct1, nov1 := time.Date(2026, 10, 1, 0, 0, 0, 0, loc), time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
		for _, tc := range []struct {
			from, to time.Time
			want     float64
		}{
			{oct1, nov1, 10},
			{oct1.Add(time.Hour), nov1, 8},    // 1 October begins before From
			{oct1, nov1.Add(time.Hour), 14},   // 1 November begins before To
			{nov1, nov1.AddDate(0, 1, 0), 4},  // November
			{oct1.AddDate(0, -1, 0), oct1, 1}, // September
			{oct1.UTC(), nov1.UTC(), 10},      // the same instants, read in UTC
		} {
			got, err := s.Measure(ctx, "tracking.jebenevole_clicks", indicator.Scope{TerritoryID: terr.ID, From: tc.from, To: tc.to})
			if err != nil || got != tc.want {
				t.Errorf("clicks [%s, %s) = %v, %v; want %v", tc.from, tc.to, got, err, tc.want)
			}
		}
		_, err = s.Measure(ctx, "tracking.jebenevole_clicks", indicator.Scope{TerritoryID: terr.ID, PlaceSlug: "manseau", From: oct1, To: nov1})
		testkit.WantError(t, err, errs.NotFound, "indicator.unknown")
		_, err = s.Measure(ctx, "tracking.nothing", indicator.Scope{TerritoryID: terr.ID, From: oct1, To: nov1})
		testkit.WantError(t, err, errs.NotFound, "indicator.unknown")
	})
}
