package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/jobs/jobstest"
	"implique/internal/mail"
	"implique/internal/territory"
	"implique/internal/testkit"
)

const (
	// waitLimit bounds a wait for background work; a ceiling, never an
	// expectation: every wait ends as soon as its condition holds.
	waitLimit = 20 * time.Second
	// burstWaitLimit bounds the wait for the burst's 500 jobs (with -race).
	burstWaitLimit = 2 * time.Minute
)

// noteArgs is a test job that carries a note.
type noteArgs struct {
	Note string `json:"note"`
}

func (noteArgs) Kind() string { return "test_note" }

// noteWorker records the notes of the jobs it works.
type noteWorker struct {
	river.WorkerDefaults[noteArgs]
	mu    sync.Mutex
	notes []string
}

func (w *noteWorker) Work(ctx context.Context, job *river.Job[noteArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.notes = append(w.notes, job.Args.Note)
	return nil
}

func (w *noteWorker) seen() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.notes...)
}

func TestMigrateAllTwice(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// dbtest already ran MigrateAll once.
		for i := range 2 {
			if err := jobs.MigrateAll(ctx, d); err != nil {
				t.Fatalf("MigrateAll again (%d): %v", i+1, err)
			}
		}
		if err := jobs.Migrate(ctx, d); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
		tables, err := d.AppTables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"mail_outbox", "users", "territories", "volunteer_opportunities", "volunteer_hours", "tracked_links"} {
			if len(tables[name]) == 0 {
				t.Errorf("table %s missing after migrating three times", name)
			}
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM river_job`); n != 0 {
			t.Errorf("river_job has %d rows, want 0", n)
		}
		// The job tables still work.
		w := &noteWorker{}
		r := jobstest.New(t, d, jobs.Config{Register: func(ws *river.Workers) { river.AddWorker(ws, w) }})
		if err := d.InTx(ctx, func(tx *db.Tx) error { return r.Enqueue(ctx, tx, noteArgs{Note: "après migrations"}) }); err != nil {
			t.Fatal(err)
		}
		jobstest.WaitUntil(t, waitLimit, "the job to run", func() (bool, string) {
			s := w.seen()
			return len(s) == 1, fmt.Sprint(s)
		})
	})
}

func TestEnqueueInTx(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := &noteWorker{}
		r := jobstest.New(t, d, jobs.Config{Register: func(ws *river.Workers) { river.AddWorker(ws, w) }})

		t.Run("RolledBack", func(t *testing.T) {
			errAbandon := errors.New("abandon")
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if err := r.Enqueue(ctx, tx, noteArgs{Note: "annulée"}); err != nil {
					return err
				}
				return errAbandon
			})
			if !errors.Is(err, errAbandon) {
				t.Fatalf("InTx = %v, want the rollback error", err)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM river_job`); n != 0 {
				t.Errorf("%d river_job rows after rollback, want 0", n)
			}
		})

		t.Run("Committed", func(t *testing.T) {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if err := r.Enqueue(ctx, tx, noteArgs{Note: "validée"}); err != nil {
					return err
				}
				// Not visible outside the transaction before it commits.
				var n int
				if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM river_job`).Scan(&n); err != nil {
					return err
				}
				if n != 0 {
					return fmt.Errorf("%d river_job rows visible before commit", n)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("InTx: %v", err)
			}
			jobstest.WaitUntil(t, waitLimit, "the committed job to complete", func() (bool, string) {
				n := testkit.Count(t, d, `SELECT COUNT(*) FROM river_job WHERE kind = 'test_note' AND state = 'completed'`)
				return n == 1, fmt.Sprintf("%d completed, notes %q", n, w.seen())
			})
			if got := w.seen(); len(got) != 1 || got[0] != "validée" {
				t.Errorf("worker saw %q, want exactly [validée] (the rolled-back job never runs)", got)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM river_job`); n != 1 {
				t.Errorf("%d river_job rows, want 1", n)
			}
		})
	})
}

