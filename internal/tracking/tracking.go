// Package tracking owns the tracked short links: /l/{code} sends a visitor
// to an outside page (jebénévole.ca first of all) and counts the click by
// day, under the link's campaign and place. Nothing about the visitor is
// kept — no address, no cookie, no browser — so the counts are the only
// trace. The « utilisation de jebénévole.ca » indicator is read here.
package tracking

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// JebenevoleHost is the province's volunteering site.
const JebenevoleHost = "jebenevole.ca"

// Link is a tracked short link.
type Link struct {
	ID          int64
	TerritoryID int64
	Code        string
	Target      string
	TargetHost  string
	Campaign    string
	PlaceID     int64
	PlaceSlug   string
	PlaceName   string
	Label       string
	CreatedAt   time.Time
	Archived    bool
	// Clicks counted in all, and over the last 30 days.
	Clicks       int
	RecentClicks int
}

// Jebenevole reports whether the link leads to jebénévole.ca.
func (l Link) Jebenevole() bool { return IsJebenevole(l.TargetHost) }

// IsJebenevole reports whether host is jebénévole.ca or one of its subdomains.
func IsJebenevole(host string) bool {
	return host == JebenevoleHost || strings.HasSuffix(host, "."+JebenevoleHost)
}

// Store keeps the links and their counts.
type Store struct {
	db          *db.DB
	territories *territory.Store
	now         func() time.Time
}

// NewStore returns the tracking store, on the clock now (nil: the wall clock).
func NewStore(d *db.DB, ts *territory.Store, now func() time.Time) *Store {
	return &Store{db: d, territories: ts, now: db.Clock(now)}
}

// Input is a link as typed.
type Input struct {
	Target    string
	Campaign  string
	PlaceSlug string
	Label     string
}

// CampaignCode turns what was typed into a campaign code: « Semaine de
// l'action bénévole 2026 » becomes semaine-de-l-action-benevole-2026.
func CampaignCode(s string) string { return i18n.Slug(s, 60) }

// check validates an input and resolves its place.
func (s *Store) check(ctx context.Context, territoryID int64, in *Input) (host string, placeID any, err error) {
	in.Target = strings.TrimSpace(in.Target)
	if in.Target != "" && !strings.Contains(in.Target, "://") {
		in.Target = "https://" + in.Target
	}
	in.Campaign = CampaignCode(in.Campaign)
	in.Label = strings.Join(strings.Fields(in.Label), " ")
	f := errs.Fields{}
	u, perr := url.Parse(in.Target)
	switch {
	case strings.TrimSpace(in.Target) == "":
		f.Add("target", "errors.required")
	// A host has a dot, except localhost: the product's own pages, when it
	// runs on one computer (a demonstration), are promoted like any other.
	case perr != nil || (u.Scheme != "https" && u.Scheme != "http") || (!strings.Contains(u.Hostname(), ".") && u.Hostname() != "localhost") ||
		strings.ContainsAny(in.Target, " <>\"") || len(in.Target) > 1000 || u.User != nil:
		f.Add("target", "errors.link_target")
	default:
		host = strings.ToLower(u.Hostname())
	}
	if in.Campaign == "" {
		f.Add("campaign", "errors.required")
	}
	if utf8.RuneCountInString(in.Label) > 150 {
		f.Add("label", "errors.too_long")
	}
	if in.PlaceSlug != "" {
		p, err := s.territories.Place(ctx, territoryID, in.PlaceSlug)
		if errs.Is(err, errs.NotFound) {
			f.Add("place", "errors.place_unknown")
		} else if err != nil {
			return "", nil, err
		} else {
			placeID = p.ID
		}
	}
	return host, placeID, f.Err()
}

// codeAlphabet keeps codes easy to read aloud and to type from a poster.
const codeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

