package orgs

import (
	"context"

	"implique/internal/db"
	"implique/internal/indicator"
	"implique/internal/territory"
)

var _ indicator.Source = (*Store)(nil)

// The keys of the indicators the organisations offer.
const (
	IndicatorAccompanied = "orgs.accompanied"
	// IndicatorMunicipalitiesAccompanied counts, among the organisations
	// accompanied, those that are a municipality's (its council or one of
	// its committees): « les municipalités sont formées et accompagnées ».
	IndicatorMunicipalitiesAccompanied = "orgs.municipalities_accompanied"
	IndicatorNetworked                 = "orgs.networked"
	IndicatorParticipation             = "orgs.policy_participation"
	IndicatorManagement                = "orgs.policy_management"
	IndicatorRecognition               = "orgs.policy_recognition"
	IndicatorSeatsVacant               = "orgs.seats_vacant"
	IndicatorManyHats                  = "orgs.many_hats"
	// IndicatorCommittees counts the citizen committees created.
	IndicatorCommittees = "orgs.citizen_committees"
)

// policyIndicators are the policies counted as indicators.
var policyIndicators = map[string]PolicyKind{
	IndicatorParticipation: ParticipationPolicy,
	IndicatorManagement:    ManagementPolicy,
	IndicatorRecognition:   RecognitionPolicy,
}

// Indicators lists what the organisations' data measures. Each is read for
// a place through the places the organisations serve.
func (s *Store) Indicators() []indicator.Definition {
	return []indicator.Definition{
		{Key: IndicatorAccompanied, Unit: indicator.Count, Places: true},
		{Key: IndicatorMunicipalitiesAccompanied, Unit: indicator.Count, Places: true},
		{Key: IndicatorNetworked, Unit: indicator.Count, Stock: true, Places: true},
		{Key: IndicatorParticipation, Unit: indicator.Count, Stock: true, Places: true},
		{Key: IndicatorManagement, Unit: indicator.Count, Stock: true, Places: true},
		{Key: IndicatorRecognition, Unit: indicator.Count, Stock: true, Places: true},
		{Key: IndicatorSeatsVacant, Unit: indicator.Count, Stock: true, Places: true},
		{Key: IndicatorManyHats, Unit: indicator.Count, Stock: true, People: true, Places: true},
		{Key: IndicatorCommittees, Unit: indicator.Count, Places: true},
	}
}

