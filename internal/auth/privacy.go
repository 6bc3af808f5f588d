package auth

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/privacy"
)

// The accounts as the privacy centre sees them. An account is the
// instance's, not one territory's: a person who asks a territory to erase
// them erases their account. The account row itself stays, anonymised and
// disabled, because other capabilities' rows name it as the member of staff
// who created them; its sessions, sign-in links and roles are deleted.
//
// rate_limits is not listed: its buckets are hashed with the instance's
// secret and forgotten a day after their window.

// Inventory keys and rules of the accounts.
const (
	catAccounts = "auth.accounts"
	catSignIns  = "auth.sign_ins"
	ruleSignIns = "auth.sign_ins"
)

// erasedEmail stands for the address of an erased account: unique, and not
// an address anyone can type to sign in.
func erasedEmail(id int64) string { return "erased-" + strconv.FormatInt(id, 10) }

// Inventory says what the accounts keep.
func (s *Store) Inventory() []privacy.Category {
	return []privacy.Category{
		{Key: catAccounts, Columns: []string{"users.email", "users.name", "users.password_hash", "users.locale",
			"users.last_login_at", "user_roles.user_id"}},
		{Key: catSignIns, Columns: []string{"sessions.user_id", "auth_tokens.user_id"}, Rule: ruleSignIns},
	}
}

// Retention lists the accounts' rule: sessions and sign-in links are
// destroyed a week after they expired (the hourly clean-up deletes the
// sessions as soon as they expire).
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{{Key: ruleSignIns, Days: 7, Action: privacy.Destroy}}
}

