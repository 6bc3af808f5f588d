package connections_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/connections"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

// chosen is a held souper where Lise and Réjean chose each other, and
// Réjean and Gérard too (Gérard's choice recorded by staff).
func (f *fixture) chosen(t *testing.T) held {
	t.Helper()
	ctx := context.Background()
	h := f.held(t)
	tid := f.t.ID
	if _, err := f.s.SaveByToken(ctx, tid, h.rejean.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SaveByToken(ctx, tid, h.lise.tok, connections.Choice{OptIn: true, Share: connections.SharePhone, With: []int64{h.rejean.reg.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SaveByStaff(ctx, tid, h.ev.ID, h.gerard.reg.ID, connections.Choice{OptIn: true, Share: connections.SharePhone, With: []int64{h.rejean.reg.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SaveByToken(ctx, tid, h.rejean.tok, connections.Choice{OptIn: true, Share: connections.ShareEmail, With: []int64{h.lise.reg.ID, h.gerard.reg.ID}}); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestPrivacyConnections(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		h := f.chosen(t)
		sub := privacy.Subject{TerritoryID: f.t.ID, Emails: []string{"lise@exemple.org"}, Phones: []string{"8195550101"}}
		recs, err := f.s.Find(ctx, d, sub)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, r := range recs {
			got[r.Ref.Table]++
			if r.Category == "" || r.Label == "" {
				t.Errorf("record %+v", r)
			}
		}
		if got["connection_profiles"] != 1 || got["connection_choices"] != 1 || got["connection_links"] != 1 || len(recs) != 3 {
			t.Fatalf("found %v", got)
		}
		other := privacy.Subject{TerritoryID: f.t.ID, Emails: []string{"rejean@exemple.org"}}
		if r, _ := f.s.Find(ctx, d, other); len(r) != 5 {
			t.Fatalf("Réjean has %d records, want 5", len(r))
		}

		var refs []privacy.Ref
		for _, r := range recs {
			refs = append(refs, r.Ref)
		}
		// The events' registrations are in the refs too: they are not ours.
		refs = append(refs, privacy.Ref{Table: "registrations", ID: h.lise.reg.ID})
		for range 2 {
			var kept []privacy.Kept
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				kept, err = f.s.Erase(ctx, tx, sub, refs)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(kept) != 1 || kept[0].Reason != "privacy.kept.connections.links" || kept[0].Count != 1 {
				t.Errorf("kept %+v", kept)
			}
		}
		lise := h.lise.reg.ID
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM connection_profiles WHERE registration_id = ?`, lise) +
			testkit.Count(t, d, `SELECT COUNT(*) FROM connection_choices WHERE from_registration_id = ? OR to_registration_id = ?`, lise, lise); n != 0 {
			t.Errorf("%d profiles or choices of Lise left", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM connection_links`); n != 2 {
			t.Errorf("%d links, want 2 (the counts stay)", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM connection_profiles`); n != 2 {
			t.Errorf("%d profiles, want Réjean's and Gérard's", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM connection_choices`); n != 2 {
			t.Errorf("%d choices, want Réjean's and Gérard's of each other", n)
		}
		// The registrations anonymised by the events' holder, the link is
		// an anonymous count.
		err = d.InTx(ctx, func(tx *db.Tx) error {
			_, err := f.ev.Erase(ctx, tx, sub, refs)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := f.s.Find(ctx, d, sub); len(r) != 0 {
			t.Errorf("%d records after the erasure", len(r))
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM connection_links`); n != 2 {
			t.Errorf("%d links after the registrations' erasure, want 2", n)
		}
	})
}

func TestPrivacyConnectionsRetention(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.chosen(t)
		at := f.clock.Now()
		expire := func(cutoff time.Time) int {
			var n int
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				n, err = f.s.Expire(ctx, tx, f.t.ID, connections.RuleChoices, cutoff)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := expire(at.Add(-time.Second)); n != 0 {
			t.Errorf("before: %d destroyed", n)
		}
		if n := expire(at.Add(time.Second)); n != 7 {
			t.Errorf("after: %d destroyed, want 4 choices and 3 profiles", n)
		}
		if n := expire(at.Add(time.Second)); n != 0 {
			t.Errorf("again: %d destroyed", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM connection_links`); n != 2 {
			t.Errorf("%d links, want 2", n)
		}
	})
}
