package survey

import (
	"context"
	"database/sql"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/territory"
)

// Filter narrows the results: a wave (required), a place and its
// secteurs, an event, an audience.
type Filter struct {
	WaveID int64
	// Waves are other waves of the same questionnaire counted together
	// with WaveID (a training program's cohorts, say).
	Waves    []int64
	Place    string
	EventID  int64
	Audience string
}

// MaxWaves bounds the waves a filter counts together.
const MaxWaves = 500

// waveIDs are the waves a filter counts: WaveID and its Waves, each of the
// territory and of WaveID's questionnaire, else errs.Invalid.
func (s *Store) waveIDs(ctx context.Context, territoryID int64, f Filter) ([]int64, error) {
	ids := []int64{f.WaveID}
	seen := map[int64]bool{f.WaveID: true}
	for _, id := range f.Waves {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 1 {
		return ids, nil
	}
	if len(ids) > MaxWaves {
		return nil, errs.New(errs.Invalid, "errors.survey_waves_many")
	}
	n := 0
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_waves w WHERE w.territory_id = ? AND w.id IN (`+db.Marks(len(ids))+`)
		AND w.questionnaire_id = (SELECT x.questionnaire_id FROM survey_waves x WHERE x.territory_id = ? AND x.id = ?)`,
		append(append([]any{territoryID}, db.Args(ids)...), territoryID, f.WaveID)...).Scan(&n)
	if err != nil {
		return nil, err
	}
	if n != len(ids) {
		return nil, errs.New(errs.Invalid, "errors.survey_waves_other")
	}
	return ids, nil
}

// OptionResult is how many respondents chose one option.
type OptionResult struct {
	Code    string
	Label   Text
	Count   int
	Percent float64
}

// NumberResult sums up the numbers given. Min and Max are nil when fewer
// than the minimum gave that very value: it would be one person's answer.
type NumberResult struct {
	Mean, Median float64
	Min, Max     *float64
}

// QuestionResult is one question's results. When Suppressed, fewer than
// the minimum answered: nothing but that fact may be shown.
type QuestionResult struct {
	Question   Question
	Number     int // its position; 0 for a score
	N          int // respondents who answered (not counting « préfère ne pas répondre »)
	Declined   int
	Suppressed bool
	Options    []OptionResult
	Numbers    *NumberResult
}

// Results are a wave's results under a filter.
type Results struct {
	Filter    Filter
	Minimum   int
	Responses int
	// Suppressed is true when the whole group is under the minimum.
	Suppressed bool
	Questions  []QuestionResult
	ComputedAt time.Time
}

// counts reads the tallies of a wave (and the waves counted with it)
// under a filter: question → code → n.
func (s *Store) counts(ctx context.Context, territoryID int64, f Filter) (map[string]map[string]int, error) {
	ids, err := s.waveIDs(ctx, territoryID, f)
	if err != nil {
		return nil, err
	}
	q := `SELECT t.question, t.code, SUM(t.n) FROM survey_tallies t JOIN survey_waves w ON w.id = t.wave_id
		WHERE w.territory_id = ? AND t.wave_id IN (` + db.Marks(len(ids)) + `)`
	args := append([]any{territoryID}, db.Args(ids)...)
	if f.Place != "" {
		cond, a := territory.InScope("t.place_id", territoryID, f.Place, territory.AndSecteurs)
		q += ` AND ` + cond
		args = append(args, a...)
	}
	if f.EventID != 0 {
		q += ` AND t.event_id = ?`
		args = append(args, f.EventID)
	}
	if f.Audience != "" {
		q += ` AND t.audience = ?`
		args = append(args, f.Audience)
	}
	q += ` GROUP BY t.question, t.code`
	out := map[string]map[string]int{}
	err = db.Each(ctx, s.db, q, args, func(rows *sql.Rows) error {
		var question, code string
		var n int
		if err := rows.Scan(&question, &code, &n); err != nil {
			return err
		}
		if out[question] == nil {
			out[question] = map[string]int{}
		}
		out[question][code] = n
		return nil
	})
	return out, err
}

// minimum is the territory's small-group minimum.
func (s *Store) minimum(ctx context.Context, territoryID int64) (int, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	if t.SmallGroupMinimum < 1 {
		return territory.DefaultSmallGroupMinimum, nil
	}
	return t.SmallGroupMinimum, nil
}

// Results computes a wave's results per question of the questionnaire's
// published version, with the small-numbers rule: a question answered by
// fewer than the territory's minimum shows no figure.
func (s *Store) Results(ctx context.Context, territoryID int64, f Filter) (Results, error) {
	w, err := s.Wave(ctx, territoryID, f.WaveID)
	if err != nil {
		return Results{}, err
	}
	q, err := s.Get(ctx, territoryID, w.QuestionnaireID)
	if err != nil {
		return Results{}, err
	}
	if q.Published == nil {
		return Results{}, errs.New(errs.Conflict, "errors.survey_not_published")
	}
	min, err := s.minimum(ctx, territoryID)
	if err != nil {
		return Results{}, err
	}
	counts, err := s.counts(ctx, territoryID, f)
	if err != nil {
		return Results{}, err
	}
	places, err := s.placesBySlug(ctx, territoryID)
	if err != nil {
		return Results{}, err
	}
	return s.results(f, q, min, counts, places), nil
}

// results turns the counts of a filter into its results.
func (s *Store) results(f Filter, q Questionnaire, min int, counts map[string]map[string]int, places map[string]territory.Place) Results {
	def := q.Published.Def
	small := s.both("survey.results.small_places", min)
	r := Results{Filter: f, Minimum: min, Responses: counts[ResponsesKey][""], ComputedAt: s.now()}
	r.Suppressed = r.Responses < min
	for i, question := range def.Questions() {
		r.Questions = append(r.Questions, result(question, i+1, counts[question.Code], min, places, small, s.both))
	}
	for _, sc := range def.Scores {
		question := Question{Code: sc.Code, Kind: KindNumber, Text: sc.Label, Headline: sc.Headline}
		r.Questions = append(r.Questions, result(question, 0, counts[sc.Code], min, places, small, s.both))
	}
	return r
}

// ResultsOfWaves are the results of each of several waves, apart (the
// cohorts of a training program): a few reads whatever their number.
// Waves of another territory, or whose questionnaire is not published,
// are left out.
func (s *Store) ResultsOfWaves(ctx context.Context, territoryID int64, waveIDs []int64) (map[int64]Results, error) {
	out := map[int64]Results{}
	if len(waveIDs) == 0 {
		return out, nil
	}
	if len(waveIDs) > MaxWaves {
		return nil, errs.New(errs.Invalid, "errors.survey_waves_many")
	}
	waves, err := s.waves(ctx, `w.territory_id = ? AND w.id IN (`+db.Marks(len(waveIDs))+`)`, append([]any{territoryID}, db.Args(waveIDs)...)...)
	if err != nil || len(waves) == 0 {
		return out, err
	}
	min, err := s.minimum(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	places, err := s.placesBySlug(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	counts := map[int64]map[string]map[string]int{}
	err = db.Each(ctx, s.db, `SELECT t.wave_id, t.question, t.code, SUM(t.n) FROM survey_tallies t JOIN survey_waves w ON w.id = t.wave_id
		WHERE w.territory_id = ? AND t.wave_id IN (`+db.Marks(len(waveIDs))+`) GROUP BY t.wave_id, t.question, t.code`,
		append([]any{territoryID}, db.Args(waveIDs)...), func(rows *sql.Rows) error {
			var wave int64
			var question, code string
			var n int
			if err := rows.Scan(&wave, &question, &code, &n); err != nil {
				return err
			}
			if counts[wave] == nil {
				counts[wave] = map[string]map[string]int{}
			}
			if counts[wave][question] == nil {
				counts[wave][question] = map[string]int{}
			}
			counts[wave][question][code] = n
			return nil
		})
	if err != nil {
		return nil, err
	}
	// The waves of a program's cohorts share one questionnaire, or a few.
	questionnaires := map[int64]Questionnaire{}
	for _, w := range waves {
		q, ok := questionnaires[w.QuestionnaireID]
		if !ok {
			if q, err = s.Get(ctx, territoryID, w.QuestionnaireID); err != nil {
				return nil, err
			}
			questionnaires[w.QuestionnaireID] = q
		}
		if q.Published != nil {
			out[w.ID] = s.results(Filter{WaveID: w.ID}, q, min, counts[w.ID], places)
		}
	}
	return out, nil
}

// both is a catalog text in French and English.
func (s *Store) both(key string, args ...any) Text {
	return Text{FR: s.cat.T("fr", key, args...), EN: s.cat.T("en", key, args...)}
}

// result turns one question's counts into its figures; smallPlaces names
// the places counted together because each is under the minimum, and
// text writes the labels of a number's ranges.
func result(q Question, number int, c map[string]int, min int, places map[string]territory.Place, smallPlaces Text,
	text func(key string, args ...any) Text) QuestionResult {
	r := QuestionResult{Question: q, Number: number, N: c[""], Declined: c[DeclineCode]}
	r.Suppressed = r.N < min
	pct := func(n int) float64 {
		if r.N == 0 {
			return 0
		}
		return float64(n) * 100 / float64(r.N)
	}
	switch {
	case q.Kind == KindPlace:
		// Each place is a group of its own: a place under the minimum is
		// counted with the others like it, never shown alone.
		small := 0
		for code, n := range c {
			p, ok := places[code]
			switch {
			case !ok:
			case n < min:
				small += n
			default:
				r.Options = append(r.Options, OptionResult{Code: code, Label: Text{FR: p.Name}, Count: n, Percent: pct(n)})
			}
		}
		sort.Slice(r.Options, func(i, j int) bool {
			a, b := r.Options[i], r.Options[j]
			return a.Count > b.Count || a.Count == b.Count && a.Code < b.Code
		})
		if small > 0 {
			r.Options = append(r.Options, OptionResult{Code: SmallPlaces, Count: small, Percent: pct(small), Label: smallPlaces})
		}
	case q.HasChoices():
		for _, o := range q.Options() {
			r.Options = append(r.Options, OptionResult{Code: o.Code, Label: o.Label, Count: c[o.Code], Percent: pct(c[o.Code])})
		}
	case q.Numeric():
		type vn struct {
			v float64
			n int
		}
		var vals []vn
		total, sum := 0, 0.0
		for code, n := range c {
			if code == "" || code == DeclineCode {
				continue
			}
			v, err := strconv.ParseFloat(code, 64)
			if err != nil {
				continue
			}
			vals = append(vals, vn{v, n})
			total += n
			sum += v * float64(n)
		}
		if total > 0 {
			sort.Slice(vals, func(i, j int) bool { return vals[i].v < vals[j].v })
			nr := &NumberResult{Mean: sum / float64(total)}
			// The lowest and highest values only when enough people gave them.
			if first := vals[0]; first.n >= min {
				nr.Min = &first.v
			}
			if last := vals[len(vals)-1]; last.n >= min {
				nr.Max = &last.v
			}
			// The median: the middle value (the mean of the two middle ones).
			lo, hi := (total-1)/2, total/2
			seen := 0
			var a, b float64
			for _, x := range vals {
				if lo >= seen && lo < seen+x.n {
					a = x.v
				}
				if hi >= seen && hi < seen+x.n {
					b = x.v
				}
				seen += x.n
			}
			nr.Median = (a + b) / 2
			r.Numbers = nr
			values := make([]float64, len(vals))
			counts := make([]int, len(vals))
			for i, x := range vals {
				values[i], counts[i] = x.v, x.n
			}
			for i, b := range ranges(values, counts, min) {
				r.Options = append(r.Options, OptionResult{Code: "r" + strconv.Itoa(i+1), Label: b.label(text), Count: b.n, Percent: pct(b.n)})
			}
		}
	}
	if r.Suppressed {
		r.Options, r.Numbers = nil, nil
	}
	return r
}

// MaxRanges bounds the ranges a number question's answers are counted in.
const MaxRanges = 8

// valueRange is one range of a number question's distribution: [from, to),
// a nil bound open (« moins de 10 », « 50 ou plus »).
type valueRange struct {
	from, to *float64
	whole    bool // every value is a whole number: « 10 à 19 », « 7 »
	n        int
}

// ranges counts values (sorted, with their counts) in a few ranges of
// one round width, laid over the values between the min-th lowest and the
// min-th highest answer: fewer answers below or above are counted in an
// open range (« moins de 10 », « 50 ou plus »), and the lowest and highest
// ranges are merged inwards while fewer than min people fall in them, so
// that no range shows the extreme answer of a person or two.
func ranges(values []float64, counts []int, min int) []valueRange {
	total := 0
	whole := true
	for i, v := range values {
		total += counts[i]
		whole = whole && v == math.Trunc(v)
	}
	// at is the value of the k-th answer, lowest first.
	at := func(k int) float64 {
		for i, n := range counts {
			if k < n {
				return values[i]
			}
			k -= n
		}
		return values[len(values)-1]
	}
	k := max(1, min) - 1
	lo, hi := at(k), at(total-1-k)
	if lo > hi {
		lo, hi = hi, lo
	}
	width := 0.0
	for mag := math.Pow(10, math.Floor(math.Log10(math.Max(hi-lo, 1)))-1); width == 0; mag *= 10 {
		for _, m := range []float64{1, 2, 5} {
			w := m * mag
			if whole && w < 1 {
				continue
			}
			if width == 0 && math.Floor(hi/w)-math.Floor(lo/w)+1 <= MaxRanges {
				width = w
			}
		}
	}
	start := math.Floor(lo/width) * width
	out := make([]valueRange, int(math.Floor(hi/width)-math.Floor(lo/width))+1)
	for i := range out {
		from, to := start+float64(i)*width, start+float64(i+1)*width
		out[i] = valueRange{from: &from, to: &to, whole: whole}
	}
	for i, v := range values {
		k := int(math.Floor((v - start) / width))
		switch {
		case k < 0:
			k, out[0].from = 0, nil
		case k >= len(out):
			k, out[len(out)-1].to = len(out)-1, nil
		}
		out[k].n += counts[i]
	}
	for len(out) > 1 && out[0].n < min {
		out[1].n += out[0].n
		out[1].from = nil
		out = out[1:]
	}
	for len(out) > 1 && out[len(out)-1].n < min {
		out[len(out)-2].n += out[len(out)-1].n
		out[len(out)-2].to = nil
		out = out[:len(out)-1]
	}
	if len(out) == 1 {
		out[0].from, out[0].to = nil, nil
	}
	return out
}

// label names a range in French and English.
func (b valueRange) label(text func(key string, args ...any) Text) Text {
	num := func(v float64) Text {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		return Text{FR: strings.Replace(s, ".", ",", 1), EN: s}
	}
	pair := func(key string, a, z Text) Text {
		fr, en := text(key, a.FR, z.FR), text(key, a.EN, z.EN)
		return Text{FR: fr.FR, EN: en.EN}
	}
	one := func(key string, a Text) Text {
		return Text{FR: text(key, a.FR).FR, EN: text(key, a.EN).EN}
	}
	switch {
	case b.from == nil && b.to == nil:
		return text("survey.results.range_all")
	case b.from == nil:
		return one("survey.results.range_under", num(*b.to))
	case b.to == nil:
		return one("survey.results.range_over", num(*b.from))
	case b.whole && *b.to-*b.from == 1:
		return num(*b.from)
	case b.whole:
		return pair("survey.results.range", num(*b.from), num(*b.to-1))
	}
	return pair("survey.results.range_below", num(*b.from), num(*b.to))
}

// SmallPlaces is the code of the places counted together because each
// had fewer answers than the minimum.
const SmallPlaces = "_small"

// Share is the part of the respondents a headline counts, from a question's counts.
func (h Headline) Share(c map[string]int) int {
	n := 0
	for code, k := range c {
		if code == "" || code == DeclineCode {
			continue
		}
		for _, want := range h.Codes {
			if code == want {
				n += k
			}
		}
		if h.AtLeast != nil {
			if v, err := strconv.ParseFloat(code, 64); err == nil && v >= *h.AtLeast {
				n += k
			}
		}
	}
	return n
}

// ComparedOption is one option in two waves.
type ComparedOption struct {
	Code               string
	Label              Text
	PercentA, PercentB float64
	// Diff is B − A, in percentage points.
	Diff float64
}

// ComparedQuestion is one question in two waves; Suppressed when either
// wave's group is under the minimum.
type ComparedQuestion struct {
	Question   Question
	Number     int
	NA, NB     int
	Suppressed bool
	Options    []ComparedOption
	// MeanA, MeanB are a number question's means, MeanDiff B − A.
	MeanA, MeanB, MeanDiff *float64
}

// Compare puts two waves side by side (baseline A → follow-up B) under the
// same filter, question by question, matched by their codes.
func (s *Store) Compare(ctx context.Context, territoryID int64, a, b Filter) ([]ComparedQuestion, error) {
	ra, err := s.Results(ctx, territoryID, a)
	if err != nil {
		return nil, err
	}
	rb, err := s.Results(ctx, territoryID, b)
	if err != nil {
		return nil, err
	}
	wa, _ := s.Wave(ctx, territoryID, a.WaveID)
	wb, _ := s.Wave(ctx, territoryID, b.WaveID)
	if wa.QuestionnaireID != wb.QuestionnaireID {
		return nil, errs.New(errs.Invalid, "errors.survey_compare_other")
	}
	byCode := map[string]QuestionResult{}
	for _, q := range ra.Questions {
		byCode[q.Question.Code] = q
	}
	var out []ComparedQuestion
	for _, qb := range rb.Questions {
		qa, ok := byCode[qb.Question.Code]
		if !ok || qb.Question.Typed() {
			continue
		}
		c := ComparedQuestion{Question: qb.Question, Number: qb.Number, NA: qa.N, NB: qb.N, Suppressed: qa.Suppressed || qb.Suppressed}
		if !c.Suppressed {
			if qa.Numbers != nil && qb.Numbers != nil {
				diff := qb.Numbers.Mean - qa.Numbers.Mean
				c.MeanA, c.MeanB, c.MeanDiff = &qa.Numbers.Mean, &qb.Numbers.Mean, &diff
			}
			if qb.Question.HasChoices() || qb.Question.Kind == KindPlace {
				pa := map[string]float64{}
				for _, o := range qa.Options {
					pa[o.Code] = o.Percent
				}
				for _, o := range qb.Options {
					c.Options = append(c.Options, ComparedOption{Code: o.Code, Label: o.Label, PercentA: pa[o.Code], PercentB: o.Percent,
						Diff: o.Percent - pa[o.Code]})
				}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// Headlines are the headline figures of the current wave (the latest
// that has answers) of each published questionnaire of the territory,
// for the place whose slug is given and its secteurs ("" is the whole
// territory), with the small-numbers rule applied.
func (s *Store) Headlines(ctx context.Context, territoryID int64, placeSlug string) ([]Figure, error) {
	qs, err := s.List(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	min, err := s.minimum(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	var out []Figure
	for _, q := range qs {
		if q.Published == nil || q.Responses == 0 {
			continue
		}
		def := q.Published.Def
		type headed struct {
			code string
			h    Headline
		}
		var hs []headed
		for _, question := range def.Questions() {
			if question.Headline != nil {
				hs = append(hs, headed{question.Code, *question.Headline})
			}
		}
		for _, sc := range def.Scores {
			if sc.Headline != nil {
				hs = append(hs, headed{sc.Code, *sc.Headline})
			}
		}
		if len(hs) == 0 {
			continue
		}
		waves, err := s.Waves(ctx, territoryID, q.ID)
		if err != nil {
			return nil, err
		}
		var current *Wave
		for i := range waves {
			if waves[i].Responses > 0 {
				current = &waves[i]
				break
			}
		}
		if current == nil {
			continue
		}
		counts, err := s.counts(ctx, territoryID, Filter{WaveID: current.ID, Place: placeSlug})
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			c := counts[h.code]
			fig := Figure{Key: h.h.Key, Label: h.h.Label, N: c[""], Questionnaire: def.Title, Wave: current.Name, Source: q.Source,
				ComputedAt: s.now()}
			if fig.N < min {
				fig.Suppressed = true
			} else {
				fig.Count = h.h.Share(c)
				fig.Percent = float64(fig.Count) * 100 / float64(fig.N)
			}
			out = append(out, fig)
		}
	}
	return out, nil
}

// Retally counts a wave again from its stored answers: the tallies are a
// copy kept for speed, and this puts them right from the source.
func (s *Store) Retally(ctx context.Context, territoryID, waveID int64) error {
	if _, err := s.Wave(ctx, territoryID, waveID); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM survey_tallies WHERE wave_id = ?`, waveID); err != nil {
			return err
		}
		dims := `COALESCE(r.place_id, 0), COALESCE(r.event_id, 0), r.audience`
		for _, q := range []string{
			// The responses.
			`SELECT r.wave_id, '` + ResponsesKey + `', '', ` + dims + `, COUNT(*) FROM survey_responses r WHERE r.wave_id = ?
				GROUP BY r.wave_id, ` + dims,
			// Who answered each question (typed answers too), not counting « préfère ne pas répondre ».
			`SELECT r.wave_id, a.question, '', ` + dims + `, COUNT(DISTINCT r.id) FROM survey_answers a
				JOIN survey_responses r ON r.id = a.response_id WHERE a.wave_id = ? AND NOT a.declined
				GROUP BY r.wave_id, a.question, ` + dims,
			// Each choice, « préfère ne pas répondre », and each number.
			`SELECT r.wave_id, a.question, a.choice, ` + dims + `, COUNT(*) FROM survey_answers a
				JOIN survey_responses r ON r.id = a.response_id WHERE a.wave_id = ? AND a.choice <> ''
				GROUP BY r.wave_id, a.question, a.choice, ` + dims,
		} {
			if _, err := tx.Exec(ctx, `INSERT INTO survey_tallies (wave_id, question, code, place_id, event_id, audience, n) `+q, waveID); err != nil {
				return err
			}
		}
		// Numbers are counted by their value, written as numberCode writes it.
		type row struct {
			question, audience string
			v                  float64
			place, event       int64
			n                  int
		}
		var nums []row
		err := db.Each(ctx, tx, `SELECT a.question, a.number, `+dims+`, COUNT(*) FROM survey_answers a
			JOIN survey_responses r ON r.id = a.response_id WHERE a.wave_id = ? AND a.number IS NOT NULL
			GROUP BY a.question, a.number, `+dims, []any{waveID}, func(rows *sql.Rows) error {
			var x row
			nums = append(nums, x)
			return rows.Scan(&nums[len(nums)-1].question, &nums[len(nums)-1].v, &nums[len(nums)-1].place,
				&nums[len(nums)-1].event, &nums[len(nums)-1].audience, &nums[len(nums)-1].n)
		})
		if err != nil {
			return err
		}
		for _, x := range nums {
			if _, err := tx.Exec(ctx, `INSERT INTO survey_tallies (wave_id, question, code, place_id, event_id, audience, n)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, waveID, x.question, numberCode(x.v), x.place, x.event, x.audience, x.n); err != nil {
				return err
			}
		}
		return nil
	})
}

// EventsOf lists the events a wave's answers came from.
func (s *Store) EventsOf(ctx context.Context, territoryID, waveID int64) ([]int64, error) {
	var out []int64
	err := db.Each(ctx, s.db, `SELECT DISTINCT t.event_id FROM survey_tallies t JOIN survey_waves w ON w.id = t.wave_id
		WHERE w.territory_id = ? AND t.wave_id = ? AND t.event_id <> 0 ORDER BY t.event_id`, []any{territoryID, waveID},
		func(rows *sql.Rows) error {
			var id int64
			err := rows.Scan(&id)
			out = append(out, id)
			return err
		})
	return out, err
}
