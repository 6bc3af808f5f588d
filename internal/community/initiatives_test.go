package community_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/territory"
	"implique/internal/testkit"
)

func day(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// mails lists the outbox's messages to addr, newest first.
func (f *fixture) mails(t *testing.T, addr string) []mail.Item {
	t.Helper()
	items, err := f.outbox.List(context.Background(), f.t.ID, 200)
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Item
	for _, it := range items {
		if it.To == addr {
			out = append(out, it)
		}
	}
	return out
}

var privateRe = regexp.MustCompile(`/initiatives/participer/([A-Za-z0-9_-]+)`)

// token reads the private link of the newest e-mail to addr.
func (f *fixture) token(t *testing.T, addr string) string {
	t.Helper()
	m := f.mails(t, addr)
	if len(m) == 0 {
		t.Fatalf("no e-mail to %s", addr)
	}
	g := privateRe.FindStringSubmatch(m[0].Text)
	if g == nil {
		t.Fatalf("no private link in %q", m[0].Text)
	}
	return g[1]
}

func (f *fixture) initiative(t *testing.T, title, place string, publish bool) community.Initiative {
	t.Helper()
	ctx := context.Background()
	in, err := f.s.CreateInitiative(ctx, f.t.ID, 0, community.InitiativeInput{Title: title, Summary: "Un résumé.", PlaceSlug: place})
	if err != nil {
		t.Fatal(err)
	}
	if publish {
		if err := f.s.PublishInitiative(ctx, f.t.ID, in.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	in, err = f.s.Initiative(ctx, f.t.ID, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestInitiativeFromIdea(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		idea, err := f.s.Record(ctx, f.t.ID, 0, community.Input{Kind: community.Idea, Title: "Un club de marche du mardi",
			ThemeCode: "isolement-des-aines", PlaceSlug: "fortierville"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetStatus(ctx, f.t.ID, idea.ID, 0, community.Retained, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Support(ctx, f.t.ID, idea.ID, community.SupportInput{Name: "Gaétan", Email: "gaetan@exemple.org"}, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Support(ctx, f.t.ID, idea.ID, community.SupportInput{Email: "marie@exemple.org"}, false); err != nil {
			t.Fatal(err)
		}
		in, err := f.s.CreateInitiative(ctx, f.t.ID, 0, community.InitiativeInput{Title: "Le club de marche de Fortierville",
			Summary: "On marche ensemble le mardi.", PlaceSlug: "fortierville", IdeaID: idea.ID,
			StartsOn: day(2026, 4, 7), EndsOn: day(2026, 10, 27)})
		if err != nil {
			t.Fatal(err)
		}
		if in.Status != community.Preparing || in.Published() || in.Slug != "le-club-de-marche-de-fortierville" ||
			in.IdeaID == nil || *in.IdeaID != idea.ID || in.IdeaTitle != idea.Title || in.PlaceName != "Fortierville" {
			t.Errorf("created %+v", in)
		}
		if in.StartsOn == nil || in.StartsOn.Format("2006-01-02") != "2026-04-07" || in.EndsOn.Format("2006-01-02") != "2026-10-27" {
			t.Errorf("period %v – %v", in.StartsOn, in.EndsOn)
		}
		got, _ := f.s.Get(ctx, f.t.ID, idea.ID)
		if got.Status != community.InProgress {
			t.Errorf("the idea is %s, want in_progress", got.Status)
		}
		h, _ := f.s.History(ctx, f.t.ID, idea.ID)
		if len(h) != 3 || h[2].Status != community.InProgress {
			t.Errorf("idea history %+v", h)
		}
		story, _ := f.s.InitiativeHistory(ctx, f.t.ID, in.ID)
		if len(story) != 1 || story[0].Status != community.Preparing {
			t.Errorf("initiative story %+v", story)
		}
		born, _ := f.s.Initiatives(ctx, f.t.ID, community.InitiativeFilter{IdeaID: idea.ID})
		if len(born) != 1 || born[0].ID != in.ID {
			t.Errorf("initiatives of the idea: %+v", born)
		}

		// Its first publication tells the idea's confirmed supporters, once.
		if n := len(f.mails(t, "gaetan@exemple.org")); n != 0 {
			t.Errorf("supporters told before publication: %d", n)
		}
		marie := len(f.mails(t, "marie@exemple.org"))
		for _, publish := range []bool{true, false, true} {
			if err := f.s.PublishInitiative(ctx, f.t.ID, in.ID, publish); err != nil {
				t.Fatal(err)
			}
		}
		told := f.mails(t, "gaetan@exemple.org")
		if len(told) != 1 || !strings.Contains(told[0].Text, "Bonjour Gaétan,") || !strings.Contains(told[0].Text, "Hello Gaétan,") ||
			!strings.Contains(told[0].Text, testkit.BaseURL+"/initiatives/le-club-de-marche-de-fortierville") {
			t.Errorf("supporter's e-mails: %+v", told)
		}
		if n := len(f.mails(t, "marie@exemple.org")); n != marie {
			t.Errorf("an unconfirmed supporter was told")
		}
		if got, _ := f.s.Initiative(ctx, f.t.ID, in.ID); !got.Published() {
			t.Error("not published")
		}

		// A second one from the same idea: the idea's story does not repeat itself.
		second, err := f.s.CreateInitiative(ctx, f.t.ID, 0, community.InitiativeInput{Title: "Le club de marche de Fortierville",
			PlaceSlug: "fortierville", IdeaID: idea.ID})
		if err != nil {
			t.Fatal(err)
		}
		if second.Slug != "le-club-de-marche-de-fortierville-2" {
			t.Errorf("second slug %q", second.Slug)
		}
		if h, _ := f.s.History(ctx, f.t.ID, idea.ID); len(h) != 3 {
			t.Errorf("idea history has %d steps after a second initiative", len(h))
		}

		// An idea still waiting for moderation cannot give an initiative; nothing is written.
		prop, _ := f.s.Submit(ctx, f.t.ID, community.Input{Kind: community.Idea, Title: "Piscine", ThemeCode: "loisirs", PlaceSlug: "lemieux"})
		_, err = f.s.CreateInitiative(ctx, f.t.ID, 0, community.InitiativeInput{Title: "Une piscine", PlaceSlug: "lemieux", IdeaID: prop.ID})
		testkit.WantFields(t, err, "idea")
		if p, _ := f.s.Get(ctx, f.t.ID, prop.ID); p.Status != community.Proposed {
			t.Errorf("pending idea moved to %s", p.Status)
		}
		if n := testkit.Count(t, f.d, "SELECT COUNT(*) FROM initiatives"); n != 2 {
			t.Errorf("%d initiatives, want 2", n)
		}

		// The title leads the address until publication, then it stays.
		upd, err := f.s.UpdateInitiative(ctx, f.t.ID, second.ID, community.InitiativeInput{Title: "Marcher à Fortierville", PlaceSlug: "fortierville"})
		if err != nil || upd.Slug != "marcher-a-fortierville" || upd.IdeaID == nil {
			t.Fatalf("update: %+v %v", upd, err)
		}
		_ = f.s.PublishInitiative(ctx, f.t.ID, second.ID, true)
		upd, _ = f.s.UpdateInitiative(ctx, f.t.ID, second.ID, community.InitiativeInput{Title: "Marcher ensemble", PlaceSlug: "fortierville"})
		if upd.Slug != "marcher-a-fortierville" || upd.Title != "Marcher ensemble" {
			t.Errorf("published update: %+v", upd)
		}
		bySlug, err := f.s.InitiativeBySlug(ctx, f.t.ID, "marcher-a-fortierville")
		if err != nil || bySlug.ID != second.ID {
			t.Errorf("by slug: %v", err)
		}
	})
}

func TestInitiativeValidation(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID

		_, err := f.s.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "  ", PlaceSlug: "paris",
			StartsOn: day(2026, 5, 2), EndsOn: day(2026, 5, 1), IdeaID: 99999})
		testkit.WantFields(t, err, "title", "place", "ends_on", "idea")
		_, err = f.s.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: strings.Repeat("é", 121),
			Summary: strings.Repeat("a", 301), Description: strings.Repeat("a", 5001)})
		testkit.WantFields(t, err, "title", "summary", "description", "place")
		if n := testkit.Count(t, f.d, "SELECT COUNT(*) FROM initiatives") + testkit.Count(t, f.d, "SELECT COUNT(*) FROM initiative_history"); n != 0 {
			t.Fatalf("%d rows written from bad input", n)
		}
		// The same day for start and end is fine; 120 characters too.
		in, err := f.s.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: strings.Repeat("é", 120), PlaceSlug: "manseau",
			StartsOn: day(2026, 5, 2), EndsOn: day(2026, 5, 2)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.UpdateInitiative(ctx, tid, in.ID, community.InitiativeInput{Title: "", PlaceSlug: "manseau"})
		testkit.WantFields(t, err, "title")
		_, err = f.s.UpdateInitiative(ctx, tid, in.ID+100, community.InitiativeInput{Title: "X", PlaceSlug: "manseau"})
		testkit.WantCode(t, err, errs.NotFound)
		testkit.WantFields(t, f.s.SetOutcome(ctx, tid, in.ID, strings.Repeat("a", 3001)), "outcome")
		testkit.WantFields(t, f.s.SetInitiativeStatus(ctx, tid, in.ID, 0, "deleted", ""), "status")
		testkit.WantFields(t, f.s.SetInitiativeStatus(ctx, tid, in.ID, 0, community.Active, strings.Repeat("a", 501)), "reason")

		// Milestones, help wanted, actors.
		_, err = f.s.AddMilestone(ctx, tid, in.ID, community.MilestoneInput{Title: " "})
		testkit.WantFields(t, err, "title", "due_on")
		_, err = f.s.AddHelpWanted(ctx, tid, in.ID, community.HelpInput{Title: strings.Repeat("a", 121), Details: strings.Repeat("a", 1001)})
		testkit.WantFields(t, err, "title", "details", "people_needed")
		amount := int64(-5)
		_, err = f.s.AddActor(ctx, tid, in.ID, community.ActorInput{Name: "", Kind: "church", AmountCents: &amount})
		testkit.WantFields(t, err, "name", "kind", "supports", "amount")
		big := int64(5000)
		_, err = f.s.AddActor(ctx, tid, in.ID, community.ActorInput{Name: "Caisse", Kind: community.ActorBusiness,
			Supports: []community.SupportKind{community.SupportRoom, "love"}, AmountCents: &big})
		testkit.WantFields(t, err, "supports", "amount")

		// People: joining an unpublished initiative is refused; bad fields first.
		_, err = f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: " ", Email: "pas-un-courriel", Offer: strings.Repeat("a", 1001), NeedID: 12345}, false)
		testkit.WantFields(t, err, "name", "email", "offer", "need")
		_, err = f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: "Lise", Email: "lise@exemple.org"}, false)
		testkit.WantCode(t, err, errs.NotFound)
		_, err = f.s.AddPerson(ctx, tid, in.ID, community.PersonInput{Role: "boss", Name: "", Email: "x@", Phone: strings.Repeat("1", 41)})
		testkit.WantFields(t, err, "role", "name", "email", "phone")

		for _, table := range []string{"initiative_milestones", "initiative_needs", "initiative_actors", "initiative_people"} {
			if n := testkit.Count(t, f.d, "SELECT COUNT(*) FROM "+table); n != 0 {
				t.Errorf("%s has %d rows after bad input", table, n)
			}
		}
		if n := len(f.mails(t, "lise@exemple.org")); n != 0 {
			t.Errorf("%d e-mails for a refused join", n)
		}
		if got, _ := f.s.Initiative(ctx, tid, in.ID); got.Status != community.Preparing || got.Outcome != "" {
			t.Errorf("initiative changed by bad input: %+v", got)
		}
	})
}

