package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/connections"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/i18n"
	"implique/internal/jobs"
)

// linkBoth records, as staff would from paper forms, that two attendees of
// a held event chose each other.
func (e *env) linkBoth(t *testing.T, eventID int64, a, b heldGuest) {
	t.Helper()
	ctx := context.Background()
	for _, g := range []heldGuest{a, b} {
		if _, err := e.links.SaveByStaff(ctx, e.territory.ID, eventID, g.reg.ID, connections.Choice{OptIn: true, Share: connections.SharePhone}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range [][2]heldGuest{{a, b}, {b, a}} {
		if _, err := e.links.SaveByStaff(ctx, e.territory.ID, eventID, p[0].reg.ID, connections.Choice{OptIn: true,
			Share: connections.SharePhone, With: []int64{p[1].reg.ID}}); err != nil {
			t.Fatal(err)
		}
	}
}

// The links dashboard names each month once, and counts the people who came
// back to a second activity, saying how.
func TestLinksDashboardMonthsAndReturning(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		first, g1 := e.heldSouper(t, guest{"Lise Beaudoin", "", "819 555-0101", true}, guest{"Gérard Pellerin", "", "819 555-0102", true})
		second, g2 := e.heldSouper(t, guest{"Lise Beaudoin", "", "819-555-0101", true}, guest{"Marc Lemieux", "", "819 555-0103", true})
		e.linkBoth(t, first.ID, g1[0], g1[1])
		e.linkBoth(t, second.ID, g2[0], g2[1])
		e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("anim@exemple.org")
		r := c.get("/admin/liens")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, `id="liens-total">2<`, `id="retours-total">1<`, "même courriel ou même téléphone")
		month := first.StartsAt.In(e.territory.Location())
		row := `<th scope="row">` + i18n.Month("fr", month.Month()) + " " + strconvFormat(int64(month.Year())) + `</th>`
		if n := strings.Count(r.body, row); n != 1 {
			t.Errorf("%s appears %d times in « Par mois »", row, n)
		}
	})
}

// On the staff's paper form, two « Lise B. » are told apart by their full
// names, and only they are.
func TestPaperFormTellsLookalikesApart(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ev, g := e.heldSouper(t,
			guest{"Réjean Tremblay", "rejean@exemple.org", "", true},
			guest{"Lise Beaudoin", "", "819 555-0101", true},
			guest{"Lise Bergeron", "", "819 555-0104", true},
			guest{"Gérard Pellerin", "", "819 555-0102", true})
		ctx := context.Background()
		for _, a := range g[1:] {
			if _, err := e.links.SaveByStaff(ctx, e.territory.ID, ev.ID, a.reg.ID, connections.Choice{OptIn: true, Share: connections.SharePhone}); err != nil {
				t.Fatal(err)
			}
		}
		e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("anim@exemple.org")
		r := c.get("/admin/evenements/" + id64(ev.ID) + "/liens?personne=" + id64(g[0].reg.ID))
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "> Lise Beaudoin</label>", "> Lise Bergeron</label>", "> Gérard P.</label>")
		if strings.Contains(r.body, "Lise B.") {
			t.Errorf("two « Lise B. » look alike on the paper form")
		}
	})
}
