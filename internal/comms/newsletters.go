package comms

import (
	"context"
	"database/sql"
	"errors"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// Kinds of mailing lists.
const (
	ListGeneral  = "general"
	ListPlace    = "place"
	ListInterest = "interest"
)

// ListKinds are the kinds of mailing lists, in the order staff choose them.
var ListKinds = []string{ListGeneral, ListPlace, ListInterest}

// Statuses and bases of a subscription.
const (
	SubPending      = "pending"
	SubConfirmed    = "confirmed"
	SubUnsubscribed = "unsubscribed"

	// BasisExpress is consent given by a positive act and confirmed by
	// the link e-mailed (double opt-in): it does not expire.
	BasisExpress = "express"
	// BasisImplied is the consent CASL implies from volunteering or
	// attending an activity: it lasts two years from the activity.
	BasisImplied = "implied"
)

// Actions of the consent log: the proof of every consent and of every
// unsubscription.
const (
	LogRequested    = "requested"
	LogConfirmed    = "confirmed"
	LogImplied      = "implied"
	LogUnsubscribed = "unsubscribed"
	LogBounced      = "bounced"
)

// ConfirmValidity is how long a subscription's confirmation link works.
const ConfirmValidity = 7 * 24 * time.Hour

// ImpliedValidity is how long implied consent lasts after the activity.
const ImpliedValidity = 2 // years

// subMailsPerDay caps the confirmation e-mails one address receives.
const subMailsPerDay = 1

// MailingList is a list people subscribe to: the general one, one for a
// municipality, or one for an interest.
type MailingList struct {
	ID          int64
	TerritoryID int64
	Slug        string
	Name        string
	Kind        string
	PlaceID     *int64
	PlaceName   string
	Interest    string
	Description string
	CreatedAt   time.Time
	ArchivedAt  *time.Time
	// Reachable counts the subscribers a newsletter would reach today:
	// confirmed, not bounced, and express or implied still valid.
	Reachable int
	// Pending counts the subscriptions waiting for their confirmation.
	Pending int
}

// ListInput is what staff type for a list.
type ListInput struct {
	Name        string
	Kind        string
	PlaceID     string
	Interest    string
	Description string
}

func (s *Store) listValidate(ctx context.Context, territoryID int64, in *ListInput) (*int64, error) {
	f := errs.Fields{}
	in.Name, in.Interest = clean(in.Name), clean(in.Interest)
	in.Description = strings.TrimSpace(in.Description)
	switch {
	case in.Name == "":
		f.Add("name", "errors.required")
	case tooLong(in.Name, 120):
		f.Add("name", "errors.comms_list_name_long")
	}
	if tooLong(in.Description, 1000) {
		f.Add("description", "errors.comms_list_description_long")
	}
	var place *int64
	switch in.Kind {
	case ListGeneral:
	case ListPlace:
		id, _ := strconv.ParseInt(strings.TrimSpace(in.PlaceID), 10, 64)
		ok := false
		if id > 0 {
			ps, err := s.territories.Places(ctx, territoryID)
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				ok = ok || p.ID == id
			}
		}
		if !ok {
			f.Add("place", "errors.comms_list_place")
		}
		place = &id
	case ListInterest:
		if in.Interest == "" {
			f.Add("interest", "errors.comms_list_interest")
		} else if tooLong(in.Interest, 80) {
			f.Add("interest", "errors.comms_list_name_long")
		}
	default:
		f.Add("kind", "errors.comms_list_kind")
	}
	if in.Kind != ListInterest {
		in.Interest = ""
	}
	return place, f.Err()
}

// subMailable is the condition (on comms_subscriptions s and
// comms_subscribers b) of a subscription a newsletter may reach at ?.
const subMailable = `s.status = 'confirmed' AND s.unsubscribed_at IS NULL AND b.bounced_at IS NULL
	AND (s.basis = 'express' OR s.implied_until > ?)`

const listCols = `l.id, l.territory_id, l.slug, l.name, l.kind, l.place_id, COALESCE(p.name, ''), l.interest, l.description,
	l.created_at, l.archived_at,
	(SELECT COUNT(*) FROM comms_subscriptions s JOIN comms_subscribers b ON b.id = s.subscriber_id
		WHERE s.list_id = l.id AND ` + subMailable + `),
	(SELECT COUNT(*) FROM comms_subscriptions s WHERE s.list_id = l.id AND s.status = 'pending')`

const listFrom = ` FROM comms_lists l LEFT JOIN places p ON p.id = l.place_id `

