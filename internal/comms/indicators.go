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

// activeAt is the condition « this subscription could be mailed at the
// instant ? »: express consent confirmed, or implied consent not yet
// expired, and no unsubscription nor bounce before then. It takes the
// instant four times.
const activeAt = `((su.basis = 'express' AND su.confirmed_at IS NOT NULL AND su.confirmed_at < ?)
	OR (su.basis = 'implied' AND su.requested_at < ? AND su.implied_until > ?))
	AND (su.unsubscribed_at IS NULL OR su.unsubscribed_at >= ?)`

// Measure computes one of the communications' indicators over sc. It reads
// counts only, never who.
func (s *Store) Measure(ctx context.Context, key string, sc indicator.Scope) (float64, error) {
	var q string
	args := []any{sc.TerritoryID}
	switch key {
	case IndicatorSubscribers:
		q = `SELECT COUNT(DISTINCT sb.id) FROM comms_subscriptions su JOIN comms_subscribers sb ON sb.id = su.subscriber_id
			WHERE sb.territory_id = ? AND ` + activeAt + ` AND (sb.bounced_at IS NULL OR sb.bounced_at >= ?)`
		args = append(args, sc.To, sc.To, sc.To, sc.To, sc.To)
	case IndicatorSubscribersGained:
		// A person is gained in the period when their first consent —
		// confirmed, or implied — falls in it.
		q = `SELECT COUNT(*) FROM (SELECT sb.id, MIN(CASE WHEN su.basis = 'express' THEN su.confirmed_at ELSE su.requested_at END) AS first
			FROM comms_subscriptions su JOIN comms_subscribers sb ON sb.id = su.subscriber_id
			WHERE sb.territory_id = ? AND (su.basis = 'implied' OR su.confirmed_at IS NOT NULL) GROUP BY sb.id) g
			WHERE g.first >= ? AND g.first < ?`
		args = append(args, sc.From, sc.To)
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
