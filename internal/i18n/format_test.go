package i18n

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// at builds a wall-clock time in UTC; the formatters never convert zones.
func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func TestConstants(t *testing.T) {
	if NBSP != "\u00a0" || len([]rune(NBSP)) != 1 || []rune(NBSP)[0] != 0x00A0 {
		t.Errorf("NBSP = %q, want U+00A0", NBSP)
	}
	if NNBSP != "\u202f" || len([]rune(NNBSP)) != 1 || []rune(NNBSP)[0] != 0x202F {
		t.Errorf("NNBSP = %q, want U+202F", NNBSP)
	}
}

func TestTime(t *testing.T) {
	tests := []struct {
		name string
		lang string
		t    time.Time
		want string
	}{
		{"fr 18 h 30", "fr", at(2026, 12, 2, 18, 30), "18\u00a0h\u00a030"},
		{"fr 18 h sans minutes", "fr", at(2026, 12, 2, 18, 0), "18\u00a0h"},
		{"fr 9 h 05", "fr", at(2026, 12, 2, 9, 5), "9\u00a0h\u00a005"},
		{"fr minuit", "fr", at(2026, 12, 2, 0, 0), "0\u00a0h"},
		{"fr midi", "fr", at(2026, 12, 2, 12, 0), "12\u00a0h"},
		{"fr 23 h 59", "fr", at(2026, 12, 2, 23, 59), "23\u00a0h\u00a059"},
		{"fr seconds ignored", "fr", time.Date(2026, 12, 2, 18, 30, 59, 999, time.UTC), "18\u00a0h\u00a030"},
		{"en 6:30 p.m.", "en", at(2026, 12, 2, 18, 30), "6:30\u00a0p.m."},
		{"en 6 p.m.", "en", at(2026, 12, 2, 18, 0), "6\u00a0p.m."},
		{"en 9:05 a.m.", "en", at(2026, 12, 2, 9, 5), "9:05\u00a0a.m."},
		{"en noon", "en", at(2026, 12, 2, 12, 0), "12\u00a0p.m."},
		{"en midnight", "en", at(2026, 12, 2, 0, 0), "12\u00a0a.m."},
		{"en after midnight", "en", at(2026, 12, 2, 0, 5), "12:05\u00a0a.m."},
		{"en after noon", "en", at(2026, 12, 2, 12, 30), "12:30\u00a0p.m."},
		{"en 11:59 p.m.", "en", at(2026, 12, 2, 23, 59), "11:59\u00a0p.m."},
		{"unknown falls back to fr", "de", at(2026, 12, 2, 18, 30), "18\u00a0h\u00a030"},
		{"empty falls back to fr", "", at(2026, 12, 2, 18, 0), "18\u00a0h"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Time(tc.lang, tc.t)
			if got != tc.want {
				t.Errorf("Time(%q, %v) = %q, want %q", tc.lang, tc.t, got, tc.want)
			}
			if !strings.Contains(got, "\u00a0") {
				t.Errorf("Time(%q, %v) = %q, want a NBSP", tc.lang, tc.t, got)
			}
			if strings.Contains(got, " ") {
				t.Errorf("Time(%q, %v) = %q contains an ordinary space", tc.lang, tc.t, got)
			}
			if strings.Contains(got, "h\u00a000") {
				t.Errorf("Time(%q, %v) = %q, must not write zero minutes", tc.lang, tc.t, got)
			}
		})
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		name string
		lang string
		t    time.Time
		want string
	}{
		{"fr 2 décembre", "fr", at(2026, 12, 2, 18, 30), "2\u00a0décembre 2026"},
		{"fr 1er janvier", "fr", at(2027, 1, 1, 0, 0), "1er\u00a0janvier 2027"},
		{"fr 11 is not 1er", "fr", at(2027, 1, 11, 0, 0), "11\u00a0janvier 2027"},
		{"fr 21 is not 1er", "fr", at(2027, 1, 21, 0, 0), "21\u00a0janvier 2027"},
		{"fr 31 is not 1er", "fr", at(2027, 1, 31, 0, 0), "31\u00a0janvier 2027"},
		{"en December 2", "en", at(2026, 12, 2, 18, 30), "December 2, 2026"},
		{"en January 1", "en", at(2027, 1, 1, 0, 0), "January 1, 2027"},
		{"unknown falls back to fr", "xx", at(2027, 1, 1, 0, 0), "1er\u00a0janvier 2027"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Date(tc.lang, tc.t); got != tc.want {
				t.Errorf("Date(%q, %v) = %q, want %q", tc.lang, tc.t, got, tc.want)
			}
		})
	}
}

