// Package web serves Implique's pages and JSON API. It never writes SQL:
// it calls the capability packages, and asks the authorization policy before
// every action.
package web

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"implique/internal/i18n"
	"implique/internal/web/account"
	"implique/internal/web/communities"
	"implique/internal/web/connections"
	"implique/internal/web/events"
	"implique/internal/web/ideas"
	"implique/internal/web/initiatives"
	"implique/internal/web/kit"
	"implique/internal/web/orgs"
	"implique/internal/web/volunteering"
)

//go:embed templates/*.html
var templateFS embed.FS

// kit.Config is what the web layer needs to know about its setting.
type Config = kit.Config

// kit.Deps are the capabilities the web layer calls.
type Deps = kit.Deps

// Server is the HTTP side of Implique.
type Server struct {
	*kit.Kit
	connections  *connections.Handlers
	ideas        *ideas.Handlers
	initiatives  *initiatives.Handlers
	communities  *communities.Handlers
	events       *events.Handlers
	orgs         *orgs.Handlers
	volunteering *volunteering.Handlers
	account      *account.Handlers
	metrics      *httpMetrics
	handler      http.Handler
}

// New parses every template (a broken or missing one fails here, at start)
// and builds the routes.
func New(cfg kit.Config, deps kit.Deps) (*Server, error) {
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
	k, err := kit.New(cfg, deps, cat, templateFS, account.Templates, volunteering.Templates, orgs.Templates, events.Templates, communities.Templates, initiatives.Templates, ideas.Templates, connections.Templates)
	if err != nil {
		return nil, err
	}
	s := &Server{Kit: k, metrics: newHTTPMetrics(deps.Registry),
		connections: &connections.Handlers{Kit: k}, account: &account.Handlers{Kit: k}, volunteering: &volunteering.Handlers{Kit: k}, orgs: &orgs.Handlers{Kit: k}, events: &events.Handlers{Kit: k}, communities: &communities.Handlers{Kit: k}, initiatives: &initiatives.Handlers{Kit: k}, ideas: &ideas.Handlers{Kit: k}}
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
