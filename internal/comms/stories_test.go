package comms_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/territory"
	"implique/internal/testkit"
)

// storyStart is a Monday of November 2026, 10 h in Québec.
var storyStart = time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)

type storyFixture struct {
	a   *app.App
	s   *comms.Store
	t   territory.Territory
	d   *db.DB
	ctx context.Context
}

func newStoryFixture(t *testing.T, d *db.DB) *storyFixture {
	t.Helper()
	a := testkit.App(t, d, storyStart)
	return &storyFixture{a: a, s: a.Comms, t: testkit.Territory(t, a.Territories), d: d, ctx: context.Background()}
}

func (f *storyFixture) story(t *testing.T, title string) comms.Story {
	t.Helper()
	st, err := f.s.CreateStory(f.ctx, f.t.ID, 0, comms.StoryInput{Kind: comms.StoryVolunteer, Title: title,
		Summary: "Bénévole au souper citoyen de Manseau.", Body: "Elle accueille les gens **depuis trois ans**.", PlaceSlug: "manseau"})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func storyConsent(person string, web bool, until string) comms.ConsentInput {
	return comms.ConsentInput{Person: person, What: []string{comms.ConsentName, comms.ConsentStory}, OnWeb: web, OnPrint: true,
		ValidUntil: until, Wording: "J’accepte que mon nom et mon histoire soient publiés.", GivenOn: "2026-10-20", How: comms.ConsentSignedForm}
}

func TestStoryNeedsConsentToBePublished(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newStoryFixture(t, d)
		tid := f.t.ID
		_, err := f.s.CreateStory(f.ctx, tid, 0, comms.StoryInput{Kind: "alien", Title: " ", PlaceSlug: "atlantis",
			Image: &comms.ImageInput{Name: "x.gif", Data: []byte("GIF89a")}})
		testkit.WantFields(t, err, "kind", "title", "summary", "place", "image", "image_alt")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_stories`); n != 0 {
			t.Fatalf("%d stories after a refusal", n)
		}
		st := f.story(t, "Louise, l’accueil du souper")
		if st.Status != comms.StoryDraft || st.Slug != "louise-l-accueil-du-souper" || st.PlaceName == "" {
			t.Fatalf("story %+v", st)
		}
		testkit.WantError(t, f.s.PublishStory(f.ctx, tid, st.ID), errs.Conflict, "errors.comms_story_no_consent")

		_, err = f.s.AddConsent(f.ctx, tid, 0, st.ID, comms.ConsentInput{Person: "", What: []string{"soul"}, GivenOn: "2027-01-01",
			ValidUntil: "2026-01-01", How: "telepathy"})
		testkit.WantFields(t, err, "person", "what", "where", "wording", "given_on", "valid_until", "how")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_story_consents`); n != 0 {
			t.Fatalf("%d consents after a refusal", n)
		}
		// A consent for print only: the story stays off the site.
		c, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, storyConsent("Louise Tremblay", false, ""))
		if err != nil {
			t.Fatal(err)
		}
		if c.OnWeb || !c.OnPrint || !c.Shows(comms.ConsentStory) || c.GivenOn.String() != "2026-10-20" {
			t.Fatalf("consent %+v", c)
		}
		testkit.WantError(t, f.s.PublishStory(f.ctx, tid, st.ID), errs.Conflict, "errors.comms_story_consent_not_web")
		if list, _ := f.s.PublicStories(f.ctx, tid, ""); len(list) != 0 {
			t.Fatalf("%d stories on the site", len(list))
		}
		// With a second person's consent covering the web, still off: every
		// person shown must agree to the web.
		if _, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, storyConsent("Marc Côté", true, "")); err != nil {
			t.Fatal(err)
		}
		testkit.WantError(t, f.s.PublishStory(f.ctx, tid, st.ID), errs.Conflict, "errors.comms_story_consent_not_web")

		st2 := f.story(t, "Marc au souper")
		if _, err := f.s.AddConsent(f.ctx, tid, 0, st2.ID, storyConsent("Marc Côté", true, "")); err != nil {
			t.Fatal(err)
		}
		if err := f.s.PublishStory(f.ctx, tid, st2.ID); err != nil {
			t.Fatal(err)
		}
		list, err := f.s.PublicStories(f.ctx, tid, "manseau")
		if err != nil || len(list) != 1 || list[0].ID != st2.ID {
			t.Fatalf("public stories %+v, %v", list, err)
		}
		if list, _ := f.s.PublicStories(f.ctx, tid, "fortierville"); len(list) != 0 {
			t.Fatalf("%d stories in Fortierville", len(list))
		}
		// A story of a secteur shows under its ville too.
		gentilly, err := f.s.CreateStory(f.ctx, tid, 0, comms.StoryInput{Kind: comms.StoryVolunteer, Title: "Paul à Gentilly",
			Summary: "Bénévole au souper de Gentilly.", PlaceSlug: "becancour-gentilly"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddConsent(f.ctx, tid, 0, gentilly.ID, storyConsent("Paul Hébert", true, "")); err != nil {
			t.Fatal(err)
		}
		if err := f.s.PublishStory(f.ctx, tid, gentilly.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.s.PublicStories(f.ctx, tid, "becancour"); len(list) != 1 || list[0].ID != gentilly.ID {
			t.Fatalf("stories of Bécancour and its secteurs: %+v", list)
		}
		if err := f.s.UnpublishStory(f.ctx, tid, gentilly.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.PublicStory(f.ctx, tid, st2.Slug); err != nil {
			t.Fatal(err)
		}
		testkit.WantError(t, f.s.UnpublishStory(f.ctx, tid, st.ID), errs.Conflict, "errors.comms_story_not_published")
		if err := f.s.UnpublishStory(f.ctx, tid, st2.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.PublicStory(f.ctx, tid, st2.Slug)
		testkit.WantError(t, err, errs.NotFound, "errors.comms_story_not_found")
	})
}

func TestStoryExpiredConsentHidesIt(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newStoryFixture(t, d)
		tid := f.t.ID
		st := f.story(t, "Un an de soupers")
		if _, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, storyConsent("Louise Tremblay", true, "2026-11-30")); err != nil {
			t.Fatal(err)
		}
		if err := f.s.PublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := f.s.StoryShows(f.ctx, tid, st.ID, comms.StoryOnWeb); !ok || err != nil {
			t.Fatalf("shows %v, %v", ok, err)
		}
		// The last day still counts; the day after, it is gone everywhere.
		f.a.Clock.Set(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC))
		if ok, _ := f.s.StoryShows(f.ctx, tid, st.ID, comms.StoryOnPrint); !ok {
			t.Fatal("hidden on its last day")
		}
		f.a.Clock.Set(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
		for _, where := range []string{comms.StoryOnWeb, comms.StoryOnSocial, comms.StoryOnPrint} {
			if ok, _ := f.s.StoryShows(f.ctx, tid, st.ID, where); ok {
				t.Errorf("still shows on %s", where)
			}
		}
		_, err := f.s.PublicStory(f.ctx, tid, st.Slug)
		testkit.WantCode(t, err, errs.NotFound)
		got, _ := f.s.Story(f.ctx, tid, st.ID)
		today, _ := f.s.StoryToday(f.ctx, tid)
		if got.Status != comms.StoryPublished || got.Hidden(today, comms.StoryOnWeb) != comms.StoryHiddenExpired {
			t.Fatalf("staff see %q, %q", got.Status, got.Hidden(today, comms.StoryOnWeb))
		}
		testkit.WantError(t, f.s.PublishStory(f.ctx, tid, st.ID), errs.Conflict, "errors.comms_story_consent_expired")
	})
}

