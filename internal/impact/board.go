package impact

import (
	"context"
	"database/sql"
	"math"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/i18n"
	"implique/internal/indicator"
)

// Reading is an indicator with the values kept for it: its recent series
// (one point per period, oldest first, the current period last), the value
// in force now and its progress toward the target.
type Reading struct {
	Indicator
	Series []Point
	// Current is the last point with a value kept (nil when none).
	Current *Point
	// Progress is how far the current value has gone from the baseline
	// toward the target, in percent (nil without a target or a value).
	Progress *float64
}

// Point is a period of a series and the snapshot in force for it (nil
// when nothing was kept).
type Point struct {
	Period   Period
	Snapshot *Snapshot
}

// EffectReading is an effect and the readings of its indicators.
type EffectReading struct {
	Effect
	Readings []Reading
}

// Board is the whole logic model with its values, for the territory: what
// the impact page, the partners' dashboard and the staff's page show.
type Board struct {
	Model   Model
	Effects []EffectReading
	// Today is the day the board was read, in the territory.
	Today calendar.Date
}

// Board reads the logic model and, for each indicator, the snapshots of
// its recent series for the whole territory: two queries, whatever the
// number of indicators, so that the pages stay instant.
func (s *Store) Board(ctx context.Context, territoryID int64) (Board, error) {
	var b Board
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return b, err
	}
	if b.Model, err = s.Model(ctx, territoryID); err != nil {
		return b, err
	}
	effects, err := s.Effects(ctx, territoryID, false)
	if err != nil {
		return b, err
	}
	b.Today = s.today(t)
	// The snapshots in force: the last of each indicator, period and place.
	kept := map[int64]map[[2]string]Snapshot{}
	err = db.Each(ctx, s.db, `SELECT `+snapshotCols+snapshotFrom+`
		JOIN impact_indicators i ON i.id = s.indicator_id
		WHERE i.territory_id = ? AND i.archived_at IS NULL AND s.place_id IS NULL AND s.period_end > ? ORDER BY s.id`,
		[]any{territoryID, b.Today.AddMonths(-12 * (seriesLength[Year] + 1))},
		func(rows *sql.Rows) error {
			sn, err := scanSnapshot(rows)
			if err != nil {
				return err
			}
			m := kept[sn.IndicatorID]
			if m == nil {
				m = map[[2]string]Snapshot{}
				kept[sn.IndicatorID] = m
			}
			m[[2]string{sn.Period.Start.String(), sn.Period.End.String()}] = sn
			return nil
		})
	if err != nil {
		return b, err
	}
	for _, e := range effects {
		er := EffectReading{Effect: e}
		for _, ind := range e.Indicators {
			er.Readings = append(er.Readings, read(ind, kept[ind.ID], b.Today, b.Model))
		}
		b.Effects = append(b.Effects, er)
	}
	return b, nil
}

// read builds an indicator's reading from the snapshots kept for it.
func read(ind Indicator, kept map[[2]string]Snapshot, today calendar.Date, m Model) Reading {
	r := Reading{Indicator: ind}
	for _, p := range Series(ind.Period, today, seriesLength[ind.Period], m.YearStart, ind.BaselineOn) {
		pt := Point{Period: p}
		if sn, ok := kept[[2]string{p.Start.String(), p.End.String()}]; ok {
			pt.Snapshot = &sn
		}
		r.Series = append(r.Series, pt)
	}
	for i := len(r.Series) - 1; i >= 0; i-- {
		if sn := r.Series[i].Snapshot; sn != nil && sn.Value != nil {
			r.Current = &r.Series[i]
			break
		}
	}
	if r.Current != nil && ind.Target != nil {
		base := 0.0
		if ind.Baseline != nil {
			base = *ind.Baseline
		}
		if *ind.Target != base {
			p := (*r.Current.Snapshot.Value - base) / (*ind.Target - base) * 100
			if p < 0 {
				p = 0
			}
			r.Progress = &p
		}
	}
	return r
}

// ByPlace returns the values kept for an indicator over a period, one per
// municipality that has one (the snapshot in force), by place name.
func (s *Store) ByPlace(ctx context.Context, territoryID, indicatorID int64, p Period) ([]Snapshot, error) {
	var out []Snapshot
	seen := map[int64]int{}
	err := db.Each(ctx, s.db, `SELECT `+snapshotCols+snapshotFrom+`
		JOIN impact_indicators i ON i.id = s.indicator_id
		WHERE i.territory_id = ? AND s.indicator_id = ? AND s.period_start = ? AND s.period_end = ? AND s.place_id IS NOT NULL
		ORDER BY p.name, s.id`, []any{territoryID, indicatorID, p.Start, p.End},
		func(rows *sql.Rows) error {
			sn, err := scanSnapshot(rows)
			if err != nil {
				return err
			}
			if i, ok := seen[*sn.PlaceID]; ok {
				out[i] = sn
				return nil
			}
			seen[*sn.PlaceID] = len(out)
			out = append(out, sn)
			return nil
		})
	return out, err
}

// FormatValue writes v in its unit, in lang: « 1 250 », « 42 % », « 12 h »,
// « 1 250,00 $ », a score with one decimal.
func FormatValue(lang string, u indicator.Unit, v float64) string {
	switch u {
	case indicator.Percent:
		if lang == "en" {
			return i18n.Decimal(lang, v, 0) + "%"
		}
		return i18n.Decimal(lang, v, 0) + i18n.NBSP + "%"
	case indicator.Hours:
		return i18n.Number(lang, int64(math.Round(v))) + i18n.NBSP + "h"
	case indicator.Dollars:
		return i18n.Money(lang, int64(math.Round(v*100)))
	case indicator.Score:
		return i18n.Decimal(lang, v, 1)
	}
	if v != math.Trunc(v) {
		return i18n.Decimal(lang, v, 1)
	}
	return i18n.Number(lang, int64(v))
}

// Headlines are the readings with a target, in the model's order: what
// the staff's home shows beside the day's work.
func (b Board) Headlines(n int) []Reading {
	var out []Reading
	for _, e := range b.Effects {
		for _, r := range e.Readings {
			if r.Target != nil && len(out) < n {
				out = append(out, r)
			}
		}
	}
	return out
}
