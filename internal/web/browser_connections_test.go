package web_test

import (
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestBrowserJourneyExchangeContacts: after a souper, two attendees open
// their private links on a phone, agree to appear, pick each other; each
// receives the other's contact by e-mail, and the staff dashboard counts
// one link — every page checked with axe.
func TestBrowserJourneyExchangeContacts(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	ev, g := e.heldSouper(t,
		guest{"Réjean Tremblay", "rejean@exemple.org", "", true},
		guest{"Lise Beaudoin", "lise@exemple.org", "819 555-0101", true},
		guest{"Gisèle Pépin", "gisele@exemple.org", "", true})
	rejean, lise := g[0], g[1]
	e.user("anim@exemple.org", auth.RoleFacilitator)
	base := e.srv.URL

	// Réjean, from his private link: agrees to appear (nobody else yet).
	browsertest.Visit(t, ctx, base+"/inscription/"+rejean.tok, "mon inscription (souper tenu)")
	shot(t, ctx, "60-inscription-liens")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href$="/liens"]`)
	browsertest.CheckAccessibility(t, ctx, "garder contact (vide)")
	shot(t, ctx, "61-garder-contact-vide")
	browsertest.Click(t, ctx, `input[name="opt_in"]`)
	if st := browsertest.Submit(t, ctx, `input[name="opt_in"]`); st != 200 {
		t.Fatalf("opt in: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "garder contact (inscrit)")

	// Lise: picks Réjean without agreeing to appear first — a clear message.
	browsertest.Visit(t, ctx, base+"/inscription/"+lise.tok+"/liens", "garder contact (Lise)")
	if txt := browsertest.Text(t, ctx, "#avec"); !strings.Contains(txt, "Réjean T.") {
		t.Fatalf("Lise does not see « Réjean T. »: %q", txt)
	}
	browsertest.Click(t, ctx, `input[name="with"]`)
	if st := browsertest.Submit(t, ctx, `input[name="with"]`); st != 422 {
		t.Fatalf("without opting in: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "garder contact (erreur)")
	if msg := browsertest.Text(t, ctx, "#opt_in-err"); !strings.Contains(msg, "acceptez d’abord") {
		t.Errorf("error = %q", msg)
	}
	shot(t, ctx, "62-garder-contact-erreur")
	browsertest.Click(t, ctx, `input[name="opt_in"]`)
	browsertest.Click(t, ctx, `input[name="share"][value="phone"]`)
	if st := browsertest.Submit(t, ctx, `input[name="with"]`); st != 200 {
		t.Fatalf("Lise's choice: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "garder contact (choix de Lise)")
	shot(t, ctx, "63-garder-contact-choix")

	// Réjean comes back and picks Lise: it is mutual.
	browsertest.Visit(t, ctx, base+"/inscription/"+rejean.tok+"/liens", "garder contact (Réjean revient)")
	browsertest.Click(t, ctx, `input[name="with"]`)
	if st := browsertest.Submit(t, ctx, `input[name="with"]`); st != 200 {
		t.Fatalf("Réjean's choice: status %d", st)
	}
	browsertest.CheckAccessibility(t, ctx, "garder contact (lien créé)")
	if f := browsertest.Text(t, ctx, ".flash"); !strings.Contains(f, "réciproque") {
		t.Errorf("flash = %q", f)
	}
	if txt := browsertest.Text(t, ctx, "#en-contact + ul"); !strings.Contains(txt, "Lise B.") || !strings.Contains(txt, "819 555-0101") {
		t.Errorf("links = %q", txt)
	}
	shot(t, ctx, "64-garder-contact-lien")

	// Both received the other's contact by e-mail.
	if m := e.connectionMails(t, "rejean@exemple.org"); len(m) != 1 || !strings.Contains(m[0], "819 555-0101") {
		t.Errorf("Réjean's e-mail: %q", m)
	}
	if m := e.connectionMails(t, "lise@exemple.org"); len(m) != 1 || !strings.Contains(m[0], "rejean@exemple.org") {
		t.Errorf("Lise's e-mail: %q", m)
	}
	if m := e.connectionMails(t, "gisele@exemple.org"); len(m) != 0 {
		t.Errorf("Gisèle got %d e-mails", len(m))
	}

	// Staff: the event's links page, then the dashboard counts 1 link.
	staffSignIn(t, ctx, e, "anim@exemple.org")
	browsertest.Visit(t, ctx, base+"/admin/evenements/"+id64(ev.ID)+"/liens?personne="+id64(g[2].reg.ID), "liens de l’événement")
	shot(t, ctx, "65-liens-evenement")
	browsertest.Visit(t, ctx, base+"/admin", "espace équipe")
	browsertest.ClickAndWaitLoad(t, ctx, `a[href="/admin/liens"]`)
	browsertest.CheckAccessibility(t, ctx, "tableau des liens créés")
	if n := browsertest.Text(t, ctx, "#liens-total"); n != "1" {
		t.Errorf("links created = %q", n)
	}
	shot(t, ctx, "66-tableau-liens")
}
