// Package auth owns accounts, roles, sessions, sign-in tokens, rate limits
// and the authorization policy.
package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/territory"
)

// User is an account.
type User struct {
	ID          int64
	Email       string
	Name        string
	Locale      string
	HasPassword bool
	CreatedAt   time.Time
	LastLoginAt *time.Time
	DisabledAt  *time.Time
	// InstallationAdmin runs the installation (its territories and their
	// hosts), whatever their roles in a territory.
	InstallationAdmin bool
}

// Disabled reports whether the account is disabled.
func (u *User) Disabled() bool { return u.DisabledAt != nil }

// DisplayName is the name, or the e-mail when there is none. A name that
// is not valid UTF-8 (stored before text was checked at the door) shows
// its unreadable bytes as U+FFFD, so that e-mails to its owner still go.
func (u *User) DisplayName() string {
	if u.Name != "" {
		return strings.ToValidUTF8(u.Name, "\uFFFD")
	}
	return u.Email
}

// Durations of what auth hands out.
const (
	SessionTTL   = 30 * 24 * time.Hour
	MagicLinkTTL = 20 * time.Minute
)

// Store keeps accounts, sessions and tokens.
type Store struct {
	db  *db.DB
	now func() time.Time
	// devices signs the device cookies.
	devices *LinkSigner
}

// NewStore returns a store on d, on the clock now (nil: the wall clock).
func NewStore(d *db.DB, now func() time.Time) *Store {
	s := &Store{db: d, now: db.Clock(now)}
	s.devices = s.LinkSigner("device_cookies", "device")
	return s
}

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

const userCols = `id, email, name, locale, password_hash <> '', created_at, last_login_at, disabled_at, installation_admin`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	u := &User{}
	var last, disabled sql.NullTime
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Locale, &u.HasPassword, &u.CreatedAt, &last, &disabled, &u.InstallationAdmin)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "errors.user_not_found")
	}
	if err != nil {
		return nil, err
	}
	if last.Valid {
		u.LastLoginAt = &last.Time
	}
	if disabled.Valid {
		u.DisabledAt = &disabled.Time
	}
	return u, nil
}

// NewUser is what it takes to create an account.
type NewUser struct {
	Email    string
	Name     string
	Locale   string
	Password string // optional; empty means magic links only
}

func (n *NewUser) validate() error {
	n.Email = NormalizeEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	f := errs.Fields{}
	if n.Email == "" {
		f.Add("email", "errors.required")
	} else if !territory.ValidEmail(n.Email) {
		f.Add("email", "errors.email")
	}
	if utf8.RuneCountInString(n.Name) > 120 {
		f.Add("name", "errors.too_long")
	}
	if n.Locale != "en" {
		n.Locale = "fr"
	}
	if n.Password != "" {
		if err := checkPasswordRules(n.Password); err != "" {
			f.Add("password", err)
		}
	}
	return f.Err()
}

func checkPasswordRules(pw string) string {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return "errors.password_short"
	case len(pw) > 256:
		return "errors.too_long"
	}
	return ""
}

// CreateUser adds an account with the given roles in a territory. An
// existing account with the same e-mail is a Conflict.
func (s *Store) CreateUser(ctx context.Context, n NewUser, territoryID int64, roles ...Role) (*User, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	hash := ""
	if n.Password != "" {
		var err error
		if hash, err = HashPassword(n.Password); err != nil {
			return nil, err
		}
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = s.createUser(ctx, tx, n, hash, territoryID, roles)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, id)
}

