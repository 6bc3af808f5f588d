package export

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/i18n"
)

// frenchNames are the names every PDF test must render exactly.
var frenchNames = []string{"Réjean Côté", "Marie-Ève Bélanger-Lévesque", "Œuvre des Sœurs"}

func attendanceRows(n int) [][]string {
	places := []string{"Sainte-Cécile-de-Lévrard", "Saint-Pierre-les-Becquets", "Wôlinak", "Bécancour"}
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{frenchNames[i%len(frenchNames)], places[i%len(places)], fmt.Sprintf("819 555-%04d", i)}
	}
	return rows
}

// pageCount counts the page objects of an uncompressed-structure PDF.
var pageObject = regexp.MustCompile(`/Type /Page\b[^s]`)

func checkPDF(t *testing.T, pdf []byte) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-: %q", pdf[:min(len(pdf), 16)])
	}
	if len(pdf) < 5000 {
		t.Errorf("PDF is only %d bytes", len(pdf))
	}
	if !bytes.Contains(pdf, []byte("/FontFile2")) {
		t.Error("PDF has no embedded TrueType font (FontFile2)")
	}
	if !bytes.Contains(pdf, []byte("/MediaBox [0 0 612.00 792.00]")) {
		t.Error("page size is not US Letter (612 × 792 pt)")
	}
	if !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Error("PDF does not end with the EOF marker")
	}
}

// pdfToText extracts the text of pdf with pdftotext (poppler-utils). The
// text check is opportunistic: without pdftotext it reports ok == false
// and the caller skips only that check, in CI or not.
func pdfToText(t *testing.T, pdf []byte, layout bool) (text string, ok bool) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Log("pdftotext not found (apt-get install poppler-utils): text not checked")
		}
		return "", false
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-enc", "UTF-8"}
	if layout {
		args = append(args, "-layout")
	}
	out, err := exec.Command(bin, append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}

func TestWriteAttendancePDF(t *testing.T) {
	loc, err := time.LoadLocation("America/Toronto")
	if err != nil {
		loc = time.FixedZone("EST", -5*3600)
	}
	when := time.Date(2026, 12, 2, 18, 30, 0, 0, loc)
	tests := []struct {
		name      string
		lang      string
		rows      int
		wantPages int // 0: more than one
	}{
		{"no rows", "fr", 0, 1},
		{"one row", "fr", 1, 1},
		{"one row in English", "en", 1, 1},
		{"120 rows", "fr", 120, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := AttendanceSheet{
				Title:     "Souper citoyen — Sainte-Cécile-de-Lévrard",
				Subtitle:  i18n.DateTime(tt.lang, when) + " · Salle municipale",
				Columns:   []string{"Nom", "Municipalité", "Téléphone"},
				Rows:      attendanceRows(tt.rows),
				Footer:    "Centre d’action bénévole de la MRC de Bécancour",
				Lang:      tt.lang,
				Generated: when.Add(-48 * time.Hour),
			}
			var buf bytes.Buffer
			if err := WriteAttendancePDF(&buf, sheet); err != nil {
				t.Fatal(err)
			}
			pdf := buf.Bytes()
			checkPDF(t, pdf)
			pages := len(pageObject.FindAll(pdf, -1))
			if tt.wantPages > 0 && pages != tt.wantPages {
				t.Errorf("%d pages, want %d", pages, tt.wantPages)
			}
			if tt.wantPages == 0 && pages < 2 {
				t.Errorf("%d pages, want several", pages)
			}

			text, ok := pdfToText(t, pdf, false)
			if !ok {
				return
			}
			text = strings.ReplaceAll(text, "\u00a0", " ")
			want := []string{"Souper citoyen — Sainte-Cécile-de-Lévrard", "Centre d’action bénévole de la MRC de Bécancour"}
			if tt.lang == "en" {
				want = append(want, "Present", fmt.Sprintf("Page 1 of %d", pages), "Generated on November 30, 2026 at 6:30 p.m.", "December 2, 2026")
			} else {
				want = append(want, "Présence", fmt.Sprintf("Page 1 de %d", pages), fmt.Sprintf("Page %d de %d", pages, pages), "Généré le 30 novembre 2026 à 18 h 30", "le 2 décembre 2026 à 18 h 30")
			}
			if tt.rows > 0 {
				want = append(want, frenchNames[0], "Sainte-Cécile-de-Lévrard", "819 555-0000")
			}
			if tt.rows >= len(frenchNames) {
				want = append(want, frenchNames...)
			}
			if tt.rows == 120 {
				want = append(want, "819 555-0119") // the last row is printed
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("extracted text lacks %q", w)
				}
			}
			if t.Failed() {
				t.Logf("extracted text:\n%s", text)
			}
		})
	}
}

