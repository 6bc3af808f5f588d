package volunteering

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/errs"
	"implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/territory"
	vol "implique/internal/volunteering"
	"implique/internal/web/kit"
)

// Organisations post opportunities, answer applicants and confirm hours.
// A manager acts on the organisations they manage (organization.edit);
// staff on any organisation of the territory.

// editableOrgs lists the organisations the visitor may act for: all for
// staff, their own for a manager.
func (s *Handlers) editableOrgs(r *http.Request) ([]orgs.OrgRef, bool, error) {
	ri := kit.Info(r)
	all, err := s.Deps.Orgs.Options(r.Context(), ri.Territory.ID)
	if err != nil {
		return nil, false, err
	}
	staff := s.Can(r, auth.ManageVolunteering)
	var out []orgs.OrgRef
	for _, o := range all {
		if staff || (ri.Principal.Manages(o.ID) && s.CanEditOrg(r, o.ID)) {
			out = append(out, o)
		}
	}
	return out, staff, nil
}

// orgIDs lists the ids of refs; nil for staff (every organisation).
func orgIDs(refs []orgs.OrgRef, staff bool) []int64 {
	if staff {
		return nil
	}
	ids := make([]int64, 0, len(refs))
	for _, o := range refs {
		ids = append(ids, o.ID)
	}
	return ids
}

type manageOrg struct {
	Org           orgs.OrgRef
	Opportunities []kit.OppView
	HoursWaiting  int
}

type volunteerManagePage struct {
	kit.Base
	Orgs         []manageOrg
	Staff        bool
	HoursWaiting int
}

