package kit

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/mail"
)

const (
	// SessionCookie names the session cookie.
	SessionCookie = "implique_session"
	// LangCookie holds the language a person chose.
	LangCookie = "implique_lang"
	// DeviceCookie names the device cookie (see the sign-in limits).
	DeviceCookie = "implique_device"
	// magicLinkPerIP is how many sign-in links one address may ask for in
	// LimitWindow; magicLinksPerHour, how many are e-mailed to one account.
	magicLinkPerIP    = 20
	magicLinksPerHour = 3
)

// SetSessionCookie gives the browser its session.
func (s *Kit) SetSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(auth.SessionTTL / time.Second)})
}

// ClearSessionCookie ends the browser's session.
func (s *Kit) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// Device returns the name of this browser's device cookie when it is a
// valid one for u.
func (s *Kit) Device(r *http.Request, u *auth.User) string {
	c, err := r.Cookie(DeviceCookie)
	if err != nil || u == nil {
		return ""
	}
	dev, ok, err := s.Deps.Auth.Device(r.Context(), c.Value, u.ID)
	if err != nil {
		s.Deps.Logger.Error("device cookie", "id", Info(r).ID, "err", err)
		return ""
	}
	if !ok {
		return ""
	}
	return dev
}

// MagicLinkLimit caps the sign-in links e-mailed to u: a few an hour, and
// as many again for the browser that holds u's device cookie.
func (s *Kit) MagicLinkLimit(r *http.Request, u *auth.User) mail.Limit {
	key := "magic-link:" + strconv.FormatInt(u.ID, 10)
	if dev := s.Device(r, u); dev != "" {
		key += ":" + dev
	}
	return mail.Limit{Key: key, Max: magicLinksPerHour, Per: time.Hour}
}

// AllowMagicLink counts a request for a sign-in link from this address;
// over the limit it answers 429 and returns false.
func (s *Kit) AllowMagicLink(w http.ResponseWriter, r *http.Request) bool {
	_, blocked := s.Attempt(w, r, Bucket{Key: "magic-link-ip:" + s.ClientIP(r), Limit: magicLinkPerIP})
	return !blocked
}

// QueueMagicLink issues a one-time sign-in token and queues the e-mail
// with its link, inside tx (both, or neither); at most magicLinksPerHour an
// hour (see MagicLinkLimit).
func (s *Kit) QueueMagicLink(r *http.Request, tx *db.Tx, u *auth.User, back string) error {
	ri := Info(r)
	tok, err := s.Deps.Auth.IssueTokenTx(r.Context(), tx, u.ID, auth.PurposeLogin, auth.MagicLinkTTL)
	if err != nil {
		return err
	}
	q := url.Values{"jeton": {tok}}
	if back != "" {
		q.Set("retour", back)
	}
	link := s.Cfg.BaseURL + "/connexion/lien?" + q.Encode()
	lang := ri.Lang
	t := ri.Territory
	text := s.Cat.T(lang, "mail.magic.body", u.DisplayName(), t.Name, link, int(auth.MagicLinkTTL/time.Minute)) +
		"\n\n-- \n" + t.MailFooter()
	_, err = s.Deps.Mailer.QueueTx(r.Context(), tx, t.ID, mail.Message{
		To:      u.Email,
		Subject: s.Cat.T(lang, "mail.magic.subject", t.Name),
		Text:    text,
		Secrets: []string{tok},
		Limit:   s.MagicLinkLimit(r, u),
	})
	return err
}
