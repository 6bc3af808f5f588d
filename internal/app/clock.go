package app

import (
	"sync"
	"time"
)

// Clock is the application's one clock. It tells the wall-clock time until
// it is set: tests and the demo's story stop it at the moment they need.
type Clock struct {
	mu sync.Mutex
	at time.Time // zero: the wall clock
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now()
}

func (c *Clock) now() time.Time {
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// Set stops the clock at t; the zero time lets it follow the wall clock
// again. It returns what the clock was set to before.
func (c *Clock) Set(t time.Time) (was time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	was, c.at = c.at, t
	return was
}

// Advance moves the clock d from its time now, and stops it there.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.now().Add(d)
}
