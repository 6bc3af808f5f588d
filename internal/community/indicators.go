package community

import (
	"context"

	"implique/internal/indicator"
	"implique/internal/territory"
)

var _ indicator.Source = (*Store)(nil)

// The indicators the community offers, "community.<what>" (their names
// are in the catalogs under "indicator.<key>").
const (
	indicatorPrefix         = "community."
	indNeedsRaised          = indicatorPrefix + "needs_raised"
	indIdeasRaised          = indicatorPrefix + "ideas_raised"
	indIdeasTurned          = indicatorPrefix + "ideas_turned"
	indCommunitiesActive    = indicatorPrefix + "communities_active"
	indInitiativesSupported = indicatorPrefix + "initiatives_supported"
	indInitiativeActors     = indicatorPrefix + "initiative_actors"
)

// Indicators lists what the community measures: the needs and ideas
// raised, those that became a communauté de partage's or an initiative, the
// communities open, and the initiatives local actors support.
func (s *Store) Indicators() []indicator.Definition {
	return []indicator.Definition{
		{Key: indNeedsRaised, Unit: indicator.Count, Places: true},
		{Key: indIdeasRaised, Unit: indicator.Count, Places: true},
		{Key: indIdeasTurned, Unit: indicator.Count, Places: true},
		{Key: indCommunitiesActive, Unit: indicator.Count, Stock: true, Places: true},
		{Key: indInitiativesSupported, Unit: indicator.Count, Stock: true, Places: true},
		{Key: indInitiativeActors, Unit: indicator.Count, Stock: true, Places: true},
	}
}

// Measure computes one of the community's indicators over sc. It reads
// counts only, never who.
func (s *Store) Measure(ctx context.Context, key string, sc indicator.Scope) (float64, error) {
	// place adds the condition that column names the place of sc or one
	// of its secteurs, when sc names one.
	place := func(q string, args []any, column string) (string, []any) {
		if sc.PlaceSlug == "" {
			return q, args
		}
		cond, a := territory.InScope(column, sc.TerritoryID, sc.PlaceSlug, territory.AndSecteurs)
		return q + ` AND ` + cond, append(args, a...)
	}
	var q string
	var args []any
	switch key {
	case indNeedsRaised, indIdeasRaised:
		// Approved: those the public sees (as IdeaFigures counts them).
		kind := Idea
		if key == indNeedsRaised {
			kind = Need
		}
		q, args = place(`SELECT COUNT(*) FROM ideas WHERE territory_id = ? AND moderation = ? AND kind = ?
			AND created_at >= ? AND created_at < ?`, []any{sc.TerritoryID, Approved, string(kind), sc.From, sc.To}, "place_id")
	case indIdeasTurned:
		// An idea turns once: the first time an initiative was born of
		// it or a community took it on.
		q, args = place(`SELECT COUNT(*) FROM ideas i JOIN (SELECT t.idea_id, MIN(t.at) AS first_at FROM (
				SELECT idea_id, created_at AS at FROM initiatives WHERE territory_id = ? AND idea_id IS NOT NULL
				UNION ALL SELECT ci.idea_id, ci.added_at FROM community_ideas ci JOIN communities c ON c.id = ci.community_id
				WHERE c.territory_id = ?) t GROUP BY t.idea_id) f ON f.idea_id = i.id
			WHERE i.territory_id = ? AND i.moderation = ? AND f.first_at >= ? AND f.first_at < ?`,
			[]any{sc.TerritoryID, sc.TerritoryID, sc.TerritoryID, Approved, sc.From, sc.To}, "i.place_id")
	case indCommunitiesActive:
		// A community serving several places counts once.
		q, args = `SELECT COUNT(*) FROM communities c WHERE c.territory_id = ? AND c.created_at < ?
			AND (c.closed_at IS NULL OR c.closed_at >= ?)`, []any{sc.TerritoryID, sc.To, sc.To}
		if sc.PlaceSlug != "" {
			cond, a := territory.InScope("cp.place_id", sc.TerritoryID, sc.PlaceSlug, territory.AndSecteurs)
			q, args = q+` AND EXISTS (SELECT 1 FROM community_places cp WHERE cp.community_id = c.id AND `+cond+`)`, append(args, a...)
		}
	case indInitiativesSupported, indInitiativeActors:
		// The initiatives published before To, whose status at To (the
		// last step of their story before it) is not abandoned, and the
		// actors who supported them by then. An actor of the directory is
		// one organisation across initiatives; another is its name.
		count := `COUNT(DISTINCT i.id)`
		if key == indInitiativeActors {
			count = `COUNT(DISTINCT CASE WHEN a.organization_id IS NOT NULL THEN 'o' || CAST(a.organization_id AS TEXT)
				ELSE 'n' || LOWER(TRIM(a.name)) END)`
		}
		q, args = place(`SELECT `+count+` FROM initiatives i JOIN initiative_actors a ON a.initiative_id = i.id AND a.created_at < ?
			WHERE i.territory_id = ? AND i.published_at IS NOT NULL AND i.published_at < ?
			AND COALESCE((SELECT h.status FROM initiative_history h WHERE h.initiative_id = i.id AND h.changed_at < ?
				ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), i.status) <> ?`,
			[]any{sc.To, sc.TerritoryID, sc.To, sc.To, string(Abandoned)}, "i.place_id")
	default:
		return 0, indicator.ErrUnknown
	}
	var n int
	err := s.db.QueryRow(ctx, q, args...).Scan(&n)
	return float64(n), err
}
