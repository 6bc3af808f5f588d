package sharecard

import (
	"image"
	"image/draw"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// family is a parsed font plus what we learned about its coverage once, at
// load time. Parsed fonts are immutable and safe for concurrent use as long as
// each caller brings its own sfnt.Buffer.
type family struct {
	font *opentype.Font
	// ellipsis is "…" when the font has the glyph, "..." otherwise.
	ellipsis string
	// hasNBSP reports whether U+00A0 has a glyph. No-break spaces are kept as
	// U+00A0 in the text (so that wrapping never breaks there) and drawn with
	// the ordinary space glyph when the font lacks it.
	hasNBSP bool
}

type fontSet struct {
	regular, bold *family
}

// loadFonts parses the embedded Go fonts on first use only.
var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	reg, err := newFamily(goregular.TTF)
	if err != nil {
		return nil, err
	}
	bold, err := newFamily(gobold.TTF)
	if err != nil {
		return nil, err
	}
	return &fontSet{regular: reg, bold: bold}, nil
})

func newFamily(ttf []byte) (*family, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	fam := &family{font: f, ellipsis: "..."}
	if hasGlyph(f, &buf, '…') {
		fam.ellipsis = "…"
	}
	fam.hasNBSP = hasGlyph(f, &buf, '\u00a0')
	return fam, nil
}

func hasGlyph(f *opentype.Font, buf *sfnt.Buffer, r rune) bool {
	x, err := f.GlyphIndex(buf, r)
	return err == nil && x != 0
}

// fallbacks replace characters the font may lack with close ASCII forms.
// They are only used when GlyphIndex reports no glyph.
var fallbacks = map[rune]string{
	'\u2018': "'", '\u2019': "'", '\u201a': "'", '\u2032': "'",
	'\u201c': `"`, '\u201d': `"`, '\u201e': `"`, '\u00ab': `"`, '\u00bb': `"`,
	'\u2039': "<", '\u203a': ">",
	'\u2010': "-", '\u2011': "-", '\u2012': "-", '\u2013': "-", '\u2014': "-", '\u2212': "-",
	'\u2026': "...", '\u00b7': "-", '\u2022': "-",
	'\u0153': "oe", '\u0152': "OE", '\u00e6': "ae", '\u00c6': "AE",
	// Superscript letters of French abbreviations: 1ᵉʳ, 2ᵉ, Mᵐᵉ, Mˡˡᵉ.
	'\u1d49': "e", '\u02b3': "r", '\u1d50': "m", '\u02e1': "l", '\u1d48': "d",
	'\u02e2': "s", '\u1d52': "o", '\u207f': "n",
}

// isNoBreakSpace reports the spaces French typography uses where a line must
// not break: before « » : ; ! ?, inside "17 h 30", between digits groups.
func isNoBreakSpace(r rune) bool {
	return r == '\u00a0' || r == '\u202f' || r == '\u2007'
}

// normalize prepares s for measuring and drawing with fam:
//   - breaking white space of any kind becomes one ASCII space, trimmed;
//   - no-break spaces (U+00A0, U+202F, U+2007) become U+00A0, so that
//     wrapping, which only breaks at U+0020, keeps "17 h 30" together;
//   - control and invisible format characters (soft hyphen, zero-width
//     space, BOM…) are dropped;
//   - characters without a glyph get an ASCII fallback or are dropped, so
//     the card never shows a "tofu" box;
//   - an ordinary space inside « guillemets » or before ! ? ; : becomes a
//     no-break space, as French typography requires, so that a closing »
//     or a ! is never pushed alone to the start of a line.
func normalize(fam *family, buf *sfnt.Buffer, s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		switch {
		case isNoBreakSpace(r):
			r = '\u00a0'
		case unicode.IsSpace(r):
			pendingSpace = b.Len() > 0
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == utf8.RuneError:
			continue
		}
		out := string(r)
		if r != '\u00a0' && !hasGlyph(fam.font, buf, r) {
			fb, ok := fallbacks[r]
			if !ok {
				continue
			}
			out = fb
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteString(out)
	}
	return glueFrenchPunctuation(b.String())
}

