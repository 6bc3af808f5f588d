package events

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// Registration statuses.
const (
	Confirmed  = "confirmed"
	Waitlisted = "waitlisted"
	Withdrawn  = "cancelled"
)

// Ride says what a registrant needs or offers to get there.
const (
	RideNone   = "none"
	RideNeeds  = "needs"
	RideOffers = "offers"
)

// Sources of a registration.
const (
	SourceWeb    = "web"
	SourceAPI    = "api"
	SourcePhone  = "phone"
	SourcePaper  = "paper"
	SourceWalkIn = "walk_in"
	// SourceTraining is a learner enrolled in a training cohort's sessions.
	SourceTraining = "training"
)

// Registration is a person (and the people with them) signed up for an event.
type Registration struct {
	ID             int64
	EventID        int64
	Name           string
	Email          string
	Phone          string
	PartySize      int
	Dietary        string
	Accessibility  string
	Ride           string
	FromPlaceID    *int64
	FromPlaceName  string
	ConsentContact bool
	Lang           string
	Status         string
	Source         string
	CheckedInAt    *time.Time
	CreatedAt      time.Time
	CancelledAt    *time.Time
	// WaitlistPosition is 1 for the first on the wait-list; 0 when not on it.
	WaitlistPosition int
}

// RegistrationInput is what a person gives to sign up.
type RegistrationInput struct {
	Name           string
	Email          string
	Phone          string
	PartySize      int
	Dietary        string
	Accessibility  string
	Ride           string
	FromPlaceSlug  string
	ConsentContact bool
	Lang           string
	// Waitlist says the person chose the wait-list for the whole party
	// should it not fit in the seats left. Otherwise a sign-up without
	// staff that does not fit is refused with a *NoRoom, nothing saved.
	Waitlist bool
}

// NoRoom answers a party larger than the seats left when the person has
// not chosen yet: nothing is saved; they may come with fewer people (the
// seats left) or join the wait-list for the whole party.
type NoRoom struct {
	SeatsLeft int
	PartySize int
}

func (e *NoRoom) Error() string {
	return fmt.Sprintf("conflict: %d seats left for a party of %d", e.SeatsLeft, e.PartySize)
}

// Unwrap makes it a Conflict whose message says what happened, for the
// callers that only know errs.
func (e *NoRoom) Unwrap() error {
	msg := i18n.Msg("errors.no_room", e.SeatsLeft, e.PartySize)
	switch e.SeatsLeft {
	case 0:
		msg = i18n.Msg("errors.no_room_full")
	case 1:
		msg = i18n.Msg("errors.no_room_one", e.PartySize)
	}
	return errs.New(errs.Conflict, msg)
}

func (in *RegistrationInput) validate(f errs.Fields, needContact bool) {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Phone = strings.TrimSpace(in.Phone)
	in.Dietary = strings.TrimSpace(in.Dietary)
	in.Accessibility = strings.TrimSpace(in.Accessibility)
	in.FromPlaceSlug = strings.TrimSpace(in.FromPlaceSlug)
	if in.Lang != "en" {
		in.Lang = "fr"
	}
	if in.Ride == "" {
		in.Ride = RideNone
	}
	switch {
	case in.Name == "":
		f.Add("name", "errors.required")
	case tooLong(in.Name, 120):
		f.Add("name", "errors.too_long")
	}
	if needContact && in.Email == "" && in.Phone == "" {
		f.Add("email", "errors.email_or_phone")
		f.Add("phone", "errors.email_or_phone")
	}
	if in.Email != "" && !territory.ValidEmail(in.Email) {
		f.Add("email", "errors.email")
	}
	if in.Phone != "" {
		if k := i18n.PhoneKey(in.Phone); len(k) != 10 || tooLong(in.Phone, 40) {
			f.Add("phone", "errors.phone")
		}
	}
	if tooLong(in.Dietary, 500) {
		f.Add("dietary", "errors.too_long")
	}
	if tooLong(in.Accessibility, 500) {
		f.Add("accessibility", "errors.too_long")
	}
	if in.Ride != RideNone && in.Ride != RideNeeds && in.Ride != RideOffers {
		f.Add("ride", "errors.ride")
	}
}

