package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
)

const importSample = "\ufeffOrganisme;Type;Municipalité;Poste;Titulaire;Courriel du titulaire;Fin du mandat;Ouvert à la relève\r\n" +
	"Comité des loisirs de Manseau;Comité citoyen;Manseau;Présidence;Marie Côté;marie@exemple.org;01/05/2026;non\r\n" +
	"Comité des loisirs de Manseau;Comité citoyen;Manseau;Trésorerie;;;;oui\r\n" +
	"Club de l’âge d’or;OBNL;Atlantide;Présidence;Paul Roy;paul@;31/02/2026;peut-être\r\n"

func TestStaffImport(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.orgClock()
		ctx := context.Background()
		tid := e.territory.ID
		e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("anim@exemple.org")

		r := c.get("/admin/importer-organismes")
		expectStatus(t, r, 200)
		expectContains(t, r, "<span>Organisme</span> · <span>Type</span> · <span>Municipalités</span>", `href="/admin/organismes/modele.csv"`, `enctype="multipart/form-data"`)
		model := c.get("/admin/organismes/modele.csv")
		expectStatus(t, model, 200)
		if !strings.HasPrefix(model.body, "\ufeffOrganisme;Type;") || !strings.Contains(model.Header.Get("Content-Disposition"), "modele-organismes.csv") {
			t.Errorf("model: %q", model.body[:40])
		}

		// A missing file or a file without names: said on the form, nothing kept.
		r = c.postMultipart("/admin/importer-organismes", nil, "", "", nil)
		expectStatus(t, r, 422)
		expectContains(t, r, "Choisissez un fichier CSV ou Excel (.xlsx).", `id="file-err"`)
		r = c.postMultipart("/admin/importer-organismes", nil, "file", "liste.csv", []byte("Poste;Titulaire\nPrésidence;Luc\n"))
		expectStatus(t, r, 422)
		expectContains(t, r, "dont une colonne «\u00a0Organisme\u00a0»")
		r = c.postMultipart("/admin/importer-organismes", nil, "file", "vieux.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
		expectStatus(t, r, 422)
		expectContains(t, r, "Excel 97-2003")
		if list, _ := e.orgs.Imports(ctx, tid, 10); len(list) != 0 {
			t.Fatalf("refused files were kept: %d", len(list))
		}

		// The preview: every row, the problems in French; nothing written.
		r = c.postMultipart("/admin/importer-organismes", nil, "file", "liste.csv", []byte(importSample))
		expectStatus(t, r, 303)
		preview := r.Header.Get("Location")
		r = c.follow(r)
		expectStatus(t, r, 200)
		expectContains(t, r, "Aperçu de «\u00a0liste.csv\u00a0»", `id="import-total">3<`, `id="import-valid">2<`, `id="import-errors">1<`,
			"Nouvel organisme · nouveau poste, nouvelle personne", "Organisme déjà connu",
			"Colonne «\u00a0Municipalité\u00a0»\u00a0: Municipalité ou secteur inconnu\u00a0: «\u00a0Atlantide\u00a0».",
			"Colonne «\u00a0Fin du mandat\u00a0»\u00a0: Date illisible\u00a0: «\u00a031/02/2026\u00a0».",
			"Adresse courriel invalide", "Répondez «\u00a0oui\u00a0» ou «\u00a0non\u00a0» plutôt que «\u00a0peut-être\u00a0».",
			"1 ligne à corriger ne sera pas importée.", "Importer les 2 lignes prêtes")
		if _, n, _ := e.orgs.List(ctx, tid, orgs.Filter{}); n != 0 {
			t.Fatalf("the preview wrote %d organisations", n)
		}
		r = c.get(preview + "?problemes=1")
		expectContains(t, r, "Club de l’âge d’or", "Voir toutes les lignes")
		if strings.Contains(r.body, "Trésorerie") {
			t.Error("the rows to fix show a good row")
		}
		fix := c.get(preview + "/lignes-a-corriger.csv")
		expectStatus(t, fix, 200)
		lines := strings.Split(strings.TrimSpace(fix.body), "\r\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "\ufeffLigne;Problèmes;Organisme;Type") ||
			!strings.HasPrefix(lines[1], "4;") || !strings.Contains(lines[1], "Atlantide") || !strings.Contains(lines[1], "paul@") {
			t.Errorf("rows to fix:\n%s", fix.body)
		}

		// Confirmed: the good rows are written, once.
		r = c.post(preview+"/confirmer", url.Values{"publish": {"1"}})
		expectStatus(t, r, 303)
		r = c.follow(r)
		expectContains(t, r, "L’importation est faite.", "Organismes ajoutés\u00a0: 1; déjà connus\u00a0: 0.", "Postes ajoutés\u00a0: 2", "Lignes à corriger laissées de côté\u00a0: 1.")
		expectContains(t, c.get("/organismes"), "Comité des loisirs de Manseau")
		r = c.post(preview+"/confirmer", url.Values{"publish": {"1"}})
		expectStatus(t, r, 303)
		expectContains(t, c.follow(r), "Cette importation est déjà faite.")
		if _, n, _ := e.orgs.List(ctx, tid, orgs.Filter{}); n != 1 {
			t.Fatalf("%d organisations after confirming twice", n)
		}

		// The same list again, as a workbook: recognised, nothing added.
		wb := excelize.NewFile()
		for i, row := range strings.Split(strings.TrimPrefix(importSample, "\ufeff"), "\r\n") {
			cells := strings.Split(row, ";")
			vals := make([]any, len(cells))
			for j, v := range cells {
				vals[j] = v
			}
			if err := wb.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &vals); err != nil {
				t.Fatal(err)
			}
		}
		xbuf, err := wb.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		r = c.postMultipart("/admin/importer-organismes", nil, "file", "liste.xlsx", xbuf.Bytes())
		expectStatus(t, r, 303)
		second := r.Header.Get("Location")
		r = c.follow(r)
		expectContains(t, r, "Organisme déjà connu · poste déjà connu (mis à jour), personne déjà connue")
		if strings.Contains(r.body, "Nouvel organisme") {
			t.Error("a known organisation looks new")
		}
		expectStatus(t, c.post(second+"/confirmer", nil), 303)
		radar, _ := e.orgs.Radar(ctx, tid, orgs.RadarFilter{})
		if radar.Total.Orgs != 1 || radar.Total.Seats != 2 || radar.Total.People != 1 {
			t.Errorf("after importing twice: %+v", radar.Total)
		}
		expectContains(t, c.get("/admin/importer-organismes"), "liste.xlsx", "importée")

		// A malformed file of 10 000 rows: answered row by row, page by page.
		var big strings.Builder
		big.WriteString("Organisme;Municipalité;Poste;Fin du mandat\n")
		for i := range 10000 {
			fmt.Fprintf(&big, "Organisme %d;Atlantide %d;Présidence;hier\n", i, i)
		}
		r = c.postMultipart("/admin/importer-organismes", nil, "file", "gros.csv", []byte(big.String()))
		expectStatus(t, r, 303)
		bigURL := r.Header.Get("Location")
		r = c.get(bigURL + "?problemes=1&page=200")
		expectStatus(t, r, 200)
		expectContains(t, r, `id="import-errors">10000<`, "Page 200 sur 200", "Atlantide 9999", "Aucune ligne n’est prête")
		if n := len(regexp.MustCompile(`<li class="org-row-problem"`).FindAllString(r.body, -1)); n != 50 {
			t.Errorf("%d rows on the last page", n)
		}

		// Refused to others; another territory's import is 404.
		e.user("gestion@exemple.org", auth.RoleOrganizationManager)
		e.user("citoyen@exemple.org", auth.RoleCitizen)
		for _, who := range []string{"gestion@exemple.org", "citoyen@exemple.org"} {
			cl := e.client(t)
			cl.signIn(who)
			for _, p := range []string{"/admin/importer-organismes", preview, preview + "/lignes-a-corriger.csv", "/admin/organismes/modele.csv"} {
				expectStatus(t, cl.get(p), 403)
			}
			expectStatus(t, cl.postMultipart("/admin/importer-organismes", nil, "file", "liste.csv", []byte(importSample)), 403)
			expectStatus(t, cl.post(bigURL+"/confirmer", nil), 403)
		}
		anon := e.client(t)
		if r := anon.get(preview); r.StatusCode != 303 {
			t.Errorf("anonymous preview: %d", r.StatusCode)
		}
		ts := territory.NewStore(d)
		other, err := ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := e.orgs.PreviewImport(ctx, other.ID, 0, "a.csv", []byte("Organisme\nChez les voisins\n"))
		if err != nil {
			t.Fatal(err)
		}
		expectStatus(t, c.get(importURLTest(theirs.ID)), 404)
		expectStatus(t, c.post(importURLTest(theirs.ID)+"/confirmer", nil), 404)
		expectStatus(t, c.get(importURLTest(theirs.ID)+"/lignes-a-corriger.csv"), 404)
	})
}

func importURLTest(id int64) string { return "/admin/importer-organismes/" + itoa(id) }
