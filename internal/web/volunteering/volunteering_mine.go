package volunteering

import (
	"bytes"
	"implique/internal/calendar"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/export"
	"implique/internal/i18n"
	"implique/internal/orgs"
	vol "implique/internal/volunteering"
	"implique/internal/web/kit"
)

type volunteerMinePage struct {
	kit.Base
	Applications []vol.Application
	Unconfirmed  []vol.Application
	Summary      vol.HoursSummary
	Milestones   []vol.Milestone
	Profile      vol.Profile
	Years        []int
	SchoolYears  []string
	NameMissing  bool
}

// mine is the signed-in person's own volunteering page.
func (s *Handlers) VolunteerMine(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	ri := kit.Info(r)
	ctx := r.Context()
	uid := ri.Principal.User.ID
	p := volunteerMinePage{Base: s.Page(w, r, "volunteer.mine.title"), NameMissing: ri.Principal.User.Name == ""}
	apps, err := s.Deps.Volunteering.ApplicationsOf(ctx, ri.Territory.ID, uid)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, a := range apps {
		if a.Status == vol.Unconfirmed {
			p.Unconfirmed = append(p.Unconfirmed, a)
		} else {
			p.Applications = append(p.Applications, a)
		}
	}
	if p.Summary, err = s.Deps.Volunteering.HoursOf(ctx, ri.Territory.ID, uid); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Milestones, err = s.Deps.Volunteering.MilestonesOf(ctx, ri.Territory.ID, uid); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Profile, err = s.Deps.Volunteering.Profile(ctx, ri.Territory.ID, uid); err != nil {
		s.Fail(w, r, err)
		return
	}
	seen := map[string]bool{}
	for _, y := range p.Summary.ByYear {
		p.Years = append(p.Years, y.Year)
	}
	for _, h := range p.Summary.Entries {
		if h.Status != vol.HoursConfirmed {
			continue
		}
		sy := vol.SchoolYearOf(h.Day).String()
		if !seen[sy] {
			seen[sy] = true
			p.SchoolYears = append(p.SchoolYears, sy)
		}
	}
	s.Render(w, r, http.StatusOK, "volunteer_mine", p)
}

// ownApplication reads {id} and checks the application is the visitor's.
func (s *Handlers) ownApplication(w http.ResponseWriter, r *http.Request) (vol.Application, bool) {
	if !s.Can(r, auth.ManageOwnAccount) {
		s.Forbid(w, r)
		return vol.Application{}, false
	}
	ri := kit.Info(r)
	a, err := s.Deps.Volunteering.Application(r.Context(), ri.Territory.ID, kit.PathID(r, "id"))
	if err == nil && a.Person.ID != ri.Principal.User.ID {
		err = errs.New(errs.NotFound, "errors.volunteer_application_not_found")
	}
	if err != nil {
		s.Fail(w, r, err)
		return a, false
	}
	return a, true
}

func (s *Handlers) VolunteerConfirmMine(w http.ResponseWriter, r *http.Request) {
	a, ok := s.ownApplication(w, r)
	if !ok {
		return
	}
	if _, err := s.Deps.Volunteering.ConfirmApplication(r.Context(), kit.Info(r).Territory.ID, a.ID, a.Person.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, "flash.volunteer_confirmed", "/s-impliquer/mon-benevolat")
}

func (s *Handlers) VolunteerWithdraw(w http.ResponseWriter, r *http.Request) {
	a, ok := s.ownApplication(w, r)
	if !ok {
		return
	}
	s.Done(w, r, s.Deps.Volunteering.WithdrawApplication(r.Context(), kit.Info(r).Territory.ID, a.ID, a.Person.ID), "flash.volunteer_withdrawn", "/s-impliquer/mon-benevolat")
}

// Hours.

type volunteerHoursPage struct {
	kit.Base
	Organizations []orgs.OrgRef
	Businesses    []orgs.OrgRef
	Opportunities []vol.OpportunityRef
	Today         string
}

