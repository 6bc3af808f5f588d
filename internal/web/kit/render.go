package kit

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/connections"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/orgs"
	"implique/internal/territory"
)

// Base is what every page knows: who asks, in which language, on which
// territory. Page data types embed it.
type Base struct {
	Lang      string
	Title     string
	Territory territory.Territory
	Principal auth.Principal
	Path      string
	Flash     string
	// Errors maps a form field to the catalog key of its problem; "" is the form as a whole.
	Errors map[string]string
	// Form holds what the person typed, to show it again.
	Form url.Values

	cat      i18n.Catalogs
	canStaff bool
	// heading is the page's title marked for its <h1>, when the title holds
	// typed text (see SetTitle).
	heading template.HTML
}

// SetTitle sets the page's title from a catalog entry whose arguments are
// typed text (a name, a title): Title for the <title> of the page, and
// PageTitle, where the typed text is marked by Typed.
func (b *Base) SetTitle(key string, typed ...string) {
	args := make([]any, len(typed))
	marked := make([]any, len(typed))
	for i, t := range typed {
		args[i], marked[i] = t, b.Typed(t)
	}
	b.Title = b.T(key, args...)
	b.heading = b.Phrase(key, marked...)
}

// SetTypedTitle sets the page's title to typed text, such as an event's
// title or a person's name.
func (b *Base) SetTypedTitle(s string) {
	b.Title = s
	b.heading = b.Typed(s)
}

// PageTitle is the page's title for its <h1> and its breadcrumb.
func (b Base) PageTitle() template.HTML {
	if b.heading != "" {
		return b.heading
	}
	return template.HTML(template.HTMLEscapeString(b.Title))
}

// T translates a catalog key.
func (b Base) T(key string, args ...any) string { return b.cat.T(b.Lang, key, args...) }

// contentLang is the language of what people type into Implique — titles,
// descriptions, names, messages, the territory's settings: the territory's
// language, French.
const contentLang = "fr"

// Typed shows text that people typed (a title, a description, a name, a
// message), a string or the template.HTML of autolink. Such text is in the
// territory's language: on a page in another language, Typed marks it
// lang="fr", so that screen readers read it as French (WCAG 3.1.2).
func (b Base) Typed(v any) template.HTML {
	var h template.HTML
	switch x := v.(type) {
	case template.HTML:
		h = x
	case string:
		h = template.HTML(template.HTMLEscapeString(x))
	case nil:
	default:
		h = template.HTML(template.HTMLEscapeString(fmt.Sprint(x)))
	}
	if h == "" || b.Lang == contentLang {
		return h
	}
	return `<span lang="` + contentLang + `">` + h + `</span>`
}

// Both shows text typed in French and, when someone translated it, in
// English: the English on an English page, else the French, marked as
// Typed marks it.
func (b Base) Both(fr, en string) template.HTML {
	if b.Lang == "en" && en != "" {
		return template.HTML(template.HTMLEscapeString(en))
	}
	return b.Typed(fr)
}

// TypedLang is Typed for an element that holds typed text only and may
// not hold a <span>, such as an <option>: the attribute lang="fr" on a
// page in another language, else nothing. Write it inside the tag:
// <option{{$.TypedLang}} value="…">.
func (b Base) TypedLang() template.HTMLAttr {
	if b.Lang == contentLang {
		return ""
	}
	return template.HTMLAttr(` lang="` + contentLang + `"`)
}

// Phrase is T for a sentence that holds typed text (of Typed) or other
// HTML: the catalog entry and the string arguments are escaped, the
// template.HTML arguments are not.
func (b Base) Phrase(key string, args ...any) template.HTML {
	safe := make([]any, len(args))
	for i, a := range args {
		switch x := a.(type) {
		case template.HTML:
			safe[i] = string(x)
		case string:
			safe[i] = template.HTMLEscapeString(x)
		default:
			safe[i] = a
		}
	}
	return template.HTML(fmt.Sprintf(template.HTMLEscapeString(b.T(key)), safe...))
}

// Quote encloses v, a string or the HTML of Typed, in the language's
// quotation marks (« v », “v”).
func (b Base) Quote(v any) template.HTML {
	var s string
	switch x := v.(type) {
	case template.HTML:
		s = string(x)
	default:
		s = template.HTMLEscapeString(fmt.Sprint(x))
	}
	return template.HTML(i18n.Quote(b.Lang, s))
}

