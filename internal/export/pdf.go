package export

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"implique/internal/i18n"
)

// Page geometry shared by the PDF documents, in millimetres. Québec uses
// US Letter paper (8.5" × 11").
const (
	pageW      = 215.9
	pageH      = 279.4
	pageMargin = 15.0
	contentW   = pageW - 2*pageMargin

	// fontFamily is the fpdf family name under which the Go fonts are
	// registered: regular style "" and bold style "B".
	fontFamily = "gofont"
)

// Typography of the attendance sheet: font sizes in points, heights and
// widths in millimetres.
const (
	attTitleSize    = 16.0
	attTitleLH      = 7.0
	attTitleMax     = 3 // lines
	attSubtitleSize = 11.0
	attSubtitleLH   = 5.5
	attSubtitleMax  = 4 // lines
	attCellSize     = 10.0
	attCellLH       = 4.6
	attPadX         = 1.8
	attPadY         = 1.5
	attMinRowH      = 11.0 // room to tick or sign by hand
	attHeaderMinH   = 8.0
	attHeaderMaxH   = 40.0
	attPresenceMinW = 25.0
	attPresenceMaxW = 60.0
	attColMinW      = 12.0
	attColMaxW      = 80.0
	attColWordMaxW  = 50.0
	attShortColW    = 30.0
	attFooterSize   = 8.5
	attFooterLH     = 4.0
	attFooterH      = 2 * attFooterLH
	attFooterGap    = 4.0
	attMinBlankRows = 5
)

// AttendanceSheet describes a printable sign-in sheet for an activity.
//
// Columns are the headings of the data columns and Rows their cells (a
// row may have fewer cells than there are columns). The sheet adds a last,
// empty column to tick or sign ("Présence" in French, "Present" in
// English). When there are neither columns nor rows, a single "Nom" /
// "Name" column is used so that the blank rows can be filled in.
//
// Title is printed in bold at the top of every page and Subtitle (for
// example the date and the venue) under it. Footer is printed at the
// bottom left of every page, above the generation time when Generated is
// not zero (formatted with i18n.DateTime, so pass it in the territory's
// zone). Lang selects the labels: "en" for English, anything else French.
type AttendanceSheet struct {
	Title, Subtitle string
	Columns         []string
	Rows            [][]string
	Footer          string
	Lang            string
	Generated       time.Time
}

// WriteAttendancePDF writes s to w as a PDF sign-in sheet on US Letter
// paper with 15 mm margins.
//
// Each page repeats the title, the subtitle and the table's header row,
// and ends with the footer and "Page 1 de 3" ("Page 1 of 3" in English).
// The table has thin borders and no shading so that it prints well in
// black and white. Rows are at least 11 mm tall, enough to sign by hand;
// long cells wrap inside their column (a cell too long for a whole page is
// cut with "…"). After the given rows come at least five blank rows for
// walk-ins, and more until the last page is full.
//
// Text is set in the Go fonts, embedded in the file; characters they lack
// are replaced as the package documentation says ("Text in PDF files").
func WriteAttendancePDF(w io.Writer, s AttendanceSheet) error {
	pdf := newPDF(s.Title, s.Lang, s.Generated)
	p := planAttendance(pdf, s)
	en := s.Lang == "en"

	pdf.SetLineWidth(0.25)
	pdf.SetDrawColor(0, 0, 0)
	for pi, rows := range p.pages {
		pdf.AddPage()
		pdf.SetTextColor(0, 0, 0)
		y := pageMargin
		pdf.SetFont(fontFamily, "B", attTitleSize)
		for _, l := range p.title {
			textLine(pdf, pageMargin, y, contentW, attTitleLH, l, "LM")
			y += attTitleLH
		}
		pdf.SetFont(fontFamily, "", attSubtitleSize)
		for _, l := range p.subtitle {
			textLine(pdf, pageMargin, y, contentW, attSubtitleLH, l, "LM")
			y += attSubtitleLH
		}

		pdf.SetFont(fontFamily, "B", attCellSize)
		drawRow(pdf, p.header, p.widths, p.headTop)
		pdf.SetLineWidth(0.6)
		pdf.Line(pageMargin, p.bodyTop, pageMargin+sum(p.widths), p.bodyTop)
		pdf.SetLineWidth(0.25)

		pdf.SetFont(fontFamily, "", attCellSize)
		y = p.bodyTop
		for _, r := range rows {
			drawRow(pdf, r, p.widths, y)
			y += r.h
		}

		// Footer.
		fy := pageH - pageMargin - attFooterH
		pdf.SetFont(fontFamily, "", attFooterSize)
		pdf.SetTextColor(60, 60, 60)
		pageLabel := fmt.Sprintf(pick(en, "Page %d of %d", "Page %d de %d"), pi+1, len(p.pages))
		pw := pdf.GetStringWidth(pageLabel)
		textLine(pdf, pageMargin+contentW-pw, fy, pw, attFooterLH, pageLabel, "RM")
		if p.footer != "" {
			fw := contentW - pw - 5
			textLine(pdf, pageMargin, fy, fw, attFooterLH, truncateText(pdf, p.footer, fw), "LM")
		}
		if !s.Generated.IsZero() {
			gen := pick(en, "Generated ", "Généré ") + i18n.DateTime(s.Lang, s.Generated)
			gen = truncateText(pdf, pdfText(gen, false), contentW)
			textLine(pdf, pageMargin, fy+attFooterLH, contentW, attFooterLH, gen, "LM")
		}
	}
	return writePDF(w, pdf)
}

