package communities

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"implique/internal/auth"
	cty "implique/internal/community"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// Staff pages for communautés de partage: the list, creating and editing
// one, and a community's page where staff invite people (from the
// suggestions or by address), see members and pending invitations, choose
// the ideas it carries and plan its meetings. Every handler asks the
// policy first (auth.ManageCommunities).

type adminCommunitiesPage struct {
	kit.Base
	Communities []cty.Community
}

func (s *Handlers) AdminCommunities(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageCommunities) {
		return
	}
	list, err := s.Deps.Community.Communities(r.Context(), kit.Info(r).Territory.ID, cty.CommunityFilter{})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin_communities", adminCommunitiesPage{Base: s.Page(w, r, "community.staff.title"), Communities: list})
}

// staffCommunity loads the community of the URL's {id} for a staff action.
func (s *Handlers) staffCommunity(w http.ResponseWriter, r *http.Request) (cty.Community, bool) {
	return kit.Load(s.Kit, w, r, auth.ManageCommunities, s.Deps.Community.Community)
}

// ---- Creating and editing -------------------------------------------------

type adminCommunityFormPage struct {
	kit.Base
	Community *cty.Community
	Places    []kit.PlaceOption
	Staff     []kit.StaffOption
	Action    string
}

func (s *Handlers) communityForm(w http.ResponseWriter, r *http.Request, status int, c *cty.Community, form url.Values, problems map[string]string) {
	places, err := s.PlaceOptions(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	staff, err := s.StaffOptions(r, form)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminCommunityFormPage{Base: s.Page(w, r, "community.staff.new_title"), Community: c, Places: places, Staff: staff, Action: "/admin/communautes"}
	if c != nil {
		p.SetTitle("community.staff.edit_title", c.Name)
		p.Action = kit.CommunityPath(c.ID)
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_community_form", p)
}

func (s *Handlers) AdminNewCommunity(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageCommunities) {
		return
	}
	form := url.Values{"visibility": {"private"}}
	if pl := r.URL.Query().Get("lieu"); pl != "" {
		form.Set("places", pl)
	}
	if u := kit.Info(r).Principal.User; u != nil {
		form.Set("facilitators", strconv.FormatInt(u.ID, 10))
	}
	s.communityForm(w, r, http.StatusOK, nil, form, nil)
}

// communityInput reads the form; the facilitator must be a staff member
// the select offered.
func (s *Handlers) communityInput(r *http.Request) (cty.CommunityInput, map[string]string, error) {
	f := r.PostForm
	in := cty.CommunityInput{Name: f.Get("name"), Description: f.Get("description"), Public: f.Get("visibility") == "public",
		PlaceSlugs: f["places"]}
	problems := map[string]string{}
	if v := f.Get("visibility"); v != "public" && v != "private" {
		problems["visibility"] = "errors.community_visibility"
	}
	if id := f.Get("facilitators"); id != "" {
		staff, err := s.StaffOptions(r, url.Values{})
		if err != nil {
			return in, nil, err
		}
		found := false
		for _, st := range staff {
			found = found || st.ID == id
		}
		if !found {
			problems["facilitators"] = "errors.community_facilitator"
		}
		in.FacilitatorID, _ = strconv.ParseInt(id, 10, 64)
	}
	return in, problems, nil
}

func (s *Handlers) saveCommunity(w http.ResponseWriter, r *http.Request, existing *cty.Community) {
	_ = r.ParseForm()
	ri := kit.Info(r)
	in, problems, err := s.communityInput(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var c cty.Community
	switch {
	case existing == nil:
		c, err = s.Deps.Community.CreateCommunity(r.Context(), ri.Territory.ID, ri.Principal.User.ID, in)
	default:
		c, err = s.Deps.Community.UpdateCommunity(r.Context(), ri.Territory.ID, existing.ID, in)
	}
	if e, ok := errs.As(err); ok || len(problems) > 0 {
		if ok {
			for k, v := range e.Fields {
				problems[k] = v
			}
			if len(e.Fields) == 0 {
				problems[""] = e.Key
			}
		}
		status := http.StatusUnprocessableEntity
		if ok {
			status = kit.StatusOf(e.Code)
		}
		s.communityForm(w, r, status, existing, r.PostForm, problems)
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	if existing == nil {
		s.Flash(w, "flash.community_created")
	} else {
		s.Flash(w, "flash.community_saved")
	}
	s.Redirect(w, r, kit.CommunityPath(c.ID))
}

func (s *Handlers) AdminCreateCommunity(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageCommunities) {
		return
	}
	s.saveCommunity(w, r, nil)
}

func (s *Handlers) AdminEditCommunity(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffCommunity(w, r)
	if !ok {
		return
	}
	form := url.Values{"name": {c.Name}, "description": {c.Description}, "visibility": {"private"}}
	if c.Public {
		form.Set("visibility", "public")
	}
	for _, p := range c.Places {
		form.Add("places", p.Slug)
	}
	if c.FacilitatorID != nil {
		form.Set("facilitators", strconv.FormatInt(*c.FacilitatorID, 10))
	}
	s.communityForm(w, r, http.StatusOK, &c, form, nil)
}

func (s *Handlers) AdminUpdateCommunity(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffCommunity(w, r)
	if !ok {
		return
	}
	s.saveCommunity(w, r, &c)
}

func (s *Handlers) AdminCloseCommunity(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffCommunity(w, r)
	if !ok {
		return
	}
	closing := r.PostFormValue("action") != "reopen"
	if err := s.Deps.Community.SetCommunityClosed(r.Context(), kit.Info(r).Territory.ID, c.ID, closing); err != nil {
		s.Fail(w, r, err)
		return
	}
	if closing {
		s.Flash(w, "flash.community_closed")
	} else {
		s.Flash(w, "flash.community_reopened")
	}
	s.Redirect(w, r, kit.CommunityPath(c.ID))
}

// ---- A community's page -----------------------------------------------------

type adminCommunityPage struct {
	kit.Base
	Community   cty.Community
	Facilitator string
	Members     []cty.Member
	Pending     []cty.Invitation
	Suggestions []cty.Suggestion
	Ideas       []cty.IdeaRecord
	Initiatives []cty.Initiative
	// Candidates are the ideas it could carry: approved, still open, of its places first.
	Candidates []cty.IdeaRecord
	Meetings   []kit.EventView
	// Events it could take as meetings: upcoming, not a meeting yet.
	Events []events.Event
}

func (s *Handlers) adminCommunityPage(w http.ResponseWriter, r *http.Request, c cty.Community, status int, form url.Values, problems map[string]string) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	p := adminCommunityPage{Base: s.Page(w, r, ""), Community: c}
	p.SetTypedTitle(c.Name)
	var err error
	if c.FacilitatorID != nil {
		if u, err := s.Deps.Auth.UserByID(ctx, *c.FacilitatorID); err == nil {
			p.Facilitator = u.DisplayName()
		}
	}
	if p.Members, err = s.Deps.Community.Members(ctx, t.ID, c.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Accessed(r, privacy.Viewed, "community.members", "community "+strconv.FormatInt(c.ID, 10))
	if p.Pending, err = s.Deps.Community.PendingInvitations(ctx, t.ID, c.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Suggestions, err = s.Deps.Community.Suggestions(ctx, t.ID, c.ID, p.Lang); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Ideas, err = s.Deps.Community.CarriedIdeas(ctx, t.ID, c.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Initiatives, err = s.Deps.Community.Initiatives(ctx, t.ID, cty.InitiativeFilter{CommunityID: c.ID}); err != nil {
		s.Fail(w, r, err)
		return
	}
	carried := map[int64]bool{}
	for _, i := range p.Ideas {
		carried[i.ID] = true
	}
	all, err := s.Deps.Community.List(ctx, t.ID, cty.Filter{Moderation: cty.Approved, MostSupported: true})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	inPlaces := map[string]bool{}
	for _, pl := range c.Places {
		inPlaces[pl.Name] = true
	}
	var near, far []cty.IdeaRecord
	for _, i := range all {
		if carried[i.ID] || i.Status == cty.Done || i.Status == cty.SetAside {
			continue
		}
		if inPlaces[i.PlaceName] {
			near = append(near, i)
		} else {
			far = append(far, i)
		}
	}
	p.Candidates = append(near, far...)
	meetings, err := s.Deps.Community.Meetings(ctx, t.ID, c.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Meetings = s.meetingViews(meetings)
	upcoming, err := s.Deps.Events.List(ctx, t.ID, events.Filter{From: s.Deps.Events.Now(), Limit: 100})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	taken, err := s.Deps.Community.MeetingEvents(ctx, t.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, ev := range upcoming {
		if ev.CancelledAt == nil && !taken[ev.ID] {
			p.Events = append(p.Events, ev)
		}
	}
	p.Form, p.Errors = form, problems
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if p.Form.Get("met_shown") == "" {
		p.Form.Set("met_shown", cty.ShowNothing) // nothing shown unless the person chose it
	}
	s.Render(w, r, status, "admin_community", p)
}

func (s *Handlers) AdminCommunity(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.staffCommunity(w, r); ok {
		s.adminCommunityPage(w, r, c, http.StatusOK, nil, nil)
	}
}

// AdminInvite invites the people ticked among the suggestions and those
// typed, one address per line. A line that is not an address stops the
// whole batch, so that nobody is invited twice once it is corrected.
func (s *Handlers) AdminInvite(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffCommunity(w, r)
	if !ok {
		return
	}
	ri := kit.Info(r)
	people, bad := cty.ParseInvitees(r.PostFormValue("emails"))
	if len(bad) > 0 {
		p := map[string]string{"emails": "errors.invite_bad_lines"}
		s.adminCommunityPageBad(w, r, c, bad, p)
		return
	}
	if picked := r.PostForm["suggested"]; len(picked) > 0 {
		sugg, err := s.Deps.Community.Suggestions(r.Context(), ri.Territory.ID, c.ID, ri.Lang)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, sg := range sugg {
			for _, e := range picked {
				if e == sg.Email {
					people = append(people, cty.Invitee{Name: sg.Name, Email: sg.Email})
				}
			}
		}
	}
	res, err := s.Deps.Community.Invite(r.Context(), ri.Territory.ID, c.ID, ri.Principal.User.ID, people, ri.Lang)
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) {
			s.adminCommunityPage(w, r, c, status, r.PostForm, problems)
		})
		return
	}
	if len(res.Members) > 0 && len(res.Sent) == 0 {
		s.Flash(w, "flash.community_already_members")
	} else {
		s.Flash(w, "flash.community_invited")
	}
	s.Redirect(w, r, kit.CommunityPath(c.ID)+"#invitations")
}

// adminCommunityPageBad shows the lines that were not addresses.
func (s *Handlers) adminCommunityPageBad(w http.ResponseWriter, r *http.Request, c cty.Community, bad []string, problems map[string]string) {
	r.PostForm.Set("bad_lines", strings.Join(bad, " · "))
	s.adminCommunityPage(w, r, c, http.StatusUnprocessableEntity, r.PostForm, problems)
}

// onItem runs a staff action on the community's item named by the path's
// {name}, then goes back to the page's section with flash.
func (s *Handlers) onItem(w http.ResponseWriter, r *http.Request, name, flash, section string,
	do func(ctx context.Context, tid, cid, id int64) error) {
	c, ok := s.staffCommunity(w, r)
	if !ok {
		return
	}
	s.Done(w, r, do(r.Context(), kit.Info(r).Territory.ID, c.ID, kit.PathID(r, name)), flash, kit.CommunityPath(c.ID)+"#"+section)
}

// withChosen runs a staff action on the item chosen in the form's field
// (an id); none chosen shows the page again with problem on the field.
func (s *Handlers) withChosen(w http.ResponseWriter, r *http.Request, field, problem, flash, section string,
	do func(ctx context.Context, tid, cid, id int64) error) {
	c, ok := s.staffCommunity(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PostFormValue(field), 10, 64)
	if id <= 0 {
		s.adminCommunityPage(w, r, c, http.StatusUnprocessableEntity, r.PostForm, map[string]string{field: problem})
		return
	}
	s.Done(w, r, do(r.Context(), kit.Info(r).Territory.ID, c.ID, id), flash, kit.CommunityPath(c.ID)+"#"+section)
}

func (s *Handlers) AdminRevokeInvitation(w http.ResponseWriter, r *http.Request) {
	s.onItem(w, r, "inv", "flash.community_invitation_revoked", "invitations", s.Deps.Community.RevokeInvitation)
}

func (s *Handlers) AdminRemoveMember(w http.ResponseWriter, r *http.Request) {
	s.onItem(w, r, "member", "flash.community_member_removed", "membres", s.Deps.Community.RemoveMember)
}

// AdminAddPersonMet adds a person without an e-mail whom staff met, with
// what the other members may see of them. The form's fields are prefixed
// with met_ (the page holds other forms).
func (s *Handlers) AdminAddPersonMet(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffCommunity(w, r)
	if !ok {
		return
	}
	ri := kit.Info(r)
	f := r.PostForm
	_, existing, err := s.Deps.Community.AddPersonMet(r.Context(), ri.Territory.ID, c.ID, ri.Principal.User.ID, cty.PersonMet{
		Name: f.Get("met_name"), Phone: f.Get("met_phone"), Shown: f.Get("met_shown"), Agreed: f.Get("met_agreed") == "1"})
	if e, ok := errs.As(err); ok {
		s.adminCommunityPage(w, r, c, kit.StatusOf(e.Code), f, kit.FormProblems(e, func(k string) string { return "met_" + k }))
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	if existing {
		s.Flash(w, "flash.community_person_updated")
	} else {
		s.Flash(w, "flash.community_person_added")
	}
	s.Redirect(w, r, kit.CommunityPath(c.ID)+"#membres")
}

func (s *Handlers) AdminCarryIdea(w http.ResponseWriter, r *http.Request) {
	s.withChosen(w, r, "idea", "errors.idea_choose", "flash.community_idea_added", "idees",
		func(ctx context.Context, tid, cid, id int64) error {
			return s.Deps.Community.CarryIdea(ctx, tid, cid, id, kit.Info(r).Principal.User.ID)
		})
}

func (s *Handlers) AdminDropIdea(w http.ResponseWriter, r *http.Request) {
	s.onItem(w, r, "idea", "flash.community_idea_dropped", "idees", s.Deps.Community.DropIdea)
}

func (s *Handlers) AdminAddMeeting(w http.ResponseWriter, r *http.Request) {
	s.withChosen(w, r, "event", "errors.event_choose", "flash.community_meeting_added", "rencontres", s.Deps.Community.AddMeeting)
}

func (s *Handlers) AdminRemoveMeeting(w http.ResponseWriter, r *http.Request) {
	s.onItem(w, r, "event", "flash.community_meeting_removed", "rencontres", s.Deps.Community.RemoveMeeting)
}
