// Package web serves Implique's pages and JSON API. It never writes SQL:
// it calls the capability packages, and asks the authorization policy before
// every action.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
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
	// pages keeps the rendered public pages (nil: none kept).
	pages   *pageCache
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
	// Each capability's pages, over the kit's layout and partials.
	k, err := kit.New(cfg, deps, cat, account.Templates, comms.Templates, committee.Templates, communities.Templates, connections.Templates,
		events.Templates, funding.Templates, ideas.Templates, impact.Templates, initiatives.Templates, installation.Templates, orgs.Templates,
		portrait.Templates, privacy.Templates, site.Templates, staff.Templates, surveys.Templates, training.Templates, volunteering.Templates)
	if err != nil {
		return nil, err
	}
	s := &Server{Kit: k, metrics: newHTTPMetrics(deps.Registry), pages: newPageCache(cfg.PageCacheBytes),
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

// staticFiles serves the files the pages need, each with a strong ETag and,
// for text, compressed once; a folder is not a file (no listing of what is
// there).
func (s *Server) staticFiles() http.Handler {
	assets := loadStatic()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.URL.Path]
		if !ok {
			s.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("Content-Type", a.contentType)
		if a.gzipped != nil && acceptsGzip(r) && r.Header.Get("Range") == "" {
			h.Set("ETag", `"`+a.etag+`-gz"`)
			if etagMatches(r.Header.Get("If-None-Match"), a.etag) {
				h.Del("Content-Type")
				w.WriteHeader(http.StatusNotModified)
				return
			}
			h.Set("Content-Encoding", "gzip")
			h.Set("Content-Length", strconv.Itoa(len(a.gzipped)))
			if r.Method != http.MethodHead {
				_, _ = w.Write(a.gzipped)
			}
			return
		}
		h.Set("ETag", `"`+a.etag+`"`)
		if etagMatches(r.Header.Get("If-None-Match"), a.etag) {
			h.Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		// Ranges and HEAD, by the standard library.
		http.ServeContent(w, r, r.URL.Path, time.Time{}, bytes.NewReader(a.body))
	})
}

// staticAsset is a static file as it is served.
type staticAsset struct {
	body, gzipped []byte
	etag          string
	contentType   string
}

// loadStatic reads the embedded static files once: their hash, their type,
// and their compressed form when they are text.
func loadStatic() map[string]staticAsset {
	sub, _ := fs.Sub(kit.StaticFS, "static")
	out := map[string]staticAsset{}
	_ = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := staticAsset{body: body, etag: hex.EncodeToString(sum[:16]), contentType: mime.TypeByExtension(path.Ext(name))}
		if a.contentType == "" {
			a.contentType = http.DetectContentType(body)
		}
		if len(body) >= minCompressSize && compressible(a.contentType) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			a.gzipped = buf.Bytes()
		}
		out[name] = a
		return nil
	})
	return out
}
