package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/committee"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
)

// committeeWorld is a committee with a partner's account, a staff
// member, a meeting held yesterday whose minutes are still a draft, and
// a citizen registered to it and to a souper: what partners must never see.
type committeeWorld struct {
	e              *env
	partner, staff *client
	meeting        committee.Meeting
	doc            int64
}

// The citizen's personal data, and the representative's e-mail.
const (
	citizenName  = "Gisèle Citoyenne-Pépin"
	citizenEmail = "gisele.citoyenne@exemple.org"
	citizenPhone = "819-555-0199"
	repEmail     = "rep.cachee@exemple.org"
	draftMinutes = "Brouillon confidentiel du procès-verbal"
)

func newCommitteeWorld(t *testing.T, d *db.DB) *committeeWorld {
	t.Helper()
	e := newEnv(t, d)
	ctx := context.Background()
	tid := e.territory.ID
	rep := e.user(repEmail, auth.RolePartner)
	e.user("animation@exemple.org", auth.RoleFacilitator)
	e.user("lectrice@exemple.org", auth.RolePartner)
	cs := e.app.Committee
	if _, err := cs.AddMember(ctx, tid, committee.MemberInput{OrganizationName: "MRC de Bécancour", Representative: "Martin Pellerin",
		Title: "Agent de développement", UserID: rep.ID, JoinedOn: "2026-01-15"}); err != nil {
		t.Fatal(err)
	}
	yesterday := time.Now().In(e.territory.Location()).AddDate(0, 0, -1).Format("2006-01-02")
	m, err := cs.CreateMeeting(ctx, tid, 0, committee.MeetingInput{Title: "Comité des partenaires", Date: yesterday, Start: "13:30",
		End: "15:30", PlaceSlug: "becancour", VenueName: "Salle du conseil", Agenda: "1. Bilan des soupers"})
	if err != nil {
		t.Fatal(err)
	}
	// A citizen registered to the meeting's event, and to a souper.
	if _, err := e.events.RegisterByStaff(ctx, tid, m.EventID, events.RegistrationInput{Name: citizenName, Email: citizenEmail,
		Phone: citizenPhone, PartySize: 1}, events.SourcePhone); err != nil {
		t.Fatal(err)
	}
	e.heldSouper(t, guest{citizenName, citizenEmail, citizenPhone, true})
	n := 5
	if _, err := e.events.Close(ctx, tid, m.EventID, events.Report{Attendance: &n, Notes: "Notes de " + citizenName}); err != nil {
		t.Fatal(err)
	}
	if err := cs.SaveNotes(ctx, tid, m.ID, m.Agenda, draftMinutes); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AddItem(ctx, tid, m.ID, committee.ItemInput{Kind: committee.Decision, Body: "Le comité adopte le bilan."}); err != nil {
		t.Fatal(err)
	}
	doc, err := cs.AddDocument(ctx, tid, 0, committee.DocumentInput{Title: "Bilan des soupers", FileName: "bilan.pdf",
		Data: []byte("%PDF-1.4\n%bilan\n"), MeetingID: m.ID})
	if err != nil {
		t.Fatal(err)
	}
	return &committeeWorld{e: e, partner: e.as(t, e.session(t, "lectrice@exemple.org")), staff: e.as(t, e.session(t, "animation@exemple.org")),
		meeting: m, doc: doc}
}

// expectNoPersonalData fails when a partner's page holds a citizen's name,
// e-mail or phone, or a representative's e-mail.
func expectNoPersonalData(t *testing.T, path string, r response) {
	t.Helper()
	for _, secret := range []string{citizenName, "Gisèle", citizenEmail, citizenPhone, "555-0199", repEmail} {
		if strings.Contains(r.body, secret) {
			t.Errorf("%s shows %q to a partner", path, secret)
		}
	}
}

