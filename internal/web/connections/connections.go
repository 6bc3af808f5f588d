// Package connections serves the links created after a held event: the
// attendee's choices through the private link, and the staff's view.
package connections

import (
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"implique/internal/auth"
	conns "implique/internal/connections"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

// « Liens créés »: after a held event, an attendee opens their private
// registration link, chooses to appear to the others and whom they would
// like to keep in touch with (/inscription/{token}/liens); staff record the
// same from paper forms (/admin/evenements/{id}/liens) and read the counts
// (/admin/liens). The citizen pages trust the private token alone and are
// scoped to the request's territory; the staff pages ask the policy
// (auth.ManageConnections). Nothing here logs who chose whom.

// connectionsPage draws both the attendee's page and the staff form.
type connectionsPage struct {
	kit.Base
	Event kit.EventView
	View  conns.View
	// Action is where the form posts.
	Action string
	// Token is the attendee's private link (citizen page only).
	Token string
	// Staff page only: the attendees to pick from, the one picked, the pairs.
	Attendees []events.Registration
	Selected  int64
	Pairs     []conns.Pair
	Held      bool
	// Staff page only: the attendees' names, with what tells apart those
	// who look alike — from their full name (FullNames) or from the name
	// the attendees saw (Names).
	FullNames, Names map[int64]string
}

// FullName names an attendee in the staff's lists (fallback: as stored).
func (p connectionsPage) FullName(id int64, fallback string) string {
	if n, ok := p.FullNames[id]; ok {
		return n
	}
	return fallback
}

// ShownName names an attendee as the others saw them, told apart from
// those who look alike (fallback: as shown to attendees).
func (p connectionsPage) ShownName(id int64, fallback string) string {
	if n, ok := p.Names[id]; ok {
		return n
	}
	return fallback
}

// ID formats an id for a form value.
func (connectionsPage) ID(id int64) string { return strconv.FormatInt(id, 10) }

// connectionChoice reads the form.
func connectionChoice(form url.Values) conns.Choice {
	c := conns.Choice{OptIn: form.Get("opt_in") == "1", Share: form.Get("share")}
	for _, v := range form["with"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			id = 0 // reported as someone absent from the event
		}
		c.With = append(c.With, id)
	}
	return c
}

// viewForm is what the form shows for a stored state.
func viewForm(v conns.View) url.Values {
	form := url.Values{"share": {v.Share}}
	if v.OptedIn {
		form.Set("opt_in", "1")
	}
	for _, p := range v.Others {
		if p.Chosen {
			form.Add("with", strconv.FormatInt(p.RegistrationID, 10))
		}
	}
	return form
}

// ---- The attendee's page ---------------------------------------------------

func (s *Handlers) connectionsByToken(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	tok := r.PathValue("token")
	v, err := s.Deps.Connections.ViewByToken(r.Context(), kit.Info(r).Territory.ID, tok)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	p := connectionsPage{Base: s.Page(w, r, "connections.title"), Event: s.EventView(v.Event), View: v, Token: tok,
		Action: "/inscription/" + tok + "/liens", Held: true}
	if form == nil {
		form = viewForm(v)
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "connections", p)
}

