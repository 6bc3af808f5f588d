package demo

import (
	"context"

	"implique/internal/app"
	"implique/internal/territory"
)

// seedCommsStories adds the communications' stories to the demo.
func seedCommsStories(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	return nil
}
