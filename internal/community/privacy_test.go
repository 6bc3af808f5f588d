package community_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

// t0 is when the oldest rows of the privacy tests were written.
var t0 = time.Date(2026, 1, 10, 15, 0, 0, 0, time.UTC)

type someone struct {
	key, name, email, phone string
	userID                  int64
	// at is when their rows were written, confirmed, left or expire.
	at time.Time
}

// seedPerson gives p a row in every table the community store holds:
// an idea they proposed, a support they never confirmed, an initiative
// they signed up for without confirming and one they left (name shown), a
// community they host, left and posted in, an invitation.
func seedPerson(t *testing.T, f *fixture, p someone) {
	t.Helper()
	ctx := context.Background()
	d, tid := f.d, f.t.ID
	place, err := f.ts.Place(ctx, tid, "fortierville")
	if err != nil {
		t.Fatal(err)
	}
	var theme int64
	if err := d.QueryRow(ctx, `SELECT MIN(id) FROM idea_themes WHERE territory_id = ?`, tid).Scan(&theme); err != nil {
		t.Fatal(err)
	}
	ins := func(q string, args ...any) int64 {
		id, err := d.InsertID(ctx, q+` RETURNING id`, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	idea := ins(`INSERT INTO ideas (territory_id, kind, title, theme_id, place_id, status, moderation, source, submitter_name,
		submitter_email, created_at, updated_at) VALUES (?, 'idea', ?, ?, ?, 'new', 'approved', 'public', ?, ?, ?, ?)`,
		tid, "Un jardin de "+p.key, theme, place.ID, p.name, p.email, p.at, p.at)
	ins(`INSERT INTO idea_supports (territory_id, idea_id, email, name, offer, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		tid, idea, p.email, p.name, "Offre de "+p.key, "support-"+p.key, p.at)
	for i, left := range []bool{false, true} {
		in := ins(`INSERT INTO initiatives (territory_id, slug, title, place_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?)`,
			tid, fmt.Sprintf("init-%s-%d", p.key, i), "Initiative", place.ID, p.at, p.at)
		var confirmed, leftAt any
		if left {
			confirmed, leftAt = p.at, p.at
		}
		ins(`INSERT INTO initiative_people (territory_id, initiative_id, role, name, email, phone, offer, show_name, lang, source,
			link_nonce, token_hash, confirmed_at, left_at, created_at) VALUES (?, ?, 'participant', ?, ?, ?, ?, ?, 'fr', 'public', ?, ?, ?, ?, ?)`,
			tid, in, p.name, p.email, p.phone, "Coup de main de "+p.key, left, "nonce-"+p.key, fmt.Sprintf("person-%s-%d", p.key, i),
			confirmed, leftAt, p.at)
	}
	comm := ins(`INSERT INTO communities (territory_id, slug, name, facilitator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		tid, "communaute-"+p.key, "Communauté", p.userID, p.at, p.at)
	ins(`INSERT INTO community_members (territory_id, community_id, user_id, name, email, phone, shared_phone, share_name, share_email,
		joined_at, left_at) VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, TRUE, ?, ?)`, tid, comm, p.userID, p.name, p.email, p.phone, p.phone,
		p.at.Add(-time.Hour), p.at)
	ins(`INSERT INTO community_invitations (territory_id, community_id, email, name, source, token_hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, 'staff', ?, ?, ?)`, tid, comm, p.email, p.name, "invite-"+p.key, p.at.Add(-time.Hour), p.at)
	ins(`INSERT INTO community_posts (territory_id, community_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)`,
		tid, comm, p.userID, "Le mot de "+p.key+" sur son jardin", p.at)
}

type privacyFixture struct {
	*fixture
	lise, gilles someone
	sub          privacy.Subject
}

func newPrivacyFixture(t *testing.T, d *db.DB) *privacyFixture {
	t.Helper()
	f := &privacyFixture{fixture: newFixture(t, d)}
	f.lise = someone{key: "lise", name: "Lise Tremblay", email: "lise@exemple.org", phone: "819 555-1234", at: t0}
	f.gilles = someone{key: "gilles", name: "Gilles Roy", email: "gilles@exemple.org", phone: "819 555-7777", at: t0.Add(time.Hour)}
	f.lise.userID = newUser(t, d, f.t, f.lise.email).ID
	f.gilles.userID = newUser(t, d, f.t, f.gilles.email).ID
	seedPerson(t, f.fixture, f.lise)
	seedPerson(t, f.fixture, f.gilles)
	f.sub = privacy.Subject{TerritoryID: f.t.ID, UserID: f.lise.userID, Emails: []string{"lise@exemple.org"}, Phones: []string{"8195551234"}}
	return f
}

var communityTables = []string{"ideas", "idea_supports", "initiative_people", "community_members", "community_invitations",
	"community_posts", "communities"}

func TestPrivacyFindErase(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newPrivacyFixture(t, d)
		ctx := context.Background()
		recs, err := f.s.Find(ctx, d, f.sub)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		var refs []privacy.Ref
		for _, r := range recs {
			got[r.Category]++
			refs = append(refs, r.Ref)
			for _, fl := range r.Fields {
				if v := strings.ToLower(fl.Value); strings.Contains(v, "gilles") || strings.Contains(v, "7777") {
					t.Errorf("record %v carries another person's %s: %q", r.Ref, fl.Name, fl.Value)
				}
			}
		}
		want := map[string]int{"community.ideas": 1, "community.idea_supports": 1, "community.initiative_people": 2,
			"community.members": 1, "community.invitations": 1, "community.posts": 1, "community.facilitators": 1}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("found %v, want %v", got, want)
		}
		// Found by phone alone, too.
		if r, _ := f.s.Find(ctx, d, privacy.Subject{TerritoryID: f.t.ID, Phones: []string{"8195551234"}}); len(r) != 3 {
			t.Errorf("by phone: %d records, want 3 (two initiatives, one community)", len(r))
		}

		for range 2 {
			var kept []privacy.Kept
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				kept, err = f.s.Erase(ctx, tx, f.sub, refs)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(kept) != "[{community.ideas privacy.kept.community.ideas 1} {community.initiative_people privacy.kept.community.initiative_people 2} {community.members privacy.kept.community.members 1}]" {
				t.Errorf("kept %v", kept)
			}
		}
		for _, table := range communityTables {
			all := testkit.Dump(t, d, table)
			for _, s := range []string{"lise@", "tremblay", "555-1234", "offre de lise", "nonce-lise", "person-lise", "coup de main de lise", "mot de lise"} {
				if strings.Contains(all, s) {
					t.Errorf("%s still holds %q", table, s)
				}
			}
		}
		for _, s := range []string{"gilles@exemple.org", "gilles roy", "555-7777", "offre de gilles", "mot de gilles"} {
			all := ""
			for _, table := range communityTables {
				all += testkit.Dump(t, d, table)
			}
			if !strings.Contains(all, s) {
				t.Errorf("Gilles's %q is gone", s)
			}
		}
		uid := f.lise.userID
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM community_members WHERE user_id = ?`, uid) +
			testkit.Count(t, d, `SELECT COUNT(*) FROM community_posts WHERE author_id = ?`, uid) +
			testkit.Count(t, d, `SELECT COUNT(*) FROM communities WHERE facilitator_id = ?`, uid); n != 0 {
			t.Errorf("%d rows still point to Lise's account", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM initiative_people`); n != 4 {
			t.Errorf("%d people in the initiatives, want 4 (counts kept)", n)
		}
		if r, _ := f.s.Find(ctx, d, f.sub); len(r) != 0 {
			t.Errorf("%d records after the erasure", len(r))
		}
	})
}

