package volunteering

import (
	"context"
	"database/sql"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/orgs"
)

// Hours statuses: a person declares; the organisation (or staff) confirms,
// corrects or rejects. Only confirmed hours count for certificates and
// indicators.
const (
	HoursDeclared  = "declared"
	HoursConfirmed = "confirmed"
	HoursRejected  = "rejected"
)

// Limits of a declaration.
const (
	// MaxMinutesPerDay: a day has 24 hours, whatever one gives.
	MaxMinutesPerDay = 24 * 60
	// MaxYearsBack: hours older than this are not declared here.
	MaxYearsBack = 3
)

// HoursEntry is time given on one day for one organisation.
type HoursEntry struct {
	ID          int64
	TerritoryID int64
	// Person is who gave the time; its ID is 0 for the confirmed hours
	// kept, without anyone, from a person who was erased.
	Person       PersonRef
	Organization orgs.OrgRef
	Opportunity  *OpportunityRef
	EmployerID   int64
	EmployerName string
	Day          calendar.Date
	Activity     string
	// DeclaredMinutes is what the person said; Minutes what counts (the
	// organisation's correction, when there is one).
	DeclaredMinutes int
	Minutes         int
	Status          string
	ReviewNote      string
	ReviewedAt      *time.Time
	CreatedAt       time.Time
}

// Corrected reports whether the organisation changed the time declared.
func (h HoursEntry) Corrected() bool {
	return h.Status == HoursConfirmed && h.Minutes != h.DeclaredMinutes
}

// HoursInput is a declaration as typed.
type HoursInput struct {
	OrganizationID int64
	OpportunityID  int64
	EmployerID     int64
	Day            string
	Hours          string
	Activity       string
}

// ParseHours reads a time given as people type it: « 3 », « 2,5 », « 2.5 »,
// « 2 h 30 », « 2h30 », « 1:45 », « 45 min ». It returns minutes; negative
// is true for a negative amount.
func ParseHours(s string) (minutes int, negative bool, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = strings.ReplaceAll(s, "\u202f", " ")
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		negative = true
		s = strings.TrimSpace(strings.TrimLeft(s, "-−"))
	}
	if s == "" {
		return 0, negative, false
	}
	if m, found := strings.CutSuffix(s, "min"); found {
		n, err := strconv.Atoi(strings.TrimSpace(m))
		if err != nil {
			return 0, negative, false
		}
		return n, negative, true
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "heures"), "heure")
	s = strings.TrimSpace(strings.TrimSuffix(s, "hours"))
	sep := ""
	switch {
	case strings.Contains(s, "h"):
		sep = "h"
	case strings.Contains(s, ":"):
		sep = ":"
	}
	if sep != "" {
		hs, ms, _ := strings.Cut(s, sep)
		hs, ms = strings.TrimSpace(hs), strings.TrimSpace(ms)
		h, err := strconv.Atoi(hs)
		if err != nil {
			return 0, negative, false
		}
		m := 0
		if ms != "" {
			if m, err = strconv.Atoi(ms); err != nil || m >= 60 || m < 0 {
				return 0, negative, false
			}
		}
		return h*60 + m, negative, true
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f > 1e6 {
		return 0, negative, false
	}
	if f < 0 {
		negative, f = true, -f
	}
	return int(math.Round(f * 60)), negative, true
}

// FormatHours writes minutes as hours in lang: « 2,5 h », « 12 h ».
func FormatHours(lang string, minutes int) string {
	h := float64(minutes) / 60
	digits := 2
	if math.Abs(h*10-math.Round(h*10)) < 1e-9 {
		digits = 1
	}
	if math.Abs(h-math.Round(h)) < 1e-9 {
		digits = 0
	}
	return i18n.Decimal(lang, h, digits) + "\u00a0h"
}

// checkMinutes validates a time for one day.
func checkMinutes(raw string, f errs.Fields, field string) int {
	if strings.TrimSpace(raw) == "" {
		f.Add(field, "errors.required")
		return 0
	}
	m, negative, ok := ParseHours(raw)
	switch {
	case !ok && !negative:
		f.Add(field, "errors.volunteer_hours_format")
	case negative || m <= 0:
		f.Add(field, "errors.volunteer_hours_positive")
	case m > MaxMinutesPerDay:
		f.Add(field, "errors.volunteer_hours_day")
	}
	return m
}

