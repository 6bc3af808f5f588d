package web

import (
	_ "embed"
	"net/http"
	"slices"
	"strings"

	"implique/internal/web/kit"
)

//go:embed openapi.json
var openAPI []byte

// withAPIAccess lets pages of any site read what the API's read-only
// endpoints answer (GET and HEAD, errors included). Sign-ups are not
// opened to other sites: see apiPreflight.
func withAPIAccess(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if kit.IsAPI(r) && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		next.ServeHTTP(w, r)
	})
}

// apiPreflight answers OPTIONS (a CORS preflight) on the API's paths, by
// what mux serves there: 204 with Allow; for a read-only endpoint, leave
// for any origin, as its answers; for the sign-up (POST), no leave at all,
// so that a browser refuses to send it from a page of another site, which
// the cross-origin protection would refuse anyway (403). Servers calling
// the API send no Origin and are not concerned. A path the API does not
// serve is a 404.
func (s *Server) apiPreflight(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
			if _, pattern := mux.Handler(probe); strings.HasPrefix(pattern, m+" /api/") {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			s.NotFound(w, r)
			return
		}
		h := w.Header()
		if slices.Contains(allow, http.MethodPost) {
			h.Set("Allow", "OPTIONS, POST")
		} else {
			h.Set("Allow", "GET, HEAD, OPTIONS")
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", "GET, HEAD")
			h.Set("Access-Control-Allow-Headers", "Accept-Language")
			h.Set("Access-Control-Max-Age", "86400")
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

type apiPlace struct {
	Slug       string   `json:"slug"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Parent     *string  `json:"parent"`
	Population *int64   `json:"population"`
	Lat        *float64 `json:"lat"`
	Lon        *float64 `json:"lon"`
}

func (s *Server) apiPlaces(w http.ResponseWriter, r *http.Request) {
	places, err := s.Deps.Territories.Places(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	out := make([]apiPlace, 0, len(places))
	for _, p := range places {
		a := apiPlace{Slug: p.Slug, Name: p.Name, Kind: p.Kind, Population: p.Population, Lat: p.Lat, Lon: p.Lon}
		if p.ParentSlug != "" {
			parent := p.ParentSlug
			a.Parent = &parent
		}
		out = append(out, a)
	}
	kit.WriteJSON(w, http.StatusOK, map[string]any{"places": out})
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(openAPI)
}