// attendancePlan is the layout of an attendance sheet, computed before
// drawing so that the page count is known for "Page 1 de N".
type attendancePlan struct {
	title, subtitle []string // wrapped lines, repeated on every page
	footer          string
	widths          []float64 // column widths, presence column last
	header          rowLayout
	headTop         float64 // top of the table header row
	bodyTop         float64 // top of the first row of every page
	bodyBottom      float64 // rows end above this line
	pages           [][]rowLayout
	dataRows        int // rows of s.Rows; the rest of the rows are blank
}

// planAttendance lays out s: labels in s.Lang, text cleaned for the
// embedded fonts, column widths, wrapped cells and pagination, with blank
// rows for walk-ins at the end (at least attMinBlankRows, then as many as
// fit on the last page).
func planAttendance(pdf *fpdf.Fpdf, s AttendanceSheet) attendancePlan {
	en := s.Lang == "en"
	var p attendancePlan
	title := pdfText(s.Title, true)
	subtitle := pdfText(s.Subtitle, true)
	p.footer = pdfText(s.Footer, false)

	columns := make([]string, 0, len(s.Columns)+1)
	for _, c := range s.Columns {
		columns = append(columns, pdfText(c, true))
	}
	nData := len(columns)
	for _, r := range s.Rows {
		nData = max(nData, len(r))
	}
	for len(columns) < nData {
		columns = append(columns, "")
	}
	if nData == 0 {
		nData = 1
		columns = append(columns, pick(en, "Name", "Nom"))
	}
	columns = append(columns, pick(en, "Present", "Présence"))
	rows := make([][]string, len(s.Rows))
	for i, r := range s.Rows {
		rows[i] = make([]string, nData, nData+1)
		for j, c := range r {
			rows[i][j] = pdfText(c, true)
		}
	}
	p.widths = attendanceWidths(pdf, columns, rows)

	// Fixed parts of every page.
	if title != "" {
		pdf.SetFont(fontFamily, "B", attTitleSize)
		p.title = clampLines(pdf, wrapText(pdf, title, contentW), attTitleMax, contentW)
	}
	if subtitle != "" {
		pdf.SetFont(fontFamily, "", attSubtitleSize)
		p.subtitle = clampLines(pdf, wrapText(pdf, subtitle, contentW), attSubtitleMax, contentW)
	}
	p.headTop = pageMargin + float64(len(p.title))*attTitleLH + float64(len(p.subtitle))*attSubtitleLH
	if len(p.title)+len(p.subtitle) > 0 {
		p.headTop += 3
	}
	pdf.SetFont(fontFamily, "B", attCellSize)
	p.header = layoutRow(pdf, columns, p.widths, attHeaderMinH, attHeaderMaxH)
	p.bodyTop = p.headTop + p.header.h
	p.bodyBottom = pageH - pageMargin - attFooterH - attFooterGap

	// Paginate.
	pdf.SetFont(fontFamily, "", attCellSize)
	var page []rowLayout
	y := p.bodyTop
	add := func(r rowLayout) {
		if y+r.h > p.bodyBottom && len(page) > 0 {
			p.pages = append(p.pages, page)
			page, y = nil, p.bodyTop
		}
		page = append(page, r)
		y += r.h
	}
	for _, r := range rows {
		add(layoutRow(pdf, append(r, ""), p.widths, attMinRowH, p.bodyBottom-p.bodyTop))
	}
	p.dataRows = len(rows)
	blank := rowLayout{cells: make([][]string, len(columns)), h: attMinRowH}
	for range attMinBlankRows {
		add(blank)
	}
	for y+blank.h <= p.bodyBottom {
		add(blank)
	}
	p.pages = append(p.pages, page)
	return p
}

