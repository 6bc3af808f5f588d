package calendar

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"

	"implique/internal/errs"
)

// Date is a calendar day — a term's end, an adoption, hours given, a
// follow-up — without a time or a zone. The zero Date is « not known ».
// It is stored as ISO text (2026-05-31), and NULL when not known.
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

// Value stores the day as ISO text, or NULL when it is not known.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a stored day; NULL or empty text is the zero Date.
func (d *Date) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v)
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("calendar: cannot read a day from %T", v)
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	x, ok := Parse(s)
	if !ok {
		return fmt.Errorf("calendar: stored day %q", s)
	}
	*d = x
	return nil
}

// Parse reads a day as forms send it (2026-05-31) and as people type it in
// Québec or import it: 2026/05/31, 31/05/2026, 31-05-2026, 1-5-2026, a day
// followed by a time, or a spreadsheet's serial number (46173). The bool is
// false when s is not a real day. Which years are accepted is for the
// caller to check (Window), so that a day out of bounds is told as such
// rather than as unreadable.
func Parse(s string) (Date, bool) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "-/") {
		return parseWritten(s)
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		// A spreadsheet's serial day (1900 system): 1 is 1900-01-01, with
		// Excel's phantom 29 February 1900, so day 0 is 1899-12-30.
		if n < 18264 || n > 91311 { // before 1950 or after 2149: not a day anyone types this way
			return Date{}, false
		}
		return DateOf(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))), true
	}
	return Date{}, false
}

// parseWritten reads the written forms: year first (2026-05-31,
// 2026/5/31) or day first (31/05/2026, 1-5-2026), possibly followed by a
// time (2026-05-31 00:00:00, 2026-05-31T00:00:00Z).
func parseWritten(s string) (Date, bool) {
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) != 3 || strings.Count(s, "-")+strings.Count(s, "/") != 2 {
		return Date{}, false
	}
	var n [3]int
	for i, p := range parts {
		if n[i] = digits(p); n[i] < 0 {
			return Date{}, false
		}
	}
	y, m, d := n[0], n[1], n[2]
	switch {
	case len(parts[0]) == 4:
	case len(parts[2]) == 4: // day first, as in 31/05/2026
		y, d = n[2], n[0]
	default:
		return Date{}, false
	}
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return Date{}, false
	}
	if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Day() != d { // 31 April
		return Date{}, false
	}
	return Date{y, time.Month(m), d}, true
}

// digits reads a run of one or more ASCII digits; -1 when there is anything else.
func digits(s string) int {
	if s == "" {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || n > 1e6 {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Parse reads the day typed in field: it adds to f « required » when s is
// empty and required, « not a date » when s cannot be read, and the
// window's problem when its year falls outside. The zero Date is returned
// when s is empty or a problem was added.
func (w Window) Parse(f errs.Fields, field, s string, required bool) Date {
	if strings.TrimSpace(s) == "" {
		if required {
			f.Add(field, "errors.required")
		}
		return Date{}
	}
	d, ok := Parse(s)
	if !ok {
		f.Add(field, "errors.date")
		return Date{}
	}
	if !w.Check(f, field, d.Year) {
		return Date{}
	}
	return d
}
