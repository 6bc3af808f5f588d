package comms_test

import (
	"strings"
	"testing"

	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

// TestPrivacyStoryConsents: a story's consent that keeps the person's
// e-mail or phone is found by them; « Mes données » lists it with what,
// where, until when and the wording, and withdraws it as staff would; an
// erasure withdraws it and removes the name and the contact.
func TestPrivacyStoryConsents(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newStoryFixture(t, d)
		tid := f.t.ID
		var h privacy.Holder = f.s
		var c privacy.Consenter = f.s
		// Bad contact: a clear message, nothing written.
		st := f.story(t, "Louise, l’accueil du souper")
		bad := storyConsent("Louise Tremblay", true, "")
		bad.Email, bad.Phone = "louise@", "555"
		_, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, bad)
		testkit.WantFields(t, err, "email", "phone")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_story_consents`); n != 0 {
			t.Fatalf("%d consents after a refusal", n)
		}
		in := storyConsent("Louise Tremblay", true, "2027-06-30")
		in.Email, in.Phone = " Louise.Tremblay@Exemple.org ", "819 555-0142"
		mine, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if mine.Email != "louise.tremblay@exemple.org" || mine.Phone != "819 555-0142" {
			t.Fatalf("consent %+v", mine)
		}
		if err := f.s.PublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		// Someone else's consent, without contact, on another story.
		other := f.story(t, "Le club de marche")
		if _, err := f.s.AddConsent(f.ctx, tid, 0, other.ID, storyConsent("Gisèle Côté", true, "")); err != nil {
			t.Fatal(err)
		}
		if err := f.s.PublishStory(f.ctx, tid, other.ID); err != nil {
			t.Fatal(err)
		}

		byMail := privacy.Subject{TerritoryID: tid, Emails: []string{"louise.tremblay@exemple.org"}}
		byPhone := privacy.Subject{TerritoryID: tid, Phones: []string{"8195550142"}}
		for _, sub := range []privacy.Subject{byMail, byPhone} {
			recs, err := h.Find(f.ctx, d, sub)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1 || recs[0].Category != "comms.story_consents" || recs[0].Ref.Table != "comms_story_consents" {
				t.Fatalf("records %+v", recs)
			}
			got := map[string]string{}
			for _, fl := range recs[0].Fields {
				got[fl.Name] = fl.Value
			}
			if got["name"] != "Louise Tremblay" || got["email"] != "louise.tremblay@exemple.org" || got["comms.until"] != "2027-06-30" ||
				!strings.Contains(got["comms.what"], "son nom") || got["comms.where"] != "le site Web, les imprimés" ||
				got["comms.wording"] != in.Wording || got["comms.given_on"] != "2026-10-20" || got["comms.story"] != st.Title {
				t.Fatalf("fields %+v", got)
			}
		}
		none, err := h.Find(f.ctx, d, privacy.Subject{TerritoryID: tid, Emails: []string{"personne@exemple.org"}})
		if err != nil || len(none) != 0 {
			t.Fatalf("a stranger finds %+v, %v", none, err)
		}
		consents, err := c.Consents(f.ctx, byMail)
		if err != nil {
			t.Fatal(err)
		}
		if len(consents) != 1 || consents[0].Purpose != privacy.Story || consents[0].Until == nil || consents[0].Withdrawn != nil ||
			consents[0].Wording != in.Wording || !strings.Contains(consents[0].Label, st.Title) {
			t.Fatalf("consents %+v", consents)
		}
		// Another person's consent is not theirs to withdraw.
		got, _ := f.s.Story(f.ctx, tid, other.ID)
		testkit.WantCode(t, c.Withdraw(f.ctx, byMail, privacy.Ref{Table: "comms_story_consents", ID: got.Consents[0].ID}), errs.NotFound)
		// Withdrawn from « Mes données »: the story comes down everywhere.
		if err := c.Withdraw(f.ctx, byPhone, consents[0].Ref); err != nil {
			t.Fatal(err)
		}
		if err := c.Withdraw(f.ctx, byPhone, consents[0].Ref); err != nil {
			t.Fatalf("withdrawing twice: %v", err)
		}
		_, err = f.s.PublicStory(f.ctx, tid, st.Slug)
		testkit.WantCode(t, err, errs.NotFound)
		after, _ := f.s.Story(f.ctx, tid, st.ID)
		if after.Status != comms.StoryWithdrawn || after.Consents[0].WithdrawnHow != comms.ConsentByMyData {
			t.Fatalf("after withdrawal %+v", after)
		}
		if _, err := f.s.PublicStory(f.ctx, tid, other.Slug); err != nil {
			t.Fatalf("the other story: %v", err)
		}

		// Erasure: the name and the contact leave the consent.
		recs, err := h.Find(f.ctx, d, byMail)
		if err != nil {
			t.Fatal(err)
		}
		var kept []privacy.Kept
		err = d.InTx(f.ctx, func(tx *db.Tx) error {
			var err error
			kept, err = h.Erase(f.ctx, tx, byMail, []privacy.Ref{recs[0].Ref})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(kept) != 1 || kept[0].Reason != "privacy.kept.comms.story_consents" || kept[0].Count != 1 {
			t.Fatalf("kept %+v", kept)
		}
		if left := testkit.Leaks(t, d, []string{"Louise Tremblay", "louise.tremblay@exemple.org", "819 555-0142", "8195550142"},
			"comms_story_consents"); len(left) != 0 {
			t.Fatalf("still there: %v", left)
		}
		if recs, _ := h.Find(f.ctx, d, byPhone); len(recs) != 0 {
			t.Fatalf("found after erasure: %+v", recs)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_story_consents WHERE withdrawn_at IS NOT NULL`); n != 1 {
			t.Fatalf("%d withdrawn consents", n)
		}
	})
}

// TestPrivacyStoryErasureWithdraws: erasing a consent still in force
// withdraws it first, and takes its story down.
func TestPrivacyStoryErasureWithdraws(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newStoryFixture(t, d)
		tid := f.t.ID
		st := f.story(t, "Un an de soupers")
		in := storyConsent("Louise Tremblay", true, "")
		in.Email = "louise@exemple.org"
		if _, err := f.s.AddConsent(f.ctx, tid, 0, st.ID, in); err != nil {
			t.Fatal(err)
		}
		if err := f.s.PublishStory(f.ctx, tid, st.ID); err != nil {
			t.Fatal(err)
		}
		sub := privacy.Subject{TerritoryID: tid, Emails: []string{"louise@exemple.org"}}
		recs, err := f.s.Find(f.ctx, d, sub)
		if err != nil || len(recs) != 1 {
			t.Fatalf("%+v, %v", recs, err)
		}
		if err := d.InTx(f.ctx, func(tx *db.Tx) error {
			_, err := f.s.Erase(f.ctx, tx, sub, []privacy.Ref{recs[0].Ref})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.PublicStory(f.ctx, tid, st.Slug)
		testkit.WantCode(t, err, errs.NotFound)
		got, _ := f.s.Story(f.ctx, tid, st.ID)
		if got.Status != comms.StoryWithdrawn || got.Consents[0].WithdrawnAt == nil || got.Consents[0].Person == "Louise Tremblay" ||
			got.Consents[0].Email != "" {
			t.Fatalf("after erasure %+v", got)
		}
		// Erasing again (a replay after a restore) is not an error.
		if err := d.InTx(f.ctx, func(tx *db.Tx) error {
			_, err := f.s.Erase(f.ctx, tx, privacy.Subject{}, []privacy.Ref{recs[0].Ref})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}
