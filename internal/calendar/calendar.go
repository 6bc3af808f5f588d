// Package calendar holds the calendar day (Date), the one way to read a day
// people type or import (Parse), and the one rule on which years it may
// fall in (Window). Every capability reads and checks its dates with it, so
// that a slip of the keyboard (9999-12-31, 0001-01-01) is refused with the
// same clear message everywhere instead of being stored.
package calendar

import (
	"time"

	"implique/internal/errs"
	"implique/internal/i18n"
)

// The bounds, in years.
const (
	// FirstYear is the oldest date anyone types: a seat's term begun in
	// 1985, a policy adopted long ago.
	FirstYear = 1900
	// FirstHappeningYear is the oldest date of a thing the program runs or
	// records as it happens: an event, a meeting, hours given, a milestone.
	FirstHappeningYear = 2000
	// YearsAhead is how far ahead such a thing may be planned.
	YearsAhead = 10
	// LastYear is the latest year any date may fall in.
	LastYear = 2100
)

// Window is the span of years a kind of date may fall in, both included.
type Window struct{ First, Last int }

// Happening is the window of the dates of things that happen — events,
// community meetings, hours given, initiatives and their milestones,
// volunteer opportunities, accompaniment — at now: from 2000 to ten years
// after now's year.
func Happening(now time.Time) Window {
	return Window{First: FirstHappeningYear, Last: min(now.Year()+YearsAhead, LastYear)}
}

// Record is the window of the dates that may be older — a seat holder's
// start, a term, an adopted policy: from 1900 to 2100.
var Record = Window{First: FirstYear, Last: LastYear}

// Holds reports whether year falls in the window.
func (w Window) Holds(year int) bool { return year >= w.First && year <= w.Last }

// Problem is the message (a catalog key with the years, see i18n.Msg) of
// a date outside the window: « L’année doit être entre 2000 et 2036. »
func (w Window) Problem() string { return i18n.Msg("errors.date_years", w.First, w.Last) }

// Check adds the window's problem to f under field when year falls outside
// it, and reports whether it fits.
func (w Window) Check(f errs.Fields, field string, year int) bool {
	if w.Holds(year) {
		return true
	}
	f.Add(field, w.Problem())
	return false
}
