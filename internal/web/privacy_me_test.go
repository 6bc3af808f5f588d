package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	pv "implique/internal/privacy"
)

var meLinkRe = regexp.MustCompile(`/mes-donnees/[A-Za-z0-9_-]{40,}`)

// mailsTo counts the e-mails queued to addr.
func (e *env) mailsTo(t testing.TB, addr string) int {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 200)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.To == addr {
			n++
		}
	}
	return n
}

// meLink asks « Mes données » for addr and returns the link e-mailed.
func (e *env) meLink(t *testing.T, addr string) string {
	t.Helper()
	r := e.client(t).post("/mes-donnees", url.Values{"email": {addr}})
	expectStatus(t, r, 200)
	return e.outboxLink(t, addr, meLinkRe)
}

func (e *env) privacyRequests(t *testing.T) []pv.Request {
	t.Helper()
	list, err := e.app.Privacy.Requests(context.Background(), e.territory.ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestPrivacyMeLink: the form answers the same neutral page for a known and
// an unknown address, and e-mails a link only to a known one; a forged,
// altered or expired link is refused with a page offering a new one; signed
// in, « Mes données » opens the person's own page.
func TestPrivacyMeLink(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		c := e.client(t)

		r := c.get("/mes-donnees")
		expectStatus(t, r, 200)
		expectContains(t, r, "Mes données", `name="email"`, "Vous n’avez pas de courriel", "Directrice générale")

		neutral := "Si nous avons des renseignements liés à cette adresse, un lien vient de vous être envoyé."
		r = c.post("/mes-donnees", url.Values{"email": {"inconnu@exemple.org"}})
		expectStatus(t, r, 200)
		expectContains(t, r, neutral)
		if n := e.mailsTo(t, "inconnu@exemple.org"); n != 0 {
			t.Fatalf("%d mails to an unknown address", n)
		}

		if _, err := e.app.Privacy.Ask(ctx, e.territory.ID, "Connue@Exemple.org", pv.Question, "Que gardez-vous ?"); err != nil {
			t.Fatal(err)
		}
		r = c.post("/mes-donnees", url.Values{"email": {"connue@exemple.org"}})
		expectStatus(t, r, 200)
		expectContains(t, r, neutral)
		if n := e.mailsTo(t, "connue@exemple.org"); n != 1 {
			t.Fatalf("%d mails to a known address, want 1", n)
		}
		link := e.outboxLink(t, "connue@exemple.org", meLinkRe)
		if strings.Contains(link, "connue") {
			t.Fatalf("the address shows in the link %s", link)
		}

		// An account is known too, even with nothing else held.
		e.user("compte@exemple.org")
		expectStatus(t, c.post("/mes-donnees", url.Values{"email": {"compte@exemple.org"}}), 200)
		if n := e.mailsTo(t, "compte@exemple.org"); n != 1 {
			t.Fatalf("%d mails to an account's address, want 1", n)
		}

		// In English, the e-mail is in English.
		en := e.client(t)
		en.lang = "en"
		e.user("english@exemple.org")
		r = en.post("/mes-donnees", url.Values{"email": {"english@exemple.org"}})
		expectStatus(t, r, 200)
		expectContains(t, r, "If we hold information linked to this address, a link has just been sent to you.")
		items, err := e.outbox.List(ctx, e.territory.ID, 10)
		if err != nil || len(items) == 0 || items[0].To != "english@exemple.org" || !strings.HasPrefix(items[0].Subject, "Your link") ||
			!strings.Contains(items[0].Text, "It works for 24 hours") {
			t.Fatalf("the English e-mail: %+v %v", items, err)
		}

		// A bad address: a French error, what was typed kept, nothing sent.
		r = c.post("/mes-donnees", url.Values{"email": {"pas-une-adresse"}})
		expectStatus(t, r, 422)
		expectContains(t, r, "Entrez une adresse courriel valide", `value="pas-une-adresse"`)

		r = c.get(link)
		expectStatus(t, r, 200)
		expectContains(t, r, "Que gardez-vous", "Ce que nous conservons à votre sujet", "Vos consentements")
		if r.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("Referrer-Policy %q", r.Header.Get("Referrer-Policy"))
		}

		// Forged or altered: refused, a new link offered.
		for _, bad := range []string{"/mes-donnees/" + strings.Repeat("A", 80), link[:len(link)-2] + "xx", "/mes-donnees/abc"} {
			r = c.get(bad)
			expectStatus(t, r, 404)
			expectContains(t, r, "Ce lien ne fonctionne plus", `action="/mes-donnees"`)
			if strings.Contains(r.body, "Que gardez-vous") {
				t.Fatalf("%s shows the person's data", bad)
			}
		}
		expectStatus(t, c.post(link[:len(link)-2]+"xx/suppression", url.Values{"confirm": {"1"}}), 404)

		// Signed in: the person's own page.
		e.user("membre@exemple.org", auth.RoleFacilitator)
		m := e.as(t, e.session(t, "membre@exemple.org"))
		r = m.get("/mes-donnees")
		expectStatus(t, r, 303)
		if !meLinkRe.MatchString(r.Header.Get("Location")) {
			t.Fatalf("redirect to %q", r.Header.Get("Location"))
		}
		expectStatus(t, m.follow(r), 200)

		// After 24 hours the link is dead.
		e.app.Clock.Set(time.Now().Add(25 * time.Hour))
		r = c.get(link)
		expectStatus(t, r, 404)
		expectContains(t, r, "Ce lien ne fonctionne plus")
	})
}

