package demo

import (
	"context"
	"fmt"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/tracking"
	"implique/internal/volunteering"
)

// volunteerOrg is a fictional organisation the volunteering demo needs; the
// organisations' own demo may have made it already (same name).
type volunteerOrg struct {
	name   string
	kind   orgs.Kind
	places []string
	causes []string
	email  string
}

var volunteerOrgs = []volunteerOrg{
	{"Centre d’action bénévole de la MRC de Bécancour", orgs.Nonprofit, nil, []string{"mutual_aid", "seniors"}, "benevolat@demo.implique.test"},
	{"Popote roulante de Gentilly", orgs.Nonprofit, []string{"becancour-gentilly"}, []string{"food", "seniors"}, "popote@demo.implique.test"},
	{"Club de l’âge d’or de Manseau", orgs.Nonprofit, []string{"manseau"}, []string{"seniors", "sports_recreation"}, "agedor@demo.implique.test"},
	{"Comité des loisirs de Fortierville", orgs.CitizenCommittee, []string{"fortierville"}, []string{"sports_recreation", "families"}, "loisirs@demo.implique.test"},
	{"Maison des jeunes du Littoral", orgs.Nonprofit, []string{"saint-pierre-les-becquets"}, []string{"youth"}, "mdj@demo.implique.test"},
	{"Comité d’embellissement de Sainte-Françoise", orgs.CitizenCommittee, []string{"sainte-francoise"}, []string{"environment", "heritage"}, "fleurs@demo.implique.test"},
	{"École secondaire du Rivage", orgs.School, []string{"becancour-saint-gregoire"}, []string{"education", "youth"}, "ecole@demo.implique.test"},
	{"Quincaillerie Lemieux et fils", orgs.Business, []string{"lemieux"}, nil, "quincaillerie@demo.implique.test"},
	{"Transports Parisville inc.", orgs.Business, []string{"parisville"}, nil, "transports@demo.implique.test"},
}

// demoOpp is a fictional opportunity, posted created days from today;
// day is days from today for a one-off date.
type demoOpp struct {
	org         int
	created     int
	in          volunteering.Input
	day, hour   int
	durationHrs int
}

func sat(p volunteering.Part) volunteering.Availability { return volunteering.Slot(time.Saturday, p) }

