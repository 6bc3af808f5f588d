package orgs_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/testkit"
)

// TestPeopleStayWithTheirOrganization: what a manager types about a holder
// is a record of their organisation — an e-mail or a phone of someone else's
// reaches nobody, their radar says nothing of seats elsewhere — and staff
// link the records of one person, after which the radar counts them as one.
func TestPeopleStayWithTheirOrganization(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		staff := orgs.WholeTerritory
		mine := f.org(t, "Club de l’âge d’or de Fortierville", orgs.Nonprofit, "fortierville")
		theirs := f.org(t, "Comité culturel de Gentilly", orgs.CitizenCommittee, "becancour-gentilly")
		third := f.org(t, "Conseil municipal de Lemieux", orgs.MunicipalCouncil, "lemieux")

		// Staff know Lise: three seats elsewhere, an e-mail, no phone.
		lise := f.seat(t, theirs.ID, orgs.SeatInput{Role: orgs.President, NewHolder: holder("Lise Noël", "lise@exemple.org"), Reach: staff})
		f.seat(t, theirs.ID, orgs.SeatInput{Role: orgs.Treasurer, HolderID: *lise.HolderID})
		f.seat(t, third.ID, orgs.SeatInput{Role: orgs.Councillor, NewHolder: holder("Lise Noël", "lise@exemple.org"), Reach: staff})
		before, _ := f.s.Person(ctx, tid, *lise.HolderID)

		// A manager types her address with a name and a phone of their own.
		in := orgs.PersonInput{Name: "L. Noël", Email: " LISE@exemple.org ", Phone: "819 555-0142"}
		typed, err := f.s.AddSeat(ctx, tid, mine.ID, orgs.SeatInput{Role: orgs.Secretary, NewHolder: &in})
		if err != nil {
			t.Fatal(err)
		}
		if *typed.HolderID == *lise.HolderID || typed.HolderName != "L. Noël" || typed.HolderEmail != "lise@exemple.org" ||
			typed.HolderPhone != "819 555-0142" {
			t.Errorf("the manager's seat shows %+v", typed)
		}
		rec, _ := f.s.Person(ctx, tid, *typed.HolderID)
		if rec.OrganizationID != mine.ID || rec.SameAs != nil {
			t.Errorf("the manager's record %+v", rec)
		}
		// Lise's record is as it was: no phone written into it.
		if after, _ := f.s.Person(ctx, tid, *lise.HolderID); after.Phone != "" || after.Name != before.Name || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("another organisation's record changed: %+v", after)
		}
		// The manager's list and radar: their record only, no hats.
		people, _ := f.s.OrgPeople(ctx, tid, mine.ID)
		if len(people) != 1 || people[0].ID != *typed.HolderID || people[0].Seats != 1 {
			t.Errorf("the manager's people %+v", people)
		}
		risk, radar, err := f.s.Risk(ctx, tid, mine.ID, orgs.OwnOrganization)
		if err != nil || len(radar.Hats) != 0 || reasonKeys(risk) != "" {
			t.Errorf("the manager's radar: %s %+v %v", reasonKeys(risk), radar.Hats, err)
		}
		// Typed again by the manager, the address finds their own record,
		// completed with a phone it lacked — theirs only.
		own, err := f.s.AddSeat(ctx, tid, mine.ID, orgs.SeatInput{Role: orgs.Member, NewHolder: holder("Lise", "lise@exemple.org")})
		if err != nil || *own.HolderID != *typed.HolderID {
			t.Errorf("the manager's own record again: %+v %v", own, err)
		}

		// Staff see that the manager's record may be Lise's.
		hats := func() (int, int) {
			r, err := f.s.Radar(ctx, tid, orgs.RadarFilter{Reach: staff})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, h := range r.Hats {
				if h.PersonID == *lise.HolderID {
					n = h.Seats
				}
			}
			return n, r.Total.People
		}
		if n, people := hats(); n != 3 || people != 2 {
			t.Errorf("before linking, Lise wears %d hats among %d people", n, people)
		}
		dups, total, err := f.s.Duplicates(ctx, tid, 10)
		if err != nil || total != 1 || len(dups) != 1 || dups[0].A.ID != *lise.HolderID || dups[0].B.ID != *typed.HolderID || !dups[0].SameEmail ||
			len(dups[0].A.Orgs) != 2 || dups[0].A.Seats != 3 {
			t.Fatalf("possible duplicates %+v %d %v", dups, total, err)
		}
		matches, _ := f.s.PossibleMatches(ctx, tid, *typed.HolderID)
		if len(matches) != 2 {
			t.Errorf("matches of the manager's record: %+v", matches)
		}

		// Linked: the radar counts one person with five seats; the records stay as typed.
		testkit.WantError(t, f.s.LinkPeople(ctx, tid, *typed.HolderID, *typed.HolderID), errs.Invalid, "errors.org_person_same")
		for range 2 {
			if err := f.s.LinkPeople(ctx, tid, *typed.HolderID, *lise.HolderID); err != nil {
				t.Fatal(err)
			}
		}
		if n, people := hats(); n != 5 || people != 1 {
			t.Errorf("after linking, Lise wears %d hats among %d people", n, people)
		}
		if dups, total, _ := f.s.Duplicates(ctx, tid, 10); total != 0 || len(dups) != 0 {
			t.Errorf("still duplicates: %+v", dups)
		}
		if seats, _ := f.s.SeatsOf(ctx, tid, *typed.HolderID); len(seats) != 5 {
			t.Errorf("Lise's seats: %d", len(seats))
		}
		if list, n, _ := f.s.People(ctx, tid, orgs.PeopleFilter{}); n != 1 || list[0].Records != 3 || list[0].Seats != 5 || list[0].ID != *lise.HolderID {
			t.Errorf("the registry after linking: %+v", list)
		}
		if rec, _ := f.s.Person(ctx, tid, *typed.HolderID); rec.Name != "L. Noël" || rec.Phone != "819 555-0142" || rec.SameAs == nil ||
			*rec.SameAs != *lise.HolderID {
			t.Errorf("the manager's record after linking: %+v", rec)
		}
		// The manager's view has not changed.
		if risk, radar, _ := f.s.Risk(ctx, tid, mine.ID, orgs.OwnOrganization); len(radar.Hats) != 0 || reasonKeys(risk) != "" {
			t.Errorf("the manager's radar after linking: %s", reasonKeys(risk))
		}
		if people, _ := f.s.OrgPeople(ctx, tid, mine.ID); len(people) != 1 || people[0].Seats != 2 || people[0].Name != "L. Noël" {
			t.Errorf("the manager's people after linking: %+v", people)
		}
		// A manager typing her address now still makes nothing of Lise's.
		fresh := f.org(t, "Maison des jeunes de Saint-Grégoire", orgs.Nonprofit)
		if st := f.seat(t, fresh.ID, orgs.SeatInput{Role: orgs.Coordinator, NewHolder: holder("Lise", "lise@exemple.org")}); st.HolderName != "Lise" {
			t.Errorf("a second manager's seat %+v", st)
		} else if p, _ := f.s.Person(ctx, tid, *st.HolderID); p.SameAs != nil {
			t.Error("a manager's record was linked")
		}

		// Undone: the first record leaving, the others stay together.
		if err := f.s.UnlinkPerson(ctx, tid, *lise.HolderID); err != nil {
			t.Fatal(err)
		}
		if same, _ := f.s.SamePerson(ctx, tid, *typed.HolderID); len(same) != 1 || same[0].SameAs != nil {
			t.Errorf("after unlinking the first record: %+v", same)
		}
		if same, _ := f.s.SamePerson(ctx, tid, *lise.HolderID); len(same) != 0 {
			t.Errorf("the first record is still linked: %+v", same)
		}
		if err := f.s.UnlinkPerson(ctx, tid, *typed.HolderID); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := f.s.People(ctx, tid, orgs.PeopleFilter{}); n != 4 {
			t.Errorf("%d people after unlinking", n)
		}

		// Another territory reaches nothing.
		other := f.otherTerritory(t)
		if err := f.s.LinkPeople(ctx, other.ID, *typed.HolderID, *lise.HolderID); !errs.Is(err, errs.NotFound) {
			t.Errorf("link across territories: %v", err)
		}
		if err := f.s.UnlinkPerson(ctx, other.ID, *typed.HolderID); !errs.Is(err, errs.NotFound) {
			t.Errorf("unlink across territories: %v", err)
		}
		if _, n, _ := f.s.Duplicates(ctx, other.ID, 10); n != 0 {
			t.Errorf("duplicates across territories: %d", n)
		}
		if _, err := f.s.PossibleMatches(ctx, other.ID, *typed.HolderID); !errs.Is(err, errs.NotFound) {
			t.Errorf("matches across territories: %v", err)
		}
	})
}

