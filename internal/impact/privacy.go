package impact

import (
	"context"
	"time"

	"implique/internal/db"
	"implique/internal/privacy"
)

// The impact capability as the privacy centre sees it. Its indicators,
// snapshots and reports are counts: nobody is in them. Two texts staff
// write may name someone: who carries a milestone (a team, a partner, a
// person's first name) and the highlights told in reports (« ce qui s'est
// passé, avec qui »). They name people as staff typed them, with no address
// nor account, so the privacy centre cannot find them from a person's
// addresses: the inventory lists them, staff correct or remove them on the
// impact pages when a person asks. There is no retention rule of its own:
// a report keeps its highlights as long as the program keeps its reports
// (in the copy of what it used, impact_reports.content, made with it).

const catHighlights = "impact.highlights"

// Inventory says what the impact pages may say about people.
func (s *Store) Inventory() []privacy.Category {
	return []privacy.Category{{Key: catHighlights, Columns: []string{"impact_milestones.owner", "impact_stories.title", "impact_stories.body", "impact_reports.content"}}}
}

// Retention has no rule: see the package's note above.
func (s *Store) Retention() []privacy.Rule { return nil }

// Find finds nothing: the texts name people without an address or account.
func (s *Store) Find(context.Context, db.Querier, privacy.Subject) ([]privacy.Record, error) {
	return nil, nil
}

// Erase has nothing of the person's to erase.
func (s *Store) Erase(context.Context, *db.Tx, privacy.Subject, []privacy.Ref) ([]privacy.Kept, error) {
	return nil, nil
}

// Expire has no rule to apply.
func (s *Store) Expire(context.Context, *db.Tx, int64, string, time.Time) (int, error) { return 0, nil }
