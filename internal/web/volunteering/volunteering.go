// Package volunteering serves volunteering: opportunities and « je suis
// intéressé·e », one's own volunteering and hours, the organisations'
// management of their opportunities and applicants, the staff's view, and
// the opportunities API.
package volunteering

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/sharecard"
	"implique/internal/territory"
	"implique/internal/tracking"
	vol "implique/internal/volunteering"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

// oppView prepares an opportunity for a page in b's language.
func (s *Handlers) oppView(b kit.Base, o vol.Opportunity) kit.OppView {
	v := kit.OppView{Opportunity: o, URL: "/s-impliquer/offres/" + o.Slug}
	loc := b.Territory.Location()
	switch o.Schedule {
	case vol.OneOff:
		if o.StartsAt != nil {
			v.When = i18n.DateWithWeekday(b.Lang, o.StartsAt.In(loc)) + ", " + i18n.Time(b.Lang, o.StartsAt.In(loc))
			if o.EndsAt != nil {
				v.When += " – " + i18n.Time(b.Lang, o.EndsAt.In(loc))
			}
		}
	case vol.Recurring:
		v.When = s.Deps.Volunteering.SlotsPhrase(b.Lang, o.Slots)
		if v.When != "" {
			v.When = strings.ToUpper(v.When[:1]) + v.When[1:]
		}
		if o.Recurrence != "" {
			v.When += " (" + o.Recurrence + ")"
		}
	default:
		v.When = b.T("volunteer.schedule.flexible")
	}
	switch {
	case o.PlaceName != "" && o.Remote:
		v.Where = b.T("volunteer.where.place_or_remote", o.PlaceName)
	case o.PlaceName != "":
		v.Where = o.PlaceName
	default:
		v.Where = b.T("volunteer.where.remote")
	}
	return v
}

// withMatch adds a match's explanation to a view.
func withMatch(v kit.OppView, m vol.Match) kit.OppView {
	v.Why, v.Cautions, v.Factors, v.Score, v.Excluded = m.Explanation.Why, m.Explanation.Cautions, m.Explanation.Factors, m.Fit.Score, m.Explanation.Excluded
	return v
}

// Names of codes, for templates.

// slotsOf reads the availability grid of a form.
func slotsOf(f url.Values) vol.Availability {
	var a vol.Availability
	for _, v := range f["slot"] {
		d, p, ok := strings.Cut(v, "-")
		di, err1 := strconv.Atoi(d)
		pi, err2 := strconv.Atoi(p)
		if !ok || err1 != nil || err2 != nil || di < 0 || di > 6 || pi < 0 || pi > 2 {
			continue
		}
		a |= vol.Slot(time.Weekday(di), vol.Part(pi))
	}
	return a
}

// slotValues writes an availability back as the grid's values.
func slotValues(a vol.Availability) []string {
	var out []string
	for _, d := range vol.Days {
		for _, p := range vol.Parts {
			if a.Has(d, p) {
				out = append(out, strconv.Itoa(int(d))+"-"+strconv.Itoa(int(p)))
			}
		}
	}
	return out
}

// Quick match: three questions, no account.

// quickWhen are the answers to « quand êtes-vous disponible ? ».
var quickWhen = []string{"jour", "soir", "fin-de-semaine", "ponctuel"}

func quickAvailability(answers []string) vol.Availability {
	var a vol.Availability
	for _, v := range answers {
		switch v {
		case "jour":
			a |= vol.Weekdays(vol.Morning, vol.Afternoon)
		case "soir":
			a |= vol.Weekdays(vol.Evening)
		case "fin-de-semaine":
			a |= vol.Weekend()
		case "ponctuel":
			a |= vol.Occasional
		}
	}
	return a
}

type volunteerHomePage struct {
	kit.Base
	Places     []territory.Place
	Causes     []string
	When       []string
	Kinds      []vol.Kind
	Matches    []kit.OppView
	Browse     bool
	Quick      bool
	Profile    vol.Profile
	QuickQuery string
	Opps       []kit.OppView
	Manages    bool
}

