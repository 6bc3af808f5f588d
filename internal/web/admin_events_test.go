package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/territory"
)

// staffClock stops the application's clock at t, for the staff tests to
// move it on (to the door, after the start).
func (e *env) staffClock(t time.Time) *app.Clock {
	e.app.Clock.Set(t)
	return e.app.Clock
}

var eventIDRe = regexp.MustCompile(`^/admin/evenements/(\d+)`)

// createdID reads the event's id from a redirect to its page.
func createdID(t *testing.T, r response) int64 {
	t.Helper()
	expectStatus(t, r, 303)
	m := eventIDRe.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("redirect to %q", r.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// dinnerForm is a valid form for a souper in Manseau on 28 November 2026.
func dinnerForm() url.Values {
	return url.Values{"kind": {"citizen_dinner"}, "title": {"Souper citoyen de Manseau"}, "summary": {"Un repas entre voisins."},
		"place": {"manseau"}, "venue_name": {"Salle municipale"}, "venue_address": {"40, rue Principale"},
		"date": {"2026-11-28"}, "start_time": {"17:30"}, "end_time": {"20:30"}, "capacity": {"4"},
		"menu": {"Pâté chinois, tarte au sucre"}, "accessibility": {"Rampe d’accès à l’avant"},
		"contact_name": {"Annie"}, "contact_phone": {"819 555-0100"}}
}

func regByName(t *testing.T, e *env, eventID int64, name string) events.Registration {
	t.Helper()
	regs, err := e.events.Registrations(context.Background(), e.territory.ID, eventID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regs {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no registration of %s", name)
	return events.Registration{}
}

func TestStaffEventJourney(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		loc := e.territory.Location()
		clock := e.staffClock(time.Date(2026, 11, 20, 12, 0, 0, 0, loc))
		anim := e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("anim@exemple.org")
		base := ""
		var id int64

		t.Run("the staff area links to the events", func(t *testing.T) {
			expectContains(t, c.get("/admin"), `href="/admin/evenements"`)
			r := c.get("/admin/evenements")
			expectStatus(t, r, 200)
			expectContains(t, r, "0\u00a0souper tenu sur 18", "Toujours sans souper", "Manseau", `href="/admin/evenements/nouveau"`)
		})

		t.Run("the form says what is wrong, in French, and writes nothing", func(t *testing.T) {
			r := c.get("/admin/evenements/nouveau")
			expectStatus(t, r, 200)
			expectContains(t, r, `<option value="citizen_dinner" selected>Souper citoyen</option>`,
				`&nbsp;&nbsp;&nbsp;&nbsp;– Gentilly`, "Test anim@exemple.org", `type="date"`, `type="time"`)

			bad := dinnerForm()
			bad.Set("end_time", "16:00")
			bad.Set("place", "montreal")
			bad.Set("capacity", "0")
			r = c.post("/admin/evenements", bad)
			expectStatus(t, r, 422)
			expectContains(t, r, "La fin doit venir après le début.", "Choisissez une municipalité ou un secteur de la liste.",
				"Entrez un nombre de places entre 1 et 5000", `value="Souper citoyen de Manseau"`, `id="end_time-err"`,
				`aria-invalid="true"`, "Pâté chinois, tarte au sucre")

			bad = dinnerForm()
			bad.Set("date", "28 novembre")
			bad.Set("start_time", "sept heures")
			bad.Set("title", "")
			r = c.post("/admin/evenements", bad)
			expectStatus(t, r, 422)
			expectContains(t, r, "Entrez une date sous la forme 2026-12-02.", "Entrez une heure", "Ce champ est obligatoire.",
				`value="28 novembre"`)

			evs, err := e.events.List(ctx, e.territory.ID, events.Filter{})
			if err != nil || len(evs) != 0 {
				t.Fatalf("bad forms wrote %d events (%v)", len(evs), err)
			}
		})

		t.Run("a facilitator creates a draft", func(t *testing.T) {
			f := dinnerForm()
			f.Set("start_time", "17 h 30") // typed by hand in an old browser
			f.Set("facilitators", strconv.FormatInt(anim.ID, 10))
			id = createdID(t, c.post("/admin/evenements", f))
			base = "/admin/evenements/" + strconv.FormatInt(id, 10)
			ev, err := e.events.Get(ctx, e.territory.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2026, 11, 28, 17, 30, 0, 0, loc); !ev.StartsAt.Equal(want) {
				t.Errorf("starts at %v, want %v", ev.StartsAt, want)
			}
			if ev.PublishAt != nil || len(ev.Facilitators) != 1 || *ev.Capacity != 4 {
				t.Errorf("draft = %+v", ev)
			}
			r := c.get(base)
			expectStatus(t, r, 200)
			expectContains(t, r, "Brouillon", "Seule l’équipe voit cet événement.", "samedi 28\u00a0novembre 2026 de 17\u00a0h\u00a030 à 20\u00a0h\u00a030",
				"Test anim@exemple.org", "Publier maintenant", "Ajouter une inscription (téléphone ou papier)")
			expectStatus(t, c.get("/evenements/"+ev.Slug), 200) // staff may preview

			f.Set("title", "Souper citoyen à Manseau")
			f.Set("capacity", "4")
			expectStatus(t, c.post(base, f), 303)
			expectContains(t, c.get(base+"/modifier"), `value="Souper citoyen à Manseau"`, `value="17:30"`, `value="2026-11-28"`)
		})

		t.Run("publishes", func(t *testing.T) {
			r := c.post(base+"/publier", url.Values{"when": {"later"}, "publish_date": {"2026-13-01"}, "publish_time": {"09:00"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Entrez une date sous la forme")
			r = c.post(base+"/publier", url.Values{"when": {"later"}, "publish_date": {"2026-11-22"}, "publish_time": {"9 h"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "Publication programmée", "Sera publié le 22\u00a0novembre 2026 à 9\u00a0h.")
			r = c.post(base+"/publier", url.Values{"when": {"now"}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "Inscriptions ouvertes", "les gens peuvent maintenant s’inscrire", "Retirer du site")
		})

		// People sign up on the public form (here, through the store).
		for _, in := range []events.RegistrationInput{
			{Name: "Réjean Tremblay", Email: "rejean@exemple.org", PartySize: 2, Dietary: "Sans gluten", Ride: events.RideNeeds, FromPlaceSlug: "manseau"},
			{Name: "Gisèle Côté", Phone: "819 555-0123", PartySize: 1, Ride: events.RideOffers, FromPlaceSlug: "manseau", Accessibility: "Marchette"},
			{Name: "Lucie Boisvert", Email: "lucie@exemple.org", PartySize: 1},
			{Name: "Marc-André Bélanger", Email: "marc@exemple.org", PartySize: 1, Waitlist: true},
		} {
			if _, err := e.events.Register(ctx, e.territory.ID, id, in, events.SourceWeb); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("sees the registrations and the needs at a glance", func(t *testing.T) {
			r := c.get(base)
			expectStatus(t, r, 200)
			expectContains(t, r, "Complet", "Réjean Tremblay", "rejean@exemple.org", "Gisèle Côté", "819 555-0123",
				"Besoins en un coup d’œil", "4\u00a0personnes confirmées", "1 en attente",
				"Réjean Tremblay\u00a0: Sans gluten", "Gisèle Côté\u00a0: Marchette",
				"Manseau\u00a0: 2 ont besoin d’un transport, 1 en offre",
				"Liste d’attente, position 1", "Site Web")
			if strings.Contains(r.body, "Retirer du site") {
				t.Error("unpublish offered although people signed up")
			}
		})

		t.Run("adds a phone registration", func(t *testing.T) {
			r := c.post(base+"/inscriptions", url.Values{"source": {"phone"}, "name": {""}, "party_size": {"1"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Ce champ est obligatoire.", "Donnez un courriel ou un numéro de téléphone")
			r = c.post(base+"/inscriptions", url.Values{"source": {"phone"}, "name": {"Thérèse Lemieux"}, "phone": {"819 555-0199"},
				"party_size": {"1"}, "ride": {"none"}, "lang": {"fr"}})
			expectStatus(t, r, 303)
			reg := regByName(t, e, id, "Thérèse Lemieux")
			if reg.Status != events.Waitlisted || reg.WaitlistPosition != 2 || reg.Source != events.SourcePhone {
				t.Errorf("phone registration = %+v", reg)
			}
			expectContains(t, c.follow(r), "sur la liste d’attente", "Téléphone")
			// The same number again: no second registration.
			r = c.post(base+"/inscriptions", url.Values{"source": {"paper"}, "name": {"Thérèse L."}, "phone": {"(819) 555-0199"}, "party_size": {"1"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "était déjà inscrite")
		})

		t.Run("moves someone to the wait-list and back", func(t *testing.T) {
			th := regByName(t, e, id, "Thérèse Lemieux")
			expectStatus(t, c.post(base+"/inscriptions/"+itoa(th.ID)+"/statut", url.Values{"status": {"confirmed"}}), 303)
			if got := regByName(t, e, id, "Thérèse Lemieux"); got.Status != events.Confirmed {
				t.Fatalf("after confirming: %s", got.Status)
			}
			expectStatus(t, c.post(base+"/inscriptions/"+itoa(th.ID)+"/statut", url.Values{"status": {"waitlisted"}}), 303)
			got := regByName(t, e, id, "Thérèse Lemieux")
			if got.Status != events.Waitlisted || got.WaitlistPosition != 2 {
				t.Fatalf("back on the wait-list: %s at %d", got.Status, got.WaitlistPosition)
			}
			expectStatus(t, c.post(base+"/inscriptions/"+itoa(th.ID)+"/statut", url.Values{"status": {"nowhere"}}), 422)
		})

		t.Run("withdraws one: the wait-list moves up", func(t *testing.T) {
			gi := regByName(t, e, id, "Gisèle Côté")
			r := c.post(base+"/inscriptions/"+itoa(gi.ID)+"/annuler", nil)
			expectStatus(t, r, 200)
			expectContains(t, r, "Retirer l’inscription de Gisèle Côté\u00a0?", "Oui, retirer")
			if regByName(t, e, id, "Gisèle Côté").Status != events.Confirmed {
				t.Fatal("withdrawn without confirmation")
			}
			expectStatus(t, c.post(base+"/inscriptions/"+itoa(gi.ID)+"/annuler", url.Values{"confirm": {"1"}}), 303)
			if got := regByName(t, e, id, "Gisèle Côté"); got.Status != events.Withdrawn {
				t.Errorf("Gisèle is %s", got.Status)
			}
			if got := regByName(t, e, id, "Marc-André Bélanger"); got.Status != events.Confirmed {
				t.Errorf("the first on the wait-list is %s", got.Status)
			}
			if got := regByName(t, e, id, "Thérèse Lemieux"); got.WaitlistPosition != 1 {
				t.Errorf("Thérèse is now at %d", got.WaitlistPosition)
			}
			expectContains(t, c.get(base), "Inscriptions annulées (1)")
		})

		t.Run("in English too", func(t *testing.T) {
			en := e.client(t)
			en.lang = "en"
			en.signIn("anim@exemple.org")
			expectContains(t, en.get(base), "Needs at a glance", "4 people confirmed", "Manseau: 2 need a ride<",
				"Wait-list, position 1", `<span lang="fr">Réjean Tremblay</span>: <span lang="fr">Sans gluten</span>`, ">Full<")
			expectContains(t, en.get(base+"/accueil"), "0 people present", "out of 4 expected", "Search for a name")
			expectContains(t, en.get("/admin/evenements"), "0 dinners held out of 18", "Still without a dinner:")
		})

		t.Run("exports CSV and XLSX", func(t *testing.T) {
			r := c.get(base + "/inscriptions.csv")
			expectStatus(t, r, 200)
			if !strings.HasPrefix(r.body, "\ufeffNom;Courriel;Téléphone;Nombre de personnes;État") {
				t.Errorf("CSV starts with %q", r.body[:min(80, len(r.body))])
			}
			expectContains(t, r, "Réjean Tremblay;rejean@exemple.org;;2;Confirmée;;Sans gluten;;A besoin d’un transport;Manseau;Non;Site Web",
				"Thérèse Lemieux;;819 555-0199;1;Liste d’attente;1;", "Marc-André Bélanger")
			if strings.Contains(r.body, "Gisèle") {
				t.Error("a withdrawn registration is in the export")
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="souper-citoyen-a-manseau-28-novembre-inscriptions.csv"`) {
				t.Errorf("Content-Disposition = %q", cd)
			}
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q", cc)
			}
			en := e.client(t)
			en.lang = "en"
			en.signIn("anim@exemple.org")
			if r := en.get(base + "/inscriptions.csv"); !strings.HasPrefix(r.body, "\ufeffName,E-mail,Phone") {
				t.Errorf("English CSV starts with %q", r.body[:min(40, len(r.body))])
			}

			r = c.get(base + "/inscriptions.xlsx")
			expectStatus(t, r, 200)
			z, err := zip.NewReader(bytes.NewReader([]byte(r.body)), int64(len(r.body)))
			if err != nil {
				t.Fatalf("XLSX is not a zip: %v", err)
			}
			found := false
			for _, f := range z.File {
				found = found || f.Name == "xl/workbook.xml"
			}
			if !found {
				t.Error("no workbook in the XLSX")
			}
			if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
				t.Errorf("XLSX content type %q", ct)
			}
		})

		t.Run("prints the attendance sheet and name tags", func(t *testing.T) {
			for _, p := range []string{"/feuille-de-presence.pdf", "/cocardes.pdf"} {
				r := c.get(base + p)
				expectStatus(t, r, 200)
				if !strings.HasPrefix(r.body, "%PDF") || r.Header.Get("Content-Type") != "application/pdf" {
					t.Errorf("%s: %q, %q", p, r.Header.Get("Content-Type"), r.body[:min(8, len(r.body))])
				}
				if dir := os.Getenv("IMPLIQUE_SCREENSHOTS"); dir != "" {
					// For people to look at, as the screenshots.
					_ = os.MkdirAll(dir, 0o755)
					_ = os.WriteFile(filepath.Join(dir, "staff"+strings.ReplaceAll(p, "/", "-")), []byte(r.body), 0o644)
				}
			}
		})

		t.Run("checks people in at the door", func(t *testing.T) {
			clock.Set(time.Date(2026, 11, 28, 17, 10, 0, 0, loc))
			r := c.get(base + "/accueil?q=rejean")
			expectStatus(t, r, 200)
			expectContains(t, r, "Réjean Tremblay", "0\u00a0personne présente", "sur 4 attendues", "1\u00a0résultat")
			if strings.Contains(r.body, "Lucie Boisvert") {
				t.Error("the search did not filter")
			}
			expectContains(t, c.get(base+"/accueil?q=BOISV"), "Lucie Boisvert")
			expectContains(t, c.get(base+"/accueil?q=marc+andre"), "Marc-André Bélanger")

			rej := regByName(t, e, id, "Réjean Tremblay")
			r = c.post(base+"/accueil/"+itoa(rej.ID), url.Values{"present": {"1"}, "q": {"rejean"}})
			expectStatus(t, r, 303)
			if loc := r.Header.Get("Location"); loc != base+"/accueil?q=rejean#r"+itoa(rej.ID) {
				t.Errorf("back to %q", loc)
			}
			r = c.follow(r)
			expectContains(t, r, "2\u00a0personnes présentes", "Présence notée à 17\u00a0h\u00a010", "Annuler la présence")
			expectStatus(t, c.post(base+"/accueil/"+itoa(rej.ID), url.Values{"present": {"0"}}), 303)
			if regByName(t, e, id, "Réjean Tremblay").CheckedInAt != nil {
				t.Error("undo did not undo")
			}
			expectStatus(t, c.post(base+"/accueil/"+itoa(rej.ID), url.Values{"present": {"1"}}), 303)
		})

		t.Run("adds a walk-in", func(t *testing.T) {
			r := c.post(base+"/accueil", url.Values{"walkin_name": {""}, "walkin_party": {"1"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Ce champ est obligatoire.", `id="walkin_name-err"`)
			r = c.post(base+"/accueil", url.Values{"walkin_name": {"Yvon Doucet"}, "walkin_party": {"1"}, "walkin_phone": {"819 555-0142"}})
			expectStatus(t, r, 303)
			yv := regByName(t, e, id, "Yvon Doucet")
			if yv.Source != events.SourceWalkIn || yv.CheckedInAt == nil || yv.Status != events.Confirmed {
				t.Errorf("walk-in = %+v", yv)
			}
			if loc := r.Header.Get("Location"); loc != base+"/accueil#r"+itoa(yv.ID) {
				t.Errorf("back to %q", loc)
			}
			expectContains(t, c.follow(r), "3\u00a0personnes présentes", "sur 5 attendues")
			// Someone of the wait-list added again at the door: given a seat and marked present, not counted twice.
			r = c.post(base+"/accueil", url.Values{"walkin_name": {"Thérèse"}, "walkin_party": {"1"}, "walkin_phone": {"819-555-0199"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "était déjà inscrite", "4\u00a0personnes présentes", "sur 6 attendues")
			if th := regByName(t, e, id, "Thérèse Lemieux"); th.Status != events.Confirmed || th.CheckedInAt == nil {
				t.Errorf("Thérèse = %s, checked in %v", th.Status, th.CheckedInAt)
			}
		})

		t.Run("a walk-in needs no phone", func(t *testing.T) {
			r := c.post(base+"/accueil", url.Values{"walkin_name": {"Madeleine Roy"}, "walkin_party": {"1"}})
			expectStatus(t, r, 303)
			if reg := regByName(t, e, id, "Madeleine Roy"); reg.CheckedInAt == nil {
				t.Error("the walk-in is not marked present")
			}
			if err := e.events.CancelForStaff(ctx, e.territory.ID, regByName(t, e, id, "Madeleine Roy").ID); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("closes the event", func(t *testing.T) {
			clock.Set(time.Date(2026, 11, 28, 16, 0, 0, 0, loc))
			r := c.post(base+"/cloture", url.Values{"attendance": {""}})
			expectStatus(t, r, 409)
			expectContains(t, r, "L’événement n’a pas encore commencé")
			clock.Set(time.Date(2026, 11, 28, 21, 0, 0, 0, loc))
			r = c.get(base + "/cloture")
			expectStatus(t, r, 200)
			expectContains(t, r, `name="attendance" type="number" autocomplete="off" inputmode="numeric" value="4"`, "2\u00a0inscriptions sans présence")
			r = c.post(base+"/cloture", url.Values{"attendance": {"trois"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Entrez un nombre de personnes présentes")
			r = c.post(base+"/cloture", url.Values{"attendance": {"4"}, "organizations": {"Municipalité de Manseau\nFADOQ"}, "notes": {"Belle soirée."}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "Tenu", "Bilan", `<strong class="st-big">4</strong>`, "FADOQ", "Belle soirée.")
			ev, _ := e.events.Get(ctx, e.territory.ID, id)
			if ev.HeldAt == nil || *ev.Attendance != 4 || *ev.NoShows != 2 {
				t.Errorf("closed event: held %v, attendance %v, no-shows %v", ev.HeldAt, ev.Attendance, ev.NoShows)
			}
		})

		t.Run("the progress counts it", func(t *testing.T) {
			r := c.get("/admin/evenements")
			expectContains(t, r, "1\u00a0souper tenu sur 18", "Passés et annulés", "Souper citoyen à Manseau", "Tenu")
			without := r.body[strings.Index(r.body, "Toujours sans souper"):]
			without = without[:strings.Index(without, "</p>")]
			if strings.Contains(without, ">Manseau<") || !strings.Contains(without, ">Fortierville<") {
				t.Errorf("places without a souper: %s", without)
			}
		})

		t.Run("duplicates, unpublishes and cancels", func(t *testing.T) {
			r := c.post(base+"/dupliquer", nil)
			expectStatus(t, r, 303)
			if !strings.HasSuffix(r.Header.Get("Location"), "/modifier") {
				t.Fatalf("duplicate lands on %q", r.Header.Get("Location"))
			}
			copyID := createdID(t, r)
			copyBase := "/admin/evenements/" + itoa(copyID)
			expectContains(t, c.follow(r), `value="Souper citoyen à Manseau"`, "Voici la copie")
			f := dinnerForm()
			f.Set("date", "2026-12-12")
			expectStatus(t, c.post(copyBase, f), 303)
			expectStatus(t, c.post(copyBase+"/publier", url.Values{"when": {"now"}}), 303)
			expectStatus(t, c.post(copyBase+"/retirer", nil), 303)
			expectContains(t, c.get(copyBase), "Brouillon")
			r = c.post(copyBase+"/annuler", url.Values{"reason": {"Tempête"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Cochez la case pour confirmer.")
			expectStatus(t, c.post(copyBase+"/annuler", url.Values{"reason": {"Tempête"}, "cancel_confirm": {"1"}}), 303)
			expectContains(t, c.get(copyBase), "Annulé le 28\u00a0novembre 2026", "Raison\u00a0: Tempête")
			// A held event cannot be edited or cancelled.
			expectStatus(t, c.post(base+"/annuler", url.Values{"cancel_confirm": {"1"}}), 409)
			expectStatus(t, c.post(base, dinnerForm()), 409)
		})

		t.Run("unknown ids are 404", func(t *testing.T) {
			expectStatus(t, c.get("/admin/evenements/999999"), 404)
			expectStatus(t, c.get("/admin/evenements/abc"), 404)
			expectStatus(t, c.post(base+"/inscriptions/999999/statut", url.Values{"status": {"confirmed"}}), 404)
			expectStatus(t, c.post(base+"/accueil/999999", url.Values{"present": {"1"}}), 404)
		})

		t.Run("no personal data in the logs", func(t *testing.T) {
			for _, s := range []string{"Réjean", "rejean@exemple.org", "819 555-0199", "Yvon"} {
				if strings.Contains(e.logs.String(), s) {
					t.Errorf("the logs hold %q", s)
				}
			}
		})
	})
}

// staffURLs are every staff events URL of an event: GETs, then POSTs.
func staffURLs(id, reg int64) (gets, posts []string) {
	b := "/admin/evenements/" + itoa(id)
	r := itoa(reg)
	gets = []string{"/admin/evenements", "/admin/evenements/nouveau", b, b + "/modifier", b + "/inscriptions.csv",
		b + "/inscriptions.xlsx", b + "/feuille-de-presence.pdf", b + "/cocardes.pdf", b + "/accueil", b + "/cloture"}
	posts = []string{"/admin/evenements", b, b + "/publier", b + "/retirer", b + "/annuler", b + "/dupliquer",
		b + "/inscriptions", b + "/inscriptions/" + r + "/statut", b + "/inscriptions/" + r + "/annuler",
		b + "/accueil/" + r, b + "/accueil", b + "/cloture"}
	return gets, posts
}

func TestStaffEventsAreForStaff(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		ev := e.publishedEvent(t, 10)
		out, err := e.events.Register(ctx, e.territory.ID, ev.ID, events.RegistrationInput{Name: "Réjean", Email: "r@exemple.org", PartySize: 1}, events.SourceWeb)
		if err != nil {
			t.Fatal(err)
		}
		gets, posts := staffURLs(ev.ID, out.Registration.ID)
		form := url.Values{"confirm": {"1"}, "cancel_confirm": {"1"}, "status": {"waitlisted"}, "present": {"1"}, "when": {"now"}}

		for _, role := range []auth.Role{auth.RoleCitizen, auth.RoleCommunications, auth.RolePartner} {
			t.Run(string(role), func(t *testing.T) {
				email := string(role) + "@exemple.org"
				e.user(email, role)
				c := e.client(t)
				c.signIn(email)
				for _, u := range gets {
					if r := c.get(u); r.StatusCode != 403 {
						t.Errorf("GET %s: %d", u, r.StatusCode)
					}
				}
				for _, u := range posts {
					if r := c.post(u, form); r.StatusCode != 403 {
						t.Errorf("POST %s: %d", u, r.StatusCode)
					}
				}
				if strings.Contains(c.get("/admin").body, `href="/admin/evenements"`) {
					t.Error("the staff area offers the events")
				}
			})
		}
		t.Run("anonymous", func(t *testing.T) {
			c := e.client(t)
			for _, u := range gets {
				r := c.get(u)
				if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/connexion?retour=") {
					t.Errorf("GET %s: %d → %q", u, r.StatusCode, r.Header.Get("Location"))
				}
			}
			for _, u := range posts {
				if r := c.post(u, form); r.StatusCode != 303 {
					t.Errorf("POST %s: %d", u, r.StatusCode)
				}
			}
		})
		got, _ := e.events.Get(ctx, e.territory.ID, ev.ID)
		if got.CancelledAt != nil || got.PublishAt == nil {
			t.Error("a refused request changed the event")
		}
		if reg := regByName(t, e, ev.ID, "Réjean"); reg.Status != events.Confirmed || reg.CheckedInAt != nil {
			t.Errorf("a refused request changed the registration: %+v", reg)
		}

		t.Run("another territory's event is 404", func(t *testing.T) {
			ts := territory.NewStore(d)
			other, err := ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ts.ImportPlaces(ctx, other.ID, strings.NewReader("slug,name,kind\nnicolet,Nicolet,ville\n")); err != nil {
				t.Fatal(err)
			}
			start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
			far, err := e.events.Create(ctx, other.ID, 0, events.Input{Kind: events.Forum, Title: "Forum", PlaceSlug: "nicolet",
				VenueName: "Salle", StartsAt: start, EndsAt: start.Add(2 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			farOut, err := e.events.RegisterByStaff(ctx, other.ID, far.ID, events.RegistrationInput{Name: "Loin", Phone: "450 555-0100", PartySize: 1}, events.SourcePhone)
			if err != nil {
				t.Fatal(err)
			}
			e.user("admin@exemple.org", auth.RoleAdministrator)
			c := e.client(t)
			c.signIn("admin@exemple.org")
			gets, posts := staffURLs(far.ID, farOut.Registration.ID)
			for _, u := range gets[2:] {
				if r := c.get(u); r.StatusCode != 404 {
					t.Errorf("GET %s: %d", u, r.StatusCode)
				}
			}
			for _, u := range posts[1:] {
				if r := c.post(u, form); r.StatusCode != 404 {
					t.Errorf("POST %s: %d", u, r.StatusCode)
				}
			}
			// Nor may a registration of there be reached through an event of here.
			mine := "/admin/evenements/" + itoa(ev.ID) + "/inscriptions/" + itoa(farOut.Registration.ID)
			expectStatus(t, c.post(mine+"/annuler", form), 404)
			expectStatus(t, c.post("/admin/evenements/"+itoa(ev.ID)+"/accueil/"+itoa(farOut.Registration.ID), form), 404)
			if got, _ := e.events.Get(ctx, other.ID, far.ID); got.CancelledAt != nil || got.PublishAt != nil {
				t.Error("the other territory's event changed")
			}
			if strings.Contains(c.get("/admin/evenements").body, "Nicolet") {
				t.Error("the list shows another territory's event")
			}
		})
	})
}

func TestDinnerTargetSetting(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("admin@exemple.org", auth.RoleAdministrator)
		c := e.client(t)
		c.signIn("admin@exemple.org")
		r := c.get("/admin/territoire")
		expectContains(t, r, `id="dinner_target"`, `value="18"`)
		form := url.Values{"name": {"MRC de Bécancour"}, "time_zone": {"America/Toronto"}, "brand_color": {"#1b5e7a"}, "dinner_target": {"beaucoup"}}
		r = c.post("/admin/territoire", form)
		expectStatus(t, r, 422)
		expectContains(t, r, "Entrez une cible entre 1 et 500 soupers.", `value="beaucoup"`)
		form.Set("dinner_target", "20")
		expectStatus(t, c.post("/admin/territoire", form), 303)
		expectContains(t, c.get("/admin/evenements"), "0\u00a0souper tenu sur 20")
	})
}
