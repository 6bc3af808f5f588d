package community_test

import (
	"context"
	"testing"

	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

func TestPersonMetJoinsWithoutEmail(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		c, err := f.s.CreateCommunity(ctx, tid, 0, community.CommunityInput{Name: "Tricot de Manseau", PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		marc := newUser(t, d, f.t, "marc@exemple.org")
		if err := f.s.AddMember(ctx, tid, c.ID, marc.ID, "marc@exemple.org", community.Sharing{Name: "Marc", ShowName: true}); err != nil {
			t.Fatal(err)
		}
		odette := newUser(t, d, f.t, "odette@exemple.org")
		if err := f.s.AddMember(ctx, tid, c.ID, odette.ID, "odette@exemple.org", community.Sharing{Name: "Odette"}); err != nil {
			t.Fatal(err)
		}
		staff := newUser(t, d, f.t, "anim@exemple.org")

		// Refused, each on its field, and nothing written.
		lise := community.PersonMet{Name: "Lise Bergeron", Phone: "819 555-0101", Shown: community.ShowNamePhone, Agreed: true}
		for field, in := range map[string]community.PersonMet{
			"name":   {Name: "  ", Shown: community.ShowNothing, Agreed: true},
			"phone":  {Name: "Lise", Phone: "555-01", Shown: community.ShowNothing, Agreed: true},
			"shown":  {Name: "Lise", Shown: "everything", Agreed: true},
			"agreed": {Name: "Lise", Shown: community.ShowName},
		} {
			_, _, err := f.s.AddPersonMet(ctx, tid, c.ID, staff.ID, in)
			if e, ok := errs.As(err); !ok || e.Code != errs.Invalid || e.Fields[field] == "" {
				t.Errorf("%s: %v", field, err)
			}
		}
		if _, _, err := f.s.AddPersonMet(ctx, tid, c.ID, staff.ID, community.PersonMet{Name: "Lise", Shown: community.ShowNamePhone, Agreed: true}); err == nil {
			t.Error("a phone to show without a phone")
		}
		if n := testkit.Count(t, d, "SELECT COUNT(*) FROM community_members"); n != 2 {
			t.Fatalf("refused people were written: %d members", n)
		}

		// Lise shows her name and phone; Gérard, without a phone, shows nothing.
		m, existing, err := f.s.AddPersonMet(ctx, tid, c.ID, staff.ID, lise)
		if err != nil || existing {
			t.Fatal(err, existing)
		}
		if m.HasAccount() || m.Email != "" || m.Phone != "819 555-0101" || !m.Sharing.ShowName || m.Sharing.Phone != "819 555-0101" || m.Sharing.ShowEmail {
			t.Fatalf("Lise: %+v", m)
		}
		if _, _, err := f.s.AddPersonMet(ctx, tid, c.ID, staff.ID, community.PersonMet{Name: "Gérard Pellerin", Shown: community.ShowNothing, Agreed: true}); err != nil {
			t.Fatal(err)
		}
		// The same Lise again (another spelling of her name and phone): one member, her new choice.
		again, existing, err := f.s.AddPersonMet(ctx, tid, c.ID, staff.ID, community.PersonMet{Name: "lise  bergeron", Phone: "1-819-555-0101",
			Shown: community.ShowName, Agreed: true})
		if err != nil || !existing || again.ID != m.ID || again.Sharing.Phone != "" || !again.Sharing.ShowName {
			t.Fatalf("Lise twice: %+v, %v, %v", again, existing, err)
		}
		members, err := f.s.Members(ctx, tid, c.ID)
		if err != nil || len(members) != 4 {
			t.Fatalf("members %+v, %v", members, err)
		}
		if got, _ := f.s.Community(ctx, tid, c.ID); got.Members != 4 {
			t.Errorf("community counts %d members", got.Members)
		}
		// The members' directory: Marc and Lise by name, Odette and Gérard counted.
		shown, others, err := f.s.Directory(ctx, tid, c.ID)
		if err != nil || len(shown) != 2 || others != 2 {
			t.Fatalf("directory %+v, %d, %v", shown, others, err)
		}
		for _, ct := range shown {
			if ct.Name == "lise bergeron" && (ct.Phone != "" || ct.Email != "") {
				t.Errorf("Lise's directory entry: %+v", ct)
			}
		}

		// News e-mailed to the members: those with an e-mail get it; nothing breaks.
		before := testkit.Count(t, d, "SELECT COUNT(*) FROM mail_outbox")
		if _, err := f.s.AddPost(ctx, tid, c.ID, marc.ID, "Rencontre jeudi à 13 h 30.", true, "fr"); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, "SELECT COUNT(*) FROM mail_outbox"); n != before+1 {
			t.Errorf("%d e-mails for one member with an e-mail besides the author", n-before)
		}

		// Removed, Lise's phone is forgotten.
		if err := f.s.RemoveMember(ctx, tid, c.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		var phones int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM community_members WHERE id = ? AND (phone <> '' OR shared_phone <> '')`, m.ID).Scan(&phones); err != nil || phones != 0 {
			t.Errorf("a removed member's phone is kept: %d, %v", phones, err)
		}

		// Another territory's community, a closed one: refused.
		if _, _, err := f.s.AddPersonMet(ctx, tid+1000, c.ID, staff.ID, lise); !errs.Is(err, errs.NotFound) {
			t.Errorf("other territory: %v", err)
		}
		if err := f.s.SetCommunityClosed(ctx, tid, c.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.AddPersonMet(ctx, tid, c.ID, staff.ID, lise); !errs.Is(err, errs.Conflict) {
			t.Errorf("closed community: %v", err)
		}
	})
}
