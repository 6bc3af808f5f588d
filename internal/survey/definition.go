package survey

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"implique/internal/errs"
)

// Limits of a questionnaire.
const (
	MaxQuestions = 200
	MaxChoices   = 60
	maxText      = 2000
	// MaxAnswerText bounds a typed answer.
	MaxAnswerText = 5000
)

// DeclineCode is the stored code of « Je préfère ne pas répondre ».
const DeclineCode = "-"

var codeRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_]{0,39}$`)

// Questions lists the questions in the order a respondent sees them.
func (d Definition) Questions() []Question {
	var out []Question
	for _, s := range d.Sections {
		out = append(out, s.Questions...)
	}
	return out
}

// Question returns the question whose code is given.
func (d Definition) Question(code string) (Question, bool) {
	for _, s := range d.Sections {
		for _, q := range s.Questions {
			if q.Code == code {
				return q, true
			}
		}
	}
	return Question{}, false
}

// Number is the question's position (1, 2, …) as printed and shown, 0 when absent.
func (d Definition) Number(code string) int {
	for i, q := range d.Questions() {
		if q.Code == code {
			return i + 1
		}
	}
	return 0
}

// The points of an agreement scale unless a question names its own.
var agreePoints = []Choice{
	{Code: "1", Label: Text{FR: "Tout à fait en désaccord", EN: "Strongly disagree"}},
	{Code: "2", Label: Text{FR: "Plutôt en désaccord", EN: "Somewhat disagree"}},
	{Code: "3", Label: Text{FR: "Ni en accord ni en désaccord", EN: "Neither agree nor disagree"}},
	{Code: "4", Label: Text{FR: "Plutôt en accord", EN: "Somewhat agree"}},
	{Code: "5", Label: Text{FR: "Tout à fait en accord", EN: "Strongly agree"}},
}

var yesNo = []Choice{{Code: "oui", Label: Text{FR: "Oui", EN: "Yes"}}, {Code: "non", Label: Text{FR: "Non", EN: "No"}}}

// HasChoices reports whether the question's answers are among listed choices.
func (q Question) HasChoices() bool {
	switch q.Kind {
	case KindSingle, KindMultiple, KindAgree, KindScale10, KindYesNo:
		return true
	}
	return false
}

// Numeric reports whether the answer is a number (counted by value).
func (q Question) Numeric() bool { return q.Kind == KindNumber }

// Typed reports whether the answer is text typed by the respondent.
func (q Question) Typed() bool { return q.Kind == KindShort || q.Kind == KindLong }

// Options are the choices a respondent picks from: the question's own, or
// the points of its scale. A place question's options are the territory's
// places, given by the caller.
func (q Question) Options() []Choice {
	switch q.Kind {
	case KindAgree:
		if len(q.Choices) > 0 {
			return q.Choices
		}
		return agreePoints
	case KindScale10:
		out := make([]Choice, 11)
		for i := range out {
			c := strconv.Itoa(i)
			out[i] = Choice{Code: c, Label: Text{FR: c}}
		}
		return out
	case KindYesNo:
		return yesNo
	}
	return q.Choices
}

// Option returns the option whose code is given.
func (q Question) Option(code string) (Choice, bool) {
	for _, c := range q.Options() {
		if c.Code == code {
			return c, true
		}
	}
	return Choice{}, false
}

func textProblem(f errs.Fields, field string, t Text, required bool) {
	switch {
	case required && strings.TrimSpace(t.FR) == "":
		f.Add(field, "errors.survey_text_fr")
	case utf8.RuneCountInString(t.FR) > maxText || utf8.RuneCountInString(t.EN) > maxText:
		f.Add(field, "errors.too_long")
	}
}

func trimText(t Text) Text { return Text{FR: strings.TrimSpace(t.FR), EN: strings.TrimSpace(t.EN)} }

// normalise trims every text.
func (d *Definition) normalise() {
	d.Title, d.Intro = trimText(d.Title), trimText(d.Intro)
	for i := range d.Sections {
		s := &d.Sections[i]
		s.Title = trimText(s.Title)
		for j := range s.Questions {
			q := &s.Questions[j]
			q.Code = strings.TrimSpace(q.Code)
			q.Text, q.Help = trimText(q.Text), trimText(q.Help)
			for k := range q.Choices {
				q.Choices[k].Label = trimText(q.Choices[k].Label)
			}
		}
	}
}

// validate checks a definition; the problems are keyed by the question's
// code (q_<code>), or title, sections. A draft may have no question yet;
// a published version may not.
func (d Definition) validate(publishing bool) error {
	f := errs.Fields{}
	textProblem(f, "title", d.Title, true)
	textProblem(f, "intro", d.Intro, false)
	seen := map[string]Question{}
	n := 0
	for _, s := range d.Sections {
		textProblem(f, "sections", s.Title, false)
		for _, q := range s.Questions {
			n++
			field := "q_" + q.Code
			if !codeRe.MatchString(q.Code) {
				f.Add("code", "errors.survey_code")
				continue
			}
			if _, dup := seen[q.Code]; dup {
				f.Add(field, "errors.survey_code_taken")
			}
			if !validKind(q.Kind) {
				f.Add(field, "errors.survey_kind")
			}
			textProblem(f, field, q.Text, true)
			textProblem(f, field, q.Help, false)
			switch {
			case q.Kind == KindSingle || q.Kind == KindMultiple:
				if len(q.Choices) < 2 {
					f.Add(field, "errors.survey_choices_few")
				}
			case q.Kind == KindAgree:
				if len(q.Choices) == 1 {
					f.Add(field, "errors.survey_choices_few")
				}
			default:
				if len(q.Choices) > 0 {
					f.Add(field, "errors.survey_choices_none")
				}
			}
			if len(q.Choices) > MaxChoices {
				f.Add(field, "errors.survey_choices_many")
			}
			codes := map[string]bool{}
			for _, c := range q.Choices {
				if !codeRe.MatchString(c.Code) || codes[c.Code] {
					f.Add(field, "errors.survey_choice_code")
				}
				codes[c.Code] = true
				textProblem(f, field, c.Label, true)
			}
			if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
				f.Add(field, "errors.survey_bounds")
			}
			if q.ShowIf != nil {
				prev, ok := seen[q.ShowIf.Question]
				if !ok {
					f.Add(field, "errors.survey_condition")
				} else if _, ok := prev.Option(q.ShowIf.Equals); !ok || !prev.HasChoices() {
					f.Add(field, "errors.survey_condition")
				}
			}
			seen[q.Code] = q
		}
	}
	if n == 0 && publishing {
		f.Add("sections", "errors.survey_empty")
	}
	if n > MaxQuestions {
		f.Add("sections", "errors.survey_too_many")
	}
	for _, sc := range d.Scores {
		if !codeRe.MatchString(sc.Code) || seen[sc.Code].Code != "" {
			f.Add("scores", "errors.survey_code")
		}
		for _, c := range sc.Questions {
			q, ok := seen[c]
			if !ok || !(q.Kind == KindSingle || q.Kind == KindAgree || q.Kind == KindScale10 || q.Kind == KindNumber) {
				f.Add("scores", "errors.survey_score")
			}
		}
	}
	return f.Err()
}

func validKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// NextCode proposes a free code for a new question (q1, q2, …).
func (d Definition) NextCode() string {
	for i := len(d.Questions()) + 1; ; i++ {
		c := "q" + strconv.Itoa(i)
		if _, taken := d.Question(c); !taken {
			return c
		}
	}
}

// PutQuestion replaces the question whose code is old, or adds q at the
// end of section (when old is ""), giving it a free code when it has none.
// A question keeps its code: answers of every version are counted by it.
func (d *Definition) PutQuestion(section int, old string, q Question) error {
	if old == "" {
		if section < 0 || section >= len(d.Sections) {
			return errs.New(errs.NotFound, "errors.survey_section_not_found")
		}
		if q.Code == "" {
			q.Code = d.NextCode()
		}
		d.Sections[section].Questions = append(d.Sections[section].Questions, q)
		return nil
	}
	for i := range d.Sections {
		for j := range d.Sections[i].Questions {
			if d.Sections[i].Questions[j].Code == old {
				q.Code = old
				d.Sections[i].Questions[j] = q
				return nil
			}
		}
	}
	return errs.New(errs.NotFound, "errors.survey_question_not_found")
}

// RemoveQuestion takes a question out (and the conditions that named it).
func (d *Definition) RemoveQuestion(code string) error {
	for i := range d.Sections {
		qs := d.Sections[i].Questions
		for j := range qs {
			if qs[j].Code != code {
				continue
			}
			d.Sections[i].Questions = append(qs[:j:j], qs[j+1:]...)
			for k := range d.Sections {
				for l := range d.Sections[k].Questions {
					if c := d.Sections[k].Questions[l].ShowIf; c != nil && c.Question == code {
						d.Sections[k].Questions[l].ShowIf = nil
					}
				}
			}
			return nil
		}
	}
	return errs.New(errs.NotFound, "errors.survey_question_not_found")
}

// MoveQuestion moves a question one place up (delta -1) or down (+1),
// across sections at their edges.
func (d *Definition) MoveQuestion(code string, delta int) error {
	type pos struct{ s, q int }
	var all []pos
	at := -1
	for i, s := range d.Sections {
		for j, q := range s.Questions {
			if q.Code == code {
				at = len(all)
			}
			all = append(all, pos{i, j})
		}
		if len(s.Questions) == 0 {
			all = append(all, pos{i, -1})
		}
	}
	if at < 0 {
		return errs.New(errs.NotFound, "errors.survey_question_not_found")
	}
	from := all[at]
	q := d.Sections[from.s].Questions[from.q]
	switch {
	case delta < 0 && from.q > 0:
		qs := d.Sections[from.s].Questions
		qs[from.q], qs[from.q-1] = qs[from.q-1], qs[from.q]
	case delta < 0 && from.s > 0:
		d.RemoveQuestion(code)
		d.Sections[from.s-1].Questions = append(d.Sections[from.s-1].Questions, q)
	case delta > 0 && from.q < len(d.Sections[from.s].Questions)-1:
		qs := d.Sections[from.s].Questions
		qs[from.q], qs[from.q+1] = qs[from.q+1], qs[from.q]
	case delta > 0 && from.s < len(d.Sections)-1:
		d.RemoveQuestion(code)
		next := &d.Sections[from.s+1]
		next.Questions = append([]Question{q}, next.Questions...)
	}
	return nil
}

// PutSection renames section i, or adds a section when i is len(Sections).
func (d *Definition) PutSection(i int, title Text) error {
	switch {
	case i == len(d.Sections):
		d.Sections = append(d.Sections, Section{Title: title})
	case i >= 0 && i < len(d.Sections):
		d.Sections[i].Title = title
	default:
		return errs.New(errs.NotFound, "errors.survey_section_not_found")
	}
	return nil
}

// RemoveSection takes out an empty section.
func (d *Definition) RemoveSection(i int) error {
	if i < 0 || i >= len(d.Sections) {
		return errs.New(errs.NotFound, "errors.survey_section_not_found")
	}
	if len(d.Sections[i].Questions) > 0 {
		return errs.New(errs.Conflict, "errors.survey_section_not_empty")
	}
	d.Sections = append(d.Sections[:i:i], d.Sections[i+1:]...)
	return nil
}
