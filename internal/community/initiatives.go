package community

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// Citizen initiatives (« initiatives / projets citoyens »): what comes to
// life after the soupers. An initiative is born from an idea, or proposed
// directly; people lead it and join it, municipalities, organisations,
// businesses and schools support it, and its milestones tell how far it has
// come. Nothing is deleted: an initiative is paused or abandoned, with a
// reason, and its story keeps every step.

// InitiativeStatus tells an initiative's story.
type InitiativeStatus string

const (
	Preparing InitiativeStatus = "preparing"
	Active    InitiativeStatus = "active"
	Completed InitiativeStatus = "completed"
	Paused    InitiativeStatus = "paused"
	Abandoned InitiativeStatus = "abandoned"
)

// InitiativeStatuses lists the statuses in story order.
var InitiativeStatuses = []InitiativeStatus{Preparing, Active, Completed, Paused, Abandoned}

func knownInitiativeStatus(st InitiativeStatus) bool {
	for _, s := range InitiativeStatuses {
		if s == st {
			return true
		}
	}
	return false
}

// Limits of what an initiative holds, in characters.
const (
	maxInitiativeTitle   = 120
	maxInitiativeSummary = 300
	maxInitiativeText    = 5000
	maxOutcome           = 3000
	maxReason            = 500
)

// reservedSlug is a path segment of the private links, never an initiative's address.
const reservedSlug = "participer"

// Initiative is a citizen initiative with where it stands.
type Initiative struct {
	ID          int64
	TerritoryID int64
	Slug        string
	Title       string
	Summary     string
	Description string
	PlaceSlug   string
	PlaceName   string
	// IdeaID is the idea the initiative was born from (nil when proposed directly).
	IdeaID    *int64
	IdeaTitle string
	// CommunityID is the communauté de partage it was born from (nil for none).
	CommunityID     *int64
	CommunityName   string
	CommunitySlug   string
	CommunityPublic bool
	// StartsOn and EndsOn are the planned period (calendar days, UTC midnight).
	StartsOn, EndsOn *time.Time
	Status           InitiativeStatus
	StatusReason     string
	Outcome          string
	// PublishedAt is nil while only staff can see the initiative.
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Progress: milestones planned and done.
	Milestones, MilestonesDone int
	// People involved: leaders and participants who confirmed and did not leave.
	Leaders, Participants int
}

// Published reports whether the public can see the initiative.
func (i Initiative) Published() bool { return i.PublishedAt != nil }

// Open reports whether people may still join: not completed nor abandoned.
func (i Initiative) Open() bool { return i.Status != Completed && i.Status != Abandoned }

// People is how many people are involved.
func (i Initiative) People() int { return i.Leaders + i.Participants }

// InitiativeStep is one change in an initiative's story.
type InitiativeStep struct {
	Status    InitiativeStatus
	Reason    string
	ChangedAt time.Time
}

// InitiativeInput is an initiative as typed by staff.
type InitiativeInput struct {
	Title       string
	Summary     string
	Description string
	PlaceSlug   string
	// IdeaID names the idea it is born from (creation only; 0 for none).
	IdeaID int64
	// CommunityID names the community it is born from (creation only; 0 for none).
	CommunityID int64
	// StartsOn and EndsOn are optional calendar days.
	StartsOn, EndsOn *time.Time
}

// calendarDay keeps the date of t only, at UTC midnight.
func calendarDay(t time.Time) time.Time { return calendar.DateOf(t).Time() }

// dayValue is what a calendar day is stored as (NULL when unknown).
func dayValue(t *time.Time) calendar.Date {
	if t == nil {
		return calendar.Date{}
	}
	return calendar.DateOf(*t)
}

// dayTime is a stored calendar day at UTC midnight; nil when unknown.
func dayTime(d calendar.Date) *time.Time {
	if d.IsZero() {
		return nil
	}
	t := d.Time()
	return &t
}