func TestInitiativeStory(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		in := f.initiative(t, "Une cuisine collective", "manseau", true)
		for _, st := range []community.InitiativeStatus{community.Active, community.Paused, community.Active} {
			if err := f.s.SetInitiativeStatus(ctx, tid, in.ID, 0, st, ""); err != nil {
				t.Fatal(err)
			}
		}
		testkit.WantFields(t, f.s.SetInitiativeStatus(ctx, tid, in.ID, 0, community.Active, ""), "status")
		testkit.WantFields(t, f.s.SetInitiativeStatus(ctx, tid, in.ID, 0, community.Abandoned, "   "), "reason")
		if got, _ := f.s.Initiative(ctx, tid, in.ID); got.Status != community.Active {
			t.Fatalf("status after refused changes: %s", got.Status)
		}
		if err := f.s.SetInitiativeStatus(ctx, tid, in.ID, 0, community.Abandoned, "Plus de local disponible."); err != nil {
			t.Fatal(err)
		}
		got, _ := f.s.Initiative(ctx, tid, in.ID)
		if got.Status != community.Abandoned || got.StatusReason != "Plus de local disponible." || got.Open() {
			t.Errorf("abandoned: %+v", got)
		}
		story, _ := f.s.InitiativeHistory(ctx, tid, in.ID)
		want := []community.InitiativeStatus{community.Preparing, community.Active, community.Paused, community.Active, community.Abandoned}
		if len(story) != len(want) {
			t.Fatalf("story %+v", story)
		}
		for i, st := range want {
			if story[i].Status != st {
				t.Errorf("step %d: %s, want %s", i, story[i].Status, st)
			}
		}
		if story[4].Reason != "Plus de local disponible." {
			t.Errorf("reason lost: %+v", story[4])
		}
		// Nobody joins an abandoned initiative.
		_, err := f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: "Lise", Email: "lise@exemple.org"}, false)
		testkit.WantCode(t, err, errs.Conflict)
		if err := f.s.SetOutcome(ctx, tid, in.ID, "  Trois repas servis avant l’arrêt.  "); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.Initiative(ctx, tid, in.ID); got.Outcome != "Trois repas servis avant l’arrêt." {
			t.Errorf("outcome %q", got.Outcome)
		}
		// Published lists: filters by status and place (a ville includes its secteurs).
		f.initiative(t, "Un jardin à Gentilly", "becancour-gentilly", true)
		f.initiative(t, "Pas encore publiée", "becancour-gentilly", false)
		pub, _ := f.s.Initiatives(ctx, tid, community.InitiativeFilter{PublishedOnly: true})
		if len(pub) != 2 || pub[0].Title != "Un jardin à Gentilly" {
			t.Errorf("published: %+v", pub)
		}
		if l, _ := f.s.Initiatives(ctx, tid, community.InitiativeFilter{PublishedOnly: true, PlaceSlug: "becancour"}); len(l) != 1 {
			t.Errorf("Bécancour lists %d", len(l))
		}
		if l, _ := f.s.Initiatives(ctx, tid, community.InitiativeFilter{Status: community.Abandoned}); len(l) != 1 || l[0].ID != in.ID {
			t.Errorf("abandoned list %+v", l)
		}
		if l, _ := f.s.Initiatives(ctx, tid, community.InitiativeFilter{}); len(l) != 3 {
			t.Errorf("staff list has %d", len(l))
		}
		if err := f.s.PublishInitiative(ctx, tid, in.ID, false); err != nil {
			t.Fatal(err)
		}
		if l, _ := f.s.Initiatives(ctx, tid, community.InitiativeFilter{PublishedOnly: true}); len(l) != 1 {
			t.Errorf("after unpublishing, %d public", len(l))
		}
	})
}

