package volunteering

import (
	"implique/internal/calendar"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/privacy"
	"implique/internal/territory"
	"implique/internal/tracking"
	vol "implique/internal/volunteering"
	"implique/internal/web/kit"
)

// Staff: supply and demand, recognition, the businesses' indicator, the
// hour's value, and the tracked links.

type adminVolunteeringPage struct {
	kit.Base
	SD     vol.SupplyDemand
	Totals vol.Totals
	Year   int
}

func (s *Handlers) AdminVolunteering(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageVolunteering) {
		return
	}
	ri := kit.Info(r)
	p := adminVolunteeringPage{Base: s.Page(w, r, "volunteer.staff.title")}
	var err error
	if p.SD, err = s.Deps.Volunteering.SupplyDemand(r.Context(), ri.Territory.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	today := s.dayOf(r, s.Deps.Volunteering.Now())
	p.Year = today.Year
	if p.Totals, err = s.Deps.Volunteering.TotalsBetween(r.Context(), ri.Territory.ID, calendar.Date{Year: today.Year, Month: 1, Day: 1}, today); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin_volunteering", p)
}

// periodOf reads ?du=&au= (days), defaulting to the twelve months up to today.
func (s *Handlers) periodOf(r *http.Request) (from, to calendar.Date, problems map[string]string) {
	today := s.dayOf(r, s.Deps.Volunteering.Now())
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
	kit.Base
	From, To calendar.Date
	List     []vol.Recognition
}

func (s *Handlers) AdminRecognition(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageVolunteering) {
		return
	}
	s.Accessed(r, privacy.Viewed, vol.PrivacyHours, "recognition")
	ri := kit.Info(r)
	p := adminRecognitionPage{Base: s.Page(w, r, "volunteer.recognition.title")}
	var problems map[string]string
	p.From, p.To, problems = s.periodOf(r)
	p.Form = url.Values{"du": {p.From.String()}, "au": {p.To.String()}}
	status := http.StatusOK
	if len(problems) > 0 {
		p.Errors, status = problems, http.StatusUnprocessableEntity
	} else {
		var err error
		if p.List, err = s.Deps.Volunteering.MilestonesBetween(r.Context(), ri.Territory.ID, p.From, p.To); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	s.Render(w, r, status, "admin_recognition", p)
}

type adminBusinessesPage struct {
	kit.Base
	Year       int
	Years      []int
	Businesses []vol.BusinessTotal
	Minutes    int
	Volunteers int
}

func (s *Handlers) AdminBusinesses(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageVolunteering) {
		return
	}
	ri := kit.Info(r)
	today := s.dayOf(r, s.Deps.Volunteering.Now())
	p := adminBusinessesPage{Base: s.Page(w, r, "volunteer.business.title"), Year: today.Year}
	if y, err := strconv.Atoi(r.URL.Query().Get("annee")); err == nil && y >= 2000 && y <= today.Year {
		p.Year = y
	}
	for y := today.Year; y >= today.Year-4; y-- {
		p.Years = append(p.Years, y)
	}
	var err error
	p.Businesses, err = s.Deps.Volunteering.BusinessHours(r.Context(), ri.Territory.ID, calendar.Date{Year: p.Year, Month: 1, Day: 1},
		calendar.Date{Year: p.Year, Month: 12, Day: 31})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, b := range p.Businesses {
		p.Minutes += b.Minutes
		p.Volunteers += b.Volunteers
	}
	p.Form = url.Values{"annee": {strconv.Itoa(p.Year)}}
	s.Render(w, r, http.StatusOK, "admin_businesses", p)
}

type adminVolunteerSettingsPage struct {
	kit.Base
	Settings vol.Settings
}

func (s *Handlers) adminVolunteerSettingsPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	p := adminVolunteerSettingsPage{Base: s.Page(w, r, "volunteer.settings.title")}
	var err error
	if p.Settings, err = s.Deps.Volunteering.Settings(r.Context(), kit.Info(r).Territory.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"hour_value_source": {p.Settings.HourValueSource}}
		if c := p.Settings.HourValueCents; c != nil {
			form.Set("hour_value", strings.TrimSuffix(p.Money(*c), "\u00a0$"))
		}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_volunteer_settings", p)
}

