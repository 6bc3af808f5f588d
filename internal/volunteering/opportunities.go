package volunteering

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/orgs"
	"implique/internal/territory"
)

// Opportunity is a way to get involved that an organisation offers.
type Opportunity struct {
	ID           int64
	TerritoryID  int64
	Organization orgs.OrgRef
	Slug         string
	Title        string
	Description  string
	Kind         Kind
	Schedule     Schedule
	// Place is where it happens; PlaceID 0 when it is done remotely only.
	PlaceID   int64
	PlaceSlug string
	PlaceName string
	Remote    bool
	Venue     string
	// StartsAt and EndsAt: the date and time of a one-off opportunity.
	StartsAt *time.Time
	EndsAt   *time.Time
	// Until is the last day a recurring or flexible opportunity runs (nil: no end).
	Until *time.Time
	// Slots: the days and parts of the day of a recurring opportunity (of
	// the date, for a one-off one).
	Slots         Availability
	Recurrence    string
	Commitment    string
	Spots         *int
	MinAge        *int
	MaxAge        *int
	Causes        Mask
	Skills        Mask
	Languages     Mask
	CarRequired   bool
	RideOffered   bool
	Accessibility string
	ContactName   string
	ContactEmail  string
	ContactPhone  string
	JebenevoleURL string
	Status        string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	PublishedAt   time.Time
	// Counts of applications (confirmed ones): all but withdrawn, the
	// accepted ones, and those still waiting for an answer.
	Applicants int
	Accepted   int
	Waiting    int
}

// Open reports whether people may still apply at now: open, and its date
// (or last day) not past.
func (o Opportunity) Open(now time.Time) bool {
	if o.Status != StatusOpen {
		return false
	}
	if o.EndsAt != nil && o.EndsAt.Before(now) {
		return false
	}
	if o.Until != nil && o.Until.Before(now) {
		return false
	}
	return true
}

// SpotsLeft is how many more people are sought (nil: no limit).
func (o Opportunity) SpotsLeft() *int {
	if o.Spots == nil {
		return nil
	}
	n := max(*o.Spots-o.Accepted, 0)
	return &n
}

// Input is an opportunity as typed. Dates and times are moments already
// placed in the territory's zone by the caller.
type Input struct {
	OrganizationID int64
	Title          string
	Description    string
	Kind           Kind
	Schedule       Schedule
	PlaceSlug      string
	Remote         bool
	Venue          string
	StartsAt       time.Time
	EndsAt         time.Time
	// Until is the last day of a recurring or flexible opportunity (zero: none).
	Until         time.Time
	Slots         Availability
	Recurrence    string
	Commitment    string
	Spots         *int
	MinAge        *int
	MaxAge        *int
	Causes        []string
	Skills        []string
	Languages     []string
	CarRequired   bool
	RideOffered   bool
	Accessibility string
	ContactName   string
	ContactEmail  string
	ContactPhone  string
	JebenevoleURL string
}

// Limits on what is typed.
const (
	MaxSpots = 500
	MaxAge   = 120
)

