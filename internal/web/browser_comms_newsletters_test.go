package web_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/browsertest"
	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/mail/smtptest"
	"implique/internal/testkit"
	"implique/internal/web"
)

// newsEnvSMTP is the test environment delivering its newsletters to an
// SMTP test server (its jobs are not started: the tests run the sending).
func newsEnvSMTP(t *testing.T, d *db.DB, smtpURL string) *env {
	t.Helper()
	ctx := context.Background()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	logs := &lockedBuffer{}
	sc, err := mail.ParseSMTPURL(smtpURL)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Config{DB: d, Web: web.Config{BaseURL: srv.URL}, From: testkit.From, SMTP: &sc,
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.Web
	terr, _, err := demo.Base(ctx, a.Territories)
	if err != nil {
		t.Fatal(err)
	}
	set := terr.Settings
	set.MailingAddress = "1234, rue Principale, Bécancour (Québec) G9H 1A1"
	if err := a.Territories.UpdateSettings(ctx, terr.ID, set); err != nil {
		t.Fatal(err)
	}
	if terr, err = a.Territories.ByID(ctx, terr.ID); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, d: d, srv: srv, auth: a.Auth, outbox: a.Outbox, mailer: a.Mailer, events: a.Events, community: a.Community,
		links: a.Connections, orgs: a.Orgs, vol: a.Volunteering, tracking: a.Tracking, territory: terr, logs: logs, app: a}
}

// newsPhonePass visits pages on a 360 px phone in lang, with axe, and
// checks nothing scrolls sideways.
func newsPhonePass(t *testing.T, e *env, staff string, lang string, pages []string, name string) {
	t.Helper()
	phone := browsertest.New(t, browsertest.PhoneSize(360, 740), browsertest.Languages(lang))
	if staff != "" {
		staffSignIn(t, phone, e, staff)
	}
	for _, u := range pages {
		browsertest.Visit(t, phone, e.srv.URL+u, lang+" téléphone "+u)
		if probs := browsertest.LayoutOf(t, phone).Problems(); len(probs) > 0 {
			t.Errorf("%s on a phone: %v", u, probs)
		}
	}
	shot(t, phone, name+"-360-"+lang)
}

