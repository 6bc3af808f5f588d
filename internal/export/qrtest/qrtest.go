// Package qrtest reads back, in tests, the QR codes the product prints:
// it rasterises a PDF's first page with pdftoppm (poppler-utils) and
// decodes a part of it with gozxing. A test that needs it is skipped when
// pdftoppm is not installed, and fails then when CI is set.
package qrtest

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Page rasterises the first page of the PDF doc at 100 dpi. With
// IMPLIQUE_SCREENSHOTS set, the PDF is kept there to be looked at.
func Page(t testing.TB, doc []byte) image.Image {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftoppm (poppler-utils) is not installed, and CI runs every test")
		}
		t.Skip("pdftoppm (poppler-utils) is not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "100", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if shots := os.Getenv("IMPLIQUE_SCREENSHOTS"); shots != "" {
		_ = os.MkdirAll(shots, 0o755)
		_ = os.WriteFile(filepath.Join(shots, "qr-"+strings.ReplaceAll(t.Name(), "/", "-")+".pdf"), doc, 0o644)
	}
	return img
}

// Decode reads the QR code in the part r of img (the whole image when r
// is empty).
func Decode(t testing.TB, img image.Image, r image.Rectangle) string {
	t.Helper()
	if r.Empty() {
		r = img.Bounds()
	}
	sub := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			sub.Set(x, y, img.At(r.Min.X+x, r.Min.Y+y))
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(sub)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code read: %v", err)
	}
	return res.GetText()
}
