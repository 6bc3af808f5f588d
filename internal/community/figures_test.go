package community_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// TestFigures counts the demo's ideas, communities and initiatives the way
// the lists show them, for the whole territory and for places.
func TestFigures(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testkit.App(t, d, time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
		if _, err := demo.Seed(ctx, a); err != nil {
			t.Fatal(err)
		}
		terr, _, err := demo.Base(ctx, a.Territories)
		if err != nil {
			t.Fatal(err)
		}
		s := a.Community
		for _, slug := range []string{"", "becancour", "becancour-gentilly", "fortierville", "pas-un-lieu"} {
			// Ideas by theme.
			ideas, err := s.List(ctx, terr.ID, community.Filter{PlaceSlug: slug})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][3]int{}
			var total [3]int
			for _, i := range ideas {
				c := want[i.Theme.Code]
				switch {
				case i.Moderation == community.Pending:
					c[2]++
				case i.Moderation != community.Approved:
					continue
				case i.Kind == community.Need:
					c[0]++
				default:
					c[1]++
				}
				want[i.Theme.Code] = c
			}
			got, err := s.IdeaFigures(ctx, terr.ID, slug)
			if err != nil {
				t.Fatal(err)
			}
			for _, th := range got.Themes {
				if c := [3]int{th.Needs, th.Ideas, th.Pending}; c != want[th.Theme.Code] {
					t.Errorf("%q theme %s: %v, want %v", slug, th.Theme.Code, c, want[th.Theme.Code])
				}
				delete(want, th.Theme.Code)
				total[0], total[1], total[2] = total[0]+th.Needs, total[1]+th.Ideas, total[2]+th.Pending
			}
			for code, c := range want {
				if c != [3]int{} {
					t.Errorf("%q theme %s missing (%v)", slug, code, c)
				}
			}
			if total != [3]int{got.Needs, got.Ideas, got.Pending} {
				t.Errorf("%q totals %d/%d/%d, themes add up to %v", slug, got.Needs, got.Ideas, got.Pending, total)
			}
			if slug == "" && (got.Needs+got.Ideas == 0 || len(got.Themes) == 0) {
				t.Errorf("the demo's territory has %+v, want needs and ideas", got)
			}

			// Communities and initiatives.
			var wg community.GroupFigures
			cs, err := s.Communities(ctx, terr.ID, community.CommunityFilter{PlaceSlug: slug})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				wg.Communities++
				if !c.Closed() {
					wg.OpenCommunities++
					wg.Members += c.Members
				}
			}
			is, err := s.Initiatives(ctx, terr.ID, community.InitiativeFilter{PlaceSlug: slug, PublishedOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range is {
				wg.Initiatives++
				wg.People += i.People()
				switch i.Status {
				case community.Active:
					wg.ActiveInitiatives++
				case community.Completed:
					wg.CompletedInitiatives++
				}
			}
			gg, err := s.GroupFigures(ctx, terr.ID, slug)
			if err != nil {
				t.Fatal(err)
			}
			if gg != wg {
				t.Errorf("GroupFigures(%q) = %+v, want %+v", slug, gg, wg)
			}
			if slug == "" && (gg.Communities == 0 || gg.Initiatives == 0 || gg.Members == 0) {
				t.Errorf("the demo's territory has %+v, want communities, members and initiatives", gg)
			}
			if slug == "pas-un-lieu" && (gg != community.GroupFigures{} || got.Needs+got.Ideas+got.Pending != 0) {
				t.Errorf("an unknown place has %+v and %+v, want nothing", gg, got)
			}
		}
	})
}
