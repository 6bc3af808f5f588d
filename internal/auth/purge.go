package auth

import (
	"context"

	"github.com/riverqueue/river"
)

// PurgeArgs is the periodic clean-up of expired sessions, tokens and rate-limit buckets.
type PurgeArgs struct{}

// Kind names the job.
func (PurgeArgs) Kind() string { return "auth_purge" }

// PurgeWorker runs the clean-up.
type PurgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	store *Store
}

// NewPurgeWorker returns the clean-up worker.
func NewPurgeWorker(s *Store) *PurgeWorker { return &PurgeWorker{store: s} }

// Work deletes what has expired; running it twice is harmless.
func (w *PurgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	_, err := w.store.Purge(ctx)
	return err
}
