package installation_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/installation"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

const nicolet = "slug,name,kind,parent,population\nnicolet,Nicolet,ville,,8600\nsaint-gregoire,Saint-Grégoire,secteur,nicolet,\n"

func TestAddTerritory(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testkit.App(t, d, time.Time{})
		first := testkit.Territory(t, a.Territories)
		svc := a.Installation

		added, err := svc.AddTerritory(ctx, installation.NewTerritory{Name: "MRC de Nicolet-Yamaska", Host: "Implique.Nicolet.example.org",
			Places: strings.NewReader(nicolet), AdminEmail: "Direction@Nicolet.example.org", AdminName: "Hélène Côté"})
		if err != nil {
			t.Fatal(err)
		}
		tr := added.Territory
		if tr.Slug != "mrc-de-nicolet-yamaska" || tr.Host != "implique.nicolet.example.org" || added.Places != 2 {
			t.Errorf("added %+v with %d places", tr, added.Places)
		}
		if got, err := a.Territories.ForHost(ctx, "implique.nicolet.example.org:443"); err != nil || got.ID != tr.ID {
			t.Errorf("ForHost = %v, %v; want the new territory", got.ID, err)
		}
		if p, err := a.Territories.Place(ctx, tr.ID, "saint-gregoire"); err != nil || p.ParentSlug != "nicolet" {
			t.Errorf("place = %+v, %v", p, err)
		}
		if themes, err := a.Community.Themes(ctx, tr.ID, false); err != nil || len(themes) == 0 {
			t.Errorf("themes = %d, %v; want the defaults", len(themes), err)
		}
		if !added.AdminCreated || added.Admin.Email != "direction@nicolet.example.org" || added.Admin.InstallationAdmin {
			t.Errorf("admin = %+v, created %v", added.Admin, added.AdminCreated)
		}
		if roles, _ := a.Auth.RolesOf(ctx, added.Admin.ID, tr.ID); len(roles) != 1 || roles[0] != auth.RoleAdministrator {
			t.Errorf("roles in the new territory = %v", roles)
		}
		if roles, _ := a.Auth.RolesOf(ctx, added.Admin.ID, first.ID); len(roles) != 0 {
			t.Errorf("roles in the first territory = %v, want none", roles)
		}

		t.Run("an existing account, installation administrator, the MRC's places", func(t *testing.T) {
			u, err := a.Auth.CreateUser(ctx, auth.NewUser{Email: "julie@exemple.org"}, first.ID, auth.RoleFacilitator)
			if err != nil {
				t.Fatal(err)
			}
			added, err := svc.AddTerritory(ctx, installation.NewTerritory{Name: "MRC de Nicolet-Yamaska", Host: "deux.example.org",
				AdminEmail: "julie@exemple.org", InstallationAdmin: true})
			if err != nil {
				t.Fatal(err)
			}
			if added.Territory.Slug != "mrc-de-nicolet-yamaska-2" || added.Places != 19 {
				t.Errorf("slug %s, %d places; want a numbered slug and the MRC's 19 places", added.Territory.Slug, added.Places)
			}
			if added.AdminCreated || added.Admin.ID != u.ID || !added.Admin.InstallationAdmin {
				t.Errorf("admin = %+v, created %v; want the existing account, installation administrator", added.Admin, added.AdminCreated)
			}
			if roles, _ := a.Auth.RolesOf(ctx, u.ID, first.ID); len(roles) != 1 || roles[0] != auth.RoleFacilitator {
				t.Errorf("roles in the first territory = %v, want facilitator still", roles)
			}
		})

		t.Run("list", func(t *testing.T) {
			ts, err := svc.Territories(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != 3 || ts[1].ID != tr.ID || ts[1].Places != 2 || ts[1].People != 1 || ts[0].Places != 19 || ts[0].People != 1 {
				t.Errorf("territories = %+v", ts)
			}
		})

		t.Run("refused, nothing written", func(t *testing.T) {
			disabled, err := a.Auth.CreateUser(ctx, auth.NewUser{Email: "partie@exemple.org"}, first.ID, auth.RoleCitizen)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Auth.SetDisabled(ctx, disabled.ID, first.ID, true); err != nil {
				t.Fatal(err)
			}
			good := func() installation.NewTerritory {
				return installation.NewTerritory{Name: "MRC d’Arthabaska", Host: "arthabaska.example.org",
					Places: strings.NewReader(nicolet), AdminEmail: "dg@arthabaska.example.org"}
			}
			cases := []struct {
				name  string
				edit  func(*installation.NewTerritory)
				field string
				key   string
			}{
				{"no name", func(n *installation.NewTerritory) { n.Name = "  " }, "name", "errors.required"},
				{"no host", func(n *installation.NewTerritory) { n.Host = "" }, "host", "errors.required"},
				{"bad host", func(n *installation.NewTerritory) { n.Host = "https://arthabaska.example.org/" }, "host", "errors.host"},
				{"host already used", func(n *installation.NewTerritory) { n.Host = "IMPLIQUE.nicolet.example.org" }, "host", "errors.host_taken"},
				{"no administrator", func(n *installation.NewTerritory) { n.AdminEmail = "" }, "admin", "errors.required"},
				{"bad administrator", func(n *installation.NewTerritory) { n.AdminEmail = "dg@" }, "admin", "errors.email"},
				{"disabled administrator", func(n *installation.NewTerritory) { n.AdminEmail = "partie@exemple.org" }, "admin", "errors.admin_disabled"},
				{"empty file", func(n *installation.NewTerritory) { n.Places = strings.NewReader("\n") }, "places", "territory.places.empty"},
				{"header only", func(n *installation.NewTerritory) { n.Places = strings.NewReader("slug,name,kind\n") }, "places", "territory.places.none"},
				{"unknown kind", func(n *installation.NewTerritory) {
					n.Places = strings.NewReader("slug,name,kind\nvictoriaville,Victoriaville,ville\nx,X,hameau\n")
				}, "places", i18n.Msg("territory.places.kind", 3, "hameau")},
				{"missing column", func(n *installation.NewTerritory) { n.Places = strings.NewReader("slug,nom\nx,X\n") },
					"places", i18n.Msg("territory.places.missing_column", 1, "name")},
				{"too big", func(n *installation.NewTerritory) {
					n.Places = strings.NewReader("slug,name,kind\n" + strings.Repeat("x", installation.MaxPlacesBytes))
				}, "places", "errors.places_too_big"},
			}
			count := func() [4]int {
				return [4]int{testkit.Count(t, d, `SELECT COUNT(*) FROM territories`), testkit.Count(t, d, `SELECT COUNT(*) FROM places`),
					testkit.Count(t, d, `SELECT COUNT(*) FROM idea_themes`), testkit.Count(t, d, `SELECT COUNT(*) FROM user_roles`)}
			}
			before := count()
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					n := good()
					c.edit(&n)
					_, err := svc.AddTerritory(ctx, n)
					wantField(t, err, c.field, c.key)
					if after := count(); after != before {
						t.Errorf("territories, places, themes, roles: %v before, %v after a refusal", before, after)
					}
					if _, err := a.Auth.UserByEmail(ctx, "dg@arthabaska.example.org"); !errs.Is(err, errs.NotFound) {
						t.Errorf("the administrator's account was left behind: %v", err)
					}
				})
			}
		})

		t.Run("change a host", func(t *testing.T) {
			if err := svc.SetHost(ctx, tr.ID, "nicolet.example.org"); err != nil {
				t.Fatal(err)
			}
			wantField(t, svc.SetHost(ctx, first.ID, "Nicolet.example.org"), "host", "errors.host_taken")
			wantField(t, svc.SetHost(ctx, first.ID, " "), "host", "errors.required")
			testkit.WantCode(t, svc.SetHost(ctx, tr.ID+1000, "ailleurs.example.org"), errs.NotFound)
			if got, _ := a.Territories.ForHost(ctx, "nicolet.example.org"); got.ID != tr.ID {
				t.Errorf("ForHost after the change = %d, want %d", got.ID, tr.ID)
			}
		})
	})
}

