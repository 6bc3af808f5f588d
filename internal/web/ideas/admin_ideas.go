package ideas

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"implique/internal/auth"
	cty "implique/internal/community"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// Staff pages for needs and ideas: the moderation queue and the list, the
// quick form used while closing a souper, an idea's page with its story and
// its supporters, and the territory's themes. Every handler asks the policy
// first (auth.ManageIdeas) and reads only the request's territory.

const ideasPath = "/admin/idees"

func ideaPath(id int64) string { return ideasPath + "/" + strconv.FormatInt(id, 10) }

// ---- The list ----------------------------------------------------------

type adminIdeasPage struct {
	kit.Base
	Pending  []cty.IdeaRecord
	Ideas    []cty.IdeaRecord
	Places   []kit.PlaceOption
	Themes   []cty.Theme
	Statuses []cty.Status
	// Filtered is true when the list is narrowed by the filters.
	Filtered bool
}

func (s *Handlers) AdminIdeas(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageIdeas) {
		return
	}
	ctx := r.Context()
	t := kit.Info(r).Territory
	q := r.URL.Query()
	pending, err := s.Deps.Community.List(ctx, t.ID, cty.Filter{Moderation: cty.Pending})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	status := cty.Status(q.Get("statut"))
	f := cty.Filter{Moderation: cty.Approved, PlaceSlug: q.Get("lieu"), ThemeCode: q.Get("theme"), Status: status}
	list, err := s.Deps.Community.List(ctx, t.ID, f)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	places, err := s.PlaceOptions(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	themes, err := s.Deps.Community.Themes(ctx, t.ID, true)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminIdeasPage{Base: s.Page(w, r, "staff.ideas.title"), Pending: pending, Ideas: list, Places: places,
		Themes: themes, Statuses: cty.Statuses, Filtered: f.PlaceSlug != "" || f.ThemeCode != "" || status != ""}
	p.Form = url.Values{"lieu": {f.PlaceSlug}, "theme": {f.ThemeCode}, "statut": {string(status)}}
	s.Render(w, r, http.StatusOK, "admin_ideas", p)
}

// ---- The quick form ----------------------------------------------------

type adminIdeaFormPage struct {
	kit.Base
	Kinds  []cty.Kind
	Themes []cty.Theme
	Places []kit.PlaceOption
	// Event is the meeting the ideas come from, when there is one.
	Event *events.Event
	// Recorded lists what was already noted for that event.
	Recorded []cty.IdeaRecord
}