func (s *Handlers) VolunteerManage(w http.ResponseWriter, r *http.Request) {
	ri := kit.Info(r)
	ctx := r.Context()
	refs, staff, err := s.editableOrgs(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(refs) == 0 && !staff {
		s.Forbid(w, r)
		return
	}
	p := volunteerManagePage{Base: s.Page(w, r, "volunteer.manage.title"), Staff: staff}
	ids := orgIDs(refs, staff)
	opps, err := s.Deps.Volunteering.Opportunities(ctx, ri.Territory.ID, vol.Filter{OrganizationIDs: ids})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	hours, err := s.Deps.Volunteering.HoursToReview(ctx, ri.Territory.ID, ids)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.HoursWaiting = len(hours)
	byOrg := map[int64]*manageOrg{}
	var order []int64
	add := func(ref orgs.OrgRef) *manageOrg {
		m := byOrg[ref.ID]
		if m == nil {
			m = &manageOrg{Org: ref}
			byOrg[ref.ID] = m
			order = append(order, ref.ID)
		}
		return m
	}
	if !staff {
		for _, o := range refs {
			add(o)
		}
	}
	for _, o := range opps {
		m := add(o.Organization)
		m.Opportunities = append(m.Opportunities, s.oppView(p.Base, o))
	}
	for _, h := range hours {
		add(h.Organization).HoursWaiting++
	}
	for _, id := range order {
		p.Orgs = append(p.Orgs, *byOrg[id])
	}
	s.Render(w, r, http.StatusOK, "volunteer_manage", p)
}

type volunteerOppFormPage struct {
	kit.Base
	Orgs       []orgs.OrgRef
	Places     []territory.Place
	Kinds      []vol.Kind
	Schedules  []vol.Schedule
	Opp        *vol.Opportunity
	Action     string
	ZoneHelp   string
	Breadcrumb string
}

func (s *Handlers) oppFormPage(w http.ResponseWriter, r *http.Request, status int, opp *vol.Opportunity, form url.Values, problems map[string]string) {
	ri := kit.Info(r)
	refs, _, err := s.editableOrgs(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	title := "volunteer.form.new_title"
	if opp != nil {
		title = "volunteer.form.edit_title"
	}
	p := volunteerOppFormPage{Base: s.Page(w, r, title), Orgs: refs, Kinds: vol.Kinds, Schedules: vol.Schedules, Opp: opp,
		Action: "/s-impliquer/gestion/offres"}
	if opp != nil {
		p.Action = "/s-impliquer/gestion/offres/" + strconv.FormatInt(opp.ID, 10)
	}
	if p.Places, err = s.Deps.Territories.Places(r.Context(), ri.Territory.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "volunteer_opp_form", p)
}

func (s *Handlers) VolunteerNewOpp(w http.ResponseWriter, r *http.Request) {
	refs, _, err := s.editableOrgs(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(refs) == 0 {
		s.Forbid(w, r)
		return
	}
	ri := kit.Info(r)
	form := url.Values{"kind": {string(vol.Task)}, "schedule": {string(vol.Recurring)}}
	if slug := r.URL.Query().Get("organisme"); slug != "" {
		for _, o := range refs {
			if o.Slug == slug {
				form.Set("organization", strconv.FormatInt(o.ID, 10))
			}
		}
	} else if len(refs) == 1 {
		form.Set("organization", strconv.FormatInt(refs[0].ID, 10))
	}
	if k := r.URL.Query().Get("type"); k != "" {
		form.Set("kind", k)
	}
	if err := s.oppFromSeat(r, refs, form); err != nil {
		s.Fail(w, r, err)
		return
	}
	if err := s.oppFromInitiative(r, refs, form); err != nil {
		s.Fail(w, r, err)
		return
	}
	if u := ri.Principal.User; u != nil {
		form.Set("contact_name", u.Name)
		form.Set("contact_email", u.Email)
	}
	s.oppFormPage(w, r, http.StatusOK, nil, form, nil)
}

// oppInput reads the opportunity form; dates and times are in loc.
func oppInput(f url.Values, loc *time.Location) (vol.Input, errs.Fields) {
	problems := errs.Fields{}
	in := vol.Input{OrganizationID: formID(f, "organization"), Title: f.Get("title"), Description: f.Get("description"),
		Kind: vol.Kind(f.Get("kind")), Schedule: vol.Schedule(f.Get("schedule")), PlaceSlug: f.Get("place"),
		Remote: f.Get("remote") == "1", Venue: f.Get("venue"), Slots: slotsOf(f), Recurrence: f.Get("recurrence"),
		Commitment: f.Get("commitment"), Causes: f["cause"], Skills: f["skill"], Languages: f["language"],
		CarRequired: f.Get("car_required") == "1", RideOffered: f.Get("ride_offered") == "1", Accessibility: f.Get("accessibility"),
		ContactName: f.Get("contact_name"), ContactEmail: f.Get("contact_email"), ContactPhone: f.Get("contact_phone"),
		JebenevoleURL: f.Get("jebenevole_url")}
	number := func(field, key string) *int {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			problems.Add(field, key)
			return nil
		}
		return &n
	}
	in.Spots = number("spots", "errors.volunteer_spots")
	in.MinAge = number("min_age", "errors.volunteer_age")
	in.MaxAge = number("max_age", "errors.volunteer_age")
	if in.Schedule == vol.OneOff {
		day, ok := kit.ParseDay(f.Get("date"))
		switch {
		case strings.TrimSpace(f.Get("date")) == "":
			problems.Add("date", "errors.required")
		case !ok:
			problems.Add("date", "errors.date")
		}
		sh, sm, sok := calendar.ParseClock(strings.TrimSpace(f.Get("start_time")))
		if !sok {
			problems.Add("start_time", "errors.time")
		}
		if ok && sok {
			in.StartsAt = kit.LocalAt(day, sh, sm, loc)
			if v := strings.TrimSpace(f.Get("end_time")); v != "" {
				eh, em, eok := calendar.ParseClock(v)
				if !eok {
					problems.Add("end_time", "errors.time")
				} else {
					in.EndsAt = kit.LocalAt(day, eh, em, loc)
				}
			}
		}
	} else if v := strings.TrimSpace(f.Get("until")); v != "" {
		day, ok := kit.ParseDay(v)
		if !ok {
			problems.Add("until", "errors.date")
		} else {
			in.Until = kit.LocalAt(day, 23, 59, loc)
		}
	}
	return in, problems
}

func (s *Handlers) VolunteerCreateOpp(w http.ResponseWriter, r *http.Request) {
	ri := kit.Info(r)
	f := r.PostForm
	in, problems := oppInput(f, ri.Territory.Location())
	if in.OrganizationID == 0 || !s.CanEditOrg(r, in.OrganizationID) {
		if !ri.Principal.SignedIn() {
			s.Forbid(w, r)
			return
		}
		problems.Add("organization", "errors.volunteer_org_choose")
	}
	if len(problems) > 0 {
		s.oppFormPage(w, r, http.StatusUnprocessableEntity, nil, f, problems)
		return
	}
	o, err := s.Deps.Volunteering.CreateOpportunity(r.Context(), ri.Territory.ID, ri.Principal.User.ID, in)
	if err != nil {
		s.RefuseFields(w, r, err, func(status int, problems map[string]string) { s.oppFormPage(w, r, status, nil, f, problems) })
		return
	}
	s.Confirm(w, r, "flash.volunteer_opp_created", "/s-impliquer/gestion/offres/"+strconv.FormatInt(o.ID, 10))
}

// managedOpp reads {id} and checks the visitor may act for its organisation.
func (s *Handlers) managedOpp(w http.ResponseWriter, r *http.Request) (vol.Opportunity, bool) {
	id := kit.PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return vol.Opportunity{}, false
	}
	o, err := s.Deps.Volunteering.Opportunity(r.Context(), kit.Info(r).Territory.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return o, false
	}
	if !s.CanEditOrg(r, o.Organization.ID) {
		s.Forbid(w, r)
		return o, false
	}
	return o, true
}

// oppForm writes an opportunity as the form's values.
func oppForm(o vol.Opportunity, loc *time.Location) url.Values {
	f := url.Values{"organization": {strconv.FormatInt(o.Organization.ID, 10)}, "title": {o.Title}, "description": {o.Description},
		"kind": {string(o.Kind)}, "schedule": {string(o.Schedule)}, "place": {o.PlaceSlug}, "venue": {o.Venue},
		"slot": slotValues(o.Slots), "recurrence": {o.Recurrence}, "commitment": {o.Commitment},
		"cause": o.Causes.Codes(vol.Causes), "skill": o.Skills.Codes(vol.Skills),
		"language": o.Languages.Codes(vol.Languages), "accessibility": {o.Accessibility}, "contact_name": {o.ContactName},
		"contact_email": {o.ContactEmail}, "contact_phone": {o.ContactPhone}, "jebenevole_url": {o.JebenevoleURL}}
	flag := func(field string, v bool) {
		if v {
			f.Set(field, "1")
		}
	}
	flag("remote", o.Remote)
	flag("car_required", o.CarRequired)
	flag("ride_offered", o.RideOffered)
	num := func(field string, v *int) {
		if v != nil {
			f.Set(field, strconv.Itoa(*v))
		}
	}
	num("spots", o.Spots)
	num("min_age", o.MinAge)
	num("max_age", o.MaxAge)
	if o.StartsAt != nil {
		f.Set("date", o.StartsAt.In(loc).Format("2006-01-02"))
		f.Set("start_time", o.StartsAt.In(loc).Format("15:04"))
	}
	if o.EndsAt != nil {
		f.Set("end_time", o.EndsAt.In(loc).Format("15:04"))
	}
	if o.Until != nil {
		f.Set("until", o.Until.In(loc).Format("2006-01-02"))
	}
	return f
}

func (s *Handlers) VolunteerEditOpp(w http.ResponseWriter, r *http.Request) {
	o, ok := s.managedOpp(w, r)
	if !ok {
		return
	}
	s.oppFormPage(w, r, http.StatusOK, &o, oppForm(o, kit.Info(r).Territory.Location()), nil)
}

func (s *Handlers) VolunteerUpdateOpp(w http.ResponseWriter, r *http.Request) {
	o, ok := s.managedOpp(w, r)
	if !ok {
		return
	}
	ri := kit.Info(r)
	f := r.PostForm
	in, problems := oppInput(f, ri.Territory.Location())
	if len(problems) > 0 {
		s.oppFormPage(w, r, http.StatusUnprocessableEntity, &o, f, problems)
		return
	}
	_, err := s.Deps.Volunteering.UpdateOpportunity(r.Context(), ri.Territory.ID, o.ID, in)
	if err != nil {
		s.RefuseFields(w, r, err, func(status int, problems map[string]string) { s.oppFormPage(w, r, status, &o, f, problems) })
		return
	}
	s.Confirm(w, r, "flash.volunteer_opp_saved", "/s-impliquer/gestion/offres/"+strconv.FormatInt(o.ID, 10))
}

func (s *Handlers) VolunteerOppStatus(w http.ResponseWriter, r *http.Request) {
	o, ok := s.managedOpp(w, r)
	if !ok {
		return
	}
	open := r.PostFormValue("open") == "1"
	if err := s.Deps.Volunteering.SetOpportunityStatus(r.Context(), kit.Info(r).Territory.ID, o.ID, open); err != nil {
		s.Fail(w, r, err)
		return
	}
	if open {
		s.Flash(w, "flash.volunteer_opp_reopened")
	} else {
		s.Flash(w, "flash.volunteer_opp_closed")
	}
	s.Redirect(w, r, "/s-impliquer/gestion/offres/"+strconv.FormatInt(o.ID, 10))
}

type volunteerApplicantsPage struct {
	kit.Base
	Opp          kit.OppView
	Applications []vol.Application
	Open         bool
	Hours        []vol.HoursEntry
}

func (s *Handlers) volunteerApplicantsPage(w http.ResponseWriter, r *http.Request, status int, o vol.Opportunity, form url.Values, problems map[string]string) {
	ri := kit.Info(r)
	p := volunteerApplicantsPage{Base: s.Page(w, r, ""), Open: o.Open(s.Deps.Volunteering.Now())}
	p.SetTypedTitle(o.Title)
	p.Opp = s.oppView(p.Base, o)
	var err error
	if p.Applications, err = s.Deps.Volunteering.ApplicationsFor(r.Context(), ri.Territory.ID, o.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"reply": {p.T("volunteer.manage.decline_default")}}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "volunteer_applicants", p)
}

