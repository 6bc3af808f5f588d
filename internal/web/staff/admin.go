// Package staff serves the staff area: the morning page, users and their
// roles, the territory's settings (the events' among them) and the outbox.
package staff

import (
	"embed"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/impact"
	"implique/internal/mail"
	"implique/internal/privacy"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

type adminHomePage struct {
	kit.Base
	CanUsers    bool
	CanSettings bool
	CanOutbox   bool
	CanEvents   bool
	CanIdeas    bool
	CanLinks    bool
	// CanCommunities opens the communautés de partage.
	CanCommunities bool
	// CanInitiatives opens the citizen initiatives.
	CanInitiatives bool
	// CanOrgs opens organisations, the relève radar and accompaniment.
	CanOrgs bool
	// Volunteering and the tracked links.
	CanVolunteering bool
	CanTrackedLinks bool
	// Surveys: writing them, or reading their results.
	CanSurveys bool
	// CanPortrait opens the internal portrait.
	CanPortrait bool
	// CanFunding opens the funding applications and the reports to funders.
	CanFunding bool
	// CanImpact opens the logic model; Headlines are its indicators that
	// have a target, shown beside the day's work to whoever reads them.
	CanImpact bool
	Headlines []headline
	// The partners' committee: keeping it, or reading its space.
	CanCommittee, ReadsCommittee bool
	// CanTraining opens the trainings' programs and cohorts.
	CanTraining bool
	// CanComms opens the communications (the calendar, at least).
	CanComms bool
	// CanPrivacy opens the privacy officer's area; CanReportIncident
	// records a confidentiality incident.
	CanPrivacy, CanReportIncident bool
	// Today is what waits for the staff member, with links to act.
	Today staffToday
}

func (s *Handlers) AdminHome(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ViewStaffArea) {
		return
	}
	p := adminHomePage{Base: s.Page(w, r, "admin.title"), CanUsers: s.Can(r, auth.ManageUsers),
		CanSettings: s.Can(r, auth.ManageSettings), CanOutbox: s.Can(r, auth.ReadOutbox),
		CanEvents: s.Can(r, auth.ManageEvents), CanIdeas: s.Can(r, auth.ManageIdeas),
		CanLinks: s.Can(r, auth.ManageConnections), CanInitiatives: s.Can(r, auth.ManageInitiatives),
		CanOrgs: s.Can(r, auth.ManageOrganizations), CanVolunteering: s.Can(r, auth.ManageVolunteering),
		CanTrackedLinks: s.Can(r, auth.ManageTrackedLinks), CanSurveys: s.Can(r, auth.ReadSurveyResults),
		CanPortrait: s.Can(r, auth.ReadPortrait)}
	p.CanCommunities = s.Can(r, auth.ManageCommunities)
	p.CanFunding = s.Can(r, auth.ManageFunding)
	p.CanImpact = s.Can(r, auth.ManageImpact)
	p.CanCommittee, p.ReadsCommittee = s.Can(r, auth.ManageCommittee), s.Can(r, auth.ReadCommittee)
	p.CanTraining = s.Can(r, auth.ManageTraining)
	p.CanComms = s.Can(r, auth.ReadCommsCalendar)
	p.CanPrivacy, p.CanReportIncident = s.Can(r, auth.ManagePrivacy), s.Can(r, auth.ReportIncident)
	var err error
	if s.Can(r, auth.ReadImpact) {
		if p.Headlines, err = s.headlines(r, p.Base); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if p.Today, err = s.staffToday(r, p.Base); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin", p)
}

type usersPage struct {
	kit.Base
	Members []auth.Member
	Roles   []auth.Role
}

func (s *Handlers) usersPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	members, err := s.Deps.Auth.Members(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := usersPage{Base: s.Page(w, r, "users.title"), Members: members, Roles: auth.Roles}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "users", p)
}

func (s *Handlers) AdminUsers(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageUsers) {
		return
	}
	s.Accessed(r, privacy.Viewed, "auth.accounts", "users")
	s.usersPage(w, r, http.StatusOK, url.Values{"role": {string(auth.RoleCitizen)}}, nil)
}