// TestAttendanceLayout checks the layout rules on the computed plan and
// the header repeated on every page in the rendered file.
func TestAttendanceLayout(t *testing.T) {
	long := strings.Repeat("Bénévole très impliquée dans le comité du souper citoyen. ", 80)
	tests := []struct {
		name      string
		s         AttendanceSheet
		wantCols  int
		wantCut   bool
		wantPages int // 0: any
	}{
		{"no columns", AttendanceSheet{Title: "Atelier"}, 2, false, 1},
		{"no columns in English", AttendanceSheet{Lang: "en"}, 2, false, 1},
		{"long cell wraps and is cut", AttendanceSheet{Title: "Atelier", Columns: []string{"Nom", "Note"}, Rows: [][]string{{"Réjean Côté", long}}}, 3, true, 2},
		{"rows wider than columns", AttendanceSheet{Columns: []string{"Nom"}, Rows: [][]string{{"a", "b", "c"}}}, 4, false, 1},
		{"many columns", AttendanceSheet{Columns: strings.Split("a b c d e f g h i j k l", " "), Rows: [][]string{strings.Split("Sainte-Cécile-de-Lévrard 2 3 4 5 6 7 8 9 10 11 12", " ")}}, 13, false, 1},
		{"very long title", AttendanceSheet{Title: strings.Repeat("Souper citoyen ", 40), Subtitle: strings.Repeat("Salle ", 100), Footer: strings.Repeat("pied ", 100)}, 2, false, 1},
		{"120 rows", AttendanceSheet{Columns: []string{"Nom", "Municipalité", "Téléphone"}, Rows: attendanceRows(120)}, 4, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf := newPDF("", tt.s.Lang, time.Time{})
			p := planAttendance(pdf, tt.s)

			if len(p.widths) != tt.wantCols {
				t.Errorf("%d columns, want %d", len(p.widths), tt.wantCols)
			}
			if got := sum(p.widths); abs(got-contentW) > 0.01 {
				t.Errorf("columns span %.2f mm, want %.2f", got, contentW)
			}
			for i, w := range p.widths {
				if w <= 2*attPadX {
					t.Errorf("column %d is %.2f mm wide", i, w)
				}
			}
			wantLabel := "Présence"
			if tt.s.Lang == "en" {
				wantLabel = "Present"
			}
			if got := p.header.cells[len(p.header.cells)-1]; strings.Join(got, " ") != wantLabel {
				t.Errorf("last heading %q, want %q", got, wantLabel)
			}
			if tt.wantPages != 0 && len(p.pages) != tt.wantPages {
				t.Errorf("%d pages, want %d", len(p.pages), tt.wantPages)
			}
			if tt.wantPages == 0 && len(p.pages) < 2 {
				t.Errorf("%d pages, want several", len(p.pages))
			}

			var all []rowLayout
			for i, page := range p.pages {
				h := 0.0
				for _, r := range page {
					h += r.h
				}
				if h > p.bodyBottom-p.bodyTop+1e-9 {
					t.Errorf("page %d: rows take %.1f mm, room is %.1f", i+1, h, p.bodyBottom-p.bodyTop)
				}
				all = append(all, page...)
			}
			last := p.pages[len(p.pages)-1]
			used := 0.0
			for _, r := range last {
				used += r.h
			}
			if p.bodyTop+used+attMinRowH <= p.bodyBottom {
				t.Errorf("last page has room for another blank row")
			}
			if blanks := len(all) - p.dataRows; blanks < attMinBlankRows {
				t.Errorf("%d blank rows, want at least %d", blanks, attMinBlankRows)
			}
			cut := false
			for i, r := range all {
				if r.h < attMinRowH {
					t.Errorf("row %d is %.1f mm tall, want ≥ %v", i, r.h, attMinRowH)
				}
				for c, lines := range r.cells {
					if i >= p.dataRows && len(lines) > 0 {
						t.Errorf("blank row %d has text %q", i, lines)
					}
					for _, l := range lines {
						if w := pdf.GetStringWidth(l); w > p.widths[c]-2*attPadX && len([]rune(l)) > 1 {
							t.Errorf("row %d column %d: %q (%.1f mm) overflows %.1f mm", i, c, l, w, p.widths[c]-2*attPadX)
						}
						cut = cut || strings.HasSuffix(l, "…")
					}
				}
				if i < p.dataRows && !cut {
					for c, cell := range tt.s.Rows[i] {
						if strings.Join(strings.Fields(strings.Join(all[i].cells[c], " ")), " ") != strings.Join(strings.Fields(cell), " ") &&
							strings.Join(all[i].cells[c], "") != cell {
							t.Errorf("row %d column %d: lines %q do not spell %q", i, c, all[i].cells[c], cell)
						}
					}
				}
			}
			if cut != tt.wantCut {
				t.Errorf("cut = %v, want %v", cut, tt.wantCut)
			}

			var buf bytes.Buffer
			if err := WriteAttendancePDF(&buf, tt.s); err != nil {
				t.Fatal(err)
			}
			checkPDF(t, buf.Bytes())
			if pages := len(pageObject.FindAll(buf.Bytes(), -1)); pages != len(p.pages) {
				t.Errorf("file has %d pages, plan %d", pages, len(p.pages))
			}
			text, ok := pdfToText(t, buf.Bytes(), false)
			if !ok {
				return
			}
			if got := strings.Count(text, wantLabel); got != len(p.pages) {
				t.Errorf("header row printed %d times on %d pages", got, len(p.pages))
			}
		})
	}
}