func (s *Store) createUser(ctx context.Context, tx *db.Tx, n NewUser, hash string, territoryID int64, roles []Role) (int64, error) {
	now := s.now()
	id, err := tx.InsertID(ctx, `INSERT INTO users (email, name, locale, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, n.Email, n.Name, n.Locale, hash, now, now)
	if db.IsUniqueViolation(err) {
		return 0, &errs.Error{Code: errs.Conflict, Key: "errors.email_taken", Fields: map[string]string{"email": "errors.email_taken"}}
	}
	if err != nil {
		return 0, err
	}
	return id, setRoles(ctx, tx, id, territoryID, roles, now)
}

// CreateUserTx is CreateUser inside tx, for a caller that writes
// something else with the account (all or nothing). It takes no password.
func (s *Store) CreateUserTx(ctx context.Context, tx *db.Tx, n NewUser, territoryID int64, roles ...Role) (*User, error) {
	n.Password = ""
	if err := n.validate(); err != nil {
		return nil, err
	}
	id, err := s.createUser(ctx, tx, n, "", territoryID, roles)
	if err != nil {
		return nil, err
	}
	return scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// AccountTx returns, inside tx, the account of n.Email, creating a citizen
// account of the territory for it the first time (it does nothing until its
// owner opens a link sent to that address); created tells which. A caller
// that writes something else with the account does so in the same tx, so
// that nothing stays half-written when a later step fails.
func (s *Store) AccountTx(ctx context.Context, tx *db.Tx, n NewUser, territoryID int64) (u *User, created bool, err error) {
	n.Password = ""
	if err := n.validate(); err != nil {
		return nil, false, err
	}
	byEmail := func() (*User, error) {
		return scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, n.Email))
	}
	u, err = byEmail()
	if !errs.Is(err, errs.NotFound) {
		return u, false, err
	}
	now := s.now()
	var id int64
	// Another request may create it at the same moment: then it is theirs.
	err = tx.QueryRow(ctx, `INSERT INTO users (email, name, locale, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, '', ?, ?) ON CONFLICT (email) DO NOTHING RETURNING id`, n.Email, n.Name, n.Locale, now, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		u, err = byEmail()
		return u, false, err
	}
	if err != nil {
		return nil, false, err
	}
	if err := setRoles(ctx, tx, id, territoryID, []Role{RoleCitizen}, now); err != nil {
		return nil, false, err
	}
	u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	return u, err == nil, err
}

// TerritoryAdminTx makes the account of n.Email, inside tx, an
// administrator of a territory that has just been created, creating the
// account when there is none (its owner signs in by a link sent to the
// address, as anyone); an account that exists keeps its roles elsewhere.
// installationAdmin also makes it an installation administrator (never
// the reverse: this takes that quality from nobody).
func (s *Store) TerritoryAdminTx(ctx context.Context, tx *db.Tx, n NewUser, territoryID int64, installationAdmin bool) (u *User, created bool, err error) {
	n.Password = ""
	if err := n.validate(); err != nil {
		return nil, false, err
	}
	u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, n.Email))
	switch {
	case errs.Is(err, errs.NotFound):
		id, err := s.createUser(ctx, tx, n, "", territoryID, []Role{RoleAdministrator})
		if err != nil {
			return nil, false, err
		}
		created = true
		u = &User{ID: id}
	case err != nil:
		return nil, false, err
	default:
		if u.Disabled() {
			return nil, false, &errs.Error{Code: errs.Conflict, Key: "errors.admin_disabled", Fields: map[string]string{"email": "errors.admin_disabled"}}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, territory_id, role, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, u.ID, territoryID, string(RoleAdministrator), s.now()); err != nil {
			return nil, false, err
		}
	}
	if installationAdmin {
		if err := setInstallationAdmin(ctx, tx, u.ID, true, s.now()); err != nil {
			return nil, false, err
		}
	}
	u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, u.ID))
	return u, created, err
}

// SetInstallationAdmin gives or takes away the running of the installation.
// The last installation administrator keeps it: someone must be able to
// add a territory.
func (s *Store) SetInstallationAdmin(ctx context.Context, userID int64, on bool) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if !on {
			var others int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE installation_admin AND id <> ? AND disabled_at IS NULL`,
				userID).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return errs.New(errs.Conflict, "errors.last_installation_admin")
			}
		}
		return setInstallationAdmin(ctx, tx, userID, on, s.now())
	})
}

