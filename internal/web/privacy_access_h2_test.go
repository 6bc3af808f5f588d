package web_test

import (
	"context"
	"net/http"
	"testing"

	"implique/internal/auth"
	"implique/internal/committee"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/privacy"
)

// TestCommitteeAccessLog: staff reading the committee's members is written
// to the access log, with who and when but no personal data; a refused
// reader writes nothing.
func TestCommitteeAccessLog(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newCommitteeWorld(t, d)
		ctx := context.Background()
		tid := w.e.territory.ID
		read := func() []privacy.Access {
			t.Helper()
			log, err := w.e.app.Privacy.AccessLog(ctx, tid, privacy.AccessFilter{What: committee.PrivacyMembers})
			if err != nil {
				t.Fatal(err)
			}
			return log
		}
		w.e.user("communication@exemple.org", auth.RoleCommunications)
		comms := w.e.as(t, w.e.session(t, "communication@exemple.org"))
		expectStatus(t, comms.get("/admin/comite"), http.StatusForbidden)
		if log := read(); len(log) != 0 {
			t.Fatalf("a refused reader logged: %+v", log)
		}
		expectStatus(t, w.staff.get("/admin/comite"), http.StatusOK)
		ms, err := w.e.app.Committee.Members(ctx, tid)
		if err != nil || len(ms) == 0 {
			t.Fatal(ms, err)
		}
		expectStatus(t, w.staff.get("/admin/comite/membres/"+id64(ms[0].ID)), http.StatusOK)
		log := read()
		if len(log) != 2 || log[0].Action != privacy.Viewed || log[0].Record != "member "+id64(ms[0].ID) ||
			log[1].Record != "committee" || log[0].UserID == 0 || log[0].UserName == "" {
			t.Fatalf("access log %+v", log)
		}
	})
}