func TestCommitteePartnersReadPublishedMinutesOnly(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newCommitteeWorld(t, d)
		mPath := "/partenaires/comite/rencontres/" + id64(w.meeting.ID)

		r := w.partner.get("/partenaires/comite")
		expectStatus(t, r, 200)
		expectContains(t, r, "MRC de Bécancour", "Martin Pellerin", "Agent de développement", mPath, "procès-verbal à venir",
			"Bilan des soupers")
		expectNoPersonalData(t, "/partenaires/comite", r)

		// The draft stays with staff.
		r = w.partner.get(mPath)
		expectStatus(t, r, 200)
		expectContains(t, r, "1. Bilan des soupers", "Le procès-verbal n’est pas encore publié.", "5 personnes présentes")
		if strings.Contains(r.body, draftMinutes) || strings.Contains(r.body, "Le comité adopte le bilan.") {
			t.Fatal("a partner reads the draft minutes")
		}
		expectNoPersonalData(t, mPath, r)
		r = w.staff.get("/admin/comite/rencontres/" + id64(w.meeting.ID))
		expectStatus(t, r, 200)
		expectContains(t, r, draftMinutes, "Le comité adopte le bilan.", "brouillon")

		// Published: partners read them.
		expectStatus(t, w.staff.post("/admin/comite/rencontres/"+id64(w.meeting.ID)+"/publier", url.Values{"publish": {"1"}}), http.StatusSeeOther)
		r = w.partner.get(mPath)
		expectStatus(t, r, 200)
		expectContains(t, r, draftMinutes, "Le comité adopte le bilan.")
		expectNoPersonalData(t, mPath, r)
		r = w.partner.get("/partenaires/comite")
		expectContains(t, r, "procès-verbal disponible")

		// Every partner page, in both languages — the dashboard, the
		// committee's pages, the public impact page, the document and the
		// account page too.
		for _, lang := range []string{"fr", "en"} {
			w.partner.lang = lang
			for _, p := range []string{"/partenaires", "/partenaires/comite", mPath, "/impact", "/compte", "/partenaires/comite/documents/" + id64(w.doc)} {
				r := w.partner.get(p)
				expectStatus(t, r, 200)
				expectNoPersonalData(t, p, r)
			}
		}
		r = w.partner.get("/partenaires/comite/documents/" + id64(w.doc))
		if r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF-") {
			t.Fatalf("document: %s %q", r.Header.Get("Content-Type"), r.body)
		}
		w.partner.lang = "fr"
		expectContains(t, w.partner.get("/compte"), `href="/partenaires/comite"`)

		// A partner cannot act.
		for _, p := range []string{"/admin/comite/rencontres/" + id64(w.meeting.ID) + "/publier", "/admin/comite/membres",
			"/admin/comite/documents/" + id64(w.doc) + "/retirer"} {
			expectStatus(t, w.partner.post(p, url.Values{"publish": {"0"}, "confirm": {"1"}}), http.StatusForbidden)
		}
		// Nobody signed in: to the sign-in page.
		anon := w.e.client(t)
		for _, p := range []string{"/partenaires/comite", mPath, "/partenaires/comite/documents/" + id64(w.doc), "/admin/comite"} {
			r := anon.get(p)
			expectStatus(t, r, http.StatusSeeOther)
			if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/connexion") {
				t.Errorf("%s: anonymous sent to %q", p, loc)
			}
		}
		// A citizen is refused.
		w.e.user("citoyen@exemple.org", auth.RoleCitizen)
		expectStatus(t, w.e.as(t, w.e.session(t, "citoyen@exemple.org")).get("/partenaires/comite"), http.StatusForbidden)
	})
}

// TestCommitteePartnerRefusedAdmin: a partner is refused every /admin
// page of routes.go, without exception (they read aggregates on
// /partenaires and the public /portrait).
func TestCommitteePartnerRefusedAdmin(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.user("partenaire@exemple.org", auth.RolePartner)
	partner := e.as(t, e.session(t, "partenaire@exemple.org"))
	param := regexp.MustCompile(`\{[a-z]+\}`)
	n := 0
	for _, route := range getRoutes(t) {
		path := strings.TrimPrefix(route, "GET ")
		if !strings.HasPrefix(path, "/admin") {
			continue
		}
		n++
		r := partner.get(param.ReplaceAllString(path, "1"))
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("%s: a partner gets %d, want 403", route, r.StatusCode)
		}
	}
	if n < 40 {
		t.Fatalf("only %d /admin routes checked", n)
	}
}

