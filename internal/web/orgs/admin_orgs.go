package orgs

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/export"
	ogs "implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/training"
	"implique/internal/web/kit"
)

// Pages that keep an organisation up to date: its description, its seats
// and their holders, its adopted policies, its own relève radar. Staff reach
// them under /admin/organismes (with the managers, the co-organised events
// and the accompaniment log besides); an organisation manager reaches the
// same pages for their own organisations under /mes-organismes, without
// the staff area. The policy decides (auth.EditOrganization with the
// organisation as the resource).

// orgSpace is where an organisation page is served: the staff area or the
// manager's own.
type orgSpace struct {
	Staff bool
	Root  string
}

var (
	staffOrgs   = orgSpace{Staff: true, Root: "/admin/organismes"}
	managerOrgs = orgSpace{Root: "/mes-organismes"}
)

// orgStaffAction opens the staff pages of organisations.
const orgStaffAction = auth.ManageOrganizations

func spaceOf(r *http.Request) orgSpace {
	if strings.HasPrefix(r.URL.Path, "/admin/") {
		return staffOrgs
	}
	return managerOrgs
}

func (sp orgSpace) orgPath(id int64) string { return sp.Root + "/" + strconv.FormatInt(id, 10) }

// Org is the address of an organisation's page in this space.
func (sp orgSpace) Org(id int64) string { return sp.orgPath(id) }

// Seat is the address of a seat's page in this space.
func (sp orgSpace) Seat(orgID, seatID int64) string {
	return sp.orgPath(orgID) + "/postes/" + strconv.FormatInt(seatID, 10)
}

// reach is how far the request sees among the people who hold seats (see
// internal/orgs/people.go): across the territory in the staff area, for a
// principal the policy lets see people (auth.ManagePeople); the
// organisation's own records everywhere else — an organisation's manager
// never matches, sees or writes someone else's record.
func (s *Handlers) reach(r *http.Request, sp orgSpace) ogs.Reach {
	if sp.Staff && s.Can(r, auth.ManagePeople) {
		return ogs.WholeTerritory
	}
	return ogs.OwnOrganization
}

func userID(r *http.Request) int64 {
	if u := kit.Info(r).Principal.User; u != nil {
		return u.ID
	}
	return 0
}

// orgFor reads {id}: an organisation of the request's territory that the
// principal may edit in this space. Anyone else gets the sign-in page, a
// 403 or a 404.
func (s *Handlers) orgFor(w http.ResponseWriter, r *http.Request) (ogs.Organization, orgSpace, bool) {
	sp := spaceOf(r)
	if !kit.Info(r).Principal.SignedIn() || (sp.Staff && !s.Can(r, orgStaffAction)) {
		s.Forbid(w, r)
		return ogs.Organization{}, sp, false
	}
	id := kit.PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return ogs.Organization{}, sp, false
	}
	o, err := s.Deps.Orgs.Get(r.Context(), kit.Info(r).Territory.ID, id)
	if errs.Is(err, errs.NotFound) {
		s.NotFound(w, r)
		return o, sp, false
	}
	if err != nil {
		s.Fail(w, r, err)
		return o, sp, false
	}
	if !s.CanEditOrg(r, o.ID) {
		s.Forbid(w, r)
		return o, sp, false
	}
	return o, sp, true
}

// ---- Staff: the list ---------------------------------------------------

const staffOrgPageSize = 50

type adminOrgsPage struct {
	kit.Base
	Orgs       []ogs.Organization
	Risks      map[int64]ogs.OrgRisk
	Places     []kit.PlaceOption
	Kinds      []ogs.Kind
	Levels     []ogs.Level
	Indicators ogs.Indicators
	Filtered   bool
	Pager      pager
}

