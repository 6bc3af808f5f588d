package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// Store keeps events and registrations, and tells registrants what
// changes for them (the e-mails are queued in the same transaction).
type Store struct {
	db          *db.DB
	territories *territory.Store
	auth        *auth.Store
	mailer      *mail.Mailer
	cat         i18n.Catalogs
	baseURL     string
	now         func() time.Time
	// links signs the registrations' private links.
	links *auth.LinkSigner
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	Auth        *auth.Store
	Mailer      *mail.Mailer
	Catalogs    i18n.Catalogs
	// BaseURL is the public address, for the links in e-mails.
	BaseURL string
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the events store.
func NewStore(c Config) *Store {
	return &Store{db: c.DB, territories: c.Territories, auth: c.Auth, mailer: c.Mailer, cat: c.Catalogs,
		baseURL: strings.TrimRight(c.BaseURL, "/"), now: db.Clock(c.Now), links: c.Auth.LinkSigner("registration_links", "registration")}
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

const eventCols = `e.id, e.territory_id, e.slug, e.kind, e.title, e.summary, e.description, e.place_id, p.slug, p.name,
	e.venue_name, e.venue_address, e.starts_at, e.ends_at, e.capacity, e.registration_deadline, e.menu, e.accessibility,
	e.directions, e.contact_name, e.contact_phone, e.contact_email, e.publish_at, e.cancelled_at, e.cancel_reason,
	e.held_at, e.attendance, e.no_shows, e.report_organizations, e.report_notes, e.sequence, e.created_at, e.updated_at,
	e.sign_up_via,
	COALESCE((SELECT SUM(r.party_size) FROM registrations r WHERE r.event_id = e.id AND r.status = 'confirmed'), 0),
	COALESCE((SELECT SUM(r.party_size) FROM registrations r WHERE r.event_id = e.id AND r.status = 'waitlisted'), 0)`

const eventFrom = ` FROM events e JOIN places p ON p.id = e.place_id `

type scanner interface{ Scan(...any) error }

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

func nullInt(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

func scanEvent(row scanner) (Event, error) {
	var e Event
	var kind string
	var capacity, attendance, noShows sql.NullInt64
	var cancelled, held sql.NullTime
	// The dates staff type are read so that one stored out of range
	// (before they had bounds) still reads, and can be corrected.
	err := row.Scan(&e.ID, &e.TerritoryID, &e.Slug, &kind, &e.Title, &e.Summary, &e.Description, &e.PlaceID,
		&e.PlaceSlug, &e.PlaceName, &e.VenueName, &e.VenueAddress, db.ScanTime(&e.StartsAt), db.ScanTime(&e.EndsAt), &capacity,
		db.ScanNullTime(&e.RegistrationDeadline), &e.Menu, &e.Accessibility, &e.Directions, &e.ContactName, &e.ContactPhone,
		&e.ContactEmail, db.ScanNullTime(&e.PublishAt),
		&cancelled, &e.CancelReason, &held, &attendance, &noShows, &e.ReportOrganizations, &e.ReportNotes,
		&e.Sequence, &e.CreatedAt, &e.UpdatedAt, &e.SignUpVia, &e.Confirmed, &e.Waitlisted)
	if errors.Is(err, sql.ErrNoRows) {
		return e, errs.New(errs.NotFound, "errors.event_not_found")
	}
	if err != nil {
		return e, err
	}
	e.Kind = Kind(kind)
	e.Capacity, e.Attendance, e.NoShows = nullInt(capacity), nullInt(attendance), nullInt(noShows)
	e.CancelledAt, e.HeldAt = nullTime(cancelled), nullTime(held)
	return e, nil
}

// Get returns an event of a territory.
func (s *Store) Get(ctx context.Context, territoryID, id int64) (Event, error) {
	e, err := scanEvent(s.db.QueryRow(ctx, `SELECT `+eventCols+eventFrom+`WHERE e.territory_id = ? AND e.id = ?`, territoryID, id))
	if err != nil {
		return e, err
	}
	e.Facilitators, err = s.facilitators(ctx, e.ID)
	return e, err
}

// BySlug returns an event of a territory by its address.
func (s *Store) BySlug(ctx context.Context, territoryID int64, slug string) (Event, error) {
	e, err := scanEvent(s.db.QueryRow(ctx, `SELECT `+eventCols+eventFrom+`WHERE e.territory_id = ? AND e.slug = ?`, territoryID, slug))
	if err != nil {
		return e, err
	}
	e.Facilitators, err = s.facilitators(ctx, e.ID)
	return e, err
}

func (s *Store) facilitators(ctx context.Context, eventID int64) ([]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT user_id FROM event_facilitators WHERE event_id = ? ORDER BY user_id`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Filter narrows a list of events.
type Filter struct {
	Kind      Kind
	PlaceSlug string
	// From and To bound the start (To excluded); zero means no bound.
	From, To time.Time
	// PublicOnly keeps the events visitors may see (published by now).
	PublicOnly bool
	// Newest first instead of soonest first.
	Newest bool
	Limit  int
}

// List returns a territory's events.
func (s *Store) List(ctx context.Context, territoryID int64, f Filter) ([]Event, error) {
	q := `SELECT ` + eventCols + eventFrom + `WHERE e.territory_id = ?`
	args := []any{territoryID}
	if f.Kind != "" {
		q += ` AND e.kind = ?`
		args = append(args, string(f.Kind))
	}
	if f.PlaceSlug != "" {
		// A ville's page also lists its secteurs' events.
		cond, a := territory.InScope("e.place_id", territoryID, f.PlaceSlug, territory.AndSecteurs)
		q, args = q+` AND `+cond, append(args, a...)
	}
	if !f.From.IsZero() {
		q += ` AND e.starts_at >= ?`
		args = append(args, db.Time(f.From))
	}
	if !f.To.IsZero() {
		q += ` AND e.starts_at < ?`
		args = append(args, db.Time(f.To))
	}
	if f.PublicOnly {
		q += ` AND e.publish_at IS NOT NULL AND e.publish_at <= ?`
		args = append(args, s.now())
	}
	if f.Newest {
		q += ` ORDER BY e.starts_at DESC, e.id DESC`
	} else {
		q += ` ORDER BY e.starts_at, e.id`
	}
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// check validates an input and resolves its place.
func (s *Store) check(ctx context.Context, territoryID int64, in *Input) (territory.Place, error) {
	f := errs.Fields{}
	in.validate(f, s.now())
	var pl territory.Place
	if in.PlaceSlug != "" {
		var err error
		pl, err = s.territories.Place(ctx, territoryID, in.PlaceSlug)
		if errs.Is(err, errs.NotFound) {
			f.Add("place", "errors.place_unknown")
		} else if err != nil {
			return pl, err
		}
	}
	if len(in.Facilitators) > 0 {
		for _, uid := range in.Facilitators {
			roles, err := s.auth.RolesOf(ctx, uid, territoryID)
			if err != nil {
				return pl, err
			}
			if len(roles) == 0 {
				f.Add("facilitators", "errors.facilitator_unknown")
			}
		}
	}
	return pl, f.Err()
}

// uniqueSlug finds a free address for an event: title, place and date.
func uniqueSlug(ctx context.Context, tx *db.Tx, territoryID int64, in Input, placeSlug string, loc *time.Location, exceptID int64) (string, error) {
	base := i18n.Slug(in.Title, 60)
	if !strings.Contains(base, placeSlug) {
		base = strings.Trim(base+"-"+placeSlug, "-")
	}
	base += "-" + in.StartsAt.In(loc).Format("2006-01-02")
	slug := base
	for i := 2; ; i++ {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM events WHERE territory_id = ? AND slug = ? AND id <> ?`,
			territoryID, slug, exceptID).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return slug, nil
		}
		slug = fmt.Sprintf("%s-%d", base, i)
	}
}

