package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// TestNewsRecordConsentGivenElsewhere: the communications officer and
// administrators record a consent given on paper, in person or on the phone;
// bad input is refused with French messages and nothing written; the proof
// page shows it; other roles may not.
func TestNewsRecordConsentGivenElsewhere(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newNewsWorld(t, d)
		lid := trainingCreatedID(t, w.staff.post("/admin/communications/listes", url.Values{"name": {"Générale"}, "kind": {"general"}}))
		const path = "/admin/communications/listes/consentement"

		r := w.staff.get(path)
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "Formulaire papier", "En personne", "Au téléphone", `value="2026-11-02"`)
		expectContains(t, w.staff.get("/admin/communications/listes"), `href="`+path+`"`)

		// Bad input: every field says what is wrong, nothing is written.
		r = w.staff.post(path, url.Values{"email": {"pas-une-adresse"}, "wording": {" "}, "day": {"2026-12-25"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Choisissez au moins une liste", "Entrez une adresse courriel valide", "Choisissez comment le consentement a été donné",
			"Inscrivez le libellé exact", "ne peut pas être dans le futur")
		r = w.staff.post(path, url.Values{"lists": {"999999"}, "email": {""}, "way": {"pigeon"}, "wording": {"Oui"}, "day": {"hier"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Choisissez au moins une liste", "Ce champ est obligatoire", "Choisissez comment le consentement a été donné")
		if n := newsCount(t, d, `SELECT COUNT(*) FROM comms_subscribers`) + newsCount(t, d, `SELECT COUNT(*) FROM comms_consent_log`); n != 0 {
			t.Fatalf("%d rows written after a refusal", n)
		}

		// Other roles may not; a visitor is sent to sign in.
		w.e.user("anim@exemple.org", auth.RoleFacilitator)
		anim := w.e.as(t, w.e.session(t, "anim@exemple.org"))
		good := url.Values{"lists": {id64(lid)}, "email": {"Rolande@Exemple.org"}, "name": {"Rolande Tremblay"}, "lang": {"fr"},
			"way": {comms.GivenPaper}, "wording": {"J’accepte de recevoir l’infolettre du centre."}, "day": {"2026-10-28"}}
		expectStatus(t, anim.get(path), http.StatusForbidden)
		expectStatus(t, anim.post(path, good), http.StatusForbidden)
		expectStatus(t, w.visitor.get(path), http.StatusSeeOther)
		if n := newsCount(t, d, `SELECT COUNT(*) FROM comms_subscribers`); n != 0 {
			t.Fatalf("%d subscribers after a refused role", n)
		}

		// The officer records it; the proof shows it.
		r = w.staff.post(path, good)
		expectStatus(t, r, http.StatusSeeOther)
		proof := r.Header.Get("Location")
		if !regexp.MustCompile(`^/admin/communications/abonnes/\d+$`).MatchString(proof) {
			t.Fatalf("after recording, sent to %q", proof)
		}
		r = w.staff.get(proof)
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "rolande@exemple.org", "J’accepte de recevoir l’infolettre du centre.", "papier/2026-10-28")
		if w.newsReach(t, lid) != 1 {
			t.Fatal("the consent recorded does not reach the list")
		}
		// Someone who left the list is not put back by staff: the form says
		// so, and nothing is written.
		if _, err := d.Exec(context.Background(), `UPDATE comms_subscriptions SET status = ?`, comms.SubUnsubscribed); err != nil {
			t.Fatal(err)
		}
		logged := newsCount(t, d, `SELECT COUNT(*) FROM comms_consent_log`)
		r = w.staff.post(path, good)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Cette personne s’est désabonnée d’une de ces listes")
		if w.newsReach(t, lid) != 0 || newsCount(t, d, `SELECT COUNT(*) FROM comms_consent_log`) != logged {
			t.Fatal("a consent was recorded for someone who had left the list")
		}
		// An administrator may too.
		w.e.user("admin@exemple.org", auth.RoleAdministrator)
		admin := w.e.as(t, w.e.session(t, "admin@exemple.org"))
		expectStatus(t, admin.get(path), http.StatusOK)
		good.Set("email", "gaston@exemple.org")
		good.Set("way", comms.GivenPhone)
		expectStatus(t, admin.post(path, good), http.StatusSeeOther)
		if n := newsCount(t, d, `SELECT COUNT(*) FROM comms_consent_log WHERE how = 'telephone/2026-10-28' AND action = 'confirmed'`); n != 1 {
			t.Fatalf("%d proof entries for the phone consent", n)
		}
		// Adding the volunteers is the officer's too.
		expectStatus(t, anim.post("/admin/communications/listes/"+id64(lid)+"/benevoles", url.Values{}), http.StatusForbidden)
		expectStatus(t, w.staff.post("/admin/communications/listes/"+id64(lid)+"/benevoles", url.Values{}), http.StatusSeeOther)
	})
}

// TestNewsClicksOnTheNewsletterPage: once sent, a newsletter's page shows the
// clicks on its tracked links.
func TestNewsClicksOnTheNewsletterPage(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newNewsWorld(t, d)
		lid, _ := w.newsSubscribed(t, "a@exemple.org")
		nid := trainingCreatedID(t, w.staff.post("/admin/communications/infolettres", url.Values{"subject": {"Nouvelles"},
			"body": {"Le [calendrier](" + w.e.srv.URL + "/evenements)."}, "list": {id64(lid)}, "action": {"save"}}))
		ctx := context.Background()
		s := w.e.app.Comms
		set := w.e.territory.Settings
		set.MailingAddress = "1234, rue Principale, Bécancour (Québec) G9H 1A1"
		if err := w.e.app.Territories.UpdateSettings(ctx, w.e.territory.ID, set); err != nil {
			t.Fatal(err)
		}
		if err := s.SendNewsletterNow(ctx, w.e.territory.ID, nid); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SendNewsletterBatch(ctx, nid, comms.NewsPace{}); err != nil {
			t.Fatal(err)
		}
		var code string
		if err := d.QueryRow(ctx, `SELECT l.code FROM tracked_links l JOIN comms_newsletter_links k ON k.link_id = l.id
			WHERE k.newsletter_id = ?`, nid).Scan(&code); err != nil {
			t.Fatal(err)
		}
		page := "/admin/communications/infolettres/" + id64(nid)
		expectContains(t, w.staff.get(page), "clics sur ses liens depuis l’envoi\u00a0: 0")
		r := w.visitor.get("/l/" + code)
		if r.StatusCode/100 != 3 || !strings.HasSuffix(r.Header.Get("Location"), "/evenements") {
			t.Fatalf("/l/%s answered %d to %q", code, r.StatusCode, r.Header.Get("Location"))
		}
		expectContains(t, w.staff.get(page), "clics sur ses liens depuis l’envoi\u00a0: 1")
		// The public archive links straight to the page.
		r = w.visitor.get("/infolettre/archives/nouvelles")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, `href="`+w.e.srv.URL+`/evenements"`)
	})
}
