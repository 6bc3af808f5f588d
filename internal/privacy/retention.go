package privacy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/db"
	"implique/internal/errs"
)

// Bounds of a retention rule's days: one day to ten years.
const (
	MinDays = 1
	MaxDays = 3650
)

// Entry is one category of the inventory with the rule that ends it in a
// territory (nil when it lasts as long as its purpose).
type Entry struct {
	Category Category
	Rule     *Setting
}

// Setting is a retention rule as a territory applies it.
type Setting struct {
	Rule
	// Default is the rule's own days; Days the territory's (the same when
	// it did not change them).
	Default int
}

// Changed reports whether the territory changed the rule's days.
func (s Setting) Changed() bool { return s.Days != s.Default }

// Rules lists every retention rule with the territory's days, in the
// registry's order.
func (s *Store) Rules(ctx context.Context, territoryID int64) ([]Setting, error) {
	days := map[string]int{}
	err := db.Each(ctx, s.db, `SELECT rule, days FROM privacy_retention WHERE territory_id = ?`, []any{territoryID},
		func(r *sql.Rows) error {
			var k string
			var d int
			if err := r.Scan(&k, &d); err != nil {
				return err
			}
			days[k] = d
			return nil
		})
	if err != nil {
		return nil, err
	}
	var out []Setting
	for _, h := range s.holders {
		for _, r := range h.Retention() {
			set := Setting{Rule: r, Default: r.Days}
			if d, ok := days[r.Key]; ok {
				set.Days = d
			}
			out = append(out, set)
		}
	}
	return out, nil
}

// Inventory lists every category of personal information, with the rule
// that ends it in the territory.
func (s *Store) Inventory(ctx context.Context, territoryID int64) ([]Entry, error) {
	rules, err := s.Rules(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, h := range s.holders {
		for _, c := range h.Inventory() {
			e := Entry{Category: c}
			for i := range rules {
				if rules[i].Key == c.Rule {
					e.Rule = &rules[i]
				}
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// SetRule sets the days of a retention rule in a territory.
func (s *Store) SetRule(ctx context.Context, territoryID, userID int64, key string, days int) error {
	rules, err := s.Rules(ctx, territoryID)
	if err != nil {
		return err
	}
	known := false
	for _, r := range rules {
		known = known || r.Key == key
	}
	if !known {
		return errs.New(errs.NotFound, "errors.not_found")
	}
	if days < MinDays || days > MaxDays {
		return errs.Fields{"days": "errors.privacy_days"}.Err()
	}
	var by any
	if userID != 0 {
		by = userID
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM privacy_retention WHERE territory_id = ? AND rule = ?`, territoryID, key); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO privacy_retention (territory_id, rule, days, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)`,
			territoryID, key, days, by, db.Time(s.now()))
		return err
	})
}

// Run is one run of the retention in a territory.
type Run struct {
	ID       int64
	Day      string
	Started  time.Time
	Finished *time.Time
	Failure  string
	Rules    []RunRule
}

// RunRule is what one rule did in a run.
type RunRule struct {
	Rule   string
	Days   int
	Cutoff time.Time
	Action Action
	Rows   int
}

// Total is how many rows the run changed.
func (r Run) Total() int {
	n := 0
	for _, x := range r.Rules {
		n += x.Rows
	}
	return n
}

// RunRetention applies every retention rule of a territory, once a day:
// each rule in its own transaction, written down with how many rows it
// changed. A run a crash interrupted is finished by the next call; a
// finished one is returned as it is.
func (s *Store) RunRetention(ctx context.Context, territoryID int64) (Run, error) {
	now := db.Time(s.now())
	day := now.Format(time.DateOnly)
	var run Run
	var finished *time.Time
	err := s.db.QueryRow(ctx, `SELECT id, finished_at FROM privacy_runs WHERE territory_id = ? AND day = ?`, territoryID, day).
		Scan(&run.ID, db.ScanNullTime(&finished))
	switch {
	case err == sql.ErrNoRows:
		run.ID, err = s.db.InsertID(ctx, `INSERT INTO privacy_runs (territory_id, day, started_at) VALUES (?, ?, ?) RETURNING id`, territoryID, day, now)
		if db.IsUniqueViolation(err) {
			return s.run(ctx, territoryID, day) // another instance started it
		}
		if err != nil {
			return Run{}, err
		}
	case err != nil:
		return Run{}, err
	case finished != nil:
		return s.run(ctx, territoryID, day)
	}
	rules, err := s.Rules(ctx, territoryID)
	if err != nil {
		return Run{}, err
	}
	owner := map[string]Holder{}
	for _, h := range s.holders {
		for _, r := range h.Retention() {
			owner[r.Key] = h
		}
	}
	var failure string
	for _, r := range rules {
		var done int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM privacy_run_rules WHERE run_id = ? AND rule = ?`, run.ID, r.Key).Scan(&done); err != nil {
			return Run{}, err
		}
		if done > 0 {
			continue
		}
		cutoff := now.AddDate(0, 0, -r.Days)
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			n, err := owner[r.Key].Expire(ctx, tx, territoryID, r.Key, cutoff)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO privacy_run_rules (run_id, rule, days, cutoff, action, row_count) VALUES (?, ?, ?, ?, ?, ?)`,
				run.ID, r.Key, r.Days, cutoff, string(r.Action), n)
			return err
		})
		if err != nil {
			failure = r.Key
			if _, err2 := s.db.Exec(ctx, `UPDATE privacy_runs SET failure = ? WHERE id = ?`, r.Key, run.ID); err2 != nil {
				return Run{}, err2
			}
			return Run{}, fmt.Errorf("privacy: retention rule %s: %w", r.Key, err)
		}
	}
	if _, err := s.db.Exec(ctx, `UPDATE privacy_runs SET finished_at = ?, failure = ? WHERE id = ?`, db.Time(s.now()), failure, run.ID); err != nil {
		return Run{}, err
	}
	return s.run(ctx, territoryID, day)
}

