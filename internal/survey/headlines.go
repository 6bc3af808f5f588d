package survey

import "context"

// Headlines are the headline figures of the current wave of each
// questionnaire of the territory, for the place whose slug is given and
// its secteurs ("" is the whole territory), with the small-numbers rule
// applied.
func (s *Store) Headlines(ctx context.Context, territoryID int64, placeSlug string) ([]Figure, error) {
	return nil, nil
}
