package auth_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/territory"
	"implique/internal/testkit"
)

// env is one test's world: a store with a fake clock and a territory.
type env struct {
	ctx   context.Context
	d     *db.DB
	s     *auth.Store
	clock *app.Clock
	terr  int64
}

var start = time.Date(2030, time.March, 1, 14, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	tr, err := territory.NewStore(d).Create(ctx, "becancour", territory.Settings{Name: "MRC de Bécancour"})
	if err != nil {
		t.Fatalf("create territory: %v", err)
	}
	c := &app.Clock{}
	c.Set(start)
	return &env{ctx: ctx, d: d, s: auth.NewStore(d, c.Now), clock: c, terr: tr.ID}
}

func (e *env) otherTerritory(t *testing.T, slug string) int64 {
	t.Helper()
	tr, err := territory.NewStore(e.d).Create(e.ctx, slug, territory.Settings{Name: "Autre " + slug})
	if err != nil {
		t.Fatalf("create territory: %v", err)
	}
	return tr.ID
}

func (e *env) user(t *testing.T, email, password string, roles ...auth.Role) *auth.User {
	t.Helper()
	return e.userIn(t, e.terr, email, password, roles...)
}

func (e *env) userIn(t *testing.T, territoryID int64, email, password string, roles ...auth.Role) *auth.User {
	t.Helper()
	u, err := e.s.CreateUser(e.ctx, auth.NewUser{Email: email, Name: "Test", Password: password}, territoryID, roles...)
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

func (e *env) roles(t *testing.T, userID, territoryID int64) []auth.Role {
	t.Helper()
	rs, err := e.s.RolesOf(e.ctx, userID, territoryID)
	if err != nil {
		t.Fatalf("RolesOf: %v", err)
	}
	slices.Sort(rs)
	return rs
}

func sorted(rs ...auth.Role) []auth.Role {
	out := slices.Clone(rs)
	slices.Sort(out)
	return out
}

const goodPassword = "une phrase de passe assez longue"

func TestCreateUser(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)

		t.Run("normalises e-mail", func(t *testing.T) {
			u, err := e.s.CreateUser(e.ctx, auth.NewUser{Email: " Alice@Example.ORG ", Name: "  Alice Tremblay ", Password: goodPassword}, e.terr)
			if err != nil {
				t.Fatal(err)
			}
			if u.Email != "alice@example.org" {
				t.Errorf("Email = %q, want alice@example.org", u.Email)
			}
			if u.Name != "Alice Tremblay" {
				t.Errorf("Name = %q, want it trimmed", u.Name)
			}
			if u.Locale != "fr" {
				t.Errorf("Locale = %q, want the fr default", u.Locale)
			}
			if !u.HasPassword || u.Disabled() || u.LastLoginAt != nil {
				t.Errorf("HasPassword %v, Disabled %v, LastLoginAt %v", u.HasPassword, u.Disabled(), u.LastLoginAt)
			}
			if !u.CreatedAt.Equal(start) {
				t.Errorf("CreatedAt = %v, want the store's clock %v", u.CreatedAt, start)
			}
			got, err := e.s.UserByEmail(e.ctx, "ALICE@example.org ")
			if err != nil {
				t.Fatalf("UserByEmail with other case: %v", err)
			}
			if got.ID != u.ID {
				t.Errorf("UserByEmail id %d, want %d", got.ID, u.ID)
			}
		})
		t.Run("english and no password", func(t *testing.T) {
			u, err := e.s.CreateUser(e.ctx, auth.NewUser{Email: "bob@example.org", Locale: "en"}, e.terr)
			if err != nil {
				t.Fatal(err)
			}
			if u.Locale != "en" || u.HasPassword {
				t.Errorf("Locale %q HasPassword %v, want en false", u.Locale, u.HasPassword)
			}
			if u.DisplayName() != "bob@example.org" {
				t.Errorf("DisplayName = %q, want the e-mail when there is no name", u.DisplayName())
			}
		})
		t.Run("duplicate", func(t *testing.T) {
			_, err := e.s.CreateUser(e.ctx, auth.NewUser{Email: "ALICE@example.org", Password: goodPassword}, e.terr, auth.RoleCitizen)
			er := testkit.WantError(t, err, errs.Conflict, "")
			if er.Fields["email"] != "errors.email_taken" {
				t.Errorf("Fields = %v, want email=errors.email_taken", er.Fields)
			}
			if n := testkit.Count(t, e.d, `SELECT COUNT(*) FROM users WHERE email = ?`, "alice@example.org"); n != 1 {
				t.Errorf("%d accounts for alice, want 1", n)
			}
		})

		invalid := []struct {
			name  string
			n     auth.NewUser
			roles []auth.Role
			field string
			key   string
		}{
			{"empty e-mail", auth.NewUser{Email: "  "}, nil, "email", "errors.required"},
			{"not an e-mail", auth.NewUser{Email: "pas-une-adresse"}, nil, "email", "errors.email"},
			{"display name", auth.NewUser{Email: "Carole <carole@example.org>"}, nil, "email", "errors.email"},
			{"short password", auth.NewUser{Email: "carole@example.org", Password: "court"}, nil, "password", "errors.password_short"},
			{"nine accented letters", auth.NewUser{Email: "carole@example.org", Password: "ééééééééé"}, nil, "password", "errors.password_short"},
			{"name too long", auth.NewUser{Email: "carole@example.org", Name: strings.Repeat("é", 121)}, nil, "name", "errors.too_long"},
			{"unknown role", auth.NewUser{Email: "carole@example.org"}, []auth.Role{auth.RoleCitizen, "superuser"}, "roles", "errors.role"},
		}
		for _, c := range invalid {
			t.Run(c.name, func(t *testing.T) {
				_, err := e.s.CreateUser(e.ctx, c.n, e.terr, c.roles...)
				er := testkit.WantError(t, err, errs.Invalid, "")
				if er.Fields[c.field] != c.key {
					t.Errorf("Fields = %v, want %s=%s", er.Fields, c.field, c.key)
				}
				if _, err := e.s.UserByEmail(e.ctx, "carole@example.org"); !errs.Is(err, errs.NotFound) {
					t.Errorf("an invalid account was stored (UserByEmail: %v)", err)
				}
			})
		}
		t.Run("ten accented letters are enough", func(t *testing.T) {
			u, err := e.s.CreateUser(e.ctx, auth.NewUser{Email: "denise@example.org", Password: "éééééééééé"}, e.terr)
			if err != nil {
				t.Fatalf("a 10-letter password was refused: %v", err)
			}
			if !u.HasPassword {
				t.Error("HasPassword = false")
			}
		})
	})
}

