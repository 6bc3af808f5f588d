package impact

import (
	"time"

	"implique/internal/calendar"
)

// PeriodKind is the period an indicator is read over.
type PeriodKind string

const (
	// Month is a calendar month.
	Month PeriodKind = "month"
	// Quarter is a quarter of the program year (the first begins with it).
	Quarter PeriodKind = "quarter"
	// Year is the program year (e.g. April to March).
	Year PeriodKind = "year"
	// Total is everything since the indicator's baseline date: the value
	// read toward a target such as « 18 soupers citoyens ».
	Total PeriodKind = "total"
)

// PeriodKinds lists the kinds in the order forms offer them.
var PeriodKinds = []PeriodKind{Month, Quarter, Year, Total}

// Valid reports whether k is a known kind.
func (k PeriodKind) Valid() bool {
	for _, v := range PeriodKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Period is a span of days: Start included, End excluded.
type Period struct {
	Start, End calendar.Date
}

// Contains reports whether day d falls in p.
func (p Period) Contains(d calendar.Date) bool {
	return !d.Before(p.Start) && d.Before(p.End)
}

// Last is the last day of p.
func (p Period) Last() calendar.Date { return calendar.DateOf(p.End.Time().AddDate(0, 0, -1)) }

// Valid reports whether p spans at least one day.
func (p Period) Valid() bool { return !p.Start.IsZero() && p.Start.Before(p.End) }

// Times returns p's bounds as instants in loc: midnight of Start and of End.
func (p Period) Times(loc *time.Location) (from, to time.Time) {
	from = time.Date(p.Start.Year, p.Start.Month, p.Start.Day, 0, 0, 0, 0, loc)
	to = time.Date(p.End.Year, p.End.Month, p.End.Day, 0, 0, 0, 0, loc)
	return from, to
}

// yearStart returns the first day of the program year holding d, whose
// years begin on the first of month start.
func yearStart(d calendar.Date, start time.Month) calendar.Date {
	y := d.Year
	if d.Month < start {
		y--
	}
	return calendar.Date{Year: y, Month: start, Day: 1}
}

// PeriodOf returns the period of kind k holding day d, for a program year
// beginning on the first of month start. For Total, since is the first
// day and the period ends with d's month.
func PeriodOf(k PeriodKind, d calendar.Date, start time.Month, since calendar.Date) Period {
	month := calendar.Date{Year: d.Year, Month: d.Month, Day: 1}
	switch k {
	case Quarter:
		ys := yearStart(d, start)
		months := (int(d.Month) - int(start) + 12) % 12
		qs := ys.AddMonths(months / 3 * 3)
		return Period{Start: qs, End: qs.AddMonths(3)}
	case Year:
		ys := yearStart(d, start)
		return Period{Start: ys, End: ys.AddMonths(12)}
	case Total:
		if since.IsZero() || !since.Before(month.AddMonths(1)) {
			since = month
		}
		return Period{Start: since, End: month.AddMonths(1)}
	}
	return Period{Start: month, End: month.AddMonths(1)}
}

// Series returns the n periods of kind k up to and including the one
// holding d, oldest first. For Total they are the running totals at the
// end of each month, never starting before since.
func Series(k PeriodKind, d calendar.Date, n int, start time.Month, since calendar.Date) []Period {
	out := make([]Period, 0, n)
	p := PeriodOf(k, d, start, since)
	for i := 0; i < n; i++ {
		out = append(out, p)
		if k == Total && !since.IsZero() && !since.Before(calendar.DateOf(p.End.Time().AddDate(0, -1, 0))) {
			break
		}
		if k == Total {
			p = PeriodOf(k, calendar.DateOf(p.End.AddMonths(-1).Time().AddDate(0, 0, -1)), start, since)
		} else {
			p = PeriodOf(k, calendar.DateOf(p.Start.Time().AddDate(0, 0, -1)), start, since)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
