package volunteering_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

// Benchmarks of matching on synthetic data, on both engines:
//
//	go test ./internal/volunteering -run '^$' -bench . -benchtime 20x
//
// (with IMPLIQUE_TEST_POSTGRES set, the postgres sub-benchmarks run too).

const (
	benchOpportunities = 50_000
	benchPeople        = 100_000
	benchNewThisWeek   = 300
)

// benchEngines runs fn on SQLite and, when IMPLIQUE_TEST_POSTGRES is set,
// on PostgreSQL.
func benchEngines(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, dbtest.SQLite(b, jobs.MigrateAll)) })
	b.Run("postgres", func(b *testing.B) { fn(b, dbtest.Postgres(b, jobs.MigrateAll)) })
}

// insertRows writes rows in multi-row INSERTs of batch rows, in one
// transaction per batch.
func insertRows(b testing.TB, d *db.DB, head string, cols int, rows [][]any) {
	b.Helper()
	ctx := context.Background()
	const batch = 400
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for start := 0; start < len(rows); start += batch {
		part := rows[start:min(start+batch, len(rows))]
		var args []any
		values := make([]string, len(part))
		for i, r := range part {
			values[i] = one
			args = append(args, r...)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, head+" VALUES "+strings.Join(values, ", "), args...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// seedOpportunities writes n open opportunities spread over the MRC's
// places, kinds, schedules and interests (deterministic), the last
// fresh of them published in the last days.
func seedOpportunities(b *testing.B, f *fixture, n, fresh int) {
	b.Helper()
	ctx := context.Background()
	places, err := f.ts.Places(ctx, f.t.ID)
	if err != nil {
		b.Fatal(err)
	}
	var orgIDs []int64
	for i := range 30 {
		o, err := f.orgs.Create(ctx, f.t.ID, 0, orgs.Input{Name: fmt.Sprintf("Organisme %02d", i), Kind: orgs.Nonprofit})
		if err != nil {
			b.Fatal(err)
		}
		orgIDs = append(orgIDs, o.ID)
	}
	r := rand.New(rand.NewPCG(7, 11))
	now := f.s.Now()
	var rows [][]any
	for i := range n {
		schedule := []volunteering.Schedule{volunteering.Recurring, volunteering.Recurring, volunteering.OneOff, volunteering.Flexible}[r.IntN(4)]
		var starts, ends any
		slots := volunteering.Availability(0)
		switch schedule {
		case volunteering.OneOff:
			s := now.Add(time.Duration(24+r.IntN(24*90)) * time.Hour).Truncate(time.Hour)
			starts, ends = s, s.Add(3*time.Hour)
			slots = volunteering.Slot(s.Weekday(), volunteering.PartOf(s.Hour()))
		case volunteering.Recurring:
			for range 1 + r.IntN(3) {
				slots |= volunteering.Slot(time.Weekday(r.IntN(7)), volunteering.Part(r.IntN(3)))
			}
		}
		var placeID any = places[r.IntN(len(places))].ID
		remote := r.IntN(20) == 0
		if remote && r.IntN(2) == 0 {
			placeID = nil
		}
		var minAge, maxAge any
		switch r.IntN(10) {
		case 0:
			minAge = 18
		case 1:
			minAge = 16
		case 2:
			maxAge = 17
		}
		kind := volunteering.Task
		switch r.IntN(25) {
		case 0:
			kind = volunteering.BoardSeat
		case 1:
			kind = volunteering.SchoolProject
		case 2:
			kind = volunteering.CorporateRequest
		}
		published := now.Add(-time.Duration(8*24+r.IntN(300*24)) * time.Hour)
		if i >= n-fresh {
			published = now.Add(-time.Duration(1+r.IntN(6*24)) * time.Hour)
		}
		causes := volunteering.Mask(1<<r.IntN(len(volunteering.Causes)) | 1<<r.IntN(len(volunteering.Causes)))
		skills := volunteering.Mask(0)
		if r.IntN(2) == 0 {
			skills = 1 << r.IntN(len(volunteering.Skills))
		}
		car, ride := r.IntN(8) == 0, r.IntN(6) == 0
		var start *time.Time
		if t, ok := starts.(time.Time); ok {
			start = &t
		}
		age := func(v any) int {
			if n, ok := v.(int); ok {
				return n
			}
			return 0
		}
		ma, mb := volunteering.PackForTest(kind, schedule, remote, slots, causes, skills, 0, age(minAge), age(maxAge), car, ride, start)
		rows = append(rows, []any{f.t.ID, orgIDs[r.IntN(len(orgIDs))], fmt.Sprintf("offre-%d", i), fmt.Sprintf("Offre %d", i),
			string(kind), string(schedule), placeID, remote, starts, ends, int64(slots), minAge, maxAge, int64(causes), int64(skills),
			car, ride, volunteering.StatusOpen, ma, mb, published, published, published})
	}
	insertRows(b, f.d, `INSERT INTO volunteer_opportunities (territory_id, organization_id, slug, title, kind, schedule, place_id, remote,
		starts_at, ends_at, slots, min_age, max_age, causes, skills, car_required, ride_offered, status, match_a, match_b, created_at,
		updated_at, published_at)`, 23, rows)
}

// seekerAt is a retiree of a place who likes cooking and seniors, free on
// weekday mornings, with a car, going 25 km at most.
func seekerAt(b *testing.B, f *fixture, slug string) volunteering.Seeker {
	p, err := f.ts.Place(context.Background(), f.t.ID, slug)
	if err != nil {
		b.Fatal(err)
	}
	causes, _ := volunteering.MaskOf(volunteering.Causes, []string{"seniors", "food"})
	skills, _ := volunteering.MaskOf(volunteering.Skills, []string{"cooking"})
	return volunteering.Seeker{PlaceID: p.ID, Causes: causes, Skills: skills, Availability: volunteering.Weekdays(volunteering.Morning),
		MaxKm: testkit.Ptr(25), Mobility: volunteering.HasCar, AgeBand: "65_74"}
}

// BenchmarkMatchTop20 ranks 50 000 open opportunities for one person and
// explains the best 20: what the /s-impliquer page does for a profile.
func BenchmarkMatchTop20(b *testing.B) {
	for _, n := range []int{500, benchOpportunities} {
		b.Run(fmt.Sprintf("%d", n), func(b *testing.B) { benchMatch(b, n) })
	}
}

func benchMatch(b *testing.B, n int) {
	benchEngines(b, func(b *testing.B, d *db.DB) {
		f := newFixture(b, d)
		f.clock.Set(time.Now())
		seedOpportunities(b, f, n, min(n/10, benchNewThisWeek))
		ctx := context.Background()
		for _, c := range []struct {
			name string
			sk   volunteering.Seeker
		}{
			{"profile-25km", seekerAt(b, f, "fortierville")},
			{"no-answers", volunteering.Seeker{}},
		} {
			b.Run(c.name, func(b *testing.B) {
				b.ReportAllocs()
				cpu := cpuTime()
				for b.Loop() {
					ms, err := f.s.Matches(ctx, f.t.ID, c.sk, "fr", 20)
					if err != nil || len(ms) != 20 {
						b.Fatalf("%d matches, %v", len(ms), err)
					}
				}
				// This process's processor time (not PostgreSQL's).
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	})
}

// BenchmarkScore is the scoring alone, in memory: one person, one opportunity.
func BenchmarkScore(b *testing.B) {
	d := dbtest.SQLite(b, jobs.MigrateAll)
	f := newFixture(b, d)
	places, err := f.ts.Places(context.Background(), f.t.ID)
	if err != nil {
		b.Fatal(err)
	}
	sk := seekerAt(b, f, "fortierville")
	o := volunteering.Opportunity{ID: 1, PlaceID: placeID(places, "becancour-gentilly"), Kind: volunteering.Task, Schedule: volunteering.Recurring,
		Slots: volunteering.Slot(time.Tuesday, volunteering.Morning), Causes: sk.Causes, Skills: sk.Skills}
	b.ReportAllocs()
	for b.Loop() {
		if f := volunteering.Score(sk, o, places); f.Score == 0 {
			b.Fatal("no score")
		}
	}
}

func placeID(ps []territory.Place, slug string) int64 {
	for _, p := range ps {
		if p.Slug == slug {
			return p.ID
		}
	}
	return 0
}

// BenchmarkDigestPlan works out the weekly digest for 100 000 people who
// asked for it, against the 300 opportunities new this week among 50 000.
func BenchmarkDigestPlan(b *testing.B) {
	benchEngines(b, func(b *testing.B, d *db.DB) {
		f := newFixture(b, d)
		f.clock.Set(time.Now())
		seedOpportunities(b, f, benchOpportunities, benchNewThisWeek)
		seedPeople(b, f, benchPeople)
		ctx := context.Background()
		b.ReportAllocs()
		var plan volunteering.DigestPlan
		for b.Loop() {
			var err error
			if plan, err = f.s.PlanDigest(ctx, f.t.ID); err != nil {
				b.Fatal(err)
			}
		}
		if plan.Considered != benchPeople || plan.New == 0 || len(plan.Items) == 0 {
			b.Fatalf("plan: %d people, %d new, %d digests", plan.Considered, plan.New, len(plan.Items))
		}
		b.ReportMetric(float64(len(plan.Items)), "digests")
	})
}

// BenchmarkDigestSend sends a week's digests (outbox and jobs, in batches)
// to 2 000 people: multiply by 50 for 100 000.
func BenchmarkDigestSend(b *testing.B) {
	benchEngines(b, func(b *testing.B, d *db.DB) {
		f := newFixture(b, d)
		seedOpportunities(b, f, 2_000, benchNewThisWeek)
		seedPeople(b, f, 2_000)
		ctx := context.Background()
		b.ReportAllocs()
		week := 0
		for b.Loop() {
			// Each round is a new week, with this week's opportunities new again.
			f.clock.Set(time.Now().AddDate(0, 0, 7*week))
			if _, err := f.d.Exec(ctx, `UPDATE volunteer_opportunities SET published_at = ? WHERE id > ?`, f.clock.Now().Add(-time.Hour), 2_000-benchNewThisWeek); err != nil {
				b.Fatal(err)
			}
			week++
			if _, err := f.d.Exec(ctx, `UPDATE volunteer_opportunities SET ends_at = NULL`); err != nil {
				b.Fatal(err)
			}
			n, err := f.s.SendDigests(ctx)
			if err != nil || n == 0 {
				b.Fatalf("sent %d: %v", n, err)
			}
			b.ReportMetric(float64(n), "emails/op")
		}
	})
}

// seedPeople writes n accounts (straight into the table: this is a
// benchmark's setup) with profiles that asked for the digest.
func seedPeople(b *testing.B, f *fixture, n int) {
	b.Helper()
	ctx := context.Background()
	places, err := f.ts.Places(ctx, f.t.ID)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 5))
	now := f.s.Now()
	var users, profiles [][]any
	bands := volunteering.AgeBands
	for i := range n {
		id := int64(1_000_000 + i)
		users = append(users, []any{id, fmt.Sprintf("p%d@exemple.org", i), fmt.Sprintf("Personne %d", i), "fr", now, now})
		var maxKm any
		if r.IntN(2) == 0 {
			maxKm = []int{5, 10, 15, 25, 40}[r.IntN(5)]
		}
		avail := volunteering.Availability(0)
		for range 1 + r.IntN(6) {
			avail |= volunteering.Slot(time.Weekday(r.IntN(7)), volunteering.Part(r.IntN(3)))
		}
		if r.IntN(3) == 0 {
			avail |= volunteering.Occasional
		}
		causes := volunteering.Mask(1<<r.IntN(len(volunteering.Causes)) | 1<<r.IntN(len(volunteering.Causes)))
		skills := volunteering.Mask(1<<r.IntN(len(volunteering.Skills)) | 1<<r.IntN(len(volunteering.Skills)))
		mobility := volunteering.Mobilities[r.IntN(len(volunteering.Mobilities))]
		profiles = append(profiles, []any{f.t.ID, id, places[r.IntN(len(places))].ID, int64(causes), int64(skills), int64(avail), maxKm,
			string(mobility), bands[3+r.IntN(len(bands)-3)].Code, true, now, now, now})
	}
	insertRows(b, f.d, `INSERT INTO users (id, email, name, locale, created_at, updated_at)`, 6, users)
	insertRows(b, f.d, `INSERT INTO volunteer_profiles (territory_id, user_id, place_id, causes, skills, availability, max_km, mobility,
		age_band, digest, digest_consent_at, created_at, updated_at)`, 13, profiles)
}
