package training

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/privacy"
	tr "implique/internal/training"
	"implique/internal/web/kit"
)

// adminPath is the staff's page of the trainings.
const adminPath = "/admin/formations"

func programPath(pid int64) string { return adminPath + "/programmes/" + id(pid) }
func cohortPath(cid int64) string  { return adminPath + "/cohortes/" + id(cid) }

// staffBase is what every staff page of the trainings shows besides its own.
type staffBase struct {
	kit.Base
	Now time.Time
}

func (h *Handlers) staffBase(w http.ResponseWriter, r *http.Request, titleKey string) staffBase {
	return staffBase{Base: h.Page(w, r, titleKey), Now: h.store().Now()}
}

// Started reports whether a session has begun.
func (p staffBase) Started(ev events.Event) bool { return !p.Now.Before(ev.StartsAt) }

// StatusName names a cohort's status.
func (p staffBase) StatusName(st tr.Status) string { return p.T("training.status." + string(st)) }

// AudienceName names a program's audience.
func (p staffBase) AudienceName(a string) string { return p.T("training.staff.audience." + a) }

// Seats is « 12 » or « sans limite ».
func (p staffBase) Seats(c tr.Cohort) string {
	if c.Capacity == nil {
		return p.T("training.staff.no_limit")
	}
	return p.Int(*c.Capacity)
}

// Price is the cohort's price, or « gratuit ».
func (p staffBase) Price(c tr.Cohort) string {
	if c.Free() {
		return p.T("training.staff.free")
	}
	return i18n.Money(p.Lang, int64(c.PriceCents))
}

// SessionDay is the day and hours of a session, or « — ».
func (p staffBase) SessionDay(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return p.Day(t)
}

// ---- The list --------------------------------------------------------------

// programRow is a program with the sums of its cohorts.
type programRow struct {
	tr.Program
	Cohorts int
	Sum     tr.Summary
}

// cohortGroup is the cohorts of one or two statuses.
type cohortGroup struct {
	Key     string
	Cohorts []tr.Cohort
}

type listPage struct {
	staffBase
	Programs []programRow
	Groups   []cohortGroup
	Totals   map[int64]tr.Summary
}

// cohortTable is a table of cohorts with their counts.
type cohortTable struct {
	staffBase
	Cohorts []tr.Cohort
	Totals  map[int64]tr.Summary
}

// Total is a cohort's counts.
func (t cohortTable) Total(c tr.Cohort) tr.Summary { return t.Totals[c.ID] }

// Table is the table of cohorts of list.
func (p listPage) Table(list []tr.Cohort) cohortTable {
	return cohortTable{staffBase: p.staffBase, Cohorts: list, Totals: p.Totals}
}

// Admin lists the programs and their cohorts by status.
func (h *Handlers) Admin(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageTraining) {
		return
	}
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	p := listPage{staffBase: h.staffBase(w, r, "training.staff.title")}
	programs, err := h.store().Programs(ctx, tid, true)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	cohorts, err := h.store().Cohorts(ctx, tid, tr.CohortFilter{})
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Totals, err = h.store().Totals(ctx, tid, cohorts); err != nil {
		h.Fail(w, r, err)
		return
	}
	sums := map[int64]*programRow{}
	for _, pr := range programs {
		p.Programs = append(p.Programs, programRow{Program: pr})
	}
	for i := range p.Programs {
		sums[p.Programs[i].ID] = &p.Programs[i]
	}
	groups := []cohortGroup{{Key: "running"}, {Key: "open"}, {Key: "planned"}, {Key: "closed"}}
	for _, c := range cohorts {
		if row := sums[c.ProgramID]; row != nil {
			t := p.Totals[c.ID]
			row.Cohorts++
			row.Sum.Enrolled += t.Enrolled
			row.Sum.Attended += t.Attended
			row.Sum.Completed += t.Completed
		}
		g := 3
		switch c.Status {
		case tr.Running:
			g = 0
		case tr.Open:
			g = 1
		case tr.Planned:
			g = 2
		}
		groups[g].Cohorts = append(groups[g].Cohorts, c)
	}
	p.Groups = groups
	h.Render(w, r, http.StatusOK, "admin_training", p)
}

// ---- Programs --------------------------------------------------------------

type programPage struct {
	staffBase
	Program   *tr.Program
	Audiences []string
	Cohorts   []tr.Cohort
	Totals    map[int64]tr.Summary
	Results   []resultRow
}

// Table is the table of the program's cohorts.
func (p programPage) Table() cohortTable {
	return cohortTable{staffBase: p.staffBase, Cohorts: p.Cohorts, Totals: p.Totals}
}

