// Package web serves Implique's pages and JSON API. It never writes SQL:
// it calls the capability packages, and asks the authorization policy before
// every action.
package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/connections"
	"implique/internal/db"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/tracking"
	"implique/internal/volunteering"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the web layer needs to know about its setting.
type Config struct {
	// BaseURL is the public address, for links in e-mails (no trailing slash).
	BaseURL string
	// SMTPConfigured tells pages whether e-mails leave the outbox.
	SMTPConfigured bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// is believed (for rate limits); empty: the TCP peer is the client.
	TrustedProxies []netip.Prefix
}

// Deps are the capabilities the web layer calls.
type Deps struct {
	DB          *db.DB
	Territories *territory.Store
	Auth        *auth.Store
	Mailer      *mail.Mailer
	Outbox      *mail.Store
	Events      *events.Store
	Community   *community.Store
	Connections *connections.Store
	// Orgs names organisations and tells which ones a manager keeps.
	Orgs         *orgs.Store
	Volunteering *volunteering.Store
	Tracking     *tracking.Store
	Logger       *slog.Logger
	// Registry receives the HTTP metrics; /metrics serves it.
	Registry *prometheus.Registry
	// Now is the clock (tests replace it).
	Now func() time.Time
}

// Server is the HTTP side of Implique.
type Server struct {
	cfg     Config
	deps    Deps
	cat     i18n.Catalogs
	pages   map[string]*template.Template
	secure  bool
	metrics *httpMetrics
	handler http.Handler
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
	s := &Server{cfg: cfg, deps: deps, cat: cat, secure: strings.HasPrefix(cfg.BaseURL, "https://")}
	if s.pages, err = parseTemplates(cat); err != nil {
		return nil, err
	}
	s.metrics = newHTTPMetrics(deps.Registry)
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// staticFiles serves the files the pages need; a folder is not a file
// (no listing of what is there).
func (s *Server) staticFiles() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fi, err := fs.Stat(sub, strings.TrimSuffix(r.URL.Path, "/")); err != nil || fi.IsDir() || r.URL.Path == "" {
			s.notFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// ctxKey types the request-scoped values the middleware sets.
type ctxKey int

const (
	keyRequest ctxKey = iota
)

// reqInfo is what the middleware learned about a request.
type reqInfo struct {
	id        string
	pattern   string
	lang      string
	territory territory.Territory
	principal auth.Principal
	session   string
}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(keyRequest).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{lang: "fr"}
}

func withInfo(r *http.Request, ri *reqInfo) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), keyRequest, ri))
}
