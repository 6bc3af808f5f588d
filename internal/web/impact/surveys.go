package impact

import (
	"context"
	"html/template"
	"slices"

	"implique/internal/survey"
	"implique/internal/web/kit"
)

// surveyView is a questionnaire's headline figures wave by wave, as the
// partners' dashboard shows them: the share of the respondents each
// headline counts (belonging, loneliness, …), under the small-numbers
// rule of the survey results.
type surveyView struct {
	// Title is the questionnaire's title; Label the same as plain text
	// (the scrolling table's name).
	Title  template.HTML
	Label  string
	Source template.HTML
	// Waves are the waves' names, the oldest first.
	Waves []template.HTML
	Rows  []surveyRow
}

type surveyRow struct {
	Label string
	Cells []string
}

// surveyWaves is how many waves of a questionnaire the dashboard puts
// side by side (the latest).
const surveyWaves = 6

// surveyHeadlines reads the headline figures of every published
// questionnaire that has them, for each of its latest waves with answers.
func (s *Handlers) surveyHeadlines(ctx context.Context, b kit.Base) ([]surveyView, error) {
	st := s.Deps.Surveys
	qs, err := st.List(ctx, b.Territory.ID)
	if err != nil {
		return nil, err
	}
	byQ, err := st.WavesByQuestionnaire(ctx, b.Territory.ID)
	if err != nil {
		return nil, err
	}
	type shown struct {
		q     survey.Questionnaire
		waves []survey.Wave
	}
	var list []shown
	var ids []int64
	for _, q := range qs {
		if q.Published == nil || !hasHeadline(q.Published.Def) {
			continue
		}
		var ws []survey.Wave
		for _, w := range byQ[q.ID] { // the latest first
			if w.Responses > 0 && len(ws) < surveyWaves {
				ws = append(ws, w)
				ids = append(ids, w.ID)
			}
		}
		if len(ws) > 0 {
			slices.Reverse(ws)
			list = append(list, shown{q, ws})
		}
	}
	if len(ids) > survey.MaxWaves {
		ids = ids[:survey.MaxWaves]
	}
	results, err := st.ResultsOfWaves(ctx, b.Territory.ID, ids)
	if err != nil {
		return nil, err
	}
	var out []surveyView
	for _, x := range list {
		title := x.q.Published.Def.Title.In(b.Lang)
		v := surveyView{Title: b.Typed(title), Label: title}
		if x.q.Source != "" {
			v.Source = b.Typed(x.q.Source)
		}
		rows := map[string]int{}
		for i, w := range x.waves {
			v.Waves = append(v.Waves, b.Typed(w.Name))
			for _, qr := range results[w.ID].Questions {
				h := qr.Question.Headline
				if h == nil {
					continue
				}
				r, ok := rows[h.Key]
				if !ok {
					r = len(v.Rows)
					rows[h.Key] = r
					v.Rows = append(v.Rows, surveyRow{Label: h.Label.In(b.Lang), Cells: make([]string, len(x.waves))})
				}
				v.Rows[r].Cells[i] = share(b, qr)
			}
		}
		for _, r := range v.Rows {
			for i, c := range r.Cells {
				if c == "" {
					r.Cells[i] = "—"
				}
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// hasHeadline reports whether a questionnaire has a headline figure.
func hasHeadline(d survey.Definition) bool {
	for _, q := range d.Questions() {
		if q.Headline != nil {
			return true
		}
	}
	for _, sc := range d.Scores {
		if sc.Headline != nil {
			return true
		}
	}
	return false
}

// share writes the part of a question's respondents its headline counts,
// with how many answered: « 62 % (48 réponses) », or « trop peu de
// réponses » under the minimum.
func share(b kit.Base, qr survey.QuestionResult) string {
	if qr.Suppressed || qr.N == 0 {
		return b.T("impact.too_few")
	}
	c := map[string]int{"": qr.N}
	for _, o := range qr.Options {
		c[o.Code] = o.Count
	}
	pct := float64(qr.Question.Headline.Share(c)) * 100 / float64(qr.N)
	return b.T("impact.partners.survey_share", b.Decimal(pct, 0), qr.N)
}
