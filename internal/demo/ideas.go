package demo

import (
	"context"
	"fmt"

	"implique/internal/community"
	"implique/internal/events"
	"implique/internal/territory"
)

type demoIdea struct {
	kind     community.Kind
	title    string
	details  string
	theme    string
	place    string
	status   community.Status
	reason   string
	supports int
}

var demoIdeas = []demoIdea{
	{community.Need, "Un transport vers l’épicerie et les rendez-vous médicaux", "Plusieurs aînés n’ont plus de voiture et l’autobus ne passe pas.", "transport", "fortierville", community.Retained, "", 9},
	{community.Idea, "Un club de marche du mardi matin", "Se retrouver devant l’église à 9 h, beau temps mauvais temps.", "isolement-des-aines", "fortierville", community.InProgress, "", 6},
	{community.Idea, "Une cuisine collective une fois par mois", "", "alimentation", "manseau", community.Proposed, "", 4},
	{community.Need, "Des activités pour les ados le vendredi soir", "", "jeunesse", "manseau", community.Proposed, "", 3},
	{community.Idea, "Un jardin communautaire derrière la salle municipale", "", "alimentation", "parisville", community.Done, "", 7},
	{community.Idea, "Un répertoire des voisins prêts à donner un coup de main", "", "entraide", "wolinak", community.Retained, "", 5},
	{community.Need, "Mieux connaître les nouveaux arrivants", "", "entraide", "becancour-gentilly", community.Proposed, "", 2},
	{community.Idea, "Une patinoire entretenue par des bénévoles", "", "loisirs", "sainte-francoise", community.SetAside, "La municipalité l’entretient déjà depuis cet hiver.", 1},
	{community.Idea, "Un ramassage des déchets au bord du fleuve au printemps", "", "environnement", "lemieux", community.Proposed, "", 4},
}

// SeedIdeas adds the needs and ideas named at the demo's soupers, with
// their supports and stories — only when the territory has none.
func SeedIdeas(ctx context.Context, ts *territory.Store, es *events.Store, cs *community.Store) (bool, error) {
	t, _, err := Base(ctx, ts)
	if err != nil {
		return false, err
	}
	if err := cs.EnsureThemes(ctx, t.ID); err != nil {
		return false, err
	}
	existing, err := cs.List(ctx, t.ID, community.Filter{})
	if err != nil || len(existing) > 0 {
		return false, err
	}
	held, err := es.List(ctx, t.ID, events.Filter{Kind: events.CitizenDinner})
	if err != nil {
		return false, err
	}
	eventAt := map[string]int64{}
	for _, ev := range held {
		if ev.HeldAt != nil {
			eventAt[ev.PlaceSlug] = ev.ID
		}
	}
	for i, di := range demoIdeas {
		idea, err := cs.Record(ctx, t.ID, 0, community.Input{Kind: di.kind, Title: di.title, Details: di.details,
			ThemeCode: di.theme, PlaceSlug: di.place, EventID: eventAt[di.place]})
		if err != nil {
			return false, fmt.Errorf("demo idea %q: %w", di.title, err)
		}
		if di.status == community.InProgress || di.status == community.Done {
			if err := cs.SetStatus(ctx, t.ID, idea.ID, 0, community.Retained, ""); err != nil {
				return false, err
			}
		}
		if di.status != community.Proposed {
			if err := cs.SetStatus(ctx, t.ID, idea.ID, 0, di.status, di.reason); err != nil {
				return false, err
			}
		}
		for j := 0; j < di.supports; j++ {
			if di.status == community.Done || di.status == community.SetAside {
				break
			}
			in := community.SupportInput{Name: name(i*11 + j), Email: fmt.Sprintf("appui%d.%d@demo.implique.test", i, j)}
			if j == 0 {
				in.Offer = "Je peux donner deux heures par semaine."
			}
			if _, err := cs.Support(ctx, t.ID, idea.ID, in, true); err != nil {
				return false, err
			}
		}
	}
	// A citizen's proposal waiting for moderation.
	_, err = cs.Submit(ctx, t.ID, community.Input{Kind: community.Idea, Title: "Une bibliothèque de prêt d’outils",
		ThemeCode: "entraide", PlaceSlug: "deschaillons-sur-saint-laurent", SubmitterName: "Nicole Lemay"})
	return err == nil, err
}