func setFacilitators(ctx context.Context, tx *db.Tx, eventID int64, ids []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM event_facilitators WHERE event_id = ?`, eventID); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := tx.Exec(ctx, `INSERT INTO event_facilitators (event_id, user_id) VALUES (?, ?)`, eventID, id); err != nil {
			return err
		}
	}
	return nil
}

func capArg(c *int) any {
	if c == nil {
		return nil
	}
	return *c
}

func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return db.Time(*t)
}

// Create adds an event as a draft.
func (s *Store) Create(ctx context.Context, territoryID, createdBy int64, in Input) (Event, error) {
	return s.CreateWith(ctx, territoryID, createdBy, in, nil)
}

// CreateWith adds an event as a draft and, in the same transaction, runs
// then with its id: what another capability records about the event is
// written with it or not at all. then must use only tx.
func (s *Store) CreateWith(ctx context.Context, territoryID, createdBy int64, in Input,
	then func(ctx context.Context, tx *db.Tx, eventID int64) error) (Event, error) {
	pl, err := s.check(ctx, territoryID, &in)
	if err != nil {
		return Event{}, err
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return Event{}, err
	}
	var id int64
	err = s.inTx(ctx, func(tx *db.Tx) error {
		slug, err := uniqueSlug(ctx, tx, territoryID, in, pl.Slug, t.Location(), 0)
		if err != nil {
			return err
		}
		now := s.now()
		var by any
		if createdBy != 0 {
			by = createdBy
		}
		id, err = tx.InsertID(ctx, `INSERT INTO events (territory_id, slug, kind, title, summary, description, place_id,
			venue_name, venue_address, starts_at, ends_at, capacity, registration_deadline, menu, accessibility, directions,
			contact_name, contact_phone, contact_email, sign_up_via, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, slug, string(in.Kind), in.Title, in.Summary, in.Description, pl.ID, in.VenueName, in.VenueAddress,
			db.Time(in.StartsAt), db.Time(in.EndsAt), capArg(in.Capacity), timeArg(in.RegistrationDeadline), in.Menu,
			in.Accessibility, in.Directions, in.ContactName, in.ContactPhone, in.ContactEmail, in.SignUpVia, by, now, now)
		if err != nil {
			return err
		}
		if err := setFacilitators(ctx, tx, id, in.Facilitators); err != nil || then == nil {
			return err
		}
		return then(ctx, tx, id)
	})
	if err != nil {
		return Event{}, err
	}
	return s.Get(ctx, territoryID, id)
}

