// Package impact keeps the program's logic model — the impact aimed at, its
// expected effects and the conditions of success, each followed by
// indicators with a baseline and a target — and the values of those
// indicators as dated snapshots, by period and by place. A value is either
// computed by the capability that owns the data (an indicator.Source
// registered at wiring) or entered by staff with a note saying where it
// comes from. It also keeps the program's chronology and next steps, the
// highlights staff tell, and the reports made for funders, which name the
// snapshots they used so that they never change.
package impact

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sort"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/indicator"
	"implique/internal/territory"
)

// Term is where an effect sits in the logic model.
type Term string

const (
	// Short is an effect expected « à court terme ».
	Short Term = "short"
	// Long is an effect expected « à moyen et long terme ».
	Long Term = "long"
	// Condition is a condition of success, followed the same way.
	Condition Term = "condition"
)

// Terms lists the terms in the model's order.
var Terms = []Term{Short, Long, Condition}

// Valid reports whether t is a known term.
func (t Term) Valid() bool { return t == Short || t == Long || t == Condition }

// Model is the logic model's head: the impact aimed at and the vision.
type Model struct {
	TerritoryID        int64
	ImpactFR, ImpactEN string
	VisionFR, VisionEN string
	// YearStart is the month the program year begins (April: the year of
	// most Québec community organisations).
	YearStart time.Month
	UpdatedAt time.Time
}

// Effect is an expected effect or a condition of success.
type Effect struct {
	ID, TerritoryID  int64
	Term             Term
	Position         int
	TitleFR, TitleEN string
	Indicators       []Indicator
}

// Indicator is what tells whether an effect happens.
type Indicator struct {
	ID, TerritoryID, EffectID int64
	Position                  int
	// SourceKey names the computed indicator (see indicator.Definition);
	// "" for a value staff enter.
	SourceKey string
	// Names and definitions typed by staff; for a computed indicator they
	// may stay empty (the owner's catalogs name it).
	NameFR, NameEN             string
	DefinitionFR, DefinitionEN string
	Unit                       indicator.Unit
	Period                     PeriodKind
	Baseline, Target           *float64
	BaselineOn, TargetOn       calendar.Date
	Archived                   bool
	// Def is the source's definition of a computed indicator (nil when
	// entered, or when no source offers the key any more).
	Def *indicator.Definition
}

// Entered reports whether staff enter its values.
func (i Indicator) Entered() bool { return i.SourceKey == "" }

// People reports whether it counts people (hidden under the small-group
// minimum on public pages).
func (i Indicator) People() bool { return i.Def != nil && i.Def.People }

// Name is the indicator's name in lang.
func (i Indicator) Name(cat i18n.Catalogs, lang string) string {
	if lang == "en" && i.NameEN != "" {
		return i.NameEN
	}
	if i.NameFR != "" {
		return i.NameFR
	}
	if i.SourceKey != "" && cat != nil {
		return cat.T(lang, "indicator."+i.SourceKey)
	}
	return ""
}

// Definition is the indicator's definition in plain words in lang.
func (i Indicator) Definition(cat i18n.Catalogs, lang string) string {
	if lang == "en" && i.DefinitionEN != "" {
		return i.DefinitionEN
	}
	if i.DefinitionFR != "" {
		return i.DefinitionFR
	}
	if i.SourceKey != "" && cat != nil {
		return cat.T(lang, "indicator."+i.SourceKey+".help")
	}
	return ""
}

// Store keeps the logic model, the values, the chronology and the reports.
type Store struct {
	db          *db.DB
	territories *territory.Store
	cat         i18n.Catalogs
	sources     map[string]source
	keys        []indicator.Definition
	now         func() time.Time
}

