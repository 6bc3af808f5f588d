package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/errs"
	"implique/internal/territory"
	"implique/internal/tracking"
	"implique/internal/volunteering"
)

// Staff: supply and demand, recognition, the businesses' indicator, the
// hour's value, and the tracked links.

type adminVolunteeringPage struct {
	Base
	SD     volunteering.SupplyDemand
	Totals volunteering.Totals
	Year   int
}

func (s *Server) adminVolunteering(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageVolunteering) {
		s.forbid(w, r)
		return
	}
	ri := info(r)
	p := adminVolunteeringPage{Base: s.base(w, r, "volunteer.staff.title")}
	var err error
	if p.SD, err = s.deps.Volunteering.SupplyDemand(r.Context(), ri.territory.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.dayOf(r, s.deps.Volunteering.Now())
	p.Year = today.Year
	if p.Totals, err = s.deps.Volunteering.TotalsBetween(r.Context(), ri.territory.ID, calendar.Date{Year: today.Year, Month: 1, Day: 1}, today); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_volunteering", p)
}

// periodOf reads ?du=&au= (days), defaulting to the twelve months up to today.
func (s *Server) periodOf(r *http.Request) (from, to calendar.Date, problems map[string]string) {
	today := s.dayOf(r, s.deps.Volunteering.Now())
	from, to = calendar.DateOf(today.Time().AddDate(-1, 0, 1)), today
	problems = map[string]string{}
	q := r.URL.Query()
	if v := q.Get("du"); v != "" {
		if d, ok := calendar.Parse(v); ok {
			from = d
		} else {
			problems["du"] = "errors.date"
		}
	}
	if v := q.Get("au"); v != "" {
		if d, ok := calendar.Parse(v); ok {
			to = d
		} else {
			problems["au"] = "errors.date"
		}
	}
	if to.Before(from) {
		problems["au"] = "errors.ends_before_start"
	}
	return from, to, problems
}

type adminRecognitionPage struct {
	Base
	From, To calendar.Date
	List     []volunteering.Recognition
}

func (s *Server) adminRecognition(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageVolunteering) {
		s.forbid(w, r)
		return
	}
	ri := info(r)
	p := adminRecognitionPage{Base: s.base(w, r, "volunteer.recognition.title")}
	var problems map[string]string
	p.From, p.To, problems = s.periodOf(r)
	p.Form = url.Values{"du": {p.From.String()}, "au": {p.To.String()}}
	status := http.StatusOK
	if len(problems) > 0 {
		p.Errors, status = problems, http.StatusUnprocessableEntity
	} else {
		var err error
		if p.List, err = s.deps.Volunteering.MilestonesBetween(r.Context(), ri.territory.ID, p.From, p.To); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "admin_recognition", p)
}

type adminBusinessesPage struct {
	Base
	Year       int
	Years      []int
	Businesses []volunteering.BusinessTotal
	Minutes    int
	Volunteers int
}

func (s *Server) adminBusinesses(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageVolunteering) {
		s.forbid(w, r)
		return
	}
	ri := info(r)
	today := s.dayOf(r, s.deps.Volunteering.Now())
	p := adminBusinessesPage{Base: s.base(w, r, "volunteer.business.title"), Year: today.Year}
	if y, err := strconv.Atoi(r.URL.Query().Get("annee")); err == nil && y >= 2000 && y <= today.Year {
		p.Year = y
	}
	for y := today.Year; y >= today.Year-4; y-- {
		p.Years = append(p.Years, y)
	}
	var err error
	p.Businesses, err = s.deps.Volunteering.BusinessHours(r.Context(), ri.territory.ID, calendar.Date{Year: p.Year, Month: 1, Day: 1},
		calendar.Date{Year: p.Year, Month: 12, Day: 31})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, b := range p.Businesses {
		p.Minutes += b.Minutes
		p.Volunteers += b.Volunteers
	}
	p.Form = url.Values{"annee": {strconv.Itoa(p.Year)}}
	s.render(w, r, http.StatusOK, "admin_businesses", p)
}

type adminVolunteerSettingsPage struct {
	Base
	Settings volunteering.Settings
}

func (s *Server) adminVolunteerSettingsPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	p := adminVolunteerSettingsPage{Base: s.base(w, r, "volunteer.settings.title")}
	var err error
	if p.Settings, err = s.deps.Volunteering.Settings(r.Context(), info(r).territory.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"hour_value_source": {p.Settings.HourValueSource}}
		if c := p.Settings.HourValueCents; c != nil {
			form.Set("hour_value", strings.TrimSuffix(p.Money(*c), "\u00a0$"))
		}
	}
	p.Form, p.Errors = form, problems
	s.render(w, r, status, "admin_volunteer_settings", p)
}

