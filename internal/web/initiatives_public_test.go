package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/web"
)

var participationRe = regexp.MustCompile(`/initiatives/participer/[A-Za-z0-9_-]+`)

// participationLink reads the private link of the newest e-mail to addr.
func (e *env) participationLink(t testing.TB, addr string) string {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.To == addr {
			if m := participationRe.FindString(it.Text); m != "" {
				return m
			}
		}
	}
	t.Fatalf("no private link for %s in the outbox", addr)
	return ""
}

func (e *env) mailCount(t testing.TB, addr string) int {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 200)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.To == addr {
			n++
		}
	}
	return n
}

// publicInitiative builds a published initiative in Manseau with a plan,
// an actor, help wanted and two leaders (one shows her first name).
func publicInitiative(t *testing.T, e *env) (community.Initiative, community.HelpWanted) {
	t.Helper()
	ctx := context.Background()
	tid := e.territory.ID
	ini, err := e.community.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Une cuisine collective à Manseau",
		Summary: "Cuisiner ensemble une fois par mois et partager les portions.", PlaceSlug: "manseau",
		Description: "On se retrouve au sous-sol de l’église.", StartsOn: ptrDay(2026, 3, 1), EndsOn: ptrDay(2026, 12, 15)})
	if err != nil {
		t.Fatal(err)
	}
	m1, _ := e.community.AddMilestone(ctx, tid, ini.ID, community.MilestoneInput{Title: "Trouver un local", DueOn: ptrDay(2026, 3, 15)})
	if _, err := e.community.AddMilestone(ctx, tid, ini.ID, community.MilestoneInput{Title: "Premier atelier", DueOn: ptrDay(2026, 4, 12)}); err != nil {
		t.Fatal(err)
	}
	if err := e.community.SetMilestoneDone(ctx, tid, ini.ID, m1.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.community.AddActor(ctx, tid, ini.ID, community.ActorInput{Name: "Municipalité de Manseau", Kind: community.ActorMunicipality,
		Supports: []community.SupportKind{community.SupportRoom}, Details: "La salle du sous-sol"}); err != nil {
		t.Fatal(err)
	}
	need, err := e.community.AddHelpWanted(ctx, tid, ini.ID, community.HelpInput{Title: "Des bras pour la vaisselle", PeopleNeeded: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []community.PersonInput{
		{Role: community.Leader, Name: "Nicole Lemay", ShowName: true},
		{Role: community.Leader, Name: "Paul Discret", Phone: "819 555-0199"},
	} {
		if _, err := e.community.AddPerson(ctx, tid, ini.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.community.PublishInitiative(ctx, tid, ini.ID, true); err != nil {
		t.Fatal(err)
	}
	ini, _ = e.community.Initiative(ctx, tid, ini.ID)
	return ini, need
}

func ptrDay(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

func TestPublicInitiatives(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		tid := e.territory.ID
		c := e.client(t)

		hidden, err := e.community.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Un projet pas encore prêt", PlaceSlug: "manseau"})
		if err != nil {
			t.Fatal(err)
		}
		r := c.get("/initiatives/" + hidden.Slug)
		expectStatus(t, r, 404)
		expectContains(t, r, "Cette initiative n’existe pas, ou n’est pas encore publiée.")
		expectContains(t, c.get("/initiatives"), "Aucune initiative publiée pour l’instant.")

		ini, need := publicInitiative(t, e)
		e.changedBehindTheSite(t)
		page := "/initiatives/" + ini.Slug

		t.Run("the list and the place page", func(t *testing.T) {
			r := c.get("/initiatives")
			expectStatus(t, r, 200)
			expectContains(t, r, `href="`+page+`"`, "Une cuisine collective à Manseau", "1\u00a0étape sur 2", "2\u00a0personnes impliquées",
				"En préparation", `href="/initiatives"`)
			if strings.Contains(r.body, "Un projet pas encore prêt") {
				t.Error("an unpublished initiative is listed")
			}
			expectContains(t, c.get("/initiatives?lieu=manseau"), "Une cuisine collective à Manseau")
			expectContains(t, c.get("/initiatives?statut=completed"), "Aucune initiative ne correspond à ces choix.")
			expectStatus(t, c.get("/initiatives?lieu=paris"), 404)
			expectContains(t, c.get("/lieux/manseau"), "Initiatives citoyennes ici", `href="`+page+`"`)
		})

		t.Run("the page shows progress, support and help wanted, and no one's personal data", func(t *testing.T) {
			r := c.get(page)
			expectStatus(t, r, 200)
			expectContains(t, r, "Cuisiner ensemble une fois par mois", "Du 1er\u00a0mars 2026 au 15\u00a0décembre 2026",
				"1\u00a0étape sur 2", "Trouver un local", "Franchie le", "Prévue le 12\u00a0avril 2026",
				"Municipalité de Manseau", "un local", "La salle du sous-sol", "Des bras pour la vaisselle", "2\u00a0personnes recherchées",
				"Nicole et 1\u00a0autre personne", "Personne pour l’instant", "Je veux participer",
				`<meta property="og:title" content="Une cuisine collective à Manseau — Manseau">`, `value="`+itoa(need.ID)+`"`)
			for _, private := range []string{"Lemay", "Paul", "819 555-0199"} {
				if strings.Contains(r.body, private) {
					t.Errorf("the public page shows %q", private)
				}
			}
		})

		t.Run("join: errors in French keep what was typed", func(t *testing.T) {
			r := c.post(page, url.Values{"name": {" "}, "email": {"pas-un-courriel"}, "offer": {"Mon camion pour les courses"}, "show_name": {"1"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Ce champ est obligatoire.", "Entrez une adresse courriel valide", "Mon camion pour les courses",
				`id="name-err"`, `name="show_name" value="1" checked`)
			r = c.post(page, url.Values{"name": {"Réjean"}, "email": {"rejean@exemple.org"}, "need": {"abc"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Choisissez un coup de main de la liste.", `value="rejean@exemple.org"`)
			if n := e.mailCount(t, "rejean@exemple.org"); n != 0 {
				t.Errorf("%d e-mails for refused forms", n)
			}
		})

		var rejeanLink string
		t.Run("join, confirm from the e-mail, counted with consent", func(t *testing.T) {
			r := c.post(page, url.Values{"name": {"Réjean Tremblay"}, "email": {"Rejean@Exemple.org"}, "offer": {"Je lave vite"},
				"need": {itoa(need.ID)}, "show_name": {"1"}})
			expectStatus(t, r, http.StatusSeeOther)
			r = c.follow(r)
			expectContains(t, r, "cliquez sur le lien que nous venons de vous envoyer", "Personne pour l’instant")
			rejeanLink = e.participationLink(t, "rejean@exemple.org")
			land := c.get(rejeanLink)
			expectStatus(t, land, 200)
			expectContains(t, land, "Je confirme ma participation", "Réjean Tremblay", "À confirmer")
			if land.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Error("the private page may leak its address")
			}
			if got, _ := e.community.Initiative(ctx, tid, ini.ID); got.Participants != 0 {
				t.Fatal("opening the link alone confirmed the participation")
			}
			r = c.post(rejeanLink, nil)
			expectStatus(t, r, http.StatusSeeOther)
			if loc := r.Header.Get("Location"); loc != page {
				t.Errorf("after confirming: %q", loc)
			}
			r = c.follow(r)
			expectContains(t, r, "C’est confirmé", "3\u00a0personnes impliquées", ">Réjean</dd>")
			if strings.Contains(r.body, "Tremblay") || strings.Contains(r.body, "Je lave vite") || strings.Contains(r.body, "rejean@") {
				t.Error("the public page shows more than the first name")
			}
			expectContains(t, c.get(rejeanLink), "Ne plus suivre cette initiative", "Vous participez et suivez les nouvelles")
		})

		t.Run("the same address the next day: no duplicate, the link sent again", func(t *testing.T) {
			e.app.Clock.Advance(25 * time.Hour)
			before := e.mailCount(t, "rejean@exemple.org")
			r := c.post(page, url.Values{"name": {"Autre nom"}, "email": {"rejean@exemple.org"}})
			expectStatus(t, r, http.StatusSeeOther)
			expectContains(t, c.follow(r), "Vous participez déjà à cette initiative", "3\u00a0personnes impliquées")
			if e.mailCount(t, "rejean@exemple.org") != before+1 || e.participationLink(t, "rejean@exemple.org") != rejeanLink {
				t.Error("the private link was not sent again")
			}
			people, _ := e.community.People(ctx, tid, ini.ID)
			if len(people) != 3 {
				t.Errorf("%d people after a duplicate", len(people))
			}
		})

		t.Run("without consent, no name; signed in, no confirmation needed", func(t *testing.T) {
			r := c.post(page, url.Values{"name": {"Lise Beaudoin"}, "email": {"lise@exemple.org"}})
			expectStatus(t, r, http.StatusSeeOther)
			r = c.post(e.participationLink(t, "lise@exemple.org"), nil)
			r = c.follow(r)
			expectContains(t, r, "Réjean et 1\u00a0autre personne", "4\u00a0personnes impliquées")
			if strings.Contains(r.body, "Lise") {
				t.Error("a name is shown without consent")
			}
			e.user("julie@exemple.org", auth.RoleCitizen)
			j := e.client(t)
			j.signIn("julie@exemple.org")
			expectContains(t, j.get(page), `value="julie@exemple.org"`)
			r = j.post(page, url.Values{"name": {"Julie"}, "email": {"julie@exemple.org"}})
			expectContains(t, j.follow(r), "Vous participez maintenant à cette initiative", "5\u00a0personnes impliquées")
		})

		t.Run("leave from the private link", func(t *testing.T) {
			// The address of the mail program's « unsubscribe » opens the same page: a button, nothing done yet.
			expectContains(t, c.get(rejeanLink+"/quitter"), "Ne plus suivre cette initiative")
			r := c.post(rejeanLink+"/quitter", nil)
			expectStatus(t, r, http.StatusSeeOther)
			r = c.follow(r)
			expectContains(t, r, "vous ne suivez plus cette initiative", "Participer de nouveau")
			expectContains(t, c.get(page), "4\u00a0personnes impliquées")
			r = c.get("/initiatives/participer/pas-un-jeton")
			expectStatus(t, r, 404)
			expectContains(t, r, "Ce lien n’est pas valide.")
		})

		t.Run("the idea's page leads to the initiative", func(t *testing.T) {
			idea, err := e.community.Record(ctx, tid, 0, community.Input{Kind: community.Idea, Title: "Un club de marche",
				ThemeCode: "isolement-des-aines", PlaceSlug: "fortierville"})
			if err != nil {
				t.Fatal(err)
			}
			born, err := e.community.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Le club de marche du mardi",
				PlaceSlug: "fortierville", IdeaID: idea.ID})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(c.get("/idees/"+itoa(idea.ID)).body, born.Slug) {
				t.Error("the idea links to an unpublished initiative")
			}
			_ = e.community.PublishInitiative(ctx, tid, born.ID, true)
			e.changedBehindTheSite(t)
			r := c.get("/idees/" + itoa(idea.ID))
			expectContains(t, r, "Ce qui est né de cette idée", `href="/initiatives/`+born.Slug+`"`, "En cours")
			expectContains(t, c.get("/initiatives/"+born.Slug), `href="/idees/`+itoa(idea.ID)+`"`, "Née de l’idée")
		})

		t.Run("in English", func(t *testing.T) {
			en := e.client(t)
			en.lang = "en"
			r := en.get(page)
			expectStatus(t, r, 200)
			expectContains(t, r, `<html lang="en">`, "I want to take part", "Milestones done: 1 of 2", "From March 1, 2026 to December 15, 2026",
				"Help wanted", "2 people wanted", "a room", "In preparation")
			r = en.post(page, url.Values{"email": {"x"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "This field is required.", "Enter a valid e-mail address")
		})

		t.Run("staff preview an unpublished initiative", func(t *testing.T) {
			e.user("anim@exemple.org", auth.RoleFacilitator)
			s := e.client(t)
			s.signIn("anim@exemple.org")
			r := s.get("/initiatives/" + hidden.Slug)
			expectStatus(t, r, 200)
			expectContains(t, r, "Aperçu", `<meta name="robots" content="noindex">`)
			if strings.Contains(r.body, `action="/initiatives/`+hidden.Slug+`"`) {
				t.Error("the preview offers the join form")
			}
			expectStatus(t, s.post("/initiatives/"+hidden.Slug, url.Values{"name": {"A"}, "email": {"anim@exemple.org"}}), 404)
		})
	})
}

func TestOutboxHidesParticipationLinksOnceSent(t *testing.T) {
	e := newEnvConfig(t, dbtest.SQLite(t, jobs.MigrateAll), web.Config{SMTPConfigured: true})
	e.user("admin@exemple.org", auth.RoleAdministrator)
	admin := e.client(t)
	admin.signIn("admin@exemple.org")
	ini, _ := publicInitiative(t, e)
	r := e.client(t).post("/initiatives/"+ini.Slug, url.Values{"name": {"Réjean"}, "email": {"rejean@exemple.org"}})
	expectStatus(t, r, http.StatusSeeOther)
	items, _ := e.outbox.List(context.Background(), e.territory.ID, 1)
	if items[0].To != "rejean@exemple.org" {
		t.Fatalf("newest e-mail to %s", items[0].To)
	}
	r = admin.get("/admin/courriels/" + itoa(items[0].ID))
	expectStatus(t, r, 200)
	expectContains(t, r, "lien personnel masqué")
	if strings.Contains(r.body, "/initiatives/participer/") {
		t.Error("the outbox shows a participant's private link that was sent by e-mail")
	}
}
