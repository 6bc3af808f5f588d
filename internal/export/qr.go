package export

import (
	"errors"
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// QRQuietZone is the width, in modules, of the light margin a QR code
// needs around it to be read (ISO/IEC 18004). QR leaves it out; QRSVG
// and WriteQRSheetPDF add it.
const QRQuietZone = 4

// QR returns the modules of a QR code for content, row by row (true is a
// dark module), with medium error correction (about 15 % of the code can
// be damaged), without the quiet zone: the result is square, 21 to 177
// modules a side. Content is encoded as given, as bytes; since readers
// guess the character set of bytes outside ASCII, give a URL in ASCII
// (punycode host, percent-encoded path). Empty content and content too
// long for a QR code (2,331 bytes at this level) are errors.
func QR(content string) ([][]bool, error) {
	if content == "" {
		return nil, errors.New("export: QR code of empty content")
	}
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("export: QR code of %d bytes: %w", len(content), err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// QRSVG returns the QR code of content (see QR) as an SVG image to put in
// a web page: px × px pixels, a white background that includes the quiet
// zone, and one black path of the dark modules; the view box counts
// modules. The image has role="img" and label as its accessible name
// (aria-label); when label is empty, content is the name. px must be
// positive.
func QRSVG(content, label string, px int) (string, error) {
	if px <= 0 {
		return "", fmt.Errorf("export: QR code of %d pixels", px)
	}
	modules, err := QR(content)
	if err != nil {
		return "", err
	}
	if label == "" {
		label = content
	}
	side := len(modules) + 2*QRQuietZone
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		side, side, px, px, html.EscapeString(label))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, side, side)
	for _, r := range qrRuns(modules) {
		fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", r.x+QRQuietZone, r.y+QRQuietZone, r.n, r.n)
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}

// qrRun is a horizontal run of dark modules: its row, first column and
// length.
type qrRun struct{ y, x, n int }

// qrRuns returns the horizontal runs of dark modules, row by row.
func qrRuns(modules [][]bool) []qrRun {
	var runs []qrRun
	for y, row := range modules {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			runs = append(runs, qrRun{y, start, x - start})
		}
	}
	return runs
}

// QRSheet is a one-page poster that sends people to a web page (a
// survey's public page) with a QR code. Every text is printed as given;
// Lang sets the document's language.
type QRSheet struct {
	Lang string
	// Title is printed large at the top, Invitation under it (line
	// breaks are kept).
	Title, Invitation string
	// URL is the address in the code, printed in full under it for
	// people without a camera to type.
	URL string
	// Footer says who runs it, at the bottom of the page.
	Footer string
	// Created is the document's creation time (metadata).
	Created time.Time
}

// Geometry of the QR sheet, in millimetres and points.
const (
	qrTitleSize      = 28.0
	qrTitleLH        = 11.5
	qrTitleMax       = 3 // lines
	qrInviteSize     = 16.0
	qrInviteLH       = 7.5
	qrInviteMax      = 6
	qrURLSize        = 15.0 // down to qrURLMinSize when that takes fewer lines
	qrURLMinSize     = 11.0
	qrFooterSize     = 12.0
	qrFooterLH       = 5.5
	qrFooterMax      = 3
	qrGap            = 5.0
	qrMaxSide        = 120.0 // the code, quiet zone excluded
	qrMinSide        = 90.0
	qrSheetTextWidth = contentW
)

// qrSheetPlan is the layout of a QR sheet.
type qrSheetPlan struct {
	title, invite, url, footer []string
	urlSize, urlLH             float64
	titleTop, inviteTop        float64
	urlTop, footerTop          float64
	modules                    [][]bool
	x, y, module               float64 // top left corner of the code and module side
}

// side is the side of the code, quiet zone excluded.
func (p qrSheetPlan) side() float64 { return p.module * float64(len(p.modules)) }

// WriteQRSheetPDF writes s to w as a one-page PDF on US Letter paper to
// pin on a bulletin board: the title in large bold type, the invitation,
// a QR code of s.URL at least 9 cm wide (black squares on white, with its
// quiet zone), the URL in full under it, and the footer at the bottom.
// The title, invitation and footer are cut with "…" when too long; the
// URL never is. An empty URL, or one too long for a QR code 9 cm wide
// with the URL printed under it, is an error.
func WriteQRSheetPDF(w io.Writer, s QRSheet) error {
	pdf := newPDF(s.Title, s.Lang, s.Created)
	p, err := planQRSheet(pdf, s)
	if err != nil {
		return err
	}
	pdf.AddPage()
	pdf.SetTextColor(0, 0, 0)
	center := func(lines []string, style string, size, lh, y float64) {
		pdf.SetFont(fontFamily, style, size)
		for i, l := range lines {
			textLine(pdf, pageMargin, y+float64(i)*lh, qrSheetTextWidth, lh, l, "CM")
		}
	}
	center(p.title, "B", qrTitleSize, qrTitleLH, p.titleTop)
	center(p.invite, "", qrInviteSize, qrInviteLH, p.inviteTop)
	center(p.url, "B", p.urlSize, p.urlLH, p.urlTop)
	center(p.footer, "", qrFooterSize, qrFooterLH, p.footerTop)

	// The code: one filled path of a rectangle per run of dark modules.
	pdf.SetFillColor(0, 0, 0)
	for _, r := range qrRuns(p.modules) {
		x := p.x + float64(r.x)*p.module
		y := p.y + float64(r.y)*p.module
		pdf.MoveTo(x, y)
		pdf.LineTo(x+float64(r.n)*p.module, y)
		pdf.LineTo(x+float64(r.n)*p.module, y+p.module)
		pdf.LineTo(x, y+p.module)
		pdf.ClosePath()
	}
	pdf.DrawPath("F")
	return writePDF(w, pdf)
}

// planQRSheet lays the sheet out from the top (title, invitation) and
// the bottom (footer, URL), and gives the code the room between them: as
// large as fits with its quiet zone, up to 12 cm.
func planQRSheet(pdf *fpdf.Fpdf, s QRSheet) (qrSheetPlan, error) {
	var p qrSheetPlan
	url := strings.TrimSpace(s.URL)
	modules, err := QR(url)
	if err != nil {
		return p, err
	}
	p.modules = modules
	wrap := func(text, style string, size float64, maxLines int) []string {
		text = pdfText(text, true)
		if text == "" {
			return nil
		}
		pdf.SetFont(fontFamily, style, size)
		lines := wrapText(pdf, text, qrSheetTextWidth)
		if maxLines > 0 {
			lines = clampLines(pdf, lines, maxLines, qrSheetTextWidth)
		}
		return lines
	}
	p.title = wrap(s.Title, "B", qrTitleSize, qrTitleMax)
	p.invite = wrap(s.Invitation, "", qrInviteSize, qrInviteMax)
	p.footer = wrap(s.Footer, "", qrFooterSize, qrFooterMax)
	// The URL in as few lines as it can take, at the largest size that
	// gives them: fewer breaks, fewer mistakes when typing it.
	printed := pdfText(url, false)
	for size := qrURLSize; size >= qrURLMinSize; size-- {
		pdf.SetFont(fontFamily, "B", size)
		if lines := wrapText(pdf, printed, qrSheetTextWidth); p.url == nil || len(lines) < len(p.url) {
			p.url, p.urlSize = lines, size
		}
	}
	p.urlLH = p.urlSize * 0.47

	p.titleTop = pageMargin + 5
	p.inviteTop = p.titleTop + float64(len(p.title))*qrTitleLH + qrGap
	top := p.inviteTop + float64(len(p.invite))*qrInviteLH + qrGap
	p.footerTop = pageH - pageMargin - float64(len(p.footer))*qrFooterLH
	p.urlTop = p.footerTop - qrGap*2 - float64(len(p.url))*p.urlLH
	room := p.urlTop - qrGap - top

	n := float64(len(modules))
	p.module = min(qrMaxSide/n, room/(n+2*QRQuietZone), contentW/(n+2*QRQuietZone))
	if p.side() < qrMinSide {
		return p, fmt.Errorf("export: QR sheet: the code would be %.0f mm wide, under %.0f mm", p.side(), qrMinSide)
	}
	p.x = (pageW - p.side()) / 2
	p.y = top + (room-p.side())/2
	// The URL right under the code's quiet zone.
	p.urlTop = min(p.urlTop, p.y+p.side()+QRQuietZone*p.module)
	return p, nil
}