func (s *Server) adminVolunteerSettings(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageVolunteering) {
		s.forbid(w, r)
		return
	}
	s.adminVolunteerSettingsPage(w, r, http.StatusOK, nil, nil)
}

func (s *Server) adminSaveVolunteerSettings(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageVolunteering) {
		s.forbid(w, r)
		return
	}
	ri := info(r)
	_ = r.ParseForm()
	f := r.PostForm
	var cents *int64
	if v := strings.TrimSpace(f.Get("hour_value")); v != "" {
		c, ok := volunteering.ParseDollars(v)
		if !ok {
			s.adminVolunteerSettingsPage(w, r, http.StatusUnprocessableEntity, f, map[string]string{"hour_value": "errors.volunteer_hour_value"})
			return
		}
		cents = &c
	}
	err := s.deps.Volunteering.SaveSettings(r.Context(), ri.territory.ID, ri.principal.User.ID, cents, f.Get("hour_value_source"))
	if e, ok := errs.As(err); ok {
		s.adminVolunteerSettingsPage(w, r, statusOf(e.Code), f, e.Fields)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.volunteer_settings_saved")
	s.redirect(w, r, "/admin/benevolat")
}

// Tracked links.

type adminTrackedLinksPage struct {
	Base
	Links  []tracking.Link
	Report tracking.Report
	Places []territory.Place
	Short  string
}

func (s *Server) adminTrackedLinksPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := info(r)
	p := adminTrackedLinksPage{Base: s.base(w, r, "volunteer.links.title"), Short: s.cfg.BaseURL + "/l/"}
	var err error
	if p.Links, err = s.deps.Tracking.List(r.Context(), ri.territory.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.deps.Volunteering.Now().In(ri.territory.Location())
	from := now.AddDate(-1, 0, 1).Format("2006-01-02")
	if p.Report, err = s.deps.Tracking.Report(r.Context(), ri.territory.ID, from, now.Format("2006-01-02")); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Places, err = s.deps.Territories.Places(r.Context(), ri.territory.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"target": {"https://www.jebenevole.ca/"}}
	}
	p.Form, p.Errors = form, problems
	s.render(w, r, status, "admin_tracked_links", p)
}

func (s *Server) adminTrackedLinks(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageTrackedLinks) {
		s.forbid(w, r)
		return
	}
	s.adminTrackedLinksPage(w, r, http.StatusOK, nil, nil)
}

func (s *Server) adminCreateTrackedLink(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageTrackedLinks) {
		s.forbid(w, r)
		return
	}
	ri := info(r)
	_ = r.ParseForm()
	f := r.PostForm
	l, err := s.deps.Tracking.Create(r.Context(), ri.territory.ID, ri.principal.User.ID, tracking.Input{Target: f.Get("target"),
		Campaign: f.Get("campaign"), PlaceSlug: f.Get("place"), Label: f.Get("label")})
	if e, ok := errs.As(err); ok {
		s.adminTrackedLinksPage(w, r, statusOf(e.Code), f, e.Fields)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.volunteer_link_created")
	s.redirect(w, r, "/admin/liens-suivis#lien-"+l.Code)
}

func (s *Server) adminArchiveTrackedLink(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageTrackedLinks) {
		s.forbid(w, r)
		return
	}
	if err := s.deps.Tracking.Archive(r.Context(), info(r).territory.ID, pathID(r, "id"), r.PostFormValue("archived") == "1"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/liens-suivis")
}

// botAgents are link previewers and crawlers: their visits are not clicks.
var botAgents = []string{"bot", "crawler", "spider", "preview", "facebookexternalhit", "slurp", "embedly", "whatsapp", "curl", "wget"}

// isBot reports whether a request comes from a robot, by its User-Agent
// (read here, never kept).
func isBot(r *http.Request) bool {
	ua := strings.ToLower(r.UserAgent())
	if ua == "" {
		return true
	}
	for _, b := range botAgents {
		if strings.Contains(ua, b) {
			return true
		}
	}
	return false
}

// trackedLink follows /l/{code}: counts the click (people only, GET only)
// and sends the visitor on. Nothing about them is kept.
func (s *Server) trackedLink(w http.ResponseWriter, r *http.Request) {
	s.followLink(w, r, r.PathValue("code"))
}

func (s *Server) followLink(w http.ResponseWriter, r *http.Request, code string) {
	count := r.Method == http.MethodGet && !isBot(r)
	target, err := s.deps.Tracking.Follow(r.Context(), info(r).territory.ID, code, count)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, target, http.StatusFound)
}

// dayInput formats a time for a date field.
func dayInput(t time.Time) string { return t.Format("2006-01-02") }