func (s *Handlers) VolunteerApplicants(w http.ResponseWriter, r *http.Request) {
	o, ok := s.managedOpp(w, r)
	if !ok {
		return
	}
	s.Accessed(r, privacy.Viewed, vol.PrivacyApplications, "opportunity "+strconv.FormatInt(o.ID, 10))
	s.volunteerApplicantsPage(w, r, http.StatusOK, o, nil, nil)
}

func (s *Handlers) VolunteerRespond(w http.ResponseWriter, r *http.Request) {
	ri := kit.Info(r)
	a, err := s.Deps.Volunteering.Application(r.Context(), ri.Territory.ID, kit.PathID(r, "id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if !s.CanEditOrg(r, a.Opportunity.Organization.ID) {
		s.Forbid(w, r)
		return
	}
	answer := vol.Answer(r.PostFormValue("answer"))
	_, err = s.Deps.Volunteering.Respond(r.Context(), ri.Territory.ID, a.ID, answer, r.PostFormValue("reply"))
	if e, ok := errs.As(err); ok {
		o, oerr := s.Deps.Volunteering.Opportunity(r.Context(), ri.Territory.ID, a.Opportunity.ID)
		if oerr != nil {
			s.Fail(w, r, oerr)
			return
		}
		s.volunteerApplicantsPage(w, r, kit.StatusOf(e.Code), o, r.PostForm, kit.FormProblems(e, nil))
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, answerFlash[answer], "/s-impliquer/gestion/offres/"+strconv.FormatInt(a.Opportunity.ID, 10)+"#candidature-"+strconv.FormatInt(a.ID, 10))
}

// answerFlash and reviewFlash say what was done.
var (
	answerFlash = map[vol.Answer]string{vol.Accept: "flash.volunteer_answer_accept",
		vol.Decline: "flash.volunteer_answer_decline", vol.MarkContacted: "flash.volunteer_answer_contacted"}
	reviewFlash = map[vol.Review]string{vol.ConfirmHours: "flash.volunteer_hours_confirmed",
		vol.CorrectHours: "flash.volunteer_hours_corrected", vol.RejectHours: "flash.volunteer_hours_rejected"}
)

// Hours to confirm.

type volunteerReviewPage struct {
	kit.Base
	Waiting []vol.HoursEntry
	Recent  []vol.HoursEntry
	Staff   bool
}

func (s *Handlers) volunteerReviewPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := kit.Info(r)
	refs, staff, err := s.editableOrgs(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(refs) == 0 && !staff {
		s.Forbid(w, r)
		return
	}
	if status == http.StatusOK {
		s.Accessed(r, privacy.Viewed, vol.PrivacyHours, "hours to review")
	}
	p := volunteerReviewPage{Base: s.Page(w, r, "volunteer.review.title"), Staff: staff}
	ids := orgIDs(refs, staff)
	if p.Waiting, err = s.Deps.Volunteering.HoursToReview(r.Context(), ri.Territory.ID, ids); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Recent, err = s.Deps.Volunteering.RecentHours(r.Context(), ri.Territory.ID, ids, 30); err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "volunteer_review", p)
}