func newCode() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// Create makes a new short link.
func (s *Store) Create(ctx context.Context, territoryID, userID int64, in Input) (Link, error) {
	host, placeID, err := s.check(ctx, territoryID, &in)
	if err != nil {
		return Link{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var by any
		if userID != 0 {
			by = userID
		}
		for range 10 {
			id, err = tx.InsertID(ctx, `INSERT INTO tracked_links (territory_id, code, target, target_host, campaign, place_id, label,
				created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				territoryID, newCode(), in.Target, host, in.Campaign, placeID, in.Label, by, s.now())
			if !db.IsUniqueViolation(err) {
				return err
			}
		}
		return err
	})
	if err != nil {
		return Link{}, err
	}
	return s.Get(ctx, territoryID, id)
}

// Ensure returns the link of the territory to target under a campaign and
// a place, creating it the first time (the links opportunities show are
// made this way).
func (s *Store) Ensure(ctx context.Context, territoryID int64, in Input) (Link, error) {
	if _, _, err := s.check(ctx, territoryID, &in); err != nil {
		return Link{}, err
	}
	q := `SELECT l.id FROM tracked_links l LEFT JOIN places p ON p.id = l.place_id WHERE l.territory_id = ? AND l.target = ?
		AND l.campaign = ? AND l.archived_at IS NULL AND COALESCE(p.slug, '') = ? ORDER BY l.id LIMIT 1`
	var id int64
	err := s.db.QueryRow(ctx, q, territoryID, in.Target, in.Campaign, in.PlaceSlug).Scan(&id)
	if err == nil {
		return s.Get(ctx, territoryID, id)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Link{}, err
	}
	return s.Create(ctx, territoryID, 0, in)
}

const linkCols = `l.id, l.territory_id, l.code, l.target, l.target_host, l.campaign, COALESCE(l.place_id, 0), COALESCE(p.slug, ''),
	COALESCE(p.name, ''), l.label, l.created_at, l.archived_at IS NOT NULL,
	COALESCE((SELECT SUM(c.clicks) FROM tracked_clicks c WHERE c.link_id = l.id), 0),
	COALESCE((SELECT SUM(c.clicks) FROM tracked_clicks c WHERE c.link_id = l.id AND c.day >= ?), 0)`

const linkFrom = ` FROM tracked_links l LEFT JOIN places p ON p.id = l.place_id `

func scanLink(row interface{ Scan(...any) error }) (Link, error) {
	var l Link
	err := row.Scan(&l.ID, &l.TerritoryID, &l.Code, &l.Target, &l.TargetHost, &l.Campaign, &l.PlaceID, &l.PlaceSlug, &l.PlaceName,
		&l.Label, &l.CreatedAt, &l.Archived, &l.Clicks, &l.RecentClicks)
	if errors.Is(err, sql.ErrNoRows) {
		return l, errs.New(errs.NotFound, "errors.link_not_found")
	}
	return l, err
}

// recentFrom is the first day of the last 30 days.
func (s *Store) recentFrom() string { return s.now().AddDate(0, 0, -29).Format("2006-01-02") }

// Get returns a link of the territory.
func (s *Store) Get(ctx context.Context, territoryID, id int64) (Link, error) {
	return scanLink(s.db.QueryRow(ctx, `SELECT `+linkCols+linkFrom+`WHERE l.territory_id = ? AND l.id = ?`, s.recentFrom(), territoryID, id))
}

// List returns a territory's links, the newest first.
func (s *Store) List(ctx context.Context, territoryID int64) ([]Link, error) {
	rows, err := s.db.Query(ctx, `SELECT `+linkCols+linkFrom+`WHERE l.territory_id = ? ORDER BY l.archived_at IS NOT NULL, l.created_at DESC, l.id DESC`,
		s.recentFrom(), territoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Archive stops showing a link in the list (it keeps redirecting, so that
// printed posters keep working), or shows it again.
func (s *Store) Archive(ctx context.Context, territoryID, id int64, archived bool) error {
	var at any
	if archived {
		at = s.now()
	}
	res, err := s.db.Exec(ctx, `UPDATE tracked_links SET archived_at = ? WHERE territory_id = ? AND id = ?`, at, territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.link_not_found")
	}
	return nil
}

// Follow counts a click on the link of code and returns where it leads.
// A code of another territory is unknown here.
func (s *Store) Follow(ctx context.Context, territoryID int64, code string, count bool) (string, error) {
	var id int64
	var target string
	err := s.db.QueryRow(ctx, `SELECT id, target FROM tracked_links WHERE territory_id = ? AND code = ?`,
		territoryID, strings.ToLower(strings.TrimSpace(code))).Scan(&id, &target)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.New(errs.NotFound, "errors.link_not_found")
	}
	if err != nil {
		return "", err
	}
	if count {
		t, err := s.territories.ByID(ctx, territoryID)
		if err != nil {
			return "", err
		}
		return target, s.Count(ctx, id, s.now().In(t.Location()))
	}
	return target, nil
}

// Count adds one click to a link on the day of at.
func (s *Store) Count(ctx context.Context, linkID int64, at time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO tracked_clicks (link_id, day, clicks) VALUES (?, ?, 1)
		ON CONFLICT (link_id, day) DO UPDATE SET clicks = tracked_clicks.clicks + 1`, linkID, at.Format("2006-01-02"))
	return err
}

// Tally is a count of clicks under one name (a campaign, a place, a month).
type Tally struct {
	Key    string
	Name   string
	Clicks int
}

// Report is the clicks of a territory's links: by campaign, by place and
// by month, and the jebénévole.ca indicator.
type Report struct {
	From, To   string
	Total      int
	Jebenevole int
	// JebenevoleByMonth: clicks to jebénévole.ca per month (YYYY-MM), oldest first.
	JebenevoleByMonth []Tally
	ByCampaign        []Tally
	ByPlace           []Tally
	ComputedAt        time.Time
}

// Report counts the clicks between from and to (YYYY-MM-DD, both included).
func (s *Store) Report(ctx context.Context, territoryID int64, from, to string) (Report, error) {
	r := Report{From: from, To: to, ComputedAt: s.now()}
	rows, err := s.db.Query(ctx, `SELECT l.campaign, COALESCE(p.slug, ''), COALESCE(p.name, ''), l.target_host, c.day, c.clicks
		FROM tracked_clicks c JOIN tracked_links l ON l.id = c.link_id LEFT JOIN places p ON p.id = l.place_id
		WHERE l.territory_id = ? AND c.day >= ? AND c.day <= ?`, territoryID, from, to)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	campaigns, places, months := map[string]int{}, map[string]*Tally{}, map[string]int{}
	for rows.Next() {
		var campaign, placeSlug, placeName, host, day string
		var n int
		if err := rows.Scan(&campaign, &placeSlug, &placeName, &host, &day, &n); err != nil {
			return r, err
		}
		r.Total += n
		campaigns[campaign] += n
		pt := places[placeSlug]
		if pt == nil {
			pt = &Tally{Key: placeSlug, Name: placeName}
			places[placeSlug] = pt
		}
		pt.Clicks += n
		if IsJebenevole(host) {
			r.Jebenevole += n
			if len(day) >= 7 {
				months[day[:7]] += n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	for k, n := range campaigns {
		r.ByCampaign = append(r.ByCampaign, Tally{Key: k, Name: k, Clicks: n})
	}
	for _, t := range places {
		r.ByPlace = append(r.ByPlace, *t)
	}
	for k, n := range months {
		r.JebenevoleByMonth = append(r.JebenevoleByMonth, Tally{Key: k, Name: k, Clicks: n})
	}
	byClicks := func(list []Tally) {
		sort.Slice(list, func(i, j int) bool {
			if list[i].Clicks != list[j].Clicks {
				return list[i].Clicks > list[j].Clicks
			}
			return list[i].Key < list[j].Key
		})
	}
	byClicks(r.ByCampaign)
	byClicks(r.ByPlace)
	sort.Slice(r.JebenevoleByMonth, func(i, j int) bool { return r.JebenevoleByMonth[i].Key < r.JebenevoleByMonth[j].Key })
	return r, nil
}

// CampaignClicks counts the clicks on the territory's links of a campaign
// on the days from to to (YYYY-MM-DD, both included).
func (s *Store) CampaignClicks(ctx context.Context, territoryID int64, campaign, from, to string) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(c.clicks), 0) FROM tracked_clicks c JOIN tracked_links l ON l.id = c.link_id
		WHERE l.territory_id = ? AND l.campaign = ? AND c.day >= ? AND c.day <= ?`, territoryID, campaign, from, to).Scan(&n)
	return n, err
}

// CampaignLinks lists the territory's links of a campaign, the newest first.
func (s *Store) CampaignLinks(ctx context.Context, territoryID int64, campaign string) ([]Link, error) {
	var out []Link
	err := db.Each(ctx, s.db, `SELECT `+linkCols+linkFrom+`WHERE l.territory_id = ? AND l.campaign = ?
		ORDER BY l.archived_at IS NOT NULL, l.created_at DESC, l.id DESC`, []any{s.recentFrom(), territoryID, campaign},
		func(rows *sql.Rows) error {
			l, err := scanLink(rows)
			out = append(out, l)
			return err
		})
	return out, err
}

// LinksClicks counts the clicks on some of the territory's links on the
// days from from (YYYY-MM-DD) on: what a newsletter's links brought since
// its sending.
func (s *Store) LinksClicks(ctx context.Context, territoryID int64, ids []int64, from string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	args := []any{territoryID, from}
	marks := make([]string, len(ids))
	for i, id := range ids {
		marks[i] = "?"
		args = append(args, id)
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(c.clicks), 0) FROM tracked_clicks c JOIN tracked_links l ON l.id = c.link_id
		WHERE l.territory_id = ? AND c.day >= ? AND l.id IN (`+strings.Join(marks, ", ")+`)`, args...).Scan(&n)
	return n, err
}
