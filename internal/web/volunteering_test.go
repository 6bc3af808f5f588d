package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

// volWorld is a territory with two organisations, each with a manager, and
// a few opportunities.
type volWorld struct {
	*env
	popote, club         orgs.Organization
	cook, soccer, remote volunteering.Opportunity
}

func newVolWorld(t *testing.T, d *db.DB) *volWorld {
	t.Helper()
	e := newEnv(t, d)
	ctx := context.Background()
	w := &volWorld{env: e}
	var err error
	if w.popote, err = e.orgs.Create(ctx, e.territory.ID, 0, orgs.Input{Name: "Popote roulante de Gentilly", Kind: orgs.Nonprofit,
		ContactEmail: "popote@exemple.org", Public: true}); err != nil {
		t.Fatal(err)
	}
	if w.club, err = e.orgs.Create(ctx, e.territory.ID, 0, orgs.Input{Name: "Club de soccer de Fortierville", Kind: orgs.Nonprofit, Public: true}); err != nil {
		t.Fatal(err)
	}
	for email, org := range map[string]int64{"diane@exemple.org": w.popote.ID, "coach@exemple.org": w.club.ID} {
		u := e.user(email, auth.RoleOrganizationManager)
		if err := e.orgs.AddManager(ctx, e.territory.ID, org, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(in volunteering.Input) volunteering.Opportunity {
		if in.Kind == "" {
			in.Kind = volunteering.Task
		}
		o, err := e.vol.CreateOpportunity(ctx, e.territory.ID, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	w.cook = mk(volunteering.Input{OrganizationID: w.popote.ID, Title: "Cuisiner pour la popote roulante", Schedule: volunteering.Recurring,
		Slots: volunteering.Slot(time.Tuesday, volunteering.Morning), PlaceSlug: "becancour-gentilly", Causes: []string{"food", "seniors"},
		Skills: []string{"cooking"}, ContactEmail: "popote@exemple.org", JebenevoleURL: "https://www.jebenevole.ca/offre/123"})
	w.soccer = mk(volunteering.Input{OrganizationID: w.club.ID, Title: "Entraîner les 8-10 ans", Schedule: volunteering.Recurring,
		Slots: volunteering.Slot(time.Wednesday, volunteering.Evening), PlaceSlug: "fortierville", Causes: []string{"youth", "sports_recreation"},
		MinAge: testkit.Ptr(16)})
	w.remote = mk(volunteering.Input{OrganizationID: w.popote.ID, Title: "Appels d’amitié", Schedule: volunteering.Flexible, Remote: true,
		Causes: []string{"seniors"}})
	return w
}

var confirmLinkRe = regexp.MustCompile(`/s-impliquer/confirmer\?candidature=\d+&jeton=[A-Za-z0-9_-]+`)

func TestVolunteeringForCitizens(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newVolWorld(t, d)
		c := w.client(t)

		t.Run("quick match without an account, explained", func(t *testing.T) {
			r := c.get("/s-impliquer?lieu=becancour-gentilly&cause=food&quand=jour")
			expectStatus(t, r, 200)
			expectContains(t, r, "Pour vous, d’après vos réponses", "Cuisiner pour la popote roulante",
				"à Gentilly, chez vous, le mardi matin, correspond à\u00a0: alimentation", "Créer mon profil")
			r = c.get("/s-impliquer?tout=1&lieu=fortierville")
			expectStatus(t, r, 200)
			expectContains(t, r, "Entraîner les 8-10 ans", "Appels d’amitié")
			if strings.Contains(r.body, "Cuisiner pour la popote") {
				t.Error("Gentilly's opportunity listed under Fortierville")
			}
			expectStatus(t, c.get("/s-impliquer?lieu=montreal"), 404)
		})

		t.Run("opportunity page, and the counted link to jebénévole.ca", func(t *testing.T) {
			r := c.get("/s-impliquer/offres/" + w.cook.Slug + "?lieu=becancour-gentilly&cause=food")
			expectStatus(t, r, 200)
			expectContains(t, r, "Pourquoi cette offre vous correspond", "Je suis intéressé·e", `/s-impliquer/offres/`+w.cook.Slug+`/jebenevole`)
			r = c.get("/s-impliquer/offres/" + w.cook.Slug + "/jebenevole")
			expectStatus(t, r, http.StatusFound)
			if got := r.Header.Get("Location"); got != "https://www.jebenevole.ca/offre/123" {
				t.Errorf("goes to %q", got)
			}
			links, _ := w.tracking.List(context.Background(), w.territory.ID)
			if len(links) != 1 || links[0].Clicks != 1 || links[0].Campaign != "fiche-offre" || links[0].PlaceName != "Gentilly" {
				t.Errorf("links %+v", links)
			}
			expectStatus(t, c.get("/s-impliquer/offres/inconnue"), 404)
		})

		t.Run("apply without an account: bad input stores nothing", func(t *testing.T) {
			r := c.post("/s-impliquer/offres/"+w.cook.Slug+"/interet", url.Values{"name": {"Lise"}, "email": {"pas-un-courriel"}})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			expectContains(t, r, "adresse courriel valide")
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_applications`); n != 0 {
				t.Errorf("%d applications", n)
			}
			if _, err := w.auth.UserByEmail(context.Background(), "pas-un-courriel"); err == nil {
				t.Error("an account was made from bad input")
			}
		})

		var appID int64
		t.Run("apply without an account, confirm from the e-mail", func(t *testing.T) {
			r := c.post("/s-impliquer/offres/"+w.cook.Slug+"/interet", url.Values{"name": {"Lise Hamel"}, "email": {"Lise@Exemple.org"},
				"message": {"Libre le mardi"}})
			expectStatus(t, r, http.StatusSeeOther)
			r = c.follow(r)
			expectContains(t, r, "Vérifiez vos courriels")
			// The organisation hears nothing yet.
			items, _ := w.outbox.List(context.Background(), w.territory.ID, 10)
			if len(items) != 1 || items[0].To != "lise@exemple.org" {
				t.Fatalf("outbox %+v", items)
			}
			link := confirmLinkRe.FindString(items[0].Text)
			if link == "" {
				t.Fatalf("no confirmation link in %q", items[0].Text)
			}
			land := c.get(link)
			expectStatus(t, land, 200)
			expectContains(t, land, "Cuisiner pour la popote roulante", "Oui, je confirme")
			u, _ := url.Parse(link)
			appID, _ = strconv.ParseInt(u.Query().Get("candidature"), 10, 64)
			r = c.post("/s-impliquer/confirmer", url.Values{"jeton": {u.Query().Get("jeton")}, "candidature": {u.Query().Get("candidature")}})
			expectStatus(t, r, http.StatusSeeOther)
			r = c.follow(r)
			expectContains(t, r, "Mon bénévolat", "Cuisiner pour la popote roulante", "Envoyée, en attente de réponse")
			items, _ = w.outbox.List(context.Background(), w.territory.ID, 1)
			if items[0].To != "popote@exemple.org" || !strings.Contains(items[0].Text, "Lise Hamel") {
				t.Errorf("organisation told: %+v", items[0])
			}
			// The link is single-use.
			r = c.post("/s-impliquer/confirmer", url.Values{"jeton": {u.Query().Get("jeton")}, "candidature": {u.Query().Get("candidature")}})
			if r.StatusCode == http.StatusSeeOther {
				t.Error("the confirmation link worked twice")
			}
		})

		t.Run("profile: private, saved, used for matching", func(t *testing.T) {
			expectStatus(t, c.get("/s-impliquer/profil"), 200)
			r := c.post("/s-impliquer/profil", url.Values{"place": {"montreal"}, "max_km": {"beaucoup"}})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			r = c.post("/s-impliquer/profil", url.Values{"place": {"becancour-gentilly"}, "cause": {"seniors"}, "skill": {"cooking"},
				"slot": {"2-0", "4-0"}, "max_km": {"15"}, "mobility": {"car"}, "age_band": {"65_74"}, "digest": {"1"}})
			expectStatus(t, r, http.StatusSeeOther)
			r = c.follow(r)
			expectContains(t, r, "Pour vous, d’après votre profil", "Appels d’amitié")
			u, _ := w.auth.UserByEmail(context.Background(), "lise@exemple.org")
			p, _ := w.vol.Profile(context.Background(), w.territory.ID, u.ID)
			if !p.Digest || p.DigestConsentAt == nil || p.Availability.SlotCount() != 2 {
				t.Errorf("profile %+v", p)
			}
			if strings.Contains(r.body, "Entraîner les 8-10 ans") {
				t.Error("soccer in Fortierville offered beyond 15 km")
			}
		})

		t.Run("anonymous asks for a profile link: the usual sign-in link", func(t *testing.T) {
			anon := w.client(t)
			r := anon.post("/s-impliquer/profil/lien", url.Values{"email": {"nouveau@exemple.org"}, "retour": {"/s-impliquer/profil?lieu=manseau"}})
			expectStatus(t, r, http.StatusSeeOther)
			link := w.lastLink(t, "nouveau@exemple.org")
			if !strings.Contains(link, "/connexion/lien?jeton=") {
				t.Errorf("link %q", link)
			}
			items, _ := w.outbox.List(context.Background(), w.territory.ID, 1)
			if !strings.Contains(items[0].Text, "retour=%2Fs-impliquer%2Fprofil%3Flieu%3Dmanseau") {
				t.Errorf("the link does not come back to the profile: %q", items[0].Text)
			}
		})

		t.Run("withdraw one's own application only", func(t *testing.T) {
			other := w.client(t)
			w.user("autre@exemple.org", auth.RoleCitizen)
			other.signIn("autre@exemple.org")
			r := other.post("/s-impliquer/candidatures/"+strconv.FormatInt(appID, 10)+"/retirer", nil)
			expectStatus(t, r, 404)
			r = c.post("/s-impliquer/candidatures/"+strconv.FormatInt(appID, 10)+"/retirer", nil)
			expectStatus(t, r, http.StatusSeeOther)
			expectContains(t, c.follow(r), "Retirée")
		})

		t.Run("pages need an account", func(t *testing.T) {
			anon := w.client(t)
			for _, p := range []string{"/s-impliquer/mon-benevolat", "/s-impliquer/heures/declarer", "/s-impliquer/attestation.pdf"} {
				r := anon.get(p)
				if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/connexion") {
					t.Errorf("%s: %d %s", p, r.StatusCode, r.Header.Get("Location"))
				}
			}
		})
	})
}

func TestVolunteeringForOrganisations(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newVolWorld(t, d)
		ctx := context.Background()
		lise := w.user("lise@exemple.org", auth.RoleCitizen)
		a, _, err := w.vol.Apply(ctx, w.territory.ID, w.cook.ID, lise.ID, volunteering.ApplyInput{Message: "Libre le mardi"}, true)
		if err != nil {
			t.Fatal(err)
		}
		diane, coach, citizen, staff := w.client(t), w.client(t), w.client(t), w.client(t)
		diane.signIn("diane@exemple.org")
		coach.signIn("coach@exemple.org")
		citizen.signIn("lise@exemple.org")
		w.user("anim@exemple.org", auth.RoleFacilitator)
		staff.signIn("anim@exemple.org")
		oppPath := "/s-impliquer/gestion/offres/" + strconv.FormatInt(w.cook.ID, 10)

		t.Run("applicants are private to the organisation and staff", func(t *testing.T) {
			r := diane.get(oppPath)
			expectStatus(t, r, 200)
			expectContains(t, r, "Test lise@exemple.org", "mailto:lise@exemple.org", "Libre le mardi")
			expectStatus(t, coach.get(oppPath), 403)
			expectStatus(t, citizen.get(oppPath), 403)
			expectStatus(t, staff.get(oppPath), 200)
			r = w.client(t).get(oppPath)
			if r.StatusCode != http.StatusSeeOther {
				t.Errorf("anonymous: %d", r.StatusCode)
			}
			r = coach.post("/s-impliquer/gestion/candidatures/"+strconv.FormatInt(a.ID, 10), url.Values{"answer": {"accept"}})
			expectStatus(t, r, 403)
		})

		t.Run("a manager's dashboard lists their organisation only", func(t *testing.T) {
			r := diane.get("/s-impliquer/gestion")
			expectStatus(t, r, 200)
			expectContains(t, r, "Cuisiner pour la popote roulante")
			if strings.Contains(r.body, "Entraîner") {
				t.Error("another organisation's opportunity shows")
			}
			expectStatus(t, citizen.get("/s-impliquer/gestion"), 403)
		})

		t.Run("post an opportunity: for one's own organisation only", func(t *testing.T) {
			form := url.Values{"organization": {strconv.FormatInt(w.club.ID, 10)}, "title": {"Corvée"}, "kind": {"task"}, "schedule": {"flexible"},
				"place": {"becancour-gentilly"}}
			r := diane.post("/s-impliquer/gestion/offres", form)
			expectStatus(t, r, http.StatusUnprocessableEntity)
			expectContains(t, r, "Choisissez un organisme que vous gérez")
			date := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
			form = url.Values{"organization": {strconv.FormatInt(w.popote.ID, 10)}, "title": {"Épluchette de blé d’Inde"}, "kind": {"task"},
				"schedule": {"one_off"}, "date": {date}, "start_time": {"13:00"}, "end_time": {"16:30"}, "place": {"becancour-gentilly"},
				"cause": {"food"}, "spots": {"6"}, "jebenevole_url": {"https://exemple.org/pas-jebenevole"}}
			r = diane.post("/s-impliquer/gestion/offres", form)
			expectStatus(t, r, http.StatusUnprocessableEntity)
			expectContains(t, r, "jebenevole.ca")
			form.Set("jebenevole_url", "")
			r = diane.post("/s-impliquer/gestion/offres", form)
			expectStatus(t, r, http.StatusSeeOther)
			expectContains(t, diane.follow(r), "Épluchette de blé d’Inde", "Votre offre est publiée")
			expectContains(t, w.client(t).get("/s-impliquer?tout=1"), "Épluchette de blé d’Inde")
		})

		t.Run("answer: decline needs a kind word, accept tells the person", func(t *testing.T) {
			path := "/s-impliquer/gestion/candidatures/" + strconv.FormatInt(a.ID, 10)
			r := diane.post(path, url.Values{"answer": {"decline"}, "reply": {" "}})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			r = diane.post(path, url.Values{"answer": {"accept"}})
			expectStatus(t, r, http.StatusSeeOther)
			items, _ := w.outbox.List(ctx, w.territory.ID, 1)
			if items[0].To != "lise@exemple.org" || !strings.Contains(items[0].Subject, "Bonne nouvelle") {
				t.Errorf("acceptance e-mail %+v", items[0])
			}
			expectContains(t, citizen.get("/s-impliquer/mon-benevolat"), "Acceptée")
		})

		var hoursID int64
		t.Run("hours: bad input gives clear messages and stores nothing", func(t *testing.T) {
			_, theirOrg, theirOpp := otherTerritoryOpportunity(t, w)
			tomorrow := time.Now().AddDate(0, 0, 2).Format("2006-01-02")
			yesterday := time.Now().AddDate(0, 0, -1).Format("2006-01-02")
			pop := strconv.FormatInt(w.popote.ID, 10)
			for _, c := range []struct {
				form url.Values
				want string
			}{
				{url.Values{"organization": {pop}, "day": {yesterday}, "hours": {"-2"}, "activity": {"Cuisine"}}, "plus grand que zéro"},
				{url.Values{"organization": {pop}, "day": {yesterday}, "hours": {"26"}, "activity": {"Cuisine"}}, "24\u00a0heures au plus"},
				{url.Values{"organization": {pop}, "day": {tomorrow}, "hours": {"2"}, "activity": {"Cuisine"}}, "cette date est à venir"},
				{url.Values{"organization": {pop}, "opportunity": {strconv.FormatInt(theirOpp.ID, 10)}, "day": {yesterday}, "hours": {"2"}, "activity": {"Cuisine"}},
					"Cette offre n’existe pas dans ce territoire"},
				{url.Values{"organization": {strconv.FormatInt(theirOrg.ID, 10)}, "day": {yesterday}, "hours": {"2"}, "activity": {"Cuisine"}},
					"ne fait pas partie du territoire"},
			} {
				r := citizen.post("/s-impliquer/heures", c.form)
				expectStatus(t, r, http.StatusUnprocessableEntity)
				expectContains(t, r, c.want)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_hours`); n != 0 {
				t.Fatalf("%d declarations stored", n)
			}
			r := citizen.post("/s-impliquer/heures", url.Values{"organization": {pop}, "opportunity": {strconv.FormatInt(w.cook.ID, 10)},
				"day": {yesterday}, "hours": {"2,5"}, "activity": {"Cuisine du mardi"}})
			expectStatus(t, r, http.StatusSeeOther)
			sum, _ := w.vol.HoursOf(ctx, w.territory.ID, lise.ID)
			if len(sum.Entries) != 1 || sum.Entries[0].Minutes != 150 {
				t.Fatalf("hours %+v", sum)
			}
			hoursID = sum.Entries[0].ID
		})

		t.Run("hours: confirmed by the organisation only", func(t *testing.T) {
			path := "/s-impliquer/gestion/heures/" + strconv.FormatInt(hoursID, 10)
			expectStatus(t, coach.post(path, url.Values{"review": {"confirm"}}), 403)
			expectStatus(t, citizen.post(path, url.Values{"review": {"confirm"}}), 403)
			r := diane.get("/s-impliquer/gestion/heures")
			expectStatus(t, r, 200)
			expectContains(t, r, "Cuisine du mardi", "2,5\u00a0h")
			r = diane.post(path, url.Values{"review": {"correct"}, "hours": {"30"}})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			expectContains(t, r, "24\u00a0heures au plus")
			r = diane.post(path, url.Values{"review": {"correct"}, "hours": {"3"}, "note": {"Fini plus tard"}})
			expectStatus(t, r, http.StatusSeeOther)
			r = citizen.get("/s-impliquer/mon-benevolat")
			expectContains(t, r, "3\u00a0h confirmées", "Première activité", "Fini plus tard")
		})

		t.Run("certificate and verification", func(t *testing.T) {
			// Without a name on the account, the certificate asks for one.
			if err := w.auth.UpdateProfile(ctx, lise.ID, "", "fr"); err != nil {
				t.Fatal(err)
			}
			r := citizen.get("/s-impliquer/attestation.pdf")
			expectStatus(t, r, http.StatusUnprocessableEntity)
			expectContains(t, r, "Ajoutez votre nom")
			if err := w.auth.UpdateProfile(ctx, lise.ID, "Lise Hamel", "fr"); err != nil {
				t.Fatal(err)
			}
			r = citizen.get("/s-impliquer/attestation.pdf?annee=" + strconv.Itoa(time.Now().AddDate(0, 0, -1).Year()))
			expectStatus(t, r, 200)
			if r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF") {
				t.Fatalf("not a PDF: %q", r.Header.Get("Content-Type"))
			}
			var code string
			if err := d.QueryRow(ctx, `SELECT code FROM volunteer_certificates`).Scan(&code); err != nil {
				t.Fatal(err)
			}
			r = w.client(t).get("/s-impliquer/verification?code=" + url.QueryEscape(code))
			expectStatus(t, r, 200)
			expectContains(t, r, "Attestation authentique", "Lise Hamel", "3\u00a0h")
			expectStatus(t, w.client(t).get("/s-impliquer/verification?code=AAAA-BBBB-CCCC"), 404)
			// A school attestation for a student's school year.
			sy := volunteering.SchoolYearOf(calendar.DateOf(time.Now().AddDate(0, 0, -1))).String()
			r = citizen.get("/s-impliquer/attestation-scolaire.pdf?annee=" + sy)
			expectStatus(t, r, 200)
			expectStatus(t, citizen.get("/s-impliquer/attestation-scolaire.pdf?annee=2025"), 422)
		})

		t.Run("an erased volunteer's confirmed hours stay, without a name", func(t *testing.T) {
			if _, err := w.app.Privacy.Erase(ctx, privacy.NewSubject(w.territory.ID, lise.ID, []string{"lise@exemple.org"}, nil), 0); err != nil {
				t.Fatal(err)
			}
			r := diane.get("/s-impliquer/gestion/heures")
			expectStatus(t, r, 200)
			expectContains(t, r, "Personne effacée à sa demande", "3\u00a0h")
			for _, s := range []string{"Lise Hamel", "lise@exemple.org", "Cuisine du mardi"} {
				if strings.Contains(r.body, s) {
					t.Errorf("the hours page still shows %q", s)
				}
			}
		})
	})
}

