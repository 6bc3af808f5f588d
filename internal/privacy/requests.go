package privacy

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
)

// AnswerDays is how long the law gives to answer a request: 30 days.
const AnswerDays = 30

// RequestKind is what a person asks.
type RequestKind string

const (
	// AskCorrection: something wrong that the person cannot correct themself.
	AskCorrection RequestKind = "correction"
	// Question: a question or a complaint about their information.
	Question RequestKind = "question"
)

// Request is what a person asked the team, answered within 30 days.
type Request struct {
	ID          int64
	TerritoryID int64
	Kind        RequestKind
	// Email is the address that asked (verified by the link that opened
	// « Mes données »).
	Email    string
	Details  string
	Received time.Time
	Due      calendar.Date
	Answered *time.Time
	Answer   string
}

const maxRequest = 5000

// Ask records a request from the verified address email and returns it.
func (s *Store) Ask(ctx context.Context, territoryID int64, email string, kind RequestKind, details string) (Request, error) {
	details = strings.TrimSpace(details)
	f := errs.Fields{}
	if kind != AskCorrection && kind != Question {
		f.Add("kind", "errors.required")
	}
	switch {
	case details == "":
		f.Add("details", "errors.required")
	case utf8.RuneCountInString(details) > maxRequest:
		f.Add("details", "errors.too_long")
	}
	if err := f.Err(); err != nil {
		return Request{}, err
	}
	now := db.Time(s.now())
	r := Request{TerritoryID: territoryID, Kind: kind, Email: strings.ToLower(strings.TrimSpace(email)), Details: details,
		Received: now, Due: calendar.DateOf(now.In(s.zone(ctx, territoryID)).AddDate(0, 0, AnswerDays))}
	var err error
	r.ID, err = s.db.InsertID(ctx, `INSERT INTO privacy_requests (territory_id, kind, email, details, received_at, due_on)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, string(kind), r.Email, details, now, r.Due.String())
	return r, err
}

// Requests lists a territory's requests: the open ones first, by due date.
func (s *Store) Requests(ctx context.Context, territoryID int64) ([]Request, error) {
	return s.requests(ctx, `territory_id = ?`, territoryID)
}

func (s *Store) requests(ctx context.Context, where string, args ...any) ([]Request, error) {
	var out []Request
	err := db.Each(ctx, s.db, `SELECT id, territory_id, kind, email, details, received_at, due_on, answered_at, answer
		FROM privacy_requests WHERE `+where+` ORDER BY CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END, due_on, id`, args,
		func(r *sql.Rows) error {
			var q Request
			var kind string
			if err := r.Scan(&q.ID, &q.TerritoryID, &kind, &q.Email, &q.Details, db.ScanTime(&q.Received), &q.Due,
				db.ScanNullTime(&q.Answered), &q.Answer); err != nil {
				return err
			}
			q.Kind = RequestKind(kind)
			out = append(out, q)
			return nil
		})
	return out, err
}

// AnswerRequest records the answer given to a request.
func (s *Store) AnswerRequest(ctx context.Context, territoryID, id, userID int64, answer string) error {
	answer = strings.TrimSpace(answer)
	switch {
	case answer == "":
		return errs.Fields{"answer": "errors.required"}.Err()
	case utf8.RuneCountInString(answer) > maxRequest:
		return errs.Fields{"answer": "errors.too_long"}.Err()
	}
	res, err := s.db.Exec(ctx, `UPDATE privacy_requests SET answered_at = ?, answered_by = ?, answer = ?
		WHERE territory_id = ? AND id = ? AND answered_at IS NULL`, db.Time(s.now()), userID, answer, territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.not_found")
	}
	return nil
}
