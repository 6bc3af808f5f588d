package mail

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"implique/internal/mail/smtptest"
)

const waitTime = 5 * time.Second

// part is one leaf of a received MIME tree, its body decoded.
type part struct {
	mediaType string
	params    map[string]string
	filename  string
	body      []byte
}

// leaves decodes body (with header h) into its leaf parts, depth first.
func leaves(t *testing.T, h map[string][]string, body io.Reader) []part {
	t.Helper()
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	mediaType, params, err := mime.ParseMediaType(get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", get("Content-Type"), err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		var out []part
		for {
			p, err := mr.NextRawPart() // raw: decode the transfer encoding here
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatalf("reading %s: %v", mediaType, err)
			}
			out = append(out, leaves(t, p.Header, p)...)
		}
	}
	var r io.Reader
	switch cte := strings.ToLower(get("Content-Transfer-Encoding")); cte {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	case "", "7bit", "8bit":
		r = body
	default:
		t.Fatalf("unexpected Content-Transfer-Encoding %q", cte)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %s part: %v", mediaType, err)
	}
	p := part{mediaType: mediaType, params: params, body: data}
	if cd := get("Content-Disposition"); cd != "" {
		_, dp, err := mime.ParseMediaType(cd)
		if err != nil {
			t.Fatalf("Content-Disposition %q: %v", cd, err)
		}
		p.filename = dp["filename"]
	}
	return []part{p}
}

// crlfToLF undoes the CRLF line endings of a decoded text part.
func crlfToLF(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }

// checkWireFormat checks line endings and lengths of a raw message.
func checkWireFormat(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Errorf("message does not end with CRLF")
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\r\n")), []byte("\r\n"))
	for i, l := range lines {
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 998 {
			t.Errorf("line %d is %d bytes long", i+1, len(l))
		}
		for _, c := range l {
			if c >= 0x80 {
				t.Errorf("line %d is not 7-bit: %q", i+1, l)
				break
			}
		}
	}
}

var icsData = []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Implique//FR\r\nMETHOD:REQUEST\r\n" +
	"BEGIN:VEVENT\r\nUID:42@exemple.org\r\nDTSTART:20260315T140000Z\r\n" +
	"SUMMARY:Épicerie solidaire — tri des denrées\r\nLOCATION:Sous-sol de l'église, Québec\r\n" +
	"DESCRIPTION:" + strings.Repeat("Apportez des gants. ", 12) + "\r\n" +
	"END:VEVENT\r\nEND:VCALENDAR\r\n")

