package events

import (
	"context"

	"implique/internal/territory"
)

// DinnerFigures are the soupers citoyens held in a territory, or in a place
// and its secteurs, and the people who came.
type DinnerFigures struct {
	// Held counts the soupers citoyens held (not cancelled).
	Held int
	// Registered counts the people (parties included) with a confirmed seat
	// at those soupers, CheckedIn those of them welcomed at the door.
	Registered, CheckedIn int
	// Attendance adds up the attendance recorded when each souper was
	// closed (walk-ins included).
	Attendance int
}

// DinnerFigures counts the soupers citoyens held and their attendance, for
// the whole territory (placeSlug "") or a place and its secteurs. It reads
// counts only, never who came.
func (s *Store) DinnerFigures(ctx context.Context, territoryID int64, placeSlug string) (DinnerFigures, error) {
	scope, args := `e.territory_id = ? AND e.kind = ? AND e.held_at IS NOT NULL AND e.cancelled_at IS NULL`,
		[]any{territoryID, string(CitizenDinner)}
	if placeSlug != "" {
		cond, a := territory.InScope("e.place_id", territoryID, placeSlug, territory.AndSecteurs)
		scope, args = scope+` AND `+cond, append(args, a...)
	}
	var f DinnerFigures
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(e.attendance), 0) FROM events e WHERE `+scope, args...).
		Scan(&f.Held, &f.Attendance); err != nil {
		return f, err
	}
	err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(r.party_size), 0),
		COALESCE(SUM(CASE WHEN r.checked_in_at IS NOT NULL THEN r.party_size ELSE 0 END), 0)
		FROM registrations r JOIN events e ON e.id = r.event_id WHERE r.status = 'confirmed' AND `+scope, args...).
		Scan(&f.Registered, &f.CheckedIn)
	return f, err
}
