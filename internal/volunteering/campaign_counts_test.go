package volunteering_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/volunteering"
)

func TestApplicationsMade(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		org := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		o := f.opportunity(t, volunteering.Input{OrganizationID: org.ID, Title: "Popote roulante", PlaceSlug: "manseau",
			ContactEmail: "popote@exemple.org", ContactName: "Diane"})
		other := f.opportunity(t, volunteering.Input{OrganizationID: org.ID, Title: "Accueil", PlaceSlug: "manseau",
			ContactEmail: "popote@exemple.org", ContactName: "Diane"})
		start := f.clock.Now()
		for i, email := range []string{"a@exemple.org", "b@exemple.org"} {
			u := f.user(t, email, "Personne")
			if _, _, err := f.s.Apply(ctx, f.t.ID, o.ID, u.ID, volunteering.ApplyInput{}, true); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				if _, _, err := f.s.Apply(ctx, f.t.ID, other.ID, u.ID, volunteering.ApplyInput{}, true); err != nil {
					t.Fatal(err)
				}
			}
		}
		unconfirmed := f.user(t, "c@exemple.org", "")
		if _, _, err := f.s.Apply(ctx, f.t.ID, o.ID, unconfirmed.ID, volunteering.ApplyInput{}, false); err != nil {
			t.Fatal(err)
		}
		end := start.Add(time.Hour)
		for _, c := range []struct {
			ids      []int64
			from, to time.Time
			want     int
		}{
			{[]int64{o.ID}, start, end, 2},
			{[]int64{o.ID, other.ID}, start, end, 3},
			{nil, start, end, 0},
			{[]int64{o.ID}, end, end.Add(time.Hour), 0},
			{[]int64{o.ID}, start.Add(-time.Hour), start, 0},
		} {
			if n, err := f.s.ApplicationsMade(ctx, f.t.ID, c.ids, c.from, c.to); err != nil || n != c.want {
				t.Errorf("ApplicationsMade(%v, %v, %v) = %d, %v; want %d", c.ids, c.from, c.to, n, err, c.want)
			}
		}
		if n, _ := f.s.ApplicationsMade(ctx, f.t.ID+1000, []int64{o.ID}, start, end); n != 0 {
			t.Errorf("another territory counts %d", n)
		}
	})
}