type source struct {
	src indicator.Source
	def indicator.Definition
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	Catalogs    i18n.Catalogs
	// Sources are the capabilities that compute indicators.
	Sources []indicator.Source
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the impact store.
func NewStore(c Config) *Store {
	s := &Store{db: c.DB, territories: c.Territories, cat: c.Catalogs, sources: map[string]source{}, now: db.Clock(c.Now)}
	for _, src := range c.Sources {
		for _, d := range src.Indicators() {
			s.sources[d.Key] = source{src: src, def: d}
			s.keys = append(s.keys, d)
		}
	}
	sort.Slice(s.keys, func(i, j int) bool { return s.keys[i].Key < s.keys[j].Key })
	return s
}

// Computable lists every indicator the sources compute, by key.
func (s *Store) Computable() []indicator.Definition { return s.keys }

// Model returns the territory's logic model head (an empty one, with the
// April year, when none was written).
func (s *Store) Model(ctx context.Context, territoryID int64) (Model, error) {
	m := Model{TerritoryID: territoryID, YearStart: time.April}
	var month int
	err := s.db.QueryRow(ctx, `SELECT impact_fr, impact_en, vision_fr, vision_en, year_start_month, updated_at
		FROM impact_models WHERE territory_id = ?`, territoryID).
		Scan(&m.ImpactFR, &m.ImpactEN, &m.VisionFR, &m.VisionEN, &month, &m.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	m.YearStart = time.Month(month)
	return m, err
}

// SetModel writes the impact aimed at, the vision and the program year's
// first month.
func (s *Store) SetModel(ctx context.Context, m Model) error {
	f := errs.Fields{}
	m.ImpactFR, m.ImpactEN = strings.TrimSpace(m.ImpactFR), strings.TrimSpace(m.ImpactEN)
	m.VisionFR, m.VisionEN = strings.TrimSpace(m.VisionFR), strings.TrimSpace(m.VisionEN)
	if m.ImpactFR == "" {
		f.Add("impact_fr", "errors.required")
	}
	textLimit(f, "impact_fr", m.ImpactFR, 1000)
	textLimit(f, "impact_en", m.ImpactEN, 1000)
	textLimit(f, "vision_fr", m.VisionFR, 1000)
	textLimit(f, "vision_en", m.VisionEN, 1000)
	if m.YearStart < time.January || m.YearStart > time.December {
		f.Add("year_start", "impact.error.month")
	}
	if err := f.Err(); err != nil {
		return err
	}
	now := s.now()
	_, err := s.db.Exec(ctx, `INSERT INTO impact_models (territory_id, impact_fr, impact_en, vision_fr, vision_en, year_start_month, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (territory_id) DO UPDATE SET impact_fr = excluded.impact_fr, impact_en = excluded.impact_en,
		vision_fr = excluded.vision_fr, vision_en = excluded.vision_en, year_start_month = excluded.year_start_month,
		updated_at = excluded.updated_at`,
		m.TerritoryID, m.ImpactFR, m.ImpactEN, m.VisionFR, m.VisionEN, int(m.YearStart), now)
	return err
}

func textLimit(f errs.Fields, field, s string, n int) {
	if len([]rune(s)) > n {
		f.Add(field, "errors.too_long")
	}
}

// Effects returns the territory's effects in the model's order, each with
// its indicators (archived ones only when withArchived).
func (s *Store) Effects(ctx context.Context, territoryID int64, withArchived bool) ([]Effect, error) {
	var out []Effect
	byID := map[int64]int{}
	err := db.Each(ctx, s.db, `SELECT id, term, position, title_fr, title_en FROM impact_effects WHERE territory_id = ?
		ORDER BY CASE term WHEN 'short' THEN 0 WHEN 'long' THEN 1 ELSE 2 END, position, id`, []any{territoryID},
		func(rows *sql.Rows) error {
			e := Effect{TerritoryID: territoryID}
			if err := rows.Scan(&e.ID, &e.Term, &e.Position, &e.TitleFR, &e.TitleEN); err != nil {
				return err
			}
			byID[e.ID] = len(out)
			out = append(out, e)
			return nil
		})
	if err != nil {
		return nil, err
	}
	inds, err := s.Indicators(ctx, territoryID, withArchived)
	if err != nil {
		return nil, err
	}
	for _, ind := range inds {
		if i, ok := byID[ind.EffectID]; ok {
			out[i].Indicators = append(out[i].Indicators, ind)
		}
	}
	return out, nil
}

// Effect returns one effect of the territory (without its indicators).
func (s *Store) Effect(ctx context.Context, territoryID, id int64) (Effect, error) {
	e := Effect{TerritoryID: territoryID}
	err := s.db.QueryRow(ctx, `SELECT id, term, position, title_fr, title_en FROM impact_effects WHERE territory_id = ? AND id = ?`,
		territoryID, id).Scan(&e.ID, &e.Term, &e.Position, &e.TitleFR, &e.TitleEN)
	if errors.Is(err, sql.ErrNoRows) {
		return e, errs.New(errs.NotFound, "impact.error.effect_not_found")
	}
	return e, err
}

// PutEffect adds an effect (ID 0, placed last of its term) or renames one.
func (s *Store) PutEffect(ctx context.Context, e Effect) (int64, error) {
	f := errs.Fields{}
	e.TitleFR, e.TitleEN = strings.TrimSpace(e.TitleFR), strings.TrimSpace(e.TitleEN)
	if e.TitleFR == "" {
		f.Add("title_fr", "errors.required")
	}
	textLimit(f, "title_fr", e.TitleFR, 300)
	textLimit(f, "title_en", e.TitleEN, 300)
	if !e.Term.Valid() {
		f.Add("term", "impact.error.term")
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	now := s.now()
	if e.ID == 0 {
		return s.db.InsertID(ctx, `INSERT INTO impact_effects (territory_id, term, position, title_fr, title_en, created_at)
			VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM impact_effects WHERE territory_id = ? AND term = ?), ?, ?, ?) RETURNING id`,
			e.TerritoryID, string(e.Term), e.TerritoryID, string(e.Term), e.TitleFR, e.TitleEN, now)
	}
	res, err := s.db.Exec(ctx, `UPDATE impact_effects SET title_fr = ?, title_en = ?, term = ? WHERE territory_id = ? AND id = ?`,
		e.TitleFR, e.TitleEN, string(e.Term), e.TerritoryID, e.ID)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, errs.New(errs.NotFound, "impact.error.effect_not_found")
	}
	return e.ID, nil
}

const indicatorCols = `id, territory_id, effect_id, position, source_key, name_fr, name_en, definition_fr, definition_en,
	unit, period, baseline_value, baseline_on, target_value, target_on, archived_at IS NOT NULL`

func (s *Store) scanIndicator(row interface{ Scan(...any) error }) (Indicator, error) {
	var i Indicator
	err := row.Scan(&i.ID, &i.TerritoryID, &i.EffectID, &i.Position, &i.SourceKey, &i.NameFR, &i.NameEN,
		&i.DefinitionFR, &i.DefinitionEN, &i.Unit, &i.Period, &i.Baseline, &i.BaselineOn, &i.Target, &i.TargetOn, &i.Archived)
	if err != nil {
		return i, err
	}
	if src, ok := s.sources[i.SourceKey]; ok {
		d := src.def
		i.Def = &d
	}
	return i, nil
}

// Indicators returns the territory's indicators, by effect and position.
func (s *Store) Indicators(ctx context.Context, territoryID int64, withArchived bool) ([]Indicator, error) {
	q := `SELECT ` + indicatorCols + ` FROM impact_indicators WHERE territory_id = ?`
	if !withArchived {
		q += ` AND archived_at IS NULL`
	}
	var out []Indicator
	err := db.Each(ctx, s.db, q+` ORDER BY effect_id, position, id`, []any{territoryID}, func(rows *sql.Rows) error {
		i, err := s.scanIndicator(rows)
		out = append(out, i)
		return err
	})
	return out, err
}

// Indicator returns one indicator of the territory.
func (s *Store) Indicator(ctx context.Context, territoryID, id int64) (Indicator, error) {
	i, err := s.scanIndicator(s.db.QueryRow(ctx, `SELECT `+indicatorCols+` FROM impact_indicators WHERE territory_id = ? AND id = ?`,
		territoryID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return i, errs.New(errs.NotFound, "impact.error.indicator_not_found")
	}
	return i, err
}

// validate checks an indicator as typed.
func (s *Store) validate(ctx context.Context, i *Indicator) error {
	f := errs.Fields{}
	i.NameFR, i.NameEN = strings.TrimSpace(i.NameFR), strings.TrimSpace(i.NameEN)
	i.DefinitionFR, i.DefinitionEN = strings.TrimSpace(i.DefinitionFR), strings.TrimSpace(i.DefinitionEN)
	if i.SourceKey != "" {
		src, ok := s.sources[i.SourceKey]
		if !ok {
			f.Add("source", "impact.error.source")
		} else {
			i.Unit = src.def.Unit
		}
	} else {
		if i.NameFR == "" {
			f.Add("name_fr", "errors.required")
		}
		if i.DefinitionFR == "" {
			f.Add("definition_fr", "impact.error.definition")
		}
		if !i.Unit.Valid() {
			f.Add("unit", "impact.error.unit")
		}
	}
	textLimit(f, "name_fr", i.NameFR, 200)
	textLimit(f, "name_en", i.NameEN, 200)
	textLimit(f, "definition_fr", i.DefinitionFR, 2000)
	textLimit(f, "definition_en", i.DefinitionEN, 2000)
	if !i.Period.Valid() {
		f.Add("period", "impact.error.period")
	}
	if i.Period == Total && i.BaselineOn.IsZero() {
		f.Add("baseline_on", "impact.error.total_needs_date")
	}
	for _, v := range []struct {
		field string
		val   *float64
	}{{"baseline", i.Baseline}, {"target", i.Target}} {
		if v.val != nil && (math.IsNaN(*v.val) || math.IsInf(*v.val, 0) || math.Abs(*v.val) > 1e12) {
			f.Add(v.field, "impact.error.value")
		}
	}
	if i.Unit == indicator.Percent {
		for _, v := range []struct {
			field string
			val   *float64
		}{{"baseline", i.Baseline}, {"target", i.Target}} {
			if v.val != nil && (*v.val < 0 || *v.val > 100) {
				f.Add(v.field, "impact.error.percent")
			}
		}
	}
	for field, d := range map[string]calendar.Date{"baseline_on": i.BaselineOn, "target_on": i.TargetOn} {
		if !d.IsZero() {
			calendar.Record.Check(f, field, d.Year)
		}
	}
	if i.Target != nil && i.TargetOn.IsZero() {
		f.Add("target_on", "impact.error.target_needs_date")
	}
	if !i.BaselineOn.IsZero() && !i.TargetOn.IsZero() && !i.BaselineOn.Before(i.TargetOn) {
		f.Add("target_on", "impact.error.target_after_baseline")
	}
	if _, err := s.Effect(ctx, i.TerritoryID, i.EffectID); err != nil {
		if errs.Is(err, errs.NotFound) {
			f.Add("effect", "impact.error.effect_not_found")
		} else {
			return err
		}
	}
	return f.Err()
}

// PutIndicator adds an indicator (ID 0, last of its effect) or changes one:
// its names, definition, period, baseline and target. A changed definition
// keeps the values already kept: they stay dated.
func (s *Store) PutIndicator(ctx context.Context, i Indicator) (int64, error) {
	if err := s.validate(ctx, &i); err != nil {
		return 0, err
	}
	now := s.now()
	args := []any{i.SourceKey, i.NameFR, i.NameEN, i.DefinitionFR, i.DefinitionEN, string(i.Unit), string(i.Period),
		i.Baseline, i.BaselineOn, i.Target, i.TargetOn, now}
	if i.ID == 0 {
		return s.db.InsertID(ctx, `INSERT INTO impact_indicators (source_key, name_fr, name_en, definition_fr, definition_en,
			unit, period, baseline_value, baseline_on, target_value, target_on, updated_at, territory_id, effect_id, position, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
			(SELECT COALESCE(MAX(position), 0) + 1 FROM impact_indicators WHERE effect_id = ?), ?) RETURNING id`,
			append(args, i.TerritoryID, i.EffectID, i.EffectID, now)...)
	}
	res, err := s.db.Exec(ctx, `UPDATE impact_indicators SET source_key = ?, name_fr = ?, name_en = ?, definition_fr = ?,
		definition_en = ?, unit = ?, period = ?, baseline_value = ?, baseline_on = ?, target_value = ?, target_on = ?, updated_at = ?,
		effect_id = ? WHERE territory_id = ? AND id = ?`, append(args, i.EffectID, i.TerritoryID, i.ID)...)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, errs.New(errs.NotFound, "impact.error.indicator_not_found")
	}
	return i.ID, nil
}

// Archive stops following an indicator (archived true) or follows it
// again; its values stay.
func (s *Store) Archive(ctx context.Context, territoryID, id int64, archived bool) error {
	var at any
	if archived {
		at = s.now()
	}
	res, err := s.db.Exec(ctx, `UPDATE impact_indicators SET archived_at = ? WHERE territory_id = ? AND id = ?`, at, territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "impact.error.indicator_not_found")
	}
	return nil
}