func TestWrapText(t *testing.T) {
	pdf := newPDF("", "fr", time.Time{})
	pdf.SetFont(fontFamily, "", 10)
	tests := []struct {
		name  string
		in    string
		width float64
		want  []string // nil: only check widths and content
	}{
		{"fits", "Réjean Côté", 100, []string{"Réjean Côté"}},
		{"empty", "", 100, []string{""}},
		{"breaks at spaces", "Souper citoyen de Bécancour", 25, []string{"Souper citoyen", "de Bécancour"}},
		{"keeps no-break spaces", "le 2\u00a0décembre à 18\u00a0h\u00a030", 19, []string{"le", "2\u00a0décembre", "à 18\u00a0h\u00a030"}},
		{"line feeds", "un\ndeux", 100, []string{"un", "deux"}},
		{"long word at hyphen", "Sainte-Cécile-de-Lévrard", 30, []string{"Sainte-Cécile-", "de-Lévrard"}},
		{"e-mail before @", "marie-eve.belanger@exemple.qc.ca", 40, []string{"marie-eve.belanger", "@exemple.qc.ca"}},
		{"unbreakable word", strings.Repeat("m", 40), 20, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapText(pdf, tt.in, tt.width)
			if tt.want != nil && strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("wrapText(%q, %v) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
			for _, l := range got {
				if w := pdf.GetStringWidth(l); w > tt.width && len([]rune(l)) > 1 {
					t.Errorf("line %q is %.1f mm wide, more than %v", l, w, tt.width)
				}
			}
			if strings.Join(strings.Fields(strings.Join(got, "")), "") != strings.Join(strings.Fields(tt.in), "") {
				t.Errorf("wrapping lost text: %q from %q", got, tt.in)
			}
		})
	}
}

