package impact

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/indicator"
	"implique/internal/territory"
)

// Snapshot is one value of an indicator: over a period, for the territory
// (no place) or one place and its secteurs, and when it was computed or
// entered. A snapshot a report used never changes; a later value of the
// same period is a new snapshot that names the one it corrects.
type Snapshot struct {
	ID, IndicatorID int64
	Period          Period
	// PlaceID is nil for the whole territory.
	PlaceID              *int64
	PlaceSlug, PlaceName string
	// Value is nil when it rests on too few answers to be shown.
	Value *float64
	// Note says where an entered value comes from.
	Note       string
	EnteredBy  *int64
	ComputedAt time.Time
	Corrects   *int64
	// Used is true once a report used it.
	Used bool
}

// Grace is how long after its end a period is still computed again by the
// refresh (late entries of hours, attendance typed the day after). After
// it, only staff recompute a past period, as a correction.
const Grace = 7 * 24 * time.Hour

// Window sizes of the series kept and shown, per period kind.
var seriesLength = map[PeriodKind]int{Month: 12, Quarter: 8, Year: 3, Total: 12}

const snapshotCols = `s.id, s.indicator_id, s.period_start, s.period_end, s.place_id, COALESCE(p.slug, ''), COALESCE(p.name, ''),
	s.value, s.note, s.entered_by, s.computed_at, s.corrects,
	EXISTS (SELECT 1 FROM impact_report_snapshots r WHERE r.snapshot_id = s.id)`

const snapshotFrom = ` FROM impact_snapshots s LEFT JOIN places p ON p.id = s.place_id`

func scanSnapshot(row interface{ Scan(...any) error }) (Snapshot, error) {
	var sn Snapshot
	err := row.Scan(&sn.ID, &sn.IndicatorID, &sn.Period.Start, &sn.Period.End, &sn.PlaceID, &sn.PlaceSlug, &sn.PlaceName,
		&sn.Value, &sn.Note, &sn.EnteredBy, &sn.ComputedAt, &sn.Corrects, &sn.Used)
	return sn, err
}

// today is the day it is in the territory.
func (s *Store) today(t territory.Territory) calendar.Date {
	return calendar.DateOf(s.now().In(t.Location()))
}