func (s *Handlers) ConnectionsPage(w http.ResponseWriter, r *http.Request) {
	s.connectionsByToken(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) SaveConnections(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	res, err := s.Deps.Connections.SaveByToken(r.Context(), kit.Info(r).Territory.ID, tok, connectionChoice(r.PostForm))
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		s.connectionsByToken(w, r, kit.StatusOf(e.Code), r.PostForm, kit.FormProblems(e, nil))
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	if res.NewLinks > 0 {
		s.Flash(w, "flash.connections_linked")
	} else {
		s.Flash(w, "flash.connections_saved")
	}
	s.Redirect(w, r, "/inscription/"+tok+"/liens")
}

// ---- Staff: paper forms and the pairs to pass on ---------------------------

func (s *Handlers) staffConnectionsEvent(w http.ResponseWriter, r *http.Request) (events.Event, bool) {
	return s.EventFor(w, r, auth.ManageConnections)
}

func (s *Handlers) adminConnectionsPage(w http.ResponseWriter, r *http.Request, status int, ev events.Event, selected int64, form url.Values, problems map[string]string) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	p := connectionsPage{Base: s.Page(w, r, ""), Event: s.EventView(ev), Action: "/admin/evenements/" + strconv.FormatInt(ev.ID, 10) + "/liens",
		Held: ev.HeldAt != nil && ev.CancelledAt == nil, Selected: selected}
	p.SetEventTitle("staff.connections.event_title", ev)
	if p.Held {
		var err error
		if p.Attendees, err = s.Deps.Events.Attendees(ctx, t.ID, ev.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		p.FullNames = s.Deps.Connections.StaffNames(p.Lang, p.Attendees, true)
		p.Names = s.Deps.Connections.StaffNames(p.Lang, p.Attendees, false)
		if p.Pairs, err = s.Deps.Connections.Pairs(ctx, t.ID, ev.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		s.Accessed(r, privacy.Viewed, "connections.choices", "event "+strconv.FormatInt(ev.ID, 10))
		if selected != 0 {
			v, err := s.Deps.Connections.ViewForStaff(ctx, t.ID, ev.ID, selected)
			if e, ok := errs.As(err); ok {
				p.Selected, problems = 0, kit.FormProblems(e, nil)
			} else if err != nil {
				s.Fail(w, r, err)
				return
			} else {
				p.View = v
				if form == nil {
					form = viewForm(v)
				}
			}
		}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_connections", p)
}

func (s *Handlers) AdminConnections(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffConnectionsEvent(w, r)
	if !ok {
		return
	}
	selected, _ := strconv.ParseInt(r.URL.Query().Get("personne"), 10, 64)
	s.adminConnectionsPage(w, r, http.StatusOK, ev, max(selected, 0), nil, nil)
}

func (s *Handlers) AdminSaveConnections(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffConnectionsEvent(w, r)
	if !ok {
		return
	}
	selected, err := strconv.ParseInt(r.PostForm.Get("personne"), 10, 64)
	if err != nil || selected <= 0 {
		s.adminConnectionsPage(w, r, http.StatusUnprocessableEntity, ev, 0, r.PostForm, map[string]string{"personne": "errors.connection_pick"})
		return
	}
	res, err := s.Deps.Connections.SaveByStaff(r.Context(), kit.Info(r).Territory.ID, ev.ID, selected, connectionChoice(r.PostForm))
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
			s.adminConnectionsPage(w, r, status, ev, selected, r.PostForm, problems)
		})
		return
	}
	if res.NewLinks > 0 {
		s.Flash(w, "flash.connections_linked_staff")
	} else {
		s.Flash(w, "flash.connections_saved_staff")
	}
	s.Redirect(w, r, "/admin/evenements/"+strconv.FormatInt(ev.ID, 10)+"/liens?personne="+strconv.FormatInt(selected, 10))
}

// ---- Staff: the indicator --------------------------------------------------

type adminLinksPage struct {
	kit.Base
	Dashboard conns.Dashboard
	// EventNames names the events by id, in the page's language.
	EventNames map[int64]template.HTML
}

// MonthName formats a month (« novembre 2026 »).
func (p adminLinksPage) MonthName(c conns.MonthCount) string {
	return i18n.Month(p.Lang, c.Month.Month()) + " " + strconv.Itoa(c.Month.Year())
}

func (s *Handlers) AdminLinks(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageConnections) {
		return
	}
	d, err := s.Deps.Connections.Dashboard(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminLinksPage{Base: s.Page(w, r, "staff.connections.title"), Dashboard: d, EventNames: map[int64]template.HTML{}}
	evs, err := s.Deps.Events.List(r.Context(), kit.Info(r).Territory.ID, events.Filter{})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, ev := range evs {
		p.EventNames[ev.ID] = p.MarkedEventName(ev)
	}
	s.Render(w, r, http.StatusOK, "admin_connections_dashboard", p)
}
