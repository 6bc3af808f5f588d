package comms

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/privacy"
)

// The communications as the privacy centre sees them.
//
// A newsletter subscriber is an address, a first name and a language; their
// subscriptions, the newsletters delivered to them, and the proof of each
// consent and unsubscription (CASL) name the subscriber. Erasing a
// subscriber unsubscribes them from every list and anonymises the row —
// the address becomes a non-address, the name is blanked — so that the
// proof stays without the address: CASL asks us to prove that every
// unsubscription was honoured, and counts of subscribers and deliveries
// stay true; nothing in it names the person any more.
//
// Story consents name the person as staff typed it and, when the person
// gave them, their e-mail and phone: by these the privacy centre finds
// them, lists each one (what, where, until when, the wording, the date),
// withdraws one from « Mes données » as staff would on the story's page
// (the story comes down everywhere), and an erasure withdraws them and
// removes the name and the contact (the consent's dates and wording stay,
// naming nobody, as proof of what was agreed). The stories themselves —
// their text and pictures — are listed in the inventory: they may show
// people, who are found through their consents.
//
// A content calendar feed belongs to a member of staff's account.

const (
	catSubscribers  = "comms.subscribers"
	catConsentLog   = "comms.consent_log"
	catStories      = "comms.story_consents"
	catFeeds        = "comms.calendar_feeds"
	catStoryTexts   = "comms.stories"
	rulePending     = "comms.pending"
	ruleBounced     = "comms.bounced"
	ruleEnded       = "comms.ended"
	erasedSubPrefix = "erased-"
)

// Inventory says what the communications keep about people.
func (s *Store) Inventory() []privacy.Category {
	return []privacy.Category{
		{Key: catSubscribers, Columns: []string{"comms_subscribers.email", "comms_subscribers.name", "comms_subscribers.lang",
			"comms_subscribers.bounced_at", "comms_subscriptions.subscriber_id", "comms_deliveries.subscriber_id"}, Rule: ruleEnded},
		{Key: catConsentLog, Columns: []string{"comms_consent_log.subscriber_id"}},
		{Key: catStories, Columns: []string{"comms_story_consents.person", "comms_story_consents.email", "comms_story_consents.phone",
			"comms_story_consents.phone_key"}},
		{Key: catStoryTexts, Columns: []string{"comms_stories.title", "comms_stories.summary", "comms_stories.body", "comms_images.data",
			"comms_images.alt"}},
		{Key: catFeeds, Columns: []string{"comms_calendar_feeds.user_id"}},
	}
}