func (s *Handlers) AdminOrgs(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	ctx := r.Context()
	t := kit.Info(r).Territory
	q := r.URL.Query()
	f := ogs.Filter{Query: strings.TrimSpace(q.Get("q")), PlaceSlug: q.Get("lieu"), Kind: ogs.Kind(q.Get("type"))}
	if _, ok := ogs.ParseKind(string(f.Kind)); !ok {
		f.Kind = ""
	}
	level := ogs.Level(q.Get("risque"))
	radar, err := s.Deps.Orgs.Radar(ctx, t.ID, ogs.RadarFilter{Reach: s.reach(r, staffOrgs)})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminOrgsPage{Base: s.Page(w, r, "org.staff.title"), Risks: map[int64]ogs.OrgRisk{}, Kinds: ogs.Kinds, Levels: ogs.Levels,
		Filtered: f.Query != "" || f.PlaceSlug != "" || f.Kind != "" || level != ""}
	for _, risk := range radar.Orgs {
		p.Risks[risk.Org.ID] = risk
		if risk.Level == level {
			f.IDs = append(f.IDs, risk.Org.ID)
		}
	}
	if level != "" && f.IDs == nil {
		f.IDs = []int64{}
	}
	_, total, err := s.Deps.Orgs.List(ctx, t.ID, ogs.Filter{Query: f.Query, PlaceSlug: f.PlaceSlug, Kind: f.Kind, IDs: f.IDs, Limit: 1})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Pager = newPager(r, total, staffOrgPageSize)
	f.Limit, f.Offset = staffOrgPageSize, p.Pager.Offset(staffOrgPageSize)
	if p.Orgs, _, err = s.Deps.Orgs.List(ctx, t.ID, f); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Places, err = s.PlaceOptions(r); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Indicators, err = s.Deps.Orgs.YearIndicators(ctx, t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Form = url.Values{"q": {f.Query}, "lieu": {f.PlaceSlug}, "type": {string(f.Kind)}, "risque": {string(level)}}
	s.Render(w, r, http.StatusOK, "admin_orgs", p)
}

// ---- A manager's organisations -----------------------------------------

type myOrgsPage struct {
	kit.Base
	Orgs  []ogs.Organization
	Risks map[int64]ogs.OrgRisk
}

func (s *Handlers) MyOrgs(w http.ResponseWriter, r *http.Request) {
	ri := kit.Info(r)
	if !ri.Principal.SignedIn() {
		s.Forbid(w, r)
		return
	}
	if s.Can(r, orgStaffAction) && len(ri.Principal.Organizations) == 0 {
		s.Redirect(w, r, staffOrgs.Root)
		return
	}
	p := myOrgsPage{Base: s.Page(w, r, "org.mine.title"), Risks: map[int64]ogs.OrgRisk{}}
	ids := append([]int64{}, ri.Principal.Organizations...)
	var err error
	if p.Orgs, _, err = s.Deps.Orgs.List(r.Context(), ri.Territory.ID, ogs.Filter{IDs: ids}); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, o := range p.Orgs {
		risk, _, err := s.Deps.Orgs.Risk(r.Context(), ri.Territory.ID, o.ID, ogs.OwnOrganization)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		p.Risks[o.ID] = risk
	}
	s.Render(w, r, http.StatusOK, "my_orgs", p)
}

// ---- Creating and describing an organisation ---------------------------

type orgFormPage struct {
	kit.Base
	Space  orgSpace
	Org    *ogs.Organization
	Kinds  []ogs.Kind
	Causes []string
	Places []placeCheck
	// Origin names the community or initiative a new citizen committee is born of.
	Origin string
}

// placeCheck is a place to tick: a secteur names its ville.
type placeCheck struct {
	Slug, Name, Parent string
}

func (s *Handlers) placeChecks(r *http.Request) ([]placeCheck, error) {
	ps, err := s.Deps.Territories.Places(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		return nil, err
	}
	parent := map[string]string{}
	for _, p := range ps {
		parent[p.Slug] = p.ParentName
	}
	var out []placeCheck
	for _, o := range kit.PlaceOptionsOf(ps) {
		out = append(out, placeCheck{Slug: o.Slug, Name: o.Name, Parent: parent[o.Slug]})
	}
	return out, nil
}

func orgForm(o ogs.Organization) url.Values {
	f := url.Values{"name": {o.Name}, "kind": {string(o.Kind)}, "mission": {o.Mission}, "involvement": {o.Involvement},
		"contact_name": {o.ContactName}, "contact_email": {o.ContactEmail}, "contact_phone": {o.ContactPhone}, "website": {o.Website}}
	if o.Public {
		f.Set("public", "1")
	}
	for _, p := range o.Places {
		f.Add("places", p.Slug)
	}
	f["causes"] = append([]string{}, o.Causes...)
	return f
}

func orgInput(f url.Values) ogs.Input {
	var causes []string
	for _, c := range f["causes"] {
		causes = append(causes, c)
	}
	return ogs.Input{Name: f.Get("name"), Kind: ogs.Kind(f.Get("kind")), Mission: f.Get("mission"), Involvement: f.Get("involvement"),
		ContactName: f.Get("contact_name"), ContactEmail: f.Get("contact_email"), ContactPhone: f.Get("contact_phone"),
		Website: f.Get("website"), Public: f.Get("public") == "1", PlaceSlugs: f["places"], Causes: causes}
}

func (s *Handlers) orgFormPage(w http.ResponseWriter, r *http.Request, status int, sp orgSpace, o *ogs.Organization, form url.Values, problems map[string]string) {
	places, err := s.placeChecks(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := orgFormPage{Base: s.Page(w, r, "org.form.new_title"), Space: sp, Org: o, Kinds: ogs.Kinds, Causes: ogs.Causes, Places: places}
	if o != nil {
		p.SetTitle("org.form.edit_title", o.Name)
	}
	p.Form, p.Errors = form, problems
	if o == nil {
		name, err := s.orgOrigin(r, form.Get("origin"), form.Get("origin_id"))
		if err != nil && !errs.Is(err, errs.NotFound) {
			s.Fail(w, r, err)
			return
		}
		p.Origin = name
	}
	s.Render(w, r, status, "admin_org_form", p)
}

func (s *Handlers) AdminNewOrg(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	form := url.Values{"kind": {string(ogs.Nonprofit)}, "public": {"1"}}
	// A citizen committee born of a communauté de partage or of an initiative.
	q := r.URL.Query()
	for param, origin := range map[string]string{"communaute": ogs.FromCommunity, "initiative": ogs.FromInitiative} {
		if v := q.Get(param); v != "" {
			name, err := s.orgOrigin(r, origin, v)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			form.Set("origin", origin)
			form.Set("origin_id", v)
			form.Set("kind", string(ogs.CitizenCommittee))
			form.Set("name", s.Cat.T(kit.Info(r).Lang, "org.form.committee_name", name))
			for _, pl := range s.originPlaces(r, origin, v) {
				form.Add("places", pl)
			}
		}
	}
	s.orgFormPage(w, r, http.StatusOK, staffOrgs, nil, form, nil)
}

// orgOrigin names the community or initiative a committee is born of; ""
// for none, NotFound when it is not one of the territory's.
func (s *Handlers) orgOrigin(r *http.Request, origin, idText string) (string, error) {
	if origin == "" {
		return "", nil
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return "", errs.New(errs.NotFound, "errors.org_origin")
	}
	tid := kit.Info(r).Territory.ID
	switch origin {
	case ogs.FromCommunity:
		c, err := s.Deps.Community.Community(r.Context(), tid, id)
		if errs.Is(err, errs.NotFound) {
			return "", errs.New(errs.NotFound, "errors.org_origin")
		}
		return c.Name, err
	case ogs.FromInitiative:
		ini, err := s.Deps.Community.Initiative(r.Context(), tid, id)
		if errs.Is(err, errs.NotFound) {
			return "", errs.New(errs.NotFound, "errors.org_origin")
		}
		return ini.Title, err
	}
	return "", errs.New(errs.NotFound, "errors.org_origin")
}

// originPlaces are the places of a committee's community or initiative.
func (s *Handlers) originPlaces(r *http.Request, origin, idText string) []string {
	id, _ := strconv.ParseInt(idText, 10, 64)
	tid := kit.Info(r).Territory.ID
	var out []string
	switch origin {
	case ogs.FromCommunity:
		if c, err := s.Deps.Community.Community(r.Context(), tid, id); err == nil {
			for _, p := range c.Places {
				out = append(out, p.Slug)
			}
		}
	case ogs.FromInitiative:
		if ini, err := s.Deps.Community.Initiative(r.Context(), tid, id); err == nil {
			out = append(out, ini.PlaceSlug)
		}
	}
	return out
}

func (s *Handlers) AdminCreateOrg(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	in := orgInput(r.PostForm)
	if origin := r.PostFormValue("origin"); origin != "" {
		if _, err := s.orgOrigin(r, origin, r.PostFormValue("origin_id")); errs.Is(err, errs.NotFound) {
			s.orgFormPage(w, r, http.StatusUnprocessableEntity, staffOrgs, nil, r.PostForm, map[string]string{"": "errors.org_origin"})
			return
		} else if err != nil {
			s.Fail(w, r, err)
			return
		}
		in.Origin = origin
		in.OriginID, _ = strconv.ParseInt(r.PostFormValue("origin_id"), 10, 64)
	}
	o, err := s.Deps.Orgs.Create(r.Context(), kit.Info(r).Territory.ID, userID(r), in)
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) {
			s.orgFormPage(w, r, status, staffOrgs, nil, r.PostForm, problems)
		})
		return
	}
	s.Confirm(w, r, "flash.org_created", staffOrgs.orgPath(o.ID))
}

