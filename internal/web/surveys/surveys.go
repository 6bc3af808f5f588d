// Package surveys serves the questionnaires: the public list and the
// answering page (/sondages), the private links (/sondages/lien/{token}),
// the printable form and poster, and the staff's pages — writing a
// questionnaire, its waves, invitations, paper entry, reading typed
// answers, results with their charts, comparison of two waves, exports.
// Nothing here logs what anyone answered.
package surveys

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"implique/internal/survey"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

// Store is the survey store.
func (h *Handlers) store() *survey.Store { return h.Deps.Surveys }

// optionView is one choice as shown.
type optionView struct {
	Code, Label string
	// Own is the label in both languages, as staff typed it.
	Own survey.Text
	// Sector indents a secteur under its ville in a place list.
	Sector bool
}

// questionView is one question as a respondent (or staff typing paper) sees it.
type questionView struct {
	Q         survey.Question
	Number    int
	Name      string // the form field: q_<code>
	Text      string
	Help      string
	Options   []optionView
	Condition string
	Decline   string
	// Inline draws the options on one line (a 0–10 scale).
	Inline bool
}

// sectionView is a section with its questions.
type sectionView struct {
	Title     string
	Questions []questionView
	// Num is its position (1, 2, …); Own its French and English title.
	Num int
	Own survey.Text
}

// view lays out a definition in lang.
func view(b kit.Base, def survey.Definition, places []territory.Place) []sectionView {
	var out []sectionView
	n := 0
	for i, s := range def.Sections {
		sv := sectionView{Title: s.Title.In(b.Lang), Num: i + 1, Own: s.Title}
		for _, q := range s.Questions {
			n++
			qv := questionView{Q: q, Number: n, Name: "q_" + q.Code, Text: q.Text.In(b.Lang), Help: q.Help.In(b.Lang),
				Inline: q.Kind == survey.KindScale10}
			if q.Kind == survey.KindPlace {
				for _, p := range places {
					qv.Options = append(qv.Options, optionView{Code: p.Slug, Label: p.Name, Own: survey.Text{FR: p.Name}, Sector: p.ParentID != nil})
				}
			} else {
				for _, o := range q.Options() {
					qv.Options = append(qv.Options, optionView{Code: o.Code, Label: o.Label.In(b.Lang), Own: o.Label})
				}
			}
			if q.Decline {
				qv.Decline = b.T("survey.decline")
			}
			if c := q.ShowIf; c != nil {
				if prev, ok := def.Question(c.Question); ok {
					o, _ := prev.Option(c.Equals)
					qv.Condition = b.T("survey.condition", o.Label.In(b.Lang), def.Number(c.Question))
				}
			}
			sv.Questions = append(sv.Questions, qv)
		}
		out = append(out, sv)
	}
	return out
}

// setTitle titles a page with a text typed in both languages.
func setTitle(b *kit.Base, t survey.Text) {
	b.Title = t.In(b.Lang)
	b.SetHeading(b.Both(t.FR, t.EN))
}

// submission reads the answers of a form (fields q_<code>).
func submission(form url.Values, lang string) survey.Submission {
	sub := survey.Submission{Lang: lang, Values: map[string][]string{}, Consent: form.Get("consent") == "1"}
	for k, v := range form {
		if code, ok := strings.CutPrefix(k, "q_"); ok {
			sub.Values[code] = v
		}
	}
	return sub
}

// rename gives a store's field problem its form field: the texts' French
// field carries the problem of the text.
func rename(f string) string {
	switch f {
	case "title", "intro":
		return f + "_fr"
	}
	return f
}

// id formats an id for a URL.
func id(n int64) string { return strconv.FormatInt(n, 10) }

// surveysPage is a page of questionnaires.
type surveysPage struct {
	kit.Base
}

// places is the territory's places, villes before their secteurs.
func (h *Handlers) places(r *http.Request) ([]territory.Place, error) {
	ps, err := h.Deps.Territories.Places(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		return nil, err
	}
	var out []territory.Place
	for _, p := range ps {
		if p.ParentID != nil {
			continue
		}
		out = append(out, p)
		for _, c := range ps {
			if c.ParentID != nil && *c.ParentID == p.ID {
				out = append(out, c)
			}
		}
	}
	return out, nil
}