// Retention lists the communications' rules: a subscription never
// confirmed is destroyed 30 days after it was asked; an address that
// bounced is anonymised two years after; a subscriber whose every
// subscription ended (unsubscribed, or implied consent run out) is
// anonymised three years after the last one ended (the proof stays).
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{
		{Key: rulePending, Days: 30, Action: privacy.Destroy},
		{Key: ruleBounced, Days: 730, Action: privacy.Anonymise},
		{Key: ruleEnded, Days: 1095, Action: privacy.Anonymise},
	}
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// subjectSubscribers are the subscribers of the subject's addresses.
func subjectSubscribers(ctx context.Context, q db.Querier, sub privacy.Subject) ([]int64, error) {
	if len(sub.Emails) == 0 {
		return nil, nil
	}
	args := []any{sub.TerritoryID}
	for _, e := range sub.Emails {
		args = append(args, e)
	}
	var ids []int64
	err := db.Each(ctx, q, `SELECT id FROM comms_subscribers WHERE territory_id = ? AND lower(email) IN (`+db.Marks(len(sub.Emails))+`)
		ORDER BY id`, args, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// Find lists the subject's subscriber rows, subscriptions, deliveries,
// proof of consent and calendar feed.
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	ids, err := subjectSubscribers(ctx, q, sub)
	if err != nil {
		return nil, err
	}
	var out []privacy.Record
	for _, id := range ids {
		err := db.Each(ctx, q, `SELECT email, name, lang, bounced_at, created_at FROM comms_subscribers WHERE id = ?`, []any{id},
			func(r *sql.Rows) error {
				var email, name, lang string
				var bounced *time.Time
				var created time.Time
				if err := r.Scan(&email, &name, &lang, db.ScanNullTime(&bounced), db.ScanTime(&created)); err != nil {
					return err
				}
				fields := []privacy.Field{{Name: "email", Value: email}, {Name: "name", Value: name}, {Name: "lang", Value: lang},
					{Name: "created_at", Value: rfc(created)}}
				if bounced != nil {
					fields = append(fields, privacy.Field{Name: "comms.bounced_at", Value: rfc(*bounced)})
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "comms_subscribers", ID: id}, Category: catSubscribers,
					Label: "Abonné·e aux infolettres\u00a0: " + email, When: created, Fields: fields})
				return nil
			})
		if err != nil {
			return nil, err
		}
		err = db.Each(ctx, q, `SELECT x.id, l.name, x.status, x.basis, x.source, x.requested_at, x.confirmed_at, x.implied_until,
			x.unsubscribed_at FROM comms_subscriptions x JOIN comms_lists l ON l.id = x.list_id WHERE x.subscriber_id = ? ORDER BY x.id`,
			[]any{id}, func(r *sql.Rows) error {
				var xid int64
				var list, status, basis, source string
				var requested time.Time
				var confirmed, until, unsub *time.Time
				if err := r.Scan(&xid, &list, &status, &basis, &source, db.ScanTime(&requested), db.ScanNullTime(&confirmed),
					db.ScanNullTime(&until), db.ScanNullTime(&unsub)); err != nil {
					return err
				}
				fields := []privacy.Field{{Name: "comms.list", Value: list}, {Name: "status", Value: status},
					{Name: "comms.basis", Value: basis}, {Name: "comms.source", Value: source}, {Name: "comms.requested_at", Value: rfc(requested)}}
				for _, t := range []struct {
					name string
					at   *time.Time
				}{{"comms.confirmed_at", confirmed}, {"comms.implied_until", until}, {"comms.unsubscribed_at", unsub}} {
					if t.at != nil {
						fields = append(fields, privacy.Field{Name: t.name, Value: rfc(*t.at)})
					}
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "comms_subscriptions", ID: xid}, Category: catSubscribers,
					Label: "Abonnement\u00a0: " + list, When: requested, Fields: fields})
				return nil
			})
		if err != nil {
			return nil, err
		}
		err = db.Each(ctx, q, `SELECT n.subject, d.status, d.sent_at FROM comms_deliveries d JOIN comms_newsletters n ON n.id = d.newsletter_id
			WHERE d.subscriber_id = ? ORDER BY n.id`, []any{id}, func(r *sql.Rows) error {
			var subject, status string
			var sent *time.Time
			if err := r.Scan(&subject, &status, db.ScanNullTime(&sent)); err != nil {
				return err
			}
			rec := privacy.Record{Ref: privacy.Ref{Table: "comms_deliveries", ID: id}, Category: catSubscribers,
				Label: "Infolettre reçue\u00a0: " + subject, Fields: []privacy.Field{{Name: "comms.newsletter", Value: subject},
					{Name: "status", Value: status}}}
			if sent != nil {
				rec.When = *sent
				rec.Fields = append(rec.Fields, privacy.Field{Name: "comms.sent_at", Value: rfc(*sent)})
			}
			out = append(out, rec)
			return nil
		})
		if err != nil {
			return nil, err
		}
		err = db.Each(ctx, q, `SELECT c.id, COALESCE(l.name, ''), c.action, c.how, c.wording, c.logged_at FROM comms_consent_log c
			LEFT JOIN comms_lists l ON l.id = c.list_id WHERE c.subscriber_id = ? ORDER BY c.logged_at, c.id`, []any{id},
			func(r *sql.Rows) error {
				var cid int64
				var list, action, how, wording string
				var at time.Time
				if err := r.Scan(&cid, &list, &action, &how, &wording, db.ScanTime(&at)); err != nil {
					return err
				}
				label := "Preuve de consentement\u00a0: " + action
				if list != "" {
					label += " — " + list
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "comms_consent_log", ID: cid}, Category: catConsentLog,
					Label: label, When: at, Fields: []privacy.Field{{Name: "comms.list", Value: list}, {Name: "comms.action", Value: action},
						{Name: "comms.how", Value: how}, {Name: "comms.wording", Value: wording}, {Name: "comms.logged_at", Value: rfc(at)}}})
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	consents, err := subjectStoryConsents(ctx, q, sub)
	if err != nil {
		return nil, err
	}
	for _, c := range consents {
		out = append(out, c.record())
	}
	if sub.UserID != 0 {
		err := db.Each(ctx, q, `SELECT created_at FROM comms_calendar_feeds WHERE territory_id = ? AND user_id = ?`,
			[]any{sub.TerritoryID, sub.UserID}, func(r *sql.Rows) error {
				var at time.Time
				if err := r.Scan(db.ScanTime(&at)); err != nil {
					return err
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "comms_calendar_feeds", ID: sub.UserID}, Category: catFeeds,
					Label: "Abonnement au calendrier des communications", When: at,
					Fields: []privacy.Field{{Name: "created_at", Value: rfc(at)}}})
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// anonymiseSubscriber takes a subscriber off every list (writing the proof
// of it, how: "erasure" or "retention"), stops what was still to go to
// them, and replaces their address by a non-address and blanks their name.
// It reports whether the subscriber still had their address.
func (s *Store) anonymiseSubscriber(ctx context.Context, tx *db.Tx, id int64, how string) (bool, error) {
	var territoryID int64
	var email string
	err := tx.QueryRow(ctx, `SELECT territory_id, email FROM comms_subscribers WHERE id = ?`, id).Scan(&territoryID, &email)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var lists []int64
	err = db.Each(ctx, tx, `SELECT list_id FROM comms_subscriptions WHERE subscriber_id = ? AND status <> 'unsubscribed' ORDER BY list_id`,
		[]any{id}, func(r *sql.Rows) error {
			var l int64
			if err := r.Scan(&l); err != nil {
				return err
			}
			lists = append(lists, l)
			return nil
		})
	if err != nil {
		return false, err
	}
	now := s.now()
	for _, l := range lists {
		if _, err := tx.Exec(ctx, `UPDATE comms_subscriptions SET status = 'unsubscribed', unsubscribed_at = ?, confirm_hash = NULL,
			confirm_expires_at = NULL WHERE list_id = ? AND subscriber_id = ?`, now, l, id); err != nil {
			return false, err
		}
		list := l
		if err := s.subLog(ctx, tx, territoryID, id, &list, LogUnsubscribed, how, ""); err != nil {
			return false, err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE comms_subscriptions SET confirm_hash = NULL, confirm_expires_at = NULL
		WHERE subscriber_id = ? AND confirm_hash IS NOT NULL`, id); err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, `UPDATE comms_deliveries SET status = CASE WHEN status IN ('pending', 'retry') THEN 'skipped' ELSE status END,
		last_error = '' WHERE subscriber_id = ?`, id); err != nil {
		return false, err
	}
	erased := erasedSubPrefix + strconv.FormatInt(id, 10)
	res, err := tx.Exec(ctx, `UPDATE comms_subscribers SET email = ?, name = '', nonce = '', token_hash = ? WHERE id = ? AND email <> ?`,
		erased, erased, id, erased)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// Erase anonymises the subscribers refs names (their proof of consent
// stays, without the address) and deletes the calendar feeds. The
// subscriptions, deliveries and proof go with their subscriber.
func (s *Store) Erase(ctx context.Context, tx *db.Tx, _ privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	proof, stories := 0, 0
	for _, ref := range refs {
		switch ref.Table {
		case "comms_subscribers":
			if _, err := s.anonymiseSubscriber(ctx, tx, ref.ID, "erasure"); err != nil {
				return nil, err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM comms_consent_log WHERE subscriber_id = ?`, ref.ID).Scan(&n); err != nil {
				return nil, err
			}
			proof += n
		case "comms_calendar_feeds":
			if _, err := tx.Exec(ctx, `DELETE FROM comms_calendar_feeds WHERE user_id = ?`, ref.ID); err != nil {
				return nil, err
			}
		case "comms_story_consents":
			if err := s.eraseStoryConsent(ctx, tx, ref.ID); err != nil {
				return nil, err
			}
			stories++
		}
	}
	var kept []privacy.Kept
	if proof > 0 {
		kept = append(kept, privacy.Kept{Category: catConsentLog, Reason: "privacy.kept.comms.consent_log", Count: proof})
	}
	if stories > 0 {
		kept = append(kept, privacy.Kept{Category: catStories, Reason: "privacy.kept.comms.story_consents", Count: stories})
	}
	return kept, nil
}