func (s *Handlers) EditOrg(w http.ResponseWriter, r *http.Request) {
	o, sp, ok := s.orgFor(w, r)
	if !ok {
		return
	}
	s.orgFormPage(w, r, http.StatusOK, sp, &o, orgForm(o), nil)
}

func (s *Handlers) UpdateOrg(w http.ResponseWriter, r *http.Request) {
	o, sp, ok := s.orgFor(w, r)
	if !ok {
		return
	}
	_ = r.ParseForm()
	_, err := s.Deps.Orgs.Update(r.Context(), kit.Info(r).Territory.ID, o.ID, orgInput(r.PostForm))
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
			s.orgFormPage(w, r, status, sp, &o, r.PostForm, problems)
		})
		return
	}
	s.Confirm(w, r, "flash.org_saved", sp.orgPath(o.ID))
}

// ---- An organisation's page --------------------------------------------

type orgManagePage struct {
	kit.Base
	Space       orgSpace
	Org         ogs.Organization
	Seats       []ogs.Seat
	People      []ogs.Person
	Roles       []ogs.Role
	Risk        ogs.OrgRisk
	Radar       ogs.Radar
	Policies    []ogs.Policy
	PolicyKinds []ogs.PolicyKind
	// Trainings are the cohorts its members took, beside the accompaniment.
	Trainings []training.OrgTraining
	// Staff only.
	Managers     []*auth.User
	Log          []ogs.Accompaniment
	Events       []ogs.LinkedEvent
	EventChoices []events.Event
	// Section names the form that has problems: its anchor.
	Section string
}

// seatFormData is what the "seatfields" template draws.
type seatFormData struct {
	Base   kit.Base
	People []ogs.Person
	Roles  []ogs.Role
	Staff  bool
}

// SeatForm gives the seat fields what they draw.
func (p orgManagePage) SeatForm() seatFormData {
	return seatFormData{Base: p.Base, People: p.People, Roles: p.Roles, Staff: p.Space.Staff}
}