func TestCommitteeStaffForms(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newCommitteeWorld(t, d)
		staff := w.staff
		expectStatus(t, staff.get("/admin/comite"), 200)
		expectContains(t, staff.get("/admin"), `href="/admin/comite"`)
		w.e.user("communication@exemple.org", auth.RoleCommunications)
		comms := w.e.as(t, w.e.session(t, "communication@exemple.org"))
		expectContains(t, comms.get("/admin"), `href="/partenaires/comite"`)
		expectStatus(t, comms.get("/partenaires/comite"), 200)
		expectStatus(t, comms.get("/admin/comite"), http.StatusForbidden)

		// Bad input: a French error, what was typed kept, nothing written.
		events0 := countRows(t, d, "events")
		r := staff.post("/admin/comite/rencontres", url.Values{"title": {"Rencontre spéciale du comité"}, "date": {"2199-01-01"},
			"start": {"13:30"}, "end": {"15:30"}, "place": {"becancour"}, "venue_name": {"Salle Saint-Grégoire"},
			"agenda": {"Point unique : la suite"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "L’année doit être entre", `value="Rencontre spéciale du comité"`, `value="Salle Saint-Grégoire"`,
			"Point unique : la suite")
		if countRows(t, d, "events") != events0 || countRows(t, d, "committee_meetings") != 1 {
			t.Fatal("a refused meeting was written")
		}
		r = staff.post("/admin/comite/membres", url.Values{"representative": {"Annie Proulx"}, "joined_on": {"2026-02-01"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Choisissez un organisme de l’annuaire ou écrivez son nom.", `value="Annie Proulx"`)

		// A meeting planned from the committee's page is off the public calendar.
		r = staff.post("/admin/comite/rencontres", url.Values{"title": {"Comité des partenaires"}, "date": {"2026-12-20"},
			"start": {"13:30"}, "end": {"15:30"}, "place": {"becancour"}, "venue_name": {"Salle Saint-Grégoire"}})
		expectStatus(t, r, http.StatusSeeOther)
		loc := r.Header.Get("Location")
		expectContains(t, staff.follow(r), "Salle Saint-Grégoire")
		if public := w.e.client(t).get("/evenements").body; strings.Contains(public, "Salle Saint-Grégoire") ||
			strings.Contains(public, "partners_meeting") {
			t.Fatal("the committee's meeting, or its kind, is on the public calendar")
		}

		// Items: a follow-up added, done, removed after confirmation.
		r = staff.post(loc+"/points", url.Values{"kind": {"follow_up"}, "body": {"Inviter la commission scolaire"}, "owner": {"CAB"},
			"due_on": {"2027-01-15"}})
		expectStatus(t, r, http.StatusSeeOther)
		r = staff.get(loc)
		expectContains(t, r, "Inviter la commission scolaire", "échéance le 15\u00a0janvier 2027")
		item := regexp.MustCompile(`/points/([0-9]+)/fait`).FindStringSubmatch(r.body)
		if item == nil {
			t.Fatal("no follow-up form")
		}
		expectStatus(t, staff.post(loc+"/points/"+item[1]+"/fait", url.Values{"done": {"1"}}), http.StatusSeeOther)
		expectContains(t, staff.get(loc), "fait le ")
		r = staff.post(loc+"/points", url.Values{"kind": {"follow_up"}, "body": {" "}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectStatus(t, staff.post(loc+"/points/"+item[1]+"/retirer", url.Values{}), http.StatusSeeOther)
		if countRows(t, d, "committee_items") != 2 {
			t.Fatal("removed without confirmation")
		}
		expectStatus(t, staff.post(loc+"/points/"+item[1]+"/retirer", url.Values{"confirm": {"1"}}), http.StatusSeeOther)
		if countRows(t, d, "committee_items") != 1 {
			t.Fatal("not removed")
		}

		// Documents: a page named like a PDF is refused; a PDF is added, then removed once confirmed.
		r = staff.postMultipart("/admin/comite/documents", url.Values{"doc_title": {"Ordre du jour"}}, "file", "odj.pdf",
			[]byte("<html><body>x</body></html>"))
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce type de fichier n’est pas accepté", `value="Ordre du jour"`)
		r = staff.postMultipart("/admin/comite/documents", url.Values{"doc_title": {"Ordre du jour"}}, "file", "odj.pdf",
			[]byte("%PDF-1.4\n%odj\n"))
		expectStatus(t, r, http.StatusSeeOther)
		if countRows(t, d, "committee_documents") != 2 {
			t.Fatal("document not added")
		}
		expectStatus(t, staff.post("/admin/comite/documents/"+id64(w.doc)+"/retirer", url.Values{"confirm": {"1"}}), http.StatusSeeOther)
		if countRows(t, d, "committee_documents") != 1 || countRows(t, d, "committee_files") != 1 {
			t.Fatal("document not removed")
		}

		// Members: edited, then marked as left; they stay in the history.
		members, err := w.e.app.Committee.Members(context.Background(), w.e.territory.ID)
		if err != nil {
			t.Fatal(err)
		}
		mPath := "/admin/comite/membres/" + id64(members[0].ID)
		expectContains(t, staff.get(mPath), `value="Martin Pellerin"`)
		r = staff.post(mPath, url.Values{"organization_name": {"MRC de Bécancour"}, "representative": {""}, "joined_on": {"2026-01-15"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce champ est obligatoire")
		expectStatus(t, staff.post(mPath+"/depart", url.Values{"left_on": {"2026-11-30"}}), http.StatusSeeOther)
		expectContains(t, w.partner.get("/partenaires/comite"), "Ont siégé au comité", "Martin Pellerin")
	})
}

func countRows(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
