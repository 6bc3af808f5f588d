package web_test

import (
	"context"
	"strings"
	"testing"

	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestBrowserJourneyInstallationAddsATerritory: the installation
// administrator adds a territory with the MRC's places — first with an
// address already taken, refused on its field — and finds it listed; every
// page checked with axe at 1280 px, then the page on a 360 px phone.
func TestBrowserJourneyInstallationAddsATerritory(t *testing.T) {
	desk := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.installationAdmin(t, "op@exemple.org")
	if err := e.app.Territories.SetHost(context.Background(), e.territory.ID, "becancour.exemple.org"); err != nil {
		t.Fatal(err)
	}
	browsertest.SetCookie(t, desk, e.srv.URL, sessionCookie, e.session(t, "op@exemple.org"))
	browsertest.Visit(t, desk, e.srv.URL+"/installation", "installation")
	shot(t, desk, "installation-1280")
	browsertest.SetValue(t, desk, "#name", "MRC de Nicolet-Yamaska")
	browsertest.SetValue(t, desk, "#host", "becancour.exemple.org")
	browsertest.SetValue(t, desk, "#admin", "dg@nicolet.exemple.org")
	browsertest.SetValue(t, desk, "#admin_name", "Hélène Côté")
	if st := browsertest.Submit(t, desk, "#name"); st != 409 {
		t.Fatalf("an address already taken: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "installation avec erreurs")
	if got := browsertest.Text(t, desk, "#host-err"); !strings.Contains(got, "Un autre territoire est déjà servi à cette adresse") {
		t.Fatalf("the address's problem: %q", got)
	}
	if got := browsertest.Attribute(t, desk, "#name", "aria-invalid"); got != "" {
		t.Fatalf("a good field is marked invalid: %q", got)
	}
	shot(t, desk, "installation-errors-1280")
	browsertest.SetValue(t, desk, "#host", "nicolet.exemple.org")
	if st := browsertest.Submit(t, desk, "#name"); st != 200 {
		t.Fatalf("add: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "territoire ajouté")
	main := browsertest.Text(t, desk, "main")
	for _, want := range []string{"Territoire ajouté", "MRC de Nicolet-Yamaska", "nicolet.exemple.org", "2 territoires sur cette installation"} {
		if !strings.Contains(main, want) {
			t.Errorf("the list lacks %q: %q", want, main)
		}
	}
	shot(t, desk, "installation-added-1280")

	phone := browsertest.New(t, browsertest.PhoneSize(360, 740))
	browsertest.SetCookie(t, phone, e.srv.URL, sessionCookie, e.session(t, "op@exemple.org"))
	browsertest.Visit(t, phone, e.srv.URL+"/installation", "installation, téléphone")
	for _, pr := range browsertest.LayoutOf(t, phone).Problems() {
		t.Errorf("installation at 360 px: %s", pr)
	}
	shot(t, phone, "installation-360")
}
