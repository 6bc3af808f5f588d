package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/survey"
	"implique/internal/testkit"
)

// surveyWave loads an instrument and opens a wave on it, as staff would.
func (e *env) surveyWave(t *testing.T, instrument, name string) survey.Wave {
	t.Helper()
	ctx := context.Background()
	qid, err := e.app.Surveys.LoadInstrument(ctx, e.territory.ID, instrument, 0)
	if err != nil {
		t.Fatal(err)
	}
	wid, err := e.app.Surveys.CreateWave(ctx, e.territory.ID, qid, survey.WaveInput{Name: name, Opens: "2026-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := e.app.Surveys.Wave(ctx, e.territory.ID, wid)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestBrowserJourneySurveyOnAPhone: a citizen finds the open questionnaire
// on a 360 px phone, sends it half-filled (clear messages, nothing kept),
// answers, and is thanked; a closed questionnaire says so — every page
// checked with axe.
func TestBrowserJourneySurveyOnAPhone(t *testing.T) {
	ctx := browsertest.New(t, browsertest.PhoneSize(360, 740))
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	w := e.surveyWave(t, "appartenance-solitude", "Portrait 2026")
	base := e.srv.URL

	browsertest.Visit(t, ctx, base+"/sondages", "sondages ouverts")
	shot(t, ctx, "80-sondages")
	browsertest.ClickAndWaitLoad(t, ctx, `a.button[href="/sondages/`+strconv.FormatInt(w.ID, 10)+`"]`)
	browsertest.CheckAccessibility(t, ctx, "questionnaire")
	shot(t, ctx, "81-questionnaire")
	if txt := browsertest.Text(t, ctx, ".sv-promise"); !strings.Contains(txt, "anonyme") {
		t.Errorf("the first page does not say the answers are anonymous: %q", txt)
	}

	// Half-filled: the problems are named, nothing is written.
	browsertest.Click(t, ctx, `input[name="q_appartenance"][value="plutot_fort"]`)
	if st := browsertest.Submit(t, ctx, `input[name="q_appartenance"]`); st != 422 {
		t.Fatalf("half-filled: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "questionnaire (erreurs)")
	shot(t, ctx, "82-questionnaire-erreurs")
	if msg := browsertest.Text(t, ctx, "#q_compagnie-err"); !strings.Contains(msg, "demande une réponse") {
		t.Errorf("error = %q", msg)
	}
	if n := testkit.Count(t, e.d, `SELECT COUNT(*) FROM survey_responses`); n != 0 {
		t.Fatalf("%d responses kept from a refused form", n)
	}

	// The answers typed are still there; the rest is filled in.
	browsertest.SetValue(t, ctx, "#q_lieu", "lemieux")
	for _, sel := range []string{`input[name="q_compagnie"][value="1"]`, `input[name="q_laisse_cote"][value="2"]`, `input[name="q_isole"][value="-"]`} {
		browsertest.Click(t, ctx, sel)
	}
	if st := browsertest.Submit(t, ctx, `input[name="q_isole"]`); st != 200 {
		t.Fatalf("answer: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "merci")
	shot(t, ctx, "83-merci")
	if n := testkit.Count(t, e.d, `SELECT COUNT(*) FROM survey_answers WHERE question = 'appartenance' AND choice = 'plutot_fort'`); n != 1 {
		t.Fatalf("the answer kept from the first try was lost: %d", n)
	}

	// A closed questionnaire says so.
	if err := e.app.Surveys.CloseWave(context.Background(), e.territory.ID, w.ID); err != nil {
		t.Fatal(err)
	}
	if st := browsertest.Navigate(t, ctx, base+"/sondages/"+strconv.FormatInt(w.ID, 10)); st != 410 {
		t.Fatalf("closed: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "questionnaire fermé")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "ne reçoit plus de réponses") {
		t.Errorf("closed page = %q", txt)
	}
}

// TestBrowserJourneySurveyPaperForms: staff type three paper forms with
// the keyboard, one screen each, then a fourth with a number already
// typed — refused, nothing written.
func TestBrowserJourneySurveyPaperForms(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	w := e.surveyWave(t, "appartenance-solitude", "Portrait 2026")
	e.user("anim@exemple.org", auth.RoleFacilitator)
	staffSignIn(t, ctx, e, "anim@exemple.org")
	wave := e.srv.URL + "/admin/vagues/" + strconv.FormatInt(w.ID, 10)

	browsertest.Visit(t, ctx, wave, "vague")
	shot(t, ctx, "84-vague")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href$="/papier"]`)
	browsertest.CheckAccessibility(t, ctx, "saisie papier")
	shot(t, ctx, "85-saisie-papier")
	for i, feel := range []string{"tres_fort", "plutot_faible", "tres_fort"} {
		browsertest.SetValue(t, ctx, "#paper_number", "P-000"+strconv.Itoa(i+1))
		browsertest.SetValue(t, ctx, "#q_lieu", "fortierville")
		for _, sel := range []string{`input[name="q_appartenance"][value="` + feel + `"]`, `input[name="q_compagnie"][value="1"]`,
			`input[name="q_laisse_cote"][value="1"]`, `input[name="q_isole"][value="2"]`} {
			browsertest.Click(t, ctx, sel)
		}
		if st := browsertest.Submit(t, ctx, "#paper_number"); st != 200 {
			t.Fatalf("form %d: status %d", i+1, st)
		}
		if f := browsertest.Text(t, ctx, ".flash"); !strings.Contains(f, "Formulaire enregistré") {
			t.Errorf("form %d: flash = %q", i+1, f)
		}
	}
	if help := browsertest.Text(t, ctx, "#paper_number-help"); !strings.Contains(help, "P-0004") {
		t.Errorf("next number = %q", help)
	}
	// The second form again: refused.
	browsertest.SetValue(t, ctx, "#paper_number", "P-0002")
	browsertest.SetValue(t, ctx, "#q_lieu", "fortierville")
	for _, sel := range []string{`input[name="q_appartenance"][value="tres_faible"]`, `input[name="q_compagnie"][value="3"]`,
		`input[name="q_laisse_cote"][value="3"]`, `input[name="q_isole"][value="3"]`} {
		browsertest.Click(t, ctx, sel)
	}
	if st := browsertest.Submit(t, ctx, "#paper_number"); st != 422 {
		t.Fatalf("duplicate: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "saisie papier (doublon)")
	shot(t, ctx, "86-saisie-papier-doublon")
	if msg := browsertest.Text(t, ctx, "#paper_number-err"); !strings.Contains(msg, "déjà été saisi") {
		t.Errorf("error = %q", msg)
	}
	if n := testkit.Count(t, e.d, `SELECT COUNT(*) FROM survey_responses`); n != 3 {
		t.Fatalf("%d responses, want 3", n)
	}
}

// TestBrowserJourneySurveyResults: staff read a wave's results (charts and
// tables), narrow them to a place too small to show, and compare two waves.
func TestBrowserJourneySurveyResults(t *testing.T) {
	ctx := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	first := e.surveyWave(t, "appartenance-solitude", "Portrait 2025")
	ctxb := context.Background()
	second, err := e.app.Surveys.CreateWave(ctxb, e.territory.ID, first.QuestionnaireID, survey.WaveInput{Name: "Suivi 2026", Opens: "2026-02-01"})
	if err != nil {
		t.Fatal(err)
	}
	answer := func(wave int64, place, feel string) {
		v := map[string][]string{"lieu": {place}, "appartenance": {feel}, "compagnie": {"1"}, "laisse_cote": {"2"}, "isole": {"2"}}
		if _, err := e.app.Surveys.Answer(ctxb, e.territory.ID, wave, survey.Respondent{Channel: survey.ChannelWeb},
			survey.Submission{Lang: "fr", Values: v}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 8 {
		answer(first.ID, "becancour-gentilly", []string{"plutot_faible", "plutot_fort"}[i%2])
		answer(second, "becancour-gentilly", []string{"tres_fort", "plutot_fort", "plutot_faible", "tres_fort"}[i%4])
	}
	answer(second, "lemieux", "tres_faible")
	e.user("anim@exemple.org", auth.RoleFacilitator)
	staffSignIn(t, ctx, e, "anim@exemple.org")
	results := e.srv.URL + "/admin/vagues/" + strconv.FormatInt(second, 10) + "/resultats"

	browsertest.Visit(t, ctx, results, "résultats")
	shot(t, ctx, "87-resultats")
	if txt := browsertest.Text(t, ctx, "#r-appartenance"); !strings.Contains(txt, "Très fort") || !strings.Contains(txt, "%") {
		t.Errorf("belonging = %q", txt)
	}
	browsertest.SetValue(t, ctx, "#lieu", "lemieux")
	if st := browsertest.Submit(t, ctx, "#lieu"); st != 200 {
		t.Fatalf("filter: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "résultats (Lemieux)")
	if txt := browsertest.Text(t, ctx, "#r-appartenance"); !strings.Contains(txt, "non affiché") || strings.Contains(txt, "Très fort") {
		t.Errorf("a group of one shows figures: %q", txt)
	}
	browsertest.Visit(t, ctx, results+"?comparer="+strconv.FormatInt(first.ID, 10), "comparaison")
	shot(t, ctx, "88-comparaison")
	if txt := browsertest.Text(t, ctx, "#comparaison + p + figure"); !strings.Contains(txt, "pts") {
		t.Errorf("comparison = %q", txt)
	}

	// The portrait carries the follow-up's belonging, with its source;
	// Lemieux's single answer shows no figure.
	browsertest.Visit(t, ctx, e.srv.URL+"/admin/portrait", "portrait (interne)")
	shot(t, ctx, "89-portrait")
	survey := browsertest.Text(t, ctx, `section[aria-labelledby="survey"]`)
	if !strings.Contains(survey, "appartenance") || !strings.Contains(survey, "Suivi 2026") || !strings.Contains(survey, "%") {
		t.Errorf("portrait's survey section = %q", survey)
	}
	browsertest.Visit(t, ctx, e.srv.URL+"/portrait?lieu=lemieux", "portrait de Lemieux")
	if txt := browsertest.Text(t, ctx, `section[aria-labelledby="survey"]`); !strings.Contains(txt, "non affiché") || strings.Contains(txt, "%") {
		t.Errorf("Lemieux's survey section = %q", txt)
	}
}
