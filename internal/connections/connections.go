// Package connections owns the links created between citizens (« liens
// créés »): after an event is held, each attendee may choose to appear to
// the other attendees, then say whom they would like to keep in touch with.
// When two people chose each other, each receives the other's chosen
// contact detail by e-mail. Nobody learns who declined or ignored them: a
// choice that is not returned stays invisible to the other side.
//
// The package owns its tables; it asks events who came to an event and
// never reads events' tables itself.
package connections

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// What an attendee shares with the people they connect with.
const (
	ShareEmail = "email"
	SharePhone = "phone"
)

// Where a choice comes from.
const (
	SourceWeb   = "web"
	SourcePaper = "paper"
)

// MaxChoices bounds one submission (an event rarely has more attendees).
const MaxChoices = 500

// Store keeps who opted in, the choices and the links.
type Store struct {
	db          *db.DB
	territories *territory.Store
	events      *events.Store
	mailer      *mail.Mailer
	cat         i18n.Catalogs
	now         func() time.Time
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	Events      *events.Store
	Mailer      *mail.Mailer
	Catalogs    i18n.Catalogs
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the connections store.
func NewStore(c Config) *Store {
	return &Store{db: c.DB, territories: c.Territories, events: c.Events, mailer: c.Mailer, cat: c.Catalogs, now: db.Clock(c.Now)}
}

// DisplayName is how attendees see one another: the first name and the
// initial of the last name (« Réjean T. »).
func DisplayName(name string) string {
	words := strings.Fields(name)
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	last, _ := utf8.DecodeRuneInString(words[len(words)-1])
	return words[0] + " " + string(unicode.ToUpper(last)) + "."
}

// contactOf is the detail a person chose to share, "" when they gave none.
func contactOf(r events.Registration, share string) string {
	switch share {
	case ShareEmail:
		return r.Email
	case SharePhone:
		return r.Phone
	}
	return ""
}

// Person is another attendee as one attendee sees them.
type Person struct {
	RegistrationID int64
	Display        string
	// Chosen is true when the viewer said « j'aimerais garder contact ».
	Chosen bool
	// Contact is their chosen detail; set only once the link is mutual.
	Contact string
}

// View is what one attendee sees (or staff see for them).
type View struct {
	Event   events.Event
	Me      events.Registration
	OptedIn bool
	Share   string
	// Others are the attendees who opted in, not yet linked with Me.
	Others []Person
	// Links are the people Me is connected with, with their contact.
	Links []Person
}

// CanShareEmail and CanSharePhone say which details Me gave.
func (v View) CanShareEmail() bool { return v.Me.Email != "" }
func (v View) CanSharePhone() bool { return v.Me.Phone != "" }

// Choice is what an attendee says.
type Choice struct {
	// OptIn makes them appear to the other attendees.
	OptIn bool
	// Share is ShareEmail or SharePhone.
	Share string
	// With lists the registrations they would like to keep in touch with.
	With []int64
}

// Result tells what a submission did.
type Result struct {
	// NewLinks counts the mutual links this submission created.
	NewLinks int
}

// attendance is an event's attendees, checked before anything is read or written.
type attendance struct {
	ev       events.Event
	me       events.Registration
	byID     map[int64]events.Registration
	attended []events.Registration
}

// check makes sure the event was held and reg came to it.
func (s *Store) check(ctx context.Context, ev events.Event, reg events.Registration) (attendance, error) {
	a := attendance{ev: ev, me: reg, byID: map[int64]events.Registration{}}
	if reg.Status == events.Withdrawn {
		return a, errs.New(errs.Conflict, "errors.registration_cancelled")
	}
	if ev.CancelledAt != nil || ev.HeldAt == nil {
		return a, errs.New(errs.Conflict, "errors.connection_not_held")
	}
	list, err := s.events.Attendees(ctx, ev.TerritoryID, ev.ID)
	if err != nil {
		return a, err
	}
	a.attended = list
	for _, r := range list {
		a.byID[r.ID] = r
	}
	if _, ok := a.byID[reg.ID]; !ok {
		return a, errs.New(errs.Conflict, "errors.connection_not_attendee")
	}
	return a, nil
}

// byToken opens an attendee by their private registration link, on a territory.
func (s *Store) byToken(ctx context.Context, territoryID int64, tok string) (attendance, error) {
	reg, ev, err := s.events.ByToken(ctx, tok)
	if err == nil && ev.TerritoryID != territoryID {
		err = errs.New(errs.NotFound, "errors.registration_not_found")
	}
	if err != nil {
		return attendance{}, err
	}
	return s.check(ctx, ev, reg)
}

// byStaff opens an attendee of an event for staff.
func (s *Store) byStaff(ctx context.Context, territoryID, eventID, regID int64) (attendance, error) {
	ev, err := s.events.Get(ctx, territoryID, eventID)
	if err != nil {
		return attendance{}, err
	}
	regs, err := s.events.Registrations(ctx, territoryID, eventID)
	if err != nil {
		return attendance{}, err
	}
	for _, r := range regs {
		if r.ID == regID {
			return s.check(ctx, ev, r)
		}
	}
	return attendance{}, errs.New(errs.NotFound, "errors.registration_not_found")
}

// ViewByToken is what an attendee sees through their private link.
func (s *Store) ViewByToken(ctx context.Context, territoryID int64, tok string) (View, error) {
	a, err := s.byToken(ctx, territoryID, tok)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, a)
}