func TestSendRoundTrip(t *testing.T) {
	binary := make([]byte, 1000)
	for i := range binary {
		binary[i] = byte(i * 7)
	}
	text := "Bonjour Zoë,\n\nMerci de votre inscription à l'activité « Épicerie solidaire ».\n" +
		".Une ligne qui commence par un point.\n.\n" +
		"Ligne très longue : " + strings.Repeat("déjà vu, ça s'en vient ; ", 8) + "\n" +
		"Espaces en fin de ligne   \nÀ bientôt !\n"
	html := "<p>Bonjour Zoë,</p>\n<p>Merci de votre inscription à l'activité « Épicerie solidaire ».</p>\n" +
		`<p style="color:#333">` + strings.Repeat("é", 120) + "</p>\n"

	tests := []struct {
		name    string
		msg     Message
		want    []string // leaf media types, in order
		wantTop string   // top-level media type
	}{
		{
			name:    "text only",
			msg:     Message{Subject: "Votre inscription est confirmée", Text: text},
			want:    []string{"text/plain"},
			wantTop: "text/plain",
		},
		{
			name:    "text and HTML",
			msg:     Message{Subject: "Rappel : activité demain à 9 h", Text: text, HTML: html},
			want:    []string{"text/plain", "text/html"},
			wantTop: "multipart/alternative",
		},
		{
			name: "text, HTML and ics invitation",
			msg: Message{
				Subject:     "Invitation : Épicerie solidaire — samedi 15 mars",
				Text:        text,
				HTML:        html,
				Attachments: []Attachment{{Filename: "invitation.ics", ContentType: "text/calendar; method=REQUEST", Data: icsData}},
			},
			want:    []string{"text/plain", "text/html", "text/calendar"},
			wantTop: "multipart/mixed",
		},
		{
			name: "text and two attachments, non-ASCII file name",
			msg: Message{
				Subject: "Pièces jointes",
				Text:    text,
				Attachments: []Attachment{
					{Filename: "données.bin", Data: binary},
					{Filename: "invitation.ics", ContentType: "text/calendar; method=REQUEST", Data: icsData},
				},
			},
			want:    []string{"text/plain", "application/octet-stream", "text/calendar"},
			wantTop: "multipart/mixed",
		},
		{
			name: "long subject and extra headers",
			msg: Message{
				Subject: strings.Repeat("Très long sujet accentué à replier — ", 6),
				Text:    text,
				Headers: map[string]string{
					"List-Unsubscribe":      "<https://exemple.org/desabonnement?jeton=abc>",
					"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
					"X-Implique-Note":       "Café",
				},
			},
			want:    []string{"text/plain"},
			wantTop: "text/plain",
		},
		{
			name:    "ASCII subject",
			msg:     Message{Subject: "Hello", Text: "Plain ASCII text."},
			want:    []string{"text/plain"},
			wantTop: "text/plain",
		},
	}

	senders := []struct{ from, wantName, wantAddr string }{
		{"Moi, je m'implique ! <ne-pas-repondre@exemple.org>", "Moi, je m'implique !", "ne-pas-repondre@exemple.org"},
		{"Centre d'action bénévole de Québec <info@exemple.org>", "Centre d'action bénévole de Québec", "info@exemple.org"},
		{"benevolat@exemple.org", "", "benevolat@exemple.org"},
	}

	srv := smtptest.Start(t)
	cfg, err := ParseSMTPURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	sender := NewSMTPSender(cfg)

	n := 0
	for i, tt := range tests {
		from := senders[i%len(senders)]
		t.Run(tt.name, func(t *testing.T) {
			m := tt.msg
			m.From = from.from
			m.To = "Zoë Tremblay <zoe.tremblay@exemple.ca>"
			if err := sender.Send(t.Context(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			n++
			got := srv.WaitFor(t, n, waitTime)[n-1]

			if got.From != from.wantAddr {
				t.Errorf("MAIL FROM = %q, want %q", got.From, from.wantAddr)
			}
			if len(got.To) != 1 || got.To[0] != "zoe.tremblay@exemple.ca" {
				t.Errorf("RCPT TO = %q", got.To)
			}
			checkWireFormat(t, got.Data)
			if got.Parsed == nil {
				t.Fatalf("net/mail could not parse:\n%s", got.Data)
			}
			h := got.Parsed.Header

			dec := new(mime.WordDecoder)
			subject, err := dec.DecodeHeader(h.Get("Subject"))
			if err != nil {
				t.Fatalf("decoding Subject %q: %v", h.Get("Subject"), err)
			}
			if subject != m.Subject {
				t.Errorf("Subject = %q, want %q", subject, m.Subject)
			}
			froms, err := h.AddressList("From")
			if err != nil || len(froms) != 1 {
				t.Fatalf("From %q: %v %v", h.Get("From"), froms, err)
			}
			if froms[0].Name != from.wantName || froms[0].Address != from.wantAddr {
				t.Errorf("From = %q <%s>, want %q <%s>", froms[0].Name, froms[0].Address, from.wantName, from.wantAddr)
			}
			tos, err := h.AddressList("To")
			if err != nil || len(tos) != 1 || tos[0].Name != "Zoë Tremblay" || tos[0].Address != "zoe.tremblay@exemple.ca" {
				t.Errorf("To %q parsed as %v, %v", h.Get("To"), tos, err)
			}
			if _, err := h.Date(); err != nil {
				t.Errorf("Date: %v", err)
			}
			if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@"+from.wantAddr[strings.Index(from.wantAddr, "@")+1:]+">") {
				t.Errorf("Message-ID = %q", id)
			}
			if v := h.Get("Mime-Version"); v != "1.0" {
				t.Errorf("MIME-Version = %q", v)
			}
			for k, v := range m.Headers {
				gotV, err := dec.DecodeHeader(h.Get(k))
				if err != nil || gotV != v {
					t.Errorf("header %s = %q (%v), want %q", k, gotV, err, v)
				}
			}
			if top, _, _ := mime.ParseMediaType(h.Get("Content-Type")); top != tt.wantTop {
				t.Errorf("top Content-Type = %q, want %s", h.Get("Content-Type"), tt.wantTop)
			}

			parts := leaves(t, h, got.Parsed.Body)
			var types []string
			for _, p := range parts {
				types = append(types, p.mediaType)
			}
			if strings.Join(types, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("parts = %v, want %v", types, tt.want)
			}
			ai := 0
			for _, p := range parts {
				switch {
				case p.filename == "" && p.mediaType == "text/plain":
					if p.params["charset"] != "utf-8" {
						t.Errorf("text charset = %q", p.params["charset"])
					}
					want := m.Text
					if tt.wantTop == "text/plain" && !strings.HasSuffix(want, "\n") {
						want += "\n" // a text-only message ends with a line break
					}
					if got := crlfToLF(p.body); got != want {
						t.Errorf("text body = %q\nwant %q", got, want)
					}
				case p.filename == "" && p.mediaType == "text/html":
					if got := crlfToLF(p.body); got != m.HTML {
						t.Errorf("HTML body = %q\nwant %q", got, m.HTML)
					}
				default:
					a := m.Attachments[ai]
					ai++
					if p.filename != a.Filename {
						t.Errorf("attachment file name = %q, want %q", p.filename, a.Filename)
					}
					if !bytes.Equal(p.body, a.Data) {
						t.Errorf("attachment %s does not round-trip: got %d bytes, want %d", a.Filename, len(p.body), len(a.Data))
					}
					if p.mediaType == "text/calendar" && p.params["method"] != "REQUEST" {
						t.Errorf("text/calendar params = %v, want method=REQUEST", p.params)
					}
				}
			}
			if ai != len(m.Attachments) {
				t.Errorf("found %d attachments, want %d", ai, len(m.Attachments))
			}
		})
	}
}

// TestBase64LineLength checks the attachment encoding on the wire.
func TestBase64LineLength(t *testing.T) {
	m := Message{
		From: "a@exemple.org", To: "b@exemple.org", Subject: "s", Text: "t",
		Attachments: []Attachment{{Filename: "x.bin", Data: bytes.Repeat([]byte{0xff, 0x00, 0x7f}, 500)}},
	}
	data, err := m.Bytes(time.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := bytes.Cut(data, []byte("Content-Transfer-Encoding: base64\r\n"))
	if ok {
		_, after, ok = bytes.Cut(after, []byte("\r\n\r\n"))
	}
	if !ok {
		t.Fatalf("no base64 part in\n%s", data)
	}
	lines := strings.Split(string(after), "\r\n")
	var full, last int
	for _, l := range lines {
		if strings.HasPrefix(l, "--") {
			break
		}
		if len(l) > 76 {
			t.Errorf("base64 line of %d characters", len(l))
		}
		if len(l) == 76 {
			full++
		} else if l != "" {
			last++
		}
	}
	if full != 2000/76 || last != 1 {
		t.Errorf("got %d full lines and %d short ones, want %d and 1", full, last, 2000/76)
	}
}

func TestBytesHeaders(t *testing.T) {
	now := time.Date(2026, 3, 15, 9, 30, 0, 0, time.FixedZone("EDT", -4*3600))
	tests := []struct {
		name     string
		msg      Message
		domain   string
		contains []string
		wantErr  bool
	}{
		{
			name:     "date and message id domain",
			msg:      Message{From: "a@exemple.org", To: "b@exemple.org", Subject: "Salut", Text: "t"},
			domain:   "implique.exemple.org",
			contains: []string{"Date: Sun, 15 Mar 2026 09:30:00 -0400\r\n", "@implique.exemple.org>\r\n", "MIME-Version: 1.0\r\n", "Subject: Salut\r\n"},
		},
		{
			name:     "message id domain from From",
			msg:      Message{From: "Québec <a@quebec.exemple.org>", To: "b@exemple.org", Subject: "Été", Text: "t"},
			contains: []string{"@quebec.exemple.org>\r\n", "From: =?utf-8?q?Qu=C3=A9bec?= <a@quebec.exemple.org>\r\n", "Subject: =?utf-8?q?=C3=89t=C3=A9?=\r\n"},
		},
		{
			name:     "ASCII display name with specials is quoted",
			msg:      Message{From: "Moi, je m'implique ! <n@exemple.org>", To: "b@exemple.org", Subject: "s", Text: "t"},
			contains: []string{"From: \"Moi, je m'implique !\" <n@exemple.org>\r\n"},
		},
		{
			name:     "non-ASCII display name with specials uses phrase-safe B encoding",
			msg:      Message{From: "Centre d'action bénévole, Québec <n@exemple.org>", To: "b@exemple.org", Subject: "s", Text: "t"},
			contains: []string{"From: =?utf-8?b?Q2VudHJlIGQnYWN0aW9uIGLDqW7DqXZvbGUsIFF1w6liZWM=?=\r\n <n@exemple.org>\r\n"},
		},
		{
			name:    "bad message id domain",
			msg:     Message{From: "a@exemple.org", To: "b@exemple.org", Subject: "s", Text: "t"},
			domain:  "bad domain>",
			wantErr: true,
		},
		{
			name:    "invalid message",
			msg:     Message{From: "a@exemple.org", To: "b@exemple.org", Text: "t"},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.msg.Bytes(now, tt.domain)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Bytes succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkWireFormat(t, data)
			for _, c := range tt.contains {
				if !bytes.Contains(data, []byte(c)) {
					t.Errorf("message lacks %q:\n%s", c, data)
				}
			}
		})
	}
}

// headerField returns the raw lines of the first header field called name.
func headerField(t *testing.T, data []byte, name string) []string {
	t.Helper()
	head, _, _ := strings.Cut(string(data), "\r\n\r\n")
	var out []string
	for _, l := range strings.Split(head, "\r\n") {
		switch {
		case strings.HasPrefix(l, name+":") && out == nil:
			out = append(out, l)
		case out != nil && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")):
			out = append(out, l)
		case out != nil:
			return out
		}
	}
	if out == nil {
		t.Fatalf("no %s header in\n%s", name, head)
	}
	return out
}

func TestHeaderFolding(t *testing.T) {
	tests := []struct{ name, value string }{
		{"long non-ASCII", mime.QEncoding.Encode("utf-8", strings.Repeat("Inscription confirmée à l'activité ", 5))},
		{"long ASCII", strings.Repeat("word ", 40)},
		{"double spaces", "a  b" + strings.Repeat(" mot", 30) + "  fin"},
		{"unbreakable", strings.Repeat("x", 200)},
		{"empty", ""},
		{"leading space", " x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Message{From: "a@exemple.org", To: "b@exemple.org", Subject: "s", Text: "t", Headers: map[string]string{"X-Note": tt.value}}
			data, err := m.Bytes(time.Now(), "")
			if err != nil {
				t.Fatal(err)
			}
			lines := headerField(t, data, "X-Note")
			for i, l := range lines {
				if i > 0 && strings.TrimSpace(l) == "" {
					t.Errorf("whitespace-only continuation line")
				}
				if len(l) > 78 && strings.Contains(strings.TrimSpace(strings.TrimPrefix(l, "X-Note:")), " ") {
					t.Errorf("line of %d characters could have been folded: %q", len(l), l)
				}
			}
			// Unfolding (RFC 5322 2.2.3) gives back the value.
			unfolded := strings.TrimPrefix(strings.Join(lines, ""), "X-Note:")
			if unfolded != " "+tt.value {
				t.Errorf("unfolded = %q, want %q", unfolded, " "+tt.value)
			}
		})
	}
}

