package privacy

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	pv "implique/internal/privacy"
	"implique/internal/web/kit"
)

// The privacy officer's area: its home, the inventory, the retention
// rules and their runs, the access log, the incident register, the
// requests and a person's information on their behalf.

const (
	adminInventoryPath = AreaPath + "/inventaire"
	adminRetentionPath = AreaPath + "/conservation"
	adminLogPath       = AreaPath + "/journal"
	adminIncidentsPath = AreaPath + "/incidents"
	adminRequestsPath  = AreaPath + "/demandes"
	adminPersonPath    = AreaPath + "/personnes"
)

// Keys of the inventory and of the access log, not of the catalogs: what
// this area writes to the access log (a person's file, the requests), and
// the access log's own retention rule.
const (
	whatPerson    = `privacy.person`
	whatRequests  = `privacy.requests`
	ruleAccessLog = `privacy.access_log`
)

func adminIncidentPath(id int64) string { return adminIncidentsPath + "/" + strconv.FormatInt(id, 10) }

// adminBase is what the area's pages share: the page base, today in the
// territory, and names read from the catalogs with a fallback (the
// categories and rules are named by the capabilities that hold them).
type adminBase struct {
	kit.Base
	Today calendar.Date
	// Officer reads the register and the area (the privacy officer).
	Officer bool
	has     func(string) bool
}

func (h *Handlers) adminBase(w http.ResponseWriter, r *http.Request, titleKey string) adminBase {
	b := adminBase{Base: h.Page(w, r, titleKey), has: h.Cat.Has, Officer: h.Can(r, auth.ManagePrivacy)}
	b.Today = calendar.DateOf(h.adminNow().In(b.Territory.Location()))
	return b
}

func (h *Handlers) adminNow() time.Time {
	if h.Deps.Now != nil {
		return h.Deps.Now()
	}
	return time.Now()
}

// Name is the catalog's name of prefix+key, or key itself when the
// catalogs do not name it.
func (b adminBase) Name(prefix, key string) string {
	if b.has(prefix + key) {
		return b.T(prefix + key)
	}
	return key
}

// Coded is a record's value in the page's words when it is a code (a
// status, oui or non, a language), else "" (codedKey).
func (b adminBase) Coded(f pv.Field) string {
	if k := codedKey(b.has, f.Name, f.Value); k != "" {
		return b.T(k)
	}
	return ""
}

// Maybe is the catalog's text of key, or "" when there is none.
func (b adminBase) Maybe(key string) string {
	if b.has(key) {
		return b.T(key)
	}
	return ""
}

// What names a kind of information of the access log.
func (b adminBase) What(what string) string {
	switch {
	case b.has("privacy.access." + what):
		return b.T("privacy.access." + what)
	case b.has("privacy.admin.what." + what):
		return b.T("privacy.admin.what." + what)
	}
	return b.Name("privacy.category.", what)
}

// Day writes a calendar day (« 2 décembre 2026 »), "" for none.
func (b adminBase) Day(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return b.CalendarDay(d.Time())
}

// Late reports whether a request's due date has passed.
func (b adminBase) Late(q pv.Request) bool { return q.Answered == nil && q.Due.Before(b.Today) }

// Action names what a retention rule does.
func (b adminBase) Action(a pv.Action) string { return b.Name("privacy.admin.action.", string(a)) }

// adminHomePage is the area's home.
type adminHomePage struct {
	adminBase
	Incidents []pv.Incident
	Requests  []pv.Request
	Run       *pv.Run
	Deletions int
}

// AdminHome shows what waits for the privacy officer.
func (h *Handlers) AdminHome(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	p := adminHomePage{adminBase: h.adminBase(w, r, "privacy.admin.title")}
	incidents, err := h.store().Incidents(ctx, tid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, i := range incidents {
		if i.Open() {
			p.Incidents = append(p.Incidents, i)
		}
	}
	requests, err := h.store().Requests(ctx, tid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, q := range requests {
		if q.Answered == nil {
			p.Requests = append(p.Requests, q)
		}
	}
	runs, err := h.store().Runs(ctx, tid, 1)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if len(runs) > 0 {
		p.Run = &runs[0]
	}
	if p.Deletions, err = h.store().Deletions(ctx, tid, h.adminNow().AddDate(0, 0, -30)); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "privacy_admin_home", p)
}

// adminRequestsPage lists the requests.
type adminRequestsPage struct {
	adminBase
	Requests []pv.Request
	// Failed is the request whose answer was refused (Errors, Form).
	Failed int64
}

// AdminRequests lists the requests, the open ones first.
func (h *Handlers) AdminRequests(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	h.adminRequestsPage(w, r, http.StatusOK, 0, nil, nil)
}

func (h *Handlers) adminRequestsPage(w http.ResponseWriter, r *http.Request, status int, failed int64, form url.Values, problems map[string]string) {
	p := adminRequestsPage{adminBase: h.adminBase(w, r, "privacy.admin.requests.title"), Failed: failed}
	p.Form, p.Errors = form, problems
	var err error
	if p.Requests, err = h.store().Requests(r.Context(), kit.Info(r).Territory.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Accessed(r, pv.Viewed, whatRequests, "")
	h.Render(w, r, status, "privacy_admin_requests", p)
}

// AdminAnswerRequest records the answer given to a request.
func (h *Handlers) AdminAnswerRequest(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	id := kit.PathID(r, "id")
	if id == 0 {
		h.NotFound(w, r)
		return
	}
	err := h.store().AnswerRequest(r.Context(), kit.Info(r).Territory.ID, id, staffID(r), r.PostFormValue("answer"))
	if err != nil {
		h.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
			h.adminRequestsPage(w, r, status, id, r.PostForm, problems)
		})
		return
	}
	h.Confirm(w, r, "privacy.admin.requests.answered", adminRequestsPath)
}

// requestView is what the "privacy_admin_request_state" partial draws.
type requestView struct {
	Base    adminBase
	Request pv.Request
}

// Req is a request for the state partial.
func (b adminBase) Req(q pv.Request) requestView { return requestView{Base: b, Request: q} }

// incidentView is what the "privacy_admin_incident_state" partial draws.
type incidentView struct {
	Base     adminBase
	Incident pv.Incident
}

// Inc is an incident for the state partial.
func (b adminBase) Inc(i pv.Incident) incidentView { return incidentView{Base: b, Incident: i} }