func TestDayMonth(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{{"fr", "30\u00a0octobre"}, {"en", "October 30"}} {
		if got := DayMonth(tc.lang, at(2026, 10, 30, 17, 30)); got != tc.want {
			t.Errorf("DayMonth(%q) = %q, want %q", tc.lang, got, tc.want)
		}
	}
	if got := DayMonth("fr", at(2026, 11, 1, 0, 0)); got != "1er\u00a0novembre" {
		t.Errorf("DayMonth(1 November) = %q", got)
	}
}

func TestOnDate(t *testing.T) {
	tests := []struct {
		name string
		lang string
		t    time.Time
		want string
	}{
		{"fr le 2 décembre 2026", "fr", at(2026, 12, 2, 18, 30), "le 2\u00a0décembre 2026"},
		{"fr le 1er janvier 2027", "fr", at(2027, 1, 1, 0, 0), "le 1er\u00a0janvier 2027"},
		{"en on December 2, 2026", "en", at(2026, 12, 2, 18, 30), "on December 2, 2026"},
		{"unknown falls back to fr", "es", at(2026, 12, 2, 18, 30), "le 2\u00a0décembre 2026"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := OnDate(tc.lang, tc.t)
			if got != tc.want {
				t.Errorf("OnDate(%q, %v) = %q, want %q", tc.lang, tc.t, got, tc.want)
			}
			if tc.lang != "en" && !strings.Contains(got, "\u00a0") {
				t.Errorf("OnDate(%q, %v) = %q, want a NBSP", tc.lang, tc.t, got)
			}
		})
	}
}

func TestDateTime(t *testing.T) {
	tests := []struct {
		name string
		lang string
		t    time.Time
		want string
	}{
		{"fr", "fr", at(2026, 12, 2, 18, 30), "le 2\u00a0décembre 2026 à 18\u00a0h\u00a030"},
		{"fr full hour", "fr", at(2027, 1, 1, 9, 0), "le 1er\u00a0janvier 2027 à 9\u00a0h"},
		{"en", "en", at(2026, 12, 2, 18, 30), "on December 2, 2026 at 6:30\u00a0p.m."},
		{"en midnight", "en", at(2027, 1, 1, 0, 0), "on January 1, 2027 at 12\u00a0a.m."},
		{"unknown falls back to fr", "EN", at(2026, 12, 2, 18, 30), "le 2\u00a0décembre 2026 à 18\u00a0h\u00a030"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DateTime(tc.lang, tc.t); got != tc.want {
				t.Errorf("DateTime(%q, %v) = %q, want %q", tc.lang, tc.t, got, tc.want)
			}
		})
	}
}

func TestWeekday(t *testing.T) {
	fr := []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	en := []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	// 29 November 2026 is a Sunday.
	for i := range 7 {
		day := at(2026, 11, 29+i, 12, 0)
		t.Run(en[i], func(t *testing.T) {
			if got := Weekday("fr", day); got != fr[i] {
				t.Errorf("Weekday(fr, %v) = %q, want %q", day, got, fr[i])
			}
			if got := Weekday("en", day); got != en[i] {
				t.Errorf("Weekday(en, %v) = %q, want %q", day, got, en[i])
			}
			if got := Weekday("zz", day); got != fr[i] {
				t.Errorf("Weekday(zz, %v) = %q, want French %q", day, got, fr[i])
			}
		})
	}
}