func setInstallationAdmin(ctx context.Context, tx *db.Tx, userID int64, on bool, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE users SET installation_admin = ?, updated_at = ? WHERE id = ?`, on, now, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.user_not_found")
	}
	return nil
}

// PeopleByTerritory counts, for every territory, the accounts that hold
// a role in it.
func (s *Store) PeopleByTerritory(ctx context.Context) (map[int64]int, error) {
	return db.CountsByID(ctx, s.db, `SELECT territory_id, COUNT(DISTINCT user_id) FROM user_roles GROUP BY territory_id`)
}

func setRoles(ctx context.Context, tx *db.Tx, userID, territoryID int64, roles []Role, now time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM user_roles WHERE user_id = ? AND territory_id = ?`, userID, territoryID); err != nil {
		return err
	}
	seen := map[Role]bool{}
	for _, r := range roles {
		if _, ok := ParseRole(string(r)); !ok {
			return &errs.Error{Code: errs.Invalid, Key: "errors.role", Fields: map[string]string{"roles": "errors.role"}}
		}
		if seen[r] {
			continue
		}
		seen[r] = true
		if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, territory_id, role, created_at) VALUES (?, ?, ?, ?)`,
			userID, territoryID, string(r), now); err != nil {
			return err
		}
	}
	return nil
}

// SetRoles replaces a user's roles in a territory. The last administrator
// of a territory cannot lose that role.
func (s *Store) SetRoles(ctx context.Context, userID, territoryID int64, roles []Role) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lockTerritories(ctx, tx, territoryID); err != nil {
			return err
		}
		keepsAdmin := false
		for _, r := range roles {
			keepsAdmin = keepsAdmin || r == RoleAdministrator
		}
		if !keepsAdmin {
			if err := ensureAnotherAdmin(ctx, tx, userID, territoryID); err != nil {
				return err
			}
		}
		return setRoles(ctx, tx, userID, territoryID, roles, s.now())
	})
}

// lockTerritories serialises the changes that could leave a territory
// without an administrator (two administrators removing each other at once).
func lockTerritories(ctx context.Context, tx *db.Tx, ids ...int64) error {
	for _, id := range ids {
		if _, err := tx.Exec(ctx, `UPDATE territories SET updated_at = updated_at WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

