// Package orgs serves organisations: the public directory, the staff's and
// the managers' organisations, seats and people, the import of a
// spreadsheet, and the relève radar with its accompaniment log.
package orgs

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"implique/internal/community"
	"implique/internal/errs"
	ogs "implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

// The public directory of organisations (/organismes) and each
// organisation's page: what it does, how to get involved, its seats —
// titles, vacancies and « ouvert à la relève », never who holds them unless
// that person agreed.

// directoryPageSize is how many organisations a directory page lists.
const directoryPageSize = 30

// pager pages a list: which page, how many, and the links' addresses.
type pager struct {
	Page, Pages, Total int
	base               url.Values
	path               string
}

func newPager(r *http.Request, total, size int) pager {
	p := pager{Page: 1, Total: total, Pages: (total + size - 1) / size, base: url.Values{}, path: r.URL.Path}
	for k, v := range r.URL.Query() {
		if k != "page" {
			p.base[k] = v
		}
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 {
		p.Page = n
	}
	if p.Pages == 0 {
		p.Pages = 1
	}
	if p.Page > p.Pages {
		p.Page = p.Pages
	}
	return p
}

// Offset is the first row of the page.
func (p pager) Offset(size int) int { return (p.Page - 1) * size }

// URL is the address of page n, with the same filters.
func (p pager) URL(n int) string {
	q := url.Values{}
	for k, v := range p.base {
		q[k] = v
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return p.path
	}
	return p.path + "?" + q.Encode()
}

// Prev and Next are 0 when there is no such page.
func (p pager) Prev() int {
	if p.Page > 1 {
		return p.Page - 1
	}
	return 0
}

func (p pager) Next() int {
	if p.Page < p.Pages {
		return p.Page + 1
	}
	return 0
}

type directoryPage struct {
	kit.Base
	Orgs      []ogs.Organization
	OpenSeats map[int64]int
	Places    []territory.Place
	Kinds     []ogs.Kind
	Causes    []string
	Filtered  bool
	Pager     pager
}

func (s *Handlers) OrgDirectory(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	q := r.URL.Query()
	f := ogs.Filter{Query: strings.TrimSpace(q.Get("q")), PlaceSlug: q.Get("lieu"), Kind: ogs.Kind(q.Get("type")),
		Cause: q.Get("cause"), PublicOnly: true}
	if _, ok := ogs.ParseKind(string(f.Kind)); !ok {
		f.Kind = ""
	}
	if !ogs.ValidCause(f.Cause) {
		f.Cause = ""
	}
	if f.PlaceSlug != "" {
		if _, err := s.Deps.Territories.Place(ctx, t.ID, f.PlaceSlug); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	p := directoryPage{Base: s.Page(w, r, "org.public.title"), Kinds: ogs.Kinds, Causes: ogs.Causes,
		Filtered: f.Query != "" || f.PlaceSlug != "" || f.Kind != "" || f.Cause != ""}
	_, total, err := s.Deps.Orgs.List(ctx, t.ID, ogs.Filter{Query: f.Query, PlaceSlug: f.PlaceSlug, Kind: f.Kind, Cause: f.Cause, PublicOnly: true, Limit: 1})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Pager = newPager(r, total, directoryPageSize)
	f.Limit, f.Offset = directoryPageSize, p.Pager.Offset(directoryPageSize)
	if p.Orgs, _, err = s.Deps.Orgs.List(ctx, t.ID, f); err != nil {
		s.Fail(w, r, err)
		return
	}
	var ids []int64
	for _, o := range p.Orgs {
		ids = append(ids, o.ID)
	}
	if p.OpenSeats, err = s.Deps.Orgs.OpenSeats(ctx, t.ID, ids); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Places, err = s.Deps.Territories.Places(ctx, t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Form = url.Values{"q": {f.Query}, "lieu": {f.PlaceSlug}, "type": {string(f.Kind)}, "cause": {f.Cause}}
	s.Render(w, r, http.StatusOK, "orgs", p)
}

type orgPublicPage struct {
	kit.Base
	Org      ogs.Organization
	Seats    []ogs.Seat
	Open     int
	Policies []ogs.Policy
	// Initiatives are the published citizen initiatives it supports.
	Initiatives []community.Initiative
	// CanEdit shows a link to the management page.
	CanEdit bool
	Manage  string
}

func (s *Handlers) OrgPublicPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := kit.Info(r).Territory
	o, err := s.Deps.Orgs.BySlug(ctx, t.ID, r.PathValue("slug"))
	if err == nil && !o.Public {
		err = errs.New(errs.NotFound, "errors.org_not_found")
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := orgPublicPage{Base: s.Page(w, r, ""), Org: o}
	p.SetTypedTitle(o.Name)
	if p.Seats, err = s.Deps.Orgs.Seats(ctx, t.ID, o.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, st := range p.Seats {
		if st.OpenToNewcomers {
			p.Open++
		}
	}
	if p.Policies, err = s.Deps.Orgs.Policies(ctx, t.ID, o.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Initiatives, err = s.Deps.Community.SupportedBy(ctx, t.ID, o.ID, true); err != nil {
		s.Fail(w, r, err)
		return
	}
	switch {
	case s.Can(r, orgStaffAction):
		p.CanEdit, p.Manage = true, staffOrgs.orgPath(o.ID)
	case s.CanEditOrg(r, o.ID):
		p.CanEdit, p.Manage = true, managerOrgs.orgPath(o.ID)
	}
	s.Render(w, r, http.StatusOK, "org", p)
}
