package community

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
)

// What an initiative is made of besides its people: the actors that
// support it and how, its milestones, and the help it still needs
// (« coup de main recherché »; these become volunteer opportunities once
// the product has them).

// ActorKind says what kind of actor supports an initiative.
type ActorKind string

const (
	ActorMunicipality ActorKind = "municipality"
	ActorOrganization ActorKind = "organization"
	ActorBusiness     ActorKind = "business"
	ActorSchool       ActorKind = "school"
	ActorPublicBody   ActorKind = "public_body"
	ActorOther        ActorKind = "other"
)

// ActorKinds lists the kinds of actors in display order.
var ActorKinds = []ActorKind{ActorMunicipality, ActorOrganization, ActorBusiness, ActorSchool, ActorPublicBody, ActorOther}

// SupportKind says how an actor helps.
type SupportKind string

const (
	SupportMoney     SupportKind = "money"
	SupportRoom      SupportKind = "room"
	SupportEquipment SupportKind = "equipment"
	SupportStaffTime SupportKind = "staff_time"
	SupportOther     SupportKind = "other"
)

// SupportKinds lists the kinds of support in display order.
var SupportKinds = []SupportKind{SupportMoney, SupportRoom, SupportEquipment, SupportStaffTime, SupportOther}

// maxAmountCents bounds an amount of money (ten million dollars).
const maxAmountCents = 1_000_000_000

// Actor is a municipality, an organisation, a business or a school that
// supports an initiative (public: these are not citizens).
type Actor struct {
	ID       int64
	Name     string
	Kind     ActorKind
	Supports []SupportKind
	Details  string
	// AmountCents is the money given, when said (shown on the public page).
	AmountCents *int64
	// OrganizationID is the organisation of the directory the actor is, if any.
	OrganizationID *int64
}

// Gives reports whether the actor helps in that way.
func (a Actor) Gives(k SupportKind) bool {
	for _, s := range a.Supports {
		if s == k {
			return true
		}
	}
	return false
}

// ActorInput is an actor as typed by staff.
type ActorInput struct {
	Name        string
	Kind        ActorKind
	Supports    []SupportKind
	Details     string
	AmountCents *int64
	// OrganizationID names an organisation of the directory (0 for none);
	// the caller makes sure it belongs to the territory.
	OrganizationID int64
}

// Milestone is a step of an initiative, with the day it is due and the
// day it was done (calendar days, UTC midnight).
type Milestone struct {
	ID     int64
	Title  string
	DueOn  time.Time
	DoneOn *time.Time
}

// MilestoneInput is a milestone as typed by staff.
type MilestoneInput struct {
	Title string
	DueOn *time.Time
}

// HelpWanted is help an initiative is looking for.
type HelpWanted struct {
	ID           int64
	Title        string
	Details      string
	PeopleNeeded int
	FilledAt     *time.Time
	// Offers counts the participants who said they come for this need.
	Offers int
}

// Filled reports whether the need is met.
func (n HelpWanted) Filled() bool { return n.FilledAt != nil }

// HelpInput is help wanted as typed by staff.
type HelpInput struct {
	Title        string
	Details      string
	PeopleNeeded int
}

