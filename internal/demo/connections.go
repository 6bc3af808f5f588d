package demo

import (
	"context"
	"time"

	"implique/internal/app"
	"implique/internal/connections"
	"implique/internal/events"
	"implique/internal/territory"
)

// seedConnections records, for the demo's held soupers, the « garder
// contact » choices a few attendees made on the paper form, typed by staff
// two days after the souper, so that the links-created dashboard has
// something to count. It does nothing when a link exists already.
func seedConnections(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	es, ls := st.Events, st.Connections
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
		at := ev.StartsAt.In(s.today.Location())
		s.tell(time.Date(at.Year(), at.Month(), at.Day()+2, 10, 0, 0, 0, at.Location()))
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