// TestBrowserJourneyNewsletterSubscription: a visitor subscribes without
// an account (the consent box unticked until she ticks it), follows the
// confirmation link e-mailed to her, then leaves in one click from the
// link of her messages — every page checked with axe, at 1280 px and on a
// 360 px phone, in French and English.
func TestBrowserJourneyNewsletterSubscription(t *testing.T) {
	desk := browsertest.New(t, browsertest.Desktop())
	e := newEnv(t, dbtest.SQLite(t, jobs.MigrateAll))
	e.staffClock(time.Date(2026, 11, 2, 15, 0, 0, 0, e.territory.Location()))
	ctx, tid := context.Background(), e.territory.ID
	l, err := e.app.Comms.CreateMailingList(ctx, tid, comms.ListInput{Name: "Moi, je m’implique", Kind: comms.ListGeneral,
		Description: "Les nouvelles du programme, une fois par mois."})
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Visit(t, desk, e.srv.URL+"/infolettre?campagne=automne-2026", "abonnement")
	if browsertest.Attribute(t, desk, `input[name="consent"]`, "checked") != "" {
		t.Fatal("consent ticked in advance")
	}
	browsertest.Click(t, desk, `input[name="lists"][value="`+id64(l.ID)+`"]`)
	browsertest.SetValue(t, desk, "#email", "rosalie@exemple.org")
	if st := browsertest.Submit(t, desk, "#email"); st != 422 {
		t.Fatalf("without consent: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "abonnement avec erreurs")
	if msg := browsertest.Text(t, desk, "#consent-err"); !strings.Contains(msg, "Cochez") {
		t.Errorf("consent error = %q", msg)
	}
	// The list stays chosen; the consent box is to tick again.
	browsertest.SetValue(t, desk, "#name", "Rosalie")
	browsertest.Click(t, desk, `input[name="consent"]`)
	if st := browsertest.Submit(t, desk, "#email"); st != 200 {
		t.Fatalf("subscribe: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "abonnement envoyé")
	shot(t, desk, "news-subscribed-1280-fr")

	w := &newsWorld{e: e}
	confirm := w.newsConfirmPath(t, "rosalie@exemple.org")
	browsertest.Visit(t, desk, e.srv.URL+confirm, "confirmation")
	if st := browsertest.Submit(t, desk, `form[action^="/infolettre/confirmation/"]`); st != 200 {
		t.Fatalf("confirm: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "abonnement confirmé")
	if txt := browsertest.Text(t, desk, "main"); !strings.Contains(txt, "Moi, je m’implique") {
		t.Errorf("confirmed page = %q", txt)
	}
	if got, _ := e.app.Comms.MailingList(ctx, tid, l.ID); got.Reachable != 1 {
		t.Fatalf("reachable %d", got.Reachable)
	}
	var campaign string
	if err := e.d.QueryRow(ctx, `SELECT campaign FROM comms_subscriptions`).Scan(&campaign); err != nil || campaign != "automne-2026" {
		t.Errorf("campaign %q %v", campaign, err)
	}

	// The unsubscribe link of her messages: one button, at once.
	var sid int64
	if err := e.d.QueryRow(ctx, `SELECT id FROM comms_subscribers`).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	b, _ := e.app.Comms.Subscriber(ctx, tid, sid)
	tok, err := e.app.Comms.UnsubscribeToken(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	unsub := "/infolettre/desabonnement/" + tok
	browsertest.Visit(t, desk, e.srv.URL+unsub, "désabonnement")
	shot(t, desk, "news-unsubscribe-1280-fr")
	if st := browsertest.Submit(t, desk, `form[action^="/infolettre/desabonnement/"]`); st != 200 {
		t.Fatalf("unsubscribe: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "désabonné")
	if got, _ := e.app.Comms.MailingList(ctx, tid, l.ID); got.Reachable != 0 {
		t.Fatalf("still reachable: %d", got.Reachable)
	}
	// A new request, to see the confirmation page again on phones.
	e.app.Clock.Advance(25 * time.Hour)
	if err := e.app.Comms.Subscribe(ctx, tid, comms.SubscribeInput{Email: "marc@exemple.org", Lists: []int64{l.ID}, Consent: true}); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/infolettre", w.newsConfirmPath(t, "marc@exemple.org"), unsub, "/infolettre/archives"}
	for _, lang := range []string{"fr", "en"} {
		newsPhonePass(t, e, "", lang, pages, "news-public")
	}
	english := browsertest.New(t, browsertest.Desktop(), browsertest.Languages("en"))
	for _, u := range pages {
		browsertest.Visit(t, english, e.srv.URL+u, "en "+u)
	}
	shot(t, english, "news-archive-1280-en")
}

// TestBrowserJourneySendNewsletter: a communications officer makes a list,
// adds a souper's attendees on implied consent, writes a newsletter with a
// block and previews it, sends a test, then sends it to the list after
// confirming; the SMTP test server receives it with the unsubscribe
// headers, and it appears in the public archive.
func TestBrowserJourneySendNewsletter(t *testing.T) {
	srv := smtptest.Start(t)
	desk := browsertest.New(t, browsertest.Desktop())
	e := newsEnvSMTP(t, dbtest.SQLite(t, jobs.MigrateAll), srv.URL())
	loc := e.territory.Location()
	clock := e.staffClock(time.Date(2026, 11, 2, 15, 0, 0, 0, loc))
	ctx, tid := context.Background(), e.territory.ID
	e.user("comms@exemple.org", auth.RoleCommunications)

	// A souper was held last week; two attendees left an e-mail and agreed to be contacted.
	clock.Set(time.Date(2026, 10, 20, 15, 0, 0, 0, loc))
	ev, err := e.events.Create(ctx, tid, 0, newsSouper(time.Date(2026, 10, 27, 17, 30, 0, 0, loc)))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.events.Publish(ctx, tid, ev.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for i, addr := range []string{"ginette@exemple.org", "normand@exemple.org", "sans-accord@exemple.org"} {
		out, err := e.events.Register(ctx, tid, ev.ID, newsRegistration("Personne "+id64(int64(i)), addr, i < 2), events.SourceWeb)
		if err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 10, 27, 17, 40, 0, 0, loc))
		if err := e.events.CheckIn(ctx, tid, out.Registration.ID, true); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 10, 20, 15, 0, 0, 0, loc))
	}
	clock.Set(time.Date(2026, 11, 2, 15, 0, 0, 0, loc))
	staffSignIn(t, desk, e, "comms@exemple.org")
	browsertest.Visit(t, desk, e.srv.URL+"/admin/communications/listes", "listes")
	browsertest.SetValue(t, desk, "#name", "Moi, je m’implique")
	browsertest.SetValue(t, desk, "#kind", "general")
	if st := browsertest.Submit(t, desk, "#name"); st != 200 {
		t.Fatalf("list: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "liste")
	listPage := browsertest.Text(t, desk, "h1")
	if !strings.Contains(listPage, "Moi, je m’implique") {
		t.Fatalf("list page %q", listPage)
	}
	browsertest.SetValue(t, desk, "#event", id64(ev.ID))
	if st := browsertest.Submit(t, desk, "#event"); st != 200 {
		t.Fatalf("attendees: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "liste avec participants")
	if txt := browsertest.Text(t, desk, "main"); !strings.Contains(txt, "ginette@exemple.org") || strings.Contains(txt, "sans-accord@") ||
		!strings.Contains(txt, "Tacite") {
		t.Errorf("subscribers = %q", txt)
	}
	shot(t, desk, "news-list-1280-fr")
	lists, _ := e.app.Comms.MailingLists(ctx, tid, false)
	lid := lists[0].ID

	browsertest.Visit(t, desk, e.srv.URL+"/admin/communications/infolettres/nouvelle", "nouvelle infolettre")
	browsertest.SetValue(t, desk, "#subject", "Nouvelles de novembre")
	browsertest.SetValue(t, desk, "#list", id64(lid))
	browsertest.SetValue(t, desk, "#body", "## Bonjour\n\nMerci d’être venus au **souper**.")
	if st := browsertest.Submit(t, desk, `button[value="preview"]`); st != 200 {
		t.Fatalf("preview: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "aperçu")
	if txt := browsertest.Text(t, desk, ".prose"); !strings.Contains(txt, "Merci d’être venus au souper") {
		t.Errorf("preview = %q", txt)
	}
	if st := browsertest.Submit(t, desk, `button[value="save"]`); st != 200 {
		t.Fatalf("save: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "infolettre")
	shot(t, desk, "news-edit-1280-fr")
	all, _ := e.app.Comms.Newsletters(ctx, tid)
	nid := all[0].ID
	newsPage := "/admin/communications/infolettres/" + id64(nid)

	browsertest.SetValue(t, desk, "#test_to", "moi@exemple.org")
	if st := browsertest.Submit(t, desk, "#test_to"); st != 200 {
		t.Fatalf("test: status %d", st)
	}
	var subject string
	if err := e.d.QueryRow(ctx, `SELECT subject FROM mail_outbox WHERE to_addr = 'moi@exemple.org'`).Scan(&subject); err != nil ||
		!strings.HasPrefix(subject, "[TEST]") {
		t.Errorf("test message %q %v", subject, err)
	}
	browsertest.Click(t, desk, `details:has(form[action$="/envoyer"]) summary`)
	if st := browsertest.Submit(t, desk, `form[action$="/envoyer"] button`); st != 200 {
		t.Fatalf("send: status %d", st)
	}
	browsertest.CheckAccessibility(t, desk, "envoi commencé")
	// The sending job's run.
	for more := true; more; {
		if _, more, err = e.app.Comms.SendNewsletterBatch(ctx, nid, comms.DefaultNewsPace); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.WaitFor(t, 2, 10*time.Second)
	for _, m := range msgs {
		h := m.Parsed.Header
		if !strings.Contains(h.Get("List-Unsubscribe"), e.srv.URL+"/infolettre/desabonnement/") ||
			h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || h.Get("List-Id") == "" {
			t.Errorf("headers %v", h)
		}
		if !strings.Contains(string(m.Data), "multipart/alternative") {
			t.Error("not multipart/alternative")
		}
	}
	browsertest.Visit(t, desk, e.srv.URL+newsPage, "infolettre envoyée")
	if txt := browsertest.Text(t, desk, "main"); !strings.Contains(txt, "Envoyée") {
		t.Errorf("status = %q", txt)
	}
	browsertest.Visit(t, desk, e.srv.URL+"/admin/communications/infolettres", "infolettres")
	shot(t, desk, "news-list-sent-1280-fr")
	sent, _ := e.app.Comms.Newsletter(ctx, tid, nid)
	browsertest.Visit(t, desk, e.srv.URL+"/infolettre/archives/"+sent.Slug, "archive publique")
	var sub int64
	if err := e.d.QueryRow(ctx, `SELECT id FROM comms_subscribers WHERE email = 'ginette@exemple.org'`).Scan(&sub); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/admin/communications/listes", "/admin/communications/listes/" + id64(lid), "/admin/communications/abonnes/" + id64(sub),
		"/admin/communications/infolettres", newsPage, "/admin/communications/infolettres/nouvelle", "/infolettre/archives/" + sent.Slug}
	for _, u := range pages {
		browsertest.Visit(t, desk, e.srv.URL+u, "bureau "+u)
	}
	for _, lang := range []string{"fr", "en"} {
		newsPhonePass(t, e, "comms@exemple.org", lang, pages, "news-staff")
	}
}

// newsSouper is a souper citoyen at Manseau starting at start.
func newsSouper(start time.Time) events.Input {
	return events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "manseau", VenueName: "Salle municipale",
		StartsAt: start, EndsAt: start.Add(3 * time.Hour)}
}

// newsRegistration is one person's sign-up, agreeing to be contacted or not.
func newsRegistration(name, email string, contact bool) events.RegistrationInput {
	return events.RegistrationInput{Name: name, Email: email, PartySize: 1, ConsentContact: contact}
}