// rowLayout is a table row ready to draw: the wrapped lines of each cell
// and the row height.
type rowLayout struct {
	cells [][]string
	h     float64
}

// layoutRow wraps each cell of row to its column width in the current
// font and computes the row height: at least minH, at most maxH (cells
// with more lines than fit are cut, the last line ending with "…").
func layoutRow(pdf *fpdf.Fpdf, row []string, widths []float64, minH, maxH float64) rowLayout {
	maxLines := max(1, int((maxH-2*attPadY)/attCellLH))
	r := rowLayout{cells: make([][]string, len(widths)), h: minH}
	for i, w := range widths {
		if i >= len(row) || row[i] == "" {
			continue
		}
		inner := w - 2*attPadX
		r.cells[i] = clampLines(pdf, wrapText(pdf, row[i], inner), maxLines, inner)
		r.h = max(r.h, float64(len(r.cells[i]))*attCellLH+2*attPadY)
	}
	return r
}

// drawRow draws the cells of r at height y: a bordered box each, the text
// vertically centred.
func drawRow(pdf *fpdf.Fpdf, r rowLayout, widths []float64, y float64) {
	x := pageMargin
	for i, w := range widths {
		pdf.Rect(x, y, w, r.h, "D")
		lines := r.cells[i]
		ty := y + (r.h-float64(len(lines))*attCellLH)/2
		for _, l := range lines {
			textLine(pdf, x+attPadX, ty, w-2*attPadX, attCellLH, l, "LM")
			ty += attCellLH
		}
		x += w
	}
}

// attendanceWidths chooses the column widths of the attendance table;
// the last column is the presence column. Each data column has a natural
// width (its widest cell or heading on one line, capped at 80 mm) and a
// minimum width (its longest word, between 12 and 50 mm; the natural
// width for a column no wider than 30 mm, so that short values such as
// phone numbers and postal codes never wrap). The presence
// column gets what the natural widths leave, between 25 and 60 mm. If the
// natural widths then fit, they are scaled up to fill the page; if not,
// see fitWidths.
func attendanceWidths(pdf *fpdf.Fpdf, columns []string, rows [][]string) []float64 {
	nData := len(columns) - 1
	natural := make([]float64, nData)
	minimum := make([]float64, nData)
	for i := range nData {
		pdf.SetFont(fontFamily, "B", attCellSize)
		nat, word := longestLine(pdf, columns[i]), longestWord(pdf, columns[i])
		pdf.SetFont(fontFamily, "", attCellSize)
		for _, r := range rows {
			if i < len(r) {
				nat = max(nat, longestLine(pdf, r[i]))
				word = max(word, longestWord(pdf, r[i]))
			}
		}
		const slack = 2*attPadX + 0.5
		natural[i] = min(max(nat+slack, attColMinW), attColMaxW)
		minimum[i] = min(max(word+slack, attColMinW), attColWordMaxW, natural[i])
		if natural[i] <= attShortColW {
			minimum[i] = natural[i] // phone numbers, postal codes: one line
		}
	}
	pdf.SetFont(fontFamily, "B", attCellSize)
	presence := max(attPresenceMinW, pdf.GetStringWidth(columns[nData])+2*attPadX+0.5)
	presence = min(max(presence, contentW-sum(natural)), attPresenceMaxW)

	// Sample the rows (evenly) to keep the optimisation cheap on long
	// sheets.
	const maxSample = 60
	sample := rows
	if len(rows) > maxSample {
		sample = make([][]string, maxSample)
		for k := range sample {
			sample[k] = rows[k*len(rows)/maxSample]
		}
	}
	pdf.SetFont(fontFamily, "", attCellSize)
	lineCounts := func(col int, w float64) []int {
		counts := make([]int, len(sample))
		for k, r := range sample {
			if col < len(r) && r[col] != "" {
				counts[k] = len(wrapText(pdf, r[col], w-2*attPadX))
			}
		}
		return counts
	}
	widths := fitWidths(natural, minimum, contentW-presence, lineCounts)
	return append(widths, presence)
}

