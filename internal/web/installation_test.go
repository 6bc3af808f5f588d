package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// installationAdmin is an account that runs the installation, without a
// role in any territory.
func (e *env) installationAdmin(t *testing.T, email string) *client {
	t.Helper()
	u := e.user(email, auth.RoleCitizen)
	if err := e.auth.SetInstallationAdmin(context.Background(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	return e.as(t, e.session(t, email))
}

// TestInstallationPageIsTheInstallationAdministrators: everyone else —
// a territory's administrator included — is refused.
func TestInstallationPageIsTheInstallationAdministrators(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("admin@exemple.org", auth.RoleAdministrator)
		admin := e.as(t, e.session(t, "admin@exemple.org"))
		for _, path := range []string{"/installation"} {
			expectStatus(t, admin.get(path), http.StatusForbidden)
			r := e.client(t).get(path)
			expectStatus(t, r, http.StatusSeeOther)
			if !strings.HasPrefix(r.Header.Get("Location"), "/connexion") {
				t.Errorf("a visitor is sent to %s", r.Header.Get("Location"))
			}
		}
		before := rowCounts(t, d)
		expectStatus(t, admin.post("/installation/territoires", url.Values{"name": {"MRC de Nicolet-Yamaska"}, "host": {"nicolet.exemple.org"},
			"places_source": {"default"}, "admin": {"dg@nicolet.exemple.org"}}), http.StatusForbidden)
		expectStatus(t, admin.post("/installation/territoires/1/hote", url.Values{"new_host": {"ailleurs.exemple.org"}}), http.StatusForbidden)
		expectNothingStored(t, d, before)
		inst := e.installationAdmin(t, "op@exemple.org")
		r := inst.get("/installation")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Installation\u00a0: les territoires", "MRC de Bécancour", `enctype="multipart/form-data"`)
	})
}

func TestInstallationAddsATerritory(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		inst := e.installationAdmin(t, "op@exemple.org")

		t.Run("the MRC's places", func(t *testing.T) {
			r := inst.postMultipart("/installation/territoires", url.Values{"name": {"MRC de Nicolet-Yamaska"}, "host": {"Nicolet.Exemple.org"},
				"places_source": {"default"}, "admin": {"dg@nicolet.exemple.org"}, "admin_name": {"Hélène Côté"}}, "", "", nil)
			expectStatus(t, r, http.StatusSeeOther)
			r = inst.follow(r)
			expectContains(t, r, "Territoire ajouté", "MRC de Nicolet-Yamaska", "<code>nicolet.exemple.org</code>")
			tr, err := e.app.Territories.ForHost(context.Background(), "nicolet.exemple.org")
			if err != nil || tr.Name != "MRC de Nicolet-Yamaska" {
				t.Fatalf("ForHost = %+v, %v", tr, err)
			}
			u, err := e.auth.UserByEmail(context.Background(), "dg@nicolet.exemple.org")
			if err != nil {
				t.Fatal(err)
			}
			if roles, _ := e.auth.RolesOf(context.Background(), u.ID, tr.ID); len(roles) != 1 || roles[0] != auth.RoleAdministrator {
				t.Errorf("roles = %v", roles)
			}
		})

		t.Run("a file of places", func(t *testing.T) {
			r := inst.postMultipart("/installation/territoires", url.Values{"name": {"MRC d’Arthabaska"}, "host": {"arthabaska.exemple.org"},
				"places_source": {"file"}, "admin": {"dg@arthabaska.exemple.org"}, "admin_locale": {"en"}}, "places", "lieux.csv",
				[]byte("\ufeffslug,name,kind\nvictoriaville,Victoriaville,ville\nwarwick,Warwick,ville\n"))
			expectStatus(t, r, http.StatusSeeOther)
			tr, err := e.app.Territories.ForHost(context.Background(), "arthabaska.exemple.org")
			if err != nil {
				t.Fatal(err)
			}
			if ps, _ := e.app.Territories.Places(context.Background(), tr.ID); len(ps) != 2 {
				t.Errorf("%d places, want 2", len(ps))
			}
		})

		t.Run("refused, said in French, nothing written", func(t *testing.T) {
			before := rowCounts(t, d)
			cases := []struct {
				name   string
				fields url.Values
				file   string
				want   []string
			}{
				{"no name", url.Values{"name": {" "}, "host": {"x.exemple.org"}, "places_source": {"default"}, "admin": {"x@exemple.org"}}, "",
					[]string{"Ce champ est obligatoire."}},
				{"host taken", url.Values{"name": {"MRC X"}, "host": {"nicolet.exemple.org"}, "places_source": {"default"}, "admin": {"x@exemple.org"}}, "",
					[]string{"Un autre territoire est déjà servi à cette adresse"}},
				{"bad file", url.Values{"name": {"MRC X"}, "host": {"x.exemple.org"}, "places_source": {"file"}, "admin": {"x@exemple.org"}},
					"slug,name,kind\nx,X,hameau\n", []string{"Ligne 2 du fichier des lieux\u00a0: «\u00a0hameau\u00a0» n’est pas un type de lieu"}},
				{"no file", url.Values{"name": {"MRC X"}, "host": {"x.exemple.org"}, "places_source": {"file"}, "admin": {"x@exemple.org"}}, "",
					[]string{"Choisissez le fichier CSV des lieux"}},
				{"bad address", url.Values{"name": {"MRC X"}, "host": {"http://x.exemple.org"}, "places_source": {"default"}, "admin": {"x@"}}, "",
					[]string{"Entrez un nom de domaine", "Entrez une adresse courriel valide"}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					field, name := "", ""
					if c.file != "" {
						field, name = "places", "lieux.csv"
					}
					r := inst.postMultipart("/installation/territoires", c.fields, field, name, []byte(c.file))
					if r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusConflict {
						t.Fatalf("status %d", r.StatusCode)
					}
					expectContains(t, r, c.want...)
					// What was typed is shown again.
					expectContains(t, r, `value="`+c.fields.Get("host")+`"`)
					expectNothingStored(t, d, before)
				})
			}
		})

		t.Run("change a host", func(t *testing.T) {
			tr, err := e.app.Territories.ForHost(context.Background(), "arthabaska.exemple.org")
			if err != nil {
				t.Fatal(err)
			}
			path := "/installation/territoires/" + strconvFormat(tr.ID) + "/hote"
			r := inst.post(path, url.Values{"new_host": {"nicolet.exemple.org"}})
			expectStatus(t, r, http.StatusConflict)
			expectContains(t, r, "Un autre territoire est déjà servi à cette adresse", `aria-invalid="true"`)
			expectStatus(t, inst.post("/installation/territoires/99999/hote", url.Values{"new_host": {"z.exemple.org"}}), http.StatusNotFound)
			r = inst.post(path, url.Values{"new_host": {"implique.arthabaska.exemple.org"}})
			expectStatus(t, r, http.StatusSeeOther)
			expectContains(t, inst.follow(r), "L’adresse du territoire est changée.", "<code>implique.arthabaska.exemple.org</code>")
			if got, _ := e.app.Territories.ForHost(context.Background(), "implique.arthabaska.exemple.org"); got.ID != tr.ID {
				t.Errorf("ForHost = %d, want %d", got.ID, tr.ID)
			}
		})

		t.Run("English", func(t *testing.T) {
			inst.lang = "en"
			defer func() { inst.lang = "fr" }()
			r := inst.get("/installation")
			expectStatus(t, r, http.StatusOK)
			expectContains(t, r, "Installation: territories", "Add the territory", "3 territories on this installation")
		})
	})
}
