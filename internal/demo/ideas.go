package demo

import (
	"context"
	"fmt"
	"time"

	"implique/internal/app"
	"implique/internal/community"
	"implique/internal/events"
	"implique/internal/territory"
)

// ideaStep is a change in an idea's story, days after the souper.
type ideaStep struct {
	status community.Status
	after  int
	reason string
}

type demoIdea struct {
	kind    community.Kind
	title   string
	details string
	theme   string
	place   string // where the souper that raised it was held
	// steps are the idea's story after it was raised; the community that
	// carries it or the initiative born from it tells the rest (« en
	// cours », « réalisée »).
	steps    []ideaStep
	supports int
}

var demoIdeas = []demoIdea{
	{community.Need, "Un transport vers l’épicerie et les rendez-vous médicaux", "Plusieurs aînés n’ont plus de voiture et l’autobus ne passe pas.", "transport", "fortierville",
		[]ideaStep{{community.Retained, 6, ""}}, 9},
	{community.Idea, "Un club de marche du mardi matin", "Se retrouver devant l’église à 9 h, beau temps mauvais temps.", "isolement-des-aines", "fortierville",
		[]ideaStep{{community.Retained, 5, ""}}, 6},
	{community.Idea, "Une cuisine collective une fois par mois", "", "alimentation", "manseau",
		[]ideaStep{{community.Retained, 5, ""}}, 4},
	{community.Need, "Des activités pour les ados le vendredi soir", "", "jeunesse", "manseau", nil, 3},
	{community.Idea, "Un jardin communautaire derrière la salle municipale", "", "alimentation", "parisville",
		[]ideaStep{{community.Retained, 15, ""}, {community.InProgress, 30, ""}, {community.Done, 110, ""}}, 7},
	{community.Idea, "Un répertoire des voisins prêts à donner un coup de main", "", "entraide", "wolinak",
		[]ideaStep{{community.Retained, 12, ""}}, 5},
	{community.Need, "Mieux connaître les nouveaux arrivants", "", "entraide", "becancour-gentilly", nil, 2},
	{community.Idea, "Une patinoire entretenue par des bénévoles", "", "loisirs", "sainte-francoise",
		[]ideaStep{{community.SetAside, 7, "La municipalité l’entretient déjà avec ses employés."}}, 1},
	{community.Idea, "Un ramassage des déchets au bord du fleuve", "", "environnement", "lemieux",
		[]ideaStep{{community.Retained, 10, ""}}, 4},
}

// seedIdeas adds the needs and ideas named at the demo's soupers: staff
// write them down the morning after, the people who want to get involved
// say so in the days that follow, and staff move them along — only when
// the territory has none.
func seedIdeas(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	cs, es := st.Community, st.Events
	if err := cs.EnsureThemes(ctx, t.ID); err != nil {
		return err
	}
	existing, err := cs.List(ctx, t.ID, community.Filter{})
	if err != nil || len(existing) > 0 {
		return err
	}
	held, err := es.List(ctx, t.ID, events.Filter{Kind: events.CitizenDinner})
	if err != nil {
		return err
	}
	souper := map[string]events.Event{}
	for _, ev := range held {
		if ev.HeldAt != nil {
			souper[ev.PlaceSlug] = ev
		}
	}
	for i, di := range demoIdeas {
		ev, ok := souper[di.place]
		if !ok {
			return fmt.Errorf("demo idea %q: no souper held at %s", di.title, di.place)
		}
		held := ev.StartsAt.In(s.today.Location())
		raised := time.Date(held.Year(), held.Month(), held.Day()+1, 10, 0, 0, 0, held.Location())
		s.tell(raised)
		idea, err := cs.Record(ctx, t.ID, 0, community.Input{Kind: di.kind, Title: di.title, Details: di.details,
			ThemeCode: di.theme, PlaceSlug: di.place, EventID: ev.ID})
		if err != nil {
			return fmt.Errorf("demo idea %q: %w", di.title, err)
		}
		// Supports come in the ten days after, before staff decide.
		until := raised.AddDate(0, 0, 10)
		if len(di.steps) > 0 && raised.AddDate(0, 0, di.steps[0].after-1).Before(until) {
			until = raised.AddDate(0, 0, di.steps[0].after-1)
		}
		for j := 0; j < di.supports; j++ {
			s.tell(between(raised, s.past(until), j, di.supports))
			in := community.SupportInput{Name: name(i*11 + j), Email: fmt.Sprintf("appui%d.%d@demo.implique.test", i, j)}
			if j == 0 {
				in.Offer = "Je peux donner deux heures par semaine."
			}
			if _, err := cs.Support(ctx, t.ID, idea.ID, in, true); err != nil {
				return err
			}
		}
		for _, step := range di.steps {
			s.tell(time.Date(held.Year(), held.Month(), held.Day()+step.after, 14, 0, 0, 0, held.Location()))
			if err := cs.SetStatus(ctx, t.ID, idea.ID, 0, step.status, step.reason); err != nil {
				return err
			}
		}
	}
	// A citizen's proposal waiting for moderation.
	s.tellOn(-3, 14, 0)
	_, err = cs.Submit(ctx, t.ID, community.Input{Kind: community.Idea, Title: "Une bibliothèque de prêt d’outils",
		ThemeCode: "entraide", PlaceSlug: "deschaillons-sur-saint-laurent", SubmitterName: "Nicole Lemay"})
	return err
}
