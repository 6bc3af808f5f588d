package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeTags are the axe-core rule tags that CheckAccessibility runs: the WCAG
// 2.0, 2.1 and 2.2 success criteria of levels A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeRelPath is where .ci/run installs axe-core, from the module root.
const axeRelPath = ".ci/node_modules/axe-core/axe.min.js"

// axeSources caches the JavaScript of axe-core by file path.
var axeSources sync.Map // string -> string

// axePath returns the file of axe-core: $IMPLIQUE_AXE_JS, else
// <module root>/.ci/node_modules/axe-core/axe.min.js.
func axePath() (string, error) {
	if p := os.Getenv("IMPLIQUE_AXE_JS"); p != "" {
		return p, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, filepath.FromSlash(axeRelPath)), nil
}

// moduleRoot walks up from the working directory to the directory that holds
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in the working directory or above it")
		}
		dir = parent
	}
}

// axeSource returns the JavaScript of axe-core, or skips the test (fails it
// in CI) when it is not installed.
func axeSource(t testing.TB) string {
	t.Helper()
	path, err := axePath()
	if err != nil {
		t.Fatalf("browsertest: finding axe-core: %v", err)
	}
	if src, ok := axeSources.Load(path); ok {
		return src.(string)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		missing(t, "browsertest: axe-core not found at %s (set IMPLIQUE_AXE_JS, or run .ci/run, which installs it into .ci/node_modules)", path)
	}
	if err != nil {
		t.Fatalf("browsertest: reading axe-core: %v", err)
	}
	src := string(b)
	axeSources.Store(path, src)
	return src
}

// axeNode is one element that breaks a rule.
type axeNode struct {
	// Target is the CSS selector of the element: a list of selectors, one
	// per frame or shadow root on the way to it. An item is a string, or a
	// list of strings inside a shadow root.
	Target  []json.RawMessage `json:"target"`
	HTML    string            `json:"html"`
	Summary string            `json:"summary"`
}

// axeRule is one rule in the results of axe-core.
type axeRule struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Error   string    `json:"error"`
	Nodes   []axeNode `json:"nodes"`
}

// axeResults is what axeRunJS returns.
type axeResults struct {
	Version    string    `json:"version"`
	URL        string    `json:"url"`
	Violations []axeRule `json:"violations"`
	Incomplete []axeRule `json:"incomplete"`
}

// axeRunJS runs axe-core on the document with the tags of %s, and returns the
// parts of the results that CheckAccessibility reports.
const axeRunJS = `(async () => {
	const nodes = (ns) => ns.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary || ''}));
	const rule = (r) => ({id: r.id, impact: r.impact || '', help: r.help, helpUrl: r.helpUrl,
		error: r.error ? String(r.error.message || r.error) : '', nodes: nodes(r.nodes)});
	const r = await axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']});
	return {version: axe.version, url: r.url, violations: r.violations.map(rule), incomplete: r.incomplete.map(rule)};
})()`

// CheckAccessibility runs axe-core on the current page with the rules of the
// WCAG 2.0, 2.1 and 2.2 levels A and AA (AxeTags), and fails the test with
// one t.Errorf for each rule that the page breaks: its id, impact and help,
// and the selector and HTML of each element that breaks it. A rule that
// crashes fails the test too. pageName names the page in the messages.
//
// axe-core comes from $IMPLIQUE_AXE_JS, else from
// <module root>/.ci/node_modules/axe-core/axe.min.js. When it is not there,
// the test is skipped, unless the environment variable CI is set: then it
// fails.
//
// The pages of Implique have a strict Content-Security-Policy (script-src
// 'self'), which forbids a <script> that a test would add. So the source of
// axe-core runs through the DevTools protocol (Runtime.evaluate), which the
// CSP of the page does not govern.
func CheckAccessibility(t testing.TB, ctx context.Context, pageName string) {
	t.Helper()
	CheckAccessibilityTags(t, ctx, pageName, AxeTags)
}

// AxeBestPractices are AxeTags and the rules that axe-core calls best
// practices, such as heading-order (headings go down one level at a time)
// and landmark-unique.
var AxeBestPractices = append(slices.Clone(AxeTags), "best-practice")

// CheckAccessibilityTags is CheckAccessibility with the axe-core rules of
// tags, such as AxeBestPractices.
func CheckAccessibilityTags(t testing.TB, ctx context.Context, pageName string, tags []string) {
	t.Helper()
	src := axeSource(t)
	tagsJSON, err := json.Marshal(tags)
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()

	loaded, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`typeof window.axe === 'object' && typeof window.axe.run === 'function'`))
	if err != nil {
		t.Fatalf("browsertest: accessibility of page %q: %v", pageName, err)
	}
	if !loaded {
		// The value of the last statement of the file is of no use, and
		// may not serialize: end with one that does.
		_, err := chromedp.Run(tctx, chromedp.Evaluate[chromedp.Void](src+"\n;undefined"))
		if err != nil {
			t.Fatalf("browsertest: accessibility of page %q: loading axe-core: %v", pageName, axeErr(err))
		}
	}
	res, err := chromedp.Run(tctx, chromedp.Evaluate[axeResults](fmt.Sprintf(axeRunJS, tagsJSON), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: accessibility of page %q: running axe-core: %v", pageName, axeErr(err))
	}

	for _, v := range res.Violations {
		t.Errorf("%s", formatViolation(pageName, res, v))
	}
	var review []string
	for _, r := range res.Incomplete {
		if r.Error != "" {
			t.Errorf("accessibility of page %q (%s): axe-core %s could not run the rule %s: %s", pageName, res.URL, res.Version, r.ID, r.Error)
			continue
		}
		review = append(review, r.ID)
	}
	if len(review) > 0 {
		t.Logf("accessibility of page %q: axe-core could not decide these rules, check them by hand: %s", pageName, strings.Join(review, ", "))
	}
}

// axeErr makes the error of a script shorter.
func axeErr(err error) error {
	var exc *chromedp.ExceptionError
	if errors.As(err, &exc) {
		return jsError(exc)
	}
	return err
}

// formatViolation writes the message of one broken rule.
func formatViolation(pageName string, res axeResults, v axeRule) string {
	var b strings.Builder
	impact := v.Impact
	if impact == "" {
		impact = "unknown impact"
	}
	fmt.Fprintf(&b, "accessibility of page %q (%s): rule %s [%s]: %s\n", pageName, res.URL, v.ID, impact, v.Help)
	fmt.Fprintf(&b, "    see %s\n", v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "    - element %s\n", formatTarget(n.Target))
		fmt.Fprintf(&b, "      html: %s\n", n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&b, "      %s\n", strings.ReplaceAll(strings.TrimSpace(n.Summary), "\n", "\n      "))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// formatTarget writes the target of a node: its selectors, joined by " >>> "
// where the element is in a frame or a shadow root.
func formatTarget(target []json.RawMessage) string {
	var parts []string
	for _, raw := range target {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			parts = append(parts, s)
			continue
		}
		var list []string
		if err := json.Unmarshal(raw, &list); err == nil {
			parts = append(parts, strings.Join(list, " >>> "))
			continue
		}
		parts = append(parts, string(raw))
	}
	return strings.Join(parts, " >>> ")
}
