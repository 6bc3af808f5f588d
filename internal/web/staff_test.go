package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/connections"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/volunteering"
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

var todoRe = regexp.MustCompile(`(?s)<li id="todo-([a-z-]+)"[^>]*>\s*<a href="([^"]+)"><strong class="st-todo-n">(\d+)</strong> <span>([^<]*)</span></a>\s*(?:<p class="st-todo-note">([^<]*)</p>)?`)

// todos reads the figures of the morning page: id → "N label | note → href".
func todos(body string) map[string]string {
	out := map[string]string{}
	for _, m := range todoRe.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[3] + " " + m[4] + " | " + m[5] + " → " + m[2]
	}
	return out
}

// The staff's morning page shows what waits for them, from the data, to
// the roles that may act on it.
func TestStaffMorningPage(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newVolWorld(t, d)
		e := w.env
		ctx := context.Background()
		tid := e.territory.ID
		now := time.Now()
		event := func(title, place string, start time.Time, capacity int) events.Event {
			in := events.Input{Kind: events.CitizenDinner, Title: title, PlaceSlug: place, VenueName: "Salle municipale",
				StartsAt: start.Truncate(time.Minute), EndsAt: start.Truncate(time.Minute).Add(3 * time.Hour)}
			if capacity > 0 {
				in.Capacity = &capacity
			}
			ev, err := e.events.Create(ctx, tid, 0, in)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.events.Publish(ctx, tid, ev.ID, time.Time{}); err != nil {
				t.Fatal(err)
			}
			return ev
		}
		// This week: a souper almost full with a wait-list, and one cancelled; later, another.
		manseau := event("Souper de la Saint-Nicolas", "manseau", now.Add(48*time.Hour), 4)
		for i, party := range []int{3, 2} {
			if _, err := e.events.RegisterByStaff(ctx, tid, manseau.ID, events.RegistrationInput{Name: "Personne " + strconv.Itoa(i),
				Phone: "819 555-010" + strconv.Itoa(i), PartySize: party}, events.SourcePhone); err != nil {
				t.Fatal(err)
			}
		}
		cancelled := event("Souper annulé", "lemieux", now.Add(72*time.Hour), 0)
		if err := e.events.Cancel(ctx, tid, cancelled.ID, "Tempête"); err != nil {
			t.Fatal(err)
		}
		event("Souper de janvier", "parisville", now.Add(10*24*time.Hour), 0)
		// Two days ago, not closed yet.
		event("Souper d’avant-hier", "fortierville", now.Add(-48*time.Hour), 0)
		// A proposed idea (and one of another territory, not counted).
		if _, err := e.community.Submit(ctx, tid, community.Input{Kind: community.Idea, Title: "Une friperie communautaire",
			ThemeCode: "entraide", PlaceSlug: "becancour-gentilly", SubmitterName: "Gisèle Côté", SubmitterEmail: "gisele@exemple.org"}); err != nil {
			t.Fatal(err)
		}
		ts := territory.NewStore(d)
		other, err := ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.community.EnsureThemes(ctx, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.ImportPlaces(ctx, other.ID, strings.NewReader("slug,name,kind\nnicolet,Nicolet,ville\n")); err != nil {
			t.Fatal(err)
		}
		if _, err := e.community.Submit(ctx, other.ID, community.Input{Kind: community.Need, Title: "Chez les voisins", ThemeCode: "transport", PlaceSlug: "nicolet"}); err != nil {
			t.Fatal(err)
		}
		// Two applications waiting for an answer, one for ten days.
		e.app.Clock.Set(now.Add(-10 * 24 * time.Hour))
		if _, _, err := e.vol.Apply(ctx, tid, w.cook.ID, e.user("rene@exemple.org", auth.RoleCitizen).ID, volunteering.ApplyInput{}, true); err != nil {
			t.Fatal(err)
		}
		e.app.Clock.Set(time.Time{})
		if _, _, err := e.vol.Apply(ctx, tid, w.soccer.ID, e.user("julie@exemple.org", auth.RoleCitizen).ID, volunteering.ApplyInput{}, true); err != nil {
			t.Fatal(err)
		}
		// A follow-up due yesterday; a term ending in two months (and one in two years, one with a successor).
		day := func(n int) string { return now.In(e.territory.Location()).AddDate(0, 0, n).Format("2006-01-02") }
		if _, err := e.orgs.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: w.popote.ID, HappenedOn: day(-14),
			Topic: "Relève du conseil", FollowUpOn: day(-1)}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []orgs.SeatInput{
			{Role: orgs.President, NewHolder: &orgs.PersonInput{Name: "Monique Rivard"}, TermEnd: day(60)},
			{Role: orgs.Treasurer, NewHolder: &orgs.PersonInput{Name: "Denis Hamel"}, TermEnd: day(700)},
			{Role: orgs.Secretary, NewHolder: &orgs.PersonInput{Name: "Carole Baril"}, TermEnd: day(30), SuccessorIdentified: true},
		} {
			if _, err := e.orgs.AddSeat(ctx, tid, w.club.ID, s); err != nil {
				t.Fatal(err)
			}
		}
		// A request to join a community, not confirmed; an e-mail that failed.
		tricot, err := e.community.CreateCommunity(ctx, tid, 0, community.CommunityInput{Name: "Tricot de Manseau", Public: true, PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.community.AskToJoin(ctx, tid, tricot.ID, community.Invitee{Name: "Lise", Email: "lise@exemple.org"}, "fr"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `UPDATE mail_outbox SET status = 'failed' WHERE id = (SELECT MIN(id) FROM mail_outbox)`); err != nil {
			t.Fatal(err)
		}

		e.user("admin@exemple.org", auth.RoleAdministrator)
		e.user("anim@exemple.org", auth.RoleFacilitator)
		e.user("comm@exemple.org", auth.RoleCommunications)
		admin := e.client(t)
		admin.signIn("admin@exemple.org")
		r := admin.get("/admin")
		expectStatus(t, r, http.StatusOK)
		got := todos(r.body)
		want := map[string]string{
			"a-clore":      "1 activité à clore (présences et compte rendu) |  → /admin/evenements#a-clore",
			"a-moderer":    "1 besoin ou idée à modérer |  → /admin/idees#a-moderer",
			"candidatures": "2 candidatures de bénévoles sans réponse | dont 1 en attente depuis plus de 7 jours → /admin/benevolat#reponses",
			"suivis":       "1 suivi d’accompagnement à faire |  → /admin/accompagnement#a-faire",
			"mandats":      "1 mandat terminé ou qui se termine d’ici 3 mois, sans relève |  → /admin/releve#fins",
			"demandes":     "1 demande pour se joindre à une communauté, pas encore confirmée | Tricot de Manseau (1) → /admin/communautes/" + id64(tricot.ID) + "#invitations",
			"courriels":    "1 courriel non envoyé |  → /admin/courriels",
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("%s: %q, want %q", id, got[id], w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("figures %v", got)
		}
		week := section(t, r.body, "semaine")
		for _, part := range []string{"Souper de la Saint-Nicolas", "/admin/evenements/" + id64(manseau.ID), "3 places prises sur 4", "2 en liste d’attente"} {
			if !strings.Contains(week, part) {
				t.Errorf("the week lacks %q:\n%s", part, week)
			}
		}
		if strings.Contains(week, "annulé") || strings.Contains(week, "janvier") || strings.Contains(week, "avant-hier") {
			t.Errorf("the week shows other events:\n%s", week)
		}
		expectContains(t, r, `href="/admin/utilisateurs"`, `href="/admin/evenements"`)

		// A facilitator: the same, but the outbox is the administrators'.
		anim := e.client(t)
		anim.signIn("anim@exemple.org")
		r = anim.get("/admin")
		got = todos(r.body)
		if _, ok := got["courriels"]; ok || len(got) != len(want)-1 || got["a-moderer"] != want["a-moderer"] {
			t.Errorf("facilitator's figures %v", got)
		}
		// In English.
		anim.lang = "en"
		r = anim.get("/admin")
		expectContains(t, r, "To do today", "need or idea to moderate", "volunteer applications without an answer", "1 of them waiting for more than 7 days", "3 of 4 seats taken", "Activities in the next 7 days")

		// A communications officer acts on none of these.
		comm := e.client(t)
		comm.signIn("comm@exemple.org")
		r = comm.get("/admin")
		expectStatus(t, r, http.StatusOK)
		if got := todos(r.body); len(got) != 0 || strings.Contains(r.body, `id="semaine"`) || strings.Contains(r.body, "Saint-Nicolas") {
			t.Errorf("the communications officer sees figures: %v", got)
		}
		expectContains(t, r, `href="/admin/liens-suivis"`)
	})
}