// fitWidths returns column widths, in millimetres, that fill avail
// exactly, given each column's natural width (content on one line) and
// minimum width (its longest word). lineCounts(col, w) gives the number
// of lines of the cells of column col, for a sample of the rows, when the
// column is w wide.
//
//   - If the natural widths fit, they are scaled up in proportion.
//   - If even the minimums do not fit, max-min fairness applies: columns
//     narrower than an equal share keep their minimum and the others
//     share the rest equally (their words will be broken).
//   - Otherwise every column starts at its minimum and the room left is
//     handed out greedily, a few millimetres at a time, to the column
//     whose widening saves the most per millimetre: table height (a
//     row is as tall as its tallest cell, and at least attMinRowH) plus
//     a small penalty per wrapped line. Room that saves nothing goes to
//     the columns in proportion to what they lack to reach their
//     natural width.
func fitWidths(natural, minimum []float64, avail float64, lineCounts func(col int, w float64) []int) []float64 {
	n := len(natural)
	out := make([]float64, n)
	if n == 0 {
		return out
	}
	if total := sum(natural); total <= avail {
		for i, w := range natural {
			out[i] = w * avail / total
		}
		return out
	}
	if sum(minimum) > avail {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(minimum[a], minimum[b]) })
		remaining := avail
		for k, i := range idx {
			share := remaining / float64(n-k)
			if minimum[i] > share {
				for _, j := range idx[k:] {
					out[j] = share
				}
				break
			}
			out[i] = minimum[i]
			remaining -= minimum[i]
		}
		return out
	}

	const step = 2.0 // mm
	type key struct {
		col int
		w   int // tenths of a millimetre
	}
	cache := map[key][]int{}
	counts := func(col int, w float64) []int {
		k := key{col, int(w*10 + 0.5)}
		c, ok := cache[k]
		if !ok {
			c = lineCounts(col, w)
			cache[k] = c
		}
		return c
	}
	cur := make([][]int, n)
	copy(out, minimum)
	for i := range n {
		cur[i] = counts(i, out[i])
	}
	// cost is the table height plus a small penalty for every wrapped
	// line, so that room which saves no height still goes where it
	// unwraps most cells (a name or a phone number on one line).
	const wrapPenalty = 1.5 // mm per extra line
	cost := func(col int, alt []int) float64 {
		h := 0.0
		for r := range cur[0] {
			lines := 0
			for c := range n {
				l := cur[c][r]
				if c == col {
					l = alt[r]
				}
				lines = max(lines, l)
				h += wrapPenalty * float64(max(l-1, 0))
			}
			h += max(attMinRowH, float64(lines)*attCellLH+2*attPadY)
		}
		return h
	}
	extra := avail - sum(out)
	for extra >= step/2 {
		base := cost(-1, nil)
		bestCol, bestD, bestRate := -1, 0.0, 0.0
		for c := range n {
			room := min(extra, natural[c]-out[c])
			for d := step; ; d *= 2 {
				d = min(d, room)
				if d <= 0 {
					break
				}
				if rate := (base - cost(c, counts(c, out[c]+d))) / d; rate > bestRate+1e-9 {
					bestCol, bestD, bestRate = c, d, rate
				}
				if d == room {
					break
				}
			}
		}
		if bestCol < 0 {
			break
		}
		out[bestCol] += bestD
		cur[bestCol] = counts(bestCol, out[bestCol])
		extra -= bestD
	}
	if extra > 0 {
		lack := 0.0
		for i := range n {
			lack += natural[i] - out[i]
		}
		for i := range n {
			if lack > 0 {
				out[i] += extra * (natural[i] - out[i]) / lack
			} else {
				out[i] += extra / float64(n)
			}
		}
	}
	return out
}