// municipalities are the places values are read for one by one: the
// places without a parent (a secteur counts in its municipality).
func (s *Store) municipalities(ctx context.Context, territoryID int64) ([]territory.Place, error) {
	all, err := s.territories.Places(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	var out []territory.Place
	for _, p := range all {
		if p.ParentID == nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// RefreshStats says what a refresh did.
type RefreshStats struct {
	// Measured counts the values computed, Written those that were new or
	// changed.
	Measured, Written int
}

// Refresh computes every computed indicator of the territory: the period
// holding today and those ended less than Grace ago, and every period of
// the recent series that has no value yet — for the territory, and for
// each municipality when the indicator reads by place (the periods of the
// program year only, by place). Values of older periods are left as they
// were kept.
func (s *Store) Refresh(ctx context.Context, territoryID int64) (RefreshStats, error) {
	var st RefreshStats
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return st, err
	}
	m, err := s.Model(ctx, territoryID)
	if err != nil {
		return st, err
	}
	inds, err := s.Indicators(ctx, territoryID, false)
	if err != nil {
		return st, err
	}
	places, err := s.municipalities(ctx, territoryID)
	if err != nil {
		return st, err
	}
	today := s.today(t)
	recent := calendar.DateOf(s.now().In(t.Location()).Add(-Grace))
	for _, ind := range inds {
		if ind.Def == nil {
			continue
		}
		have, err := s.kept(ctx, ind.ID)
		if err != nil {
			return st, err
		}
		scopes := []*territory.Place{nil}
		if ind.Def.Places {
			for i := range places {
				scopes = append(scopes, &places[i])
			}
		}
		for _, p := range Series(ind.Period, today, seriesLength[ind.Period], m.YearStart, ind.BaselineOn) {
			live := !p.End.Before(recent) // ended less than Grace ago, or still running
			for _, place := range scopes {
				if place != nil && ind.Period != Year && !(live && (ind.Period == Total || p.Contains(today))) {
					continue
				}
				k := keyOf(p, place)
				if !live && have[k] {
					continue
				}
				v, err := s.measure(ctx, t, ind, p, place)
				if err == errNotMeasurable {
					continue
				}
				if err != nil {
					return st, err
				}
				st.Measured++
				wrote, err := s.record(ctx, ind.ID, p, place, v)
				if err != nil {
					return st, err
				}
				if wrote {
					st.Written++
				}
			}
		}
	}
	return st, nil
}

type periodKey struct {
	start, end string
	place      int64
}

func keyOf(p Period, place *territory.Place) periodKey {
	k := periodKey{start: p.Start.String(), end: p.End.String()}
	if place != nil {
		k.place = place.ID
	}
	return k
}

// kept lists the periods and places an indicator has a value for.
func (s *Store) kept(ctx context.Context, indicatorID int64) (map[periodKey]bool, error) {
	out := map[periodKey]bool{}
	err := db.Each(ctx, s.db, `SELECT DISTINCT period_start, period_end, COALESCE(place_id, 0) FROM impact_snapshots WHERE indicator_id = ?`,
		[]any{indicatorID}, func(rows *sql.Rows) error {
			var k periodKey
			if err := rows.Scan(&k.start, &k.end, &k.place); err != nil {
				return err
			}
			out[k] = true
			return nil
		})
	return out, err
}

// errNotMeasurable is what measure returns when the source refuses to
// give a value for now (no hour value set, say): nothing is kept.
var errNotMeasurable = errs.New(errs.Conflict, "impact.error.not_measurable")

// measure asks the indicator's source for its value over p; nil when it
// rests on too few answers; errNotMeasurable when the source cannot give
// one for now.
func (s *Store) measure(ctx context.Context, t territory.Territory, ind Indicator, p Period, place *territory.Place) (*float64, error) {
	src, ok := s.sources[ind.SourceKey]
	if !ok {
		return nil, errNotMeasurable
	}
	from, to := p.Times(t.Location())
	sc := indicator.Scope{TerritoryID: t.ID, From: from, To: to}
	if place != nil {
		sc.PlaceSlug = place.Slug
	}
	v, err := src.src.Measure(ctx, ind.SourceKey, sc)
	e, coded := errs.As(err)
	switch {
	case err == nil:
		return &v, nil
	case errors.Is(err, indicator.ErrTooFew) || coded && e.Key == indicator.ErrTooFew.Key:
		return nil, nil
	case coded:
		return nil, errNotMeasurable
	}
	return nil, err
}

// record keeps a computed value: a new snapshot when the period has none;
// the same snapshot brought up to date when no report used it; a new
// snapshot correcting it when a report did and the value changed.
func (s *Store) record(ctx context.Context, indicatorID int64, p Period, place *territory.Place, v *float64) (bool, error) {
	var placeID *int64
	if place != nil {
		placeID = &place.ID
	}
	now := s.now()
	wrote := false
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		last, err := latest(ctx, tx, indicatorID, p, placeID)
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.Exec(ctx, `INSERT INTO impact_snapshots (indicator_id, period_start, period_end, place_id, value, computed_at)
				VALUES (?, ?, ?, ?, ?, ?)`, indicatorID, p.Start, p.End, placeID, v, now)
			wrote = err == nil
			return err
		}
		if err != nil {
			return err
		}
		same := sameValue(last.Value, v)
		switch {
		case last.EnteredBy != nil:
			return nil // staff entered this one: a computation never overwrites it
		case !last.Used:
			if !same {
				wrote = true
			}
			_, err = tx.Exec(ctx, `UPDATE impact_snapshots SET value = ?, computed_at = ? WHERE id = ?`, v, now, last.ID)
			return err
		case same:
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO impact_snapshots (indicator_id, period_start, period_end, place_id, value, computed_at, corrects)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, indicatorID, p.Start, p.End, placeID, v, now, last.ID)
		wrote = err == nil
		return err
	})
	return wrote, err
}

func sameValue(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) < 1e-9
}

// latest is the last snapshot of a period and place.
func latest(ctx context.Context, tx *db.Tx, indicatorID int64, p Period, placeID *int64) (Snapshot, error) {
	q := `SELECT ` + snapshotCols + snapshotFrom + ` WHERE s.indicator_id = ? AND s.period_start = ? AND s.period_end = ?`
	args := []any{indicatorID, p.Start, p.End}
	if placeID == nil {
		q += ` AND s.place_id IS NULL`
	} else {
		q += ` AND s.place_id = ?`
		args = append(args, *placeID)
	}
	return scanSnapshot(tx.QueryRow(ctx, q+` ORDER BY s.id DESC LIMIT 1`, args...))
}

