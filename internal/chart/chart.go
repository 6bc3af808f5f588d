// Package chart draws small charts as SVG on the server: no script, the
// same output for the same input, readable on a 360 px screen, in print and
// in black and white.
//
// A chart is an image (role="img") named by its <title> and <desc>; the
// page shows the same figures in a table beside it, for screen readers and
// for whoever wants the numbers. Values are percentages on a 0–100 scale,
// every bar is the same dark colour, and every bar carries its figure in
// text: no meaning is carried by colour alone. In a comparison the second
// series is hatched as well as lighter, and a legend names both.
//
// Every text is escaped for XML: labels are typed by staff. The package
// uses only presentation attributes (no style element, no style
// attribute), so a strict Content-Security-Policy lets the charts through.
package chart

import (
	"encoding/xml"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Bar is one row of a bar chart.
type Bar struct {
	Label string
	// Value is a percentage, 0 to 100 (anything outside is drawn at the
	// nearest bound).
	Value float64
	// Text is shown at the bar's end, e.g. "42 %".
	Text string
}

// Bars is a horizontal bar chart: one row per bar, its label on the left.
type Bars struct {
	// ID prefixes the chart's element ids; give each chart of a page its
	// own. When empty, a prefix is derived from the chart's content.
	ID    string
	Title string
	Desc  string
	Bars  []Bar
	// Lang is the language of the chart's texts (fr, en); it also decides
	// how the scale's percentages are written.
	Lang string
	// Relative: each Value is the bar's share of the largest, not a
	// percentage (counts, hours, dollars over time): the scale's
	// percentages are left out, every bar carrying its figure in text.
	Relative bool
}

// Pair is one row of a comparison: the same figure at two moments.
type Pair struct {
	Label        string
	A, B         float64
	TextA, TextB string
}

// Compare draws two bars per row, series A solid and series B hatched,
// under a legend that names them (e.g. baseline and follow-up).
type Compare struct {
	ID, Title, Desc, NameA, NameB string
	Pairs                         []Pair
	// Lang is as in Bars.
	Lang string
}

// Geometry, in the units of the viewBox. The chart is 360 units wide and
// drawn at 100 % of its container's width: on a 360 px screen a unit is
// about a pixel and the 14-unit text is read at its intended size.
const (
	width      = 360.0
	pad        = 8.0
	fontSize   = 14.0
	smallFont  = 12.0
	lineHeight = 17.0
	labelWidth = 128.0 // the label column, from pad
	gap        = 8.0   // between the label column and the bars, and after a bar
	barHeight  = 18.0
	pairGap    = 3.0  // between the two bars of a pair
	rowGap     = 10.0 // between rows
	maxLines   = 3    // of a label; the rest is cut with an ellipsis
	axisHeight = 22.0
	minTextCol = 40.0
	maxTextCol = 120.0
	legendLine = 22.0
	swatch     = 14.0
)

// Colours: dark on white, which prints well in black and white.
const (
	ink      = "#1a1a1a" // text
	barFill  = "#1f3f66" // dark blue, 10:1 on white
	gridLine = "#b3b3b3"
	hatchBg  = "#ffffff"
)

// SVG returns the chart as an <svg> element, ready to be put in a page.
func (b Bars) SVG() string {
	id := chartID(b.ID, "bars", b.Title, b.Desc, b.Lang, barsKey(b.Bars))
	barX, barMax := columns(barTexts(b.Bars))

	rows := make([]row, len(b.Bars))
	y := pad
	for i, bar := range b.Bars {
		lines, _ := wrap(bar.Label, labelWidth, fontSize, maxLines)
		h := math.Max(float64(max(len(lines), 1))*lineHeight, barHeight)
		rows[i] = row{label: bar.Label, lines: lines, top: y, height: h}
		y += h + rowGap
	}
	plotTop, plotBottom := pad, y-rowGap
	height := plotBottom + axisHeight + pad
	if len(rows) == 0 {
		// Nothing to draw: the page says why beside the chart.
		height = 2 * pad
	}

	w := newWriter()
	w.open(id, b.Title, b.Desc, b.Lang, height)
	if len(rows) > 0 {
		w.scale(barX, barMax, plotTop, plotBottom, b.Lang, !b.Relative)
	}
	for i, bar := range b.Bars {
		r := rows[i]
		w.s.WriteString(`<g>`)
		w.title(r.label)
		mid := r.top + r.height/2
		w.label(r, mid)
		w.bar(barX, barMax, mid-barHeight/2, bar.Value, barFill, bar.Text, false)
		w.s.WriteString(`</g>`)
	}
	w.close()
	return w.s.String()
}

// SVG returns the comparison as an <svg> element, ready to be put in a page.
func (c Compare) SVG() string {
	id := chartID(c.ID, "compare", c.Title, c.Desc, c.Lang, c.NameA, c.NameB, pairsKey(c.Pairs))
	var texts []string
	for _, p := range c.Pairs {
		texts = append(texts, p.TextA, p.TextB)
	}
	barX, barMax := columns(texts)

	top := pad + 2*legendLine + rowGap/2
	pairH := 2*barHeight + pairGap
	rows := make([]row, len(c.Pairs))
	y := top
	for i, p := range c.Pairs {
		lines, _ := wrap(p.Label, labelWidth, fontSize, maxLines)
		h := math.Max(float64(max(len(lines), 1))*lineHeight, pairH)
		rows[i] = row{label: p.Label, lines: lines, top: y, height: h}
		y += h + rowGap
	}
	plotBottom := y - rowGap
	height := plotBottom + axisHeight + pad
	if len(rows) == 0 {
		// Nothing to draw, not even the legend: the page says why.
		height = 2 * pad
	}

	w := newWriter()
	w.open(id, c.Title, c.Desc, c.Lang, height)
	hatch := id + "-hatch"
	w.s.WriteString(`<defs><pattern id="` + hatch + `" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">`)
	w.s.WriteString(`<rect width="6" height="6" fill="` + hatchBg + `"/>`)
	w.s.WriteString(`<line x1="1.5" y1="0" x2="1.5" y2="6" stroke="` + barFill + `" stroke-width="2.5"/>`)
	w.s.WriteString(`</pattern></defs>`)

	if len(rows) > 0 {
		// The legend: one series per line, so that long names stay whole.
		nameMax := width - 2*pad - swatch - gap
		for i, s := range []struct {
			name, fill string
			hatched    bool
		}{{c.NameA, barFill, false}, {c.NameB, "url(#" + hatch + ")", true}} {
			ly := pad + float64(i)*legendLine
			w.s.WriteString(`<g>`)
			w.title(s.name)
			w.rect(pad, ly+(legendLine-swatch)/2-2, swatch, swatch, s.fill, s.hatched)
			w.text(pad+swatch+gap, baseline(ly+legendLine/2-2, fontSize), "start", fontSize, fit(s.name, nameMax, fontSize))
			w.s.WriteString(`</g>`)
		}
		w.scale(barX, barMax, top, plotBottom, c.Lang, true)
	}
	for i, p := range c.Pairs {
		r := rows[i]
		mid := r.top + r.height/2
		w.s.WriteString(`<g>`)
		w.title(r.label)
		w.label(r, mid)
		first := mid - pairH/2
		w.bar(barX, barMax, first, p.A, barFill, p.TextA, false)
		w.bar(barX, barMax, first+barHeight+pairGap, p.B, "url(#"+hatch+")", p.TextB, true)
		w.s.WriteString(`</g>`)
	}
	w.close()
	return w.s.String()
}

type row struct {
	label       string
	lines       []string
	top, height float64
}

// columns places the bars: after the label column, leaving room after the
// longest figure's text.
func columns(texts []string) (barX, barMax float64) {
	textCol := minTextCol
	for _, t := range texts {
		textCol = math.Max(textCol, textWidth(t, fontSize)+gap)
	}
	textCol = math.Min(textCol, maxTextCol)
	barX = pad + labelWidth + gap
	return barX, width - pad - textCol - barX
}

type writer struct{ s *strings.Builder }

func newWriter() writer { return writer{s: &strings.Builder{}} }

func (w writer) open(id, title, desc, lang string, height float64) {
	s := w.s
	s.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ` + num(width) + ` ` + num(height) +
		`" width="100%" role="img" aria-labelledby="` + id + `-title`)
	if desc != "" {
		s.WriteString(` ` + id + `-desc`)
	}
	s.WriteString(`"`)
	if l := cleanLang(lang); l != "" {
		s.WriteString(` lang="` + l + `"`)
	}
	s.WriteString(` font-family="sans-serif" font-size="` + num(fontSize) + `" fill="` + ink + `">`)
	s.WriteString(`<title id="` + id + `-title">` + esc(title) + `</title>`)
	if desc != "" {
		s.WriteString(`<desc id="` + id + `-desc">` + esc(desc) + `</desc>`)
	}
	s.WriteString(`<rect width="` + num(width) + `" height="` + num(height) + `" fill="#ffffff"/>`)
}

func (w writer) close() { w.s.WriteString(`</svg>`) }

// scale draws the grid (0, 25, 50, 75 and 100 %) behind the bars and
// writes 0, 50 and 100 % under it; the 0 line is the axis.
func (w writer) scale(barX, barMax, top, bottom float64, lang string, percents bool) {
	w.s.WriteString(`<g>`)
	for _, v := range []float64{25, 50, 75, 100} {
		x := barX + barMax*v/100
		w.s.WriteString(`<line x1="` + num(x) + `" y1="` + num(top) + `" x2="` + num(x) + `" y2="` + num(bottom+4) +
			`" stroke="` + gridLine + `" stroke-width="1" stroke-dasharray="3 3"/>`)
	}
	w.s.WriteString(`<line x1="` + num(barX) + `" y1="` + num(top) + `" x2="` + num(barX) + `" y2="` + num(bottom+4) +
		`" stroke="` + ink + `" stroke-width="1"/>`)
	ty := baseline(bottom+4+axisHeight/2, smallFont)
	for _, v := range []float64{0, 50, 100} {
		if !percents {
			break
		}
		anchor := "middle"
		switch v {
		case 0:
			anchor = "start"
		case 100:
			anchor = "end"
		}
		w.text(barX+barMax*v/100, ty, anchor, smallFont, percent(v, lang))
	}
	w.s.WriteString(`</g>`)
}

// label writes a row's label, its lines centred on mid.
func (w writer) label(r row, mid float64) {
	if len(r.lines) == 0 {
		return
	}
	first := mid - float64(len(r.lines)-1)*lineHeight/2
	w.s.WriteString(`<text x="` + num(pad) + `" y="` + num(baseline(first, fontSize)) + `">`)
	for i, l := range r.lines {
		w.s.WriteString(`<tspan x="` + num(pad) + `" y="` + num(baseline(first+float64(i)*lineHeight, fontSize)) + `">` +
			esc(l) + `</tspan>`)
	}
	w.s.WriteString(`</text>`)
}

// bar draws one bar from the axis and its text after it. A value of 0
// draws no bar, only the text; any value above 0 shows at least a sliver.
func (w writer) bar(barX, barMax, y, value float64, fill, text string, hatched bool) {
	v := clamp(value)
	length := barMax * v / 100
	if v > 0 {
		length = math.Max(length, 1.5)
		w.rect(barX, y, length, barHeight, fill, hatched)
	}
	if text != "" {
		w.text(barX+length+gap/2+1, baseline(y+barHeight/2, fontSize), "start", fontSize, text)
	}
}

// rect draws a bar or a swatch; a hatched one has a dark outline, so that
// its end is as plain as a solid one's.
func (w writer) rect(x, y, wd, h float64, fill string, hatched bool) {
	w.s.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(wd) + `" height="` + num(h) + `" fill="` + fill + `"`)
	if hatched {
		// The outline is drawn inside the shape, half a stroke from its edge.
		w.s.WriteString(` stroke="` + barFill + `" stroke-width="1.5"`)
	}
	w.s.WriteString(`/>`)
}

