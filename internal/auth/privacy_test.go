package auth_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

func TestPrivacyAccounts(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
		a := testkit.App(t, d, now)
		terr := testkit.Territory(t, a.Territories)
		s := a.Auth
		var h privacy.Holder = s
		var _ privacy.Corrector = s
		me, err := s.CreateUser(ctx, auth.NewUser{Email: "sophie.sujet@example.org", Name: "Sophie Sujet"}, terr.ID, auth.RoleCitizen)
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.CreateUser(ctx, auth.NewUser{Email: "omar.autre@example.org", Name: "Omar Autre"}, terr.ID, auth.RoleFacilitator)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []int64{me.ID, other.ID} {
			if _, err := s.CreateSession(ctx, u); err != nil {
				t.Fatal(err)
			}
			if _, err := s.IssueToken(ctx, u, "signin", time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		sub := privacy.Subject{TerritoryID: terr.ID, UserID: me.ID, Emails: []string{"sophie.sujet@example.org"}}

		t.Run("find", func(t *testing.T) {
			recs, err := h.Find(ctx, d, sub)
			if err != nil {
				t.Fatal(err)
			}
			tables := map[string]int{}
			for _, r := range recs {
				tables[r.Ref.Table]++
				if r.Ref.ID != me.ID {
					t.Errorf("record of another account: %+v", r)
				}
				for _, f := range r.Fields {
					if strings.Contains(f.Value, "omar") || strings.Contains(f.Value, "Omar") {
						t.Errorf("the other's data in %+v", r)
					}
				}
			}
			if tables["users"] != 1 || tables["user_roles"] != 1 || tables["sessions"] != 1 || tables["auth_tokens"] != 1 {
				t.Errorf("records by table = %v", tables)
			}
		})

		t.Run("correct", func(t *testing.T) {
			var n int
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				n, err = s.Correct(ctx, tx, sub, privacy.Correction{Name: "Sophie Sujette"})
				return err
			})
			if err != nil || n != 1 {
				t.Fatalf("Correct = %d, %v", n, err)
			}
			u, _ := s.UserByID(ctx, me.ID)
			if u.Name != "Sophie Sujette" {
				t.Errorf("name = %q", u.Name)
			}
		})

		t.Run("erase", func(t *testing.T) {
			recs, err := h.Find(ctx, d, sub)
			if err != nil {
				t.Fatal(err)
			}
			refs := make([]privacy.Ref, 0, len(recs))
			for _, r := range recs {
				refs = append(refs, r.Ref)
			}
			refs = append(refs, privacy.Ref{Table: "events", ID: me.ID}) // another holder's: ignored
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
				if len(kept) != 1 || kept[0].Category != "auth.accounts" || kept[0].Reason != "privacy.kept.auth.accounts" || kept[0].Count != 1 {
					t.Errorf("kept = %+v", kept)
				}
			}
			tables := []string{"users", "user_roles", "sessions", "auth_tokens"}
			if l := testkit.Leaks(t, d, []string{"sophie", "sujet"}, tables...); len(l) > 0 {
				t.Errorf("left after erasure: %v", l)
			}
			for _, q := range []string{`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, `SELECT COUNT(*) FROM auth_tokens WHERE user_id = ?`,
				`SELECT COUNT(*) FROM user_roles WHERE user_id = ?`} {
				if n := testkit.Count(t, d, q, me.ID); n != 0 {
					t.Errorf("%s: %d", q, n)
				}
				if n := testkit.Count(t, d, q, other.ID); n != 1 {
					t.Errorf("%s (other): %d", q, n)
				}
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM users WHERE id = ? AND disabled_at IS NOT NULL AND password_hash = ''`, me.ID); n != 1 {
				t.Error("the erased account is not disabled")
			}
			if u, err := s.UserByEmail(ctx, "omar.autre@example.org"); err != nil || u.Name != "Omar Autre" {
				t.Errorf("the other account: %+v, %v", u, err)
			}
			if recs, _ := h.Find(ctx, d, privacy.Subject{TerritoryID: terr.ID, Emails: []string{"sophie.sujet@example.org"}}); len(recs) != 0 {
				t.Errorf("found after erasure: %+v", recs)
			}
		})

		t.Run("retention", func(t *testing.T) {
			cutoff := now.Add(-7 * 24 * time.Hour)
			for i, exp := range []time.Time{cutoff.Add(-time.Second), cutoff.Add(time.Second)} {
				if _, err := d.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
					fmt.Sprintf("s%d", i), other.ID, exp.Add(-time.Hour), exp, exp.Add(-time.Hour)); err != nil {
					t.Fatal(err)
				}
				if _, err := d.Exec(ctx, `INSERT INTO auth_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, 'signin', ?, ?)`,
					fmt.Sprintf("t%d", i), other.ID, exp.Add(-time.Hour), exp); err != nil {
					t.Fatal(err)
				}
			}
			if len(h.Retention()) != 1 || h.Retention()[0].Days != 7 {
				t.Fatalf("rules = %+v", h.Retention())
			}
			for i, want := range []int{2, 0} {
				var n int
				err := d.InTx(ctx, func(tx *db.Tx) error {
					var err error
					n, err = h.Expire(ctx, tx, terr.ID, "auth.sign_ins", cutoff)
					return err
				})
				if err != nil || n != want {
					t.Errorf("run %d: Expire = %d, %v; want %d", i, n, err, want)
				}
			}
			if testkit.Count(t, d, `SELECT COUNT(*) FROM sessions WHERE token_hash = 's1'`) != 1 ||
				testkit.Count(t, d, `SELECT COUNT(*) FROM auth_tokens WHERE token_hash = 't1'`) != 1 {
				t.Error("a session or link not yet due was destroyed")
			}
		})
	})
}
