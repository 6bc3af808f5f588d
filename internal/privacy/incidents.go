package privacy

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
)

// Risk is the assessment of whether an incident presents a risk of
// serious injury to the people concerned.
type Risk string

const (
	// RiskLow: no risk of serious injury; the register keeps the reasons.
	RiskLow Risk = "low"
	// RiskSerious: a risk of serious injury: the Commission d'accès à
	// l'information and the people concerned are notified promptly.
	RiskSerious Risk = "serious"
	// RiskUnknown: still being assessed.
	RiskUnknown Risk = "assessing"
)

// Risks lists the assessments in the order the form offers them.
var Risks = []Risk{RiskUnknown, RiskLow, RiskSerious}

// Incident is one entry of the register of confidentiality incidents,
// with the fields the regulation asks for: a description of the
// information concerned, the circumstances, when it happened and when it
// was discovered, how many people, the risk assessment, the notices sent
// and the measures taken.
type Incident struct {
	ID          int64
	TerritoryID int64
	Title       string
	// Information is the personal information concerned.
	Information   string
	Circumstances string
	// From and To are the date or period of the incident (To zero for one day).
	From, To   calendar.Date
	Discovered calendar.Date
	People     int
	Risk       Risk
	// RiskReasons explains the assessment (sensitivity, likely misuse,
	// consequences).
	RiskReasons string
	// CommissionNotified and PeopleNotified are the dates of the notices
	// (zero: not sent).
	CommissionNotified, PeopleNotified calendar.Date
	Measures                           string
	// Closed is when the incident was closed (zero: open).
	Closed    calendar.Date
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Open reports whether the incident is still open.
func (i Incident) Open() bool { return i.Closed.IsZero() }

// NoticesDue reports whether a serious risk still waits for a notice.
func (i Incident) NoticesDue() bool {
	return i.Risk == RiskSerious && (i.CommissionNotified.IsZero() || i.PeopleNotified.IsZero())
}

// IncidentInput is an incident as typed in the form.
type IncidentInput struct {
	Title, Information, Circumstances            string
	From, To, Discovered                         string
	People                                       string
	Risk, RiskReasons                            string
	CommissionNotified, PeopleNotified, Measures string
	Closed                                       string
}

const (
	maxIncidentTitle  = 200
	maxIncidentText   = 10000
	maxIncidentPeople = 10_000_000
)

// parse validates in and returns the incident, or the fields' problems.
func (in IncidentInput) parse(now time.Time) (Incident, error) {
	f := errs.Fields{}
	text := func(field, v string, max int, required bool) string {
		v = strings.TrimSpace(v)
		switch {
		case v == "" && required:
			f.Add(field, "errors.required")
		case utf8.RuneCountInString(v) > max:
			f.Add(field, "errors.too_long")
		}
		return v
	}
	w := calendar.Window{First: calendar.Record.First, Last: now.Year()}
	i := Incident{
		Title:              text("title", in.Title, maxIncidentTitle, true),
		Information:        text("information", in.Information, maxIncidentText, true),
		Circumstances:      text("circumstances", in.Circumstances, maxIncidentText, true),
		From:               w.Parse(f, "from", in.From, true),
		To:                 w.Parse(f, "to", in.To, false),
		Discovered:         w.Parse(f, "discovered", in.Discovered, true),
		RiskReasons:        text("risk_reasons", in.RiskReasons, maxIncidentText, true),
		CommissionNotified: w.Parse(f, "commission_notified", in.CommissionNotified, false),
		PeopleNotified:     w.Parse(f, "people_notified", in.PeopleNotified, false),
		Measures:           text("measures", in.Measures, maxIncidentText, true),
		Closed:             w.Parse(f, "closed", in.Closed, false),
	}
	today := calendar.DateOf(now)
	for field, d := range map[string]calendar.Date{"from": i.From, "to": i.To, "discovered": i.Discovered,
		"commission_notified": i.CommissionNotified, "people_notified": i.PeopleNotified, "closed": i.Closed} {
		if !d.IsZero() && today.Before(d) {
			f.Add(field, "errors.privacy_date_future")
		}
	}
	if !i.To.IsZero() && !i.From.IsZero() && i.To.Before(i.From) {
		f.Add("to", "errors.privacy_period_order")
	}
	if !i.Discovered.IsZero() && !i.From.IsZero() && i.Discovered.Before(i.From) {
		f.Add("discovered", "errors.privacy_discovered_before")
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(in.People, "\u00a0", ""), " ", "")))
	switch {
	case strings.TrimSpace(in.People) == "":
		f.Add("people", "errors.required")
	case err != nil || n < 0 || n > maxIncidentPeople:
		f.Add("people", "errors.privacy_people")
	}
	i.People = n
	i.Risk = Risk(in.Risk)
	switch i.Risk {
	case RiskLow, RiskSerious, RiskUnknown:
	default:
		f.Add("risk", "errors.required")
	}
	if i.Risk == RiskSerious && !i.Closed.IsZero() && (i.CommissionNotified.IsZero() || i.PeopleNotified.IsZero()) {
		f.Add("closed", "errors.privacy_close_notices")
	}
	return i, f.Err()
}

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// SaveIncident records a new incident (id 0) or updates one, and returns
// its id.
func (s *Store) SaveIncident(ctx context.Context, territoryID, userID, id int64, in IncidentInput) (int64, error) {
	now := db.Time(s.now())
	i, err := in.parse(now.In(s.zone(ctx, territoryID)))
	if err != nil {
		return 0, err
	}
	args := []any{i.Title, i.Information, i.Circumstances, dateText(i.From), dateText(i.To), dateText(i.Discovered), i.People,
		string(i.Risk), i.RiskReasons, dateText(i.CommissionNotified), dateText(i.PeopleNotified), i.Measures, dateText(i.Closed), now}
	if id == 0 {
		var by any
		if userID != 0 {
			by = userID
		}
		return s.db.InsertID(ctx, `INSERT INTO privacy_incidents (title, information, circumstances, occurred_from, occurred_to,
			discovered_on, people, risk, risk_reasons, commission_notified_on, people_notified_on, measures, closed_on, updated_at,
			territory_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			append(args, territoryID, by, now)...)
	}
	res, err := s.db.Exec(ctx, `UPDATE privacy_incidents SET title = ?, information = ?, circumstances = ?, occurred_from = ?,
		occurred_to = ?, discovered_on = ?, people = ?, risk = ?, risk_reasons = ?, commission_notified_on = ?,
		people_notified_on = ?, measures = ?, closed_on = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		append(args, territoryID, id)...)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, errs.New(errs.NotFound, "errors.not_found")
	}
	return id, nil
}

