package kit

import (
	"net/http"
	"strconv"
	"time"

	"implique/internal/i18n"
	"implique/internal/territory"
)

const (
	// LimitWindow is the window of the sign-in limits and of the uses of
	// private links.
	LimitWindow = 15 * time.Minute
	// linkUsesPerIP is how many private links that do not work one
	// address may try in LimitWindow.
	linkUsesPerIP = 20
	// publicFormWindow is the window of the per-address limit of public
	// forms (sign-ups, proposals, supports, requests).
	publicFormWindow = time.Hour
	// storageRetryAfter is how long a client is asked to wait when the
	// storage cannot serve for a moment.
	storageRetryAfter = 10 * time.Second
)

// AllowPublicForm counts a public form sent from this address against the
// territory's limit per hour (a setting of its administrators). Over the
// limit it answers 429 itself; when the count cannot be kept (storage
// unavailable) it answers 503, never 429; either way it returns false and
// the handler stops.
func (s *Kit) AllowPublicForm(w http.ResponseWriter, r *http.Request) bool {
	limit := Info(r).Territory.PublicFormsPerHour
	if limit <= 0 {
		limit = territory.DefaultPublicFormsPerHour
	}
	ok, err := s.Deps.Auth.Allow(r.Context(), "public-form:"+s.ClientIP(r), limit, publicFormWindow)
	if err != nil {
		s.Fail(w, r, err)
		return false
	}
	if !ok {
		s.TooMany(w, r, publicFormWindow)
		return false
	}
	return true
}

// TooMany answers 429 for a limit counted over window: Retry-After and the
// message both say the same wait (the longest it can be), in the person's
// language.
func (s *Kit) TooMany(w http.ResponseWriter, r *http.Request, window time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(window/time.Second)))
	s.RenderError(w, r, http.StatusTooManyRequests, "errors.too_many", i18n.Duration(Info(r).Lang, window))
}

// Unavailable answers 503: the storage cannot serve for a moment. The
// message and Retry-After say the same short wait.
func (s *Kit) Unavailable(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", strconv.Itoa(int(storageRetryAfter/time.Second)))
	s.RenderError(w, r, http.StatusServiceUnavailable, "errors.unavailable", i18n.Duration(Info(r).Lang, storageRetryAfter))
}

// Bucket is one rate-limit counter of the sign-in pages.
type Bucket struct {
	Key   string
	Limit int
}

// Attempt counts one try on each Bucket in turn and, when one is full,
// answers the 429 page (blocked). It returns the buckets counted: forgive
// them when the try succeeds.
func (s *Kit) Attempt(w http.ResponseWriter, r *http.Request, buckets ...Bucket) (counted []Bucket, blocked bool) {
	for _, b := range buckets {
		ok, err := s.Deps.Auth.Allow(r.Context(), b.Key, b.Limit, LimitWindow)
		if err != nil {
			s.Fail(w, r, err)
			return nil, true
		}
		counted = append(counted, b)
		if !ok {
			s.TooMany(w, r, LimitWindow)
			return nil, true
		}
	}
	return counted, false
}

// Forgive takes back the hits of a try that succeeded. A failure here only
// leaves the try counted: it is logged, not shown.
func (s *Kit) Forgive(r *http.Request, counted []Bucket) {
	for _, b := range counted {
		if err := s.Deps.Auth.Forgive(r.Context(), b.Key); err != nil {
			s.Deps.Logger.Error("rate limit", "id", Info(r).ID, "err", err)
			return
		}
	}
}

// LinkUse counts the use of a private link from this address (only links
// that do not work stay counted: forgive the returned buckets on success).
func (s *Kit) LinkUse(w http.ResponseWriter, r *http.Request) ([]Bucket, bool) {
	return s.Attempt(w, r, Bucket{"link-use-ip:" + s.ClientIP(r), linkUsesPerIP})
}
