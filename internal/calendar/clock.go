package calendar

import (
	"regexp"
	"strconv"
	"strings"
)

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
