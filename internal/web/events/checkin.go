package events

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	evs "implique/internal/events"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// At the door: find a name, tap « Présent », add someone who did not sign
// up; then close the event with the attendance counted. Made for a phone.

// foldName makes a name searchable: no accents, lower case, hyphens and
// apostrophes as spaces (« Jean-Guy » is found by « jean guy »).
func foldName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '-' || r == '\'' || r == '’' || unicode.IsSpace(r) || r == '.':
			b.WriteByte(' ')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// nameMatches reports whether every word of the query is in the name.
func nameMatches(name, query string) bool {
	n := foldName(name)
	for _, w := range strings.Fields(foldName(query)) {
		if !strings.Contains(n, w) {
			return false
		}
	}
	return true
}

type checkInPage struct {
	kit.Base
	Event kit.EventView
	Query string
	// Rows are the confirmed registrations that match the search, by name;
	// Waiting those on the wait-list (they may still come to the door).
	Rows, Waiting     []evs.Registration
	Present, Expected int
	Matches           int
}

// presentCount is the number of people checked in, and of people expected.
func presentCount(regs []evs.Registration) (present, expected int) {
	for _, reg := range regs {
		if reg.Status != evs.Confirmed {
			continue
		}
		expected += reg.PartySize
		if reg.CheckedInAt != nil {
			present += reg.PartySize
		}
	}
	return present, expected
}

