package events

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/community"
	"implique/internal/errs"
	evs "implique/internal/events"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// Staff pages for events: the list, the form to create or change one, the
// event's own page with its registrations, and the actions on it (publish,
// unpublish, cancel, duplicate). Every handler asks the policy first
// (auth.ManageEvents) and reads only the request's territory.

// staffEvent asks the policy, reads {id} and loads that event of the
// request's territory; anything else is a 404.
func (s *Handlers) staffEvent(w http.ResponseWriter, r *http.Request) (evs.Event, bool) {
	return s.EventFor(w, r, auth.ManageEvents)
}

func eventPath(id int64) string { return "/admin/evenements/" + strconv.FormatInt(id, 10) }

// eventRecord names an event in the access log.
func eventRecord(ev evs.Event) string { return "event " + strconv.FormatInt(ev.ID, 10) }

var frenchOrder = collate.New(language.CanadianFrench, collate.Loose)

// ---- The list ----------------------------------------------------------

type eventSection struct {
	ID, TitleKey string
	Events       []kit.EventView
}

type adminEventsPage struct {
	kit.Base
	Sections []eventSection
	Progress evs.Progress
	Empty    bool
}

// pastLimit bounds the past events the list shows.
const pastLimit = 60

func (s *Handlers) AdminEvents(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageEvents) {
		return
	}
	t := kit.Info(r).Territory
	all, err := s.Deps.Events.List(r.Context(), t.ID, evs.Filter{})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	prog, err := s.Deps.Events.DinnerProgress(r.Context(), t.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	now := s.Deps.Events.Now()
	var toClose, upcoming, drafts, past []kit.EventView
	for _, ev := range all {
		v := s.EventView(ev)
		switch {
		case v.Status == evs.Draft:
			drafts = append(drafts, v)
		case v.Status == evs.Held || v.Status == evs.Cancelled:
			past = append(past, v)
		case !now.Before(ev.StartsAt):
			toClose = append(toClose, v)
		default:
			upcoming = append(upcoming, v)
		}
	}
	// Past events: the latest first.
	for i, j := 0, len(past)-1; i < j; i, j = i+1, j-1 {
		past[i], past[j] = past[j], past[i]
	}
	if len(past) > pastLimit {
		past = past[:pastLimit]
	}
	p := adminEventsPage{Base: s.Page(w, r, "staff.events.title"), Progress: prog, Empty: len(all) == 0}
	for _, sec := range []eventSection{
		{ID: "a-clore", TitleKey: "staff.events.to_close", Events: toClose},
		{ID: "a-venir", TitleKey: "staff.events.upcoming", Events: upcoming},
		{ID: "brouillons", TitleKey: "staff.events.drafts", Events: drafts},
		{ID: "passes", TitleKey: "staff.events.past", Events: past},
	} {
		if len(sec.Events) > 0 {
			p.Sections = append(p.Sections, sec)
		}
	}
	s.Render(w, r, http.StatusOK, "admin_events", p)
}

// ---- The form ----------------------------------------------------------

type eventFormPage struct {
	kit.Base
	// Event is nil for a new event.
	Event  *kit.EventView
	Kinds  []evs.Kind
	Places []kit.PlaceOption
	Staff  []kit.StaffOption
	Action string
}

