package community_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/territory"
	"implique/internal/testkit"
)

type fixture struct {
	s      *community.Store
	t      territory.Territory
	ts     *territory.Store
	d      *db.DB
	outbox *mail.Store
	evs    *events.Store
	clock  *app.Clock
}

// newFixture wires the application on d, on the wall clock, with the
// territory's themes.
func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	a := testkit.App(t, d, time.Time{})
	terr := testkit.Territory(t, a.Territories)
	if err := a.Community.EnsureThemes(context.Background(), terr.ID); err != nil {
		t.Fatal(err)
	}
	return &fixture{s: a.Community, t: terr, ts: a.Territories, d: d, outbox: a.Outbox, evs: a.Events, clock: a.Clock}
}

func TestIdeasStory(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		themes, err := f.s.Themes(ctx, f.t.ID, false)
		if err != nil || len(themes) != 7 || themes[0].Name("fr") != "Isolement des aînés" {
			t.Fatalf("themes %v %v", themes, err)
		}
		if err := f.s.EnsureThemes(ctx, f.t.ID); err != nil {
			t.Fatal(err)
		}
		if again, _ := f.s.Themes(ctx, f.t.ID, true); len(again) != 7 {
			t.Errorf("EnsureThemes twice gives %d themes", len(again))
		}

		// Bad input: nothing written.
		_, err = f.s.Record(ctx, f.t.ID, 0, community.Input{Kind: "wish", Title: " ", ThemeCode: "cirque", PlaceSlug: "paris", EventID: 999})
		testkit.WantFields(t, err, "kind", "title", "theme", "place", "event")
		_, err = f.s.Record(ctx, f.t.ID, 0, community.Input{Kind: community.Need, Title: strings.Repeat("a", 201), ThemeCode: "transport", PlaceSlug: "manseau"})
		testkit.WantFields(t, err, "title")
		if all, _ := f.s.List(ctx, f.t.ID, community.Filter{}); len(all) != 0 {
			t.Fatalf("%d ideas written from bad input", len(all))
		}

		need, err := f.s.Record(ctx, f.t.ID, 0, community.Input{Kind: community.Need, Title: "Un transport vers l’épicerie pour les aînés",
			ThemeCode: "transport", PlaceSlug: "manseau"})
		if err != nil {
			t.Fatal(err)
		}
		if need.Moderation != community.Approved || need.Status != community.Proposed || need.PlaceName != "Manseau" {
			t.Errorf("recorded %+v", need)
		}
		// A citizen's proposal waits for moderation.
		prop, err := f.s.Submit(ctx, f.t.ID, community.Input{Kind: community.Idea, Title: "Un jardin communautaire",
			ThemeCode: "alimentation", PlaceSlug: "becancour-gentilly", SubmitterName: "Lise", SubmitterEmail: "Lise@Exemple.org"})
		if err != nil {
			t.Fatal(err)
		}
		if prop.Moderation != community.Pending || prop.SubmitterEmail != "lise@exemple.org" {
			t.Errorf("submitted %+v", prop)
		}
		pub, _ := f.s.List(ctx, f.t.ID, community.Filter{Moderation: community.Approved})
		if len(pub) != 1 {
			t.Errorf("%d approved ideas, want 1", len(pub))
		}
		if err := f.s.Moderate(ctx, f.t.ID, prop.ID, true); err != nil {
			t.Fatal(err)
		}
		// A ville's list includes its secteurs; a theme filters.
		if l, _ := f.s.List(ctx, f.t.ID, community.Filter{PlaceSlug: "becancour", Moderation: community.Approved}); len(l) != 1 {
			t.Errorf("Bécancour lists %d ideas, want its secteur's 1", len(l))
		}
		if l, _ := f.s.List(ctx, f.t.ID, community.Filter{ThemeCode: "transport"}); len(l) != 1 || l[0].ID != need.ID {
			t.Errorf("transport lists %v", l)
		}

		// The story: retained, set aside needs a reason, history kept.
		if err := f.s.SetStatus(ctx, f.t.ID, need.ID, 0, community.Retained, ""); err != nil {
			t.Fatal(err)
		}
		testkit.WantFields(t, f.s.SetStatus(ctx, f.t.ID, need.ID, 0, community.SetAside, " "), "reason")
		testkit.WantFields(t, f.s.SetStatus(ctx, f.t.ID, need.ID, 0, "deleted", ""), "status")
		if err := f.s.SetStatus(ctx, f.t.ID, need.ID, 0, community.SetAside, "Le service existe déjà : Transport adapté"); err != nil {
			t.Fatal(err)
		}
		if l, _ := f.s.List(ctx, f.t.ID, community.Filter{Status: community.SetAside}); len(l) != 1 || l[0].ID != need.ID {
			t.Errorf("status filter: %v", l)
		}
		if _, err := f.s.Supporters(ctx, f.t.ID, need.ID+1000); !errs.Is(err, errs.NotFound) {
			t.Errorf("supporters of an unknown idea: %v", err)
		}
		h, _ := f.s.History(ctx, f.t.ID, need.ID)
		if len(h) != 3 || h[0].Status != community.Proposed || h[2].Status != community.SetAside || h[2].Reason == "" {
			t.Errorf("history %+v", h)
		}
		got, _ := f.s.Get(ctx, f.t.ID, need.ID)
		if got.Status != community.SetAside {
			t.Errorf("status %s", got.Status)
		}

		// Themes: add, refuse a duplicate, archive (its ideas keep it).
		if _, err := f.s.AddTheme(ctx, f.t.ID, "Logement", "Housing"); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.AddTheme(ctx, f.t.ID, "logement", "")
		if !errs.Is(err, errs.Conflict) {
			t.Errorf("duplicate theme: %v", err)
		}
		if err := f.s.ArchiveTheme(ctx, f.t.ID, themes[1].ID, true); err != nil {
			t.Fatal(err)
		}
		if active, _ := f.s.Themes(ctx, f.t.ID, false); len(active) != 7 {
			t.Errorf("%d active themes, want 7", len(active))
		}
		if got, _ := f.s.Get(ctx, f.t.ID, need.ID); got.Theme.Code != "transport" || !got.Theme.Archived {
			t.Errorf("archived theme lost: %+v", got.Theme)
		}
		_, err = f.s.Record(ctx, f.t.ID, 0, community.Input{Kind: community.Need, Title: "X", ThemeCode: "transport", PlaceSlug: "manseau"})
		testkit.WantFields(t, err, "theme")
	})
}

