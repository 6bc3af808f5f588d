package export

import (
	"implique/internal/i18n"
	"strings"
	"unicode"
)

// maxFilenameBase is the longest base name Filename returns, in bytes
// (all ASCII), before the extension.
const maxFilenameBase = 80

// Filename returns a safe download file name made from base, a title in
// French or any language, and the extension ext ("csv" or ".csv"):
//
//	Filename("« Souper citoyen — Sainte-Cécile-de-Lévrard »", "csv")
//	    == "souper-citoyen-sainte-cecile-de-levrard.csv"
//
// The name is lower-case ASCII letters, digits and hyphens only: accents
// are removed (é → e, ç → c), ligatures spelt out (œ → oe, æ → ae),
// every other run of characters becomes one hyphen, and it is cut to 80
// characters at a word boundary when possible. An empty result becomes
// "export", and names Windows reserves (con, nul, com1…) get an "export-"
// prefix. The extension keeps only ASCII letters and digits, in lower
// case; when nothing is left the name has no extension.
func Filename(base, ext string) string {
	name := i18n.Slug(base, maxFilenameBase)
	if name == "" {
		name = "export"
	}
	if windowsReserved(name) {
		name = "export-" + name
	}

	var e strings.Builder
	for _, r := range strings.ToLower(ext) {
		if (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') && e.Len() < 10 {
			e.WriteRune(r)
		}
	}
	if e.Len() == 0 {
		return name
	}
	return name + "." + e.String()
}

// ContentDisposition returns the value of a Content-Disposition header
// that makes a browser download the response as filename:
//
//	attachment; filename="Presences-Becancour.pdf"; filename*=UTF-8''Pr%C3%A9sences-B%C3%A9cancour.pdf
//
// The filename parameter is an ASCII approximation for old clients
// (accents removed, other characters and the quote, backslash and percent
// sign replaced by "_"); filename* (RFC 6266, RFC 8187) carries the exact
// UTF-8 name, percent-encoded. Control characters, which could inject
// header lines, are dropped, path separators become "_", and an empty
// name becomes "export".
func ContentDisposition(filename string) string {
	filename = strings.ToValidUTF8(filename, "")
	filename = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			return -1
		case r == '/' || r == '\\':
			return '_'
		}
		return r
	}, filename)
	filename = strings.TrimSpace(filename)
	if filename == "" {
		filename = "export"
	}

	var ascii strings.Builder
	for _, r := range i18n.ASCIIFold(filename) {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			r = '_'
		}
		ascii.WriteRune(r)
	}

	const hex = "0123456789ABCDEF"
	var enc strings.Builder
	for i := 0; i < len(filename); i++ {
		c := filename[i]
		if isAttrChar(c) {
			enc.WriteByte(c)
			continue
		}
		enc.WriteByte('%')
		enc.WriteByte(hex[c>>4])
		enc.WriteByte(hex[c&0xf])
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + enc.String()
}

// isAttrChar reports whether c may appear unencoded in an RFC 8187
// ext-value (attr-char).
func isAttrChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// windowsReserved reports whether name (lower case, without extension) is
// a device name Windows refuses as a file name.
func windowsReserved(name string) bool {
	switch name {
	case "con", "prn", "aux", "nul":
		return true
	}
	if len(name) == 4 && (strings.HasPrefix(name, "com") || strings.HasPrefix(name, "lpt")) {
		return name[3] >= '0' && name[3] <= '9'
	}
	return false
}
