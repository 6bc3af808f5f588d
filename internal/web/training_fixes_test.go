package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/training"
)

// mailedMineLink is the token of the newest « Mes formations » link
// e-mailed to addr.
func (e *env) mailedMineLink(t *testing.T, addr string) string {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.To == addr {
			if m := mineLinkRe.FindStringSubmatch(it.Text); m != nil {
				return m[1]
			}
		}
	}
	t.Fatalf("no « Mes formations » link e-mailed to %s", addr)
	return ""
}

// TestTrainingMineNeedsProof: enrolling with another person's e-mail or
// phone shows a link that opens that new enrolment only — not the other
// person's trainings, certificate or withdrawal; the genuine owner (the
// link e-mailed to them, or signed in) still sees all of theirs.
func TestTrainingMineNeedsProof(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingWorld(t, d, "")
		e := w.e
		ctx, tid, ts := context.Background(), e.territory.ID, e.app.Training
		c := e.client(t)
		_, alice := w.enrol(c, person("Alice Bédard", "alice@exemple.org"))
		_, paul := w.enrol(c, url.Values{"name": {"Paul Hébert"}, "phone": {"819 555-0111"}, "ride": {"none"}})
		if alice == "" || paul == "" {
			t.Fatal("no private link")
		}
		aliceEn, _ := ts.ByToken(ctx, alice)
		paulEn, _ := ts.ByToken(ctx, paul)

		winter := w0cohort(t, e, w.program, "Hiver à Manseau", "", 2)
		if err := ts.SetStatus(ctx, tid, winter.ID, training.Open, ""); err != nil {
			t.Fatal(err)
		}
		enrolWinter := func(form url.Values) string {
			r := c.post(winter.Path()+"/inscription", form)
			expectStatus(t, r, 200)
			m := mineLinkRe.FindStringSubmatch(r.body)
			if m == nil {
				t.Fatal("no private link")
			}
			return m[1]
		}
		withEmail := enrolWinter(person("Mallory", "alice@exemple.org"))
		withPhone := enrolWinter(url.Values{"name": {"Mallory"}, "phone": {"(819) 555-0111"}, "ride": {"none"}})
		for _, tok := range []string{withEmail, withPhone} {
			r := c.get("/formations/mes-formations/" + tok)
			expectStatus(t, r, 200)
			expectContains(t, r, "Hiver à Manseau")
			if strings.Contains(r.body, "Automne à Bécancour") {
				t.Error("a link shown on screen opens another person's training")
			}
		}
		// Neither the withdrawal nor the certificate of the others.
		expectStatus(t, c.get("/formations/mes-formations/"+withEmail+"/retrait/"+id64(aliceEn.ID)), 404)
		expectStatus(t, c.post("/formations/mes-formations/"+withEmail+"/retrait/"+id64(aliceEn.ID), url.Values{}), 404)
		expectStatus(t, c.post("/formations/mes-formations/"+withPhone+"/retrait/"+id64(paulEn.ID), url.Values{}), 404)
		for _, id := range []int64{aliceEn.ID, paulEn.ID} {
			if got, _ := ts.Enrolment(ctx, tid, id); got.Status != training.Confirmed {
				t.Fatalf("%s is %q after another's attempt", got.Name, got.Status)
			}
		}

		// The address proven: the e-mailed link, or the account signed in.
		mailed := e.mailedMineLink(t, "alice@exemple.org")
		r := c.get("/formations/mes-formations/" + mailed)
		expectStatus(t, r, 200)
		expectContains(t, r, "Hiver à Manseau", "Automne à Bécancour")
		e.user("alice@exemple.org", auth.RoleCitizen)
		signed := e.client(t)
		signed.signIn("alice@exemple.org")
		expectContains(t, signed.get("/formations/mes-formations/"+alice), "Hiver à Manseau", "Automne à Bécancour")

		// The certificate: the owner's e-mailed link gets it, the screen link of another does not.
		w.completeCohort(t, alice)
		expectStatus(t, c.get("/formations/mes-formations/"+withEmail+"/attestation/"+id64(aliceEn.ID)+".pdf"), 404)
		r = c.get("/formations/mes-formations/" + mailed + "/attestation/" + id64(aliceEn.ID) + ".pdf")
		expectStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.body, "%PDF") {
			t.Fatal("not a PDF")
		}
	})
}

