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
	IndicatorBelonging         = "survey.belonging"
	IndicatorLoneliness        = "survey.loneliness"
	IndicatorTrainingLearned   = "survey.training_learned"
	IndicatorTrainingWillAct   = "survey.training_will_act"
	IndicatorTrainingSatisfied = "survey.training_satisfied"
)

// BelongingInstrument is the shipped instrument the indicators of belonging
// and loneliness read: the sense of belonging and the three-item
// loneliness scale.
const BelongingInstrument = "appartenance-solitude"

// read names the headline of a shipped instrument an indicator reads.
type read struct{ instrument, headline string }

// indicatorHeadlines name, for each indicator, the instrument it reads and
// the headline of it.
var indicatorHeadlines = map[string]read{
	IndicatorBelonging:         {BelongingInstrument, "belonging"},
	IndicatorLoneliness:        {BelongingInstrument, "loneliness"},
	IndicatorTrainingLearned:   {ReviewInstrument, "learned"},
	IndicatorTrainingWillAct:   {ReviewInstrument, "will_act"},
	IndicatorTrainingSatisfied: {ReviewInstrument, "satisfied"},
}

// Indicators lists what the surveys measure: the shares the instruments'
// headlines define, read for a place through the « lieu » answer (or the
// place of the event an invitation followed).
func (s *Store) Indicators() []indicator.Definition {
	var out []indicator.Definition
	for _, k := range []string{IndicatorBelonging, IndicatorLoneliness, IndicatorTrainingLearned, IndicatorTrainingWillAct,
		IndicatorTrainingSatisfied} {
		out = append(out, indicator.Definition{Key: k, Unit: indicator.Percent, Places: true})
	}
	return out
}

// Measure computes the share of the respondents a headline of the
// instrument counts, from the tallies of the waves of the territory's
// questionnaires made from it (loaded or copied) that took their answers
// within the period: opened on a day of the period and, by its end, past
// their last day, closed, or still open today. Fewer respondents than the
// territory's small-group minimum give indicator.ErrTooFew.
func (s *Store) Measure(ctx context.Context, key string, sc indicator.Scope) (float64, error) {
	r, ok := indicatorHeadlines[key]
	if !ok {
		return 0, indicator.ErrUnknown
	}
	heads, err := instrumentHeadlines()
	if err != nil {
		return 0, err
	}
	h, ok := heads[r.instrument][r.headline]
	if !ok {
		return 0, fmt.Errorf("survey: the instrument %s has no headline %s", r.instrument, r.headline)
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
	args := []any{sc.TerritoryID, r.instrument, fromDay.String(), toDay.String(), h.code}
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

// headline is a headline of an instrument with the code of its question
// (or score).
type headline struct {
	code string
	Headline
}

// instrumentHeadlines are the headlines of the shipped instruments, by
// instrument and key, read once from the files.
var instrumentHeadlines = sync.OnceValues(func() (map[string]map[string]headline, error) {
	all, err := Instruments()
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]headline{}
	for _, in := range all {
		hs := map[string]headline{}
		for _, q := range in.Definition.Questions() {
			if q.Headline != nil {
				hs[q.Headline.Key] = headline{q.Code, *q.Headline}
			}
		}
		for _, sc := range in.Definition.Scores {
			if sc.Headline != nil {
				hs[sc.Headline.Key] = headline{sc.Code, *sc.Headline}
			}
		}
		out[in.Key] = hs
	}
	return out, nil
})
