package mail

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/db"
	"implique/internal/errs"
)

// Outbox states.
const (
	StatusQueued  = "queued"  // waiting for the job that sends it
	StatusSending = "sending" // claimed by one worker, which is talking to the SMTP server
	StatusSent    = "sent"    // handed to the SMTP server
	StatusKept    = "kept"    // no SMTP server configured: read it in the outbox
	StatusFailed  = "failed"  // the last attempt failed; River retries
)

// ClaimTimeout is how long a worker's claim on a message holds. A claim
// lasts one SMTP conversation (DefaultSMTPTimeout, and a job never runs
// longer than the runner's two-minute timeout), so a claim this old was left
// by a process that died while sending. Such a message is sent again: a
// crash then gives at-least-once delivery — the recipient may get the
// message twice if the process died after the SMTP server accepted it and
// before the outbox said so — rather than a sign-in link or a registration
// that silently never arrives and waits for an administrator who may never
// look. Two live workers never both send: the claim is taken atomically.
const ClaimTimeout = 10 * time.Minute

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
	ClaimedAt   *time.Time
	// Headers are the message's extra headers (List-Unsubscribe).
	Headers map[string]string
	// Secrets are the private parts the message still holds; empty once it
	// has left (they were scrubbed from it then).
	Secrets []string
}

// scrubbed stands where a secret was, in a message that has left.
const scrubbed = "\u27e6secret\u27e7"

// secretDelims end a link around a secret, in text, HTML and headers.
const secretDelims = " \t\r\n\"'<>"

// hideSecrets replaces each link that holds one of secrets — the run of
// characters around it up to a space, a quote or an angle bracket — by repl.
func hideSecrets(s string, secrets []string, repl string) string {
	for _, sec := range secrets {
		if sec == "" || strings.Contains(repl, sec) {
			continue
		}
		for {
			i := strings.Index(s, sec)
			if i < 0 {
				break
			}
			start := strings.LastIndexAny(s[:i], secretDelims) + 1
			end := i + len(sec)
			if j := strings.IndexAny(s[end:], secretDelims); j >= 0 {
				end += j
			} else {
				end = len(s)
			}
			s = s[:start] + repl + s[end:]
		}
	}
	return s
}

// Masked is the message as staff may read it: every link that holds a
// secret — still there, or scrubbed once the message left — reads [label].
func (it Item) Masked(label string) Item {
	repl := "[" + label + "]"
	hide := func(s string) string { return strings.ReplaceAll(hideSecrets(s, it.Secrets, scrubbed), scrubbed, repl) }
	it.Text, it.HTML = hide(it.Text), hide(it.HTML)
	if len(it.Headers) > 0 {
		h := make(map[string]string, len(it.Headers))
		for k, v := range it.Headers {
			h[k] = hide(v)
		}
		it.Headers = h
	}
	it.Secrets = nil
	return it
}

// scrub is the message without its secrets, as the outbox keeps it once
// the message has left (sent, kept, or refused for good).
func (it Item) scrub() (text, html, headers string) {
	text, html = hideSecrets(it.Text, it.Secrets, scrubbed), hideSecrets(it.HTML, it.Secrets, scrubbed)
	h := make(map[string]string, len(it.Headers))
	for k, v := range it.Headers {
		h[k] = hideSecrets(v, it.Secrets, scrubbed)
	}
	return text, html, encodeJSON(h)
}

func encodeJSON[T any](v T) string {
	b, _ := json.Marshal(v)
	if s := string(b); s != "null" && s != "{}" && s != "[]" {
		return s
	}
	return ""
}

// Store keeps the outbox: every e-mail Implique sends is written there first.
type Store struct{ db *db.DB }