func (s *Handlers) VolunteerReview(w http.ResponseWriter, r *http.Request) {
	s.volunteerReviewPage(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) VolunteerReviewHours(w http.ResponseWriter, r *http.Request) {
	ri := kit.Info(r)
	h, err := s.Deps.Volunteering.HoursEntry(r.Context(), ri.Territory.ID, kit.PathID(r, "id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if !s.CanEditOrg(r, h.Organization.ID) {
		s.Forbid(w, r)
		return
	}
	f := r.PostForm
	_, err = s.Deps.Volunteering.ReviewHours(r.Context(), ri.Territory.ID, h.ID, ri.Principal.User.ID,
		vol.Review(f.Get("review")), f.Get("hours"), f.Get("note"))
	if e, ok := errs.As(err); ok {
		// The problem shows on this declaration's own fields.
		problems := map[string]string{}
		for k, v := range e.Fields {
			problems[k+"-"+strconv.FormatInt(h.ID, 10)] = v
		}
		if len(problems) == 0 {
			problems[""] = e.Key
		}
		form := url.Values{}
		for k, v := range f {
			form[k+"-"+strconv.FormatInt(h.ID, 10)] = v
		}
		s.volunteerReviewPage(w, r, kit.StatusOf(e.Code), form, problems)
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, reviewFlash[vol.Review(f.Get("review"))], "/s-impliquer/gestion/heures")
}

// oppFromSeat prefills an opportunity from an open seat of an organisation
// the visitor may act for (?organisme=&poste=): the relève, one click away.
func (s *Handlers) oppFromSeat(r *http.Request, refs []orgs.OrgRef, form url.Values) error {
	seatID, _ := strconv.ParseInt(r.URL.Query().Get("poste"), 10, 64)
	orgID := formID(form, "organization")
	if seatID <= 0 || orgID <= 0 {
		return nil
	}
	ctx := r.Context()
	tid := kit.Info(r).Territory.ID
	seat, err := s.Deps.Orgs.Seat(ctx, tid, orgID, seatID)
	if errs.Is(err, errs.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	o, err := s.Deps.Orgs.Get(ctx, tid, orgID)
	if err != nil {
		return err
	}
	lang := kit.Info(r).Lang
	form.Set("kind", string(vol.BoardSeat))
	form.Set("schedule", string(vol.Flexible))
	form.Set("title", s.Cat.T(lang, "volunteer.from_seat.title", seat.Title, o.Name))
	form.Set("description", s.Cat.T(lang, "volunteer.from_seat.description", seat.Title, o.Name, o.Mission))
	form.Set("spots", "1")
	if len(o.Places) > 0 {
		form.Set("place", o.Places[0].Slug)
	}
	for _, c := range o.Causes {
		form.Add("cause", c)
	}
	return nil
}

// oppFromInitiative prefills an opportunity from the help an initiative
// is looking for (?initiative=&besoin=), for staff; the organisation is
// the one of the directory that supports it, when there is exactly one.
func (s *Handlers) oppFromInitiative(r *http.Request, refs []orgs.OrgRef, form url.Values) error {
	q := r.URL.Query()
	iniID, _ := strconv.ParseInt(q.Get("initiative"), 10, 64)
	needID, _ := strconv.ParseInt(q.Get("besoin"), 10, 64)
	if iniID <= 0 || needID <= 0 || !s.Can(r, auth.ManageInitiatives) {
		return nil
	}
	ctx := r.Context()
	tid := kit.Info(r).Territory.ID
	ini, err := s.Deps.Community.Initiative(ctx, tid, iniID)
	if errs.Is(err, errs.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	needs, err := s.Deps.Community.HelpNeeds(ctx, tid, ini.ID)
	if err != nil {
		return err
	}
	for _, n := range needs {
		if n.ID != needID {
			continue
		}
		lang := kit.Info(r).Lang
		form.Set("title", n.Title)
		form.Set("description", s.Cat.T(lang, "volunteer.from_initiative.description", n.Details, ini.Title, ini.Summary))
		form.Set("place", ini.PlaceSlug)
		form.Set("schedule", string(vol.Flexible))
		if n.PeopleNeeded > 0 {
			form.Set("spots", strconv.Itoa(n.PeopleNeeded))
		}
	}
	actors, err := s.Deps.Community.Actors(ctx, tid, ini.ID)
	if err != nil {
		return err
	}
	var supporting []int64
	for _, a := range actors {
		if a.OrganizationID != nil {
			supporting = append(supporting, *a.OrganizationID)
		}
	}
	if len(supporting) == 1 {
		for _, o := range refs {
			if o.ID == supporting[0] {
				form.Set("organization", strconv.FormatInt(o.ID, 10))
			}
		}
	}
	return nil
}