func TestDisplayNameEncoding(t *testing.T) {
	for _, name := range []string{
		"Zoë",
		"Centre d'action bénévole (Québec), « Moi, je m'implique ! »",
		strings.Repeat("éèêë", 30),
		"日本語のボランティア 🙂",
	} {
		t.Run(name, func(t *testing.T) {
			from := (&netmail.Address{Name: name, Address: "x@exemple.org"}).String()
			m := Message{From: from, To: "b@exemple.org", Subject: "s", Text: "t"}
			data, err := m.Bytes(time.Now(), "")
			if err != nil {
				t.Fatal(err)
			}
			lines := headerField(t, data, "From")
			field := strings.TrimPrefix(strings.Join(lines, ""), "From:")
			for _, w := range strings.Fields(field) {
				if !strings.HasPrefix(w, "=?") {
					continue
				}
				if len(w) > 75 {
					t.Errorf("encoded word of %d characters: %q", len(w), w)
				}
				if payload, ok := strings.CutPrefix(w, "=?utf-8?q?"); ok {
					for _, c := range []byte(strings.TrimSuffix(payload, "?=")) {
						ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!*+-/=_", c) >= 0
						if !ok {
							t.Errorf("character %q not allowed in a phrase encoded word: %q", c, w)
						}
					}
				}
			}
			a, err := netmail.ParseAddress(field)
			if err != nil {
				t.Fatalf("ParseAddress(%q): %v", field, err)
			}
			if a.Name != name {
				t.Errorf("decoded %q, want %q", a.Name, name)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Message{From: "Moi, je m'implique ! <ne-pas-repondre@exemple.org>", To: "a@b.c", Subject: "Objet", Text: "Texte"}
	with := func(f func(*Message)) Message {
		m := ok
		m.Headers = map[string]string{}
		f(&m)
		return m
	}
	tests := []struct {
		name    string
		msg     Message
		wantErr bool
	}{
		{"valid", ok, false},
		{"valid with extras", with(func(m *Message) {
			m.HTML = "<p>x</p>"
			m.Headers["List-Unsubscribe"] = "<https://exemple.org/u>"
			m.Headers["Reply-To"] = "Équipe <equipe@exemple.org>"
			m.Attachments = []Attachment{{Filename: "i.ics", ContentType: "text/calendar; method=REQUEST"}}
		}), false},
		{"header injection in To", with(func(m *Message) { m.To = "a@b.c\r\nBcc: x@y.z" }), true},
		{"LF injection in To", with(func(m *Message) { m.To = "a@b.c\nBcc: x@y.z" }), true},
		{"header injection in From", with(func(m *Message) { m.From = "a@b.c\r\nBcc: x@y.z" }), true},
		{"header injection in Subject", with(func(m *Message) { m.Subject = "Salut\r\nBcc: x@y.z" }), true},
		{"CR alone in Subject", with(func(m *Message) { m.Subject = "Salut\rBcc: x@y.z" }), true},
		{"header injection in extra header", with(func(m *Message) { m.Headers["List-Unsubscribe"] = "<u>\r\nBcc: x@y.z" }), true},
		{"header injection in extra header name", with(func(m *Message) { m.Headers["X-A\r\nBcc"] = "x@y.z" }), true},
		{"colon in header name", with(func(m *Message) { m.Headers["X-A: b"] = "c" }), true},
		{"empty header name", with(func(m *Message) { m.Headers[""] = "c" }), true},
		{"reserved header", with(func(m *Message) { m.Headers["bcc"] = "x@y.z" }), true},
		{"reserved Message-ID", with(func(m *Message) { m.Headers["Message-ID"] = "<x@y>" }), true},
		{"injection in attachment name", with(func(m *Message) { m.Attachments = []Attachment{{Filename: "a.ics\r\nX: y"}} }), true},
		{"attachment without name", with(func(m *Message) { m.Attachments = []Attachment{{ContentType: "text/plain"}} }), true},
		{"bad attachment type", with(func(m *Message) { m.Attachments = []Attachment{{Filename: "a", ContentType: "text/"}} }), true},
		{"missing To", with(func(m *Message) { m.To = "" }), true},
		{"unparseable To", with(func(m *Message) { m.To = "pas une adresse" }), true},
		{"two recipients", with(func(m *Message) { m.To = "a@b.c, d@e.f" }), true},
		{"missing From", with(func(m *Message) { m.From = "" }), true},
		{"unparseable From", with(func(m *Message) { m.From = "Moi <pas-une-adresse>" }), true},
		{"missing subject", with(func(m *Message) { m.Subject = "  " }), true},
		{"missing text", with(func(m *Message) { m.Text = "" }), true},
		{"invalid UTF-8 text", with(func(m *Message) { m.Text = "caf\xe9" }), true},
		{"invalid UTF-8 subject", with(func(m *Message) { m.Subject = "caf\xe9" }), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.msg.Validate()
			if (err != nil) != tt.wantErr {
				t.Fatalf("Validate() = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrInvalidMessage) || !IsPermanent(err) {
					t.Errorf("error %v does not wrap ErrInvalidMessage", err)
				}
				if _, err := tt.msg.Bytes(time.Now(), ""); err == nil {
					t.Errorf("Bytes accepted an invalid message")
				}
				// Send must refuse it before dialling anything.
				s := NewSMTPSender(SMTPConfig{Host: "127.0.0.1", Port: 1})
				if err := s.Send(t.Context(), tt.msg); !errors.Is(err, ErrInvalidMessage) {
					t.Errorf("Send = %v, want ErrInvalidMessage", err)
				}
			}
		})
	}
}

func TestSendAuth(t *testing.T) {
	const user, pass = "benevole@exemple.org", "mot de passe: s3cr3t/é%"
	srv := smtptest.Start(t, smtptest.WithAuth(user, pass))
	base := strings.TrimPrefix(srv.URL(), "smtp://")
	_, hostPort, _ := strings.Cut(base, "@")

	tests := []struct {
		name      string
		url       string
		wantErr   bool
		permanent bool
	}{
		{"good credentials", srv.URL(), false, false},
		{"wrong password", "smtp://benevole%40exemple.org:mauvais@" + hostPort, true, true},
		{"no credentials", "smtp://" + hostPort, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseSMTPURL(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			before := len(srv.Messages())
			err = NewSMTPSender(cfg).Send(t.Context(), Message{From: "a@exemple.org", To: "b@exemple.org", Subject: "Auth", Text: "t"})
			if tt.wantErr {
				if err == nil {
					t.Fatal("Send succeeded, want an error")
				}
				if IsPermanent(err) != tt.permanent {
					t.Errorf("IsPermanent(%v) = %v", err, !tt.permanent)
				}
				if strings.Contains(err.Error(), pass) {
					t.Errorf("error reveals the password: %v", err)
				}
				if n := len(srv.Messages()); n != before {
					t.Errorf("server received a message")
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.WaitFor(t, before+1, waitTime)[before]
			if got.AuthUser != user {
				t.Errorf("AuthUser = %q, want %q", got.AuthUser, user)
			}
		})
	}
}

func TestSendStartTLS(t *testing.T) {
	tlsSrv := smtptest.Start(t, smtptest.WithStartTLS())
	tlsAuthSrv := smtptest.Start(t, smtptest.WithStartTLS(), smtptest.WithAuth("u", "p"))
	plainSrv := smtptest.Start(t)
	implicitSrv := smtptest.Start(t, smtptest.WithImplicitTLS(), smtptest.WithAuth("u", "p"))

	tests := []struct {
		name    string
		srv     *smtptest.Server
		query   string
		wantErr bool
		wantTLS bool
	}{
		{"STARTTLS required and offered", tlsSrv, "?starttls=required&insecure_skip_verify=1", false, true},
		{"STARTTLS used when offered", tlsSrv, "?insecure_skip_verify=1", false, true},
		{"STARTTLS with AUTH", tlsAuthSrv, "?starttls=required&insecure_skip_verify=1", false, true},
		{"self-signed certificate rejected", tlsSrv, "?starttls=required", true, false},
		{"STARTTLS required but not offered", plainSrv, "?starttls=required", true, false},
		{"plain server without STARTTLS", plainSrv, "", false, false},
		{"implicit TLS with AUTH", implicitSrv, "?insecure_skip_verify=1", false, true},
		{"implicit TLS self-signed certificate rejected", implicitSrv, "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseSMTPURL(tt.srv.URL() + tt.query)
			if err != nil {
				t.Fatal(err)
			}
			before := len(tt.srv.Messages())
			err = NewSMTPSender(cfg).Send(t.Context(), Message{From: "a@exemple.org", To: "b@exemple.org", Subject: "Chiffré ?", Text: "Oui."})
			if tt.wantErr {
				if err == nil {
					t.Fatal("Send succeeded, want an error")
				}
				t.Logf("error (expected): %v", err)
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := tt.srv.WaitFor(t, before+1, waitTime)[before]
			if got.TLS != tt.wantTLS {
				t.Errorf("received over TLS = %v, want %v", got.TLS, tt.wantTLS)
			}
		})
	}
	if c := tlsSrv.Certificate(); c == nil {
		t.Error("no certificate for a STARTTLS server")
	}
}

func TestSendServerErrors(t *testing.T) {
	tests := []struct {
		name      string
		fail      func(*smtptest.Server)
		wantInErr string
		permanent bool
	}{
		{"RCPT 550", func(s *smtptest.Server) { s.FailNext(550) }, "RCPT TO", true},
		{"RCPT 451", func(s *smtptest.Server) { s.FailNext(451) }, "RCPT TO", false},
		{"DATA 554", func(s *smtptest.Server) { s.FailNextData(554) }, "DATA", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			cfg, err := ParseSMTPURL(srv.URL())
			if err != nil {
				t.Fatal(err)
			}
			s := NewSMTPSender(cfg)
			m := Message{From: "a@exemple.org", To: "b@exemple.org", Subject: "Échec", Text: "t"}
			tt.fail(srv)
			err = s.Send(t.Context(), m)
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error %q does not mention %s", err, tt.wantInErr)
			}
			if IsPermanent(err) != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, !tt.permanent, tt.permanent)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server kept %d message(s)", n)
			}
			// The failure is one-shot.
			if err := s.Send(t.Context(), m); err != nil {
				t.Fatalf("second Send: %v", err)
			}
			srv.WaitFor(t, 1, waitTime)
		})
	}
	t.Run("FailNext option", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.FailNext(550))
		cfg, _ := ParseSMTPURL(srv.URL())
		err := NewSMTPSender(cfg).Send(t.Context(), Message{From: "a@exemple.org", To: "b@exemple.org", Subject: "s", Text: "t"})
		if err == nil || !IsPermanent(err) {
			t.Fatalf("Send = %v, want a permanent error", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().(*net.TCPAddr)
		ln.Close()
		err = NewSMTPSender(SMTPConfig{Host: "127.0.0.1", Port: addr.Port}).Send(t.Context(), Message{From: "a@exemple.org", To: "b@exemple.org", Subject: "s", Text: "t"})
		if err == nil || IsPermanent(err) {
			t.Fatalf("Send = %v, want a temporary error", err)
		}
	})
}

// silentServer accepts connections and never answers, like a stuck server.
func silentServer(t *testing.T) (host string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	a := ln.Addr().(*net.TCPAddr)
	return "127.0.0.1", a.Port
}

func TestSendHonoursContext(t *testing.T) {
	host, port := silentServer(t)
	m := Message{From: "a@exemple.org", To: "b@exemple.org", Subject: "s", Text: "t"}
	tests := []struct {
		name    string
		ctx     func(t *testing.T) context.Context
		timeout time.Duration
		wantIs  error
	}{
		{"context deadline", func(t *testing.T) context.Context {
			ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
			t.Cleanup(cancel)
			return ctx
		}, 0, context.DeadlineExceeded},
		{"context cancelled while waiting", func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(200*time.Millisecond, cancel)
			t.Cleanup(cancel)
			return ctx
		}, 0, context.Canceled},
		{"already cancelled", func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return ctx
		}, 0, context.Canceled},
		{"configured timeout", func(t *testing.T) context.Context { return t.Context() }, 200 * time.Millisecond, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSMTPSender(SMTPConfig{Host: host, Port: port, Timeout: tt.timeout})
			// Send returns, with the error of the deadline that ended it.
			err := s.Send(tt.ctx(t), m)
			if err == nil {
				t.Fatal("Send succeeded against a silent server")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			var ne net.Error
			if tt.wantIs == nil && !(errors.As(err, &ne) && ne.Timeout()) {
				t.Errorf("error %v is not a timeout", err)
			}
		})
	}
}

