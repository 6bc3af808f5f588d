package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"implique/internal/app"
	"implique/internal/community"
	"implique/internal/territory"
)

type demoMilestone struct {
	title string
	day   int // due, days from today (negative: past); done that day when done
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
	filled  int // the day someone answered it, days from today; 0: still wanted
}

type demoLeader struct {
	name string
	show bool
}

type demoInitiative struct {
	title, summary, description, place string
	// idea is the title of the demo idea it is born from ("" for none).
	idea string
	// Its story, in days from today: written down, made public (0: not
	// yet), planned period, and for a completed one the day it ended and
	// the day its outcome was told.
	createdDay, publishedDay int
	startDay, endDay         int
	status                   community.InitiativeStatus
	completedDay, outcomeDay int
	reason, outcome          string
	milestones               []demoMilestone
	actors                   []demoActor
	help                     []demoHelp
	leaders                  []demoLeader
	participants             int
	participantsConsent      int // how many of them show their first name
}

var demoInitiatives = []demoInitiative{
	{
		title:   "Le club de marche du mardi à Fortierville",
		summary: "Marcher ensemble chaque mardi matin, beau temps mauvais temps, pour bouger et briser l’isolement.",
		description: "Départ devant l’église à 9 h. Trois parcours de 2 à 5 km, dont un sans côtes pour les personnes qui marchent plus lentement. " +
			"Un café suit à la salle municipale.",
		place: "fortierville", idea: "Un club de marche du mardi matin", createdDay: -65, publishedDay: -58, startDay: -60, endDay: 120,
		status: community.Active,
		milestones: []demoMilestone{
			{"Tracer trois parcours sûrs avec la municipalité", -45, true},
			{"Première marche devant l’église", -30, true},
			{"Une marche avec les élèves de l’école", 25, false},
			{"Bilan de la saison et fête des marcheurs", 110, false},
		},
		actors: []demoActor{
			{"Municipalité de Fortierville", community.ActorMunicipality, []community.SupportKind{community.SupportRoom, community.SupportStaffTime},
				"La salle municipale pour le café, et l’inspecteur pour vérifier les parcours.", 0},
			{"Centre d’action bénévole de la MRC de Bécancour", community.ActorOrganization, []community.SupportKind{community.SupportStaffTime},
				"Une animatrice aide à démarrer le club.", 0},
		},
		help: []demoHelp{
			{"Des marcheurs pour accompagner le groupe plus lent", "Un mardi sur deux, de 9 h à 10 h 30.", 2, 0},
			{"Quelqu’un pour préparer le café", "", 1, -28},
		},
		leaders:      []demoLeader{{"Gisèle Pépin", true}, {"Roger Lafrance", false}},
		participants: 6, participantsConsent: 3,
	},
	{
		title:   "Une cuisine collective au sous-sol de l’église de Manseau",
		summary: "Cuisiner ensemble une fois par mois et repartir avec des portions pour la semaine.",
		place:   "manseau", idea: "Une cuisine collective une fois par mois", createdDay: -40, publishedDay: -35, startDay: 20, endDay: 200,
		status: community.Preparing,
		milestones: []demoMilestone{
			{"Trouver un local avec une cuisine équipée", -10, true},
			{"Suivre la formation sur l’hygiène des aliments", 14, false},
			{"Premier atelier\u00a0: soupes et sauces", 30, false},
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
			{"Une personne à l’aise en cuisine pour animer", "Aucune formation requise\u00a0: l’envie de partager suffit.", 1, 0},
			{"Des bras pour la vaisselle", "", 3, 0},
		},
		leaders:      []demoLeader{{"Lise Beaudoin", true}},
		participants: 3, participantsConsent: 1,
	},
	{
		title:   "Le grand ménage des berges à Lemieux",
		summary: "Une matinée pour ramasser les déchets au bord du fleuve, en famille.",
		place:   "lemieux", idea: "Un ramassage des déchets au bord du fleuve", createdDay: -265, publishedDay: -250,
		startDay: -235, endDay: -205, status: community.Completed, completedDay: -204, outcomeDay: -200,
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
		place:   "becancour-gentilly", createdDay: -5, startDay: 45,
		status: community.Preparing,
		milestones: []demoMilestone{
			{"Trouver un garage prêté pour les ateliers", 30, false},
		},
		help: []demoHelp{{"Une personne qui s’y connaît en mécanique de vélo", "", 1, 0}},
	},
}

