// Formatting helpers for dates, times, money, numbers and quotations.
//
// French ("fr") output follows Québec French typography as recommended by
// the Office québécois de la langue française (OQLF); English ("en") output
// follows ordinary Canadian English conventions. Any language code other
// than exactly "en" is treated as "fr", French being the default language
// of the application.
//
// None of these functions converts time zones: callers must pass a
// time.Time that is already expressed in the territory's zone (for example
// with t.In(loc)). The wall-clock fields of the value are formatted as is.
//
// All functions are pure and safe for concurrent use; the package keeps no
// global mutable state.

package i18n

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// NBSP is the no-break space (U+00A0). It is used as the thousands
// separator, before the dollar sign, inside French guillemets, between
// the parts of a French time ("18 h 30") and between a day number and its
// month in French dates.
const NBSP = "\u00a0"

// NNBSP is the narrow no-break space (U+202F). It is exported for callers
// that want the thin space OQLF allows before ";", "!" and "?"; the
// formatters in this file do not use it.
const NNBSP = "\u202f"

// isEnglish reports whether lang selects English. Only the exact code "en"
// does; everything else (including "", "fr" and unknown codes) is French.
func isEnglish(lang string) bool {
	return lang == "en"
}

var monthsFR = [12]string{
	"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre",
}

var monthsEN = [12]string{
	"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December",
}

// weekdaysFR is indexed by time.Weekday (Sunday = 0).
var weekdaysFR = [7]string{
	"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
}

// weekdaysEN is indexed by time.Weekday (Sunday = 0).
var weekdaysEN = [7]string{
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
}

// Month returns the name of month m: lower-case in French ("décembre"),
// capitalised in English ("December"). For a value outside January to
// December it returns the month number in decimal digits.
func Month(lang string, m time.Month) string {
	if m < time.January || m > time.December {
		return strconv.Itoa(int(m))
	}
	if isEnglish(lang) {
		return monthsEN[m-1]
	}
	return monthsFR[m-1]
}

// Weekday returns the name of the day of the week of t: lower-case in
// French ("mercredi"), capitalised in English ("Wednesday").
func Weekday(lang string, t time.Time) string {
	d := t.Weekday()
	if isEnglish(lang) {
		return weekdaysEN[d]
	}
	return weekdaysFR[d]
}

// Time returns the wall-clock time of t, ignoring seconds.
//
// French uses the 24-hour clock with the "h" symbol: "18 h 30", "9 h 05",
// and "18 h" when the minutes are zero (never "18 h 00"). English uses the
// 12-hour clock: "6:30 p.m.", "6 p.m.", "9:05 a.m.", "12 p.m." for noon and
// "12 a.m." for midnight. Every space in the result is a NBSP.
func Time(lang string, t time.Time) string {
	h, m := t.Hour(), t.Minute()
	var b strings.Builder
	if isEnglish(lang) {
		suffix := "a.m."
		if h >= 12 {
			suffix = "p.m."
		}
		h12 := h % 12
		if h12 == 0 {
			h12 = 12
		}
		b.WriteString(strconv.Itoa(h12))
		if m != 0 {
			b.WriteByte(':')
			write2(&b, m)
		}
		b.WriteString(NBSP)
		b.WriteString(suffix)
		return b.String()
	}
	b.WriteString(strconv.Itoa(h))
	b.WriteString(NBSP + "h")
	if m != 0 {
		b.WriteString(NBSP)
		write2(&b, m)
	}
	return b.String()
}

// write2 writes n (0 ≤ n < 100) with two digits.
func write2(b *strings.Builder, n int) {
	b.WriteByte(byte('0' + n/10))
	b.WriteByte(byte('0' + n%10))
}

// Date returns the calendar date of t.
//
// French: "2 décembre 2026", with "1er" for the first day of the month
// ("1er janvier 2027"). The space between the day number and the month is
// a NBSP so they never wrap apart; the space before the year is an
// ordinary space. English: "December 2, 2026", with ordinary spaces.
func Date(lang string, t time.Time) string {
	y, m, d := t.Date()
	if isEnglish(lang) {
		return Month(lang, m) + " " + strconv.Itoa(d) + ", " + strconv.Itoa(y)
	}
	day := strconv.Itoa(d)
	if d == 1 {
		day = "1er"
	}
	return day + NBSP + Month(lang, m) + " " + strconv.Itoa(y)
}

// DayMonth returns the day and month of t without the year: "30 octobre"
// ("1er novembre") in French, with a NBSP, and "October 30" in English.
func DayMonth(lang string, t time.Time) string {
	_, m, d := t.Date()
	if isEnglish(lang) {
		return Month(lang, m) + " " + strconv.Itoa(d)
	}
	day := strconv.Itoa(d)
	if d == 1 {
		day = "1er"
	}
	return day + NBSP + Month(lang, m)
}

// OnDate returns the date of t as a complement of time: "le 2 décembre
// 2026" (or "le 1er janvier 2027") in French, "on December 2, 2026" in
// English. Spacing is the same as for Date.
func OnDate(lang string, t time.Time) string {
	if isEnglish(lang) {
		return "on " + Date(lang, t)
	}
	return "le " + Date(lang, t)
}

// DateTime returns the date and time of t: "le 2 décembre 2026 à 18 h 30"
// in French, "on December 2, 2026 at 6:30 p.m." in English. Spacing within
// the date and the time is the same as for Date and Time.
func DateTime(lang string, t time.Time) string {
	if isEnglish(lang) {
		return OnDate(lang, t) + " at " + Time(lang, t)
	}
	return OnDate(lang, t) + " à " + Time(lang, t)
}

