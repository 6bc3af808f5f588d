package volunteering_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/volunteering"
)

func TestWeeklyDigest(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		cook := f.user(t, "cuisine@exemple.org", "Rita Cuisine")
		en := f.user(t, "anglo@exemple.org", "Ann")
		if err := f.auth.UpdateProfile(ctx, en.ID, "Ann", "en"); err != nil {
			t.Fatal(err)
		}
		quiet := f.user(t, "silence@exemple.org", "Pas de courriel")
		sat := volunteering.Slot(time.Saturday, volunteering.Morning)
		for _, p := range []struct {
			id     int64
			digest bool
		}{{cook.ID, true}, {en.ID, true}, {quiet.ID, false}} {
			if _, err := f.s.SaveProfile(ctx, f.t.ID, p.id, volunteering.ProfileInput{PlaceSlug: "manseau", Causes: []string{"food"},
				Skills: []string{"cooking"}, Availability: sat, Mobility: volunteering.HasCar, Digest: p.digest}); err != nil {
				t.Fatal(err)
			}
		}
		// Posted before this week's run: counts as new (within the week).
		popote := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote roulante", Schedule: volunteering.Recurring,
			Slots: sat, PlaceSlug: "manseau", Causes: []string{"food"}, Skills: []string{"cooking"}})
		f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Tournoi de golf", Schedule: volunteering.Recurring,
			Slots: volunteering.Slot(time.Wednesday, volunteering.Evening), PlaceSlug: "becancour-saint-gregoire", Causes: []string{"sports_recreation"}})

		f.clock.Set(now.Add(2 * time.Hour))
		plan, err := f.s.PlanDigest(ctx, f.t.ID)
		if err != nil {
			t.Fatal(err)
		}
		if plan.New != 2 || plan.Considered != 2 || len(plan.Items) != 2 || len(plan.Items[0].Matches) != 1 {
			t.Fatalf("plan %+v", plan)
		}
		sent, err := f.s.SendDigests(ctx)
		if err != nil || sent != 2 {
			t.Fatalf("sent %d, %v", sent, err)
		}
		items, _ := f.outbox.List(ctx, f.t.ID, 10)
		var fr, english string
		for _, it := range items {
			switch it.To {
			case "cuisine@exemple.org":
				fr = it.Subject + "\n" + it.Text
			case "anglo@exemple.org":
				english = it.Subject + "\n" + it.Text
			case "silence@exemple.org":
				t.Error("a digest went to someone who did not ask")
			}
		}
		for _, want := range []string{"Popote roulante", "/s-impliquer/offres/popote-roulante", "à Manseau, chez vous", "/s-impliquer/desabonnement/"} {
			if !strings.Contains(fr, want) {
				t.Errorf("French digest lacks %q:\n%s", want, fr)
			}
		}
		if strings.Contains(fr, "golf") {
			t.Error("golf in Saint-Grégoire on Wednesday evening is in the cook's digest")
		}
		if !strings.Contains(english, "new volunteering opportunit") || !strings.Contains(english, "To stop receiving it") {
			t.Errorf("English digest:\n%s", english)
		}

		// Never twice the same week, however often the job runs.
		for range 2 {
			if n, err := f.s.SendDigests(ctx); err != nil || n != 0 {
				t.Fatalf("again: %d %v", n, err)
			}
		}
		// Next week: only what is new since, and nothing already applied to.
		f.clock.Set(now.AddDate(0, 0, 7))
		if _, _, err := f.s.Apply(ctx, f.t.ID, popote.ID, cook.ID, volunteering.ApplyInput{}, true); err != nil {
			t.Fatal(err)
		}
		if n, err := f.s.SendDigests(ctx); err != nil || n != 0 {
			t.Errorf("a week with nothing new sent %d (%v)", n, err)
		}
		f.clock.Set(now.AddDate(0, 0, 14))
		f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Cuisine collective", Schedule: volunteering.Recurring,
			Slots: sat, PlaceSlug: "manseau", Causes: []string{"food"}, Skills: []string{"cooking"}})
		f.clock.Advance(time.Hour)
		if n, err := f.s.SendDigests(ctx); err != nil || n != 2 {
			t.Errorf("third week sent %d (%v)", n, err)
		}
		items, _ = f.outbox.List(ctx, f.t.ID, 1)
		if strings.Contains(items[0].Text, "Popote") || !strings.Contains(items[0].Text, "Cuisine collective") {
			t.Errorf("third week:\n%s", items[0].Text)
		}

		// The unsubscribe link works without signing in, and twice.
		i := strings.Index(fr, "/s-impliquer/desabonnement/")
		token := strings.Fields(fr[i+len("/s-impliquer/desabonnement/"):])[0]
		for range 2 {
			if err := f.s.Unsubscribe(ctx, f.t.ID, token); err != nil {
				t.Fatal(err)
			}
		}
		if p, _ := f.s.Profile(ctx, f.t.ID, cook.ID); p.Digest || p.DigestStoppedAt == nil {
			t.Errorf("still subscribed: %+v", p)
		}
		if err := f.s.Unsubscribe(ctx, f.t.ID, "12.faux"); !errs.Is(err, errs.NotFound) {
			t.Errorf("forged token: %v", err)
		}
		if err := f.s.Unsubscribe(ctx, f.t.ID, strings.Replace(token, token[:strings.Index(token, ".")], "999", 1)); !errs.Is(err, errs.NotFound) {
			t.Errorf("someone else's id: %v", err)
		}
	})
}
