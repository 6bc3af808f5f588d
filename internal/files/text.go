package files

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Text is the text of a file people made with a spreadsheet or an editor:
// UTF-8 with or without a byte order mark, or Windows-1252 (what Excel in
// French writes), as UTF-8 without the mark. A file holding NUL is not
// text: ok is false.
func Text(data []byte) (text []byte, ok bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		decoded, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, false
		}
		data = decoded
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, false
	}
	return data, true
}

// Separator is the separator of CSV text: the one its first line uses
// most among « ; » (Excel in French), « , » and a tab; « ; » when none.
func Separator(text []byte) rune {
	first := text
	if i := bytes.IndexAny(text, "\r\n"); i >= 0 {
		first = text[:i]
	}
	sep, best := ';', 0
	for _, c := range []rune{';', ',', '\t'} {
		if n := strings.Count(string(first), string(c)); n > best {
			sep, best = c, n
		}
	}
	return sep
}

// Readable reports whether s is text a person could have typed: valid
// UTF-8, without NUL nor any other control character (C0, DEL, C1) but
// tab, carriage return and line feed. Forms, the API and imported files
// are held to it.
func Readable(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r >= 0x80 && r <= 0x9f {
			return false
		}
		i += n
	}
	return true
}
