package web

import (
	"net/http"
	"net/url"
	"strconv"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/errs"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

type ideasPage struct {
	kit.Base
	Ideas  []community.IdeaRecord
	Themes []community.Theme
	Places []territory.Place
	Place  string
	Theme  string
}

func (s *Server) ideas(w http.ResponseWriter, r *http.Request) {
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
	if p.Ideas, err = s.Deps.Community.List(r.Context(), t.ID, community.Filter{PlaceSlug: p.Place, ThemeCode: p.Theme,
		Moderation: community.Approved, MostSupported: true}); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "ideas", p)
}

type ideaPage struct {
	kit.Base
	Idea    community.IdeaRecord
	Story   []community.Step
	Already bool
	// Carriers are the public communities that carry the idea; Private
	// counts the others.
	Carriers []community.Community
	Private  int
	// Initiatives are the public initiatives born from the idea.
	Initiatives []community.Initiative
}

// publicIdea finds an approved idea by the {id} of the URL.
func (s *Server) publicIdea(w http.ResponseWriter, r *http.Request) (community.IdeaRecord, bool) {
	id := kit.PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return community.IdeaRecord{}, false
	}
	idea, err := s.Deps.Community.Get(r.Context(), kit.Info(r).Territory.ID, id)
	if err == nil && idea.Moderation != community.Approved {
		err = errs.New(errs.NotFound, "errors.idea_not_found")
	}
	if err != nil {
		s.Fail(w, r, err)
		return idea, false
	}
	return idea, true
}

func (s *Server) ideaPage(w http.ResponseWriter, r *http.Request, status int, idea community.IdeaRecord, form url.Values, problems map[string]string) {
	p := ideaPage{Base: s.Page(w, r, ""), Idea: idea}
	p.SetTypedTitle(idea.Title)
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
		community.InitiativeFilter{IdeaID: idea.ID, PublishedOnly: true}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{}
		if u := kit.Info(r).Principal.User; u != nil {
			form.Set("email", u.Email)
			form.Set("name", u.Name)
		}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "idea", p)
}

func (s *Server) idea(w http.ResponseWriter, r *http.Request) {
	if idea, ok := s.publicIdea(w, r); ok {
		s.ideaPage(w, r, http.StatusOK, idea, nil, nil)
	}
}

func (s *Server) support(w http.ResponseWriter, r *http.Request) {
	idea, ok := s.publicIdea(w, r)
	if !ok {
		return
	}
	if !s.AllowPublicForm(w, r) {
		return
	}
	_ = r.ParseForm()
	in := community.SupportInput{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Offer: r.PostFormValue("offer"), Lang: kit.Info(r).Lang}
	// A signed-in person supporting with their own address needs no confirmation.
	u := kit.Info(r).Principal.User
	verified := u != nil && u.Email == auth.NormalizeEmail(in.Email)
	out, err := s.Deps.Community.Support(r.Context(), kit.Info(r).Territory.ID, idea.ID, in, verified)
	if e, ok := errs.As(err); ok {
		s.ideaPage(w, r, kit.StatusOf(e.Code), idea, r.PostForm, kit.FormProblems(e, nil))
		return
	} else if err != nil {
		s.Fail(w, r, err)
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

// supportLanding shows a button: opening the link alone (a mail scanner)
// confirms nothing.
func (s *Server) supportLanding(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.Render(w, r, http.StatusOK, "support_confirm", supportLandingPage{Base: s.Page(w, r, "support.title"), Token: r.PathValue("token")})
}

func (s *Server) confirmSupport(w http.ResponseWriter, r *http.Request) {
	idea, err := s.Deps.Community.ConfirmSupport(r.Context(), kit.Info(r).Territory.ID, r.PathValue("token"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, "flash.support_counted")
	s.Redirect(w, r, "/idees/"+strconv.FormatInt(idea.ID, 10))
}

type proposePage struct {
	kit.Base
	Themes []community.Theme
	Places []territory.Place
	Sent   bool
}

func (s *Server) proposePage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
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
		form = url.Values{"kind": {string(community.Idea)}, "place": {r.URL.Query().Get("lieu")}}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "propose", p)
}

func (s *Server) proposeForm(w http.ResponseWriter, r *http.Request) {
	s.proposePage(w, r, http.StatusOK, nil, nil)
}

func (s *Server) propose(w http.ResponseWriter, r *http.Request) {
	if !s.AllowPublicForm(w, r) {
		return
	}
	_ = r.ParseForm()
	f := r.PostForm
	_, err := s.Deps.Community.Submit(r.Context(), kit.Info(r).Territory.ID, community.Input{Kind: community.Kind(f.Get("kind")),
		Title: f.Get("title"), Details: f.Get("details"), ThemeCode: f.Get("theme"), PlaceSlug: f.Get("place"),
		SubmitterName: f.Get("submitter_name"), SubmitterEmail: f.Get("submitter_email")})
	if e, ok := errs.As(err); ok {
		s.proposePage(w, r, kit.StatusOf(e.Code), f, e.Fields)
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Redirect(w, r, "/idees/proposer?merci=1")
}
