package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

func TestPublicIdeas(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		idea, err := e.community.Record(ctx, e.territory.ID, 0, community.Input{Kind: community.Need,
			Title: "Un transport vers l’épicerie", ThemeCode: "transport", PlaceSlug: "becancour-gentilly"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client(t)
		page := "/idees/" + itoa(idea.ID)

		expectContains(t, c.get("/idees"), "Un transport vers l’épicerie", "0\u00a0personne veut s’impliquer")
		expectContains(t, c.get("/idees?lieu=becancour"), "Un transport vers l’épicerie")
		expectContains(t, c.get("/idees?theme=loisirs"), "Rien pour l’instant")
		expectContains(t, c.get("/lieux/becancour-gentilly"), "Un transport vers l’épicerie")
		expectStatus(t, c.get("/idees?lieu=paris"), 404)
		r := c.get(page)
		expectStatus(t, r, 200)
		expectContains(t, r, "Je veux m’impliquer là-dedans", "Proposée")

		// Support: bad address, then a good one to confirm by e-mail.
		r = c.post(page+"/appui", url.Values{"email": {"pas-un-courriel"}, "offer": {"Mon camion"}})
		expectStatus(t, r, 422)
		expectContains(t, r, "Entrez une adresse courriel valide", "Mon camion")
		r = c.post(page+"/appui", url.Values{"name": {"Réjean"}, "email": {"rejean@exemple.org"}, "offer": {"Mon camion"}})
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, c.follow(r), "cliquez sur le lien", "0\u00a0personne veut")
		items, _ := e.outbox.List(ctx, e.territory.ID, 5)
		m := regexp.MustCompile(`/appui/[A-Za-z0-9_-]+`).FindString(items[0].Text)
		if m == "" {
			t.Fatalf("no confirmation link in %q", items[0].Text)
		}
		expectContains(t, c.get(m), "Je confirme mon appui")
		if got, _ := e.community.Get(ctx, e.territory.ID, idea.ID); got.Supporters != 0 {
			t.Error("opening the link alone confirmed the support")
		}
		r = c.post(m, nil)
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, c.follow(r), "Votre appui compte", "1\u00a0personne veut")
		expectStatus(t, c.post("/appui/faux", nil), 404)
		// Twice: no second support.
		r = c.post(page+"/appui", url.Values{"email": {"REJEAN@exemple.org"}})
		expectContains(t, c.follow(r), "Vous appuyez déjà")
		// Signed in with the same address: counts at once.
		e.user("julie@exemple.org", auth.RoleCitizen)
		j := e.client(t)
		j.signIn("julie@exemple.org")
		expectContains(t, j.get(page), `value="julie@exemple.org"`)
		r = j.post(page+"/appui", url.Values{"email": {"julie@exemple.org"}})
		expectContains(t, j.follow(r), "Votre appui compte", "2\u00a0personnes")
		// Names and e-mails of supporters are never on the public page.
		if body := c.get(page).body; strings.Contains(body, "rejean@exemple.org") || strings.Contains(body, "Mon camion") {
			t.Error("the public page shows a supporter")
		}

		// A citizen's proposal: bad input, then moderated before it shows.
		r = c.post("/idees/proposer", url.Values{"kind": {"idea"}, "title": {""}, "theme": {"cirque"}, "place": {"manseau"}})
		expectStatus(t, r, 422)
		expectContains(t, r, "Ce champ est obligatoire", "Choisissez un thème")
		r = c.post("/idees/proposer", url.Values{"kind": {"idea"}, "title": {"Une bibliothèque d’outils"}, "theme": {"entraide"},
			"place": {"manseau"}, "submitter_email": {"lise@exemple.org"}})
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, c.follow(r), "Votre proposition est bien reçue")
		if strings.Contains(c.get("/idees").body, "Une bibliothèque d’outils") {
			t.Error("an unmoderated proposal is public")
		}
		pending, _ := e.community.List(ctx, e.territory.ID, community.Filter{Moderation: community.Pending})
		if len(pending) != 1 {
			t.Fatalf("%d pending proposals", len(pending))
		}
		expectStatus(t, c.get("/idees/"+itoa(pending[0].ID)), 404)
		if err := e.community.Moderate(ctx, e.territory.ID, pending[0].ID, true); err != nil {
			t.Fatal(err)
		}
		e.changedBehindTheSite(t)
		expectContains(t, c.get("/idees"), "Une bibliothèque d’outils")
		if strings.Contains(c.get("/idees/"+itoa(pending[0].ID)).body, "lise@exemple.org") {
			t.Error("the proposer's e-mail is public")
		}
	})
}
