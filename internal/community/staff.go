package community

import "context"

// What waits for staff in ideas and communities, for their morning page.

// IdeasToModerate counts the needs and ideas proposed by visitors that
// staff have not approved or refused yet.
func (s *Store) IdeasToModerate(ctx context.Context, territoryID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM ideas WHERE territory_id = ? AND moderation = ?`, territoryID, Pending).Scan(&n)
	return n, err
}

// JoinRequests is a community with requests to join that the people who
// asked have not confirmed yet (their link is still valid).
type JoinRequests struct {
	CommunityID int64
	Name        string
	Requests    int
}

// JoinRequestsWaiting lists the communities with requests to join not
// confirmed yet, the most requests first.
func (s *Store) JoinRequestsWaiting(ctx context.Context, territoryID int64) ([]JoinRequests, error) {
	rows, err := s.db.Query(ctx, `SELECT c.id, c.name, COUNT(*) FROM community_invitations i JOIN communities c ON c.id = i.community_id
		WHERE i.territory_id = ? AND i.source = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?
		AND c.closed_at IS NULL GROUP BY c.id, c.name ORDER BY COUNT(*) DESC, c.name`, territoryID, AskedToJoin, s.now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JoinRequests
	for rows.Next() {
		var j JoinRequests
		if err := rows.Scan(&j.CommunityID, &j.Name, &j.Requests); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}
