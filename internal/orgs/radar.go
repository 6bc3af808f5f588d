package orgs

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/territory"
)

// Settings are a territory's radar thresholds, which staff edit.
type Settings struct {
	// HatsThreshold: a person holding this many seats or more wears
	// « plusieurs chapeaux ».
	HatsThreshold int
	// LongServiceYears: an organisation whose officers have all served
	// longer than this needs new blood.
	LongServiceYears int
	// UpdatedAt is nil while the defaults apply.
	UpdatedAt *time.Time
}

// DefaultSettings apply until staff change them.
var DefaultSettings = Settings{HatsThreshold: 3, LongServiceYears: 6}

// Limits of the settings.
const (
	MinHats, MaxHats   = 2, 20
	MinYears, MaxYears = 1, 40
)

// Settings returns a territory's radar thresholds.
func (s *Store) Settings(ctx context.Context, territoryID int64) (Settings, error) {
	st := DefaultSettings
	var at time.Time
	err := s.db.QueryRow(ctx, `SELECT hats_threshold, long_service_years, updated_at FROM organization_radar_settings WHERE territory_id = ?`,
		territoryID).Scan(&st.HatsThreshold, &st.LongServiceYears, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSettings, nil
	}
	if err != nil {
		return st, err
	}
	st.UpdatedAt = &at
	return st, nil
}

// SettingsInput is the thresholds as typed.
type SettingsInput struct {
	HatsThreshold    string
	LongServiceYears string
}

