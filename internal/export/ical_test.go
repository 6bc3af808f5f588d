package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// unfold undoes RFC 5545 folding: a CRLF followed by a space or a tab is
// removed.
func unfold(s string) string {
	s = strings.ReplaceAll(s, "\r\n ", "")
	return strings.ReplaceAll(s, "\r\n\t", "")
}

// unescapeText undoes TEXT escaping.
func unescapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// icalProp is one content line read back by parseICal.
type icalProp struct {
	name   string
	params string
	value  string
}

// parseICal is a tiny iCalendar reader for the tests: it checks the line
// rules (CRLF, at most 75 octets, valid UTF-8), unfolds, and splits each
// line into name, parameters and value. Components are returned as lists
// of properties, the VCALENDAR first, then each VEVENT.
func parseICal(t *testing.T, raw string) (cal []icalProp, events [][]icalProp) {
	t.Helper()
	if !strings.HasSuffix(raw, "\r\n") {
		t.Fatal("output does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if len(line) > icalMaxLine {
			t.Errorf("physical line %d has %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("physical line %d is not valid UTF-8: %q", i+1, line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("physical line %d has a bare CR or LF: %q", i+1, line)
		}
	}
	var cur *[]icalProp
	for _, line := range strings.Split(strings.TrimSuffix(unfold(raw), "\r\n"), "\r\n") {
		colon := strings.IndexByte(line, ':')
		if colon < 0 {
			t.Fatalf("line without colon: %q", line)
		}
		head, value := line[:colon], line[colon+1:]
		name, params, _ := strings.Cut(head, ";")
		p := icalProp{name: name, params: params, value: value}
		switch {
		case name == "BEGIN" && value == "VCALENDAR":
			cur = &cal
		case name == "BEGIN" && value == "VEVENT":
			events = append(events, nil)
			cur = &events[len(events)-1]
		case name == "END" && value == "VEVENT":
			cur = &cal
		case name == "END" && value == "VCALENDAR":
			cur = nil
		default:
			if cur == nil {
				t.Fatalf("property outside VCALENDAR: %q", line)
			}
			*cur = append(*cur, p)
		}
	}
	return cal, events
}

// get returns the value of the first property called name, and whether
// there is one.
func get(props []icalProp, name string) (string, bool) {
	for _, p := range props {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

func count(props []icalProp, name string) int {
	n := 0
	for _, p := range props {
		if p.name == name {
			n++
		}
	}
	return n
}

func TestCalendarParseBack(t *testing.T) {
	loc, err := time.LoadLocation("America/Toronto")
	if err != nil {
		loc = time.FixedZone("EST", -5*3600)
	}
	start := time.Date(2026, 12, 2, 18, 30, 0, 0, loc)
	description := "Souper citoyen ouvert à toutes et à tous; apportez vos idées, vos questions et votre appétit!\n" +
		"Thème : « Vivre ensemble à Sainte-Cécile-de-Lévrard ». Entrée libre, places limitées.\n" +
		"Chemin C:\\Documents\\Implique — Œuvre des Sœurs"
	cal := Calendar{
		Name:   "Soupers citoyens — MRC de Bécancour",
		Method: "PUBLISH",
		Events: []Event{
			{
				UID:          "souper-12@implique.example",
				Sequence:     2,
				Start:        start,
				End:          start.Add(2*time.Hour + 30*time.Minute),
				Summary:      "Souper citoyen, Sainte-Cécile-de-Lévrard",
				Description:  description,
				Location:     "Salle municipale, 200, rue Principale; Sainte-Cécile-de-Lévrard (Québec)",
				URL:          "https://implique.example/evenements/12?lang=fr",
				Status:       "confirmed",
				Organizer:    "benevolat@implique.example",
				Created:      time.Date(2026, 10, 1, 9, 0, 0, 0, loc),
				LastModified: time.Date(2026, 11, 15, 14, 5, 6, 0, loc),
				Categories:   []string{"Souper citoyen", "Bécancour, secteur Gentilly", ""},
				Geo:          &[2]float64{46.3406, -72.4336},
			},
			{
				UID:     "atelier-3@implique.example",
				Start:   time.Date(2027, 1, 9, 0, 0, 0, 0, loc),
				End:     time.Date(2027, 1, 11, 0, 0, 0, 0, loc),
				AllDay:  true,
				Summary: "Fin de semaine du bénévolat",
				Status:  "TENTATIVE",
			},
		},
	}
	var buf bytes.Buffer
	n, err := cal.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo returned %d, wrote %d bytes", n, buf.Len())
	}
	head, events := parseICal(t, buf.String())
	if len(events) != 2 {
		t.Fatalf("got %d events, want 2", len(events))
	}

	calendarWant := map[string]string{
		"VERSION":      "2.0",
		"PRODID":       "-//Implique//Implique//FR",
		"CALSCALE":     "GREGORIAN",
		"METHOD":       "PUBLISH",
		"X-WR-CALNAME": "Soupers citoyens — MRC de Bécancour",
	}
	for name, want := range calendarWant {
		t.Run("VCALENDAR/"+name, func(t *testing.T) {
			got, ok := get(head, name)
			if !ok {
				t.Fatalf("missing %s", name)
			}
			if got = unescapeText(got); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		})
	}

	eventWant := []map[string]string{{
		"UID":           "souper-12@implique.example",
		"SEQUENCE":      "2",
		"DTSTAMP":       "20261115T190506Z",
		"DTSTART":       "20261202T233000Z",
		"DTEND":         "20261203T020000Z",
		"SUMMARY":       "Souper citoyen, Sainte-Cécile-de-Lévrard",
		"DESCRIPTION":   description,
		"LOCATION":      "Salle municipale, 200, rue Principale; Sainte-Cécile-de-Lévrard (Québec)",
		"URL":           "https://implique.example/evenements/12?lang=fr",
		"STATUS":        "CONFIRMED",
		"ORGANIZER":     "mailto:benevolat@implique.example",
		"CREATED":       "20261001T130000Z",
		"LAST-MODIFIED": "20261115T190506Z",
		"GEO":           "46.3406;-72.4336",
	}, {
		"UID":      "atelier-3@implique.example",
		"SEQUENCE": "0",
		"DTSTART":  "20270109",
		"DTEND":    "20270111",
		"SUMMARY":  "Fin de semaine du bénévolat",
		"STATUS":   "TENTATIVE",
	}}
	raw := map[string]bool{"GEO": true, "DTSTART": true, "DTEND": true} // not TEXT
	for i, want := range eventWant {
		for name, w := range want {
			t.Run(want["UID"]+"/"+name, func(t *testing.T) {
				got, ok := get(events[i], name)
				if !ok {
					t.Fatalf("missing %s", name)
				}
				if !raw[name] {
					got = unescapeText(got)
				}
				if got != w {
					t.Errorf("%s = %q, want %q", name, got, w)
				}
				if count(events[i], name) != 1 {
					t.Errorf("%s appears %d times", name, count(events[i], name))
				}
			})
		}
	}

	t.Run("categories", func(t *testing.T) {
		got, _ := get(events[0], "CATEGORIES")
		if want := `Souper citoyen,Bécancour\, secteur Gentilly`; got != want {
			t.Errorf("CATEGORIES = %q, want %q", got, want)
		}
	})
	t.Run("all-day parameters", func(t *testing.T) {
		for _, p := range events[1] {
			if (p.name == "DTSTART" || p.name == "DTEND") && p.params != "VALUE=DATE" {
				t.Errorf("%s has parameters %q, want VALUE=DATE", p.name, p.params)
			}
		}
		if _, ok := get(events[1], "DTSTAMP"); !ok {
			t.Error("missing DTSTAMP")
		}
		for _, name := range []string{"DESCRIPTION", "LOCATION", "URL", "ORGANIZER", "GEO", "CATEGORIES", "CREATED", "LAST-MODIFIED"} {
			if _, ok := get(events[1], name); ok {
				t.Errorf("empty %s written", name)
			}
		}
	})
}

func TestFoldLongFrenchDescription(t *testing.T) {
	desc := strings.Repeat("Les bénévoles de l’Œuvre des Sœurs préparent un souper « citoyen » à Sainte-Cécile-de-Lévrard; ", 12)
	line := "DESCRIPTION:" + escapeText(desc)
	folded := fold(line)
	physical := strings.Split(folded, "\r\n")
	if len(physical) < 10 {
		t.Fatalf("only %d physical lines", len(physical))
	}
	for i, l := range physical {
		if len(l) > icalMaxLine {
			t.Errorf("line %d has %d octets", i, len(l))
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i, l)
		}
		if i > 0 && !strings.HasPrefix(l, " ") {
			t.Errorf("continuation line %d does not start with a space", i)
		}
	}
	if got := unfold(folded); got != line {
		t.Errorf("unfold(fold(line)) differs from line")
	}
	if got := unescapeText(strings.TrimPrefix(unfold(folded), "DESCRIPTION:")); got != desc {
		t.Errorf("description does not round-trip")
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // physical lines
	}{
		{"short", "SUMMARY:Souper", []string{"SUMMARY:Souper"}},
		{"exactly 75", strings.Repeat("a", 75), []string{strings.Repeat("a", 75)}},
		{"76", strings.Repeat("a", 76), []string{strings.Repeat("a", 75), " a"}},
		{"two-byte letter at the limit", strings.Repeat("a", 74) + "é", []string{strings.Repeat("a", 74), " é"}},
		{"four-byte rune at the limit", strings.Repeat("a", 73) + "😀b", []string{strings.Repeat("a", 73), " 😀b"}},
		{"continuations carry 74", strings.Repeat("a", 75+74+1), []string{strings.Repeat("a", 75), " " + strings.Repeat("a", 74), " a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Split(fold(tt.in), "\r\n")
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Souper citoyen", "Souper citoyen"},
		{"comma", "Bécancour, Québec", `Bécancour\, Québec`},
		{"semicolon", "a;b", `a\;b`},
		{"backslash", `C:\dossier`, `C:\\dossier`},
		{"LF", "un\ndeux", `un\ndeux`},
		{"CRLF", "un\r\ndeux", `un\ndeux`},
		{"CR", "un\rdeux", `un\ndeux`},
		{"colon and quotes kept", `Thème : « oui » "non"`, `Thème : « oui » "non"`},
		{"tab kept", "a\tb", "a\tb"},
		{"controls dropped", "a\x00b\x1bc\x7f", "abc"},
		{"invalid UTF-8", "caf\xe9", "caf\uFFFD"},
		{"already escaped looking", `\n`, `\\n`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := escapeText(tt.in); got != tt.want {
				t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCancelledEvent(t *testing.T) {
	start := time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC)
	modified := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		method string
		status string
	}{
		{"CANCEL message, status implied", "CANCEL", ""},
		{"CANCEL message, explicit status", "cancel", "CANCELLED"},
		{"feed with a cancelled event", "", "cancelled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := Calendar{Method: tt.method, Events: []Event{{
				UID: "souper-12@implique.example", Sequence: 3, Start: start, End: start.Add(2 * time.Hour),
				Summary: "Souper citoyen (annulé)", Status: tt.status, Organizer: "mailto:benevolat@implique.example",
				LastModified: modified,
			}}}
			var buf bytes.Buffer
			if _, err := cal.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			head, events := parseICal(t, buf.String())
			method, ok := get(head, "METHOD")
			if want := strings.ToUpper(tt.method); (want != "") != ok || method != want {
				t.Errorf("METHOD = %q (present %v), want %q", method, ok, want)
			}
			if got, _ := get(events[0], "STATUS"); got != "CANCELLED" {
				t.Errorf("STATUS = %q, want CANCELLED", got)
			}
			if got, _ := get(events[0], "SEQUENCE"); got != "3" {
				t.Errorf("SEQUENCE = %q, want 3", got)
			}
			if got, _ := get(events[0], "DTSTAMP"); got != "20261120T120000Z" {
				t.Errorf("DTSTAMP = %q", got)
			}
			if got, _ := get(events[0], "ORGANIZER"); got != "mailto:benevolat@implique.example" {
				t.Errorf("ORGANIZER = %q", got)
			}
		})
	}
}

func TestCalendarDetails(t *testing.T) {
	start := time.Date(2026, 12, 2, 18, 0, 0, 0, time.FixedZone("HNE", -5*3600))
	tests := []struct {
		name  string
		cal   Calendar
		check func(t *testing.T, head []icalProp, events [][]icalProp)
	}{
		{"empty feed", Calendar{}, func(t *testing.T, head []icalProp, events [][]icalProp) {
			if len(events) != 0 {
				t.Errorf("%d events", len(events))
			}
			for _, name := range []string{"METHOD", "X-WR-CALNAME"} {
				if _, ok := get(head, name); ok {
					t.Errorf("%s written for an empty value", name)
				}
			}
		}},
		{"no end, no stamp source", Calendar{Events: []Event{{UID: "a", Start: start}}}, func(t *testing.T, _ []icalProp, events [][]icalProp) {
			if _, ok := get(events[0], "DTEND"); ok {
				t.Error("DTEND written without End")
			}
			stamp, _ := get(events[0], "DTSTAMP")
			if _, err := time.Parse("20060102T150405Z", stamp); err != nil {
				t.Errorf("DTSTAMP %q: %v", stamp, err)
			}
		}},
		{"all-day without end is one day", Calendar{Events: []Event{{UID: "a", Start: start, AllDay: true}}}, func(t *testing.T, _ []icalProp, events [][]icalProp) {
			if s, _ := get(events[0], "DTSTART"); s != "20261202" {
				t.Errorf("DTSTART %q", s)
			}
			if e, _ := get(events[0], "DTEND"); e != "20261203" {
				t.Errorf("DTEND %q", e)
			}
		}},
		{"created used as stamp", Calendar{Events: []Event{{UID: "a", Start: start, Created: start.Add(-time.Hour)}}}, func(t *testing.T, _ []icalProp, events [][]icalProp) {
			if s, _ := get(events[0], "DTSTAMP"); s != "20261202T220000Z" {
				t.Errorf("DTSTAMP %q", s)
			}
		}},
		{"line injection in URI values", Calendar{Events: []Event{{UID: "a\r\nX-EVIL:1", Start: start, URL: "https://x.example/\r\nX-EVIL:2", Organizer: "a@b.example\nX-EVIL:3"}}}, func(t *testing.T, _ []icalProp, events [][]icalProp) {
			if count(events[0], "X-EVIL") != 0 {
				t.Errorf("injected property in %v", events[0])
			}
		}},
		{"uid escaped", Calendar{Events: []Event{{UID: "a,b;c", Start: start}}}, func(t *testing.T, _ []icalProp, events [][]icalProp) {
			if u, _ := get(events[0], "UID"); u != `a\,b\;c` {
				t.Errorf("UID %q", u)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := tt.cal.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			head, events := parseICal(t, buf.String())
			tt.check(t, head, events)
		})
	}
}

func TestCalendarInvalid(t *testing.T) {
	start := time.Date(2026, 12, 2, 23, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		cal  Calendar
	}{
		{"unknown method", Calendar{Method: "REPLY"}},
		{"no UID", Calendar{Events: []Event{{Start: start}}}},
		{"no start", Calendar{Events: []Event{{UID: "a"}}}},
		{"end before start", Calendar{Events: []Event{{UID: "a", Start: start, End: start.Add(-time.Minute)}}}},
		{"unknown status", Calendar{Events: []Event{{UID: "a", Start: start, Status: "POSTPONED"}}}},
		{"latitude out of range", Calendar{Events: []Event{{UID: "a", Start: start, Geo: &[2]float64{91, 0}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := tt.cal.WriteTo(&buf)
			if err == nil {
				t.Fatal("no error")
			}
			if n != 0 || buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

func TestCalendarWriteError(t *testing.T) {
	cal := Calendar{Events: []Event{{UID: "a", Start: time.Now(), Description: strings.Repeat("é", 10000)}}}
	w := &failWriter{n: 1000}
	n, err := cal.WriteTo(w)
	if !errors.Is(err, errWrite) {
		t.Errorf("got %v, want %v", err, errWrite)
	}
	if n != 1000 {
		t.Errorf("reported %d bytes written, want 1000", n)
	}
}

// FuzzFold checks, for any text, that escaping and folding give lines of
// at most 75 octets of valid UTF-8 that unfold and unescape back to the
// text (made valid, with line breaks as LF and controls removed).
func FuzzFold(f *testing.F) {
	for _, seed := range []string{
		"",
		"Souper citoyen",
		strings.Repeat("é", 100),
		strings.Repeat("a", 74) + "😀",
		"Thème ; « oui », non\\ \r\n ligne\rdeux\n",
		"caf\xe9 \x00\x1b\x7f\t",
		strings.Repeat("Œuvre des Sœurs, ", 20),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Folding alone, on a line with no line breaks.
		line := strings.ToValidUTF8(strings.NewReplacer("\r", "", "\n", "").Replace(s), "\uFFFD")
		checkFolded(t, line, fold(line))

		// Escaping then folding, as WriteTo does.
		escaped := "DESCRIPTION:" + escapeText(s)
		if strings.ContainsAny(escaped, "\r\n") {
			t.Fatalf("escaped text contains a line break: %q", escaped)
		}
		folded := fold(escaped)
		checkFolded(t, escaped, folded)
		want := strings.ToValidUTF8(s, "\uFFFD")
		want = strings.ReplaceAll(want, "\r\n", "\n")
		want = strings.ReplaceAll(want, "\r", "\n")
		want = strings.Map(func(r rune) rune {
			if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f {
				return -1
			}
			return r
		}, want)
		if got := unescapeText(strings.TrimPrefix(unfold(folded), "DESCRIPTION:")); got != want {
			t.Errorf("round trip: got %q, want %q", got, want)
		}
	})
}

func checkFolded(t *testing.T, line, folded string) {
	t.Helper()
	for i, l := range strings.Split(folded, "\r\n") {
		if len(l) > icalMaxLine {
			t.Errorf("physical line %d has %d octets", i, len(l))
		}
		if !utf8.ValidString(l) {
			t.Errorf("physical line %d is not valid UTF-8: %q", i, l)
		}
		if i > 0 && !strings.HasPrefix(l, " ") {
			t.Errorf("continuation line %d does not start with a space", i)
		}
	}
	if got := unfold(folded); got != line {
		t.Errorf("unfold(fold(%q)) = %q", line, got)
	}
}

// icalComp is a component read back by parseComponents: its properties
// and its sub-components.
type icalComp struct {
	name     string
	props    []icalProp
	children []*icalComp
}

// parseComponents reads raw into its tree of components, checking that
// every BEGIN has its END.
func parseComponents(t *testing.T, raw string) *icalComp {
	t.Helper()
	var stack []*icalComp
	var root *icalComp
	for _, line := range strings.Split(strings.TrimSuffix(unfold(raw), "\r\n"), "\r\n") {
		head, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("line without colon: %q", line)
		}
		name, params, _ := strings.Cut(head, ";")
		switch name {
		case "BEGIN":
			c := &icalComp{name: value}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.children = append(top.children, c)
			} else if root == nil {
				root = c
			} else {
				t.Fatalf("a second top-level component %s", value)
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].name != value {
				t.Fatalf("END:%s does not close the open component", value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				t.Fatalf("property outside any component: %q", line)
			}
			top := stack[len(stack)-1]
			top.props = append(top.props, icalProp{name: name, params: params, value: value})
		}
	}
	if root == nil || len(stack) != 0 {
		t.Fatal("unbalanced BEGIN and END")
	}
	return root
}

// checkVTimezone checks a VTIMEZONE against Go's time zone data: every
// observance has DTSTART, TZOFFSETFROM and TZOFFSETTO (RFC 5545, section
// 3.6.5), and its onset is a real change of offset of loc (or the one
// observance of a zone without changes).
func checkVTimezone(t *testing.T, tz *icalComp, loc *time.Location) {
	t.Helper()
	if id, _ := get(tz.props, "TZID"); id != loc.String() {
		t.Errorf("TZID %q, want %q", id, loc.String())
	}
	if len(tz.children) == 0 {
		t.Fatal("VTIMEZONE without STANDARD or DAYLIGHT")
	}
	parseOffset := func(s string) int {
		v, err := time.Parse("-0700", s)
		if err != nil {
			t.Fatalf("offset %q: %v", s, err)
		}
		_, off := v.Zone()
		return off
	}
	for _, o := range tz.children {
		if o.name != "STANDARD" && o.name != "DAYLIGHT" {
			t.Errorf("unexpected %s in VTIMEZONE", o.name)
			continue
		}
		start, _ := get(o.props, "DTSTART")
		from, ok1 := get(o.props, "TZOFFSETFROM")
		to, ok2 := get(o.props, "TZOFFSETTO")
		if !ok1 || !ok2 {
			t.Fatalf("%s lacks its offsets: %v", o.name, o.props)
		}
		local, err := time.Parse("20060102T150405", start)
		if err != nil {
			t.Fatalf("%s DTSTART %q: %v", o.name, start, err)
		}
		onset := local.Add(-time.Duration(parseOffset(from)) * time.Second)
		_, before := onset.Add(-time.Second).In(loc).Zone()
		_, after := onset.In(loc).Zone()
		if after != parseOffset(to) {
			t.Errorf("%s at %s: offset %d in Go, %s in the file", o.name, start, after, to)
		}
		if onset.Year() > 1970 && before != parseOffset(from) {
			t.Errorf("%s at %s: offset before %d in Go, %s in the file", o.name, start, before, from)
		}
		if dst := o.name == "DAYLIGHT"; dst != onset.In(loc).IsDST() {
			t.Errorf("%s at %s: daylight time is %v in Go", o.name, start, onset.In(loc).IsDST())
		}
	}
}

// TestCalendarWithoutEventsIsValid checks that a calendar without events
// (a place with nothing planned) still has a component, as RFC 5545
// requires: the VTIMEZONE of its zone, or of UTC when it has none.
func TestCalendarWithoutEventsIsValid(t *testing.T) {
	toronto, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		loc  *time.Location
		want *time.Location
	}{{"territory zone", toronto, toronto}, {"no zone", nil, time.UTC}} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			cal := Calendar{Name: "MRC de Bécancour — Bécancour", TimeZone: tt.loc}
			if _, err := cal.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			parseICal(t, buf.String()) // line rules
			root := parseComponents(t, buf.String())
			if root.name != "VCALENDAR" || len(root.children) == 0 {
				t.Fatalf("a %s with %d components", root.name, len(root.children))
			}
			for _, p := range []string{"X-WR-CALNAME", "NAME"} {
				if v, _ := get(root.props, p); v != "MRC de Bécancour — Bécancour" {
					t.Errorf("%s %q", p, v)
				}
			}
			tz := root.children[0]
			if tz.name != "VTIMEZONE" {
				t.Fatalf("component %s, want VTIMEZONE", tz.name)
			}
			checkVTimezone(t, tz, tt.want)
		})
	}
}

// TestVTimezone checks the zone's observances over the years of the
// events, against Go's zone data, for zones with and without daylight
// time.
func TestVTimezone(t *testing.T) {
	for _, name := range []string{"America/Toronto", "America/Regina", "Europe/Paris", "Australia/Sydney", "UTC"} {
		t.Run(name, func(t *testing.T) {
			loc, err := time.LoadLocation(name)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Date(2026, 10, 30, 18, 0, 0, 0, loc)
			cal := Calendar{TimeZone: loc, Events: []Event{
				{UID: "a", Start: start, End: start.Add(3 * time.Hour)},
				{UID: "b", Start: start.AddDate(1, 0, 0)},
			}}
			var buf bytes.Buffer
			if _, err := cal.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			root := parseComponents(t, buf.String())
			if len(root.children) != 3 || root.children[0].name != "VTIMEZONE" {
				t.Fatalf("components %v, want VTIMEZONE then two VEVENT", root.children)
			}
			if v, _ := get(root.props, "X-WR-TIMEZONE"); v != name {
				t.Errorf("X-WR-TIMEZONE %q", v)
			}
			tz := root.children[0]
			checkVTimezone(t, tz, loc)
			if name == "America/Toronto" {
				var got []string
				for _, o := range tz.children {
					s, _ := get(o.props, "DTSTART")
					got = append(got, o.name+" "+s)
				}
				want := []string{"STANDARD 20251102T020000", "DAYLIGHT 20260308T020000", "STANDARD 20261101T020000",
					"DAYLIGHT 20270314T020000", "STANDARD 20271107T020000"}
				if strings.Join(got, ", ") != strings.Join(want, ", ") {
					t.Errorf("observances %q, want %q", got, want)
				}
			}
		})
	}
}
