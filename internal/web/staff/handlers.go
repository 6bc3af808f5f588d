// Package staff serves the staff area: the morning page, users and their
// roles, the territory's settings (the events' among them) and the outbox.
package staff

import (
	"embed"

	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }
