package demo

import (
	"context"
	"fmt"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/events"
	"implique/internal/territory"
)

type demoMember struct {
	email, name string
	sharing     community.Sharing
}

// demoPost is news a member shares, day days from today.
type demoPost struct {
	author int // index in the members
	day    int
	body   string
}

type demoCommunity struct {
	name, description string
	public            bool
	places            []string
	// day is when the community was formed, after the souper where
	// the ideas it carries were named; its members join in the days after.
	day        int
	ideas      []string // titles of demo ideas it carries
	members    []demoMember
	posts      []demoPost
	links      [][2]string // title, address
	meetingDay int         // days from today; 0 for none
}

var demoCommunities = []demoCommunity{
	{
		name: "Bouger ensemble à Fortierville",
		description: "Des voisines et des voisins qui ne veulent plus rester seuls à la maison\u00a0: marche du mardi, " +
			"covoiturage vers l’épicerie et les rendez-vous, un café après.",
		public: true, places: []string{"fortierville", "sainte-francoise"}, day: -76,
		ideas: []string{"Un club de marche du mardi matin", "Un transport vers l’épicerie et les rendez-vous médicaux"},
		members: []demoMember{
			{"nicole.lemay@demo.implique.test", "Nicole Lemay", community.Sharing{Name: "Nicole L.", ShowName: true, ShowEmail: true}},
			{"kevin.descoteaux@demo.implique.test", "Kevin Descôteaux", community.Sharing{Name: "Kevin"}},
			{"gisele.marcotte@demo.implique.test", "Gisèle Marcotte", community.Sharing{Name: "Gisèle", ShowName: true, Phone: "819 555-0142"}},
			{"andre.baril@demo.implique.test", "André Baril", community.Sharing{Name: "André B.", ShowName: true}},
		},
		posts: []demoPost{
			{0, -29, "On a marché 4 km mardi, 11 personnes\u202f! Rendez-vous devant l’église à 9 h la semaine prochaine."},
			{3, -9, "Qui aurait une place dans son auto jeudi pour aller à Bécancour\u202f? Gisèle a un rendez-vous à 10 h."},
		},
		links:      [][2]string{{"Trouver une occasion de bénévolat près de chez soi", "https://www.jebenevole.ca/"}},
		meetingDay: 12,
	},
	{
		name:        "Cuisine et jardins de Manseau",
		description: "Cuisiner ensemble une fois par mois et préparer un petit jardin ensemble.",
		places:      []string{"manseau", "lemieux"}, day: -62,
		ideas: []string{"Une cuisine collective une fois par mois"},
		members: []demoMember{
			{"nicole.lemay@demo.implique.test", "Nicole Lemay", community.Sharing{Name: "Nicole", ShowName: true}},
			{"roger.pellerin@demo.implique.test", "Roger Pellerin", community.Sharing{Name: "Roger P.", ShowName: true, ShowEmail: true}},
		},
		posts: []demoPost{{1, -55, "La salle municipale est libre le 2e samedi du mois. On commence par des soupes\u202f?"}},
	},
}

// seedCommunities adds the demo's communautés de partage, each formed
// after the souper that named the ideas it carries — members, news,
// resources and a meeting to come — only when the territory has none.
func seedCommunities(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	as, es, cs := st.Auth, st.Events, st.Community
	existing, err := cs.Communities(ctx, t.ID, community.CommunityFilter{})
	if err != nil || len(existing) > 0 {
		return err
	}
	facilitator, err := as.UserByEmail(ctx, "julie.tremblay@demo.implique.test")
	if err != nil {
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
	for _, dc := range demoCommunities {
		s.tellOn(dc.day, 10, 0)
		c, err := cs.CreateCommunity(ctx, t.ID, facilitator.ID, community.CommunityInput{Name: dc.name, Description: dc.description,
			Public: dc.public, FacilitatorID: facilitator.ID, PlaceSlugs: dc.places})
		if err != nil {
			return fmt.Errorf("demo community %q: %w", dc.name, err)
		}
		for _, title := range dc.ideas {
			if id, ok := ideaID[title]; ok {
				if err := cs.CarryIdea(ctx, t.ID, c.ID, id, facilitator.ID); err != nil {
					return err
				}
			}
		}
		s.tellOn(dc.day, 10, 30)
		for _, l := range dc.links {
			if _, err := cs.AddResource(ctx, t.ID, c.ID, facilitator.ID, community.ResourceInput{Category: community.Document,
				Title: l[0], URL: l[1]}); err != nil {
				return err
			}
		}
		if _, err := cs.AddResource(ctx, t.ID, c.ID, facilitator.ID, community.ResourceInput{Category: community.Template,
			Title: "Gabarit d’invitation à une rencontre", FileName: "invitation-rencontre.txt",
			Data: []byte("Bonjour à toutes et à tous,\n\nNotre prochaine rencontre aura lieu le … à … h, à …\n\nAu programme\u00a0: …\n\nAu plaisir\u202f!\n")}); err != nil {
			return err
		}
		// Members join over the following days; those without an account
		// open one then.
		members := make([]int64, len(dc.members))
		for i, m := range dc.members {
			s.tellOn(dc.day+1+2*i, 19, 0)
			u, err := as.UserByEmail(ctx, m.email)
			if err != nil {
				u, err = as.CreateUser(ctx, auth.NewUser{Email: m.email, Name: m.name, Locale: "fr"}, t.ID, auth.RoleCitizen)
			}
			if err != nil {
				return err
			}
			if err := cs.AddMember(ctx, t.ID, c.ID, u.ID, m.email, m.sharing); err != nil {
				return err
			}
			members[i] = u.ID
		}
		for _, p := range dc.posts {
			s.tellOn(p.day, 20, 15)
			if _, err := cs.AddPost(ctx, t.ID, c.ID, members[p.author], p.body, false, "fr"); err != nil {
				return err
			}
		}
		if dc.meetingDay > 0 {
			s.tellOn(-3, 10, 0)
			start := s.on(dc.meetingDay, 19, 0)
			ev, err := es.Create(ctx, t.ID, facilitator.ID, events.Input{Kind: events.CommunityMeeting, Title: "Rencontre — " + dc.name,
				Summary: "Faire le point sur la marche et le covoiturage, et préparer la suite.", PlaceSlug: dc.places[0],
				VenueName: "Salle municipale", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
				ContactName: "Julie Tremblay", ContactPhone: "819-288-5533, poste 5"})
			if err != nil {
				return err
			}
			s.tellOn(-3, 10, 5)
			if err := es.Publish(ctx, t.ID, ev.ID, time.Time{}); err != nil {
				return err
			}
			if err := cs.AddMeeting(ctx, t.ID, c.ID, ev.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
