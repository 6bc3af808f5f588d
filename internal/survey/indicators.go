package survey

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/indicator"
	"implique/internal/territory"
)

var _ indicator.Source = (*Store)(nil)

// The keys of the indicators the surveys offer.
const (
	IndicatorBelonging  = "survey.belonging"
	IndicatorLoneliness = "survey.loneliness"
)

// BelongingInstrument is the shipped instrument the indicators read: the
// sense of belonging and the three-item loneliness scale.
const BelongingInstrument = "appartenance-solitude"

// indicatorHeadlines name, for each indicator, the headline of the
// instrument it reads.
var indicatorHeadlines = map[string]string{IndicatorBelonging: "belonging", IndicatorLoneliness: "loneliness"}

// Indicators lists what the surveys measure: the shares the instrument's
// headlines define, read for a place through the « lieu » answer.
func (s *Store) Indicators() []indicator.Definition {
	return []indicator.Definition{
		{Key: IndicatorBelonging, Unit: indicator.Percent, Places: true},
		{Key: IndicatorLoneliness, Unit: indicator.Percent, Places: true},
	}
}

// Measure computes the share of the respondents a headline of the
// instrument counts, from the tallies of the waves of the territory's
// questionnaires made from it (loaded or copied) that took their answers
// within the period: opened on a day of the period and, by its end, past
// their last day, closed, or still open today. Fewer respondents than the
// territory's small-group minimum give indicator.ErrTooFew.
func (s *Store) Measure(ctx context.Context, key string, sc indicator.Scope) (float64, error) {
	head, ok := indicatorHeadlines[key]
	if !ok {
		return 0, indicator.ErrUnknown
	}
	heads, err := belongingHeadlines()
	if err != nil {
		return 0, err
	}
	h, ok := heads[head]
	if !ok {
		return 0, fmt.Errorf("survey: the instrument %s has no headline %s", BelongingInstrument, head)
	}
	t, err := s.territories.ByID(ctx, sc.TerritoryID)
	if err != nil {
		return 0, err
	}
	loc := t.Location()
	fromDay, toDay := sc.Days(loc)
	q := `SELECT t.code, SUM(t.n) FROM survey_tallies t JOIN survey_waves w ON w.id = t.wave_id
		JOIN survey_questionnaires q ON q.id = w.questionnaire_id
		WHERE w.territory_id = ? AND q.instrument = ? AND w.opens_on >= ? AND w.opens_on < ? AND t.question = ?`
	args := []any{sc.TerritoryID, BelongingInstrument, fromDay.String(), toDay.String(), h.code}
	// A wave still taking answers today has them all within the period
	// only when today is in it.
	if today := calendar.DateOf(s.now().In(loc)); !today.Before(toDay) {
		q += ` AND ((w.closes_on IS NOT NULL AND w.closes_on < ?) OR (w.closed_at IS NOT NULL AND w.closed_at < ?))`
		args = append(args, toDay.String(), db.Time(sc.To))
	}
	if sc.PlaceSlug != "" {
		cond, a := territory.InScope("t.place_id", sc.TerritoryID, sc.PlaceSlug, territory.AndSecteurs)
		q, args = q+` AND `+cond, append(args, a...)
	}
	c := map[string]int{}
	err = db.Each(ctx, s.db, q+` GROUP BY t.code`, args, func(rows *sql.Rows) error {
		var code string
		var n int
		err := rows.Scan(&code, &n)
		c[code] = n
		return err
	})
	if err != nil {
		return 0, err
	}
	min := t.SmallGroupMinimum
	if min < 1 {
		min = territory.DefaultSmallGroupMinimum
	}
	if n := c[""]; n < min || n == 0 {
		return 0, indicator.ErrTooFew
	}
	return float64(h.Share(c)) * 100 / float64(c[""]), nil
}

// headline is a headline of the instrument with the code of its question
// (or score).
type headline struct {
	code string
	Headline
}

// belongingHeadlines are the headlines of the instrument, by key, read
// once from the shipped file.
var belongingHeadlines = sync.OnceValues(func() (map[string]headline, error) {
	all, err := Instruments()
	if err != nil {
		return nil, err
	}
	out := map[string]headline{}
	for _, in := range all {
		if in.Key != BelongingInstrument {
			continue
		}
		for _, q := range in.Definition.Questions() {
			if q.Headline != nil {
				out[q.Headline.Key] = headline{q.Code, *q.Headline}
			}
		}
		for _, sc := range in.Definition.Scores {
			if sc.Headline != nil {
				out[sc.Headline.Key] = headline{sc.Code, *sc.Headline}
			}
		}
	}
	return out, nil
})
