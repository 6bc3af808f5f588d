package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/testkit"
)

// setPublicFormsPerHour changes the territory's limit of public forms, as
// an administrator does on the settings page.
func (e *env) setPublicFormsPerHour(n int) {
	e.t.Helper()
	ts := territory.NewStore(e.d)
	t, err := ts.BySlug(context.Background(), e.territory.Slug) // the settings as they are now
	if err != nil {
		e.t.Fatal(err)
	}
	set := t.Settings
	set.PublicFormsPerHour = n
	if err := ts.UpdateSettings(context.Background(), e.territory.ID, set); err != nil {
		e.t.Fatal(err)
	}
	e.territory.Settings = set
}

// rowCounts counts the rows of every table of the application.
func rowCounts(t testing.TB, d *db.DB) map[string]int {
	t.Helper()
	ctx := context.Background()
	tables, err := d.AppTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for name := range tables {
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM `+name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[name] = n
	}
	return out
}

// expectNothingStored checks that no table gained or lost a row, but the
// tables it is told to ignore.
func expectNothingStored(t *testing.T, d *db.DB, before map[string]int, ignore ...string) {
	t.Helper()
	after := rowCounts(t, d)
	for _, k := range ignore {
		delete(before, k)
		delete(after, k)
	}
	if !maps.Equal(before, after) {
		for k, n := range after {
			if before[k] != n {
				t.Errorf("table %s went from %d to %d rows", k, before[k], n)
			}
		}
	}
}

// with returns a copy of form where field holds v.
func with(form url.Values, field, v string) url.Values {
	out := url.Values{}
	for k, vs := range form {
		out[k] = append([]string(nil), vs...)
	}
	out.Set(field, v)
	return out
}

// unreadable are values no person types: bytes that are not UTF-8 (as
// %ff%fe%fd in a form), NUL, and other control characters.
var unreadable = map[string]string{
	"not UTF-8": "\xff\xfe\xfdBad",
	"NUL":       "Bad\x00name",
	"escape":    "Bad\x1b[2Jname",
	"C1":        "Bad\u0085name",
}

// TestUnreadableTextIsRefused posts unreadable text to every public form,
// a staff form and an upload: each answers 400 with a message a citizen
// understands, and nothing is stored — no account, no application, no
// e-mail, not even a count of the rate limit.
func TestUnreadableTextIsRefused(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newVolWorld(t, d)
		e := w.env
		ctx := context.Background()
		tid := e.territory.ID
		ev := e.publishedEvent(t, 40)
		idea, err := e.community.Record(ctx, tid, 0, community.Input{Kind: community.Need,
			Title: "Un transport vers l’épicerie", ThemeCode: "transport", PlaceSlug: "becancour-gentilly"})
		if err != nil {
			t.Fatal(err)
		}
		ini, _ := publicInitiative(t, e)
		space := e.newCommunity(t, "Cuisine collective", true)
		org, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Comité des loisirs", Kind: orgs.Nonprofit})
		if err != nil {
			t.Fatal(err)
		}
		admin := e.user("admin@exemple.org", auth.RoleAdministrator)
		if err := e.auth.SetPassword(ctx, admin.ID, "une phrase de passe"); err != nil {
			t.Fatal(err)
		}
		visitor := e.client(t)
		staff := e.client(t)
		staff.signIn("admin@exemple.org")

		forms := []struct {
			name  string
			c     *client
			path  string
			form  url.Values
			field string
		}{
			{"souper sign-up", visitor, "/evenements/" + ev.Slug + "/inscription",
				url.Values{"name": {"Gaétane"}, "email": {"gaetane@exemple.org"}, "party_size": {"1"}}, "name"},
			{"idea proposal", visitor, "/idees/proposer",
				url.Values{"kind": {"idea"}, "title": {"Un jardin"}, "details": {"Derrière l’église"}, "theme": {"environment"},
					"place": {"fortierville"}, "submitter_name": {"Rita"}, "submitter_email": {"rita@exemple.org"}}, "title"},
			{"idea support", visitor, "/idees/" + itoa(idea.ID) + "/appui",
				url.Values{"name": {"Réjean"}, "email": {"rejean@exemple.org"}, "offer": {"Mon camion"}}, "offer"},
			{"apply to an opportunity", visitor, "/s-impliquer/offres/" + w.cook.Slug + "/interet",
				url.Values{"name": {"Lise"}, "email": {"lise@exemple.org"}, "message": {"Libre le mardi"}}, "name"},
			{"initiative join", visitor, "/initiatives/" + ini.Slug,
				url.Values{"name": {"Paul"}, "email": {"paul@exemple.org"}, "offer": {"Des bras"}}, "name"},
			{"community join request", visitor, "/communautes/" + space.Slug + "/demande",
				url.Values{"name": {"Rita"}, "email": {"rita@exemple.org"}}, "name"},
			{"magic link request", visitor, "/connexion/lien", url.Values{"email": {"admin@exemple.org"}, "retour": {"/compte"}}, "retour"},
			{"password sign-in", visitor, "/connexion/mot-de-passe",
				url.Values{"email": {"admin@exemple.org"}, "password": {"une phrase de passe"}}, "password"},
			{"staff: add a user", staff, "/admin/utilisateurs",
				url.Values{"email": {"nouveau@exemple.org"}, "name": {"Nouveau"}, "role": {"facilitator"}, "send_link": {"1"}}, "name"},
		}
		for _, f := range forms {
			t.Run(f.name, func(t *testing.T) {
				for what, bad := range unreadable {
					t.Run(what, func(t *testing.T) {
						before := rowCounts(t, d)
						r := f.c.post(f.path, with(f.form, f.field, bad))
						expectStatus(t, r, http.StatusBadRequest)
						expectContains(t, r, "Un champ du formulaire contient des caractères qui ne peuvent pas être lus",
							"Rien n’a été enregistré", "Retapez le texte")
						expectNothingStored(t, d, before)
						// A field's name is text too.
						expectStatus(t, f.c.post(f.path, with(f.form, "x"+bad, "1")), http.StatusBadRequest)
						expectNothingStored(t, d, before)
					})
				}
			})
		}

		t.Run("in English, with the way back to the form", func(t *testing.T) {
			c := e.client(t)
			c.lang = "en"
			page := e.srv.URL + "/evenements/" + ev.Slug
			req, _ := http.NewRequest("POST", page+"/inscription", strings.NewReader("name=%ff%fe%fdBad&email=a%40exemple.org"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Referer", page)
			r := c.do(req)
			expectStatus(t, r, http.StatusBadRequest)
			expectContains(t, r, `<html lang="en">`, "A field of the form holds characters that cannot be read", "Nothing was saved",
				`href="/evenements/`+ev.Slug+`"`, "Back to the form")
		})

		t.Run("query strings are checked too", func(t *testing.T) {
			r := visitor.get("/idees?theme=%ff%fe")
			expectStatus(t, r, http.StatusBadRequest)
			expectContains(t, r, "Un champ du formulaire")
			expectStatus(t, visitor.get("/lieux/%ff%fe"), http.StatusNotFound)
			expectStatus(t, visitor.get("/idees?theme=transport"), http.StatusOK)
		})

		t.Run("upload: text fields and file names are checked, a file's content is not", func(t *testing.T) {
			path := "/admin/organismes/" + itoa(org.ID) + "/politiques"
			fields := url.Values{"policy_kind": {"volunteer_recognition"}, "adopted_on": {"2025-06-12"}}
			pdf := append([]byte("%PDF-1.4\n"), 0xff, 0xfe, 0x00, 0xfd, '\n')
			for _, bad := range unreadable {
				before := rowCounts(t, d)
				r := staff.postMultipart(path, with(fields, "document_url", bad), "document", "politique.pdf", pdf)
				expectStatus(t, r, http.StatusBadRequest)
				expectContains(t, r, "Un champ du formulaire")
				expectNothingStored(t, d, before)
				r = staff.postMultipart(path, fields, "document", "politique"+bad+".pdf", pdf)
				expectStatus(t, r, http.StatusBadRequest)
				expectNothingStored(t, d, before)
			}
			r := staff.postMultipart(path, fields, "document", "politique.pdf", pdf)
			expectStatus(t, r, http.StatusSeeOther)
			if p, err := e.orgs.Policies(ctx, tid, org.ID); err != nil || len(p) != 1 {
				t.Errorf("a PDF with binary bytes was not taken: %v %v", p, err)
			}
		})

		t.Run("API registration", func(t *testing.T) {
			path := e.srv.URL + "/api/v1/events/" + itoa(ev.ID) + "/registrations"
			post := func(c *client, body []byte) response {
				req, _ := http.NewRequest("POST", path, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				return c.do(req)
			}
			for _, body := range [][]byte{
				[]byte("{\"name\": \"\xff\xfe\xfdBad\", \"email\": \"api@exemple.org\"}"),
				[]byte(`{"name": "Bad\u0000name", "email": "api@exemple.org"}`),
				[]byte(`{"name": "Bad\u001bname", "email": "api@exemple.org"}`),
				[]byte(`{"name\u0000": "Gaétane", "email": "api@exemple.org"}`),
				[]byte("{\"name\": \"Bad\x00name\", \"email\": \"api@exemple.org\"}"),
			} {
				before := rowCounts(t, d)
				r := post(visitor, body)
				expectStatus(t, r, http.StatusBadRequest)
				var out map[string]string
				if err := json.Unmarshal([]byte(r.body), &out); err != nil || !strings.Contains(out["error"], "UTF-8") {
					t.Errorf("%q: %s", body, r.body)
				}
				expectNothingStored(t, d, before)
			}
			en := e.client(t)
			en.lang = "en"
			r := post(en, []byte(`{"name": "Bad\u0000", "email": "api@exemple.org"}`))
			expectStatus(t, r, http.StatusBadRequest)
			expectContains(t, r, "The request holds unreadable text")
			r = post(visitor, []byte(`{"name": "Gaétane\tTremblay", "email": "api@exemple.org", "dietary": "Sans gluten\r\nSans lactose"}`))
			expectStatus(t, r, http.StatusCreated)
		})
	})
}

// refuseInserts makes every insert into table fail (as a full disk or a
// broken constraint would), until the test ends.
func refuseInserts(t *testing.T, d *db.DB, table string) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{`CREATE TRIGGER refuse_` + table + ` BEFORE INSERT ON ` + table + ` BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`}
	undo := []string{`DROP TRIGGER refuse_` + table}
	if d.Engine == db.Postgres {
		stmts = []string{
			`CREATE OR REPLACE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
			`CREATE TRIGGER refuse_` + table + ` BEFORE INSERT ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION refuse_insert()`,
		}
		undo = []string{`DROP TRIGGER refuse_` + table + ` ON ` + table}
	}
	for _, q := range stmts {
		if _, err := d.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, q := range undo {
			if _, err := d.Exec(ctx, q); err != nil {
				t.Error(err)
			}
		}
	})
}