// adminTerritories lists the territories where a user is an administrator.
func adminTerritories(ctx context.Context, tx *db.Tx, userID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT territory_id FROM user_roles WHERE user_id = ? AND role = ? ORDER BY territory_id`,
		userID, string(RoleAdministrator))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func ensureAnotherAdmin(ctx context.Context, tx *db.Tx, userID, territoryID int64) error {
	var others int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.territory_id = ? AND r.role = ? AND r.user_id <> ? AND u.disabled_at IS NULL`,
		territoryID, string(RoleAdministrator), userID).Scan(&others)
	if err != nil {
		return err
	}
	var self int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM user_roles WHERE territory_id = ? AND role = ? AND user_id = ?`,
		territoryID, string(RoleAdministrator), userID).Scan(&self); err != nil {
		return err
	}
	if self > 0 && others == 0 {
		return errs.New(errs.Conflict, "errors.last_admin")
	}
	return nil
}

// UserByID returns an account.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	return scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// UserByEmail returns an account.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	return scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, NormalizeEmail(email)))
}

// Member is a user with their roles in one territory.
type Member struct {
	*User
	Roles []Role
}

// Members lists the users who hold a role in a territory, by e-mail.
func (s *Store) Members(ctx context.Context, territoryID int64) ([]Member, error) {
	rows, err := s.db.Query(ctx, `SELECT u.id, u.email, u.name, u.locale, u.password_hash <> '', u.created_at,
		u.last_login_at, u.disabled_at, r.role FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE r.territory_id = ? ORDER BY u.email, r.role`, territoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		u := &User{}
		var last, disabled sql.NullTime
		var role string
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.Locale, &u.HasPassword, &u.CreatedAt, &last, &disabled, &role); err != nil {
			return nil, err
		}
		if last.Valid {
			u.LastLoginAt = &last.Time
		}
		if disabled.Valid {
			u.DisabledAt = &disabled.Time
		}
		if n := len(out); n > 0 && out[n-1].ID == u.ID {
			out[n-1].Roles = append(out[n-1].Roles, Role(role))
			continue
		}
		out = append(out, Member{User: u, Roles: []Role{Role(role)}})
	}
	return out, rows.Err()
}

// RolesOf returns a user's roles in a territory.
func (s *Store) RolesOf(ctx context.Context, userID, territoryID int64) ([]Role, error) {
	rows, err := s.db.Query(ctx, `SELECT role FROM user_roles WHERE user_id = ? AND territory_id = ? ORDER BY role`, userID, territoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Role
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, Role(r))
	}
	return out, rows.Err()
}

// UpdateProfile changes a user's name and language.
func (s *Store) UpdateProfile(ctx context.Context, userID int64, name, locale string) error {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 120 {
		return errs.Fields{"name": "errors.too_long"}.Err()
	}
	if locale != "en" {
		locale = "fr"
	}
	_, err := s.db.Exec(ctx, `UPDATE users SET name = ?, locale = ?, updated_at = ? WHERE id = ?`, name, locale, s.now(), userID)
	return err
}

// SetDisabled disables or re-enables an account. Disabling signs the person
// out everywhere; the last administrator cannot be disabled.
func (s *Store) SetDisabled(ctx context.Context, userID, territoryID int64, disabled bool) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if !disabled {
			_, err := tx.Exec(ctx, `UPDATE users SET disabled_at = NULL, updated_at = ? WHERE id = ?`, s.now(), userID)
			return err
		}
		// An account is disabled everywhere: no territory it administers may be left without an administrator.
		ids, err := adminTerritories(ctx, tx, userID)
		if err != nil {
			return err
		}
		if err := lockTerritories(ctx, tx, append(ids, territoryID)...); err != nil {
			return err
		}
		for _, id := range ids {
			if err := ensureAnotherAdmin(ctx, tx, userID, id); err != nil {
				return err
			}
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE users SET disabled_at = ?, updated_at = ? WHERE id = ?`, now, now, userID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
}

// SetPassword sets (or replaces) a user's password.
func (s *Store) SetPassword(ctx context.Context, userID int64, pw string) error {
	if k := checkPasswordRules(pw); k != "" {
		return errs.Fields{"password": k}.Err()
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, s.now(), userID)
	return err
}

// Authenticate checks an e-mail and password. Any failure is the same
// Unauthorized error, so that it does not tell which addresses exist.
func (s *Store) Authenticate(ctx context.Context, email, pw string) (*User, error) {
	bad := errs.New(errs.Unauthorized, "errors.bad_credentials")
	var hash string
	var id int64
	var disabled sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT id, password_hash, disabled_at FROM users WHERE email = ?`, NormalizeEmail(email)).Scan(&id, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && hash == "") {
		_, _ = CheckPassword(dummyHash(), pw)
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	ok, err := CheckPassword(hash, pw)
	if err != nil || !ok || disabled.Valid {
		return nil, bad
	}
	return s.UserByID(ctx, id)
}

// NewToken returns a random token (256 bits, URL-safe) and its hash as
// stored: every capability makes its unguessable tokens so.
func NewToken() (raw, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, HashToken(raw)
}

// HashToken is what is stored of a token (a session, a sign-in or a
// private link): its SHA-256, in hex, so that a copy of the database opens
// nothing. Every capability stores its tokens so.
func HashToken(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// Token purposes.
const PurposeLogin = "login"

// IssueToken creates a single-use token for a user (a magic link) and
// returns it; only its hash is stored.
func (s *Store) IssueToken(ctx context.Context, userID int64, purpose string, ttl time.Duration) (string, error) {
	var raw string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		raw, err = s.IssueTokenTx(ctx, tx, userID, purpose, ttl)
		return err
	})
	return raw, err
}

// IssueTokenTx is IssueToken inside tx: the e-mail that carries the token
// is queued in the same transaction.
func (s *Store) IssueTokenTx(ctx context.Context, tx *db.Tx, userID int64, purpose string, ttl time.Duration) (string, error) {
	raw, hash := NewToken()
	now := s.now()
	_, err := tx.Exec(ctx, `INSERT INTO auth_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hash, userID, purpose, now, now.Add(ttl))
	return raw, err
}