func (s *Store) run(ctx context.Context, territoryID int64, day string) (Run, error) {
	runs, err := s.runs(ctx, `r.territory_id = ? AND r.day = ?`, []any{territoryID, day}, 1)
	if err != nil || len(runs) == 0 {
		return Run{}, err
	}
	return runs[0], nil
}

// Runs lists the last runs of a territory, newest first.
func (s *Store) Runs(ctx context.Context, territoryID int64, limit int) ([]Run, error) {
	return s.runs(ctx, `r.territory_id = ?`, []any{territoryID}, limit)
}

func (s *Store) runs(ctx context.Context, where string, args []any, limit int) ([]Run, error) {
	var out []Run
	err := db.Each(ctx, s.db, `SELECT r.id, r.day, r.started_at, r.finished_at, r.failure FROM privacy_runs r WHERE `+where+
		` ORDER BY r.day DESC LIMIT ?`, append(args, limit), func(rows *sql.Rows) error {
		var r Run
		if err := rows.Scan(&r.ID, &r.Day, db.ScanTime(&r.Started), db.ScanNullTime(&r.Finished), &r.Failure); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		err := db.Each(ctx, s.db, `SELECT rule, days, cutoff, action, row_count FROM privacy_run_rules WHERE run_id = ? ORDER BY rule`,
			[]any{out[i].ID}, func(rows *sql.Rows) error {
				var x RunRule
				var action string
				if err := rows.Scan(&x.Rule, &x.Days, db.ScanTime(&x.Cutoff), &action, &x.Rows); err != nil {
					return err
				}
				x.Action = Action(action)
				out[i].Rules = append(out[i].Rules, x)
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RetentionArgs queues the daily retention of every territory.
type RetentionArgs struct{}

// Kind names the job.
func (RetentionArgs) Kind() string { return "privacy_retention" }

// RetentionWorker applies the retention rules of every territory.
type RetentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	store func() *Store
}

// NewRetentionWorker returns the worker; store is read when it works.
func NewRetentionWorker(store func() *Store) *RetentionWorker {
	return &RetentionWorker{store: store}
}

// Work runs the retention of each territory (once a day each). A territory
// that fails does not stop the others: its run keeps the failing rule
// (RunRetention writes it down), and the errors are returned together once
// every territory had its turn.
func (w *RetentionWorker) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	s := w.store()
	ids, err := s.terr.IDs(ctx)
	if err != nil {
		return err
	}
	var failed []error
	for _, id := range ids {
		if _, err := s.RunRetention(ctx, id); err != nil {
			failed = append(failed, fmt.Errorf("privacy: retention of territory %d: %w", id, err))
		}
	}
	return errors.Join(failed...)
}
