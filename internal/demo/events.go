package demo

import (
	"context"
	"fmt"
	"time"

	"implique/internal/app"
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

// demoEvents are the year's events, oldest first: the program began with
// the soupers of Lemieux and Parisville, then went on after the summer.
var demoEvents = []demoEvent{
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "lemieux", venue: "Salle communautaire", address: "Rue de l’Église", day: -300, hour: 17, min: 0, hours: 3, capacity: 35, people: 16, held: true, menu: "Soupe aux pois et sandwichs"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "parisville", venue: "Salle paroissiale", address: "Rue de l’Église", day: -260, hour: 17, min: 0, hours: 3, capacity: 40, people: 19, held: true, menu: "Fèves au lard, jambon, salade de chou"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "fortierville", venue: "Salle municipale", address: "198, rue Principale", day: -84, hour: 17, min: 30, hours: 3, capacity: 60, people: 34, held: true, menu: "Soupe aux légumes, pâté chinois, pouding chômeur"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "manseau", venue: "Centre communautaire", address: "285, rue Hôtel-de-Ville", day: -70, hour: 17, min: 30, hours: 3, capacity: 50, people: 27, held: true, menu: "Bouilli de légumes et tarte au sucre"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "wolinak", venue: "Salle communautaire", address: "Rue Kolipaïo", day: -42, hour: 17, min: 30, hours: 3, capacity: 50, people: 22, held: true, menu: "Soupe au maïs et bannique"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "becancour-gentilly", venue: "Centre culturel", address: "Boulevard Bécancour", day: -35, hour: 17, min: 30, hours: 3, capacity: 80, people: 41, held: true, menu: "Spaghetti sauce à la viande"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "sainte-francoise", venue: "Salle municipale", address: "Rue Principale", day: -21, hour: 17, min: 30, hours: 3, capacity: 40, people: 18, held: true, menu: "Ragoût de boulettes"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "saint-sylvere", venue: "Salle municipale", address: "Rue Principale", day: -10, hour: 17, min: 30, hours: 3, capacity: 35, people: 15, held: true, menu: "Macaroni à la viande et salade du jardin"},
	{kind: events.CommunityMeeting, title: "Rencontre de la communauté de partage", place: "fortierville", venue: "Bibliothèque municipale", address: "Rue Principale", day: 5, hour: 19, min: 0, hours: 2, people: 8},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "deschaillons-sur-saint-laurent", venue: "Salle municipale", address: "Route Marie-Victorin", day: 9, hour: 17, min: 30, hours: 3, capacity: 50, people: 12, menu: "Tourtière maison et salade"},
	{kind: events.Workshop, title: "Atelier\u00a0: reconnaître et remercier ses bénévoles", place: "becancour-saint-gregoire", venue: "Bibliothèque", address: "Boulevard des Acadiens", day: 12, hour: 19, min: 0, hours: 2, capacity: 20, people: 9},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "saint-pierre-les-becquets", venue: "Centre des loisirs", address: "Rue des Loisirs", day: 16, hour: 17, min: 30, hours: 3, capacity: 30, people: 28, menu: "Pâté au saumon et légumes du potager"},
	{kind: events.Training, title: "Formation\u00a0: faire équipe avec sa communauté", place: "becancour-sainte-angele-de-laval", venue: "Centre communautaire", address: "Rue Godefroy", day: 19, hour: 13, min: 30, hours: 3, capacity: 25, people: 11},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "sainte-cecile-de-levrard", venue: "Salle paroissiale", address: "Rue Principale", day: 23, hour: 17, min: 0, hours: 3, capacity: 25, people: 25, waitlist: 3, menu: "Soupe à l’oignon gratinée et quiche"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "becancour-precieux-sang", venue: "Salle communautaire", address: "Rue du Précieux-Sang", day: 30, hour: 17, min: 30, hours: 3, capacity: 45, people: 6, menu: "Chili et pain de maïs"},
	{kind: events.Forum, title: "Forum sur l’implication citoyenne", place: "becancour-secteur-becancour", venue: "Centre administratif", address: "Avenue Nicolas-Perrot", day: 37, hour: 9, min: 0, hours: 7, capacity: 150, people: 38, menu: "Dîner et collations offerts"},
	{kind: events.CitizenDinner, title: "Souper citoyen", place: "sainte-sophie-de-levrard", venue: "Salle municipale", address: "À confirmer", day: 44, hour: 17, min: 30, hours: 3, capacity: 40, draft: true},
}