func formRoles(form url.Values) ([]auth.Role, bool) {
	var roles []auth.Role
	for _, v := range form["role"] {
		role, ok := auth.ParseRole(v)
		if !ok {
			return nil, false
		}
		roles = append(roles, role)
	}
	return roles, true
}

func (s *Handlers) AdminAddUser(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageUsers) {
		return
	}
	t := kit.Info(r).Territory
	roles, ok := formRoles(r.PostForm)
	problems := errs.Fields{}
	if !ok || len(roles) == 0 {
		problems.Add("role", "errors.role")
	}
	locale := r.PostFormValue("locale")
	var u *auth.User
	var err error
	if len(problems) == 0 {
		// The account and, when asked, the e-mail with its sign-in link: both, or neither.
		err = s.Deps.DB.InTx(r.Context(), func(tx *db.Tx) error {
			var err error
			u, err = s.Deps.Auth.CreateUserTx(r.Context(), tx, auth.NewUser{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Locale: locale}, t.ID, roles...)
			if err != nil || r.PostFormValue("send_link") != "1" {
				return err
			}
			return s.QueueMagicLink(r, tx, u, "")
		})
	}
	if e, ok := errs.As(err); ok {
		for f, k := range e.Fields {
			problems.Add(f, k)
		}
		if len(e.Fields) == 0 {
			problems.Add("", e.Key)
		}
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(problems) > 0 {
		s.usersPage(w, r, http.StatusUnprocessableEntity, r.PostForm, problems)
		return
	}
	s.Confirm(w, r, "flash.user_added", "/admin/utilisateurs/"+strconv.FormatInt(u.ID, 10))
}

// memberID reads the {id} of the URL: a person who holds a role on the
// request's territory. Anyone else — people of other territories are not
// this administrator's to see — is a 404.
func (s *Handlers) memberID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id := kit.PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return 0, false
	}
	roles, err := s.Deps.Auth.RolesOf(r.Context(), id, kit.Info(r).Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return 0, false
	}
	if len(roles) == 0 {
		s.NotFound(w, r)
		return 0, false
	}
	return id, true
}

type userPage struct {
	kit.Base
	User  *auth.User
	Has   map[auth.Role]bool
	Roles []auth.Role
	Self  bool
}

func (s *Handlers) userPage(w http.ResponseWriter, r *http.Request, status int, problems map[string]string) {
	id, ok := s.memberID(w, r)
	if !ok {
		return
	}
	u, err := s.Deps.Auth.UserByID(r.Context(), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	roles, err := s.Deps.Auth.RolesOf(r.Context(), id, kit.Info(r).Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := userPage{Base: s.Page(w, r, ""), User: u, Has: map[auth.Role]bool{}, Roles: auth.Roles,
		Self: kit.Info(r).Principal.User.ID == u.ID}
	p.SetTypedTitle(u.DisplayName())
	for _, role := range roles {
		p.Has[role] = true
	}
	p.Errors = problems
	s.Render(w, r, status, "user", p)
}

func (s *Handlers) AdminUser(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageUsers) {
		return
	}
	s.Accessed(r, privacy.Viewed, "auth.accounts", "user "+strconv.FormatInt(kit.PathID(r, "id"), 10))
	s.userPage(w, r, http.StatusOK, nil)
}

func (s *Handlers) AdminSaveRoles(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageUsers) {
		return
	}
	id, ok := s.memberID(w, r)
	if !ok {
		return
	}
	t := kit.Info(r).Territory
	roles, ok := formRoles(r.PostForm)
	if !ok || len(roles) == 0 {
		s.userPage(w, r, http.StatusUnprocessableEntity, map[string]string{"role": "errors.role_needed"})
		return
	}
	if err := s.Deps.Auth.SetRoles(r.Context(), id, t.ID, roles); err != nil {
		if e, ok := errs.As(err); ok {
			s.userPage(w, r, kit.StatusOf(e.Code), map[string]string{"role": e.Key})
			return
		}
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, "flash.saved", "/admin/utilisateurs/"+strconv.FormatInt(id, 10))
}

