package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/events"
)

// The events' settings have their own form on the territory's settings
// page (/admin/territoire): the largest party one sign-up may bring
// without staff.

// eventSettingsForm adds the events' settings to the settings page's form,
// unless it holds them already (typed, to show again); false when it
// failed and the answer is sent.
func (s *Server) eventSettingsForm(w http.ResponseWriter, r *http.Request, form url.Values) bool {
	if form.Has("largest_party") {
		return true
	}
	set, err := s.deps.Events.Settings(r.Context(), info(r).territory.ID)
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	form.Set("largest_party", strconv.Itoa(set.LargestParty))
	return true
}

func (s *Server) adminSaveEventSettings(w http.ResponseWriter, r *http.Request) {
	if !s.can(r, auth.ManageSettings) {
		s.forbid(w, r)
		return
	}
	_ = r.ParseForm()
	ri := info(r)
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("largest_party")))
	if err != nil {
		n = 0 // not a number: refused with the range
	}
	err = s.deps.Events.SaveSettings(r.Context(), ri.territory.ID, ri.principal.User.ID, events.Settings{LargestParty: n})
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		p := settingsPage{Base: s.base(w, r, "settings.title"), TimeZones: timeZones}
		p.Form, p.Errors = settingsForm(ri.territory.Settings), e.Fields
		p.Form.Set("largest_party", r.PostFormValue("largest_party"))
		s.render(w, r, http.StatusUnprocessableEntity, "settings", p)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.saved")
	s.redirect(w, r, "/admin/territoire#inscriptions")
}
