package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// SetCookie gives the browser a cookie for the site of rawURL (its host and
// port), for the whole site (path /), as the site itself would: HttpOnly,
// SameSite=Lax. A test uses it to act as someone who signed in, with a
// session made by the test.
func SetCookie(t testing.TB, ctx context.Context, rawURL, name, value string) {
	t.Helper()
	httpOnly := true
	err := withTimeout(ctx, actionTimeout, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{
			Name: name, Value: value, URL: rawURL, Path: "/", HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax,
		})
		return err
	})
	if err != nil {
		t.Fatalf("browsertest: SetCookie(%q): %v", name, err)
	}
}

// Layout is what a page looks like in its viewport: whether anything is cut
// off or wider than the screen. See LayoutOf.
type Layout struct {
	// ViewportWidth is the width of the viewport, without a scroll bar.
	ViewportWidth int `json:"viewportWidth"`
	// DocumentWidth is the scroll width of the document: wider than the
	// viewport means that the person must scroll sideways.
	DocumentWidth int `json:"documentWidth"`
	// Outside are the elements that reach past the right edge of the
	// viewport, or whose content does (and past any box that would clip
	// them): the deepest ones, that cause it.
	Outside []Box `json:"outside"`
	// Clipped are the elements whose text is cut: an ellipsis, or a box
	// that hides what overflows it, narrower than its content.
	Clipped []Box `json:"clipped"`
	// Tables are the tables of the page, shown or not as tables.
	Tables []Table `json:"tables"`
}

// Box is an element of the page.
type Box struct {
	// Selector is a CSS path to the element, such as
	// "main > div.table-wrap:nth-of-type(2) > table".
	Selector string `json:"selector"`
	// Text is the start of its text.
	Text string `json:"text"`
	// Width is its width, and ContentWidth the width of what it holds.
	Width        int `json:"width"`
	ContentWidth int `json:"contentWidth"`
}

// Table is a table and the box that holds it.
type Table struct {
	Box
	// BoxWidth is the inner width of the element that holds the table.
	BoxWidth int `json:"boxWidth"`
	// Scrolls reports whether that element scrolls sideways
	// (overflow-x auto or scroll), Focusable whether it takes the
	// keyboard's focus (tabindex 0) so that the arrow keys scroll it, and
	// Named whether it is a region with an accessible name that says what
	// scrolls.
	Scrolls   bool `json:"scrolls"`
	Focusable bool `json:"focusable"`
	Named     bool `json:"named"`
}

// Wider reports by how many CSS pixels the table is wider than its box.
func (t Table) Wider() int { return t.Width - t.BoxWidth }

