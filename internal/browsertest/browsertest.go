// Package browsertest drives a headless Chromium for the browser tests of
// Implique, and checks every page that a test visits with axe-core.
//
// A test typically looks like this:
//
//	ctx := browsertest.New(t)
//	browsertest.Visit(t, ctx, srv.URL+"/", "accueil")
//	browsertest.SetValue(t, ctx, "#commune", "Lyon")
//	browsertest.Submit(t, ctx, "#commune")
//	browsertest.CheckAccessibility(t, ctx, "résultats")
//	if got := browsertest.Text(t, ctx, "h1"); got != "Résultats" { ... }
//
// Chromium comes from $IMPLIQUE_CHROMIUM, /usr/bin/chromium or the PATH, and
// axe-core from $IMPLIQUE_AXE_JS or <module root>/.ci/node_modules (installed by
// .ci/run). When either is missing the test is skipped, unless the environment
// variable CI is set: then the test fails, so that CI never passes without
// running the browser tests.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Timeouts. Every browser wait is bounded, so that a broken page fails the
// test instead of hanging it until the go test timeout.
const (
	// startTimeout bounds the start of the browser.
	startTimeout = 60 * time.Second
	// actionTimeout bounds a navigation, an axe-core run or a screenshot.
	actionTimeout = 30 * time.Second
	// elementTimeout bounds the wait for an element of Text, Click, SetValue
	// and Submit.
	elementTimeout = 10 * time.Second
	// closeTimeout bounds the graceful close of the browser in the cleanup.
	closeTimeout = 10 * time.Second
)

// Window sizes. The phone size is the default, because most people use
// Implique on a phone.
const (
	PhoneWidth    = 412
	PhoneHeight   = 915
	DesktopWidth  = 1280
	DesktopHeight = 800
)

// Option changes the browser that New starts.
type Option func(*config)

type config struct {
	width, height int
	// mobile makes the tab behave as a phone's: the page lays out at the
	// width of its <meta name="viewport">, or at 980 px without one.
	mobile bool
	// languages is the Accept-Language list, such as "fr-FR,fr".
	languages string
}

// DefaultLanguages is the language list of the browser unless the option
// Languages says otherwise: Implique speaks French first.
const DefaultLanguages = "fr-FR,fr"

// Languages makes New start a browser whose preferred languages are list,
// a comma-separated list of language tags such as "en-GB,en": it sends them
// in Accept-Language, and navigator.languages and Intl follow.
func Languages(list string) Option {
	return func(c *config) {
		c.languages = list
	}
}

// Desktop makes New start a desktop browser (DesktopWidth x DesktopHeight)
// instead of a phone (PhoneWidth x PhoneHeight, the default).
func Desktop() Option {
	return WindowSize(DesktopWidth, DesktopHeight)
}

// WindowSize makes New start a desktop browser whose viewport is width x
// height CSS pixels.
func WindowSize(width, height int) Option {
	return func(c *config) {
		c.width, c.height, c.mobile = width, height, false
	}
}

// PhoneSize makes New start a phone (mobile layout, portrait screen) whose
// viewport is width x height CSS pixels, such as a small phone of 360 x 740.
func PhoneSize(width, height int) Option {
	return func(c *config) {
		c.width, c.height, c.mobile = width, height, true
	}
}

// inCI reports whether the tests run in CI, where a missing browser or a
// missing axe-core is an error and not a reason to skip.
func inCI() bool {
	return os.Getenv("CI") != ""
}

// missing skips the test, or fails it in CI, because something that browser
// tests need is not installed.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if inCI() {
		t.Fatalf("%s (CI is set, so this is an error and not a skip; .ci/run installs it)", msg)
	}
	noticeOnce.Do(func() { tellTerminal(msg) })
	t.Skipf("%s; skipping the browser test (set CI to make this an error)", msg)
}

// noticeOnce makes a test binary say once, on the terminal, that its browser
// tests were skipped.
var noticeOnce sync.Once

// tellTerminal writes a notice to the terminal of the person who runs the
// tests. `go test ./...` shows nothing of a package whose tests pass or skip
// (a skip message appears only with -v), so browser tests that skip for want
// of Chromium or axe-core would otherwise go unnoticed. Without a terminal
// (CI, a pipe), it writes nothing.
func tellTerminal(msg string) {
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer tty.Close()
	fmt.Fprintf(tty, "\nNote: browser tests skipped — %s.\nThe README (section Tests) says how to install them.\n", strings.TrimPrefix(msg, "browsertest: "))
}