// DateWithWeekday returns the date of t preceded by its day of the week:
// "mercredi 2 décembre 2026" in French, "Wednesday, December 2, 2026" in
// English. Spacing within the date is the same as for Date.
func DateWithWeekday(lang string, t time.Time) string {
	if isEnglish(lang) {
		return Weekday(lang, t) + ", " + Date(lang, t)
	}
	return Weekday(lang, t) + " " + Date(lang, t)
}

// ISODate returns the date of t in ISO 8601 form, "2026-12-02",
// independently of language.
func ISODate(t time.Time) string {
	return t.Format("2006-01-02")
}

// Money formats an amount of Canadian dollars given in cents.
//
// French: "1 250,50 $", "25,00 $", "-3,00 $" — comma as the decimal
// separator, NBSP as the thousands separator and before the "$" sign.
// English: "$1,250.50", "-$3.00". The minus sign is an ASCII hyphen-minus.
// Every int64 value, including math.MinInt64, is handled.
func Money(lang string, cents int64) string {
	neg := cents < 0
	mag := uint64(cents)
	if neg {
		mag = -mag // two's complement: correct even for math.MinInt64
	}
	dollars, rest := mag/100, mag%100
	en := isEnglish(lang)

	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if en {
		b.WriteByte('$')
		writeGrouped(&b, dollars, ",")
		b.WriteByte('.')
	} else {
		writeGrouped(&b, dollars, NBSP)
		b.WriteByte(',')
	}
	write2(&b, int(rest))
	if !en {
		b.WriteString(NBSP + "$")
	}
	return b.String()
}

// Number formats an integer with thousands separators: "20 404" in French
// (NBSP separator), "20,404" in English. Negative numbers get a leading
// hyphen-minus.
func Number(lang string, n int64) string {
	var b strings.Builder
	mag := uint64(n)
	if n < 0 {
		b.WriteByte('-')
		mag = -mag
	}
	writeGrouped(&b, mag, thousandsSep(lang))
	return b.String()
}

// Decimal formats f rounded to digits decimal places (a negative digits is
// treated as 0). French uses a comma as the decimal separator and NBSP
// between thousands ("1 234,5"; "46,55139"); English uses a dot and
// commas ("1,234.5"). A value that rounds to zero is written without a
// minus sign. NaN and infinities are written "NaN", "∞" and "-∞".
func Decimal(lang string, f float64, digits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "∞"
	case math.IsInf(f, -1):
		return "-∞"
	}
	if digits < 0 {
		digits = 0
	}
	s := strconv.FormatFloat(f, 'f', digits, 64)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
		if strings.Trim(s, "0.") == "" {
			neg = false // "-0.00" → "0.00"
		}
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")

	en := isEnglish(lang)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	writeGroupedDigits(&b, intPart, thousandsSep(lang))
	if hasFrac {
		if en {
			b.WriteByte('.')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(frac)
	}
	return b.String()
}

// Quote encloses s in the language's quotation marks: French guillemets
// with a NBSP inside each ("« s »"), English curly double quotes ("“s”").
func Quote(lang, s string) string {
	if isEnglish(lang) {
		return "\u201c" + s + "\u201d"
	}
	return "«" + NBSP + s + NBSP + "»"
}

func thousandsSep(lang string) string {
	if isEnglish(lang) {
		return ","
	}
	return NBSP
}

// writeGrouped writes n in decimal with sep between groups of three digits.
func writeGrouped(b *strings.Builder, n uint64, sep string) {
	writeGroupedDigits(b, strconv.FormatUint(n, 10), sep)
}

// writeGroupedDigits writes the digit string ds with sep between groups of
// three digits, counted from the right.
func writeGroupedDigits(b *strings.Builder, ds string, sep string) {
	first := len(ds) % 3
	if first == 0 {
		first = 3
	}
	if first > len(ds) {
		first = len(ds)
	}
	b.WriteString(ds[:first])
	for i := first; i < len(ds); i += 3 {
		b.WriteString(sep)
		b.WriteString(ds[i : i+3])
	}
}

// extensionRe finds the extension at the end of a phone number as people
// type it: « 819-288-5533, poste 5 », « 819 288-5533 p. 5 », "819-288-5533
// ext. 5", "… x5".
var extensionRe = regexp.MustCompile(`(?i)^(.*\d)[\s,;]*(?:poste|p\.|ext\.?|extension|x)\s*(\d{1,6})$`)

// Phone writes a phone number in the language: its extension as « , poste
// 5 » in French and " ext. 5" in English. The rest stays as it was typed.
func Phone(lang, s string) string {
	m := extensionRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return s
	}
	if isEnglish(lang) {
		return m[1] + " ext.\u00a0" + m[2]
	}
	return m[1] + ", poste\u00a0" + m[2]
}

// PhoneKey keeps the digits of a North-American number, without the leading 1.
func PhoneKey(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	k := b.String()
	if len(k) == 11 && k[0] == '1' {
		k = k[1:]
	}
	return k
}

// ParseDecimal reads a number as people type it in Québec or in English:
// « 12 », « 12,5 », « 1 250 », « 1 250,75 $ », "1,250.5", « 45 % ». It
// refuses anything else, and numbers beyond a thousand billion.
func ParseDecimal(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimPrefix(s, "$"))
	s = strings.TrimRight(s, "%$ \u00a0\u202f")
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(s)
	comma, dot := strings.Count(s, ","), strings.Count(s, ".")
	switch {
	case comma == 1 && dot == 0:
		s = strings.Replace(s, ",", ".", 1)
	case comma > 0 && dot <= 1:
		s = strings.ReplaceAll(s, ",", "")
	}
	if s == "" || strings.ContainsAny(s, "eEpPxX_+") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return 0, false
	}
	return f, true
}