func glueFrenchPunctuation(s string) string {
	if !strings.ContainsAny(s, "«»‹›!?;:") {
		return s
	}
	rs := []rune(s)
	for i, r := range rs {
		if r != ' ' {
			continue
		}
		if i > 0 && (rs[i-1] == '«' || rs[i-1] == '‹') ||
			i+1 < len(rs) && strings.ContainsRune("»›!?;:", rs[i+1]) {
			rs[i] = '\u00a0'
		}
	}
	return string(rs)
}

// face is one font at one size, used by a single Render call (opentype faces
// hold scratch buffers and are not safe for concurrent use).
type face struct {
	fam   *family
	face  font.Face
	buf   *sfnt.Buffer
	ppem  fixed.Int26_6
	m     font.Metrics
	space fixed.Int26_6
}

func newFace(fam *family, buf *sfnt.Buffer, size float64) *face {
	ff, err := opentype.NewFace(fam.font, &opentype.FaceOptions{
		Size:    size,
		DPI:     72,
		Hinting: font.HintingNone,
	})
	if err != nil {
		// opentype.NewFace has no failure path for a parsed font.
		panic("sharecard: opentype.NewFace: " + err.Error())
	}
	f := &face{fam: fam, face: ff, buf: buf, ppem: fixed.Int26_6(size*64 + 0.5), m: ff.Metrics()}
	f.space, _ = ff.GlyphAdvance(' ')
	return f
}

// glyphRune maps a rune of normalized text to the rune actually drawn.
func (f *face) glyphRune(r rune) rune {
	if r == '\u00a0' && !f.fam.hasNBSP {
		return ' '
	}
	return r
}

// kern returns the kerning between two runes at this face's size. (The
// opentype Face.Kern method scales by the units-per-em rather than by the
// face size, so the sfnt call is made directly.)
func (f *face) kern(r0, r1 rune) fixed.Int26_6 {
	x0, err0 := f.fam.font.GlyphIndex(f.buf, r0)
	x1, err1 := f.fam.font.GlyphIndex(f.buf, r1)
	if err0 != nil || err1 != nil || x0 == 0 || x1 == 0 {
		return 0
	}
	k, err := f.fam.font.Kern(f.buf, x0, x1, f.ppem, font.HintingNone)
	if err != nil {
		return 0
	}
	return k
}

// width is the advance width of s, exactly as draw will lay it out.
func (f *face) width(s string) fixed.Int26_6 {
	var w fixed.Int26_6
	prev := rune(-1)
	for _, r := range s {
		r = f.glyphRune(r)
		if prev >= 0 {
			w += f.kern(prev, r)
		}
		if r == ' ' {
			w += f.space
		} else {
			adv, _ := f.face.GlyphAdvance(r)
			w += adv
		}
		prev = r
	}
	return w
}

// draw paints s in white, baseline origin at (x, y), onto the card's ink
// layer (see paint), and returns the pen position after the last glyph.
func (f *face) draw(dst *image.Alpha, s string, x, y fixed.Int26_6) fixed.Int26_6 {
	dot := fixed.Point26_6{X: x, Y: y}
	prev := rune(-1)
	for _, r := range s {
		r = f.glyphRune(r)
		if prev >= 0 {
			dot.X += f.kern(prev, r)
		}
		prev = r
		if r == ' ' {
			dot.X += f.space
			continue
		}
		dr, mask, mp, adv, ok := f.face.Glyph(dot, r)
		if ok && !dr.Empty() {
			inkOver(dst, dr, mask, mp)
		}
		dot.X += adv
	}
	return dot.X
}

