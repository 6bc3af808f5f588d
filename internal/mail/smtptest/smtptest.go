// Package smtptest runs a real, minimal SMTP server on 127.0.0.1 for tests.
//
// It speaks enough ESMTP for net/smtp: EHLO/HELO, optional STARTTLS (with a
// self-signed certificate made in memory), optional AUTH PLAIN, MAIL, RCPT,
// DATA (with dot-unstuffing), RSET, NOOP and QUIT. Every accepted message is
// kept and can be read with Messages or WaitFor.
package smtptest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// MaxMessageSize is the largest message DATA accepts.
const MaxMessageSize = 10 << 20

// idleTimeout closes a connection whose client stays silent this long.
const idleTimeout = time.Minute

// Received is one message the server accepted.
type Received struct {
	From     string        // envelope sender (MAIL FROM)
	To       []string      // envelope recipients (RCPT TO)
	Data     []byte        // the message as received, CRLF line endings, dots unstuffed
	Parsed   *mail.Message // Data parsed by net/mail; nil if it did not parse
	TLS      bool          // the message came over TLS (STARTTLS)
	AuthUser string        // the user that authenticated, or ""
}

// Option configures a Server.
type Option func(*Server)

// WithAuth makes the server offer AUTH PLAIN and require it before MAIL.
func WithAuth(user, pass string) Option {
	return func(s *Server) { s.user, s.pass = user, pass }
}

// WithStartTLS makes the server offer STARTTLS with a self-signed
// certificate for 127.0.0.1 and localhost.
func WithStartTLS() Option {
	return func(s *Server) { s.startTLS = true }
}

// WithImplicitTLS makes the server speak TLS from the first byte (smtps),
// with the same self-signed certificate as WithStartTLS.
func WithImplicitTLS() Option {
	return func(s *Server) { s.implicitTLS = true }
}

// FailNext makes the next RCPT command answer with code (e.g. 550 or 451).
func FailNext(code int) Option {
	return func(s *Server) { s.failRcpt = code }
}

// FailNextData makes the server answer the end of the next DATA with code,
// after reading the whole message (which is then not kept).
func FailNextData(code int) Option {
	return func(s *Server) { s.failData = code }
}

// Server is a running test SMTP server.
type Server struct {
	// Set by options before Start, then read-only.
	user, pass  string
	startTLS    bool
	implicitTLS bool
	tlsConfig   *tls.Config
	cert        *x509.Certificate

	ln net.Listener
	wg sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	conns    map[net.Conn]struct{}
	msgs     []Received
	arrived  chan struct{} // closed and replaced whenever a message arrives
	failRcpt int
	failData int
}

// Start starts a server listening on 127.0.0.1 on a free port. It is closed
// when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{conns: map[net.Conn]struct{}{}, arrived: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	if s.startTLS || s.implicitTLS {
		cfg, cert, err := selfSigned()
		if err != nil {
			t.Fatalf("smtptest: making certificate: %v", err)
		}
		s.tlsConfig, s.cert = cfg, cert
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.ln = ln
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is smtp://127.0.0.1:PORT (smtps:// with WithImplicitTLS), with
// user:pass when WithAuth was given.
func (s *Server) URL() string {
	scheme := "smtp://"
	if s.implicitTLS {
		scheme = "smtps://"
	}
	if s.user != "" {
		return scheme + urlEscape(s.user) + ":" + urlEscape(s.pass) + "@" + s.Addr()
	}
	return scheme + s.Addr()
}

// urlEscape percent-encodes everything but unreserved characters.
func urlEscape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Certificate is the self-signed certificate used for TLS, or nil.
func (s *Server) Certificate() *x509.Certificate { return s.cert }

// FailNext makes the next RCPT command answer with code.
func (s *Server) FailNext(code int) {
	s.mu.Lock()
	s.failRcpt = code
	s.mu.Unlock()
}

// FailNextData makes the end of the next DATA answer with code.
func (s *Server) FailNextData(code int) {
	s.mu.Lock()
	s.failData = code
	s.mu.Unlock()
}

// Messages returns the messages received so far, oldest first. Each call
// returns fresh copies, whose Parsed bodies have not been read yet.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.copyLocked()
}

func (s *Server) copyLocked() []Received {
	out := make([]Received, len(s.msgs))
	for i, m := range s.msgs {
		m.To = append([]string(nil), m.To...)
		m.Data = bytes.Clone(m.Data)
		m.Parsed = parse(m.Data)
		out[i] = m
	}
	return out
}

// parse parses data with net/mail, or returns nil.
func parse(data []byte) *mail.Message {
	p, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	return p
}

// WaitFor waits until at least n messages have arrived and returns them all;
// it fails the test after timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.msgs), s.arrived
		if got >= n {
			msgs := s.copyLocked()
			s.mu.Unlock()
			return msgs
		}
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-timer.C:
			t.Fatalf("smtptest: got %d message(s) after %v, want %d", got, timeout, n)
			return nil
		}
	}
}

