package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/survey"
	"implique/internal/testkit"
)

// openSurvey loads a shipped instrument and opens a wave on it through
// the staff's pages; it returns the questionnaire's and the wave's pages.
func openSurvey(t *testing.T, staff *client, instrument, wave string) (qPath, wPath string) {
	t.Helper()
	r := staff.post("/admin/sondages/instruments", url.Values{"instrument": {instrument}})
	expectStatus(t, r, http.StatusSeeOther)
	qPath = r.Header.Get("Location")
	r = staff.post(qPath+"/vagues", url.Values{"name": {wave}, "opens": {"2026-01-01"}})
	expectStatus(t, r, http.StatusSeeOther)
	return qPath, r.Header.Get("Location")
}

func waveID(t *testing.T, wPath string) string {
	t.Helper()
	return strings.TrimPrefix(wPath, "/admin/vagues/")
}

// belongingAnswer is a full answer to the belonging and loneliness instrument.
func belongingAnswer(place, feel string) url.Values {
	return url.Values{"q_lieu": {place}, "q_appartenance": {feel}, "q_compagnie": {"1"}, "q_laisse_cote": {"2"}, "q_isole": {"1"}}
}

func TestSurveyAnsweredOnThePublicPage(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@example.org", auth.RoleFacilitator)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		_, wPath := openSurvey(t, staff, "appartenance-solitude", "Portrait 2026")
		id := waveID(t, wPath)

		visitor := e.client(t)
		expectContains(t, visitor.get("/"), `<a href="/sondages">Sondages</a>`)
		r := visitor.get("/sondages")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Appartenance et solitude", `href="/sondages/`+id+`"`)
		r = visitor.get("/sondages/" + id)
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Ce questionnaire est anonyme", `<legend>`, "sentiment d’appartenance", `value="-"`, "Je préfère ne pas répondre")

		// Bad input: a choice that does not exist, required answers missing. Nothing is written.
		r = visitor.post("/sondages/"+id, url.Values{"q_lieu": {"atlantide"}, "q_appartenance": {"enorme"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Cette réponse ne fait pas partie des choix.", "Cette question demande une réponse.", `aria-invalid="true"`)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses`); n != 0 {
			t.Fatalf("%d responses written from a refused form", n)
		}
		r = visitor.post("/sondages/"+id, belongingAnswer("fortierville", "tres_fort"))
		expectStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/sondages/"+id+"/merci" {
			t.Fatalf("redirect to %q", loc)
		}
		expectContains(t, visitor.follow(r), "Vos réponses sont reçues")

		// English visitors read the English text.
		en := e.client(t)
		en.lang = "en"
		expectContains(t, en.get("/sondages/"+id), "How would you describe your sense of belonging", "I prefer not to answer")

		// A closed wave answers no more online.
		r = staff.post(wPath+"/fermer", url.Values{"confirm": {"1"}})
		expectStatus(t, r, http.StatusSeeOther)
		r = visitor.post("/sondages/"+id, belongingAnswer("fortierville", "tres_fort"))
		expectStatus(t, r, http.StatusGone)
		expectContains(t, r, "ne reçoit plus de réponses en ligne")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses`); n != 1 {
			t.Fatalf("%d responses, want 1", n)
		}
		// Its printed sheets stay with staff.
		r = staff.get("/sondages/" + id + "/questionnaire.pdf")
		expectStatus(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(r.body, "%PDF") {
			t.Errorf("questionnaire: %s", ct)
		}
		r = staff.get("/sondages/" + id + "/affiche.pdf")
		expectStatus(t, r, http.StatusOK)
		expectStatus(t, visitor.get("/sondages/"+id+"/affiche.pdf"), http.StatusGone)
	})
}

func TestSurveyPaperFormsAndResults(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@example.org", auth.RoleFacilitator)
		e.user("partenaire@example.org", auth.RolePartner)
		e.user("citoyen@example.org", auth.RoleCitizen)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		_, wPath := openSurvey(t, staff, "appartenance-solitude", "Portrait 2026")

		r := staff.get(wPath + "/papier")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, `id="paper_number"`, "autofocus", "Enregistrer et suivant")
		for i, feel := range []string{"tres_fort", "plutot_fort", "plutot_faible"} {
			form := belongingAnswer("manseau", feel)
			form.Set("paper_number", "P-000"+strconv.Itoa(i+1))
			r = staff.post(wPath+"/papier", form)
			expectStatus(t, r, http.StatusSeeOther)
			next := staff.follow(r)
			expectContains(t, next, "Formulaire enregistré", "P-000"+strconv.Itoa(i+2))
		}
		// The same paper twice: refused, nothing written.
		form := belongingAnswer("manseau", "tres_faible")
		form.Set("paper_number", "P-0002")
		r = staff.post(wPath+"/papier", form)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce numéro de formulaire a déjà été saisi")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses WHERE channel = 'paper'`); n != 3 {
			t.Fatalf("%d paper forms, want 3", n)
		}

		// Three answers: under the minimum of 5, no figure.
		res := wPath + "/resultats"
		r = staff.get(res)
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Moins de 5 réponses\u00a0: non affiché")
		if strings.Contains(r.body, "<svg") {
			t.Error("a chart is drawn for 3 answers")
		}
		for i, feel := range []string{"tres_fort", "tres_fort"} {
			form := belongingAnswer("fortierville", feel)
			form.Set("paper_number", "F-"+strconv.Itoa(i))
			expectStatus(t, staff.post(wPath+"/papier", form), http.StatusSeeOther)
		}
		r = staff.get(res)
		expectContains(t, r, "<svg", `role="img"`, "<table", "Très fort", "60\u00a0%")
		// Manseau alone is still too small.
		r = staff.get(res + "?lieu=manseau")
		expectContains(t, r, "Ce groupe compte moins de 5 réponses")

		// Results are for staff: partners read the headline figures, wave
		// by wave, on their dashboard; citizens are refused; visitors sign
		// in first.
		partner := e.client(t)
		partner.signIn("partenaire@example.org")
		for _, p := range []string{res, wPath, "/admin/sondages", wPath + "/export.csv"} {
			expectStatus(t, partner.get(p), http.StatusForbidden)
		}
		if strings.Contains(partner.get("/compte").body, `href="/admin/sondages"`) {
			t.Error("a partner's account links to the survey results")
		}
		board := partner.get("/partenaires")
		expectStatus(t, board, http.StatusOK)
		expectContains(t, board, "Les sondages, vague par vague", "Portrait 2026", "Sentiment d’appartenance", "80\u00a0% (5 réponses)")
		expectStatus(t, citizen0(t, e).get("/admin/sondages"), http.StatusForbidden)
		citizen := e.client(t)
		citizen.signIn("citoyen@example.org")
		expectStatus(t, citizen.get(res), http.StatusForbidden)
		expectStatus(t, e.client(t).get(res), http.StatusSeeOther)

		// Exports: CSV that French Excel opens, XLSX.
		r = staff.get(wPath + "/export.csv")
		expectStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.body, ";") || !strings.Contains(r.body, "Très fort") {
			t.Errorf("CSV: %s\n%.300s", r.Header.Get("Content-Type"), r.body)
		}
		r = staff.get(wPath + "/export.xlsx")
		expectStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.body, "PK") {
			t.Error("XLSX is not a zip")
		}

		// A paper form typed wrong is removed with a confirmation.
		forms, err := e.app.Surveys.PaperForms(context.Background(), e.territory.ID, mustID(t, waveID(t, wPath)))
		if err != nil {
			t.Fatal(err)
		}
		rm := wPath + "/papier/" + strconv.FormatInt(forms[0].ResponseID, 10) + "/retirer"
		expectStatus(t, staff.post(rm, url.Values{}), http.StatusUnprocessableEntity)
		expectStatus(t, staff.post(rm, url.Values{"confirm": {"1"}}), http.StatusSeeOther)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses`); n != 4 {
			t.Fatalf("%d responses after the removal, want 4", n)
		}
	})
}

// citizen0 is a signed-in citizen.
func citizen0(t *testing.T, e *env) *client {
	t.Helper()
	e.user("citoyenne@example.org", auth.RoleCitizen)
	c := e.client(t)
	c.signIn("citoyenne@example.org")
	return c
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSurveyPrivateLinkAndIdentified(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@example.org", auth.RoleFacilitator)
		e.user("club@example.org", auth.RoleCitizen)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		_, wPath := openSurvey(t, staff, "retour-evenement", "Soupers 2026")
		expectStatus(t, staff.post(wPath+"/liens", url.Values{"label": {"Comité des loisirs"}}), http.StatusSeeOther)
		page := staff.get(wPath)
		link := regexp.MustCompile(`/questionnaire/[A-Za-z0-9_-]+`).FindString(page.body)
		if link == "" {
			t.Fatalf("no private link on the wave's page")
		}
		visitor := e.client(t)
		expectStatus(t, visitor.get(link), http.StatusOK)
		good := url.Values{"q_nouvelles": {"oui"}, "q_combien": {"3"}, "q_agir": {"4"}, "q_satisfaction": {"9"}}
		expectStatus(t, visitor.post(link, good), http.StatusSeeOther)
		expectContains(t, visitor.get(link), "Votre réponse est reçue")
		r := visitor.post(link, good)
		expectStatus(t, r, http.StatusConflict)
		expectStatus(t, visitor.get("/questionnaire/inconnu"), http.StatusNotFound)

		// An identified questionnaire asks to sign in, then for consent.
		_, wOrg := openSurvey(t, staff, "besoins-organisations", "Besoins 2026")
		id := waveID(t, wOrg)
		r = visitor.get("/sondages/" + id)
		expectContains(t, r, "Ce questionnaire est nominatif", "/connexion?retour=")
		member := e.client(t)
		member.signIn("club@example.org")
		answer := url.Values{"q_organisation": {"Club de l’âge d’or"}, "q_lieu": {"lemieux"}, "q_manque": {"oui"}, "q_releve": {"2"}}
		r = member.post("/sondages/"+id, answer)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "cochez la case pour l’accepter")
		answer.Set("consent", "1")
		expectStatus(t, member.post("/sondages/"+id, answer), http.StatusSeeOther)
		expectContains(t, member.get("/sondages/"+id), "Vous avez déjà répondu à ce questionnaire")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses WHERE user_id IS NOT NULL AND consent_at IS NOT NULL`); n != 1 {
			t.Fatalf("%d identified responses with consent, want 1", n)
		}
	})
}

