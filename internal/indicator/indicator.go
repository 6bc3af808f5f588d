// Package indicator is the small contract between the capabilities and the
// impact of the program: each capability offers the indicators it can
// compute from its own data (a Source), the application registers the
// sources when it is wired, and the impact package reads them without
// knowing their tables. A capability still to come adds its indicators by
// offering a Source; nothing else changes.
package indicator

import (
	"context"
	"time"

	"implique/internal/calendar"
	"implique/internal/errs"
)

// Unit says how a value reads.
type Unit string

const (
	// Count is a number of things or people.
	Count Unit = "count"
	// Percent is a share, from 0 to 100.
	Percent Unit = "percent"
	// Hours is a number of hours.
	Hours Unit = "hours"
	// Dollars is an amount of money, in dollars.
	Dollars Unit = "dollars"
	// Score is the mean of a scale (a survey's answers, say).
	Score Unit = "score"
)

// Units lists every unit, in the order forms offer them.
var Units = []Unit{Count, Percent, Hours, Dollars, Score}

// Valid reports whether u is a known unit.
func (u Unit) Valid() bool {
	for _, v := range Units {
		if v == u {
			return true
		}
	}
	return false
}

// Definition is one indicator a source computes.
type Definition struct {
	// Key names it for good, "<capability>.<what>" (e.g.
	// "events.dinners_held"). The owner's catalogs hold its name under
	// "indicator.<key>" and its plain-words definition under
	// "indicator.<key>.help", in French and English.
	Key  string
	Unit Unit
	// Stock is true for a state read at the end of the period (communities
	// active, seats vacant); false for what happened during the period
	// (soupers held, links created).
	Stock bool
	// People is true when the value counts people: the public pages hide
	// it under the territory's small-group minimum.
	People bool
	// Places is true when the value can be read for one place and its
	// secteurs; false when it exists only for the whole territory.
	Places bool
}

// Scope is what a value is computed over: a territory, or one place and
// its secteurs, and the period [From, To).
type Scope struct {
	TerritoryID int64
	// PlaceSlug is "" for the whole territory.
	PlaceSlug string
	From, To  time.Time
}

// Source is what a capability offers: its indicators and how to compute
// one of them over a scope. Measure reads counts only, never who.
type Source interface {
	Indicators() []Definition
	Measure(ctx context.Context, key string, s Scope) (float64, error)
}

// ErrTooFew is what Measure returns when the value rests on fewer answers
// or people than the territory's small-group minimum: it is not shown, nor
// kept (a survey read from three responses, say).
var ErrTooFew = errs.New(errs.Invalid, "indicator.too_few")

// ErrUnknown is what Measure returns for a key the source does not offer.
var ErrUnknown = errs.New(errs.NotFound, "indicator.unknown")

// Days are the calendar days, in loc, that begin within the scope's
// period: [from, to). A value typed as a day (hours given, a policy
// adopted, an accompaniment) falls in the period when its day is in
// [from, to).
func (s Scope) Days(loc *time.Location) (from, to calendar.Date) {
	return firstDayFrom(s.From, loc), firstDayFrom(s.To, loc)
}

// firstDayFrom is the first day, in loc, that begins at t or after.
func firstDayFrom(t time.Time, loc *time.Location) calendar.Date {
	lt := t.In(loc)
	d := calendar.DateOf(lt)
	if time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc).Before(lt) {
		d = calendar.DateOf(time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, loc))
	}
	return d
}

// Offers reports whether src offers the indicator key.
func Offers(src Source, key string) bool {
	for _, d := range src.Indicators() {
		if d.Key == key {
			return true
		}
	}
	return false
}