// lockEvent takes the event's row lock for the rest of the transaction
// (PostgreSQL), so that seats are counted by one transaction at a time;
// SQLite's single writer already does so.
func lockEvent(ctx context.Context, tx *db.Tx, territoryID, id int64) error {
	res, err := tx.Exec(ctx, `UPDATE events SET updated_at = updated_at WHERE territory_id = ? AND id = ?`, territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.event_not_found")
	}
	return nil
}

// txEvent reads an event inside a transaction.
func txEvent(ctx context.Context, tx *db.Tx, territoryID, id int64) (Event, error) {
	return scanEvent(tx.QueryRow(ctx, `SELECT `+eventCols+eventFrom+`WHERE e.territory_id = ? AND e.id = ?`, territoryID, id))
}

// Update saves staff's changes. When the date, time or venue of a
// published event change, its registrants are told; when seats are added,
// the wait-list moves up.
func (s *Store) Update(ctx context.Context, territoryID, id int64, in Input) (Event, error) {
	pl, err := s.check(ctx, territoryID, &in)
	if err != nil {
		return Event{}, err
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return Event{}, err
	}
	err = s.inTx(ctx, func(tx *db.Tx) error {
		if err := lockEvent(ctx, tx, territoryID, id); err != nil {
			return err
		}
		old, err := txEvent(ctx, tx, territoryID, id)
		if err != nil {
			return err
		}
		if old.CancelledAt != nil || old.HeldAt != nil {
			return errs.New(errs.Conflict, "errors.event_finished")
		}
		if in.Capacity != nil && *in.Capacity < old.Confirmed {
			return &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"capacity": "errors.capacity_below_confirmed"}}
		}
		slug := old.Slug
		if old.PublishAt == nil {
			// A draft's address may still follow its title; a published one stays put (links were shared).
			if slug, err = uniqueSlug(ctx, tx, territoryID, in, pl.Slug, t.Location(), id); err != nil {
				return err
			}
		}
		moved := !old.StartsAt.Equal(db.Time(in.StartsAt)) || !old.EndsAt.Equal(db.Time(in.EndsAt)) ||
			old.VenueName != in.VenueName || old.VenueAddress != in.VenueAddress || old.PlaceID != pl.ID
		seq := old.Sequence
		if moved {
			seq++
		}
		if _, err := tx.Exec(ctx, `UPDATE events SET slug = ?, kind = ?, title = ?, summary = ?, description = ?, place_id = ?,
			venue_name = ?, venue_address = ?, starts_at = ?, ends_at = ?, capacity = ?, registration_deadline = ?, menu = ?,
			accessibility = ?, directions = ?, contact_name = ?, contact_phone = ?, contact_email = ?, sequence = ?, updated_at = ?
			WHERE territory_id = ? AND id = ?`,
			slug, string(in.Kind), in.Title, in.Summary, in.Description, pl.ID, in.VenueName, in.VenueAddress,
			db.Time(in.StartsAt), db.Time(in.EndsAt), capArg(in.Capacity), timeArg(in.RegistrationDeadline), in.Menu,
			in.Accessibility, in.Directions, in.ContactName, in.ContactPhone, in.ContactEmail, seq, s.now(), territoryID, id); err != nil {
			return err
		}
		if err := setFacilitators(ctx, tx, id, in.Facilitators); err != nil {
			return err
		}
		ev, err := txEvent(ctx, tx, territoryID, id)
		if err != nil {
			return err
		}
		if _, err := s.promote(ctx, tx, t, ev); err != nil {
			return err
		}
		if moved && old.PublishAt != nil {
			return s.notifyAll(ctx, tx, t, ev, noticeChanged)
		}
		return nil
	})
	if err != nil {
		return Event{}, err
	}
	return s.Get(ctx, territoryID, id)
}

