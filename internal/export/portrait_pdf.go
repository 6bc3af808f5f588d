package export

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/go-pdf/fpdf"

	"implique/internal/i18n"
)

// PortraitSheet is a printable portrait of involvement and needs: its
// sections of figures, each with its source and the date it was computed.
// Every text is already in the reader's language; Lang ("en" for English,
// anything else French) picks the page labels.
type PortraitSheet struct {
	// Title is the document's title, Place what it portrays (the
	// territory, or a place and its secteurs), Note a line under them
	// (e.g. « version interne »).
	Title, Place, Note string
	Sections           []PortraitSection
	// Footer is printed at the bottom of every page, above the time of
	// writing when Created is not zero (pass it in the territory's zone).
	Footer  string
	Lang    string
	Created time.Time
}

// PortraitSection is a titled part of the portrait; Empty is said when it
// has no row.
type PortraitSection struct {
	Title string
	Rows  []PortraitRow
	Empty string
}

// PortraitRow is one figure: what it counts, its value as shown (a number,
// « moins de 5 », …), where it comes from and when it was computed.
type PortraitRow struct {
	Label, Value, Source, Date string
}

// Typography of the portrait, in points and millimetres.
const (
	porTitleSize   = 17.0
	porTitleLH     = 7.5
	porPlaceSize   = 12.5
	porPlaceLH     = 6.0
	porNoteSize    = 10.0
	porSectionSize = 12.5
	porSectionLH   = 6.0
	porSectionGap  = 4.0
	porRowSize     = 10.0
	porRowLH       = 4.6
	porMetaSize    = 8.0
	porMetaLH      = 3.6
	porRowGap      = 1.6
	porValueW      = 48.0
	porLabelW      = contentW - porValueW - 4
	porProgressH   = 1.8
	porProgressGap = 1.4
	porFooterSize  = 8.5
	porFooterLH    = 4.0
	porMaxLines    = 4
)

// pageFooterH is the height of the footer drawn by drawPageFooter.
const pageFooterH = 2 * porFooterLH

// porItem is a laid-out piece of the portrait: a section's title or a row.
type porItem struct {
	section      bool
	label, value []string
	meta         []string
	// progress, when set, is drawn as a thin bar under the meta line
	// (percent; more than 100 fills the bar).
	progress *float64
	h        float64
	// keepWithNext keeps a section's title on the page of its first row.
	keepWithNext bool
}

// WritePortraitPDF writes s to w as a PDF on US Letter paper: the title and
// the place, then each section's figures in two columns (what and how
// many), the source and date in small type under each, a thin rule
// between rows; every page ends with the footer, the time of writing and
// « Page 1 de N ». Black on white, it prints well in black and white.
func WritePortraitPDF(w io.Writer, s PortraitSheet) error {
	pdf := newPDF(s.Title+" — "+s.Place, s.Lang, s.Created)

	// The heading of the first page.
	pdf.SetFont(fontFamily, "B", porTitleSize)
	title := clampLines(pdf, wrapText(pdf, pdfText(s.Title, true), contentW), 2, contentW)
	pdf.SetFont(fontFamily, "", porPlaceSize)
	place := clampLines(pdf, wrapText(pdf, pdfText(s.Place, true), contentW), 2, contentW)
	pdf.SetFont(fontFamily, "B", porNoteSize)
	note := clampLines(pdf, wrapText(pdf, pdfText(s.Note, true), contentW), 2, contentW)
	headH := float64(len(title))*porTitleLH + float64(len(place))*porPlaceLH + float64(len(note))*porPlaceLH + 4

	items := planPortrait(pdf, s)
	bottom := pageH - pageMargin - pageFooterH - 3
	var pages [][]porItem
	var page []porItem
	y := pageMargin + headH
	for i, it := range items {
		need := it.h
		if it.keepWithNext && i+1 < len(items) {
			need += items[i+1].h
		}
		if y+need > bottom && len(page) > 0 {
			pages, page, y = append(pages, page), nil, pageMargin
		}
		page = append(page, it)
		y += it.h
	}
	pages = append(pages, page)

	pdf.SetDrawColor(0, 0, 0)
	for pi, items := range pages {
		pdf.AddPage()
		pdf.SetTextColor(0, 0, 0)
		y := pageMargin
		if pi == 0 {
			pdf.SetFont(fontFamily, "B", porTitleSize)
			for _, l := range title {
				textLine(pdf, pageMargin, y, contentW, porTitleLH, l, "LM")
				y += porTitleLH
			}
			pdf.SetFont(fontFamily, "", porPlaceSize)
			for _, l := range place {
				textLine(pdf, pageMargin, y, contentW, porPlaceLH, l, "LM")
				y += porPlaceLH
			}
			pdf.SetFont(fontFamily, "B", porNoteSize)
			for _, l := range note {
				textLine(pdf, pageMargin, y, contentW, porPlaceLH, l, "LM")
				y += porPlaceLH
			}
			y += 4
		}
		for _, it := range items {
			drawPortraitItem(pdf, it, y)
			y += it.h
		}

		drawPageFooter(pdf, s.Lang, s.Footer, s.Created, pi+1, len(pages))
	}
	return writePDF(w, pdf)
}