func TestSendDefaultFrom(t *testing.T) {
	srv := smtptest.Start(t)
	cfg, err := ParseSMTPURL(srv.URL() + "?from=" + "Moi%2C+je+m%27implique+%21+%3Cne-pas-repondre%40exemple.org%3E")
	if err != nil {
		t.Fatal(err)
	}
	if err := NewSMTPSender(cfg).Send(t.Context(), Message{To: "b@exemple.org", Subject: "s", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, waitTime)[0]
	if got.From != "ne-pas-repondre@exemple.org" {
		t.Errorf("MAIL FROM = %q", got.From)
	}
	if f := got.Parsed.Header.Get("From"); f != `"Moi, je m'implique !" <ne-pas-repondre@exemple.org>` {
		t.Errorf("From = %q", f)
	}
}

func TestParseSMTPURL(t *testing.T) {
	good := []struct {
		name string
		raw  string
		want SMTPConfig
	}{
		{"submission with auth", "smtp://user:pass@mail.exemple.org:587",
			SMTPConfig{Host: "mail.exemple.org", Port: 587, Username: "user", Password: "pass"}},
		{"implicit TLS", "smtps://user:pass@mail.exemple.org:465",
			SMTPConfig{Host: "mail.exemple.org", Port: 465, Username: "user", Password: "pass", ImplicitTLS: true}},
		{"no auth", "smtp://relay.local:25", SMTPConfig{Host: "relay.local", Port: 25}},
		{"default smtp port", "smtp://relay.local", SMTPConfig{Host: "relay.local", Port: 25}},
		{"default smtps port", "SMTPS://u:p@relay.local/", SMTPConfig{Host: "relay.local", Port: 465, Username: "u", Password: "p", ImplicitTLS: true}},
		{"escaped credentials", "smtp://moi%40exemple.org:p%40ss%3Aw%2Frd@h:587",
			SMTPConfig{Host: "h", Port: 587, Username: "moi@exemple.org", Password: "p@ss:w/rd"}},
		{"unescaped at in password", "smtp://user:p@ss@h:587", SMTPConfig{Host: "h", Port: 587, Username: "user", Password: "p@ss"}},
		{"IPv6", "smtp://[::1]:2525", SMTPConfig{Host: "::1", Port: 2525}},
		{"all parameters", "smtp://u:p@h:587?starttls=required&from=Moi%20%3Cm%40exemple.org%3E&insecure_skip_verify=1&timeout=10s",
			SMTPConfig{Host: "h", Port: 587, Username: "u", Password: "p", RequireStartTLS: true, From: "Moi <m@exemple.org>", InsecureSkipVerify: true, Timeout: 10 * time.Second}},
		{"surrounding spaces", "  smtp://h:25\n", SMTPConfig{Host: "h", Port: 25}},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSMTPURL(tt.raw)
			if err != nil {
				t.Fatalf("ParseSMTPURL(%q): %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("ParseSMTPURL(%q) =\n%+v, want\n%+v (passwords %q, %q)", tt.raw, got, tt.want, got.Password, tt.want.Password)
			}
		})
	}

	const secret = "Tr3sS3cret"
	bad := []struct{ name, raw, want string }{
		{"empty", "", "empty"},
		{"missing host", "smtp://user:" + secret + "@:587", "no host"},
		{"missing host no port", "smtp://user:" + secret + "@", "no host"},
		{"bad port", "smtp://user:" + secret + "@h:abc", "port"},
		{"port out of range", "smtp://user:" + secret + "@h:70000", "port"},
		{"port zero", "smtp://user:" + secret + "@h:0", "port"},
		{"empty port", "smtp://user:" + secret + "@h:", "port"},
		{"unknown scheme", "http://user:" + secret + "@h:587", "scheme"},
		{"no scheme", "user:" + secret + "@h:587", ""},
		{"plain host", "mail.exemple.org", "scheme"},
		{"unescaped percent in password", "smtp://user:" + secret + "%zz@h:587", ""},
		{"user without password", "smtp://user@h:587", "no password"},
		{"password without user", "smtp://:" + secret + "@h:587", "no user name"},
		{"path", "smtp://user:" + secret + "@h:587/boite", "path"},
		{"unknown parameter", "smtp://user:" + secret + "@h:587?startls=required", "unknown parameter"},
		{"bad starttls", "smtp://user:" + secret + "@h:587?starttls=peut-etre", "starttls"},
		{"starttls with smtps", "smtps://user:" + secret + "@h:465?starttls=required", "smtps"},
		{"bad from", "smtp://user:" + secret + "@h:587?from=personne", "from"},
		{"injected from", "smtp://user:" + secret + "@h:587?from=a%40b.c%0d%0aBcc:%20x%40y.z", "from"},
		{"bad insecure_skip_verify", "smtp://user:" + secret + "@h:587?insecure_skip_verify=oui", "insecure_skip_verify"},
		{"bad timeout", "smtp://user:" + secret + "@h:587?timeout=-1s", "timeout"},
		{"repeated parameter", "smtp://user:" + secret + "@h:587?from=a%40b.c&from=d%40e.f", "more than once"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseSMTPURL(tt.raw)
			if err == nil {
				t.Fatalf("ParseSMTPURL(%q) = %+v, want an error", tt.raw, cfg)
			}
			msg := err.Error()
			if strings.Contains(msg, secret) {
				t.Errorf("error reveals the password: %q", msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not mention %q", msg, tt.want)
			}
		})
	}
}

