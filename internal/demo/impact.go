package demo

import (
	"context"
	"time"

	"implique/internal/app"
	"implique/internal/calendar"
	"implique/internal/impact"
	"implique/internal/indicator"
	"implique/internal/territory"
)

// The logic model of « Moi, je m’implique ! », in the program's own words
// (its presentation: « Impact visé », « Effets attendus », « Les
// conditions de succès »), each effect followed by the indicators the data
// can tell, or that the team enters with their source.
const (
	demoImpactFR = "Une culture de solidarité fondée sur la participation citoyenne est fortement ancrée dans la MRC de Bécancour"
	demoImpactEN = "A culture of solidarity founded on citizen participation is firmly rooted in the MRC de Bécancour"
	demoVisionFR = "La MRC de Bécancour se distingue par un tissu social fort et dynamique, soutenu par des réseaux résilients, engagés et inclusifs\u202f!"
	demoVisionEN = "The MRC de Bécancour stands out for a strong and lively social fabric, upheld by resilient, committed and inclusive networks."
)

// demoIndicator is an indicator of the demo's model: computed (key) or
// entered (name, definition, unit, and the values the team typed).
type demoIndicator struct {
	key            string
	nameFR, nameEN string
	defFR, defEN   string
	unit           indicator.Unit
	period         impact.PeriodKind
	target         float64
	targetMonths   int // the target's day, in months after the baseline day
	entered        []demoEntry
}

type demoEntry struct {
	day   int // days from today
	value string
	note  string
}

type demoEffect struct {
	term             impact.Term
	titleFR, titleEN string
	indicators       []demoIndicator
}

var demoModel = []demoEffect{
	{impact.Short, "Création d’un portrait de l’implication et des besoins des citoyens et des organisations",
		"A portrait of the involvement and needs of citizens and organisations is drawn", []demoIndicator{
			{nameFR: "Présentations du portrait aux conseils municipaux", nameEN: "Presentations of the portrait to municipal councils",
				defFR: "Nombre de conseils municipaux à qui l’équipe a présenté le portrait de l’implication et des besoins.",
				defEN: "Number of municipal councils the team presented the portrait of involvement and needs to.",
				unit:  indicator.Count, period: impact.Year, target: 12, targetMonths: 24,
				entered: []demoEntry{{-20, "3", "Procès-verbaux des séances des conseils municipaux"}}},
		}},
	{impact.Short, "Réalisation de 18 soupers citoyens", "18 citizen dinners are held", []demoIndicator{
		{key: "events.dinners_held", period: impact.Total, target: 18, targetMonths: 22},
		{key: "events.municipalities_reached", period: impact.Year, target: 12, targetMonths: 22},
		{key: "events.people_came", period: impact.Quarter},
	}},
	{impact.Short, "Création de liens entre les citoyens", "Citizens create ties with one another", []demoIndicator{
		{key: "connections.links_created", period: impact.Quarter},
		{key: "events.people_returned", period: impact.Year},
	}},
	{impact.Short, "Les comités et les organisations sont accompagnés et réseautés",
		"Committees and organisations are accompanied and networked", []demoIndicator{
			{key: "orgs.accompanied", period: impact.Year, target: 30, targetMonths: 24},
			{key: "orgs.networked", period: impact.Quarter},
		}},
	{impact.Short, "Créations de comités citoyens", "Citizen committees are created", []demoIndicator{
		{key: "orgs.citizen_committees", period: impact.Year},
		{key: "community.communities_active", period: impact.Quarter},
	}},
	{impact.Short, "Augmentation de l’utilisation de la plateforme jebénévole.ca", "More people use the jebénévole.ca platform", []demoIndicator{
		{key: "tracking.jebenevole_clicks", period: impact.Quarter},
	}},
	{impact.Long, "Des projets d’implication dans la communauté sont inclus dans les écoles",
		"Community involvement projects are part of school life", []demoIndicator{
			{key: "volunteering.school_projects", period: impact.Year},
		}},
	{impact.Long, "Le bénévolat corporatif est la norme dans les entreprises", "Corporate volunteering is the norm in businesses", []demoIndicator{
		{key: "volunteering.businesses", period: impact.Year},
	}},
	{impact.Long, "Augmentation du sentiment d’appartenance et de la résilience des communautés",
		"Communities feel a stronger sense of belonging and resilience", []demoIndicator{
			{key: "survey.belonging", period: impact.Year},
			{key: "survey.loneliness", period: impact.Year},
		}},
	{impact.Long, "Les municipalités sont formées et accompagnées pour favoriser la participation citoyenne",
		"Municipalities are trained and accompanied to foster citizen participation", []demoIndicator{
			{key: "training.municipalities_trained", period: impact.Year, target: 12, targetMonths: 36},
			{key: "training.trained", period: impact.Year},
			{key: "training.completed", period: impact.Year},
		}},
	{impact.Long, "Augmentation des initiatives mises en place par les citoyens et qui sont supportées par les acteurs du milieu",
		"More initiatives are started by citizens and supported by local actors", []demoIndicator{
			{key: "community.initiatives_supported", period: impact.Quarter},
			{key: "community.initiative_actors", period: impact.Quarter},
		}},
	{impact.Long, "Les organisations ont adopté des politiques de participation citoyenne, de gestion et de reconnaissance des bénévoles",
		"Organisations have adopted policies of citizen participation, volunteer management and recognition", []demoIndicator{
			{key: "orgs.policy_participation", period: impact.Year},
			{key: "orgs.policy_management", period: impact.Year},
			{key: "orgs.policy_recognition", period: impact.Year},
		}},
	{impact.Condition, "La participation des citoyens", "Citizens take part", []demoIndicator{
		{key: "volunteering.matched", period: impact.Quarter},
		{key: "volunteering.hours", period: impact.Quarter},
		{key: "volunteering.hours_value", period: impact.Quarter},
	}},
	{impact.Condition, "Rejoindre les comités bénévoles", "Reaching the volunteer committees", []demoIndicator{
		{key: "orgs.seats_vacant", period: impact.Quarter},
		{key: "orgs.many_hats", period: impact.Quarter},
	}},
	{impact.Condition, "Mobilisation des partenaires", "Partners are mobilised", []demoIndicator{
		{nameFR: "Partenaires présents au comité", nameEN: "Partners present on the committee",
			defFR: "Organisations partenaires représentées à la dernière rencontre du comité des partenaires du trimestre.",
			defEN: "Partner organisations represented at the last meeting of the partners’ committee in the quarter.",
			unit:  indicator.Count, period: impact.Quarter, target: 5, targetMonths: 24,
			entered: []demoEntry{{-120, "3", "Procès-verbal de la rencontre du comité"}, {-40, "4", "Procès-verbal de la rencontre du comité"}}},
	}},
}

