package surveys

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"implique/internal/chart"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/export"
	"implique/internal/privacy"
	"implique/internal/survey"
	"implique/internal/web/kit"
)

// wavePage is a wave for staff: its state, how to reach people, paper forms.
type wavePage struct {
	kit.Base
	Wave      survey.Wave
	Q         survey.Questionnaire
	Open      bool
	PublicURL string
	QR        template.HTML
	Links     []linkView
	Events    []eventOption
	Pending   int
	Forms     []survey.PaperForm
}

// linkView is a private link staff made.
type linkView struct {
	Invitation survey.Invitation
	URL        string
}

func (h *Handlers) loadWave(w http.ResponseWriter, r *http.Request) (survey.Wave, survey.Questionnaire, bool) {
	wave, ok := kit.Load(h.Kit, w, r, authManage, h.store().Wave)
	if !ok {
		return wave, survey.Questionnaire{}, false
	}
	q, err := h.store().Get(r.Context(), wave.TerritoryID, wave.QuestionnaireID)
	if err != nil {
		h.Fail(w, r, err)
		return wave, q, false
	}
	return wave, q, true
}

// AdminWave shows a wave.
func (h *Handlers) AdminWave(w http.ResponseWriter, r *http.Request) {
	wave, q, ok := h.loadWave(w, r)
	if !ok {
		return
	}
	h.renderWave(w, r, wave, q, http.StatusOK, nil)
}

// heldEvents lists the recent held events, for invitations and paper forms.
func (h *Handlers) heldEvents(r *http.Request, b kit.Base) ([]eventOption, error) {
	list, err := h.Deps.Events.List(r.Context(), b.Territory.ID, events.Filter{To: h.Deps.Now(), Newest: true, Limit: 200})
	if err != nil {
		return nil, err
	}
	var out []eventOption
	for _, ev := range list {
		if ev.HeldAt != nil && ev.CancelledAt == nil {
			out = append(out, eventOption{ID: ev.ID, Label: b.PlainEventName(ev)})
		}
	}
	return out, nil
}