func (s *Handlers) volunteerHoursPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := kit.Info(r)
	ctx := r.Context()
	p := volunteerHoursPage{Base: s.Page(w, r, "volunteer.hours.title"),
		Today: s.Deps.Volunteering.Now().In(ri.Territory.Location()).Format("2006-01-02")}
	all, err := s.Deps.Orgs.Options(ctx, ri.Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Organizations = all
	for _, o := range all {
		if o.Kind == orgs.Business {
			p.Businesses = append(p.Businesses, o)
		}
	}
	apps, err := s.Deps.Volunteering.ApplicationsOf(ctx, ri.Territory.ID, ri.Principal.User.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, a := range apps {
		if a.Status == vol.Accepted || a.Status == vol.Contacted {
			p.Opportunities = append(p.Opportunities, a.Opportunity)
		}
	}
	if form == nil {
		form = url.Values{"day": {p.Today}}
		q := r.URL.Query()
		if id, err := strconv.ParseInt(q.Get("offre"), 10, 64); err == nil {
			for _, o := range p.Opportunities {
				if o.ID == id {
					form.Set("opportunity", q.Get("offre"))
					form.Set("organization", strconv.FormatInt(o.Organization.ID, 10))
					form.Set("activity", o.Title)
				}
			}
		}
		prof, err := s.Deps.Volunteering.Profile(ctx, ri.Territory.ID, ri.Principal.User.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		if prof.EmployerID != 0 {
			form.Set("employer", strconv.FormatInt(prof.EmployerID, 10))
		}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "volunteer_hours", p)
}

func (s *Handlers) VolunteerHoursForm(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	s.volunteerHoursPage(w, r, http.StatusOK, nil, nil)
}

func formID(f url.Values, field string) int64 {
	id, err := strconv.ParseInt(f.Get(field), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

func (s *Handlers) VolunteerDeclareHours(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	ri := kit.Info(r)
	f := r.PostForm
	in := vol.HoursInput{OrganizationID: formID(f, "organization"), OpportunityID: formID(f, "opportunity"),
		EmployerID: formID(f, "employer"), Day: f.Get("day"), Hours: f.Get("hours"), Activity: f.Get("activity")}
	if f.Get("organization") != "" && in.OrganizationID == 0 {
		s.volunteerHoursPage(w, r, http.StatusUnprocessableEntity, f, map[string]string{"organization": "errors.volunteer_org_unknown"})
		return
	}
	_, err := s.Deps.Volunteering.DeclareHours(r.Context(), ri.Territory.ID, ri.Principal.User.ID, in)
	if err != nil {
		s.RefuseFields(w, r, err, func(status int, problems map[string]string) { s.volunteerHoursPage(w, r, status, f, problems) })
		return
	}
	s.Confirm(w, r, "flash.volunteer_hours_declared", "/s-impliquer/mon-benevolat#heures")
}

func (s *Handlers) VolunteerWithdrawHours(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	ri := kit.Info(r)
	s.Done(w, r, s.Deps.Volunteering.WithdrawHours(r.Context(), ri.Territory.ID, kit.PathID(r, "id"), ri.Principal.User.ID), "flash.volunteer_hours_withdrawn", "/s-impliquer/mon-benevolat#heures")
}

// Certificates.

// VolunteerCertificate downloads the certificate of recognition of a
// calendar year (?annee=2025), or of everything (no year).
func (s *Handlers) VolunteerCertificate(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	from, to := calendar.Date{Year: 2000, Month: 1, Day: 1}, calendar.DateOf(s.Deps.Volunteering.Now().In(kit.Info(r).Territory.Location()))
	name := s.Cat.T(kit.Info(r).Lang, "volunteer.cert.file_all")
	if v := r.URL.Query().Get("annee"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2200 {
			s.RenderError(w, r, http.StatusUnprocessableEntity, "errors.volunteer_year")
			return
		}
		from, to = calendar.Date{Year: y, Month: 1, Day: 1}, calendar.Date{Year: y, Month: 12, Day: 31}
		name = s.Cat.T(kit.Info(r).Lang, "volunteer.cert.file_year", y)
	}
	s.writeCertificate(w, r, vol.RecognitionCertificate, from, to, name)
}

// VolunteerAttestation downloads a student's attestation of community
// involvement for a school year (?annee=2025-2026).
func (s *Handlers) VolunteerAttestation(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageOwnAccount) {
		return
	}
	sy, ok := vol.ParseSchoolYear(r.URL.Query().Get("annee"))
	if !ok {
		s.RenderError(w, r, http.StatusUnprocessableEntity, "errors.volunteer_school_year")
		return
	}
	s.writeCertificate(w, r, vol.SchoolAttestation, sy.From(), sy.To(),
		s.Cat.T(kit.Info(r).Lang, "volunteer.cert.school_file", sy.String()))
}

// writeCertificate sends the certificate of kind for the days from to to,
// as a file named after name, which says what it holds (the year, every
// year, the school year).
func (s *Handlers) writeCertificate(w http.ResponseWriter, r *http.Request, kind string, from, to calendar.Date, name string) {
	ri := kit.Info(r)
	u, err := s.Deps.Auth.UserByID(r.Context(), ri.Principal.User.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	c, err := s.Deps.Volunteering.IssueCertificate(r.Context(), ri.Territory.ID, u.ID, kind, from, to, u.Name)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	lang := ri.Lang
	T := func(k string, a ...any) string { return s.Cat.T(lang, k, a...) }
	t := ri.Territory
	now := s.Deps.Volunteering.Now().In(t.Location())
	// The period actually covered: the first and last confirmed days.
	first, last := to, from
	for _, o := range c.Organizations {
		if o.First.Before(first) {
			first = o.First
		}
		if last.Before(o.Last) {
			last = o.Last
		}
	}
	doc := export.Certificate{Lang: lang, Issuer: t.OperatorName, Program: t.ProgramName, Holder: c.HolderName,
		Columns:   [2]string{T("volunteer.cert.organization"), T("volunteer.cert.hours")},
		Total:     [2]string{T("volunteer.cert.total"), vol.FormatHours(lang, c.Minutes)},
		Signature: T("volunteer.cert.signature", t.OperatorName), Issued: T("volunteer.cert.issued", i18n.Date(lang, now)),
		Verification: T("volunteer.cert.verification", c.Code, s.Cfg.BaseURL+"/s-impliquer/verification"), Created: now}
	if doc.Issuer == "" {
		doc.Issuer = t.Name
	}
	for _, o := range c.Organizations {
		doc.Rows = append(doc.Rows, [2]string{o.Organization.Name, vol.FormatHours(lang, o.Minutes)})
	}
	period := T("volunteer.cert.period", i18n.Date(lang, first.Time()), i18n.Date(lang, last.Time()))
	if kind == vol.SchoolAttestation {
		sy := vol.SchoolYearOf(from).String()
		doc.Title, doc.Intro = T("volunteer.cert.school_title"), T("volunteer.cert.school_intro")
		doc.Statement = T("volunteer.cert.school_statement", vol.FormatHours(lang, c.Minutes), sy, period)
		if c.School != "" {
			doc.Note = T("volunteer.cert.school_note", c.School)
		}
	} else {
		doc.Title, doc.Intro = T("volunteer.cert.title"), T("volunteer.cert.intro")
		doc.Statement = T("volunteer.cert.statement", vol.FormatHours(lang, c.Minutes), period)
	}
	var buf bytes.Buffer
	if err := export.WriteCertificatePDF(&buf, doc); err != nil {
		s.Fail(w, r, err)
		return
	}
	kit.SendFile(w, export.ContentTypePDF, export.Filename(name, "pdf"), buf.Bytes())
}

type volunteerVerifyPage struct {
	kit.Base
	Code        string
	Certificate *vol.VerifiedCertificate
	NotFound    bool
}

// VolunteerVerify lets anyone holding a certificate check its code.
func (s *Handlers) VolunteerVerify(w http.ResponseWriter, r *http.Request) {
	p := volunteerVerifyPage{Base: s.Page(w, r, "volunteer.verify.title"), Code: r.URL.Query().Get("code")}
	status := http.StatusOK
	if p.Code != "" {
		c, err := s.Deps.Volunteering.VerifyCertificate(r.Context(), kit.Info(r).Territory.ID, p.Code)
		switch {
		case errs.Is(err, errs.NotFound):
			p.NotFound, status = true, http.StatusNotFound
		case err != nil:
			s.Fail(w, r, err)
			return
		default:
			p.Certificate = &c
		}
	}
	p.Form = url.Values{"code": {p.Code}}
	s.Render(w, r, status, "volunteer_verify", p)
}

// Unsubscribing from the digest: a page with a button (a mail scanner
// opening the link changes nothing), and one-click for mail programs.

type volunteerUnsubscribePage struct {
	kit.Base
	Token string
	Done  bool
}

func (s *Handlers) VolunteerUnsubscribeLanding(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	tok := r.PathValue("token")
	if _, err := s.Deps.Volunteering.UnsubscribeUser(r.Context(), tok); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "volunteer_unsubscribe", volunteerUnsubscribePage{Base: s.Page(w, r, "volunteer.unsubscribe.title"), Token: tok})
}

func (s *Handlers) VolunteerUnsubscribe(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if err := s.Deps.Volunteering.Unsubscribe(r.Context(), kit.Info(r).Territory.ID, tok); err != nil {
		s.Fail(w, r, err)
		return
	}
	if r.PostFormValue("List-Unsubscribe") == "One-Click" {
		w.WriteHeader(http.StatusOK)
		return
	}
	s.Render(w, r, http.StatusOK, "volunteer_unsubscribe", volunteerUnsubscribePage{Base: s.Page(w, r, "volunteer.unsubscribe.done_title"), Done: true})
}

// dayOf is a time's calendar day in the territory.
func (s *Handlers) dayOf(r *http.Request, t time.Time) calendar.Date {
	return calendar.DateOf(t.In(kit.Info(r).Territory.Location()))
}
