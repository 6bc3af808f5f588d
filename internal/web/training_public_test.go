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
	"implique/internal/orgs"
	"implique/internal/testkit"
	"implique/internal/training"
)

// trainingWorld is a program giving a certificate and an open cohort of
// three sessions in the weeks to come, the application's clock stopped.
type trainingWorld struct {
	e       *env
	program training.Program
	cohort  training.Cohort
	start   time.Time
}

// newTrainingWorld builds it; capacity "" is no limit.
func newTrainingWorld(t *testing.T, d *db.DB, capacity string) *trainingWorld {
	t.Helper()
	e := newEnv(t, d)
	ctx := context.Background()
	tid := e.territory.ID
	start := time.Now().In(e.territory.Location()).Truncate(time.Hour)
	e.app.Clock.Set(start)
	ts := e.app.Training
	p, err := ts.CreateProgram(ctx, tid, training.ProgramInput{Name: "Laboratoire leadership citoyen", Audience: training.AudienceCitizens,
		Summary: "Passer de l’idée à l’action.", Objectives: "Animer une rencontre.", Modules: "Se connaître\nMobiliser\nPasser à l’action",
		Duration: "3 soirées", MinAttendance: "80", Certificate: true})
	if err != nil {
		t.Fatal(err)
	}
	c := w0cohort(t, e, p, "Automne à Bécancour", capacity, 3)
	if err := ts.SetStatus(ctx, tid, c.ID, training.Open, ""); err != nil {
		t.Fatal(err)
	}
	if c, err = ts.Cohort(ctx, tid, c.ID); err != nil {
		t.Fatal(err)
	}
	return &trainingWorld{e: e, program: p, cohort: c, start: start}
}

