package comms_test

import (
	"context"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/mail/smtptest"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/web"
)

var newsStart = time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)

type newsFixture struct {
	a     *app.App
	s     *comms.Store
	t     territory.Territory
	d     *db.DB
	ctx   context.Context
	clock *app.Clock
}

// newsApp is the application on d, its clock at newsStart, delivering to
// smtpURL when given (its jobs are not started: the tests run them).
func newsApp(t testing.TB, d *db.DB, smtpURL string) *newsFixture {
	t.Helper()
	clock := &app.Clock{}
	clock.Set(newsStart)
	cfg := app.Config{DB: d, Web: web.Config{BaseURL: testkit.BaseURL}, From: testkit.From, Clock: clock}
	if smtpURL != "" {
		sc, err := mail.ParseSMTPURL(smtpURL)
		if err != nil {
			t.Fatal(err)
		}
		cfg.SMTP = &sc
	}
	a, err := app.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	terr := testkit.Territory(t, a.Territories)
	s := terr.Settings
	s.MailingAddress = "1234, rue Principale, Bécancour (Québec) G9H 1A1"
	s.ContactPhone = "819 555-0100"
	if err := a.Territories.UpdateSettings(context.Background(), terr.ID, s); err != nil {
		t.Fatal(err)
	}
	if terr, err = a.Territories.ByID(context.Background(), terr.ID); err != nil {
		t.Fatal(err)
	}
	return &newsFixture{a: a, s: a.Comms, t: terr, d: d, ctx: context.Background(), clock: clock}
}

func (f *newsFixture) list(t testing.TB, name string) comms.MailingList {
	t.Helper()
	l, err := f.s.CreateMailingList(f.ctx, f.t.ID, comms.ListInput{Name: name, Kind: comms.ListGeneral})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var newsConfirmLink = regexp.MustCompile(`/infolettre/confirmation/([A-Za-z0-9_-]+)`)

// lastConfirmToken is the token of the last confirmation e-mailed to addr.
func (f *newsFixture) lastConfirmToken(t testing.TB, addr string) string {
	t.Helper()
	var body string
	if err := f.d.QueryRow(f.ctx, `SELECT body_text FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1`, addr).Scan(&body); err != nil {
		t.Fatal(err)
	}
	m := newsConfirmLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no confirmation link in %q", body)
	}
	return m[1]
}