func (s *Handlers) eventForm(w http.ResponseWriter, r *http.Request, status int, ev *evs.Event, form url.Values, problems map[string]string) {
	places, err := s.PlaceOptions(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	staff, err := s.StaffOptions(r, form)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := eventFormPage{Base: s.Page(w, r, "staff.form.new_title"), Kinds: evs.Kinds, Places: places, Staff: staff, Action: "/admin/evenements"}
	if ev != nil {
		v := s.EventView(*ev)
		p.Event = &v
		p.SetEventTitle("staff.form.edit_title", *ev)
		p.Action = eventPath(ev.ID)
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_event_form", p)
}

// eventValues fills the form with an event, in the territory's zone.
func eventValues(ev evs.Event, loc *time.Location) url.Values {
	start, end := ev.StartsAt.In(loc), ev.EndsAt.In(loc)
	f := url.Values{
		"kind": {string(ev.Kind)}, "title": {ev.Title}, "summary": {ev.Summary}, "description": {ev.Description},
		"place": {ev.PlaceSlug}, "venue_name": {ev.VenueName}, "venue_address": {ev.VenueAddress},
		"date": {start.Format("2006-01-02")}, "start_time": {start.Format("15:04")}, "end_time": {end.Format("15:04")},
		"menu": {ev.Menu}, "accessibility": {ev.Accessibility}, "directions": {ev.Directions},
		"contact_name": {ev.ContactName}, "contact_phone": {ev.ContactPhone}, "contact_email": {ev.ContactEmail},
	}
	if end.Format("2006-01-02") != start.Format("2006-01-02") {
		f.Set("end_date", end.Format("2006-01-02"))
	}
	if ev.Capacity != nil {
		f.Set("capacity", strconv.Itoa(*ev.Capacity))
	}
	if d := ev.RegistrationDeadline; d != nil {
		f.Set("deadline_date", d.In(loc).Format("2006-01-02"))
		f.Set("deadline_time", d.In(loc).Format("15:04"))
	}
	for _, id := range ev.Facilitators {
		f.Add("facilitators", strconv.FormatInt(id, 10))
	}
	return f
}

// eventInput reads the event form. Dates and times are in the territory's
// zone; what cannot be read is a problem on its field.
func eventInput(f url.Values, loc *time.Location) (evs.Input, errs.Fields) {
	problems := errs.Fields{}
	in := evs.Input{Kind: evs.Kind(f.Get("kind")), Title: f.Get("title"), Summary: f.Get("summary"),
		Description: f.Get("description"), PlaceSlug: f.Get("place"), VenueName: f.Get("venue_name"),
		VenueAddress: f.Get("venue_address"), Menu: f.Get("menu"), Accessibility: f.Get("accessibility"),
		Directions: f.Get("directions"), ContactName: f.Get("contact_name"), ContactPhone: f.Get("contact_phone"),
		ContactEmail: f.Get("contact_email")}

	day, dayOK := kit.ParseDay(f.Get("date"))
	switch {
	case strings.TrimSpace(f.Get("date")) == "":
		problems.Add("date", "errors.required")
	case !dayOK:
		problems.Add("date", "errors.date")
	}
	endDay := day
	if v := strings.TrimSpace(f.Get("end_date")); v != "" {
		var ok bool
		if endDay, ok = kit.ParseDay(v); !ok {
			problems.Add("end_date", "errors.date")
		}
	}
	clock := func(field string) (int, int, bool) {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			problems.Add(field, "errors.required")
			return 0, 0, false
		}
		h, m, ok := calendar.ParseClock(v)
		if !ok {
			problems.Add(field, "errors.time")
		}
		return h, m, ok
	}
	sh, sm, startOK := clock("start_time")
	eh, em, endOK := clock("end_time")
	if dayOK && startOK {
		in.StartsAt = kit.LocalAt(day, sh, sm, loc)
	}
	if dayOK && endOK && problems["end_date"] == "" {
		in.EndsAt = kit.LocalAt(endDay, eh, em, loc)
	}

	if v := strings.TrimSpace(f.Get("capacity")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			problems.Add("capacity", "errors.capacity")
		} else {
			in.Capacity = &n
		}
	}
	dd, dt := strings.TrimSpace(f.Get("deadline_date")), strings.TrimSpace(f.Get("deadline_time"))
	switch {
	case dd == "" && dt != "":
		problems.Add("deadline_date", "errors.required")
	case dd != "":
		d, ok := kit.ParseDay(dd)
		if !ok {
			problems.Add("deadline_date", "errors.date")
			break
		}
		h, m := 23, 59 // without a time: until the end of that day
		if dt != "" {
			if h, m, ok = calendar.ParseClock(dt); !ok {
				problems.Add("deadline_time", "errors.time")
				break
			}
		}
		t := kit.LocalAt(d, h, m, loc)
		in.RegistrationDeadline = &t
	}
	for _, v := range f["facilitators"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			problems.Add("facilitators", "errors.facilitator_unknown")
			continue
		}
		in.Facilitators = append(in.Facilitators, id)
	}
	if len(problems) > 0 {
		// The store is not asked while something cannot be read; say at
		// least what is missing, so that one round fixes most.
		for field, v := range map[string]string{"title": in.Title, "venue_name": in.VenueName, "place": in.PlaceSlug} {
			if strings.TrimSpace(v) == "" {
				problems.Add(field, "errors.required")
			}
		}
		if _, ok := evs.ParseKind(string(in.Kind)); !ok {
			problems.Add("kind", "errors.event_kind")
		}
	}
	return in, problems
}