// w0cohort plans a cohort of p with sessions weekly from next week.
func w0cohort(t *testing.T, e *env, p training.Program, name, capacity string, sessions int) training.Cohort {
	t.Helper()
	ctx := context.Background()
	tid := e.territory.ID
	ts := e.app.Training
	c, err := ts.CreateCohort(ctx, tid, training.CohortInput{ProgramID: p.ID, Name: name, Trainers: "Julie Tremblay",
		Capacity: capacity, Places: []string{"becancour"}})
	if err != nil {
		t.Fatal(err)
	}
	now := e.app.Clock.Now().In(e.territory.Location())
	for i := range sessions {
		day := now.AddDate(0, 0, 7*(i+1)).Format("2006-01-02")
		if _, err := ts.AddSession(ctx, tid, 0, c.ID, training.SessionInput{Date: day, Start: "18:30", End: "20:30",
			VenueName: "Salle communautaire", VenueAddress: "1000, rue Principale"}); err != nil {
			t.Fatal(err)
		}
	}
	if c, err = ts.Cohort(ctx, tid, c.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

var mineLinkRe = regexp.MustCompile(`/formations/mes-formations/([A-Za-z0-9_.-]+)`)

// enrol sends the public form and returns the response and the private
// token shown, if any.
func (w *trainingWorld) enrol(c *client, form url.Values) (response, string) {
	c.t.Helper()
	r := c.post(w.cohort.Path()+"/inscription", form)
	m := mineLinkRe.FindStringSubmatch(r.body)
	if m == nil {
		return r, ""
	}
	return r, m[1]
}

func person(name, email string) url.Values {
	return url.Values{"name": {name}, "email": {email}, "ride": {"none"}, "consent_contact": {"1"}}
}

func (w *trainingWorld) count(t *testing.T) int {
	t.Helper()
	list, err := w.e.app.Training.Enrolments(context.Background(), w.e.territory.ID, w.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range list {
		if en.Status != training.Withdrawn {
			n++
		}
	}
	return n
}

func TestTrainingPublicEnrolment(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingWorld(t, d, "2")
		e := w.e
		c := e.client(t)

		r := c.get("/formations")
		expectStatus(t, r, 200)
		expectContains(t, r, "Laboratoire leadership citoyen", "Automne à Bécancour", `href="`+w.cohort.Path()+`"`, "2 places libres", "Gratuit",
			"Citoyennes et citoyens", `href="/formations/verification"`)
		r = c.get("/formations?public=businesses")
		expectStatus(t, r, 200)
		expectContains(t, r, "Aucune cohorte n’est annoncée")
		expectStatus(t, c.get("/formations?lieu=nulle-part"), 404)

		r = c.get(w.cohort.Path())
		expectStatus(t, r, 200)
		expectContains(t, r, "Se connaître", "Mobiliser", "Assister à au moins 80\u00a0% des séances", "Julie Tremblay",
			"Salle communautaire", `action="`+w.cohort.Path()+`/inscription"`, "Une attestation est remise")
		if !regexp.MustCompile(`18\S? ?h\S? ?30`).MatchString(r.body) {
			t.Error("the sessions' hours are not shown")
		}
		if strings.Contains(r.body, `name="waitlist"`) {
			t.Error("the wait-list is offered while seats are left")
		}

		// Enrolled: the confirmation and the private link.
		r, alice := w.enrol(c, person("Alice Bédard", "alice@exemple.org"))
		expectStatus(t, r, 200)
		expectContains(t, r, "Votre place est confirmée", "Mes formations")
		if alice == "" {
			t.Fatal("no private link")
		}
		// Twice: nothing more written, a clear message, no link shown.
		r, again := w.enrol(c, person("Alice B.", "ALICE@exemple.org"))
		expectStatus(t, r, 200)
		expectContains(t, r, "Vous êtes déjà inscrit·e à cette cohorte.", "envoyé de nouveau")
		if again != "" {
			t.Error("a second sign-up shows the private link")
		}
		if n := w.count(t); n != 1 {
			t.Fatalf("%d enrolments after the same person twice", n)
		}

		// Bad input: 422 in French, what was typed kept, nothing written.
		r, _ = w.enrol(c, url.Values{"name": {""}, "email": {"pas-un-courriel"}, "phone": {"12"}, "ride": {"en-fusée"}, "needs": {"Rampe d’accès"}})
		expectStatus(t, r, 422)
		expectContains(t, r, `id="name-err"`, `id="email-err"`, `id="phone-err"`, `aria-invalid="true"`, "Rampe d’accès", "pas-un-courriel")
		if n := w.count(t); n != 1 {
			t.Fatalf("%d enrolments after a refused form", n)
		}

		_, bob := w.enrol(c, person("Bob Côté", "bob@exemple.org"))
		if bob == "" {
			t.Fatal("Bob not enrolled")
		}
		// Full without the wait-list: refused, nothing written.
		r = c.get(w.cohort.Path())
		expectContains(t, r, "Complet — liste d’attente", `name="waitlist"`)
		r, _ = w.enrol(c, person("Carole Roy", "carole@exemple.org"))
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "Cette cohorte est complète.", "Carole Roy")
		if n := w.count(t); n != 2 {
			t.Fatalf("%d enrolments after a full cohort refused", n)
		}
		// With the wait-list: a position.
		form := person("Carole Roy", "carole@exemple.org")
		form.Set("waitlist", "1")
		r, carole := w.enrol(c, form)
		expectStatus(t, r, 200)
		expectContains(t, r, "vous êtes en position 1 sur la liste d’attente")
		if carole == "" {
			t.Fatal("no link for the wait-list")
		}

		// « Mes formations »: status and progress.
		r = c.get("/formations/mes-formations/" + alice)
		expectStatus(t, r, 200)
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control %q", got)
		}
		if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("Referrer-Policy %q", got)
		}
		expectContains(t, r, "Place confirmée", "0 séance(s) sur 3", "Prochaine séance", "Me retirer de cette cohorte")
		r = c.get("/formations/mes-formations/" + carole)
		expectContains(t, r, "Liste d’attente, position 1")
		expectStatus(t, c.get("/formations/mes-formations/pas-un-jeton"), 404)

		ts, tid := e.app.Training, e.territory.ID
		aliceEn, err := ts.ByToken(context.Background(), alice)
		if err != nil {
			t.Fatal(err)
		}
		// The certificate before the end: refused clearly.
		r = c.get("/formations/mes-formations/" + alice + "/attestation/" + id64(aliceEn.ID) + ".pdf")
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "Les attestations se donnent quand la cohorte est terminée.")

		// Another person's link reaches nothing of Alice's.
		expectStatus(t, c.get("/formations/mes-formations/"+bob+"/retrait/"+id64(aliceEn.ID)), 404)
		expectStatus(t, c.post("/formations/mes-formations/"+bob+"/retrait/"+id64(aliceEn.ID), url.Values{}), 404)
		expectStatus(t, c.get("/formations/mes-formations/"+bob+"/attestation/"+id64(aliceEn.ID)+".pdf"), 404)
		if got, _ := ts.Enrolment(context.Background(), tid, aliceEn.ID); got.Status != training.Confirmed {
			t.Fatalf("Alice's status %q after Bob's attempt", got.Status)
		}

		// Alice withdraws: Carole gets the seat.
		r = c.get("/formations/mes-formations/" + alice + "/retrait/" + id64(aliceEn.ID))
		expectStatus(t, r, 200)
		expectContains(t, r, "Oui, me retirer")
		r = c.post("/formations/mes-formations/"+alice+"/retrait/"+id64(aliceEn.ID), url.Values{})
		expectStatus(t, r, http.StatusSeeOther)
		r = c.follow(r)
		expectContains(t, r, "Retirée")
		r = c.get("/formations/mes-formations/" + carole)
		expectContains(t, r, "Place confirmée")

		// In English too.
		c.lang = "en"
		for _, p := range []string{"/formations", w.cohort.Path(), "/formations/mes-formations/" + bob, "/formations/verification"} {
			r := c.get(p)
			expectStatus(t, r, 200)
			if strings.Contains(r.body, "«") {
				t.Errorf("%s in English holds «", p)
			}
		}
	})
}