// checkInitiative normalises and validates an input; it resolves the place
// and, on creation, the idea.
func (s *Store) checkInitiative(ctx context.Context, territoryID int64, in *InitiativeInput) (placeID int64, err error) {
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	in.Summary = strings.Join(strings.Fields(in.Summary), " ")
	in.Description = strings.TrimSpace(in.Description)
	f := errs.Fields{}
	switch {
	case in.Title == "":
		f.Add("title", "errors.required")
	case tooLong(in.Title, maxInitiativeTitle):
		f.Add("title", "errors.too_long")
	}
	if tooLong(in.Summary, maxInitiativeSummary) {
		f.Add("summary", "errors.too_long")
	}
	if tooLong(in.Description, maxInitiativeText) {
		f.Add("description", "errors.too_long")
	}
	dates := calendar.Happening(s.now())
	if in.StartsOn != nil {
		d := calendarDay(*in.StartsOn)
		in.StartsOn = &d
		dates.Check(f, "starts_on", d.Year())
	}
	if in.EndsOn != nil {
		d := calendarDay(*in.EndsOn)
		in.EndsOn = &d
		dates.Check(f, "ends_on", d.Year())
	}
	if in.StartsOn != nil && in.EndsOn != nil && in.EndsOn.Before(*in.StartsOn) {
		f.Add("ends_on", "errors.initiative_end_before_start")
	}
	if in.PlaceSlug == "" {
		f.Add("place", "errors.required")
	} else {
		pl, err := s.territories.Place(ctx, territoryID, in.PlaceSlug)
		if errs.Is(err, errs.NotFound) {
			f.Add("place", "errors.place_unknown")
		} else if err != nil {
			return 0, err
		} else {
			placeID = pl.ID
		}
	}
	if in.CommunityID != 0 {
		if _, err := s.Community(ctx, territoryID, in.CommunityID); errs.Is(err, errs.NotFound) {
			f.Add("community", "errors.community_not_found")
		} else if err != nil {
			return 0, err
		}
	}
	if in.IdeaID != 0 {
		idea, err := s.Get(ctx, territoryID, in.IdeaID)
		if errs.Is(err, errs.NotFound) || (err == nil && idea.Moderation != Approved) {
			f.Add("idea", "errors.idea_not_found")
		} else if err != nil {
			return 0, err
		}
	}
	return placeID, f.Err()
}

