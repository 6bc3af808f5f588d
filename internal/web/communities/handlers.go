// Package communities serves the communautés de partage: the public list, a
// community's space for its members, joining by request or invitation, and
// their care by staff.
package communities

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
