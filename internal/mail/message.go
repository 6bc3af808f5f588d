// Package mail builds and sends Implique's e-mail: RFC 5322 messages with
// UTF-8 (French) headers and bodies, an optional HTML alternative and
// attachments such as .ics invitations, delivered over SMTP.
package mail

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"net/textproto"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
)

// ErrInvalidMessage is wrapped by every error of Message.Validate. Such a
// message can never be sent, so there is no point in retrying it.
var ErrInvalidMessage = errors.New("invalid message")

// Attachment is a file attached to a message.
type Attachment struct {
	Filename    string // shown to the recipient, e.g. "invitation.ics"
	ContentType string // e.g. "text/calendar; method=REQUEST"; guessed from Filename when empty
	Data        []byte
}

// Message is one e-mail to one recipient.
type Message struct {
	From        string            // full address, may contain a display name with accents
	To          string            // one recipient address
	Subject     string            // UTF-8
	Text        string            // plain text body (required)
	HTML        string            // optional HTML alternative
	Attachments []Attachment      // optional
	Headers     map[string]string // optional extra headers, e.g. List-Unsubscribe

	// Secrets are what only the recipient may read: the token of a private
	// link or a whole sign-in link, as it appears in Text, HTML or Headers.
	// The outbox shows each link holding one as « lien personnel masqué »
	// and scrubs them from what it keeps once the message has left.
	Secrets []string
	// Limit caps how often such a message goes out (zero: no cap).
	Limit Limit
}

// Limit says « at most Max messages with this Key in Per »: one e-mail per
// registration a day, a few sign-in links an hour for one account. A message
// over its limit is not queued, and the caller answers as if it had been.
type Limit struct {
	Key string        // what is counted, e.g. "registration:42"
	Max int           // messages allowed in the window (at least 1)
	Per time.Duration // the window, from the first message counted
}

// minSecretLen keeps a short string from masking ordinary words.
const minSecretLen = 16

// reservedHeaders are written by Bytes and cannot be set through Headers.
var reservedHeaders = map[string]bool{
	"Date": true, "Message-Id": true, "Mime-Version": true,
	"From": true, "To": true, "Cc": true, "Bcc": true, "Subject": true,
	"Content-Type": true, "Content-Transfer-Encoding": true,
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidMessage}, args...)...)
}

// Validate reports whether m can be sent: From and To must be single
// parseable addresses, Subject and Text non-empty, all text valid UTF-8 and
// no header value may contain a CR or LF (header injection).
// The errors wrap ErrInvalidMessage.
func (m Message) Validate() error {
	if err := checkHeaderValue("From", m.From); err != nil {
		return err
	}
	if err := checkHeaderValue("To", m.To); err != nil {
		return err
	}
	if err := checkHeaderValue("Subject", m.Subject); err != nil {
		return err
	}
	if strings.TrimSpace(m.From) == "" {
		return invalid("missing From address")
	}
	if _, err := parseAddress(m.From); err != nil {
		return invalid("From address %q: %v", m.From, err)
	}
	if strings.TrimSpace(m.To) == "" {
		return invalid("missing To address")
	}
	if _, err := parseAddress(m.To); err != nil {
		return invalid("To address %q: %v", m.To, err)
	}
	if strings.TrimSpace(m.Subject) == "" {
		return invalid("missing subject")
	}
	if strings.TrimSpace(m.Text) == "" {
		return invalid("missing text body")
	}
	if !utf8.ValidString(m.Text) {
		return invalid("text body is not valid UTF-8")
	}
	if !utf8.ValidString(m.HTML) {
		return invalid("HTML body is not valid UTF-8")
	}
	for k, v := range m.Headers {
		if !validFieldName(k) {
			return invalid("header name %q is not valid", k)
		}
		if reservedHeaders[textproto.CanonicalMIMEHeaderKey(k)] {
			return invalid("header %s cannot be set through Headers", k)
		}
		if err := checkHeaderValue(k, v); err != nil {
			return err
		}
	}
	for _, sec := range m.Secrets {
		if len(sec) < minSecretLen || strings.ContainsAny(sec, " \t\r\n") {
			return invalid("a secret must be at least %d characters without spaces", minSecretLen)
		}
	}
	if m.Limit.Key != "" && (m.Limit.Max < 1 || m.Limit.Per <= 0) {
		return invalid("limit %q needs a maximum and a window", m.Limit.Key)
	}
	for i, a := range m.Attachments {
		if strings.TrimSpace(a.Filename) == "" {
			return invalid("attachment %d has no file name", i+1)
		}
		if err := checkHeaderValue("attachment file name", a.Filename); err != nil {
			return err
		}
		if err := checkHeaderValue("attachment content type", a.ContentType); err != nil {
			return err
		}
		if a.ContentType != "" {
			if _, _, err := mime.ParseMediaType(a.ContentType); err != nil {
				return invalid("attachment %q: content type %q: %v", a.Filename, a.ContentType, err)
			}
		}
	}
	return nil
}