func (s *Handlers) AdminSetDisabled(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageUsers) {
		return
	}
	id, ok := s.memberID(w, r)
	if !ok {
		return
	}
	t := kit.Info(r).Territory
	disable := r.PostFormValue("action") == "disable"
	if disable && r.PostFormValue("confirm") != "1" {
		s.userPage(w, r, http.StatusUnprocessableEntity, map[string]string{"confirm": "errors.confirm"})
		return
	}
	if err := s.Deps.Auth.SetDisabled(r.Context(), id, t.ID, disable); err != nil {
		if e, ok := errs.As(err); ok {
			s.userPage(w, r, kit.StatusOf(e.Code), map[string]string{"confirm": e.Key})
			return
		}
		s.Fail(w, r, err)
		return
	}
	if disable {
		s.Flash(w, "flash.user_disabled")
	} else {
		s.Flash(w, "flash.user_enabled")
	}
	s.Redirect(w, r, "/admin/utilisateurs/"+strconv.FormatInt(id, 10))
}

type settingsPage struct {
	kit.Base
	TimeZones []string
}

func settingsForm(set territory.Settings) url.Values {
	return url.Values{
		"name": {set.Name}, "operator_name": {set.OperatorName}, "program_name": {set.ProgramName},
		"contact_email": {set.ContactEmail}, "contact_phone": {set.ContactPhone}, "mailing_address": {set.MailingAddress},
		"privacy_officer_name": {set.PrivacyOfficerName}, "privacy_officer_email": {set.PrivacyOfficerEmail}, "privacy_officer_title": {set.PrivacyOfficerTitle},
		"time_zone": {set.TimeZone}, "brand_color": {set.BrandColor}, "dinner_target": {strconv.Itoa(set.DinnerTarget)},
		"public_forms_per_hour": {strconv.Itoa(set.PublicFormsPerHour)},
		"small_group_minimum":   {strconv.Itoa(set.SmallGroupMinimum)},
	}
}

// Canadian time zones offered in the settings.
var timeZones = []string{"America/Toronto", "America/Montreal", "America/Halifax", "America/Moncton", "America/St_Johns",
	"America/Blanc-Sablon", "America/Winnipeg", "America/Regina", "America/Edmonton", "America/Vancouver"}

func (s *Handlers) AdminSettings(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageSettings) {
		return
	}
	p := settingsPage{Base: s.Page(w, r, "settings.title"), TimeZones: timeZones}
	p.Form = settingsForm(kit.Info(r).Territory.Settings)
	if !s.eventSettingsForm(w, r, p.Form) {
		return
	}
	s.Render(w, r, http.StatusOK, "settings", p)
}

func (s *Handlers) AdminSaveSettings(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageSettings) {
		return
	}
	f := r.PostForm
	set := territory.Settings{Name: f.Get("name"), OperatorName: f.Get("operator_name"), ProgramName: f.Get("program_name"),
		ContactEmail: f.Get("contact_email"), ContactPhone: f.Get("contact_phone"), MailingAddress: f.Get("mailing_address"),
		PrivacyOfficerName: f.Get("privacy_officer_name"), PrivacyOfficerEmail: f.Get("privacy_officer_email"), PrivacyOfficerTitle: f.Get("privacy_officer_title"),
		TimeZone: f.Get("time_zone"), BrandColor: f.Get("brand_color")}
	// A form without a number field keeps its value.
	target := settingNumber(f, "dinner_target", kit.Info(r).Territory.DinnerTarget)
	set.DinnerTarget = target
	set.PublicFormsPerHour = settingNumber(f, "public_forms_per_hour", kit.Info(r).Territory.PublicFormsPerHour)
	set.SmallGroupMinimum = settingNumber(f, "small_group_minimum", kit.Info(r).Territory.SmallGroupMinimum)
	if err := s.Deps.Territories.UpdateSettings(r.Context(), kit.Info(r).Territory.ID, set); err != nil {
		if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
			p := settingsPage{Base: s.Page(w, r, "settings.title"), TimeZones: timeZones}
			problems := errs.Fields{}
			if target == -1 {
				problems.Add("dinner_target", "errors.dinner_target")
			}
			for field, key := range e.Fields {
				problems.Add(field, key)
			}
			p.Form, p.Errors = f, problems
			if !s.eventSettingsForm(w, r, p.Form) {
				return
			}
			s.Render(w, r, http.StatusUnprocessableEntity, "settings", p)
			return
		}
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, "flash.saved", "/admin/territoire")
}

