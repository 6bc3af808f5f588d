package export

import (
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// ReportDoc is a report for a period (for example the impact report sent
// to funders), every text already in the reader's language. Lang ("en"
// for English, anything else French) picks the page labels.
type ReportDoc struct {
	// Title and Subtitle head the cover (« Rapport d’impact », « Moi,
	// je m’implique ! — MRC de Bécancour »), Period under them (« 1er
	// juillet au 30 septembre 2026 »).
	Title, Subtitle string
	Period          string
	// Cover is a few lines under the title on the cover: who made the
	// report, when, the impact aimed at.
	Cover    []string
	Sections []ReportSection
	// Footer is printed at the bottom of every page but the cover, with
	// « Page 2 de N » and, when Created is not zero, the time of writing
	// (pass it in the territory's zone).
	Footer  string
	Lang    string
	Created time.Time
}

// ReportSection is a titled part of a report: an introduction, then its
// figures, its table, its highlights and its bar chart, each when given.
// Empty is said when the section has none of those.
type ReportSection struct {
	Title   string
	Intro   string
	Rows    []ReportRow
	Table   *ReportTable
	Stories []ReportStory
	Bars    []ReportBar
	Empty   string
}

// ReportRow is one figure, as in the portrait: what it counts, its value
// as shown, and Meta (its source and date) in small type. Progress, when
// set, is a percentage (more than 100 allowed) drawn as a thin bar under
// the row.
type ReportRow struct {
	Label, Value, Meta string
	Progress           *float64
}

// ReportTable is a small table (for example values per municipality); a
// row may have fewer cells than Header.
type ReportTable struct {
	Header []string
	Rows   [][]string
}

// ReportStory is a dated highlight: its title, a meta line (the date, the
// place) and a paragraph.
type ReportStory struct {
	Title, Meta, Body string
}

// ReportBar is a bar of a section's chart: Label beside a bar as long as
// Value (0 to 100, clamped), followed by Text, the figure as shown.
type ReportBar struct {
	Label string
	Value float64
	Text  string
}

// Typography of the report, in points and millimetres (the section
// titles, figures and footer are the portrait's).
const (
	repCoverTop      = 70.0
	repTitleSize     = 26.0
	repTitleLH       = 11.0
	repSubtitleSize  = 15.0
	repSubtitleLH    = 7.0
	repPeriodSize    = 13.0
	repPeriodLH      = 6.5
	repCoverSize     = 11.0
	repCoverLH       = 5.5
	repTocTitleSize  = 16.0
	repTocTitleLH    = 8.0
	repTocSize       = 11.0
	repTocLH         = 5.5
	repTocGap        = 2.0
	repTocNumberW    = 14.0
	repTextSize      = 10.5
	repTextLH        = 5.0
	repStoryGap      = 3.0
	repBlockGap      = 3.0
	repTableSize     = 9.5
	repTableMinRowH  = 6.5
	repTableMaxRowH  = 60.0
	repTableColMinW  = 14.0
	repTableColMaxW  = 90.0
	repBarLabelW     = 58.0
	repBarTextW      = 30.0
	repBarH          = 4.0
	repBarRowGap     = 1.5
	repBodyTop       = pageMargin
	repBodyBottom    = pageH - pageMargin - pageFooterH - 3
	repMaxTitleLines = 3
)

// repItem is a piece of a report's page that is never split. draw draws
// it with its top at y.
type repItem struct {
	h    float64
	draw func(y float64)
	// keep keeps the item on the page of the next one (a title with its
	// first content).
	keep bool
	// section is the number, from 1, of the section this item is the
	// title of; 0 for other items.
	section int
	// space is an empty item, dropped at the top of a page.
	space bool
	// header, on a table's rows, is the table's header, repeated at the
	// top of a page that starts with the row.
	header *repItem
}

// placedRepItem is an item on a page, with its top.
type placedRepItem struct {
	*repItem
	y float64
}

// WriteReportPDF writes d to w as a PDF on US Letter paper. Page 1 is the
// cover: the title in large type, the subtitle, the period and the cover
// lines. Page 2 (and the next when there are many sections) is the table
// of contents: each section's title with the page it starts on. The
// sections follow, each starting with its title, kept on the page of its
// first content, and flowing from page to page: figures as in the
// portrait (with a thin progress bar when set), tables with columns fitted
// to their content and their header repeated on each page, highlights and
// bar charts. Every page but the cover ends with the footer and « Page 2
// de N ». Black on white, it prints well in black and white; the same
// document (Created set) gives the same bytes. Text is cleaned as the
// package documentation says.
func WriteReportPDF(w io.Writer, d ReportDoc) error {
	en := d.Lang == "en"
	title := strings.TrimSpace(d.Title)
	if d.Period != "" {
		title += " — " + d.Period
	}
	pdf := newPDF(title, d.Lang, d.Created)

	// The body is laid out first, the contents then know its pages; the
	// contents' own length does not depend on the page numbers.
	sectionPage := make([]int, len(d.Sections))
	toc := paginateReport(reportContents(pdf, en, d.Sections, sectionPage), repBodyTop, repBodyBottom)
	body := paginateReport(reportBody(pdf, d.Sections), repBodyTop, repBodyBottom)
	first := 1 + len(toc) + 1 // page number of the body's first page
	for pi, page := range body {
		for _, it := range page {
			if it.section > 0 {
				sectionPage[it.section-1] = first + pi
			}
		}
	}
	total := first - 1 + len(body)

	pdf.AddPage()
	drawReportCover(pdf, d)
	for pi, page := range append(toc, body...) {
		pdf.AddPage()
		pdf.SetTextColor(0, 0, 0)
		pdf.SetDrawColor(0, 0, 0)
		for _, it := range page {
			it.draw(it.y)
		}
		drawPageFooter(pdf, d.Lang, d.Footer, d.Created, pi+2, total)
	}
	return writePDF(w, pdf)
}

// paginateReport places items on pages between top and bottom. An item
// that does not fit on the page, with the items it is kept with, starts
// the next page; a table row starting a page comes after its table's
// header, and space at the top of a page is dropped. No item, no page.
func paginateReport(items []*repItem, top, bottom float64) [][]placedRepItem {
	var pages [][]placedRepItem
	var page []placedRepItem
	y := top
	for i, it := range items {
		need := it.h
		for j := i; j+1 < len(items) && items[j].keep && need < bottom-top; j++ {
			need += items[j+1].h
		}
		if y+need > bottom && len(page) > 0 {
			pages = append(pages, page)
			page, y = nil, top
		}
		if len(page) == 0 && it.header != nil && it.header != it {
			page = append(page, placedRepItem{it.header, y})
			y += it.header.h
		}
		if len(page) == 0 && it.space {
			continue
		}
		page = append(page, placedRepItem{it, y})
		y += it.h
	}
	if len(page) > 0 {
		pages = append(pages, page)
	}
	return pages
}

// drawReportCover draws the cover: title, subtitle, period and cover
// lines, with a rule under the title.
func drawReportCover(pdf *fpdf.Fpdf, d ReportDoc) {
	pdf.SetTextColor(0, 0, 0)
	pdf.SetDrawColor(0, 0, 0)
	y := repCoverTop
	lines := func(style string, size, lh float64, s string, n int) {
		pdf.SetFont(fontFamily, style, size)
		for _, l := range clampLines(pdf, wrapText(pdf, pdfText(s, true), contentW), n, contentW) {
			textLine(pdf, pageMargin, y, contentW, lh, l, "LM")
			y += lh
		}
	}
	lines("B", repTitleSize, repTitleLH, d.Title, 3)
	y += 3
	pdf.SetLineWidth(0.8)
	pdf.Line(pageMargin, y, pageMargin+contentW, y)
	y += 6
	if d.Subtitle != "" {
		lines("", repSubtitleSize, repSubtitleLH, d.Subtitle, 3)
		y += 3
	}
	if d.Period != "" {
		lines("B", repPeriodSize, repPeriodLH, d.Period, 2)
		y += 8
	}
	for _, c := range d.Cover {
		if y > pageH-pageMargin-2*repCoverLH {
			break
		}
		lines("", repCoverSize, repCoverLH, c, 4)
		y += 1.5
	}
}

// reportContents lays out the table of contents: its heading, then each
// section's title with, on the right, the page in sectionPage (filled in
// before drawing) and a dotted leader between them.
func reportContents(pdf *fpdf.Fpdf, en bool, sections []ReportSection, sectionPage []int) []*repItem {
	heading := pick(en, "Contents", "Table des matières")
	items := []*repItem{{h: repTocTitleLH + 6, draw: func(y float64) {
		pdf.SetFont(fontFamily, "B", repTocTitleSize)
		textLine(pdf, pageMargin, y, contentW, repTocTitleLH, heading, "LM")
		pdf.SetLineWidth(0.5)
		pdf.Line(pageMargin, y+repTocTitleLH+1, pageMargin+contentW, y+repTocTitleLH+1)
	}}}
	titleW := contentW - repTocNumberW - 4
	for i, sec := range sections {
		pdf.SetFont(fontFamily, "", repTocSize)
		t := clampLines(pdf, wrapText(pdf, pdfText(sec.Title, true), titleW), repMaxTitleLines, titleW)
		items = append(items, &repItem{h: float64(len(t))*repTocLH + repTocGap, draw: func(y float64) {
			pdf.SetFont(fontFamily, "", repTocSize)
			pdf.SetTextColor(0, 0, 0)
			ly := y
			for _, l := range t {
				textLine(pdf, pageMargin, ly, titleW, repTocLH, l, "LM")
				ly += repTocLH
			}
			ly -= repTocLH
			last := pageMargin + pdf.GetStringWidth(t[len(t)-1]) + 2
			num := strconv.Itoa(sectionPage[i])
			nw := pdf.GetStringWidth(num)
			right := pageMargin + contentW - nw - 2
			if right-last > 3 {
				pdf.SetLineWidth(0.3)
				pdf.SetDashPattern([]float64{0.3, 1.5}, 0)
				pdf.SetLineCapStyle("round")
				pdf.Line(last, ly+repTocLH*0.7, right, ly+repTocLH*0.7)
				pdf.SetDashPattern(nil, 0)
				pdf.SetLineCapStyle("butt")
			}
			textLine(pdf, pageMargin+contentW-repTocNumberW, ly, repTocNumberW, repTocLH, num, "RM")
		}})
	}
	return items
}

// reportBody lays out the sections of a report in items.
func reportBody(pdf *fpdf.Fpdf, sections []ReportSection) []*repItem {
	var items []*repItem
	for i, sec := range sections {
		title := sectionTitleItem(pdf, sec.Title)
		mark := pdfText(sec.Title, false)
		items = append(items, &repItem{h: title.h, keep: true, section: i + 1, draw: func(y float64) {
			pdf.Bookmark(mark, 0, y)
			drawPortraitItem(pdf, title, y)
		}})
		if sec.Intro != "" {
			items = append(items, paragraphItems(pdf, "", repTextSize, repTextLH, pageMargin, contentW, sec.Intro)...)
			items = append(items, spacerItem(repBlockGap))
		}
		empty := true
		for _, r := range sec.Rows {
			row := figureItem(pdf, r.Label, r.Value, r.Meta, r.Progress)
			items = append(items, &repItem{h: row.h, draw: func(y float64) { drawPortraitItem(pdf, row, y) }})
			empty = false
		}
		if sec.Table != nil && (len(sec.Table.Header) > 0 || len(sec.Table.Rows) > 0) {
			items = append(items, spacerItem(repBlockGap))
			items = append(items, tableItems(pdf, *sec.Table)...)
			empty = false
		}
		for _, st := range sec.Stories {
			items = append(items, spacerItem(repStoryGap))
			items = append(items, storyItems(pdf, st)...)
			empty = false
		}
		if len(sec.Bars) > 0 {
			items = append(items, spacerItem(repBlockGap))
			for _, b := range sec.Bars {
				items = append(items, barItem(pdf, b))
			}
			empty = false
		}
		if empty && sec.Empty != "" {
			items = append(items, paragraphItems(pdf, "", repTextSize, repTextLH, pageMargin, contentW, sec.Empty)...)
		}
		items = append(items, spacerItem(repBlockGap))
	}
	return items
}

// spacerItem is an empty item of height h, kept with what follows it.
func spacerItem(h float64) *repItem {
	return &repItem{h: h, keep: true, space: true, draw: func(float64) {}}
}

// paragraphItems wraps text in the box of width w at x, one item a line
// (a paragraph flows over pages).
func paragraphItems(pdf *fpdf.Fpdf, style string, size, lh, x, w float64, text string) []*repItem {
	pdf.SetFont(fontFamily, style, size)
	var items []*repItem
	for _, l := range wrapText(pdf, pdfText(text, true), w) {
		items = append(items, &repItem{h: lh, draw: func(y float64) {
			pdf.SetFont(fontFamily, style, size)
			textLine(pdf, x, y, w, lh, l, "LM")
		}})
	}
	return items
}

// storyItems lays out a highlight: its title in bold and its meta line in
// small type, kept with the first line of its paragraph.
func storyItems(pdf *fpdf.Fpdf, st ReportStory) []*repItem {
	items := paragraphItems(pdf, "B", porRowSize+0.5, porRowLH+0.4, pageMargin, contentW, st.Title)
	if st.Meta != "" {
		pdf.SetFont(fontFamily, "", porMetaSize)
		meta := clampLines(pdf, wrapText(pdf, pdfText(st.Meta, true), contentW), 2, contentW)
		items = append(items, &repItem{h: float64(len(meta))*porMetaLH + 1, draw: func(y float64) {
			pdf.SetFont(fontFamily, "", porMetaSize)
			pdf.SetTextColor(70, 70, 70)
			for _, l := range meta {
				textLine(pdf, pageMargin, y, contentW, porMetaLH, l, "LM")
				y += porMetaLH
			}
			pdf.SetTextColor(0, 0, 0)
		}})
	}
	for _, it := range items {
		it.keep = true
	}
	items = append(items, paragraphItems(pdf, "", repTextSize, repTextLH, pageMargin, contentW, st.Body)...)
	items[len(items)-1].keep = false
	return items
}

// barItem lays out a bar of a chart: its label on the left, the bar, its
// figure on the right.
func barItem(pdf *fpdf.Fpdf, b ReportBar) *repItem {
	pdf.SetFont(fontFamily, "", porRowSize)
	label := clampLines(pdf, wrapText(pdf, pdfText(b.Label, true), repBarLabelW-2), 2, repBarLabelW-2)
	pdf.SetFont(fontFamily, "B", porRowSize)
	text := truncateText(pdf, pdfText(b.Text, false), repBarTextW-2)
	h := max(float64(len(label))*porRowLH, repBarH) + 2*repBarRowGap
	barW := contentW - repBarLabelW - repBarTextW
	value := b.Value
	if math.IsNaN(value) {
		value = 0
	}
	return &repItem{h: h, draw: func(y float64) {
		pdf.SetTextColor(0, 0, 0)
		pdf.SetFont(fontFamily, "", porRowSize)
		ly := y + (h-float64(len(label))*porRowLH)/2
		for _, l := range label {
			textLine(pdf, pageMargin, ly, repBarLabelW-2, porRowLH, l, "LM")
			ly += porRowLH
		}
		drawProgress(pdf, pageMargin+repBarLabelW, y+(h-repBarH)/2, barW, repBarH, value)
		pdf.SetFont(fontFamily, "B", porRowSize)
		textLine(pdf, pageMargin+repBarLabelW+barW+2, y, repBarTextW-2, h, text, "LM")
	}}
}

// tableItems lays out a table in bordered cells: its header in bold (kept
// with the first row and repeated on every page the table runs onto),
// then its rows, columns fitted to their content as on the attendance
// sheet.
func tableItems(pdf *fpdf.Fpdf, t ReportTable) []*repItem {
	n := len(t.Header)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	clean := func(cells []string) []string {
		out := make([]string, n)
		for i, c := range cells {
			out[i] = pdfText(c, true)
		}
		return out
	}
	header := clean(t.Header)
	rows := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = clean(r)
	}
	widths := reportTableWidths(pdf, header, rows)

	var items []*repItem
	var head *repItem
	if len(t.Header) > 0 {
		pdf.SetFont(fontFamily, "B", repTableSize)
		hl := layoutRow(pdf, header, widths, repTableMinRowH, repTableMaxRowH)
		head = &repItem{h: hl.h, keep: len(rows) > 0, draw: func(y float64) {
			pdf.SetFont(fontFamily, "B", repTableSize)
			pdf.SetLineWidth(0.25)
			drawRow(pdf, hl, widths, y)
			pdf.SetLineWidth(0.6)
			pdf.Line(pageMargin, y+hl.h, pageMargin+sum(widths), y+hl.h)
		}}
		items = append(items, head)
	}
	pdf.SetFont(fontFamily, "", repTableSize)
	for _, r := range rows {
		rl := layoutRow(pdf, r, widths, repTableMinRowH, repTableMaxRowH)
		items = append(items, &repItem{h: rl.h, header: head, draw: func(y float64) {
			pdf.SetFont(fontFamily, "", repTableSize)
			pdf.SetLineWidth(0.25)
			drawRow(pdf, rl, widths, y)
		}})
	}
	return items
}