func TestRoles(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		other := e.otherTerritory(t, "nicolet")
		admin := e.user(t, "admin@example.org", "", auth.RoleAdministrator)
		staff := e.user(t, "staff@example.org", "", auth.RoleFacilitator, auth.RoleCommunications, auth.RoleFacilitator)
		citizen := e.user(t, "citizen@example.org", "", auth.RoleCitizen)
		elsewhere := e.userIn(t, other, "ailleurs@example.org", "", auth.RolePartner)
		none := e.user(t, "none@example.org", "")

		t.Run("RolesOf", func(t *testing.T) {
			for _, c := range []struct {
				user *auth.User
				terr int64
				want []auth.Role
			}{
				{admin, e.terr, []auth.Role{auth.RoleAdministrator}},
				{staff, e.terr, sorted(auth.RoleFacilitator, auth.RoleCommunications)},
				{citizen, e.terr, []auth.Role{auth.RoleCitizen}},
				{elsewhere, e.terr, nil},
				{elsewhere, other, []auth.Role{auth.RolePartner}},
				{none, e.terr, nil},
			} {
				if got := e.roles(t, c.user.ID, c.terr); !slices.Equal(got, c.want) {
					t.Errorf("%s in territory %d: roles %v, want %v", c.user.Email, c.terr, got, c.want)
				}
			}
		})
		t.Run("Members", func(t *testing.T) {
			ms, err := e.s.Members(e.ctx, e.terr)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]auth.Role{}
			var order []string
			for _, m := range ms {
				order = append(order, m.Email)
				got[m.Email] = sorted(m.Roles...)
			}
			wantOrder := []string{"admin@example.org", "citizen@example.org", "staff@example.org"}
			if !slices.Equal(order, wantOrder) {
				t.Errorf("members %v, want %v (by e-mail, only those with a role here)", order, wantOrder)
			}
			if !slices.Equal(got["staff@example.org"], sorted(auth.RoleFacilitator, auth.RoleCommunications)) {
				t.Errorf("staff roles %v", got["staff@example.org"])
			}
			if !slices.Equal(got["admin@example.org"], []auth.Role{auth.RoleAdministrator}) {
				t.Errorf("admin roles %v", got["admin@example.org"])
			}
			ms, err = e.s.Members(e.ctx, other)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 1 || ms[0].Email != "ailleurs@example.org" || !slices.Equal(ms[0].Roles, []auth.Role{auth.RolePartner}) {
				t.Errorf("members of the other territory: %+v", ms)
			}
		})
		t.Run("SetRoles replaces", func(t *testing.T) {
			if err := e.s.SetRoles(e.ctx, staff.ID, e.terr, []auth.Role{auth.RolePartner, auth.RoleOrganizationManager}); err != nil {
				t.Fatal(err)
			}
			if got, want := e.roles(t, staff.ID, e.terr), sorted(auth.RolePartner, auth.RoleOrganizationManager); !slices.Equal(got, want) {
				t.Errorf("roles %v, want %v", got, want)
			}
			if err := e.s.SetRoles(e.ctx, staff.ID, e.terr, nil); err != nil {
				t.Fatal(err)
			}
			if got := e.roles(t, staff.ID, e.terr); len(got) != 0 {
				t.Errorf("roles %v after SetRoles(nil), want none", got)
			}
		})
		t.Run("SetRoles touches one territory", func(t *testing.T) {
			if err := e.s.SetRoles(e.ctx, elsewhere.ID, e.terr, []auth.Role{auth.RoleCitizen}); err != nil {
				t.Fatal(err)
			}
			if got := e.roles(t, elsewhere.ID, other); !slices.Equal(got, []auth.Role{auth.RolePartner}) {
				t.Errorf("roles in the other territory became %v", got)
			}
			if got := e.roles(t, elsewhere.ID, e.terr); !slices.Equal(got, []auth.Role{auth.RoleCitizen}) {
				t.Errorf("roles here %v, want citizen", got)
			}
		})
		t.Run("SetRoles unknown role", func(t *testing.T) {
			err := e.s.SetRoles(e.ctx, citizen.ID, e.terr, []auth.Role{auth.RoleFacilitator, "root"})
			er := testkit.WantError(t, err, errs.Invalid, "errors.role")
			if er.Fields["roles"] != "errors.role" {
				t.Errorf("Fields = %v", er.Fields)
			}
			if got := e.roles(t, citizen.ID, e.terr); !slices.Equal(got, []auth.Role{auth.RoleCitizen}) {
				t.Errorf("roles %v after a rejected SetRoles, want citizen unchanged", got)
			}
		})
	})
}

