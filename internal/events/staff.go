package events

import (
	"context"
	"strings"
	"time"

	"implique/internal/db"
)

// manyChunk bounds the ids of one query (both engines accept far more).
const manyChunk = 500

// Many returns the events of a territory among ids, by id, in one query
// per 500 ids: for pages that count things per event and must name them
// (their facilitators are not loaded). Ids of other territories or of no
// event are left out.
func (s *Store) Many(ctx context.Context, territoryID int64, ids []int64) (map[int64]Event, error) {
	out := make(map[int64]Event, len(ids))
	for start := 0; start < len(ids); start += manyChunk {
		chunk := ids[start:min(start+manyChunk, len(ids))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, territoryID)
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := s.db.Query(ctx, `SELECT `+eventCols+eventFrom+`WHERE e.territory_id = ? AND e.id IN (`+
			db.Marks(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			e, err := scanEvent(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[e.ID] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ToClose counts the published events that started and are not closed
// yet: staff record who came and what was said (the « À clore » list).
func (s *Store) ToClose(ctx context.Context, territoryID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM events WHERE territory_id = ? AND cancelled_at IS NULL AND held_at IS NULL
		AND publish_at IS NOT NULL AND starts_at <= ?`, territoryID, s.now()).Scan(&n)
	return n, err
}

// RegistrationsMade counts the registrations to the events ids of the
// territory made in [from, to) and not cancelled since (each counts once,
// whatever its party size).
func (s *Store) RegistrationsMade(ctx context.Context, territoryID int64, ids []int64, from, to time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	args := []any{territoryID, from.UTC(), to.UTC()}
	marks := make([]string, len(ids))
	for i, id := range ids {
		marks[i] = "?"
		args = append(args, id)
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM registrations WHERE territory_id = ? AND created_at >= ? AND created_at < ?
		AND cancelled_at IS NULL AND event_id IN (`+strings.Join(marks, ", ")+`)`, args...).Scan(&n)
	return n, err
}
