package events

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/privacy"
)

// The events store holds the people who sign up for events (their contact
// details, their needs, their consent to be contacted again), the
// facilitators named on an event, and the published contact of each event.

const (
	catRegistrations = "events.registrations"
	catFacilitators  = "events.facilitators"
	catContacts      = "events.contacts"
	catReports       = "events.reports"

	// RulePastRegistrants anonymises who signed up for an event, some time
	// after the event; RuleCancelled does so for cancelled sign-ups.
	RulePastRegistrants = "events.past_registrants"
	RuleCancelled       = "events.cancelled_registrations"
)

// Inventory says what the events store keeps about people.
func (s *Store) Inventory() []privacy.Category {
	return []privacy.Category{
		{Key: catRegistrations, Columns: []string{"registrations.name", "registrations.email", "registrations.phone",
			"registrations.phone_key", "registrations.party_size", "registrations.dietary", "registrations.accessibility",
			"registrations.ride", "registrations.from_place_id", "registrations.consent_contact", "registrations.consent_at",
			"registrations.lang", "registrations.manage_nonce", "registrations.manage_token_hash"}, Rule: RulePastRegistrants},
		{Key: catFacilitators, Columns: []string{"event_facilitators.user_id"}},
		{Key: catContacts, Columns: []string{"events.contact_name", "events.contact_phone", "events.contact_email"}},
		// Staff's notes on a held event may name someone; they are not
		// filed by person, so a request cannot find them.
		{Key: catReports, Columns: []string{"events.report_notes"}},
	}
}

// Retention lists the rules that end what the events store keeps.
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{
		{Key: RulePastRegistrants, Days: 365, Action: privacy.Anonymise},
		{Key: RuleCancelled, Days: 90, Action: privacy.Anonymise},
	}
}