func TestTruncateAndClamp(t *testing.T) {
	pdf := newPDF("", "fr", time.Time{})
	pdf.SetFont(fontFamily, "", 10)
	tests := []struct {
		name  string
		in    string
		width float64
		want  string
	}{
		{"fits", "Côté", 50, "Côté"},
		{"cut", "Marie-Ève Bélanger-Lévesque", 25, ""},
		{"tiny", "Bécancour", 0.1, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncateText(pdf, tt.in, tt.width)
			if tt.want != "" && got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got != tt.in {
				if !strings.HasSuffix(got, "…") || !strings.HasPrefix(tt.in, strings.TrimSuffix(got, "…")) {
					t.Errorf("got %q, want a prefix of %q with …", got, tt.in)
				}
				if len([]rune(got)) > 1 && pdf.GetStringWidth(got) > tt.width {
					t.Errorf("%q wider than %v", got, tt.width)
				}
			}
		})
	}
	lines := clampLines(pdf, []string{"un", "deux", "trois"}, 2, 50)
	if strings.Join(lines, "|") != "un|deux…" {
		t.Errorf("clampLines = %q", lines)
	}
}

func TestFitWidths(t *testing.T) {
	noLines := func(int, float64) []int { return nil }
	tests := []struct {
		name             string
		natural, minimum []float64
		avail            float64
		lines            func(int, float64) []int
		want             []float64 // nil: only check the sum
	}{
		{"natural fits, scaled", []float64{20, 40}, []float64{20, 20}, 120, noLines, []float64{40, 80}},
		{"minimums too wide, fair share", []float64{100, 100, 10}, []float64{90, 60, 10}, 70, noLines, []float64{30, 30, 10}},
		{"greedy to the column that saves lines", []float64{50, 80}, []float64{30, 30}, 100,
			func(col int, w float64) []int {
				if col == 0 {
					if w >= 50 {
						return []int{1}
					}
					return []int{2}
				}
				return []int{1}
			}, []float64{50, 50}},
		{"no columns", nil, nil, 100, noLines, []float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fitWidths(tt.natural, tt.minimum, tt.avail, tt.lines)
			if len(got) > 0 {
				if s := sum(got); s < tt.avail-0.01 || s > tt.avail+0.01 {
					t.Errorf("widths %v sum to %v, want %v", got, s, tt.avail)
				}
			}
			if tt.want != nil {
				if fmt.Sprintf("%.2f", got) != fmt.Sprintf("%.2f", tt.want) {
					t.Errorf("got %.2f, want %.2f", got, tt.want)
				}
			}
		})
	}
}

func TestWriteNameTagsPDF(t *testing.T) {
	tests := []struct {
		name      string
		tags      int
		wantPages int
	}{
		{"no tags", 0, 1},
		{"one tag", 1, 1},
		{"six tags fill one sheet with blanks", 6, 1},
		{"seven tags need a second sheet for four blanks", 7, 2},
		{"120 tags", 120, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tags := make([]NameTag, tt.tags)
			for i := range tags {
				tags[i] = NameTag{Name: frenchNames[i%len(frenchNames)], Line2: "Sainte-Cécile-de-Lévrard"}
			}
			var buf bytes.Buffer
			if err := WriteNameTagsPDF(&buf, "Souper citoyen — 2 décembre 2026", tags); err != nil {
				t.Fatal(err)
			}
			pdf := buf.Bytes()
			checkPDF(t, pdf)
			if pages := len(pageObject.FindAll(pdf, -1)); pages != tt.wantPages {
				t.Errorf("%d pages, want %d", pages, tt.wantPages)
			}
			text, ok := pdfToText(t, pdf, false)
			if !ok {
				return
			}
			for _, n := range frenchNames[:min(tt.tags, len(frenchNames))] {
				if !strings.Contains(text, n) {
					t.Errorf("extracted text lacks %q", n)
				}
			}
			// The event is on every tag, blank ones included.
			if got, want := strings.Count(text, "Souper citoyen — 2 décembre 2026"), tt.wantPages*tagCols*tagRows; got != want {
				t.Errorf("event printed %d times, want %d", got, want)
			}
			if t.Failed() {
				t.Logf("extracted text:\n%s", text)
			}
		})
	}
}

