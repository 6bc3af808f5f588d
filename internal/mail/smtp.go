package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Sender delivers one message. Defined here because the outbox and jobs use it.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// DefaultSMTPTimeout bounds a whole SMTP delivery when SMTPConfig.Timeout is zero.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPConfig is where and how to deliver mail. Build it with ParseSMTPURL.
type SMTPConfig struct {
	Host               string
	Port               int
	Username, Password string // AUTH PLAIN when Username is set
	ImplicitTLS        bool   // smtps: TLS from the first byte
	RequireStartTLS    bool   // fail unless the server offers STARTTLS
	From               string // default sender, used when Message.From is empty
	InsecureSkipVerify bool   // do not verify the server certificate (tests only)
	Timeout            time.Duration
}

// String describes c without its password, so that it can be logged.
func (c SMTPConfig) String() string {
	scheme := "smtp"
	if c.ImplicitTLS {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port))}
	if c.Username != "" {
		u.User = url.UserPassword(c.Username, "xxxxx")
	}
	q := url.Values{}
	if c.RequireStartTLS {
		q.Set("starttls", "required")
	}
	if c.From != "" {
		q.Set("from", c.From)
	}
	if c.InsecureSkipVerify {
		q.Set("insecure_skip_verify", "1")
	}
	if c.Timeout != 0 {
		q.Set("timeout", c.Timeout.String())
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// GoString is String, so that %#v does not print the password either.
func (c SMTPConfig) GoString() string { return c.String() }

const smtpURLForms = "smtp://user:pass@host:587, smtps://user:pass@host:465 or smtp://host:25"

// URLError is a problem with an SMTP URL: a plain-English line (Error), and
// a catalog key with its arguments, so that the command line can say it in
// the operator's language. Neither ever holds the password.
type URLError struct {
	Key  string // a key of the catalogs, e.g. "smtp_url.no_host"
	Args []any
	msg  string
}

func (e *URLError) Error() string { return e.msg }

func urlErr(key, format string, args ...any) error {
	return &URLError{Key: key, Args: args, msg: fmt.Sprintf(format, args...)}
}

// ParseSMTPURL parses IMPLIQUE_SMTP_URL:
//
//	smtp://user:pass@host:587   STARTTLS when the server offers it (required with ?starttls=required)
//	smtps://user:pass@host:465  implicit TLS
//	smtp://host:25              no authentication
//
// The port defaults to 25 for smtp and 465 for smtps. Special characters in
// the user name or password must be percent-encoded. Query parameters:
// from (default sender address), starttls=required, timeout (a Go
// duration such as 10s) and insecure_skip_verify=1 (tests only).
// Errors are *URLError: one plain-English line, never with the password.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	var cfg SMTPConfig
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return cfg, urlErr("smtp_url.empty", "SMTP URL is empty; expected "+smtpURLForms)
	}
	// The url package's errors quote the whole URL, password included, so
	// they are never returned as is.
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(err.Error(), "invalid port") {
			return cfg, urlErr("smtp_url.port_nan", "SMTP URL has a port that is not a number")
		}
		return cfg, urlErr("smtp_url.invalid", "SMTP URL is not a valid URL (percent-encode special characters in the user name and password); expected "+smtpURLForms)
	}
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		cfg.Port = 25
	case "smtps":
		cfg.ImplicitTLS = true
		cfg.Port = 465
	case "":
		return cfg, urlErr("smtp_url.no_scheme", "SMTP URL has no scheme; expected "+smtpURLForms)
	default:
		return cfg, urlErr("smtp_url.scheme", "SMTP URL has unknown scheme %q; use smtp or smtps", u.Scheme)
	}
	if u.Opaque != "" {
		return cfg, urlErr("smtp_url.opaque", "SMTP URL must start with smtp:// or smtps://")
	}
	cfg.Host = u.Hostname()
	if cfg.Host == "" {
		return cfg, urlErr("smtp_url.no_host", "SMTP URL has no host; expected "+smtpURLForms)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return cfg, urlErr("smtp_url.port_range", "SMTP URL port %q is not between 1 and 65535", p)
		}
		cfg.Port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return cfg, urlErr("smtp_url.port_empty", "SMTP URL has an empty port after the host")
	}
	if u.Path != "" && u.Path != "/" {
		return cfg, urlErr("smtp_url.path", "SMTP URL has an unexpected path %q", u.Path)
	}
	if u.Fragment != "" {
		return cfg, urlErr("smtp_url.fragment", "SMTP URL has an unexpected #fragment")
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		pass, ok := u.User.Password()
		switch {
		case cfg.Username == "":
			return cfg, urlErr("smtp_url.no_user", "SMTP URL has a password but no user name")
		case !ok || pass == "":
			return cfg, urlErr("smtp_url.no_password", "SMTP URL has user name %q but no password", cfg.Username)
		}
		cfg.Password = pass
	}

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return cfg, urlErr("smtp_url.query", "SMTP URL has a malformed query string")
	}
	for key, vals := range q {
		if len(vals) != 1 {
			return cfg, urlErr("smtp_url.param_twice", "SMTP URL parameter %q is given more than once", key)
		}
		v := vals[0]
		switch key {
		case "from":
			if err := checkHeaderValue("from", v); err != nil {
				return cfg, urlErr("smtp_url.from_break", "SMTP URL parameter from contains a line break or invalid UTF-8")
			}
			if _, err := parseAddress(v); err != nil {
				return cfg, urlErr("smtp_url.from", "SMTP URL parameter from=%q is not a valid e-mail address", v)
			}
			cfg.From = v
		case "starttls":
			switch strings.ToLower(v) {
			case "required", "require", "true", "1", "yes":
				cfg.RequireStartTLS = true
			case "auto", "opportunistic", "optional", "":
				cfg.RequireStartTLS = false
			default:
				return cfg, urlErr("smtp_url.starttls", "SMTP URL parameter starttls=%q is not understood; use starttls=required", v)
			}
			if cfg.RequireStartTLS && cfg.ImplicitTLS {
				return cfg, urlErr("smtp_url.starttls_smtps", "SMTP URL parameter starttls=required cannot be used with smtps, which is already encrypted")
			}
		case "insecure_skip_verify":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return cfg, urlErr("smtp_url.insecure", "SMTP URL parameter insecure_skip_verify=%q is not 0 or 1", v)
			}
			cfg.InsecureSkipVerify = b
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return cfg, urlErr("smtp_url.timeout", "SMTP URL parameter timeout=%q is not a positive duration such as 10s", v)
			}
			cfg.Timeout = d
		default:
			return cfg, urlErr("smtp_url.param_unknown", "SMTP URL has unknown parameter %q; known ones are from, starttls, timeout and insecure_skip_verify", key)
		}
	}
	return cfg, nil
}