func TestTrainingPublicClosedCohorts(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingWorld(t, d, "")
		e := w.e
		ctx, tid, ts := context.Background(), e.territory.ID, e.app.Training
		c := e.client(t)

		planned := w0cohort(t, e, w.program, "Hiver à Manseau", "", 2)
		r := c.get(planned.Path())
		expectStatus(t, r, 200)
		expectContains(t, r, "Les inscriptions à cette cohorte ne sont pas encore ouvertes.")
		if strings.Contains(r.body, `/inscription"`) {
			t.Error("a planned cohort shows the form")
		}
		r = c.post(planned.Path()+"/inscription", person("Denis Roy", "denis@exemple.org"))
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "ne sont pas encore ouvertes")
		if r := c.get("/formations"); strings.Contains(r.body, "Hiver à Manseau") {
			t.Error("a planned cohort is listed")
		}

		cancelled := w0cohort(t, e, w.program, "Printemps à Gentilly", "", 1)
		if err := ts.SetStatus(ctx, tid, cancelled.ID, training.Open, ""); err != nil {
			t.Fatal(err)
		}
		if err := ts.SetStatus(ctx, tid, cancelled.ID, training.Cancelled, "Trop peu d’inscriptions."); err != nil {
			t.Fatal(err)
		}
		r = c.get(cancelled.Path())
		expectStatus(t, r, 200)
		expectContains(t, r, "Cette cohorte est annulée.", "Trop peu d’inscriptions.", "(séance annulée)")
		r = c.post(cancelled.Path()+"/inscription", person("Denis Roy", "denis@exemple.org"))
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "Cette cohorte a été annulée.")
		for _, co := range []training.Cohort{planned, cancelled} {
			list, _ := ts.Enrolments(ctx, tid, co.ID)
			if len(list) != 0 {
				t.Errorf("%s: %d enrolments written", co.Name, len(list))
			}
		}
		expectStatus(t, c.get("/formations/pas-une-cohorte"), 404)

		// A session's event page sends to the cohort's sign-up.
		ev := w.cohort.Sessions[0]
		r = c.get("/evenements/" + ev.Slug)
		expectStatus(t, r, 200)
		expectContains(t, r, `href="`+w.cohort.Path()+`"`, "S’inscrire à la formation")
		if strings.Contains(r.body, `action="/evenements/`+ev.Slug+`/inscription"`) {
			t.Error("a session offers its own sign-up form")
		}
		// The footer links to the trainings.
		expectContains(t, c.get("/"), `href="/formations"`)
	})
}

