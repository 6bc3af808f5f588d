package community

import (
	"context"
	"database/sql"

	"implique/internal/db"
	"implique/internal/territory"
)

// ThemeFigures counts the needs and ideas of one theme.
type ThemeFigures struct {
	Theme Theme
	// Needs and Ideas count the approved ones (those the public sees),
	// Pending those waiting for moderation. Rejected ones count nowhere.
	Needs, Ideas, Pending int
}

// IdeaFigures are the needs and ideas of a territory or a place, by theme.
type IdeaFigures struct {
	// Themes are in the themes' order: every theme still offered, and an
	// archived one only when ideas name it.
	Themes []ThemeFigures
	// Needs, Ideas and Pending add up the themes.
	Needs, Ideas, Pending int
}

// IdeaFigures counts the needs and ideas by theme and moderation, for the
// whole territory (placeSlug "") or a place and its secteurs.
func (s *Store) IdeaFigures(ctx context.Context, territoryID int64, placeSlug string) (IdeaFigures, error) {
	themes, err := s.Themes(ctx, territoryID, true)
	if err != nil {
		return IdeaFigures{}, err
	}
	q, args := `SELECT theme_id, kind, moderation, COUNT(*) FROM ideas WHERE territory_id = ?`, []any{territoryID}
	if placeSlug != "" {
		cond, a := territory.InScope("place_id", territoryID, placeSlug, territory.AndSecteurs)
		q, args = q+` AND `+cond, append(args, a...)
	}
	byTheme := map[int64]*ThemeFigures{}
	for _, t := range themes {
		byTheme[t.ID] = &ThemeFigures{Theme: t}
	}
	var f IdeaFigures
	err = db.Each(ctx, s.db, q+` AND moderation IN (?, ?) GROUP BY theme_id, kind, moderation`, append(args, Approved, Pending),
		func(rows *sql.Rows) error {
			var themeID int64
			var kind, moderation string
			var n int
			if err := rows.Scan(&themeID, &kind, &moderation, &n); err != nil {
				return err
			}
			t := byTheme[themeID]
			if t == nil {
				return nil
			}
			switch {
			case moderation == Pending:
				t.Pending += n
				f.Pending += n
			case Kind(kind) == Need:
				t.Needs += n
				f.Needs += n
			default:
				t.Ideas += n
				f.Ideas += n
			}
			return nil
		})
	if err != nil {
		return IdeaFigures{}, err
	}
	for _, t := range themes {
		tf := byTheme[t.ID]
		if t.Archived && tf.Needs+tf.Ideas+tf.Pending == 0 {
			continue
		}
		f.Themes = append(f.Themes, *tf)
	}
	return f, nil
}

// GroupFigures are the communautés de partage and the citizen initiatives
// of a territory or a place.
type GroupFigures struct {
	// Communities counts the communautés de partage ever started there,
	// Open those not closed, Members the people who belong to an open one
	// (counted once per community).
	Communities, OpenCommunities, Members int
	// Initiatives counts the published initiatives, Active those under way,
	// Completed those carried through, People the leaders and participants
	// who confirmed they take part in one and did not leave (once per
	// initiative).
	Initiatives, ActiveInitiatives, CompletedInitiatives, People int
}

// GroupFigures counts the communautés de partage and the initiatives, for
// the whole territory (placeSlug "") or a place and its secteurs. A
// community serving several places counts once.
func (s *Store) GroupFigures(ctx context.Context, territoryID int64, placeSlug string) (GroupFigures, error) {
	var f GroupFigures
	cq, cargs := `SELECT c.id FROM communities c WHERE c.territory_id = ?`, []any{territoryID}
	iq, iargs := `i.territory_id = ? AND i.published_at IS NOT NULL`, []any{territoryID}
	if placeSlug != "" {
		cond, a := territory.InScope("cp.place_id", territoryID, placeSlug, territory.AndSecteurs)
		cq += ` AND EXISTS (SELECT 1 FROM community_places cp WHERE cp.community_id = c.id AND ` + cond + `)`
		cargs = append(cargs, a...)
		cond, a = territory.InScope("i.place_id", territoryID, placeSlug, territory.AndSecteurs)
		iq, iargs = iq+` AND `+cond, append(iargs, a...)
	}
	err := s.db.QueryRow(ctx, `SELECT COUNT(*), COUNT(CASE WHEN c.closed_at IS NULL THEN 1 END) FROM communities c
		WHERE c.id IN (`+cq+`)`, cargs...).Scan(&f.Communities, &f.OpenCommunities)
	if err != nil {
		return f, err
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM community_members m JOIN communities c ON c.id = m.community_id
		WHERE m.left_at IS NULL AND c.closed_at IS NULL AND c.id IN (`+cq+`)`, cargs...).Scan(&f.Members)
	if err != nil {
		return f, err
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*), COUNT(CASE WHEN i.status = ? THEN 1 END), COUNT(CASE WHEN i.status = ? THEN 1 END)
		FROM initiatives i WHERE `+iq, append([]any{string(Active), string(Completed)}, iargs...)...).
		Scan(&f.Initiatives, &f.ActiveInitiatives, &f.CompletedInitiatives)
	if err != nil {
		return f, err
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM initiative_people p JOIN initiatives i ON i.id = p.initiative_id
		WHERE p.confirmed_at IS NOT NULL AND p.left_at IS NULL AND `+iq, iargs...).Scan(&f.People)
	return f, err
}