func TestNameTagFitsOneLine(t *testing.T) {
	pdf := newPDF("", "fr", time.Time{})
	inner := tagW - 2*tagPadX
	tests := []struct {
		name     string
		in       string
		wantSize float64 // 0: shrunk below the maximum
		wantCut  bool
	}{
		{"short name at full size", "Réjean Côté", tagNameMax, false},
		{"long name shrunk", "Marie-Ève Bélanger-Lévesque", 0, false},
		{"very long name cut", strings.Repeat("Bélanger-Lévesque ", 6), tagNameMin, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fitText(pdf, "B", tt.in, inner, tagNameMax, tagNameMin)
			size, _ := pdf.GetFontSize()
			if tt.wantSize != 0 && size != tt.wantSize {
				t.Errorf("size %v pt, want %v", size, tt.wantSize)
			}
			if tt.wantSize == 0 && (size >= tagNameMax || size < tagNameMin) {
				t.Errorf("size %v pt, want shrunk within [%v, %v)", size, tagNameMin, tagNameMax)
			}
			if w := pdf.GetStringWidth(got); w > inner {
				t.Errorf("%q is %.1f mm wide, more than %.1f", got, w, inner)
			}
			if cut := got != tt.in; cut != tt.wantCut {
				t.Errorf("cut = %v (%q)", cut, got)
			}
		})
	}
}

