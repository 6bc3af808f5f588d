package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/sharecard"
	"implique/internal/territory"
)

// EventView is an event as pages show it.
type EventView struct {
	events.Event
	Status    events.Status
	SeatsLeft *int
	URL       string
}

func (s *Server) view(ev events.Event) EventView {
	return EventView{Event: ev, Status: ev.StatusAt(s.deps.Events.Now()), SeatsLeft: ev.SeatsLeft(), URL: "/evenements/" + ev.Slug}
}

// eventOf reads an events.Event or an EventView, or a pointer to one; any
// other value is a mistake of a template, which fails the page.
func eventOf(v any) (events.Event, error) {
	switch e := v.(type) {
	case events.Event:
		return e, nil
	case *events.Event:
		if e != nil {
			return *e, nil
		}
	case EventView:
		return e.Event, nil
	case *EventView:
		if e != nil {
			return e.Event, nil
		}
	}
	return events.Event{}, fmt.Errorf("not an event: %T", v)
}

// eventName is what people see an event called, in the page's language:
// « Souper citoyen à Gentilly, 30 octobre », or the title staff gave it
// when that title tells it apart (see events.Event.Name).
func (b Base) eventName(ev events.Event) string {
	return ev.Name(b.cat, b.Lang, b.Territory.Location())
}

// markedEventName is eventName for the page's text: the title staff typed,
// when the name holds it, is marked as typed text (see Typed).
func (b Base) markedEventName(ev events.Event) template.HTML {
	name := b.eventName(ev)
	if i := strings.Index(name, ev.Title); ev.Title != "" && i >= 0 {
		return template.HTML(template.HTMLEscapeString(name[:i])) + b.Typed(ev.Title) +
			template.HTML(template.HTMLEscapeString(name[i+len(ev.Title):]))
	}
	return template.HTML(template.HTMLEscapeString(name))
}

// EventName names an event (an events.Event or an EventView) in a page's
// text, its typed title marked: {{$.EventName .}}.
func (b Base) EventName(v any) (template.HTML, error) {
	ev, err := eventOf(v)
	return b.markedEventName(ev), err
}

// EventNameText names an event as plain text, for attributes and choices.
func (b Base) EventNameText(v any) (string, error) {
	ev, err := eventOf(v)
	return b.eventName(ev), err
}

// SetEventTitle sets the page's title to the catalog sentence key about an
// event, or to the event's name alone when key is "".
func (b *Base) SetEventTitle(key string, ev events.Event) {
	if key == "" {
		b.Title, b.heading = b.eventName(ev), b.markedEventName(ev)
		return
	}
	b.Title, b.heading = b.T(key, b.eventName(ev)), b.Phrase(key, b.markedEventName(ev))
}

// CanRegister reports whether the public form is open (a full event takes the wait-list).
func (v EventView) CanRegister() bool { return v.Status == events.Open || v.Status == events.Full }

// When formats an event's day and hours in the page's language and the territory's zone.
func (b Base) When(ev events.Event) string {
	loc := b.Territory.Location()
	start, end := ev.StartsAt.In(loc), ev.EndsAt.In(loc)
	s := i18n.DateWithWeekday(b.Lang, start) + ", " + i18n.Time(b.Lang, start) + " – " + i18n.Time(b.Lang, end)
	if b.Lang != "en" {
		s = strings.Replace(s, ", ", " de ", 1)
		s = strings.Replace(s, " – ", " à ", 1)
	}
	return s
}

// ShortDate is « 2 déc. » style, for lists.
func (b Base) Day(t time.Time) string {
	return i18n.DateWithWeekday(b.Lang, t.In(b.Territory.Location()))
}

// Hour formats a time of day (« 18 h 30 »).
func (b Base) Hour(t time.Time) string { return i18n.Time(b.Lang, t.In(b.Territory.Location())) }

