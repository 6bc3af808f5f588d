// Package funding serves the administrators' pages of the search for
// funding (« Recherche de financement »): the applications by status with
// the deadlines and reports coming first and the totals of each year
// (/admin/financement), and one application with its decision, the reports
// owed to its funder and its documents (/admin/financement/{id}).
package funding

import (
	"embed"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/export"
	fd "implique/internal/funding"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

// action opens every page here: administrators only.
const action = auth.ManageFunding

const root = "/admin/financement"

func (h *Handlers) store() *fd.Store { return h.Deps.Funding }

func appPath(id int64) string { return root + "/" + strconv.FormatInt(id, 10) }

func userID(r *http.Request) int64 {
	if u := kit.Info(r).Principal.User; u != nil {
		return u.ID
	}
	return 0
}

// views are the formatting the funding pages need, on top of the base.
type views struct{ kit.Base }

// AppName names an application: its funder, and its program.
func (v views) AppName(a fd.Application) string { return fd.Name(a.Funder, a.Program) }

// Named names an application by its funder and program.
func (v views) Named(funder, program string) string { return fd.Name(funder, program) }

// Granted formats the amount granted, or "" when there is none.
func (v views) Granted(a fd.Application) string {
	if a.Granted == nil {
		return ""
	}
	return v.Money(*a.Granted)
}

// StatusName names a status in the page's language.
func (v views) StatusName(s fd.Status) string { return v.T("funding.status." + string(s)) }

// CountOf is how many applications of a year are in a status.
func (v views) CountOf(y fd.YearTotal, s fd.Status) int { return y.Count[s] }

// moneyInput writes cents as a form shows them to be corrected: « 25000,50 ».
func moneyInput(lang string, cents int64) string {
	sep := ","
	if lang == "en" {
		sep = "."
	}
	return fmt.Sprintf("%d%s%02d", cents/100, sep, cents%100)
}

// ---- The list -----------------------------------------------------------

type group struct {
	Status fd.Status
	Apps   []fd.Application
}

type listPage struct {
	views
	Today calendar.Date
	// Upcoming are the applications still to prepare whose deadline is
	// today or later, soonest first; Owed the reports not sent yet.
	Upcoming []fd.Application
	Owed     []fd.OwedReport
	Groups   []group
	Totals   []fd.YearTotal
	Statuses []fd.Status
}

// Applications lists the applications.
func (h *Handlers) Applications(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, action) {
		return
	}
	h.renderList(w, r, http.StatusOK, nil)
}

func (h *Handlers) renderList(w http.ResponseWriter, r *http.Request, status int, problems map[string]string) {
	ctx := r.Context()
	p := listPage{views: views{h.Page(w, r, "funding.title")}, Statuses: fd.Statuses}
	tid := p.Territory.ID
	var err error
	if p.Today, err = h.store().Today(ctx, tid); err != nil {
		h.Fail(w, r, err)
		return
	}
	apps, err := h.store().List(ctx, tid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, s := range fd.Statuses {
		g := group{Status: s}
		for _, a := range apps {
			if a.Status == s {
				g.Apps = append(g.Apps, a)
			}
		}
		p.Groups = append(p.Groups, g)
	}
	for _, a := range apps {
		if a.Status == fd.ToPrepare && !a.Deadline.Before(p.Today) {
			p.Upcoming = append(p.Upcoming, a)
		}
	}
	if p.Owed, err = h.store().OwedReports(ctx, tid); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Totals, err = h.store().Totals(ctx, tid); err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Errors, p.Form = problems, r.PostForm
	h.Render(w, r, status, "admin_funding", p)
}

func input(form url.Values) fd.Input {
	return fd.Input{Funder: form.Get("funder"), Program: form.Get("program"), Amount: form.Get("amount"),
		Deadline: form.Get("deadline"), Note: form.Get("note")}
}

// Create records a new application.
func (h *Handlers) Create(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, action) {
		return
	}
	a, err := h.store().Create(r.Context(), kit.Info(r).Territory.ID, userID(r), input(r.PostForm))
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) { h.renderList(w, r, status, problems) })
		return
	}
	h.Confirm(w, r, "funding.flash.created", appPath(a.ID))
}

// ---- One application ----------------------------------------------------

type appPage struct {
	views
	App       fd.Application
	Reports   []fd.Report
	Documents []fd.Document
	// Choices are the statuses the application may be given: its own and
	// those it may move to.
	Choices []fd.Status
	Today   calendar.Date
	Crumbs  []crumb
	MaxFile int64
}

type crumb struct{ Href, Label string }

func (h *Handlers) load(w http.ResponseWriter, r *http.Request) (fd.Application, bool) {
	return kit.Load(h.Kit, w, r, action, h.store().Get)
}

// Application shows one application.
func (h *Handlers) Application(w http.ResponseWriter, r *http.Request) {
	a, ok := h.load(w, r)
	if !ok {
		return
	}
	h.renderApp(w, r, a, http.StatusOK, nil)
}