// settingNumber reads a whole-number setting: the current value when the
// form has no such field, -1 (refused by the validation, with the other
// fields checked in the same round) when it is not a number or is 0 (which
// would mean "the default").
func settingNumber(f url.Values, name string, current int) int {
	if _, ok := f[name]; !ok {
		return current
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.Get(name)))
	if err != nil || n == 0 {
		return -1
	}
	return n
}

type outboxPage struct {
	kit.Base
	Items []mail.Item
	SMTP  bool
}

func (s *Handlers) AdminOutbox(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ReadOutbox) {
		return
	}
	items, err := s.Deps.Outbox.List(r.Context(), kit.Info(r).Territory.ID, 200)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Accessed(r, privacy.Viewed, "mail.outbox", "outbox")
	s.Render(w, r, http.StatusOK, "outbox", outboxPage{Base: s.Page(w, r, "outbox.title"), Items: items, SMTP: s.Cfg.SMTPConfigured})
}

type outboxItemPage struct {
	kit.Base
	Item mail.Item
}

func (s *Handlers) AdminOutboxItem(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ReadOutbox) {
		return
	}
	id := kit.PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return
	}
	it, err := s.Deps.Outbox.Get(r.Context(), kit.Info(r).Territory.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Accessed(r, privacy.Viewed, "mail.outbox", "message "+strconv.FormatInt(it.ID, 10))
	p := outboxItemPage{Base: s.Page(w, r, "")}
	p.Title = it.Subject
	// A private link is its recipient's alone, sent or not: staff read « lien personnel masqué ».
	hidden := "[" + p.T("outbox.link_hidden") + "]"
	p.Item = it.Masked(p.T("outbox.link_hidden"))
	p.Item.Text = legacyPrivateLinkRe.ReplaceAllString(p.Item.Text, hidden)
	s.Render(w, r, http.StatusOK, "outbox_item", p)
}

// legacyPrivateLinkRe finds the private links of the messages queued before
// the outbox recorded their secrets (mail.Message.Secrets, which mask and
// scrub every message since): an upgraded installation still holds some.
var legacyPrivateLinkRe = regexp.MustCompile(`https?://\S*?(?:jeton=|/inscription/|/appui/|/rejoindre/|/initiatives/participer/|` +
	`/s-impliquer/desabonnement/)[A-Za-z0-9_.-]{16,}\S*`)

// headline is an indicator with a target, as the staff's home shows it:
// its value and target, and how far it has come when that can be said (a
// target equal to its baseline has no percentage).
type headline struct {
	Name, Value           string
	Progress              int
	HasValue, HasProgress bool
}

// headlines reads the indicators that have a target.
func (s *Handlers) headlines(r *http.Request, b kit.Base) ([]headline, error) {
	bd, err := s.Deps.Impact.Board(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		return nil, err
	}
	var out []headline
	for _, rd := range bd.Headlines(6) {
		h := headline{Name: rd.Name(s.Cat, b.Lang)}
		if rd.Current != nil {
			h.HasValue = true
			h.Value = impact.FormatValue(b.Lang, rd.Unit, *rd.Current.Snapshot.Value)
			h.Value = b.T("impact.report.value_target", h.Value, impact.FormatValue(b.Lang, rd.Unit, *rd.Target))
		}
		if rd.Progress != nil {
			h.HasProgress, h.Progress = true, int(math.Round(*rd.Progress))
		}
		out = append(out, h)
	}
	return out, nil
}