// Avery 5163-compatible name tag layout on US Letter, in millimetres:
// labels 4" × 2" (101.6 × 50.8 mm), 2 columns × 5 rows, 0.5" top and
// bottom margins, 5/32" side margins and a 3/16" gutter between the
// columns, no gap between rows.
const (
	tagW      = 101.6
	tagH      = 50.8
	tagCols   = 2
	tagRows   = 5
	tagLeft   = 3.96875 // 5/32"
	tagGutter = 4.7625  // 3/16"
	tagTop    = 12.7    // 1/2"
	tagPadX   = 6.0

	tagNameMax  = 30.0 // points
	tagNameMin  = 12.0
	tagLine2Max = 14.0
	tagLine2Min = 8.0
	tagEventMax = 9.0
	tagEventMin = 6.0

	tagMinBlank = 4
)

// NameTag is the text of one name tag: the person's name, printed big and
// bold, and a smaller second line (for example their municipality or
// organisation), which may be empty.
type NameTag struct {
	Name, Line2 string
}

// WriteNameTagsPDF writes name tags to w as a PDF for adhesive label
// sheets on US Letter paper: 4" × 2" labels, 2 columns × 5 rows (positions
// of Avery 5163 and compatible sheets; on plain paper the tags can be cut
// apart). Tags fill each sheet left to right, then top to bottom.
//
// On each tag the name is printed in bold, as big as fits on one line
// (from 30 pt down to 12 pt, then cut with "…"), Line2 under it in a
// smaller regular font, and the event name small at the bottom. After the
// given tags come at least four blank tags for walk-ins (with the event
// name and a line to write on), and more until the last sheet is full.
// Text is cleaned as for WriteAttendancePDF; the document language is
// French.
func WriteNameTagsPDF(w io.Writer, event string, tags []NameTag) error {
	pdf := newPDF(event, "fr", time.Time{})
	event = pdfText(event, false)
	all := make([]NameTag, 0, len(tags)+tagMinBlank+tagCols*tagRows)
	for _, t := range tags {
		all = append(all, NameTag{Name: pdfText(t.Name, false), Line2: pdfText(t.Line2, false)})
	}
	all = append(all, make([]NameTag, tagMinBlank)...)
	for len(all)%(tagCols*tagRows) != 0 {
		all = append(all, NameTag{})
	}

	inner := tagW - 2*tagPadX
	for i, t := range all {
		slot := i % (tagCols * tagRows)
		if slot == 0 {
			pdf.AddPage()
		}
		x := tagLeft + float64(slot%tagCols)*(tagW+tagGutter) + tagPadX
		y := tagTop + float64(slot/tagCols)*tagH

		pdf.SetTextColor(0, 0, 0)
		if strings.TrimSpace(t.Name) != "" {
			name := fitText(pdf, "B", t.Name, inner, tagNameMax, tagNameMin)
			textLine(pdf, x, y+7, inner, 17, name, "CM")
		} else {
			pdf.SetDrawColor(170, 170, 170)
			pdf.SetLineWidth(0.3)
			pdf.Line(x+4, y+23, x+inner-4, y+23)
		}
		if t.Line2 != "" {
			line2 := fitText(pdf, "", t.Line2, inner, tagLine2Max, tagLine2Min)
			textLine(pdf, x, y+25, inner, 8, line2, "CM")
		}
		if event != "" {
			pdf.SetTextColor(70, 70, 70)
			ev := fitText(pdf, "", event, inner, tagEventMax, tagEventMin)
			textLine(pdf, x, y+tagH-11, inner, 6, ev, "CM")
		}
	}
	return writePDF(w, pdf)
}

