package survey_test

import (
	"context"
	"math"
	"testing"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/survey"
	"implique/internal/territory"
	"implique/internal/testkit"
)

func day(t testing.TB, s string) calendar.Date {
	t.Helper()
	d, ok := calendar.Parse(s)
	if !ok {
		t.Fatalf("day %q", s)
	}
	return d
}

// evaluation returns the wave of an instrument, failing the test on an error.
func (f *fixture) evaluation(t testing.TB, instrument, name, opens string) survey.Wave {
	t.Helper()
	w, err := f.s.EvaluationWave(context.Background(), f.t.ID, instrument, name, day(t, opens), 0)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// review answers the end-of-cohort evaluation once.
func (f *fixture) review(t *testing.T, w survey.Wave, learned, act, rating, recommend string) {
	t.Helper()
	v := vals("appris", learned, "agir", act, "satisfaction", rating, "recommander", recommend)
	if _, err := f.s.Answer(context.Background(), f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelWeb},
		survey.Submission{Lang: "fr", Values: v}); err != nil {
		t.Fatal(err)
	}
}

func TestEvaluationWave(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		// The first call loads the instrument, published, and opens the wave.
		w := f.evaluation(t, survey.SessionInstrument, "Cohorte automne 2026 — séances", "2026-11-20")
		if w.Name != "Cohorte automne 2026 — séances" || w.Opens != day(t, "2026-11-20") || !w.Closes.IsZero() || w.ClosedAt != nil {
			t.Fatalf("wave %+v", w)
		}
		q, err := f.s.Get(ctx, f.t.ID, w.QuestionnaireID)
		if err != nil {
			t.Fatal(err)
		}
		if q.Instrument != survey.SessionInstrument || q.Published == nil || q.Draft != nil || !q.Anonymous ||
			q.Audience != survey.AudienceAttendees || q.Source == "" || q.Title("fr") != "Votre avis sur la séance" {
			t.Fatalf("questionnaire %+v", q)
		}
		// Called again, the same wave, nothing new.
		again := f.evaluation(t, survey.SessionInstrument, " Cohorte automne 2026 — séances ", "2026-11-27")
		if again.ID != w.ID || again.Opens != w.Opens {
			t.Fatalf("again: %+v, first %+v", again, w)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_questionnaires WHERE instrument = ?`, survey.SessionInstrument); n != 1 {
			t.Errorf("%d questionnaires", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_waves`); n != 1 {
			t.Errorf("%d waves", n)
		}
		// Another cohort: another wave of the same questionnaire.
		w2 := f.evaluation(t, survey.SessionInstrument, "Cohorte hiver 2027 — séances", "2027-01-15")
		if w2.ID == w.ID || w2.QuestionnaireID != w.QuestionnaireID {
			t.Errorf("second cohort %+v", w2)
		}
		// The wave takes the session's answers.
		if _, err := f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelWeb}, survey.Submission{
			Values: vals("utile", "5", "claire", "4", "satisfaction", "9")}); err != nil {
			t.Fatal(err)
		}

		// A questionnaire loaded before is the one used; a copy counts once published.
		f.clock.Advance(time.Hour)
		loaded, err := f.s.LoadInstrument(ctx, f.t.ID, survey.ReviewInstrument, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r := f.evaluation(t, survey.ReviewInstrument, "Cohorte automne 2026 — bilan", "2026-12-18"); r.QuestionnaireID != loaded {
			t.Errorf("review on questionnaire %d, want the loaded %d", r.QuestionnaireID, loaded)
		}
		f.clock.Advance(time.Hour)
		copied, err := f.s.Copy(ctx, f.t.ID, loaded, "fr", 0)
		if err != nil {
			t.Fatal(err)
		}
		if r := f.evaluation(t, survey.ReviewInstrument, "Cohorte hiver 2027 — bilan", "2027-03-01"); r.QuestionnaireID != loaded {
			t.Errorf("a draft copy was used: %d", r.QuestionnaireID)
		}
		if err := f.s.Publish(ctx, f.t.ID, copied); err != nil {
			t.Fatal(err)
		}
		if r := f.evaluation(t, survey.ReviewInstrument, "Cohorte printemps 2027 — bilan", "2027-05-01"); r.QuestionnaireID != copied {
			t.Errorf("review on questionnaire %d, want the published copy %d", r.QuestionnaireID, copied)
		}

		// Refusals: an unknown instrument, no name, no day.
		before := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_questionnaires`)
		_, err = f.s.EvaluationWave(ctx, f.t.ID, "formation-inconnue", "Cohorte", day(t, "2026-11-20"), 0)
		testkit.WantError(t, err, errs.NotFound, "errors.survey_instrument_not_found")
		_, err = f.s.EvaluationWave(ctx, f.t.ID, survey.ReviewInstrument, "  ", calendar.Date{}, 0)
		testkit.WantFields(t, err, "name", "opens")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_questionnaires`); n != before {
			t.Errorf("%d questionnaires after the refusals, want %d", n, before)
		}
	})
}