func (in *Input) normalise() {
	in.Title = clean(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Venue = clean(in.Venue)
	in.Recurrence = clean(in.Recurrence)
	in.Commitment = clean(in.Commitment)
	in.Accessibility = strings.TrimSpace(in.Accessibility)
	in.ContactName = clean(in.ContactName)
	in.ContactEmail = strings.ToLower(strings.TrimSpace(in.ContactEmail))
	in.ContactPhone = clean(in.ContactPhone)
	in.JebenevoleURL = strings.TrimSpace(in.JebenevoleURL)
	if in.JebenevoleURL != "" && !strings.Contains(in.JebenevoleURL, "://") {
		in.JebenevoleURL = "https://" + in.JebenevoleURL
	}
	in.PlaceSlug = strings.TrimSpace(in.PlaceSlug)
}

// IsJebenevoleURL reports whether s is an address on jebénévole.ca.
func IsJebenevoleURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || strings.ContainsAny(s, " <>\"") {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "jebenevole.ca" || strings.HasSuffix(h, ".jebenevole.ca")
}

// opportunityRow is an input checked and ready to store.
type opportunityRow struct {
	in                         Input
	causes, skills, languages  Mask
	placeID                    any
	startsAt, endsAt, untilArg any
	slots                      Availability
	matchA, matchB             int64
}

// check validates an input against the territory: its organisation and
// place must be of this territory.
func (s *Store) check(ctx context.Context, territoryID int64, in Input) (opportunityRow, error) {
	in.normalise()
	f := errs.Fields{}
	r := checkInput(in, s.now(), f)
	// The organisation must be one of this territory.
	if in.OrganizationID == 0 {
		f.Add("organization", "errors.required")
	} else if _, err := s.orgs.Get(ctx, territoryID, in.OrganizationID); errs.Is(err, errs.NotFound) {
		f.Add("organization", "errors.volunteer_org_unknown")
	} else if err != nil {
		return r, err
	}
	switch {
	case in.PlaceSlug != "":
		pl, err := s.territories.Place(ctx, territoryID, in.PlaceSlug)
		if errs.Is(err, errs.NotFound) {
			f.Add("place", "errors.place_unknown")
		} else if err != nil {
			return r, err
		} else {
			r.placeID = pl.ID
		}
	case !in.Remote:
		f.Add("place", "errors.volunteer_place_or_remote")
	}
	return r, f.Err()
}

// checkInput checks what needs no database — the texts, the lists, the
// numbers and the dates, at now — into f, and gives the row to store
// (without its place) with the packed key matching reads.
func checkInput(in Input, now time.Time, f errs.Fields) opportunityRow {
	r := opportunityRow{in: in}
	checkTexts(in, f)
	var bad bool
	if r.causes, bad = MaskOf(Causes, in.Causes); bad {
		f.Add("causes", "errors.volunteer_cause")
	}
	if r.skills, bad = MaskOf(Skills, in.Skills); bad {
		f.Add("skills", "errors.volunteer_skill")
	}
	if r.languages, bad = MaskOf(Languages, in.Languages); bad {
		f.Add("languages", "errors.volunteer_language")
	}
	if in.Spots != nil && (*in.Spots < 1 || *in.Spots > MaxSpots) {
		f.Add("spots", "errors.volunteer_spots")
	}
	for field, v := range map[string]*int{"min_age": in.MinAge, "max_age": in.MaxAge} {
		if v != nil && (*v < 0 || *v > MaxAge) {
			f.Add(field, "errors.volunteer_age")
		}
	}
	if in.MinAge != nil && in.MaxAge != nil && *in.MaxAge < *in.MinAge {
		f.Add("max_age", "errors.volunteer_age_order")
	}
	r.checkSchedule(now, f)
	c := candidate{kind: in.Kind, schedule: in.Schedule, remote: in.Remote, slots: r.slots, causes: r.causes, skills: r.skills,
		languages: r.languages, carRequired: in.CarRequired, rideOffered: in.RideOffered}
	if in.MinAge != nil {
		c.minAge = *in.MinAge
	}
	if in.MaxAge != nil {
		c.maxAge = *in.MaxAge
	}
	if in.Schedule == OneOff && !in.StartsAt.IsZero() {
		start := in.StartsAt
		c.startsAt = &start
	}
	r.matchA, r.matchB = packMatch(c)
	return r
}

// checkTexts checks the title (required), the kind and the lengths of the
// texts, the contact's e-mail and the jebénévole.ca address.
func checkTexts(in Input, f errs.Fields) {
	switch {
	case in.Title == "":
		f.Add("title", "errors.required")
	case tooLong(in.Title, 150):
		f.Add("title", "errors.too_long")
	}
	if tooLong(in.Description, 4000) {
		f.Add("description", "errors.too_long")
	}
	if _, ok := ParseKind(string(in.Kind)); !ok {
		f.Add("kind", "errors.volunteer_kind")
	}
	for field, v := range map[string]string{"venue": in.Venue, "recurrence": in.Recurrence, "commitment": in.Commitment, "contact_name": in.ContactName} {
		if tooLong(v, 150) {
			f.Add(field, "errors.too_long")
		}
	}
	if tooLong(in.Accessibility, 1000) {
		f.Add("accessibility", "errors.too_long")
	}
	if tooLong(in.ContactPhone, 60) {
		f.Add("contact_phone", "errors.too_long")
	}
	if in.ContactEmail != "" && !territory.ValidEmail(in.ContactEmail) {
		f.Add("contact_email", "errors.email")
	}
	if in.JebenevoleURL != "" && (tooLong(in.JebenevoleURL, 500) || !IsJebenevoleURL(in.JebenevoleURL)) {
		f.Add("jebenevole_url", "errors.volunteer_jebenevole_url")
	}
}

// checkSchedule checks the dates and slots, at now: a one-off date is
// required and not past (its end after its start, 3 hours when not said)
// and gives its slot; recurring needs slots; a last day is not past.
func (r *opportunityRow) checkSchedule(now time.Time, f errs.Fields) {
	in := &r.in
	dates := calendar.Happening(now)
	switch in.Schedule {
	case OneOff:
		switch {
		case in.StartsAt.IsZero():
			f.Add("date", "errors.required")
		case !dates.Check(f, "date", in.StartsAt.Year()):
		case in.StartsAt.Before(now):
			f.Add("date", "errors.volunteer_date_past")
		case !in.EndsAt.IsZero() && !in.EndsAt.After(in.StartsAt):
			f.Add("end_time", "errors.ends_before_start")
		}
		if !in.StartsAt.IsZero() {
			end := in.EndsAt
			if end.IsZero() {
				end = in.StartsAt.Add(3 * time.Hour)
			}
			r.startsAt, r.endsAt = db.Time(in.StartsAt), db.Time(end)
			r.slots = Slot(in.StartsAt.Weekday(), PartOf(in.StartsAt.Hour()))
		}
	case Recurring:
		r.slots = in.Slots.Slots()
		if r.slots == 0 {
			f.Add("slots", "errors.volunteer_slots")
		}
	case Flexible:
	default:
		f.Add("schedule", "errors.volunteer_schedule")
	}
	if in.Schedule != OneOff && !in.Until.IsZero() {
		if dates.Check(f, "until", in.Until.Year()) && in.Until.Before(now) {
			f.Add("until", "errors.volunteer_date_past")
		}
		r.untilArg = db.Time(in.Until)
	}
}

// uniqueSlug finds a free address for an opportunity: its title, then -2, -3…
func uniqueSlug(ctx context.Context, tx *db.Tx, territoryID int64, title string, exceptID int64) (string, error) {
	base := i18n.Slug(title, 60)
	if base == "" {
		base = "offre"
	}
	for i := 1; ; i++ {
		slug := base
		if i > 1 {
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM volunteer_opportunities WHERE territory_id = ? AND slug = ?`, territoryID, slug).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && id == exceptID) {
			return slug, nil
		}
		if err != nil {
			return "", err
		}
	}
}

func optInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// CreateOpportunity posts an opportunity; it is open at once.
func (s *Store) CreateOpportunity(ctx context.Context, territoryID, userID int64, in Input) (Opportunity, error) {
	r, err := s.check(ctx, territoryID, in)
	if err != nil {
		return Opportunity{}, err
	}
	in = r.in
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		slug, err := uniqueSlug(ctx, tx, territoryID, in.Title, 0)
		if err != nil {
			return err
		}
		now := s.now()
		id, err = tx.InsertID(ctx, `INSERT INTO volunteer_opportunities (territory_id, organization_id, slug, title, description,
			kind, schedule, place_id, remote, venue, starts_at, ends_at, slots, recurrence, commitment, spots, min_age, max_age,
			causes, skills, languages, car_required, ride_offered, accessibility, contact_name, contact_email, contact_phone,
			jebenevole_url, status, match_a, match_b, created_by, created_at, updated_at, published_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, in.OrganizationID, slug, in.Title, in.Description, string(in.Kind), string(in.Schedule), r.placeID,
			in.Remote, in.Venue, r.startsAt, endArg(r), int64(r.slots), in.Recurrence, in.Commitment, optInt(in.Spots),
			optInt(in.MinAge), optInt(in.MaxAge), int64(r.causes), int64(r.skills), int64(r.languages), in.CarRequired,
			in.RideOffered, in.Accessibility, in.ContactName, in.ContactEmail, in.ContactPhone, in.JebenevoleURL,
			StatusOpen, r.matchA, r.matchB, nullID(userID), now, now, now)
		return err
	})
	if err != nil {
		return Opportunity{}, err
	}
	return s.Opportunity(ctx, territoryID, id)
}

// endArg is the stored ends_at: the end of a one-off opportunity, the last
// day of another one, or NULL.
func endArg(r opportunityRow) any {
	if r.endsAt != nil {
		return r.endsAt
	}
	return r.untilArg
}

// UpdateOpportunity changes an opportunity; its address follows its title.
// Its organisation does not change.
func (s *Store) UpdateOpportunity(ctx context.Context, territoryID, id int64, in Input) (Opportunity, error) {
	old, err := s.Opportunity(ctx, territoryID, id)
	if err != nil {
		return Opportunity{}, err
	}
	in.OrganizationID = old.Organization.ID
	r, err := s.check(ctx, territoryID, in)
	if err != nil {
		return Opportunity{}, err
	}
	in = r.in
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		slug, err := uniqueSlug(ctx, tx, territoryID, in.Title, id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE volunteer_opportunities SET slug = ?, title = ?, description = ?, kind = ?, schedule = ?,
			place_id = ?, remote = ?, venue = ?, starts_at = ?, ends_at = ?, slots = ?, recurrence = ?, commitment = ?, spots = ?,
			min_age = ?, max_age = ?, causes = ?, skills = ?, languages = ?, car_required = ?, ride_offered = ?, accessibility = ?,
			contact_name = ?, contact_email = ?, contact_phone = ?, jebenevole_url = ?, match_a = ?, match_b = ?, updated_at = ?
			WHERE territory_id = ? AND id = ?`,
			slug, in.Title, in.Description, string(in.Kind), string(in.Schedule), r.placeID, in.Remote, in.Venue, r.startsAt,
			endArg(r), int64(r.slots), in.Recurrence, in.Commitment, optInt(in.Spots), optInt(in.MinAge), optInt(in.MaxAge),
			int64(r.causes), int64(r.skills), int64(r.languages), in.CarRequired, in.RideOffered, in.Accessibility,
			in.ContactName, in.ContactEmail, in.ContactPhone, in.JebenevoleURL, r.matchA, r.matchB, s.now(), territoryID, id)
		return err
	})
	if err != nil {
		return Opportunity{}, err
	}
	return s.Opportunity(ctx, territoryID, id)
}

// SetOpportunityStatus closes an opportunity (filled, or no longer
// needed) or opens it again.
func (s *Store) SetOpportunityStatus(ctx context.Context, territoryID, id int64, open bool) error {
	st := StatusClosed
	if open {
		st = StatusOpen
	}
	res, err := s.db.Exec(ctx, `UPDATE volunteer_opportunities SET status = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		st, s.now(), territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.volunteer_opportunity_not_found")
	}
	return nil
}

const oppCols = `o.id, o.territory_id, o.organization_id, g.slug, g.name, g.kind, o.slug, o.title, o.description, o.kind, o.schedule,
	COALESCE(o.place_id, 0), COALESCE(p.slug, ''), COALESCE(p.name, ''), o.remote, o.venue, o.starts_at, o.ends_at, o.slots,
	o.recurrence, o.commitment, o.spots, o.min_age, o.max_age, o.causes, o.skills, o.languages, o.car_required, o.ride_offered,
	o.accessibility, o.contact_name, o.contact_email, o.contact_phone, o.jebenevole_url, o.status, o.created_at, o.updated_at,
	o.published_at,
	(SELECT COUNT(*) FROM volunteer_applications a WHERE a.opportunity_id = o.id AND a.status IN ('new', 'contacted', 'accepted', 'declined')),
	(SELECT COUNT(*) FROM volunteer_applications a WHERE a.opportunity_id = o.id AND a.status = 'accepted'),
	(SELECT COUNT(*) FROM volunteer_applications a WHERE a.opportunity_id = o.id AND a.status = 'new')`

const oppFrom = ` FROM volunteer_opportunities o JOIN organizations g ON g.id = o.organization_id LEFT JOIN places p ON p.id = o.place_id `

func scanOpportunity(row interface{ Scan(...any) error }) (Opportunity, error) {
	var o Opportunity
	var orgKind, kind, schedule string
	var starts, ends *time.Time // read even when stored out of bounds, so that a list still shows
	var spots, minAge, maxAge sql.NullInt64
	var slots, causes, skills, langs int64
	err := row.Scan(&o.ID, &o.TerritoryID, &o.Organization.ID, &o.Organization.Slug, &o.Organization.Name, &orgKind, &o.Slug,
		&o.Title, &o.Description, &kind, &schedule, &o.PlaceID, &o.PlaceSlug, &o.PlaceName, &o.Remote, &o.Venue, db.ScanNullTime(&starts), db.ScanNullTime(&ends),
		&slots, &o.Recurrence, &o.Commitment, &spots, &minAge, &maxAge, &causes, &skills, &langs, &o.CarRequired, &o.RideOffered,
		&o.Accessibility, &o.ContactName, &o.ContactEmail, &o.ContactPhone, &o.JebenevoleURL, &o.Status, &o.CreatedAt,
		&o.UpdatedAt, &o.PublishedAt, &o.Applicants, &o.Accepted, &o.Waiting)
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.New(errs.NotFound, "errors.volunteer_opportunity_not_found")
	}
	if err != nil {
		return o, err
	}
	o.Organization.Kind = orgs.Kind(orgKind)
	o.Kind, o.Schedule = Kind(kind), Schedule(schedule)
	o.Slots, o.Causes, o.Skills, o.Languages = Availability(slots), Mask(causes), Mask(skills), Mask(langs)
	if o.Schedule == OneOff {
		o.StartsAt, o.EndsAt = starts, ends
	} else {
		o.Until = ends
	}
	intp := func(n sql.NullInt64) *int {
		if !n.Valid {
			return nil
		}
		v := int(n.Int64)
		return &v
	}
	o.Spots, o.MinAge, o.MaxAge = intp(spots), intp(minAge), intp(maxAge)
	return o, nil
}

