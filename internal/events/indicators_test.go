package events_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// TestIndicators measures the events' indicators over October 2026 on
// activities whose counts are plain: in the period, just before it, at its
// end, in a ville's secteurs and elsewhere.
func TestIndicators(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		from := time.Date(2026, 10, 1, 4, 0, 0, 0, time.UTC)
		to := time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)
		// held creates an activity that started at start, welcomes the
		// people walking in (by e-mail and phone) and closes it with
		// attendance (nil: left open).
		held := func(kind events.Kind, place string, start time.Time, attendance *int, people ...[2]string) events.Event {
			t.Helper()
			ev, err := f.s.Create(ctx, f.t.ID, 0, events.Input{Kind: kind, Title: "Activité", PlaceSlug: place,
				VenueName: "Salle municipale", StartsAt: start, EndsAt: start.Add(2 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range people {
				if _, err := f.s.RegisterByStaff(ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: "Personne", Email: p[0],
					Phone: p[1], PartySize: 1}, events.SourceWalkIn); err != nil {
					t.Fatal(err)
				}
			}
			if attendance != nil {
				if ev, err = f.s.Close(ctx, f.t.ID, ev.ID, events.Report{Attendance: attendance}); err != nil {
					t.Fatal(err)
				}
			}
			return ev
		}
		a, b := [2]string{"a@exemple.org", ""}, [2]string{"b@exemple.org", ""}
		c, dBoth, dPhone := [2]string{"c@exemple.org", ""}, [2]string{"d@exemple.org", "819 555-0101"}, [2]string{"", "819 555-0101"}
		oct := func(day, hour int) time.Time { return time.Date(2026, 10, day, hour, 0, 0, 0, time.UTC) }
		held(events.CitizenDinner, "fortierville", oct(10, 22), testkit.Ptr(12), a, b)
		held(events.CitizenDinner, "becancour-gentilly", oct(20, 22), testkit.Ptr(20), a)
		held(events.CitizenDinner, "becancour-precieux-sang", oct(25, 22), testkit.Ptr(5))
		held(events.CitizenDinner, "fortierville", to, testkit.Ptr(7), b)                       // at To: the next period
		held(events.CitizenDinner, "manseau", from.Add(-time.Minute), testkit.Ptr(9), c, dBoth) // just before From
		held(events.Workshop, "fortierville", oct(15, 18), testkit.Ptr(4), c, dPhone)
		held(events.CitizenDinner, "lemieux", oct(12, 22), nil) // not closed: not held
		gone := held(events.CitizenDinner, "lemieux", oct(13, 22), nil, b)
		if err := f.s.Cancel(ctx, f.t.ID, gone.ID, "Tempête"); err != nil {
			t.Fatal(err)
		}

		cat := i18n.MustLoad()
		defs := f.s.Indicators()
		if len(defs) != 4 {
			t.Fatalf("%d indicators, want 4", len(defs))
		}
		for _, def := range defs {
			if !def.Unit.Valid() {
				t.Errorf("%s: unit %q", def.Key, def.Unit)
			}
			for _, lang := range []string{"fr", "en"} {
				for _, k := range []string{"indicator." + def.Key, "indicator." + def.Key + ".help"} {
					if cat[lang][k] == "" {
						t.Errorf("%s: no %s text for %s", def.Key, lang, k)
					}
				}
			}
		}
		for _, tc := range []struct {
			key, place string
			want       float64
		}{
			{"events.dinners_held", "", 3},
			{"events.dinners_held", "fortierville", 1},
			{"events.dinners_held", "becancour", 2},
			{"events.dinners_held", "becancour-gentilly", 1},
			{"events.dinners_held", "manseau", 0},
			{"events.dinners_held", "lemieux", 0},
			{"events.municipalities_reached", "", 2},
			{"events.people_came", "", 41},
			{"events.people_came", "fortierville", 16},
			{"events.people_came", "becancour", 25},
			{"events.people_came", "manseau", 0},
			// a came twice in October, c and d (known by the phone at the
			// workshop) in September then in October; b's second souper
			// is in November.
			{"events.people_returned", "", 3},
			{"events.people_returned", "fortierville", 3},
			{"events.people_returned", "becancour", 1},
			{"events.people_returned", "becancour-precieux-sang", 0},
			{"events.people_returned", "manseau", 0},
		} {
			got, err := f.s.Measure(ctx, tc.key, indicator.Scope{TerritoryID: f.t.ID, PlaceSlug: tc.place, From: from, To: to})
			if err != nil {
				t.Fatalf("%s %q: %v", tc.key, tc.place, err)
			}
			if got != tc.want {
				t.Errorf("%s %q = %v, want %v", tc.key, tc.place, got, tc.want)
			}
		}
		// November holds the souper at To and b's return.
		nov := indicator.Scope{TerritoryID: f.t.ID, From: to, To: to.AddDate(0, 1, 0)}
		for key, want := range map[string]float64{"events.dinners_held": 1, "events.people_came": 7, "events.people_returned": 1} {
			if got, err := f.s.Measure(ctx, key, nov); err != nil || got != want {
				t.Errorf("%s in November = %v, %v; want %v", key, got, err, want)
			}
		}
		_, err := f.s.Measure(ctx, "events.municipalities_reached", indicator.Scope{TerritoryID: f.t.ID, PlaceSlug: "becancour", From: from, To: to})
		testkit.WantError(t, err, errs.NotFound, "indicator.unknown")
		_, err = f.s.Measure(ctx, "events.nothing", indicator.Scope{TerritoryID: f.t.ID, From: from, To: to})
		testkit.WantError(t, err, errs.NotFound, "indicator.unknown")
	})
}
