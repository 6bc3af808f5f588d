// Package territory owns territories (an MRC running its program), their
// settings, and their places (municipalities, secteurs, communities).
package territory

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/db"
	"implique/internal/errs"
)

// Territory is a tenant: one program on one territory.
type Territory struct {
	ID   int64
	Slug string
	Host string
	Settings
	// PagesVersion rises with every change made through the site; the
	// rendered public pages kept by any instance are keyed by it.
	PagesVersion int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Settings are what an administrator edits.
type Settings struct {
	Name                string
	OperatorName        string
	ProgramName         string
	ContactEmail        string
	ContactPhone        string
	MailingAddress      string
	PrivacyOfficerName  string
	PrivacyOfficerEmail string
	// PrivacyOfficerTitle is the officer's title (« Directrice générale »),
	// shown beside their name on the published policy.
	PrivacyOfficerTitle string
	TimeZone            string
	BrandColor          string
	// PublicFormsPerHour is how many public forms (sign-ups, proposals,
	// supports, requests) one address may send in an hour.
	PublicFormsPerHour int
	// DinnerTarget is how many soupers citoyens the program plans.
	DinnerTarget int
	// SmallGroupMinimum is the smallest group a figure is shown for: a
	// survey result or a count of people under it stays hidden.
	SmallGroupMinimum int
}

// Location is the territory's time zone (America/Toronto when unknown).
func (t Territory) Location() *time.Location {
	if loc, err := time.LoadLocation(t.TimeZone); err == nil {
		return loc
	}
	loc, _ := time.LoadLocation("America/Toronto")
	return loc
}

// MailFooter names the sender with a mailing address and a contact, as
// Canada's anti-spam law asks of every message.
func (t Territory) MailFooter() string {
	parts := []string{t.OperatorName}
	if t.MailingAddress != "" {
		parts = append(parts, t.MailingAddress)
	}
	if c := strings.TrimSpace(t.ContactPhone + "  " + t.ContactEmail); c != "" {
		parts = append(parts, c)
	}
	return strings.Join(parts, "\n")
}

// Store reads and writes territories and places.
type Store struct {
	db *db.DB
}

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const territoryCols = `id, slug, host, name, operator_name, program_name, contact_email, contact_phone,
	mailing_address, privacy_officer_name, privacy_officer_email, privacy_officer_title, time_zone, brand_color, public_forms_per_hour,
	dinner_target, small_group_minimum, pages_version, created_at, updated_at`

func scanTerritory(row interface{ Scan(...any) error }) (Territory, error) {
	var t Territory
	err := row.Scan(&t.ID, &t.Slug, &t.Host, &t.Name, &t.OperatorName, &t.ProgramName, &t.ContactEmail,
		&t.ContactPhone, &t.MailingAddress, &t.PrivacyOfficerName, &t.PrivacyOfficerEmail, &t.PrivacyOfficerTitle, &t.TimeZone,
		&t.BrandColor, &t.PublicFormsPerHour, &t.DinnerTarget, &t.SmallGroupMinimum, &t.PagesVersion, &t.CreatedAt, &t.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return t, errs.New(errs.NotFound, "errors.territory_not_found")
	}
	return t, err
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Create adds a territory with its settings.
func (s *Store) Create(ctx context.Context, slug string, set Settings) (Territory, error) {
	var t Territory
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		t, err = s.CreateTx(ctx, tx, slug, set)
		return err
	})
	return t, err
}