// pendingDue selects the subscriptions x never confirmed nor ended, asked
// before the cutoff (the second argument), in the territory (the first).
const pendingDue = `x.status = 'pending' AND x.confirmed_at IS NULL AND x.unsubscribed_at IS NULL AND x.implied_until IS NULL
	AND x.subscriber_id IN (SELECT id FROM comms_subscribers WHERE territory_id = ?) AND x.requested_at < ?`

// Expire applies one of the communications' rules before cutoff.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	cutoff = db.Time(cutoff)
	switch rule {
	case rulePending:
		return s.expirePending(ctx, tx, territoryID, cutoff)
	case ruleBounced:
		return s.anonymiseWhere(ctx, tx, `territory_id = ? AND email LIKE '%@%' AND bounced_at IS NOT NULL AND bounced_at < ?`,
			territoryID, cutoff)
	case ruleEnded:
		// Every subscription ended before cutoff: unsubscribed, or
		// confirmed on implied consent run out.
		return s.anonymiseWhere(ctx, tx, `territory_id = ? AND email LIKE '%@%'
			AND EXISTS (SELECT 1 FROM comms_subscriptions x WHERE x.subscriber_id = comms_subscribers.id)
			AND NOT EXISTS (SELECT 1 FROM comms_subscriptions x WHERE x.subscriber_id = comms_subscribers.id
				AND NOT ((x.status = 'unsubscribed' AND x.unsubscribed_at IS NOT NULL AND x.unsubscribed_at < ?)
					OR (x.status = 'confirmed' AND x.basis = 'implied' AND x.implied_until IS NOT NULL AND x.implied_until < ?)))`,
			territoryID, cutoff, cutoff)
	}
	return 0, nil
}