// applied maps the visitor's opportunities to their application status.
func (s *Handlers) applied(r *http.Request) (map[int64]string, error) {
	ri := kit.Info(r)
	out := map[int64]string{}
	if !ri.Principal.SignedIn() {
		return out, nil
	}
	apps, err := s.Deps.Volunteering.ApplicationsOf(r.Context(), ri.Territory.ID, ri.Principal.User.ID)
	for _, a := range apps {
		out[a.Opportunity.ID] = a.Status
	}
	return out, err
}

func (s *Handlers) VolunteerHome(w http.ResponseWriter, r *http.Request) {
	ri := kit.Info(r)
	ctx := r.Context()
	q := r.URL.Query()
	p := volunteerHomePage{Base: s.Page(w, r, "volunteer.home.title"), Causes: vol.Causes, When: quickWhen, Kinds: vol.Kinds,
		Browse: q.Get("tout") == "1", Manages: len(ri.Principal.Organizations) > 0 || s.Can(r, auth.ManageVolunteering)}
	var err error
	if p.Places, err = s.Deps.Territories.Places(ctx, ri.Territory.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if ri.Principal.SignedIn() {
		if p.Profile, err = s.Deps.Volunteering.Profile(ctx, ri.Territory.ID, ri.Principal.User.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	mine, err := s.applied(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Form = q
	if p.Browse {
		f := vol.Filter{OpenOnly: true, PlaceSlug: q.Get("lieu"), IncludeRemote: true, Cause: q.Get("cause"), Limit: 200}
		if k, ok := vol.ParseKind(q.Get("type")); ok {
			f.Kind = k
		} else {
			f.Individual = true
		}
		if f.PlaceSlug != "" {
			if _, err := s.Deps.Territories.Place(ctx, ri.Territory.ID, f.PlaceSlug); err != nil {
				s.Fail(w, r, err)
				return
			}
		}
		if f.Cause != "" && !orgs.ValidCause(f.Cause) {
			f.Cause = ""
		}
		opps, err := s.Deps.Volunteering.Opportunities(ctx, ri.Territory.ID, f)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, o := range opps {
			v := s.oppView(p.Base, o)
			v.Applied = mine[o.ID]
			p.Opps = append(p.Opps, v)
		}
		p.Title = p.T("volunteer.browse.title")
		s.Render(w, r, http.StatusOK, "volunteer_home", p)
		return
	}
	// Who asks: the quick match's answers, or else the profile.
	var sk vol.Seeker
	switch {
	case q.Has("lieu") || q.Has("cause") || q.Has("quand"):
		p.Quick = true
		if slug := q.Get("lieu"); slug != "" {
			pl, err := s.Deps.Territories.Place(ctx, ri.Territory.ID, slug)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			sk.PlaceID = pl.ID
		}
		sk.Causes, _ = vol.MaskOf(vol.Causes, q["cause"])
		sk.Availability = quickAvailability(q["quand"])
		p.QuickQuery = url.Values{"lieu": {q.Get("lieu")}, "cause": q["cause"], "quand": q["quand"]}.Encode()
	case p.Profile.Exists():
		sk = p.Profile.Seeker()
		p.Form = url.Values{"lieu": {p.Profile.PlaceSlug}, "cause": p.Profile.Causes.Codes(vol.Causes)}
	}
	matches, err := s.Deps.Volunteering.Matches(ctx, ri.Territory.ID, sk, ri.Lang, 20)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, m := range matches {
		v := withMatch(s.oppView(p.Base, m.Opportunity), m)
		if !p.Quick && !p.Profile.Exists() {
			v.Why, v.Cautions = "", nil // nothing known about the visitor: no « why »
		}
		v.Applied = mine[m.Opportunity.ID]
		if p.QuickQuery != "" {
			v.URL += "?" + p.QuickQuery
		}
		p.Matches = append(p.Matches, v)
	}
	s.Render(w, r, http.StatusOK, "volunteer_home", p)
}

type volunteerOppPage struct {
	kit.Base
	OG          kit.OpenGraph
	Opp         kit.OppView
	Open        bool
	Mine        *vol.Application
	Sent        bool
	HasFit      bool
	OnBehalf    []orgs.OrgRef
	Manages     bool
	QuickQuery  string
	CorpBlocked bool
}

func (s *Handlers) VolunteerOpportunity(w http.ResponseWriter, r *http.Request) {
	s.volunteerOppPage(w, r, http.StatusOK, nil, nil)
}

// publicOpportunity finds an opportunity of the territory by its {slug}.
func (s *Handlers) publicOpportunity(w http.ResponseWriter, r *http.Request) (vol.Opportunity, bool) {
	o, err := s.Deps.Volunteering.OpportunityBySlug(r.Context(), kit.Info(r).Territory.ID, r.PathValue("slug"))
	if err != nil {
		s.Fail(w, r, err)
		return o, false
	}
	return o, true
}

func (s *Handlers) volunteerOppPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	o, ok := s.publicOpportunity(w, r)
	if !ok {
		return
	}
	ri := kit.Info(r)
	ctx := r.Context()
	q := r.URL.Query()
	p := volunteerOppPage{Base: s.Page(w, r, ""), Open: o.Open(s.Deps.Volunteering.Now()), Sent: q.Get("envoye") == "1"}
	p.SetTypedTitle(o.Title)
	p.Opp = s.oppView(p.Base, o)
	abs := s.Cfg.BaseURL + "/s-impliquer/offres/" + o.Slug
	p.OG = kit.OpenGraph{Title: o.Title, Description: p.Opp.Organization.Name + " — " + p.Opp.Where, URL: abs, Image: abs + "/partage.png"}
	// How it fits: the quick match's answers carried in the link, or the profile.
	var sk vol.Seeker
	if q.Has("lieu") || q.Has("cause") || q.Has("quand") {
		if pl, err := s.Deps.Territories.Place(ctx, ri.Territory.ID, q.Get("lieu")); err == nil {
			sk.PlaceID = pl.ID
		}
		sk.Causes, _ = vol.MaskOf(vol.Causes, q["cause"])
		sk.Availability = quickAvailability(q["quand"])
		p.HasFit = true
		p.QuickQuery = url.Values{"lieu": {q.Get("lieu")}, "cause": q["cause"], "quand": q["quand"]}.Encode()
	}
	if ri.Principal.SignedIn() {
		prof, err := s.Deps.Volunteering.Profile(ctx, ri.Territory.ID, ri.Principal.User.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		if !p.HasFit && prof.Exists() {
			sk, p.HasFit = prof.Seeker(), true
		}
		apps, err := s.Deps.Volunteering.ApplicationsOf(ctx, ri.Territory.ID, ri.Principal.User.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for i := range apps {
			if apps[i].Opportunity.ID == o.ID && apps[i].Status != vol.Withdrawn {
				p.Mine = &apps[i]
			}
		}
		if o.Kind.Corporate() {
			for _, id := range ri.Principal.Organizations {
				org, err := s.Deps.Orgs.Get(ctx, ri.Territory.ID, id)
				if err != nil {
					s.Fail(w, r, err)
					return
				}
				if id != o.Organization.ID && (o.Kind != vol.CorporateRequest || org.Kind == orgs.Business) {
					p.OnBehalf = append(p.OnBehalf, org.Ref())
				}
			}
		}
	}
	p.CorpBlocked = o.Kind.Corporate() && len(p.OnBehalf) == 0
	if p.HasFit {
		fit, e, err := s.Deps.Volunteering.FitOf(ctx, ri.Territory.ID, sk, o, ri.Lang)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		p.Opp = withMatch(p.Opp, vol.Match{Opportunity: o, Fit: fit, Explanation: e})
	}
	p.Manages = auth.Can(ri.Principal, auth.EditOrganization, auth.Resource{TerritoryID: ri.Territory.ID, OrganizationID: o.Organization.ID})
	form = kit.FormOf(r, form)
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "volunteer_opportunity", p)
}

// VolunteerApply records « je suis intéressé·e ». Signed in, it counts at
// once; otherwise the person gets a link to confirm (and to sign in).
func (s *Handlers) VolunteerApply(w http.ResponseWriter, r *http.Request) {
	o, ok := s.publicOpportunity(w, r)
	if !ok {
		return
	}
	ri := kit.Info(r)
	ctx := r.Context()
	f := r.PostForm
	in := vol.ApplyInput{Message: f.Get("message")}
	if v := f.Get("on_behalf"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		if !ri.Principal.Manages(id) {
			s.volunteerOppPage(w, r, http.StatusUnprocessableEntity, f, map[string]string{"on_behalf": "errors.volunteer_on_behalf"})
			return
		}
		in.OnBehalfID = id
	}
	back := "/s-impliquer/offres/" + o.Slug
	if u := ri.Principal.User; u != nil && s.Can(r, auth.ManageOwnAccount) {
		_, out, err := s.Deps.Volunteering.Apply(ctx, ri.Territory.ID, o.ID, u.ID, in, true)
		if err != nil {
			s.Refuse(w, r, err, func(status int, problems map[string]string) { s.volunteerOppPage(w, r, status, f, problems) })
			return
		}
		if out.Existing {
			s.Flash(w, "flash.volunteer_already_applied")
		} else {
			s.Flash(w, "flash.volunteer_applied")
		}
		s.Redirect(w, r, back)
		return
	}
	if !s.AllowPublicForm(w, r) {
		return
	}
	// The account (the first time), the application and the e-mail that
	// confirms it: all of it is stored, or none; the stores check what was typed.
	err := s.Deps.DB.InTx(ctx, func(tx *db.Tx) error {
		u, _, err := s.Deps.Auth.AccountTx(ctx, tx, auth.NewUser{Email: f.Get("email"), Name: f.Get("name"), Locale: ri.Lang}, ri.Territory.ID)
		if err != nil || u.Disabled() {
			return err
		}
		out, err := s.Deps.Volunteering.ApplyTx(ctx, tx, ri.Territory.ID, o.ID, u.ID, in, false)
		if err != nil || out.Status != vol.Unconfirmed {
			return err
		}
		return s.queueApplicationLink(r, tx, u, out.ID, o)
	})
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) { s.volunteerOppPage(w, r, status, f, problems) })
		return
	}
	// The same answer whether the address had an account or not.
	s.Redirect(w, r, back+"?envoye=1#interet")
}

// applicationLinkTTL is how long the link that confirms an application
// (and signs in) works.
const applicationLinkTTL = 48 * time.Hour

// queueApplicationLink queues, inside tx, the e-mail with the link that
// confirms an application and signs its person in (a one-time sign-in
// token, as for any magic link).
func (s *Handlers) queueApplicationLink(r *http.Request, tx *db.Tx, u *auth.User, applicationID int64, o vol.Opportunity) error {
	ri := kit.Info(r)
	tok, err := s.Deps.Auth.IssueTokenTx(r.Context(), tx, u.ID, auth.PurposeLogin, applicationLinkTTL)
	if err != nil {
		return err
	}
	link := s.Cfg.BaseURL + "/s-impliquer/confirmer?" + url.Values{"jeton": {tok}, "candidature": {strconv.FormatInt(applicationID, 10)}}.Encode()
	lang := ri.Lang
	t := ri.Territory
	text := s.Cat.T(lang, "mail.volunteer.confirm.body", u.DisplayName(), o.Title, o.Organization.Name, int(applicationLinkTTL/time.Hour), link) +
		"\n\n-- \n" + t.MailFooter()
	_, err = s.Deps.Mailer.QueueTx(r.Context(), tx, t.ID, mail.Message{To: u.Email, Subject: s.Cat.T(lang, "mail.volunteer.confirm.subject", o.Title), Text: text,
		Secrets: []string{tok},
		// Applying again (or probing an address) the same day sends nothing more; the page says the same.
		Limit: mail.Limit{Key: "volunteer-apply:" + strconv.FormatInt(applicationID, 10), Max: 1, Per: 24 * time.Hour}})
	return err
}

type volunteerConfirmPage struct {
	kit.Base
	Token       string
	Application string
	Opp         string
}

// VolunteerConfirmLanding shows a button: a mail scanner opening the link
// neither signs in nor confirms.
func (s *Handlers) VolunteerConfirmLanding(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	q := r.URL.Query()
	p := volunteerConfirmPage{Base: s.Page(w, r, "volunteer.confirm.title"), Token: q.Get("jeton"), Application: q.Get("candidature")}
	if err := s.Deps.Auth.CheckToken(r.Context(), p.Token, auth.PurposeLogin); err != nil {
		s.Fail(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(p.Application, 10, 64)
	a, err := s.Deps.Volunteering.Application(r.Context(), kit.Info(r).Territory.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Opp = a.Opportunity.Title + " — " + a.Opportunity.Organization.Name
	s.Render(w, r, http.StatusOK, "volunteer_confirm", p)
}

func (s *Handlers) VolunteerConfirm(w http.ResponseWriter, r *http.Request) {
	counted, blocked := s.LinkUse(w, r)
	if blocked {
		return
	}
	ri := kit.Info(r)
	id, _ := strconv.ParseInt(r.PostFormValue("candidature"), 10, 64)
	a, err := s.Deps.Volunteering.Application(r.Context(), ri.Territory.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	u, err := s.Deps.Auth.UseToken(r.Context(), r.PostFormValue("jeton"), auth.PurposeLogin)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Forgive(r, counted)
	if a.Person.ID != u.ID {
		s.RenderError(w, r, http.StatusNotFound, "errors.volunteer_application_not_found")
		return
	}
	if _, err := s.Deps.Volunteering.ConfirmApplication(r.Context(), ri.Territory.ID, a.ID, u.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	tok, err := s.Deps.Auth.CreateSession(r.Context(), u.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.SetSessionCookie(w, tok)
	s.Confirm(w, r, "flash.volunteer_confirmed", "/s-impliquer/mon-benevolat")
}

// VolunteerJebenevole counts a click to the same offer on jebénévole.ca
// (campaign « fiche-offre », the opportunity's place) and goes there.
func (s *Handlers) VolunteerJebenevole(w http.ResponseWriter, r *http.Request) {
	o, ok := s.publicOpportunity(w, r)
	if !ok {
		return
	}
	if o.JebenevoleURL == "" {
		s.NotFound(w, r)
		return
	}
	ri := kit.Info(r)
	l, err := s.Deps.Tracking.Ensure(r.Context(), ri.Territory.ID, tracking.Input{Target: o.JebenevoleURL, Campaign: "fiche-offre",
		PlaceSlug: o.PlaceSlug, Label: o.Title})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.followLink(w, r, l.Code)
}

// JebenevoleHome is where the province's volunteering site starts.
const JebenevoleHome = "https://www.jebenevole.ca/"

// VolunteerJebenevoleHome counts a click to jebénévole.ca from this page
// (campaign « page-s-impliquer ») and goes there.
func (s *Handlers) VolunteerJebenevoleHome(w http.ResponseWriter, r *http.Request) {
	l, err := s.Deps.Tracking.Ensure(r.Context(), kit.Info(r).Territory.ID, tracking.Input{Target: JebenevoleHome, Campaign: "page-s-impliquer",
		Label: "jebénévole.ca"})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.followLink(w, r, l.Code)
}

// Profile.

type volunteerProfilePage struct {
	kit.Base
	Places     []territory.Place
	Businesses []orgs.Organization
	Profile    vol.Profile
	AgeBands   []vol.AgeBand
	Mobilities []vol.Mobility
	Distances  []int
	Back       string
}

// travelChoices are the distances the profile offers (0: my municipality only).
var travelChoices = []int{0, 5, 10, 15, 25, 40, 60}

func (s *Handlers) volunteerProfilePage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := kit.Info(r)
	ctx := r.Context()
	p := volunteerProfilePage{Base: s.Page(w, r, "volunteer.profile.title"), AgeBands: vol.AgeBands,
		Mobilities: vol.Mobilities, Distances: travelChoices}
	var err error
	if p.Places, err = s.Deps.Territories.Places(ctx, ri.Territory.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	q := r.URL.Query()
	if !ri.Principal.SignedIn() {
		// Carry the quick match's answers through the sign-in link.
		carry := url.Values{"lieu": {q.Get("lieu")}, "cause": q["cause"], "quand": q["quand"]}
		p.Back = "/s-impliquer/profil?" + carry.Encode()
		if form == nil {
			form = url.Values{}
		}
		p.Form, p.Errors = form, problems
		s.Render(w, r, status, "volunteer_profile", p)
		return
	}
	if p.Businesses, _, err = s.Deps.Orgs.List(ctx, ri.Territory.ID, orgs.Filter{Kind: orgs.Business}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Profile, err = s.Deps.Volunteering.Profile(ctx, ri.Territory.ID, ri.Principal.User.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if form == nil {
		form = profileForm(p.Profile)
		if !p.Profile.Exists() {
			// First time: start from the quick match's answers.
			form.Set("place", q.Get("lieu"))
			form["cause"] = q["cause"]
			form["slot"] = slotValues(quickAvailability(q["quand"]))
			if hasValue(q["quand"], "ponctuel") {
				form.Set("occasional", "1")
			}
		}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "volunteer_profile", p)
}

func hasValue(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// profileForm writes a profile as the form's values.
func profileForm(p vol.Profile) url.Values {
	f := url.Values{"place": {p.PlaceSlug}, "cause": p.Causes.Codes(vol.Causes), "skill": p.Skills.Codes(vol.Skills),
		"language": p.Languages.Codes(vol.Languages), "slot": slotValues(p.Availability), "mobility": {string(p.Mobility)},
		"age_band": {p.AgeBand}, "school": {p.School}}
	if p.Availability&vol.Occasional != 0 {
		f.Set("occasional", "1")
	}
	if p.MaxKm != nil {
		f.Set("max_km", strconv.Itoa(*p.MaxKm))
	}
	if p.Student {
		f.Set("student", "1")
	}
	if p.ParentConsentAt != nil {
		f.Set("parent_consent", "1")
	}
	if p.Digest {
		f.Set("digest", "1")
	}
	if p.EmployerID != 0 {
		f.Set("employer", strconv.FormatInt(p.EmployerID, 10))
	}
	return f
}

func (s *Handlers) VolunteerProfile(w http.ResponseWriter, r *http.Request) {
	s.volunteerProfilePage(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) VolunteerSaveProfile(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	ri := kit.Info(r)
	f := r.PostForm
	in := vol.ProfileInput{PlaceSlug: f.Get("place"), Causes: f["cause"], Skills: f["skill"], Languages: f["language"],
		Availability: slotsOf(f), Mobility: vol.Mobility(f.Get("mobility")), AgeBand: f.Get("age_band"),
		Student: f.Get("student") == "1", School: f.Get("school"), Digest: f.Get("digest") == "1",
		ParentConsent: f.Get("parent_consent") == "1"}
	if f.Get("occasional") == "1" {
		in.Availability |= vol.Occasional
	}
	problems := errs.Fields{}
	if v := f.Get("max_km"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			problems.Add("max_km", "errors.volunteer_max_km")
		}
		in.MaxKm = &n
	}
	if v := f.Get("employer"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			problems.Add("employer", "errors.volunteer_employer")
		}
		in.EmployerID = id
	}
	if len(problems) > 0 {
		s.volunteerProfilePage(w, r, http.StatusUnprocessableEntity, f, problems)
		return
	}
	_, err := s.Deps.Volunteering.SaveProfile(r.Context(), ri.Territory.ID, ri.Principal.User.ID, in)
	if err != nil {
		s.RefuseFields(w, r, err, func(status int, problems map[string]string) { s.volunteerProfilePage(w, r, status, f, problems) })
		return
	}
	s.Confirm(w, r, "flash.volunteer_profile_saved", "/s-impliquer")
}

// VolunteerProfileLink sends the link that opens (or creates) a profile:
// the account is made for the address, and the usual sign-in link is sent.
func (s *Handlers) VolunteerProfileLink(w http.ResponseWriter, r *http.Request) {
	ri := kit.Info(r)
	email := auth.NormalizeEmail(r.PostFormValue("email"))
	back := kit.LocalPath(r.PostFormValue("retour"))
	if !strings.HasPrefix(back, "/s-impliquer/profil") {
		back = "/s-impliquer/profil"
	}
	if email == "" || !territory.ValidEmail(email) {
		s.volunteerProfilePage(w, r, http.StatusUnprocessableEntity, r.PostForm, map[string]string{"email": "errors.email"})
		return
	}
	if !s.AllowMagicLink(w, r) {
		return
	}
	// The account (the first time) and the e-mail with its link: both, or neither.
	ctx := r.Context()
	err := s.Deps.DB.InTx(ctx, func(tx *db.Tx) error {
		u, _, err := s.Deps.Auth.AccountTx(ctx, tx, auth.NewUser{Email: email, Locale: ri.Lang}, ri.Territory.ID)
		if err != nil || u.Disabled() {
			return err
		}
		tok, err := s.Deps.Auth.IssueTokenTx(ctx, tx, u.ID, auth.PurposeLogin, auth.MagicLinkTTL)
		if err != nil {
			return err
		}
		link := s.Cfg.BaseURL + "/connexion/lien?" + url.Values{"jeton": {tok}, "retour": {back}}.Encode()
		t := ri.Territory
		text := s.Cat.T(ri.Lang, "mail.volunteer.profile_link.body", int(auth.MagicLinkTTL/time.Minute), link) + "\n\n-- \n" + t.MailFooter()
		_, err = s.Deps.Mailer.QueueTx(ctx, tx, t.ID, mail.Message{To: u.Email,
			Subject: s.Cat.T(ri.Lang, "mail.volunteer.profile_link.subject", t.Name), Text: text,
			Secrets: []string{tok}, Limit: s.MagicLinkLimit(r, u)})
		return err
	})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Redirect(w, r, "/connexion/courriel-envoye")
}

func (s *Handlers) VolunteerDeleteProfile(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	ri := kit.Info(r)
	if r.PostFormValue("confirm") != "1" {
		s.volunteerProfilePage(w, r, http.StatusUnprocessableEntity, nil, map[string]string{"confirm": "errors.volunteer_confirm_delete"})
		return
	}
	s.Done(w, r, s.Deps.Volunteering.DeleteProfile(r.Context(), ri.Territory.ID, ri.Principal.User.ID), "flash.volunteer_profile_deleted", "/s-impliquer")
}

// Template helpers of the volunteering pages.

// VolunteerOpportunityCard is an opportunity's share image (Open Graph).
func (s *Handlers) VolunteerOpportunityCard(w http.ResponseWriter, r *http.Request) {
	o, ok := s.publicOpportunity(w, r)
	if !ok {
		return
	}
	where := o.PlaceName
	if where == "" {
		where = s.Cat.T("fr", "comms.share.remote")
	}
	s.WriteShareCard(w, r, sharecard.Card{Kicker: s.Cat.T("fr", "comms.share.opportunity"), Title: o.Title, When: o.Organization.Name,
		Where: where}, 10*time.Minute)
}