// TestTrainingOrganizationLearnsNothing: a manager enrolling a member who
// enrolled on their own sees the same outcome as for a new enrolment, the
// person's own enrolment is left as it was, and the organisation's page
// lists only what it did, and says so.
func TestTrainingOrganizationLearnsNothing(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingWorld(t, d, "")
		e := w.e
		ctx, tid := context.Background(), e.territory.ID
		mgr := e.user("gestion@exemple.org", auth.RoleOrganizationManager)
		org, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Conseil municipal de Manseau", Kind: orgs.MunicipalCouncil,
			PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.orgs.AddManager(ctx, tid, org.ID, mgr.ID); err != nil {
			t.Fatal(err)
		}
		_, rita := w.enrol(e.client(t), person("Rita Tremblay", "rita@exemple.org"))
		ritaEn, err := e.app.Training.ByToken(ctx, rita)
		if err != nil {
			t.Fatal(err)
		}
		c := e.client(t)
		c.signIn("gestion@exemple.org")
		base := "/mes-organismes/" + id64(org.ID) + "/formations"
		form := url.Values{"cohort": {id64(w.cohort.ID)}, "consent": {"1"},
			"member0_name": {"Rita T."}, "member0_email": {"rita@exemple.org"},
			"member1_name": {"Guy Roy"}, "member1_email": {"guy@exemple.org"}}
		// Rita and Guy, then Rita alone again: the same answer each time.
		for range 2 {
			r := c.post(base, form)
			expectStatus(t, r, http.StatusSeeOther)
			r = c.follow(r)
			expectContains(t, r, "Les personnes sont inscrites.", "Guy Roy",
				"Cette liste montre seulement les personnes que votre organisme a inscrites.")
			if strings.Contains(r.body, "Rita") || strings.Contains(r.body, "déjà") {
				t.Fatal("the manager learns that Rita enrolled on her own")
			}
			form.Del("member1_name")
			form.Del("member1_email")
		}
		got, _ := e.app.Training.Enrolment(ctx, tid, ritaEn.ID)
		if got.OrganizationID != nil || got.Name != "Rita Tremblay" || got.Status != training.Confirmed {
			t.Fatalf("Rita's own enrolment changed: %+v", got)
		}
		if list, _ := e.app.Training.OfOrganization(ctx, tid, org.ID); len(list) != 1 {
			t.Fatalf("%d enrolments listed for the organisation, want 1", len(list))
		}
	})
}

// TestTrainingSessionRegistrationPage: the events' page of a learner's
// registration to one session says where the training is kept and
// refuses changes, with a link to the cohort.
func TestTrainingSessionRegistrationPage(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingWorld(t, d, "")
		e := w.e
		ctx, tid := context.Background(), e.territory.ID
		c := e.client(t)
		_, alice := w.enrol(c, person("Alice Bédard", "alice@exemple.org"))
		regs, err := e.events.Registrations(ctx, tid, w.cohort.Sessions[0].ID)
		if err != nil || len(regs) != 1 {
			t.Fatalf("registrations: %d, %v", len(regs), err)
		}
		var nonce string
		if err := d.QueryRow(ctx, `SELECT manage_nonce FROM registrations WHERE id = ?`, regs[0].ID).Scan(&nonce); err != nil {
			t.Fatal(err)
		}
		l := e.app.Auth.LinkSigner("registration_links", "registration")
		if err := l.Load(ctx); err != nil {
			t.Fatal(err)
		}
		tok, err := l.Token(nonce)
		if err != nil {
			t.Fatal(err)
		}
		page := "/inscription/" + tok
		r := c.get(page)
		expectStatus(t, r, 200)
		expectContains(t, r, "Une séance de votre formation", "Mes formations", `href="`+w.cohort.Path()+`"`)
		if strings.Contains(r.body, `action="`+page) {
			t.Error("the page offers to change one session of a training")
		}
		r = c.post(page, url.Values{"party_size": {"1"}, "ride": {"needs"}})
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "votre inscription ne se modifie pas ici", `href="`+w.cohort.Path()+`"`)
		r = c.post(page+"/annuler", url.Values{"confirm": {"1"}})
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "votre inscription ne se modifie pas ici")
		regs, _ = e.events.Registrations(ctx, tid, w.cohort.Sessions[0].ID)
		if len(regs) != 1 || regs[0].Status != "confirmed" || regs[0].Ride != "none" {
			t.Fatalf("the registration changed: %+v", regs)
		}
		en, _ := e.app.Training.ByToken(ctx, alice)
		if en.Status != training.Confirmed {
			t.Fatalf("Alice is %q", en.Status)
		}
		// The cohort's page, where the link leads, says where « Mes formations » is.
		expectContains(t, c.get(w.cohort.Path()), "Déjà inscrit·e\u202f? Vos présences")
		c.lang = "en"
		expectContains(t, c.get(page), "A session of your training program")
	})
}

