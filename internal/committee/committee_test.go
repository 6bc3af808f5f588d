package committee_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/committee"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/testkit"
)

type fixture struct {
	a *app.App
	s *committee.Store
	t territory.Territory
	d *db.DB
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	a := testkit.App(t, d, time.Date(2026, 5, 20, 15, 0, 0, 0, time.UTC))
	return &fixture{a: a, s: a.Committee, t: testkit.Territory(t, a.Territories), d: d}
}

func meetingInput() committee.MeetingInput {
	return committee.MeetingInput{Title: "Comité des partenaires", Date: "2026-06-10", Start: "13:30", End: "15 h 30",
		PlaceSlug: "becancour", VenueName: "Salle du conseil", Agenda: "1. Bilan des soupers\n2. Suite du forum"}
}

func TestMembers(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		org, err := f.a.Orgs.Create(ctx, tid, 0, orgs.Input{Kind: orgs.Nonprofit, Name: "Loisir Sport Centre-du-Québec",
			PlaceSlugs: []string{"becancour"}})
		if err != nil {
			t.Fatal(err)
		}
		partner, err := f.a.Auth.CreateUser(ctx, auth.NewUser{Email: "rep@exemple.org", Name: "Rep"}, tid, auth.RolePartner)
		if err != nil {
			t.Fatal(err)
		}
		citizen, err := f.a.Auth.CreateUser(ctx, auth.NewUser{Email: "cit@exemple.org", Name: "Cit"}, tid, auth.RoleCitizen)
		if err != nil {
			t.Fatal(err)
		}

		// Bad input: clear problems, nothing written.
		_, err = f.s.AddMember(ctx, tid, committee.MemberInput{JoinedOn: "1999-01-01", UserID: citizen.ID})
		testkit.WantFields(t, err, "organization_name", "representative", "joined_on", "account")
		_, err = f.s.AddMember(ctx, tid, committee.MemberInput{OrganizationID: 99999, Representative: "X", JoinedOn: "2026-01-15"})
		testkit.WantFields(t, err, "organization")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM committee_members`); n != 0 {
			t.Fatalf("%d members written from bad input", n)
		}

		linked, err := f.s.AddMember(ctx, tid, committee.MemberInput{OrganizationID: org.ID, Representative: "  Julie   Tremblay ",
			Title: "Coordonnatrice", UserID: partner.ID, JoinedOn: "2026-01-15"})
		if err != nil {
			t.Fatal(err)
		}
		typed, err := f.s.AddMember(ctx, tid, committee.MemberInput{OrganizationName: "CIUSSS MCQ", Representative: "Marc Bélanger",
			JoinedOn: "15/01/2026"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.s.Member(ctx, tid, linked)
		if err != nil {
			t.Fatal(err)
		}
		if m.Organization != "Loisir Sport Centre-du-Québec" || m.Representative != "Julie Tremblay" || m.UserID == nil ||
			*m.UserID != partner.ID || m.JoinedOn.String() != "2026-01-15" || !m.Active() {
			t.Fatalf("member %+v", m)
		}

		if err := f.s.UpdateMember(ctx, tid, typed, committee.MemberInput{OrganizationName: "CIUSSS de la Mauricie-et-du-Centre-du-Québec",
			Representative: "Marc Bélanger", Title: "Organisateur communautaire", JoinedOn: "2026-01-15"}); err != nil {
			t.Fatal(err)
		}
		testkit.WantFields(t, f.s.MemberLeft(ctx, tid, typed, "2025-12-01"), "left_on")
		if err := f.s.MemberLeft(ctx, tid, typed, "2026-04-30"); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, f.s.MemberLeft(ctx, tid, typed, ""), errs.Conflict)
		ms, err := f.s.Members(ctx, tid)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2 || ms[0].ID != linked || ms[1].Active() || ms[1].LeftOn.String() != "2026-04-30" ||
			ms[1].Organization != "CIUSSS de la Mauricie-et-du-Centre-du-Québec" || ms[1].Title != "Organisateur communautaire" {
			t.Fatalf("members %+v", ms)
		}
		testkit.WantCode(t, f.s.UpdateMember(ctx, tid, 99999, committee.MemberInput{}), errs.NotFound)
	})
}

func TestMeetings(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID

		// Bad input: nothing written, neither the event nor the meeting.
		bad := meetingInput()
		bad.Date, bad.Start, bad.Title = "2099-01-01", "25:00", ""
		_, err := f.s.CreateMeeting(ctx, tid, 0, bad)
		testkit.WantFields(t, err, "date", "start", "title")
		bad = meetingInput()
		bad.PlaceSlug, bad.End = "nulle-part", "12:00"
		_, err = f.s.CreateMeeting(ctx, tid, 0, bad)
		testkit.WantFields(t, err, "place", "end")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM events`) + testkit.Count(t, d, `SELECT COUNT(*) FROM committee_meetings`); n != 0 {
			t.Fatalf("%d rows written from bad input", n)
		}
		// When what follows the event fails, the event is not kept either.
		_, err = f.a.Events.CreateWith(ctx, tid, 0, events.Input{Kind: events.PartnersMeeting, Title: "Comité", PlaceSlug: "becancour",
			VenueName: "Salle", StartsAt: time.Date(2026, 6, 1, 17, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 6, 1, 19, 0, 0, 0, time.UTC)},
			func(context.Context, *db.Tx, int64) error { return errors.New("boom") })
		if err == nil || testkit.Count(t, d, `SELECT COUNT(*) FROM events`) != 0 {
			t.Fatalf("event kept after a failure: %v", err)
		}

		m, err := f.s.CreateMeeting(ctx, tid, 0, meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		if m.Event.Kind != events.PartnersMeeting || m.Event.PublishAt != nil || m.Event.Public(f.a.Clock.Now()) ||
			m.Event.StartsAt.In(f.t.Location()).Format("2006-01-02 15:04") != "2026-06-10 13:30" ||
			m.Agenda != "1. Bilan des soupers\n2. Suite du forum" || m.Published() {
			t.Fatalf("meeting %+v", m)
		}
		// Not on the public calendar.
		public, err := f.a.Events.List(ctx, tid, events.Filter{PublicOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(public) != 0 {
			t.Fatalf("public calendar shows %d events", len(public))
		}

		// Minutes: empty ones cannot be published; a draft stays a draft.
		testkit.WantFields(t, f.s.PublishMinutes(ctx, tid, m.ID, true), "minutes")
		if err := f.s.SaveNotes(ctx, tid, m.ID, m.Agenda, "Présentes : 6 organisations. Le bilan est adopté."); err != nil {
			t.Fatal(err)
		}
		testkit.WantFields(t, f.s.SaveNotes(ctx, tid, m.ID, string(bytes.Repeat([]byte("a"), 10_001)), ""), "agenda")
		if err := f.s.PublishMinutes(ctx, tid, m.ID, true); err != nil {
			t.Fatal(err)
		}
		testkit.WantFields(t, f.s.SaveNotes(ctx, tid, m.ID, m.Agenda, " "), "minutes")
		m, err = f.s.Meeting(ctx, tid, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Published() || m.Minutes != "Présentes : 6 organisations. Le bilan est adopté." {
			t.Fatalf("minutes %+v", m)
		}
		if err := f.s.PublishMinutes(ctx, tid, m.ID, false); err != nil {
			t.Fatal(err)
		}
		if m, _ = f.s.Meeting(ctx, tid, m.ID); m.Published() {
			t.Fatal("minutes still published")
		}
		ms, err := f.s.Meetings(ctx, tid)
		if err != nil || len(ms) != 1 || ms[0].Event.ID != m.EventID {
			t.Fatalf("meetings %+v %v", ms, err)
		}
		testkit.WantCode(t, func() error { _, err := f.s.Meeting(ctx, tid, 99999); return err }(), errs.NotFound)
	})
}

func TestItems(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		m, err := f.s.CreateMeeting(ctx, tid, 0, meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.AddItem(ctx, tid, m.ID, committee.ItemInput{Kind: "rumeur", Body: " ", DueOn: "2199-01-01"})
		testkit.WantFields(t, err, "kind", "body", "due_on")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM committee_items`); n != 0 {
			t.Fatalf("%d items from bad input", n)
		}
		dec, err := f.s.AddItem(ctx, tid, m.ID, committee.ItemInput{Kind: committee.Decision, Body: "Adopter le bilan des soupers."})
		if err != nil {
			t.Fatal(err)
		}
		fu, err := f.s.AddItem(ctx, tid, m.ID, committee.ItemInput{Kind: committee.FollowUp, Body: "Envoyer le bilan aux municipalités.",
			Owner: "CAB", DueOn: "2026-07-01"})
		if err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, f.s.CompleteItem(ctx, tid, m.ID, dec, true, ""), errs.Conflict)
		open, err := f.s.OpenFollowUps(ctx, tid, false)
		if err != nil || len(open) != 1 || open[0].ID != fu || open[0].DueOn.String() != "2026-07-01" {
			t.Fatalf("open %+v %v", open, err)
		}
		// Partners see a meeting's follow-ups only once its minutes are out.
		if open, _ = f.s.OpenFollowUps(ctx, tid, true); len(open) != 0 {
			t.Fatalf("unpublished follow-ups shown: %+v", open)
		}
		testkit.WantFields(t, f.s.CompleteItem(ctx, tid, m.ID, fu, true, "hier"), "done_on")
		if err := f.s.CompleteItem(ctx, tid, m.ID, fu, true, "2026-05-19"); err != nil {
			t.Fatal(err)
		}
		items, err := f.s.Items(ctx, tid, m.ID)
		if err != nil || len(items) != 2 || items[0].Kind != committee.Decision || items[1].DoneOn.String() != "2026-05-19" || items[1].Open() {
			t.Fatalf("items %+v %v", items, err)
		}
		testkit.WantCode(t, f.s.RemoveItem(ctx, tid, m.ID+1, dec), errs.NotFound)
		if err := f.s.RemoveItem(ctx, tid, m.ID, dec); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, f.s.RemoveItem(ctx, tid, m.ID, dec), errs.NotFound)
	})
}

func TestDocuments(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		m, err := f.s.CreateMeeting(ctx, tid, 0, meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
		for _, c := range []struct {
			in     committee.DocumentInput
			fields []string
		}{
			{committee.DocumentInput{FileName: "a.pdf", Data: pdf}, []string{"title"}},
			{committee.DocumentInput{Title: "Vide"}, []string{"file"}},
			{committee.DocumentInput{Title: "Page", FileName: "page.pdf", Data: []byte("<html><script>x</script></html>")}, []string{"file"}},
			{committee.DocumentInput{Title: "Script", FileName: "x.js", Data: []byte("alert(1)")}, []string{"file"}},
			{committee.DocumentInput{Title: "Gros", FileName: "gros.pdf", Data: append(pdf, bytes.Repeat([]byte("a"), committee.MaxFileSize)...)}, []string{"file"}},
			{committee.DocumentInput{Title: "Perdu", FileName: "a.pdf", Data: pdf, MeetingID: 99999}, []string{"meeting"}},
		} {
			_, err := f.s.AddDocument(ctx, tid, 0, c.in)
			testkit.WantFields(t, err, c.fields...)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM committee_documents`) + testkit.Count(t, d, `SELECT COUNT(*) FROM committee_files`); n != 0 {
			t.Fatalf("%d rows from bad input", n)
		}
		id, err := f.s.AddDocument(ctx, tid, 0, committee.DocumentInput{Title: " Bilan  des soupers ", FileName: `C:\docs\bilan.pdf`, Data: pdf, MeetingID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		doc, data, err := f.s.Document(ctx, tid, id)
		if err != nil || doc.Title != "Bilan des soupers" || doc.FileName != "bilan.pdf" || doc.ContentType != "application/pdf" ||
			!bytes.Equal(data, pdf) || doc.MeetingID == nil || *doc.MeetingID != m.ID {
			t.Fatalf("document %+v %v", doc, err)
		}
		if docs, err := f.s.Documents(ctx, tid, m.ID); err != nil || len(docs) != 1 {
			t.Fatalf("documents %+v %v", docs, err)
		}
		if err := f.s.RemoveDocument(ctx, tid, id); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM committee_files`); n != 0 {
			t.Fatal("file content kept after removal")
		}
		testkit.WantCode(t, f.s.RemoveDocument(ctx, tid, id), errs.NotFound)
	})
}