const regCols = `r.id, r.event_id, r.name, r.email, r.phone, r.party_size, r.dietary, r.accessibility, r.ride, r.from_place_id,
	COALESCE(p.name, ''), r.consent_contact, r.lang, r.status, r.source, r.checked_in_at, r.created_at, r.cancelled_at,
	CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM registrations w WHERE w.event_id = r.event_id
		AND w.status = 'waitlisted' AND (w.queued_at < r.queued_at OR (w.queued_at = r.queued_at AND w.id <= r.id))) ELSE 0 END`

const regFrom = ` FROM registrations r LEFT JOIN places p ON p.id = r.from_place_id `

func scanRegistration(row scanner) (Registration, error) {
	var r Registration
	var from sql.NullInt64
	var checked, cancelled sql.NullTime
	err := row.Scan(&r.ID, &r.EventID, &r.Name, &r.Email, &r.Phone, &r.PartySize, &r.Dietary, &r.Accessibility, &r.Ride,
		&from, &r.FromPlaceName, &r.ConsentContact, &r.Lang, &r.Status, &r.Source, &checked, &r.CreatedAt, &cancelled,
		&r.WaitlistPosition)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.New(errs.NotFound, "errors.registration_not_found")
	}
	if from.Valid {
		r.FromPlaceID = &from.Int64
	}
	r.CheckedInAt, r.CancelledAt = nullTime(checked), nullTime(cancelled)
	return r, err
}

// checkParty checks the size of a party: at least one person, at most
// largest; over is the problem of a larger one (by default, the range).
func checkParty(f errs.Fields, size, largest int, over string) {
	if over == "" {
		over = i18n.Msg("errors.party_size", largest)
	}
	switch {
	case size < 1:
		f.Add("party_size", i18n.Msg("errors.party_size", largest))
	case size > largest:
		f.Add("party_size", over)
	}
}

// checkPublicParty checks a party signed up without staff against the
// territory's largest party (or the party's own size when staff took it
// larger): a larger group is asked to call or write to the team.
func (s *Store) checkPublicParty(ctx context.Context, f errs.Fields, t territory.Territory, size, kept int) error {
	set, err := s.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	contact := strings.Join(nonEmpty(t.ContactPhone, t.ContactEmail), ", ")
	if contact == "" {
		contact = t.OperatorName
	}
	checkParty(f, size, max(set.LargestParty, kept), i18n.Msg("errors.party_over_largest", set.LargestParty, contact))
	return nil
}

// loadLinkKey fetches (once) the instance secret the private links are
// derived from. Every method that may send a link calls it before its
// transaction: on SQLite, the secret's first creation needs the writer.
func (s *Store) loadLinkKey(ctx context.Context) error { return s.links.Load(ctx) }

// manageToken derives the private link's token from a registration's nonce
// and the instance secret; only its hash is stored, for the look-up.
func (s *Store) manageToken(nonce string) (string, error) { return s.links.Token(nonce) }

// ManageURL is the private address where a registrant sees, changes or cancels.
func (s *Store) ManageURL(tok string) string { return s.baseURL + "/inscription/" + tok }

// Outcome is the answer to a sign-up.
type Outcome struct {
	Registration Registration
	// Token opens the private link; empty when the person was already registered
	// (the link is then e-mailed again rather than shown, so that an address
	// alone never opens someone's registration).
	Token string
	// Existing is true when the same e-mail or phone was already registered.
	Existing bool
}

