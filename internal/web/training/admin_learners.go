package training

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"implique/internal/errs"
	"implique/internal/export"
	"implique/internal/i18n"
	"implique/internal/privacy"
	"implique/internal/survey"
	tr "implique/internal/training"
	"implique/internal/web/kit"
)

// ---- Learners --------------------------------------------------------------

// learnerField names the enrolment form's fields: they would otherwise
// meet the cohort form's.
func learnerField(f string) string { return "learner_" + f }

// Enrol enrols a person taken by phone or on paper.
func (h *Handlers) AdminEnrol(w http.ResponseWriter, r *http.Request) {
	c, ok := h.loadCohort(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	out, err := h.store().EnrolByStaff(r.Context(), c.TerritoryID, c.ID, staffID(r), tr.LearnerInput{Name: f.Get("learner_name"),
		Email: f.Get("learner_email"), Phone: f.Get("learner_phone"), Needs: f.Get("learner_needs"), Ride: f.Get("learner_ride"),
		FromPlaceSlug: f.Get("learner_from_place"), Lang: f.Get("learner_lang"), ConsentContact: f.Get("learner_consent") == "1",
		Waitlist: true})
	if err != nil {
		h.refuseOnCohort(w, r, c, err, "inscription", learnerField)
		return
	}
	key := "training.staff.flash.enrolled"
	switch {
	case out.Existing:
		key = "training.staff.flash.already_enrolled"
	case out.Enrolment.Status == tr.Waitlisted:
		key = "training.staff.flash.waitlisted"
	}
	h.Confirm(w, r, key, cohortPath(c.ID)+"#participants")
}

// enrolmentOf loads the cohort of {id} and its enrolment {e}.
func (h *Handlers) enrolmentOf(w http.ResponseWriter, r *http.Request) (tr.Cohort, tr.Enrolment, bool) {
	c, ok := h.loadCohort(w, r)
	if !ok {
		return c, tr.Enrolment{}, false
	}
	e, err := h.store().Enrolment(r.Context(), c.TerritoryID, kit.PathID(r, "e"))
	if err == nil && e.CohortID != c.ID {
		err = errs.New(errs.NotFound, "errors.training_enrolment_not_found")
	}
	if err != nil {
		h.Fail(w, r, err)
		return c, e, false
	}
	return c, e, true
}

type withdrawPage struct {
	staffBase
	Cohort    tr.Cohort
	Enrolment tr.Enrolment
}

// WithdrawForm asks to confirm that a learner leaves the cohort.
func (h *Handlers) WithdrawForm(w http.ResponseWriter, r *http.Request) {
	c, e, ok := h.enrolmentOf(w, r)
	if !ok {
		return
	}
	p := withdrawPage{staffBase: h.staffBase(w, r, ""), Cohort: c, Enrolment: e}
	p.SetTitle("training.staff.withdraw.title", e.Name)
	h.Render(w, r, http.StatusOK, "admin_training_withdraw", p)
}

// Withdraw takes a learner out of the cohort, once confirmed.
func (h *Handlers) AdminWithdraw(w http.ResponseWriter, r *http.Request) {
	c, e, ok := h.enrolmentOf(w, r)
	if !ok || !h.Confirmed(w, r) {
		return
	}
	h.Done(w, r, h.store().WithdrawEnrolment(r.Context(), c.TerritoryID, e.ID), "training.staff.flash.withdrawn", cohortPath(c.ID)+"#participants")
}

// Project records whether a learner handed in their project.
func (h *Handlers) Project(w http.ResponseWriter, r *http.Request) {
	c, e, ok := h.enrolmentOf(w, r)
	if !ok {
		return
	}
	if err := h.store().SetProject(r.Context(), c.TerritoryID, e.ID, r.PostForm.Get("done") == "1"); err != nil {
		h.refuseOnCohort(w, r, c, err, "participants", asWhole)
		return
	}
	h.Confirm(w, r, "training.staff.flash.project_saved", cohortPath(c.ID)+"#participants")
}

// Decide records staff's decision over the completion rule.
func (h *Handlers) Decide(w http.ResponseWriter, r *http.Request) {
	c, e, ok := h.enrolmentOf(w, r)
	if !ok {
		return
	}
	decision := r.PostForm.Get("decision")
	if decision == "rule" {
		decision = ""
	}
	if err := h.store().Decide(r.Context(), c.TerritoryID, e.ID, staffID(r), decision, r.PostForm.Get("reason")); err != nil {
		h.refuseOnCohort(w, r, c, err, "participants", asWhole)
		return
	}
	h.Confirm(w, r, "training.staff.flash.decision_saved", cohortPath(c.ID)+"#participants")
}

// SendEvaluation invites those present at a session to evaluate it, or
// to give the end-of-training evaluation (final=1).
func (h *Handlers) SendEvaluation(w http.ResponseWriter, r *http.Request) {
	c, ok := h.loadCohort(w, r)
	if !ok {
		return
	}
	ev, _ := strconv.ParseInt(r.PostForm.Get("event"), 10, 64)
	n, err := h.store().SendEvaluation(r.Context(), c.TerritoryID, c.ID, ev, staffID(r), r.PostForm.Get("final") == "1")
	if err != nil {
		h.refuseOnCohort(w, r, c, err, "seances", asWhole)
		return
	}
	h.Confirm(w, r, "training.staff.flash.evaluation_sent", cohortPath(c.ID)+"?envoyes="+strconv.Itoa(n)+"#evaluations")
}

// ---- Attendance --------------------------------------------------------------

// gridColumn is a session of the grid.
type gridColumn struct {
	ID    int64
	Label string
	// Upcoming is a session still to come: nobody is absent from it yet.
	Upcoming bool
}

type gridPage struct {
	staffBase
	Grid    tr.Grid
	Columns []gridColumn
	// Done and NotDone are the completion list.
	Done, NotDone []tr.Progress
}

// Grid is a cohort's attendance, learners by sessions, and its completion.
func (h *Handlers) Grid(w http.ResponseWriter, r *http.Request) {
	c, ok := h.loadCohort(w, r)
	if !ok {
		return
	}
	h.Accessed(r, privacy.Viewed, tr.PrivacyEnrolments, "cohort "+strconv.FormatInt(c.ID, 10))
	g, err := h.store().Grid(r.Context(), c.TerritoryID, c.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := gridPage{staffBase: h.staffBase(w, r, ""), Grid: g}
	p.SetTitle("training.staff.grid.title", c.Program.Name, c.Name)
	for i, ev := range g.Sessions {
		p.Columns = append(p.Columns, gridColumn{ID: ev.ID, Label: p.T("training.staff.grid.session", i+1, i18n.DayMonth(p.Lang, ev.StartsAt.In(p.Territory.Location()))),
			Upcoming: h.Deps.Now().Before(ev.StartsAt)})
	}
	for _, row := range g.Rows {
		if row.Status != tr.Confirmed {
			continue
		}
		if row.Done {
			p.Done = append(p.Done, row)
		} else {
			p.NotDone = append(p.NotDone, row)
		}
	}
	h.Render(w, r, http.StatusOK, "admin_training_grid", p)
}

// GridCSV sends the attendance as CSV.
func (h *Handlers) GridCSV(w http.ResponseWriter, r *http.Request) {
	h.exportGrid(w, r, "csv", export.ContentTypeCSV, export.WriteCSV)
}

// GridXLSX sends the attendance as a spreadsheet.
func (h *Handlers) GridXLSX(w http.ResponseWriter, r *http.Request) {
	h.exportGrid(w, r, "xlsx", export.ContentTypeXLSX, export.WriteXLSX)
}

// exportGrid writes the attendance grid: like the staff's export of an
// event's registrations, it holds the learners' e-mail and phone.
func (h *Handlers) exportGrid(w http.ResponseWriter, r *http.Request, ext, contentType string, write func(io.Writer, export.Sheet) error) {
	c, ok := h.loadCohort(w, r)
	if !ok {
		return
	}
	h.Accessed(r, privacy.Exported, tr.PrivacyEnrolments, "cohort "+strconv.FormatInt(c.ID, 10))
	g, err := h.store().Grid(r.Context(), c.TerritoryID, c.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	ri := kit.Info(r)
	lang, loc := ri.Lang, ri.Territory.Location()
	T := func(k string, a ...any) string { return h.Cat.T(lang, k, a...) }
	yesNo := func(b bool) string {
		if b {
			return T("training.staff.yes")
		}
		return T("training.staff.no")
	}
	header := []string{T("training.staff.col.learner"), T("training.staff.col.email"), T("training.staff.col.phone"),
		T("training.staff.col.organization"), T("training.staff.col.status")}
	for _, ev := range g.Sessions {
		header = append(header, ev.StartsAt.In(loc).Format("2006-01-02 15:04"))
	}
	header = append(header, T("training.staff.col.attended"), T("training.staff.col.percent"), T("training.staff.col.project"),
		T("training.staff.col.rule"), T("training.staff.col.decision"), T("training.staff.col.reason"), T("training.staff.col.completed"))
	var rows [][]any
	for _, p := range g.Rows {
		row := []any{p.Name, p.Email, p.Phone, p.OrganizationName, T("training.staff.learner_status." + p.Status)}
		for _, ev := range g.Sessions {
			switch {
			case p.Present[ev.ID]:
				row = append(row, "✓")
			case h.Deps.Now().Before(ev.StartsAt):
				row = append(row, "")
			default:
				row = append(row, "—")
			}
		}
		decision := T("training.staff.decision.rule")
		if p.Decision != "" {
			decision = T("training.staff.decision." + p.Decision)
		}
		row = append(row, p.Attended, p.Percent(), yesNo(p.ProjectDone), yesNo(p.RuleMet), decision, p.DecisionReason, yesNo(p.Done))
		rows = append(rows, row)
	}
	creator := ri.Territory.ProgramName
	if creator == "" {
		creator = ri.Territory.Name
	}
	sheet := export.Sheet{Name: T("training.staff.grid.sheet"), Lang: lang, Header: header, Rows: rows, Creator: creator,
		Created: h.store().Now()}
	var buf bytes.Buffer
	if err := write(&buf, sheet); err != nil {
		h.Fail(w, r, err)
		return
	}
	kit.SendFile(w, contentType, export.Filename(c.Program.Name+" "+c.Name+" "+T("training.staff.grid.file"), ext), buf.Bytes())
}

// ---- Certificates ------------------------------------------------------------

// Certificates prints the certificates of everyone who completed the
// cohort, each in their language.
func (h *Handlers) Certificates(w http.ResponseWriter, r *http.Request) {
	c, ok := h.loadCohort(w, r)
	if !ok {
		return
	}
	if c.Status != tr.Completed {
		h.Fail(w, r, errs.New(errs.Conflict, "errors.training_certificate_not_over"))
		return
	}
	h.Accessed(r, privacy.Exported, tr.PrivacyEnrolments, "cohort "+strconv.FormatInt(c.ID, 10))
	list, err := h.store().IssueCertificates(r.Context(), c.TerritoryID, c.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	h.writeCertificates(w, r, "", c.Program.Name+" "+c.Name+" "+h.Cat.T(kit.Info(r).Lang, "training.staff.cert.file"), list)
}

// Certificate prints one learner's certificate, in their language.
func (h *Handlers) Certificate(w http.ResponseWriter, r *http.Request) {
	c, e, ok := h.enrolmentOf(w, r)
	if !ok {
		return
	}
	h.Accessed(r, privacy.Exported, tr.PrivacyEnrolments, "enrolment "+strconv.FormatInt(e.ID, 10))
	cert, err := h.store().IssueCertificate(r.Context(), c.TerritoryID, e.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	h.writeCertificates(w, r, "", h.Cat.T(kit.Info(r).Lang, "training.staff.cert.file")+" "+e.Name, []tr.Certificate{cert})
}

// ---- Evaluations -------------------------------------------------------------

// share is a headline share of an evaluation; Shown is false when too
// few answered.
type share struct {
	Percent int
	Shown   bool
}

// resultRow is one line of the evaluations' table: a cohort (or, with
// Cohort nil, all of a program's cohorts together).
type resultRow struct {
	Cohort                      *tr.Cohort
	SessionWave, FinalWave      int64
	Responses                   int
	Learned, WillAct, Satisfied share
}

// headlines reads the headline shares of the final evaluation.
func headlines(res survey.Results) (learned, willAct, satisfied share) {
	for _, q := range res.Questions {
		h := q.Question.Headline
		if h == nil || q.Suppressed || q.N == 0 {
			continue
		}
		counts := map[string]int{}
		for _, o := range q.Options {
			counts[o.Code] += o.Count
		}
		s := share{Percent: h.Share(counts) * 100 / q.N, Shown: true}
		switch h.Key {
		case "learned":
			learned = s
		case "will_act":
			willAct = s
		case "satisfied":
			satisfied = s
		}
	}
	return
}

// results is the evaluations' table of cohorts; together adds the row
// of all of them counted together.
func (h *Handlers) results(r *http.Request, cohorts []tr.Cohort, together bool) ([]resultRow, error) {
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	var out []resultRow
	var finals []int64
	for _, c := range cohorts {
		if c.FinalWaveID != nil {
			finals = append(finals, *c.FinalWaveID)
		}
	}
	each, err := h.Deps.Surveys.ResultsOfWaves(ctx, tid, finals)
	if err != nil {
		return nil, err
	}
	for i := range cohorts {
		c := &cohorts[i]
		if c.SessionWaveID == nil && c.FinalWaveID == nil {
			continue
		}
		row := resultRow{Cohort: c}
		if c.SessionWaveID != nil {
			row.SessionWave = *c.SessionWaveID
		}
		if c.FinalWaveID != nil {
			row.FinalWave = *c.FinalWaveID
			res, ok := each[row.FinalWave]
			if !ok {
				return nil, errs.New(errs.Conflict, "errors.survey_not_published")
			}
			row.Responses = res.Responses
			row.Learned, row.WillAct, row.Satisfied = headlines(res)
		}
		out = append(out, row)
	}
	if together && len(finals) > 1 {
		res, err := h.Deps.Surveys.Results(ctx, tid, survey.Filter{WaveID: finals[0], Waves: finals[1:]})
		if err != nil {
			return nil, err
		}
		row := resultRow{Responses: res.Responses}
		row.Learned, row.WillAct, row.Satisfied = headlines(res)
		out = append(out, row)
	}
	return out, nil
}
