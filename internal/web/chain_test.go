package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
)

// The chain from talk to action crosses capabilities: organisations of the
// directory support initiatives (and are then « réseautées »), and a
// citizen committee is born of a community or an initiative.
func TestOrganisationsInTheChain(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		tid := e.territory.ID
		e.user("anim@exemple.org", auth.RoleFacilitator)
		staff := e.client(t)
		staff.signIn("anim@exemple.org")

		newOrg := func(name string, kind orgs.Kind) orgs.Organization {
			o, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: name, Kind: kind, Public: true, PlaceSlugs: []string{"manseau"}})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		mun := newOrg("Municipalité de Manseau", orgs.MunicipalCouncil)
		club := newOrg("Club Optimiste de Manseau", orgs.Nonprofit)
		ini, err := e.community.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Cuisine collective", PlaceSlug: "manseau"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/admin/initiatives/" + id64(ini.ID)
		before, _ := e.orgs.YearIndicators(ctx, tid)

		// An unknown organisation: a clear message, nothing stored.
		r := staff.post(path+"/acteurs", url.Values{"actor_org": {"99999"}, "actor_kind": {"organization"}, "actor_supports": {"room"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Cet organisme n’existe pas")
		if as, _ := e.community.Actors(ctx, tid, ini.ID); len(as) != 0 {
			t.Fatalf("actor stored on bad input: %+v", as)
		}

		// Two organisations of the directory support it: the name comes from the directory.
		expectStatus(t, staff.post(path+"/acteurs", url.Values{"actor_org": {id64(mun.ID)}, "actor_kind": {"municipality"},
			"actor_supports": {"room"}}), http.StatusSeeOther)
		expectStatus(t, staff.post(path+"/acteurs", url.Values{"actor_org": {id64(club.ID)}, "actor_name": {"Le Club Optimiste"},
			"actor_kind": {"organization"}, "actor_supports": {"money"}, "actor_amount": {"250"}}), http.StatusSeeOther)
		as, _ := e.community.Actors(ctx, tid, ini.ID)
		if len(as) != 2 || as[0].Name != "Municipalité de Manseau" || as[0].OrganizationID == nil || *as[0].OrganizationID != mun.ID ||
			as[1].Name != "Le Club Optimiste" {
			t.Fatalf("actors %+v", as)
		}
		after, _ := e.orgs.YearIndicators(ctx, tid)
		if after.Networked != before.Networked+2 {
			t.Errorf("networked organisations: %d → %d, want +2", before.Networked, after.Networked)
		}

		// Published, the initiative names its supporters with a link, and
		// each organisation's page names the initiative.
		if err := e.community.PublishInitiative(ctx, tid, ini.ID, true); err != nil {
			t.Fatal(err)
		}
		v := e.client(t)
		expectContains(t, v.get("/initiatives/"+ini.Slug), `href="/organismes/`+mun.Slug+`"`)
		expectContains(t, v.get("/organismes/"+club.Slug), "Initiatives citoyennes qu’il appuie", "Cuisine collective")

		// An open seat and the help an initiative needs become volunteer
		// opportunities in one click: the form comes prefilled.
		seat, err := e.orgs.AddSeat(ctx, tid, club.ID, orgs.SeatInput{Title: "Trésorerie", Role: orgs.Role("treasurer"), OpenToNewcomers: true})
		if err != nil {
			t.Fatal(err)
		}
		r = staff.get("/s-impliquer/gestion/nouvelle?organisme=" + club.Slug + "&poste=" + id64(seat.ID))
		expectStatus(t, r, 200)
		expectContains(t, r, "Trésorerie — Club Optimiste de Manseau", `value="board_seat" checked`)
		expectContains(t, staff.get("/mes-organismes/"+id64(club.ID)), "/s-impliquer/gestion/nouvelle?organisme="+club.Slug+"&amp;poste="+id64(seat.ID))
		need, err := e.community.AddHelpWanted(ctx, tid, ini.ID, community.HelpInput{Title: "Deux cuisiniers le samedi", PeopleNeeded: 2})
		if err != nil {
			t.Fatal(err)
		}
		r = staff.get("/s-impliquer/gestion/nouvelle?initiative=" + id64(ini.ID) + "&besoin=" + id64(need.ID))
		expectStatus(t, r, 200)
		expectContains(t, r, `value="Deux cuisiniers le samedi"`, "Pour l’initiative citoyenne")

		// A citizen committee born of a community.
		c := e.newCommunity(t, "Entraide Manseau", false)
		r = staff.get("/admin/organismes/nouveau?communaute=" + id64(c.ID))
		expectStatus(t, r, 200)
		expectContains(t, r, "Comité citoyen — Entraide Manseau", `name="origin" value="community"`, "né de la communauté de partage")
		r = staff.post("/admin/organismes", url.Values{"name": {"Comité citoyen — Entraide Manseau"}, "kind": {"citizen_committee"},
			"places": {"fortierville"}, "origin": {"community"}, "origin_id": {"99999"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Cette communauté ou cette initiative n’existe pas")
		r = staff.post("/admin/organismes", url.Values{"name": {"Comité citoyen — Entraide Manseau"}, "kind": {"citizen_committee"},
			"places": {"fortierville"}, "origin": {"community"}, "origin_id": {id64(c.ID)}})
		expectStatus(t, r, http.StatusSeeOther)
		list, _, _ := e.orgs.List(ctx, tid, orgs.Filter{Query: "Entraide"})
		if len(list) != 1 || list[0].Origin != orgs.FromCommunity || list[0].OriginID == nil || *list[0].OriginID != c.ID {
			t.Fatalf("committee %+v", list)
		}
		expectContains(t, staff.get("/admin/organismes/nouveau?initiative="+id64(ini.ID)), "né de l’initiative", "Cuisine collective")
		if !strings.Contains(staff.get("/admin/communautes/"+id64(c.ID)).body, "/admin/organismes/nouveau?communaute=") {
			t.Error("the community's page offers no committee")
		}
	})
}
