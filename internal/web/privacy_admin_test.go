package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	pv "implique/internal/privacy"
	"implique/internal/testkit"
)

// privacyWorld is the privacy officer (an administrator), a facilitator
// and a citizen, the clock on Saturday 5 December 2026.
type privacyWorld struct {
	e                           *env
	officer, facilitator, other *client
}

func newPrivacyWorld(t *testing.T, d *db.DB) *privacyWorld {
	t.Helper()
	e := newEnv(t, d)
	e.app.Clock.Set(time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC))
	e.user("responsable@exemple.org", auth.RoleAdministrator)
	e.user("anim@exemple.org", auth.RoleFacilitator)
	e.user("citoyenne@exemple.org", auth.RoleCitizen)
	return &privacyWorld{e: e, officer: e.as(t, e.session(t, "responsable@exemple.org")),
		facilitator: e.as(t, e.session(t, "anim@exemple.org")), other: e.as(t, e.session(t, "citoyenne@exemple.org"))}
}

// privacyIncident is a valid incident as the form posts it.
func privacyIncident() url.Values {
	return url.Values{"title": {"Liste envoyée au mauvais courriel"}, "information": {"Noms et courriels de 12 personnes inscrites."},
		"circumstances": {"La liste du souper a été envoyée à une autre adresse."}, "from": {"2026-12-01"},
		"discovered": {"2026-12-02"}, "people": {"12"}, "risk": {"low"},
		"risk_reasons": {"Des noms et des courriels seulement, la personne a détruit le message."},
		"measures":     {"Message détruit ; rappel à l’équipe."}}
}

var privacyAreaPages = []string{"/admin/confidentialite", "/admin/confidentialite/inventaire", "/admin/confidentialite/inventaire.csv",
	"/admin/confidentialite/conservation", "/admin/confidentialite/journal", "/admin/confidentialite/incidents",
	"/admin/confidentialite/demandes", "/admin/confidentialite/personnes"}

func TestPrivacyAdminRoles(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newPrivacyWorld(t, d)
		for _, p := range privacyAreaPages {
			expectStatus(t, w.officer.get(p), http.StatusOK)
			expectStatus(t, w.facilitator.get(p), http.StatusForbidden)
			expectStatus(t, w.other.get(p), http.StatusForbidden)
			if r := w.e.client(t).get(p); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/connexion") {
				t.Fatalf("anonymous GET %s: %d %s", p, r.StatusCode, r.Header.Get("Location"))
			}
		}
		for _, p := range []string{"/admin/confidentialite/conservation", "/admin/confidentialite/conservation/appliquer",
			"/admin/confidentialite/personnes", "/admin/confidentialite/personnes/archive", "/admin/confidentialite/personnes/suppression",
			"/admin/confidentialite/demandes/1", "/admin/confidentialite/incidents/1"} {
			expectStatus(t, w.facilitator.post(p, url.Values{"email": {"x@exemple.org"}, "rule": {"privacy.requests"}, "days": {"5"},
				"confirm": {"1"}}), http.StatusForbidden)
		}
		// The staff home: the area's card for the officer, the report link
		// for the facilitator.
		expectContains(t, w.officer.get("/admin"), `href="/admin/confidentialite"`)
		r := w.facilitator.get("/admin")
		expectContains(t, r, `href="/admin/confidentialite/incidents/nouveau"`, "Signaler un incident")
		if strings.Contains(r.body, `href="/admin/confidentialite"`) {
			t.Fatal("the facilitator's home links to the privacy area")
		}

		// The facilitator records an incident and is thanked, without the register.
		expectStatus(t, w.other.get("/admin/confidentialite/incidents/nouveau"), http.StatusForbidden)
		expectStatus(t, w.other.post("/admin/confidentialite/incidents", privacyIncident()), http.StatusForbidden)
		r = w.facilitator.get("/admin/confidentialite/incidents/nouveau")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Renseignements personnels concernés", "sensibilité des renseignements")
		r = w.facilitator.post("/admin/confidentialite/incidents", privacyIncident())
		expectStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/admin/confidentialite/incidents/merci" {
			t.Fatalf("facilitator sent to %q", loc)
		}
		expectContains(t, w.facilitator.follow(r), "L’incident est inscrit au registre.")
		list, err := w.e.app.Privacy.Incidents(context.Background(), w.e.territory.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("incidents: %v %v", list, err)
		}
		incident := "/admin/confidentialite/incidents/" + id64(list[0].ID)
		expectStatus(t, w.facilitator.get(incident), http.StatusForbidden)
		expectContains(t, w.officer.get("/admin/confidentialite/incidents"), "Liste envoyée au mauvais courriel")
		expectContains(t, w.officer.get("/admin/confidentialite"), "Liste envoyée au mauvais courriel")

		// The officer records one and goes to it.
		r = w.officer.post("/admin/confidentialite/incidents", privacyIncident())
		expectStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.Header.Get("Location"), "/admin/confidentialite/incidents/") || strings.HasSuffix(r.Header.Get("Location"), "merci") {
			t.Fatalf("officer sent to %q", r.Header.Get("Location"))
		}
		expectContains(t, w.officer.follow(r), "L’incident est enregistré au registre.")
	})
}

