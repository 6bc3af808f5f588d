package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/errs"
	"implique/internal/export"
	"implique/internal/i18n"
	"implique/internal/orgs"
	"implique/internal/volunteering"
)

type volunteerMinePage struct {
	Base
	Applications []volunteering.Application
	Unconfirmed  []volunteering.Application
	Summary      volunteering.HoursSummary
	Milestones   []volunteering.Milestone
	Profile      volunteering.Profile
	Years        []int
	SchoolYears  []string
	NameMissing  bool
}

// mine is the signed-in person's own volunteering page.
func (s *Server) volunteerMine(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return
	}
	ri := info(r)
	ctx := r.Context()
	uid := ri.principal.User.ID
	p := volunteerMinePage{Base: s.base(w, r, "volunteer.mine.title"), NameMissing: ri.principal.User.Name == ""}
	apps, err := s.deps.Volunteering.ApplicationsOf(ctx, ri.territory.ID, uid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, a := range apps {
		if a.Status == volunteering.Unconfirmed {
			p.Unconfirmed = append(p.Unconfirmed, a)
		} else {
			p.Applications = append(p.Applications, a)
		}
	}
	if p.Summary, err = s.deps.Volunteering.HoursOf(ctx, ri.territory.ID, uid); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Milestones, err = s.deps.Volunteering.MilestonesOf(ctx, ri.territory.ID, uid); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Profile, err = s.deps.Volunteering.Profile(ctx, ri.territory.ID, uid); err != nil {
		s.fail(w, r, err)
		return
	}
	seen := map[string]bool{}
	for _, y := range p.Summary.ByYear {
		p.Years = append(p.Years, y.Year)
	}
	for _, h := range p.Summary.Entries {
		if h.Status != volunteering.HoursConfirmed {
			continue
		}
		sy := volunteering.SchoolYearOf(h.Day).String()
		if !seen[sy] {
			seen[sy] = true
			p.SchoolYears = append(p.SchoolYears, sy)
		}
	}
	s.render(w, r, http.StatusOK, "volunteer_mine", p)
}

// ownApplication reads {id} and checks the application is the visitor's.
func (s *Server) ownApplication(w http.ResponseWriter, r *http.Request) (volunteering.Application, bool) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return volunteering.Application{}, false
	}
	ri := info(r)
	a, err := s.deps.Volunteering.Application(r.Context(), ri.territory.ID, pathID(r, "id"))
	if err == nil && a.Person.ID != ri.principal.User.ID {
		err = errs.New(errs.NotFound, "errors.volunteer_application_not_found")
	}
	if err != nil {
		s.fail(w, r, err)
		return a, false
	}
	return a, true
}

