package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/community"
	"implique/internal/events"
)

// seedMorning gives the staff's morning page something to show: a souper
// in two days with a wait-list, and an idea to moderate.
func seedMorning(t *testing.T, e *env) events.Event {
	t.Helper()
	ctx := context.Background()
	tid := e.territory.ID
	start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	capacity := 4
	ev, err := e.events.Create(ctx, tid, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper de la Saint-Nicolas", PlaceSlug: "manseau",
		VenueName: "Centre communautaire", StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: &capacity})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.events.Publish(ctx, tid, ev.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for i, party := range []int{3, 2} {
		if _, err := e.events.RegisterByStaff(ctx, tid, ev.ID, events.RegistrationInput{Name: []string{"Lise Bergeron", "Gérard Pellerin"}[i],
			Phone: []string{"819 555-0101", "819 555-0102"}[i], PartySize: party}, events.SourcePhone); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.community.Submit(ctx, tid, community.Input{Kind: community.Idea, Title: "Une friperie communautaire",
		ThemeCode: "entraide", PlaceSlug: "becancour-gentilly", SubmitterName: "Gisèle Côté", SubmitterEmail: "gisele@exemple.org"}); err != nil {
		t.Fatal(err)
	}
	return ev
}

// checkMorningPage reads the morning page the browser shows (an
// administrator's), then the same page in English and on a phone, each
// checked with axe.
func checkMorningPage(t *testing.T, ctx context.Context, e *env, week events.Event) {
	t.Helper()
	if txt := browsertest.Text(t, ctx, "#todo-a-moderer"); !strings.HasPrefix(txt, "1") || !strings.Contains(txt, "besoin ou idée à modérer") {
		t.Errorf("ideas to moderate = %q", txt)
	}
	if txt := browsertest.Text(t, ctx, ".st-week"); !strings.Contains(txt, "Souper de la Saint-Nicolas") || !strings.Contains(txt, "3 places prises sur 4") ||
		!strings.Contains(txt, "2 en liste d’attente") {
		t.Errorf("this week = %q", txt)
	}
	shot(t, ctx, "09-espace-equipe")
	browsertest.Visit(t, ctx, e.srv.URL+"/langue/en?retour=/admin", "staff area (English)")
	if txt := browsertest.Text(t, ctx, "#todo-a-moderer"); !strings.Contains(txt, "need or idea to moderate") {
		t.Errorf("in English = %q", txt)
	}
	shot(t, ctx, "09-staff-area-en")
	browsertest.Visit(t, ctx, e.srv.URL+"/langue/fr?retour=/admin", "espace équipe")

	phone := browsertest.New(t)
	e.user("anim@exemple.org", auth.RoleFacilitator)
	staffSignIn(t, phone, e, "anim@exemple.org")
	browsertest.Visit(t, phone, e.srv.URL+"/admin", "espace équipe (téléphone)")
	if txt := browsertest.Text(t, phone, ".st-week"); !strings.Contains(txt, week.Title) {
		t.Errorf("this week on a phone = %q", txt)
	}
	shot(t, phone, "09-espace-equipe-telephone")
}
