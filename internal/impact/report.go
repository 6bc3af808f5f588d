package impact

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/territory"
)

// Section is a part a report may hold.
type Section string

const (
	// SectionModel is the logic model with each indicator's value over the
	// period, its baseline and its target.
	SectionModel Section = "model"
	// SectionPlaces is the activities' figures per municipality.
	SectionPlaces Section = "places"
	// SectionStories is the highlights staff told, dated in the period.
	SectionStories Section = "stories"
	// SectionHours is the volunteer hours and their value.
	SectionHours Section = "hours"
	// SectionChronology is the program's steps done.
	SectionChronology Section = "chronology"
	// SectionNext is the next steps.
	SectionNext Section = "next"
)

// Sections lists every section in the report's order.
var Sections = []Section{SectionModel, SectionPlaces, SectionHours, SectionStories, SectionChronology, SectionNext}

func (s Section) valid() bool {
	for _, v := range Sections {
		if v == s {
			return true
		}
	}
	return false
}

// Report is a report made for a period: its sections and the snapshots it
// used, kept so that it reads the same forever.
type Report struct {
	ID, TerritoryID int64
	Title           string
	Period          Period
	Sections        []Section
	CreatedAt       time.Time
}

// Has reports whether the report holds section x.
func (r Report) Has(x Section) bool {
	for _, s := range r.Sections {
		if s == x {
			return true
		}
	}
	return false
}

// ReportRequest is what staff ask for.
type ReportRequest struct {
	TerritoryID int64
	Title       string
	Period      Period
	Sections    []Section
	By          int64
}

// Periods the report form offers: the last quarter, the last program
// year, the current program year so far, or days typed.
func (s *Store) SuggestedPeriods(ctx context.Context, territoryID int64) (lastQuarter, lastYear, thisYear Period, err error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return
	}
	m, err := s.Model(ctx, territoryID)
	if err != nil {
		return
	}
	today := s.today(t)
	q := PeriodOf(Quarter, today, m.YearStart, calendar.Date{})
	lastQuarter = PeriodOf(Quarter, q.Start.AddMonths(-1), m.YearStart, calendar.Date{})
	thisYear = PeriodOf(Year, today, m.YearStart, calendar.Date{})
	lastYear = PeriodOf(Year, thisYear.Start.AddMonths(-1), m.YearStart, calendar.Date{})
	return
}

