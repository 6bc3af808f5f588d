package kit

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/export"
)

// ParseDay reads a date as date inputs send it (2026-12-02) or as people
// type it (see calendar.Parse), at UTC midnight.
func ParseDay(v string) (time.Time, bool) {
	d, ok := calendar.Parse(v)
	return d.Time(), ok
}

// LocalAt is the moment of a day and a time of day in loc.
func LocalAt(day time.Time, h, m int, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
}

// FormOf is what a form shows: what was typed, or at first the name and
// e-mail of the person signed in.
func FormOf(r *http.Request, form url.Values) url.Values {
	if form != nil {
		return form
	}
	form = url.Values{}
	if u := Info(r).Principal.User; u != nil {
		form.Set("name", u.Name)
		form.Set("email", u.Email)
	}
	return form
}

// Load is the first step of a staff page that needs action on the thing
// of the URL's {id}: the policy, then get's answer for the request's
// territory. A refusal, a missing id or a failure is answered here (403,
// 404, the error's page) and ok is false.
func Load[T any](s *Kit, w http.ResponseWriter, r *http.Request, action auth.Action,
	get func(ctx context.Context, territoryID, id int64) (T, error)) (v T, ok bool) {
	if !s.Allow(w, r, action) {
		return v, false
	}
	id := PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return v, false
	}
	v, err := get(r.Context(), Info(r).Territory.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return v, false
	}
	return v, true
}

// EventFor loads the event of the URL's {id} for a staff page (see Load).
func (s *Kit) EventFor(w http.ResponseWriter, r *http.Request, action auth.Action) (events.Event, bool) {
	return Load(s, w, r, action, s.Deps.Events.Get)
}

// SendFile answers a file built in memory, to be downloaded.
func SendFile(w http.ResponseWriter, contentType, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", export.ContentDisposition(name))
	h.Set("Cache-Control", "no-store") // personal data: never kept by a cache
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// Confirmed reports whether a removal was confirmed (the staffremove
// partial's « confirm » field); when it was not, it answers the page that
// says so and returns false: nothing is removed on a stray post.
func (s *Kit) Confirmed(w http.ResponseWriter, r *http.Request) bool {
	if r.PostFormValue("confirm") != "1" {
		s.Fail(w, r, errs.New(errs.Invalid, "errors.confirm"))
		return false
	}
	return true
}