var demoOpps = []demoOpp{
	{org: 1, created: -362, in: volunteering.Input{Title: "Cuisiner pour la popote roulante", Schedule: volunteering.Recurring,
		Slots: volunteering.Slot(time.Tuesday, volunteering.Morning) | volunteering.Slot(time.Thursday, volunteering.Morning), PlaceSlug: "becancour-gentilly",
		Venue: "Cuisine du centre communautaire", Commitment: "3 heures par semaine", Spots: ptr(4), Causes: []string{"food", "seniors"},
		Skills: []string{"cooking"}, Accessibility: "Cuisine au rez-de-chaussée, entrée de plain-pied.", RideOffered: true,
		Description:   "Préparer des repas chauds avec une petite équipe joyeuse. Les repas sont livrés le midi à des aînés du secteur.",
		JebenevoleURL: "https://www.jebenevole.ca/"}},
	{org: 1, created: -300, in: volunteering.Input{Title: "Livrer des repas chauds aux aînés", Schedule: volunteering.Recurring,
		Slots: volunteering.Slot(time.Tuesday, volunteering.Morning) | volunteering.Slot(time.Thursday, volunteering.Morning), PlaceSlug: "becancour-gentilly",
		Commitment: "Une tournée d’environ 2 heures", CarRequired: true, Causes: []string{"seniors", "food"}, Skills: []string{"driving", "companionship"},
		Description: "Livrer les repas avec votre voiture (kilométrage remboursé) et prendre quelques minutes pour jaser."}},
	{org: 0, created: -200, in: volunteering.Input{Title: "Appels d’amitié aux aînés isolés", Schedule: volunteering.Flexible, Remote: true,
		Commitment: "1 heure par semaine, de chez vous", Causes: []string{"seniors", "mutual_aid"}, Skills: []string{"companionship"},
		Description:   "Téléphoner chaque semaine à une personne aînée qui vit seule. Une formation de deux heures est offerte.",
		JebenevoleURL: "https://www.jebenevole.ca/"}},
	{org: 0, created: -150, in: volunteering.Input{Title: "Accompagnement-transport pour rendez-vous médicaux", Schedule: volunteering.Flexible, PlaceSlug: "fortierville",
		CarRequired: true, Causes: []string{"seniors", "health", "transportation"}, Skills: []string{"driving"}, MinAge: ptr(21),
		Description: "Conduire une personne à son rendez-vous à Trois-Rivières ou à Bécancour et l’attendre. Kilométrage remboursé."}},
	{org: 2, created: -90, in: volunteering.Input{Title: "Animer le bingo du jeudi", Schedule: volunteering.Recurring,
		Slots: volunteering.Slot(time.Thursday, volunteering.Afternoon), PlaceSlug: "manseau", Venue: "Salle de l’âge d’or",
		Causes: []string{"seniors", "sports_recreation"}, Skills: []string{"events"}, Accessibility: "Salle accessible en fauteuil roulant."}},
	{org: 2, created: -60, in: volunteering.Input{Title: "Trésorerie du club", Kind: volunteering.BoardSeat, Schedule: volunteering.Recurring,
		Slots: volunteering.Slot(time.Monday, volunteering.Evening), PlaceSlug: "manseau", Commitment: "Un mandat de 2 ans, une réunion par mois",
		MinAge: ptr(18), Causes: []string{"seniors", "local_development"}, Skills: []string{"accounting", "governance"},
		Description: "Le trésorier actuel termine bientôt son mandat. Il vous accompagnera pour la transition."}},
	{org: 3, created: -20, in: volunteering.Input{Title: "Fête familiale du village\u00a0: accueil et kiosques", Schedule: volunteering.OneOff,
		PlaceSlug: "fortierville", Venue: "Parc municipal", Spots: ptr(12), Causes: []string{"families", "sports_recreation"},
		Skills: []string{"events", "childcare"}, Description: "Accueillir les familles, tenir un kiosque de jeux ou aider au service."}, day: 18, hour: 10, durationHrs: 6},
	{org: 3, created: -100, in: volunteering.Input{Title: "Entraîner l’équipe de soccer des 8-10 ans", Schedule: volunteering.Recurring,
		Slots: volunteering.Slot(time.Wednesday, volunteering.Evening), PlaceSlug: "fortierville", Commitment: "Une soirée par semaine pendant la saison",
		Causes: []string{"youth", "sports_recreation"}, Skills: []string{"sports", "childcare"}, MinAge: ptr(16)}},
	{org: 4, created: -80, in: volunteering.Input{Title: "Aide aux devoirs à la Maison des jeunes", Schedule: volunteering.Recurring,
		Slots: volunteering.Weekdays(volunteering.Afternoon) &^ volunteering.Slot(time.Friday, volunteering.Afternoon), PlaceSlug: "saint-pierre-les-becquets",
		Commitment: "1 après-midi par semaine", Causes: []string{"youth", "education"}, Skills: []string{"tutoring"}, MinAge: ptr(16)}},
	{org: 5, created: -25, in: volunteering.Input{Title: "Corvée au cœur du village", Schedule: volunteering.OneOff, PlaceSlug: "sainte-francoise",
		Spots: ptr(15), Causes: []string{"environment", "heritage"}, Skills: []string{"handiwork"},
		Description: "Embellir le cœur du village avec le comité\u00a0: nettoyage, menus travaux et décorations de saison. Gants et outils fournis, dîner offert."}, day: 11, hour: 9, durationHrs: 4},
	{org: 6, created: -30, in: volunteering.Input{Title: "Projet scolaire\u00a0: collecte de denrées des élèves", Kind: volunteering.SchoolProject, Schedule: volunteering.OneOff,
		PlaceSlug: "becancour-saint-gregoire", MaxAge: ptr(17), Causes: []string{"food", "mutual_aid"},
		Description: "Les élèves recueillent des denrées porte à porte, encadrés par des enseignants. Les heures comptent pour l’engagement communautaire."}, day: 25, hour: 13, durationHrs: 4},
	{org: 0, created: -15, in: volunteering.Input{Title: "Une équipe d’entreprise pour trier les denrées", Kind: volunteering.CorporateRequest, Schedule: volunteering.OneOff,
		PlaceSlug: "becancour-gentilly", Spots: ptr(8), Causes: []string{"food"},
		Description: "Une demi-journée de tri au comptoir alimentaire pour une équipe de 6 à 8 employés."}, day: 30, hour: 8, durationHrs: 4},
	{org: 7, created: -12, in: volunteering.Input{Title: "Notre équipe offre une journée de corvée", Kind: volunteering.CorporateOffer, Schedule: volunteering.OneOff,
		PlaceSlug: "lemieux", Spots: ptr(6), Skills: []string{"handiwork"},
		Description: "Six employés de la quincaillerie offrent une journée de menus travaux à un organisme du territoire."}, day: 40, hour: 8, durationHrs: 7},
}

