package connections

import (
	"context"
	"sort"
	"time"

	"implique/internal/events"
)

// Side is one person of a mutual pair, as staff see it.
type Side struct {
	RegistrationID int64
	Name           string
	Contact        string
	// Phone is what staff call when the person has no e-mail.
	Phone string
	// Emailed is true when the person received the other's contact by e-mail.
	Emailed bool
}

// Pair is a link created at an event.
type Pair struct {
	A, B      Side
	CreatedAt time.Time
}

// ToPassOn reports whether staff must pass a contact on by phone.
func (p Pair) ToPassOn() bool { return !p.A.Emailed || !p.B.Emailed }

// Pairs lists an event's links for staff, those to pass on by phone first.
func (s *Store) Pairs(ctx context.Context, territoryID, eventID int64) ([]Pair, error) {
	regs, err := s.events.Registrations(ctx, territoryID, eventID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]events.Registration{}
	for _, r := range regs {
		byID[r.ID] = r
	}
	prof, err := profiles(ctx, s.db.Query, eventID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT registration_a, registration_b, created_at FROM connection_links
		WHERE territory_id = ? AND event_id = ? ORDER BY created_at, id`, territoryID, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	side := func(id int64) Side {
		r := byID[id]
		return Side{RegistrationID: id, Name: r.Name, Contact: contactOf(r, prof[id]), Phone: r.Phone, Emailed: r.Email != ""}
	}
	var out []Pair
	for rows.Next() {
		var a, b int64
		var p Pair
		if err := rows.Scan(&a, &b, &p.CreatedAt); err != nil {
			return nil, err
		}
		p.A, p.B = side(a), side(b)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ToPassOn() && !out[j].ToPassOn() })
	return out, nil
}

// EventCount is the links created at one event.
type EventCount struct {
	EventID   int64
	Title     string
	PlaceName string
	StartsAt  time.Time
	Links     int
}

// PlaceCount is the links created at the events of one place.
type PlaceCount struct {
	PlaceName string
	Links     int
}

// MonthCount is the links created at the events of one month.
type MonthCount struct {
	// Month is the first day of the month, in the territory's zone.
	Month time.Time
	Links int
}

// Dashboard is the indicator « création de liens entre les citoyens »:
// numbers, places and months, never names.
type Dashboard struct {
	Links int
	// Returning counts the people checked in at two events or more.
	Returning int
	ByEvent   []EventCount
	ByPlace   []PlaceCount
	ByMonth   []MonthCount
}

// Dashboard counts a territory's links per event, place and month (the
// month and place of the event where people met).
func (s *Store) Dashboard(ctx context.Context, territoryID int64) (Dashboard, error) {
	var d Dashboard
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return d, err
	}
	rows, err := s.db.Query(ctx, `SELECT event_id, COUNT(*) FROM connection_links WHERE territory_id = ? GROUP BY event_id`, territoryID)
	if err != nil {
		return d, err
	}
	counts := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return d, err
		}
		counts[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, err
	}
	ids := make([]int64, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	evs, err := s.events.Many(ctx, territoryID, ids)
	if err != nil {
		return d, err
	}
	// Months are grouped by their year and month in the territory's zone
	// (not by time.Time values, which differ by their location pointer).
	type yearMonth struct {
		year  int
		month time.Month
	}
	loc := t.Location()
	places := map[string]int{}
	months := map[yearMonth]int{}
	for _, id := range ids {
		ev, ok := evs[id]
		if !ok {
			continue
		}
		n := counts[id]
		d.Links += n
		d.ByEvent = append(d.ByEvent, EventCount{EventID: id, Title: ev.Title, PlaceName: ev.PlaceName, StartsAt: ev.StartsAt, Links: n})
		places[ev.PlaceName] += n
		local := ev.StartsAt.In(loc)
		months[yearMonth{local.Year(), local.Month()}] += n
	}
	sort.Slice(d.ByEvent, func(i, j int) bool {
		if !d.ByEvent[i].StartsAt.Equal(d.ByEvent[j].StartsAt) {
			return d.ByEvent[i].StartsAt.After(d.ByEvent[j].StartsAt)
		}
		return d.ByEvent[i].EventID > d.ByEvent[j].EventID
	})
	for p, n := range places {
		d.ByPlace = append(d.ByPlace, PlaceCount{PlaceName: p, Links: n})
	}
	sort.Slice(d.ByPlace, func(i, j int) bool {
		if d.ByPlace[i].Links != d.ByPlace[j].Links {
			return d.ByPlace[i].Links > d.ByPlace[j].Links
		}
		return d.ByPlace[i].PlaceName < d.ByPlace[j].PlaceName
	})
	for m, n := range months {
		d.ByMonth = append(d.ByMonth, MonthCount{Month: time.Date(m.year, m.month, 1, 0, 0, 0, 0, loc), Links: n})
	}
	sort.Slice(d.ByMonth, func(i, j int) bool { return d.ByMonth[i].Month.After(d.ByMonth[j].Month) })
	d.Returning, err = s.events.ReturningAttendees(ctx, territoryID)
	return d, err
}