// today is the territory's calendar day now.
func (s *Store) today(ctx context.Context, territoryID int64) (calendar.Date, *time.Location, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return calendar.Date{}, nil, err
	}
	loc := t.Location()
	return calendar.DateOf(s.now().In(loc)), loc, nil
}

// dayMinutes is what a person has already declared on a day (rejected
// hours aside), except the entry exceptID.
func dayMinutes(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) *sql.Row
}, territoryID, userID int64, day calendar.Date, exceptID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(minutes), 0) FROM volunteer_hours WHERE territory_id = ? AND user_id = ? AND day = ?
		AND status <> ? AND id <> ?`, territoryID, userID, day.String(), HoursRejected, exceptID).Scan(&n)
	return n, err
}

// DeclareHours records time a person gave. Nothing is stored when
// anything is wrong: no time, negative or more than a day, a day to come
// or too long ago, an organisation or an opportunity not of this
// territory.
func (s *Store) DeclareHours(ctx context.Context, territoryID, userID int64, in HoursInput) (HoursEntry, error) {
	in.Activity = clean(in.Activity)
	f := errs.Fields{}
	minutes := checkMinutes(in.Hours, f, "hours")
	today, _, err := s.today(ctx, territoryID)
	if err != nil {
		return HoursEntry{}, err
	}
	day := calendar.Happening(today.Time()).Parse(f, "day", in.Day, true)
	switch {
	case day.IsZero():
	case today.Before(day):
		f.Add("day", "errors.volunteer_hours_future")
	case day.Before(calendar.DateOf(today.Time().AddDate(-MaxYearsBack, 0, 0))):
		f.Add("day", "errors.volunteer_hours_old")
	}
	switch {
	case in.Activity == "":
		f.Add("activity", "errors.required")
	case tooLong(in.Activity, 200):
		f.Add("activity", "errors.too_long")
	}
	if in.OrganizationID == 0 {
		f.Add("organization", "errors.required")
	} else if _, err := s.orgs.Get(ctx, territoryID, in.OrganizationID); errs.Is(err, errs.NotFound) {
		f.Add("organization", "errors.volunteer_org_unknown")
	} else if err != nil {
		return HoursEntry{}, err
	}
	if in.OpportunityID != 0 {
		o, err := s.Opportunity(ctx, territoryID, in.OpportunityID)
		switch {
		case errs.Is(err, errs.NotFound):
			f.Add("opportunity", "errors.volunteer_opportunity_other_territory")
		case err != nil:
			return HoursEntry{}, err
		case in.OrganizationID != 0 && o.Organization.ID != in.OrganizationID:
			f.Add("opportunity", "errors.volunteer_opportunity_org")
		}
	}
	if in.EmployerID != 0 {
		o, err := s.orgs.Get(ctx, territoryID, in.EmployerID)
		if errs.Is(err, errs.NotFound) || (err == nil && o.Kind != orgs.Business) {
			f.Add("employer", "errors.volunteer_employer")
		} else if err != nil {
			return HoursEntry{}, err
		}
	}
	if err := f.Err(); err != nil {
		return HoursEntry{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		already, err := dayMinutes(ctx, tx, territoryID, userID, day, 0)
		if err != nil {
			return err
		}
		if already+minutes > MaxMinutesPerDay {
			return errs.Fields{"hours": "errors.volunteer_hours_day_total"}.Err()
		}
		now := s.now()
		id, err = tx.InsertID(ctx, `INSERT INTO volunteer_hours (territory_id, user_id, organization_id, opportunity_id, employer_id, day,
			activity, declared_minutes, minutes, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, userID, in.OrganizationID, nullID(in.OpportunityID), nullID(in.EmployerID), day.String(), in.Activity,
			minutes, minutes, HoursDeclared, now, now)
		return err
	})
	if err != nil {
		return HoursEntry{}, err
	}
	return s.HoursEntry(ctx, territoryID, id)
}