// completeCohort checks the learner of tok in at every session and
// completes the cohort after its last one.
func (w *trainingWorld) completeCohort(t *testing.T, tok string) training.Enrolment {
	t.Helper()
	ctx, tid, e := context.Background(), w.e.territory.ID, w.e
	en, err := e.app.Training.ByToken(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range w.cohort.Sessions {
		e.app.Clock.Set(ev.StartsAt.Add(10 * time.Minute))
		regs, err := e.events.Registrations(ctx, tid, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, reg := range regs {
			if reg.Email == en.Email {
				if err := e.events.CheckIn(ctx, tid, reg.ID, true); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	e.app.Clock.Set(w.cohort.Sessions[len(w.cohort.Sessions)-1].EndsAt.Add(time.Hour))
	if err := e.app.Training.SetStatus(ctx, tid, w.cohort.ID, training.Completed, ""); err != nil {
		t.Fatal(err)
	}
	return en
}

func TestTrainingPublicCertificate(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingWorld(t, d, "")
		c := w.e.client(t)
		_, tok := w.enrol(c, person("Alice Bédard", "alice@exemple.org"))
		_, other := w.enrol(c, person("Bob Côté", "bob@exemple.org"))
		en := w.completeCohort(t, tok)

		r := c.get("/formations/mes-formations/" + tok)
		expectStatus(t, r, 200)
		expectContains(t, r, "3 séance(s) sur 3", "Formation terminée", "Télécharger mon attestation")
		if strings.Contains(r.body, "Me retirer") {
			t.Error("a completed cohort offers the withdrawal")
		}
		// Bob attended nothing: no certificate.
		bob, _ := w.e.app.Training.ByToken(context.Background(), other)
		r = c.get("/formations/mes-formations/" + other)
		expectContains(t, r, "Formation non terminée")
		r = c.get("/formations/mes-formations/" + other + "/attestation/" + id64(bob.ID) + ".pdf")
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "pas d’attestation")

		r = c.get("/formations/mes-formations/" + tok + "/attestation/" + id64(en.ID) + ".pdf")
		expectStatus(t, r, 200)
		if !strings.HasPrefix(r.body, "%PDF") || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("not a PDF: %q %.20q", r.Header.Get("Content-Type"), r.body)
		}
		en, _ = w.e.app.Training.Enrolment(context.Background(), w.e.territory.ID, en.ID)
		if en.CertificateCode == "" {
			t.Fatal("no code written")
		}
		r = c.get("/formations/verification?code=" + url.QueryEscape(en.CertificateCode))
		expectStatus(t, r, 200)
		expectContains(t, r, "Attestation valide", "Alice Bédard", "Laboratoire leadership citoyen", "Automne à Bécancour")
		r = c.get("/formations/verification?code=ZZZZ-ZZZZ-ZZZZ")
		expectStatus(t, r, 200)
		expectContains(t, r, "Aucun certificat ne porte ce code.")
		if strings.Contains(r.body, "Alice") {
			t.Error("an unknown code shows a holder")
		}
	})
}

func TestTrainingOrganizationManagers(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingWorld(t, d, "")
		e := w.e
		ctx, tid := context.Background(), e.territory.ID
		mgr := e.user("gestion@exemple.org", auth.RoleOrganizationManager)
		mine, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Conseil municipal de Manseau", Kind: orgs.MunicipalCouncil,
			PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Comité culturel de Gentilly", Kind: orgs.CitizenCommittee})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.orgs.AddManager(ctx, tid, mine.ID, mgr.ID); err != nil {
			t.Fatal(err)
		}
		c := e.client(t)
		base := "/mes-organismes/" + id64(mine.ID) + "/formations"
		expectStatus(t, c.get(base), http.StatusSeeOther) // sign in first
		c.signIn("gestion@exemple.org")

		r := c.get("/mes-organismes/" + id64(mine.ID))
		expectContains(t, r, `href="`+base+`"`)
		r = c.get(base)
		expectStatus(t, r, 200)
		expectContains(t, r, "Personne de votre organisme", `value="`+id64(w.cohort.ID)+`"`, `name="member9_email"`)

		// Another organisation: refused, nothing written.
		other := "/mes-organismes/" + id64(theirs.ID) + "/formations"
		expectStatus(t, c.get(other), http.StatusForbidden)
		two := url.Values{"cohort": {id64(w.cohort.ID)}, "consent": {"1"},
			"member0_name": {"Marie Lemieux"}, "member0_email": {"marie@exemple.org"},
			"member3_name": {"Paul Hébert"}, "member3_phone": {"819 555-0111"}}
		expectStatus(t, c.post(other, two), http.StatusForbidden)
		expectStatus(t, c.get("/admin/organismes/"+id64(mine.ID)+"/formations"), http.StatusForbidden)

		// A bad row: shown on its row, what was typed kept, nothing written.
		bad := url.Values{}
		for k, v := range two {
			bad[k] = v
		}
		bad.Set("member3_phone", "12")
		r = c.post(base, bad)
		expectStatus(t, r, 422)
		expectContains(t, r, `id="member3_phone-err"`, "Marie Lemieux", "marie@exemple.org")
		if list, _ := e.app.Training.OfOrganization(ctx, tid, mine.ID); len(list) != 0 {
			t.Fatalf("%d enrolments written by a refused form", len(list))
		}
		r = c.post(base, url.Values{"member0_name": {"Marie Lemieux"}})
		expectStatus(t, r, 422)
		expectContains(t, r, `id="cohort-err"`)

		// Two members in one go.
		r = c.post(base, two)
		expectStatus(t, r, http.StatusSeeOther)
		r = c.follow(r)
		expectContains(t, r, "Les personnes sont inscrites.", "Marie Lemieux", "Paul Hébert", "Place confirmée")
		list, err := e.app.Training.OfOrganization(ctx, tid, mine.ID)
		if err != nil || len(list) != 2 || !list[0].ConsentContact {
			t.Fatalf("%d enrolments (%v), consent %v", len(list), err, len(list) > 0 && list[0].ConsentContact)
		}
		// Again: already enrolled, all refused.
		r = c.post(base, two)
		expectStatus(t, r, 422)
		expectContains(t, r, "déjà inscrite")

		// Staff reach it under /admin/organismes.
		e.user("animation@exemple.org", auth.RoleFacilitator)
		s := e.client(t)
		s.signIn("animation@exemple.org")
		r = s.get("/admin/organismes/" + id64(theirs.ID) + "/formations")
		expectStatus(t, r, 200)
		r = s.get("/admin/organismes/" + id64(mine.ID) + "/formations")
		expectContains(t, r, "Marie Lemieux")
	})
}

