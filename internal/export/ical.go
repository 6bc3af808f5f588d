package export

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"implique/internal/calendar"
)

// icalProdID identifies the product that wrote a calendar (PRODID).
const icalProdID = "-//Implique//Implique//FR"

// icalMaxLine is the longest a content line may be, in octets, not
// counting the CRLF that ends it (RFC 5545, section 3.1).
const icalMaxLine = 75

// Calendar is an iCalendar object (RFC 5545): a feed of events to
// subscribe to, or, when Method is set, an iTIP message (RFC 5546) sent
// by e-mail as an invitation or a cancellation.
type Calendar struct {
	// Name is the calendar's display name (NAME of RFC 7986, and
	// X-WR-CALNAME, which calendar applications read for subscribed
	// feeds). Optional.
	Name string
	// TimeZone is the zone the calendar's events are shown in (the
	// territory's). When set, the calendar carries its VTIMEZONE and
	// X-WR-TIMEZONE. Optional: times are written in UTC anyway.
	TimeZone *time.Location
	// Method is "" (a plain calendar, e.g. a feed), "PUBLISH",
	// "REQUEST" or "CANCEL".
	Method string
	// Events are the events of the calendar.
	Events []Event
}

// Event is a VEVENT component.
type Event struct {
	// UID identifies the event, globally and permanently (for example
	// "evenement-42@implique.example"). Required.
	UID string
	// Sequence is the revision number; increment it on every significant
	// change (time, place, cancellation) so that updates replace older
	// copies.
	Sequence int
	// Start is required. End is optional; for a timed event it must not
	// be before Start. Timed events are written in UTC.
	Start, End time.Time
	// AllDay writes DTSTART and DTEND as dates: the calendar dates of
	// Start and End in their own zone, End being exclusive (the day after
	// the last day). A zero or not-after-Start End means a one-day event.
	AllDay bool
	// Summary is the title; Description, Location and URL are optional.
	Summary, Description, Location, URL string
	// Status is "", "CONFIRMED", "CANCELLED" or "TENTATIVE" (any case).
	// In a Calendar whose Method is "CANCEL" an empty Status is written
	// as CANCELLED.
	Status string
	// Organizer is an e-mail address, with or without "mailto:". It is
	// required by iTIP for METHOD:REQUEST and CANCEL. Optional.
	Organizer string
	// Created and LastModified are written when not zero. DTSTAMP is
	// LastModified, else Created, else the time of writing.
	Created, LastModified time.Time
	// Categories are free-text tags (CATEGORIES).
	Categories []string
	// Geo is the latitude and longitude of the venue, in decimal degrees
	// (GEO). Optional.
	Geo *[2]float64
}

