package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"implique/internal/app"
	"implique/internal/calendar"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/orgs"
	"implique/internal/territory"
)

// The demo's organisations are fictional, of the kinds found in the MRC de
// Bécancour, in its real municipalities and secteurs. Their people are
// fictional too; any likeness to real boards is chance.

// demoSeat is a seat; holder -1 is vacant. Days are counted from today.
type demoSeat struct {
	role             orgs.Role
	title            string
	holder           int
	sinceYears       int // years in the seat (0: unknown)
	endDays          int // days to the end of the term (0: no end recorded)
	open, successor  bool
	withEmail, named bool
}

type demoOrg struct {
	name, kind, mission, involvement string
	places, causes                   []string
	public                           bool
	seats                            []demoSeat
}

// manyHats is the demo's person wearing many hats.
const manyHats = 4

var demoOrgs = []demoOrg{
	{name: "Comité des loisirs de Manseau", kind: "citizen_committee", places: []string{"manseau"}, causes: []string{"sports_recreation", "youth", "families"}, public: true,
		mission:     "Organiser la fête nationale, entretenir la patinoire et animer le terrain de balle pour les familles du village.",
		involvement: "L’assemblée générale a lieu en avril au centre communautaire. On cherche aussi des bras pour la fête nationale.",
		seats: []demoSeat{
			{role: orgs.President, holder: 1, sinceYears: 7, endDays: 40, withEmail: true},
			{role: orgs.VicePresident, holder: 2, sinceYears: 3, endDays: 400},
			{role: orgs.Treasurer, holder: -1, open: true},
			{role: orgs.Secretary, holder: manyHats, sinceYears: 5, endDays: 400, withEmail: true},
			{role: orgs.Director, holder: 5, sinceYears: 1, endDays: 760},
			{role: orgs.Director, holder: -1, open: true},
		}},
	{name: "Club de l’âge d’or de Fortierville", kind: "nonprofit", places: []string{"fortierville"}, causes: []string{"seniors"}, public: true,
		mission:     "Des activités pour les 50 ans et plus\u00a0: cartes, danse en ligne, dîners mensuels et sorties en autobus.",
		involvement: "Passez au local le mardi après-midi. Le club cherche une personne pour la trésorerie l’an prochain.",
		seats: []demoSeat{
			{role: orgs.President, holder: manyHats, sinceYears: 11, endDays: 500, withEmail: true, named: true},
			{role: orgs.VicePresident, holder: 6, sinceYears: 9, endDays: 500},
			{role: orgs.Treasurer, holder: 7, sinceYears: 14, endDays: 150, open: true},
			{role: orgs.Secretary, holder: 8, sinceYears: 8, endDays: 500, successor: true},
		}},
	{name: "Conseil municipal de Lemieux", kind: "municipal_council", places: []string{"lemieux"}, causes: []string{"local_development"}, public: true,
		mission: "Le conseil de la municipalité\u00a0: le maire ou la mairesse et six sièges de conseiller.",
		seats: []demoSeat{
			{role: orgs.Mayor, holder: 9, sinceYears: 4, endDays: 1320, named: true},
			{role: orgs.Councillor, title: "Siège no 1", holder: 10, sinceYears: 4, endDays: 1320, named: true},
			{role: orgs.Councillor, title: "Siège no 2", holder: 11, sinceYears: 8, endDays: 1320, named: true},
			{role: orgs.Councillor, title: "Siège no 3", holder: 12, sinceYears: 4, endDays: 1320, named: true},
			{role: orgs.Councillor, title: "Siège no 4", holder: -1, open: true},
			{role: orgs.Councillor, title: "Siège no 5", holder: 13, sinceYears: 12, endDays: 1320, named: true},
			{role: orgs.Councillor, title: "Siège no 6", holder: 14, sinceYears: 4, endDays: 1320, named: true},
		}},
	{name: "Comité d’embellissement de Parisville", kind: "citizen_committee", places: []string{"parisville"}, causes: []string{"environment", "heritage"}, public: true,
		mission:     "Fleurir le village, entretenir les plates-bandes de l’église et organiser la corvée du printemps.",
		involvement: "Une heure par semaine en saison suffit. Écrivez au comité.",
		seats: []demoSeat{
			{role: orgs.Coordinator, holder: manyHats, sinceYears: 6, endDays: 200, withEmail: true},
			{role: orgs.Member, holder: 15, sinceYears: 2},
			{role: orgs.Member, holder: -1, open: true},
		}},
	{name: "Maison des jeunes de Saint-Grégoire", kind: "nonprofit", places: []string{"becancour-saint-gregoire"}, causes: []string{"youth", "education"}, public: true,
		mission:     "Un lieu de rencontre pour les 12 à 17 ans\u00a0: aide aux devoirs, sorties et projets menés par les jeunes.",
		involvement: "Le conseil d’administration compte une place pour un parent et une place pour un jeune.",
		seats: []demoSeat{
			{role: orgs.President, holder: 16, sinceYears: 2, endDays: 330, withEmail: true},
			{role: orgs.Treasurer, holder: 17, sinceYears: 5, endDays: 150},
			{role: orgs.Secretary, holder: 18, sinceYears: 1, endDays: 700, successor: true},
			{role: orgs.Director, title: "Siège parent", holder: -1, open: true},
			{role: orgs.Director, title: "Siège jeune", holder: 19, sinceYears: 1, endDays: 330},
		}},
	{name: "Cercle de Fermières de Gentilly", kind: "nonprofit", places: []string{"becancour-gentilly"}, causes: []string{"heritage", "culture", "mutual_aid"}, public: true,
		mission:     "Transmettre les arts textiles et culinaires, et soutenir les familles par des dons de tricots.",
		involvement: "Les rencontres ont lieu le deuxième mercredi du mois. Toutes et tous sont bienvenus.",
		seats: []demoSeat{
			{role: orgs.President, holder: manyHats, sinceYears: 4, endDays: 90, withEmail: true},
			{role: orgs.Treasurer, holder: 20, sinceYears: 3, endDays: 450},
			{role: orgs.Secretary, holder: 21, sinceYears: 3, endDays: 450},
		}},
	{name: "Comité culturel de Deschaillons-sur-Saint-Laurent", kind: "citizen_committee", places: []string{"deschaillons-sur-saint-laurent"}, causes: []string{"culture"}, public: true,
		mission: "Les spectacles du quai en été et le marché de Noël.",
		seats: []demoSeat{
			{role: orgs.Coordinator, holder: 22, sinceYears: 2, endDays: 600, successor: true},
			{role: orgs.Member, holder: 23, sinceYears: 2},
			{role: orgs.Member, holder: 24, sinceYears: 1},
		}},
	{name: "Popote roulante de Sainte-Françoise", kind: "nonprofit", places: []string{"sainte-francoise", "sainte-sophie-de-levrard"}, causes: []string{"seniors", "food"}, public: true,
		mission:     "Des repas chauds livrés deux fois par semaine aux aînés et aux personnes en convalescence.",
		involvement: "On cherche des baladeurs le mardi et le jeudi, de 11 h à 12 h 30.",
		seats: []demoSeat{
			{role: orgs.Coordinator, holder: 25, sinceYears: 3, endDays: 250, open: true},
			{role: orgs.Director, holder: 26, sinceYears: 2, endDays: 250},
		}},
	{name: "Conseil d’établissement de l’école de Saint-Pierre-les-Becquets", kind: "school", places: []string{"saint-pierre-les-becquets"}, causes: []string{"education", "youth"}, public: true,
		mission: "Les parents, le personnel et la communauté veillent ensemble au projet éducatif de l’école primaire.",
		seats: []demoSeat{
			{role: orgs.President, holder: 27, sinceYears: 1, endDays: 200},
			{role: orgs.Member, title: "Représentant·e de la communauté", holder: -1, open: true},
		}},
	{name: "Comité de sécurité civile de Sainte-Marie-de-Blandford", kind: "municipal_committee", places: []string{"sainte-marie-de-blandford"}, causes: []string{"local_development"}, public: false,
		mission: "Préparer la municipalité aux inondations, aux tempêtes et aux pannes.",
		seats: []demoSeat{
			{role: orgs.Coordinator, holder: 28, sinceYears: 7, endDays: 0},
			{role: orgs.Member, holder: manyHats, sinceYears: 3, withEmail: true},
		}},
	{name: "Transport bénévole de la MRC de Bécancour", kind: "nonprofit", causes: []string{"transportation", "seniors", "health"}, public: true,
		mission:     "Des bénévoles conduisent les aînés à leurs rendez-vous médicaux partout dans la MRC.",
		involvement: "Vous avez une voiture et quelques heures par mois\u202f? Les kilomètres sont remboursés."},
	{name: "Corporation de développement de Saint-Sylvère", kind: "nonprofit", places: []string{"saint-sylvere"}, causes: []string{"local_development"}, public: true,
		mission: "Garder le village vivant\u00a0: la halte routière, le marché public et l’accueil des nouveaux arrivants.",
		seats: []demoSeat{
			{role: orgs.President, holder: 29, sinceYears: 9, endDays: -20},
			{role: orgs.Treasurer, holder: 30, sinceYears: 9, endDays: 300},
		}},
}

