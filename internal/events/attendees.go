package events

import (
	"context"
	"database/sql"
	"strings"

	"implique/internal/db"
)

// Attendees lists the people who came to events: their confirmed
// registrations that were checked in at the door, event by event, by name.
func (s *Store) Attendees(ctx context.Context, territoryID int64, eventIDs ...int64) ([]Registration, error) {
	if len(eventIDs) == 0 {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+regCols+regFrom+`WHERE r.territory_id = ? AND r.event_id IN (`+db.Marks(len(eventIDs))+`)
		AND r.status = 'confirmed' AND r.checked_in_at IS NOT NULL ORDER BY r.event_id, r.name, r.id`, append([]any{territoryID}, db.Args(eventIDs)...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReturningAttendees counts the people who came back: the same e-mail or
// phone checked in at two or more events of the territory (not cancelled).
// Someone known by their e-mail at one event and their phone at another
// counts once when one registration gave both.
func (s *Store) ReturningAttendees(ctx context.Context, territoryID int64) (int, error) {
	return countReturning(ctx, s.db, `SELECT r.event_id, r.email, r.phone_key, 1 FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.territory_id = ? AND r.status = 'confirmed' AND r.checked_in_at IS NOT NULL AND e.cancelled_at IS NULL
		AND (r.email <> '' OR r.phone_key <> '')`, []any{territoryID})
}

// CheckedIn tells which registrations of these events were checked in at
// the door (confirmed, present): one query for a whole cohort's sessions.
func (s *Store) CheckedIn(ctx context.Context, territoryID int64, eventIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(eventIDs) == 0 {
		return out, nil
	}
	q := `SELECT r.id FROM registrations r WHERE r.territory_id = ? AND r.status = 'confirmed' AND r.checked_in_at IS NOT NULL
		AND r.event_id IN (?` + strings.Repeat(", ?", len(eventIDs)-1) + `)`
	args := []any{territoryID}
	for _, id := range eventIDs {
		args = append(args, id)
	}
	err := db.Each(ctx, s.db, q, args, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		out[id] = true
		return err
	})
	return out, err
}
