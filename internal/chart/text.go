package chart

import (
	"strings"
	"unicode"
)

// The server does not know which sans-serif font the reader has, so text
// widths are estimated from the widths of a wide one (DejaVu Sans, the
// usual default on Linux): a label that fits here fits in Arial or
// Helvetica too.

// textWidth estimates the width of s written at size.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w * size
}

// runeWidth is a character's width in ems, by broad classes.
func runeWidth(r rune) float64 {
	switch {
	case strings.ContainsRune("iljI.,;:'!|’`", r):
		return 0.3
	case strings.ContainsRune("frt()[]{}/-\u00a0\u202f ", r):
		return 0.42
	case strings.ContainsRune("mwMW@%", r):
		return 1
	case r >= 0x2e80: // ideographs and other wide scripts
		return 1
	case unicode.IsUpper(r):
		return 0.75
	case unicode.IsDigit(r):
		return 0.64
	}
	return 0.62
}

// wrap breaks s into lines no wider than limit, at most maxLines of them; the
// last line ends with an ellipsis when text was left out. A word wider
// than a line is broken where it must. Runs of white space (new lines
// included) count as one space.
func wrap(s string, limit, size float64, maxLines int) (lines []string, cut bool) {
	line := ""
	for _, word := range strings.Fields(s) {
		candidate := word
		if line != "" {
			candidate = line + " " + word
		}
		if textWidth(candidate, size) <= limit {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = word
		for textWidth(line, size) > limit {
			head, rest := split(line, limit, size)
			lines = append(lines, head)
			line = rest
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = ellipsis(lines[maxLines-1], limit, size)
		cut = true
	}
	return lines, cut
}

// split cuts a word at the longest start that fits in limit (at least one
// character, so that the word always shrinks), after a hyphen or a slash
// when that start has one: « Sainte-Cécile-de- / Lévrard ».
func split(word string, limit, size float64) (head, rest string) {
	rs := []rune(word)
	n := 1
	for n < len(rs) && textWidth(string(rs[:n+1]), size) <= limit {
		n++
	}
	for i := n - 1; i > 0; i-- {
		if rs[i] == '-' || rs[i] == '/' {
			n = i + 1
			break
		}
	}
	return string(rs[:n]), string(rs[n:])
}

// ellipsis shortens s until it fits in limit with "…" after it.
func ellipsis(s string, limit, size float64) string {
	rs := []rune(s)
	for len(rs) > 0 && textWidth(string(rs)+"…", size) > limit {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimRightFunc(string(rs), func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}

// fit keeps s whole when it fits in limit on one line, or cuts it with an
// ellipsis.
func fit(s string, limit, size float64) string {
	s = strings.Join(strings.Fields(s), " ")
	if textWidth(s, size) <= limit {
		return s
	}
	return ellipsis(s, limit, size)
}
