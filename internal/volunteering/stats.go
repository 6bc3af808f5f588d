package volunteering

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sort"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/orgs"
	"implique/internal/territory"
)

// PlaceSupply is supply and demand in one place (or for remote
// opportunities, when Remote).
type PlaceSupply struct {
	PlaceID   int64
	PlaceSlug string
	PlaceName string
	Remote    bool
	// Open opportunities, and those of them nobody applied to yet.
	Open              int
	WithoutApplicants int
	// People with a profile who live there, and those of them for whom no
	// open opportunity within reach shares an interest.
	People                   int
	PeopleWithoutOpportunity int
	// Waiting applications for opportunities there.
	Waiting int
}

// CauseSupply is supply and demand for one cause.
type CauseSupply struct {
	Cause                    string
	Open                     int
	People                   int
	PeopleWithoutOpportunity int
}

// SupplyDemand is what staff read to see where people and opportunities
// miss each other.
type SupplyDemand struct {
	Places []PlaceSupply
	Causes []CauseSupply
	// OpportunitiesWithoutApplicants: open for a week or more, nobody yet.
	OpportunitiesWithoutApplicants []Opportunity
	// Waiting applications, the longest wait first.
	Waiting []Application
	// Answer delays over the last year, in days (median), and the share
	// answered within a week.
	AnsweredCount        int
	MedianAnswerDays     float64
	AnsweredWithinAWeek  int
	People               int
	PeopleWithout        int
	ComputedAt           time.Time
	OpenOpportunityCount int
}

// profileRow is what supply and demand reads of a profile.
type profileRow struct {
	placeID int64
	causes  Mask
	maxKm   *int
}

// supplyData is what supply and demand reads, as plain values.
type supplyData struct {
	now      time.Time
	places   []territory.Place
	open     []Opportunity
	profiles []profileRow
	waiting  []Application
	// delays are the answers of the last year: days from confirmation to answer.
	delays []float64
}

// SupplyDemand computes supply and demand for the territory.
func (s *Store) SupplyDemand(ctx context.Context, territoryID int64) (SupplyDemand, error) {
	d, err := s.loadSupply(ctx, territoryID)
	if err != nil {
		return SupplyDemand{}, err
	}
	return d.supplyDemand(), nil
}

// loadSupply reads the places, the open opportunities, who looks for what,
// the waiting applications and how fast organisations answered.
func (s *Store) loadSupply(ctx context.Context, territoryID int64) (supplyData, error) {
	d := supplyData{now: s.now()}
	var err error
	if d.places, err = s.territories.Places(ctx, territoryID); err != nil {
		return d, err
	}
	if d.open, err = s.Opportunities(ctx, territoryID, Filter{OpenOnly: true}); err != nil {
		return d, err
	}
	err = db.Each(ctx, s.db, `SELECT COALESCE(place_id, 0), causes, max_km FROM volunteer_profiles WHERE territory_id = ?`,
		[]any{territoryID}, func(rows *sql.Rows) error {
			var p profileRow
			var maxKm sql.NullInt64
			if err := rows.Scan(&p.placeID, &p.causes, &maxKm); err != nil {
				return err
			}
			if maxKm.Valid {
				v := int(maxKm.Int64)
				p.maxKm = &v
			}
			d.profiles = append(d.profiles, p)
			return nil
		})
	if err != nil {
		return d, err
	}
	if d.waiting, err = s.WaitingFor(ctx, territoryID, nil); err != nil {
		return d, err
	}
	err = db.Each(ctx, s.db, `SELECT confirmed_at, responded_at FROM volunteer_applications WHERE territory_id = ?
		AND responded_at IS NOT NULL AND confirmed_at IS NOT NULL AND confirmed_at >= ?`, []any{territoryID, d.now.AddDate(-1, 0, 0)},
		func(rows *sql.Rows) error {
			var c, r time.Time
			if err := rows.Scan(&c, &r); err != nil {
				return err
			}
			d.delays = append(d.delays, r.Sub(c).Hours()/24)
			return nil
		})
	return d, err
}

