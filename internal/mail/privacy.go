package mail

import (
	"context"
	"database/sql"
	"time"

	"implique/internal/db"
	"implique/internal/privacy"
)

// The outbox as the privacy centre sees it: every e-mail sent to the
// person, by its address. A message that has left is kept 30 days (so that
// administrators can see what went out, and answer « I never got it »),
// then destroyed with its attachments. Messages without a territory (an
// account's sign-in links) are the person's in every territory.
//
// mail_limits is not listed: its keys are hashed and forgotten when their
// window ends.

const (
	catOutbox  = "mail.outbox"
	ruleOutbox = "mail.outbox"
)

// Inventory says what the outbox keeps.
func (s *Store) Inventory() []privacy.Category {
	return []privacy.Category{{Key: catOutbox, Columns: []string{"mail_outbox.to_addr", "mail_outbox.subject", "mail_outbox.body_text",
		"mail_outbox.body_html", "mail_outbox.headers", "mail_outbox.secrets", "mail_attachments.filename", "mail_attachments.data"},
		Rule: ruleOutbox}}
}

// Retention lists the outbox's rule: messages that have left are destroyed
// 30 days after they left.
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{{Key: ruleOutbox, Days: 30, Action: privacy.Destroy}}
}

// Find lists the messages sent to the subject's addresses, their private
// links masked.
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	if len(sub.Emails) == 0 {
		return nil, nil
	}
	args := []any{sub.TerritoryID}
	for _, e := range sub.Emails {
		args = append(args, e)
	}
	var out []privacy.Record
	err := db.Each(ctx, q, `SELECT `+itemCols+` FROM mail_outbox WHERE (territory_id = ? OR territory_id IS NULL)
		AND lower(to_addr) IN (`+db.Marks(len(sub.Emails))+`) ORDER BY id`, args, func(r *sql.Rows) error {
		it, err := scanItem(r)
		if err != nil {
			return err
		}
		it = it.Masked("lien privé")
		fields := []privacy.Field{{Name: "email", Value: it.To}, {Name: "mail.subject", Value: it.Subject},
			{Name: "status", Value: it.Status}, {Name: "created_at", Value: it.CreatedAt.UTC().Format(time.RFC3339)}}
		if it.SentAt != nil {
			fields = append(fields, privacy.Field{Name: "mail.sent_at", Value: it.SentAt.UTC().Format(time.RFC3339)})
		}
		fields = append(fields, privacy.Field{Name: "mail.body_text", Value: it.Text})
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "mail_outbox", ID: it.ID}, Category: catOutbox,
			Label: "Courriel\u00a0: " + it.Subject, When: it.CreatedAt, Fields: fields})
		return nil
	})
	return out, err
}

// Erase destroys the messages refs names, with their attachments; a
// message still waiting is not sent.
func (s *Store) Erase(ctx context.Context, tx *db.Tx, _ privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	for _, ref := range refs {
		if ref.Table != "mail_outbox" {
			continue
		}
		if _, err := tx.Exec(ctx, `DELETE FROM mail_attachments WHERE outbox_id = ?`, ref.ID); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM mail_outbox WHERE id = ?`, ref.ID); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// Expire destroys the messages of the territory that left before cutoff
// (sent, kept in the outbox, or refused for good), with their attachments.
// Messages still waiting or being sent stay.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	if rule != ruleOutbox {
		return 0, nil
	}
	const due = `(territory_id = ? OR territory_id IS NULL) AND status NOT IN ('queued', 'sending') AND COALESCE(sent_at, created_at) < ?`
	cutoff = db.Time(cutoff)
	if _, err := tx.Exec(ctx, `DELETE FROM mail_attachments WHERE outbox_id IN (SELECT id FROM mail_outbox WHERE `+due+`)`,
		territoryID, cutoff); err != nil {
		return 0, err
	}
	res, err := tx.Exec(ctx, `DELETE FROM mail_outbox WHERE `+due, territoryID, cutoff)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
