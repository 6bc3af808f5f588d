package export

import (
	"errors"
	"io"
	"time"

	"github.com/go-pdf/fpdf"
)

// Certificate is a one-page certificate of recognition or attestation:
// who gives it, to whom, for what, the detail (one row per organisation,
// for example), and a code anyone can check.
//
// Every text is printed as given (already in the reader's language); Lang
// only sets the document's language. Rows have two cells: a label (wrapped
// when long) and a figure (right-aligned).
type Certificate struct {
	Lang string
	// Issuer is the organisation that gives it (the volunteer centre), and
	// Program the program's name, both printed at the top.
	Issuer  string
	Program string
	Title   string
	// Intro comes before the holder's name (« décerné à », « atteste que »).
	Intro  string
	Holder string
	// Statement follows the name: what is recognised, and when.
	Statement string
	// Columns head the rows; Total closes them (empty: no total row).
	Columns [2]string
	Rows    [][2]string
	Total   [2]string
	// Note is printed under the table (a school's name, how hours count).
	Note string
	// Signature names who signs, under a line to sign on.
	Signature string
	// Issued is the date line; Verification the code and where to check it.
	Issued       string
	Verification string
	// Created is the document's creation time (metadata).
	Created time.Time
}

// Geometry of the certificate, in millimetres and points.
const (
	certBorder      = 10.0
	certInner       = 13.0
	certSide        = 28.0
	certW           = pageW - 2*certSide
	certIssuerSize  = 12.0
	certTitleSize   = 26.0
	certIntroSize   = 13.0
	certHolderSize  = 24.0
	certTextSize    = 12.5
	certTableSize   = 11.0
	certSmallSize   = 9.0
	certTableLH     = 5.4
	certFigureW     = 32.0
	certMaxRowLines = 3
)

// WriteCertificatePDF writes c to w as a one-page PDF on US Letter paper:
// a double border, the issuer and program, the title, the holder's name
// in large bold type, the statement, the table, a line to sign on, the
// date and the verification code. Rows that do not fit on the page are
// summed up in a last row « … ». Text is cleaned as the package
// documentation says.
func WriteCertificatePDF(w io.Writer, c Certificate) error {
	return WriteCertificatesPDF(w, c.Title+" — "+c.Holder, []Certificate{c})
}

// WriteCertificatesPDF writes several certificates to w as one PDF, one
// page each (a cohort's certificates printed at once), under title; the
// document takes the first one's language and creation time.
func WriteCertificatesPDF(w io.Writer, title string, cs []Certificate) error {
	if len(cs) == 0 {
		return errors.New("export: no certificate to write")
	}
	pdf := newPDF(title, cs[0].Lang, cs[0].Created)
	for _, c := range cs {
		drawCertificate(pdf, c)
	}
	return writePDF(w, pdf)
}

