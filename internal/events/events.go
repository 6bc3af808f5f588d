// Package events owns events — soupers citoyens, forums, workshops,
// training sessions, community meetings — and the registrations to them:
// capacity counted in people, a wait-list served in order, check-in at the
// door and the report once the event is held.
package events

import (
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/calendar"
	"implique/internal/errs"
	"implique/internal/territory"
)

// Kind is what sort of event it is.
type Kind string

const (
	CitizenDinner    Kind = "citizen_dinner"
	Forum            Kind = "forum"
	Workshop         Kind = "workshop"
	Training         Kind = "training"
	CommunityMeeting Kind = "community_meeting"
	// PartnersMeeting is a meeting of the partners' committee.
	PartnersMeeting Kind = "partners_meeting"
	Other           Kind = "other"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{CitizenDinner, Forum, Workshop, Training, CommunityMeeting, PartnersMeeting, Other}

// PublicKinds are the kinds the public calendar offers to filter by: the
// partners' committee meets off the public calendar.
var PublicKinds = []Kind{CitizenDinner, Forum, Workshop, Training, CommunityMeeting, Other}

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// Status is where an event stands, computed from its dates and seats.
type Status string

const (
	Draft     Status = "draft"     // not published
	Scheduled Status = "scheduled" // published at a set time still to come
	Open      Status = "open"      // registrations taken
	Full      Status = "full"      // no seat left: registrations go to the wait-list
	Closed    Status = "closed"    // registrations over (deadline or start passed), not yet held
	Held      Status = "held"      // took place, attendance recorded
	Cancelled Status = "cancelled"
)

// Statuses lists every status.
var Statuses = []Status{Draft, Scheduled, Open, Full, Closed, Held, Cancelled}

// Event is one event with its seat counts.
type Event struct {
	ID                   int64
	TerritoryID          int64
	Slug                 string
	Kind                 Kind
	Title                string
	Summary              string
	Description          string
	PlaceID              int64
	PlaceSlug            string
	PlaceName            string
	VenueName            string
	VenueAddress         string
	StartsAt             time.Time
	EndsAt               time.Time
	Capacity             *int
	RegistrationDeadline *time.Time
	Menu                 string
	Accessibility        string
	Directions           string
	ContactName          string
	ContactPhone         string
	ContactEmail         string
	PublishAt            *time.Time
	CancelledAt          *time.Time
	CancelReason         string
	HeldAt               *time.Time
	Attendance           *int
	NoShows              *int
	ReportOrganizations  string
	ReportNotes          string
	Sequence             int
	// SignUpVia is where people sign up instead of the event's own form
	// (a training cohort's page, whose sessions are events): the public
	// sign-up refuses, staff may still register someone at the door.
	SignUpVia    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Facilitators []int64

	// Confirmed is the number of people with a confirmed seat.
	Confirmed int
	// Waitlisted is the number of people on the wait-list.
	Waitlisted int
}

// StatusAt tells where the event stands at now.
func (e Event) StatusAt(now time.Time) Status {
	switch {
	case e.CancelledAt != nil:
		return Cancelled
	case e.HeldAt != nil:
		return Held
	case e.PublishAt == nil:
		return Draft
	case now.Before(*e.PublishAt):
		return Scheduled
	case !now.Before(e.StartsAt), e.RegistrationDeadline != nil && !now.Before(*e.RegistrationDeadline):
		return Closed
	case e.Capacity != nil && e.Confirmed >= *e.Capacity:
		return Full
	}
	return Open
}

// Public reports whether visitors may see the event at now.
func (e Event) Public(now time.Time) bool {
	return e.PublishAt != nil && !now.Before(*e.PublishAt)
}

// SeatsLeft is the number of free seats, nil when there is no limit.
func (e Event) SeatsLeft() *int {
	if e.Capacity == nil {
		return nil
	}
	n := *e.Capacity - e.Confirmed
	if n < 0 {
		n = 0
	}
	return &n
}

// Input is what staff write about an event.
type Input struct {
	Kind                 Kind
	Title                string
	Summary              string
	Description          string
	PlaceSlug            string
	VenueName            string
	VenueAddress         string
	StartsAt             time.Time
	EndsAt               time.Time
	Capacity             *int
	RegistrationDeadline *time.Time
	Menu                 string
	Accessibility        string
	Directions           string
	ContactName          string
	ContactPhone         string
	ContactEmail         string
	Facilitators         []int64
	// SignUpVia is set when the event is created (CreateWith) and kept
	// by every update: a path of the site where people sign up instead.
	SignUpVia string
}

// Limits on what is typed.
const (
	MaxCapacity = 5000
	// MaxPartySize bounds a party staff register (a bus, a class); without
	// staff, the territory's Settings.LargestParty applies.
	MaxPartySize = 200
)

func tooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// normalise trims the text fields.
func (in *Input) normalise() {
	for _, p := range []*string{&in.Title, &in.Summary, &in.Description, &in.PlaceSlug, &in.VenueName, &in.VenueAddress,
		&in.Menu, &in.Accessibility, &in.Directions, &in.ContactName, &in.ContactPhone, &in.ContactEmail} {
		*p = strings.TrimSpace(*p)
	}
	in.ContactEmail = strings.ToLower(in.ContactEmail)
}

// validate checks an event at now; the place is checked by the store.
func (in *Input) validate(f errs.Fields, now time.Time) {
	in.normalise()
	if _, ok := ParseKind(string(in.Kind)); !ok {
		f.Add("kind", "errors.event_kind")
	}
	text := func(field, v string, required bool, max int) {
		switch {
		case required && v == "":
			f.Add(field, "errors.required")
		case tooLong(v, max):
			f.Add(field, "errors.too_long")
		}
	}
	text("title", in.Title, true, 150)
	text("summary", in.Summary, false, 300)
	text("description", in.Description, false, 5000)
	text("venue_name", in.VenueName, true, 150)
	text("venue_address", in.VenueAddress, false, 300)
	text("menu", in.Menu, false, 1000)
	text("accessibility", in.Accessibility, false, 1000)
	text("directions", in.Directions, false, 1000)
	text("contact_name", in.ContactName, false, 120)
	text("contact_phone", in.ContactPhone, false, 60)
	if in.PlaceSlug == "" {
		f.Add("place", "errors.required")
	}
	if in.ContactEmail != "" && !territory.ValidEmail(in.ContactEmail) {
		f.Add("contact_email", "errors.email")
	}
	dates := calendar.Happening(now)
	switch {
	case in.StartsAt.IsZero():
		f.Add("starts_at", "errors.required")
	case !dates.Check(f, "starts_at", in.StartsAt.Year()):
	case in.EndsAt.IsZero() || !in.EndsAt.After(in.StartsAt):
		f.Add("ends_at", "errors.ends_before_start")
	case in.EndsAt.Sub(in.StartsAt) > 7*24*time.Hour:
		f.Add("ends_at", "errors.event_too_long")
	}
	if in.Capacity != nil && (*in.Capacity < 1 || *in.Capacity > MaxCapacity) {
		f.Add("capacity", "errors.capacity")
	}
	if in.RegistrationDeadline != nil && dates.Check(f, "registration_deadline", in.RegistrationDeadline.Year()) &&
		!in.StartsAt.IsZero() && in.RegistrationDeadline.After(in.StartsAt) {
		f.Add("registration_deadline", "errors.deadline_after_start")
	}
}
