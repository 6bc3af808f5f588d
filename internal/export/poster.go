package export

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// Formats of a poster.
const (
	// PosterLetter is a poster on US Letter paper (8.5 × 11 in).
	PosterLetter = "letter"
	// PosterTabloid is a poster on tabloid paper (11 × 17 in).
	PosterTabloid = "tabloid"
	// PosterFlyers is a US Letter sheet of four flyers to cut, with cut
	// marks.
	PosterFlyers = "flyers"
)

// PosterFormats lists them in display order.
var PosterFormats = []string{PosterLetter, PosterTabloid, PosterFlyers}

// PosterDetail is a labelled line of a poster (« Quand », « Où »).
type PosterDetail struct {
	Label, Text string
}

// Poster is a poster or a sheet of flyers that promotes one thing (an
// event, a campaign, a volunteer opportunity, a questionnaire) with a QR
// code to a tracked link. Every text is printed as given; Lang sets the
// document's language. Everything is black on white, so it prints in
// black and white and says nothing by colour.
type Poster struct {
	Lang   string
	Format string
	// Kicker is the small line above the title (« Souper citoyen »).
	Kicker string
	Title  string
	// Text is a few lines of invitation (line breaks kept).
	Text    string
	Details []PosterDetail
	// Call is the line above the code (« Pour s’inscrire : »).
	Call string
	// URL is the address in the code, printed in full under it.
	URL string
	// Program and Operator are the program's identity, at the bottom.
	Program, Operator string
	// Created is the document's creation time (metadata).
	Created time.Time
}

// posterSize is the page of a format, in millimetres.
func posterSize(format string) (w, h float64, ok bool) {
	switch format {
	case PosterLetter, PosterFlyers:
		return pageW, pageH, true
	case PosterTabloid:
		return 279.4, 431.8, true
	}
	return 0, 0, false
}

// WritePosterPDF writes p to w as a one-page PDF: on letter and tabloid
// paper, one poster filling the page (the kicker, the title in large bold
// type, the text, the details with their labels in bold, the call, a QR
// code of p.URL with its quiet zone and the URL under it, and the
// program's identity at the bottom, within a frame); on a flyers sheet,
// four copies of it at half size, with cut marks between them. An unknown
// format, an empty URL or one too long for a QR code are errors.
func WritePosterPDF(w io.Writer, p Poster) error {
	pw, ph, ok := posterSize(p.Format)
	if !ok {
		return fmt.Errorf("export: poster format %q", p.Format)
	}
	url := strings.TrimSpace(p.URL)
	if url == "" {
		return errors.New("export: poster without a URL")
	}
	modules, err := QR(url)
	if err != nil {
		return err
	}
	pdf := newPDF(p.Title, p.Lang, p.Created)
	pdf.AddPageFormat("P", fpdf.SizeType{Wd: pw, Ht: ph})
	pdf.SetTextColor(0, 0, 0)
	pdf.SetDrawColor(0, 0, 0)
	if p.Format == PosterFlyers {
		cw, ch := pw/2, ph/2
		for i := range 4 {
			x, y := float64(i%2)*cw, float64(i/2)*ch
			drawPoster(pdf, p, modules, x, y, cw, ch, 0.5)
		}
		posterCutMarks(pdf, pw, ph)
	} else {
		drawPoster(pdf, p, modules, 0, 0, pw, ph, pw/pageW)
	}
	return writePDF(w, pdf)
}

// posterCutMarks draws dashed lines where the flyers are cut apart, with
// short solid marks at the edges of the sheet.
func posterCutMarks(pdf *fpdf.Fpdf, pw, ph float64) {
	pdf.SetLineWidth(0.25)
	pdf.SetDashPattern([]float64{2, 2}, 0)
	pdf.Line(pw/2, 0, pw/2, ph)
	pdf.Line(0, ph/2, pw, ph/2)
	pdf.SetDashPattern(nil, 0)
	pdf.SetLineWidth(0.5)
	pdf.Line(pw/2, 0, pw/2, 6)
	pdf.Line(pw/2, ph-6, pw/2, ph)
	pdf.Line(0, ph/2, 6, ph/2)
	pdf.Line(pw-6, ph/2, pw, ph/2)
}

