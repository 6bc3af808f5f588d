package demo

import (
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/connections"
	"implique/internal/events"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/tracking"
	"implique/internal/volunteering"
)

// Stores are the stores the demo writes through. A nil store leaves its
// part of the story out.
type Stores struct {
	Territories  *territory.Store
	Auth         *auth.Store
	Events       *events.Store
	Community    *community.Store
	Connections  *connections.Store
	Orgs         *orgs.Store
	Volunteering *volunteering.Store
	Tracking     *tracking.Store
	// Now is the demo's « now »: its year of activity ends there. The
	// stores keep this clock once the story is told. Nil is the wall clock.
	Now func() time.Time
}

// setClock gives every store the clock now.
func (st Stores) setClock(now func() time.Time) {
	if st.Auth != nil {
		st.Auth.SetClock(now)
	}
	if st.Events != nil {
		st.Events.SetClock(now)
	}
	if st.Community != nil {
		st.Community.SetClock(now)
	}
	if st.Connections != nil {
		st.Connections.SetClock(now)
	}
	if st.Orgs != nil {
		st.Orgs.SetClock(now)
	}
	if st.Volunteering != nil {
		st.Volunteering.SetClock(now)
	}
	if st.Tracking != nil {
		st.Tracking.SetClock(now)
	}
}

// Year is how far back the demo's story goes: a year of activity, up to
// the demo's « now ».
const Year = 365

// story is the demo's timeline. Each action of the demo happens at a moment
// counted from the demo's « now » (days before or after today, at a time of
// day, in the territory's zone), and the stores record that moment: the
// demo moves their clock to it before acting, so that every history line is
// dated when it happened, whatever the day the demo is seeded.
type story struct {
	now   time.Time // the demo's « now »
	today time.Time // midnight of now's day, in the territory's zone
	at    time.Time // the moment being told: what the stores' clock says
}

func newStory(now time.Time, loc *time.Location) *story {
	now = now.In(loc)
	return &story{now: now, today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc), at: now}
}

// clock is the stores' clock while the story is told.
func (s *story) clock() time.Time { return s.at }

// day is midnight of the day days from today (negative: past).
func (s *story) day(days int) time.Time { return s.today.AddDate(0, 0, days) }

// on is hour:min on the day days from today.
func (s *story) on(days, hour, min int) time.Time {
	d := s.day(days)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, min, 0, 0, d.Location())
}

// tell makes t the moment of what follows. The story stops at now: what
// would happen later happens now.
func (s *story) tell(t time.Time) {
	if t.After(s.now) {
		t = s.now
	}
	s.at = t
}

// tellOn is tell(on(days, hour, min)).
func (s *story) tellOn(days, hour, min int) { s.tell(s.on(days, hour, min)) }

// past is the earlier of t and now.
func (s *story) past(t time.Time) time.Time {
	if t.After(s.now) {
		return s.now
	}
	return t
}

// between is the i-th of n moments spread evenly between from and to
// (both excluded).
func between(from, to time.Time, i, n int) time.Time {
	if !to.After(from) {
		return from
	}
	step := to.Sub(from) / time.Duration(n+1)
	return from.Add(step * time.Duration(i+1)).Truncate(time.Minute)
}
