package demo

import (
	"context"
	"fmt"
	"time"

	"implique/internal/community"
	"implique/internal/territory"
)

type demoMilestone struct {
	title string
	day   int // days from today (negative: past)
	done  bool
}

type demoActor struct {
	name     string
	kind     community.ActorKind
	supports []community.SupportKind
	details  string
	cents    int64
}

type demoHelp struct {
	title   string
	details string
	people  int
	filled  bool
}

type demoLeader struct {
	name string
	show bool
}

type demoInitiative struct {
	title, summary, description, place string
	// idea is the title of the demo idea it is born from ("" for none).
	idea                string
	startDay, endDay    int
	status              community.InitiativeStatus
	reason, outcome     string
	published           bool
	milestones          []demoMilestone
	actors              []demoActor
	help                []demoHelp
	leaders             []demoLeader
	participants        int
	participantsConsent int // how many of them show their first name
}

var demoInitiatives = []demoInitiative{
	{
		title:   "Le club de marche du mardi à Fortierville",
		summary: "Marcher ensemble chaque mardi matin, beau temps mauvais temps, pour bouger et briser l’isolement.",
		description: "Départ devant l’église à 9 h. Trois parcours de 2 à 5 km, dont un sans côtes pour les personnes qui marchent plus lentement. " +
			"Un café suit à la salle municipale.",
		place: "fortierville", idea: "Un club de marche du mardi matin", startDay: -60, endDay: 120,
		status: community.Active, published: true,
		milestones: []demoMilestone{
			{"Tracer trois parcours sûrs avec la municipalité", -45, true},
			{"Première marche devant l’église", -30, true},
			{"Marche d’automne avec les élèves de l’école", 25, false},
			{"Bilan de la saison et fête des marcheurs", 110, false},
		},
		actors: []demoActor{
			{"Municipalité de Fortierville", community.ActorMunicipality, []community.SupportKind{community.SupportRoom, community.SupportStaffTime},
				"La salle municipale pour le café, et l’inspecteur pour vérifier les parcours.", 0},
			{"Centre d’action bénévole de la MRC de Bécancour", community.ActorOrganization, []community.SupportKind{community.SupportStaffTime},
				"Une animatrice aide à démarrer le club.", 0},
		},
		help: []demoHelp{
			{"Des marcheurs pour accompagner le groupe plus lent", "Un mardi sur deux, de 9 h à 10 h 30.", 2, false},
			{"Quelqu’un pour préparer le café", "", 1, true},
		},
		leaders:      []demoLeader{{"Gisèle Pépin", true}, {"Roger Lafrance", false}},
		participants: 6, participantsConsent: 3,
	},
	{
		title:   "Une cuisine collective au sous-sol de l’église de Manseau",
		summary: "Cuisiner ensemble une fois par mois et repartir avec des portions pour la semaine.",
		place:   "manseau", idea: "Une cuisine collective une fois par mois", startDay: 20, endDay: 200,
		status: community.Preparing, published: true,
		milestones: []demoMilestone{
			{"Trouver un local avec une cuisine équipée", -10, true},
			{"Suivre la formation sur l’hygiène des aliments", 14, false},
			{"Premier atelier : soupes et sauces", 30, false},
		},
		actors: []demoActor{
			{"Municipalité de Manseau", community.ActorMunicipality, []community.SupportKind{community.SupportRoom},
				"Le sous-sol de l’église, le deuxième samedi du mois.", 0},
			{"Caisse solidaire des Deux-Rives", community.ActorBusiness, []community.SupportKind{community.SupportMoney},
				"Pour acheter les chaudrons et les contenants.", 75000},
			{"Quincaillerie Lévesque et fils", community.ActorBusiness, []community.SupportKind{community.SupportEquipment},
				"Deux grandes marmites et des planches à découper.", 0},
		},
		help: []demoHelp{
			{"Une personne à l’aise en cuisine pour animer", "Aucune formation requise : l’envie de partager suffit.", 1, false},
			{"Des bras pour la vaisselle", "", 3, false},
		},
		leaders:      []demoLeader{{"Lise Beaudoin", true}},
		participants: 3, participantsConsent: 1,
	},
	{
		title:   "Le grand ménage des berges à Lemieux",
		summary: "Une matinée pour ramasser les déchets au bord du fleuve, en famille.",
		place:   "lemieux", idea: "Un ramassage des déchets au bord du fleuve au printemps", startDay: -235, endDay: -205,
		status: community.Completed, published: true,
		outcome: "Trente-deux personnes, dont onze enfants, ont ramassé 28 sacs de déchets sur 3 km de berges. " +
			"La municipalité a installé deux poubelles de plus près de la descente de bateaux.",
		milestones: []demoMilestone{
			{"Obtenir l’accord des propriétaires riverains", -225, true},
			{"Journée de ramassage", -210, true},
			{"Dîner hot-dogs et remerciements", -210, true},
		},
		actors: []demoActor{
			{"Municipalité de Lemieux", community.ActorMunicipality, []community.SupportKind{community.SupportEquipment, community.SupportStaffTime},
				"Gants, sacs et la camionnette des travaux publics.", 0},
			{"École primaire du village", community.ActorSchool, []community.SupportKind{community.SupportOther},
				"Les élèves de 5e et 6e année ont fait les affiches.", 0},
		},
		leaders:      []demoLeader{{"Marc-André Bergeron", true}},
		participants: 4, participantsConsent: 2,
	},
	{
		title:   "Des ateliers de réparation de vélos à Gentilly",
		summary: "Apprendre à réparer son vélo, et remettre en état des vélos donnés pour les jeunes.",
		place:   "becancour-gentilly", startDay: 45,
		status: community.Preparing,
		milestones: []demoMilestone{
			{"Trouver un garage prêté pour l’hiver", 30, false},
		},
		help: []demoHelp{{"Une personne qui s’y connaît en mécanique de vélo", "", 1, false}},
	},
}

