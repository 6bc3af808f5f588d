package events_test

import (
	"context"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
)

func TestManyReadsEventsOfTheTerritory(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a, b := f.event(t, 20), f.event(t, 0)
		if _, err := f.s.Register(ctx, f.t.ID, a.ID, person(1, 3), events.SourceWeb); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Many(ctx, f.t.ID, []int64{a.ID, b.ID, b.ID + 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[a.ID].Title != a.Title || got[a.ID].Confirmed != 3 || got[b.ID].PlaceName == "" {
			t.Fatalf("Many: %+v", got)
		}
		if got, err := f.s.Many(ctx, f.t.ID+1000, []int64{a.ID, b.ID}); err != nil || len(got) != 0 {
			t.Fatalf("another territory reads %d events, %v", len(got), err)
		}
		if got, err := f.s.Many(ctx, f.t.ID, nil); err != nil || len(got) != 0 {
			t.Fatalf("no ids: %v, %v", got, err)
		}
	})
}
