package demo

import (
	"context"
	"fmt"

	"implique/internal/app"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/territory"
	"implique/internal/training"
)

// demoProgram is a training program of the demo and its cohorts.
type demoProgram struct {
	in      training.ProgramInput
	cohorts []demoCohort
}

// demoCohort is one run: its sessions (days from today), its learners
// (by organisation when org is set) and who came to which session.
type demoCohort struct {
	name, trainers, capacity, price string
	places                          []string
	venue                           string
	sessions                        []int
	learners                        []demoLearner
	// status is where it stands today: completed, running or open.
	status training.Status
}

type demoLearner struct {
	name, phone, org string
	// came lists the sessions attended, by index.
	came    []int
	project bool
}

var trainingPrograms = []demoProgram{
	{in: training.ProgramInput{Name: "Laboratoire leadership citoyen", Audience: training.AudienceCitizens,
		Summary:    "Un parcours en petit groupe pour les citoyennes et citoyens qui veulent porter un projet dans leur municipalité.",
		Objectives: "Reconnaître ses forces de leader, rallier des voisins autour d’une idée, mener un premier projet jusqu’au bout.",
		Modules:    "Mon leadership, mes valeurs\nMobiliser autour d’une idée\nAnimer une rencontre citoyenne\nDu projet à l’action\u00a0: présentation des projets",
		Duration:   "4 rencontres de 2 h 30, aux deux semaines", MinAttendance: "75", ProjectRequired: true, Certificate: true},
		cohorts: []demoCohort{
			{name: "Printemps 2026 — Bécancour", trainers: "Julie Tremblay, Marc-André Lavoie", capacity: "12", places: []string{"becancour"},
				venue: "Centre culturel de Bécancour", sessions: []int{-220, -206, -192, -178}, status: training.Completed,
				learners: []demoLearner{
					{name: "Hélène Bourassa", phone: "819 555-2101", came: []int{0, 1, 2, 3}, project: true},
					{name: "Patrick Désilets", phone: "819 555-2102", came: []int{0, 1, 3}, project: true},
					{name: "Nadia Ouellet", phone: "819 555-2103", came: []int{0, 1, 2, 3}, project: true},
					{name: "Gilles Beaudet", phone: "819 555-2104", came: []int{0, 2}},
					{name: "Sophie Lemire", phone: "819 555-2105", came: []int{0, 1, 2, 3}, project: true},
				}},
			{name: "Automne 2026 — Fortierville", trainers: "Julie Tremblay", capacity: "10", places: []string{"fortierville", "parisville"},
				venue: "Salle municipale de Fortierville", sessions: []int{-24, -10, 4, 18}, status: training.Running,
				learners: []demoLearner{
					{name: "Luc Hamel", phone: "819 555-2106", came: []int{0, 1}},
					{name: "Micheline Tousignant", phone: "819 555-2107", came: []int{0, 1}},
					{name: "Kevin Rheault", phone: "819 555-2108", came: []int{1}},
					{name: "Annie Lacerte", phone: "819 555-2109", came: []int{0}},
				}},
		}},
	{in: training.ProgramInput{Name: "Faire équipe avec sa communauté", Audience: training.AudienceOrganizations,
		Summary:    "Une formation pour les organismes et les comités qui veulent accueillir, garder et reconnaître leurs bénévoles.",
		Objectives: "Mieux accueillir les nouveaux bénévoles, partager les tâches, préparer la relève du conseil d’administration.",
		Modules:    "Accueillir un nouveau bénévole\nPartager les tâches sans s’épuiser\nPréparer la relève",
		Duration:   "3 ateliers de 3 h", MinAttendance: "66", Certificate: true},
		cohorts: []demoCohort{
			{name: "Hiver 2026 — Manseau", trainers: "Marc-André Lavoie", capacity: "15", places: []string{"manseau"},
				venue: "Salle paroissiale de Manseau", sessions: []int{-130, -123, -116}, status: training.Completed,
				learners: []demoLearner{
					{name: "Réjean Houle", phone: "819 555-2110", org: "Comité des loisirs de Manseau", came: []int{0, 1, 2}},
					{name: "Carole Vallée", phone: "819 555-2111", org: "Comité des loisirs de Manseau", came: []int{0, 2}},
					{name: "Thérèse Gagnon", phone: "819 555-2112", org: "Club de l’âge d’or de Fortierville", came: []int{0, 1, 2}},
					{name: "Yvon Marcotte", phone: "819 555-2113", org: "Popote roulante de Sainte-Françoise", came: []int{1}},
				}},
			{name: "Hiver 2027 — Saint-Pierre-les-Becquets", trainers: "Marc-André Lavoie", capacity: "12", price: "20",
				places: []string{"saint-pierre-les-becquets", "deschaillons-sur-saint-laurent"}, venue: "Centre communautaire",
				sessions: []int{40, 47, 54}, status: training.Open,
				learners: []demoLearner{
					{name: "Diane Pépin", phone: "819 555-2114", org: "Comité culturel de Deschaillons-sur-Saint-Laurent"},
					{name: "François Grenier", phone: "819 555-2115", org: "Corporation de développement de Saint-Sylvère"},
				}},
		}},
	{in: training.ProgramInput{Name: "Formation des municipalités en participation citoyenne", Audience: training.AudienceMunicipalities,
		Summary:    "Pour les élus et le personnel municipal\u00a0: associer les citoyens aux décisions, de la consultation à la coconstruction.",
		Objectives: "Connaître les degrés de participation, planifier une consultation, rendre compte aux citoyens de ce qui a été retenu.",
		Modules:    "Les degrés de la participation citoyenne\nPlanifier une consultation\nRendre compte aux citoyens",
		Duration:   "2 soirées de 3 h", MinAttendance: "100", Certificate: true},
		cohorts: []demoCohort{
			{name: "Automne 2026 — élus de la MRC", trainers: "Julie Tremblay", capacity: "20", places: []string{"lemieux", "sainte-marie-de-blandford"},
				venue: "Hôtel de ville de Lemieux", sessions: []int{-60, -46}, status: training.Completed,
				learners: []demoLearner{
					{name: "Robert Lemieux", phone: "819 555-2116", org: "Conseil municipal de Lemieux", came: []int{0, 1}},
					{name: "Chantal Rivard", phone: "819 555-2117", org: "Conseil municipal de Lemieux", came: []int{0, 1}},
					{name: "Denis Morin", phone: "819 555-2118", org: "Conseil municipal de Lemieux", came: []int{0}},
					{name: "Lucie Baril", phone: "819 555-2119", org: "Comité de sécurité civile de Sainte-Marie-de-Blandford", came: []int{0, 1}},
				}},
		}},
}