// inkOver composites a glyph coverage mask onto the ink layer with the
// Porter-Duff "over" operator for an opaque source: ink = m + ink·(1−m).
func inkOver(dst *image.Alpha, dr image.Rectangle, mask image.Image, mp image.Point) {
	m, ok := mask.(*image.Alpha)
	if !ok {
		draw.DrawMask(dst, dr, image.Opaque, image.Point{}, mask, mp, draw.Over)
		return
	}
	r := dr.Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	mp = mp.Add(r.Min.Sub(dr.Min))
	for y := 0; y < r.Dy(); y++ {
		d := dst.Pix[dst.PixOffset(r.Min.X, r.Min.Y+y):][:r.Dx()]
		src := m.Pix[m.PixOffset(mp.X, mp.Y+y):][:r.Dx()]
		for i, a := range src {
			switch a {
			case 0:
			case 0xff:
				d[i] = 0xff
			default:
				d[i] = uint8(uint32(a) + (uint32(d[i])*(0xff-uint32(a))+0x7f)/0xff)
			}
		}
	}
}

// wrap breaks s (normalized) into at most maxLines lines no wider than maxW,
// breaking at ASCII spaces only; a word wider than a whole line is split
// between characters. When the text does not fit, the last line ends with an
// ellipsis and truncated is true.
func (f *face) wrap(s string, maxW fixed.Int26_6, maxLines int) (lines []string, truncated bool) {
	if maxLines <= 0 {
		return nil, s != ""
	}
	for s != "" {
		if len(lines) == maxLines-1 {
			if f.fit(s, maxW) == len(s) {
				return append(lines, s), false
			}
			return append(lines, f.ellipsize(s, maxW)), true
		}
		n := f.breakPoint(s, maxW)
		lines = append(lines, strings.TrimRight(s[:n], " "))
		s = strings.TrimLeft(s[n:], " ")
	}
	return lines, false
}

// fit returns the byte length of the longest prefix of s whose width is at
// most maxW, but at least one rune so that progress is always made. Widths
// are accumulated rune by rune, so this is linear in the prefix length.
func (f *face) fit(s string, maxW fixed.Int26_6) int {
	var w fixed.Int26_6
	prev := rune(-1)
	for i, r := range s {
		g := f.glyphRune(r)
		if prev >= 0 {
			w += f.kern(prev, g)
		}
		if g == ' ' {
			w += f.space
		} else {
			adv, _ := f.face.GlyphAdvance(g)
			w += adv
		}
		prev = g
		if w > maxW && i > 0 {
			return i
		}
	}
	return len(s)
}

// breakPoint returns where the first line of s ends: after the last whole
// word that fits, or inside the first word when even that one is too wide.
func (f *face) breakPoint(s string, maxW fixed.Int26_6) int {
	n := f.fit(s, maxW)
	if n == len(s) || s[n] == ' ' {
		return n
	}
	if j := strings.LastIndexByte(s[:n], ' '); j > 0 {
		return j
	}
	return n
}

// trimTail drops spaces and punctuation that would dangle before an ellipsis.
func trimTail(s string) string {
	return strings.TrimRight(s, " \u00a0,;:-–—·(«\"'’")
}

// ellipsize shortens s so that s+"…" fits in maxW, cutting at a word boundary
// when one is available.
func (f *face) ellipsize(s string, maxW fixed.Int26_6) string {
	ell := f.fam.ellipsis
	n := f.fit(s, maxW)
	head := s[:n]
	end := n
	if end < len(s) && s[end] != ' ' {
		end = strings.LastIndexByte(head, ' ') // drop the partial word
	}
	for end > 0 {
		if t := trimTail(s[:end]); t != "" && f.width(t+ell) <= maxW {
			return t + ell
		}
		end = strings.LastIndexByte(s[:end], ' ')
	}
	// Not even the first word fits next to the ellipsis: cut inside it.
	for t := head; t != ""; {
		_, size := utf8.DecodeLastRuneInString(t)
		t = t[:len(t)-size]
		if tt := trimTail(t); tt != "" && f.width(tt+ell) <= maxW {
			return tt + ell
		}
	}
	return ell
}