func TestPrivacyRetention(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newPrivacyFixture(t, d)
		ctx := context.Background()
		if rules := f.s.Retention(); len(rules) != 5 || rules[4].Key != community.RuleLeftMembers || rules[4].Days != 365 {
			t.Errorf("rules %+v", rules)
		}
		for _, rule := range f.s.Retention() {
			for i, want := range []int{0, 1, 0} {
				cutoff := t0.Add(time.Second)
				if i == 0 {
					cutoff = t0.Add(-time.Second)
				}
				var n int
				err := d.InTx(ctx, func(tx *db.Tx) error {
					var err error
					n, err = f.s.Expire(ctx, tx, f.t.ID, rule.Key, cutoff)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Errorf("%s, run %d: %d rows changed, want %d", rule.Key, i, n, want)
				}
			}
		}
		all := ""
		for _, table := range communityTables {
			all += testkit.Dump(t, d, table)
		}
		for _, s := range []string{"offre de lise", "invite-lise", "coup de main de lise"} {
			if strings.Contains(all, s) {
				t.Errorf("%q outlived its rules", s)
			}
		}
		for _, s := range []string{"offre de gilles", "invite-gilles", "coup de main de gilles", "gilles@exemple.org"} {
			if !strings.Contains(all, s) {
				t.Errorf("%q is gone before its time", s)
			}
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM community_members WHERE name = ''`); n != 1 {
			t.Errorf("%d members anonymised, want 1", n)
		}
	})
}

func TestPrivacyConsentsCorrect(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newPrivacyFixture(t, d)
		ctx := context.Background()
		cs, err := f.s.Consents(ctx, f.sub)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Purpose != privacy.Identified {
			t.Fatalf("consents %+v", cs)
		}
		for range 2 {
			if err := f.s.Withdraw(ctx, f.sub, cs[0].Ref); err != nil {
				t.Fatal(err)
			}
		}
		if cs, _ := f.s.Consents(ctx, f.sub); len(cs) != 0 {
			t.Errorf("after the withdrawal %+v", cs)
		}
		gilles, _ := f.s.Consents(ctx, privacy.Subject{TerritoryID: f.t.ID, Emails: []string{"gilles@exemple.org"}})
		if len(gilles) != 1 {
			t.Fatalf("Gilles's consents %+v", gilles)
		}
		testkit.WantCode(t, f.s.Withdraw(ctx, f.sub, gilles[0].Ref), errs.NotFound)

		var n int
		err = d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			n, err = f.s.Correct(ctx, tx, f.sub, privacy.Correction{Name: "Lise Tremblay-Roy", Phone: "819 555-9999"})
			return err
		})
		if err != nil || n != 6 {
			t.Fatalf("corrected %d rows, want 6: %v", n, err)
		}
		all := ""
		for _, table := range communityTables {
			all += testkit.Dump(t, d, table)
		}
		if strings.Contains(all, "555-1234") || strings.Count(all, "lise tremblay-roy") != 6 {
			t.Errorf("the correction missed rows:\n%s", all)
		}
		if !strings.Contains(all, "gilles roy") || !strings.Contains(all, "555-7777") {
			t.Error("Gilles was corrected")
		}
	})
}