// drawPageFooter ends a page: footer on the left, « Page 1 de N » on the
// right, and under them the time of writing when created is not zero.
func drawPageFooter(pdf *fpdf.Fpdf, lang, footer string, created time.Time, page, pages int) {
	en := lang == "en"
	fy := pageH - pageMargin - pageFooterH
	pdf.SetFont(fontFamily, "", porFooterSize)
	pdf.SetTextColor(60, 60, 60)
	pageLabel := fmt.Sprintf(pick(en, "Page %d of %d", "Page %d de %d"), page, pages)
	pw := pdf.GetStringWidth(pageLabel)
	textLine(pdf, pageMargin+contentW-pw, fy, pw, porFooterLH, pageLabel, "RM")
	if f := pdfText(footer, false); f != "" {
		textLine(pdf, pageMargin, fy, contentW-pw-5, porFooterLH, truncateText(pdf, f, contentW-pw-5), "LM")
	}
	if !created.IsZero() {
		gen := pick(en, "Generated ", "Généré ") + i18n.DateTime(lang, created)
		textLine(pdf, pageMargin, fy+porFooterLH, contentW, porFooterLH, truncateText(pdf, pdfText(gen, false), contentW), "LM")
	}
	pdf.SetTextColor(0, 0, 0)
}

// sectionTitleItem lays out a section's title (at most two lines, a rule
// under it), kept with what follows it.
func sectionTitleItem(pdf *fpdf.Fpdf, title string) porItem {
	pdf.SetFont(fontFamily, "B", porSectionSize)
	t := clampLines(pdf, wrapText(pdf, pdfText(title, true), contentW), 2, contentW)
	return porItem{section: true, label: t, h: porSectionGap + float64(len(t))*porSectionLH + 1.5, keepWithNext: true}
}

// figureItem lays out one figure: its label on the left, its value in
// bold on the right, meta (its source and date) in small type under the
// label and, when progress is set, a thin bar under them.
func figureItem(pdf *fpdf.Fpdf, label, value, meta string, progress *float64) porItem {
	it := porItem{progress: progress}
	pdf.SetFont(fontFamily, "", porRowSize)
	it.label = clampLines(pdf, wrapText(pdf, pdfText(label, true), porLabelW), porMaxLines, porLabelW)
	pdf.SetFont(fontFamily, "B", porRowSize)
	it.value = clampLines(pdf, wrapText(pdf, pdfText(value, true), porValueW), 2, porValueW)
	pdf.SetFont(fontFamily, "", porMetaSize)
	it.meta = clampLines(pdf, wrapText(pdf, pdfText(meta, true), porLabelW), 2, porLabelW)
	main := float64(max(len(it.label), len(it.value))) * porRowLH
	it.h = main + float64(len(it.meta))*porMetaLH + 2*porRowGap
	if progress != nil {
		it.h += porProgressGap + porProgressH
	}
	return it
}

// planPortrait lays out the sections: wrapped titles, labels, values and
// their source and date, each with its height.
func planPortrait(pdf *fpdf.Fpdf, s PortraitSheet) []porItem {
	var items []porItem
	for _, sec := range s.Sections {
		items = append(items, sectionTitleItem(pdf, sec.Title))
		rows := sec.Rows
		if len(rows) == 0 && sec.Empty != "" {
			rows = []PortraitRow{{Label: sec.Empty}}
		}
		for _, r := range rows {
			meta := r.Source
			if r.Date != "" {
				if meta != "" {
					meta += " · "
				}
				meta += r.Date
			}
			items = append(items, figureItem(pdf, r.Label, r.Value, meta, nil))
		}
	}
	return items
}

// drawPortraitItem draws it with its top at y.
func drawPortraitItem(pdf *fpdf.Fpdf, it porItem, y float64) {
	if it.section {
		y += porSectionGap
		pdf.SetFont(fontFamily, "B", porSectionSize)
		pdf.SetTextColor(0, 0, 0)
		for _, l := range it.label {
			textLine(pdf, pageMargin, y, contentW, porSectionLH, l, "LM")
			y += porSectionLH
		}
		pdf.SetLineWidth(0.5)
		pdf.Line(pageMargin, y+0.5, pageMargin+contentW, y+0.5)
		return
	}
	top := y
	y += porRowGap
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont(fontFamily, "", porRowSize)
	ly := y
	for _, l := range it.label {
		textLine(pdf, pageMargin, ly, porLabelW, porRowLH, l, "LM")
		ly += porRowLH
	}
	pdf.SetFont(fontFamily, "B", porRowSize)
	vy := y
	for _, l := range it.value {
		textLine(pdf, pageMargin+contentW-porValueW, vy, porValueW, porRowLH, l, "RM")
		vy += porRowLH
	}
	y = max(ly, vy)
	pdf.SetFont(fontFamily, "", porMetaSize)
	pdf.SetTextColor(70, 70, 70)
	for _, l := range it.meta {
		textLine(pdf, pageMargin, y, porLabelW, porMetaLH, l, "LM")
		y += porMetaLH
	}
	if it.progress != nil {
		drawProgress(pdf, pageMargin, y+porProgressGap, porLabelW, porProgressH, *it.progress)
	}
	pdf.SetLineWidth(0.15)
	pdf.SetDrawColor(150, 150, 150)
	pdf.Line(pageMargin, top+it.h, pageMargin+contentW, top+it.h)
	pdf.SetDrawColor(0, 0, 0)
}

// drawProgress draws a bar of width w and height h at (x, y): a black
// outline filled in dark grey up to pct percent (clamped to 0..100), so
// that it reads in black and white.
func drawProgress(pdf *fpdf.Fpdf, x, y, w, h, pct float64) {
	if math.IsNaN(pct) {
		pct = 0
	}
	pct = min(max(pct, 0), 100)
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.2)
	if pct > 0 {
		pdf.SetFillColor(70, 70, 70)
		pdf.Rect(x, y, w*pct/100, h, "F")
	}
	pdf.Rect(x, y, w, h, "D")
}
