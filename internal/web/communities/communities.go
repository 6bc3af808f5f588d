// Package communities serves the communautés de partage: the public list, a
// community's space for its members, joining by request or invitation, and
// their care by staff.
package communities

import (
	"context"
	"embed"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	cty "implique/internal/community"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/export"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

// Communautés de partage, as citizens see them: the public list, a
// community's page (its shared space for members and staff), joining by
// an invitation link or a request, sharing settings, posts, resources, and
// leaving at any time.

func communityPath(c cty.Community) string { return "/communautes/" + c.Slug }

type communitiesPage struct {
	kit.Base
	Public []cty.Community
	Mine   []cty.Community
}

func (s *Handlers) Communities(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	p := communitiesPage{Base: s.Page(w, r, "community.title")}
	var err error
	if p.Public, err = s.Deps.Community.Communities(ctx, t.ID, cty.CommunityFilter{PublicOnly: true}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if u := kit.Info(r).Principal.User; u != nil {
		if p.Mine, err = s.Deps.Community.Communities(ctx, t.ID, cty.CommunityFilter{MemberID: u.ID}); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	s.Render(w, r, http.StatusOK, "communities", p)
}

// communityAccess is what the request may see of a community.
type communityAccess struct {
	Community cty.Community
	// Member is the signed-in person's membership, nil when they are not a member.
	Member *cty.Member
	// Staff may moderate the space and manage the community.
	Staff bool
}

// Inside reports whether the shared space is open to the request.
func (a communityAccess) Inside() bool { return a.Member != nil || a.Staff }

// communityFor finds the community of the URL's {slug} and what the request
// may see of it. A private community is shown to its members and staff
// only: anyone else gets a 404 (or the sign-in page when nobody is signed
// in, whether the community exists or not).
func (s *Handlers) communityFor(w http.ResponseWriter, r *http.Request) (communityAccess, bool) {
	ri := kit.Info(r)
	var a communityAccess
	c, err := s.Deps.Community.CommunityBySlug(r.Context(), ri.Territory.ID, r.PathValue("slug"))
	if err != nil && !errs.Is(err, errs.NotFound) {
		s.Fail(w, r, err)
		return a, false
	}
	a.Community = c
	a.Staff = s.Can(r, auth.ManageCommunities)
	if err == nil && ri.Principal.User != nil {
		m, err := s.Deps.Community.Membership(r.Context(), ri.Territory.ID, c.ID, ri.Principal.User.ID)
		switch {
		case err == nil:
			a.Member = &m
		case !errs.Is(err, errs.NotFound):
			s.Fail(w, r, err)
			return a, false
		}
	}
	if err != nil || (!c.Public && !a.Inside()) {
		if !ri.Principal.SignedIn() {
			s.Forbid(w, r)
		} else {
			s.RenderError(w, r, http.StatusNotFound, "errors.community_not_found")
		}
		return a, false
	}
	return a, true
}

type communityPage struct {
	kit.Base
	communityAccess
	Ideas []cty.IdeaRecord
	// Initiatives born from the community (published ones, unless staff look).
	Initiatives []cty.Initiative
	Meetings    []kit.EventView
	Posts       []cty.Post
	Resources   []cty.Resource
	Contacts    []cty.Contact
	Others      int
	// Categories of resources, in display order.
	Categories []string
	Now        time.Time
}

func (s *Handlers) communityPage(w http.ResponseWriter, r *http.Request, a communityAccess, status int, form url.Values, problems map[string]string) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	c := a.Community
	p := communityPage{Base: s.Page(w, r, ""), communityAccess: a, Categories: cty.ResourceCategories, Now: s.Deps.Events.Now()}
	p.SetTypedTitle(c.Name)
	var err error
	if p.Ideas, err = s.Deps.Community.CarriedIdeas(ctx, t.ID, c.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Initiatives, err = s.Deps.Community.Initiatives(ctx, t.ID, cty.InitiativeFilter{CommunityID: c.ID, PublishedOnly: true}); err != nil {
		s.Fail(w, r, err)
		return
	}
	meetings, err := s.Deps.Community.Meetings(ctx, t.ID, c.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, ev := range meetings {
		// Outsiders see the meetings anyone may see; members every one that is published.
		if ev.Public(p.Now) || (a.Inside() && ev.PublishAt != nil) || a.Staff {
			p.Meetings = append(p.Meetings, s.EventView(ev))
		}
	}
	if a.Inside() {
		if p.Posts, err = s.Deps.Community.Posts(ctx, t.ID, c.ID, 50); err != nil {
			s.Fail(w, r, err)
			return
		}
		if p.Resources, err = s.Deps.Community.Resources(ctx, t.ID, c.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		if p.Contacts, p.Others, err = s.Deps.Community.Directory(ctx, t.ID, c.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if form == nil {
		form = url.Values{"category": {cty.Tool}}
		if a.Member != nil {
			form.Set("share_name_value", a.Member.Sharing.Name)
			if a.Member.Sharing.ShowName {
				form.Set("show_name", "1")
			}
			if a.Member.Sharing.ShowEmail {
				form.Set("show_email", "1")
			}
			form.Set("phone", a.Member.Sharing.Phone)
		} else if u := kit.Info(r).Principal.User; u != nil {
			form.Set("name", u.Name)
			form.Set("email", u.Email)
		}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "community", p)
}

func (s *Handlers) Community(w http.ResponseWriter, r *http.Request) {
	if a, ok := s.communityFor(w, r); ok {
		s.communityPage(w, r, a, http.StatusOK, nil, nil)
	}
}

// communityProblem re-renders the community page with a form's problems.
func (s *Handlers) communityProblem(w http.ResponseWriter, r *http.Request, a communityAccess, err error) {
	e, ok := errs.As(err)
	if !ok {
		s.Fail(w, r, err)
		return
	}
	s.communityPage(w, r, a, kit.StatusOf(e.Code), r.PostForm, kit.FormProblems(e, nil))
}

// AskToJoin e-mails a confirmation link to a visitor who wants to join a
// public community.
func (s *Handlers) AskToJoin(w http.ResponseWriter, r *http.Request) {
	a, ok := s.communityFor(w, r)
	if !ok {
		return
	}
	if !s.AllowPublicForm(w, r) {
		return
	}
	err := s.Deps.Community.AskToJoin(r.Context(), kit.Info(r).Territory.ID, a.Community.ID,
		cty.Invitee{Name: r.PostFormValue("name"), Email: r.PostFormValue("email")}, kit.Info(r).Lang)
	if err != nil {
		s.communityProblem(w, r, a, err)
		return
	}
	s.Confirm(w, r, "flash.community_check_email", communityPath(a.Community))
}

// ---- Joining by an invitation link --------------------------------------

type joinPage struct {
	kit.Base
	Invitation cty.Invitation
	Community  cty.Community
	Token      string
	// OtherAccount is true when someone else is signed in on this browser.
	OtherAccount bool
}

func (s *Handlers) communityJoinPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	ri := kit.Info(r)
	tok := r.PathValue("token")
	inv, c, err := s.Deps.Community.InvitationByToken(r.Context(), ri.Territory.ID, tok)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := joinPage{Base: s.Page(w, r, ""), Invitation: inv, Community: c, Token: tok}
	p.SetTitle("community.join_title", c.Name)
	if u := ri.Principal.User; u != nil && u.Email != inv.Email {
		p.OtherAccount = true
	}
	if form == nil {
		form = url.Values{"share_name_value": {inv.Name}}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "community_join", p)
}

// CommunityJoinLanding shows the invitation and the sharing choices: opening the
// link alone (a mail scanner) changes nothing.
func (s *Handlers) CommunityJoinLanding(w http.ResponseWriter, r *http.Request) {
	s.communityJoinPage(w, r, http.StatusOK, nil, nil)
}

func sharingOf(f url.Values) cty.Sharing {
	return cty.Sharing{Name: f.Get("share_name_value"), ShowName: f.Get("show_name") == "1",
		ShowEmail: f.Get("show_email") == "1", Phone: f.Get("phone")}
}

// JoinCommunity accepts an invitation: the person's account (created when they have
// none: the link proves the address is theirs) becomes a member. A
// citizen's account is signed in on the way; an account that can do more
// (staff, a password) signs in the usual way, so that an invitation link
// never opens more than a citizen's space.
func (s *Handlers) JoinCommunity(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ri := kit.Info(r)
	tok := r.PathValue("token")
	counted, blocked := s.LinkUse(w, r)
	if blocked {
		return
	}
	inv, c, err := s.Deps.Community.InvitationByToken(ctx, ri.Territory.ID, tok)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Forgive(r, counted)
	if u := ri.Principal.User; u != nil && u.Email != inv.Email {
		s.communityJoinPage(w, r, http.StatusConflict, r.PostForm, map[string]string{"": "errors.invitation_other_account"})
		return
	}
	sh := sharingOf(r.PostForm)
	// Check the answers before creating any account.
	if strings.TrimSpace(sh.Name) == "" {
		s.communityJoinPage(w, r, http.StatusUnprocessableEntity, r.PostForm, map[string]string{"share_name_value": "errors.required"})
		return
	}
	// The account (the first time) and the membership: both, or neither.
	var u *auth.User
	err = s.Deps.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		u, _, err = s.Deps.Auth.AccountTx(ctx, tx, auth.NewUser{Email: inv.Email, Name: sh.Name, Locale: ri.Lang}, ri.Territory.ID)
		if err != nil {
			return err
		}
		if u.Disabled() {
			return errs.New(errs.Forbidden, "errors.forbidden")
		}
		_, err = s.Deps.Community.AcceptTx(ctx, tx, ri.Territory.ID, tok, u.ID, sh)
		return err
	})
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		problems := map[string]string{}
		for k, v := range e.Fields {
			if k == "name" {
				k = "share_name_value"
			}
			problems[k] = v
		}
		s.communityJoinPage(w, r, kit.StatusOf(e.Code), r.PostForm, problems)
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, "flash.community_joined")
	if ri.Principal.User != nil {
		s.Redirect(w, r, communityPath(c))
		return
	}
	roles, err := s.Deps.Auth.RolesOf(ctx, u.ID, ri.Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	citizenOnly := !u.HasPassword
	for _, role := range roles {
		citizenOnly = citizenOnly && role == auth.RoleCitizen
	}
	if !citizenOnly {
		s.Confirm(w, r, "flash.community_joined_sign_in", "/connexion?retour="+url.QueryEscape(communityPath(c)))
		return
	}
	sess, err := s.Deps.Auth.CreateSession(ctx, u.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.SetSessionCookie(w, sess)
	s.Redirect(w, r, communityPath(c))
}

// ---- Inside the space ---------------------------------------------------

// insideFor is communityFor for the actions of members and staff.
func (s *Handlers) insideFor(w http.ResponseWriter, r *http.Request) (communityAccess, bool) {
	a, ok := s.communityFor(w, r)
	if !ok {
		return a, false
	}
	if !a.Inside() {
		if !kit.Info(r).Principal.SignedIn() {
			s.Forbid(w, r)
		} else {
			s.RenderError(w, r, http.StatusForbidden, "errors.not_a_member")
		}
		return a, false
	}
	return a, true
}

func (s *Handlers) SaveSharing(w http.ResponseWriter, r *http.Request) {
	a, ok := s.insideFor(w, r)
	if !ok {
		return
	}
	if a.Member == nil {
		s.RenderError(w, r, http.StatusForbidden, "errors.not_a_member")
		return
	}
	err := s.Deps.Community.SetSharing(r.Context(), kit.Info(r).Territory.ID, a.Community.ID, a.Member.UserID, sharingOf(r.PostForm))
	if err != nil {
		if e, ok := errs.As(err); ok && e.Fields["name"] != "" {
			e.Fields["share_name_value"] = e.Fields["name"]
			delete(e.Fields, "name")
		}
		s.communityProblem(w, r, a, err)
		return
	}
	s.Confirm(w, r, "flash.community_sharing_saved", communityPath(a.Community)+"#partage")
}

func (s *Handlers) AddPost(w http.ResponseWriter, r *http.Request) {
	a, ok := s.insideFor(w, r)
	if !ok {
		return
	}
	// Staff may also send the news to every member by e-mail.
	email := a.Staff && r.PostFormValue("email_members") == "1"
	_, err := s.Deps.Community.AddPost(r.Context(), kit.Info(r).Territory.ID, a.Community.ID, kit.Info(r).Principal.User.ID,
		r.PostFormValue("body"), email, kit.Info(r).Lang)
	if err != nil {
		s.communityProblem(w, r, a, err)
		return
	}
	s.Confirm(w, r, "flash.community_posted", communityPath(a.Community)+"#nouvelles")
}

func (s *Handlers) RemovePost(w http.ResponseWriter, r *http.Request) {
	s.removeShared(w, r, func(ctx context.Context, tid, cid, id int64) (int64, error) {
		p, err := s.Deps.Community.Post(ctx, tid, cid, id)
		return p.AuthorID, err
	}, s.Deps.Community.RemovePost, "flash.community_post_removed", "#nouvelles")
}

// removeShared takes a post or a resource out of the space: only the
// person who shared it, or staff, may. owner returns who shared the {id}
// of the URL.
func (s *Handlers) removeShared(w http.ResponseWriter, r *http.Request, owner func(ctx context.Context, tid, cid, id int64) (int64, error),
	remove func(ctx context.Context, tid, cid, id int64) error, flashKey, anchor string) {
	a, ok := s.insideFor(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	tid, id := kit.Info(r).Territory.ID, kit.PathID(r, "id")
	by, err := owner(ctx, tid, a.Community.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if by != kit.Info(r).Principal.User.ID && !a.Staff {
		s.RenderError(w, r, http.StatusForbidden, "errors.forbidden")
		return
	}
	s.Done(w, r, remove(ctx, tid, a.Community.ID, id), flashKey, communityPath(a.Community)+anchor)
}

// AddResource shares a link or a file (a form sent as multipart).
func (s *Handlers) AddResource(w http.ResponseWriter, r *http.Request) {
	a, ok := s.insideFor(w, r)
	if !ok {
		return
	}
	// The form was read, within its limit, before this handler (withReadableInput).
	in := cty.ResourceInput{Category: r.PostFormValue("category"), Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), URL: r.PostFormValue("url")}
	if f, h, err := r.FormFile("file"); err == nil {
		data, err := io.ReadAll(io.LimitReader(f, cty.MaxFileSize+1))
		f.Close()
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		in.FileName, in.Data = h.Filename, data
	}
	_, err := s.Deps.Community.AddResource(r.Context(), kit.Info(r).Territory.ID, a.Community.ID, kit.Info(r).Principal.User.ID, in)
	if err != nil {
		s.communityProblem(w, r, a, err)
		return
	}
	s.Confirm(w, r, "flash.community_resource_added", communityPath(a.Community)+"#ressources")
}

// ResourceFile downloads a shared file (members and staff only).
func (s *Handlers) ResourceFile(w http.ResponseWriter, r *http.Request) {
	a, ok := s.insideFor(w, r)
	if !ok {
		return
	}
	res, data, err := s.Deps.Community.File(r.Context(), kit.Info(r).Territory.ID, a.Community.ID, kit.PathID(r, "id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", res.ContentType)
	w.Header().Set("Content-Disposition", export.ContentDisposition(res.FileName))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

func (s *Handlers) RemoveResource(w http.ResponseWriter, r *http.Request) {
	s.removeShared(w, r, func(ctx context.Context, tid, cid, id int64) (int64, error) {
		res, err := s.Deps.Community.Resource(ctx, tid, cid, id)
		return res.AddedBy, err
	}, s.Deps.Community.RemoveResource, "flash.community_resource_removed", "#ressources")
}

// ---- Leaving ------------------------------------------------------------

type leavePage struct {
	kit.Base
	Community cty.Community
}

func (s *Handlers) LeaveForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.insideFor(w, r)
	if !ok {
		return
	}
	if a.Member == nil {
		s.RenderError(w, r, http.StatusForbidden, "errors.not_a_member")
		return
	}
	p := leavePage{Base: s.Page(w, r, ""), Community: a.Community}
	p.SetTitle("community.leave_title", a.Community.Name)
	s.Render(w, r, http.StatusOK, "community_leave", p)
}

func (s *Handlers) Leave(w http.ResponseWriter, r *http.Request) {
	a, ok := s.insideFor(w, r)
	if !ok {
		return
	}
	if a.Member == nil {
		s.RenderError(w, r, http.StatusForbidden, "errors.not_a_member")
		return
	}
	s.Done(w, r, s.Deps.Community.LeaveCommunity(r.Context(), kit.Info(r).Territory.ID, a.Community.ID, a.Member.UserID), "flash.community_left", "/communautes")
}

// meetingsOf turns events into views (used by staff pages too).
func (s *Handlers) meetingViews(evs []events.Event) []kit.EventView {
	out := make([]kit.EventView, 0, len(evs))
	for _, ev := range evs {
		out = append(out, s.EventView(ev))
	}
	return out
}
