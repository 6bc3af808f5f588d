package training

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"implique/internal/db"
	"implique/internal/events"
	"implique/internal/indicator"
	"implique/internal/territory"
)

var _ indicator.Source = (*Store)(nil)

// The indicators the trainings offer.
const (
	IndicatorTrained               = "training.trained"
	IndicatorCompleted             = "training.completed"
	IndicatorMunicipalitiesTrained = "training.municipalities_trained"
	IndicatorOrganizationsTrained  = "training.organizations_trained"
	IndicatorCohortsCompleted      = "training.cohorts_completed"
)

// Indicators lists what the trainings measure: the people trained (at
// least one session attended in the period) and those who completed a
// training, the municipalities and the organisations whose members were
// trained, and the cohorts completed.
//
// The same two counts are offered per program too, as
// "training.trained.<audience>" and "training.completed.<audience>" (see
// PerAudience). A program is a row staff create, so its id cannot be a
// key: the indicators are declared once and for good (their names in the
// catalogs, the targets kept against them), and a key made of a row's id
// would name nothing in the catalogs and vanish with the row. The
// audience is what a program is for, a fixed list: each program of the
// demo has its own (citizens, organisations, municipalities), so reading
// by audience is reading per program; two programs for one audience are
// counted together, which is what a funder asks of a target like « élus
// formés ».
func (s *Store) Indicators() []indicator.Definition {
	defs := []indicator.Definition{
		{Key: IndicatorTrained, Unit: indicator.Count, People: true, Places: true},
		{Key: IndicatorCompleted, Unit: indicator.Count, People: true, Places: true},
		{Key: IndicatorMunicipalitiesTrained, Unit: indicator.Count, Places: true},
		{Key: IndicatorOrganizationsTrained, Unit: indicator.Count, Places: true},
		{Key: IndicatorCohortsCompleted, Unit: indicator.Count, Places: true},
	}
	for _, a := range Audiences {
		defs = append(defs,
			indicator.Definition{Key: PerAudience(IndicatorTrained, a), Unit: indicator.Count, People: true, Places: true},
			indicator.Definition{Key: PerAudience(IndicatorCompleted, a), Unit: indicator.Count, People: true, Places: true})
	}
	return defs
}

// PerAudience is the key of IndicatorTrained or IndicatorCompleted read
// for the programs of one audience only.
func PerAudience(key, audience string) string { return key + "." + audience }

// audienceOf splits a key read per audience into the key and the
// audience; other keys come back as they are, with "".
func audienceOf(key string) (string, string) {
	for _, base := range []string{IndicatorTrained, IndicatorCompleted} {
		if a, ok := strings.CutPrefix(key, base+"."); ok && validAudience(a) {
			return base, a
		}
	}
	return key, ""
}

// municipal are the kinds of organisation that are a municipality's.
const municipal = `('municipal_council', 'municipal_committee')`

// Measure computes one of the trainings' indicators over sc: a cohort
// counts for a place when it is given there or in one of its secteurs.
// It reads counts only, never who.
func (s *Store) Measure(ctx context.Context, key string, sc indicator.Scope) (float64, error) {
	cohorts, args := `c.territory_id = ?`, []any{sc.TerritoryID}
	if sc.PlaceSlug != "" {
		cond, a := territory.InScope("cp.place_id", sc.TerritoryID, sc.PlaceSlug, territory.AndSecteurs)
		cohorts += ` AND c.id IN (SELECT cp.cohort_id FROM training_cohort_places cp WHERE ` + cond + `)`
		args = append(args, a...)
	}
	key, audience := audienceOf(key)
	if audience != "" {
		cohorts += ` AND c.program_id IN (SELECT pr.id FROM training_programs pr WHERE pr.audience = ?)`
		args = append(args, audience)
	}
	switch key {
	case IndicatorCompleted, IndicatorCohortsCompleted:
		t, err := s.territories.ByID(ctx, sc.TerritoryID)
		if err != nil {
			return 0, err
		}
		from, to := sc.Days(t.Location())
		q := `SELECT COUNT(*) FROM training_cohorts c WHERE ` + cohorts + ` AND c.status = 'completed' AND c.completed_on >= ? AND c.completed_on < ?`
		if key == IndicatorCompleted {
			q = `SELECT COUNT(*) FROM training_enrolments e JOIN training_cohorts c ON c.id = e.cohort_id WHERE ` + cohorts + `
				AND c.status = 'completed' AND c.completed_on >= ? AND c.completed_on < ? AND e.status = 'confirmed' AND e.completed = ?`
		}
		var n int
		a := append(append([]any{}, args...), from.String(), to.String())
		if key == IndicatorCompleted {
			a = append(a, true)
		}
		err = s.db.QueryRow(ctx, q, a...).Scan(&n)
		return float64(n), err
	case IndicatorTrained, IndicatorMunicipalitiesTrained, IndicatorOrganizationsTrained:
	default:
		return 0, indicator.ErrUnknown
	}
	// Who attended a session that started in the period: the sessions'
	// dates and check-in belong to the events.
	type reg struct {
		event, registration int64
		person              string
		org                 int64
		municipal           bool
	}
	var regs []reg
	var eventIDs []int64
	seen := map[int64]bool{}
	err := db.Each(ctx, s.db, `SELECT r.event_id, r.registration_id, e.id, e.email, e.phone_key, COALESCE(e.organization_id, 0),
		CASE WHEN o.kind IN `+municipal+` THEN 1 ELSE 0 END
		FROM training_registrations r JOIN training_enrolments e ON e.id = r.enrolment_id
		JOIN training_cohorts c ON c.id = e.cohort_id LEFT JOIN organizations o ON o.id = e.organization_id
		WHERE `+cohorts, args, func(rows *sql.Rows) error {
		var g reg
		var id int64
		var email, phone string
		var m int
		if err := rows.Scan(&g.event, &g.registration, &id, &email, &phone, &g.org, &m); err != nil {
			return err
		}
		switch {
		case email != "":
			g.person = "e:" + email
		case phone != "":
			g.person = "p:" + phone
		default:
			g.person = fmt.Sprintf("i:%d", id)
		}
		g.municipal = m == 1
		regs = append(regs, g)
		if !seen[g.event] {
			seen[g.event] = true
			eventIDs = append(eventIDs, g.event)
		}
		return nil
	})
	if err != nil || len(regs) == 0 {
		return 0, err
	}
	evs, err := s.events.Many(ctx, sc.TerritoryID, eventIDs)
	if err != nil {
		return 0, err
	}
	var inPeriod []int64
	for _, id := range eventIDs {
		if e, ok := evs[id]; ok && inScope(e, sc) {
			inPeriod = append(inPeriod, id)
		}
	}
	present, err := s.events.CheckedIn(ctx, sc.TerritoryID, inPeriod)
	if err != nil {
		return 0, err
	}
	counted := map[string]bool{}
	for _, g := range regs {
		if !present[g.registration] {
			continue
		}
		switch key {
		case IndicatorTrained:
			counted[g.person] = true
		case IndicatorOrganizationsTrained:
			if g.org != 0 {
				counted[fmt.Sprint(g.org)] = true
			}
		case IndicatorMunicipalitiesTrained:
			if g.org != 0 && g.municipal {
				counted[fmt.Sprint(g.org)] = true
			}
		}
	}
	return float64(len(counted)), nil
}

// inScope reports whether a session started in the scope's period and
// was not cancelled.
func inScope(e events.Event, sc indicator.Scope) bool {
	return e.CancelledAt == nil && !e.StartsAt.Before(sc.From) && e.StartsAt.Before(sc.To)
}
