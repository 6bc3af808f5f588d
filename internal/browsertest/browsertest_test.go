package browsertest_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"implique/internal/browsertest"
)

// csp is the policy of the test pages: as strict as the product's, so that
// a script that a test adds to the page would be blocked.
const csp = "default-src 'self'"

const goodPage = `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Accueil – Implique</title>
<script src="/app.js" defer></script>
</head>
<body>
<header><p><a href="/merci?commune=Paris">Aller à Paris</a></p></header>
<main>
<h1>Bienvenue sur Implique</h1>
<p id="compte">0 clic</p>
<button type="button" id="plus">Ajouter un clic</button>
<form action="/merci" method="get">
<label for="commune">Votre commune</label>
<input id="commune" name="commune" type="text" autocomplete="address-level2" required>
<button type="submit" name="action" value="envoyer">Envoyer</button>
</form>
</main>
</body>
</html>
`

// appJS runs from 'self', so the CSP lets it run: it proves that Click
// reaches the page's own scripts.
const appJS = `document.getElementById('plus').addEventListener('click', () => {
	const p = document.getElementById('compte');
	const n = parseInt(p.textContent, 10) + 1;
	p.textContent = n + (n > 1 ? ' clics' : ' clic');
});
`

const thanksPage = `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Merci – Implique</title>
</head>
<body><main><h1>Merci</h1><p id="reponse">Commune : %s (%s)</p></main></body>
</html>
`

// badPage breaks WCAG on purpose: an image without alt, and a field without
// a label.
const badPage = `<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>Mauvaise page</title></head>
<body><main>
<h1>Mauvaise page</h1>
<img src="/logo.png">
<form action="/merci"><input type="text" name="q"></form>
</main></body>
</html>
`