// layoutJS measures the page; see Layout.
const layoutJS = `(() => {
	const root = document.documentElement;
	const vw = root.clientWidth;
	const px = (v) => Math.round(v);
	const visible = (el) => {
		const r = el.getBoundingClientRect();
		const st = getComputedStyle(el);
		return r.width > 1 && r.height > 1 && st.visibility !== 'hidden';
	};
	const step = (el) => {
		let s = el.localName;
		if (el.id) return s + '#' + CSS.escape(el.id);
		if (el.classList.length) s += '.' + Array.from(el.classList).map((c) => CSS.escape(c)).join('.');
		const parent = el.parentElement;
		if (parent) {
			const same = Array.from(parent.children).filter((c) => c.localName === el.localName);
			if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(el) + 1) + ')';
		}
		return s;
	};
	const path = (el) => {
		const parts = [];
		for (let e = el; e && e !== document.body && parts.length < 5; e = e.parentElement) {
			parts.unshift(step(e));
			if (e.id) break;
		}
		return parts.join(' > ');
	};
	const text = (el) => (el.innerText || '').replace(/\s+/g, ' ').trim().slice(0, 80);
	const box = (el) => ({selector: path(el), text: text(el), width: px(el.getBoundingClientRect().width), contentWidth: el.scrollWidth});
	const clips = (st) => st.overflowX !== 'visible';
	// The nearest ancestor that clips or scrolls what overflows it.
	const clipper = (el) => {
		for (let p = el.parentElement; p && p !== document.body && p !== root; p = p.parentElement) {
			if (clips(getComputedStyle(p))) return p;
		}
		return null;
	};
	const all = Array.from(document.body.querySelectorAll('*')).filter(visible);

	// The right edge of an element, or of its content when it spills out of
	// it (a long word in a heading).
	const right = (el) => {
		const r = el.getBoundingClientRect();
		return clips(getComputedStyle(el)) ? r.right : Math.max(r.right, r.left + el.scrollWidth);
	};
	const beyond = (el) => {
		if (right(el) <= vw + 1) return false;
		const c = clipper(el);
		return !(c && c.getBoundingClientRect().right <= vw + 1);
	};
	const outside = [];
	for (const el of all) {
		// The deepest ones: those that spill, and none of whose children do.
		if (beyond(el) && !Array.from(el.children).some((ch) => visible(ch) && beyond(ch))) outside.push(el);
	}

	const clipped = [];
	for (const el of all) {
		const st = getComputedStyle(el);
		if (st.overflowX !== 'hidden' && st.overflowX !== 'clip' && st.textOverflow !== 'ellipsis') continue;
		if (el.scrollWidth <= el.clientWidth + 1) continue;
		if (!text(el)) continue;
		clipped.push(el);
	}

	const tables = Array.from(document.querySelectorAll('table')).filter(visible).map((t) => {
		const holder = t.parentElement;
		const hs = getComputedStyle(holder);
		const inner = holder.clientWidth - parseFloat(hs.paddingLeft) - parseFloat(hs.paddingRight);
		const named = holder.getAttribute('role') === 'region' &&
			((holder.getAttribute('aria-label') || '').trim() !== '' || (holder.getAttribute('aria-labelledby') || '').trim() !== '');
		return Object.assign(box(t), {
			width: px(t.getBoundingClientRect().width),
			boxWidth: px(inner),
			scrolls: hs.overflowX === 'auto' || hs.overflowX === 'scroll',
			focusable: holder.hasAttribute('tabindex') && holder.tabIndex >= 0,
			named: named,
		});
	});
	return {viewportWidth: vw, documentWidth: root.scrollWidth, outside: outside.map(box), clipped: clipped.map(box), tables: tables};
})()`

// LayoutOf measures the current page: the width of the viewport and of the
// document, what reaches past the right edge, what text is cut, and each
// table with the box that holds it.
func LayoutOf(t testing.TB, ctx context.Context) Layout {
	t.Helper()
	l, err := runBounded(ctx, actionTimeout, chromedp.Evaluate[Layout](layoutJS))
	if err != nil {
		t.Fatalf("browsertest: measuring the layout: %v", axeErr(err))
	}
	return l
}

// MaxTableOverflow is how much wider than its box a table may be when the
// box scrolls: a few pixels, so that a person sees almost all of it and the
// scroll hides at most a sliver of a column (10 % of the box, at most 48 px).
func MaxTableOverflow(boxWidth int) int {
	return min(boxWidth/10, 48)
}