// holderName is the i-th fictional seat holder's name: thirty different ones.
func holderName(i int) string {
	return firstNames[(i*7)%len(firstNames)] + " " + lastNames[(i*3+1)%len(lastNames)]
}

// demoPerson is the i-th fictional seat holder (0 is unused).
func demoPerson(i int, withEmail, named bool) *orgs.PersonInput {
	n := holderName(i)
	p := &orgs.PersonInput{Name: n, NamePublic: named}
	if withEmail || i == manyHats {
		p.Email = strings.ToLower(strings.ReplaceAll(i18n.ASCIIFold(n), " ", ".")) + "@demo.implique.test"
	}
	return p
}

// demoAccompaniment is an entry of the log, days from today, written
// down the day it happened.
type demoAccompaniment struct {
	org, topic, people, notes, next string
	day, followUp                   int  // followUp 0: none
	followedUp                      bool // the follow-up was done on its day
}

var demoLog = []demoAccompaniment{
	{"Comité des loisirs de Manseau", "Préparer l’assemblée générale et la relève à la présidence", "Le président et la secrétaire",
		"Le président ne se représentera pas. Deux parents se sont montrés intéressés au souper citoyen.", "Appeler les deux parents et leur présenter le rôle", -30, -3, false},
	{"Club de l’âge d’or de Fortierville", "Trouver une relève à la trésorerie", "La présidente",
		"Le trésorier est en poste depuis 14 ans et souhaite passer la main.", "Afficher le poste dans l’annuaire et en parler au prochain dîner", -15, 20, false},
	{"Conseil municipal de Lemieux", "Politique de participation citoyenne", "Le maire et la directrice générale",
		"Présentation d’un modèle de politique et des étapes de consultation.", "Envoyer le modèle commenté", -200, -180, true},
	{"Maison des jeunes de Saint-Grégoire", "Accueillir un jeune au conseil d’administration", "La présidente et la coordonnatrice", "", "", -70, 0, false},
	{"Cercle de Fermières de Gentilly", "Reconnaître les bénévoles de longue date", "La présidente", "Idée d’une soirée de reconnaissance en avril.", "Partager la trousse de reconnaissance", -8, 45, false},
}