// Phone writes a typed phone number, its extension in the page's language
// (« poste 5 », "ext. 5").
func (b Base) Phone(s string) string { return i18n.Phone(b.Lang, s) }

// OtherLang is the language the toggle offers.
func (b Base) OtherLang() string {
	if b.Lang == "en" {
		return "fr"
	}
	return "en"
}

// local converts a stored UTC time to the territory's zone.
func (b Base) local(t time.Time) time.Time { return t.In(b.Territory.Location()) }

// asTime accepts a time or a pointer to one (nil gives false).
func asTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case *time.Time:
		if t != nil {
			return *t, true
		}
	}
	return time.Time{}, false
}

// Date formats a date in the page's language (« 2 décembre 2026 »).
func (b Base) Date(v any) string {
	if t, ok := asTime(v); ok {
		return i18n.Date(b.Lang, b.local(t))
	}
	return ""
}

// DateTime formats a moment (« le 2 décembre 2026 à 18 h 30 »).
func (b Base) DateTime(v any) string {
	if t, ok := asTime(v); ok {
		return i18n.DateTime(b.Lang, b.local(t))
	}
	return ""
}

// eventCard is what the "eventcard" and "seats" templates draw.
type eventCard struct {
	Base  Base
	Event EventView
}

// ideaCard is what the "ideacard" template draws.
type ideaCard struct {
	Base Base
	Idea community.IdeaRecord
}

// communityCard is what the "communitycard" template draws.
type communityCard struct {
	Base      Base
	Community community.Community
}

// Size formats a file size (« 340 ko », « 1,2 Mo »).
func (b Base) Size(n int64) string {
	if n < 1000*1000 {
		return b.T("layout.size_kb", b.Number((n+999)/1000))
	}
	return b.T("layout.size_mb", b.Decimal(float64(n)/1e6, 1))
}

// accItem is what the "accitem" template draws: a follow-up of the
// accompaniment log, with a button when it is due.
type accItem struct {
	Base  Base
	Entry orgs.Accompaniment
	Due   bool
}

// FormField is what the "textfield" template draws.
type FormField struct {
	Name, Label, Type, Autocomplete, Value, Error string
}

// Field describes a text field of the page's form.
func (b Base) Field(name, labelKey, typ, autocomplete string) FormField {
	return FormField{Name: name, Label: b.T(labelKey), Type: typ, Autocomplete: autocomplete, Value: b.Value(name), Error: b.FieldError(name)}
}

// Checked reports whether a form field holds value (checkboxes).
func (b Base) Checked(field, value string) bool {
	for _, v := range b.Form[field] {
		if v == value {
			return true
		}
	}
	return false
}

// Number formats a whole number (« 20 404 »).
func (b Base) Number(n int64) string { return i18n.Number(b.Lang, n) }

// Int is Number for an int.
func (b Base) Int(n int) string { return i18n.Number(b.Lang, int64(n)) }

// Decimal formats a decimal number.
func (b Base) Decimal(f float64, digits int) string { return i18n.Decimal(b.Lang, f, digits) }

// SignedIn reports whether someone is signed in.
func (b Base) SignedIn() bool { return b.Principal.SignedIn() }

// CanStaff reports whether the staff area is open to this person.
func (b Base) CanStaff() bool { return b.canStaff }

// Count translates one of two keys by the count n (French puts 0 and
// 1 in the singular, English only 1), formatting n and then args.
func (b Base) Count(n int, one, other string, args ...any) string {
	return b.Plural(n, one, other, append([]any{n}, args...)...)
}

// FieldError is the translated problem of a form field, or "".
func (b Base) FieldError(field string) string {
	if k, ok := b.Errors[field]; ok {
		return b.T(k)
	}
	return ""
}

// Value is what was typed in a form field.
func (b Base) Value(field string) string { return b.Form.Get(field) }

// HasErrors reports whether the form has problems.
func (b Base) HasErrors() bool { return len(b.Errors) > 0 }

