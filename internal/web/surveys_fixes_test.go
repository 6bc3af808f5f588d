package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/survey"
	"implique/internal/testkit"
)

// privateLink makes a private link on a wave's page and returns its address.
func privateLink(t *testing.T, staff *client, wPath, label string) string {
	t.Helper()
	before := regexp.MustCompile(`/questionnaire/[A-Za-z0-9_-]+`).FindAllString(staff.get(wPath).body, -1)
	expectStatus(t, staff.post(wPath+"/liens", url.Values{"label": {label}}), http.StatusSeeOther)
	all := regexp.MustCompile(`/questionnaire/[A-Za-z0-9_-]+`).FindAllString(staff.get(wPath).body, -1)
	if len(all) != len(before)+1 {
		t.Fatalf("%d private links on the wave's page, want %d", len(all), len(before)+1)
	}
	for _, l := range all {
		if !strings.Contains(strings.Join(before, " "), l) {
			return l
		}
	}
	t.Fatalf("no new private link")
	return ""
}

func TestSurveyLinkToAClosedWaveSaysSoAtOnce(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@example.org", auth.RoleFacilitator)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		_, wPath := openSurvey(t, staff, "retour-evenement", "Soupers 2026")
		unused := privateLink(t, staff, wPath, "Comité des loisirs")
		used := privateLink(t, staff, wPath, "Club de l’âge d’or")
		visitor := e.client(t)
		good := url.Values{"q_nouvelles": {"oui"}, "q_combien": {"3"}, "q_agir": {"4"}, "q_satisfaction": {"9"}}
		expectStatus(t, visitor.post(used, good), http.StatusSeeOther)
		expectStatus(t, staff.post(wPath+"/fermer", url.Values{"confirm": {"1"}}), http.StatusSeeOther)

		// The same answer as the public page, before anything is typed.
		public := visitor.get("/sondages/" + waveID(t, wPath))
		expectStatus(t, public, http.StatusGone)
		r := visitor.get(unused)
		expectStatus(t, r, http.StatusGone)
		expectContains(t, r, "Ce questionnaire ne reçoit plus de réponses en ligne.")
		if strings.Contains(r.body, `name="q_satisfaction"`) {
			t.Errorf("a closed wave's link shows a form to fill")
		}
		expectStatus(t, visitor.post(unused, good), http.StatusGone)
		// A link already used still thanks its respondent.
		expectContains(t, visitor.get(used), "Votre réponse est reçue")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses`); n != 1 {
			t.Fatalf("%d responses, want 1", n)
		}
	})
}

func TestSurveyIdentifiedLinkIsThePersonsAnswer(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@example.org", auth.RoleFacilitator)
		e.user("club@example.org", auth.RoleCitizen)
		e.user("fermiere@example.org", auth.RoleCitizen)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		_, wPath := openSurvey(t, staff, "besoins-organisations", "Besoins 2026")
		id := waveID(t, wPath)
		answer := url.Values{"q_organisation": {"Club de l’âge d’or"}, "q_lieu": {"lemieux"}, "q_manque": {"oui"}, "q_releve": {"2"},
			"consent": {"1"}}

		// Answered on the public page, then through a private link: refused.
		member := e.client(t)
		member.signIn("club@example.org")
		expectStatus(t, member.post("/sondages/"+id, answer), http.StatusSeeOther)
		link := privateLink(t, staff, wPath, "Club de l’âge d’or")
		expectContains(t, member.get(link), "Vous avez déjà répondu à ce questionnaire")
		r := member.post(link, answer)
		expectStatus(t, r, http.StatusConflict)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses`); n != 1 {
			t.Fatalf("%d responses, want 1", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_invitations WHERE used`); n != 0 {
			t.Fatalf("the refused answer used the link")
		}

		// Answered through a link, then on the public page: refused too.
		other := e.client(t)
		other.signIn("fermiere@example.org")
		answer.Set("q_organisation", "Cercle de fermières")
		expectStatus(t, other.post(link, answer), http.StatusSeeOther)
		expectContains(t, other.get("/sondages/"+id), "Vous avez déjà répondu à ce questionnaire")
		expectStatus(t, other.post("/sondages/"+id, answer), http.StatusConflict)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses r JOIN users u ON u.id = r.user_id
			WHERE u.email IN ('club@example.org', 'fermiere@example.org')`); n != 2 {
			t.Fatalf("%d responses kept with their person, want 2", n)
		}
	})
}

// pdfText is the text of a PDF by pdftotext, when the machine has it.
func pdfText(t *testing.T, pdf string) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Log("pdftotext not found: the PDF's text is not checked")
		return "", false
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out), true
}

