package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

func TestPrivacyOutbox(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
		a := testkit.App(t, d, now)
		terr := testkit.Territory(t, a.Territories)
		var h privacy.Holder = a.Outbox
		put := func(to, subject, body, status string, created time.Time, sent any) int64 {
			t.Helper()
			id, err := d.InsertID(ctx, `INSERT INTO mail_outbox (territory_id, to_addr, subject, body_text, status, created_at, sent_at, secrets)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, terr.ID, to, subject, body, status, created, sent, `["abc123secret"]`)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Exec(ctx, `INSERT INTO mail_attachments (outbox_id, filename, content_type, data) VALUES (?, 'billet.ics', 'text/calendar', ?)`,
				id, []byte("ATTENDEE:"+to)); err != nil {
				t.Fatal(err)
			}
			return id
		}
		mine := put("Sophie.Sujet@example.org", "Votre inscription", "Bonjour Sophie Sujet, https://x.test/g/abc123secret", "sent", now.Add(-time.Hour), now.Add(-time.Hour))
		put("omar.autre@example.org", "Votre inscription", "Bonjour Omar Autre", "sent", now.Add(-time.Hour), now.Add(-time.Hour))
		sub := privacy.Subject{TerritoryID: terr.ID, Emails: []string{"sophie.sujet@example.org"}}

		recs, err := h.Find(ctx, d, sub)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || recs[0].Ref != (privacy.Ref{Table: "mail_outbox", ID: mine}) {
			t.Fatalf("records = %+v", recs)
		}
		for _, f := range recs[0].Fields {
			if strings.Contains(f.Value, "Omar") || strings.Contains(f.Value, "abc123secret") {
				t.Errorf("field %+v", f)
			}
		}

		for range 2 {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				kept, err := h.Erase(ctx, tx, sub, []privacy.Ref{recs[0].Ref, {Table: "users", ID: mine}})
				if len(kept) != 0 {
					t.Errorf("kept = %+v", kept)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{`SELECT COUNT(*) FROM mail_outbox WHERE lower(to_addr) LIKE '%sophie%' OR body_text LIKE '%Sophie%'`,
			`SELECT COUNT(*) FROM mail_attachments WHERE filename LIKE '%sophie%'`} {
			if n := testkit.Count(t, d, q); n != 0 {
				t.Errorf("%s: %d", q, n)
			}
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'omar.autre@example.org'`); n != 1 {
			t.Errorf("the other's e-mail: %d", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_attachments`); n != 1 {
			t.Errorf("attachments left: %d, want the other's", n)
		}

		// Retention: the messages that left before the cutoff go, with
		// their attachments; those still waiting stay.
		cutoff := now.Add(-30 * 24 * time.Hour)
		old := put("a@example.org", "Ancien", "…", "sent", cutoff.Add(-2*time.Hour), cutoff.Add(-time.Second))
		put("b@example.org", "Récent", "…", "sent", cutoff.Add(-2*time.Hour), cutoff.Add(time.Second))
		put("c@example.org", "Gardé", "…", "kept", cutoff.Add(-time.Second), nil)
		put("e@example.org", "En attente", "…", "queued", cutoff.Add(-time.Hour), nil)
		if r := h.Retention(); len(r) != 1 || r[0].Key != "mail.outbox" || r[0].Days != 30 {
			t.Fatalf("rules = %+v", r)
		}
		for i, want := range []int{2, 0} {
			var n int
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				n, err = h.Expire(ctx, tx, terr.ID, "mail.outbox", cutoff)
				return err
			})
			if err != nil || n != want {
				t.Errorf("run %d: Expire = %d, %v; want %d", i, n, err, want)
			}
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr IN ('b@example.org', 'e@example.org', 'omar.autre@example.org')`); n != 3 {
			t.Errorf("messages not due: %d left, want 3", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_attachments WHERE outbox_id = ?`, old); n != 0 {
			t.Errorf("attachments of an expired message: %d", n)
		}
	})
}