func TestLastAdministrator(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		first := e.user(t, "first@example.org", "", auth.RoleAdministrator, auth.RoleFacilitator)

		t.Run("cannot lose the role", func(t *testing.T) {
			for _, roles := range [][]auth.Role{nil, {auth.RoleFacilitator}, {auth.RoleCitizen, auth.RolePartner}} {
				err := e.s.SetRoles(e.ctx, first.ID, e.terr, roles)
				testkit.WantError(t, err, errs.Conflict, "errors.last_admin")
			}
			if got := e.roles(t, first.ID, e.terr); !slices.Equal(got, sorted(auth.RoleAdministrator, auth.RoleFacilitator)) {
				t.Errorf("roles %v after refusals, want unchanged", got)
			}
		})
		t.Run("can keep the role", func(t *testing.T) {
			if err := e.s.SetRoles(e.ctx, first.ID, e.terr, []auth.Role{auth.RoleAdministrator}); err != nil {
				t.Fatalf("keeping the administrator role: %v", err)
			}
		})
		t.Run("cannot be disabled", func(t *testing.T) {
			err := e.s.SetDisabled(e.ctx, first.ID, e.terr, true)
			testkit.WantError(t, err, errs.Conflict, "errors.last_admin")
			u, _ := e.s.UserByID(e.ctx, first.ID)
			if u.Disabled() {
				t.Error("the last administrator was disabled anyway")
			}
		})
		t.Run("a disabled administrator does not count", func(t *testing.T) {
			gone := e.user(t, "gone@example.org", "", auth.RoleAdministrator)
			if err := e.s.SetDisabled(e.ctx, gone.ID, e.terr, true); err != nil {
				t.Fatalf("disabling one of two administrators: %v", err)
			}
			err := e.s.SetRoles(e.ctx, first.ID, e.terr, []auth.Role{auth.RoleCitizen})
			testkit.WantError(t, err, errs.Conflict, "errors.last_admin")
			err = e.s.SetDisabled(e.ctx, first.ID, e.terr, true)
			testkit.WantError(t, err, errs.Conflict, "errors.last_admin")
		})
		t.Run("an administrator of another territory does not count", func(t *testing.T) {
			other := e.otherTerritory(t, "nicolet")
			e.userIn(t, other, "other-admin@example.org", "", auth.RoleAdministrator)
			err := e.s.SetRoles(e.ctx, first.ID, e.terr, []auth.Role{auth.RoleCitizen})
			testkit.WantError(t, err, errs.Conflict, "errors.last_admin")
		})
		t.Run("can once another exists", func(t *testing.T) {
			second := e.user(t, "second@example.org", "", auth.RoleAdministrator)
			if err := e.s.SetRoles(e.ctx, first.ID, e.terr, []auth.Role{auth.RoleFacilitator}); err != nil {
				t.Fatalf("SetRoles with another administrator: %v", err)
			}
			if got := e.roles(t, first.ID, e.terr); !slices.Equal(got, []auth.Role{auth.RoleFacilitator}) {
				t.Errorf("roles %v, want facilitator", got)
			}
			// Now second is the last one.
			err := e.s.SetDisabled(e.ctx, second.ID, e.terr, true)
			testkit.WantError(t, err, errs.Conflict, "errors.last_admin")
			if err := e.s.SetRoles(e.ctx, first.ID, e.terr, []auth.Role{auth.RoleAdministrator}); err != nil {
				t.Fatal(err)
			}
			if err := e.s.SetDisabled(e.ctx, second.ID, e.terr, true); err != nil {
				t.Fatalf("disabling one of two administrators: %v", err)
			}
			u, _ := e.s.UserByID(e.ctx, second.ID)
			if !u.Disabled() {
				t.Error("SetDisabled returned nil but the account is not disabled")
			}
		})
	})
}

// Disabling is global (users.disabled_at), so the last administrator of any
// territory the person administers must be protected, not only the one the
// request came from.
func TestLastAdministratorOfAnotherTerritoryCannotBeDisabled(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		other := e.otherTerritory(t, "nicolet")
		both := e.user(t, "both@example.org", "", auth.RoleAdministrator)
		if err := e.s.SetRoles(e.ctx, both.ID, other, []auth.Role{auth.RoleAdministrator}); err != nil {
			t.Fatal(err)
		}
		e.user(t, "here@example.org", "", auth.RoleAdministrator) // a second administrator here only

		err := e.s.SetDisabled(e.ctx, both.ID, e.terr, true)
		testkit.WantError(t, err, errs.Conflict, "errors.last_admin")
		if u, _ := e.s.UserByID(e.ctx, both.ID); u.Disabled() {
			t.Error("the only administrator of territory nicolet was disabled")
		}
	})
}

