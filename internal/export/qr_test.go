package export

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestQRSizes(t *testing.T) {
	// Byte-mode capacities at medium error correction: version 1 holds
	// 14 bytes, version 2 holds 26, version 40 holds 2331. (At low
	// correction version 1 would hold 17, at quartile only 11.)
	tests := []struct {
		content string
		want    int // modules a side
	}{
		{strings.Repeat("a", 11), 21},
		{strings.Repeat("a", 14), 21},
		{strings.Repeat("a", 15), 25},
		{strings.Repeat("a", 26), 25},
		{strings.Repeat("a", 27), 29},
		{"https://implique.exemple.org/sondages/profil-implication-2026", 33}, // 61 bytes: version 4 holds 62
		{strings.Repeat("a", 2331), 177},
	}
	for _, tt := range tests {
		m, err := QR(tt.content)
		if err != nil {
			t.Fatalf("QR(%d bytes): %v", len(tt.content), err)
		}
		if len(m) != tt.want {
			t.Errorf("QR(%d bytes): %d rows, want %d", len(tt.content), len(m), tt.want)
		}
		for y, row := range m {
			if len(row) != len(m) {
				t.Fatalf("QR(%d bytes): row %d has %d modules, want %d", len(tt.content), y, len(row), len(m))
			}
		}
		checkFinders(t, m)
	}
}

// checkFinders checks the three finder patterns sit in the corners: no
// quiet zone around the modules.
func checkFinders(t *testing.T, m [][]bool) {
	t.Helper()
	n := len(m)
	for _, c := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
		x0, y0 := c[0], c[1]
		for dy := range 7 {
			for dx := range 7 {
				ring := max(abs(float64(dx-3)), abs(float64(dy-3)))
				want := ring != 2 // dark outer ring and 3 × 3 centre, light ring between
				if m[y0+dy][x0+dx] != want {
					t.Fatalf("finder at (%d, %d): module (%d, %d) is %v", x0, y0, dx, dy, !want)
				}
			}
		}
	}
}

func TestQRErrors(t *testing.T) {
	if _, err := QR(""); err == nil {
		t.Error("QR of empty content: no error")
	}
	if _, err := QR(strings.Repeat("a", 2332)); err == nil {
		t.Error("QR of 2332 bytes: no error")
	}
	if _, err := QR(strings.Repeat("é", 2000)); err == nil {
		t.Error("QR of 4000 bytes: no error")
	}
	if _, err := QRSVG("https://exemple.org", "", 0); err == nil {
		t.Error("QRSVG of 0 px: no error")
	}
	if _, err := QRSVG(strings.Repeat("a", 3000), "Code", 200); err == nil {
		t.Error("QRSVG of 3000 bytes: no error")
	}
}

func TestQRDeterministic(t *testing.T) {
	const url = "https://jebénévole.ca/sondages/k7qf?vague=2026"
	a, err := QR(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := QR(url)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("two codes of the same content differ")
	}
	c, _ := QR(url + "x")
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("codes of different contents are the same")
	}
	s1, err := QRSVG(url, "Code QR", 240)
	if err != nil {
		t.Fatal(err)
	}
	if s2, _ := QRSVG(url, "Code QR", 240); s1 != s2 {
		t.Error("two SVG codes of the same content differ")
	}
}

var svgRun = regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

func TestQRSVG(t *testing.T) {
	const url = "https://implique.exemple.org/sondages/profil?langue=fr&vague=2"
	const label = `Code QR du sondage « Profil » & "citoyens" <2026>`
	s, err := QRSVG(url, label, 256)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := QR(url)
	side := len(m) + 2*QRQuietZone

	var doc struct {
		XMLName xml.Name `xml:"svg"`
		ViewBox string   `xml:"viewBox,attr"`
		Width   string   `xml:"width,attr"`
		Height  string   `xml:"height,attr"`
		Role    string   `xml:"role,attr"`
		Label   string   `xml:"aria-label,attr"`
		Rects   []struct {
			Width  string `xml:"width,attr"`
			Height string `xml:"height,attr"`
			Fill   string `xml:"fill,attr"`
		} `xml:"rect"`
		Paths []struct {
			Fill string `xml:"fill,attr"`
			D    string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, s)
	}
	if want := fmt.Sprintf("0 0 %d %d", side, side); doc.ViewBox != want {
		t.Errorf("viewBox %q, want %q", doc.ViewBox, want)
	}
	if doc.Width != "256" || doc.Height != "256" {
		t.Errorf("size %s × %s, want 256 × 256", doc.Width, doc.Height)
	}
	if doc.Role != "img" || doc.Label != label {
		t.Errorf("role %q, label %q; want img, %q", doc.Role, doc.Label, label)
	}
	if len(doc.Rects) != 1 || doc.Rects[0].Fill != "#fff" || doc.Rects[0].Width != strconv.Itoa(side) || doc.Rects[0].Height != strconv.Itoa(side) {
		t.Errorf("background %+v, want one white rect of %d", doc.Rects, side)
	}
	if len(doc.Paths) != 1 || doc.Paths[0].Fill != "#000" {
		t.Fatalf("paths %+v, want one black path", doc.Paths)
	}

	// The path draws exactly the dark modules, moved by the quiet zone.
	got := make([][]bool, side)
	for i := range got {
		got[i] = make([]bool, side)
	}
	d := doc.Paths[0].D
	for d != "" {
		sm := svgRun.FindStringSubmatch(d)
		if sm == nil {
			t.Fatalf("unexpected path data at %q", d[:min(len(d), 30)])
		}
		x, _ := strconv.Atoi(sm[1])
		y, _ := strconv.Atoi(sm[2])
		n, _ := strconv.Atoi(sm[3])
		if sm[4] != sm[3] || x < QRQuietZone || y < QRQuietZone || x+n > side-QRQuietZone || y >= side-QRQuietZone {
			t.Fatalf("run %q outside the code", sm[0])
		}
		for i := range n {
			got[y][x+i] = true
		}
		d = d[len(sm[0]):]
	}
	for y := range side {
		for x := range side {
			want := false
			if y >= QRQuietZone && y < side-QRQuietZone && x >= QRQuietZone && x < side-QRQuietZone {
				want = m[y-QRQuietZone][x-QRQuietZone]
			}
			if got[y][x] != want {
				t.Fatalf("module (%d, %d) drawn %v, want %v", x, y, got[y][x], want)
			}
		}
	}

	// Without a label, the content names the image.
	s, _ = QRSVG(url, "", 100)
	if !strings.Contains(s, `aria-label="https://implique.exemple.org/sondages/profil?langue=fr&amp;vague=2"`) {
		t.Errorf("no label: %s", s[:min(len(s), 300)])
	}
}

