package calendar_test

import (
	"testing"
	"time"

	"implique/internal/calendar"
	"implique/internal/errs"
)

func TestParse(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// What forms send, what people type, what spreadsheets store.
		{"2026-05-31", "2026-05-31"},
		{"2026/05/31", "2026-05-31"},
		{"2026-5-31", "2026-05-31"},
		{"31/05/2026", "2026-05-31"},
		{"31-05-2026", "2026-05-31"},
		{"1-5-2026", "2026-05-01"},
		{"1/5/2026", "2026-05-01"},
		{" 2026-05-31 00:00:00 ", "2026-05-31"},
		{"2026-05-31T08:00:00Z", "2026-05-31"},
		{"46173", "2026-05-31"},
		{"2024-02-29", "2024-02-29"},
		// A real day, whatever its year: the bounds are the caller's.
		{"1800-01-01", "1800-01-01"},
		{"9999-12-31", "9999-12-31"},
		// Not a day.
		{"31/02/2026", ""},
		{"2026-02-29", ""},
		{"31/04/2026", ""},
		{"2026-13-01", ""},
		{"2026-00-10", ""},
		{"2026-01-00", ""},
		{"0000-01-01", ""},
		{"05/31/26", ""},
		{"2026-05", ""},
		{"2026-05-31-01", ""},
		{"2026--05-31", ""},
		{"+1-05-2026", ""},
		{"2026", ""},
		{"-1", ""},
		{"99999999999", ""},
		{"hier", ""},
		{"mai 2026", ""},
		{"", ""},
		{"   ", ""},
	} {
		d, ok := calendar.Parse(c.in)
		if ok != (c.want != "") || d.String() != c.want {
			t.Errorf("Parse(%q) = %q, %v; want %q", c.in, d, ok, c.want)
		}
	}
}

func TestDate(t *testing.T) {
	d := calendar.Date{Year: 2026, Month: 3, Day: 15}
	for _, c := range []struct{ got, want calendar.Date }{
		{d.AddMonths(3), calendar.Date{Year: 2026, Month: 6, Day: 15}},
		{calendar.Date{Year: 2026, Month: 5, Day: 31}.AddMonths(1), calendar.Date{Year: 2026, Month: 7, Day: 1}},
		{d.AddMonths(-13), calendar.Date{Year: 2025, Month: 2, Day: 15}},
		{calendar.DateOf(time.Date(2026, 3, 15, 23, 30, 0, 0, time.FixedZone("EDT", -4*3600))), d},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
	if !d.Before(calendar.Date{Year: 2026, Month: 3, Day: 16}) || d.Before(d) {
		t.Error("Before")
	}
	if (calendar.Date{}).String() != "" || !(calendar.Date{}).IsZero() || d.IsZero() {
		t.Error("zero Date")
	}
}

func TestDateStored(t *testing.T) {
	if v, _ := (calendar.Date{}).Value(); v != nil {
		t.Errorf("zero Date stored as %v", v)
	}
	if v, _ := (calendar.Date{Year: 2026, Month: 5, Day: 1}).Value(); v != "2026-05-01" {
		t.Errorf("stored as %v", v)
	}
	for _, c := range []struct {
		in      any
		want    string
		wantErr bool
	}{
		{nil, "", false},
		{"", "", false},
		{"2026-05-01", "2026-05-01", false},
		{[]byte("2026-05-01"), "2026-05-01", false},
		{time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), "2026-05-01", false},
		{"pas une date", "", true},
		{int64(3), "", true},
	} {
		d := calendar.Date{Year: 2000, Month: 1, Day: 1}
		err := d.Scan(c.in)
		if (err != nil) != c.wantErr || (!c.wantErr && d.String() != c.want) {
			t.Errorf("Scan(%v) = %q, %v", c.in, d, err)
		}
	}
}

func TestWindowParse(t *testing.T) {
	w := calendar.Happening(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, c := range []struct {
		in       string
		required bool
		want     string
		problem  string
	}{
		{"2026-05-31", true, "2026-05-31", ""},
		{"31/05/2026", false, "2026-05-31", ""},
		{"2000-01-01", true, "2000-01-01", ""},
		{"2036-12-31", true, "2036-12-31", ""},
		{"", false, "", ""},
		{"  ", true, "", "errors.required"},
		{"31/02/2026", false, "", "errors.date"},
		{"hier", true, "", "errors.date"},
		{"1999-12-31", true, "", w.Problem()},
		{"9999-12-31", false, "", w.Problem()},
	} {
		f := errs.Fields{}
		d := w.Parse(f, "day", c.in, c.required)
		if d.String() != c.want || f["day"] != c.problem || len(f) > 1 {
			t.Errorf("Parse(%q, %v) = %q, %v; want %q, %q", c.in, c.required, d, f, c.want, c.problem)
		}
	}
}

// Whatever is typed, a day Parse accepts is a real day, and reading back
// how it is stored gives the same day.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2026-05-31", "31/05/2026", "1-5-2026", "46173", "2026-05-31T08:00", "hier", "", "9/9/9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := calendar.Parse(s)
		if !ok {
			if !d.IsZero() {
				t.Fatalf("Parse(%q) refused but gave %v", s, d)
			}
			return
		}
		if calendar.DateOf(d.Time()) != d || d.IsZero() {
			t.Fatalf("Parse(%q) = %+v, not a real day", s, d)
		}
		if again, ok := calendar.Parse(d.String()); !ok || again != d {
			t.Fatalf("Parse(%q) = %v, read back as %v, %v", s, d, again, ok)
		}
	})
}
