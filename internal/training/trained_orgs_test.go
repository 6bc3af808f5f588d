package training_test

import (
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/i18n"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/training"
)

// programCohort makes a program for audience (half of the sessions to
// complete, no project) and an open cohort with a session on each day.
func programCohort(t testing.TB, f *fixture, name, audience string, days ...string) (training.Program, training.Cohort) {
	t.Helper()
	p, err := f.s.CreateProgram(f.ctx, f.t.ID, training.ProgramInput{Name: name, Audience: audience, MinAttendance: "50"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.s.CreateCohort(f.ctx, f.t.ID, training.CohortInput{ProgramID: p.ID, Name: name + " " + days[0], Places: []string{"manseau"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range days {
		if _, err := f.s.AddSession(f.ctx, f.t.ID, 0, c.ID, training.SessionInput{Date: day, Start: "18:30", End: "21:00",
			VenueName: "Salle municipale"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.s.SetStatus(f.ctx, f.t.ID, c.ID, training.Open, ""); err != nil {
		t.Fatal(err)
	}
	if c, err = f.s.Cohort(f.ctx, f.t.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	return p, c
}

func (f *fixture) org(t testing.TB, name string, kind orgs.Kind) orgs.Organization {
	t.Helper()
	o, err := f.a.Orgs.Create(f.ctx, f.t.ID, 0, orgs.Input{Kind: kind, Name: name, PlaceSlugs: []string{"manseau"}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestIndicatorsPerAudience reads the people trained and completed per
// program's audience: two programs, one for citizens and one for
// municipalities, each with one cohort in September 2026 completed in
// October.
func TestIndicatorsPerAudience(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		_, cit := programCohort(t, f, "Laboratoire leadership citoyen", training.AudienceCitizens, "2026-09-15", "2026-09-22", "2026-09-29")
		_, mun := programCohort(t, f, "Participation citoyenne en municipalité", training.AudienceMunicipalities, "2026-09-16", "2026-09-23", "2026-09-30")
		council := f.org(t, "Conseil municipal de Manseau", orgs.MunicipalCouncil)
		// Citizens: Ana, Ben and Cyr come; Ana and Ben to two sessions or
		// more; Dan never comes.
		for _, l := range []training.LearnerInput{learner("Ana", "ana@exemple.org"), learner("Ben", "ben@exemple.org"),
			learner("Cyr", "cyr@exemple.org"), learner("Dan", "dan@exemple.org")} {
			if _, err := f.s.Enrol(f.ctx, tid, cit.ID, l); err != nil {
				t.Fatal(err)
			}
		}
		// Half the sessions to complete: one of three is not enough, two are.
		checkIn(t, f, cit, "ana@exemple.org", 0, 1, 2)
		checkIn(t, f, cit, "ben@exemple.org", 0, 1)
		checkIn(t, f, cit, "cyr@exemple.org", 2)
		// Municipalities: the council enrols Guy (one session) and Lise (none).
		if _, err := f.s.EnrolMembers(f.ctx, tid, mun.ID, council.ID, 0, []training.LearnerInput{learner("Guy Roy", "guy@exemple.org"),
			learner("Lise Morin", "lise@exemple.org")}, false); err != nil {
			t.Fatal(err)
		}
		checkIn(t, f, mun, "guy@exemple.org", 0, 1)
		f.a.Clock.Set(time.Date(2026, 10, 2, 15, 0, 0, 0, time.UTC))
		for _, c := range []training.Cohort{cit, mun} {
			if err := f.s.SetStatus(f.ctx, tid, c.ID, training.Completed, ""); err != nil {
				t.Fatal(err)
			}
		}
		sept := indicator.Scope{TerritoryID: tid, From: time.Date(2026, 9, 1, 4, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 1, 4, 0, 0, 0, time.UTC)}
		oct := indicator.Scope{TerritoryID: tid, From: sept.To, To: time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)}
		trained := func(a string) string { return training.PerAudience(training.IndicatorTrained, a) }
		completed := func(a string) string { return training.PerAudience(training.IndicatorCompleted, a) }
		want := map[string][2]float64{ // September, October
			training.IndicatorTrained:                  {4, 0},
			trained(training.AudienceCitizens):         {3, 0},
			trained(training.AudienceMunicipalities):   {1, 0},
			trained(training.AudienceOrganizations):    {0, 0},
			training.IndicatorCompleted:                {0, 3},
			completed(training.AudienceCitizens):       {0, 2},
			completed(training.AudienceMunicipalities): {0, 1},
			completed(training.AudienceSchools):        {0, 0},
			trained(training.AudienceBusinesses):       {0, 0},
			completed(training.AudienceBusinesses):     {0, 0},
			training.IndicatorMunicipalitiesTrained:    {1, 0},
		}
		for key, w := range want {
			for i, sc := range []indicator.Scope{sept, oct} {
				if v, err := f.s.Measure(f.ctx, key, sc); err != nil || v != w[i] {
					t.Errorf("%s in month %d = %v, %v; want %v", key, i, v, err, w[i])
				}
			}
		}
		// In Fortierville, where no cohort is given: nothing.
		far := sept
		far.PlaceSlug = "fortierville"
		if v, err := f.s.Measure(f.ctx, trained(training.AudienceCitizens), far); err != nil || v != 0 {
			t.Errorf("trained citizens in Fortierville = %v, %v", v, err)
		}
		// Every audience has both keys, declared and named in both languages;
		// an unknown audience is an unknown key.
		cat := i18n.MustLoad()
		for _, a := range training.Audiences {
			for _, key := range []string{trained(a), completed(a)} {
				if !indicator.Offers(f.s, key) {
					t.Errorf("%s not offered", key)
				}
				for _, lang := range []string{"fr", "en"} {
					if cat[lang]["indicator."+key] == "" || cat[lang]["indicator."+key+".help"] == "" {
						t.Errorf("catalog %s does not name %s", lang, key)
					}
				}
			}
		}
		if _, err := f.s.Measure(f.ctx, trained("aliens"), sept); err != indicator.ErrUnknown {
			t.Errorf("unknown audience: %v", err)
		}
	})
}

// TestTrainedOrganizations lists the organisations whose people were
// enrolled: the municipalities first, per program, with the counts and
// the latest cohort; a kind filters; a cancelled cohort, a withdrawn
// learner and an organisation without learners do not count.
func TestTrainedOrganizations(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		lab, spring := programCohort(t, f, "Laboratoire leadership citoyen", training.AudienceCitizens, "2026-09-15", "2026-09-22")
		_, fall := programCohort(t, f, "Laboratoire leadership citoyen 2", training.AudienceCitizens, "2026-11-03")
		// A second cohort of the same program, later.
		later, err := f.s.CreateCohort(f.ctx, tid, training.CohortInput{ProgramID: lab.ID, Name: "Hiver 2027", Places: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddSession(f.ctx, tid, 0, later.ID, training.SessionInput{Date: "2027-01-12", Start: "18:30", End: "21:00",
			VenueName: "Salle"}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetStatus(f.ctx, tid, later.ID, training.Open, ""); err != nil {
			t.Fatal(err)
		}
		mun, munCohort := programCohort(t, f, "Participation citoyenne en municipalité", training.AudienceMunicipalities, "2026-09-16")
		_, cancelled := programCohort(t, f, "Atelier annulé", training.AudienceOrganizations, "2026-10-20")

		council := f.org(t, "Conseil municipal de Manseau", orgs.MunicipalCouncil)
		mdj := f.org(t, "Maison des jeunes", orgs.Nonprofit)
		aines := f.org(t, "Club des aînés", orgs.Nonprofit)
		f.org(t, "Cercle de fermières", orgs.Nonprofit) // no learner
		enrol := func(c training.Cohort, org int64, people ...string) {
			t.Helper()
			var list []training.LearnerInput
			for _, p := range people {
				list = append(list, learner(p, p+"@exemple.org"))
			}
			if _, err := f.s.EnrolMembers(f.ctx, tid, c.ID, org, 0, list, false); err != nil {
				t.Fatal(err)
			}
		}
		enrol(munCohort, council.ID, "guy", "lise")
		enrol(spring, mdj.ID, "zoe", "max", "leo")
		later, _ = f.s.Cohort(f.ctx, tid, later.ID)
		enrol(later, mdj.ID, "ines")
		enrol(fall, mdj.ID, "noe")
		enrol(cancelled, aines.ID, "rita")
		if err := f.s.SetStatus(f.ctx, tid, cancelled.ID, training.Cancelled, "Trop peu d’inscriptions"); err != nil {
			t.Fatal(err)
		}
		// Leo withdraws; Zoe and Max come; the spring cohort is completed.
		list, _ := f.s.OfOrganization(f.ctx, tid, mdj.ID)
		for _, e := range list {
			if e.Name == "leo" {
				if err := f.s.WithdrawEnrolment(f.ctx, tid, e.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		checkIn(t, f, spring, "zoe@exemple.org", 0, 1)
		checkIn(t, f, spring, "max@exemple.org", 0)
		checkIn(t, f, munCohort, "guy@exemple.org", 0)
		f.a.Clock.Set(time.Date(2026, 10, 2, 15, 0, 0, 0, time.UTC))
		for _, c := range []training.Cohort{spring, munCohort} {
			if err := f.s.SetStatus(f.ctx, tid, c.ID, training.Completed, ""); err != nil {
				t.Fatal(err)
			}
		}

		got, err := f.s.TrainedOrganizations(f.ctx, tid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != council.ID || !got[0].Municipal || got[1].ID != mdj.ID || got[1].Municipal {
			t.Fatalf("organisations: %+v", got)
		}
		c := got[0].Programs
		if len(c) != 1 || c[0].Program.ID != mun.ID || c[0].Enrolled != 2 || c[0].Completed != 1 || c[0].Last.ID != munCohort.ID ||
			!c[0].LastDate.Equal(munCohort.Starts()) {
			t.Fatalf("the council's programs: %+v", c)
		}
		m := got[1].Programs
		if len(m) != 2 || m[0].Program.ID != lab.ID || m[1].Program.ID != fall.ProgramID {
			t.Fatalf("the maison des jeunes' programs: %+v", m)
		}
		// Zoe (2 of 2), Max (1 of 2: 50 %) completed; Leo withdrew; Ines
		// is in the winter cohort, the latest.
		if m[0].Cohorts != 2 || m[0].Enrolled != 3 || m[0].Completed != 2 || m[0].Last.ID != later.ID || m[0].LastDate.Year() != 2027 {
			t.Fatalf("the laboratory: %+v", m[0])
		}
		if m[1].Enrolled != 1 || m[1].Completed != 0 || m[1].Last.ID != fall.ID {
			t.Fatalf("the second program: %+v", m[1])
		}
		only, err := f.s.TrainedOrganizations(f.ctx, tid, []string{string(orgs.Nonprofit)})
		if err != nil || len(only) != 1 || only[0].ID != mdj.ID {
			t.Fatalf("non-profits only: %+v, %v", only, err)
		}
		none, err := f.s.TrainedOrganizations(f.ctx, tid, []string{string(orgs.School)})
		if err != nil || len(none) != 0 {
			t.Fatalf("schools: %+v, %v", none, err)
		}
	})
}
