package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/volunteering"
)

// TestManagerReachesOnlyTheirOrganization: the manager of one organisation
// tries every page they could reach with another organisation's numbers —
// its page, seats, people, policies' documents, volunteering applicants and
// hours, the staff pages and the import — and is refused, with nothing
// changed. A holder they type with someone else's e-mail and a phone is a
// record of their organisation: they see only what they typed, nothing of
// the other person, whose record stays as it was; staff see the possible
// match, compare, link, and the radar counts the person once.
func TestManagerReachesOnlyTheirOrganization(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.orgClock()
		ctx := context.Background()
		tid := e.territory.ID
		mgr := e.user("gestion@exemple.org", auth.RoleOrganizationManager)
		e.user("anim@exemple.org", auth.RoleFacilitator)
		citizen := e.user("benevole@exemple.org", auth.RoleCitizen)
		mine, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Club de l’âge d’or de Fortierville", Kind: orgs.Nonprofit,
			PlaceSlugs: []string{"fortierville"}, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Comité culturel de Gentilly", Kind: orgs.CitizenCommittee, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		council, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Conseil municipal de Lemieux", Kind: orgs.MunicipalCouncil})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.orgs.AddManager(ctx, tid, mine.ID, mgr.ID); err != nil {
			t.Fatal(err)
		}
		ownSeat, err := e.orgs.AddSeat(ctx, tid, mine.ID, orgs.SeatInput{Role: orgs.President, NewHolder: &orgs.PersonInput{Name: "Monique Rivard"}})
		if err != nil {
			t.Fatal(err)
		}
		// Lise, known to staff: three seats in two other organisations, an e-mail, no phone.
		lise := &orgs.PersonInput{Name: "Lise Noël", Email: "lise@exemple.org"}
		liseSeat, err := e.orgs.AddSeat(ctx, tid, theirs.ID, orgs.SeatInput{Role: orgs.President, NewHolder: lise, Reach: orgs.WholeTerritory})
		if err != nil {
			t.Fatal(err)
		}
		lid := *liseSeat.HolderID
		for _, in := range []struct {
			org int64
			in  orgs.SeatInput
		}{{theirs.ID, orgs.SeatInput{Role: orgs.Treasurer, HolderID: lid}},
			{council.ID, orgs.SeatInput{Role: orgs.Councillor, NewHolder: lise, Reach: orgs.WholeTerritory}}} {
			if _, err := e.orgs.AddSeat(ctx, tid, in.org, in.in); err != nil {
				t.Fatal(err)
			}
		}
		policy, err := e.orgs.RecordPolicy(ctx, tid, theirs.ID, orgs.PolicyInput{Kind: orgs.RecognitionPolicy, AdoptedOn: "2025-06-12",
			DocumentName: "politique.pdf", DocumentType: "application/pdf", Document: []byte("%PDF-1.4 secret")})
		if err != nil {
			t.Fatal(err)
		}
		opp, err := e.vol.CreateOpportunity(ctx, tid, 0, volunteering.Input{OrganizationID: theirs.ID, Title: "Accueil au festival",
			Kind: volunteering.Task, Schedule: volunteering.Flexible, Remote: true})
		if err != nil {
			t.Fatal(err)
		}
		app, _, err := e.vol.Apply(ctx, tid, opp.ID, citizen.ID, volunteering.ApplyInput{Message: "Disponible les fins de semaine"}, true)
		if err != nil {
			t.Fatal(err)
		}
		hours, err := e.vol.DeclareHours(ctx, tid, citizen.ID, volunteering.HoursInput{OrganizationID: theirs.ID, OpportunityID: opp.ID,
			Day: e.app.Clock.Now().AddDate(0, 0, -2).Format("2006-01-02"), Hours: "3", Activity: "Accueil"})
		if err != nil {
			t.Fatal(err)
		}
		im, err := e.orgs.PreviewImport(ctx, tid, 0, "liste.csv", []byte("Organisme;Poste;Titulaire\nComité culturel de Gentilly;Secrétariat;Paul Roy\n"))
		if err != nil {
			t.Fatal(err)
		}
		record := func(id int64) string {
			p, err := e.orgs.Person(ctx, tid, id)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%s|%s|%s|%v|%d|%v|%s", p.Name, p.Email, p.Phone, p.NamePublic, p.OrganizationID, p.SameAs, p.UpdatedAt)
		}
		seatsOf := func(orgID int64) string {
			list, err := e.orgs.Seats(ctx, tid, orgID)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, st := range list {
				fmt.Fprintf(&b, "%d %s %d %s %s %s %v;", st.ID, st.Title, holderID(st), st.HolderName, st.HolderPhone, st.TermEnd, st.UpdatedAt)
			}
			return b.String()
		}
		liseBefore, theirSeats := record(lid), seatsOf(theirs.ID)

		c := e.client(t)
		c.signIn("gestion@exemple.org")
		a, b := "/mes-organismes/"+itoa(mine.ID), "/mes-organismes/"+itoa(theirs.ID)
		bSeat, bPolicy := "/postes/"+itoa(liseSeat.ID), "/politiques/"+itoa(policy.ID)
		oppPath := "/s-impliquer/gestion/offres/" + itoa(opp.ID)
		person := "/admin/personnes/" + itoa(lid)
		seatForm := url.Values{"role": {"member"}, "holder": {"vacant"}}
		routes := []struct {
			method, path string
			form         url.Values
			want         int
		}{
			// Their organisation, by its number.
			{"GET", b, nil, 403}, {"GET", b + "/modifier", nil, 403},
			{"POST", b, url.Values{"name": {"Pris"}, "kind": {"nonprofit"}}, 403},
			{"POST", b + "/postes", seatForm, 403},
			{"GET", b + bSeat, nil, 403}, {"POST", b + bSeat, seatForm, 403},
			{"GET", b + bSeat + "/retirer", nil, 403}, {"POST", b + bSeat + "/retirer", nil, 403},
			{"POST", b + "/politiques", url.Values{"policy_kind": {"code_of_conduct"}, "adopted_on": {"2026-01-01"}}, 403},
			{"GET", b + bPolicy + "/document", nil, 403},
			{"GET", b + bPolicy + "/retirer", nil, 403}, {"POST", b + bPolicy + "/retirer", nil, 403},
			// Their seats and policies through one's own organisation.
			{"GET", a + bSeat, nil, 404}, {"POST", a + bSeat, seatForm, 404},
			{"GET", a + bSeat + "/retirer", nil, 404}, {"POST", a + bSeat + "/retirer", nil, 404},
			{"GET", a + bPolicy + "/document", nil, 404},
			{"GET", a + bPolicy + "/retirer", nil, 404}, {"POST", a + bPolicy + "/retirer", nil, 404},
			// Their person, picked by number on one's own seat forms.
			{"POST", a + "/postes", url.Values{"role": {"member"}, "holder": {itoa(lid)}}, 422},
			{"POST", a + "/postes/" + itoa(ownSeat.ID), url.Values{"role": {"president"}, "holder": {itoa(lid)}}, 422},
			// The staff pages of organisations and people.
			{"GET", "/admin/organismes/" + itoa(theirs.ID), nil, 403},
			{"POST", "/admin/organismes/" + itoa(theirs.ID) + "/postes", seatForm, 403},
			{"GET", "/admin/personnes", nil, 403}, {"GET", person, nil, 403},
			{"POST", person, url.Values{"name": {"Lise Noël"}, "phone": {"819 555-0000"}}, 403},
			{"GET", person + "/relier/" + itoa(*ownSeat.HolderID), nil, 403},
			{"POST", person + "/relier/" + itoa(*ownSeat.HolderID), nil, 403},
			{"POST", person + "/detacher", nil, 403},
			{"GET", "/admin/releve", nil, 403},
			// Their opportunity, its applicants, their volunteers' hours.
			{"GET", oppPath, nil, 403}, {"GET", oppPath + "/modifier", nil, 403},
			{"POST", oppPath, url.Values{"title": {"Pris"}, "kind": {"task"}, "schedule": {"flexible"}, "remote": {"1"}}, 403},
			{"POST", oppPath + "/statut", url.Values{"open": {"0"}}, 403},
			{"POST", "/s-impliquer/gestion/candidatures/" + itoa(app.ID), url.Values{"answer": {"accept"}}, 403},
			{"POST", "/s-impliquer/gestion/heures/" + itoa(hours.ID), url.Values{"review": {"confirm"}}, 403},
			{"POST", "/s-impliquer/gestion/offres", url.Values{"organization": {itoa(theirs.ID)}, "title": {"Pris"}, "kind": {"task"},
				"schedule": {"flexible"}, "remote": {"1"}}, 422},
			// The import.
			{"GET", "/admin/importer-organismes", nil, 403},
			{"POST", "/admin/importer-organismes", nil, 403},
			{"GET", "/admin/importer-organismes/" + itoa(im.ID), nil, 403},
			{"POST", "/admin/importer-organismes/" + itoa(im.ID) + "/confirmer", url.Values{"publish": {"1"}}, 403},
			{"GET", "/admin/importer-organismes/" + itoa(im.ID) + "/lignes-a-corriger.csv", nil, 403},
		}
		for _, rt := range routes {
			var r response
			if rt.method == "GET" {
				r = c.get(rt.path)
			} else {
				r = c.post(rt.path, rt.form)
			}
			if r.StatusCode != rt.want {
				t.Errorf("%s %s: status %d, want %d", rt.method, rt.path, r.StatusCode, rt.want)
			}
			for _, secret := range []string{"lise@exemple.org", "Disponible les fins de semaine", "%PDF-1.4 secret", "Paul Roy"} {
				if strings.Contains(r.body, secret) {
					t.Errorf("%s %s shows %q", rt.method, rt.path, secret)
				}
			}
		}
		// The pages they may open list their organisation only.
		for _, p := range []string{"/mes-organismes", a, "/s-impliquer/gestion", "/s-impliquer/gestion/heures",
			"/s-impliquer/gestion/nouvelle?organisme=" + theirs.Slug + "&poste=" + itoa(liseSeat.ID)} {
			r := c.get(p)
			expectStatus(t, r, 200)
			for _, secret := range []string{"Comité culturel de Gentilly", "Lise Noël", "Accueil au festival", "benevole@exemple.org"} {
				if strings.Contains(r.body, secret) {
					t.Errorf("GET %s shows %q", p, secret)
				}
			}
		}

		// Nothing changed.
		if got := record(lid); got != liseBefore {
			t.Errorf("Lise's record changed: %s, was %s", got, liseBefore)
		}
		if got := seatsOf(theirs.ID); got != theirSeats {
			t.Errorf("their seats changed: %s, was %s", got, theirSeats)
		}
		if got, _ := e.orgs.Get(ctx, tid, theirs.ID); got.Name != theirs.Name {
			t.Errorf("their organisation changed: %+v", got)
		}
		if got, _ := e.orgs.Policies(ctx, tid, theirs.ID); len(got) != 1 {
			t.Errorf("their policies: %+v", got)
		}
		if got, _ := e.vol.Opportunity(ctx, tid, opp.ID); got.Title != opp.Title || got.Status != opp.Status {
			t.Errorf("their opportunity changed: %+v", got)
		}
		if got, _ := e.vol.Application(ctx, tid, app.ID); got.Status != app.Status {
			t.Errorf("the application changed: %+v", got)
		}
		if got, _ := e.vol.HoursEntry(ctx, tid, hours.ID); got.Status != hours.Status {
			t.Errorf("the hours changed: %+v", got)
		}
		if got, _ := e.orgs.Import(ctx, tid, im.ID); got.Status != orgs.ImportPreview {
			t.Errorf("the import was confirmed: %+v", got)
		}
		if got, _ := e.orgs.Seats(ctx, tid, mine.ID); len(got) != 1 || *got[0].HolderID != *ownSeat.HolderID {
			t.Errorf("their own seats: %+v", got)
		}
		if opps, _ := e.vol.Opportunities(ctx, tid, volunteering.Filter{}); len(opps) != 1 {
			t.Errorf("%d opportunities", len(opps))
		}

		// Lise's e-mail, typed by the manager with a phone: a record of the
		// club, as typed; nothing of Lise's shows, nothing of hers changes.
		r := c.post(a+"/postes", url.Values{"role": {"secretary"}, "holder": {"new"}, "holder_name": {"L. Noël"},
			"holder_email": {"Lise@Exemple.org"}, "holder_phone": {"819 555-0142"}})
		expectStatus(t, r, 303)
		r = c.follow(r)
		expectContains(t, r, "Le poste est ajouté.", "L. Noël", "lise@exemple.org", "819 555-0142")
		for _, leak := range []string{"Lise Noël", "postes dans le territoire", "plusieurs chapeaux", "Comité culturel", "Conseil municipal"} {
			if strings.Contains(r.body, leak) {
				t.Errorf("the manager's page shows %q", leak)
			}
		}
		if got := record(lid); got != liseBefore {
			t.Errorf("the manager's entry changed Lise's record: %s, was %s", got, liseBefore)
		}
		seats, _ := e.orgs.Seats(ctx, tid, mine.ID)
		var typed orgs.Seat
		for _, st := range seats {
			if st.Role == orgs.Secretary {
				typed = st
			}
		}
		if typed.HolderID == nil || *typed.HolderID == lid {
			t.Fatalf("the manager's entry reached Lise's record: %+v", typed)
		}

		// Staff: Lise still wears three hats, not four; the match is offered.
		staff := e.client(t)
		staff.signIn("anim@exemple.org")
		hats := func() string {
			t.Helper()
			r := staff.get("/admin/releve")
			expectStatus(t, r, 200)
			return section(t, r.body, "chapeaux")
		}
		if h := hats(); !strings.Contains(h, "Lise Noël") || !strings.Contains(h, `<td class="st-num" data-label="Postes">3</td>`) {
			t.Errorf("hats before linking: %s", h)
		}
		r = staff.get("/admin/personnes")
		expectStatus(t, r, 200)
		dup := section(t, r.body, "a-verifier")
		link := "/admin/personnes/" + itoa(lid) + "/relier/" + itoa(*typed.HolderID)
		if !strings.Contains(dup, "Lise Noël") || !strings.Contains(dup, "L. Noël") || !strings.Contains(dup, "même courriel") ||
			!strings.Contains(dup, `href="`+link+`"`) {
			t.Errorf("possible matches: %s", dup)
		}
		if strings.Contains(staff.get("/admin/personnes/"+itoa(lid)).body, "819 555-0142") {
			t.Error("the manager's phone shows on Lise's record")
		}
		// The comparison asks first; nothing is linked by looking.
		r = staff.get(link)
		expectStatus(t, r, 200)
		expectContains(t, r, "Relier deux fiches", "Comité culturel de Gentilly", "Club de l’âge d’or de Fortierville", "819 555-0142",
			"Oui, c’est la même personne", `action="`+link+`"`)
		if h := hats(); !strings.Contains(h, `<td class="st-num" data-label="Postes">3</td>`) {
			t.Errorf("the comparison linked the records: %s", h)
		}
		r = staff.post(link, nil)
		expectStatus(t, r, 303)
		expectContains(t, staff.follow(r), "Les fiches sont reliées", "Ses autres fiches", "L. Noël")
		if h := hats(); !strings.Contains(h, `<td class="st-num" data-label="Postes">4</td>`) {
			t.Errorf("hats after linking: %s", h)
		}
		if got, _ := e.orgs.Person(ctx, tid, lid); got.Phone != "" || got.Name != "Lise Noël" {
			t.Errorf("linking changed Lise's record: %+v", got)
		}
		// The manager still sees their record only, and no hats.
		r = c.get(a)
		for _, leak := range []string{"Lise Noël", "postes dans le territoire", "plusieurs chapeaux"} {
			if strings.Contains(r.body, leak) {
				t.Errorf("after linking, the manager's page shows %q", leak)
			}
		}
		// Undone: three hats again.
		r = staff.post("/admin/personnes/"+itoa(*typed.HolderID)+"/detacher", url.Values{"depuis": {itoa(lid)}})
		expectStatus(t, r, 303)
		expectContains(t, staff.follow(r), "La fiche est détachée")
		if h := hats(); !strings.Contains(h, `<td class="st-num" data-label="Postes">3</td>`) {
			t.Errorf("hats after unlinking: %s", h)
		}
	})
}

func holderID(st orgs.Seat) int64 {
	if st.HolderID == nil {
		return 0
	}
	return *st.HolderID
}