func listScan(row interface{ Scan(...any) error }) (MailingList, error) {
	var l MailingList
	var place sql.NullInt64
	err := row.Scan(&l.ID, &l.TerritoryID, &l.Slug, &l.Name, &l.Kind, &place, &l.PlaceName, &l.Interest, &l.Description,
		db.ScanTime(&l.CreatedAt), db.ScanNullTime(&l.ArchivedAt), &l.Reachable, &l.Pending)
	if errors.Is(err, sql.ErrNoRows) {
		return l, errs.New(errs.NotFound, "errors.comms_list_not_found")
	}
	if place.Valid {
		l.PlaceID = &place.Int64
	}
	return l, err
}

// MailingLists returns a territory's lists, the archived ones too when
// withArchived, with their counts.
func (s *Store) MailingLists(ctx context.Context, territoryID int64, withArchived bool) ([]MailingList, error) {
	q := `SELECT ` + listCols + listFrom + `WHERE l.territory_id = ?`
	if !withArchived {
		q += ` AND l.archived_at IS NULL`
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY l.archived_at IS NOT NULL, CASE l.kind WHEN 'general' THEN 0 ELSE 1 END, l.name, l.id`,
		s.now(), territoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MailingList
	for rows.Next() {
		l, err := listScan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// MailingList returns one list of a territory.
func (s *Store) MailingList(ctx context.Context, territoryID, id int64) (MailingList, error) {
	return listScan(s.db.QueryRow(ctx, `SELECT `+listCols+listFrom+`WHERE l.territory_id = ? AND l.id = ?`, s.now(), territoryID, id))
}

// CreateMailingList adds a list.
func (s *Store) CreateMailingList(ctx context.Context, territoryID int64, in ListInput) (MailingList, error) {
	place, err := s.listValidate(ctx, territoryID, &in)
	if err != nil {
		return MailingList{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		slug, err := listSlug(ctx, tx, territoryID, i18n.Slug(in.Name, 60))
		if err != nil {
			return err
		}
		id, err = tx.InsertID(ctx, `INSERT INTO comms_lists (territory_id, slug, name, kind, place_id, interest, description, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, slug, in.Name, in.Kind, place, in.Interest, in.Description, s.now())
		return err
	})
	if err != nil {
		return MailingList{}, err
	}
	return s.MailingList(ctx, territoryID, id)
}

func listSlug(ctx context.Context, tx *db.Tx, territoryID int64, base string) (string, error) {
	if base == "" {
		base = "liste"
	}
	slug := base
	for i := 2; ; i++ {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM comms_lists WHERE territory_id = ? AND slug = ?`, territoryID, slug).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return slug, nil
		}
		slug = base + "-" + strconv.Itoa(i)
	}
}

// UpdateMailingList changes a list's name, kind and description; its
// subscriptions stay.
func (s *Store) UpdateMailingList(ctx context.Context, territoryID, id int64, in ListInput) error {
	if _, err := s.MailingList(ctx, territoryID, id); err != nil {
		return err
	}
	place, err := s.listValidate(ctx, territoryID, &in)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE comms_lists SET name = ?, kind = ?, place_id = ?, interest = ?, description = ?
		WHERE territory_id = ? AND id = ?`, in.Name, in.Kind, place, in.Interest, in.Description, territoryID, id)
	return err
}

// ArchiveMailingList takes a list off the subscription form and the
// composer (archived false: puts it back). Its subscriptions and their
// proof stay.
func (s *Store) ArchiveMailingList(ctx context.Context, territoryID, id int64, archived bool) error {
	if _, err := s.MailingList(ctx, territoryID, id); err != nil {
		return err
	}
	var at *time.Time
	if archived {
		now := s.now()
		at = &now
	}
	_, err := s.db.Exec(ctx, `UPDATE comms_lists SET archived_at = ? WHERE territory_id = ? AND id = ?`, at, territoryID, id)
	return err
}

// ---- Subscribing -----------------------------------------------------------

// ConsentWording is the sentence beside the subscription's checkbox, in
// lang: the exact words stored with every consent given through the form.
func (s *Store) ConsentWording(lang string, t territory.Territory) string {
	return s.cat.T(lang, "comms.sub.consent", ConsentSender(t))
}

// ConsentSender names, in the consent's wording, who sends the newsletter:
// the territory's operator, or the territory.
func ConsentSender(t territory.Territory) string {
	if t.OperatorName != "" {
		return t.OperatorName
	}
	return t.Name
}

