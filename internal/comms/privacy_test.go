package comms_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

func TestPrivacyCommunications(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
		a := testkit.App(t, d, now)
		terr := testkit.Territory(t, a.Territories)
		tid := terr.ID
		s := a.Comms
		var h privacy.Holder = s
		var c privacy.Consenter = s
		exec := func(q string, args ...any) int64 {
			t.Helper()
			if strings.HasPrefix(q, "INSERT") && !strings.Contains(q, "comms_deliveries") && !strings.Contains(q, "comms_calendar_feeds") {
				id, err := d.InsertID(ctx, q+` RETURNING id`, args...)
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return id
			}
			if _, err := d.Exec(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return 0
		}
		list := func(slug string) int64 {
			return exec(`INSERT INTO comms_lists (territory_id, slug, name, kind, created_at) VALUES (?, ?, ?, 'general', ?)`, tid, slug, "Liste "+slug, now)
		}
		subscriber := func(email, name string, created time.Time, bounced any) int64 {
			return exec(`INSERT INTO comms_subscribers (territory_id, email, name, nonce, token_hash, bounced_at, created_at) VALUES (?, ?, ?, 'n', ?, ?, ?)`,
				tid, email, name, "h-"+email, bounced, created)
		}
		subscribe := func(l, b int64, status, basis string, requested time.Time, confirmed, until, unsub any) int64 {
			id := exec(`INSERT INTO comms_subscriptions (list_id, subscriber_id, status, basis, source, wording, requested_at, confirmed_at, implied_until,
				unsubscribed_at) VALUES (?, ?, ?, ?, 'infolettre', 'J’accepte de recevoir l’infolettre.', ?, ?, ?, ?)`, l, b, status, basis, requested, confirmed, until, unsub)
			exec(`INSERT INTO comms_consent_log (territory_id, subscriber_id, list_id, action, how, wording, logged_at) VALUES (?, ?, ?, 'requested', 'form/infolettre', 'J’accepte.', ?)`,
				tid, b, l, requested)
			return id
		}
		l1, l2 := list("generale"), list("gentilly")
		me := subscriber("sophie.sujet@example.org", "Sophie", now.Add(-48*time.Hour), nil)
		other := subscriber("omar.autre@example.org", "Omar", now.Add(-48*time.Hour), nil)
		subMe1 := subscribe(l1, me, "confirmed", "express", now.Add(-48*time.Hour), now.Add(-47*time.Hour), nil, nil)
		subMe2 := subscribe(l2, me, "confirmed", "implied", now.Add(-48*time.Hour), nil, now.Add(365*24*time.Hour), nil)
		subOther := subscribe(l1, other, "confirmed", "express", now.Add(-48*time.Hour), now.Add(-47*time.Hour), nil, nil)
		n1 := exec(`INSERT INTO comms_newsletters (territory_id, list_id, slug, subject, status, created_at, updated_at) VALUES (?, ?, 'n1', 'Nouvelles de novembre', 'sent', ?, ?)`,
			tid, l1, now, now)
		n2 := exec(`INSERT INTO comms_newsletters (territory_id, list_id, slug, subject, status, created_at, updated_at) VALUES (?, ?, 'n2', 'Gentilly en décembre', 'sending', ?, ?)`,
			tid, l2, now, now)
		exec(`INSERT INTO comms_deliveries (newsletter_id, subscriber_id, status, sent_at, last_error) VALUES (?, ?, 'sent', ?, ''), (?, ?, 'sent', ?, ''), (?, ?, 'pending', NULL, '550 sophie.sujet@example.org')`,
			n1, me, now, n1, other, now, n2, me)
		uMe, err := a.Auth.CreateUser(ctx, auth.NewUser{Email: "sophie.sujet@example.org", Name: "Sophie Sujet"}, tid, auth.RoleCommunications)
		if err != nil {
			t.Fatal(err)
		}
		uOther, err := a.Auth.CreateUser(ctx, auth.NewUser{Email: "omar.autre@example.org", Name: "Omar Autre"}, tid, auth.RoleCommunications)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []int64{uMe.ID, uOther.ID} {
			exec(`INSERT INTO comms_calendar_feeds (territory_id, user_id, nonce, token_hash, created_at) VALUES (?, ?, 'n', ?, ?)`, tid, u, fmt.Sprint("feed", u), now)
		}
		sub := privacy.Subject{TerritoryID: tid, UserID: uMe.ID, Emails: []string{"sophie.sujet@example.org"}}

		t.Run("find", func(t *testing.T) {
			recs, err := h.Find(ctx, d, sub)
			if err != nil {
				t.Fatal(err)
			}
			tables := map[string]int{}
			for _, r := range recs {
				tables[r.Ref.Table]++
				for _, f := range r.Fields {
					if strings.Contains(strings.ToLower(f.Value), "omar") {
						t.Errorf("the other's data in %+v", r)
					}
				}
				if r.Ref.Table == "comms_subscriptions" && r.Ref.ID == subOther {
					t.Errorf("the other's subscription: %+v", r)
				}
			}
			want := map[string]int{"comms_subscribers": 1, "comms_subscriptions": 2, "comms_deliveries": 2, "comms_consent_log": 2, "comms_calendar_feeds": 1}
			if fmt.Sprint(tables) != fmt.Sprint(want) {
				t.Errorf("records by table = %v, want %v", tables, want)
			}
		})

		t.Run("consents and correction", func(t *testing.T) {
			cs, err := c.Consents(ctx, sub)
			if err != nil || len(cs) != 2 || cs[0].Purpose != privacy.Newsletter || cs[0].Wording == "" || cs[1].Until == nil {
				t.Fatalf("Consents = %+v, %v", cs, err)
			}
			testkit.WantCode(t, c.Withdraw(ctx, sub, privacy.Ref{Table: "comms_subscriptions", ID: subOther}), errs.NotFound)
			for range 2 {
				if err := c.Withdraw(ctx, sub, privacy.Ref{Table: "comms_subscriptions", ID: subMe2}); err != nil {
					t.Fatal(err)
				}
			}
			cs, _ = c.Consents(ctx, sub)
			if len(cs) != 2 || cs[0].Withdrawn != nil || cs[1].Withdrawn == nil {
				t.Errorf("after withdrawing: %+v", cs)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_consent_log WHERE subscriber_id = ? AND list_id = ? AND action = 'unsubscribed'`, me, l2); n != 1 {
				t.Errorf("proof of the unsubscription: %d lines", n)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_deliveries WHERE subscriber_id = ? AND newsletter_id = ? AND status = 'skipped'`, me, n2); n != 1 {
				t.Error("the pending newsletter still goes")
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_subscriptions WHERE id = ? AND status = 'confirmed'`, subMe1); n != 1 {
				t.Error("the other list was withdrawn too")
			}
			var n int
			err = d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				n, err = s.Correct(ctx, tx, sub, privacy.Correction{Name: "Sophia"})
				return err
			})
			if err != nil || n != 1 {
				t.Errorf("Correct = %d, %v", n, err)
			}
		})

		t.Run("erase", func(t *testing.T) {
			recs, err := h.Find(ctx, d, sub)
			if err != nil {
				t.Fatal(err)
			}
			var refs []privacy.Ref
			for _, r := range recs {
				refs = append(refs, r.Ref)
			}
			proof := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_consent_log WHERE subscriber_id = ?`, me) + 1 // + the unsubscription from l1
			for range 2 {
				var kept []privacy.Kept
				err := d.InTx(ctx, func(tx *db.Tx) error {
					var err error
					kept, err = h.Erase(ctx, tx, sub, refs)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(kept) != 1 || kept[0] != (privacy.Kept{Category: "comms.consent_log", Reason: "privacy.kept.comms.consent_log", Count: proof}) {
					t.Errorf("kept = %+v, want %d lines of proof", kept, proof)
				}
			}
			tables := []string{"comms_subscribers", "comms_subscriptions", "comms_consent_log", "comms_deliveries", "comms_calendar_feeds"}
			if l := testkit.Leaks(t, d, []string{"sophie", "sophia", "sujet"}, tables...); len(l) > 0 {
				t.Errorf("left after erasure: %v", l)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_subscriptions WHERE subscriber_id = ? AND status <> 'unsubscribed'`, me); n != 0 {
				t.Errorf("%d subscriptions still active", n)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_calendar_feeds WHERE user_id = ?`, uMe.ID); n != 0 {
				t.Error("the calendar feed stays")
			}
			for _, q := range []string{`SELECT COUNT(*) FROM comms_subscribers WHERE email = 'omar.autre@example.org' AND name = 'Omar'`,
				`SELECT COUNT(*) FROM comms_subscriptions WHERE subscriber_id = ` + fmt.Sprint(other) + ` AND status = 'confirmed'`,
				`SELECT COUNT(*) FROM comms_calendar_feeds WHERE user_id = ` + fmt.Sprint(uOther.ID)} {
				if n := testkit.Count(t, d, q); n != 1 {
					t.Errorf("the other's: %s = %d", q, n)
				}
			}
			if recs, _ := h.Find(ctx, d, privacy.Subject{TerritoryID: tid, Emails: []string{"sophie.sujet@example.org"}}); len(recs) != 0 {
				t.Errorf("found after erasure: %+v", recs)
			}
		})

		t.Run("retention", func(t *testing.T) {
			cutoff := now.Add(-30 * 24 * time.Hour)
			before, after := cutoff.Add(-time.Second), cutoff.Add(time.Second)
			p1 := subscriber("pending.old@example.org", "", before, nil)
			subscribe(l1, p1, "pending", "express", before, nil, nil, nil)
			p2 := subscriber("pending.new@example.org", "", before, nil)
			subscribe(l1, p2, "pending", "express", after, nil, nil, nil)
			b1 := subscriber("bounced.old@example.org", "", before, before)
			subscribe(l1, b1, "confirmed", "express", before, before, nil, nil)
			b2 := subscriber("bounced.new@example.org", "", before, after)
			subscribe(l1, b2, "confirmed", "express", before, before, nil, nil)
			e1 := subscriber("ended.old@example.org", "", before, nil)
			subscribe(l1, e1, "unsubscribed", "express", before, before, nil, before)
			e2 := subscriber("ended.new@example.org", "", before, nil)
			subscribe(l1, e2, "unsubscribed", "express", before, before, nil, after)
			e3 := subscriber("implied.old@example.org", "", before, nil)
			subscribe(l1, e3, "confirmed", "implied", before, nil, before, nil)
			run := func(rule string, want ...int) {
				t.Helper()
				for i, w := range want {
					var n int
					err := d.InTx(ctx, func(tx *db.Tx) error {
						var err error
						n, err = h.Expire(ctx, tx, tid, rule, cutoff)
						return err
					})
					if err != nil || n != w {
						t.Errorf("%s run %d: Expire = %d, %v; want %d", rule, i, n, err, w)
					}
				}
			}
			run("comms.pending", 2, 0) // p1's subscription and p1
			run("comms.bounced", 1, 0) // b1
			run("comms.ended", 2, 0)   // e1, e3
			for _, x := range []struct {
				email string
				want  int
			}{{"pending.old", 0}, {"pending.new", 1}, {"bounced.old", 0}, {"bounced.new", 1}, {"ended.old", 0}, {"ended.new", 1},
				{"implied.old", 0}, {"omar.autre", 1}} {
				if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_subscribers WHERE email = ?`, x.email+"@example.org"); n != x.want {
					t.Errorf("%s: %d, want %d", x.email, n, x.want)
				}
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_consent_log WHERE subscriber_id = ?`, p1); n != 0 {
				t.Errorf("the request of an address never confirmed: %d lines", n)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_consent_log WHERE subscriber_id IN (?, ?) AND action = 'requested'`, b1, e1); n != 2 {
				t.Errorf("the proof of anonymised subscribers: %d lines, want 2", n)
			}
		})
	})
}