// ViewForStaff is what staff see when they record an attendee's paper form.
func (s *Store) ViewForStaff(ctx context.Context, territoryID, eventID, regID int64) (View, error) {
	a, err := s.byStaff(ctx, territoryID, eventID, regID)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, a)
}

// SaveByToken records an attendee's choices made through their private link.
func (s *Store) SaveByToken(ctx context.Context, territoryID int64, tok string, c Choice) (Result, error) {
	a, err := s.byToken(ctx, territoryID, tok)
	if err != nil {
		return Result{}, err
	}
	return s.save(ctx, a, c, SourceWeb)
}

// SaveByStaff records an attendee's choices from a paper form.
func (s *Store) SaveByStaff(ctx context.Context, territoryID, eventID, regID int64, c Choice) (Result, error) {
	a, err := s.byStaff(ctx, territoryID, eventID, regID)
	if err != nil {
		return Result{}, err
	}
	return s.save(ctx, a, c, SourcePaper)
}

// queryFunc is db.DB.Query or db.Tx.Query.
type queryFunc func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

// profiles maps each registration of the event that opted in to what it shares.
func profiles(ctx context.Context, query queryFunc, eventID int64) (map[int64]string, error) {
	rows, err := query(ctx, `SELECT registration_id, share FROM connection_profiles WHERE event_id = ?`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var share string
		if err := rows.Scan(&id, &share); err != nil {
			return nil, err
		}
		out[id] = share
	}
	return out, rows.Err()
}