// WriteTo writes c to w as an iCalendar object and returns the number of
// bytes written. It implements io.WriterTo.
//
// Lines end with CRLF and are folded at 75 octets, never inside a UTF-8
// sequence. TEXT values are escaped (backslash, semicolon, comma and line
// breaks), invalid UTF-8 is replaced by U+FFFD and control characters
// other than line breaks and tabs are dropped. Times are written in UTC
// with the Z suffix, which every client understands. The calendar has
// PRODID "-//Implique//Implique//FR", VERSION 2.0, CALSCALE GREGORIAN,
// METHOD when set, NAME and X-WR-CALNAME when Name is set, and
// X-WR-TIMEZONE and a VTIMEZONE when TimeZone is set. The VTIMEZONE gives
// the zone's offsets from January 1 of the first event's year to the end
// of the last event's (ten years at most), or of the current year.
//
// RFC 5545 wants at least one component in a calendar: one without events
// and without TimeZone carries the VTIMEZONE of UTC, so that a feed with
// nothing planned stays valid.
//
// WriteTo checks c before writing anything and returns an error for an
// unknown Method or Status, an event without UID or Start, an End before
// Start, or a Geo out of range.
func (c Calendar) WriteTo(w io.Writer) (int64, error) {
	if err := c.validate(); err != nil {
		return 0, err
	}
	cw := &countingWriter{w: w}
	bw := bufio.NewWriter(cw)
	l := &icalLines{w: bw}
	method := strings.ToUpper(c.Method)

	l.prop("BEGIN", "VCALENDAR")
	l.prop("VERSION", "2.0")
	l.prop("PRODID", icalProdID)
	l.prop("CALSCALE", "GREGORIAN")
	if method != "" {
		l.prop("METHOD", method)
	}
	if c.Name != "" {
		l.prop("NAME", escapeText(c.Name))
		l.prop("X-WR-CALNAME", escapeText(c.Name))
	}
	now := time.Now()
	if zone := c.TimeZone; zone != nil || len(c.Events) == 0 {
		if zone == nil {
			zone = time.UTC
		} else {
			l.prop("X-WR-TIMEZONE", escapeText(tzid(zone)))
		}
		first, last := now, now
		for i, e := range c.Events {
			end := e.Start
			if e.End.After(end) {
				end = e.End
			}
			if i == 0 || e.Start.Before(first) {
				first = e.Start
			}
			if i == 0 || end.After(last) {
				last = end
			}
		}
		l.vtimezone(zone, first, last)
	}
	for _, e := range c.Events {
		l.prop("BEGIN", "VEVENT")
		l.prop("UID", escapeText(e.UID))
		stamp := e.LastModified
		if stamp.IsZero() {
			stamp = e.Created
		}
		if stamp.IsZero() {
			stamp = now
		}
		l.prop("DTSTAMP", icalUTC(stamp))
		if e.AllDay {
			start, end := calendar.DateOf(e.Start), calendar.DateOf(e.End)
			if !start.Before(end) {
				end = calendar.DateOf(e.Start.AddDate(0, 0, 1))
			}
			l.prop("DTSTART;VALUE=DATE", start.Time().Format("20060102"))
			l.prop("DTEND;VALUE=DATE", end.Time().Format("20060102"))
		} else {
			l.prop("DTSTART", icalUTC(e.Start))
			if !e.End.IsZero() {
				l.prop("DTEND", icalUTC(e.End))
			}
		}
		l.prop("SEQUENCE", strconv.Itoa(max(e.Sequence, 0)))
		if e.Summary != "" {
			l.prop("SUMMARY", escapeText(e.Summary))
		}
		if e.Description != "" {
			l.prop("DESCRIPTION", escapeText(e.Description))
		}
		if e.Location != "" {
			l.prop("LOCATION", escapeText(e.Location))
		}
		if e.Geo != nil {
			l.prop("GEO", strconv.FormatFloat(e.Geo[0], 'f', -1, 64)+";"+strconv.FormatFloat(e.Geo[1], 'f', -1, 64))
		}
		if e.URL != "" {
			l.prop("URL", uriValue(e.URL))
		}
		status := strings.ToUpper(e.Status)
		if status == "" && method == "CANCEL" {
			status = "CANCELLED"
		}
		if status != "" {
			l.prop("STATUS", status)
		}
		if e.Organizer != "" {
			org := uriValue(e.Organizer)
			if !strings.HasPrefix(strings.ToLower(org), "mailto:") {
				org = "mailto:" + org
			}
			l.prop("ORGANIZER", org)
		}
		var cats []string
		for _, cat := range e.Categories {
			if cat = escapeText(cat); cat != "" {
				cats = append(cats, cat)
			}
		}
		if len(cats) > 0 {
			l.prop("CATEGORIES", strings.Join(cats, ","))
		}
		if !e.Created.IsZero() {
			l.prop("CREATED", icalUTC(e.Created))
		}
		if !e.LastModified.IsZero() {
			l.prop("LAST-MODIFIED", icalUTC(e.LastModified))
		}
		l.prop("END", "VEVENT")
	}
	l.prop("END", "VCALENDAR")
	if l.err == nil {
		l.err = bw.Flush()
	}
	return cw.n, l.err
}

// validate reports the first problem that would make c an invalid
// iCalendar object.
func (c Calendar) validate() error {
	switch strings.ToUpper(c.Method) {
	case "", "PUBLISH", "REQUEST", "CANCEL":
	default:
		return fmt.Errorf("export: unknown iCalendar method %q", c.Method)
	}
	for i, e := range c.Events {
		if strings.TrimSpace(e.UID) == "" {
			return fmt.Errorf("export: iCalendar event %d has no UID", i)
		}
		if e.Start.IsZero() {
			return fmt.Errorf("export: iCalendar event %q has no start", e.UID)
		}
		if !e.AllDay && !e.End.IsZero() && e.End.Before(e.Start) {
			return fmt.Errorf("export: iCalendar event %q ends before it starts", e.UID)
		}
		switch strings.ToUpper(e.Status) {
		case "", "CONFIRMED", "CANCELLED", "TENTATIVE":
		default:
			return fmt.Errorf("export: iCalendar event %q has unknown status %q", e.UID, e.Status)
		}
		if g := e.Geo; g != nil {
			if math.IsNaN(g[0]) || math.IsNaN(g[1]) || math.Abs(g[0]) > 90 || math.Abs(g[1]) > 180 {
				return fmt.Errorf("export: iCalendar event %q has invalid position %v", e.UID, *g)
			}
		}
	}
	return nil
}

// icalMaxZoneYears bounds the years a VTIMEZONE covers.
const icalMaxZoneYears = 10

