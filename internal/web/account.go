package web

import (
	"net/http"
	"net/url"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/errs"
)

type accountPage struct {
	Base
	User  *auth.User
	Roles []auth.Role
	// Communities are those the person belongs to.
	Communities []community.Community
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := info(r)
	u, err := s.deps.Auth.UserByID(r.Context(), ri.principal.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := accountPage{Base: s.base(w, r, "account.title"), User: u, Roles: ri.principal.Roles}
	if p.Communities, err = s.deps.Community.Communities(r.Context(), ri.territory.ID, community.CommunityFilter{MemberID: u.ID}); err != nil {
		s.fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"name": {u.Name}, "locale": {u.Locale}}
	}
	p.Form, p.Errors = form, problems
	s.render(w, r, status, "account", p)
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return
	}
	s.accountPage(w, r, http.StatusOK, nil, nil)
}

func (s *Server) saveAccount(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return
	}
	_ = r.ParseForm()
	err := s.deps.Auth.UpdateProfile(r.Context(), info(r).principal.User.ID, r.PostFormValue("name"), r.PostFormValue("locale"))
	if e, ok := errs.As(err); ok {
		s.accountPage(w, r, statusOf(e.Code), r.PostForm, e.Fields)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.saved")
	s.redirect(w, r, "/compte")
}

func (s *Server) savePassword(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return
	}
	pw, again := r.PostFormValue("password"), r.PostFormValue("password_again")
	if pw != again {
		s.accountPage(w, r, http.StatusUnprocessableEntity, nil, map[string]string{"password_again": "errors.password_mismatch"})
		return
	}
	err := s.deps.Auth.SetPassword(r.Context(), info(r).principal.User.ID, pw)
	if e, ok := errs.As(err); ok {
		s.accountPage(w, r, statusOf(e.Code), nil, e.Fields)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.password_saved")
	s.redirect(w, r, "/compte")
}
