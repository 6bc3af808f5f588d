package mail_test

import (
	"context"
	"errors"
	"fmt"
	"mime"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/app"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/jobs/jobstest"
	"implique/internal/mail"
	"implique/internal/mail/smtptest"
	"implique/internal/territory"
	"implique/internal/testkit"
)

const (
	// waitLimit bounds every wait for background work; it is a ceiling, not
	// an expectation: a wait ends as soon as its condition holds.
	waitLimit = 20 * time.Second
	// retryWaitLimit bounds the wait for a River retry, which comes after the
	// retry delay (about a second) plus up to one pass of River's scheduler
	// (every five seconds).
	retryWaitLimit = 60 * time.Second

	sender     = "Implique – MRC de Bécancour <bonjour@implique.test>"
	recipient  = "Élise Tremblay <elise.tremblay@exemple.qc.ca>"
	recipAddr  = "elise.tremblay@exemple.qc.ca"
	subjectFR  = "Rappel : souper communautaire à Bécancour — ça s’en vient, l’été!"
	bodyTextFR = "Bonjour Élise,\n\nLe souper a lieu jeudi à 18 h 30 à la salle municipale.\n\nÀ bientôt!"
)

func message() mail.Message {
	return mail.Message{To: recipient, Subject: subjectFR, Text: bodyTextFR}
}

// env is what an outbox test works with.
type env struct {
	d         *db.DB
	territory territory.Territory
	store     *mail.Store
	runner    *jobs.Runner
	mailer    *mail.Mailer
	clock     *app.Clock
}

// newEnv makes a territory, and a runner whose mail worker uses snd (nil:
// keep messages in the outbox). The runner is started only when start is
// true; it is stopped when the test ends.
func newEnv(t *testing.T, d *db.DB, snd mail.Sender, start bool) *env {
	t.Helper()
	ctx := context.Background()
	terr, err := territory.NewStore(d).Create(ctx, "t", territory.Settings{Name: "T"})
	if err != nil {
		t.Fatalf("creating territory: %v", err)
	}
	r, err := jobs.New(d, jobs.Config{
		PollInterval: 50 * time.Millisecond,
		Register: func(w *river.Workers) {
			river.AddWorker(w, mail.NewWorker(d, snd, sender))
		},
	})
	if err != nil {
		t.Fatalf("jobs.New: %v", err)
	}
	if start {
		jobstest.Start(t, r)
	}
	clock := &app.Clock{}
	return &env{d: d, territory: terr, store: mail.NewStore(d), runner: r, mailer: mail.NewMailer(d, r, sender, clock.Now), clock: clock}
}

// smtpSender starts a real SMTP server and returns it with a sender to it.
func smtpSender(t *testing.T) (*smtptest.Server, mail.Sender) {
	t.Helper()
	srv := smtptest.Start(t)
	cfg, err := mail.ParseSMTPURL(srv.URL())
	if err != nil {
		t.Fatalf("ParseSMTPURL(%q): %v", srv.URL(), err)
	}
	cfg.Timeout = 10 * time.Second
	return srv, mail.NewSMTPSender(cfg)
}

// jobRow is what the tests read of a river_job row.
type jobRow struct {
	ID       int64
	Kind     string
	State    string
	Attempt  int
	OutboxID int64
	Errors   string // River's recorded errors, as JSON text ("" when none)
}