// ideaForm draws the quick form; ev (nil for none) is the meeting the notes come from.
func (s *Handlers) ideaForm(w http.ResponseWriter, r *http.Request, status int, ev *events.Event, form url.Values, problems map[string]string) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	themes, err := s.Deps.Community.Themes(ctx, t.ID, false)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	places, err := s.PlaceOptions(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminIdeaFormPage{Base: s.Page(w, r, "staff.ideas.new_title"), Kinds: []cty.Kind{cty.Need, cty.Idea},
		Themes: themes, Places: places, Event: ev}
	if ev != nil {
		p.SetEventTitle("staff.ideas.new_title_event", *ev)
		if p.Recorded, err = s.Deps.Community.List(ctx, t.ID, cty.Filter{EventID: ev.ID}); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	p.Form, p.Errors = form, problems
	if p.Form.Get("kind") == "" {
		p.Form.Set("kind", string(cty.Need))
	}
	s.Render(w, r, status, "admin_idea_form", p)
}

// ideaEvent loads the event a form names (?evenement= or the hidden
// field); ok is false when the value names no event of the territory.
func (s *Handlers) ideaEvent(r *http.Request, v string) (*events.Event, bool, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, false, nil
	}
	ev, err := s.Deps.Events.Get(r.Context(), kit.Info(r).Territory.ID, id)
	if errs.Is(err, errs.NotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return &ev, true, nil
}

func (s *Handlers) AdminNewIdea(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageIdeas) {
		return
	}
	q := r.URL.Query()
	ev, ok, err := s.ideaEvent(r, q.Get("evenement"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if !ok {
		s.NotFound(w, r)
		return
	}
	form := url.Values{"kind": {string(cty.Need)}, "place": {q.Get("lieu")}, "theme": {q.Get("theme")}}
	if ev != nil {
		form.Set("event", strconv.FormatInt(ev.ID, 10))
		if form.Get("place") == "" {
			form.Set("place", ev.PlaceSlug)
		}
	}
	s.ideaForm(w, r, http.StatusOK, ev, form, nil)
}

func (s *Handlers) AdminRecordIdea(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageIdeas) {
		return
	}
	ri := kit.Info(r)
	f := r.PostForm
	ev, ok, err := s.ideaEvent(r, f.Get("event"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if !ok {
		s.ideaForm(w, r, http.StatusUnprocessableEntity, nil, f, map[string]string{"": "errors.event_not_found"})
		return
	}
	in := cty.Input{Kind: cty.Kind(f.Get("kind")), Title: f.Get("title"), Details: f.Get("details"),
		ThemeCode: f.Get("theme"), PlaceSlug: f.Get("place")}
	if ev != nil {
		in.EventID = ev.ID
	}
	var userID int64
	if u := ri.Principal.User; u != nil {
		userID = u.ID
	}
	idea, err := s.Deps.Community.Record(r.Context(), ri.Territory.ID, userID, in)
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) { s.ideaForm(w, r, status, ev, f, problems) })
		return
	}
	// Back to the same form, ready for the next note from the same paper.
	next := url.Values{"lieu": {idea.PlaceSlug}}
	if ev != nil {
		next.Set("evenement", strconv.FormatInt(ev.ID, 10))
	}
	s.Confirm(w, r, "flash.staff_idea_recorded", ideasPath+"/nouvelle?"+next.Encode())
}

// ---- An idea's page ----------------------------------------------------

type adminIdeaPage struct {
	kit.Base
	Idea       cty.IdeaRecord
	Story      []cty.Step
	Supporters []cty.Supporter
	Statuses   []cty.Status
	Event      *events.Event
	// Initiatives born from the idea, when staff may manage them.
	Initiatives    []cty.Initiative
	CanInitiatives bool
}

// staffIdea asks the policy, reads {id} and loads that idea of the
// request's territory; anything else is a 404.
func (s *Handlers) staffIdea(w http.ResponseWriter, r *http.Request) (cty.IdeaRecord, bool) {
	if !s.Can(r, auth.ManageIdeas) {
		s.Forbid(w, r)
		return cty.IdeaRecord{}, false
	}
	id := kit.PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return cty.IdeaRecord{}, false
	}
	idea, err := s.Deps.Community.Get(r.Context(), kit.Info(r).Territory.ID, id)
	if errs.Is(err, errs.NotFound) {
		s.NotFound(w, r)
		return idea, false
	}
	if err != nil {
		s.Fail(w, r, err)
		return idea, false
	}
	return idea, true
}