// demoSteps are the program's chronology and next steps (the last ones
// are the « Prochaines étapes » of its presentation).
var demoSteps = []struct {
	day              int // days from today; 0 with status planned: not dated
	titleFR, titleEN string
	status           impact.MilestoneStatus
	owner            string
}{
	{-330, "Lancement de «\u00a0Moi, je m’implique\u202f!\u00a0» avec les partenaires", "Launch of the program with the partners", impact.Done, "CAB de la MRC de Bécancour"},
	{-300, "Premier souper citoyen, à Lemieux", "First citizen dinner, in Lemieux", impact.Done, "Équipe du projet"},
	{-210, "Arrivée de la chargée de communication sociale", "A social communications officer joins the team", impact.Done, "Direction du CAB"},
	{-150, "Création du comité des partenaires", "The partners’ committee is created", impact.Done, "Direction du CAB"},
	{-60, "Premier sondage sur l’appartenance et la solitude", "First survey on belonging and loneliness", impact.Done, "Équipe du projet"},
	{0, "Poursuite de la création et de l’accompagnement des communautés de partage", "Continue creating and accompanying the sharing communities", impact.InProgress, "Équipe du projet"},
	{45, "Recherche de financement pour l’an 3", "Fundraising for year 3", impact.InProgress, "Direction du CAB"},
	{75, "Formation des municipalités en participation citoyenne", "Training municipalities in citizen participation", impact.Planned, "Équipe du projet"},
	{120, "Mise en place du Laboratoire leadership citoyen", "Launch of the Citizen Leadership Lab", impact.Planned, "Équipe du projet"},
	{0, "Campagnes de communication pour jebénévole.ca", "Communication campaigns for jebénévole.ca", impact.InProgress, "Chargée de communication sociale"},
}

