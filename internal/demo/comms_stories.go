package demo

import (
	"context"
	"fmt"

	"implique/internal/app"
	"implique/internal/comms"
	"implique/internal/territory"
)

// storyDemo is a story of the demo with the consents of the people it
// shows, told days from today: the consents given, the story written,
// then published.
type storyDemo struct {
	in                     comms.StoryInput
	consents               []comms.ConsentInput
	consentDays            []int
	writtenDay, publishDay int
}

// storyDemos are a volunteer of the souper of Fortierville and the
// walking club born at that souper, each person shown with their consent.
var storyDemos = []storyDemo{
	{
		in: comms.StoryInput{Kind: comms.StoryVolunteer, Title: "Nicole Lemay, aux chaudrons du souper de Fortierville",
			Summary: "Soixante soupers servis en une soirée, et une recette de pouding chômeur qui a fait jaser.",
			Body: "Nicole Lemay habite Fortierville depuis toujours. Quand le souper citoyen est arrivé dans la salle municipale, " +
				"elle a offert ses bras avant même qu’on le lui demande.\n\n" +
				"> «\u00a0Cuisiner pour les autres, c’est ma façon de dire bonjour.\u00a0»\n\n" +
				"Avec trois voisines, elle a préparé la soupe aux légumes, le pâté chinois et le pouding chômeur. " +
				"Depuis, elle donne un coup de main à la popote roulante.",
			PlaceSlug: "fortierville"},
		consents: []comms.ConsentInput{{Person: "Nicole Lemay", What: []string{comms.ConsentName, comms.ConsentWords, comms.ConsentStory},
			OnWeb: true, OnSocial: true, OnPrint: true,
			Wording: "J’accepte que le Centre d’action bénévole publie mon nom, mes paroles et mon histoire sur son site Web, " +
				"ses médias sociaux et ses imprimés, jusqu’à ce que je retire mon accord.",
			How: comms.ConsentSignedForm}},
		consentDays: []int{-66},
		writtenDay:  -64, publishDay: -60,
	},
	{
		in: comms.StoryInput{Kind: comms.StoryInitiative, Title: "Le club de marche du mardi, né d’un souper",
			Summary: "Une idée lancée au souper citoyen de Fortierville est devenue un rendez-vous chaque mardi matin.",
			Body: "Au souper citoyen de Fortierville, plusieurs personnes aînées ont dit qu’elles aimeraient marcher, " +
				"mais pas seules. Gisèle Pépin a pris l’idée au vol.\n\n" +
				"Avec la municipalité, le groupe a tracé trois parcours sûrs. Chaque mardi, on part devant l’église " +
				"et on finit avec un café.",
			PlaceSlug: "fortierville"},
		consents: []comms.ConsentInput{{Person: "Gisèle Pépin", What: []string{comms.ConsentName, comms.ConsentStory},
			OnWeb: true, OnSocial: true,
			Wording: "J’accepte que mon nom et le récit du club de marche paraissent sur le site Web et les médias sociaux " +
				"du programme pendant un an.",
			How: comms.ConsentEmail}},
		consentDays: []int{-22},
		writtenDay:  -21, publishDay: -18,
	},
}

// seedCommsStories adds the communications' stories to the demo.
func seedCommsStories(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	existing, err := st.Comms.Stories(ctx, t.ID)
	if err != nil || len(existing) > 0 {
		return err
	}
	for _, d := range storyDemos {
		s.tellOn(d.writtenDay, 10, 0)
		made, err := st.Comms.CreateStory(ctx, t.ID, 0, d.in)
		if err != nil {
			return fmt.Errorf("demo story %q: %w", d.in.Title, err)
		}
		for i, c := range d.consents {
			c.GivenOn = s.day(d.consentDays[i]).Format("2006-01-02")
			if c.How == comms.ConsentEmail {
				c.ValidUntil = s.day(d.consentDays[i]).AddDate(1, 0, 0).Format("2006-01-02")
			}
			if _, err := st.Comms.AddConsent(ctx, t.ID, 0, made.ID, c); err != nil {
				return fmt.Errorf("demo consent of %s: %w", c.Person, err)
			}
		}
		s.tellOn(d.publishDay, 14, 0)
		if err := st.Comms.PublishStory(ctx, t.ID, made.ID); err != nil {
			return fmt.Errorf("demo story %q: %w", d.in.Title, err)
		}
	}
	return nil
}
