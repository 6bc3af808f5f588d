package community_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// TestIndicators measures the community's indicators over October 2026,
// each thing dated in the month, a minute before it, or at its end.
func TestIndicators(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		from := time.Date(2026, 10, 1, 4, 0, 0, 0, time.UTC)
		to := time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)
		before, oct10, oct20 := from.Add(-time.Minute), time.Date(2026, 10, 10, 15, 0, 0, 0, time.UTC), time.Date(2026, 10, 20, 15, 0, 0, 0, time.UTC)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		idea := func(at time.Time, kind community.Kind, place string) int64 {
			t.Helper()
			f.clock.Set(at)
			r, err := f.s.Record(ctx, tid, 0, community.Input{Kind: kind, Title: "Un besoin ou une idée", ThemeCode: "transport", PlaceSlug: place})
			must(err)
			return r.ID
		}
		group := func(at time.Time, places ...string) int64 {
			t.Helper()
			f.clock.Set(at)
			c, err := f.s.CreateCommunity(ctx, tid, 0, community.CommunityInput{Name: "Communauté " + places[0], PlaceSlugs: places})
			must(err)
			return c.ID
		}
		closeAt := func(at time.Time, id int64) {
			t.Helper()
			f.clock.Set(at)
			must(f.s.SetCommunityClosed(ctx, tid, id, true))
		}
		carry := func(at time.Time, communityID, ideaID int64) {
			t.Helper()
			f.clock.Set(at)
			must(f.s.CarryIdea(ctx, tid, communityID, ideaID, 0))
		}
		initiative := func(at time.Time, place string, ideaID int64, publish bool) int64 {
			t.Helper()
			f.clock.Set(at)
			in, err := f.s.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Initiative " + place, Summary: "Un résumé.",
				PlaceSlug: place, IdeaID: ideaID})
			must(err)
			if publish {
				must(f.s.PublishInitiative(ctx, tid, in.ID, true))
			}
			return in.ID
		}
		actor := func(at time.Time, initiativeID int64, name string) {
			t.Helper()
			f.clock.Set(at)
			_, err := f.s.AddActor(ctx, tid, initiativeID, community.ActorInput{Name: name, Kind: community.ActorOther,
				Supports: []community.SupportKind{community.SupportRoom}})
			must(err)
		}

		// Needs and ideas: two needs and one idea in October, one need
		// before it, one at its end, one waiting for moderation.
		n1 := idea(oct10, community.Need, "fortierville")
		idea(oct10, community.Need, "becancour-gentilly")
		n3 := idea(before, community.Need, "fortierville")
		idea(to, community.Need, "fortierville")
		i1 := idea(oct10, community.Idea, "manseau")
		i2 := idea(before, community.Idea, "fortierville")
		f.clock.Set(oct10)
		_, err := f.s.Submit(ctx, tid, community.Input{Kind: community.Need, Title: "Un besoin à modérer", ThemeCode: "transport",
			PlaceSlug: "fortierville", SubmitterName: "Lise", SubmitterEmail: "lise@exemple.org"})
		must(err)

		// Communities: c1 open, c2 closed in October, c3 started at To,
		// c4 closed at To (still open at To).
		c1 := group(before, "fortierville")
		c2 := group(oct10, "becancour-gentilly", "manseau")
		closeAt(oct20, c2)
		group(to, "manseau")
		c4 := group(before, "becancour-precieux-sang")
		closeAt(to, c4)

		// Turned: n3 taken on before October (its initiative in October
		// does not count again), n1 taken on and i2 made an initiative
		// in October, i1 taken on at To.
		carry(before, c1, n3)
		carry(oct10, c1, n1)
		carry(to, c1, i1)

		// Initiatives: p1 and p2 supported, p3 abandoned on 20 October,
		// p4 without actor, p5 published at To, p6 never published.
		p1 := initiative(oct10, "fortierville", i2, true)
		actor(oct10, p1, "Municipalité de Fortierville")
		actor(oct10, p1, "Caisse Desjardins")
		p2 := initiative(before, "becancour-gentilly", 0, true)
		actor(before, p2, "CAISSE DESJARDINS")
		actor(to, p2, "Club Optimiste")
		p3 := initiative(oct10, "manseau", n3, true)
		actor(oct10, p3, "Comité des loisirs")
		f.clock.Set(oct20)
		must(f.s.SetInitiativeStatus(ctx, tid, p3, 0, community.Abandoned, "Plus de bénévoles"))
		initiative(oct10, "lemieux", 0, true)
		p5 := initiative(to, "parisville", 0, true)
		actor(oct10, p5, "Fabrique")
		p6 := initiative(oct10, "becancour-precieux-sang", 0, false)
		actor(oct10, p6, "Fabrique")

		cat := i18n.MustLoad()
		defs := f.s.Indicators()
		if len(defs) != 6 {
			t.Fatalf("%d indicators, want 6", len(defs))
		}
		for _, def := range defs {
			for _, lang := range []string{"fr", "en"} {
				for _, k := range []string{"indicator." + def.Key, "indicator." + def.Key + ".help"} {
					if cat[lang][k] == "" {
						t.Errorf("%s: no %s text for %s", def.Key, lang, k)
					}
				}
			}
		}
		oct15 := time.Date(2026, 10, 15, 4, 0, 0, 0, time.UTC)
		for _, tc := range []struct {
			key, place string
			to         time.Time
			want       float64
		}{
			{"community.needs_raised", "", to, 2},
			{"community.needs_raised", "fortierville", to, 1},
			{"community.needs_raised", "becancour", to, 1},
			{"community.needs_raised", "manseau", to, 0},
			{"community.ideas_raised", "", to, 1},
			{"community.ideas_raised", "manseau", to, 1},
			{"community.ideas_raised", "fortierville", to, 0},
			{"community.ideas_turned", "", to, 2},
			{"community.ideas_turned", "fortierville", to, 2},
			{"community.ideas_turned", "manseau", to, 0},
			{"community.communities_active", "", to, 2},
			{"community.communities_active", "fortierville", to, 1},
			{"community.communities_active", "becancour", to, 1},
			{"community.communities_active", "becancour-gentilly", to, 0},
			{"community.communities_active", "manseau", to, 0},
			{"community.communities_active", "", oct15, 3},
			{"community.communities_active", "manseau", oct15, 1},
			{"community.initiatives_supported", "", to, 2},
			{"community.initiatives_supported", "fortierville", to, 1},
			{"community.initiatives_supported", "becancour", to, 1},
			{"community.initiatives_supported", "manseau", to, 0},
			{"community.initiatives_supported", "", oct15, 3},
			{"community.initiatives_supported", "manseau", oct15, 1},
			{"community.initiative_actors", "", to, 2},
			{"community.initiative_actors", "fortierville", to, 2},
			{"community.initiative_actors", "becancour", to, 1},
			{"community.initiative_actors", "", oct15, 3},
			{"community.initiative_actors", "", from, 1},
		} {
			got, err := f.s.Measure(ctx, tc.key, indicator.Scope{TerritoryID: tid, PlaceSlug: tc.place, From: from, To: tc.to})
			if err != nil {
				t.Fatalf("%s %q: %v", tc.key, tc.place, err)
			}
			if got != tc.want {
				t.Errorf("%s %q at %s = %v, want %v", tc.key, tc.place, tc.to.Format(time.DateOnly), got, tc.want)
			}
		}
		// November: the need made at To, i1 taken on at To.
		nov := indicator.Scope{TerritoryID: tid, PlaceSlug: "manseau", From: to, To: to.AddDate(0, 1, 0)}
		if got, err := f.s.Measure(ctx, "community.ideas_turned", nov); err != nil || got != 1 {
			t.Errorf("ideas turned in November at Manseau = %v, %v; want 1", got, err)
		}
		nov.PlaceSlug = ""
		if got, err := f.s.Measure(ctx, "community.needs_raised", nov); err != nil || got != 1 {
			t.Errorf("needs raised in November = %v, %v; want 1", got, err)
		}
		_, err = f.s.Measure(ctx, "community.nothing", nov)
		testkit.WantError(t, err, errs.NotFound, "indicator.unknown")
	})
}
