package comms

import (
	"net/http"
	"net/url"

	"implique/internal/auth"
	"implique/internal/calendar"
	cm "implique/internal/comms"
	"implique/internal/web/kit"
)

// givenPath is the form that records a consent given elsewhere.
const givenPath = listPath + "/consentement"

// givenPage is the form recording a consent given elsewhere: on paper, in
// person or on the phone.
type givenPage struct {
	kit.Base
	Lists []cm.MailingList
	Ways  []string
}

// Chosen reports whether a list is ticked.
func (p givenPage) Chosen(lid int64) bool {
	for _, v := range p.Form["lists"] {
		if v == id(lid) {
			return true
		}
	}
	return false
}

func (h *Handlers) givenRender(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	p := givenPage{Base: h.Page(w, r, "comms.given.title"), Ways: cm.GivenWays}
	p.Form, p.Errors = form, problems
	var err error
	if p.Lists, err = h.store().MailingLists(r.Context(), kit.Info(r).Territory.ID, false); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, status, "comms_sub_given", p)
}

// NewsGivenForm shows the form recording a consent given elsewhere, the
// site's wording and today's date filled in.
func (h *Handlers) NewsGivenForm(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	t := kit.Info(r).Territory
	form := url.Values{"lang": {"fr"}, "wording": {h.store().ConsentWording("fr", t)},
		"day": {calendar.DateOf(h.store().Now().In(t.Location())).String()}}
	h.givenRender(w, r, http.StatusOK, form, nil)
}

// NewsRecordGiven records a consent given elsewhere; bad input shows the
// form again, nothing written. The person's proof follows.
func (h *Handlers) NewsRecordGiven(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	f := r.PostForm
	sub, err := h.store().RecordGivenConsent(r.Context(), kit.Info(r).Territory.ID, cm.GivenConsentInput{Email: f.Get("email"),
		Name: f.Get("name"), Lang: f.Get("lang"), Lists: f["lists"], Way: f.Get("way"), Wording: f.Get("wording"), Day: f.Get("day")})
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) { h.givenRender(w, r, status, f, problems) })
		return
	}
	h.Confirm(w, r, "comms.given.flash", subPath+"/"+id(sub))
}
