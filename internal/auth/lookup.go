package auth

import (
	"context"

	"implique/internal/db"
)

// Users returns the accounts with the given ids, by id; unknown ids are
// left out. Other capabilities name the people of their lists with it
// (an organisation's applicants, the volunteers of a milestone list).
func (s *Store) Users(ctx context.Context, ids []int64) (map[int64]*User, error) {
	out := make(map[int64]*User, len(ids))
	seen := make(map[int64]bool, len(ids))
	var uniq []int64
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	const chunk = 500
	for len(uniq) > 0 {
		n := min(chunk, len(uniq))
		part := uniq[:n]
		uniq = uniq[n:]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.db.Query(ctx, `SELECT `+userCols+` FROM users WHERE id IN (`+db.Marks(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[u.ID] = u
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
