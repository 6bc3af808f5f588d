package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/community"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

var supportRe = regexp.MustCompile(`/appui/[A-Za-z0-9_-]+`)

// outboxLink returns the first match of re in the newest e-mail to addr.
func (e *env) outboxLink(t testing.TB, addr string, re *regexp.Regexp) string {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.To == addr {
			if m := re.FindString(it.Text); m != "" {
				return m
			}
		}
	}
	t.Fatalf("no link for %s in the outbox", addr)
	return ""
}

// TestBrowserJourneyFromIdeaToCommunity: on a phone, a citizen proposes an
// idea, which staff approve; she supports it and confirms by the e-mailed
// link. A facilitator (desktop) creates a communauté de partage that
// carries the idea and invites her from the suggestions; she opens the
// invitation, chooses what the others will see, joins, posts a news item,
// and leaves — every page checked with axe.
func TestBrowserJourneyFromIdeaToCommunity(t *testing.T) {
	phone := browsertest.New(t)
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.user("anim@exemple.org", auth.RoleFacilitator)
	base := e.srv.URL
	ctx := context.Background()

	// The citizen proposes an idea.
	browsertest.Visit(t, phone, base+"/idees/proposer", "proposer une idée")
	browsertest.SetValue(t, phone, "#title", "Un club de marche le mardi matin")
	browsertest.SetValue(t, phone, "#place", "fortierville")
	browsertest.SetValue(t, phone, "#theme", "isolement-des-aines")
	browsertest.SetValue(t, phone, "#submitter_name", "Lise Bergeron")
	browsertest.SetValue(t, phone, "#submitter_email", "lise@exemple.org")
	if st := browsertest.Submit(t, phone, "#title"); st != 200 {
		t.Fatalf("propose: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "idée proposée")
	shot(t, phone, "70-idee-proposee")
	ideas, _ := e.community.List(ctx, e.territory.ID, community.Filter{Moderation: community.Pending})
	if len(ideas) != 1 {
		t.Fatalf("pending ideas: %+v", ideas)
	}
	idea := ideas[0]
	if err := e.community.Moderate(ctx, e.territory.ID, idea.ID, true); err != nil {
		t.Fatal(err)
	}

	// She supports it, then confirms by the e-mailed link.
	browsertest.Visit(t, phone, base+"/idees/"+id64(idea.ID), "page de l’idée")
	browsertest.SetValue(t, phone, "#name", "Lise Bergeron")
	browsertest.SetValue(t, phone, "#email", "lise@exemple.org")
	browsertest.SetValue(t, phone, "#offer", "Je connais les sentiers du rang 3.")
	if st := browsertest.Submit(t, phone, "#offer"); st != 200 {
		t.Fatalf("support: status %d", st)
	}
	browsertest.Visit(t, phone, base+e.outboxLink(t, "lise@exemple.org", supportRe), "confirmer l’appui")
	if st := browsertest.Submit(t, phone, `form[action^="/appui/"]`); st != 200 {
		t.Fatalf("confirm support: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "appui confirmé")
	if got, _ := e.community.Get(ctx, e.territory.ID, idea.ID); got.Supporters != 1 {
		t.Fatalf("%d supporters", got.Supporters)
	}

	// A facilitator creates a community carrying the idea and invites her.
	desk := browsertest.New(t, browsertest.Desktop())
	staffSignIn(t, desk, e, "anim@exemple.org")
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/communautes"]`)
	browsertest.CheckAccessibility(t, desk, "communautés (équipe)")
	browsertest.ClickAndWaitLoad(t, desk, `a[href="/admin/communautes/nouvelle"]`)
	browsertest.CheckAccessibility(t, desk, "nouvelle communauté")
	if st := browsertest.Submit(t, desk, "#name"); st != 422 {
		t.Fatalf("empty community form: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "nouvelle communauté (erreurs)")
	shot(t, desk, "71-communaute-erreurs")
	browsertest.SetValue(t, desk, "#name", "Bouger ensemble à Fortierville")
	browsertest.SetValue(t, desk, "#description", "Marcher, covoiturer, prendre un café.")
	browsertest.Click(t, desk, `input[name="places"][value="fortierville"]`)
	browsertest.Click(t, desk, `input[name="visibility"][value="public"]`)
	if st := browsertest.Submit(t, desk, "#name"); st != 200 {
		t.Fatalf("create community: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "page équipe de la communauté")
	browsertest.SetValue(t, desk, "#idea", id64(idea.ID))
	if st := browsertest.Submit(t, desk, "#idea"); st != 200 {
		t.Fatalf("carry idea: status %d", st)
	}
	if txt := browsertest.Text(t, desk, "#invitations + form"); !strings.Contains(txt, "Lise Bergeron") {
		t.Fatalf("suggestions = %q", txt)
	}
	browsertest.Click(t, desk, `input[name="suggested"][value="lise@exemple.org"]`)
	if st := browsertest.Submit(t, desk, "#emails"); st != 200 {
		t.Fatalf("invite: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "communauté avec invitation")
	shot(t, desk, "72-communaute-equipe")

	// Gérard, met at the souper, has no e-mail: the facilitator adds him,
	// once he has agreed, with his name and phone shown to the members.
	browsertest.SetValue(t, desk, "#met_name", "Gérard Pellerin")
	browsertest.SetValue(t, desk, "#met_phone", "819 555-0102")
	browsertest.Click(t, desk, `input[name="met_shown"][value="name_phone"]`)
	if st := browsertest.Submit(t, desk, "#met_name"); st != 422 {
		t.Fatalf("person met without agreement: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "personne rencontrée (erreurs)")
	if txt := browsertest.Text(t, desk, "#met_agreed-err"); !strings.Contains(txt, "a accepté") {
		t.Errorf("agreement error = %q", txt)
	}
	shot(t, desk, "72b-personne-rencontree-erreurs")
	browsertest.Click(t, desk, `input[name="met_agreed"]`)
	if st := browsertest.Submit(t, desk, "#met_name"); st != 200 {
		t.Fatalf("add person met: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "communauté avec une personne sans courriel")
	if txt := browsertest.Text(t, desk, "#membres ~ .table-wrap"); !strings.Contains(txt, "Gérard Pellerin") || !strings.Contains(txt, "819 555-0102") ||
		!strings.Contains(txt, "sans courriel") {
		t.Errorf("members = %q", txt)
	}
	shot(t, desk, "72c-personne-rencontree")

	// She opens the invitation on her phone and joins.
	browsertest.Visit(t, phone, base+e.joinLink(t, "lise@exemple.org"), "invitation")
	shot(t, phone, "73-invitation")
	browsertest.SetValue(t, phone, "#share_name_value", "Lise B.")
	browsertest.Click(t, phone, `input[name="show_name"]`)
	browsertest.SetValue(t, phone, "#phone", "819 555-0101")
	if st := browsertest.Submit(t, phone, "#share_name_value"); st != 200 {
		t.Fatalf("join: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "espace de la communauté")
	if f := browsertest.Text(t, phone, ".flash"); !strings.Contains(f, "Bienvenue") {
		t.Errorf("flash = %q", f)
	}
	if txt := browsertest.Text(t, phone, "#idees + ul"); !strings.Contains(txt, "Un club de marche") {
		t.Errorf("carried ideas = %q", txt)
	}
	if txt := browsertest.Text(t, phone, ".contacts"); !strings.Contains(txt, "Gérard Pellerin") || !strings.Contains(txt, "819 555-0102") {
		t.Errorf("the members' directory = %q", txt)
	}
	browsertest.SetValue(t, phone, "#body", "Premier départ mardi, 9 h, devant l’église !")
	if st := browsertest.Submit(t, phone, "#body"); st != 200 {
		t.Fatalf("post: status %d", st)
	}
	if txt := browsertest.Text(t, phone, ".posts"); !strings.Contains(txt, "Lise B.") || !strings.Contains(txt, "Premier départ") {
		t.Errorf("posts = %q", txt)
	}
	browsertest.CheckAccessibility(t, phone, "espace après une nouvelle")
	shot(t, phone, "74-espace-communaute")

	// The idea's story says it is carried.
	if got, _ := e.community.Get(ctx, e.territory.ID, idea.ID); got.Status != community.InProgress {
		t.Errorf("idea status %s", got.Status)
	}

	// The facilitator launches an initiative from the community and publishes it.
	browsertest.ClickAndWaitLoad(t, desk, `a[href^="/admin/initiatives/nouvelle?communaute="]`)
	browsertest.CheckAccessibility(t, desk, "initiative née de la communauté")
	if v := browsertest.Text(t, desk, "#community option:checked"); v != "Bouger ensemble à Fortierville" {
		t.Errorf("community chosen = %q", v)
	}
	browsertest.SetValue(t, desk, "#title", "Navette du jeudi vers l’épicerie")
	browsertest.SetValue(t, desk, "#summary", "Des voisins conduisent ceux qui n’ont plus d’auto.")
	if st := browsertest.Submit(t, desk, "#title"); st != 200 {
		t.Fatalf("create initiative: status %d", st)
	}
	if st := browsertest.Submit(t, desk, `form[action$="/publier"]`); st != 200 {
		t.Fatalf("publish initiative: status %d", st)
	}
	shot(t, desk, "76-initiative-equipe")

	// She follows it from her community's page: signed in by her invitation,
	// she joins at once.
	browsertest.Visit(t, phone, base+"/communautes/bouger-ensemble-a-fortierville", "communauté avec initiative")
	browsertest.ClickAndWaitLoad(t, phone, `#initiatives + ul a`)
	browsertest.CheckAccessibility(t, phone, "initiative (public)")
	if txt := browsertest.Text(t, phone, ".facts"); !strings.Contains(txt, "Bouger ensemble à Fortierville") {
		t.Errorf("the initiative does not name its community: %q", txt)
	}
	browsertest.SetValue(t, phone, "#name", "Lise Bergeron")
	browsertest.SetValue(t, phone, "#email", "lise@exemple.org")
	browsertest.SetValue(t, phone, "#offer", "Je peux conduire le jeudi.")
	if st := browsertest.Submit(t, phone, "#offer"); st != 200 {
		t.Fatalf("join initiative: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "initiative rejointe")
	if txt := browsertest.Text(t, phone, ".ini-following"); !strings.Contains(txt, "Vous participez") {
		t.Errorf("after joining, the page says %q", txt)
	}
	if n := browsertest.Text(t, phone, "#personnes-impliquees"); !strings.HasPrefix(n, "1\u00a0") {
		t.Errorf("people involved = %q", n)
	}
	shot(t, phone, "77-initiative-suivie")

	// She leaves the community, after a confirmation.
	browsertest.Visit(t, phone, base+"/communautes/bouger-ensemble-a-fortierville", "communauté avant de la quitter")
	browsertest.ClickAndWaitLoad(t, phone, `a[href$="/quitter"]`)
	browsertest.CheckAccessibility(t, phone, "quitter la communauté")
	shot(t, phone, "75-quitter")
	if st := browsertest.Submit(t, phone, `form[action$="/quitter"]`); st != 200 {
		t.Fatalf("leave: status %d", st)
	}
	browsertest.CheckAccessibility(t, phone, "communautés après départ")
	if m, _ := e.community.Members(ctx, e.territory.ID, 1); len(m) != 1 || m[0].Name != "Gérard Pellerin" {
		t.Errorf("members after she left: %+v", m)
	}
}
