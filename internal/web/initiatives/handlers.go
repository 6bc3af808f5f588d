// Package initiatives serves citizen initiatives: the public list and pages,
// « Je veux participer » and the participant's private link, and their
// follow-up by staff.
package initiatives

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
