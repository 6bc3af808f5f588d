package connections

import (
	"context"
	"database/sql"
	"time"

	"implique/internal/db"
	"implique/internal/events"
	"implique/internal/privacy"
)

// The links created keep, for each attendee who took part, which detail
// they share (profile), whom they chose (choices) and the links made when
// two chose each other. A link is between two registrations: once the
// registrations are anonymised, it is an anonymous count.

const (
	catChoices = "connections.choices"
	catLinks   = "connections.links"

	// RuleChoices destroys the profiles and the choices some time after
	// they were made: the links they made stay, in anonymous counts.
	RuleChoices = "connections.choices"
)

// Inventory says what the links created keep about people.
func (s *Store) Inventory() []privacy.Category {
	return []privacy.Category{
		{Key: catChoices, Columns: []string{"connection_profiles.registration_id", "connection_profiles.share",
			"connection_choices.from_registration_id", "connection_choices.to_registration_id"}, Rule: RuleChoices},
		{Key: catLinks, Columns: []string{"connection_links.registration_a", "connection_links.registration_b"}},
	}
}

// Retention lists the rule that ends the choices.
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{{Key: RuleChoices, Days: 180, Action: privacy.Destroy}}
}

func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return db.Marks(len(ids)), args
}

var shareWords = map[string]string{ShareEmail: "courriel", SharePhone: "téléphone"}

// Find lists the subject's profiles, the choices they made and the links
// they have, without the other people's registrations.
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	regs, err := events.SubjectRegistrations(ctx, q, sub)
	if err != nil || len(regs) == 0 {
		return nil, err
	}
	in, args := inList(regs)
	var out []privacy.Record
	err = db.Each(ctx, q, `SELECT id, event_id, share, created_at FROM connection_profiles WHERE territory_id = ? AND registration_id IN (`+in+`)
		ORDER BY id`, append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
		var id, eventID int64
		var share string
		var at time.Time
		if err := r.Scan(&id, &eventID, &share, db.ScanTime(&at)); err != nil {
			return err
		}
		w := shareWords[share]
		if w == "" {
			w = share
		}
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "connection_profiles", ID: id}, Category: catChoices,
			Label: "Liens créés\u00a0: ce que vous partagez", When: at,
			Fields: []privacy.Field{{Name: "connections.share", Value: w}, {Name: "created_at", Value: at.UTC().Format(time.RFC3339)}}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.Each(ctx, q, `SELECT id, created_at FROM connection_choices WHERE territory_id = ? AND from_registration_id IN (`+in+`)
		ORDER BY id`, append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
		var id int64
		var at time.Time
		if err := r.Scan(&id, db.ScanTime(&at)); err != nil {
			return err
		}
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "connection_choices", ID: id}, Category: catChoices,
			Label: "Liens créés\u00a0: une personne que vous avez choisie", When: at,
			Fields: []privacy.Field{{Name: "created_at", Value: at.UTC().Format(time.RFC3339)}}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.Each(ctx, q, `SELECT id, created_at FROM connection_links WHERE territory_id = ? AND (registration_a IN (`+in+`)
		OR registration_b IN (`+in+`)) ORDER BY id`, append(append([]any{sub.TerritoryID}, args...), args...), func(r *sql.Rows) error {
		var id int64
		var at time.Time
		if err := r.Scan(&id, db.ScanTime(&at)); err != nil {
			return err
		}
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "connection_links", ID: id}, Category: catLinks,
			Label: "Liens créés\u00a0: un lien avec une autre personne", When: at,
			Fields: []privacy.Field{{Name: "created_at", Value: at.UTC().Format(time.RFC3339)}}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Erase destroys the subject's profiles and the choices made by them or of
// them; the links stay, as anonymous counts once the registrations are
// anonymised (the events' holder comes after this one).
func (s *Store) Erase(ctx context.Context, tx *db.Tx, sub privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	links := 0
	for _, ref := range refs {
		switch ref.Table {
		case "connection_profiles":
			var reg int64
			err := tx.QueryRow(ctx, `SELECT registration_id FROM connection_profiles WHERE id = ?`, ref.ID).Scan(&reg)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return nil, err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM connection_choices WHERE from_registration_id = ? OR to_registration_id = ?`, reg, reg); err != nil {
				return nil, err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM connection_profiles WHERE id = ?`, ref.ID); err != nil {
				return nil, err
			}
		case "connection_choices":
			if _, err := tx.Exec(ctx, `DELETE FROM connection_choices WHERE id = ?`, ref.ID); err != nil {
				return nil, err
			}
		case "connection_links":
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM connection_links WHERE id = ?`, ref.ID).Scan(&n); err != nil {
				return nil, err
			}
			links += n
		}
	}
	if links == 0 {
		return nil, nil
	}
	return []privacy.Kept{{Category: catLinks, Reason: "privacy.kept.connections.links", Count: links}}, nil
}

// Expire destroys the profiles and choices made before cutoff.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	if rule != RuleChoices {
		return 0, nil
	}
	res, err := tx.Exec(ctx, `DELETE FROM connection_choices WHERE territory_id = ? AND created_at < ?`, territoryID, db.Time(cutoff))
	if err != nil {
		return 0, err
	}
	a, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	res, err = tx.Exec(ctx, `DELETE FROM connection_profiles WHERE territory_id = ? AND updated_at < ?`, territoryID, db.Time(cutoff))
	if err != nil {
		return 0, err
	}
	b, err := res.RowsAffected()
	return int(a + b), err
}