// CheckToken tells whether a token is still good, without using it.
func (s *Store) CheckToken(ctx context.Context, raw, purpose string) error {
	_, err := s.token(ctx, raw, purpose)
	return err
}

func (s *Store) token(ctx context.Context, raw, purpose string) (int64, error) {
	var userID int64
	var expires time.Time
	var used sql.NullTime
	var disabled sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT t.user_id, t.expires_at, t.used_at, u.disabled_at FROM auth_tokens t
		JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.purpose = ?`, HashToken(raw), purpose).Scan(&userID, &expires, &used, &disabled)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, errs.New(errs.NotFound, "errors.token_unknown")
	case err != nil:
		return 0, err
	case used.Valid:
		return 0, errs.New(errs.Conflict, "errors.token_used")
	case !s.now().Before(expires):
		return 0, errs.New(errs.Conflict, "errors.token_expired")
	case disabled.Valid:
		return 0, errs.New(errs.Forbidden, "errors.account_disabled")
	}
	return userID, nil
}

// UseToken spends a token and returns its user. A used, expired or unknown
// token is an error whose key says which.
func (s *Store) UseToken(ctx context.Context, raw, purpose string) (*User, error) {
	var userID int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if userID, err = s.token(ctx, raw, purpose); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE auth_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, s.now(), HashToken(raw))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "errors.token_used")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, userID)
}

// Session is a signed-in browser.
type Session struct {
	User      *User
	ExpiresAt time.Time
}

// CreateSession opens a session for a user and returns its token (the cookie value).
func (s *Store) CreateSession(ctx context.Context, userID int64) (string, error) {
	raw, hash := NewToken()
	now := s.now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
			hash, userID, now, now.Add(SessionTTL), now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, now, userID)
		return err
	})
	return raw, err
}

// Session returns the session of a token, extending it at most once an
// hour. An unknown or expired token is NotFound.
func (s *Store) Session(ctx context.Context, raw string) (*Session, error) {
	if raw == "" || len(raw) > 100 {
		return nil, errs.New(errs.NotFound, "errors.session")
	}
	hash := HashToken(raw)
	var userID int64
	var expires, seen time.Time
	err := s.db.QueryRow(ctx, `SELECT user_id, expires_at, last_seen_at FROM sessions WHERE token_hash = ?`, hash).Scan(&userID, &expires, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "errors.session")
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !now.Before(expires) {
		return nil, errs.New(errs.NotFound, "errors.session")
	}
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.Disabled() {
		return nil, errs.New(errs.NotFound, "errors.session")
	}
	if now.Sub(seen) > time.Hour {
		expires = now.Add(SessionTTL)
		if _, err := s.db.Exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?`, now, expires, hash); err != nil {
			return nil, err
		}
	}
	return &Session{User: u, ExpiresAt: expires}, nil
}

// DeleteSession signs a browser out.
func (s *Store) DeleteSession(ctx context.Context, raw string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, HashToken(raw))
	return err
}

