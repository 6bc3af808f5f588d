// Package community owns what soupers and meetings produce: the needs and
// ideas residents name, the support they give them (« je veux m'impliquer
// là-dedans »), and the story of each idea, from proposed to done.
package community

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// Kind says whether residents named a need or an idea of action.
type Kind string

const (
	Need Kind = "need"
	Idea Kind = "idea"
)

// Status tells an idea's story. Nothing is ever deleted: an idea is set
// aside, with a reason.
type Status string

const (
	Proposed   Status = "proposed"
	Retained   Status = "retained"
	InProgress Status = "in_progress"
	Done       Status = "done"
	SetAside   Status = "set_aside"
)

// Statuses lists the statuses in story order.
var Statuses = []Status{Proposed, Retained, InProgress, Done, SetAside}

// Moderation of what citizens submit from the public site.
const (
	Pending  = "pending"
	Approved = "approved"
	Rejected = "rejected"
)

// Sources of an idea.
const (
	SourceStaff  = "staff"
	SourcePublic = "public"
)

// Theme groups ideas; each territory edits its own list.
type Theme struct {
	ID       int64
	Code     string
	NameFR   string
	NameEN   string
	Archived bool
}

// Name is the theme's name in lang.
func (t Theme) Name(lang string) string {
	if lang == "en" && t.NameEN != "" {
		return t.NameEN
	}
	return t.NameFR
}

// DefaultThemes start a territory's list.
var DefaultThemes = []Theme{
	{Code: "isolement-des-aines", NameFR: "Isolement des aînés", NameEN: "Isolation of seniors"},
	{Code: "transport", NameFR: "Transport", NameEN: "Transportation"},
	{Code: "loisirs", NameFR: "Loisirs", NameEN: "Recreation"},
	{Code: "alimentation", NameFR: "Alimentation", NameEN: "Food"},
	{Code: "environnement", NameFR: "Environnement", NameEN: "Environment"},
	{Code: "jeunesse", NameFR: "Jeunesse", NameEN: "Youth"},
	{Code: "entraide", NameFR: "Entraide", NameEN: "Mutual aid"},
}

// IdeaRecord is a need or an idea, with where it stands.
type IdeaRecord struct {
	ID             int64
	TerritoryID    int64
	Kind           Kind
	Title          string
	Details        string
	Theme          Theme
	PlaceSlug      string
	PlaceName      string
	EventID        *int64
	Status         Status
	StatusReason   string
	Moderation     string
	Source         string
	SubmitterName  string
	SubmitterEmail string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Supporters counts the confirmed supports.
	Supporters int
}

// Step is one change in an idea's story.
type Step struct {
	Status    Status
	Reason    string
	ChangedAt time.Time
}

// Store keeps ideas, themes and supports, and the citizen initiatives born
// from them.
type Store struct {
	db          *db.DB
	territories *territory.Store
	events      *events.Store
	mailer      *mail.Mailer
	cat         i18n.Catalogs
	baseURL     string
	now         func() time.Time

	// links signs the private links of initiative participants.
	links *auth.LinkSigner
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	Events      *events.Store
	// Auth gives the instance secret of the participants' private links.
	Auth     *auth.Store
	Mailer   *mail.Mailer
	Catalogs i18n.Catalogs
	BaseURL  string
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the community store.
func NewStore(c Config) *Store {
	return &Store{db: c.DB, territories: c.Territories, events: c.Events, mailer: c.Mailer, cat: c.Catalogs,
		baseURL: strings.TrimRight(c.BaseURL, "/"), now: db.Clock(c.Now), links: c.Auth.LinkSigner("initiative_links", "initiative_person")}
}

// Silent returns a store on the same database that queues no e-mail: for
// seeding demonstration data, whose people are fictional.
func (s *Store) Silent() *Store {
	return &Store{db: s.db, territories: s.territories, events: s.events, cat: s.cat, baseURL: s.baseURL, now: s.now,
		links: s.links}
}

// onceADay is the limit of the e-mails a public form sends to the address it
// was given: one a day for the same thing, so that probing an address (or
// sending the form again) does not fill a mailbox. The page answers the same.
func onceADay(format string, args ...any) mail.Limit {
	return mail.Limit{Key: fmt.Sprintf(format, args...), Max: 1, Per: 24 * time.Hour}
}

// queue queues a message inside tx, unless the store is silent.
func (s *Store) queue(ctx context.Context, tx *db.Tx, territoryID int64, msg mail.Message) error {
	if s.mailer == nil {
		return nil
	}
	_, err := s.mailer.QueueTx(ctx, tx, territoryID, msg)
	return err
}

// EnsureThemes gives a territory the default themes when it has none.
func (s *Store) EnsureThemes(ctx context.Context, territoryID int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error { return s.EnsureThemesTx(ctx, tx, territoryID) })
}