// TestPrivacyMePage: consents, corrections, requests, the archive and the
// erasure through the person's link, and their refusals.
func TestPrivacyMePage(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		tid := e.territory.ID
		if _, err := e.app.Privacy.Ask(ctx, tid, "lise@exemple.org", pv.Question, "Ma demande à moi"); err != nil {
			t.Fatal(err)
		}
		other, err := e.app.Privacy.Ask(ctx, tid, "autre@exemple.org", pv.Question, "La demande d’une autre")
		if err != nil {
			t.Fatal(err)
		}
		link := e.meLink(t, "lise@exemple.org")
		c := e.client(t)

		// Someone else's consent (or nothing): 404.
		r := c.post(link+"/consentements", url.Values{"ref": {"privacy_requests:" + itoa(other.ID)}})
		expectStatus(t, r, 404)
		expectStatus(t, c.post(link+"/consentements", url.Values{"ref": {"n’importe quoi"}}), 404)

		// A bad phone: a French error, what was typed kept.
		r = c.post(link+"/corriger", url.Values{"name": {"Lise Tremblay"}, "phone": {"12"}})
		expectStatus(t, r, 422)
		expectContains(t, r, "Entrez un numéro à 10 chiffres", `value="Lise Tremblay"`, `value="12"`)
		r = c.post(link+"/corriger", url.Values{"name": {""}, "phone": {""}})
		expectStatus(t, r, 422)
		expectContains(t, r, "Écrivez votre nom ou votre téléphone")

		// A request: refused empty, recorded otherwise.
		r = c.post(link+"/demande", url.Values{"kind": {"correction"}, "details": {"  "}})
		expectStatus(t, r, 422)
		expectContains(t, r, "Ce champ est obligatoire")
		before := len(e.privacyRequests(t))
		r = c.post(link+"/demande", url.Values{"kind": {"correction"}, "details": {"Mon adresse a changé"}})
		expectStatus(t, r, 303)
		r = c.follow(r)
		expectContains(t, r, "Votre demande est reçue", "Mon adresse a changé")
		// Codes are said in words, in the page's language.
		expectContains(t, r, "<dd>demande de correction</dd>")
		if strings.Contains(r.body, "<dd>correction</dd>") {
			t.Error("the page shows the request's kind as its code")
		}
		c.lang = "en"
		expectContains(t, c.get(link), "<dd>correction request</dd>")
		c.lang = "fr"
		if n := len(e.privacyRequests(t)); n != before+1 {
			t.Fatalf("%d requests, want %d", n, before+1)
		}

		// The archive: this person's requests, never another's.
		r = c.get(link + "/donnees.zip")
		expectStatus(t, r, 200)
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "mes-donnees-") {
			t.Fatalf("Content-Disposition %q", cd)
		}
		z, err := zip.NewReader(bytes.NewReader([]byte(r.body)), int64(len(r.body)))
		if err != nil {
			t.Fatal(err)
		}
		var js string
		for _, f := range z.File {
			if f.Name == "donnees.json" {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				js = string(b)
			}
		}
		if !strings.Contains(js, "Ma demande à moi") || !strings.Contains(js, "Mon adresse a changé") {
			t.Fatalf("donnees.json lacks the person's requests:\n%s", js)
		}
		if strings.Contains(js, "autre") {
			t.Fatalf("donnees.json holds another person's request:\n%s", js)
		}

		// The erasure: refused without the box, nothing erased.
		r = c.get(link + "/suppression")
		expectStatus(t, r, 200)
		expectContains(t, r, "Ce qui sera supprimé", `name="confirm"`)
		r = c.post(link+"/suppression", url.Values{})
		expectStatus(t, r, 422)
		expectContains(t, r, "Cochez la case pour confirmer")
		if n := len(e.privacyRequests(t)); n != before+1 {
			t.Fatalf("%d requests after a refused erasure, want %d", n, before+1)
		}
		r = c.post(link+"/suppression", url.Values{"confirm": {"1"}})
		expectStatus(t, r, 200)
		// The requests and the e-mails sent to the address.
		expectContains(t, r, "éléments ont été supprimés ou rendus anonymes")
		left := e.privacyRequests(t)
		if len(left) != 1 || left[0].Email != "autre@exemple.org" {
			t.Fatalf("left %+v", left)
		}
		r = c.get(link)
		expectStatus(t, r, 200)
		expectContains(t, r, "Nous ne conservons aucun renseignement lié à cette adresse.")
		// Nothing left: no link is sent any more.
		n := e.mailsTo(t, "lise@exemple.org")
		expectStatus(t, e.client(t).post("/mes-donnees", url.Values{"email": {"lise@exemple.org"}}), 200)
		if e.mailsTo(t, "lise@exemple.org") != n {
			t.Fatal("a link was sent for an address with nothing held")
		}
	})
}

