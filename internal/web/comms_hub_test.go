package web_test

import (
	"net/http"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestCommsHubByRole: the communications officer finds every part of the
// work from the staff's home; a facilitator finds the calendar only;
// a partner and a citizen are refused.
func TestCommsHubByRole(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.user("comm@exemple.org", auth.RoleCommunications)
	e.user("anim@exemple.org", auth.RoleFacilitator)
	e.user("part@exemple.org", auth.RolePartner)
	e.user("cit@exemple.org", auth.RoleCitizen)

	comm := e.as(t, e.session(t, "comm@exemple.org"))
	expectContains(t, comm.get("/admin"), `href="/admin/communications"`)
	r := comm.get("/admin/communications")
	expectStatus(t, r, http.StatusOK)
	expectContains(t, r, `href="/admin/communications/calendrier"`, `href="/admin/communications/campagnes"`,
		`href="/admin/communications/recits"`, `href="/admin/communications/infolettres"`, `href="/admin/communications/affiches"`)

	anim := e.as(t, e.session(t, "anim@exemple.org"))
	r = anim.get("/admin/communications")
	expectStatus(t, r, http.StatusOK)
	expectContains(t, r, `href="/admin/communications/calendrier"`)
	if strings.Contains(r.body, `href="/admin/communications/campagnes"`) {
		t.Error("a facilitator is offered the campaigns")
	}
	for _, who := range []string{"part@exemple.org", "cit@exemple.org"} {
		r := e.as(t, e.session(t, who)).get("/admin/communications")
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", who, r.StatusCode)
		}
	}
	if r := e.client(t).get("/admin/communications"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: status %d, want a redirect to sign in", r.StatusCode)
	}
}