func TestSurveyDraftPrints(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@example.org", auth.RoleFacilitator)
		e.user("citoyenne@example.org", auth.RoleCitizen)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		r := staff.post("/admin/sondages", url.Values{"title_fr": {"Transport à Lemieux"}, "audience": {"citizens"}, "anonymous": {"1"}})
		expectStatus(t, r, http.StatusSeeOther)
		q := r.Header.Get("Location")
		for _, text := range []string{"Avez-vous une voiture ?", "Combien de déplacements par semaine ?"} {
			kind := "single"
			if strings.HasPrefix(text, "Combien") {
				kind = "number"
			}
			r = staff.post(q+"/questions/nouvelle", url.Values{"section": {"0"}, "kind": {kind}, "text_fr": {text}, "choices": {"Oui | Yes\nNon | No"}})
			expectStatus(t, r, http.StatusSeeOther)
		}
		// A draft with no wave: the editor links to its printable form.
		expectContains(t, staff.get(q), `href="`+q+`/questionnaire.pdf"`, "Brouillon à imprimer (PDF)")
		r = staff.get(q + "/questionnaire.pdf")
		expectStatus(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(r.body, "%PDF") {
			t.Fatalf("questionnaire: %s", ct)
		}
		if text, ok := pdfText(t, r.body); ok {
			first, second := strings.Index(text, "voiture"), strings.Index(text, "déplacements")
			if !strings.Contains(text, "Transport à Lemieux") || first < 0 || second < first {
				t.Errorf("the printed draft lacks its title or questions in order:\n%s", text)
			}
		}
		// Only staff print a questionnaire that takes no answers.
		citizen := e.client(t)
		citizen.signIn("citoyenne@example.org")
		if r := citizen.get(q + "/questionnaire.pdf"); r.StatusCode == http.StatusOK {
			t.Errorf("a citizen printed a draft")
		}
	})
}

func TestSurveyTypedAnswersArePaged(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@example.org", auth.RoleFacilitator)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		_, wPath := openSurvey(t, staff, "retour-evenement", "Soupers 2026")
		wid := mustID(t, waveID(t, wPath))
		for i := 1; i <= 60; i++ {
			v := map[string][]string{"nouvelles": {"non"}, "agir": {"3"}, "satisfaction": {"7"}, "commentaires": {fmt.Sprintf("Commentaire n° %03d", i)}}
			if _, err := e.app.Surveys.Answer(context.Background(), e.territory.ID, wid, survey.Respondent{Channel: survey.ChannelWeb},
				survey.Submission{Lang: "fr", Values: v}); err != nil {
				t.Fatal(err)
			}
		}
		pages := regexp.MustCompile(`href="(\?[^"]+)" rel="(prev|next)"`)
		follow := func(base string, r response, rel string) response {
			t.Helper()
			for _, m := range pages.FindAllStringSubmatch(r.body, -1) {
				if m[2] == rel {
					return staff.get(base + html.UnescapeString(m[1]))
				}
			}
			t.Fatalf("no %s page", rel)
			return r
		}
		for _, base := range []string{wPath + "/textes", wPath + "/resultats"} {
			r := staff.get(base)
			expectStatus(t, r, http.StatusOK)
			expectContains(t, r, "Commentaire n° 001", "Commentaire n° 050", "Plus récentes ›")
			if strings.Contains(r.body, "Commentaire n° 051") || strings.Contains(r.body, "‹ Plus anciennes") {
				t.Fatalf("%s: more than the first page", base)
			}
			r = follow(base, r, "next")
			expectStatus(t, r, http.StatusOK)
			expectContains(t, r, "Commentaire n° 051", "Commentaire n° 060", "‹ Plus anciennes")
			if strings.Contains(r.body, "Commentaire n° 050") || strings.Contains(r.body, "Plus récentes ›") {
				t.Fatalf("%s: the second page is not alone", base)
			}
			r = follow(base, r, "prev")
			expectContains(t, r, "Commentaire n° 001", "Commentaire n° 050")
		}
	})
}

func TestSurveyNumberResultsShowTheirDistribution(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@example.org", auth.RoleFacilitator)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		qPath, wPath := openSurvey(t, staff, "retour-evenement", "Soupers 2026")
		r := staff.post(qPath+"/vagues", url.Values{"name": {"Soupers 2027"}, "opens": {"2026-01-01"}})
		expectStatus(t, r, http.StatusSeeOther)
		w2Path := r.Header.Get("Location")
		answer := func(wPath string, values ...string) {
			t.Helper()
			for _, v := range values {
				vals := map[string][]string{"nouvelles": {"oui"}, "combien": {v}, "agir": {"3"}, "satisfaction": {"7"}}
				if _, err := e.app.Surveys.Answer(context.Background(), e.territory.ID, mustID(t, waveID(t, wPath)),
					survey.Respondent{Channel: survey.ChannelWeb}, survey.Submission{Lang: "fr", Values: vals}); err != nil {
					t.Fatal(err)
				}
			}
		}
		answer(wPath, "2", "3", "5", "5", "8", "10", "12", "15", "20", "25", "30", "190")
		answer(w2Path, "10", "10", "10", "20", "20")
		r = staff.get(wPath + "/resultats")
		expectStatus(t, r, http.StatusOK)
		// The same chart and table as the other questions, in ranges.
		expectContains(t, r, `id="chart-combien-title"`, "Moins de 9", "15 ou plus", "Moyenne 27,1 · médiane 11",
			"Le minimum ou le maximum n’est pas montré quand moins de 5 personnes ont donné cette valeur même.")
		if strings.Contains(r.body, "190") || strings.Contains(r.body, "minimum 2") {
			t.Errorf("the results show one person's value")
		}
		r = staff.get(wPath + "/resultats?comparer=" + waveID(t, w2Path))
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Moyenne\u00a0: 14,0, puis 27,1 (écart\u00a0: &#43;13,1).")
	})
}