// Publish makes an event public at at (now when at is zero or past).
func (s *Store) Publish(ctx context.Context, territoryID, id int64, at time.Time) error {
	now := s.now()
	if f := (errs.Fields{}); !at.IsZero() && !calendar.Happening(now).Check(f, "publish_at", at.Year()) {
		return f.Err()
	}
	if at.IsZero() || at.Before(now) {
		at = now
	}
	return s.inTx(ctx, func(tx *db.Tx) error {
		if err := lockEvent(ctx, tx, territoryID, id); err != nil {
			return err
		}
		ev, err := txEvent(ctx, tx, territoryID, id)
		if err != nil {
			return err
		}
		if ev.CancelledAt != nil || ev.HeldAt != nil {
			return errs.New(errs.Conflict, "errors.event_finished")
		}
		_, err = tx.Exec(ctx, `UPDATE events SET publish_at = ?, updated_at = ? WHERE id = ?`, db.Time(at), now, id)
		return err
	})
}

// Unpublish takes an event back to draft, as long as nobody registered.
func (s *Store) Unpublish(ctx context.Context, territoryID, id int64) error {
	return s.inTx(ctx, func(tx *db.Tx) error {
		if err := lockEvent(ctx, tx, territoryID, id); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status <> 'cancelled'`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.New(errs.Conflict, "errors.unpublish_with_registrations")
		}
		_, err := tx.Exec(ctx, `UPDATE events SET publish_at = NULL, updated_at = ? WHERE id = ? AND cancelled_at IS NULL AND held_at IS NULL`, s.now(), id)
		return err
	})
}

// Cancel cancels an event and tells every registrant. Nothing is deleted.
func (s *Store) Cancel(ctx context.Context, territoryID, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if tooLong(reason, 500) {
		return errs.Fields{"reason": "errors.too_long"}.Err()
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *db.Tx) error {
		if err := lockEvent(ctx, tx, territoryID, id); err != nil {
			return err
		}
		ev, err := txEvent(ctx, tx, territoryID, id)
		if err != nil {
			return err
		}
		if ev.CancelledAt != nil {
			return nil // already cancelled: a second click changes nothing
		}
		if ev.HeldAt != nil {
			return errs.New(errs.Conflict, "errors.event_finished")
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE events SET cancelled_at = ?, cancel_reason = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?`,
			now, reason, now, id); err != nil {
			return err
		}
		ev.CancelledAt, ev.CancelReason, ev.Sequence = &now, reason, ev.Sequence+1
		if ev.PublishAt == nil {
			return nil
		}
		return s.notifyAll(ctx, tx, t, ev, noticeCancelled)
	})
}

// Duplicate copies an event into a new draft, without its registrations;
// staff then set its date.
func (s *Store) Duplicate(ctx context.Context, territoryID, id, createdBy int64) (Event, error) {
	ev, err := s.Get(ctx, territoryID, id)
	if err != nil {
		return Event{}, err
	}
	in := Input{Kind: ev.Kind, Title: ev.Title, Summary: ev.Summary, Description: ev.Description, PlaceSlug: ev.PlaceSlug,
		VenueName: ev.VenueName, VenueAddress: ev.VenueAddress, StartsAt: ev.StartsAt, EndsAt: ev.EndsAt,
		Capacity: ev.Capacity, RegistrationDeadline: ev.RegistrationDeadline, Menu: ev.Menu, Accessibility: ev.Accessibility,
		Directions: ev.Directions, ContactName: ev.ContactName, ContactPhone: ev.ContactPhone, ContactEmail: ev.ContactEmail,
		Facilitators: ev.Facilitators}
	return s.Create(ctx, territoryID, createdBy, in)
}

