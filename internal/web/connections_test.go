package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
)

// heldGuest is someone who came to a held souper, with their private link.
type heldGuest struct {
	reg events.Registration
	tok string
}

// heldSouper is a souper in Fortierville that took place this afternoon;
// the guests with came=true were checked in.
func (e *env) heldSouper(t testing.TB, guests ...struct {
	name, email, phone string
	came               bool
}) (events.Event, []heldGuest) {
	t.Helper()
	ctx := context.Background()
	start := time.Now().Add(-4 * time.Hour).Truncate(time.Minute)
	ev, err := e.events.Create(ctx, e.territory.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen d’automne",
		PlaceSlug: "fortierville", VenueName: "Salle municipale", StartsAt: start, EndsAt: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.events.Publish(ctx, e.territory.ID, ev.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	var out []heldGuest
	for _, g := range guests {
		o, err := e.events.RegisterByStaff(ctx, e.territory.ID, ev.ID, events.RegistrationInput{Name: g.name, Email: g.email, Phone: g.phone, PartySize: 1}, events.SourcePhone)
		if err != nil {
			t.Fatal(err)
		}
		if g.came {
			if err := e.events.CheckIn(ctx, e.territory.ID, o.Registration.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, heldGuest{reg: o.Registration, tok: o.Token})
	}
	if ev, err = e.events.Close(ctx, e.territory.ID, ev.ID, events.Report{}); err != nil {
		t.Fatal(err)
	}
	return ev, out
}

type guest = struct {
	name, email, phone string
	came               bool
}

func (e *env) connectionMails(t testing.TB, to string) []string {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		if it.To == to && (strings.Contains(it.Subject, "garder contact") || strings.Contains(it.Subject, "keep in touch")) {
			out = append(out, it.Text)
		}
	}
	return out
}

func id64(n int64) string { return strconvFormat(n) }

func TestConnectionsThroughThePrivateLink(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		_, g := e.heldSouper(t,
			guest{"Réjean Tremblay", "rejean@exemple.org", "", true},
			guest{"Lise Beaudoin", "lise@exemple.org", "819 555-0101", true},
			guest{"Marc Lemieux", "marc@exemple.org", "", false})
		rejean, lise, marc := g[0], g[1], g[2]
		c := e.client(t)

		// The registration page of someone who came leads to the links page.
		r := c.get("/inscription/" + rejean.tok)
		expectStatus(t, r, 200)
		expectContains(t, r, "/inscription/"+rejean.tok+"/liens")
		if strings.Contains(c.get("/inscription/"+marc.tok).body, "/liens") {
			t.Error("someone who did not come is offered the links page")
		}
		r = c.get("/inscription/" + rejean.tok + "/liens")
		expectStatus(t, r, 200)
		expectContains(t, r, "J’accepte d’apparaître", "Personne d’autre n’apparaît")
		if strings.Contains(r.body, `name="opt_in" value="1" checked`) {
			t.Error("the opt-in is ticked by default")
		}

		// Lise opts in and shares her phone.
		r = c.post("/inscription/"+lise.tok+"/liens", url.Values{"opt_in": {"1"}, "share": {"phone"}})
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, c.follow(r), "Vos choix sont enregistrés.")

		// Réjean picks Lise without opting in: refused, in French, nothing stored.
		r = c.post("/inscription/"+rejean.tok+"/liens", url.Values{"share": {"email"}, "with": {id64(lise.reg.ID)}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "acceptez d’abord d’apparaître")
		// With himself, or with Marc (absent): refused too.
		r = c.post("/inscription/"+rejean.tok+"/liens", url.Values{"opt_in": {"1"}, "share": {"email"}, "with": {id64(rejean.reg.ID)}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "avec vous-même")
		c.lang = "en"
		r = c.post("/inscription/"+rejean.tok+"/liens", url.Values{"opt_in": {"1"}, "share": {"email"}, "with": {id64(marc.reg.ID)}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "was not at this activity")
		c.lang = "fr"
		if v, _ := e.links.ViewByToken(context.Background(), e.territory.ID, lise.tok); len(v.Others) != 0 {
			t.Fatal("a refused submission made Réjean appear")
		}

		// Réjean opts in and picks Lise: nothing shows on Lise's side.
		r = c.post("/inscription/"+rejean.tok+"/liens", url.Values{"opt_in": {"1"}, "share": {"email"}, "with": {id64(lise.reg.ID)}})
		expectStatus(t, r, http.StatusSeeOther)
		r = c.get("/inscription/" + lise.tok + "/liens")
		expectContains(t, r, "Réjean T.")
		if strings.Contains(r.body, "Tremblay") || strings.Contains(r.body, "rejean@") || strings.Contains(r.body, " checked> Réjean") {
			t.Errorf("Lise's page tells more than « Réjean T. »:\n%s", r.body)
		}
		// Lise picks Réjean: both get the other's detail by e-mail; twice changes nothing.
		for range 2 {
			r = c.post("/inscription/"+lise.tok+"/liens", url.Values{"opt_in": {"1"}, "share": {"phone"}, "with": {id64(rejean.reg.ID)}})
			expectStatus(t, r, http.StatusSeeOther)
		}
		toRejean, toLise := e.connectionMails(t, "rejean@exemple.org"), e.connectionMails(t, "lise@exemple.org")
		if len(toRejean) != 1 || len(toLise) != 1 {
			t.Fatalf("e-mails: %d to Réjean, %d to Lise", len(toRejean), len(toLise))
		}
		if !strings.Contains(toRejean[0], "819 555-0101") || !strings.Contains(toLise[0], "rejean@exemple.org") {
			t.Errorf("the e-mails lack the contacts:\n%s\n%s", toRejean[0], toLise[0])
		}
		expectContains(t, c.get("/inscription/"+rejean.tok+"/liens"), "Vous êtes en contact avec", "819 555-0101")

		// Marc did not come; a wrong token is a 404.
		r = c.get("/inscription/" + marc.tok + "/liens")
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "seules les personnes présentes")
		expectStatus(t, c.get("/inscription/pas-un-jeton/liens"), http.StatusNotFound)
		expectStatus(t, c.post("/inscription/pas-un-jeton/liens", url.Values{"opt_in": {"1"}}), http.StatusNotFound)

		for _, secret := range []string{"Réjean", "Tremblay", "rejean@", "lise@", "555-0101", rejean.tok, lise.tok} {
			if strings.Contains(e.logs.String(), secret) {
				t.Errorf("the logs hold %q", secret)
			}
		}
	})
}

func TestConnectionsForStaff(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ev, g := e.heldSouper(t,
			guest{"Réjean Tremblay", "rejean@exemple.org", "", true},
			guest{"Gérard Pellerin", "", "819 555-0102", true},
			guest{"Marc Lemieux", "marc@exemple.org", "", false})
		rejean, gerard, marc := g[0], g[1], g[2]
		e.user("anim@exemple.org", auth.RoleFacilitator)
		e.user("comm@exemple.org", auth.RoleCommunications)
		page := "/admin/evenements/" + id64(ev.ID) + "/liens"

		// Only staff who may manage connections.
		anon := e.client(t)
		expectStatus(t, anon.get(page), http.StatusSeeOther)
		expectStatus(t, anon.get("/admin/liens"), http.StatusSeeOther)
		comm := e.client(t)
		comm.signIn("comm@exemple.org")
		expectStatus(t, comm.get(page), http.StatusForbidden)
		expectStatus(t, comm.post(page, url.Values{"personne": {id64(rejean.reg.ID)}, "opt_in": {"1"}, "share": {"email"}}), http.StatusForbidden)
		expectStatus(t, comm.get("/admin/liens"), http.StatusForbidden)

		c := e.client(t)
		c.signIn("anim@exemple.org")
		expectContains(t, c.get("/admin"), `href="/admin/liens"`)
		expectContains(t, c.get("/admin/evenements/"+id64(ev.ID)), `href="`+page+`"`)
		r := c.get(page)
		expectStatus(t, r, 200)
		expectContains(t, r, "Réjean Tremblay", "Gérard Pellerin")
		if strings.Contains(r.body, "Marc Lemieux") {
			t.Error("someone absent is offered on the paper form")
		}
		// No person picked, someone absent: refused.
		expectStatus(t, c.post(page, url.Values{"opt_in": {"1"}}), http.StatusUnprocessableEntity)
		r = c.post(page, url.Values{"personne": {id64(marc.reg.ID)}, "opt_in": {"1"}, "share": {"email"}})
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "seules les personnes présentes")

		// Gérard's paper form, then Réjean's: a link; Réjean gets an e-mail, Gérard a call.
		r = c.post(page, url.Values{"personne": {id64(gerard.reg.ID)}, "opt_in": {"1"}, "share": {"phone"}})
		expectStatus(t, r, http.StatusSeeOther)
		r = c.post(page, url.Values{"personne": {id64(rejean.reg.ID)}, "opt_in": {"1"}, "share": {"email"}, "with": {id64(gerard.reg.ID)}})
		expectStatus(t, r, http.StatusSeeOther)
		r = c.post(page, url.Values{"personne": {id64(gerard.reg.ID)}, "opt_in": {"1"}, "share": {"phone"}, "with": {id64(rejean.reg.ID)}})
		expectStatus(t, r, http.StatusSeeOther)
		r = c.follow(r)
		expectContains(t, r, "un nouveau lien est créé", "À transmettre par téléphone", "rejean@exemple.org")
		if m := e.connectionMails(t, "rejean@exemple.org"); len(m) != 1 || !strings.Contains(m[0], "819 555-0102") {
			t.Errorf("Réjean's e-mail: %v", m)
		}

		// The dashboard: numbers, places and months, no names.
		r = c.get("/admin/liens")
		expectStatus(t, r, 200)
		expectContains(t, r, `id="liens-total">1<`, "Fortierville", "Souper citoyen d’automne")
		for _, name := range []string{"Réjean", "Tremblay", "Gérard", "rejean@", "555-0102"} {
			if strings.Contains(r.body, name) {
				t.Errorf("the dashboard shows %q", name)
			}
		}
	})
}