// supplyDemand counts supply and demand. It reads nothing: the same data
// always gives the same counts.
func (d supplyData) supplyDemand() SupplyDemand {
	sd := SupplyDemand{ComputedAt: d.now, OpenOpportunityCount: len(d.open), Waiting: d.waiting}
	t := supplyTally{g: newGeo(d.places), byPlace: map[int64]*PlaceSupply{}, offered: map[int64]Mask{}, reach: map[[2]int64]Mask{},
		causeOpen: map[string]int{}, causePeople: map[string]int{}, causeWithout: map[string]int{}}
	for _, o := range d.open {
		if t.offer(o) && d.now.Sub(o.PublishedAt) >= 7*24*time.Hour {
			sd.OpportunitiesWithoutApplicants = append(sd.OpportunitiesWithoutApplicants, o)
		}
	}
	for _, p := range d.profiles {
		sd.People++
		if t.seek(p) {
			sd.PeopleWithout++
		}
	}
	sd.Places, sd.Causes = t.placeList(d.places), t.causeList()
	sd.AnsweredCount, sd.MedianAnswerDays, sd.AnsweredWithinAWeek = answerDelays(d.delays)
	return sd
}

// anyCause is every cause: an opportunity, or a person, that names none is
// open to any interest.
var anyCause = Mask(1<<len(Causes) - 1)

// supplyTally counts supply and demand per place and per cause.
type supplyTally struct {
	g       geo
	byPlace map[int64]*PlaceSupply // -1: remote
	// offered are the causes of the open opportunities for individuals, per
	// place; remote, those done remotely.
	offered map[int64]Mask
	remote  Mask
	// reach caches what is offered within reach of a place, per distance
	// (-1: the default).
	reach                                map[[2]int64]Mask
	causeOpen, causePeople, causeWithout map[string]int
}

// place is the count of a place, or of what is remote.
func (t *supplyTally) place(id int64, remote bool) *PlaceSupply {
	key := id
	if remote {
		key = -1
	}
	ps := t.byPlace[key]
	if ps == nil {
		ps = &PlaceSupply{PlaceID: id, Remote: remote}
		if p, ok := t.g.places[id]; ok && !remote {
			ps.PlaceSlug, ps.PlaceName = p.slug, p.name
		}
		t.byPlace[key] = ps
	}
	return ps
}

// offer counts an open opportunity at its place (remote without one) and
// under its causes; unless it is for teams, what it offers individuals.
// It reports whether nobody applied yet.
func (t *supplyTally) offer(o Opportunity) bool {
	ps := t.place(o.PlaceID, o.PlaceID == 0)
	ps.Open++
	ps.Waiting += o.Waiting
	if o.Applicants == 0 {
		ps.WithoutApplicants++
	}
	for _, c := range o.Causes.Codes(Causes) {
		t.causeOpen[c]++
	}
	if o.Kind.Corporate() {
		return o.Applicants == 0
	}
	all := o.Causes
	if all == 0 {
		all = anyCause
	}
	if o.Remote {
		t.remote |= all
	}
	if o.PlaceID != 0 {
		t.offered[o.PlaceID] |= all
	}
	return o.Applicants == 0
}

// seek counts a person at their place and under the causes they want. It
// reports whether no open opportunity within their reach, or remote,
// shares an interest with them.
func (t *supplyTally) seek(p profileRow) bool {
	key := [2]int64{p.placeID, -1}
	if p.maxKm != nil {
		key[1] = int64(*p.maxKm)
	}
	within, ok := t.reach[key]
	if !ok {
		within = offeredWithin(t.g, t.offered, p.placeID, p.maxKm)
		t.reach[key] = within
	}
	within |= t.remote
	want := p.causes
	if want == 0 {
		want = anyCause
	}
	without := within&want == 0
	if p.placeID != 0 {
		ps := t.place(p.placeID, false)
		ps.People++
		if without {
			ps.PeopleWithoutOpportunity++
		}
	}
	for _, c := range p.causes.Codes(Causes) {
		t.causePeople[c]++
		if !within.Has(Causes, c) {
			t.causeWithout[c]++
		}
	}
	return without
}

// placeList lists the places counted in the territory's order, remote last.
func (t *supplyTally) placeList(places []territory.Place) []PlaceSupply {
	var out []PlaceSupply
	for _, ps := range t.byPlace {
		out = append(out, *ps)
	}
	order := map[int64]int{}
	for i, p := range places {
		order[p.ID] = i
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Remote != b.Remote {
			return b.Remote
		}
		return order[a.PlaceID] < order[b.PlaceID]
	})
	return out
}