// confirmed subscribes addr to l and confirms it.
func (f *newsFixture) confirmed(t testing.TB, l comms.MailingList, addr string) {
	t.Helper()
	if err := f.s.Subscribe(f.ctx, f.t.ID, comms.SubscribeInput{Email: addr, Lists: []int64{l.ID}, Consent: true, Lang: "fr"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ConfirmSubscription(f.ctx, f.t.ID, f.lastConfirmToken(t, addr)); err != nil {
		t.Fatal(err)
	}
}

func (f *newsFixture) reach(t testing.TB, l comms.MailingList) int {
	t.Helper()
	got, err := f.s.MailingList(f.ctx, f.t.ID, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.Reachable
}

func TestNewsSubscribeConfirmAndExpiry(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newsApp(t, d, "")
		gen, vol := f.list(t, "Moi, je m’implique"), f.list(t, "Bénévolat")

		// Bad input: clear problems, nothing written.
		err := f.s.Subscribe(f.ctx, f.t.ID, comms.SubscribeInput{Email: "pas-une-adresse", Lists: nil, Consent: false})
		testkit.WantFields(t, err, "email", "lists", "consent")
		err = f.s.Subscribe(f.ctx, f.t.ID, comms.SubscribeInput{Email: "a@exemple.org", Lists: []int64{gen.ID, 99999}, Consent: true})
		testkit.WantFields(t, err, "lists")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_subscribers`); n != 0 {
			t.Fatalf("%d subscribers after refusals", n)
		}

		in := comms.SubscribeInput{Email: " Lea@Exemple.org ", Name: "Léa", Lang: "fr", Lists: []int64{gen.ID, vol.ID}, Consent: true,
			Campaign: "automne-2026", Source: "infolettre"}
		if err := f.s.Subscribe(f.ctx, f.t.ID, in); err != nil {
			t.Fatal(err)
		}
		// Twice: the same answer, no second e-mail the same day, the first link still works.
		if err := f.s.Subscribe(f.ctx, f.t.ID, in); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'lea@exemple.org'`); n != 1 {
			t.Fatalf("%d confirmation e-mails, want 1", n)
		}
		if f.reach(t, gen) != 0 {
			t.Fatal("reachable before confirmation")
		}
		var campaign, wording string
		if err := d.QueryRow(f.ctx, `SELECT campaign, wording FROM comms_subscriptions WHERE list_id = ?`, gen.ID).Scan(&campaign, &wording); err != nil {
			t.Fatal(err)
		}
		if campaign != "automne-2026" || wording != f.s.ConsentWording("fr", f.t) {
			t.Fatalf("campaign %q wording %q", campaign, wording)
		}
		tok := f.lastConfirmToken(t, "lea@exemple.org")
		names, err := f.s.ConfirmSubscription(f.ctx, f.t.ID, tok)
		if err != nil || len(names) != 2 {
			t.Fatalf("confirm: %v %v", names, err)
		}
		if _, err := f.s.ConfirmSubscription(f.ctx, f.t.ID, tok); err != nil {
			t.Fatalf("confirming twice: %v", err)
		}
		if f.reach(t, gen) != 1 || f.reach(t, vol) != 1 {
			t.Fatal("not reachable after confirmation")
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_consent_log WHERE action = 'confirmed'`); n != 2 {
			t.Fatalf("%d confirmations logged, want 2", n)
		}
		// Subscribing again once confirmed: same answer, nothing sent.
		if err := f.s.Subscribe(f.ctx, f.t.ID, in); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`); n != 1 {
			t.Fatalf("%d e-mails", n)
		}
		_, err = f.s.ConfirmSubscription(f.ctx, f.t.ID, "inconnu")
		testkit.WantError(t, err, errs.NotFound, "errors.comms_sub_link_unknown")

		// An expired link is refused; asking again the next day sends a new one.
		in2 := comms.SubscribeInput{Email: "marc@exemple.org", Lists: []int64{gen.ID}, Consent: true}
		if err := f.s.Subscribe(f.ctx, f.t.ID, in2); err != nil {
			t.Fatal(err)
		}
		old := f.lastConfirmToken(t, "marc@exemple.org")
		f.clock.Advance(comms.ConfirmValidity + time.Hour)
		_, err = f.s.ConfirmSubscription(f.ctx, f.t.ID, old)
		testkit.WantError(t, err, errs.Invalid, "errors.comms_sub_link_expired")
		if err := f.s.Subscribe(f.ctx, f.t.ID, in2); err != nil {
			t.Fatal(err)
		}
		fresh := f.lastConfirmToken(t, "marc@exemple.org")
		if fresh == old {
			t.Fatal("no new link")
		}
		if _, err := f.s.ConfirmSubscription(f.ctx, f.t.ID, fresh); err != nil {
			t.Fatal(err)
		}
		if f.reach(t, gen) != 2 {
			t.Fatalf("reach %d, want 2", f.reach(t, gen))
		}
		c, err := f.s.CountSubscribers(f.ctx, f.t.ID, newsStart, f.clock.Now().Add(time.Second))
		if err != nil || c.Confirmed != 2 || c.Gained != 2 {
			t.Fatalf("counts %+v %v", c, err)
		}
	})
}

