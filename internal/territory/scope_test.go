package territory_test

import (
	"context"
	"slices"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/territory"
)

func TestInScope(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := territory.NewStore(d)
		tr := mustCreate(t, s, "becancour", fullSettings())
		mustImport(t, s, tr.ID, territory.BecancourPlaces())
		// Another territory with places of the same names stays out of every scope.
		other := mustCreate(t, s, "ailleurs", fullSettings())
		mustImport(t, s, other.ID, territory.BecancourPlaces())

		secteurs := []string{"becancour-gentilly", "becancour-precieux-sang", "becancour-saint-gregoire",
			"becancour-sainte-angele-de-laval", "becancour-sainte-gertrude", "becancour-secteur-becancour"}
		ville := append([]string{"becancour"}, secteurs...)
		for _, c := range []struct {
			name, slug string
			reach      territory.Reach
			want       []string
		}{
			{"a ville and its secteurs", "becancour", territory.AndSecteurs, ville},
			{"a ville has no ville above it", "becancour", territory.AndVille, ville},
			{"a secteur alone", "becancour-gentilly", territory.AndSecteurs, []string{"becancour-gentilly"}},
			{"a secteur and its ville", "becancour-gentilly", territory.AndVille, []string{"becancour", "becancour-gentilly"}},
			{"a place without secteurs", "manseau", territory.AndSecteurs, []string{"manseau"}},
			{"a place without secteurs nor ville", "manseau", territory.AndVille, []string{"manseau"}},
			{"an unknown slug", "montreal", territory.AndSecteurs, nil},
			{"an unknown slug, widened", "montreal", territory.AndVille, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				cond, args := territory.InScope("p.id", tr.ID, c.slug, c.reach)
				rows, err := d.Query(ctx, `SELECT p.slug FROM places p WHERE `+cond, args...)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var got []string
				for rows.Next() {
					var slug string
					if err := rows.Scan(&slug); err != nil {
						t.Fatal(err)
					}
					got = append(got, slug)
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				slices.Sort(got)
				if !slices.Equal(got, c.want) {
					t.Errorf("got %v, want %v", got, c.want)
				}
			})
		}
	})
}