// reportTableWidths sizes the columns of a report's table: each has a
// natural width (its widest cell on one line) and a minimum (its longest
// word); narrow tables keep their natural widths, wider ones share the
// page as fitWidths says.
func reportTableWidths(pdf *fpdf.Fpdf, header []string, rows [][]string) []float64 {
	n := len(header)
	natural := make([]float64, n)
	minimum := make([]float64, n)
	const slack = 2*attPadX + 0.5
	for i := range n {
		pdf.SetFont(fontFamily, "B", repTableSize)
		nat, word := longestLine(pdf, header[i]), longestWord(pdf, header[i])
		pdf.SetFont(fontFamily, "", repTableSize)
		for _, r := range rows {
			nat = max(nat, longestLine(pdf, r[i]))
			word = max(word, longestWord(pdf, r[i]))
		}
		natural[i] = min(max(nat+slack, repTableColMinW), repTableColMaxW)
		minimum[i] = min(max(word+slack, repTableColMinW), natural[i])
	}
	if sum(natural) <= contentW {
		return natural
	}
	pdf.SetFont(fontFamily, "", repTableSize)
	return fitWidths(natural, minimum, contentW, func(col int, w float64) []int {
		counts := make([]int, len(rows))
		for k, r := range rows {
			if r[col] != "" {
				counts[k] = len(wrapText(pdf, r[col], w-2*attPadX))
			}
		}
		return counts
	})
}
