// Package orgs serves organisations: the public directory, the staff's and
// the managers' organisations, seats and people, the import of a
// spreadsheet, and the relève radar with its accompaniment log.
package orgs

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
