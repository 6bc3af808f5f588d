package web_test

import (
	"context"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/export"
	"implique/internal/jobs"
	"implique/internal/portrait"
)

// TestPortraitPages reads the portrait over HTTP: the public page of the
// territory and of a place, the small numbers it hides and the internal
// version shows, the 404 of an unknown place, who may read the internal
// version, and the PDFs.
func TestPortraitPages(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		if _, err := demo.Seed(ctx, e.app); err != nil {
			t.Fatal(err)
		}
		c := e.client(t)

		t.Run("the territory", func(t *testing.T) {
			r := c.get("/portrait")
			expectStatus(t, r, 200)
			expectContains(t, r, `<html lang="fr">`, "<h1>Portrait de l’implication et des besoins</h1>", "MRC de Bécancour",
				`<form method="get" action="/portrait"`, `<select id="lieu" name="lieu">`, `<option value="becancour-gentilly">— Gentilly</option>`,
				`<dl class="portrait-figures">`, "Soupers citoyens tenus", "Source\u00a0: Inscriptions aux soupers, Implique",
				"Population connue", "Municipalités dont la population n’est pas connue", "Relève dans les organismes",
				"Sentiment d’appartenance très fort ou plutôt fort", "Pour protéger la vie privée", `href="/portrait.pdf"`)
			if strings.Contains(r.body, "Version interne") || strings.Contains(r.body, "en attente de modération") {
				t.Error("the public page shows what only staff see")
			}
			if n := strings.Count(r.body, "<h1"); n != 1 {
				t.Errorf("%d <h1> on the portrait", n)
			}
		})

		t.Run("a place, its small numbers hidden", func(t *testing.T) {
			// A place where the demo has a small group of people.
			places, err := e.app.Territories.Places(ctx, e.territory.ID)
			if err != nil {
				t.Fatal(err)
			}
			slug := ""
			for _, pl := range places {
				p, err := e.app.Portrait.Build(ctx, e.territory.ID, pl.Slug, portrait.Internal)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range p.Sections {
					for _, f := range s.Figures {
						if f.People && f.Value > 0 && f.Value < p.Minimum && slug == "" {
							slug = pl.Slug
						}
					}
				}
			}
			if slug == "" {
				t.Fatal("the demo has no small group anywhere")
			}
			r := c.get("/portrait?lieu=" + slug)
			expectStatus(t, r, 200)
			expectContains(t, r, `value="`+slug+`" selected`, "moins de 5", `href="/portrait.pdf?lieu=`+slug+`"`)
			r = c.get("/portrait?lieu=becancour")
			expectStatus(t, r, 200)
			expectContains(t, r, "Bécancour et ses secteurs", "Gentilly", "13\u00a0561")
			r = c.get("/portrait?lieu=becancour-gentilly")
			expectStatus(t, r, 200)
			expectContains(t, r, "Gentilly, secteur de Bécancour", "1\u00a0673")

			staff := e.client(t)
			e.user("animation@exemple.org", auth.RoleFacilitator)
			staff.signIn("animation@exemple.org")
			r = staff.get("/admin/portrait?lieu=" + slug)
			expectStatus(t, r, 200)
			expectContains(t, r, "Version interne", `<form method="get" action="/admin/portrait"`, "en attente de modération",
				`href="/portrait?lieu=`+slug+`"`)
			if strings.Contains(r.body, "moins de 5") {
				t.Error("the internal version hides a small number")
			}

			r = staff.get("/admin/portrait.pdf?lieu=" + slug)
			expectStatus(t, r, 200)
			if ct := r.Header.Get("Content-Type"); ct != export.ContentTypePDF || !strings.HasPrefix(r.body, "%PDF-") {
				t.Errorf("internal PDF: %s, %.8q", ct, r.body)
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "portrait-") || !strings.Contains(cd, "version-interne") {
				t.Errorf("internal PDF named %q", cd)
			}
		})

		t.Run("an unknown place is a French 404", func(t *testing.T) {
			for _, path := range []string{"/portrait?lieu=montreal", "/portrait.pdf?lieu=montreal"} {
				r := c.get(path)
				expectStatus(t, r, 404)
				expectContains(t, r, `<html lang="fr">`, "Page introuvable", "ne fait pas partie du territoire")
			}
		})

		t.Run("the internal version is for staff only", func(t *testing.T) {
			r := c.get("/admin/portrait")
			expectStatus(t, r, 303)
			if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/connexion?retour=") {
				t.Errorf("anonymous visitor sent to %q", loc)
			}
			// Citizens and partners (who read the public portrait, linked
			// from their dashboard) are refused.
			e.user("citoyenne@exemple.org", auth.RoleCitizen)
			e.user("partenaire@exemple.org", auth.RolePartner)
			for _, who := range []string{"citoyenne@exemple.org", "partenaire@exemple.org"} {
				other := e.client(t)
				other.signIn(who)
				for _, path := range []string{"/admin/portrait", "/admin/portrait.pdf", "/admin/portrait?lieu=fortierville"} {
					r := other.get(path)
					expectStatus(t, r, 403)
					if strings.Contains(r.body, "Version interne") || strings.HasPrefix(r.body, "%PDF") {
						t.Errorf("%s shows the internal portrait to %s", path, who)
					}
				}
			}
			partner := e.client(t)
			partner.signIn("partenaire@exemple.org")
			expectContains(t, partner.get("/partenaires"), `href="/portrait"`)
			officer := e.client(t)
			e.user("communications@exemple.org", auth.RoleCommunications)
			officer.signIn("communications@exemple.org")
			expectStatus(t, officer.get("/admin/portrait"), 200)
			home := officer.get("/admin")
			expectStatus(t, home, 200)
			expectContains(t, home, `href="/admin/portrait"`)
		})

		t.Run("the public PDF and the footer link", func(t *testing.T) {
			r := c.get("/portrait.pdf")
			expectStatus(t, r, 200)
			if ct := r.Header.Get("Content-Type"); ct != export.ContentTypePDF || !strings.HasPrefix(r.body, "%PDF-") {
				t.Errorf("public PDF: %s, %.8q", ct, r.body)
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "portrait-mrc-de-becancour.pdf") {
				t.Errorf("public PDF named %q", cd)
			}
			expectContains(t, c.get("/"), `href="/portrait"`)
		})

		t.Run("in English", func(t *testing.T) {
			en := e.client(t)
			en.lang = "en"
			r := en.get("/portrait?lieu=becancour")
			expectStatus(t, r, 200)
			expectContains(t, r, `<html lang="en">`, "Portrait of involvement and needs", "and its sectors", "Citizen dinners held",
				"Source: Dinner registrations, Implique", "Very or somewhat strong sense of belonging", `<span lang="fr">Bécancour</span>`)
		})
	})
}