func TestPrivacyAdminIncidentBadInput(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newPrivacyWorld(t, d)
		ctx, tid := context.Background(), w.e.territory.ID
		bad := privacyIncident()
		bad.Set("from", "2026-12-20")
		bad.Set("to", "2026-12-10")
		bad.Set("discovered", "2026-11-30")
		bad.Set("people", "une douzaine")
		for _, c := range []*client{w.facilitator, w.officer} {
			r := c.post("/admin/confidentialite/incidents", bad)
			expectStatus(t, r, http.StatusUnprocessableEntity)
			expectContains(t, r, "Le formulaire n’a pas été enregistré", "Cette date est dans le futur.",
				"Entrez un nombre de personnes, en chiffres", `value="une douzaine"`, "Liste envoyée au mauvais courriel",
				"Noms et courriels de 12 personnes inscrites.")
		}
		bad = privacyIncident()
		bad.Set("to", "2026-11-20")
		bad.Set("discovered", "2026-11-25")
		r := w.officer.post("/admin/confidentialite/incidents", bad)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "La fin de la période doit venir après son début.",
			"L’incident ne peut pas avoir été constaté avant d’avoir eu lieu.")
		if list, err := w.e.app.Privacy.Incidents(ctx, tid); err != nil || len(list) != 0 {
			t.Fatalf("a refused incident was saved: %v %v", list, err)
		}

		// A serious risk closes only once both notices are sent.
		in := privacyIncident()
		in.Set("risk", "serious")
		id := trainingCreatedID(t, w.officer.post("/admin/confidentialite/incidents", in))
		page := "/admin/confidentialite/incidents/" + id64(id)
		expectContains(t, w.officer.get("/admin/confidentialite/incidents"), "Avis à envoyer")
		in.Set("close", "1")
		r = w.officer.post(page, in)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "ne peut être fermé avant l’envoi des deux avis")
		in.Set("commission_notified", "2026-12-03")
		in.Set("people_notified", "2026-12-04")
		expectStatus(t, w.officer.post(page, in), http.StatusSeeOther)
		got, err := w.e.app.Privacy.Incident(ctx, tid, id)
		if err != nil || got.Open() || got.Closed.String() != "2026-12-05" {
			t.Fatalf("closed incident: %+v %v", got, err)
		}
		expectContains(t, w.officer.get(page), "Fermé le 5 décembre 2026")
		expectStatus(t, w.officer.get("/admin/confidentialite/incidents/999999"), http.StatusNotFound)
	})
}

func TestPrivacyAdminRetention(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newPrivacyWorld(t, d)
		ctx, tid := context.Background(), w.e.territory.ID
		for _, days := range []string{"0", "3651", "deux ans", ""} {
			r := w.officer.post("/admin/confidentialite/conservation", url.Values{"rule": {"privacy.requests"}, "days": {days}})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			if days != "" {
				expectContains(t, r, "Entrez un nombre de jours entre 1 et 3650.", `value="`+days+`"`)
			}
		}
		expectStatus(t, w.officer.post("/admin/confidentialite/conservation", url.Values{"rule": {"nulle.part"}, "days": {"30"}}),
			http.StatusNotFound)
		rules, err := w.e.app.Privacy.Rules(ctx, tid)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules {
			if r.Changed() {
				t.Fatalf("a refused rule was saved: %+v", r)
			}
		}
		expectStatus(t, w.officer.post("/admin/confidentialite/conservation", url.Values{"rule": {"privacy.requests"}, "days": {"400"}}),
			http.StatusSeeOther)
		expectContains(t, w.officer.get("/admin/confidentialite/conservation"), `value="400"`, "changée pour votre territoire")
		r := w.officer.post("/admin/confidentialite/conservation/appliquer", url.Values{})
		expectStatus(t, r, http.StatusSeeOther)
		r = w.officer.follow(r)
		expectContains(t, r, "La conservation a été appliquée pour aujourd’hui.", "Terminé", "Elle a déjà passé aujourd’hui")
		expectContains(t, w.officer.get("/admin/confidentialite"), "Dernier passage le 5 décembre 2026")
		r = w.officer.get("/admin/confidentialite/inventaire.csv")
		expectStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "privacy.access_log") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("inventory CSV: %s\n%s", r.Header.Get("Content-Type"), r.body)
		}
	})
}

