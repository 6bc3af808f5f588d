package training

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/events"
	tr "implique/internal/training"
	"implique/internal/web/kit"
)

// The public pages: the programs and cohorts (/formations), a cohort and
// its enrolment, « Mes formations » by private link, and the
// certificates' verification.

// minePath is « Mes formations » for a private link.
func minePath(tok string) string { return "/formations/mes-formations/" + tok }

// publicBase holds what the public pages format besides kit.Base.
type publicBase struct {
	kit.Base
	Now time.Time
}

// Price is a cohort's price, or « Gratuit ».
func (p publicBase) Price(c tr.Cohort) string {
	if c.Free() {
		return p.T("training.public.free")
	}
	return p.Money(int64(c.PriceCents))
}

// Seats says the seats left, « Complet — liste d’attente » or no limit.
func (p publicBase) Seats(c tr.Cohort) string {
	left := c.SeatsLeft()
	switch {
	case left == nil:
		return p.T("training.public.seats_unlimited")
	case *left == 0:
		return p.T("training.public.seats_full")
	}
	return p.Count(*left, "training.public.seats_left_one", "training.public.seats_left")
}

// AudienceName names an audience.
func (p publicBase) AudienceName(a string) string { return p.T("training.public.audience." + a) }

// StatusName names a cohort's status.
func (p publicBase) StatusName(s tr.Status) string { return p.T("training.status." + string(s)) }

// Rule says the program's completion rule in words.
func (p publicBase) Rule(pr tr.Program) string {
	switch {
	case pr.MinAttendance > 0 && pr.ProjectRequired:
		return p.T("training.public.rule_project", pr.MinAttendance)
	case pr.MinAttendance > 0:
		return p.T("training.public.rule", pr.MinAttendance)
	case pr.ProjectRequired:
		return p.T("training.public.rule_project_only")
	}
	return p.T("training.public.rule_none")
}

// FirstSession is the day of a cohort's first session, or « à venir ».
func (p publicBase) FirstSession(c tr.Cohort) string {
	if s := c.Starts(); !s.IsZero() {
		return p.Day(s)
	}
	return p.T("training.public.dates_to_come")
}

// Cancelled reports whether a session is cancelled.
func (p publicBase) Cancelled(ev events.Event) bool { return ev.CancelledAt != nil }

func (h *Handlers) publicBase(w http.ResponseWriter, r *http.Request, titleKey string) publicBase {
	return publicBase{Base: h.Page(w, r, titleKey), Now: h.store().Now()}
}

// ---- The programs and cohorts ---------------------------------------------

type audienceGroup struct {
	Audience string
	Programs []tr.Program
}

type catalogPage struct {
	publicBase
	Groups    []audienceGroup
	Audiences []string
	Places    []kit.PlaceOption
	Audience  string
	Place     string
	Upcoming  []tr.Cohort
	Past      []tr.Cohort
}

// Catalog is /formations: the programs by audience and the cohorts
// visitors see, filtered by audience and place.
func (h *Handlers) Catalog(w http.ResponseWriter, r *http.Request) {
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	q := r.URL.Query()
	p := catalogPage{publicBase: h.publicBase(w, r, "training.public.title"), Audiences: tr.Audiences, Place: q.Get("lieu")}
	if a := q.Get("public"); slices.Contains(tr.Audiences, a) {
		p.Audience = a
	}
	if p.Place != "" {
		if _, err := h.Deps.Territories.Place(ctx, tid, p.Place); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	var err error
	if p.Places, err = h.PlaceOptions(r); err != nil {
		h.Fail(w, r, err)
		return
	}
	programs, err := h.store().Programs(ctx, tid, false)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, a := range tr.Audiences {
		if p.Audience != "" && a != p.Audience {
			continue
		}
		g := audienceGroup{Audience: a}
		for _, pr := range programs {
			if pr.Audience == a {
				g.Programs = append(g.Programs, pr)
			}
		}
		if len(g.Programs) > 0 {
			p.Groups = append(p.Groups, g)
		}
	}
	list, err := h.store().Cohorts(ctx, tid, tr.CohortFilter{Public: true, Audience: p.Audience, Place: p.Place})
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, c := range list {
		if c.Status == tr.Completed || !c.Ends().IsZero() && c.Ends().Before(p.Now) {
			p.Past = append(p.Past, c)
		} else {
			p.Upcoming = append(p.Upcoming, c)
		}
	}
	h.Render(w, r, http.StatusOK, "training_catalog", p)
}

// ---- A cohort and its enrolment -------------------------------------------

type cohortPage struct {
	publicBase
	Cohort tr.Cohort
	Places []kit.PlaceOption
	// Done is the answer to an enrolment, shown instead of the form.
	Done *tr.Outcome
}

// Learner is the form's needs, ride and place of departure.
func (p cohortPage) Learner() learnerFields {
	return learnerFields{Base: p.Base, Places: p.Places, Needs: true}
}

// ModuleList is the program's modules.
func (p cohortPage) ModuleList() []string { return p.Cohort.Program.ModuleList() }

// cohort finds the cohort of {slug}: cohorts of an archived program are
// for staff only.
func (h *Handlers) cohort(w http.ResponseWriter, r *http.Request) (tr.Cohort, bool) {
	c, err := h.store().CohortBySlug(r.Context(), kit.Info(r).Territory.ID, r.PathValue("slug"))
	if err == nil && c.Program.ArchivedAt != nil && !h.Can(r, auth.ManageTraining) {
		err = errs.New(errs.NotFound, "errors.training_cohort_not_found")
	}
	if err != nil {
		h.Fail(w, r, err)
		return c, false
	}
	return c, true
}

func (h *Handlers) cohortPage(w http.ResponseWriter, r *http.Request, status int, c tr.Cohort, form url.Values, problems map[string]string) {
	p := cohortPage{publicBase: h.publicBase(w, r, ""), Cohort: c}
	p.SetTitle("training.public.cohort_title", c.Program.Name, c.Name)
	var err error
	if p.Places, err = h.PlaceOptions(r); err != nil {
		h.Fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"ride": {events.RideNone}}
	}
	p.Form, p.Errors = form, problems
	h.Render(w, r, status, "training_cohort", p)
}

