package survey

import (
	"time"

	"implique/internal/db"
	"implique/internal/territory"
)

// Store keeps questionnaires, waves and answers.
type Store struct {
	db          *db.DB
	territories *territory.Store
	now         func() time.Time
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the survey store.
func NewStore(c Config) *Store {
	return &Store{db: c.DB, territories: c.Territories, now: db.Clock(c.Now)}
}