func TestPrivacyAdminPersonRequestsAndLog(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newPrivacyWorld(t, d)
		ctx, tid := context.Background(), w.e.territory.ID
		if _, err := w.e.app.Privacy.Ask(ctx, tid, "lise@exemple.org", pv.Question, "Quels renseignements gardez-vous sur moi ?"); err != nil {
			t.Fatal(err)
		}
		// Bad input: shown again, nothing looked up.
		r := w.officer.post("/admin/confidentialite/personnes", url.Values{"email": {"pas-un-courriel"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Entrez une adresse courriel valide", `value="pas-un-courriel"`)
		r = w.officer.post("/admin/confidentialite/personnes", url.Values{"phone": {"12"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Entrez un numéro de téléphone d’au moins 7 chiffres.")
		expectStatus(t, w.officer.post("/admin/confidentialite/personnes", url.Values{}), http.StatusUnprocessableEntity)
		if log, _ := w.e.app.Privacy.AccessLog(ctx, tid, pv.AccessFilter{What: "privacy.person"}); len(log) != 0 {
			t.Fatalf("a refused search was logged: %+v", log)
		}

		r = w.officer.post("/admin/confidentialite/personnes", url.Values{"email": {"Lise@exemple.org "}})
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Quels renseignements gardez-vous sur moi ?", `name="email" value="Lise@exemple.org "`)
		// The access log names who looked, never the address.
		r = w.officer.get("/admin/confidentialite/journal")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Dossier d’une personne (à sa demande)", "Test responsable@exemple.org", "Consultation", "Le journal est conservé 730 jours.")
		if strings.Contains(r.body, "lise@exemple.org") {
			t.Fatal("the access log shows the person's address")
		}
		officer, _ := w.e.auth.UserByEmail(ctx, "responsable@exemple.org")
		expectContains(t, w.officer.get("/admin/confidentialite/journal?membre="+id64(officer.ID)+"&quoi=privacy.person"), "Consultation")
		expectContains(t, w.officer.get("/admin/confidentialite/journal?quoi=events.registrations"), "Aucune ligne pour ces filtres.")

		// The archive.
		r = w.officer.post("/admin/confidentialite/personnes/archive", url.Values{"email": {"lise@exemple.org"}})
		expectStatus(t, r, http.StatusOK)
		if r.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(r.body, "PK") {
			t.Fatalf("archive: %s", r.Header.Get("Content-Type"))
		}
		if log, _ := w.e.app.Privacy.AccessLog(ctx, tid, pv.AccessFilter{What: "privacy.person"}); len(log) != 2 || log[0].Action != pv.Exported {
			t.Fatalf("access log after the archive: %+v", log)
		}

		// The requests: open, late later, answered.
		r = w.officer.get("/admin/confidentialite/demandes")
		expectContains(t, r, "réponse due le 4 janvier 2027", "n’envoie pas de courriel", "lise@exemple.org")
		reqs, err := w.e.app.Privacy.Requests(ctx, tid)
		if err != nil || len(reqs) != 1 {
			t.Fatalf("requests: %v %v", reqs, err)
		}
		answer := "/admin/confidentialite/demandes/" + id64(reqs[0].ID)
		w.e.app.Clock.Set(time.Date(2027, 1, 6, 15, 0, 0, 0, time.UTC))
		w.officer = w.e.as(t, w.e.session(t, "responsable@exemple.org")) // a month later: a new session
		w.facilitator = w.e.as(t, w.e.session(t, "anim@exemple.org"))
		expectContains(t, w.officer.get("/admin/confidentialite"), "en retard, réponse due le 4 janvier 2027")
		r = w.officer.post(answer, url.Values{"answer": {"  "}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce champ est obligatoire.")
		expectStatus(t, w.facilitator.post(answer, url.Values{"answer": {"Réponse"}}), http.StatusForbidden)
		expectStatus(t, w.officer.post(answer, url.Values{"answer": {"Appelée le 6 janvier : la liste lui a été lue."}}), http.StatusSeeOther)
		expectContains(t, w.officer.get("/admin/confidentialite/demandes"), "répondue le 6 janvier 2027", "la liste lui a été lue")
		expectStatus(t, w.officer.post(answer, url.Values{"answer": {"Encore"}}), http.StatusNotFound)

		// The erasure wants its confirmation, then says what was done.
		expectStatus(t, w.officer.post("/admin/confidentialite/personnes/suppression", url.Values{"email": {"lise@exemple.org"}}),
			http.StatusUnprocessableEntity)
		r = w.officer.post("/admin/confidentialite/personnes/suppression", url.Values{"email": {"lise@exemple.org"}, "confirm": {"1"}})
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "1 dossier effacé ou rendu anonyme.")
		if reqs, _ := w.e.app.Privacy.Requests(ctx, tid); len(reqs) != 0 {
			t.Fatalf("the request outlived the erasure: %+v", reqs)
		}
		expectContains(t, w.officer.get("/admin/confidentialite/journal"), "Effacement")
		expectContains(t, w.officer.get("/admin/confidentialite"), "1 effacement fait")
	})
}

// TestPrivacyAdminPersonCorrect: the privacy officer corrects, on their
// behalf, the name and phone of a person without e-mail; bad input is
// shown again with a French message and nothing changed; the correction
// is written to the access log, and only the officer may make it.
func TestPrivacyAdminPersonCorrect(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newPrivacyWorld(t, d)
		ctx, tid := context.Background(), w.e.territory.ID
		ini, err := w.e.community.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Cuisine collective", PlaceSlug: "manseau"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.e.community.AddPerson(ctx, tid, ini.ID, community.PersonInput{Role: community.Participant,
			Name: "Paul Dicsret", Phone: "819 555-0199"}); err != nil {
			t.Fatal(err)
		}
		const path = "/admin/confidentialite/personnes/correction"
		person := func(name, phone string) url.Values {
			return url.Values{"phone": {"819 555-0199"}, "correct_name": {name}, "correct_phone": {phone}}
		}
		r := w.officer.post("/admin/confidentialite/personnes", url.Values{"phone": {"819 555-0199"}})
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Paul Dicsret", `action="`+path+`"`, `name="correct_name"`)

		// Bad input: the form again, its problem in French, nothing changed, nothing logged.
		for _, bad := range []struct {
			form url.Values
			want string
		}{
			{person("", ""), `name="correct_name"`},
			{person(strings.Repeat("x", 121), ""), `value="` + strings.Repeat("x", 121) + `"`},
			{person("Paul Discret", "555"), `value="555"`},
		} {
			r := w.officer.post(path, bad.form)
			expectStatus(t, r, http.StatusUnprocessableEntity)
			expectContains(t, r, bad.want, "Paul Dicsret", `aria-invalid="true"`)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM initiative_people WHERE name = 'Paul Dicsret' AND phone = '819 555-0199'`); n != 1 {
			t.Fatalf("a refused correction changed the record")
		}
		// (The page shown again is a consultation, logged as one; no correction is.)
		if log, _ := w.e.app.Privacy.AccessLog(ctx, tid, pv.AccessFilter{What: "privacy.person"}); len(log) != 4 || hasAction(log, pv.Corrected) {
			t.Fatalf("access log after refused corrections: %+v", log)
		}
		// Only the privacy officer.
		expectStatus(t, w.facilitator.post(path, person("Paul Discret", "")), http.StatusForbidden)

		r = w.officer.post(path, person("Paul Discret", "819 555-0200"))
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Correction faite dans 1 dossier.", "Nom maintenant inscrit\u00a0: Paul Discret",
			"Téléphone maintenant inscrit\u00a0: 819 555-0200")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM initiative_people WHERE name = 'Paul Discret' AND phone = '819 555-0200'`); n != 1 {
			t.Fatalf("the record was not corrected")
		}
		log, _ := w.e.app.Privacy.AccessLog(ctx, tid, pv.AccessFilter{What: "privacy.person"})
		if len(log) < 2 || log[len(log)-1].Action != pv.Viewed || !hasAction(log, pv.Corrected) {
			t.Fatalf("access log after the correction: %+v", log)
		}
		r = w.officer.get("/admin/confidentialite/journal")
		expectContains(t, r, "Correction")
		if strings.Contains(r.body, "Discret") || strings.Contains(r.body, "555-0200") {
			t.Fatal("the access log shows the person's data")
		}
		// Nothing left to correct under the old phone.
		r = w.officer.post(path, person("Paul Discret", ""))
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "rien n’a changé")
	})
}

func hasAction(log []pv.Access, a pv.AccessAction) bool {
	for _, l := range log {
		if l.Action == a {
			return true
		}
	}
	return false
}
