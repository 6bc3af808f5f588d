package web_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/volunteering"
)

// notPages are the GET routes of routes.go that the pass over every page
// does not visit, each with the reason: they answer no HTML page.
var notPages = map[string]string{
	"GET /healthz":       "operations: plain text for the load balancer",
	"GET /readyz":        "operations: plain text for the load balancer",
	"GET /static/":       "files: stylesheet, icons",
	"GET /theme.css":     "file: the territory's colours",
	"GET /robots.txt":    "file: for robots",
	"GET /langue/{lang}": "redirect: the language toggle goes back to the page it came from",

	"GET /evenements/{slug}/calendrier.ics":                                "file: iCalendar",
	"GET /evenements/{slug}/partage.png":                                   "file: share card image",
	"GET /inscription/{token}/calendrier.ics":                              "file: iCalendar",
	"GET /formations/mes-formations/{token}/attestation/{enrolment}":       "file: a learner's certificate (PDF)",
	"GET /admin/formations/cohortes/{id}/inscriptions/{e}/attestation.pdf": "file: a learner's certificate (PDF)",
	"GET /admin/formations/cohortes/{id}/presences.csv":                    "file: the attendance grid (CSV)",
	"GET /admin/formations/organismes.csv":                                 "file: the organisations and municipalities trained (CSV)",
	"GET /admin/formations/cohortes/{id}/presences.xlsx":                   "file: the attendance grid (spreadsheet)",
	"GET /admin/formations/cohortes/{id}/attestations.pdf":                 "file: a cohort's certificates (PDF)",
	"GET /communautes/{slug}/ressources/{id}":                              "file: a shared resource",
	"GET /admin/evenements/{id}/inscriptions.csv":                          "file: CSV export",
	"GET /admin/evenements/{id}/inscriptions.xlsx":                         "file: XLSX export",
	"GET /admin/evenements/{id}/feuille-de-presence.pdf":                   "file: PDF",
	"GET /admin/evenements/{id}/cocardes.pdf":                              "file: PDF",
	"GET /admin/organismes/{id}/politiques/{policy}/document":              "file: an adopted policy",
	"GET /mes-organismes/{id}/politiques/{policy}/document":                "file: an adopted policy",
	"GET /admin/organismes/modele.csv":                                     "file: CSV model",
	"GET /admin/importer-organismes/{id}/lignes-a-corriger.csv":            "file: CSV of the rows to fix",
	"GET /s-impliquer/jebenevole":                                          "redirect: counted link to jebénévole.ca",
	"GET /s-impliquer/offres/{slug}/jebenevole":                            "redirect: counted link to jebénévole.ca",
	"GET /s-impliquer/attestation.pdf":                                     "file: PDF",
	"GET /s-impliquer/attestation-scolaire.pdf":                            "file: PDF",
	"GET /l/{code}":                              "redirect: tracked link to an outside page",
	"GET /api/v1/places":                         "API: JSON",
	"GET /api/v1/openapi.json":                   "API: JSON",
	"GET /api/v1/events":                         "API: JSON",
	"GET /api/v1/events.ics":                     "API: iCalendar",
	"GET /api/v1/places/{slug}/events.ics":       "API: iCalendar",
	"GET /api/v1/opportunities":                  "API: JSON",
	"GET /sondages/{id}/questionnaire.pdf":       "file: PDF",
	"GET /sondages/{id}/affiche.pdf":             "file: PDF",
	"GET /admin/sondages/{id}/questionnaire.pdf": "file: PDF",
	"GET /admin/vagues/{id}/export.csv":          "file: CSV export",
	"GET /admin/vagues/{id}/export.xlsx":         "file: XLSX export",
	"GET /portrait.pdf":                          "file: PDF",
	"GET /admin/portrait.pdf":                    "file: PDF",

	"GET /admin/financement/{id}/documents/{doc}": "file: a document of a funding application",
	"GET /partenaires/comite/documents/{id}":      "file: a document of the partners' committee",

	"GET /admin/communications/calendrier/elements/{id}/image": "file: a calendar item's picture",
	"GET /communications/flux/{token}/calendrier.ics":          "file: the team's iCalendar feed",
	"GET /admin/communications/recits/{id}/image":              "file: a story's picture",
	"GET /recits/{slug}/image":                                 "file: a story's picture",
	"GET /recits/{slug}/carte.png":                             "file: share card image",
	"GET /admin/communications/affiches/pdf":                   "file: a poster or flyers (PDF)",
	"GET /initiatives/{slug}/partage/image.png":                "file: share card image",
	"GET /idees/{id}/partage.png":                              "file: share card image",
	"GET /s-impliquer/offres/{slug}/partage.png":               "file: share card image",

	"GET /admin/rapports/{id}/rapport.pdf":  "file: PDF",
	"GET /admin/rapports/{id}/rapport.xlsx": "file: XLSX export",

	"GET /admin/confidentialite/inventaire.csv": "file: the inventory of personal information (CSV)",
	"GET /mes-donnees/{token}/donnees.zip":      "file: a person's data (zip)",
}