func TestJoinInitiative(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		in := f.initiative(t, "Un répertoire des voisins", "wolinak", true)
		need, err := f.s.AddHelpWanted(ctx, tid, in.ID, community.HelpInput{Title: "Faire des appels", PeopleNeeded: 2})
		if err != nil {
			t.Fatal(err)
		}

		out, err := f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: "Gaétan Roy", Email: "Gaetan@Exemple.org",
			Offer: "Mon téléphone et du temps", NeedID: need.ID, ShowName: true}, false)
		if err != nil || out.Confirmed || out.Existing {
			t.Fatalf("join: %+v %v", out, err)
		}
		if got, _ := f.s.Initiative(ctx, tid, in.ID); got.Participants != 0 {
			t.Error("an unconfirmed participation counts")
		}
		m := f.mails(t, "gaetan@exemple.org")
		if len(m) != 1 || !strings.Contains(m[0].Subject, "Un répertoire des voisins") {
			t.Fatalf("confirmation e-mail: %+v", m)
		}
		tok := f.token(t, "gaetan@exemple.org")
		p, err := f.s.Participation(ctx, tid, tok)
		if err != nil || p.Person.Name != "Gaétan Roy" || p.Person.Active() || p.Initiative.ID != in.ID {
			t.Fatalf("participation before confirming: %+v %v", p, err)
		}
		if _, err := f.s.ConfirmParticipation(ctx, tid, tok); err != nil {
			t.Fatal(err)
		}
		p, err = f.s.ConfirmParticipation(ctx, tid, tok)
		if err != nil || !p.Person.Active() || p.Initiative.Participants != 1 {
			t.Fatalf("second confirmation: %+v %v", p, err)
		}
		_, err = f.s.ConfirmParticipation(ctx, tid, "faux")
		testkit.WantCode(t, err, errs.NotFound)

		// The same address again: no second row, a clear outcome, and no
		// second e-mail the same day (the form does not fill a mailbox)...
		again, err := f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: "Quelqu’un d’autre", Email: "gaetan@exemple.org", ShowName: false}, false)
		if err != nil || !again.Existing || !again.Confirmed {
			t.Fatalf("duplicate: %+v %v", again, err)
		}
		if n := testkit.Count(t, f.d, "SELECT COUNT(*) FROM initiative_people"); n != 1 {
			t.Errorf("%d people after a duplicate join", n)
		}
		if m := f.mails(t, "gaetan@exemple.org"); len(m) != 1 {
			t.Errorf("%d e-mails after joining twice the same day, want 1", len(m))
		}
		// ...the next day, the link is sent again.
		f.clock.Advance(25 * time.Hour)
		if _, err := f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: "Quelqu’un d’autre", Email: "gaetan@exemple.org"}, false); err != nil {
			t.Fatal(err)
		}
		m = f.mails(t, "gaetan@exemple.org")
		if len(m) != 2 || f.token(t, "gaetan@exemple.org") != tok || !strings.Contains(m[0].Text, "Gaétan Roy") {
			t.Errorf("the link was not sent again: %+v", m)
		}

		// Signed in with the same address: counts at once.
		out, err = f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: "Julie Côté", Email: "julie@exemple.org"}, true)
		if err != nil || !out.Confirmed || out.Existing {
			t.Fatalf("verified: %+v %v", out, err)
		}
		// Someone who never confirms does not count.
		if _, err := f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: "Marc", Email: "marc@exemple.org", ShowName: true}, false); err != nil {
			t.Fatal(err)
		}
		got, _ := f.s.Initiative(ctx, tid, in.ID)
		if got.Participants != 2 || got.People() != 2 {
			t.Errorf("%d participants, want 2", got.Participants)
		}
		// The public sees counts, and first names of those who chose so.
		if _, err := f.s.AddPerson(ctx, tid, in.ID, community.PersonInput{Role: community.Leader, Name: "Nicole Lemay", ShowName: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddPerson(ctx, tid, in.ID, community.PersonInput{Role: community.Leader, Name: "Paul Discret", Email: "paul@exemple.org"}); err != nil {
			t.Fatal(err)
		}
		crew, _ := f.s.Crew(ctx, tid, in.ID)
		if crew.Leaders != 2 || len(crew.LeaderNames) != 1 || crew.LeaderNames[0] != "Nicole" ||
			crew.Participants != 2 || len(crew.ParticipantNames) != 1 || crew.ParticipantNames[0] != "Gaétan" {
			t.Errorf("crew %+v", crew)
		}
		if m := f.mails(t, "paul@exemple.org"); len(m) != 1 || !privateRe.MatchString(m[0].Text) {
			t.Errorf("a leader added with an address is told: %+v", m)
		}
		_, err = f.s.AddPerson(ctx, tid, in.ID, community.PersonInput{Role: community.Participant, Name: "Paul", Email: "PAUL@exemple.org"})
		testkit.WantCode(t, err, errs.Conflict)
		needs, _ := f.s.HelpNeeds(ctx, tid, in.ID)
		if len(needs) != 1 || needs[0].Offers != 1 {
			t.Errorf("needs %+v", needs)
		}
		people, _ := f.s.People(ctx, tid, in.ID)
		if len(people) != 5 || people[0].Role != community.Leader || people[2].Email != "gaetan@exemple.org" ||
			people[2].NeedTitle != "Faire des appels" || people[2].Offer != "Mon téléphone et du temps" {
			t.Errorf("people %+v", people)
		}

		// A filled need can no longer be chosen.
		if err := f.s.SetHelpFilled(ctx, tid, in.ID, need.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: "Ève", Email: "eve@exemple.org", NeedID: need.ID}, false)
		testkit.WantFields(t, err, "need")

		// Leaving: no longer counted nor named; leaving twice is harmless.
		if _, err := f.s.LeaveInitiative(ctx, tid, tok); err != nil {
			t.Fatal(err)
		}
		p, err = f.s.LeaveInitiative(ctx, tid, tok)
		if err != nil || p.Person.LeftAt == nil || p.Person.Active() {
			t.Fatalf("leave: %+v %v", p, err)
		}
		crew, _ = f.s.Crew(ctx, tid, in.ID)
		if crew.Participants != 1 || len(crew.ParticipantNames) != 0 {
			t.Errorf("crew after leaving %+v", crew)
		}
		// Joining again after leaving: the link comes again, and counts once confirmed.
		back, err := f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: "Gaétan", Email: "gaetan@exemple.org"}, false)
		if err != nil || !back.Existing || back.Confirmed {
			t.Fatalf("back: %+v %v", back, err)
		}
		if _, err := f.s.ConfirmParticipation(ctx, tid, f.token(t, "gaetan@exemple.org")); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.Initiative(ctx, tid, in.ID); got.Participants != 2 {
			t.Errorf("after coming back: %d participants", got.Participants)
		}

		// Staff remove someone for good.
		testkit.WantCode(t, f.s.RemovePerson(ctx, tid, in.ID, people[0].ID+1000), errs.NotFound)
		if err := f.s.RemovePerson(ctx, tid, in.ID, people[2].ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Participation(ctx, tid, tok)
		testkit.WantCode(t, err, errs.NotFound)
	})
}

