package surveys

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/survey"
	"implique/internal/web/kit"
)

const (
	authManage  = auth.ManageSurveys
	authResults = auth.ReadSurveyResults
)

// adminListPage lists the questionnaires and the instruments to load.
type adminListPage struct {
	kit.Base
	Questionnaires []survey.Questionnaire
	Instruments    []survey.Instrument
	Audiences      []string
	// Waves of each questionnaire, for those who read the results only.
	Waves     map[int64][]survey.Wave
	CanManage bool
}

// AdminSurveys lists the territory's questionnaires: to staff who write
// them, with the instruments; to those who read results (partners,
// communications), with the results of each wave.
func (h *Handlers) AdminSurveys(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, authResults) {
		return
	}
	h.renderList(w, r, http.StatusOK, nil)
}

func (h *Handlers) renderList(w http.ResponseWriter, r *http.Request, status int, problems map[string]string) {
	p := adminListPage{Base: h.Page(w, r, "survey.admin.title"), Audiences: survey.Audiences, CanManage: h.Can(r, authManage)}
	var err error
	if p.Questionnaires, err = h.store().List(r.Context(), p.Territory.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Waves, err = h.store().WavesByQuestionnaire(r.Context(), p.Territory.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Instruments, err = survey.Instruments(); err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Errors, p.Form = problems, r.PostForm
	h.Render(w, r, status, "admin_surveys", p)
}

// meta reads a questionnaire's title, audience and anonymity.
func meta(form url.Values) survey.Meta {
	return survey.Meta{Title: survey.Text{FR: form.Get("title_fr"), EN: form.Get("title_en")}, Audience: form.Get("audience"),
		Anonymous: form.Get("anonymous") != "0"}
}

func staffID(r *http.Request) int64 {
	if u := kit.Info(r).Principal.User; u != nil {
		return u.ID
	}
	return 0
}

// CreateSurvey starts a blank questionnaire.
func (h *Handlers) CreateSurvey(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, authManage) {
		return
	}
	qid, err := h.store().Create(r.Context(), kit.Info(r).Territory.ID, meta(r.PostForm), staffID(r))
	if err != nil {
		h.RefuseOn(w, r, err, rename, func(status int, problems map[string]string) { h.renderList(w, r, status, problems) })
		return
	}
	h.Confirm(w, r, "survey.flash.created", "/admin/sondages/"+id(qid))
}

// LoadInstrument adds a shipped instrument to the territory.
func (h *Handlers) LoadInstrument(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, authManage) {
		return
	}
	qid, err := h.store().LoadInstrument(r.Context(), kit.Info(r).Territory.ID, r.PostForm.Get("instrument"), staffID(r))
	h.Done(w, r, err, "survey.flash.loaded", "/admin/sondages/"+id(qid))
}

// adminSurveyPage is one questionnaire: its questions, its waves.
type adminSurveyPage struct {
	kit.Base
	Q         survey.Questionnaire
	Version   survey.Version
	Sections  []sectionView
	Waves     []survey.Wave
	Audiences []string
	// Today is the territory's day, for the waves' state.
	Open map[int64]bool
}

func (h *Handlers) loadSurvey(w http.ResponseWriter, r *http.Request) (survey.Questionnaire, bool) {
	return kit.Load(h.Kit, w, r, authManage, h.store().Get)
}

// AdminSurvey shows one questionnaire.
func (h *Handlers) AdminSurvey(w http.ResponseWriter, r *http.Request) {
	q, ok := h.loadSurvey(w, r)
	if !ok {
		return
	}
	h.renderSurvey(w, r, q, http.StatusOK, nil)
}

