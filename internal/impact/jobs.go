package impact

import (
	"context"
	"database/sql"

	"github.com/riverqueue/river"

	"implique/internal/db"
)

// RefreshArgs is the periodic job that keeps the indicators' values.
type RefreshArgs struct{}

// Kind names the job.
func (RefreshArgs) Kind() string { return "impact_refresh" }

// RefreshWorker refreshes the computed indicators of every territory that
// follows some.
type RefreshWorker struct {
	river.WorkerDefaults[RefreshArgs]
	store func() *Store
}

// NewRefreshWorker returns the worker. The store is given as a function
// because it is built after the job runner.
func NewRefreshWorker(store func() *Store) *RefreshWorker { return &RefreshWorker{store: store} }

// Work refreshes each territory in turn.
func (w *RefreshWorker) Work(ctx context.Context, _ *river.Job[RefreshArgs]) error {
	s := w.store()
	var ids []int64
	err := db.Each(ctx, s.db, `SELECT DISTINCT territory_id FROM impact_indicators WHERE archived_at IS NULL AND source_key <> ''`, nil,
		func(rows *sql.Rows) error {
			var id int64
			err := rows.Scan(&id)
			ids = append(ids, id)
			return err
		})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.Refresh(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