// fitText selects the largest font size from maxSize down to minSize, in
// half points, at which s fits on one line of width w, and returns s (cut
// with "…" if it does not fit even at minSize). The font stays selected.
func fitText(pdf *fpdf.Fpdf, style, s string, w, maxSize, minSize float64) string {
	for size := maxSize; size >= minSize; size -= 0.5 {
		pdf.SetFont(fontFamily, style, size)
		if pdf.GetStringWidth(s) <= w {
			return s
		}
	}
	pdf.SetFont(fontFamily, style, minSize)
	return truncateText(pdf, s, w)
}

// newPDF returns a US Letter document in millimetres with the Go fonts
// registered, automatic page breaks off (the callers lay pages out
// themselves), its resources written in a fixed order and its metadata set: the creation and modification dates
// are created (the time of writing when zero) in UTC, which writePDF
// completes with their offset.
func newPDF(title, lang string, created time.Time) *fpdf.Fpdf {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "Letter"})
	pdf.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	pdf.SetMargins(pageMargin, pageMargin, pageMargin)
	pdf.SetAutoPageBreak(false, pageMargin)
	pdf.SetCellMargin(0)
	// Fonts and other resources in a fixed order (fpdf keeps them in
	// maps): the same document and creation time give the same bytes.
	pdf.SetCatalogSort(true)
	pdf.SetTitle(pdfText(title, false), true)
	pdf.SetCreator("Implique", false)
	pdf.SetProducer("Implique", false)
	if lang == "en" {
		pdf.SetLang("en-CA")
	} else {
		pdf.SetLang("fr-CA")
	}
	if created.IsZero() {
		created = time.Now()
	}
	// In UTC: writePDF adds the offset that fpdf leaves out.
	pdf.SetCreationDate(created.UTC())
	pdf.SetModificationDate(created.UTC())
	return pdf
}

// pdfOffsetUTC is the offset added to the creation and modification
// dates, which are in UTC (ISO 32000-1, section 7.9.4).
const pdfOffsetUTC = "+00'00'"