// vtimezone writes the VTIMEZONE of loc (RFC 5545, section 3.6.5): the
// observance in effect on January 1 of first's year, then one STANDARD or
// DAYLIGHT sub-component for each change of offset until the end of
// last's year (at most icalMaxZoneYears later). Explicit onsets rather
// than recurrence rules: they are exact for any zone Go knows.
func (l *icalLines) vtimezone(loc *time.Location, first, last time.Time) {
	start := time.Date(first.In(loc).Year(), 1, 1, 0, 0, 0, 0, loc)
	endYear := min(last.In(loc).Year(), start.Year()+icalMaxZoneYears)
	limit := time.Date(endYear+1, 1, 1, 0, 0, 0, 0, loc)
	l.prop("BEGIN", "VTIMEZONE")
	l.prop("TZID", escapeText(tzid(loc)))
	onset, next := start.ZoneBounds()
	l.observance(loc, onset, start)
	// A zone changes its offset a few times a year at most; the bound
	// only guards against a zone database gone wrong.
	for n := 0; !next.IsZero() && next.Before(limit) && n < 8*icalMaxZoneYears; n++ {
		onset = next
		_, next = onset.ZoneBounds()
		l.observance(loc, onset, onset)
	}
	l.prop("END", "VTIMEZONE")
}

// observance writes the STANDARD or DAYLIGHT sub-component of the offset
// of loc in effect at at, which began at onset (zero: it always was).
// DTSTART is the onset in the local time before it, as RFC 5545 asks.
func (l *icalLines) observance(loc *time.Location, onset, at time.Time) {
	at = at.In(loc)
	name, offset := at.Zone()
	from, dtstart := offset, "19700101T000000"
	if !onset.IsZero() {
		_, from = onset.Add(-time.Second).In(loc).Zone()
		dtstart = onset.In(time.FixedZone("", from)).Format("20060102T150405")
	}
	kind := "STANDARD"
	if at.IsDST() {
		kind = "DAYLIGHT"
	}
	l.prop("BEGIN", kind)
	l.prop("DTSTART", dtstart)
	l.prop("TZOFFSETFROM", utcOffset(from))
	l.prop("TZOFFSETTO", utcOffset(offset))
	if name != "" {
		l.prop("TZNAME", escapeText(name))
	}
	l.prop("END", kind)
}

// tzid names loc in a VTIMEZONE: its IANA name ("America/Toronto").
func tzid(loc *time.Location) string {
	if name := loc.String(); name != "" {
		return name
	}
	return "Etc/Unknown"
}

// utcOffset formats an offset east of UTC, in seconds, as a UTC-OFFSET
// value: "-0500", "+0530", with seconds only when there are some.
func utcOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	s := fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds/60%60)
	if seconds%60 != 0 {
		s += fmt.Sprintf("%02d", seconds%60)
	}
	return s
}

// icalUTC formats t as a UTC DATE-TIME ("20261202T233000Z").
func icalUTC(t time.Time) string {
	return t.UTC().Format("20060102T150405Z")
}

// escapeText escapes s as an iCalendar TEXT value: backslash, semicolon
// and comma get a backslash, and line breaks (CRLF, CR or LF) become \n.
// Invalid UTF-8 becomes U+FFFD and control characters other than tab
// are dropped, since RFC 5545 does not allow them in TEXT.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\ufffd")
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteByte(ch)
		default:
			if ch < 0x20 || ch == 0x7f {
				continue
			}
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// uriValue cleans a URI or CAL-ADDRESS value, which is written without
// TEXT escaping: invalid UTF-8, spaces at both ends and control
// characters (which could inject lines) are removed.
func uriValue(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// fold splits a content line (without its CRLF, valid UTF-8) into
// physical lines of at most 75 octets joined by CRLF and a space, as RFC
// 5545 section 3.1 requires. The leading space of a continuation line
// counts towards its 75 octets. A UTF-8 sequence is never split.
func fold(line string) string {
	if len(line) <= icalMaxLine {
		return line
	}
	var b strings.Builder
	b.Grow(len(line) + 3*len(line)/(icalMaxLine-1))
	limit := icalMaxLine // room on the current physical line
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = icalMaxLine - 1
	}
	b.WriteString(line)
	return b.String()
}

// icalLines writes content lines, remembering the first error.
type icalLines struct {
	w   *bufio.Writer
	err error
}

// prop writes the content line "name:value", folded, with its CRLF. name
// may carry parameters ("DTSTART;VALUE=DATE"); value must already be
// escaped for its type.
func (l *icalLines) prop(name, value string) {
	if l.err != nil {
		return
	}
	if _, err := l.w.WriteString(fold(name + ":" + value)); err != nil {
		l.err = err
		return
	}
	_, l.err = l.w.WriteString("\r\n")
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

// Write writes p to the underlying writer and adds the bytes written to
// the count.
func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return n, err
}
