package web

import (
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
	"implique/internal/territory"
	"implique/internal/tracking"
	"implique/internal/volunteering"
)

// OppView is an opportunity as citizens' pages show it, with how it fits
// when the page knows who asks.
type OppView struct {
	volunteering.Opportunity
	URL      string
	When     string
	Where    string
	Why      string
	Cautions []string
	Factors  []volunteering.FactorLine
	Score    int
	Excluded string
	// Applied is the status of the visitor's own application ("" for none).
	Applied string
}

// oppView prepares an opportunity for a page in b's language.
func (s *Server) oppView(b Base, o volunteering.Opportunity) OppView {
	v := OppView{Opportunity: o, URL: "/s-impliquer/offres/" + o.Slug}
	loc := b.Territory.Location()
	switch o.Schedule {
	case volunteering.OneOff:
		if o.StartsAt != nil {
			v.When = i18n.DateWithWeekday(b.Lang, o.StartsAt.In(loc)) + ", " + i18n.Time(b.Lang, o.StartsAt.In(loc))
			if o.EndsAt != nil {
				v.When += " – " + i18n.Time(b.Lang, o.EndsAt.In(loc))
			}
		}
	case volunteering.Recurring:
		v.When = s.deps.Volunteering.SlotsPhrase(b.Lang, o.Slots)
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
func withMatch(v OppView, m volunteering.Match) OppView {
	v.Why, v.Cautions, v.Factors, v.Score, v.Excluded = m.Explanation.Why, m.Explanation.Cautions, m.Explanation.Factors, m.Fit.Score, m.Explanation.Excluded
	return v
}

// Names of codes, for templates.

// CauseName names a cause.
func (b Base) CauseName(code string) string { return b.T("org.cause." + code) }

// SkillName names a skill.
func (b Base) SkillName(code string) string { return b.T("volunteer.skill." + code) }

// Causes names the causes of a mask, joined.
func (b Base) Causes(m volunteering.Mask) string {
	return b.names(m, volunteering.Causes, "org.cause.")
}

// Skills names the skills of a mask, joined.
func (b Base) Skills(m volunteering.Mask) string {
	return b.names(m, volunteering.Skills, "volunteer.skill.")
}

// Languages names the languages of a mask, joined.
func (b Base) Languages(m volunteering.Mask) string {
	return b.names(m, volunteering.Languages, "volunteer.language.")
}

func (b Base) names(m volunteering.Mask, list []string, prefix string) string {
	var out []string
	for _, c := range m.Codes(list) {
		out = append(out, b.T(prefix+c))
	}
	return strings.Join(out, ", ")
}

// Hours writes minutes as hours (« 2,5 h »).
func (b Base) Hours(minutes int) string { return volunteering.FormatHours(b.Lang, minutes) }

// DayDate formats a calendar day (« 30 mai 2026 »).
func (b Base) DayDate(d volunteering.Day) string {
	if d.IsZero() {
		return ""
	}
	return i18n.Date(b.Lang, d.Time())
}

// Money formats cents (« 25,00 $ »).
func (b Base) Money(cents int64) string { return i18n.Money(b.Lang, cents) }

// Choice is an option of a group of checkboxes or radios.
type Choice struct {
	Value, Label string
	Checked      bool
}

// Choices are the options of a form field from codes, labelled by prefix+code.
func (b Base) Choices(field, prefix string, codes []string) []Choice {
	out := make([]Choice, 0, len(codes))
	for _, c := range codes {
		out = append(out, Choice{Value: c, Label: b.T(prefix + c), Checked: b.Checked(field, c)})
	}
	return out
}

// SlotRow is one day of the availability grid.
type SlotRow struct {
	Day   string
	Slots []Choice
}

// SlotGrid is the availability grid of the form field "slot" (values
// "weekday-part", Monday first).
func (b Base) SlotGrid() []SlotRow {
	var rows []SlotRow
	for _, d := range volunteering.Days {
		row := SlotRow{Day: b.T("volunteer.day." + strconv.Itoa(int(d)))}
		for _, p := range volunteering.Parts {
			v := strconv.Itoa(int(d)) + "-" + strconv.Itoa(int(p))
			row.Slots = append(row.Slots, Choice{Value: v, Label: row.Day + " " + b.T("volunteer.part."+p.Code()), Checked: b.Checked("slot", v)})
		}
		rows = append(rows, row)
	}
	return rows
}

// PartLabels are the column headings of the availability grid.
func (b Base) PartLabels() []string {
	var out []string
	for _, p := range volunteering.Parts {
		out = append(out, b.T("volunteer.part_label."+p.Code()))
	}
	return out
}

// slotsOf reads the availability grid of a form.
func slotsOf(f url.Values) volunteering.Availability {
	var a volunteering.Availability
	for _, v := range f["slot"] {
		d, p, ok := strings.Cut(v, "-")
		di, err1 := strconv.Atoi(d)
		pi, err2 := strconv.Atoi(p)
		if !ok || err1 != nil || err2 != nil || di < 0 || di > 6 || pi < 0 || pi > 2 {
			continue
		}
		a |= volunteering.Slot(time.Weekday(di), volunteering.Part(pi))
	}
	return a
}

// slotValues writes an availability back as the grid's values.
func slotValues(a volunteering.Availability) []string {
	var out []string
	for _, d := range volunteering.Days {
		for _, p := range volunteering.Parts {
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

func quickAvailability(answers []string) volunteering.Availability {
	var a volunteering.Availability
	for _, v := range answers {
		switch v {
		case "jour":
			a |= volunteering.Weekdays(volunteering.Morning, volunteering.Afternoon)
		case "soir":
			a |= volunteering.Weekdays(volunteering.Evening)
		case "fin-de-semaine":
			a |= volunteering.Weekend()
		case "ponctuel":
			a |= volunteering.Occasional
		}
	}
	return a
}

type volunteerHomePage struct {
	Base
	Places     []territory.Place
	Causes     []string
	When       []string
	Kinds      []volunteering.Kind
	Matches    []OppView
	Browse     bool
	Quick      bool
	Profile    volunteering.Profile
	QuickQuery string
	Opps       []OppView
	Manages    bool
}

// applied maps the visitor's opportunities to their application status.
func (s *Server) applied(r *http.Request) (map[int64]string, error) {
	ri := info(r)
	out := map[int64]string{}
	if !ri.principal.SignedIn() {
		return out, nil
	}
	apps, err := s.deps.Volunteering.ApplicationsOf(r.Context(), ri.territory.ID, ri.principal.User.ID)
	for _, a := range apps {
		out[a.Opportunity.ID] = a.Status
	}
	return out, err
}

func (s *Server) volunteerHome(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	ctx := r.Context()
	q := r.URL.Query()
	p := volunteerHomePage{Base: s.base(w, r, "volunteer.home.title"), Causes: volunteering.Causes, When: quickWhen, Kinds: volunteering.Kinds,
		Browse: q.Get("tout") == "1", Manages: len(ri.principal.Organizations) > 0 || s.can(r, auth.ManageVolunteering)}
	var err error
	if p.Places, err = s.deps.Territories.Places(ctx, ri.territory.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if ri.principal.SignedIn() {
		if p.Profile, err = s.deps.Volunteering.Profile(ctx, ri.territory.ID, ri.principal.User.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	mine, err := s.applied(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Form = q
	if p.Browse {
		f := volunteering.Filter{OpenOnly: true, PlaceSlug: q.Get("lieu"), IncludeRemote: true, Cause: q.Get("cause"), Limit: 200}
		if k, ok := volunteering.ParseKind(q.Get("type")); ok {
			f.Kind = k
		} else {
			f.Individual = true
		}
		if f.PlaceSlug != "" {
			if _, err := s.deps.Territories.Place(ctx, ri.territory.ID, f.PlaceSlug); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if f.Cause != "" && !orgs.ValidCause(f.Cause) {
			f.Cause = ""
		}
		opps, err := s.deps.Volunteering.Opportunities(ctx, ri.territory.ID, f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, o := range opps {
			v := s.oppView(p.Base, o)
			v.Applied = mine[o.ID]
			p.Opps = append(p.Opps, v)
		}
		p.Title = p.T("volunteer.browse.title")
		s.render(w, r, http.StatusOK, "volunteer_home", p)
		return
	}
	// Who asks: the quick match's answers, or else the profile.
	var sk volunteering.Seeker
	switch {
	case q.Has("lieu") || q.Has("cause") || q.Has("quand"):
		p.Quick = true
		if slug := q.Get("lieu"); slug != "" {
			pl, err := s.deps.Territories.Place(ctx, ri.territory.ID, slug)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			sk.PlaceID = pl.ID
		}
		sk.Causes, _ = volunteering.MaskOf(volunteering.Causes, q["cause"])
		sk.Availability = quickAvailability(q["quand"])
		p.QuickQuery = url.Values{"lieu": {q.Get("lieu")}, "cause": q["cause"], "quand": q["quand"]}.Encode()
	case p.Profile.Exists():
		sk = p.Profile.Seeker()
		p.Form = url.Values{"lieu": {p.Profile.PlaceSlug}, "cause": p.Profile.Causes.Codes(volunteering.Causes)}
	}
	matches, err := s.deps.Volunteering.Matches(ctx, ri.territory.ID, sk, ri.lang, 20)
	if err != nil {
		s.fail(w, r, err)
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
	s.render(w, r, http.StatusOK, "volunteer_home", p)
}

type volunteerOppPage struct {
	Base
	Opp         OppView
	Open        bool
	Mine        *volunteering.Application
	Sent        bool
	HasFit      bool
	OnBehalf    []orgs.OrgRef
	Manages     bool
	QuickQuery  string
	CorpBlocked bool
}

func (s *Server) volunteerOpportunity(w http.ResponseWriter, r *http.Request) {
	s.volunteerOppPage(w, r, http.StatusOK, nil, nil)
}

// publicOpportunity finds an opportunity of the territory by its {slug}.
func (s *Server) publicOpportunity(w http.ResponseWriter, r *http.Request) (volunteering.Opportunity, bool) {
	o, err := s.deps.Volunteering.OpportunityBySlug(r.Context(), info(r).territory.ID, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return o, false
	}
	return o, true
}

func (s *Server) volunteerOppPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	o, ok := s.publicOpportunity(w, r)
	if !ok {
		return
	}
	ri := info(r)
	ctx := r.Context()
	q := r.URL.Query()
	p := volunteerOppPage{Base: s.base(w, r, ""), Open: o.Open(s.deps.Volunteering.Now()), Sent: q.Get("envoye") == "1"}
	p.SetTypedTitle(o.Title)
	p.Opp = s.oppView(p.Base, o)
	// How it fits: the quick match's answers carried in the link, or the profile.
	var sk volunteering.Seeker
	if q.Has("lieu") || q.Has("cause") || q.Has("quand") {
		if pl, err := s.deps.Territories.Place(ctx, ri.territory.ID, q.Get("lieu")); err == nil {
			sk.PlaceID = pl.ID
		}
		sk.Causes, _ = volunteering.MaskOf(volunteering.Causes, q["cause"])
		sk.Availability = quickAvailability(q["quand"])
		p.HasFit = true
		p.QuickQuery = url.Values{"lieu": {q.Get("lieu")}, "cause": q["cause"], "quand": q["quand"]}.Encode()
	}
	if ri.principal.SignedIn() {
		prof, err := s.deps.Volunteering.Profile(ctx, ri.territory.ID, ri.principal.User.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !p.HasFit && prof.Exists() {
			sk, p.HasFit = prof.Seeker(), true
		}
		apps, err := s.deps.Volunteering.ApplicationsOf(ctx, ri.territory.ID, ri.principal.User.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for i := range apps {
			if apps[i].Opportunity.ID == o.ID && apps[i].Status != volunteering.Withdrawn {
				p.Mine = &apps[i]
			}
		}
		if o.Kind.Corporate() {
			for _, id := range ri.principal.Organizations {
				org, err := s.deps.Orgs.Get(ctx, ri.territory.ID, id)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				if id != o.Organization.ID && (o.Kind != volunteering.CorporateRequest || org.Kind == orgs.Business) {
					p.OnBehalf = append(p.OnBehalf, org.Ref())
				}
			}
		}
	}
	p.CorpBlocked = o.Kind.Corporate() && len(p.OnBehalf) == 0
	if p.HasFit {
		fit, e, err := s.deps.Volunteering.FitOf(ctx, ri.territory.ID, sk, o, ri.lang)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Opp = withMatch(p.Opp, volunteering.Match{Opportunity: o, Fit: fit, Explanation: e})
	}
	p.Manages = auth.Can(ri.principal, auth.EditOrganization, auth.Resource{TerritoryID: ri.territory.ID, OrganizationID: o.Organization.ID})
	if form == nil {
		form = url.Values{}
		if u := ri.principal.User; u != nil {
			form.Set("name", u.Name)
			form.Set("email", u.Email)
		}
	}
	p.Form, p.Errors = form, problems
	s.render(w, r, status, "volunteer_opportunity", p)
}

// volunteerApply records « je suis intéressé·e ». Signed in, it counts at
// once; otherwise the person gets a link to confirm (and to sign in).
func (s *Server) volunteerApply(w http.ResponseWriter, r *http.Request) {
	o, ok := s.publicOpportunity(w, r)
	if !ok {
		return
	}
	ri := info(r)
	ctx := r.Context()
	_ = r.ParseForm()
	f := r.PostForm
	in := volunteering.ApplyInput{Message: f.Get("message")}
	if v := f.Get("on_behalf"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		if !ri.principal.Manages(id) {
			s.volunteerOppPage(w, r, http.StatusUnprocessableEntity, f, map[string]string{"on_behalf": "errors.volunteer_on_behalf"})
			return
		}
		in.OnBehalfID = id
	}
	back := "/s-impliquer/offres/" + o.Slug
	if u := ri.principal.User; u != nil && s.can(r, auth.ManageOwnAccount) {
		_, out, err := s.deps.Volunteering.Apply(ctx, ri.territory.ID, o.ID, u.ID, in, true)
		if e, ok := errs.As(err); ok {
			s.volunteerOppPage(w, r, statusOf(e.Code), f, formProblems(e, nil))
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		if out.Existing {
			s.flash(w, "flash.volunteer_already_applied")
		} else {
			s.flash(w, "flash.volunteer_applied")
		}
		s.redirect(w, r, back)
		return
	}
	if !s.allowPublicForm(w, r) {
		return
	}
	// The account (the first time), the application and the e-mail that
	// confirms it: all of it is stored, or none; the stores check what was typed.
	err := s.deps.DB.InTx(ctx, func(tx *db.Tx) error {
		u, _, err := s.deps.Auth.AccountTx(ctx, tx, auth.NewUser{Email: f.Get("email"), Name: f.Get("name"), Locale: ri.lang}, ri.territory.ID)
		if err != nil || u.Disabled() {
			return err
		}
		out, err := s.deps.Volunteering.ApplyTx(ctx, tx, ri.territory.ID, o.ID, u.ID, in, false)
		if err != nil || out.Status != volunteering.Unconfirmed {
			return err
		}
		return s.queueApplicationLink(r, tx, u, out.ID, o)
	})
	if e, ok := errs.As(err); ok {
		s.volunteerOppPage(w, r, statusOf(e.Code), f, formProblems(e, nil))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	// The same answer whether the address had an account or not.
	s.redirect(w, r, back+"?envoye=1#interet")
}

// applicationLinkTTL is how long the link that confirms an application
// (and signs in) works.
const applicationLinkTTL = 48 * time.Hour

// queueApplicationLink queues, inside tx, the e-mail with the link that
// confirms an application and signs its person in (a one-time sign-in
// token, as for any magic link).
func (s *Server) queueApplicationLink(r *http.Request, tx *db.Tx, u *auth.User, applicationID int64, o volunteering.Opportunity) error {
	ri := info(r)
	tok, err := s.deps.Auth.IssueTokenTx(r.Context(), tx, u.ID, auth.PurposeLogin, applicationLinkTTL)
	if err != nil {
		return err
	}
	link := s.cfg.BaseURL + "/s-impliquer/confirmer?" + url.Values{"jeton": {tok}, "candidature": {strconv.FormatInt(applicationID, 10)}}.Encode()
	lang := ri.lang
	t := ri.territory
	text := s.cat.T(lang, "mail.volunteer.confirm.body", u.DisplayName(), o.Title, o.Organization.Name, int(applicationLinkTTL/time.Hour), link) +
		"\n\n-- \n" + t.MailFooter()
	_, err = s.deps.Mailer.QueueTx(r.Context(), tx, t.ID, mail.Message{To: u.Email, Subject: s.cat.T(lang, "mail.volunteer.confirm.subject", o.Title), Text: text,
		Secrets: []string{tok},
		// Applying again (or probing an address) the same day sends nothing more; the page says the same.
		Limit: mail.Limit{Key: "volunteer-apply:" + strconv.FormatInt(applicationID, 10), Max: 1, Per: 24 * time.Hour}})
	return err
}

type volunteerConfirmPage struct {
	Base
	Token       string
	Application string
	Opp         string
}

// volunteerConfirmLanding shows a button: a mail scanner opening the link
// neither signs in nor confirms.
func (s *Server) volunteerConfirmLanding(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	q := r.URL.Query()
	p := volunteerConfirmPage{Base: s.base(w, r, "volunteer.confirm.title"), Token: q.Get("jeton"), Application: q.Get("candidature")}
	if err := s.deps.Auth.CheckToken(r.Context(), p.Token, auth.PurposeLogin); err != nil {
		s.fail(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(p.Application, 10, 64)
	a, err := s.deps.Volunteering.Application(r.Context(), info(r).territory.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Opp = a.Opportunity.Title + " — " + a.Opportunity.Organization.Name
	s.render(w, r, http.StatusOK, "volunteer_confirm", p)
}

func (s *Server) volunteerConfirm(w http.ResponseWriter, r *http.Request) {
	counted, blocked := s.linkUse(w, r)
	if blocked {
		return
	}
	ri := info(r)
	id, _ := strconv.ParseInt(r.PostFormValue("candidature"), 10, 64)
	a, err := s.deps.Volunteering.Application(r.Context(), ri.territory.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.deps.Auth.UseToken(r.Context(), r.PostFormValue("jeton"), auth.PurposeLogin)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.forgive(r, counted)
	if a.Person.ID != u.ID {
		s.renderError(w, r, http.StatusNotFound, "errors.volunteer_application_not_found")
		return
	}
	if _, err := s.deps.Volunteering.ConfirmApplication(r.Context(), ri.territory.ID, a.ID, u.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	tok, err := s.deps.Auth.CreateSession(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, tok)
	s.flash(w, "flash.volunteer_confirmed")
	s.redirect(w, r, "/s-impliquer/mon-benevolat")
}

// volunteerJebenevole counts a click to the same offer on jebénévole.ca
// (campaign « fiche-offre », the opportunity's place) and goes there.
func (s *Server) volunteerJebenevole(w http.ResponseWriter, r *http.Request) {
	o, ok := s.publicOpportunity(w, r)
	if !ok {
		return
	}
	if o.JebenevoleURL == "" {
		s.notFound(w, r)
		return
	}
	ri := info(r)
	l, err := s.deps.Tracking.Ensure(r.Context(), ri.territory.ID, tracking.Input{Target: o.JebenevoleURL, Campaign: "fiche-offre",
		PlaceSlug: o.PlaceSlug, Label: o.Title})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.followLink(w, r, l.Code)
}

// JebenevoleHome is where the province's volunteering site starts.
const JebenevoleHome = "https://www.jebenevole.ca/"

// volunteerJebenevoleHome counts a click to jebénévole.ca from this page
// (campaign « page-s-impliquer ») and goes there.
func (s *Server) volunteerJebenevoleHome(w http.ResponseWriter, r *http.Request) {
	l, err := s.deps.Tracking.Ensure(r.Context(), info(r).territory.ID, tracking.Input{Target: JebenevoleHome, Campaign: "page-s-impliquer",
		Label: "jebénévole.ca"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.followLink(w, r, l.Code)
}

// Profile.

type volunteerProfilePage struct {
	Base
	Places     []territory.Place
	Businesses []orgs.Organization
	Profile    volunteering.Profile
	AgeBands   []volunteering.AgeBand
	Mobilities []volunteering.Mobility
	Distances  []int
	Back       string
}

// travelChoices are the distances the profile offers (0: my municipality only).
var travelChoices = []int{0, 5, 10, 15, 25, 40, 60}

func (s *Server) volunteerProfilePage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := info(r)
	ctx := r.Context()
	p := volunteerProfilePage{Base: s.base(w, r, "volunteer.profile.title"), AgeBands: volunteering.AgeBands,
		Mobilities: volunteering.Mobilities, Distances: travelChoices}
	var err error
	if p.Places, err = s.deps.Territories.Places(ctx, ri.territory.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	if !ri.principal.SignedIn() {
		// Carry the quick match's answers through the sign-in link.
		carry := url.Values{"lieu": {q.Get("lieu")}, "cause": q["cause"], "quand": q["quand"]}
		p.Back = "/s-impliquer/profil?" + carry.Encode()
		if form == nil {
			form = url.Values{}
		}
		p.Form, p.Errors = form, problems
		s.render(w, r, status, "volunteer_profile", p)
		return
	}
	if p.Businesses, _, err = s.deps.Orgs.List(ctx, ri.territory.ID, orgs.Filter{Kind: orgs.Business}); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Profile, err = s.deps.Volunteering.Profile(ctx, ri.territory.ID, ri.principal.User.ID); err != nil {
		s.fail(w, r, err)
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
	s.render(w, r, status, "volunteer_profile", p)
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
func profileForm(p volunteering.Profile) url.Values {
	f := url.Values{"place": {p.PlaceSlug}, "cause": p.Causes.Codes(volunteering.Causes), "skill": p.Skills.Codes(volunteering.Skills),
		"language": p.Languages.Codes(volunteering.Languages), "slot": slotValues(p.Availability), "mobility": {string(p.Mobility)},
		"age_band": {p.AgeBand}, "school": {p.School}}
	if p.Availability&volunteering.Occasional != 0 {
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

func (s *Server) volunteerProfile(w http.ResponseWriter, r *http.Request) {
	s.volunteerProfilePage(w, r, http.StatusOK, nil, nil)
}

func (s *Server) volunteerSaveProfile(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return
	}
	ri := info(r)
	_ = r.ParseForm()
	f := r.PostForm
	in := volunteering.ProfileInput{PlaceSlug: f.Get("place"), Causes: f["cause"], Skills: f["skill"], Languages: f["language"],
		Availability: slotsOf(f), Mobility: volunteering.Mobility(f.Get("mobility")), AgeBand: f.Get("age_band"),
		Student: f.Get("student") == "1", School: f.Get("school"), Digest: f.Get("digest") == "1",
		ParentConsent: f.Get("parent_consent") == "1"}
	if f.Get("occasional") == "1" {
		in.Availability |= volunteering.Occasional
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
	_, err := s.deps.Volunteering.SaveProfile(r.Context(), ri.territory.ID, ri.principal.User.ID, in)
	if e, ok := errs.As(err); ok {
		s.volunteerProfilePage(w, r, statusOf(e.Code), f, e.Fields)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.volunteer_profile_saved")
	s.redirect(w, r, "/s-impliquer")
}

// volunteerProfileLink sends the link that opens (or creates) a profile:
// the account is made for the address, and the usual sign-in link is sent.
func (s *Server) volunteerProfileLink(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	_ = r.ParseForm()
	email := auth.NormalizeEmail(r.PostFormValue("email"))
	back := localPath(r.PostFormValue("retour"))
	if !strings.HasPrefix(back, "/s-impliquer/profil") {
		back = "/s-impliquer/profil"
	}
	if email == "" || !territory.ValidEmail(email) {
		s.volunteerProfilePage(w, r, http.StatusUnprocessableEntity, r.PostForm, map[string]string{"email": "errors.email"})
		return
	}
	if _, blocked := s.attempt(w, r, bucket{"magic-link-ip:" + s.clientIP(r), magicLinkPerIP}); blocked {
		return
	}
	// The account (the first time) and the e-mail with its link: both, or neither.
	ctx := r.Context()
	err := s.deps.DB.InTx(ctx, func(tx *db.Tx) error {
		u, _, err := s.deps.Auth.AccountTx(ctx, tx, auth.NewUser{Email: email, Locale: ri.lang}, ri.territory.ID)
		if err != nil || u.Disabled() {
			return err
		}
		tok, err := s.deps.Auth.IssueTokenTx(ctx, tx, u.ID, auth.PurposeLogin, auth.MagicLinkTTL)
		if err != nil {
			return err
		}
		link := s.cfg.BaseURL + "/connexion/lien?" + url.Values{"jeton": {tok}, "retour": {back}}.Encode()
		t := ri.territory
		text := s.cat.T(ri.lang, "mail.volunteer.profile_link.body", int(auth.MagicLinkTTL/time.Minute), link) + "\n\n-- \n" + t.MailFooter()
		_, err = s.deps.Mailer.QueueTx(ctx, tx, t.ID, mail.Message{To: u.Email,
			Subject: s.cat.T(ri.lang, "mail.volunteer.profile_link.subject", t.Name), Text: text,
			Secrets: []string{tok}, Limit: s.magicLinkLimit(r, u)})
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/connexion/courriel-envoye")
}

func (s *Server) volunteerDeleteProfile(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return
	}
	ri := info(r)
	if r.PostFormValue("confirm") != "1" {
		s.volunteerProfilePage(w, r, http.StatusUnprocessableEntity, nil, map[string]string{"confirm": "errors.volunteer_confirm_delete"})
		return
	}
	if err := s.deps.Volunteering.DeleteProfile(r.Context(), ri.territory.ID, ri.principal.User.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.volunteer_profile_deleted")
	s.redirect(w, r, "/s-impliquer")
}

// Template helpers of the volunteering pages.

// CheckGroup is what the "checkgroup" template draws: a fieldset of
// checkboxes with its legend, help and problem.
type CheckGroup struct {
	Name, Legend, Help, Error string
	Choices                   []Choice
	Columns                   bool
}

// Checks describes a group of checkboxes of the page's form; helpKey may be "".
func (b Base) Checks(name, legendKey, helpKey, prefix string, codes []string) CheckGroup {
	g := CheckGroup{Name: name, Legend: b.T(legendKey), Error: b.FieldError(name), Choices: b.Choices(name, prefix, codes), Columns: len(codes) > 6}
	if helpKey != "" {
		g.Help = b.T(helpKey)
	}
	return g
}

// AllCauses, AllSkills and AllLanguages are the codes forms offer.
func (b Base) AllCauses() []string    { return volunteering.Causes }
func (b Base) AllSkills() []string    { return volunteering.Skills }
func (b Base) AllLanguages() []string { return volunteering.Languages }

// OppCardData is what the "oppcard" template draws.
type OppCardData struct {
	Base Base
	Opp  OppView
}

// OppCard prepares an opportunity card.
func (b Base) OppCard(o OppView) OppCardData { return OppCardData{Base: b, Opp: o} }

// SlotFieldsetData is what the "slotgrid" template draws.
type SlotFieldsetData struct {
	B            Base
	Legend, Help string
}

// SlotFieldset describes the availability grid with its legend and help (helpKey may be "").
func (b Base) SlotFieldset(legendKey, helpKey string) SlotFieldsetData {
	d := SlotFieldsetData{B: b, Legend: b.T(legendKey)}
	if helpKey != "" {
		d.Help = b.T(helpKey)
	}
	return d
}