// CohortPage is a cohort: its program, sessions and enrolment form.
func (h *Handlers) CohortPage(w http.ResponseWriter, r *http.Request) {
	c, ok := h.cohort(w, r)
	if !ok {
		return
	}
	h.cohortPage(w, r, http.StatusOK, c, nil, nil)
}

// Enrol enrols the person of the public form.
func (h *Handlers) Enrol(w http.ResponseWriter, r *http.Request) {
	c, ok := h.cohort(w, r)
	if !ok {
		return
	}
	if !h.AllowPublicForm(w, r) {
		return
	}
	f := r.PostForm
	out, err := h.store().Enrol(r.Context(), kit.Info(r).Territory.ID, c.ID, tr.LearnerInput{Name: f.Get("name"),
		Email: f.Get("email"), Phone: f.Get("phone"), Needs: f.Get("needs"), Ride: f.Get("ride"),
		FromPlaceSlug: f.Get("from_place"), ConsentContact: f.Get("consent_contact") == "1", Lang: kit.Info(r).Lang,
		Waitlist: f.Get("waitlist") == "1"})
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) {
			if now, err := h.store().Cohort(r.Context(), c.TerritoryID, c.ID); err == nil {
				c = now // the seats as they are now
			}
			h.cohortPage(w, r, status, c, f, problems)
		})
		return
	}
	if out.Token != "" {
		w.Header().Set("Referrer-Policy", "no-referrer")
	}
	p := cohortPage{publicBase: h.publicBase(w, r, ""), Cohort: c, Done: &out}
	p.SetTitle("training.public.enrolled_title", c.Program.Name)
	h.Render(w, r, http.StatusOK, "training_enrolled", p)
}

// ---- « Mes formations » ----------------------------------------------------

// mineItem is one enrolment of « Mes formations ».
type mineItem struct {
	tr.Progress
	Cohort tr.Cohort
	// Next is the next session to come (nil: none).
	Next *events.Event
}

// Certificate reports whether the certificate may be downloaded.
func (m mineItem) Certificate() bool {
	return m.Cohort.Status == tr.Completed && m.Cohort.Program.Certificate && m.Status == tr.Confirmed &&
		m.Completed != nil && *m.Completed
}

// CanWithdraw reports whether the learner may still withdraw.
func (m mineItem) CanWithdraw() bool {
	return m.Status != tr.Withdrawn && m.Cohort.Status != tr.Completed && m.Cohort.Status != tr.Cancelled
}

type minePage struct {
	publicBase
	Token string
	Items []mineItem
	// Item is the enrolment a withdrawal page is about.
	Item *mineItem
}

