package app_test

import (
	"testing"
	"time"

	"implique/internal/app"
)

func TestClock(t *testing.T) {
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		move func(c *app.Clock)
		want time.Time // zero: the wall clock
	}{
		{"wall clock", func(*app.Clock) {}, time.Time{}},
		{"set", func(c *app.Clock) { c.Set(at) }, at},
		{"set then advanced", func(c *app.Clock) { c.Set(at); c.Advance(time.Hour) }, at.Add(time.Hour)},
		{"set back to the wall clock", func(c *app.Clock) { c.Set(at); c.Set(time.Time{}) }, time.Time{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var clock app.Clock
			before := time.Now()
			c.move(&clock)
			got := clock.Now()
			if c.want.IsZero() {
				if got.Before(before) || got.After(time.Now()) {
					t.Errorf("Now() = %v, want the wall clock", got)
				}
				return
			}
			if !got.Equal(c.want) {
				t.Errorf("Now() = %v, want %v", got, c.want)
			}
		})
	}
}

func TestClockAdvanceFromTheWallClock(t *testing.T) {
	var clock app.Clock
	before := time.Now()
	clock.Advance(25 * time.Hour)
	if got := clock.Now(); got.Before(before.Add(25*time.Hour)) || got.After(time.Now().Add(25*time.Hour)) {
		t.Errorf("Now() = %v, want 25 h after %v", got, before)
	}
}

func TestClockSetSaysWhatItWas(t *testing.T) {
	var clock app.Clock
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	if was := clock.Set(at); !was.IsZero() {
		t.Errorf("first Set returned %v, want the zero time", was)
	}
	if was := clock.Set(time.Time{}); !was.Equal(at) {
		t.Errorf("second Set returned %v, want %v", was, at)
	}
}
