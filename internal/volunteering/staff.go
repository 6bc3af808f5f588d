package volunteering

import (
	"context"
	"time"
)

// AnswerWithin is how soon an organisation should answer a person who
// said « je suis intéressé·e »: later, the answer is overdue.
const AnswerWithin = 7 * 24 * time.Hour

// AnswersDue counts the applications waiting for an organisation's answer.
type AnswersDue struct {
	Waiting int
	// Overdue are those waiting for longer than AnswerWithin.
	Overdue int
}

// AnswersDue counts a territory's applications waiting for an answer (as
// WaitingFor lists them), and those overdue.
func (s *Store) AnswersDue(ctx context.Context, territoryID int64) (AnswersDue, error) {
	var a AnswersDue
	err := s.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.confirmed_at < ? THEN 1 ELSE 0 END), 0)`+appFrom+
		`WHERE a.territory_id = ? AND a.status = ?`, s.now().Add(-AnswerWithin), territoryID, New).Scan(&a.Waiting, &a.Overdue)
	return a, err
}
