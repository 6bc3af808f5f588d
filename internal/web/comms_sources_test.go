package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/volunteering"
)

// TestCommsSourcesLinksAndShareImages: a calendar item made from an
// opportunity or an initiative offers its share image, and the image
// answers; a newsletter's opportunity block links to the opportunity's
// page, which answers; an event's block and the composer's choices name
// the event by its distinguishing name, not its bare title.
func TestCommsSourcesLinksAndShareImages(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newStoryWorld(t, d)
		e := w.e
		ctx, tid := context.Background(), e.territory.ID
		visitor := e.client(t)
		org, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Comité des loisirs de Manseau", Kind: orgs.Nonprofit, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		o, err := e.vol.CreateOpportunity(ctx, tid, 0, volunteering.Input{OrganizationID: org.ID, Title: "Accueil au souper",
			Kind: volunteering.Task, Schedule: volunteering.Flexible, PlaceSlug: "manseau", Causes: []string{"food"}})
		if err != nil {
			t.Fatal(err)
		}
		ini, _ := publicInitiative(t, e)
		for _, src := range []struct {
			kind  string
			id    int64
			image string
		}{{comms.ItemFromOpportunity, o.ID, "/s-impliquer/offres/" + o.Slug + "/partage.png"},
			{comms.ItemFromInitiative, ini.ID, "/initiatives/" + ini.Slug + "/partage/image.png"}} {
			p, err := e.app.Comms.ItemFrom(ctx, tid, "fr", src.kind, src.id)
			if err != nil {
				t.Fatal(err)
			}
			if p.ShareImage != e.srv.URL+src.image {
				t.Errorf("%s: prefill share image %q", src.kind, p.ShareImage)
			}
			it, err := e.app.Comms.CreateItem(ctx, tid, 0, p.Input)
			if err != nil {
				t.Fatal(err)
			}
			expectContains(t, w.staff.get("/admin/communications/calendrier/elements/"+id64(it.ID)), `href="`+e.srv.URL+src.image+`" download`)
			img := visitor.get(src.image)
			expectStatus(t, img, http.StatusOK)
			if !strings.HasPrefix(img.body, "\x89PNG") {
				t.Errorf("%s: not a picture", src.image)
			}
		}

		// The newsletter's blocks.
		ev, err := e.events.Create(ctx, tid, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "manseau",
			VenueName: "Salle municipale", StartsAt: e.app.Clock.Now().Add(72 * time.Hour), EndsAt: e.app.Clock.Now().Add(75 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.events.Publish(ctx, tid, ev.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		name := ev.Name(cat, "fr", e.territory.Location())
		if name == ev.Title {
			t.Fatalf("the event's name is its bare title %q", name)
		}
		body := comms.NewsBlock("benevolat", o.Slug) + "\n\n" + comms.NewsBlock("evenement", ev.Slug) + "\n"
		r, err := e.app.Comms.RenderNewsletter(ctx, tid, body, "fr")
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`href="([^"]*` + regexp.QuoteMeta(o.Slug) + `)"`).FindStringSubmatch(string(r.HTML))
		if m == nil {
			t.Fatalf("no link to the opportunity in %s", r.HTML)
		}
		u, _ := url.Parse(m[1])
		expectStatus(t, visitor.get(u.Path), http.StatusOK)
		if !strings.Contains(string(r.HTML), name) {
			t.Errorf("the event's block does not name %q: %s", name, r.HTML)
		}
		evs, _, _, err := e.app.Comms.NewsBlockChoices(ctx, tid, "fr")
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || !strings.HasPrefix(evs[0].Label, name+" — ") {
			t.Errorf("the composer's choices: %+v", evs)
		}
	})
}
