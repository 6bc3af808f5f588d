package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"implique/internal/auth"
	cm "implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/privacy"
)

// TestAccessLogOfAccountsOutboxAndSubscribers: the pages that show people
// — the accounts, the outbox, a list's subscribers — write who read them
// in the access log; a refused visit writes nothing.
func TestAccessLogOfAccountsOutboxAndSubscribers(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		tid := e.territory.ID
		admin := e.user("admin.acces@example.org", auth.RoleAdministrator, auth.RoleCommunications)
		e.user("animation.acces@example.org", auth.RoleFacilitator)
		l, err := e.app.Comms.CreateMailingList(ctx, tid, cm.ListInput{Name: "Infolettre générale", Kind: cm.ListGeneral})
		if err != nil {
			t.Fatal(err)
		}

		f := e.client(t)
		f.signIn("animation.acces@example.org")
		if r := f.get("/admin/courriels"); r.StatusCode == http.StatusOK {
			t.Fatal("a facilitator reads the outbox")
		}
		if log, err := e.app.Privacy.AccessLog(ctx, tid, privacy.AccessFilter{}); err != nil || len(log) != 0 {
			t.Fatalf("a refused visit is logged: %+v, %v", log, err)
		}

		c := e.client(t)
		c.signIn("admin.acces@example.org")
		for _, path := range []string{"/admin/utilisateurs", fmt.Sprintf("/admin/utilisateurs/%d", admin.ID), "/admin/courriels",
			fmt.Sprintf("/admin/communications/listes/%d", l.ID)} {
			expectStatus(t, c.get(path), http.StatusOK)
		}
		log, err := e.app.Privacy.AccessLog(ctx, tid, privacy.AccessFilter{UserID: admin.ID})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, a := range log {
			if a.Action != privacy.Viewed {
				t.Errorf("action %q", a.Action)
			}
			got[a.What+" / "+a.Record] = true
		}
		for _, want := range []string{"auth.accounts / users", fmt.Sprintf("auth.accounts / user %d", admin.ID), "mail.outbox / outbox",
			fmt.Sprintf("comms.subscribers / list %d", l.ID)} {
			if !got[want] {
				t.Errorf("no %q in the access log: %v", want, got)
			}
		}
	})
}