func TestNameTagGeometry(t *testing.T) {
	// Avery 5163: two 4" columns with a 3/16" gutter and 5/32" margins
	// span the 8.5" page; five 2" rows with 1/2" margins span 11".
	const inch = 25.4
	if got := 2*tagLeft + tagCols*tagW + (tagCols-1)*tagGutter; abs(got-8.5*inch) > 0.01 {
		t.Errorf("labels span %.2f mm across, want %.2f", got, 8.5*inch)
	}
	if got := 2*tagTop + tagRows*tagH; abs(got-11*inch) > 0.01 {
		t.Errorf("labels span %.2f mm down, want %.2f", got, 11*inch)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestFontCoverage(t *testing.T) {
	const french = "éèêëàâçîïôœùûüÿÉÈÊËÀÂÇÎÏÔŒÙÛÜŸæÆ«»’‘“”—–…$€°\u00a0"
	for _, r := range french {
		t.Run(fmt.Sprintf("%U", r), func(t *testing.T) {
			if !hasGlyph(r) {
				t.Errorf("embedded fonts lack %q", r)
			}
		})
	}
}

func TestPDFText(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		multiline bool
		want      string
	}{
		{"French letters kept", "Œuvre des Sœurs à Bécancour", false, "Œuvre des Sœurs à Bécancour"},
		{"decomposed accents composed", "Re\u0301jean Co\u0302te\u0301", false, "Réjean Côté"},
		{"narrow no-break space", "Allô\u202f!", false, "Allô\u00a0!"},
		{"thin space", "a\u2009b", false, "a b"},
		{"non-breaking hyphen", "Marie\u2011Ève", false, "Marie-Ève"},
		{"guillemets get no-break spaces", "« Souper citoyen » : oui ; non ? si !", false, "«\u00a0Souper citoyen\u00a0»\u00a0: oui\u00a0; non\u00a0? si\u00a0!"},
		{"line feeds kept", "un\r\ndeux\rtrois", true, "un\ndeux\ntrois"},
		{"line feeds flattened", "un\ndeux", false, "un deux"},
		{"controls and zero-width dropped", "a\x00b\u200bc\ufeffd", false, "abcd"},
		{"emoji dropped", "Julie 🌸 Roy", false, "Julie  Roy"},
		{"letter outside the fonts", "Nguyễn 李", false, "Nguyen \ufffd"},
		{"invalid UTF-8", "caf\xe9", false, "caf\ufffd"},
		{"trimmed", "  Côté\t", false, "Côté"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pdfText(tt.in, tt.multiline); got != tt.want {
				t.Errorf("pdfText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestWritePDFWriteError checks that a failing writer is reported.
func TestWritePDFWriteError(t *testing.T) {
	err := WriteAttendancePDF(&failWriter{n: 100}, AttendanceSheet{Title: "x"})
	if err == nil {
		t.Error("no error from a failing writer")
	}
	err = WriteNameTagsPDF(&failWriter{n: 100}, "x", nil)
	if err == nil {
		t.Error("no error from a failing writer")
	}
}

// infoDates returns the CreationDate and ModDate strings of pdf's
// document information dictionary.
func infoDates(t *testing.T, pdf []byte) (created, modified string) {
	t.Helper()
	m := regexp.MustCompile(`/CreationDate \((D:[^)]*)\)\n/ModDate \((D:[^)]*)\)`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no CreationDate and ModDate in the document information")
	}
	return string(m[1]), string(m[2])
}

// checkXref checks the cross-reference table: startxref points at it and
// each entry at its object, so that the file opens without repair.
func checkXref(t *testing.T, pdf []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n*$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	at, _ := strconv.Atoi(string(m[1]))
	if at >= len(pdf) || !bytes.HasPrefix(pdf[at:], []byte("xref\n")) {
		t.Fatalf("startxref %d does not point at the xref table", at)
	}
	var first, n int
	if _, err := fmt.Sscanf(string(pdf[at+5:]), "%d %d\n", &first, &n); err != nil {
		t.Fatalf("xref header: %v", err)
	}
	entries := regexp.MustCompile(`(\d{10}) (\d{5}) n \n`).FindAllSubmatch(pdf[at:], -1)
	if len(entries) != n-1 {
		t.Fatalf("%d objects in use, want %d", len(entries), n-1)
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1])) // leading zeros: not octal
		want := fmt.Sprintf("%d 0 obj", first+i+1)
		if off >= len(pdf) || !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d: offset %d does not start %q", first+i+1, off, want)
		}
	}
}

// TestPDFDatesInOneConvention checks that every PDF carries its creation
// and modification times in UTC with the offset written out, whatever the
// zone of the time it was given (or none), and that the file stays whole.
func TestPDFDatesInOneConvention(t *testing.T) {
	loc, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 12, 2, 18, 30, 5, 0, loc) // 23:30:05 UTC
	const want = "D:20261202233005+00'00'"
	pattern := regexp.MustCompile(`^D:\d{14}\+00'00'$`)
	docs := map[string]func(w *bytes.Buffer) error{
		"attendance in local time": func(w *bytes.Buffer) error {
			return WriteAttendancePDF(w, AttendanceSheet{Title: "Souper", Rows: attendanceRows(3), Generated: when})
		},
		"certificate in UTC": func(w *bytes.Buffer) error {
			c := certificate(2)
			c.Created = when.UTC()
			return WriteCertificatePDF(w, c)
		},
		"name tags, no time given": func(w *bytes.Buffer) error {
			return WriteNameTagsPDF(w, "Souper", []NameTag{{Name: "Réjean Côté"}})
		},
		"attendance, no time given": func(w *bytes.Buffer) error {
			return WriteAttendancePDF(w, AttendanceSheet{Title: "Souper"})
		},
	}
	for name, write := range docs {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				t.Fatal(err)
			}
			pdf := buf.Bytes()
			created, modified := infoDates(t, pdf)
			for _, d := range []string{created, modified} {
				if !pattern.MatchString(d) {
					t.Errorf("date %q is not UTC with its offset (D:YYYYMMDDHHmmSS+00'00')", d)
				}
			}
			if !strings.Contains(name, "no time") && (created != want || modified != want) {
				t.Errorf("dates %q and %q, want %q", created, modified, want)
			}
			checkXref(t, pdf)
			checkPDF(t, pdf)
		})
	}
}