// causeList lists the causes offered or wanted, those leaving the most
// people without an opportunity first.
func (t *supplyTally) causeList() []CauseSupply {
	var out []CauseSupply
	for _, c := range Causes {
		if t.causeOpen[c] == 0 && t.causePeople[c] == 0 {
			continue
		}
		out = append(out, CauseSupply{Cause: c, Open: t.causeOpen[c], People: t.causePeople[c], PeopleWithoutOpportunity: t.causeWithout[c]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].PeopleWithoutOpportunity > out[j].PeopleWithoutOpportunity })
	return out
}

// answerDelays are how many answers came, their median delay in days (to a
// tenth) and how many came within a week.
func answerDelays(days []float64) (n int, median float64, withinAWeek int) {
	for _, d := range days {
		if d <= 7 {
			withinAWeek++
		}
	}
	if len(days) == 0 {
		return 0, 0, 0
	}
	sort.Float64s(days)
	mid := len(days) / 2
	median = days[mid]
	if len(days)%2 == 0 {
		median = (days[mid-1] + days[mid]) / 2
	}
	return len(days), math.Round(median*10) / 10, withinAWeek
}

// offeredWithin is the causes offered at the places within reach of a
// place (the place itself, its ville and secteurs, places closer than
// maxKm or the default reach, places whose position nobody confirmed).
func offeredWithin(g geo, offered map[int64]Mask, from int64, maxKm *int) Mask {
	var m Mask
	reach := float64(DefaultReachKm)
	if maxKm != nil {
		reach = float64(*maxKm)
	}
	for id, causes := range offered {
		if from == 0 || id == from || g.sameCity(from, id) {
			m |= causes
			continue
		}
		if d, ok := g.km(from, id); !ok || d <= reach+0.5 {
			m |= causes
		}
	}
	return m
}

// BusinessTotal is the volunteering of one business's employees,
// aggregated: no names.
type BusinessTotal struct {
	Organization orgs.OrgRef
	Minutes      int
	Volunteers   int
	Entries      int
	// CorporateOpportunities the business posted (teams offered, and
	// requests it answered are in Applications).
	CorporateOpportunities int
}

// BusinessHours totals the confirmed hours employees gave as corporate
// volunteering, per business, between from and to.
func (s *Store) BusinessHours(ctx context.Context, territoryID int64, from, to calendar.Date) ([]BusinessTotal, error) {
	rows, err := s.db.Query(ctx, `SELECT h.employer_id, e.slug, e.name, e.kind, SUM(h.minutes), COUNT(DISTINCT `+volunteerOf+`), COUNT(*)
		FROM volunteer_hours h JOIN organizations e ON e.id = h.employer_id
		WHERE h.territory_id = ? AND h.status = ? AND h.day >= ? AND h.day <= ?
		GROUP BY h.employer_id, e.slug, e.name, e.kind`, territoryID, HoursConfirmed, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	byID := map[int64]*BusinessTotal{}
	for rows.Next() {
		var b BusinessTotal
		var kind string
		if err := rows.Scan(&b.Organization.ID, &b.Organization.Slug, &b.Organization.Name, &kind, &b.Minutes, &b.Volunteers, &b.Entries); err != nil {
			rows.Close()
			return nil, err
		}
		b.Organization.Kind = orgs.Kind(kind)
		byID[b.Organization.ID] = &b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.Query(ctx, `SELECT o.organization_id, g.slug, g.name, g.kind, COUNT(*) FROM volunteer_opportunities o
		JOIN organizations g ON g.id = o.organization_id WHERE o.territory_id = ? AND o.kind = ? AND g.kind = ?
		GROUP BY o.organization_id, g.slug, g.name, g.kind`, territoryID, string(CorporateOffer), string(orgs.Business))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var ref orgs.OrgRef
		var kind string
		var n int
		if err := rows.Scan(&ref.ID, &ref.Slug, &ref.Name, &kind, &n); err != nil {
			rows.Close()
			return nil, err
		}
		ref.Kind = orgs.Kind(kind)
		b := byID[ref.ID]
		if b == nil {
			b = &BusinessTotal{Organization: ref}
			byID[ref.ID] = b
		}
		b.CorporateOpportunities = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]BusinessTotal, 0, len(byID))
	for _, b := range byID {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Minutes != out[j].Minutes {
			return out[i].Minutes > out[j].Minutes
		}
		return out[i].Organization.Name < out[j].Organization.Name
	})
	return out, nil
}

