package community_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

func TestWhatWaitsForStaff(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		// Ideas: two proposed by visitors, one approved since; one recorded by staff.
		var ids []int64
		for _, title := range []string{"Une friperie communautaire", "Un jardin collectif"} {
			idea, err := f.s.Submit(ctx, tid, community.Input{Kind: community.Idea, Title: title, ThemeCode: "entraide", PlaceSlug: "manseau",
				SubmitterName: "Gisèle Côté", SubmitterEmail: "gisele@exemple.org"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, idea.ID)
		}
		if err := f.s.Moderate(ctx, tid, ids[1], true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Record(ctx, tid, 0, community.Input{Kind: community.Need, Title: "Du transport", ThemeCode: "transport", PlaceSlug: "manseau"}); err != nil {
			t.Fatal(err)
		}
		if n, err := f.s.IdeasToModerate(ctx, tid); err != nil || n != 1 {
			t.Errorf("ideas to moderate: %d, %v", n, err)
		}
		if n, err := f.s.IdeasToModerate(ctx, tid+1000); err != nil || n != 0 {
			t.Errorf("another territory's ideas: %d, %v", n, err)
		}

		// Requests to join: two waiting at the club, one revoked, one expired
		// (asked long ago), a staff invitation (not a request), and one at a
		// closed community.
		club, err := f.s.CreateCommunity(ctx, tid, 0, community.CommunityInput{Name: "Club de marche", Public: true, PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		closed, err := f.s.CreateCommunity(ctx, tid, 0, community.CommunityInput{Name: "Chorale", Public: true, PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(time.Now().Add(-2 * community.InvitationTTL))
		if err := f.s.AskToJoin(ctx, tid, club.ID, community.Invitee{Name: "Ancien", Email: "ancien@exemple.org"}, "fr"); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(time.Time{})
		for _, who := range []string{"lise@exemple.org", "gerard@exemple.org", "yvon@exemple.org"} {
			if err := f.s.AskToJoin(ctx, tid, club.ID, community.Invitee{Name: "Quelqu’un", Email: who}, "fr"); err != nil {
				t.Fatal(err)
			}
		}
		pending, err := f.s.PendingInvitations(ctx, tid, club.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range pending {
			if inv.Email == "yvon@exemple.org" {
				if err := f.s.RevokeInvitation(ctx, tid, club.ID, inv.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := f.s.Invite(ctx, tid, club.ID, 0, []community.Invitee{{Email: "invitee@exemple.org"}}, "fr"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.AskToJoin(ctx, tid, closed.ID, community.Invitee{Name: "Ginette", Email: "ginette@exemple.org"}, "fr"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetCommunityClosed(ctx, tid, closed.ID, true); err != nil {
			t.Fatal(err)
		}
		list, err := f.s.JoinRequestsWaiting(ctx, tid)
		if err != nil || len(list) != 1 || list[0].CommunityID != club.ID || list[0].Name != "Club de marche" || list[0].Requests != 2 {
			t.Errorf("join requests %+v, %v", list, err)
		}
		if list, err := f.s.JoinRequestsWaiting(ctx, tid+1000); err != nil || len(list) != 0 {
			t.Errorf("another territory: %+v, %v", list, err)
		}
	})
}