func (s *Handlers) AdminVolunteerSettings(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageVolunteering) {
		return
	}
	s.adminVolunteerSettingsPage(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) AdminSaveVolunteerSettings(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageVolunteering) {
		return
	}
	ri := kit.Info(r)
	f := r.PostForm
	var cents *int64
	if v := strings.TrimSpace(f.Get("hour_value")); v != "" {
		c, ok := vol.ParseDollars(v)
		if !ok {
			s.adminVolunteerSettingsPage(w, r, http.StatusUnprocessableEntity, f, map[string]string{"hour_value": "errors.volunteer_hour_value"})
			return
		}
		cents = &c
	}
	err := s.Deps.Volunteering.SaveSettings(r.Context(), ri.Territory.ID, ri.Principal.User.ID, cents, f.Get("hour_value_source"))
	if err != nil {
		s.RefuseFields(w, r, err, func(status int, problems map[string]string) { s.adminVolunteerSettingsPage(w, r, status, f, problems) })
		return
	}
	s.Confirm(w, r, "flash.volunteer_settings_saved", "/admin/benevolat")
}

// Tracked links.

type adminTrackedLinksPage struct {
	kit.Base
	Links  []tracking.Link
	Report tracking.Report
	Places []territory.Place
	Short  string
}

func (s *Handlers) adminTrackedLinksPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := kit.Info(r)
	p := adminTrackedLinksPage{Base: s.Page(w, r, "volunteer.links.title"), Short: s.Cfg.BaseURL + "/l/"}
	var err error
	if p.Links, err = s.Deps.Tracking.List(r.Context(), ri.Territory.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	now := s.Deps.Volunteering.Now().In(ri.Territory.Location())
	from := now.AddDate(-1, 0, 1).Format("2006-01-02")
	if p.Report, err = s.Deps.Tracking.Report(r.Context(), ri.Territory.ID, from, now.Format("2006-01-02")); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Places, err = s.Deps.Territories.Places(r.Context(), ri.Territory.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"target": {"https://www.jebenevole.ca/"}}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_tracked_links", p)
}

func (s *Handlers) AdminTrackedLinks(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageTrackedLinks) {
		return
	}
	s.adminTrackedLinksPage(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) AdminCreateTrackedLink(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageTrackedLinks) {
		return
	}
	ri := kit.Info(r)
	f := r.PostForm
	l, err := s.Deps.Tracking.Create(r.Context(), ri.Territory.ID, ri.Principal.User.ID, tracking.Input{Target: f.Get("target"),
		Campaign: f.Get("campaign"), PlaceSlug: f.Get("place"), Label: f.Get("label")})
	if err != nil {
		s.RefuseFields(w, r, err, func(status int, problems map[string]string) { s.adminTrackedLinksPage(w, r, status, f, problems) })
		return
	}
	s.Confirm(w, r, "flash.volunteer_link_created", "/admin/liens-suivis#lien-"+l.Code)
}

func (s *Handlers) AdminArchiveTrackedLink(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageTrackedLinks) {
		return
	}
	if err := s.Deps.Tracking.Archive(r.Context(), kit.Info(r).Territory.ID, kit.PathID(r, "id"), r.PostFormValue("archived") == "1"); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Redirect(w, r, "/admin/liens-suivis")
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

// TrackedLink follows /l/{code}: counts the click (people only, GET only)
// and sends the visitor on. Nothing about them is kept.
func (s *Handlers) TrackedLink(w http.ResponseWriter, r *http.Request) {
	s.followLink(w, r, r.PathValue("code"))
}

func (s *Handlers) followLink(w http.ResponseWriter, r *http.Request, code string) {
	count := r.Method == http.MethodGet && !isBot(r)
	target, err := s.Deps.Tracking.Follow(r.Context(), kit.Info(r).Territory.ID, code, count)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, target, http.StatusFound)
}

// dayInput formats a time for a date field.
func dayInput(t time.Time) string { return t.Format("2006-01-02") }
