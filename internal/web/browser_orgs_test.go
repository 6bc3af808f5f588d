package web_test

import (
	"context"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
)

// TestBrowserJourneyReleve: an organisation manager, on a phone, records
// that the president's term ends in six weeks with nobody ready (after a
// refused date), adds an empty treasurer's seat, and a secretary whose
// e-mail staff know from two other organisations — seeing only what they
// typed; the radar shows the organisation at risk and says why, nothing of
// the secretary's other seats; a facilitator, at the office, finds it on the
// radar and logs the accompaniment given, with a follow-up, then finds the
// secretary's two records, compares them and links them — every page
// checked with axe.
func TestBrowserJourneyReleve(t *testing.T) {
	phone := browsertest.New(t)
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.orgClock() // 15 March 2026
	ctx := context.Background()
	tid := e.territory.ID
	base := e.srv.URL
	mgr := e.user("gestion@exemple.org", auth.RoleOrganizationManager)
	e.user("anim@exemple.org", auth.RoleFacilitator)
	club, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Club de l’âge d’or de Fortierville", Kind: orgs.Nonprofit,
		Mission: "Des activités pour les 50 ans et plus.", PlaceSlugs: []string{"fortierville"}, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	pres, err := e.orgs.AddSeat(ctx, tid, club.ID, orgs.SeatInput{Role: orgs.President, Title: "Présidente",
		NewHolder: &orgs.PersonInput{Name: "Monique Rivard"}, HolderSince: "2022-04-10", TermStart: "2024-04-10", TermEnd: "2028-04-10"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.orgs.AddManager(ctx, tid, club.ID, mgr.ID); err != nil {
		t.Fatal(err)
	}
	orgURL := "/mes-organismes/" + itoa(club.ID)
	// Staff know Lise from two other organisations: three seats.
	lise := &orgs.PersonInput{Name: "Lise Noël", Email: "lise@exemple.org", Phone: "819 555-0100"}
	var liseID int64
	for _, o := range []struct {
		name  string
		roles []orgs.Role
	}{{"Comité culturel de Gentilly", []orgs.Role{orgs.President, orgs.Treasurer}}, {"Conseil municipal de Lemieux", []orgs.Role{orgs.Councillor}}} {
		other, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: o.name, Kind: orgs.CitizenCommittee})
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range o.roles {
			st, err := e.orgs.AddSeat(ctx, tid, other.ID, orgs.SeatInput{Role: role, NewHolder: lise, Reach: orgs.WholeTerritory, TermEnd: "2029-06-30"})
			if err != nil {
				t.Fatal(err)
			}
			if liseID == 0 {
				liseID = *st.HolderID
			}
		}
	}

	// The manager, on a phone: all is well for now.
	staffSignIn(t, phone, e, "gestion@exemple.org")
	browsertest.Visit(t, phone, base+"/", "accueil du responsable")
	openMenu(t, phone)
	if st := browsertest.ClickAndWaitLoad(t, phone, `header a[href="/mes-organismes"]`); st != 200 {
		t.Fatalf("my organisations: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "mes organismes")
	shot(t, phone, "releve-01-mes-organismes")
	if st := browsertest.ClickAndWaitLoad(t, phone, `a[href="`+orgURL+`"]`); st != 200 {
		t.Fatalf("my organisation: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "mon organisme")
	if got := browsertest.Text(t, phone, "section.org-risk"); !strings.Contains(got, "Risque faible") {
		t.Errorf("radar before = %q", got)
	}
	shot(t, phone, "releve-02-mon-organisme")

	// The president leaves in six weeks: the end typed before the start first.
	if st := browsertest.ClickAndWaitLoad(t, phone, `a[href="`+orgURL+`/postes/`+itoa(pres.ID)+`"]`); st != 200 {
		t.Fatalf("seat form: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "modifier un poste")
	browsertest.SetValue(t, phone, "#term_end", "2023-04-30")
	if st := browsertest.Submit(t, phone, "#term_end"); st != 422 {
		t.Fatalf("end before start: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "poste avec erreur")
	if msg := browsertest.Text(t, phone, "#term_end-err"); msg != "La fin du mandat ne peut pas précéder son début." {
		t.Errorf("error = %q", msg)
	}
	shot(t, phone, "releve-03-erreur-de-date")
	browsertest.SetValue(t, phone, "#term_end", "2026-04-30")
	if st := browsertest.Submit(t, phone, "#term_end"); st != 200 {
		t.Fatalf("seat saved: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "poste enregistré")
	if got := browsertest.Text(t, phone, ".flash"); got != "Le poste est enregistré." {
		t.Errorf("flash = %q", got)
	}

	// And the treasurer's seat is empty, open to newcomers.
	browsertest.SetValue(t, phone, "#role", "treasurer")
	browsertest.Click(t, phone, `input[name="open"]`)
	if st := browsertest.Submit(t, phone, "#role"); st != 200 {
		t.Fatalf("seat added: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "poste ajouté")
	radar := browsertest.Text(t, phone, "section.org-risk")
	for _, want := range []string{"Risque élevé", "Poste de direction vacant : Trésorerie.",
		"Le mandat de « Présidente » finit le 30 avril 2026 (d’ici 3 mois) et personne n’est identifié pour la relève."} {
		if !strings.Contains(strings.ReplaceAll(radar, "\u00a0", " "), want) {
			t.Errorf("radar lacks %q: %q", want, radar)
		}
	}
	shot(t, phone, "releve-04-radar-du-responsable")

	// A secretary, typed with Lise's e-mail: the club's own record, as typed.
	browsertest.SetValue(t, phone, "#role", "secretary")
	browsertest.Click(t, phone, `input[name="holder"][value="new"]`)
	browsertest.SetValue(t, phone, "#holder_name", "Lise N.")
	browsertest.SetValue(t, phone, "#holder_email", "lise@exemple.org")
	browsertest.SetValue(t, phone, "#holder_phone", "819 555-0142")
	browsertest.SetValue(t, phone, "#term_end", "2027-04-30")
	if st := browsertest.Submit(t, phone, "#role"); st != 200 {
		t.Fatalf("secretary added: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "secrétaire ajoutée")
	seats := browsertest.Text(t, phone, "table.org-seat-table")
	if !strings.Contains(seats, "Lise N.") || !strings.Contains(seats, "819 555-0142") || strings.Contains(seats, "Lise Noël") ||
		strings.Contains(seats, "819 555-0100") {
		t.Errorf("seats = %q", seats)
	}
	if radar := browsertest.Text(t, phone, "section.org-risk"); strings.Contains(radar, "postes") && strings.Contains(radar, "territoire") {
		t.Errorf("the manager's radar speaks of seats elsewhere: %q", radar)
	}
	shot(t, phone, "releve-04b-secretaire-saisie")

	// The public page lists the open seat, without the president's name.
	browsertest.Visit(t, phone, base+"/organismes/"+club.Slug, "page publique de l’organisme")
	if got := browsertest.Text(t, phone, "#postes + p + ul"); !strings.Contains(got, "Ouvert à la relève") || strings.Contains(got, "Monique") {
		t.Errorf("public seats = %q", got)
	}
	shot(t, phone, "releve-05-page-publique")

	// The facilitator, at the office: the radar points at the club.
	desk := browsertest.New(t, browsertest.Desktop())
	staffSignIn(t, desk, e, "anim@exemple.org")
	browsertest.Visit(t, desk, base+"/admin", "espace équipe")
	if st := browsertest.ClickAndWaitLoad(t, desk, `main a[href="/admin/releve"]`); st != 200 {
		t.Fatalf("radar: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "radar de la relève")
	atRisk := browsertest.Text(t, desk, ".org-risks")
	if !strings.Contains(atRisk, "Club de l’âge d’or de Fortierville") || !strings.Contains(atRisk, "Risque élevé") {
		t.Errorf("at risk = %q", atRisk)
	}
	if n := browsertest.Text(t, desk, "#radar-vacant"); n != "1" {
		t.Errorf("vacant seats = %q", n)
	}
	shot(t, desk, "releve-06-radar")
	if st := browsertest.ClickAndWaitLoad(t, desk, `.org-risks a[href="/admin/organismes/`+itoa(club.ID)+`"]`); st != 200 {
		t.Fatalf("organisation: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "organisme, côté équipe")
	shot(t, desk, "releve-07-organisme-equipe")
	if st := browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/accompagnement?organisme=`+itoa(club.ID)+`#noter"]`); st != 200 {
		t.Fatalf("accompaniment: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "journal d’accompagnement")

	// Logged without a topic first, then with one and a follow-up already due.
	if st := browsertest.Submit(t, desk, "#topic"); st != 422 {
		t.Fatalf("without a topic: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "accompagnement avec erreur")
	if msg := browsertest.Text(t, desk, "#topic-err"); msg != "Ce champ est obligatoire." {
		t.Errorf("topic error = %q", msg)
	}
	browsertest.SetValue(t, desk, "#topic", "Trouver une relève à la présidence et à la trésorerie")
	browsertest.SetValue(t, desk, "#people", "La présidente et le responsable du club")
	browsertest.SetValue(t, desk, "#next_step", "Présenter les postes ouverts au dîner du mois")
	browsertest.SetValue(t, desk, "#follow_up_on", "2026-03-15")
	if st := browsertest.Submit(t, desk, "#topic"); st != 200 {
		t.Fatalf("accompaniment logged: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "accompagnement noté")
	if got := browsertest.Text(t, desk, ".flash"); got != "L’accompagnement est noté au journal." {
		t.Errorf("flash = %q", got)
	}
	due := browsertest.Text(t, desk, "#a-faire + ul")
	if !strings.Contains(due, "Club de l’âge d’or de Fortierville") || !strings.Contains(due, "Présenter les postes ouverts") {
		t.Errorf("to do = %q", due)
	}
	shot(t, desk, "releve-08-accompagnement")
	if st := browsertest.Submit(t, desk, `#a-faire + ul button`); st != 200 {
		t.Fatalf("follow-up done: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "suivi fait")
	if got := browsertest.Text(t, desk, "#a-faire + p"); got != "Aucun suivi n’est dû." {
		t.Errorf("to do after = %q", got)
	}
	ind, err := e.orgs.YearIndicators(ctx, tid)
	if err != nil || ind.Accompanied != 1 {
		t.Errorf("accompanied this year: %+v %v", ind, err)
	}

	// The people: the club's record may be Lise's. Compared, then linked.
	browsertest.Visit(t, desk, base+"/admin/personnes", "personnes en poste")
	browsertest.CheckAccessibility(t, desk, "personnes en poste")
	if got := browsertest.Text(t, desk, "#a-verifier + p + ul"); !strings.Contains(got, "Lise Noël") || !strings.Contains(got, "Lise N.") ||
		!strings.Contains(got, "même courriel") {
		t.Errorf("possible matches = %q", got)
	}
	shot(t, desk, "releve-10-personnes")
	if st := browsertest.ClickAndWaitLoad(t, desk, `#a-verifier + p + ul a`); st != 200 {
		t.Fatalf("comparison: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "relier deux fiches")
	shot(t, desk, "releve-11-comparer")
	if st := browsertest.Submit(t, desk, `#confirmer + p + form button`); st != 200 {
		t.Fatalf("linked: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "fiches reliées")
	if got := browsertest.Text(t, desk, ".flash"); !strings.HasPrefix(got, "Les fiches sont reliées") {
		t.Errorf("flash = %q", got)
	}
	if got := browsertest.Text(t, desk, "#sieges + div"); !strings.Contains(got, "Club de l’âge d’or de Fortierville") || !strings.Contains(got, "Conseil municipal de Lemieux") {
		t.Errorf("Lise's seats = %q", got)
	}
	shot(t, desk, "releve-12-fiches-reliees")
	browsertest.Visit(t, desk, base+"/admin/releve", "radar après le lien")
	if got := browsertest.Text(t, desk, "#chapeaux + p + div"); !strings.Contains(got, "Lise Noël") || !strings.Contains(got, "4") {
		t.Errorf("hats = %q", got)
	}
	r, err := e.orgs.Radar(ctx, tid, orgs.RadarFilter{Reach: orgs.WholeTerritory})
	if err != nil || len(r.Hats) != 1 || r.Hats[0].PersonID != liseID || r.Hats[0].Seats != 4 {
		t.Errorf("hats after linking: %+v %v", r.Hats, err)
	}

	// On a phone, the radar still fits.
	staffSignIn(t, phone, e, "anim@exemple.org")
	browsertest.Visit(t, phone, base+"/admin/releve", "radar, téléphone")
	shot(t, phone, "releve-09-radar-telephone")
	browsertest.Visit(t, phone, base+"/admin/personnes/"+itoa(liseID), "fiche reliée, téléphone")
	browsertest.CheckAccessibility(t, phone, "fiche reliée, téléphone")
	shot(t, phone, "releve-13-fiche-telephone")
}