func TestInitiativeFollowers(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		in := f.initiative(t, "Une patinoire de quartier", "sainte-francoise", true)
		join := func(name, email string) string {
			if _, err := f.s.Join(ctx, tid, in.ID, community.JoinInput{Name: name, Email: email}, false); err != nil {
				t.Fatal(err)
			}
			return f.token(t, email)
		}
		_, _ = f.s.ConfirmParticipation(ctx, tid, join("Alice", "alice@exemple.org"))
		join("Bruno", "bruno@exemple.org") // never confirms
		left := join("Carole", "carole@exemple.org")
		_, _ = f.s.ConfirmParticipation(ctx, tid, left)
		_, _ = f.s.LeaveInitiative(ctx, tid, left)
		if _, err := f.s.AddPerson(ctx, tid, in.ID, community.PersonInput{Role: community.Leader, Name: "Denis", Email: "denis@exemple.org", Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddPerson(ctx, tid, in.ID, community.PersonInput{Role: community.Leader, Name: "Émile sans courriel"}); err != nil {
			t.Fatal(err)
		}
		before := map[string]int{}
		for _, a := range []string{"alice@exemple.org", "bruno@exemple.org", "carole@exemple.org", "denis@exemple.org"} {
			before[a] = len(f.mails(t, a))
		}
		news := func() map[string]int {
			out := map[string]int{}
			for a, n := range before {
				out[a] = len(f.mails(t, a)) - n
			}
			return out
		}

		m1, _ := f.s.AddMilestone(ctx, tid, in.ID, community.MilestoneInput{Title: "Trouver les bandes", DueOn: day(2026, 11, 15)})
		m2, _ := f.s.AddMilestone(ctx, tid, in.ID, community.MilestoneInput{Title: "Première glace", DueOn: day(2026, 12, 20)})
		f.clock.Set(time.Date(2026, 11, 14, 3, 0, 0, 0, time.UTC)) // evening of the 13th in Québec
		if err := f.s.SetMilestoneDone(ctx, tid, in.ID, m1.ID, true); err != nil {
			t.Fatal(err)
		}
		if n := news(); n["alice@exemple.org"] != 1 || n["denis@exemple.org"] != 1 || n["bruno@exemple.org"] != 0 || n["carole@exemple.org"] != 0 {
			t.Fatalf("milestone news went to %v", n)
		}
		a := f.mails(t, "alice@exemple.org")[0]
		if !strings.Contains(a.Text, "Trouver les bandes") || !strings.Contains(a.Text, "1\u00a0étape sur 2") ||
			!strings.Contains(a.Text, "/initiatives/une-patinoire-de-quartier") || !privateRe.MatchString(a.Text) {
			t.Errorf("milestone e-mail:\n%s", a.Text)
		}
		if dn := f.mails(t, "denis@exemple.org")[0]; !strings.Contains(dn.Subject, "News") {
			t.Errorf("English follower got %q", dn.Subject)
		}
		ms, _ := f.s.Milestones(ctx, tid, in.ID)
		if len(ms) != 2 || ms[0].DoneOn == nil || ms[0].DoneOn.Format("2006-01-02") != "2026-11-13" || ms[1].DoneOn != nil {
			t.Errorf("milestones %+v", ms)
		}
		// Done again: nothing new to tell. Undone: no e-mail either.
		_ = f.s.SetMilestoneDone(ctx, tid, in.ID, m1.ID, true)
		_ = f.s.SetMilestoneDone(ctx, tid, in.ID, m1.ID, false)
		if n := news(); n["alice@exemple.org"] != 1 {
			t.Errorf("repeated news: %v", n)
		}
		if got, _ := f.s.Initiative(ctx, tid, in.ID); got.MilestonesDone != 0 || got.Milestones != 2 {
			t.Errorf("progress %d/%d", got.MilestonesDone, got.Milestones)
		}
		testkit.WantCode(t, f.s.SetMilestoneDone(ctx, tid, in.ID, m2.ID+100, true), errs.NotFound)
		// Done on an earlier day: kept as said; a day to come is refused.
		testkit.WantFields(t, f.s.MarkMilestoneDone(ctx, tid, in.ID, m1.ID, *day(2026, 11, 14)), "done_on")
		if err := f.s.MarkMilestoneDone(ctx, tid, in.ID, m1.ID, *day(2026, 11, 2)); err != nil {
			t.Fatal(err)
		}
		if ms, _ := f.s.Milestones(ctx, tid, in.ID); ms[0].DoneOn == nil || ms[0].DoneOn.Format("2006-01-02") != "2026-11-02" {
			t.Errorf("done on %v", ms[0].DoneOn)
		}
		// Followers were told once already: undone then done again tells nobody.
		if n := news(); n["alice@exemple.org"] != 1 || n["denis@exemple.org"] != 1 {
			t.Errorf("news after marking done again: %v", n)
		}
		_ = f.s.SetMilestoneDone(ctx, tid, in.ID, m1.ID, false)

		// A status change reaches the same people, with the reason.
		if err := f.s.SetInitiativeStatus(ctx, tid, in.ID, 0, community.Paused, "On attend le froid."); err != nil {
			t.Fatal(err)
		}
		if n := news(); n["alice@exemple.org"] != 2 || n["denis@exemple.org"] != 2 || n["bruno@exemple.org"] != 0 || n["carole@exemple.org"] != 0 {
			t.Fatalf("status news went to %v", n)
		}
		if a := f.mails(t, "alice@exemple.org")[0]; !strings.Contains(a.Text, "En pause") || !strings.Contains(a.Text, "On attend le froid.") {
			t.Errorf("status e-mail:\n%s", a.Text)
		}

		// An initiative the public cannot see tells nobody.
		_ = f.s.PublishInitiative(ctx, tid, in.ID, false)
		_ = f.s.SetMilestoneDone(ctx, tid, in.ID, m2.ID, true)
		_ = f.s.SetInitiativeStatus(ctx, tid, in.ID, 0, community.Active, "")
		if n := news(); n["alice@exemple.org"] != 2 {
			t.Errorf("news of an unpublished initiative: %v", n)
		}
		if err := f.s.RemoveMilestone(ctx, tid, in.ID, m2.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, f.s.RemoveMilestone(ctx, tid, in.ID, m2.ID), errs.NotFound)
	})
}

