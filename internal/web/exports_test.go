package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
)

// eventAt creates and publishes an event at a place, in a week.
func (e *env) eventAt(t *testing.T, place, venue, address string) events.Event {
	t.Helper()
	ctx := context.Background()
	start := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	ev, err := e.events.Create(ctx, e.territory.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen",
		PlaceSlug: place, VenueName: venue, VenueAddress: address, StartsAt: start, EndsAt: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.events.Publish(ctx, e.territory.ID, ev.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	ev, err = e.events.Get(ctx, e.territory.ID, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// icsProps returns the unfolded content lines of a calendar's top level
// (outside its components) and the names of its components.
func icsProps(body string) (props map[string]string, components []string) {
	props = map[string]string{}
	depth := 0
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n ", ""), "\r\n") {
		name, value, _ := strings.Cut(line, ":")
		switch {
		case name == "BEGIN":
			if depth == 1 {
				components = append(components, value)
			}
			depth++
		case name == "END":
			depth--
		case depth == 1:
			props[name] = value
		}
	}
	return props, components
}

// TestPlaceFeedIsNamedAfterThePlace checks that a place's calendar feed
// carries the name of the place asked for (not of the first event's
// secteur), and that a place without events gives a valid calendar.
func TestPlaceFeedIsNamedAfterThePlace(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.eventAt(t, "becancour-saint-gregoire", "Salle paroissiale", "4700, boulevard Port-Royal")
		c := e.client(t)

		r := c.get("/api/v1/places/becancour/events.ics")
		expectStatus(t, r, 200)
		props, comps := icsProps(r.body)
		want := e.territory.Name + " — Bécancour"
		for _, p := range []string{"X-WR-CALNAME", "NAME"} {
			if props[p] != want {
				t.Errorf("%s %q, want %q", p, props[p], want)
			}
		}
		if !strings.Contains(strings.Join(comps, " "), "VEVENT") {
			t.Errorf("the secteur's event is missing: %v", comps)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="evenements-becancour.ics"`) {
			t.Errorf("Content-Disposition %q", cd)
		}

		r = c.get("/api/v1/places/manseau/events.ics")
		expectStatus(t, r, 200)
		props, comps = icsProps(r.body)
		if want := e.territory.Name + " — Manseau"; props["X-WR-CALNAME"] != want || props["NAME"] != want {
			t.Errorf("empty feed named %q / %q, want %q", props["X-WR-CALNAME"], props["NAME"], want)
		}
		if len(comps) == 0 || comps[0] != "VTIMEZONE" {
			t.Errorf("empty feed has components %v, want a VTIMEZONE (RFC 5545 wants one at least)", comps)
		}
		if props["X-WR-TIMEZONE"] != "America/Toronto" {
			t.Errorf("X-WR-TIMEZONE %q", props["X-WR-TIMEZONE"])
		}

		r = c.get("/api/v1/events.ics")
		if props, _ := icsProps(r.body); props["X-WR-CALNAME"] != e.territory.Name {
			t.Errorf("territory feed named %q", props["X-WR-CALNAME"])
		}
		if !regexp.MustCompile(`(?m)^BEGIN:VCALENDAR\r$`).MatchString(r.body) {
			t.Error("not a calendar")
		}
	})
}