func ptr[T any](v T) *T { return &v }

// demoVolunteer is a fictional resident with an involvement profile,
// filled in day days from today (with an account opened then, when they
// had none).
type demoVolunteer struct {
	email, name string
	profile     volunteering.ProfileInput
	employer    int // index in volunteerOrgs, -1: none
	day         int
}

var demoVolunteers = []demoVolunteer{
	{"nicole.lemay@demo.implique.test", "Nicole Lemay", volunteering.ProfileInput{PlaceSlug: "fortierville", Causes: []string{"seniors", "food"},
		Skills: []string{"cooking", "companionship"}, Languages: []string{"fr"}, Availability: volunteering.Weekdays(volunteering.Morning) | volunteering.Occasional,
		MaxKm: ptr(25), Mobility: volunteering.HasCar, AgeBand: "65_74"}, -1, -356},
	{"kevin.descoteaux@demo.implique.test", "Kevin Descôteaux", volunteering.ProfileInput{PlaceSlug: "becancour-saint-gregoire",
		Causes: []string{"youth", "sports_recreation"}, Skills: []string{"sports", "computers"}, Languages: []string{"fr", "en"},
		Availability: sat(volunteering.Morning) | sat(volunteering.Afternoon), Mobility: volunteering.NeedsRide, AgeBand: "16_17", Student: true,
		School: "École secondaire du Rivage"}, -1, -128},
	{"gisele.pepin@demo.implique.test", "Gisèle Pépin", volunteering.ProfileInput{PlaceSlug: "manseau", Causes: []string{"seniors"},
		Skills: []string{"events"}, Availability: volunteering.Weekdays(volunteering.Afternoon), MaxKm: ptr(5), Mobility: volunteering.NoCar, AgeBand: "75_plus"}, -1, -45},
	{"mathieu.bourque@demo.implique.test", "Mathieu Bourque", volunteering.ProfileInput{PlaceSlug: "lemieux", Causes: []string{"environment", "food"},
		Skills: []string{"handiwork", "driving"}, Availability: volunteering.Weekend() | volunteering.Occasional, MaxKm: ptr(40),
		Mobility: volunteering.HasCar, AgeBand: "35_49"}, 7, -95},
	{"annie.rivard@demo.implique.test", "Annie Rivard", volunteering.ProfileInput{PlaceSlug: "becancour-gentilly", Causes: []string{"families", "education"},
		Skills: []string{"tutoring", "office"}, Availability: volunteering.Weekdays(volunteering.Evening), MaxKm: ptr(15), Mobility: volunteering.HasCar,
		AgeBand: "25_34"}, -1, -55},
}

// Organisations the volunteering demo needs enter the directory on
// volunteerOrgsDay, when they are not in it already.
const volunteerOrgsDay = -363

// demoApplication is an application and its answer, days from today.
type demoApplication struct {
	opp         int
	who         int // index in demoVolunteers
	day         int
	message     string
	unconfirmed bool
	answer      volunteering.Answer // "": none yet
	withdraw    bool
	answered    int // the day of the answer or of the withdrawal
	reply       string
}

// demoApplications are in every state: accepted, waiting for an answer,
// contacted, declined with a kind word, withdrawn, not yet confirmed by
// e-mail, and a student's school project.
var demoApplications = []demoApplication{
	{opp: 0, who: 0, day: -355, message: "J’adore cuisiner en équipe, je suis libre les mardis.",
		answer: volunteering.Accept, answered: -353, reply: "Bienvenue dans l’équipe\u202f! On commence mardi à 8 h 30."},
	{opp: 2, who: 0, day: -12},
	{opp: 4, who: 2, day: -40, message: "Je peux aussi apporter des prix.", answer: volunteering.MarkContacted, answered: -38},
	{opp: 5, who: 4, day: -50, message: "J’ai de l’expérience en comptabilité.", answer: volunteering.Decline, answered: -45,
		reply: "Merci beaucoup\u202f! Une personne du club a accepté le poste. Nous gardons votre nom pour le comité des fêtes."},
	{opp: 8, who: 4, day: -30, withdraw: true, answered: -25},
	{opp: 9, who: 3, day: -6, message: "Je peux apporter ma remorque.", unconfirmed: true},
	{opp: 10, who: 1, day: -20, message: "Avec deux amis de ma classe.", answer: volunteering.Accept, answered: -18},
}