func TestInitiativeActors(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		in := f.initiative(t, "Une cuisine collective", "manseau", false)
		amount := int64(50000)
		a, err := f.s.AddActor(ctx, tid, in.ID, community.ActorInput{Name: "  Caisse   Desjardins ", Kind: community.ActorBusiness,
			Supports: []community.SupportKind{community.SupportEquipment, community.SupportMoney, community.SupportMoney}, AmountCents: &amount,
			Details: "Pour les chaudrons"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != "Caisse Desjardins" || len(a.Supports) != 2 || a.Supports[0] != community.SupportMoney || *a.AmountCents != 50000 {
			t.Errorf("actor %+v", a)
		}
		b, _ := f.s.AddActor(ctx, tid, in.ID, community.ActorInput{Name: "Municipalité de Manseau", Kind: community.ActorMunicipality,
			Supports: []community.SupportKind{community.SupportRoom}})
		up, err := f.s.UpdateActor(ctx, tid, in.ID, b.ID, community.ActorInput{Name: "Municipalité de Manseau", Kind: community.ActorMunicipality,
			Supports: []community.SupportKind{community.SupportRoom, community.SupportStaffTime}, Details: "La salle du sous-sol"})
		if err != nil || !up.Gives(community.SupportStaffTime) || up.Details != "La salle du sous-sol" || up.AmountCents != nil {
			t.Errorf("update %+v %v", up, err)
		}
		_, err = f.s.UpdateActor(ctx, tid, in.ID, b.ID, community.ActorInput{Name: "", Kind: community.ActorMunicipality})
		testkit.WantFields(t, err, "name", "supports")
		list, _ := f.s.Actors(ctx, tid, in.ID)
		if len(list) != 2 || list[1].Details != "La salle du sous-sol" {
			t.Errorf("actors %+v", list)
		}
		if err := f.s.RemoveActor(ctx, tid, in.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, f.s.RemoveActor(ctx, tid, in.ID, a.ID), errs.NotFound)
		if list, _ := f.s.Actors(ctx, tid, in.ID); len(list) != 1 {
			t.Errorf("%d actors after removal", len(list))
		}
	})
}

