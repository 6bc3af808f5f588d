package i18n

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ASCIIFold removes accents from s (decomposing it and dropping the
// combining marks) and spells out ligatures and typographic punctuation
// in ASCII. Characters without an ASCII form are kept as they are.
func ASCIIFold(s string) string {
	s = norm.NFD.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if a, ok := asciiLetters[r]; ok {
			b.WriteString(a)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// asciiLetters spells out letters that lose no accent under
// decomposition but have a usual ASCII spelling.
var asciiLetters = map[rune]string{
	'œ': "oe", 'Œ': "OE", 'æ': "ae", 'Æ': "AE", 'ß': "ss", 'ẞ': "SS",
	'ø': "o", 'Ø': "O", 'đ': "d", 'Đ': "D", 'ł': "l", 'Ł': "L",
	'þ': "th", 'Þ': "TH", 'ð': "d", 'Ð': "D", 'ı': "i",
	'’': "'", '‘': "'", '‛': "'", 'ʼ': "'", '“': `"`, '”': `"`,
	'«': `"`, '»': `"`, '–': "-", '—': "-", '‐': "-", '‑': "-",
	'\u00a0': " ", '\u202f': " ", '\u2009': " ",
}

// Slug turns French text into a readable ASCII address part:
// « Souper citoyen — Sainte-Cécile-de-Lévrard » → "souper-citoyen-sainte-cecile-de-levrard".
// It keeps at most max bytes (cut at a hyphen when it can); "" when nothing is left.
func Slug(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range ASCIIFold(s) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.Trim(b.String(), "-")
	if max > 0 && len(out) > max {
		out = out[:max]
		if i := strings.LastIndexByte(out, '-'); i > max/2 {
			out = out[:i]
		}
		out = strings.Trim(out, "-")
	}
	return out
}