func TestFilterWaves(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a := f.evaluation(t, survey.ReviewInstrument, "Cohorte A — bilan", "2026-11-01")
		b := f.evaluation(t, survey.ReviewInstrument, "Cohorte B — bilan", "2026-11-10")
		for range 3 {
			f.review(t, a, "5", "4", "9", "oui")
		}
		f.review(t, b, "2", "4", "6", "non")
		f.review(t, b, "4", "3", "8", "oui")
		// Each cohort alone is under the minimum (5).
		r, err := f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if r.Responses != 3 || !r.Suppressed {
			t.Fatalf("cohort A alone: %d responses, suppressed %v", r.Responses, r.Suppressed)
		}
		// Together (a wave named twice counts once), the program's figures.
		r, err = f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: a.ID, Waves: []int64{b.ID, a.ID, b.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Responses != 5 || r.Suppressed {
			t.Fatalf("together: %d responses, suppressed %v", r.Responses, r.Suppressed)
		}
		learned := r.Questions[0]
		got := map[string]int{}
		for _, o := range learned.Options {
			got[o.Code] = o.Count
		}
		if learned.Question.Code != "appris" || learned.N != 5 || got["5"] != 3 || got["4"] != 1 || got["2"] != 1 {
			t.Errorf("learned: n %d, %v", learned.N, got)
		}
		// Compared: cohort A, then both.
		cmp, err := f.s.Compare(ctx, f.t.ID, survey.Filter{WaveID: a.ID}, survey.Filter{WaveID: b.ID, Waves: []int64{a.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if len(cmp) == 0 || cmp[0].Question.Code != "appris" || cmp[0].NA != 3 || cmp[0].NB != 5 || !cmp[0].Suppressed {
			t.Errorf("compared: %+v", cmp)
		}

		// A wave of another questionnaire, of another territory, or none at all is refused.
		other := f.evaluation(t, survey.SessionInstrument, "Cohorte A — séances", "2026-11-01")
		nic, err := f.a.Territories.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
		if err != nil {
			t.Fatal(err)
		}
		far, err := f.s.EvaluationWave(ctx, nic.ID, survey.ReviewInstrument, "Cohorte A — bilan", day(t, "2026-11-01"), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{other.ID, far.ID, 999999} {
			_, err := f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: a.ID, Waves: []int64{b.ID, id}})
			testkit.WantError(t, err, errs.Invalid, "errors.survey_waves_other")
			_, err = f.s.Compare(ctx, f.t.ID, survey.Filter{WaveID: a.ID}, survey.Filter{WaveID: b.ID, Waves: []int64{id}})
			testkit.WantError(t, err, errs.Invalid, "errors.survey_waves_other")
		}
	})
}

// TestTrainingIndicators reads the end-of-cohort evaluations of 2026: two
// cohorts' waves together (ten respondents), while the answers to another
// instrument asking the same question never count.
func TestTrainingIndicators(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		loc := f.t.Location()
		year := indicator.Scope{TerritoryID: f.t.ID, From: time.Date(2026, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2027, 1, 1, 0, 0, 0, 0, loc)}
		a := f.evaluation(t, survey.ReviewInstrument, "Cohorte A — bilan", "2026-11-01")
		b := f.evaluation(t, survey.ReviewInstrument, "Cohorte B — bilan", "2026-11-15")
		// Learned: 7 of 10 agree; will act: 5 of 10; satisfied (8 to 10): 4 of 10.
		for range 3 {
			f.review(t, a, "5", "5", "10", "oui")
		}
		f.review(t, a, "4", "4", "8", "oui")
		f.review(t, a, "4", "4", "7", "oui")
		f.review(t, a, "4", "3", "7", "non")
		for range 3 {
			f.review(t, b, "2", "2", "5", "non")
		}
		f.review(t, b, "4", "3", "6", "oui")
		// The event feedback asks « agir » too: it is another instrument.
		_, ev := f.loaded(t, "retour-evenement", "Soupers 2026")
		for range 5 {
			if _, err := f.s.Answer(ctx, f.t.ID, ev.ID, survey.Respondent{Channel: survey.ChannelWeb}, survey.Submission{
				Values: vals("nouvelles", "non", "agir", "5", "satisfaction", "10")}); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Set(time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC))
		for key, want := range map[string]float64{
			survey.IndicatorTrainingLearned:   70,
			survey.IndicatorTrainingWillAct:   50,
			survey.IndicatorTrainingSatisfied: 40,
		} {
			got, err := f.s.Measure(ctx, key, year)
			if err != nil || math.Abs(got-want) > 1e-9 {
				t.Errorf("%s = %v, %v; want %v", key, got, err, want)
			}
			// Answered on the web, the reviews name no place.
			sc := year
			sc.PlaceSlug = "becancour"
			if _, err := f.s.Measure(ctx, key, sc); err != indicator.ErrTooFew {
				t.Errorf("%s at Bécancour: %v, want too few", key, err)
			}
			// Still open in 2027, the waves' answers run past 2026.
			f.clock.Set(time.Date(2027, 1, 5, 15, 0, 0, 0, time.UTC))
			if _, err := f.s.Measure(ctx, key, year); err != indicator.ErrTooFew {
				t.Errorf("%s in 2027: %v, want too few", key, err)
			}
			f.clock.Set(time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC))
		}
	})
}

// TestEvaluationWaveAtOnce: several calls at once make one questionnaire and one wave.
func TestEvaluationWaveAtOnce(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		const n = 4
		ids := make(chan int64, n)
		fail := make(chan error, n)
		for range n {
			go func() {
				w, err := f.s.EvaluationWave(context.Background(), f.t.ID, survey.ReviewInstrument, "Cohorte A — bilan", day(t, "2026-11-01"), 0)
				if err != nil {
					fail <- err
					return
				}
				ids <- w.ID
			}()
		}
		seen := map[int64]bool{}
		for range n {
			select {
			case id := <-ids:
				seen[id] = true
			case err := <-fail:
				t.Fatal(err)
			}
		}
		if len(seen) != 1 || testkit.Count(t, d, `SELECT COUNT(*) FROM survey_questionnaires`) != 1 ||
			testkit.Count(t, d, `SELECT COUNT(*) FROM survey_waves`) != 1 {
			t.Errorf("waves %v, %d questionnaires", seen, testkit.Count(t, d, `SELECT COUNT(*) FROM survey_questionnaires`))
		}
	})
}