// otherTerritoryOpportunity makes a second territory with an organisation
// and an opportunity.
func otherTerritoryOpportunity(t *testing.T, w *volWorld) (int64, orgs.Organization, volunteering.Opportunity) {
	t.Helper()
	ctx := context.Background()
	ts := territory.NewStore(w.d)
	other, err := ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := w.orgs.Create(ctx, other.ID, 0, orgs.Input{Name: "Centre d’action bénévole du Lac-Saint-Pierre", Kind: orgs.Nonprofit})
	if err != nil {
		t.Fatal(err)
	}
	opp, err := w.vol.CreateOpportunity(ctx, other.ID, 0, volunteering.Input{OrganizationID: o.ID, Title: "Aide aux devoirs",
		Kind: volunteering.Task, Schedule: volunteering.Flexible, Remote: true})
	if err != nil {
		t.Fatal(err)
	}
	return other.ID, o, opp
}

func TestVolunteeringForStaff(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newVolWorld(t, d)
		staff, comms, manager := w.client(t), w.client(t), w.client(t)
		w.user("anim@exemple.org", auth.RoleFacilitator)
		w.user("comm@exemple.org", auth.RoleCommunications)
		staff.signIn("anim@exemple.org")
		comms.signIn("comm@exemple.org")
		manager.signIn("diane@exemple.org")

		for _, p := range []string{"/admin/benevolat", "/admin/benevolat/reconnaissance", "/admin/benevolat/entreprises", "/admin/benevolat/parametres"} {
			expectStatus(t, staff.get(p), 200)
			expectStatus(t, comms.get(p), 403)
			expectStatus(t, manager.get(p), 403)
		}
		r := staff.get("/admin/benevolat")
		expectContains(t, r, "Offre et demande", "Gentilly", "Valeur de l’heure\u00a0: non définie")
		expectContains(t, staff.get("/admin"), `href="/admin/benevolat"`, `href="/admin/liens-suivis"`)

		t.Run("hour value", func(t *testing.T) {
			r := staff.post("/admin/benevolat/parametres", url.Values{"hour_value": {"beaucoup"}})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			r = staff.post("/admin/benevolat/parametres", url.Values{"hour_value": {"27,50"}})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			expectContains(t, r, "d’où vient ce montant")
			r = staff.post("/admin/benevolat/parametres", url.Values{"hour_value": {"27,50"}, "hour_value_source": {"Conseil d’administration, 2026"}})
			expectStatus(t, r, http.StatusSeeOther)
			expectContains(t, staff.follow(r), "à 27,50\u00a0$ l’heure")
		})

		t.Run("tracked links: made by communications, counted without personal data", func(t *testing.T) {
			expectStatus(t, comms.get("/admin/liens-suivis"), 200)
			expectStatus(t, manager.get("/admin/liens-suivis"), 403)
			r := comms.post("/admin/liens-suivis", url.Values{"target": {"ftp://x"}, "campaign": {""}})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			r = comms.post("/admin/liens-suivis", url.Values{"target": {"https://www.jebenevole.ca/"}, "campaign": {"Semaine de l’action bénévole"},
				"place": {"manseau"}})
			expectStatus(t, r, http.StatusSeeOther)
			links, _ := w.tracking.List(context.Background(), w.territory.ID)
			if len(links) != 1 {
				t.Fatalf("links %+v", links)
			}
			visitor := w.client(t)
			req, _ := http.NewRequest("GET", w.srv.URL+"/l/"+links[0].Code, nil)
			req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 10)")
			res := visitor.do(req)
			expectStatus(t, res, http.StatusFound)
			if res.Header.Get("Location") != "https://www.jebenevole.ca/" || len(res.Header.Values("Set-Cookie")) != 0 {
				t.Errorf("redirect %q, cookies %v", res.Header.Get("Location"), res.Header.Values("Set-Cookie"))
			}
			req, _ = http.NewRequest("GET", w.srv.URL+"/l/"+links[0].Code, nil)
			req.Header.Set("User-Agent", "facebookexternalhit/1.1")
			visitor.do(req) // a preview robot: not a click
			expectStatus(t, w.client(t).get("/l/inconnu"), 404)
			r = comms.get("/admin/liens-suivis")
			expectContains(t, r, "1 clic vers jebénévole.ca", "semaine-de-l-action-benevole", "Manseau")
			if strings.Contains(w.logs.String(), links[0].Code) {
				t.Error("the logs hold a link's code")
			}
		})
	})
}

