package synthetic_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/portrait"
	"implique/internal/survey"
	"implique/internal/synthetic"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

var testNow = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

// TestSeedSmallProvince seeds a thousandth of the province on both
// engines, checks the counts, and reads the data back through the
// product's own stores and a public page.
func TestSeedSmallProvince(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testkit.App(t, d, testNow)
		var steps []string
		got, err := synthetic.Seed(ctx, a, 0.001, func(step string, done, total int) {
			if done == total && step != "start" {
				steps = append(steps, step)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		want := synthetic.Province.Scaled(0.001)
		if got.Territories != want.Territories || got.Places != want.Places || got.Organizations != want.Organizations ||
			got.Opportunities != want.Opportunities || got.Registrations != want.Registrations || got.Responses != want.Responses {
			t.Errorf("seeded %+v, want %+v", got.Size, want)
		}
		if got.People < want.People || got.Events == 0 || got.Seats == 0 || got.Applications == 0 || got.Hours == 0 {
			t.Errorf("seeded %+v", got)
		}
		if strings.Join(steps, ",") != "territory,indicators" {
			t.Errorf("progress steps %v", steps)
		}
		for table, n := range map[string]int{"territories": got.Territories, "places": got.Places, "users": got.People,
			"organizations": got.Organizations, "volunteer_opportunities": got.Opportunities, "registrations": got.Registrations,
			"survey_responses": got.Responses, "events": got.Events, "organization_seats": got.Seats,
			"volunteer_applications": got.Applications, "volunteer_hours": got.Hours} {
			if c := testkit.Count(t, d, "SELECT COUNT(*) FROM "+table); c != n {
				t.Errorf("%s: %d rows, the seed says %d", table, c, n)
			}
		}
		for _, table := range []string{"user_roles", "volunteer_profiles", "organization_people", "organization_places",
			"organization_causes", "survey_answers", "survey_tallies", "impact_indicators", "impact_snapshots"} {
			if testkit.Count(t, d, "SELECT COUNT(*) FROM "+table) == 0 {
				t.Errorf("%s: empty", table)
			}
		}

		tid := largest(t, a.DB)
		ms, err := a.Volunteering.Matches(ctx, tid, volunteering.Seeker{}, "fr", 20)
		if err != nil || len(ms) == 0 {
			t.Fatalf("matches: %d, %v", len(ms), err)
		}
		r, err := a.Orgs.Radar(ctx, tid, orgs.RadarFilter{Reach: orgs.WholeTerritory})
		if err != nil || r.Total.Orgs == 0 || r.Total.Seats == 0 || r.Total.Vacant == 0 {
			t.Fatalf("radar: %+v, %v", r.Total, err)
		}
		if _, err := a.Portrait.Build(ctx, tid, "", portrait.Public); err != nil {
			t.Fatal(err)
		}
		b, err := a.Impact.Board(ctx, tid)
		if err != nil || len(b.Effects) != 3 {
			t.Fatalf("board: %d effects, %v", len(b.Effects), err)
		}
		qs, err := a.Surveys.List(ctx, tid)
		if err != nil || len(qs) != 1 {
			t.Fatalf("questionnaires: %d, %v", len(qs), err)
		}
		waves, err := a.Surveys.Waves(ctx, tid, qs[0].ID)
		if err != nil || len(waves) != 1 {
			t.Fatalf("waves: %d, %v", len(waves), err)
		}
		res, err := a.Surveys.Results(ctx, tid, survey.Filter{WaveID: waves[0].ID})
		if err != nil || res.Responses != got.Responses {
			t.Fatalf("results: %d responses, %v", res.Responses, err)
		}
		plan, err := a.Volunteering.PlanDigest(ctx, tid)
		if err != nil || plan.Considered == 0 {
			t.Fatalf("digest plan: %+v, %v", plan, err)
		}

		// The public pages of the territory render it.
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		for _, path := range []string{"/portrait", "/s-impliquer", "/impact"} {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d\n%.500s", path, resp.StatusCode, body)
			}
		}

		timings, err := synthetic.Measure(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if len(timings) < 6 {
			t.Fatalf("%d timings", len(timings))
		}
		for _, x := range timings {
			if x.Name == "" || x.Median <= 0 || x.P99 < x.Median || x.Budget < 0 {
				t.Errorf("timing %+v", x)
			}
		}

		// A database that has people is refused, and left as it was.
		before := testkit.Count(t, d, "SELECT COUNT(*) FROM users")
		if _, err := synthetic.Seed(ctx, a, 0.001, nil); !errors.Is(err, synthetic.ErrNotEmpty) {
			t.Fatalf("second seed: %v, want ErrNotEmpty", err)
		}
		if n := testkit.Count(t, d, "SELECT COUNT(*) FROM users"); n != before {
			t.Errorf("%d users after the refusal, %d before", n, before)
		}
	})
}

func TestSeedRefusesBadScale(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	a := testkit.App(t, d, testNow)
	for _, f := range []float64{0, -1, 11} {
		if _, err := synthetic.Seed(context.Background(), a, f, nil); !errors.Is(err, synthetic.ErrScale) {
			t.Errorf("scale %v: %v", f, err)
		}
	}
	if n := testkit.Count(t, d, "SELECT COUNT(*) FROM territories"); n != 0 {
		t.Errorf("%d territories after a refusal", n)
	}
}

func TestScaled(t *testing.T) {
	s := synthetic.Province.Scaled(0.001)
	if s.Territories != 1 || s.Places != 11 || s.People != 1000 || s.Registrations != 5000 || s.Opportunities != 50 {
		t.Errorf("scaled: %+v", s)
	}
	if full := synthetic.Province.Scaled(1); full != synthetic.Province {
		t.Errorf("scale 1: %+v", full)
	}
}

// largest is the territory with the most people.
func largest(t *testing.T, d *db.DB) int64 {
	t.Helper()
	var id int64
	if err := d.QueryRow(context.Background(), `SELECT territory_id FROM user_roles GROUP BY territory_id
		ORDER BY COUNT(*) DESC, territory_id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
