// Package privacy serves the privacy centre: « Mes données » (a person sees,
// downloads, corrects and erases what is held about them, and withdraws
// their consents, by a verified e-mail link or signed in, or staff on their
// behalf), the published policy generated from the registry, and the
// privacy officer's area (/admin/confidentialite: inventory, retention,
// access log, incident register, requests).
package privacy

import (
	"embed"
	"net/http"

	pv "implique/internal/privacy"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

func (h *Handlers) store() *pv.Store { return h.Deps.Privacy }

func staffID(r *http.Request) int64 {
	if u := kit.Info(r).Principal.User; u != nil {
		return u.ID
	}
	return 0
}

// AreaPath is the privacy officer's area.
const AreaPath = "/admin/confidentialite"
