package orgs

import (
	"context"
	"database/sql"

	"implique/internal/db"
	"implique/internal/territory"
)

// CauseCount is how many organisations work for one cause.
type CauseCount struct {
	Cause string
	Count int
}

// OrgFigures count the organisations of a territory or a place.
type OrgFigures struct {
	// Organizations counts them all, Public those in the public directory.
	Organizations, Public int
	// Causes count the organisations by cause, in the order of Causes,
	// leaving out the causes nobody works for.
	Causes []CauseCount
}

// OrgFigures counts the organisations, for the whole territory (placeSlug
// "") or those serving a place or one of its secteurs.
func (s *Store) OrgFigures(ctx context.Context, territoryID int64, placeSlug string) (OrgFigures, error) {
	scope, args := `o.territory_id = ?`, []any{territoryID}
	if placeSlug != "" {
		cond, a := territory.InScope("op.place_id", territoryID, placeSlug, territory.AndSecteurs)
		scope += ` AND EXISTS (SELECT 1 FROM organization_places op WHERE op.organization_id = o.id AND ` + cond + `)`
		args = append(args, a...)
	}
	var f OrgFigures
	err := s.db.QueryRow(ctx, `SELECT COUNT(*), COUNT(CASE WHEN o.is_public THEN 1 END) FROM organizations o WHERE `+scope, args...).
		Scan(&f.Organizations, &f.Public)
	if err != nil {
		return f, err
	}
	counts := map[string]int{}
	err = db.Each(ctx, s.db, `SELECT oc.cause, COUNT(*) FROM organization_causes oc JOIN organizations o ON o.id = oc.organization_id
		WHERE `+scope+` GROUP BY oc.cause`, args, func(rows *sql.Rows) error {
		var c string
		var n int
		err := rows.Scan(&c, &n)
		counts[c] = n
		return err
	})
	for _, c := range Causes {
		if counts[c] > 0 {
			f.Causes = append(f.Causes, CauseCount{Cause: c, Count: counts[c]})
		}
	}
	return f, err
}