func programForm(p tr.Program) url.Values {
	f := url.Values{"name": {p.Name}, "audience": {p.Audience}, "summary": {p.Summary}, "objectives": {p.Objectives},
		"modules": {p.Modules}, "duration": {p.Duration}, "min_attendance": {strconv.Itoa(p.MinAttendance)}}
	if p.ProjectRequired {
		f.Set("project_required", "1")
	}
	if p.Certificate {
		f.Set("certificate", "1")
	}
	return f
}

func programInput(f url.Values) tr.ProgramInput {
	return tr.ProgramInput{Name: f.Get("name"), Audience: f.Get("audience"), Summary: f.Get("summary"),
		Objectives: f.Get("objectives"), Modules: f.Get("modules"), Duration: f.Get("duration"),
		MinAttendance: f.Get("min_attendance"), ProjectRequired: f.Get("project_required") == "1",
		Certificate: f.Get("certificate") == "1"}
}

// NewProgram is the form of a new program.
func (h *Handlers) NewProgram(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageTraining) {
		return
	}
	h.renderProgram(w, r, nil, http.StatusOK, url.Values{"audience": {tr.AudienceCitizens}, "min_attendance": {"80"},
		"certificate": {"1"}}, nil)
}

func (h *Handlers) renderProgram(w http.ResponseWriter, r *http.Request, pr *tr.Program, status int, form url.Values, problems map[string]string) {
	p := programPage{staffBase: h.staffBase(w, r, "training.staff.program.new"), Program: pr, Audiences: tr.Audiences}
	if pr != nil {
		p.SetTitle("training.staff.program.title", pr.Name)
		ctx, tid := r.Context(), kit.Info(r).Territory.ID
		var err error
		if p.Cohorts, err = h.store().Cohorts(ctx, tid, tr.CohortFilter{ProgramID: pr.ID}); err != nil {
			h.Fail(w, r, err)
			return
		}
		if p.Totals, err = h.store().Totals(ctx, tid, p.Cohorts); err != nil {
			h.Fail(w, r, err)
			return
		}
		if p.Results, err = h.results(r, p.Cohorts, true); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	p.Errors, p.Form = problems, form
	h.Render(w, r, status, "admin_training_program", p)
}

// CreateProgram adds a program.
func (h *Handlers) CreateProgram(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageTraining) {
		return
	}
	pr, err := h.store().CreateProgram(r.Context(), kit.Info(r).Territory.ID, programInput(r.PostForm))
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) { h.renderProgram(w, r, nil, status, r.PostForm, problems) })
		return
	}
	h.Confirm(w, r, "training.staff.flash.program_created", programPath(pr.ID))
}

// Program is a program's page: its form, its cohorts, their evaluations.
func (h *Handlers) Program(w http.ResponseWriter, r *http.Request) {
	pr, ok := kit.Load(h.Kit, w, r, auth.ManageTraining, h.store().Program)
	if !ok {
		return
	}
	h.renderProgram(w, r, &pr, http.StatusOK, programForm(pr), nil)
}

// SaveProgram saves a program's form.
func (h *Handlers) SaveProgram(w http.ResponseWriter, r *http.Request) {
	pr, ok := kit.Load(h.Kit, w, r, auth.ManageTraining, h.store().Program)
	if !ok {
		return
	}
	if _, err := h.store().UpdateProgram(r.Context(), pr.TerritoryID, pr.ID, programInput(r.PostForm)); err != nil {
		h.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) { h.renderProgram(w, r, &pr, status, r.PostForm, problems) })
		return
	}
	h.Confirm(w, r, "training.staff.flash.program_saved", programPath(pr.ID))
}

// ArchiveProgram takes a program off the public pages (archive=0: back on).
func (h *Handlers) ArchiveProgram(w http.ResponseWriter, r *http.Request) {
	pr, ok := kit.Load(h.Kit, w, r, auth.ManageTraining, h.store().Program)
	if !ok {
		return
	}
	archive := r.PostForm.Get("archive") != "0"
	key := "training.staff.flash.program_archived"
	if !archive {
		key = "training.staff.flash.program_restored"
	}
	h.Done(w, r, h.store().ArchiveProgram(r.Context(), pr.TerritoryID, pr.ID, archive), key, programPath(pr.ID))
}

// ---- Cohorts ---------------------------------------------------------------

// move is a status a cohort may be moved to, as a button.
type move struct {
	To   tr.Status
	Key  string
	Back bool
}

// moves are the buttons of a cohort's status (cancelling has its own form).
func moves(st tr.Status) []move {
	switch st {
	case tr.Planned:
		return []move{{tr.Open, "training.staff.move.open", false}}
	case tr.Open:
		return []move{{tr.Running, "training.staff.move.start", false}, {tr.Planned, "training.staff.move.back_planned", true}}
	case tr.Running:
		return []move{{tr.Completed, "training.staff.move.complete", false}, {tr.Open, "training.staff.move.back_open", true}}
	case tr.Completed:
		return []move{{tr.Running, "training.staff.move.back_running", true}}
	}
	return nil
}

