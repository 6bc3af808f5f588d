package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// Public pages of citizen initiatives: the list, an initiative's page with
// its progress, the help it needs and « Je veux participer », and the
// private link each participant receives (confirm, stop following). No
// account needed; names are shown only when people chose so.

// initiativeCard is what the "initiativecard" template draws.
type initiativeCard struct {
	Base       Base
	Initiative community.Initiative
}

// InitiativeCard pairs an initiative with the page, for the card template.
func (b Base) InitiativeCard(i community.Initiative) initiativeCard {
	return initiativeCard{Base: b, Initiative: i}
}

// Progress is « 2 étapes sur 5 ».
func (b Base) Progress(i community.Initiative) string {
	return b.Count(i.MilestonesDone, "initiative.progress_one", "initiative.progress", i.Milestones)
}

// CalendarDay formats a calendar day (a milestone's, a period's): no time zone.
func (b Base) CalendarDay(v any) string {
	if t, ok := asTime(v); ok {
		return i18n.Date(b.Lang, t)
	}
	return ""
}

// Period is the planned period of an initiative, or "".
func (b Base) Period(i community.Initiative) string {
	switch {
	case i.StartsOn != nil && i.EndsOn != nil && !i.EndsOn.Equal(*i.StartsOn):
		return b.T("initiative.period", b.CalendarDay(i.StartsOn), b.CalendarDay(i.EndsOn))
	case i.StartsOn != nil:
		return b.T("initiative.period_from", b.CalendarDay(i.StartsOn))
	case i.EndsOn != nil:
		return b.T("initiative.period_until", b.CalendarDay(i.EndsOn))
	}
	return ""
}

// HowItHelps says how an actor helps, in words.
func (b Base) HowItHelps(a community.Actor) string {
	parts := make([]string, 0, len(a.Supports))
	for _, k := range a.Supports {
		parts = append(parts, b.T("initiative.support."+string(k)))
	}
	return strings.Join(parts, ", ")
}

// Names lists first names the way the language does (« Lise, Marc et Julie »).
func (b Base) Names(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + b.T("initiative.and") + names[len(names)-1]
}

// knownInitiativeStatus returns st when it is a status, "" otherwise.
func knownInitiativeStatus(st string) community.InitiativeStatus {
	for _, s := range community.InitiativeStatuses {
		if string(s) == st {
			return s
		}
	}
	return ""
}

// ---- The list ----------------------------------------------------------

type initiativesPage struct {
	Base
	Initiatives []community.Initiative
	Places      []territory.Place
	Statuses    []community.InitiativeStatus
	Place       string
	Status      string
}