func (s *Handlers) ideaPageStaff(w http.ResponseWriter, r *http.Request, status int, idea cty.IdeaRecord, form url.Values, problems map[string]string) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	story, err := s.Deps.Community.History(ctx, t.ID, idea.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	supporters, err := s.Deps.Community.Supporters(ctx, t.ID, idea.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	record := "idea " + strconv.FormatInt(idea.ID, 10)
	s.Accessed(r, privacy.Viewed, "community.ideas", record)
	if len(supporters) > 0 {
		s.Accessed(r, privacy.Viewed, "community.idea_supports", record)
	}
	p := adminIdeaPage{Base: s.Page(w, r, ""), Idea: idea, Story: story, Supporters: supporters, Statuses: cty.Statuses}
	p.SetTypedTitle(idea.Title)
	if p.CanInitiatives = s.Can(r, auth.ManageInitiatives); p.CanInitiatives {
		if p.Initiatives, err = s.Deps.Community.Initiatives(ctx, t.ID, cty.InitiativeFilter{IdeaID: idea.ID}); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if idea.EventID != nil {
		ev, err := s.Deps.Events.Get(ctx, t.ID, *idea.EventID)
		if err == nil {
			p.Event = &ev
		} else if !errs.Is(err, errs.NotFound) {
			s.Fail(w, r, err)
			return
		}
	}
	if form == nil {
		form = url.Values{"status": {string(idea.Status)}}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_idea", p)
}

func (s *Handlers) AdminIdea(w http.ResponseWriter, r *http.Request) {
	idea, ok := s.staffIdea(w, r)
	if !ok {
		return
	}
	s.ideaPageStaff(w, r, http.StatusOK, idea, nil, nil)
}

func (s *Handlers) AdminIdeaStatus(w http.ResponseWriter, r *http.Request) {
	idea, ok := s.staffIdea(w, r)
	if !ok {
		return
	}
	ri := kit.Info(r)
	var userID int64
	if u := ri.Principal.User; u != nil {
		userID = u.ID
	}
	err := s.Deps.Community.SetStatus(r.Context(), ri.Territory.ID, idea.ID, userID,
		cty.Status(r.PostFormValue("status")), r.PostFormValue("reason"))
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
			s.ideaPageStaff(w, r, status, idea, r.PostForm, problems)
		})
		return
	}
	s.Confirm(w, r, "flash.staff_idea_status", ideaPath(idea.ID))
}

func (s *Handlers) AdminModerateIdea(w http.ResponseWriter, r *http.Request) {
	idea, ok := s.staffIdea(w, r)
	if !ok {
		return
	}
	var approve bool
	switch r.PostFormValue("action") {
	case "approve":
		approve = true
	case "reject":
	default:
		s.RenderError(w, r, http.StatusUnprocessableEntity, "errors.staff_idea_moderation")
		return
	}
	if err := s.Deps.Community.Moderate(r.Context(), kit.Info(r).Territory.ID, idea.ID, approve); err != nil {
		s.Fail(w, r, err)
		return
	}
	if approve {
		s.Flash(w, "flash.staff_idea_approved")
	} else {
		s.Flash(w, "flash.staff_idea_rejected")
	}
	back := kit.LocalPath(r.PostFormValue("retour"))
	if back == "" {
		back = ideaPath(idea.ID)
	}
	s.Redirect(w, r, back)
}

// ---- Themes ------------------------------------------------------------

type adminThemesPage struct {
	kit.Base
	Themes []cty.Theme
}

func (s *Handlers) themesPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	themes, err := s.Deps.Community.Themes(r.Context(), kit.Info(r).Territory.ID, true)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminThemesPage{Base: s.Page(w, r, "staff.ideas.themes_title"), Themes: themes}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_idea_themes", p)
}

func (s *Handlers) AdminThemes(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageIdeas) {
		return
	}
	s.themesPage(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) AdminAddTheme(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageIdeas) {
		return
	}
	_, err := s.Deps.Community.AddTheme(r.Context(), kit.Info(r).Territory.ID, r.PostFormValue("name_fr"), r.PostFormValue("name_en"))
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) { s.themesPage(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "flash.staff_theme_added", ideasPath+"/themes")
}

func (s *Handlers) AdminArchiveTheme(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageIdeas) {
		return
	}
	id := kit.PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return
	}
	archived := r.PostFormValue("archived") != "0"
	err := s.Deps.Community.ArchiveTheme(r.Context(), kit.Info(r).Territory.ID, id, archived)
	if errs.Is(err, errs.NotFound) {
		s.NotFound(w, r)
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	if archived {
		s.Flash(w, "flash.staff_theme_archived")
	} else {
		s.Flash(w, "flash.staff_theme_restored")
	}
	s.Redirect(w, r, ideasPath+"/themes")
}
