package committee_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/committee"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

func TestPrivacyHolder(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		var h privacy.Holder = f.s
		var _ privacy.Corrector = f.s
		subject, err := f.a.Auth.CreateUser(ctx, auth.NewUser{Email: "julie@exemple.org", Name: "Julie Tremblay"}, tid, auth.RolePartner)
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.a.Auth.CreateUser(ctx, auth.NewUser{Email: "marc@exemple.org", Name: "Marc Bélanger"}, tid, auth.RolePartner)
		if err != nil {
			t.Fatal(err)
		}
		mine, err := f.s.AddMember(ctx, tid, committee.MemberInput{OrganizationName: "CIUSSS MCQ", Representative: "Julie Tremblay",
			Title: "Organisatrice communautaire", UserID: subject.ID, JoinedOn: "2026-01-15"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddMember(ctx, tid, committee.MemberInput{OrganizationName: "FADOQ", Representative: "Marc Bélanger",
			Title: "Président", UserID: other.ID, JoinedOn: "2026-01-15"}); err != nil {
			t.Fatal(err)
		}
		m, err := f.s.CreateMeeting(ctx, tid, 0, meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		for _, owner := range []string{"Julie Tremblay", "Marc Bélanger"} {
			if _, err := f.s.AddItem(ctx, tid, m.ID, committee.ItemInput{Kind: "follow_up", Body: "Écrire au maire", Owner: owner, DueOn: "2026-07-01"}); err != nil {
				t.Fatal(err)
			}
		}
		sub := privacy.Subject{TerritoryID: tid, UserID: subject.ID, Emails: []string{"julie@exemple.org"}}

		recs, err := h.Find(ctx, d, sub)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || recs[0].Ref != (privacy.Ref{Table: "committee_members", ID: mine}) || recs[1].Category != committee.PrivacyOwners {
			t.Fatalf("records %+v", recs)
		}
		for _, r := range recs {
			for _, fl := range r.Fields {
				if strings.Contains(fl.Value, "Marc") || strings.Contains(fl.Value, "FADOQ") {
					t.Errorf("another person's value in %+v", r)
				}
			}
		}

		// Correct, then erase, twice.
		tx := func(fn func(tx *db.Tx) error) {
			t.Helper()
			if err := d.InTx(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		tx(func(tx *db.Tx) error {
			n, err := f.s.Correct(ctx, tx, sub, privacy.Correction{Name: "Julie  Tremblay-Roy"})
			if n != 2 {
				t.Errorf("corrected %d rows", n)
			}
			return err
		})
		if recs, _ = h.Find(ctx, d, sub); len(recs) != 2 || recs[0].Fields[0].Value != "Julie Tremblay-Roy" {
			t.Fatalf("after correction %+v", recs)
		}
		refs := []privacy.Ref{{Table: "events", ID: 1}}
		for _, r := range recs {
			refs = append(refs, r.Ref)
		}
		for i := 0; i < 2; i++ {
			tx(func(tx *db.Tx) error {
				kept, err := h.Erase(ctx, tx, sub, refs)
				if len(kept) != 1 || kept[0] != (privacy.Kept{Category: committee.PrivacyMembers, Reason: "privacy.kept.committee.members", Count: 1}) {
					t.Errorf("kept %+v", kept)
				}
				return err
			})
		}
		if l := testkit.Leaks(t, d, []string{"Julie", "Tremblay", "Organisatrice"}, "committee_members", "committee_items"); len(l) > 0 {
			t.Errorf("left after erasure: %v", l)
		}
		if l := testkit.Leaks(t, d, []string{"Marc Bélanger", "Président"}, "committee_members", "committee_items"); len(l) != 3 {
			t.Errorf("the other person's data: %v", l)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM committee_members WHERE user_id = ?`, subject.ID); n != 0 {
			t.Errorf("still linked to the account")
		}
		if recs, _ = h.Find(ctx, d, sub); len(recs) != 0 {
			t.Errorf("found after erasure: %+v", recs)
		}
	})
}

func TestPrivacyRetention(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		cutoff := time.Date(2024, 3, 11, 17, 0, 0, 0, time.UTC) // 13 h in Bécancour, 11 March
		m, err := f.s.CreateMeeting(ctx, tid, 0, meetingInput())
		if err != nil {
			t.Fatal(err)
		}
		for i, left := range []string{"2024-03-10", "2024-03-11", ""} {
			id, err := f.s.AddMember(ctx, tid, committee.MemberInput{OrganizationName: fmt.Sprintf("Organisme %d", i),
				Representative: fmt.Sprintf("Personne %d", i), JoinedOn: "2020-01-15"})
			if err != nil {
				t.Fatal(err)
			}
			if left != "" {
				if _, err := d.Exec(ctx, `UPDATE committee_members SET left_on = ? WHERE id = ?`, left, id); err != nil {
					t.Fatal(err)
				}
			}
			item, err := f.s.AddItem(ctx, tid, m.ID, committee.ItemInput{Kind: "follow_up", Body: "Suivi", Owner: fmt.Sprintf("Responsable %d", i)})
			if err != nil {
				t.Fatal(err)
			}
			at := cutoff.Add(time.Duration(i*2-1) * time.Minute)
			if _, err := d.Exec(ctx, `UPDATE committee_items SET created_at = ? WHERE id = ?`, at, item); err != nil {
				t.Fatal(err)
			}
		}
		for _, rule := range f.s.Retention() {
			for run, want := range []int{1, 0} {
				var n int
				if err := d.InTx(ctx, func(tx *db.Tx) (err error) {
					n, err = f.s.Expire(ctx, tx, tid, rule.Key, cutoff)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Errorf("%s run %d: %d rows, want %d", rule.Key, run, n, want)
				}
			}
		}
		if l := testkit.Leaks(t, d, []string{"Personne 0", "Responsable 0"}, "committee_members", "committee_items"); len(l) > 0 {
			t.Errorf("left after expiry: %v", l)
		}
		if l := testkit.Leaks(t, d, []string{"Personne 1", "Personne 2", "Responsable 1", "Responsable 2"}, "committee_members", "committee_items"); len(l) != 4 {
			t.Errorf("expired too much: %v", l)
		}
	})
}