// Learner is the enrolment form's ride and place of departure (its needs
// are a staff field of their own).
func (p adminCohortPage) Learner() learnerFields {
	return learnerFields{Base: p.Base, Prefix: "learner_", Places: p.Places, Third: true}
}

type adminCohortPage struct {
	staffBase
	Cohort   *tr.Cohort
	Programs []tr.Program
	Places   []kit.PlaceOption
	Moves    []move
	// Learners are the confirmed, with their progress; Waiting the
	// wait-list in order; Withdrawn those who left.
	Learners, Waiting, Withdrawn []tr.Progress
	Results                      []resultRow
	// Section names the form the problems belong to.
	Section string
	// Sent is the count of evaluations just sent (-1: none sent now).
	Sent int
}

// CanCancel reports whether the cohort may still be cancelled.
func (p adminCohortPage) CanCancel() bool {
	return p.Cohort != nil && p.Cohort.Status != tr.Completed && p.Cohort.Status != tr.Cancelled
}

// Closed reports whether the cohort no longer changes.
func (p adminCohortPage) Closed() bool {
	return p.Cohort != nil && (p.Cohort.Status == tr.Completed || p.Cohort.Status == tr.Cancelled)
}

// OwnErrors reports whether the refused form shows its problems itself.
func (p adminCohortPage) OwnErrors() bool {
	return p.Section == "seance" || p.Section == "inscription" || p.Section == "cohorte"
}

// LastHeld is the cohort's last session not cancelled.
func (p adminCohortPage) LastHeld() *events.Event {
	held := p.Cohort.Held()
	if len(held) == 0 {
		return nil
	}
	return &held[len(held)-1]
}

// HasPlace reports whether the form names a place.
func (p adminCohortPage) HasPlace(slug string) bool {
	for _, v := range p.Form["places"] {
		if v == slug {
			return true
		}
	}
	return false
}

func cohortForm(c tr.Cohort) url.Values {
	f := url.Values{"name": {c.Name}, "trainers": {c.Trainers}, "program": {id(c.ProgramID)}}
	if c.Capacity != nil {
		f.Set("capacity", strconv.Itoa(*c.Capacity))
	}
	if c.PriceCents != 0 {
		f.Set("price", strings.TrimSuffix(strings.TrimSuffix(strconv.FormatFloat(float64(c.PriceCents)/100, 'f', 2, 64), "00"), ".")) // 25 or 25.50
	}
	for _, pl := range c.Places {
		f.Add("places", pl.Slug)
	}
	return f
}

func cohortInput(f url.Values) tr.CohortInput {
	pid, _ := strconv.ParseInt(f.Get("program"), 10, 64)
	return tr.CohortInput{ProgramID: pid, Name: f.Get("name"), Trainers: f.Get("trainers"), Capacity: f.Get("capacity"),
		Price: f.Get("price"), Places: f["places"]}
}

// NewCohort is the form of a new cohort (?programme= chooses its program).
func (h *Handlers) NewCohort(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageTraining) {
		return
	}
	h.renderNewCohort(w, r, http.StatusOK, url.Values{"program": {r.URL.Query().Get("programme")}}, nil)
}

func (h *Handlers) renderNewCohort(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	p := adminCohortPage{staffBase: h.staffBase(w, r, "training.staff.cohort.new"), Sent: -1}
	var err error
	if p.Programs, err = h.store().Programs(r.Context(), kit.Info(r).Territory.ID, false); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Places, err = h.PlaceOptions(r); err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Errors, p.Form = problems, form
	h.Render(w, r, status, "admin_training_cohort_new", p)
}

// CreateCohort plans a cohort.
func (h *Handlers) CreateCohort(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageTraining) {
		return
	}
	c, err := h.store().CreateCohort(r.Context(), kit.Info(r).Territory.ID, cohortInput(r.PostForm))
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) { h.renderNewCohort(w, r, status, r.PostForm, problems) })
		return
	}
	h.Confirm(w, r, "training.staff.flash.cohort_created", cohortPath(c.ID))
}

// loadCohort loads the cohort of the URL's {id} for staff.
func (h *Handlers) loadCohort(w http.ResponseWriter, r *http.Request) (tr.Cohort, bool) {
	return kit.Load(h.Kit, w, r, auth.ManageTraining, h.store().Cohort)
}