// TestTrainingRidesForOrganizationsAndStaff: the organisation's form and
// staff's take the public form's needs, ride and place of departure,
// checked and stored the same way, and the sessions' registrations carry
// them for the carpooling.
func TestTrainingRidesForOrganizationsAndStaff(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingWorld(t, d, "")
		e := w.e
		ctx, tid, ts := context.Background(), e.territory.ID, e.app.Training
		mgr := e.user("gestion@exemple.org", auth.RoleOrganizationManager)
		org, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Conseil municipal de Manseau", Kind: orgs.MunicipalCouncil,
			PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.orgs.AddManager(ctx, tid, org.ID, mgr.ID); err != nil {
			t.Fatal(err)
		}
		c := e.client(t)
		c.signIn("gestion@exemple.org")
		base := "/mes-organismes/" + id64(org.ID) + "/formations"
		r := c.get(base)
		expectStatus(t, r, 200)
		expectContains(t, r, `name="member9_needs"`, `name="member9_ride"`, `name="member9_from_place"`, "A besoin d’un transport",
			`<option value="manseau"`)

		form := url.Values{"cohort": {id64(w.cohort.ID)}, "consent": {"1"},
			"member0_name": {"Marie Lemieux"}, "member0_email": {"marie@exemple.org"}, "member0_needs": {"Rampe d’accès"},
			"member0_ride": {"needs"}, "member0_from_place": {"manseau"},
			"member2_name": {"Paul Hébert"}, "member2_phone": {"819 555-0111"}, "member2_ride": {"en-fusée"},
			"member2_from_place": {"nulle-part"}}
		r = c.post(base, form)
		expectStatus(t, r, 422)
		expectContains(t, r, `id="member2_ride-err"`, `id="member2_from_place-err"`, "Rampe d’accès")
		if list, _ := ts.OfOrganization(ctx, tid, org.ID); len(list) != 0 {
			t.Fatalf("%d enrolments written by a refused form", len(list))
		}
		form.Set("member2_ride", "offers")
		form.Set("member2_from_place", "becancour")
		expectStatus(t, c.post(base, form), http.StatusSeeOther)
		list, err := ts.OfOrganization(ctx, tid, org.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("%d enrolments, %v", len(list), err)
		}
		got := map[string]training.Enrolment{}
		for _, en := range list {
			got[en.Name] = en
		}
		if m := got["Marie Lemieux"]; m.Needs != "Rampe d’accès" || m.Ride != "needs" || m.FromPlaceName != "Manseau" {
			t.Errorf("Marie: needs %q, ride %q, from %q", m.Needs, m.Ride, m.FromPlaceName)
		}
		if p := got["Paul Hébert"]; p.Ride != "offers" || p.FromPlaceName != "Bécancour" {
			t.Errorf("Paul: ride %q, from %q", p.Ride, p.FromPlaceName)
		}
		regs, err := e.events.Registrations(ctx, tid, w.cohort.Sessions[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		rides := map[string]string{}
		for _, reg := range regs {
			rides[reg.Name] = reg.Ride + " " + reg.Accessibility
		}
		if rides["Marie Lemieux"] != "needs Rampe d’accès" || rides["Paul Hébert"] != "offers " {
			t.Errorf("the sessions' registrations: %q", rides)
		}

		// Staff.
		e.user("formation@exemple.org", auth.RoleFacilitator)
		staff := e.as(t, e.session(t, "formation@exemple.org"))
		cpath := "/admin/formations/cohortes/" + id64(w.cohort.ID)
		r = staff.get(cpath)
		expectStatus(t, r, 200)
		expectContains(t, r, `name="learner_ride"`, `name="learner_from_place"`)
		bad := url.Values{"learner_name": {"Rosalie Tremblay"}, "learner_phone": {"819-555-0142"}, "learner_lang": {"fr"},
			"learner_ride": {"en-fusée"}, "learner_from_place": {"nulle-part"}}
		r = staff.post(cpath+"/inscriptions", bad)
		expectStatus(t, r, 422)
		expectContains(t, r, `id="learner_ride-err"`, `id="learner_from_place-err"`, `value="Rosalie Tremblay"`)
		bad.Set("learner_ride", "needs")
		bad.Set("learner_from_place", "manseau")
		expectStatus(t, staff.post(cpath+"/inscriptions", bad), http.StatusSeeOther)
		all, _ := ts.Enrolments(ctx, tid, w.cohort.ID)
		found := false
		for _, en := range all {
			if en.Name == "Rosalie Tremblay" {
				found = en.Ride == "needs" && en.FromPlaceName == "Manseau"
			}
		}
		if !found {
			t.Error("staff's enrolment lost the ride or the place")
		}
	})
}
