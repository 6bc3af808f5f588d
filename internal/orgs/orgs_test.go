package orgs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/testkit"
)

type fixture struct {
	s      *orgs.Store
	t      territory.Territory
	ts     *territory.Store
	events *events.Store
	auth   *auth.Store
	clock  *app.Clock
	// community says which organisations support the same initiatives.
	community *community.Store
}

// today is the fixture's day in the territory: 15 March 2026.
var today = time.Date(2026, 3, 15, 15, 0, 0, 0, time.UTC)

// newFixture wires the application on d, its clock stopped at today.
func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	a := testkit.App(t, d, today)
	return &fixture{s: a.Orgs, t: testkit.Territory(t, a.Territories), ts: a.Territories, events: a.Events, auth: a.Auth, clock: a.Clock,
		community: a.Community}
}

func (f *fixture) org(t *testing.T, name string, kind orgs.Kind, places ...string) orgs.Organization {
	t.Helper()
	o, err := f.s.Create(context.Background(), f.t.ID, 0, orgs.Input{Name: name, Kind: kind, PlaceSlugs: places, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) seat(t *testing.T, orgID int64, in orgs.SeatInput) orgs.Seat {
	t.Helper()
	st, err := f.s.AddSeat(context.Background(), f.t.ID, orgID, in)
	if err != nil {
		t.Fatalf("seat %+v: %v", in, err)
	}
	return st
}

func holder(name, email string) *orgs.PersonInput { return &orgs.PersonInput{Name: name, Email: email} }

func (f *fixture) otherTerritory(t *testing.T) territory.Territory {
	t.Helper()
	ctx := context.Background()
	other, err := f.ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ts.ImportPlaces(ctx, other.ID, strings.NewReader("slug,name,kind\nnicolet,Nicolet,ville\n")); err != nil {
		t.Fatal(err)
	}
	return other
}

func TestOrganizations(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID

		// Bad input: every problem named, nothing written.
		_, err := f.s.Create(ctx, tid, 0, orgs.Input{Name: " ", Kind: "club", ContactEmail: "pas-un-courriel",
			Website: "http://", PlaceSlugs: []string{"paris"}, Causes: []string{"astrologie"}})
		testkit.WantFields(t, err, "name", "kind", "contact_email", "website", "places", "causes")
		_, err = f.s.Create(ctx, tid, 0, orgs.Input{Name: "— ! —", Kind: orgs.Nonprofit})
		testkit.WantFields(t, err, "name")
		if list, n, _ := f.s.List(ctx, tid, orgs.Filter{}); len(list) != 0 || n != 0 {
			t.Fatalf("bad input wrote %d organisations", n)
		}

		loisirs, err := f.s.Create(ctx, tid, 0, orgs.Input{Name: "  Comité des loisirs   de Manseau ", Kind: orgs.CitizenCommittee,
			Mission: "Animer le village : fêtes, patinoire, soccer.", Involvement: "Venez à l’assemblée générale en avril.",
			ContactEmail: "Loisirs@Manseau.exemple", Website: "loisirs-manseau.exemple", Public: true,
			PlaceSlugs: []string{"manseau", "manseau"}, Causes: []string{"sports_recreation", "youth"}})
		if err != nil {
			t.Fatal(err)
		}
		if loisirs.Name != "Comité des loisirs de Manseau" || loisirs.Slug != "comite-des-loisirs-de-manseau" ||
			loisirs.ContactEmail != "loisirs@manseau.exemple" || loisirs.Website != "https://loisirs-manseau.exemple" ||
			len(loisirs.Places) != 1 || loisirs.Places[0].Name != "Manseau" || !loisirs.Public ||
			strings.Join(loisirs.Causes, ",") != "youth,sports_recreation" {
			t.Errorf("created %+v", loisirs)
		}
		// The same name, accents and case aside, is the same organisation.
		_, err = f.s.Create(ctx, tid, 0, orgs.Input{Name: "COMITÉ DES LOISIRS DE MANSEAU", Kind: orgs.Nonprofit})
		if !errs.Is(err, errs.Conflict) {
			t.Errorf("duplicate name: %v", err)
		}
		age := f.org(t, "Club de l’âge d’or de Gentilly", orgs.Nonprofit, "becancour-gentilly")
		f.org(t, "Conseil municipal de Lemieux", orgs.MunicipalCouncil, "lemieux")
		prive, err := f.s.Create(ctx, tid, 0, orgs.Input{Name: "Fabrique Sainte-Gertrude", Kind: orgs.OtherKind})
		if err != nil {
			t.Fatal(err)
		}
		if prive.Public || len(prive.Places) != 0 {
			t.Errorf("not public by default: %+v", prive)
		}

		names := func(fl orgs.Filter) string {
			t.Helper()
			list, n, err := f.s.List(ctx, tid, fl)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range list {
				out = append(out, o.Name)
			}
			if fl.Limit == 0 && n != len(list) {
				t.Errorf("total %d for %d listed", n, len(list))
			}
			return strings.Join(out, " | ")
		}
		if got := names(orgs.Filter{}); got != "Club de l’âge d’or de Gentilly | Comité des loisirs de Manseau | Conseil municipal de Lemieux | Fabrique Sainte-Gertrude" {
			t.Errorf("all = %s", got)
		}
		if got := names(orgs.Filter{Query: "age D'OR"}); got != "Club de l’âge d’or de Gentilly" {
			t.Errorf("search = %s", got)
		}
		if got := names(orgs.Filter{Query: "patinoire"}); got != "Comité des loisirs de Manseau" {
			t.Errorf("search in the mission = %s", got)
		}
		if got := names(orgs.Filter{Query: "100%_"}); got != "" {
			t.Errorf("LIKE wildcards are not escaped: %s", got)
		}
		// A ville lists its secteurs' organisations, and a secteur its ville's.
		if got := names(orgs.Filter{PlaceSlug: "becancour"}); got != "Club de l’âge d’or de Gentilly" {
			t.Errorf("by ville = %s", got)
		}
		if got := names(orgs.Filter{Kind: orgs.MunicipalCouncil}); got != "Conseil municipal de Lemieux" {
			t.Errorf("by kind = %s", got)
		}
		if got := names(orgs.Filter{Cause: "youth"}); got != "Comité des loisirs de Manseau" {
			t.Errorf("by cause = %s", got)
		}
		if got := names(orgs.Filter{PublicOnly: true}); strings.Contains(got, "Fabrique") {
			t.Errorf("public only = %s", got)
		}
		if got := names(orgs.Filter{IDs: []int64{}}); got != "" {
			t.Errorf("no ids = %s", got)
		}
		if got := names(orgs.Filter{IDs: []int64{age.ID}}); got != "Club de l’âge d’or de Gentilly" {
			t.Errorf("ids = %s", got)
		}
		page, total, err := f.s.List(ctx, tid, orgs.Filter{Limit: 2, Offset: 2})
		if err != nil || total != 4 || len(page) != 2 || page[0].Name != "Conseil municipal de Lemieux" {
			t.Errorf("page 2: %d of %d, %v", len(page), total, err)
		}

		// Update: the address follows the name; a taken name is refused.
		up, err := f.s.Update(ctx, tid, loisirs.ID, orgs.Input{Name: "Loisirs Manseau", Kind: orgs.Nonprofit, PlaceSlugs: []string{"manseau", "lemieux"}})
		if err != nil {
			t.Fatal(err)
		}
		if up.Slug != "loisirs-manseau" || len(up.Places) != 2 || len(up.Causes) != 0 || up.Public {
			t.Errorf("updated %+v", up)
		}
		if _, err := f.s.Update(ctx, tid, loisirs.ID, orgs.Input{Name: "Conseil municipal de Lemieux", Kind: orgs.Nonprofit}); !errs.Is(err, errs.Conflict) {
			t.Errorf("rename to a taken name: %v", err)
		}
		if got, err := f.s.BySlug(ctx, tid, "loisirs-manseau"); err != nil || got.ID != loisirs.ID {
			t.Errorf("by slug: %v", err)
		}
		if _, err := f.s.Update(ctx, tid, 999999, orgs.Input{Name: "X", Kind: orgs.Nonprofit}); !errs.Is(err, errs.NotFound) {
			t.Errorf("update unknown: %v", err)
		}

		// Another territory sees none of it, and reuses the names freely.
		other := f.otherTerritory(t)
		if _, err := f.s.Get(ctx, other.ID, loisirs.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another territory reads an organisation: %v", err)
		}
		if _, err := f.s.BySlug(ctx, other.ID, "loisirs-manseau"); !errs.Is(err, errs.NotFound) {
			t.Errorf("another territory reads by slug: %v", err)
		}
		theirs, err := f.s.Create(ctx, other.ID, 0, orgs.Input{Name: "Loisirs Manseau", Kind: orgs.Nonprofit, PlaceSlugs: []string{"nicolet"}})
		if err != nil || theirs.Slug != "loisirs-manseau" {
			t.Fatalf("same name elsewhere: %+v %v", theirs, err)
		}
		if _, err := f.s.Create(ctx, other.ID, 0, orgs.Input{Name: "Chez nous", Kind: orgs.Nonprofit, PlaceSlugs: []string{"manseau"}}); err == nil {
			t.Error("another territory's place accepted")
		}
		if _, err := f.s.Update(ctx, other.ID, loisirs.ID, orgs.Input{Name: "Volé", Kind: orgs.Nonprofit}); !errs.Is(err, errs.NotFound) {
			t.Errorf("another territory updates: %v", err)
		}
		if got := names(orgs.Filter{Query: "manseau"}); got != "Loisirs Manseau" {
			t.Errorf("search leaks across territories: %s", got)
		}
		if opts, _ := f.s.Options(ctx, other.ID); len(opts) != 1 {
			t.Errorf("options of the other territory: %v", opts)
		}

		// Managers.
		u, err := f.auth.CreateUser(ctx, auth.NewUser{Email: "gestion@exemple.org"}, tid, auth.RoleOrganizationManager)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := f.s.AddManager(ctx, tid, age.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		if ids, _ := f.s.ManagedBy(ctx, tid, u.ID); len(ids) != 1 || ids[0] != age.ID {
			t.Errorf("managed by: %v", ids)
		}
		if ids, _ := f.s.ManagedBy(ctx, other.ID, u.ID); len(ids) != 0 {
			t.Errorf("managed in the other territory: %v", ids)
		}
		if ids, _ := f.s.Managers(ctx, tid, age.ID); len(ids) != 1 || ids[0] != u.ID {
			t.Errorf("managers: %v", ids)
		}
		if err := f.s.AddManager(ctx, other.ID, age.ID, u.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("manager through another territory: %v", err)
		}
		if err := f.s.RemoveManager(ctx, tid, age.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.RemoveManager(ctx, tid, age.ID, u.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("removed twice: %v", err)
		}
	})
}

func TestSeatsAndPeople(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		club := f.org(t, "Club de l’âge d’or de Fortierville", orgs.Nonprofit, "fortierville")
		comite := f.org(t, "Comité d’embellissement de Parisville", orgs.CitizenCommittee, "parisville")

		// Bad input: end before start, a bad day, an unknown person, no role.
		_, err := f.s.AddSeat(ctx, tid, club.ID, orgs.SeatInput{Role: orgs.President, TermStart: "2026-06-01", TermEnd: "2025-06-01",
			HolderSince: "hier"})
		testkit.WantFields(t, err, "term_end", "holder_since")
		_, err = f.s.AddSeat(ctx, tid, club.ID, orgs.SeatInput{Role: orgs.President, HolderID: 424242})
		testkit.WantFields(t, err, "holder")
		_, err = f.s.AddSeat(ctx, tid, club.ID, orgs.SeatInput{Role: "pape", NewHolder: &orgs.PersonInput{Name: " ", Email: "x"}})
		testkit.WantFields(t, err, "role", "title", "holder_name", "holder_email")
		if seats, _ := f.s.Seats(ctx, tid, club.ID); len(seats) != 0 {
			t.Fatalf("bad input wrote %d seats", len(seats))
		}
		if people, n, _ := f.s.People(ctx, tid, orgs.PeopleFilter{}); n != 0 {
			t.Fatalf("bad input wrote people: %v", people)
		}

		// A vacant seat takes its role's name; a holder is added by name.
		tres := f.seat(t, club.ID, orgs.SeatInput{Role: orgs.Treasurer, OpenToNewcomers: true})
		if tres.Title != "Trésorerie" || !tres.Vacant() || !tres.OpenToNewcomers {
			t.Errorf("vacant seat %+v", tres)
		}
		pres := f.seat(t, club.ID, orgs.SeatInput{Title: "Présidente", Role: orgs.President,
			NewHolder: holder("Marie  Côté", "Marie.Cote@Exemple.org"), Reach: orgs.WholeTerritory,
			HolderSince: "01/09/2019", TermStart: "2025-09-01", TermEnd: "2027-08-31"})
		if pres.Vacant() || pres.HolderName != "Marie Côté" || pres.HolderEmail != "marie.cote@exemple.org" ||
			pres.HolderSince.String() != "2019-09-01" || pres.TermEnd.String() != "2027-08-31" || pres.Since().String() != "2019-09-01" {
			t.Errorf("held seat %+v", pres)
		}
		seats, _ := f.s.Seats(ctx, tid, club.ID)
		if len(seats) != 2 || seats[0].ID != pres.ID {
			t.Errorf("officers first: %+v", seats)
		}

		// Staff typing her name again (no e-mail) on another organisation
		// recognise Marie: a record of that organisation, linked to hers.
		sec := f.seat(t, comite.ID, orgs.SeatInput{Role: orgs.Secretary, NewHolder: holder("marie cote", ""), Reach: orgs.WholeTerritory})
		secP, _ := f.s.Person(ctx, tid, *sec.HolderID)
		if *sec.HolderID == *pres.HolderID || secP.SameAs == nil || *secP.SameAs != *pres.HolderID || secP.OrganizationID != comite.ID ||
			sec.HolderName != "marie cote" || sec.HolderEmail != "" {
			t.Errorf("by name: %+v %+v", sec, secP)
		}
		// A manager typing her e-mail makes a record of their own, as typed,
		// linked to nobody: an address reaches no one else's record.
		adm := f.seat(t, comite.ID, orgs.SeatInput{Role: orgs.Director, NewHolder: holder("M. Côté", "marie.cote@exemple.org")})
		admP, _ := f.s.Person(ctx, tid, *adm.HolderID)
		if *adm.HolderID == *pres.HolderID || *adm.HolderID == *sec.HolderID || adm.HolderName != "M. Côté" || admP.SameAs != nil {
			t.Errorf("by e-mail: %+v %+v", adm, admP)
		}
		// Nor does a name alone.
		other := f.seat(t, comite.ID, orgs.SeatInput{Role: orgs.Member, NewHolder: holder("Marie Côté", "")})
		if otherP, _ := f.s.Person(ctx, tid, *other.HolderID); *other.HolderID == *pres.HolderID || *other.HolderID == *sec.HolderID || otherP.SameAs != nil {
			t.Error("a manager's name-only entry was matched to an existing person")
		}
		// Two people of the same name with different addresses stay two.
		paul1 := f.seat(t, comite.ID, orgs.SeatInput{Role: orgs.Member, NewHolder: holder("Paul Roy", "paul1@exemple.org")})
		paul2 := f.seat(t, club.ID, orgs.SeatInput{Role: orgs.Member, NewHolder: holder("Paul Roy", "paul2@exemple.org"), Reach: orgs.WholeTerritory})
		if p2, _ := f.s.Person(ctx, tid, *paul2.HolderID); *paul1.HolderID == *paul2.HolderID || p2.SameAs != nil {
			t.Error("two addresses merged")
		}
		// A seat form picks among the organisation's people only.
		_, err = f.s.UpdateSeat(ctx, tid, club.ID, tres.ID, orgs.SeatInput{Role: orgs.Treasurer, HolderID: *paul1.HolderID})
		testkit.WantFields(t, err, "holder")
		up, err := f.s.UpdateSeat(ctx, tid, club.ID, tres.ID, orgs.SeatInput{Role: orgs.Treasurer, HolderID: *pres.HolderID,
			TermEnd: "2026-06-30", SuccessorIdentified: true})
		if err != nil {
			t.Fatal(err)
		}
		if up.Vacant() || !up.SuccessorIdentified || up.OpenToNewcomers || up.Title != "Trésorerie" {
			t.Errorf("updated %+v", up)
		}
		// The club's people are its own records, with their seats there only.
		people, _ := f.s.OrgPeople(ctx, tid, club.ID)
		if len(people) != 2 || people[0].Name != "Marie Côté" || people[0].Seats != 2 || people[0].OrganizationID != club.ID {
			t.Errorf("club people %+v", people)
		}

		// A person's seats across organisations (staff): every linked record's.
		mine, err := f.s.SeatsOf(ctx, tid, *pres.HolderID)
		if err != nil || len(mine) != 3 || mine[0].Org.Name != "Club de l’âge d’or de Fortierville" {
			t.Fatalf("seats of Marie: %+v %v", mine, err)
		}
		if fromSec, _ := f.s.SeatsOf(ctx, tid, *sec.HolderID); len(fromSec) != 3 {
			t.Errorf("seats of Marie from her other record: %d", len(fromSec))
		}
		// The registry lists people: Marie (two records), and the two records
		// a manager made, until staff say whose they are.
		list, n, _ := f.s.People(ctx, tid, orgs.PeopleFilter{Query: "cote"})
		if n != 3 || len(list) != 3 {
			t.Fatalf("search people: %+v", list)
		}
		for _, p := range list {
			if p.ID == *pres.HolderID && (p.Records != 2 || p.Seats != 3 || len(p.Orgs) != 2) {
				t.Errorf("Marie in the registry: %+v", p)
			}
		}
		if _, n, _ := f.s.People(ctx, tid, orgs.PeopleFilter{Query: "paul2@"}); n != 1 {
			t.Errorf("search by e-mail: %d", n)
		}
		p, err := f.s.UpdatePerson(ctx, tid, *pres.HolderID, orgs.PersonInput{Name: "Marie Côté-Roy", Email: "marie.cote@exemple.org",
			Phone: "819 555-0199", NamePublic: true})
		if err != nil || !p.NamePublic || p.Phone != "819 555-0199" {
			t.Errorf("update person %+v %v", p, err)
		}
		_, err = f.s.UpdatePerson(ctx, tid, *pres.HolderID, orgs.PersonInput{Name: "", Email: "@"})
		testkit.WantFields(t, err, "name", "email")

		// Deleting a seat keeps the person; another territory reaches nothing.
		if err := f.s.DeleteSeat(ctx, tid, club.ID, tres.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.DeleteSeat(ctx, tid, club.ID, tres.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("deleted twice: %v", err)
		}
		if err := f.s.DeleteSeat(ctx, tid, comite.ID, pres.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("deleted through another organisation: %v", err)
		}
		terr := f.otherTerritory(t)
		if _, err := f.s.Person(ctx, terr.ID, *pres.HolderID); !errs.Is(err, errs.NotFound) {
			t.Errorf("person across territories: %v", err)
		}
		if _, err := f.s.SeatsOf(ctx, terr.ID, *pres.HolderID); !errs.Is(err, errs.NotFound) {
			t.Errorf("seats across territories: %v", err)
		}
		if _, err := f.s.AddSeat(ctx, terr.ID, club.ID, orgs.SeatInput{Role: orgs.Member}); !errs.Is(err, errs.NotFound) {
			t.Errorf("seat through another territory: %v", err)
		}
		if _, err := f.s.UpdateSeat(ctx, terr.ID, club.ID, pres.ID, orgs.SeatInput{Role: orgs.Member}); !errs.Is(err, errs.NotFound) {
			t.Errorf("update through another territory: %v", err)
		}
		if _, n, _ := f.s.People(ctx, terr.ID, orgs.PeopleFilter{}); n != 0 {
			t.Errorf("the other territory lists %d people", n)
		}
		if err := f.s.LinkAccount(ctx, terr.ID, *pres.HolderID, 0); !errs.Is(err, errs.NotFound) {
			t.Errorf("link across territories: %v", err)
		}
	})
}
