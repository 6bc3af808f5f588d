package web_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/privacy"
)

// TestAccessLogOfPeoplePages: the staff pages and files that show who
// signed up for an event, or who belongs to a community, each write a line
// of the access log, without the people's data.
func TestAccessLogOfPeoplePages(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		tid := e.territory.ID
		admin := e.user("direction@exemple.org", auth.RoleAdministrator)
		start := time.Now().Add(7 * 24 * time.Hour)
		ev, err := e.events.Create(ctx, tid, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "manseau",
			VenueName: "Salle municipale", StartsAt: start, EndsAt: start.Add(3 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.events.Publish(ctx, tid, ev.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.events.Register(ctx, tid, ev.ID, events.RegistrationInput{Name: "Lise Tremblay", Email: "lise@exemple.org", PartySize: 1},
			events.SourceWeb); err != nil {
			t.Fatal(err)
		}
		cty, err := e.community.CreateCommunity(ctx, tid, 0, community.CommunityInput{Name: "Tricot de Manseau", PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}

		// Nothing is logged for a page refused.
		anon := e.client(t)
		anon.get("/admin/evenements/" + strconv.FormatInt(ev.ID, 10))
		if lines, _ := e.app.Privacy.AccessLog(ctx, tid, privacy.AccessFilter{}); len(lines) != 0 {
			t.Fatalf("a refused page wrote %d lines", len(lines))
		}

		c := e.client(t)
		c.signIn("direction@exemple.org")
		expectStatus(t, c.get("/admin/evenements/"+strconv.FormatInt(ev.ID, 10)), 200)
		expectStatus(t, c.get("/admin/evenements/"+strconv.FormatInt(ev.ID, 10)+"/inscriptions.csv"), 200)
		expectStatus(t, c.get("/admin/communautes/"+strconv.FormatInt(cty.ID, 10)), 200)

		lines, err := e.app.Privacy.AccessLog(ctx, tid, privacy.AccessFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := []privacy.Access{
			{Action: privacy.Viewed, What: "community.members", Record: "community " + strconv.FormatInt(cty.ID, 10)},
			{Action: privacy.Exported, What: "events.registrations", Record: "event " + strconv.FormatInt(ev.ID, 10)},
			{Action: privacy.Viewed, What: "events.registrations", Record: "event " + strconv.FormatInt(ev.ID, 10)},
		}
		if len(lines) != len(want) {
			t.Fatalf("access log %+v", lines)
		}
		for i, w := range want {
			l := lines[i]
			if l.Action != w.Action || l.What != w.What || l.Record != w.Record || l.UserID != admin.ID {
				t.Errorf("line %d: %+v, want %+v by %d", i, l, w, admin.ID)
			}
		}
	})
}
