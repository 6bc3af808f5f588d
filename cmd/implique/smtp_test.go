package main

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"implique/internal/mail/smtptest"
)

// TestServeSendsMailOverSMTP: with IMPLIQUE_SMTP_URL set, what the product
// sends leaves through a real SMTP server — a sign-in link, and a sign-up
// confirmation with its calendar file.
func TestServeSendsMailOverSMTP(t *testing.T) {
	clearEnv(t)
	smtp := smtptest.Start(t)
	_, base, stop := serve(t, t.TempDir(), "--demo", "--smtp-url", smtp.URL()+"?from=bonjour%40implique.exemple.org")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	res, err := client.PostForm(base+"/connexion/lien", url.Values{"email": {"admin@demo.implique.test"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	got := smtp.WaitFor(t, 1, 30*time.Second)
	m := got[0]
	if m.To[0] != "admin@demo.implique.test" || m.From != "bonjour@implique.exemple.org" {
		t.Errorf("envelope %s → %v", m.From, m.To)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Parsed.Header.Get("Subject"))
	if !strings.Contains(subject, "Votre lien de connexion") {
		t.Errorf("subject %q", subject)
	}
	body, _ := io.ReadAll(m.Parsed.Body)
	if !strings.Contains(string(body), "connexion/lien?jeton=") {
		t.Errorf("no sign-in link in the e-mail")
	}

	// Sign up for the first open souper through the API.
	res, err = http.Get(base + "/api/v1/events?kind=citizen_dinner")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Events []struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		} `json:"events"`
	}
	_ = json.NewDecoder(res.Body).Decode(&list)
	res.Body.Close()
	var id int64
	for _, ev := range list.Events {
		if ev.Status == "open" {
			id = ev.ID
			break
		}
	}
	if id == 0 {
		t.Fatalf("no open souper in the demo: %+v", list)
	}
	res, err = http.Post(fmt.Sprintf("%s/api/v1/events/%d/registrations", base, id), "application/json",
		strings.NewReader(`{"name":"Élise Tremblay","email":"elise@exemple.org","party_size":2}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	got = smtp.WaitFor(t, 2, 30*time.Second)
	conf := got[1]
	if conf.To[0] != "elise@exemple.org" {
		t.Errorf("confirmation went to %v", conf.To)
	}
	raw := string(conf.Data)
	if !strings.Contains(raw, "text/calendar") || !strings.Contains(raw, "multipart/mixed") {
		t.Errorf("the confirmation has no calendar file")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