// SubscribeInput is what a person gives on the public form.
type SubscribeInput struct {
	Email string
	Name  string
	Lang  string
	Lists []int64
	// Consent is the checkbox, never checked in advance.
	Consent bool
	// Campaign is the code the form was reached by (?campagne=).
	Campaign string
	// Source names the form.
	Source string
}

func subAddress(v string) (string, bool) {
	v = strings.TrimSpace(v)
	a, err := netmail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 || !strings.Contains(v[strings.LastIndex(v, "@")+1:], ".") {
		return "", false
	}
	return strings.ToLower(v), true
}

// subCode keeps a campaign code or a form's name to a short token.
func subCode(v string) string {
	v = strings.TrimSpace(v)
	if tooLong(v, 60) {
		return ""
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':') {
			return ""
		}
	}
	return v
}

// Subscribe records a request to receive the chosen lists and e-mails its
// confirmation link (double opt-in): nothing is sent to the address before
// the person follows it. Asking again gives the same answer, whether the
// address was already subscribed or not, and sends at most one
// confirmation a day; a request over that limit changes nothing, so the
// link already sent keeps working.
func (s *Store) Subscribe(ctx context.Context, territoryID int64, in SubscribeInput) error {
	f := errs.Fields{}
	email, ok := subAddress(in.Email)
	if !ok {
		f.Add("email", "errors.comms_sub_email")
	}
	in.Name = clean(in.Name)
	if tooLong(in.Name, 80) {
		f.Add("name", "errors.comms_sub_name_long")
	}
	if in.Lang != "en" {
		in.Lang = "fr"
	}
	if !in.Consent {
		f.Add("consent", "errors.comms_sub_consent")
	}
	lists, err := s.MailingLists(ctx, territoryID, false)
	if err != nil {
		return err
	}
	chosen := map[int64]MailingList{}
	for _, id := range in.Lists {
		for _, l := range lists {
			if l.ID == id {
				chosen[id] = l
			}
		}
	}
	if len(chosen) == 0 || len(chosen) != len(in.Lists) {
		f.Add("lists", "errors.comms_sub_lists")
	}
	if err := f.Err(); err != nil {
		return err
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return err
	}
	if err := s.links.Load(ctx); err != nil {
		return err
	}
	wording := s.ConsentWording(in.Lang, t)
	source := subCode(in.Source)
	if source == "" {
		source = "infolettre"
	}
	campaign := subCode(in.Campaign)
	now := s.now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		sub, err := s.subEnsure(ctx, tx, territoryID, email, in.Name, in.Lang)
		if err != nil {
			return err
		}
		// What is asked for that is not already granted by express consent
		// (all of it for an address that bounced: it confirms again).
		var bounced bool
		if err := tx.QueryRow(ctx, `SELECT bounced_at IS NOT NULL FROM comms_subscribers WHERE id = ?`, sub).Scan(&bounced); err != nil {
			return err
		}
		var todo []int64
		for id := range chosen {
			var status, basis string
			err := tx.QueryRow(ctx, `SELECT status, basis FROM comms_subscriptions WHERE list_id = ? AND subscriber_id = ?`,
				id, sub).Scan(&status, &basis)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if status == SubConfirmed && basis == BasisExpress && !bounced {
				continue
			}
			todo = append(todo, id)
		}
		if len(todo) == 0 {
			return nil
		}
		ok, err := s.mailer.Reserve(ctx, tx, territoryID, mail.Limit{Key: "comms-subscribe:" + email, Max: subMailsPerDay, Per: 24 * time.Hour})
		if err != nil || !ok {
			return err
		}
		raw, _ := auth.NewToken()
		expires := now.Add(ConfirmValidity)
		var names []string
		for _, id := range todo {
			hash := subConfirmHash(raw, id)
			res, err := tx.Exec(ctx, `UPDATE comms_subscriptions SET status = CASE WHEN status = 'confirmed' THEN status ELSE 'pending' END,
				source = ?, campaign = ?, wording = ?, requested_at = ?, confirm_hash = ?, confirm_expires_at = ?
				WHERE list_id = ? AND subscriber_id = ?`, source, campaign, wording, now, hash, expires, id, sub)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				if _, err := tx.Exec(ctx, `INSERT INTO comms_subscriptions (list_id, subscriber_id, status, basis, source, campaign, wording,
					requested_at, confirm_hash, confirm_expires_at) VALUES (?, ?, 'pending', 'express', ?, ?, ?, ?, ?, ?)`,
					id, sub, source, campaign, wording, now, hash, expires); err != nil {
					return err
				}
			}
			if err := s.subLog(ctx, tx, territoryID, sub, &id, LogRequested, "form/"+source, wording); err != nil {
				return err
			}
			names = append(names, "- "+chosen[id].Name)
		}
		link := s.baseURL + "/infolettre/confirmation/" + raw
		program := t.ProgramName
		if program == "" {
			program = t.Name
		}
		text := s.cat.T(in.Lang, "comms.sub.mail_body", program, strings.Join(names, "\n"), link, i18n.Date(in.Lang, expires.In(t.Location())))
		_, err = s.mailer.QueueTx(ctx, tx, territoryID, mail.Message{To: email, Subject: s.cat.T(in.Lang, "comms.sub.mail_subject", program),
			Text: text, Secrets: []string{raw}})
		return err
	})
}