func TestSetDisabled(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user(t, "admin@example.org", "", auth.RoleAdministrator)
		u := e.user(t, "citizen@example.org", goodPassword, auth.RoleCitizen)
		other := e.user(t, "other@example.org", goodPassword, auth.RoleCitizen)
		s1, err := e.s.CreateSession(e.ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := e.s.CreateSession(e.ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		keep, err := e.s.CreateSession(e.ctx, other.ID)
		if err != nil {
			t.Fatal(err)
		}

		if err := e.s.SetDisabled(e.ctx, u.ID, e.terr, true); err != nil {
			t.Fatalf("SetDisabled: %v", err)
		}
		t.Run("account is disabled", func(t *testing.T) {
			got, err := e.s.UserByID(e.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Disabled() || !got.DisabledAt.Equal(start) {
				t.Errorf("DisabledAt = %v, want %v", got.DisabledAt, start)
			}
		})
		t.Run("sessions deleted", func(t *testing.T) {
			if n := testkit.Count(t, e.d, `SELECT COUNT(*) FROM sessions WHERE user_id = ?`, u.ID); n != 0 {
				t.Errorf("%d sessions left, want 0", n)
			}
			for _, raw := range []string{s1, s2} {
				_, err := e.s.Session(e.ctx, raw)
				testkit.WantError(t, err, errs.NotFound, "")
			}
			if _, err := e.s.Session(e.ctx, keep); err != nil {
				t.Errorf("another user's session: %v", err)
			}
		})
		t.Run("Authenticate fails", func(t *testing.T) {
			_, err := e.s.Authenticate(e.ctx, "citizen@example.org", goodPassword)
			testkit.WantError(t, err, errs.Unauthorized, "errors.bad_credentials")
		})
		t.Run("re-enabled", func(t *testing.T) {
			if err := e.s.SetDisabled(e.ctx, u.ID, e.terr, false); err != nil {
				t.Fatal(err)
			}
			got, _ := e.s.UserByID(e.ctx, u.ID)
			if got.Disabled() {
				t.Error("still disabled")
			}
			if _, err := e.s.Authenticate(e.ctx, "citizen@example.org", goodPassword); err != nil {
				t.Errorf("Authenticate after re-enabling: %v", err)
			}
			// The old sessions were deleted, not merely refused.
			_, err := e.s.Session(e.ctx, s1)
			testkit.WantError(t, err, errs.NotFound, "")
		})
	})
}

func TestAuthenticate(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user(t, "admin@example.org", "", auth.RoleAdministrator)
		alice := e.user(t, "alice@example.org", goodPassword, auth.RoleCitizen)
		e.user(t, "nopass@example.org", "", auth.RoleCitizen)
		off := e.user(t, "off@example.org", goodPassword, auth.RoleCitizen)
		if err := e.s.SetDisabled(e.ctx, off.ID, e.terr, true); err != nil {
			t.Fatal(err)
		}

		t.Run("good password", func(t *testing.T) {
			for _, email := range []string{"alice@example.org", " Alice@EXAMPLE.org "} {
				u, err := e.s.Authenticate(e.ctx, email, goodPassword)
				if err != nil {
					t.Fatalf("Authenticate(%q): %v", email, err)
				}
				if u.ID != alice.ID {
					t.Errorf("got user %d, want %d", u.ID, alice.ID)
				}
			}
		})
		var first *errs.Error
		for _, c := range []struct{ name, email, pw string }{
			{"bad password", "alice@example.org", "une phrase de passe assez longuE"},
			{"empty password", "alice@example.org", ""},
			{"unknown e-mail", "personne@example.org", goodPassword},
			{"user without password", "nopass@example.org", ""},
			{"user without password, some password", "nopass@example.org", goodPassword},
			{"disabled user", "off@example.org", goodPassword},
		} {
			t.Run(c.name, func(t *testing.T) {
				u, err := e.s.Authenticate(e.ctx, c.email, c.pw)
				if u != nil {
					t.Errorf("returned user %v with the error", u)
				}
				er := testkit.WantError(t, err, errs.Unauthorized, "errors.bad_credentials")
				if len(er.Fields) != 0 {
					t.Errorf("Fields %v: the error must not say which field was wrong", er.Fields)
				}
				if first == nil {
					first = er
				} else if er.Error() != first.Error() {
					t.Errorf("error %q differs from %q", er, first)
				}
			})
		}
		t.Run("SetPassword", func(t *testing.T) {
			nopass, _ := e.s.UserByEmail(e.ctx, "nopass@example.org")
			err := e.s.SetPassword(e.ctx, nopass.ID, "court")
			er := testkit.WantError(t, err, errs.Invalid, "")
			if er.Fields["password"] != "errors.password_short" {
				t.Errorf("Fields %v", er.Fields)
			}
			if err := e.s.SetPassword(e.ctx, nopass.ID, "un autre mot de passe"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.s.Authenticate(e.ctx, "nopass@example.org", "un autre mot de passe"); err != nil {
				t.Errorf("Authenticate after SetPassword: %v", err)
			}
		})
	})
}

