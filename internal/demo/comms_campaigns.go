package demo

import (
	"context"
	"strings"

	"implique/internal/app"
	"implique/internal/comms"
	"implique/internal/territory"
)

// campaignDemo is one of the program's campaigns, its links and their
// clicks (one click every clickEvery days over the last days).
type campaignDemo struct {
	theme, goal      string
	from, to         int
	audiences        []string
	channels, places []string
	links            []campaignDemoLink
}

type campaignDemoLink struct {
	target, label    string
	days, clickEvery int
}

var campaignDemos = []campaignDemo{
	{theme: "jebénévole.ca", goal: "Recruter des bénévoles par la plateforme provinciale jebénévole.ca : chaque offre du territoire y est, et chaque lien de la campagne est suivi.",
		from: -45, to: 40, audiences: []string{"citizens", "youth", "newcomers"}, channels: []string{"facebook", "newspaper", "radio", "poster"},
		links: []campaignDemoLink{{"https://www.jebenevole.ca/", "Publications Facebook", 40, 2}, {"https://www.jebenevole.ca/recherche", "Annonce radio", 30, 3}}},
	{theme: "Voisins solidaires", goal: "Faire connaître l’entraide entre voisins : un coup de main, un repas partagé, une visite à un aîné seul.",
		from: -12, to: 60, audiences: []string{"seniors", "families", "citizens"}, channels: []string{"facebook", "bulletin", "newsletter"},
		places: []string{"manseau", "saint-pierre-les-becquets"},
		links:  []campaignDemoLink{{"https://www.jebenevole.ca/", "Bulletin municipal", 10, 2}}},
	{theme: "Les bienfaits de l’implication", goal: "Montrer ce que l’implication apporte à la santé et au sentiment d’appartenance, avec des témoignages.",
		from: -100, to: -20, audiences: []string{"citizens", "seniors"}, channels: []string{"facebook", "website", "newspaper"},
		links: []campaignDemoLink{{"https://www.jebenevole.ca/", "Chronique du journal", 70, 4}}},
}

// campaignDemoItem is an item of the calendar around the demo's « now ».
type campaignDemoItem struct {
	campaign int // index in campaignDemos, -1: none
	channel  string
	day      int
	clock    string
	title    string
	body     string
	source   string // "event", "opportunity", "story": made from the first one found
}

var campaignDemoItems = []campaignDemoItem{
	{0, "facebook", -14, "12:00", "Une heure par semaine, ça change tout", "Vous avez une heure par semaine ? Les organismes de la MRC de Bécancour ont besoin de vous. Toutes les offres sont sur jebénévole.ca.", ""},
	{0, "radio", -12, "07:40", "Chronique bénévolat à la radio locale", "Trois offres de la semaine, lues en ondes, et l’adresse jebénévole.ca.", ""},
	{0, "newspaper", -9, "", "Annonce dans le journal local", "Devenez bénévole près de chez vous : jebénévole.ca.", ""},
	{1, "facebook", -7, "18:00", "", "", "event"},
	{1, "bulletin", -5, "", "Voisins solidaires dans le bulletin de Manseau", "Un voisin seul, une entrée à déneiger, un repas à partager : l’entraide commence sur le palier.", ""},
	{0, "facebook", -3, "12:00", "", "", "opportunity"},
	{-1, "website", -2, "", "", "", "story"},
	{1, "newsletter", -1, "", "Infolettre : l’entraide cet hiver", "Les occasions de donner un coup de main cet hiver.", ""},
	{0, "poster", 0, "", "Affiches dans les épiceries", "Affiche « Moi, je m’implique ! » avec le code QR vers jebénévole.ca.", ""},
	{1, "facebook", 1, "18:30", "Qui sont vos voisins solidaires ?", "Racontez-nous le coup de main d’un voisin qui vous a touché.", ""},
	{0, "radio", 2, "07:40", "Chronique bénévolat : les jeunes", "Les offres pour les 15 à 25 ans.", ""},
	{1, "facebook", 4, "12:00", "", "", "event"},
	{0, "newspaper", 6, "", "Portrait d’une bénévole", "", ""},
	{1, "bulletin", 8, "", "Voisins solidaires dans le bulletin de Saint-Pierre-les-Becquets", "", ""},
	{0, "facebook", 10, "12:00", "Les offres de la semaine", "", ""},
	{-1, "facebook", 12, "", "Joyeuses fêtes de l’équipe", "", ""},
	{1, "newsletter", 15, "", "Infolettre de janvier", "", ""},
}

