package survey

import (
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// Store keeps questionnaires, waves and answers.
type Store struct {
	db          *db.DB
	territories *territory.Store
	events      *events.Store
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
	// Events names who attended an event, for the post-event invitations.
	Events   *events.Store
	Auth     *auth.Store
	Mailer   *mail.Mailer
	Catalogs i18n.Catalogs
	// BaseURL is the address of the links in e-mails.
	BaseURL string
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the survey store.
func NewStore(c Config) *Store {
	s := &Store{db: c.DB, territories: c.Territories, events: c.Events, mailer: c.Mailer, cat: c.Catalogs,
		baseURL: strings.TrimRight(c.BaseURL, "/"), now: db.Clock(c.Now)}
	if c.Auth != nil {
		s.links = c.Auth.LinkSigner("survey_links", "survey_invitation")
	}
	return s
}
