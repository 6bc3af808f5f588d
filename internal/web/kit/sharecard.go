package kit

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

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
