// Package events serves events: the public pages and sign-up without an
// account, the private link of a registration, the staff's events and
// registrations, check-in at the door and closing, and the events API.
package events

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
