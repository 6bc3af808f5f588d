package volunteering

import (
	"context"
	"math"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/indicator"
	"implique/internal/orgs"
	"implique/internal/territory"
)

var _ indicator.Source = (*Store)(nil)

// The keys of the indicators volunteering offers.
const (
	IndicatorMatched        = "volunteering.matched"
	IndicatorHours          = "volunteering.hours"
	IndicatorHoursValue     = "volunteering.hours_value"
	IndicatorBusinesses     = "volunteering.businesses"
	IndicatorSchoolProjects = "volunteering.school_projects"
)

// ErrNoHourValue is what Measure returns for the hours' value while staff
// have set no value for an hour of volunteering.
var ErrNoHourValue = errs.New(errs.Conflict, "errors.volunteer_hour_value_unset")

// Indicators lists what the volunteering data measures. A place is read
// through the place of the opportunity (remote opportunities, and hours
// given without one, count for the whole territory only); the businesses
// exist for the whole territory only.
func (s *Store) Indicators() []indicator.Definition {
	return []indicator.Definition{
		{Key: IndicatorMatched, Unit: indicator.Count, People: true, Places: true},
		{Key: IndicatorHours, Unit: indicator.Hours, Places: true},
		{Key: IndicatorHoursValue, Unit: indicator.Dollars, Places: true},
		{Key: IndicatorBusinesses, Unit: indicator.Count},
		{Key: IndicatorSchoolProjects, Unit: indicator.Count, Places: true},
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
	fromDay, toDay := fromD.String(), toD.String()
	from, to := db.Time(sc.From), db.Time(sc.To)
	// in is the condition « the opportunity (its place column) is in the
	// place or one of its secteurs », with its arguments.
	in := func(column string) (string, []any) {
		if sc.PlaceSlug == "" {
			return "", nil
		}
		cond, a := territory.InScope(column, sc.TerritoryID, sc.PlaceSlug, territory.AndSecteurs)
		return ` AND ` + cond, a
	}
	var n int64
	switch key {
	case IndicatorMatched:
		// The people whose offer of help was accepted in the period: an
		// accepted application is last changed when it was accepted. The
		// corporate teams are the businesses' indicator.
		cond, a := in("o.place_id")
		err = s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT a.user_id) FROM volunteer_applications a
			JOIN volunteer_opportunities o ON o.id = a.opportunity_id
			WHERE a.territory_id = ? AND a.status = ? AND a.updated_at >= ? AND a.updated_at < ? AND o.kind NOT IN (?, ?)`+cond,
			append([]any{sc.TerritoryID, Accepted, from, to, string(CorporateOffer), string(CorporateRequest)}, a...)...).Scan(&n)
	case IndicatorHours, IndicatorHoursValue:
		minutes, err := s.confirmedMinutes(ctx, sc, fromDay, toDay, in)
		if err != nil || key == IndicatorHours {
			return float64(minutes) / 60, err
		}
		set, err := s.Settings(ctx, sc.TerritoryID)
		if err != nil {
			return 0, err
		}
		if set.HourValueCents == nil {
			return 0, ErrNoHourValue
		}
		return math.Round(float64(minutes)*float64(*set.HourValueCents)/60) / 100, nil
	case IndicatorBusinesses:
		// As BusinessHours counts them: the employers of confirmed hours
		// given in the period, and the businesses that posted a team's day
		// in the period.
		err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (
			SELECT h.employer_id AS id FROM volunteer_hours h
			WHERE h.territory_id = ? AND h.status = ? AND h.employer_id IS NOT NULL AND h.day >= ? AND h.day < ?
			UNION
			SELECT o.organization_id FROM volunteer_opportunities o JOIN organizations g ON g.id = o.organization_id
			WHERE o.territory_id = ? AND o.kind = ? AND g.kind = ? AND o.published_at >= ? AND o.published_at < ?) x`,
			sc.TerritoryID, HoursConfirmed, fromDay, toDay, sc.TerritoryID, string(CorporateOffer), string(orgs.Business), from, to).Scan(&n)
	case IndicatorSchoolProjects:
		cond, a := in("o.place_id")
		err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM volunteer_opportunities o
			WHERE o.territory_id = ? AND o.kind = ? AND o.published_at >= ? AND o.published_at < ?`+cond,
			append([]any{sc.TerritoryID, string(SchoolProject), from, to}, a...)...).Scan(&n)
	default:
		return 0, indicator.ErrUnknown
	}
	return float64(n), err
}

// confirmedMinutes adds up the confirmed minutes given on the days
// [fromDay, toDay); for a place, those of the opportunities there.
func (s *Store) confirmedMinutes(ctx context.Context, sc indicator.Scope, fromDay, toDay string, in func(string) (string, []any)) (int64, error) {
	join, cond, a := "", "", []any(nil)
	if sc.PlaceSlug != "" {
		join = ` JOIN volunteer_opportunities o ON o.id = h.opportunity_id`
		cond, a = in("o.place_id")
	}
	var minutes int64
	err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(h.minutes), 0) FROM volunteer_hours h`+join+`
		WHERE h.territory_id = ? AND h.status = ? AND h.day >= ? AND h.day < ?`+cond,
		append([]any{sc.TerritoryID, HoursConfirmed, fromDay, toDay}, a...)...).Scan(&minutes)
	return minutes, err
}