// SaveSettings changes a territory's radar thresholds.
func (s *Store) SaveSettings(ctx context.Context, territoryID int64, in SettingsInput) error {
	f := errs.Fields{}
	number := func(field, v string, lo, hi int) int {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			f.Add(field, "errors.org_setting_range")
		}
		return n
	}
	hats := number("hats_threshold", in.HatsThreshold, MinHats, MaxHats)
	years := number("long_service_years", in.LongServiceYears, MinYears, MaxYears)
	if err := f.Err(); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO organization_radar_settings (territory_id, hats_threshold, long_service_years, updated_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (territory_id) DO UPDATE SET hats_threshold = excluded.hats_threshold,
			long_service_years = excluded.long_service_years, updated_at = excluded.updated_at`, territoryID, hats, years, now)
		return err
	})
}

// Level is how much an organisation's succession is at risk.
type Level string

const (
	High    Level = "high"
	Medium  Level = "medium"
	Low     Level = "low"
	Unknown Level = "unknown" // no seat recorded: nothing to judge
)

// Levels lists the levels, most urgent first.
var Levels = []Level{High, Medium, Unknown, Low}

func (l Level) rank() int {
	for i, x := range Levels {
		if x == l {
			return i
		}
	}
	return len(Levels)
}

// Reason explains a risk in words: a catalog key (org.reason.*) and its
// arguments (strings, numbers, and Dates to format in the reader's language).
type Reason struct {
	Key  string
	Args []any
}

// OrgRisk is an organisation's risk level and why.
type OrgRisk struct {
	Org     OrgRef
	Level   Level
	Reasons []Reason
	Seats   int
	Vacant  int
}

// SeatAlert is a seat the radar points at, with its organisation.
type SeatAlert struct {
	Org  OrgRef
	Seat Seat
	// Months is the horizon the term's end falls in — 3, 6 or 12 — or 0
	// when the term is already over.
	Months int
}

// HatsAlert is a person holding many seats.
type HatsAlert struct {
	PersonID int64
	Name     string
	Seats    int
	// Orgs are the organisations (in the radar's scope) where they sit.
	Orgs []OrgRef
}

// Coverage counts seats and the people who carry them.
type Coverage struct {
	Orgs   int
	Seats  int
	Held   int
	Vacant int
	// People counts the distinct people holding the seats.
	People int
	// High and Medium count the organisations at those risk levels.
	High, Medium int
}

// SeatsPerPerson is how concentrated the load is: held seats per person
// (1 means everyone holds one seat).
func (c Coverage) SeatsPerPerson() float64 {
	if c.People == 0 {
		return 0
	}
	return float64(c.Held) / float64(c.People)
}

// Level is the risk of a place (or of the whole territory) from its
// coverage: high when a third of its organisations or more are at high risk
// or a quarter of its seats are vacant; medium when one organisation is at
// risk or the seats rest on few people (1.5 seats per person or more);
// unknown without seats.
func (c Coverage) Level() Level {
	switch {
	case c.Seats == 0:
		return Unknown
	case c.High*3 >= c.Orgs && c.High > 0, c.Vacant*4 >= c.Seats:
		return High
	case c.High > 0, c.Medium > 0, c.SeatsPerPerson() >= 1.5:
		return Medium
	}
	return Low
}

// PlaceCoverage is the coverage of the organisations serving one place
// (Place.ID 0: organisations serving the whole territory).
type PlaceCoverage struct {
	Place PlaceRef
	Coverage
}

// Radar is the relève radar of a territory, a place or one organisation.
type Radar struct {
	Today    calendar.Date
	Settings Settings
	Total    Coverage
	// Places is empty for one organisation's radar.
	Places      []PlaceCoverage
	Orgs        []OrgRisk
	Vacant      []SeatAlert
	Ending      []SeatAlert
	Hats        []HatsAlert
	LongService []OrgRef
	ComputedAt  time.Time
}

// RadarFilter narrows the radar.
type RadarFilter struct {
	// PlaceSlug keeps the organisations serving the place, its secteurs or its ville.
	PlaceSlug string
	// WithoutVille leaves out, with PlaceSlug, the organisations serving
	// only the place's ville: the place and its secteurs, as the portrait
	// counts them.
	WithoutVille bool
	// OrganizationID keeps one organisation.
	OrganizationID int64
	// Reach says whose radar it is. Staff's (WholeTerritory) counts each
	// person — every record staff linked — once, and their seats across the
	// territory (« plusieurs chapeaux »). An organisation's managers'
	// (OwnOrganization, the zero value) knows only the organisation's own
	// records: no hats, nothing about seats held elsewhere.
	Reach Reach
}

type radarSeat struct {
	Seat
	holder int64
	// person is who the holder counts as: the person (their first record)
	// for staff, the record itself for an organisation's managers.
	person     int64
	personName string
}

type radarOrg struct {
	ref    OrgRef
	places []int64
	seats  []*radarSeat
	in     bool // in the filter's scope
}

// radarData is what the radar reads, as plain values: the organisations in
// scope (by name) with their seats, the territory's places in its order,
// and for staff (the whole territory's reach) the seats each person holds
// across the territory. radar judges it without reading anything more.
type radarData struct {
	today         calendar.Date
	settings      Settings
	now           time.Time
	staff, oneOrg bool // oneOrg: one organisation's radar, without places
	places        []territory.Place
	orgs          []*radarOrg
	hats          map[int64]int
}

// Radar computes the relève radar. For staff, a person's hats count their
// seats across the whole territory; the rest covers the organisations of the
// filter. Only the seats of those organisations are read (and, for hats,
// the seats of their holders).
func (s *Store) Radar(ctx context.Context, territoryID int64, f RadarFilter) (Radar, error) {
	d, err := s.loadRadar(ctx, territoryID, f)
	if err != nil {
		return Radar{}, err
	}
	return d.radar(), nil
}

// loadRadar reads the settings, today, the organisations in the filter's
// scope with their places and seats, and the hats of their holders.
func (s *Store) loadRadar(ctx context.Context, territoryID int64, f RadarFilter) (*radarData, error) {
	d := &radarData{staff: f.Reach == WholeTerritory, oneOrg: f.OrganizationID != 0}
	var err error
	if d.settings, err = s.Settings(ctx, territoryID); err != nil {
		return nil, err
	}
	if d.today, err = s.today(ctx, territoryID); err != nil {
		return nil, err
	}
	d.now = s.now()
	order, orgs, err := s.radarOrgs(ctx, territoryID, f.OrganizationID)
	if err != nil {
		return nil, err
	}

	// The places, to name them and to widen a place filter.
	var places []territory.Place
	if f.OrganizationID == 0 {
		if places, err = s.territories.Places(ctx, territoryID); err != nil {
			return nil, err
		}
	}
	scoped := f.OrganizationID != 0
	if f.PlaceSlug != "" {
		scoped = true
		reach := territory.AndVille
		if f.WithoutVille {
			reach = territory.AndSecteurs
		}
		cond, a := territory.InScope("id", territoryID, f.PlaceSlug, reach)
		inPlace, err := s.idSet(ctx, `SELECT id FROM places WHERE `+cond, a...)
		if err != nil {
			return nil, err
		}
		for _, o := range order {
			o.in = false
			for _, p := range o.places {
				o.in = o.in || inPlace[p]
			}
		}
	}
	d.places = places
	for _, o := range order {
		if o.in {
			d.orgs = append(d.orgs, o)
		}
	}
	seats, err := s.radarSeats(ctx, territoryID, f, d, orgs)
	if err == nil && d.staff {
		d.hats, err = s.radarHats(ctx, territoryID, seats, scoped)
	}
	return d, err
}

// radarOrgs reads the organisations (one, or all), by name, and the places
// they serve.
func (s *Store) radarOrgs(ctx context.Context, territoryID, orgID int64) ([]*radarOrg, map[int64]*radarOrg, error) {
	var order []*radarOrg
	byID := map[int64]*radarOrg{}
	q, args := `SELECT id, slug, name, kind FROM organizations WHERE territory_id = ?`, []any{territoryID}
	if orgID != 0 {
		q, args = q+` AND id = ?`, append(args, orgID)
	}
	err := db.Each(ctx, s.db, q+` ORDER BY name_key, id`, args, func(rows *sql.Rows) error {
		o := &radarOrg{in: true}
		err := rows.Scan(&o.ref.ID, &o.ref.Slug, &o.ref.Name, &o.ref.Kind)
		order, byID[o.ref.ID] = append(order, o), o
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	q, args = `SELECT organization_id, place_id FROM organization_places WHERE territory_id = ?`, []any{territoryID}
	if orgID != 0 {
		q, args = q+` AND organization_id = ?`, append(args, orgID)
	}
	err = db.Each(ctx, s.db, q, args, func(rows *sql.Rows) error {
		var orgID, placeID int64
		if err := rows.Scan(&orgID, &placeID); err != nil {
			return err
		}
		if o := byID[orgID]; o != nil {
			o.places = append(o.places, placeID)
		}
		return nil
	})
	return order, byID, err
}

// radarSeats reads the seats of the organisations in scope and gives each
// organisation its own.
func (s *Store) radarSeats(ctx context.Context, territoryID int64, f RadarFilter, d *radarData, orgs map[int64]*radarOrg) ([]radarSeat, error) {
	q, args := `SELECT s.id, s.organization_id, s.title, s.role, s.holder_id, COALESCE(h.same_as, h.id, 0), COALESCE(h.name, ''),
		COALESCE(g.name, h.name, ''), s.holder_since, s.term_start, s.term_end, s.open_to_newcomers, s.successor_identified, s.sort_order
		FROM organization_seats s LEFT JOIN organization_people h ON h.id = s.holder_id LEFT JOIN organization_people g ON g.id = h.same_as
		WHERE s.territory_id = ?`, []any{territoryID}
	var capacity int
	switch {
	case f.OrganizationID != 0:
		q, args = q+` AND s.organization_id = ?`, append(args, f.OrganizationID)
	case f.PlaceSlug != "":
		ids := []any{}
		for _, o := range d.orgs {
			ids = append(ids, o.ref.ID)
		}
		if len(ids) == 0 {
			ids = append(ids, 0)
		}
		q, args = q+` AND s.organization_id IN (`+db.Marks(len(ids))+`)`, append(args, ids...)
	default:
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organization_seats WHERE territory_id = ?`, territoryID).Scan(&capacity); err != nil {
			return nil, err
		}
	}
	all := make([]radarSeat, 0, capacity)
	var holder sql.NullInt64
	var root int64
	err := db.Each(ctx, s.db, q, args, func(rows *sql.Rows) error {
		var st radarSeat
		if err := rows.Scan(&st.ID, &st.OrganizationID, &st.Title, &st.Role, &holder, &root, &st.HolderName, &st.personName, &st.HolderSince, &st.TermStart, &st.TermEnd,
			&st.OpenToNewcomers, &st.SuccessorIdentified, &st.SortOrder); err != nil {
			return err
		}
		if o := orgs[st.OrganizationID]; o == nil || !o.in {
			return nil
		}
		st.TerritoryID = territoryID
		if holder.Valid {
			st.holder, st.person = holder.Int64, holder.Int64
			if d.staff {
				st.person = root
			} else {
				st.personName = st.HolderName
			}
		}
		all = append(all, st)
		return nil
	})
	for i := range all {
		st := &all[i]
		if st.holder != 0 {
			st.HolderID = &st.holder
		}
		o := orgs[st.OrganizationID]
		o.seats = append(o.seats, st)
	}
	return all, err
}