var demoStories = []struct {
	day         int
	place       string
	title, body string
}{
	{-290, "lemieux", "À Lemieux, un premier souper qui donne le ton",
		"Seize personnes sont venues au premier souper citoyen. Autour de la soupe aux pois, on a parlé d’un jardin partagé près de l’église\u202f; trois personnes ont accepté de s’en occuper au printemps."},
	{-80, "fortierville", "Une communauté de partage à Fortierville",
		"Après le souper citoyen, une dizaine de personnes ont formé une communauté de partage. Elles se rencontrent à la bibliothèque pour organiser du transport vers les services."},
	{-30, "becancour-gentilly", "Quarante et une personnes à Gentilly",
		"Le plus grand souper citoyen jusqu’ici. Deux organismes y ont trouvé de nouveaux bénévoles pour leur conseil d’administration."},
}

// seedImpact writes the logic model, its values over the past year, the
// chronology and highlights, and a report for the last quarter.
func seedImpact(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	is := st.Impact
	if inds, err := is.Indicators(ctx, t.ID, true); err != nil || len(inds) > 0 {
		return err
	}
	s.tellOn(-340, 10, 0)
	if err := is.SetModel(ctx, impact.Model{TerritoryID: t.ID, ImpactFR: demoImpactFR, ImpactEN: demoImpactEN, VisionFR: demoVisionFR,
		VisionEN: demoVisionEN, YearStart: time.April}); err != nil {
		return err
	}
	offered := map[string]bool{}
	for _, d := range is.Computable() {
		offered[d.Key] = true
	}
	admin, err := st.Auth.UserByEmail(ctx, AdminEmail)
	if err != nil {
		return err
	}
	start := calendar.DateOf(s.day(-330))
	baseline := calendar.Date{Year: start.Year, Month: start.Month, Day: 1}
	type pending struct {
		id int64
		e  demoEntry
	}
	var entries []pending
	for _, e := range demoModel {
		eid, err := is.PutEffect(ctx, impact.Effect{TerritoryID: t.ID, Term: e.term, TitleFR: e.titleFR, TitleEN: e.titleEN})
		if err != nil {
			return err
		}
		for _, d := range e.indicators {
			if d.key != "" && !offered[d.key] {
				continue
			}
			ind := impact.Indicator{TerritoryID: t.ID, EffectID: eid, SourceKey: d.key, NameFR: d.nameFR, NameEN: d.nameEN,
				DefinitionFR: d.defFR, DefinitionEN: d.defEN, Unit: d.unit, Period: d.period}
			if d.period == impact.Total || d.target != 0 {
				ind.BaselineOn = baseline
				zero := 0.0
				ind.Baseline = &zero
			}
			if d.target != 0 {
				target := d.target
				ind.Target = &target
				ind.TargetOn = calendar.DateOf(baseline.AddMonths(d.targetMonths).Time().AddDate(0, 0, -1))
			}
			id, err := is.PutIndicator(ctx, ind)
			if err != nil {
				return err
			}
			for _, en := range d.entered {
				entries = append(entries, pending{id, en})
			}
		}
	}
	for _, step := range demoSteps {
		m := impact.Milestone{TerritoryID: t.ID, TitleFR: step.titleFR, TitleEN: step.titleEN, Status: step.status, Owner: step.owner}
		if step.day != 0 {
			m.On = calendar.DateOf(s.day(step.day))
		}
		if _, err := is.PutMilestone(ctx, m); err != nil {
			return err
		}
	}
	for _, x := range demoStories {
		s.tellOn(x.day, 16, 0)
		if _, err := is.AddStory(ctx, impact.Story{TerritoryID: t.ID, On: calendar.DateOf(s.day(x.day)), PlaceSlug: x.place, Title: x.title,
			Body: x.body}, admin.ID); err != nil {
			return err
		}
	}
	for _, p := range entries {
		s.tellOn(p.e.day, 11, 0)
		if _, err := is.Enter(ctx, impact.Entry{TerritoryID: t.ID, IndicatorID: p.id, Day: calendar.DateOf(s.day(p.e.day)), Value: p.e.value,
			Note: p.e.note, By: admin.ID}); err != nil {
			return err
		}
	}
	// The values of the past year, as the periodic job keeps them.
	s.tell(s.now)
	if _, err := is.Refresh(ctx, t.ID); err != nil {
		return err
	}
	lastQuarter, _, _, err := is.SuggestedPeriods(ctx, t.ID)
	if err != nil {
		return err
	}
	_, err = is.CreateReport(ctx, impact.ReportRequest{TerritoryID: t.ID, Title: "Rapport trimestriel au comité des partenaires",
		Period: lastQuarter, Sections: impact.Sections, By: admin.ID})
	return err
}