// NewStore returns the outbox store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const itemCols = `id, COALESCE(territory_id, 0), to_addr, subject, body_text, body_html, status, attempts, last_error, created_at, sent_at,
	claimed_at, headers, secrets`

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var sent, claimed sql.NullTime
	var headers, secrets string
	err := row.Scan(&it.ID, &it.TerritoryID, &it.To, &it.Subject, &it.Text, &it.HTML, &it.Status, &it.Attempts,
		&it.LastError, &it.CreatedAt, &sent, &claimed, &headers, &secrets)
	if errors.Is(err, sql.ErrNoRows) {
		return it, errs.New(errs.NotFound, "errors.mail_not_found")
	}
	if err != nil {
		return it, err
	}
	if sent.Valid {
		it.SentAt = &sent.Time
	}
	if claimed.Valid {
		it.ClaimedAt = &claimed.Time
	}
	if headers != "" {
		if err := json.Unmarshal([]byte(headers), &it.Headers); err != nil {
			return it, fmt.Errorf("outbox message %d: headers: %w", it.ID, err)
		}
	}
	if secrets != "" {
		if err := json.Unmarshal([]byte(secrets), &it.Secrets); err != nil {
			return it, fmt.Errorf("outbox message %d: secrets: %w", it.ID, err)
		}
	}
	return it, nil
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
	now   func() time.Time
}

// NewMailer returns a mailer on the clock now (nil: the wall clock); from
// is the sender of every message.
func NewMailer(d *db.DB, jobs Enqueuer, from string, now func() time.Time) *Mailer {
	return &Mailer{store: NewStore(d), jobs: jobs, from: from, now: db.Clock(now)}
}

// QueueTx writes msg to the outbox and queues its sending, inside tx. A
// message over its Limit is not queued: the id is then 0 and the error nil,
// so that the caller's answer does not change.
func (m *Mailer) QueueTx(ctx context.Context, tx *db.Tx, territoryID int64, msg Message) (int64, error) {
	if msg.From == "" {
		msg.From = m.from
	}
	if err := msg.Validate(); err != nil {
		return 0, err
	}
	if msg.Limit.Key != "" {
		ok, err := m.Reserve(ctx, tx, territoryID, msg.Limit)
		if err != nil || !ok {
			return 0, err
		}
	}
	// Only the secrets the message holds are kept, to be masked and scrubbed.
	var secrets []string
	for _, sec := range msg.Secrets {
		if strings.Contains(msg.Text, sec) || strings.Contains(msg.HTML, sec) || headersHold(msg.Headers, sec) {
			secrets = append(secrets, sec)
		}
	}
	id, err := tx.InsertID(ctx, `INSERT INTO mail_outbox (territory_id, to_addr, subject, body_text, body_html, headers, secrets, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, msg.To, msg.Subject, msg.Text, msg.HTML,
		encodeJSON(msg.Headers), encodeJSON(secrets), StatusQueued, m.now())
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

func headersHold(h map[string]string, sec string) bool {
	for _, v := range h {
		if strings.Contains(v, sec) {
			return true
		}
	}
	return false
}

// Queue writes m to the outbox and queues its sending (id 0: held back by its Limit).
func (m *Mailer) Queue(ctx context.Context, territoryID int64, msg Message) (int64, error) {
	var id int64
	err := m.store.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = m.QueueTx(ctx, tx, territoryID, msg)
		return err
	})
	return id, err
}

// Reserve counts one message against lim inside tx and reports whether it
// may go out: false once lim.Max messages with its key were counted within
// lim.Per. The count is part of tx (a rolled-back sign-up counts nothing),
// and the upsert takes the row's lock, so that two requests at once cannot
// both slip under the limit. A flow that must decide before it writes
// anything else (a new invitation replaces the last one) calls Reserve, then
// queues its message without a Limit. A nil Mailer (a store that sends no
// e-mail) allows everything.
func (m *Mailer) Reserve(ctx context.Context, tx *db.Tx, territoryID int64, lim Limit) (bool, error) {
	if m == nil || lim.Key == "" {
		return true, nil
	}
	if lim.Max < 1 || lim.Per <= 0 {
		return false, invalid("limit %q needs a maximum and a window", lim.Key)
	}
	sum := sha256.Sum256([]byte(lim.Key))
	now := m.now()
	var sent int
	err := tx.QueryRow(ctx, `INSERT INTO mail_limits (territory_id, key_hash, window_end, sent) VALUES (?, ?, ?, 1)
		ON CONFLICT (territory_id, key_hash) DO UPDATE SET
		sent = CASE WHEN mail_limits.window_end <= ? THEN 1 ELSE mail_limits.sent + 1 END,
		window_end = CASE WHEN mail_limits.window_end <= ? THEN ? ELSE mail_limits.window_end END
		RETURNING sent`, territoryID, hex.EncodeToString(sum[:]), now.Add(lim.Per), now, now, now.Add(lim.Per)).Scan(&sent)
	if err != nil {
		return false, err
	}
	return sent <= lim.Max, nil
}

