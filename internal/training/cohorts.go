package training

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// Status is where a cohort stands; staff move it along.
type Status string

const (
	Planned   Status = "planned"   // announced, enrolment not yet open
	Open      Status = "open"      // taking enrolments
	Running   Status = "running"   // under way: staff still enrol
	Completed Status = "completed" // over: completion written, certificates given
	Cancelled Status = "cancelled"
)

// Statuses lists them in order.
var Statuses = []Status{Planned, Open, Running, Completed, Cancelled}

// Cohort is one run of a program: its places, trainers, seats, price and
// sessions (events of kind training).
type Cohort struct {
	ID          int64
	TerritoryID int64
	ProgramID   int64
	Program     Program
	Slug        string
	Name        string
	Trainers    string
	// Capacity counts learners; nil is no limit.
	Capacity *int
	// PriceCents is what a learner pays, 0 when free.
	PriceCents   int
	Status       Status
	CancelReason string
	// CompletedOn is the day staff closed the cohort and its completion
	// was written.
	CompletedOn   calendar.Date
	SessionWaveID *int64
	FinalWaveID   *int64
	Places        []territory.Place
	Sessions      []events.Event
	Confirmed     int
	Waitlisted    int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Free reports whether the training costs nothing.
func (c Cohort) Free() bool { return c.PriceCents == 0 }

// SeatsLeft is the number of free seats, nil when there is no limit.
func (c Cohort) SeatsLeft() *int {
	if c.Capacity == nil {
		return nil
	}
	n := max(*c.Capacity-c.Confirmed, 0)
	return &n
}

// Full reports whether no seat is left.
func (c Cohort) Full() bool { l := c.SeatsLeft(); return l != nil && *l == 0 }

// TakesEnrolments reports whether people may enrol themselves.
func (c Cohort) TakesEnrolments() bool { return c.Status == Open }

// Starts is the start of its first session (zero without sessions).
func (c Cohort) Starts() time.Time {
	for _, e := range c.Sessions {
		if e.CancelledAt == nil {
			return e.StartsAt
		}
	}
	return time.Time{}
}

// Ends is the end of its last session (zero without sessions).
func (c Cohort) Ends() time.Time {
	for i := len(c.Sessions) - 1; i >= 0; i-- {
		if c.Sessions[i].CancelledAt == nil {
			return c.Sessions[i].EndsAt
		}
	}
	return time.Time{}
}

// Held lists the sessions that are not cancelled.
func (c Cohort) Held() []events.Event {
	var out []events.Event
	for _, e := range c.Sessions {
		if e.CancelledAt == nil {
			out = append(out, e)
		}
	}
	return out
}

// PlaceNames names its places, joined.
func (c Cohort) PlaceNames() string {
	names := make([]string, len(c.Places))
	for i, p := range c.Places {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// Path is its public page.
func (c Cohort) Path() string { return "/formations/" + c.Slug }

// CohortInput is a cohort as typed.
type CohortInput struct {
	ProgramID int64
	Name      string
	Trainers  string
	Capacity  string
	// Price is typed in dollars (« 25 », « 25,50 $ »); empty or 0: free.
	Price  string
	Places []string
}

// MaxCapacity bounds a cohort's seats.
const MaxCapacity = 500

func (s *Store) checkCohort(ctx context.Context, territoryID int64, in *CohortInput) (cap *int, cents int, places []territory.Place, err error) {
	in.Name, in.Trainers = clean(in.Name), strings.TrimSpace(in.Trainers)
	f := errs.Fields{}
	switch {
	case in.Name == "":
		f.Add("name", "errors.required")
	case tooLong(in.Name, 150):
		f.Add("name", "errors.too_long")
	}
	if tooLong(in.Trainers, 500) {
		f.Add("trainers", "errors.too_long")
	}
	if v := strings.TrimSpace(in.Capacity); v != "" {
		n, ok := i18n.ParseDecimal(v)
		if !ok || n != math.Trunc(n) || n < 1 || n > MaxCapacity {
			f.Add("capacity", "errors.training_capacity")
		} else {
			c := int(n)
			cap = &c
		}
	}
	if v := strings.TrimSpace(in.Price); v != "" {
		n, ok := i18n.ParseDecimal(v)
		if !ok || n < 0 || n > 10000 {
			f.Add("price", "errors.training_price")
		} else {
			cents = int(math.Round(n * 100))
		}
	}
	seen := map[string]bool{}
	for _, slug := range in.Places {
		slug = strings.TrimSpace(slug)
		if slug == "" || seen[slug] {
			continue
		}
		seen[slug] = true
		pl, err := s.territories.Place(ctx, territoryID, slug)
		if errs.Is(err, errs.NotFound) {
			f.Add("places", "errors.place_unknown")
			continue
		}
		if err != nil {
			return nil, 0, nil, err
		}
		places = append(places, pl)
	}
	if len(places) == 0 && f["places"] == "" {
		f.Add("places", "errors.required")
	}
	if _, err := s.Program(ctx, territoryID, in.ProgramID); errs.Is(err, errs.NotFound) {
		f.Add("program", "errors.training_program_not_found")
	} else if err != nil {
		return nil, 0, nil, err
	}
	return cap, cents, places, f.Err()
}

func writePlaces(ctx context.Context, tx *db.Tx, cohortID int64, places []territory.Place) error {
	if _, err := tx.Exec(ctx, `DELETE FROM training_cohort_places WHERE cohort_id = ?`, cohortID); err != nil {
		return err
	}
	for _, p := range places {
		if _, err := tx.Exec(ctx, `INSERT INTO training_cohort_places (cohort_id, place_id) VALUES (?, ?)`, cohortID, p.ID); err != nil {
			return err
		}
	}
	return nil
}

// CreateCohort plans a cohort of a program (status planned).
func (s *Store) CreateCohort(ctx context.Context, territoryID int64, in CohortInput) (Cohort, error) {
	capacity, cents, places, err := s.checkCohort(ctx, territoryID, &in)
	if err != nil {
		return Cohort{}, err
	}
	p, err := s.Program(ctx, territoryID, in.ProgramID)
	if err != nil {
		return Cohort{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		slug, err := uniqueSlug(ctx, tx, "training_cohorts", territoryID, i18n.Slug(p.Slug+" "+in.Name, 80), 0)
		if err != nil {
			return err
		}
		now := s.now()
		id, err = tx.InsertID(ctx, `INSERT INTO training_cohorts (territory_id, program_id, slug, name, trainers, capacity,
			price_cents, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, in.ProgramID, slug, in.Name, in.Trainers, intArg(capacity), cents, string(Planned), now, now)
		if err != nil {
			return err
		}
		return writePlaces(ctx, tx, id, places)
	})
	if err != nil {
		return Cohort{}, err
	}
	return s.Cohort(ctx, territoryID, id)
}

// UpdateCohort saves a cohort's changes. Seats may not fall below the
// learners already confirmed; added seats go to the wait-list, in order.
func (s *Store) UpdateCohort(ctx context.Context, territoryID, id int64, in CohortInput) (Cohort, error) {
	old, err := s.Cohort(ctx, territoryID, id)
	if err != nil {
		return Cohort{}, err
	}
	in.ProgramID = old.ProgramID
	capacity, cents, places, err := s.checkCohort(ctx, territoryID, &in)
	if err != nil {
		return Cohort{}, err
	}
	if capacity != nil && *capacity < old.Confirmed {
		return Cohort{}, errs.Fields{"capacity": "errors.training_capacity_below"}.Err()
	}
	if err := s.events.PrepareLinks(ctx); err != nil {
		return Cohort{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE training_cohorts SET name = ?, trainers = ?, capacity = ?, price_cents = ?, updated_at = ?
			WHERE territory_id = ? AND id = ?`, in.Name, in.Trainers, intArg(capacity), cents, s.now(), territoryID, id); err != nil {
			return err
		}
		if err := writePlaces(ctx, tx, id, places); err != nil {
			return err
		}
		return s.promote(ctx, tx, territoryID, id)
	})
	if err != nil {
		return Cohort{}, err
	}
	return s.Cohort(ctx, territoryID, id)
}

func intArg(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// SetStatus moves a cohort along: planned → open → running → completed,
// back a step while not completed, or cancelled (with its reason: every
// session still to come is cancelled and its learners told by the events'
// own notice). Completing writes each learner's completion.
func (s *Store) SetStatus(ctx context.Context, territoryID, id int64, st Status, reason string) error {
	c, err := s.Cohort(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if !slices.Contains(Statuses, st) {
		return errs.New(errs.Invalid, "errors.training_status")
	}
	if c.Status == st {
		return nil
	}
	if c.Status == Cancelled || c.Status == Completed && st != Running {
		return errs.New(errs.Conflict, "errors.training_cohort_closed")
	}
	switch st {
	case Cancelled:
		reason = strings.TrimSpace(reason)
		if reason == "" {
			return errs.Fields{"reason": "errors.required"}.Err()
		}
		if tooLong(reason, 1000) {
			return errs.Fields{"reason": "errors.too_long"}.Err()
		}
		now := s.now()
		for _, e := range c.Sessions {
			if e.CancelledAt == nil && e.HeldAt == nil && now.Before(e.StartsAt) {
				if err := s.events.Cancel(ctx, territoryID, e.ID, reason); err != nil {
					return err
				}
			}
		}
		_, err = s.db.Exec(ctx, `UPDATE training_cohorts SET status = ?, cancel_reason = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
			string(st), reason, now, territoryID, id)
		return err
	case Open, Running:
		if len(c.Held()) == 0 {
			return errs.New(errs.Conflict, "errors.training_no_sessions")
		}
	case Completed:
		return s.complete(ctx, territoryID, c)
	}
	_, err = s.db.Exec(ctx, `UPDATE training_cohorts SET status = ?, completed_on = NULL, updated_at = ? WHERE territory_id = ? AND id = ?`,
		string(st), s.now(), territoryID, id)
	if err == nil && st == Running && c.Status == Completed {
		_, err = s.db.Exec(ctx, `UPDATE training_enrolments SET completed = NULL WHERE cohort_id = ?`, id)
	}
	return err
}

const cohortCols = `c.id, c.territory_id, c.program_id, c.slug, c.name, c.trainers, c.capacity, c.price_cents, c.status,
	c.cancel_reason, c.completed_on, c.session_wave_id, c.final_wave_id, c.created_at, c.updated_at,
	(SELECT COUNT(*) FROM training_enrolments x WHERE x.cohort_id = c.id AND x.status = 'confirmed'),
	(SELECT COUNT(*) FROM training_enrolments x WHERE x.cohort_id = c.id AND x.status = 'waitlisted')`

func scanCohort(row interface{ Scan(...any) error }) (Cohort, error) {
	var c Cohort
	var capacity, sw, fw sql.NullInt64
	var st string
	var done sql.NullString
	err := row.Scan(&c.ID, &c.TerritoryID, &c.ProgramID, &c.Slug, &c.Name, &c.Trainers, &capacity, &c.PriceCents, &st,
		&c.CancelReason, &done, &sw, &fw, db.ScanTime(&c.CreatedAt), db.ScanTime(&c.UpdatedAt), &c.Confirmed, &c.Waitlisted)
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.New(errs.NotFound, "errors.training_cohort_not_found")
	}
	c.Status = Status(st)
	if capacity.Valid {
		n := int(capacity.Int64)
		c.Capacity = &n
	}
	if sw.Valid {
		c.SessionWaveID = &sw.Int64
	}
	if fw.Valid {
		c.FinalWaveID = &fw.Int64
	}
	if done.Valid {
		c.CompletedOn, _ = calendar.Parse(done.String)
	}
	return c, err
}

// Cohort returns one cohort with its program, places and sessions.
func (s *Store) Cohort(ctx context.Context, territoryID, id int64) (Cohort, error) {
	list, err := s.cohorts(ctx, territoryID, `c.id = ?`, id)
	if err != nil {
		return Cohort{}, err
	}
	if len(list) == 0 {
		return Cohort{}, errs.New(errs.NotFound, "errors.training_cohort_not_found")
	}
	return list[0], nil
}

// CohortBySlug returns one cohort by its address.
func (s *Store) CohortBySlug(ctx context.Context, territoryID int64, slug string) (Cohort, error) {
	list, err := s.cohorts(ctx, territoryID, `c.slug = ?`, slug)
	if err != nil {
		return Cohort{}, err
	}
	if len(list) == 0 {
		return Cohort{}, errs.New(errs.NotFound, "errors.training_cohort_not_found")
	}
	return list[0], nil
}

// CohortFilter narrows the cohorts.
type CohortFilter struct {
	ProgramID int64
	Audience  string
	// Place keeps the cohorts given in a place or its secteurs.
	Place string
	// Public keeps the cohorts visitors see: not planned nor cancelled,
	// of a program not archived.
	Public bool
}

// Cohorts lists the cohorts, the next to start first, then the past ones
// the latest first.
func (s *Store) Cohorts(ctx context.Context, territoryID int64, f CohortFilter) ([]Cohort, error) {
	where, args := `1 = 1`, []any{}
	if f.ProgramID != 0 {
		where, args = where+` AND c.program_id = ?`, append(args, f.ProgramID)
	}
	if f.Audience != "" {
		where, args = where+` AND c.program_id IN (SELECT id FROM training_programs WHERE audience = ?)`, append(args, f.Audience)
	}
	if f.Public {
		where += ` AND c.status IN ('open', 'running', 'completed') AND c.program_id IN (SELECT id FROM training_programs WHERE archived_at IS NULL)`
	}
	if f.Place != "" {
		cond, a := territory.InScope("cp.place_id", territoryID, f.Place, territory.AndSecteurs)
		where += ` AND c.id IN (SELECT cp.cohort_id FROM training_cohort_places cp WHERE ` + cond + `)`
		args = append(args, a...)
	}
	list, err := s.cohorts(ctx, territoryID, where, args...)
	if err != nil {
		return nil, err
	}
	now := s.now()
	slices.SortStableFunc(list, func(a, b Cohort) int {
		ap, bp := !a.Ends().IsZero() && a.Ends().Before(now), !b.Ends().IsZero() && b.Ends().Before(now)
		switch {
		case ap != bp && ap:
			return 1
		case ap != bp:
			return -1
		case ap:
			return b.Starts().Compare(a.Starts())
		}
		return a.Starts().Compare(b.Starts())
	})
	return list, nil
}

func (s *Store) cohorts(ctx context.Context, territoryID int64, where string, args ...any) ([]Cohort, error) {
	var out []Cohort
	err := db.Each(ctx, s.db, `SELECT `+cohortCols+` FROM training_cohorts c WHERE c.territory_id = ? AND `+where+` ORDER BY c.id`,
		append([]any{territoryID}, args...), func(rows *sql.Rows) error {
			c, err := scanCohort(rows)
			out = append(out, c)
			return err
		})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	programs, err := s.Programs(ctx, territoryID, true)
	if err != nil {
		return nil, err
	}
	byID := map[int64]Program{}
	for _, p := range programs {
		byID[p.ID] = p
	}
	index := map[int64]int{}
	for i := range out {
		out[i].Program = byID[out[i].ProgramID]
		index[out[i].ID] = i
	}
	// Only the cohorts asked for: one cohort reads its own places and sessions.
	in, inArgs := idList(out)
	err = db.Each(ctx, s.db, `SELECT cp.cohort_id, p.id, p.slug, p.name FROM training_cohort_places cp JOIN places p ON p.id = cp.place_id
		JOIN training_cohorts c ON c.id = cp.cohort_id WHERE c.territory_id = ? AND c.id IN (`+in+`) ORDER BY p.name`,
		append([]any{territoryID}, inArgs...), func(rows *sql.Rows) error {
			var cid int64
			var p territory.Place
			if err := rows.Scan(&cid, &p.ID, &p.Slug, &p.Name); err != nil {
				return err
			}
			if i, ok := index[cid]; ok {
				out[i].Places = append(out[i].Places, p)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	sessions := map[int64][]int64{}
	var ids []int64
	err = db.Each(ctx, s.db, `SELECT s.cohort_id, s.event_id FROM training_sessions s JOIN training_cohorts c ON c.id = s.cohort_id
		WHERE c.territory_id = ? AND c.id IN (`+in+`)`, append([]any{territoryID}, inArgs...), func(rows *sql.Rows) error {
		var cid, eid int64
		if err := rows.Scan(&cid, &eid); err != nil {
			return err
		}
		if _, ok := index[cid]; ok {
			sessions[cid] = append(sessions[cid], eid)
			ids = append(ids, eid)
		}
		return nil
	})
	if err != nil || len(ids) == 0 {
		return out, err
	}
	evs, err := s.events.Many(ctx, territoryID, ids)
	if err != nil {
		return nil, err
	}
	for cid, eids := range sessions {
		c := &out[index[cid]]
		for _, eid := range eids {
			c.Sessions = append(c.Sessions, evs[eid])
		}
		slices.SortFunc(c.Sessions, func(a, b events.Event) int { return a.StartsAt.Compare(b.StartsAt) })
	}
	return out, nil
}

// SessionInput is a session as typed: its day, hours and venue.
type SessionInput struct {
	Title        string
	Date         string
	Start, End   string
	PlaceSlug    string
	VenueName    string
	VenueAddress string
}

// parseClock reads a time of day into f.
func parseClock(f errs.Fields, field, v string) (h, m int, ok bool) {
	if strings.TrimSpace(v) == "" {
		f.Add(field, "errors.required")
		return 0, 0, false
	}
	if h, m, ok = calendar.ParseClock(v); !ok {
		f.Add(field, "errors.time")
	}
	return h, m, ok
}

// AddSession adds a session to a cohort: a published event of kind
// training whose sign-up is the cohort's, with every learner confirmed in
// the cohort registered to it — all in one transaction.
func (s *Store) AddSession(ctx context.Context, territoryID, createdBy, cohortID int64, in SessionInput) (events.Event, error) {
	c, err := s.Cohort(ctx, territoryID, cohortID)
	if err != nil {
		return events.Event{}, err
	}
	if c.Status == Completed || c.Status == Cancelled {
		return events.Event{}, errs.New(errs.Conflict, "errors.training_cohort_closed")
	}
	_, loc, err := s.today(ctx, territoryID)
	if err != nil {
		return events.Event{}, err
	}
	f := errs.Fields{}
	day := calendar.Happening(s.now()).Parse(f, "date", in.Date, true)
	sh, sm, okStart := parseClock(f, "start", in.Start)
	eh, em, okEnd := parseClock(f, "end", in.End)
	title := clean(in.Title)
	if title == "" {
		title = s.cat.T("fr", "training.session.title", c.Program.Name, len(c.Sessions)+1)
	}
	place := strings.TrimSpace(in.PlaceSlug)
	if place == "" && len(c.Places) > 0 {
		place = c.Places[0].Slug
	}
	ev := events.Input{Kind: events.Training, Title: title, Summary: c.Program.Summary, PlaceSlug: place,
		VenueName: in.VenueName, VenueAddress: in.VenueAddress, SignUpVia: c.Path()}
	if !day.IsZero() && okStart && okEnd {
		ev.StartsAt = time.Date(day.Year, day.Month, day.Day, sh, sm, 0, 0, loc)
		ev.EndsAt = time.Date(day.Year, day.Month, day.Day, eh, em, 0, 0, loc)
	}
	if len(f) > 0 {
		if strings.TrimSpace(in.VenueName) == "" {
			f.Add("venue_name", "errors.required")
		}
		return events.Event{}, f.Err()
	}
	if err := s.events.PrepareLinks(ctx); err != nil {
		return events.Event{}, err
	}
	created, err := s.events.CreateWith(ctx, territoryID, createdBy, ev, func(ctx context.Context, tx *db.Tx, eventID int64) error {
		if _, err := tx.Exec(ctx, `INSERT INTO training_sessions (cohort_id, event_id) VALUES (?, ?)`, cohortID, eventID); err != nil {
			return err
		}
		learners, err := txEnrolments(ctx, tx, `e.cohort_id = ? AND e.status = 'confirmed'`, cohortID)
		if err != nil {
			return err
		}
		for _, l := range learners {
			if err := s.registerIn(ctx, tx, territoryID, l, eventID); err != nil {
				return err
			}
		}
		return nil
	})
	if e, ok := errs.As(err); ok && len(e.Fields) > 0 {
		moved := errs.Fields{}
		for k, v := range e.Fields {
			switch k {
			case "starts_at":
				k = "date"
			case "ends_at":
				k = "end"
			}
			moved.Add(k, v)
		}
		return events.Event{}, moved.Err()
	}
	if err != nil {
		return events.Event{}, err
	}
	// A session is on the public calendar at once; its sign-up is the cohort's.
	if err := s.events.Publish(ctx, territoryID, created.ID, time.Time{}); err != nil {
		return events.Event{}, err
	}
	return s.events.Get(ctx, territoryID, created.ID)
}

// idList is the placeholders and arguments of the cohorts' ids, for IN (…).
func idList(list []Cohort) (string, []any) {
	args := make([]any, len(list))
	for i, c := range list {
		args[i] = c.ID
	}
	return "?" + strings.Repeat(", ?", len(list)-1), args
}