// renderApp shows the application's page; after a refused form, with its
// problems and what was typed, the other forms showing what is stored.
func (h *Handlers) renderApp(w http.ResponseWriter, r *http.Request, a fd.Application, status int, problems map[string]string) {
	ctx := r.Context()
	p := appPage{views: views{h.Page(w, r, "")}, App: a, Choices: append([]fd.Status{a.Status}, a.Status.Next()...), MaxFile: fd.MaxFileSize}
	p.SetTypedTitle(fd.Name(a.Funder, a.Program))
	p.Crumbs = []crumb{{"/admin", p.T("admin.title")}, {root, p.T("funding.title")}}
	var err error
	if p.Today, err = h.store().Today(ctx, a.TerritoryID); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Reports, err = h.store().Reports(ctx, a.TerritoryID, a.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Documents, err = h.store().Documents(ctx, a.TerritoryID, a.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	form := url.Values{"funder": {a.Funder}, "program": {a.Program}, "amount": {moneyInput(p.Lang, a.Asked)},
		"deadline": {a.Deadline.String()}, "note": {a.Note}, "status": {string(a.Status)}, "submitted_on": {p.Today.String()}}
	if a.Granted != nil {
		form.Set("granted", moneyInput(p.Lang, *a.Granted))
	}
	if !a.DecidedOn.IsZero() {
		form.Set("decided_on", a.DecidedOn.String())
	}
	for k, v := range r.PostForm {
		if k != "confirm" {
			form[k] = v
		}
	}
	p.Errors, p.Form = problems, form
	h.Render(w, r, status, "admin_funding_application", p)
}

// refuse shows the application's page again with a form's problems.
func (h *Handlers) refuse(w http.ResponseWriter, r *http.Request, a fd.Application, err error) {
	h.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) { h.renderApp(w, r, a, status, problems) })
}

// Update corrects an application.
func (h *Handlers) Update(w http.ResponseWriter, r *http.Request) {
	a, ok := h.load(w, r)
	if !ok {
		return
	}
	if _, err := h.store().Update(r.Context(), a.TerritoryID, a.ID, input(r.PostForm)); err != nil {
		h.refuse(w, r, a, err)
		return
	}
	h.Confirm(w, r, "funding.flash.saved", appPath(a.ID))
}

// SetStatus records a status and, with a decision, its day and amount.
func (h *Handlers) SetStatus(w http.ResponseWriter, r *http.Request) {
	a, ok := h.load(w, r)
	if !ok {
		return
	}
	d := fd.Decision{Status: r.PostFormValue("status"), Granted: r.PostFormValue("granted"), DecidedOn: r.PostFormValue("decided_on")}
	if _, err := h.store().SetStatus(r.Context(), a.TerritoryID, a.ID, d); err != nil {
		h.refuse(w, r, a, err)
		return
	}
	h.Confirm(w, r, "funding.flash.status", appPath(a.ID))
}

// AddReport records a report owed to the funder.
func (h *Handlers) AddReport(w http.ResponseWriter, r *http.Request) {
	a, ok := h.load(w, r)
	if !ok {
		return
	}
	in := fd.ReportInput{Title: r.PostFormValue("report_title"), DueOn: r.PostFormValue("due_on")}
	if _, err := h.store().AddReport(r.Context(), a.TerritoryID, a.ID, in); err != nil {
		h.refuse(w, r, a, err)
		return
	}
	h.Confirm(w, r, "funding.flash.report_added", appPath(a.ID)+"#rapports")
}

// SubmitReport records that a report was sent.
func (h *Handlers) SubmitReport(w http.ResponseWriter, r *http.Request) {
	a, ok := h.load(w, r)
	if !ok {
		return
	}
	if _, err := h.store().SubmitReport(r.Context(), a.TerritoryID, a.ID, kit.PathID(r, "report"), r.PostFormValue("submitted_on")); err != nil {
		h.refuse(w, r, a, err)
		return
	}
	h.Confirm(w, r, "funding.flash.report_submitted", appPath(a.ID)+"#rapports")
}

// RemoveReport deletes a report, once confirmed.
func (h *Handlers) RemoveReport(w http.ResponseWriter, r *http.Request) {
	a, ok := h.load(w, r)
	if !ok || !h.Confirmed(w, r) {
		return
	}
	err := h.store().RemoveReport(r.Context(), a.TerritoryID, a.ID, kit.PathID(r, "report"))
	h.Done(w, r, err, "funding.flash.report_removed", appPath(a.ID)+"#rapports")
}

// AddDocument keeps a file with the application (a form sent as multipart).
func (h *Handlers) AddDocument(w http.ResponseWriter, r *http.Request) {
	a, ok := h.load(w, r)
	if !ok {
		return
	}
	// The form was read, within its limit, before this handler (withReadableInput).
	in := fd.DocumentInput{Title: r.PostFormValue("document_title")}
	if f, fh, err := r.FormFile("file"); err == nil {
		data, err := io.ReadAll(io.LimitReader(f, fd.MaxFileSize+1))
		f.Close()
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		in.FileName, in.Data = fh.Filename, data
	}
	if _, err := h.store().AddDocument(r.Context(), a.TerritoryID, a.ID, userID(r), in); err != nil {
		h.refuse(w, r, a, err)
		return
	}
	h.Confirm(w, r, "funding.flash.document_added", appPath(a.ID)+"#documents")
}

// DocumentFile downloads a document.
func (h *Handlers) DocumentFile(w http.ResponseWriter, r *http.Request) {
	a, ok := h.load(w, r)
	if !ok {
		return
	}
	d, data, err := h.store().File(r.Context(), a.TerritoryID, a.ID, kit.PathID(r, "doc"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", export.ContentDisposition(d.FileName))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// RemoveDocument deletes a document, once confirmed.
func (h *Handlers) RemoveDocument(w http.ResponseWriter, r *http.Request) {
	a, ok := h.load(w, r)
	if !ok || !h.Confirmed(w, r) {
		return
	}
	err := h.store().RemoveDocument(r.Context(), a.TerritoryID, a.ID, kit.PathID(r, "doc"))
	h.Done(w, r, err, "funding.flash.document_removed", appPath(a.ID)+"#documents")
}