// Cohort is a cohort's page: its form, status, sessions, learners and
// evaluations.
func (h *Handlers) Cohort(w http.ResponseWriter, r *http.Request) {
	c, ok := h.loadCohort(w, r)
	if !ok {
		return
	}
	h.Accessed(r, privacy.Viewed, tr.PrivacyEnrolments, "cohort "+strconv.FormatInt(c.ID, 10))
	h.renderCohort(w, r, c, http.StatusOK, "", nil)
}

// renderCohort draws a cohort's page; after a refused form, the form's
// values are shown again over the cohort's own.
func (h *Handlers) renderCohort(w http.ResponseWriter, r *http.Request, c tr.Cohort, status int, section string, problems map[string]string) {
	p := adminCohortPage{staffBase: h.staffBase(w, r, ""), Cohort: &c, Moves: moves(c.Status), Section: section, Sent: -1}
	p.SetTitle("training.staff.cohort.title", c.Program.Name, c.Name)
	if n, err := strconv.Atoi(r.URL.Query().Get("envoyes")); err == nil && n >= 0 {
		p.Sent = n
	}
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	var err error
	if p.Places, err = h.PlaceOptions(r); err != nil {
		h.Fail(w, r, err)
		return
	}
	list, err := h.store().Enrolments(ctx, tid, c.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	rows, err := h.store().ProgressOf(ctx, tid, c, list)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, row := range rows {
		switch row.Status {
		case tr.Confirmed:
			p.Learners = append(p.Learners, row)
		case tr.Waitlisted:
			p.Waiting = append(p.Waiting, row)
		default:
			p.Withdrawn = append(p.Withdrawn, row)
		}
	}
	if p.Results, err = h.results(r, []tr.Cohort{c}, false); err != nil {
		h.Fail(w, r, err)
		return
	}
	form := cohortForm(c)
	if section == "cohorte" {
		form = url.Values{}
	}
	if section != "" {
		for k, v := range r.PostForm {
			form[k] = v
		}
	}
	p.Errors, p.Form = problems, form
	h.Render(w, r, status, "admin_training_cohort", p)
}

// refuseOnCohort shows a cohort's page again with the problems of one of
// its forms (section names it; rename renames the store's fields).
func (h *Handlers) refuseOnCohort(w http.ResponseWriter, r *http.Request, c tr.Cohort, err error, section string, rename func(string) string) {
	h.RefuseOn(w, r, err, rename, func(status int, problems map[string]string) {
		// The cohort as it stands now.
		now, err := h.store().Cohort(r.Context(), c.TerritoryID, c.ID)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		h.renderCohort(w, r, now, status, section, problems)
	})
}

// asWhole shows every problem of a form for the form as a whole.
func asWhole(string) string { return "" }

// SaveCohort saves a cohort's form.
func (h *Handlers) SaveCohort(w http.ResponseWriter, r *http.Request) {
	c, ok := h.loadCohort(w, r)
	if !ok {
		return
	}
	if _, err := h.store().UpdateCohort(r.Context(), c.TerritoryID, c.ID, cohortInput(r.PostForm)); err != nil {
		h.refuseOnCohort(w, r, c, err, "cohorte", nil)
		return
	}
	h.Confirm(w, r, "training.staff.flash.cohort_saved", cohortPath(c.ID))
}

// SetStatus moves a cohort along (status), or cancels it with a reason.
func (h *Handlers) SetStatus(w http.ResponseWriter, r *http.Request) {
	c, ok := h.loadCohort(w, r)
	if !ok {
		return
	}
	st := tr.Status(r.PostForm.Get("status"))
	if st == tr.Cancelled && r.PostForm.Get("confirm") != "1" {
		h.Fail(w, r, errs.New(errs.Invalid, "errors.confirm"))
		return
	}
	if err := h.store().SetStatus(r.Context(), c.TerritoryID, c.ID, st, r.PostForm.Get("reason")); err != nil {
		h.refuseOnCohort(w, r, c, err, "etat", asWhole)
		return
	}
	h.Confirm(w, r, "training.staff.flash.status."+string(st), cohortPath(c.ID))
}

// AddSession adds a session (an event) to a cohort.
func (h *Handlers) AddSession(w http.ResponseWriter, r *http.Request) {
	c, ok := h.loadCohort(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	_, err := h.store().AddSession(r.Context(), c.TerritoryID, staffID(r), c.ID, tr.SessionInput{Title: f.Get("session_title"),
		Date: f.Get("date"), Start: f.Get("start"), End: f.Get("end"), PlaceSlug: f.Get("place"), VenueName: f.Get("venue_name"),
		VenueAddress: f.Get("venue_address")})
	if err != nil {
		h.refuseOnCohort(w, r, c, err, "seance", func(f string) string {
			if f == "title" {
				return "session_title"
			}
			return f
		})
		return
	}
	h.Confirm(w, r, "training.staff.flash.session_added", cohortPath(c.ID)+"#seances")
}
