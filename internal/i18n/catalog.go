// Package i18n holds the French and English catalogs and the Québec
// formatting helpers that pages, e-mails and exports share.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Languages the product speaks, French first.
var Languages = []string{"fr", "en"}

// Each language has a folder of JSON files (one per area of the product);
// a key may appear in only one file.
//
//go:embed catalog/fr/*.json catalog/en/*.json
var catalogFS embed.FS

// Catalogs maps a language to its messages.
type Catalogs map[string]map[string]string

// Load reads the embedded catalogs and checks that every language has the
// same keys: English is never a lesser copy, nor is French.
func Load() (Catalogs, error) {
	c := Catalogs{}
	for _, lang := range Languages {
		files, err := fs.Glob(catalogFS, "catalog/"+lang+"/*.json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, f := range files {
			b, err := catalogFS.ReadFile(f)
			if err != nil {
				return nil, err
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("catalog %s: %w", f, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("catalog %s: key %q is also in another file", f, k)
				}
				m[k] = v
			}
		}
		c[lang] = m
	}
	if missing := c.Missing(); len(missing) > 0 {
		return nil, fmt.Errorf("catalogs differ: %s", strings.Join(missing, ", "))
	}
	return c, nil
}

// MustLoad is Load for start-up, where a broken catalog must stop the program.
func MustLoad() Catalogs {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Missing lists "lang:key" for each key one language lacks.
func (c Catalogs) Missing() []string {
	var out []string
	for _, a := range Languages {
		for k := range c[a] {
			for _, b := range Languages {
				if _, ok := c[b][k]; !ok {
					out = append(out, b+":"+k)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists.
func (c Catalogs) Has(key string) bool { _, ok := c["fr"][key]; return ok }

// T translates key into lang, formatting args with fmt verbs when given.
// An unknown key is returned as is, so that it shows and a test catches it.
// A key made by Msg brings its own arguments, placed before args.
func (c Catalogs) T(lang, key string, args ...any) string {
	if k, own, ok := strings.Cut(key, msgSep); ok {
		key = k
		pre := make([]any, 0, strings.Count(own, msgSep)+1+len(args))
		for _, a := range strings.Split(own, msgSep) {
			pre = append(pre, a)
		}
		args = append(pre, args...)
	}
	m, ok := c[lang]
	if !ok {
		m = c["fr"]
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// msgSep joins a key and its arguments in a Msg (the ASCII unit separator:
// no key, number or typed text holds it).
const msgSep = "\x1f"

// Msg joins a catalog key and its arguments into one string that T reads
// back, for the places that carry a message as a key alone — a form field's
// problem, an error's key: Msg("errors.date_years", 2000, 2036). The
// arguments are formatted as with %v; the message takes them as %s.
func Msg(key string, args ...any) string {
	var b strings.Builder
	b.WriteString(key)
	for _, a := range args {
		b.WriteString(msgSep)
		b.WriteString(strings.ReplaceAll(fmt.Sprint(a), msgSep, " "))
	}
	return b.String()
}

// Match picks the language to speak from an explicit choice (a cookie) or
// an Accept-Language header; French when nothing matches.
func Match(choice, acceptLanguage string) string {
	if choice == "fr" || choice == "en" {
		return choice
	}
	best, bestQ := "fr", -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 0
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (base == "fr" || base == "en") && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}