func TestInstallationAdminRole(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testkit.App(t, d, time.Time{})
		first := testkit.Territory(t, a.Territories)
		u, err := a.Auth.CreateUser(ctx, auth.NewUser{Email: "op@exemple.org"}, first.ID, auth.RoleAdministrator)
		if err != nil {
			t.Fatal(err)
		}
		if u.InstallationAdmin {
			t.Fatal("a new account is an installation administrator")
		}
		if err := a.Auth.SetInstallationAdmin(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		sess, err := a.Auth.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		s, err := a.Auth.Session(ctx, sess)
		if err != nil || !s.User.InstallationAdmin {
			t.Fatalf("the session's account: %+v, %v; want an installation administrator", s, err)
		}
		testkit.WantError(t, a.Auth.SetInstallationAdmin(ctx, u.ID, false), errs.Conflict, "errors.last_installation_admin")
		other, err := a.Auth.CreateUser(ctx, auth.NewUser{Email: "op2@exemple.org"}, first.ID, auth.RoleCitizen)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Auth.SetInstallationAdmin(ctx, other.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := a.Auth.SetInstallationAdmin(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := a.Auth.UserByID(ctx, u.ID); got.InstallationAdmin {
			t.Error("still an installation administrator")
		}
		testkit.WantCode(t, a.Auth.SetInstallationAdmin(ctx, 9999, true), errs.NotFound)
	})
}

// wantField fails t unless err is a refusal whose only field problem is
// key on field.
func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("err = %v, want a refusal of %s", err, field)
	}
	if len(e.Fields) != 1 || e.Fields[field] != key {
		t.Errorf("fields = %v, want %s: %s", e.Fields, field, key)
	}
}

// BenchmarkAddTerritory adds a territory with the MRC's 19 places, its
// themes and a new administrator, in one transaction (SQLite).
func BenchmarkAddTerritory(b *testing.B) {
	d := dbtest.SQLite(b, jobs.MigrateAll)
	a := testkit.App(b, d, time.Time{})
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		n := strconv.Itoa(i)
		if _, err := a.Installation.AddTerritory(ctx, installation.NewTerritory{Name: "Territoire " + n, Host: "t" + n + ".exemple.org",
			AdminEmail: "dg" + n + "@exemple.org"}); err != nil {
			b.Fatal(err)
		}
	}
}
