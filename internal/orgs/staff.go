package orgs

import "context"

// Due is what waits for staff in the organisations' succession.
type Due struct {
	// FollowUps are the accompaniment follow-ups planned for today or
	// earlier and not done.
	FollowUps int
	// TermsEnding are the held seats whose term ended or ends within three
	// months, without a successor identified (as the radar counts them).
	TermsEnding int
}

// Due counts a territory's follow-ups due and terms ending soon.
func (s *Store) Due(ctx context.Context, territoryID int64) (Due, error) {
	var d Due
	today, err := s.today(ctx, territoryID)
	if err != nil {
		return d, err
	}
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organization_accompaniments WHERE territory_id = ?
		AND follow_up_on IS NOT NULL AND follow_up_done_at IS NULL AND follow_up_on <= ?`, territoryID, today.String()).Scan(&d.FollowUps); err != nil {
		return d, err
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organization_seats WHERE territory_id = ? AND holder_id IS NOT NULL
		AND term_end IS NOT NULL AND term_end <> '' AND successor_identified = ? AND term_end <= ?`,
		territoryID, false, today.AddMonths(3).String()).Scan(&d.TermsEnding)
	return d, err
}