// chromiumPath finds the browser: $IMPLIQUE_CHROMIUM, else /usr/bin/chromium,
// else chromium, chromium-browser or google-chrome on the PATH. It returns ""
// when there is none.
func chromiumPath() (string, error) {
	if p := os.Getenv("IMPLIQUE_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("IMPLIQUE_CHROMIUM=%q: %w", p, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", nil
}

// New starts a headless Chromium for one test, and returns a chromedp context
// that runs in its tab. t.Cleanup closes the browser.
//
// New skips the test when Chromium is absent, unless the environment variable
// CI is set: then it fails the test.
//
// The tab is a phone of PhoneWidth x PhoneHeight CSS pixels, whose languages
// are DefaultLanguages, unless options say otherwise: see Desktop,
// WindowSize and Languages. Each browser has a fresh temporary profile, which
// is removed when the browser closes.
func New(t testing.TB, opts ...Option) context.Context {
	t.Helper()
	cfg := config{width: PhoneWidth, height: PhoneHeight, mobile: true, languages: DefaultLanguages}
	for _, o := range opts {
		o(&cfg)
	}

	path, err := chromiumPath()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	if path == "" {
		missing(t, "browsertest: Chromium not found (looked at $IMPLIQUE_CHROMIUM, /usr/bin/chromium, and chromium, chromium-browser, google-chrome on the PATH)")
	}
	// Every journey checks accessibility: without axe-core, skip before the
	// browser starts rather than half-way through the journey.
	axeSource(t)

	// No user-data-dir flag: without one, chromedp gives each browser a
	// fresh temporary profile (--user-data-dir=$TMPDIR/chromedp-runner...),
	// and removes it, and any process left in it, when the browser exits.
	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root in CI
		chromedp.DisableGPU,
		chromedp.WindowSize(cfg.width, cfg.height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", firstLanguage(cfg.languages)),
		chromedp.Flag("accept-lang", cfg.languages),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)

	running := false
	t.Cleanup(func() {
		if running {
			// Close the browser gracefully, but not for ever; cancelCtx
			// then kills whatever is left.
			cctx, cancel := context.WithTimeout(ctx, closeTimeout)
			if err := chromedp.Cancel(cctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				t.Logf("browsertest: closing the browser: %v", err)
			}
			cancel()
		}
		cancelCtx()
		cancelAlloc()
	})

	// The first Run starts the browser and ties its life to the context that
	// it gets, so it cannot run under a timeout. Bound it from outside; the
	// cleanup stops a browser that is still starting.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("browsertest: starting %s: %v", path, err)
		}
	case <-time.After(startTimeout):
		t.Fatalf("browsertest: %s did not start within %v", path, startTimeout)
	}
	running = true

	// Headless Chromium does not make a window narrower than 500 px, so
	// the size of the viewport comes from emulation, which also makes a
	// phone a phone (mobile layout, portrait screen).
	viewport := []chromedp.EmulateViewportOption{chromedp.EmulateLandscape}
	if cfg.mobile {
		viewport = []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulatePortrait}
	}
	err = withTimeout(ctx, actionTimeout, func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.EmulateViewport(int64(cfg.width), int64(cfg.height), viewport...))
	})
	if err != nil {
		t.Fatalf("browsertest: setting the viewport to %dx%d: %v", cfg.width, cfg.height, err)
	}
	// Headless Chromium takes its locale (Intl, dates, numbers) from the
	// system and not from --lang: set it to the first language.
	err = withTimeout(ctx, actionTimeout, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{
			Locale: strings.ReplaceAll(firstLanguage(cfg.languages), "-", "_"), // ICU style
		})
		return err
	})
	if err != nil {
		t.Fatalf("browsertest: setting the locale to %s: %v", firstLanguage(cfg.languages), err)
	}
	return ctx
}

// firstLanguage returns the first tag of a language list: "fr-FR,fr" gives
// "fr-FR".
func firstLanguage(list string) string {
	first, _, _ := strings.Cut(list, ",")
	first, _, _ = strings.Cut(first, ";")
	return strings.TrimSpace(first)
}

// withTimeout runs f with a context derived from ctx that ends after d.
func withTimeout(ctx context.Context, d time.Duration, f func(ctx context.Context) error) error {
	tctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return f(tctx)
}

// Visit navigates to url, waits for the body, and then checks the page with
// CheckAccessibility. Every page that a browser test visits should be
// checked; pageName names the page in the messages.
func Visit(t testing.TB, ctx context.Context, url, pageName string) {
	t.Helper()
	err := withTimeout(ctx, actionTimeout, func(ctx context.Context) error {
		return chromedp.Do(ctx,
			chromedp.Navigate(url),
			chromedp.WaitReady(chromedp.CSS("body")),
		)
	})
	if err != nil {
		t.Fatalf("browsertest: visiting page %q at %s: %v", pageName, url, err)
	}
	CheckAccessibility(t, ctx, pageName)
}

// Screenshot saves a PNG of the whole page (not only the window) to path,
// for a person to look at. It creates the directory of path.
func Screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	var png []byte
	err := withTimeout(ctx, actionTimeout, func(ctx context.Context) error {
		var err error
		png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		return err
	})
	if err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatalf("browsertest: screenshot: %v", err)
		}
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
}