// volunteerOf is who gave hours h, to count volunteers: their account, or
// for the hours kept from an erased person, their anonymous number (made
// negative, so that it is never an account's).
const volunteerOf = `COALESCE(h.user_id, -h.anonymous_volunteer)`

// Totals is the confirmed volunteering of a period, for funders.
type Totals struct {
	From, To      calendar.Date
	Minutes       int
	Volunteers    int
	Organizations int
	// ValueCents is the hours' worth at the territory's rate (nil: no rate set).
	ValueCents *int64
	Settings   Settings
	ComputedAt time.Time
}

// TotalsBetween sums the confirmed hours between from and to, and values
// them at the rate staff set.
func (s *Store) TotalsBetween(ctx context.Context, territoryID int64, from, to calendar.Date) (Totals, error) {
	t := Totals{From: from, To: to, ComputedAt: s.now()}
	err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(h.minutes), 0), COUNT(DISTINCT `+volunteerOf+`), COUNT(DISTINCT h.organization_id)
		FROM volunteer_hours h WHERE territory_id = ? AND status = ? AND day >= ? AND day <= ?`,
		territoryID, HoursConfirmed, from.String(), to.String()).Scan(&t.Minutes, &t.Volunteers, &t.Organizations)
	if err != nil {
		return t, err
	}
	if t.Settings, err = s.Settings(ctx, territoryID); err != nil {
		return t, err
	}
	if t.Settings.HourValueCents != nil {
		v := int64(math.Round(float64(t.Minutes) * float64(*t.Settings.HourValueCents) / 60))
		t.ValueCents = &v
	}
	return t, nil
}

// Settings are what staff set for volunteering.
type Settings struct {
	// HourValueCents is what an hour of volunteering is worth, for funders
	// (nil: not set — Implique ships no default it could not source).
	HourValueCents  *int64
	HourValueSource string
	UpdatedAt       *time.Time
}

// Settings returns the territory's volunteering settings.
func (s *Store) Settings(ctx context.Context, territoryID int64) (Settings, error) {
	var set Settings
	var cents sql.NullInt64
	var at time.Time
	err := s.db.QueryRow(ctx, `SELECT hour_value_cents, hour_value_source, updated_at FROM volunteer_settings WHERE territory_id = ?`,
		territoryID).Scan(&cents, &set.HourValueSource, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return set, nil
	}
	if err != nil {
		return set, err
	}
	if cents.Valid {
		set.HourValueCents = &cents.Int64
	}
	set.UpdatedAt = &at
	return set, nil
}

// MaxHourValueCents bounds the hour's value (1 000 $).
const MaxHourValueCents = 100000

// SaveSettings sets the hour's value (nil clears it) and where the figure
// comes from.
func (s *Store) SaveSettings(ctx context.Context, territoryID, userID int64, cents *int64, source string) error {
	source = clean(source)
	f := errs.Fields{}
	if cents != nil && (*cents <= 0 || *cents > MaxHourValueCents) {
		f.Add("hour_value", "errors.volunteer_hour_value")
	}
	if cents != nil && source == "" {
		f.Add("hour_value_source", "errors.volunteer_hour_value_source")
	}
	if tooLong(source, 300) {
		f.Add("hour_value_source", "errors.too_long")
	}
	if err := f.Err(); err != nil {
		return err
	}
	var v any
	if cents != nil {
		v = *cents
	}
	_, err := s.db.Exec(ctx, `INSERT INTO volunteer_settings (territory_id, hour_value_cents, hour_value_source, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (territory_id) DO UPDATE SET hour_value_cents = excluded.hour_value_cents,
		hour_value_source = excluded.hour_value_source, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		territoryID, v, source, nullID(userID), s.now())
	return err
}

// ParseDollars reads an amount typed in dollars: « 27,50 », « 27.50 $ »,
// « 1 250 ». It returns cents.
func ParseDollars(s string) (int64, bool) {
	f, ok := i18n.ParseDecimal(s)
	if !ok || f < 0 || f > 1e9 {
		return 0, false
	}
	return int64(math.Round(f * 100)), true
}
