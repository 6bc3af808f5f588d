package committee

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"implique/internal/db"
	"implique/internal/privacy"
)

// The committee's categories of personal information and its rules.
const (
	PrivacyMembers = "committee.members"
	PrivacyOwners  = "committee.owners"
	// RuleFormerMembers anonymises the members who left.
	RuleFormerMembers = "committee.former_members"
)

// Inventory says what the committee keeps about people: its members'
// representatives (a partner's account, their name and title) and the
// names of the people in charge of a follow-up.
func (s *Store) Inventory() []privacy.Category {
	return []privacy.Category{
		{Key: PrivacyMembers, Rule: RuleFormerMembers, Columns: []string{"committee_members.representative", "committee_members.title",
			"committee_members.user_id"}},
		{Key: PrivacyOwners, Rule: PrivacyOwners, Columns: []string{"committee_items.owner_name"}},
	}
}

// Retention lists the committee's rules: the representative of a member
// who left is anonymised two years after they left (the organisation's
// seat and its dates stay in the committee's history); the name of the
// person in charge of a decision or a follow-up, two years after it was
// written.
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{
		{Key: RuleFormerMembers, Days: 730, Action: privacy.Anonymise},
		{Key: PrivacyOwners, Days: 730, Action: privacy.Anonymise},
	}
}

// Find lists the committee's rows about s: the seats they held (through
// their partner account) and the follow-ups in their charge under the
// name they sat under.
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	if sub.UserID == 0 {
		return nil, nil
	}
	var out []privacy.Record
	err := db.Each(ctx, q, `SELECT m.id, COALESCE(o.name, m.organization_name), m.representative, m.title, m.joined_on, COALESCE(m.left_on, ''), m.created_at
		FROM committee_members m LEFT JOIN organizations o ON o.id = m.organization_id
		WHERE m.territory_id = ? AND m.user_id = ? ORDER BY m.id`, []any{sub.TerritoryID, sub.UserID}, func(r *sql.Rows) error {
		var id int64
		var org, name, title, joined, left string
		var at time.Time
		if err := r.Scan(&id, &org, &name, &title, &joined, &left, db.ScanTime(&at)); err != nil {
			return err
		}
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "committee_members", ID: id}, Category: PrivacyMembers,
			Label: "Membre du comité des partenaires\u00a0: " + org, When: at, Fields: fields("name", name, "committee.title", title,
				"committee.organization", org, "committee.joined_on", joined, "committee.left_on", left)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.Each(ctx, q, `SELECT i.id, i.kind, i.body, i.owner_name, COALESCE(i.due_on, ''), i.created_at FROM committee_items i
		WHERE i.territory_id = ? AND i.owner_name <> '' AND lower(i.owner_name) IN (SELECT lower(m.representative) FROM committee_members m
		WHERE m.territory_id = ? AND m.user_id = ? AND m.representative <> '') ORDER BY i.id`,
		[]any{sub.TerritoryID, sub.TerritoryID, sub.UserID}, func(r *sql.Rows) error {
			var id int64
			var kind, body, owner, due string
			var at time.Time
			if err := r.Scan(&id, &kind, &body, &owner, &due, db.ScanTime(&at)); err != nil {
				return err
			}
			label := "Suivi du comité à votre charge"
			if kind == "decision" {
				label = "Décision du comité à votre charge"
			}
			out = append(out, privacy.Record{Ref: privacy.Ref{Table: "committee_items", ID: id}, Category: PrivacyOwners,
				Label: label, When: at, Fields: fields("name", owner, "committee.item", body, "committee.due_on", due)})
			return nil
		})
	return out, err
}

// Erase anonymises the person's seats on the committee (the organisation's
// membership and its dates stay: they are the committee's history) and
// blanks their name on the follow-ups in their charge.
func (s *Store) Erase(ctx context.Context, tx *db.Tx, sub privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	members := 0
	for _, r := range refs {
		switch r.Table {
		case "committee_members":
			res, err := tx.Exec(ctx, `UPDATE committee_members SET representative = '', title = '', user_id = NULL, updated_at = ?
				WHERE territory_id = ? AND id = ?`, s.now(), sub.TerritoryID, r.ID)
			if err != nil {
				return nil, err
			}
			n, _ := res.RowsAffected()
			members += int(n)
		case "committee_items":
			if _, err := tx.Exec(ctx, `UPDATE committee_items SET owner_name = '' WHERE territory_id = ? AND id = ?`,
				sub.TerritoryID, r.ID); err != nil {
				return nil, err
			}
		}
	}
	if members == 0 {
		return nil, nil
	}
	return []privacy.Kept{{Category: PrivacyMembers, Reason: "privacy.kept.committee.members", Count: members}}, nil
}

// Expire applies one of the committee's rules.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	var res sql.Result
	var err error
	switch rule {
	case RuleFormerMembers:
		t, err := s.territories.ByID(ctx, territoryID)
		if err != nil {
			return 0, err
		}
		res, err = tx.Exec(ctx, `UPDATE committee_members SET representative = '', title = '', user_id = NULL, updated_at = ?
			WHERE territory_id = ? AND left_on IS NOT NULL AND left_on < ? AND (representative <> '' OR title <> '' OR user_id IS NOT NULL)`,
			s.now(), territoryID, cutoff.In(t.Location()).Format(time.DateOnly))
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		return int(n), err
	case PrivacyOwners:
		res, err = tx.Exec(ctx, `UPDATE committee_items SET owner_name = '' WHERE territory_id = ? AND owner_name <> '' AND created_at < ?`,
			territoryID, db.Time(cutoff))
	default:
		return 0, fmt.Errorf("committee: no retention rule %q", rule)
	}
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Correct rewrites the person's name where they sit on the committee
// through their account, and on the follow-ups in their charge.
func (s *Store) Correct(ctx context.Context, tx *db.Tx, sub privacy.Subject, c privacy.Correction) (int, error) {
	name := clean(c.Name)
	if name == "" || sub.UserID == 0 {
		return 0, nil
	}
	res, err := tx.Exec(ctx, `UPDATE committee_items SET owner_name = ? WHERE territory_id = ? AND owner_name <> ''
		AND lower(owner_name) IN (SELECT lower(m.representative) FROM committee_members m WHERE m.territory_id = ? AND m.user_id = ?
		AND m.representative <> '')`, name, sub.TerritoryID, sub.TerritoryID, sub.UserID)
	if err != nil {
		return 0, err
	}
	items, _ := res.RowsAffected()
	res, err = tx.Exec(ctx, `UPDATE committee_members SET representative = ?, updated_at = ? WHERE territory_id = ? AND user_id = ?`,
		name, s.now(), sub.TerritoryID, sub.UserID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n + items), err
}

func fields(kv ...string) []privacy.Field {
	var out []privacy.Field
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			out = append(out, privacy.Field{Name: kv[i], Value: kv[i+1]})
		}
	}
	return out
}