// seedVolunteering adds realistic volunteering to the demo: organisations'
// opportunities in real places of the MRC, residents with profiles,
// applications in every state, hours declared the day after and reviewed
// a few days later (some confirmed), and a tracked link to jebénévole.ca
// with its clicks — only when the territory has no opportunity yet.
// Organisations the organisations' demo made are reused by name. Nothing
// is e-mailed, and no fictional person asks for the weekly digest.
func seedVolunteering(ctx context.Context, st *app.App, t territory.Territory, s *story) (bool, error) {
	// Fictional people get no e-mail: the demo records, it does not write.
	vs := st.Volunteering.Quiet()
	existing, err := vs.Opportunities(ctx, t.ID, volunteering.Filter{Limit: 1})
	if err != nil || len(existing) > 0 {
		return false, err
	}

	// Organisations.
	orgIDs := make([]int64, len(volunteerOrgs))
	for i, d := range volunteerOrgs {
		o, err := st.Orgs.BySlug(ctx, t.ID, i18n.Slug(d.name, 60))
		if errs.Is(err, errs.NotFound) {
			s.tellOn(volunteerOrgsDay, 15, i)
			o, err = st.Orgs.Create(ctx, t.ID, 0, orgs.Input{Name: d.name, Kind: d.kind, PlaceSlugs: d.places, Causes: d.causes,
				ContactEmail: d.email, Public: true})
		}
		if err != nil {
			return false, fmt.Errorf("demo organisation %s: %w", d.name, err)
		}
		orgIDs[i] = o.ID
	}
	// The demo's organisation manager keeps the popote and the club.
	if manager, err := st.Auth.UserByEmail(ctx, DemoManagerEmail); err == nil {
		s.tell(manager.CreatedAt.Add(20 * time.Minute))
		for _, i := range []int{1, 2} {
			if err := st.Orgs.AddManager(ctx, t.ID, orgIDs[i], manager.ID); err != nil {
				return false, err
			}
		}
	}

	// Opportunities, as organisations posted them.
	opps := make([]volunteering.Opportunity, len(demoOpps))
	for i, d := range demoOpps {
		s.tellOn(d.created, 13, 0)
		in := d.in
		in.OrganizationID = orgIDs[d.org]
		if in.Kind == "" {
			in.Kind = volunteering.Task
		}
		if in.ContactEmail == "" {
			in.ContactEmail = volunteerOrgs[d.org].email
		}
		if in.Schedule == volunteering.OneOff {
			in.StartsAt = s.on(d.day, d.hour, 0)
			in.EndsAt = in.StartsAt.Add(time.Duration(d.durationHrs) * time.Hour)
		}
		if opps[i], err = vs.CreateOpportunity(ctx, t.ID, 0, in); err != nil {
			return false, fmt.Errorf("demo opportunity %s: %w", in.Title, err)
		}
	}

	// Residents.
	people := make([]int64, len(demoVolunteers))
	for i, v := range demoVolunteers {
		s.tellOn(v.day, 20, 0)
		u, err := st.Auth.UserByEmail(ctx, v.email)
		if errs.Is(err, errs.NotFound) {
			u, err = st.Auth.CreateUser(ctx, auth.NewUser{Email: v.email, Name: v.name, Locale: "fr"}, t.ID, auth.RoleCitizen)
		}
		if err != nil {
			return false, err
		}
		people[i] = u.ID
		p := v.profile
		if v.employer >= 0 {
			p.EmployerID = orgIDs[v.employer]
		}
		if _, err := vs.SaveProfile(ctx, t.ID, u.ID, p); err != nil {
			return false, fmt.Errorf("demo profile %s: %w", v.name, err)
		}
	}
	nicole, kevin, gisele, mathieu := people[0], people[1], people[2], people[3]

	// Applications, and what became of them.
	for _, da := range demoApplications {
		s.tellOn(da.day, 19, 30)
		who := people[da.who]
		a, _, err := vs.Apply(ctx, t.ID, opps[da.opp].ID, who, volunteering.ApplyInput{Message: da.message}, !da.unconfirmed)
		if err != nil {
			return false, fmt.Errorf("demo application: %w", err)
		}
		s.tellOn(da.answered, 10, 0)
		switch {
		case da.withdraw:
			err = vs.WithdrawApplication(ctx, t.ID, a.ID, who)
		case da.answer != "":
			_, err = vs.Respond(ctx, t.ID, a.ID, da.answer, da.reply)
		}
		if err != nil {
			return false, fmt.Errorf("demo application: %w", err)
		}
	}

	// Hours: a year of Nicole at the popote, Kevin's school year, Mathieu's
	// corporate days. Each is declared the day after and reviewed by the
	// organisation a few days later.
	type given struct {
		who      int64
		org      int
		opp      int // -1: none
		employer int // -1: none
		daysAgo  int
		hours    string
		activity string
		review   volunteering.Review // "": left to review
		fixed    string
	}
	var hours []given
	for w := 2; w <= 50; w += 2 {
		r := volunteering.ConfirmHours
		if w == 2 {
			r = ""
		}
		hours = append(hours, given{nicole, 1, 0, -1, w * 7, "3", "Cuisine de la popote", r, ""})
	}
	hours = append(hours,
		given{nicole, 0, -1, -1, 300, "2", "Accueil à la journée portes ouvertes du Centre", volunteering.ConfirmHours, ""},
		given{kevin, 6, -1, -1, 60, "4", "Soirée portes ouvertes de l’école", volunteering.ConfirmHours, ""},
		given{kevin, 3, -1, -1, 45, "5", "Tournoi de soccer", volunteering.ConfirmHours, ""},
		given{kevin, 3, -1, -1, 3, "2,5", "Entraînement", "", ""},
		given{mathieu, 5, -1, 7, 30, "6", "Corvée d’embellissement (équipe de la quincaillerie)", volunteering.CorrectHours, "7"},
		given{mathieu, 1, -1, 7, 90, "4", "Tri des denrées (équipe de la quincaillerie)", volunteering.ConfirmHours, ""},
		given{gisele, 2, -1, -1, 20, "3", "Bingo du jeudi", volunteering.RejectHours, ""},
	)
	for _, h := range hours {
		s.tellOn(-h.daysAgo+1, 9, 0)
		in := volunteering.HoursInput{OrganizationID: orgIDs[h.org], Day: s.day(-h.daysAgo).Format("2006-01-02"), Hours: h.hours, Activity: h.activity}
		if h.opp >= 0 {
			in.OpportunityID = opps[h.opp].ID
		}
		if h.employer >= 0 {
			in.EmployerID = orgIDs[h.employer]
		}
		e, err := vs.DeclareHours(ctx, t.ID, h.who, in)
		if err != nil {
			return false, fmt.Errorf("demo hours %s: %w", h.activity, err)
		}
		note := ""
		switch h.review {
		case "":
			continue
		case volunteering.CorrectHours:
			note = "La corvée a fini plus tard que prévu\u00a0: merci\u202f!"
		case volunteering.RejectHours:
			note = "Ce jeudi-là, le bingo a été annulé à cause de la tempête."
		}
		s.tellOn(-h.daysAgo+3, 14, 0)
		if _, err := vs.ReviewHours(ctx, t.ID, e.ID, 0, h.review, h.fixed, note); err != nil {
			return false, err
		}
	}

	// A tracked link to jebénévole.ca on the posters of Fortierville, with
	// the clicks of the last weeks.
	s.tellOn(-46, 11, 0)
	l, err := st.Tracking.Create(ctx, t.ID, 0, tracking.Input{Target: "https://www.jebenevole.ca/", Campaign: "Affiches épiceries",
		PlaceSlug: "fortierville", Label: "Affiche à l’épicerie du village"})
	if err != nil {
		return false, err
	}
	for d := 0; d < 45; d++ {
		for range (d*7 + 3) % 4 {
			if err := st.Tracking.Count(ctx, l.ID, s.past(s.on(-d, 12, 0))); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}