// radarHats counts the seats, across the territory, of the people holding
// these seats: the seats of their first records, and of the records linked
// to those. Unless scoped, the seats are all the territory's.
func (s *Store) radarHats(ctx context.Context, territoryID int64, seats []radarSeat, scoped bool) (map[int64]int, error) {
	hats := map[int64]int{}
	if !scoped {
		for i := range seats {
			if seats[i].holder != 0 {
				hats[seats[i].person]++
			}
		}
		return hats, nil
	}
	var people []int64
	seen := map[int64]bool{}
	for i := range seats {
		if h := seats[i].person; h != 0 && !seen[h] {
			seen[h] = true
			people = append(people, h)
		}
	}
	for startAt := 0; startAt < len(people); startAt += 500 {
		chunk := people[startAt:min(startAt+500, len(people))]
		ids := make([]any, 0, len(chunk))
		for _, h := range chunk {
			ids = append(ids, h)
		}
		args := append(append(append([]any{territoryID}, ids...), territoryID), ids...)
		err := db.Each(ctx, s.db, `SELECT person, COUNT(*) FROM (
			SELECT s.holder_id AS person FROM organization_seats s WHERE s.territory_id = ? AND s.holder_id IN (`+db.Marks(len(chunk))+`)
			UNION ALL
			SELECT h.same_as FROM organization_seats s JOIN organization_people h ON h.id = s.holder_id WHERE s.territory_id = ?
			AND s.holder_id IN (SELECT m.id FROM organization_people m WHERE m.same_as IN (`+db.Marks(len(chunk))+`))) AS x
			GROUP BY person`, args, func(rows *sql.Rows) error {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			hats[id] = n
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return hats, nil
}

// radar judges the loaded organisations. It reads nothing: the same data
// always gives the same radar.
func (d *radarData) radar() Radar {
	r := Radar{Today: d.today, Settings: d.settings, ComputedAt: d.now}
	rules := d.rules()
	total := coverageTally{people: map[int64]bool{}}
	places := map[int64]*coverageTally{}
	hatAt := map[int64]int{} // where each person is in r.Hats
	for _, o := range d.orgs {
		sort.Slice(o.seats, func(i, j int) bool { return seatBefore(&o.seats[i].Seat, &o.seats[j].Seat) })
		j := rules.judge(o.ref, o.seats, &r)
		r.Orgs = append(r.Orgs, j.risk)
		if j.longService {
			r.LongService = append(r.LongService, o.ref)
		}
		for _, st := range j.hats {
			i, ok := hatAt[st.person]
			if !ok {
				i, hatAt[st.person] = len(r.Hats), len(r.Hats)
				r.Hats = append(r.Hats, HatsAlert{PersonID: st.person, Name: st.personName, Seats: d.hats[st.person]})
			}
			r.Hats[i].Orgs = append(r.Hats[i].Orgs, o.ref)
		}
		// Coverage: the whole scope, and each place the organisation serves.
		total.add(j.risk, o.seats)
		served := o.places
		if len(served) == 0 {
			served = []int64{0}
		}
		for _, pid := range served {
			if places[pid] == nil {
				places[pid] = &coverageTally{people: map[int64]bool{}}
			}
			places[pid].add(j.risk, o.seats)
		}
	}
	r.Total = total.Coverage
	if !d.oneOrg {
		r.Places = placeList(places, d.places)
	}
	r.order()
	return r
}

// radarRules judge an organisation: the data's settings, hats and today,
// and the horizons from today.
type radarRules struct {
	*radarData
	threeMonths, sixMonths, twelveMonths, longAgo calendar.Date
}

func (d *radarData) rules() radarRules {
	return radarRules{d, d.today.AddMonths(3), d.today.AddMonths(6), d.today.AddMonths(12),
		calendar.DateOf(d.today.Time().AddDate(-d.settings.LongServiceYears, 0, 0))}
}

// orgJudgement is what the radar finds in one organisation.
type orgJudgement struct {
	risk OrgRisk
	// alerts gets the vacant seats and the ending terms.
	alerts *Radar
	// hats are a seat of each person here who wears many hats.
	hats        []*radarSeat
	longService bool
}

// flag raises the organisation's level to l (if it is lower) and gives
// the reason.
func (j *orgJudgement) flag(l Level, key string, args ...any) {
	if l.rank() < j.risk.Level.rank() {
		j.risk.Level = l
	}
	j.risk.Reasons = append(j.risk.Reasons, Reason{key, args})
}

// judge weighs an organisation's seats, in their order: its level of risk
// (low unless a rule raises it), the reasons in the order they are read,
// and its alerts, added to those of alerts.
func (ru *radarRules) judge(o OrgRef, seats []*radarSeat, alerts *Radar) orgJudgement {
	j := orgJudgement{risk: OrgRisk{Org: o, Seats: len(seats), Level: Low}, alerts: alerts}
	if len(seats) == 0 {
		j.risk.Level, j.risk.Reasons = Unknown, []Reason{{"org.reason.no_seats", nil}}
		return j
	}
	j.vacancies(seats)
	ru.endings(&j, seats)
	ru.manyHats(&j, seats)
	ru.longService(&j, seats)
	return j
}

// vacancies: half the seats or more empty (of two or more), or an
// officer's seat empty, is high risk; any other empty seat is medium.
func (j *orgJudgement) vacancies(seats []*radarSeat) {
	var officers []string
	others := 0
	for _, st := range seats {
		if !st.Vacant() {
			continue
		}
		j.risk.Vacant++
		j.alerts.Vacant = append(j.alerts.Vacant, SeatAlert{Org: j.risk.Org, Seat: st.Seat})
		if st.Role.Officer() {
			officers = append(officers, st.Title)
		} else {
			others++
		}
	}
	if len(seats) >= 2 && j.risk.Vacant*2 >= len(seats) {
		j.flag(High, "org.reason.half_vacant", j.risk.Vacant, len(seats))
	}
	for _, title := range officers {
		j.flag(High, "org.reason.officer_vacant", title)
	}
	switch {
	case others == 1:
		j.flag(Medium, "org.reason.vacant_one", others)
	case others > 1:
		j.flag(Medium, "org.reason.vacant_other", others)
	}
}

// endings: a held seat's term ending within a year (or over) with nobody
// ready to take over. An officer's, within three months, is high risk;
// any, within six months, medium.
func (ru *radarRules) endings(j *orgJudgement, seats []*radarSeat) {
	for _, st := range seats {
		months, ok := ru.termEnding(st.Seat)
		if !ok {
			continue
		}
		j.alerts.Ending = append(j.alerts.Ending, SeatAlert{Org: j.risk.Org, Seat: st.Seat, Months: months})
		level := Low
		switch {
		case months <= 3 && st.Role.Officer():
			level = High
		case months <= 6:
			level = Medium
		}
		if months == 0 {
			j.flag(level, "org.reason.expired", st.Title, st.TermEnd)
		} else {
			j.flag(level, "org.reason.ending", st.Title, st.TermEnd, months)
		}
	}
}

// termEnding is the horizon a held seat's term ends in — 3, 6 or 12
// months, or 0 when it is over — if it ends within a year and nobody is
// ready to take over.
func (ru *radarRules) termEnding(st Seat) (months int, ok bool) {
	switch {
	case st.Vacant() || st.TermEnd.IsZero() || st.SuccessorIdentified || ru.twelveMonths.Before(st.TermEnd):
		return 0, false
	case st.TermEnd.Before(ru.today):
		return 0, true
	case !ru.threeMonths.Before(st.TermEnd):
		return 3, true
	case !ru.sixMonths.Before(st.TermEnd):
		return 6, true
	}
	return 12, true
}

// manyHats: for staff, a person holding HatsThreshold seats or more
// across the territory is medium risk, named once per organisation.
func (ru *radarRules) manyHats(j *orgJudgement, seats []*radarSeat) {
	if !ru.staff {
		return
	}
	seen := map[int64]bool{}
	for _, st := range seats {
		if n := ru.hats[st.person]; !st.Vacant() && n >= ru.settings.HatsThreshold && !seen[st.person] {
			seen[st.person] = true
			j.flag(Medium, "org.reason.hats", st.HolderName, n)
			j.hats = append(j.hats, st)
		}
	}
}

// longService: when every officer holding a seat has served longer than
// LongServiceYears, the organisation needs new blood (medium risk).
func (ru *radarRules) longService(j *orgJudgement, seats []*radarSeat) {
	held, long := 0, 0
	for _, st := range seats {
		if !st.Vacant() && st.Role.Officer() {
			held++
			if since := st.Since(); !since.IsZero() && !ru.longAgo.Before(since) {
				long++
			}
		}
	}
	if j.longService = held > 0 && long == held; j.longService {
		j.flag(Medium, "org.reason.long_service", ru.settings.LongServiceYears)
	}
}

// coverageTally is a coverage being counted, with the people seen so far.
type coverageTally struct {
	PlaceCoverage
	people map[int64]bool
}

// add counts an organisation: its seats, its level, and the people holding
// its seats not counted yet.
func (c *coverageTally) add(risk OrgRisk, seats []*radarSeat) {
	c.Orgs++
	c.Seats += risk.Seats
	c.Vacant += risk.Vacant
	c.Held += risk.Seats - risk.Vacant
	switch risk.Level {
	case High:
		c.High++
	case Medium:
		c.Medium++
	}
	for _, st := range seats {
		if !st.Vacant() && !c.people[st.person] {
			c.people[st.person] = true
			c.People++
		}
	}
}

// placeList names the places counted (0: the whole territory), in the
// territory's order (French names), the whole territory last.
func placeList(t map[int64]*coverageTally, places []territory.Place) []PlaceCoverage {
	var out []PlaceCoverage
	for _, p := range places {
		if c := t[p.ID]; c != nil {
			c.Place = PlaceRef{ID: p.ID, Slug: p.Slug, Name: p.Name}
			out = append(out, c.PlaceCoverage)
		}
	}
	if c := t[0]; c != nil {
		out = append(out, c.PlaceCoverage)
	}
	return out
}

// order puts the lists in reading order: the most urgent organisations,
// officers' vacant seats, the soonest term ends, the people with the most
// seats (then by name) first.
func (r *Radar) order() {
	sort.SliceStable(r.Orgs, func(i, j int) bool { return r.Orgs[i].Level.rank() < r.Orgs[j].Level.rank() })
	sort.SliceStable(r.Vacant, func(i, j int) bool {
		return r.Vacant[i].Seat.Role.Officer() && !r.Vacant[j].Seat.Role.Officer()
	})
	sort.SliceStable(r.Ending, func(i, j int) bool { return r.Ending[i].Seat.TermEnd.Before(r.Ending[j].Seat.TermEnd) })
	keys := make(map[int64]string, len(r.Hats))
	for _, h := range r.Hats {
		keys[h.PersonID] = Key(h.Name)
	}
	sort.Slice(r.Hats, func(i, j int) bool {
		if r.Hats[i].Seats != r.Hats[j].Seats {
			return r.Hats[i].Seats > r.Hats[j].Seats
		}
		if a, b := keys[r.Hats[i].PersonID], keys[r.Hats[j].PersonID]; a != b {
			return a < b
		}
		return r.Hats[i].PersonID < r.Hats[j].PersonID
	})
}

// Risk is one organisation's risk, from the radar of that organisation as
// reach sees it: an organisation's managers get OwnOrganization.
func (s *Store) Risk(ctx context.Context, territoryID, orgID int64, reach Reach) (OrgRisk, Radar, error) {
	if _, err := s.Get(ctx, territoryID, orgID); err != nil {
		return OrgRisk{}, Radar{}, err
	}
	r, err := s.Radar(ctx, territoryID, RadarFilter{OrganizationID: orgID, Reach: reach})
	if err != nil || len(r.Orgs) == 0 {
		return OrgRisk{}, r, err
	}
	return r.Orgs[0], r, nil
}
