package tracking

import (
	"context"

	"implique/internal/indicator"
)

var _ indicator.Source = (*Store)(nil)

// indJebenevoleClicks is the indicator « utilisation de jebénévole.ca ».
const indJebenevoleClicks = "tracking.jebenevole_clicks"

// Indicators lists what the tracked links measure: the clicks toward
// jebénévole.ca, for the whole territory only.
func (s *Store) Indicators() []indicator.Definition {
	return []indicator.Definition{{Key: indJebenevoleClicks, Unit: indicator.Count}}
}

// Measure computes one of the tracked links' indicators over sc: the clicks
// on the links leading to jebénévole.ca (IsJebenevole) on the days of the
// period. Clicks are counted by day in the territory's zone, so a day
// counts when it begins within [From, To). The indicator has no value for
// a place: a scope naming one is ErrUnknown.
func (s *Store) Measure(ctx context.Context, key string, sc indicator.Scope) (float64, error) {
	if key != indJebenevoleClicks || sc.PlaceSlug != "" {
		return 0, indicator.ErrUnknown
	}
	t, err := s.territories.ByID(ctx, sc.TerritoryID)
	if err != nil {
		return 0, err
	}
	first, end := sc.Days(t.Location())
	var n int
	err = s.db.QueryRow(ctx, `SELECT COALESCE(SUM(c.clicks), 0) FROM tracked_clicks c JOIN tracked_links l ON l.id = c.link_id
		WHERE l.territory_id = ? AND (l.target_host = ? OR l.target_host LIKE ?) AND c.day >= ? AND c.day < ?`,
		sc.TerritoryID, JebenevoleHost, "%."+JebenevoleHost, first, end).Scan(&n)
	return float64(n), err
}