// Close stops the listener, closes open connections and waits for every
// goroutine of the server to end. It may be called more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		s.ln.Close()
		for c := range s.conns {
			c.Close()
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return // closed
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			(&session{srv: s, raw: c}).run()
		}()
	}
}

// session is one client connection.
type session struct {
	srv  *Server
	raw  net.Conn // the TCP connection
	conn net.Conn // raw, or the TLS connection over it
	r    *bufio.Reader
	w    *bufio.Writer

	greeted  bool
	tls      bool
	authUser string
	from     string
	inMail   bool
	rcpts    []string
}

var errQuit = errors.New("quit")

func (ss *session) run() {
	ss.setConn(ss.raw)
	if ss.srv.implicitTLS {
		tc := tls.Server(ss.raw, ss.srv.tlsConfig)
		_ = ss.raw.SetDeadline(time.Now().Add(idleTimeout))
		if err := tc.Handshake(); err != nil {
			return
		}
		_ = ss.raw.SetDeadline(time.Time{})
		ss.setConn(tc)
		ss.tls = true
	}
	ss.reply(220, "127.0.0.1 ESMTP smtptest ready")
	for {
		line, err := ss.readLine()
		if err != nil {
			if errors.Is(err, errLineTooLong) {
				ss.reply(500, "5.5.2 Line too long")
				continue
			}
			return
		}
		if err := ss.handle(line); err != nil {
			return
		}
	}
}

func (ss *session) setConn(c net.Conn) {
	ss.conn = c
	ss.r = bufio.NewReader(c)
	ss.w = bufio.NewWriter(c)
}

var errLineTooLong = errors.New("line too long")

