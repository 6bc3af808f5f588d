package chart_test

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"implique/internal/chart"
)

// elem is one element of a parsed chart: its name, attributes, the text
// directly inside it, and its ancestors' names.
type elem struct {
	name    string
	attrs   map[string]string
	text    string
	parents []string
	// group is the index of the nearest enclosing <g> (-1 outside any).
	group int
}

// parse reads the whole output with encoding/xml and fails the test on any
// error.
func parse(t *testing.T, svg string) []*elem {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var out []*elem
	var stack []*elem
	var groups []int
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &elem{name: tok.Name.Local, attrs: map[string]string{}, group: -1}
			for _, a := range tok.Attr {
				name := a.Name.Local
				if a.Name.Space != "" && a.Name.Space != "http://www.w3.org/2000/svg" {
					name = a.Name.Space + ":" + name
				}
				e.attrs[name] = a.Value
			}
			for _, p := range stack {
				e.parents = append(e.parents, p.name)
			}
			if len(groups) > 0 {
				e.group = groups[len(groups)-1]
			}
			out = append(out, e)
			stack = append(stack, e)
			if e.name == "g" {
				groups = append(groups, len(out)-1)
			}
		case xml.EndElement:
			if stack[len(stack)-1].name == "g" {
				groups = groups[:len(groups)-1]
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	if len(out) == 0 || out[0].name != "svg" {
		t.Fatalf("the chart does not open with <svg>:\n%s", svg)
	}
	return out
}

func all(es []*elem, name string) []*elem {
	var out []*elem
	for _, e := range es {
		if e.name == name {
			out = append(out, e)
		}
	}
	return out
}

// bars are the rectangles drawn as bars (the background, the legend's
// swatches and the pattern's tile are not).
func bars(es []*elem) []*elem {
	var out []*elem
	for _, e := range all(es, "rect") {
		if e.attrs["height"] == "18" {
			out = append(out, e)
		}
	}
	return out
}

// texts are what <text> elements show, their <tspan>s joined by a space.
func texts(es []*elem) []string {
	var out []string
	for i, e := range es {
		if e.name != "text" {
			continue
		}
		s := e.text
		for _, sp := range es[i+1:] {
			if sp.name != "tspan" {
				break
			}
			s += " " + sp.text
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

func titles(es []*elem) []string {
	var out []string
	for _, e := range all(es, "title") {
		out = append(out, e.text)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func num(t *testing.T, e *elem, attr string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(e.attrs[attr], 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", e.name, attr, e.attrs[attr], err)
	}
	return v
}

// hundred is the x of the 100 % line of the grid: where a full bar ends.
func hundred(t *testing.T, es []*elem) float64 {
	t.Helper()
	x := 0.0
	for _, l := range all(es, "line") {
		if l.attrs["stroke-dasharray"] != "" {
			x = max(x, num(t, l, "x1"))
		}
	}
	if x == 0 {
		t.Fatal("no grid in the chart")
	}
	return x
}

func sample() chart.Bars {
	return chart.Bars{ID: "q1", Title: "Sentiment de sécurité", Desc: "Part des personnes qui se sentent en sécurité, par secteur.",
		Lang: "fr", Bars: []chart.Bar{
			{Label: "Gentilly", Value: 42, Text: "42 %"},
			{Label: "Saint-Grégoire", Value: 67.5, Text: "67,5 %"},
		}}
}

func sampleCompare() chart.Compare {
	return chart.Compare{ID: "q2", Title: "Avant et après", Desc: "Deux mesures par question.", NameA: "Départ (2025)",
		NameB: "Suivi (2026)", Lang: "fr", Pairs: []chart.Pair{
			{Label: "Je connais mes voisins", A: 30, B: 45, TextA: "30 %", TextB: "45 %"},
			{Label: "Je participe à la vie du quartier", A: 12, B: 20, TextA: "12 %", TextB: "20 %"},
		}}
}

func TestBarsShape(t *testing.T) {
	svg := sample().SVG()
	es := parse(t, svg)
	root := es[0]
	for attr, want := range map[string]string{"role": "img", "width": "100%", "font-family": "sans-serif", "lang": "fr",
		"aria-labelledby": "q1-title q1-desc"} {
		if root.attrs[attr] != want {
			t.Errorf("<svg %s=%q>, want %q", attr, root.attrs[attr], want)
		}
	}
	if !strings.HasPrefix(root.attrs["viewBox"], "0 0 360 ") {
		t.Errorf("viewBox %q, want 360 units wide", root.attrs["viewBox"])
	}
	if _, ok := root.attrs["height"]; ok {
		t.Error("the chart has a fixed height: it would not scale with its width")
	}
	if got := all(es, "title")[0]; got.attrs["id"] != "q1-title" || got.text != "Sentiment de sécurité" {
		t.Errorf("first title %v %q", got.attrs, got.text)
	}
	if got := all(es, "desc"); len(got) != 1 || got[0].attrs["id"] != "q1-desc" || !strings.HasPrefix(got[0].text, "Part des") {
		t.Errorf("desc %v", got)
	}
	bs := bars(es)
	if len(bs) != 2 {
		t.Fatalf("%d bars, want 2", len(bs))
	}
	full := hundred(t, es)
	x := num(t, bs[0], "x")
	for i, want := range []float64{42, 67.5} {
		w := num(t, bs[i], "width")
		if got := w / (full - x) * 100; got < want-0.1 || got > want+0.1 {
			t.Errorf("bar %d is %.2f %% of the scale, want %.1f", i, got, want)
		}
		if bs[i].attrs["fill"] == "" || bs[i].attrs["fill"] == "#ffffff" {
			t.Errorf("bar %d fill %q, want a dark colour", i, bs[i].attrs["fill"])
		}
	}
	if num(t, bs[0], "y") >= num(t, bs[1], "y") {
		t.Error("the second bar is not below the first")
	}
	tx := texts(es)
	for _, want := range []string{"Gentilly", "Saint-Grégoire", "42 %", "67,5 %", "0\u00a0%", "50\u00a0%", "100\u00a0%"} {
		if !contains(tx, want) {
			t.Errorf("no text %q in %q", want, tx)
		}
	}
	// Each row is a group whose title is the full label.
	for _, b := range bs {
		if b.group < 0 {
			t.Fatal("a bar outside any group")
		}
	}
	if !contains(titles(es), "Gentilly") || !contains(titles(es), "Saint-Grégoire") {
		t.Errorf("titles %q, want one per row", titles(es))
	}
	if strings.Contains(svg, "style") {
		t.Error("the chart uses style, which a strict Content-Security-Policy blocks")
	}
}

func TestEnglishScale(t *testing.T) {
	b := sample()
	b.Lang = "en"
	es := parse(t, b.SVG())
	if es[0].attrs["lang"] != "en" {
		t.Errorf("lang %q", es[0].attrs["lang"])
	}
	if tx := texts(es); !contains(tx, "100%") || !contains(tx, "0%") {
		t.Errorf("English scale %q, want 0%% … 100%%", tx)
	}
	b.Lang = `fr" onload="x`
	if es := parse(t, b.SVG()); es[0].attrs["lang"] != "fronloadx" || es[0].attrs["onload"] != "" {
		t.Errorf("a bad language tag went through: %v", es[0].attrs)
	}
}

func TestEscaping(t *testing.T) {
	nasty := `<script>alert("x")</script> & "guillemets" 'apostrophes' ]]>`
	b := chart.Bars{ID: "esc", Title: "A < B & C", Desc: `« citation » "d"`, Bars: []chart.Bar{
		{Label: nasty, Value: 50, Text: `<50 & "plus">`},
		{Label: "Ctrl\x00\x1bchars\ufffe", Value: 10, Text: "10 %"},
	}}
	c := chart.Compare{ID: "esc2", Title: "<T>", NameA: `A"&<`, NameB: `</svg><b>`, Pairs: []chart.Pair{
		{Label: nasty, A: 1, B: 2, TextA: "<1>", TextB: "&2"},
	}}
	for name, svg := range map[string]string{"bars": b.SVG(), "compare": c.SVG()} {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(svg, "<script") || strings.Contains(svg, "<b>") || strings.Contains(svg, "\x00") {
				t.Fatalf("typed text went through unescaped:\n%s", svg)
			}
			es := parse(t, svg)
			for _, e := range es {
				if e.name == "script" || e.name == "b" {
					t.Fatalf("an element <%s> came from typed text", e.name)
				}
			}
			if !contains(titles(es), nasty) {
				t.Errorf("the full label does not survive in a title: %q", titles(es))
			}
		})
	}
	es := parse(t, b.SVG())
	if got := all(es, "title")[0].text; got != "A < B & C" {
		t.Errorf("title %q", got)
	}
	if got := all(es, "desc")[0].text; got != `« citation » "d"` {
		t.Errorf("desc %q", got)
	}
	if tx := texts(es); !contains(tx, `<50 & "plus">`) {
		t.Errorf("texts %q", tx)
	}
	es = parse(t, c.SVG())
	if !contains(titles(es), `A"&<`) || !contains(titles(es), `</svg><b>`) {
		t.Errorf("legend titles %q", titles(es))
	}
}

func TestZeroBars(t *testing.T) {
	for name, svg := range map[string]string{
		"bars":         chart.Bars{ID: "none", Title: "Aucune réponse"}.SVG(),
		"empty bars":   chart.Bars{}.SVG(),
		"compare":      chart.Compare{ID: "none", Title: "Aucune réponse", NameA: "Départ", NameB: "Suivi"}.SVG(),
		"empty compar": chart.Compare{}.SVG(),
	} {
		t.Run(name, func(t *testing.T) {
			es := parse(t, svg)
			if len(bars(es)) != 0 {
				t.Errorf("%d bars drawn for no data", len(bars(es)))
			}
			// No scale nor legend around nothing.
			if tx := texts(es); len(tx) != 0 {
				t.Errorf("texts %q drawn for no data", tx)
			}
			if es[0].attrs["role"] != "img" || len(all(es, "title")) == 0 {
				t.Errorf("no accessible name: %v", es[0].attrs)
			}
			if _, ok := es[0].attrs["aria-labelledby"]; !ok {
				t.Error("no aria-labelledby")
			}
			if strings.Contains(es[0].attrs["aria-labelledby"], "desc") {
				t.Error("aria-labelledby points to a description that is not there")
			}
			vb := strings.Fields(es[0].attrs["viewBox"])
			if len(vb) != 4 {
				t.Fatalf("viewBox %q", es[0].attrs["viewBox"])
			}
			if h, err := strconv.ParseFloat(vb[3], 64); err != nil || h <= 0 {
				t.Errorf("height %q", vb[3])
			}
		})
	}
}

func TestZeroAndHundred(t *testing.T) {
	b := chart.Bars{ID: "ends", Title: "Extrêmes", Bars: []chart.Bar{
		{Label: "Personne", Value: 0, Text: "0 %"},
		{Label: "Tout le monde", Value: 100, Text: "100 %"},
		{Label: "Plus que tout", Value: 250, Text: "?"},
		{Label: "Moins que rien", Value: -3, Text: "-"},
		{Label: "Presque rien", Value: 0.01, Text: "0,01 %"},
	}}
	es := parse(t, b.SVG())
	full := hundred(t, es)
	bs := bars(es)
	// 0 and -3 draw no bar; 100 and 250 a full one; 0.01 a sliver.
	if len(bs) != 3 {
		t.Fatalf("%d bars, want 3 (none for 0 and below)", len(bs))
	}
	for i, b := range bs[:2] {
		if end := num(t, b, "x") + num(t, b, "width"); end < full-0.02 || end > full+0.02 {
			t.Errorf("full bar %d ends at %.2f, want the 100 %% line at %.2f", i, end, full)
		}
	}
	if w := num(t, bs[2], "width"); w <= 0 || w > 2 {
		t.Errorf("a sliver of %.2f, want a visible bar under 2 units", w)
	}
	tx := texts(es)
	for _, want := range []string{"0 %", "100 %", "Personne", "0,01 %"} {
		if !contains(tx, want) {
			t.Errorf("no text %q in %q", want, tx)
		}
	}
	// The text of a full bar stays inside the chart.
	for _, e := range all(es, "text") {
		if e.text == "100 %" && num(t, e, "x")+5*14*0.65 > 360 {
			t.Errorf("the text of a full bar starts at %.1f: it would leave the chart", num(t, e, "x"))
		}
	}
}

func TestLongLabels(t *testing.T) {
	long := "Je me sens en sécurité quand je marche seul ou seule le soir dans les rues de mon quartier, " +
		"même l’hiver quand il fait noir tôt et que les trottoirs ne sont pas déneigés"
	word := "https://exemple.org/" + strings.Repeat("x", 80)
	b := chart.Bars{ID: "long", Title: "Longs libellés", Bars: []chart.Bar{
		{Label: long, Value: 40, Text: "40 %"},
		{Label: word, Value: 60, Text: "60 %"},
		{Label: "Court", Value: 10, Text: "10 %"},
		{Label: "  espaces\n\tet  retours  ", Value: 10, Text: "10 %"},
	}}
	es := parse(t, b.SVG())
	tx := texts(es)
	var cut string
	for _, s := range tx {
		if strings.HasPrefix(s, "Je me sens") {
			cut = s
		}
	}
	if cut == "" || !strings.HasSuffix(cut, "…") || len(cut) >= len(long) {
		t.Errorf("long label shown as %q, want it cut with an ellipsis", cut)
	}
	if !contains(tx, "espaces et retours") {
		t.Errorf("white space not folded: %q", tx)
	}
	if !contains(titles(es), long) || !contains(titles(es), word) {
		t.Error("a full label is missing from the rows' titles")
	}
	for i, e := range all(es, "text") {
		lines := 0
		for _, sp := range es[indexOf(es, e)+1:] {
			if sp.name != "tspan" {
				break
			}
			lines++
			// No label line reaches the bars.
			if n := len([]rune(sp.text)); n > 24 {
				t.Errorf("text %d: a line of %d characters (%q) would run into the bars", i, n, sp.text)
			}
		}
		if lines > 3 {
			t.Errorf("text %d has %d lines, want 3 at most", i, lines)
		}
	}
	// Rows do not overlap: each bar is below the previous one by at least
	// its height.
	bs := bars(es)
	for i := 1; i < len(bs); i++ {
		if num(t, bs[i], "y") < num(t, bs[i-1], "y")+18 {
			t.Errorf("bar %d overlaps bar %d", i, i-1)
		}
	}
	// The tall rows push the next ones down.
	if num(t, bs[1], "y")-num(t, bs[0], "y") < 3*17 {
		t.Errorf("the three-line row is %.1f units high", num(t, bs[1], "y")-num(t, bs[0], "y"))
	}
}

func indexOf(es []*elem, e *elem) int {
	for i, x := range es {
		if x == e {
			return i
		}
	}
	return -1
}

func ids(t *testing.T, es []*elem) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range es {
		id, ok := e.attrs["id"]
		if !ok {
			continue
		}
		if seen[id] {
			t.Errorf("id %q appears twice", id)
		}
		seen[id] = true
	}
	return seen
}

func TestIDsUniquePerChart(t *testing.T) {
	charts := map[string]string{
		"bars q1":    sample().SVG(),
		"bars q9":    func() string { b := sample(); b.ID = "q9"; return b.SVG() }(),
		"compare q2": sampleCompare().SVG(),
		"compare q3": func() string { c := sampleCompare(); c.ID = "q3"; return c.SVG() }(),
		"no id a":    chart.Bars{Title: "A", Desc: "a", Bars: []chart.Bar{{Label: "x", Value: 1}}}.SVG(),
		"no id b":    chart.Bars{Title: "B", Desc: "b", Bars: []chart.Bar{{Label: "x", Value: 1}}}.SVG(),
		"no id c":    chart.Compare{Title: "C", Desc: "c"}.SVG(),
		"odd id":     chart.Bars{ID: `1 "x" <y>`, Title: "D", Desc: "d"}.SVG(),
	}
	owner := map[string]string{}
	for name, svg := range charts {
		es := parse(t, svg)
		own := ids(t, es)
		for id := range own {
			if other, ok := owner[id]; ok {
				t.Errorf("id %q is in both %s and %s", id, name, other)
			}
			owner[id] = name
			if id == "" || !('a' <= id[0] && id[0] <= 'z' || 'A' <= id[0] && id[0] <= 'Z') || strings.ContainsAny(id, " \"<>") {
				t.Errorf("%s: id %q is not a plain name", name, id)
			}
		}
		// Every reference points into the same chart.
		for _, ref := range strings.Fields(es[0].attrs["aria-labelledby"]) {
			if !own[ref] {
				t.Errorf("%s: aria-labelledby names %q, not in the chart", name, ref)
			}
		}
		if len(strings.Fields(es[0].attrs["aria-labelledby"])) != 2 {
			t.Errorf("%s: aria-labelledby %q, want the title and the description", name, es[0].attrs["aria-labelledby"])
		}
		for _, e := range es {
			if f := e.attrs["fill"]; strings.HasPrefix(f, "url(#") && !own[strings.TrimSuffix(strings.TrimPrefix(f, "url(#"), ")")] {
				t.Errorf("%s: fill %q names no element of the chart", name, f)
			}
		}
	}
}

func TestCompare(t *testing.T) {
	c := sampleCompare()
	svg := c.SVG()
	es := parse(t, svg)
	if es[0].attrs["aria-labelledby"] != "q2-title q2-desc" || es[0].attrs["role"] != "img" {
		t.Errorf("svg attributes %v", es[0].attrs)
	}
	pats := all(es, "pattern")
	if len(pats) != 1 || pats[0].attrs["id"] != "q2-hatch" {
		t.Fatalf("patterns %v, want one hatch", pats)
	}
	bs := bars(es)
	if len(bs) != 4 {
		t.Fatalf("%d bars, want 2 per pair", len(bs))
	}
	full := hundred(t, es)
	for i, want := range []float64{30, 45, 12, 20} {
		b := bs[i]
		hatched := i%2 == 1
		if got := b.attrs["fill"] == "url(#q2-hatch)"; got != hatched {
			t.Errorf("bar %d: fill %q, hatched %v", i, b.attrs["fill"], hatched)
		}
		if hatched && b.attrs["stroke"] == "" {
			t.Errorf("bar %d: a hatched bar without an outline", i)
		}
		x := num(t, b, "x")
		if got := num(t, b, "width") / (full - x) * 100; got < want-0.1 || got > want+0.1 {
			t.Errorf("bar %d is %.2f %%, want %.0f", i, got, want)
		}
	}
	// The two bars of a pair share the row's group; the follow-up is under
	// the baseline.
	if bs[0].group != bs[1].group || bs[1].group == bs[2].group {
		t.Error("bars are not grouped by pair")
	}
	if num(t, bs[1], "y") <= num(t, bs[0], "y") {
		t.Error("the follow-up is not under the baseline")
	}
	// The legend: a solid swatch beside NameA, a hatched one beside NameB,
	// above the rows.
	tx := texts(es)
	for _, want := range []string{"Départ (2025)", "Suivi (2026)", "30 %", "45 %", "12 %", "20 %", "Je connais mes voisins"} {
		if !contains(tx, want) {
			t.Errorf("no text %q in %q", want, tx)
		}
	}
	var swatches []*elem
	for _, r := range all(es, "rect") {
		if r.attrs["height"] == "14" {
			swatches = append(swatches, r)
		}
	}
	if len(swatches) != 2 || swatches[0].attrs["fill"] != bs[0].attrs["fill"] || swatches[1].attrs["fill"] != "url(#q2-hatch)" {
		t.Errorf("legend swatches %v", swatches)
	}
	if len(swatches) > 0 && num(t, swatches[len(swatches)-1], "y") >= num(t, bs[0], "y") {
		t.Error("the legend is not above the bars")
	}

	t.Run("long names are cut, whole in a title", func(t *testing.T) {
		c := sampleCompare()
		c.NameA = strings.Repeat("Mesure de départ très détaillée ", 5)
		es := parse(t, c.SVG())
		if !contains(titles(es), c.NameA) {
			t.Error("the full name is not in a title")
		}
		for _, s := range texts(es) {
			if strings.HasPrefix(s, "Mesure") && !strings.HasSuffix(s, "…") {
				t.Errorf("a long legend name shown whole: %q", s)
			}
		}
	})
}

func TestDeterministic(t *testing.T) {
	for i := 0; i < 3; i++ {
		if sample().SVG() != sample().SVG() || sampleCompare().SVG() != sampleCompare().SVG() {
			t.Fatal("two drawings of the same chart differ")
		}
		noID := chart.Bars{Title: "Sans id", Bars: sample().Bars}
		if noID.SVG() != noID.SVG() {
			t.Fatal("a chart without an id is drawn differently each time")
		}
	}
	if strings.Contains(sample().SVG(), "e+") || strings.Contains(sample().SVG(), "-0 ") {
		t.Error("numbers written in exponent form or as -0")
	}
}

func TestBarsRelative(t *testing.T) {
	bars := chart.Bars{Title: "Soupers", Lang: "fr", Bars: []chart.Bar{{Label: "octobre", Value: 50, Text: "2"}, {Label: "novembre", Value: 100, Text: "4"}}}
	if !strings.Contains(bars.SVG(), "100\u00a0%") {
		t.Error("a chart of percentages lost its scale")
	}
	bars.Relative = true
	svg := bars.SVG()
	if strings.Contains(svg, "\u00a0%") {
		t.Error("a chart of counts shows a scale of percentages")
	}
	for _, want := range []string{">2<", ">4<", "novembre"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
}