// mailJobs returns the mail_send jobs, oldest first, reading River's table
// directly (the JSON columns are stored differently by the two engines).
func mailJobs(t *testing.T, d *db.DB) []jobRow {
	t.Helper()
	q := `SELECT id, kind, state, attempt, CAST(json_extract(args, '$.outbox_id') AS INTEGER),
		COALESCE(json(errors), '') FROM river_job WHERE kind = 'mail_send' ORDER BY id`
	if d.Engine == db.Postgres {
		q = `SELECT id, kind, state, attempt, (args->>'outbox_id')::bigint,
			COALESCE(CAST(errors AS TEXT), '') FROM river_job WHERE kind = 'mail_send' ORDER BY id`
	}
	rows, err := d.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("reading river_job: %v", err)
	}
	defer rows.Close()
	var out []jobRow
	for rows.Next() {
		var j jobRow
		if err := rows.Scan(&j.ID, &j.Kind, &j.State, &j.Attempt, &j.OutboxID, &j.Errors); err != nil {
			t.Fatalf("scanning river_job: %v", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading river_job: %v", err)
	}
	return out
}

// waitItem waits until the outbox row id satisfies cond and returns it.
func (e *env) waitItem(t *testing.T, id int64, limit time.Duration, what string, cond func(mail.Item) bool) mail.Item {
	t.Helper()
	var it mail.Item
	jobstest.WaitUntil(t, limit, what, func() (bool, string) {
		var err error
		it, err = e.store.Get(context.Background(), e.territory.ID, id)
		if err != nil {
			return false, err.Error()
		}
		return cond(it), fmt.Sprintf("status=%q attempts=%d last_error=%q sent_at=%v", it.Status, it.Attempts, it.LastError, it.SentAt)
	})
	return it
}

// waitJobs waits until the mail_send jobs satisfy cond and returns them.
func waitJobs(t *testing.T, d *db.DB, limit time.Duration, what string, cond func([]jobRow) bool) []jobRow {
	t.Helper()
	var js []jobRow
	jobstest.WaitUntil(t, limit, what, func() (bool, string) {
		js = mailJobs(t, d)
		return cond(js), fmt.Sprintf("%+v", js)
	})
	return js
}

func oneJobIn(state string) func([]jobRow) bool {
	return func(js []jobRow) bool { return len(js) == 1 && js[0].State == state }
}

func TestOutbox(t *testing.T) {
	t.Run("QueueWritesRowAndJob", func(t *testing.T) {
		dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			e := newEnv(t, d, nil, false) // not started: the job must stay queued
			other, err := territory.NewStore(d).Create(ctx, "autre", territory.Settings{Name: "Autre"})
			if err != nil {
				t.Fatal(err)
			}

			before := time.Now().Add(-time.Minute)
			id, err := e.mailer.Queue(ctx, e.territory.ID, message())
			if err != nil {
				t.Fatalf("Queue: %v", err)
			}
			if id <= 0 {
				t.Fatalf("Queue returned id %d", id)
			}

			it, err := e.store.Get(ctx, e.territory.ID, id)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if it.ID != id || it.TerritoryID != e.territory.ID || it.To != recipient || it.Subject != subjectFR ||
				it.Text != bodyTextFR || it.Status != mail.StatusQueued || it.Attempts != 0 || it.LastError != "" || it.SentAt != nil {
				t.Errorf("Get = %+v, want the queued message as written", it)
			}
			if it.CreatedAt.Before(before) || it.CreatedAt.After(time.Now().Add(time.Minute)) {
				t.Errorf("CreatedAt = %v, want about now", it.CreatedAt)
			}

			list, err := e.store.List(ctx, e.territory.ID, 10)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if len(list) != 1 || list[0].ID != id || list[0].Status != mail.StatusQueued {
				t.Errorf("List = %+v, want the one queued message", list)
			}

			js := mailJobs(t, d)
			if len(js) != 1 || js[0].Kind != "mail_send" || js[0].OutboxID != id || js[0].State != "available" {
				t.Errorf("river_job = %+v, want one available mail_send job for outbox %d", js, id)
			}

			// Another territory sees neither the message nor the list.
			if _, err := e.store.Get(ctx, other.ID, id); !errs.Is(err, errs.NotFound) {
				t.Errorf("Get from another territory: err = %v, want NotFound", err)
			}
			if l, err := e.store.List(ctx, other.ID, 10); err != nil || len(l) != 0 {
				t.Errorf("List of another territory = %+v, %v; want empty", l, err)
			}
			if _, err := e.store.Get(ctx, e.territory.ID, id+1000); !errs.Is(err, errs.NotFound) {
				t.Errorf("Get of an unknown id: err = %v, want NotFound", err)
			}
		})
	})

	t.Run("SendsOverSMTP", func(t *testing.T) {
		dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			srv, snd := smtpSender(t)
			e := newEnv(t, d, snd, true)

			id, err := e.mailer.Queue(ctx, e.territory.ID, message())
			if err != nil {
				t.Fatalf("Queue: %v", err)
			}
			msgs := srv.WaitFor(t, 1, waitLimit)
			if len(msgs) != 1 {
				t.Fatalf("server got %d messages, want 1", len(msgs))
			}
			m := msgs[0]
			if len(m.To) != 1 || m.To[0] != recipAddr {
				t.Errorf("envelope recipients = %q, want [%q]", m.To, recipAddr)
			}
			if m.From != "bonjour@implique.test" {
				t.Errorf("envelope sender = %q, want bonjour@implique.test", m.From)
			}
			if m.Parsed == nil {
				t.Fatalf("message does not parse:\n%s", m.Data)
			}
			to, err := netmail.ParseAddress(m.Parsed.Header.Get("To"))
			if err != nil || to.Address != recipAddr || to.Name != "Élise Tremblay" {
				t.Errorf("To header %q → %v, %v; want Élise Tremblay <%s>", m.Parsed.Header.Get("To"), to, err, recipAddr)
			}
			raw := m.Parsed.Header.Get("Subject")
			subj, err := new(mime.WordDecoder).DecodeHeader(raw)
			if err != nil || subj != subjectFR {
				t.Errorf("Subject header %q decodes to %q (%v), want %q", raw, subj, err, subjectFR)
			}

			it := e.waitItem(t, id, waitLimit, "the outbox row to be sent", func(it mail.Item) bool {
				return it.Status == mail.StatusSent
			})
			if it.SentAt == nil || it.SentAt.IsZero() {
				t.Errorf("SentAt = %v, want the time of sending", it.SentAt)
			} else if it.SentAt.Before(it.CreatedAt) {
				t.Errorf("SentAt %v is before CreatedAt %v", it.SentAt, it.CreatedAt)
			}
			if it.Attempts != 1 || it.LastError != "" {
				t.Errorf("attempts=%d last_error=%q, want 1 and empty", it.Attempts, it.LastError)
			}
			js := waitJobs(t, d, waitLimit, "the job to complete", oneJobIn("completed"))
			if js[0].Attempt != 1 {
				t.Errorf("job attempt = %d, want 1", js[0].Attempt)
			}
		})
	})

	t.Run("NoSenderKeepsInOutbox", func(t *testing.T) {
		dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			e := newEnv(t, d, nil, true)

			id, err := e.mailer.Queue(ctx, e.territory.ID, message())
			if err != nil {
				t.Fatalf("Queue: %v", err)
			}
			it := e.waitItem(t, id, waitLimit, "the outbox row to be kept", func(it mail.Item) bool {
				return it.Status == mail.StatusKept
			})
			if it.SentAt != nil || it.Attempts != 0 || it.LastError != "" {
				t.Errorf("kept row = %+v, want no sent_at, no attempt and no error", it)
			}
			if it.To != recipient || it.Subject != subjectFR || it.Text != bodyTextFR {
				t.Errorf("kept row = %+v, want the message readable as written", it)
			}
			waitJobs(t, d, waitLimit, "the job to complete", oneJobIn("completed"))
		})
	})

	t.Run("PermanentFailureCancels", func(t *testing.T) {
		dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			srv, snd := smtpSender(t)
			srv.FailNext(550)
			e := newEnv(t, d, snd, true)

			id, err := e.mailer.Queue(ctx, e.territory.ID, message())
			if err != nil {
				t.Fatalf("Queue: %v", err)
			}
			js := waitJobs(t, d, waitLimit, "the job to be cancelled", oneJobIn("cancelled"))
			if js[0].Attempt != 1 {
				t.Errorf("job attempt = %d, want 1 (a permanent failure is not retried)", js[0].Attempt)
			}
			if !strings.Contains(js[0].Errors, "550") {
				t.Errorf("job errors = %s, want the 550 reply", js[0].Errors)
			}
			it, err := e.store.Get(ctx, e.territory.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if it.Status != mail.StatusFailed || !strings.Contains(it.LastError, "550") || it.Attempts != 1 || it.SentAt != nil {
				t.Errorf("row = status %q attempts %d last_error %q sent_at %v; want failed, 1, the 550 reply, nil",
					it.Status, it.Attempts, it.LastError, it.SentAt)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server got %d messages, want none", n)
			}
		})
	})

	t.Run("TemporaryFailureRetries", func(t *testing.T) {
		dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			srv, snd := smtpSender(t)
			srv.FailNext(451) // only the first RCPT fails
			e := newEnv(t, d, snd, true)

			id, err := e.mailer.Queue(ctx, e.territory.ID, message())
			if err != nil {
				t.Fatalf("Queue: %v", err)
			}
			// The retry succeeds; River keeps the first attempt's error.
			js := waitJobs(t, d, retryWaitLimit, "the job to be retried and complete", oneJobIn("completed"))
			if js[0].Attempt != 2 {
				t.Errorf("job attempt = %d, want 2 (one failure, one retry)", js[0].Attempt)
			}
			if !strings.Contains(js[0].Errors, "451") {
				t.Errorf("job errors = %s, want the first attempt's 451 reply", js[0].Errors)
			}
			it := e.waitItem(t, id, waitLimit, "the outbox row to be sent", func(it mail.Item) bool {
				return it.Status == mail.StatusSent
			})
			if it.Attempts != 2 || it.LastError != "" || it.SentAt == nil {
				t.Errorf("row = attempts %d last_error %q sent_at %v; want 2, empty, set", it.Attempts, it.LastError, it.SentAt)
			}
			if msgs := srv.Messages(); len(msgs) != 1 {
				t.Errorf("server got %d messages, want 1", len(msgs))
			}
		})
	})

	t.Run("RolledBackQueueTxLeavesNothing", func(t *testing.T) {
		dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			e := newEnv(t, d, nil, true)
			errAbandon := errors.New("inscription abandonnée")

			err := d.InTx(ctx, func(tx *db.Tx) error {
				id, err := e.mailer.QueueTx(ctx, tx, e.territory.ID, message())
				if err != nil {
					return fmt.Errorf("QueueTx: %w", err)
				}
				if id <= 0 {
					return fmt.Errorf("QueueTx returned id %d", id)
				}
				return errAbandon
			})
			if !errors.Is(err, errAbandon) {
				t.Fatalf("InTx = %v, want the rollback error", err)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`); n != 0 {
				t.Errorf("%d outbox rows after rollback, want 0", n)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM river_job`); n != 0 {
				t.Errorf("%d river_job rows after rollback, want 0", n)
			}

			// The same in a committed transaction gives one of each.
			var id int64
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				id, err = e.mailer.QueueTx(ctx, tx, e.territory.ID, message())
				return err
			}); err != nil {
				t.Fatalf("committed QueueTx: %v", err)
			}
			e.waitItem(t, id, waitLimit, "the committed message to be kept", func(it mail.Item) bool {
				return it.Status == mail.StatusKept
			})
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`); n != 1 {
				t.Errorf("%d outbox rows after commit, want 1", n)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM river_job`); n != 1 {
				t.Errorf("%d river_job rows after commit, want 1", n)
			}
		})
	})

	t.Run("InvalidMessageRefused", func(t *testing.T) {
		dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			e := newEnv(t, d, nil, false)
			cases := map[string]mail.Message{
				"empty To":               {To: "", Subject: subjectFR, Text: bodyTextFR},
				"To not an address":      {To: "élise chez exemple", Subject: subjectFR, Text: bodyTextFR},
				"header injection in To": {To: recipAddr + "\r\nBcc: victime@exemple.qc.ca", Subject: subjectFR, Text: bodyTextFR},
				"header injection in Subject": {To: recipient, Subject: "Bonjour\r\nBcc: victime@exemple.qc.ca",
					Text: bodyTextFR},
				"bare LF in Subject": {To: recipient, Subject: "Bonjour\nBcc: victime@exemple.qc.ca", Text: bodyTextFR},
				"empty Subject":      {To: recipient, Subject: " ", Text: bodyTextFR},
				"empty body":         {To: recipient, Subject: subjectFR, Text: ""},
			}
			for name, msg := range cases {
				id, err := e.mailer.Queue(ctx, e.territory.ID, msg)
				if !errors.Is(err, mail.ErrInvalidMessage) {
					t.Errorf("%s: Queue = %d, %v; want ErrInvalidMessage", name, id, err)
				}
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`); n != 0 {
				t.Errorf("%d outbox rows, want 0", n)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM river_job`); n != 0 {
				t.Errorf("%d river_job rows, want 0", n)
			}
		})
	})

	t.Run("WorkerIsIdempotent", func(t *testing.T) {
		dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			srv, snd := smtpSender(t)
			e := newEnv(t, d, snd, true)

			id, err := e.mailer.Queue(ctx, e.territory.ID, message())
			if err != nil {
				t.Fatalf("Queue: %v", err)
			}
			first := e.waitItem(t, id, waitLimit, "the outbox row to be sent", func(it mail.Item) bool {
				return it.Status == mail.StatusSent
			})
			waitJobs(t, d, waitLimit, "the first job to complete", oneJobIn("completed"))

			// The same message's job again, as a retry or a duplicate would.
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				return e.runner.Enqueue(ctx, tx, mail.SendArgs{OutboxID: id})
			}); err != nil {
				t.Fatalf("Enqueue: %v", err)
			}
			js := waitJobs(t, d, waitLimit, "the second job to complete", func(js []jobRow) bool {
				return len(js) == 2 && js[0].State == "completed" && js[1].State == "completed"
			})
			if js[1].OutboxID != id {
				t.Errorf("second job is for outbox %d, want %d", js[1].OutboxID, id)
			}
			if msgs := srv.Messages(); len(msgs) != 1 {
				t.Errorf("server got %d messages, want 1", len(msgs))
			}
			again, err := e.store.Get(ctx, e.territory.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if again.Status != mail.StatusSent || again.Attempts != 1 || again.SentAt == nil || !again.SentAt.Equal(*first.SentAt) {
				t.Errorf("row after second job = %+v, want it unchanged (sent once, attempts 1, sent_at %v)", again, first.SentAt)
			}
		})
	})
}
