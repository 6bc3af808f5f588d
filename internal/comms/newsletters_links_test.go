package comms_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/comms"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/mail/smtptest"
	"implique/internal/testkit"
)

// newsParts returns the decoded text and HTML parts of a received message.
func newsParts(t testing.TB, m smtptest.Received) (text, html string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ct string, enc string, body io.Reader)
	walk = func(ct, enc string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				p, err := r.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			}
		}
		switch strings.ToLower(enc) {
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		switch mt {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return text, html
}

var newsShort = regexp.MustCompile(regexp.QuoteMeta(testkit.BaseURL) + `/l/([a-z0-9]+)`)

// TestNewsLinksTrackedWhenSent: the links of a newsletter's body become
// tracked links when it is sent — the same for every recipient —, following
// one counts a click on the newsletter and in its campaign's results, while
// the unsubscribe link and a mailto: stay as they are and the public
// archive shows the original links.
func TestNewsLinksTrackedWhenSent(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		srv := smtptest.Start(t)
		f := newsApp(t, d, srv.URL())
		l := f.list(t, "Générale")
		for _, a := range []string{"a@exemple.org", "b@exemple.org"} {
			f.confirmed(t, l, a)
		}
		c, err := f.s.CreateCampaign(f.ctx, f.t.ID, 0, comms.CampaignInput{Theme: "Semaine de l’action bénévole", Goal: "Des clics.",
			StartsOn: "2026-11-01", EndsOn: "2026-11-30", Audiences: []string{"citizens"}, Channels: []string{"newsletter"}})
		if err != nil {
			t.Fatal(err)
		}
		away := "https://www.jebenevole.ca/offre?a=1&b=2"
		own := testkit.BaseURL + "/evenements"
		body := fmt.Sprintf("Voir [l’offre](%s) et %s ou [écrire](mailto:ecrire@exemple.org).", away, own)
		nl, err := f.s.CreateNewsletter(f.ctx, f.t.ID, 0, comms.NewsletterInput{Subject: "Nouvelles", Body: body,
			ListID: fmt.Sprint(l.ID), Campaign: fmt.Sprint(c.ID)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.SendNewsletterNow(f.ctx, f.t.ID, nl.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.SendNewsletterBatch(f.ctx, nl.ID, comms.NewsPace{}); err != nil {
			t.Fatal(err)
		}
		msgs := srv.WaitFor(t, 2, 5*time.Second)
		if len(msgs) != 2 {
			t.Fatalf("%d messages", len(msgs))
		}
		var codes []string
		for i, m := range msgs {
			text, html := newsParts(t, m)
			for name, part := range map[string]string{"text": text, "html": html} {
				found := newsShort.FindAllStringSubmatch(part, -1)
				if len(found) != 2 {
					t.Fatalf("%s part: %d tracked links, want 2:\n%s", name, len(found), part)
				}
				if strings.Contains(part, "jebenevole.ca") || strings.Contains(part, own+" ") || strings.Contains(part, own+`"`) {
					t.Fatalf("%s part keeps an original link:\n%s", name, part)
				}
				if !strings.Contains(part, testkit.BaseURL+"/infolettre/desabonnement/") {
					t.Fatalf("%s part: the unsubscribe link was rewritten:\n%s", name, part)
				}
				if !strings.Contains(part, "mailto:ecrire@exemple.org") {
					t.Fatalf("%s part: the mailto: link was rewritten:\n%s", name, part)
				}
				got := []string{found[0][1], found[1][1]}
				if i == 0 && name == "html" {
					codes = got
				} else if codes != nil && (got[0] != codes[0] || got[1] != codes[1]) {
					t.Fatalf("the tracked links differ between messages or parts: %v and %v", got, codes)
				}
			}
		}
		// No one is told apart: the links are the same for both recipients.
		target, err := f.a.Tracking.Follow(f.ctx, f.t.ID, codes[0], true)
		if err != nil || target != away {
			t.Fatalf("the first link leads to %q (%v), want %q", target, err, away)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM tracked_links WHERE campaign = ?`, c.Code); n != 2 {
			t.Fatalf("%d tracked links under the campaign's code, want 2", n)
		}
		got, err := f.s.Newsletter(f.ctx, f.t.ID, nl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n, links, err := f.s.NewsletterClicks(f.ctx, f.t.ID, got); err != nil || n != 1 || links != 2 {
			t.Fatalf("newsletter clicks %d on %d links (%v), want 1 on 2", n, links, err)
		}
		res, err := f.s.CampaignResults(f.ctx, f.t.ID, c.ID)
		if err != nil || res.Clicks != 1 {
			t.Fatalf("campaign clicks %d (%v), want 1", res.Clicks, err)
		}
		// The public archive shows the original links.
		rd, err := f.s.RenderNewsletter(f.ctx, f.t.ID, got.Body, "fr")
		if err != nil || !strings.Contains(string(rd.HTML), "jebenevole.ca/offre") || strings.Contains(string(rd.HTML), "/l/") {
			t.Fatalf("archive %s (%v)", rd.HTML, err)
		}

		// Outside a campaign, the links go under « infolettre ».
		nl2, err := f.s.CreateNewsletter(f.ctx, f.t.ID, 0, comms.NewsletterInput{Subject: "Autres nouvelles", Body: "Voir " + away,
			ListID: fmt.Sprint(l.ID)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.SendNewsletterNow(f.ctx, f.t.ID, nl2.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.SendNewsletterBatch(f.ctx, nl2.ID, comms.NewsPace{}); err != nil {
			t.Fatal(err)
		}
		srv.WaitFor(t, 4, 5*time.Second)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM tracked_links WHERE campaign = ?`, comms.NewsLinksCode); n != 1 {
			t.Fatalf("%d tracked links under %q, want 1", n, comms.NewsLinksCode)
		}
	})
}