func TestNewsUnsubscribeAndProof(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newsApp(t, d, "")
		gen, vol := f.list(t, "Générale"), f.list(t, "Bénévolat")
		f.confirmed(t, gen, "a@exemple.org")
		f.clock.Advance(25 * time.Hour) // one confirmation a day
		f.confirmed(t, vol, "a@exemple.org")
		var id int64
		if err := d.QueryRow(f.ctx, `SELECT id FROM comms_subscribers WHERE email = 'a@exemple.org'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		b, err := f.s.Subscriber(f.ctx, f.t.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := f.s.UnsubscribeToken(f.ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SubscriberByToken(f.ctx, f.t.ID, tok); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Unsubscribe(f.ctx, f.t.ID, tok, "one-click"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Unsubscribe(f.ctx, f.t.ID, tok, "link"); err != nil {
			t.Fatal(err)
		}
		if f.reach(t, gen)+f.reach(t, vol) != 0 {
			t.Fatal("still reachable")
		}
		proof, err := f.s.SubscriberProof(f.ctx, f.t.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, e := range proof {
			acts = append(acts, e.Action+":"+e.How)
		}
		want := "requested:form/infolettre confirmed:link requested:form/infolettre confirmed:link unsubscribed:one-click unsubscribed:one-click"
		if strings.Join(acts, " ") != want {
			t.Fatalf("proof %v", acts)
		}
		_, err = f.s.SubscriberByToken(f.ctx, f.t.ID, "faux")
		testkit.WantCode(t, err, errs.NotFound)
	})
}

func TestNewsImpliedConsentFromAnEvent(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newsApp(t, d, "")
		l := f.list(t, "Générale")
		ev, err := f.a.Events.Create(f.ctx, f.t.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "manseau",
			VenueName: "Salle municipale", StartsAt: newsStart.Add(time.Hour), EndsAt: newsStart.Add(3 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.Events.Publish(f.ctx, f.t.ID, ev.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		people := []struct {
			email   string
			consent bool
		}{{"a@exemple.org", true}, {"b@exemple.org", false}, {"c@exemple.org", true}}
		for i, p := range people {
			out, err := f.a.Events.Register(f.ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: fmt.Sprintf("Personne %d", i), Email: p.email,
				PartySize: 1, ConsentContact: p.consent}, events.SourceWeb)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.a.Events.CheckIn(f.ctx, f.t.ID, out.Registration.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		// c unsubscribed from the list before: stays off it.
		f.confirmed(t, l, "c@exemple.org")
		var cid int64
		if err := d.QueryRow(f.ctx, `SELECT id FROM comms_subscribers WHERE email = 'c@exemple.org'`).Scan(&cid); err != nil {
			t.Fatal(err)
		}
		cb, _ := f.s.Subscriber(f.ctx, f.t.ID, cid)
		ctok, _ := f.s.UnsubscribeToken(f.ctx, cb)
		if err := f.s.Unsubscribe(f.ctx, f.t.ID, ctok, "link"); err != nil {
			t.Fatal(err)
		}
		n, err := f.s.AddEventAttendees(f.ctx, f.t.ID, l.ID, ev.ID)
		if err != nil || n != 1 {
			t.Fatalf("added %d, %v; want 1", n, err)
		}
		if f.reach(t, l) != 1 {
			t.Fatal("implied consent not reachable")
		}
		var until time.Time
		if err := d.QueryRow(f.ctx, `SELECT s.implied_until FROM comms_subscriptions s JOIN comms_subscribers b ON b.id = s.subscriber_id
			WHERE b.email = 'a@exemple.org'`).Scan(db.ScanTime(&until)); err != nil {
			t.Fatal(err)
		}
		if !until.Equal(ev.StartsAt.AddDate(2, 0, 0)) {
			t.Fatalf("implied until %v", until)
		}
		// The wording names the event as everywhere else, not by its bare title.
		var wording string
		if err := d.QueryRow(f.ctx, `SELECT s.wording FROM comms_subscriptions s JOIN comms_subscribers b ON b.id = s.subscriber_id
			WHERE b.email = 'a@exemple.org'`).Scan(&wording); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(wording, "«\u00a0Souper citoyen à Manseau, ") {
			t.Fatalf("implied wording %q", wording)
		}
		nl, err := f.s.CreateNewsletter(f.ctx, f.t.ID, 0, comms.NewsletterInput{Subject: "Nouvelles", Body: "Bonjour", ListID: fmt.Sprint(l.ID)})
		if err != nil {
			t.Fatal(err)
		}
		// Two years and a day later: expired, never mailed.
		f.clock.Advance(2*365*24*time.Hour + 48*time.Hour)
		if f.reach(t, l) != 0 {
			t.Fatal("expired implied consent still reachable")
		}
		testkit.WantFields(t, f.s.SendNewsletterNow(f.ctx, f.t.ID, nl.ID), "list")
		_, err = f.s.AddEventAttendees(f.ctx, f.t.ID, l.ID, ev.ID)
		testkit.WantError(t, err, errs.Invalid, "errors.comms_list_event_too_old")
	})
}

func TestNewsEmptyListRefused(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newsApp(t, d, "")
		l := f.list(t, "Générale")
		// Only a pending subscription.
		if err := f.s.Subscribe(f.ctx, f.t.ID, comms.SubscribeInput{Email: "p@exemple.org", Lists: []int64{l.ID}, Consent: true}); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.CreateNewsletter(f.ctx, f.t.ID, 0, comms.NewsletterInput{Subject: "", ListID: ""})
		testkit.WantFields(t, err, "subject", "list")
		nl, err := f.s.CreateNewsletter(f.ctx, f.t.ID, 0, comms.NewsletterInput{Subject: "Nouvelles", Body: "Texte", ListID: fmt.Sprint(l.ID)})
		if err != nil {
			t.Fatal(err)
		}
		e := testkit.WantFields(t, f.s.SendNewsletterNow(f.ctx, f.t.ID, nl.ID), "list")
		if e.Fields["list"] != "errors.comms_news_empty_list" {
			t.Fatalf("problem %v", e.Fields)
		}
		e = testkit.WantFields(t, f.s.ScheduleNewsletter(f.ctx, f.t.ID, nl.ID, comms.NewsScheduleInput{Day: "2026-11-10", Clock: "9 h 30"}), "list")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_deliveries`); n != 0 {
			t.Fatalf("%d deliveries", n)
		}
		testkit.WantFields(t, f.s.ScheduleNewsletter(f.ctx, f.t.ID, nl.ID, comms.NewsScheduleInput{Day: "2026-10-01", Clock: "9:30"}), "day")
		testkit.WantFields(t, f.s.ScheduleNewsletter(f.ctx, f.t.ID, nl.ID, comms.NewsScheduleInput{Day: "demain", Clock: "midi"}), "day", "clock")
	})
}