// SMTPSender delivers each message over its own SMTP connection.
// It is safe for concurrent use.
type SMTPSender struct {
	cfg SMTPConfig
}

var _ Sender = (*SMTPSender)(nil)

// NewSMTPSender returns a Sender that delivers through the server of cfg.
func NewSMTPSender(cfg SMTPConfig) *SMTPSender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultSMTPTimeout
	}
	return &SMTPSender{cfg: cfg}
}

// Send delivers m: it dials with ctx and the configured timeout (which bound
// the whole conversation), says EHLO, upgrades with STARTTLS when offered,
// authenticates with AUTH PLAIN (refused by net/smtp unless the connection
// is encrypted or to localhost), then MAIL FROM, RCPT TO, DATA and QUIT.
// An empty m.From is replaced by the configured default sender.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	if m.From == "" {
		m.From = s.cfg.From
	}
	data, err := m.Bytes(time.Now(), "")
	if err != nil {
		return err
	}
	from, _ := parseAddress(m.From)
	to, _ := parseAddress(m.To)

	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	if err := s.send(ctx, addr, from.Address, to.Address, data); err != nil {
		ctxErr := ctx.Err()
		if dl, ok := ctx.Deadline(); ctxErr == nil && ok && !time.Now().Before(dl) {
			// The connection deadline (ctx's) passed before ctx noticed.
			ctxErr = context.DeadlineExceeded
		}
		if ctxErr != nil && !errors.Is(err, ctxErr) {
			return fmt.Errorf("mail: sending to %s via %s: %w (%v)", to.Address, addr, ctxErr, err)
		}
		return fmt.Errorf("mail: sending to %s via %s: %w", to.Address, addr, err)
	}
	return nil
}

func (s *SMTPSender) send(ctx context.Context, addr, from, to string, data []byte) error {
	cfg := s.cfg
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultSMTPTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	dialer := net.Dialer{}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The deadline bounds every read and write; cancelling ctx moves it to
	// the past so that a blocked read or write returns at once.
	if dl, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(dl); err != nil {
			return err
		}
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	tlsConfig := &tls.Config{
		ServerName:         cfg.Host,
		InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // opt-in, for tests
		MinVersion:         tls.VersionTLS12,
	}
	var c *smtp.Client
	if cfg.ImplicitTLS {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS handshake: %w", err)
		}
		c, err = smtp.NewClient(tc, cfg.Host)
	} else {
		c, err = smtp.NewClient(conn, cfg.Host)
	}
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()

	if err := c.Hello(helloName()); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if !cfg.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("STARTTLS: %w", err)
			}
		} else if cfg.RequireStartTLS {
			return errors.New("server does not offer STARTTLS, which the configuration requires")
		}
	}
	if cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("server does not offer AUTH, but a user name is configured")
		}
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.Host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	// The message is accepted once DATA succeeded; a failing QUIT does not
	// undo that, so its error is ignored rather than causing a duplicate.
	_ = c.Quit()
	return nil
}

// helloName is the name given in EHLO: this machine's name when it looks
// like a domain name, else "localhost".
func helloName() string {
	h, err := os.Hostname()
	if err != nil || !strings.Contains(h, ".") || !validIDDomain(h) {
		return "localhost"
	}
	return h
}

// IsPermanent reports whether err means that retrying the same message will
// not help: an invalid message, or a 5xx reply from the SMTP server.
func IsPermanent(err error) bool {
	if errors.Is(err, ErrInvalidMessage) {
		return true
	}
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}
