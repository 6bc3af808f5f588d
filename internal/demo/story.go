package demo

import (
	"time"

	"implique/internal/app"
)

// Year is how far back the demo's story goes: a year of activity, up to
// the demo's « now ».
const Year = 365

// story is the demo's timeline. Each action of the demo happens at a moment
// counted from the demo's « now » (days before or after today, at a time of
// day, in the territory's zone), and the stores record that moment: the
// demo moves the application's clock to it before acting, so that every
// history line is dated when it happened, whatever the day the demo is seeded.
type story struct {
	clock *app.Clock
	was   time.Time // what the clock was set to before the story
	now   time.Time // the demo's « now »
	today time.Time // midnight of now's day, in the territory's zone
	at    time.Time // the moment being told: what the clock says
}

// newStory begins the story at what clock says, and stops clock there.
func newStory(clock *app.Clock, loc *time.Location) *story {
	now := clock.Now().In(loc)
	s := &story{clock: clock, now: now, today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc), at: now}
	s.was = clock.Set(now)
	return s
}

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
	s.clock.Set(t)
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
