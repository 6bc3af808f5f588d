// Package committee serves the partners' committee: the partners' space
// (/partenaires/comite: members, meetings, published minutes, decisions
// and follow-ups, documents) and the staff's pages that keep it
// (/admin/comite). Partners never see a citizen's personal data here: a
// meeting's attendance is a count, and no e-mail nor phone is shown.
package committee

import (
	"embed"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"implique/internal/auth"
	cmt "implique/internal/committee"
	"implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

func (h *Handlers) store() *cmt.Store { return h.Deps.Committee }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// meetingPath is a meeting's page in the partners' space.
func meetingPath(mid int64) string { return "/partenaires/comite/rencontres/" + id(mid) }

// adminMeetingPath is a meeting's staff page.
func adminMeetingPath(mid int64) string { return "/admin/comite/rencontres/" + id(mid) }

func staffID(r *http.Request) int64 {
	if u := kit.Info(r).Principal.User; u != nil {
		return u.ID
	}
	return 0
}

// pageBase is what every page of the committee shows besides its own.
type pageBase struct {
	kit.Base
	// CanManage opens the staff's pages.
	CanManage bool
	// Admin draws the staff's links and forms.
	Admin bool
	Now   time.Time
	// MeetingID is the meeting a page is about (0: none).
	MeetingID int64
}

// Upcoming reports whether a meeting is still to come.
func (p pageBase) Upcoming(m cmt.Meeting) bool { return !m.Past(p.Now) }

// Since is the day a member joined, in the page's language.
func (p pageBase) Since(m cmt.Member) string { return p.CivilDate(m.JoinedOn) }

// AllMeetings are the meetings, the soonest to come first.
func (p spacePage) AllMeetings() []cmt.Meeting {
	return append(append([]cmt.Meeting{}, p.Upcoming...), p.Past...)
}

// ---- The partners' space --------------------------------------------------

// spacePage is the committee's space.
type spacePage struct {
	pageBase
	Members   []cmt.Member
	Former    []cmt.Member
	Upcoming  []cmt.Meeting
	Past      []cmt.Meeting
	FollowUps []cmt.Item
	Documents []cmt.Document
}

func (h *Handlers) base(w http.ResponseWriter, r *http.Request, titleKey string) pageBase {
	return pageBase{Base: h.Page(w, r, titleKey), CanManage: h.Can(r, auth.ManageCommittee), Now: h.Deps.Now()}
}

// Space is the committee's space for partners (and staff).
func (h *Handlers) Space(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ReadCommittee) {
		return
	}
	p := spacePage{pageBase: h.base(w, r, "committee.title")}
	// Staff see here what partners see: the follow-ups of published minutes.
	if err := h.fill(r, &p, true); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "committee", p)
}

// fill loads the members, meetings, open follow-ups and documents;
// partnersOnly keeps the follow-ups of published minutes only.
func (h *Handlers) fill(r *http.Request, p *spacePage, partnersOnly bool) error {
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	ms, err := h.store().Members(ctx, tid)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Active() {
			p.Members = append(p.Members, m)
		} else {
			p.Former = append(p.Former, m)
		}
	}
	meetings, err := h.store().Meetings(ctx, tid)
	if err != nil {
		return err
	}
	for _, m := range meetings {
		if m.Past(p.Now) {
			p.Past = append(p.Past, m)
		} else {
			p.Upcoming = append([]cmt.Meeting{m}, p.Upcoming...) // the soonest first
		}
	}
	if p.FollowUps, err = h.store().OpenFollowUps(ctx, tid, partnersOnly); err != nil {
		return err
	}
	p.Documents, err = h.store().Documents(ctx, tid, 0)
	return err
}

// meetingPage is one meeting.
type meetingPage struct {
	pageBase
	Meeting   cmt.Meeting
	Decisions []cmt.Item
	FollowUps []cmt.Item
	Documents []cmt.Document
	// Minutes are shown: published, or to staff.
	ShowMinutes bool
	Kinds       []string
}

func (h *Handlers) meetingPage(w http.ResponseWriter, r *http.Request, action auth.Action) (meetingPage, bool) {
	m, ok := kit.Load(h.Kit, w, r, action, h.store().Meeting)
	if !ok {
		return meetingPage{}, false
	}
	p := meetingPage{pageBase: h.base(w, r, ""), Meeting: m, Kinds: cmt.ItemKinds}
	p.MeetingID, p.Admin = m.ID, action == auth.ManageCommittee
	p.SetEventTitle("", m.Event)
	p.ShowMinutes = m.Published() || p.CanManage
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	items, err := h.store().Items(ctx, tid, m.ID)
	if err != nil {
		h.Fail(w, r, err)
		return p, false
	}
	if p.ShowMinutes {
		for _, it := range items {
			if it.Kind == cmt.Decision {
				p.Decisions = append(p.Decisions, it)
			} else {
				p.FollowUps = append(p.FollowUps, it)
			}
		}
	}
	if p.Documents, err = h.store().Documents(ctx, tid, m.ID); err != nil {
		h.Fail(w, r, err)
		return p, false
	}
	return p, true
}