func (s *Handlers) orgManage(w http.ResponseWriter, r *http.Request, status int, o ogs.Organization, sp orgSpace, section string, form url.Values, problems map[string]string) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	p := orgManagePage{Base: s.Page(w, r, ""), Space: sp, Org: o, Roles: ogs.Roles, PolicyKinds: ogs.PolicyKinds, Section: section}
	p.SetTypedTitle(o.Name)
	var err error
	if p.Seats, err = s.Deps.Orgs.Seats(ctx, t.ID, o.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.People, err = s.Deps.Orgs.OrgPeople(ctx, t.ID, o.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Risk, p.Radar, err = s.Deps.Orgs.Risk(ctx, t.ID, o.ID, s.reach(r, sp)); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Policies, err = s.Deps.Orgs.Policies(ctx, t.ID, o.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if s.Deps.Training != nil {
		if p.Trainings, err = s.Deps.Training.Trainings(ctx, t.ID, o.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if sp.Staff {
		ids, err := s.Deps.Orgs.Managers(ctx, t.ID, o.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, id := range ids {
			u, err := s.Deps.Auth.UserByID(ctx, id)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			p.Managers = append(p.Managers, u)
		}
		if p.Log, err = s.Deps.Orgs.Accompaniments(ctx, t.ID, ogs.AccompanimentFilter{OrganizationID: o.ID, Limit: 20}); err != nil {
			s.Fail(w, r, err)
			return
		}
		if p.Events, err = s.Deps.Orgs.Events(ctx, t.ID, o.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		if s.Deps.Events != nil {
			// The events of the last year and the next, newest first.
			now := s.Deps.Now()
			if p.EventChoices, err = s.Deps.Events.List(ctx, t.ID, events.Filter{From: now.AddDate(-1, 0, 0), To: now.AddDate(1, 0, 0), Newest: true}); err != nil {
				s.Fail(w, r, err)
				return
			}
		}
	}
	if form == nil {
		form = url.Values{"role": {string(ogs.Director)}, "holder": {"vacant"}, "adopted_on": {""}}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_org", p)
}

func (s *Handlers) OrgPage(w http.ResponseWriter, r *http.Request) {
	o, sp, ok := s.orgFor(w, r)
	if !ok {
		return
	}
	s.Accessed(r, privacy.Viewed, ogs.PrivacyPeople, "organization "+strconv.FormatInt(o.ID, 10))
	s.orgManage(w, r, http.StatusOK, o, sp, "", nil, nil)
}

// ---- Seats -------------------------------------------------------------

func seatInput(f url.Values, reach ogs.Reach) ogs.SeatInput {
	in := ogs.SeatInput{Title: f.Get("title"), Role: ogs.Role(f.Get("role")), HolderSince: f.Get("holder_since"),
		TermStart: f.Get("term_start"), TermEnd: f.Get("term_end"), OpenToNewcomers: f.Get("open") == "1",
		SuccessorIdentified: f.Get("successor") == "1", Reach: reach}
	switch h := f.Get("holder"); h {
	case "", "vacant":
	case "new":
		in.NewHolder = &ogs.PersonInput{Name: f.Get("holder_name"), Email: f.Get("holder_email"), Phone: f.Get("holder_phone"),
			NamePublic: f.Get("holder_public") == "1"}
	default:
		id, err := strconv.ParseInt(h, 10, 64)
		if err != nil || id <= 0 {
			id = -1 // nobody: the store says so
		}
		in.HolderID = id
	}
	return in
}

func (s *Handlers) AddSeat(w http.ResponseWriter, r *http.Request) {
	o, sp, ok := s.orgFor(w, r)
	if !ok {
		return
	}
	_ = r.ParseForm()
	_, err := s.Deps.Orgs.AddSeat(r.Context(), kit.Info(r).Territory.ID, o.ID, seatInput(r.PostForm, s.reach(r, sp)))
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
			s.orgManage(w, r, status, o, sp, "nouveau-poste", r.PostForm, problems)
		})
		return
	}
	s.Confirm(w, r, "flash.org_seat_added", sp.orgPath(o.ID)+"#postes")
}

type seatPage struct {
	kit.Base
	Space  orgSpace
	Org    ogs.Organization
	Seat   ogs.Seat
	People []ogs.Person
	Roles  []ogs.Role
}

// SeatForm gives the seat fields what they draw.
func (p seatPage) SeatForm() seatFormData {
	return seatFormData{Base: p.Base, People: p.People, Roles: p.Roles, Staff: p.Space.Staff}
}

// seatFor reads {id} and {seat}: a seat of an organisation the principal may edit.
func (s *Handlers) seatFor(w http.ResponseWriter, r *http.Request) (ogs.Organization, ogs.Seat, orgSpace, bool) {
	return itemFor(s, w, r, "seat", s.Deps.Orgs.Seat)
}

// itemFor reads {id} and the path's {name}: an item, loaded by load, of an
// organisation the principal may edit.
func itemFor[T any](s *Handlers, w http.ResponseWriter, r *http.Request, name string,
	load func(ctx context.Context, tid, orgID, id int64) (T, error)) (ogs.Organization, T, orgSpace, bool) {
	var item T
	o, sp, ok := s.orgFor(w, r)
	if !ok {
		return o, item, sp, false
	}
	id := kit.PathID(r, name)
	if id == 0 {
		s.NotFound(w, r)
		return o, item, sp, false
	}
	item, err := load(r.Context(), kit.Info(r).Territory.ID, o.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return o, item, sp, false
	}
	return o, item, sp, true
}

func seatForm(st ogs.Seat) url.Values {
	f := url.Values{"title": {st.Title}, "role": {string(st.Role)}, "holder": {"vacant"}, "holder_since": {st.HolderSince.String()},
		"term_start": {st.TermStart.String()}, "term_end": {st.TermEnd.String()}}
	if st.HolderID != nil {
		f.Set("holder", strconv.FormatInt(*st.HolderID, 10))
	}
	if st.OpenToNewcomers {
		f.Set("open", "1")
	}
	if st.SuccessorIdentified {
		f.Set("successor", "1")
	}
	return f
}

func (s *Handlers) seatPage(w http.ResponseWriter, r *http.Request, status int, o ogs.Organization, st ogs.Seat, sp orgSpace, form url.Values, problems map[string]string) {
	p := seatPage{Base: s.Page(w, r, ""), Space: sp, Org: o, Seat: st, Roles: ogs.Roles}
	p.Title = p.T("org.seat.edit_title", p.SeatLabel(st), o.Name)
	p.SetHeading(p.Phrase("org.seat.edit_title", p.SeatName(st), p.Typed(o.Name)))
	var err error
	if p.People, err = s.Deps.Orgs.OrgPeople(r.Context(), kit.Info(r).Territory.ID, o.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_org_seat", p)
}

func (s *Handlers) EditSeat(w http.ResponseWriter, r *http.Request) {
	o, st, sp, ok := s.seatFor(w, r)
	if !ok {
		return
	}
	s.seatPage(w, r, http.StatusOK, o, st, sp, seatForm(st), nil)
}

func (s *Handlers) UpdateSeat(w http.ResponseWriter, r *http.Request) {
	o, st, sp, ok := s.seatFor(w, r)
	if !ok {
		return
	}
	_ = r.ParseForm()
	_, err := s.Deps.Orgs.UpdateSeat(r.Context(), kit.Info(r).Territory.ID, o.ID, st.ID, seatInput(r.PostForm, s.reach(r, sp)))
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
			s.seatPage(w, r, status, o, st, sp, r.PostForm, problems)
		})
		return
	}
	s.Confirm(w, r, "flash.org_seat_saved", sp.orgPath(o.ID)+"#postes")
}

// confirmPage asks before anything is removed.
type confirmPage struct {
	kit.Base
	Message template.HTML
	Action  string
	Button  string
	Back    string
	Crumbs  []crumb
}

type crumb struct {
	Href  string
	Label template.HTML
}

func (s *Handlers) confirm(w http.ResponseWriter, r *http.Request, sp orgSpace, o ogs.Organization, titleKey string, message template.HTML, buttonKey string) {
	p := confirmPage{Base: s.Page(w, r, titleKey), Message: message, Action: r.URL.Path, Back: sp.orgPath(o.ID)}
	p.Button = p.T(buttonKey)
	if sp.Staff {
		p.Crumbs = []crumb{{"/admin", p.Phrase("admin.title")}, {staffOrgs.Root, p.Phrase("org.staff.title")}, {sp.orgPath(o.ID), p.Typed(o.Name)}}
	} else {
		p.Crumbs = []crumb{{managerOrgs.Root, p.Phrase("org.mine.title")}, {sp.orgPath(o.ID), p.Typed(o.Name)}}
	}
	s.Render(w, r, http.StatusOK, "org_confirm", p)
}

func (s *Handlers) ConfirmDeleteSeat(w http.ResponseWriter, r *http.Request) {
	o, st, sp, ok := s.seatFor(w, r)
	if !ok {
		return
	}
	b := s.Page(w, r, "")
	s.confirm(w, r, sp, o, "org.seat.delete_title", b.Phrase("org.seat.delete_confirm", b.SeatName(st), b.Typed(o.Name)), "org.seat.delete")
}

func (s *Handlers) DeleteSeat(w http.ResponseWriter, r *http.Request) {
	o, st, sp, ok := s.seatFor(w, r)
	if !ok {
		return
	}
	s.Done(w, r, s.Deps.Orgs.DeleteSeat(r.Context(), kit.Info(r).Territory.ID, o.ID, st.ID), "flash.org_seat_deleted", sp.orgPath(o.ID)+"#postes")
}

// ---- Policies ----------------------------------------------------------

// documentType recognises an uploaded document by its name and first
// bytes; "" when it is not one of the accepted formats.
func documentType(name string, head []byte) string {
	zip := bytes.HasPrefix(head, []byte("PK\x03\x04"))
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		if bytes.HasPrefix(head, []byte("%PDF")) {
			return "application/pdf"
		}
	case ".docx":
		if zip {
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		}
	case ".odt":
		if zip {
			return "application/vnd.oasis.opendocument.text"
		}
	case ".doc":
		if bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")) {
			return "application/msword"
		}
	}
	return ""
}