func TestSurveyEditor(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@example.org", auth.RoleFacilitator)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		r := staff.post("/admin/sondages", url.Values{"title_fr": {""}, "audience": {"citizens"}, "anonymous": {"1"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Écrivez ce texte en français")
		r = staff.post("/admin/sondages", url.Values{"title_fr": {"Transport à Lemieux"}, "audience": {"citizens"}, "anonymous": {"1"}})
		expectStatus(t, r, http.StatusSeeOther)
		q := r.Header.Get("Location")
		// A single choice with one choice is refused; the form comes back as typed.
		bad := url.Values{"section": {"0"}, "kind": {"single"}, "text_fr": {"Avez-vous une voiture ?"}, "choices": {"Oui"}}
		r = staff.post(q+"/questions/nouvelle", bad)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Donnez au moins deux choix de réponse.", "Avez-vous une voiture ?")
		bad.Set("choices", "Oui | Yes\nNon | No")
		expectStatus(t, staff.post(q+"/questions/nouvelle", bad), http.StatusSeeOther)
		r = staff.get(q)
		expectContains(t, r, "Avez-vous une voiture ?", "Oui · Non")
		expectStatus(t, staff.post(q+"/publier", url.Values{}), http.StatusSeeOther)
		qid := mustID(t, strings.TrimPrefix(q, "/admin/sondages/"))
		got, err := e.app.Surveys.Get(context.Background(), e.territory.ID, qid)
		if err != nil || got.Published == nil || got.Published.Def.Questions()[0].Choices[1].Code != "non" {
			t.Fatalf("published: %+v, %v", got.Published, err)
		}
		// Editing the published question makes a draft; its choices keep their codes.
		r = staff.post(q+"/questions/q1", url.Values{"kind": {"single"}, "text_fr": {"Avez-vous une auto ?"}, "choices": {"Oui | Yes\nNon, jamais | No, never"}})
		expectStatus(t, r, http.StatusSeeOther)
		got, _ = e.app.Surveys.Get(context.Background(), e.territory.ID, qid)
		if got.Draft == nil || got.Draft.Def.Questions()[0].Choices[1].Code != "non" || got.Published.Def.Questions()[0].Text.FR != "Avez-vous une voiture ?" {
			t.Fatalf("after the edit: draft %+v", got.Draft)
		}
		_ = survey.KindSingle
	})
}
