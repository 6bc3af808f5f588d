package volunteering

import (
	"context"
	"database/sql"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"implique/internal/db"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// Weights of the factors of a match. They add up to 100, so a score reads
// as a percentage of a perfect fit.
const (
	WeightDistance  = 30
	WeightTime      = 25
	WeightInterests = 20
	WeightSkills    = 15
	WeightMobility  = 10
)

// DefaultReachKm is how far a person is assumed to go when they did not
// say: a short drive in a rural MRC. Farther opportunities score less, but
// are not left out.
const DefaultReachKm = 25

// Seeker is who looks for an opportunity: a saved profile, or the answers
// of the quick match.
type Seeker struct {
	PlaceID      int64
	Causes       Mask
	Skills       Mask
	Languages    Mask
	Availability Availability
	MaxKm        *int
	Mobility     Mobility
	AgeBand      string
	Student      bool
}

// Seeker is the profile as a seeker.
func (p Profile) Seeker() Seeker {
	return Seeker{PlaceID: p.PlaceID, Causes: p.Causes, Skills: p.Skills, Languages: p.Languages, Availability: p.Availability,
		MaxKm: p.MaxKm, Mobility: p.Mobility, AgeBand: p.AgeBand, Student: p.Student}
}

// Exclusion says why an opportunity cannot fit at all.
type Exclusion string

const (
	NotExcluded  Exclusion = ""
	TooFar       Exclusion = "too_far"
	CarNeeded    Exclusion = "car"
	TooYoung     Exclusion = "too_young"
	TooOld       Exclusion = "too_old"
	ForStudents  Exclusion = "students"
	ForTeams     Exclusion = "teams"
	NoLongerOpen Exclusion = "closed"
)

// Time facts of a fit.
const (
	timeUnknown    = "unknown"    // the person gave no availability
	timeMatch      = "match"      // within their availability
	timePartial    = "partial"    // partly within it
	timeOutside    = "outside"    // outside it
	timeOccasional = "occasional" // a one-off date, and they help « ponctuellement »
	timeFlexible   = "flexible"   // whenever suits them
)

// Fit is how well an opportunity fits a seeker: the score, each factor's
// points, and the facts that explain them in words.
type Fit struct {
	Score    int
	Excluded Exclusion
	// Points of each factor (out of its weight).
	Distance, Time, Interests, Skills, Mobility int
	// Penalty taken off for the cautions (age, language).
	Penalty int

	Remote    bool
	NoPlace   bool // the seeker did not say where they live
	SamePlace bool
	SameCity  bool   // same ville, positions not confirmed
	KM        int    // distance, when KMKnown
	KMKnown   bool   //
	Unplaced  string // a place without a confirmed position
	PlaceName string // the opportunity's place

	TimeFact string
	When     Availability // the slots that fit (or the opportunity's)
	StartsAt *time.Time

	MatchedSkills Mask
	MatchedCauses Mask
	MissingSkills Mask

	NeedsCarUnknown bool // a car is needed and the seeker did not say
	RideNeeded      bool // the seeker needs a ride and none is offered
	RideOffered     bool // a ride is offered, and the seeker may need one
	NoCarKM         int  // no car and this far

	MinAge, MaxAge  int  // age limits to check (0: none)
	LanguageMissing Mask // languages asked that the seeker did not name
	Student         bool // a school project for a student
}

// geo knows the territory's places and the distance between them.
type geo struct {
	places map[int64]*geoPlace
	// hops caches the distances from a place to every other.
	hops map[int64]map[int64]hop
}

type geoPlace struct {
	id, root   int64
	slug, name string
	lat, lon   float64
	hasPos     bool
}

// hop is the way from one place to another, as scoring needs it.
type hop struct {
	km       float64
	known    bool   // both positions confirmed
	sameCity bool   // the same ville, or secteurs of it
	unplaced string // a place whose position nobody confirmed
	name     string // the place reached
}

func newGeo(places []territory.Place) geo {
	g := geo{places: make(map[int64]*geoPlace, len(places)), hops: map[int64]map[int64]hop{}}
	for _, p := range places {
		gp := &geoPlace{id: p.ID, root: p.ID, slug: p.Slug, name: p.Name, hasPos: p.HasPosition()}
		if p.ParentID != nil {
			gp.root = *p.ParentID
		}
		if gp.hasPos {
			gp.lat, gp.lon = *p.Lat, *p.Lon
		}
		g.places[p.ID] = gp
	}
	return g
}

// km is the great-circle distance between two places, when both
// positions are known.
func (g geo) km(a, b int64) (float64, bool) {
	pa, pb := g.places[a], g.places[b]
	if pa == nil || pb == nil || !pa.hasPos || !pb.hasPos {
		return 0, false
	}
	return Haversine(pa.lat, pa.lon, pb.lat, pb.lon), true
}

// sameCity reports whether a and b are the same ville or secteurs of it.
func (g geo) sameCity(a, b int64) bool {
	pa, pb := g.places[a], g.places[b]
	return pa != nil && pb != nil && pa.root == pb.root
}

// from returns the ways from a place to every place (computed once).
func (g geo) from(id int64) map[int64]hop {
	if h, ok := g.hops[id]; ok {
		return h
	}
	h := make(map[int64]hop, len(g.places))
	src := g.places[id]
	for to, p := range g.places {
		x := hop{name: p.name, sameCity: g.sameCity(id, to)}
		x.km, x.known = g.km(id, to)
		if !x.known {
			switch {
			case src != nil && !src.hasPos:
				x.unplaced = src.name
			case !p.hasPos:
				x.unplaced = p.name
			}
		}
		h[to] = x
	}
	g.hops[id] = h
	return h
}

// Haversine is the distance in kilometres between two positions.
func Haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

// candidate is what matching reads of an opportunity.
type candidate struct {
	id          int64
	placeID     int64
	remote      bool
	kind        Kind
	schedule    Schedule
	startsAt    *time.Time
	slots       Availability
	causes      Mask
	skills      Mask
	languages   Mask
	minAge      int
	maxAge      int
	carRequired bool
	rideOffered bool
}

func (o Opportunity) candidate() candidate {
	c := candidate{id: o.ID, placeID: o.PlaceID, remote: o.Remote, kind: o.Kind, schedule: o.Schedule, startsAt: o.StartsAt,
		slots: o.Slots, causes: o.Causes, skills: o.Skills, languages: o.Languages, carRequired: o.CarRequired,
		rideOffered: o.RideOffered}
	if o.MinAge != nil {
		c.minAge = *o.MinAge
	}
	if o.MaxAge != nil {
		c.maxAge = *o.MaxAge
	}
	return c
}

// Score says how well an opportunity fits a seeker, on the territory's
// places. It reads nothing: the same arguments always give the same fit.
func Score(sk Seeker, o Opportunity, places []territory.Place) Fit {
	return score(prepare(sk, newGeo(places)), o.candidate())
}

// prepared is a seeker ready to score many opportunities: what does not
// depend on the opportunity is worked out once.
type prepared struct {
	sk         Seeker
	band       AgeBand
	hasBand    bool
	reach      float64
	slots      Availability
	occasional bool
	hops       map[int64]hop // from the seeker's place
	names      map[int64]*geoPlace
}

func prepare(sk Seeker, g geo) *prepared {
	p := &prepared{sk: sk, reach: DefaultReachKm, slots: sk.Availability.Slots(), occasional: sk.Availability&Occasional != 0,
		names: g.places}
	p.band, p.hasBand = Band(sk.AgeBand)
	if sk.MaxKm != nil {
		p.reach = float64(*sk.MaxKm)
	}
	if sk.PlaceID != 0 {
		p.hops = g.from(sk.PlaceID)
	}
	return p
}

// exclude keeps the first reason to leave an opportunity out.
func (f *Fit) exclude(e Exclusion) {
	if f.Excluded == NotExcluded {
		f.Excluded = e
	}
}

// score says how well an opportunity fits a prepared seeker: each factor's
// points and the facts that explain them, the first reason to leave it out,
// and the total.
func score(p *prepared, c candidate) Fit {
	return scoreAt(p, c, p.hops[c.placeID], p.names[c.placeID])
}

// scoreAt is score with the way to the opportunity's place and the place
// already looked up (pl nil: none).
func scoreAt(p *prepared, c candidate, h hop, pl *geoPlace) Fit {
	f := Fit{StartsAt: c.startsAt}
	if pl != nil {
		f.PlaceName = pl.name
	}
	f.forWhom(p, c)
	km := f.distance(p, c, h)
	f.timing(p, c)
	f.interests(&p.sk, c)
	f.skills(&p.sk, c)
	f.travel(&p.sk, c, km)
	f.languages(&p.sk, c)
	f.Score = max(0, f.Distance+f.Time+f.Interests+f.Skills+f.Mobility-f.Penalty)
	return f
}

// forWhom: teams' opportunities are not for a person, school projects not
// for adults (25 and over) who are not students; an age band outside the
// limits leaves it out, a band that straddles them costs 5 points, and a
// seeker without a band is told the limits.
func (f *Fit) forWhom(p *prepared, c candidate) {
	band, hasBand := p.band, p.hasBand
	if c.kind.Corporate() {
		f.exclude(ForTeams)
	}
	if c.kind == SchoolProject {
		f.Student = p.sk.Student
		if !p.sk.Student && hasBand && band.Min >= 25 {
			f.exclude(ForStudents)
		}
	}
	if c.minAge > 0 {
		switch {
		case hasBand && band.Max < c.minAge:
			f.exclude(TooYoung)
		case !hasBand || band.Min < c.minAge:
			f.MinAge = c.minAge
		}
	}
	if c.maxAge > 0 {
		switch {
		case hasBand && band.Min > c.maxAge:
			f.exclude(TooOld)
		case !hasBand || band.Max > c.maxAge:
			f.MaxAge = c.maxAge
		}
	}
	if hasBand && (f.MinAge > 0 || f.MaxAge > 0) {
		f.Penalty += 5
	}
}

// distance: remote or the same place is worth every point, no place said
// half; a known distance loses points linearly to none at twice the reach
// (full within 2 km) and is left out beyond the distance the seeker gave;
// an unknown one is worth two thirds in the same ville, a third elsewhere
// (left out for who goes 0 km). It returns the distance (-1: unknown).
func (f *Fit) distance(p *prepared, c candidate, h hop) float64 {
	sk := &p.sk
	switch {
	case c.remote:
		f.Remote, f.Distance = true, WeightDistance
	case sk.PlaceID == 0:
		f.NoPlace, f.Distance = true, WeightDistance/2
	case sk.PlaceID == c.placeID:
		f.SamePlace, f.Distance = true, WeightDistance
		return 0
	default:
		if h.known {
			d := h.km
			f.KM, f.KMKnown = max(1, int(math.Round(d))), true
			switch {
			case sk.MaxKm != nil && d > p.reach+0.5:
				f.exclude(TooFar)
			case d <= 2:
				f.Distance = WeightDistance
			default:
				f.Distance = int(math.Round(WeightDistance * math.Max(0, 1-d/(2*math.Max(p.reach, 1)))))
			}
			return d
		}
		f.Unplaced = h.unplaced
		if h.sameCity {
			f.SameCity, f.Distance = true, WeightDistance*2/3
		} else {
			f.Distance = WeightDistance / 3
			if sk.MaxKm != nil && *sk.MaxKm == 0 {
				f.exclude(TooFar)
			}
		}
	}
	return -1
}

// timing: whenever suits them is worth 4/5; a one-off date within their
// slots every point, 22/25 for who helps « ponctuellement », half when
// they gave no slots, 1/6 outside; recurring slots every point when all
// fit, 10 and a share of the rest when some do, none outside.
func (f *Fit) timing(p *prepared, c candidate) {
	f.TimeFact, f.Time, f.When = timeFit(p, &c)
}

// timeFit is the time factor of timing: the fact, the points, and the
// slots that fit (or the opportunity's).
func timeFit(p *prepared, c *candidate) (fact string, points int, when Availability) {
	slots, occasional := p.slots, p.occasional
	switch c.schedule {
	case Flexible:
		return timeFlexible, WeightTime * 4 / 5, 0
	case OneOff:
		switch {
		case slots&c.slots != 0:
			return timeMatch, WeightTime, c.slots
		case occasional:
			return timeOccasional, WeightTime * 22 / 25, c.slots
		case slots == 0:
			return timeUnknown, WeightTime / 2, c.slots
		}
		return timeOutside, WeightTime / 6, c.slots
	}
	overlap := slots & c.slots
	switch {
	case slots == 0 && !occasional:
		return timeUnknown, WeightTime / 2, c.slots
	case overlap != 0 && overlap == c.slots:
		return timeMatch, WeightTime, overlap
	case overlap != 0:
		return timePartial, 10 + (WeightTime-10)*overlap.SlotCount()/max(1, c.slots.SlotCount()), overlap
	}
	return timeOutside, 0, c.slots
}

// interests: two shared causes (or all the opportunity's) are worth every
// point, one 3/4, none nothing; 2/5 when either side named none.
func (f *Fit) interests(sk *Seeker, c candidate) {
	f.MatchedCauses, f.Interests = interestFit(sk.Causes, c.causes)
}

// interestFit is the interests factor: the causes shared and the points.
func interestFit(seeker, opp Mask) (matched Mask, points int) {
	matched = seeker & opp
	switch n := matched.Count(); {
	case seeker == 0 || opp == 0:
		points = WeightInterests * 2 / 5
	case n >= 2 || n == opp.Count():
		points = WeightInterests
	case n == 1:
		points = WeightInterests * 3 / 4
	}
	return matched, points
}

// skills: the share of the skills asked that the seeker has; 2/3 when none
// are asked, 2/5 when the seeker named none.
func (f *Fit) skills(sk *Seeker, c candidate) {
	f.MatchedSkills, f.MissingSkills, f.Skills = skillFit(sk.Skills, c.skills)
}

// skillFit is the skills factor: the skills the seeker has and lacks of
// those asked, and the points.
func skillFit(seeker, opp Mask) (matched, missing Mask, points int) {
	matched = seeker & opp
	switch {
	case opp == 0:
		return matched, 0, WeightSkills * 2 / 3
	case seeker == 0:
		return matched, 0, WeightSkills * 2 / 5
	}
	return matched, opp &^ seeker, WeightSkills * matched.Count() / opp.Count()
}

// travel: a car required leaves out who has none (half the points when
// they did not say); remote, a car, the same place or a ride offered are
// worth every point; no answer 7/10; needing a ride 1/5; without a car,
// 4/5 within 3 km and 2/5 farther.
func (f *Fit) travel(sk *Seeker, c candidate, km float64) {
	f.RideOffered = c.rideOffered && sk.Mobility != HasCar
	switch {
	case c.carRequired && (sk.Mobility == NoCar || sk.Mobility == NeedsRide):
		f.exclude(CarNeeded)
	case c.carRequired && sk.Mobility == MobilityUnknown:
		f.NeedsCarUnknown, f.Mobility = true, WeightMobility/2
	case c.remote || sk.Mobility == HasCar:
		f.Mobility = WeightMobility
	case sk.Mobility == MobilityUnknown:
		f.Mobility = WeightMobility * 7 / 10
	case f.SamePlace || c.rideOffered:
		f.Mobility = WeightMobility
	case sk.Mobility == NeedsRide:
		f.RideNeeded, f.Mobility = true, WeightMobility/5
	case km >= 0 && km <= 3:
		f.Mobility = WeightMobility * 4 / 5
	default: // no car, some way off
		f.Mobility = WeightMobility * 2 / 5
		if f.KMKnown {
			f.NoCarKM = f.KM
		} else {
			f.RideNeeded = true
		}
	}
}

// languages: none of the languages asked spoken costs 10 points. French
// is assumed when the seeker named none.
func (f *Fit) languages(sk *Seeker, c candidate) {
	if c.languages == 0 {
		return
	}
	speaks := sk.Languages
	if speaks == 0 {
		speaks = 1 // fr
	}
	if c.languages&speaks == 0 {
		f.LanguageMissing = c.languages
		f.Penalty += 10
	}
}

// better orders fits: the higher score first, then the sooner date, then
// the older opportunity (a stable tie-break: the same list every time).
func better(a *Fit, aID int64, b *Fit, bID int64) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	switch {
	case a.StartsAt != nil && b.StartsAt != nil && !a.StartsAt.Equal(*b.StartsAt):
		return a.StartsAt.Before(*b.StartsAt)
	case a.StartsAt != nil && b.StartsAt == nil:
		return true
	case a.StartsAt == nil && b.StartsAt != nil:
		return false
	}
	return aID < bID
}

