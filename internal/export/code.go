package export

import (
	"crypto/rand"
	"strings"
)

// codeAlphabet has no letters that read alike (no I, L, O, 0, 1).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewCode makes a certificate's verification code: twelve characters in
// three groups, from an alphabet without look-alikes.
func NewCode() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	var out strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
	}
	return out.String()
}

// NormalizeCode reads a code as typed (lower case, spaces, no dashes).
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if strings.ContainsRune(codeAlphabet, r) {
			b.WriteRune(r)
		}
	}
	c := b.String()
	if len(c) != 12 {
		return c
	}
	return c[:4] + "-" + c[4:8] + "-" + c[8:]
}