// checkHeaderValue rejects values that could end a header line early, and
// invalid UTF-8.
func checkHeaderValue(name, v string) error {
	if strings.ContainsAny(v, "\r\n\x00") {
		return invalid("%s contains a line break", name)
	}
	if !utf8.ValidString(v) {
		return invalid("%s is not valid UTF-8", name)
	}
	return nil
}

// validFieldName reports whether k is an RFC 5322 field name: printable
// US-ASCII except colon.
func validFieldName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// parseAddress parses one address with net/mail, and also accepts the common
// unquoted form `Display, Name ! <addr@example.org>` whose display name holds
// characters that RFC 5322 says should be quoted.
func parseAddress(s string) (*mail.Address, error) {
	a, err := mail.ParseAddress(s)
	if err == nil {
		return a, nil
	}
	t := strings.TrimSpace(s)
	i := strings.LastIndexByte(t, '<')
	if i <= 0 || !strings.HasSuffix(t, ">") {
		return nil, err
	}
	name := strings.TrimSpace(t[:i])
	if name == "" || strings.ContainsAny(name, "<>\"\\") {
		return nil, err
	}
	b, err2 := mail.ParseAddress(t[i:])
	if err2 != nil {
		return nil, err
	}
	b.Name = name
	return b, nil
}

// Bytes renders m with go-mail as an RFC 5322 message with CRLF line
// endings: Date from now, a fresh Message-ID in messageIDDomain (the From
// address's domain when empty), MIME headers, UTF-8 quoted-printable text
// parts and base64 attachments. It validates m first. In a text-only message, a Text that
// does not end with a line break gains one, since a message ends with CRLF.
func (m Message) Bytes(now time.Time, messageIDDomain string) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	from, _ := parseAddress(m.From)
	to, _ := parseAddress(m.To)

	domain := messageIDDomain
	if domain == "" {
		domain = from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	}
	if !validIDDomain(domain) {
		return nil, fmt.Errorf("mail: Message-ID domain %q is not valid", domain)
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithCharset("utf-8"))
	msg.SetDateWithValue(now)
	msg.SetMessageIDWithValue(messageID(now) + "@" + domain)
	if err := msg.From(from.String()); err != nil {
		return nil, invalid("From address %q: %v", m.From, err)
	}
	if err := msg.To(to.String()); err != nil {
		return nil, invalid("To address %q: %v", m.To, err)
	}
	msg.Subject(m.Subject)
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	text := m.Text
	if m.HTML == "" && len(m.Attachments) == 0 && !strings.HasSuffix(text, "\n") {
		text += "\n" // a message ends with a line break
	}
	msg.SetBodyString(gomail.TypeTextPlain, text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		opt, err := attachmentHeaders(a)
		if err != nil {
			return nil, err
		}
		if err := msg.AttachReader(a.Filename, bytes.NewReader(a.Data), opt); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// attachmentHeaders sets the Content-Type (with a charset for text) and the
// Content-Disposition of an attachment, its file name in RFC 2231 form when
// it is not ASCII (go-mail would put an encoded word inside quotes).
func attachmentHeaders(a Attachment) (gomail.FileOption, error) {
	ct := a.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(path.Ext(a.Filename))
		if ct == "" {
			ct = "application/octet-stream"
		}
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, invalid("attachment %q: content type %q: %v", a.Filename, ct, err)
	}
	if params == nil {
		params = map[string]string{}
	}
	if strings.HasPrefix(mediaType, "text/") && params["charset"] == "" {
		params["charset"] = "utf-8"
	}
	params["name"] = a.Filename // for older clients that ignore Content-Disposition
	return func(f *gomail.File) {
		f.Header.Set("Content-Type", mime.FormatMediaType(mediaType, params))
		f.Header.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
	}, nil
}

// validIDDomain reports whether d can be the right-hand side of a Message-ID
// (a dot-atom).
func validIDDomain(d string) bool {
	if d == "" || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") || strings.Contains(d, "..") {
		return false
	}
	for i := 0; i < len(d); i++ {
		if c := d[i]; c != '.' && !isAtext(c) {
			return false
		}
	}
	return true
}

// messageID returns a unique left-hand side for a Message-ID.
func messageID(now time.Time) string {
	return strconv.FormatInt(now.UnixNano(), 36) + "." + strings.ToLower(rand.Text())
}
