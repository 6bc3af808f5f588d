package events

import (
	"context"
	"strings"
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
			strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`)`, args...)
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
