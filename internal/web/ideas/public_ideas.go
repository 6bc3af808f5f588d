// Package ideas serves needs and ideas: the public list, proposals and
// supports, and their moderation by staff.
package ideas

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
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

type ideasPage struct {
	kit.Base
	Ideas  []cty.IdeaRecord
	Themes []cty.Theme
	Places []territory.Place
	Place  string
	Theme  string
}

func (s *Handlers) Ideas(w http.ResponseWriter, r *http.Request) {
	t := kit.Info(r).Territory
	q := r.URL.Query()
	p := ideasPage{Base: s.Page(w, r, "ideas.title"), Place: q.Get("lieu"), Theme: q.Get("theme")}
	var err error
	if p.Place != "" {
		if _, err := s.Deps.Territories.Place(r.Context(), t.ID, p.Place); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if p.Themes, err = s.Deps.Community.Themes(r.Context(), t.ID, false); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Places, err = s.Deps.Territories.Places(r.Context(), t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Ideas, err = s.Deps.Community.List(r.Context(), t.ID, cty.Filter{PlaceSlug: p.Place, ThemeCode: p.Theme,
		Moderation: cty.Approved, MostSupported: true}); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "ideas", p)
}

type ideaPage struct {
	kit.Base
	Idea    cty.IdeaRecord
	Story   []cty.Step
	Already bool
	// Carriers are the public communities that carry the idea; Private
	// counts the others.
	Carriers []cty.Community
	Private  int
	// Initiatives are the public initiatives born from the idea.
	Initiatives []cty.Initiative
	OG          kit.OpenGraph
}

// publicIdea finds an approved idea by the {id} of the URL.
func (s *Handlers) publicIdea(w http.ResponseWriter, r *http.Request) (cty.IdeaRecord, bool) {
	id := kit.PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return cty.IdeaRecord{}, false
	}
	idea, err := s.Deps.Community.Get(r.Context(), kit.Info(r).Territory.ID, id)
	if err == nil && idea.Moderation != cty.Approved {
		err = errs.New(errs.NotFound, "errors.idea_not_found")
	}
	if err != nil {
		s.Fail(w, r, err)
		return idea, false
	}
	return idea, true
}

func (s *Handlers) ideaPage(w http.ResponseWriter, r *http.Request, status int, idea cty.IdeaRecord, form url.Values, problems map[string]string) {
	p := ideaPage{Base: s.Page(w, r, ""), Idea: idea}
	p.SetTypedTitle(idea.Title)
	abs := s.Cfg.BaseURL + "/idees/" + strconv.FormatInt(idea.ID, 10)
	p.OG = kit.OpenGraph{Title: idea.Title + " — " + idea.PlaceName, Description: kit.ShareSummary(idea.Details, idea.Title), URL: abs,
		Image: abs + "/partage.png"}
	var err error
	if p.Story, err = s.Deps.Community.History(r.Context(), kit.Info(r).Territory.ID, idea.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	carriers, err := s.Deps.Community.CarriersOf(r.Context(), kit.Info(r).Territory.ID, idea.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, c := range carriers {
		if c.Public {
			p.Carriers = append(p.Carriers, c)
		} else {
			p.Private++
		}
	}
	if p.Initiatives, err = s.Deps.Community.Initiatives(r.Context(), kit.Info(r).Territory.ID,
		cty.InitiativeFilter{IdeaID: idea.ID, PublishedOnly: true}); err != nil {
		s.Fail(w, r, err)
		return
	}
	form = kit.FormOf(r, form)
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "idea", p)
}

func (s *Handlers) Idea(w http.ResponseWriter, r *http.Request) {
	if idea, ok := s.publicIdea(w, r); ok {
		s.ideaPage(w, r, http.StatusOK, idea, nil, nil)
	}
}

func (s *Handlers) Support(w http.ResponseWriter, r *http.Request) {
	idea, ok := s.publicIdea(w, r)
	if !ok {
		return
	}
	if !s.AllowPublicForm(w, r) {
		return
	}
	in := cty.SupportInput{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Offer: r.PostFormValue("offer"), Lang: kit.Info(r).Lang}
	// A signed-in person supporting with their own address needs no confirmation.
	u := kit.Info(r).Principal.User
	verified := u != nil && u.Email == auth.NormalizeEmail(in.Email)
	out, err := s.Deps.Community.Support(r.Context(), kit.Info(r).Territory.ID, idea.ID, in, verified)
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) { s.ideaPage(w, r, status, idea, r.PostForm, problems) })
		return
	}
	switch {
	case out.Existing && out.Confirmed:
		s.Flash(w, "flash.support_already")
	case out.Confirmed:
		s.Flash(w, "flash.support_counted")
	default:
		s.Flash(w, "flash.support_check_email")
	}
	s.Redirect(w, r, "/idees/"+strconv.FormatInt(idea.ID, 10))
}

type supportLandingPage struct {
	kit.Base
	Token string
}

// SupportLanding shows a button: opening the link alone (a mail scanner)
// confirms nothing.
func (s *Handlers) SupportLanding(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.Render(w, r, http.StatusOK, "support_confirm", supportLandingPage{Base: s.Page(w, r, "support.title"), Token: r.PathValue("token")})
}

func (s *Handlers) ConfirmSupport(w http.ResponseWriter, r *http.Request) {
	idea, err := s.Deps.Community.ConfirmSupport(r.Context(), kit.Info(r).Territory.ID, r.PathValue("token"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, "flash.support_counted", "/idees/"+strconv.FormatInt(idea.ID, 10))
}

type proposePage struct {
	kit.Base
	Themes []cty.Theme
	Places []territory.Place
	Sent   bool
}

func (s *Handlers) proposePage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	t := kit.Info(r).Territory
	p := proposePage{Base: s.Page(w, r, "propose.title"), Sent: r.URL.Query().Get("merci") == "1"}
	var err error
	if p.Themes, err = s.Deps.Community.Themes(r.Context(), t.ID, false); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Places, err = s.Deps.Territories.Places(r.Context(), t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"kind": {string(cty.Idea)}, "place": {r.URL.Query().Get("lieu")}}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "propose", p)
}

func (s *Handlers) ProposeForm(w http.ResponseWriter, r *http.Request) {
	s.proposePage(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) Propose(w http.ResponseWriter, r *http.Request) {
	if !s.AllowPublicForm(w, r) {
		return
	}
	f := r.PostForm
	_, err := s.Deps.Community.Submit(r.Context(), kit.Info(r).Territory.ID, cty.Input{Kind: cty.Kind(f.Get("kind")),
		Title: f.Get("title"), Details: f.Get("details"), ThemeCode: f.Get("theme"), PlaceSlug: f.Get("place"),
		SubmitterName: f.Get("submitter_name"), SubmitterEmail: f.Get("submitter_email")})
	if err != nil {
		s.RefuseFields(w, r, err, func(status int, problems map[string]string) { s.proposePage(w, r, status, f, problems) })
		return
	}
	s.Redirect(w, r, "/idees/proposer?merci=1")
}

// IdeaCard is an approved idea's share image (Open Graph).
func (s *Handlers) IdeaCard(w http.ResponseWriter, r *http.Request) {
	idea, ok := s.publicIdea(w, r)
	if !ok {
		return
	}
	s.WriteShareCard(w, r, sharecard.Card{Kicker: s.Cat.T("fr", "idea.kind."+string(idea.Kind)) + " · " + idea.PlaceName,
		Title: idea.Title, When: s.Cat.T("fr", "comms.share.idea")}, 10*time.Minute)
}