// Opportunity returns an opportunity of the territory (whatever its status).
func (s *Store) Opportunity(ctx context.Context, territoryID, id int64) (Opportunity, error) {
	return scanOpportunity(s.db.QueryRow(ctx, `SELECT `+oppCols+oppFrom+`WHERE o.territory_id = ? AND o.id = ?`, territoryID, id))
}

// OpportunityBySlug returns an opportunity by its public address.
func (s *Store) OpportunityBySlug(ctx context.Context, territoryID int64, slug string) (Opportunity, error) {
	return scanOpportunity(s.db.QueryRow(ctx, `SELECT `+oppCols+oppFrom+`WHERE o.territory_id = ? AND o.slug = ?`, territoryID, slug))
}

// Filter narrows a list of opportunities.
type Filter struct {
	// PlaceSlug keeps the opportunities of the place, of its secteurs or of
	// its ville; remote ones too when IncludeRemote.
	PlaceSlug     string
	IncludeRemote bool
	Cause         string
	Kind          Kind
	// Individual leaves out the corporate kinds (teams, not people).
	Individual bool
	// OrganizationIDs keeps only these organisations' (nil for all).
	OrganizationIDs []int64
	// OpenOnly keeps what people may still apply to.
	OpenOnly bool
	Limit    int
}

