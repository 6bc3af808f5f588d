package kit

import (
	"net/http"

	"implique/internal/auth"
	"implique/internal/events"
)

// EventFor reads {id} for a staff page that needs action: an event of the
// request's territory, else a 403 or a 404.
func (s *Kit) EventFor(w http.ResponseWriter, r *http.Request, action auth.Action) (events.Event, bool) {
	if !s.Can(r, action) {
		s.Forbid(w, r)
		return events.Event{}, false
	}
	id := PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return events.Event{}, false
	}
	ev, err := s.Deps.Events.Get(r.Context(), Info(r).Territory.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return ev, false
	}
	return ev, true
}
