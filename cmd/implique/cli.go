package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/mail"
)

// cliLang is the language the program speaks to the operator: English when
// the locale says so — LC_ALL, else LC_MESSAGES, else LANG, the first one
// set, as POSIX programs read them — starts with "en"; French otherwise.
func cliLang(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "en") {
				return "en"
			}
			return "fr"
		}
	}
	return "fr"
}

// ui is how a command speaks to the operator: sentences of the catalogs
// (the "cli." keys), in the operator's language.
type ui struct {
	out  io.Writer
	lang string
	cat  i18n.Catalogs
}

func newUI(out io.Writer, lang string) *ui { return &ui{out: out, lang: lang, cat: i18n.MustLoad()} }

// say prints one message and a line break.
func (u *ui) say(key string, args ...any) { fmt.Fprintln(u.out, u.t(key, args...)) }

// t translates key; arguments that are catalog keys (msg) are translated too.
func (u *ui) t(key string, args ...any) string {
	args = append([]any(nil), args...)
	for i, a := range args {
		if k, ok := a.(msg); ok {
			args[i] = u.cat.T(u.lang, string(k))
		}
	}
	return u.cat.T(u.lang, key, args...)
}

// msg is an argument of a message that is itself a catalog key.
type msg string

// cliError is an error for the operator: one or more sentences of the
// catalogs, put in the operator's language when printed.
type cliError struct{ parts []part }

type part struct {
	key  string
	args []any
}

// fail returns the error that says key.
func fail(key string, args ...any) *cliError { return &cliError{parts: []part{{key, args}}} }

// and adds a sentence.
func (e *cliError) and(key string, args ...any) *cliError {
	e.parts = append(e.parts, part{key, args})
	return e
}

// in says the error in lang.
func (e *cliError) in(lang string) string {
	u := newUI(io.Discard, lang)
	s := make([]string, len(e.parts))
	for i, p := range e.parts {
		s[i] = u.t(p.key, p.args...)
	}
	return strings.Join(s, " ")
}

// Error is the message in French, the program's first language.
func (e *cliError) Error() string { return e.in("fr") }

// explain is the line main prints for err, in lang.
func explain(err error, lang string) string {
	u := newUI(io.Discard, lang)
	var ce *cliError
	if errors.As(err, &ce) {
		return u.t("cli.error", ce.in(lang))
	}
	return u.t("cli.error", u.t("cli.unexpected", err.Error()))
}

// flagError says what was wrong on the command line of command name.
func flagError(name string, err error) error {
	text := err.Error()
	if errors.Is(err, flag.ErrHelp) {
		return errUsage
	}
	if f, ok := strings.CutPrefix(text, "flag provided but not defined: "); ok {
		return fail("cli.flag_unknown", option(f), name)
	}
	if f, ok := strings.CutPrefix(text, "flag needs an argument: "); ok {
		return fail("cli.flag_needs_value", option(f))
	}
	// invalid value "x" for flag -name: …, invalid boolean value "x" for -name: …
	if strings.HasPrefix(text, "invalid ") {
		if i := strings.Index(text, " for "); i >= 0 {
			f, _, _ := strings.Cut(strings.TrimPrefix(text[i+len(" for "):], "flag "), ":")
			return fail("cli.flag_invalid", option(f))
		}
	}
	return fail("cli.flag_syntax", name)
}

// option writes a flag the way the documentation does: --name.
func option(f string) string { return "--" + strings.TrimLeft(f, "-") }

// fieldsError names the options a store refused, each with its reason.
func fieldsError(e *errs.Error) error {
	if len(e.Fields) == 0 {
		return fail("cli.refused", msg(e.Key))
	}
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	var out *cliError
	for _, f := range names {
		if out == nil {
			out = fail("cli.field", "--"+f, msg(e.Fields[f]))
		} else {
			out.and("cli.field", "--"+f, msg(e.Fields[f]))
		}
	}
	return out
}

// smtpError says what is wrong with IMPLIQUE_SMTP_URL.
func smtpError(err error) error {
	var ue *mail.URLError
	if errors.As(err, &ue) {
		return fail("cli.config.smtp").and("cli."+ue.Key, ue.Args...)
	}
	return fail("cli.config.smtp").and("cli.detail", err.Error())
}