var (
	// pdfInfoDates are the dates fpdf writes in the document information
	// dictionary, without an offset.
	pdfInfoDates = regexp.MustCompile(`/CreationDate \(D:\d{14}\)\n/ModDate \(D:\d{14}\)\n`)
	// pdfStartXref ends the file: the offset of the cross-reference table.
	pdfStartXref = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`)
	// pdfXrefEntry is an entry of the cross-reference table for an object
	// in use: its offset in 10 digits.
	pdfXrefEntry = regexp.MustCompile(`(\d{10}) \d{5} n \n`)
)

// writePDF writes the finished document to w with its creation and
// modification dates completed with their offset from UTC, which fpdf
// leaves out (a date without an offset is in an unknown zone): the
// document information dictionary gets "D:20261202233000+00'00'", and
// the cross-reference table and startxref are moved by the bytes added.
func writePDF(w io.Writer, pdf *fpdf.Fpdf) error {
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return err
	}
	doc, err := withDateOffsets(buf.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(doc)
	return err
}

// withDateOffsets returns doc, a PDF written by fpdf, with pdfOffsetUTC
// added to the CreationDate and ModDate of its information dictionary and
// the offsets after them moved accordingly.
func withDateOffsets(doc []byte) ([]byte, error) {
	all := pdfInfoDates.FindAllIndex(doc, -1)
	end := pdfStartXref.FindSubmatchIndex(doc)
	if len(all) == 0 || end == nil {
		return nil, errors.New("export: unexpected PDF structure: no dates or no startxref")
	}
	info := all[len(all)-1] // the information dictionary comes last
	creation := info[0] + bytes.IndexByte(doc[info[0]:], ')')
	modification := info[1] - 2 // before ")\n"
	at := []int{creation, modification}
	shift := func(off int) int {
		for _, a := range at {
			if off > a {
				off += len(pdfOffsetUTC)
			}
		}
		return off
	}
	xref, err := strconv.Atoi(string(doc[end[2]:end[3]]))
	if err != nil || xref <= modification || xref >= end[0] || !bytes.HasPrefix(doc[xref:], []byte("xref\n")) {
		return nil, errors.New("export: unexpected PDF structure: xref table")
	}
	out := make([]byte, 0, len(doc)+len(at)*len(pdfOffsetUTC)+2)
	prev := 0
	for _, a := range at {
		out = append(out, doc[prev:a]...)
		out = append(out, pdfOffsetUTC...)
		prev = a
	}
	out = append(out, doc[prev:xref]...)
	out = append(out, pdfXrefEntry.ReplaceAllFunc(doc[xref:end[0]], func(e []byte) []byte {
		off, _ := strconv.Atoi(string(e[:10])) // ten digits: always a number
		return fmt.Appendf(nil, "%010d%s", shift(off), e[10:])
	})...)
	return fmt.Appendf(out, "startxref\n%d\n%%%%EOF\n", shift(xref)), nil
}

// textLine writes one line of text in the box (x, y, w, h) with fpdf's
// alignment letters (L, C or R; M for vertical centring).
func textLine(pdf *fpdf.Fpdf, x, y, w, h float64, s, align string) {
	pdf.SetXY(x, y)
	pdf.CellFormat(w, h, s, "", 0, align, false, 0, "")
}

// wrapText splits s into lines no wider than w in the current font. It
// breaks at ordinary spaces and line feeds only, so no-break spaces keep
// "18 h 30" or « » with their words; a word wider than w is broken as
// breakWord says.
func wrapText(pdf *fpdf.Fpdf, s string, w float64) []string {
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		line := ""
		for _, word := range strings.FieldsFunc(para, func(r rune) bool { return r == ' ' }) {
			candidate := word
			if line != "" {
				candidate = line + " " + word
			}
			if pdf.GetStringWidth(candidate) <= w {
				line = candidate
				continue
			}
			if line != "" {
				lines = append(lines, line)
			}
			for pdf.GetStringWidth(word) > w {
				head, tail := breakWord(pdf, word, w)
				lines = append(lines, head)
				word = tail
			}
			line = word
		}
		lines = append(lines, line)
	}
	return lines
}

// breakWord splits a word wider than w into a head that fits (at least
// one character) and the rest. It breaks, by order of preference, before
// an "@" (e-mail addresses), after a hyphen, slash or underscore, or
// before a dot; failing those, between any two characters.
func breakWord(pdf *fpdf.Fpdf, word string, w float64) (head, tail string) {
	fit := 0 // bytes of the longest prefix that fits
	for i, r := range word {
		end := i + utf8.RuneLen(r)
		if pdf.GetStringWidth(word[:end]) > w {
			break
		}
		fit = end
	}
	if fit == 0 {
		_, size := utf8.DecodeRuneInString(word)
		return word[:size], word[size:]
	}
	prefix := word[:fit]
	if at := strings.LastIndexByte(prefix, '@'); at > 0 {
		return word[:at], word[at:]
	}
	if h := strings.LastIndexAny(prefix, "-/_"); h > 0 && h+1 < len(word) {
		return word[:h+1], word[h+1:]
	}
	if dot := strings.LastIndexByte(prefix, '.'); dot > 0 {
		return word[:dot], word[dot:]
	}
	return prefix, word[fit:]
}

// clampLines keeps at most n lines, ending the last one kept with "…"
// (within width w) when lines were dropped.
func clampLines(pdf *fpdf.Fpdf, lines []string, n int, w float64) []string {
	if len(lines) <= n {
		return lines
	}
	lines = lines[:n]
	lines[n-1] = truncateText(pdf, lines[n-1]+"…", w)
	return lines
}

// truncateText returns s if it fits in width w in the current font, else
// the longest prefix of s that fits with "…" appended.
func truncateText(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	s = strings.TrimSuffix(s, "…")
	for s != "" {
		_, size := utf8.DecodeLastRuneInString(s)
		s = strings.TrimRight(s[:len(s)-size], " ")
		if pdf.GetStringWidth(s+"…") <= w {
			break
		}
	}
	return s + "…"
}

// longestLine returns the width, in the current font, of the widest line
// of s.
func longestLine(pdf *fpdf.Fpdf, s string) float64 {
	w := 0.0
	for line := range strings.SplitSeq(s, "\n") {
		w = max(w, pdf.GetStringWidth(line))
	}
	return w
}

// longestWord returns the width, in the current font, of the widest word
// of s. Words are separated by spaces and line feeds, and an e-mail
// address counts as two words, split before its "@", where wrapText
// prefers to break it.
func longestWord(pdf *fpdf.Fpdf, s string) float64 {
	w := 0.0
	for _, word := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' }) {
		if at := strings.LastIndexByte(word, '@'); at > 0 {
			w = max(w, pdf.GetStringWidth(word[:at]), pdf.GetStringWidth(word[at:]))
			continue
		}
		w = max(w, pdf.GetStringWidth(word))
	}
	return w
}

// sum returns the sum of xs.
func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}

// pick returns en when english is true, else fr.
func pick(english bool, en, fr string) string {
	if english {
		return en
	}
	return fr
}

// fontCoverage is a bit set of the runes of the Basic Multilingual Plane
// that both embedded fonts (regular and bold) have a glyph for.
var fontCoverage = sync.OnceValue(func() *[0x10000 / 64]uint64 {
	var set [0x10000 / 64]uint64
	var fonts []*sfnt.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			// Cannot happen with the fonts compiled in; fall back
			// to printable ASCII, which every font has.
			for r := 0x20; r < 0x7f; r++ {
				set[r/64] |= 1 << (r % 64)
			}
			return &set
		}
		fonts = append(fonts, f)
	}
	var buf sfnt.Buffer
	for r := rune(0x20); r < 0x10000; r++ {
		ok := true
		for _, f := range fonts {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				ok = false
				break
			}
		}
		if ok {
			set[r/64] |= 1 << (r % 64)
		}
	}
	return &set
})

// hasGlyph reports whether both embedded fonts can draw r.
func hasGlyph(r rune) bool {
	if r < 0 || r >= 0x10000 {
		return false
	}
	return fontCoverage()[r/64]&(1<<(r%64)) != 0
}

// pdfText prepares s for the embedded fonts: invalid UTF-8 becomes
// U+FFFD, the text is put in Unicode normal form C (so a decomposed "é"
// is one glyph), tabs become spaces, line breaks are kept only when
// multiline (else they become spaces), other control and format
// characters are dropped, and characters the fonts lack are replaced:
// narrow and figure no-break spaces (U+202F, U+2007) by the no-break space
// U+00A0, other spaces by a space, non-breaking hyphens by "-", accented
// letters by their base letter, symbols (such as emoji) dropped, and
// anything else by the replacement character U+FFFD.
func pdfText(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\ufffd")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = norm.NFC.String(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\u2028' || r == '\u2029':
			if multiline {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			b.WriteByte(' ')
		case hasGlyph(r):
			b.WriteRune(r)
		case r == '\u202f' || r == '\u2007':
			b.WriteRune('\u00a0')
		case unicode.Is(unicode.Zs, r):
			b.WriteByte(' ')
		case r == '\u2010' || r == '\u2011':
			b.WriteByte('-')
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Mn, unicode.Me):
			// dropped
		case unicode.In(r, unicode.So, unicode.Sk, unicode.Cs, unicode.Co):
			// dropped: emoji and other pictographs
		default:
			wrote := false
			for _, d := range norm.NFD.String(string(r)) {
				if hasGlyph(d) {
					b.WriteRune(d)
					wrote = true
				}
			}
			if !wrote {
				b.WriteRune('\ufffd')
			}
		}
	}
	return frenchSpacing.Replace(strings.TrimSpace(b.String()))
}

// frenchSpacing turns the ordinary space inside guillemets and before
// the high punctuation marks into a no-break space, so that a line never
// starts with « » : ; ! or ? (Québec typography asks for a no-break space
// there anyway).
var frenchSpacing = strings.NewReplacer(
	"« ", "«\u00a0",
	" »", "\u00a0»",
	" :", "\u00a0:",
	" ;", "\u00a0;",
	" !", "\u00a0!",
	" ?", "\u00a0?",
)