func TestDateWithWeekday(t *testing.T) {
	tests := []struct {
		name string
		lang string
		t    time.Time
		want string
	}{
		{"fr", "fr", at(2026, 12, 2, 18, 30), "mercredi 2\u00a0décembre 2026"},
		{"fr 1er", "fr", at(2027, 1, 1, 0, 0), "vendredi 1er\u00a0janvier 2027"},
		{"en", "en", at(2026, 12, 2, 18, 30), "Wednesday, December 2, 2026"},
		{"unknown falls back to fr", "it", at(2026, 12, 2, 18, 30), "mercredi 2\u00a0décembre 2026"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DateWithWeekday(tc.lang, tc.t); got != tc.want {
				t.Errorf("DateWithWeekday(%q, %v) = %q, want %q", tc.lang, tc.t, got, tc.want)
			}
		})
	}
}

func TestISODate(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"december", at(2026, 12, 2, 18, 30), "2026-12-02"},
		{"new year", at(2027, 1, 1, 0, 0), "2027-01-01"},
		{"no zone conversion", time.Date(2026, 12, 2, 23, 30, 0, 0, time.FixedZone("EST", -5*3600)), "2026-12-02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ISODate(tc.t); got != tc.want {
				t.Errorf("ISODate(%v) = %q, want %q", tc.t, got, tc.want)
			}
		})
	}
}