// requireInitiative checks that an initiative belongs to the territory.
func (s *Store) requireInitiative(ctx context.Context, territoryID, id int64) error {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM initiatives WHERE territory_id = ? AND id = ?`, territoryID, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.New(errs.NotFound, "errors.initiative_not_found")
	}
	return nil
}

// oneRow turns a statement that touched no row into a NotFound of key.
func oneRow(res sql.Result, err error, key string) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, key)
	}
	return nil
}

// ---- Actors ------------------------------------------------------------

func checkActor(in *ActorInput) (supports string, err error) {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Details = strings.TrimSpace(in.Details)
	f := errs.Fields{}
	switch {
	case in.Name == "":
		f.Add("name", "errors.required")
	case tooLong(in.Name, 120):
		f.Add("name", "errors.too_long")
	}
	known := false
	for _, k := range ActorKinds {
		known = known || k == in.Kind
	}
	if !known {
		f.Add("kind", "errors.initiative_actor_kind")
	}
	// Kept in display order, each once.
	var codes []string
	var kept []SupportKind
	for _, k := range SupportKinds {
		for _, given := range in.Supports {
			if given == k {
				codes = append(codes, string(k))
				kept = append(kept, k)
				break
			}
		}
	}
	for _, given := range in.Supports {
		ok := false
		for _, k := range SupportKinds {
			ok = ok || given == k
		}
		if !ok {
			f.Add("supports", "errors.initiative_support_kind")
		}
	}
	if len(in.Supports) == 0 {
		f.Add("supports", "errors.initiative_support_kind")
	}
	in.Supports = kept
	if tooLong(in.Details, 1000) {
		f.Add("details", "errors.too_long")
	}
	if a := in.AmountCents; a != nil {
		switch {
		case *a < 0 || *a > maxAmountCents:
			f.Add("amount", "errors.initiative_amount")
		case !(Actor{Supports: kept}).Gives(SupportMoney):
			f.Add("amount", "errors.initiative_amount_money")
		}
	}
	return strings.Join(codes, ","), f.Err()
}

func amountValue(a *int64) any {
	if a == nil {
		return nil
	}
	return *a
}

// AddActor records an actor that supports an initiative.
func (s *Store) AddActor(ctx context.Context, territoryID, initiativeID int64, in ActorInput) (Actor, error) {
	supports, err := checkActor(&in)
	if err != nil {
		return Actor{}, err
	}
	if err := s.requireInitiative(ctx, territoryID, initiativeID); err != nil {
		return Actor{}, err
	}
	id, err := s.db.InsertID(ctx, `INSERT INTO initiative_actors (territory_id, initiative_id, name, kind, supports, details, amount_cents,
		organization_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, initiativeID, in.Name, string(in.Kind),
		supports, in.Details, amountValue(in.AmountCents), nullID(in.OrganizationID), s.now())
	if err != nil {
		return Actor{}, err
	}
	return s.Actor(ctx, territoryID, initiativeID, id)
}

// UpdateActor changes what an actor gives.
func (s *Store) UpdateActor(ctx context.Context, territoryID, initiativeID, actorID int64, in ActorInput) (Actor, error) {
	supports, err := checkActor(&in)
	if err != nil {
		return Actor{}, err
	}
	res, err := s.db.Exec(ctx, `UPDATE initiative_actors SET name = ?, kind = ?, supports = ?, details = ?, amount_cents = ?,
		organization_id = ? WHERE territory_id = ? AND initiative_id = ? AND id = ?`, in.Name, string(in.Kind), supports, in.Details,
		amountValue(in.AmountCents), nullID(in.OrganizationID), territoryID, initiativeID, actorID)
	if err := oneRow(res, err, "errors.initiative_actor_not_found"); err != nil {
		return Actor{}, err
	}
	return s.Actor(ctx, territoryID, initiativeID, actorID)
}

