package sharecard

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/font/sfnt"
)

var exampleCards = []Card{
	{
		Kicker: "Souper citoyen · Fortierville",
		Title:  "Souper citoyen de l’automne",
		When:   "jeudi 10 décembre 2026 de 17\u00a0h\u00a030 à 20\u00a0h\u00a030",
		Where:  "Salle municipale, Fortierville",
		Footer: "Moi, je m’implique\u202f! — MRC de Bécancour",
		Color:  "#1b5e7a",
	},
	{
		Kicker: "Corvée bénévole · Saint-Pierre-les-Becquets",
		Title:  "Grande corvée de nettoyage des berges du fleuve et plantation d’arbres « Œuvrons ensemble » avec les élèves de l’école Ste-Cécile",
		When:   "samedi 16 mai 2026 de 9\u202fh à 15\u202fh, beau temps, mauvais temps (remis au dimanche 17 mai en cas d’orage)",
		Where:  "Quai municipal, 110, rue Principale, Saint-Pierre-les-Becquets (stationnement à l’église, navette gratuite)",
		Footer: "Moi, je m’implique\u202f! — MRC de Bécancour",
		Color:  "#5a2d6e",
	},
}

func render(t testing.TB, c Card) *image.RGBA {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, c); err != nil {
		t.Fatalf("Render: %v", err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height || b.Dx() != 1200 || b.Dy() != 630 {
		t.Fatalf("size = %v, want 1200×630", b)
	}
	rgba := image.NewRGBA(img.Bounds())
	for y := 0; y < Height; y++ {
		for x := 0; x < Width; x++ {
			rgba.Set(x, y, img.At(x, y))
		}
	}
	return rgba
}

func rgb(c color.Color) [3]uint8 {
	r, g, b, _ := c.RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

func wantBackground(t *testing.T, img *image.RGBA, want color.RGBA) {
	t.Helper()
	if got := rgb(img.At(5, 5)); got != rgb(want) {
		t.Errorf("pixel (5,5) = %v, want %v", got, rgb(want))
	}
}

// checkMargins asserts that nothing but the background was drawn in the
// right margin band x ∈ [1160, 1200), nor in the outer 20 px on the other
// sides.
func checkMargins(t *testing.T, img *image.RGBA, bg color.RGBA) {
	t.Helper()
	want := rgb(bg)
	bad := 0
	for y := 0; y < Height; y++ {
		for x := 0; x < Width; x++ {
			inBand := x >= Width-40 || x < 20 || y < 20 || y >= Height-20
			if inBand && rgb(img.At(x, y)) != want {
				if bad < 5 {
					t.Errorf("pixel (%d,%d) = %v in the margin, want background %v", x, y, rgb(img.At(x, y)), want)
				}
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d non-background pixels in the margins", bad)
	}
}

// inked counts pixels that differ from the background.
func inked(img *image.RGBA, bg color.RGBA, r image.Rectangle) int {
	n := 0
	want := rgb(bg)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if rgb(img.At(x, y)) != want {
				n++
			}
		}
	}
	return n
}

func TestRenderBasic(t *testing.T) {
	c := exampleCards[0]
	img := render(t, c)
	bg, _ := ParseColor(c.Color)
	wantBackground(t, img, bg)
	checkMargins(t, img, bg)
	if n := inked(img, bg, img.Bounds()); n < 5000 {
		t.Errorf("only %d text pixels; was anything drawn?", n)
	}
	// The text is white: the brightest pixel is pure white.
	var max uint8
	for i := 0; i < len(img.Pix); i += 4 {
		if img.Pix[i] == 255 && img.Pix[i+1] == 255 && img.Pix[i+2] == 255 {
			max = 255
			break
		}
	}
	if max != 255 {
		t.Error("no white pixel found")
	}
}

func TestBackgroundColor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want color.RGBA
	}{
		{"#c0392b", color.RGBA{0xc0, 0x39, 0x2b, 0xff}},
		{"#0A1B2c", color.RGBA{0x0a, 0x1b, 0x2c, 0xff}},
		{" #102030 ", color.RGBA{0x10, 0x20, 0x30, 0xff}},
		{"", color.RGBA{0x1b, 0x5e, 0x7a, 0xff}},
		{"red", color.RGBA{0x1b, 0x5e, 0x7a, 0xff}},
		{"#12345", color.RGBA{0x1b, 0x5e, 0x7a, 0xff}},
		{"#1234567", color.RGBA{0x1b, 0x5e, 0x7a, 0xff}},
		{"#gg0000", color.RGBA{0x1b, 0x5e, 0x7a, 0xff}},
		{"#+12345", color.RGBA{0x1b, 0x5e, 0x7a, 0xff}},
		{"123456", color.RGBA{0x1b, 0x5e, 0x7a, 0xff}},
	} {
		c := exampleCards[0]
		c.Color = tc.in
		img := render(t, c)
		wantBackground(t, img, tc.want)
	}
}

