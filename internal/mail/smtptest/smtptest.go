// Package smtptest runs a real SMTP server on 127.0.0.1 for tests, built on
// github.com/emersion/go-smtp.
//
// It offers EHLO/HELO, optional STARTTLS or implicit TLS (with a self-signed
// certificate made in memory), optional AUTH PLAIN, MAIL, RCPT, DATA (with
// dot-unstuffing), RSET, NOOP and QUIT. Every accepted message is kept and
// can be read with Messages or WaitFor.
package smtptest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
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
	TLS      bool          // the message came over TLS (STARTTLS or implicit)
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
	cert        *x509.Certificate

	smtp      *smtp.Server
	ln        net.Listener
	served    chan struct{} // closed when the accept loop has returned
	closeOnce sync.Once

	mu       sync.Mutex
	closed   bool
	conns    map[net.Conn]struct{} // open TCP connections
	msgs     []Received
	arrived  chan struct{} // closed and replaced whenever a message arrives
	failRcpt int
	failData int
}

// Start starts a server listening on 127.0.0.1 on a free port. It is closed
// when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{conns: map[net.Conn]struct{}{}, arrived: make(chan struct{}), served: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "127.0.0.1"
	srv.MaxMessageBytes = MaxMessageSize
	srv.MaxLineLength = MaxMessageSize // lenient: only the message size is bounded
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = idleTimeout, idleTimeout
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.smtp = srv

	var tlsConfig *tls.Config
	if s.startTLS || s.implicitTLS {
		cfg, cert, err := selfSigned()
		if err != nil {
			t.Fatalf("smtptest: making certificate: %v", err)
		}
		tlsConfig, s.cert = cfg, cert
	}
	if s.startTLS {
		srv.TLSConfig = tlsConfig
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.ln = listener{ln, s}
	if s.implicitTLS {
		s.ln = tls.NewListener(s.ln, tlsConfig)
	}
	go func() {
		defer close(s.served)
		_ = srv.Serve(s.ln)
	}()
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
		m.Parsed, _ = mail.ReadMessage(bytes.NewReader(m.Data))
		out[i] = m
	}
	return out
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
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.ln.Close()
		<-s.served // no connection is accepted from now on
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		_ = s.smtp.Shutdown(context.Background()) // waits for the connections' goroutines
	})
}

// listener keeps track of the TCP connections it accepts, so that Close can
// cut them even in the middle of a TLS handshake or of DATA.
type listener struct {
	net.Listener
	s *Server
}

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	if l.s.closed {
		c.Close()
		return nil, net.ErrClosed
	}
	l.s.conns[c] = struct{}{}
	return trackedConn{c, l.s}, nil
}

// trackedConn forgets itself when closed.
type trackedConn struct {
	net.Conn
	s *Server
}

func (c trackedConn) Close() error {
	c.s.mu.Lock()
	delete(c.s.conns, c.Conn)
	c.s.mu.Unlock()
	return c.Conn.Close()
}

// session is one client conversation, from EHLO (and again after STARTTLS).
type session struct {
	srv      *Server
	tls      bool
	authUser string
	from     string
	inMail   bool
	rcpts    []string
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{srv: s, tls: isTLS}, nil
}

func reply(code int, enhanced smtp.EnhancedCode, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: msg}
}

// AuthMechanisms offers PLAIN until the client has authenticated.
func (ss *session) AuthMechanisms() []string {
	if ss.srv.user == "" || ss.authUser != "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	switch {
	case ss.srv.user == "":
		return nil, smtp.ErrAuthUnsupported
	case ss.inMail:
		return nil, reply(503, smtp.EnhancedCode{5, 5, 1}, "AUTH not allowed during a mail transaction")
	case !strings.EqualFold(mech, sasl.Plain):
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		okUser := subtle.ConstantTimeCompare([]byte(user), []byte(ss.srv.user)) == 1
		okPass := subtle.ConstantTimeCompare([]byte(pass), []byte(ss.srv.pass)) == 1
		if !okUser || !okPass || (identity != "" && identity != user) {
			return smtp.ErrAuthFailed
		}
		ss.authUser = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	switch {
	case ss.srv.user != "" && ss.authUser == "":
		return reply(530, smtp.EnhancedCode{5, 7, 0}, "Authentication required")
	case ss.inMail:
		return reply(503, smtp.EnhancedCode{5, 5, 1}, "Nested MAIL command")
	}
	ss.from, ss.inMail = from, true
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if code := ss.srv.takeFail(&ss.srv.failRcpt); code != 0 {
		return simulated(code)
	}
	ss.rcpts = append(ss.rcpts, to)
	return nil
}

// Data reads the whole message (go-smtp answers 552 past MaxMessageSize),
// then keeps it unless FailNextData asked for a failure.
func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if code := ss.srv.takeFail(&ss.srv.failData); code != 0 {
		return simulated(code)
	}
	ss.srv.add(Received{From: ss.from, To: ss.rcpts, Data: data, TLS: ss.tls, AuthUser: ss.authUser})
	return nil
}

func (ss *session) Reset() { ss.from, ss.inMail, ss.rcpts = "", false, nil }

func (ss *session) Logout() error { return nil }

// takeFail returns *code and clears it.
func (s *Server) takeFail(code *int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *code
	*code = 0
	return c
}

// simulated is the failure FailNext and FailNextData ask for; its enhanced
// code is X.0.0.
func simulated(code int) error {
	return reply(code, smtp.EnhancedCodeNotSet, "Simulated failure (smtptest)")
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