// RemoveActor takes an actor off an initiative.
func (s *Store) RemoveActor(ctx context.Context, territoryID, initiativeID, actorID int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM initiative_actors WHERE territory_id = ? AND initiative_id = ? AND id = ?`,
		territoryID, initiativeID, actorID)
	return oneRow(res, err, "errors.initiative_actor_not_found")
}

const actorCols = `id, name, kind, supports, details, amount_cents, organization_id`

func scanActor(row interface{ Scan(...any) error }) (Actor, error) {
	var a Actor
	var kind, supports string
	var amount, org sql.NullInt64
	err := row.Scan(&a.ID, &a.Name, &kind, &supports, &a.Details, &amount, &org)
	if org.Valid {
		a.OrganizationID = &org.Int64
	}
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.New(errs.NotFound, "errors.initiative_actor_not_found")
	}
	a.Kind = ActorKind(kind)
	for _, c := range strings.Split(supports, ",") {
		if c != "" {
			a.Supports = append(a.Supports, SupportKind(c))
		}
	}
	if amount.Valid {
		a.AmountCents = &amount.Int64
	}
	return a, err
}

// Actor returns one actor of an initiative.
func (s *Store) Actor(ctx context.Context, territoryID, initiativeID, actorID int64) (Actor, error) {
	return scanActor(s.db.QueryRow(ctx, `SELECT `+actorCols+` FROM initiative_actors WHERE territory_id = ? AND initiative_id = ? AND id = ?`,
		territoryID, initiativeID, actorID))
}

// Actors lists the actors of an initiative, in the order they came.
func (s *Store) Actors(ctx context.Context, territoryID, initiativeID int64) ([]Actor, error) {
	rows, err := s.db.Query(ctx, `SELECT `+actorCols+` FROM initiative_actors WHERE territory_id = ? AND initiative_id = ? ORDER BY id`,
		territoryID, initiativeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Actor
	for rows.Next() {
		a, err := scanActor(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ---- Milestones --------------------------------------------------------

// AddMilestone plans a step of an initiative; its day is required.
func (s *Store) AddMilestone(ctx context.Context, territoryID, initiativeID int64, in MilestoneInput) (Milestone, error) {
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	f := errs.Fields{}
	switch {
	case in.Title == "":
		f.Add("title", "errors.required")
	case tooLong(in.Title, 200):
		f.Add("title", "errors.too_long")
	}
	if in.DueOn == nil {
		f.Add("due_on", "errors.required")
	} else {
		calendar.Happening(s.now()).Check(f, "due_on", in.DueOn.Year())
	}
	if err := f.Err(); err != nil {
		return Milestone{}, err
	}
	if err := s.requireInitiative(ctx, territoryID, initiativeID); err != nil {
		return Milestone{}, err
	}
	due := calendarDay(*in.DueOn)
	id, err := s.db.InsertID(ctx, `INSERT INTO initiative_milestones (territory_id, initiative_id, title, due_on, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, territoryID, initiativeID, in.Title, calendar.DateOf(due), s.now())
	if err != nil {
		return Milestone{}, err
	}
	return Milestone{ID: id, Title: in.Title, DueOn: due}, nil
}

// SetMilestoneDone marks a milestone done today (in the territory's zone),
// or not done. When it becomes done on a public initiative, the people who
// follow it get an e-mail, queued in the same transaction.
func (s *Store) SetMilestoneDone(ctx context.Context, territoryID, initiativeID, milestoneID int64, done bool) error {
	if !done {
		if err := s.requireInitiative(ctx, territoryID, initiativeID); err != nil {
			return err
		}
		res, err := s.db.Exec(ctx, `UPDATE initiative_milestones SET done_on = NULL WHERE territory_id = ? AND initiative_id = ? AND id = ?`,
			territoryID, initiativeID, milestoneID)
		return oneRow(res, err, "errors.initiative_milestone_not_found")
	}
	return s.MarkMilestoneDone(ctx, territoryID, initiativeID, milestoneID, time.Time{})
}

