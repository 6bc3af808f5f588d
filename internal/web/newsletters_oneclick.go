package web

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// newsOneClickBody is the whole body of an RFC 8058 one-click
// unsubscription, which a mail program posts to the List-Unsubscribe
// address without any page.
const newsOneClickBody = "List-Unsubscribe=One-Click"

// newsOneClick lets through, without the cross-origin check, exactly one
// kind of request: a POST to a newsletter's unsubscribe address whose body
// is the one-click body. Every other request goes to protected.
func newsOneClick(open, protected http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/infolettre/desabonnement/")
		if !ok || r.Method != http.MethodPost || rest == "" || strings.Contains(rest, "/") ||
			r.ContentLength > int64(len(newsOneClickBody))+2 {
			protected.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, int64(len(newsOneClickBody))+3))
		if err != nil {
			protected.ServeHTTP(w, r)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ct := r.Header.Get("Content-Type")
		if strings.TrimRight(string(body), "\r\n") == newsOneClickBody &&
			(ct == "" || strings.HasPrefix(ct, "application/x-www-form-urlencoded")) {
			if ct == "" {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			open.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}