func TestPasswordHash(t *testing.T) {
	const pw = "Trois-Rivières en été"
	h1, err := auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("format", func(t *testing.T) {
		if !strings.HasPrefix(h1, "$argon2id$") {
			t.Errorf("hash %q is not an argon2id PHC string", h1)
		}
		if strings.Contains(h1, pw) {
			t.Error("the hash contains the password")
		}
	})
	t.Run("salted", func(t *testing.T) {
		if h1 == h2 {
			t.Error("two hashes of the same password are equal: no salt")
		}
	})
	t.Run("round trip", func(t *testing.T) {
		for _, h := range []string{h1, h2} {
			ok, err := auth.CheckPassword(h, pw)
			if err != nil || !ok {
				t.Errorf("CheckPassword(good) = %v, %v", ok, err)
			}
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		for _, wrong := range []string{"Trois-Rivieres en ete", "", pw + " "} {
			ok, err := auth.CheckPassword(h1, wrong)
			if err != nil || ok {
				t.Errorf("CheckPassword(%q) = %v, %v; want false, nil", wrong, ok, err)
			}
		}
	})
	t.Run("malformed hash", func(t *testing.T) {
		for _, h := range []string{"", "plain", "$2a$10$abcdefghijklmnopqrstuv", "$argon2id$v=19$m=x$salt$key"} {
			if ok, err := auth.CheckPassword(h, pw); err == nil || ok {
				t.Errorf("CheckPassword(%q) = %v, %v; want an error", h, ok, err)
			}
		}
	})
}

func TestTokens(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.user(t, "alice@example.org", "", auth.RoleCitizen)
		issue := func(t *testing.T, userID int64) string {
			t.Helper()
			raw, err := e.s.IssueToken(e.ctx, userID, auth.PurposeLogin, auth.MagicLinkTTL)
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) < 40 {
				t.Fatalf("token %q is too short to be unguessable", raw)
			}
			return raw
		}

		t.Run("use once", func(t *testing.T) {
			raw := issue(t, u.ID)
			for i := 0; i < 2; i++ {
				if err := e.s.CheckToken(e.ctx, raw, auth.PurposeLogin); err != nil {
					t.Fatalf("CheckToken #%d: %v", i+1, err)
				}
			}
			got, err := e.s.UseToken(e.ctx, raw, auth.PurposeLogin)
			if err != nil {
				t.Fatalf("UseToken: %v", err)
			}
			if got.ID != u.ID {
				t.Errorf("UseToken user %d, want %d", got.ID, u.ID)
			}
			_, err = e.s.UseToken(e.ctx, raw, auth.PurposeLogin)
			testkit.WantError(t, err, errs.Conflict, "errors.token_used")
			err = e.s.CheckToken(e.ctx, raw, auth.PurposeLogin)
			testkit.WantError(t, err, errs.Conflict, "errors.token_used")
		})
		t.Run("two tokens are different", func(t *testing.T) {
			if a, b := issue(t, u.ID), issue(t, u.ID); a == b {
				t.Error("IssueToken returned the same token twice")
			}
		})
		t.Run("expired", func(t *testing.T) {
			raw := issue(t, u.ID)
			e.clock.Advance(auth.MagicLinkTTL - time.Second)
			if err := e.s.CheckToken(e.ctx, raw, auth.PurposeLogin); err != nil {
				t.Fatalf("a second before expiry: %v", err)
			}
			e.clock.Advance(2 * time.Second)
			err := e.s.CheckToken(e.ctx, raw, auth.PurposeLogin)
			testkit.WantError(t, err, errs.Conflict, "errors.token_expired")
			_, err = e.s.UseToken(e.ctx, raw, auth.PurposeLogin)
			testkit.WantError(t, err, errs.Conflict, "errors.token_expired")
		})
		t.Run("unknown", func(t *testing.T) {
			_, err := e.s.UseToken(e.ctx, "pas-un-jeton", auth.PurposeLogin)
			testkit.WantError(t, err, errs.NotFound, "errors.token_unknown")
			err = e.s.CheckToken(e.ctx, "", auth.PurposeLogin)
			testkit.WantError(t, err, errs.NotFound, "errors.token_unknown")
		})
		t.Run("other purpose", func(t *testing.T) {
			raw := issue(t, u.ID)
			_, err := e.s.UseToken(e.ctx, raw, "password_reset")
			testkit.WantError(t, err, errs.NotFound, "errors.token_unknown")
			if err := e.s.CheckToken(e.ctx, raw, auth.PurposeLogin); err != nil {
				t.Errorf("the token was spent by a wrong-purpose attempt: %v", err)
			}
		})
		t.Run("disabled user", func(t *testing.T) {
			off := e.user(t, "off@example.org", "", auth.RoleCitizen)
			raw := issue(t, off.ID)
			if err := e.s.SetDisabled(e.ctx, off.ID, e.terr, true); err != nil {
				t.Fatal(err)
			}
			err := e.s.CheckToken(e.ctx, raw, auth.PurposeLogin)
			testkit.WantError(t, err, errs.Forbidden, "errors.account_disabled")
			_, err = e.s.UseToken(e.ctx, raw, auth.PurposeLogin)
			testkit.WantError(t, err, errs.Forbidden, "errors.account_disabled")
		})
		t.Run("raw token not stored", func(t *testing.T) {
			raw := issue(t, u.ID)
			if n := testkit.Count(t, e.d, `SELECT COUNT(*) FROM auth_tokens WHERE token_hash = ?`, raw); n != 0 {
				t.Errorf("the raw token is stored as token_hash")
			}
			rows, err := e.d.Query(e.ctx, `SELECT token_hash, purpose FROM auth_tokens WHERE user_id = ?`, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var hash, purpose string
				if err := rows.Scan(&hash, &purpose); err != nil {
					t.Fatal(err)
				}
				n++
				if hash == "" || strings.Contains(hash, raw) || strings.Contains(purpose, raw) {
					t.Errorf("stored token_hash %q reveals the raw token %q", hash, raw)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatal("no token stored for the user")
			}
		})
	})
}

