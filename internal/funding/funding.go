// Package funding keeps the program's search for funding (« Recherche de
// financement »): the applications made to funders — what was asked, by
// when, what was decided and granted — the reports owed to a funder, the
// documents kept with an application, the totals of each year, and the
// reminders e-mailed to the territory's administrators before a deadline.
// Nothing here holds a citizen's personal data.
package funding

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// Status is where an application stands.
type Status string

const (
	ToPrepare Status = "to_prepare" // « à préparer »
	Submitted Status = "submitted"  // « déposée »
	Accepted  Status = "accepted"   // « acceptée »
	Refused   Status = "refused"    // « refusée »
)

// Statuses lists the statuses in display order.
var Statuses = []Status{ToPrepare, Submitted, Accepted, Refused}

// ParseStatus returns the status named s.
func ParseStatus(s string) (Status, bool) {
	for _, x := range Statuses {
		if string(x) == s {
			return x, true
		}
	}
	return "", false
}

// transitions are the moves a status allows. An application is prepared,
// then submitted; the funder accepts or refuses it. A submitted one may go
// back to preparation (the funder asked for changes), and a decision typed
// by mistake goes back to « déposée » to be corrected.
var transitions = map[Status][]Status{
	ToPrepare: {Submitted},
	Submitted: {ToPrepare, Accepted, Refused},
	Accepted:  {Submitted},
	Refused:   {Submitted},
}

// Next lists the statuses an application in s may move to.
func (s Status) Next() []Status { return transitions[s] }

// CanMoveTo reports whether an application in s may move to to.
func (s Status) CanMoveTo(to Status) bool { return slices.Contains(transitions[s], to) }

// Decided reports whether the funder answered.
func (s Status) Decided() bool { return s == Accepted || s == Refused }

// Bounds of what is typed.
const (
	// MaxAmount is the largest amount, in cents: ten million dollars.
	MaxAmount int64 = 10_000_000_00
	maxName         = 200
	maxNote         = 5000
)

