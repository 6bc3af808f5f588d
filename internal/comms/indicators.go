package comms

import (
	"context"

	"implique/internal/indicator"
	"implique/internal/territory"
)

var _ indicator.Source = (*Store)(nil)

// The indicators the communications offer.
const (
	IndicatorSubscribers       = "comms.subscribers"
	IndicatorSubscribersGained = "comms.subscribers_gained"
	IndicatorNewslettersSent   = "comms.newsletters_sent"
	IndicatorStoriesPublished  = "comms.stories_published"
	IndicatorItemsPublished    = "comms.items_published"
)

// Indicators lists what the communications measure: the people who may
// receive the newsletter at the end of the period and those gained during
// it, the newsletters sent, the stories published and the calendar's
// items published.
func (s *Store) Indicators() []indicator.Definition {
	return []indicator.Definition{
		{Key: IndicatorSubscribers, Unit: indicator.Count, Stock: true, People: true},
		{Key: IndicatorSubscribersGained, Unit: indicator.Count, People: true},
		{Key: IndicatorNewslettersSent, Unit: indicator.Count},
		{Key: IndicatorStoriesPublished, Unit: indicator.Count, Places: true},
		{Key: IndicatorItemsPublished, Unit: indicator.Count},
	}
}

// Measure computes one of the communications' indicators over sc. It reads
// counts only, never who.
func (s *Store) Measure(ctx context.Context, key string, sc indicator.Scope) (float64, error) {
	var q string
	args := []any{sc.TerritoryID}
	switch key {
	case IndicatorSubscribers, IndicatorSubscribersGained:
		// The newsletters' own count: the one rule of who may be mailed.
		c, err := s.CountSubscribers(ctx, sc.TerritoryID, sc.From, sc.To)
		if key == IndicatorSubscribers {
			return float64(c.Confirmed), err
		}
		return float64(c.Gained), err
	case IndicatorNewslettersSent:
		q = `SELECT COUNT(*) FROM comms_newsletters WHERE territory_id = ? AND status = 'sent' AND sent_at >= ? AND sent_at < ?`
		args = append(args, sc.From, sc.To)
	case IndicatorStoriesPublished:
		q = `SELECT COUNT(*) FROM comms_stories st WHERE st.territory_id = ? AND st.published_at >= ? AND st.published_at < ?`
		args = append(args, sc.From, sc.To)
		if sc.PlaceSlug != "" {
			cond, a := territory.InScope("st.place_id", sc.TerritoryID, sc.PlaceSlug, territory.AndSecteurs)
			q += ` AND ` + cond
			args = append(args, a...)
		}
	case IndicatorItemsPublished:
		q = `SELECT COUNT(*) FROM comms_items WHERE territory_id = ? AND status = 'published' AND published_at >= ? AND published_at < ?`
		args = append(args, sc.From, sc.To)
	default:
		return 0, indicator.ErrUnknown
	}
	var n int
	err := s.db.QueryRow(ctx, q, args...).Scan(&n)
	return float64(n), err
}