// Meeting is a meeting for partners: its agenda, its published minutes,
// decisions and follow-ups, the count of people present, its documents.
func (h *Handlers) Meeting(w http.ResponseWriter, r *http.Request) {
	p, ok := h.meetingPage(w, r, auth.ReadCommittee)
	if !ok {
		return
	}
	if h.Can(r, auth.ManageCommittee) && !p.Meeting.Published() {
		// Staff read the draft on their own page, never mistaken for what partners see.
		p.ShowMinutes, p.Decisions, p.FollowUps = false, nil, nil
	}
	h.Render(w, r, http.StatusOK, "committee_meeting", p)
}

// Document downloads a document shared with the committee.
func (h *Handlers) Document(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ReadCommittee) {
		return
	}
	d, data, err := h.store().Document(r.Context(), kit.Info(r).Territory.ID, kit.PathID(r, "id"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	kit.SendFile(w, d.ContentType, d.FileName, data)
}

// ---- Staff ----------------------------------------------------------------

// adminPage is the staff's page of the committee.
type adminPage struct {
	spacePage
	Orgs     []orgs.OrgRef
	Partners []auth.Member
	Places   []kit.PlaceOption
	// Section names the form the problems belong to (membre, rencontre, document).
	Section string
}

// Admin is the committee's page for staff: members, meetings, documents.
func (h *Handlers) Admin(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommittee) {
		return
	}
	h.Accessed(r, privacy.Viewed, cmt.PrivacyMembers, "committee")
	h.renderAdmin(w, r, http.StatusOK, "", nil)
}

func (h *Handlers) renderAdmin(w http.ResponseWriter, r *http.Request, status int, section string, problems map[string]string) {
	p := adminPage{spacePage: spacePage{pageBase: h.base(w, r, "committee.admin.title")}, Section: section}
	p.Admin = true
	if err := h.fill(r, &p.spacePage, false); err != nil {
		h.Fail(w, r, err)
		return
	}
	if err := h.options(r, &p); err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Errors, p.Form = problems, r.PostForm
	if p.Form == nil {
		p.Form = url.Values{"title": {h.Cat.T("fr", "event.kind.partners_meeting")}, "start": {"13:30"}, "end": {"15:30"}}
	}
	h.Render(w, r, status, "admin_committee", p)
}

// options loads the choices of the staff's forms.
func (h *Handlers) options(r *http.Request, p *adminPage) error {
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	var err error
	if p.Orgs, err = h.Deps.Orgs.Options(ctx, tid); err != nil {
		return err
	}
	members, err := h.Deps.Auth.Members(ctx, tid)
	if err != nil {
		return err
	}
	for _, m := range members {
		for _, role := range m.Roles {
			if role == auth.RolePartner {
				p.Partners = append(p.Partners, m)
				break
			}
		}
	}
	p.Places, err = h.PlaceOptions(r)
	return err
}

func formID(form url.Values, name string) int64 {
	n, _ := strconv.ParseInt(form.Get(name), 10, 64)
	return n
}

func memberInput(form url.Values) cmt.MemberInput {
	return cmt.MemberInput{OrganizationID: formID(form, "organization"), OrganizationName: form.Get("organization_name"),
		Representative: form.Get("representative"), Title: form.Get("role"), UserID: formID(form, "account"),
		JoinedOn: form.Get("joined_on")}
}

// memberField names the member form's field of a store's problem: the
// representative's role is "role" (the page's meeting form has a title).
func memberField(f string) string {
	if f == "title" {
		return "role"
	}
	return f
}

// AddMember seats an organisation on the committee.
func (h *Handlers) AddMember(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommittee) {
		return
	}
	_, err := h.store().AddMember(r.Context(), kit.Info(r).Territory.ID, memberInput(r.PostForm))
	if err != nil {
		h.RefuseOn(w, r, err, memberField, func(status int, problems map[string]string) { h.renderAdmin(w, r, status, "membre", problems) })
		return
	}
	h.Confirm(w, r, "committee.flash.member_added", "/admin/comite#membres")
}

// memberPage edits one member.
type memberPage struct {
	adminPage
	Member cmt.Member
}

// MemberForm shows a member's form.
func (h *Handlers) MemberForm(w http.ResponseWriter, r *http.Request) {
	m, ok := kit.Load(h.Kit, w, r, auth.ManageCommittee, h.store().Member)
	if !ok {
		return
	}
	h.Accessed(r, privacy.Viewed, cmt.PrivacyMembers, "member "+id(m.ID))
	form := url.Values{"organization_name": {m.Organization}, "representative": {m.Representative}, "role": {m.Title},
		"joined_on": {m.JoinedOn.String()}}
	if m.OrganizationID != nil {
		form.Set("organization", id(*m.OrganizationID))
		form.Del("organization_name")
	}
	if m.UserID != nil {
		form.Set("account", id(*m.UserID))
	}
	h.renderMember(w, r, m, http.StatusOK, form, nil)
}