// SubjectRegistrations lists the ids of the registrations of s (by e-mail
// or phone) in s's territory, read with q: the capabilities built on
// registrations (links created, training) find their own rows with it.
func SubjectRegistrations(ctx context.Context, q db.Querier, s privacy.Subject) ([]int64, error) {
	where, args := s.Where("", "email", "phone_key")
	if where == "" {
		return nil, nil
	}
	var ids []int64
	err := db.Each(ctx, q, `SELECT id FROM registrations WHERE territory_id = ? AND `+where+` ORDER BY id`,
		append([]any{s.TerritoryID}, args...), func(r *sql.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
	return ids, err
}

func yesNo(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// Find lists the subject's registrations, the events they facilitate, and
// the events that publish them as contact.
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	var out []privacy.Record
	if where, args := sub.Where("", "r.email", "r.phone_key"); where != "" {
		err := db.Each(ctx, q, `SELECT r.id, e.title, e.starts_at, r.name, r.email, r.phone, r.party_size, r.dietary, r.accessibility,
			r.ride, COALESCE(p.name, ''), r.consent_contact, r.consent_at, r.lang, r.status, r.checked_in_at, r.created_at, r.cancelled_at
			FROM registrations r JOIN events e ON e.id = r.event_id LEFT JOIN places p ON p.id = r.from_place_id
			WHERE r.territory_id = ? AND `+where+` ORDER BY r.created_at, r.id`, append([]any{sub.TerritoryID}, args...),
			func(rows *sql.Rows) error {
				var id int64
				var party int
				var consent bool
				var title, name, email, phone, dietary, access, ride, from, lang, status string
				var starts, created time.Time
				var consentAt, checked, cancelled *time.Time
				if err := rows.Scan(&id, &title, db.ScanTime(&starts), &name, &email, &phone, &party, &dietary, &access, &ride, &from,
					&consent, db.ScanNullTime(&consentAt), &lang, &status, db.ScanNullTime(&checked), db.ScanTime(&created),
					db.ScanNullTime(&cancelled)); err != nil {
					return err
				}
				rec := privacy.Record{Ref: privacy.Ref{Table: "registrations", ID: id}, Category: catRegistrations,
					Label: "Inscription\u00a0: " + title + " — " + day(starts), When: created}
				add := func(n, v string) {
					if v != "" {
						rec.Fields = append(rec.Fields, privacy.Field{Name: n, Value: v})
					}
				}
				add("name", name)
				add("email", email)
				add("phone", phone)
				add("party_size", strconv.Itoa(party))
				add("dietary", dietary)
				add("accessibility", access)
				add("ride", ride)
				add("events.from_place_id", from)
				add("events.consent_contact", yesNo(consent))
				if consentAt != nil {
					add("events.consent_at", consentAt.UTC().Format(time.RFC3339))
				}
				add("lang", lang)
				add("status", status)
				if checked != nil {
					add("events.checked_in_at", checked.UTC().Format(time.RFC3339))
				}
				add("created_at", created.UTC().Format(time.RFC3339))
				if cancelled != nil {
					add("events.cancelled_at", cancelled.UTC().Format(time.RFC3339))
				}
				out = append(out, rec)
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	if sub.UserID != 0 {
		err := db.Each(ctx, q, `SELECT e.id, e.title, e.starts_at FROM event_facilitators f JOIN events e ON e.id = f.event_id
			WHERE e.territory_id = ? AND f.user_id = ? ORDER BY e.starts_at, e.id`, []any{sub.TerritoryID, sub.UserID},
			func(rows *sql.Rows) error {
				var id int64
				var title string
				var starts time.Time
				if err := rows.Scan(&id, &title, db.ScanTime(&starts)); err != nil {
					return err
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "event_facilitators", ID: id}, Category: catFacilitators,
					Label: "Animation\u00a0: " + title + " — " + day(starts), When: starts,
					Fields: []privacy.Field{{Name: "events.facilitator", Value: "oui"}}})
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	if len(sub.Emails) > 0 || len(sub.Phones) > 0 {
		where, args := privacy.Subject{Emails: sub.Emails}.Where("", "contact_email", "")
		if where == "" {
			where = "1 = 0"
		}
		phones := map[string]bool{}
		for _, p := range sub.Phones {
			phones[p] = true
		}
		err := db.Each(ctx, q, `SELECT id, title, starts_at, contact_name, contact_email, contact_phone FROM events
			WHERE territory_id = ? AND (`+where+` OR contact_phone <> '') ORDER BY starts_at, id`, append([]any{sub.TerritoryID}, args...),
			func(rows *sql.Rows) error {
				var id int64
				var title, name, email, phone string
				var starts time.Time
				if err := rows.Scan(&id, &title, db.ScanTime(&starts), &name, &email, &phone); err != nil {
					return err
				}
				if !hasEmail(sub.Emails, email) && !phones[i18n.PhoneKey(phone)] {
					return nil
				}
				rec := privacy.Record{Ref: privacy.Ref{Table: "events", ID: id}, Category: catContacts,
					Label: "Personne-ressource\u00a0: " + title + " — " + day(starts), When: starts}
				for _, f := range []privacy.Field{{Name: "name", Value: name}, {Name: "email", Value: email}, {Name: "phone", Value: phone}} {
					if f.Value != "" {
						rec.Fields = append(rec.Fields, f)
					}
				}
				out = append(out, rec)
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func hasEmail(emails []string, e string) bool {
	e = strings.ToLower(strings.TrimSpace(e))
	if e == "" {
		return false
	}
	for _, x := range emails {
		if x == e {
			return true
		}
	}
	return false
}

// anonymiseRegistration blanks every personal column of a registration,
// keeping its event, party size and status for the counts; the private
// link stops working. It changes nothing in a row already anonymised
// (manage_nonce is ” only then).
const anonymiseRegistration = `UPDATE registrations SET name = '', email = '', phone = '', phone_key = '', dietary = '',
	accessibility = '', ride = 'none', from_place_id = NULL, consent_contact = FALSE, consent_at = NULL, manage_nonce = '',
	manage_token_hash = 'erased:' || CAST(id AS TEXT), updated_at = ?`

// Erase anonymises the subject's registrations (the events keep their
// counts), removes them from the events they facilitated, and blanks the
// events' contact that was theirs.
func (s *Store) Erase(ctx context.Context, tx *db.Tx, sub privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	kept := 0
	for _, ref := range refs {
		switch ref.Table {
		case "registrations":
			if _, err := tx.Exec(ctx, anonymiseRegistration+` WHERE id = ? AND manage_nonce <> ''`, s.now(), ref.ID); err != nil {
				return nil, err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM registrations WHERE id = ?`, ref.ID).Scan(&n); err != nil {
				return nil, err
			}
			kept += n
		case "event_facilitators":
			if sub.UserID != 0 {
				if _, err := tx.Exec(ctx, `DELETE FROM event_facilitators WHERE event_id = ? AND user_id = ?`, ref.ID, sub.UserID); err != nil {
					return nil, err
				}
			}
		case "events":
			if _, err := tx.Exec(ctx, `UPDATE events SET contact_name = '', contact_email = '', contact_phone = '' WHERE id = ?`,
				ref.ID); err != nil {
				return nil, err
			}
		}
	}
	if sub.UserID != 0 {
		// An account may facilitate events the refs do not name (added
		// since): none may keep it.
		if _, err := tx.Exec(ctx, `DELETE FROM event_facilitators WHERE user_id = ? AND event_id IN (SELECT id FROM events WHERE territory_id = ?)`,
			sub.UserID, sub.TerritoryID); err != nil {
			return nil, err
		}
	}
	if kept == 0 {
		return nil, nil
	}
	return []privacy.Kept{{Category: catRegistrations, Reason: "privacy.kept.events.registrations", Count: kept}}, nil
}

// Expire applies one retention rule in a territory.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	var res sql.Result
	var err error
	switch rule {
	case RulePastRegistrants:
		res, err = tx.Exec(ctx, anonymiseRegistration+` WHERE territory_id = ? AND manage_nonce <> ''
			AND event_id IN (SELECT id FROM events WHERE territory_id = ? AND ends_at < ?)`, s.now(), territoryID, territoryID, db.Time(cutoff))
	case RuleCancelled:
		res, err = tx.Exec(ctx, anonymiseRegistration+` WHERE territory_id = ? AND manage_nonce <> '' AND status = ?
			AND cancelled_at < ?`, s.now(), territoryID, Withdrawn, db.Time(cutoff))
	default:
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

var sourceWords = map[string]string{SourceWeb: "formulaire web", SourceAPI: "formulaire web", SourcePhone: "téléphone",
	SourcePaper: "papier", SourceWalkIn: "sur place", SourceTraining: "inscription à une formation"}

// Consents lists the subject's consents to be contacted again, one per
// registration that recorded one.
func (s *Store) Consents(ctx context.Context, sub privacy.Subject) ([]privacy.Consent, error) {
	where, args := sub.Where("", "r.email", "r.phone_key")
	if where == "" {
		return nil, nil
	}
	var out []privacy.Consent
	err := db.Each(ctx, s.db, `SELECT r.id, e.title, e.starts_at, r.consent_contact, r.consent_at, r.source, r.lang, r.updated_at
		FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.territory_id = ? AND r.consent_at IS NOT NULL AND `+where+` ORDER BY r.consent_at, r.id`,
		append([]any{sub.TerritoryID}, args...), func(rows *sql.Rows) error {
			var id int64
			var title, source, lang string
			var starts, at, updated time.Time
			var on bool
			if err := rows.Scan(&id, &title, db.ScanTime(&starts), &on, db.ScanTime(&at), &source, &lang, db.ScanTime(&updated)); err != nil {
				return err
			}
			c := privacy.Consent{Ref: privacy.Ref{Table: "registrations", ID: id}, Purpose: privacy.Contact,
				Label: title + " — " + day(starts), Given: at, How: sourceWords[source]}
			if s.cat != nil && s.cat.Has("registration.consent") {
				c.Wording = s.cat.T(lang, "registration.consent")
			}
			if !on {
				w := updated
				c.Withdrawn = &w
			}
			out = append(out, c)
			return nil
		})
	return out, err
}

// Withdraw withdraws the consent to be contacted again recorded on one of
// the subject's registrations.
func (s *Store) Withdraw(ctx context.Context, sub privacy.Subject, ref privacy.Ref) error {
	where, args := sub.Where("", "email", "phone_key")
	if ref.Table != "registrations" || where == "" {
		return errs.New(errs.NotFound, "errors.registration_not_found")
	}
	return s.inTx(ctx, func(tx *db.Tx) error {
		var on bool
		err := tx.QueryRow(ctx, `SELECT consent_contact FROM registrations WHERE id = ? AND territory_id = ? AND consent_at IS NOT NULL AND `+where,
			append([]any{ref.ID, sub.TerritoryID}, args...)...).Scan(&on)
		if err == sql.ErrNoRows {
			return errs.New(errs.NotFound, "errors.registration_not_found")
		}
		if err != nil || !on {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE registrations SET consent_contact = FALSE, updated_at = ? WHERE id = ?`, s.now(), ref.ID)
		return err
	})
}

// Correct rewrites the subject's name and phone on their registrations.
func (s *Store) Correct(ctx context.Context, tx *db.Tx, sub privacy.Subject, c privacy.Correction) (int, error) {
	where, args := sub.Where("", "email", "phone_key")
	if where == "" || (c.Name == "" && c.Phone == "") {
		return 0, nil
	}
	var sets []string
	var vals []any
	if c.Name != "" {
		sets = append(sets, "name = ?")
		vals = append(vals, c.Name)
	}
	if c.Phone != "" {
		sets = append(sets, "phone = ?", "phone_key = ?")
		vals = append(vals, c.Phone, i18n.PhoneKey(c.Phone))
	}
	vals = append(vals, s.now(), sub.TerritoryID)
	res, err := tx.Exec(ctx, `UPDATE registrations SET `+strings.Join(sets, ", ")+`, updated_at = ? WHERE territory_id = ? AND `+where,
		append(vals, args...)...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