func TestSMTPConfigHidesPassword(t *testing.T) {
	cfg, err := ParseSMTPURL("smtp://user:Tr3sS3cret@h:587?timeout=5s")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{cfg.String(), fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		if strings.Contains(s, "Tr3sS3cret") {
			t.Errorf("config printed with its password: %s", s)
		}
		if !strings.Contains(s, "user") || !strings.Contains(s, "h:587") {
			t.Errorf("config printed without user or host: %s", s)
		}
	}
}

// TestRawConversation checks the bytes on the wire through the smtptest
// server: dot-stuffing by net/smtp and unstuffing by the server cancel out.
func TestRawConversation(t *testing.T) {
	srv := smtptest.Start(t)
	cfg, _ := ParseSMTPURL(srv.URL())
	m := Message{From: "a@exemple.org", To: "b@exemple.org", Subject: "Points", Text: ".\n..\n.fin\n"}
	want, err := m.Bytes(time.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := NewSMTPSender(cfg).Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, waitTime)[0]
	// Compare everything but the Date and Message-ID lines, which differ.
	strip := func(b []byte) string {
		var out []string
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			l := sc.Text()
			if strings.HasPrefix(l, "Date: ") || strings.HasPrefix(l, "Message-ID: ") {
				continue
			}
			out = append(out, l)
		}
		return strings.Join(out, "\n")
	}
	if strip(got.Data) != strip(want) {
		t.Errorf("received\n%s\nwant\n%s", got.Data, want)
	}
}