// eventFieldOf names the form field where a problem the store found shows.
func eventFieldOf(storeField string) string {
	switch storeField {
	case "starts_at":
		return "date" // the form catches a missing time itself: what the store finds is the day
	case "ends_at":
		return "end_time"
	case "registration_deadline":
		return "deadline_date"
	}
	return storeField
}

func (s *Handlers) AdminNewEvent(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageEvents) {
		return
	}
	t := kit.Info(r).Territory
	form := url.Values{"kind": {string(evs.CitizenDinner)}, "start_time": {"17:30"}, "end_time": {"20:00"},
		"contact_name": {t.OperatorName}, "contact_phone": {t.ContactPhone}, "contact_email": {t.ContactEmail}}
	if pl := r.URL.Query().Get("lieu"); pl != "" {
		form.Set("place", pl)
	}
	if u := kit.Info(r).Principal.User; u != nil {
		form.Set("facilitators", strconv.FormatInt(u.ID, 10))
	}
	// A meeting of a communauté de partage: its place, its name.
	if id, _ := strconv.ParseInt(r.URL.Query().Get("communaute"), 10, 64); id > 0 && s.Can(r, auth.ManageCommunities) {
		c, err := s.Deps.Community.Community(r.Context(), t.ID, id)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		form.Set("community", strconv.FormatInt(c.ID, 10))
		form.Set("kind", string(evs.CommunityMeeting))
		form.Set("title", s.Cat.T(kit.Info(r).Lang, "community.staff.meeting_title", c.Name))
		form.Set("start_time", "19:00")
		form.Set("end_time", "21:00")
		if len(c.Places) > 0 {
			form.Set("place", c.Places[0].Slug)
		}
	}
	s.eventForm(w, r, http.StatusOK, nil, form, nil)
}

