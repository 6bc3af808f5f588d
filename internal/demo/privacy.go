package demo

import (
	"context"
	"fmt"

	"implique/internal/app"
	"implique/internal/privacy"
	"implique/internal/territory"
)

// seedPrivacy tells the privacy centre's part of the year: a sheet of
// registrations forgotten in a hall after a souper, written in the
// incident register by the facilitator who found it; two questions to the
// person in charge, one answered; the team's reads of people's information
// in the access log; and the retention rules applied this morning.
func seedPrivacy(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	if list, err := st.Privacy.Incidents(ctx, t.ID); err != nil || len(list) > 0 {
		return err
	}
	julie, err := st.Auth.UserByEmail(ctx, "julie.tremblay@demo.implique.test")
	if err != nil {
		return err
	}
	marieEve, err := st.Auth.UserByEmail(ctx, "marie-eve.gagnon@demo.implique.test")
	if err != nil {
		return err
	}
	admin, err := st.Auth.UserByEmail(ctx, AdminEmail)
	if err != nil {
		return err
	}
	s.tellOn(-41, 9, 30)
	in := privacy.IncidentInput{
		Title:         "Feuille d’inscriptions oubliée dans la salle",
		Information:   "Noms, numéros de téléphone et besoins alimentaires de 14 personnes inscrites au souper.",
		Circumstances: "La feuille imprimée pour l’accueil est restée sur une table de la salle municipale après le souper ; le concierge l’a rapportée le lendemain matin.",
		From:          s.day(-42).Format("2006-01-02"),
		Discovered:    s.day(-41).Format("2006-01-02"),
		People:        "14",
		Risk:          string(privacy.RiskLow),
		RiskReasons:   "La feuille est restée dans une salle fermée à clé et a été retrouvée intacte ; aucun renseignement de santé ni financier ; aucune utilisation à craindre.",
		Measures:      "Feuille récupérée et déchiquetée. L’animatrice ramasse désormais les feuilles d’accueil à la fin de chaque souper ; la liste du jour s’imprime sans les téléphones.",
	}
	id, err := st.Privacy.SaveIncident(ctx, t.ID, julie.ID, 0, in)
	if err != nil {
		return fmt.Errorf("demo incident: %w", err)
	}
	s.tellOn(-38, 14, 0)
	in.Closed = s.day(-38).Format("2006-01-02")
	if _, err := st.Privacy.SaveIncident(ctx, t.ID, admin.ID, id, in); err != nil {
		return fmt.Errorf("demo incident: %w", err)
	}

	s.tellOn(-52, 19, 40)
	asked, err := st.Privacy.Ask(ctx, t.ID, "gilles.pepin@demo.implique.test", privacy.AskCorrection,
		"Mon nom est écrit « Gilles Pépain » sur la liste du comité de la bibliothèque. C’est Pépin.")
	if err != nil {
		return err
	}
	s.tellOn(-50, 10, 15)
	if err := st.Privacy.AnswerRequest(ctx, t.ID, asked.ID, admin.ID, "Corrigé avec l’organisme deux jours plus tard ; réponse donnée par téléphone."); err != nil {
		return err
	}
	s.tellOn(-6, 20, 5)
	if _, err := st.Privacy.Ask(ctx, t.ID, "monique.belanger@demo.implique.test", privacy.Question,
		"Est-ce que ma fille de 13 ans peut s’inscrire comme bénévole à la guignolée, et qui voit ses renseignements ?"); err != nil {
		return err
	}

	for _, a := range []struct {
		days, hour int
		who        int64
		action     privacy.AccessAction
		what       string
	}{
		{-43, 16, julie.ID, privacy.Exported, "events.registrations"},
		{-30, 10, julie.ID, privacy.Viewed, "events.registrations"},
		{-21, 13, marieEve.ID, privacy.Viewed, "comms.subscribers"},
		{-9, 11, admin.ID, privacy.Viewed, "volunteering.profiles"},
		{-2, 15, julie.ID, privacy.Viewed, "events.registrations"},
	} {
		s.tellOn(a.days, a.hour, 0)
		if err := st.Privacy.LogAccess(ctx, privacy.Access{TerritoryID: t.ID, UserID: a.who, Action: a.action, What: a.what}); err != nil {
			return err
		}
	}
	s.tellOn(0, 3, 0)
	_, err = st.Privacy.RunRetention(ctx, t.ID)
	return err
}
