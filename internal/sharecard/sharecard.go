// Package sharecard draws the Open Graph preview image of an event page: a
// 1200×630 PNG with the event title, date, place and a footer, in white on a
// solid dark background.
//
// The embedded Go fonts (golang.org/x/image/font/gofont) are parsed once per
// process. Render is safe for concurrent use; each call allocates one 8-bit
// 1200×630 image (740 KiB) that serves both as canvas and as PNG pixels.
package sharecard

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Width and Height are the Open Graph image size recommended by Facebook.
const (
	Width  = 1200
	Height = 630
)

// DefaultColor is the background used when Card.Color is not "#rrggbb".
const DefaultColor = "#1b5e7a"

// Card is what a share image says.
type Card struct {
	Kicker string // small line on top, e.g. "Souper citoyen · Fortierville"
	Title  string // big, e.g. "Souper citoyen de l’automne" — wraps on up to 3 lines, shrinks to fit
	When   string // e.g. "jeudi 10 décembre 2026 de 17 h 30 à 20 h 30"
	Where  string // e.g. "Salle municipale, Fortierville"
	Footer string // e.g. "Moi, je m’implique ! — MRC de Bécancour"
	Color  string // background "#rrggbb" (dark: text is white); invalid → "#1b5e7a"
}

// Layout, in pixels. Vertical positions are expressed with baselines and cap
// heights so that the visible tops of capitals line up with the margins.
const (
	marginX      = 72 // left and right
	marginTop    = 66 // to the cap top of the first line
	marginBottom = 54 // to the footer baseline

	kickerSize = 34.0
	titleMax   = 76.0 // the title starts at this size…
	titleMin   = 44.0 // …and shrinks down to this one
	titleStep  = 2.0
	titleLines = 3
	titleLead  = 1.12 // line pitch, as a multiple of the size
	bodySize   = 36.0
	bodyLines  = 2 // When and Where wrap to at most two lines each
	bodyPitch  = 46
	footerSize = 28.0

	gapKickerTitle = 30 // kicker baseline → title cap top
	gapTitleBody   = 44 // title descent → When cap top (minimum)
	gapWhenWhere   = 16 // extra space between the When and Where blocks
	gapAboveRule   = 32 // descent of the last body line → rule
	gapRuleFooter  = 26 // rule → footer cap top
	ruleThickness  = 2
)

// ruleInk is the opacity of the white rule above the footer.
const ruleInk = 0x66

// pngBuffers recycles the PNG encoder's scratch buffers (row buffers and the
// zlib writer, several hundred kilobytes) between calls.
type pngBuffers struct{ p sync.Pool }

func (b *pngBuffers) Get() *png.EncoderBuffer {
	if v, ok := b.p.Get().(*png.EncoderBuffer); ok {
		return v
	}
	return nil
}

func (b *pngBuffers) Put(v *png.EncoderBuffer) { b.p.Put(v) }

var encoder = &png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers{}}

// Render writes a 1200×630 PNG (the Open Graph size) of the card.
func Render(w io.Writer, c Card) error {
	img, err := paint(c)
	if err != nil {
		return err
	}
	if err := encoder.Encode(w, img); err != nil {
		return fmt.Errorf("sharecard: encode png: %w", err)
	}
	return nil
}

// ParseColor parses "#rrggbb" (case-insensitive, surrounding spaces allowed).
func ParseColor(s string) (color.RGBA, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 7 || s[0] != '#' {
		return color.RGBA{}, false
	}
	for _, ch := range s[1:] {
		if !('0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'f' || 'A' <= ch && ch <= 'F') {
			return color.RGBA{}, false
		}
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.RGBA{}, false
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}, true
}

func background(s string) color.RGBA {
	if c, ok := ParseColor(s); ok {
		return c
	}
	c, _ := ParseColor(DefaultColor)
	return c
}

// textBlock is a run of lines in one face, drawn at consecutive baselines
// starting at baseline.
type textBlock struct {
	face     *face
	lines    []string
	pitch    int
	baseline int
}

// span is the distance from the first to the last baseline.
func (b textBlock) span() int {
	if len(b.lines) == 0 {
		return 0
	}
	return (len(b.lines) - 1) * b.pitch
}

func (b textBlock) draw(dst *image.Alpha, dy int) {
	for i, line := range b.lines {
		y := fixed.I(b.baseline + dy + i*b.pitch)
		b.face.draw(dst, line, fixed.I(marginX), y)
	}
}

func capHeight(f *face) int { return f.m.CapHeight.Ceil() }
func descent(f *face) int   { return f.m.Descent.Ceil() }