// CreateReport makes a report: for each indicator followed, the value
// over exactly the report's period is computed and kept (a computed
// indicator; by municipality too when the report holds that section), or
// the last value staff entered for a period within it is taken (an
// entered indicator). The report names every snapshot it used; from then
// on they never change.
func (s *Store) CreateReport(ctx context.Context, r ReportRequest) (int64, error) {
	f := errs.Fields{}
	r.Title = strings.TrimSpace(r.Title)
	if r.Title == "" {
		f.Add("title", "errors.required")
	}
	textLimit(f, "title", r.Title, 200)
	if r.Period.Start.IsZero() || r.Period.End.IsZero() {
		f.Add("period", "impact.error.period")
	} else if !r.Period.Valid() {
		f.Add("period", "impact.error.period_order")
	} else {
		w := calendar.Happening(s.now())
		w.Check(f, "period", r.Period.Start.Year)
		w.Check(f, "period", r.Period.End.Year)
	}
	if len(r.Sections) == 0 {
		f.Add("sections", "impact.error.sections")
	}
	seen := map[Section]bool{}
	var sections []string
	for _, x := range r.Sections {
		if !x.valid() {
			f.Add("sections", "impact.error.sections")
			break
		}
		if !seen[x] {
			seen[x] = true
			sections = append(sections, string(x))
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	t, err := s.territories.ByID(ctx, r.TerritoryID)
	if err != nil {
		return 0, err
	}
	inds, err := s.Indicators(ctx, r.TerritoryID, false)
	if err != nil {
		return 0, err
	}
	var places []territory.Place
	if seen[SectionPlaces] {
		if places, err = s.municipalities(ctx, r.TerritoryID); err != nil {
			return 0, err
		}
	}
	kept, err := s.freeze(ctx, r.TerritoryID, r.Period, seen)
	if err != nil {
		return 0, err
	}
	var used []int64
	for _, ind := range inds {
		if ind.Entered() {
			id, ok, err := s.enteredWithin(ctx, ind.ID, r.Period)
			if err != nil {
				return 0, err
			}
			if ok {
				used = append(used, id)
			}
			continue
		}
		if ind.Def == nil {
			continue
		}
		scopes := []*territory.Place{nil}
		if ind.Def.Places {
			for i := range places {
				scopes = append(scopes, &places[i])
			}
		}
		// A running total is read from its baseline day to the report's end.
		p := r.Period
		if ind.Period == Total && !ind.BaselineOn.IsZero() && ind.BaselineOn.Before(p.End) {
			p.Start = ind.BaselineOn
		}
		for _, pl := range scopes {
			v, err := s.measure(ctx, t, ind, p, pl)
			if err == errNotMeasurable {
				continue
			}
			if err != nil {
				return 0, err
			}
			if _, err := s.record(ctx, ind.ID, p, pl, v); err != nil {
				return 0, err
			}
			var placeID *int64
			if pl != nil {
				placeID = &pl.ID
			}
			var sn Snapshot
			if err := s.db.InTx(ctx, func(tx *db.Tx) error {
				var e error
				sn, e = latest(ctx, tx, ind.ID, p, placeID)
				return e
			}); err != nil {
				return 0, err
			}
			used = append(used, sn.ID)
		}
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var by *int64
		if r.By != 0 {
			by = &r.By
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO impact_reports (territory_id, title, period_start, period_end, sections, created_by, created_at, content)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.TerritoryID, r.Title, r.Period.Start, r.Period.End, strings.Join(sections, ","), by, s.now(),
			string(kept))
		if err != nil {
			return err
		}
		for _, sid := range used {
			if _, err := tx.Exec(ctx, `INSERT INTO impact_report_snapshots (report_id, snapshot_id) VALUES (?, ?)`, id, sid); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// frozen is what a report used besides its values, kept with it (as JSON
// in impact_reports.content) when it is made: the model's words, the
// effects and their indicators as they were (names, baselines, targets),
// the highlights of its period and the program's steps as they stood.
type frozen struct {
	Model      Model
	Effects    []ReportEffect
	Stories    []Story     `json:",omitempty"`
	Milestones []Milestone `json:",omitempty"`
}

// freeze reads what a report for p holding sections shows besides its
// values, as it stands now.
func (s *Store) freeze(ctx context.Context, territoryID int64, p Period, sections map[Section]bool) ([]byte, error) {
	var f frozen
	var err error
	if f.Model, err = s.Model(ctx, territoryID); err != nil {
		return nil, err
	}
	effects, err := s.Effects(ctx, territoryID, false)
	if err != nil {
		return nil, err
	}
	f.Effects = reportEffects(effects)
	if sections[SectionStories] {
		if f.Stories, err = s.Stories(ctx, territoryID, p); err != nil {
			return nil, err
		}
	}
	if sections[SectionChronology] || sections[SectionNext] {
		ms, err := s.Milestones(ctx, territoryID)
		if err != nil {
			return nil, err
		}
		f.Milestones = stepsOf(ms, p)
	}
	return json.Marshal(f)
}

// reportEffects makes the rows of a report, one per indicator, without
// values yet.
func reportEffects(effects []Effect) []ReportEffect {
	var out []ReportEffect
	for _, e := range effects {
		re := ReportEffect{Effect: e}
		re.Indicators = nil
		for _, ind := range e.Indicators {
			re.Rows = append(re.Rows, ReportRow{Indicator: ind})
		}
		out = append(out, re)
	}
	return out
}

// stepsOf keeps the steps a report for p shows: those done before its
// end (its chronology) and those still to do (its next steps). A step
// done after the period is in neither.
func stepsOf(ms []Milestone, p Period) []Milestone {
	var out []Milestone
	for _, m := range ms {
		if m.Status == Done && (m.On.IsZero() || !m.On.Before(p.End)) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// enteredWithin finds the value staff entered last for a period that
// overlaps p (the whole territory): a quarter's report shows the program
// year's value entered so far, its own period written beside it.
func (s *Store) enteredWithin(ctx context.Context, indicatorID int64, p Period) (int64, bool, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT id FROM impact_snapshots WHERE indicator_id = ? AND place_id IS NULL
		AND period_start < ? AND period_end > ? ORDER BY period_end DESC, id DESC LIMIT 1`, indicatorID, p.End, p.Start).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

const reportCols = `id, territory_id, title, period_start, period_end, sections, created_at`

func scanReport(row interface{ Scan(...any) error }, more ...any) (Report, error) {
	var r Report
	var sections string
	err := row.Scan(append([]any{&r.ID, &r.TerritoryID, &r.Title, &r.Period.Start, &r.Period.End, &sections, &r.CreatedAt}, more...)...)
	for _, x := range strings.Split(sections, ",") {
		if x != "" {
			r.Sections = append(r.Sections, Section(x))
		}
	}
	return r, err
}

// Reports lists the territory's reports, newest first.
func (s *Store) Reports(ctx context.Context, territoryID int64) ([]Report, error) {
	var out []Report
	err := db.Each(ctx, s.db, `SELECT `+reportCols+` FROM impact_reports WHERE territory_id = ? ORDER BY created_at DESC, id DESC`,
		[]any{territoryID}, func(rows *sql.Rows) error {
			r, err := scanReport(rows)
			out = append(out, r)
			return err
		})
	return out, err
}

// ReportRow is an indicator as a report shows it: the value it used for
// the whole territory (nil when none was kept for the period) and, when
// the report holds the municipalities, the value of each.
type ReportRow struct {
	Indicator Indicator
	Value     *Snapshot
	ByPlace   []Snapshot
}

// ReportEffect is an effect and its rows.
type ReportEffect struct {
	Effect
	Rows []ReportRow
}

// ReportContent is everything a report shows.
type ReportContent struct {
	Report
	Model      Model
	Effects    []ReportEffect
	Stories    []Story
	Milestones []Milestone
}

// Report reads a report with the snapshots it used — never newer ones —
// and the model, indicators, highlights and steps kept when it was made:
// a report for last year reads the same whatever happened since.
func (s *Store) Report(ctx context.Context, territoryID, id int64) (ReportContent, error) {
	var c ReportContent
	var content sql.NullString
	r, err := scanReport(s.db.QueryRow(ctx, `SELECT `+reportCols+`, content FROM impact_reports WHERE territory_id = ? AND id = ?`,
		territoryID, id), &content)
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.New(errs.NotFound, "impact.error.report_not_found")
	}
	if err != nil {
		return c, err
	}
	c.Report = r
	if content.String != "" {
		var f frozen
		if err := json.Unmarshal([]byte(content.String), &f); err != nil {
			return c, err
		}
		c.Model, c.Effects, c.Stories, c.Milestones = f.Model, f.Effects, f.Stories, f.Milestones
	} else if err := s.unfrozen(ctx, &c); err != nil {
		return c, err
	}
	snaps := map[int64]*ReportRow{}
	for i := range c.Effects {
		for j := range c.Effects[i].Rows {
			snaps[c.Effects[i].Rows[j].Indicator.ID] = &c.Effects[i].Rows[j]
		}
	}
	err = db.Each(ctx, s.db, `SELECT `+snapshotCols+snapshotFrom+` JOIN impact_report_snapshots rs ON rs.snapshot_id = s.id
		WHERE rs.report_id = ? ORDER BY COALESCE(p.name, ''), s.id`, []any{id}, func(rows *sql.Rows) error {
		sn, err := scanSnapshot(rows)
		if err != nil {
			return err
		}
		row := snaps[sn.IndicatorID]
		if row == nil {
			return nil
		}
		if sn.PlaceID == nil {
			row.Value = &sn
		} else {
			row.ByPlace = append(row.ByPlace, sn)
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	// Drop the rows of indicators archived that the report did not use.
	for i := range c.Effects {
		rows := c.Effects[i].Rows[:0]
		for _, row := range c.Effects[i].Rows {
			if !row.Indicator.Archived || row.Value != nil || len(row.ByPlace) > 0 {
				rows = append(rows, row)
			}
		}
		c.Effects[i].Rows = rows
	}
	return c, nil
}

// unfrozen reads, for a report made before reports kept what they used,
// the model, indicators, highlights and steps as they are now (the steps
// done after its period left out).
func (s *Store) unfrozen(ctx context.Context, c *ReportContent) error {
	var err error
	if c.Model, err = s.Model(ctx, c.TerritoryID); err != nil {
		return err
	}
	effects, err := s.Effects(ctx, c.TerritoryID, true)
	if err != nil {
		return err
	}
	c.Effects = reportEffects(effects)
	if c.Has(SectionStories) {
		if c.Stories, err = s.Stories(ctx, c.TerritoryID, c.Period); err != nil {
			return err
		}
	}
	if c.Has(SectionChronology) || c.Has(SectionNext) {
		ms, err := s.Milestones(ctx, c.TerritoryID)
		if err != nil {
			return err
		}
		c.Milestones = stepsOf(ms, c.Period)
	}
	return nil
}