// Recompute computes a computed indicator again over a period, for the
// territory (placeSlug "") or a place: the staff's correction of a past
// period. It returns the snapshot now in force.
func (s *Store) Recompute(ctx context.Context, territoryID, indicatorID int64, p Period, placeSlug string) (Snapshot, error) {
	ind, err := s.Indicator(ctx, territoryID, indicatorID)
	if err != nil {
		return Snapshot{}, err
	}
	if ind.Def == nil {
		return Snapshot{}, errs.New(errs.Invalid, "impact.error.not_computed")
	}
	if !p.Valid() {
		return Snapshot{}, errs.New(errs.Invalid, "impact.error.period")
	}
	// The period falls in the years the program records (its last day is
	// the day before End).
	f := errs.Fields{}
	w := calendar.Happening(s.now())
	if w.Check(f, "period", p.Start.Year) {
		w.Check(f, "period", calendar.DateOf(p.End.Time().AddDate(0, 0, -1)).Year)
	}
	if err := f.Err(); err != nil {
		return Snapshot{}, err
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return Snapshot{}, err
	}
	var place *territory.Place
	if placeSlug != "" {
		pl, err := s.territories.Place(ctx, territoryID, placeSlug)
		if err != nil {
			return Snapshot{}, err
		}
		place = &pl
	}
	v, err := s.measure(ctx, t, ind, p, place)
	if err != nil {
		return Snapshot{}, err
	}
	if _, err := s.record(ctx, indicatorID, p, place, v); err != nil {
		return Snapshot{}, err
	}
	var sn Snapshot
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var e error
		var id *int64
		if place != nil {
			id = &place.ID
		}
		sn, e = latest(ctx, tx, indicatorID, p, id)
		return e
	})
	return sn, err
}

// Entry is a value staff enter for an indicator.
type Entry struct {
	TerritoryID, IndicatorID int64
	// Day is a day of the period the value is for: the period is the
	// indicator's (the month, quarter or program year holding it; for a
	// total, from the baseline date to the end of that month).
	Day calendar.Date
	// PlaceSlug is "" for the whole territory.
	PlaceSlug string
	// Value as typed: « 12 », « 12,5 », « 1 250 ».
	Value string
	// Note says where the number comes from (required).
	Note string
	By   int64
}

// Enter keeps a value staff entered, with its note. A value for a period
// that already has one is a new snapshot correcting it: both stay visible
// to staff, and a report that used the first still reads it.
func (s *Store) Enter(ctx context.Context, e Entry) (Snapshot, error) {
	ind, err := s.Indicator(ctx, e.TerritoryID, e.IndicatorID)
	if err != nil {
		return Snapshot{}, err
	}
	f := errs.Fields{}
	v, ok := i18n.ParseDecimal(e.Value)
	switch {
	case strings.TrimSpace(e.Value) == "":
		f.Add("value", "errors.required")
	case !ok:
		f.Add("value", "impact.error.value")
	case ind.Unit == indicator.Percent && (v < 0 || v > 100):
		f.Add("value", "impact.error.percent")
	}
	e.Note = strings.TrimSpace(e.Note)
	if e.Note == "" {
		f.Add("note", "impact.error.note")
	}
	textLimit(f, "note", e.Note, 500)
	if e.Day.IsZero() {
		f.Add("day", "errors.required")
	} else {
		calendar.Happening(s.now()).Check(f, "day", e.Day.Year)
	}
	var placeID *int64
	if e.PlaceSlug != "" {
		pl, err := s.territories.Place(ctx, e.TerritoryID, e.PlaceSlug)
		if err != nil {
			f.Add("place", "errors.place_not_found")
		} else {
			placeID = &pl.ID
		}
	}
	if err := f.Err(); err != nil {
		return Snapshot{}, err
	}
	m, err := s.Model(ctx, e.TerritoryID)
	if err != nil {
		return Snapshot{}, err
	}
	p := PeriodOf(ind.Period, e.Day, m.YearStart, ind.BaselineOn)
	var sn Snapshot
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var corrects *int64
		last, err := latest(ctx, tx, ind.ID, p, placeID)
		switch {
		case err == nil:
			corrects = &last.ID
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var by *int64
		if e.By != 0 {
			by = &e.By
		}
		id, err := tx.InsertID(ctx, `INSERT INTO impact_snapshots (indicator_id, period_start, period_end, place_id, value, note,
			entered_by, computed_at, corrects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ind.ID, p.Start, p.End, placeID, v, e.Note, by, s.now(), corrects)
		if err != nil {
			return err
		}
		sn, err = scanSnapshot(tx.QueryRow(ctx, `SELECT `+snapshotCols+snapshotFrom+` WHERE s.id = ?`, id))
		return err
	})
	return sn, err
}

// History returns every snapshot of an indicator, the newest period first
// and, within a period and place, the newest first: corrections beside
// what they correct, for staff.
func (s *Store) History(ctx context.Context, territoryID, indicatorID int64, limit int) ([]Snapshot, error) {
	if _, err := s.Indicator(ctx, territoryID, indicatorID); err != nil {
		return nil, err
	}
	var out []Snapshot
	err := db.Each(ctx, s.db, `SELECT `+snapshotCols+snapshotFrom+` WHERE s.indicator_id = ?
		ORDER BY s.period_end DESC, s.period_start DESC, COALESCE(p.name, ''), s.id DESC LIMIT ?`, []any{indicatorID, limit},
		func(rows *sql.Rows) error {
			sn, err := scanSnapshot(rows)
			out = append(out, sn)
			return err
		})
	return out, err
}
