package volunteering

import (
	"context"
	"database/sql"

	"implique/internal/calendar"
	"implique/internal/db"
)

// RecentVolunteer is someone who gave confirmed hours: their account's
// name, e-mail and language, and the last day of their confirmed hours.
type RecentVolunteer struct {
	Person  PersonRef
	LastDay calendar.Date
}

// RecentVolunteers are the people who gave confirmed hours in the
// territory on the days from since on, each with the last such day (what
// the newsletters' implied consent counts from). Hours kept without their
// person after an erasure name no one and are left out; a person whose
// account has no e-mail comes with an empty one.
func (s *Store) RecentVolunteers(ctx context.Context, territoryID int64, since calendar.Date) ([]RecentVolunteer, error) {
	var out []RecentVolunteer
	var ids []int64
	err := db.Each(ctx, s.db, `SELECT user_id, MAX(day) FROM volunteer_hours WHERE territory_id = ? AND status = ?
		AND user_id IS NOT NULL AND day >= ? GROUP BY user_id ORDER BY user_id`, []any{territoryID, HoursConfirmed, since.String()},
		func(rows *sql.Rows) error {
			var v RecentVolunteer
			if err := rows.Scan(&v.Person.ID, &v.LastDay); err != nil {
				return err
			}
			out = append(out, v)
			ids = append(ids, v.Person.ID)
			return nil
		})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	people, err := s.people(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if p, ok := people[out[i].Person.ID]; ok {
			out[i].Person = p
		}
	}
	return out, nil
}
