package territory

// Reach says how far a place filter reaches from the place it names.
type Reach int

const (
	// AndSecteurs is the place and its secteurs: a ville's page also lists
	// what happens in its secteurs.
	AndSecteurs Reach = iota
	// AndVille is also the place's ville: an organisation serving the
	// whole ville serves each of its secteurs.
	AndVille
)

// InScope is the one way to ask for a place's scope: the SQL condition
// that column, holding a place id, names the place of the territory whose
// slug is given, or a place within reach of it; and the condition's
// arguments. It is written with ? placeholders in SQL both engines accept.
// An unknown slug matches nothing.
func InScope(column string, territoryID int64, slug string, reach Reach) (string, []any) {
	near := `x.id = y.id OR x.parent_id = y.id`
	if reach == AndVille {
		near += ` OR x.id = y.parent_id`
	}
	return column + ` IN (SELECT x.id FROM places x JOIN places y ON ` + near + `
		WHERE y.territory_id = ? AND y.slug = ?)`, []any{territoryID, slug}
}