func (s *Store) zone(ctx context.Context, territoryID int64) *time.Location {
	if t, err := s.terr.ByID(ctx, territoryID); err == nil {
		if loc, err := time.LoadLocation(t.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

const incidentCols = `id, territory_id, title, information, circumstances, occurred_from, occurred_to, discovered_on, people, risk,
	risk_reasons, commission_notified_on, people_notified_on, measures, closed_on, created_at, updated_at`

func scanIncident(r interface{ Scan(...any) error }) (Incident, error) {
	var i Incident
	var risk string
	err := r.Scan(&i.ID, &i.TerritoryID, &i.Title, &i.Information, &i.Circumstances, &i.From, &i.To, &i.Discovered, &i.People,
		&risk, &i.RiskReasons, &i.CommissionNotified, &i.PeopleNotified, &i.Measures, &i.Closed,
		db.ScanTime(&i.CreatedAt), db.ScanTime(&i.UpdatedAt))
	i.Risk = Risk(risk)
	return i, err
}

// Incidents lists a territory's register, the open ones first, then the
// most recently discovered.
func (s *Store) Incidents(ctx context.Context, territoryID int64) ([]Incident, error) {
	var out []Incident
	err := db.Each(ctx, s.db, `SELECT `+incidentCols+` FROM privacy_incidents WHERE territory_id = ?
		ORDER BY CASE WHEN closed_on = '' THEN 0 ELSE 1 END, discovered_on DESC, id DESC`, []any{territoryID},
		func(r *sql.Rows) error {
			i, err := scanIncident(r)
			out = append(out, i)
			return err
		})
	return out, err
}

// Incident reads one incident of the register.
func (s *Store) Incident(ctx context.Context, territoryID, id int64) (Incident, error) {
	i, err := scanIncident(s.db.QueryRow(ctx, `SELECT `+incidentCols+` FROM privacy_incidents WHERE territory_id = ? AND id = ?`,
		territoryID, id))
	if err == sql.ErrNoRows {
		return Incident{}, errs.New(errs.NotFound, "errors.not_found")
	}
	return i, err
}

// Input is the incident as the form shows it again.
func (i Incident) Input() IncidentInput {
	return IncidentInput{Title: i.Title, Information: i.Information, Circumstances: i.Circumstances, From: dateText(i.From),
		To: dateText(i.To), Discovered: dateText(i.Discovered), People: strconv.Itoa(i.People), Risk: string(i.Risk),
		RiskReasons: i.RiskReasons, CommissionNotified: dateText(i.CommissionNotified), PeopleNotified: dateText(i.PeopleNotified),
		Measures: i.Measures, Closed: dateText(i.Closed)}
}
