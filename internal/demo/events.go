package demo

import (
	"context"
	"fmt"
	"time"

	"implique/internal/events"
	"implique/internal/territory"
)

// Fictional first and last names, common in the Centre-du-Québec.
var (
	firstNames = []string{"Lise", "Gaétan", "Monique", "Réjean", "Francine", "Yvon", "Carole", "Denis", "Sylvie", "Normand",
		"Johanne", "Michel", "Diane", "Serge", "Louise", "Claude", "Ginette", "Marcel", "Nathalie", "Stéphane",
		"Mélanie", "Jean-Guy", "Chantal", "Luc", "Émilie", "Alexandre", "Josée", "Mathieu", "Annie", "Benoît"}
	lastNames = []string{"Bergeron", "Houle", "Pellerin", "Beaudet", "Lemay", "Descôteaux", "Hamel", "Rivard", "Provencher",
		"Tousignant", "Laquerre", "Bourque", "Lampron", "Côté", "Gagnon", "Lévesque", "Baril", "Rheault", "Pépin", "Duhaime"}
)

// name returns the i-th fictional person, always the same.
func name(i int) string {
	return firstNames[i%len(firstNames)] + " " + lastNames[(i*7+3)%len(lastNames)]
}

// residents is how many fictional people there are: name(i) and
// name(i+residents) are the same person.
const residents = 60

// phone is the i-th fictional person's phone number: the same person keeps
// it from one souper to the next, so that the demo has people who came
// back to a second activity.
func phone(i int) string { return fmt.Sprintf("819 555-%04d", 1000+i%residents) }

type demoEvent struct {
	kind      events.Kind
	title     string
	place     string
	venue     string
	address   string
	day       int // days from today (negative: past)
	hour, min int
	hours     int
	capacity  int // 0: no limit
	people    int // registrations to add
	waitlist  int // extra registrations once full
	held      bool
	draft     bool
	menu      string
}

var demoEvents = []demoEvent{
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "fortierville", venue: "Salle municipale", address: "198, rue Principale", day: -84, hour: 17, min: 30, hours: 3, capacity: 60, people: 34, held: true, menu: "Soupe aux légumes, pâté chinois, pouding chômeur"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "manseau", venue: "Centre communautaire", address: "285, rue Hôtel-de-Ville", day: -70, hour: 17, min: 30, hours: 3, capacity: 50, people: 27, held: true, menu: "Bouilli de légumes et tarte au sucre"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "parisville", venue: "Salle paroissiale", address: "Rue de l’Église", day: -56, hour: 17, min: 0, hours: 3, capacity: 40, people: 19, held: true, menu: "Fèves au lard, jambon, salade de chou"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "wolinak", venue: "Salle communautaire", address: "Rue Kolipaïo", day: -42, hour: 17, min: 30, hours: 3, capacity: 50, people: 22, held: true, menu: "Soupe au maïs et bannique"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "becancour-gentilly", venue: "Centre culturel", address: "Boulevard Bécancour", day: -35, hour: 17, min: 30, hours: 3, capacity: 80, people: 41, held: true, menu: "Spaghetti sauce à la viande"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "sainte-francoise", venue: "Salle municipale", address: "Rue Principale", day: -21, hour: 17, min: 30, hours: 3, capacity: 40, people: 18, held: true, menu: "Ragoût de boulettes"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "lemieux", venue: "Salle communautaire", address: "Rue de l’Église", day: -10, hour: 17, min: 0, hours: 3, capacity: 35, people: 16, held: true, menu: "Soupe aux pois et sandwichs"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "deschaillons-sur-saint-laurent", venue: "Salle municipale", address: "Route Marie-Victorin", day: 9, hour: 17, min: 30, hours: 3, capacity: 50, people: 12, menu: "Tourtière maison et salade"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "saint-pierre-les-becquets", venue: "Centre des loisirs", address: "Rue des Loisirs", day: 16, hour: 17, min: 30, hours: 3, capacity: 30, people: 28, menu: "Pâté au saumon et légumes du potager"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "sainte-cecile-de-levrard", venue: "Salle paroissiale", address: "Rue Principale", day: 23, hour: 17, min: 0, hours: 3, capacity: 25, people: 25, waitlist: 3, menu: "Soupe à l’oignon gratinée et quiche"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "becancour-precieux-sang", venue: "Salle communautaire", address: "Rue du Précieux-Sang", day: 30, hour: 17, min: 30, hours: 3, capacity: 45, people: 6, menu: "Chili et pain de maïs"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "sainte-sophie-de-levrard", venue: "Salle municipale", address: "À confirmer", day: 44, hour: 17, min: 30, hours: 3, capacity: 40, draft: true},
	{kind: events.Forum, title: "Forum sur l’implication citoyenne", place: "becancour-secteur-becancour", venue: "Centre administratif", address: "Avenue Nicolas-Perrot", day: 37, hour: 9, min: 0, hours: 7, capacity: 150, people: 38, menu: "Dîner et collations offerts"},
	{kind: events.Workshop, title: "Atelier : reconnaître et remercier ses bénévoles", place: "becancour-saint-gregoire", venue: "Bibliothèque", address: "Boulevard des Acadiens", day: 12, hour: 19, min: 0, hours: 2, capacity: 20, people: 9},
	{kind: events.Training, title: "Formation : faire équipe avec sa communauté", place: "becancour-sainte-angele-de-laval", venue: "Centre communautaire", address: "Rue Godefroy", day: 19, hour: 13, min: 30, hours: 3, capacity: 25, people: 11},
	{kind: events.CommunityMeeting, title: "Rencontre de la communauté de partage", place: "fortierville", venue: "Bibliothèque municipale", address: "Rue Principale", day: 5, hour: 19, min: 0, hours: 2, people: 8},
}

