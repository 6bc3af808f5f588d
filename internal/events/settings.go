package events

import (
	"context"
	"database/sql"
	"errors"

	"implique/internal/errs"
	"implique/internal/i18n"
)

// Party sizes.
const (
	// DefaultLargestParty is how many people one sign-up may bring without
	// staff unless administrators say otherwise: a small family.
	DefaultLargestParty = 4
	// MaxLargestParty bounds that setting.
	MaxLargestParty = 20
)

// Settings are what administrators set for the events of a territory.
type Settings struct {
	// LargestParty is the most people one sign-up may bring without staff
	// (public form, API, private link); staff take larger groups.
	LargestParty int
}

// Settings returns the territory's event settings (the defaults until set).
func (s *Store) Settings(ctx context.Context, territoryID int64) (Settings, error) {
	set := Settings{LargestParty: DefaultLargestParty}
	err := s.db.QueryRow(ctx, `SELECT largest_party FROM event_settings WHERE territory_id = ?`, territoryID).Scan(&set.LargestParty)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return set, err
}

// SaveSettings changes the territory's event settings.
func (s *Store) SaveSettings(ctx context.Context, territoryID, userID int64, set Settings) error {
	if set.LargestParty < 1 || set.LargestParty > MaxLargestParty {
		return errs.Fields{"largest_party": i18n.Msg("errors.largest_party", MaxLargestParty)}.Err()
	}
	var by any
	if userID != 0 {
		by = userID
	}
	_, err := s.db.Exec(ctx, `INSERT INTO event_settings (territory_id, largest_party, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (territory_id) DO UPDATE SET largest_party = excluded.largest_party, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at`, territoryID, set.LargestParty, by, s.now())
	return err
}