// TestBurst is the proof ENGINEERING.md asks for: while a runner works jobs
// that write to the database, a burst of concurrent sign-ups (each queuing an
// e-mail — outbox row and River job in one transaction, half of them in a
// transaction that reads first — and creating an account) gives no error, in
// particular no « database is locked ».
func TestBurst(t *testing.T) {
	const (
		goroutines = 20
		perG       = 25
		total      = goroutines * perG
	)
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		terr, err := territory.NewStore(d).Create(ctx, "t", territory.Settings{Name: "T"})
		if err != nil {
			t.Fatal(err)
		}
		from := "Implique <bonjour@implique.test>"
		r := jobstest.New(t, d, jobs.Config{Register: func(ws *river.Workers) {
			river.AddWorker(ws, mail.NewWorker(d, nil, from)) // nil sender: jobs write "kept"
		}})
		mailer := mail.NewMailer(d, r, from, nil)
		users := auth.NewStore(d, nil)

		// Jobs already in flight when the sign-ups start.
		for i := range 20 {
			if _, err := mailer.Queue(ctx, terr.ID, mail.Message{To: fmt.Sprintf("avant-%d@exemple.qc.ca", i),
				Subject: "Bienvenue à Bécancour", Text: "Bonjour!"}); err != nil {
				t.Fatalf("warm-up Queue: %v", err)
			}
		}

		start := time.Now()
		var (
			mu   sync.Mutex
			errs []error
			wg   sync.WaitGroup
		)
		for g := range goroutines {
			wg.Go(func() {
				for i := range perG {
					email := fmt.Sprintf("inscription-%02d-%02d@exemple.qc.ca", g, i)
					msg := mail.Message{To: email, Subject: "Confirmez votre inscription à l’événement",
						Text: "Bonjour, voici votre lien."}
					var qerr error
					if i%2 == 0 {
						_, qerr = mailer.Queue(ctx, terr.ID, msg)
					} else {
						// A transaction that reads before it writes: the case a
						// deferred SQLite transaction fails at once with
						// « database is locked » when another connection
						// (River's) wrote in between.
						qerr = d.InTx(ctx, func(tx *db.Tx) error {
							var already int
							if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE territory_id = ? AND to_addr = ?`,
								terr.ID, email).Scan(&already); err != nil {
								return err
							}
							if already > 0 {
								return fmt.Errorf("%d messages already queued", already)
							}
							_, err := mailer.QueueTx(ctx, tx, terr.ID, msg)
							return err
						})
					}
					_, uerr := users.CreateUser(ctx, auth.NewUser{Email: email, Name: "Inscrite " + email}, terr.ID, auth.RoleCitizen)
					if qerr != nil || uerr != nil {
						mu.Lock()
						if qerr != nil {
							errs = append(errs, fmt.Errorf("%s: Queue: %w", email, qerr))
						}
						if uerr != nil {
							errs = append(errs, fmt.Errorf("%s: CreateUser: %w", email, uerr))
						}
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		signUps := time.Since(start)

		locked := 0
		for _, e := range errs {
			s := e.Error()
			if strings.Contains(s, "database is locked") || strings.Contains(s, "SQLITE_BUSY") {
				locked++
			}
		}
		if len(errs) > 0 {
			shown := errs[:min(len(errs), 5)]
			t.Fatalf("%d sign-up errors (%d « database is locked » / SQLITE_BUSY), first ones: %v", len(errs), locked, shown)
		}

		const want = total + 20
		jobstest.WaitUntil(t, burstWaitLimit, "every outbox row to be kept and every job completed", func() (bool, string) {
			kept := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox WHERE status = ?`, mail.StatusKept)
			done := testkit.Count(t, d, `SELECT COUNT(*) FROM river_job WHERE kind = 'mail_send' AND state = 'completed'`)
			return kept == want && done == want, fmt.Sprintf("%d kept, %d jobs completed, of %d", kept, done, want)
		})
		all := time.Since(start)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`); n != want {
			t.Errorf("%d outbox rows, want %d", n, want)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM users`); n != total {
			t.Errorf("%d users, want %d", n, total)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM user_roles WHERE territory_id = ? AND role = ?`, terr.ID, string(auth.RoleCitizen)); n != total {
			t.Errorf("%d citizen roles, want %d", n, total)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM river_job WHERE state <> 'completed'`); n != 0 {
			t.Errorf("%d jobs not completed", n)
		}
		// Durations are reported, never asserted.
		t.Logf("%s: %d sign-ups in %v; all %d jobs worked after %v", d.Engine, total, signUps, want, all)
	})
}

// tickArgs is the periodic test job; Every names the schedule that queued it.
type tickArgs struct {
	Every string `json:"every"`
}

func (tickArgs) Kind() string { return "test_tick" }

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	mu    sync.Mutex
	ticks map[string]int
}

func (w *tickWorker) Work(ctx context.Context, job *river.Job[tickArgs]) error {
	w.mu.Lock()
	w.ticks[job.Args.Every]++
	w.mu.Unlock()
	return nil
}

func (w *tickWorker) runs() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]int{}
	for k, v := range w.ticks {
		out[k] = v
	}
	return out
}

func TestPeriodic(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := &tickWorker{ticks: map[string]int{}}
		jobstest.New(t, d, jobs.Config{
			Register: func(ws *river.Workers) { river.AddWorker(ws, w) },
			Periodic: []*river.PeriodicJob{
				// Only RunOnStart can run this one during the test.
				jobs.Every(time.Hour, func() river.JobArgs { return tickArgs{Every: "hour"} }),
				jobs.Every(time.Second, func() river.JobArgs { return tickArgs{Every: "second"} }),
			},
		})
		jobstest.WaitUntil(t, waitLimit, "the hourly job to run at start and the short one to run twice", func() (bool, string) {
			r := w.runs()
			return r["hour"] >= 1 && r["second"] >= 2, fmt.Sprint(r)
		})
		jobstest.WaitUntil(t, waitLimit, "their job rows to be completed", func() (bool, string) {
			n := testkit.Count(t, d, `SELECT COUNT(*) FROM river_job WHERE kind = 'test_tick' AND state = 'completed'`)
			return n >= 3, fmt.Sprintf("%d completed", n)
		})
		if n := w.runs()["hour"]; n != 1 {
			t.Errorf("hourly job ran %d times, want once (at start)", n)
		}
	})
}
