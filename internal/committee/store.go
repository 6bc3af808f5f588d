// Package committee keeps the partners' committee (« comité des
// partenaires »): its member organisations and their representatives, its
// meetings — each one an event of package events, with its agenda, its
// minutes (read by partners once published) and the decisions and
// follow-ups it made — and the documents it shares.
//
// Nothing here holds a citizen's personal data: a representative's e-mail
// stays with their account, and a meeting's attendance is a count.
package committee

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/orgs"
	"implique/internal/territory"
)

// Store keeps the committee's members, meetings, items and documents.
type Store struct {
	db          *db.DB
	territories *territory.Store
	events      *events.Store
	orgs        *orgs.Store
	auth        *auth.Store
	now         func() time.Time
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	// Events holds the meetings' date, place and attendance.
	Events *events.Store
	// Orgs names the member organisations linked to the directory.
	Orgs *orgs.Store
	// Auth tells whether an account linked to a member is a partner's.
	Auth *auth.Store
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the committee store.
func NewStore(c Config) *Store {
	return &Store{db: c.DB, territories: c.Territories, events: c.Events, orgs: c.Orgs, auth: c.Auth, now: db.Clock(c.Now)}
}

func tooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// clean trims a line of text and joins its spaces.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// today is the territory's calendar day now.
func (s *Store) today(ctx context.Context, territoryID int64) (calendar.Date, *time.Location, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return calendar.Date{}, nil, err
	}
	loc := t.Location()
	return calendar.DateOf(s.now().In(loc)), loc, nil
}

// Today is the territory's calendar day now.
func (s *Store) Today(ctx context.Context, territoryID int64) (calendar.Date, error) {
	d, _, err := s.today(ctx, territoryID)
	return d, err
}

// compareFold orders names as people read them: without case nor accents.
func compareFold(a, b string) int { return strings.Compare(i18n.Slug(a, 0), i18n.Slug(b, 0)) }

// trimBody trims a text of several lines.
func trimBody(s string) string { return strings.TrimSpace(s) }
