package impact

import (
	"context"
	"database/sql"
	"strings"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
)

// MilestoneStatus is where a step of the program stands.
type MilestoneStatus string

const (
	Planned    MilestoneStatus = "planned"
	InProgress MilestoneStatus = "in_progress"
	Done       MilestoneStatus = "done"
)

// MilestoneStatuses lists the statuses in order.
var MilestoneStatuses = []MilestoneStatus{Planned, InProgress, Done}

// Valid reports whether m is a known status.
func (m MilestoneStatus) Valid() bool { return m == Planned || m == InProgress || m == Done }

// Milestone is a dated step of the program: done, it is part of its
// chronology; planned or under way, it is a next step.
type Milestone struct {
	ID, TerritoryID int64
	// On is when it happened or is expected (zero: not dated yet).
	On               calendar.Date
	TitleFR, TitleEN string
	Status           MilestoneStatus
	// Owner is who carries it (a team, a person's first name, a partner).
	Owner string
}

// Milestones returns the territory's milestones by date, undated last.
func (s *Store) Milestones(ctx context.Context, territoryID int64) ([]Milestone, error) {
	var out []Milestone
	err := db.Each(ctx, s.db, `SELECT id, on_date, title_fr, title_en, status, owner FROM impact_milestones
		WHERE territory_id = ? ORDER BY CASE WHEN on_date IS NULL THEN 1 ELSE 0 END, on_date, id`, []any{territoryID},
		func(rows *sql.Rows) error {
			m := Milestone{TerritoryID: territoryID}
			if err := rows.Scan(&m.ID, &m.On, &m.TitleFR, &m.TitleEN, &m.Status, &m.Owner); err != nil {
				return err
			}
			out = append(out, m)
			return nil
		})
	return out, err
}

// PutMilestone adds a milestone (ID 0) or changes one.
func (s *Store) PutMilestone(ctx context.Context, m Milestone) (int64, error) {
	f := errs.Fields{}
	m.TitleFR, m.TitleEN, m.Owner = strings.TrimSpace(m.TitleFR), strings.TrimSpace(m.TitleEN), strings.TrimSpace(m.Owner)
	if m.TitleFR == "" {
		f.Add("title_fr", "errors.required")
	}
	textLimit(f, "title_fr", m.TitleFR, 300)
	textLimit(f, "title_en", m.TitleEN, 300)
	textLimit(f, "owner", m.Owner, 200)
	if !m.Status.Valid() {
		f.Add("status", "impact.error.status")
	}
	if m.Status == Done && m.On.IsZero() {
		f.Add("on", "impact.error.done_needs_date")
	}
	if !m.On.IsZero() {
		calendar.Happening(s.now()).Check(f, "on", m.On.Year)
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	now := s.now()
	if m.ID == 0 {
		return s.db.InsertID(ctx, `INSERT INTO impact_milestones (territory_id, on_date, title_fr, title_en, status, owner, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, m.TerritoryID, m.On, m.TitleFR, m.TitleEN, string(m.Status), m.Owner, now, now)
	}
	res, err := s.db.Exec(ctx, `UPDATE impact_milestones SET on_date = ?, title_fr = ?, title_en = ?, status = ?, owner = ?, updated_at = ?
		WHERE territory_id = ? AND id = ?`, m.On, m.TitleFR, m.TitleEN, string(m.Status), m.Owner, now, m.TerritoryID, m.ID)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, errs.New(errs.NotFound, "impact.error.milestone_not_found")
	}
	return m.ID, nil
}

// RemoveMilestone deletes a milestone (a slip: history lives in the done ones).
func (s *Store) RemoveMilestone(ctx context.Context, territoryID, id int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM impact_milestones WHERE territory_id = ? AND id = ?`, territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "impact.error.milestone_not_found")
	}
	return nil
}

// Story is a highlight staff tell in reports: what happened, where and
// when, in their words (no one's personal data).
type Story struct {
	ID, TerritoryID int64
	On              calendar.Date
	PlaceSlug       string
	PlaceName       string
	Title, Body     string
}

// Stories returns the highlights dated within p (every one when p is the
// zero Period), newest first.
func (s *Store) Stories(ctx context.Context, territoryID int64, p Period) ([]Story, error) {
	q, args := `SELECT st.id, st.on_date, COALESCE(pl.slug, ''), COALESCE(pl.name, ''), st.title, st.body
		FROM impact_stories st LEFT JOIN places pl ON pl.id = st.place_id WHERE st.territory_id = ?`, []any{territoryID}
	if p.Valid() {
		q, args = q+` AND st.on_date >= ? AND st.on_date < ?`, append(args, p.Start, p.End)
	}
	var out []Story
	err := db.Each(ctx, s.db, q+` ORDER BY st.on_date DESC, st.id DESC`, args, func(rows *sql.Rows) error {
		st := Story{TerritoryID: territoryID}
		if err := rows.Scan(&st.ID, &st.On, &st.PlaceSlug, &st.PlaceName, &st.Title, &st.Body); err != nil {
			return err
		}
		out = append(out, st)
		return nil
	})
	return out, err
}

// AddStory keeps a highlight.
func (s *Store) AddStory(ctx context.Context, st Story, by int64) (int64, error) {
	f := errs.Fields{}
	st.Title, st.Body = strings.TrimSpace(st.Title), strings.TrimSpace(st.Body)
	if st.Title == "" {
		f.Add("title", "errors.required")
	}
	if st.Body == "" {
		f.Add("body", "errors.required")
	}
	textLimit(f, "title", st.Title, 200)
	textLimit(f, "body", st.Body, 3000)
	if st.On.IsZero() {
		f.Add("on", "errors.required")
	} else {
		calendar.Happening(s.now()).Check(f, "on", st.On.Year)
	}
	var placeID *int64
	if st.PlaceSlug != "" {
		pl, err := s.territories.Place(ctx, st.TerritoryID, st.PlaceSlug)
		if err != nil {
			f.Add("place", "errors.place_not_found")
		} else {
			placeID = &pl.ID
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	var byID *int64
	if by != 0 {
		byID = &by
	}
	return s.db.InsertID(ctx, `INSERT INTO impact_stories (territory_id, on_date, place_id, title, body, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, st.TerritoryID, st.On, placeID, st.Title, st.Body, byID, s.now())
}

// RemoveStory deletes a highlight.
func (s *Store) RemoveStory(ctx context.Context, territoryID, id int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM impact_stories WHERE territory_id = ? AND id = ?`, territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "impact.error.story_not_found")
	}
	return nil
}