// TestTrainingAccount: a person signed in finds on their account the
// trainings they enrolled in with its address, and gets the link of
// « Mes formations » by e-mail — only for their own enrolments.
func TestTrainingAccount(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		tid := e.territory.ID
		p, err := e.app.Training.CreateProgram(ctx, tid, training.ProgramInput{Name: "Laboratoire leadership citoyen",
			Audience: training.AudienceCitizens, MinAttendance: "80", Certificate: true})
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.app.Training.CreateCohort(ctx, tid, training.CohortInput{ProgramID: p.ID, Name: "Automne", Places: []string{"becancour"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Training.AddSession(ctx, tid, 0, c.ID, training.SessionInput{Date: "2027-01-12", Start: "18:30", End: "21:00",
			VenueName: "Salle"}); err != nil {
			t.Fatal(err)
		}
		if err := e.app.Training.SetStatus(ctx, tid, c.ID, training.Open, ""); err != nil {
			t.Fatal(err)
		}
		mine, err := e.app.Training.Enrol(ctx, tid, c.ID, training.LearnerInput{Name: "Rita", Email: "rita@exemple.org"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.app.Training.Enrol(ctx, tid, c.ID, training.LearnerInput{Name: "Autre", Email: "autre@exemple.org"})
		if err != nil {
			t.Fatal(err)
		}
		e.user("rita@exemple.org", auth.RoleCitizen)
		cl := e.client(t)
		cl.signIn("rita@exemple.org")
		r := cl.get("/compte")
		expectStatus(t, r, 200)
		expectContains(t, r, "Mes formations", "Laboratoire leadership citoyen — Automne", "M’envoyer le lien")
		if strings.Contains(r.body, "Autre") {
			t.Error("the account shows someone else's enrolment")
		}
		before := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`)
		r = cl.post("/compte/formations/lien", url.Values{"enrolment": {strconv.FormatInt(other.Enrolment.ID, 10)}})
		expectStatus(t, r, 404)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`); n != before {
			t.Fatalf("a link was sent for someone else's enrolment")
		}
		r = cl.post("/compte/formations/lien", url.Values{"enrolment": {strconv.FormatInt(mine.Enrolment.ID, 10)}})
		expectStatus(t, r, 303)
		expectContains(t, cl.follow(r), "Le lien de vos formations vous a été envoyé par courriel.")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'rita@exemple.org' AND subject LIKE 'Votre lien — %'`); n != 1 {
			t.Fatalf("%d links e-mailed to Rita, want 1", n)
		}
	})
}