// CreateTx is Create inside tx, for a caller that writes the territory's
// places, host and first administrator with it (all or nothing).
func (s *Store) CreateTx(ctx context.Context, tx *db.Tx, slug string, set Settings) (Territory, error) {
	f := errs.Fields{}
	if !slugRe.MatchString(slug) || len(slug) > 60 {
		f.Add("slug", "errors.slug")
	}
	set.normalise()
	set.validate(f)
	if err := f.Err(); err != nil {
		return Territory{}, err
	}
	now := db.Now()
	id, err := tx.InsertID(ctx, `INSERT INTO territories (slug, name, operator_name, program_name, contact_email,
		contact_phone, mailing_address, privacy_officer_name, privacy_officer_email, privacy_officer_title, time_zone, brand_color,
		public_forms_per_hour, dinner_target, small_group_minimum, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		slug, set.Name, set.OperatorName, set.ProgramName, set.ContactEmail, set.ContactPhone, set.MailingAddress,
		set.PrivacyOfficerName, set.PrivacyOfficerEmail, set.PrivacyOfficerTitle, set.TimeZone, set.BrandColor, set.PublicFormsPerHour, set.DinnerTarget,
		set.SmallGroupMinimum, now, now)
	if db.IsUniqueViolation(err) {
		return Territory{}, errs.New(errs.Conflict, "errors.territory_exists")
	}
	if err != nil {
		return Territory{}, err
	}
	return scanTerritory(tx.QueryRow(ctx, `SELECT `+territoryCols+` FROM territories WHERE id = ?`, id))
}

// ByID returns a territory.
func (s *Store) ByID(ctx context.Context, id int64) (Territory, error) {
	return scanTerritory(s.db.QueryRow(ctx, `SELECT `+territoryCols+` FROM territories WHERE id = ?`, id))
}

// BySlug returns a territory.
func (s *Store) BySlug(ctx context.Context, slug string) (Territory, error) {
	return scanTerritory(s.db.QueryRow(ctx, `SELECT `+territoryCols+` FROM territories WHERE slug = ?`, slug))
}

// ForHost returns the territory served on host (a port is ignored); when
// no territory claims that host, the first territory without a host, or
// else the first territory.
func (s *Store) ForHost(ctx context.Context, host string) (Territory, error) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	return scanTerritory(s.db.QueryRow(ctx, forHostQuery, host))
}

const forHostQuery = `SELECT ` + territoryCols + ` FROM territories
	ORDER BY CASE WHEN host = ? AND host <> '' THEN 0 WHEN host = '' THEN 1 ELSE 2 END, id LIMIT 1`

// BumpPagesVersion raises the version of the territory's public pages: the
// pages any instance kept for it are no longer served.
func (s *Store) BumpPagesVersion(ctx context.Context, id int64) error {
	_, err := s.db.Exec(ctx, `UPDATE territories SET pages_version = pages_version + 1 WHERE id = ?`, id)
	return err
}

// SetHost makes a territory the one served on host (a domain name, no
// port), for installations that run several territories; "" clears it.
// A host another territory is served on is a Conflict.
func (s *Store) SetHost(ctx context.Context, id int64, host string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error { return s.SetHostTx(ctx, tx, id, host) })
}

// SetHostTx is SetHost inside tx.
func (s *Store) SetHostTx(ctx context.Context, tx *db.Tx, id int64, host string) error {
	host, err := NormalizeHost(host)
	if err != nil {
		return err
	}
	if host != "" {
		var other int64
		err := tx.QueryRow(ctx, `SELECT id FROM territories WHERE host = ? AND id <> ?`, host, id).Scan(&other)
		if err == nil {
			return hostTaken()
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	res, err := tx.Exec(ctx, `UPDATE territories SET host = ?, updated_at = ? WHERE id = ?`, host, db.Now(), id)
	if db.IsUniqueViolation(err) {
		return hostTaken()
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.territory_not_found")
	}
	return nil
}

func hostTaken() error {
	return &errs.Error{Code: errs.Conflict, Key: "errors.host_taken", Fields: map[string]string{"host": "errors.host_taken"}}
}

// NormalizeHost checks a host as typed (a domain name, no port, no
// scheme) and puts it in lower case; "" stays "" (no host of its own).
func NormalizeHost(host string) (string, error) {
	host = strings.ToLower(strings.TrimSpace(host))
	if host != "" && (len(host) > 253 || strings.ContainsAny(host, ":/ \\@?#") || !strings.Contains(host, ".") && host != "localhost" ||
		strings.HasPrefix(host, ".") || strings.HasSuffix(host, ".") || strings.Contains(host, "..")) {
		return "", errs.Fields{"host": "errors.host"}.Err()
	}
	return host, nil
}

// List returns every territory, in order of creation.
func (s *Store) List(ctx context.Context) ([]Territory, error) {
	var out []Territory
	err := db.Each(ctx, s.db, `SELECT `+territoryCols+` FROM territories ORDER BY id`, nil, func(r *sql.Rows) error {
		t, err := scanTerritory(r)
		out = append(out, t)
		return err
	})
	return out, err
}

// PlaceCounts counts every territory's places.
func (s *Store) PlaceCounts(ctx context.Context) (map[int64]int, error) {
	return db.CountsByID(ctx, s.db, `SELECT territory_id, COUNT(*) FROM places GROUP BY territory_id`)
}

// Count returns how many territories exist.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM territories`).Scan(&n)
	return n, err
}

