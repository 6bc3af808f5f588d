package indicator_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/calendar"
	"implique/internal/indicator"
)

func TestScopeDays(t *testing.T) {
	loc, _ := time.LoadLocation("America/Toronto")
	for _, c := range []struct {
		from, to         time.Time
		wantFrom, wantTo calendar.Date
	}{
		// Midnight to midnight in the territory: the month's days.
		{time.Date(2026, 11, 1, 0, 0, 0, 0, loc), time.Date(2026, 12, 1, 0, 0, 0, 0, loc),
			calendar.Date{Year: 2026, Month: 11, Day: 1}, calendar.Date{Year: 2026, Month: 12, Day: 1}},
		// A day begun before From is not in the period.
		{time.Date(2026, 11, 1, 9, 30, 0, 0, loc), time.Date(2026, 11, 3, 0, 0, 1, 0, loc),
			calendar.Date{Year: 2026, Month: 11, Day: 2}, calendar.Date{Year: 2026, Month: 11, Day: 4}},
		// Instants in UTC are read in the territory's zone.
		{time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 5, 0, 0, 0, time.UTC),
			calendar.Date{Year: 2026, Month: 11, Day: 1}, calendar.Date{Year: 2026, Month: 11, Day: 2}},
	} {
		from, to := indicator.Scope{From: c.from, To: c.to}.Days(loc)
		if from != c.wantFrom || to != c.wantTo {
			t.Errorf("Days(%v, %v) = %v, %v; want %v, %v", c.from, c.to, from, to, c.wantFrom, c.wantTo)
		}
	}
}

type source []indicator.Definition

func (s source) Indicators() []indicator.Definition { return s }
func (s source) Measure(context.Context, string, indicator.Scope) (float64, error) {
	return 0, nil
}

func TestOffers(t *testing.T) {
	src := source{{Key: "events.dinners_held", Unit: indicator.Count}}
	if !indicator.Offers(src, "events.dinners_held") || indicator.Offers(src, "events.nothing") {
		t.Error("Offers does not tell the keys of its source")
	}
}
