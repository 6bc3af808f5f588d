// Package mail builds and sends Implique's e-mail: RFC 5322 messages with
// UTF-8 (French) headers and bodies, an optional HTML alternative and
// attachments such as .ics invitations, delivered over SMTP.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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

// Bytes renders m as an RFC 5322 message with CRLF line endings: Date from
// now, a fresh Message-ID in messageIDDomain (the From address's domain when
// empty), MIME headers, UTF-8 quoted-printable text parts and base64
// attachments. It validates m first. In a text-only message, a Text that
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

	var b bytes.Buffer
	writeHeader(&b, "Date", now.Format(time.RFC1123Z))
	writeHeader(&b, "Message-ID", "<"+messageID(now)+"@"+domain+">")
	writeHeader(&b, "From", formatAddress(from))
	writeHeader(&b, "To", formatAddress(to))
	writeHeader(&b, "Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	writeHeader(&b, "MIME-Version", "1.0")
	keys := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		writeHeader(&b, k, mime.QEncoding.Encode("utf-8", m.Headers[k]))
	}

	switch {
	case len(m.Attachments) > 0:
		mw := multipart.NewWriter(&b)
		if err := mw.SetBoundary(newBoundary()); err != nil {
			return nil, err
		}
		writeHeader(&b, "Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
		b.WriteString("\r\n")
		if err := m.writeBody(mw); err != nil {
			return nil, err
		}
		for _, a := range m.Attachments {
			if err := writeAttachment(mw, a); err != nil {
				return nil, err
			}
		}
		if err := mw.Close(); err != nil {
			return nil, err
		}
	case m.HTML != "":
		mw := multipart.NewWriter(&b)
		if err := mw.SetBoundary(newBoundary()); err != nil {
			return nil, err
		}
		writeHeader(&b, "Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
		b.WriteString("\r\n")
		if err := writeTextPart(mw, "text/plain", m.Text); err != nil {
			return nil, err
		}
		if err := writeTextPart(mw, "text/html", m.HTML); err != nil {
			return nil, err
		}
		if err := mw.Close(); err != nil {
			return nil, err
		}
	default:
		writeHeader(&b, "Content-Type", "text/plain; charset=utf-8")
		writeHeader(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		// A message ends with a line break (SMTP would add it anyway).
		if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
			b.WriteString("\r\n")
		}
	}
	return b.Bytes(), nil
}

// writeBody writes the text (and HTML alternative) as the first part of a
// multipart/mixed message.
func (m Message) writeBody(mw *multipart.Writer) error {
	if m.HTML == "" {
		return writeTextPart(mw, "text/plain", m.Text)
	}
	boundary := newBoundary()
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": boundary}))
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	alt := multipart.NewWriter(w)
	if err := alt.SetBoundary(boundary); err != nil {
		return err
	}
	if err := writeTextPart(alt, "text/plain", m.Text); err != nil {
		return err
	}
	if err := writeTextPart(alt, "text/html", m.HTML); err != nil {
		return err
	}
	return alt.Close()
}

func writeTextPart(mw *multipart.Writer, mediaType, text string) error {
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", mediaType+"; charset=utf-8")
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	return writeQP(w, text)
}

// writeQP writes text quoted-printable encoded; line breaks become CRLF.
func writeQP(w io.Writer, text string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, text); err != nil {
		return err
	}
	return qp.Close()
}

func writeAttachment(mw *multipart.Writer, a Attachment) error {
	ct := a.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(path.Ext(a.Filename))
		if ct == "" {
			ct = "application/octet-stream"
		}
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return invalid("attachment %q: content type %q: %v", a.Filename, ct, err)
	}
	if params == nil {
		params = map[string]string{}
	}
	if strings.HasPrefix(mediaType, "text/") && params["charset"] == "" {
		params["charset"] = "utf-8"
	}
	params["name"] = a.Filename // for older clients that ignore Content-Disposition
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", mime.FormatMediaType(mediaType, params))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
	h.Set("Content-Transfer-Encoding", "base64")
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	return writeBase64(w, a.Data)
}

// writeBase64 writes data base64 encoded in lines of 76 characters.
func writeBase64(w io.Writer, data []byte) error {
	const lineLen = 76
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	b.Grow(len(enc) + len(enc)/lineLen*2 + 2)
	for len(enc) > lineLen {
		b.WriteString(enc[:lineLen])
		b.WriteString("\r\n")
		enc = enc[lineLen:]
	}
	if enc != "" {
		b.WriteString(enc)
		b.WriteString("\r\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeHeader writes "name: value" folded at spaces so that lines stay
// within 78 characters where the value allows it.
func writeHeader(b *bytes.Buffer, name, value string) {
	const maxLine = 78
	b.WriteString(name)
	b.WriteString(":")
	lineLen := len(name) + 1
	hasContent := false // the current line holds more than folding white space
	for _, word := range strings.Split(value, " ") {
		if hasContent && word != "" && lineLen+1+len(word) > maxLine {
			b.WriteString("\r\n")
			lineLen = 0
		}
		b.WriteString(" ")
		b.WriteString(word)
		lineLen += 1 + len(word)
		if word != "" {
			hasContent = true
		}
	}
	b.WriteString("\r\n")
}

// formatAddress renders a as `display name <addr>`, quoting an ASCII display
// name when needed and Q-encoding a non-ASCII one.
func formatAddress(a *mail.Address) string {
	addr := (&mail.Address{Address: a.Address}).String() // "<addr>", local part quoted if needed
	name := a.Name
	if name == "" {
		return addr
	}
	if isASCII(name) {
		if isPhrase(name) {
			return name + " " + addr
		}
		return quoteString(name) + " " + addr
	}
	return encodePhrase(name) + " " + addr
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// isPhrase reports whether s is a sequence of atoms separated by single
// spaces, which can be written without quotes.
func isPhrase(s string) bool {
	if strings.Contains(s, "=?") {
		return false // would look like an encoded word
	}
	for _, w := range strings.Split(s, " ") {
		if w == "" {
			return false
		}
		for i := 0; i < len(w); i++ {
			if !isAtext(w[i]) {
				return false
			}
		}
	}
	return true
}

func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// encodePhrase Q-encodes a display name as RFC 2047 encoded words that are
// valid inside an address phrase (section 5, rule 3): only letters, digits
// and !*+-/ stay literal, a space becomes "_", and each word stays within
// 75 characters without splitting a character across words.
func encodePhrase(s string) string {
	const (
		prefix, suffix = "=?utf-8?q?", "?="
		maxPayload     = 75 - len(prefix) - len(suffix)
	)
	var words []string
	var cur strings.Builder
	var enc strings.Builder
	for _, r := range s {
		enc.Reset()
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		for _, c := range buf[:n] {
			switch {
			case c == ' ':
				enc.WriteByte('_')
			case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!*+-/", c) >= 0:
				enc.WriteByte(c)
			default:
				fmt.Fprintf(&enc, "=%02X", c)
			}
		}
		if cur.Len() > 0 && cur.Len()+enc.Len() > maxPayload {
			words = append(words, prefix+cur.String()+suffix)
			cur.Reset()
		}
		cur.WriteString(enc.String())
	}
	if cur.Len() > 0 {
		words = append(words, prefix+cur.String()+suffix)
	}
	return strings.Join(words, " ")
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

// newBoundary returns a random MIME boundary. It starts with "=_", which
// can occur neither in quoted-printable nor in base64 text.
func newBoundary() string {
	return "=_" + rand.Text()
}
