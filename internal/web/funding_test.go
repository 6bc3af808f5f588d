package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// TestFundingApplications: an administrator adds an application, corrects
// it, records the decision, a report owed and a document; bad amounts and
// dates are refused in French with what was typed kept; facilitators,
// partners and citizens never see the pages.
func TestFundingApplications(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.app.Clock.Set(time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
		e.user("direction@example.org", auth.RoleAdministrator)
		e.user("anim@example.org", auth.RoleFacilitator)
		e.user("partenaire@example.org", auth.RolePartner)
		e.user("citoyen@example.org", auth.RoleCitizen)
		admin := e.client(t)
		admin.signIn("direction@example.org")

		expectContains(t, admin.get("/admin"), `href="/admin/financement"`, "Recherche de financement")
		r := admin.get("/admin/financement")
		expectStatus(t, r, http.StatusOK)
		expectContains(t, r, "<h1>Recherche de financement</h1>", "Nouvelle demande", "Aucune demande pour l’instant.")

		// Bad amount and date: French errors, the typed text kept, nothing written.
		r = admin.post("/admin/financement", url.Values{"funder": {"Centraide Centre-du-Québec"}, "program": {"Proximité"},
			"amount": {"vingt-cinq mille"}, "deadline": {"31 février 2027"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Inscrivez un montant en dollars", `value="vingt-cinq mille"`, `value="31 février 2027"`,
			`value="Centraide Centre-du-Québec"`, `aria-invalid="true"`)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM funding_applications`); n != 0 {
			t.Fatalf("%d applications written from a refused form", n)
		}

		r = admin.post("/admin/financement", url.Values{"funder": {"Centraide Centre-du-Québec"}, "program": {"Proximité"},
			"amount": {"25 000 $"}, "deadline": {"2026-12-10"}, "note": {"Pour les communautés"}})
		expectStatus(t, r, http.StatusSeeOther)
		app := r.Header.Get("Location")
		if !strings.HasPrefix(app, "/admin/financement/") {
			t.Fatalf("redirect to %q", app)
		}
		r = admin.follow(r)
		expectContains(t, r, "La demande est ajoutée.", "Centraide Centre-du-Québec — Proximité", "25\u00a0000,00\u00a0$", "À préparer")
		list := admin.get("/admin/financement")
		expectContains(t, list, `href="`+app+`"`, "Demandes à préparer, par échéance", "décembre 2026")

		// Editing: a bad date refused, then corrected.
		r = admin.post(app, url.Values{"funder": {"Centraide Centre-du-Québec"}, "amount": {"30000,50"}, "deadline": {"2999-01-01"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "L’année doit être entre", `value="2999-01-01"`)
		expectStatus(t, admin.post(app, url.Values{"funder": {"Centraide Centre-du-Québec"}, "program": {"Proximité"}, "amount": {"30000,50"},
			"deadline": {"2027-01-15"}}), http.StatusSeeOther)
		expectContains(t, admin.get(app), "30\u00a0000,50\u00a0$", "janvier 2027")

		// Status: submitted, then accepted with its amount and day.
		expectStatus(t, admin.post(app+"/statut", url.Values{"status": {"accepted"}, "granted": {"1"}, "decided_on": {"2026-11-10"}}),
			http.StatusUnprocessableEntity)
		expectStatus(t, admin.post(app+"/statut", url.Values{"status": {"submitted"}}), http.StatusSeeOther)
		r = admin.post(app+"/statut", url.Values{"status": {"accepted"}, "granted": {"vingt"}, "decided_on": {"2026-11-10"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, "Inscrivez un montant en dollars", `value="vingt"`)
		expectStatus(t, admin.post(app+"/statut", url.Values{"status": {"accepted"}, "granted": {"28 000 $"}, "decided_on": {"2026-11-10"}}),
			http.StatusSeeOther)
		expectContains(t, admin.get(app), "Acceptée", "28\u00a0000,00\u00a0$", "novembre 2026")

		// A report owed, then sent; removing it needs the confirmation.
		r = admin.post(app+"/rapports", url.Values{"report_title": {"Rapport d’étape"}, "due_on": {"demain matin"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectContains(t, r, `value="demain matin"`)
		expectStatus(t, admin.post(app+"/rapports", url.Values{"report_title": {"Rapport d’étape"}, "due_on": {"2027-03-31"}}), http.StatusSeeOther)
		expectContains(t, admin.get("/admin/financement"), "Rapports à remettre", "Rapport d’étape")
		var report string
		if err := d.QueryRow(t.Context(), `SELECT CAST(id AS TEXT) FROM funding_reports`).Scan(&report); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, admin.post(app+"/rapports/"+report+"/remis", url.Values{"submitted_on": {"2026-11-19"}}), http.StatusSeeOther)
		expectContains(t, admin.get("/admin/financement"), "Aucun rapport n’est à remettre.")
		expectStatus(t, admin.post(app+"/rapports/"+report+"/retirer", url.Values{}), http.StatusUnprocessableEntity)
		expectStatus(t, admin.post(app+"/rapports/"+report+"/retirer", url.Values{"confirm": {"1"}}), http.StatusSeeOther)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM funding_reports`); n != 0 {
			t.Errorf("%d reports after removal", n)
		}

		// A document: uploaded, downloaded, removed.
		pdf := []byte("%PDF-1.4\n% lettre\n")
		r = admin.postMultipart(app+"/documents", url.Values{"document_title": {"Lettre"}}, "file", "page.pdf", []byte("<html></html>"))
		expectStatus(t, r, http.StatusUnprocessableEntity)
		expectStatus(t, admin.postMultipart(app+"/documents", url.Values{"document_title": {"Lettre de confirmation"}}, "file", "lettre.pdf", pdf),
			http.StatusSeeOther)
		var doc string
		if err := d.QueryRow(t.Context(), `SELECT CAST(id AS TEXT) FROM funding_documents`).Scan(&doc); err != nil {
			t.Fatal(err)
		}
		expectContains(t, admin.get(app), `href="`+app+`/documents/`+doc+`"`, "Lettre de confirmation")
		r = admin.get(app + "/documents/" + doc)
		expectStatus(t, r, http.StatusOK)
		if r.body != string(pdf) || r.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("download: %q %q", r.Header.Get("Content-Type"), r.body)
		}
		expectStatus(t, admin.post(app+"/documents/"+doc+"/retirer", url.Values{"confirm": {"1"}}), http.StatusSeeOther)
		expectStatus(t, admin.get(app+"/documents/"+doc), http.StatusNotFound)

		// The totals of each year.
		expectContains(t, admin.get("/admin/financement"), "Totaux par année", "<th scope=\"row\">2027</th>", "<th scope=\"row\">2026</th>")

		// English.
		en := e.client(t)
		en.lang = "en"
		en.signIn("direction@example.org")
		expectContains(t, en.get("/admin/financement"), "<h1>Funding</h1>", "Totals by year", "Accepted")

		// Nobody else.
		for _, who := range []string{"anim@example.org", "partenaire@example.org", "citoyen@example.org"} {
			c := e.client(t)
			c.signIn(who)
			for _, p := range []string{"/admin/financement", app, app + "/documents/" + doc} {
				expectStatus(t, c.get(p), http.StatusForbidden)
			}
			expectStatus(t, c.post("/admin/financement", url.Values{"funder": {"X"}, "amount": {"1"}, "deadline": {"2027-01-01"}}), http.StatusForbidden)
			expectStatus(t, c.post(app+"/statut", url.Values{"status": {"submitted"}}), http.StatusForbidden)
			if strings.Contains(c.get("/admin").body, "/admin/financement") {
				t.Errorf("%s sees the funding card", who)
			}
		}
		anon := e.client(t)
		expectStatus(t, anon.get("/admin/financement"), http.StatusSeeOther)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM funding_applications`); n != 1 {
			t.Errorf("%d applications, want 1", n)
		}
	})
}