func (s *Handlers) checkInPage(w http.ResponseWriter, r *http.Request, status int, ev evs.Event, form url.Values, problems map[string]string) {
	regs, err := s.Deps.Events.Registrations(r.Context(), kit.Info(r).Territory.ID, ev.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Accessed(r, privacy.Viewed, "events.registrations", eventRecord(ev))
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if form != nil && q == "" {
		q = strings.TrimSpace(form.Get("q"))
	}
	p := checkInPage{Base: s.Page(w, r, ""), Event: s.EventView(ev), Query: q}
	p.SetEventTitle("staff.checkin.title", ev)
	p.Present, p.Expected = presentCount(regs)
	slices.SortStableFunc(regs, func(a, b evs.Registration) int { return frenchOrder.CompareString(a.Name, b.Name) })
	for _, reg := range regs {
		if q != "" && !nameMatches(reg.Name, q) {
			continue
		}
		switch reg.Status {
		case evs.Confirmed:
			p.Rows = append(p.Rows, reg)
		case evs.Waitlisted:
			p.Waiting = append(p.Waiting, reg)
		}
	}
	p.Matches = len(p.Rows) + len(p.Waiting)
	if form == nil {
		form = url.Values{"walkin_party": {"1"}}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "checkin", p)
}

func (s *Handlers) AdminCheckIn(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	s.checkInPage(w, r, http.StatusOK, ev, nil, nil)
}

// checkInBack is the check-in page with the same search, at the person's row.
func checkInBack(ev evs.Event, q string, regID int64) string {
	u := eventPath(ev.ID) + "/accueil"
	if q = strings.TrimSpace(q); q != "" {
		u += "?q=" + url.QueryEscape(q)
	}
	if regID != 0 {
		u += "#r" + strconv.FormatInt(regID, 10)
	}
	return u
}

func (s *Handlers) AdminToggleCheckIn(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	reg, ok := s.eventRegistration(w, r, ev)
	if !ok {
		return
	}
	t := kit.Info(r).Territory
	present := r.PostFormValue("present") == "1"
	if present && reg.Status == evs.Waitlisted {
		// They came anyway, and there is room in the hall: give them a seat.
		if err := s.Deps.Events.Move(r.Context(), t.ID, reg.ID, evs.Confirmed); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if err := s.Deps.Events.CheckIn(r.Context(), t.ID, reg.ID, present); err != nil {
		s.Fail(w, r, err)
		return
	}
	if present {
		s.Flash(w, "flash.staff_checked_in")
	} else {
		s.Flash(w, "flash.staff_check_in_undone")
	}
	s.Redirect(w, r, checkInBack(ev, r.PostFormValue("q"), reg.ID))
}

// walkInField names the walk-in form's field for a problem the store found.
func walkInField(f string) string {
	switch f {
	case "name":
		return "walkin_name"
	case "party_size":
		return "walkin_party"
	case "phone", "email":
		return "walkin_phone"
	}
	return f
}

func (s *Handlers) AdminWalkIn(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	party, err := strconv.Atoi(strings.TrimSpace(f.Get("walkin_party")))
	if err != nil {
		party = 0
	}
	t := kit.Info(r).Territory
	in := evs.RegistrationInput{Name: f.Get("walkin_name"), Phone: f.Get("walkin_phone"), PartySize: party, Lang: kit.Info(r).Lang}
	out, err := s.Deps.Events.RegisterByStaff(r.Context(), t.ID, ev.ID, in, evs.SourceWalkIn)
	if err != nil {
		s.RefuseOn(w, r, err, walkInField, func(status int, problems map[string]string) { s.checkInPage(w, r, status, ev, f, problems) })
		return
	}
	reg := out.Registration
	if out.Existing {
		// Already signed up under that number: mark them present instead.
		if reg.Status == evs.Waitlisted {
			if err := s.Deps.Events.Move(r.Context(), t.ID, reg.ID, evs.Confirmed); err != nil {
				s.Fail(w, r, err)
				return
			}
		}
		if err := s.Deps.Events.CheckIn(r.Context(), t.ID, reg.ID, true); err != nil {
			s.Fail(w, r, err)
			return
		}
		s.Flash(w, "flash.staff_walk_in_existing")
	} else {
		s.Flash(w, "flash.staff_walk_in_added")
	}
	s.Redirect(w, r, checkInBack(ev, "", reg.ID))
}

// ---- Closing -------------------------------------------------------------

type closePage struct {
	kit.Base
	Event kit.EventView
	// Counted is the number of people checked in; NoShows the confirmed
	// registrations nobody checked in.
	Counted, Expected, NoShows int
	Started                    bool
}

func (s *Handlers) closeForm(w http.ResponseWriter, r *http.Request, status int, ev evs.Event, form url.Values, problems map[string]string) {
	regs, err := s.Deps.Events.Registrations(r.Context(), kit.Info(r).Territory.ID, ev.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := closePage{Base: s.Page(w, r, ""), Event: s.EventView(ev), Started: !s.Deps.Events.Now().Before(ev.StartsAt)}
	p.SetEventTitle("staff.close.title", ev)
	p.Counted, p.Expected = presentCount(regs)
	for _, reg := range regs {
		if reg.Status == evs.Confirmed && reg.CheckedInAt == nil {
			p.NoShows++
		}
	}
	if form == nil {
		form = url.Values{"attendance": {strconv.Itoa(p.Counted)}, "organizations": {ev.ReportOrganizations}, "notes": {ev.ReportNotes}}
		if ev.Attendance != nil {
			form.Set("attendance", strconv.Itoa(*ev.Attendance))
		}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_event_close", p)
}

func (s *Handlers) AdminCloseForm(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	s.closeForm(w, r, http.StatusOK, ev, nil, nil)
}

func (s *Handlers) AdminCloseEvent(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	rep := evs.Report{Organizations: f.Get("organizations"), Notes: f.Get("notes")}
	if v := strings.TrimSpace(f.Get("attendance")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.closeForm(w, r, http.StatusUnprocessableEntity, ev, f, map[string]string{"attendance": "errors.attendance"})
			return
		}
		rep.Attendance = &n
	}
	_, err := s.Deps.Events.Close(r.Context(), kit.Info(r).Territory.ID, ev.ID, rep)
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) { s.closeForm(w, r, status, ev, f, problems) })
		return
	}
	s.Confirm(w, r, "flash.staff_event_closed", eventPath(ev.ID))
}