// MarkMilestoneDone records the day a milestone was done: on (a calendar
// day, today or before), or today when on is zero. A milestone done
// already keeps its day. Followers of a public initiative are told, as by
// SetMilestoneDone.
func (s *Store) MarkMilestoneDone(ctx context.Context, territoryID, initiativeID, milestoneID int64, on time.Time) error {
	ini, err := s.Initiative(ctx, territoryID, initiativeID)
	if err != nil {
		return err
	}
	mc, err := s.prepareMail(ctx, territoryID)
	if err != nil {
		return err
	}
	today := calendarDay(s.now().In(mc.t.Location()))
	if on.IsZero() {
		on = today
	}
	on = calendarDay(on)
	if f := (errs.Fields{}); !calendar.Happening(today).Check(f, "done_on", on.Year()) {
		return f.Err()
	}
	if on.After(today) {
		return &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"done_on": "errors.initiative_done_future"}}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var title string
		var doneOn sql.NullString
		var announced sql.NullTime
		err := tx.QueryRow(ctx, `SELECT title, done_on, announced_at FROM initiative_milestones WHERE territory_id = ? AND initiative_id = ? AND id = ?`,
			territoryID, initiativeID, milestoneID).Scan(&title, &doneOn, &announced)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "errors.initiative_milestone_not_found")
		}
		if err != nil || doneOn.Valid {
			return err // done already: nothing new to tell
		}
		if _, err := tx.Exec(ctx, `UPDATE initiative_milestones SET done_on = ? WHERE territory_id = ? AND id = ?`,
			calendar.DateOf(on), territoryID, milestoneID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE initiatives SET updated_at = ? WHERE territory_id = ? AND id = ?`, s.now(), territoryID, initiativeID); err != nil {
			return err
		}
		if !ini.Published() || announced.Valid {
			// Not public yet, or told once already (undone, then done again).
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE initiative_milestones SET announced_at = ? WHERE territory_id = ? AND id = ?`,
			s.now(), territoryID, milestoneID); err != nil {
			return err
		}
		done := ini.MilestonesDone + 1
		return s.tellFollowers(ctx, tx, mc, ini, func(lang string) (string, string) {
			return s.cat.T(lang, "mail.initiative.milestone.subject", ini.Title),
				s.cat.T(lang, "mail.initiative.milestone.body", ini.Title, title, s.progress(lang, done, ini.Milestones))
		})
	})
}

// progress is « 2 étapes sur 5 » (French puts 0 and 1 in the singular).
func (s *Store) progress(lang string, done, total int) string {
	key := "initiative.progress"
	if done == 1 || (done == 0 && lang != "en") {
		key = "initiative.progress_one"
	}
	return s.cat.T(lang, key, done, total)
}

// RemoveMilestone takes a milestone off an initiative's plan.
func (s *Store) RemoveMilestone(ctx context.Context, territoryID, initiativeID, milestoneID int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM initiative_milestones WHERE territory_id = ? AND initiative_id = ? AND id = ?`,
		territoryID, initiativeID, milestoneID)
	return oneRow(res, err, "errors.initiative_milestone_not_found")
}

// Milestones lists an initiative's milestones by their day.
func (s *Store) Milestones(ctx context.Context, territoryID, initiativeID int64) ([]Milestone, error) {
	rows, err := s.db.Query(ctx, `SELECT id, title, due_on, done_on FROM initiative_milestones
		WHERE territory_id = ? AND initiative_id = ? ORDER BY due_on, id`, territoryID, initiativeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Milestone
	for rows.Next() {
		var m Milestone
		var due, done calendar.Date
		if err := rows.Scan(&m.ID, &m.Title, &due, &done); err != nil {
			return nil, err
		}
		m.DueOn, m.DoneOn = due.Time(), dayTime(done)
		out = append(out, m)
	}
	return out, rows.Err()
}

// ---- Help wanted -------------------------------------------------------

// AddHelpWanted records help an initiative is looking for.
func (s *Store) AddHelpWanted(ctx context.Context, territoryID, initiativeID int64, in HelpInput) (HelpWanted, error) {
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	in.Details = strings.TrimSpace(in.Details)
	f := errs.Fields{}
	switch {
	case in.Title == "":
		f.Add("title", "errors.required")
	case tooLong(in.Title, 120):
		f.Add("title", "errors.too_long")
	}
	if tooLong(in.Details, 1000) {
		f.Add("details", "errors.too_long")
	}
	if in.PeopleNeeded < 1 || in.PeopleNeeded > 999 {
		f.Add("people_needed", "errors.initiative_people_needed")
	}
	if err := f.Err(); err != nil {
		return HelpWanted{}, err
	}
	if err := s.requireInitiative(ctx, territoryID, initiativeID); err != nil {
		return HelpWanted{}, err
	}
	id, err := s.db.InsertID(ctx, `INSERT INTO initiative_needs (territory_id, initiative_id, title, details, people_needed, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, initiativeID, in.Title, in.Details, in.PeopleNeeded, s.now())
	if err != nil {
		return HelpWanted{}, err
	}
	return HelpWanted{ID: id, Title: in.Title, Details: in.Details, PeopleNeeded: in.PeopleNeeded}, nil
}

