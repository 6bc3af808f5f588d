// Package comms keeps the program's communications: campaigns (theme, goal,
// audiences, places, period, channels, the tracked links that carry the
// campaign's code, and what they produced), the content calendar (an item
// per channel and date, with its text, image, owner, status and the link it
// promotes), stories that put volunteers, committees and initiatives
// forward with each person's recorded consent, newsletters (lists,
// subscriptions with double opt-in and the proof of every consent and
// unsubscription, composing, scheduling and throttled sending), and the
// posters and flyers printed with a QR code.
package comms

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/survey"
	"implique/internal/territory"
	"implique/internal/tracking"
	"implique/internal/volunteering"
)

// Store keeps campaigns, the calendar, stories and newsletters.
type Store struct {
	db           *db.DB
	territories  *territory.Store
	events       *events.Store
	volunteering *volunteering.Store
	community    *community.Store
	surveys      *survey.Store
	tracking     *tracking.Store
	mailer       *mail.Mailer
	jobs         mail.Enqueuer
	sender       mail.Sender
	from         string
	cat          i18n.Catalogs
	baseURL      string
	auth         *auth.Store
	links        *auth.LinkSigner
	now          func() time.Time
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	// Events, Volunteering, Community and Surveys are asked for what a
	// calendar item, a newsletter block or a poster promotes.
	Events       *events.Store
	Volunteering *volunteering.Store
	Community    *community.Store
	Surveys      *survey.Store
	// Tracking makes the campaigns' links and counts their clicks.
	Tracking *tracking.Store
	Auth     *auth.Store
	// Mailer queues the one-off e-mails (a subscription's confirmation).
	Mailer *mail.Mailer
	// Jobs queues the newsletters' sending jobs.
	Jobs mail.Enqueuer
	// Sender delivers a newsletter's messages (nil: no SMTP server; they
	// are then kept, as the outbox keeps its own).
	Sender mail.Sender
	// From is the sender of every message.
	From     string
	Catalogs i18n.Catalogs
	// BaseURL is the address of the links in e-mails and on print.
	BaseURL string
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the communications store.
func NewStore(c Config) *Store {
	s := &Store{db: c.DB, territories: c.Territories, events: c.Events, volunteering: c.Volunteering, community: c.Community,
		surveys: c.Surveys, tracking: c.Tracking, mailer: c.Mailer, jobs: c.Jobs, sender: c.Sender, from: c.From,
		cat: c.Catalogs, baseURL: strings.TrimRight(c.BaseURL, "/"), auth: c.Auth, now: db.Clock(c.Now)}
	if c.Auth != nil {
		s.links = c.Auth.LinkSigner("comms_links", "comms_subscriber")
	}
	return s
}

func tooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// clean trims a line of text and joins its spaces.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// today is the territory's calendar day now, and its zone.
func (s *Store) today(ctx context.Context, territoryID int64) (calendar.Date, *time.Location, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return calendar.Date{}, nil, err
	}
	loc := t.Location()
	return calendar.DateOf(s.now().In(loc)), loc, nil
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }
