package demo

import (
	"context"

	"implique/internal/app"
	"implique/internal/calendar"
	"implique/internal/funding"
	"implique/internal/territory"
)

// seedFunding tells the program's search for funding: a grant accepted
// last winter, with a progress report owed in a few weeks, and an
// application to prepare for a deadline a few weeks ahead. The funders'
// programs are plausible; the amounts are invented.
func seedFunding(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	fs := st.Funding
	if apps, err := fs.List(ctx, t.ID); err != nil || len(apps) > 0 {
		return err
	}
	admin, err := st.Auth.UserByEmail(ctx, AdminEmail)
	if err != nil {
		return err
	}
	day := func(n int) string { return calendar.DateOf(s.day(n)).String() }

	s.tellOn(-230, 10, 0)
	qada, err := fs.Create(ctx, t.ID, admin.ID, funding.Input{Funder: "Ministère de la Santé et des Services sociaux",
		Program: "Québec ami des aînés — Soutien aux actions communautaires", Amount: "48 500 $", Deadline: day(-205),
		Note: "Soupers citoyens dans les petites municipalités et transport des aînés vers les activités."})
	if err != nil {
		return err
	}
	s.tellOn(-206, 15, 30)
	if _, err := fs.SetStatus(ctx, t.ID, qada.ID, funding.Decision{Status: string(funding.Submitted)}); err != nil {
		return err
	}
	s.tellOn(-120, 9, 15)
	if _, err := fs.SetStatus(ctx, t.ID, qada.ID, funding.Decision{Status: string(funding.Accepted), Granted: "42 000 $",
		DecidedOn: day(-121)}); err != nil {
		return err
	}
	start, err := fs.AddReport(ctx, t.ID, qada.ID, funding.ReportInput{Title: "Rapport de démarrage", DueOn: day(-60)})
	if err != nil {
		return err
	}
	if _, err := fs.AddReport(ctx, t.ID, qada.ID, funding.ReportInput{Title: "Rapport d’étape", DueOn: day(20)}); err != nil {
		return err
	}
	s.tellOn(-62, 14, 0)
	if _, err := fs.SubmitReport(ctx, t.ID, qada.ID, start.ID, day(-62)); err != nil {
		return err
	}

	s.tellOn(-12, 11, 0)
	_, err = fs.Create(ctx, t.ID, admin.ID, funding.Input{Funder: "Centraide Centre-du-Québec",
		Program: "Soutien aux initiatives de proximité", Amount: "25 000 $", Deadline: day(24),
		Note: "Demande pour les communautés de partage"})
	return err
}
