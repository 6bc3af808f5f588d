package events

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/export"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// notice is a kind of message to a registrant.
type notice string

const (
	noticeConfirmed      notice = "confirmed"
	noticeWaitlisted     notice = "waitlisted"
	noticePromoted       notice = "promoted"
	noticeChanged        notice = "changed"
	noticeCancelled      notice = "cancelled"
	noticeReminder       notice = "reminder"
	noticeReminderOfLink notice = "link"
)

// withCalendar says which messages carry the event as an .ics file.
var withCalendar = map[notice]bool{noticeConfirmed: true, noticePromoted: true, noticeChanged: true, noticeCancelled: true, noticeReminder: true}

// Details describes an event in a registrant's language: when, where,
// what is served, how to get there, whom to call.
func (s *Store) Details(lang string, t territory.Territory, ev Event) string {
	loc := t.Location()
	T := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	var b strings.Builder
	line := func(label, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s%s\n", T(label), v)
		}
	}
	b.WriteString(ev.Name(s.cat, lang, loc) + "\n")
	line("mail.event.when", i18n.DateWithWeekday(lang, ev.StartsAt.In(loc))+", "+
		i18n.Time(lang, ev.StartsAt.In(loc))+" – "+i18n.Time(lang, ev.EndsAt.In(loc)))
	line("mail.event.where", strings.Join(nonEmpty(ev.VenueName, ev.VenueAddress, ev.PlaceName), ", "))
	line("mail.event.menu", ev.Menu)
	line("mail.event.accessibility", ev.Accessibility)
	line("mail.event.directions", ev.Directions)
	contact := strings.TrimSpace(strings.Join(nonEmpty(ev.ContactName, ev.ContactPhone, ev.ContactEmail), ", "))
	line("mail.event.contact", contact)
	return b.String()
}

