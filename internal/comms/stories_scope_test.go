package comms_test

import (
	"strings"
	"testing"
	"time"

	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

var storyTestPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// TestStoryOneRuleEverywhere: the calendar and the newsletters show a story
// by the same rule as its page — its status today, its consents' scope
// (the item's channel; the web for a newsletter) and their end.
func TestStoryOneRuleEverywhere(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newStoryFixture(t, d)
		tid := f.t.ID
		st := f.story(t, "Un an de soupers")
		// A consent for the web only, until the end of November.
		in := storyConsent("Louise Tremblay", true, "2026-11-30")
		in.OnPrint = false
		if _, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, in); err != nil {
			t.Fatal(err)
		}
		if err := f.s.PublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		block := comms.NewsBlock("recit", st.Slug) + "\n"
		inNewsletter := func() bool {
			t.Helper()
			r, err := f.s.RenderNewsletter(f.ctx, tid, block, "fr")
			if err != nil {
				t.Fatal(err)
			}
			_, _, stories, err := f.s.NewsBlockChoices(f.ctx, tid, "fr")
			if err != nil {
				t.Fatal(err)
			}
			shown := strings.Contains(string(r.HTML), "/recits/"+st.Slug)
			if shown != (len(stories) == 1) {
				t.Fatalf("the block shows %v, the composer offers %d", shown, len(stories))
			}
			return shown
		}
		sourced := func() bool {
			t.Helper()
			srcs, err := f.s.ItemSources(f.ctx, tid, "fr")
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range srcs {
				if s.Kind == comms.ItemFromStory && s.ID == st.ID {
					return true
				}
			}
			return false
		}
		if !inNewsletter() || !sourced() {
			t.Fatal("a published story with a consent for the web is not offered")
		}
		// Prefilled on a channel its consent covers: the website, not Facebook.
		p, err := f.s.ItemFrom(f.ctx, tid, "fr", comms.ItemFromStory, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Input.Channel != "website" {
			t.Fatalf("prefilled on %q", p.Input.Channel)
		}
		// A consent for the web only never becomes a Facebook post.
		fb := p.Input
		fb.Channel, fb.Status = "facebook", comms.ItemDraft
		_, err = f.s.CreateItem(f.ctx, tid, 0, fb)
		testkit.WantFields(t, err, "channel")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_items`); n != 0 {
			t.Fatalf("%d items after a refusal", n)
		}
		fb.Status = comms.ItemIdea
		idea, err := f.s.CreateItem(f.ctx, tid, 0, fb)
		if err != nil {
			t.Fatal(err)
		}
		if f.s.ItemShareImage(f.ctx, tid, idea) != "" {
			t.Error("a Facebook idea offers the story's share card")
		}
		testkit.WantFields(t, f.s.SetItemStatus(f.ctx, tid, idea.ID, comms.ItemReady), "channel")
		web, err := f.s.CreateItem(f.ctx, tid, 0, p.Input)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(f.s.ItemShareImage(f.ctx, tid, web), "/recits/"+st.Slug+"/carte.png") {
			t.Error("the website's item has no share card")
		}

		// Back to draft: off the newsletter and the calendar's sources.
		if err := f.s.UnpublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		if inNewsletter() || sourced() {
			t.Fatal("a draft story is still offered")
		}
		_, err = f.s.ItemFrom(f.ctx, tid, "fr", comms.ItemFromStory, st.ID)
		testkit.WantCode(t, err, errs.NotFound)
		testkit.WantFields(t, f.s.SetItemStatus(f.ctx, tid, web.ID, comms.ItemReady), "channel")
		if err := f.s.PublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetItemStatus(f.ctx, tid, web.ID, comms.ItemReady); err != nil {
			t.Fatal(err)
		}

		// The consent ends: off the newsletter, and the items not yet
		// published go back to ideas without their text, as on a withdrawal.
		f.a.Clock.Set(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
		if inNewsletter() || sourced() {
			t.Fatal("a story whose consent ended is still offered")
		}
		items, err := f.s.Items(f.ctx, tid, comms.ItemFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Status != comms.ItemIdea || it.Body != "" || strings.Contains(it.Title, "soupers") {
				t.Errorf("item after the consent ended: %+v", it)
			}
		}
	})
}

// TestStoryPictureAndNameNeedTheirConsent: the picture shows only when every
// person shown agreed to their photo; a name in the text only with consent
// for the name.
func TestStoryPictureAndNameNeedTheirConsent(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newStoryFixture(t, d)
		tid := f.t.ID
		st, err := f.s.CreateStory(f.ctx, tid, 0, comms.StoryInput{Kind: comms.StoryVolunteer, Title: "L’accueil du souper",
			Summary: "Deux bénévoles au souper citoyen.", Body: "Elles accueillent les gens.", PlaceSlug: "manseau",
			Image: &comms.ImageInput{Name: "accueil.png", Data: storyTestPNG, Alt: "L’accueil"}})
		if err != nil {
			t.Fatal(err)
		}
		// Louise agreed to her photo, Gisèle only to her story.
		louise := storyConsent("Louise Tremblay", true, "")
		louise.What = []string{comms.ConsentName, comms.ConsentPhoto, comms.ConsentStory}
		gisele := storyConsent("Gisèle Côté", true, "")
		gisele.What = []string{comms.ConsentStory}
		for _, c := range []comms.ConsentInput{louise, gisele} {
			if _, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.PublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		pub, err := f.s.PublicStory(f.ctx, tid, st.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if pub.ImageID != 0 {
			t.Error("the public story carries a picture Gisèle did not agree to")
		}
		_, err = f.s.PublicStoryImage(f.ctx, tid, st.Slug)
		testkit.WantCode(t, err, errs.NotFound)
		got, _ := f.s.Story(f.ctx, tid, st.ID)
		if u := got.Unpictured(); len(u) != 1 || u[0] != "Gisèle Côté" {
			t.Fatalf("without photo consent: %v", u)
		}
		// Her name in the text, without consent for it: the story hides.
		_, err = f.s.UpdateStory(f.ctx, tid, 0, st.ID, comms.StoryInput{Kind: comms.StoryVolunteer, Title: "L’accueil du souper",
			Summary: "Deux bénévoles au souper citoyen.", Body: "Gisèle Côté accueille les gens.", PlaceSlug: "manseau", ImageAlt: "L’accueil"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.PublicStory(f.ctx, tid, st.Slug)
		testkit.WantCode(t, err, errs.NotFound)
		got, _ = f.s.Story(f.ctx, tid, st.ID)
		today, _ := f.s.StoryToday(f.ctx, tid)
		if got.Hidden(today, comms.StoryOnWeb) != comms.StoryHiddenName {
			t.Fatalf("hidden because %q", got.Hidden(today, comms.StoryOnWeb))
		}
		if err := f.s.UnpublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantError(t, f.s.PublishStory(f.ctx, tid, st.ID), errs.Conflict, "errors.comms_story_consent_name")
		// Once everyone agreed to their photo and name, both show.
		gisele.What = []string{comms.ConsentName, comms.ConsentPhoto, comms.ConsentStory}
		c, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, gisele)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(f.ctx, `DELETE FROM comms_story_consents WHERE story_id = ? AND id <> ? AND person = ?`, st.ID, c.ID,
			"Gisèle Côté"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.PublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.PublicStoryImage(f.ctx, tid, st.Slug); err != nil {
			t.Fatalf("the picture everyone agreed to: %v", err)
		}
	})
}