// TestNothingHalfWritten makes the last step of each flow that creates an
// account with something else fail: the account is not left behind
// (before, a failed e-mail left an account and an application, and the
// same address could not apply or receive its link the same way again).
func TestNothingHalfWritten(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newVolWorld(t, d)
		e := w.env
		ctx := context.Background()
		e.user("admin@exemple.org", auth.RoleAdministrator)
		staff := e.client(t)
		staff.signIn("admin@exemple.org")
		space := e.newCommunity(t, "Bouger ensemble", false)
		if _, err := e.community.Invite(ctx, e.territory.ID, space.ID, 0, []community.Invitee{{Email: "lise@exemple.org"}}, "fr"); err != nil {
			t.Fatal(err)
		}
		link := e.joinLink(t, "lise@exemple.org")
		v := e.client(t)
		v.lang = "fr"

		t.Run("apply to an opportunity: the e-mail fails", func(t *testing.T) {
			refuseInserts(t, d, "mail_outbox")
			before := rowCounts(t, d)
			r := v.post("/s-impliquer/offres/"+w.cook.Slug+"/interet", url.Values{"name": {"Gilles"}, "email": {"gilles@exemple.org"}})
			expectStatus(t, r, http.StatusInternalServerError)
			expectNothingStored(t, d, before, "rate_limits") // the form was counted, and only that
		})
		t.Run("apply to an opportunity: the application fails", func(t *testing.T) {
			refuseInserts(t, d, "volunteer_applications")
			before := rowCounts(t, d)
			expectStatus(t, v.post("/s-impliquer/offres/"+w.cook.Slug+"/interet", url.Values{"name": {"Gilles"}, "email": {"gilles@exemple.org"}}),
				http.StatusInternalServerError)
			expectNothingStored(t, d, before)
		})
		t.Run("then it works, once", func(t *testing.T) {
			r := v.post("/s-impliquer/offres/"+w.cook.Slug+"/interet", url.Values{"name": {"Gilles"}, "email": {"gilles@exemple.org"}})
			expectStatus(t, r, http.StatusSeeOther)
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM users WHERE email = ?`, "gilles@exemple.org"); n != 1 {
				t.Errorf("%d accounts", n)
			}
			if e.mailCount(t, "gilles@exemple.org") != 1 {
				t.Error("no confirmation e-mail")
			}
		})
		t.Run("volunteer profile link: the e-mail fails", func(t *testing.T) {
			refuseInserts(t, d, "mail_outbox")
			before := rowCounts(t, d)
			expectStatus(t, v.post("/s-impliquer/profil/lien", url.Values{"email": {"nouvelle@exemple.org"}}), http.StatusInternalServerError)
			expectNothingStored(t, d, before, "rate_limits")
		})
		t.Run("staff add a user with a sign-in link: the e-mail fails", func(t *testing.T) {
			refuseInserts(t, d, "mail_outbox")
			before := rowCounts(t, d)
			r := staff.post("/admin/utilisateurs", url.Values{"email": {"anim@exemple.org"}, "role": {"facilitator"}, "send_link": {"1"}})
			expectStatus(t, r, http.StatusInternalServerError)
			expectNothingStored(t, d, before)
			if _, err := e.auth.UserByEmail(ctx, "anim@exemple.org"); err == nil {
				t.Error("the account was kept without its e-mail")
			}
		})
		t.Run("magic link: the e-mail fails", func(t *testing.T) {
			refuseInserts(t, d, "mail_outbox")
			before := rowCounts(t, d)
			expectStatus(t, e.client(t).post("/connexion/lien", url.Values{"email": {"admin@exemple.org"}}), http.StatusInternalServerError)
			expectNothingStored(t, d, before, "rate_limits")
		})
		t.Run("joining a community by invitation: the membership fails", func(t *testing.T) {
			refuseInserts(t, d, "community_members")
			before := rowCounts(t, d)
			r := e.client(t).post(link, url.Values{"share_name_value": {"Lise B."}})
			expectStatus(t, r, http.StatusInternalServerError)
			expectNothingStored(t, d, before, "rate_limits")
		})
		t.Run("the invitation still works", func(t *testing.T) {
			expectStatus(t, e.client(t).post(link, url.Values{"share_name_value": {"Lise B."}}), http.StatusSeeOther)
		})
	})
}

// TestUnreadableNameDoesNotLockOut: an account whose name was stored with
// bytes that are not UTF-8 (by an earlier version, on SQLite) still gets
// its sign-in links; before, every link for that address answered 500.
func TestUnreadableNameDoesNotLockOut(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	e := newEnv(t, d)
	u := e.user("victime@exemple.org", auth.RoleCitizen)
	if _, err := d.Exec(context.Background(), `UPDATE users SET name = ? WHERE id = ?`, "\xff\xfe\xfdBad", u.ID); err != nil {
		t.Fatal(err)
	}
	c := e.client(t)
	expectStatus(t, c.post("/connexion/lien", url.Values{"email": {"victime@exemple.org"}}), http.StatusSeeOther)
	c.signIn("victime@exemple.org")
	expectStatus(t, c.get("/compte"), http.StatusOK)
}

// TestPublicFormsLimitIsASetting: administrators set how many public forms
// one address may send in an hour, on the territory's settings page; the
// limit counts from there, and its 429 says the same wait as Retry-After.
func TestPublicFormsLimitIsASetting(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("admin@exemple.org", auth.RoleAdministrator)
		admin := e.client(t)
		admin.signIn("admin@exemple.org")
		r := admin.get("/admin/territoire")
		expectStatus(t, r, 200)
		expectContains(t, r, `id="public_forms_per_hour"`, `value="30"`, "Formulaires publics permis par heure")

		form := settingsForm(e)
		for _, bad := range []string{"0", "1001", "-3", "beaucoup", ""} {
			form.Set("public_forms_per_hour", bad)
			r := admin.post("/admin/territoire", form)
			expectStatus(t, r, http.StatusUnprocessableEntity)
			expectContains(t, r, "Entrez un nombre entre 1 et 1\u00a0000.", `aria-invalid="true"`)
		}
		form.Set("public_forms_per_hour", "3")
		expectStatus(t, admin.post("/admin/territoire", form), http.StatusSeeOther)
		expectContains(t, admin.get("/admin/territoire"), `value="3"`)
		// A form without the field keeps the setting.
		form.Del("public_forms_per_hour")
		expectStatus(t, admin.post("/admin/territoire", form), http.StatusSeeOther)
		expectContains(t, admin.get("/admin/territoire"), `value="3"`)

		for _, lang := range []string{"fr", "en"} {
			v := e.client(t)
			v.lang = lang
			propose := url.Values{"kind": {"idea"}}
			var last response
			for range 4 {
				last = v.post("/idees/proposer", propose)
			}
			if lang == "fr" {
				expectStatus(t, last, http.StatusTooManyRequests)
				expectContains(t, last, "Attendez au plus 1\u00a0heure, puis réessayez.")
			} else {
				expectStatus(t, last, http.StatusTooManyRequests)
				expectContains(t, last, "Wait 1 hour at most, then try again.")
			}
			if ra := last.Header.Get("Retry-After"); ra != "3600" {
				t.Errorf("Retry-After %q", ra)
			}
		}
	})
}

// settingsForm is the settings page's form as it stands.
func settingsForm(e *env) url.Values {
	set := e.territory.Settings
	return url.Values{"name": {set.Name}, "operator_name": {set.OperatorName}, "program_name": {set.ProgramName},
		"contact_email": {set.ContactEmail}, "contact_phone": {set.ContactPhone}, "mailing_address": {set.MailingAddress},
		"privacy_officer_name": {set.PrivacyOfficerName}, "privacy_officer_email": {set.PrivacyOfficerEmail},
		"time_zone": {set.TimeZone}, "brand_color": {set.BrandColor}, "dinner_target": {"18"}}
}

// TestLimitsSayWhatHappened: a form over its size limit is refused as such
// (413, the limit, nothing saved), never read as an empty form; every 429
// says the wait its Retry-After gives.
func TestLimitsSayWhatHappened(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		ev := e.publishedEvent(t, 40)
		org, err := e.orgs.Create(ctx, e.territory.ID, 0, orgs.Input{Name: "Comité des loisirs", Kind: orgs.Nonprofit})
		if err != nil {
			t.Fatal(err)
		}
		e.user("admin@exemple.org", auth.RoleAdministrator)
		staff := e.client(t)
		staff.signIn("admin@exemple.org")
		v := e.client(t)

		t.Run("a form over 1 MB", func(t *testing.T) {
			before := rowCounts(t, d)
			r := v.post("/idees/proposer", url.Values{"kind": {"idea"}, "title": {"Un jardin"}, "details": {strings.Repeat("é", 600_000)},
				"submitter_email": {"rita@exemple.org"}})
			expectStatus(t, r, http.StatusRequestEntityTooLarge)
			expectContains(t, r, "Ce formulaire est trop long\u00a0: il dépasse la limite de 1 Mo. Rien n’a été enregistré.")
			if strings.Contains(r.body, "Ce champ est obligatoire") {
				t.Error("an over-size form was read as empty")
			}
			expectNothingStored(t, d, before)
			en := e.client(t)
			en.lang = "en"
			r = en.post("/evenements/"+ev.Slug+"/inscription", url.Values{"name": {strings.Repeat("a", 1_000_001)}})
			expectStatus(t, r, http.StatusRequestEntityTooLarge)
			expectContains(t, r, "This form is too long: it is over the limit of 1 MB. Nothing was saved.")
			expectNothingStored(t, d, before)
		})

		t.Run("a file over its limit", func(t *testing.T) {
			before := rowCounts(t, d)
			r := staff.postMultipart("/admin/organismes/"+itoa(org.ID)+"/politiques", url.Values{"policy_kind": {"volunteer_recognition"},
				"adopted_on": {"2025-06-12"}}, "document", "politique.pdf", append([]byte("%PDF-1.4\n"), make([]byte, orgs.MaxDocumentBytes+2_000_000)...))
			expectStatus(t, r, http.StatusRequestEntityTooLarge)
			expectContains(t, r, "Le document dépasse 5\u00a0Mo. Rien n’a été enregistré\u00a0: choisissez un fichier plus petit")
			expectNothingStored(t, d, before)
		})

		t.Run("an API body over 64 kB", func(t *testing.T) {
			before := rowCounts(t, d)
			body := `{"name": "` + strings.Repeat("a", 70_000) + `", "email": "api@exemple.org"}`
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/events/"+itoa(ev.ID)+"/registrations", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			r := v.do(req)
			expectStatus(t, r, http.StatusRequestEntityTooLarge)
			var out map[string]string
			if err := json.Unmarshal([]byte(r.body), &out); err != nil || out["error"] != "Le corps de la requête dépasse la limite de 64 ko. Rien n’a été enregistré." {
				t.Errorf("%s", r.body)
			}
			expectNothingStored(t, d, before)
		})

		t.Run("the API's 429 says the wait of its Retry-After", func(t *testing.T) {
			e.setPublicFormsPerHour(1)
			defer e.setPublicFormsPerHour(30)
			for _, c := range []struct{ lang, want string }{{"fr", "Attendez au plus 1\u00a0heure"}, {"en", "Wait 1 hour at most"}} {
				cl := e.client(t)
				cl.lang = c.lang
				var r response
				for i := range 2 {
					body := `{"name": "Api", "email": "api` + c.lang + itoa(int64(i)) + `@exemple.org"}`
					req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/events/"+itoa(ev.ID)+"/registrations", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					r = cl.do(req)
				}
				expectStatus(t, r, http.StatusTooManyRequests)
				expectContains(t, r, c.want)
				if strings.Contains(r.body, "15") || r.Header.Get("Retry-After") != "3600" {
					t.Errorf("%s: Retry-After %q, %s", c.lang, r.Header.Get("Retry-After"), r.body)
				}
				// The next address is not concerned.
				e.setPublicFormsPerHour(30)
				e.setPublicFormsPerHour(1)
			}
		})

		t.Run("sign-in's 429 says its own window", func(t *testing.T) {
			c := e.client(t)
			var r response
			// Requests for a sign-in link are counted per address, over 15 minutes.
			for range 21 {
				r = c.post("/connexion/lien", url.Values{"email": {"admin@exemple.org"}})
			}
			expectStatus(t, r, http.StatusTooManyRequests)
			expectContains(t, r, "Attendez au plus 15\u00a0minutes")
			if ra := r.Header.Get("Retry-After"); ra != "900" {
				t.Errorf("magic links: Retry-After %q", ra)
			}
		})
	})
}
