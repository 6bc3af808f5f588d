// Package events serves events: the public pages and sign-up without an
// account, the private link of a registration, the staff's events and
// registrations, check-in at the door and closing, and the events API.
package events

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/errs"
	evs "implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/sharecard"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

type eventListPage struct {
	kit.Base
	Events   []kit.EventView
	Places   []territory.Place
	Kinds    []evs.Kind
	Place    string
	Kind     string
	Progress *evs.Progress
	Dinners  bool
	FeedURL  string
	Heading  string
	Past     []kit.EventView
}

func (s *Handlers) listEvents(w http.ResponseWriter, r *http.Request, dinners bool) {
	t := kit.Info(r).Territory
	q := r.URL.Query()
	f := evs.Filter{PublicOnly: true, From: s.Deps.Events.Now().Add(-6 * time.Hour), PlaceSlug: q.Get("lieu")}
	p := eventListPage{Base: s.Page(w, r, "events.title"), Kinds: evs.PublicKinds, Place: q.Get("lieu"), Dinners: dinners,
		FeedURL: "/api/v1/events.ics"}
	if dinners {
		f.Kind = evs.CitizenDinner
		p.Title = p.T("dinners.title")
	} else if k, ok := evs.ParseKind(q.Get("type")); ok {
		f.Kind = k
		p.Kind = string(k)
	}
	if f.PlaceSlug != "" {
		if _, err := s.Deps.Territories.Place(r.Context(), t.ID, f.PlaceSlug); err != nil {
			s.Fail(w, r, err)
			return
		}
		p.FeedURL = "/api/v1/places/" + f.PlaceSlug + "/events.ics"
	}
	list, err := s.Deps.Events.List(r.Context(), t.ID, f)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, ev := range list {
		p.Events = append(p.Events, s.EventView(ev))
	}
	if p.Places, err = s.Deps.Territories.Places(r.Context(), t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if dinners {
		prog, err := s.Deps.Events.DinnerProgress(r.Context(), t.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		p.Progress = &prog
		past, err := s.Deps.Events.List(r.Context(), t.ID, evs.Filter{PublicOnly: true, Kind: evs.CitizenDinner,
			To: s.Deps.Events.Now().Add(-6 * time.Hour), Newest: true, Limit: 30})
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, ev := range past {
			p.Past = append(p.Past, s.EventView(ev))
		}
	}
	s.Render(w, r, http.StatusOK, "events", p)
}

func (s *Handlers) Dinners(w http.ResponseWriter, r *http.Request)   { s.listEvents(w, r, true) }
func (s *Handlers) EventList(w http.ResponseWriter, r *http.Request) { s.listEvents(w, r, false) }

type eventPage struct {
	kit.Base
	Event  kit.EventView
	Places []territory.Place
	JSONLD template.JS
	OG     kit.OpenGraph
	// Already is set when the person was registered already.
	Already      bool
	AlreadyEmail bool
	// Community is the public communauté de partage the event is a meeting of.
	Community *community.Community
	// MaxParty is the largest party the form takes.
	MaxParty int
	// NoRoom is set when the party does not fit in the seats left: the
	// person chooses between fewer people and the wait-list.
	NoRoom *evs.NoRoom
}

// NoRoomMessage says how many seats are left for the party, and that
// nothing is saved until the person chooses.
func (p eventPage) NoRoomMessage() string {
	if p.NoRoom == nil {
		return ""
	}
	if e, ok := errs.As(p.NoRoom); ok {
		return p.T(e.Key)
	}
	return ""
}

// publicEvent finds a published event by its address (drafts are 404).
func (s *Handlers) publicEvent(w http.ResponseWriter, r *http.Request) (evs.Event, bool) {
	ev, err := s.Deps.Events.BySlug(r.Context(), kit.Info(r).Territory.ID, r.PathValue("slug"))
	if err == nil && !ev.Public(s.Deps.Events.Now()) && !s.Can(r, auth.ManageEvents) {
		err = errs.New(errs.NotFound, "errors.event_not_found")
	}
	if err != nil {
		s.Fail(w, r, err)
		return ev, false
	}
	return ev, true
}

func (s *Handlers) eventPageData(w http.ResponseWriter, r *http.Request, ev evs.Event) (eventPage, error) {
	t := kit.Info(r).Territory
	p := eventPage{Base: s.Page(w, r, ""), Event: s.EventView(ev)}
	p.SetEventTitle("", ev)
	var err error
	if p.Places, err = s.Deps.Territories.Places(r.Context(), t.ID); err != nil {
		return p, err
	}
	abs := s.Cfg.BaseURL + "/evenements/" + ev.Slug
	desc := ev.Summary
	if desc == "" {
		desc = p.When(ev) + " — " + ev.VenueName + ", " + ev.PlaceName
	}
	p.OG = kit.OpenGraph{Title: p.Title, Description: desc, URL: abs, Image: abs + "/partage.png"}
	p.JSONLD = s.jsonLD(ev, t, p.Title, abs, desc)
	if c, ok, err := s.Deps.Community.MeetingOf(r.Context(), t.ID, ev.ID); err != nil {
		return p, err
	} else if ok && c.Public {
		p.Community = &c
	}
	set, err := s.Deps.Events.Settings(r.Context(), t.ID)
	p.MaxParty = set.LargestParty
	return p, err
}

// jsonLD describes the event for search engines (schema.org Event).
func (s *Handlers) jsonLD(ev evs.Event, t territory.Territory, name, abs, desc string) template.JS {
	status := "https://schema.org/EventScheduled"
	if ev.CancelledAt != nil {
		status = "https://schema.org/EventCancelled"
	}
	loc := t.Location()
	doc := map[string]any{
		"@context":            "https://schema.org",
		"@type":               "Event",
		"name":                name,
		"description":         desc,
		"startDate":           ev.StartsAt.In(loc).Format(time.RFC3339),
		"endDate":             ev.EndsAt.In(loc).Format(time.RFC3339),
		"eventStatus":         status,
		"eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
		"url":                 abs,
		"inLanguage":          "fr-CA",
		"isAccessibleForFree": true,
		"location": map[string]any{
			"@type": "Place",
			"name":  ev.VenueName,
			"address": map[string]any{
				"@type":           "PostalAddress",
				"streetAddress":   ev.VenueAddress,
				"addressLocality": ev.PlaceName,
				"addressRegion":   "QC",
				"addressCountry":  "CA",
			},
		},
		"organizer": map[string]any{"@type": "Organization", "name": t.OperatorName, "url": s.Cfg.BaseURL},
	}
	if ev.Capacity != nil {
		doc["maximumAttendeeCapacity"] = *ev.Capacity
		doc["remainingAttendeeCapacity"] = *ev.SeatsLeft()
	}
	if t.OperatorName == "" {
		doc["organizer"].(map[string]any)["name"] = t.Name
	}
	dropEmpty(doc)
	b, _ := json.Marshal(doc) // escapes <, > and & so the script cannot be closed early
	return template.JS(b)
}

// dropEmpty removes the blank texts of a JSON-LD object, and the objects
// left with nothing but their @type: schema.org wants a field absent
// rather than empty.
func dropEmpty(doc map[string]any) {
	for k, v := range doc {
		switch v := v.(type) {
		case string:
			if strings.TrimSpace(v) == "" {
				delete(doc, k)
			}
		case map[string]any:
			dropEmpty(v)
			if _, typed := v["@type"]; len(v) == 0 || typed && len(v) == 1 {
				delete(doc, k)
			}
		}
	}
}

func (s *Handlers) EventPage(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.publicEvent(w, r)
	if !ok {
		return
	}
	p, err := s.eventPageData(w, r, ev)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Form = url.Values{"party_size": {"1"}, "ride": {evs.RideNone}}
	s.Render(w, r, http.StatusOK, "event", p)
}

// registrationInput reads the public form. When the party did not fit,
// the person's choice comes as a button: party_fit (come with that many)
// or waitlist.
func registrationInput(f url.Values, lang string) evs.RegistrationInput {
	size := f.Get("party_size")
	if fit := f.Get("party_fit"); fit != "" {
		size = fit
	}
	party, err := strconv.Atoi(strings.TrimSpace(size))
	if err != nil {
		party = 0
	}
	return evs.RegistrationInput{Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"), PartySize: party,
		Dietary: f.Get("dietary"), Accessibility: f.Get("accessibility"), Ride: f.Get("ride"),
		FromPlaceSlug: f.Get("from_place"), ConsentContact: f.Get("consent_contact") == "1", Lang: lang,
		Waitlist: f.Get("waitlist") == "1"}
}

func (s *Handlers) Register(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.publicEvent(w, r)
	if !ok {
		return
	}
	if !s.AllowPublicForm(w, r) {
		return
	}
	out, err := s.Deps.Events.Register(r.Context(), kit.Info(r).Territory.ID, ev.ID, registrationInput(r.PostForm, kit.Info(r).Lang), evs.SourceWeb)
	if err != nil {
		e, isErr := errs.As(err)
		if !isErr {
			s.Fail(w, r, err)
			return
		}
		var room *evs.NoRoom
		if errors.As(err, &room) {
			if now, err := s.Deps.Events.Get(r.Context(), kit.Info(r).Territory.ID, ev.ID); err == nil {
				ev = now // the seats as they are now
			}
		}
		p, perr := s.eventPageData(w, r, ev)
		if perr != nil {
			s.Fail(w, r, perr)
			return
		}
		p.Form = r.PostForm
		if room != nil {
			// Not a mistake: a choice to make, with what was typed kept.
			p.NoRoom = room
			p.Form.Set("party_size", strconv.Itoa(room.PartySize))
		} else {
			p.Errors = kit.FormProblems(e, nil)
		}
		s.Render(w, r, kit.StatusOf(e.Code), "event", p)
		return
	}
	if out.Existing {
		p, err := s.eventPageData(w, r, ev)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		p.Already, p.AlreadyEmail = true, out.Registration.Email != ""
		s.Render(w, r, http.StatusOK, "event", p)
		return
	}
	s.Redirect(w, r, "/inscription/"+out.Token+"?nouvelle=1")
}

type registrationPage struct {
	kit.Base
	Event        kit.EventView
	Registration evs.Registration
	Token        string
	New          bool
	Rides        []string
	// MaxParty is the largest party the form takes (staff may have taken a larger one).
	MaxParty int
	// ManagedVia is the page that keeps the registration (a training's
	// cohort) instead of this one; Refused is set when a change was sent here.
	ManagedVia string
	Refused    bool
}

// managedVia reports whether err refuses a change of a registration kept
// elsewhere (events.Registration.ManagedVia).
func managedVia(err error) bool {
	e, ok := errs.As(err)
	return ok && e.Key == "errors.registration_managed_via"
}

func (s *Handlers) registrationPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	tok := r.PathValue("token")
	reg, ev, err := s.Deps.Events.ByToken(r.Context(), tok)
	if err == nil && ev.TerritoryID != kit.Info(r).Territory.ID {
		err = errs.New(errs.NotFound, "errors.registration_not_found")
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	set, err := s.Deps.Events.Settings(r.Context(), ev.TerritoryID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := registrationPage{Base: s.Page(w, r, "registration.title"), Event: s.EventView(ev), Registration: reg, Token: tok,
		New: r.URL.Query().Get("nouvelle") == "1", Rides: []string{evs.RideNone, evs.RideNeeds, evs.RideOffers},
		MaxParty: max(set.LargestParty, reg.PartySize), ManagedVia: reg.ManagedVia(ev), Refused: status == http.StatusConflict}
	if form == nil {
		form = url.Values{"party_size": {strconv.Itoa(reg.PartySize)}, "dietary": {reg.Dietary},
			"accessibility": {reg.Accessibility}, "ride": {reg.Ride}}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "registration", p)
}

func (s *Handlers) Registration(w http.ResponseWriter, r *http.Request) {
	s.registrationPage(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) SaveRegistration(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	in := registrationInput(r.PostForm, kit.Info(r).Lang)
	_, err := s.Deps.Events.UpdateByToken(r.Context(), tok, evs.Change{PartySize: in.PartySize, Dietary: in.Dietary,
		Accessibility: in.Accessibility, Ride: in.Ride})
	if managedVia(err) {
		s.registrationPage(w, r, http.StatusConflict, nil, nil)
		return
	}
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) { s.registrationPage(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "flash.registration_saved", "/inscription/"+tok)
}

func (s *Handlers) CancelRegistration(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if r.PostFormValue("confirm") != "1" {
		s.registrationPage(w, r, http.StatusUnprocessableEntity, nil, map[string]string{"confirm": "errors.confirm"})
		return
	}
	if err := s.Deps.Events.CancelByToken(r.Context(), tok); managedVia(err) {
		s.registrationPage(w, r, http.StatusConflict, nil, nil)
	} else {
		s.Done(w, r, err, "flash.registration_cancelled", "/inscription/"+tok)
	}
}

// writeICS answers an iCalendar file.
func writeICS(w http.ResponseWriter, name string, body []byte) {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(body)
}

func (s *Handlers) EventICS(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.publicEvent(w, r)
	if !ok {
		return
	}
	writeICS(w, s.icsName(r, ev), s.Deps.Events.Calendar(kit.Info(r).Lang, kit.Info(r).Territory, []evs.Event{ev}, ""))
}

// icsName is the file name of an event's iCalendar file.
func (s *Handlers) icsName(r *http.Request, ev evs.Event) string {
	return i18n.Slug(ev.Name(s.Cat, kit.Info(r).Lang, kit.Info(r).Territory.Location()), 40) + ".ics"
}

func (s *Handlers) RegistrationICS(w http.ResponseWriter, r *http.Request) {
	_, ev, err := s.Deps.Events.ByToken(r.Context(), r.PathValue("token"))
	if err == nil && ev.TerritoryID != kit.Info(r).Territory.ID {
		err = errs.New(errs.NotFound, "errors.registration_not_found")
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	writeICS(w, s.icsName(r, ev), s.Deps.Events.Calendar(kit.Info(r).Lang, kit.Info(r).Territory, []evs.Event{ev}, ""))
}

// EventCard is the event's share image (Open Graph): what, when, where, on
// the territory's colour. Facebook shows it when the page is shared.
func (s *Handlers) EventCard(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.publicEvent(w, r)
	if !ok {
		return
	}
	t := kit.Info(r).Territory
	b := s.BaseIn("fr", t)
	card := sharecard.Card{
		Kicker: s.Cat.T("fr", "event.kind."+string(ev.Kind)) + " · " + ev.PlaceName,
		Title:  b.PlainEventName(ev),
		When:   b.When(ev),
		Where:  strings.Join(nonEmptyStrings(ev.VenueName, ev.PlaceName), ", "),
		Footer: s.Cat.T("fr", "app.name") + " — " + t.Name,
		Color:  t.BrandColor,
	}
	if ev.CancelledAt != nil {
		card.Kicker = s.Cat.T("fr", "event.public_status.cancelled") + " · " + card.Kicker
	}
	var buf bytes.Buffer
	if err := sharecard.Render(&buf, card); err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=600")
	_, _ = buf.WriteTo(w)
}

func nonEmptyStrings(v ...string) []string {
	var out []string
	for _, s := range v {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