func (h *Handlers) renderSurvey(w http.ResponseWriter, r *http.Request, q survey.Questionnaire, status int, problems map[string]string) {
	p := adminSurveyPage{Base: h.Page(w, r, ""), Q: q, Version: q.Current(), Audiences: survey.Audiences, Open: map[int64]bool{}}
	places, err := h.places(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Sections = view(p.Base, p.Version.Def, places)
	if p.Waves, err = h.store().Waves(r.Context(), p.Territory.ID, q.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	open, err := h.store().OpenWaves(r.Context(), p.Territory.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, o := range open {
		p.Open[o.Wave.ID] = true
	}
	setTitle(&p.Base, q.Current().Def.Title)
	p.Errors, p.Form = problems, r.PostForm
	if p.Form == nil || p.Form.Get("title_fr") == "" && p.Form.Get("name") == "" {
		t := p.Version.Def.Title
		p.Form = url.Values{"title_fr": {t.FR}, "title_en": {t.EN}, "audience": {q.Audience}, "anonymous": {boolValue(q.Anonymous)}}
		for k, v := range r.PostForm {
			p.Form[k] = v
		}
	}
	h.Render(w, r, status, "admin_survey", p)
}

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// surveyAction runs an action on the questionnaire of the URL's {id}: a
// refusal shows the questionnaire again with its problem.
func (h *Handlers) surveyAction(w http.ResponseWriter, r *http.Request, flash string, act func(q survey.Questionnaire) error) {
	q, ok := h.loadSurvey(w, r)
	if !ok {
		return
	}
	if err := act(q); err != nil {
		h.RefuseOn(w, r, err, rename, func(status int, problems map[string]string) {
			q, _ := h.store().Get(r.Context(), q.TerritoryID, q.ID)
			h.renderSurvey(w, r, q, status, problems)
		})
		return
	}
	h.Confirm(w, r, flash, "/admin/sondages/"+id(q.ID))
}

// SaveMeta saves a questionnaire's title, audience and anonymity.
func (h *Handlers) SaveMeta(w http.ResponseWriter, r *http.Request) {
	h.surveyAction(w, r, "survey.flash.saved", func(q survey.Questionnaire) error {
		return h.store().SetMeta(r.Context(), q.TerritoryID, q.ID, meta(r.PostForm))
	})
}

// SaveIntro saves the introduction respondents read first.
func (h *Handlers) SaveIntro(w http.ResponseWriter, r *http.Request) {
	h.surveyAction(w, r, "survey.flash.saved", func(q survey.Questionnaire) error {
		return h.store().Edit(r.Context(), q.TerritoryID, q.ID, func(d *survey.Definition) error {
			d.Intro = survey.Text{FR: r.PostForm.Get("intro_fr"), EN: r.PostForm.Get("intro_en")}
			return nil
		})
	})
}

// Publish makes the draft the version new answers follow.
func (h *Handlers) Publish(w http.ResponseWriter, r *http.Request) {
	h.surveyAction(w, r, "survey.flash.published", func(q survey.Questionnaire) error {
		return h.store().Publish(r.Context(), q.TerritoryID, q.ID)
	})
}

// Discard drops the draft of a published questionnaire.
func (h *Handlers) Discard(w http.ResponseWriter, r *http.Request) {
	h.surveyAction(w, r, "survey.flash.discarded", func(q survey.Questionnaire) error {
		if r.PostForm.Get("confirm") != "1" {
			return errs.New(errs.Invalid, "errors.confirm")
		}
		return h.store().DiscardDraft(r.Context(), q.TerritoryID, q.ID)
	})
}

// Copy makes a new questionnaire from this one, to adapt.
func (h *Handlers) Copy(w http.ResponseWriter, r *http.Request) {
	q, ok := h.loadSurvey(w, r)
	if !ok {
		return
	}
	nid, err := h.store().Copy(r.Context(), q.TerritoryID, q.ID, kit.Info(r).Lang, staffID(r))
	h.Done(w, r, err, "survey.flash.copied", "/admin/sondages/"+id(nid))
}

// SaveSection adds a section (index = number of sections) or renames one.
func (h *Handlers) SaveSection(w http.ResponseWriter, r *http.Request) {
	h.surveyAction(w, r, "survey.flash.saved", func(q survey.Questionnaire) error {
		i, _ := strconv.Atoi(r.PostForm.Get("section"))
		return h.store().Edit(r.Context(), q.TerritoryID, q.ID, func(d *survey.Definition) error {
			return d.PutSection(i, survey.Text{FR: r.PostForm.Get("section_fr"), EN: r.PostForm.Get("section_en")})
		})
	})
}

// RemoveSection takes out an empty section.
func (h *Handlers) RemoveSection(w http.ResponseWriter, r *http.Request) {
	h.surveyAction(w, r, "survey.flash.saved", func(q survey.Questionnaire) error {
		i, _ := strconv.Atoi(r.PostForm.Get("section"))
		return h.store().Edit(r.Context(), q.TerritoryID, q.ID, func(d *survey.Definition) error { return d.RemoveSection(i) })
	})
}

// MoveQuestion moves a question up or down.
func (h *Handlers) MoveQuestion(w http.ResponseWriter, r *http.Request) {
	h.surveyAction(w, r, "survey.flash.saved", func(q survey.Questionnaire) error {
		delta := 1
		if r.PostForm.Get("dir") == "up" {
			delta = -1
		}
		return h.store().Edit(r.Context(), q.TerritoryID, q.ID, func(d *survey.Definition) error {
			return d.MoveQuestion(r.PathValue("code"), delta)
		})
	})
}

// RemoveQuestion takes a question out of the draft.
func (h *Handlers) RemoveQuestion(w http.ResponseWriter, r *http.Request) {
	h.surveyAction(w, r, "survey.flash.removed", func(q survey.Questionnaire) error {
		if r.PostForm.Get("confirm") != "1" {
			return errs.New(errs.Invalid, "errors.confirm")
		}
		return h.store().Edit(r.Context(), q.TerritoryID, q.ID, func(d *survey.Definition) error {
			return d.RemoveQuestion(r.PathValue("code"))
		})
	})
}

// CreateWave starts a wave.
func (h *Handlers) CreateWave(w http.ResponseWriter, r *http.Request) {
	q, ok := h.loadSurvey(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	wid, err := h.store().CreateWave(r.Context(), q.TerritoryID, q.ID, survey.WaveInput{Name: f.Get("name"), Opens: f.Get("opens"),
		Closes: f.Get("closes")})
	if err != nil {
		h.RefuseOn(w, r, err, rename, func(status int, problems map[string]string) { h.renderSurvey(w, r, q, status, problems) })
		return
	}
	h.Confirm(w, r, "survey.flash.wave_created", "/admin/vagues/"+id(wid))
}

// questionPage edits one question.
type questionPage struct {
	kit.Base
	Q        survey.Questionnaire
	Code     string // "" for a new question
	Sections []optionView
	Kinds    []string
	// Conditions are the answers of earlier choice questions a question may depend on.
	Conditions []optionView
}

// QuestionForm shows the form of a new (?section=) or existing question.
func (h *Handlers) QuestionForm(w http.ResponseWriter, r *http.Request) {
	q, ok := h.loadSurvey(w, r)
	if !ok {
		return
	}
	code := r.PathValue("code")
	form := url.Values{"section": {r.URL.Query().Get("section")}, "kind": {survey.KindSingle}}
	if code != "" {
		question, ok := q.Current().Def.Question(code)
		if !ok {
			h.Fail(w, r, errs.New(errs.NotFound, "errors.survey_question_not_found"))
			return
		}
		form = questionForm(question)
	}
	h.renderQuestion(w, r, q, code, http.StatusOK, nil, form)
}

func (h *Handlers) renderQuestion(w http.ResponseWriter, r *http.Request, q survey.Questionnaire, code string, status int,
	problems map[string]string, form url.Values) {
	p := questionPage{Base: h.Page(w, r, "survey.question.new"), Q: q, Code: code, Kinds: survey.Kinds}
	if code != "" {
		p.SetTitle("survey.question.edit", code)
	}
	def := q.Current().Def
	for i, s := range def.Sections {
		label := s.Title.In(p.Lang)
		if label == "" {
			label = p.T("survey.section.untitled", i+1)
		}
		p.Sections = append(p.Sections, optionView{Code: strconv.Itoa(i), Label: label})
	}
	for _, earlier := range def.Questions() {
		if earlier.Code == code {
			break
		}
		if !earlier.HasChoices() {
			continue
		}
		for _, o := range earlier.Options() {
			p.Conditions = append(p.Conditions, optionView{Code: earlier.Code + "=" + o.Code,
				Label: p.T("survey.question.condition_option", def.Number(earlier.Code), o.Label.In(p.Lang))})
		}
	}
	p.Errors, p.Form = problems, form
	h.Render(w, r, status, "admin_question", p)
}

// questionForm is a question as its form's values.
func questionForm(q survey.Question) url.Values {
	f := url.Values{"kind": {q.Kind}, "text_fr": {q.Text.FR}, "text_en": {q.Text.EN}, "help_fr": {q.Help.FR}, "help_en": {q.Help.EN}}
	if q.Required {
		f.Set("required", "1")
	}
	if q.Decline {
		f.Set("decline", "1")
	}
	var lines []string
	for _, c := range q.Choices {
		line := c.Label.FR
		if c.Label.EN != "" {
			line += " | " + c.Label.EN
		}
		lines = append(lines, line)
	}
	f.Set("choices", strings.Join(lines, "\n"))
	if q.Min != nil {
		f.Set("min", strconv.FormatFloat(*q.Min, 'f', -1, 64))
	}
	if q.Max != nil {
		f.Set("max", strconv.FormatFloat(*q.Max, 'f', -1, 64))
	}
	if q.ShowIf != nil {
		f.Set("show_if", q.ShowIf.Question+"="+q.ShowIf.Equals)
	}
	return f
}

// readQuestion reads a question's form; old is the question it replaces
// (its choices keep their codes: by label, else by position).
func readQuestion(f url.Values, old survey.Question) (survey.Question, errs.Fields) {
	problems := errs.Fields{}
	q := survey.Question{Kind: f.Get("kind"), Text: survey.Text{FR: f.Get("text_fr"), EN: f.Get("text_en")},
		Help: survey.Text{FR: f.Get("help_fr"), EN: f.Get("help_en")}, Required: f.Get("required") == "1", Decline: f.Get("decline") == "1",
		Headline: old.Headline}
	if q.Kind == survey.KindSingle || q.Kind == survey.KindMultiple || q.Kind == survey.KindAgree {
		used := map[string]bool{}
		byLabel := map[string]string{}
		for _, c := range old.Choices {
			byLabel[strings.TrimSpace(c.Label.FR)] = c.Code
		}
		for i, line := range strings.Split(f.Get("choices"), "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			fr, en, _ := strings.Cut(line, "|")
			c := survey.Choice{Label: survey.Text{FR: strings.TrimSpace(fr), EN: strings.TrimSpace(en)}}
			if code, ok := byLabel[c.Label.FR]; ok && !used[code] {
				c.Code = code
			} else if i < len(old.Choices) && !used[old.Choices[i].Code] && !labelKept(f.Get("choices"), old.Choices[i].Label.FR) {
				// The label at this place was reworded: it keeps its code.
				c.Code = old.Choices[i].Code
			}
			if c.Code == "" {
				c.Code = choiceCode(c.Label.FR, used)
			}
			used[c.Code] = true
			q.Choices = append(q.Choices, c)
		}
	}
	if q.Kind == survey.KindNumber {
		for field, dst := range map[string]**float64{"min": &q.Min, "max": &q.Max} {
			if v := strings.TrimSpace(f.Get(field)); v != "" {
				n, ok := survey.ReadNumber(v)
				if !ok {
					problems.Add(field, "errors.survey_number")
					continue
				}
				*dst = &n
			}
		}
	}
	if c := f.Get("show_if"); c != "" {
		question, equals, _ := strings.Cut(c, "=")
		q.ShowIf = &survey.Condition{Question: question, Equals: equals}
	}
	return q, problems
}

// labelKept reports whether a label is still among the typed lines.
func labelKept(lines, label string) bool {
	for _, l := range strings.Split(lines, "\n") {
		fr, _, _ := strings.Cut(l, "|")
		if strings.TrimSpace(fr) == strings.TrimSpace(label) {
			return true
		}
	}
	return false
}

// choiceCode makes a code from a label: lower-case ASCII letters and digits.
func choiceCode(label string, used map[string]bool) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(label)) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case unicode.IsSpace(r) || r == '-' || r == '\'' || r == '’':
			if s := b.String(); s != "" && !strings.HasSuffix(s, "_") {
				b.WriteByte('_')
			}
		}
		if b.Len() >= 30 {
			break
		}
	}
	code := strings.Trim(b.String(), "_")
	if code == "" {
		code = "c"
	}
	base := code
	for i := 2; used[code]; i++ {
		code = base + "_" + strconv.Itoa(i)
	}
	return code
}

// SaveQuestion adds or changes a question of the draft.
func (h *Handlers) SaveQuestion(w http.ResponseWriter, r *http.Request) {
	q, ok := h.loadSurvey(w, r)
	if !ok {
		return
	}
	code := r.PathValue("code")
	old, _ := q.Current().Def.Question(code)
	question, problems := readQuestion(r.PostForm, old)
	err := problems.Err()
	if err == nil {
		section, _ := strconv.Atoi(r.PostForm.Get("section"))
		err = h.store().Edit(r.Context(), q.TerritoryID, q.ID, func(d *survey.Definition) error {
			if code == "" {
				question.Code = d.NextCode()
			}
			return d.PutQuestion(section, code, question)
		})
	}
	if err != nil {
		h.RefuseOn(w, r, err, questionField, func(status int, problems map[string]string) {
			h.renderQuestion(w, r, q, code, status, problems, r.PostForm)
		})
		return
	}
	h.Confirm(w, r, "survey.flash.saved", "/admin/sondages/"+id(q.ID))
}

// questionField names the question form's field of a store problem: a
// problem of the question is shown on the form as a whole.
func questionField(f string) string {
	if strings.HasPrefix(f, "q_") || f == "code" {
		return "question"
	}
	return f
}
