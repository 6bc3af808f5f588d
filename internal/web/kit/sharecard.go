package kit

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/sharecard"
)

// WriteShareCard answers card as the PNG share image (Open Graph) of a
// public page: what the card does not say itself, the program and the
// territory at the bottom and the territory's colour, come from the
// request's territory. maxAge is how long caches may keep it: short for
// what may be taken off the site.
func (s *Kit) WriteShareCard(w http.ResponseWriter, r *http.Request, card sharecard.Card, maxAge time.Duration) {
	t := Info(r).Territory
	if card.Footer == "" {
		card.Footer = s.Cat.T("fr", "app.name") + " — " + t.Name
	}
	if card.Color == "" {
		card.Color = t.BrandColor
	}
	var buf bytes.Buffer
	if err := sharecard.Render(&buf, card); err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(maxAge/time.Second)))
	_, _ = buf.WriteTo(w)
}

// ShareSummary is the description a public page gives of itself: text on
// one line, cut near 200 characters at a space, or fallback when text is
// empty.
func ShareSummary(text, fallback string) string {
	s := strings.Join(strings.Fields(text), " ")
	if s == "" {
		return fallback
	}
	if utf8.RuneCountInString(s) <= 200 {
		return s
	}
	r := []rune(s)[:200]
	cut := string(r)
	if i := strings.LastIndex(cut, " "); i > 100 {
		cut = cut[:i]
	}
	return cut + "…"
}
