package account

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/web/kit"
)

// Sign-in limits. Their aim is to slow an attacker down without letting
// anyone lock a person out of their account:
//
//   - a successful attempt never counts: each attempt is counted before it
//     is checked (so that guesses sent in parallel cannot slip under the
//     limit) and forgiven when it turns out right;
//   - wrong passwords count per client address (signInPerIP) and per client
//     address and account (signInPerIPAccount);
//   - a browser where the account signed in before holds a device cookie
//     (OWASP « device cookies »: signed, HttpOnly, naming the account). Its
//     wrong passwords count in that device's own bucket (signInPerDevice),
//     which nobody else can fill; every other browser shares the account's
//     bucket (signInPerAccount), which only slows guesses from unknown
//     browsers. An attacker who fills it from many addresses blocks neither
//     the owner's own browser nor the magic link;
//   - a magic link can always be asked for: requests count per client
//     address only (magicLinkPerIP), and the e-mails are capped per account
//     (magicLinksPerHour, counted apart for a browser with the account's
//     device cookie), which protects the mailbox; the page answers the same
//     whether a message left or not. Using a link that was sent is never
//     blocked by a per-account counter: only links that do not work count,
//     per client address (linkUsesPerIP).
//
// Buckets live in the database (every server process shares them) under
// keys hashed with an instance secret; see auth.Store.Allow.
const (
	signInPerIP        = 20
	signInPerIPAccount = 5
	signInPerAccount   = 10
	signInPerDevice    = 5
	signInWindow       = kit.LimitWindow
)

// deviceCookieTTL is how long a device cookie lives: a year.
const deviceCookieTTL = 365 * 24 * time.Hour

type signInPage struct {
	kit.Base
	Back      string
	TokenErr  string
	NeedEmail bool
}

func (s *Handlers) SignInForm(w http.ResponseWriter, r *http.Request) {
	p := signInPage{Base: s.Page(w, r, "signin.title"), Back: kit.LocalPath(r.URL.Query().Get("retour"))}
	s.Render(w, r, http.StatusOK, "signin", p)
}