func TestOpportunitiesAPI(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newVolWorld(t, d)
		c := w.client(t)
		r := c.get("/api/v1/opportunities?place=becancour&cause=food")
		expectStatus(t, r, 200)
		var out struct {
			Opportunities []map[string]json.RawMessage `json:"opportunities"`
		}
		if err := json.Unmarshal([]byte(r.body), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Opportunities) != 1 {
			t.Fatalf("%d opportunities: %s", len(out.Opportunities), r.body)
		}
		o := out.Opportunities[0]
		var keys []string
		for k := range o {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		want := "id jebenevole_url kind organization place recurring remote slug spots starts_at title url"
		if strings.Join(keys, " ") != want {
			t.Errorf("fields %v, want %s", keys, want)
		}
		var org, place struct{ Slug, Name string }
		_ = json.Unmarshal(o["organization"], &org)
		_ = json.Unmarshal(o["place"], &place)
		if org.Name != "Popote roulante de Gentilly" || place.Slug != "becancour-gentilly" || string(o["recurring"]) != "true" ||
			string(o["starts_at"]) != "null" || !strings.Contains(string(o["jebenevole_url"]), "/jebenevole") {
			t.Errorf("opportunity %s", r.body)
		}
		// Remote opportunities count everywhere.
		r = c.get("/api/v1/opportunities?place=manseau")
		expectContains(t, r, "Appels d’amitié", `"place":null`, `"remote":true`)
		r = c.get("/api/v1/opportunities?place=paris&cause=cirque")
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, `"place"`, `"cause"`)
		r = c.get("/api/v1/openapi.json")
		expectContains(t, r, `"/api/v1/opportunities"`, `"Opportunity"`)
	})
}