// demoPolicies were adopted days from today: most before the program
// began (recorded with their organisation), one after staff coached the
// council.
var demoPolicies = []struct {
	org  string
	kind orgs.PolicyKind
	days int
}{
	{"Maison des jeunes de Saint-Grégoire", orgs.RecognitionPolicy, -400},
	{"Maison des jeunes de Saint-Grégoire", orgs.CodeOfConduct, -700},
	{"Conseil municipal de Lemieux", orgs.ParticipationPolicy, -120},
	{"Popote roulante de Sainte-Françoise", orgs.ManagementPolicy, -900},
	{"Cercle de Fermières de Gentilly", orgs.CodeOfConduct, -1500},
}

// DemoManagerEmail is the demo organisation manager's address: they keep
// the Comité des loisirs de Manseau up to date.
const DemoManagerEmail = "rejean.houle@demo.implique.test"

// Organisations enter the directory in the program's first weeks, from
// directoryDay on, one a day.
const directoryDay = -360

// seedOrgs adds the demo's organisations, seats, accompaniment and
// policies, and links the demo organisation manager to one of them — only
// when the territory has no organisation yet.
func seedOrgs(ctx context.Context, st *app.App, t territory.Territory, s *story) (bool, error) {
	as, es, store := st.Auth, st.Events, st.Orgs
	if _, n, err := store.List(ctx, t.ID, orgs.Filter{Limit: 1}); err != nil || n > 0 {
		return false, err
	}
	// Seats and terms are facts about the organisations, counted from
	// the demo's today.
	today := calendar.DateOf(s.today)
	day := func(days int) string {
		if days == 0 {
			return ""
		}
		return calendar.DateOf(today.Time().AddDate(0, 0, days)).String()
	}
	years := func(n int) string {
		if n == 0 {
			return ""
		}
		return calendar.DateOf(today.Time().AddDate(-n, -2, 0)).String()
	}
	ids := map[string]int64{}
	entered := map[string]int{}
	for i, do := range demoOrgs {
		entered[do.name] = directoryDay + i
		s.tellOn(entered[do.name], 14, 0)
		o, err := store.Create(ctx, t.ID, 0, orgs.Input{Name: do.name, Kind: orgs.Kind(do.kind), Mission: do.mission, Involvement: do.involvement,
			Public: do.public, PlaceSlugs: do.places, Causes: do.causes})
		if err != nil {
			return false, fmt.Errorf("demo organisation %q: %w", do.name, err)
		}
		ids[do.name] = o.ID
		for _, ds := range do.seats {
			in := orgs.SeatInput{Role: ds.role, Title: ds.title, Reach: orgs.WholeTerritory, HolderSince: years(ds.sinceYears),
				TermEnd: day(ds.endDays), OpenToNewcomers: ds.open, SuccessorIdentified: ds.successor}
			if ds.sinceYears > 0 && ds.endDays != 0 {
				// Two-year terms, begun no later than last month and not before the holder came.
				start := today.Time().AddDate(0, 0, ds.endDays).AddDate(-2, 0, 0)
				if start.After(today.Time()) {
					start = today.Time().AddDate(0, -1, 0)
				}
				if since := today.Time().AddDate(-ds.sinceYears, -2, 0); start.Before(since) {
					start = since
				}
				in.TermStart = calendar.DateOf(start).String()
			}
			if ds.holder > 0 {
				in.NewHolder = demoPerson(ds.holder, ds.withEmail, ds.named)
			}
			if _, err := store.AddSeat(ctx, t.ID, o.ID, in); err != nil {
				return false, fmt.Errorf("demo seat of %q: %w", do.name, err)
			}
		}
		for _, dp := range demoPolicies {
			if dp.org == do.name && dp.days < entered[do.name] {
				if _, err := store.RecordPolicy(ctx, t.ID, o.ID, orgs.PolicyInput{Kind: dp.kind, AdoptedOn: day(dp.days)}); err != nil {
					return false, fmt.Errorf("demo policy of %q: %w", dp.org, err)
				}
			}
		}
	}
	for _, dp := range demoPolicies {
		if dp.days >= entered[dp.org] {
			s.tellOn(dp.days+1, 11, 0)
			if _, err := store.RecordPolicy(ctx, t.ID, ids[dp.org], orgs.PolicyInput{Kind: dp.kind, AdoptedOn: day(dp.days)}); err != nil {
				return false, fmt.Errorf("demo policy of %q: %w", dp.org, err)
			}
		}
	}
	for _, da := range demoLog {
		s.tellOn(da.day, 16, 0)
		in := orgs.AccompanimentInput{OrganizationID: ids[da.org], HappenedOn: day(da.day), Topic: da.topic, People: da.people,
			Notes: da.notes, NextStep: da.next, FollowUpOn: day(da.followUp)}
		a, err := store.LogAccompaniment(ctx, t.ID, 0, in)
		if err != nil {
			return false, fmt.Errorf("demo accompaniment %q: %w", da.topic, err)
		}
		if da.followedUp {
			s.tellOn(da.followUp, 15, 0)
			if err := store.FollowUpDone(ctx, t.ID, a.ID, true); err != nil {
				return false, err
			}
		}
	}
	// The forum is co-organised by the municipal council and the youth
	// centre, linked when it was written.
	if es != nil {
		evs, err := es.List(ctx, t.ID, events.Filter{Kind: events.Forum})
		if err != nil {
			return false, err
		}
		if len(evs) > 0 {
			s.tell(evs[0].CreatedAt.Add(10 * time.Minute))
			for _, name := range []string{"Conseil municipal de Lemieux", "Maison des jeunes de Saint-Grégoire", "Club de l’âge d’or de Fortierville"} {
				if err := store.LinkEvent(ctx, t.ID, ids[name], evs[0].ID); err != nil {
					return false, err
				}
			}
		}
	}
	if u, err := as.UserByEmail(ctx, DemoManagerEmail); err == nil {
		s.tell(u.CreatedAt.Add(10 * time.Minute))
		if err := store.AddManager(ctx, t.ID, ids["Comité des loisirs de Manseau"], u.ID); err != nil {
			return false, err
		}
	}
	return true, nil
}
