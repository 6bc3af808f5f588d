// Package jobstest helps tests that run background jobs: start a runner
// stopped at the end of the test, wait for a condition without fixed sleeps,
// count rows.
package jobstest

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/jobs"
)

// PollEvery is how often WaitUntil looks again.
const PollEvery = 20 * time.Millisecond

// Start starts r and stops it (within 20 s) when the test ends.
func Start(t testing.TB, r *jobs.Runner) {
	t.Helper()
	if err := r.Start(context.Background()); err != nil {
		t.Fatalf("starting the job runner: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("stopping the job runner: %v", err)
		}
	})
}

// New returns a started runner on d (polling every 50 ms unless cfg says otherwise).
func New(t testing.TB, d *db.DB, cfg jobs.Config) *jobs.Runner {
	t.Helper()
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 50 * time.Millisecond
	}
	r, err := jobs.New(d, cfg)
	if err != nil {
		t.Fatalf("jobs.New: %v", err)
	}
	Start(t, r)
	return r
}

// WaitUntil polls cond until it holds, failing the test with the last
// state it described after limit.
func WaitUntil(t testing.TB, limit time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; last state: %s", limit, what, state)
		}
		time.Sleep(PollEvery)
	}
}
