package training

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/orgs"
	"implique/internal/privacy"
	tr "implique/internal/training"
	"implique/internal/web/kit"
)

// The pages where an organisation's managers (and staff) enrol members of
// the organisation in an open cohort and follow them: under
// /mes-organismes/{id}/formations and /admin/organismes/{id}/formations,
// the policy deciding who may act for which organisation.

// MemberRows is how many people the form takes at once.
const MemberRows = 10

// orgRoot is the space of the request: the staff area or the manager's own.
func orgRoot(r *http.Request) (root string, staff bool) {
	if strings.HasPrefix(r.URL.Path, "/admin/") {
		return "/admin/organismes", true
	}
	return "/mes-organismes", false
}

// orgFor reads {id}: an organisation of the request's territory that the
// principal may keep up to date (auth.EditOrganization on it, as the
// organisation's own pages ask). Anyone else gets the sign-in page, a 403
// or a 404.
func (h *Handlers) orgFor(w http.ResponseWriter, r *http.Request) (orgs.Organization, bool) {
	_, staff := orgRoot(r)
	if !kit.Info(r).Principal.SignedIn() || (staff && !h.Can(r, auth.ManageOrganizations)) {
		h.Forbid(w, r)
		return orgs.Organization{}, false
	}
	n := kit.PathID(r, "id")
	if n == 0 {
		h.NotFound(w, r)
		return orgs.Organization{}, false
	}
	o, err := h.Deps.Orgs.Get(r.Context(), kit.Info(r).Territory.ID, n)
	if err != nil {
		h.Fail(w, r, err)
		return o, false
	}
	if !h.CanEditOrg(r, o.ID) {
		h.Forbid(w, r)
		return o, false
	}
	return o, true
}

// orgCohort is a cohort with the organisation's learners in it.
type orgCohort struct {
	Cohort tr.Cohort
	Rows   []tr.Progress
}

type orgPage struct {
	publicBase
	Org     orgs.Organization
	Root    string
	Staff   bool
	Cohorts []orgCohort
	Open    []tr.Cohort
	Rows    []int
	Places  []kit.PlaceOption
}

// OrgPath is the organisation's page in this space.
func (p orgPage) OrgPath() string { return p.Root + "/" + id(p.Org.ID) }

// Member is the name of a field of a member's row.
func (p orgPage) Member(i int, field string) string { return fmt.Sprintf("member%d_%s", i, field) }

// RowLabel names a member's row.
func (p orgPage) RowLabel(i int) string { return p.T("training.org.row_n", i+1) }

// MemberLearner is a member's needs, ride and place of departure.
func (p orgPage) MemberLearner(i int) learnerFields {
	return learnerFields{Base: p.Base, Prefix: p.Member(i, ""), Places: p.Places, Third: true, Needs: true}
}

// MemberField is a member's field, for the textfield partial.
func (p orgPage) MemberField(i int, field, labelKey, typ, autocomplete string) kit.FormField {
	return p.Field(p.Member(i, field), labelKey, typ, autocomplete)
}

func (h *Handlers) orgPage(w http.ResponseWriter, r *http.Request, status int, o orgs.Organization, form url.Values, problems map[string]string) {
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	p := orgPage{publicBase: h.publicBase(w, r, ""), Org: o}
	p.Root, p.Staff = orgRoot(r)
	p.SetTitle("training.org.title", o.Name)
	for i := range MemberRows {
		p.Rows = append(p.Rows, i)
	}
	list, err := h.store().OfOrganization(ctx, tid, o.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Places, err = h.PlaceOptions(r); err != nil {
		h.Fail(w, r, err)
		return
	}
	index := map[int64]int{}
	for _, e := range list {
		i, ok := index[e.CohortID]
		if !ok {
			c, err := h.store().Cohort(ctx, tid, e.CohortID)
			if err != nil {
				h.Fail(w, r, err)
				return
			}
			i = len(p.Cohorts)
			index[c.ID] = i
			p.Cohorts = append(p.Cohorts, orgCohort{Cohort: c})
		}
		rows, err := h.store().ProgressOf(ctx, tid, p.Cohorts[i].Cohort, []tr.Enrolment{e})
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		p.Cohorts[i].Rows = append(p.Cohorts[i].Rows, rows...)
	}
	all, err := h.store().Cohorts(ctx, tid, tr.CohortFilter{Public: true})
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, c := range all {
		if c.TakesEnrolments() {
			p.Open = append(p.Open, c)
		}
	}
	p.Form, p.Errors = form, problems
	if p.Form == nil {
		p.Form = url.Values{}
	}
	h.Render(w, r, status, "training_org", p)
}

// OrgTrainings lists the organisation's learners and offers to enrol members.
func (h *Handlers) OrgTrainings(w http.ResponseWriter, r *http.Request) {
	o, ok := h.orgFor(w, r)
	if !ok {
		return
	}
	h.Accessed(r, privacy.Viewed, tr.PrivacyEnrolments, "organization "+strconv.FormatInt(o.ID, 10))
	h.orgPage(w, r, http.StatusOK, o, nil, nil)
}

// OrgEnrol enrols the members of the form: all of them or none.
func (h *Handlers) OrgEnrol(w http.ResponseWriter, r *http.Request) {
	o, ok := h.orgFor(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	tid := kit.Info(r).Territory.ID
	page := func(status int, problems map[string]string) { h.orgPage(w, r, status, o, f, problems) }
	cohortID, _ := strconv.ParseInt(f.Get("cohort"), 10, 64)
	if cohortID == 0 {
		page(http.StatusUnprocessableEntity, map[string]string{"cohort": "errors.required"})
		return
	}
	var members []tr.LearnerInput
	var rowOf []int
	for i := range MemberRows {
		v := func(field string) string { return strings.TrimSpace(f.Get(fmt.Sprintf("member%d_%s", i, field))) }
		if v("name") == "" && v("email") == "" && v("phone") == "" && v("needs") == "" && v("from_place") == "" {
			continue
		}
		members = append(members, tr.LearnerInput{Name: v("name"), Email: v("email"), Phone: v("phone"), Needs: v("needs"),
			Ride: v("ride"), FromPlaceSlug: v("from_place"), ConsentContact: f.Get("consent") == "1", Lang: kit.Info(r).Lang})
		rowOf = append(rowOf, i)
	}
	_, err := h.store().EnrolMembers(r.Context(), tid, cohortID, o.ID, staffID(r), members, f.Get("waitlist") == "1")
	if errs.Is(err, errs.NotFound) {
		page(http.StatusUnprocessableEntity, map[string]string{"cohort": "training.org.cohort_unknown"})
		return
	}
	if err != nil {
		h.RefuseOn(w, r, err, func(field string) string {
			var n int
			var rest string
			if k, err := fmt.Sscanf(field, "member%d_%s", &n, &rest); err == nil && k == 2 && n >= 0 && n < len(rowOf) {
				return fmt.Sprintf("member%d_%s", rowOf[n], rest)
			}
			return field
		}, page)
		return
	}
	root, _ := orgRoot(r)
	h.Confirm(w, r, "training.org.enrolled", root+"/"+id(o.ID)+"/formations")
}
