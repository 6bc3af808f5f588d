package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/training"
)

// TestTrainingOrgsReport: the staff's page « Organismes et municipalités
// formés » lists the organisations whose people were enrolled, the
// municipality first, each linked to its staff page, with the counts per
// program; the filter by kind and the CSV export (« ; » in French) follow;
// an organisation without learners is not listed. Facilitators and
// administrators see it; the other roles get a 403.
func TestTrainingOrgsReport(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newTrainingStaffWorld(t, d)
		e := w.e
		ctx, tid, ts := context.Background(), w.tid, e.app.Training
		p, err := ts.CreateProgram(ctx, tid, training.ProgramInput{Name: "Participation citoyenne en municipalité",
			Audience: training.AudienceMunicipalities, MinAttendance: "50"})
		if err != nil {
			t.Fatal(err)
		}
		c := w0cohort(t, e, p, "Automne à Manseau", "", 2)
		if err := ts.SetStatus(ctx, tid, c.ID, training.Open, ""); err != nil {
			t.Fatal(err)
		}
		org := func(name string, kind orgs.Kind) orgs.Organization {
			o, err := e.app.Orgs.Create(ctx, tid, 0, orgs.Input{Kind: kind, Name: name, PlaceSlugs: []string{"manseau"}})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		mdj := org("Maison des jeunes de Manseau", orgs.Nonprofit)
		council := org("Conseil municipal de Manseau", orgs.MunicipalCouncil)
		org("Cercle de fermières", orgs.Nonprofit)
		for _, x := range []struct {
			org    int64
			people []string
		}{{mdj.ID, []string{"zoe", "max"}}, {council.ID, []string{"guy", "lise", "paul"}}} {
			var list []training.LearnerInput
			for _, n := range x.people {
				list = append(list, training.LearnerInput{Name: n, Email: n + "@exemple.org", Lang: "fr"})
			}
			if _, err := ts.EnrolMembers(ctx, tid, c.ID, x.org, 0, list, false); err != nil {
				t.Fatal(err)
			}
		}

		// The index links to the page.
		if !strings.Contains(w.staff.get("/admin/formations").body, `href="/admin/formations/organismes"`) {
			t.Error("the trainings' page does not link to the organisations trained")
		}
		r := w.staff.get("/admin/formations/organismes")
		expectStatus(t, r, http.StatusOK)
		ci, mi := strings.Index(r.body, `href="/admin/organismes/`+id64(council.ID)+`"`), strings.Index(r.body, `href="/admin/organismes/`+id64(mdj.ID)+`"`)
		if ci < 0 || mi < 0 || ci > mi {
			t.Fatalf("the council (at %d) comes before the maison des jeunes (at %d)", ci, mi)
		}
		if strings.Contains(r.body, "Cercle de fermières") || !strings.Contains(r.body, "Participation citoyenne en municipalité") ||
			!strings.Contains(r.body, "Automne à Manseau") {
			t.Fatalf("the page:\n%s", r.body)
		}
		// The filter keeps one kind; an unknown one is every kind.
		r = w.staff.get("/admin/formations/organismes?type=municipalities")
		expectStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "Conseil municipal de Manseau") || strings.Contains(r.body, "Maison des jeunes de Manseau") {
			t.Fatal("the municipalities' filter")
		}
		r = w.staff.get("/admin/formations/organismes?type=nonprofit")
		if strings.Contains(r.body, `href="/admin/organismes/`+id64(council.ID)+`"`) || !strings.Contains(r.body, "Maison des jeunes de Manseau") {
			t.Fatal("the non-profits' filter")
		}
		r = w.staff.get("/admin/formations/organismes?type=aliens")
		expectStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "Conseil municipal de Manseau") || !strings.Contains(r.body, "Maison des jeunes de Manseau") {
			t.Fatal("an unknown kind hides organisations")
		}

		// The CSV: « ; » in French, one row per organisation and program.
		r = w.staff.get("/admin/formations/organismes.csv")
		expectStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("content type %q", r.Header.Get("Content-Type"))
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.body, "\ufeff")), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "Organisation;Type;Programme;") ||
			!strings.HasPrefix(strings.TrimSpace(lines[1]), "Conseil municipal de Manseau;Conseil municipal;Participation citoyenne en municipalité;1;3;0;Automne à Manseau;") ||
			!strings.HasPrefix(lines[2], "Maison des jeunes de Manseau;") {
			t.Fatalf("the CSV:\n%s", r.body)
		}
		r = w.staff.get("/admin/formations/organismes.csv?type=municipalities")
		if strings.Contains(r.body, "Maison des jeunes") {
			t.Fatal("the CSV ignores the filter")
		}

		// Roles.
		e.user("admin@exemple.org", auth.RoleAdministrator)
		expectStatus(t, e.as(t, e.session(t, "admin@exemple.org")).get("/admin/formations/organismes"), http.StatusOK)
		for email, role := range map[string]auth.Role{"comms@exemple.org": auth.RoleCommunications, "partenaire@exemple.org": auth.RolePartner,
			"gestion@exemple.org": auth.RoleOrganizationManager, "citoyen@exemple.org": auth.RoleCitizen} {
			e.user(email, role)
			cl := e.as(t, e.session(t, email))
			for _, path := range []string{"/admin/formations/organismes", "/admin/formations/organismes.csv"} {
				if r := cl.get(path); r.StatusCode != http.StatusForbidden {
					t.Errorf("%s gets %s: %d, want 403", email, path, r.StatusCode)
				}
			}
		}
	})
}