// mine loads « Mes formations » of the link {token}, on this territory:
// the link's own enrolment, or all of the person's when the link was
// e-mailed to them or they are signed in with the same address.
func (h *Handlers) mine(w http.ResponseWriter, r *http.Request) (minePage, bool) {
	tok := r.PathValue("token")
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	var verified string
	if u := kit.Info(r).Principal.User; u != nil {
		verified = u.Email
	}
	list, err := h.store().Mine(ctx, tok, verified)
	if err == nil && (len(list) == 0 || list[0].TerritoryID != tid) {
		err = errs.New(errs.NotFound, "errors.training_enrolment_not_found")
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	if err != nil {
		h.Fail(w, r, err)
		return minePage{}, false
	}
	p := minePage{publicBase: h.publicBase(w, r, "training.mine.title"), Token: tok}
	cohorts := map[int64]tr.Cohort{}
	for _, e := range list {
		c, ok := cohorts[e.CohortID]
		if !ok {
			if c, err = h.store().Cohort(ctx, tid, e.CohortID); err != nil {
				h.Fail(w, r, err)
				return p, false
			}
			cohorts[c.ID] = c
		}
		rows, err := h.store().ProgressOf(ctx, tid, c, []tr.Enrolment{e})
		if err != nil {
			h.Fail(w, r, err)
			return p, false
		}
		it := mineItem{Progress: rows[0], Cohort: c}
		for _, ev := range c.Held() {
			if ev.StartsAt.After(p.Now) {
				it.Next = &ev
				break
			}
		}
		p.Items = append(p.Items, it)
	}
	return p, true
}

// item finds the enrolment {enrolment} among the link's own.
func (p minePage) item(r *http.Request) (mineItem, bool) {
	n, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue("enrolment"), ".pdf"), 10, 64)
	if err != nil {
		return mineItem{}, false
	}
	for _, it := range p.Items {
		if it.ID == n {
			return it, true
		}
	}
	return mineItem{}, false
}

// Mine is « Mes formations »: the person's enrolments and progress.
func (h *Handlers) Mine(w http.ResponseWriter, r *http.Request) {
	p, ok := h.mine(w, r)
	if !ok {
		return
	}
	h.Render(w, r, http.StatusOK, "training_mine", p)
}

// MineCertificate is the certificate of one of the link's enrolments.
func (h *Handlers) MineCertificate(w http.ResponseWriter, r *http.Request) {
	p, ok := h.mine(w, r)
	if !ok {
		return
	}
	if !strings.HasSuffix(r.PathValue("enrolment"), ".pdf") {
		h.NotFound(w, r)
		return
	}
	it, ok := p.item(r)
	if !ok {
		h.Fail(w, r, errs.New(errs.NotFound, "errors.training_enrolment_not_found"))
		return
	}
	c, err := h.store().IssueCertificate(r.Context(), kit.Info(r).Territory.ID, it.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	h.writeCertificates(w, r, "", "attestation-"+c.Code, []tr.Certificate{c})
}

// ConfirmWithdraw asks before a withdrawal.
func (h *Handlers) ConfirmWithdraw(w http.ResponseWriter, r *http.Request) {
	p, ok := h.mine(w, r)
	if !ok {
		return
	}
	it, ok := p.item(r)
	if !ok {
		h.Fail(w, r, errs.New(errs.NotFound, "errors.training_enrolment_not_found"))
		return
	}
	p.Item = &it
	p.SetTitle("training.mine.withdraw_title", it.Cohort.Program.Name)
	h.Render(w, r, http.StatusOK, "training_withdraw", p)
}

// Withdraw takes the person out of one of their cohorts.
func (h *Handlers) Withdraw(w http.ResponseWriter, r *http.Request) {
	p, ok := h.mine(w, r)
	if !ok {
		return
	}
	it, ok := p.item(r)
	if !ok {
		h.Fail(w, r, errs.New(errs.NotFound, "errors.training_enrolment_not_found"))
		return
	}
	h.Done(w, r, h.store().WithdrawEnrolment(r.Context(), kit.Info(r).Territory.ID, it.ID), "training.mine.withdrawn", minePath(p.Token))
}

// ---- Verification ----------------------------------------------------------

type verifyPage struct {
	publicBase
	Code string
	// Found is the certificate of the code; Missing is set when no
	// certificate bears it.
	Found   *tr.Verified
	Missing bool
}

// Verify checks a certificate's code.
func (h *Handlers) Verify(w http.ResponseWriter, r *http.Request) {
	p := verifyPage{publicBase: h.publicBase(w, r, "training.verify.title"), Code: strings.TrimSpace(r.URL.Query().Get("code"))}
	w.Header().Set("X-Robots-Tag", "noindex")
	if p.Code != "" {
		if len(p.Code) > 40 {
			p.Missing = true
		} else {
			v, err := h.store().VerifyCertificate(r.Context(), kit.Info(r).Territory.ID, p.Code)
			switch {
			case errs.Is(err, errs.NotFound):
				p.Missing = true
			case err != nil:
				h.Fail(w, r, err)
				return
			default:
				p.Found = &v
			}
		}
	}
	h.Render(w, r, http.StatusOK, "training_verify", p)
}

// cohortCard is what the "training_cohortcard" partial draws.
type cohortCard struct {
	publicBase
	Cohort tr.Cohort
}

// Card pairs a cohort with the page, for the card partial.
func (p publicBase) Card(c tr.Cohort) cohortCard { return cohortCard{publicBase: p, Cohort: c} }
