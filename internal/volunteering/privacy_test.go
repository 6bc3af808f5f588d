package volunteering_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

var volunteerTables = []string{"volunteer_profiles", "volunteer_opportunities", "volunteer_applications", "volunteer_hours",
	"volunteer_certificates", "volunteer_digest_sent"}

// volunteerRows writes, for a person, an application, confirmed and
// declared hours, a certificate and a digest sent, at the given moment.
func volunteerRows(t *testing.T, d *db.DB, tid, userID, oppID, orgID int64, name string, at time.Time, status string) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO volunteer_applications (territory_id, opportunity_id, user_id, message, status, reply, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, []any{tid, oppID, userID, "Message de " + name, status, "Réponse à " + name, at, at}},
		{`INSERT INTO volunteer_hours (territory_id, user_id, organization_id, opportunity_id, day, activity, declared_minutes, minutes, status,
			review_note, created_at, updated_at) VALUES (?, ?, ?, ?, '2026-05-20', ?, 120, 120, 'confirmed', ?, ?, ?)`,
			[]any{tid, userID, orgID, oppID, "Popote avec " + name, "Vu par " + name, at, at}},
		{`INSERT INTO volunteer_hours (territory_id, user_id, organization_id, day, activity, declared_minutes, minutes, status,
			created_at, updated_at) VALUES (?, ?, ?, '2026-05-21', ?, 60, 60, 'declared', ?, ?)`, []any{tid, userID, orgID, "Tri de " + name, at, at}},
		{`INSERT INTO volunteer_certificates (territory_id, code, user_id, kind, holder_name, period_from, period_to, minutes, organizations,
			content_hash, issued_at) VALUES (?, ?, ?, 'hours', ?, '2026-01-01', '2026-05-31', 120, 1, 'h', ?)`,
			[]any{tid, "CODE-" + name, userID, name, at}},
		{`INSERT INTO volunteer_digest_sent (territory_id, user_id, week, opportunities, sent_at) VALUES (?, ?, '2026-W22', 3, ?)`,
			[]any{tid, userID, at}},
	} {
		if _, err := d.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPrivacyHolder(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		var h privacy.Holder = f.s
		var c privacy.Consenter = f.s
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		alice := f.user(t, "alice@exemple.org", "Alice Tremblay")
		bruno := f.user(t, "bruno@exemple.org", "Bruno Gagnon")
		mine := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote roulante", PlaceSlug: "manseau",
			ContactEmail: "alice@exemple.org", ContactName: "Alice Tremblay", ContactPhone: "819 555-0101"})
		theirs := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Friperie", PlaceSlug: "manseau",
			ContactEmail: "bruno@exemple.org", ContactName: "Bruno Gagnon", ContactPhone: "819 555-0202"})
		for _, u := range []int64{alice.ID, bruno.ID} {
			if _, err := f.s.SaveProfile(ctx, tid, u, volunteering.ProfileInput{AgeBand: "under_14", ParentConsent: true, Digest: true,
				Student: true, School: "École de " + map[int64]string{alice.ID: "Alice", bruno.ID: "Bruno"}[u]}); err != nil {
				t.Fatal(err)
			}
		}
		volunteerRows(t, d, tid, alice.ID, theirs.ID, fadoq.ID, "Alice", now, volunteering.Accepted)
		volunteerRows(t, d, tid, bruno.ID, mine.ID, fadoq.ID, "Bruno", now, volunteering.Accepted)
		sub := privacy.Subject{TerritoryID: tid, UserID: alice.ID, Emails: []string{"alice@exemple.org"}, Phones: []string{"8195550101"}}

		recs, err := h.Find(ctx, d, sub)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, r := range recs {
			got[r.Ref.Table]++
			for _, fl := range r.Fields {
				if strings.Contains(strings.ToLower(fl.Value), "bruno") {
					t.Errorf("another person's value in %+v", r)
				}
			}
		}
		want := map[string]int{"volunteer_profiles": 1, "volunteer_opportunities": 1, "volunteer_applications": 1, "volunteer_hours": 2,
			"volunteer_certificates": 1, "volunteer_digest_sent": 1}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("records %v, want %v", got, want)
		}

		// Consents: the digest and the parent's; withdrawing the digest
		// stops it; another person's ref is not found.
		cs, err := c.Consents(ctx, sub)
		if err != nil || len(cs) != 2 || cs[0].Purpose != privacy.Digest || cs[1].Purpose != privacy.Parental || cs[0].Withdrawn != nil {
			t.Fatalf("consents %+v, %v", cs, err)
		}
		bp, _ := f.s.Profile(ctx, tid, bruno.ID)
		testkit.WantCode(t, c.Withdraw(ctx, sub, privacy.Ref{Table: "volunteer_profiles", ID: bp.ID}), errs.NotFound)
		for range 2 {
			if err := c.Withdraw(ctx, sub, cs[0].Ref); err != nil {
				t.Fatal(err)
			}
		}
		if cs, _ = c.Consents(ctx, sub); len(cs) != 2 || cs[0].Withdrawn == nil {
			t.Errorf("after withdrawal %+v", cs)
		}
		if p, _ := f.s.Profile(ctx, tid, alice.ID); p.Digest {
			t.Error("digest still on")
		}

		if err := d.InTx(ctx, func(tx *db.Tx) error {
			n, err := f.s.Correct(ctx, tx, sub, privacy.Correction{Name: "Alice Tremblay-Roy"})
			if n != 1 {
				t.Errorf("corrected %d", n)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}

		refs := []privacy.Ref{{Table: "users", ID: alice.ID}}
		for _, r := range recs {
			refs = append(refs, r.Ref)
		}
		for i := range 2 {
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				kept, err := h.Erase(ctx, tx, sub, refs)
				if i == 0 && fmt.Sprint(kept) != fmt.Sprint([]privacy.Kept{{Category: volunteering.PrivacyHours,
					Reason: "privacy.kept.volunteering.hours", Count: 1}}) {
					t.Errorf("kept %+v", kept)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		if l := testkit.Leaks(t, d, []string{"Alice", "alice@", "555-0101"}, volunteerTables...); len(l) > 0 {
			t.Errorf("left after erasure: %v", l)
		}
		for _, table := range volunteerTables {
			if table == "volunteer_opportunities" {
				continue
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM `+table+` WHERE user_id = ?`, alice.ID); n != 0 {
				t.Errorf("%d rows of %s still linked", n, table)
			}
		}
		if l := testkit.Leaks(t, d, []string{"Bruno"}, volunteerTables...); len(l) != 10 {
			t.Errorf("the other person's data: %d %v", len(l), l)
		}
		if r, _ := h.Find(ctx, d, sub); len(r) != 0 {
			t.Errorf("found after erasure: %+v", r)
		}
	})
}

func TestPrivacyDeleteProfile(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		u := f.user(t, "enfant@exemple.org", "")
		if _, err := f.s.SaveProfile(ctx, f.t.ID, u.ID, volunteering.ProfileInput{AgeBand: "under_14", ParentConsent: true, Digest: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `INSERT INTO volunteer_digest_sent (territory_id, user_id, week, opportunities, sent_at) VALUES (?, ?, '2026-W22', 3, ?)`,
			f.t.ID, u.ID, now); err != nil {
			t.Fatal(err)
		}
		// Withdrawing the parent's consent erases the profile it allowed.
		cs, err := f.s.Consents(ctx, privacy.Subject{TerritoryID: f.t.ID, UserID: u.ID})
		if err != nil || len(cs) != 2 {
			t.Fatalf("consents %+v, %v", cs, err)
		}
		if err := f.s.Withdraw(ctx, privacy.Subject{TerritoryID: f.t.ID, UserID: u.ID}, cs[1].Ref); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"volunteer_profiles", "volunteer_digest_sent"} {
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM `+table); n != 0 {
				t.Errorf("%d rows left in %s", n, table)
			}
		}
	})
}

func TestPrivacyRetention(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		cutoff := time.Date(2025, 3, 11, 17, 0, 0, 0, time.UTC)
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		var opps []int64
		for i := range 3 {
			opps = append(opps, f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: fmt.Sprintf("Offre %d", i), PlaceSlug: "manseau"}).ID)
		}
		for i := range 2 {
			at := cutoff.Add(time.Duration(i*2-1) * time.Minute)
			u := f.user(t, fmt.Sprintf("p%d@exemple.org", i), "")
			for j, status := range []string{volunteering.Unconfirmed, volunteering.Declined, volunteering.Withdrawn} {
				if _, err := d.Exec(ctx, `INSERT INTO volunteer_applications (territory_id, opportunity_id, user_id, message, status, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)`, tid, opps[j], u.ID, fmt.Sprintf("Mot%d-%s", i, status), status, at, at); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := d.Exec(ctx, `INSERT INTO volunteer_digest_sent (territory_id, user_id, week, opportunities, sent_at) VALUES (?, ?, '2025-W11', 3, ?)`,
				tid, u.ID, at); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string]int{volunteering.RuleUnconfirmed: 1, volunteering.RuleClosed: 2, volunteering.RuleDigestSent: 1}
		for _, rule := range f.s.Retention() {
			for run, w := range []int{want[rule.Key], 0} {
				var n int
				if err := d.InTx(ctx, func(tx *db.Tx) (err error) {
					n, err = f.s.Expire(ctx, tx, tid, rule.Key, cutoff)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if n != w {
					t.Errorf("%s run %d: %d rows, want %d", rule.Key, run, n, w)
				}
			}
		}
		if l := testkit.Leaks(t, d, []string{"Mot0"}, volunteerTables...); len(l) > 0 {
			t.Errorf("left after expiry: %v", l)
		}
		if l := testkit.Leaks(t, d, []string{"Mot1"}, volunteerTables...); len(l) != 3 {
			t.Errorf("expired too much: %v", l)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_digest_sent`); n != 1 {
			t.Errorf("%d digests sent left", n)
		}
	})
}

// hoursFigures are every total the confirmed hours feed, for one year.
func hoursFigures(t *testing.T, f *fixture, orgID int64) string {
	t.Helper()
	ctx := context.Background()
	from, to := calendar.Date{Year: 2026, Month: 1, Day: 1}, calendar.Date{Year: 2026, Month: 12, Day: 31}
	tot, err := f.s.TotalsBetween(ctx, f.t.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	biz, err := f.s.BusinessHours(ctx, f.t.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	recent, err := f.s.RecentHours(ctx, f.t.ID, []int64{orgID}, 0)
	if err != nil {
		t.Fatal(err)
	}
	orgMinutes := 0
	for _, h := range recent {
		if h.Status == volunteering.HoursConfirmed {
			orgMinutes += h.Minutes
		}
	}
	out := fmt.Sprintf("minutes %d, volunteers %d, organisations %d, value %d; organisation %d",
		tot.Minutes, tot.Volunteers, tot.Organizations, *tot.ValueCents, orgMinutes)
	for _, b := range biz {
		out += fmt.Sprintf("; business %s: %d min, %d volunteers, %d entries", b.Organization.Name, b.Minutes, b.Volunteers, b.Entries)
	}
	year := indicator.Scope{TerritoryID: f.t.ID, From: time.Date(2026, 1, 1, 0, 0, 0, 0, f.loc), To: time.Date(2027, 1, 1, 0, 0, 0, 0, f.loc)}
	place := year
	place.PlaceSlug = "manseau"
	for _, m := range []struct {
		key string
		sc  indicator.Scope
	}{{volunteering.IndicatorHours, year}, {volunteering.IndicatorHours, place}, {volunteering.IndicatorHoursValue, year},
		{volunteering.IndicatorBusinesses, year}} {
		v, err := f.s.Measure(ctx, m.key, m.sc)
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("; %s %s: %g", m.key, m.sc.PlaceSlug, v)
	}
	return out
}

// Erasing a volunteer keeps their confirmed hours in every total, on rows
// that name no one, as the person is told; their unconfirmed hours go.
func TestPrivacyErasureKeepsConfirmedHours(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		usine := f.org(t, "Usine Bécancour", orgs.Business)
		alice := f.user(t, "alice@exemple.org", "Alice Tremblay")
		bruno := f.user(t, "bruno@exemple.org", "Bruno Gagnon")
		popote := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote roulante", PlaceSlug: "manseau"})
		if err := f.s.SaveSettings(ctx, tid, 0, testkit.Ptr(int64(2500)), "Taux du centre"); err != nil {
			t.Fatal(err)
		}
		volunteerRows(t, d, tid, alice.ID, popote.ID, fadoq.ID, "Alice", now, volunteering.Accepted)
		volunteerRows(t, d, tid, bruno.ID, popote.ID, fadoq.ID, "Bruno", now, volunteering.Accepted)
		// Alice and Bruno also gave a day with their employer's team.
		for _, u := range []int64{alice.ID, bruno.ID} {
			if _, err := d.Exec(ctx, `INSERT INTO volunteer_hours (territory_id, user_id, organization_id, opportunity_id, employer_id, day,
				activity, declared_minutes, minutes, status, review_note, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, '2026-06-02', ?, 240, 210, 'confirmed', ?, ?, ?)`,
				tid, u, fadoq.ID, popote.ID, usine.ID, fmt.Sprintf("Corvée avec %d", u), fmt.Sprintf("Aide de %d", u), now, now); err != nil {
				t.Fatal(err)
			}
		}
		before := hoursFigures(t, f, fadoq.ID)
		if !strings.Contains(before, "volunteers 2") || !strings.Contains(before, "2 volunteers") {
			t.Fatalf("figures before: %s", before)
		}

		sub := privacy.NewSubject(tid, alice.ID, []string{"alice@exemple.org"}, nil)
		er, err := f.privacy.Erase(ctx, sub, 0)
		if err != nil {
			t.Fatal(err)
		}
		if after := hoursFigures(t, f, fadoq.ID); after != before {
			t.Errorf("figures changed by the erasure:\n before %s\n after  %s", before, after)
		}
		// What the person is told: their confirmed hours stay counted,
		// without their name.
		var kept *privacy.Kept
		for i, k := range er.Kept {
			if k.Category == volunteering.PrivacyHours {
				kept = &er.Kept[i]
			}
		}
		if kept == nil || kept.Count != 2 || kept.Reason != "privacy.kept.volunteering.hours" {
			t.Fatalf("kept %+v", er.Kept)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_hours WHERE user_id IS NULL AND status = 'confirmed'
			AND activity = '' AND review_note = '' AND anonymous_volunteer IS NOT NULL`); n != kept.Count {
			t.Errorf("%d anonymous confirmed hours, told %d", n, kept.Count)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_hours WHERE user_id IS NULL AND status <> 'confirmed'`); n != 0 {
			t.Errorf("%d unconfirmed hours kept", n)
		}
		if l := testkit.Leaks(t, d, []string{"Alice", "alice@", fmt.Sprintf("avec %d", alice.ID), fmt.Sprintf("de %d", alice.ID)},
			append(volunteerTables, "users")...); len(l) > 0 {
			t.Errorf("left after erasure: %v", l)
		}
		// Nothing in the kept rows points to the account (the account
		// itself stays, emptied), and the recognition list skips them.
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_hours WHERE user_id = ?`, alice.ID); n != 0 {
			t.Errorf("%d hours still linked to the account", n)
		}
		list, err := f.s.MilestonesBetween(ctx, tid, calendar.Date{Year: 2026, Month: 1, Day: 1}, calendar.Date{Year: 2026, Month: 12, Day: 31})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			if r.Person.ID != bruno.ID {
				t.Errorf("recognition of %+v", r)
			}
		}
		recent, err := f.s.RecentHours(ctx, tid, nil, 0)
		if err != nil || len(recent) != 5 {
			t.Fatalf("recent hours %d, %v", len(recent), err)
		}
		// A second erasure (a replay) changes nothing more.
		if _, err := f.privacy.Erase(ctx, sub, 0); err != nil && !errs.Is(err, errs.NotFound) {
			t.Fatal(err)
		}
		if after := hoursFigures(t, f, fadoq.ID); after != before {
			t.Errorf("figures changed by a second erasure: %s", after)
		}
	})
}

