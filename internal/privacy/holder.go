package privacy

import (
	"context"
	"database/sql"
	"time"

	"implique/internal/db"
)

// own is the privacy centre as a holder: the requests name who asked, the
// access log names the member of staff who read.
type own struct{}

// Inventory implements Holder.
func (own) Inventory() []Category {
	return []Category{
		{Key: "privacy.requests", Columns: []string{"privacy_requests.email", "privacy_requests.details", "privacy_requests.answer"},
			Rule: "privacy.requests"},
		{Key: "privacy.access_log", Columns: []string{"privacy_access_log.user_id"}, Rule: "privacy.access_log"},
	}
}

// Retention implements Holder.
func (own) Retention() []Rule {
	return []Rule{
		{Key: "privacy.requests", Days: 365, Action: Destroy},
		{Key: "privacy.access_log", Days: 730, Action: Destroy},
	}
}

// Find implements Holder.
func (own) Find(ctx context.Context, q db.Querier, subj Subject) ([]Record, error) {
	var out []Record
	for _, e := range subj.Emails {
		err := db.Each(ctx, q, `SELECT id, kind, email, details, received_at, answer FROM privacy_requests
			WHERE territory_id = ? AND email = ?`, []any{subj.TerritoryID, e}, func(r *sql.Rows) error {
			var id int64
			var kind, email, details, answer string
			var at time.Time
			if err := r.Scan(&id, &kind, &email, &details, db.ScanTime(&at), &answer); err != nil {
				return err
			}
			out = append(out, Record{Ref: Ref{Table: "privacy_requests", ID: id}, Category: "privacy.requests", When: at,
				Fields: []Field{{"privacy.kind", kind}, {"email", email}, {"privacy.details", details}, {"privacy.answer", answer}}})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if subj.UserID != 0 {
		err := db.Each(ctx, q, `SELECT id, action, what, record, at FROM privacy_access_log WHERE territory_id = ? AND user_id = ?`,
			[]any{subj.TerritoryID, subj.UserID}, func(r *sql.Rows) error {
				var id int64
				var action, what, record string
				var at time.Time
				if err := r.Scan(&id, &action, &what, &record, db.ScanTime(&at)); err != nil {
					return err
				}
				out = append(out, Record{Ref: Ref{Table: "privacy_access_log", ID: id}, Category: "privacy.access_log", When: at,
					Fields: []Field{{"privacy.action", action}, {"privacy.what", what}, {"privacy.record", record}}})
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Erase implements Holder: a request is destroyed; a line of the access
// log loses the name of the member of staff but stays (the log is the
// proof of who read what, kept for its own time).
func (own) Erase(ctx context.Context, tx *db.Tx, _ Subject, refs []Ref) ([]Kept, error) {
	kept := 0
	for _, r := range refs {
		switch r.Table {
		case "privacy_requests":
			if _, err := tx.Exec(ctx, `DELETE FROM privacy_requests WHERE id = ?`, r.ID); err != nil {
				return nil, err
			}
		case "privacy_access_log":
			if _, err := tx.Exec(ctx, `UPDATE privacy_access_log SET user_id = NULL WHERE id = ?`, r.ID); err != nil {
				return nil, err
			}
			kept++
		}
	}
	if kept == 0 {
		return nil, nil
	}
	return []Kept{{Category: "privacy.access_log", Reason: "privacy.kept.privacy.access_log", Count: kept}}, nil
}

// Expire implements Holder.
func (own) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	var res sql.Result
	var err error
	switch rule {
	case "privacy.requests":
		res, err = tx.Exec(ctx, `DELETE FROM privacy_requests WHERE territory_id = ? AND answered_at IS NOT NULL AND answered_at < ?`,
			territoryID, db.Time(cutoff))
	case "privacy.access_log":
		res, err = tx.Exec(ctx, `DELETE FROM privacy_access_log WHERE territory_id = ? AND at < ?`, territoryID, db.Time(cutoff))
	default:
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
