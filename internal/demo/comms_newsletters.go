package demo

import (
	"context"

	"implique/internal/app"
	"implique/internal/territory"
)

// seedCommsNewsletters adds the communications' newsletters to the demo.
func seedCommsNewsletters(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	return nil
}
