// Package volunteering serves volunteering: opportunities and « je suis
// intéressé·e », one's own volunteering and hours, the organisations'
// management of their opportunities and applicants, the staff's view, and
// the opportunities API.
package volunteering

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