// initiativeSlug finds a free address for an initiative of a territory.
func initiativeSlug(ctx context.Context, tx *db.Tx, territoryID int64, title string, exceptID int64) (string, error) {
	base := i18n.Slug(title, 60)
	if base == "" {
		base = "initiative"
	}
	slug := base
	for i := 2; ; i++ {
		if slug != reservedSlug {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM initiatives WHERE territory_id = ? AND slug = ? AND id <> ?`,
				territoryID, slug, exceptID).Scan(&n); err != nil {
				return "", err
			}
			if n == 0 {
				return slug, nil
			}
		}
		slug = fmt.Sprintf("%s-%d", base, i)
	}
}

// CreateInitiative adds an initiative, in preparation and not yet public.
// Born from an idea, it moves that idea to « en cours » in the same
// transaction (unless it is there already), with a step in the idea's story.
func (s *Store) CreateInitiative(ctx context.Context, territoryID, userID int64, in InitiativeInput) (Initiative, error) {
	placeID, err := s.checkInitiative(ctx, territoryID, &in)
	if err != nil {
		return Initiative{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		slug, err := initiativeSlug(ctx, tx, territoryID, in.Title, 0)
		if err != nil {
			return err
		}
		id, err = tx.InsertID(ctx, `INSERT INTO initiatives (territory_id, slug, title, summary, description, place_id, idea_id,
			community_id, starts_on, ends_on, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, slug, in.Title, in.Summary, in.Description, placeID, nullID(in.IdeaID), nullID(in.CommunityID),
			dayValue(in.StartsOn), dayValue(in.EndsOn), string(Preparing), nullID(userID), now, now)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO initiative_history (territory_id, initiative_id, status, changed_by, changed_at)
			VALUES (?, ?, ?, ?, ?)`, territoryID, id, string(Preparing), nullID(userID), now); err != nil {
			return err
		}
		if in.IdeaID == 0 {
			return nil
		}
		var ideaStatus string
		if err := tx.QueryRow(ctx, `SELECT status FROM ideas WHERE territory_id = ? AND id = ?`, territoryID, in.IdeaID).Scan(&ideaStatus); err != nil {
			return err
		}
		if Status(ideaStatus) == InProgress {
			return nil
		}
		return s.setIdeaStatus(ctx, tx, territoryID, in.IdeaID, userID, InProgress, "")
	})
	if err != nil {
		return Initiative{}, err
	}
	return s.Initiative(ctx, territoryID, id)
}

// UpdateInitiative changes what an initiative says. The idea it was born
// from stays. Its address follows the title until it is first published,
// then stays, so that shared links keep working.
func (s *Store) UpdateInitiative(ctx context.Context, territoryID, id int64, in InitiativeInput) (Initiative, error) {
	in.IdeaID, in.CommunityID = 0, 0
	placeID, err := s.checkInitiative(ctx, territoryID, &in)
	if err != nil {
		return Initiative{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var slug string
		var published sql.NullTime
		err := tx.QueryRow(ctx, `SELECT slug, published_at FROM initiatives WHERE territory_id = ? AND id = ?`, territoryID, id).Scan(&slug, &published)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "errors.initiative_not_found")
		}
		if err != nil {
			return err
		}
		if !published.Valid {
			if slug, err = initiativeSlug(ctx, tx, territoryID, in.Title, id); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE initiatives SET slug = ?, title = ?, summary = ?, description = ?, place_id = ?,
			starts_on = ?, ends_on = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
			slug, in.Title, in.Summary, in.Description, placeID, dayValue(in.StartsOn), dayValue(in.EndsOn), s.now(), territoryID, id)
		return err
	})
	if err != nil {
		return Initiative{}, err
	}
	return s.Initiative(ctx, territoryID, id)
}

const initiativeCols = `i.id, i.territory_id, i.slug, i.title, i.summary, i.description, p.slug, p.name, i.idea_id, COALESCE(d.title, ''),
	i.community_id, COALESCE(c.name, ''), COALESCE(c.slug, ''), COALESCE(c.is_public, FALSE),
	i.starts_on, i.ends_on, i.status, i.status_reason, i.outcome, i.published_at, i.created_at, i.updated_at,
	(SELECT COUNT(*) FROM initiative_milestones m WHERE m.territory_id = i.territory_id AND m.initiative_id = i.id),
	(SELECT COUNT(*) FROM initiative_milestones m WHERE m.territory_id = i.territory_id AND m.initiative_id = i.id AND m.done_on IS NOT NULL),
	(SELECT COUNT(*) FROM initiative_people pe WHERE pe.territory_id = i.territory_id AND pe.initiative_id = i.id
		AND pe.role = 'leader' AND pe.confirmed_at IS NOT NULL AND pe.left_at IS NULL),
	(SELECT COUNT(*) FROM initiative_people pe WHERE pe.territory_id = i.territory_id AND pe.initiative_id = i.id
		AND pe.role = 'participant' AND pe.confirmed_at IS NOT NULL AND pe.left_at IS NULL)`

const initiativeFrom = ` FROM initiatives i JOIN places p ON p.id = i.place_id LEFT JOIN ideas d ON d.id = i.idea_id
	LEFT JOIN communities c ON c.id = i.community_id `

func scanInitiative(row interface{ Scan(...any) error }) (Initiative, error) {
	var in Initiative
	var idea, comm sql.NullInt64
	var starts, ends calendar.Date
	var status string
	var published sql.NullTime
	err := row.Scan(&in.ID, &in.TerritoryID, &in.Slug, &in.Title, &in.Summary, &in.Description, &in.PlaceSlug, &in.PlaceName,
		&idea, &in.IdeaTitle, &comm, &in.CommunityName, &in.CommunitySlug, &in.CommunityPublic, &starts, &ends, &status, &in.StatusReason, &in.Outcome, &published, &in.CreatedAt, &in.UpdatedAt,
		&in.Milestones, &in.MilestonesDone, &in.Leaders, &in.Participants)
	if errors.Is(err, sql.ErrNoRows) {
		return in, errs.New(errs.NotFound, "errors.initiative_not_found")
	}
	if err != nil {
		return in, err
	}
	in.Status = InitiativeStatus(status)
	if idea.Valid {
		in.IdeaID = &idea.Int64
	}
	if comm.Valid {
		in.CommunityID = &comm.Int64
	}
	if published.Valid {
		in.PublishedAt = &published.Time
	}
	in.StartsOn, in.EndsOn = dayTime(starts), dayTime(ends)
	return in, nil
}

// Initiative returns an initiative of a territory (published or not).
func (s *Store) Initiative(ctx context.Context, territoryID, id int64) (Initiative, error) {
	return scanInitiative(s.db.QueryRow(ctx, `SELECT `+initiativeCols+initiativeFrom+`WHERE i.territory_id = ? AND i.id = ?`, territoryID, id))
}

// InitiativeBySlug returns an initiative of a territory by its address.
func (s *Store) InitiativeBySlug(ctx context.Context, territoryID int64, slug string) (Initiative, error) {
	return scanInitiative(s.db.QueryRow(ctx, `SELECT `+initiativeCols+initiativeFrom+`WHERE i.territory_id = ? AND i.slug = ?`, territoryID, slug))
}

// InitiativeFilter narrows a list of initiatives.
type InitiativeFilter struct {
	// PlaceSlug keeps a place's initiatives (a ville's include its secteurs).
	PlaceSlug string
	Status    InitiativeStatus
	// PublishedOnly keeps what the public may see.
	PublishedOnly bool
	// IdeaID keeps the initiatives born from an idea.
	IdeaID int64
	// CommunityID keeps the initiatives born from a community.
	CommunityID int64
}

// Initiatives lists a territory's initiatives: those under way first, then
// in preparation, paused, completed and abandoned; the newest first in each.
func (s *Store) Initiatives(ctx context.Context, territoryID int64, f InitiativeFilter) ([]Initiative, error) {
	q := `SELECT ` + initiativeCols + initiativeFrom + `WHERE i.territory_id = ?`
	args := []any{territoryID}
	if f.PlaceSlug != "" {
		cond, a := territory.InScope("i.place_id", territoryID, f.PlaceSlug, territory.AndSecteurs)
		q, args = q+` AND `+cond, append(args, a...)
	}
	if f.Status != "" {
		q += ` AND i.status = ?`
		args = append(args, string(f.Status))
	}
	if f.PublishedOnly {
		q += ` AND i.published_at IS NOT NULL`
	}
	if f.IdeaID != 0 {
		q += ` AND i.idea_id = ?`
		args = append(args, f.IdeaID)
	}
	if f.CommunityID != 0 {
		q += ` AND i.community_id = ?`
		args = append(args, f.CommunityID)
	}
	q += ` ORDER BY CASE i.status WHEN 'active' THEN 0 WHEN 'preparing' THEN 1 WHEN 'paused' THEN 2 WHEN 'completed' THEN 3 ELSE 4 END, i.id DESC`
	rows, err := s.db.Query(ctx, q, args...)
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

// PublishInitiative shows an initiative to the public, or takes it back.
// Publishing again keeps the first publication date. At its first
// publication, an initiative born from an idea is announced by e-mail to
// the people who support that idea (they were promised it), in the same
// transaction.
func (s *Store) PublishInitiative(ctx context.Context, territoryID, id int64, publish bool) error {
	if !publish {
		res, err := s.db.Exec(ctx, `UPDATE initiatives SET published_at = NULL, updated_at = ? WHERE territory_id = ? AND id = ?`,
			s.now(), territoryID, id)
		return oneRow(res, err, "errors.initiative_not_found")
	}
	ini, err := s.Initiative(ctx, territoryID, id)
	if err != nil {
		return err
	}
	mc, err := s.prepareMail(ctx, territoryID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		var told sql.NullTime
		err := tx.QueryRow(ctx, `SELECT supporters_told_at FROM initiatives WHERE territory_id = ? AND id = ?`, territoryID, id).Scan(&told)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "errors.initiative_not_found")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE initiatives SET published_at = COALESCE(published_at, ?), supporters_told_at = COALESCE(supporters_told_at, ?),
			updated_at = ? WHERE territory_id = ? AND id = ?`, now, now, now, territoryID, id); err != nil {
			return err
		}
		if told.Valid || ini.IdeaID == nil {
			return nil
		}
		return s.tellSupporters(ctx, tx, mc, ini)
	})
}