func (s *Server) initiatives(w http.ResponseWriter, r *http.Request) {
	t := info(r).territory
	q := r.URL.Query()
	p := initiativesPage{Base: s.base(w, r, "initiative.list_title"), Place: q.Get("lieu"),
		Status: string(knownInitiativeStatus(q.Get("statut"))), Statuses: community.InitiativeStatuses}
	if p.Place != "" {
		if _, err := s.deps.Territories.Place(r.Context(), t.ID, p.Place); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	var err error
	if p.Places, err = s.deps.Territories.Places(r.Context(), t.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Initiatives, err = s.deps.Community.Initiatives(r.Context(), t.ID, community.InitiativeFilter{PlaceSlug: p.Place,
		Status: community.InitiativeStatus(p.Status), PublishedOnly: true}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "initiatives", p)
}

// ---- An initiative's page ----------------------------------------------

type initiativePage struct {
	Base
	Initiative community.Initiative
	Story      []community.InitiativeStep
	Milestones []community.Milestone
	Actors     []community.Actor
	// ActorPages are the public pages of actors that are organisations of the directory.
	ActorPages map[int64]string
	Needs      []community.HelpWanted
	OpenNeeds  int
	Crew       community.Crew
	// Idea is the idea it was born from, when the public may see it.
	Idea *community.IdeaRecord
	OG   openGraph
	// Preview is set when staff look at an initiative the public cannot see.
	Preview bool
	// Following is set when the signed-in person takes part already; MyLink
	// is their private page.
	Following bool
	MyLink    string
}

// publicInitiative finds an initiative by its address; unpublished ones
// are a 404, except for staff (a preview).
func (s *Server) publicInitiative(w http.ResponseWriter, r *http.Request) (community.Initiative, bool) {
	ini, err := s.deps.Community.InitiativeBySlug(r.Context(), info(r).territory.ID, r.PathValue("slug"))
	if err == nil && !ini.Published() && !s.can(r, auth.ManageInitiatives) {
		err = errs.New(errs.NotFound, "errors.initiative_not_found")
	}
	if err != nil {
		s.fail(w, r, err)
		return ini, false
	}
	return ini, true
}

func (s *Server) initiativePage(w http.ResponseWriter, r *http.Request, status int, ini community.Initiative, form url.Values, problems map[string]string) {
	ctx := r.Context()
	tid := info(r).territory.ID
	p := initiativePage{Base: s.base(w, r, ""), Initiative: ini, Preview: !ini.Published()}
	p.SetTypedTitle(ini.Title)
	var err error
	if p.Story, err = s.deps.Community.InitiativeHistory(ctx, tid, ini.ID); err == nil {
		if p.Milestones, err = s.deps.Community.Milestones(ctx, tid, ini.ID); err == nil {
			if p.Actors, err = s.deps.Community.Actors(ctx, tid, ini.ID); err == nil {
				if p.Needs, err = s.deps.Community.HelpNeeds(ctx, tid, ini.ID); err == nil {
					p.Crew, err = s.deps.Community.Crew(ctx, tid, ini.ID)
				}
			}
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if u := info(r).principal.User; u != nil && form == nil {
		if _, link, ok, err := s.deps.Community.Following(ctx, tid, ini.ID, u.Email); err != nil {
			s.fail(w, r, err)
			return
		} else if ok {
			p.Following, p.MyLink = true, link
		}
	}
	p.ActorPages = map[int64]string{}
	for _, a := range p.Actors {
		if a.OrganizationID == nil {
			continue
		}
		o, err := s.deps.Orgs.Get(ctx, tid, *a.OrganizationID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		if err == nil && o.Public {
			p.ActorPages[a.ID] = "/organismes/" + o.Slug
		}
	}
	for _, n := range p.Needs {
		if !n.Filled() {
			p.OpenNeeds++
		}
	}
	if ini.IdeaID != nil {
		idea, err := s.deps.Community.Get(ctx, tid, *ini.IdeaID)
		if err == nil && idea.Moderation == community.Approved {
			p.Idea = &idea
		} else if err != nil && !errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
	}
	desc := ini.Summary
	if desc == "" {
		desc = p.T("initiative.og_description", ini.PlaceName)
	}
	p.OG = openGraph{Title: ini.Title + " — " + ini.PlaceName, Description: desc, URL: s.cfg.BaseURL + "/initiatives/" + ini.Slug}
	if form == nil {
		form = url.Values{}
		if u := info(r).principal.User; u != nil {
			form.Set("email", u.Email)
			form.Set("name", u.Name)
		}
	}
	p.Form, p.Errors = form, problems
	s.render(w, r, status, "initiative", p)
}

func (s *Server) initiative(w http.ResponseWriter, r *http.Request) {
	if ini, ok := s.publicInitiative(w, r); ok {
		s.initiativePage(w, r, http.StatusOK, ini, nil, nil)
	}
}

// optionalID reads a form's number; ok is false when it is there but not one.
func optionalID(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, true
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// join is « Je veux participer ».
func (s *Server) join(w http.ResponseWriter, r *http.Request) {
	ini, ok := s.publicInitiative(w, r)
	if !ok {
		return
	}
	if !s.allowPublicForm(w, r) {
		return
	}
	_ = r.ParseForm()
	f := r.PostForm
	needID, needOK := optionalID(f.Get("need"))
	if !needOK {
		s.initiativePage(w, r, http.StatusUnprocessableEntity, ini, f, map[string]string{"need": "errors.initiative_need_unknown"})
		return
	}
	in := community.JoinInput{Name: f.Get("name"), Email: f.Get("email"), Offer: f.Get("offer"), NeedID: needID,
		ShowName: f.Get("show_name") == "1", Lang: info(r).lang}
	// A signed-in person joining with their own address needs no confirmation.
	u := info(r).principal.User
	verified := u != nil && u.Email == auth.NormalizeEmail(in.Email)
	out, err := s.deps.Community.Join(r.Context(), info(r).territory.ID, ini.ID, in, verified)
	if e, ok := errs.As(err); ok && e.Code != errs.NotFound {
		s.initiativePage(w, r, statusOf(e.Code), ini, f, formProblems(e, nil))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case out.Existing && out.Confirmed:
		s.flash(w, "flash.initiative_already")
	case out.Existing:
		s.flash(w, "flash.initiative_link_again")
	case out.Confirmed:
		s.flash(w, "flash.initiative_joined")
	default:
		s.flash(w, "flash.initiative_check_email")
	}
	// #contenu: back to the top, where the message is (not to the form).
	s.redirect(w, r, "/initiatives/"+ini.Slug+"#contenu")
}

// ---- The private link ---------------------------------------------------

type participationPage struct {
	Base
	Participation community.Participation
	Token         string
}

// participation shows a person's own link: a button confirms (opening the
// link alone — a mail scanner — changes nothing), another stops following.
func (s *Server) participation(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	p, err := s.deps.Community.Participation(r.Context(), info(r).territory.ID, tok)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	s.render(w, r, http.StatusOK, "initiative_link", participationPage{Base: s.base(w, r, "initiative.link_title"), Participation: p, Token: tok})
}

func (s *Server) confirmParticipation(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	p, err := s.deps.Community.ConfirmParticipation(r.Context(), info(r).territory.ID, tok)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.initiative_confirmed")
	if p.Initiative.Published() {
		s.redirect(w, r, "/initiatives/"+p.Initiative.Slug)
		return
	}
	s.redirect(w, r, "/initiatives/participer/"+tok)
}

func (s *Server) leaveInitiative(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if _, err := s.deps.Community.LeaveInitiative(r.Context(), info(r).territory.ID, tok); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.initiative_left")
	s.redirect(w, r, "/initiatives/participer/"+tok)
}

// today is the current day in the territory, for « late » milestones.
func (b Base) today() time.Time {
	y, m, d := time.Now().In(b.Territory.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Late reports whether a milestone not done is past its day.
func (b Base) Late(m community.Milestone) bool { return m.DoneOn == nil && m.DueOn.Before(b.today()) }

// CrewLine says who is involved without anything personal: the first
// names people chose to show, then how many others (« Lise et 2 autres
// personnes »), or how many in all; noneKey says there is nobody.
func (b Base) CrewLine(names []string, total int, noneKey string) string {
	if total == 0 {
		return b.T(noneKey)
	}
	if len(names) == 0 {
		return b.Count(total, "initiative.persons_one", "initiative.persons")
	}
	list := append([]string(nil), names...)
	if others := total - len(names); others > 0 {
		list = append(list, b.Count(others, "initiative.others_one", "initiative.others"))
	}
	return b.Names(list)
}
