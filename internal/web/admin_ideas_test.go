package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/territory"
)

// staffIdeaDinner creates a souper in Manseau through the events store.
func staffIdeaDinner(t *testing.T, e *env, by int64) events.Event {
	t.Helper()
	loc := e.territory.Location()
	ev, err := e.events.Create(context.Background(), e.territory.ID, by, events.Input{Kind: events.CitizenDinner,
		Title: "Souper citoyen de Manseau", PlaceSlug: "manseau", VenueName: "Salle municipale",
		StartsAt: time.Date(2026, 11, 28, 17, 30, 0, 0, loc), EndsAt: time.Date(2026, 11, 28, 20, 30, 0, 0, loc)})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func ideaByTitle(t *testing.T, e *env, title string) community.IdeaRecord {
	t.Helper()
	all, err := e.community.List(context.Background(), e.territory.ID, community.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range all {
		if it.Title == title {
			return it
		}
	}
	t.Fatalf("no idea %q", title)
	return community.IdeaRecord{}
}

func TestStaffIdeas(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		tid := e.territory.ID
		anim := e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("anim@exemple.org")
		ev := staffIdeaDinner(t, e, anim.ID)
		evID := itoa(ev.ID)

		t.Run("the staff area links to the ideas", func(t *testing.T) {
			expectContains(t, c.get("/admin"), `href="/admin/idees"`, "Besoins et idées")
			r := c.get("/admin/idees")
			expectStatus(t, r, 200)
			expectContains(t, r, "Propositions à vérifier", "Aucune proposition à vérifier.", `href="/admin/idees/nouvelle"`,
				`href="/admin/idees/themes"`)
		})

		t.Run("bad input says what is wrong, in French, and writes nothing", func(t *testing.T) {
			r := c.get("/admin/idees/nouvelle")
			expectStatus(t, r, 200)
			expectContains(t, r, `value="need" checked`, "Isolement des aînés", `&nbsp;&nbsp;&nbsp;&nbsp;– Gentilly`)
			r = c.post("/admin/idees", url.Values{"kind": {"need"}, "title": {"  "}, "details": {"Écrit sur la nappe"},
				"theme": {"astrologie"}, "place": {"manseau"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Ce champ est obligatoire.", "Choisissez un thème de la liste.", `id="title-err"`,
				`id="theme-err"`, "Écrit sur la nappe", `<option value="manseau" selected>`)
			r = c.post("/admin/idees", url.Values{"kind": {"need"}, "title": {"Du transport"}, "theme": {"transport"},
				"place": {"manseau"}, "event": {"999999"}})
			expectStatus(t, r, 422)
			if all, _ := e.community.List(ctx, tid, community.Filter{}); len(all) != 0 {
				t.Fatalf("bad forms wrote %d ideas", len(all))
			}
		})

		t.Run("from the event page, two in a row", func(t *testing.T) {
			r := c.get("/admin/evenements/" + evID)
			expectStatus(t, r, 200)
			expectContains(t, r, `href="/admin/idees/nouvelle?evenement=`+evID+`"`, "Noter les besoins et idées",
				"Rien n’est encore noté pour cet événement.")
			r = c.get("/admin/idees/nouvelle?evenement=" + evID)
			expectStatus(t, r, 200)
			expectContains(t, r, "Souper citoyen à Manseau, 28\u00a0novembre", `name="event" value="`+evID+`"`, `<option value="manseau" selected>`)
			expectStatus(t, c.get("/admin/idees/nouvelle?evenement=999999"), 404)

			r = c.post("/admin/idees", url.Values{"kind": {"need"}, "title": {"Un transport pour l’épicerie"},
				"details": {"Plusieurs aînés n’ont plus d’auto."}, "theme": {"transport"}, "place": {"manseau"}, "event": {evID}})
			expectStatus(t, r, 303)
			if loc := r.Header.Get("Location"); !strings.Contains(loc, "evenement="+evID) {
				t.Fatalf("after saving: %q", loc)
			}
			r = c.follow(r)
			expectStatus(t, r, 200)
			expectContains(t, r, "Noté. Vous pouvez en ajouter un autre.", `name="event" value="`+evID+`"`,
				"Déjà noté pour cet événement", "Un transport pour l’épicerie", `<option value="manseau" selected>`)
			r = c.post("/admin/idees", url.Values{"kind": {"idea"}, "title": {"Un jardin collectif"},
				"theme": {"alimentation"}, "place": {"manseau"}, "event": {evID}})
			r = c.follow(r)
			expectContains(t, r, "Noté. Vous pouvez en ajouter un autre.", "Un jardin collectif", "Un transport pour l’épicerie")
			got, err := e.community.List(ctx, tid, community.Filter{EventID: ev.ID})
			if err != nil || len(got) != 2 {
				t.Fatalf("ideas of the event: %d, %v", len(got), err)
			}
			if got[0].Kind != community.Idea || got[0].Moderation != community.Approved || got[0].Source != community.SourceStaff {
				t.Errorf("recorded = %+v", got[0])
			}
			expectContains(t, c.get("/admin/evenements/"+evID), "Un jardin collectif", "Un transport pour l’épicerie")
		})

		var approved, rejected community.IdeaRecord
		t.Run("moderation of public proposals", func(t *testing.T) {
			var err error
			approved, err = e.community.Submit(ctx, tid, community.Input{Kind: community.Idea, Title: "Une friperie communautaire",
				ThemeCode: "entraide", PlaceSlug: "becancour-gentilly", SubmitterName: "Gisèle Côté", SubmitterEmail: "gisele@exemple.org"})
			if err != nil {
				t.Fatal(err)
			}
			rejected, err = e.community.Submit(ctx, tid, community.Input{Kind: community.Need, Title: "Achetez mes produits",
				ThemeCode: "loisirs", PlaceSlug: "manseau", SubmitterName: "Vendeur", SubmitterEmail: "pub@exemple.org"})
			if err != nil {
				t.Fatal(err)
			}
			r := c.get("/admin/idees")
			expectContains(t, r, "Une friperie communautaire", "gisele@exemple.org", "Gisèle Côté", "Achetez mes produits",
				`action="/admin/idees/`+itoa(approved.ID)+`/moderation"`)
			expectStatus(t, c.post("/admin/idees/"+itoa(approved.ID)+"/moderation", url.Values{"action": {"maybe"}}), 422)
			r = c.post("/admin/idees/"+itoa(approved.ID)+"/moderation", url.Values{"action": {"approve"}, "retour": {"/admin/idees"}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "La proposition est publiée")
			r = c.post("/admin/idees/"+itoa(rejected.ID)+"/moderation", url.Values{"action": {"reject"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "La proposition est refusée", "Refusée (pas publiée)")
			a, _ := e.community.Get(ctx, tid, approved.ID)
			rj, _ := e.community.Get(ctx, tid, rejected.ID)
			if a.Moderation != community.Approved || rj.Moderation != community.Rejected {
				t.Fatalf("moderation: %s, %s", a.Moderation, rj.Moderation)
			}
			r = c.get("/admin/idees")
			expectContains(t, r, "Aucune proposition à vérifier.")
			// The list shows the approved one, not the rejected one.
			list := r.body[strings.Index(r.body, `id="toutes"`):]
			if !strings.Contains(list, "Une friperie communautaire") || strings.Contains(list, "Achetez mes produits") {
				t.Errorf("list of published ideas:\n%s", list)
			}
		})

		t.Run("filters", func(t *testing.T) {
			r := c.get("/admin/idees?lieu=manseau")
			list := r.body[strings.Index(r.body, `id="toutes"`):]
			if !strings.Contains(list, "Un jardin collectif") || strings.Contains(list, "Une friperie communautaire") {
				t.Errorf("by place:\n%s", list)
			}
			r = c.get("/admin/idees?theme=entraide")
			list = r.body[strings.Index(r.body, `id="toutes"`):]
			if strings.Contains(list, "Un jardin collectif") || !strings.Contains(list, "Une friperie communautaire") {
				t.Errorf("by theme:\n%s", list)
			}
			r = c.get("/admin/idees?statut=done")
			expectContains(t, r, "Rien ne correspond à ces filtres.", `<option value="done" selected>Réalisée</option>`)
		})

		t.Run("status: set aside needs a reason; the story shows the steps", func(t *testing.T) {
			garden := ideaByTitle(t, e, "Un jardin collectif")
			path := "/admin/idees/" + itoa(garden.ID)
			r := c.get(path)
			expectStatus(t, r, 200)
			expectContains(t, r, "Son histoire", "Proposée", "Souper citoyen à Manseau, 28\u00a0novembre", `<option value="proposed" selected>`)
			r = c.post(path+"/statut", url.Values{"status": {"retained"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "L’étape est enregistrée.", `<option value="retained" selected>`)
			r = c.post(path+"/statut", url.Values{"status": {"set_aside"}, "reason": {"  "}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Expliquez en quelques mots pourquoi", `id="reason-err"`, `<option value="set_aside" selected>`)
			if g, _ := e.community.Get(ctx, tid, garden.ID); g.Status != community.Retained {
				t.Fatalf("status after a refused change: %s", g.Status)
			}
			r = c.post(path+"/statut", url.Values{"status": {"set_aside"}, "reason": {"Pas de terrain disponible cette année."}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "Mise de côté", "Pas de terrain disponible cette année.")
			story := r.body[strings.Index(r.body, `id="histoire"`):]
			story = story[:strings.Index(story, "</section>")]
			if n := strings.Count(story, "<li>"); n != 3 {
				t.Errorf("story has %d steps:\n%s", n, story)
			}
			for _, w := range []string{"Proposée", "Retenue", "Mise de côté"} {
				if !strings.Contains(story, w) {
					t.Errorf("story lacks %q", w)
				}
			}
			expectStatus(t, c.post(path+"/statut", url.Values{"status": {"forgotten"}}), 422)
		})

		t.Run("supporters show to staff with their e-mail", func(t *testing.T) {
			out, err := e.community.Support(ctx, tid, approved.ID, community.SupportInput{Name: "Réjean Tremblay",
				Email: "rejean@exemple.org", Offer: "Je peux coudre le samedi."}, true)
			if err != nil || !out.Confirmed {
				t.Fatalf("support: %+v, %v", out, err)
			}
			if _, err := e.community.Support(ctx, tid, approved.ID, community.SupportInput{Name: "Pas confirmé",
				Email: "pasconfirme@exemple.org"}, false); err != nil {
				t.Fatal(err)
			}
			r := c.get("/admin/idees/" + itoa(approved.ID))
			expectContains(t, r, "Réjean Tremblay", "rejean@exemple.org", "Je peux coudre le samedi.", "gisele@exemple.org")
			if strings.Contains(r.body, "pasconfirme@exemple.org") {
				t.Error("an unconfirmed support shows")
			}
			list := c.get("/admin/idees").body
			if !regexp.MustCompile(`Une friperie communautaire[\s\S]*?<td class="st-num"[^>]*>1</td>`).MatchString(list) {
				t.Error("the list does not count the support")
			}
		})

		t.Run("themes: add, duplicate refused, archive, restore", func(t *testing.T) {
			r := c.get("/admin/idees/themes")
			expectStatus(t, r, 200)
			expectContains(t, r, "Isolement des aînés", "Isolation of seniors")
			r = c.post("/admin/idees/themes", url.Values{"name_fr": {""}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Ce champ est obligatoire.", `id="name_fr-err"`)
			r = c.post("/admin/idees/themes", url.Values{"name_fr": {"Logement"}, "name_en": {"Housing"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "Le thème est ajouté.", "Logement", "Housing")
			r = c.post("/admin/idees/themes", url.Values{"name_fr": {"logement"}})
			expectStatus(t, r, 409)
			expectContains(t, r, "Ce thème existe déjà.", `value="logement"`)

			themes, _ := e.community.Themes(ctx, tid, true)
			var loisirs community.Theme
			for _, th := range themes {
				if th.Code == "loisirs" {
					loisirs = th
				}
			}
			r = c.post("/admin/idees/themes/"+itoa(loisirs.ID)+"/archiver", url.Values{"archived": {"1"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "Le thème est retiré de la liste.", "Remettre dans la liste")
			if strings.Contains(c.get("/admin/idees/nouvelle").body, `value="loisirs"`) {
				t.Error("an archived theme is offered")
			}
			r = c.post("/admin/idees", url.Values{"kind": {"need"}, "title": {"Une patinoire"}, "theme": {"loisirs"}, "place": {"manseau"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Choisissez un thème de la liste.")
			r = c.post("/admin/idees/themes/"+itoa(loisirs.ID)+"/archiver", url.Values{"archived": {"0"}})
			expectContains(t, c.follow(r), "Le thème est de retour dans la liste.")
			expectContains(t, c.get("/admin/idees/nouvelle"), `value="loisirs"`)
			expectStatus(t, c.post("/admin/idees/themes/999999/archiver", url.Values{"archived": {"1"}}), 404)
		})

		garden := ideaByTitle(t, e, "Un jardin collectif")
		urls := []struct{ method, path string }{
			{"GET", "/admin/idees"}, {"GET", "/admin/idees/nouvelle"}, {"POST", "/admin/idees"},
			{"GET", "/admin/idees/themes"}, {"POST", "/admin/idees/themes"},
			{"POST", "/admin/idees/themes/1/archiver"},
			{"GET", "/admin/idees/" + itoa(garden.ID)}, {"POST", "/admin/idees/" + itoa(garden.ID) + "/statut"},
			{"POST", "/admin/idees/" + itoa(garden.ID) + "/moderation"},
		}
		form := url.Values{"kind": {"need"}, "title": {"Intrus"}, "theme": {"transport"}, "place": {"manseau"},
			"name_fr": {"Intrus"}, "status": {"done"}, "action": {"approve"}, "archived": {"1"}}
		call := func(cl *client, method, path string) response {
			if method == "GET" {
				return cl.get(path)
			}
			return cl.post(path, form)
		}

		t.Run("citizens, communications and anonymous are refused", func(t *testing.T) {
			e.user("citoyen@exemple.org", auth.RoleCitizen)
			e.user("comm@exemple.org", auth.RoleCommunications)
			for _, who := range []string{"citoyen@exemple.org", "comm@exemple.org"} {
				cl := e.client(t)
				cl.signIn(who)
				for _, u := range urls {
					if r := call(cl, u.method, u.path); r.StatusCode != 403 {
						t.Errorf("%s %s %s: status %d, want 403", who, u.method, u.path, r.StatusCode)
					}
				}
			}
			anon := e.client(t)
			for _, u := range urls {
				r := call(anon, u.method, u.path)
				if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/connexion") {
					t.Errorf("anonymous %s %s: status %d to %q", u.method, u.path, r.StatusCode, r.Header.Get("Location"))
				}
			}
			if g, _ := e.community.Get(ctx, tid, garden.ID); g.Status != community.SetAside {
				t.Errorf("a refused request changed the status to %s", g.Status)
			}
			if all, _ := e.community.List(ctx, tid, community.Filter{}); len(all) != 4 {
				t.Errorf("refused requests wrote ideas: %d", len(all))
			}
		})

		t.Run("another territory's idea is 404", func(t *testing.T) {
			ts := territory.NewStore(d)
			other, err := ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.community.EnsureThemes(ctx, other.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := ts.ImportPlaces(ctx, other.ID, strings.NewReader("slug,name,kind\nnicolet,Nicolet,ville\n")); err != nil {
				t.Fatal(err)
			}
			theirs, err := e.community.Submit(ctx, other.ID, community.Input{Kind: community.Need, Title: "Chez les voisins",
				ThemeCode: "transport", PlaceSlug: "nicolet"})
			if err != nil {
				t.Fatal(err)
			}
			id := itoa(theirs.ID)
			expectStatus(t, c.get("/admin/idees/"+id), 404)
			expectStatus(t, c.post("/admin/idees/"+id+"/statut", url.Values{"status": {"done"}}), 404)
			expectStatus(t, c.post("/admin/idees/"+id+"/moderation", url.Values{"action": {"approve"}}), 404)
			expectStatus(t, c.get("/admin/idees/abc"), 404)
			themes, _ := e.community.Themes(ctx, other.ID, true)
			expectStatus(t, c.post("/admin/idees/themes/"+strconv.FormatInt(themes[0].ID, 10)+"/archiver", url.Values{"archived": {"1"}}), 404)
			if g, _ := e.community.Get(ctx, other.ID, theirs.ID); g.Status != community.Proposed || g.Moderation != community.Pending {
				t.Errorf("the other territory's idea changed: %+v", g)
			}
			if strings.Contains(c.get("/admin/idees").body, "Chez les voisins") {
				t.Error("the list shows another territory's idea")
			}
		})
	})
}

// TestBrowserStaffIdeas: after a souper, a facilitator follows the event
// page's link and notes two things from the paper notes, publishes a
// citizen's proposal, and sets an idea aside (the reason is asked first) —
// every page checked with axe.
func TestBrowserStaffIdeas(t *testing.T) {
	desk := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	ctx := context.Background()
	anim := e.user("anim@exemple.org", auth.RoleFacilitator)
	ev := staffIdeaDinner(t, e, anim.ID)
	base := e.srv.URL
	if _, err := e.community.Submit(ctx, e.territory.ID, community.Input{Kind: community.Idea, Title: "Une friperie communautaire",
		Details: "Pour donner une deuxième vie aux vêtements d’enfants.", ThemeCode: "entraide", PlaceSlug: "becancour-gentilly",
		SubmitterName: "Gisèle Côté", SubmitterEmail: "gisele@exemple.org"}); err != nil {
		t.Fatal(err)
	}

	staffSignIn(t, desk, e, "anim@exemple.org")
	browsertest.Visit(t, desk, base+"/admin/evenements/"+itoa(ev.ID), "événement")
	if st := browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/idees/nouvelle?evenement=`+itoa(ev.ID)+`"]`); st != 200 {
		t.Fatalf("quick form: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "noter les besoins et idées")
	if got := browsertest.Text(t, desk, "h1"); !strings.Contains(got, "Souper citoyen à Manseau, 28\u00a0novembre") {
		t.Errorf("heading = %q", got)
	}

	// First note, with the theme forgotten.
	browsertest.SetValue(t, desk, "#title", "Un transport pour aller à l’épicerie")
	browsertest.SetValue(t, desk, "#details", "Plusieurs aînés du rang n’ont plus d’auto.")
	if st := browsertest.Submit(t, desk, "#title"); st != 422 {
		t.Fatalf("without a theme: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "formulaire avec erreur")
	if msg := browsertest.Text(t, desk, "#theme-err"); msg != "Choisissez un thème de la liste." {
		t.Errorf("theme error = %q", msg)
	}
	shot(t, desk, "ideas-01-formulaire-erreur")
	browsertest.SetValue(t, desk, "#theme", "transport")
	if st := browsertest.Submit(t, desk, "#title"); st != 200 {
		t.Fatalf("first note: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "premier besoin noté")
	if got := browsertest.Text(t, desk, ".flash"); got != "Noté. Vous pouvez en ajouter un autre." {
		t.Errorf("flash = %q", got)
	}

	// Second note: an idea of action.
	browsertest.Click(t, desk, `input[name="kind"][value="idea"]`)
	browsertest.SetValue(t, desk, "#title", "Un jardin collectif derrière l’église")
	browsertest.SetValue(t, desk, "#theme", "alimentation")
	if st := browsertest.Submit(t, desk, "#title"); st != 200 {
		t.Fatalf("second note: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "deuxième idée notée")
	if got := browsertest.Text(t, desk, ".si-recorded"); !strings.Contains(got, "Un jardin collectif") || !strings.Contains(got, "Un transport pour aller") {
		t.Errorf("recorded = %q", got)
	}
	shot(t, desk, "ideas-02-deux-notes")

	// The citizen's proposal.
	browsertest.Visit(t, desk, base+"/admin/idees", "besoins et idées")
	shot(t, desk, "ideas-03-a-verifier")
	if got := browsertest.Text(t, desk, ".si-queue"); !strings.Contains(got, "gisele@exemple.org") {
		t.Errorf("queue = %q", got)
	}
	if st := browsertest.Submit(t, desk, `.si-card input[name="action"][value="approve"]`); st != 200 {
		t.Fatalf("approve: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "proposition publiée")
	if got := browsertest.Text(t, desk, ".si-table"); !strings.Contains(got, "Une friperie communautaire") {
		t.Errorf("list after approving = %q", got)
	}
	if got := browsertest.Text(t, desk, ".si-queue"); !strings.Contains(got, "Aucune proposition à vérifier.") {
		t.Errorf("queue after approving = %q", got)
	}
	shot(t, desk, "ideas-04-publiee")

	// Set the garden aside.
	garden := ideaByTitle(t, e, "Un jardin collectif derrière l’église")
	browsertest.Visit(t, desk, base+"/admin/idees/"+itoa(garden.ID), "une idée")
	browsertest.SetValue(t, desk, "#status", "set_aside")
	if st := browsertest.Submit(t, desk, "#status"); st != 422 {
		t.Fatalf("set aside without a reason: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "mise de côté sans raison")
	if msg := browsertest.Text(t, desk, "#reason-err"); !strings.Contains(msg, "Expliquez en quelques mots") {
		t.Errorf("reason error = %q", msg)
	}
	browsertest.SetValue(t, desk, "#reason", "La fabrique n’a pas de terrain libre cette année ; on en reparle au printemps.")
	if st := browsertest.Submit(t, desk, "#reason"); st != 200 {
		t.Fatalf("set aside: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "idée mise de côté")
	if got := browsertest.Text(t, desk, ".st-state .st-status"); got != "Mise de côté" {
		t.Errorf("status = %q", got)
	}
	if got := browsertest.Text(t, desk, ".si-story"); !strings.Contains(got, "Proposée") || !strings.Contains(got, "on en reparle au printemps") {
		t.Errorf("story = %q", got)
	}
	shot(t, desk, "ideas-05-mise-de-cote")

	browsertest.Visit(t, desk, base+"/admin/idees/themes", "thèmes")
	shot(t, desk, "ideas-06-themes")
	browsertest.Visit(t, desk, base+"/admin/evenements/"+itoa(ev.ID), "événement avec ses idées")
	shot(t, desk, "ideas-07-evenement")

	// On a phone, the list and the form still fit.
	phone := browsertest.New(t)
	staffSignIn(t, phone, e, "anim@exemple.org")
	browsertest.Visit(t, phone, base+"/admin/idees", "besoins et idées, téléphone")
	shot(t, phone, "ideas-08-liste-telephone")
	browsertest.Visit(t, phone, base+"/admin/idees/nouvelle?evenement="+itoa(ev.ID), "noter, téléphone")
	shot(t, phone, "ideas-09-noter-telephone")
}
