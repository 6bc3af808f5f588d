package comms

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"implique/internal/auth"
	cm "implique/internal/comms"
	"implique/internal/errs"
	"implique/internal/export"
	"implique/internal/i18n"
	"implique/internal/web/kit"
)

// postersPath is the staff's page of posters and flyers.
const postersPath = AreaPath + "/affiches"

// posterPage chooses what to print, which one, and the format.
type posterPage struct {
	kit.Base
	Subjects []string
	Formats  []string
	What     string
	Choices  []cm.PosterChoice
}

// Posters is the form of a poster: what it promotes (?quoi=), which one,
// and the format.
func (h *Handlers) Posters(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	p := posterPage{Base: h.Page(w, r, "comms.print.title"), Subjects: cm.PosterSubjects, Formats: export.PosterFormats}
	q := r.URL.Query()
	p.What = q.Get("quoi")
	valid := false
	for _, s := range cm.PosterSubjects {
		valid = valid || s == p.What
	}
	if !valid {
		p.What = ""
	}
	if p.What != "" {
		var err error
		if p.Choices, err = h.store().PosterChoices(r.Context(), kit.Info(r).Territory.ID, p.What); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	p.Form = q
	if p.Form.Get("format") == "" {
		p.Form.Set("format", export.PosterLetter)
	}
	h.Render(w, r, http.StatusOK, "comms_print", p)
}

// PosterPDF answers the poster or the sheet of flyers as a PDF (GET from
// the form, or POST).
func (h *Handlers) PosterPDF(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	f := r.URL.Query()
	if r.Method == http.MethodPost {
		f = r.PostForm
	}
	format := f.Get("format")
	okFormat := false
	for _, v := range export.PosterFormats {
		okFormat = okFormat || v == format
	}
	if !okFormat {
		h.Fail(w, r, errs.New(errs.Invalid, "errors.comms_print_format"))
		return
	}
	sid, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	t := kit.Info(r).Territory
	subj, err := h.store().PosterSubject(r.Context(), t.ID, f.Get("quoi"), sid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	b := h.Page(w, r, "")
	doc := posterOf(b, subj, format)
	var buf bytes.Buffer
	if err := export.WritePosterPDF(&buf, doc); err != nil {
		h.Fail(w, r, err)
		return
	}
	name := i18n.Slug(b.T("comms.print.file")+" "+doc.Title, 60) + ".pdf"
	kit.SendFile(w, "application/pdf", name, buf.Bytes())
}

// posterOf writes the poster of subj in the page's language.
func posterOf(b kit.Base, subj cm.PosterSubject, format string) export.Poster {
	t := b.Territory
	p := export.Poster{Lang: b.Lang, Format: format, URL: subj.ShortURL, Program: t.ProgramName, Operator: t.OperatorName,
		Created: subj.Link.CreatedAt}
	detail := func(key, text string) {
		if strings.TrimSpace(text) != "" {
			p.Details = append(p.Details, export.PosterDetail{Label: b.T(key), Text: text})
		}
	}
	switch {
	case subj.Event != nil:
		ev := *subj.Event
		p.Kicker, p.Title, p.Text = b.T("event.kind."+string(ev.Kind)), b.PlainEventName(ev), ev.Summary
		detail("comms.print.when", b.When(ev))
		where := ev.VenueName
		if ev.PlaceName != "" && ev.PlaceName != where {
			where = strings.TrimPrefix(where+", "+ev.PlaceName, ", ")
		}
		detail("comms.print.where", where)
		p.Call = b.T("comms.print.call.event")
	case subj.Campaign != nil:
		c := subj.Campaign
		p.Kicker, p.Title, p.Text = b.T("comms.print.kicker.campaign"), c.Theme, c.Goal
		detail("comms.print.when", b.T("comms.print.period", b.CivilDate(c.StartsOn), b.CivilDate(c.Ends)))
		p.Call = b.T("comms.print.call.campaign")
	case subj.Opportunity != nil:
		o := subj.Opportunity
		p.Kicker, p.Title, p.Text = b.T("comms.print.kicker.opportunity"), o.Title, o.Description
		detail("comms.print.with", o.Organization.Name)
		detail("comms.print.where", o.PlaceName)
		p.Call = b.T("comms.print.call.opportunity")
	case subj.Survey != nil:
		s := subj.Survey
		p.Kicker, p.Title = b.T("comms.print.kicker.survey"), s.Questionnaire.Title(b.Lang)
		if !s.Wave.Closes.IsZero() {
			detail("comms.print.until", b.CivilDate(s.Wave.Closes))
		}
		p.Call = b.T("comms.print.call.survey")
	}
	return p
}