// SetHelpFilled marks help wanted as found, or wanted again.
func (s *Store) SetHelpFilled(ctx context.Context, territoryID, initiativeID, needID int64, filled bool) error {
	var at any
	if filled {
		at = s.now()
	}
	res, err := s.db.Exec(ctx, `UPDATE initiative_needs SET filled_at = ? WHERE territory_id = ? AND initiative_id = ? AND id = ?`,
		at, territoryID, initiativeID, needID)
	return oneRow(res, err, "errors.initiative_need_not_found")
}

// HelpNeeds lists the help an initiative looks for: open ones first.
func (s *Store) HelpNeeds(ctx context.Context, territoryID, initiativeID int64) ([]HelpWanted, error) {
	rows, err := s.db.Query(ctx, `SELECT n.id, n.title, n.details, n.people_needed, n.filled_at,
		(SELECT COUNT(*) FROM initiative_people pe WHERE pe.territory_id = n.territory_id AND pe.need_id = n.id
			AND pe.confirmed_at IS NOT NULL AND pe.left_at IS NULL)
		FROM initiative_needs n WHERE n.territory_id = ? AND n.initiative_id = ?
		ORDER BY CASE WHEN n.filled_at IS NULL THEN 0 ELSE 1 END, n.id`, territoryID, initiativeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HelpWanted
	for rows.Next() {
		var n HelpWanted
		var filled sql.NullTime
		if err := rows.Scan(&n.ID, &n.Title, &n.Details, &n.PeopleNeeded, &filled, &n.Offers); err != nil {
			return nil, err
		}
		if filled.Valid {
			n.FilledAt = &filled.Time
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// OrganizationGroups lists, for each initiative of the territory that two
// organisations of the directory or more support together, those
// organisations: the links « organismes réseautés » count.
func (s *Store) OrganizationGroups(ctx context.Context, territoryID int64) ([][]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT initiative_id, organization_id FROM initiative_actors
		WHERE territory_id = ? AND organization_id IS NOT NULL ORDER BY initiative_id, organization_id`, territoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]int64
	last := int64(-1)
	for rows.Next() {
		var ini, org int64
		if err := rows.Scan(&ini, &org); err != nil {
			return nil, err
		}
		if ini != last {
			out = append(out, nil)
			last = ini
		}
		out[len(out)-1] = append(out[len(out)-1], org)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	groups := out[:0]
	for _, g := range out {
		if len(g) >= 2 {
			groups = append(groups, g)
		}
	}
	return groups, nil
}

// SupportedBy lists the initiatives an organisation of the directory
// supports (published ones only when publishedOnly).
func (s *Store) SupportedBy(ctx context.Context, territoryID, organizationID int64, publishedOnly bool) ([]Initiative, error) {
	q := `SELECT ` + initiativeCols + initiativeFrom + `WHERE i.territory_id = ? AND EXISTS (SELECT 1 FROM initiative_actors a
		WHERE a.initiative_id = i.id AND a.organization_id = ?)`
	if publishedOnly {
		q += ` AND i.published_at IS NOT NULL`
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY i.id DESC`, territoryID, organizationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Initiative
	for rows.Next() {
		in, err := scanInitiative(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}