// Measure computes one indicator over a scope: counts only.
func (s *Store) Measure(ctx context.Context, key string, sc indicator.Scope) (float64, error) {
	if !indicator.Offers(s, key) {
		return 0, indicator.ErrUnknown
	}
	t, err := s.territories.ByID(ctx, sc.TerritoryID)
	if err != nil {
		return 0, err
	}
	loc := t.Location()
	fromD, toD := sc.Days(loc)
	from, to := fromD.String(), toD.String()
	// in is the condition « the organisation (column) serves the place or
	// one of its secteurs », with its arguments; nothing for the territory.
	in := func(column string) (string, []any) {
		if sc.PlaceSlug == "" {
			return "", nil
		}
		cond, a := territory.InScope("op.place_id", sc.TerritoryID, sc.PlaceSlug, territory.AndSecteurs)
		return ` AND EXISTS (SELECT 1 FROM organization_places op WHERE op.organization_id = ` + column + ` AND ` + cond + `)`, a
	}
	var n int
	switch key {
	case IndicatorAccompanied:
		cond, a := in("a.organization_id")
		err = s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT a.organization_id) FROM organization_accompaniments a
			WHERE a.territory_id = ? AND a.happened_on >= ? AND a.happened_on < ?`+cond,
			append([]any{sc.TerritoryID, from, to}, a...)...).Scan(&n)
	case IndicatorMunicipalitiesAccompanied:
		cond, a := in("a.organization_id")
		err = s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT a.organization_id) FROM organization_accompaniments a
			JOIN organizations o ON o.id = a.organization_id
			WHERE a.territory_id = ? AND o.kind IN (?, ?) AND a.happened_on >= ? AND a.happened_on < ?`+cond,
			append([]any{sc.TerritoryID, string(MunicipalCouncil), string(MunicipalCommittee), from, to}, a...)...).Scan(&n)
	case IndicatorNetworked:
		n, err = s.networked(ctx, sc, in)
	case IndicatorCommittees:
		cond, a := in("o.id")
		err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organizations o
			WHERE o.territory_id = ? AND o.kind = ? AND o.created_at >= ? AND o.created_at < ?`+cond,
			append([]any{sc.TerritoryID, string(CitizenCommittee), db.Time(sc.From), db.Time(sc.To)}, a...)...).Scan(&n)
	case IndicatorParticipation, IndicatorManagement, IndicatorRecognition:
		cond, a := in("p.organization_id")
		err = s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT p.organization_id) FROM organization_policies p
			WHERE p.territory_id = ? AND p.kind = ? AND p.adopted_on < ?`+cond,
			append([]any{sc.TerritoryID, string(policyIndicators[key]), to}, a...)...).Scan(&n)
	case IndicatorSeatsVacant:
		// A seat that existed at To and had nobody in it then: vacant now, or
		// its holder took it after To.
		cond, a := in("s.organization_id")
		err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organization_seats s WHERE s.territory_id = ? AND s.created_at < ?
			AND (s.holder_id IS NULL OR COALESCE(s.holder_since, s.term_start, '') >= ?)`+cond,
			append([]any{sc.TerritoryID, db.Time(sc.To), to}, a...)...).Scan(&n)
	case IndicatorManyHats:
		// Each person (the records staff linked count as one) holding, at To,
		// seats in two organisations or more; for a place, one of them serves it.
		here, a := "1", []any(nil)
		if sc.PlaceSlug != "" {
			cond, pa := in("s.organization_id")
			here, a = `CASE WHEN EXISTS (SELECT 1 FROM organizations g WHERE g.id = s.organization_id`+cond+`) THEN 1 ELSE 0 END`, pa
		}
		err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT y.person FROM (SELECT COALESCE(h.same_as, h.id) AS person,
			s.organization_id AS org, `+here+` AS here
			FROM organization_seats s JOIN organization_people h ON h.id = s.holder_id
			WHERE s.territory_id = ? AND s.created_at < ? AND COALESCE(s.holder_since, s.term_start, '') < ?) y
			GROUP BY y.person HAVING COUNT(DISTINCT y.org) >= 2 AND MAX(y.here) = 1) x`,
			append(a, sc.TerritoryID, db.Time(sc.To), to)...).Scan(&n)
	default:
		return 0, indicator.ErrUnknown
	}
	return float64(n), err
}

// networked counts the organisations linked at To to at least one other:
// both recorded as co-organisers of one event before To, or supporting
// the same citizen initiative (as the groups say today: their support has
// no date).
func (s *Store) networked(ctx context.Context, sc indicator.Scope, in func(string) (string, []any)) (int, error) {
	var groups []any
	if s.groups != nil {
		gs, err := s.groups.OrganizationGroups(ctx, sc.TerritoryID)
		if err != nil {
			return 0, err
		}
		seen := map[int64]bool{}
		for _, g := range gs {
			for _, id := range g {
				if !seen[id] {
					seen[id] = true
					groups = append(groups, id)
				}
			}
		}
	}
	cond, a := in("o.id")
	q := `SELECT COUNT(*) FROM organizations o WHERE o.territory_id = ?` + cond + ` AND (o.id IN (SELECT x.organization_id
		FROM organization_events x JOIN organization_events y ON y.event_id = x.event_id AND y.organization_id <> x.organization_id
		WHERE x.territory_id = ? AND x.created_at < ? AND y.created_at < ?)`
	args := append(append([]any{sc.TerritoryID}, a...), sc.TerritoryID, db.Time(sc.To), db.Time(sc.To))
	if len(groups) > 0 {
		q += ` OR o.id IN (` + db.Marks(len(groups)) + `)`
		args = append(args, groups...)
	}
	var n int
	err := s.db.QueryRow(ctx, q+`)`, args...).Scan(&n)
	return n, err
}
