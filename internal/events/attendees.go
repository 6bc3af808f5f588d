package events

import "context"

// Attendees lists the people who came to an event: its confirmed
// registrations that were checked in at the door, by name.
func (s *Store) Attendees(ctx context.Context, territoryID, eventID int64) ([]Registration, error) {
	rows, err := s.db.Query(ctx, `SELECT `+regCols+regFrom+`WHERE r.territory_id = ? AND r.event_id = ?
		AND r.status = 'confirmed' AND r.checked_in_at IS NOT NULL ORDER BY r.name, r.id`, territoryID, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReturningAttendees counts the people who came back: the same e-mail or
// phone checked in at two or more events of the territory (not cancelled).
// Someone known by their e-mail at one event and their phone at another
// counts once when one registration gave both.
func (s *Store) ReturningAttendees(ctx context.Context, territoryID int64) (int, error) {
	rows, err := s.db.Query(ctx, `SELECT r.event_id, r.email, r.phone_key FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.territory_id = ? AND r.status = 'confirmed' AND r.checked_in_at IS NOT NULL AND e.cancelled_at IS NULL
		AND (r.email <> '' OR r.phone_key <> '')`, territoryID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
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
		event int64
		keys  []string
	}
	var all []seen
	for rows.Next() {
		var v seen
		var email, phone string
		if err := rows.Scan(&v.event, &email, &phone); err != nil {
			return 0, err
		}
		if email != "" {
			v.keys = append(v.keys, "e:"+email)
		}
		if phone != "" {
			v.keys = append(v.keys, "p:"+phone)
		}
		for _, k := range v.keys[1:] {
			parent[find(k)] = find(v.keys[0])
		}
		find(v.keys[0])
		all = append(all, v)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	eventsOf := map[string]map[int64]bool{}
	for _, v := range all {
		root := find(v.keys[0])
		if eventsOf[root] == nil {
			eventsOf[root] = map[int64]bool{}
		}
		eventsOf[root][v.event] = true
	}
	n := 0
	for _, evs := range eventsOf {
		if len(evs) >= 2 {
			n++
		}
	}
	return n, nil
}