// EnsureThemesTx is EnsureThemes inside tx (a new territory gets its
// themes with it).
func (s *Store) EnsureThemesTx(ctx context.Context, tx *db.Tx, territoryID int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM idea_themes WHERE territory_id = ?`, territoryID).Scan(&n); err != nil || n > 0 {
		return err
	}
	for i, t := range DefaultThemes {
		if _, err := tx.Exec(ctx, `INSERT INTO idea_themes (territory_id, code, name_fr, name_en, sort_order) VALUES (?, ?, ?, ?, ?)`,
			territoryID, t.Code, t.NameFR, t.NameEN, i); err != nil {
			return err
		}
	}
	return nil
}

// Themes lists a territory's themes (archived ones too when asked).
func (s *Store) Themes(ctx context.Context, territoryID int64, withArchived bool) ([]Theme, error) {
	q := `SELECT id, code, name_fr, name_en, archived_at IS NOT NULL FROM idea_themes WHERE territory_id = ?`
	if !withArchived {
		q += ` AND archived_at IS NULL`
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY sort_order, id`, territoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Theme
	for rows.Next() {
		var t Theme
		if err := rows.Scan(&t.ID, &t.Code, &t.NameFR, &t.NameEN, &t.Archived); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// AddTheme adds a theme to a territory's list.
func (s *Store) AddTheme(ctx context.Context, territoryID int64, nameFR, nameEN string) (Theme, error) {
	nameFR, nameEN = strings.TrimSpace(nameFR), strings.TrimSpace(nameEN)
	f := errs.Fields{}
	if nameFR == "" {
		f.Add("name_fr", "errors.required")
	} else if utf8.RuneCountInString(nameFR) > 60 {
		f.Add("name_fr", "errors.too_long")
	}
	if utf8.RuneCountInString(nameEN) > 60 {
		f.Add("name_en", "errors.too_long")
	}
	code := i18n.Slug(nameFR, 40)
	if nameFR != "" && code == "" {
		f.Add("name_fr", "errors.theme_name")
	}
	if err := f.Err(); err != nil {
		return Theme{}, err
	}
	if nameEN == "" {
		nameEN = nameFR
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM idea_themes WHERE territory_id = ?`, territoryID).Scan(&n); err != nil {
			return err
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO idea_themes (territory_id, code, name_fr, name_en, sort_order) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			territoryID, code, nameFR, nameEN, n)
		if db.IsUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Key: "errors.theme_exists", Fields: map[string]string{"name_fr": "errors.theme_exists"}}
		}
		return err
	})
	if err != nil {
		return Theme{}, err
	}
	return Theme{ID: id, Code: code, NameFR: nameFR, NameEN: nameEN}, nil
}

// ArchiveTheme takes a theme out of the choices (its ideas keep it), or puts it back.
func (s *Store) ArchiveTheme(ctx context.Context, territoryID, id int64, archived bool) error {
	var at any
	if archived {
		at = s.now()
	}
	res, err := s.db.Exec(ctx, `UPDATE idea_themes SET archived_at = ? WHERE territory_id = ? AND id = ?`, at, territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.theme_not_found")
	}
	return nil
}

// Input is a need or an idea as typed.
type Input struct {
	Kind      Kind
	Title     string
	Details   string
	ThemeCode string
	PlaceSlug string
	EventID   int64
	// For public submissions: who proposes it (kept private).
	SubmitterName  string
	SubmitterEmail string
}

func tooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// check validates an input and resolves its theme and place.
func (s *Store) check(ctx context.Context, territoryID int64, in *Input, public bool) (themeID, placeID int64, err error) {
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	in.Details = strings.TrimSpace(in.Details)
	in.SubmitterName = strings.TrimSpace(in.SubmitterName)
	in.SubmitterEmail = strings.ToLower(strings.TrimSpace(in.SubmitterEmail))
	f := errs.Fields{}
	if in.Kind != Need && in.Kind != Idea {
		f.Add("kind", "errors.idea_kind")
	}
	switch {
	case in.Title == "":
		f.Add("title", "errors.required")
	case tooLong(in.Title, 200):
		f.Add("title", "errors.too_long")
	}
	if tooLong(in.Details, 2000) {
		f.Add("details", "errors.too_long")
	}
	if public {
		if tooLong(in.SubmitterName, 120) {
			f.Add("submitter_name", "errors.too_long")
		}
		if in.SubmitterEmail != "" && !territory.ValidEmail(in.SubmitterEmail) {
			f.Add("submitter_email", "errors.email")
		}
	}
	err = s.db.QueryRow(ctx, `SELECT id FROM idea_themes WHERE territory_id = ? AND code = ? AND archived_at IS NULL`,
		territoryID, in.ThemeCode).Scan(&themeID)
	if errors.Is(err, sql.ErrNoRows) {
		f.Add("theme", "errors.theme_unknown")
	} else if err != nil {
		return 0, 0, err
	}
	pl, err := s.territories.Place(ctx, territoryID, in.PlaceSlug)
	if errs.Is(err, errs.NotFound) {
		f.Add("place", "errors.place_unknown")
	} else if err != nil {
		return 0, 0, err
	}
	if in.EventID != 0 {
		if _, err := s.events.Get(ctx, territoryID, in.EventID); errs.Is(err, errs.NotFound) {
			f.Add("event", "errors.event_not_found")
		} else if err != nil {
			return 0, 0, err
		}
	}
	return themeID, pl.ID, f.Err()
}

// Record adds a need or an idea raised at a souper or a meeting (staff):
// shown at once.
func (s *Store) Record(ctx context.Context, territoryID, userID int64, in Input) (IdeaRecord, error) {
	return s.add(ctx, territoryID, userID, in, false)
}

// Submit adds a citizen's need or idea from the public site: shown once a
// staff member approves it.
func (s *Store) Submit(ctx context.Context, territoryID int64, in Input) (IdeaRecord, error) {
	in.EventID = 0
	return s.add(ctx, territoryID, 0, in, true)
}

func (s *Store) add(ctx context.Context, territoryID, userID int64, in Input, public bool) (IdeaRecord, error) {
	themeID, placeID, err := s.check(ctx, territoryID, &in, public)
	if err != nil {
		return IdeaRecord{}, err
	}
	moderation, source := Approved, SourceStaff
	if public {
		moderation, source = Pending, SourcePublic
	} else {
		in.SubmitterName, in.SubmitterEmail = "", ""
	}
	var event, by any
	if in.EventID != 0 {
		event = in.EventID
	}
	if userID != 0 {
		by = userID
	}
	now := s.now()
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO ideas (territory_id, kind, title, details, theme_id, place_id, event_id, status,
			moderation, source, submitter_name, submitter_email, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, string(in.Kind), in.Title, in.Details, themeID, placeID, event, string(Proposed), moderation, source,
			in.SubmitterName, in.SubmitterEmail, by, now, now)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO idea_history (idea_id, status, changed_by, changed_at) VALUES (?, ?, ?, ?)`,
			id, string(Proposed), by, now)
		return err
	})
	if err != nil {
		return IdeaRecord{}, err
	}
	return s.Get(ctx, territoryID, id)
}