// expirePending destroys the subscriptions never confirmed, the record of
// their request, and the subscribers left with nothing.
func (s *Store) expirePending(ctx context.Context, tx *db.Tx, territoryID int64, cutoff time.Time) (int, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM comms_consent_log WHERE territory_id = ? AND action = 'requested' AND EXISTS (
		SELECT 1 FROM comms_subscriptions x WHERE x.subscriber_id = comms_consent_log.subscriber_id AND x.list_id = comms_consent_log.list_id
		AND `+pendingDue+`)`, territoryID, territoryID, cutoff); err != nil {
		return 0, err
	}
	res, err := tx.Exec(ctx, `DELETE FROM comms_subscriptions WHERE id IN (SELECT x.id FROM comms_subscriptions x WHERE `+pendingDue+`)`,
		territoryID, cutoff)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	const orphans = `SELECT b.id FROM comms_subscribers b WHERE b.territory_id = ? AND b.created_at < ?
		AND NOT EXISTS (SELECT 1 FROM comms_subscriptions x WHERE x.subscriber_id = b.id)
		AND NOT EXISTS (SELECT 1 FROM comms_deliveries d WHERE d.subscriber_id = b.id)`
	if _, err := tx.Exec(ctx, `DELETE FROM comms_consent_log WHERE subscriber_id IN (`+orphans+`)`, territoryID, cutoff); err != nil {
		return int(n), err
	}
	res, err = tx.Exec(ctx, `DELETE FROM comms_subscribers WHERE id IN (`+orphans+`)`, territoryID, cutoff)
	if err != nil {
		return int(n), err
	}
	m, _ := res.RowsAffected()
	return int(n + m), nil
}

// anonymiseWhere anonymises the subscribers where selects.
func (s *Store) anonymiseWhere(ctx context.Context, tx *db.Tx, where string, args ...any) (int, error) {
	var ids []int64
	err := db.Each(ctx, tx, `SELECT id FROM comms_subscribers WHERE `+where+` ORDER BY id`, args, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		ok, err := s.anonymiseSubscriber(ctx, tx, id, "retention")
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// subjectSubscription is one of the subject's subscriptions.
type subjectSubscription struct {
	id, list, subscriber int64
	listName             string
	status, basis        string
	source, wording      string
	requested            time.Time
	confirmed, until     *time.Time
	unsubscribed         *time.Time
}

func subjectSubscriptions(ctx context.Context, q db.Querier, sub privacy.Subject) ([]subjectSubscription, error) {
	ids, err := subjectSubscribers(ctx, q, sub)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var out []subjectSubscription
	err = db.Each(ctx, q, `SELECT x.id, x.list_id, x.subscriber_id, l.name, x.status, x.basis, x.source, x.wording, x.requested_at,
		x.confirmed_at, x.implied_until, x.unsubscribed_at FROM comms_subscriptions x JOIN comms_lists l ON l.id = x.list_id
		WHERE x.subscriber_id IN (`+db.Marks(len(ids))+`) ORDER BY x.id`, args, func(r *sql.Rows) error {
		var x subjectSubscription
		if err := r.Scan(&x.id, &x.list, &x.subscriber, &x.listName, &x.status, &x.basis, &x.source, &x.wording, db.ScanTime(&x.requested),
			db.ScanNullTime(&x.confirmed), db.ScanNullTime(&x.until), db.ScanNullTime(&x.unsubscribed)); err != nil {
			return err
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// Consents lists the subject's newsletter subscriptions that were
// consented to (express and confirmed, or implied), in force or withdrawn.
func (s *Store) Consents(ctx context.Context, sub privacy.Subject) ([]privacy.Consent, error) {
	subs, err := subjectSubscriptions(ctx, s.db, sub)
	if err != nil {
		return nil, err
	}
	var out []privacy.Consent
	for _, x := range subs {
		if x.confirmed == nil && x.basis == BasisExpress {
			continue // asked, never confirmed: no consent was given
		}
		c := privacy.Consent{Ref: privacy.Ref{Table: "comms_subscriptions", ID: x.id}, Purpose: privacy.Newsletter, Label: x.listName,
			Given: x.requested, Wording: x.wording}
		if x.basis == BasisExpress {
			c.Given = *x.confirmed
			c.How = "consentement exprès, confirmé par courriel"
		} else {
			c.How = "consentement tacite"
			c.Until = x.until
		}
		if x.source != "" {
			c.How += " (" + x.source + ")"
		}
		if x.status == SubUnsubscribed {
			c.Withdrawn = x.unsubscribed
		}
		out = append(out, c)
	}
	stories, err := subjectStoryConsents(ctx, s.db, sub)
	if err != nil {
		return nil, err
	}
	for _, c := range stories {
		out = append(out, c.consent())
	}
	return out, nil
}

// Withdraw unsubscribes the subject from the list of one subscription, as
// an unsubscription link does, and writes it in the proof.
func (s *Store) Withdraw(ctx context.Context, sub privacy.Subject, ref privacy.Ref) error {
	if ref.Table == "comms_story_consents" {
		return s.withdrawStoryConsent(ctx, sub, ref.ID)
	}
	if ref.Table != "comms_subscriptions" {
		return errs.New(errs.NotFound, "errors.comms_consent_not_found")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		subs, err := subjectSubscriptions(ctx, tx, sub)
		if err != nil {
			return err
		}
		for _, x := range subs {
			if x.id != ref.ID {
				continue
			}
			res, err := tx.Exec(ctx, `UPDATE comms_subscriptions SET status = 'unsubscribed', unsubscribed_at = ?, confirm_hash = NULL,
				confirm_expires_at = NULL WHERE id = ? AND status <> 'unsubscribed'`, s.now(), x.id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			list := x.list
			if err := s.subLog(ctx, tx, sub.TerritoryID, x.subscriber, &list, LogUnsubscribed, "privacy", ""); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE comms_deliveries SET status = 'skipped' WHERE subscriber_id = ? AND status IN ('pending', 'retry')
				AND newsletter_id IN (SELECT id FROM comms_newsletters WHERE list_id = ?)`, x.subscriber, x.list)
			return err
		}
		return errs.New(errs.NotFound, "errors.comms_consent_not_found")
	})
}

