package web

import (
	_ "embed"
	"encoding/json"
	"net/http"
)

//go:embed openapi.json
var openAPI []byte

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// apiError answers {"error": "..."} in the request's language.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, status int, key string) {
	writeJSON(w, status, map[string]string{"error": s.cat.T(info(r).lang, key)})
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
	places, err := s.deps.Territories.Places(r.Context(), info(r).territory.ID)
	if err != nil {
		s.fail(w, r, err)
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
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, map[string]any{"places": out})
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(openAPI)
}