// Application is a request for funding made to a funder.
type Application struct {
	ID          int64
	TerritoryID int64
	Funder      string
	Program     string
	// Asked is the amount asked, in cents.
	Asked    int64
	Deadline calendar.Date
	Status   Status
	// Granted is the amount granted, in cents; nil unless accepted.
	Granted *int64
	// DecidedOn is the day of the funder's answer (zero before it).
	DecidedOn calendar.Date
	Note      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Input is an application as typed.
type Input struct {
	Funder   string
	Program  string
	Amount   string
	Deadline string
	Note     string
}

// Decision is a change of status as typed: the amount granted and the
// day of the decision when the funder answered.
type Decision struct {
	Status    string
	Granted   string
	DecidedOn string
}

// People lists the accounts of a territory with their roles (auth).
type People interface {
	Members(ctx context.Context, territoryID int64) ([]auth.Member, error)
}

// Store keeps the funding applications of every territory.
type Store struct {
	db          *db.DB
	territories *territory.Store
	people      People
	mailer      *mail.Mailer
	cat         i18n.Catalogs
	baseURL     string
	now         func() time.Time
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	// People finds the administrators the reminders go to.
	People People
	Mailer *mail.Mailer
	// Catalogs write the reminders in each administrator's language.
	Catalogs i18n.Catalogs
	// BaseURL is the address of the links in the reminders.
	BaseURL string
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the funding store.
func NewStore(c Config) *Store {
	return &Store{db: c.DB, territories: c.Territories, people: c.People, mailer: c.Mailer, cat: c.Catalogs,
		baseURL: strings.TrimRight(c.BaseURL, "/"), now: db.Clock(c.Now)}
}

// Today is the territory's calendar day now.
func (s *Store) Today(ctx context.Context, territoryID int64) (calendar.Date, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return calendar.Date{}, err
	}
	return calendar.DateOf(s.now().In(t.Location())), nil
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

func tooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// check reads an application as typed; the problems go to f.
func (s *Store) check(in Input, f errs.Fields) (funder, program, note string, asked int64, deadline calendar.Date) {
	funder, program, note = clean(in.Funder), clean(in.Program), strings.TrimSpace(in.Note)
	switch {
	case funder == "":
		f.Add("funder", "errors.required")
	case tooLong(funder, maxName):
		f.Add("funder", "errors.too_long")
	}
	if tooLong(program, maxName) {
		f.Add("program", "errors.too_long")
	}
	if tooLong(note, maxNote) {
		f.Add("note", "errors.too_long")
	}
	asked = amount(f, "amount", in.Amount, true)
	deadline = calendar.Happening(s.now()).Parse(f, "deadline", in.Deadline, true)
	return
}

// amount reads an amount typed in field; the problem goes to f.
func amount(f errs.Fields, field, typed string, required bool) int64 {
	if strings.TrimSpace(typed) == "" {
		if required {
			f.Add(field, "errors.required")
		}
		return 0
	}
	c, ok := ParseMoney(typed)
	switch {
	case !ok:
		f.Add(field, "errors.funding_amount")
	case c <= 0:
		f.Add(field, "errors.funding_amount_positive")
	case c > MaxAmount:
		f.Add(field, "errors.funding_amount_max")
	}
	return c
}

// Create records a new application, « à préparer ».
func (s *Store) Create(ctx context.Context, territoryID, userID int64, in Input) (Application, error) {
	f := errs.Fields{}
	funder, program, note, asked, deadline := s.check(in, f)
	if err := f.Err(); err != nil {
		return Application{}, err
	}
	var by any
	if userID != 0 {
		by = userID
	}
	now := s.now()
	id, err := s.db.InsertID(ctx, `INSERT INTO funding_applications (territory_id, funder, program, amount_asked, deadline, status,
		note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		territoryID, funder, program, asked, deadline, string(ToPrepare), note, by, now, now)
	if err != nil {
		return Application{}, err
	}
	return s.Get(ctx, territoryID, id)
}

// Update corrects an application's funder, program, amount asked,
// deadline and note.
func (s *Store) Update(ctx context.Context, territoryID, id int64, in Input) (Application, error) {
	f := errs.Fields{}
	funder, program, note, asked, deadline := s.check(in, f)
	if err := f.Err(); err != nil {
		return Application{}, err
	}
	res, err := s.db.Exec(ctx, `UPDATE funding_applications SET funder = ?, program = ?, amount_asked = ?, deadline = ?, note = ?,
		updated_at = ? WHERE territory_id = ? AND id = ?`, funder, program, asked, deadline, note, s.now(), territoryID, id)
	if err != nil {
		return Application{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Application{}, notFound()
	}
	return s.Get(ctx, territoryID, id)
}

// SetStatus moves an application to another status. Accepted needs the
// amount granted and the day of the decision; refused needs the day and
// takes no amount; any other status forgets both.
func (s *Store) SetStatus(ctx context.Context, territoryID, id int64, d Decision) (Application, error) {
	a, err := s.Get(ctx, territoryID, id)
	if err != nil {
		return a, err
	}
	f := errs.Fields{}
	to, ok := ParseStatus(d.Status)
	switch {
	case !ok:
		f.Add("status", "errors.funding_status")
	case to != a.Status && !a.Status.CanMoveTo(to):
		f.Add("status", "errors.funding_transition")
	}
	var granted any
	var decided calendar.Date
	if ok && to.Decided() {
		decided = calendar.Happening(s.now()).Parse(f, "decided_on", d.DecidedOn, true)
		if !decided.IsZero() {
			if today, err := s.Today(ctx, territoryID); err != nil {
				return a, err
			} else if today.Before(decided) {
				f.Add("decided_on", "errors.funding_decided_future")
			}
		}
	}
	switch {
	case ok && to == Accepted:
		if c := amount(f, "granted", d.Granted, true); c > 0 {
			granted = c
		}
	case strings.TrimSpace(d.Granted) != "":
		f.Add("granted", "errors.funding_granted_only_accepted")
	}
	if err := f.Err(); err != nil {
		return a, err
	}
	res, err := s.db.Exec(ctx, `UPDATE funding_applications SET status = ?, amount_granted = ?, decided_on = ?, updated_at = ?
		WHERE territory_id = ? AND id = ? AND status = ?`, string(to), granted, decided, s.now(), territoryID, id, string(a.Status))
	if err != nil {
		return a, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Someone else moved it in between: let the person look again.
		return a, errs.New(errs.Conflict, "errors.funding_changed")
	}
	return s.Get(ctx, territoryID, id)
}

func notFound() error { return errs.New(errs.NotFound, "errors.funding_not_found") }

const appCols = `id, territory_id, funder, program, amount_asked, deadline, status, amount_granted, decided_on, note, created_at, updated_at`

func scanApplication(row interface{ Scan(...any) error }) (Application, error) {
	var a Application
	var status string
	var granted sql.NullInt64
	err := row.Scan(&a.ID, &a.TerritoryID, &a.Funder, &a.Program, &a.Asked, &a.Deadline, &status, &granted, &a.DecidedOn, &a.Note,
		db.ScanTime(&a.CreatedAt), db.ScanTime(&a.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound()
	}
	a.Status = Status(status)
	if granted.Valid {
		a.Granted = &granted.Int64
	}
	return a, err
}

// Get returns one application of the territory.
func (s *Store) Get(ctx context.Context, territoryID, id int64) (Application, error) {
	return scanApplication(s.db.QueryRow(ctx, `SELECT `+appCols+` FROM funding_applications WHERE territory_id = ? AND id = ?`,
		territoryID, id))
}

// List returns the territory's applications, by status (in the order of
// Statuses), then by deadline, soonest first.
func (s *Store) List(ctx context.Context, territoryID int64) ([]Application, error) {
	var out []Application
	err := db.Each(ctx, s.db, `SELECT `+appCols+` FROM funding_applications WHERE territory_id = ? ORDER BY deadline, id`,
		[]any{territoryID}, func(rows *sql.Rows) error {
			a, err := scanApplication(rows)
			out = append(out, a)
			return err
		})
	if err != nil {
		return nil, err
	}
	rank := func(st Status) int { return slices.Index(Statuses, st) }
	slices.SortStableFunc(out, func(a, b Application) int { return rank(a.Status) - rank(b.Status) })
	return out, nil
}

// YearTotal is a year's figures: what was asked (the applications whose
// deadline falls in the year), what was granted (the acceptances decided in
// the year), and how many applications of the year are in each status.
type YearTotal struct {
	Year    int
	Asked   int64
	Granted int64
	Count   map[Status]int
}

// Totals returns the figures of every year with an application, latest first.
func (s *Store) Totals(ctx context.Context, territoryID int64) ([]YearTotal, error) {
	apps, err := s.List(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	byYear := map[int]*YearTotal{}
	year := func(y int) *YearTotal {
		if byYear[y] == nil {
			byYear[y] = &YearTotal{Year: y, Count: map[Status]int{}}
		}
		return byYear[y]
	}
	for _, a := range apps {
		y := year(a.Deadline.Year)
		y.Asked += a.Asked
		y.Count[a.Status]++
		if a.Status == Accepted && a.Granted != nil {
			when := a.DecidedOn
			if when.IsZero() {
				when = a.Deadline
			}
			year(when.Year).Granted += *a.Granted
		}
	}
	out := make([]YearTotal, 0, len(byYear))
	for _, y := range byYear {
		out = append(out, *y)
	}
	slices.SortFunc(out, func(a, b YearTotal) int { return b.Year - a.Year })
	return out, nil
}