// PurgeLimits forgets the limits whose window has ended.
func (s *Store) PurgeLimits(ctx context.Context) (int64, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM mail_limits WHERE window_end < ?`, db.Now())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// PurgeArgs is the periodic clean-up of ended mail limits.
type PurgeArgs struct{}

// Kind names the job.
func (PurgeArgs) Kind() string { return "mail_purge" }

// PurgeWorker runs the clean-up.
type PurgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	store *Store
}

// NewPurgeWorker returns the clean-up worker.
func NewPurgeWorker(d *db.DB) *PurgeWorker { return &PurgeWorker{store: NewStore(d)} }

// Work deletes the ended limits; running it twice is harmless.
func (w *PurgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	_, err := w.store.PurgeLimits(ctx)
	return err
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

// Work sends one message, once: it claims the message (an atomic update
// that only one worker can win), sends it, then marks it sent and scrubs its
// secrets. A job that finds the message claimed by another worker waits
// until that claim is done or stale (see ClaimTimeout).
func (w *Worker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	d := w.store.db
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
	text, html, headers := it.scrub()
	if w.sender == nil {
		// Kept for an administrator to read; its secrets serve no one there.
		now := db.Now()
		_, err := d.Exec(ctx, `UPDATE mail_outbox SET status = ?, body_text = ?, body_html = ?, headers = ?, secrets = '', claimed_at = NULL
			WHERE id = ? AND (status IN (?, ?) OR (status = ? AND claimed_at < ?))`, StatusKept, text, html, headers, it.ID,
			StatusQueued, StatusFailed, StatusSending, now.Add(-ClaimTimeout))
		return err
	}
	now := db.Now()
	res, err := d.Exec(ctx, `UPDATE mail_outbox SET status = ?, claimed_at = ?
		WHERE id = ? AND (status IN (?, ?) OR (status = ? AND claimed_at < ?))`,
		StatusSending, now, it.ID, StatusQueued, StatusFailed, StatusSending, now.Add(-ClaimTimeout))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return w.claimedElsewhere(ctx, it.ID, now)
	}
	atts, err := w.store.Attachments(ctx, it.ID)
	if err != nil {
		return errors.Join(err, w.release(ctx, it.ID))
	}
	sendErr := w.sender.Send(ctx, Message{From: w.from, To: it.To, Subject: it.Subject, Text: it.Text, HTML: it.HTML,
		Headers: it.Headers, Attachments: atts})
	if sendErr != nil {
		msg := sendErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		permanent := IsPermanent(sendErr)
		q := `UPDATE mail_outbox SET status = ?, attempts = attempts + 1, last_error = ?, claimed_at = NULL WHERE id = ? AND status = ?`
		args := []any{StatusFailed, msg, it.ID, StatusSending}
		if permanent {
			// Never to be sent: its secrets go now.
			q = `UPDATE mail_outbox SET status = ?, attempts = attempts + 1, last_error = ?, claimed_at = NULL,
				body_text = ?, body_html = ?, headers = ?, secrets = '' WHERE id = ? AND status = ?`
			args = []any{StatusFailed, msg, text, html, headers, it.ID, StatusSending}
		}
		if _, err := d.Exec(ctx, q, args...); err != nil {
			return errors.Join(redact(it.ID, sendErr), err)
		}
		// The server's words may hold the address: they stay in the outbox,
		// which only administrators read; River's logs get a code.
		if permanent {
			return river.JobCancel(redact(it.ID, sendErr))
		}
		return redact(it.ID, sendErr)
	}
	// Sent: whatever happens next, this message is not sent again.
	_, err = d.Exec(context.WithoutCancel(ctx), `UPDATE mail_outbox SET status = ?, attempts = attempts + 1, last_error = '', sent_at = ?,
		claimed_at = NULL, body_text = ?, body_html = ?, headers = ?, secrets = '' WHERE id = ? AND status = ?`,
		StatusSent, db.Now(), text, html, headers, it.ID, StatusSending)
	return err
}

// claimedElsewhere is the answer of a job that lost the claim: nothing to do
// when the message has left; otherwise look again once the other worker's
// claim is done or stale.
func (w *Worker) claimedElsewhere(ctx context.Context, id int64, now time.Time) error {
	it, err := scanItem(w.store.db.QueryRow(ctx, `SELECT `+itemCols+` FROM mail_outbox WHERE id = ?`, id))
	if err != nil {
		return err
	}
	if it.Status != StatusSending || it.ClaimedAt == nil {
		return nil // sent, kept, or failed and retried by its own job
	}
	wait := it.ClaimedAt.Add(ClaimTimeout).Sub(now)
	if wait < time.Second {
		wait = time.Second
	}
	return river.JobSnooze(wait)
}

// release gives a claim back when the worker could not even try.
func (w *Worker) release(ctx context.Context, id int64) error {
	_, err := w.store.db.Exec(context.WithoutCancel(ctx), `UPDATE mail_outbox SET status = ?, claimed_at = NULL WHERE id = ? AND status = ?`,
		StatusFailed, id, StatusSending)
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
