package orgs

import (
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day — a term's end, an adoption, a follow-up — without
// a time or a zone. The zero Date is « not known ».
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the calendar day of t in t's own zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether the day is unknown.
func (d Date) IsZero() bool { return d.Year == 0 }

// String is the day as stored and as an <input type="date"> wants it: 2026-05-31.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("2006-01-02")
}

// Time is midnight UTC of the day, for formatting (never convert it to a zone).
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Before reports whether d comes before o.
func (d Date) Before(o Date) bool { return d.Time().Before(o.Time()) }

// AddMonths moves the day by n months (31 May + 1 month is 1 July, as Go does).
func (d Date) AddMonths(n int) Date { return DateOf(d.Time().AddDate(0, n, 0)) }

// ParseDate reads a day as people type it in Québec: 2026-05-31, 2026/05/31,
// 31/05/2026 or 31-05-2026, or as a spreadsheet stores it (a serial number
// such as 46173). The bool is false when s is not a real day.
func ParseDate(s string) (Date, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, false
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' { // 2026-05-31, as stored: no allocation
		y, m, d := digits(s[:4]), digits(s[5:7]), digits(s[8:])
		if y < 0 || m < 0 || d < 0 {
			return Date{}, false
		}
		return validDate(y, m, d)
	}
	if strings.ContainsAny(s, "-/") {
		return parseDayMonth(s)
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		// A spreadsheet's serial day (1900 system): 1 is 1900-01-01, with
		// Excel's phantom 29 February 1900, so day 0 is 1899-12-30.
		if n < 18264 || n > 91311 { // before 1950 or after 2149: not a day of a term
			return Date{}, false
		}
		return DateOf(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))), true
	}
	return Date{}, false
}

// digits reads a run of ASCII digits; -1 when there is anything else.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// validDate checks a day of the Gregorian calendar. Which years are
// accepted is for the caller to check (package calendar), so that a day
// out of bounds is told as such rather than as unreadable.
func validDate(y, m, d int) (Date, bool) {
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return Date{}, false
	}
	if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Day() != d { // 31 April
		return Date{}, false
	}
	return Date{y, time.Month(m), d}, true
}

// parseDayMonth reads the other written forms: 2026/05/31, 31/05/2026,
// 31-05-2026, and a day followed by a time.
func parseDayMonth(s string) (Date, bool) {
	s = strings.ReplaceAll(s, "/", "-")
	if i := strings.IndexAny(s, " T"); i > 0 { // "2026-05-31 00:00:00"
		s = s[:i]
	}
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return Date{}, false
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return Date{}, false
		}
		nums[i] = n
	}
	y, m, d := nums[0], nums[1], nums[2]
	if len(parts[0]) != 4 { // day first, as in 31/05/2026
		if len(parts[2]) != 4 {
			return Date{}, false
		}
		y, d = nums[2], nums[0]
	}
	return validDate(y, m, d)
}

// dateArg is the stored form of d: NULL when unknown.
func dateArg(d Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// scanDate reads a stored day (NULL or bad text gives the zero Date).
func scanDate(n sql.NullString) Date {
	if !n.Valid {
		return Date{}
	}
	d, _ := ParseDate(n.String)
	return d
}