func TestSupport(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		idea, err := f.s.Record(ctx, f.t.ID, 0, community.Input{Kind: community.Idea, Title: "Un club de marche",
			ThemeCode: "isolement-des-aines", PlaceSlug: "fortierville"})
		if err != nil {
			t.Fatal(err)
		}
		out, err := f.s.Support(ctx, f.t.ID, idea.ID, community.SupportInput{Name: "Gaétan", Email: "Gaetan@Exemple.org", Offer: "Je marche tous les matins"}, false)
		if err != nil || out.Confirmed || out.Existing {
			t.Fatalf("%+v %v", out, err)
		}
		if got, _ := f.s.Get(ctx, f.t.ID, idea.ID); got.Supporters != 0 {
			t.Errorf("an unconfirmed support counts")
		}
		items, _ := f.outbox.List(ctx, f.t.ID, 5)
		if len(items) != 1 || items[0].To != "gaetan@exemple.org" {
			t.Fatalf("confirmation e-mail: %+v", items)
		}
		i := strings.Index(items[0].Text, "/appui/")
		tok := strings.Fields(items[0].Text[i+len("/appui/"):])[0]
		if _, err := f.s.ConfirmSupport(ctx, f.t.ID, tok); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ConfirmSupport(ctx, f.t.ID, tok); err != nil {
			t.Fatalf("second confirmation: %v", err)
		}
		_, err = f.s.ConfirmSupport(ctx, f.t.ID, "faux")
		if !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown token: %v", err)
		}
		// One support per person.
		again, err := f.s.Support(ctx, f.t.ID, idea.ID, community.SupportInput{Email: "gaetan@exemple.org"}, false)
		if err != nil || !again.Existing {
			t.Errorf("duplicate: %+v %v", again, err)
		}
		// Signed in: counts at once.
		if out, err := f.s.Support(ctx, f.t.ID, idea.ID, community.SupportInput{Email: "julie@exemple.org"}, true); err != nil || !out.Confirmed {
			t.Errorf("verified: %+v %v", out, err)
		}
		got, _ := f.s.Get(ctx, f.t.ID, idea.ID)
		if got.Supporters != 2 {
			t.Errorf("%d supporters, want 2", got.Supporters)
		}
		sup, _ := f.s.Supporters(ctx, f.t.ID, idea.ID)
		if len(sup) != 2 || sup[0].Offer != "Je marche tous les matins" {
			t.Errorf("supporters %+v", sup)
		}
		_, err = f.s.Support(ctx, f.t.ID, idea.ID, community.SupportInput{Email: "pas-un-courriel"}, false)
		testkit.WantFields(t, err, "email")
		// A pending proposal cannot be supported yet; a finished idea neither.
		prop, _ := f.s.Submit(ctx, f.t.ID, community.Input{Kind: community.Idea, Title: "Piscine", ThemeCode: "loisirs", PlaceSlug: "lemieux"})
		if _, err := f.s.Support(ctx, f.t.ID, prop.ID, community.SupportInput{Email: "a@exemple.org"}, true); !errs.Is(err, errs.NotFound) {
			t.Errorf("pending idea supported: %v", err)
		}
		_ = f.s.SetStatus(ctx, f.t.ID, idea.ID, 0, community.Done, "")
		if _, err := f.s.Support(ctx, f.t.ID, idea.ID, community.SupportInput{Email: "b@exemple.org"}, true); !errs.Is(err, errs.Conflict) {
			t.Errorf("done idea supported: %v", err)
		}
	})
}
