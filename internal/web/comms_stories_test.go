package web_test

import (
	"bytes"
	"context"
	"image"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/export/qrtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/volunteering"
)

// storyWorld is a communications officer on the test territory, the clock
// stopped on a Monday of November 2026.
type storyWorld struct {
	e     *env
	staff *client
}

func newStoryWorld(t *testing.T, d *db.DB) *storyWorld {
	t.Helper()
	e := newEnv(t, d)
	e.app.Clock.Set(time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC))
	e.user("comms@exemple.org", auth.RoleCommunications)
	return &storyWorld{e: e, staff: e.as(t, e.session(t, "comms@exemple.org"))}
}

// storyPNG is a 1 × 1 picture.
var storyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// storyPostFile posts a multipart form with a picture.
func storyPostFile(t *testing.T, c *client, path string, form url.Values, name string, data []byte) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("image", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// create makes a story through the form (with a picture) and returns its
// staff page.
func (w *storyWorld) create(t *testing.T) string {
	t.Helper()
	r := storyPostFile(t, w.staff, "/admin/communications/recits", url.Values{"kind": {"volunteer"}, "title": {"Louise, l’accueil du souper"},
		"summary": {"Bénévole au souper citoyen de Manseau."}, "body": {"Elle accueille **tout le monde**.\n\n<script>alert(1)</script>"},
		"place": {"manseau"}, "image_alt": {"Louise à l’accueil"}}, "louise.png", storyPNG)
	id := trainingCreatedID(t, r)
	return "/admin/communications/recits/" + id64(id)
}

func TestCommsStoriesPublishNeedsConsentAndWithdrawalHidesAll(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newStoryWorld(t, d)
		// Bad input: a clear French error, nothing written.
		r := w.staff.post("/admin/communications/recits", url.Values{"kind": {"alien"}, "title": {""}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Choisissez qui ou quoi le récit met en valeur.")
		r = storyPostFile(t, w.staff, "/admin/communications/recits", url.Values{"kind": {"volunteer"}, "title": {"X"}, "summary": {"Y"}},
			"photo.png", storyPNG)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Décrivez la photo")

		page := w.create(t)
		r = w.staff.get(page)
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Brouillon", "Aucun consentement enregistré")
		r = w.staff.post(page+"/publier", nil)
		expectStatus(t, r, http.StatusConflict)
		expectContains(t, r, "enregistrez d’abord le consentement")

		r = w.staff.post(page+"/consentements", url.Values{"person": {"Louise Tremblay"}, "what": {"name", "photo", "story"},
			"on_web": {"1"}, "on_social": {"1"}, "wording": {"J’accepte que mon nom, ma photo et mon histoire soient publiés."},
			"given_on": {"2026-10-28"}, "how": {"signed_form"}})
		expectStatus(t, r, http.StatusSeeOther)
		// A refused consent keeps the story's form as it was.
		r = w.staff.post(page+"/consentements", url.Values{"person": {"Marc"}, "how": {"signed_form"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, `value="Louise, l’accueil du souper"`, "Cochez ce qui est montré de la personne.", `value="Marc"`)
		expectStatus(t, w.staff.post(page+"/publier", nil), http.StatusSeeOther)

		visitor := w.e.client(t)
		list := visitor.get("/recits")
		expectStatus(t, list, http.StatusOK)
		expectContains(t, list, "Louise, l’accueil du souper", "/recits/louise-l-accueil-du-souper")
		story := visitor.get("/recits/louise-l-accueil-du-souper")
		expectStatus(t, story, http.StatusOK)
		expectContains(t, story, `property="og:image"`, "/recits/louise-l-accueil-du-souper/carte.png", "<strong>tout le monde</strong>",
			`alt="Louise à l’accueil"`)
		if strings.Contains(story.body, "<script>alert") {
			t.Error("the story's body carries a script")
		}
		img := visitor.get("/recits/louise-l-accueil-du-souper/image")
		expectStatus(t, img, http.StatusOK)
		if img.Header.Get("Content-Type") != "image/png" || img.body != string(storyPNG) {
			t.Errorf("picture %q", img.Header.Get("Content-Type"))
		}
		card := visitor.get("/recits/louise-l-accueil-du-souper/carte.png")
		expectStatus(t, card, http.StatusOK)
		if card.Header.Get("Content-Type") != "image/png" {
			t.Errorf("card %q", card.Header.Get("Content-Type"))
		}

		// The withdrawal asks for confirmation, then hides it all at once.
		cid := firstMatch(t, w.staff, page, `/consentements/([0-9]+)/retrait`)
		r = w.staff.post(page+"/consentements/"+cid+"/retrait", url.Values{"confirm": {"1"}, "withdrawn_on": {"2099-01-01"},
			"withdrawn_how": {"email"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Cette date est dans le futur.", "<details class=\"st-withdraw\" open>")
		r = w.staff.post(page+"/consentements/"+cid+"/retrait", url.Values{"withdrawn_on": {"2026-11-02"}, "withdrawn_how": {"email"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectStatus(t, visitor.get("/recits/louise-l-accueil-du-souper"), http.StatusOK)
		r = w.staff.post(page+"/consentements/"+cid+"/retrait", url.Values{"confirm": {"1"}, "withdrawn_on": {"2026-11-02"},
			"withdrawn_how": {"email"}})
		expectStatus(t, r, http.StatusSeeOther)
		for _, p := range []string{"/recits/louise-l-accueil-du-souper", "/recits/louise-l-accueil-du-souper/image",
			"/recits/louise-l-accueil-du-souper/carte.png"} {
			expectStatus(t, visitor.get(p), http.StatusNotFound)
		}
		if strings.Contains(visitor.get("/recits").body, "Louise") {
			t.Error("the list still shows the story")
		}
		r = w.staff.get(page)
		expectContains(t, r, "Louise Tremblay", "Retiré (consentement retiré)", "28\u00a0octobre 2026")
		expectStatus(t, w.staff.post(page+"/publier", nil), http.StatusConflict)
	})
}

func TestCommsStoriesRoles(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newStoryWorld(t, d)
		page := w.create(t)
		w.e.user("anim@exemple.org", auth.RoleFacilitator)
		facilitator := w.e.as(t, w.e.session(t, "anim@exemple.org"))
		for _, p := range []string{"/admin/communications/recits", page, "/admin/communications/affiches"} {
			expectStatus(t, facilitator.get(p), http.StatusForbidden)
			if r := w.e.client(t).get(p); r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusForbidden {
				t.Errorf("anonymous %s: %d", p, r.StatusCode)
			}
		}
		expectStatus(t, facilitator.post(page+"/publier", nil), http.StatusForbidden)
		// A draft is not public, nor its picture.
		expectStatus(t, w.e.client(t).get("/recits/louise-l-accueil-du-souper"), http.StatusNotFound)
		expectStatus(t, w.e.client(t).get("/recits/louise-l-accueil-du-souper/image"), http.StatusNotFound)
		expectStatus(t, w.staff.get(page+"/image"), http.StatusOK)
		expectStatus(t, w.staff.get("/admin/communications/recits/999999"), http.StatusNotFound)
	})
}

// storyDecodePoster reads the QR code of the PDF's first page, or of its
// top-left quarter (the first of four flyers).
func storyDecodePoster(t *testing.T, doc []byte, quarter bool) string {
	t.Helper()
	img := qrtest.Page(t, doc)
	var r image.Rectangle
	if quarter {
		b := img.Bounds()
		r = image.Rect(0, 0, b.Dx()/2, b.Dy()/2)
	}
	return qrtest.Decode(t, img, r)
}

func TestCommsPosterQRCodeLeadsToTarget(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newStoryWorld(t, d)
		ctx := context.Background()
		now := w.e.app.Clock.Now()
		if _, err := d.Exec(ctx, `INSERT INTO comms_campaigns (territory_id, code, theme, goal, starts_on, ends_on, created_at, updated_at)
			VALUES (?, 'benevoles-hiver', 'Devenir bénévole cet hiver', 'Trouver dix bénévoles pour les soupers.', '2026-11-01', '2026-12-15', ?, ?)`,
			w.e.territory.ID, now, now); err != nil {
			t.Fatal(err)
		}
		r := w.staff.get("/admin/communications/affiches?quoi=campaign")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Devenir bénévole cet hiver")
		cid := firstMatch(t, w.staff, "/admin/communications/affiches?quoi=campaign", `<option value="([0-9]+)"`)
		var link string
		for _, format := range []string{"letter", "tabloid", "flyers"} {
			r := w.staff.get("/admin/communications/affiches/pdf?quoi=campaign&id=" + cid + "&format=" + format)
			expectStatus(t, r, http.StatusOK)
			if r.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("%s: %q", format, r.Header.Get("Content-Type"))
			}
			got := storyDecodePoster(t, []byte(r.body), format == "flyers")
			if !strings.HasPrefix(got, w.e.srv.URL+"/l/") {
				t.Fatalf("%s: the code reads %q", format, got)
			}
			if link != "" && got != link {
				t.Errorf("%s: a second link %q (first %q)", format, got, link)
			}
			link = got
		}
		// POST gives the same, and a bad format or subject is refused.
		r = w.staff.post("/admin/communications/affiches/pdf", url.Values{"quoi": {"campaign"}, "id": {cid}, "format": {"letter"}})
		expectStatus(t, r, http.StatusOK)
		expectStatus(t, w.staff.get("/admin/communications/affiches/pdf?quoi=campaign&id="+cid+"&format=a4"), http.StatusUnprocessableEntity)
		expectStatus(t, w.staff.get("/admin/communications/affiches/pdf?quoi=campaign&id=999999&format=letter"), http.StatusNotFound)
		// Following the code lands on the target, and counts under the campaign.
		u, _ := url.Parse(link)
		res := w.e.client(t).get(u.Path)
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != w.e.srv.URL+"/" {
			t.Fatalf("following the code: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		links, err := w.e.tracking.List(ctx, w.e.territory.ID)
		if err != nil || len(links) != 1 || links[0].Campaign != "benevoles-hiver" {
			t.Fatalf("tracked links %+v, %v", links, err)
		}
		// An event's poster, once the event is public; its code leads to its page.
		loc := w.e.territory.Location()
		ev, err := w.e.events.Create(ctx, w.e.territory.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen",
			PlaceSlug: "manseau", VenueName: "Centre communautaire", StartsAt: time.Date(2026, 11, 20, 17, 30, 0, 0, loc),
			EndsAt: time.Date(2026, 11, 20, 20, 30, 0, 0, loc)})
		if err != nil {
			t.Fatal(err)
		}
		evPDF := "/admin/communications/affiches/pdf?quoi=event&id=" + id64(ev.ID) + "&format=tabloid"
		expectStatus(t, w.staff.get(evPDF), http.StatusNotFound)
		if err := w.e.events.Publish(ctx, w.e.territory.ID, ev.ID, now); err != nil {
			t.Fatal(err)
		}
		expectContains(t, w.staff.get("/admin/communications/affiches?quoi=event"), `value="`+id64(ev.ID)+`"`)
		r = w.staff.get(evPDF)
		expectStatus(t, r, http.StatusOK)
		u, _ = url.Parse(storyDecodePoster(t, []byte(r.body), false))
		res = w.e.client(t).get(u.Path)
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != w.e.srv.URL+"/evenements/"+ev.Slug {
			t.Fatalf("following the event's code: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		// A volunteer opportunity's poster: its link counts under « affiche ».
		org, err := w.e.orgs.Create(ctx, w.e.territory.ID, 0, orgs.Input{Name: "Comité des loisirs de Manseau", Kind: orgs.Nonprofit, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		o, err := w.e.vol.CreateOpportunity(ctx, w.e.territory.ID, 0, volunteering.Input{OrganizationID: org.ID, Title: "Accueil au souper",
			Kind: volunteering.Task, Schedule: volunteering.Flexible, PlaceSlug: "manseau", Causes: []string{"food"}})
		if err != nil {
			t.Fatal(err)
		}
		expectContains(t, w.staff.get("/admin/communications/affiches?quoi=opportunity"), "Accueil au souper")
		r = w.staff.get("/admin/communications/affiches/pdf?quoi=opportunity&id=" + id64(o.ID) + "&format=letter")
		expectStatus(t, r, http.StatusOK)
		got := storyDecodePoster(t, []byte(r.body), false)
		u, _ = url.Parse(got)
		res = w.e.client(t).get(u.Path)
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != w.e.srv.URL+"/s-impliquer/offres/"+o.Slug {
			t.Fatalf("following the opportunity's code: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestCommsShareCardsOfPublicPages(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx, tid := context.Background(), e.territory.ID
		visitor := e.client(t)
		wantCard := func(page, card string) {
			t.Helper()
			r := visitor.get(page)
			expectStatus(t, r, http.StatusOK)
			expectContains(t, r, `<meta property="og:image" content="`+e.srv.URL+card+`">`, `property="og:title"`)
			c := visitor.get(card)
			expectStatus(t, c, http.StatusOK)
			if c.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(c.body, "\x89PNG") {
				t.Errorf("%s: %q", card, c.Header.Get("Content-Type"))
			}
		}
		// An initiative: its card only once published.
		ini, _ := publicInitiative(t, e)
		wantCard("/initiatives/"+ini.Slug, "/initiatives/"+ini.Slug+"/partage/image.png")
		draft, err := e.community.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Un projet pas encore public",
			Summary: "Pas encore.", PlaceSlug: "manseau"})
		if err != nil {
			t.Fatal(err)
		}
		expectStatus(t, visitor.get("/initiatives/"+draft.Slug+"/partage/image.png"), http.StatusNotFound)
		// An idea: only once approved.
		idea, err := e.community.Submit(ctx, tid, community.Input{Kind: community.Idea, Title: "Une friperie communautaire",
			ThemeCode: "entraide", PlaceSlug: "manseau", SubmitterName: "Gisèle Côté", SubmitterEmail: "gisele@exemple.org"})
		if err != nil {
			t.Fatal(err)
		}
		expectStatus(t, visitor.get("/idees/"+id64(idea.ID)+"/partage.png"), http.StatusNotFound)
		if err := e.community.Moderate(ctx, tid, idea.ID, true); err != nil {
			t.Fatal(err)
		}
		wantCard("/idees/"+id64(idea.ID), "/idees/"+id64(idea.ID)+"/partage.png")
		// A volunteer opportunity.
		org, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Comité des loisirs de Manseau", Kind: orgs.Nonprofit, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		o, err := e.vol.CreateOpportunity(ctx, tid, 0, volunteering.Input{OrganizationID: org.ID, Title: "Accueil au souper",
			Kind: volunteering.Task, Schedule: volunteering.Flexible, PlaceSlug: "manseau", Causes: []string{"food"}})
		if err != nil {
			t.Fatal(err)
		}
		wantCard("/s-impliquer/offres/"+o.Slug, "/s-impliquer/offres/"+o.Slug+"/partage.png")
		expectStatus(t, visitor.get("/s-impliquer/offres/nulle-part/partage.png"), http.StatusNotFound)
	})
}

// TestCommsStoryPictureNeedsPhotoConsent: without everyone's consent to
// their photo, the story shows without its picture, the picture is not
// served, and the editor says who did not agree.
func TestCommsStoryPictureNeedsPhotoConsent(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newStoryWorld(t, d)
		page := w.create(t)
		expectStatus(t, w.staff.post(page+"/consentements", url.Values{"person": {"Louise Tremblay"}, "what": {"name", "story"},
			"on_web": {"1"}, "wording": {"J’accepte que mon nom et mon histoire soient publiés."}, "given_on": {"2026-10-28"},
			"how": {"signed_form"}}), http.StatusSeeOther)
		expectStatus(t, w.staff.post(page+"/publier", nil), http.StatusSeeOther)
		visitor := w.e.client(t)
		story := visitor.get("/recits/louise-l-accueil-du-souper")
		expectStatus(t, story, http.StatusOK)
		if strings.Contains(story.body, "/recits/louise-l-accueil-du-souper/image") || strings.Contains(story.body, "Louise à l’accueil") {
			t.Error("the page shows a picture without photo consent")
		}
		expectStatus(t, visitor.get("/recits/louise-l-accueil-du-souper/image"), http.StatusNotFound)
		expectContains(t, w.staff.get(page), "n’a pas consenti à montrer sa photo", "Louise Tremblay")
	})
}

// TestCommsConsentKeepsAContact: the consent form takes the person's e-mail
// and phone, optionally; a bad one is refused in French with nothing
// written.
func TestCommsConsentKeepsAContact(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newStoryWorld(t, d)
		page := w.create(t)
		form := url.Values{"person": {"Louise Tremblay"}, "email": {"louise@"}, "phone": {"12"}, "what": {"name", "story"},
			"on_web": {"1"}, "wording": {"J’accepte que mon nom et mon histoire soient publiés."}, "given_on": {"2026-10-28"},
			"how": {"signed_form"}}
		r := w.staff.post(page+"/consentements", form)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Entrez une adresse courriel valide", "Entrez un numéro à 10 chiffres")
		if n := countRows(t, d, "comms_story_consents"); n != 0 {
			t.Fatalf("%d consents after a refusal", n)
		}
		form.Set("email", "Louise@Exemple.org")
		form.Set("phone", "819 555-0142")
		expectStatus(t, w.staff.post(page+"/consentements", form), http.StatusSeeOther)
		expectContains(t, w.staff.get(page), "louise@exemple.org", "819 555-0142")
	})
}
