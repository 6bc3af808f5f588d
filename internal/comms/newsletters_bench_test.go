package comms_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/mail/smtptest"
)

const newsBenchSubscribers = 20000

// BenchmarkNewsletterSend20000 sends one newsletter to 20 000 confirmed
// subscribers (SQLite, a local SMTP test server, no pause between
// messages), and, as the baseline of the same run, 20 000 bare messages
// through the same SMTP sender: the ratio of the two is the cost of the
// newsletter's bookkeeping (claim, render, mark) over the delivery itself.
//
//	go test ./internal/comms -run '^$' -bench BenchmarkNewsletterSend20000 -benchtime 1x
func BenchmarkNewsletterSend20000(b *testing.B) {
	b.Run("baseline-bare-messages", func(b *testing.B) {
		srv := smtptest.Start(b)
		cfg, err := mail.ParseSMTPURL(srv.URL())
		if err != nil {
			b.Fatal(err)
		}
		sender := mail.NewSMTPSender(cfg)
		ctx := context.Background()
		b.ResetTimer()
		start := time.Now()
		for range b.N {
			for i := range newsBenchSubscribers {
				if err := sender.Send(ctx, mail.Message{From: "Implique <ne-pas-repondre@exemple.org>", To: fmt.Sprintf("a%05d@exemple.org", i),
					Subject: "Nouvelles", Text: "Bonjour", HTML: "<p>Bonjour</p>"}); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(newsBenchSubscribers*b.N)/time.Since(start).Seconds(), "msgs/s")
	})
	b.Run("newsletter", func(b *testing.B) {
		srv := smtptest.Start(b)
		d := dbtest.SQLite(b, jobs.MigrateAll)
		f := newsApp(b, d, srv.URL())
		l := f.list(b, "Générale")
		newsBenchSeed(b, f, l.ID)
		b.ResetTimer()
		start := time.Now()
		for n := range b.N {
			nl, err := f.s.CreateNewsletter(f.ctx, f.t.ID, 0, comms.NewsletterInput{Subject: "Nouvelles " + strconv.Itoa(n),
				Body: "## Bonjour\n\nLe **souper** approche.", ListID: strconv.FormatInt(l.ID, 10)})
			if err != nil {
				b.Fatal(err)
			}
			if err := f.s.SendNewsletterNow(f.ctx, f.t.ID, nl.ID); err != nil {
				b.Fatal(err)
			}
			for more := true; more; {
				if _, more, err = f.s.SendNewsletterBatch(f.ctx, nl.ID, comms.NewsPace{Batch: 500}); err != nil {
					b.Fatal(err)
				}
			}
			got, err := f.s.Newsletter(f.ctx, f.t.ID, nl.ID)
			if err != nil || got.Sent != newsBenchSubscribers || got.Status != comms.NewsSent {
				b.Fatalf("sent %d (%s), %v", got.Sent, got.Status, err)
			}
		}
		b.ReportMetric(float64(newsBenchSubscribers*b.N)/time.Since(start).Seconds(), "msgs/s")
	})
}

// newsBenchSeed writes the confirmed subscribers of a list directly.
func newsBenchSeed(b *testing.B, f *newsFixture, listID int64) {
	b.Helper()
	now := f.clock.Now()
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		for i := range newsBenchSubscribers {
			id, err := tx.InsertID(f.ctx, `INSERT INTO comms_subscribers (territory_id, email, name, lang, nonce, token_hash, created_at)
				VALUES (?, ?, '', 'fr', ?, ?, ?) RETURNING id`, f.t.ID, fmt.Sprintf("a%05d@exemple.org", i), "nonce-"+strconv.Itoa(i),
				"hash-"+strconv.Itoa(i), now)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(f.ctx, `INSERT INTO comms_subscriptions (list_id, subscriber_id, status, basis, requested_at, confirmed_at)
				VALUES (?, ?, 'confirmed', 'express', ?, ?)`, listID, id, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
