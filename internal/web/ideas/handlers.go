// Package ideas serves needs and ideas: the public list, proposals and
// supports, and their moderation by staff.
package ideas

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
