package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

var joinRe = regexp.MustCompile(`/rejoindre/[A-Za-z0-9_-]+`)

// joinLink returns the invitation link of the newest e-mail to addr.
func (e *env) joinLink(t testing.TB, addr string) string {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.To == addr {
			if m := joinRe.FindString(it.Text); m != "" {
				return m
			}
		}
	}
	t.Fatalf("no invitation for %s in the outbox", addr)
	return ""
}

func (e *env) mails(t testing.TB) int {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

// newCommunity creates a community through the store.
func (e *env) newCommunity(t testing.TB, name string, public bool) community.Community {
	t.Helper()
	c, err := e.community.CreateCommunity(context.Background(), e.territory.ID, 0,
		community.CommunityInput{Name: name, Public: public, PlaceSlugs: []string{"fortierville"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// join accepts an invitation in a fresh client and returns it, signed in.
func (e *env) join(t *testing.T, link string, form url.Values) *client {
	t.Helper()
	c := e.client(t)
	expectStatus(t, c.get(link), 200)
	r := c.post(link, form)
	expectStatus(t, r, http.StatusSeeOther)
	return c
}

func TestCommunityStaffPages(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("anim@exemple.org", auth.RoleFacilitator)
		e.user("citoyen@exemple.org", auth.RoleCitizen)

		// Anonymous: sign in first; a citizen: forbidden.
		r := e.client(t).get("/admin/communautes")
		expectStatus(t, r, http.StatusSeeOther)
		cit := e.client(t)
		cit.signIn("citoyen@exemple.org")
		expectStatus(t, cit.get("/admin/communautes/nouvelle"), http.StatusForbidden)
		expectStatus(t, cit.post("/admin/communautes", url.Values{"name": {"X"}, "places": {"manseau"}, "visibility": {"public"}}), http.StatusForbidden)

		staff := e.client(t)
		staff.signIn("anim@exemple.org")
		expectContains(t, staff.get("/admin"), `href="/admin/communautes"`)
		expectStatus(t, staff.get("/admin/communautes/nouvelle"), 200)

		// Bad input: French messages, what was typed kept, nothing stored.
		r = staff.post("/admin/communautes", url.Values{"name": {"Jardins de <Manseau>"}, "description": {strings.Repeat("d", 3001)},
			"places": {"paris"}, "visibility": {"secret"}, "facilitators": {"999"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Choisissez une municipalité ou un secteur", "trop long", "privée\u00a0» ou «\u00a0publique",
			"Choisissez une personne de l’équipe", "Jardins de &lt;Manseau&gt;")
		if list, _ := e.community.Communities(context.Background(), e.territory.ID, community.CommunityFilter{}); len(list) != 0 {
			t.Fatalf("a community was stored on bad input: %+v", list)
		}
		r = staff.post("/admin/communautes", url.Values{"name": {"Jardins de Manseau"}, "places": {"manseau", "lemieux"}, "visibility": {"private"}})
		expectStatus(t, r, http.StatusSeeOther)
		page := staff.follow(r)
		expectStatus(t, page, 200)
		expectContains(t, page, "Jardins de Manseau", "Manseau", "Lemieux", "Privée")
		c, err := e.community.CommunityBySlug(context.Background(), e.territory.ID, "jardins-de-manseau")
		if err != nil {
			t.Fatal(err)
		}
		path := "/admin/communautes/" + id64(c.ID)

		// Invitations: one bad line stops the batch.
		before := e.mails(t)
		r = staff.post(path+"/invitations", url.Values{"emails": {"lise@exemple.org\nce n’est pas une adresse"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "ne sont pas des adresses courriel valides", "ce n’est pas une adresse")
		if e.mails(t) != before {
			t.Fatal("invitations sent despite a bad line")
		}
		r = staff.post(path+"/invitations", url.Values{"emails": {"Lise Bergeron <lise@exemple.org>\ngaetan@exemple.org"}})
		expectStatus(t, r, http.StatusSeeOther)
		if e.mails(t) != before+2 {
			t.Fatalf("%d invitations sent, want 2", e.mails(t)-before)
		}
		page = staff.follow(r)
		expectContains(t, page, "lise@exemple.org", "gaetan@exemple.org", "Invitations en attente")

		// Edit, then close and reopen (nothing deleted).
		r = staff.post(path, url.Values{"name": {"Jardins de Manseau et Lemieux"}, "places": {"manseau"}, "visibility": {"public"}})
		expectStatus(t, r, http.StatusSeeOther)
		expectStatus(t, staff.post(path+"/fermeture", url.Values{"action": {"close"}}), http.StatusSeeOther)
		r = staff.post(path+"/invitations", url.Values{"emails": {"z@exemple.org"}})
		expectStatus(t, r, http.StatusConflict)
		expectStatus(t, staff.post(path+"/fermeture", url.Values{"action": {"reopen"}}), http.StatusSeeOther)
		got, _ := e.community.Community(context.Background(), e.territory.ID, c.ID)
		if got.Name != "Jardins de Manseau et Lemieux" || !got.Public || got.Closed() || got.Slug != "jardins-de-manseau" {
			t.Errorf("after edits: %+v", got)
		}

		// A meeting planned from the community's page.
		r = staff.get("/admin/evenements/nouveau?communaute=" + id64(c.ID))
		expectStatus(t, r, 200)
		expectContains(t, r, `name="community" value="`+id64(c.ID)+`"`, "Rencontre — Jardins de Manseau et Lemieux")
		r = staff.post("/admin/evenements", url.Values{"community": {id64(c.ID)}, "kind": {"community_meeting"},
			"title": {"Rencontre — Jardins"}, "place": {"manseau"}, "venue_name": {"Salle municipale"},
			"date": {"2030-05-04"}, "start_time": {"19:00"}, "end_time": {"21:00"}})
		expectStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != path+"#rencontres" {
			t.Errorf("after creating a meeting: %s", loc)
		}
		if ms, _ := e.community.Meetings(context.Background(), e.territory.ID, c.ID); len(ms) != 1 {
			t.Errorf("meetings %+v", ms)
		}
	})
}

func TestCommunityJoinAndSpace(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.newCommunity(t, "Bouger ensemble", false)
		if _, err := e.community.Invite(ctx, e.territory.ID, c.ID, 0, []community.Invitee{
			{Name: "Lise Bergeron", Email: "lise@exemple.org"}, {Email: "gaetan@exemple.org"}, {Email: "anim@exemple.org"}}, "fr"); err != nil {
			t.Fatal(err)
		}
		space := "/communautes/" + c.Slug

		// A private community: anonymous → sign in; the space is not shown.
		expectStatus(t, e.client(t).get(space), http.StatusSeeOther)

		// Lise opens her link: a form, nothing done yet.
		link := e.joinLink(t, "lise@exemple.org")
		lise := e.client(t)
		r := lise.get(link)
		expectStatus(t, r, 200)
		expectContains(t, r, "Bouger ensemble", "lise@exemple.org", `value="Lise Bergeron"`)
		if _, err := e.auth.UserByEmail(ctx, "lise@exemple.org"); err == nil {
			t.Fatal("opening the link created an account")
		}
		// An empty name and a bad phone: refused, no account, link still good.
		r = lise.post(link, url.Values{"share_name_value": {" "}, "phone": {"12"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if _, err := e.auth.UserByEmail(ctx, "lise@exemple.org"); err == nil {
			t.Fatal("a refused answer created an account")
		}
		r = lise.post(link, url.Values{"share_name_value": {"Lise B."}, "show_name": {"1"}, "phone": {"12"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "numéro à 10 chiffres")
		r = lise.post(link, url.Values{"share_name_value": {"Lise B."}, "show_name": {"1"}, "show_email": {"1"}, "phone": {"819 555-0101"}})
		expectStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != space {
			t.Fatalf("after joining: %s", loc)
		}
		r = lise.follow(r)
		expectStatus(t, r, 200)
		expectContains(t, r, "Bienvenue dans la communauté", "Nouvelles", "Outils et ressources", "Lise B.", "819 555-0101")
		// The link works once.
		expectStatus(t, e.client(t).post(link, url.Values{"share_name_value": {"X"}}), http.StatusConflict)

		// Gaétan joins without showing himself; Lise does not see him.
		gaetan := e.join(t, e.joinLink(t, "gaetan@exemple.org"), url.Values{"share_name_value": {"Gaétan"}, "show_email": {"1"}})
		r = lise.get(space)
		if strings.Contains(r.body, "gaetan@exemple.org") || strings.Contains(r.body, "Gaétan") {
			t.Error("Lise sees Gaétan, who shows nothing")
		}
		expectContains(t, r, "1 autre membre qui ne montre pas son nom")
		r = gaetan.get(space)
		expectContains(t, r, "Lise B.", "lise@exemple.org")

		// A staff member's invitation does not sign them in on the way.
		r = e.client(t).post(e.joinLink(t, "anim@exemple.org"), url.Values{"share_name_value": {"Julie"}})
		expectStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/connexion?retour=") {
			t.Errorf("a staff account signed in by an invitation: %s", loc)
		}

		// Someone else signed in: not found.
		e.user("autre@exemple.org", auth.RoleCitizen)
		other := e.client(t)
		other.signIn("autre@exemple.org")
		expectStatus(t, other.get(space), http.StatusNotFound)
		expectStatus(t, other.post(space+"/messages", url.Values{"body": {"Allo"}}), http.StatusNotFound)

		// Posts: empty refused; a post shows; another member cannot remove it.
		r = lise.post(space+"/messages", url.Values{"body": {"  "}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce champ est obligatoire")
		expectStatus(t, lise.post(space+"/messages", url.Values{"body": {"La marche est à 9 h mardi."}}), http.StatusSeeOther)
		posts, _ := e.community.Posts(ctx, e.territory.ID, c.ID, 0)
		if len(posts) != 1 {
			t.Fatalf("posts %+v", posts)
		}
		expectContains(t, gaetan.get(space), "La marche est à 9 h mardi.")
		expectStatus(t, gaetan.post(space+"/messages/"+id64(posts[0].ID)+"/retirer", nil), http.StatusForbidden)
		expectStatus(t, lise.post(space+"/messages/"+id64(posts[0].ID)+"/retirer", nil), http.StatusSeeOther)

		// Resources: a file that is not what it claims is refused; a PDF is shared.
		r = upload(t, lise, space+"/ressources", map[string]string{"category": "tool", "title": "Outil"}, "outil.exe", []byte("MZ..."))
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "type de fichier n’est pas accepté", `value="Outil"`)
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 2000)...)
		r = upload(t, lise, space+"/ressources", map[string]string{"category": "template", "title": "Affiche"}, "affiche été.pdf", pdf)
		expectStatus(t, r, http.StatusSeeOther)
		res, _ := e.community.Resources(ctx, e.territory.ID, c.ID)
		if len(res) != 1 {
			t.Fatalf("resources %+v", res)
		}
		file := space + "/ressources/" + id64(res[0].ID)
		r = gaetan.get(file)
		expectStatus(t, r, 200)
		if r.body != string(pdf) || r.Header.Get("Content-Type") != "application/pdf" ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download: %v", r.Header)
		}
		expectStatus(t, other.get(file), http.StatusNotFound)
		expectStatus(t, e.client(t).get(file), http.StatusSeeOther)

		// Sharing changed, then Lise leaves (with a confirmation page).
		r = lise.post(space+"/partage", url.Values{"share_name_value": {"Lise"}, "show_name": {"1"}})
		expectStatus(t, r, http.StatusSeeOther)
		if strings.Contains(gaetan.get(space).body, "819 555-0101") {
			t.Error("the phone Lise stopped sharing is still shown")
		}
		r = lise.get(space + "/quitter")
		expectStatus(t, r, 200)
		expectContains(t, r, "Oui, je quitte la communauté")
		expectStatus(t, lise.post(space+"/quitter", nil), http.StatusSeeOther)
		expectStatus(t, lise.get(space), http.StatusNotFound)
		if strings.Contains(gaetan.get(space).body, "Lise") {
			t.Error("Gaétan still sees Lise after she left")
		}

		// English.
		gaetan.lang = "en"
		expectContains(t, gaetan.get(space), "Tools and resources", "What the other members see of me")
	})
}

func TestCommunityPublicRequest(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.newCommunity(t, "Cuisine collective", true)
		private := e.newCommunity(t, "Comité secret", false)
		v := e.client(t)
		r := v.get("/communautes")
		expectStatus(t, r, 200)
		expectContains(t, r, "Cuisine collective")
		if strings.Contains(r.body, "Comité secret") {
			t.Error("a private community is listed")
		}
		r = v.get("/lieux/fortierville")
		expectContains(t, r, "Cuisine collective")
		if strings.Contains(r.body, "Comité secret") {
			t.Error("a private community is listed on its place's page")
		}
		space := "/communautes/" + c.Slug
		r = v.get(space)
		expectStatus(t, r, 200)
		expectContains(t, r, "Je veux me joindre")
		if strings.Contains(r.body, "Nouvelles") {
			t.Error("a visitor sees the members' space")
		}
		r = v.post(space+"/demande", url.Values{"name": {""}, "email": {"pas-un-courriel"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Ce champ est obligatoire", "pas-un-courriel")
		expectStatus(t, v.post(space+"/demande", url.Values{"name": {"Rita"}, "email": {"rita@exemple.org"}}), http.StatusSeeOther)
		c2 := e.join(t, e.joinLink(t, "rita@exemple.org"), url.Values{"share_name_value": {"Rita"}})
		expectContains(t, c2.get(space), "Nouvelles")
		expectContains(t, c2.get("/communautes"), "Mes communautés")
		expectContains(t, c2.get("/compte"), "Mes communautés", `href="/communautes/`+c.Slug+`"`)

		// The idea it carries says so, naming the public community and
		// counting the private one without naming it.
		ctx := context.Background()
		idea, err := e.community.Record(ctx, e.territory.ID, 0, community.Input{Kind: community.Idea, Title: "Cuisiner ensemble",
			ThemeCode: "alimentation", PlaceSlug: "fortierville"})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{c.ID, private.ID} {
			if err := e.community.CarryIdea(ctx, e.territory.ID, id, idea.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		r = v.get("/idees/" + id64(idea.ID))
		expectContains(t, r, "Portée par", `href="/communautes/`+c.Slug+`"`, "1 communauté de partage privée")
		if strings.Contains(r.body, "Comité secret") {
			t.Error("the idea page names a private community")
		}
		expectStatus(t, v.post("/communautes/"+private.Slug+"/demande", url.Values{"name": {"R"}, "email": {"r@exemple.org"}}), http.StatusSeeOther)
		expectStatus(t, v.get("/rejoindre/faux"), http.StatusNotFound)
	})
}

// upload posts a multipart form with one file.
func upload(t *testing.T, c *client, path string, fields map[string]string, name string, data []byte) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}