// Register signs a person up: a confirmed seat when the party fits, the
// wait-list otherwise. The same e-mail or phone gets the registration it
// already has. The confirmation e-mail is queued in the same transaction.
func (s *Store) Register(ctx context.Context, territoryID, eventID int64, in RegistrationInput, source string) (Outcome, error) {
	return s.register(ctx, territoryID, eventID, in, source, false)
}

// RegisterByStaff records a registration taken by phone, on paper or at the
// door: it may be added after the deadline, and is checked in when it is a walk-in.
func (s *Store) RegisterByStaff(ctx context.Context, territoryID, eventID int64, in RegistrationInput, source string) (Outcome, error) {
	return s.register(ctx, territoryID, eventID, in, source, true)
}

func (s *Store) register(ctx context.Context, territoryID, eventID int64, in RegistrationInput, source string, staff bool) (Outcome, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return Outcome{}, err
	}
	f := errs.Fields{}
	if staff {
		checkParty(f, in.PartySize, MaxPartySize, "")
		in.Waitlist = true // staff are told where the party went
	} else if err := s.checkPublicParty(ctx, f, t, in.PartySize, 0); err != nil {
		return Outcome{}, err
	}
	// Someone who walks in is there: staff need no way to reach them.
	in.validate(f, source != SourceWalkIn)
	var fromPlace any
	if in.FromPlaceSlug != "" {
		pl, err := s.territories.Place(ctx, territoryID, in.FromPlaceSlug)
		if errs.Is(err, errs.NotFound) {
			f.Add("from_place", "errors.place_unknown")
		} else if err != nil {
			return Outcome{}, err
		} else {
			fromPlace = pl.ID
		}
	}
	if err := f.Err(); err != nil {
		return Outcome{}, err
	}
	var out Outcome
	err = s.inTx(ctx, func(tx *db.Tx) error {
		out = Outcome{}
		if err := lockEvent(ctx, tx, territoryID, eventID); err != nil {
			return err
		}
		ev, err := txEvent(ctx, tx, territoryID, eventID)
		if err != nil {
			return err
		}
		now := s.now()
		st := ev.StatusAt(now)
		switch {
		case st == Open || st == Full:
		case staff && (st == Closed || st == Draft || st == Scheduled):
		default:
			return errs.New(errs.Conflict, "errors.event_not_open."+string(st))
		}
		if !staff && ev.SignUpVia != "" {
			return errs.New(errs.Conflict, "errors.event_sign_up_via")
		}
		if ev.Capacity != nil && in.PartySize > *ev.Capacity {
			return &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"party_size": "errors.party_over_capacity"}}
		}
		// The same person again: their registration, not a second seat.
		// Two lookups of the event's e-mail and phone indexes: an OR of
		// the two would read every registration of the event.
		existing, err := scanRegistration(tx.QueryRow(ctx, `SELECT `+regCols+regFrom+`WHERE r.id = (SELECT MIN(x.id) FROM (
			SELECT id FROM registrations WHERE event_id = ? AND email = ? AND email <> '' AND status <> 'cancelled'
			UNION ALL
			SELECT id FROM registrations WHERE event_id = ? AND phone_key = ? AND phone_key <> '' AND status <> 'cancelled') x)`,
			eventID, in.Email, eventID, i18n.PhoneKey(in.Phone)))
		if err == nil {
			out = Outcome{Registration: existing, Existing: true}
			if existing.Email != "" {
				return s.notifySignUp(ctx, tx, t, ev, existing, noticeReminderOfLink)
			}
			return nil
		}
		if !errs.Is(err, errs.NotFound) {
			return err
		}
		status := Confirmed
		if ev.Capacity != nil && ev.Confirmed+in.PartySize > *ev.Capacity {
			if !in.Waitlist && source != SourceWalkIn {
				return &NoRoom{SeatsLeft: max(*ev.Capacity-ev.Confirmed, 0), PartySize: in.PartySize}
			}
			status = Waitlisted
		}
		// Every party still waiting is larger than the seats left (promote
		// keeps it so), so a party that fits takes a seat like promote would.
		b := make([]byte, 18)
		_, _ = rand.Read(b)
		nonce := hex.EncodeToString(b)
		tok, err := s.manageToken(nonce)
		if err != nil {
			return err
		}
		var consentAt any
		if in.ConsentContact {
			consentAt = now
		}
		var checked any
		if source == SourceWalkIn {
			checked = now
			status = Confirmed
		}
		id, err := tx.InsertID(ctx, `INSERT INTO registrations (territory_id, event_id, name, email, phone, phone_key, party_size,
			dietary, accessibility, ride, from_place_id, consent_contact, consent_at, lang, status, queued_at, source,
			manage_nonce, manage_token_hash, checked_in_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, eventID, in.Name, in.Email, in.Phone, i18n.PhoneKey(in.Phone), in.PartySize, in.Dietary, in.Accessibility,
			in.Ride, fromPlace, in.ConsentContact, consentAt, in.Lang, status, now, source, nonce, auth.HashToken(tok), checked, now, now)
		if err != nil {
			return err
		}
		reg, err := scanRegistration(tx.QueryRow(ctx, `SELECT `+regCols+regFrom+`WHERE r.id = ?`, id))
		if err != nil {
			return err
		}
		out = Outcome{Registration: reg, Token: tok}
		if reg.Email == "" || source == SourceWalkIn {
			return nil
		}
		kind := noticeConfirmed
		if status == Waitlisted {
			kind = noticeWaitlisted
		}
		return s.notifySignUp(ctx, tx, t, ev, reg, kind)
	})
	return out, err
}

// ByToken opens a registration by its private link.
func (s *Store) ByToken(ctx context.Context, tok string) (Registration, Event, error) {
	if tok == "" || len(tok) > 100 {
		return Registration{}, Event{}, errs.New(errs.NotFound, "errors.registration_not_found")
	}
	var territoryID int64
	reg, err := scanRegistration(s.db.QueryRow(ctx, `SELECT `+regCols+regFrom+`WHERE r.manage_token_hash = ?`, auth.HashToken(tok)))
	if err != nil {
		return reg, Event{}, err
	}
	if err := s.db.QueryRow(ctx, `SELECT territory_id FROM registrations WHERE id = ?`, reg.ID).Scan(&territoryID); err != nil {
		return reg, Event{}, err
	}
	ev, err := s.Get(ctx, territoryID, reg.EventID)
	return reg, ev, err
}

// ManagedVia is the page where a registration is kept instead of its own
// link ("" when the link keeps it): a registration made through the
// sign-up of another page (a training's learner, enrolled in the cohort)
// is changed or withdrawn there, as a whole, never one event at a time.
func (r Registration) ManagedVia(ev Event) string {
	if r.Source == SourceTraining && ev.SignUpVia != "" {
		return ev.SignUpVia
	}
	return ""
}

// errManagedVia refuses a change through the registration's own link.
var errManagedVia = errs.New(errs.Conflict, "errors.registration_managed_via")

// Change is what a registrant may change through their link.
type Change struct {
	PartySize     int
	Dietary       string
	Accessibility string
	Ride          string
}

// UpdateByToken changes a registration. A larger party that no longer fits
// is refused (the seats are not taken from anyone); a smaller one frees
// seats for the wait-list. A registration kept elsewhere (ManagedVia) is
// refused.
func (s *Store) UpdateByToken(ctx context.Context, tok string, c Change) (Registration, error) {
	reg, ev, err := s.ByToken(ctx, tok)
	if err != nil {
		return reg, err
	}
	if reg.ManagedVia(ev) != "" {
		return reg, errManagedVia
	}
	in := RegistrationInput{Name: reg.Name, Email: reg.Email, Phone: reg.Phone, PartySize: c.PartySize, Dietary: c.Dietary,
		Accessibility: c.Accessibility, Ride: c.Ride}
	t, err := s.territories.ByID(ctx, ev.TerritoryID)
	if err != nil {
		return reg, err
	}
	f := errs.Fields{}
	// A party staff took larger may stay so, or shrink; not grow.
	if err := s.checkPublicParty(ctx, f, t, in.PartySize, reg.PartySize); err != nil {
		return reg, err
	}
	in.validate(f, false)
	if err := f.Err(); err != nil {
		return reg, err
	}
	err = s.inTx(ctx, func(tx *db.Tx) error {
		if err := lockEvent(ctx, tx, ev.TerritoryID, ev.ID); err != nil {
			return err
		}
		ev, err := txEvent(ctx, tx, ev.TerritoryID, ev.ID)
		if err != nil {
			return err
		}
		cur, err := scanRegistration(tx.QueryRow(ctx, `SELECT `+regCols+regFrom+`WHERE r.id = ?`, reg.ID))
		if err != nil {
			return err
		}
		if cur.Status == Withdrawn {
			return errs.New(errs.Conflict, "errors.registration_cancelled")
		}
		if st := ev.StatusAt(s.now()); st == Cancelled || st == Held || !s.now().Before(ev.StartsAt) {
			return errs.New(errs.Conflict, "errors.event_not_open."+string(st))
		}
		if cur.Status == Confirmed && ev.Capacity != nil && ev.Confirmed-cur.PartySize+in.PartySize > *ev.Capacity {
			return &errs.Error{Code: errs.Conflict, Key: "errors.no_room_for_party", Fields: map[string]string{"party_size": "errors.no_room_for_party"}}
		}
		if _, err := tx.Exec(ctx, `UPDATE registrations SET party_size = ?, dietary = ?, accessibility = ?, ride = ?, updated_at = ? WHERE id = ?`,
			in.PartySize, in.Dietary, in.Accessibility, in.Ride, s.now(), reg.ID); err != nil {
			return err
		}
		ev, err = txEvent(ctx, tx, ev.TerritoryID, ev.ID)
		if err != nil {
			return err
		}
		_, err = s.promote(ctx, tx, t, ev)
		return err
	})
	if err != nil {
		return reg, err
	}
	reg, _, err = s.ByToken(ctx, tok)
	return reg, err
}

// CancelByToken withdraws a registration through its private link; the
// freed seats go to the wait-list, in order. A registration kept elsewhere
// (ManagedVia) is refused.
func (s *Store) CancelByToken(ctx context.Context, tok string) error {
	reg, ev, err := s.ByToken(ctx, tok)
	if err != nil {
		return err
	}
	if reg.ManagedVia(ev) != "" {
		return errManagedVia
	}
	return s.withdraw(ctx, ev.TerritoryID, reg.ID)
}

// CancelForStaff cancels a registration for staff.
func (s *Store) CancelForStaff(ctx context.Context, territoryID, regID int64) error {
	return s.withdraw(ctx, territoryID, regID)
}

func (s *Store) withdraw(ctx context.Context, territoryID, regID int64) error {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *db.Tx) error {
		var eventID int64
		err := tx.QueryRow(ctx, `SELECT event_id FROM registrations WHERE territory_id = ? AND id = ?`, territoryID, regID).Scan(&eventID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "errors.registration_not_found")
		}
		if err != nil {
			return err
		}
		if err := lockEvent(ctx, tx, territoryID, eventID); err != nil {
			return err
		}
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE registrations SET status = 'cancelled', cancelled_at = ?, updated_at = ? WHERE id = ? AND status <> 'cancelled'`,
			now, now, regID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already cancelled: nothing more happens
		}
		ev, err := txEvent(ctx, tx, territoryID, eventID)
		if err != nil {
			return err
		}
		_, err = s.promote(ctx, tx, t, ev)
		return err
	})
}

