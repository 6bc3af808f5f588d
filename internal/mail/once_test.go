package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/testkit"
)

// work runs the sending worker on one message, as a River job would.
func work(ctx context.Context, w *mail.Worker, id int64) error {
	return w.Work(ctx, &river.Job[mail.SendArgs]{Args: mail.SendArgs{OutboxID: id}})
}

// snoozed reports whether err asks River to try the job again later.
func snoozed(err error) bool {
	var s *river.JobSnoozeError
	return errors.As(err, &s)
}

// TestTwoWorkersSendEachMessageOnce races two workers (two server processes,
// or a job and its duplicate) on the same messages against a real SMTP
// server: each message must arrive exactly once.
func TestTwoWorkersSendEachMessageOnce(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		srv, snd := smtpSender(t)
		e := newEnv(t, d, nil, false) // the jobs stay queued: the two workers below do the work
		const n = 20
		ids := make([]int64, n)
		for i := range ids {
			m := message()
			m.To = fmt.Sprintf("personne%02d@exemple.org", i)
			id, err := e.mailer.Queue(ctx, e.territory.ID, m)
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = id
		}
		workers := []*mail.Worker{mail.NewWorker(d, snd, sender), mail.NewWorker(d, snd, sender)}
		start := make(chan struct{})
		var wg sync.WaitGroup
		errc := make(chan error, 2*n)
		for _, id := range ids {
			for _, w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if err := work(ctx, w, id); err != nil && !snoozed(err) {
						errc <- err
					}
				}()
			}
		}
		close(start)
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Errorf("worker: %v", err)
		}
		got := map[string]int{}
		for _, m := range srv.Messages() {
			for _, to := range m.To {
				got[to]++
			}
		}
		for i := range ids {
			addr := fmt.Sprintf("personne%02d@exemple.org", i)
			if got[addr] != 1 {
				t.Errorf("%s received %d copies, want exactly 1", addr, got[addr])
			}
		}
		if len(srv.Messages()) != n {
			t.Errorf("the server received %d messages, want %d", len(srv.Messages()), n)
		}
		if sent := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox WHERE status = ? AND attempts = 1`, mail.StatusSent); sent != n {
			t.Errorf("%d messages marked sent once, want %d", sent, n)
		}
	})
}

// TestClaims: a fresh claim belongs to the worker sending the message; a
// claim left by a process that died is taken over after ClaimTimeout.
func TestClaims(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		srv, snd := smtpSender(t)
		e := newEnv(t, d, nil, false)
		w := mail.NewWorker(d, snd, sender)
		id, err := e.mailer.Queue(ctx, e.territory.ID, message())
		if err != nil {
			t.Fatal(err)
		}
		claim := func(ago time.Duration) {
			t.Helper()
			if _, err := d.Exec(ctx, `UPDATE mail_outbox SET status = ?, claimed_at = ? WHERE id = ?`,
				mail.StatusSending, db.Now().Add(-ago), id); err != nil {
				t.Fatal(err)
			}
		}

		claim(time.Minute) // another worker is talking to the SMTP server
		if err := work(ctx, w, id); !snoozed(err) {
			t.Fatalf("Work on a message claimed a minute ago = %v, want a snooze", err)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("a claimed message was sent again (%d)", n)
		}

		claim(mail.ClaimTimeout + time.Minute) // that worker died
		if err := work(ctx, w, id); err != nil {
			t.Fatalf("Work on a stale claim: %v", err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("a message whose worker died: %d sent, want 1", n)
		}
		it, err := e.store.Get(ctx, e.territory.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if it.Status != mail.StatusSent || it.ClaimedAt != nil {
			t.Errorf("after the retry: status %q claimed %v, want sent and no claim", it.Status, it.ClaimedAt)
		}
		if err := work(ctx, w, id); err != nil || len(srv.Messages()) != 1 {
			t.Errorf("a sent message went again: %v, %d", err, len(srv.Messages()))
		}
	})
}

// TestSecretsAreMaskedThenScrubbed: staff read a message with its private
// links masked; the SMTP server gets them; once sent, the outbox keeps none.
func TestSecretsAreMaskedThenScrubbed(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		srv, snd := smtpSender(t)
		e := newEnv(t, d, nil, false)
		tok := "Zq3xVb9_kLmN0pQr-StUvWxYz12345"
		link := "https://implique.exemple.org/inscription/" + tok
		unsub := "https://implique.exemple.org/s-impliquer/desabonnement/7." + tok
		m := message()
		m.Text = "Votre lien : " + link + "\nPour ne plus rien recevoir : " + unsub + "\nÀ bientôt."
		m.Headers = map[string]string{"List-Unsubscribe": "<" + unsub + ">"}
		m.Secrets = []string{tok, "absent-de-ce-message-0123456789"}
		id, err := e.mailer.Queue(ctx, e.territory.ID, m)
		if err != nil {
			t.Fatal(err)
		}
		it, err := e.store.Get(ctx, e.territory.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(it.Secrets) != 1 || it.Secrets[0] != tok {
			t.Errorf("secrets kept %q, want only the one in the message", it.Secrets)
		}
		shown := it.Masked("lien personnel masqué")
		want := "Votre lien : [lien personnel masqué]\nPour ne plus rien recevoir : [lien personnel masqué]\nÀ bientôt."
		if shown.Text != want || strings.Contains(shown.Headers["List-Unsubscribe"], tok) {
			t.Errorf("masked:\n%q\n%q\nwant\n%q", shown.Text, shown.Headers, want)
		}

		if err := work(ctx, mail.NewWorker(d, snd, sender), id); err != nil {
			t.Fatal(err)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 || !strings.Contains(string(msgs[0].Data), tok) ||
			msgs[0].Parsed.Header.Get("List-Unsubscribe") != "<"+unsub+">" {
			t.Fatalf("the recipient did not get the links and the header:\n%s", msgs[0].Data)
		}
		var text, headers, secrets string
		if err := d.QueryRow(ctx, `SELECT body_text, headers, secrets FROM mail_outbox WHERE id = ?`, id).Scan(&text, &headers, &secrets); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(text+headers+secrets, tok) {
			t.Errorf("the outbox still holds the secret once sent:\n%s\n%s\n%s", text, headers, secrets)
		}
		it, _ = e.store.Get(ctx, e.territory.ID, id)
		if got := it.Masked("lien personnel masqué").Text; got != want {
			t.Errorf("a sent message reads\n%q\nwant\n%q", got, want)
		}
	})
}

// TestLimit: « at most Max such messages in Per », counted inside the
// transaction that queues.
func TestLimit(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, nil, false)
		e.clock.Set(time.Now())
		once := message()
		once.Limit = mail.Limit{Key: "registration:42", Max: 1, Per: 24 * time.Hour}
		rows := func() int { return testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`) }

		// A rolled-back transaction counts nothing.
		errAbandon := errors.New("abandon")
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := e.mailer.QueueTx(ctx, tx, e.territory.ID, once); err != nil {
				return err
			}
			return errAbandon
		}); !errors.Is(err, errAbandon) {
			t.Fatal(err)
		}
		if id, err := e.mailer.Queue(ctx, e.territory.ID, once); err != nil || id == 0 {
			t.Fatalf("first message: %d, %v", id, err)
		}
		e.clock.Advance(23 * time.Hour)
		if id, err := e.mailer.Queue(ctx, e.territory.ID, once); err != nil || id != 0 {
			t.Fatalf("second message the same day: %d, %v; want 0 and no error", id, err)
		}
		other := once
		other.Limit.Key = "registration:43"
		if id, err := e.mailer.Queue(ctx, e.territory.ID, other); err != nil || id == 0 {
			t.Fatalf("another registration: %d, %v", id, err)
		}
		if rows() != 2 {
			t.Fatalf("%d outbox rows, want 2", rows())
		}
		e.clock.Advance(2 * time.Hour)
		if id, err := e.mailer.Queue(ctx, e.territory.ID, once); err != nil || id == 0 {
			t.Fatalf("the next day: %d, %v", id, err)
		}

		few := message()
		few.Limit = mail.Limit{Key: "magic-link:7", Max: 3, Per: time.Hour}
		for i := 0; i < 5; i++ {
			id, err := e.mailer.Queue(ctx, e.territory.ID, few)
			if err != nil || (id != 0) != (i < 3) {
				t.Errorf("sign-in link #%d: %d, %v", i+1, id, err)
			}
		}

		// Ended windows are forgotten.
		if n, err := e.store.PurgeLimits(ctx); err != nil || n != 0 {
			t.Errorf("PurgeLimits with every window open: %d, %v", n, err)
		}
		if _, err := d.Exec(ctx, `UPDATE mail_limits SET window_end = ?`, db.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n, err := e.store.PurgeLimits(ctx); err != nil || n != 3 {
			t.Errorf("PurgeLimits: %d, %v; want 3", n, err)
		}
	})
}
