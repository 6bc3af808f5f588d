package demo

import (
	"context"

	"implique/internal/connections"
	"implique/internal/events"
	"implique/internal/territory"
)

// SeedConnections records, for the demo's held soupers, the « garder
// contact » choices a few attendees made on the paper form, so that the
// links-created dashboard has something to count. It does nothing when a
// link exists already.
func SeedConnections(ctx context.Context, ts *territory.Store, es *events.Store, ls *connections.Store) error {
	t, _, err := Base(ctx, ts)
	if err != nil {
		return err
	}
	d, err := ls.Dashboard(ctx, t.ID)
	if err != nil || d.Links > 0 {
		return err
	}
	held, err := es.List(ctx, t.ID, events.Filter{Kind: events.CitizenDinner})
	if err != nil {
		return err
	}
	for n, ev := range held {
		if ev.HeldAt == nil {
			continue
		}
		people, err := es.Attendees(ctx, t.ID, ev.ID)
		if err != nil {
			return err
		}
		var withPhone []events.Registration
		for _, r := range people {
			if r.Phone != "" {
				withPhone = append(withPhone, r)
			}
		}
		// Who would like to keep in touch with whom: some mutual, one not.
		wishes := [][2]int{{0, 1}, {1, 0}, {2, 3}, {3, 2}, {0, 2}, {2, 0}, {4, 0}}
		if n%2 == 1 {
			wishes = wishes[:4]
		}
		with := map[int][]int64{}
		for _, w := range wishes {
			if w[0] < len(withPhone) && w[1] < len(withPhone) {
				with[w[0]] = append(with[w[0]], withPhone[w[1]].ID)
			}
		}
		for i := 0; i < len(withPhone) && i < 5; i++ {
			if _, err := ls.SaveByStaff(ctx, t.ID, ev.ID, withPhone[i].ID, connections.Choice{OptIn: true,
				Share: connections.SharePhone}); err != nil {
				return err
			}
		}
		for i, list := range with {
			if _, err := ls.SaveByStaff(ctx, t.ID, ev.ID, withPhone[i].ID, connections.Choice{OptIn: true,
				Share: connections.SharePhone, With: list}); err != nil {
				return err
			}
		}
	}
	return nil
}