func (w writer) text(x, y float64, anchor string, size float64, s string) {
	w.s.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `"`)
	if anchor != "start" {
		w.s.WriteString(` text-anchor="` + anchor + `"`)
	}
	if size != fontSize {
		w.s.WriteString(` font-size="` + num(size) + `"`)
	}
	w.s.WriteString(`>` + esc(s) + `</text>`)
}

func (w writer) title(s string) {
	w.s.WriteString(`<title>` + esc(s) + `</title>`)
}

// baseline is where to write text of the given size so that it looks
// centred on mid (without dominant-baseline, which printers ignore).
func baseline(mid, size float64) float64 { return mid + size*0.35 }

func clamp(v float64) float64 {
	switch {
	case math.IsNaN(v) || v < 0:
		return 0
	case v > 100:
		return 100
	}
	return v
}

// num writes a coordinate with at most two decimals, always the same way.
func num(v float64) string {
	v = math.Round(v*100) / 100
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// percent writes a scale figure: "50 %" in French (with a no-break space),
// "50%" in English.
func percent(v float64, lang string) string {
	n := strconv.FormatFloat(v, 'f', -1, 64)
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return n + "%"
	}
	return n + "\u00a0%"
}

// esc escapes text for XML, in an element or an attribute; characters
// that XML cannot hold become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// cleanLang keeps a language tag's letters, digits and hyphens.
func cleanLang(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-') {
			return r
		}
		return -1
	}, s)
}