// drawCertificate adds one certificate's page to pdf.
func drawCertificate(pdf *fpdf.Fpdf, c Certificate) {
	pdf.AddPage()
	pdf.SetTextColor(0, 0, 0)
	pdf.SetDrawColor(27, 94, 122)
	pdf.SetLineWidth(1.2)
	pdf.Rect(certBorder, certBorder, pageW-2*certBorder, pageH-2*certBorder, "D")
	pdf.SetLineWidth(0.4)
	pdf.Rect(certInner, certInner, pageW-2*certInner, pageH-2*certInner, "D")

	center := func(y, size, lh float64, style, s string, maxLines int) float64 {
		pdf.SetFont(fontFamily, style, size)
		lines := clampLines(pdf, wrapText(pdf, pdfText(s, true), certW), maxLines, certW)
		for _, l := range lines {
			textLine(pdf, certSide, y, certW, lh, l, "CM")
			y += lh
		}
		return y
	}

	y := 26.0
	pdf.SetTextColor(27, 94, 122)
	y = center(y, certIssuerSize, 5.5, "B", c.Issuer, 2)
	if c.Program != "" {
		y = center(y, certIssuerSize, 5.5, "", c.Program, 1)
	}
	pdf.SetTextColor(0, 0, 0)
	y += 12
	y = center(y, certTitleSize, 11, "B", c.Title, 2)
	y += 8
	if c.Intro != "" {
		y = center(y, certIntroSize, 6, "", c.Intro, 1)
		y += 2
	}
	y = center(y, certHolderSize, 10.5, "B", c.Holder, 2)
	pdf.SetLineWidth(0.3)
	pdf.Line(pageW/2-45, y+1.5, pageW/2+45, y+1.5)
	y += 8
	y = center(y, certTextSize, 6.2, "", c.Statement, 5)
	y += 8

	// The table: label and figure, a line under the headings and above the total.
	bottom := pageH - 80.0
	labelW := certW - certFigureW
	row := func(cells [2]string, style string) (float64, []string) {
		pdf.SetFont(fontFamily, style, certTableSize)
		lines := clampLines(pdf, wrapText(pdf, pdfText(cells[0], true), labelW-3), certMaxRowLines, labelW-3)
		return float64(len(lines))*certTableLH + 1.6, lines
	}
	draw := func(cells [2]string, style string) {
		h, lines := row(cells, style)
		ly := y + 0.8
		for _, l := range lines {
			textLine(pdf, certSide, ly, labelW-3, certTableLH, l, "LM")
			ly += certTableLH
		}
		fig := truncateText(pdf, pdfText(cells[1], false), certFigureW)
		textLine(pdf, certSide+labelW, y+0.8, certFigureW, certTableLH, fig, "RM")
		y += h
	}
	if len(c.Rows) > 0 {
		pdf.SetDrawColor(0, 0, 0)
		draw(c.Columns, "B")
		pdf.SetLineWidth(0.4)
		pdf.Line(certSide, y, certSide+certW, y)
		y += 1
		totalH := 0.0
		if c.Total[0] != "" || c.Total[1] != "" {
			totalH, _ = row(c.Total, "B")
			totalH += 2
		}
		for i, r := range c.Rows {
			h, _ := row(r, "")
			if y+h+totalH > bottom && i < len(c.Rows)-1 {
				draw([2]string{"…", ""}, "")
				break
			}
			draw(r, "")
		}
		if totalH > 0 {
			pdf.SetLineWidth(0.4)
			pdf.Line(certSide, y, certSide+certW, y)
			y += 1
			draw(c.Total, "B")
		}
	}
	if c.Note != "" {
		y += 5
		pdf.SetFont(fontFamily, "", certTableSize)
		for _, l := range clampLines(pdf, wrapText(pdf, pdfText(c.Note, true), certW), 4, certW) {
			textLine(pdf, certSide, y, certW, certTableLH, l, "LM")
			y += certTableLH
		}
	}

	// Signature, date, verification: from the bottom up.
	sy := pageH - 62.0
	pdf.SetLineWidth(0.3)
	pdf.Line(certSide, sy, certSide+75, sy)
	pdf.SetFont(fontFamily, "", certTextSize)
	if c.Signature != "" {
		for i, l := range clampLines(pdf, wrapText(pdf, pdfText(c.Signature, true), 90), 2, 90) {
			textLine(pdf, certSide, sy+2+float64(i)*5.5, 90, 5.5, l, "LM")
		}
	}
	if c.Issued != "" {
		is := truncateText(pdf, pdfText(c.Issued, false), 70)
		textLine(pdf, certSide+certW-70, sy+2, 70, 5.5, is, "RM")
	}
	pdf.SetFont(fontFamily, "", certSmallSize)
	pdf.SetTextColor(60, 60, 60)
	vy := pageH - 32.0
	for _, l := range clampLines(pdf, wrapText(pdf, pdfText(c.Verification, true), certW), 2, certW) {
		textLine(pdf, certSide, vy, certW, 4.2, l, "CM")
		vy += 4.2
	}
}
