// Package web serves Implique's pages and JSON API. It never writes SQL:
// it calls the capability packages, and asks the authorization policy before
// every action.
package web

import (
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"implique/internal/i18n"
	"implique/internal/web/account"
	"implique/internal/web/committee"
	"implique/internal/web/comms"
	"implique/internal/web/communities"
	"implique/internal/web/connections"
	"implique/internal/web/events"
	"implique/internal/web/funding"
	"implique/internal/web/ideas"
	"implique/internal/web/impact"
	"implique/internal/web/initiatives"
	"implique/internal/web/installation"
	"implique/internal/web/kit"
	"implique/internal/web/orgs"
	"implique/internal/web/portrait"
	"implique/internal/web/privacy"
	"implique/internal/web/site"
	"implique/internal/web/staff"
	"implique/internal/web/surveys"
	"implique/internal/web/training"
	"implique/internal/web/volunteering"
)

// Config is what the web layer needs to know about its setting.
type Config = kit.Config

// Deps are the capabilities the web layer calls.
type Deps = kit.Deps

// Server is the HTTP side of Implique.
type Server struct {
	*kit.Kit
	// The handlers of each capability.
	account      *account.Handlers
	committee    *committee.Handlers
	training     *training.Handlers
	comms        *comms.Handlers
	communities  *communities.Handlers
	connections  *connections.Handlers
	events       *events.Handlers
	funding      *funding.Handlers
	ideas        *ideas.Handlers
	impact       *impact.Handlers
	initiatives  *initiatives.Handlers
	installation *installation.Handlers
	orgs         *orgs.Handlers
	portrait     *portrait.Handlers
	privacy      *privacy.Handlers
	site         *site.Handlers
	staff        *staff.Handlers
	surveys      *surveys.Handlers
	volunteering *volunteering.Handlers
	metrics      *httpMetrics
	handler      http.Handler
}

// New parses every template (a broken or missing one fails here, at start)
// and builds the routes.
func New(cfg Config, deps Deps) (*Server, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	// Each capability's pages, over the kit's layout and partials.
	k, err := kit.New(cfg, deps, cat, account.Templates, comms.Templates, committee.Templates, communities.Templates, connections.Templates,
		events.Templates, funding.Templates, ideas.Templates, impact.Templates, initiatives.Templates, installation.Templates, orgs.Templates,
		portrait.Templates, privacy.Templates, site.Templates, staff.Templates, surveys.Templates, training.Templates, volunteering.Templates)
	if err != nil {
		return nil, err
	}
	s := &Server{Kit: k, metrics: newHTTPMetrics(deps.Registry),
		account:      &account.Handlers{Kit: k},
		committee:    &committee.Handlers{Kit: k},
		comms:        &comms.Handlers{Kit: k},
		communities:  &communities.Handlers{Kit: k},
		connections:  &connections.Handlers{Kit: k},
		events:       &events.Handlers{Kit: k},
		funding:      &funding.Handlers{Kit: k},
		ideas:        &ideas.Handlers{Kit: k},
		impact:       &impact.Handlers{Kit: k},
		initiatives:  &initiatives.Handlers{Kit: k},
		installation: &installation.Handlers{Kit: k},
		orgs:         &orgs.Handlers{Kit: k},
		portrait:     &portrait.Handlers{Kit: k},
		privacy:      &privacy.Handlers{Kit: k},
		site:         &site.Handlers{Kit: k},
		staff:        &staff.Handlers{Kit: k},
		training:     &training.Handlers{Kit: k},
		surveys:      &surveys.Handlers{Kit: k},
		volunteering: &volunteering.Handlers{Kit: k},
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// staticFiles serves the files the pages need; a folder is not a file
// (no listing of what is there).
func (s *Server) staticFiles() http.Handler {
	sub, _ := fs.Sub(kit.StaticFS, "static")
	fsrv := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fi, err := fs.Stat(sub, strings.TrimSuffix(r.URL.Path, "/")); err != nil || fi.IsDir() || r.URL.Path == "" {
			s.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}