func TestInitiativeTerritoryIsolation(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		other, err := f.ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.ts.ImportPlaces(ctx, other.ID, territory.BecancourPlaces()); err != nil {
			t.Fatal(err)
		}
		theirs, err := f.s.CreateInitiative(ctx, other.ID, 0, community.InitiativeInput{Title: "Un projet d’ailleurs", PlaceSlug: "manseau"})
		if err != nil {
			t.Fatal(err)
		}
		_ = f.s.PublishInitiative(ctx, other.ID, theirs.ID, true)
		ms, _ := f.s.AddMilestone(ctx, other.ID, theirs.ID, community.MilestoneInput{Title: "Étape", DueOn: day(2026, 6, 1)})
		act, _ := f.s.AddActor(ctx, other.ID, theirs.ID, community.ActorInput{Name: "Ville", Kind: community.ActorMunicipality,
			Supports: []community.SupportKind{community.SupportRoom}})
		need, _ := f.s.AddHelpWanted(ctx, other.ID, theirs.ID, community.HelpInput{Title: "Bras", PeopleNeeded: 1})
		if _, err := f.s.Join(ctx, other.ID, theirs.ID, community.JoinInput{Name: "Zoé", Email: "zoe@exemple.org"}, false); err != nil {
			t.Fatal(err)
		}
		items, _ := f.outbox.List(ctx, other.ID, 5)
		tok := privateRe.FindStringSubmatch(items[0].Text)[1]

		mine := f.t.ID
		_, err = f.s.Initiative(ctx, mine, theirs.ID)
		testkit.WantCode(t, err, errs.NotFound)
		_, err = f.s.InitiativeBySlug(ctx, mine, theirs.Slug)
		testkit.WantCode(t, err, errs.NotFound)
		if l, _ := f.s.Initiatives(ctx, mine, community.InitiativeFilter{}); len(l) != 0 {
			t.Errorf("another territory's initiative is listed: %+v", l)
		}
		_, err = f.s.UpdateInitiative(ctx, mine, theirs.ID, community.InitiativeInput{Title: "À moi", PlaceSlug: "manseau"})
		testkit.WantCode(t, err, errs.NotFound)
		testkit.WantCode(t, f.s.PublishInitiative(ctx, mine, theirs.ID, false), errs.NotFound)
		testkit.WantCode(t, f.s.SetInitiativeStatus(ctx, mine, theirs.ID, 0, community.Active, ""), errs.NotFound)
		testkit.WantCode(t, f.s.SetOutcome(ctx, mine, theirs.ID, "x"), errs.NotFound)
		_, err = f.s.Join(ctx, mine, theirs.ID, community.JoinInput{Name: "Moi", Email: "moi@exemple.org"}, false)
		testkit.WantCode(t, err, errs.NotFound)
		_, err = f.s.AddPerson(ctx, mine, theirs.ID, community.PersonInput{Role: community.Leader, Name: "Moi"})
		testkit.WantCode(t, err, errs.NotFound)
		_, err = f.s.AddMilestone(ctx, mine, theirs.ID, community.MilestoneInput{Title: "X", DueOn: day(2026, 6, 1)})
		testkit.WantCode(t, err, errs.NotFound)
		testkit.WantCode(t, f.s.SetMilestoneDone(ctx, mine, theirs.ID, ms.ID, true), errs.NotFound)
		testkit.WantCode(t, f.s.RemoveMilestone(ctx, mine, theirs.ID, ms.ID), errs.NotFound)
		_, err = f.s.AddActor(ctx, mine, theirs.ID, community.ActorInput{Name: "X", Kind: community.ActorOther, Supports: []community.SupportKind{community.SupportOther}})
		testkit.WantCode(t, err, errs.NotFound)
		testkit.WantCode(t, f.s.RemoveActor(ctx, mine, theirs.ID, act.ID), errs.NotFound)
		_, err = f.s.AddHelpWanted(ctx, mine, theirs.ID, community.HelpInput{Title: "X", PeopleNeeded: 1})
		testkit.WantCode(t, err, errs.NotFound)
		testkit.WantCode(t, f.s.SetHelpFilled(ctx, mine, theirs.ID, need.ID, true), errs.NotFound)
		_, err = f.s.Participation(ctx, mine, tok)
		testkit.WantCode(t, err, errs.NotFound)
		_, err = f.s.ConfirmParticipation(ctx, mine, tok)
		testkit.WantCode(t, err, errs.NotFound)
		_, err = f.s.LeaveInitiative(ctx, mine, tok)
		testkit.WantCode(t, err, errs.NotFound)
		for name, n := range map[string]func() (int, error){
			"people":     func() (int, error) { l, err := f.s.People(ctx, mine, theirs.ID); return len(l), err },
			"actors":     func() (int, error) { l, err := f.s.Actors(ctx, mine, theirs.ID); return len(l), err },
			"milestones": func() (int, error) { l, err := f.s.Milestones(ctx, mine, theirs.ID); return len(l), err },
			"needs":      func() (int, error) { l, err := f.s.HelpNeeds(ctx, mine, theirs.ID); return len(l), err },
			"story":      func() (int, error) { l, err := f.s.InitiativeHistory(ctx, mine, theirs.ID); return len(l), err },
		} {
			if got, err := n(); err != nil || got != 0 {
				t.Errorf("%s of another territory: %d %v", name, got, err)
			}
		}
		// Theirs is untouched; the same address may join theirs and one of mine.
		got, _ := f.s.Initiative(ctx, other.ID, theirs.ID)
		if got.Title != "Un projet d’ailleurs" || !got.Published() || got.Milestones != 1 || got.MilestonesDone != 0 {
			t.Errorf("theirs changed: %+v", got)
		}
		if p, err := f.s.ConfirmParticipation(ctx, other.ID, tok); err != nil || !p.Person.Active() {
			t.Errorf("their link: %+v %v", p, err)
		}
	})
}

