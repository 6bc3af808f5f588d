package survey

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/mail"
)

// Invitation is a private link to answer a wave once.
type Invitation struct {
	ID             int64
	WaveID         int64
	EventID        int64
	RegistrationID int64
	Label          string
	CreatedAt      time.Time
	// Used: the link was answered (once is all it takes). AnsweredAt is
	// when, kept only for an identified questionnaire: for an anonymous
	// one the time would find the response written at that moment.
	Used       bool
	AnsweredAt *time.Time
}

func scanInvitation(row interface{ Scan(...any) error }) (Invitation, error) {
	var in Invitation
	var ev, reg sql.NullInt64
	err := row.Scan(&in.ID, &in.WaveID, &ev, &reg, &in.Label, db.ScanTime(&in.CreatedAt), &in.Used, db.ScanNullTime(&in.AnsweredAt))
	if errors.Is(err, sql.ErrNoRows) {
		return in, errs.New(errs.NotFound, "errors.survey_link_not_found")
	}
	in.EventID, in.RegistrationID = ev.Int64, reg.Int64
	return in, err
}

const invCols = `id, wave_id, event_id, registration_id, label, created_at, used, answered_at`

func (s *Store) invitation(ctx context.Context, territoryID int64, tok string) (Invitation, error) {
	if tok == "" || len(tok) > 100 {
		return Invitation{}, errs.New(errs.NotFound, "errors.survey_link_not_found")
	}
	return scanInvitation(s.db.QueryRow(ctx, `SELECT `+invCols+` FROM survey_invitations WHERE territory_id = ? AND token_hash = ?`,
		territoryID, auth.HashToken(tok)))
}

// ByToken opens a private link: the invitation and its wave.
func (s *Store) ByToken(ctx context.Context, territoryID int64, tok string) (Invitation, Wave, error) {
	in, err := s.invitation(ctx, territoryID, tok)
	if err != nil {
		return in, Wave{}, err
	}
	w, err := s.Wave(ctx, territoryID, in.WaveID)
	return in, w, err
}

// newToken makes a nonce and the private link's token.
func (s *Store) newToken(ctx context.Context) (nonce, tok string, err error) {
	if err := s.links.Load(ctx); err != nil {
		return "", "", err
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	nonce = hex.EncodeToString(b)
	tok, err = s.links.Token(nonce)
	return nonce, tok, err
}

// AnswerURL is the address of a private link.
func (s *Store) AnswerURL(tok string) string { return s.baseURL + "/questionnaire/" + tok }

// CreateLink makes a private link staff hand out (by hand, by e-mail from
// their own mailbox); label tells them apart (« Comité des loisirs »).
func (s *Store) CreateLink(ctx context.Context, territoryID, waveID int64, label string) (string, error) {
	w, err := s.Wave(ctx, territoryID, waveID)
	if err != nil {
		return "", err
	}
	label = strings.TrimSpace(label)
	if utf8.RuneCountInString(label) > 120 {
		return "", errs.Fields{"label": "errors.too_long"}.Err()
	}
	nonce, tok, err := s.newToken(ctx)
	if err != nil {
		return "", err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO survey_invitations (territory_id, wave_id, label, nonce, token_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, territoryID, w.ID, label, nonce, auth.HashToken(tok), s.now())
	return tok, err
}

// Links lists the private links staff made for a wave, with their tokens.
func (s *Store) Links(ctx context.Context, territoryID, waveID int64) ([]Invitation, []string, error) {
	if err := s.links.Load(ctx); err != nil {
		return nil, nil, err
	}
	var out []Invitation
	var toks []string
	err := db.Each(ctx, s.db, `SELECT `+invCols+`, nonce FROM survey_invitations WHERE territory_id = ? AND wave_id = ?
		AND registration_id IS NULL ORDER BY id`, []any{territoryID, waveID}, func(rows *sql.Rows) error {
		var in Invitation
		var ev, reg sql.NullInt64
		var nonce string
		if err := rows.Scan(&in.ID, &in.WaveID, &ev, &reg, &in.Label, db.ScanTime(&in.CreatedAt), &in.Used,
			db.ScanNullTime(&in.AnsweredAt), &nonce); err != nil {
			return err
		}
		tok, err := s.links.Token(nonce)
		out, toks = append(out, in), append(toks, tok)
		return err
	})
	return out, toks, err
}

// Invited counts the invitations of a wave sent after an event, and how
// many were answered.
func (s *Store) Invited(ctx context.Context, territoryID, waveID, eventID int64) (sent, answered int, err error) {
	err = s.db.QueryRow(ctx, `SELECT COUNT(*), COUNT(CASE WHEN used THEN 1 END) FROM survey_invitations
		WHERE territory_id = ? AND wave_id = ? AND event_id = ? AND registration_id IS NOT NULL`, territoryID, waveID, eventID).
		Scan(&sent, &answered)
	return sent, answered, err
}

// InviteAttendees sends, once, a private link to each attendee of a held
// event who agreed to be contacted and gave an e-mail; never to the
// others. It returns how many e-mails were queued now.
func (s *Store) InviteAttendees(ctx context.Context, territoryID, waveID, eventID int64) (int, error) {
	w, err := s.Wave(ctx, territoryID, waveID)
	if err != nil {
		return 0, err
	}
	today, err := s.today(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	if !w.OpenOn(today) {
		return 0, errs.New(errs.Conflict, "errors.survey_closed")
	}
	ev, err := s.events.Get(ctx, territoryID, eventID)
	if err != nil {
		return 0, err
	}
	if ev.HeldAt == nil || ev.CancelledAt != nil {
		return 0, errs.New(errs.Conflict, "errors.survey_event_not_held")
	}
	q, err := s.Get(ctx, territoryID, w.QuestionnaireID)
	if err != nil {
		return 0, err
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	attendees, err := s.events.Attendees(ctx, territoryID, eventID)
	if err != nil {
		return 0, err
	}
	var reach []events.Registration
	for _, r := range attendees {
		if r.ConsentContact && r.Email != "" {
			reach = append(reach, r)
		}
	}
	if err := s.links.Load(ctx); err != nil {
		return 0, err
	}
	sent := 0
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		sent = 0
		for _, r := range reach {
			nonce, tok, err := s.newToken(ctx)
			if err != nil {
				return err
			}
			res, err := tx.Exec(ctx, `INSERT INTO survey_invitations (territory_id, wave_id, event_id, registration_id, nonce, token_hash, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (wave_id, registration_id) DO NOTHING`,
				territoryID, w.ID, ev.ID, r.ID, nonce, auth.HashToken(tok), s.now())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // invited before: once is enough
			}
			lang := r.Lang
			T := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
			url := s.AnswerURL(tok)
			text := T("mail.survey.body", r.Name, ev.Name(s.cat, lang, t.Location()), q.Published.Def.Title.In(lang), url) +
				"\n\n-- \n" + t.MailFooter()
			if _, err := s.mailer.QueueTx(ctx, tx, territoryID, mail.Message{To: r.Email, Subject: T("mail.survey.subject"),
				Text: text, Secrets: []string{tok}}); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}
