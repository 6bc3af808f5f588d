package db

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Times outside the years 1 to 9999 cannot be stored: SQLite's driver
// writes them as text it cannot read back, and a single such row made every
// page listing it fail. The capabilities refuse such dates when people type
// them (package calendar); storable is the last guard on the way in, and
// ScanTime reads what was stored before it existed.

// storable returns an error when one of the arguments of a write is a time
// that cannot be stored.
func storable(args []any) error {
	for _, a := range args {
		var t time.Time
		switch v := a.(type) {
		case time.Time:
			t = v
		case *time.Time:
			if v == nil {
				continue
			}
			t = *v
		default:
			continue
		}
		if y := t.UTC().Year(); y < 1 || y > 9999 {
			return fmt.Errorf("db: the time %s cannot be stored (years 1 to 9999 only)", t.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// ScanTime is a Scan destination that reads a time column into t on either
// engine — also a time SQLite's driver cannot read back (a year after 9999,
// stored before dates had bounds), so that one bad row does not break a
// whole list and staff can open it to correct it.
func ScanTime(t *time.Time) sql.Scanner { return timeDest{t: t} }

// ScanNullTime is ScanTime for a column that may be NULL: *p is nil then.
func ScanNullTime(p **time.Time) sql.Scanner { return nullTimeDest{p: p} }

type timeDest struct{ t *time.Time }

func (d timeDest) Scan(v any) error {
	t, ok, err := storedTime(v)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("db: NULL where a time is required")
	}
	*d.t = t
	return nil
}

type nullTimeDest struct{ p **time.Time }

func (d nullTimeDest) Scan(v any) error {
	t, ok, err := storedTime(v)
	if err != nil {
		return err
	}
	*d.p = nil
	if ok {
		*d.p = &t
	}
	return nil
}

// storedTime reads a time as a driver gives it: a time.Time, or text (SQLite)
// when the driver could not read it. ok is false for NULL.
func storedTime(v any) (t time.Time, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return t, false, nil
	case time.Time:
		return x, true, nil
	case string:
		t, err = parseStoredTime(x)
	case []byte:
		t, err = parseStoredTime(string(x))
	default:
		err = fmt.Errorf("db: cannot read %T as a time", v)
	}
	return t, err == nil, err
}

// storedLayouts are the forms a time is stored in as text: the one this
// program writes (the driver's "sqlite" format) and the usual others.
var storedLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseStoredTime reads a stored time whatever the number of digits of its
// year: the year is read apart, and the rest with a stand-in year of the
// same kind (leap or not).
func parseStoredTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexByte(s, '-')
	year, err := strconv.Atoi(s[:max(i, 0)])
	if i < 1 || err != nil {
		return time.Time{}, fmt.Errorf("db: unreadable stored time %q", s)
	}
	stand := "2001"
	if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		stand = "2000"
	}
	rest := stand + s[i:]
	for _, layout := range storedLayouts {
		if t, err := time.Parse(layout, rest); err == nil {
			return time.Date(year, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location()).UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("db: unreadable stored time %q", s)
}