func TestSessions(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.user(t, "alice@example.org", "", auth.RoleCitizen)
		open := func(t *testing.T) string {
			t.Helper()
			raw, err := e.s.CreateSession(e.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}

		t.Run("create and read", func(t *testing.T) {
			t0 := e.clock.Now()
			raw := open(t)
			got, err := e.s.Session(e.ctx, raw)
			if err != nil {
				t.Fatalf("Session: %v", err)
			}
			if got.User.ID != u.ID || got.User.Email != "alice@example.org" {
				t.Errorf("session user %+v, want alice", got.User)
			}
			if !got.ExpiresAt.Equal(t0.Add(auth.SessionTTL)) {
				t.Errorf("ExpiresAt %v, want %v", got.ExpiresAt, t0.Add(auth.SessionTTL))
			}
			if got.User.LastLoginAt == nil || !got.User.LastLoginAt.Equal(t0) {
				t.Errorf("LastLoginAt %v, want %v", got.User.LastLoginAt, t0)
			}
			if n := testkit.Count(t, e.d, `SELECT COUNT(*) FROM sessions WHERE token_hash = ?`, raw); n != 0 {
				t.Error("the raw session token is stored")
			}
		})
		t.Run("expires", func(t *testing.T) {
			raw := open(t)
			e.clock.Advance(auth.SessionTTL)
			_, err := e.s.Session(e.ctx, raw)
			testkit.WantError(t, err, errs.NotFound, "errors.session")
		})
		t.Run("delete", func(t *testing.T) {
			raw := open(t)
			if _, err := e.s.Session(e.ctx, raw); err != nil {
				t.Fatal(err)
			}
			if err := e.s.DeleteSession(e.ctx, raw); err != nil {
				t.Fatal(err)
			}
			_, err := e.s.Session(e.ctx, raw)
			testkit.WantError(t, err, errs.NotFound, "errors.session")
			if err := e.s.DeleteSession(e.ctx, raw); err != nil {
				t.Errorf("deleting twice: %v", err)
			}
		})
		t.Run("unknown, empty, oversized", func(t *testing.T) {
			for _, raw := range []string{"inconnu", "", strings.Repeat("a", 101)} {
				_, err := e.s.Session(e.ctx, raw)
				testkit.WantError(t, err, errs.NotFound, "errors.session")
			}
		})
		t.Run("sliding renewal", func(t *testing.T) {
			t0 := e.clock.Now()
			raw := open(t)
			e.clock.Advance(30 * time.Minute)
			got, err := e.s.Session(e.ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			if !got.ExpiresAt.Equal(t0.Add(auth.SessionTTL)) {
				t.Errorf("within the hour: ExpiresAt %v, want unchanged %v", got.ExpiresAt, t0.Add(auth.SessionTTL))
			}
			e.clock.Advance(90 * time.Minute) // two hours after sign-in
			got, err = e.s.Session(e.ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			want := t0.Add(2*time.Hour + auth.SessionTTL)
			if !got.ExpiresAt.Equal(want) {
				t.Errorf("after two hours: ExpiresAt %v, want %v", got.ExpiresAt, want)
			}
			// Past the first expiry, the renewed session still holds.
			e.clock.Advance(auth.SessionTTL - time.Hour)
			if _, err := e.s.Session(e.ctx, raw); err != nil {
				t.Errorf("a renewed session expired at its first deadline: %v", err)
			}
		})
	})
}

func TestAllow(t *testing.T) {
	const limit = 3
	const window = 15 * time.Minute
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		allow := func(t *testing.T, key string) bool {
			t.Helper()
			ok, err := e.s.Allow(e.ctx, key, limit, window)
			if err != nil {
				t.Fatalf("Allow(%q): %v", key, err)
			}
			return ok
		}
		const key = "signin:alice@example.org"
		const other = "signin:203.0.113.7"

		t.Run("limit", func(t *testing.T) {
			for i := 1; i <= limit; i++ {
				if !allow(t, key) {
					t.Fatalf("hit %d refused, limit is %d", i, limit)
				}
			}
			if allow(t, key) {
				t.Errorf("hit %d allowed, limit is %d", limit+1, limit)
			}
		})
		t.Run("keys are independent", func(t *testing.T) {
			if !allow(t, other) {
				t.Error("another key was refused")
			}
		})
		t.Run("still refused within the window", func(t *testing.T) {
			e.clock.Advance(window - time.Second)
			if allow(t, key) {
				t.Error("allowed before the window ended")
			}
		})
		t.Run("new window", func(t *testing.T) {
			e.clock.Advance(2 * time.Second)
			for i := 1; i <= limit; i++ {
				if !allow(t, key) {
					t.Fatalf("hit %d of the new window refused", i)
				}
			}
			if allow(t, key) {
				t.Error("the new window does not count hits")
			}
		})
		t.Run("bucket is not the key", func(t *testing.T) {
			rows, err := e.d.Query(e.ctx, `SELECT bucket FROM rate_limits`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var b string
				if err := rows.Scan(&b); err != nil {
					t.Fatal(err)
				}
				n++
				for _, k := range []string{key, other, "alice", "203.0.113.7"} {
					if strings.Contains(b, k) {
						t.Errorf("bucket %q contains %q", b, k)
					}
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if n != 2 {
				t.Errorf("%d buckets, want 2 (one per key)", n)
			}
		})
	})
}

// TestForgive: an attempt that turned out right gives its hit back, so that
// only failures fill a bucket.
func TestForgive(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		const key = "signin-account:lise@exemple.org"
		for i := 0; i < 10; i++ {
			ok, err := e.s.Allow(e.ctx, key, 2, time.Hour)
			if err != nil || !ok {
				t.Fatalf("success #%d: %v %v", i+1, ok, err)
			}
			if err := e.s.Forgive(e.ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 2; i++ {
			if ok, _ := e.s.Allow(e.ctx, key, 2, time.Hour); !ok {
				t.Fatalf("failure #%d refused after successes", i+1)
			}
		}
		if ok, _ := e.s.Allow(e.ctx, key, 2, time.Hour); ok {
			t.Error("a third failure allowed")
		}
		// Forgiving a key never counted is harmless.
		if err := e.s.Forgive(e.ctx, "jamais-vu"); err != nil {
			t.Error(err)
		}
	})
}

// TestDeviceCookie: a device cookie names its account, its device, and is
// signed: another account's, or a changed one, is no device at all.
func TestDeviceCookie(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lise := e.user(t, "lise@exemple.org", "")
		paul := e.user(t, "paul@exemple.org", "")
		v, err := e.s.DeviceCookie(e.ctx, lise.ID)
		if err != nil {
			t.Fatal(err)
		}
		v2, _ := e.s.DeviceCookie(e.ctx, lise.ID)
		dev, ok, err := e.s.Device(e.ctx, v, lise.ID)
		if err != nil || !ok || dev == "" {
			t.Fatalf("Device(own cookie) = %q %v %v", dev, ok, err)
		}
		if dev2, _, _ := e.s.Device(e.ctx, v2, lise.ID); dev2 == dev {
			t.Error("two browsers got the same device")
		}
		// A second process (same database) reads it too.
		if _, ok, _ := auth.NewStore(d, nil).Device(e.ctx, v, lise.ID); !ok {
			t.Error("another process does not recognise the cookie")
		}
		bad := map[string]string{
			"another account's": v,
			"changed account":   strings.Replace(v, strconv.FormatInt(lise.ID, 10)+".", strconv.FormatInt(paul.ID, 10)+".", 1),
			"changed signature": v[:len(v)-2] + "xx",
			"empty":             "",
			"garbage":           "abc",
		}
		for name, val := range bad {
			if _, ok, err := e.s.Device(e.ctx, val, paul.ID); ok || err != nil {
				t.Errorf("%s cookie accepted for paul: %v %v", name, ok, err)
			}
		}
	})
}

