package comms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
	"implique/internal/volunteering"
)

// Statuses of a newsletter.
const (
	NewsDraft     = "draft"
	NewsScheduled = "scheduled"
	NewsSending   = "sending"
	NewsSent      = "sent"
)

// Statuses of a delivery (one newsletter to one subscriber).
const (
	DeliveryPending = "pending" // to be sent
	DeliverySending = "sending" // claimed by a job
	DeliveryRetry   = "retry"   // a temporary failure: tried again at next_at
	DeliverySent    = "sent"    // accepted by the SMTP server
	DeliveryKept    = "kept"    // no SMTP server: nothing left, as the outbox keeps its own
	DeliveryBounced = "bounced" // refused for good (5xx): the address is not mailed again
	DeliveryFailed  = "failed"  // temporary failures until the attempts ran out
	DeliverySkipped = "skipped" // unsubscribed meanwhile
)

// DeliveryAttempts is how many times a message is tried before it fails.
const DeliveryAttempts = 5

// DeliveryClaimTimeout is how long a job's claim on a delivery holds: a
// claim older than this was left by a process that died between the claim
// and the end of the SMTP conversation, and the message is tried again
// (at-least-once, as the outbox: a message the server accepted just before
// the crash may then arrive twice; one never sent is not lost).
const DeliveryClaimTimeout = 5 * time.Minute

