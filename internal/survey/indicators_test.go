package survey_test

import (
	"context"
	"math"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/i18n"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/survey"
)

// TestSurveyIndicators reads belonging and loneliness over 2026 from the
// waves of the shipped instrument: a wave of October 2025 and one opened on
// 1 January 2027 never count; one opened in June 2026 and still open counts
// while 2026 is not over, and no longer once it is.
func TestSurveyIndicators(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		loc := f.t.Location()
		year := indicator.Scope{TerritoryID: f.t.ID, From: time.Date(2026, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2027, 1, 1, 0, 0, 0, 0, loc)}
		wave := func(at time.Time, qid int64, name, opens, closes string) survey.Wave {
			f.clock.Set(at)
			id, err := f.s.CreateWave(ctx, f.t.ID, qid, survey.WaveInput{Name: name, Opens: opens, Closes: closes})
			if err != nil {
				t.Fatal(err)
			}
			w, err := f.s.Wave(ctx, f.t.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		f.clock.Set(time.Date(2025, 10, 15, 15, 0, 0, 0, time.UTC))
		qid, err := f.s.LoadInstrument(ctx, f.t.ID, survey.BelongingInstrument, 0)
		if err != nil {
			t.Fatal(err)
		}
		// Another instrument's answers never count.
		other, err := f.s.LoadInstrument(ctx, f.t.ID, "profil-implication", 0)
		if err != nil {
			t.Fatal(err)
		}
		wave(time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC), other, "Profil 2026", "2026-03-01", "")

		// October 2025: six strong and not lonely.
		w0 := wave(time.Date(2025, 10, 15, 15, 0, 0, 0, time.UTC), qid, "Portrait 2025", "2025-10-01", "2025-10-31")
		for range 6 {
			f.belonging(t, w0, "becancour", "tres_fort", "1", "1", "1")
		}
		// June 2026, still open: five weak and lonely.
		w3 := wave(time.Date(2026, 6, 15, 15, 0, 0, 0, time.UTC), qid, "Été 2026", "2026-06-01", "")
		for range 5 {
			f.belonging(t, w3, "becancour-gentilly", "tres_faible", "3", "3", "3")
		}
		// November 2026: ten, four of them at Fortierville.
		w1 := wave(time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC), qid, "Portrait 2026", "2026-11-01", "2026-12-31")
		for range 4 {
			f.belonging(t, w1, "fortierville", "tres_fort", "1", "1", "2") // 4: not lonely
		}
		f.belonging(t, w1, "becancour-gentilly", "plutot_faible", "3", "3", "2") // 8
		f.belonging(t, w1, "becancour-gentilly", "tres_faible", "3", "2", "2")   // 7
		for range 3 {
			f.belonging(t, w1, "becancour-gentilly", "plutot_fort", "2", "2", "2") // 6: lonely
		}
		f.belonging(t, w1, "-", "plutot_fort", "1", "1", "1")

		check := func(when string, want map[string][4]float64) {
			t.Helper()
			for key, w := range want {
				for i, place := range []string{"", "becancour", "becancour-gentilly", "fortierville"} {
					sc := year
					sc.PlaceSlug = place
					got, err := f.s.Measure(ctx, key, sc)
					switch {
					case w[i] < 0:
						if err != indicator.ErrTooFew {
							t.Errorf("%s: %s at %q = %v, %v; want too few", when, key, place, got, err)
						}
					case err != nil || math.Abs(got-w[i]) > 1e-9:
						t.Errorf("%s: %s at %q = %v, %v; want %v", when, key, place, got, err, w[i])
					}
				}
			}
		}
		// In December 2026, the wave of June counts: 15 respondents.
		f.clock.Set(time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC))
		check("December", map[string][4]float64{
			survey.IndicatorBelonging:  {8 * 100.0 / 15, 3 * 100.0 / 10, 3 * 100.0 / 10, -1},
			survey.IndicatorLoneliness: {10 * 100.0 / 15, 100, 100, -1},
		})

		// January 2027: a new wave opens on the first day; the wave of June
		// was never closed, so its answers run past 2026.
		w2 := wave(time.Date(2027, 1, 5, 15, 0, 0, 0, time.UTC), qid, "Portrait 2027", "2027-01-01", "")
		for range 5 {
			f.belonging(t, w2, "becancour", "tres_faible", "3", "3", "3")
		}
		check("January", map[string][4]float64{
			survey.IndicatorBelonging:  {80, 60, 60, -1},
			survey.IndicatorLoneliness: {50, 100, 100, -1},
		})

		// Closed before the end of 2026, the wave of June counts again.
		f.clock.Set(time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC))
		if err := f.s.CloseWave(ctx, f.t.ID, w3.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(time.Date(2027, 1, 5, 15, 0, 0, 0, time.UTC))
		check("closed", map[string][4]float64{survey.IndicatorBelonging: {8 * 100.0 / 15, 30, 30, -1}})

		// Nobody answered at Manseau.
		sc := year
		sc.PlaceSlug = "manseau"
		if _, err := f.s.Measure(ctx, survey.IndicatorBelonging, sc); err != indicator.ErrTooFew {
			t.Errorf("Manseau: %v", err)
		}
		if _, err := f.s.Measure(ctx, "survey.nothing", year); err != indicator.ErrUnknown {
			t.Errorf("unknown key: %v", err)
		}
		cat := i18n.MustLoad()
		defs := f.s.Indicators()
		if len(defs) != 5 {
			t.Errorf("%d indicators", len(defs))
		}
		for _, def := range defs {
			if def.Unit != indicator.Percent || def.Stock || !def.Places {
				t.Errorf("%+v", def)
			}
			for _, lang := range []string{"fr", "en"} {
				for _, k := range []string{"indicator." + def.Key, "indicator." + def.Key + ".help"} {
					if cat[lang][k] == "" {
						t.Errorf("catalog %s has no %s", lang, k)
					}
				}
			}
		}
	})
}
