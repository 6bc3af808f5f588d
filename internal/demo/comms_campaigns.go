package demo

import (
	"context"

	"implique/internal/app"
	"implique/internal/territory"
)

// seedCommsCampaigns adds the communications' campaigns to the demo.
func seedCommsCampaigns(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	return nil
}