func (h *Handlers) renderMember(w http.ResponseWriter, r *http.Request, m cmt.Member, status int, form url.Values, problems map[string]string) {
	p := memberPage{adminPage: adminPage{spacePage: spacePage{pageBase: h.base(w, r, "")}}, Member: m}
	p.Admin = true
	p.SetTitle("committee.member.edit_title", m.Organization)
	if err := h.options(r, &p.adminPage); err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Errors, p.Form = problems, form
	h.Render(w, r, status, "admin_committee_member", p)
}

// SaveMember saves a member's form.
func (h *Handlers) SaveMember(w http.ResponseWriter, r *http.Request) {
	m, ok := kit.Load(h.Kit, w, r, auth.ManageCommittee, h.store().Member)
	if !ok {
		return
	}
	err := h.store().UpdateMember(r.Context(), kit.Info(r).Territory.ID, m.ID, memberInput(r.PostForm))
	if err != nil {
		h.RefuseOn(w, r, err, memberField, func(status int, problems map[string]string) { h.renderMember(w, r, m, status, r.PostForm, problems) })
		return
	}
	h.Confirm(w, r, "committee.flash.member_saved", "/admin/comite#membres")
}

// MemberLeft records that a member left the committee.
func (h *Handlers) MemberLeft(w http.ResponseWriter, r *http.Request) {
	m, ok := kit.Load(h.Kit, w, r, auth.ManageCommittee, h.store().Member)
	if !ok {
		return
	}
	err := h.store().MemberLeft(r.Context(), kit.Info(r).Territory.ID, m.ID, r.PostForm.Get("left_on"))
	if err != nil {
		h.RefuseOn(w, r, err, memberField, func(status int, problems map[string]string) { h.renderMember(w, r, m, status, r.PostForm, problems) })
		return
	}
	h.Confirm(w, r, "committee.flash.member_left", "/admin/comite#membres")
}

// CreateMeeting plans a meeting and its event.
func (h *Handlers) CreateMeeting(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommittee) {
		return
	}
	f := r.PostForm
	m, err := h.store().CreateMeeting(r.Context(), kit.Info(r).Territory.ID, staffID(r), cmt.MeetingInput{Title: f.Get("title"),
		Date: f.Get("date"), Start: f.Get("start"), End: f.Get("end"), PlaceSlug: f.Get("place"), VenueName: f.Get("venue_name"),
		VenueAddress: f.Get("venue_address"), Agenda: f.Get("agenda")})
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) { h.renderAdmin(w, r, status, "rencontre", problems) })
		return
	}
	h.Confirm(w, r, "committee.flash.meeting_created", adminMeetingPath(m.ID))
}

// AdminMeeting is a meeting's staff page: agenda and minutes, their
// publication, decisions and follow-ups, documents.
func (h *Handlers) AdminMeeting(w http.ResponseWriter, r *http.Request) {
	p, ok := h.meetingPage(w, r, auth.ManageCommittee)
	if !ok {
		return
	}
	p.Form = url.Values{"agenda": {p.Meeting.Agenda}, "minutes": {p.Meeting.Minutes}}
	h.Render(w, r, http.StatusOK, "admin_committee_meeting", p)
}

// refuseOnMeeting shows a meeting's staff page again with the problems of
// one of its forms.
func (h *Handlers) refuseOnMeeting(w http.ResponseWriter, r *http.Request, err error) {
	h.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
		p, ok := h.meetingPage(w, r, auth.ManageCommittee)
		if !ok {
			return
		}
		p.Errors, p.Form = problems, r.PostForm
		if p.Form.Get("agenda") == "" && p.Form.Get("minutes") == "" {
			p.Form.Set("agenda", p.Meeting.Agenda)
			p.Form.Set("minutes", p.Meeting.Minutes)
		}
		h.Render(w, r, status, "admin_committee_meeting", p)
	})
}

// SaveNotes saves a meeting's agenda and minutes.
func (h *Handlers) SaveNotes(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommittee) {
		return
	}
	mid := kit.PathID(r, "id")
	err := h.store().SaveNotes(r.Context(), kit.Info(r).Territory.ID, mid, r.PostForm.Get("agenda"), r.PostForm.Get("minutes"))
	if err != nil {
		h.refuseOnMeeting(w, r, err)
		return
	}
	h.Confirm(w, r, "committee.flash.notes_saved", adminMeetingPath(mid))
}

