package volunteering_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

// seedVaried writes n opportunities straight into the table, with every
// case the pre-filter of matching tells apart: closed ones, teams' ones,
// past dates and last days, age limits (0 included), no place, remote
// ones with and without a place, languages.
func seedVaried(t testing.TB, f *fixture, r *rand.Rand, n int) {
	t.Helper()
	ctx := context.Background()
	places, err := f.ts.Places(ctx, f.t.ID)
	if err != nil {
		t.Fatal(err)
	}
	org := f.org(t, fmt.Sprintf("Organisme %d", r.IntN(1_000_000)), orgs.Nonprofit)
	now := f.s.Now()
	kinds := []volunteering.Kind{volunteering.Task, volunteering.Task, volunteering.BoardSeat, volunteering.SchoolProject,
		volunteering.CorporateRequest, volunteering.CorporateOffer}
	var rows [][]any
	for i := range n {
		kind := kinds[r.IntN(len(kinds))]
		schedule := volunteering.Schedules[r.IntN(len(volunteering.Schedules))]
		var starts, ends any
		var start *time.Time
		slots := volunteering.Availability(0)
		switch schedule {
		case volunteering.OneOff:
			s := now.Add(time.Duration(r.IntN(24*60)-24*10) * time.Hour).Truncate(time.Hour)
			start = &s
			starts, ends = s, s.Add(time.Duration(1+r.IntN(4))*time.Hour)
			slots = volunteering.Slot(s.Weekday(), volunteering.PartOf(s.Hour()))
		default:
			if schedule == volunteering.Recurring {
				for range 1 + r.IntN(4) {
					slots |= volunteering.Slot(time.Weekday(r.IntN(7)), volunteering.Part(r.IntN(3)))
				}
			}
			if r.IntN(3) == 0 { // a last day, past or to come
				ends = now.Add(time.Duration(r.IntN(24*40)-24*20) * time.Hour)
			}
		}
		var placeID any = places[r.IntN(len(places))].ID
		remote := r.IntN(8) == 0
		if r.IntN(12) == 0 {
			placeID = nil
		}
		age := func() (any, int) {
			switch r.IntN(8) {
			case 0:
				return 0, 0
			case 1, 2:
				v := []int{14, 16, 18, 25, 65}[r.IntN(5)]
				return v, v
			}
			return nil, 0
		}
		minAge, minA := age()
		maxAge, maxA := age()
		causes := volunteering.Mask(r.IntN(1 << len(volunteering.Causes)))
		if r.IntN(3) == 0 {
			causes = 1 << r.IntN(len(volunteering.Causes))
		}
		skills := volunteering.Mask(0)
		if r.IntN(2) == 0 {
			skills = 1<<r.IntN(len(volunteering.Skills)) | 1<<r.IntN(len(volunteering.Skills))
		}
		langs := volunteering.Mask(0)
		if r.IntN(4) == 0 {
			langs = volunteering.Mask(1 + r.IntN(15))
		}
		car, ride := r.IntN(6) == 0, r.IntN(5) == 0
		status := volunteering.StatusOpen
		if r.IntN(6) == 0 {
			status = volunteering.StatusClosed
		}
		ma, mb := volunteering.PackForTest(kind, schedule, remote, slots, causes, skills, langs, minA, maxA, car, ride, start)
		published := now.Add(-time.Duration(r.IntN(24*60)) * time.Hour)
		rows = append(rows, []any{f.t.ID, org.ID, fmt.Sprintf("varie-%d-%d", org.ID, i), fmt.Sprintf("Offre %d", i), string(kind),
			string(schedule), placeID, remote, starts, ends, int64(slots), minAge, maxAge, int64(causes), int64(skills), int64(langs),
			car, ride, status, ma, mb, published, published, published})
	}
	insertRows(t, f.d, `INSERT INTO volunteer_opportunities (territory_id, organization_id, slug, title, kind, schedule, place_id, remote,
		starts_at, ends_at, slots, min_age, max_age, causes, skills, languages, car_required, ride_offered, status, match_a, match_b,
		created_at, updated_at, published_at)`, 24, rows)
}