func (s *Handlers) RecordPolicy(w http.ResponseWriter, r *http.Request) {
	o, sp, ok := s.orgFor(w, r)
	if !ok {
		return
	}
	// The form was read, within its limit, before this handler (withReadableInput).
	problems := map[string]string{}
	in := ogs.PolicyInput{Kind: ogs.PolicyKind(r.FormValue("policy_kind")), AdoptedOn: r.FormValue("adopted_on"),
		DocumentURL: r.FormValue("document_url")}
	if len(problems) == 0 && r.MultipartForm != nil {
		if fh := r.MultipartForm.File["document"]; len(fh) > 0 && fh[0].Size > 0 {
			file, err := fh[0].Open()
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			data, err := io.ReadAll(io.LimitReader(file, ogs.MaxDocumentBytes+1))
			file.Close()
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			in.Document, in.DocumentName = data, filepath.Base(fh[0].Filename)
			if in.DocumentType = documentType(fh[0].Filename, data); in.DocumentType == "" {
				problems["document"] = "errors.org_document_type"
			}
		}
	}
	form := url.Values{"policy_kind": {string(in.Kind)}, "adopted_on": {in.AdoptedOn}, "document_url": {in.DocumentURL}}
	var err error
	if len(problems) == 0 {
		_, err = s.Deps.Orgs.RecordPolicy(r.Context(), kit.Info(r).Territory.ID, o.ID, in)
	}
	if e, ok := errs.As(err); ok && e.Code != errs.NotFound {
		problems = kit.FormProblems(e, func(f string) string {
			if f == "kind" {
				return "policy_kind"
			}
			return f
		})
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(problems) > 0 {
		s.orgManage(w, r, http.StatusUnprocessableEntity, o, sp, "politiques", form, problems)
		return
	}
	s.Confirm(w, r, "flash.org_policy_saved", sp.orgPath(o.ID)+"#politiques")
}

func (s *Handlers) policyFor(w http.ResponseWriter, r *http.Request) (ogs.Organization, ogs.Policy, orgSpace, bool) {
	return itemFor(s, w, r, "policy", s.Deps.Orgs.Policy)
}

func (s *Handlers) PolicyDocument(w http.ResponseWriter, r *http.Request) {
	o, p, _, ok := s.policyFor(w, r)
	if !ok {
		return
	}
	name, typ, data, err := s.Deps.Orgs.PolicyDocument(r.Context(), kit.Info(r).Territory.ID, o.ID, p.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Disposition", export.ContentDisposition(name))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data)
}

func (s *Handlers) ConfirmRemovePolicy(w http.ResponseWriter, r *http.Request) {
	o, p, sp, ok := s.policyFor(w, r)
	if !ok {
		return
	}
	b := s.Page(w, r, "")
	s.confirm(w, r, sp, o, "org.policy.remove_title", b.Phrase("org.policy.remove_confirm", b.T("org.policy."+string(p.Kind)), b.Typed(o.Name)), "org.policy.remove")
}

func (s *Handlers) RemovePolicy(w http.ResponseWriter, r *http.Request) {
	o, p, sp, ok := s.policyFor(w, r)
	if !ok {
		return
	}
	s.Done(w, r, s.Deps.Orgs.RemovePolicy(r.Context(), kit.Info(r).Territory.ID, o.ID, p.ID), "flash.org_policy_removed", sp.orgPath(o.ID)+"#politiques")
}

// ---- Staff: managers and co-organised events ---------------------------

// staffOrgFor is orgFor for the staff-only actions.
func (s *Handlers) staffOrgFor(w http.ResponseWriter, r *http.Request) (ogs.Organization, bool) {
	if !s.Can(r, orgStaffAction) {
		s.Forbid(w, r)
		return ogs.Organization{}, false
	}
	o, _, ok := s.orgFor(w, r)
	return o, ok
}

func (s *Handlers) AddManager(w http.ResponseWriter, r *http.Request) {
	o, ok := s.staffOrgFor(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	t := kit.Info(r).Territory
	email := r.PostFormValue("manager_email")
	problem := ""
	u, err := s.Deps.Auth.UserByEmail(ctx, email)
	switch {
	case errs.Is(err, errs.NotFound):
		problem = "errors.org_manager_account"
	case err != nil:
		s.Fail(w, r, err)
		return
	default:
		roles, err := s.Deps.Auth.RolesOf(ctx, u.ID, t.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		if !(auth.Principal{Roles: roles}).Has(auth.RoleOrganizationManager) {
			problem = "errors.org_manager_role"
			if len(roles) == 0 {
				problem = "errors.org_manager_account"
			}
		}
	}
	if problem != "" {
		s.orgManage(w, r, http.StatusUnprocessableEntity, o, staffOrgs, "responsables", r.PostForm, map[string]string{"manager_email": problem})
		return
	}
	s.Done(w, r, s.Deps.Orgs.AddManager(ctx, t.ID, o.ID, u.ID), "flash.org_manager_added", staffOrgs.orgPath(o.ID)+"#responsables")
}

func (s *Handlers) managerFor(w http.ResponseWriter, r *http.Request) (ogs.Organization, *auth.User, bool) {
	o, ok := s.staffOrgFor(w, r)
	if !ok {
		return o, nil, false
	}
	id := kit.PathID(r, "user")
	ids, err := s.Deps.Orgs.Managers(r.Context(), kit.Info(r).Territory.ID, o.ID)
	if err != nil {
		s.Fail(w, r, err)
		return o, nil, false
	}
	for _, m := range ids {
		if m == id && id != 0 {
			u, err := s.Deps.Auth.UserByID(r.Context(), id)
			if err != nil {
				s.Fail(w, r, err)
				return o, nil, false
			}
			return o, u, true
		}
	}
	s.NotFound(w, r)
	return o, nil, false
}

func (s *Handlers) ConfirmRemoveManager(w http.ResponseWriter, r *http.Request) {
	o, u, ok := s.managerFor(w, r)
	if !ok {
		return
	}
	b := s.Page(w, r, "")
	s.confirm(w, r, staffOrgs, o, "org.managers.remove_title", b.Phrase("org.managers.remove_confirm", b.Typed(u.DisplayName()), b.Typed(o.Name)), "org.managers.remove")
}

func (s *Handlers) RemoveManager(w http.ResponseWriter, r *http.Request) {
	o, u, ok := s.managerFor(w, r)
	if !ok {
		return
	}
	s.Done(w, r, s.Deps.Orgs.RemoveManager(r.Context(), kit.Info(r).Territory.ID, o.ID, u.ID), "flash.org_manager_removed", staffOrgs.orgPath(o.ID)+"#responsables")
}

func (s *Handlers) LinkEvent(w http.ResponseWriter, r *http.Request) {
	o, ok := s.staffOrgFor(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PostFormValue("event"), 10, 64)
	err := s.Deps.Orgs.LinkEvent(r.Context(), kit.Info(r).Territory.ID, o.ID, id)
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		s.orgManage(w, r, kit.StatusOf(e.Code), o, staffOrgs, "evenements", r.PostForm, kit.FormProblems(e, nil))
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, "flash.org_event_linked", staffOrgs.orgPath(o.ID)+"#evenements")
}

func (s *Handlers) UnlinkEvent(w http.ResponseWriter, r *http.Request) {
	o, ok := s.staffOrgFor(w, r)
	if !ok {
		return
	}
	s.Done(w, r, s.Deps.Orgs.UnlinkEvent(r.Context(), kit.Info(r).Territory.ID, o.ID, kit.PathID(r, "event")), "flash.org_event_unlinked", staffOrgs.orgPath(o.ID)+"#evenements")
}

// ---- Staff: people -----------------------------------------------------

// The registry of the people who hold seats, one row per person, with the
// records that may be the same person; a person's page with every seat of
// theirs, their other records and the records that look like theirs; and
// the page where staff compare two records and, once sure, link them.
// Linking is staff's decision (auth.ManagePeople), never a manager's.

const (
	peoplePageSize   = 50
	duplicatesOnPage = 20
)

type adminPeoplePage struct {
	kit.Base
	People     []ogs.Person
	Pager      pager
	Duplicates []ogs.Duplicate
	// DuplicateCount is how many pairs there are, MoreDuplicates how many
	// the page leaves out.
	DuplicateCount, MoreDuplicates int
}

func (s *Handlers) AdminPeople(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManagePeople) {
		return
	}
	s.Accessed(r, privacy.Viewed, ogs.PrivacyPeople, "people")
	ctx := r.Context()
	t := kit.Info(r).Territory
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	_, total, err := s.Deps.Orgs.People(ctx, t.ID, ogs.PeopleFilter{Query: q, Limit: 1})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminPeoplePage{Base: s.Page(w, r, "org.people.title"), Pager: newPager(r, total, peoplePageSize)}
	if p.People, _, err = s.Deps.Orgs.People(ctx, t.ID, ogs.PeopleFilter{Query: q, Limit: peoplePageSize, Offset: p.Pager.Offset(peoplePageSize)}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if q == "" && p.Pager.Page <= 1 {
		if p.Duplicates, p.DuplicateCount, err = s.Deps.Orgs.Duplicates(ctx, t.ID, duplicatesOnPage); err != nil {
			s.Fail(w, r, err)
			return
		}
		p.MoreDuplicates = p.DuplicateCount - len(p.Duplicates)
	}
	p.Form = url.Values{"q": {q}}
	s.Render(w, r, http.StatusOK, "admin_people", p)
}

type adminPersonPage struct {
	kit.Base
	Person  ogs.Person
	Seats   []ogs.PersonSeat
	Same    []ogs.Person
	Matches []ogs.Person
	Account *auth.User
	Today   calendar.Date
}

func (s *Handlers) personFor(w http.ResponseWriter, r *http.Request, param string) (ogs.Person, bool) {
	if !s.Can(r, auth.ManagePeople) {
		s.Forbid(w, r)
		return ogs.Person{}, false
	}
	id := kit.PathID(r, param)
	if id == 0 {
		s.NotFound(w, r)
		return ogs.Person{}, false
	}
	p, err := s.Deps.Orgs.Person(r.Context(), kit.Info(r).Territory.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return p, false
	}
	return p, true
}

func personPath(id int64) string { return "/admin/personnes/" + strconv.FormatInt(id, 10) }

func (s *Handlers) personPage(w http.ResponseWriter, r *http.Request, status int, person ogs.Person, form url.Values, problems map[string]string) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	p := adminPersonPage{Base: s.Page(w, r, ""), Person: person}
	p.SetTypedTitle(person.Name)
	var err error
	if p.Seats, err = s.Deps.Orgs.SeatsOf(ctx, t.ID, person.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Same, err = s.Deps.Orgs.SamePerson(ctx, t.ID, person.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Matches, err = s.Deps.Orgs.PossibleMatches(ctx, t.ID, person.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Today, err = s.Deps.Orgs.Today(ctx, t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if person.UserID != nil {
		if p.Account, err = s.Deps.Auth.UserByID(ctx, *person.UserID); err != nil && !errs.Is(err, errs.NotFound) {
			s.Fail(w, r, err)
			return
		}
	}
	if form == nil {
		form = url.Values{"name": {person.Name}, "email": {person.Email}, "phone": {person.Phone}}
		if person.NamePublic {
			form.Set("name_public", "1")
		}
		if p.Account != nil {
			form.Set("account_email", p.Account.Email)
		}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_person", p)
}

func (s *Handlers) AdminPerson(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.personFor(w, r, "id"); ok {
		s.Accessed(r, privacy.Viewed, ogs.PrivacyPeople, "person "+strconv.FormatInt(p.ID, 10))
		s.personPage(w, r, http.StatusOK, p, nil, nil)
	}
}

func (s *Handlers) AdminSavePerson(w http.ResponseWriter, r *http.Request) {
	person, ok := s.personFor(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	t := kit.Info(r).Territory
	f := r.PostForm
	_, err := s.Deps.Orgs.UpdatePerson(ctx, t.ID, person.ID, ogs.PersonInput{Name: f.Get("name"), Email: f.Get("email"),
		Phone: f.Get("phone"), NamePublic: f.Get("name_public") == "1"})
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) { s.personPage(w, r, status, person, f, problems) })
		return
	}
	// The account link: an account of this territory, by its e-mail.
	var account int64
	if email := strings.TrimSpace(f.Get("account_email")); email != "" {
		u, err := s.Deps.Auth.UserByEmail(ctx, email)
		if err == nil {
			roles, rerr := s.Deps.Auth.RolesOf(ctx, u.ID, t.ID)
			if rerr != nil {
				s.Fail(w, r, rerr)
				return
			}
			if len(roles) == 0 {
				err = errs.New(errs.NotFound, "")
			}
		}
		if errs.Is(err, errs.NotFound) {
			person, _ = s.Deps.Orgs.Person(ctx, t.ID, person.ID)
			s.personPage(w, r, http.StatusUnprocessableEntity, person, f, map[string]string{"account_email": "errors.org_person_account"})
			return
		} else if err != nil {
			s.Fail(w, r, err)
			return
		}
		account = u.ID
	}
	s.Done(w, r, s.Deps.Orgs.LinkAccount(ctx, t.ID, person.ID, account), "flash.org_person_saved", personPath(person.ID))
}

// linkSide is one of the two people compared: the record chosen, every
// record of the person and their seats.
type linkSide struct {
	Person  ogs.Person
	Records []ogs.Person
	Seats   []ogs.PersonSeat
}

type linkPeoplePage struct {
	kit.Base
	A, B linkSide
	// Sides are A and B, to draw side by side.
	Sides  []linkSide
	Action string
}

func (s *Handlers) linkSide(r *http.Request, p ogs.Person) (linkSide, error) {
	ctx := r.Context()
	tid := kit.Info(r).Territory.ID
	side := linkSide{Person: p}
	others, err := s.Deps.Orgs.SamePerson(ctx, tid, p.ID)
	if err != nil {
		return side, err
	}
	side.Records = append([]ogs.Person{p}, others...)
	side.Seats, err = s.Deps.Orgs.SeatsOf(ctx, tid, p.ID)
	return side, err
}

// linkPair reads {id} and {other}: two records of the territory.
func (s *Handlers) linkPair(w http.ResponseWriter, r *http.Request) (ogs.Person, ogs.Person, bool) {
	a, ok := s.personFor(w, r, "id")
	if !ok {
		return a, ogs.Person{}, false
	}
	b, ok := s.personFor(w, r, "other")
	return a, b, ok
}

// ConfirmLinkPeople shows two records side by side before staff say they
// are the same person.
func (s *Handlers) ConfirmLinkPeople(w http.ResponseWriter, r *http.Request) {
	a, b, ok := s.linkPair(w, r)
	if !ok {
		return
	}
	if a.ID == b.ID {
		s.Fail(w, r, errs.New(errs.Invalid, "errors.org_person_same"))
		return
	}
	p := linkPeoplePage{Base: s.Page(w, r, "org.link.title"), Action: r.URL.Path}
	var err error
	if p.A, err = s.linkSide(r, a); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.B, err = s.linkSide(r, b); err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Sides = []linkSide{p.A, p.B}
	s.Render(w, r, http.StatusOK, "admin_person_link", p)
}

func (s *Handlers) LinkPeople(w http.ResponseWriter, r *http.Request) {
	a, b, ok := s.linkPair(w, r)
	if !ok {
		return
	}
	s.Done(w, r, s.Deps.Orgs.LinkPeople(r.Context(), kit.Info(r).Territory.ID, a.ID, b.ID), "flash.org_people_linked", personPath(a.ID))
}

func (s *Handlers) UnlinkPerson(w http.ResponseWriter, r *http.Request) {
	p, ok := s.personFor(w, r, "id")
	if !ok {
		return
	}
	if err := s.Deps.Orgs.UnlinkPerson(r.Context(), kit.Info(r).Territory.ID, p.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, "flash.org_person_unlinked")
	// Back to the page the link was undone from.
	back := p.ID
	if from, err := strconv.ParseInt(r.PostFormValue("depuis"), 10, 64); err == nil && from > 0 {
		back = from
	}
	s.Redirect(w, r, personPath(back))
}

// ---- Shared helpers for templates --------------------------------------
