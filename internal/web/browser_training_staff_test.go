package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/training"

	"github.com/chromedp/chromedp"
)

// TestBrowserJourneyTrainingStaff: a facilitator creates a program and a
// cohort, adds a session, opens enrolment, sees a learner enrolled, marks
// the cohort completed once the session is past and downloads the
// certificates — every page checked with axe at 1280 px, then again on a
// 360 px phone.
func TestBrowserJourneyTrainingStaff(t *testing.T) {
	desk := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	loc := e.territory.Location()
	clock := e.staffClock(time.Date(2026, 11, 2, 10, 0, 0, 0, loc))
	e.user("formation@exemple.org", auth.RoleFacilitator)
	ctx, tid := context.Background(), e.territory.ID
	staffSignIn(t, desk, e, "formation@exemple.org")
	visited := []string{}
	here := func(name string) {
		t.Helper()
		browsertest.CheckAccessibility(t, desk, name)
		u, err := chromedp.Run(desk, chromedp.Evaluate[string]("location.href"))
		if err != nil {
			t.Fatal(err)
		}
		visited = append(visited, u)
	}
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/formations"]`)
	here("formations")

	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/formations/programmes/nouveau"]`)
	here("nouveau programme")
	browsertest.SetValue(t, desk, "#name", "Laboratoire leadership citoyen")
	browsertest.SetValue(t, desk, "#audience", "citizens")
	browsertest.SetValue(t, desk, "#summary", "Apprendre à mener un projet dans sa communauté.")
	browsertest.SetValue(t, desk, "#modules", "Se connaître\nMobiliser son monde")
	browsertest.SetValue(t, desk, "#min_attendance", "150")
	if st := browsertest.Submit(t, desk, "#name"); st != 422 {
		t.Fatalf("bad program: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "programme avec erreurs")
	if msg := browsertest.Text(t, desk, "#min_attendance-err"); !strings.Contains(msg, "pourcentage") {
		t.Errorf("error = %q", msg)
	}
	browsertest.SetValue(t, desk, "#min_attendance", "50")
	if st := browsertest.Submit(t, desk, "#name"); st != 200 {
		t.Fatalf("program: status %d", st)
	}
	here("programme")

	browsertest.ClickAndWaitLoad(t, desk, `a[href^="/admin/formations/cohortes/nouveau?programme="]`)
	here("nouvelle cohorte")
	browsertest.SetValue(t, desk, "#name", "Automne 2026")
	browsertest.SetValue(t, desk, "#trainers", "Julie Caron")
	browsertest.Click(t, desk, `input[name="places"][value="becancour"]`)
	if st := browsertest.Submit(t, desk, "#name"); st != 200 {
		t.Fatalf("cohort: status %d", st)
	}
	here("cohorte planifiée")

	browsertest.SetValue(t, desk, "#date", "2026-11-10")
	browsertest.SetValue(t, desk, "#start", "18:30")
	browsertest.SetValue(t, desk, "#end", "21:00")
	browsertest.SetValue(t, desk, "#venue_name", "Salle municipale")
	if st := browsertest.Submit(t, desk, "#venue_name"); st != 200 {
		t.Fatalf("session: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "cohorte avec une séance")
	if st := browsertest.Submit(t, desk, `input[name="status"][value="open"]`); st != 200 {
		t.Fatalf("open: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "cohorte ouverte")
	if got := browsertest.Text(t, desk, ".st-state .st-status"); got != "Inscriptions ouvertes" {
		t.Errorf("status = %q", got)
	}

	// A learner enrols on the public page (through the store).
	cohorts, err := e.app.Training.Cohorts(ctx, tid, training.CohortFilter{})
	if err != nil || len(cohorts) != 1 {
		t.Fatalf("cohorts %d %v", len(cohorts), err)
	}
	c := cohorts[0]
	if _, err := e.app.Training.Enrol(ctx, tid, c.ID, training.LearnerInput{Name: "Rosalie Tremblay", Email: "rosalie@exemple.org",
		Lang: "fr"}); err != nil {
		t.Fatal(err)
	}
	cohortPage := e.srv.URL + "/admin/formations/cohortes/" + id64(c.ID)
	browsertest.Visit(t, desk, cohortPage, "cohorte avec une personne inscrite")
	if txt := browsertest.Text(t, desk, "#participants + ul + div"); !strings.Contains(txt, "Rosalie Tremblay") {
		t.Errorf("learners = %q", txt)
	}

	// The session is past; she was there; the cohort is completed.
	clock.Set(time.Date(2026, 11, 11, 9, 0, 0, 0, loc))
	regs, err := e.events.Registrations(ctx, tid, c.Sessions[0].ID)
	if err != nil || len(regs) != 1 {
		t.Fatalf("registrations %d %v", len(regs), err)
	}
	if err := e.events.CheckIn(ctx, tid, regs[0].ID, true); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, desk, cohortPage, "cohorte après la séance")
	if st := browsertest.Submit(t, desk, `input[name="status"][value="running"]`); st != 200 {
		t.Fatalf("start: status %d", st)
	}
	if st := browsertest.Submit(t, desk, `input[name="status"][value="completed"]`); st != 200 {
		t.Fatalf("complete: status %d", st)
	}
	here("cohorte terminée")
	if got := browsertest.Text(t, desk, ".st-state .st-status"); got != "Terminée" {
		t.Errorf("status = %q", got)
	}
	bulk := browsertest.Attribute(t, desk, `a[href$="/attestations.pdf"]`, "href")
	if st, typ := fetchStatus(t, desk, bulk); st != 200 || typ != "application/pdf" {
		t.Errorf("certificates: %d %q", st, typ)
	}
	browsertest.ClickAndWaitLoad(t, desk, `a[href$="/presences"]`)
	here("présences")
	if txt := browsertest.Text(t, desk, "main"); !strings.Contains(txt, "Rosalie Tremblay") || !strings.Contains(txt, "✓") {
		t.Errorf("grid = %q", txt)
	}
	list, _ := e.app.Training.Enrolments(ctx, tid, c.ID)
	browsertest.Visit(t, desk, cohortPage+"/inscriptions/"+id64(list[0].ID)+"/retirer", "confirmation du retrait")
	visited = append(visited, cohortPage+"/inscriptions/"+id64(list[0].ID)+"/retirer")

	// The organisations trained: a council enrolled two members in a
	// cohort of the municipalities' program.
	council, err := e.app.Orgs.Create(ctx, tid, 0, orgs.Input{Kind: orgs.MunicipalCouncil, Name: "Conseil municipal de Bécancour",
		PlaceSlugs: []string{"becancour"}})
	if err != nil {
		t.Fatal(err)
	}
	mp, err := e.app.Training.CreateProgram(ctx, tid, training.ProgramInput{Name: "Participation citoyenne en municipalité",
		Audience: training.AudienceMunicipalities, MinAttendance: "50"})
	if err != nil {
		t.Fatal(err)
	}
	mc, err := e.app.Training.CreateCohort(ctx, tid, training.CohortInput{ProgramID: mp.ID, Name: "Hiver 2027", Places: []string{"becancour"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Training.AddSession(ctx, tid, 0, mc.ID, training.SessionInput{Date: "2027-01-12", Start: "18:30", End: "21:00",
		VenueName: "Hôtel de ville"}); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Training.SetStatus(ctx, tid, mc.ID, training.Open, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Training.EnrolMembers(ctx, tid, mc.ID, council.ID, 0, []training.LearnerInput{
		{Name: "Marc Roy", Email: "marc@exemple.org", Lang: "fr"}, {Name: "Ève Roy", Email: "eve@exemple.org", Lang: "fr"}}, false); err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, desk, e.srv.URL+"/admin/formations", "formations avant les organismes")
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/formations/organismes"]`)
	here("organismes formés")
	if txt := browsertest.Text(t, desk, "main table"); !strings.Contains(txt, "Conseil municipal de Bécancour") || !strings.Contains(txt, "Hiver 2027") {
		t.Errorf("organisations trained = %q", txt)
	}

	// The same pages on a small phone.
	phone := browsertest.New(t, browsertest.PhoneSize(360, 740))
	staffSignIn(t, phone, e, "formation@exemple.org")
	for _, u := range visited {
		browsertest.Visit(t, phone, u, "téléphone "+u)
		if probs := browsertest.LayoutOf(t, phone).Problems(); len(probs) > 0 {
			t.Errorf("%s on a phone: %v", u, probs)
		}
	}
	shot(t, phone, "training-staff-cohorte")
}
