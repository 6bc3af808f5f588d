package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"implique/internal/app"
	"implique/internal/comms"
	"implique/internal/events"
	"implique/internal/territory"
)

// newsPeople are the demo's subscribers: first names, and the list of a
// municipality they chose besides the general one ("" for none).
var newsPeople = []struct{ name, place string }{
	{"Léa", "becancour"}, {"Marc", ""}, {"Sylvie", "manseau"}, {"Jacques", "becancour"}, {"Nathalie", ""},
	{"Pierre", "saint-sylvere"}, {"Chantal", "manseau"}, {"Denis", ""}, {"Isabelle", "becancour"}, {"Mario", ""},
	{"Josée", "saint-sylvere"}, {"Luc", "becancour"}, {"Manon", ""}, {"Réjean", "manseau"}, {"Carole", ""},
	{"Yves", "becancour"}, {"Francine", ""}, {"Gaétan", "saint-sylvere"}, {"Johanne", ""}, {"Stéphane", "becancour"},
	{"Diane", ""}, {"Richard", "manseau"},
}

// newsAttendees came to a souper and left an e-mail on the sign-in sheet,
// agreeing to be contacted: their consent is implied (CASL), for two years.
var newsAttendees = []string{"Ginette", "Normand", "Lucie", "Robert", "Martine", "André", "Hélène", "Serge"}

// seedCommsNewsletters adds the newsletter's lists, about thirty
// subscribers with the proof of their consent (express, given on the
// souper's paper form; implied, from attending), one issue already sent —
// recorded, no e-mail leaves: the demo mails nobody — and a draft.
func seedCommsNewsletters(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	cs := st.Comms
	if have, err := cs.MailingLists(ctx, t.ID, true); err != nil || len(have) > 0 {
		return err
	}
	s.tellOn(-150, 10, 0)
	listsAt := s.at
	general, err := cs.CreateMailingList(ctx, t.ID, comms.ListInput{Name: "Moi, je m’implique", Kind: comms.ListGeneral,
		Description: "Les nouvelles du programme, une fois par mois\u00a0: soupers citoyens, occasions de bénévolat, récits."})
	if err != nil {
		return err
	}
	places, err := st.Territories.Places(ctx, t.ID)
	if err != nil {
		return err
	}
	byPlace := map[string]int64{}
	for _, slug := range []string{"becancour", "manseau", "saint-sylvere"} {
		for _, p := range places {
			if p.Slug != slug {
				continue
			}
			l, err := cs.CreateMailingList(ctx, t.ID, comms.ListInput{Name: "Nouvelles de " + p.Name, Kind: comms.ListPlace,
				PlaceID: strconv.FormatInt(p.ID, 10), Description: "Ce qui se passe à " + p.Name + "."})
			if err != nil {
				return err
			}
			byPlace[slug] = l.ID
		}
	}
	if _, err := cs.CreateMailingList(ctx, t.ID, comms.ListInput{Name: "Bénévolat", Kind: comms.ListInterest, Interest: "bénévolat",
		Description: "Les occasions de bénévolat dès qu’elles s’ouvrent."}); err != nil {
		return err
	}

	// Express consent, given on the paper form at the soupers and typed in
	// by the team the next morning.
	held, err := st.Events.List(ctx, t.ID, events.Filter{Kind: events.CitizenDinner})
	if err != nil {
		return err
	}
	var past []events.Event
	for _, ev := range held {
		if ev.HeldAt != nil {
			past = append(past, ev)
		}
	}
	wording := cs.ConsentWording("fr", t)
	for i, p := range newsPeople {
		lists := []int64{general.ID}
		if id, ok := byPlace[p.place]; ok {
			lists = append(lists, id)
		}
		how := "papier"
		if len(past) > 0 {
			ev := past[i%len(past)]
			s.tell(newsMorningAfter(ev.StartsAt, listsAt, i, s))
			how = "papier/" + ev.Slug
		} else {
			s.tell(between(s.day(-140), s.day(-5), i, len(newsPeople)))
		}
		if err := cs.RecordConsent(ctx, t.ID, comms.ConsentRecord{Email: newsAddress(i), Name: p.name, Lang: "fr",
			Lists: lists, Basis: comms.BasisExpress, How: how, Wording: wording}); err != nil {
			return fmt.Errorf("demo subscriber %d: %w", i, err)
		}
	}
	// Implied consent: attendees of the last soupers.
	for i, name := range newsAttendees {
		if len(past) == 0 {
			break
		}
		ev := past[(i+1)%len(past)]
		until := ev.StartsAt.AddDate(comms.ImpliedValidity, 0, 0)
		if !until.After(s.now) {
			continue
		}
		s.tell(newsMorningAfter(ev.StartsAt, listsAt, i, s))
		if err := cs.RecordConsent(ctx, t.ID, comms.ConsentRecord{Email: newsAddress(100 + i), Name: name, Lang: "fr",
			Lists: []int64{general.ID}, Basis: comms.BasisImplied, How: "event/" + ev.Slug, ImpliedUntil: until,
			Wording: "Consentement tacite (LCAP)\u00a0: participation à «\u00a0" + ev.Title + "\u00a0» avec accord pour être contacté."}); err != nil {
			return fmt.Errorf("demo attendee %d: %w", i, err)
		}
	}

	// One issue already out (recorded: nobody is e-mailed), and a draft.
	s.tellOn(-12, 9, 0)
	sent, err := cs.CreateNewsletter(ctx, t.ID, 0, comms.NewsletterInput{Subject: "Les soupers citoyens de l’automne", ListID: strconv.FormatInt(general.ID, 10),
		Body: "## Merci d’être venus si nombreux\u202f!\n\nCet automne, les soupers citoyens ont réuni des voisins de partout dans la MRC. " +
			"Ce qui en ressort\u00a0: le transport vers les services, des activités pour les aînés et l’entraide entre voisins.\n\n" +
			"**Envie de donner un coup de main\u202f?** Les occasions de bénévolat sont en ligne.\n"})
	if err != nil {
		return err
	}
	s.tellOn(-10, 9, 30)
	if err := cs.RecordNewsletterSent(ctx, t.ID, sent.ID); err != nil {
		return err
	}
	s.tellOn(-2, 14, 0)
	body := "## Ce qui s’en vient\n\nVoici les prochaines occasions de se rencontrer.\n"
	if up, err := st.Events.List(ctx, t.ID, events.Filter{From: s.now, PublicOnly: true, Limit: 1}); err == nil && len(up) > 0 {
		body += "\n" + comms.NewsBlock("evenement", up[0].Slug) + "\n"
	}
	_, err = cs.CreateNewsletter(ctx, t.ID, 0, comms.NewsletterInput{Subject: "Ce qui s’en vient cet hiver", Body: body,
		ListID: strconv.FormatInt(general.ID, 10)})
	return err
}

// newsAddress is a demo address, at a domain reserved for examples.
func newsAddress(i int) string {
	return fmt.Sprintf("abonne%02d@exemple.org", i)
}

// newsMorningAfter is 9 h the day after t in the story's zone (the i-th
// sheet typed in at 9 h + i minutes), never before the lists existed nor
// after now.
func newsMorningAfter(t, listsAt time.Time, i int, s *story) time.Time {
	at := t.In(s.today.Location())
	m := time.Date(at.Year(), at.Month(), at.Day()+1, 9, i, 0, 0, at.Location())
	if m.Before(listsAt) {
		m = listsAt.Add(time.Duration(i+1) * time.Hour)
	}
	return s.past(m)
}