// tellSupporters announces a new initiative to the confirmed supporters of
// the idea it was born from, inside tx. Their language is not known: the
// message is in French, then in English.
func (s *Store) tellSupporters(ctx context.Context, tx *db.Tx, mc mailContext, ini Initiative) error {
	rows, err := tx.Query(ctx, `SELECT email, name FROM idea_supports WHERE territory_id = ? AND idea_id = ? AND confirmed_at IS NOT NULL ORDER BY id`,
		mc.t.ID, *ini.IdeaID)
	if err != nil {
		return err
	}
	type supporter struct{ email, name string }
	var list []supporter
	for rows.Next() {
		var su supporter
		if err := rows.Scan(&su.email, &su.name); err != nil {
			rows.Close()
			return err
		}
		list = append(list, su)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	url := s.InitiativeURL(ini)
	for _, su := range list {
		var parts []string
		for _, lang := range []string{"fr", "en"} {
			hello := s.cat.T(lang, "mail.initiative.born.hello_anon")
			if su.name != "" {
				hello = s.cat.T(lang, "mail.initiative.born.hello", su.name)
			}
			parts = append(parts, s.cat.T(lang, "mail.initiative.born.body", hello, ini.IdeaTitle, ini.Title, ini.PlaceName, url))
		}
		msg := mail.Message{To: su.email, Subject: s.cat.T("fr", "mail.initiative.born.subject", ini.Title) + " / " +
			s.cat.T("en", "mail.initiative.born.subject", ini.Title),
			Text: strings.Join(parts, "\n\n* * *\n\n") + "\n\n-- \n" + mc.t.MailFooter()}
		if err := s.queue(ctx, tx, mc.t.ID, msg); err != nil {
			return err
		}
	}
	return nil
}

// SetInitiativeStatus moves an initiative along its story. Abandoning
// needs a reason (the public reads it). When the initiative is public, the
// people who follow it get an e-mail, queued in the same transaction.
func (s *Store) SetInitiativeStatus(ctx context.Context, territoryID, id, userID int64, status InitiativeStatus, reason string) error {
	reason = strings.TrimSpace(reason)
	f := errs.Fields{}
	if !knownInitiativeStatus(status) {
		f.Add("status", "errors.initiative_status")
	}
	if status == Abandoned && reason == "" {
		f.Add("reason", "errors.initiative_reason_needed")
	}
	if tooLong(reason, maxReason) {
		f.Add("reason", "errors.too_long")
	}
	if err := f.Err(); err != nil {
		return err
	}
	in, err := s.Initiative(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if in.Status == status {
		return &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"status": "errors.initiative_same_status"}}
	}
	mc, err := s.prepareMail(ctx, territoryID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE initiatives SET status = ?, status_reason = ?, updated_at = ? WHERE territory_id = ? AND id = ? AND status = ?`,
			string(status), reason, now, territoryID, id, string(in.Status))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Someone else changed it a moment ago.
			return errs.New(errs.Conflict, "errors.initiative_changed")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO initiative_history (territory_id, initiative_id, status, reason, changed_by, changed_at)
			VALUES (?, ?, ?, ?, ?, ?)`, territoryID, id, string(status), reason, nullID(userID), now); err != nil {
			return err
		}
		if !in.Published() {
			return nil
		}
		return s.tellFollowers(ctx, tx, mc, in, func(lang string) (string, string) {
			body := s.cat.T(lang, "mail.initiative.status.body", in.Title, s.cat.T(lang, "initiative.status."+string(status)))
			if reason != "" {
				body += "\n\n" + reason
			}
			return s.cat.T(lang, "mail.initiative.status.subject", in.Title), body
		})
	})
}

// InitiativeHistory is an initiative's story, oldest first.
func (s *Store) InitiativeHistory(ctx context.Context, territoryID, id int64) ([]InitiativeStep, error) {
	rows, err := s.db.Query(ctx, `SELECT status, reason, changed_at FROM initiative_history
		WHERE territory_id = ? AND initiative_id = ? ORDER BY changed_at, id`, territoryID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InitiativeStep
	for rows.Next() {
		var st InitiativeStep
		var status string
		if err := rows.Scan(&status, &st.Reason, &st.ChangedAt); err != nil {
			return nil, err
		}
		st.Status = InitiativeStatus(status)
		out = append(out, st)
	}
	return out, rows.Err()
}

// SetOutcome records what an initiative gave (« ce que ça a donné »);
// empty clears it.
func (s *Store) SetOutcome(ctx context.Context, territoryID, id int64, outcome string) error {
	outcome = strings.TrimSpace(outcome)
	if tooLong(outcome, maxOutcome) {
		return &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"outcome": "errors.too_long"}}
	}
	res, err := s.db.Exec(ctx, `UPDATE initiatives SET outcome = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		outcome, s.now(), territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.initiative_not_found")
	}
	return nil
}
