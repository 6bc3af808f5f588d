// Package account serves signing in and out (by e-mailed link or password,
// within limits that lock nobody out) and one's own account.
package account

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