// drawPoster draws one poster in the box (x, y, w, h), its type sizes
// scaled by k (1 on letter paper).
func drawPoster(pdf *fpdf.Fpdf, p Poster, modules [][]bool, x, y, w, h, k float64) {
	m := 12 * k
	if k < 1 {
		m = 9
	}
	// The frame: a thick black line inside the margin.
	pdf.SetLineWidth(1.2 * k)
	pdf.Rect(x+m/2, y+m/2, w-m, h-m, "D")
	inX, inW := x+m+2*k, w-2*m-4*k
	lh := func(size float64) float64 { return size * 0.42 }
	wrap := func(s, style string, size float64, n int, multiline bool) []string {
		s = pdfText(strings.TrimSpace(s), multiline)
		if s == "" {
			return nil
		}
		pdf.SetFont(fontFamily, style, size)
		return clampLines(pdf, wrapText(pdf, s, inW), n, inW)
	}
	put := func(lines []string, style string, size, top float64, align string) float64 {
		pdf.SetFont(fontFamily, style, size)
		for _, l := range lines {
			textLine(pdf, inX, top, inW, lh(size), l, align+"M")
			top += lh(size)
		}
		return top
	}

	// From the bottom: the identity, the URL, the code, the call.
	idSize := max(12*k, 7)
	identity := wrap(strings.TrimSpace(p.Program+" — "+p.Operator), "", idSize, 2, false)
	if p.Program == "" || p.Operator == "" {
		identity = wrap(p.Program+p.Operator, "", idSize, 2, false)
	}
	bottom := y + h - m - 3*k
	idTop := bottom - float64(len(identity))*lh(idSize)
	urlSize := max(15*k, 8)
	pdf.SetFont(fontFamily, "B", urlSize)
	urlLines := wrapText(pdf, pdfText(p.URL, false), inW)
	urlTop := idTop - 4*k - float64(len(urlLines))*lh(urlSize)
	n := float64(len(modules))
	side := min(w*0.36, 90*k)
	module := side / n
	side = module * n
	qrTop := urlTop - QRQuietZone*module - side
	callSize := max(18*k, 9)
	call := wrap(p.Call, "B", callSize, 2, false)
	callTop := qrTop - QRQuietZone*module - float64(len(call))*lh(callSize)

	// From the top: the kicker, the title, the text, the details.
	top := y + m + 8*k
	kickSize, titleSize, textSize, detSize := max(16*k, 9), max(40*k, 18), max(17*k, 9), max(18*k, 9)
	top = put(wrap(strings.ToUpper(p.Kicker), "B", kickSize, 2, false), "B", kickSize, top, "C")
	top += 3 * k
	top = put(wrap(p.Title, "B", titleSize, 3, false), "B", titleSize, top, "C")
	top += 6 * k
	var details [][]string
	detH := 0.0
	for _, d := range p.Details {
		if strings.TrimSpace(d.Text) == "" {
			continue
		}
		l := wrap(d.Label+" "+d.Text, "B", detSize, 2, false)
		details = append(details, l)
		detH += float64(len(l))*lh(detSize) + 2*k
	}
	room := callTop - 6*k - detH - top
	textLines := int(room / lh(textSize))
	if textLines > 0 {
		top = put(wrap(p.Text, "", textSize, textLines, true), "", textSize, top, "C")
		top += 4 * k
	}
	for _, l := range details {
		top = put(l, "B", detSize, top, "C")
		top += 2 * k
	}
	put(call, "B", callSize, callTop, "C")

	// The code: black modules on the white page, its quiet zone left blank.
	qx := x + (w-side)/2
	pdf.SetFillColor(0, 0, 0)
	for _, r := range qrRuns(modules) {
		rx := qx + float64(r.x)*module
		ry := qrTop + float64(r.y)*module
		pdf.Rect(rx, ry, float64(r.n)*module, module, "F")
	}
	put(urlLines, "B", urlSize, urlTop, "C")
	put(identity, "", idSize, idTop, "C")
}
