package auth_test

import (
	"context"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
)

func TestLinkSigner(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := auth.NewStore(d, nil)
		a := s.LinkSigner("registration_links", "registration")
		if _, err := a.Token("n1"); err == nil {
			t.Fatal("a token before the key is loaded")
		}
		if err := a.Load(ctx); err != nil {
			t.Fatal(err)
		}
		t1, _ := a.Token("n1")
		t2, _ := a.Token("n2")
		// Another process (another signer on the same database) derives the same token.
		b := auth.NewStore(d, nil).LinkSigner("registration_links", "registration")
		if err := b.Load(ctx); err != nil {
			t.Fatal(err)
		}
		again, _ := b.Token("n1")
		// Another kind of link never gives the same token for the same nonce.
		c := s.LinkSigner("registration_links", "initiative_person")
		_ = c.Load(ctx)
		other, _ := c.Token("n1")
		if t1 == "" || t1 == t2 || t1 != again || t1 == other {
			t.Errorf("tokens %q %q %q %q", t1, t2, again, other)
		}
		var none *auth.Store
		if err := none.LinkSigner("x", "y").Load(ctx); err == nil {
			t.Error("a signer without a store loaded a key")
		}
	})
}