// subConfirmHash is the stored hash of a confirmation token for one list:
// one token confirms every list of one request.
func subConfirmHash(raw string, listID int64) string {
	return auth.HashToken(raw + ":" + strconv.FormatInt(listID, 10))
}

// subEnsure returns the subscriber of an address, made when new.
func (s *Store) subEnsure(ctx context.Context, tx *db.Tx, territoryID int64, email, name, lang string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM comms_subscribers WHERE territory_id = ? AND email = ?`, territoryID, email).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	nonce, _ := auth.NewToken()
	tok, err := s.links.Token(nonce)
	if err != nil {
		return 0, err
	}
	return tx.InsertID(ctx, `INSERT INTO comms_subscribers (territory_id, email, name, lang, nonce, token_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, email, name, lang, nonce, auth.HashToken(tok), s.now())
}

func (s *Store) subLog(ctx context.Context, tx *db.Tx, territoryID, subscriberID int64, listID *int64, action, how, wording string) error {
	_, err := tx.Exec(ctx, `INSERT INTO comms_consent_log (territory_id, subscriber_id, list_id, action, how, wording, logged_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, territoryID, subscriberID, listID, action, how, wording, s.now())
	return err
}

// ConfirmSubscription follows a confirmation link: every list of the request becomes
// confirmed, on express consent. A link followed twice confirms once; an
// expired one is refused with errors.comms_sub_link_expired (the person
// asks again from the form), an unknown one is not found.
func (s *Store) ConfirmSubscription(ctx context.Context, territoryID int64, token string) ([]string, error) {
	lists, err := s.MailingLists(ctx, territoryID, true)
	if err != nil {
		return nil, err
	}
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 100 || len(lists) == 0 {
		return nil, errs.New(errs.NotFound, "errors.comms_sub_link_unknown")
	}
	hashes := make([]any, 0, len(lists)+1)
	hashes = append(hashes, territoryID)
	byID := map[int64]string{}
	for _, l := range lists {
		hashes = append(hashes, subConfirmHash(token, l.ID))
		byID[l.ID] = l.Name
	}
	var names []string
	now := s.now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `SELECT s.id, s.list_id, s.subscriber_id, s.status, s.basis, s.confirm_expires_at, s.wording,
			b.bounced_at IS NOT NULL FROM comms_subscriptions s JOIN comms_subscribers b ON b.id = s.subscriber_id
			WHERE b.territory_id = ? AND s.confirm_hash IN (?`+strings.Repeat(", ?", len(lists)-1)+`) ORDER BY s.id`, hashes...)
		if err != nil {
			return err
		}
		type row struct {
			id, list, sub int64
			status, basis string
			expires       *time.Time
			wording       string
			bounced       bool
		}
		var found []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.list, &r.sub, &r.status, &r.basis, db.ScanNullTime(&r.expires), &r.wording, &r.bounced); err != nil {
				rows.Close()
				return err
			}
			found = append(found, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(found) == 0 {
			return errs.New(errs.NotFound, "errors.comms_sub_link_unknown")
		}
		for _, r := range found {
			names = append(names, byID[r.list])
			if r.status == SubConfirmed && r.basis == BasisExpress && !r.bounced {
				continue // followed twice
			}
			if r.expires == nil || !now.Before(*r.expires) {
				return errs.New(errs.Invalid, "errors.comms_sub_link_expired")
			}
			if _, err := tx.Exec(ctx, `UPDATE comms_subscriptions SET status = 'confirmed', basis = 'express', confirmed_at = ?,
				implied_until = NULL, unsubscribed_at = NULL WHERE id = ?`, now, r.id); err != nil {
				return err
			}
			// A confirmed address is mailed again, even after a bounce.
			if _, err := tx.Exec(ctx, `UPDATE comms_subscribers SET bounced_at = NULL WHERE id = ?`, r.sub); err != nil {
				return err
			}
			if err := s.subLog(ctx, tx, territoryID, r.sub, &r.list, LogConfirmed, "link", r.wording); err != nil {
				return err
			}
		}
		return nil
	})
	return names, err
}

// ---- Subscribers, their proof, unsubscribing -------------------------------

// Subscriber is one address and its subscriptions.
type Subscriber struct {
	ID          int64
	TerritoryID int64
	Email       string
	Name        string
	Lang        string
	BouncedAt   *time.Time
	CreatedAt   time.Time
	Subs        []Subscription
	nonce       string
}

// Subscription is one subscriber's place on one list.
type Subscription struct {
	ListID         int64
	ListName       string
	Status         string
	Basis          string
	Source         string
	Campaign       string
	RequestedAt    time.Time
	ConfirmedAt    *time.Time
	ImpliedUntil   *time.Time
	UnsubscribedAt *time.Time
}

// Active reports whether a newsletter to the list would reach the
// subscriber at now.
func (x Subscription) Active(now time.Time) bool {
	return x.Status == SubConfirmed && x.UnsubscribedAt == nil &&
		(x.Basis == BasisExpress || (x.ImpliedUntil != nil && x.ImpliedUntil.After(now)))
}

// Expired reports whether implied consent has run out at now.
func (x Subscription) Expired(now time.Time) bool {
	return x.Status == SubConfirmed && x.Basis == BasisImplied && (x.ImpliedUntil == nil || !x.ImpliedUntil.After(now))
}

const subCols = `id, territory_id, email, name, lang, nonce, bounced_at, created_at`

func subScan(row interface{ Scan(...any) error }) (Subscriber, error) {
	var b Subscriber
	err := row.Scan(&b.ID, &b.TerritoryID, &b.Email, &b.Name, &b.Lang, &b.nonce, db.ScanNullTime(&b.BouncedAt), db.ScanTime(&b.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return b, errs.New(errs.NotFound, "errors.comms_sub_not_found")
	}
	return b, err
}

func (s *Store) subLoadSubs(ctx context.Context, b *Subscriber) error {
	rows, err := s.db.Query(ctx, `SELECT s.list_id, l.name, s.status, s.basis, s.source, s.campaign, s.requested_at, s.confirmed_at,
		s.implied_until, s.unsubscribed_at FROM comms_subscriptions s JOIN comms_lists l ON l.id = s.list_id
		WHERE s.subscriber_id = ? ORDER BY l.name, l.id`, b.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x Subscription
		if err := rows.Scan(&x.ListID, &x.ListName, &x.Status, &x.Basis, &x.Source, &x.Campaign, db.ScanTime(&x.RequestedAt),
			db.ScanNullTime(&x.ConfirmedAt), db.ScanNullTime(&x.ImpliedUntil), db.ScanNullTime(&x.UnsubscribedAt)); err != nil {
			return err
		}
		b.Subs = append(b.Subs, x)
	}
	return rows.Err()
}

// Subscriber returns one subscriber and their subscriptions (staff).
func (s *Store) Subscriber(ctx context.Context, territoryID, id int64) (Subscriber, error) {
	b, err := subScan(s.db.QueryRow(ctx, `SELECT `+subCols+` FROM comms_subscribers WHERE territory_id = ? AND id = ?`, territoryID, id))
	if err != nil {
		return b, err
	}
	return b, s.subLoadSubs(ctx, &b)
}

// SubscriberByToken returns the subscriber whose unsubscribe link holds
// token, and their subscriptions.
func (s *Store) SubscriberByToken(ctx context.Context, territoryID int64, token string) (Subscriber, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 100 {
		return Subscriber{}, errs.New(errs.NotFound, "errors.comms_sub_not_found")
	}
	b, err := subScan(s.db.QueryRow(ctx, `SELECT `+subCols+` FROM comms_subscribers WHERE territory_id = ? AND token_hash = ?`,
		territoryID, auth.HashToken(token)))
	if err != nil {
		return b, err
	}
	return b, s.subLoadSubs(ctx, &b)
}

// UnsubscribeToken is the token of a subscriber's unsubscribe link. Signed
// links do not expire: the link in every message keeps working.
func (s *Store) UnsubscribeToken(ctx context.Context, b Subscriber) (string, error) {
	if err := s.links.Load(ctx); err != nil {
		return "", err
	}
	return s.links.Token(b.nonce)
}

// Unsubscribe takes the subscriber of token off every list at once, and
// writes how in the proof (how: "link", "one-click", "staff"). Doing it
// twice changes nothing.
func (s *Store) Unsubscribe(ctx context.Context, territoryID int64, token, how string) error {
	b, err := s.SubscriberByToken(ctx, territoryID, token)
	if err != nil {
		return err
	}
	return s.subUnsubscribe(ctx, territoryID, b, how)
}

func (s *Store) subUnsubscribe(ctx context.Context, territoryID int64, b Subscriber, how string) error {
	now := s.now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, x := range b.Subs {
			if x.Status == SubUnsubscribed {
				continue
			}
			res, err := tx.Exec(ctx, `UPDATE comms_subscriptions SET status = 'unsubscribed', unsubscribed_at = ?, confirm_hash = NULL,
				confirm_expires_at = NULL WHERE list_id = ? AND subscriber_id = ? AND status <> 'unsubscribed'`, now, x.ListID, b.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			list := x.ListID
			if err := s.subLog(ctx, tx, territoryID, b.ID, &list, LogUnsubscribed, how, ""); err != nil {
				return err
			}
		}
		// What was still waiting to go to this address does not go.
		_, err := tx.Exec(ctx, `UPDATE comms_deliveries SET status = 'skipped' WHERE subscriber_id = ? AND status IN ('pending', 'retry')`, b.ID)
		return err
	})
}

// SubscriberRow is one line of a list's subscribers (staff only).
type SubscriberRow struct {
	SubscriberID int64
	Email        string
	Name         string
	Subscription
	BouncedAt *time.Time
}

// ListSubscribers returns a list's subscribers with their status and
// basis, for ManageCommunications only.
func (s *Store) ListSubscribers(ctx context.Context, territoryID, listID int64) ([]SubscriberRow, error) {
	if _, err := s.MailingList(ctx, territoryID, listID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT b.id, b.email, b.name, b.bounced_at, s.list_id, s.status, s.basis, s.source, s.campaign,
		s.requested_at, s.confirmed_at, s.implied_until, s.unsubscribed_at
		FROM comms_subscriptions s JOIN comms_subscribers b ON b.id = s.subscriber_id
		WHERE b.territory_id = ? AND s.list_id = ? ORDER BY b.email`, territoryID, listID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SubscriberRow
	for rows.Next() {
		var r SubscriberRow
		if err := rows.Scan(&r.SubscriberID, &r.Email, &r.Name, db.ScanNullTime(&r.BouncedAt), &r.ListID, &r.Status, &r.Basis,
			&r.Source, &r.Campaign, db.ScanTime(&r.RequestedAt), db.ScanNullTime(&r.ConfirmedAt), db.ScanNullTime(&r.ImpliedUntil),
			db.ScanNullTime(&r.UnsubscribedAt)); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ProofEntry is one line of the proof of consent.
type ProofEntry struct {
	ListName string
	Action   string
	How      string
	Wording  string
	LoggedAt time.Time
}

// SubscriberProof is the proof of a subscriber's consents and unsubscriptions,
// oldest first.
func (s *Store) SubscriberProof(ctx context.Context, territoryID, subscriberID int64) ([]ProofEntry, error) {
	rows, err := s.db.Query(ctx, `SELECT COALESCE(l.name, ''), c.action, c.how, c.wording, c.logged_at
		FROM comms_consent_log c LEFT JOIN comms_lists l ON l.id = c.list_id
		WHERE c.territory_id = ? AND c.subscriber_id = ? ORDER BY c.logged_at, c.id`, territoryID, subscriberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProofEntry
	for rows.Next() {
		var e ProofEntry
		if err := rows.Scan(&e.ListName, &e.Action, &e.How, &e.Wording, db.ScanTime(&e.LoggedAt)); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddEventAttendees adds to a list, on implied consent, the people who came to
// an event, left an e-mail and agreed to be contacted: their consent lasts
// two years from the event. Someone who unsubscribed from the list stays
// off it, and so does an address that bounced; express consent is left as
// it is. It returns how many were added or had their implied consent
// extended.
func (s *Store) AddEventAttendees(ctx context.Context, territoryID, listID, eventID int64) (int, error) {
	l, err := s.MailingList(ctx, territoryID, listID)
	if err != nil {
		return 0, err
	}
	if l.ArchivedAt != nil {
		return 0, errs.New(errs.Conflict, "errors.comms_list_archived")
	}
	ev, err := s.events.Get(ctx, territoryID, eventID)
	if err != nil {
		return 0, err
	}
	people, err := s.events.Attendees(ctx, territoryID, eventID)
	if err != nil {
		return 0, err
	}
	until := ev.StartsAt.AddDate(ImpliedValidity, 0, 0)
	now := s.now()
	if !until.After(now) {
		return 0, errs.New(errs.Invalid, "errors.comms_list_event_too_old")
	}
	if err := s.links.Load(ctx); err != nil {
		return 0, err
	}
	how := "event/" + ev.Slug
	zone := s.subZone(ctx, territoryID)
	wording := s.cat.T("fr", "comms.list.implied_wording", ev.Name(s.cat, "fr", zone), i18n.Date("fr", ev.StartsAt.In(zone)))
	n := 0
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, p := range people {
			email, ok := subAddress(p.Email)
			if !ok || !p.ConsentContact {
				continue
			}
			if bounced, err := subBounced(ctx, tx, territoryID, email); err != nil || bounced {
				if err != nil {
					return err
				}
				continue
			}
			sub, err := s.subEnsure(ctx, tx, territoryID, email, clean(p.Name), p.Lang)
			if err != nil {
				return err
			}
			changed, err := s.subRecord(ctx, tx, territoryID, listID, sub, BasisImplied, how, wording, until)
			if err != nil {
				return err
			}
			if !changed {
				continue
			}
			n++
		}
		return nil
	})
	return n, err
}

// AddVolunteers adds to a list, on implied consent, the people who gave
// confirmed volunteer hours in the last two years and left an e-mail (their
// account's): CASL's existing non-business relationship, which lasts two
// years from their last confirmed hours. volunteering tells who they are
// (RecentVolunteers). As for an event's attendees, someone who
// unsubscribed from the list or whose address bounced stays off it, and
// express consent is left as it is. It returns how many were added or had
// their implied consent extended.
func (s *Store) AddVolunteers(ctx context.Context, territoryID, listID int64) (int, error) {
	l, err := s.MailingList(ctx, territoryID, listID)
	if err != nil {
		return 0, err
	}
	if l.ArchivedAt != nil {
		return 0, errs.New(errs.Conflict, "errors.comms_list_archived")
	}
	if s.volunteering == nil {
		return 0, nil
	}
	today, zone, err := s.today(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	people, err := s.volunteering.RecentVolunteers(ctx, territoryID, today.AddMonths(-12*ImpliedValidity))
	if err != nil {
		return 0, err
	}
	if err := s.links.Load(ctx); err != nil {
		return 0, err
	}
	now := s.now()
	n := 0
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, p := range people {
			email, ok := subAddress(p.Person.Email)
			last := p.LastDay.Time()
			until := time.Date(last.Year()+ImpliedValidity, last.Month(), last.Day(), 0, 0, 0, 0, zone)
			if !ok || !until.After(now) {
				continue
			}
			if bounced, err := subBounced(ctx, tx, territoryID, email); err != nil || bounced {
				if err != nil {
					return err
				}
				continue
			}
			sub, err := s.subEnsure(ctx, tx, territoryID, email, clean(p.Person.Name), p.Person.Lang)
			if err != nil {
				return err
			}
			wording := s.cat.T("fr", "comms.list.volunteer_wording", i18n.Date("fr", last), i18n.Date("fr", until))
			changed, err := s.subRecord(ctx, tx, territoryID, listID, sub, BasisImplied, "benevolat/"+p.LastDay.String(), wording, until)
			if err != nil {
				return err
			}
			if changed {
				n++
			}
		}
		return nil
	})
	return n, err
}

// subBounced reports whether mail to an address of the territory bounced
// (and it has not confirmed since).
func subBounced(ctx context.Context, tx *db.Tx, territoryID int64, email string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM comms_subscribers WHERE territory_id = ? AND email = ? AND bounced_at IS NOT NULL`,
		territoryID, email).Scan(&n)
	return n > 0, err
}

func (s *Store) subZone(ctx context.Context, territoryID int64) *time.Location {
	if t, err := s.territories.ByID(ctx, territoryID); err == nil {
		return t.Location()
	}
	return time.UTC
}

// SubscriberCounts are the figures of the subscriptions: the distinct
// addresses a newsletter could reach at the end of a period, and those
// whose first confirmation (express or implied) fell in it.
type SubscriberCounts struct {
	Confirmed int
	Gained    int
}

// CountSubscribers counts a territory's subscribers over [from, to).
func (s *Store) CountSubscribers(ctx context.Context, territoryID int64, from, to time.Time) (SubscriberCounts, error) {
	var c SubscriberCounts
	err := s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT b.id) FROM comms_subscriptions s JOIN comms_subscribers b ON b.id = s.subscriber_id
		WHERE b.territory_id = ? AND s.confirmed_at < ? AND (s.unsubscribed_at IS NULL OR s.unsubscribed_at >= ?)
		AND (b.bounced_at IS NULL OR b.bounced_at >= ?) AND s.status <> 'pending'
		AND (s.basis = 'express' OR s.implied_until > ?)`, territoryID, to, to, to, to).Scan(&c.Confirmed)
	if err != nil {
		return c, err
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT b.id FROM comms_subscriptions s JOIN comms_subscribers b ON b.id = s.subscriber_id
		WHERE b.territory_id = ? AND s.confirmed_at IS NOT NULL GROUP BY b.id HAVING MIN(s.confirmed_at) >= ? AND MIN(s.confirmed_at) < ?) x`,
		territoryID, from, to).Scan(&c.Gained)
	return c, err
}

// ConsentRecord is a consent staff obtained elsewhere and record with its
// proof: a subscription form signed on paper at an activity (express), or
// an activity that implies consent (implied, until ImpliedUntil).
type ConsentRecord struct {
	Email string
	Name  string
	Lang  string
	Lists []int64
	Basis string
	// How names where the consent was given, e.g. "papier/souper-manseau"
	// or "event/souper-manseau".
	How string
	// Wording is the exact text the person agreed to.
	Wording      string
	ImpliedUntil time.Time
}

// RecordConsent writes consent obtained elsewhere, at the store's clock,
// in the proof: it e-mails nobody. Someone who unsubscribed from a list
// stays off it, and express consent is never lowered to implied.
func (s *Store) RecordConsent(ctx context.Context, territoryID int64, in ConsentRecord) error {
	email, ok := subAddress(in.Email)
	f := errs.Fields{}
	if !ok {
		f.Add("email", "errors.comms_sub_email")
	}
	if in.Basis != BasisExpress && in.Basis != BasisImplied || clean(in.How) == "" || strings.TrimSpace(in.Wording) == "" ||
		in.Basis == BasisImplied && !in.ImpliedUntil.After(s.now()) {
		f.Add("basis", "errors.comms_sub_record")
	}
	if len(in.Lists) == 0 {
		f.Add("lists", "errors.comms_sub_lists")
	}
	for _, id := range in.Lists {
		if l, err := s.MailingList(ctx, territoryID, id); err != nil || l.ArchivedAt != nil {
			f.Add("lists", "errors.comms_sub_lists")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.links.Load(ctx); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		sub, err := s.subEnsure(ctx, tx, territoryID, email, clean(in.Name), in.Lang)
		if err != nil {
			return err
		}
		for _, id := range in.Lists {
			if _, err := s.subRecord(ctx, tx, territoryID, id, sub, in.Basis, clean(in.How), in.Wording, in.ImpliedUntil); err != nil {
				return err
			}
		}
		return nil
	})
}

// subRecord records one consent on one list and reports whether it
// changed anything.
func (s *Store) subRecord(ctx context.Context, tx *db.Tx, territoryID, listID, sub int64, basis, how, wording string, until time.Time) (bool, error) {
	now := s.now()
	var status, had string
	var implied *time.Time
	err := tx.QueryRow(ctx, `SELECT status, basis, implied_until FROM comms_subscriptions WHERE list_id = ? AND subscriber_id = ?`,
		listID, sub).Scan(&status, &had, db.ScanNullTime(&implied))
	var untilArg *time.Time
	if basis == BasisImplied {
		untilArg = &until
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.Exec(ctx, `INSERT INTO comms_subscriptions (list_id, subscriber_id, status, basis, source, wording,
			requested_at, confirmed_at, implied_until) VALUES (?, ?, 'confirmed', ?, ?, ?, ?, ?, ?)`,
			listID, sub, basis, how, wording, now, now, untilArg); err != nil {
			return false, err
		}
	case err != nil:
		return false, err
	case status == SubUnsubscribed || (status == SubConfirmed && had == BasisExpress):
		return false, nil
	case basis == BasisImplied && status == SubConfirmed && implied != nil && !until.After(*implied):
		return false, nil
	default:
		if _, err := tx.Exec(ctx, `UPDATE comms_subscriptions SET status = 'confirmed', basis = ?, implied_until = ?, confirmed_at = ?,
			source = ?, wording = ? WHERE list_id = ? AND subscriber_id = ?`, basis, untilArg, now, how, wording, listID, sub); err != nil {
			return false, err
		}
	}
	action := LogImplied
	if basis == BasisExpress {
		action = LogConfirmed
	}
	return true, s.subLog(ctx, tx, territoryID, sub, &listID, action, how, wording)
}
