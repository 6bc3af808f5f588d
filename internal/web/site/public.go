// Package site serves the site itself: the home page, a place's page, the
// language toggle, robots.txt, the theme, and the health checks.
package site

import (
	"embed"
	"fmt"
	"net/http"

	"implique/internal/community"
	"implique/internal/events"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

func (s *Handlers) Healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// Readyz answers 200 when the database answers, 503 otherwise (locked,
// gone, closed) — never a panic.
func (s *Handlers) Readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.Deps.DB.Ping(r.Context()); err != nil {
		s.Deps.Logger.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Handlers) Robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("User-agent: *\nDisallow: /admin\nDisallow: /compte\nDisallow: /connexion\n"))
}

// ThemeCSS carries the territory's branding colour as a custom property,
// so that the strict CSP needs no inline style.
func (s *Handlers) ThemeCSS(w http.ResponseWriter, r *http.Request) {
	c := kit.Info(r).Territory.BrandColor
	if len(c) != 7 || c[0] != '#' {
		c = territory.DefaultBrandColor
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	fmt.Fprintf(w, ":root { --brand: %s; }\n", c)
}

func (s *Handlers) SetLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if lang != "fr" && lang != "en" {
		s.NotFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: kit.LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
	back := kit.LocalPath(r.URL.Query().Get("retour"))
	if back == "" {
		back = "/"
	}
	s.Redirect(w, r, back)
}

type homePage struct {
	kit.Base
	Groups     []kit.PlaceGroup
	PlaceCount int
	Upcoming   []kit.EventView
	Progress   events.Progress
}

func (s *Handlers) Home(w http.ResponseWriter, r *http.Request) {
	t := kit.Info(r).Territory
	places, err := s.Deps.Territories.Places(r.Context(), t.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := homePage{Base: s.Page(w, r, ""), Groups: kit.GroupPlaces(places)}
	p.Title = t.Name
	upcoming, err := s.Deps.Events.List(r.Context(), t.ID, events.Filter{PublicOnly: true, From: s.Deps.Events.Now(), Limit: 4})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, ev := range upcoming {
		p.Upcoming = append(p.Upcoming, s.EventView(ev))
	}
	if p.Progress, err = s.Deps.Events.DinnerProgress(r.Context(), t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, pl := range places {
		if pl.ParentID == nil {
			p.PlaceCount++
		}
	}
	s.Render(w, r, http.StatusOK, "home", p)
}

type placePage struct {
	kit.Base
	Place   territory.Place
	Sectors []territory.Place
	Events  []kit.EventView
	FeedURL string
	Ideas   []community.IdeaRecord
	// Communities are the public communautés de partage of the place.
	Communities []community.Community
	// Initiatives are the public citizen initiatives of the place.
	Initiatives []community.Initiative
}

func (s *Handlers) Place(w http.ResponseWriter, r *http.Request) {
	t := kit.Info(r).Territory
	pl, err := s.Deps.Territories.Place(r.Context(), t.ID, r.PathValue("slug"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := placePage{Base: s.Page(w, r, ""), Place: pl, FeedURL: "/api/v1/places/" + pl.Slug + "/events.ics"}
	p.SetTypedTitle(pl.Name)
	evs, err := s.Deps.Events.List(r.Context(), t.ID, events.Filter{PublicOnly: true, PlaceSlug: pl.Slug, From: s.Deps.Events.Now().AddDate(0, -2, 0)})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, ev := range evs {
		p.Events = append(p.Events, s.EventView(ev))
	}
	if p.Ideas, err = s.Deps.Community.List(r.Context(), t.ID, community.Filter{PlaceSlug: pl.Slug, Moderation: community.Approved,
		MostSupported: true}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Communities, err = s.Deps.Community.Communities(r.Context(), t.ID, community.CommunityFilter{PublicOnly: true, PlaceSlug: pl.Slug}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Initiatives, err = s.Deps.Community.Initiatives(r.Context(), t.ID, community.InitiativeFilter{PlaceSlug: pl.Slug,
		PublishedOnly: true}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if pl.ParentID == nil {
		all, err := s.Deps.Territories.Places(r.Context(), t.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, o := range all {
			if o.ParentID != nil && *o.ParentID == pl.ID {
				p.Sectors = append(p.Sectors, o)
			}
		}
	}
	s.Render(w, r, http.StatusOK, "place", p)
}