// randomSeeker is anyone: any place (or none), interests, slots, reach,
// mobility and age band, each possibly unsaid.
func randomSeeker(t testing.TB, f *fixture, r *rand.Rand) volunteering.Seeker {
	t.Helper()
	places, err := f.ts.Places(context.Background(), f.t.ID)
	if err != nil {
		t.Fatal(err)
	}
	var sk volunteering.Seeker
	if r.IntN(6) != 0 {
		sk.PlaceID = places[r.IntN(len(places))].ID
	}
	sk.Causes = volunteering.Mask(r.IntN(1 << len(volunteering.Causes)))
	if r.IntN(2) == 0 {
		sk.Causes = 1<<r.IntN(len(volunteering.Causes)) | 1<<r.IntN(len(volunteering.Causes))
	}
	if r.IntN(4) != 0 {
		sk.Skills = 1 << r.IntN(len(volunteering.Skills))
	}
	sk.Languages = volunteering.Mask(r.IntN(16))
	for range r.IntN(8) {
		sk.Availability |= volunteering.Slot(time.Weekday(r.IntN(7)), volunteering.Part(r.IntN(3)))
	}
	if r.IntN(3) == 0 {
		sk.Availability |= volunteering.Occasional
	}
	if r.IntN(3) != 0 {
		sk.MaxKm = testkit.Ptr([]int{0, 1, 5, 10, 15, 25, 40}[r.IntN(7)])
	}
	sk.Mobility = []volunteering.Mobility{volunteering.MobilityUnknown, volunteering.HasCar, volunteering.NoCar, volunteering.NeedsRide}[r.IntN(4)]
	if r.IntN(5) != 0 {
		sk.AgeBand = volunteering.AgeBands[r.IntN(len(volunteering.AgeBands))].Code
	}
	sk.Student = r.IntN(4) == 0
	return sk
}

// sameRanking fails t unless the ranking from memory is the plain scan's.
func sameRanking(t *testing.T, s *volunteering.Store, territoryID int64, sk volunteering.Seeker, limit int) []volunteering.RankedForTest {
	t.Helper()
	fast, plain, err := s.RankBothForTest(context.Background(), territoryID, sk, limit)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, plain) {
		t.Fatalf("seeker %+v, top %d:\nfrom memory %v\nplain scan  %v", sk, limit, rankIDs(fast), rankIDs(plain))
	}
	return fast
}

func rankIDs(rs []volunteering.RankedForTest) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%d:%d", r.ID, r.Fit.Score))
	}
	return out
}

func TestOpenSetRanksLikeThePlainScan(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		// Opportunities written through the store (what it packs itself),
		// and many more straight into the table.
		f := newMatchWorld(t, d).fixture
		r := rand.New(rand.NewPCG(25, 2026))
		seedVaried(t, f, r, 3000)
		loads := f.s.OpenSetLoadsForTest()
		for i := range 150 {
			sk := randomSeeker(t, f, r)
			limit := []int{1, 20, 20, 200, 5000}[i%5]
			sameRanking(t, f.s, f.t.ID, sk, limit)
		}
		if n := f.s.OpenSetLoadsForTest() - loads; n != 1 {
			t.Errorf("the open set was read %d times for 150 rankings without a write", n)
		}
		// Time passes: dates and last days go by without a write, and the
		// set in memory leaves them out like the scan does.
		for _, step := range []time.Duration{36 * time.Hour, 9 * 24 * time.Hour, 30 * 24 * time.Hour} {
			f.clock.Advance(step)
			for range 20 {
				sameRanking(t, f.s, f.t.ID, randomSeeker(t, f, r), 50)
			}
		}
		if n := f.s.OpenSetLoadsForTest() - loads; n != 1 {
			t.Errorf("the open set was read %d times as time passed", n)
		}
	})
}