// chartID is the prefix of a chart's ids: the given one, reduced to the
// characters an id may hold, or one derived from the chart's content.
func chartID(given, kind string, content ...string) string {
	id := strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return r
		}
		return -1
	}, given)
	if id != "" && !unicode.IsLetter(rune(id[0])) {
		id = "chart-" + id
	}
	if id != "" {
		return id
	}
	h := fnv.New64a()
	h.Write([]byte(kind))
	for _, c := range content {
		h.Write([]byte{0})
		h.Write([]byte(c))
	}
	return "chart-" + strconv.FormatUint(h.Sum64(), 36)
}

func barsKey(bars []Bar) string {
	var b strings.Builder
	for _, x := range bars {
		b.WriteString(x.Label + "\x00" + num(x.Value) + "\x00" + x.Text + "\x00")
	}
	return b.String()
}

func pairsKey(pairs []Pair) string {
	var b strings.Builder
	for _, p := range pairs {
		b.WriteString(p.Label + "\x00" + num(p.A) + "\x00" + num(p.B) + "\x00" + p.TextA + "\x00" + p.TextB + "\x00")
	}
	return b.String()
}

func barTexts(bars []Bar) []string {
	out := make([]string, len(bars))
	for i, b := range bars {
		out[i] = b.Text
	}
	return out
}