// parties are the sizes of the parties that register, the first being
// the person-th fictional person: up to three people each, the last one
// cut to fill the room exactly, then the wait-list.
func (de demoEvent) parties(person int) []int {
	var out []int
	for seats := 0; seats < de.people+de.waitlist; person++ {
		party := 1 + person%3
		if de.capacity > 0 && seats < de.people && seats+party > de.people {
			party = de.people - seats
		}
		out = append(out, party)
		seats += party
	}
	return out
}

// Planning an event: it is written six weeks ahead and published a month
// ahead, but an event coming soon was written and published lately.
const (
	writtenDaysBefore, publishedDaysBefore = 45, 30
	writtenLatest, publishedLatest         = -10, -7
)

// returning is how many people of earlier soupers come back to each held
// souper after the first.
const returning = 3

// seedEvents adds the year's events to the default territory: soupers
// held, each written and published ahead, with registrations taken by
// phone and on paper as they came, check-in at the door, a report the
// evening itself, and a few people who come back to a second souper;
// upcoming ones (one almost full, one with a wait-list), a forum, a
// workshop, a training, a draft. Only when the territory has no event yet.
func seedEvents(ctx context.Context, st *app.App, t territory.Territory, s *story) (bool, error) {
	es := st.Events
	existing, err := es.List(ctx, t.ID, events.Filter{Limit: 1})
	if err != nil || len(existing) > 0 {
		return false, err
	}
	type attendee struct{ name, phone, place string }
	var came []attendee // people checked in at a souper held, in order
	person := 0
	for _, de := range demoEvents {
		start := s.on(de.day, de.hour, de.min)
		s.tellOn(min(de.day-writtenDaysBefore, writtenLatest), 10, 0)
		written := s.at
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
		s.tellOn(min(de.day-publishedDaysBefore, publishedLatest), 10, 0)
		if !s.at.After(written) {
			s.tell(written.Add(time.Hour))
		}
		published := s.at
		if err := es.Publish(ctx, t.ID, ev.ID, time.Time{}); err != nil {
			return false, err
		}
		// Registrations come in between the publication and the day before.
		sizes := de.parties(person)
		last := s.past(start.Add(-20 * time.Hour))
		for i, party := range sizes {
			s.tell(between(published, last, i, len(sizes)))
			in := events.RegistrationInput{Name: name(person), PartySize: party, Phone: fmt.Sprintf("819 555-%04d", 1000+person)}
			newcomer := true
			if de.held && i < returning && len(came) > 3*returning {
				// Someone who came to an earlier souper comes back.
				a := came[len(came)-1-3*i-len(came)/3]
				in.Name, in.Phone, in.FromPlaceSlug, newcomer = a.name, a.phone, a.place, false
			}
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
			if newcomer {
				in.FromPlaceSlug = de.place
			}
			src := events.SourcePhone
			if person%2 == 0 {
				src = events.SourcePaper
			}
			out, err := es.RegisterByStaff(ctx, t.ID, ev.ID, in, src)
			if err != nil {
				return false, fmt.Errorf("demo registration at %s: %w", de.place, err)
			}
			if de.held && person%6 != 0 {
				// At the door, as people arrive.
				s.tell(start.Add(time.Duration(5+i%20) * time.Minute))
				if err := es.CheckIn(ctx, t.ID, out.Registration.ID, true); err != nil {
					return false, err
				}
				if newcomer {
					came = append(came, attendee{in.Name, in.Phone, in.FromPlaceSlug})
				}
			}
			person++
		}
		if de.held {
			s.tell(start.Add(time.Duration(de.hours)*time.Hour + 30*time.Minute))
			if _, err := es.Close(ctx, t.ID, ev.ID, events.Report{Organizations: "Municipalité, comité des loisirs, FADOQ",
				Notes: "Belle participation. Besoins nommés\u00a0: transport vers les services, activités pour les aînés, entraide entre voisins."}); err != nil {
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
