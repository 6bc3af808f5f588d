package training_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/training"
)

type fixture struct {
	a   *app.App
	s   *training.Store
	t   territory.Territory
	d   *db.DB
	ctx context.Context
}

var start = time.Date(2026, 9, 1, 15, 0, 0, 0, time.UTC)

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	a := testkit.App(t, d, start)
	return &fixture{a: a, s: a.Training, t: testkit.Territory(t, a.Territories), d: d, ctx: context.Background()}
}

// cohort makes a program (80 % and a project) and an open cohort of
// capacity seats with three weekly sessions from 2026-09-15.
func (f *fixture) cohort(t testing.TB, capacity string) (training.Program, training.Cohort) {
	t.Helper()
	p, err := f.s.CreateProgram(f.ctx, f.t.ID, training.ProgramInput{Name: "Laboratoire leadership citoyen",
		Audience: training.AudienceCitizens, Modules: "Se connaître\n- Mobiliser\n\nPasser à l’action", MinAttendance: "66 %",
		ProjectRequired: true, Certificate: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.s.CreateCohort(f.ctx, f.t.ID, training.CohortInput{ProgramID: p.ID, Name: "Automne 2026", Trainers: "Marie Côté",
		Capacity: capacity, Price: "0", Places: []string{"becancour", "manseau"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"2026-09-15", "2026-09-22", "2026-09-29"} {
		if _, err := f.s.AddSession(f.ctx, f.t.ID, 0, c.ID, training.SessionInput{Date: day, Start: "18 h 30", End: "21:00",
			VenueName: "Salle municipale"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.s.SetStatus(f.ctx, f.t.ID, c.ID, training.Open, ""); err != nil {
		t.Fatal(err)
	}
	c, err = f.s.Cohort(f.ctx, f.t.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

func learner(name, email string) training.LearnerInput {
	return training.LearnerInput{Name: name, Email: email, ConsentContact: true, Lang: "fr"}
}

func TestProgramsAndCohorts(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		_, err := f.s.CreateProgram(f.ctx, tid, training.ProgramInput{Name: " ", Audience: "aliens", MinAttendance: "120"})
		testkit.WantFields(t, err, "name", "audience", "min_attendance")
		p, c := f.cohort(t, "2")
		if p.MinAttendance != 66 || len(p.ModuleList()) != 3 || p.ModuleList()[1] != "Mobiliser" {
			t.Fatalf("program %+v, modules %q", p, p.ModuleList())
		}
		if c.Status != training.Open || len(c.Sessions) != 3 || len(c.Places) != 2 || !c.Free() || *c.SeatsLeft() != 2 {
			t.Fatalf("cohort %+v", c)
		}
		ev := c.Sessions[0]
		if ev.Kind != events.Training || ev.SignUpVia != c.Path() || ev.PublishAt == nil || ev.PlaceSlug != "becancour" {
			t.Fatalf("session %+v", ev)
		}
		// Bad input writes nothing.
		_, err = f.s.CreateCohort(f.ctx, tid, training.CohortInput{ProgramID: p.ID, Name: "", Capacity: "0", Price: "-3",
			Places: []string{"atlantis"}})
		testkit.WantFields(t, err, "name", "capacity", "price", "places")
		_, err = f.s.AddSession(f.ctx, tid, 0, c.ID, training.SessionInput{Date: "9999-12-31", Start: "25:00", End: "21:00"})
		testkit.WantFields(t, err, "date", "start", "venue_name")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM training_cohorts`); n != 1 {
			t.Fatalf("%d cohorts", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM training_sessions`); n != 3 {
			t.Fatalf("%d sessions", n)
		}
		// The public sign-up of a session refuses: one enrols in the cohort.
		_, err = f.a.Events.Register(f.ctx, tid, ev.ID, events.RegistrationInput{Name: "X", Email: "x@exemple.org", PartySize: 1}, events.SourceWeb)
		testkit.WantError(t, err, errs.Conflict, "errors.event_sign_up_via")
		// Status moves.
		testkit.WantError(t, f.s.SetStatus(f.ctx, tid, c.ID, training.Completed, ""), errs.Conflict, "errors.training_not_over")
		testkit.WantFields(t, f.s.SetStatus(f.ctx, tid, c.ID, training.Cancelled, " "), "reason")
		list, err := f.s.Cohorts(f.ctx, tid, training.CohortFilter{Public: true, Place: "manseau"})
		if err != nil || len(list) != 1 {
			t.Fatalf("public cohorts in Manseau: %d, %v", len(list), err)
		}
		list, _ = f.s.Cohorts(f.ctx, tid, training.CohortFilter{Public: true, Place: "fortierville"})
		if len(list) != 0 {
			t.Fatalf("%d cohorts in Fortierville", len(list))
		}
	})
}

func TestEnrolmentWaitlistAndWithdrawal(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		_, c := f.cohort(t, "2")
		_, err := f.s.Enrol(f.ctx, tid, c.ID, training.LearnerInput{Name: "", Email: "pas-un-courriel"})
		testkit.WantFields(t, err, "name", "email")
		a, err := f.s.Enrol(f.ctx, tid, c.ID, learner("Alice Tremblay", "alice@exemple.org"))
		if err != nil || a.Token == "" || a.Enrolment.Status != training.Confirmed {
			t.Fatalf("enrol: %+v, %v", a, err)
		}
		// Registered to the three sessions, without the events' own e-mail.
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM registrations WHERE email = 'alice@exemple.org' AND status = 'confirmed' AND source = 'training'`); n != 3 {
			t.Fatalf("%d registrations", n)
		}
		again, err := f.s.Enrol(f.ctx, tid, c.ID, learner("Alice T.", "ALICE@exemple.org"))
		if err != nil || !again.Existing || again.Token != "" {
			t.Fatalf("enrol twice: %+v, %v", again, err)
		}
		if _, err := f.s.Enrol(f.ctx, tid, c.ID, learner("Bruno", "bruno@exemple.org")); err != nil {
			t.Fatal(err)
		}
		// Full: refused unless the wait-list is accepted; nothing written.
		_, err = f.s.Enrol(f.ctx, tid, c.ID, learner("Chloé", "chloe@exemple.org"))
		testkit.WantError(t, err, errs.Conflict, "errors.training_full")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM training_enrolments`); n != 2 {
			t.Fatalf("%d enrolments after a refusal", n)
		}
		in := learner("Chloé", "chloe@exemple.org")
		in.Waitlist = true
		w, err := f.s.Enrol(f.ctx, tid, c.ID, in)
		if err != nil || w.Enrolment.Status != training.Waitlisted || w.Enrolment.WaitlistPosition != 1 {
			t.Fatalf("wait-list: %+v, %v", w, err)
		}
		// Alice withdraws through her link: Chloé gets the seat and the sessions.
		if err := f.s.WithdrawByToken(f.ctx, a.Token); err != nil {
			t.Fatal(err)
		}
		got, _ := f.s.Enrolment(f.ctx, tid, w.Enrolment.ID)
		if got.Status != training.Confirmed {
			t.Fatalf("Chloé is %s", got.Status)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM registrations WHERE email = 'alice@exemple.org' AND status = 'confirmed'`); n != 0 {
			t.Fatalf("Alice keeps %d registrations", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM registrations WHERE email = 'chloe@exemple.org' AND status = 'confirmed'`); n != 3 {
			t.Fatalf("Chloé has %d registrations", n)
		}
		mine, err := f.s.Mine(f.ctx, a.Token, "")
		if err != nil || len(mine) != 1 || mine[0].Status != training.Withdrawn {
			t.Fatalf("mine: %+v, %v", mine, err)
		}
		// A cancelled cohort takes nobody.
		if err := f.s.SetStatus(f.ctx, tid, c.ID, training.Cancelled, "Trop peu d’inscriptions"); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Enrol(f.ctx, tid, c.ID, learner("Denis", "denis@exemple.org"))
		testkit.WantError(t, err, errs.Conflict, "errors.training_not_open.cancelled")
		cc, _ := f.s.Cohort(f.ctx, tid, c.ID)
		for _, ev := range cc.Sessions {
			if ev.CancelledAt == nil {
				t.Fatalf("session %d not cancelled", ev.ID)
			}
		}
	})
}

func TestOrganizationEnrolsMembers(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		_, c := f.cohort(t, "3")
		org, err := f.a.Orgs.Create(f.ctx, tid, 0, orgs.Input{Kind: orgs.MunicipalCouncil, Name: "Conseil municipal de Manseau",
			PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		// One bad row: nobody is enrolled.
		_, err = f.s.EnrolMembers(f.ctx, tid, c.ID, org.ID, 0, []training.LearnerInput{learner("Guy Roy", "guy@exemple.org"),
			{Name: "Lise"}}, false)
		testkit.WantFields(t, err, "member1_email", "member1_phone")
		// More than the seats: nobody.
		_, err = f.s.EnrolMembers(f.ctx, tid, c.ID, org.ID, 0, []training.LearnerInput{learner("A", "a@exemple.org"),
			learner("B", "b@exemple.org"), learner("C", "c@exemple.org"), learner("D", "d@exemple.org")}, false)
		testkit.WantError(t, err, errs.Conflict, "errors.training_full")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM training_enrolments`); n != 0 {
			t.Fatalf("%d enrolments", n)
		}
		out, err := f.s.EnrolMembers(f.ctx, tid, c.ID, org.ID, 0, []training.LearnerInput{learner("Guy Roy", "guy@exemple.org"),
			{Name: "Lise Morin", Phone: "819 555-0101"}}, false)
		if err != nil || len(out) != 2 {
			t.Fatalf("members: %v", err)
		}
		list, err := f.s.OfOrganization(f.ctx, tid, org.ID)
		if err != nil || len(list) != 2 || list[0].OrganizationName != org.Name {
			t.Fatalf("of organisation: %+v, %v", list, err)
		}
		_, err = f.s.EnrolMembers(f.ctx, tid, c.ID, org.ID, 0, []training.LearnerInput{learner("Guy", "guy@exemple.org")}, false)
		testkit.WantFields(t, err, "member0_name")

		// Guy comes to all three sessions, Lise to one.
		checkIn(t, f, c, "guy@exemple.org", 0, 1, 2)
		checkIn(t, f, c, "", 0)
		f.a.Clock.Set(time.Date(2026, 10, 5, 15, 0, 0, 0, time.UTC))
		g, err := f.s.Grid(f.ctx, tid, c.ID)
		if err != nil || len(g.Rows) != 2 {
			t.Fatalf("grid: %v", err)
		}
		for _, r := range g.Rows {
			want := map[string]int{"Guy Roy": 3, "Lise Morin": 1}[r.Name]
			if r.Attended != want || r.Total != 3 || r.Past != 3 {
				t.Fatalf("%s attended %d of %d", r.Name, r.Attended, r.Total)
			}
			if r.RuleMet {
				t.Fatalf("%s meets the rule without a project", r.Name)
			}
		}
		scope := indicator.Scope{TerritoryID: tid, From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
		for key, want := range map[string]float64{training.IndicatorTrained: 2, training.IndicatorMunicipalitiesTrained: 1,
			training.IndicatorOrganizationsTrained: 1, training.IndicatorCompleted: 0} {
			v, err := f.s.Measure(f.ctx, key, scope)
			if err != nil || v != want {
				t.Errorf("%s = %v, %v; want %v", key, v, err, want)
			}
		}
		scope.PlaceSlug = "fortierville"
		if v, _ := f.s.Measure(f.ctx, training.IndicatorTrained, scope); v != 0 {
			t.Errorf("trained in Fortierville = %v", v)
		}
	})
}

// checkIn checks a learner (by e-mail; "" for the one without) in at the
// cohort's sessions of these indexes, through the events' check-in.
func checkIn(t testing.TB, f *fixture, c training.Cohort, email string, sessions ...int) {
	t.Helper()
	for _, i := range sessions {
		regs, err := f.a.Events.Registrations(f.ctx, f.t.ID, c.Sessions[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range regs {
			if r.Email == email && r.Status == events.Confirmed {
				if err := f.a.Events.CheckIn(f.ctx, f.t.ID, r.ID, true); err != nil {
					t.Fatal(err)
				}
				found = true
			}
		}
		if !found {
			t.Fatalf("no registration of %q at session %d", email, i)
		}
	}
}

func TestCompletionAndCertificates(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		_, c := f.cohort(t, "")
		var ids []int64
		for _, l := range []training.LearnerInput{learner("Ana", "ana@exemple.org"), learner("Ben", "ben@exemple.org"),
			learner("Cyr", "cyr@exemple.org")} {
			o, err := f.s.Enrol(f.ctx, tid, c.ID, l)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, o.Enrolment.ID)
		}
		checkIn(t, f, c, "ana@exemple.org", 0, 1, 2)
		checkIn(t, f, c, "ben@exemple.org", 0, 1)
		checkIn(t, f, c, "cyr@exemple.org", 0)
		for _, id := range ids[:2] {
			if err := f.s.SetProject(f.ctx, tid, id, true); err != nil {
				t.Fatal(err)
			}
		}
		// Staff decide for Cyr, with a reason; a decision without one is refused.
		testkit.WantFields(t, f.s.Decide(f.ctx, tid, ids[2], 0, training.DecidedCompleted, ""), "reason")
		if err := f.s.Decide(f.ctx, tid, ids[2], 0, training.DecidedCompleted, "Absent pour raison de santé, projet remis plus tard"); err != nil {
			t.Fatal(err)
		}
		// No certificate before the cohort is completed.
		_, err := f.s.IssueCertificate(f.ctx, tid, ids[0])
		testkit.WantError(t, err, errs.Conflict, "errors.training_certificate_not_over")
		f.a.Clock.Set(time.Date(2026, 10, 2, 15, 0, 0, 0, time.UTC))
		if err := f.s.SetStatus(f.ctx, tid, c.ID, training.Completed, ""); err != nil {
			t.Fatal(err)
		}
		g, _ := f.s.Grid(f.ctx, tid, c.ID)
		done := map[string]bool{}
		for _, r := range g.Rows {
			done[r.Name] = r.Done
		}
		// Ana: 3/3 and project; Ben: 2/3 = 66 % and project; Cyr: staff's decision.
		if !done["Ana"] || !done["Ben"] || !done["Cyr"] {
			t.Fatalf("completion %v", done)
		}
		// Staff take Cyr's completion back: written at once.
		if err := f.s.Decide(f.ctx, tid, ids[2], 0, training.DecidedNotCompleted, "Projet jamais remis"); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.IssueCertificate(f.ctx, tid, ids[2])
		testkit.WantError(t, err, errs.Conflict, "errors.training_certificate_not_completed")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM training_enrolments WHERE certificate_code IS NOT NULL`); n != 0 {
			t.Fatalf("%d codes before any certificate", n)
		}
		certs, err := f.s.IssueCertificates(f.ctx, tid, c.ID)
		if err != nil || len(certs) != 2 || certs[0].Code == "" || certs[0].Attended != 3 || certs[1].Attended != 2 {
			t.Fatalf("certificates: %+v, %v", certs, err)
		}
		again, err := f.s.IssueCertificate(f.ctx, tid, ids[0])
		if err != nil || again.Code != certs[0].Code {
			t.Fatalf("the same certificate asked again: %q, %v", again.Code, err)
		}
		v, err := f.s.VerifyCertificate(f.ctx, tid, " "+lower(certs[1].Code))
		if err != nil || v.Holder != "Ben" || !v.Valid || v.Program != "Laboratoire leadership citoyen" {
			t.Fatalf("verify: %+v, %v", v, err)
		}
		_, err = f.s.VerifyCertificate(f.ctx, tid, "AAAA-BBBB-CCCC")
		testkit.WantCode(t, err, errs.NotFound)
		scope := indicator.Scope{TerritoryID: tid, From: time.Date(2026, 10, 1, 4, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)}
		for key, want := range map[string]float64{training.IndicatorCompleted: 2, training.IndicatorCohortsCompleted: 1,
			training.IndicatorTrained: 0} {
			v, err := f.s.Measure(f.ctx, key, scope)
			if err != nil || v != want {
				t.Errorf("%s = %v, %v; want %v", key, v, err, want)
			}
		}
		// Evaluations: the attendees who agreed to be contacted are invited once.
		n, err := f.s.SendEvaluation(f.ctx, tid, c.ID, c.Sessions[2].ID, 0, true)
		if err != nil || n != 1 {
			t.Fatalf("final evaluation: %d, %v", n, err)
		}
		n, err = f.s.SendEvaluation(f.ctx, tid, c.ID, c.Sessions[2].ID, 0, true)
		if err != nil || n != 0 {
			t.Fatalf("final evaluation again: %d, %v", n, err)
		}
		n, err = f.s.SendEvaluation(f.ctx, tid, c.ID, c.Sessions[0].ID, 0, false)
		if err != nil || n != 3 {
			t.Fatalf("session evaluation: %d, %v", n, err)
		}
	})
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
