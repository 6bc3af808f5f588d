// Package initiatives serves citizen initiatives: the public list and pages,
// « Je veux participer » and the participant's private link, and their
// follow-up by staff.
package initiatives

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	cty "implique/internal/community"
	"implique/internal/errs"
	"implique/internal/sharecard"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

// Public pages of citizen initiatives: the list, an initiative's page with
// its progress, the help it needs and « Je veux participer », and the
// private link each participant receives (confirm, stop following). No
// account needed; names are shown only when people chose so.

// knownInitiativeStatus returns st when it is a status, "" otherwise.
func knownInitiativeStatus(st string) cty.InitiativeStatus {
	for _, s := range cty.InitiativeStatuses {
		if string(s) == st {
			return s
		}
	}
	return ""
}

// ---- The list ----------------------------------------------------------

type initiativesPage struct {
	kit.Base
	Initiatives []cty.Initiative
	Places      []territory.Place
	Statuses    []cty.InitiativeStatus
	Place       string
	Status      string
}

func (s *Handlers) Initiatives(w http.ResponseWriter, r *http.Request) {
	t := kit.Info(r).Territory
	q := r.URL.Query()
	p := initiativesPage{Base: s.Page(w, r, "initiative.list_title"), Place: q.Get("lieu"),
		Status: string(knownInitiativeStatus(q.Get("statut"))), Statuses: cty.InitiativeStatuses}
	if p.Place != "" {
		if _, err := s.Deps.Territories.Place(r.Context(), t.ID, p.Place); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	var err error
	if p.Places, err = s.Deps.Territories.Places(r.Context(), t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Initiatives, err = s.Deps.Community.Initiatives(r.Context(), t.ID, cty.InitiativeFilter{PlaceSlug: p.Place,
		Status: cty.InitiativeStatus(p.Status), PublishedOnly: true}); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "initiatives", p)
}

// ---- An initiative's page ----------------------------------------------

type initiativePage struct {
	kit.Base
	Initiative cty.Initiative
	Story      []cty.InitiativeStep
	Milestones []cty.Milestone
	Actors     []cty.Actor
	// ActorPages are the public pages of actors that are organisations of the directory.
	ActorPages map[int64]string
	Needs      []cty.HelpWanted
	OpenNeeds  int
	Crew       cty.Crew
	// Idea is the idea it was born from, when the public may see it.
	Idea *cty.IdeaRecord
	OG   kit.OpenGraph
	// Preview is set when staff look at an initiative the public cannot see.
	Preview bool
	// Following is set when the signed-in person takes part already; MyLink
	// is their private page.
	Following bool
	MyLink    string
}

// publicInitiative finds an initiative by its address; unpublished ones
// are a 404, except for staff (a preview).
func (s *Handlers) publicInitiative(w http.ResponseWriter, r *http.Request) (cty.Initiative, bool) {
	ini, err := s.Deps.Community.InitiativeBySlug(r.Context(), kit.Info(r).Territory.ID, r.PathValue("slug"))
	if err == nil && !ini.Published() && !s.Can(r, auth.ManageInitiatives) {
		err = errs.New(errs.NotFound, "errors.initiative_not_found")
	}
	if err != nil {
		s.Fail(w, r, err)
		return ini, false
	}
	return ini, true
}

func (s *Handlers) initiativePage(w http.ResponseWriter, r *http.Request, status int, ini cty.Initiative, form url.Values, problems map[string]string) {
	ctx := r.Context()
	tid := kit.Info(r).Territory.ID
	p := initiativePage{Base: s.Page(w, r, ""), Initiative: ini, Preview: !ini.Published()}
	p.SetTypedTitle(ini.Title)
	var err error
	if p.Story, err = s.Deps.Community.InitiativeHistory(ctx, tid, ini.ID); err == nil {
		if p.Milestones, err = s.Deps.Community.Milestones(ctx, tid, ini.ID); err == nil {
			if p.Actors, err = s.Deps.Community.Actors(ctx, tid, ini.ID); err == nil {
				if p.Needs, err = s.Deps.Community.HelpNeeds(ctx, tid, ini.ID); err == nil {
					p.Crew, err = s.Deps.Community.Crew(ctx, tid, ini.ID)
				}
			}
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if u := kit.Info(r).Principal.User; u != nil && form == nil {
		if _, link, ok, err := s.Deps.Community.Following(ctx, tid, ini.ID, u.Email); err != nil {
			s.Fail(w, r, err)
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
		o, err := s.Deps.Orgs.Get(ctx, tid, *a.OrganizationID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			s.Fail(w, r, err)
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
		idea, err := s.Deps.Community.Get(ctx, tid, *ini.IdeaID)
		if err == nil && idea.Moderation == cty.Approved {
			p.Idea = &idea
		} else if err != nil && !errs.Is(err, errs.NotFound) {
			s.Fail(w, r, err)
			return
		}
	}
	desc := ini.Summary
	if desc == "" {
		desc = p.T("initiative.og_description", ini.PlaceName)
	}
	p.OG = kit.OpenGraph{Title: ini.Title + " — " + ini.PlaceName, Description: desc, URL: s.Cfg.BaseURL + "/initiatives/" + ini.Slug,
		Image: s.Cfg.BaseURL + "/initiatives/" + ini.Slug + "/partage/image.png"}
	form = kit.FormOf(r, form)
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "initiative", p)
}

func (s *Handlers) Initiative(w http.ResponseWriter, r *http.Request) {
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

// Join is « Je veux participer ».
func (s *Handlers) Join(w http.ResponseWriter, r *http.Request) {
	ini, ok := s.publicInitiative(w, r)
	if !ok {
		return
	}
	if !s.AllowPublicForm(w, r) {
		return
	}
	f := r.PostForm
	needID, needOK := optionalID(f.Get("need"))
	if !needOK {
		s.initiativePage(w, r, http.StatusUnprocessableEntity, ini, f, map[string]string{"need": "errors.initiative_need_unknown"})
		return
	}
	in := cty.JoinInput{Name: f.Get("name"), Email: f.Get("email"), Offer: f.Get("offer"), NeedID: needID,
		ShowName: f.Get("show_name") == "1", Lang: kit.Info(r).Lang}
	// A signed-in person joining with their own address needs no confirmation.
	u := kit.Info(r).Principal.User
	verified := u != nil && u.Email == auth.NormalizeEmail(in.Email)
	out, err := s.Deps.Community.Join(r.Context(), kit.Info(r).Territory.ID, ini.ID, in, verified)
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) { s.initiativePage(w, r, status, ini, f, problems) })
		return
	}
	switch {
	case out.Existing && out.Confirmed:
		s.Flash(w, "flash.initiative_already")
	case out.Existing:
		s.Flash(w, "flash.initiative_link_again")
	case out.Confirmed:
		s.Flash(w, "flash.initiative_joined")
	default:
		s.Flash(w, "flash.initiative_check_email")
	}
	// #contenu: back to the top, where the message is (not to the form).
	s.Redirect(w, r, "/initiatives/"+ini.Slug+"#contenu")
}

// ---- The private link ---------------------------------------------------

type participationPage struct {
	kit.Base
	Participation cty.Participation
	Token         string
}

// Participation shows a person's own link: a button confirms (opening the
// link alone — a mail scanner — changes nothing), another stops following.
func (s *Handlers) Participation(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	p, err := s.Deps.Community.Participation(r.Context(), kit.Info(r).Territory.ID, tok)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	s.Render(w, r, http.StatusOK, "initiative_link", participationPage{Base: s.Page(w, r, "initiative.link_title"), Participation: p, Token: tok})
}

func (s *Handlers) ConfirmParticipation(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	p, err := s.Deps.Community.ConfirmParticipation(r.Context(), kit.Info(r).Territory.ID, tok)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, "flash.initiative_confirmed")
	if p.Initiative.Published() {
		s.Redirect(w, r, "/initiatives/"+p.Initiative.Slug)
		return
	}
	s.Redirect(w, r, "/initiatives/participer/"+tok)
}

func (s *Handlers) LeaveInitiative(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if _, err := s.Deps.Community.LeaveInitiative(r.Context(), kit.Info(r).Territory.ID, tok); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, "flash.initiative_left", "/initiatives/participer/"+tok)
}

// InitiativeCard is a published initiative's share image (Open Graph).
func (s *Handlers) InitiativeCard(w http.ResponseWriter, r *http.Request) {
	ini, err := s.Deps.Community.InitiativeBySlug(r.Context(), kit.Info(r).Territory.ID, r.PathValue("slug"))
	if err == nil && !ini.Published() {
		err = errs.New(errs.NotFound, "errors.initiative_not_found")
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.WriteShareCard(w, r, sharecard.Card{Kicker: s.Cat.T("fr", "comms.share.initiative") + " · " + ini.PlaceName, Title: ini.Title,
		When: kit.ShareSummary(ini.Summary, "")}, 10*time.Minute)
}