// Match is an opportunity with how it fits, in words.
type Match struct {
	Opportunity Opportunity
	Fit         Fit
	Explanation Explanation
}

// ranked is a fit being ranked.
type ranked struct {
	id  int64
	fit Fit
}

// top keeps the best n fits, best first.
type top struct {
	n    int
	list []ranked
}

func (t *top) offer(id int64, f *Fit) {
	if len(t.list) == t.n {
		last := &t.list[len(t.list)-1]
		if f.Score < last.fit.Score || !better(f, id, &last.fit, last.id) {
			return
		}
		t.list = t.list[:len(t.list)-1]
	}
	i := sort.Search(len(t.list), func(i int) bool { return better(f, id, &t.list[i].fit, t.list[i].id) })
	t.list = append(t.list, ranked{})
	copy(t.list[i+1:], t.list[i:])
	t.list[i] = ranked{id: id, fit: *f}
	if f.StartsAt != nil { // the caller's variable: keep a copy
		start := *f.StartsAt
		t.list[i].fit.StartsAt = &start
	}
}

// reachable returns the places a seeker may be offered (nil: all), given
// how far they will travel: a place too far by a known distance is left
// out in SQL already.
func reachable(sk Seeker, g geo) []int64 {
	if sk.PlaceID == 0 || sk.MaxKm == nil {
		return nil
	}
	var out []int64
	all := true
	for id := range g.places {
		d, ok := g.km(sk.PlaceID, id)
		if ok && id != sk.PlaceID && (d > float64(*sk.MaxKm)+0.5 || *sk.MaxKm == 0 && !g.sameCity(sk.PlaceID, id)) {
			all = false
			continue
		}
		if !ok && id != sk.PlaceID && *sk.MaxKm == 0 && !g.sameCity(sk.PlaceID, id) {
			all = false
			continue
		}
		out = append(out, id)
	}
	if all {
		return nil
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// candidateQuery is the SQL pre-filter of matching: open, not past, for
// individuals, within the age limits and the places the seeker can reach.
func (s *Store) candidateQuery(territoryID int64, sk Seeker, g geo, publishedAfter *time.Time) (string, []any) {
	q := `SELECT id, COALESCE(place_id, 0), match_a, match_b FROM volunteer_opportunities WHERE territory_id = ? AND status = ? AND (ends_at IS NULL OR ends_at >= ?)
		AND kind NOT IN (?, ?)`
	args := []any{territoryID, StatusOpen, s.now(), string(CorporateOffer), string(CorporateRequest)}
	if b, ok := Band(sk.AgeBand); ok {
		q += ` AND (min_age IS NULL OR min_age <= ?) AND (max_age IS NULL OR max_age >= ?)`
		args = append(args, b.Max, b.Min)
	}
	if ids := reachable(sk, g); ids != nil {
		q += ` AND (remote = ?`
		args = append(args, true)
		if len(ids) > 0 {
			q += ` OR place_id IN (` + db.Marks(len(ids)) + `)`
			for _, id := range ids {
				args = append(args, id)
			}
		}
		q += `)`
	}
	if publishedAfter != nil {
		q += ` AND published_at > ?`
		args = append(args, *publishedAfter)
	}
	return q, args
}

func scanCandidate(rows *sql.Rows, c *candidate, at *time.Time) error {
	var id, placeID, a, b int64
	if err := rows.Scan(&id, &placeID, &a, &b); err != nil {
		return err
	}
	unpackMatch(id, placeID, a, b, c, at)
	return nil
}

// Matches returns the best opportunities for a seeker, best first, each
// explained in lang. Opportunities that cannot fit (too far, a car needed,
// the age) are left out.
func (s *Store) Matches(ctx context.Context, territoryID int64, sk Seeker, lang string, limit int) ([]Match, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	places, err := s.territories.Places(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	g := newGeo(places)
	best, err := s.rankOpen(ctx, territoryID, sk, g, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(best))
	fits := make(map[int64]Fit, len(best))
	for i, r := range best {
		ids[i] = r.id
		fits[r.id] = r.fit
	}
	opps, err := s.opportunitiesByID(ctx, territoryID, ids)
	if err != nil {
		return nil, err
	}
	loc := t.Location()
	out := make([]Match, 0, len(opps))
	for _, o := range opps {
		f := fits[o.ID]
		out = append(out, Match{Opportunity: o, Fit: f, Explanation: s.Explain(lang, loc, f)})
	}
	return out, nil
}

// rankScan scores the candidates read from the database and keeps the
// best: what rankOpen does from memory, kept to prove they agree.
func (s *Store) rankScan(ctx context.Context, territoryID int64, sk Seeker, g geo, limit int) ([]ranked, error) {
	if limit <= 0 {
		limit = 20
	}
	q, args := s.candidateQuery(territoryID, sk, g, nil)
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	best := top{n: limit, list: make([]ranked, 0, limit+1)}
	p := prepare(sk, g)
	var c candidate
	var at time.Time
	for rows.Next() {
		if err := scanCandidate(rows, &c, &at); err != nil {
			return nil, err
		}
		f := score(p, c)
		if f.Excluded != NotExcluded {
			continue
		}
		best.offer(c.id, &f)
	}
	return best.list, rows.Err()
}

// FitOf says how one opportunity fits a seeker, explained in lang.
func (s *Store) FitOf(ctx context.Context, territoryID int64, sk Seeker, o Opportunity, lang string) (Fit, Explanation, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return Fit{}, Explanation{}, err
	}
	places, err := s.territories.Places(ctx, territoryID)
	if err != nil {
		return Fit{}, Explanation{}, err
	}
	f := score(prepare(sk, newGeo(places)), o.candidate())
	if !o.Open(s.now()) {
		f.Excluded = NoLongerOpen
	}
	return f, s.Explain(lang, t.Location(), f), nil
}

// Explanation is a fit in words: one line of why it fits (« à 8 km, le
// samedi matin, correspond à : cuisine, aînés »), what to know before
// saying yes, and the points of each factor.
type Explanation struct {
	Why      string
	Cautions []string
	Excluded string
	Factors  []FactorLine
}

// FactorLine is one factor of the score, for the details.
type FactorLine struct {
	Name   string
	Points int
	Max    int
}

// Explain puts a fit in words, in lang; times in loc.
func (s *Store) Explain(lang string, loc *time.Location, f Fit) Explanation {
	T := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	var why []string
	switch {
	case f.Remote:
		why = append(why, T("volunteer.why.remote"))
	case f.NoPlace:
	case f.SamePlace:
		why = append(why, T("volunteer.why.same_place", f.PlaceName))
	case f.KMKnown:
		why = append(why, T("volunteer.why.km", f.KM))
	case f.SameCity:
		why = append(why, T("volunteer.why.same_city"))
	case f.Unplaced != "":
		why = append(why, T("volunteer.why.unknown_distance", f.Unplaced))
	}
	switch f.TimeFact {
	case timeFlexible:
		why = append(why, T("volunteer.why.flexible"))
	case timeMatch, timePartial, timeUnknown:
		if f.StartsAt != nil {
			why = append(why, s.when(lang, f.StartsAt.In(loc)))
		} else if f.When != 0 {
			why = append(why, s.SlotsPhrase(lang, f.When))
		}
	case timeOccasional:
		why = append(why, T("volunteer.why.occasional", s.when(lang, f.StartsAt.In(loc))))
	}
	var matched []string
	for _, c := range f.MatchedSkills.Codes(Skills) {
		matched = append(matched, T("volunteer.skill."+c))
	}
	for _, c := range f.MatchedCauses.Codes(Causes) {
		matched = append(matched, lowerFirst(T("org.cause."+c)))
	}
	if len(matched) > 0 {
		why = append(why, T("volunteer.why.matches", strings.Join(matched, ", ")))
	}
	if f.Student {
		why = append(why, T("volunteer.why.school"))
	}
	if f.RideOffered && f.Mobility == WeightMobility && !f.Remote && !f.SamePlace {
		why = append(why, T("volunteer.why.ride_offered"))
	}
	e := Explanation{Why: strings.Join(why, ", ")}
	if f.TimeFact == timeOutside {
		if f.StartsAt != nil {
			e.Cautions = append(e.Cautions, T("volunteer.caution.outside_date", s.when(lang, f.StartsAt.In(loc))))
		} else {
			e.Cautions = append(e.Cautions, T("volunteer.caution.outside", s.SlotsPhrase(lang, f.When)))
		}
	}
	if f.NeedsCarUnknown {
		e.Cautions = append(e.Cautions, T("volunteer.caution.car"))
	}
	if f.RideNeeded {
		e.Cautions = append(e.Cautions, T("volunteer.caution.ride"))
	}
	if f.NoCarKM > 0 {
		e.Cautions = append(e.Cautions, T("volunteer.caution.no_car_km", f.NoCarKM))
	}
	if f.MinAge > 0 {
		e.Cautions = append(e.Cautions, T("volunteer.caution.min_age", f.MinAge))
	}
	if f.MaxAge > 0 {
		e.Cautions = append(e.Cautions, T("volunteer.caution.max_age", f.MaxAge))
	}
	if f.LanguageMissing != 0 {
		var names []string
		for _, c := range f.LanguageMissing.Codes(Languages) {
			names = append(names, T("volunteer.language."+c))
		}
		e.Cautions = append(e.Cautions, T("volunteer.caution.language", strings.Join(names, ", ")))
	}
	if f.MissingSkills != 0 && f.MatchedSkills == 0 {
		var names []string
		for _, c := range f.MissingSkills.Codes(Skills) {
			names = append(names, T("volunteer.skill."+c))
		}
		e.Cautions = append(e.Cautions, T("volunteer.caution.skills", strings.Join(names, ", ")))
	}
	if f.Excluded != NotExcluded {
		e.Excluded = T("volunteer.excluded." + string(f.Excluded))
	}
	e.Factors = []FactorLine{
		{T("volunteer.factor.distance"), f.Distance, WeightDistance},
		{T("volunteer.factor.time"), f.Time, WeightTime},
		{T("volunteer.factor.interests"), f.Interests, WeightInterests},
		{T("volunteer.factor.skills"), f.Skills, WeightSkills},
		{T("volunteer.factor.mobility"), f.Mobility, WeightMobility},
	}
	return e
}

// when names a one-off date: « le samedi 12 juin à 9 h ».
func (s *Store) when(lang string, t time.Time) string {
	day := strconv.Itoa(t.Day())
	if lang != "en" && t.Day() == 1 {
		day = "1er"
	}
	date := s.cat.T(lang, "volunteer.when.date", i18n.Weekday(lang, t), day, i18n.Month(lang, t.Month()))
	if y := t.Year(); y != s.now().Year() {
		date += " " + strconv.Itoa(y)
	}
	return s.cat.T(lang, "volunteer.when.at", date, i18n.Time(lang, t))
}

// SlotsPhrase names a set of slots: « le samedi matin », « le mardi et le
// jeudi soir », « en semaine, le matin et l’après-midi ».
func (s *Store) SlotsPhrase(lang string, a Availability) string {
	T := func(k string, args ...any) string { return s.cat.T(lang, k, args...) }
	type group struct {
		days  uint8 // bit per index in Days
		parts []Part
	}
	var groups []group
	for _, p := range Parts {
		var days uint8
		for i, d := range Days {
			if a.Has(d, p) {
				days |= 1 << i
			}
		}
		if days == 0 {
			continue
		}
		found := false
		for i := range groups {
			if groups[i].days == days {
				groups[i].parts = append(groups[i].parts, p)
				found = true
			}
		}
		if !found {
			groups = append(groups, group{days: days, parts: []Part{p}})
		}
	}
	var out []string
	for _, g := range groups {
		var dayset string
		article := false
		switch g.days {
		case 0b0011111:
			dayset, article = T("volunteer.when.weekdays"), true
		case 0b1100000:
			dayset, article = T("volunteer.when.weekend"), true
		case 0b1111111:
			dayset, article = T("volunteer.when.every_day"), true
		default:
			var names []string
			for i, d := range Days {
				if g.days&(1<<i) != 0 {
					names = append(names, T("volunteer.when.day", T("volunteer.day."+strconv.Itoa(int(d)))))
				}
			}
			dayset = joinAnd(lang, names, T)
		}
		var parts []string
		for _, p := range g.parts {
			if article {
				parts = append(parts, T("volunteer.part_the."+p.Code()))
			} else {
				parts = append(parts, T("volunteer.part."+p.Code()))
			}
		}
		if article {
			out = append(out, T("volunteer.when.set_parts", dayset, joinAnd(lang, parts, T)))
		} else {
			out = append(out, T("volunteer.when.days_parts", dayset, joinAnd(lang, parts, T)))
		}
	}
	return joinAnd(lang, out, T)
}

// joinAnd joins « a, b et c ».
func joinAnd(lang string, items []string, T func(string, ...any) string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + T("volunteer.when.and") + items[len(items)-1]
}

// lowerFirst puts a name in the middle of a sentence: « Aînés » → « aînés ».
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// Matching reads two packed integers per opportunity instead of a dozen
// columns: on SQLite a row costs per column fetched, and 50 000 rows must
// stay quick. The store packs them on every write; the readable columns
// stay the truth for everything else.
//
//	match_a: slots (bits 0–21) | causes << 22 | skills << 37 | languages << 55
//	match_b: kind (3 bits) | schedule << 3 | remote << 5 | car << 6 | ride << 7 |
//	         min age << 8 | max age << 15 | start, in minutes since 1970 UTC, << 22

// kindCodes and scheduleCodes are the stored codes of the packed key
// (append only).
var (
	kindCodes     = map[Kind]int64{Task: 1, BoardSeat: 2, SchoolProject: 3, CorporateRequest: 4, CorporateOffer: 5}
	scheduleCodes = map[Schedule]int64{OneOff: 1, Recurring: 2, Flexible: 3}
	// The same, by code, for reading.
	kindOfCode     = [8]Kind{1: Task, 2: BoardSeat, 3: SchoolProject, 4: CorporateRequest, 5: CorporateOffer}
	scheduleOfCode = [4]Schedule{1: OneOff, 2: Recurring, 3: Flexible}
)

func b2i(v bool) int64 {
	if v {
		return 1
	}
	return 0
}

// packMatch packs what scoring reads of an opportunity.
func packMatch(c candidate) (a, b int64) {
	a = int64(c.slots.Slots()) | int64(c.causes)<<22 | int64(c.skills)<<37 | int64(c.languages&0xf)<<55
	b = kindCodes[c.kind] | scheduleCodes[c.schedule]<<3 | b2i(c.remote)<<5 | b2i(c.carRequired)<<6 | b2i(c.rideOffered)<<7 |
		int64(c.minAge&0x7f)<<8 | int64(c.maxAge&0x7f)<<15
	if c.startsAt != nil {
		b |= c.startsAt.Unix() / 60 << 22
	}
	return a, b
}

// unpackMatch is packMatch undone; the start is written in at.
func unpackMatch(id, placeID, a, b int64, c *candidate, at *time.Time) {
	c.id, c.placeID = id, placeID
	c.slots = Availability(a & 0x3fffff)
	c.causes = Mask(a >> 22 & 0x7fff)
	c.skills = Mask(a >> 37 & 0x3ffff)
	c.languages = Mask(a >> 55 & 0xf)
	c.kind, c.schedule = kindOfCode[b&7], scheduleOfCode[b>>3&3]
	c.remote, c.carRequired, c.rideOffered = b>>5&1 == 1, b>>6&1 == 1, b>>7&1 == 1
	c.minAge, c.maxAge = int(b>>8&0x7f), int(b>>15&0x7f)
	c.startsAt = nil
	if m := b >> 22; m != 0 {
		*at = time.Unix(m*60, 0).UTC()
		c.startsAt = at
	}
}
