package synthetic

import (
	"context"
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

// Measure runs each heavy query of the product a few times on the largest
// territory of a database that Seed filled: matching (the best 20, for a
// profile and for someone who answered nothing), the relève radar, the
// portrait, the indicators' board and their hourly refresh, the weekly
// digest's plan and the daily retention run. The retention run anonymises
// what is due, as it does every day: it runs on the days that follow the
// clock's (the clock is put back after).
func Measure(ctx context.Context, a *app.App) ([]Timing, error) {
	t, err := a.Territories.BySlug(ctx, Largest)
	if err != nil {
		return nil, fmt.Errorf("the largest territory of a synthetic province (%s): %w", Largest, err)
	}
	tid := t.ID
	places, err := a.Territories.Places(ctx, tid)
	if err != nil || len(places) == 0 {
		return nil, fmt.Errorf("places of %s: %d, %w", Largest, len(places), err)
	}
	causes, _ := volunteering.MaskOf(volunteering.Causes, []string{"seniors", "food"})
	skills, _ := volunteering.MaskOf(volunteering.Skills, []string{"cooking"})
	maxKm := 25
	profile := volunteering.Seeker{PlaceID: places[0].ID, Causes: causes, Skills: skills, Availability: volunteering.Weekdays(volunteering.Morning),
		MaxKm: &maxKm, Mobility: volunteering.HasCar, AgeBand: "65_74"}

	var out []Timing
	measure := func(name string, budget time.Duration, fn func() error) error {
		if err := fn(); err != nil { // warm-up
			return fmt.Errorf("%s: %w", name, err)
		}
		took := make([]time.Duration, runs)
		for i := range took {
			start := time.Now()
			if err := fn(); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			took[i] = time.Since(start)
		}
		out = append(out, summary(name, budget, took, tid, t.Name))
		return nil
	}
	matches := func(sk volunteering.Seeker) func() error {
		return func() error {
			ms, err := a.Volunteering.Matches(ctx, tid, sk, "fr", 20)
			if err == nil && len(ms) == 0 {
				err = fmt.Errorf("no match")
			}
			return err
		}
	}
	steps := []struct {
		name   string
		budget time.Duration
		fn     func() error
	}{
		{"matching.profile", MatchBudget, matches(profile)},
		{"matching.anonymous", MatchBudget, matches(volunteering.Seeker{})},
		{"radar", PageBudget, func() error {
			_, err := a.Orgs.Radar(ctx, tid, orgs.RadarFilter{Reach: orgs.WholeTerritory})
			return err
		}},
		{"portrait", PageBudget, func() error {
			_, err := a.Portrait.Build(ctx, tid, "", portrait.Public)
			return err
		}},
		{"portrait.place", PageBudget, func() error {
			_, err := a.Portrait.Build(ctx, tid, places[0].Slug, portrait.Public)
			return err
		}},
		{"indicators.board", PageBudget, func() error {
			_, err := a.Impact.Board(ctx, tid)
			return err
		}},
		{"indicators.refresh", 0, func() error {
			_, err := a.Impact.Refresh(ctx, tid)
			return err
		}},
		{"digest.plan", 0, func() error {
			_, err := a.Volunteering.PlanDigest(ctx, tid)
			return err
		}},
	}
	for _, s := range steps {
		if err := measure(s.name, s.budget, s.fn); err != nil {
			return out, err
		}
	}

	// The daily retention: the first run of the day, then the runs of the
	// days after.
	was := a.Clock.Set(a.Clock.Now())
	defer a.Clock.Set(was)
	start := time.Now()
	if _, err := a.Privacy.RunRetention(ctx, tid); err != nil {
		return out, fmt.Errorf("retention: %w", err)
	}
	out = append(out, summary("retention.today", 0, []time.Duration{time.Since(start)}, tid, t.Name))
	err = measure("retention.next_days", 0, func() error {
		a.Clock.Advance(24 * time.Hour)
		_, err := a.Privacy.RunRetention(ctx, tid)
		return err
	})
	return out, err
}

// summary is the median and 99th percentile of took.
func summary(name string, budget time.Duration, took []time.Duration, tid int64, tname string) Timing {
	slices.Sort(took)
	p99 := took[min(len(took)-1, (len(took)*99+99)/100-1)]
	return Timing{Name: name, Median: took[len(took)/2], P99: p99, Budget: budget, Runs: len(took), TerritoryID: tid, Territory: tname}
}
