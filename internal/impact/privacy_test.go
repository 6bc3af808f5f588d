package impact_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

// TestPrivacyImpactInventory: the impact pages' texts that may name someone
// are in the inventory, with columns that exist, and the holder is wired;
// they are tied to no address, so a person's search finds none of them.
func TestPrivacyImpactInventory(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testkit.App(t, d, time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
		terr := testkit.Territory(t, a.Territories)
		if !slices.ContainsFunc(a.Privacy.Holders(), func(h privacy.Holder) bool { return h == privacy.Holder(a.Impact) }) {
			t.Fatal("the impact store is not a registered holder")
		}
		tables, err := d.AppTables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range a.Impact.Inventory() {
			for _, col := range c.Columns {
				table, column, _ := strings.Cut(col, ".")
				if !slices.Contains(tables[table], column) {
					t.Errorf("%s: no column %s", c.Key, col)
				}
			}
		}
		recs, err := a.Impact.Find(ctx, d, privacy.Subject{TerritoryID: terr.ID, UserID: 1, Emails: []string{"a@example.org"}})
		if err != nil || len(recs) != 0 {
			t.Errorf("Find = %+v, %v", recs, err)
		}
	})
}
