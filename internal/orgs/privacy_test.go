package orgs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

var orgTables = []string{"organization_people", "organization_seats", "organization_managers", "organizations",
	"organization_accompaniments", "organization_import_rows"}

// importRows writes an import made at and its rows.
func importRows(t *testing.T, d *db.DB, tid int64, at time.Time, data ...string) {
	t.Helper()
	ctx := context.Background()
	id, err := d.InsertID(ctx, `INSERT INTO organization_imports (territory_id, filename, file_hash, status, total_rows, error_rows, created_at)
		VALUES (?, 'liste.csv', 'h', 'preview', ?, 0, ?) RETURNING id`, tid, len(data), at)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range data {
		if _, err := d.Exec(ctx, `INSERT INTO organization_import_rows (territory_id, import_id, line, has_errors, data) VALUES (?, ?, ?, ?, ?)`,
			tid, id, i+2, false, s); err != nil {
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
		alice, err := f.auth.CreateUser(ctx, auth.NewUser{Email: "alice@exemple.org", Name: "Alice Tremblay"}, tid, auth.RoleCitizen)
		if err != nil {
			t.Fatal(err)
		}
		bruno, err := f.auth.CreateUser(ctx, auth.NewUser{Email: "bruno@exemple.org", Name: "Bruno Gagnon"}, tid, auth.RoleCitizen)
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.s.Create(ctx, tid, 0, orgs.Input{Name: "Comité des loisirs de Gentilly", Kind: orgs.Nonprofit, PlaceSlugs: []string{"becancour"},
			ContactName: "Alice Tremblay", ContactEmail: "Alice@exemple.org", ContactPhone: "819 555-0101"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.s.Create(ctx, tid, 0, orgs.Input{Name: "FADOQ Manseau", Kind: orgs.Nonprofit, PlaceSlugs: []string{"manseau"},
			ContactName: "Bruno Gagnon", ContactEmail: "bruno@exemple.org", ContactPhone: "819 555-0202"})
		if err != nil {
			t.Fatal(err)
		}
		f.seat(t, a.ID, orgs.SeatInput{Title: "Présidence", Role: orgs.President,
			NewHolder: &orgs.PersonInput{Name: "Alice Tremblay", Email: "alice@exemple.org", Phone: "819 555-0101", NamePublic: true}})
		f.seat(t, a.ID, orgs.SeatInput{Title: "Trésorerie", Role: orgs.Treasurer,
			NewHolder: &orgs.PersonInput{Name: "Bruno Gagnon", Email: "bruno@exemple.org", Phone: "819 555-0202", NamePublic: true}})
		for _, u := range []int64{alice.ID, bruno.ID} {
			if err := f.s.AddManager(ctx, tid, a.ID, u); err != nil {
				t.Fatal(err)
			}
		}
		for _, people := range []string{"Alice Tremblay (alice@exemple.org), Bruno Gagnon", "Bruno Gagnon (bruno@exemple.org)"} {
			if _, err := f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: b.ID, HappenedOn: "2026-03-10",
				Topic: "Relève", People: people, Notes: "Rencontre avec " + people}); err != nil {
				t.Fatal(err)
			}
		}
		importRows(t, d, tid, today, `{"name":"Alice Tremblay","email":"alice@exemple.org"}`, `{"name":"Bruno Gagnon","email":"bruno@exemple.org"}`)
		sub := privacy.Subject{TerritoryID: tid, UserID: alice.ID, Emails: []string{"alice@exemple.org"}, Phones: []string{"8195550101"}}

		recs, err := h.Find(ctx, d, sub)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, r := range recs {
			got[r.Ref.Table]++
			for _, fl := range r.Fields {
				if strings.Contains(strings.ToLower(fl.Value), "bruno") || strings.Contains(fl.Value, "0202") {
					t.Errorf("another person's value in %+v", r)
				}
			}
		}
		for _, table := range orgTables {
			if got[table] != 1 {
				t.Errorf("%d records of %s: %+v", got[table], table, recs)
			}
		}
		// Only by phone: the record of the seat holder and the contact.
		if r, _ := h.Find(ctx, d, privacy.Subject{TerritoryID: tid, Phones: []string{"8195550101"}}); len(r) != 3 {
			t.Errorf("by phone: %+v", r)
		}

		// The consent to show the name: withdrawn by its person only.
		cs, err := c.Consents(ctx, sub)
		if err != nil || len(cs) != 1 || cs[0].Purpose != privacy.Identified {
			t.Fatalf("consents %+v, %v", cs, err)
		}
		var brunoPerson int64
		if err := d.QueryRow(ctx, `SELECT id FROM organization_people WHERE email = 'bruno@exemple.org'`).Scan(&brunoPerson); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, c.Withdraw(ctx, sub, privacy.Ref{Table: "organization_people", ID: brunoPerson}), errs.NotFound)
		for range 2 {
			if err := c.Withdraw(ctx, sub, cs[0].Ref); err != nil {
				t.Fatal(err)
			}
		}
		if cs, _ = c.Consents(ctx, sub); len(cs) != 0 {
			t.Errorf("after withdrawal %+v", cs)
		}

		if err := d.InTx(ctx, func(tx *db.Tx) error {
			n, err := f.s.Correct(ctx, tx, sub, privacy.Correction{Name: "Alice  Tremblay-Roy", Phone: "819 555-0909"})
			if n != 2 {
				t.Errorf("corrected %d rows", n)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM organization_people WHERE name = 'Alice Tremblay-Roy' AND phone = '819 555-0909'`); n != 1 {
			t.Errorf("person not corrected")
		}

		refs := []privacy.Ref{{Table: "users", ID: alice.ID}}
		for _, r := range recs {
			refs = append(refs, r.Ref)
		}
		for i := range 2 {
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				kept, err := h.Erase(ctx, tx, sub, refs)
				if i == 0 && fmt.Sprint(kept) != fmt.Sprint([]privacy.Kept{
					{Category: orgs.PrivacyPeople, Reason: "privacy.kept.orgs.seats", Count: 1},
					{Category: orgs.PrivacyAccompaniments, Reason: "privacy.kept.orgs.accompaniments", Count: 1}}) {
					t.Errorf("kept %+v", kept)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		if l := testkit.Leaks(t, d, []string{"Alice", "alice@", "555-0101", "555-0909"}, orgTables...); len(l) > 0 {
			t.Errorf("left after erasure: %v", l)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM organization_managers WHERE user_id = ?`, alice.ID); n != 0 {
			t.Errorf("still a manager")
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM organization_seats WHERE holder_id IS NULL`); n != 1 {
			t.Errorf("%d vacant seats, want 1", n)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM organization_people WHERE email = 'bruno@exemple.org' AND name_public = TRUE`:                        1,
			`SELECT COUNT(*) FROM organization_managers WHERE user_id = ` + fmt.Sprint(bruno.ID):                                       1,
			`SELECT COUNT(*) FROM organizations WHERE contact_email = 'bruno@exemple.org' AND contact_phone = '819 555-0202'`:          1,
			`SELECT COUNT(*) FROM organization_accompaniments WHERE people = 'Bruno Gagnon (bruno@exemple.org)' AND notes <> ''`:       1,
			`SELECT COUNT(*) FROM organization_import_rows WHERE data LIKE '%bruno@exemple.org%'`:                                      1,
			`SELECT COUNT(*) FROM organization_seats s JOIN organization_people p ON p.id = s.holder_id WHERE p.name = 'Bruno Gagnon'`: 1,
		} {
			if n := testkit.Count(t, d, q); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		if r, _ := h.Find(ctx, d, sub); len(r) != 0 {
			t.Errorf("found after erasure: %+v", r)
		}
	})
}

func TestPrivacyRetention(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		cutoff := time.Date(2024, 3, 11, 17, 0, 0, 0, time.UTC)
		o := f.org(t, "Comité des loisirs de Gentilly", orgs.Nonprofit, "becancour")
		for i := range 2 {
			at := cutoff.Add(time.Duration(i*2-1) * time.Minute)
			importRows(t, d, tid, at, fmt.Sprintf(`{"name":"Importé%d"}`, i))
			if _, err := d.Exec(ctx, `INSERT INTO organization_people (territory_id, organization_id, name, name_key, email, phone, created_at, updated_at)
				VALUES (?, ?, ?, ?, '', '', ?, ?)`, tid, o.ID, fmt.Sprintf("Ancien%d", i), fmt.Sprintf("ancien%d", i), at, at); err != nil {
				t.Fatal(err)
			}
		}
		// A record holding a seat stays, however old.
		f.seat(t, o.ID, orgs.SeatInput{Title: "Présidence", Role: orgs.President, NewHolder: holder("Siégeant", "")})
		if _, err := d.Exec(ctx, `UPDATE organization_people SET updated_at = ? WHERE name = 'Siégeant'`, cutoff.AddDate(-3, 0, 0)); err != nil {
			t.Fatal(err)
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
		if l := testkit.Leaks(t, d, []string{"Importé0", "Ancien0"}, orgTables...); len(l) > 0 {
			t.Errorf("left after expiry: %v", l)
		}
		if l := testkit.Leaks(t, d, []string{"Importé1", "Ancien1", "Siégeant"}, orgTables...); len(l) != 4 { // Ancien1 twice: name and name_key
			t.Errorf("expired too much: %v", l)
		}
	})
}
