// Package account serves signing in and out (by e-mailed link or password,
// within limits that lock nobody out) and one's own account.
package account

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/errs"
	"implique/internal/training"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

type accountPage struct {
	kit.Base
	User  *auth.User
	Roles []auth.Role
	// Communities are those the person belongs to.
	Communities []community.Community
	// Committee: the person reads the partners' committee's space.
	Committee bool
	// Dashboard: the person reads the partners' dashboard of indicators
	// without the staff area (a partner).
	Dashboard bool
	// Trainings are the person's enrolments under their address, with
	// their cohorts' names.
	Trainings []accountTraining
}

// accountTraining is one of the person's enrolments.
type accountTraining struct {
	training.Enrolment
	Cohort training.Cohort
}

func (s *Handlers) accountPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := kit.Info(r)
	u, err := s.Deps.Auth.UserByID(r.Context(), ri.Principal.User.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := accountPage{Base: s.Page(w, r, "account.title"), User: u, Roles: ri.Principal.Roles}
	p.Committee = s.Can(r, auth.ReadCommittee)
	p.Dashboard = s.Can(r, auth.ReadImpact) && !p.CanStaff()
	if p.Communities, err = s.Deps.Community.Communities(r.Context(), ri.Territory.ID, community.CommunityFilter{MemberID: u.ID}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Trainings, err = s.trainings(r, u.Email); err != nil {
		s.Fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"name": {u.Name}, "locale": {u.Locale}}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "account", p)
}

func (s *Handlers) Account(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	s.accountPage(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) SaveAccount(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	err := s.Deps.Auth.UpdateProfile(r.Context(), kit.Info(r).Principal.User.ID, r.PostFormValue("name"), r.PostFormValue("locale"))
	if err != nil {
		s.RefuseFields(w, r, err, func(status int, problems map[string]string) { s.accountPage(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "flash.saved", "/compte")
}

func (s *Handlers) SavePassword(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	pw, again := r.PostFormValue("password"), r.PostFormValue("password_again")
	if pw != again {
		s.accountPage(w, r, http.StatusUnprocessableEntity, nil, map[string]string{"password_again": "errors.password_mismatch"})
		return
	}
	err := s.Deps.Auth.SetPassword(r.Context(), kit.Info(r).Principal.User.ID, pw)
	if err != nil {
		s.RefuseFields(w, r, err, func(status int, problems map[string]string) { s.accountPage(w, r, status, nil, problems) })
		return
	}
	s.Confirm(w, r, "flash.password_saved", "/compte")
}

// trainings are the enrolments under the account's address.
func (s *Handlers) trainings(r *http.Request, email string) ([]accountTraining, error) {
	if s.Deps.Training == nil {
		return nil, nil
	}
	tid := kit.Info(r).Territory.ID
	list, err := s.Deps.Training.OfEmail(r.Context(), tid, email)
	if err != nil {
		return nil, err
	}
	out := make([]accountTraining, 0, len(list))
	for _, e := range list {
		c, err := s.Deps.Training.Cohort(r.Context(), tid, e.CohortID)
		if err != nil {
			return nil, err
		}
		out = append(out, accountTraining{Enrolment: e, Cohort: c})
	}
	return out, nil
}

// SendTrainingLink e-mails the person the link of « Mes formations » for
// one of their own enrolments.
func (s *Handlers) SendTrainingLink(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	u := kit.Info(r).Principal.User
	list, err := s.trainings(r, u.Email)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PostFormValue("enrolment"), 10, 64)
	for _, t := range list {
		if t.ID == id {
			s.Done(w, r, s.Deps.Training.SendLink(r.Context(), kit.Info(r).Territory.ID, id), "training.account.sent", "/compte#mes-formations")
			return
		}
	}
	s.Fail(w, r, errs.New(errs.NotFound, "errors.training_enrolment_not_found"))
}