const ideaCols = `i.id, i.territory_id, i.kind, i.title, i.details, t.id, t.code, t.name_fr, t.name_en, t.archived_at IS NOT NULL,
	p.slug, p.name, i.event_id, i.status, i.status_reason, i.moderation, i.source, i.submitter_name, i.submitter_email,
	i.created_at, i.updated_at,
	(SELECT COUNT(*) FROM idea_supports su WHERE su.idea_id = i.id AND su.confirmed_at IS NOT NULL)`

const ideaFrom = ` FROM ideas i JOIN idea_themes t ON t.id = i.theme_id JOIN places p ON p.id = i.place_id `

func scanIdea(row interface{ Scan(...any) error }) (IdeaRecord, error) {
	var r IdeaRecord
	var kind, status string
	var event sql.NullInt64
	err := row.Scan(&r.ID, &r.TerritoryID, &kind, &r.Title, &r.Details, &r.Theme.ID, &r.Theme.Code, &r.Theme.NameFR,
		&r.Theme.NameEN, &r.Theme.Archived, &r.PlaceSlug, &r.PlaceName, &event, &status, &r.StatusReason, &r.Moderation,
		&r.Source, &r.SubmitterName, &r.SubmitterEmail, &r.CreatedAt, &r.UpdatedAt, &r.Supporters)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.New(errs.NotFound, "errors.idea_not_found")
	}
	r.Kind, r.Status = Kind(kind), Status(status)
	if event.Valid {
		r.EventID = &event.Int64
	}
	return r, err
}