func TestMatchesSeeTheWritesOfAnotherInstance(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		// Two instances of the application on one database: one writes,
		// the other matches.
		w := newMatchWorld(t, d)
		other := testkit.App(t, d, now)
		ctx := context.Background()
		writer := w.s
		reader := other.Volunteering
		match := func() []volunteering.Match {
			t.Helper()
			ms, err := reader.Matches(ctx, w.t.ID, w.cook, "fr", 20)
			if err != nil {
				t.Fatal(err)
			}
			return ms
		}
		if _, ok := find(match(), w.popote.ID); !ok {
			t.Fatal("the popote is not offered")
		}
		loads := reader.OpenSetLoadsForTest()
		match()
		if n := reader.OpenSetLoadsForTest() - loads; n != 0 {
			t.Errorf("nothing changed, yet the open set was read again (%d)", n)
		}

		t.Run("a new opportunity", func(t *testing.T) {
			o := w.opportunity(t, volunteering.Input{OrganizationID: w.popote.Organization.ID, Title: "Repas communautaire du samedi",
				Schedule: volunteering.Recurring, Slots: volunteering.Slot(time.Saturday, volunteering.Morning), PlaceSlug: "manseau",
				Causes: []string{"seniors", "food"}, Skills: []string{"cooking"}})
			if _, ok := find(match(), o.ID); !ok {
				t.Error("the new opportunity is not offered by the other instance")
			}
		})
		t.Run("an edit that makes it unfit", func(t *testing.T) {
			in := inputOf(w.driver)
			in.PlaceSlug = "becancour-sainte-angele-de-laval" // ~40 km: beyond their 15
			if _, err := writer.UpdateOpportunity(ctx, w.t.ID, w.driver.ID, in); err != nil {
				t.Fatal(err)
			}
			if _, ok := find(match(), w.driver.ID); ok {
				t.Error("the moved opportunity is still offered")
			}
		})
		t.Run("closed, then open again", func(t *testing.T) {
			if err := writer.SetOpportunityStatus(ctx, w.t.ID, w.popote.ID, false); err != nil {
				t.Fatal(err)
			}
			if _, ok := find(match(), w.popote.ID); ok {
				t.Error("the closed popote is still offered")
			}
			if err := writer.SetOpportunityStatus(ctx, w.t.ID, w.popote.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, ok := find(match(), w.popote.ID); !ok {
				t.Error("the popote open again is not offered")
			}
		})
		t.Run("deleted with its organisation", func(t *testing.T) {
			org := w.org(t, "Popote de Manseau", orgs.Nonprofit)
			o := w.opportunity(t, volunteering.Input{OrganizationID: org.ID, Title: "Livraison de la popote",
				PlaceSlug: "manseau", Causes: []string{"seniors", "food"}, Skills: []string{"cooking"}})
			if _, ok := find(match(), o.ID); !ok {
				t.Fatal("the popote's delivery is not offered")
			}
			if _, err := d.Exec(ctx, `DELETE FROM organizations WHERE id = ?`, org.ID); err != nil {
				t.Fatal(err)
			}
			if _, ok := find(match(), o.ID); ok {
				t.Error("the deleted opportunity is still offered")
			}
		})
		t.Run("its date passes", func(t *testing.T) {
			if _, ok := find(match(), w.saturdayFair.ID); !ok {
				t.Fatal("the fair is not offered before its date")
			}
			loads := reader.OpenSetLoadsForTest()
			other.Clock.Set(w.saturdayFair.EndsAt.Add(time.Minute))
			defer other.Clock.Set(now)
			if _, ok := find(match(), w.saturdayFair.ID); ok {
				t.Error("the fair is offered after its date")
			}
			if n := reader.OpenSetLoadsForTest() - loads; n != 0 {
				t.Errorf("a date passing read the open set again (%d)", n)
			}
		})
	})
}

// inputOf is an opportunity as its form would hold it.
func inputOf(o volunteering.Opportunity) volunteering.Input {
	in := volunteering.Input{OrganizationID: o.Organization.ID, Title: o.Title, Description: o.Description, Kind: o.Kind,
		Schedule: o.Schedule, PlaceSlug: o.PlaceSlug, Remote: o.Remote, Venue: o.Venue, Slots: o.Slots, Spots: o.Spots,
		MinAge: o.MinAge, MaxAge: o.MaxAge, Causes: o.Causes.Codes(volunteering.Causes), Skills: o.Skills.Codes(volunteering.Skills),
		Languages: o.Languages.Codes(volunteering.Languages), CarRequired: o.CarRequired, RideOffered: o.RideOffered}
	if o.StartsAt != nil {
		in.StartsAt = *o.StartsAt
	}
	if o.EndsAt != nil {
		in.EndsAt = *o.EndsAt
	}
	if o.Until != nil {
		in.Until = *o.Until
	}
	return in
}