// Correct rewrites the first name of the subject's subscribers.
func (s *Store) Correct(ctx context.Context, tx *db.Tx, sub privacy.Subject, c privacy.Correction) (int, error) {
	name := clean(c.Name)
	if name == "" {
		return 0, nil
	}
	ids, err := subjectSubscribers(ctx, tx, sub)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, id := range ids {
		res, err := tx.Exec(ctx, `UPDATE comms_subscribers SET name = ? WHERE id = ? AND name <> ?`, name, id, name)
		if err != nil {
			return total, err
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	return total, nil
}

// subjectStoryConsent is one of the subject's story consents, with its
// story's title.
type subjectStoryConsent struct {
	Consent
	territoryID int64
	story       string
}

// subjectStoryConsents lists the consents to stories of the territory that
// the subject's e-mails or phones name.
func subjectStoryConsents(ctx context.Context, q db.Querier, sub privacy.Subject) ([]subjectStoryConsent, error) {
	cond, args := sub.Where("", "c.email", "c.phone_key")
	if cond == "" {
		return nil, nil
	}
	var out []subjectStoryConsent
	err := db.Each(ctx, q, `SELECT c.id, c.story_id, s.territory_id, s.title, c.person, c.email, c.phone, c.what, c.on_web, c.on_social,
		c.on_print, c.valid_until, c.wording, c.given_on, c.how, c.recorded_at, c.withdrawn_at, c.withdrawn_how
		FROM comms_story_consents c JOIN comms_stories s ON s.id = c.story_id WHERE s.territory_id = ? AND `+cond+` ORDER BY c.id`,
		append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
			var c subjectStoryConsent
			var what string
			if err := r.Scan(&c.ID, &c.StoryID, &c.territoryID, &c.story, &c.Person, &c.Email, &c.Phone, &what, &c.OnWeb, &c.OnSocial,
				&c.OnPrint, &c.ValidUntil, &c.Wording, &c.GivenOn, &c.How, db.ScanTime(&c.RecordedAt), db.ScanNullTime(&c.WithdrawnAt),
				&c.WithdrawnHow); err != nil {
				return err
			}
			if what != "" {
				c.What = strings.Split(what, ",")
			}
			out = append(out, c)
			return nil
		})
	return out, err
}

// storyWhatFR and storyWhereFR name a consent's what and where in French,
// as the privacy centre's records are written.
var (
	storyWhatFR  = map[string]string{ConsentName: "son nom", ConsentPhoto: "sa photo", ConsentWords: "ses mots", ConsentStory: "son histoire"}
	storyWhereFR = map[string]string{StoryOnWeb: "le site Web", StoryOnSocial: "les médias sociaux", StoryOnPrint: "les imprimés"}
)

func (c subjectStoryConsent) whatWhere() (string, string) {
	var what, where []string
	for _, w := range c.What {
		what = append(what, storyWhatFR[w])
	}
	for _, w := range []string{StoryOnWeb, StoryOnSocial, StoryOnPrint} {
		if c.Covers(w) {
			where = append(where, storyWhereFR[w])
		}
	}
	return strings.Join(what, ", "), strings.Join(where, ", ")
}

func (c subjectStoryConsent) until() string {
	if c.ValidUntil.IsZero() {
		return "jusqu’au retrait"
	}
	return c.ValidUntil.String()
}

// record is the consent as the person reads it in « Mes données ».
func (c subjectStoryConsent) record() privacy.Record {
	what, where := c.whatWhere()
	fields := []privacy.Field{{Name: "name", Value: c.Person}}
	if c.Email != "" {
		fields = append(fields, privacy.Field{Name: "email", Value: c.Email})
	}
	if c.Phone != "" {
		fields = append(fields, privacy.Field{Name: "phone", Value: c.Phone})
	}
	fields = append(fields, privacy.Field{Name: "comms.story", Value: c.story}, privacy.Field{Name: "comms.what", Value: what},
		privacy.Field{Name: "comms.where", Value: where}, privacy.Field{Name: "comms.until", Value: c.until()},
		privacy.Field{Name: "comms.wording", Value: c.Wording}, privacy.Field{Name: "comms.given_on", Value: c.GivenOn.String()})
	if c.WithdrawnAt != nil {
		fields = append(fields, privacy.Field{Name: "comms.withdrawn_at", Value: rfc(*c.WithdrawnAt)})
	}
	return privacy.Record{Ref: privacy.Ref{Table: "comms_story_consents", ID: c.ID}, Category: catStories,
		Label: "Consentement au récit : " + c.story, When: c.RecordedAt, Fields: fields}
}

// consent is the consent as « Mes données » lists it, to withdraw.
func (c subjectStoryConsent) consent() privacy.Consent {
	what, where := c.whatWhere()
	out := privacy.Consent{Ref: privacy.Ref{Table: "comms_story_consents", ID: c.ID}, Purpose: privacy.Story,
		Label: c.story + " — " + what + " — " + where, Given: c.GivenOn.Time(), Wording: c.Wording,
		How: storyHowFR[c.How], Withdrawn: c.WithdrawnAt}
	if !c.ValidUntil.IsZero() {
		u := c.ValidUntil.Time()
		out.Until = &u
	}
	return out
}

var storyHowFR = map[string]string{ConsentSignedForm: "formulaire signé", ConsentEmail: "courriel",
	ConsentSpoken: "de vive voix, noté par l’équipe", ConsentByMyData: "dans «\u00a0Mes données\u00a0»"}

// withdrawStoryConsent withdraws the subject's consent id as staff would on
// the story's page: the story comes down everywhere. Withdrawing twice is
// not an error.
func (s *Store) withdrawStoryConsent(ctx context.Context, sub privacy.Subject, id int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		list, err := subjectStoryConsents(ctx, tx, sub)
		if err != nil {
			return err
		}
		for _, c := range list {
			if c.ID != id {
				continue
			}
			if c.WithdrawnAt != nil {
				return nil
			}
			return s.withdrawConsentTx(ctx, tx, c.territoryID, c.StoryID, c.ID, s.now(), ConsentByMyData)
		}
		return errs.New(errs.NotFound, "errors.comms_consent_not_found")
	})
}

// eraseStoryConsent withdraws the consent id (if it holds) and removes the
// person's name and contact from it; what was agreed, when, stays.
func (s *Store) eraseStoryConsent(ctx context.Context, tx *db.Tx, id int64) error {
	var storyID, territoryID int64
	var withdrawn *time.Time
	err := tx.QueryRow(ctx, `SELECT c.story_id, s.territory_id, c.withdrawn_at FROM comms_story_consents c
		JOIN comms_stories s ON s.id = c.story_id WHERE c.id = ?`, id).Scan(&storyID, &territoryID, db.ScanNullTime(&withdrawn))
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	if withdrawn == nil {
		if err := s.withdrawConsentTx(ctx, tx, territoryID, storyID, id, s.now(), ConsentByMyData); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE comms_story_consents SET person = ?, email = '', phone = '', phone_key = '' WHERE id = ?`,
		erasedPerson, id)
	return err
}

// erasedPerson stands for the name of a person erased from a consent.
const erasedPerson = "—"