func qrSheet(url string) QRSheet {
	return QRSheet{
		Lang:       "fr",
		Title:      "Votre avis compte : profil de l’implication citoyenne",
		Invitation: "Répondez au sondage en 10 minutes, sur votre téléphone ou à l’ordinateur. Vos réponses sont anonymes.\nMerci de votre participation !",
		URL:        url,
		Footer:     "Centre d’action bénévole de la MRC de Bécancour — 819 555-0100",
		Created:    time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC),
	}
}

func TestWriteQRSheetPDF(t *testing.T) {
	tests := []struct {
		name, url string
	}{
		{"short", "https://implique.exemple.org/s/k7qf"},
		{"usual", "https://implique.exemple.org/sondages/profil-implication-2026?vague=automne"},
		{"long", "https://implique.exemple.org/sondages/" + strings.Repeat("consultation-citoyenne-", 12) + "2026?source=affiche&lieu=sainte-cecile-de-levrard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := qrSheet(tt.url)
			p, err := planQRSheet(newPDF("", "fr", s.Created), s)
			if err != nil {
				t.Fatal(err)
			}
			if p.side() < qrMinSide {
				t.Errorf("code is %.1f mm wide, want ≥ %v", p.side(), qrMinSide)
			}
			qz := QRQuietZone * p.module
			if p.x-qz < pageMargin-1e-9 || p.x+p.side()+qz > pageW-pageMargin+1e-9 {
				t.Errorf("code and quiet zone from x %.1f to %.1f: off the page", p.x-qz, p.x+p.side()+qz)
			}
			if titleEnd := p.inviteTop + float64(len(p.invite))*qrInviteLH; p.y-qz < titleEnd-1e-9 {
				t.Errorf("code's quiet zone starts at %.1f mm, above the invitation's end %.1f", p.y-qz, titleEnd)
			}
			if p.y+p.side()+qz > p.urlTop+1e-9 {
				t.Errorf("code's quiet zone ends at %.1f mm, under the URL's top %.1f", p.y+p.side()+qz, p.urlTop)
			}
			if end := p.urlTop + float64(len(p.url))*p.urlLH; end > p.footerTop+1e-9 {
				t.Errorf("URL ends at %.1f mm, under the footer's top %.1f", end, p.footerTop)
			}
			if strings.Join(p.url, "") != pdfText(tt.url, false) {
				t.Errorf("URL lines %q do not spell %q", p.url, tt.url)
			}

			var a bytes.Buffer
			if err := WriteQRSheetPDF(&a, s); err != nil {
				t.Fatal(err)
			}
			pdf := a.Bytes()
			checkPDF(t, pdf)
			checkDeterministic(t, pdf, func(w io.Writer) error { return WriteQRSheetPDF(w, s) })
			if pages := len(pageObject.FindAll(pdf, -1)); pages != 1 {
				t.Errorf("%d pages, want one", pages)
			}
			if dir := os.Getenv("IMPLIQUE_SCREENSHOTS"); dir != "" {
				_ = os.WriteFile(fmt.Sprintf("%s/affiche-qr-%s.pdf", dir, tt.name), pdf, 0o644)
			}
			text, ok := pdfToText(t, pdf, true) // the layout keeps a hyphen that ends a line
			if !ok {
				return
			}
			flat := strings.Join(strings.Fields(text), " ")
			for _, want := range []string{"Votre avis compte", "l’implication citoyenne", "Merci de votre participation", "Bécancour"} {
				if !strings.Contains(flat, want) {
					t.Errorf("text lacks %q:\n%s", want, text)
				}
			}
			if !strings.Contains(strings.Join(strings.Fields(text), ""), tt.url) {
				t.Errorf("text lacks the URL %q:\n%s", tt.url, text)
			}
		})
	}
}

func TestWriteQRSheetPDFErrors(t *testing.T) {
	for _, url := range []string{"", "  ", "https://exemple.org/" + strings.Repeat("a", 2400)} {
		if err := WriteQRSheetPDF(&bytes.Buffer{}, qrSheet(url)); err == nil {
			t.Errorf("URL of %d bytes: no error", len(url))
		}
	}
}

// checkDeterministic writes the same document a few more times (fpdf
// keeps its resources in maps, whose order changes from one run to the
// next) and compares the bytes with want.
func checkDeterministic(t *testing.T, want []byte, write func(w io.Writer) error) {
	t.Helper()
	for range 6 {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Fatal("two writes of the same document differ")
		}
	}
}
