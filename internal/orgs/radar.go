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
	seats  []int32 // indexes into the loaded seats
	in     bool    // in the filter's scope
}

// Radar computes the relève radar. For staff, a person's hats count their
// seats across the whole territory; the rest covers the organisations of the
// filter. Only the seats of those organisations are read (and, for hats,
// the seats of their holders).
func (s *Store) Radar(ctx context.Context, territoryID int64, f RadarFilter) (Radar, error) {
	settings, err := s.Settings(ctx, territoryID)
	if err != nil {
		return Radar{}, err
	}
	today, err := s.today(ctx, territoryID)
	if err != nil {
		return Radar{}, err
	}
	r := Radar{Today: today, Settings: settings, ComputedAt: s.now()}

	// Organisations, by name, and the places they serve.
	orgs := map[int64]*radarOrg{}
	var order []*radarOrg
	q, args := `SELECT id, slug, name, kind FROM organizations WHERE territory_id = ?`, []any{territoryID}
	if f.OrganizationID != 0 {
		q, args = q+` AND id = ?`, append(args, f.OrganizationID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY name_key, id`, args...)
	if err != nil {
		return r, err
	}
	for rows.Next() {
		o := &radarOrg{in: true}
		var kind string
		if err := rows.Scan(&o.ref.ID, &o.ref.Slug, &o.ref.Name, &kind); err != nil {
			rows.Close()
			return r, err
		}
		o.ref.Kind = Kind(kind)
		orgs[o.ref.ID] = o
		order = append(order, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	q, args = `SELECT organization_id, place_id FROM organization_places WHERE territory_id = ?`, []any{territoryID}
	if f.OrganizationID != 0 {
		q, args = q+` AND organization_id = ?`, append(args, f.OrganizationID)
	}
	rows, err = s.db.Query(ctx, q, args...)
	if err != nil {
		return r, err
	}
	for rows.Next() {
		var orgID, placeID int64
		if err := rows.Scan(&orgID, &placeID); err != nil {
			rows.Close()
			return r, err
		}
		if o := orgs[orgID]; o != nil {
			o.places = append(o.places, placeID)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}

	// The places, to name them and to widen a place filter.
	var places []territory.Place
	placeByID := map[int64]territory.Place{}
	if f.OrganizationID == 0 {
		if places, err = s.territories.Places(ctx, territoryID); err != nil {
			return r, err
		}
		for _, p := range places {
			placeByID[p.ID] = p
		}
	}
	scoped := f.OrganizationID != 0
	if f.PlaceSlug != "" {
		scoped = true
		cond, a := territory.InScope("id", territoryID, f.PlaceSlug, territory.AndVille)
		inPlace, err := s.idSet(ctx, `SELECT id FROM places WHERE `+cond, a...)
		if err != nil {
			return r, err
		}
		for _, o := range order {
			o.in = false
			for _, p := range o.places {
				o.in = o.in || inPlace[p]
			}
		}
	}

	// The seats of the organisations in scope.
	staff := f.Reach == WholeTerritory
	q, args = `SELECT s.id, s.organization_id, s.title, s.role, s.holder_id, COALESCE(h.same_as, h.id, 0), COALESCE(h.name, ''),
		COALESCE(g.name, h.name, ''), s.holder_since, s.term_start, s.term_end, s.open_to_newcomers, s.successor_identified, s.sort_order
		FROM organization_seats s LEFT JOIN organization_people h ON h.id = s.holder_id LEFT JOIN organization_people g ON g.id = h.same_as
		WHERE s.territory_id = ?`, []any{territoryID}
	var capacity int
	switch {
	case f.OrganizationID != 0:
		q, args = q+` AND s.organization_id = ?`, append(args, f.OrganizationID)
	case f.PlaceSlug != "":
		ids := []any{}
		for _, o := range order {
			if o.in {
				ids = append(ids, o.ref.ID)
			}
		}
		if len(ids) == 0 {
			ids = append(ids, 0)
		}
		q, args = q+` AND s.organization_id IN (`+placeholders(len(ids))+`)`, append(args, ids...)
	default:
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organization_seats WHERE territory_id = ?`, territoryID).Scan(&capacity); err != nil {
			return r, err
		}
	}
	rows, err = s.db.Query(ctx, q, args...)
	if err != nil {
		return r, err
	}
	all := make([]radarSeat, 0, capacity)
	hats := map[int64]int{}
	var role string
	var holder sql.NullInt64
	var root int64
	for rows.Next() {
		var st radarSeat
		if err := rows.Scan(&st.ID, &st.OrganizationID, &st.Title, &role, &holder, &root, &st.HolderName, &st.personName, &st.HolderSince, &st.TermStart, &st.TermEnd,
			&st.OpenToNewcomers, &st.SuccessorIdentified, &st.SortOrder); err != nil {
			rows.Close()
			return r, err
		}
		o := orgs[st.OrganizationID]
		if o == nil || !o.in {
			continue
		}
		st.TerritoryID, st.Role = territoryID, Role(role)
		if holder.Valid {
			st.holder, st.person = holder.Int64, holder.Int64
			if staff {
				st.person = root
			} else {
				st.personName = st.HolderName
			}
			if !scoped && staff {
				hats[st.person]++
			}
		}
		o.seats = append(o.seats, int32(len(all)))
		all = append(all, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	for i := range all {
		if all[i].holder != 0 {
			all[i].HolderID = &all[i].holder
		}
	}
	if scoped && staff {
		// Hats count every seat of the territory: ask for the people in scope.
		var people []int64
		seen := map[int64]bool{}
		for i := range all {
			if h := all[i].person; h != 0 && !seen[h] {
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
			// The seats of their first records, and of the records linked to those.
			args := append(append(append([]any{territoryID}, ids...), territoryID), ids...)
			rows, err := s.db.Query(ctx, `SELECT person, COUNT(*) FROM (
				SELECT s.holder_id AS person FROM organization_seats s WHERE s.territory_id = ? AND s.holder_id IN (`+placeholders(len(chunk))+`)
				UNION ALL
				SELECT h.same_as FROM organization_seats s JOIN organization_people h ON h.id = s.holder_id WHERE s.territory_id = ?
				AND s.holder_id IN (SELECT m.id FROM organization_people m WHERE m.same_as IN (`+placeholders(len(chunk))+`))) AS x
				GROUP BY person`, args...)
			if err != nil {
				return r, err
			}
			for rows.Next() {
				var id int64
				var n int
				if err := rows.Scan(&id, &n); err != nil {
					rows.Close()
					return r, err
				}
				hats[id] = n
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return r, err
			}
		}
	}

	threeMonths, sixMonths, twelveMonths := today.AddMonths(3), today.AddMonths(6), today.AddMonths(12)
	longAgo := calendar.DateOf(today.Time().AddDate(-settings.LongServiceYears, 0, 0))
	placeCov := map[int64]*PlaceCoverage{}
	placePeople := map[int64]map[int64]bool{}
	totalPeople := map[int64]bool{}
	hatsOrgs := map[int64][]OrgRef{}

	names := map[int64]string{}
	for _, o := range order {
		if !o.in {
			continue
		}
		sort.SliceStable(o.seats, func(i, j int) bool {
			a, b := &all[o.seats[i]], &all[o.seats[j]]
			if a.Role.rank() != b.Role.rank() {
				return a.Role.rank() < b.Role.rank()
			}
			if a.SortOrder != b.SortOrder {
				return a.SortOrder < b.SortOrder
			}
			return a.ID < b.ID
		})
		risk := OrgRisk{Org: o.ref, Seats: len(o.seats)}
		var high, medium bool
		var officerVacant []Reason
		otherVacant := 0
		var endings []Reason
		var hatReasons []Reason
		officersHeld, officersLong := 0, 0
		seen := map[int64]bool{}
		for _, ix := range o.seats {
			st := &all[ix]
			if st.Vacant() {
				risk.Vacant++
				r.Vacant = append(r.Vacant, SeatAlert{Org: o.ref, Seat: st.Seat})
				if st.Role.Officer() {
					high = true
					officerVacant = append(officerVacant, Reason{"org.reason.officer_vacant", []any{st.Title}})
				} else {
					otherVacant++
					medium = true
				}
				continue
			}
			if st.Role.Officer() {
				officersHeld++
				if since := st.Since(); !since.IsZero() && !longAgo.Before(since) {
					officersLong++
				}
			}
			if !st.TermEnd.IsZero() && !st.SuccessorIdentified && !twelveMonths.Before(st.TermEnd) {
				alert := SeatAlert{Org: o.ref, Seat: st.Seat}
				switch {
				case st.TermEnd.Before(today):
					alert.Months = 0
					endings = append(endings, Reason{"org.reason.expired", []any{st.Title, st.TermEnd}})
				case !threeMonths.Before(st.TermEnd):
					alert.Months = 3
				case !sixMonths.Before(st.TermEnd):
					alert.Months = 6
				default:
					alert.Months = 12
				}
				if alert.Months > 0 {
					endings = append(endings, Reason{"org.reason.ending", []any{st.Title, st.TermEnd, alert.Months}})
				}
				r.Ending = append(r.Ending, alert)
				switch {
				case alert.Months <= 3 && st.Role.Officer():
					high = true
				case alert.Months <= 6:
					medium = true
				}
			}
			if n := hats[st.person]; staff && n >= settings.HatsThreshold && !seen[st.person] {
				seen[st.person] = true
				medium = true
				hatReasons = append(hatReasons, Reason{"org.reason.hats", []any{st.HolderName, n}})
				hatsOrgs[st.person] = append(hatsOrgs[st.person], o.ref)
				names[st.person] = st.personName
			}
		}
		if len(o.seats) >= 2 && risk.Vacant*2 >= len(o.seats) {
			high = true
			risk.Reasons = append(risk.Reasons, Reason{"org.reason.half_vacant", []any{risk.Vacant, len(o.seats)}})
		}
		risk.Reasons = append(risk.Reasons, officerVacant...)
		switch {
		case otherVacant == 1:
			risk.Reasons = append(risk.Reasons, Reason{"org.reason.vacant_one", []any{otherVacant}})
		case otherVacant > 1:
			risk.Reasons = append(risk.Reasons, Reason{"org.reason.vacant_other", []any{otherVacant}})
		}
		risk.Reasons = append(risk.Reasons, endings...)
		risk.Reasons = append(risk.Reasons, hatReasons...)
		if officersHeld > 0 && officersLong == officersHeld {
			medium = true
			risk.Reasons = append(risk.Reasons, Reason{"org.reason.long_service", []any{settings.LongServiceYears}})
			r.LongService = append(r.LongService, o.ref)
		}
		switch {
		case len(o.seats) == 0:
			risk.Level = Unknown
			risk.Reasons = []Reason{{"org.reason.no_seats", nil}}
		case high:
			risk.Level = High
		case medium:
			risk.Level = Medium
		default:
			risk.Level = Low
		}
		r.Orgs = append(r.Orgs, risk)

		// Coverage: the whole scope, and each place the organisation serves.
		places := o.places
		if len(places) == 0 {
			places = []int64{0}
		}
		add := func(c *Coverage, people map[int64]bool) {
			c.Orgs++
			c.Seats += len(o.seats)
			c.Vacant += risk.Vacant
			c.Held += len(o.seats) - risk.Vacant
			switch risk.Level {
			case High:
				c.High++
			case Medium:
				c.Medium++
			}
			for _, ix := range o.seats {
				if st := &all[ix]; !st.Vacant() && !people[st.person] {
					people[st.person] = true
					c.People++
				}
			}
		}
		add(&r.Total, totalPeople)
		if f.OrganizationID == 0 {
			for _, pid := range places {
				pc := placeCov[pid]
				if pc == nil {
					pc = &PlaceCoverage{}
					if p, ok := placeByID[pid]; ok {
						pc.Place = PlaceRef{ID: p.ID, Slug: p.Slug, Name: p.Name}
					}
					placeCov[pid] = pc
					placePeople[pid] = map[int64]bool{}
				}
				add(&pc.Coverage, placePeople[pid])
			}
		}
	}

	for id, list := range hatsOrgs {
		r.Hats = append(r.Hats, HatsAlert{PersonID: id, Name: names[id], Seats: hats[id], Orgs: list})
	}
	hatKeys := make(map[int64]string, len(r.Hats))
	for _, h := range r.Hats {
		hatKeys[h.PersonID] = Key(h.Name)
	}
	sort.Slice(r.Hats, func(i, j int) bool {
		if r.Hats[i].Seats != r.Hats[j].Seats {
			return r.Hats[i].Seats > r.Hats[j].Seats
		}
		if a, b := hatKeys[r.Hats[i].PersonID], hatKeys[r.Hats[j].PersonID]; a != b {
			return a < b
		}
		return r.Hats[i].PersonID < r.Hats[j].PersonID
	})
	sort.SliceStable(r.Orgs, func(i, j int) bool { return r.Orgs[i].Level.rank() < r.Orgs[j].Level.rank() })
	sort.SliceStable(r.Vacant, func(i, j int) bool {
		return r.Vacant[i].Seat.Role.Officer() && !r.Vacant[j].Seat.Role.Officer()
	})
	sort.SliceStable(r.Ending, func(i, j int) bool { return r.Ending[i].Seat.TermEnd.Before(r.Ending[j].Seat.TermEnd) })
	// Places in the territory's order (French names), the whole territory last.
	for _, p := range places {
		if pc := placeCov[p.ID]; pc != nil {
			r.Places = append(r.Places, *pc)
		}
	}
	if pc := placeCov[0]; pc != nil {
		r.Places = append(r.Places, *pc)
	}
	return r, nil
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