// promote gives free seats to the wait-list in order: each party that
// fits is confirmed and told; a party too large for the seats left keeps
// its place while smaller ones behind it get in.
func (s *Store) promote(ctx context.Context, tx *db.Tx, t territory.Territory, ev Event) (int, error) {
	now := s.now()
	if ev.CancelledAt != nil || ev.HeldAt != nil || !now.Before(ev.StartsAt) {
		return 0, nil
	}
	free := -1
	if ev.Capacity != nil {
		free = *ev.Capacity - ev.Confirmed
		if free <= 0 {
			return 0, nil
		}
	}
	rows, err := tx.Query(ctx, `SELECT `+regCols+regFrom+`WHERE r.event_id = ? AND r.status = 'waitlisted' ORDER BY r.queued_at, r.id`, ev.ID)
	if err != nil {
		return 0, err
	}
	var waiting []Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		waiting = append(waiting, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range waiting {
		if free >= 0 && r.PartySize > free {
			continue
		}
		if _, err := tx.Exec(ctx, `UPDATE registrations SET status = 'confirmed', updated_at = ? WHERE id = ? AND status = 'waitlisted'`, now, r.ID); err != nil {
			return n, err
		}
		n++
		if free >= 0 {
			free -= r.PartySize
		}
		r.Status, r.WaitlistPosition = Confirmed, 0
		if r.Email != "" {
			if err := s.notify(ctx, tx, t, ev, r, noticePromoted); err != nil {
				return n, err
			}
		}
		if free == 0 {
			break
		}
	}
	return n, nil
}

// Move puts a registration on the wait-list or gives it a seat (staff).
// Staff may confirm beyond capacity: they know the room.
func (s *Store) Move(ctx context.Context, territoryID, regID int64, status string) error {
	if status != Confirmed && status != Waitlisted {
		return errs.New(errs.Invalid, "errors.registration_status")
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *db.Tx) error {
		var eventID int64
		var cur string
		err := tx.QueryRow(ctx, `SELECT event_id, status FROM registrations WHERE territory_id = ? AND id = ?`, territoryID, regID).Scan(&eventID, &cur)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "errors.registration_not_found")
		}
		if err != nil {
			return err
		}
		if cur == status {
			return nil
		}
		if cur == Withdrawn {
			return errs.New(errs.Conflict, "errors.registration_cancelled")
		}
		if err := lockEvent(ctx, tx, territoryID, eventID); err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE registrations SET status = ?, queued_at = ?, updated_at = ? WHERE id = ?`, status, now, now, regID); err != nil {
			return err
		}
		ev, err := txEvent(ctx, tx, territoryID, eventID)
		if err != nil {
			return err
		}
		reg, err := scanRegistration(tx.QueryRow(ctx, `SELECT `+regCols+regFrom+`WHERE r.id = ?`, regID))
		if err != nil {
			return err
		}
		if status == Confirmed && reg.Email != "" {
			return s.notify(ctx, tx, t, ev, reg, noticePromoted)
		}
		if status == Waitlisted {
			if reg.Email != "" {
				if err := s.notify(ctx, tx, t, ev, reg, noticeWaitlisted); err != nil {
					return err
				}
			}
			// The seat it freed goes to whoever waits first (maybe this one).
			_, err = s.promote(ctx, tx, t, ev)
		}
		return err
	})
}

// Registrations lists an event's registrations: confirmed first, then the
// wait-list in order, then the cancelled.
func (s *Store) Registrations(ctx context.Context, territoryID, eventID int64) ([]Registration, error) {
	rows, err := s.db.Query(ctx, `SELECT `+regCols+regFrom+`WHERE r.territory_id = ? AND r.event_id = ?
		ORDER BY CASE r.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, r.queued_at, r.id`, territoryID, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CheckIn marks a registration present (or not) at the door.
func (s *Store) CheckIn(ctx context.Context, territoryID, regID int64, present bool) error {
	var at any
	if present {
		at = s.now()
	}
	res, err := s.db.Exec(ctx, `UPDATE registrations SET checked_in_at = ?, updated_at = ? WHERE territory_id = ? AND id = ? AND status = 'confirmed'`,
		at, s.now(), territoryID, regID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.registration_not_found")
	}
	return nil
}

// PrepareLinks loads the secret the private links are derived from; a
// capability calls it before the transaction in which it calls RegisterIn
// (on SQLite, the secret's first creation needs the writer).
func (s *Store) PrepareLinks(ctx context.Context) error { return s.loadLinkKey(ctx) }

// RegisterIn gives one person a confirmed seat at an event inside the
// transaction of the capability that governs the seats (a training cohort
// enrolling a learner in its sessions): no capacity check and no e-mail —
// that capability tells the person; the event's reminders, its check-in at
// the door and its attendance then work as for any registration. The same
// e-mail or phone already registered keeps its registration. It returns
// the registration's id. PrepareLinks must have been called.
func (s *Store) RegisterIn(ctx context.Context, tx *db.Tx, territoryID, eventID int64, in RegistrationInput, source string) (int64, error) {
	f := errs.Fields{}
	in.PartySize = 1
	in.validate(f, true)
	if err := f.Err(); err != nil {
		return 0, err
	}
	var fromPlace any
	if in.FromPlaceSlug != "" {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM places WHERE territory_id = ? AND slug = ?`, territoryID, in.FromPlaceSlug).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, errs.Fields{"from_place": "errors.place_unknown"}.Err()
		}
		if err != nil {
			return 0, err
		}
		fromPlace = id
	}
	if err := lockEvent(ctx, tx, territoryID, eventID); err != nil {
		return 0, err
	}
	ev, err := txEvent(ctx, tx, territoryID, eventID)
	if err != nil {
		return 0, err
	}
	if ev.CancelledAt != nil {
		return 0, errs.New(errs.Conflict, "errors.event_not_open.cancelled")
	}
	var id int64
	err = tx.QueryRow(ctx, `SELECT id FROM registrations WHERE event_id = ? AND status <> 'cancelled'
		AND ((email <> '' AND email = ?) OR (phone_key <> '' AND phone_key = ?)) ORDER BY id LIMIT 1`,
		eventID, in.Email, i18n.PhoneKey(in.Phone)).Scan(&id)
	if err == nil {
		_, err = tx.Exec(ctx, `UPDATE registrations SET status = 'confirmed', updated_at = ? WHERE id = ?`, s.now(), id)
		return id, err
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	nonce := hex.EncodeToString(b)
	tok, err := s.manageToken(nonce)
	if err != nil {
		return 0, err
	}
	now := s.now()
	var consentAt any
	if in.ConsentContact {
		consentAt = now
	}
	return tx.InsertID(ctx, `INSERT INTO registrations (territory_id, event_id, name, email, phone, phone_key, party_size,
		dietary, accessibility, ride, from_place_id, consent_contact, consent_at, lang, status, queued_at, source,
		manage_nonce, manage_token_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?) RETURNING id`,
		territoryID, eventID, in.Name, in.Email, in.Phone, i18n.PhoneKey(in.Phone), in.Dietary, in.Accessibility,
		in.Ride, fromPlace, in.ConsentContact, consentAt, in.Lang, now, source, nonce, auth.HashToken(tok), now, now)
}

// WithdrawIn cancels a registration made by RegisterIn inside the
// transaction of the capability that governs the seats.
func (s *Store) WithdrawIn(ctx context.Context, tx *db.Tx, territoryID, regID int64) error {
	now := s.now()
	_, err := tx.Exec(ctx, `UPDATE registrations SET status = 'cancelled', cancelled_at = ?, updated_at = ?
		WHERE territory_id = ? AND id = ? AND status <> 'cancelled'`, now, now, territoryID, regID)
	return err
}
