package web_test

import (
	"context"
	"strings"
	"testing"

	"implique/internal/community"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestPagesSpeakTheirLanguage: an English page says everything it can in
// English, with English typography, and marks what people typed in French
// (lang="fr", WCAG 3.1.2); a French page has no such marks.
func TestPagesSpeakTheirLanguage(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	ctx := context.Background()
	ev := e.publishedEvent(t, 10)
	idea, err := e.community.Record(ctx, e.territory.ID, 0, community.Input{Kind: community.Idea,
		Title: "Un jardin communautaire", ThemeCode: "entraide", PlaceSlug: "fortierville"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.community.SetStatus(ctx, e.territory.ID, idea.ID, 0, community.Retained, "Le conseil prête le terrain."); err != nil {
		t.Fatal(err)
	}
	fr, en := e.client(t), e.client(t)
	en.lang = "en"

	t.Run("typed text is marked French on English pages only", func(t *testing.T) {
		r := en.get("/evenements/" + ev.Slug)
		expectStatus(t, r, 200)
		expectContains(t, r, `<p class="lead"><span lang="fr">Un repas entre voisins.</span></p>`,
			`<span class="brand-territory"><span lang="fr">MRC de Bécancour</span></span>`,
			`A program of the <span lang="fr">Centre d’action bénévole de la MRC de Bécancour</span>.`)
		r = fr.get("/evenements/" + ev.Slug)
		expectContains(t, r, `<p class="lead">Un repas entre voisins.</p>`)
		if strings.Contains(r.body, `<span lang="fr">`) {
			t.Error("a French page marks French text")
		}
	})

	t.Run("an idea's story in each language's typography", func(t *testing.T) {
		r := en.get("/idees/" + itoa(idea.ID))
		expectStatus(t, r, 200)
		expectContains(t, r, `: <span lang="fr">Le conseil prête le terrain.</span></li>`)
		if strings.Contains(r.body, " : ") {
			t.Error("the English page has a French colon")
		}
		expectContains(t, fr.get("/idees/"+itoa(idea.ID)), "\u00a0: Le conseil prête le terrain.</li>")
	})

	t.Run("the list of ideas has a heading above its cards", func(t *testing.T) {
		expectContains(t, fr.get("/idees"), `<h2 id="resultats">1 besoin ou idée</h2>`)
		expectContains(t, en.get("/idees"), `<h2 id="resultats">1 need or idea</h2>`)
	})

	t.Run("the phone extension in the page's language", func(t *testing.T) {
		expectContains(t, en.get("/"), "819-288-5533 ext.\u00a05")
		expectContains(t, fr.get("/"), "819-288-5533, poste\u00a05")
		if strings.Contains(en.get("/").body, "poste") {
			t.Error("the English page says « poste »")
		}
	})

	t.Run("the source of a place's figures in the page's language", func(t *testing.T) {
		r := fr.get("/lieux/fortierville")
		expectContains(t, r, "en.wikipedia (Fortierville)", "660\u00a0habitants (2021)")
		if strings.Contains(r.body, "census") {
			t.Error("the French page says « census »")
		}
		expectContains(t, fr.get("/lieux/becancour"), "(année non précisée par la source)")
		r = en.get("/lieux/becancour")
		expectContains(t, r, "(year not stated by the source)", "fr.wikipedia (Bécancour)")
		for _, slug := range []string{"becancour", "fortierville", "saint-sylvere", "becancour-saint-gregoire"} {
			for _, word := range []string{"census", "not found", "not stated on", "most populous"} {
				if b := fr.get("/lieux/" + slug).body; strings.Contains(b, word) {
					t.Errorf("/lieux/%s in French says %q", slug, word)
				}
			}
		}
	})
}