// accountIDs are the accounts of s: its own, and those of its addresses.
func accountIDs(ctx context.Context, q db.Querier, s privacy.Subject) ([]int64, error) {
	where, args := []string{}, []any{}
	if s.UserID != 0 {
		where = append(where, "id = ?")
		args = append(args, s.UserID)
	}
	if len(s.Emails) > 0 {
		where = append(where, "lower(email) IN ("+db.Marks(len(s.Emails))+")")
		for _, e := range s.Emails {
			args = append(args, e)
		}
	}
	if len(where) == 0 {
		return nil, nil
	}
	var ids []int64
	err := db.Each(ctx, q, `SELECT id FROM users WHERE `+strings.Join(where, " OR ")+` ORDER BY id`, args, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Find lists the subject's account, roles in the territory, sessions and
// sign-in links.
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	ids, err := accountIDs(ctx, q, sub)
	if err != nil {
		return nil, err
	}
	var out []privacy.Record
	for _, id := range ids {
		err := db.Each(ctx, q, `SELECT email, name, locale, created_at, last_login_at, disabled_at FROM users WHERE id = ?`, []any{id},
			func(r *sql.Rows) error {
				var email, name, locale string
				var created time.Time
				var last, disabled *time.Time
				if err := r.Scan(&email, &name, &locale, db.ScanTime(&created), db.ScanNullTime(&last), db.ScanNullTime(&disabled)); err != nil {
					return err
				}
				fields := []privacy.Field{{Name: "email", Value: email}, {Name: "name", Value: name}, {Name: "lang", Value: locale},
					{Name: "created_at", Value: isoTime(created)}}
				if last != nil {
					fields = append(fields, privacy.Field{Name: "auth.last_login_at", Value: isoTime(*last)})
				}
				if disabled != nil {
					fields = append(fields, privacy.Field{Name: "auth.disabled_at", Value: isoTime(*disabled)})
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "users", ID: id}, Category: catAccounts,
					Label: "Compte\u00a0: " + email, When: created, Fields: fields})
				return nil
			})
		if err != nil {
			return nil, err
		}
		err = db.Each(ctx, q, `SELECT role, created_at FROM user_roles WHERE user_id = ? AND territory_id = ? ORDER BY role`,
			[]any{id, sub.TerritoryID}, func(r *sql.Rows) error {
				var role string
				var at time.Time
				if err := r.Scan(&role, db.ScanTime(&at)); err != nil {
					return err
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "user_roles", ID: id}, Category: catAccounts,
					Label: "Rôle\u00a0: " + role, When: at, Fields: []privacy.Field{{Name: "auth.role", Value: role},
						{Name: "created_at", Value: isoTime(at)}}})
				return nil
			})
		if err != nil {
			return nil, err
		}
		err = db.Each(ctx, q, `SELECT created_at, expires_at, last_seen_at FROM sessions WHERE user_id = ? ORDER BY created_at`,
			[]any{id}, func(r *sql.Rows) error {
				var created, expires, seen time.Time
				if err := r.Scan(db.ScanTime(&created), db.ScanTime(&expires), db.ScanTime(&seen)); err != nil {
					return err
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "sessions", ID: id}, Category: catSignIns,
					Label: "Session ouverte le " + created.UTC().Format("2006-01-02"), When: created,
					Fields: []privacy.Field{{Name: "created_at", Value: isoTime(created)}, {Name: "auth.last_seen_at", Value: isoTime(seen)},
						{Name: "auth.expires_at", Value: isoTime(expires)}}})
				return nil
			})
		if err != nil {
			return nil, err
		}
		err = db.Each(ctx, q, `SELECT purpose, created_at, expires_at, used_at FROM auth_tokens WHERE user_id = ? ORDER BY created_at`,
			[]any{id}, func(r *sql.Rows) error {
				var purpose string
				var created, expires time.Time
				var used *time.Time
				if err := r.Scan(&purpose, db.ScanTime(&created), db.ScanTime(&expires), db.ScanNullTime(&used)); err != nil {
					return err
				}
				fields := []privacy.Field{{Name: "auth.purpose", Value: purpose}, {Name: "created_at", Value: isoTime(created)},
					{Name: "auth.expires_at", Value: isoTime(expires)}}
				if used != nil {
					fields = append(fields, privacy.Field{Name: "auth.used_at", Value: isoTime(*used)})
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "auth_tokens", ID: id}, Category: catSignIns,
					Label: "Lien de connexion du " + created.UTC().Format("2006-01-02"), When: created, Fields: fields})
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Erase anonymises and disables the accounts refs names (e-mail replaced
// by a non-address, name and password blanked), and deletes their
// sessions, sign-in links and roles. The account row stays: other rows name
// it as who created them.
func (s *Store) Erase(ctx context.Context, tx *db.Tx, _ privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	now := s.now()
	kept := 0
	done := map[int64]bool{}
	for _, ref := range refs {
		switch ref.Table {
		case "sessions":
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, ref.ID); err != nil {
				return nil, err
			}
		case "auth_tokens":
			if _, err := tx.Exec(ctx, `DELETE FROM auth_tokens WHERE user_id = ?`, ref.ID); err != nil {
				return nil, err
			}
		case "user_roles":
			if _, err := tx.Exec(ctx, `DELETE FROM user_roles WHERE user_id = ?`, ref.ID); err != nil {
				return nil, err
			}
		case "users":
			if done[ref.ID] {
				continue
			}
			done[ref.ID] = true
			for _, q := range []string{`DELETE FROM sessions WHERE user_id = ?`, `DELETE FROM auth_tokens WHERE user_id = ?`,
				`DELETE FROM user_roles WHERE user_id = ?`} {
				if _, err := tx.Exec(ctx, q, ref.ID); err != nil {
					return nil, err
				}
			}
			res, err := tx.Exec(ctx, `UPDATE users SET email = ?, name = '', password_hash = '', locale = 'fr', last_login_at = NULL,
				disabled_at = COALESCE(disabled_at, ?), updated_at = ? WHERE id = ?`, erasedEmail(ref.ID), now, now, ref.ID)
			if err != nil {
				return nil, err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				kept++
			}
		}
	}
	if kept == 0 {
		return nil, nil
	}
	return []privacy.Kept{{Category: catAccounts, Reason: "privacy.kept.auth.accounts", Count: kept}}, nil
}

// Expire destroys the sessions and sign-in links expired before cutoff.
// Accounts are the instance's, not a territory's: the rule is the same in
// every territory.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, _ int64, rule string, cutoff time.Time) (int, error) {
	if rule != ruleSignIns {
		return 0, nil
	}
	total := 0
	for _, q := range []string{`DELETE FROM sessions WHERE expires_at < ?`, `DELETE FROM auth_tokens WHERE expires_at < ?`} {
		res, err := tx.Exec(ctx, q, db.Time(cutoff))
		if err != nil {
			return total, err
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	return total, nil
}

// Correct rewrites the name of the subject's accounts.
func (s *Store) Correct(ctx context.Context, tx *db.Tx, sub privacy.Subject, c privacy.Correction) (int, error) {
	name := strings.TrimSpace(c.Name)
	if name == "" {
		return 0, nil
	}
	ids, err := accountIDs(ctx, tx, sub)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, id := range ids {
		res, err := tx.Exec(ctx, `UPDATE users SET name = ?, updated_at = ? WHERE id = ? AND name <> ?`, name, s.now(), id, name)
		if err != nil {
			return total, err
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	return total, nil
}
