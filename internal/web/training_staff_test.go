package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/training"
)

// trainingStaffWorld is a facilitator on the test territory, the clock
// stopped on a Monday of November 2026.
type trainingStaffWorld struct {
	e     *env
	staff *client
	tid   int64
}

func newTrainingStaffWorld(t *testing.T, d *db.DB) *trainingStaffWorld {
	t.Helper()
	e := newEnv(t, d)
	e.app.Clock.Set(time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC))
	e.user("formation@exemple.org", auth.RoleFacilitator)
	return &trainingStaffWorld{e: e, staff: e.as(t, e.session(t, "formation@exemple.org")), tid: e.territory.ID}
}

var trainingTrailingID = regexp.MustCompile(`/([0-9]+)(?:[?#].*)?$`)

// trainingCreatedID reads the id at the end of a redirect's Location.
func trainingCreatedID(t *testing.T, r response) int64 {
	t.Helper()
	expectStatus(t, r, http.StatusSeeOther)
	m := trainingTrailingID.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("no id in %q", r.Header.Get("Location"))
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// program and cohort create, through the pages, a program and its cohort
// with two sessions (10 and 17 November); they return their pages.
func (w *trainingStaffWorld) programAndCohort(t *testing.T) (programPath, cohortPath string) {
	t.Helper()
	pid := trainingCreatedID(t, w.staff.post("/admin/formations/programmes", url.Values{"name": {"Laboratoire leadership citoyen"},
		"audience": {"citizens"}, "summary": {"Apprendre à mener un projet."}, "modules": {"Se connaître\nMobiliser"},
		"duration": {"2 soirées"}, "min_attendance": {"50"}, "certificate": {"1"}}))
	programPath = "/admin/formations/programmes/" + id64(pid)
	cid := trainingCreatedID(t, w.staff.post("/admin/formations/cohortes", url.Values{"program": {id64(pid)}, "name": {"Automne 2026"},
		"trainers": {"Julie Caron"}, "capacity": {"1"}, "places": {"becancour"}}))
	cohortPath = "/admin/formations/cohortes/" + id64(cid)
	for _, day := range []string{"2026-11-10", "2026-11-17"} {
		expectStatus(t, w.staff.post(cohortPath+"/seances", url.Values{"date": {day}, "start": {"18:30"}, "end": {"21:00"},
			"venue_name": {"Salle municipale"}}), http.StatusSeeOther)
	}
	return programPath, cohortPath
}

func cohortIDOf(path string) int64 {
	n, _ := strconv.ParseInt(path[strings.LastIndex(path, "/")+1:], 10, 64)
	return n
}

func TestTrainingStaffProgramForms(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingStaffWorld(t, d)
		expectStatus(t, w.staff.get("/admin/formations"), 200)
		expectContains(t, w.staff.get("/admin"), `href="/admin/formations"`)
		expectStatus(t, w.staff.get("/admin/formations/programmes/nouveau"), 200)

		// Bad input: French messages, what was typed kept, nothing written.
		r := w.staff.post("/admin/formations/programmes", url.Values{"name": {""}, "audience": {"citizens"},
			"summary": {"Un résumé gardé"}, "min_attendance": {"150"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce champ est obligatoire.", "Entrez un pourcentage entre 0 et 100.", "Un résumé gardé")
		if n := countRows(t, d, "training_programs"); n != 0 {
			t.Fatalf("%d programs written from a refused form", n)
		}

		pid := trainingCreatedID(t, w.staff.post("/admin/formations/programmes", url.Values{"name": {"Faire équipe avec sa communauté"},
			"audience": {"organizations"}, "min_attendance": {"80 %"}, "project_required": {"1"}}))
		path := "/admin/formations/programmes/" + id64(pid)
		r = w.staff.get(path)
		expectStatus(t, r, 200)
		expectContains(t, r, "Faire équipe avec sa communauté", `value="80"`, "Aucune évaluation")

		// Saved; a bad save writes nothing.
		r = w.staff.post(path, url.Values{"name": {"Faire équipe"}, "audience": {"nobody"}, "min_attendance": {"80"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Choisissez à qui s’adresse la formation.")
		expectStatus(t, w.staff.post(path, url.Values{"name": {"Faire équipe"}, "audience": {"organizations"}, "min_attendance": {"75"},
			"duration": {"3 ateliers"}}), http.StatusSeeOther)
		p, err := w.e.app.Training.Program(context.Background(), w.tid, pid)
		if err != nil || p.Name != "Faire équipe" || p.MinAttendance != 75 || p.ProjectRequired || p.Duration != "3 ateliers" {
			t.Fatalf("saved program %+v %v", p, err)
		}

		// Archived, marked on the list, restored.
		expectStatus(t, w.staff.post(path+"/archiver", url.Values{"archive": {"1"}}), http.StatusSeeOther)
		expectContains(t, w.staff.get("/admin/formations"), "(archivée)")
		expectStatus(t, w.staff.post(path+"/archiver", url.Values{"archive": {"0"}}), http.StatusSeeOther)
		if p, _ := w.e.app.Training.Program(context.Background(), w.tid, pid); p.ArchivedAt != nil {
			t.Fatal("the program is still archived")
		}

		// A cohort: refused without a name nor a place, nothing written.
		r = w.staff.get("/admin/formations/cohortes/nouveau?programme=" + id64(pid))
		expectStatus(t, r, 200)
		expectContains(t, r, `value="`+id64(pid)+`" selected`)
		r = w.staff.post("/admin/formations/cohortes", url.Values{"program": {id64(pid)}, "trainers": {"Luc Bélanger"}, "capacity": {"0"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce champ est obligatoire.", "Entrez un nombre de places entre 1 et 500", `value="Luc Bélanger"`)
		if n := countRows(t, d, "training_cohorts"); n != 0 {
			t.Fatalf("%d cohorts written from a refused form", n)
		}
		cid := trainingCreatedID(t, w.staff.post("/admin/formations/cohortes", url.Values{"program": {id64(pid)}, "name": {"Hiver 2027"},
			"capacity": {"12"}, "price": {"25"}, "places": {"becancour"}}))
		cpath := "/admin/formations/cohortes/" + id64(cid)
		r = w.staff.get(cpath)
		expectStatus(t, r, 200)
		expectContains(t, r, "Hiver 2027", "Annoncée", `value="becancour" checked`, `value="25"`)
		expectStatus(t, w.staff.post(cpath, url.Values{"name": {"Hiver 2027"}, "capacity": {"15"}, "places": {"becancour"}}), http.StatusSeeOther)
		c, _ := w.e.app.Training.Cohort(context.Background(), w.tid, cid)
		if c.Capacity == nil || *c.Capacity != 15 || c.PriceCents != 0 {
			t.Fatalf("saved cohort %+v", c)
		}
		r = w.staff.post(cpath, url.Values{"name": {""}, "capacity": {"15"}, "places": {"becancour"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce champ est obligatoire.")
		expectContains(t, w.staff.get("/admin/formations/programmes/"+id64(pid)), "Hiver 2027")
	})
}

func TestTrainingStaffCohortJourney(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingStaffWorld(t, d)
		ctx := context.Background()
		ts := w.e.app.Training

		// Enrolment cannot open without a session.
		pid := trainingCreatedID(t, w.staff.post("/admin/formations/programmes", url.Values{"name": {"Laboratoire"}, "audience": {"citizens"},
			"min_attendance": {"50"}, "certificate": {"1"}}))
		empty := "/admin/formations/cohortes/" + id64(trainingCreatedID(t, w.staff.post("/admin/formations/cohortes",
			url.Values{"program": {id64(pid)}, "name": {"Sans séance"}, "places": {"becancour"}})))
		r := w.staff.post(empty+"/etat", url.Values{"status": {"open"}})
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "Ajoutez d’abord au moins une séance à la cohorte.")

		// A session refused writes no event.
		events0 := countRows(t, d, "events")
		r = w.staff.post(empty+"/seances", url.Values{"date": {""}, "start": {"18:30"}, "end": {"21:00"}, "venue_name": {"Salle A"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce champ est obligatoire.", `value="Salle A"`)
		if countRows(t, d, "events") != events0 {
			t.Fatal("a refused session wrote an event")
		}

		_, cpath := w.programAndCohort(t)
		cid := cohortIDOf(cpath)
		expectStatus(t, w.staff.post(cpath+"/etat", url.Values{"status": {"open"}}), http.StatusSeeOther)
		r = w.staff.get(cpath)
		expectStatus(t, r, 200)
		expectContains(t, r, "Inscriptions ouvertes", "Salle municipale", "/accueil", "Commencer la formation")

		// Enrolment by staff: refused without a way to reach, then taken;
		// the second goes to the wait-list (one seat).
		r = w.staff.post(cpath+"/inscriptions", url.Values{"learner_name": {"Rosalie Tremblay"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Donnez un courriel ou un numéro de téléphone", `value="Rosalie Tremblay"`, `value="Automne 2026"`)
		if n := countRows(t, d, "training_enrolments"); n != 0 {
			t.Fatalf("%d enrolments written from a refused form", n)
		}
		expectStatus(t, w.staff.post(cpath+"/inscriptions", url.Values{"learner_name": {"Rosalie Tremblay"},
			"learner_email": {"rosalie@exemple.org"}, "learner_phone": {"819-555-0142"}, "learner_lang": {"fr"}}), http.StatusSeeOther)
		expectStatus(t, w.staff.post(cpath+"/inscriptions", url.Values{"learner_name": {"Marc Lavoie"},
			"learner_phone": {"819-555-0177"}, "learner_lang": {"en"}}), http.StatusSeeOther)
		list, err := ts.Enrolments(ctx, w.tid, cid)
		if err != nil || len(list) != 2 || list[0].Status != training.Confirmed || list[1].Status != training.Waitlisted {
			t.Fatalf("enrolments %+v %v", list, err)
		}
		rosalie, marc := list[0], list[1]
		r = w.staff.get(cpath)
		expectContains(t, r, "Rosalie Tremblay", "Marc Lavoie", "Liste d’attente")

		// Withdrawing asks for a confirmation.
		wpath := cpath + "/inscriptions/" + id64(marc.ID) + "/retirer"
		expectContains(t, w.staff.get(wpath), "Retirer", "Marc Lavoie")
		expectStatus(t, w.staff.post(wpath, url.Values{}), http.StatusUnprocessableEntity)
		if e, _ := ts.Enrolment(ctx, w.tid, marc.ID); e.Status != training.Waitlisted {
			t.Fatal("withdrawn without confirmation")
		}
		expectStatus(t, w.staff.post(wpath, url.Values{"confirm": {"1"}}), http.StatusSeeOther)
		if e, _ := ts.Enrolment(ctx, w.tid, marc.ID); e.Status != training.Withdrawn {
			t.Fatal("not withdrawn")
		}

		// Too early: not completed, no certificate.
		expectStatus(t, w.staff.post(cpath+"/etat", url.Values{"status": {"running"}}), http.StatusSeeOther)
		r = w.staff.post(cpath+"/etat", url.Values{"status": {"completed"}})
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "La dernière séance n’est pas encore passée")
		r = w.staff.get(cpath + "/attestations.pdf")
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "Les attestations se donnent quand la cohorte est terminée.")
		expectStatus(t, w.staff.get(cpath+"/inscriptions/"+id64(rosalie.ID)+"/attestation.pdf"), http.StatusConflict)

		// A cancellation needs its confirmation and a reason.
		expectStatus(t, w.staff.post(cpath+"/etat", url.Values{"status": {"cancelled"}, "reason": {"Trop peu"}}), http.StatusUnprocessableEntity)
		r = w.staff.post(cpath+"/etat", url.Values{"status": {"cancelled"}, "confirm": {"1"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce champ est obligatoire.")

		// The sessions are held; Rosalie attends the first one.
		w.e.app.Clock.Set(time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC))
		c, _ := ts.Cohort(ctx, w.tid, cid)
		regs, err := w.e.events.Registrations(ctx, w.tid, c.Sessions[0].ID)
		if err != nil || len(regs) != 1 {
			t.Fatalf("registrations %+v %v", regs, err)
		}
		if err := w.e.events.CheckIn(ctx, w.tid, regs[0].ID, true); err != nil {
			t.Fatal(err)
		}

		// A decision needs its reason.
		dpath := cpath + "/inscriptions/" + id64(rosalie.ID) + "/decision"
		r = w.staff.post(dpath, url.Values{"decision": {"not_completed"}, "reason": {""}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Dites pourquoi vous décidez autrement que la règle.")
		expectStatus(t, w.staff.post(dpath, url.Values{"decision": {"completed"}, "reason": {"Présente au rattrapage"}}), http.StatusSeeOther)
		expectStatus(t, w.staff.post(dpath, url.Values{"decision": {"rule"}}), http.StatusSeeOther)
		if e, _ := ts.Enrolment(ctx, w.tid, rosalie.ID); e.Decision != "" {
			t.Fatalf("decision %q, want the rule", e.Decision)
		}
		expectStatus(t, w.staff.post(cpath+"/inscriptions/"+id64(rosalie.ID)+"/projet", url.Values{"done": {"1"}}), http.StatusSeeOther)
		if e, _ := ts.Enrolment(ctx, w.tid, rosalie.ID); !e.ProjectDone {
			t.Fatal("project not recorded")
		}

		// The grid and its exports.
		r = w.staff.get(cpath + "/presences")
		expectStatus(t, r, 200)
		expectContains(t, r, "Rosalie Tremblay", "✓", "50\u00a0%", "Séance 1", "Ont terminé")
		r = w.staff.get(cpath + "/presences.csv")
		expectStatus(t, r, 200)
		if log, err := w.e.app.Privacy.AccessLog(ctx, w.tid, privacy.AccessFilter{What: training.PrivacyEnrolments, Limit: 1}); err != nil ||
			len(log) != 1 || log[0].Action != privacy.Exported || log[0].Record != "cohort "+id64(c.ID) {
			t.Fatalf("access log of the export: %+v, %v", log, err)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("content type %q", ct)
		}
		for _, want := range []string{"Participant·e;Courriel;Téléphone", "Rosalie Tremblay;rosalie@exemple.org;819-555-0142",
			"2026-11-10 18:30", ";✓;—;1;50;", "Marc Lavoie"} {
			if want == "Marc Lavoie" {
				if strings.Contains(r.body, want) {
					t.Error("the CSV holds a learner withdrawn before attending")
				}
				continue
			}
			if !strings.Contains(r.body, want) {
				t.Errorf("CSV lacks %q\n%s", want, r.body)
			}
		}
		r = w.staff.get(cpath + "/presences.xlsx")
		expectStatus(t, r, 200)
		if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") || !strings.HasPrefix(r.body, "PK") {
			t.Fatalf("xlsx: %q", ct)
		}

		// The evaluation of a held session is sent.
		r = w.staff.post(cpath+"/evaluations", url.Values{"event": {id64(c.Sessions[0].ID)}})
		expectStatus(t, r, http.StatusSeeOther)
		if !strings.Contains(r.Header.Get("Location"), "envoyes=") {
			t.Fatalf("location %q", r.Header.Get("Location"))
		}
		expectContains(t, w.staff.follow(r), "à évaluer envoyée", "/resultats")

		// Completed: the certificates, in bulk and one.
		expectStatus(t, w.staff.post(cpath+"/etat", url.Values{"status": {"completed"}}), http.StatusSeeOther)
		r = w.staff.get(cpath + "/attestations.pdf")
		expectStatus(t, r, 200)
		if r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF") {
			t.Fatalf("certificates: %q", r.Header.Get("Content-Type"))
		}
		r = w.staff.get(cpath + "/inscriptions/" + id64(rosalie.ID) + "/attestation.pdf")
		expectStatus(t, r, 200)
		expectContains(t, w.staff.get(cpath), "Terminée", "Attestations de la cohorte")
		expectContains(t, w.staff.get("/admin/formations"), "Terminées et annulées", "Automne 2026")
		// Every page reads well, in French and in English.
		for _, lang := range []string{"fr", "en"} {
			w.staff.lang = lang
			for _, p := range []string{"/admin/formations", "/admin/formations/programmes/" + id64(c.ProgramID), cpath, cpath + "/presences",
				"/admin/formations/cohortes/nouveau", "/admin/formations/programmes/nouveau", wpath} {
				r := w.staff.get(p)
				expectStatus(t, r, 200)
				if strings.Contains(r.body, "%!") || strings.Contains(r.body, "training.staff.") {
					t.Errorf("%s (%s) shows a broken text", p, lang)
				}
			}
		}
		expectContains(t, w.staff.get(cpath), "Completed", "Certificates of the cohort")
		w.staff.lang = "fr"
		// Another cohort of the program is not completed: no certificate.
		expectStatus(t, w.staff.get(empty+"/attestations.pdf"), http.StatusConflict)
		// An enrolment of another cohort is not found here.
		expectStatus(t, w.staff.get(empty+"/inscriptions/"+id64(rosalie.ID)+"/attestation.pdf"), http.StatusNotFound)
	})
}

func TestTrainingStaffRoles(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingStaffWorld(t, d)
		_, cpath := w.programAndCohort(t)
		w.e.user("comms@exemple.org", auth.RoleCommunications)
		w.e.user("partenaire@exemple.org", auth.RolePartner)
		w.e.user("gestion@exemple.org", auth.RoleOrganizationManager)
		w.e.user("citoyen@exemple.org", auth.RoleCitizen)
		w.e.user("admin@exemple.org", auth.RoleAdministrator)
		admin := w.e.as(t, w.e.session(t, "admin@exemple.org"))
		expectStatus(t, admin.get(cpath), 200)
		programs := countRows(t, d, "training_programs")
		for _, email := range []string{"comms@exemple.org", "partenaire@exemple.org", "gestion@exemple.org", "citoyen@exemple.org"} {
			c := w.e.as(t, w.e.session(t, email))
			for _, p := range []string{"/admin/formations", cpath, cpath + "/presences", cpath + "/presences.csv", cpath + "/attestations.pdf"} {
				if r := c.get(p); r.StatusCode != http.StatusForbidden {
					t.Errorf("%s gets %s: %d, want 403", email, p, r.StatusCode)
				}
			}
			if r := c.post("/admin/formations/programmes", url.Values{"name": {"Intrusion"}, "audience": {"citizens"}}); r.StatusCode != http.StatusForbidden {
				t.Errorf("%s creates a program: %d", email, r.StatusCode)
			}
			if r := c.post(cpath+"/etat", url.Values{"status": {"open"}}); r.StatusCode != http.StatusForbidden {
				t.Errorf("%s moves a cohort: %d", email, r.StatusCode)
			}
			if strings.Contains(c.get("/admin").body, `href="/admin/formations"`) {
				t.Errorf("%s sees the trainings' link", email)
			}
		}
		if countRows(t, d, "training_programs") != programs {
			t.Fatal("a refused role wrote a program")
		}
		if c, _ := w.e.app.Training.Cohort(context.Background(), w.tid, cohortIDOf(cpath)); c.Status != training.Planned {
			t.Fatalf("status %s", c.Status)
		}
	})
}
