package demo_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/calendar"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/survey"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

// TestSeedTellsATrueStory seeds the demo on a day of summer (on both
// engines), in the night the clocks change and on the day the test runs,
// and checks that its story holds together: each thing after what it
// comes from, every history line dated within the year before the demo's
// « now », on many different days.
func TestSeedTellsATrueStory(t *testing.T) {
	toronto, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		now  time.Time // zero: the wall clock
		// postgres runs the case on PostgreSQL too (seeding there is slow).
		postgres bool
	}{
		{"summer afternoon", time.Date(2026, 6, 15, 14, 0, 0, 0, toronto), true},
		{"night the clocks change", time.Date(2027, 3, 14, 0, 30, 0, 0, toronto), false},
		{"today", time.Time{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := dbtest.Run
			if !c.postgres {
				run = func(t *testing.T, migrate dbtest.Migrator, fn func(t *testing.T, d *db.DB)) {
					t.Run("sqlite", func(t *testing.T) { fn(t, dbtest.SQLite(t, migrate)) })
				}
			}
			run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				st := testkit.App(t, d, c.now)
				before := time.Now()
				seeded, err := demo.Seed(ctx, st)
				if err != nil {
					t.Fatal(err)
				}
				if !seeded.People || !seeded.Events || !seeded.Organizations || !seeded.Volunteering || !seeded.Surveys {
					t.Fatalf("seeded %+v, want everything", seeded)
				}
				from, to := before.AddDate(0, 0, -demo.Year-1), time.Now()
				if !c.now.IsZero() {
					from, to = c.now.AddDate(0, 0, -demo.Year-1), c.now
					if got := st.Events.Now(); !got.Equal(db.Time(c.now)) {
						t.Errorf("after the demo the stores' clock says %v, want the demo's now %v", got, c.now)
					}
				}
				terr, _, err := demo.Base(ctx, st.Territories)
				if err != nil {
					t.Fatal(err)
				}
				s := &check{t: t, ctx: ctx, st: st, d: d, tid: terr.ID, loc: terr.Location(), from: from, to: to}
				s.historyWithinTheYear()
				s.ideasAfterTheirSouper()
				s.communitiesAfterTheirIdeas()
				s.initiativesAfterTheirIdeas()
				s.eventsInOrder()
				s.volunteeringInOrder()
				s.accompanimentWrittenAfter()
				s.surveysAnswered()
				s.nothingEmailed()
			})
		})
	}
}

type check struct {
	t        *testing.T
	ctx      context.Context
	st       *app.App
	d        *db.DB
	tid      int64
	loc      *time.Location
	from, to time.Time
}

func (c *check) fatal(err error) {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
}

// day is t's calendar day in the territory's zone.
func (c *check) day(t time.Time) string { return t.In(c.loc).Format("2006-01-02") }

// notBefore reports an error when later is before earlier.
func (c *check) notBefore(what string, earlier, later time.Time) {
	c.t.Helper()
	if later.Before(earlier) {
		c.t.Errorf("%s: %v is before %v", what, later.In(c.loc), earlier.In(c.loc))
	}
}

// historyColumn tells whether a column records when something happened
// (rather than a plan: a start, an end, an expiry, a due day).
func historyColumn(table, col string) (timestamp, ok bool) {
	switch {
	case col == "starts_at" || col == "ends_at" || col == "expires_at":
		return false, false
	case strings.HasSuffix(col, "_at"):
		return true, true
	case col == "done_on" || col == "happened_on":
		return false, true
	case col == "day" && (table == "volunteer_hours" || table == "tracked_clicks"):
		return false, true
	}
	return false, false
}