func TestSurveyPaperFormSaysWhoAnswered(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@example.org", auth.RoleFacilitator)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		_, wPath := openSurvey(t, staff, "appartenance-solitude", "Portrait 2026")
		r := staff.get(wPath + "/papier")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, `<select id="audience" name="audience"`, "Le public du questionnaire (Citoyennes et citoyens)")
		form := belongingAnswer("fortierville", "tres_fort")
		form.Set("paper_number", "O-0001")
		form.Set("audience", "martiens")
		r = staff.post(wPath+"/papier", form)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Choisissez un public de la liste.")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses`); n != 0 {
			t.Fatalf("%d responses written", n)
		}
		form.Set("audience", "organizations")
		r = staff.post(wPath+"/papier", form)
		expectStatus(t, r, http.StatusSeeOther)
		next := r.Header.Get("Location")
		if !strings.Contains(next, "public=organizations") {
			t.Errorf("the next form forgets who answers: %s", next)
		}
		expectContains(t, staff.get(next), `<option value="organizations" selected>`)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses WHERE audience = 'organizations'`); n != 1 {
			t.Fatalf("%d responses of organisations, want 1", n)
		}
		expectContains(t, staff.get(wPath+"/resultats?public=organizations"), "1 réponse")
		expectContains(t, staff.get(wPath+"/resultats?public=citizens"), "0 réponse")
	})
}

func TestSurveyLinkAfterAnEventKeepsTheAnswerAnonymous(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		clock := e.staffClock(time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
		e.user("anim@example.org", auth.RoleFacilitator)
		staff := e.client(t)
		staff.signIn("anim@example.org")
		_, wPath := openSurvey(t, staff, "retour-evenement", "Soupers 2026")
		ctx, tid := context.Background(), e.territory.ID
		ev, err := e.app.Events.Create(ctx, tid, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "manseau",
			VenueName: "Salle municipale", StartsAt: clock.Now().Add(time.Hour), EndsAt: clock.Now().Add(3 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.Events.Publish(ctx, tid, ev.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		out, err := e.app.Events.Register(ctx, tid, ev.ID, events.RegistrationInput{Name: "Aline Participante", Email: "aline@example.org",
			Phone: "819 555-0101", PartySize: 1, ConsentContact: true}, events.SourceWeb)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Hour)
		if err := e.app.Events.CheckIn(ctx, tid, out.Registration.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Events.Close(ctx, tid, ev.ID, events.Report{}); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, staff.post(wPath+"/inviter", url.Values{"event": {strconv.FormatInt(ev.ID, 10)}}), http.StatusSeeOther)
		items, err := e.outbox.List(ctx, tid, 50)
		if err != nil {
			t.Fatal(err)
		}
		link := ""
		for _, it := range items {
			if m := regexp.MustCompile(`/questionnaire/[A-Za-z0-9_-]+`).FindString(it.Text); it.To == "aline@example.org" && m != "" {
				link = m
			}
		}
		if link == "" {
			t.Fatal("no private link mailed to the attendee")
		}
		clock.Advance(26 * time.Hour)
		visitor := e.client(t)
		good := url.Values{"q_nouvelles": {"oui"}, "q_combien": {"3"}, "q_agir": {"4"}, "q_satisfaction": {"9"}}
		expectStatus(t, visitor.post(link, good), http.StatusSeeOther)
		expectContains(t, visitor.get(link), "Votre réponse est reçue")
		expectStatus(t, visitor.post(link, good), http.StatusConflict)
		// The invitation still names the registration, and nothing joins it
		// to the answer but the event all its attendees share.
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_invitations WHERE registration_id IS NOT NULL AND used AND answered_at IS NULL`); n != 1 {
			t.Fatalf("%d used invitations without a time, want 1", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses r JOIN survey_invitations i ON i.wave_id = r.wave_id
			WHERE r.created_at = i.created_at OR r.created_at = i.answered_at OR r.invitation_id IS NOT NULL OR r.user_id IS NOT NULL`); n != 0 {
			t.Fatalf("%d responses joined to their invitation", n)
		}
		// It counts among the event's attendees.
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses WHERE audience = 'attendees' AND event_id = ?`, ev.ID); n != 1 {
			t.Fatalf("%d responses of attendees, want 1", n)
		}
	})
}
