package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/community"
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

// Staff add a person without an e-mail whom they met; the other members
// see of her what she chose.
func TestStaffAddPersonMetToCommunity(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		c, err := e.community.CreateCommunity(ctx, e.territory.ID, 0, community.CommunityInput{Name: "Tricot de Manseau", PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		marc := e.user("marc@exemple.org", auth.RoleCitizen)
		if err := e.community.AddMember(ctx, e.territory.ID, c.ID, marc.ID, "marc@exemple.org", community.Sharing{Name: "Marc", ShowName: true}); err != nil {
			t.Fatal(err)
		}
		e.user("anim@exemple.org", auth.RoleFacilitator)
		e.user("comm@exemple.org", auth.RoleCommunications)
		page := "/admin/communautes/" + id64(c.ID)
		lise := url.Values{"met_name": {"Lise Bergeron"}, "met_phone": {"819 555-0101"}, "met_shown": {"name_phone"}, "met_agreed": {"1"}}

		comm := e.client(t)
		comm.signIn("comm@exemple.org")
		expectStatus(t, comm.post(page+"/membres", lise), http.StatusForbidden)

		s := e.client(t)
		s.signIn("anim@exemple.org")
		r := s.get(page)
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Ajouter une personne rencontrée", `name="met_shown" value="nothing" checked`)
		// Without her agreement, or with a phone that is not one: refused in French, what was typed kept, nothing written.
		bad := url.Values{"met_name": {"Lise Bergeron"}, "met_phone": {"555"}, "met_shown": {"name_phone"}}
		r = s.post(page+"/membres", bad)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "cochez la case pour le confirmer", "Entrez un numéro à 10 chiffres", `value="Lise Bergeron"`, `id="met_phone" name="met_phone" type="tel" autocomplete="off" inputmode="tel" value="555"`)
		if ms, _ := e.community.Members(ctx, e.territory.ID, c.ID); len(ms) != 1 {
			t.Fatalf("a refused person was added: %d members", len(ms))
		}
		// Added; twice is harmless.
		r = s.post(page+"/membres", lise)
		expectStatus(t, r, http.StatusSeeOther)
		r = s.follow(r)
		expectContains(t, r, "La personne fait maintenant partie de la communauté.", "Lise Bergeron", `href="tel:819%20555-0101"`, "sans courriel")
		r = s.post(page+"/membres", lise)
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, s.follow(r), "faisait déjà partie de la communauté")
		if ms, _ := e.community.Members(ctx, e.territory.ID, c.ID); len(ms) != 2 {
			t.Fatalf("%d members after a double submission", len(ms))
		}
		// Gérard shows nothing.
		r = s.post(page+"/membres", url.Values{"met_name": {"Gérard Pellerin"}, "met_shown": {"nothing"}, "met_agreed": {"1"}})
		expectStatus(t, r, http.StatusSeeOther)

		// Marc, a member, sees Lise's name and phone, and Gérard only counted.
		m := e.client(t)
		m.signIn("marc@exemple.org")
		r = m.get("/communautes/" + c.Slug)
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "<strong>Lise Bergeron</strong>", `href="tel:819%20555-0101"`)
		if strings.Contains(r.body, "Gérard") {
			t.Error("Gérard chose to show nothing, and is named")
		}
	})
}