func TestLongAndAccentedTextStaysInside(t *testing.T) {
	long := strings.Repeat("Événement très attendu à Bécancour ", 9)[:300]
	noSpaces := strings.Repeat("œuvrebénévoleàçà", 20)
	for name, c := range map[string]Card{
		"long title": {
			Kicker: strings.Repeat("Fête de quartier · Sainte-Françoise ", 5),
			Title:  long,
			When:   strings.Repeat("vendredi 11 décembre 2026 de 17\u00a0h\u00a030 à 20\u00a0h\u00a030 ", 4),
			Where:  strings.Repeat("Église Saint-Édouard, 1200, boul. de Port-Royal, Bécancour ", 4),
			Footer: strings.Repeat("Moi, je m’implique\u202f! — MRC de Bécancour ", 3),
			Color:  "#203040",
		},
		"unbreakable words": {
			Kicker: noSpaces,
			Title:  noSpaces,
			When:   noSpaces,
			Where:  noSpaces,
			Footer: noSpaces,
			Color:  "#203040",
		},
		"french glyphs": {
			Kicker: "« Ça bouge » · Ste-Angèle-de-Laval",
			Title:  "Œuvre d’été : « Cœurs à l’ouvrage » — ÉÈÊËÀÂÎÏÔÙÛÜÇŒ éèêëàâîïôùûüçœ ÿ",
			When:   "lundi 1ᵉʳ juin 2026, 9\u202fh – 12\u202fh\u00a0; gratuit\u00a0!",
			Where:  "Parc Léon-Provancher\u2060, 12\u00adrue des Érables\u200b, tab\tnewline\n🍁 ☃",
			Footer: "Moi, je m’implique\u202f! — MRC de Bécancour",
			Color:  "#203040",
		},
	} {
		t.Run(name, func(t *testing.T) {
			img := render(t, c)
			bg, _ := ParseColor(c.Color)
			wantBackground(t, img, bg)
			checkMargins(t, img, bg)
		})
	}
}

func TestEmptyFields(t *testing.T) {
	img := render(t, Card{})
	bg, _ := ParseColor(DefaultColor)
	wantBackground(t, img, bg)
	if n := inked(img, bg, img.Bounds()); n != 0 {
		t.Errorf("empty card has %d non-background pixels", n)
	}
	for _, c := range []Card{
		{Title: "Seulement un titre"},
		{Footer: "Seulement un pied"},
		{When: "jeudi", Footer: "pied"},
		{Kicker: "Seulement un surtitre"},
		{Title: "   \u00a0\u202f  ", When: "\u200b"},
	} {
		img := render(t, c)
		wantBackground(t, img, bg)
		checkMargins(t, img, bg)
	}
}

func TestWrapKeepsNoBreakSpaces(t *testing.T) {
	fonts, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	buf := new(sfnt.Buffer)
	f := newFace(fonts.regular, buf, bodySize)
	s := normalize(fonts.regular, buf, "de 17\u202fh\u00a030  à\n20 h 30")
	if want := "de 17\u00a0h\u00a030 à 20 h 30"; s != want {
		t.Fatalf("normalize = %q, want %q", s, want)
	}
	got := normalize(fonts.bold, buf, "Œuvre d’été : « Cœurs à l’ouvrage » ! 1ᵉʳ juin")
	if want := "Œuvre d’été\u00a0: «\u00a0Cœurs à l’ouvrage\u00a0»\u00a0! 1er juin"; got != want {
		t.Errorf("normalize = %q, want %q", got, want)
	}
	// Wide enough for "17 h 30" alone, too narrow for it to share a line
	// with "de": an ordinary space would have been broken.
	lines, truncated := f.wrap(s, f.width("17\u00a0h\u00a030 "), 5)
	if truncated {
		t.Fatalf("unexpected truncation: %q", lines)
	}
	for _, l := range lines {
		if strings.Contains(l, "17") && l != "17\u00a0h\u00a030" {
			t.Errorf("no-break spaces were broken: %q", lines)
		}
	}
	// Truncation ends with an ellipsis and never exceeds the width.
	maxW := f.width("jeudi 10 décembre")
	lines, truncated = f.wrap("jeudi 10 décembre 2026 de 17 h 30 à 20 h 30", maxW, 2)
	if !truncated || len(lines) != 2 || !strings.HasSuffix(lines[1], "…") {
		t.Errorf("wrap = %q, %v; want 2 lines ending with …", lines, truncated)
	}
	for _, l := range lines {
		if f.width(l) > maxW {
			t.Errorf("line %q wider than the limit", l)
		}
	}
}

func TestConcurrentRender(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := Render(&buf, exampleCards[i%len(exampleCards)]); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// TestWriteExamples renders the example cards; with SHARECARD_OUT set to a
// directory, it keeps them there for a visual check:
//
//	SHARECARD_OUT=/tmp go test -run TestWriteExamples ./internal/sharecard
func TestWriteExamples(t *testing.T) {
	dir := os.Getenv("SHARECARD_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	for i, c := range exampleCards {
		var buf bytes.Buffer
		if err := Render(&buf, c); err != nil {
			t.Fatal(err)
		}
		name := dir + "/card" + string(rune('1'+i)) + ".png"
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", name, buf.Len())
	}
}

func BenchmarkRender(b *testing.B) {
	for _, bc := range []struct {
		name string
		card Card
	}{{"short", exampleCards[0]}, {"long", exampleCards[1]}} {
		b.Run(bc.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := Render(&buf, bc.card); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "png-bytes")
		})
	}
}