// Allow counts one hit on a rate-limit bucket and reports whether it stays
// within limit hits per window. Buckets live in the database, so every
// server process shares them. The key is hashed with the instance secret:
// no address or IP is stored as such.
func (s *Store) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error) {
	bucket, err := s.bucket(ctx, key)
	if err != nil {
		return false, err
	}
	now := s.now()
	cutoff := now.Add(-window)
	var hits int
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)
			ON CONFLICT (bucket) DO UPDATE SET
			hits = CASE WHEN rate_limits.window_start < ? THEN 1 ELSE rate_limits.hits + 1 END,
			window_start = CASE WHEN rate_limits.window_start < ? THEN ? ELSE rate_limits.window_start END
			RETURNING hits`, bucket, now, cutoff, cutoff, now).Scan(&hits)
	})
	if err != nil {
		return false, err
	}
	return hits <= limit, nil
}

// Forgive takes back one hit that Allow counted on key: an attempt that
// turned out to be right (a good password, a link that works), so that
// only failures fill a bucket. Counting before checking, then forgiving,
// keeps parallel guesses from slipping under the limit.
func (s *Store) Forgive(ctx context.Context, key string) error {
	bucket, err := s.bucket(ctx, key)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE rate_limits SET hits = hits - 1 WHERE bucket = ? AND hits > 0`, bucket)
	return err
}

// bucket names a rate-limit key as stored: hashed with the instance secret.
func (s *Store) bucket(ctx context.Context, key string) (string, error) {
	secret, err := s.Secret(ctx, "rate_limit")
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(key))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// DeviceCookie returns the value of a device cookie for a browser where
// the user just signed in (OWASP « device cookies »): the account's id, a
// random name for the device, and their signature by an instance secret.
// Sign-in attempts from that browser are then counted on their own, so that
// strangers who guess the password elsewhere do not lock the owner out.
func (s *Store) DeviceCookie(ctx context.Context, userID int64) (string, error) {
	if err := s.devices.Load(ctx); err != nil {
		return "", err
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	body := strconv.FormatInt(userID, 10) + "." + base64.RawURLEncoding.EncodeToString(b)
	sig, err := s.devices.Token(body)
	if err != nil {
		return "", err
	}
	return body + "." + sig, nil
}

// Device reads a device cookie: the device's name when the value is a
// well-signed cookie of userID's, ok false otherwise.
func (s *Store) Device(ctx context.Context, value string, userID int64) (device string, ok bool, err error) {
	id, rest, found := strings.Cut(value, ".")
	nonce, sig, found2 := strings.Cut(rest, ".")
	if !found || !found2 || len(value) > 200 || id != strconv.FormatInt(userID, 10) || nonce == "" {
		return "", false, nil
	}
	if err := s.devices.Load(ctx); err != nil {
		return "", false, err
	}
	want, err := s.devices.Token(id + "." + nonce)
	if err != nil {
		return "", false, err
	}
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return "", false, nil
	}
	return nonce, true, nil
}

// Secret returns the instance secret called name, creating it the first
// time. It lives in the database so that every server process shares it.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	var v string
	err := s.db.QueryRow(ctx, `SELECT value FROM instance_secrets WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		_, err = s.db.Exec(ctx, `INSERT INTO instance_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			name, hex.EncodeToString(b), s.now())
		if err != nil {
			return nil, err
		}
		err = s.db.QueryRow(ctx, `SELECT value FROM instance_secrets WHERE name = ?`, name).Scan(&v)
	}
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

// Purge deletes expired sessions, old tokens and stale rate-limit buckets.
func (s *Store) Purge(ctx context.Context) (int64, error) {
	now := s.now()
	var total int64
	for _, q := range []struct {
		sql string
		arg time.Time
	}{
		{`DELETE FROM sessions WHERE expires_at < ?`, now},
		{`DELETE FROM auth_tokens WHERE expires_at < ?`, now.Add(-7 * 24 * time.Hour)},
		{`DELETE FROM rate_limits WHERE window_start < ?`, now.Add(-24 * time.Hour)},
	} {
		res, err := s.db.Exec(ctx, q.sql, q.arg)
		if err != nil {
			return total, err
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
