package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pollInterval is the pause between two looks for an element.
const pollInterval = 50 * time.Millisecond

// found is what the script of onElement returns.
type found[T any] struct {
	Found bool `json:"found"`
	Value T    `json:"value"`
}

// jsString returns s as a JavaScript string literal. JSON strings are valid
// JavaScript, and encoding/json escapes U+2028 and U+2029 as well.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a string always encodes
	}
	return string(b)
}

// onElement makes an action that waits until document.querySelector(sel)
// finds an element, then runs body, the body of a JavaScript function of el,
// and returns what it returns. It retries while there is no such element, and
// while the page navigates; it stops at a JavaScript exception, such as the
// one of an invalid selector or one that body throws. Its context bounds the
// wait.
func onElement[T any](sel, body string) chromedp.Action[T] {
	expr := `(() => {
	const el = document.querySelector(` + jsString(sel) + `);
	if (el === null) return {found: false};
	return {found: true, value: ((el) => {` + body + `})(el)};
})()`
	return func(ctx context.Context, tgt *chromedp.Target) (T, error) {
		var zero T
		for {
			res, err := chromedp.Evaluate[found[T]](expr)(ctx, tgt)
			var exc *chromedp.ExceptionError
			switch {
			case err == nil && res.Found:
				return res.Value, nil
			case errors.As(err, &exc):
				return zero, jsError(exc)
			}
			// No element yet, or no document (the page is loading).
			select {
			case <-ctx.Done():
				if err == nil || errors.Is(err, ctx.Err()) {
					err = errors.New("no element matches the selector")
				}
				return zero, fmt.Errorf("gave up waiting: %w (%w)", err, ctx.Err())
			case <-time.After(pollInterval):
			}
		}
	}
}

// jsError turns a JavaScript exception into an error that says its message
// and not much more.
func jsError(e *chromedp.ExceptionError) error {
	if e.Exception != nil && e.Exception.Description != "" {
		// The first line is the message; the others are the stack.
		msg, _, _ := strings.Cut(e.Exception.Description, "\n")
		return errors.New("JavaScript: " + msg)
	}
	return e
}

// runBounded runs the action with a context derived from ctx that ends after
// d, and returns its value.
func runBounded[T any](ctx context.Context, d time.Duration, a chromedp.Action[T]) (T, error) {
	tctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return chromedp.Run(tctx, a)
}

// Text returns the innerText of the first element that matches the CSS
// selector sel. It waits up to 10 s for such an element, then fails the test.
func Text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := runBounded(ctx, elementTimeout, onElement[string](sel, `return el.innerText;`))
	if err != nil {
		t.Fatalf("browsertest: Text(%q), after up to %v: %v", sel, elementTimeout, err)
	}
	return s
}

// Click clicks with the mouse in the middle of the first element that
// matches the CSS selector sel, after it scrolls it into view. It waits up to
// 10 s for a visible element, then fails the test.
//
// Click does not wait for a page that the click loads: use ClickAndWaitLoad
// for a link or a submit button.
func Click(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	if _, err := runBounded(ctx, elementTimeout, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("browsertest: Click(%q): no visible element matched within %v, or the click failed: %v", sel, elementTimeout, err)
	}
}

// setValueJS sets the value of el as typing would, with the input and
// change events, and checks that the element took it (a select has no such
// option, a number input refuses letters).
const setValueJS = `
	if (!('value' in el)) throw new Error('<' + el.localName + '> has no value');
	el.focus();
	el.value = %s;
	el.dispatchEvent(new Event('input', {bubbles: true}));
	el.dispatchEvent(new Event('change', {bubbles: true}));
	if (el.value !== %[1]s) throw new Error('<' + el.localName + '> refused the value, it holds ' + JSON.stringify(el.value));
	return true;
`

// SetValue sets the value of the first input, textarea or select that
// matches the CSS selector sel, and fires its input and change events. It
// waits up to 10 s for such an element, then fails the test. It fails the
// test too when the element does not take the value, for example a select
// without such an option.
func SetValue(t testing.TB, ctx context.Context, sel, value string) {
	t.Helper()
	body := fmt.Sprintf(setValueJS, jsString(value))
	if _, err := runBounded(ctx, elementTimeout, onElement[bool](sel, body)); err != nil {
		t.Fatalf("browsertest: SetValue(%q, %q), after up to %v: %v", sel, value, elementTimeout, err)
	}
}

// submitJS submits the form of el, or el itself when it is a form, the way
// a person who presses the button does (requestSubmit, so with the submit
// event and the submitter's name and value). It first reports the fields
// that the browser would refuse, since then nothing would load.
const submitJS = `
	const form = el instanceof HTMLFormElement ? el : el.form;
	if (!form) throw new Error('<' + el.localName + '> is not in a form');
	const submitter = el !== form && (el.type === 'submit' || el.type === 'image') ? el : null;
	if (!form.noValidate && !(submitter && submitter.formNoValidate) && !form.checkValidity()) {
		const bad = Array.from(form.elements)
			.filter((f) => f.willValidate && !f.validity.valid)
			.map((f) => (f.name || f.id || f.localName) + ': ' + f.validationMessage);
		throw new Error('the browser refuses to submit the form: ' + bad.join('; '));
	}
	form.requestSubmit(submitter);
	return true;
`

// Submit submits the form of the first element that matches the CSS
// selector sel (a form, a field of it, or a submit button, whose name and
// value are then sent), and waits for the page that the server answers. It
// returns the HTTP status of that page. It waits up to 10 s for the element
// and 30 s for the page, and fails the test when the browser's form
// validation refuses the form.
//
// Check the new page with CheckAccessibility.
func Submit(t testing.TB, ctx context.Context, sel string) int {
	t.Helper()
	status, err := waitLoad(ctx, onElement[bool](sel, submitJS))
	if err != nil {
		t.Fatalf("browsertest: Submit(%q): %v", sel, err)
	}
	return status
}

// ClickAndWaitLoad is Click for a link or a button that loads a page: it
// clicks and waits up to 30 s for that page, and returns its HTTP status.
//
// Check the new page with CheckAccessibility.
func ClickAndWaitLoad(t testing.TB, ctx context.Context, sel string) int {
	t.Helper()
	status, err := waitLoad(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("browsertest: ClickAndWaitLoad(%q): %v", sel, err)
	}
	return status
}

// waitLoad runs the trigger, which has 10 s to find its element, and waits
// for the page that it loads, up to 40 s in all. It returns the HTTP status of
// the page.
func waitLoad[T any](ctx context.Context, trigger chromedp.Action[T]) (int, error) {
	tctx, cancel := context.WithTimeout(ctx, elementTimeout+actionTimeout)
	defer cancel()
	step := chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		ectx, cancel := context.WithTimeout(ctx, elementTimeout)
		defer cancel()
		_, err := trigger(ectx, tgt)
		return err
	})
	resp, err := chromedp.RunResponse(tctx, step)
	if err != nil {
		if tctx.Err() != nil {
			return 0, fmt.Errorf("no page loaded within %v: %w", elementTimeout+actionTimeout, err)
		}
		return 0, err
	}
	if resp == nil {
		// A navigation within the document (#fragment) has no response.
		return 0, nil
	}
	return int(resp.Status), nil
}