// WithdrawHours deletes a declaration its person made, while nobody has
// reviewed it yet.
func (s *Store) WithdrawHours(ctx context.Context, territoryID, id, userID int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM volunteer_hours WHERE territory_id = ? AND id = ? AND user_id = ? AND status = ?`,
		territoryID, id, userID, HoursDeclared)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.volunteer_hours_not_found")
	}
	return nil
}

// Review is what an organisation (or staff) does with declared hours.
type Review string

const (
	ConfirmHours Review = "confirm"
	CorrectHours Review = "correct"
	RejectHours  Review = "reject"
)

// ReviewHours confirms, corrects (another time, which then counts) or
// rejects (with a reason) a declaration. Reviewing again changes the
// review.
func (s *Store) ReviewHours(ctx context.Context, territoryID, id, reviewerID int64, review Review, hours, note string) (HoursEntry, error) {
	note = strings.TrimSpace(note)
	h, err := s.HoursEntry(ctx, territoryID, id)
	if err != nil {
		return h, err
	}
	f := errs.Fields{}
	minutes := h.DeclaredMinutes
	status := HoursConfirmed
	switch review {
	case ConfirmHours:
	case CorrectHours:
		minutes = checkMinutes(hours, f, "hours")
	case RejectHours:
		status = HoursRejected
		if note == "" {
			f.Add("note", "errors.volunteer_reject_reason")
		}
	default:
		f.Add("review", "errors.volunteer_review")
	}
	if tooLong(note, 500) {
		f.Add("note", "errors.too_long")
	}
	if err := f.Err(); err != nil {
		return h, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if status == HoursConfirmed {
			already, err := dayMinutes(ctx, tx, territoryID, h.Person.ID, h.Day, id)
			if err != nil {
				return err
			}
			if already+minutes > MaxMinutesPerDay {
				return errs.Fields{"hours": "errors.volunteer_hours_day_total"}.Err()
			}
		}
		now := s.now()
		_, err := tx.Exec(ctx, `UPDATE volunteer_hours SET status = ?, minutes = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?,
			updated_at = ? WHERE territory_id = ? AND id = ?`, status, minutes, note, nullID(reviewerID), now, now, territoryID, id)
		return err
	})
	if err != nil {
		return h, err
	}
	return s.HoursEntry(ctx, territoryID, id)
}

const hoursCols = `h.id, h.territory_id, COALESCE(h.user_id, 0), g.id, g.slug, g.name, g.kind, COALESCE(h.opportunity_id, 0), COALESCE(o.slug, ''),
	COALESCE(o.title, ''), COALESCE(h.employer_id, 0), COALESCE(e.name, ''), h.day, h.activity, h.declared_minutes, h.minutes,
	h.status, h.review_note, h.reviewed_at, h.created_at`

const hoursFrom = ` FROM volunteer_hours h JOIN organizations g ON g.id = h.organization_id
	LEFT JOIN volunteer_opportunities o ON o.id = h.opportunity_id LEFT JOIN organizations e ON e.id = h.employer_id `

func scanHours(row interface{ Scan(...any) error }) (HoursEntry, error) {
	var h HoursEntry
	var kind string
	var oppID int64
	var oppSlug, oppTitle string
	var reviewed sql.NullTime
	err := row.Scan(&h.ID, &h.TerritoryID, &h.Person.ID, &h.Organization.ID, &h.Organization.Slug, &h.Organization.Name, &kind,
		&oppID, &oppSlug, &oppTitle, &h.EmployerID, &h.EmployerName, &h.Day, &h.Activity, &h.DeclaredMinutes, &h.Minutes,
		&h.Status, &h.ReviewNote, &reviewed, &h.CreatedAt)
	if err != nil {
		return h, err
	}
	h.Organization.Kind = orgs.Kind(kind)
	if oppID != 0 {
		h.Opportunity = &OpportunityRef{ID: oppID, Slug: oppSlug, Title: oppTitle}
	}
	if reviewed.Valid {
		h.ReviewedAt = &reviewed.Time
	}
	return h, nil
}

func (s *Store) queryHours(ctx context.Context, named bool, q string, args ...any) ([]HoursEntry, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []HoursEntry
	for rows.Next() {
		h, err := scanHours(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil || !named {
		return out, err
	}
	ids := make([]int64, len(out))
	for i, h := range out {
		ids[i] = h.Person.ID
	}
	people, err := s.people(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if p, ok := people[out[i].Person.ID]; ok {
			out[i].Person = p
		}
	}
	return out, nil
}

// HoursEntry returns one declaration of the territory, with its person.
func (s *Store) HoursEntry(ctx context.Context, territoryID, id int64) (HoursEntry, error) {
	list, err := s.queryHours(ctx, true, `SELECT `+hoursCols+hoursFrom+`WHERE h.territory_id = ? AND h.id = ?`, territoryID, id)
	if err != nil {
		return HoursEntry{}, err
	}
	if len(list) == 0 {
		return HoursEntry{}, errs.New(errs.NotFound, "errors.volunteer_hours_not_found")
	}
	return list[0], nil
}

// HoursToReview lists the declarations waiting for the given
// organisations (nil: every organisation of the territory), the oldest first.
func (s *Store) HoursToReview(ctx context.Context, territoryID int64, orgIDs []int64) ([]HoursEntry, error) {
	return s.hoursOfOrgs(ctx, territoryID, orgIDs, true, 0)
}

// RecentHours lists the latest declarations of the given organisations
// (nil: all), reviewed or not, the newest first.
func (s *Store) RecentHours(ctx context.Context, territoryID int64, orgIDs []int64, limit int) ([]HoursEntry, error) {
	return s.hoursOfOrgs(ctx, territoryID, orgIDs, false, limit)
}

func (s *Store) hoursOfOrgs(ctx context.Context, territoryID int64, orgIDs []int64, waiting bool, limit int) ([]HoursEntry, error) {
	q := `SELECT ` + hoursCols + hoursFrom + `WHERE h.territory_id = ?`
	args := []any{territoryID}
	if waiting {
		q += ` AND h.status = ?`
		args = append(args, HoursDeclared)
	}
	if orgIDs != nil {
		if len(orgIDs) == 0 {
			return nil, nil
		}
		q += ` AND h.organization_id IN (` + db.Marks(len(orgIDs)) + `)`
		for _, id := range orgIDs {
			args = append(args, id)
		}
	}
	if waiting {
		q += ` ORDER BY h.day, h.id`
	} else {
		q += ` ORDER BY h.day DESC, h.id DESC`
	}
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	return s.queryHours(ctx, true, q, args...)
}

// YearTotal is the confirmed time of a calendar year.
type YearTotal struct {
	Year    int
	Minutes int
}

// OrgTotal is the confirmed time given to one organisation.
type OrgTotal struct {
	Organization orgs.OrgRef
	Minutes      int
	First, Last  calendar.Date
}

// HoursSummary is a person's hours: every declaration, and the confirmed
// totals.
type HoursSummary struct {
	Entries          []HoursEntry
	ConfirmedMinutes int
	PendingMinutes   int
	ByYear           []YearTotal
	ByOrganization   []OrgTotal
}

// HoursOf returns a person's declarations (the newest first) and their
// confirmed totals per year and per organisation.
func (s *Store) HoursOf(ctx context.Context, territoryID, userID int64) (HoursSummary, error) {
	list, err := s.queryHours(ctx, false, `SELECT `+hoursCols+hoursFrom+`WHERE h.territory_id = ? AND h.user_id = ?
		ORDER BY h.day DESC, h.id DESC`, territoryID, userID)
	if err != nil {
		return HoursSummary{}, err
	}
	return summarise(list, calendar.Date{}, calendar.Date{}), nil
}

// summarise totals the confirmed hours of list between from and to
// (zero: no bound).
func summarise(list []HoursEntry, from, to calendar.Date) HoursSummary {
	sum := HoursSummary{}
	years := map[int]int{}
	byOrg := map[int64]*OrgTotal{}
	for _, h := range list {
		if (!from.IsZero() && h.Day.Before(from)) || (!to.IsZero() && to.Before(h.Day)) {
			continue
		}
		sum.Entries = append(sum.Entries, h)
		switch h.Status {
		case HoursDeclared:
			sum.PendingMinutes += h.Minutes
			continue
		case HoursRejected:
			continue
		}
		sum.ConfirmedMinutes += h.Minutes
		years[h.Day.Year] += h.Minutes
		t := byOrg[h.Organization.ID]
		if t == nil {
			t = &OrgTotal{Organization: h.Organization, First: h.Day, Last: h.Day}
			byOrg[h.Organization.ID] = t
		}
		t.Minutes += h.Minutes
		if h.Day.Before(t.First) {
			t.First = h.Day
		}
		if t.Last.Before(h.Day) {
			t.Last = h.Day
		}
	}
	for y, m := range years {
		sum.ByYear = append(sum.ByYear, YearTotal{Year: y, Minutes: m})
	}
	sort.Slice(sum.ByYear, func(i, j int) bool { return sum.ByYear[i].Year > sum.ByYear[j].Year })
	for _, t := range byOrg {
		sum.ByOrganization = append(sum.ByOrganization, *t)
	}
	sort.Slice(sum.ByOrganization, func(i, j int) bool {
		a, b := sum.ByOrganization[i], sum.ByOrganization[j]
		if a.Minutes != b.Minutes {
			return a.Minutes > b.Minutes
		}
		return i18n.Slug(a.Organization.Name, 0) < i18n.Slug(b.Organization.Name, 0)
	})
	return sum
}
