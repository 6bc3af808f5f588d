package committee

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
)

// Meeting is a meeting of the committee: an event of kind
// events.PartnersMeeting (its day, place and attendance) with the
// committee's agenda and minutes.
type Meeting struct {
	ID          int64
	TerritoryID int64
	EventID     int64
	Event       events.Event
	Agenda      string
	// Minutes are read by partners only once published (MinutesPublishedAt
	// set); staff read and write the draft.
	Minutes            string
	MinutesPublishedAt *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Published reports whether partners may read the minutes.
func (m Meeting) Published() bool { return m.MinutesPublishedAt != nil }

// Past reports whether the meeting has begun at now.
func (m Meeting) Past(now time.Time) bool { return !now.Before(m.Event.StartsAt) }

// Attendance is the number of people who attended, once the event's
// report is written (nil before): a count, never their names.
func (m Meeting) Attendance() *int { return m.Event.Attendance }

// MeetingInput is a new meeting as typed: its event's title, day, hours
// and place, and its agenda.
type MeetingInput struct {
	Title        string
	Date         string
	Start, End   string
	PlaceSlug    string
	VenueName    string
	VenueAddress string
	Agenda       string
}

// Limits on what is typed.
const (
	maxAgenda  = 10_000
	maxMinutes = 50_000
)

// parseClock reads a time of day (see calendar.ParseClock) into f.
func parseClock(f errs.Fields, field, v string) (h, m int, ok bool) {
	if strings.TrimSpace(v) == "" {
		f.Add(field, "errors.required")
		return 0, 0, false
	}
	if h, m, ok = calendar.ParseClock(v); !ok {
		f.Add(field, "errors.time")
	}
	return h, m, ok
}

// eventField names the meeting form's field of an event's problem.
func eventField(field string) string {
	switch field {
	case "starts_at":
		return "date"
	case "ends_at":
		return "end"
	}
	return field
}

// CreateMeeting plans a meeting: its event (a draft, kept off the public
// calendar) and the meeting are written together or not at all.
func (s *Store) CreateMeeting(ctx context.Context, territoryID, createdBy int64, in MeetingInput) (Meeting, error) {
	in.Agenda = strings.TrimSpace(in.Agenda)
	_, loc, err := s.today(ctx, territoryID)
	if err != nil {
		return Meeting{}, err
	}
	f := errs.Fields{}
	day := calendar.Happening(s.now()).Parse(f, "date", in.Date, true)
	sh, sm, okStart := parseClock(f, "start", in.Start)
	eh, em, okEnd := parseClock(f, "end", in.End)
	if tooLong(in.Agenda, maxAgenda) {
		f.Add("agenda", "errors.too_long")
	}
	ev := events.Input{Kind: events.PartnersMeeting, Title: in.Title, PlaceSlug: strings.TrimSpace(in.PlaceSlug),
		VenueName: in.VenueName, VenueAddress: in.VenueAddress}
	if !day.IsZero() && okStart && okEnd {
		ev.StartsAt = time.Date(day.Year, day.Month, day.Day, sh, sm, 0, 0, loc)
		ev.EndsAt = time.Date(day.Year, day.Month, day.Day, eh, em, 0, 0, loc)
	}
	if len(f) > 0 {
		// Say at once what else is missing, so that one round fixes most.
		for field, v := range map[string]string{"title": in.Title, "venue_name": in.VenueName, "place": ev.PlaceSlug} {
			if strings.TrimSpace(v) == "" {
				f.Add(field, "errors.required")
			}
		}
		return Meeting{}, f.Err()
	}
	var id int64
	_, err = s.events.CreateWith(ctx, territoryID, createdBy, ev, func(ctx context.Context, tx *db.Tx, eventID int64) error {
		now := s.now()
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO committee_meetings (territory_id, event_id, agenda, minutes, created_at, updated_at)
			VALUES (?, ?, ?, '', ?, ?) RETURNING id`, territoryID, eventID, in.Agenda, now, now)
		return err
	})
	if e, ok := errs.As(err); ok && len(e.Fields) > 0 {
		moved := errs.Fields{}
		for k, v := range e.Fields {
			moved.Add(eventField(k), v)
		}
		return Meeting{}, moved.Err()
	}
	if err != nil {
		return Meeting{}, err
	}
	return s.Meeting(ctx, territoryID, id)
}

const meetingCols = `id, territory_id, event_id, agenda, minutes, minutes_published_at, created_at, updated_at`

func scanMeeting(row interface{ Scan(...any) error }) (Meeting, error) {
	var m Meeting
	err := row.Scan(&m.ID, &m.TerritoryID, &m.EventID, &m.Agenda, &m.Minutes, db.ScanNullTime(&m.MinutesPublishedAt),
		db.ScanTime(&m.CreatedAt), db.ScanTime(&m.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return m, errs.New(errs.NotFound, "errors.committee_meeting_not_found")
	}
	return m, err
}

// Meeting returns one meeting with its event.
func (s *Store) Meeting(ctx context.Context, territoryID, id int64) (Meeting, error) {
	m, err := scanMeeting(s.db.QueryRow(ctx, `SELECT `+meetingCols+` FROM committee_meetings WHERE territory_id = ? AND id = ?`,
		territoryID, id))
	if err != nil {
		return m, err
	}
	m.Event, err = s.events.Get(ctx, territoryID, m.EventID)
	return m, err
}

// Meetings lists the committee's meetings with their events, the latest
// first.
func (s *Store) Meetings(ctx context.Context, territoryID int64) ([]Meeting, error) {
	var out []Meeting
	err := db.Each(ctx, s.db, `SELECT `+meetingCols+` FROM committee_meetings WHERE territory_id = ?`, []any{territoryID},
		func(rows *sql.Rows) error {
			m, err := scanMeeting(rows)
			out = append(out, m)
			return err
		})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, m := range out {
		ids[i] = m.EventID
	}
	evs, err := s.events.Many(ctx, territoryID, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Event = evs[out[i].EventID]
	}
	slices.SortFunc(out, func(a, b Meeting) int { return b.Event.StartsAt.Compare(a.Event.StartsAt) })
	return out, nil
}

// SaveNotes keeps a meeting's agenda and minutes (a draft until
// published; once published, partners read the corrected text).
func (s *Store) SaveNotes(ctx context.Context, territoryID, id int64, agenda, minutes string) error {
	agenda, minutes = strings.TrimSpace(agenda), strings.TrimSpace(minutes)
	f := errs.Fields{}
	if tooLong(agenda, maxAgenda) {
		f.Add("agenda", "errors.too_long")
	}
	if tooLong(minutes, maxMinutes) {
		f.Add("minutes", "errors.too_long")
	}
	m, err := s.Meeting(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if m.Published() && minutes == "" {
		f.Add("minutes", "errors.committee_minutes_empty")
	}
	if err := f.Err(); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE committee_meetings SET agenda = ?, minutes = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		agenda, minutes, s.now(), territoryID, id)
	return err
}

// PublishMinutes lets partners read a meeting's minutes (publish false:
// takes them back to a draft).
func (s *Store) PublishMinutes(ctx context.Context, territoryID, id int64, publish bool) error {
	m, err := s.Meeting(ctx, territoryID, id)
	if err != nil {
		return err
	}
	var at any
	if publish {
		if m.Minutes == "" {
			return errs.Fields{"minutes": "errors.committee_minutes_empty"}.Err()
		}
		if m.Published() {
			return nil
		}
		at = s.now()
	}
	_, err = s.db.Exec(ctx, `UPDATE committee_meetings SET minutes_published_at = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		at, s.now(), territoryID, id)
	return err
}
