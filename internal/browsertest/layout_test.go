package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"implique/internal/browsertest"
)

// layoutPage has something of each kind that LayoutOf reports, in a
// viewport of 400 px: its body is 360 px wide.
// layoutCSS is the style of layoutPage (the CSP forbids inline styles).
const layoutCSS = `body { margin: 0 20px; font: 16px/1.4 sans-serif; }
.box { width: 300px; }
.scroll { width: 300px; overflow-x: auto; }
td { white-space: nowrap; }
.cut { display: block; width: 100px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.wide { width: 500px; }
.big { font-size: 60px; }
.hidden-but-wide { position: absolute; width: 1px; height: 1px; overflow: hidden; white-space: nowrap; }
#sliver, #hidden-scroll { width: 320px; }
#far { width: 600px; }
`

const layoutPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Layout</title>
<link rel="stylesheet" href="/layout.css">
</head>
<body><main>
<h1>Layout</h1>
<div class="box"><table id="fits"><tr><td>Short</td><td>Row</td></tr></table></div>
<div class="box"><table id="spills"><tr><td>A cell that is much too long to fit in three hundred pixels</td></tr></table></div>
<div class="scroll" tabindex="0" role="region" aria-label="Figures"><table id="sliver"><tr><td>A table a little wider</td></tr></table></div>
<div class="scroll"><table id="hidden-scroll"><tr><td>Wider, in a box the keyboard cannot reach</td></tr></table></div>
<div class="scroll" tabindex="0" role="region" aria-label="Much"><table id="far"><tr><td>Far too wide</td></tr></table></div>
<p><span class="cut">Risque faible pour cette colonne</span></p>
<p class="wide">This paragraph is wider than the screen.</p>
<p class="big">Accompagnement</p>
<p class="hidden-but-wide">Hidden text for screen readers, however long it is, does not count.</p>
<p>Nous parlons <span lang="fr">français</span> ici.</p>
</main></body>
</html>
`

func TestLayoutOf(t *testing.T) {
	var (
		mu   sync.Mutex
		seen string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/layout.css" {
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, layoutCSS)
			return
		}
		if c, err := r.Cookie("who"); err == nil {
			mu.Lock()
			seen = c.Value
			mu.Unlock()
		}
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path != "/" {
			w.WriteHeader(http.StatusNotFound)
		}
		fmt.Fprint(w, layoutPage)
	}))
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t, browsertest.PhoneSize(400, 700))
	if st := browsertest.Navigate(t, ctx, srv.URL+"/"); st != 200 {
		t.Errorf("Navigate: status %d", st)
	}
	if st := browsertest.Navigate(t, ctx, srv.URL+"/nulle-part"); st != 404 {
		t.Errorf("Navigate to a missing page: status %d", st)
	}
	browsertest.Navigate(t, ctx, srv.URL+"/")
	if got := browsertest.Attribute(t, ctx, "html", "lang"); got != "en" {
		t.Errorf("Attribute(html, lang) = %q", got)
	}

	l := browsertest.LayoutOf(t, ctx)
	if l.ViewportWidth != 400 {
		t.Errorf("viewport %d, want 400 (PhoneSize)", l.ViewportWidth)
	}
	if l.DocumentWidth <= 400 {
		t.Errorf("document width %d: the wide paragraph should widen it", l.DocumentWidth)
	}
	tables := map[string]browsertest.Table{}
	for _, tb := range l.Tables {
		id := tb.Selector[strings.LastIndex(tb.Selector, "#")+1:]
		tables[id] = tb
	}
	if tb := tables["fits"]; tb.Wider() > 0 {
		t.Errorf("#fits: %+v", tb)
	}
	if tb := tables["spills"]; tb.Wider() <= 0 || tb.Scrolls {
		t.Errorf("#spills: %+v", tb)
	}
	if tb := tables["sliver"]; tb.Wider() != 20 || !tb.Scrolls || !tb.Focusable || !tb.Named {
		t.Errorf("#sliver: %+v", tb)
	}
	if tb := tables["hidden-scroll"]; !tb.Scrolls || tb.Focusable || tb.Named {
		t.Errorf("#hidden-scroll: %+v", tb)
	}

	problems := strings.Join(l.Problems(), "\n")
	t.Logf("problems:\n%s", problems)
	for _, want := range []string{
		"the page is ",
		"p.wide:nth-of-type(2) reaches past the right edge",
		"p.big:nth-of-type(3) reaches past the right edge",
		`span.cut cuts its text`,
		"table#spills is ", "px wide in a box of 300 px (its box does not scroll",
		"its box does not scroll",
		"table#hidden-scroll",
		"its box does not take the keyboard's focus, its box is not a named region",
		"table#far",
		"more than 30 px wider",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("the problems do not say %q", want)
		}
	}
	for _, not := range []string{"#fits", "#sliver", "hidden-but-wide", "Hidden text"} {
		if strings.Contains(problems, not) {
			t.Errorf("the problems name %q, which is fine", not)
		}
	}

	// Texts: each piece of text with its language.
	var fr, en []string
	for _, r := range browsertest.Texts(t, ctx) {
		switch r.Lang {
		case "fr":
			fr = append(fr, r.Text)
		case "en":
			en = append(en, r.Text)
		}
	}
	if strings.Join(fr, "|") != "français" || !strings.Contains(strings.Join(en, "|"), "Nous parlons|ici.") {
		t.Errorf("Texts: fr %q, en %q", fr, en)
	}

	// SetCookie: the next requests carry it.
	browsertest.SetCookie(t, ctx, srv.URL, "who", "lise")
	browsertest.Navigate(t, ctx, srv.URL+"/")
	mu.Lock()
	defer mu.Unlock()
	if seen != "lise" {
		t.Errorf("the server saw the cookie %q, want lise", seen)
	}
}

func TestCheckAccessibilityTags(t *testing.T) {
	// The headings skip a level: a best practice, not a WCAG rule.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, strings.Replace(goodPage, "<form", "<h3>Sous-titre</h3><form", 1))
	}))
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t)
	browsertest.Navigate(t, ctx, srv.URL)
	r := capture(t, func(tb testing.TB) { browsertest.CheckAccessibility(tb, ctx, "wcag") })
	if len(r.errors) != 0 {
		t.Errorf("WCAG rules: %q", r.errors)
	}
	r = capture(t, func(tb testing.TB) {
		browsertest.CheckAccessibilityTags(tb, ctx, "bonnes pratiques", browsertest.AxeBestPractices)
	})
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "heading-order") {
		t.Errorf("best practices: %q", r.errors)
	}
}
