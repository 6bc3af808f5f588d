package auth_test

import (
	"fmt"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
)

func TestUsersByID(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var ids []int64
		for i := range 503 { // more than one chunk
			u, err := e.s.CreateUser(e.ctx, auth.NewUser{Email: fmt.Sprintf("p%d@exemple.org", i), Name: fmt.Sprintf("Personne %d", i)}, e.terr)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.ID)
		}
		got, err := e.s.Users(e.ctx, append(ids, ids[0], 0, -4, 999999))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 503 {
			t.Fatalf("%d users, want 503", len(got))
		}
		if u := got[ids[502]]; u == nil || u.Name != "Personne 502" || u.Email != "p502@exemple.org" {
			t.Errorf("last user %+v", u)
		}
		if none, err := e.s.Users(e.ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("no ids: %v %v", none, err)
		}
	})
}
