package kit

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParseDay reads a date as date inputs send it (2026-12-02).
func ParseDay(v string) (time.Time, bool) {
	d, err := time.Parse("2006-01-02", strings.TrimSpace(v))
	return d, err == nil
}

var clockRe = regexp.MustCompile(`^(\d{1,2})\s*(?:[:hH]\s*(\d{2})?(?::\d{2})?)?$`)

// ParseClock reads a time of day: « 18:30 » (what time inputs send),
// « 18 h 30 », « 18h », « 18 ».
func ParseClock(v string) (h, m int, ok bool) {
	g := clockRe.FindStringSubmatch(strings.TrimSpace(strings.ReplaceAll(v, "\u00a0", " ")))
	if g == nil {
		return 0, 0, false
	}
	h, _ = strconv.Atoi(g[1])
	if g[2] != "" {
		m, _ = strconv.Atoi(g[2])
	}
	return h, m, h < 24 && m < 60
}

// LocalAt is the moment of a day and a time of day in loc.
func LocalAt(day time.Time, h, m int, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
}