func TestSecret(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a, err := e.s.Secret(e.ctx, "rate_limit")
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != 32 {
			t.Errorf("secret is %d bytes, want 32", len(a))
		}
		if string(a) == string(make([]byte, 32)) {
			t.Error("secret is all zeros")
		}
		b, err := e.s.Secret(e.ctx, "rate_limit")
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(b) {
			t.Error("Secret changed between two calls")
		}
		c, err := auth.NewStore(d, nil).Secret(e.ctx, "rate_limit")
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(c) {
			t.Error("another store on the same database got another secret")
		}
		o, err := e.s.Secret(e.ctx, "cookies")
		if err != nil {
			t.Fatal(err)
		}
		if string(o) == string(a) {
			t.Error("two secret names share one value")
		}
	})
}

func TestPurge(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.user(t, "alice@example.org", "", auth.RoleCitizen)
		old, err := e.s.CreateSession(e.ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.IssueToken(e.ctx, u.ID, auth.PurposeLogin, auth.MagicLinkTTL); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Allow(e.ctx, "old", 5, time.Minute); err != nil {
			t.Fatal(err)
		}

		e.clock.Advance(10 * 24 * time.Hour)
		fresh, err := e.s.CreateSession(e.ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(auth.SessionTTL - 10*24*time.Hour - time.Hour)
		freshToken, err := e.s.IssueToken(e.ctx, u.ID, auth.PurposeLogin, auth.MagicLinkTTL)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour + time.Second) // the old session expired a second ago
		if _, err := e.s.Allow(e.ctx, "fresh", 5, time.Minute); err != nil {
			t.Fatal(err)
		}
		n, err := e.s.Purge(e.ctx)
		if err != nil {
			t.Fatalf("Purge: %v", err)
		}
		if n != 3 {
			t.Errorf("Purge removed %d rows, want 3 (a session, a token, a bucket)", n)
		}
		if c := testkit.Count(t, e.d, `SELECT COUNT(*) FROM sessions`); c != 1 {
			t.Errorf("%d sessions left, want 1", c)
		}
		if _, err := e.s.Session(e.ctx, fresh); err != nil {
			t.Errorf("the fresh session was purged: %v", err)
		}
		_, err = e.s.Session(e.ctx, old)
		testkit.WantError(t, err, errs.NotFound, "errors.session")
		if c := testkit.Count(t, e.d, `SELECT COUNT(*) FROM auth_tokens`); c != 1 {
			t.Errorf("%d tokens left, want 1", c)
		}
		// The recent token is kept (expired, it still says "expired", not "unknown").
		err = e.s.CheckToken(e.ctx, freshToken, auth.PurposeLogin)
		testkit.WantError(t, err, errs.Conflict, "errors.token_expired")
		if c := testkit.Count(t, e.d, `SELECT COUNT(*) FROM rate_limits`); c != 1 {
			t.Errorf("%d rate-limit buckets left, want 1", c)
		}

		n, err = e.s.Purge(e.ctx)
		if err != nil || n != 0 {
			t.Errorf("second Purge = %d, %v; want 0, nil", n, err)
		}
	})
}

