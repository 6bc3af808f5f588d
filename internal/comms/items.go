package comms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/export"
	"implique/internal/i18n"
	"implique/internal/tracking"
	"implique/internal/volunteering"
)

// The statuses of a calendar item, in the order work goes.
const (
	ItemIdea      = "idea"
	ItemDraft     = "draft"
	ItemReady     = "ready"
	ItemPublished = "published"
)

// ItemStatuses lists them in order.
var ItemStatuses = []string{ItemIdea, ItemDraft, ItemReady, ItemPublished}

// What an item may be made from (source_kind).
const (
	ItemFromEvent       = "event"
	ItemFromOpportunity = "opportunity"
	ItemFromInitiative  = "initiative"
	ItemFromStory       = "story"
)

// ItemCalendarCode is the campaign code of the links of items outside any
// campaign.
const ItemCalendarCode = "calendrier"

// Item is a piece of content planned on a channel for a day.
type Item struct {
	ID            int64
	TerritoryID   int64
	CampaignID    int64
	CampaignTheme string
	CampaignCode  string
	Channel       string
	Title         string
	Body          string
	ImageID       int64
	ImageAlt      string
	Day           calendar.Date
	// Clock is the time of day (15:04), or "" for the whole day.
	Clock       string
	OwnerID     int64
	OwnerName   string
	Status      string
	LinkID      int64
	LinkCode    string
	LinkTarget  string
	SourceKind  string
	SourceID    int64
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ItemInput is an item as typed.
type ItemInput struct {
	Channel, Title, Body string
	Day, Clock           string
	OwnerID              int64
	Status               string
	CampaignID           int64
	// LinkID chooses one of the campaign's links; Target, when given
	// instead, makes or reuses a link to it.
	LinkID int64
	Target string
	// Image is a new picture (nil: keep the one there, unless RemoveImage).
	Image       *ImageInput
	RemoveImage bool
	// ImageAlt changes the text alternative of the picture kept.
	ImageAlt   string
	SourceKind string
	SourceID   int64
}

// itemChecked is what validation found.
type itemChecked struct {
	day      calendar.Date
	clock    string
	campaign *Campaign
	imageCT  string
}

func (s *Store) itemCheck(ctx context.Context, territoryID int64, in *ItemInput, hadImage bool) (itemChecked, error) {
	var out itemChecked
	in.Title = clean(in.Title)
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	in.Target = strings.TrimSpace(in.Target)
	in.ImageAlt = clean(in.ImageAlt)
	f := errs.Fields{}
	if !ValidChannel(in.Channel) {
		f.Add("channel", "errors.comms_item_channel")
	}
	switch {
	case in.Title == "":
		f.Add("title", "errors.required")
	case tooLong(in.Title, 200):
		f.Add("title", "errors.too_long")
	}
	if tooLong(in.Body, 10000) {
		f.Add("body", "errors.too_long")
	}
	if in.Status == "" {
		in.Status = ItemIdea
	}
	if !campaignIn(ItemStatuses, in.Status) {
		f.Add("status", "errors.comms_item_status")
	}
	out.day = calendar.Happening(s.now()).Parse(f, "day", in.Day, true)
	if strings.TrimSpace(in.Clock) != "" {
		h, m, ok := calendar.ParseClock(in.Clock)
		if !ok {
			f.Add("clock", "errors.comms_item_clock")
		} else {
			out.clock = fmt.Sprintf("%02d:%02d", h, m)
		}
	}
	if in.OwnerID != 0 {
		ok, err := s.itemIsStaff(ctx, territoryID, in.OwnerID)
		if err != nil {
			return out, err
		}
		if !ok {
			f.Add("owner", "errors.comms_item_owner")
		}
	}
	if in.CampaignID != 0 {
		c, err := s.Campaign(ctx, territoryID, in.CampaignID)
		if errs.Is(err, errs.NotFound) {
			f.Add("campaign", "errors.comms_item_campaign")
		} else if err != nil {
			return out, err
		} else {
			out.campaign = &c
		}
	}
	if in.LinkID != 0 {
		l, err := s.tracking.Get(ctx, territoryID, in.LinkID)
		if errs.Is(err, errs.NotFound) || (err == nil && (out.campaign == nil || l.Campaign != out.campaign.Code)) {
			f.Add("link", "errors.comms_item_link")
		} else if err != nil {
			return out, err
		}
	}
	if in.Image != nil {
		out.imageCT = checkImage(in.Image, "image", f)
		if in.Image.Alt == "" {
			f.Add("image_alt", "errors.comms_item_image_alt")
		}
	} else if hadImage && !in.RemoveImage {
		if in.ImageAlt == "" {
			f.Add("image_alt", "errors.comms_item_image_alt")
		} else if tooLong(in.ImageAlt, 300) {
			f.Add("image_alt", "errors.too_long")
		}
	}
	switch in.SourceKind {
	case "", ItemFromEvent, ItemFromOpportunity, ItemFromInitiative:
	case ItemFromStory:
		if err := s.storyItemCheck(ctx, territoryID, in.SourceID, in.Channel, in.Status, f); err != nil {
			return out, err
		}
	default:
		f.Add("source", "errors.comms_item_source")
	}
	if err := f.Err(); err != nil {
		return out, err
	}
	return out, nil
}

// storyItemCheck refuses an item made from a story beyond the idea stage
// when the story does not show on the item's channel today (ChannelScope):
// a consent for the web only never becomes a Facebook post.
func (s *Store) storyItemCheck(ctx context.Context, territoryID, storyID int64, channel, status string, f errs.Fields) error {
	if status == ItemIdea || !ValidChannel(channel) {
		return nil
	}
	if scope := ChannelScope(channel); scope != "" {
		list, err := s.storiesShowing(ctx, territoryID, scope, `s.id = ?`, storyID)
		if err != nil || len(list) == 1 {
			return err
		}
	}
	f.Add("channel", "errors.comms_item_story_scope")
	return nil
}

// itemIsStaff reports whether user holds a staff role in the territory.
func (s *Store) itemIsStaff(ctx context.Context, territoryID, userID int64) (bool, error) {
	members, err := s.ItemOwners(ctx, territoryID)
	if err != nil {
		return false, err
	}
	for _, m := range members {
		if m.ID == userID {
			return true, nil
		}
	}
	return false, nil
}

// ItemOwner is a staff account an item may be given to.
type ItemOwner struct {
	ID   int64
	Name string
}

// ItemOwners lists the territory's administrators, facilitators and
// communications officers, by name.
func (s *Store) ItemOwners(ctx context.Context, territoryID int64) ([]ItemOwner, error) {
	members, err := s.auth.Members(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	var out []ItemOwner
	seen := map[int64]bool{}
	for _, m := range members {
		if seen[m.ID] || m.DisabledAt != nil {
			continue
		}
		for _, r := range m.Roles {
			if r == auth.RoleAdministrator || r == auth.RoleFacilitator || r == auth.RoleCommunications {
				seen[m.ID] = true
				name := m.Name
				if name == "" {
					name = m.Email
				}
				out = append(out, ItemOwner{ID: m.ID, Name: name})
				break
			}
		}
	}
	return out, nil
}

// itemLink finds the item's link: the one chosen, or one made or reused
// to target under the campaign's code (or « calendrier »).
func (s *Store) itemLink(ctx context.Context, territoryID int64, in ItemInput, ck itemChecked) (any, error) {
	if in.LinkID != 0 {
		return in.LinkID, nil
	}
	if in.Target == "" {
		return nil, nil
	}
	code := ItemCalendarCode
	if ck.campaign != nil {
		code = ck.campaign.Code
	}
	l, err := s.tracking.Ensure(ctx, territoryID, tracking.Input{Target: in.Target, Campaign: code})
	if errs.Is(err, errs.Invalid) {
		return nil, errs.Fields{"target": "errors.comms_item_target"}.Err()
	}
	if err != nil {
		return nil, err
	}
	return l.ID, nil
}

func itemNull(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateItem puts an item on the calendar.
func (s *Store) CreateItem(ctx context.Context, territoryID, userID int64, in ItemInput) (Item, error) {
	ck, err := s.itemCheck(ctx, territoryID, &in, false)
	if err != nil {
		return Item{}, err
	}
	link, err := s.itemLink(ctx, territoryID, in, ck)
	if err != nil {
		return Item{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var image any
		if in.Image != nil {
			iid, err := s.saveImage(ctx, tx, territoryID, userID, *in.Image, ck.imageCT)
			if err != nil {
				return err
			}
			image = iid
		}
		now := s.now()
		var published any
		if in.Status == ItemPublished {
			published = now
		}
		id, err = tx.InsertID(ctx, `INSERT INTO comms_items (territory_id, campaign_id, channel, title, body, image_id, day, clock,
			owner_id, status, link_id, source_kind, source_id, published_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, itemNull(in.CampaignID), in.Channel,
			in.Title, in.Body, image, ck.day, ck.clock, itemNull(in.OwnerID), in.Status, link, in.SourceKind, itemNull(in.SourceID),
			published, now, now)
		return err
	})
	if err != nil {
		return Item{}, err
	}
	return s.Item(ctx, territoryID, id)
}

// UpdateItem saves an item's changes.
func (s *Store) UpdateItem(ctx context.Context, territoryID, userID, id int64, in ItemInput) (Item, error) {
	old, err := s.Item(ctx, territoryID, id)
	if err != nil {
		return Item{}, err
	}
	in.SourceKind, in.SourceID = old.SourceKind, old.SourceID
	ck, err := s.itemCheck(ctx, territoryID, &in, old.ImageID != 0)
	if err != nil {
		return Item{}, err
	}
	link, err := s.itemLink(ctx, territoryID, in, ck)
	if err != nil {
		return Item{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		image := itemNull(old.ImageID)
		switch {
		case in.Image != nil:
			iid, err := s.saveImage(ctx, tx, territoryID, userID, *in.Image, ck.imageCT)
			if err != nil {
				return err
			}
			image = iid
		case in.RemoveImage:
			image = nil
		case old.ImageID != 0:
			if _, err := tx.Exec(ctx, `UPDATE comms_images SET alt = ? WHERE territory_id = ? AND id = ?`, in.ImageAlt, territoryID,
				old.ImageID); err != nil {
				return err
			}
		}
		now := s.now()
		published := any(old.PublishedAt)
		if old.PublishedAt == nil {
			published = nil
		}
		if in.Status == ItemPublished && old.PublishedAt == nil {
			published = now
		} else if in.Status != ItemPublished {
			published = nil
		}
		_, err := tx.Exec(ctx, `UPDATE comms_items SET campaign_id = ?, channel = ?, title = ?, body = ?, image_id = ?, day = ?, clock = ?,
			owner_id = ?, status = ?, link_id = ?, published_at = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
			itemNull(in.CampaignID), in.Channel, in.Title, in.Body, image, ck.day, ck.clock, itemNull(in.OwnerID), in.Status, link,
			published, now, territoryID, id)
		return err
	})
	if err != nil {
		return Item{}, err
	}
	return s.Item(ctx, territoryID, id)
}

// SetItemStatus moves an item to status; published_at is set when it
// becomes published, and cleared when it goes back.
func (s *Store) SetItemStatus(ctx context.Context, territoryID, id int64, status string) error {
	if !campaignIn(ItemStatuses, status) {
		return errs.Fields{"status": "errors.comms_item_status"}.Err()
	}
	it, err := s.Item(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if it.SourceKind == ItemFromStory {
		f := errs.Fields{}
		if err := s.storyItemCheck(ctx, territoryID, it.SourceID, it.Channel, status, f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
	}
	now := s.now()
	res, err := s.db.Exec(ctx, `UPDATE comms_items SET status = ?, updated_at = ?,
		published_at = CASE WHEN ? THEN COALESCE(published_at, ?) ELSE NULL END WHERE territory_id = ? AND id = ?`,
		status, now, status == ItemPublished, now, territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.comms_item_not_found")
	}
	return nil
}

// DeleteItem takes an item off the calendar (its link stays, so that
// what was printed or posted keeps working).
func (s *Store) DeleteItem(ctx context.Context, territoryID, id int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM comms_items WHERE territory_id = ? AND id = ?`, territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.comms_item_not_found")
	}
	return nil
}

const itemCols = `i.id, i.territory_id, COALESCE(i.campaign_id, 0), COALESCE(c.theme, ''), COALESCE(c.code, ''), i.channel, i.title,
	i.body, COALESCE(i.image_id, 0), COALESCE(im.alt, ''), i.day, i.clock, COALESCE(i.owner_id, 0), COALESCE(u.name, ''), i.status,
	COALESCE(i.link_id, 0), COALESCE(l.code, ''), COALESCE(l.target, ''), i.source_kind, COALESCE(i.source_id, 0), i.published_at,
	i.created_at, i.updated_at`

const itemFrom = ` FROM comms_items i LEFT JOIN comms_campaigns c ON c.id = i.campaign_id LEFT JOIN comms_images im ON im.id = i.image_id
	LEFT JOIN users u ON u.id = i.owner_id LEFT JOIN tracked_links l ON l.id = i.link_id `

func itemScan(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	err := row.Scan(&it.ID, &it.TerritoryID, &it.CampaignID, &it.CampaignTheme, &it.CampaignCode, &it.Channel, &it.Title, &it.Body,
		&it.ImageID, &it.ImageAlt, &it.Day, &it.Clock, &it.OwnerID, &it.OwnerName, &it.Status, &it.LinkID, &it.LinkCode,
		&it.LinkTarget, &it.SourceKind, &it.SourceID, db.ScanNullTime(&it.PublishedAt), db.ScanTime(&it.CreatedAt),
		db.ScanTime(&it.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return it, errs.New(errs.NotFound, "errors.comms_item_not_found")
	}
	return it, err
}

// Item returns one item of the territory.
func (s *Store) Item(ctx context.Context, territoryID, id int64) (Item, error) {
	if err := s.releaseEndedStories(ctx, territoryID); err != nil {
		return Item{}, err
	}
	return itemScan(s.db.QueryRow(ctx, `SELECT `+itemCols+itemFrom+`WHERE i.territory_id = ? AND i.id = ?`, territoryID, id))
}

// ItemFilter chooses the items of a view.
type ItemFilter struct {
	// From and To are the first and last days (both included; zero: no bound).
	From, To   calendar.Date
	Channel    string
	Status     string
	CampaignID int64
}

// Items lists the territory's items by day and time.
func (s *Store) Items(ctx context.Context, territoryID int64, f ItemFilter) ([]Item, error) {
	if err := s.releaseEndedStories(ctx, territoryID); err != nil {
		return nil, err
	}
	q := `SELECT ` + itemCols + itemFrom + `WHERE i.territory_id = ?`
	args := []any{territoryID}
	if !f.From.IsZero() {
		q += ` AND i.day >= ?`
		args = append(args, f.From.String())
	}
	if !f.To.IsZero() {
		q += ` AND i.day <= ?`
		args = append(args, f.To.String())
	}
	if f.Channel != "" {
		q += ` AND i.channel = ?`
		args = append(args, f.Channel)
	}
	if f.Status != "" {
		q += ` AND i.status = ?`
		args = append(args, f.Status)
	}
	if f.CampaignID != 0 {
		q += ` AND i.campaign_id = ?`
		args = append(args, f.CampaignID)
	}
	var out []Item
	err := db.Each(ctx, s.db, q+` ORDER BY i.day, i.clock, i.id`, args, func(rows *sql.Rows) error {
		it, err := itemScan(rows)
		out = append(out, it)
		return err
	})
	return out, err
}

// ItemSource is something the program runs that an item may promote.
type ItemSource struct {
	Kind  string
	ID    int64
	Title string
	When  string
}

// ItemSources lists what may be promoted in one click: upcoming published
// events, open opportunities, active initiatives, published stories.
func (s *Store) ItemSources(ctx context.Context, territoryID int64, lang string) ([]ItemSource, error) {
	_, loc, err := s.today(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	var out []ItemSource
	evs, err := s.events.List(ctx, territoryID, events.Filter{From: s.now(), PublicOnly: true, Limit: 40})
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if e.CancelledAt != nil {
			continue
		}
		out = append(out, ItemSource{Kind: ItemFromEvent, ID: e.ID, Title: e.Name(s.cat, lang, loc), When: i18n.Date(lang, e.StartsAt.In(loc))})
	}
	opps, err := s.volunteering.Opportunities(ctx, territoryID, volunteering.Filter{OpenOnly: true, Limit: 40})
	if err != nil {
		return nil, err
	}
	for _, o := range opps {
		out = append(out, ItemSource{Kind: ItemFromOpportunity, ID: o.ID, Title: o.Title})
	}
	ins, err := s.community.Initiatives(ctx, territoryID, community.InitiativeFilter{Status: community.Active, PublishedOnly: true})
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		out = append(out, ItemSource{Kind: ItemFromInitiative, ID: in.ID, Title: in.Title})
	}
	// The stories that show somewhere: the item's channel is checked when
	// it is saved (storyItemCheck).
	stories, err := s.storiesShowing(ctx, territoryID, "", `1 = 1 ORDER BY s.published_at DESC, s.id DESC LIMIT 40`)
	for _, st := range stories {
		out = append(out, ItemSource{Kind: ItemFromStory, ID: st.ID, Title: st.Title})
	}
	return out, err
}

// ItemPrefill is what an item made from a source starts with.
type ItemPrefill struct {
	Input ItemInput
	// URL is the source's public page; ShareImage the picture to share
	// with the post, if the source has one.
	URL        string
	ShareImage string
}

// ItemFrom prefills an item promoting the source kind/id: its title, a
// ready-to-paste text (date, place, a call to act) in lang, and its
// public page as the link's target (the item's page adds the tracked link
// at the end of the text).
func (s *Store) ItemFrom(ctx context.Context, territoryID int64, lang, kind string, id int64) (ItemPrefill, error) {
	today, loc, err := s.today(ctx, territoryID)
	if err != nil {
		return ItemPrefill{}, err
	}
	p := ItemPrefill{Input: ItemInput{Channel: "facebook", Status: ItemDraft, SourceKind: kind, SourceID: id, Day: today.String()}}
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	switch kind {
	case ItemFromEvent:
		e, err := s.events.Get(ctx, territoryID, id)
		if err != nil {
			return p, err
		}
		if !e.Public(s.now()) {
			return p, errs.New(errs.NotFound, "errors.comms_item_source_not_found")
		}
		p.URL = s.baseURL + "/evenements/" + e.Slug
		p.ShareImage = p.URL + "/partage.png"
		place := e.PlaceName
		if e.VenueName != "" {
			place = e.VenueName + ", " + e.PlaceName
		}
		p.Input.Title = e.Name(s.cat, lang, loc)
		p.Input.Body = t("comms.calendar.text_event", e.Name(s.cat, lang, loc), i18n.DateTime(lang, e.StartsAt.In(loc)), place,
			strings.TrimSpace(e.Summary))
	case ItemFromOpportunity:
		o, err := s.volunteering.Opportunity(ctx, territoryID, id)
		if err != nil {
			return p, err
		}
		p.URL = s.baseURL + "/s-impliquer/offres/" + o.Slug
		p.ShareImage = p.URL + "/partage.png"
		place := o.PlaceName
		if place == "" {
			place = t("comms.calendar.remote")
		}
		p.Input.Title = o.Title
		p.Input.Body = t("comms.calendar.text_opportunity", o.Title, o.Organization.Name, place)
	case ItemFromInitiative:
		in, err := s.community.Initiative(ctx, territoryID, id)
		if err != nil {
			return p, err
		}
		p.URL = s.baseURL + "/initiatives/" + in.Slug
		p.ShareImage = p.URL + "/partage/image.png"
		p.Input.Title = in.Title
		p.Input.Body = t("comms.calendar.text_initiative", in.Title, in.PlaceName, strings.TrimSpace(in.Summary))
	case ItemFromStory:
		// The first channel the story's consents cover.
		var st Story
		for _, ch := range []string{"facebook", "website", "bulletin"} {
			list, err := s.storiesShowing(ctx, territoryID, ChannelScope(ch), `s.id = ?`, id)
			if err != nil {
				return p, err
			}
			if len(list) == 1 {
				st, p.Input.Channel = list[0], ch
				break
			}
		}
		if st.ID == 0 {
			return p, errs.New(errs.NotFound, "errors.comms_item_source_not_found")
		}
		p.URL = s.baseURL + st.Path()
		p.ShareImage = p.URL + "/carte.png"
		p.Input.Title = st.Title
		p.Input.Body = t("comms.calendar.text_story", st.Title, strings.TrimSpace(st.Summary))
	default:
		return p, errs.New(errs.NotFound, "errors.comms_item_source_not_found")
	}
	p.Input.Target = p.URL
	return p, nil
}

// ItemShareImage is the address of the share picture of the item's
// source, when it has one.
func (s *Store) ItemShareImage(ctx context.Context, territoryID int64, it Item) string {
	switch it.SourceKind {
	case ItemFromEvent:
		if e, err := s.events.Get(ctx, territoryID, it.SourceID); err == nil {
			return s.baseURL + "/evenements/" + e.Slug + "/partage.png"
		}
	case ItemFromOpportunity:
		if o, err := s.volunteering.Opportunity(ctx, territoryID, it.SourceID); err == nil {
			return s.baseURL + "/s-impliquer/offres/" + o.Slug + "/partage.png"
		}
	case ItemFromInitiative:
		if in, err := s.community.Initiative(ctx, territoryID, it.SourceID); err == nil {
			return s.baseURL + "/initiatives/" + in.Slug + "/partage/image.png"
		}
	case ItemFromStory:
		if list, err := s.storiesShowing(ctx, territoryID, ChannelScope(it.Channel), `s.id = ?`, it.SourceID); err == nil && len(list) == 1 {
			return s.baseURL + list[0].Path() + "/carte.png"
		}
	}
	return ""
}

// LinkURL is the short address of a tracked link's code.
func (s *Store) LinkURL(code string) string { return s.baseURL + "/l/" + code }

func (s *Store) calendarSigner(ctx context.Context) (*auth.LinkSigner, error) {
	l := s.auth.LinkSigner("comms_links", "comms_calendar_feed")
	return l, l.Load(ctx)
}

// CalendarFeedToken returns the token of the staff account's private
// feed, made the first time (renew: a new one, the old one stops working).
func (s *Store) CalendarFeedToken(ctx context.Context, territoryID, userID int64, renew bool) (string, error) {
	signer, err := s.calendarSigner(ctx)
	if err != nil {
		return "", err
	}
	var nonce string
	err = s.db.QueryRow(ctx, `SELECT nonce FROM comms_calendar_feeds WHERE territory_id = ? AND user_id = ?`, territoryID, userID).
		Scan(&nonce)
	if err == nil && !renew {
		return signer.Token(nonce)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	nonce, _ = auth.NewToken()
	tok, err := signer.Token(nonce)
	if err != nil {
		return "", err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM comms_calendar_feeds WHERE territory_id = ? AND user_id = ?`, territoryID, userID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO comms_calendar_feeds (territory_id, user_id, nonce, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			territoryID, userID, nonce, auth.HashToken(tok), s.now())
		return err
	})
	return tok, err
}

// CalendarFeed returns the content calendar as iCalendar for the owner of
// token, who must still hold a role that reads it; an unknown token, or
// one of an account that lost its role, is not found.
func (s *Store) CalendarFeed(ctx context.Context, territoryID int64, token, lang string) (export.Calendar, error) {
	var userID int64
	err := s.db.QueryRow(ctx, `SELECT user_id FROM comms_calendar_feeds WHERE territory_id = ? AND token_hash = ?`, territoryID,
		auth.HashToken(token)).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return export.Calendar{}, errs.New(errs.NotFound, "errors.comms_item_feed")
	}
	if err != nil {
		return export.Calendar{}, err
	}
	ok, err := s.itemIsStaff(ctx, territoryID, userID)
	if err != nil {
		return export.Calendar{}, err
	}
	if !ok {
		return export.Calendar{}, errs.New(errs.NotFound, "errors.comms_item_feed")
	}
	today, loc, err := s.today(ctx, territoryID)
	if err != nil {
		return export.Calendar{}, err
	}
	items, err := s.Items(ctx, territoryID, ItemFilter{From: today.AddMonths(-3), To: today.AddMonths(12)})
	if err != nil {
		return export.Calendar{}, err
	}
	cal := export.Calendar{Name: s.cat.T(lang, "comms.calendar.feed_name"), TimeZone: loc}
	host := "implique"
	if i := strings.Index(s.baseURL, "://"); i >= 0 {
		host = strings.Trim(s.baseURL[i+3:], "/")
	}
	for _, it := range items {
		ev := export.Event{
			UID:          "comms-item-" + strconv.FormatInt(it.ID, 10) + "@" + host,
			Summary:      "[" + s.cat.T(lang, "comms.channel."+it.Channel) + "] " + it.Title,
			Description:  s.cat.T(lang, "comms.item_status."+it.Status) + "\n\n" + it.Body,
			Created:      it.CreatedAt,
			LastModified: it.UpdatedAt,
		}
		if it.LinkCode != "" {
			ev.URL = s.LinkURL(it.LinkCode)
		}
		h, m, ok := calendar.ParseClock(it.Clock)
		if it.Clock != "" && ok {
			ev.Start = time.Date(it.Day.Year, it.Day.Month, it.Day.Day, h, m, 0, 0, loc)
			ev.End = ev.Start.Add(30 * time.Minute)
		} else {
			ev.AllDay = true
			ev.Start = time.Date(it.Day.Year, it.Day.Month, it.Day.Day, 0, 0, 0, 0, loc)
		}
		cal.Events = append(cal.Events, ev)
	}
	return cal, nil
}