// getRoutes reads the GET patterns of routes.go: the literal ones, and
// those built in a loop over a list of roots.
func getRoutes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	// vars holds the values of the loop variables met on the way down.
	var routes []string
	var walk func(n ast.Node, vars map[string][]string)
	eval := func(e ast.Expr, vars map[string][]string) []string {
		var ev func(e ast.Expr) []string
		ev = func(e ast.Expr) []string {
			switch x := e.(type) {
			case *ast.BasicLit:
				if x.Kind == token.STRING {
					s, err := strconv.Unquote(x.Value)
					if err == nil {
						return []string{s}
					}
				}
			case *ast.Ident:
				return vars[x.Name]
			case *ast.BinaryExpr:
				if x.Op == token.ADD {
					var out []string
					for _, l := range ev(x.X) {
						for _, r := range ev(x.Y) {
							out = append(out, l+r)
						}
					}
					return out
				}
			}
			return nil
		}
		return ev(e)
	}
	walk = func(n ast.Node, vars map[string][]string) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.RangeStmt:
				lit, ok := x.X.(*ast.CompositeLit)
				id, okID := x.Value.(*ast.Ident)
				if !ok || !okID {
					return true
				}
				inner := map[string][]string{}
				for k, v := range vars {
					inner[k] = v
				}
				for _, el := range lit.Elts {
					inner[id.Name] = append(inner[id.Name], eval(el, vars)...)
				}
				walk(x.Body, inner)
				return false
			case *ast.CallExpr:
				sel, ok := x.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") || len(x.Args) == 0 {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "mux" {
					return true
				}
				for _, p := range eval(x.Args[0], vars) {
					if strings.HasPrefix(p, "GET ") {
						routes = append(routes, p)
					}
				}
			}
			return true
		})
	}
	walk(f, nil)
	if len(routes) < 50 {
		t.Fatalf("read only %d GET routes in routes.go: %q", len(routes), routes)
	}
	return routes
}

// TestNotPagesAreRoutes: every route that the pass over every page leaves
// out is a GET route of routes.go, so that the list stays true.
func TestNotPagesAreRoutes(t *testing.T) {
	routes := getRoutes(t)
	for p := range notPages {
		if !slices.Contains(routes, p) {
			t.Errorf("notPages lists %q, which routes.go does not have", p)
		}
	}
	for _, want := range []string{"GET /admin/organismes/{id}/postes/{seat}", "GET /mes-organismes/{id}/postes/{seat}", "GET /{$}"} {
		if !slices.Contains(routes, want) {
			t.Errorf("getRoutes misses %q", want)
		}
	}
}

// page is one page of the pass.
type page struct {
	// as is who looks at it: "" (nobody signed in), or a key of the
	// sessions of everyPageWorld.
	as   string
	path string
	// status is the expected HTTP status (0: 200).
	status int
}

// everyPageWorld is Implique with the demo data, and the pages to visit.
type everyPageWorld struct {
	e        *env
	sessions map[string]string
	pages    []page
}

// sessionCookie is the name of Implique's session cookie.
const sessionCookie = "implique_session"

// seedDemo fills the test database with the demo, as `implique seed --demo`
// does.
func seedDemo(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	seeded, err := demo.Seed(ctx, e.app)
	if err != nil || !seeded.People {
		t.Fatalf("demo: %+v %v", seeded, err)
	}
}

// session signs email in without a browser, and returns the session token.
func (e *env) session(t *testing.T, email string) string {
	t.Helper()
	ctx := context.Background()
	u, err := e.auth.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.auth.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// as is a client that carries the session token.
func (e *env) as(t *testing.T, tok string) *client {
	c := e.client(t)
	u, _ := url.Parse(e.srv.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: tok, Path: "/"}})
	return c
}

// firstMatch GETs path and returns the first submatch of re in the page.
func firstMatch(t *testing.T, c *client, path, re string) string {
	t.Helper()
	r := c.get(path)
	expectStatus(t, r, 200)
	m := regexp.MustCompile(re).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("%s: nothing matches %s", path, re)
	}
	return m[1]
}

