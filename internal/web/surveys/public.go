package surveys

import (
	"bytes"
	"net/http"
	"net/url"

	"implique/internal/errs"
	"implique/internal/export"
	"implique/internal/survey"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

// listPage is the public list of the questionnaires open now.
type listPage struct {
	kit.Base
	Open []survey.Open
}

// Surveys lists the questionnaires that take answers today.
func (h *Handlers) Surveys(w http.ResponseWriter, r *http.Request) {
	p := listPage{Base: h.Page(w, r, "survey.public.title")}
	var err error
	if p.Open, err = h.store().OpenWaves(r.Context(), p.Territory.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "surveys", p)
}

// answerPage is a questionnaire to answer, on its public page, through a
// private link, or typed from paper by staff.
type answerPage struct {
	kit.Base
	Wave          survey.Wave
	Questionnaire survey.Questionnaire
	Intro         string
	IntroOwn      survey.Text
	Sections      []sectionView
	// Action is where the form posts.
	Action string
	// Identified questionnaires ask for consent; SignIn is where a visitor
	// signs in first (public page only).
	Identified bool
	SignIn     string
	// Done: this link was used, or the answer just arrived.
	Done bool
	// Paper entry only.
	Paper     bool
	Events    []eventOption
	Audiences []string
	Forms     []survey.PaperForm
	NextPaper string
}

// eventOption is a held event a paper form may come from.
type eventOption struct {
	ID    int64
	Label string
}

// answering builds the page of a wave's questionnaire.
func (h *Handlers) answering(w http.ResponseWriter, r *http.Request, wave survey.Wave) (answerPage, bool) {
	p := answerPage{Base: h.Page(w, r, ""), Wave: wave}
	q, err := h.store().Get(r.Context(), p.Territory.ID, wave.QuestionnaireID)
	if err == nil && q.Published == nil {
		err = errs.New(errs.NotFound, "errors.survey_not_found")
	}
	if err != nil {
		h.Fail(w, r, err)
		return p, false
	}
	places, err := h.places(r)
	if err != nil {
		h.Fail(w, r, err)
		return p, false
	}
	p.lay(q, q.Published.Def, places)
	return p, true
}

// lay puts a questionnaire's version on the page.
func (p *answerPage) lay(q survey.Questionnaire, def survey.Definition, places []territory.Place) {
	p.Questionnaire, p.Intro, p.IntroOwn, p.Identified = q, def.Intro.In(p.Lang), def.Intro, !q.Anonymous
	p.Sections = view(p.Base, def, places)
	setTitle(&p.Base, def.Title)
}

// openWave loads the wave of the URL's {id} for the public page: only
// one that takes answers today.
func (h *Handlers) openWave(w http.ResponseWriter, r *http.Request) (survey.Wave, bool) {
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	wave, err := h.store().Wave(ctx, tid, kit.PathID(r, "id"))
	if err != nil {
		h.Fail(w, r, err)
		return wave, false
	}
	return wave, h.takesAnswers(w, r, wave)
}

// takesAnswers tells whether a wave takes answers today; when it does not,
// it says so (the same page for the public page and a private link).
func (h *Handlers) takesAnswers(w http.ResponseWriter, r *http.Request, wave survey.Wave) bool {
	open, err := h.store().OpenWaves(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		h.Fail(w, r, err)
		return false
	}
	for _, o := range open {
		if o.Wave.ID == wave.ID {
			return true
		}
	}
	h.RenderError(w, r, http.StatusGone, "errors.survey_closed")
	return false
}

// Answer shows a questionnaire's public page.
func (h *Handlers) Answer(w http.ResponseWriter, r *http.Request) {
	wave, ok := h.openWave(w, r)
	if !ok {
		return
	}
	p, ok := h.answering(w, r, wave)
	if !ok {
		return
	}
	p.Action = "/sondages/" + id(wave.ID)
	switch {
	case p.Identified && !p.SignedIn():
		p.SignIn = "/connexion?retour=" + url.QueryEscape(p.Action)
	case p.Identified:
		done, err := h.store().Answered(r.Context(), p.Territory.ID, wave.ID, p.Principal.User.ID)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		p.Done = done
	}
	h.Render(w, r, http.StatusOK, "answer", p)
}

// SaveAnswer records an answer from the public page.
func (h *Handlers) SaveAnswer(w http.ResponseWriter, r *http.Request) {
	wave, ok := h.openWave(w, r)
	if !ok || !h.AllowPublicForm(w, r) {
		return
	}
	ri := kit.Info(r)
	who := survey.Respondent{Channel: survey.ChannelWeb}
	if ri.Principal.SignedIn() {
		who.UserID = ri.Principal.User.ID
	}
	_, err := h.store().Answer(r.Context(), ri.Territory.ID, wave.ID, who, submission(r.PostForm, ri.Lang))
	if err != nil {
		h.refuseAnswer(w, r, err, wave, "/sondages/"+id(wave.ID))
		return
	}
	h.Redirect(w, r, "/sondages/"+id(wave.ID)+"/merci")
}

// refuseAnswer shows the questionnaire again with its problems and what was typed.
func (h *Handlers) refuseAnswer(w http.ResponseWriter, r *http.Request, err error, wave survey.Wave, action string) {
	h.Refuse(w, r, err, func(status int, problems map[string]string) {
		p, ok := h.answering(w, r, wave)
		if !ok {
			return
		}
		p.Action, p.Errors, p.Form = action, problems, r.PostForm
		h.Render(w, r, status, "answer", p)
	})
}

// thanksPage thanks a respondent.
type thanksPage struct {
	kit.Base
}

// Thanks thanks a respondent of the public page.
func (h *Handlers) Thanks(w http.ResponseWriter, r *http.Request) {
	h.Render(w, r, http.StatusOK, "thanks", thanksPage{Base: h.Page(w, r, "survey.thanks.title")})
}

// linkWave opens a private link (counted against guessing).
func (h *Handlers) linkWave(w http.ResponseWriter, r *http.Request) (survey.Invitation, survey.Wave, bool) {
	counted, blocked := h.LinkUse(w, r)
	if blocked {
		return survey.Invitation{}, survey.Wave{}, false
	}
	in, wave, err := h.store().ByToken(r.Context(), kit.Info(r).Territory.ID, r.PathValue("token"))
	if err != nil {
		h.Fail(w, r, err)
		return in, wave, false
	}
	h.Forgive(r, counted)
	return in, wave, true
}

// LinkAnswer shows a questionnaire through a private link.
func (h *Handlers) LinkAnswer(w http.ResponseWriter, r *http.Request) {
	in, wave, ok := h.linkWave(w, r)
	if !ok {
		return
	}
	// A used link thanks its respondent, even once the wave closed; an
	// unused one to a closed wave says so at once.
	if !in.Used && !h.takesAnswers(w, r, wave) {
		return
	}
	p, ok := h.answering(w, r, wave)
	if !ok {
		return
	}
	p.Action, p.Done = r.URL.Path, in.Used
	if !p.Done && p.Identified && p.SignedIn() {
		// For an identified questionnaire the link's answer is the
		// person's: one per person and wave, whichever way they came.
		done, err := h.store().Answered(r.Context(), p.Territory.ID, wave.ID, p.Principal.User.ID)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		p.Done = done
	}
	h.Render(w, r, http.StatusOK, "answer", p)
}

// SaveLinkAnswer records an answer through a private link.
func (h *Handlers) SaveLinkAnswer(w http.ResponseWriter, r *http.Request) {
	in, wave, ok := h.linkWave(w, r)
	if !ok || !in.Used && !h.takesAnswers(w, r, wave) {
		return
	}
	ri := kit.Info(r)
	who := survey.Respondent{Channel: survey.ChannelLink, Token: r.PathValue("token")}
	if ri.Principal.SignedIn() {
		// Kept only for an identified questionnaire: then the answer is
		// the person's own, once per wave.
		who.UserID = ri.Principal.User.ID
	}
	if _, err := h.store().Answer(r.Context(), ri.Territory.ID, wave.ID, who, submission(r.PostForm, ri.Lang)); err != nil {
		h.refuseAnswer(w, r, err, wave, r.URL.Path)
		return
	}
	h.Redirect(w, r, r.URL.Path)
}

// sheet is a questionnaire as its printable form.
func (h *Handlers) sheet(p answerPage) export.QuestionnaireSheet {
	statement := p.T("survey.anonymous_statement", p.Territory.SmallGroupMinimum)
	if p.Identified {
		statement = p.T("survey.identified_statement")
	}
	s := export.QuestionnaireSheet{Lang: p.Lang, Title: p.Title, Intro: p.Intro, Statement: statement,
		FormNumberLabel: p.T("survey.paper.number"), Created: h.Deps.Now()}
	for _, sec := range p.Sections {
		ss := export.SheetSection{Title: sec.Title}
		for _, q := range sec.Questions {
			sq := export.SheetQuestion{Number: q.Number, Text: q.Text, Help: q.Help, Required: q.Q.Required, Condition: q.Condition,
				Decline: q.Decline}
			for _, o := range q.Options {
				sq.Choices = append(sq.Choices, o.Label)
			}
			switch q.Q.Kind {
			case survey.KindMultiple:
				sq.Kind = export.SheetMultiple
				if sq.Help == "" {
					sq.Help = p.T("survey.several")
				}
			case survey.KindAgree, survey.KindScale10:
				sq.Kind = export.SheetScale
			case survey.KindNumber:
				sq.Kind = export.SheetNumber
			case survey.KindShort:
				sq.Kind, sq.Lines = export.SheetText, 1
			case survey.KindLong:
				sq.Kind, sq.Lines = export.SheetText, 5
			default:
				sq.Kind = export.SheetSingle
			}
			ss.Questions = append(ss.Questions, sq)
		}
		s.Sections = append(s.Sections, ss)
	}
	return s
}

// waveForPrint loads the wave of the URL's {id} for its printed sheets:
// open waves for everyone, any wave for staff.
func (h *Handlers) waveForPrint(w http.ResponseWriter, r *http.Request) (survey.Wave, bool) {
	if h.Can(r, authManage) {
		wave, err := h.store().Wave(r.Context(), kit.Info(r).Territory.ID, kit.PathID(r, "id"))
		if err != nil {
			h.Fail(w, r, err)
		}
		return wave, err == nil
	}
	return h.openWave(w, r)
}

// printed is the questionnaire of a printed sheet.
func (h *Handlers) printed(w http.ResponseWriter, r *http.Request) (answerPage, bool) {
	wave, ok := h.waveForPrint(w, r)
	if !ok {
		return answerPage{}, false
	}
	return h.answering(w, r, wave)
}

// PaperForm is the printable questionnaire, in the screen's order.
func (h *Handlers) PaperForm(w http.ResponseWriter, r *http.Request) {
	p, ok := h.printed(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := export.WriteQuestionnairePDF(&buf, h.sheet(p)); err != nil {
		h.Fail(w, r, err)
		return
	}
	kit.SendFile(w, "application/pdf", export.Filename(p.Title, "pdf"), buf.Bytes())
}

// SurveyPaperForm is the printable form of any questionnaire, draft or
// without a wave, for staff: the version the editor shows, in its order.
func (h *Handlers) SurveyPaperForm(w http.ResponseWriter, r *http.Request) {
	q, ok := h.loadSurvey(w, r)
	if !ok {
		return
	}
	places, err := h.places(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := answerPage{Base: h.Page(w, r, "")}
	p.lay(q, q.Current().Def, places)
	var buf bytes.Buffer
	if err := export.WriteQuestionnairePDF(&buf, h.sheet(p)); err != nil {
		h.Fail(w, r, err)
		return
	}
	kit.SendFile(w, "application/pdf", export.Filename(p.Title, "pdf"), buf.Bytes())
}

// Poster is the sheet with the QR code of the public page, for bulletin boards.
func (h *Handlers) Poster(w http.ResponseWriter, r *http.Request) {
	p, ok := h.printed(w, r)
	if !ok {
		return
	}
	t := p.Territory
	footer := t.ProgramName
	if footer == "" {
		footer = t.Name
	}
	if t.OperatorName != "" {
		footer += " — " + t.OperatorName
	}
	var buf bytes.Buffer
	err := export.WriteQRSheetPDF(&buf, export.QRSheet{Lang: p.Lang, Title: p.Title, Invitation: p.T("survey.poster.invitation"),
		URL: h.publicURL(p.Wave), Footer: footer, Created: h.Deps.Now()})
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	kit.SendFile(w, "application/pdf", export.Filename(p.Title+" — affiche", "pdf"), buf.Bytes())
}

// publicURL is the address of a wave's public page.
func (h *Handlers) publicURL(wave survey.Wave) string {
	return h.Cfg.BaseURL + "/sondages/" + id(wave.ID)
}