// SeedInitiatives adds the demo's citizen initiatives — some born from the
// demo's ideas — with their actors, milestones, help wanted and fictional
// people; only when the territory has none. Dates are relative to today.
// Its people are fictional: nothing is e-mailed to them.
func SeedInitiatives(ctx context.Context, ts *territory.Store, cs *community.Store) (bool, error) {
	cs = cs.Silent()
	t, _, err := Base(ctx, ts)
	if err != nil {
		return false, err
	}
	existing, err := cs.Initiatives(ctx, t.ID, community.InitiativeFilter{})
	if err != nil || len(existing) > 0 {
		return false, err
	}
	ideas, err := cs.List(ctx, t.ID, community.Filter{})
	if err != nil {
		return false, err
	}
	ideaID := map[string]int64{}
	for _, i := range ideas {
		ideaID[i.Title] = i.ID
	}
	now := time.Now().In(t.Location())
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	on := func(days int) *time.Time {
		d := today.AddDate(0, 0, days)
		return &d
	}
	person := 0
	for n, di := range demoInitiatives {
		in := community.InitiativeInput{Title: di.title, Summary: di.summary, Description: di.description, PlaceSlug: di.place,
			IdeaID: ideaID[di.idea], StartsOn: on(di.startDay)}
		if di.endDay != 0 {
			in.EndsOn = on(di.endDay)
		}
		// Born from the idea's communauté de partage, when one carries it.
		if in.IdeaID != 0 {
			carriers, err := cs.CarriersOf(ctx, t.ID, in.IdeaID)
			if err != nil {
				return false, err
			}
			if len(carriers) > 0 {
				in.CommunityID = carriers[0].ID
			}
		}
		ini, err := cs.CreateInitiative(ctx, t.ID, 0, in)
		if err != nil {
			return false, fmt.Errorf("demo initiative %q: %w", di.title, err)
		}
		// The plan first, while nobody follows it yet: no news to send.
		for _, dm := range di.milestones {
			m, err := cs.AddMilestone(ctx, t.ID, ini.ID, community.MilestoneInput{Title: dm.title, DueOn: on(dm.day)})
			if err != nil {
				return false, err
			}
			if dm.done {
				if err := cs.MarkMilestoneDone(ctx, t.ID, ini.ID, m.ID, *on(dm.day)); err != nil {
					return false, err
				}
			}
		}
		for _, da := range di.actors {
			in := community.ActorInput{Name: da.name, Kind: da.kind, Supports: da.supports, Details: da.details}
			if da.cents > 0 {
				c := da.cents
				in.AmountCents = &c
			}
			if _, err := cs.AddActor(ctx, t.ID, ini.ID, in); err != nil {
				return false, err
			}
		}
		var firstNeed int64
		for _, dh := range di.help {
			h, err := cs.AddHelpWanted(ctx, t.ID, ini.ID, community.HelpInput{Title: dh.title, Details: dh.details, PeopleNeeded: dh.people})
			if err != nil {
				return false, err
			}
			if firstNeed == 0 && !dh.filled {
				firstNeed = h.ID
			}
			if dh.filled {
				if err := cs.SetHelpFilled(ctx, t.ID, ini.ID, h.ID, true); err != nil {
					return false, err
				}
			}
		}
		for _, dl := range di.leaders {
			if _, err := cs.AddPerson(ctx, t.ID, ini.ID, community.PersonInput{Role: community.Leader, Name: dl.name, ShowName: dl.show,
				Phone: fmt.Sprintf("819 555-%04d", 100+n*10+len(dl.name))}); err != nil {
				return false, err
			}
		}
		// The story up to today: under way before anyone follows it…
		if di.status == community.Active || di.status == community.Completed {
			if err := cs.SetInitiativeStatus(ctx, t.ID, ini.ID, 0, community.Active, ""); err != nil {
				return false, err
			}
		}
		if di.published {
			if err := cs.PublishInitiative(ctx, t.ID, ini.ID, true); err != nil {
				return false, err
			}
			for j := 0; j < di.participants; j++ {
				in := community.JoinInput{Name: name(person*5 + 2), Email: fmt.Sprintf("participant%d@demo.implique.test", person),
					ShowName: j < di.participantsConsent}
				if j == 0 {
					in.Offer = "Je peux donner quelques heures par mois."
					in.NeedID = firstNeed
				}
				person++
				if _, err := cs.Join(ctx, t.ID, ini.ID, in, true); err != nil {
					return false, err
				}
			}
		}
		// …then completed, with what it gave: its participants are told.
		if di.status == community.Completed {
			if err := cs.SetInitiativeStatus(ctx, t.ID, ini.ID, 0, community.Completed, di.reason); err != nil {
				return false, err
			}
			if in.IdeaID != 0 {
				if err := cs.SetStatus(ctx, t.ID, in.IdeaID, 0, community.Done, ""); err != nil {
					return false, err
				}
			}
		}
		if di.outcome != "" {
			if err := cs.SetOutcome(ctx, t.ID, ini.ID, di.outcome); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}
