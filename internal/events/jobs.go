package events

import (
	"context"

	"github.com/riverqueue/river"
)

// RemindArgs is the periodic job that sends the reminders due.
type RemindArgs struct{}

// Kind names the job.
func (RemindArgs) Kind() string { return "event_reminders" }

// RemindWorker sends the reminders due; running it twice sends nothing twice.
type RemindWorker struct {
	river.WorkerDefaults[RemindArgs]
	store func() *Store
}

// NewRemindWorker returns the reminders worker. The store is given as a
// function because it is built after the job runner it queues e-mails on.
func NewRemindWorker(store func() *Store) *RemindWorker { return &RemindWorker{store: store} }

// Work sends what is due.
func (w *RemindWorker) Work(ctx context.Context, _ *river.Job[RemindArgs]) error {
	_, err := w.store().SendReminders(ctx)
	return err
}
