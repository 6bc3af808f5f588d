// Package portrait serves the portrait of involvement and needs: the public
// page (/portrait), the staff's internal version (/admin/portrait) and their
// printable PDFs, for the whole territory or a place and its secteurs.
package portrait

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strconv"

	"implique/internal/auth"
	"implique/internal/export"
	por "implique/internal/portrait"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

// figureView is one figure as the page and the PDF show it.
type figureView struct {
	Label  template.HTML
	Value  string
	Source template.HTML
	Date   string
	// Masked: a hidden small number (the page sets it apart).
	Masked bool
	// plain text of the label and source, for the PDF.
	label, source string
}

type sectionView struct {
	ID, Title string
	Figures   []figureView
	Empty     string
}

type portraitPage struct {
	kit.Base
	Internal bool
	// Where is what is portrayed: the territory, or a place (and its secteurs).
	Where      template.HTML
	where      string
	Places     []kit.PlaceOption
	Selected   string
	Minimum    int
	ComputedAt string
	Sections   []sectionView
	// Action is the page's own path (the picker's form), PDF its printable
	// version, Other the other version's page (staff only).
	Action, PDF, Other string
}

// Public is the public portrait: /portrait (?lieu=slug).
func (s *Handlers) Public(w http.ResponseWriter, r *http.Request) { s.page(w, r, false) }

// Internal is the staff's portrait with exact figures: /admin/portrait.
func (s *Handlers) Internal(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ReadPortrait) {
		return
	}
	s.page(w, r, true)
}

// PublicPDF prints the public portrait.
func (s *Handlers) PublicPDF(w http.ResponseWriter, r *http.Request) { s.pdf(w, r, false) }

// InternalPDF prints the internal portrait.
func (s *Handlers) InternalPDF(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ReadPortrait) {
		return
	}
	s.pdf(w, r, true)
}

func (s *Handlers) page(w http.ResponseWriter, r *http.Request, internal bool) {
	p, ok := s.build(w, r, internal)
	if !ok {
		return
	}
	s.Render(w, r, http.StatusOK, "portrait", p)
}

func (s *Handlers) pdf(w http.ResponseWriter, r *http.Request, internal bool) {
	p, ok := s.build(w, r, internal)
	if !ok {
		return
	}
	sheet := export.PortraitSheet{Title: p.T("portrait.title"), Place: p.where, Lang: p.Lang,
		Footer: p.T("portrait.pdf.footer", p.Territory.OperatorName, p.Territory.Name)}
	if internal {
		sheet.Note = p.T("portrait.internal")
	} else {
		sheet.Note = p.T("portrait.small_numbers", p.Minimum)
	}
	sheet.Created = s.Deps.Now().In(p.Territory.Location())
	for _, sec := range p.Sections {
		ps := export.PortraitSection{Title: sec.Title, Empty: sec.Empty}
		for _, f := range sec.Figures {
			ps.Rows = append(ps.Rows, export.PortraitRow{Label: f.label, Value: f.Value, Source: p.T("portrait.source") + " " + f.source,
				Date: f.Date})
		}
		sheet.Sections = append(sheet.Sections, ps)
	}
	var buf bytes.Buffer
	if err := export.WritePortraitPDF(&buf, sheet); err != nil {
		s.Fail(w, r, err)
		return
	}
	name := p.T("portrait.file") + " " + p.where
	if internal {
		name += " " + p.T("portrait.internal")
	}
	kit.SendFile(w, export.ContentTypePDF, export.Filename(name, "pdf"), buf.Bytes())
}

