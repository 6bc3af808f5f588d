// Package installation serves the installation administrator's page: the
// territories of the installation with their hosts and counts, a form to
// add one and a form per territory to change its host. Nobody else opens
// it — a territory's administrators included.
package installation

import (
	"embed"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/installation"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

// Path is the page's address.
const Path = "/installation"

type page struct {
	kit.Base
	Territories []installation.Summary
}

// HostError is the problem of the host form of the territory id, or "".
func (p page) HostError(id int64) string { return p.FieldError(hostField(id)) }

// HostValue is the host shown in the host form of t: what was typed when
// that form was refused, else its host.
func (p page) HostValue(t installation.Summary) string {
	if p.Form.Get("id") == strconv.FormatInt(t.ID, 10) {
		return p.Form.Get("new_host")
	}
	return t.Host
}

func hostField(id int64) string { return "new_host_" + strconv.FormatInt(id, 10) }

func (s *Handlers) render(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ts, err := s.Deps.Installation.Territories(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := page{Base: s.Page(w, r, "installation.title"), Territories: ts}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "installation", p)
}

// Home lists the territories, with the forms.
func (s *Handlers) Home(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageInstallation) {
		return
	}
	s.render(w, r, http.StatusOK, url.Values{"places_source": {"default"}}, nil)
}

// AddTerritory opens a territory from the form: its places are the MRC's
// or the CSV file sent.
func (s *Handlers) AddTerritory(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageInstallation) {
		return
	}
	n := installation.NewTerritory{Name: r.PostFormValue("name"), Host: r.PostFormValue("host"),
		AdminEmail: r.PostFormValue("admin"), AdminName: r.PostFormValue("admin_name"), AdminLocale: r.PostFormValue("admin_locale"),
		InstallationAdmin: r.PostFormValue("installation_admin") == "1"}
	if r.PostFormValue("places_source") == "file" {
		var file io.Reader
		if r.MultipartForm != nil {
			if fh := r.MultipartForm.File["places"]; len(fh) > 0 && fh[0].Size > 0 {
				f, err := fh[0].Open()
				if err != nil {
					s.Fail(w, r, err)
					return
				}
				defer f.Close()
				file = f
			}
		}
		if file == nil {
			s.render(w, r, http.StatusUnprocessableEntity, r.PostForm, map[string]string{"places": "installation.places_missing"})
			return
		}
		n.Places = file
	}
	_, err := s.Deps.Installation.AddTerritory(r.Context(), n)
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) { s.render(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "installation.added", Path)
}

// SetHost changes the host of the territory {id}.
func (s *Handlers) SetHost(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageInstallation) {
		return
	}
	id := kit.PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return
	}
	form := url.Values{"id": {strconv.FormatInt(id, 10)}, "new_host": {r.PostFormValue("new_host")}, "places_source": {"default"}}
	err := s.Deps.Installation.SetHost(r.Context(), id, r.PostFormValue("new_host"))
	if e, ok := errs.As(err); ok && e.Code != errs.NotFound {
		problems := map[string]string{hostField(id): e.Key}
		if k, ok := e.Fields["host"]; ok {
			problems[hostField(id)] = k
		}
		s.render(w, r, kit.StatusOf(e.Code), form, problems)
		return
	}
	s.Done(w, r, err, "installation.host_changed", Path)
}
