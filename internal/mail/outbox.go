package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/textproto"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/db"
	"implique/internal/errs"
)

// Outbox states.
const (
	StatusQueued = "queued" // waiting for the job that sends it
	StatusSent   = "sent"   // handed to the SMTP server
	StatusKept   = "kept"   // no SMTP server configured: read it in the outbox
	StatusFailed = "failed" // the last attempt failed; River retries
)

// Item is one message of the outbox.
type Item struct {
	ID          int64
	TerritoryID int64
	To          string
	Subject     string
	Text        string
	HTML        string
	Status      string
	Attempts    int
	LastError   string
	CreatedAt   time.Time
	SentAt      *time.Time
}

// Store keeps the outbox: every e-mail Implique sends is written there first.
type Store struct{ db *db.DB }

// NewStore returns the outbox store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const itemCols = `id, COALESCE(territory_id, 0), to_addr, subject, body_text, body_html, status, attempts, last_error, created_at, sent_at`

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var sent sql.NullTime
	err := row.Scan(&it.ID, &it.TerritoryID, &it.To, &it.Subject, &it.Text, &it.HTML, &it.Status, &it.Attempts,
		&it.LastError, &it.CreatedAt, &sent)
	if errors.Is(err, sql.ErrNoRows) {
		return it, errs.New(errs.NotFound, "errors.mail_not_found")
	}
	if sent.Valid {
		it.SentAt = &sent.Time
	}
	return it, err
}

// List returns a territory's most recent messages, newest first.
func (s *Store) List(ctx context.Context, territoryID int64, limit int) ([]Item, error) {
	rows, err := s.db.Query(ctx, `SELECT `+itemCols+` FROM mail_outbox WHERE territory_id = ? ORDER BY id DESC LIMIT ?`, territoryID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Get returns one message of a territory.
func (s *Store) Get(ctx context.Context, territoryID, id int64) (Item, error) {
	return scanItem(s.db.QueryRow(ctx, `SELECT `+itemCols+` FROM mail_outbox WHERE territory_id = ? AND id = ?`, territoryID, id))
}

// Attachments returns the files attached to an outbox message.
func (s *Store) Attachments(ctx context.Context, outboxID int64) ([]Attachment, error) {
	rows, err := s.db.Query(ctx, `SELECT filename, content_type, data FROM mail_attachments WHERE outbox_id = ? ORDER BY id`, outboxID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.Filename, &a.ContentType, &a.Data); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Enqueuer queues a job inside a transaction (the jobs runner).
type Enqueuer interface {
	Enqueue(ctx context.Context, tx *db.Tx, args river.JobArgs) error
}

// Mailer queues e-mails: the message is written to the outbox and its
// sending job queued in the same transaction.
type Mailer struct {
	store *Store
	jobs  Enqueuer
	from  string
}

// NewMailer returns a mailer; from is the sender of every message.
func NewMailer(d *db.DB, jobs Enqueuer, from string) *Mailer {
	return &Mailer{store: NewStore(d), jobs: jobs, from: from}
}

// QueueTx writes m to the outbox and queues its sending, inside tx.
func (m *Mailer) QueueTx(ctx context.Context, tx *db.Tx, territoryID int64, msg Message) (int64, error) {
	if msg.From == "" {
		msg.From = m.from
	}
	if err := msg.Validate(); err != nil {
		return 0, err
	}
	id, err := tx.InsertID(ctx, `INSERT INTO mail_outbox (territory_id, to_addr, subject, body_text, body_html, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, msg.To, msg.Subject, msg.Text, msg.HTML, StatusQueued, db.Now())
	if err != nil {
		return 0, err
	}
	for _, a := range msg.Attachments {
		if _, err := tx.Exec(ctx, `INSERT INTO mail_attachments (outbox_id, filename, content_type, data) VALUES (?, ?, ?, ?)`,
			id, a.Filename, a.ContentType, a.Data); err != nil {
			return 0, err
		}
	}
	return id, m.jobs.Enqueue(ctx, tx, SendArgs{OutboxID: id})
}

// Queue writes m to the outbox and queues its sending.
func (m *Mailer) Queue(ctx context.Context, territoryID int64, msg Message) (int64, error) {
	var id int64
	err := m.store.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = m.QueueTx(ctx, tx, territoryID, msg)
		return err
	})
	return id, err
}

// SendArgs is the job that sends one outbox message.
type SendArgs struct {
	OutboxID int64 `json:"outbox_id"`
}

// Kind names the job.
func (SendArgs) Kind() string { return "mail_send" }

// Worker sends outbox messages. With no sender (no SMTP configured) it
// marks them as kept in the outbox, where an administrator reads them.
type Worker struct {
	river.WorkerDefaults[SendArgs]
	store  *Store
	sender Sender
	from   string
}

// NewWorker returns the sending worker; sender may be nil.
func NewWorker(d *db.DB, sender Sender, from string) *Worker {
	return &Worker{store: NewStore(d), sender: sender, from: from}
}

// Work sends one message; it is safe to run twice (a sent message is not sent again).
func (w *Worker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	d := w.store.db
	var it Item
	it, err := scanItem(d.QueryRow(ctx, `SELECT `+itemCols+` FROM mail_outbox WHERE id = ?`, job.Args.OutboxID))
	if errs.Is(err, errs.NotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if it.Status == StatusSent || it.Status == StatusKept {
		return nil
	}
	if w.sender == nil {
		_, err := d.Exec(ctx, `UPDATE mail_outbox SET status = ? WHERE id = ?`, StatusKept, it.ID)
		return err
	}
	atts, err := w.store.Attachments(ctx, it.ID)
	if err != nil {
		return err
	}
	sendErr := w.sender.Send(ctx, Message{From: w.from, To: it.To, Subject: it.Subject, Text: it.Text, HTML: it.HTML, Attachments: atts})
	if sendErr != nil {
		msg := sendErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		if _, err := d.Exec(ctx, `UPDATE mail_outbox SET status = ?, attempts = attempts + 1, last_error = ? WHERE id = ?`,
			StatusFailed, msg, it.ID); err != nil {
			return errors.Join(redact(it.ID, sendErr), err)
		}
		// The server's words may hold the address: they stay in the outbox,
		// which only administrators read; River's logs get a code.
		if IsPermanent(sendErr) {
			return river.JobCancel(redact(it.ID, sendErr))
		}
		return redact(it.ID, sendErr)
	}
	_, err = d.Exec(ctx, `UPDATE mail_outbox SET status = ?, attempts = attempts + 1, last_error = '', sent_at = ? WHERE id = ?`,
		StatusSent, db.Now(), it.ID)
	return err
}

// redact describes a sending failure without the SMTP server's text.
func redact(id int64, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) {
		return fmt.Errorf("outbox message %d: SMTP server answered %d", id, te.Code)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return fmt.Errorf("outbox message %d: %w", id, err)
	case errors.Is(err, ErrInvalidMessage):
		return fmt.Errorf("outbox message %d: %w", id, ErrInvalidMessage)
	}
	return fmt.Errorf("outbox message %d: delivery failed", id)
}