// Problems lists what is wrong with a layout, one sentence per problem, or
// nothing when the page fits: the document is not wider than the viewport,
// nothing reaches past its right edge, no text is cut, and every table fits
// in its box — or, when it does not, its box scrolls, takes the keyboard's
// focus, is a named region, and the table is at most MaxTableOverflow wider.
func (l Layout) Problems() []string {
	var out []string
	if l.DocumentWidth > l.ViewportWidth {
		out = append(out, fmt.Sprintf("the page is %d px wide in a viewport of %d px", l.DocumentWidth, l.ViewportWidth))
	}
	for _, b := range l.Outside {
		out = append(out, fmt.Sprintf("%s reaches past the right edge of the viewport (%d px wide): %q", b.Selector, max(b.Width, b.ContentWidth), b.Text))
	}
	for _, b := range l.Clipped {
		out = append(out, fmt.Sprintf("%s cuts its text (%d px shown of %d): %q", b.Selector, b.Width, b.ContentWidth, b.Text))
	}
	for _, tb := range l.Tables {
		over := tb.Wider()
		if over <= 1 {
			continue
		}
		var why []string
		if !tb.Scrolls {
			why = append(why, "its box does not scroll")
		}
		if !tb.Focusable {
			why = append(why, "its box does not take the keyboard's focus")
		}
		if !tb.Named {
			why = append(why, "its box is not a named region")
		}
		if limit := MaxTableOverflow(tb.BoxWidth); over > limit {
			why = append(why, fmt.Sprintf("more than %d px wider", limit))
		}
		if len(why) > 0 {
			out = append(out, fmt.Sprintf("%s is %d px wide in a box of %d px (%s): %q",
				tb.Selector, tb.Width, tb.BoxWidth, strings.Join(why, ", "), shorten(tb.Text, 60)))
		}
	}
	return out
}

// shorten cuts s to n runes.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Navigate loads url, waits for its body, and returns the HTTP status of
// the page. Check the page with CheckAccessibility (Visit does both).
func Navigate(t testing.TB, ctx context.Context, url string) int {
	t.Helper()
	var status int
	err := withTimeout(ctx, actionTimeout, func(ctx context.Context) error {
		resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(url))
		if err != nil {
			return err
		}
		if resp != nil {
			status = int(resp.Status)
		}
		return chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("body")))
	})
	if err != nil {
		t.Fatalf("browsertest: loading %s: %v", url, err)
	}
	return status
}

// Attribute returns the value of the attribute name of the first element
// that matches the CSS selector sel, or "" when it has none. It waits up to
// 10 s for such an element, then fails the test.
func Attribute(t testing.TB, ctx context.Context, sel, name string) string {
	t.Helper()
	s, err := runBounded(ctx, elementTimeout, onElement[string](sel, `return el.getAttribute(`+jsString(name)+`) || '';`))
	if err != nil {
		t.Fatalf("browsertest: Attribute(%q, %q), after up to %v: %v", sel, name, elementTimeout, err)
	}
	return s
}

// TextRun is a piece of text of a page, in the language that the page says
// it is in.
type TextRun struct {
	// Lang is the lang attribute of the nearest element that has one.
	Lang string `json:"lang"`
	// Text is the text, its white space collapsed.
	Text string `json:"text"`
	// Selector is a CSS path to the element that holds it.
	Selector string `json:"selector"`
}

// textsJS lists the text nodes of the body with their language.
const textsJS = `(() => {
	const out = [];
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	const step = (el) => {
		let s = el.localName;
		if (el.id) return s + '#' + CSS.escape(el.id);
		if (el.classList.length) s += '.' + Array.from(el.classList).map((c) => CSS.escape(c)).join('.');
		return s;
	};
	for (let n = walker.nextNode(); n; n = walker.nextNode()) {
		const text = n.nodeValue.replace(/\s+/g, ' ').trim();
		const el = n.parentElement;
		if (!text || !el || el.closest('script, style, template')) continue;
		const holder = el.closest('[lang]');
		const parts = [];
		for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(step(e));
		out.push({lang: holder ? holder.getAttribute('lang') : '', text: text, selector: parts.join(' > ')});
	}
	return out;
})()`

// Texts returns the text of the page's body, node by node, each with its
// language: to check that text in another language than the page's is
// marked as such (WCAG 3.1.2).
func Texts(t testing.TB, ctx context.Context) []TextRun {
	t.Helper()
	runs, err := runBounded(ctx, actionTimeout, chromedp.Evaluate[[]TextRun](textsJS))
	if err != nil {
		t.Fatalf("browsertest: reading the texts of the page: %v", axeErr(err))
	}
	return runs
}
