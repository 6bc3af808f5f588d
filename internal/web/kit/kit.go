// Package kit is what every part of Implique's web layer shares: the page
// base and its rendering, the request's principal, language and territory,
// form plumbing and problems, readable-input checks and limits, and the
// views several capabilities show. Capability handlers sit above it.
package kit

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"implique/internal/auth"
	"implique/internal/committee"
	"implique/internal/comms"
	"implique/internal/community"
	"implique/internal/connections"
	"implique/internal/db"
	"implique/internal/events"
	"implique/internal/funding"
	"implique/internal/i18n"
	"implique/internal/impact"
	"implique/internal/installation"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/portrait"
	"implique/internal/privacy"
	"implique/internal/survey"
	"implique/internal/territory"
	"implique/internal/tracking"
	"implique/internal/training"
	"implique/internal/volunteering"
)

//go:embed templates/*.html
var layoutFS embed.FS

// StaticFS holds the files the pages need (styles, scripts, images).
//
//go:embed static
var StaticFS embed.FS

// Config is what the web layer needs to know about its setting.
type Config struct {
	// BaseURL is the public address, for links in e-mails (no trailing slash).
	BaseURL string
	// SMTPConfigured tells pages whether e-mails leave the outbox.
	SMTPConfigured bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// is believed (for rate limits); empty: the TCP peer is the client.
	TrustedProxies []netip.Prefix
	// PageCacheBytes bounds the memory of the rendered public pages kept
	// for anonymous visitors (compressed bytes); 0: 8 MiB; below 0: none.
	PageCacheBytes int64
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
	Surveys      *survey.Store
	Funding      *funding.Store
	// Committee keeps the partners' committee.
	Committee *committee.Store
	// Training keeps the trainings: programs, cohorts, learners, certificates.
	Training *training.Store
	// Comms keeps the communications: campaigns, the content calendar,
	// stories and their consents, newsletters, posters.
	Comms *comms.Store
	// Portrait draws the portrait of involvement and needs.
	Portrait *portrait.Builder
	// Impact keeps the logic model, the indicators' values and the reports.
	Impact *impact.Store
	// Privacy is the privacy centre: the registry of personal
	// information, people's rights, the access log, the incidents.
	Privacy *privacy.Store
	// Installation adds and lists the installation's territories.
	Installation *installation.Service
	Logger       *slog.Logger
	// Registry receives the HTTP metrics; /metrics serves it.
	Registry *prometheus.Registry
	// Now is the clock (tests replace it).
	Now func() time.Time
}

// Kit renders pages and answers errors for every capability's handlers.
type Kit struct {
	Cfg    Config
	Deps   Deps
	Cat    i18n.Catalogs
	Secure bool
	pages  *templates
}

// New parses the kit's pages and every page of pages over the layout (a
// broken or missing template fails here, at start).
func New(cfg Config, deps Deps, cat i18n.Catalogs, pages ...fs.FS) (*Kit, error) {
	k := &Kit{Cfg: cfg, Deps: deps, Cat: cat, Secure: strings.HasPrefix(cfg.BaseURL, "https://")}
	var err error
	k.pages, err = parseTemplates(append([]fs.FS{layoutFS}, pages...)...)
	return k, err
}

// ctxKey types the request-scoped values the middleware sets.
type ctxKey int

const (
	keyRequest ctxKey = iota
)

// ReqInfo is what the middleware learned about a request.
type ReqInfo struct {
	ID        string
	Pattern   string
	Lang      string
	Territory territory.Territory
	Principal auth.Principal
	Session   string
	// Public: the page is the same for every anonymous visitor, kept by
	// the site and revalidated by browsers (its ETag) rather than never
	// stored.
	Public bool
}

func Info(r *http.Request) *ReqInfo {
	if ri, ok := r.Context().Value(keyRequest).(*ReqInfo); ok {
		return ri
	}
	return &ReqInfo{Lang: "fr"}
}

func WithInfo(r *http.Request, ri *ReqInfo) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), keyRequest, ri))
}