// Opportunities lists a territory's opportunities: the soonest first, then
// the newest.
func (s *Store) Opportunities(ctx context.Context, territoryID int64, f Filter) ([]Opportunity, error) {
	q := `SELECT ` + oppCols + oppFrom + `WHERE o.territory_id = ?`
	args := []any{territoryID}
	if f.PlaceSlug != "" {
		cond, a := territory.InScope("o.place_id", territoryID, f.PlaceSlug, territory.AndVille)
		if f.IncludeRemote {
			cond, a = `(`+cond+` OR o.remote = ?)`, append(a, true)
		}
		q, args = q+` AND `+cond, append(args, a...)
	}
	if f.Cause != "" {
		m, bad := MaskOf(Causes, []string{f.Cause})
		if bad {
			return nil, errs.Fields{"cause": "errors.volunteer_cause"}.Err()
		}
		q += ` AND (o.causes & ?) <> 0`
		args = append(args, int64(m))
	}
	if f.Kind != "" {
		q += ` AND o.kind = ?`
		args = append(args, string(f.Kind))
	}
	if f.Individual {
		q += ` AND o.kind NOT IN (?, ?)`
		args = append(args, string(CorporateOffer), string(CorporateRequest))
	}
	if f.OrganizationIDs != nil {
		if len(f.OrganizationIDs) == 0 {
			q += ` AND 1 = 0`
		} else {
			q += ` AND o.organization_id IN (` + db.Marks(len(f.OrganizationIDs)) + `)`
			for _, id := range f.OrganizationIDs {
				args = append(args, id)
			}
		}
	}
	if f.OpenOnly {
		q += ` AND o.status = ? AND (o.ends_at IS NULL OR o.ends_at >= ?)`
		args = append(args, StatusOpen, s.now())
	}
	q += ` ORDER BY CASE WHEN o.starts_at IS NULL THEN 1 ELSE 0 END, o.starts_at, o.published_at DESC, o.id`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	return s.queryOpportunities(ctx, q, args...)
}

func (s *Store) queryOpportunities(ctx context.Context, q string, args ...any) ([]Opportunity, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Opportunity
	for rows.Next() {
		o, err := scanOpportunity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// opportunitiesByID loads the opportunities of ids, in the order of ids.
func (s *Store) opportunitiesByID(ctx context.Context, territoryID int64, ids []int64) ([]Opportunity, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{territoryID}
	for _, id := range ids {
		args = append(args, id)
	}
	// The unary + keeps SQLite from reading the territory's whole index
	// instead of the rows of ids: without statistics, it guesses that an
	// equality on an indexed column is cheaper than a list of twenty keys.
	list, err := s.queryOpportunities(ctx, `SELECT `+oppCols+oppFrom+`WHERE +o.territory_id = ? AND o.id IN (`+db.Marks(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	at := make(map[int64]Opportunity, len(list))
	for _, o := range list {
		at[o.ID] = o
	}
	out := make([]Opportunity, 0, len(ids))
	for _, id := range ids {
		if o, ok := at[id]; ok {
			out = append(out, o)
		}
	}
	return out, nil
}
