package orgs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/errs"
)

// Accompaniment is coaching staff gave an organisation, a committee or a
// municipality: when, about what, with whom, what next and when to follow up.
type Accompaniment struct {
	ID          int64
	TerritoryID int64
	Org         OrgRef
	HappenedOn  calendar.Date
	Topic       string
	People      string
	Notes       string
	NextStep    string
	// FollowUpOn is the zero Date when no follow-up is planned.
	FollowUpOn     calendar.Date
	FollowUpDoneAt *time.Time
	CreatedBy      *int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Due reports whether the follow-up is planned, not done and on or before day.
func (a Accompaniment) Due(day calendar.Date) bool {
	return !a.FollowUpOn.IsZero() && a.FollowUpDoneAt == nil && !day.Before(a.FollowUpOn)
}

// AccompanimentInput is an entry as typed.
type AccompanimentInput struct {
	OrganizationID int64
	HappenedOn     string
	Topic          string
	People         string
	Notes          string
	NextStep       string
	FollowUpOn     string
}

// LogAccompaniment records coaching given to an organisation.
func (s *Store) LogAccompaniment(ctx context.Context, territoryID, userID int64, in AccompanimentInput) (Accompaniment, error) {
	in.Topic = clean(in.Topic)
	in.People = strings.TrimSpace(in.People)
	in.Notes = strings.TrimSpace(in.Notes)
	in.NextStep = strings.TrimSpace(in.NextStep)
	f := errs.Fields{}
	if in.OrganizationID == 0 {
		f.Add("organization", "errors.required")
	} else if _, err := s.Get(ctx, territoryID, in.OrganizationID); errs.Is(err, errs.NotFound) {
		f.Add("organization", "errors.org_not_found")
	} else if err != nil {
		return Accompaniment{}, err
	}
	dates := calendar.Happening(s.now())
	happened := dates.Parse(f, "happened_on", in.HappenedOn, true)
	switch {
	case in.Topic == "":
		f.Add("topic", "errors.required")
	case tooLong(in.Topic, 200):
		f.Add("topic", "errors.too_long")
	}
	for field, v := range map[string]string{"people": in.People, "next_step": in.NextStep} {
		if tooLong(v, 1000) {
			f.Add(field, "errors.too_long")
		}
	}
	if tooLong(in.Notes, 5000) {
		f.Add("notes", "errors.too_long")
	}
	follow := dates.Parse(f, "follow_up_on", in.FollowUpOn, false)
	if !follow.IsZero() && !happened.IsZero() && follow.Before(happened) {
		f.Add("follow_up_on", "errors.org_follow_up_order")
	}
	if err := f.Err(); err != nil {
		return Accompaniment{}, err
	}
	var by any
	if userID != 0 {
		by = userID
	}
	now := s.now()
	id, err := s.db.InsertID(ctx, `INSERT INTO organization_accompaniments (territory_id, organization_id, happened_on, topic, people,
		notes, next_step, follow_up_on, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		territoryID, in.OrganizationID, happened.String(), in.Topic, in.People, in.Notes, in.NextStep, follow, by, now, now)
	if err != nil {
		return Accompaniment{}, err
	}
	return s.AccompanimentEntry(ctx, territoryID, id)
}

// FollowUpDone marks an entry's follow-up as done (or not done again).
func (s *Store) FollowUpDone(ctx context.Context, territoryID, id int64, done bool) error {
	var at any
	if done {
		at = s.now()
	}
	res, err := s.db.Exec(ctx, `UPDATE organization_accompaniments SET follow_up_done_at = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		at, s.now(), territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.org_accompaniment_not_found")
	}
	return nil
}

const accCols = `a.id, a.territory_id, o.id, o.slug, o.name, o.kind, a.happened_on, a.topic, a.people, a.notes, a.next_step,
	a.follow_up_on, a.follow_up_done_at, a.created_by, a.created_at, a.updated_at`

const accFrom = ` FROM organization_accompaniments a JOIN organizations o ON o.id = a.organization_id `

func scanAccompaniment(row interface{ Scan(...any) error }) (Accompaniment, error) {
	var a Accompaniment
	var kind string
	var done sql.NullTime
	var by sql.NullInt64
	err := row.Scan(&a.ID, &a.TerritoryID, &a.Org.ID, &a.Org.Slug, &a.Org.Name, &kind, &a.HappenedOn, &a.Topic, &a.People, &a.Notes,
		&a.NextStep, &a.FollowUpOn, &done, &by, &a.CreatedAt, &a.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.New(errs.NotFound, "errors.org_accompaniment_not_found")
	}
	a.Org.Kind = Kind(kind)
	if done.Valid {
		a.FollowUpDoneAt = &done.Time
	}
	if by.Valid {
		a.CreatedBy = &by.Int64
	}
	return a, err
}

// AccompanimentEntry returns one entry of the log.
func (s *Store) AccompanimentEntry(ctx context.Context, territoryID, id int64) (Accompaniment, error) {
	return scanAccompaniment(s.db.QueryRow(ctx, `SELECT `+accCols+accFrom+`WHERE a.territory_id = ? AND a.id = ?`, territoryID, id))
}

// AccompanimentFilter narrows the log.
type AccompanimentFilter struct {
	OrganizationID int64
	// DueBy keeps the follow-ups not done and planned on or before this
	// day, soonest first; otherwise the log is newest first.
	DueBy calendar.Date
	Limit int
}

// Accompaniments lists the log.
func (s *Store) Accompaniments(ctx context.Context, territoryID int64, f AccompanimentFilter) ([]Accompaniment, error) {
	q := `SELECT ` + accCols + accFrom + `WHERE a.territory_id = ?`
	args := []any{territoryID}
	if f.OrganizationID != 0 {
		q += ` AND a.organization_id = ?`
		args = append(args, f.OrganizationID)
	}
	if !f.DueBy.IsZero() {
		q += ` AND a.follow_up_on IS NOT NULL AND a.follow_up_done_at IS NULL AND a.follow_up_on <= ? ORDER BY a.follow_up_on, a.id`
		args = append(args, f.DueBy.String())
	} else {
		q += ` ORDER BY a.happened_on DESC, a.id DESC`
	}
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Accompaniment
	for rows.Next() {
		a, err := scanAccompaniment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Today is the territory's calendar day now.
func (s *Store) Today(ctx context.Context, territoryID int64) (calendar.Date, error) {
	return s.today(ctx, territoryID)
}