// ids reads a list of ids.
func ids(ctx context.Context, query queryFunc, q string, args ...any) (map[int64]bool, error) {
	rows, err := query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

func linkedWith(ctx context.Context, query queryFunc, regID int64) (map[int64]bool, error) {
	return ids(ctx, query, `SELECT CASE WHEN registration_a = ? THEN registration_b ELSE registration_a END
		FROM connection_links WHERE registration_a = ? OR registration_b = ?`, regID, regID, regID)
}

func (s *Store) view(ctx context.Context, a attendance) (View, error) {
	v := View{Event: a.ev, Me: a.me}
	prof, err := profiles(ctx, s.db.Query, a.ev.ID)
	if err != nil {
		return v, err
	}
	chosen, err := ids(ctx, s.db.Query, `SELECT to_registration_id FROM connection_choices WHERE from_registration_id = ?`, a.me.ID)
	if err != nil {
		return v, err
	}
	linked, err := linkedWith(ctx, s.db.Query, a.me.ID)
	if err != nil {
		return v, err
	}
	v.Share, v.OptedIn = prof[a.me.ID]
	if !v.OptedIn {
		v.Share = ShareEmail
		if a.me.Email == "" {
			v.Share = SharePhone
		}
	}
	for _, r := range a.attended {
		if r.ID == a.me.ID {
			continue
		}
		share, visible := prof[r.ID]
		p := Person{RegistrationID: r.ID, Display: DisplayName(r.Name), Chosen: chosen[r.ID]}
		switch {
		case linked[r.ID]:
			p.Contact = contactOf(r, share)
			v.Links = append(v.Links, p)
		case visible:
			v.Others = append(v.Others, p)
		}
	}
	byName := func(l []Person) {
		sort.SliceStable(l, func(i, j int) bool { return l[i].Display < l[j].Display })
	}
	byName(v.Others)
	byName(v.Links)
	return v, nil
}

// save validates everything, then stores the choices and the links they
// complete in one transaction, with the e-mails of the new links.
func (s *Store) save(ctx context.Context, a attendance, c Choice, source string) (Result, error) {
	f := errs.Fields{}
	with := make([]int64, 0, len(c.With))
	seen := map[int64]bool{}
	for _, id := range c.With {
		if !seen[id] {
			seen[id] = true
			with = append(with, id)
		}
	}
	sort.Slice(with, func(i, j int) bool { return with[i] < with[j] })
	if c.OptIn {
		if contactOf(a.me, c.Share) == "" {
			f.Add("share", "errors.connection_share")
		}
	} else if len(with) > 0 {
		f.Add("opt_in", "errors.connection_opt_in_first")
	}
	if len(with) > MaxChoices {
		f.Add("with", "errors.connection_too_many")
	}
	for _, id := range with {
		switch _, came := a.byID[id]; {
		case id == a.me.ID:
			f.Add("with", "errors.connection_self")
		case !came:
			f.Add("with", "errors.connection_absent")
		}
	}
	if err := f.Err(); err != nil {
		return Result{}, err
	}
	t, err := s.territories.ByID(ctx, a.ev.TerritoryID)
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res = Result{}
		now := s.now()
		// One submission per event at a time (PostgreSQL: the row lock),
		// so that two people choosing each other at once make one link.
		if _, err := tx.Exec(ctx, `INSERT INTO connection_events (event_id, territory_id, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (event_id) DO UPDATE SET updated_at = excluded.updated_at`, a.ev.ID, a.ev.TerritoryID, now); err != nil {
			return err
		}
		prof, err := profiles(ctx, tx.Query, a.ev.ID)
		if err != nil {
			return err
		}
		for _, id := range with {
			if _, ok := prof[id]; !ok {
				return &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"with": "errors.connection_not_visible"}}
			}
		}
		if c.OptIn {
			if _, err := tx.Exec(ctx, `INSERT INTO connection_profiles (territory_id, event_id, registration_id, share, source, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (registration_id) DO UPDATE SET share = excluded.share, source = excluded.source,
				updated_at = excluded.updated_at`, a.ev.TerritoryID, a.ev.ID, a.me.ID, c.Share, source, now, now); err != nil {
				return err
			}
			prof[a.me.ID] = c.Share
		} else {
			if _, err := tx.Exec(ctx, `DELETE FROM connection_profiles WHERE registration_id = ?`, a.me.ID); err != nil {
				return err
			}
		}
		before, err := ids(ctx, tx.Query, `SELECT to_registration_id FROM connection_choices WHERE from_registration_id = ?`, a.me.ID)
		if err != nil {
			return err
		}
		for id := range before {
			if !seen[id] {
				if _, err := tx.Exec(ctx, `DELETE FROM connection_choices WHERE from_registration_id = ? AND to_registration_id = ?`, a.me.ID, id); err != nil {
					return err
				}
			}
		}
		for _, id := range with {
			if _, err := tx.Exec(ctx, `INSERT INTO connection_choices (territory_id, event_id, from_registration_id, to_registration_id, source, created_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (from_registration_id, to_registration_id) DO NOTHING`,
				a.ev.TerritoryID, a.ev.ID, a.me.ID, id, source, now); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM connection_choices WHERE from_registration_id = ? AND to_registration_id = ?`,
				id, a.me.ID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				continue // not (yet) returned: nothing shows on either side
			}
			lo, hi := a.me.ID, id
			if hi < lo {
				lo, hi = hi, lo
			}
			r, err := tx.Exec(ctx, `INSERT INTO connection_links (territory_id, event_id, registration_a, registration_b, created_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (registration_a, registration_b) DO NOTHING`, a.ev.TerritoryID, a.ev.ID, lo, hi, now)
			if err != nil {
				return err
			}
			if n, _ := r.RowsAffected(); n == 0 {
				continue // already linked: the e-mails went out then
			}
			res.NewLinks++
			other := a.byID[id]
			if err := s.tell(ctx, tx, t, a.ev, a.me, other, prof[id]); err != nil {
				return err
			}
			if err := s.tell(ctx, tx, t, a.ev, other, a.me, prof[a.me.ID]); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// tell queues, inside tx, the e-mail that gives to the other's chosen
// contact detail; someone without an e-mail hears it from staff.
func (s *Store) tell(ctx context.Context, tx *db.Tx, t territory.Territory, ev events.Event, to, other events.Registration, share string) error {
	if to.Email == "" {
		return nil
	}
	lang := to.Lang
	T := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	text := T("mail.connection.body", to.Name, ev.Name(s.cat, lang, t.Location()), DisplayName(other.Name), contactOf(other, share)) +
		"\n\n-- \n" + t.MailFooter()
	_, err := s.mailer.QueueTx(ctx, tx, t.ID, mail.Message{To: to.Email, Subject: T("mail.connection.subject", DisplayName(other.Name)), Text: text})
	return err
}
