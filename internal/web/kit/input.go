package kit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"implique/internal/committee"
	"implique/internal/comms"
	"implique/internal/community"
	"implique/internal/files"
	"implique/internal/funding"
	"implique/internal/installation"
	"implique/internal/orgs"
)

// What a request may send. Text is checked once, here, before any handler
// reads it: a field that is not valid UTF-8 or holds NUL or another control
// character (tab and line breaks aside) is refused with a clear message and
// nothing is stored — it is never repaired behind the person's back.
const (
	// formLimit is the most a form without files may send.
	formLimit = 1_000_000
	// jsonLimit is the most a JSON body of the API may send.
	jsonLimit = 64_000
	// multipartMemory is what a multipart form keeps in memory; the rest of
	// its files waits in temporary files.
	multipartMemory = 1 << 20
)

// upload is a form that carries a file: the largest file it takes, and
// what to say when a file is larger.
type upload struct {
	max int64
	key string
}

// uploads are the routes whose forms carry a file. Their body may hold the
// file and a form's worth of text besides.
var uploads = map[string]upload{
	"POST /communautes/{slug}/ressources":    {community.MaxFileSize, "errors.file_too_big"},
	"POST /admin/organismes/{id}/politiques": {orgs.MaxDocumentBytes, "errors.org_document_size"},
	"POST /mes-organismes/{id}/politiques":   {orgs.MaxDocumentBytes, "errors.org_document_size"},
	"POST /admin/importer-organismes":        {orgs.MaxImportBytes, "errors.org_import_size"},
	"POST /admin/financement/{id}/documents": {funding.MaxFileSize, "errors.file_too_big"},
	"POST /admin/comite/documents":           {committee.MaxFileSize, "errors.file_too_big"},
	"POST /installation/territoires":         {installation.MaxPlacesBytes, "errors.places_too_big"},

	// The content calendar's items and their picture.
	"POST /admin/communications/calendrier/elements":      {comms.MaxImageSize, "errors.file_too_big"},
	"POST /admin/communications/calendrier/elements/{id}": {comms.MaxImageSize, "errors.file_too_big"},
	"POST /admin/communications/recits":                   {comms.MaxImageSize, "errors.file_too_big"},
	"POST /admin/communications/recits/{id}":              {comms.MaxImageSize, "errors.file_too_big"},
}

// Readable reports whether s is text a person could have typed (the one
// rule, files.Readable, that imported files are held to as well).
func Readable(s string) bool { return files.Readable(s) }

// readableValues reports whether every name and value of v is readable.
func readableValues(v url.Values) bool {
	for k, vs := range v {
		if !Readable(k) {
			return false
		}
		for _, s := range vs {
			if !Readable(s) {
				return false
			}
		}
	}
	return true
}

// readableJSON reports whether every string of a decoded JSON value (the
// names of its members included) is readable.
func readableJSON(v any) bool {
	switch x := v.(type) {
	case string:
		return Readable(x)
	case []any:
		for _, e := range x {
			if !readableJSON(e) {
				return false
			}
		}
	case map[string]any:
		for k, e := range x {
			if !Readable(k) || !readableJSON(e) {
				return false
			}
		}
	}
	return true
}

func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// WithReadableInput checks what every request sends before its handler
// runs: the address and its query string and, for a form, every field
// (parsed here, once, within the route's size limit: a form of text, or
// one that carries a file); for the JSON API, the raw body. An unreadable
// field answers 400, a body over the limit 413, in the person's language.
// mux tells which route a request goes to, for the routes that take files.
func (s *Kit) WithReadableInput(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !Readable(r.URL.Path) {
			s.NotFound(w, r) // no page has such an address
			return
		}
		query, _ := url.ParseQuery(r.URL.RawQuery) // a broken pair is dropped, as handlers read it
		if !readableValues(query) {
			s.Unreadable(w, r)
			return
		}
		if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
			next.ServeHTTP(w, r)
			return
		}
		if IsAPI(r) {
			if s.checkJSONBody(w, r) {
				next.ServeHTTP(w, r)
			}
			return
		}
		_, pattern := mux.Handler(r)
		up, withFile := uploads[pattern]
		limit := int64(formLimit)
		if withFile {
			limit += up.max
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		var err error
		if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(multipartMemory)
			if r.MultipartForm != nil {
				// The server removes the temporary files of its own request
				// only; this one is a copy (each middleware adds to its context).
				defer r.MultipartForm.RemoveAll()
			}
		} else {
			err = r.ParseForm()
		}
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig) && withFile:
			lang := Info(r).Lang
			s.RenderMessage(w, r, http.StatusRequestEntityTooLarge, s.Cat.T(lang, up.key)+" "+s.Cat.T(lang, "errors.upload_not_saved"))
			return
		case errors.As(err, &tooBig):
			s.TooLarge(w, r, "errors.form_too_large", formLimit)
			return
		case err != nil:
			s.Unreadable(w, r)
			return
		}
		ok := readableValues(r.Form)
		if r.MultipartForm != nil {
			for name, files := range r.MultipartForm.File {
				ok = ok && Readable(name)
				for _, f := range files {
					ok = ok && Readable(f.Filename)
				}
			}
		}
		if !ok {
			s.Unreadable(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkJSONBody reads the body of an API request whole (up to jsonLimit)
// and checks it is UTF-8 text whose strings hold no control characters;
// the handler then reads the same bytes. encoding/json would quietly turn
// invalid bytes into U+FFFD: the raw body is checked first.
func (s *Kit) checkJSONBody(w http.ResponseWriter, r *http.Request) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, jsonLimit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.TooLarge(w, r, "errors.body_too_large", jsonLimit)
		return false
	case err != nil:
		s.Unreadable(w, r)
		return false
	}
	if !Readable(string(body)) {
		s.Unreadable(w, r)
		return false
	}
	var v any
	if json.Unmarshal(body, &v) == nil && !readableJSON(v) {
		s.Unreadable(w, r)
		return false
	}
	// Not JSON at all: the handler says so in its own words.
	r.Body = io.NopCloser(bytes.NewReader(body))
	return true
}

// Unreadable answers a request with a field that cannot be read as text.
func (s *Kit) Unreadable(w http.ResponseWriter, r *http.Request) {
	key := "errors.text_unreadable"
	if IsAPI(r) {
		key = "errors.api_text_unreadable"
	}
	s.RenderError(w, r, http.StatusBadRequest, key)
}

// TooLarge answers a request whose body is over its limit; key takes the
// limit, as a size (« 1 Mo »).
func (s *Kit) TooLarge(w http.ResponseWriter, r *http.Request, key string, limit int64) {
	b := Base{Lang: Info(r).Lang, cat: s.Cat}
	size := b.Size(limit)
	if limit%1_000_000 == 0 {
		size = b.T("layout.size_mb", b.Number(limit/1_000_000))
	}
	s.RenderError(w, r, http.StatusRequestEntityTooLarge, key, size)
}
