package connections

import (
	"context"

	"implique/internal/events"
	"implique/internal/indicator"
)

var _ indicator.Source = (*Store)(nil)

// indLinksCreated is the indicator « création de liens entre les citoyens ».
const indLinksCreated = "connections.links_created"

// Indicators lists what the connections measure: the links created.
func (s *Store) Indicators() []indicator.Definition {
	return []indicator.Definition{{Key: indLinksCreated, Unit: indicator.Count, Places: true}}
}

// Measure computes one of the connections' indicators over sc: the links
// (two people who chose each other) made in the period, at the events of
// the place and its secteurs when sc names one. It reads counts only.
func (s *Store) Measure(ctx context.Context, key string, sc indicator.Scope) (float64, error) {
	if key != indLinksCreated {
		return 0, indicator.ErrUnknown
	}
	q, args := `SELECT COUNT(*) FROM connection_links l WHERE l.territory_id = ? AND l.created_at >= ? AND l.created_at < ?`,
		[]any{sc.TerritoryID, sc.From, sc.To}
	if sc.PlaceSlug != "" {
		cond, a := events.InScope("l.event_id", sc.TerritoryID, sc.PlaceSlug)
		q, args = q+` AND `+cond, append(args, a...)
	}
	var n int
	err := s.db.QueryRow(ctx, q, args...).Scan(&n)
	return float64(n), err
}
