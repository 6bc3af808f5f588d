package web

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/mail"
)

// Sign-in rate limits: per client address, and per e-mail address.
const (
	signInPerIP     = 20
	signInPerEmail  = 5
	signInWindow    = 15 * time.Minute
	magicLinkWindow = time.Hour
)

type signInPage struct {
	Base
	Back      string
	TokenErr  string
	NeedEmail bool
}

// clientIP is the address rate limits count: the TCP peer, or — when the
// peer is a trusted reverse proxy — the last address in X-Forwarded-For
// that is not one of the trusted proxies.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(s.cfg.TrustedProxies) == 0 || !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if !s.trusted(hop) {
			return hop
		}
	}
	return host
}

func (s *Server) trusted(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	p := signInPage{Base: s.base(w, r, "signin.title"), Back: localPath(r.URL.Query().Get("retour"))}
	s.render(w, r, http.StatusOK, "signin", p)
}

// limited counts a sign-in attempt from this address (and for this e-mail
// when given) and answers the 429 page when over the limit.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, email string, perEmail int, emailWindow time.Duration) bool {
	window := signInWindow
	ok, err := s.deps.Auth.Allow(r.Context(), "signin-ip:"+s.clientIP(r), signInPerIP, signInWindow)
	if err == nil && ok && email != "" {
		window = emailWindow
		ok, err = s.deps.Auth.Allow(r.Context(), "signin-email:"+auth.NormalizeEmail(email), perEmail, emailWindow)
	}
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	if !ok {
		s.tooMany(w, r, window)
		return true
	}
	return false
}

// requestMagicLink sends a sign-in link when the address has an account.
// The answer is the same either way, so it does not tell who has one.
func (s *Server) requestMagicLink(w http.ResponseWriter, r *http.Request) {
	email := auth.NormalizeEmail(r.PostFormValue("email"))
	back := localPath(r.PostFormValue("retour"))
	if email == "" || !strings.Contains(email, "@") || len(email) > 254 {
		p := signInPage{Base: s.base(w, r, "signin.title"), Back: back}
		p.Form = r.PostForm
		p.Errors = map[string]string{"email": "errors.email"}
		s.render(w, r, http.StatusUnprocessableEntity, "signin", p)
		return
	}
	if s.limited(w, r, email, signInPerEmail, magicLinkWindow) {
		return
	}
	u, err := s.deps.Auth.UserByEmail(r.Context(), email)
	switch {
	case errs.Is(err, errs.NotFound):
		// Nothing to send; say the same thing.
	case err != nil:
		s.fail(w, r, err)
		return
	case !u.Disabled():
		if err := s.deps.DB.InTx(r.Context(), func(tx *db.Tx) error { return s.queueMagicLink(r, tx, u, back) }); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.redirect(w, r, "/connexion/courriel-envoye")
}

// queueMagicLink issues a one-time sign-in token and queues the e-mail
// with its link, inside tx (both, or neither).
func (s *Server) queueMagicLink(r *http.Request, tx *db.Tx, u *auth.User, back string) error {
	ri := info(r)
	tok, err := s.deps.Auth.IssueTokenTx(r.Context(), tx, u.ID, auth.PurposeLogin, auth.MagicLinkTTL)
	if err != nil {
		return err
	}
	q := url.Values{"jeton": {tok}}
	if back != "" {
		q.Set("retour", back)
	}
	link := s.cfg.BaseURL + "/connexion/lien?" + q.Encode()
	lang := ri.lang
	t := ri.territory
	text := s.cat.T(lang, "mail.magic.body", u.DisplayName(), t.Name, link, int(auth.MagicLinkTTL/time.Minute)) +
		"\n\n-- \n" + t.MailFooter()
	_, err = s.deps.Mailer.QueueTx(r.Context(), tx, t.ID, mail.Message{
		To:      u.Email,
		Subject: s.cat.T(lang, "mail.magic.subject", t.Name),
		Text:    text,
	})
	return err
}

func (s *Server) magicLinkSent(w http.ResponseWriter, r *http.Request) {
	p := signInPage{Base: s.base(w, r, "signin.sent_title")}
	s.render(w, r, http.StatusOK, "signin_sent", p)
}

// magicLinkLanding shows a button that uses the token: mail scanners that
// open links do not sign anyone in, nor spend the token.
func (s *Server) magicLinkLanding(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("jeton")
	p := signInPage{Base: s.base(w, r, "signin.landing_title"), Back: localPath(r.URL.Query().Get("retour"))}
	w.Header().Set("Referrer-Policy", "no-referrer")
	if err := s.deps.Auth.CheckToken(r.Context(), tok, auth.PurposeLogin); err != nil {
		if e, ok := errs.As(err); ok {
			p.TokenErr = e.Key
			p.Title = p.T("signin.link_problem")
			s.render(w, r, statusOf(e.Code), "signin", p)
			return
		}
		s.fail(w, r, err)
		return
	}
	p.Form = url.Values{"jeton": {tok}}
	s.render(w, r, http.StatusOK, "signin_landing", p)
}

func (s *Server) useMagicLink(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, "", 0, 0) {
		return
	}
	u, err := s.deps.Auth.UseToken(r.Context(), r.PostFormValue("jeton"), auth.PurposeLogin)
	if err != nil {
		if e, ok := errs.As(err); ok {
			p := signInPage{Base: s.base(w, r, "signin.link_problem"), TokenErr: e.Key}
			s.render(w, r, statusOf(e.Code), "signin", p)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.startSession(w, r, u, localPath(r.PostFormValue("retour")))
}

func (s *Server) signInPassword(w http.ResponseWriter, r *http.Request) {
	email := r.PostFormValue("email")
	back := localPath(r.PostFormValue("retour"))
	if s.limited(w, r, email, 10, signInWindow) {
		return
	}
	u, err := s.deps.Auth.Authenticate(r.Context(), email, r.PostFormValue("password"))
	if err != nil {
		if e, ok := errs.As(err); ok {
			p := signInPage{Base: s.base(w, r, "signin.title"), Back: back}
			p.Form = url.Values{"email": {email}}
			p.Errors = map[string]string{"password": e.Key}
			s.render(w, r, statusOf(e.Code), "signin", p)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.startSession(w, r, u, back)
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *auth.User, back string) {
	tok, err := s.deps.Auth.CreateSession(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, tok)
	if back == "" {
		back = "/compte"
		roles, err := s.deps.Auth.RolesOf(r.Context(), u.ID, info(r).territory.ID)
		if err == nil && auth.Can(auth.Principal{User: u, TerritoryID: info(r).territory.ID, Roles: roles},
			auth.ViewStaffArea, auth.Resource{TerritoryID: info(r).territory.ID}) {
			back = "/admin"
		}
	}
	s.flash(w, "flash.signed_in")
	s.redirect(w, r, back)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if tok := info(r).session; tok != "" {
		if err := s.deps.Auth.DeleteSession(r.Context(), tok); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	s.flash(w, "flash.signed_out")
	s.redirect(w, r, "/")
}
