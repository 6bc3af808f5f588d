package events

import (
	"context"
	"database/sql"

	"implique/internal/db"
	"implique/internal/indicator"
	"implique/internal/territory"
)

var _ indicator.Source = (*Store)(nil)

// The indicators the events offer.
const (
	indDinnersHeld           = "events.dinners_held"
	indMunicipalitiesReached = "events.municipalities_reached"
	indPeopleCame            = "events.people_came"
	indPeopleReturned        = "events.people_returned"
)

// Indicators lists what the events measure: the soupers citoyens held, the
// municipalities they reached, the people who came to an activity and
// those who came back.
func (s *Store) Indicators() []indicator.Definition {
	return []indicator.Definition{
		{Key: indDinnersHeld, Unit: indicator.Count, Places: true},
		{Key: indMunicipalitiesReached, Unit: indicator.Count},
		{Key: indPeopleCame, Unit: indicator.Count, People: true, Places: true},
		{Key: indPeopleReturned, Unit: indicator.Count, People: true, Places: true},
	}
}

// InScope is the SQL condition that column, holding an event id, names an
// event of the territory held in the place whose slug is given or in one of
// its secteurs, and the condition's arguments (? placeholders, both
// engines). The capabilities that count what happened at events use it to
// read a place's share.
func InScope(column string, territoryID int64, placeSlug string) (string, []any) {
	cond, args := territory.InScope("x_e.place_id", territoryID, placeSlug, territory.AndSecteurs)
	return column + ` IN (SELECT x_e.id FROM events x_e WHERE x_e.territory_id = ? AND ` + cond + `)`,
		append([]any{territoryID}, args...)
}

// Measure computes one of the events' indicators over sc. It reads counts
// only, never who came. An indicator read for the whole territory only has
// no value for a place: a scope naming one is ErrUnknown.
func (s *Store) Measure(ctx context.Context, key string, sc indicator.Scope) (float64, error) {
	// An event counts in the period it started in; held means closed with
	// its report and not cancelled (as DinnerFigures counts them).
	held := `e.territory_id = ? AND e.held_at IS NOT NULL AND e.cancelled_at IS NULL AND e.starts_at >= ? AND e.starts_at < ?`
	args := []any{sc.TerritoryID, sc.From, sc.To}
	inPlace := func() {
		if sc.PlaceSlug != "" {
			cond, a := territory.InScope("e.place_id", sc.TerritoryID, sc.PlaceSlug, territory.AndSecteurs)
			held, args = held+` AND `+cond, append(args, a...)
		}
	}
	var n int
	var err error
	switch key {
	case indDinnersHeld:
		inPlace()
		err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM events e WHERE e.kind = ? AND `+held,
			append([]any{string(CitizenDinner)}, args...)...).Scan(&n)
	case indMunicipalitiesReached:
		if sc.PlaceSlug != "" {
			return 0, indicator.ErrUnknown // the whole territory only
		}
		// A secteur counts for its ville: one place without a parent is
		// one municipality (or community) of the territory.
		err = s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT COALESCE(p.parent_id, p.id)) FROM events e JOIN places p ON p.id = e.place_id
			WHERE e.kind = ? AND `+held, append([]any{string(CitizenDinner)}, args...)...).Scan(&n)
	case indPeopleCame:
		inPlace()
		err = s.db.QueryRow(ctx, `SELECT COALESCE(SUM(e.attendance), 0) FROM events e WHERE `+held, args...).Scan(&n)
	case indPeopleReturned:
		n, err = s.returned(ctx, sc)
	default:
		return 0, indicator.ErrUnknown
	}
	return float64(n), err
}

// returned counts the people who came back within the scope: checked in
// at two events or more started before To, one of them at least in the
// period and the place.
func (s *Store) returned(ctx context.Context, sc indicator.Scope) (int, error) {
	counts, args := `e.starts_at >= ?`, []any{sc.From}
	if sc.PlaceSlug != "" {
		cond, a := territory.InScope("e.place_id", sc.TerritoryID, sc.PlaceSlug, territory.AndSecteurs)
		counts, args = counts+` AND `+cond, append(args, a...)
	}
	return countReturning(ctx, s.db, `SELECT r.event_id, r.email, r.phone_key, CASE WHEN `+counts+` THEN 1 ELSE 0 END
		FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.territory_id = ? AND r.status = 'confirmed' AND r.checked_in_at IS NOT NULL AND e.cancelled_at IS NULL
		AND e.starts_at < ? AND (r.email <> '' OR r.phone_key <> '')`, append(args, sc.TerritoryID, sc.To))
}

// countReturning reads rows of (event, e-mail, phone key, counts) — one per
// person checked in at an event — and counts the people seen at two events
// or more, one of them at least with counts set. One person is the same
// e-mail or the same phone: someone known by their e-mail at one event and
// their phone at another is one person when a registration gave both.
func countReturning(ctx context.Context, q db.Querier, query string, args []any) (int, error) {
	// Union-find over the contact keys: one person is one set.
	parent := map[string]string{}
	var find func(string) string
	find = func(k string) string {
		p, ok := parent[k]
		if !ok {
			parent[k] = k
			return k
		}
		if p == k {
			return k
		}
		root := find(p)
		parent[k] = root
		return root
	}
	type seen struct {
		event  int64
		key    string
		counts bool
	}
	var all []seen
	err := db.Each(ctx, q, query, args, func(rows *sql.Rows) error {
		var v seen
		var email, phone string
		var counts int
		if err := rows.Scan(&v.event, &email, &phone, &counts); err != nil {
			return err
		}
		var keys []string
		if email != "" {
			keys = append(keys, "e:"+email)
		}
		if phone != "" {
			keys = append(keys, "p:"+phone)
		}
		for _, k := range keys[1:] {
			parent[find(k)] = find(keys[0])
		}
		find(keys[0])
		v.key, v.counts = keys[0], counts == 1
		all = append(all, v)
		return nil
	})
	if err != nil {
		return 0, err
	}
	type person struct {
		events map[int64]bool
		counts bool
	}
	people := map[string]*person{}
	for _, v := range all {
		root := find(v.key)
		p := people[root]
		if p == nil {
			p = &person{events: map[int64]bool{}}
			people[root] = p
		}
		p.events[v.event] = true
		p.counts = p.counts || v.counts
	}
	n := 0
	for _, p := range people {
		if len(p.events) >= 2 && p.counts {
			n++
		}
	}
	return n, nil
}