// LangURL is the address of the language toggle, coming back to this page.
func (b Base) LangURL() string {
	return "/langue/" + b.OtherLang() + "?retour=" + url.QueryEscape(b.Path)
}

func (s *Kit) Page(w http.ResponseWriter, r *http.Request, titleKey string) Base {
	ri := Info(r)
	b := Base{Lang: ri.Lang, Territory: ri.Territory, Principal: ri.Principal, Path: r.URL.RequestURI(), cat: s.Cat}
	b.canStaff = auth.Can(ri.Principal, auth.ViewStaffArea, auth.Resource{TerritoryID: ri.Territory.ID})
	if titleKey != "" {
		b.Title = b.T(titleKey)
	}
	b.Flash = s.takeFlash(w, r)
	return b
}

// page is one page template: its files, checked at start, and parsed over
// the layout on its first use. An installation serves a few dozen of its
// pages most days; parsing the others in advance would hold tens of
// megabytes of template trees for nothing.
type page struct {
	set   fs.FS
	files []string
	once  sync.Once
	t     *template.Template
}

// templates are the layout with its partials, and every page.
type templates struct {
	layout *template.Template
	pages  map[string]*page
}

// parse parses p over a copy of the layout.
func (ts *templates) parse(p *page) (*template.Template, error) {
	return template.Must(ts.layout.Clone()).ParseFS(p.set, p.files...)
}

// lookup returns the parsed page named name.
func (ts *templates) lookup(name string) (*template.Template, bool) {
	p, ok := ts.pages[name]
	if !ok {
		return nil, false
	}
	p.once.Do(func() {
		// Checked at start: it parses.
		p.t = template.Must(ts.parse(p))
	})
	return p.t, true
}

