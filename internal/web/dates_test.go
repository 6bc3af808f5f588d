package web_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
)

// An event dated 9999-12-31 is refused on its form with the years allowed,
// nothing saved; one stored before dates had bounds no longer breaks the
// staff list nor the community's page, and can be corrected.
func TestEventDatesOutOfBounds(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		e.staffClock(time.Date(2026, 11, 20, 12, 0, 0, 0, e.territory.Location()))
		e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("anim@exemple.org")

		for _, day := range []string{"9999-12-31", "0001-01-01"} {
			f := dinnerForm()
			f.Set("date", day)
			r := c.post("/admin/evenements", f)
			expectStatus(t, r, 422)
			expectContains(t, r, `id="date-err"`, "L’année doit être entre 2000 et 2036.", `value="`+day+`"`)
		}
		c.lang = "en"
		f := dinnerForm()
		f.Set("date", "9999-12-31")
		expectContains(t, c.post("/admin/evenements", f), "The year must be between 2000 and 2036.")
		c.lang = "fr"
		if evs, _ := e.events.List(ctx, e.territory.ID, events.Filter{}); len(evs) != 0 {
			t.Fatalf("%d events saved", len(evs))
		}

		// Stored before the bounds existed: ending in year 10000.
		id := createdID(t, c.post("/admin/evenements", dinnerForm()))
		if _, err := d.Exec(ctx, `UPDATE events SET starts_at = ?, ends_at = ? WHERE id = ?`,
			"9999-12-31 22:30:00+00:00", "10000-01-01 01:30:00+00:00", id); err != nil {
			t.Fatal(err)
		}
		com := e.newCommunity(t, "Jardin partagé", false)
		if err := e.community.AddMeeting(ctx, e.territory.ID, com.ID, id); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, c.get("/admin/evenements"), 200)
		r := c.post("/admin/evenements/"+strconv.FormatInt(id, 10)+"/dupliquer", nil)
		expectStatus(t, r, 422)
		expectContains(t, r, "L’année doit être entre 2000 et 2036.")
		expectStatus(t, c.get("/admin/communautes/"+strconv.FormatInt(com.ID, 10)), 200)
		expectStatus(t, c.get("/admin/evenements/"+strconv.FormatInt(id, 10)), 200)
		expectStatus(t, c.post("/admin/evenements/"+strconv.FormatInt(id, 10), dinnerForm()), 303)
	})
}