// paint lays the card out and returns it as a paletted image.
//
// Everything on a card is white over one background colour, so every pixel
// is a blend of the two. The card is therefore drawn as an "ink" coverage
// layer (0 = background, 255 = white) and handed to the PNG encoder as a
// paletted image whose 256 entries run from the background to white, sharing
// the same pixel buffer. Compared with an RGBA canvas this is a quarter of
// the memory, and the encoder skips row filtering for paletted images, which
// makes encoding several times faster; the output is the same picture.
//
// The card has a top group (kicker, title) anchored under the top margin and
// a bottom group (When, Where) anchored above the rule and footer. The title
// takes the largest size at which it fits between the two groups; whatever
// height is left over is split above and below, centring the text.
func paint(c Card) (*image.Paletted, error) {
	fonts, err := loadFonts()
	if err != nil {
		return nil, fmt.Errorf("sharecard: load fonts: %w", err)
	}
	img := image.NewAlpha(image.Rect(0, 0, Width, Height)) // all background

	var buf sfnt.Buffer // shared by every face of this call
	maxW := fixed.I(Width - 2*marginX)

	kicker := normalize(fonts.bold, &buf, c.Kicker)
	title := normalize(fonts.bold, &buf, c.Title)
	when := normalize(fonts.regular, &buf, c.When)
	where := normalize(fonts.regular, &buf, c.Where)
	footer := normalize(fonts.regular, &buf, c.Footer)

	// Footer and rule, fixed at the bottom.
	floor := Height - marginBottom // lowest y the groups above may reach
	if footer != "" {
		ff := newFace(fonts.regular, &buf, footerSize)
		lines, _ := ff.wrap(footer, maxW, 1)
		textBlock{face: ff, lines: lines, baseline: floor}.draw(img, 0)
		ruleY := floor - capHeight(ff) - gapRuleFooter - ruleThickness
		draw.Draw(img, image.Rect(marginX, ruleY, Width-marginX, ruleY+ruleThickness), image.NewUniform(color.Alpha{ruleInk}), image.Point{}, draw.Src)
		floor = ruleY - gapAboveRule
	}

	// Bottom group, stacked upwards from the floor: Where, then When.
	var bottomGroup []textBlock
	bottomTop := floor // cap top of the bottom group
	body := newFace(fonts.regular, &buf, bodySize)
	baseline := floor - descent(body)
	for _, text := range []string{where, when} {
		lines, _ := body.wrap(text, maxW, bodyLines)
		if len(lines) == 0 {
			continue
		}
		if len(bottomGroup) > 0 {
			baseline -= bodyPitch + gapWhenWhere
		}
		b := textBlock{face: body, lines: lines, pitch: bodyPitch}
		b.baseline = baseline - b.span()
		baseline = b.baseline
		bottomTop = b.baseline - capHeight(body)
		bottomGroup = append(bottomGroup, b)
	}
	limit := bottomTop // lowest y the title may reach
	if len(bottomGroup) > 0 {
		limit -= gapTitleBody
	}

	// Top group, downwards from the top margin: kicker, then the title.
	var topGroup []textBlock
	top := marginTop // cap top of the next block
	topBottom := top // lowest y reached by the top group
	if kicker != "" {
		kf := newFace(fonts.bold, &buf, kickerSize)
		lines, _ := kf.wrap(kicker, maxW, 1)
		b := textBlock{face: kf, lines: lines, baseline: top + capHeight(kf)}
		topGroup = append(topGroup, b)
		topBottom = b.baseline + descent(kf)
		top = b.baseline + gapKickerTitle
	}
	if title != "" {
		b := titleBlock(fonts.bold, &buf, title, maxW, top, limit)
		topGroup = append(topGroup, b)
		topBottom = b.baseline + b.span() + descent(b.face)
	}
	if len(topGroup) == 0 {
		limit = bottomTop // no gap needed above the bottom group
	}

	// When the text is short, centre it vertically in the space above the
	// rule: the top group moves down and the bottom group up, by half the
	// spare height each, so that they meet with the minimum gap.
	slack := max(limit-topBottom, 0)
	for _, b := range topGroup {
		b.draw(img, slack/2)
	}
	for _, b := range bottomGroup {
		b.draw(img, -(slack - slack/2))
	}
	return &image.Paletted{Pix: img.Pix, Stride: img.Stride, Rect: img.Rect, Palette: inkPalette(background(c.Color))}, nil
}

// inkPalette maps ink coverage i to bg blended with white at i/255.
//
// Palettes are cached for the first few hundred colours seen: sites use a
// handful, and reusing them saves the encoder 256 colour conversions per
// call. Entries are color.NRGBA, which the PNG encoder uses as is.
func inkPalette(bg color.RGBA) color.Palette {
	palettes.Lock()
	defer palettes.Unlock()
	if p, ok := palettes.m[bg]; ok {
		return p
	}
	p := make(color.Palette, 256)
	for i := range p {
		a := uint32(i)
		mix := func(c uint8) uint8 { return uint8((uint32(c)*(0xff-a) + 0xff*a + 0x7f) / 0xff) }
		p[i] = color.NRGBA{mix(bg.R), mix(bg.G), mix(bg.B), 0xff}
	}
	if len(palettes.m) < maxPalettes {
		if palettes.m == nil {
			palettes.m = make(map[color.RGBA]color.Palette)
		}
		palettes.m[bg] = p
	}
	return p
}

const maxPalettes = 256 // × ~5 KiB at most

var palettes struct {
	sync.Mutex
	m map[color.RGBA]color.Palette
}

// titleBlock lays the title out at the largest size, from titleMax down to
// titleMin, at which it fits in titleLines lines between capTop and limit. At
// titleMin it settles for the lines that fit, the last one ending with an
// ellipsis.
func titleBlock(fam *family, buf *sfnt.Buffer, title string, maxW fixed.Int26_6, capTop, limit int) textBlock {
	var tb textBlock
	for size := titleMax; size >= titleMin; size -= titleStep {
		f := newFace(fam, buf, size)
		pitch := int(size*titleLead + 0.5)
		// Lines that fit: capTop + capHeight + (n-1)·pitch + descent ≤ limit.
		n := (limit-capTop-capHeight(f)-descent(f))/pitch + 1
		n = min(n, titleLines)
		if n < 1 {
			n = 1 // too cramped: still show one line rather than nothing
		}
		lines, truncated := f.wrap(title, maxW, n)
		tb = textBlock{face: f, lines: lines, pitch: pitch, baseline: capTop + capHeight(f)}
		if !truncated {
			break
		}
	}
	return tb
}
