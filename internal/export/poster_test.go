package export_test

import (
	"bytes"
	"image"
	"strings"
	"testing"
	"time"

	"implique/internal/export"
	"implique/internal/export/qrtest"
)

func posterSample(format string) export.Poster {
	return export.Poster{Lang: "fr", Format: format, Kicker: "Souper citoyen", Title: "Souper citoyen de Manseau : parlons de nos projets",
		Text:    "Venez partager un repas et vos idées pour le village.\nGratuit, pour tout le monde.",
		Details: []export.PosterDetail{{Label: "Quand :", Text: "le 2 décembre 2026, 18 h 30"}, {Label: "Où :", Text: "Salle municipale, Manseau"}},
		Call:    "Pour vous inscrire, balayez le code :", URL: "https://implique.example.org/l/ab3k9x",
		Program: "Implique", Operator: "Centre d’action bénévole", Created: time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)}
}

func TestPosterQRCodeReads(t *testing.T) {
	for _, format := range []string{export.PosterLetter, export.PosterTabloid, export.PosterFlyers} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			p := posterSample(format)
			if err := export.WritePosterPDF(&buf, p); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				t.Fatal("not a PDF")
			}
			img := qrtest.Page(t, buf.Bytes())
			b := img.Bounds()
			wantW := map[string]int{export.PosterLetter: 850, export.PosterTabloid: 1100, export.PosterFlyers: 850}[format]
			if b.Dx() < wantW-2 || b.Dx() > wantW+2 {
				t.Fatalf("page %d px wide at 100 dpi, want %d", b.Dx(), wantW)
			}
			areas := []image.Rectangle{b}
			if format == export.PosterFlyers {
				// Each of the four flyers carries its own code.
				w, h := b.Dx()/2, b.Dy()/2
				areas = []image.Rectangle{image.Rect(0, 0, w, h), image.Rect(w, 0, 2*w, h), image.Rect(0, h, w, 2*h), image.Rect(w, h, 2*w, 2*h)}
			}
			for _, a := range areas {
				if got := qrtest.Decode(t, img, a); got != p.URL {
					t.Errorf("code reads %q, want %q", got, p.URL)
				}
			}
		})
	}
}

func TestPosterRefusals(t *testing.T) {
	var buf bytes.Buffer
	p := posterSample("a4")
	if err := export.WritePosterPDF(&buf, p); err == nil {
		t.Error("unknown format accepted")
	}
	p = posterSample(export.PosterLetter)
	p.URL = " "
	if err := export.WritePosterPDF(&buf, p); err == nil {
		t.Error("poster without URL accepted")
	}
	// Very long texts stay on one page.
	p = posterSample(export.PosterLetter)
	p.Title, p.Text = strings.Repeat("Très long titre ", 40), strings.Repeat("Une invitation longue. ", 200)
	buf.Reset()
	if err := export.WritePosterPDF(&buf, p); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(buf.Bytes(), []byte("/Type /Page\n")); n != 1 {
		t.Errorf("%d pages", n)
	}
}
