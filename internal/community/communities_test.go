package community_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/jobs"
	"implique/internal/territory"
	"implique/internal/testkit"
)

// inviteLink returns the token of the last invitation e-mailed to addr.
func (f *fixture) inviteLink(t *testing.T, addr string) string {
	t.Helper()
	items, err := f.outbox.List(context.Background(), f.t.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.To != addr {
			continue
		}
		i := strings.Index(it.Text, "/rejoindre/")
		if i < 0 {
			t.Fatalf("no link in %q", it.Text)
		}
		return strings.Fields(it.Text[i+len("/rejoindre/"):])[0]
	}
	t.Fatalf("no e-mail to %s", addr)
	return ""
}

func newUser(t *testing.T, d *db.DB, terr territory.Territory, email string) *auth.User {
	t.Helper()
	u, err := auth.NewStore(d, nil).CreateUser(context.Background(), auth.NewUser{Email: email, Name: "Quelqu’un"}, terr.ID, auth.RoleCitizen)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCommunityMembership(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()

		// Bad input: nothing written.
		_, err := f.s.CreateCommunity(ctx, f.t.ID, 0, community.CommunityInput{Name: " ", PlaceSlugs: []string{"paris"}})
		testkit.WantFields(t, err, "name", "places")
		_, err = f.s.CreateCommunity(ctx, f.t.ID, 0, community.CommunityInput{Name: strings.Repeat("n", 121), Description: strings.Repeat("d", 3001)})
		testkit.WantFields(t, err, "name", "description", "places")
		if n := testkit.Count(t, d, "SELECT COUNT(*) FROM communities"); n != 0 {
			t.Fatalf("%d communities written on bad input", n)
		}

		c, err := f.s.CreateCommunity(ctx, f.t.ID, 0, community.CommunityInput{Name: "Entraide à Manseau", Description: "On s’entraide.",
			Public: true, PlaceSlugs: []string{"manseau", "lemieux", "manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Slug != "entraide-a-manseau" || len(c.Places) != 2 || c.Members != 0 || !c.Public {
			t.Fatalf("%+v", c)
		}
		twin, err := f.s.CreateCommunity(ctx, f.t.ID, 0, community.CommunityInput{Name: "Entraide à Manseau", PlaceSlugs: []string{"manseau"}})
		if err != nil || twin.Slug != "entraide-a-manseau-2" {
			t.Fatalf("second community with the same name: %+v %v", twin, err)
		}

		// Invitations: bad addresses refuse the whole batch.
		people, bad := community.ParseInvitees("Lise Bergeron <Lise@Exemple.org>\ngaetan@exemple.org; pas-un-courriel, gaetan@exemple.org")
		if len(people) != 2 || people[0].Name != "Lise Bergeron" || people[0].Email != "lise@exemple.org" || len(bad) != 1 {
			t.Fatalf("parsed %+v, bad %v", people, bad)
		}
		if _, err := f.s.Invite(ctx, f.t.ID, c.ID, 0, nil, "fr"); !errs.Is(err, errs.Invalid) {
			t.Errorf("inviting nobody: %v", err)
		}
		res, err := f.s.Invite(ctx, f.t.ID, c.ID, 0, people, "fr")
		if err != nil || len(res.Sent) != 2 {
			t.Fatalf("%+v %v", res, err)
		}
		pending, _ := f.s.PendingInvitations(ctx, f.t.ID, c.ID)
		if len(pending) != 2 {
			t.Fatalf("%d pending invitations", len(pending))
		}
		tok := f.inviteLink(t, "lise@exemple.org")
		inv, got, err := f.s.InvitationByToken(ctx, f.t.ID, tok)
		if err != nil || inv.Email != "lise@exemple.org" || inv.Name != "Lise Bergeron" || got.ID != c.ID {
			t.Fatalf("%+v %+v %v", inv, got, err)
		}
		if _, _, err := f.s.InvitationByToken(ctx, f.t.ID, "faux"); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown link: %v", err)
		}

		lise := newUser(t, d, f.t, "lise@exemple.org")
		// A phone too short: refused, nothing used up.
		_, err = f.s.Accept(ctx, f.t.ID, tok, lise.ID, community.Sharing{Name: "Lise B.", ShowName: true, Phone: "123"})
		testkit.WantFields(t, err, "phone")
		if _, _, err := f.s.InvitationByToken(ctx, f.t.ID, tok); err != nil {
			t.Fatalf("a refused answer used the link: %v", err)
		}
		got, err = f.s.Accept(ctx, f.t.ID, tok, lise.ID, community.Sharing{Name: "Lise B.", ShowName: true, ShowEmail: true, Phone: "819 555-0101"})
		if err != nil || got.Members != 1 {
			t.Fatalf("%+v %v", got, err)
		}
		if _, err := f.s.Accept(ctx, f.t.ID, tok, lise.ID, community.Sharing{Name: "Lise"}); !errs.Is(err, errs.Conflict) {
			t.Errorf("link used twice: %v", err)
		}

		// Gaétan joins without showing himself.
		gaetan := newUser(t, d, f.t, "gaetan@exemple.org")
		if _, err := f.s.Accept(ctx, f.t.ID, f.inviteLink(t, "gaetan@exemple.org"), gaetan.ID,
			community.Sharing{Name: "Gaétan", ShowEmail: true, Phone: "819 555-0102"}); err != nil {
			t.Fatal(err)
		}
		shown, others, err := f.s.Directory(ctx, f.t.ID, c.ID)
		if err != nil || len(shown) != 1 || others != 1 {
			t.Fatalf("directory %+v, %d others, %v", shown, others, err)
		}
		if shown[0] != (community.Contact{Name: "Lise B.", Email: "lise@exemple.org", Phone: "819 555-0101"}) {
			t.Errorf("Lise shows %+v", shown[0])
		}
		// Without a name shown, no contact is kept for the others.
		m, _ := f.s.Membership(ctx, f.t.ID, c.ID, gaetan.ID)
		if m.Sharing.Phone != "" || m.Sharing.ShowEmail {
			t.Errorf("Gaétan's hidden contacts kept: %+v", m.Sharing)
		}

		// Inviting a member again sends nothing.
		res, err = f.s.Invite(ctx, f.t.ID, c.ID, 0, []community.Invitee{{Email: "lise@exemple.org"}}, "fr")
		if err != nil || len(res.Sent) != 0 || len(res.Members) != 1 {
			t.Errorf("inviting a member: %+v %v", res, err)
		}

		// Lise changes her mind, then leaves.
		if err := f.s.SetSharing(ctx, f.t.ID, c.ID, lise.ID, community.Sharing{Name: "Lise", ShowName: true}); err != nil {
			t.Fatal(err)
		}
		shown, _, _ = f.s.Directory(ctx, f.t.ID, c.ID)
		if len(shown) != 1 || shown[0].Email != "" || shown[0].Phone != "" {
			t.Errorf("after changing her sharing: %+v", shown)
		}
		if err := f.s.LeaveCommunity(ctx, f.t.ID, c.ID, lise.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.LeaveCommunity(ctx, f.t.ID, c.ID, lise.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("leaving twice: %v", err)
		}
		if _, err := f.s.Membership(ctx, f.t.ID, c.ID, lise.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("still a member after leaving: %v", err)
		}
		shown, others, _ = f.s.Directory(ctx, f.t.ID, c.ID)
		if len(shown) != 0 || others != 1 {
			t.Errorf("after Lise left: %+v %d", shown, others)
		}
		mine, _ := f.s.Communities(ctx, f.t.ID, community.CommunityFilter{MemberID: lise.ID})
		if len(mine) != 0 {
			t.Errorf("Lise's communities after leaving: %+v", mine)
		}
		mine, _ = f.s.Communities(ctx, f.t.ID, community.CommunityFilter{MemberID: gaetan.ID})
		if len(mine) != 1 || mine[0].ID != c.ID || len(mine[0].Places) != 2 {
			t.Errorf("Gaétan's communities: %+v", mine)
		}

		// A visitor asks to join a public community; a private one is not found.
		err = f.s.AskToJoin(ctx, f.t.ID, c.ID, community.Invitee{Name: "Lise", Email: "lise@exemple.org"}, "fr")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Accept(ctx, f.t.ID, f.inviteLink(t, "lise@exemple.org"), lise.ID, community.Sharing{Name: "Lise"}); err != nil {
			t.Fatalf("coming back: %v", err)
		}
		err = f.s.AskToJoin(ctx, f.t.ID, twin.ID, community.Invitee{Name: "Lise", Email: "lise@exemple.org"}, "fr")
		if !errs.Is(err, errs.NotFound) {
			t.Errorf("asking to join a private community: %v", err)
		}
		err = f.s.AskToJoin(ctx, f.t.ID, c.ID, community.Invitee{Name: "", Email: "x"}, "fr")
		testkit.WantFields(t, err, "name", "email")

		// Public list: the private one is not there; a closed one neither.
		pub, _ := f.s.Communities(ctx, f.t.ID, community.CommunityFilter{PublicOnly: true})
		if len(pub) != 1 || pub[0].ID != c.ID {
			t.Errorf("public list %+v", pub)
		}
		if err := f.s.SetCommunityClosed(ctx, f.t.ID, c.ID, true); err != nil {
			t.Fatal(err)
		}
		if pub, _ := f.s.Communities(ctx, f.t.ID, community.CommunityFilter{PublicOnly: true}); len(pub) != 0 {
			t.Errorf("closed community listed: %+v", pub)
		}
		if _, err := f.s.Invite(ctx, f.t.ID, c.ID, 0, []community.Invitee{{Email: "z@exemple.org"}}, "fr"); !errs.Is(err, errs.Conflict) {
			t.Errorf("inviting to a closed community: %v", err)
		}

		// Staff remove a member.
		if err := f.s.SetCommunityClosed(ctx, f.t.ID, c.ID, false); err != nil {
			t.Fatal(err)
		}
		gm, _ := f.s.Membership(ctx, f.t.ID, c.ID, gaetan.ID)
		if err := f.s.RemoveMember(ctx, f.t.ID, c.ID, gm.ID); err != nil {
			t.Fatal(err)
		}
		if ms, _ := f.s.Members(ctx, f.t.ID, c.ID); len(ms) != 1 || ms[0].Email != "lise@exemple.org" {
			t.Errorf("members %+v", ms)
		}

		// Another territory sees nothing.
		if _, err := f.s.Community(ctx, f.t.ID+1000, c.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("other territory: %v", err)
		}
		if _, _, err := f.s.InvitationByToken(ctx, f.t.ID+1000, tok); !errs.Is(err, errs.NotFound) {
			t.Errorf("other territory's link: %v", err)
		}
	})
}

func TestCommunityInvitationExpires(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		f.clock.Set(now)
		c, err := f.s.CreateCommunity(ctx, f.t.ID, 0, community.CommunityInput{Name: "Jardins", PlaceSlugs: []string{"becancour-gentilly"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Invite(ctx, f.t.ID, c.ID, 0, []community.Invitee{{Email: "a@exemple.org"}}, "en"); err != nil {
			t.Fatal(err)
		}
		first := f.inviteLink(t, "a@exemple.org")
		// A new invitation replaces the first link.
		if _, err := f.s.Invite(ctx, f.t.ID, c.ID, 0, []community.Invitee{{Email: "a@exemple.org"}}, "en"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.InvitationByToken(ctx, f.t.ID, first); !errs.Is(err, errs.NotFound) {
			t.Errorf("the replaced link still works: %v", err)
		}
		second := f.inviteLink(t, "a@exemple.org")
		f.clock.Advance(community.InvitationTTL + time.Minute)
		if _, _, err := f.s.InvitationByToken(ctx, f.t.ID, second); !errs.Is(err, errs.Conflict) {
			t.Errorf("expired link: %v", err)
		}
		if p, _ := f.s.PendingInvitations(ctx, f.t.ID, c.ID); len(p) != 0 {
			t.Errorf("expired invitations pending: %+v", p)
		}
	})
}

func TestCommunitySpace(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		c, err := f.s.CreateCommunity(ctx, f.t.ID, 0, community.CommunityInput{Name: "Jardins de Gentilly", PlaceSlugs: []string{"becancour-gentilly"}})
		if err != nil {
			t.Fatal(err)
		}
		u := newUser(t, d, f.t, "m@exemple.org")
		if _, err := f.s.Invite(ctx, f.t.ID, c.ID, 0, []community.Invitee{{Email: "m@exemple.org"}}, "fr"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Accept(ctx, f.t.ID, f.inviteLink(t, "m@exemple.org"), u.ID, community.Sharing{Name: "Marc", ShowName: true}); err != nil {
			t.Fatal(err)
		}

		// Posts.
		if _, err := f.s.AddPost(ctx, f.t.ID, c.ID, u.ID, "  ", false, "fr"); !errs.Is(err, errs.Invalid) {
			t.Errorf("empty post: %v", err)
		}
		if _, err := f.s.AddPost(ctx, f.t.ID, c.ID, u.ID, strings.Repeat("x", 2001), true, "fr"); !errs.Is(err, errs.Invalid) {
			t.Errorf("long post: %v", err)
		}
		id, err := f.s.AddPost(ctx, f.t.ID, c.ID, u.ID, "Les semis sont prêts !", false, "fr")
		if err != nil {
			t.Fatal(err)
		}
		// Announced by e-mail: every member but the author receives it.
		other := newUser(t, d, f.t, "o@exemple.org")
		if err := f.s.AddMember(ctx, f.t.ID, c.ID, other.ID, "o@exemple.org", community.Sharing{Name: "Odette"}); err != nil {
			t.Fatal(err)
		}
		mailsBefore, _ := f.outbox.List(ctx, f.t.ID, 100)
		if _, err := f.s.AddPost(ctx, f.t.ID, c.ID, u.ID, "Rencontre jeudi à 19 h.", true, "fr"); err != nil {
			t.Fatal(err)
		}
		mailsAfter, _ := f.outbox.List(ctx, f.t.ID, 100)
		if len(mailsAfter) != len(mailsBefore)+1 || mailsAfter[0].To != "o@exemple.org" || !strings.Contains(mailsAfter[0].Text, "Rencontre jeudi à 19 h.") {
			t.Fatalf("announcement e-mails: %d → %d", len(mailsBefore), len(mailsAfter))
		}
		posts, _ := f.s.Posts(ctx, f.t.ID, c.ID, 0)
		if len(posts) != 2 || posts[0].Author != "Marc" || posts[0].AuthorID != u.ID {
			t.Fatalf("posts %+v", posts)
		}
		if err := f.s.RemovePost(ctx, f.t.ID, c.ID, id); err != nil {
			t.Fatal(err)
		}
		if posts, _ := f.s.Posts(ctx, f.t.ID, c.ID, 0); len(posts) != 1 || posts[0].ID == id {
			t.Errorf("removed post listed")
		}

		// Resources: links and files, checked.
		before := testkit.Count(t, d, "SELECT COUNT(*) FROM community_resources")
		bad := []community.ResourceInput{
			{Category: "meme", Title: "x", URL: "https://exemple.org"},
			{Category: community.Tool, Title: "", URL: "https://exemple.org"},
			{Category: community.Tool, Title: "Rien"},
			{Category: community.Tool, Title: "Script", URL: "javascript:alert(1)"},
			{Category: community.Tool, Title: "Page", FileName: "page.pdf", Data: []byte("<html><script>x</script></html>")},
			{Category: community.Tool, Title: "Exe", FileName: "outil.exe", Data: []byte("MZ")},
			{Category: community.Tool, Title: "Gros", FileName: "gros.txt", Data: bytes.Repeat([]byte("a"), community.MaxFileSize+1)},
		}
		for i, in := range bad {
			if _, err := f.s.AddResource(ctx, f.t.ID, c.ID, u.ID, in); !errs.Is(err, errs.Invalid) {
				t.Errorf("bad resource %d accepted: %v", i, err)
			}
		}
		if n := testkit.Count(t, d, "SELECT COUNT(*) FROM community_resources"); n != before {
			t.Fatalf("bad resources written")
		}
		link, err := f.s.AddResource(ctx, f.t.ID, c.ID, u.ID, community.ResourceInput{Category: community.Tool, Title: "Calendrier des semis",
			URL: "https://exemple.org/semis"})
		if err != nil {
			t.Fatal(err)
		}
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 100)...)
		file, err := f.s.AddResource(ctx, f.t.ID, c.ID, u.ID, community.ResourceInput{Category: community.Template, Title: "Gabarit d’affiche",
			FileName: `C:\Users\marc\affiche.pdf`, Data: pdf})
		if err != nil {
			t.Fatal(err)
		}
		rs, _ := f.s.Resources(ctx, f.t.ID, c.ID)
		if len(rs) != 2 {
			t.Fatalf("resources %+v", rs)
		}
		r, data, err := f.s.File(ctx, f.t.ID, c.ID, file)
		if err != nil || !bytes.Equal(data, pdf) || r.FileName != "affiche.pdf" || r.ContentType != "application/pdf" || r.Size != int64(len(pdf)) {
			t.Fatalf("file %+v %v", r, err)
		}
		if _, _, err := f.s.File(ctx, f.t.ID, c.ID, link); !errs.Is(err, errs.NotFound) {
			t.Errorf("a link read as a file: %v", err)
		}
		if err := f.s.RemoveResource(ctx, f.t.ID, c.ID, file); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.File(ctx, f.t.ID, c.ID, file); !errs.Is(err, errs.NotFound) {
			t.Errorf("removed file still served: %v", err)
		}
		if n := testkit.Count(t, d, "SELECT COUNT(*) FROM community_files"); n != 0 {
			t.Errorf("a removed file's content is kept")
		}

		// Ideas it carries: a proposed idea moves on, with its story.
		idea, err := f.s.Record(ctx, f.t.ID, 0, community.Input{Kind: community.Idea, Title: "Un jardin collectif",
			ThemeCode: "alimentation", PlaceSlug: "becancour-gentilly"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.CarryIdea(ctx, f.t.ID, c.ID, idea.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.CarryIdea(ctx, f.t.ID, c.ID, idea.ID, u.ID); err != nil {
			t.Fatalf("carrying twice: %v", err)
		}
		got, _ := f.s.Get(ctx, f.t.ID, idea.ID)
		hist, _ := f.s.History(ctx, f.t.ID, idea.ID)
		if got.Status != community.InProgress || len(hist) != 2 || hist[1].Reason != c.Name {
			t.Errorf("idea %s, story %+v", got.Status, hist)
		}
		carried, _ := f.s.CarriedIdeas(ctx, f.t.ID, c.ID)
		carriers, _ := f.s.CarriersOf(ctx, f.t.ID, idea.ID)
		if len(carried) != 1 || len(carriers) != 1 || carriers[0].ID != c.ID {
			t.Errorf("carried %v, carriers %v", carried, carriers)
		}
		if err := f.s.CarryIdea(ctx, f.t.ID, c.ID, 9999, 0); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown idea: %v", err)
		}
		if err := f.s.DropIdea(ctx, f.t.ID, c.ID, idea.ID); err != nil {
			t.Fatal(err)
		}

		// An initiative born from the community.
		_, err = f.s.CreateInitiative(ctx, f.t.ID, 0, community.InitiativeInput{Title: "Jardin", PlaceSlug: "becancour-gentilly", CommunityID: 9999})
		testkit.WantFields(t, err, "community")
		ini, err := f.s.CreateInitiative(ctx, f.t.ID, 0, community.InitiativeInput{Title: "Un jardin collectif derrière l’église",
			PlaceSlug: "becancour-gentilly", CommunityID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if ini.CommunityID == nil || *ini.CommunityID != c.ID || ini.CommunityName != c.Name || ini.CommunityPublic {
			t.Errorf("initiative's community: %+v", ini)
		}
		if born, _ := f.s.Initiatives(ctx, f.t.ID, community.InitiativeFilter{CommunityID: c.ID}); len(born) != 1 || born[0].ID != ini.ID {
			t.Errorf("initiatives of the community: %+v", born)
		}

		// Meetings are events; suggestions come from supporters and consenting attendees.
		evs := f.evs
		start := time.Now().Add(-72 * time.Hour).Truncate(time.Hour)
		ev, err := evs.Create(ctx, f.t.ID, 0, events.Input{Kind: events.CommunityMeeting, Title: "Rencontre des jardins", PlaceSlug: "becancour-gentilly", VenueName: "Salle paroissiale",
			StartsAt: start, EndsAt: start.Add(2 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.AddMeeting(ctx, f.t.ID, c.ID, ev.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.AddMeeting(ctx, f.t.ID, c.ID, 99999); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown event: %v", err)
		}
		ms, _ := f.s.Meetings(ctx, f.t.ID, c.ID)
		if len(ms) != 1 || ms[0].ID != ev.ID {
			t.Fatalf("meetings %+v", ms)
		}
		if of, ok, _ := f.s.MeetingOf(ctx, f.t.ID, ev.ID); !ok || of.ID != c.ID {
			t.Errorf("MeetingOf %+v %v", of, ok)
		}
		for _, r := range []events.RegistrationInput{
			{Name: "Ana", Email: "ana@exemple.org", PartySize: 1, ConsentContact: true},
			{Name: "Bob", Email: "bob@exemple.org", PartySize: 1},
			{Name: "Marc", Email: "m@exemple.org", PartySize: 1, ConsentContact: true},
		} {
			out, err := evs.RegisterByStaff(ctx, f.t.ID, ev.ID, r, events.SourcePaper)
			if err != nil {
				t.Fatal(err)
			}
			if err := evs.CheckIn(ctx, f.t.ID, out.Registration.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := evs.Close(ctx, f.t.ID, ev.ID, events.Report{}); err != nil {
			t.Fatal(err)
		}
		sugg, err := f.s.Suggestions(ctx, f.t.ID, c.ID, "fr")
		if err != nil {
			t.Fatal(err)
		}
		// The meeting, as people see it named: its title and its day.
		if len(sugg) != 1 || sugg[0].Email != "ana@exemple.org" || sugg[0].Why[0] != ev.Name(i18n.MustLoad(), "fr", f.t.Location()) ||
			!strings.HasPrefix(sugg[0].Why[0], "Rencontre des jardins, ") {
			t.Errorf("suggestions %+v (Bob did not consent, Marc is a member)", sugg)
		}
		if err := f.s.RemoveMeeting(ctx, f.t.ID, c.ID, ev.ID); err != nil {
			t.Fatal(err)
		}
	})
}