// TestPrivacyMeSignedInErase: a signed-in person who erases their data is
// signed out.
func TestPrivacyMeSignedInErase(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("paul@exemple.org")
		if _, err := e.app.Privacy.Ask(context.Background(), e.territory.ID, "paul@exemple.org", pv.Question, "Bonjour"); err != nil {
			t.Fatal(err)
		}
		tok := e.session(t, "paul@exemple.org")
		c := e.as(t, tok)
		r := c.get("/mes-donnees")
		expectStatus(t, r, 303)
		link := r.Header.Get("Location")
		r = c.post(link+"/suppression", url.Values{"confirm": {"1"}})
		expectStatus(t, r, 200)
		if _, err := e.auth.Session(context.Background(), tok); err == nil {
			t.Fatal("the session outlived the erasure")
		}
	})
}

// TestPrivacyPolicy: the published policy is generated from the registry,
// names the officer with their title, and is in both languages.
func TestPrivacyPolicy(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client(t)
		r := c.get("/confidentialite")
		expectStatus(t, r, 200)
		expectContains(t, r, "Direction générale du Centre d’action bénévole", "Directrice générale", "direction@cabbecancour.com",
			"Vos demandes à la personne responsable", "1\u00a0an après la réponse", "2\u00a0ans après la consultation",
			`href="/mes-donnees"`, "30 jours", "Témoins", "préjudice sérieux", `href="/mes-donnees">Mes données</a>`)
		// Every retention rule is published, those no category names too.
		rules, err := e.app.Privacy.Rules(context.Background(), e.territory.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, rule := range rules {
			expectContains(t, r, `id="regle-`+rule.Key+`"`)
		}
		expectContains(t, r, "Candidatures jamais confirmées\u00a0: 1\u00a0mois après l’envoi de la candidature — destruction",
			"Coordonnées et besoins des inscriptions annulées\u00a0:", "Participations aux initiatives jamais confirmées par courriel\u00a0:",
			"Inscriptions retirées\u00a0:")
		c.lang = "en"
		r = c.get("/confidentialite")
		expectStatus(t, r, 200)
		expectContains(t, r, "Your requests to the person in charge", "1 year after the answer", "Your rights", "Cookies",
			"Applications never confirmed: 1 month after the application was sent — destroyed")

		// The administrator sets the officer's title; too long is refused.
		e.user("admin@exemple.org", auth.RoleAdministrator)
		a := e.as(t, e.session(t, "admin@exemple.org"))
		expectContains(t, a.get("/admin/territoire"), `name="privacy_officer_title"`)
		form := settingsForm(e)
		form.Set("privacy_officer_title", strings.Repeat("x", 121))
		r = a.post("/admin/territoire", form)
		expectStatus(t, r, 422)
		form.Set("privacy_officer_title", "Coordonnatrice")
		expectStatus(t, a.post("/admin/territoire", form), 303)
		expectContains(t, e.client(t).get("/confidentialite"), "Coordonnatrice")
	})
}