// seedInitiatives adds the demo's citizen initiatives — some born from
// the demo's ideas, after the souper that named them, and from the
// community that carries them — with their actors, milestones, help wanted
// and fictional people, each step on its day; only when the territory has
// none. Its people are fictional: nothing is e-mailed to them.
func seedInitiatives(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	cs := st.Community.Silent()
	existing, err := cs.Initiatives(ctx, t.ID, community.InitiativeFilter{})
	if err != nil || len(existing) > 0 {
		return err
	}
	ideas, err := cs.List(ctx, t.ID, community.Filter{})
	if err != nil {
		return err
	}
	ideaID := map[string]int64{}
	for _, i := range ideas {
		ideaID[i.Title] = i.ID
	}
	// Planned days are calendar days (UTC midnight).
	on := func(days int) *time.Time {
		d := s.day(days)
		d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		return &d
	}
	person := 0
	for n, di := range demoInitiatives {
		s.tellOn(di.createdDay, 10, 0)
		in := community.InitiativeInput{Title: di.title, Summary: di.summary, Description: di.description, PlaceSlug: di.place,
			IdeaID: ideaID[di.idea], StartsOn: on(di.startDay)}
		if di.endDay != 0 {
			in.EndsOn = on(di.endDay)
		}
		// Born from the idea's communauté de partage, when one carries it.
		if in.IdeaID != 0 {
			carriers, err := cs.CarriersOf(ctx, t.ID, in.IdeaID)
			if err != nil {
				return err
			}
			if len(carriers) > 0 {
				in.CommunityID = carriers[0].ID
			}
		}
		ini, err := cs.CreateInitiative(ctx, t.ID, 0, in)
		if err != nil {
			return fmt.Errorf("demo initiative %q: %w", di.title, err)
		}
		// The plan, the partners, the help wanted and who leads it, the
		// day it is written down.
		var milestones []int64
		for _, dm := range di.milestones {
			m, err := cs.AddMilestone(ctx, t.ID, ini.ID, community.MilestoneInput{Title: dm.title, DueOn: on(dm.day)})
			if err != nil {
				return err
			}
			milestones = append(milestones, m.ID)
		}
		for _, da := range di.actors {
			in := community.ActorInput{Name: da.name, Kind: da.kind, Supports: da.supports, Details: da.details}
			if da.cents > 0 {
				c := da.cents
				in.AmountCents = &c
			}
			if _, err := cs.AddActor(ctx, t.ID, ini.ID, in); err != nil {
				return err
			}
		}
		var firstNeed int64
		var needs []int64
		for _, dh := range di.help {
			h, err := cs.AddHelpWanted(ctx, t.ID, ini.ID, community.HelpInput{Title: dh.title, Details: dh.details, PeopleNeeded: dh.people})
			if err != nil {
				return err
			}
			if firstNeed == 0 && dh.filled == 0 {
				firstNeed = h.ID
			}
			needs = append(needs, h.ID)
		}
		for _, dl := range di.leaders {
			if _, err := cs.AddPerson(ctx, t.ID, ini.ID, community.PersonInput{Role: community.Leader, Name: dl.name, ShowName: dl.show,
				Phone: fmt.Sprintf("819 555-%04d", 100+n*10+len(dl.name))}); err != nil {
				return err
			}
		}
		// Then what happened, day by day, up to today.
		type step struct {
			day int
			do  func() error
		}
		var steps []step
		if di.status == community.Active || di.status == community.Completed {
			steps = append(steps, step{di.startDay, func() error {
				return cs.SetInitiativeStatus(ctx, t.ID, ini.ID, 0, community.Active, "")
			}})
		}
		if di.publishedDay != 0 {
			steps = append(steps, step{di.publishedDay, func() error { return cs.PublishInitiative(ctx, t.ID, ini.ID, true) }})
			// People join in the weeks after it is made public.
			last := di.publishedDay + 5*di.participants
			if di.completedDay != 0 && last >= di.completedDay {
				last = di.completedDay - 1
			}
			last = min(last, -1)
			for j := 0; j < di.participants; j++ {
				in := community.JoinInput{Name: name(person*5 + 2), Email: fmt.Sprintf("participant%d@demo.implique.test", person),
					ShowName: j < di.participantsConsent}
				if j == 0 {
					in.Offer = "Je peux donner quelques heures par mois."
					in.NeedID = firstNeed
				}
				person++
				day := di.publishedDay + 1 + j*(last-di.publishedDay)/di.participants
				steps = append(steps, step{day, func() error {
					_, err := cs.Join(ctx, t.ID, ini.ID, in, true)
					return err
				}})
			}
		}
		for i, dm := range di.milestones {
			if dm.done {
				id, day := milestones[i], dm.day
				steps = append(steps, step{day, func() error { return cs.MarkMilestoneDone(ctx, t.ID, ini.ID, id, *on(day)) }})
			}
		}
		for i, dh := range di.help {
			if dh.filled != 0 {
				id := needs[i]
				steps = append(steps, step{dh.filled, func() error { return cs.SetHelpFilled(ctx, t.ID, ini.ID, id, true) }})
			}
		}
		// Completed, with what it gave: the idea it was born from is done.
		if di.status == community.Completed {
			steps = append(steps, step{di.completedDay, func() error {
				if err := cs.SetInitiativeStatus(ctx, t.ID, ini.ID, 0, community.Completed, di.reason); err != nil {
					return err
				}
				if in.IdeaID == 0 {
					return nil
				}
				return cs.SetStatus(ctx, t.ID, in.IdeaID, 0, community.Done, "")
			}})
		}
		if di.outcome != "" {
			steps = append(steps, step{di.outcomeDay, func() error { return cs.SetOutcome(ctx, t.ID, ini.ID, di.outcome) }})
		}
		sort.SliceStable(steps, func(i, j int) bool { return steps[i].day < steps[j].day })
		for i, st := range steps {
			s.tellOn(st.day, 18, i%60)
			if err := st.do(); err != nil {
				return fmt.Errorf("demo initiative %q: %w", di.title, err)
			}
		}
	}
	return nil
}
