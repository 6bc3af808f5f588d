package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/territory"
)

func TestStaffInitiatives(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		tid := e.territory.ID
		e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("anim@exemple.org")
		idea, err := e.community.Record(ctx, tid, 0, community.Input{Kind: community.Idea, Title: "Une cuisine collective une fois par mois",
			Details: "Cuisiner ensemble et repartir avec des portions.", ThemeCode: "alimentation", PlaceSlug: "manseau"})
		if err != nil {
			t.Fatal(err)
		}
		count := func() int {
			l, err := e.community.Initiatives(ctx, tid, community.InitiativeFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(l)
		}

		t.Run("the staff area and the idea lead to initiatives", func(t *testing.T) {
			expectContains(t, c.get("/admin"), `href="/admin/initiatives"`, "Initiatives citoyennes")
			r := c.get("/admin/initiatives")
			expectStatus(t, r, 200)
			expectContains(t, r, "Aucune initiative pour l’instant.", `href="/admin/initiatives/nouvelle"`)
			expectContains(t, c.get("/admin/idees/"+itoa(idea.ID)), `href="/admin/initiatives/nouvelle?idee=`+itoa(idea.ID)+`"`, "Lancer une initiative")
		})

		var ini community.Initiative
		t.Run("launch from an idea: prefilled, bad input refused in French, then created", func(t *testing.T) {
			r := c.get("/admin/initiatives/nouvelle?idee=" + itoa(idea.ID))
			expectStatus(t, r, 200)
			expectContains(t, r, `name="idea" value="`+itoa(idea.ID)+`"`, `value="Une cuisine collective une fois par mois"`,
				"Cuisiner ensemble et repartir avec des portions.", `<option value="manseau" selected>`)
			expectStatus(t, c.get("/admin/initiatives/nouvelle?idee=999999"), 404)

			form := url.Values{"idea": {itoa(idea.ID)}, "title": {" "}, "summary": {"Cuisiner ensemble."}, "description": {"Écrit à la main"},
				"place": {"paris"}, "starts_on": {"2026-05-02"}, "ends_on": {"2026-05-01"}}
			r = c.post("/admin/initiatives", form)
			expectStatus(t, r, 422)
			expectContains(t, r, "Ce champ est obligatoire.", "Choisissez une municipalité ou un secteur de la liste.",
				"La fin ne peut pas venir avant le début.", "Écrit à la main", `id="ends_on-err"`)
			form.Set("title", "Cuisine collective de Manseau")
			form.Set("place", "manseau")
			form.Set("ends_on", "mai")
			r = c.post("/admin/initiatives", form)
			expectStatus(t, r, 422)
			expectContains(t, r, "Entrez une date sous la forme 2026-12-02.")
			if n := count(); n != 0 {
				t.Fatalf("refused forms wrote %d initiatives", n)
			}
			if g, _ := e.community.Get(ctx, tid, idea.ID); g.Status != community.Proposed {
				t.Fatalf("a refused form moved the idea to %s", g.Status)
			}
			form.Set("ends_on", "2026-12-15")
			r = c.post("/admin/initiatives", form)
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "l’idée est maintenant «\u00a0En cours\u00a0»", "Pas publiée", "Née de l’idée", `href="/admin/idees/`+itoa(idea.ID)+`"`)
			list, _ := e.community.Initiatives(ctx, tid, community.InitiativeFilter{})
			ini = list[0]
			if g, _ := e.community.Get(ctx, tid, idea.ID); g.Status != community.InProgress {
				t.Errorf("the idea is %s", g.Status)
			}
			expectContains(t, c.get("/admin/idees/"+itoa(idea.ID)), `href="/admin/initiatives/`+itoa(ini.ID)+`"`)
		})
		path := "/admin/initiatives/" + itoa(ini.ID)

		t.Run("milestones: date required, mark done, undo, remove with a confirmation", func(t *testing.T) {
			r := c.post(path+"/etapes", url.Values{"milestone_title": {"Trouver un local"}})
			expectStatus(t, r, 422)
			expectContains(t, r, `id="milestone_due_on-err"`, "Ce champ est obligatoire.", `value="Trouver un local"`)
			r = c.post(path+"/etapes", url.Values{"milestone_title": {""}, "milestone_due_on": {"demain"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Entrez une date sous la forme", `id="milestone_title-err"`)
			for _, m := range [][2]string{{"Trouver un local", "2026-03-15"}, {"Premier atelier", "2026-04-12"}} {
				r = c.post(path+"/etapes", url.Values{"milestone_title": {m[0]}, "milestone_due_on": {m[1]}})
				expectStatus(t, r, 303)
			}
			ms, _ := e.community.Milestones(ctx, tid, ini.ID)
			if len(ms) != 2 {
				t.Fatalf("%d milestones", len(ms))
			}
			r = c.post(path+"/etapes/"+itoa(ms[0].ID)+"/fait", url.Values{"done": {"1"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "L’étape est franchie", "1\u00a0étape sur 2", "Pas encore franchie")
			r = c.post(path+"/etapes/"+itoa(ms[1].ID)+"/retirer", nil)
			expectStatus(t, r, 200)
			expectContains(t, r, "Retirer l’étape «\u00a0Premier atelier\u00a0»\u00a0?", `name="confirm" value="1"`)
			if ms, _ := e.community.Milestones(ctx, tid, ini.ID); len(ms) != 2 {
				t.Fatal("a removal without confirmation removed")
			}
			r = c.post(path+"/etapes/"+itoa(ms[1].ID)+"/retirer", url.Values{"confirm": {"1"}})
			expectStatus(t, r, 303)
			if ms, _ := e.community.Milestones(ctx, tid, ini.ID); len(ms) != 1 || ms[0].DoneOn == nil {
				t.Errorf("milestones after removal: %+v", ms)
			}
			expectStatus(t, c.post(path+"/etapes/999999/fait", url.Values{"done": {"1"}}), 404)
		})

		t.Run("help wanted and actors", func(t *testing.T) {
			r := c.post(path+"/coups-de-main", url.Values{"help_title": {""}, "help_people_needed": {"0"}})
			expectStatus(t, r, 422)
			expectContains(t, r, `id="help_title-err"`, "Entrez un nombre de personnes entre 1 et 999.")
			r = c.post(path+"/coups-de-main", url.Values{"help_title": {"Des bras pour la vaisselle"}, "help_people_needed": {"3"}})
			expectStatus(t, r, 303)
			needs, _ := e.community.HelpNeeds(ctx, tid, ini.ID)
			if len(needs) != 1 || needs[0].PeopleNeeded != 3 {
				t.Fatalf("needs %+v", needs)
			}
			r = c.post(path+"/coups-de-main/"+itoa(needs[0].ID)+"/comble", url.Values{"filled": {"1"}})
			expectContains(t, c.follow(r), "Noté\u00a0: c’est trouvé.", "On cherche encore")

			r = c.post(path+"/acteurs", url.Values{"actor_name": {"Caisse Desjardins"}, "actor_kind": {"business"}, "actor_amount": {"beaucoup"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Entrez un montant en dollars", `value="Caisse Desjardins"`)
			r = c.post(path+"/acteurs", url.Values{"actor_name": {"Caisse Desjardins"}, "actor_kind": {"business"}, "actor_amount": {"1 250,50 $"},
				"actor_supports": {"room"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Un montant va avec un appui en argent")
			r = c.post(path+"/acteurs", url.Values{"actor_name": {"Caisse Desjardins"}, "actor_kind": {"business"}, "actor_amount": {"1 250,50 $"},
				"actor_supports": {"money", "equipment"}, "actor_details": {"Pour les chaudrons"}})
			expectStatus(t, r, 303)
			r = c.post(path+"/acteurs", url.Values{"actor_name": {"Municipalité de Manseau"}, "actor_kind": {"municipality"}, "actor_supports": {"room"}})
			expectStatus(t, r, 303)
			actors, _ := e.community.Actors(ctx, tid, ini.ID)
			if len(actors) != 2 || actors[0].AmountCents == nil || *actors[0].AmountCents != 125050 {
				t.Fatalf("actors %+v", actors)
			}
			r = c.get(path)
			expectContains(t, r, "1\u00a0250,50\u00a0$", "argent, du matériel", "Pour les chaudrons")
			edit := path + "/acteurs/" + itoa(actors[1].ID)
			r = c.get(edit)
			expectStatus(t, r, 200)
			expectContains(t, r, `value="Municipalité de Manseau"`, `value="room" checked`)
			r = c.post(edit, url.Values{"actor_name": {"Municipalité de Manseau"}, "actor_kind": {"municipality"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Cochez au moins une façon d’aider.")
			r = c.post(edit, url.Values{"actor_name": {"Municipalité de Manseau"}, "actor_kind": {"municipality"},
				"actor_supports": {"room", "staff_time"}, "actor_details": {"La salle du sous-sol"}})
			expectStatus(t, r, 303)
			r = c.post(edit+"/retirer", nil)
			expectContains(t, r, "Retirer Municipalité de Manseau des acteurs\u00a0?")
			if a, _ := e.community.Actors(ctx, tid, ini.ID); len(a) != 2 || a[1].Details != "La salle du sous-sol" {
				t.Fatalf("actors %+v", a)
			}
			r = c.post(edit+"/retirer", url.Values{"confirm": {"1"}})
			expectStatus(t, r, 303)
			if a, _ := e.community.Actors(ctx, tid, ini.ID); len(a) != 1 {
				t.Errorf("%d actors after removal", len(a))
			}
		})

		t.Run("people: leaders added with their consent, contacts for staff only, removal confirmed", func(t *testing.T) {
			r := c.post(path+"/personnes", url.Values{"person_role": {"chef"}, "person_name": {""}, "person_email": {"x@"}})
			expectStatus(t, r, 422)
			expectContains(t, r, `id="person_name-err"`, `id="person_email-err"`, "Choisissez «\u00a0responsable\u00a0» ou «\u00a0personne participante\u00a0».")
			r = c.post(path+"/personnes", url.Values{"person_role": {"leader"}, "person_name": {"Nicole Lemay"}, "person_email": {"nicole@exemple.org"},
				"person_phone": {"819 555-0101"}, "person_show_name": {"1"}, "person_lang": {"fr"}})
			expectStatus(t, r, 303)
			if n := e.mailCount(t, "nicole@exemple.org"); n != 1 {
				t.Errorf("the leader got %d e-mails", n)
			}
			r = c.post(path+"/personnes", url.Values{"person_role": {"participant"}, "person_name": {"Autre"}, "person_email": {"NICOLE@exemple.org"}})
			expectStatus(t, r, 409)
			expectContains(t, r, "Cette adresse courriel est déjà inscrite à cette initiative.", `value="Autre"`)
			r = c.post(path+"/personnes", url.Values{"person_role": {"participant"}, "person_name": {"Gaston sur papier"}, "person_phone": {"819 555-0102"},
				"person_offer": {"Ma grande marmite"}})
			expectStatus(t, r, 303)
			r = c.get(path)
			expectContains(t, r, "Nicole Lemay", "nicole@exemple.org", "819 555-0101", "prénom affiché", "Gaston sur papier", "Ma grande marmite",
				"2\u00a0personnes impliquées")
			people, _ := e.community.People(ctx, tid, ini.ID)
			r = c.post(path+"/personnes/"+itoa(people[1].ID)+"/retirer", nil)
			expectContains(t, r, "Retirer Gaston sur papier de l’initiative\u00a0?")
			r = c.post(path+"/personnes/"+itoa(people[1].ID)+"/retirer", url.Values{"confirm": {"1"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "La personne est retirée et ses données sont effacées.")
			if p, _ := e.community.People(ctx, tid, ini.ID); len(p) != 1 {
				t.Errorf("%d people after removal", len(p))
			}
		})

		t.Run("status, outcome, publish, edit", func(t *testing.T) {
			r := c.post(path+"/statut", url.Values{"status": {"abandoned"}, "reason": {" "}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Expliquez en quelques mots pourquoi le projet est abandonné", `<option value="abandoned" selected>`, `id="reason-err"`)
			r = c.post(path+"/statut", url.Values{"status": {"preparing"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Le projet en est déjà là")
			r = c.post(path+"/statut", url.Values{"status": {"active"}, "reason": {"Le local est trouvé."}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "L’étape du projet est enregistrée.", "Le local est trouvé.", `<option value="active" selected>`)
			r = c.post(path+"/bilan", url.Values{"outcome": {strings.Repeat("a", 3001)}})
			expectStatus(t, r, 422)
			r = c.post(path+"/bilan", url.Values{"outcome": {"Douze familles ont cuisiné ensemble."}})
			expectStatus(t, r, 303)

			anon := e.client(t)
			expectStatus(t, anon.get("/initiatives/"+ini.Slug), 404)
			r = c.post(path+"/publier", nil)
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "L’initiative est publiée", `href="/initiatives/`+ini.Slug+`"`)
			r = anon.get("/initiatives/" + ini.Slug)
			expectStatus(t, r, 200)
			expectContains(t, r, "Douze familles ont cuisiné ensemble.", "Caisse Desjardins", "Nicole", "En cours", "Le local est trouvé.")
			if strings.Contains(r.body, "nicole@exemple.org") || strings.Contains(r.body, "Lemay") {
				t.Error("a leader's contact is public")
			}

			r = c.get(path + "/modifier")
			expectStatus(t, r, 200)
			expectContains(t, r, `value="Cuisine collective de Manseau"`, `value="2026-12-15"`)
			r = c.post(path, url.Values{"title": {"Cuisine collective de Manseau"}, "summary": {strings.Repeat("a", 301)}, "place": {"manseau"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Ce texte est trop long.")
			r = c.post(path, url.Values{"title": {"La cuisine collective de Manseau"}, "place": {"manseau"}})
			expectStatus(t, r, 303)
			got, _ := e.community.Initiative(ctx, tid, ini.ID)
			if got.Title != "La cuisine collective de Manseau" || got.Slug != ini.Slug || got.EndsOn != nil {
				t.Errorf("after edit: %+v", got)
			}
			r = c.post(path+"/retirer", nil)
			expectContains(t, c.follow(r), "L’initiative est retirée du site.")
			expectStatus(t, anon.get("/initiatives/"+ini.Slug), 404)

			en := e.client(t)
			en.lang = "en"
			en.signIn("anim@exemple.org")
			expectContains(t, en.get(path), "Milestones", "Help wanted", "Supporting actors", "Where the project stands", "Under way")
		})

		t.Run("citizens, communications and anonymous are refused", func(t *testing.T) {
			ms, _ := e.community.Milestones(ctx, tid, ini.ID)
			people, _ := e.community.People(ctx, tid, ini.ID)
			actors, _ := e.community.Actors(ctx, tid, ini.ID)
			needs, _ := e.community.HelpNeeds(ctx, tid, ini.ID)
			urls := []struct{ method, path string }{
				{"GET", "/admin/initiatives"}, {"GET", "/admin/initiatives/nouvelle"}, {"POST", "/admin/initiatives"},
				{"GET", path}, {"GET", path + "/modifier"}, {"POST", path}, {"POST", path + "/publier"}, {"POST", path + "/retirer"},
				{"POST", path + "/statut"}, {"POST", path + "/bilan"}, {"POST", path + "/etapes"},
				{"POST", path + "/etapes/" + itoa(ms[0].ID) + "/fait"}, {"POST", path + "/etapes/" + itoa(ms[0].ID) + "/retirer"},
				{"POST", path + "/coups-de-main"}, {"POST", path + "/coups-de-main/" + itoa(needs[0].ID) + "/comble"},
				{"POST", path + "/acteurs"}, {"GET", path + "/acteurs/" + itoa(actors[0].ID)}, {"POST", path + "/acteurs/" + itoa(actors[0].ID)},
				{"POST", path + "/acteurs/" + itoa(actors[0].ID) + "/retirer"},
				{"POST", path + "/personnes"}, {"POST", path + "/personnes/" + itoa(people[0].ID) + "/retirer"},
			}
			form := url.Values{"title": {"Intrus"}, "place": {"manseau"}, "status": {"completed"}, "outcome": {"Intrus"}, "confirm": {"1"},
				"done": {"0"}, "filled": {"0"}, "milestone_title": {"Intrus"}, "milestone_due_on": {"2026-01-01"}, "actor_name": {"Intrus"},
				"actor_kind": {"other"}, "actor_supports": {"other"}, "person_role": {"leader"}, "person_name": {"Intrus"}, "help_title": {"Intrus"},
				"help_people_needed": {"1"}}
			call := func(cl *client, method, path string) response {
				if method == "GET" {
					return cl.get(path)
				}
				return cl.post(path, form)
			}
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
			got, _ := e.community.Initiative(ctx, tid, ini.ID)
			if got.Status != community.Active || got.Published() || got.Title != "La cuisine collective de Manseau" || count() != 1 {
				t.Errorf("a refused request changed the initiative: %+v", got)
			}
			if p, _ := e.community.People(ctx, tid, ini.ID); len(p) != 1 {
				t.Errorf("a refused request changed the people: %d", len(p))
			}
		})

		t.Run("another territory's initiative is 404", func(t *testing.T) {
			ts := territory.NewStore(d)
			other, err := ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ts.ImportPlaces(ctx, other.ID, strings.NewReader("slug,name,kind\nnicolet,Nicolet,ville\n")); err != nil {
				t.Fatal(err)
			}
			theirs, err := e.community.CreateInitiative(ctx, other.ID, 0, community.InitiativeInput{Title: "Chez les voisins", PlaceSlug: "nicolet"})
			if err != nil {
				t.Fatal(err)
			}
			_ = e.community.PublishInitiative(ctx, other.ID, theirs.ID, true)
			id := "/admin/initiatives/" + itoa(theirs.ID)
			expectStatus(t, c.get(id), 404)
			expectStatus(t, c.post(id+"/statut", url.Values{"status": {"completed"}}), 404)
			expectStatus(t, c.post(id+"/publier", nil), 404)
			expectStatus(t, c.post(id+"/etapes", url.Values{"milestone_title": {"X"}, "milestone_due_on": {"2026-01-01"}}), 404)
			expectStatus(t, c.get("/initiatives/"+theirs.Slug), 404)
			if strings.Contains(c.get("/admin/initiatives").body, "Chez les voisins") {
				t.Error("the list shows another territory's initiative")
			}
			if g, _ := e.community.Initiative(ctx, other.ID, theirs.ID); g.Status != community.Preparing || g.Milestones != 0 {
				t.Errorf("the other territory's initiative changed: %+v", g)
			}
		})
	})
}