// TestPrivacyMeLinkNobodyLocksTheOwnerOut: requests for « Mes données »
// links from strangers' addresses never use up what the owner may ask for:
// the owner still gets a link from their own address, and from their own
// browser (the account's device cookie) even from the attacker's address;
// one requesting address alone gets a few an hour.
func TestPrivacyMeLinkNobodyLocksTheOwnerOut(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := behindProxy(t, d)
		ctx := context.Background()
		ask := func(c *client, from, addr string) {
			t.Helper()
			r := c.postFrom(from, "/mes-donnees", url.Values{"email": {addr}})
			expectStatus(t, r, 200)
			expectContains(t, r, "Si nous avons des renseignements liés à cette adresse, un lien vient de vous être envoyé.")
		}

		// A person without an account: known by a request they made.
		const lise = "lise@exemple.org"
		if _, err := e.app.Privacy.Ask(ctx, e.territory.ID, lise, pv.Question, "Que gardez-vous ?"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 6; i++ {
			ask(e.client(t), "203.0.113.1", lise)
		}
		for i := 0; i < 4; i++ {
			ask(e.client(t), fmt.Sprintf("203.0.113.%d", 10+i), lise)
		}
		if n := e.mailsTo(t, lise); n != 3+4 {
			t.Fatalf("%d links e-mailed, want 3 for the first address and 1 for each other", n)
		}
		ask(e.client(t), "198.51.100.10", lise)
		if n := e.mailsTo(t, lise); n != 8 {
			t.Fatalf("the owner's own address got no link (%d e-mailed)", n)
		}

		// A person with an account, whose browser signed in before.
		const marc, password = "marc@exemple.org", "une phrase de passe"
		u := e.user(marc, auth.RoleCitizen)
		if err := e.auth.SetPassword(ctx, u.ID, password); err != nil {
			t.Fatal(err)
		}
		owner := e.client(t)
		expectStatus(t, owner.postFrom("198.51.100.20", "/connexion/mot-de-passe", url.Values{"email": {marc}, "password": {password}}), 303)
		expectStatus(t, owner.post("/deconnexion", nil), 303)
		for i := 0; i < 5; i++ {
			ask(e.client(t), "203.0.113.50", marc)
		}
		if n := e.mailsTo(t, marc); n != 3 {
			t.Fatalf("%d links e-mailed to the account, want 3", n)
		}
		// The owner's browser, even behind the attacker's address.
		ask(owner, "203.0.113.50", marc)
		if n := e.mailsTo(t, marc); n != 4 {
			t.Fatalf("the owner's browser got no link (%d e-mailed)", n)
		}
	})
}
