package mail

import "context"

// CountFailed counts a territory's messages whose last attempt failed
// (they are retried; staff may need to correct an address or the server).
func (s *Store) CountFailed(ctx context.Context, territoryID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE territory_id = ? AND status = ?`, territoryID, StatusFailed).Scan(&n)
	return n, err
}
