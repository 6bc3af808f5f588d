package comms

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/territory"
	"implique/internal/tracking"
)

// Channels are where a campaign speaks and where a calendar item goes out.
var Channels = []string{"facebook", "newsletter", "website", "bulletin", "newspaper", "radio", "poster"}

// Audiences are whom a campaign speaks to.
var Audiences = []string{"citizens", "seniors", "youth", "families", "newcomers", "organizations", "municipalities"}

// The phases of a campaign, as its list groups them.
const (
	CampaignCurrent  = "current"
	CampaignUpcoming = "upcoming"
	CampaignPast     = "past"
	CampaignArchived = "archived"
)

// CampaignPhases lists them in display order.
var CampaignPhases = []string{CampaignCurrent, CampaignUpcoming, CampaignPast, CampaignArchived}

// ValidChannel reports whether c is one of Channels.
func ValidChannel(c string) bool { return campaignIn(Channels, c) }

func campaignIn(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Campaign is a targeted campaign: what it is about, for whom, where,
// when, on which channels, and the code its tracked links carry.
type Campaign struct {
	ID          int64
	TerritoryID int64
	Code        string
	Theme       string
	Goal        string
	Audiences   []string
	Channels    []string
	// Places is empty when the campaign covers the whole territory.
	Places     []territory.Place
	StartsOn   calendar.Date
	EndsOn     calendar.Date
	ArchivedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Phase tells where the campaign stands on the day today.
func (c Campaign) Phase(today calendar.Date) string {
	switch {
	case c.ArchivedAt != nil:
		return CampaignArchived
	case today.Before(c.StartsOn):
		return CampaignUpcoming
	case c.EndsOn.Before(today):
		return CampaignPast
	}
	return CampaignCurrent
}

// HasAudience and HasChannel tell what the campaign's forms check.
func (c Campaign) HasAudience(a string) bool { return campaignIn(c.Audiences, a) }

// HasChannel reports whether the campaign uses channel ch.
func (c Campaign) HasChannel(ch string) bool { return campaignIn(c.Channels, ch) }

// HasPlace reports whether the campaign names the place of slug.
func (c Campaign) HasPlace(slug string) bool {
	for _, p := range c.Places {
		if p.Slug == slug {
			return true
		}
	}
	return false
}

// CampaignInput is a campaign as typed.
type CampaignInput struct {
	Theme, Goal      string
	StartsOn, EndsOn string
	Audiences        []string
	Channels         []string
	// Places are slugs; none means the whole territory.
	Places []string
}

// campaignSet keeps the known values of list among vals, in list's order,
// and adds key under field for any other.
func campaignSet(list, vals []string, f errs.Fields, field, key string) []string {
	var out []string
	for _, v := range list {
		if campaignIn(vals, v) {
			out = append(out, v)
		}
	}
	for _, v := range vals {
		if v != "" && !campaignIn(list, v) {
			f.Add(field, key)
		}
	}
	return out
}

func (s *Store) campaignCheck(ctx context.Context, territoryID int64, in *CampaignInput) (calendar.Date, calendar.Date, []territory.Place, error) {
	in.Theme = clean(in.Theme)
	in.Goal = strings.TrimSpace(in.Goal)
	f := errs.Fields{}
	switch {
	case in.Theme == "":
		f.Add("theme", "errors.required")
	case tooLong(in.Theme, 150):
		f.Add("theme", "errors.too_long")
	}
	if tooLong(in.Goal, 2000) {
		f.Add("goal", "errors.too_long")
	}
	in.Audiences = campaignSet(Audiences, in.Audiences, f, "audiences", "errors.comms_campaign_audience")
	in.Channels = campaignSet(Channels, in.Channels, f, "channels", "errors.comms_campaign_channel")
	w := calendar.Happening(s.now())
	start := w.Parse(f, "starts_on", in.StartsOn, true)
	end := w.Parse(f, "ends_on", in.EndsOn, true)
	if !start.IsZero() && !end.IsZero() {
		if end.Before(start) {
			f.Add("ends_on", "errors.comms_campaign_period")
		} else if start.AddMonths(24).Before(end) {
			f.Add("ends_on", "errors.comms_campaign_too_long")
		}
	}
	var places []territory.Place
	seen := map[string]bool{}
	for _, slug := range in.Places {
		if slug == "" || seen[slug] {
			continue
		}
		seen[slug] = true
		p, err := s.territories.Place(ctx, territoryID, slug)
		if errs.Is(err, errs.NotFound) {
			f.Add("places", "errors.place_unknown")
			continue
		} else if err != nil {
			return start, end, nil, err
		}
		places = append(places, p)
	}
	return start, end, places, f.Err()
}

func campaignWritePlaces(ctx context.Context, tx *db.Tx, id int64, places []territory.Place) error {
	if _, err := tx.Exec(ctx, `DELETE FROM comms_campaign_places WHERE campaign_id = ?`, id); err != nil {
		return err
	}
	for _, p := range places {
		if _, err := tx.Exec(ctx, `INSERT INTO comms_campaign_places (campaign_id, place_id) VALUES (?, ?)`, id, p.ID); err != nil {
			return err
		}
	}
	return nil
}

// CreateCampaign adds a campaign; its code is made once from the theme,
// unique in the territory (theme, theme-2, …).
func (s *Store) CreateCampaign(ctx context.Context, territoryID, userID int64, in CampaignInput) (Campaign, error) {
	start, end, places, err := s.campaignCheck(ctx, territoryID, &in)
	if err != nil {
		return Campaign{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		base := tracking.CampaignCode(in.Theme)
		if base == "" {
			base = "campagne"
		}
		code := base
		for i := 2; ; i++ {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM comms_campaigns WHERE territory_id = ? AND code = ?`, territoryID, code).
				Scan(&n); err != nil {
				return err
			}
			if n == 0 && code != ItemCalendarCode {
				break
			}
			code = base + "-" + strconv.Itoa(i)
		}
		var by any
		if userID != 0 {
			by = userID
		}
		now := s.now()
		id, err = tx.InsertID(ctx, `INSERT INTO comms_campaigns (territory_id, code, theme, goal, audiences, channels, starts_on, ends_on,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, code, in.Theme, in.Goal,
			strings.Join(in.Audiences, ","), strings.Join(in.Channels, ","), start, end, by, now, now)
		if err != nil {
			return err
		}
		return campaignWritePlaces(ctx, tx, id, places)
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, territoryID, id)
}

// UpdateCampaign saves a campaign's changes; its code stays, so that the
// links already printed keep counting for it.
func (s *Store) UpdateCampaign(ctx context.Context, territoryID, id int64, in CampaignInput) (Campaign, error) {
	start, end, places, err := s.campaignCheck(ctx, territoryID, &in)
	if err != nil {
		return Campaign{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE comms_campaigns SET theme = ?, goal = ?, audiences = ?, channels = ?, starts_on = ?, ends_on = ?,
			updated_at = ? WHERE territory_id = ? AND id = ?`, in.Theme, in.Goal, strings.Join(in.Audiences, ","),
			strings.Join(in.Channels, ","), start, end, s.now(), territoryID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.NotFound, "errors.comms_campaign_not_found")
		}
		return campaignWritePlaces(ctx, tx, id, places)
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, territoryID, id)
}

// ArchiveCampaign puts a campaign away (archive false: brings it back);
// its items, links and counts stay.
func (s *Store) ArchiveCampaign(ctx context.Context, territoryID, id int64, archive bool) error {
	var at any
	if archive {
		at = s.now()
	}
	res, err := s.db.Exec(ctx, `UPDATE comms_campaigns SET archived_at = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		at, s.now(), territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.comms_campaign_not_found")
	}
	return nil
}

const campaignCols = `id, territory_id, code, theme, goal, audiences, channels, starts_on, ends_on, archived_at, created_at, updated_at`

func campaignScan(row interface{ Scan(...any) error }) (Campaign, error) {
	var c Campaign
	var aud, ch string
	err := row.Scan(&c.ID, &c.TerritoryID, &c.Code, &c.Theme, &c.Goal, &aud, &ch, &c.StartsOn, &c.EndsOn,
		db.ScanNullTime(&c.ArchivedAt), db.ScanTime(&c.CreatedAt), db.ScanTime(&c.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.New(errs.NotFound, "errors.comms_campaign_not_found")
	}
	if aud != "" {
		c.Audiences = strings.Split(aud, ",")
	}
	if ch != "" {
		c.Channels = strings.Split(ch, ",")
	}
	return c, err
}

func (s *Store) campaignPlaces(ctx context.Context, list []Campaign) error {
	if len(list) == 0 {
		return nil
	}
	at := map[int64]int{}
	for i, c := range list {
		at[c.ID] = i
	}
	return db.Each(ctx, s.db, `SELECT cp.campaign_id, p.id, p.slug, p.name FROM comms_campaign_places cp
		JOIN places p ON p.id = cp.place_id JOIN comms_campaigns c ON c.id = cp.campaign_id
		WHERE c.territory_id = ? ORDER BY p.name`, []any{list[0].TerritoryID}, func(rows *sql.Rows) error {
		var cid int64
		var p territory.Place
		if err := rows.Scan(&cid, &p.ID, &p.Slug, &p.Name); err != nil {
			return err
		}
		if i, ok := at[cid]; ok {
			list[i].Places = append(list[i].Places, p)
		}
		return nil
	})
}

// Campaign returns one campaign of the territory.
func (s *Store) Campaign(ctx context.Context, territoryID, id int64) (Campaign, error) {
	c, err := campaignScan(s.db.QueryRow(ctx, `SELECT `+campaignCols+` FROM comms_campaigns WHERE territory_id = ? AND id = ?`,
		territoryID, id))
	if err != nil {
		return c, err
	}
	list := []Campaign{c}
	err = s.campaignPlaces(ctx, list)
	return list[0], err
}

// Campaigns lists the territory's campaigns, the latest start first
// (archived ones too: Phase tells them apart).
func (s *Store) Campaigns(ctx context.Context, territoryID int64) ([]Campaign, error) {
	var out []Campaign
	err := db.Each(ctx, s.db, `SELECT `+campaignCols+` FROM comms_campaigns WHERE territory_id = ? ORDER BY starts_on DESC, id DESC`,
		[]any{territoryID}, func(rows *sql.Rows) error {
			c, err := campaignScan(rows)
			out = append(out, c)
			return err
		})
	if err != nil {
		return nil, err
	}
	return out, s.campaignPlaces(ctx, out)
}

// CampaignLinks lists the tracked links carrying the campaign's code.
func (s *Store) CampaignLinks(ctx context.Context, territoryID, id int64) ([]tracking.Link, error) {
	c, err := s.Campaign(ctx, territoryID, id)
	if err != nil {
		return nil, err
	}
	return s.tracking.CampaignLinks(ctx, territoryID, c.Code)
}

// CreateCampaignLink makes a tracked link to target under the campaign's
// code.
func (s *Store) CreateCampaignLink(ctx context.Context, territoryID, userID, id int64, target, label string) (tracking.Link, error) {
	c, err := s.Campaign(ctx, territoryID, id)
	if err != nil {
		return tracking.Link{}, err
	}
	return s.tracking.Create(ctx, territoryID, userID, tracking.Input{Target: s.subscribeTarget(target, c.Code), Campaign: c.Code, Label: label})
}

// subscribeTarget is target, and when it is the site's own newsletter
// form, that form under the campaign's code (?campagne=), so that the
// subscriptions it brings count for the campaign.
func (s *Store) subscribeTarget(target, code string) string {
	t := strings.TrimSpace(target)
	if t != "" && !strings.Contains(t, "://") {
		t = "https://" + t
	}
	u, err := url.Parse(t)
	if err != nil || strings.TrimRight(u.Path, "/") != "/infolettre" || !s.ownHost(u) {
		return target
	}
	q := u.Query()
	q.Set("campagne", code)
	u.RawQuery = q.Encode()
	return u.String()
}

// ownHost reports whether u is on the site's own host (any host when the
// site's address is not known).
func (s *Store) ownHost(u *url.URL) bool {
	if s.baseURL == "" {
		return true
	}
	b, err := url.Parse(s.baseURL)
	return err == nil && strings.EqualFold(b.Host, u.Host)
}

// CampaignResults is what a campaign did for the program over its period
// (up to today while it runs).
type CampaignResults struct {
	From, To calendar.Date
	// Clicks on the campaign's tracked links, by day, within the period.
	Clicks int
	Links  int
	// Registrations made during the period to the events it promotes, and
	// applications to the opportunities it promotes.
	Events        int
	Registrations int
	Opportunities int
	Applications  int
	// Subscribers: newsletter subscriptions confirmed during the period
	// that came through the campaign.
	Subscribers int
}

// CampaignResults counts what the campaign of id produced.
func (s *Store) CampaignResults(ctx context.Context, territoryID, id int64) (CampaignResults, error) {
	c, err := s.Campaign(ctx, territoryID, id)
	if err != nil {
		return CampaignResults{}, err
	}
	today, loc, err := s.today(ctx, territoryID)
	if err != nil {
		return CampaignResults{}, err
	}
	r := CampaignResults{From: c.StartsOn, To: c.EndsOn}
	if today.Before(r.To) {
		r.To = today
	}
	from := time.Date(r.From.Year, r.From.Month, r.From.Day, 0, 0, 0, 0, loc)
	to := time.Date(r.To.Year, r.To.Month, r.To.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	links, err := s.tracking.CampaignLinks(ctx, territoryID, c.Code)
	if err != nil {
		return r, err
	}
	r.Links = len(links)
	if r.To.Before(r.From) {
		// Not begun: nothing counted yet.
		return r, nil
	}
	if r.Clicks, err = s.tracking.CampaignClicks(ctx, territoryID, c.Code, r.From.String(), r.To.String()); err != nil {
		return r, err
	}
	eventIDs, oppIDs := map[int64]bool{}, map[int64]bool{}
	err = db.Each(ctx, s.db, `SELECT source_kind, source_id FROM comms_items WHERE territory_id = ? AND campaign_id = ?
		AND source_id IS NOT NULL AND source_kind IN ('event', 'opportunity')`, []any{territoryID, id}, func(rows *sql.Rows) error {
		var kind string
		var sid int64
		if err := rows.Scan(&kind, &sid); err != nil {
			return err
		}
		if kind == ItemFromEvent {
			eventIDs[sid] = true
		} else {
			oppIDs[sid] = true
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	for _, l := range links {
		kind, slug := s.campaignTarget(l.Target)
		switch kind {
		case ItemFromEvent:
			if e, err := s.events.BySlug(ctx, territoryID, slug); err == nil {
				eventIDs[e.ID] = true
			} else if !errs.Is(err, errs.NotFound) {
				return r, err
			}
		case ItemFromOpportunity:
			if o, err := s.volunteering.OpportunityBySlug(ctx, territoryID, slug); err == nil {
				oppIDs[o.ID] = true
			} else if !errs.Is(err, errs.NotFound) {
				return r, err
			}
		}
	}
	r.Events, r.Opportunities = len(eventIDs), len(oppIDs)
	if r.Registrations, err = s.events.RegistrationsMade(ctx, territoryID, campaignKeys(eventIDs), from, to); err != nil {
		return r, err
	}
	if r.Applications, err = s.volunteering.ApplicationsMade(ctx, territoryID, campaignKeys(oppIDs), from, to); err != nil {
		return r, err
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM comms_subscriptions su JOIN comms_lists li ON li.id = su.list_id
		WHERE li.territory_id = ? AND su.campaign = ? AND su.confirmed_at >= ? AND su.confirmed_at < ?`,
		territoryID, c.Code, from.UTC(), to.UTC()).Scan(&r.Subscribers)
	return r, err
}

func campaignKeys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// campaignTarget tells whether a link's target is the public page of one
// of the program's events or opportunities, and its slug.
func (s *Store) campaignTarget(target string) (kind, slug string) {
	u, err := url.Parse(target)
	if err != nil {
		return "", ""
	}
	if !s.ownHost(u) {
		return "", ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "evenements":
		return ItemFromEvent, parts[1]
	case len(parts) == 3 && parts[0] == "s-impliquer" && parts[1] == "offres":
		return ItemFromOpportunity, parts[2]
	}
	return "", ""
}