// seedTraining adds the three programs, one completed cohort of each
// (with certificates), one running and one open.
func seedTraining(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	ts := st.Training
	existing, err := ts.Programs(ctx, t.ID, true)
	if err != nil || len(existing) > 0 {
		return err
	}
	staff, err := st.Auth.UserByEmail(ctx, "julie.tremblay@demo.implique.test")
	if err != nil {
		return err
	}
	opts, err := st.Orgs.Options(ctx, t.ID)
	if err != nil {
		return err
	}
	orgIDs := map[string]int64{}
	for _, o := range opts {
		orgIDs[o.Name] = o.ID
	}
	for _, dp := range trainingPrograms {
		s.tellOn(dp.cohorts[0].sessions[0]-45, 10, 0)
		p, err := ts.CreateProgram(ctx, t.ID, dp.in)
		if err != nil {
			return fmt.Errorf("demo training program %s: %w", dp.in.Name, err)
		}
		for _, dc := range dp.cohorts {
			if err := seedCohort(ctx, st, t, s, p, dc, staff.ID, orgIDs); err != nil {
				return fmt.Errorf("demo cohort %s: %w", dc.name, err)
			}
		}
	}
	return nil
}

func seedCohort(ctx context.Context, st *app.App, t territory.Territory, s *story, p training.Program, dc demoCohort,
	staffID int64, orgIDs map[string]int64) error {
	ts := st.Training
	first := dc.sessions[0]
	s.tellOn(first-40, 10, 0)
	c, err := ts.CreateCohort(ctx, t.ID, training.CohortInput{ProgramID: p.ID, Name: dc.name, Trainers: dc.trainers,
		Capacity: dc.capacity, Price: dc.price, Places: dc.places})
	if err != nil {
		return err
	}
	for _, d := range dc.sessions {
		if _, err := ts.AddSession(ctx, t.ID, staffID, c.ID, training.SessionInput{Date: s.day(d).Format("2006-01-02"),
			Start: "18:30", End: "21:00", PlaceSlug: dc.places[0], VenueName: dc.venue}); err != nil {
			return err
		}
	}
	if err := ts.SetStatus(ctx, t.ID, c.ID, training.Open, ""); err != nil {
		return err
	}
	ids := make([]int64, len(dc.learners))
	for i, l := range dc.learners {
		s.tellOn(first-30+i*2, 11, 0)
		// Phones only: the demo's people are fictional, nobody is e-mailed.
		in := training.LearnerInput{Name: l.name, Phone: l.phone, ConsentContact: true, Lang: "fr"}
		var out training.Outcome
		if l.org != "" {
			org, ok := orgIDs[l.org]
			if !ok {
				return fmt.Errorf("no organisation %q", l.org)
			}
			list, err := ts.EnrolMembers(ctx, t.ID, c.ID, org, staffID, []training.LearnerInput{in}, false)
			if err != nil {
				return err
			}
			out = list[0]
		} else if out, err = ts.Enrol(ctx, t.ID, c.ID, in); err != nil {
			return err
		}
		ids[i] = out.Enrolment.ID
	}
	if dc.status == training.Open {
		return nil
	}
	c, err = ts.Cohort(ctx, t.ID, c.ID)
	if err != nil {
		return err
	}
	s.tellOn(first-1, 9, 0)
	if err := ts.SetStatus(ctx, t.ID, c.ID, training.Running, ""); err != nil {
		return err
	}
	for i, d := range dc.sessions {
		if d >= 0 {
			break
		}
		s.tellOn(d, 18, 40)
		regs, err := st.Events.Registrations(ctx, t.ID, c.Sessions[i].ID)
		if err != nil {
			return err
		}
		came := map[string]bool{}
		for _, l := range dc.learners {
			for _, k := range l.came {
				if k == i {
					came[i18n.PhoneKey(l.phone)] = true
				}
			}
		}
		for _, r := range regs {
			if r.Status == events.Confirmed && came[i18n.PhoneKey(r.Phone)] {
				if err := st.Events.CheckIn(ctx, t.ID, r.ID, true); err != nil {
					return err
				}
			}
		}
		s.tellOn(d, 21, 30)
		if _, err := st.Events.Close(ctx, t.ID, c.Sessions[i].ID, events.Report{}); err != nil {
			return err
		}
	}
	if dc.status != training.Completed {
		return nil
	}
	last := dc.sessions[len(dc.sessions)-1]
	s.tellOn(last, 21, 45)
	if _, err := ts.SendEvaluation(ctx, t.ID, c.ID, c.Sessions[len(c.Sessions)-1].ID, staffID, true); err != nil {
		return err
	}
	s.tellOn(last+3, 10, 0)
	for i, l := range dc.learners {
		if l.project {
			if err := ts.SetProject(ctx, t.ID, ids[i], true); err != nil {
				return err
			}
		}
	}
	if err := ts.SetStatus(ctx, t.ID, c.ID, training.Completed, ""); err != nil {
		return err
	}
	_, err = ts.IssueCertificates(ctx, t.ID, c.ID)
	return err
}