func TestNoZoneConversion(t *testing.T) {
	// 23 h 30 in Montréal is already the next day in UTC; the formatter
	// must use the wall clock of the value it is given.
	tm := time.Date(2026, 12, 2, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	want := "le 2\u00a0décembre 2026 à 23\u00a0h\u00a030"
	if got := DateTime("fr", tm); got != want {
		t.Errorf("DateTime(fr, %v) = %q, want %q", tm, got, want)
	}
}

func TestMonth(t *testing.T) {
	fr := []string{"janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	en := []string{"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December"}
	for i := range 12 {
		m := time.Month(i + 1)
		t.Run(m.String(), func(t *testing.T) {
			if got := Month("fr", m); got != fr[i] {
				t.Errorf("Month(fr, %v) = %q, want %q", m, got, fr[i])
			}
			if got := Month("en", m); got != en[i] {
				t.Errorf("Month(en, %v) = %q, want %q", m, got, en[i])
			}
			if got := Month("unknown", m); got != fr[i] {
				t.Errorf("Month(unknown, %v) = %q, want French %q", m, got, fr[i])
			}
			// Dates use the same names.
			d := at(2026, m, 15, 12, 0)
			if got, want := Date("fr", d), "15\u00a0"+fr[i]+" 2026"; got != want {
				t.Errorf("Date(fr, %v) = %q, want %q", d, got, want)
			}
			if got, want := Date("en", d), en[i]+" 15, 2026"; got != want {
				t.Errorf("Date(en, %v) = %q, want %q", d, got, want)
			}
		})
	}
	t.Run("out of range", func(t *testing.T) {
		for _, m := range []time.Month{0, 13} {
			if got, want := Month("fr", m), strconv.Itoa(int(m)); got != want {
				t.Errorf("Month(fr, %d) = %q, want %q", int(m), got, want)
			}
		}
	})
}

func TestMoney(t *testing.T) {
	tests := []struct {
		name  string
		lang  string
		cents int64
		want  string
	}{
		{"fr 1 250,50 $", "fr", 125050, "1\u00a0250,50\u00a0$"},
		{"fr 25,00 $", "fr", 2500, "25,00\u00a0$"},
		{"fr 24 350,72 $", "fr", 2435072, "24\u00a0350,72\u00a0$"},
		{"fr negative", "fr", -300, "-3,00\u00a0$"},
		{"fr negative with thousands", "fr", -125050, "-1\u00a0250,50\u00a0$"},
		{"fr zero", "fr", 0, "0,00\u00a0$"},
		{"fr one cent", "fr", 1, "0,01\u00a0$"},
		{"fr minus one cent", "fr", -1, "-0,01\u00a0$"},
		{"fr million", "fr", 100000000, "1\u00a0000\u00a0000,00\u00a0$"},
		{"fr max int64", "fr", math.MaxInt64, "92\u00a0233\u00a0720\u00a0368\u00a0547\u00a0758,07\u00a0$"},
		{"fr min int64", "fr", math.MinInt64, "-92\u00a0233\u00a0720\u00a0368\u00a0547\u00a0758,08\u00a0$"},
		{"en $1,250.50", "en", 125050, "$1,250.50"},
		{"en $25.00", "en", 2500, "$25.00"},
		{"en negative", "en", -300, "-$3.00"},
		{"en zero", "en", 0, "$0.00"},
		{"en million", "en", 100000000, "$1,000,000.00"},
		{"en min int64", "en", math.MinInt64, "-$92,233,720,368,547,758.08"},
		{"unknown falls back to fr", "de", 125050, "1\u00a0250,50\u00a0$"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Money(tc.lang, tc.cents)
			if got != tc.want {
				t.Errorf("Money(%q, %d) = %q, want %q", tc.lang, tc.cents, got, tc.want)
			}
			if tc.lang != "en" {
				if !strings.Contains(got, "\u00a0") {
					t.Errorf("Money(%q, %d) = %q, want a NBSP", tc.lang, tc.cents, got)
				}
				if !strings.HasSuffix(got, "\u00a0$") {
					t.Errorf("Money(%q, %d) = %q, want NBSP before $", tc.lang, tc.cents, got)
				}
			}
			if strings.Contains(got, " ") || strings.Contains(got, "\u202f") {
				t.Errorf("Money(%q, %d) = %q contains a breaking or narrow space", tc.lang, tc.cents, got)
			}
		})
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		name string
		lang string
		n    int64
		want string
	}{
		{"fr 20 404", "fr", 20404, "20\u00a0404"},
		{"fr zero", "fr", 0, "0"},
		{"fr 999", "fr", 999, "999"},
		{"fr 1 000", "fr", 1000, "1\u00a0000"},
		{"fr 1 000 000", "fr", 1000000, "1\u00a0000\u00a0000"},
		{"fr negative", "fr", -1234567, "-1\u00a0234\u00a0567"},
		{"fr min int64", "fr", math.MinInt64, "-9\u00a0223\u00a0372\u00a0036\u00a0854\u00a0775\u00a0808"},
		{"en 20,404", "en", 20404, "20,404"},
		{"en zero", "en", 0, "0"},
		{"en 1,000,000", "en", 1000000, "1,000,000"},
		{"en negative", "en", -999, "-999"},
		{"en max int64", "en", math.MaxInt64, "9,223,372,036,854,775,807"},
		{"unknown falls back to fr", "pt", 20404, "20\u00a0404"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Number(tc.lang, tc.n)
			if got != tc.want {
				t.Errorf("Number(%q, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
			}
			if tc.lang != "en" && (tc.n >= 1000 || tc.n <= -1000) && !strings.Contains(got, "\u00a0") {
				t.Errorf("Number(%q, %d) = %q, want a NBSP", tc.lang, tc.n, got)
			}
		})
	}
}

func TestDecimal(t *testing.T) {
	tests := []struct {
		name   string
		lang   string
		f      float64
		digits int
		want   string
	}{
		{"fr latitude", "fr", 46.55139, 5, "46,55139"},
		{"fr negative longitude", "fr", -72.74222, 5, "-72,74222"},
		{"fr thousands", "fr", 1234567.891, 2, "1\u00a0234\u00a0567,89"},
		{"fr rounding", "fr", 2.345, 1, "2,3"},
		{"fr zero digits", "fr", 1234.6, 0, "1\u00a0235"},
		{"fr negative digits", "fr", 1234.6, -3, "1\u00a0235"},
		{"fr zero", "fr", 0, 2, "0,00"},
		{"fr negative zero", "fr", math.Copysign(0, -1), 2, "0,00"},
		{"fr rounds to zero", "fr", -0.001, 2, "0,00"},
		{"en latitude", "en", 46.55139, 5, "46.55139"},
		{"en thousands", "en", 1234567.891, 2, "1,234,567.89"},
		{"en negative", "en", -1000.5, 1, "-1,000.5"},
		{"NaN", "fr", math.NaN(), 2, "NaN"},
		{"+Inf", "fr", math.Inf(1), 2, "∞"},
		{"-Inf", "en", math.Inf(-1), 2, "-∞"},
		{"unknown falls back to fr", "nl", 46.55139, 5, "46,55139"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Decimal(tc.lang, tc.f, tc.digits); got != tc.want {
				t.Errorf("Decimal(%q, %v, %d) = %q, want %q", tc.lang, tc.f, tc.digits, got, tc.want)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	tests := []struct {
		name string
		lang string
		s    string
		want string
	}{
		{"fr", "fr", "Implique", "«\u00a0Implique\u00a0»"},
		{"fr empty", "fr", "", "«\u00a0\u00a0»"},
		{"en", "en", "Implique", "\u201cImplique\u201d"},
		{"unknown falls back to fr", "ja", "oui", "«\u00a0oui\u00a0»"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Quote(tc.lang, tc.s)
			if got != tc.want {
				t.Errorf("Quote(%q, %q) = %q, want %q", tc.lang, tc.s, got, tc.want)
			}
			if tc.lang != "en" && !strings.Contains(got, "\u00a0") {
				t.Errorf("Quote(%q, %q) = %q, want a NBSP", tc.lang, tc.s, got)
			}
		})
	}
}

func FuzzMoney(f *testing.F) {
	for _, c := range []int64{0, 1, -1, 99, 100, -300, 2500, 125050, 2435072, 100000000, math.MaxInt64, math.MinInt64} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, cents int64) {
		fr := Money("fr", cents)
		en := Money("en", cents)
		if !strings.HasSuffix(fr, "\u00a0$") {
			t.Fatalf("Money(fr, %d) = %q, want suffix NBSP $", cents, fr)
		}
		if !strings.HasPrefix(en, "$") && !strings.HasPrefix(en, "-$") {
			t.Fatalf("Money(en, %d) = %q, want prefix $ or -$", cents, en)
		}
		if unk := Money("??", cents); unk != fr {
			t.Fatalf("Money(??, %d) = %q, want French %q", cents, unk, fr)
		}
		// Both forms must round-trip to the same number of cents.
		frDigits := strings.NewReplacer("\u00a0", "", "$", "", ",", "").Replace(fr)
		enDigits := strings.NewReplacer("$", "", ",", "", ".", "").Replace(en)
		for _, s := range []string{frDigits, enDigits} {
			back, err := strconv.ParseInt(s, 10, 64)
			if err != nil || back != cents {
				t.Fatalf("Money(%d): %q / %q parse back as %q = %d, %v", cents, fr, en, s, back, err)
			}
		}
	})
}

func TestPhone(t *testing.T) {
	for _, c := range []struct{ in, fr, en string }{
		{"819-288-5533, poste 5", "819-288-5533, poste\u00a05", "819-288-5533 ext.\u00a05"},
		{"819 288-5533 p. 12", "819 288-5533, poste\u00a012", "819 288-5533 ext.\u00a012"},
		{"819-288-5533 ext. 5", "819-288-5533, poste\u00a05", "819-288-5533 ext.\u00a05"},
		{"819-288-5533 x5", "819-288-5533, poste\u00a05", "819-288-5533 ext.\u00a05"},
		{"819-288-5533", "819-288-5533", "819-288-5533"},
		{"", "", ""},
		{"le soir seulement", "le soir seulement", "le soir seulement"},
	} {
		if got := Phone("fr", c.in); got != c.fr {
			t.Errorf("Phone(fr, %q) = %q, want %q", c.in, got, c.fr)
		}
		if got := Phone("en", c.in); got != c.en {
			t.Errorf("Phone(en, %q) = %q, want %q", c.in, got, c.en)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	for in, want := range map[string]float64{"12": 12, "12,5": 12.5, "1 250": 1250, "1\u00a0250,75\u00a0$": 1250.75, "1,250.5": 1250.5,
		"45 %": 45, "$ 27.50": 27.5, "-3": -3, "0,25": 0.25} {
		if got, ok := ParseDecimal(in); !ok || got != want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "trois", "1e9", "0x10", "NaN", "Inf", "1,2,3.4.5", "99999999999999"} {
		if got, ok := ParseDecimal(in); ok {
			t.Errorf("ParseDecimal(%q) = %v, want refused", in, got)
		}
	}
}
