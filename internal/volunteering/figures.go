package volunteering

import (
	"context"

	"implique/internal/territory"
)

// SupplyFigures are volunteer supply and demand in a territory or a place.
type SupplyFigures struct {
	// Volunteers counts the people with a volunteer profile living there.
	Volunteers int
	// Open counts the open opportunities for individuals there (not the
	// corporate teams), Unlimited those of them without a number of spots.
	Open, Unlimited int
	// SpotsSought adds up the spots still to fill in the open opportunities
	// with a number of spots.
	SpotsSought int
	// Waiting counts the applications to those opportunities still waiting
	// for an answer.
	Waiting int
}

// SupplyFigures counts the volunteers and the open opportunities for the
// whole territory (placeSlug "") or a place and its secteurs. Remote
// opportunities count for the whole territory only.
func (s *Store) SupplyFigures(ctx context.Context, territoryID int64, placeSlug string) (SupplyFigures, error) {
	var f SupplyFigures
	pq, pargs := `SELECT COUNT(*) FROM volunteer_profiles WHERE territory_id = ?`, []any{territoryID}
	oq, oargs := `o.territory_id = ? AND o.status = ? AND (o.ends_at IS NULL OR o.ends_at >= ?) AND o.kind NOT IN (?, ?)`,
		[]any{territoryID, StatusOpen, s.now(), string(CorporateOffer), string(CorporateRequest)}
	if placeSlug != "" {
		cond, a := territory.InScope("place_id", territoryID, placeSlug, territory.AndSecteurs)
		pq, pargs = pq+` AND `+cond, append(pargs, a...)
		cond, a = territory.InScope("o.place_id", territoryID, placeSlug, territory.AndSecteurs)
		oq, oargs = oq+` AND `+cond, append(oargs, a...)
	}
	if err := s.db.QueryRow(ctx, pq, pargs...).Scan(&f.Volunteers); err != nil {
		return f, err
	}
	err := s.db.QueryRow(ctx, `SELECT COUNT(*), COUNT(CASE WHEN spots IS NULL THEN 1 END),
		COALESCE(SUM(CASE WHEN spots IS NULL OR spots <= accepted THEN 0 ELSE spots - accepted END), 0), COALESCE(SUM(waiting), 0)
		FROM (SELECT o.spots,
			(SELECT COUNT(*) FROM volunteer_applications a WHERE a.opportunity_id = o.id AND a.status = 'accepted') AS accepted,
			(SELECT COUNT(*) FROM volunteer_applications a WHERE a.opportunity_id = o.id AND a.status = 'new') AS waiting
			FROM volunteer_opportunities o WHERE `+oq+`) x`, oargs...).Scan(&f.Open, &f.Unlimited, &f.SpotsSought, &f.Waiting)
	return f, err
}