func (h *Handlers) renderWave(w http.ResponseWriter, r *http.Request, wave survey.Wave, q survey.Questionnaire, status int, problems map[string]string) {
	ctx := r.Context()
	p := wavePage{Base: h.Page(w, r, ""), Wave: wave, Q: q, PublicURL: h.publicURL(wave)}
	p.SetTitle("survey.wave.title", wave.Name)
	open, err := h.store().OpenWaves(ctx, p.Territory.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, o := range open {
		p.Open = p.Open || o.Wave.ID == wave.ID
	}
	svg, err := export.QRSVG(p.PublicURL, p.T("survey.wave.qr_label", p.PublicURL), 180)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.QR = template.HTML(svg) // drawn by export.QRSVG, every text escaped
	invs, toks, err := h.store().Links(ctx, p.Territory.ID, wave.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for i, in := range invs {
		p.Links = append(p.Links, linkView{Invitation: in, URL: h.store().AnswerURL(toks[i])})
	}
	if p.Events, err = h.heldEvents(r, p.Base); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Pending, err = h.store().PendingTexts(ctx, p.Territory.ID, wave.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Forms, err = h.store().PaperForms(ctx, p.Territory.ID, wave.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Errors, p.Form = problems, r.PostForm
	h.Render(w, r, status, "admin_wave", p)
}

// waveAction runs an action on the wave of the URL's {id}.
func (h *Handlers) waveAction(w http.ResponseWriter, r *http.Request, flash string, act func(wave survey.Wave) (string, error)) {
	wave, q, ok := h.loadWave(w, r)
	if !ok {
		return
	}
	msg, err := act(wave)
	if err != nil {
		h.RefuseOn(w, r, err, rename, func(status int, problems map[string]string) {
			wave, _ := h.store().Wave(r.Context(), wave.TerritoryID, wave.ID)
			h.renderWave(w, r, wave, q, status, problems)
		})
		return
	}
	if msg != "" {
		flash = msg
	}
	h.Confirm(w, r, flash, "/admin/vagues/"+id(wave.ID))
}

// CloseWave stops the online answers.
func (h *Handlers) CloseWave(w http.ResponseWriter, r *http.Request) {
	h.waveAction(w, r, "survey.flash.closed", func(wave survey.Wave) (string, error) {
		if r.PostForm.Get("confirm") != "1" {
			return "", errs.New(errs.Invalid, "errors.confirm")
		}
		return "", h.store().CloseWave(r.Context(), wave.TerritoryID, wave.ID)
	})
}

// CreateLink makes a private link.
func (h *Handlers) CreateLink(w http.ResponseWriter, r *http.Request) {
	h.waveAction(w, r, "survey.flash.link", func(wave survey.Wave) (string, error) {
		_, err := h.store().CreateLink(r.Context(), wave.TerritoryID, wave.ID, r.PostForm.Get("label"))
		return "", err
	})
}

// Invite sends the private links to an event's consenting attendees.
func (h *Handlers) Invite(w http.ResponseWriter, r *http.Request) {
	h.waveAction(w, r, "survey.flash.invited", func(wave survey.Wave) (string, error) {
		ev, _ := strconv.ParseInt(r.PostForm.Get("event"), 10, 64)
		if ev == 0 {
			return "", errs.Fields{"event": "errors.required"}.Err()
		}
		n, err := h.store().InviteAttendees(r.Context(), wave.TerritoryID, wave.ID, ev)
		if err == nil && n == 0 {
			return "survey.flash.invited_none", nil
		}
		return "", err
	})
}

// PaperEntry is the screen staff type paper forms on: one form per
// screen, the paper's number first, « Enregistrer et suivant ».
func (h *Handlers) PaperEntry(w http.ResponseWriter, r *http.Request) {
	wave, _, ok := h.loadWave(w, r)
	if !ok {
		return
	}
	query := r.URL.Query()
	h.renderPaper(w, r, wave, http.StatusOK, nil, url.Values{"event": {query.Get("evenement")}, "audience": {query.Get("public")}})
}

func (h *Handlers) renderPaper(w http.ResponseWriter, r *http.Request, wave survey.Wave, status int, problems map[string]string, form url.Values) {
	p, ok := h.answering(w, r, wave)
	if !ok {
		return
	}
	p.SetTitle("survey.paper.title", p.Title)
	p.Paper, p.Action, p.Audiences = true, "/admin/vagues/"+id(wave.ID)+"/papier", survey.Audiences
	var err error
	if p.Events, err = h.heldEvents(r, p.Base); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Forms, err = h.store().PaperForms(r.Context(), p.Territory.ID, wave.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	if len(p.Forms) > 0 {
		p.NextPaper = nextNumber(p.Forms[0].Number)
	}
	p.Errors, p.Form = problems, form
	h.Render(w, r, status, "answer", p)
}

// nextNumber proposes the number after the last one typed (« P-0041 » → « P-0042 »).
func nextNumber(last string) string {
	i := len(last)
	for i > 0 && last[i-1] >= '0' && last[i-1] <= '9' {
		i--
	}
	digits := last[i:]
	if digits == "" {
		return ""
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return ""
	}
	next := strconv.Itoa(n + 1)
	for len(next) < len(digits) {
		next = "0" + next
	}
	return last[:i] + next
}

// SavePaper records one paper form and shows the next empty one.
func (h *Handlers) SavePaper(w http.ResponseWriter, r *http.Request) {
	wave, _, ok := h.loadWave(w, r)
	if !ok {
		return
	}
	ri := kit.Info(r)
	ev, _ := strconv.ParseInt(r.PostForm.Get("event"), 10, 64)
	who := survey.Respondent{Channel: survey.ChannelPaper, EnteredBy: staffID(r), PaperNumber: r.PostForm.Get("paper_number"), EventID: ev,
		Audience: r.PostForm.Get("audience")}
	if _, err := h.store().Answer(r.Context(), ri.Territory.ID, wave.ID, who, submission(r.PostForm, ri.Lang)); err != nil {
		h.RefuseOn(w, r, err, rename, func(status int, problems map[string]string) {
			h.renderPaper(w, r, wave, status, problems, r.PostForm)
		})
		return
	}
	// The next form comes from the same event and the same people, likely.
	next := url.Values{}
	if ev != 0 {
		next.Set("evenement", id(ev))
	}
	if who.Audience != "" {
		next.Set("public", who.Audience)
	}
	to := "/admin/vagues/" + id(wave.ID) + "/papier"
	if len(next) > 0 {
		to += "?" + next.Encode()
	}
	h.Confirm(w, r, "survey.flash.paper_saved", to)
}

// RemovePaper takes out a paper form typed wrong.
func (h *Handlers) RemovePaper(w http.ResponseWriter, r *http.Request) {
	h.waveAction(w, r, "survey.flash.paper_removed", func(wave survey.Wave) (string, error) {
		if r.PostForm.Get("confirm") != "1" {
			return "", errs.New(errs.Invalid, "errors.confirm")
		}
		rid, _ := strconv.ParseInt(r.PathValue("response"), 10, 64)
		forms, err := h.store().PaperForms(r.Context(), wave.TerritoryID, wave.ID)
		if err != nil {
			return "", err
		}
		for _, f := range forms {
			if f.ResponseID == rid {
				return "", h.store().DeleteResponse(r.Context(), wave.TerritoryID, rid)
			}
		}
		return "", errs.New(errs.NotFound, "errors.survey_answer_not_found")
	})
}

// textsPage is the typed answers of a wave, for staff to read first.
type textsPage struct {
	kit.Base
	Wave      survey.Wave
	Q         survey.Questionnaire
	Texts     []survey.TextAnswer
	Questions map[string]string
	State     string
	States    []string
	// Older and Newer are the addresses of the pages around this one ("": none).
	Older, Newer string
}

// Texts lists a wave's typed answers (pending first by default).
func (h *Handlers) Texts(w http.ResponseWriter, r *http.Request) {
	wave, q, ok := h.loadWave(w, r)
	if !ok {
		return
	}
	h.Accessed(r, privacy.Viewed, "survey.responses", "wave "+id(wave.ID))
	p := textsPage{Base: h.Page(w, r, ""), Wave: wave, Q: q, Questions: map[string]string{}, State: r.URL.Query().Get("etat"),
		States: []string{survey.ModerationPending, survey.ModerationApproved, survey.ModerationHidden, "tout"}}
	p.SetTitle("survey.texts.title", wave.Name)
	if p.State != survey.ModerationApproved && p.State != survey.ModerationHidden && p.State != "tout" {
		p.State = survey.ModerationPending
	}
	state := p.State
	if state == "tout" {
		state = ""
	}
	tq := survey.TextQuery{}
	if state != "" {
		tq.States = []string{state}
	}
	query := r.URL.Query()
	tq.After, tq.Before = textCursor(query)
	page, err := h.store().Texts(r.Context(), p.Territory.ID, wave.ID, tq)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Texts = page.Texts
	p.Older, p.Newer = textPages(query, page, "", "")
	if q.Published != nil {
		for _, question := range q.Published.Def.Questions() {
			p.Questions[question.Code] = question.Text.In(p.Lang)
		}
	}
	h.Render(w, r, http.StatusOK, "admin_texts", p)
}

// textCursor reads where a page of typed answers starts: after (apres=)
// or before (avant=) an answer.
func textCursor(query url.Values) (after, before int64) {
	after, _ = strconv.ParseInt(query.Get("apres"), 10, 64)
	before, _ = strconv.ParseInt(query.Get("avant"), 10, 64)
	return max(after, 0), max(before, 0)
}

// textPages are the addresses of the older and newer pages around a page
// of typed answers ("": none), keeping the rest of the query; question
// names the question paged (results page), anchor the place to land.
func textPages(query url.Values, page survey.TextPage, question, anchor string) (older, newer string) {
	link := func(key string, at int64) string {
		q := url.Values{}
		for k, v := range query {
			if k != "avant" && k != "apres" && k != "question" {
				q[k] = v
			}
		}
		if question != "" {
			q.Set("question", question)
		}
		q.Set(key, id(at))
		return "?" + q.Encode() + anchor
	}
	if n := len(page.Texts); n > 0 {
		if page.Older {
			older = link("avant", page.Texts[0].ID)
		}
		if page.Newer {
			newer = link("apres", page.Texts[n-1].ID)
		}
	}
	return older, newer
}

// Moderate approves or hides one typed answer.
func (h *Handlers) Moderate(w http.ResponseWriter, r *http.Request) {
	wave, _, ok := h.loadWave(w, r)
	if !ok {
		return
	}
	aid, _ := strconv.ParseInt(r.PathValue("answer"), 10, 64)
	err := h.store().Moderate(r.Context(), wave.TerritoryID, aid, r.PostForm.Get("state"))
	h.Done(w, r, err, "survey.flash.moderated", "/admin/vagues/"+id(wave.ID)+"/textes")
}

// ExportCSV downloads a wave's answers as CSV that French Excel opens.
func (h *Handlers) ExportCSV(w http.ResponseWriter, r *http.Request) { h.export(w, r, "csv") }

// ExportXLSX downloads a wave's answers as a spreadsheet.
func (h *Handlers) ExportXLSX(w http.ResponseWriter, r *http.Request) { h.export(w, r, "xlsx") }

func (h *Handlers) export(w http.ResponseWriter, r *http.Request, format string) {
	wave, _, ok := h.loadWave(w, r)
	if !ok {
		return
	}
	h.Accessed(r, privacy.Exported, "survey.responses", "wave "+id(wave.ID))
	lang := kit.Info(r).Lang
	sh, err := h.store().Export(r.Context(), wave.TerritoryID, wave.ID, lang)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	name, typ := wave.Name, "text/csv; charset=utf-8"
	if format == "xlsx" {
		typ = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = export.WriteXLSX(&buf, sh)
	} else {
		err = export.WriteCSV(&buf, sh)
	}
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	kit.SendFile(w, typ, export.Filename(name, format), buf.Bytes())
}

// resultsPage is a wave's results, or two waves compared.
type resultsPage struct {
	kit.Base
	Wave      survey.Wave
	Q         survey.Questionnaire
	Results   survey.Results
	Questions []resultView
	Waves     []survey.Wave
	Places    []optionView
	Events    []eventOption
	Audiences []string
	// Other is the wave compared with (0: none), Compared its view.
	Other     survey.Wave
	Compared  []compareView
	CanManage bool
	Filtered  bool
}

// resultView is one question's results as shown.
type resultView struct {
	R     survey.QuestionResult
	Text  string
	Chart template.HTML
	Texts []string
	// Older and Newer page through the typed answers ("": none).
	Older, Newer string
}

// compareView is one question in two waves.
type compareView struct {
	C     survey.ComparedQuestion
	Text  string
	Chart template.HTML
}

// Results shows a wave's results, filtered, or compared with another wave.
func (h *Handlers) Results(w http.ResponseWriter, r *http.Request) {
	wave, ok := kit.Load(h.Kit, w, r, authResults, h.store().Wave)
	if !ok {
		return
	}
	ctx := r.Context()
	q, err := h.store().Get(ctx, wave.TerritoryID, wave.QuestionnaireID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := resultsPage{Base: h.Page(w, r, ""), Wave: wave, Q: q, Audiences: survey.Audiences, CanManage: h.Can(r, authManage)}
	p.SetTitle("survey.results.title", q.Title(p.Lang), wave.Name)
	query := r.URL.Query()
	p.Form = query
	ev, _ := strconv.ParseInt(query.Get("evenement"), 10, 64)
	f := survey.Filter{WaveID: wave.ID, Place: query.Get("lieu"), EventID: ev, Audience: query.Get("public")}
	p.Filtered = f.Place != "" || f.EventID != 0 || f.Audience != ""
	if p.Results, err = h.store().Results(ctx, p.Territory.ID, f); err != nil {
		h.Fail(w, r, err)
		return
	}
	places, err := h.places(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, pl := range places {
		p.Places = append(p.Places, optionView{Code: pl.Slug, Label: pl.Name, Sector: pl.ParentID != nil})
	}
	if p.Waves, err = h.store().Waves(ctx, p.Territory.ID, q.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	evIDs, err := h.store().EventsOf(ctx, p.Territory.ID, wave.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	evs, err := h.Deps.Events.Many(ctx, p.Territory.ID, evIDs)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, eid := range evIDs {
		if e, ok := evs[eid]; ok {
			p.Events = append(p.Events, eventOption{ID: eid, Label: p.PlainEventName(e)})
		}
	}
	// Typed answers, a page per question: those shown to others, and to
	// staff those still waiting too (they moderate them).
	states := []string{survey.ModerationApproved}
	if p.CanManage {
		states = append(states, survey.ModerationPending)
	}
	for _, qr := range p.Results.Questions {
		v := resultView{R: qr, Text: qr.Question.Text.In(p.Lang)}
		if !qr.Suppressed && len(qr.Options) > 0 {
			bars := chart.Bars{ID: "chart-" + qr.Question.Code, Title: v.Text, Desc: p.T("survey.results.chart_desc", qr.N), Lang: p.Lang}
			for _, o := range qr.Options {
				bars.Bars = append(bars.Bars, chart.Bar{Label: o.Label.In(p.Lang), Value: o.Percent, Text: p.Pct(o.Percent)})
			}
			v.Chart = template.HTML(bars.SVG()) // drawn by chart, every text escaped
		}
		if qr.Question.Typed() && !qr.Suppressed && !p.Filtered {
			tq := survey.TextQuery{States: states, Question: qr.Question.Code}
			if query.Get("question") == qr.Question.Code {
				tq.After, tq.Before = textCursor(query)
			}
			page, err := h.store().Texts(ctx, p.Territory.ID, wave.ID, tq)
			if err != nil {
				h.Fail(w, r, err)
				return
			}
			for _, t := range page.Texts {
				v.Texts = append(v.Texts, t.Text)
			}
			v.Older, v.Newer = textPages(query, page, qr.Question.Code, "#r-"+qr.Question.Code)
		}
		p.Questions = append(p.Questions, v)
	}
	if other, _ := strconv.ParseInt(query.Get("comparer"), 10, 64); other != 0 && other != wave.ID {
		if p.Other, err = h.store().Wave(ctx, p.Territory.ID, other); err != nil {
			h.Fail(w, r, err)
			return
		}
		a := f
		a.WaveID = other
		cmp, err := h.store().Compare(ctx, p.Territory.ID, a, f)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		for _, c := range cmp {
			v := compareView{C: c, Text: c.Question.Text.In(p.Lang)}
			if !c.Suppressed && len(c.Options) > 0 {
				ch := chart.Compare{ID: "cmp-" + c.Question.Code, Title: v.Text, NameA: p.Other.Name, NameB: wave.Name, Lang: p.Lang,
					Desc: p.T("survey.compare.chart_desc", p.Other.Name, c.NA, wave.Name, c.NB)}
				for _, o := range c.Options {
					ch.Pairs = append(ch.Pairs, chart.Pair{Label: o.Label.In(p.Lang), A: o.PercentA, B: o.PercentB,
						TextA: p.Pct(o.PercentA), TextB: p.Pct(o.PercentB)})
				}
				v.Chart = template.HTML(ch.SVG()) // drawn by chart, every text escaped
			}
			p.Compared = append(p.Compared, v)
		}
	}
	h.Render(w, r, http.StatusOK, "admin_results", p)
}

// Pct formats a percentage given from 0 to 100 (« 42 % »).
func (p resultsPage) Pct(v float64) string { return p.Percent(v / 100) }

// Signed formats a difference of means, with its sign.
func (p resultsPage) Signed(d float64) string {
	s := p.Decimal(d, 1)
	if d > 0 {
		s = "+" + s
	}
	return s
}

// Points formats a difference in percentage points, with its sign.
func (p resultsPage) Points(d float64) string {
	return p.T("survey.compare.points", p.Signed(d))
}
