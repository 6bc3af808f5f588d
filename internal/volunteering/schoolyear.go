package volunteering

import (
	"strings"
	"time"

	"implique/internal/calendar"
)

// SchoolYear is a school year of Québec: 1 July to 30 June.
type SchoolYear struct{ Start int }

// SchoolYearOf is the school year that holds d.
func SchoolYearOf(d calendar.Date) SchoolYear {
	if d.Month >= time.July {
		return SchoolYear{d.Year}
	}
	return SchoolYear{d.Year - 1}
}

// From is the first day of the school year.
func (y SchoolYear) From() calendar.Date {
	return calendar.Date{Year: y.Start, Month: time.July, Day: 1}
}

// To is the last day of the school year.
func (y SchoolYear) To() calendar.Date {
	return calendar.Date{Year: y.Start + 1, Month: time.June, Day: 30}
}

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
