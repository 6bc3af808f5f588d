package staff

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/web/kit"
)

// The events' settings have their own form on the territory's settings
// page (/admin/territoire): the largest party one sign-up may bring
// without staff.

// eventSettingsForm adds the events' settings to the settings page's form,
// unless it holds them already (typed, to show again); false when it
// failed and the answer is sent.
func (s *Handlers) eventSettingsForm(w http.ResponseWriter, r *http.Request, form url.Values) bool {
	if form.Has("largest_party") {
		return true
	}
	set, err := s.Deps.Events.Settings(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return false
	}
	form.Set("largest_party", strconv.Itoa(set.LargestParty))
	return true
}

func (s *Handlers) AdminSaveEventSettings(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageSettings) {
		return
	}
	ri := kit.Info(r)
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("largest_party")))
	if err != nil {
		n = 0 // not a number: refused with the range
	}
	err = s.Deps.Events.SaveSettings(r.Context(), ri.Territory.ID, ri.Principal.User.ID, events.Settings{LargestParty: n})
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		p := settingsPage{Base: s.Page(w, r, "settings.title"), TimeZones: timeZones}
		p.Form, p.Errors = settingsForm(ri.Territory.Settings), e.Fields
		p.Form.Set("largest_party", r.PostFormValue("largest_party"))
		s.Render(w, r, http.StatusUnprocessableEntity, "settings", p)
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, "flash.saved", "/admin/territoire#inscriptions")
}
