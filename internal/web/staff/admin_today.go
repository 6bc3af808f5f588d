package staff

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"implique/internal/auth"
	"implique/internal/events"
	"implique/internal/volunteering"
	"implique/internal/web/kit"
)

// The staff's morning page (/admin): what needs them today, each figure
// from the capability that owns it (one small query each), shown only to
// the roles that may act on it, with a link to act.

// todo is one figure of the morning page.
type todo struct {
	// ID names the item (tests, anchors).
	ID string
	N  int
	// Label says what is counted, in the page's language and number.
	Label string
	// Note adds a detail (« dont 2 depuis plus de 7 jours »).
	Note string
	// Urgent marks a figure that is late, not only waiting.
	Urgent bool
	Href   string
}

// staffToday is what waits for staff, as far as their roles may act on it.
type staffToday struct {
	Todos []todo
	// Week lists the events of the next seven days (nil: not shown).
	Week     []kit.EventView
	ShowWeek bool
	// WeekEnd is the last day the week covers.
	WeekEnd time.Time
}

// staffToday reads the figures the principal may act on.
func (s *Handlers) staffToday(r *http.Request, b kit.Base) (staffToday, error) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	var out staffToday
	add := func(id string, n int, one, other, href string) *todo {
		out.Todos = append(out.Todos, todo{ID: id, N: n, Label: b.Plural(n, one, other), Href: href})
		return &out.Todos[len(out.Todos)-1]
	}
	if s.Can(r, auth.ManageEvents) {
		n, err := s.Deps.Events.ToClose(ctx, t.ID)
		if err != nil {
			return out, err
		}
		add("a-clore", n, "admin.today.to_close_one", "admin.today.to_close", "/admin/evenements#a-clore").Urgent = n > 0
		loc := t.Location()
		now := s.Deps.Events.Now().In(loc)
		from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		to := from.AddDate(0, 0, 7)
		week, err := s.Deps.Events.List(ctx, t.ID, events.Filter{From: from, To: to})
		if err != nil {
			return out, err
		}
		out.ShowWeek, out.WeekEnd = true, to.AddDate(0, 0, -1)
		for _, ev := range week {
			if ev.CancelledAt == nil {
				out.Week = append(out.Week, s.EventView(ev))
			}
		}
	}
	if s.Can(r, auth.ManageIdeas) {
		n, err := s.Deps.Community.IdeasToModerate(ctx, t.ID)
		if err != nil {
			return out, err
		}
		add("a-moderer", n, "admin.today.ideas_one", "admin.today.ideas", "/admin/idees#a-moderer")
	}
	if s.Can(r, auth.ManageVolunteering) {
		a, err := s.Deps.Volunteering.AnswersDue(ctx, t.ID)
		if err != nil {
			return out, err
		}
		it := add("candidatures", a.Waiting, "admin.today.answers_one", "admin.today.answers", "/admin/benevolat#reponses")
		if a.Overdue > 0 {
			days := int(volunteering.AnswerWithin / (24 * time.Hour))
			it.Note, it.Urgent = b.Plural(a.Overdue, "admin.today.answers_late_one", "admin.today.answers_late", a.Overdue, days), true
		}
	}
	if s.Can(r, auth.ManageOrganizations) {
		d, err := s.Deps.Orgs.Due(ctx, t.ID)
		if err != nil {
			return out, err
		}
		add("suivis", d.FollowUps, "admin.today.follow_ups_one", "admin.today.follow_ups", "/admin/accompagnement#a-faire").Urgent = d.FollowUps > 0
		add("mandats", d.TermsEnding, "admin.today.terms_one", "admin.today.terms", "/admin/releve#fins")
	}
	if s.Can(r, auth.ManageCommunities) {
		list, err := s.Deps.Community.JoinRequestsWaiting(ctx, t.ID)
		if err != nil {
			return out, err
		}
		n, href := 0, "/admin/communautes"
		for _, j := range list {
			n += j.Requests
		}
		if len(list) == 1 {
			href = kit.CommunityPath(list[0].CommunityID) + "#invitations"
		}
		it := add("demandes", n, "admin.today.join_one", "admin.today.join", href)
		for i, j := range list {
			if i == 3 {
				it.Note += ", …"
				break
			}
			if i > 0 {
				it.Note += ", "
			}
			it.Note += j.Name + " (" + strconv.Itoa(j.Requests) + ")"
		}
	}
	if s.Can(r, auth.ReadOutbox) {
		n, err := s.Deps.Outbox.CountFailed(ctx, t.ID)
		if err != nil {
			return out, err
		}
		add("courriels", n, "admin.today.mail_one", "admin.today.mail", "/admin/courriels").Urgent = n > 0
	}
	// What is late first, then what waits, then what is done.
	rank := func(t todo) int {
		switch {
		case t.Urgent:
			return 0
		case t.N > 0:
			return 1
		}
		return 2
	}
	sort.SliceStable(out.Todos, func(i, j int) bool { return rank(out.Todos[i]) < rank(out.Todos[j]) })
	return out, nil
}