// newEveryPageWorld starts Implique with the demo data, makes the private
// links that people receive by e-mail, and lists every page of the pass
// with the ids of real records.
func newEveryPageWorld(t *testing.T) *everyPageWorld {
	t.Helper()
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	seedDemo(t, e)
	e.setPublicFormsPerHour(1000)
	ctx := context.Background()
	tid := e.territory.ID
	w := &everyPageWorld{e: e, sessions: map[string]string{
		"admin":   e.session(t, demo.AdminEmail),
		"manager": e.session(t, demo.DemoManagerEmail),
		"citizen": e.session(t, "nicole.lemay@demo.implique.test"),
		"partner": e.session(t, "louise.provencher@demo.implique.test"),
	}}
	admin := e.as(t, w.sessions["admin"])
	manager := e.as(t, w.sessions["manager"])
	citizen := e.as(t, w.sessions["citizen"])
	partner := e.as(t, w.sessions["partner"])
	anon := e.client(t)

	// Public records, as a visitor finds them.
	event := firstMatch(t, anon, "/soupers", `href="/evenements/([a-z0-9-]+)"`)
	idea := firstMatch(t, anon, "/idees", `href="/idees/([0-9]+)"`)
	community := firstMatch(t, anon, "/communautes", `href="/communautes/([a-z0-9-]+)"`)
	initiative := firstMatch(t, anon, "/initiatives", `href="/initiatives/([a-z0-9-]+)"`)
	org := firstMatch(t, anon, "/organismes", `href="/organismes/([a-z0-9-]+)"`)
	opportunity := firstMatch(t, anon, "/s-impliquer", `href="/s-impliquer/offres/([a-z0-9-]+)"`)

	// The private links that e-mails carry.
	r := anon.post("/evenements/"+event+"/inscription", url.Values{"name": {"Gisèle Pépin"}, "email": {"gisele@exemple.org"}, "party_size": {"2"},
		"ride": {"needs"}, "from_place": {"manseau"}, "dietary": {"Sans lactose"}})
	expectStatus(t, r, http.StatusSeeOther)
	registration := r.Header.Get("Location")
	_, held := e.heldSouper(t, guest{"Lise Bergeron", "lise@exemple.org", "", true}, guest{"Yvon Houle", "yvon@exemple.org", "", true})
	heldEvent := held[0].reg.EventID
	expectStatus(t, anon.post("/idees/"+idea+"/appui", url.Values{"name": {"Réjean"}, "email": {"appui@exemple.org"}, "offer": {"Mon camion"}}), http.StatusSeeOther)
	support := e.outboxLink(t, "appui@exemple.org", supportRe)
	expectStatus(t, anon.post("/initiatives/"+initiative, url.Values{"name": {"Francine"}, "email": {"francine@exemple.org"}}), http.StatusSeeOther)
	participation := e.participationLink(t, "francine@exemple.org")
	expectStatus(t, anon.post("/s-impliquer/offres/"+opportunity+"/interet", url.Values{"name": {"Lise Hamel"}, "email": {"hamel@exemple.org"},
		"message": {"Libre le mardi"}}), http.StatusSeeOther)
	confirm := e.outboxLink(t, "hamel@exemple.org", confirmLinkRe)
	communityID := firstMatch(t, admin, "/admin/communautes", `href="/admin/communautes/([0-9]+)"`)
	expectStatus(t, admin.post("/admin/communautes/"+communityID+"/invitations", url.Values{"emails": {"Denis Roy <denis@exemple.org>"}}), http.StatusSeeOther)
	join := e.joinLink(t, "denis@exemple.org")
	reader := e.user("lectrice@exemple.org", auth.RoleCitizen)
	if _, err := e.vol.SaveProfile(ctx, tid, reader.ID, volunteering.ProfileInput{PlaceSlug: "fortierville", Causes: []string{"food", "seniors"},
		Skills: []string{"cooking"}, Availability: volunteering.Slot(time.Tuesday, volunteering.Morning), Digest: true}); err != nil {
		t.Fatal(err)
	}
	// The digest tells of opportunities posted this week: post one.
	loisirs, _, err := e.orgs.List(ctx, tid, orgs.Filter{Query: "Comité des loisirs de Manseau"})
	if err != nil || len(loisirs) != 1 {
		t.Fatalf("the demo's Comité des loisirs de Manseau: %v %v", loisirs, err)
	}
	if _, err := e.vol.CreateOpportunity(ctx, tid, 0, volunteering.Input{OrganizationID: loisirs[0].ID, Title: "Cuisine collective du mardi",
		Kind: volunteering.Task, Schedule: volunteering.Flexible, PlaceSlug: "fortierville", Causes: []string{"food"},
		Skills: []string{"cooking"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.vol.SendDigests(ctx); err != nil {
		t.Fatal(err)
	}
	unsubscribe := e.outboxLinkAny(t, regexp.MustCompile(`/s-impliquer/desabonnement/[0-9]+\.[A-Za-z0-9_-]+`))
	nicole, err := e.auth.UserByEmail(ctx, "nicole.lemay@demo.implique.test")
	if err != nil {
		t.Fatal(err)
	}
	signin, err := e.auth.IssueToken(ctx, nicole.ID, auth.PurposeLogin, auth.MagicLinkTTL)
	if err != nil {
		t.Fatal(err)
	}
	memberOf := firstMatch(t, citizen, "/communautes", `href="/communautes/([a-z0-9-]+)"`)

	// The organisation that the demo manager keeps, with a seat, a policy
	// and its manager.
	found, _, err := e.orgs.List(ctx, tid, orgs.Filter{Query: "Comité des loisirs de Manseau"})
	if err != nil || len(found) != 1 {
		t.Fatalf("the demo manager's organisation: %v %v", found, err)
	}
	myOrgID := found[0].ID
	myOrg := strconv.FormatInt(myOrgID, 10)
	if _, err := e.orgs.RecordPolicy(ctx, tid, myOrgID, orgs.PolicyInput{Kind: orgs.ParticipationPolicy, AdoptedOn: "2025-06-01"}); err != nil {
		t.Fatal(err)
	}
	seat := firstMatch(t, manager, "/mes-organismes/"+myOrg, `href="/mes-organismes/`+myOrg+`/postes/([0-9]+)"`)
	policy := firstMatch(t, manager, "/mes-organismes/"+myOrg, `/mes-organismes/`+myOrg+`/politiques/([0-9]+)/retirer`)
	managerID := firstMatch(t, admin, "/admin/organismes/"+myOrg, `/admin/organismes/`+myOrg+`/responsables/([0-9]+)/retirer`)
	opp := firstMatch(t, manager, "/s-impliquer/gestion", `href="/s-impliquer/gestion/offres/([0-9]+)"`)

	// Staff records.
	adminEvent := firstMatch(t, admin, "/admin/evenements", `href="/admin/evenements/([0-9]+)"`)
	user := firstMatch(t, admin, "/admin/utilisateurs", `href="/admin/utilisateurs/([0-9]+)"`)
	mail := firstMatch(t, admin, "/admin/courriels", `href="/admin/courriels/([0-9]+)"`)
	adminIdea := firstMatch(t, admin, "/admin/idees", `href="/admin/idees/([0-9]+)"`)
	adminInitiative := firstMatch(t, admin, "/admin/initiatives", `href="/admin/initiatives/([0-9]+)"`)
	actor := firstMatch(t, admin, "/admin/initiatives/"+adminInitiative, `href="/admin/initiatives/`+adminInitiative+`/acteurs/([0-9]+)"`)
	person := firstMatch(t, admin, "/admin/personnes", `href="/admin/personnes/([0-9]+)"`)
	// Two records of people, for the page where staff link them as one.
	other := ""
	for _, m := range regexp.MustCompile(`href="/admin/personnes/([0-9]+)"`).FindAllStringSubmatch(admin.get("/admin/personnes").body, -1) {
		if m[1] != person {
			other = m[1]
			break
		}
	}
	if other == "" {
		t.Fatal("/admin/personnes lists a single person")
	}
	// Surveys: the demo's open wave, a private link, a questionnaire and its question.
	openWave := firstMatch(t, anon, "/sondages", `href="/sondages/([0-9]+)"`)
	questionnaire := firstMatch(t, admin, "/admin/sondages", `href="/admin/sondages/([0-9]+)"`)
	question := firstMatch(t, admin, "/admin/sondages/"+questionnaire, `href="/admin/sondages/`+questionnaire+`/questions/([a-z0-9_]+)"`)
	waveOf := firstMatch(t, admin, "/admin/sondages/"+questionnaire, `href="/admin/vagues/([0-9]+)"`)
	expectStatus(t, admin.post("/admin/vagues/"+openWave+"/liens", url.Values{"label": {"Comité des loisirs"}}), http.StatusSeeOther)
	surveyLink := firstMatch(t, admin, "/admin/vagues/"+openWave, `(/questionnaire/[A-Za-z0-9_-]+)`)

	// Funding: the demo's application with a report owed.
	fundingApp := firstMatch(t, admin, "/admin/financement", `href="/admin/financement/([0-9]+)#rapports"`)
	// The partners' committee: a meeting held and one to come, a member.
	var meetings []string
	for _, m := range regexp.MustCompile(`href="/partenaires/comite/rencontres/([0-9]+)"`).FindAllStringSubmatch(partner.get("/partenaires/comite").body, -1) {
		meetings = append(meetings, "/partenaires/comite/rencontres/"+m[1])
	}
	if len(meetings) < 2 {
		t.Fatalf("the committee's space lists %d meetings", len(meetings))
	}
	committeeMeeting := firstMatch(t, admin, "/admin/comite", `href="/admin/comite/rencontres/([0-9]+)"`)
	committeeMember := firstMatch(t, admin, "/admin/comite", `href="/admin/comite/membres/([0-9]+)"`)

	// Training: the cohort open to enrolment, a learner's private page.
	trainingCohort := firstMatch(t, anon, "/formations", `href="/formations/([a-z0-9-]*hiver-2027[a-z0-9-]*)"`)
	r = anon.post("/formations/"+trainingCohort+"/inscription", url.Values{"name": {"Gaétan Roy"}, "email": {"gaetan@exemple.org"},
		"consent_contact": {"1"}})
	expectStatus(t, r, http.StatusOK)
	mineM := regexp.MustCompile(`href="(/formations/mes-formations/[A-Za-z0-9_-]+)"`).FindStringSubmatch(r.body)
	if mineM == nil {
		t.Fatal("the enrolment's page has no link to « Mes formations »")
	}
	trainingMine := mineM[1]
	trainingWithdraw := firstMatch(t, anon, trainingMine, `href="(`+trainingMine+`/retrait/[0-9]+)"`)

	trainingProgram := firstMatch(t, admin, "/admin/formations", `href="/admin/formations/programmes/([0-9]+)"`)
	// The running cohort: learners who may still withdraw.
	var trainingAdminCohort, trainingLearner string
	for _, m := range regexp.MustCompile(`href="/admin/formations/cohortes/([0-9]+)"`).FindAllStringSubmatch(admin.get("/admin/formations").body, -1) {
		path := "/admin/formations/cohortes/" + m[1]
		if l := regexp.MustCompile(`action="(` + path + `/inscriptions/[0-9]+/retirer)"`).FindStringSubmatch(admin.get(path).body); l != nil {
			trainingAdminCohort, trainingLearner = m[1], l[1]
			break
		}
	}
	if trainingLearner == "" {
		t.Fatal("no cohort of the demo has a learner who may withdraw")
	}

	// Communications: the demo's campaigns, calendar, stories, lists and
	// newsletters; a subscription waiting for its confirmation and a
	// subscriber's link to leave.
	commsCampaign := firstMatch(t, admin, "/admin/communications/campagnes", `href="/admin/communications/campagnes/([0-9]+)"`)
	commsItem := firstMatch(t, admin, "/admin/communications/calendrier", `href="/admin/communications/calendrier/elements/([0-9]+)"`)
	commsSource := firstMatch(t, admin, "/admin/communications/calendrier/nouveau", `href="/admin/communications/calendrier/nouveau\?source=(event-[0-9]+)`)
	commsStory := firstMatch(t, admin, "/admin/communications/recits", `href="/admin/communications/recits/([0-9]+)"`)
	publicStory := firstMatch(t, anon, "/recits", `href="/recits/([a-z0-9-]+)"`)
	newsletter := firstMatch(t, admin, "/admin/communications/infolettres", `href="/admin/communications/infolettres/([0-9]+)"`)
	mailingList := firstMatch(t, admin, "/admin/communications/listes", `href="/admin/communications/listes/([0-9]+)"`)
	subscriber := firstMatch(t, admin, "/admin/communications/listes/"+mailingList, `href="/admin/communications/abonnes/([0-9]+)"`)
	archived := firstMatch(t, anon, "/infolettre/archives", `href="/infolettre/archives/([a-z0-9-]+)"`)
	r = anon.post("/infolettre", url.Values{"lists": {mailingList}, "email": {"abonnement@exemple.org"}, "consent": {"1"}, "lang": {"fr"}})
	expectStatus(t, r, http.StatusOK)
	commsConfirm := e.outboxLinkAny(t, regexp.MustCompile(`/infolettre/confirmation/[A-Za-z0-9_-]+`))
	subID, _ := strconv.ParseInt(subscriber, 10, 64)
	sub, err := e.app.Comms.Subscriber(ctx, tid, subID)
	if err != nil {
		t.Fatal(err)
	}
	leave, err := e.app.Comms.UnsubscribeToken(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}

	// The impact: an indicator with its values, the demo's report.
	indicatorID := firstMatch(t, admin, "/admin/impact", `href="/admin/impact/indicateurs/([0-9]+)"`)
	reportID := firstMatch(t, admin, "/admin/rapports", `href="/admin/rapports/([0-9]+)"`)

	r = admin.postMultipart("/admin/importer-organismes", nil, "file", "liste.csv", []byte(importSample))
	expectStatus(t, r, http.StatusSeeOther)
	importPreview := r.Header.Get("Location")

	// « Mes données »: a person who asked a question, their private link.
	if _, err := e.app.Privacy.Ask(ctx, tid, "gisele@exemple.org", "question", "Que gardez-vous à mon sujet ?"); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, anon.post("/mes-donnees", url.Values{"email": {"gisele@exemple.org"}}), http.StatusOK)
	myData := e.outboxLink(t, "gisele@exemple.org", meLinkRe)

	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	add := func(as string, paths ...string) {
		for _, p := range paths {
			w.pages = append(w.pages, page{as: as, path: p})
		}
	}
	add("", "/", "/lieux/fortierville", "/lieux/becancour", "/confidentialite",
		"/soupers", "/evenements", "/evenements/"+event, registration, "/inscription/"+held[0].tok, "/inscription/"+held[0].tok+"/liens",
		"/communautes", "/communautes/"+community, join,
		"/idees", "/idees/proposer", "/idees/"+idea, support,
		"/initiatives", "/initiatives/"+initiative, participation, participation+"/quitter",
		"/connexion", "/connexion/courriel-envoye", "/connexion/lien?jeton="+url.QueryEscape(signin),
		"/organismes", "/organismes/"+org,
		"/s-impliquer", "/s-impliquer/offres/"+opportunity, confirm, "/s-impliquer/verification", unsubscribe,
		"/sondages", "/sondages/"+openWave, "/sondages/"+openWave+"/merci", surveyLink,
		"/portrait", "/portrait?lieu=becancour", "/impact",
		"/formations", "/formations?public=municipalities&lieu=lemieux", "/formations/"+trainingCohort, trainingMine, trainingWithdraw,
		"/formations/verification", "/formations/verification?code=AAAA-BBBB-CCCC",
		"/recits", "/recits/"+publicStory, "/infolettre", commsConfirm, "/infolettre/desabonnement/"+leave,
		"/infolettre/archives", "/infolettre/archives/"+archived)
	w.pages = append(w.pages, page{path: "/page-qui-n-existe-pas", status: http.StatusNotFound})
	add("", "/mes-donnees", myData, myData+"/suppression")
	w.pages = append(w.pages, page{path: "/mes-donnees/lien-expire", status: http.StatusNotFound})
	add("citizen", "/compte", "/communautes/"+memberOf, "/communautes/"+memberOf+"/quitter",
		"/s-impliquer/profil", "/s-impliquer/mon-benevolat", "/s-impliquer/heures/declarer")
	for _, root := range []string{"/mes-organismes", "/admin/organismes"} {
		as := "manager"
		if root == "/admin/organismes" {
			as = "admin"
		}
		o := root + "/" + myOrg
		add(as, o, o+"/modifier", o+"/postes/"+seat, o+"/postes/"+seat+"/retirer", o+"/politiques/"+policy+"/retirer", o+"/formations")
	}
	add("partner", append([]string{"/compte", "/partenaires", "/partenaires/comite"}, meetings...)...)
	add("manager", "/mes-organismes", "/s-impliquer/gestion", "/s-impliquer/gestion/nouvelle", "/s-impliquer/gestion/offres/"+opp,
		"/s-impliquer/gestion/offres/"+opp+"/modifier", "/s-impliquer/gestion/heures")
	ev := "/admin/evenements/" + adminEvent
	add("admin", "/admin", "/admin/utilisateurs", "/admin/utilisateurs/"+user, "/admin/territoire", "/admin/courriels", "/admin/courriels/"+mail,
		"/admin/evenements", "/admin/evenements/nouveau", ev, ev+"/modifier", ev+"/accueil",
		"/admin/evenements/"+id(heldEvent)+"/cloture", "/admin/evenements/"+id(heldEvent)+"/liens", "/admin/liens",
		"/admin/communautes", "/admin/communautes/nouvelle", "/admin/communautes/"+communityID, "/admin/communautes/"+communityID+"/modifier",
		"/admin/idees", "/admin/idees/nouvelle", "/admin/idees/themes", "/admin/idees/"+adminIdea,
		"/admin/initiatives", "/admin/initiatives/nouvelle", "/admin/initiatives/"+adminInitiative,
		"/admin/initiatives/"+adminInitiative+"/modifier", "/admin/initiatives/"+adminInitiative+"/acteurs/"+actor,
		"/admin/organismes", "/admin/organismes/nouveau", "/admin/organismes/"+myOrg+"/responsables/"+managerID+"/retirer",
		"/admin/personnes", "/admin/personnes/"+person, "/admin/personnes/"+person+"/relier/"+other, "/admin/releve", "/admin/accompagnement", "/admin/politiques",
		"/admin/importer-organismes", importPreview,
		"/admin/benevolat", "/admin/benevolat/reconnaissance", "/admin/benevolat/entreprises", "/admin/benevolat/parametres",
		"/admin/liens-suivis",
		"/admin/sondages", "/admin/sondages/"+questionnaire, "/admin/sondages/"+questionnaire+"/questions/nouvelle?section=0",
		"/admin/sondages/"+questionnaire+"/questions/"+question, "/admin/vagues/"+waveOf, "/admin/vagues/"+openWave+"/papier",
		"/admin/vagues/"+openWave+"/textes", "/admin/vagues/"+openWave+"/resultats", "/admin/vagues/"+openWave+"/resultats?lieu=wolinak",
		"/admin/portrait", "/admin/portrait?lieu=fortierville",
		"/admin/financement", "/admin/financement/"+fundingApp,
		"/admin/comite", "/admin/comite/rencontres/"+committeeMeeting, "/admin/comite/membres/"+committeeMember,
		"/admin/impact", "/admin/impact/indicateurs/"+indicatorID, "/admin/rapports", "/admin/rapports/"+reportID,
		"/admin/formations", "/admin/formations/organismes", "/admin/formations/organismes?type=municipalities", "/admin/formations/programmes/nouveau", "/admin/formations/programmes/"+trainingProgram,
		"/admin/formations/cohortes/nouveau", "/admin/formations/cohortes/"+trainingAdminCohort,
		"/admin/formations/cohortes/"+trainingAdminCohort+"/presences", trainingLearner,
		"/admin/communications", "/admin/communications/campagnes", "/admin/communications/campagnes/nouvelle",
		"/admin/communications/campagnes/"+commsCampaign, "/admin/communications/calendrier",
		"/admin/communications/calendrier?semaine="+commsWeek(e),
		"/admin/communications/calendrier/nouveau", "/admin/communications/calendrier/nouveau?source="+commsSource,
		"/admin/communications/calendrier/elements/"+commsItem,
		"/admin/communications/recits", "/admin/communications/recits/nouveau", "/admin/communications/recits/"+commsStory,
		"/admin/communications/affiches", "/admin/communications/affiches?quoi=event",
		"/admin/communications/infolettres", "/admin/communications/infolettres/nouvelle", "/admin/communications/infolettres/"+newsletter,
		"/admin/communications/listes", "/admin/communications/listes/"+mailingList, "/admin/communications/listes/consentement",
		"/admin/communications/abonnes/"+subscriber)

	// The privacy officer's area: an incident of the register, a request.
	privacyIncident, err := e.app.Privacy.SaveIncident(ctx, tid, 0, 0, privacy.IncidentInput{Title: "Liste oubliée dans la salle",
		Information: "Noms et numéros de téléphone.", Circumstances: "La liste est restée sur une table.", From: "2026-11-20",
		Discovered: "2026-11-21", People: "20", Risk: string(privacy.RiskSerious), RiskReasons: "Numéros de personnes âgées.",
		Measures: "Liste récupérée."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Privacy.Ask(ctx, tid, "lise@exemple.org", privacy.AskCorrection, "Mon nom est mal écrit."); err != nil {
		t.Fatal(err)
	}
	// The installation administrator's page.
	operator := e.user("exploitation@exemple.org", auth.RoleCitizen)
	if err := e.auth.SetInstallationAdmin(ctx, operator.ID, true); err != nil {
		t.Fatal(err)
	}
	w.sessions["installation"] = e.session(t, operator.Email)
	add("installation", "/installation")
	add("admin", "/admin/confidentialite", "/admin/confidentialite/inventaire", "/admin/confidentialite/conservation",
		"/admin/confidentialite/journal", "/admin/confidentialite/journal?quoi=privacy.person", "/admin/confidentialite/incidents",
		"/admin/confidentialite/incidents/nouveau", "/admin/confidentialite/incidents/merci",
		"/admin/confidentialite/incidents/"+id(privacyIncident), "/admin/confidentialite/demandes", "/admin/confidentialite/personnes")
	return w
}

// outboxLinkAny returns the first match of re in the newest e-mails.
func (e *env) outboxLinkAny(t testing.TB, re *regexp.Regexp) string {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if m := re.FindString(it.Text); m != "" {
			return m
		}
	}
	t.Fatalf("no e-mail matches %s", re)
	return ""
}

// pageName makes a file name of a path.
var pageNameRe = regexp.MustCompile(`[^a-z0-9]+`)

func pageName(path string) string {
	path, _, _ = strings.Cut(path, "?")
	if len(path) > 60 {
		path = path[:60]
	}
	if n := strings.Trim(pageNameRe.ReplaceAllString(strings.ToLower(path), "-"), "-"); n != "" {
		return n
	}
	return "accueil"
}

// TestBrowserEveryPage visits every page that answers HTML — public pages,
// the private links of e-mails, a citizen's, an organisation manager's and
// the staff's pages, on the demo data — at 1280 px and on a 360 px phone,
// in French and in English. Each page answers its status, speaks its
// language, passes axe-core (WCAG A and AA, and axe's best practices), and
// nothing is cut: the page is no wider than the screen, nothing reaches past
// its right edge, no text is clipped, and every table fits in its box. The
// rule for tables: a table wider than its box is a failure, unless its box
// scrolls, takes the keyboard's focus (tabindex 0), is a region named for
// screen readers, and the table is at most browsertest.MaxTableOverflow
// wider (10 % of the box, 48 px at most) — so on a phone a wide table must
// become cards. On English pages, text that reads as French must be marked
// lang="fr". Last, no GET route of routes.go is forgotten: each one was
// visited, or notPages says why it is no page.
func TestBrowserEveryPage(t *testing.T) {
	w := newEveryPageWorld(t)
	e := w.e
	logStart := len(e.logs.String())
	var browsed atomic.Bool
	// One browser for each width and language, side by side; each visits
	// the pages one after the other.
	t.Run("pages", func(t *testing.T) {
		for _, size := range []struct {
			name string
			opt  browsertest.Option
		}{
			{"1280", browsertest.WindowSize(1280, 800)},
			{"360", browsertest.PhoneSize(360, 740)},
		} {
			for _, lang := range []string{"fr", "en"} {
				t.Run(lang+"-"+size.name, func(t *testing.T) {
					t.Parallel()
					ctx := browsertest.New(t, size.opt, browsertest.Languages(map[string]string{"fr": "fr-CA,fr", "en": "en-CA,en"}[lang]))
					as := "?"
					for i, p := range w.pages {
						if p.as != as {
							browsertest.SetCookie(t, ctx, e.srv.URL, sessionCookie, w.sessions[p.as])
							as = p.as
						}
						name := p.path
						if p.as != "" {
							name = p.as + " " + p.path
						}
						status := browsertest.Navigate(t, ctx, e.srv.URL+p.path)
						browsertest.CheckAccessibilityTags(t, ctx, name, browsertest.AxeBestPractices)
						if want := cmp.Or(p.status, 200); status != want {
							t.Errorf("%s: status %d, want %d", name, status, want)
						}
						if got := browsertest.Attribute(t, ctx, "html", "lang"); got != lang {
							t.Errorf("%s: <html lang=%q>, want %q", name, got, lang)
						}
						if lang != "fr" && !strings.HasPrefix(p.path, "/admin/courriels") {
							for _, run := range browsertest.Texts(t, ctx) {
								if run.Lang != "fr" && !strings.Contains(run.Selector, "textarea") && looksFrench(run.Text) {
									t.Errorf("%s: French text not marked lang=\"fr\" in %s: %q", name, run.Selector, run.Text)
								}
							}
						}
						for _, pr := range browsertest.LayoutOf(t, ctx).Problems() {
							t.Errorf("%s at %s px: %s", name, size.name, pr)
						}
						if dir := os.Getenv("IMPLIQUE_SCREENSHOTS"); dir != "" {
							browsertest.Screenshot(t, ctx, filepath.Join(dir, "pages-"+lang+"-"+size.name, fmt.Sprintf("%03d-%s-%s.png", i, cmp.Or(p.as, "public"), pageName(p.path))))
						}
					}
					browsed.Store(true)
				})
			}
		}
	})
	if !browsed.Load() {
		return
	}

	// Every GET route was visited, or is not a page.
	seen := map[string]bool{}
	for _, line := range strings.Split(e.logs.String()[logStart:], "\n") {
		var l struct {
			Msg, Method, Route string
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "request" && l.Method == "GET" {
			seen[l.Route] = true
		}
	}
	for _, r := range getRoutes(t) {
		if _, skip := notPages[r]; !skip && !seen[r] {
			t.Errorf("the pass over every page does not visit %q: add a page of it to newEveryPageWorld, or say in notPages why it is no page", r)
		}
	}
}

// The pass checks that, on an English page, text that reads as French is
// marked lang="fr" — except what a person is typing into a field (a
// <textarea>: its language is the writer's), and the e-mails of the outbox
// (/admin/courriels), which are in their recipient's language, which the
// outbox does not record.

// frenchMarkers are words that tell French text from English: the small
// words of French sentences, and the program's own vocabulary.
var frenchMarkers = map[string]bool{
	"le": true, "la": true, "les": true, "des": true, "du": true, "de": true, "et": true, "à": true, "au": true, "aux": true,
	"pour": true, "avec": true, "sur": true, "dans": true, "une": true, "un": true, "est": true, "sont": true, "ou": true,
	"nous": true, "vous": true, "qui": true, "que": true, "pas": true, "ne": true, "par": true, "chez": true, "ses": true,
	"leur": true, "leurs": true, "cette": true, "ces": true, "notre": true, "nos": true, "votre": true, "vos": true,
	"souper": true, "soupers": true, "citoyen": true, "citoyenne": true, "citoyens": true, "bénévole": true, "bénévoles": true,
	"bénévolat": true, "poste": true, "courriel": true, "communauté": true, "idée": true, "idées": true, "besoin": true,
	"relève": true, "organisme": true, "comité": true, "municipale": true, "salle": true, "secteur": true, "rencontre": true,
}

// looksFrench reports whether s reads as French: two French markers or
// more (« Souper citoyen », « Club de l’âge d’or »), counting an elided
// article or pronoun (l’, d’, qu’…) as one.
func looksFrench(s string) bool {
	n := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '’' && r != '\'' && r != '-'
	}) {
		if frenchMarkers[w] {
			n++
			continue
		}
		for _, el := range []string{"l’", "d’", "qu’", "n’", "j’", "s’", "m’", "c’", "l'", "d'", "qu'", "n'", "j'", "s'", "m'", "c'"} {
			if strings.HasPrefix(w, el) && len(w) > len(el) {
				n++
				break
			}
		}
	}
	return n >= 2
}

func TestLooksFrench(t *testing.T) {
	for s, want := range map[string]bool{
		"Souper citoyen": true,
		"Club de l’âge d’or de Fortierville":              true,
		"Centre d’action bénévole de la MRC de Bécancour": true,
		"Moi, je m’implique !":                            false,
		"Saint-Pierre-les-Becquets":                       false,
		"Citizen dinner":                                  false,
		"Non-profit organization":                         false,
		"December 4, 2026: a reason":                      false,
		"Sign up for the dinner in Fortierville":          false,
	} {
		if got := looksFrench(s); got != want {
			t.Errorf("looksFrench(%q) = %v, want %v", s, got, want)
		}
	}
}

// commsWeek is the ISO week of the application's today, as the calendar
// names it: 2026-W49.
func commsWeek(e *env) string {
	y, w := e.app.Clock.Now().In(e.territory.Location()).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}