// Report is what staff record when they close an event.
type Report struct {
	// Attendance is the number of people present; nil counts the checked-in parties.
	Attendance    *int
	Organizations string
	Notes         string
}

// Close records that the event was held: attendance, no-shows (confirmed
// registrations nobody checked in) and the report.
func (s *Store) Close(ctx context.Context, territoryID, id int64, r Report) (Event, error) {
	r.Organizations, r.Notes = strings.TrimSpace(r.Organizations), strings.TrimSpace(r.Notes)
	f := errs.Fields{}
	if r.Attendance != nil && (*r.Attendance < 0 || *r.Attendance > 100000) {
		f.Add("attendance", "errors.attendance")
	}
	if tooLong(r.Organizations, 2000) {
		f.Add("organizations", "errors.too_long")
	}
	if tooLong(r.Notes, 5000) {
		f.Add("notes", "errors.too_long")
	}
	if err := f.Err(); err != nil {
		return Event{}, err
	}
	err := s.inTx(ctx, func(tx *db.Tx) error {
		if err := lockEvent(ctx, tx, territoryID, id); err != nil {
			return err
		}
		ev, err := txEvent(ctx, tx, territoryID, id)
		if err != nil {
			return err
		}
		if ev.CancelledAt != nil {
			return errs.New(errs.Conflict, "errors.event_cancelled")
		}
		if s.now().Before(ev.StartsAt) {
			return errs.New(errs.Conflict, "errors.event_not_started")
		}
		var present, noShows int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN checked_in_at IS NOT NULL THEN party_size ELSE 0 END), 0),
			COUNT(CASE WHEN checked_in_at IS NULL THEN 1 END) FROM registrations WHERE event_id = ? AND status = 'confirmed'`, id).Scan(&present, &noShows); err != nil {
			return err
		}
		attendance := present
		if r.Attendance != nil {
			attendance = *r.Attendance
		}
		now := s.now()
		_, err = tx.Exec(ctx, `UPDATE events SET held_at = COALESCE(held_at, ?), attendance = ?, no_shows = ?, report_organizations = ?,
			report_notes = ?, updated_at = ? WHERE id = ?`, now, attendance, noShows, r.Organizations, r.Notes, now, id)
		return err
	})
	if err != nil {
		return Event{}, err
	}
	return s.Get(ctx, territoryID, id)
}

// Progress is how far the program is toward its target of soupers.
type Progress struct {
	Target int
	// Held counts the soupers citoyens held.
	Held int
	// PlacesWith and PlacesWithout split the places (municipalities,
	// secteurs, communities) by whether a souper was held there.
	PlacesWith, PlacesWithout []territory.Place
}

// DinnerProgress counts the soupers citoyens held toward the territory's target.
func (s *Store) DinnerProgress(ctx context.Context, territoryID int64) (Progress, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return Progress{}, err
	}
	p := Progress{Target: t.DinnerTarget}
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM events WHERE territory_id = ? AND kind = ? AND held_at IS NOT NULL AND cancelled_at IS NULL`,
		territoryID, string(CitizenDinner)).Scan(&p.Held); err != nil {
		return p, err
	}
	rows, err := s.db.Query(ctx, `SELECT DISTINCT place_id FROM events WHERE territory_id = ? AND kind = ? AND held_at IS NOT NULL AND cancelled_at IS NULL`,
		territoryID, string(CitizenDinner))
	if err != nil {
		return p, err
	}
	held := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return p, err
		}
		held[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, err
	}
	places, err := s.territories.Places(ctx, territoryID)
	if err != nil {
		return p, err
	}
	for _, pl := range places {
		// A ville split into secteurs counts through its secteurs.
		if pl.Kind == territory.KindCity && hasSectors(places, pl.ID) && !held[pl.ID] {
			continue
		}
		if held[pl.ID] {
			p.PlacesWith = append(p.PlacesWith, pl)
		} else {
			p.PlacesWithout = append(p.PlacesWithout, pl)
		}
	}
	return p, nil
}

func hasSectors(ps []territory.Place, id int64) bool {
	for _, p := range ps {
		if p.ParentID != nil && *p.ParentID == id {
			return true
		}
	}
	return false
}

// inTx runs fn in a write transaction, with what messages need loaded
// beforehand (nothing inside the transaction may use another connection:
// on SQLite the transaction holds the only writer).
func (s *Store) inTx(ctx context.Context, fn func(tx *db.Tx) error) error {
	if err := s.loadLinkKey(ctx); err != nil {
		return err
	}
	return s.db.InTx(ctx, fn)
}
