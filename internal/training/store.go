// Package training keeps the program's trainings: programs (« Laboratoire
// leadership citoyen », « Faire équipe avec sa communauté », the
// municipalities' training in citizen participation), their cohorts — one
// run of a program, whose sessions are events of package events (date,
// venue, reminders, check-in and attendance) — the learners enrolled, by
// themselves or by their organisation, with a wait-list, their progress
// and completion (the program's rule, or staff's decision with its
// reason), the certificates and their verification codes, and the
// evaluations, run by the survey engine.
package training

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
	"implique/internal/mail"
	"implique/internal/survey"
	"implique/internal/territory"
)

// Evaluations runs the evaluations of a cohort: package survey.
type Evaluations interface {
	EvaluationWave(ctx context.Context, territoryID int64, instrument, name string, opens calendar.Date, by int64) (survey.Wave, error)
	InviteAttendees(ctx context.Context, territoryID, waveID, eventID int64) (int, error)
	CloseWave(ctx context.Context, territoryID, id int64) error
}

// Store keeps programs, cohorts, enrolments and certificates.
type Store struct {
	db          *db.DB
	territories *territory.Store
	events      *events.Store
	evaluations Evaluations
	mailer      *mail.Mailer
	cat         i18n.Catalogs
	baseURL     string
	links       *auth.LinkSigner
	now         func() time.Time
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	// Events holds the sessions: date, venue, reminders, check-in.
	Events *events.Store
	// Evaluations sends the evaluations (package survey).
	Evaluations Evaluations
	Auth        *auth.Store
	Mailer      *mail.Mailer
	Catalogs    i18n.Catalogs
	// BaseURL is the address of the links in e-mails.
	BaseURL string
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the training store.
func NewStore(c Config) *Store {
	s := &Store{db: c.DB, territories: c.Territories, events: c.Events, evaluations: c.Evaluations, mailer: c.Mailer,
		cat: c.Catalogs, baseURL: strings.TrimRight(c.BaseURL, "/"), now: db.Clock(c.Now)}
	if c.Auth != nil {
		s.links = c.Auth.LinkSigner("training_links", "training_enrolment")
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
