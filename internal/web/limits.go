package web

import (
	"net/http"
	"strconv"
	"time"

	"implique/internal/i18n"
	"implique/internal/territory"
)

const (
	// publicFormWindow is the window of the per-address limit of public
	// forms (sign-ups, proposals, supports, requests).
	publicFormWindow = time.Hour
	// storageRetryAfter is how long a client is asked to wait when the
	// storage cannot serve for a moment.
	storageRetryAfter = 10 * time.Second
)

// allowPublicForm counts a public form sent from this address against the
// territory's limit per hour (a setting of its administrators). Over the
// limit it answers 429 itself; when the count cannot be kept (storage
// unavailable) it answers 503, never 429; either way it returns false and
// the handler stops.
func (s *Server) allowPublicForm(w http.ResponseWriter, r *http.Request) bool {
	limit := info(r).territory.PublicFormsPerHour
	if limit <= 0 {
		limit = territory.DefaultPublicFormsPerHour
	}
	ok, err := s.deps.Auth.Allow(r.Context(), "public-form:"+s.clientIP(r), limit, publicFormWindow)
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	if !ok {
		s.tooMany(w, r, publicFormWindow)
		return false
	}
	return true
}

// tooMany answers 429 for a limit counted over window: Retry-After and the
// message both say the same wait (the longest it can be), in the person's
// language.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, window time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(window/time.Second)))
	s.renderError(w, r, http.StatusTooManyRequests, "errors.too_many", i18n.Duration(info(r).lang, window))
}

// unavailable answers 503: the storage cannot serve for a moment. The
// message and Retry-After say the same short wait.
func (s *Server) unavailable(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", strconv.Itoa(int(storageRetryAfter/time.Second)))
	s.renderError(w, r, http.StatusServiceUnavailable, "errors.unavailable", i18n.Duration(info(r).lang, storageRetryAfter))
}