func TestStoryWithdrawalUnpublishesEverywhere(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newStoryFixture(t, d)
		tid := f.t.ID
		st := f.story(t, "Louise, l’accueil du souper")
		c, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, storyConsent("Louise Tremblay", true, ""))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.PublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		// Three calendar items show it: an idea, one scheduled, one published.
		now := storyStart
		for _, it := range []struct{ status, day string }{{"idea", "2026-11-20"}, {"scheduled", "2026-11-10"}, {"published", "2026-10-30"}} {
			var pub any
			if it.status == "published" {
				pub = now
			}
			if _, err := d.Exec(f.ctx, `INSERT INTO comms_items (territory_id, channel, title, body, day, status, source_kind, source_id,
				published_at, created_at, updated_at) VALUES (?, 'facebook', 'Louise Tremblay au souper', 'Louise accueille…', ?, ?, 'story', ?, ?, ?, ?)`,
				tid, it.day, it.status, st.ID, pub, now, now); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.s.WithdrawConsent(f.ctx, tid, st.ID, c.ID, comms.ConsentWithdrawal{Date: "2099-01-01", How: "pigeon"})
		testkit.WantFields(t, err, "withdrawn_on", "withdrawn_how")
		left, err := f.s.WithdrawConsent(f.ctx, tid, st.ID, c.ID, comms.ConsentWithdrawal{Date: "2026-11-02", How: comms.ConsentEmail})
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 1 || left[0].Channel != "facebook" || left[0].Day != "2026-10-30" {
			t.Fatalf("left to take down by hand: %+v", left)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_items WHERE status = 'idea' AND body = '' AND image_id IS NULL
			AND title NOT LIKE '%Louise%'`); n != 2 {
			t.Fatalf("%d items back to ideas without their text", n)
		}
		_, err = f.s.PublicStory(f.ctx, tid, st.Slug)
		testkit.WantCode(t, err, errs.NotFound)
		if ok, _ := f.s.StoryShows(f.ctx, tid, st.ID, comms.StoryOnPrint); ok {
			t.Error("withdrawn story still printable")
		}
		got, _ := f.s.Story(f.ctx, tid, st.ID)
		if got.Status != comms.StoryWithdrawn || got.Consents[0].Person != "Louise Tremblay" || got.Consents[0].WithdrawnAt == nil ||
			got.Consents[0].WithdrawnHow != comms.ConsentEmail {
			t.Fatalf("after withdrawal %+v", got)
		}
		testkit.WantError(t, f.s.PublishStory(f.ctx, tid, st.ID), errs.Conflict, "errors.comms_story_withdrawn")
		_, err = f.s.WithdrawConsent(f.ctx, tid, st.ID, c.ID, comms.ConsentWithdrawal{Date: "2026-11-02", How: comms.ConsentEmail})
		testkit.WantError(t, err, errs.Conflict, "errors.comms_consent_already_withdrawn")
	})
}

func TestStoryBodyIsSanitised(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newStoryFixture(t, d)
		st, err := f.s.CreateStory(f.ctx, f.t.ID, 0, comms.StoryInput{Kind: comms.StoryInitiative, Title: "Le jardin",
			Summary: "Né d’un souper.", Body: "<script>alert(1)</script>\n\n[ici](javascript:alert(2)) **bien**"})
		if err != nil {
			t.Fatal(err)
		}
		html := string(comms.Markdown(st.Body))
		if strings.Contains(html, "<script") || strings.Contains(html, "javascript:") || !strings.Contains(html, "<strong>bien</strong>") {
			t.Fatalf("rendered %q", html)
		}
		// A picture needs its text alternative; a good one is kept.
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
		_, err = f.s.UpdateStory(f.ctx, f.t.ID, 0, st.ID, comms.StoryInput{Kind: comms.StoryInitiative, Title: "Le jardin",
			Summary: "Né d’un souper.", Image: &comms.ImageInput{Name: "jardin.png", Data: png}})
		testkit.WantFields(t, err, "image_alt")
		st, err = f.s.UpdateStory(f.ctx, f.t.ID, 0, st.ID, comms.StoryInput{Kind: comms.StoryInitiative, Title: "Le jardin",
			Summary: "Né d’un souper.", Image: &comms.ImageInput{Name: "jardin.png", Data: png, Alt: "Des bacs de légumes"}})
		if err != nil || st.ImageID == 0 || st.ImageAlt != "Des bacs de légumes" {
			t.Fatalf("story %+v, %v", st, err)
		}
		// Its description may change without a new picture, never to nothing.
		_, err = f.s.UpdateStory(f.ctx, f.t.ID, 0, st.ID, comms.StoryInput{Kind: comms.StoryInitiative, Title: "Le jardin",
			Summary: "Né d’un souper.", ImageAlt: " "})
		testkit.WantFields(t, err, "image_alt")
		st, err = f.s.UpdateStory(f.ctx, f.t.ID, 0, st.ID, comms.StoryInput{Kind: comms.StoryInitiative, Title: "Le jardin",
			Summary: "Né d’un souper.", ImageAlt: "Six bacs de légumes"})
		if err != nil || st.ImageAlt != "Six bacs de légumes" {
			t.Fatalf("story %+v, %v", st, err)
		}
		// Not on the site: its picture is not either.
		_, err = f.s.PublicStoryImage(f.ctx, f.t.ID, st.Slug)
		testkit.WantCode(t, err, errs.NotFound)
	})
}
