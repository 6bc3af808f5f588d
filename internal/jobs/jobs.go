// Package jobs runs background work (e-mails, reminders, clean-ups) on
// River, with its SQLite or PostgreSQL driver. Jobs live in the database, so
// several server processes on one PostgreSQL share them, and a job queued in
// a transaction exists only if that transaction commits.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"implique/internal/db"
)

func driver(d *db.DB) riverdriver.Driver[*sql.Tx] {
	if d.Engine == db.SQLite {
		return riversqlite.New(d.JobsPool())
	}
	return riverdatabasesql.New(d.JobsPool())
}

// Migrate creates or updates River's tables. Safe to run twice.
func Migrate(ctx context.Context, d *db.DB) error {
	m, err := rivermigrate.New(driver(d), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("job tables: %w", err)
	}
	return nil
}

// MigrateAll applies the application's migrations, then River's.
func MigrateAll(ctx context.Context, d *db.DB) error {
	if err := d.Migrate(ctx); err != nil {
		return err
	}
	return Migrate(ctx, d)
}

// Config says what a runner works on.
type Config struct {
	// Register adds the workers of every job kind.
	Register func(w *river.Workers)
	// Periodic jobs (clean-ups); run by one process at a time.
	Periodic []*river.PeriodicJob
	// Workers is how many jobs run at once (default 4).
	Workers int
	// PollInterval is how often the queue is looked at (default 1 s).
	PollInterval time.Duration
	Logger       *slog.Logger
}

// Runner queues and works jobs.
type Runner struct {
	client *river.Client[*sql.Tx]
}

// New returns a runner; call Start to work jobs.
func New(d *db.DB, cfg Config) (*Runner, error) {
	workers := river.NewWorkers()
	if cfg.Register != nil {
		cfg.Register(workers)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	client, err := river.NewClient(driver(d), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		PeriodicJobs:      cfg.Periodic,
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     cfg.PollInterval / 10,
		JobTimeout:        2 * time.Minute,
		Logger:            cfg.Logger,
		MaxAttempts:       8,
	})
	if err != nil {
		return nil, err
	}
	return &Runner{client: client}, nil
}

// Enqueue queues a job inside tx: it exists only if tx commits.
func (r *Runner) Enqueue(ctx context.Context, tx *db.Tx, args river.JobArgs) error {
	_, err := r.client.InsertTx(ctx, tx.SQL(), args, nil)
	return err
}

// Start works jobs until Stop.
func (r *Runner) Start(ctx context.Context) error { return r.client.Start(ctx) }

// Stop lets running jobs finish (within ctx) and stops.
func (r *Runner) Stop(ctx context.Context) error { return r.client.Stop(ctx) }

// Every returns a periodic job that queues args every interval, also once at start.
func Every(interval time.Duration, args func() river.JobArgs) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return args(), nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