func (s *Handlers) AdminCreateEvent(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageEvents) {
		return
	}
	ri := kit.Info(r)
	in, problems := eventInput(r.PostForm, ri.Territory.Location())
	if len(problems) > 0 {
		s.eventForm(w, r, http.StatusUnprocessableEntity, nil, r.PostForm, problems)
		return
	}
	ev, err := s.Deps.Events.Create(r.Context(), ri.Territory.ID, ri.Principal.User.ID, in)
	if e, ok := errs.As(err); ok {
		s.eventForm(w, r, kit.StatusOf(e.Code), nil, r.PostForm, kit.FormProblems(e, eventFieldOf))
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	if id, _ := strconv.ParseInt(r.PostFormValue("community"), 10, 64); id > 0 && s.Can(r, auth.ManageCommunities) {
		if err := s.Deps.Community.AddMeeting(r.Context(), ri.Territory.ID, id, ev.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		s.Confirm(w, r, "flash.community_meeting_created", kit.CommunityPath(id)+"#rencontres")
		return
	}
	s.Confirm(w, r, "flash.staff_event_created", eventPath(ev.ID))
}

func (s *Handlers) AdminEditEvent(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	s.eventForm(w, r, http.StatusOK, &ev, eventValues(ev, kit.Info(r).Territory.Location()), nil)
}

func (s *Handlers) AdminUpdateEvent(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	t := kit.Info(r).Territory
	in, problems := eventInput(r.PostForm, t.Location())
	if len(problems) > 0 {
		s.eventForm(w, r, http.StatusUnprocessableEntity, &ev, r.PostForm, problems)
		return
	}
	_, err := s.Deps.Events.Update(r.Context(), t.ID, ev.ID, in)
	if e, ok := errs.As(err); ok {
		s.eventForm(w, r, kit.StatusOf(e.Code), &ev, r.PostForm, kit.FormProblems(e, eventFieldOf))
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, "flash.staff_event_saved", eventPath(ev.ID))
}

// ---- The event's page --------------------------------------------------

// needItem is one registration's need, for the summary.
type needItem struct {
	Name  string
	Party int
	Text  string
}

// rideGroup gathers the rides needed and offered from one place.
type rideGroup struct {
	Place             string
	Needs             int // people who need a ride
	Offers            int // registrations that offer one
	Needing, Offering []evs.Registration
}

// eventNeeds is « Besoins en un coup d'œil »: what the confirmed people need.
type eventNeeds struct {
	People, Parties int
	Waitlisted      int
	Dietary         []needItem
	Access          []needItem
	Rides           []rideGroup
}

func summarizeNeeds(regs []evs.Registration) eventNeeds {
	var n eventNeeds
	idx := map[string]int{}
	for _, r := range regs {
		switch r.Status {
		case evs.Waitlisted:
			n.Waitlisted += r.PartySize
			continue
		case evs.Confirmed:
		default:
			continue
		}
		n.People += r.PartySize
		n.Parties++
		if r.Dietary != "" {
			n.Dietary = append(n.Dietary, needItem{Name: r.Name, Party: r.PartySize, Text: r.Dietary})
		}
		if r.Accessibility != "" {
			n.Access = append(n.Access, needItem{Name: r.Name, Party: r.PartySize, Text: r.Accessibility})
		}
		if r.Ride != evs.RideNeeds && r.Ride != evs.RideOffers {
			continue
		}
		i, ok := idx[r.FromPlaceName]
		if !ok {
			i = len(n.Rides)
			idx[r.FromPlaceName] = i
			n.Rides = append(n.Rides, rideGroup{Place: r.FromPlaceName})
		}
		g := &n.Rides[i]
		if r.Ride == evs.RideNeeds {
			g.Needs += r.PartySize
			g.Needing = append(g.Needing, r)
		} else {
			g.Offers++
			g.Offering = append(g.Offering, r)
		}
	}
	// By place name; rides without a place of departure last.
	for i := 1; i < len(n.Rides); i++ {
		for j := i; j > 0 && rideBefore(n.Rides[j], n.Rides[j-1]); j-- {
			n.Rides[j], n.Rides[j-1] = n.Rides[j-1], n.Rides[j]
		}
	}
	return n
}

func rideBefore(a, b rideGroup) bool {
	if (a.Place == "") != (b.Place == "") {
		return b.Place == ""
	}
	return frenchOrder.CompareString(a.Place, b.Place) < 0
}

// RideLine is « Manseau : 2 ont besoin d'un transport, 1 en offre ».
func (p adminEventPage) RideLine(g rideGroup) string {
	var parts []string
	if g.Needs > 0 {
		parts = append(parts, p.Count(g.Needs, "staff.needs.ride_needs_one", "staff.needs.ride_needs_other"))
	}
	if g.Offers > 0 {
		parts = append(parts, p.Count(g.Offers, "staff.needs.ride_offers_one", "staff.needs.ride_offers_other"))
	}
	place := g.Place
	if place == "" {
		place = p.T("staff.needs.ride_no_place")
	}
	return p.T("staff.needs.ride_line", place, strings.Join(parts, ", "))
}

// ContactLine is the event's contact on one line.
func (p adminEventPage) ContactLine() template.HTML {
	var parts []string
	if n := p.Event.ContactName; n != "" {
		parts = append(parts, string(p.Typed(n)))
	}
	for _, v := range nonEmptyParts(p.Phone(p.Event.ContactPhone), p.Event.ContactEmail) {
		parts = append(parts, template.HTMLEscapeString(v))
	}
	return template.HTML(strings.Join(parts, " · "))
}

type adminEventPage struct {
	kit.Base
	Event        kit.EventView
	Active       []evs.Registration
	Cancelled    []evs.Registration
	Needs        eventNeeds
	Places       []kit.PlaceOption
	Facilitators []string
	// What staff may do now.
	CanPublish, CanUnpublish, CanCancel, CanEdit, CanRegister, CanClose bool
	Started                                                             bool
	// ConfirmWithdraw asks before withdrawing a registration.
	ConfirmWithdraw *evs.Registration
	// Section is the form the problems belong to: publish, cancel, register.
	Section string
	// Ideas are the needs and ideas recorded for the event (when staff may see them).
	Ideas    []community.IdeaRecord
	CanIdeas bool
	// CanPromote offers to put the event on the communications calendar.
	CanPromote bool
}

// CanLinks tells the event's staff page whether to offer the links page.
func (p adminEventPage) CanLinks() bool {
	return auth.Can(p.Principal, auth.ManageConnections, auth.Resource{TerritoryID: p.Territory.ID})
}

func (s *Handlers) staffEventPage(w http.ResponseWriter, r *http.Request, status int, ev evs.Event, section string, form url.Values, problems map[string]string) {
	s.staffEventPageWith(w, r, status, ev, func(p *adminEventPage) {
		p.Section, p.Errors = section, problems
		if form != nil {
			p.Form = form
		}
	})
}

// staffEventPageWith draws the event's staff page; mod sets what the
// request adds (a form to show again, a question to ask).
func (s *Handlers) staffEventPageWith(w http.ResponseWriter, r *http.Request, status int, ev evs.Event, mod func(*adminEventPage)) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	regs, err := s.Deps.Events.Registrations(ctx, t.ID, ev.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Accessed(r, privacy.Viewed, "events.registrations", eventRecord(ev))
	places, err := s.PlaceOptions(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminEventPage{Base: s.Page(w, r, ""), Event: s.EventView(ev), Needs: summarizeNeeds(regs), Places: places}
	p.SetEventTitle("", ev)
	for _, reg := range regs {
		if reg.Status == evs.Withdrawn {
			p.Cancelled = append(p.Cancelled, reg)
		} else {
			p.Active = append(p.Active, reg)
		}
	}
	if len(ev.Facilitators) > 0 {
		staff, err := s.Deps.Auth.Members(ctx, t.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, id := range ev.Facilitators {
			for _, m := range staff {
				if m.ID == id {
					p.Facilitators = append(p.Facilitators, m.DisplayName())
				}
			}
		}
	}
	st := p.Event.Status
	finished := st == evs.Cancelled || st == evs.Held
	p.Started = !s.Deps.Events.Now().Before(ev.StartsAt)
	p.CanPublish = st == evs.Draft || st == evs.Scheduled
	p.CanUnpublish = ev.PublishAt != nil && !finished && len(p.Active) == 0
	p.CanCancel = !finished
	p.CanEdit = !finished
	p.CanRegister = !finished
	p.CanClose = st != evs.Cancelled
	p.CanPromote = !finished && st != evs.Draft && s.Can(r, auth.ManageCommunications)
	if p.CanIdeas = s.Can(r, auth.ManageIdeas); p.CanIdeas {
		if p.Ideas, err = s.Deps.Community.List(ctx, t.ID, community.Filter{EventID: ev.ID}); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	p.Form = url.Values{}
	mod(&p)
	for k, v := range map[string]string{"party_size": "1", "source": evs.SourcePhone, "ride": evs.RideNone, "lang": "fr", "publish_time": "09:00"} {
		if p.Form.Get(k) == "" {
			p.Form.Set(k, v)
		}
	}
	s.Render(w, r, status, "admin_event", p)
}

func (s *Handlers) AdminEvent(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	s.staffEventPage(w, r, http.StatusOK, ev, "", nil, nil)
}

// actionFailed shows a refused action on the event's page.
func (s *Handlers) actionFailed(w http.ResponseWriter, r *http.Request, ev evs.Event, section string, err error, rename func(string) string) {
	e, ok := errs.As(err)
	if !ok || e.Code == errs.NotFound {
		s.Fail(w, r, err)
		return
	}
	s.staffEventPage(w, r, kit.StatusOf(e.Code), ev, section, r.PostForm, kit.FormProblems(e, rename))
}

func (s *Handlers) AdminPublishEvent(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	t := kit.Info(r).Territory
	var when time.Time
	if r.PostFormValue("when") == "later" {
		problems := errs.Fields{}
		day, dayOK := kit.ParseDay(r.PostFormValue("publish_date"))
		if !dayOK {
			problems.Add("publish_date", "errors.date")
		}
		h, m, clockOK := calendar.ParseClock(r.PostFormValue("publish_time"))
		if !clockOK {
			problems.Add("publish_time", "errors.time")
		}
		if len(problems) > 0 {
			s.staffEventPage(w, r, http.StatusUnprocessableEntity, ev, "publish", r.PostForm, problems)
			return
		}
		when = kit.LocalAt(day, h, m, t.Location())
	}
	if err := s.Deps.Events.Publish(r.Context(), t.ID, ev.ID, when); err != nil {
		s.actionFailed(w, r, ev, "publish", err, func(string) string { return "publish_date" })
		return
	}
	if when.After(s.Deps.Events.Now()) {
		s.Flash(w, "flash.staff_event_scheduled")
	} else {
		s.Flash(w, "flash.staff_event_published")
	}
	s.Redirect(w, r, eventPath(ev.ID))
}

func (s *Handlers) AdminUnpublishEvent(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	if err := s.Deps.Events.Unpublish(r.Context(), kit.Info(r).Territory.ID, ev.ID); err != nil {
		s.actionFailed(w, r, ev, "publish", err, nil)
		return
	}
	s.Confirm(w, r, "flash.staff_event_unpublished", eventPath(ev.ID))
}

func (s *Handlers) AdminCancelEvent(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("cancel_confirm") != "1" {
		s.staffEventPage(w, r, http.StatusUnprocessableEntity, ev, "cancel", r.PostForm, map[string]string{"cancel_confirm": "errors.confirm"})
		return
	}
	if err := s.Deps.Events.Cancel(r.Context(), kit.Info(r).Territory.ID, ev.ID, r.PostFormValue("reason")); err != nil {
		s.actionFailed(w, r, ev, "cancel", err, nil)
		return
	}
	s.Confirm(w, r, "flash.staff_event_cancelled", eventPath(ev.ID))
}

func (s *Handlers) AdminDuplicateEvent(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	ri := kit.Info(r)
	cp, err := s.Deps.Events.Duplicate(r.Context(), ri.Territory.ID, ev.ID, ri.Principal.User.ID)
	if err != nil {
		// The page has no field of the copy: its problem (a date out of bounds) shows for the whole page.
		s.actionFailed(w, r, ev, "", err, func(string) string { return "" })
		return
	}
	s.Confirm(w, r, "flash.staff_event_duplicated", eventPath(cp.ID)+"/modifier")
}
