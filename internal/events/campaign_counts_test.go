package events_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
)

func TestRegistrationsMade(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ev, other := f.event(t, 0), f.event(t, 0)
		start := f.clock.Now()
		var first events.Registration
		for i := range 3 {
			out, err := f.s.Register(ctx, f.t.ID, ev.ID, person(i, 2), events.SourceWeb)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = out.Registration
			}
		}
		if _, err := f.s.Register(ctx, f.t.ID, other.ID, person(9, 1), events.SourceWeb); err != nil {
			t.Fatal(err)
		}
		if err := f.s.CancelForStaff(ctx, f.t.ID, first.ID); err != nil {
			t.Fatal(err)
		}
		end := start.Add(time.Minute)
		for _, c := range []struct {
			ids      []int64
			from, to time.Time
			want     int
		}{
			{[]int64{ev.ID}, start, end, 2},
			{[]int64{ev.ID, other.ID}, start, end, 3},
			{nil, start, end, 0},
			{[]int64{ev.ID}, end, end.Add(time.Hour), 0},
		} {
			if n, err := f.s.RegistrationsMade(ctx, f.t.ID, c.ids, c.from, c.to); err != nil || n != c.want {
				t.Errorf("RegistrationsMade(%v) = %d, %v; want %d", c.ids, n, err, c.want)
			}
		}
	})
}
