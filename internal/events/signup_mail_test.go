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

// TestSignUpMailsOnceADay: signing up again (or probing an address) sends
// the registration's link at most once a day; what staff change is always told.
func TestSignUpMailsOnceADay(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ev := f.event(t, 10)
		gisele := person(1, 1)

		for i := 0; i < 3; i++ {
			out, err := f.s.Register(ctx, f.t.ID, ev.ID, gisele, events.SourceWeb)
			if err != nil || out.Existing != (i > 0) {
				t.Fatalf("sign-up #%d: %+v %v", i+1, out, err)
			}
		}
		if n := len(f.mails(t, gisele.Email)); n != 1 {
			t.Fatalf("three sign-ups the same day: %d e-mails, want 1", n)
		}
		f.clock.Advance(events.SignUpMailsPer + time.Minute)
		if _, err := f.s.Register(ctx, f.t.ID, ev.ID, gisele, events.SourceWeb); err != nil {
			t.Fatal(err)
		}
		if n := len(f.mails(t, gisele.Email)); n != 2 {
			t.Fatalf("the next day: %d e-mails, want 2", n)
		}
		// A change staff make is told at once, whatever was sent before.
		in := events.Input{Kind: ev.Kind, Title: ev.Title, PlaceSlug: "fortierville", VenueName: ev.VenueName, VenueAddress: ev.VenueAddress,
			StartsAt: ev.StartsAt.Add(time.Hour), EndsAt: ev.EndsAt.Add(time.Hour), Capacity: ev.Capacity, Menu: ev.Menu}
		if _, err := f.s.Update(ctx, f.t.ID, ev.ID, in); err != nil {
			t.Fatal(err)
		}
		if n := len(f.mails(t, gisele.Email)); n != 3 {
			t.Errorf("after the event changed: %d e-mails, want 3", n)
		}
	})
}
