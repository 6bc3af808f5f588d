package privacy

import (
	"context"
	"database/sql"
	"time"

	"implique/internal/db"
	"implique/internal/territory"
)

// Config is what the privacy store is built from.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	// Holders are the capabilities that hold personal information, in the
	// order an erasure visits them (the accounts last).
	Holders []Holder
	// LogDir keeps the deletion log's file, which outlives a restore of
	// the database ("": none).
	LogDir string
	Now    func() time.Time
}

// Store is the privacy centre.
type Store struct {
	db      *db.DB
	terr    *territory.Store
	holders []Holder
	logDir  string
	now     func() time.Time
}

// NewStore builds the privacy store; it is a holder itself (the access log
// names staff, the requests name who asked).
func NewStore(cfg Config) *Store {
	s := &Store{db: cfg.DB, terr: cfg.Territories, logDir: cfg.LogDir, now: db.Clock(cfg.Now)}
	s.holders = append(append([]Holder{}, cfg.Holders...), own{})
	return s
}

// Holders lists the registered holders, the privacy store last.
func (s *Store) Holders() []Holder { return s.holders }

// AccessAction is what a member of staff did with personal information.
type AccessAction string

const (
	// Viewed: a page showing people's information was read.
	Viewed AccessAction = "view"
	// Exported: a file of people's information was downloaded.
	Exported AccessAction = "export"
	// Erased: a person's information was erased on their behalf.
	Erased AccessAction = "erase"
	// Corrected: a person's name or phone was corrected on their behalf.
	Corrected AccessAction = "correct"
)

// Access is one line of the access log: who, what, when — never the data.
type Access struct {
	ID          int64
	TerritoryID int64
	// UserID is the member of staff (0 once their account is gone).
	UserID int64
	// UserName is read with the log.
	UserName string
	Action   AccessAction
	// What is a catalog key's suffix naming the kind of information
	// ("events.registrations": privacy.access.<what>).
	What string
	// Record names the record read, without personal data ("event 12").
	Record string
	At     time.Time
}

// LogAccess writes one line of the access log.
func (s *Store) LogAccess(ctx context.Context, a Access) error {
	var user any
	if a.UserID != 0 {
		user = a.UserID
	}
	_, err := s.db.Exec(ctx, `INSERT INTO privacy_access_log (territory_id, user_id, action, what, record, at) VALUES (?, ?, ?, ?, ?, ?)`,
		a.TerritoryID, user, string(a.Action), a.What, a.Record, db.Time(s.now()))
	return err
}

// AccessFilter narrows the access log.
type AccessFilter struct {
	// UserID keeps one member of staff's lines (0: everyone).
	UserID int64
	// What keeps one kind of information ("": all).
	What string
	// Limit is the number of lines, newest first (0: 200).
	Limit int
}

// AccessLog reads the access log of a territory, newest first.
func (s *Store) AccessLog(ctx context.Context, territoryID int64, f AccessFilter) ([]Access, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	q := `SELECT a.id, a.territory_id, COALESCE(a.user_id, 0), COALESCE(u.name, ''), a.action, a.what, a.record, a.at
	      FROM privacy_access_log a LEFT JOIN users u ON u.id = a.user_id WHERE a.territory_id = ?`
	args := []any{territoryID}
	if f.UserID != 0 {
		q += ` AND a.user_id = ?`
		args = append(args, f.UserID)
	}
	if f.What != "" {
		q += ` AND a.what = ?`
		args = append(args, f.What)
	}
	q += ` ORDER BY a.at DESC, a.id DESC LIMIT ?`
	args = append(args, f.Limit)
	var out []Access
	err := db.Each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var a Access
		var action string
		if err := r.Scan(&a.ID, &a.TerritoryID, &a.UserID, &a.UserName, &action, &a.What, &a.Record, db.ScanTime(&a.At)); err != nil {
			return err
		}
		a.Action = AccessAction(action)
		out = append(out, a)
		return nil
	})
	return out, err
}