// parseTemplates checks every page (templates/*.html) of each set over the
// layout and the shared partials; a page that fails to parse, lacks its
// "content" or takes another's name stops the start-up. The pages are
// parsed again, one by one, when first rendered.
func parseTemplates(sets ...fs.FS) (*templates, error) {
	funcs := template.FuncMap{
		"join":     strings.Join,
		"autolink": Autolink,
		"roleKey":  func(r auth.Role) string { return "role." + string(r) },
		"kindKey":  func(k string) string { return "place.kind." + k },
		"deref": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"derefInt": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		"eventCard": func(b Base, e EventView) eventCard { return eventCard{Base: b, Event: e} },
		"ideaCard":  func(b Base, i community.IdeaRecord) ideaCard { return ideaCard{Base: b, Idea: i} },
		"communityCard": func(b Base, c community.Community) communityCard {
			return communityCard{Base: b, Community: c}
		},
		"displayName": connections.DisplayName,
		"accItem":     func(b Base, a orgs.Accompaniment, due bool) accItem { return accItem{Base: b, Entry: a, Due: due} },
		"derefF": func(p *float64) float64 {
			if p == nil {
				return 0
			}
			return *p
		},
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(layoutFS, "templates/layout.html", "templates/_*.html")
	if err != nil {
		return nil, err
	}
	ts := &templates{layout: layout, pages: map[string]*page{}}
	for _, set := range sets {
		names, err := fs.Glob(set, "templates/*.html")
		if err != nil {
			return nil, err
		}
		// A capability's own partials (templates/_*.html beside its pages)
		// serve its pages only; the kit's serve every page.
		own, err := fs.Glob(set, "templates/_*.html")
		if err != nil {
			return nil, err
		}
		if set == fs.FS(layoutFS) {
			own = nil
		}
		for _, n := range names {
			name := strings.TrimSuffix(path.Base(n), ".html")
			if name == "layout" || strings.HasPrefix(name, "_") {
				continue
			}
			p := &page{set: set, files: append(slices.Clip(own), n)}
			t, err := ts.parse(p)
			switch {
			case err != nil:
				return nil, fmt.Errorf("template %s: %w", name, err)
			case t.Lookup("content") == nil:
				return nil, fmt.Errorf("template %s: no content block", name)
			case ts.pages[name] != nil:
				return nil, fmt.Errorf("template %s: two pages of that name", name)
			}
			ts.pages[name] = p
		}
	}
	return ts, nil
}

// Render writes a page with the layout. The page is rendered to a buffer
// first, so that a template error becomes a clean 500, never half a page.
func (s *Kit) Render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	t, ok := s.pages.lookup(page)
	if !ok {
		s.Fail(w, r, fmt.Errorf("no page %q", page))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.Deps.Logger.Error("template", "id", Info(r).ID, "page", page, "err", err)
		http.Error(w, "Erreur interne / Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if Info(r).Public {
		w.Header().Set("Cache-Control", "no-cache")
	} else {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

type errorPage struct {
	Base
	Message string
	Status  int
	// Back is the page the person came from on this site, when a form of
	// theirs was refused (400, 413): they may go back to it.
	Back string
}

// RenderError answers status with the message of a catalog key (args
// formatted into it): an error page, or {"error": …} on the JSON API.
func (s *Kit) RenderError(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	if IsAPI(r) {
		key = APIKey(key)
	}
	if !s.Cat.Has(key) {
		key = "errors.internal"
	}
	s.RenderMessage(w, r, status, s.Cat.T(Info(r).Lang, key, args...))
}

// RenderMessage answers status with a message already in the person's language.
func (s *Kit) RenderMessage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if IsAPI(r) {
		WriteJSON(w, status, map[string]string{"error": msg})
		return
	}
	b := s.Page(w, r, "")
	b.Title = b.T(fmt.Sprintf("errors.title.%d", status))
	p := errorPage{Base: b, Message: msg, Status: status}
	if status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge {
		p.Back = sameSiteReferer(r)
	}
	s.Render(w, r, status, "error", p)
}

// sameSiteReferer is the path of the page that sent the request, when it is
// a page of this site; "" otherwise.
func sameSiteReferer(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return LocalPath(u.RequestURI())
}

func StatusOf(code errs.Code) int {
	switch code {
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// formProblems turns a store error into the problems of a form: its fields
// (renamed by rename when not nil), or the whole form.
func FormProblems(e *errs.Error, rename func(string) string) map[string]string {
	out := map[string]string{}
	for f, k := range e.Fields {
		if rename != nil {
			f = rename(f)
		}
		out[f] = k
	}
	if len(out) == 0 {
		out[""] = e.Key
	}
	return out
}

// Refuse answers an error of a form's submission: a refusal (errs.Error)
// shows the form again through page, with its status and problems (see
// FormProblems); anything else fails.
func (s *Kit) Refuse(w http.ResponseWriter, r *http.Request, err error, page func(status int, problems map[string]string)) {
	if e, ok := errs.As(err); ok {
		page(StatusOf(e.Code), FormProblems(e, nil))
		return
	}
	s.Fail(w, r, err)
}

// RefuseOn is Refuse for an action on a record that must exist: a
// not-found refusal fails, the others show the form again with their
// problems, fields renamed by rename (see FormProblems).
func (s *Kit) RefuseOn(w http.ResponseWriter, r *http.Request, err error, rename func(string) string, page func(status int, problems map[string]string)) {
	if e, ok := errs.As(err); ok && e.Code != errs.NotFound {
		page(StatusOf(e.Code), FormProblems(e, rename))
		return
	}
	s.Fail(w, r, err)
}

// RefuseFields is Refuse for the forms that show only the refusal's field
// problems, never a message for the form as a whole.
func (s *Kit) RefuseFields(w http.ResponseWriter, r *http.Request, err error, page func(status int, problems map[string]string)) {
	if e, ok := errs.As(err); ok {
		page(StatusOf(e.Code), e.Fields)
		return
	}
	s.Fail(w, r, err)
}

// Fail answers with the page that fits err: its own message when it is an
// errs.Error; 503 with a short Retry-After when the storage cannot serve
// for the moment (busy, full, restarting: nothing the person did wrong);
// a logged polite 500 otherwise. On the JSON API, the same statuses in JSON.
func (s *Kit) Fail(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := errs.As(err); ok {
		s.RenderError(w, r, StatusOf(e.Code), e.Key)
		return
	}
	s.Deps.Logger.Error("request failed", "id", Info(r).ID, "route", r.Pattern, "err", err)
	if db.Unavailable(err) {
		s.Unavailable(w, r)
		return
	}
	s.RenderError(w, r, http.StatusInternalServerError, "errors.internal")
}

func (s *Kit) NotFound(w http.ResponseWriter, r *http.Request) {
	s.RenderError(w, r, http.StatusNotFound, "errors.page_not_found")
}

// Forbid answers a request the policy refused: sign in first when nobody
// is signed in, a 403 page otherwise.
func (s *Kit) Forbid(w http.ResponseWriter, r *http.Request) {
	if !Info(r).Principal.SignedIn() {
		target := "/connexion?retour=" + url.QueryEscape(r.URL.RequestURI())
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	s.RenderError(w, r, http.StatusForbidden, "errors.forbidden")
}

// Allow asks the policy about the request's principal on its territory;
// when it refuses, Allow answers as Forbid does and returns false.
func (s *Kit) Allow(w http.ResponseWriter, r *http.Request, a auth.Action) bool {
	if !s.Can(r, a) {
		s.Forbid(w, r)
		return false
	}
	return true
}

// Can asks the policy about the request's principal on its territory.
func (s *Kit) Can(r *http.Request, a auth.Action) bool {
	ri := Info(r)
	return auth.Can(ri.Principal, a, auth.Resource{TerritoryID: ri.Territory.ID})
}

const flashCookie = "implique_flash"

// Flash leaves a one-time message (a catalog key) for the next page.
func (s *Kit) Flash(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: key, Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

// Confirm ends a form that succeeded: the one-time message key for the
// next page, and a redirect there (POST → redirect → GET).
func (s *Kit) Confirm(w http.ResponseWriter, r *http.Request, key, to string) {
	s.Flash(w, key)
	s.Redirect(w, r, to)
}

// Done ends an action: the page of err when it failed, else Confirm.
func (s *Kit) Done(w http.ResponseWriter, r *http.Request, err error, key, to string) {
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, key, to)
}

func (s *Kit) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	if !s.Cat.Has(c.Value) {
		return ""
	}
	return s.Cat.T(Info(r).Lang, c.Value)
}

// pathID reads a positive number from the URL's {name}, 0 when there is none.
func PathID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// localPath returns p when it is a path on this site, "" otherwise: it is
// the one judge of every redirect target that comes from a request (no open
// redirects). A same-site path is printable ASCII without spaces or
// backslashes (browsers drop tabs and line breaks and read a backslash as a
// slash), starts with one slash, names no scheme nor host, and stays so
// once its escapes are decoded (/%2F/evil.example, /%5Cevil.example).
func LocalPath(p string) string {
	if len(p) == 0 || len(p) > 2000 || p[0] != '/' {
		return ""
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return ""
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	// Decode the path until it no longer changes (double escapes included):
	// no form of it may start with two slashes or hold a backslash or a control.
	path := u.EscapedPath()
	for range 4 {
		if strings.HasPrefix(path, "//") || !utf8.ValidString(path) || strings.ContainsFunc(path, func(r rune) bool {
			return r == '\\' || !unicode.IsGraphic(r) || unicode.IsSpace(r)
		}) {
			return ""
		}
		next, err := url.PathUnescape(path)
		if err != nil {
			return ""
		}
		if next == path {
			return p
		}
		path = next
	}
	return ""
}

func (s *Kit) Redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

var urlRe = regexp.MustCompile(`https?://[^\s<>"]+`)

// autolink escapes text and turns its web addresses into links.
func Autolink(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range urlRe.FindAllStringIndex(text, -1) {
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		u := template.HTMLEscapeString(text[m[0]:m[1]])
		b.WriteString(`<a href="` + u + `">` + u + `</a>`)
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// BaseIn is a page base for a language and a territory alone, outside a
// request (e-mails, files).
func (s *Kit) BaseIn(lang string, t territory.Territory) Base {
	return Base{Lang: lang, Territory: t, cat: s.Cat}
}

// SetHeading sets the page's title for its <h1>, already marked.
func (b *Base) SetHeading(h template.HTML) { b.heading = h }

// CanEditOrg asks the policy whether the request's principal may keep orgID up to date.
func (s *Kit) CanEditOrg(r *http.Request, orgID int64) bool {
	ri := Info(r)
	return auth.Can(ri.Principal, auth.EditOrganization, auth.Resource{TerritoryID: ri.Territory.ID, OrganizationID: orgID})
}
