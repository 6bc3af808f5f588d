package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/web/kit"
)

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	registry *prometheus.Registry
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "implique_http_requests_total", Help: "HTTP requests served, by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "implique_http_request_duration_seconds", Help: "Time to serve an HTTP request, by route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	// The Go and process collectors may already be there when several servers share a registry.
	_ = reg.Register(collectors.NewGoCollector())
	_ = reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// MetricsHandler serves the Prometheus metrics at /metrics. It is meant
// for an address of its own (loopback by default), never the public one:
// the routes and their counts are nobody else's business.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
	return mux
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// withLogAndMetrics logs one line per request — method, route pattern,
// status, duration, request id; never the URL (it may hold a token), the
// address or anything personal — and counts it.
func (s *Server) withLogAndMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &kit.ReqInfo{ID: newRequestID(), Lang: "fr"}
		sw := &statusWriter{ResponseWriter: w}
		w.Header().Set("X-Request-Id", ri.ID)
		next.ServeHTTP(sw, kit.WithInfo(r, ri))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := ri.Pattern
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(d.Seconds())
		if route == "GET /healthz" || route == "GET /readyz" {
			return
		}
		s.Deps.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("id", ri.ID), slog.String("method", r.Method), slog.String("route", route),
			slog.Int("status", sw.status), slog.Int("bytes", sw.bytes), slog.Duration("duration", d))
	})
}

// withRecover turns a panic into a logged error and a polite 500 page.
func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Deps.Logger.Error("panic", "id", kit.Info(r).ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				s.RenderError(w, r, http.StatusInternalServerError, "errors.internal")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func (s *Server) withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// withTerritoryAndLanguage finds the territory served on the request's host
// and the language to speak (cookie, then Accept-Language, then French).
func (s *Server) withTerritoryAndLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := kit.Info(r)
		choice := ""
		if c, err := r.Cookie(kit.LangCookie); err == nil {
			choice = c.Value
		}
		ri.Lang = i18n.Match(choice, r.Header.Get("Accept-Language"))
		w.Header().Add("Vary", "Accept-Language, Cookie")
		switch r.URL.Path {
		case "/healthz", "/readyz":
			next.ServeHTTP(w, r)
			return
		}
		t, err := s.Deps.Territories.ForHost(r.Context(), r.Host)
		if err != nil {
			s.Deps.Logger.Error("no territory", "id", ri.ID, "err", err)
			s.Unavailable(w, r)
			return
		}
		ri.Territory = t
		next.ServeHTTP(w, r)
	})
}

// withSession reads the session cookie and sets the request's principal.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := kit.Info(r)
		ri.Principal = auth.Principal{TerritoryID: ri.Territory.ID}
		c, err := r.Cookie(kit.SessionCookie)
		if err == nil && c.Value != "" && ri.Territory.ID != 0 {
			sess, err := s.Deps.Auth.Session(r.Context(), c.Value)
			switch {
			case err == nil:
				roles, err := s.Deps.Auth.RolesOf(r.Context(), sess.User.ID, ri.Territory.ID)
				if err != nil {
					s.Fail(w, r, err)
					return
				}
				ri.Principal = auth.Principal{User: sess.User, TerritoryID: ri.Territory.ID, Roles: roles}
				if s.Deps.Orgs != nil && ri.Principal.Has(auth.RoleOrganizationManager) {
					if ri.Principal.Organizations, err = s.Deps.Orgs.ManagedBy(r.Context(), ri.Territory.ID, sess.User.ID); err != nil {
						s.Fail(w, r, err)
						return
					}
				}
				ri.Session = c.Value
			case errs.Is(err, errs.NotFound):
				s.ClearSessionCookie(w)
			default:
				s.Fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) csrfDenied(w http.ResponseWriter, r *http.Request) {
	s.RenderError(w, r, http.StatusForbidden, "errors.csrf")
}
