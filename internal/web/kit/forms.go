package kit

import (
	"strings"
	"time"
)

// ParseDay reads a date as date inputs send it (2026-12-02).
func ParseDay(v string) (time.Time, bool) {
	d, err := time.Parse("2006-01-02", strings.TrimSpace(v))
	return d, err == nil
}