// Newsletter is one issue: its subject, its Markdown body with blocks, the
// list it goes to, and its sending.
type Newsletter struct {
	ID          int64
	TerritoryID int64
	ListID      int64
	ListName    string
	CampaignID  *int64
	Slug        string
	Subject     string
	Body        string
	Status      string
	ScheduledAt *time.Time
	StartedAt   *time.Time
	SentAt      *time.Time
	Recipients  int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Counts of the deliveries by status (filled by Newsletters and
	// Newsletter).
	Sent, Failed, Bounced, Waiting int
}

// NewsletterInput is what staff type.
type NewsletterInput struct {
	Subject  string
	Body     string
	ListID   string
	Campaign string
}

const newsCols = `n.id, n.territory_id, n.list_id, l.name, n.campaign_id, n.slug, n.subject, n.body, n.status, n.scheduled_at,
	n.started_at, n.sent_at, n.recipients, n.created_at, n.updated_at,
	(SELECT COUNT(*) FROM comms_deliveries d WHERE d.newsletter_id = n.id AND d.status IN ('sent', 'kept')),
	(SELECT COUNT(*) FROM comms_deliveries d WHERE d.newsletter_id = n.id AND d.status = 'failed'),
	(SELECT COUNT(*) FROM comms_deliveries d WHERE d.newsletter_id = n.id AND d.status = 'bounced'),
	(SELECT COUNT(*) FROM comms_deliveries d WHERE d.newsletter_id = n.id AND d.status IN ('pending', 'sending', 'retry'))`

const newsFrom = ` FROM comms_newsletters n JOIN comms_lists l ON l.id = n.list_id `

func newsScan(row interface{ Scan(...any) error }) (Newsletter, error) {
	var n Newsletter
	var camp sql.NullInt64
	err := row.Scan(&n.ID, &n.TerritoryID, &n.ListID, &n.ListName, &camp, &n.Slug, &n.Subject, &n.Body, &n.Status,
		db.ScanNullTime(&n.ScheduledAt), db.ScanNullTime(&n.StartedAt), db.ScanNullTime(&n.SentAt), &n.Recipients,
		db.ScanTime(&n.CreatedAt), db.ScanTime(&n.UpdatedAt), &n.Sent, &n.Failed, &n.Bounced, &n.Waiting)
	if errors.Is(err, sql.ErrNoRows) {
		return n, errs.New(errs.NotFound, "errors.comms_news_not_found")
	}
	if camp.Valid {
		n.CampaignID = &camp.Int64
	}
	return n, err
}

func (s *Store) newsQuery(ctx context.Context, where string, args ...any) ([]Newsletter, error) {
	rows, err := s.db.Query(ctx, `SELECT `+newsCols+newsFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Newsletter
	for rows.Next() {
		n, err := newsScan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Newsletters returns a territory's newsletters, the latest first.
func (s *Store) Newsletters(ctx context.Context, territoryID int64) ([]Newsletter, error) {
	return s.newsQuery(ctx, `WHERE n.territory_id = ? ORDER BY COALESCE(n.sent_at, n.scheduled_at, n.updated_at) DESC, n.id DESC`, territoryID)
}

// Newsletter returns one newsletter.
func (s *Store) Newsletter(ctx context.Context, territoryID, id int64) (Newsletter, error) {
	return newsScan(s.db.QueryRow(ctx, `SELECT `+newsCols+newsFrom+`WHERE n.territory_id = ? AND n.id = ?`, territoryID, id))
}

// SentNewsletters is the public archive: the newsletters sent, latest first.
func (s *Store) SentNewsletters(ctx context.Context, territoryID int64) ([]Newsletter, error) {
	return s.newsQuery(ctx, `WHERE n.territory_id = ? AND n.status = 'sent' ORDER BY n.sent_at DESC, n.id DESC`, territoryID)
}

// SentNewsletter returns one sent newsletter by its public address.
func (s *Store) SentNewsletter(ctx context.Context, territoryID int64, slug string) (Newsletter, error) {
	return newsScan(s.db.QueryRow(ctx, `SELECT `+newsCols+newsFrom+`WHERE n.territory_id = ? AND n.slug = ? AND n.status = 'sent'`,
		territoryID, slug))
}

func (s *Store) newsValidate(ctx context.Context, territoryID int64, in *NewsletterInput) (int64, *int64, error) {
	f := errs.Fields{}
	in.Subject = clean(in.Subject)
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	switch {
	case in.Subject == "":
		f.Add("subject", "errors.required")
	case tooLong(in.Subject, 150):
		f.Add("subject", "errors.comms_news_subject_long")
	}
	if tooLong(in.Body, 50000) {
		f.Add("body", "errors.comms_news_body_long")
	}
	listID, _ := strconv.ParseInt(strings.TrimSpace(in.ListID), 10, 64)
	if listID <= 0 {
		f.Add("list", "errors.comms_news_list")
	} else if l, err := s.MailingList(ctx, territoryID, listID); err != nil || l.ArchivedAt != nil {
		if err != nil && !errs.Is(err, errs.NotFound) {
			return 0, nil, err
		}
		f.Add("list", "errors.comms_news_list")
	}
	var camp *int64
	if c := strings.TrimSpace(in.Campaign); c != "" {
		id, _ := strconv.ParseInt(c, 10, 64)
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM comms_campaigns WHERE territory_id = ? AND id = ?`, territoryID, id).Scan(&n); err != nil {
			return 0, nil, err
		}
		if n == 0 {
			f.Add("campaign", "errors.comms_news_campaign")
		}
		camp = &id
	}
	return listID, camp, f.Err()
}

// CreateNewsletter adds a draft.
func (s *Store) CreateNewsletter(ctx context.Context, territoryID, userID int64, in NewsletterInput) (Newsletter, error) {
	listID, camp, err := s.newsValidate(ctx, territoryID, &in)
	if err != nil {
		return Newsletter{}, err
	}
	var by *int64
	if userID > 0 {
		by = &userID
	}
	var id int64
	now := s.now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		base := i18n.Slug(in.Subject, 60)
		if base == "" {
			base = "infolettre"
		}
		slug := base
		for i := 2; ; i++ {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM comms_newsletters WHERE territory_id = ? AND slug = ?`, territoryID, slug).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				break
			}
			slug = base + "-" + strconv.Itoa(i)
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO comms_newsletters (territory_id, list_id, campaign_id, slug, subject, body, status,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`,
			territoryID, listID, camp, slug, in.Subject, in.Body, by, now, now)
		return err
	})
	if err != nil {
		return Newsletter{}, err
	}
	return s.Newsletter(ctx, territoryID, id)
}

// UpdateNewsletter changes a draft (a scheduled one goes back to draft:
// its date is to be chosen again after the change).
func (s *Store) UpdateNewsletter(ctx context.Context, territoryID, id int64, in NewsletterInput) error {
	n, err := s.Newsletter(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if n.Status != NewsDraft && n.Status != NewsScheduled {
		return errs.New(errs.Conflict, "errors.comms_news_not_draft")
	}
	listID, camp, err := s.newsValidate(ctx, territoryID, &in)
	if err != nil {
		return err
	}
	res, err := s.db.Exec(ctx, `UPDATE comms_newsletters SET subject = ?, body = ?, list_id = ?, campaign_id = ?, status = 'draft',
		scheduled_at = NULL, updated_at = ? WHERE territory_id = ? AND id = ? AND status IN ('draft', 'scheduled')`,
		in.Subject, in.Body, listID, camp, s.now(), territoryID, id)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return errs.New(errs.Conflict, "errors.comms_news_not_draft")
	}
	return nil
}

// ---- Blocks and rendering --------------------------------------------------

// newsBlock is a block a newsletter's body names on a line of its own:
// [[evenement:slug]], [[benevolat:slug]] or [[recit:slug]].
var newsBlock = regexp.MustCompile(`(?m)^[ \t]*\[\[(evenement|benevolat|recit):([a-z0-9-]{1,120})\]\][ \t]*$`)

// NewsBlock is the shortcode of a block: what the composer's buttons add.
func NewsBlock(kind, slug string) string { return "[[" + kind + ":" + slug + "]]" }

// newsExpand replaces each block by its title, date, place and link as
// they are now, in lang; a block whose record is gone, unpublished or
// withdrawn is left out, and so is a story that does not show in a
// newsletter today (Story.Hidden at NewsletterScope: a draft, a consent
// withdrawn, ended or not covering the web).
func (s *Store) newsExpand(ctx context.Context, t territory.Territory, body, lang string) string {
	loc := t.Location()
	return newsBlock.ReplaceAllStringFunc(body, func(m string) string {
		parts := newsBlock.FindStringSubmatch(m)
		kind, slug := parts[1], parts[2]
		switch kind {
		case "evenement":
			if s.events == nil {
				return ""
			}
			ev, err := s.events.BySlug(ctx, t.ID, slug)
			if err != nil || ev.CancelledAt != nil || (ev.PublishAt != nil && ev.PublishAt.After(s.now())) || ev.PublishAt == nil {
				return ""
			}
			where := ev.PlaceName
			if ev.VenueName != "" {
				where = ev.VenueName + ", " + where
			}
			return newsCard(ev.Name(s.cat, lang, loc), s.baseURL+"/evenements/"+ev.Slug, i18n.DateTime(lang, ev.StartsAt.In(loc)), where)
		case "benevolat":
			if s.volunteering == nil {
				return ""
			}
			o, err := s.volunteering.OpportunityBySlug(ctx, t.ID, slug)
			if err != nil {
				return ""
			}
			when := ""
			if o.StartsAt != nil {
				when = i18n.DateTime(lang, o.StartsAt.In(loc))
			}
			return newsCard(o.Title, s.baseURL+"/s-impliquer/offres/"+o.Slug, when, o.PlaceName)
		default:
			// The one rule of stories, for the newsletter's scope.
			list, err := s.storiesShowing(ctx, t.ID, NewsletterScope, `s.slug = ?`, slug)
			if err != nil || len(list) != 1 {
				return ""
			}
			st := list[0]
			return newsCard(st.Title, s.baseURL+st.Path(), st.Summary, st.PlaceName)
		}
	})
}

// newsCard is a block in Markdown: the title as a link, then its details.
func newsCard(title, link, when, where string) string {
	esc := strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `*`, `\*`, `_`, `\_`, "<", "&lt;", "`", "\\`")
	var b strings.Builder
	fmt.Fprintf(&b, "**[%s](%s)**", esc.Replace(title), link)
	var details []string
	for _, d := range []string{when, where} {
		if d = clean(d); d != "" {
			details = append(details, esc.Replace(d))
		}
	}
	if len(details) > 0 {
		b.WriteString("  \n" + strings.Join(details, " · "))
	}
	return b.String()
}

// NewsRendered is a newsletter's body ready to show or send.
type NewsRendered struct {
	HTML template.HTML
	// Text is the plain-text alternative: the Markdown with its blocks.
	Text string
}

// RenderNewsletter renders body (a newsletter's, or the one being
// composed) with its blocks as they are now, through the one Markdown
// renderer.
func (s *Store) RenderNewsletter(ctx context.Context, territoryID int64, body, lang string) (NewsRendered, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return NewsRendered{}, err
	}
	return s.newsRender(ctx, t, body, lang), nil
}

func (s *Store) newsRender(ctx context.Context, t territory.Territory, body, lang string) NewsRendered {
	md := s.newsExpand(ctx, t, body, lang)
	return NewsRendered{HTML: Markdown(md), Text: md}
}

// NewsBlockChoice is something the composer can add as a block.
type NewsBlockChoice struct {
	Code  string
	Label string
}

// NewsBlockChoices are the events to come, the open opportunities and the
// published stories the composer offers to add.
func (s *Store) NewsBlockChoices(ctx context.Context, territoryID int64, lang string) (evs, opps, stories []NewsBlockChoice, err error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return nil, nil, nil, err
	}
	if s.events != nil {
		list, err := s.events.List(ctx, territoryID, newsUpcoming(s.now()))
		if err != nil {
			return nil, nil, nil, err
		}
		for _, ev := range list {
			evs = append(evs, NewsBlockChoice{Code: NewsBlock("evenement", ev.Slug),
				Label: ev.Name(s.cat, lang, t.Location()) + " — " + i18n.Date(lang, ev.StartsAt.In(t.Location()))})
		}
	}
	if s.volunteering != nil {
		list, err := s.volunteering.Opportunities(ctx, territoryID, newsOpenOpportunities())
		if err != nil {
			return nil, nil, nil, err
		}
		for _, o := range list {
			opps = append(opps, NewsBlockChoice{Code: NewsBlock("benevolat", o.Slug), Label: o.Title})
		}
	}
	list, err := s.storiesShowing(ctx, territoryID, NewsletterScope, `1 = 1 ORDER BY s.published_at DESC, s.id DESC LIMIT 30`)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, st := range list {
		stories = append(stories, NewsBlockChoice{Code: NewsBlock("recit", st.Slug), Label: st.Title})
	}
	return evs, opps, stories, nil
}

// ---- Test, schedule, send --------------------------------------------------

// SendNewsletterTest e-mails the newsletter once to an address staff typed, its
// subject marked [TEST]; its unsubscribe link leads nowhere.
func (s *Store) SendNewsletterTest(ctx context.Context, territoryID, id int64, to string) error {
	n, err := s.Newsletter(ctx, territoryID, id)
	if err != nil {
		return err
	}
	addr, ok := subAddress(to)
	if !ok {
		f := errs.Fields{}
		f.Add("test_to", "errors.comms_news_test_to")
		return f.Err()
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return err
	}
	msg := s.newsMessage(ctx, t, n, s.newsRender(ctx, t, n.Body, "fr"), addr, "fr", "")
	msg.Subject = "[TEST] " + msg.Subject
	msg.Limit = mail.Limit{Key: "comms-news-test:" + strconv.FormatInt(id, 10), Max: 30, Per: time.Hour}
	_, err = s.mailer.Queue(ctx, territoryID, msg)
	return err
}

// NewsScheduleInput is the day and time staff choose, in the territory's zone.
type NewsScheduleInput struct {
	Day   string
	Clock string
}

// ScheduleNewsletter sets a draft to go at a day and time to come.
func (s *Store) ScheduleNewsletter(ctx context.Context, territoryID, id int64, in NewsScheduleInput) error {
	n, err := s.Newsletter(ctx, territoryID, id)
	if err != nil {
		return err
	}
	_, loc, err := s.today(ctx, territoryID)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	day := calendar.Happening(s.now()).Parse(f, "day", in.Day, true)
	h, m, ok := calendar.ParseClock(in.Clock)
	if !ok {
		f.Add("clock", "errors.comms_news_clock")
	}
	if err := f.Err(); err != nil {
		return err
	}
	at := time.Date(day.Year, day.Month, day.Day, h, m, 0, 0, loc).UTC()
	if !at.After(s.now()) {
		f.Add("day", "errors.comms_news_past")
		return f.Err()
	}
	if n.Status != NewsDraft && n.Status != NewsScheduled {
		return errs.New(errs.Conflict, "errors.comms_news_not_draft")
	}
	if err := s.newsRequireReach(ctx, n.ListID); err != nil {
		return err
	}
	if err := s.newsRequireSender(ctx, territoryID); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE comms_newsletters SET status = 'scheduled', scheduled_at = ?, updated_at = ?
		WHERE territory_id = ? AND id = ? AND status IN ('draft', 'scheduled')`, at, s.now(), territoryID, id)
	return err
}

// UnscheduleNewsletter takes a scheduled newsletter back to draft.
func (s *Store) UnscheduleNewsletter(ctx context.Context, territoryID, id int64) error {
	if _, err := s.Newsletter(ctx, territoryID, id); err != nil {
		return err
	}
	res, err := s.db.Exec(ctx, `UPDATE comms_newsletters SET status = 'draft', scheduled_at = NULL, updated_at = ?
		WHERE territory_id = ? AND id = ? AND status = 'scheduled'`, s.now(), territoryID, id)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return errs.New(errs.Conflict, "errors.comms_news_not_scheduled")
	}
	return nil
}

// newsRequireSender refuses to send for a territory whose messages could
// not name the sender's mailing address and a contact, as CASL requires.
func (s *Store) newsRequireSender(ctx context.Context, territoryID int64) error {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return err
	}
	if strings.TrimSpace(t.MailingAddress) == "" || strings.TrimSpace(t.ContactEmail) == "" {
		return errs.New(errs.Conflict, "errors.comms_news_no_sender")
	}
	return nil
}

// newsRequireReach refuses a list no newsletter would reach.
func (s *Store) newsRequireReach(ctx context.Context, listID int64) error {
	var k int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM comms_subscriptions s JOIN comms_subscribers b ON b.id = s.subscriber_id
		WHERE s.list_id = ? AND `+subMailable, listID, s.now()).Scan(&k); err != nil {
		return err
	}
	if k == 0 {
		f := errs.Fields{}
		f.Add("list", "errors.comms_news_empty_list")
		return f.Err()
	}
	return nil
}

// SendNewsletterNow starts sending a draft or scheduled newsletter at once.
func (s *Store) SendNewsletterNow(ctx context.Context, territoryID, id int64) error {
	n, err := s.Newsletter(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if n.Status != NewsDraft && n.Status != NewsScheduled {
		return errs.New(errs.Conflict, "errors.comms_news_not_draft")
	}
	if err := s.newsRequireReach(ctx, n.ListID); err != nil {
		return err
	}
	if err := s.newsRequireSender(ctx, territoryID); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.newsStart(ctx, tx, n.ID, n.ListID, "'draft', 'scheduled'")
		if err == nil && !ok {
			err = errs.New(errs.Conflict, "errors.comms_news_not_draft")
		}
		return err
	})
}

// newsStart makes the deliveries of a newsletter — one per subscriber the
// list reaches now — and queues its sending, if its status is still one of
// from; it reports whether it did.
func (s *Store) newsStart(ctx context.Context, tx *db.Tx, id, listID int64, from string) (bool, error) {
	now := s.now()
	res, err := tx.Exec(ctx, `UPDATE comms_newsletters SET status = 'sending', started_at = ?, updated_at = ?
		WHERE id = ? AND status IN (`+from+`)`, now, now, id)
	if err != nil {
		return false, err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return false, nil
	}
	res, err = tx.Exec(ctx, `INSERT INTO comms_deliveries (newsletter_id, subscriber_id, status)
		SELECT ?, s.subscriber_id, 'pending' FROM comms_subscriptions s JOIN comms_subscribers b ON b.id = s.subscriber_id
		WHERE s.list_id = ? AND `+subMailable, id, listID, now)
	if err != nil {
		return false, err
	}
	k, _ := res.RowsAffected()
	if _, err := tx.Exec(ctx, `UPDATE comms_newsletters SET recipients = ? WHERE id = ?`, k, id); err != nil {
		return false, err
	}
	if s.jobs == nil {
		return true, nil
	}
	return true, s.jobs.Enqueue(ctx, tx, NewsSendArgs{NewsletterID: id})
}

// StartDueNewsletters starts the scheduled newsletters whose time has come; it
// returns how many it started. Running it twice starts nothing twice.
func (s *Store) StartDueNewsletters(ctx context.Context) (int, error) {
	rows, err := s.db.Query(ctx, `SELECT id, list_id FROM comms_newsletters WHERE status = 'scheduled' AND scheduled_at <= ?`, s.now())
	if err != nil {
		return 0, err
	}
	var due [][2]int64
	for rows.Next() {
		var x [2]int64
		if err := rows.Scan(&x[0], &x[1]); err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, x := range due {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			ok, err := s.newsStart(ctx, tx, x[0], x[1], "'scheduled'")
			if ok {
				n++
			}
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// NewsPace is how fast a newsletter goes out.
type NewsPace struct {
	// PerSecond is the most messages sent in a second (0: no pause).
	PerSecond float64
	// Batch is the most messages one job run sends (0: 50).
	Batch int
}

// DefaultNewsPace sends five messages a second, fifty per job run.
var DefaultNewsPace = NewsPace{PerSecond: 5, Batch: 50}

// SendNewsletterBatch sends up to pace.Batch of a newsletter's deliveries that are
// due, one at a time, pausing to keep pace. Each is claimed first (an
// atomic update only one job wins), sent, then marked: a delivery sent is
// never sent again, and one whose claim was left by a crash is tried
// again once the claim is stale. It returns how many it handled and
// whether some are still due now. When none are left waiting, the
// newsletter is marked sent.
func (s *Store) SendNewsletterBatch(ctx context.Context, id int64, pace NewsPace) (handled int, more bool, err error) {
	var n Newsletter
	n, err = newsScan(s.db.QueryRow(ctx, `SELECT `+newsCols+newsFrom+`WHERE n.id = ?`, id))
	if err != nil {
		return 0, false, err
	}
	if n.Status != NewsSending {
		return 0, false, nil
	}
	t, err := s.territories.ByID(ctx, n.TerritoryID)
	if err != nil {
		return 0, false, err
	}
	if err := s.links.Load(ctx); err != nil {
		return 0, false, err
	}
	batch := pace.Batch
	if batch <= 0 {
		batch = 50
	}
	now := s.now()
	rows, err := s.db.Query(ctx, `SELECT d.subscriber_id, d.status, d.attempts, b.email, b.lang, b.nonce
		FROM comms_deliveries d JOIN comms_subscribers b ON b.id = d.subscriber_id
		WHERE d.newsletter_id = ? AND (d.status = 'pending' OR (d.status = 'retry' AND d.next_at <= ?)
			OR (d.status = 'sending' AND d.next_at < ?))
		ORDER BY d.subscriber_id LIMIT ?`, id, now, now.Add(-DeliveryClaimTimeout), batch+1)
	if err != nil {
		return 0, false, err
	}
	type due struct {
		sub                int64
		status             string
		attempts           int
		email, lang, nonce string
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.sub, &d.status, &d.attempts, &d.email, &d.lang, &d.nonce); err != nil {
			rows.Close()
			return 0, false, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, err
	}
	if len(list) > batch {
		list, more = list[:batch], true
	}
	rendered := map[string]NewsRendered{}
	var gap time.Duration
	if pace.PerSecond > 0 {
		gap = time.Duration(float64(time.Second) / pace.PerSecond)
	}
	last := time.Time{}
	for _, d := range list {
		if ctx.Err() != nil {
			return handled, true, nil
		}
		// The claim.
		res, err := s.db.Exec(ctx, `UPDATE comms_deliveries SET status = 'sending', next_at = ?
			WHERE newsletter_id = ? AND subscriber_id = ? AND status = ? AND attempts = ?`, s.now(), id, d.sub, d.status, d.attempts)
		if err != nil {
			return handled, false, err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			continue // another job has it
		}
		lang := d.lang
		if lang != "en" {
			lang = "fr"
		}
		r, ok := rendered[lang]
		if !ok {
			r = s.newsRender(ctx, t, n.Body, lang)
			if r, err = s.newsTracked(ctx, t, n, r); err != nil {
				return handled, false, err
			}
			rendered[lang] = r
		}
		tok, err := s.links.Token(d.nonce)
		if err != nil {
			return handled, false, err
		}
		if gap > 0 && !last.IsZero() {
			if wait := gap - time.Since(last); wait > 0 {
				select {
				case <-ctx.Done():
				case <-time.After(wait):
				}
			}
		}
		last = time.Now()
		if err := s.deliverySend(ctx, t, n, r, d.sub, d.email, lang, tok, d.attempts); err != nil {
			return handled, false, err
		}
		handled++
	}
	if !more {
		if err := s.newsFinish(ctx, id); err != nil {
			return handled, false, err
		}
	}
	return handled, more, nil
}

// deliver sends one message and writes what came of it.
func (s *Store) deliverySend(ctx context.Context, t territory.Territory, n Newsletter, r NewsRendered, sub int64, email, lang, tok string, attempts int) error {
	wctx := context.WithoutCancel(ctx)
	if s.sender == nil {
		_, err := s.db.Exec(wctx, `UPDATE comms_deliveries SET status = 'kept', attempts = attempts + 1, sent_at = ?
			WHERE newsletter_id = ? AND subscriber_id = ? AND status = 'sending'`, s.now(), n.ID, sub)
		return err
	}
	msg := s.newsMessage(ctx, t, n, r, email, lang, tok)
	msg.From = s.from
	sendErr := s.sender.Send(ctx, msg)
	if sendErr == nil {
		_, err := s.db.Exec(wctx, `UPDATE comms_deliveries SET status = 'sent', attempts = attempts + 1, last_error = '', sent_at = ?
			WHERE newsletter_id = ? AND subscriber_id = ? AND status = 'sending'`, s.now(), n.ID, sub)
		return err
	}
	code := deliveryCode(sendErr)
	if mail.IsPermanent(sendErr) {
		return s.db.InTx(wctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(wctx, `UPDATE comms_deliveries SET status = 'bounced', attempts = attempts + 1, last_error = ?
				WHERE newsletter_id = ? AND subscriber_id = ? AND status = 'sending'`, code, n.ID, sub); err != nil {
				return err
			}
			if _, err := tx.Exec(wctx, `UPDATE comms_subscribers SET bounced_at = ? WHERE id = ?`, s.now(), sub); err != nil {
				return err
			}
			list := n.ListID
			return s.subLog(wctx, tx, t.ID, sub, &list, LogBounced, "smtp "+code, "")
		})
	}
	attempts++
	if attempts >= DeliveryAttempts {
		_, err := s.db.Exec(wctx, `UPDATE comms_deliveries SET status = 'failed', attempts = ?, last_error = ?
			WHERE newsletter_id = ? AND subscriber_id = ? AND status = 'sending'`, attempts, code, n.ID, sub)
		return err
	}
	// 1, 2, 4, 8 minutes…
	next := s.now().Add(time.Minute << (attempts - 1))
	_, err := s.db.Exec(wctx, `UPDATE comms_deliveries SET status = 'retry', attempts = ?, last_error = ?, next_at = ?
		WHERE newsletter_id = ? AND subscriber_id = ? AND status = 'sending'`, attempts, code, next, n.ID, sub)
	return err
}

// deliveryCode describes a failure without the server's words (they may
// hold the address).
func deliveryCode(err error) string {
	for _, f := range strings.Fields(err.Error()) {
		if len(f) == 3 && (f[0] == '4' || f[0] == '5') {
			if _, e := strconv.Atoi(f); e == nil {
				return f
			}
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	return "error"
}

// newsFinish marks a newsletter sent when nothing of it waits any more; it
// then shows in the public archive, so the territory's pages version rises.
func (s *Store) newsFinish(ctx context.Context, id int64) error {
	ctx = context.WithoutCancel(ctx)
	res, err := s.db.Exec(ctx, `UPDATE comms_newsletters SET status = 'sent', sent_at = ?, updated_at = ?
		WHERE id = ? AND status = 'sending' AND NOT EXISTS (SELECT 1 FROM comms_deliveries d WHERE d.newsletter_id = ?
			AND d.status IN ('pending', 'sending', 'retry'))`, s.now(), s.now(), id, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 || s.territories == nil {
		return nil
	}
	var territoryID int64
	if err := s.db.QueryRow(ctx, `SELECT territory_id FROM comms_newsletters WHERE id = ?`, id).Scan(&territoryID); err != nil {
		return err
	}
	return s.territories.BumpPagesVersion(ctx, territoryID)
}

// newsMessage is the message of a newsletter to one address: text and
// HTML, the sender named with the territory's mailing address and
// contact, the unsubscribe link in the body and in List-Unsubscribe (RFC
// 8058 one-click), and List-Id. No tracking pixel.
func (s *Store) newsMessage(ctx context.Context, t territory.Territory, n Newsletter, r NewsRendered, to, lang, tok string) mail.Message {
	unsub := s.baseURL + "/infolettre/desabonnement/" + tok
	var secrets []string
	if tok == "" {
		// A test: the link shows where the subscriber's own will be.
		unsub += "essai"
	} else {
		secrets = []string{tok}
	}
	who := t.OperatorName
	if who == "" {
		who = t.Name
	}
	contact := t.ContactEmail
	var lines []string
	lines = append(lines, who)
	if t.MailingAddress != "" {
		lines = append(lines, t.MailingAddress)
	}
	if contact != "" {
		lines = append(lines, contact)
	}
	if t.ContactPhone != "" {
		lines = append(lines, i18n.Phone(lang, t.ContactPhone))
	}
	why := s.cat.T(lang, "comms.news.mail_why", n.ListName)
	unsubText := s.cat.T(lang, "comms.news.mail_unsubscribe")
	archive := s.baseURL + "/infolettre/archives/" + n.Slug
	text := r.Text + "\n\n-- \n" + strings.Join(lines, "\n") + "\n\n" + why + "\n" + unsubText + " : " + unsub + "\n"
	if lang == "en" {
		text = strings.Replace(text, unsubText+" : ", unsubText+": ", 1)
	}
	esc := template.HTMLEscapeString
	var h strings.Builder
	h.WriteString(`<!DOCTYPE html><html lang="` + lang + `"><head><meta charset="utf-8"><title>` + esc(n.Subject) + `</title></head>`)
	h.WriteString(`<body style="font-family:sans-serif;line-height:1.5;max-width:40em;margin:auto;padding:1em;color:#1a1a1a">`)
	h.WriteString(`<p style="font-size:.9em"><a href="` + esc(archive) + `">` + esc(s.cat.T(lang, "comms.news.mail_online")) + `</a></p>`)
	h.WriteString(string(r.HTML))
	h.WriteString(`<hr><footer style="font-size:.9em"><p>`)
	for i, l := range lines {
		if i > 0 {
			h.WriteString("<br>")
		}
		h.WriteString(esc(l))
	}
	h.WriteString(`</p><p>` + esc(why) + `</p><p><a href="` + esc(unsub) + `">` + esc(unsubText) + `</a></p></footer></body></html>`)
	host := "implique.local"
	if u, err := url.Parse(s.baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	headers := map[string]string{
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"List-Id":               newsListID(n.ListName, n.ListID, t.Slug, host),
	}
	if contact != "" {
		headers["List-Unsubscribe"] = "<" + unsub + ">, <mailto:" + contact + "?subject=unsubscribe>"
	} else {
		headers["List-Unsubscribe"] = "<" + unsub + ">"
	}
	return mail.Message{To: to, Subject: n.Subject, Text: text, HTML: h.String(), Headers: headers, Secrets: secrets}
}

// newsListID is the List-Id of a list (RFC 2919): its name in ASCII, and
// an identifier under the instance's host.
func newsListID(name string, id int64, territorySlug, host string) string {
	phrase := strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 32 || r > 126 {
			return -1
		}
		return r
	}, i18n.ASCIIFold(name))
	return `"` + strings.TrimSpace(phrase) + `" <liste-` + strconv.FormatInt(id, 10) + "." + territorySlug + "." + host + ">"
}

// ---- Jobs --------------------------------------------------------------------

// NewsSendArgs is the job that sends a newsletter's deliveries, a batch at
// a time.
type NewsSendArgs struct {
	NewsletterID int64 `json:"newsletter_id"`
}

// Kind names the job.
func (NewsSendArgs) Kind() string { return "comms_newsletter_send" }

// NewsSendWorker sends a batch, then queues the next job while more are due.
type NewsSendWorker struct {
	river.WorkerDefaults[NewsSendArgs]
	store func() *Store
	pace  NewsPace
}

// NewNewsSendWorker returns the sending worker at pace. The store is given
// as a function because it is built after the job runner.
func NewNewsSendWorker(store func() *Store, pace NewsPace) *NewsSendWorker {
	return &NewsSendWorker{store: store, pace: pace}
}

// Work sends one batch.
func (w *NewsSendWorker) Work(ctx context.Context, job *river.Job[NewsSendArgs]) error {
	s := w.store()
	_, more, err := s.SendNewsletterBatch(ctx, job.Args.NewsletterID, w.pace)
	if err != nil || !more || s.jobs == nil {
		return err
	}
	return s.db.InTx(context.WithoutCancel(ctx), func(tx *db.Tx) error {
		return s.jobs.Enqueue(ctx, tx, NewsSendArgs{NewsletterID: job.Args.NewsletterID})
	})
}

// NewsDueArgs is the periodic job that starts the scheduled newsletters
// whose time has come and resumes any sending left unfinished (a crash, a
// retry whose time has come).
type NewsDueArgs struct{}

// Kind names the job.
func (NewsDueArgs) Kind() string { return "comms_newsletter_due" }

// NewsDueWorker runs NewsDueArgs.
type NewsDueWorker struct {
	river.WorkerDefaults[NewsDueArgs]
	store func() *Store
	pace  NewsPace
}

// NewNewsDueWorker returns the periodic worker.
func NewNewsDueWorker(store func() *Store, pace NewsPace) *NewsDueWorker {
	return &NewsDueWorker{store: store, pace: pace}
}

// Work starts what is due, then sends a batch of each newsletter under way.
func (w *NewsDueWorker) Work(ctx context.Context, _ *river.Job[NewsDueArgs]) error {
	s := w.store()
	if _, err := s.StartDueNewsletters(ctx); err != nil {
		return err
	}
	return s.ResumeNewsletters(ctx, w.pace)
}

// ResumeNewsletters sends a batch of every newsletter still being sent.
func (s *Store) ResumeNewsletters(ctx context.Context, pace NewsPace) error {
	rows, err := s.db.Query(ctx, `SELECT id FROM comms_newsletters WHERE status = 'sending' ORDER BY id`)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, _, err := s.SendNewsletterBatch(ctx, id, pace); err != nil {
			return err
		}
	}
	return nil
}

// newsUpcoming are the published events of the next six months.
func newsUpcoming(now time.Time) events.Filter {
	return events.Filter{From: now, To: now.AddDate(0, 6, 0), PublicOnly: true, Limit: 40}
}

// newsOpenOpportunities are the opportunities people may still apply to.
func newsOpenOpportunities() volunteering.Filter {
	return volunteering.Filter{OpenOnly: true, Limit: 40}
}

// NewsCampaign is a campaign a newsletter may belong to.
type NewsCampaign struct {
	ID    int64
	Theme string
}

// NewsCampaigns are the campaigns not archived, the latest first.
func (s *Store) NewsCampaigns(ctx context.Context, territoryID int64) ([]NewsCampaign, error) {
	rows, err := s.db.Query(ctx, `SELECT id, theme FROM comms_campaigns WHERE territory_id = ? AND archived_at IS NULL
		ORDER BY starts_on DESC, id DESC`, territoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NewsCampaign
	for rows.Next() {
		var c NewsCampaign
		if err := rows.Scan(&c.ID, &c.Theme); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RecordNewsletterSent records a draft as sent by other means (an issue
// that went out through the previous mailing tool, kept for the archive):
// its deliveries — one per subscriber the list reaches now — are marked
// sent at the store's clock, and no e-mail leaves.
func (s *Store) RecordNewsletterSent(ctx context.Context, territoryID, id int64) error {
	n, err := s.Newsletter(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if n.Status != NewsDraft {
		return errs.New(errs.Conflict, "errors.comms_news_not_draft")
	}
	if err := s.newsRequireReach(ctx, n.ListID); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO comms_deliveries (newsletter_id, subscriber_id, status, attempts, sent_at)
			SELECT ?, s.subscriber_id, 'sent', 1, ? FROM comms_subscriptions s JOIN comms_subscribers b ON b.id = s.subscriber_id
			WHERE s.list_id = ? AND `+subMailable, id, now, n.ListID, now)
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		_, err = tx.Exec(ctx, `UPDATE comms_newsletters SET status = 'sent', started_at = ?, sent_at = ?, recipients = ?, updated_at = ?
			WHERE id = ? AND status = 'draft'`, now, now, k, now, id)
		return err
	})
}