// newsHeader reads a header of a received message.
func newsHeader(t testing.TB, m smtptest.Received, name string) string {
	t.Helper()
	if m.Parsed == nil {
		t.Fatal("message did not parse")
	}
	return m.Parsed.Header.Get(name)
}

func TestNewsSendOnceThroughSMTP(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		srv := smtptest.Start(t)
		f := newsApp(t, d, srv.URL())
		l := f.list(t, "Moi, je m’implique")
		for _, a := range []string{"a@exemple.org", "b@exemple.org", "c@exemple.org"} {
			f.confirmed(t, l, a)
		}
		nl, err := f.s.CreateNewsletter(f.ctx, f.t.ID, 0, comms.NewsletterInput{Subject: "Nouvelles de novembre",
			Body: "## Bonjour\n\nLe **souper** approche.", ListID: fmt.Sprint(l.ID)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.SendNewsletterNow(f.ctx, f.t.ID, nl.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, f.s.SendNewsletterNow(f.ctx, f.t.ID, nl.ID), errs.Conflict)
		// A job claimed b's delivery and died before sending.
		if _, err := d.Exec(f.ctx, `UPDATE comms_deliveries SET status = 'sending', next_at = ? WHERE subscriber_id =
			(SELECT id FROM comms_subscribers WHERE email = 'b@exemple.org')`, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		fast := comms.NewsPace{}
		if _, _, err := f.s.SendNewsletterBatch(f.ctx, nl.ID, fast); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.SendNewsletterBatch(f.ctx, nl.ID, fast); err != nil {
			t.Fatal(err)
		}
		if got := srv.WaitFor(t, 2, 5*time.Second); len(got) != 2 {
			t.Fatalf("%d messages", len(got))
		}
		// The claim is stale: b's message goes, once.
		f.clock.Advance(comms.DeliveryClaimTimeout + time.Minute)
		for range 2 {
			if _, _, err := f.s.SendNewsletterBatch(f.ctx, nl.ID, fast); err != nil {
				t.Fatal(err)
			}
		}
		msgs := srv.WaitFor(t, 3, 5*time.Second)
		time.Sleep(100 * time.Millisecond)
		if msgs = srv.Messages(); len(msgs) != 3 {
			t.Fatalf("%d messages, want 3", len(msgs))
		}
		seen := map[string]int{}
		for _, m := range msgs {
			seen[m.To[0]]++
		}
		for a, n := range seen {
			if n != 1 {
				t.Fatalf("%s got %d messages", a, n)
			}
		}
		got, err := f.s.Newsletter(f.ctx, f.t.ID, nl.ID)
		if err != nil || got.Status != comms.NewsSent || got.Sent != 3 || got.Recipients != 3 {
			t.Fatalf("newsletter %+v %v", got, err)
		}
		// Sent, it is in the public archive: the pages kept are out of date.
		if tr, err := territory.NewStore(d).ByID(f.ctx, f.t.ID); err != nil || tr.PagesVersion <= f.t.PagesVersion {
			t.Errorf("pages version %d after the sending, %d before (%v)", tr.PagesVersion, f.t.PagesVersion, err)
		}
		m := msgs[0]
		unsub := newsHeader(t, m, "List-Unsubscribe")
		if !strings.HasPrefix(unsub, "<"+testkit.BaseURL+"/infolettre/desabonnement/") || !strings.Contains(unsub, "<mailto:direction@exemple.org?subject=unsubscribe>") {
			t.Fatalf("List-Unsubscribe %q", unsub)
		}
		if h := newsHeader(t, m, "List-Unsubscribe-Post"); h != "List-Unsubscribe=One-Click" {
			t.Fatalf("List-Unsubscribe-Post %q", h)
		}
		if h := newsHeader(t, m, "List-Id"); !strings.Contains(h, "<liste-") {
			t.Fatalf("List-Id %q", h)
		}
		if from := newsHeader(t, m, "From"); !strings.Contains(from, "ne-pas-repondre@exemple.org") {
			t.Fatalf("From %q", from)
		}
		ct, _, _ := mime.ParseMediaType(newsHeader(t, m, "Content-Type"))
		data := string(m.Data)
		if ct != "multipart/mixed" && ct != "multipart/alternative" || !strings.Contains(data, "multipart/alternative") ||
			!strings.Contains(data, "text/html") || !strings.Contains(data, "text/plain") {
			t.Fatalf("content type %q", ct)
		}
		tok := strings.TrimSuffix(strings.TrimPrefix(strings.Split(unsub, ",")[0], "<"+testkit.BaseURL+"/infolettre/desabonnement/"), ">")
		if !strings.Contains(data, "Bécancour") && !strings.Contains(data, "B=C3=A9cancour") {
			t.Fatal("no mailing address in the body")
		}
		if strings.Contains(strings.ToLower(data), "<img") {
			t.Fatal("an image (a pixel?) in the message")
		}
		if err := f.s.Unsubscribe(f.ctx, f.t.ID, tok, "one-click"); err != nil {
			t.Fatalf("the header's link does not unsubscribe: %v", err)
		}
	})
}

func TestNewsTemporaryFailureRetriedAndBounce(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		srv := smtptest.Start(t)
		f := newsApp(t, d, srv.URL())
		l := f.list(t, "Générale")
		f.confirmed(t, l, "a@exemple.org")
		f.confirmed(t, l, "b@exemple.org")
		nl, err := f.s.CreateNewsletter(f.ctx, f.t.ID, 0, comms.NewsletterInput{Subject: "Nouvelles", Body: "Texte", ListID: fmt.Sprint(l.ID)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.SendNewsletterNow(f.ctx, f.t.ID, nl.ID); err != nil {
			t.Fatal(err)
		}
		srv.FailNext(451)
		if _, _, err := f.s.SendNewsletterBatch(f.ctx, nl.ID, comms.NewsPace{}); err != nil {
			t.Fatal(err)
		}
		var st string
		if err := d.QueryRow(f.ctx, `SELECT d.status FROM comms_deliveries d JOIN comms_subscribers b ON b.id = d.subscriber_id
			WHERE b.email = 'a@exemple.org'`).Scan(&st); err != nil || st != comms.DeliveryRetry {
			t.Fatalf("a: %q %v", st, err)
		}
		// Not before its time; then it goes, and b's 550 is a bounce.
		if _, _, err := f.s.SendNewsletterBatch(f.ctx, nl.ID, comms.NewsPace{}); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("%d messages before the retry", n)
		}
		f.clock.Advance(2 * time.Minute)
		srv.FailNext(550)
		if _, _, err := f.s.SendNewsletterBatch(f.ctx, nl.ID, comms.NewsPace{}); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(f.ctx, `SELECT d.status FROM comms_deliveries d JOIN comms_subscribers b ON b.id = d.subscriber_id
			WHERE b.email = 'a@exemple.org'`).Scan(&st); err != nil || st != comms.DeliveryBounced {
			t.Fatalf("a after 550: %q %v", st, err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_subscribers WHERE bounced_at IS NOT NULL`); n != 1 {
			t.Fatalf("%d bounced", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_consent_log WHERE action = 'bounced'`); n != 1 {
			t.Fatalf("%d bounces logged", n)
		}
		if f.reach(t, l) != 1 {
			t.Fatal("a bounced address is still reachable")
		}
		got, _ := f.s.Newsletter(f.ctx, f.t.ID, nl.ID)
		if got.Status != comms.NewsSent || got.Bounced != 1 {
			t.Fatalf("newsletter %+v", got)
		}
		// Mailed again only once the address confirms again.
		f.clock.Advance(25 * time.Hour)
		f.confirmed(t, l, "a@exemple.org")
		if f.reach(t, l) != 2 {
			t.Fatal("a re-confirmed address is not reachable")
		}
	})
}

func TestNewsWithoutSMTPKeepsAndScheduled(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newsApp(t, d, "")
		l := f.list(t, "Générale")
		f.confirmed(t, l, "a@exemple.org")
		nl, err := f.s.CreateNewsletter(f.ctx, f.t.ID, 0, comms.NewsletterInput{Subject: "Nouvelles", Body: "Texte", ListID: fmt.Sprint(l.ID)})
		if err != nil {
			t.Fatal(err)
		}
		// No mailing address: nothing goes (CASL).
		bare := f.t.Settings
		bare.MailingAddress = ""
		if err := f.a.Territories.UpdateSettings(f.ctx, f.t.ID, bare); err != nil {
			t.Fatal(err)
		}
		testkit.WantError(t, f.s.SendNewsletterNow(f.ctx, f.t.ID, nl.ID), errs.Conflict, "errors.comms_news_no_sender")
		if err := f.a.Territories.UpdateSettings(f.ctx, f.t.ID, f.t.Settings); err != nil {
			t.Fatal(err)
		}
		if err := f.s.ScheduleNewsletter(f.ctx, f.t.ID, nl.ID, comms.NewsScheduleInput{Day: "2026-11-03", Clock: "9 h 30"}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.s.Newsletter(f.ctx, f.t.ID, nl.ID)
		// 9 h 30 in Toronto's zone (EST, UTC−5).
		if got.Status != comms.NewsScheduled || !got.ScheduledAt.Equal(time.Date(2026, 11, 3, 14, 30, 0, 0, time.UTC)) {
			t.Fatalf("scheduled %+v", got)
		}
		if n, err := f.s.StartDueNewsletters(f.ctx); err != nil || n != 0 {
			t.Fatalf("started %d early, %v", n, err)
		}
		f.clock.Advance(24 * time.Hour)
		for range 2 {
			if _, err := f.s.StartDueNewsletters(f.ctx); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.ResumeNewsletters(f.ctx, comms.NewsPace{}); err != nil {
			t.Fatal(err)
		}
		got, _ = f.s.Newsletter(f.ctx, f.t.ID, nl.ID)
		if got.Status != comms.NewsSent || got.Sent != 1 || got.Recipients != 1 {
			t.Fatalf("newsletter %+v", got)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_deliveries WHERE status = 'kept'`); n != 1 {
			t.Fatalf("%d kept", n)
		}
		sent, err := f.s.SentNewsletters(f.ctx, f.t.ID)
		if err != nil || len(sent) != 1 {
			t.Fatalf("archive %v %v", sent, err)
		}
		// A test send: one message marked [TEST] in the outbox.
		testkit.WantFields(t, f.s.SendNewsletterTest(f.ctx, f.t.ID, nl.ID, "pas une adresse"), "test_to")
		if err := f.s.SendNewsletterTest(f.ctx, f.t.ID, nl.ID, "moi@exemple.org"); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'moi@exemple.org' AND subject LIKE '[TEST]%'`); n != 1 {
			t.Fatalf("%d test messages", n)
		}
	})
}

func TestNewsMarkdownSanitisedAndBlocks(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newsApp(t, d, "")
		ev, err := f.a.Events.Create(f.ctx, f.t.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper <b>citoyen</b>", PlaceSlug: "manseau",
			VenueName: "Salle municipale", StartsAt: newsStart.Add(72 * time.Hour), EndsAt: newsStart.Add(75 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.Events.Publish(f.ctx, f.t.ID, ev.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		for _, st := range []struct {
			slug      string
			withdrawn bool
		}{{"recit-public", false}, {"recit-retire", true}} {
			var w *time.Time
			if st.withdrawn {
				w = testkit.Ptr(newsStart)
			}
			status := "published"
			if st.withdrawn {
				status = "withdrawn"
			}
			sid, err := d.InsertID(f.ctx, `INSERT INTO comms_stories (territory_id, slug, kind, title, status, published_at, withdrawn_at, created_at, updated_at)
				VALUES (?, ?, 'volunteer', ?, ?, ?, ?, ?, ?) RETURNING id`, f.t.ID, st.slug, "Récit "+st.slug, status, newsStart, w, newsStart, newsStart)
			if err != nil {
				t.Fatal(err)
			}
			// Each shows with the consent of its person, for the web.
			if _, err := d.Exec(f.ctx, `INSERT INTO comms_story_consents (story_id, person, what, on_web, on_social, on_print, wording,
				given_on, how, recorded_at, withdrawn_at) VALUES (?, 'Louise Tremblay', 'story', ?, ?, ?, 'Oui.', '2026-10-20', 'signed_form', ?, ?)`,
				sid, true, false, false, newsStart, w); err != nil {
				t.Fatal(err)
			}
		}
		body := "Bonjour <script>alert(1)</script>\n\n[piège](javascript:alert(1))\n\n" + comms.NewsBlock("evenement", ev.Slug) + "\n\n" +
			comms.NewsBlock("recit", "recit-public") + "\n\n" + comms.NewsBlock("recit", "recit-retire") + "\n"
		r, err := f.s.RenderNewsletter(f.ctx, f.t.ID, body, "fr")
		if err != nil {
			t.Fatal(err)
		}
		h := string(r.HTML)
		for _, bad := range []string{"<script", "javascript:", "<b>", "recit-retire"} {
			if strings.Contains(h, bad) {
				t.Fatalf("%q in %s", bad, h)
			}
		}
		for _, good := range []string{"/evenements/" + ev.Slug, "Salle municipale", "/recits/recit-public", "Souper &lt;b&gt;citoyen&lt;/b&gt;"} {
			if !strings.Contains(h, good) {
				t.Fatalf("%q missing in %s", good, h)
			}
		}
	})
}

// TestCampaignLinkToTheNewsletterFormCountsItsSubscribers: a campaign's
// link to the site's own newsletter form carries the campaign's code, so the
// subscriptions confirmed through it count in the campaign's results; a
// link elsewhere is left as typed.
func TestCampaignLinkToTheNewsletterFormCountsItsSubscribers(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newsApp(t, d, "")
		l := f.list(t, "Générale")
		c, err := f.s.CreateCampaign(f.ctx, f.t.ID, 0, comms.CampaignInput{Theme: "Bienfaits de l’implication", Goal: "Des abonnés.",
			StartsOn: "2026-11-01", EndsOn: "2026-11-30", Audiences: []string{"citizens"}, Channels: []string{"facebook"}})
		if err != nil {
			t.Fatal(err)
		}
		link, err := f.s.CreateCampaignLink(f.ctx, f.t.ID, 0, c.ID, testkit.BaseURL+"/infolettre", "Publication")
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(link.Target)
		if err != nil || u.Path != "/infolettre" || u.Query().Get("campagne") != c.Code {
			t.Fatalf("the link leads to %q, want the form under the campaign's code %q", link.Target, c.Code)
		}
		away, err := f.s.CreateCampaignLink(f.ctx, f.t.ID, 0, c.ID, "https://www.jebenevole.ca/infolettre", "Ailleurs")
		if err != nil || away.Target != "https://www.jebenevole.ca/infolettre" {
			t.Fatalf("a link elsewhere became %q (%v)", away.Target, err)
		}
		// Someone follows it and subscribes; someone else subscribes directly.
		if err := f.s.Subscribe(f.ctx, f.t.ID, comms.SubscribeInput{Email: "venue@exemple.org", Lists: []int64{l.ID}, Consent: true,
			Lang: "fr", Campaign: u.Query().Get("campagne")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ConfirmSubscription(f.ctx, f.t.ID, f.lastConfirmToken(t, "venue@exemple.org")); err != nil {
			t.Fatal(err)
		}
		f.confirmed(t, l, "directe@exemple.org")
		res, err := f.s.CampaignResults(f.ctx, f.t.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Subscribers != 1 {
			t.Fatalf("campaign subscribers %d, want 1 (the one who came through its link)", res.Subscribers)
		}
	})
}
