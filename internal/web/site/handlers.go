// Package site serves the site itself: the home page, a place's page, the
// language toggle, privacy, robots.txt, the theme, and the health checks.
package site

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