// TestMigrationKeepsHours: the hours declared before their person could be
// erased are carried whole into the table that keeps anonymous hours; an
// account's removal still takes its hours, and a row with neither a person
// nor an anonymous number is refused.
func TestMigrationKeepsHours(t *testing.T) {
	before := func(ctx context.Context, d *db.DB) error { return d.MigrateTo(ctx, 26) }
	dbtest.Run(t, before, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ins := func(q string, args ...any) int64 {
			t.Helper()
			id, err := d.InsertID(ctx, q+` RETURNING id`, args...)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return id
		}
		tid := ins(`INSERT INTO territories (slug, name, time_zone, created_at, updated_at) VALUES ('mrc-becancour', 'MRC de Bécancour', 'America/Toronto', ?, ?)`,
			now, now)
		org := ins(`INSERT INTO organizations (territory_id, slug, name, name_key, kind, created_at, updated_at) VALUES (?, 'fadoq', 'FADOQ', 'fadoq', 'nonprofit', ?, ?)`,
			tid, now, now)
		var users []int64
		for _, e := range []string{"alice@exemple.org", "bruno@exemple.org"} {
			u := ins(`INSERT INTO users (email, created_at, updated_at) VALUES (?, ?, ?)`, e, now, now)
			users = append(users, u)
			ins(`INSERT INTO volunteer_hours (territory_id, user_id, organization_id, day, activity, declared_minutes, minutes, status,
				review_note, created_at, updated_at) VALUES (?, ?, ?, '2026-05-20', 'Popote', 120, 90, 'confirmed', 'Vu', ?, ?)`, tid, u, org, now, now)
		}
		rows := func() string {
			t.Helper()
			var b strings.Builder
			err := db.Each(ctx, d, `SELECT id, territory_id, user_id, organization_id, day, activity, declared_minutes, minutes, status,
				review_note FROM volunteer_hours ORDER BY id`, nil, func(r *sql.Rows) error {
				var id, terr, user, org int64
				var day, activity, status, note string
				var declared, minutes int
				if err := r.Scan(&id, &terr, &user, &org, &day, &activity, &declared, &minutes, &status, &note); err != nil {
					return err
				}
				fmt.Fprintln(&b, id, terr, user, org, day, activity, declared, minutes, status, note)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return b.String()
		}
		dump := rows()
		if err := jobs.MigrateAll(ctx, d); err != nil {
			t.Fatal(err)
		}
		if after := rows(); after != dump || testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_hours WHERE anonymous_volunteer IS NULL`) != 2 {
			t.Errorf("hours after the migration:\n%s\nbefore:\n%s", after, dump)
		}
		indexes := `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'volunteer_hours' AND indexname IN ('volunteer_hours_user', 'volunteer_hours_org')`
		if d.Engine == db.SQLite {
			indexes = `SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'volunteer_hours' AND name IN ('volunteer_hours_user', 'volunteer_hours_org')`
		}
		if n := testkit.Count(t, d, indexes); n != 2 {
			t.Errorf("%d of the hours' 2 indexes after the migration", n)
		}
		if _, err := d.Exec(ctx, `DELETE FROM users WHERE id = ?`, users[0]); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_hours`); n != 1 {
			t.Errorf("%d hours after an account's removal, want 1", n)
		}
		if _, err := d.Exec(ctx, `INSERT INTO volunteer_hours (territory_id, organization_id, day, activity, declared_minutes, minutes, status,
			created_at, updated_at) VALUES (?, ?, '2026-05-21', '', 60, 60, 'confirmed', ?, ?)`, tid, org, now, now); err == nil {
			t.Error("hours of nobody were accepted")
		}
	})
}