// seedCommsCampaigns adds the program's three campaigns, their tracked
// links and clicks, and a month of the content calendar around « now ».
// Nothing here sends an e-mail.
func seedCommsCampaigns(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	list, err := st.Comms.Campaigns(ctx, t.ID)
	if err != nil || len(list) > 0 {
		return err
	}
	officer, err := st.Auth.UserByEmail(ctx, "marie-eve.gagnon@demo.implique.test")
	if err != nil {
		return err
	}
	var made []comms.Campaign
	for _, cd := range campaignDemos {
		s.tellOn(min(cd.from-10, -1), 10, 0)
		c, err := st.Comms.CreateCampaign(ctx, t.ID, officer.ID, comms.CampaignInput{Theme: cd.theme, Goal: cd.goal,
			StartsOn: s.day(cd.from).Format("2006-01-02"), EndsOn: s.day(cd.to).Format("2006-01-02"), Audiences: cd.audiences,
			Channels: cd.channels, Places: cd.places})
		if err != nil {
			return err
		}
		made = append(made, c)
		for _, ld := range cd.links {
			l, err := st.Comms.CreateCampaignLink(ctx, t.ID, officer.ID, c.ID, ld.target, ld.label)
			if err != nil {
				return err
			}
			for d := ld.days; d > 0; d -= ld.clickEvery {
				if err := st.Tracking.Count(ctx, l.ID, s.past(s.on(-d, 12, 0))); err != nil {
					return err
				}
			}
		}
	}
	// What may be promoted is what is upcoming or open at « now ».
	s.tell(s.now)
	sources, err := st.Comms.ItemSources(ctx, t.ID, "fr")
	if err != nil {
		return err
	}
	used := map[string]int{}
	statuses := func(day int) string {
		switch {
		case day < 0:
			return comms.ItemPublished
		case day <= 2:
			return comms.ItemReady
		case day <= 8:
			return comms.ItemDraft
		}
		return comms.ItemIdea
	}
	s.tellOn(-20, 9, 30)
	for _, it := range campaignDemoItems {
		in := comms.ItemInput{Channel: it.channel, Title: it.title, Body: it.body, Day: s.day(it.day).Format("2006-01-02"),
			Clock: it.clock, OwnerID: officer.ID, Status: comms.ItemDraft}
		if it.campaign >= 0 {
			in.CampaignID = made[it.campaign].ID
		}
		if it.source != "" {
			var src *comms.ItemSource
			n := 0
			for i := range sources {
				if sources[i].Kind == it.source {
					if n == used[it.source] {
						src = &sources[i]
						break
					}
					n++
				}
			}
			if src == nil {
				continue
			}
			used[it.source]++
			pre, err := st.Comms.ItemFrom(ctx, t.ID, "fr", src.Kind, src.ID)
			if err != nil {
				return err
			}
			in.Title, in.Body, in.SourceKind, in.SourceID = pre.Input.Title, pre.Input.Body, src.Kind, src.ID
			if strings.HasPrefix(pre.URL, "http") {
				in.Target = pre.URL
			}
		}
		item, err := st.Comms.CreateItem(ctx, t.ID, officer.ID, in)
		if err != nil {
			return err
		}
		if want := statuses(it.day); want != comms.ItemDraft {
			if want == comms.ItemPublished {
				s.tell(s.on(it.day, 12, 0))
			}
			if err := st.Comms.SetItemStatus(ctx, t.ID, item.ID, want); err != nil {
				return err
			}
			s.tellOn(-20, 9, 30)
		}
	}
	s.tell(s.now)
	return nil
}