// historyWithinTheYear reads every history column of every table the demo
// wrote: each moment is within the year before the demo's now, and the
// story spreads over many days.
func (c *check) historyWithinTheYear() {
	tables, err := c.d.AppTables(c.ctx)
	c.fatal(err)
	names := make([]string, 0, len(tables))
	for name := range tables {
		names = append(names, name)
	}
	sort.Strings(names)
	days := map[string]bool{}
	spans := map[string]map[string]bool{}
	first, last := c.to, c.from
	for _, table := range names {
		switch table {
		case "territories", "places", "instance_secrets":
			continue // the installation, not the story
		}
		for _, col := range tables[table] {
			timestamp, ok := historyColumn(table, col)
			if !ok {
				continue
			}
			rows, err := c.d.Query(c.ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s IS NOT NULL`, col, table, col))
			c.fatal(err)
			what := table + "." + col
			spans[what] = map[string]bool{}
			for rows.Next() {
				var day string
				if timestamp {
					var at time.Time
					c.fatal(rows.Scan(&at))
					if at.Before(c.from) || at.After(c.to) {
						c.t.Errorf("%s: %v is not within the demo's year (%v to %v)", what, at.In(c.loc), c.from.In(c.loc), c.to.In(c.loc))
					}
					if at.Before(first) {
						first = at
					}
					if at.After(last) {
						last = at
					}
					day = c.day(at)
				} else {
					c.fatal(rows.Scan(&day))
					if day < c.day(c.from) || day > c.day(c.to) {
						c.t.Errorf("%s: %s is not within the demo's year (%s to %s)", what, day, c.day(c.from), c.day(c.to))
					}
				}
				days[day] = true
				spans[what][day] = true
			}
			c.fatal(rows.Err())
			rows.Close()
		}
	}
	if len(days) < 150 {
		c.t.Errorf("the demo's history spreads over %d days, want at least 150", len(days))
	}
	if last.Sub(first) < 300*24*time.Hour {
		c.t.Errorf("the demo's history goes from %v to %v, want most of a year", first.In(c.loc), last.In(c.loc))
	}
	for _, what := range []string{"users.created_at", "events.created_at", "events.held_at", "registrations.created_at",
		"registrations.checked_in_at", "ideas.created_at", "idea_history.changed_at", "idea_supports.confirmed_at",
		"communities.created_at", "community_members.joined_at", "community_posts.created_at", "initiatives.created_at",
		"initiative_history.changed_at", "initiative_milestones.done_on", "initiative_people.created_at",
		"connection_links.created_at", "organizations.created_at", "organization_accompaniments.created_at",
		"volunteer_opportunities.created_at", "volunteer_applications.created_at", "volunteer_applications.responded_at",
		"volunteer_hours.created_at", "volunteer_hours.reviewed_at", "tracked_clicks.day"} {
		if len(spans[what]) < 2 {
			c.t.Errorf("%s: on %d day(s), want the days things happened", what, len(spans[what]))
		}
	}
}

// ideasAfterTheirSouper: an idea is written down after the souper that
// raised it was held, its story begins then and ends where it stands, and
// its supports come before it is closed.
func (c *check) ideasAfterTheirSouper() {
	ideas, err := c.st.Community.List(c.ctx, c.tid, community.Filter{})
	c.fatal(err)
	if len(ideas) < 5 {
		c.t.Fatalf("%d ideas", len(ideas))
	}
	for _, idea := range ideas {
		what := fmt.Sprintf("idea %q", idea.Title)
		if idea.EventID != nil {
			ev, err := c.st.Events.Get(c.ctx, c.tid, *idea.EventID)
			c.fatal(err)
			if ev.HeldAt == nil {
				c.t.Errorf("%s: raised at a souper not held", what)
			} else {
				c.notBefore(what+" after its souper was held", *ev.HeldAt, idea.CreatedAt)
			}
			c.notBefore(what+" after its souper began", ev.StartsAt, idea.CreatedAt)
		}
		steps, err := c.st.Community.History(c.ctx, c.tid, idea.ID)
		c.fatal(err)
		if len(steps) == 0 || steps[0].Status != community.Proposed || !steps[0].ChangedAt.Equal(idea.CreatedAt) {
			c.t.Errorf("%s: its story does not begin with « proposée » when written down: %+v", what, steps)
			continue
		}
		if last := steps[len(steps)-1]; last.Status != idea.Status {
			c.t.Errorf("%s: stands at %s but its story ends at %s", what, idea.Status, last.Status)
		}
		var closed *time.Time
		for i, step := range steps {
			if i > 0 && step.Status == steps[i-1].Status {
				c.t.Errorf("%s: %s twice in a row", what, step.Status)
			}
			if step.Status == community.Done || step.Status == community.SetAside {
				closed = &step.ChangedAt
			}
		}
		supporters, err := c.st.Community.Supporters(c.ctx, c.tid, idea.ID)
		c.fatal(err)
		for _, su := range supporters {
			c.notBefore(what+": a support after the idea", idea.CreatedAt, su.ConfirmedAt)
			if closed != nil {
				c.notBefore(what+": a support before it was closed", su.ConfirmedAt, *closed)
			}
		}
	}
}

// communitiesAfterTheirIdeas: a community is formed after the ideas it
// carries were raised; its members and news come after it.
func (c *check) communitiesAfterTheirIdeas() {
	list, err := c.st.Community.Communities(c.ctx, c.tid, community.CommunityFilter{})
	c.fatal(err)
	if len(list) == 0 {
		c.t.Fatal("no community")
	}
	for _, co := range list {
		what := fmt.Sprintf("community %q", co.Name)
		carried, err := c.st.Community.CarriedIdeas(c.ctx, c.tid, co.ID)
		c.fatal(err)
		for _, idea := range carried {
			c.notBefore(what+" formed after the idea "+idea.Title, idea.CreatedAt, co.CreatedAt)
		}
		members, err := c.st.Community.Members(c.ctx, c.tid, co.ID)
		c.fatal(err)
		for _, m := range members {
			c.notBefore(what+": "+m.Name+" joins after it is formed", co.CreatedAt, m.JoinedAt)
		}
		posts, err := c.st.Community.Posts(c.ctx, c.tid, co.ID, 100)
		c.fatal(err)
		for _, p := range posts {
			c.notBefore(what+": news after it is formed", co.CreatedAt, p.CreatedAt)
		}
	}
}

// initiativesAfterTheirIdeas: an initiative starts after the idea and the
// community it is born from; its story begins when it is written down and
// ends where it stands; its milestones are done after it was written down
// and before its end, all of them before it is completed; people join
// once it is public.
func (c *check) initiativesAfterTheirIdeas() {
	list, err := c.st.Community.Initiatives(c.ctx, c.tid, community.InitiativeFilter{})
	c.fatal(err)
	if len(list) < 3 {
		c.t.Fatalf("%d initiatives", len(list))
	}
	for _, ini := range list {
		what := fmt.Sprintf("initiative %q", ini.Title)
		if ini.IdeaID != nil {
			idea, err := c.st.Community.Get(c.ctx, c.tid, *ini.IdeaID)
			c.fatal(err)
			c.notBefore(what+" after its idea", idea.CreatedAt, ini.CreatedAt)
			if ini.StartsOn != nil && c.day(idea.CreatedAt) > ini.StartsOn.Format("2006-01-02") {
				c.t.Errorf("%s starts on %s, before its idea was raised on %s", what, ini.StartsOn.Format("2006-01-02"), c.day(idea.CreatedAt))
			}
		}
		if ini.CommunityID != nil {
			co, err := c.st.Community.Community(c.ctx, c.tid, *ini.CommunityID)
			c.fatal(err)
			c.notBefore(what+" after its community", co.CreatedAt, ini.CreatedAt)
		}
		if ini.PublishedAt != nil {
			c.notBefore(what+" published after it was written down", ini.CreatedAt, *ini.PublishedAt)
		}
		steps, err := c.st.Community.InitiativeHistory(c.ctx, c.tid, ini.ID)
		c.fatal(err)
		if len(steps) == 0 || steps[0].Status != community.Preparing || !steps[0].ChangedAt.Equal(ini.CreatedAt) {
			c.t.Errorf("%s: its story does not begin « en préparation » when written down: %+v", what, steps)
			continue
		}
		last := steps[len(steps)-1]
		if last.Status != ini.Status {
			c.t.Errorf("%s: stands at %s but its story ends at %s", what, ini.Status, last.Status)
		}
		milestones, err := c.st.Community.Milestones(c.ctx, c.tid, ini.ID)
		c.fatal(err)
		for _, m := range milestones {
			if m.DoneOn == nil {
				if ini.Status == community.Completed {
					c.t.Errorf("%s is completed but %q is not done", what, m.Title)
				}
				continue
			}
			done := m.DoneOn.Format("2006-01-02")
			if done < c.day(ini.CreatedAt) {
				c.t.Errorf("%s: %q done on %s, before the initiative was written down", what, m.Title, done)
			}
			if ini.EndsOn != nil && done > ini.EndsOn.Format("2006-01-02") {
				c.t.Errorf("%s: %q done on %s, after its end", what, m.Title, done)
			}
			if ini.Status == community.Completed && done > c.day(last.ChangedAt) {
				c.t.Errorf("%s: %q done on %s, after the initiative was completed", what, m.Title, done)
			}
		}
		people, err := c.st.Community.People(c.ctx, c.tid, ini.ID)
		c.fatal(err)
		for _, p := range people {
			if p.Role == community.Participant && ini.PublishedAt != nil {
				c.notBefore(what+": "+p.Name+" joins once it is public", *ini.PublishedAt, p.CreatedAt)
			}
		}
	}
}

// eventsInOrder: an event is written, then published, then people
// register, then it begins, people are checked in at the door, and it is
// held; links created come after it is held.
func (c *check) eventsInOrder() {
	list, err := c.st.Events.List(c.ctx, c.tid, events.Filter{})
	c.fatal(err)
	held := 0
	for _, ev := range list {
		what := fmt.Sprintf("event %q of %s", ev.Title, c.day(ev.StartsAt))
		if ev.PublishAt != nil {
			c.notBefore(what+" published after it was written", ev.CreatedAt, *ev.PublishAt)
			c.notBefore(what+" published before it begins", *ev.PublishAt, ev.StartsAt)
		}
		if ev.HeldAt != nil {
			held++
			c.notBefore(what+" held once begun", ev.StartsAt, *ev.HeldAt)
		}
		regs, err := c.st.Events.Registrations(c.ctx, c.tid, ev.ID)
		c.fatal(err)
		for _, r := range regs {
			if ev.PublishAt != nil {
				c.notBefore(what+": a registration after the publication", *ev.PublishAt, r.CreatedAt)
			}
			c.notBefore(what+": a registration before it begins", r.CreatedAt, ev.StartsAt)
			if r.CheckedInAt != nil {
				c.notBefore(what+": checked in once begun", ev.StartsAt, *r.CheckedInAt)
				c.notBefore(what+": checked in before it ends", *r.CheckedInAt, ev.EndsAt)
			}
		}
		if ev.HeldAt == nil {
			continue
		}
		pairs, err := c.st.Connections.Pairs(c.ctx, c.tid, ev.ID)
		c.fatal(err)
		for _, p := range pairs {
			c.notBefore(what+": a link created after it was held", *ev.HeldAt, p.CreatedAt)
		}
	}
	if held < 5 {
		c.t.Errorf("%d events held", held)
	}
	back, err := c.st.Events.ReturningAttendees(c.ctx, c.tid)
	c.fatal(err)
	if back < 10 {
		c.t.Errorf("%d residents came back to a second souper, want 10 or more", back)
	}
}

// volunteeringInOrder: an application comes after its opportunity was
// posted and before its answer; hours are declared after the day given,
// reviewed after they were declared, and hours given to an opportunity
// come after the person's application to it was accepted.
func (c *check) volunteeringInOrder() {
	opps, err := c.st.Volunteering.Opportunities(c.ctx, c.tid, volunteering.Filter{})
	c.fatal(err)
	accepted := map[[2]int64]time.Time{}
	for _, o := range opps {
		apps, err := c.st.Volunteering.ApplicationsFor(c.ctx, c.tid, o.ID)
		c.fatal(err)
		for _, a := range apps {
			what := fmt.Sprintf("application of %s to %q", a.Person.Name, o.Title)
			c.notBefore(what+" after the opportunity was posted", o.CreatedAt, a.CreatedAt)
			if a.RespondedAt != nil {
				c.notBefore(what+" answered after it was made", a.CreatedAt, *a.RespondedAt)
				if a.Status == volunteering.Accepted {
					accepted[[2]int64{a.Person.ID, o.ID}] = *a.RespondedAt
				}
			}
		}
	}
	hours, err := c.st.Volunteering.RecentHours(c.ctx, c.tid, nil, 0)
	c.fatal(err)
	if len(hours) < 10 {
		c.t.Fatalf("%d hours declared", len(hours))
	}
	for _, h := range hours {
		what := fmt.Sprintf("hours of %s on %s (%s)", h.Person.Name, h.Day, h.Activity)
		if c.day(h.CreatedAt) < h.Day.String() {
			c.t.Errorf("%s declared on %s, before the day", what, c.day(h.CreatedAt))
		}
		if h.ReviewedAt != nil {
			c.notBefore(what+" reviewed after they were declared", h.CreatedAt, *h.ReviewedAt)
		}
		if h.Opportunity == nil {
			continue
		}
		at, ok := accepted[[2]int64{h.Person.ID, h.Opportunity.ID}]
		if !ok {
			c.t.Errorf("%s given to %q without an accepted application", what, h.Opportunity.Title)
		} else if h.Day.String() < c.day(at) {
			c.t.Errorf("%s given before the application was accepted on %s", what, c.day(at))
		}
	}
}

// accompanimentWrittenAfter: a meeting with an organisation is written
// down after it happened, and its follow-up done after it.
func (c *check) accompanimentWrittenAfter() {
	list, err := c.st.Orgs.Accompaniments(c.ctx, c.tid, orgs.AccompanimentFilter{})
	c.fatal(err)
	if len(list) == 0 {
		c.t.Fatal("no accompaniment")
	}
	for _, a := range list {
		if c.day(a.CreatedAt) < a.HappenedOn.String() {
			c.t.Errorf("accompaniment %q of %s written down on %s", a.Topic, a.HappenedOn, c.day(a.CreatedAt))
		}
		if a.FollowUpDoneAt != nil && c.day(*a.FollowUpDoneAt) < a.HappenedOn.String() {
			c.t.Errorf("accompaniment %q of %s followed up on %s", a.Topic, a.HappenedOn, c.day(*a.FollowUpDoneAt))
		}
	}
}

// nothingEmailed: the demo's people are fictional; nobody is written to.
func (c *check) nothingEmailed() {
	sent, err := c.st.Outbox.List(c.ctx, c.tid, 10)
	c.fatal(err)
	if len(sent) > 0 {
		c.t.Errorf("the demo e-mailed %d fictional people, the first %q", len(sent), sent[0].Subject)
	}
}

// surveysAnswered: the four questionnaires are loaded with their waves; the
// portrait before the program is closed, its follow-up open and a little
// better; the headline figures of the territory show, those of a small
// place do not; typed answers are read, some still waiting; answers typed
// from paper forms came after the souper they were filled at.
func (c *check) surveysAnswered() {
	qs, err := c.st.Surveys.List(c.ctx, c.tid)
	c.fatal(err)
	waves := map[string]map[string]survey.Wave{} // instrument → wave name (without its year) → wave
	for _, q := range qs {
		ws, err := c.st.Surveys.Waves(c.ctx, c.tid, q.ID)
		c.fatal(err)
		waves[q.Instrument] = map[string]survey.Wave{}
		for _, w := range ws {
			kind, _, _ := strings.Cut(w.Name, " ")
			waves[q.Instrument][kind] = w
		}
	}
	wave := func(instrument, kind string, atLeast int) survey.Wave {
		c.t.Helper()
		w, ok := waves[instrument][kind]
		if !ok {
			c.t.Fatalf("%s: no wave « %s »: %v", instrument, kind, waves[instrument])
		}
		if w.Responses < atLeast {
			c.t.Errorf("%s: wave %q has %d answers, want %d or more", instrument, w.Name, w.Responses, atLeast)
		}
		return w
	}
	// The four shipped for the portrait, and the trainings' final evaluation.
	if len(qs) != 5 {
		c.t.Fatalf("%d questionnaires, want the four shipped and the trainings' final evaluation", len(qs))
	}
	today := calendar.DateOf(c.to.In(c.loc))
	baseline := wave("appartenance-solitude", "Portrait", 100)
	followUp := wave("appartenance-solitude", "Suivi", 120)
	profile := wave("profil-implication", "Portrait", 80)
	soupers := wave("retour-evenement", "Soupers", 30)
	needs := wave("besoins-organisations", "Besoins", 12)
	if baseline.ClosedAt == nil || baseline.OpenOn(today) {
		c.t.Errorf("the baseline %q is not closed", baseline.Name)
	}
	for _, w := range []survey.Wave{followUp, profile, soupers, needs} {
		if !w.OpenOn(today) {
			c.t.Errorf("wave %q is not open now", w.Name)
		}
	}
	if !baseline.Opens.Before(followUp.Opens) || baseline.Name == followUp.Name {
		c.t.Errorf("baseline %q opens %s, follow-up %q opens %s", baseline.Name, baseline.Opens, followUp.Name, followUp.Opens)
	}

	// The follow-up has results, a little better than the baseline.
	r, err := c.st.Surveys.Results(c.ctx, c.tid, survey.Filter{WaveID: followUp.ID})
	c.fatal(err)
	if r.Suppressed || r.Responses != followUp.Responses {
		c.t.Errorf("follow-up results: %d responses (wave says %d), suppressed %v", r.Responses, followUp.Responses, r.Suppressed)
	}
	compared, err := c.st.Surveys.Compare(c.ctx, c.tid, survey.Filter{WaveID: baseline.ID}, survey.Filter{WaveID: followUp.ID})
	c.fatal(err)
	strong := func(o []survey.ComparedOption) (a, b float64) {
		for _, x := range o {
			if x.Code == "tres_fort" || x.Code == "plutot_fort" {
				a, b = a+x.PercentA, b+x.PercentB
			}
		}
		return a, b
	}
	for _, q := range compared {
		switch q.Question.Code {
		case "appartenance":
			a, b := strong(q.Options)
			if q.Suppressed || b <= a || b-a > 20 {
				c.t.Errorf("belonging strong %.0f %% then %.0f %%: want modestly better", a, b)
			}
		case "solitude":
			if q.Suppressed || q.MeanA == nil || q.MeanB == nil {
				c.t.Errorf("loneliness score: no means to compare (suppressed %v)", q.Suppressed)
			} else if *q.MeanB >= *q.MeanA || *q.MeanA-*q.MeanB > 1.5 {
				c.t.Errorf("loneliness score %.2f then %.2f: want modestly lower", *q.MeanA, *q.MeanB)
			}
		}
	}

	// The headline figures: the territory's show, a small place's do not.
	figures := func(place string) map[string]survey.Figure {
		fs, err := c.st.Surveys.Headlines(c.ctx, c.tid, place)
		c.fatal(err)
		out := map[string]survey.Figure{}
		for _, f := range fs {
			if f.Questionnaire.FR == "Appartenance et solitude" {
				out[f.Key] = f
			}
		}
		return out
	}
	all := figures("")
	for _, key := range []string{"belonging", "loneliness"} {
		f, ok := all[key]
		if !ok || f.Suppressed || f.N < 100 || f.Wave != followUp.Name || f.Percent <= 0 || f.Percent >= 100 {
			c.t.Errorf("territory's %s figure: %+v", key, f)
		}
	}
	small := figures(demo.SmallSurveyPlace)
	for _, key := range []string{"belonging", "loneliness"} {
		if f, ok := small[key]; !ok || !f.Suppressed || f.N == 0 || f.Percent != 0 {
			c.t.Errorf("%s's %s figure is not suppressed: %+v", demo.SmallSurveyPlace, key, f)
		}
	}

	// Typed answers: some shown, some waiting.
	for _, w := range []survey.Wave{profile, soupers, needs} {
		page, err := c.st.Surveys.Texts(c.ctx, c.tid, w.ID, survey.TextQuery{Limit: survey.MaxTextsPerPage})
		c.fatal(err)
		states := map[string]int{}
		for _, t := range page.Texts {
			states[t.Moderation]++
		}
		if states[survey.ModerationApproved] < 3 || states[survey.ModerationPending] < 2 {
			c.t.Errorf("wave %q: typed answers %v, want some shown and some waiting", w.Name, states)
		}
	}

	// Paper forms, typed after the souper they were filled at.
	forms, err := c.st.Surveys.PaperForms(c.ctx, c.tid, followUp.ID)
	c.fatal(err)
	if len(forms) < 20 || len(forms) > followUp.Responses-20 {
		c.t.Errorf("follow-up: %d paper forms of %d answers, want a mix", len(forms), followUp.Responses)
	}
	rows, err := c.d.Query(c.ctx, `SELECT r.created_at, e.starts_at FROM survey_responses r JOIN events e ON e.id = r.event_id`)
	c.fatal(err)
	n := 0
	for rows.Next() {
		var typed, began time.Time
		c.fatal(rows.Scan(&typed, &began))
		c.notBefore("a form filled at a souper typed after it", began, typed)
		n++
	}
	c.fatal(rows.Err())
	rows.Close()
	if n != soupers.Responses {
		c.t.Errorf("%d forms tied to a souper of %d answers about the soupers", n, soupers.Responses)
	}
}