// reopen opens a second handle on the same database, as another server
// process would.
func reopen(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	ctx := context.Background()
	var d2 *db.DB
	var err error
	switch d.Engine {
	case db.SQLite:
		d2, err = db.OpenSQLite(ctx, d.Path)
	case db.Postgres:
		d2, err = db.OpenPostgres(ctx, d.URL)
	default:
		t.Fatalf("unknown engine %q", d.Engine)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	return d2
}

func TestTwoProcessesShareState(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s1 := e.s
		s2 := auth.NewStore(reopen(t, d), e.clock.Now)
		u := e.user(t, "alice@example.org", "", auth.RoleCitizen)

		t.Run("sessions", func(t *testing.T) {
			raw, err := s1.CreateSession(e.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s2.Session(e.ctx, raw)
			if err != nil {
				t.Fatalf("the other process does not see the session: %v", err)
			}
			if got.User.ID != u.ID {
				t.Errorf("user %d, want %d", got.User.ID, u.ID)
			}
			if err := s2.DeleteSession(e.ctx, raw); err != nil {
				t.Fatal(err)
			}
			_, err = s1.Session(e.ctx, raw)
			testkit.WantError(t, err, errs.NotFound, "errors.session")
		})
		t.Run("tokens", func(t *testing.T) {
			raw, err := s1.IssueToken(e.ctx, u.ID, auth.PurposeLogin, auth.MagicLinkTTL)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s2.UseToken(e.ctx, raw, auth.PurposeLogin); err != nil {
				t.Fatalf("the other process cannot use the token: %v", err)
			}
			_, err = s1.UseToken(e.ctx, raw, auth.PurposeLogin)
			testkit.WantError(t, err, errs.Conflict, "errors.token_used")
		})
		t.Run("rate limits", func(t *testing.T) {
			const key = "signin:alice@example.org"
			var got []bool
			for _, s := range []*auth.Store{s1, s2, s1, s2, s1} {
				ok, err := s.Allow(e.ctx, key, 3, time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ok)
			}
			if want := []bool{true, true, true, false, false}; !slices.Equal(got, want) {
				t.Errorf("alternating Allow = %v, want %v (one count shared by both processes)", got, want)
			}
		})
		t.Run("rate limits concurrently", func(t *testing.T) {
			const key = "signin:concurrent"
			const limit, perProcess = 10, 10
			var mu sync.Mutex
			allowed := 0
			var wg sync.WaitGroup
			errc := make(chan error, 2*perProcess)
			for _, s := range []*auth.Store{s1, s2} {
				wg.Go(func() {
					for range perProcess {
						ok, err := s.Allow(e.ctx, key, limit, time.Hour)
						if err != nil {
							errc <- err
							return
						}
						if ok {
							mu.Lock()
							allowed++
							mu.Unlock()
						}
					}
				})
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			if allowed != limit {
				t.Errorf("%d hits allowed across two processes, want exactly %d", allowed, limit)
			}
		})
		t.Run("secret", func(t *testing.T) {
			a, err := s1.Secret(e.ctx, "shared")
			if err != nil {
				t.Fatal(err)
			}
			b, err := s2.Secret(e.ctx, "shared")
			if err != nil {
				t.Fatal(err)
			}
			if string(a) != string(b) {
				t.Error("two processes got different secrets")
			}
		})
	})
}
