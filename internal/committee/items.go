package committee

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
)

// Item kinds: what a meeting decided, and what someone is to do next.
const (
	Decision = "decision"
	FollowUp = "follow_up"
)

// ItemKinds lists them in display order.
var ItemKinds = []string{Decision, FollowUp}

// Item is a decision or a follow-up of a meeting.
type Item struct {
	ID        int64
	MeetingID int64
	Kind      string
	Body      string
	// Owner is who carries a follow-up (a name or an organisation).
	Owner string
	// DueOn and DoneOn are zero when not set.
	DueOn     calendar.Date
	DoneOn    calendar.Date
	CreatedAt time.Time
	// MeetingDay is the day of its meeting's event, in the territory's zone.
	MeetingStartsAt time.Time
}

// Open reports whether a follow-up is still to do.
func (i Item) Open() bool { return i.Kind == FollowUp && i.DoneOn.IsZero() }

// ItemInput is a decision or follow-up as typed.
type ItemInput struct {
	Kind  string
	Body  string
	Owner string
	DueOn string
}

// AddItem records a decision or a follow-up of a meeting.
func (s *Store) AddItem(ctx context.Context, territoryID, meetingID int64, in ItemInput) (int64, error) {
	in.Owner = clean(in.Owner)
	f := errs.Fields{}
	if in.Kind != Decision && in.Kind != FollowUp {
		f.Add("kind", "errors.committee_item_kind")
	}
	switch {
	case clean(in.Body) == "":
		f.Add("body", "errors.required")
	case tooLong(in.Body, 2000):
		f.Add("body", "errors.too_long")
	}
	if tooLong(in.Owner, 200) {
		f.Add("owner", "errors.too_long")
	}
	due := calendar.Happening(s.now()).Parse(f, "due_on", in.DueOn, false)
	if err := f.Err(); err != nil {
		return 0, err
	}
	if _, err := s.Meeting(ctx, territoryID, meetingID); err != nil {
		return 0, err
	}
	return s.db.InsertID(ctx, `INSERT INTO committee_items (territory_id, meeting_id, kind, body, owner_name, due_on, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, meetingID, in.Kind, trimBody(in.Body), in.Owner, due, s.now())
}

// CompleteItem marks a follow-up of a meeting done on a day (as typed;
// empty: today), or not done again when done is false.
func (s *Store) CompleteItem(ctx context.Context, territoryID, meetingID, id int64, done bool, on string) error {
	it, err := s.item(ctx, territoryID, meetingID, id)
	if err != nil {
		return err
	}
	if it.Kind != FollowUp {
		return errs.New(errs.Conflict, "errors.committee_item_kind")
	}
	var day calendar.Date
	if done {
		if day, err = s.Today(ctx, territoryID); err != nil {
			return err
		}
		if on != "" {
			f := errs.Fields{}
			day = calendar.Happening(s.now()).Parse(f, "done_on", on, true)
			if err := f.Err(); err != nil {
				return err
			}
		}
	}
	_, err = s.db.Exec(ctx, `UPDATE committee_items SET done_on = ? WHERE territory_id = ? AND id = ?`, day, territoryID, id)
	return err
}

// RemoveItem deletes a decision or follow-up of a meeting typed by mistake.
func (s *Store) RemoveItem(ctx context.Context, territoryID, meetingID, id int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM committee_items WHERE territory_id = ? AND meeting_id = ? AND id = ?`, territoryID, meetingID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.committee_item_not_found")
	}
	return nil
}

const itemCols = `i.id, i.meeting_id, i.kind, i.body, i.owner_name, i.due_on, i.done_on, i.created_at, e.starts_at`

const itemFrom = ` FROM committee_items i JOIN committee_meetings m ON m.id = i.meeting_id JOIN events e ON e.id = m.event_id `

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var i Item
	err := row.Scan(&i.ID, &i.MeetingID, &i.Kind, &i.Body, &i.Owner, &i.DueOn, &i.DoneOn, db.ScanTime(&i.CreatedAt),
		db.ScanTime(&i.MeetingStartsAt))
	if errors.Is(err, sql.ErrNoRows) {
		return i, errs.New(errs.NotFound, "errors.committee_item_not_found")
	}
	return i, err
}

func (s *Store) item(ctx context.Context, territoryID, meetingID, id int64) (Item, error) {
	return scanItem(s.db.QueryRow(ctx, `SELECT `+itemCols+itemFrom+`WHERE i.territory_id = ? AND i.meeting_id = ? AND i.id = ?`,
		territoryID, meetingID, id))
}

func (s *Store) items(ctx context.Context, where string, args ...any) ([]Item, error) {
	var out []Item
	err := db.Each(ctx, s.db, `SELECT `+itemCols+itemFrom+where, args, func(rows *sql.Rows) error {
		it, err := scanItem(rows)
		out = append(out, it)
		return err
	})
	return out, err
}

// Items lists a meeting's decisions, then its follow-ups, in the order typed.
func (s *Store) Items(ctx context.Context, territoryID, meetingID int64) ([]Item, error) {
	return s.items(ctx, `WHERE i.territory_id = ? AND i.meeting_id = ? ORDER BY i.kind, i.id`, territoryID, meetingID)
}

// OpenFollowUps lists the follow-ups still to do, the soonest due first
// (those without a due day last). published keeps only those of meetings
// whose minutes partners may read.
func (s *Store) OpenFollowUps(ctx context.Context, territoryID int64, published bool) ([]Item, error) {
	where := `WHERE i.territory_id = ? AND i.kind = ? AND i.done_on IS NULL`
	if published {
		where += ` AND m.minutes_published_at IS NOT NULL`
	}
	return s.items(ctx, where+` ORDER BY CASE WHEN i.due_on IS NULL THEN 1 ELSE 0 END, i.due_on, i.id`, territoryID, FollowUp)
}
