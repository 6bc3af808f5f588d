package comms

import (
	"context"
	"database/sql"
	"errors"
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/territory"
	"implique/internal/tracking"
)

// NewsLinksCode is the campaign code of a newsletter's tracked links when
// it belongs to no campaign.
const NewsLinksCode = "infolettre"

// newsHref is a link's address in the rendered HTML (bluemonday writes
// every attribute between double quotes).
var newsHref = regexp.MustCompile(`(<a\s[^>]*?href=")([^"]*)(")`)

// newsTextURL is an address in the plain-text alternative (the Markdown):
// up to a space or what closes a Markdown link.
var newsTextURL = regexp.MustCompile("https?://[^\\s<>()\\[\\]\"'`]+")

// newsTracked turns each http(s) link of a newsletter's rendered body and
// blocks into a tracked link (tracking.Store.Ensure: one per target, under
// the newsletter's campaign code, else « infolettre »), so that its clicks
// are counted, and remembers which links it carries. The tracked address is
// the same for every recipient: clicks are counted, never who clicked.
// Only the body is rewritten: the unsubscribe link and the « read online »
// link are added around it by newsMessage, confirmation links never go in
// a newsletter, and mailto: or tel: links are left as they are; a link to
// the site's own unsubscribe or confirmation pages typed in the body is
// left too.
func (s *Store) newsTracked(ctx context.Context, t territory.Territory, n Newsletter, r NewsRendered) (NewsRendered, error) {
	if s.tracking == nil {
		return r, nil
	}
	code := NewsLinksCode
	if n.CampaignID != nil {
		err := s.db.QueryRow(ctx, `SELECT code FROM comms_campaigns WHERE territory_id = ? AND id = ?`, t.ID, *n.CampaignID).Scan(&code)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return r, err
		}
	}
	short := map[string]string{}
	var failed error
	track := func(target string) string {
		if failed != nil || !s.newsTrackable(target) {
			return ""
		}
		if v, ok := short[target]; ok {
			return v
		}
		l, err := s.tracking.Ensure(ctx, t.ID, tracking.Input{Target: target, Campaign: code, Label: n.Subject})
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				failed = err
			}
			short[target] = "" // an address tracking refuses stays as it is
			return ""
		}
		if _, err := s.db.Exec(ctx, `INSERT INTO comms_newsletter_links (newsletter_id, link_id) VALUES (?, ?)
			ON CONFLICT (newsletter_id, link_id) DO NOTHING`, n.ID, l.ID); err != nil {
			failed = err
			return ""
		}
		short[target] = s.baseURL + "/l/" + l.Code
		return short[target]
	}
	h := newsHref.ReplaceAllStringFunc(string(r.HTML), func(m string) string {
		p := newsHref.FindStringSubmatch(m)
		if v := track(html.UnescapeString(p[2])); v != "" {
			return p[1] + html.EscapeString(v) + p[3]
		}
		return m
	})
	text := newsTextURL.ReplaceAllStringFunc(r.Text, func(m string) string {
		target := strings.TrimRight(m, ".,;:!?*_")
		if v := track(target); v != "" {
			return v + m[len(target):]
		}
		return m
	})
	if failed != nil {
		return r, failed
	}
	r.HTML = template.HTML(h) // #nosec: the sanitised HTML, only its links' addresses replaced (escaped)
	r.Text = text
	return r, nil
}

// newsTrackable reports whether a link of a newsletter's body is counted:
// an http(s) address, except the site's own unsubscribe and confirmation
// pages and its links already tracked.
func (s *Store) newsTrackable(target string) bool {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	if base, err := url.Parse(s.baseURL); err == nil && strings.EqualFold(base.Host, u.Host) {
		for _, p := range []string{"/infolettre/desabonnement", "/infolettre/confirmation", "/l/"} {
			if strings.HasPrefix(u.Path, p) {
				return false
			}
		}
	}
	return true
}

// NewsletterClicks counts the clicks on a newsletter's tracked links since
// the day its sending started (in the territory's zone); a link it shares
// with an earlier issue (the same target under the same code) counts the
// clicks of both from that day on. Nothing before its sending counts.
// links is how many tracked links it carries: none for an issue without
// links, recorded as sent elsewhere or sent before links were tracked,
// whose clicks are then unknown rather than zero.
func (s *Store) NewsletterClicks(ctx context.Context, territoryID int64, n Newsletter) (clicks, links int, err error) {
	if s.tracking == nil || n.StartedAt == nil {
		return 0, 0, nil
	}
	var ids []int64
	err = db.Each(ctx, s.db, `SELECT k.link_id FROM comms_newsletter_links k JOIN comms_newsletters n ON n.id = k.newsletter_id
		WHERE n.territory_id = ? AND k.newsletter_id = ? ORDER BY k.link_id`, []any{territoryID, n.ID}, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil || len(ids) == 0 {
		return 0, 0, err
	}
	loc := time.UTC
	if t, err := s.territories.ByID(ctx, territoryID); err == nil {
		loc = t.Location()
	}
	clicks, err = s.tracking.LinksClicks(ctx, territoryID, ids, n.StartedAt.In(loc).Format("2006-01-02"))
	return clicks, len(ids), err
}