type eventListPage struct {
	Base
	Events   []EventView
	Places   []territory.Place
	Kinds    []events.Kind
	Place    string
	Kind     string
	Progress *events.Progress
	Dinners  bool
	FeedURL  string
	Heading  string
	Past     []EventView
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, dinners bool) {
	t := info(r).territory
	q := r.URL.Query()
	f := events.Filter{PublicOnly: true, From: s.deps.Events.Now().Add(-6 * time.Hour), PlaceSlug: q.Get("lieu")}
	p := eventListPage{Base: s.base(w, r, "events.title"), Kinds: events.Kinds, Place: q.Get("lieu"), Dinners: dinners,
		FeedURL: "/api/v1/events.ics"}
	if dinners {
		f.Kind = events.CitizenDinner
		p.Title = p.T("dinners.title")
	} else if k, ok := events.ParseKind(q.Get("type")); ok {
		f.Kind = k
		p.Kind = string(k)
	}
	if f.PlaceSlug != "" {
		if _, err := s.deps.Territories.Place(r.Context(), t.ID, f.PlaceSlug); err != nil {
			s.fail(w, r, err)
			return
		}
		p.FeedURL = "/api/v1/places/" + f.PlaceSlug + "/events.ics"
	}
	evs, err := s.deps.Events.List(r.Context(), t.ID, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, ev := range evs {
		p.Events = append(p.Events, s.view(ev))
	}
	if p.Places, err = s.deps.Territories.Places(r.Context(), t.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if dinners {
		prog, err := s.deps.Events.DinnerProgress(r.Context(), t.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Progress = &prog
		past, err := s.deps.Events.List(r.Context(), t.ID, events.Filter{PublicOnly: true, Kind: events.CitizenDinner,
			To: s.deps.Events.Now().Add(-6 * time.Hour), Newest: true, Limit: 30})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, ev := range past {
			p.Past = append(p.Past, s.view(ev))
		}
	}
	s.render(w, r, http.StatusOK, "events", p)
}

func (s *Server) dinners(w http.ResponseWriter, r *http.Request)   { s.listEvents(w, r, true) }
func (s *Server) eventList(w http.ResponseWriter, r *http.Request) { s.listEvents(w, r, false) }

type eventPage struct {
	Base
	Event  EventView
	Places []territory.Place
	JSONLD template.JS
	OG     openGraph
	// Already is set when the person was registered already.
	Already      bool
	AlreadyEmail bool
	// Community is the public communauté de partage the event is a meeting of.
	Community *community.Community
	// MaxParty is the largest party the form takes.
	MaxParty int
	// NoRoom is set when the party does not fit in the seats left: the
	// person chooses between fewer people and the wait-list.
	NoRoom *events.NoRoom
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

type openGraph struct {
	Title, Description, URL, Image string
}

// publicEvent finds a published event by its address (drafts are 404).
func (s *Server) publicEvent(w http.ResponseWriter, r *http.Request) (events.Event, bool) {
	ev, err := s.deps.Events.BySlug(r.Context(), info(r).territory.ID, r.PathValue("slug"))
	if err == nil && !ev.Public(s.deps.Events.Now()) && !s.can(r, auth.ManageEvents) {
		err = errs.New(errs.NotFound, "errors.event_not_found")
	}
	if err != nil {
		s.fail(w, r, err)
		return ev, false
	}
	return ev, true
}

func (s *Server) eventPageData(w http.ResponseWriter, r *http.Request, ev events.Event) (eventPage, error) {
	t := info(r).territory
	p := eventPage{Base: s.base(w, r, ""), Event: s.view(ev)}
	p.SetEventTitle("", ev)
	var err error
	if p.Places, err = s.deps.Territories.Places(r.Context(), t.ID); err != nil {
		return p, err
	}
	abs := s.cfg.BaseURL + "/evenements/" + ev.Slug
	desc := ev.Summary
	if desc == "" {
		desc = p.When(ev) + " — " + ev.VenueName + ", " + ev.PlaceName
	}
	p.OG = openGraph{Title: p.Title, Description: desc, URL: abs, Image: abs + "/partage.png"}
	p.JSONLD = s.jsonLD(ev, t, p.Title, abs, desc)
	if c, ok, err := s.deps.Community.MeetingOf(r.Context(), t.ID, ev.ID); err != nil {
		return p, err
	} else if ok && c.Public {
		p.Community = &c
	}
	set, err := s.deps.Events.Settings(r.Context(), t.ID)
	p.MaxParty = set.LargestParty
	return p, err
}

// jsonLD describes the event for search engines (schema.org Event).
func (s *Server) jsonLD(ev events.Event, t territory.Territory, name, abs, desc string) template.JS {
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
		"organizer": map[string]any{"@type": "Organization", "name": t.OperatorName, "url": s.cfg.BaseURL},
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

func (s *Server) eventPage(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.publicEvent(w, r)
	if !ok {
		return
	}
	p, err := s.eventPageData(w, r, ev)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Form = url.Values{"party_size": {"1"}, "ride": {events.RideNone}}
	s.render(w, r, http.StatusOK, "event", p)
}

// registrationInput reads the public form. When the party did not fit,
// the person's choice comes as a button: party_fit (come with that many)
// or waitlist.
func registrationInput(f url.Values, lang string) events.RegistrationInput {
	size := f.Get("party_size")
	if fit := f.Get("party_fit"); fit != "" {
		size = fit
	}
	party, err := strconv.Atoi(strings.TrimSpace(size))
	if err != nil {
		party = 0
	}
	return events.RegistrationInput{Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"), PartySize: party,
		Dietary: f.Get("dietary"), Accessibility: f.Get("accessibility"), Ride: f.Get("ride"),
		FromPlaceSlug: f.Get("from_place"), ConsentContact: f.Get("consent_contact") == "1", Lang: lang,
		Waitlist: f.Get("waitlist") == "1"}
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.publicEvent(w, r)
	if !ok {
		return
	}
	if !s.allowPublicForm(w, r) {
		return
	}
	_ = r.ParseForm()
	out, err := s.deps.Events.Register(r.Context(), info(r).territory.ID, ev.ID, registrationInput(r.PostForm, info(r).lang), events.SourceWeb)
	if err != nil {
		e, isErr := errs.As(err)
		if !isErr {
			s.fail(w, r, err)
			return
		}
		var room *events.NoRoom
		if errors.As(err, &room) {
			if now, err := s.deps.Events.Get(r.Context(), info(r).territory.ID, ev.ID); err == nil {
				ev = now // the seats as they are now
			}
		}
		p, perr := s.eventPageData(w, r, ev)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		p.Form = r.PostForm
		if room != nil {
			// Not a mistake: a choice to make, with what was typed kept.
			p.NoRoom = room
			p.Form.Set("party_size", strconv.Itoa(room.PartySize))
		} else {
			p.Errors = formProblems(e, nil)
		}
		s.render(w, r, statusOf(e.Code), "event", p)
		return
	}
	if out.Existing {
		p, err := s.eventPageData(w, r, ev)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Already, p.AlreadyEmail = true, out.Registration.Email != ""
		s.render(w, r, http.StatusOK, "event", p)
		return
	}
	s.redirect(w, r, "/inscription/"+out.Token+"?nouvelle=1")
}

type registrationPage struct {
	Base
	Event        EventView
	Registration events.Registration
	Token        string
	New          bool
	Rides        []string
	// MaxParty is the largest party the form takes (staff may have taken a larger one).
	MaxParty int
}

func (s *Server) registrationPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	tok := r.PathValue("token")
	reg, ev, err := s.deps.Events.ByToken(r.Context(), tok)
	if err == nil && ev.TerritoryID != info(r).territory.ID {
		err = errs.New(errs.NotFound, "errors.registration_not_found")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	set, err := s.deps.Events.Settings(r.Context(), ev.TerritoryID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := registrationPage{Base: s.base(w, r, "registration.title"), Event: s.view(ev), Registration: reg, Token: tok,
		New: r.URL.Query().Get("nouvelle") == "1", Rides: []string{events.RideNone, events.RideNeeds, events.RideOffers},
		MaxParty: max(set.LargestParty, reg.PartySize)}
	if form == nil {
		form = url.Values{"party_size": {strconv.Itoa(reg.PartySize)}, "dietary": {reg.Dietary},
			"accessibility": {reg.Accessibility}, "ride": {reg.Ride}}
	}
	p.Form, p.Errors = form, problems
	s.render(w, r, status, "registration", p)
}

func (s *Server) registration(w http.ResponseWriter, r *http.Request) {
	s.registrationPage(w, r, http.StatusOK, nil, nil)
}

func (s *Server) saveRegistration(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	tok := r.PathValue("token")
	in := registrationInput(r.PostForm, info(r).lang)
	_, err := s.deps.Events.UpdateByToken(r.Context(), tok, events.Change{PartySize: in.PartySize, Dietary: in.Dietary,
		Accessibility: in.Accessibility, Ride: in.Ride})
	if e, ok := errs.As(err); ok && e.Code != errs.NotFound {
		s.registrationPage(w, r, statusOf(e.Code), r.PostForm, formProblems(e, nil))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.registration_saved")
	s.redirect(w, r, "/inscription/"+tok)
}

func (s *Server) cancelRegistration(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if r.PostFormValue("confirm") != "1" {
		s.registrationPage(w, r, http.StatusUnprocessableEntity, nil, map[string]string{"confirm": "errors.confirm"})
		return
	}
	if err := s.deps.Events.CancelByToken(r.Context(), tok); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.registration_cancelled")
	s.redirect(w, r, "/inscription/"+tok)
}

// writeICS answers an iCalendar file.
func writeICS(w http.ResponseWriter, name string, body []byte) {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(body)
}

func (s *Server) eventICS(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.publicEvent(w, r)
	if !ok {
		return
	}
	writeICS(w, s.icsName(r, ev), s.deps.Events.Calendar(info(r).lang, info(r).territory, []events.Event{ev}, ""))
}

// icsName is the file name of an event's iCalendar file.
func (s *Server) icsName(r *http.Request, ev events.Event) string {
	return i18n.Slug(ev.Name(s.cat, info(r).lang, info(r).territory.Location()), 40) + ".ics"
}

func (s *Server) registrationICS(w http.ResponseWriter, r *http.Request) {
	_, ev, err := s.deps.Events.ByToken(r.Context(), r.PathValue("token"))
	if err == nil && ev.TerritoryID != info(r).territory.ID {
		err = errs.New(errs.NotFound, "errors.registration_not_found")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeICS(w, s.icsName(r, ev), s.deps.Events.Calendar(info(r).lang, info(r).territory, []events.Event{ev}, ""))
}

// eventCard is the event's share image (Open Graph): what, when, where, on
// the territory's colour. Facebook shows it when the page is shared.
func (s *Server) eventCard(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.publicEvent(w, r)
	if !ok {
		return
	}
	t := info(r).territory
	b := Base{Lang: "fr", Territory: t, cat: s.cat}
	card := sharecard.Card{
		Kicker: s.cat.T("fr", "event.kind."+string(ev.Kind)) + " · " + ev.PlaceName,
		Title:  b.eventName(ev),
		When:   b.When(ev),
		Where:  strings.Join(nonEmptyStrings(ev.VenueName, ev.PlaceName), ", "),
		Footer: s.cat.T("fr", "app.name") + " — " + t.Name,
		Color:  t.BrandColor,
	}
	if ev.CancelledAt != nil {
		card.Kicker = s.cat.T("fr", "event.public_status.cancelled") + " · " + card.Kicker
	}
	var buf bytes.Buffer
	if err := sharecard.Render(&buf, card); err != nil {
		s.fail(w, r, err)
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