// TestMigrationGivesEachOrganisationItsRecords: records shared by several
// organisations before people were kept per organisation are split — one
// record per organisation, each a copy of what was known, linked to the
// first — so that no manager sees another organisation's entry and the
// radar still counts the person once.
func TestMigrationGivesEachOrganisationItsRecords(t *testing.T) {
	before := func(ctx context.Context, d *db.DB) error { return d.MigrateTo(ctx, 11) }
	dbtest.Run(t, before, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := today
		insert := func(q string, args ...any) int64 {
			t.Helper()
			id, err := d.InsertID(ctx, q+` RETURNING id`, args...)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		// The territory as it was then (today's store reads later columns).
		terr := territory.Territory{ID: insert(`INSERT INTO territories (slug, name, time_zone, created_at, updated_at)
			VALUES ('mrc-becancour', 'MRC de Bécancour', 'America/Toronto', ?, ?)`, now, now)}
		org := func(slug, name string) int64 {
			return insert(`INSERT INTO organizations (territory_id, slug, name, name_key, kind, created_at, updated_at) VALUES (?, ?, ?, ?, 'nonprofit', ?, ?)`,
				terr.ID, slug, name, orgs.Key(name), now, now)
		}
		person := func(name, email, phone string) int64 {
			return insert(`INSERT INTO organization_people (territory_id, name, name_key, email, phone, name_public, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, terr.ID, name, orgs.Key(name), email, phone, true, now, now)
		}
		seat := func(orgID, holder int64, title string) int64 {
			return insert(`INSERT INTO organization_seats (territory_id, organization_id, title, title_key, role, holder_id, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'member', ?, ?, ?)`, terr.ID, orgID, title, orgs.Key(title), holder, now, now)
		}
		a, b, c := org("a", "Club A"), org("b", "Comité B"), org("c", "Conseil C")
		lise := person("Lise Noël", "lise@exemple.org", "819 555-0142")
		paul := person("Paul Roy", "", "")
		gone := person("Jean Pépin", "", "")
		seat(a, lise, "Présidence")
		seat(a, lise, "Trésorerie")
		inB := seat(b, lise, "Secrétariat")
		inC := seat(c, lise, "Membre")
		seat(b, paul, "Présidence")

		if err := jobs.MigrateAll(ctx, d); err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, d)
		tid := f.t.ID
		if tid != terr.ID {
			t.Fatalf("territory %d, want %d", tid, terr.ID)
		}
		first, err := f.s.Person(ctx, tid, lise)
		if err != nil || first.OrganizationID != a || first.SameAs != nil || first.Seats != 2 {
			t.Errorf("Lise's first record: %+v %v", first, err)
		}
		for _, x := range []struct{ org, seat int64 }{{b, inB}, {c, inC}} {
			st, err := f.s.Seat(ctx, tid, x.org, x.seat)
			if err != nil || st.HolderID == nil || *st.HolderID == lise || st.HolderName != "Lise Noël" || st.HolderEmail != "lise@exemple.org" ||
				st.HolderPhone != "819 555-0142" || !st.HolderNamePublic {
				t.Fatalf("seat of organisation %d: %+v %v", x.org, st, err)
			}
			p, _ := f.s.Person(ctx, tid, *st.HolderID)
			if p.OrganizationID != x.org || p.SameAs == nil || *p.SameAs != lise {
				t.Errorf("Lise's record for organisation %d: %+v", x.org, p)
			}
		}
		if people, _ := f.s.OrgPeople(ctx, tid, b); len(people) != 2 {
			t.Errorf("B's people %+v", people)
		}
		if p, _ := f.s.Person(ctx, tid, paul); p.OrganizationID != b || p.SameAs != nil {
			t.Errorf("Paul, in one organisation: %+v", p)
		}
		if p, _ := f.s.Person(ctx, tid, gone); p.OrganizationID != 0 || p.SameAs != nil {
			t.Errorf("Jean, without a seat: %+v", p)
		}
		r, err := f.s.Radar(ctx, tid, orgs.RadarFilter{Reach: orgs.WholeTerritory})
		if err != nil || r.Total.People != 2 || len(r.Hats) != 1 || r.Hats[0].PersonID != lise || r.Hats[0].Seats != 4 {
			t.Errorf("the radar after the migration: %+v %+v %v", r.Total, r.Hats, err)
		}
		if _, n, _ := f.s.People(ctx, tid, orgs.PeopleFilter{}); n != 3 {
			t.Errorf("%d people after the migration", n)
		}
	})
}

// TestLinksAtOnce: staff linking records of one person from several pages
// at once end with one person, every record pointing to the same first
// record — never a chain that would split them on the radar.
func TestLinksAtOnce(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		var ids []int64
		for i := range 8 {
			o := f.org(t, fmt.Sprintf("Organisme %d", i), orgs.Nonprofit)
			st := f.seat(t, o.ID, orgs.SeatInput{Role: orgs.President, NewHolder: holder("Lise Noël", "")})
			ids = append(ids, *st.HolderID)
		}
		var wg sync.WaitGroup
		errors := make(chan error, len(ids))
		for i := 1; i < len(ids); i++ {
			wg.Go(func() {
				if err := f.s.LinkPeople(ctx, tid, ids[i-1], ids[i]); err != nil {
					errors <- err
				}
			})
		}
		wg.Wait()
		close(errors)
		for err := range errors {
			t.Errorf("link: %v", err)
		}
		for _, id := range ids {
			p, err := f.s.Person(ctx, tid, id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Root() != ids[0] {
				t.Errorf("record %d belongs to %d, want %d", id, p.Root(), ids[0])
			}
		}
		r, err := f.s.Radar(ctx, tid, orgs.RadarFilter{Reach: orgs.WholeTerritory})
		if err != nil || r.Total.People != 1 || len(r.Hats) != 1 || r.Hats[0].Seats != len(ids) {
			t.Errorf("radar: %+v %+v %v", r.Total, r.Hats, err)
		}
	})
}