// Get returns an idea of a territory (whatever its moderation).
func (s *Store) Get(ctx context.Context, territoryID, id int64) (IdeaRecord, error) {
	return scanIdea(s.db.QueryRow(ctx, `SELECT `+ideaCols+ideaFrom+`WHERE i.territory_id = ? AND i.id = ?`, territoryID, id))
}

// Filter narrows a list of ideas.
type Filter struct {
	PlaceSlug  string
	ThemeCode  string
	Moderation string // "" for all
	Status     Status // "" for all
	EventID    int64
	// MostSupported sorts by support, then newest; otherwise newest first.
	MostSupported bool
}

// List returns a territory's ideas.
func (s *Store) List(ctx context.Context, territoryID int64, f Filter) ([]IdeaRecord, error) {
	q := `SELECT ` + ideaCols + ideaFrom + `WHERE i.territory_id = ?`
	args := []any{territoryID}
	if f.PlaceSlug != "" {
		cond, a := territory.InScope("i.place_id", territoryID, f.PlaceSlug, territory.AndSecteurs)
		q, args = q+` AND `+cond, append(args, a...)
	}
	if f.ThemeCode != "" {
		q += ` AND t.code = ?`
		args = append(args, f.ThemeCode)
	}
	if f.Moderation != "" {
		q += ` AND i.moderation = ?`
		args = append(args, f.Moderation)
	}
	if f.Status != "" {
		q += ` AND i.status = ?`
		args = append(args, string(f.Status))
	}
	if f.EventID != 0 {
		q += ` AND i.event_id = ?`
		args = append(args, f.EventID)
	}
	if f.MostSupported {
		q += ` ORDER BY 22 DESC, i.id DESC`
	} else {
		q += ` ORDER BY i.id DESC`
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IdeaRecord
	for rows.Next() {
		r, err := scanIdea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Moderate approves or rejects a public submission.
func (s *Store) Moderate(ctx context.Context, territoryID, id int64, approve bool) error {
	m := Rejected
	if approve {
		m = Approved
	}
	res, err := s.db.Exec(ctx, `UPDATE ideas SET moderation = ?, updated_at = ? WHERE territory_id = ? AND id = ?`, m, s.now(), territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.idea_not_found")
	}
	return nil
}

// SetStatus moves an idea along its story; setting it aside needs a reason.
func (s *Store) SetStatus(ctx context.Context, territoryID, id, userID int64, status Status, reason string) error {
	reason = strings.TrimSpace(reason)
	f := errs.Fields{}
	known := false
	for _, st := range Statuses {
		known = known || st == status
	}
	if !known {
		f.Add("status", "errors.idea_status")
	}
	if status == SetAside && reason == "" {
		f.Add("reason", "errors.reason_needed")
	}
	if tooLong(reason, 500) {
		f.Add("reason", "errors.too_long")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		return s.setIdeaStatus(ctx, tx, territoryID, id, userID, status, reason)
	})
}

// setIdeaStatus moves an idea to status inside tx and records the step of
// its story (shared by SetStatus and the launch of an initiative).
func (s *Store) setIdeaStatus(ctx context.Context, tx *db.Tx, territoryID, id, userID int64, status Status, reason string) error {
	var by any
	if userID != 0 {
		by = userID
	}
	now := s.now()
	res, err := tx.Exec(ctx, `UPDATE ideas SET status = ?, status_reason = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		string(status), reason, now, territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.idea_not_found")
	}
	_, err = tx.Exec(ctx, `INSERT INTO idea_history (idea_id, status, reason, changed_by, changed_at) VALUES (?, ?, ?, ?, ?)`,
		id, string(status), reason, by, now)
	return err
}

// History is an idea's story, oldest first.
func (s *Store) History(ctx context.Context, territoryID, id int64) ([]Step, error) {
	rows, err := s.db.Query(ctx, `SELECT h.status, h.reason, h.changed_at FROM idea_history h JOIN ideas i ON i.id = h.idea_id
		WHERE i.territory_id = ? AND h.idea_id = ? ORDER BY h.changed_at, h.id`, territoryID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var st Step
		var status string
		if err := rows.Scan(&status, &st.Reason, &st.ChangedAt); err != nil {
			return nil, err
		}
		st.Status = Status(status)
		out = append(out, st)
	}
	return out, rows.Err()
}

// SupportInput is what a person gives to support an idea.
type SupportInput struct {
	Name  string
	Email string
	// Offer is what they can give: skills, time.
	Offer string
	Lang  string
}

// SupportOutcome says what became of a support.
type SupportOutcome struct {
	// Confirmed is true when the support counts already (a signed-in person).
	Confirmed bool
	// Existing is true when this address had supported the idea already.
	Existing bool
}

// Support records « je veux m'impliquer là-dedans ». One support per
// address: the same address again changes nothing. Unless the person is
// signed in with that address (verified), the support counts once they
// confirm it through the e-mailed link.
func (s *Store) Support(ctx context.Context, territoryID, ideaID int64, in SupportInput, verified bool) (SupportOutcome, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Offer = strings.TrimSpace(in.Offer)
	f := errs.Fields{}
	if in.Email == "" {
		f.Add("email", "errors.required")
	} else if !territory.ValidEmail(in.Email) {
		f.Add("email", "errors.email")
	}
	if tooLong(in.Name, 120) {
		f.Add("name", "errors.too_long")
	}
	if tooLong(in.Offer, 1000) {
		f.Add("offer", "errors.too_long")
	}
	if err := f.Err(); err != nil {
		return SupportOutcome{}, err
	}
	idea, err := s.Get(ctx, territoryID, ideaID)
	if err != nil {
		return SupportOutcome{}, err
	}
	if idea.Moderation != Approved {
		return SupportOutcome{}, errs.New(errs.NotFound, "errors.idea_not_found")
	}
	if idea.Status == Done || idea.Status == SetAside {
		return SupportOutcome{}, errs.New(errs.Conflict, "errors.idea_closed")
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return SupportOutcome{}, err
	}
	raw, hash := auth.NewToken()
	var out SupportOutcome
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var existing int64
		var confirmed sql.NullTime
		err := tx.QueryRow(ctx, `SELECT id, confirmed_at FROM idea_supports WHERE idea_id = ? AND email = ?`, ideaID, in.Email).Scan(&existing, &confirmed)
		switch {
		case err == nil:
			out = SupportOutcome{Existing: true, Confirmed: confirmed.Valid}
			if !confirmed.Valid && verified {
				out.Confirmed = true
				_, err = tx.Exec(ctx, `UPDATE idea_supports SET confirmed_at = ? WHERE id = ?`, s.now(), existing)
			}
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var at any
		if verified {
			at = s.now()
		}
		if _, err := tx.Exec(ctx, `INSERT INTO idea_supports (territory_id, idea_id, email, name, offer, token_hash, confirmed_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, territoryID, ideaID, in.Email, in.Name, in.Offer, hash, at, s.now()); err != nil {
			return err
		}
		out = SupportOutcome{Confirmed: verified}
		if verified {
			return nil
		}
		lang := in.Lang
		link := s.baseURL + "/appui/" + raw
		text := s.cat.T(lang, "mail.support.body", in.Name, idea.Title, link) + "\n\n-- \n" + t.MailFooter()
		return s.queue(ctx, tx, territoryID, mail.Message{To: in.Email, Subject: s.cat.T(lang, "mail.support.subject", idea.Title), Text: text,
			Secrets: []string{raw}, Limit: onceADay("idea-support:%d:%s", ideaID, in.Email)})
	})
	return out, err
}

// ConfirmSupport counts a support once its person opened the link. It
// returns the idea supported; confirming twice is harmless.
func (s *Store) ConfirmSupport(ctx context.Context, territoryID int64, token string) (IdeaRecord, error) {
	var ideaID int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `SELECT idea_id FROM idea_supports WHERE territory_id = ? AND token_hash = ?`, territoryID, auth.HashToken(token)).Scan(&ideaID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "errors.support_link")
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE idea_supports SET confirmed_at = COALESCE(confirmed_at, ?) WHERE token_hash = ?`, s.now(), auth.HashToken(token))
		return err
	})
	if err != nil {
		return IdeaRecord{}, err
	}
	return s.Get(ctx, territoryID, ideaID)
}

// Supporter is a confirmed support, for staff.
type Supporter struct {
	Name, Email, Offer string
	ConfirmedAt        time.Time
}

// Supporters lists who supports an idea (staff only: names and e-mails).
func (s *Store) Supporters(ctx context.Context, territoryID, ideaID int64) ([]Supporter, error) {
	if _, err := s.Get(ctx, territoryID, ideaID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT name, email, offer, confirmed_at FROM idea_supports
		WHERE territory_id = ? AND idea_id = ? AND confirmed_at IS NOT NULL ORDER BY confirmed_at`, territoryID, ideaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Supporter
	for rows.Next() {
		var su Supporter
		if err := rows.Scan(&su.Name, &su.Email, &su.Offer, &su.ConfirmedAt); err != nil {
			return nil, err
		}
		out = append(out, su)
	}
	return out, rows.Err()
}