// RequestMagicLink sends a sign-in link when the address has an account.
// The answer is the same either way, so it does not tell who has one.
func (s *Handlers) RequestMagicLink(w http.ResponseWriter, r *http.Request) {
	email := auth.NormalizeEmail(r.PostFormValue("email"))
	back := kit.LocalPath(r.PostFormValue("retour"))
	if email == "" || !strings.Contains(email, "@") || len(email) > 254 {
		p := signInPage{Base: s.Page(w, r, "signin.title"), Back: back}
		p.Form = r.PostForm
		p.Errors = map[string]string{"email": "errors.email"}
		s.Render(w, r, http.StatusUnprocessableEntity, "signin", p)
		return
	}
	if !s.AllowMagicLink(w, r) {
		return
	}
	u, err := s.Deps.Auth.UserByEmail(r.Context(), email)
	switch {
	case errs.Is(err, errs.NotFound):
		// Nothing to send; say the same thing.
	case err != nil:
		s.Fail(w, r, err)
		return
	case !u.Disabled():
		if err := s.Deps.DB.InTx(r.Context(), func(tx *db.Tx) error { return s.QueueMagicLink(r, tx, u, back) }); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	s.Redirect(w, r, "/connexion/courriel-envoye")
}

func (s *Handlers) MagicLinkSent(w http.ResponseWriter, r *http.Request) {
	p := signInPage{Base: s.Page(w, r, "signin.sent_title")}
	s.Render(w, r, http.StatusOK, "signin_sent", p)
}

// MagicLinkLanding shows a button that uses the token: mail scanners that
// open links do not sign anyone in, nor spend the token.
func (s *Handlers) MagicLinkLanding(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("jeton")
	p := signInPage{Base: s.Page(w, r, "signin.landing_title"), Back: kit.LocalPath(r.URL.Query().Get("retour"))}
	w.Header().Set("Referrer-Policy", "no-referrer")
	if err := s.Deps.Auth.CheckToken(r.Context(), tok, auth.PurposeLogin); err != nil {
		if e, ok := errs.As(err); ok {
			p.TokenErr = e.Key
			p.Title = p.T("signin.link_problem")
			s.Render(w, r, kit.StatusOf(e.Code), "signin", p)
			return
		}
		s.Fail(w, r, err)
		return
	}
	p.Form = url.Values{"jeton": {tok}}
	s.Render(w, r, http.StatusOK, "signin_landing", p)
}

func (s *Handlers) UseMagicLink(w http.ResponseWriter, r *http.Request) {
	counted, blocked := s.LinkUse(w, r)
	if blocked {
		return
	}
	u, err := s.Deps.Auth.UseToken(r.Context(), r.PostFormValue("jeton"), auth.PurposeLogin)
	if err != nil {
		if e, ok := errs.As(err); ok {
			p := signInPage{Base: s.Page(w, r, "signin.link_problem"), TokenErr: e.Key}
			s.Render(w, r, kit.StatusOf(e.Code), "signin", p)
			return
		}
		s.Fail(w, r, err)
		return
	}
	s.Forgive(r, counted)
	s.startSession(w, r, u, kit.LocalPath(r.PostFormValue("retour")))
}

func (s *Handlers) SignInPassword(w http.ResponseWriter, r *http.Request) {
	email := r.PostFormValue("email")
	back := kit.LocalPath(r.PostFormValue("retour"))
	account := auth.NormalizeEmail(email)
	ip := s.ClientIP(r)
	buckets := []kit.Bucket{{Key: "signin-ip:" + ip, Limit: signInPerIP}, {Key: "signin-ip-account:" + ip + " " + account, Limit: signInPerIPAccount}}
	owner, err := s.Deps.Auth.UserByEmail(r.Context(), account)
	if err != nil && !errs.Is(err, errs.NotFound) {
		s.Fail(w, r, err)
		return
	}
	if dev := s.Device(r, owner); dev != "" {
		buckets = append(buckets, kit.Bucket{Key: "signin-device:" + dev, Limit: signInPerDevice})
	} else {
		// Unknown e-mails too, so that the answer does not tell which have an account.
		buckets = append(buckets, kit.Bucket{Key: "signin-account:" + account, Limit: signInPerAccount})
	}
	counted, blocked := s.Attempt(w, r, buckets...)
	if blocked {
		return
	}
	u, err := s.Deps.Auth.Authenticate(r.Context(), email, r.PostFormValue("password"))
	if err != nil {
		if e, ok := errs.As(err); ok {
			p := signInPage{Base: s.Page(w, r, "signin.title"), Back: back}
			p.Form = url.Values{"email": {email}}
			p.Errors = map[string]string{"password": e.Key}
			s.Render(w, r, kit.StatusOf(e.Code), "signin", p)
			return
		}
		s.Fail(w, r, err)
		return
	}
	s.Forgive(r, counted)
	s.startSession(w, r, u, back)
}

func (s *Handlers) startSession(w http.ResponseWriter, r *http.Request, u *auth.User, back string) {
	tok, err := s.Deps.Auth.CreateSession(r.Context(), u.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.SetSessionCookie(w, tok)
	s.setDeviceCookie(w, r, u)
	if back == "" {
		back = "/compte"
		roles, err := s.Deps.Auth.RolesOf(r.Context(), u.ID, kit.Info(r).Territory.ID)
		if err == nil && auth.Can(auth.Principal{User: u, TerritoryID: kit.Info(r).Territory.ID, Roles: roles},
			auth.ViewStaffArea, auth.Resource{TerritoryID: kit.Info(r).Territory.ID}) {
			back = "/admin"
		}
	}
	s.Confirm(w, r, "flash.signed_in", back)
}

// setDeviceCookie gives the browser where u just signed in a device
// cookie of u's (a new one each time). Failing to make one is logged: the
// person is signed in all the same.
func (s *Handlers) setDeviceCookie(w http.ResponseWriter, r *http.Request, u *auth.User) {
	v, err := s.Deps.Auth.DeviceCookie(r.Context(), u.ID)
	if err != nil {
		s.Deps.Logger.Error("device cookie", "id", kit.Info(r).ID, "err", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: kit.DeviceCookie, Value: v, Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(deviceCookieTTL / time.Second)})
}

func (s *Handlers) SignOut(w http.ResponseWriter, r *http.Request) {
	if tok := kit.Info(r).Session; tok != "" {
		if err := s.Deps.Auth.DeleteSession(r.Context(), tok); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	s.ClearSessionCookie(w)
	s.Confirm(w, r, "flash.signed_out", "/")
}
