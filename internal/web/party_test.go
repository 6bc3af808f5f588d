package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
)

// Without staff, a sign-up brings at most the territory's largest party,
// which administrators set on the territory's page; a party larger than
// the seats left chooses, before anything is saved, between fewer people
// and the wait-list — on the form and through the API.
func TestPartiesAndSeatsLeft(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		ev := e.publishedEvent(t, 5)
		page := "/evenements/" + ev.Slug
		c := e.client(t)
		regs := func() []events.Registration {
			t.Helper()
			rs, err := e.events.Registrations(ctx, e.territory.ID, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}
		form := func(name, email, party string) url.Values {
			return url.Values{"name": {name}, "email": {email}, "party_size": {party}, "ride": {"none"}}
		}

		// The form says how many people it takes; six is a group for the team.
		expectContains(t, c.get(page), `max="4"`, "jusqu’à 4\u00a0personnes")
		r := c.post(page+"/inscription", form("Famille Lampron", "lampron@exemple.org", "6"))
		expectStatus(t, r, 422)
		expectContains(t, r, "Au-delà de 4\u00a0personnes, appelez ou écrivez à l’équipe", "819-288-5533, poste 5",
			"direction@cabbecancour.com", `value="Famille Lampron"`)

		// Three take their seats; a party of four finds two left and chooses.
		expectStatus(t, c.post(page+"/inscription", form("Lise Hamel", "lise@exemple.org", "3")), http.StatusSeeOther)
		r = c.post(page+"/inscription", form("Famille Pépin", "pepin@exemple.org", "4"))
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "Il ne reste que 2\u00a0places, et vous êtes 4. Rien n’est encore enregistré",
			`name="party_fit" value="2"`, "Inscrire 2\u00a0personnes", `name="waitlist" value="1"`, "Liste d’attente pour les 4\u00a0personnes",
			`value="Famille Pépin"`)
		if strings.Contains(r.body, "%!") {
			t.Error("a message lacks or has too many arguments")
		}
		if n := len(regs()); n != 1 || e.mails(t) != 1 {
			t.Fatalf("before the choice: %d registrations, %d e-mails", n, e.mails(t))
		}
		f := form("Famille Pépin", "pepin@exemple.org", "4")
		f.Set("party_fit", "2")
		r = c.post(page+"/inscription", f)
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, c.follow(r), "votre inscription est confirmée")
		if p := regByName(t, e, ev.ID, "Famille Pépin"); p.PartySize != 2 || p.Status != events.Confirmed {
			t.Errorf("Pépin: %d, %s", p.PartySize, p.Status)
		}

		// Full: a party of three chooses the wait-list for the three of them.
		r = c.post(page+"/inscription", form("Famille Baril", "baril@exemple.org", "3"))
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "<p>C’est complet pour l’instant. Rien n’est encore enregistré\u00a0: vous pouvez vous inscrire sur la liste d’attente.</p>")
		if strings.Contains(r.body, `name="party_fit"`) {
			t.Error("coming with 0 people is offered")
		}
		f = form("Famille Baril", "baril@exemple.org", "3")
		f.Set("waitlist", "1")
		r = c.post(page+"/inscription", f)
		expectStatus(t, r, http.StatusSeeOther)
		mine := c.follow(r)
		expectContains(t, mine, "Votre groupe de 3\u00a0personnes est en position 1 sur la liste d’attente",
			"Dès que 3\u00a0places seront libres pour vous", "Vous serez retiré de la liste d’attente.")
		if strings.Contains(mine.body, "ira à la première personne") {
			t.Error("a party on the wait-list is told its seat goes to the wait-list")
		}
		if b := regByName(t, e, ev.ID, "Famille Baril"); b.PartySize != 3 || b.Status != events.Waitlisted || b.WaitlistPosition != 1 {
			t.Errorf("Baril: %+v", b)
		}

		// The API: 409 with the seats left, then the wait-list on request.
		api := func(body string) (response, map[string]json.RawMessage) {
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/events/"+itoa(ev.ID)+"/registrations", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			r := c.do(req)
			var out map[string]json.RawMessage
			_ = json.Unmarshal([]byte(r.body), &out)
			return r, out
		}
		r, out := api(`{"name":"Yvon Rivard","email":"yvon@exemple.org","party_size":5}`)
		expectStatus(t, r, 422)
		if !strings.Contains(string(out["errors"]), "819-288-5533") {
			t.Errorf("422 body %s", r.body)
		}
		r, out = api(`{"name":"Yvon Rivard","email":"yvon@exemple.org","party_size":2}`)
		expectStatus(t, r, http.StatusConflict)
		if string(out["seats_left"]) != "0" || out["error"] == nil {
			t.Errorf("409 body %s", r.body)
		}
		r, out = api(`{"name":"Yvon Rivard","email":"yvon@exemple.org","party_size":2,"waitlist":true}`)
		expectStatus(t, r, http.StatusCreated)
		if string(out["status"]) != `"waitlisted"` || string(out["waitlist_position"]) != "2" {
			t.Errorf("201 body %s", r.body)
		}

		// Staff take a group of twelve from the event's page.
		e.user("anim@exemple.org", auth.RoleFacilitator)
		staff := e.client(t)
		staff.signIn("anim@exemple.org")
		big := e.publishedEvent(t, 40)
		r = staff.post("/admin/evenements/"+itoa(big.ID)+"/inscriptions", url.Values{"name": {"École Sainte-Marie"}, "phone": {"819 555-0111"},
			"party_size": {"12"}, "source": {"phone"}, "ride": {"none"}, "lang": {"fr"}})
		expectStatus(t, r, http.StatusSeeOther)
		if g := regByName(t, e, big.ID, "École Sainte-Marie"); g.PartySize != 12 || g.Status != events.Confirmed {
			t.Errorf("staff group: %+v", g)
		}

		// Administrators change the largest party on the territory's page.
		e.user("admin@exemple.org", auth.RoleAdministrator)
		admin := e.client(t)
		admin.signIn("admin@exemple.org")
		r = admin.get("/admin/territoire")
		expectStatus(t, r, 200)
		expectContains(t, r, `action="/admin/territoire/inscriptions"`, `id="largest_party"`, `value="4"`, "Plus grand groupe sans l’équipe")
		r = admin.post("/admin/territoire/inscriptions", url.Values{"largest_party": {"30"}})
		expectStatus(t, r, 422)
		expectContains(t, r, "Entrez un nombre entre 1 et 20.", `value="30"`, `value="`+e.territory.Name+`"`)
		expectStatus(t, staff.post("/admin/territoire/inscriptions", url.Values{"largest_party": {"8"}}), http.StatusForbidden)
		r = admin.post("/admin/territoire/inscriptions", url.Values{"largest_party": {"2"}})
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, admin.follow(r), `value="2"`)
		r = c.post("/evenements/"+big.Slug+"/inscription", form("Famille Houle", "houle@exemple.org", "3"))
		expectStatus(t, r, 422)
		expectContains(t, r, "Au-delà de 2\u00a0personnes")
	})
}