func TestDigestUnsubscribeByLink(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newVolWorld(t, d)
		ctx := context.Background()
		lise := w.user("lise@exemple.org", auth.RoleCitizen)
		if _, err := w.vol.SaveProfile(ctx, w.territory.ID, lise.ID, volunteering.ProfileInput{PlaceSlug: "becancour-gentilly",
			Causes: []string{"food"}, Skills: []string{"cooking"}, Availability: volunteering.Slot(time.Tuesday, volunteering.Morning), Digest: true}); err != nil {
			t.Fatal(err)
		}
		if n, err := w.vol.SendDigests(ctx); err != nil || n != 1 {
			t.Fatalf("sent %d %v", n, err)
		}
		items, _ := w.outbox.List(ctx, w.territory.ID, 1)
		m := regexp.MustCompile(`/s-impliquer/desabonnement/[0-9]+\.[A-Za-z0-9_-]+`).FindString(items[0].Text)
		if m == "" {
			t.Fatalf("no unsubscribe link in %q", items[0].Text)
		}
		c := w.client(t)
		expectContains(t, c.get(m), "Me désabonner")
		if p, _ := w.vol.Profile(ctx, w.territory.ID, lise.ID); !p.Digest {
			t.Fatal("opening the link unsubscribed")
		}
		r := c.post(m, nil)
		expectStatus(t, r, 200)
		expectContains(t, r, "Vous êtes désabonné·e")
		if p, _ := w.vol.Profile(ctx, w.territory.ID, lise.ID); p.Digest {
			t.Error("still subscribed")
		}
		// One-click from a mail program (RFC 8058).
		req, _ := http.NewRequest("POST", w.srv.URL+m, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		expectStatus(t, c.do(req), 200)
		expectStatus(t, c.get("/s-impliquer/desabonnement/1.faux"), 404)
	})
}

// yesterday and inDays are days in the territory, as a date field wants them.
func (w *volWorld) yesterday() string { return w.inDays(-1) }

func (w *volWorld) inDays(n int) string {
	return time.Now().In(w.territory.Location()).AddDate(0, 0, n).Format("2006-01-02")
}