// readLine reads one command line without its line ending.
func (ss *session) readLine() (string, error) {
	_ = ss.raw.SetReadDeadline(time.Now().Add(idleTimeout))
	line, err := ss.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		for errors.Is(err, bufio.ErrBufferFull) { // discard the rest of the line
			_, err = ss.r.ReadSlice('\n')
		}
		if err != nil {
			return "", err
		}
		return "", errLineTooLong
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// reply writes one reply line; with more than one text, a multi-line reply.
func (ss *session) reply(code int, texts ...string) {
	for i, t := range texts {
		sep := "-"
		if i == len(texts)-1 {
			sep = " "
		}
		fmt.Fprintf(ss.w, "%d%s%s\r\n", code, sep, t)
	}
	ss.w.Flush()
}

func (ss *session) resetMail() {
	ss.from, ss.inMail, ss.rcpts = "", false, nil
}

func (ss *session) handle(line string) error {
	verb, arg, _ := strings.Cut(line, " ")
	verb = strings.ToUpper(verb)
	arg = strings.TrimSpace(arg)
	switch verb {
	case "EHLO", "HELO":
		if arg == "" {
			ss.reply(501, "5.5.4 Domain name required")
			return nil
		}
		ss.greeted = true
		ss.resetMail()
		if verb == "HELO" {
			ss.reply(250, "127.0.0.1 Hello "+arg)
			return nil
		}
		lines := []string{"127.0.0.1 Hello " + arg, "8BITMIME", "PIPELINING", fmt.Sprintf("SIZE %d", MaxMessageSize)}
		if ss.srv.startTLS && !ss.tls { // never true with implicit TLS
			lines = append(lines, "STARTTLS")
		}
		if ss.srv.user != "" && ss.authUser == "" {
			lines = append(lines, "AUTH PLAIN")
		}
		ss.reply(250, lines...)
	case "STARTTLS":
		switch {
		case !ss.srv.startTLS:
			ss.reply(502, "5.5.1 STARTTLS not offered")
		case ss.tls:
			ss.reply(503, "5.5.1 Already using TLS")
		case arg != "":
			ss.reply(501, "5.5.4 No parameters allowed")
		default:
			ss.reply(220, "2.0.0 Ready to start TLS")
			tc := tls.Server(ss.raw, ss.srv.tlsConfig)
			_ = ss.raw.SetDeadline(time.Now().Add(idleTimeout))
			if err := tc.Handshake(); err != nil {
				return err
			}
			_ = ss.raw.SetDeadline(time.Time{})
			ss.setConn(tc)
			ss.tls = true
			ss.greeted = false // RFC 3207: the client must say EHLO again
			ss.resetMail()
		}
	case "AUTH":
		ss.auth(arg)
	case "MAIL":
		switch {
		case !ss.greeted:
			ss.reply(503, "5.5.1 Say EHLO first")
		case ss.srv.user != "" && ss.authUser == "":
			ss.reply(530, "5.7.0 Authentication required")
		case ss.inMail:
			ss.reply(503, "5.5.1 Nested MAIL command")
		default:
			addr, ok := pathArg(arg, "FROM:")
			if !ok {
				ss.reply(501, "5.5.4 Syntax: MAIL FROM:<address>")
				return nil
			}
			ss.from, ss.inMail = addr, true
			ss.reply(250, "2.1.0 OK")
		}
	case "RCPT":
		if !ss.inMail {
			ss.reply(503, "5.5.1 Need MAIL first")
			return nil
		}
		addr, ok := pathArg(arg, "TO:")
		if !ok || addr == "" {
			ss.reply(501, "5.5.4 Syntax: RCPT TO:<address>")
			return nil
		}
		if code := ss.srv.takeFail(&ss.srv.failRcpt); code != 0 {
			ss.reply(code, failText(code))
			return nil
		}
		ss.rcpts = append(ss.rcpts, addr)
		ss.reply(250, "2.1.5 OK")
	case "DATA":
		if len(ss.rcpts) == 0 {
			ss.reply(503, "5.5.1 Need RCPT first")
			return nil
		}
		ss.reply(354, "End data with <CR><LF>.<CR><LF>")
		data, err := ss.readData()
		if errors.Is(err, errTooBig) {
			ss.reply(552, "5.3.4 Message too big")
			ss.resetMail()
			return nil
		}
		if err != nil {
			return err
		}
		if code := ss.srv.takeFail(&ss.srv.failData); code != 0 {
			ss.reply(code, failText(code))
			ss.resetMail()
			return nil
		}
		ss.srv.add(Received{From: ss.from, To: ss.rcpts, Data: data, TLS: ss.tls, AuthUser: ss.authUser})
		ss.resetMail()
		ss.reply(250, "2.0.0 OK queued")
	case "RSET":
		ss.resetMail()
		ss.reply(250, "2.0.0 OK")
	case "NOOP":
		ss.reply(250, "2.0.0 OK")
	case "VRFY":
		ss.reply(252, "2.5.0 Cannot VRFY user")
	case "QUIT":
		ss.reply(221, "2.0.0 Bye")
		return errQuit
	default:
		ss.reply(500, "5.5.2 Command not recognized")
	}
	return nil
}

// auth handles AUTH PLAIN, with or without an initial response.
func (ss *session) auth(arg string) {
	mech, initial, _ := strings.Cut(arg, " ")
	switch {
	case ss.srv.user == "":
		ss.reply(502, "5.5.1 AUTH not offered")
		return
	case !ss.greeted:
		ss.reply(503, "5.5.1 Say EHLO first")
		return
	case ss.authUser != "":
		ss.reply(503, "5.5.1 Already authenticated")
		return
	case ss.inMail:
		ss.reply(503, "5.5.1 AUTH not allowed during a mail transaction")
		return
	case !strings.EqualFold(mech, "PLAIN"):
		ss.reply(504, "5.5.4 Unrecognized authentication type")
		return
	}
	resp := strings.TrimSpace(initial)
	if resp == "" {
		ss.reply(334, "")
		line, err := ss.readLine()
		if err != nil {
			return
		}
		resp = strings.TrimSpace(line)
	}
	if resp == "*" {
		ss.reply(501, "5.7.0 Authentication cancelled")
		return
	}
	if resp == "=" {
		resp = ""
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	if err != nil {
		ss.reply(501, "5.5.2 Cannot decode response")
		return
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 {
		ss.reply(501, "5.5.2 Malformed PLAIN response")
		return
	}
	user, pass := parts[1], parts[2]
	okUser := subtle.ConstantTimeCompare([]byte(user), []byte(ss.srv.user)) == 1
	okPass := subtle.ConstantTimeCompare([]byte(pass), []byte(ss.srv.pass)) == 1
	if !okUser || !okPass || (parts[0] != "" && parts[0] != user) {
		ss.reply(535, "5.7.8 Authentication credentials invalid")
		return
	}
	ss.authUser = user
	ss.reply(235, "2.7.0 Authentication successful")
}

var errTooBig = errors.New("message too big")

// readData reads a DATA payload up to the lone "." line, undoing dot-stuffing
// and keeping line endings as sent.
func (ss *session) readData() ([]byte, error) {
	var buf bytes.Buffer
	tooBig := false
	for {
		_ = ss.raw.SetReadDeadline(time.Now().Add(idleTimeout))
		line, err := ss.r.ReadBytes('\n')
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if bytes.Equal(line, []byte(".\r\n")) || bytes.Equal(line, []byte(".\n")) {
			break
		}
		if line[0] == '.' {
			line = line[1:]
		}
		if buf.Len()+len(line) > MaxMessageSize {
			tooBig = true
			continue // keep reading to the end of the data
		}
		buf.Write(line)
	}
	if tooBig {
		return nil, errTooBig
	}
	return buf.Bytes(), nil
}

// pathArg extracts the address from "FROM:<addr> PARAMS" or "TO:<addr>".
func pathArg(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimSpace(arg[len(prefix):])
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}

// takeFail returns *code and clears it.
func (s *Server) takeFail(code *int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *code
	*code = 0
	return c
}

func failText(code int) string {
	return fmt.Sprintf("%d.0.0 Simulated failure (smtptest)", code/100)
}

func (s *Server) add(m Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// selfSigned makes a TLS configuration with a fresh self-signed certificate
// for 127.0.0.1, ::1 and localhost.
func selfSigned() (*tls.Config, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}
	return cfg, cert, nil
}