// server serves the test pages, each with the strict CSP.
func server(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("GET /{$}", page(goodPage))
	mux.HandleFunc("GET /mauvais", page(badPage))
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		fmt.Fprint(w, appJS)
	})
	mux.HandleFunc("GET /logo.png", func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	})
	mux.HandleFunc("GET /merci", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		q := r.URL.Query()
		fmt.Fprintf(w, thanksPage, html.EscapeString(q.Get("commune")), html.EscapeString(q.Get("action")))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// recorder is a testing.TB that records the failures of the helpers instead
// of failing the real test. Its Fatal ends the goroutine that calls it, as
// the real one does, so call the helper on a goroutine of its own (see
// capture).
type recorder struct {
	testing.TB
	mu      sync.Mutex
	errors  []string
	fatals  []string
	skipped []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprint(args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) {
	r.mu.Lock()
	r.fatals = append(r.fatals, fmt.Sprint(args...))
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Skipf(format string, args ...any) {
	r.mu.Lock()
	r.skipped = append(r.skipped, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Skip(args ...any) {
	r.mu.Lock()
	r.skipped = append(r.skipped, fmt.Sprint(args...))
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) SkipNow() { r.Skip("SkipNow") }

func (r *recorder) FailNow() { r.Fatal("FailNow") }

// capture runs f with a recorder on its own goroutine, and returns the
// recorder when f returns or fails fatally.
func capture(t *testing.T, f func(tb testing.TB)) *recorder {
	t.Helper()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the helper did not return within 2 minutes")
	}
	if len(r.skipped) > 0 {
		// The helper skips when axe-core is missing outside CI.
		t.Skip(r.skipped[0])
	}
	return r
}

func TestAccessiblePagePassesUnderStrictCSP(t *testing.T) {
	srv := server(t)
	ctx := browsertest.New(t)
	browsertest.Visit(t, ctx, srv.URL+"/", "accueil")

	// The CSP is in force: a script that the page did not load from 'self'
	// does not run. So axe-core ran although the page forbids added scripts.
	ran, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const s = document.createElement('script');
		s.textContent = 'window.inlineRan = true;';
		document.head.appendChild(s);
		return window.inlineRan === true;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Fatal("an inline script ran: the test page has no CSP in force, so this test proves nothing about it")
	}
	version, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.version`))
	if err != nil {
		t.Fatalf("axe-core is not on the page after CheckAccessibility: %v", err)
	}
	t.Logf("axe-core %s ran on a page with Content-Security-Policy: %s", version, csp)
}

func TestInaccessiblePageReportsViolations(t *testing.T) {
	srv := server(t)
	ctx := browsertest.New(t)
	r := capture(t, func(tb testing.TB) {
		browsertest.Visit(tb, ctx, srv.URL+"/mauvais", "page mauvaise")
	})
	if len(r.fatals) > 0 {
		t.Fatalf("Visit failed fatally: %v", r.fatals)
	}
	all := strings.Join(r.errors, "\n")
	t.Logf("reported violations:\n%s", all)
	for _, want := range []string{"image-alt", "label"} {
		var msg string
		for _, e := range r.errors {
			if strings.Contains(e, "rule "+want+" ") {
				msg = e
			}
		}
		if msg == "" {
			t.Errorf("no violation of the rule %s reported", want)
			continue
		}
		for _, part := range []string{`page "page mauvaise"`, "[critical]", "html: <", "element ", "see https://"} {
			if !strings.Contains(msg, part) {
				t.Errorf("the message of %s lacks %q:\n%s", want, part, msg)
			}
		}
	}
	if !strings.Contains(all, `<img src="/logo.png">`) || !strings.Contains(all, `<input type="text" name="q">`) {
		t.Errorf("the messages do not show the HTML of the elements:\n%s", all)
	}
}

func TestInteractions(t *testing.T) {
	srv := server(t)
	ctx := browsertest.New(t)
	browsertest.Visit(t, ctx, srv.URL+"/", "accueil")

	if got := browsertest.Text(t, ctx, "h1"); got != "Bienvenue sur Implique" {
		t.Errorf("Text(h1) = %q", got)
	}
	browsertest.Click(t, ctx, "#plus")
	browsertest.Click(t, ctx, "#plus")
	if got := browsertest.Text(t, ctx, "#compte"); got != "2 clics" {
		t.Errorf("after two clicks, Text(#compte) = %q, want %q", got, "2 clics")
	}

	browsertest.SetValue(t, ctx, "#commune", "Saint-Étienne")
	if status := browsertest.Submit(t, ctx, "form button[type=submit]"); status != http.StatusOK {
		t.Errorf("Submit: status %d", status)
	}
	browsertest.CheckAccessibility(t, ctx, "merci")
	if got, want := browsertest.Text(t, ctx, "#reponse"), "Commune : Saint-Étienne (envoyer)"; got != want {
		t.Errorf("after Submit, Text(#reponse) = %q, want %q", got, want)
	}

	browsertest.Visit(t, ctx, srv.URL+"/", "accueil")
	if status := browsertest.ClickAndWaitLoad(t, ctx, "header a"); status != http.StatusOK {
		t.Errorf("ClickAndWaitLoad: status %d", status)
	}
	browsertest.CheckAccessibility(t, ctx, "merci")
	if got, want := browsertest.Text(t, ctx, "#reponse"), "Commune : Paris ()"; got != want {
		t.Errorf("after ClickAndWaitLoad, Text(#reponse) = %q, want %q", got, want)
	}

	path := filepath.Join(t.TempDir(), "shots", "merci.png")
	browsertest.Screenshot(t, ctx, path)
	png, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("the screenshot is not a PNG")
	}
}

func TestSubmitReportsInvalidForm(t *testing.T) {
	srv := server(t)
	ctx := browsertest.New(t)
	browsertest.Visit(t, ctx, srv.URL+"/", "accueil")
	// The commune is required and empty.
	r := capture(t, func(tb testing.TB) {
		browsertest.Submit(tb, ctx, "#commune")
	})
	t.Logf("fatals: %q", r.fatals)
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "commune") || !strings.Contains(r.fatals[0], "refuses") {
		t.Errorf("Submit of an invalid form: fatals %q, want one that names the field commune", r.fatals)
	}
}

// A missing element fails the test (it does not wait forever).
func TestMissingElementFails(t *testing.T) {
	srv := server(t)
	ctx := browsertest.New(t)
	browsertest.Visit(t, ctx, srv.URL+"/", "accueil")
	r := capture(t, func(tb testing.TB) {
		browsertest.Text(tb, ctx, "#absent")
	})
	t.Logf("fatals: %q", r.fatals)
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "#absent") {
		t.Errorf("Text of a missing element: fatals %q", r.fatals)
	}

	r = capture(t, func(tb testing.TB) {
		browsertest.SetValue(tb, ctx, "p#", "x")
	})
	t.Logf("fatals: %q", r.fatals)
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "not a valid selector") {
		t.Errorf("SetValue with an invalid selector: fatals %q, want an immediate error", r.fatals)
	}
}

func TestWindowSizes(t *testing.T) {
	srv := server(t)
	for _, tc := range []struct {
		name          string
		opts          []browsertest.Option
		width, height int
	}{
		{"phone", nil, browsertest.PhoneWidth, browsertest.PhoneHeight},
		{"desktop", []browsertest.Option{browsertest.Desktop()}, browsertest.DesktopWidth, browsertest.DesktopHeight},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := browsertest.New(t, tc.opts...)
			browsertest.Visit(t, ctx, srv.URL+"/", "accueil "+tc.name)
			size, err := chromedp.Run(ctx, chromedp.Evaluate[[2]int](`[window.innerWidth, window.innerHeight]`))
			if err != nil {
				t.Fatal(err)
			}
			if size != [2]int{tc.width, tc.height} {
				t.Errorf("the viewport is %dx%d, want %dx%d", size[0], size[1], tc.width, tc.height)
			}
			// The size holds after a navigation.
			browsertest.Visit(t, ctx, srv.URL+"/merci", "merci "+tc.name)
			if w := browsertest.Text(t, ctx, "h1"); w != "Merci" {
				t.Errorf("Text(h1) = %q", w)
			}
			size, err = chromedp.Run(ctx, chromedp.Evaluate[[2]int](`[window.innerWidth, window.innerHeight]`))
			if err != nil {
				t.Fatal(err)
			}
			if size != [2]int{tc.width, tc.height} {
				t.Errorf("after a navigation, the viewport is %dx%d, want %dx%d", size[0], size[1], tc.width, tc.height)
			}
		})
	}
}

func TestCheckAccessibilityNeedsAPage(t *testing.T) {
	// A context that is not a chromedp context fails, and does not hang.
	r := capture(t, func(tb testing.TB) {
		browsertest.CheckAccessibility(tb, context.Background(), "nulle part")
	})
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "nulle part") {
		t.Errorf("fatals %q", r.fatals)
	}
}

func TestLanguages(t *testing.T) {
	var (
		mu   sync.Mutex
		sent string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		sent = r.Header.Get("Accept-Language")
		mu.Unlock()
		w.Header().Set("Content-Security-Policy", csp)
		fmt.Fprint(w, goodPage)
	}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name           string
		opts           []browsertest.Option
		accept, locale string
	}{
		{"default", nil, "fr-FR,fr;q=0.9", "fr-FR"},
		{"english", []browsertest.Option{browsertest.Languages("en-GB,en")}, "en-GB,en;q=0.9", "en-GB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := browsertest.New(t, tc.opts...)
			browsertest.Visit(t, ctx, srv.URL, "accueil "+tc.name)
			mu.Lock()
			got := sent
			mu.Unlock()
			if got != tc.accept {
				t.Errorf("Accept-Language: %q, want %q", got, tc.accept)
			}
			locale, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Intl.DateTimeFormat().resolvedOptions().locale`))
			if err != nil {
				t.Fatal(err)
			}
			if locale != tc.locale {
				t.Errorf("the locale of Intl is %q, want %q", locale, tc.locale)
			}
		})
	}
}

// A browser that does not start fails the test and says which one.
func TestBrokenBrowserFails(t *testing.T) {
	dir := t.TempDir()
	notExecutable := filepath.Join(dir, "chromium")
	if err := os.WriteFile(notExecutable, []byte("not a program"), 0o644); err != nil {
		t.Fatal(err)
	}
	exits := filepath.Join(dir, "exits")
	if err := os.WriteFile(exits, []byte("#!/bin/sh\necho 'cannot start' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{notExecutable, exits, filepath.Join(dir, "absent")} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Setenv("IMPLIQUE_CHROMIUM", path)
			r := capture(t, func(tb testing.TB) {
				browsertest.New(tb)
			})
			t.Logf("fatals: %q", r.fatals)
			if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], path) {
				t.Errorf("New with IMPLIQUE_CHROMIUM=%s: fatals %q, want one that names it", path, r.fatals)
			}
		})
	}
}