func TestSilentStoreSendsNothing(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		quiet := f.s.Silent()
		idea, _ := f.s.Record(ctx, tid, 0, community.Input{Kind: community.Idea, Title: "Un jardin", ThemeCode: "alimentation", PlaceSlug: "parisville"})
		if _, err := f.s.Support(ctx, tid, idea.ID, community.SupportInput{Email: "appui@exemple.org"}, true); err != nil {
			t.Fatal(err)
		}
		in, err := quiet.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Le jardin de Parisville", PlaceSlug: "parisville", IdeaID: idea.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := quiet.PublishInitiative(ctx, tid, in.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := quiet.Join(ctx, tid, in.ID, community.JoinInput{Name: "Zoé", Email: "zoe@exemple.org"}, true); err != nil {
			t.Fatal(err)
		}
		if _, err := quiet.AddPerson(ctx, tid, in.ID, community.PersonInput{Role: community.Leader, Name: "Yves", Email: "yves@exemple.org"}); err != nil {
			t.Fatal(err)
		}
		if err := quiet.SetInitiativeStatus(ctx, tid, in.ID, 0, community.Active, ""); err != nil {
			t.Fatal(err)
		}
		if items, _ := f.outbox.List(ctx, tid, 10); len(items) != 0 {
			t.Errorf("a silent store queued %d e-mails", len(items))
		}
		if got, _ := f.s.Initiative(ctx, tid, in.ID); got.People() != 2 || got.Status != community.Active {
			t.Errorf("silent store's work: %+v", got)
		}
	})
}
