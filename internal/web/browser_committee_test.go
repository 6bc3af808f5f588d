package web_test

import (
	"context"
	"strings"
	"testing"

	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestBrowserJourneyPartnerReadsMinutes: a partner signs in, finds the
// committee's space from their account, opens a meeting and reads its
// published minutes — every page checked with axe, on a phone.
func TestBrowserJourneyPartnerReadsMinutes(t *testing.T) {
	ctx := browsertest.New(t, browsertest.PhoneSize(360, 740))
	w := newCommitteeWorld(t, dbtest.SQLite(t, jobs.MigrateAll))
	e := w.e
	if err := e.app.Committee.PublishMinutes(context.Background(), e.territory.ID, w.meeting.ID, true); err != nil {
		t.Fatal(err)
	}
	staffSignIn(t, ctx, e, "lectrice@exemple.org")

	browsertest.Visit(t, ctx, e.srv.URL+"/compte", "compte")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/partenaires/comite"]`)
	browsertest.CheckAccessibility(t, ctx, "comité des partenaires")
	shot(t, ctx, "95-comite")
	if txt := browsertest.Text(t, ctx, "main"); !strings.Contains(txt, "Martin Pellerin") || strings.Contains(txt, citizenName) {
		t.Errorf("the committee's space: %q", txt)
	}

	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/partenaires/comite/rencontres/`+id64(w.meeting.ID)+`"]`)
	browsertest.CheckAccessibility(t, ctx, "rencontre du comité")
	shot(t, ctx, "96-rencontre")
	minutes := browsertest.Text(t, ctx, "main")
	for _, want := range []string{draftMinutes, "Le comité adopte le bilan.", "5 personnes présentes"} {
		if !strings.Contains(minutes, want) {
			t.Errorf("the meeting's page lacks %q: %q", want, minutes)
		}
	}
	if strings.Contains(minutes, citizenName) || strings.Contains(minutes, citizenEmail) {
		t.Errorf("the meeting's page shows a citizen: %q", minutes)
	}
}