// PublishMinutes lets partners read the minutes (publish=0 takes them back).
func (h *Handlers) PublishMinutes(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommittee) {
		return
	}
	mid, publish := kit.PathID(r, "id"), r.PostForm.Get("publish") != "0"
	err := h.store().PublishMinutes(r.Context(), kit.Info(r).Territory.ID, mid, publish)
	if err != nil {
		h.refuseOnMeeting(w, r, err)
		return
	}
	key := "committee.flash.minutes_published"
	if !publish {
		key = "committee.flash.minutes_withdrawn"
	}
	h.Confirm(w, r, key, adminMeetingPath(mid))
}

// AddItem records a decision or a follow-up.
func (h *Handlers) AddItem(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommittee) {
		return
	}
	mid, f := kit.PathID(r, "id"), r.PostForm
	_, err := h.store().AddItem(r.Context(), kit.Info(r).Territory.ID, mid, cmt.ItemInput{Kind: f.Get("kind"), Body: f.Get("body"),
		Owner: f.Get("owner"), DueOn: f.Get("due_on")})
	if err != nil {
		h.refuseOnMeeting(w, r, err)
		return
	}
	h.Confirm(w, r, "committee.flash.item_added", adminMeetingPath(mid)+"#points")
}

// CompleteItem marks a follow-up done (done=0: not done again).
func (h *Handlers) CompleteItem(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommittee) {
		return
	}
	mid := kit.PathID(r, "id")
	err := h.store().CompleteItem(r.Context(), kit.Info(r).Territory.ID, mid, kit.PathID(r, "item"), r.PostForm.Get("done") != "0",
		r.PostForm.Get("done_on"))
	if err != nil {
		h.refuseOnMeeting(w, r, err)
		return
	}
	h.Confirm(w, r, "committee.flash.item_saved", adminMeetingPath(mid)+"#points")
}

// RemoveItem removes a decision or a follow-up, once confirmed.
func (h *Handlers) RemoveItem(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommittee) {
		return
	}
	mid := kit.PathID(r, "id")
	if r.PostForm.Get("confirm") != "1" {
		h.Redirect(w, r, adminMeetingPath(mid)+"#points")
		return
	}
	err := h.store().RemoveItem(r.Context(), kit.Info(r).Territory.ID, mid, kit.PathID(r, "item"))
	h.Done(w, r, err, "committee.flash.item_removed", adminMeetingPath(mid)+"#points")
}

// AddDocument shares a file with the committee, attached to a meeting
// when the form names one.
func (h *Handlers) AddDocument(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommittee) {
		return
	}
	// The form was read, within its limit, before this handler (WithReadableInput).
	in := cmt.DocumentInput{Title: r.PostFormValue("doc_title"), MeetingID: formID(r.PostForm, "meeting")}
	if f, fh, err := r.FormFile("file"); err == nil {
		data, err := io.ReadAll(io.LimitReader(f, cmt.MaxFileSize+1))
		f.Close()
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		in.FileName, in.Data = fh.Filename, data
	}
	_, err := h.store().AddDocument(r.Context(), kit.Info(r).Territory.ID, staffID(r), in)
	rename := func(f string) string {
		if f == "title" {
			return "doc_title"
		}
		return f
	}
	if err != nil {
		if in.MeetingID != 0 && r.PostForm.Get("from") == "meeting" {
			r.SetPathValue("id", id(in.MeetingID))
			h.RefuseOn(w, r, err, rename, func(status int, problems map[string]string) {
				p, ok := h.meetingPage(w, r, auth.ManageCommittee)
				if !ok {
					return
				}
				p.Errors, p.Form = problems, r.PostForm
				p.Form.Set("agenda", p.Meeting.Agenda)
				p.Form.Set("minutes", p.Meeting.Minutes)
				h.Render(w, r, status, "admin_committee_meeting", p)
			})
			return
		}
		h.RefuseOn(w, r, err, rename, func(status int, problems map[string]string) { h.renderAdmin(w, r, status, "document", problems) })
		return
	}
	to := "/admin/comite#documents"
	if in.MeetingID != 0 && r.PostForm.Get("from") == "meeting" {
		to = adminMeetingPath(in.MeetingID) + "#documents"
	}
	h.Confirm(w, r, "committee.flash.document_added", to)
}

// RemoveDocument removes a document, once confirmed.
func (h *Handlers) RemoveDocument(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommittee) {
		return
	}
	to := kit.LocalPath(r.PostForm.Get("back"))
	if to == "" {
		to = "/admin/comite#documents"
	}
	if r.PostForm.Get("confirm") != "1" {
		h.Redirect(w, r, to)
		return
	}
	err := h.store().RemoveDocument(r.Context(), kit.Info(r).Territory.ID, kit.PathID(r, "id"))
	h.Done(w, r, err, "committee.flash.document_removed", to)
}
