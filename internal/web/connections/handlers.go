// Package connections serves the links created after a held event: the
// attendee's choices through the private link, and the staff's view.
package connections

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