// build draws the portrait the request asks for and its page; an unknown
// place answers 404.
func (s *Handlers) build(w http.ResponseWriter, r *http.Request, internal bool) (portraitPage, bool) {
	ri := kit.Info(r)
	slug := r.URL.Query().Get("lieu")
	v := por.Public
	if internal {
		v = por.Internal
	}
	pt, err := s.Deps.Portrait.Build(r.Context(), ri.Territory.ID, slug, v)
	if err != nil {
		s.Fail(w, r, err)
		return portraitPage{}, false
	}
	p := portraitPage{Base: s.Page(w, r, ""), Internal: internal, Selected: slug, Minimum: pt.Minimum,
		Action: "/portrait", Other: "/admin/portrait"}
	if internal {
		p.Action, p.Other = "/admin/portrait", "/portrait"
	}
	p.ComputedAt = p.DateTime(pt.ComputedAt)
	query := ""
	if slug != "" {
		query = "?lieu=" + slug
	}
	p.PDF, p.Other = p.Action+".pdf"+query, p.Other+query
	if p.Places, err = s.PlaceOptions(r); err != nil {
		s.Fail(w, r, err)
		return portraitPage{}, false
	}
	switch {
	case pt.Place == nil:
		p.where, p.Where = pt.Territory, p.Typed(pt.Territory)
	case pt.Place.ParentID == nil && hasSectors(p.Places, pt.Place.Slug):
		p.where, p.Where = p.T("portrait.place_and_sectors", pt.Place.Name), p.Phrase("portrait.place_and_sectors", p.Typed(pt.Place.Name))
	case pt.Place.ParentID != nil:
		p.where = p.T("portrait.sector", pt.Place.Name, p.T("place.sector_of", pt.Place.ParentName))
		p.Where = p.Phrase("portrait.sector", p.Typed(pt.Place.Name), p.Phrase("place.sector_of", p.Typed(pt.Place.ParentName)))
	default:
		p.where, p.Where = pt.Place.Name, p.Typed(pt.Place.Name)
	}
	p.SetTitle("portrait.page_title", p.where)
	for _, sec := range pt.Sections {
		sv := sectionView{ID: sectionID(sec.Key), Title: p.T(sec.Key)}
		if sec.Empty != "" {
			sv.Empty = p.T(sec.Empty)
		}
		for _, f := range sec.Figures {
			sv.Figures = append(sv.Figures, s.figure(p, pt, f))
		}
		p.Sections = append(p.Sections, sv)
	}
	return p, true
}

// hasSectors reports whether the place of slug has secteurs among opts.
func hasSectors(opts []kit.PlaceOption, slug string) bool {
	for i, o := range opts {
		if o.Slug == slug {
			return i+1 < len(opts) && opts[i+1].Sector && !o.Sector
		}
	}
	return false
}

// sectionID is the anchor of a section: its key's last part.
func sectionID(key string) string {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '.' {
			return key[i+1:]
		}
	}
	return key
}

// figure words f for the page and the PDF.
func (s *Handlers) figure(p portraitPage, pt por.Portrait, f por.Figure) figureView {
	v := figureView{Masked: f.Masked, Date: p.Date(f.At)}
	v.label, v.Label = say(p.Base, f.Label)
	v.source, v.Source = say(p.Base, f.Source)
	if f.Year != 0 {
		year := strconv.Itoa(f.Year)
		v.source, v.Source = p.T("portrait.source_year", v.source, year), p.Phrase("portrait.source_year", v.Source, year)
	}
	switch {
	case f.Suppressed:
		v.Value = p.T("portrait.suppressed", pt.Minimum)
	case f.Masked:
		v.Value = p.T("portrait.fewer_than", pt.Minimum)
	case f.Unknown:
		v.Value = p.T("portrait.unknown")
	case f.Word.Key != "":
		v.Value, _ = say(p.Base, f.Word)
	case f.Percent:
		pct := p.T("portrait.percent", p.Decimal(f.Pct, 0))
		if pt.Internal {
			v.Value = p.T("portrait.share_internal", pct, p.Number(int64(f.Value)), p.Number(int64(f.N)))
		} else {
			v.Value = p.T("portrait.share_public", pct, p.Number(int64(f.N)))
		}
	default:
		v.Value = p.Number(int64(f.Value))
	}
	return v
}

// say words t in the page's language: as plain text (for the PDF) and as
// HTML where typed text is marked with its language.
func say(b kit.Base, t por.Text) (string, template.HTML) {
	if t.Key == "" {
		if b.Lang == "en" && t.EN != "" {
			return t.EN, template.HTML(template.HTMLEscapeString(t.EN))
		}
		return t.FR, b.Typed(t.FR)
	}
	plain := make([]any, len(t.Args))
	marked := make([]any, len(t.Args))
	for i, a := range t.Args {
		if x, ok := a.(por.Text); ok {
			plain[i], marked[i] = say(b, x)
			continue
		}
		plain[i], marked[i] = a, a
	}
	return b.T(t.Key, plain...), b.Phrase(t.Key, marked...)
}
