package events

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"implique/internal/calendar"
	"implique/internal/errs"
	evs "implique/internal/events"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

type apiEventPlace struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

type apiEvent struct {
	ID        int64         `json:"id"`
	Slug      string        `json:"slug"`
	Kind      string        `json:"kind"`
	Title     string        `json:"title"`
	Name      string        `json:"name"`
	StartsAt  string        `json:"starts_at"`
	EndsAt    string        `json:"ends_at"`
	Place     apiEventPlace `json:"place"`
	Venue     string        `json:"venue"`
	Capacity  *int          `json:"capacity"`
	SeatsLeft *int          `json:"seats_left"`
	Status    string        `json:"status"`
	URL       string        `json:"url"`
}

func (s *Handlers) ApiEvents(w http.ResponseWriter, r *http.Request) {
	t := kit.Info(r).Territory
	q := r.URL.Query()
	f := evs.Filter{PublicOnly: true, PlaceSlug: q.Get("place")}
	if k := q.Get("kind"); k != "" {
		kind, ok := evs.ParseKind(k)
		if !ok {
			kit.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string]string{"kind": s.Cat.T(kit.Info(r).Lang, "errors.event_kind")}})
			return
		}
		f.Kind = kind
	}
	if from := q.Get("from"); from != "" {
		d, ok := calendar.Parse(from)
		if !ok {
			kit.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string]string{"from": s.Cat.T(kit.Info(r).Lang, "errors.date")}})
			return
		}
		f.From = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, t.Location())
	}
	if f.PlaceSlug != "" {
		if _, err := s.Deps.Territories.Place(r.Context(), t.ID, f.PlaceSlug); err != nil {
			if errs.Is(err, errs.NotFound) {
				kit.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string]string{"place": s.Cat.T(kit.Info(r).Lang, "errors.place_unknown")}})
				return
			}
			s.Fail(w, r, err)
			return
		}
	}
	list, err := s.Deps.Events.List(r.Context(), t.ID, f)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	now := s.Deps.Events.Now()
	out := make([]apiEvent, 0, len(list))
	for _, ev := range list {
		out = append(out, apiEvent{ID: ev.ID, Slug: ev.Slug, Kind: string(ev.Kind), Title: ev.Title, Name: ev.Name(s.Cat, kit.Info(r).Lang, t.Location()),
			StartsAt: ev.StartsAt.In(t.Location()).Format(time.RFC3339), EndsAt: ev.EndsAt.In(t.Location()).Format(time.RFC3339),
			Place: apiEventPlace{Slug: ev.PlaceSlug, Name: ev.PlaceName}, Venue: ev.VenueName, Capacity: ev.Capacity,
			SeatsLeft: ev.SeatsLeft(), Status: string(ev.StatusAt(now)), URL: s.Deps.Events.EventURL(ev)})
	}
	kit.WriteJSON(w, http.StatusOK, map[string]any{"events": out})
}

type apiRegistrationIn struct {
	Name           string `json:"name"`
	Email          string `json:"email"`
	Phone          string `json:"phone"`
	PartySize      *int   `json:"party_size"`
	Dietary        string `json:"dietary"`
	Accessibility  string `json:"accessibility"`
	Ride           string `json:"ride"`
	FromPlace      string `json:"from_place"`
	ConsentContact bool   `json:"consent_contact"`
	Waitlist       bool   `json:"waitlist"`
}

func (s *Handlers) ApiRegister(w http.ResponseWriter, r *http.Request) {
	ri := kit.Info(r)
	T := func(k string) string { return s.Cat.T(ri.Lang, k) }
	id := kit.PathID(r, "id")
	if id == 0 {
		s.RenderError(w, r, http.StatusNotFound, "errors.event_not_found")
		return
	}
	ev, err := s.Deps.Events.Get(r.Context(), ri.Territory.ID, id)
	if err != nil && !errs.Is(err, errs.NotFound) {
		s.Fail(w, r, err)
		return
	}
	if err != nil || !ev.Public(s.Deps.Events.Now()) {
		s.RenderError(w, r, http.StatusNotFound, "errors.event_not_found")
		return
	}
	if !s.AllowPublicForm(w, r) {
		return
	}
	var in apiRegistrationIn
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		kit.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string]string{"body": T("errors.json")}})
		return
	}
	party := 1
	if in.PartySize != nil {
		party = *in.PartySize
	}
	out, err := s.Deps.Events.Register(r.Context(), ri.Territory.ID, ev.ID, evs.RegistrationInput{Name: in.Name, Email: in.Email,
		Phone: in.Phone, PartySize: party, Dietary: in.Dietary, Accessibility: in.Accessibility, Ride: in.Ride,
		FromPlaceSlug: in.FromPlace, ConsentContact: in.ConsentContact, Lang: ri.Lang, Waitlist: in.Waitlist}, evs.SourceAPI)
	var room *evs.NoRoom
	if e, ok := errs.As(err); ok && errors.As(err, &room) {
		// Nothing saved: the client asks again with fewer people, or with "waitlist".
		kit.WriteJSON(w, http.StatusConflict, map[string]any{"error": T(e.Key), "seats_left": room.SeatsLeft})
		return
	}
	if e, ok := errs.As(err); ok {
		if e.Code == errs.Invalid && len(e.Fields) > 0 {
			msgs := map[string]string{}
			for f, k := range e.Fields {
				msgs[f] = T(k)
			}
			kit.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": msgs})
			return
		}
		kit.WriteJSON(w, kit.StatusOf(e.Code), map[string]string{"error": T(e.Key)})
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	var pos *int
	if out.Registration.Status == evs.Waitlisted {
		p := out.Registration.WaitlistPosition
		pos = &p
	}
	var manage *string
	if out.Token != "" {
		u := s.Deps.Events.ManageURL(out.Token)
		manage = &u
	}
	status := http.StatusCreated
	if out.Existing {
		status = http.StatusOK
	}
	kit.WriteJSON(w, status, map[string]any{"status": out.Registration.Status, "waitlist_position": pos, "manage_url": manage})
}

func (s *Handlers) ApiEventsICS(w http.ResponseWriter, r *http.Request) {
	s.feed(w, r, territory.Place{})
}

func (s *Handlers) ApiPlaceEventsICS(w http.ResponseWriter, r *http.Request) {
	pl, err := s.Deps.Territories.Place(r.Context(), kit.Info(r).Territory.ID, r.PathValue("slug"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.feed(w, r, pl)
}

// feed is the iCalendar feed of the published events of the last month
// and to come, of the territory or of one place (and its secteurs), named
// after what was asked for.
func (s *Handlers) feed(w http.ResponseWriter, r *http.Request, place territory.Place) {
	t := kit.Info(r).Territory
	list, err := s.Deps.Events.List(r.Context(), t.ID, evs.Filter{PublicOnly: true, PlaceSlug: place.Slug,
		From: s.Deps.Events.Now().AddDate(0, -1, 0)})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	name, file := t.Name, "evenements.ics"
	if place.Slug != "" {
		name, file = t.Name+" — "+place.Name, "evenements-"+place.Slug+".ics"
	}
	writeICS(w, file, s.Deps.Events.Calendar(kit.Info(r).Lang, t, list, name))
}
