package volunteering

import (
	"strings"
	"time"
)

// Day is a calendar day — when hours were given — without a time or a
// zone. The zero Day is « not known ».
type Day struct {
	Year  int
	Month time.Month
	Day   int
}

// DayOf is the calendar day of t in t's own zone.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return Day{y, m, d}
}

// IsZero reports whether the day is unknown.
func (d Day) IsZero() bool { return d.Year == 0 }

// String is the day as stored and as an <input type="date"> wants it.
func (d Day) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("2006-01-02")
}

// Time is midnight UTC of the day, for formatting (never convert it to a zone).
func (d Day) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Before reports whether d comes before o.
func (d Day) Before(o Day) bool { return d.Time().Before(o.Time()) }

// AddDays moves the day by n days.
func (d Day) AddDays(n int) Day { return DayOf(d.Time().AddDate(0, 0, n)) }

// ParseDay reads a day typed as 2026-05-31 (what a date field sends),
// 2026/05/31 or 31/05/2026. Which years are accepted is for the caller to
// check (package calendar), so that a day out of bounds is told as such.
func ParseDay(s string) (Day, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "/", "-"))
	for _, layout := range []string{"2006-01-02", "02-01-2006", "2-1-2006"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1 {
			return DayOf(t), true
		}
	}
	return Day{}, false
}

// SchoolYear is a school year of Québec: 1 July to 30 June.
type SchoolYear struct{ Start int }

// SchoolYearOf is the school year that holds d.
func SchoolYearOf(d Day) SchoolYear {
	if d.Month >= time.July {
		return SchoolYear{d.Year}
	}
	return SchoolYear{d.Year - 1}
}

// From is the first day of the school year.
func (y SchoolYear) From() Day { return Day{y.Start, time.July, 1} }

// To is the last day of the school year.
func (y SchoolYear) To() Day { return Day{y.Start + 1, time.June, 30} }

// String names it as schools do: « 2025-2026 ».
func (y SchoolYear) String() string {
	return time.Date(y.Start, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + "-" + time.Date(y.Start+1, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")
}

// ParseSchoolYear reads « 2025-2026 ».
func ParseSchoolYear(s string) (SchoolYear, bool) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return SchoolYear{}, false
	}
	ya, err1 := time.Parse("2006", a)
	yb, err2 := time.Parse("2006", b)
	if err1 != nil || err2 != nil || yb.Year() != ya.Year()+1 {
		return SchoolYear{}, false
	}
	return SchoolYear{ya.Year()}, true
}
