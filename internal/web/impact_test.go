package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/impact"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// enteredIndicator is the demo's indicator of the portrait's presentations to municipal councils,
// a value the team enters.
func enteredIndicator(t *testing.T, e *env) impact.Indicator {
	t.Helper()
	inds, err := e.app.Impact.Indicators(context.Background(), e.territory.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range inds {
		if ind.NameFR == "Présentations du portrait aux conseils municipaux" {
			return ind
		}
	}
	t.Fatal("the demo has no indicator of the portrait's presentations")
	return impact.Indicator{}
}

// TestImpactPages reads the impact over HTTP: the public page in French
// and English, the partners' dashboard and what a partner is refused, the
// staff setting a target and entering a value (bad input first), and a
// report for the last quarter with its PDF and workbook.
func TestImpactPages(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		if _, err := demo.Seed(ctx, e.app); err != nil {
			t.Fatal(err)
		}
		ind := enteredIndicator(t, e)
		path := "/admin/impact/indicateurs/" + strconv.FormatInt(ind.ID, 10)

		t.Run("the public page", func(t *testing.T) {
			c := e.client(t)
			r := c.get("/impact")
			expectStatus(t, r, 200)
			expectContains(t, r, "<h1>Notre impact</h1>", "Impact visé", "Une culture de solidarité fondée sur la participation citoyenne",
				"Effets attendus à court terme", "Effets attendus à moyen et long terme", "Conditions de succès",
				"Réalisation de 18 soupers citoyens", "Présentations du portrait aux conseils municipaux", "Procès-verbaux des séances des conseils municipaux",
				"Municipalités formées", "Personnes formées",
				"Chronologie du projet", "Premier souper citoyen, à Lemieux", "Prochaines étapes", "Mise en place du Laboratoire leadership citoyen",
				"Cible\u00a0:", `<progress max="100"`, `role="img"`, "Évolution dans le temps")
			if strings.Contains(r.body, "@demo.implique.test") {
				t.Error("the public impact page shows an e-mail address")
			}
			c.lang = "en"
			r = c.get("/impact")
			expectStatus(t, r, 200)
			expectContains(t, r, `<html lang="en">`, "<h1>Our impact</h1>", "A culture of solidarity founded on citizen participation",
				"Expected short-term effects", "Project timeline", "Next steps", "Presentations of the portrait to municipal councils",
				"Municipalities trained")
		})

		t.Run("partners read the dashboard and nothing of the staff's", func(t *testing.T) {
			anon := e.client(t)
			r := anon.get("/partenaires")
			expectStatus(t, r, 303)
			if !strings.HasPrefix(r.Header.Get("Location"), "/connexion") {
				t.Errorf("anonymous sent to %q", r.Header.Get("Location"))
			}
			e.user("partenaire@exemple.org", auth.RolePartner)
			c := e.client(t)
			c.signIn("partenaire@exemple.org")
			r = c.get("/partenaires")
			expectStatus(t, r, 200)
			expectContains(t, r, "Tableau de bord des partenaires", "aucune donnée personnelle", "Municipalités formées", "Présentations du portrait aux conseils municipaux")
			for _, who := range []string{"@demo.implique.test", "Nicole Lemay", "Kevin Descôteaux"} {
				if strings.Contains(r.body, who) {
					t.Errorf("the partners' dashboard shows %q", who)
				}
			}
			for _, p := range []string{"/admin", "/admin/impact", path, "/admin/rapports", "/admin/rapports/1", "/admin/rapports/1/rapport.pdf"} {
				if r := c.get(p); r.StatusCode != 403 {
					t.Errorf("a partner on %s: %d, want 403", p, r.StatusCode)
				}
			}
			if r := c.post(path+"/valeurs", url.Values{"entry_value": {"9"}, "entry_day": {"2026-11-01"}, "entry_note": {"x"}}); r.StatusCode != 403 {
				t.Errorf("a partner entered a value: %d", r.StatusCode)
			}
		})

		t.Run("staff set a target and enter a value", func(t *testing.T) {
			e.user("animation@exemple.org", auth.RoleFacilitator)
			c := e.client(t)
			c.signIn("animation@exemple.org")
			r := c.get("/admin/impact")
			expectStatus(t, r, 200)
			expectContains(t, r, "Impact et indicateurs", "Ajouter un indicateur", "Chronologie et prochaines étapes", "Faits saillants")

			// A target that is not a number, a day out of bounds: the form
			// again, in French, with what was typed; nothing changed.
			form := url.Values{"effect": {strconv.FormatInt(ind.EffectID, 10)}, "source": {""}, "name_fr": {ind.NameFR},
				"definition_fr": {ind.DefinitionFR}, "unit": {"count"}, "period": {"year"}, "baseline": {"0"}, "baseline_on": {"2026-01-01"},
				"target": {"quinze"}, "target_on": {"9999-12-31"}}
			r = c.post(path, form)
			expectStatus(t, r, 422)
			expectContains(t, r, "Écrivez un nombre, par exemple 12 ou 12,5.", `value="quinze"`, "L’année doit être entre")
			if got, _ := e.app.Impact.Indicator(ctx, e.territory.ID, ind.ID); *got.Target != *ind.Target {
				t.Errorf("the target changed to %v on a refused form", *got.Target)
			}
			form.Set("target", "10")
			form.Set("target_on", "2028-03-31")
			r = c.post(path, form)
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "L’indicateur est enregistré.", "10 au 31\u00a0mars 2028")

			// A value without its source is refused and nothing is kept.
			before := testkit.Count(t, d, `SELECT COUNT(*) FROM impact_snapshots WHERE indicator_id = ?`, ind.ID)
			r = c.post(path+"/valeurs", url.Values{"entry_value": {"trois"}, "entry_day": {"2026-11-20"}, "entry_note": {""}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Écrivez un nombre", "Dites d’où vient le nombre.", `value="trois"`)
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM impact_snapshots WHERE indicator_id = ?`, ind.ID); n != before {
				t.Errorf("%d snapshots after a refused value, want %d", n, before)
			}
			r = c.post(path+"/valeurs", url.Values{"entry_value": {"4"}, "entry_day": {"2026-11-20"}, "entry_note": {"Liste des présences"}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "La valeur est enregistrée.", "Liste des présences", "remplacée", "corrige une valeur précédente")

			// A step is removed only once the removal is confirmed.
			ms, err := e.app.Impact.Milestones(ctx, e.territory.ID)
			if err != nil || len(ms) == 0 {
				t.Fatalf("milestones %v %v", ms, err)
			}
			stepPath := "/admin/impact/etapes/" + strconv.FormatInt(ms[0].ID, 10) + "/retirer"
			if r := c.post(stepPath, url.Values{}); r.StatusCode != 422 {
				t.Errorf("an unconfirmed removal: %d", r.StatusCode)
			}
			if after, _ := e.app.Impact.Milestones(ctx, e.territory.ID); len(after) != len(ms) {
				t.Fatal("a step was removed without confirmation")
			}
			r = c.post(stepPath, url.Values{"confirm": {"1"}})
			expectStatus(t, r, 303)
			if after, _ := e.app.Impact.Milestones(ctx, e.territory.ID); len(after) != len(ms)-1 {
				t.Error("the confirmed removal did not remove the step")
			}

			// Facilitators do not make the reports to funders.
			if r := c.get("/admin/rapports"); r.StatusCode != 403 {
				t.Errorf("a facilitator on the reports: %d", r.StatusCode)
			}
		})

		t.Run("the administrator makes last quarter's report", func(t *testing.T) {
			e.user("direction@exemple.org", auth.RoleAdministrator)
			c := e.client(t)
			c.signIn("direction@exemple.org")
			r := c.get("/admin/rapports")
			expectStatus(t, r, 200)
			expectContains(t, r, "Rapports aux bailleurs de fonds", "Le dernier trimestre", "Rapport trimestriel au comité des partenaires")
			r = c.post("/admin/rapports", url.Values{"title": {""}, "span": {"custom"}, "start": {"2026-10-01"}, "end": {"2026-07-01"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "La fin de la période vient après son début.", "Choisissez au moins une partie du rapport.")
			r = c.post("/admin/rapports", url.Values{"title": {"Rapport au CIUSSS"}, "span": {"last_quarter"},
				"sections": {"model", "places", "hours", "stories", "chronology", "next"}})
			expectStatus(t, r, 303)
			loc := r.Header.Get("Location")
			r = c.follow(r)
			expectStatus(t, r, 200)
			expectContains(t, r, "Rapport au CIUSSS", "Effets attendus à court terme", "Activités par municipalité", "Chronologie du projet", "PDF en français")
			pdf := c.get(loc + "/rapport.pdf?langue=fr")
			expectStatus(t, pdf, 200)
			if !strings.HasPrefix(pdf.body, "%PDF") || pdf.Header.Get("Content-Type") != "application/pdf" {
				t.Errorf("the PDF: %q, %s", pdf.Header.Get("Content-Type"), pdf.body[:min(8, len(pdf.body))])
			}
			again := c.get(loc + "/rapport.pdf?langue=fr")
			if again.body != pdf.body {
				t.Error("the same report gave two different PDFs")
			}
			en := c.get(loc + "/rapport.pdf?langue=en")
			expectStatus(t, en, 200)
			xlsx := c.get(loc + "/rapport.xlsx?langue=fr")
			expectStatus(t, xlsx, 200)
			if !strings.HasPrefix(xlsx.body, "PK") {
				t.Error("the workbook is not a zip file")
			}
			if r := c.get("/admin/rapports/999999"); r.StatusCode != 404 {
				t.Errorf("an unknown report: %d", r.StatusCode)
			}
		})
	})
}