func nonEmpty(v ...string) []string {
	var out []string
	for _, s := range v {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Calendar returns the events as an iCalendar file named name, with the
// territory's time zone (so that one without events is still valid).
func (s *Store) Calendar(lang string, t territory.Territory, evs []Event, name string) []byte {
	cal := export.Calendar{Name: name, TimeZone: t.Location()}
	for _, ev := range evs {
		cal.Events = append(cal.Events, s.calendarEvent(lang, t, ev))
	}
	var buf bytes.Buffer
	_, _ = cal.WriteTo(&buf)
	return buf.Bytes()
}

func (s *Store) calendarEvent(lang string, t territory.Territory, ev Event) export.Event {
	status := "CONFIRMED"
	if ev.CancelledAt != nil {
		status = "CANCELLED"
	}
	host := strings.TrimPrefix(strings.TrimPrefix(s.baseURL, "https://"), "http://")
	e := export.Event{
		UID:          fmt.Sprintf("event-%d@%s", ev.ID, host),
		Sequence:     ev.Sequence,
		Start:        ev.StartsAt,
		End:          ev.EndsAt,
		Summary:      ev.Name(s.cat, lang, t.Location()),
		Description:  strings.TrimSpace(ev.Summary + "\n\n" + ev.Menu),
		Location:     strings.TrimSpace(strings.Join(nonEmpty(ev.VenueName, ev.VenueAddress, ev.PlaceName), ", ")),
		URL:          s.EventURL(ev),
		Status:       status,
		Created:      ev.CreatedAt,
		LastModified: ev.UpdatedAt,
		Categories:   []string{s.cat.T(lang, "event.kind."+string(ev.Kind))},
	}
	return e
}

// EventURL is the public address of an event.
func (s *Store) EventURL(ev Event) string { return s.baseURL + "/evenements/" + ev.Slug }

// notify queues one message to a registrant, inside tx.
func (s *Store) notify(ctx context.Context, tx *db.Tx, t territory.Territory, ev Event, r Registration, kind notice) error {
	return s.queueNotice(ctx, tx, t, ev, r, kind, mail.Limit{})
}

// SignUpMailsPer is the window of the one e-mail a public sign-up sends per
// registration: signing up again the same day (or probing an address) sends
// nothing more, and the page says the same either way.
const SignUpMailsPer = 24 * time.Hour

// notifySignUp queues the answer to a sign-up: at most one per registration
// within SignUpMailsPer.
func (s *Store) notifySignUp(ctx context.Context, tx *db.Tx, t territory.Territory, ev Event, r Registration, kind notice) error {
	return s.queueNotice(ctx, tx, t, ev, r, kind, mail.Limit{Key: fmt.Sprintf("registration:%d", r.ID), Max: 1, Per: SignUpMailsPer})
}

func (s *Store) queueNotice(ctx context.Context, tx *db.Tx, t territory.Territory, ev Event, r Registration, kind notice, lim mail.Limit) error {
	if r.Email == "" {
		return nil
	}
	var nonce string
	if err := tx.QueryRow(ctx, `SELECT manage_nonce FROM registrations WHERE id = ?`, r.ID).Scan(&nonce); err != nil {
		return err
	}
	tok, err := s.manageToken(nonce)
	if err != nil {
		return err
	}
	lang := r.Lang
	T := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	name := ev.Name(s.cat, lang, t.Location())
	body := T("mail.event."+string(kind)+".body", r.Name)
	if kind == noticeWaitlisted {
		body = T("mail.event.waitlisted.body", r.Name, r.WaitlistPosition)
		if r.PartySize > 1 {
			body = T("mail.event.waitlisted_party.body", r.Name, r.WaitlistPosition, r.PartySize)
		}
	}
	if kind == noticeCancelled && ev.CancelReason != "" {
		body += "\n\n" + T("mail.event.cancel_reason") + ev.CancelReason
	}
	text := body + "\n\n" + s.Details(lang, t, ev) + "\n" + T("mail.event.people", r.PartySize)
	if via := r.ManagedVia(ev); via != "" {
		text += "\n\n" + T("mail.event.managed_via") + "\n" + s.baseURL + via
	} else if kind != noticeCancelled {
		text += "\n\n" + T("mail.event.manage") + "\n" + s.ManageURL(tok)
	}
	text += "\n\n-- \n" + t.MailFooter()
	msg := mail.Message{
		To:      r.Email,
		Subject: T("mail.event."+string(kind)+".subject", name),
		Text:    text,
		Secrets: []string{tok},
		Limit:   lim,
	}
	if withCalendar[kind] && (r.Status == Confirmed || kind == noticeCancelled) {
		msg.Attachments = []mail.Attachment{{
			Filename:    i18n.Slug(name, 40) + ".ics",
			ContentType: "text/calendar; charset=utf-8; method=PUBLISH",
			Data:        s.Calendar(lang, t, []Event{ev}, ""),
		}}
	}
	_, err = s.mailer.QueueTx(ctx, tx, t.ID, msg)
	return err
}

// notifyAll tells every registrant still signed up.
func (s *Store) notifyAll(ctx context.Context, tx *db.Tx, t territory.Territory, ev Event, kind notice) error {
	rows, err := tx.Query(ctx, `SELECT `+regCols+regFrom+`WHERE r.event_id = ? AND r.status <> 'cancelled' AND r.email <> '' ORDER BY r.id`, ev.ID)
	if err != nil {
		return err
	}
	var regs []Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			rows.Close()
			return err
		}
		regs = append(regs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range regs {
		if err := s.notify(ctx, tx, t, ev, r, kind); err != nil {
			return err
		}
	}
	return nil
}

// ReminderLead is how long before an event its reminder goes out.
const ReminderLead = 48 * time.Hour

// SendReminders queues the reminder of every confirmed registration whose
// event starts within ReminderLead; each is reminded once.
func (s *Store) SendReminders(ctx context.Context) (int, error) {
	now := s.now()
	rows, err := s.db.Query(ctx, `SELECT DISTINCT e.territory_id, e.id FROM events e JOIN registrations r ON r.event_id = e.id
		WHERE e.starts_at > ? AND e.starts_at <= ? AND e.cancelled_at IS NULL AND e.publish_at IS NOT NULL
		AND r.status = 'confirmed' AND r.reminder_sent_at IS NULL AND r.email <> ''`, now, now.Add(ReminderLead))
	if err != nil {
		return 0, err
	}
	type key struct{ territory, event int64 }
	var due []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.territory, &k.event); err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	for _, k := range due {
		t, err := s.territories.ByID(ctx, k.territory)
		if err != nil {
			return sent, err
		}
		err = s.inTx(ctx, func(tx *db.Tx) error {
			if err := lockEvent(ctx, tx, k.territory, k.event); err != nil {
				return err
			}
			ev, err := txEvent(ctx, tx, k.territory, k.event)
			if err != nil {
				return err
			}
			rs, err := tx.Query(ctx, `SELECT `+regCols+regFrom+`WHERE r.event_id = ? AND r.status = 'confirmed'
				AND r.reminder_sent_at IS NULL AND r.email <> '' ORDER BY r.id`, ev.ID)
			if err != nil {
				return err
			}
			var regs []Registration
			for rs.Next() {
				r, err := scanRegistration(rs)
				if err != nil {
					rs.Close()
					return err
				}
				regs = append(regs, r)
			}
			rs.Close()
			if err := rs.Err(); err != nil {
				return err
			}
			for _, r := range regs {
				if err := s.notify(ctx, tx, t, ev, r, noticeReminder); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE registrations SET reminder_sent_at = ? WHERE id = ?`, now, r.ID); err != nil {
					return err
				}
				sent++
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}
