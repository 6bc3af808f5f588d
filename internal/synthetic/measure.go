package synthetic

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"implique/internal/app"
	"implique/internal/orgs"
	"implique/internal/portrait"
	"implique/internal/volunteering"
)

// Timing is how long one of the product's heavy queries took on the
// seeded province, over a few runs, and the budget it must stay under
// (zero: no budget, the figure is reported).
type Timing struct {
	Name        string
	Median, P99 time.Duration
	Budget      time.Duration
	Runs        int
	TerritoryID int64
	Territory   string
}

// Within reports whether the timing meets its budget (always, without one).
func (t Timing) Within() bool { return t.Budget == 0 || t.P99 < t.Budget }

// Budgets of the queries at the province's size.
const (
	MatchBudget = 10 * time.Millisecond
	PageBudget  = 200 * time.Millisecond
)

// runs is how many times each query runs after one run to warm up.
const runs = 9

// Largest is the slug of the province's largest territory (Seed gives the
// first territory the largest share).
const Largest = "territoire-001"

// Query is one heavy query of the product, run on a territory.
type Query struct {
	Name   string
	Budget time.Duration
	Run    func(ctx context.Context) error
}

// Queries are the product's heavy queries on the largest territory of a
// database that Seed filled: matching (the best 20, for a profile and for
// someone who answered nothing), the relève radar, the portrait (the
// territory's and a place's), the indicators' board and their hourly
// refresh, the weekly digest's plan and the daily retention run. Each run
// of the retention is the next day's (it moves the clock a day forward):
// the first anonymises what is due, the next ones what a day adds.
func Queries(ctx context.Context, a *app.App) ([]Query, error) {
	t, err := a.Territories.BySlug(ctx, Largest)
	if err != nil {
		return nil, fmt.Errorf("the largest territory of a synthetic province (%s): %w", Largest, err)
	}
	tid := t.ID
	places, err := a.Territories.Places(ctx, tid)
	if err != nil {
		return nil, err
	}
	if len(places) == 0 {
		return nil, fmt.Errorf("%s has no place", Largest)
	}
	causes, _ := volunteering.MaskOf(volunteering.Causes, []string{"seniors", "food"})
	skills, _ := volunteering.MaskOf(volunteering.Skills, []string{"cooking"})
	maxKm := 25
	profile := volunteering.Seeker{PlaceID: places[0].ID, Causes: causes, Skills: skills, Availability: volunteering.Weekdays(volunteering.Morning),
		MaxKm: &maxKm, Mobility: volunteering.HasCar, AgeBand: "65_74"}
	matches := func(sk volunteering.Seeker) func(context.Context) error {
		return func(ctx context.Context) error {
			ms, err := a.Volunteering.Matches(ctx, tid, sk, "fr", 20)
			if err == nil && len(ms) == 0 {
				err = errors.New("no match")
			}
			return err
		}
	}
	return []Query{
		{"matching.profile", MatchBudget, matches(profile)},
		{"matching.anonymous", MatchBudget, matches(volunteering.Seeker{})},
		{"radar", PageBudget, func(ctx context.Context) error {
			_, err := a.Orgs.Radar(ctx, tid, orgs.RadarFilter{Reach: orgs.WholeTerritory})
			return err
		}},
		{"portrait", PageBudget, func(ctx context.Context) error {
			_, err := a.Portrait.Build(ctx, tid, "", portrait.Public)
			return err
		}},
		{"portrait-place", PageBudget, func(ctx context.Context) error {
			_, err := a.Portrait.Build(ctx, tid, places[0].Slug, portrait.Public)
			return err
		}},
		{"indicators.board", PageBudget, func(ctx context.Context) error {
			_, err := a.Impact.Board(ctx, tid)
			return err
		}},
		{"indicators.refresh", 0, func(ctx context.Context) error {
			_, err := a.Impact.Refresh(ctx, tid)
			return err
		}},
		{"digest.plan", 0, func(ctx context.Context) error {
			_, err := a.Volunteering.PlanDigest(ctx, tid)
			return err
		}},
		{"retention.daily", 0, func(ctx context.Context) error {
			a.Clock.Advance(24 * time.Hour)
			_, err := a.Privacy.RunRetention(ctx, tid)
			return err
		}},
	}, nil
}

// Measure runs each of Queries once to warm up, then a few times, and
// returns their median and 99th percentile. The clock is put back as it
// was after.
func Measure(ctx context.Context, a *app.App) ([]Timing, error) {
	was := a.Clock.Set(a.Clock.Now())
	defer a.Clock.Set(was)
	qs, err := Queries(ctx, a)
	if err != nil {
		return nil, err
	}
	t, err := a.Territories.BySlug(ctx, Largest)
	if err != nil {
		return nil, err
	}
	var out []Timing
	for _, q := range qs {
		start := time.Now()
		if err := q.Run(ctx); err != nil { // warm-up
			return out, fmt.Errorf("%s: %w", q.Name, err)
		}
		if q.Name == "retention.daily" {
			// The first run anonymises everything due since the seeding.
			out = append(out, summary("retention.first", 0, []time.Duration{time.Since(start)}, t.ID, t.Name))
		}
		took := make([]time.Duration, runs)
		for i := range took {
			start := time.Now()
			if err := q.Run(ctx); err != nil {
				return out, fmt.Errorf("%s: %w", q.Name, err)
			}
			took[i] = time.Since(start)
		}
		out = append(out, summary(q.Name, q.Budget, took, t.ID, t.Name))
	}
	return out, nil
}

// summary is the median and 99th percentile of took.
func summary(name string, budget time.Duration, took []time.Duration, tid int64, tname string) Timing {
	slices.Sort(took)
	p99 := took[min(len(took)-1, (len(took)*99+99)/100-1)]
	return Timing{Name: name, Median: took[len(took)/2], P99: p99, Budget: budget, Runs: len(took), TerritoryID: tid, Territory: tname}
}
