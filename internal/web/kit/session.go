package kit

import (
	"net/http"
	"time"

	"implique/internal/auth"
)

// SessionCookie names the session cookie.
const SessionCookie = "implique_session"

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
