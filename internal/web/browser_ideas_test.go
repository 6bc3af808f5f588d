package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"implique/internal/browsertest"
	"implique/internal/community"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestBrowserJourneyIdea: a citizen proposes an idea for their village; once
// staff approved it, a neighbour supports it and confirms from the e-mail —
// every page checked with axe.
func TestBrowserJourneyIdea(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	base := e.srv.URL

	browsertest.Visit(t, ctx, base+"/lieux/manseau", "Manseau")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/idees/proposer?lieu=manseau"]`)
	browsertest.CheckAccessibility(t, ctx, "proposer")
	browsertest.Click(t, ctx, `input[name="kind"][value="idea"]`)
	browsertest.SetValue(t, ctx, "#title", "Une cuisine collective une fois par mois")
	if st := browsertest.Submit(t, ctx, `form[action="/idees/proposer"]`); st != 422 {
		t.Errorf("without a theme: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "proposer avec erreur")
	if msg := browsertest.Text(t, ctx, "#theme-err"); !strings.Contains(msg, "thème") {
		t.Errorf("theme error = %q", msg)
	}
	browsertest.SetValue(t, ctx, "#theme", "alimentation")
	if st := browsertest.Submit(t, ctx, `form[action="/idees/proposer"]`); st != 200 {
		t.Fatalf("propose: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "proposition reçue")
	shot(t, ctx, "30-proposition")

	pending, err := e.community.List(context.Background(), e.territory.ID, community.Filter{Moderation: community.Pending})
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending: %v %v", pending, err)
	}
	if err := e.community.Moderate(context.Background(), e.territory.ID, pending[0].ID, true); err != nil {
		t.Fatal(err)
	}

	browsertest.Visit(t, ctx, base+"/idees", "besoins et idées")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/idees/`+itoa(pending[0].ID)+`"]`)
	browsertest.CheckAccessibility(t, ctx, "une idée")
	shot(t, ctx, "31-idee")
	browsertest.SetValue(t, ctx, "#name", "Yvon")
	browsertest.SetValue(t, ctx, "#email", "yvon@exemple.org")
	browsertest.SetValue(t, ctx, "#offer", "Je cuisine pour 40 personnes sans problème")
	if st := browsertest.Submit(t, ctx, `form[action$="/appui"]`); st != 200 {
		t.Fatalf("support: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "appui envoyé")
	items, _ := e.outbox.List(context.Background(), e.territory.ID, 5)
	link := regexp.MustCompile(`https?://\S+/appui/[A-Za-z0-9_-]+`).FindString(items[0].Text)
	browsertest.Visit(t, ctx, link, "confirmer l’appui")
	if st := browsertest.Submit(t, ctx, `form[action^="/appui/"]`); st != 200 {
		t.Fatalf("confirm: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "appui confirmé")
	if f := browsertest.Text(t, ctx, ".flash"); !strings.Contains(f, "Votre appui compte") {
		t.Errorf("flash = %q", f)
	}
	if dd := browsertest.Text(t, ctx, ".facts"); !strings.Contains(dd, "1\u00a0personne veut") {
		t.Errorf("supporters = %q", dd)
	}
	shot(t, ctx, "32-appui")
}