// SeedEvents adds a year's worth of events to the default territory:
// soupers already held, upcoming ones (one almost full, one with a
// wait-list), a forum, a workshop, a training, a draft. Only when the
// territory has no event yet. Dates count from today.
func SeedEvents(ctx context.Context, ts *territory.Store, es *events.Store) (bool, error) {
	t, _, err := Base(ctx, ts)
	if err != nil {
		return false, err
	}
	existing, err := es.List(ctx, t.ID, events.Filter{Limit: 1})
	if err != nil || len(existing) > 0 {
		return false, err
	}
	loc := t.Location()
	today := es.Now().In(loc)
	base := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	person := 0
	for _, de := range demoEvents {
		start := base.AddDate(0, 0, de.day).Add(time.Duration(de.hour)*time.Hour + time.Duration(de.min)*time.Minute)
		in := events.Input{Kind: de.kind, Title: de.title, PlaceSlug: de.place, VenueName: de.venue, VenueAddress: de.address,
			StartsAt: start, EndsAt: start.Add(time.Duration(de.hours) * time.Hour), Menu: de.menu,
			Accessibility: "Salle au rez-de-chaussée, accessible en fauteuil roulant. Toilettes adaptées.",
			ContactName:   "Équipe Moi, je m’implique", ContactPhone: "819-288-5533, poste 5",
			Summary: summary(de.kind)}
		if de.capacity > 0 {
			c := de.capacity
			in.Capacity = &c
		}
		ev, err := es.Create(ctx, t.ID, 0, in)
		if err != nil {
			return false, fmt.Errorf("demo event %s: %w", de.place, err)
		}
		if de.draft {
			continue
		}
		if err := es.Publish(ctx, t.ID, ev.ID, base.AddDate(0, 0, de.day-30)); err != nil {
			return false, err
		}
		seats := 0
		for seats < de.people+de.waitlist {
			party := 1 + person%3
			if de.capacity > 0 && seats < de.people && seats+party > de.people {
				party = de.people - seats
			}
			in := events.RegistrationInput{Name: name(person), PartySize: party, Phone: phone(person)}
			switch person % 5 {
			case 0:
				in.Ride = events.RideNeeds
			case 3:
				in.Ride = events.RideOffers
			}
			if person%4 == 1 {
				in.Dietary = "Sans gluten"
			}
			if person%9 == 2 {
				in.Accessibility = "Se déplace avec une marchette"
			}
			in.FromPlaceSlug = de.place
			src := events.SourcePhone
			if person%2 == 0 {
				src = events.SourcePaper
			}
			out, err := es.RegisterByStaff(ctx, t.ID, ev.ID, in, src)
			if err != nil {
				return false, fmt.Errorf("demo registration at %s: %w", de.place, err)
			}
			if de.held && person%6 != 0 {
				if err := es.CheckIn(ctx, t.ID, out.Registration.ID, true); err != nil {
					return false, err
				}
			}
			seats += party
			person++
		}
		if de.held {
			if _, err := es.Close(ctx, t.ID, ev.ID, events.Report{Organizations: "Municipalité, comité des loisirs, FADOQ",
				Notes: "Belle participation. Besoins nommés : transport vers les services, activités pour les aînés, entraide entre voisins."}); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

func summary(k events.Kind) string {
	switch k {
	case events.CitizenDinner:
		return "Un repas gratuit entre voisins pour parler de ce dont notre milieu a besoin et de ce qu’on peut faire ensemble."
	case events.Forum:
		return "Une journée pour partager ce qui fonctionne et bâtir la suite avec les citoyens, les organismes et les municipalités."
	case events.Workshop:
		return "Des idées simples et concrètes pour que les bénévoles se sentent appréciés."
	case events.Training:
		return "Une formation pratique pour les comités et les municipalités qui veulent mobiliser leur monde."
	}
	return "Les membres se retrouvent pour faire avancer les projets et partager des outils."
}