// IDs lists every territory's id, in order of creation.
func (s *Store) IDs(ctx context.Context) ([]int64, error) {
	var out []int64
	err := db.Each(ctx, s.db, `SELECT id FROM territories ORDER BY id`, nil, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	return out, err
}

// UpdateSettings validates and saves a territory's settings.
func (s *Store) UpdateSettings(ctx context.Context, id int64, set Settings) error {
	set.normalise()
	f := errs.Fields{}
	set.validate(f)
	if err := f.Err(); err != nil {
		return err
	}
	res, err := s.db.Exec(ctx, `UPDATE territories SET name = ?, operator_name = ?, program_name = ?, contact_email = ?,
		contact_phone = ?, mailing_address = ?, privacy_officer_name = ?, privacy_officer_email = ?,
		privacy_officer_title = ?, time_zone = ?, brand_color = ?, public_forms_per_hour = ?, dinner_target = ?,
		small_group_minimum = ?, updated_at = ? WHERE id = ?`,
		set.Name, set.OperatorName, set.ProgramName, set.ContactEmail, set.ContactPhone, set.MailingAddress,
		set.PrivacyOfficerName, set.PrivacyOfficerEmail, set.PrivacyOfficerTitle, set.TimeZone, set.BrandColor, set.PublicFormsPerHour, set.DinnerTarget,
		set.SmallGroupMinimum, db.Now(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.territory_not_found")
	}
	return nil
}

func (set *Settings) normalise() {
	for _, p := range []*string{&set.Name, &set.OperatorName, &set.ProgramName, &set.ContactEmail, &set.ContactPhone,
		&set.MailingAddress, &set.PrivacyOfficerName, &set.PrivacyOfficerEmail, &set.PrivacyOfficerTitle, &set.TimeZone, &set.BrandColor} {
		*p = strings.TrimSpace(*p)
	}
	set.ContactEmail = strings.ToLower(set.ContactEmail)
	set.PrivacyOfficerEmail = strings.ToLower(set.PrivacyOfficerEmail)
	set.BrandColor = strings.ToLower(set.BrandColor)
	if set.TimeZone == "" {
		set.TimeZone = "America/Toronto"
	}
	if set.BrandColor == "" {
		set.BrandColor = DefaultBrandColor
	}
	if set.PublicFormsPerHour == 0 {
		set.PublicFormsPerHour = DefaultPublicFormsPerHour
	}
	if set.DinnerTarget == 0 {
		set.DinnerTarget = DefaultDinnerTarget
	}
	if set.SmallGroupMinimum == 0 {
		set.SmallGroupMinimum = DefaultSmallGroupMinimum
	}
}

// DefaultSmallGroupMinimum hides every figure about fewer than 5 people.
const DefaultSmallGroupMinimum = 5

// The small-group minimum an administrator may choose: 2 to 50 people.
const (
	MinSmallGroupMinimum = 2
	MaxSmallGroupMinimum = 50
)

// DefaultDinnerTarget is the program's plan: 18 soupers citoyens.
const DefaultDinnerTarget = 18

// DefaultPublicFormsPerHour is how many public forms one address may send
// in an hour unless an administrator says otherwise (1 to 1 000): enough for
// a family or a shared computer at the library, not for a script.
const DefaultPublicFormsPerHour = 30

// DefaultBrandColor is a dark teal that keeps white text readable (AA).
const DefaultBrandColor = "#1b5e7a"

var colorRe = regexp.MustCompile(`^#[0-9a-f]{6}$`)

func (set Settings) validate(f errs.Fields) {
	text := func(field, v string, required bool, max int) {
		switch {
		case required && v == "":
			f.Add(field, "errors.required")
		case utf8.RuneCountInString(v) > max:
			f.Add(field, "errors.too_long")
		}
	}
	text("name", set.Name, true, 120)
	text("operator_name", set.OperatorName, false, 200)
	text("program_name", set.ProgramName, false, 200)
	text("contact_phone", set.ContactPhone, false, 60)
	text("mailing_address", set.MailingAddress, false, 300)
	text("privacy_officer_name", set.PrivacyOfficerName, false, 120)
	text("privacy_officer_title", set.PrivacyOfficerTitle, false, 120)
	for field, v := range map[string]string{"contact_email": set.ContactEmail, "privacy_officer_email": set.PrivacyOfficerEmail} {
		if v != "" && !ValidEmail(v) {
			f.Add(field, "errors.email")
		}
	}
	if _, err := time.LoadLocation(set.TimeZone); err != nil || !strings.Contains(set.TimeZone, "/") {
		f.Add("time_zone", "errors.time_zone")
	}
	if set.DinnerTarget < 1 || set.DinnerTarget > 500 {
		f.Add("dinner_target", "errors.dinner_target")
	}
	if set.PublicFormsPerHour < 1 || set.PublicFormsPerHour > 1000 {
		f.Add("public_forms_per_hour", "errors.public_forms_per_hour")
	}
	// A group of one is a person; beyond 50 a small territory would show
	// almost nothing.
	if set.SmallGroupMinimum < MinSmallGroupMinimum || set.SmallGroupMinimum > MaxSmallGroupMinimum {
		f.Add("small_group_minimum", "errors.small_group_minimum")
	}
	if !colorRe.MatchString(set.BrandColor) {
		f.Add("brand_color", "errors.color")
	} else if ContrastWithWhite(set.BrandColor) < 4.5 {
		f.Add("brand_color", "errors.color_contrast")
	}
}

// ValidEmail reports whether s is a plain e-mail address (no display name).
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \r\n<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}