func (s *Server) volunteerConfirmMine(w http.ResponseWriter, r *http.Request) {
	a, ok := s.ownApplication(w, r)
	if !ok {
		return
	}
	if _, err := s.deps.Volunteering.ConfirmApplication(r.Context(), info(r).territory.ID, a.ID, a.Person.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.volunteer_confirmed")
	s.redirect(w, r, "/s-impliquer/mon-benevolat")
}

func (s *Server) volunteerWithdraw(w http.ResponseWriter, r *http.Request) {
	a, ok := s.ownApplication(w, r)
	if !ok {
		return
	}
	if err := s.deps.Volunteering.Withdraw(r.Context(), info(r).territory.ID, a.ID, a.Person.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.volunteer_withdrawn")
	s.redirect(w, r, "/s-impliquer/mon-benevolat")
}

// Hours.

type volunteerHoursPage struct {
	Base
	Organizations []orgs.OrgRef
	Businesses    []orgs.OrgRef
	Opportunities []volunteering.OpportunityRef
	Today         string
}

func (s *Server) volunteerHoursPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := info(r)
	ctx := r.Context()
	p := volunteerHoursPage{Base: s.base(w, r, "volunteer.hours.title"),
		Today: s.deps.Volunteering.Now().In(ri.territory.Location()).Format("2006-01-02")}
	all, err := s.deps.Orgs.Options(ctx, ri.territory.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Organizations = all
	for _, o := range all {
		if o.Kind == orgs.Business {
			p.Businesses = append(p.Businesses, o)
		}
	}
	apps, err := s.deps.Volunteering.ApplicationsOf(ctx, ri.territory.ID, ri.principal.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, a := range apps {
		if a.Status == volunteering.Accepted || a.Status == volunteering.Contacted {
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
		prof, err := s.deps.Volunteering.Profile(ctx, ri.territory.ID, ri.principal.User.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if prof.EmployerID != 0 {
			form.Set("employer", strconv.FormatInt(prof.EmployerID, 10))
		}
	}
	p.Form, p.Errors = form, problems
	s.render(w, r, status, "volunteer_hours", p)
}

func (s *Server) volunteerHoursForm(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
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

func (s *Server) volunteerDeclareHours(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return
	}
	ri := info(r)
	_ = r.ParseForm()
	f := r.PostForm
	in := volunteering.HoursInput{OrganizationID: formID(f, "organization"), OpportunityID: formID(f, "opportunity"),
		EmployerID: formID(f, "employer"), Day: f.Get("day"), Hours: f.Get("hours"), Activity: f.Get("activity")}
	if f.Get("organization") != "" && in.OrganizationID == 0 {
		s.volunteerHoursPage(w, r, http.StatusUnprocessableEntity, f, map[string]string{"organization": "errors.volunteer_org_unknown"})
		return
	}
	_, err := s.deps.Volunteering.DeclareHours(r.Context(), ri.territory.ID, ri.principal.User.ID, in)
	if e, ok := errs.As(err); ok {
		s.volunteerHoursPage(w, r, statusOf(e.Code), f, e.Fields)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.volunteer_hours_declared")
	s.redirect(w, r, "/s-impliquer/mon-benevolat#heures")
}

func (s *Server) volunteerWithdrawHours(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return
	}
	ri := info(r)
	if err := s.deps.Volunteering.WithdrawHours(r.Context(), ri.territory.ID, pathID(r, "id"), ri.principal.User.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.volunteer_hours_withdrawn")
	s.redirect(w, r, "/s-impliquer/mon-benevolat#heures")
}

// Certificates.

// volunteerCertificate downloads the certificate of recognition of a
// calendar year (?annee=2025), or of everything (no year).
func (s *Server) volunteerCertificate(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return
	}
	from, to := calendar.Date{Year: 2000, Month: 1, Day: 1}, calendar.DateOf(s.deps.Volunteering.Now().In(info(r).territory.Location()))
	name := s.cat.T(info(r).lang, "volunteer.cert.file_all")
	if v := r.URL.Query().Get("annee"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2200 {
			s.renderError(w, r, http.StatusUnprocessableEntity, "errors.volunteer_year")
			return
		}
		from, to = calendar.Date{Year: y, Month: 1, Day: 1}, calendar.Date{Year: y, Month: 12, Day: 31}
		name = s.cat.T(info(r).lang, "volunteer.cert.file_year", y)
	}
	s.writeCertificate(w, r, volunteering.RecognitionCertificate, from, to, name)
}

// volunteerAttestation downloads a student's attestation of community
// involvement for a school year (?annee=2025-2026).
func (s *Server) volunteerAttestation(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageOwnAccount) {
		s.forbid(w, r)
		return
	}
	sy, ok := volunteering.ParseSchoolYear(r.URL.Query().Get("annee"))
	if !ok {
		s.renderError(w, r, http.StatusUnprocessableEntity, "errors.volunteer_school_year")
		return
	}
	s.writeCertificate(w, r, volunteering.SchoolAttestation, sy.From(), sy.To(),
		s.cat.T(info(r).lang, "volunteer.cert.school_file", sy.String()))
}

// writeCertificate sends the certificate of kind for the days from to to,
// as a file named after name, which says what it holds (the year, every
// year, the school year).
func (s *Server) writeCertificate(w http.ResponseWriter, r *http.Request, kind string, from, to calendar.Date, name string) {
	ri := info(r)
	u, err := s.deps.Auth.UserByID(r.Context(), ri.principal.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.deps.Volunteering.IssueCertificate(r.Context(), ri.territory.ID, u.ID, kind, from, to, u.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := ri.lang
	T := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	t := ri.territory
	now := s.deps.Volunteering.Now().In(t.Location())
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
		Total:     [2]string{T("volunteer.cert.total"), volunteering.FormatHours(lang, c.Minutes)},
		Signature: T("volunteer.cert.signature", t.OperatorName), Issued: T("volunteer.cert.issued", i18n.Date(lang, now)),
		Verification: T("volunteer.cert.verification", c.Code, s.cfg.BaseURL+"/s-impliquer/verification"), Created: now}
	if doc.Issuer == "" {
		doc.Issuer = t.Name
	}
	for _, o := range c.Organizations {
		doc.Rows = append(doc.Rows, [2]string{o.Organization.Name, volunteering.FormatHours(lang, o.Minutes)})
	}
	period := T("volunteer.cert.period", i18n.Date(lang, first.Time()), i18n.Date(lang, last.Time()))
	if kind == volunteering.SchoolAttestation {
		sy := volunteering.SchoolYearOf(from).String()
		doc.Title, doc.Intro = T("volunteer.cert.school_title"), T("volunteer.cert.school_intro")
		doc.Statement = T("volunteer.cert.school_statement", volunteering.FormatHours(lang, c.Minutes), sy, period)
		if c.School != "" {
			doc.Note = T("volunteer.cert.school_note", c.School)
		}
	} else {
		doc.Title, doc.Intro = T("volunteer.cert.title"), T("volunteer.cert.intro")
		doc.Statement = T("volunteer.cert.statement", volunteering.FormatHours(lang, c.Minutes), period)
	}
	var buf bytes.Buffer
	if err := export.WriteCertificatePDF(&buf, doc); err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, export.ContentTypePDF, export.Filename(name, "pdf"), buf.Bytes())
}

type volunteerVerifyPage struct {
	Base
	Code        string
	Certificate *volunteering.VerifiedCertificate
	NotFound    bool
}

// volunteerVerify lets anyone holding a certificate check its code.
func (s *Server) volunteerVerify(w http.ResponseWriter, r *http.Request) {
	p := volunteerVerifyPage{Base: s.base(w, r, "volunteer.verify.title"), Code: r.URL.Query().Get("code")}
	status := http.StatusOK
	if p.Code != "" {
		c, err := s.deps.Volunteering.VerifyCertificate(r.Context(), info(r).territory.ID, p.Code)
		switch {
		case errs.Is(err, errs.NotFound):
			p.NotFound, status = true, http.StatusNotFound
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			p.Certificate = &c
		}
	}
	p.Form = url.Values{"code": {p.Code}}
	s.render(w, r, status, "volunteer_verify", p)
}

// Unsubscribing from the digest: a page with a button (a mail scanner
// opening the link changes nothing), and one-click for mail programs.

type volunteerUnsubscribePage struct {
	Base
	Token string
	Done  bool
}

func (s *Server) volunteerUnsubscribeLanding(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	tok := r.PathValue("token")
	if _, err := s.deps.Volunteering.UnsubscribeUser(r.Context(), tok); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "volunteer_unsubscribe", volunteerUnsubscribePage{Base: s.base(w, r, "volunteer.unsubscribe.title"), Token: tok})
}

func (s *Server) volunteerUnsubscribe(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if err := s.deps.Volunteering.Unsubscribe(r.Context(), info(r).territory.ID, tok); err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostFormValue("List-Unsubscribe") == "One-Click" {
		w.WriteHeader(http.StatusOK)
		return
	}
	s.render(w, r, http.StatusOK, "volunteer_unsubscribe", volunteerUnsubscribePage{Base: s.base(w, r, "volunteer.unsubscribe.done_title"), Done: true})
}

// dayOf is a time's calendar day in the territory.
func (s *Server) dayOf(r *http.Request, t time.Time) calendar.Date {
	return calendar.DateOf(t.In(info(r).territory.Location()))
}
