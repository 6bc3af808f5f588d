package volunteering

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"implique/internal/db"
)

// Matching ranks every open opportunity of a territory for each person who
// asks. Reading 50 000 rows from the database each time costs tens of
// milliseconds, so each instance keeps a compact copy of what matching
// reads — the open set — per territory, and scores from memory.
//
// The copy is only as good as its version: volunteer_opportunity_versions
// holds a number per territory that triggers bump in the same transaction
// as every write that can change what matching reads (creation, edit,
// status, deletion, whoever writes). Each ranking reads that one row first
// and reloads the set when the number moved, so that several instances on
// one PostgreSQL see a write at once. What depends on the clock (a date
// past, a last day gone) is not in the version: the set keeps the end of
// each opportunity and the ranking filters on it with the time of the call.
//
// Memory: 40 bytes per open opportunity (2 MB for 50 000); the set of a
// territory nobody asked about for openSetIdle is dropped.

// openSetIdle is how long the open set of a territory nobody asks about
// stays in memory.
const openSetIdle = 10 * time.Minute

// openRow is what matching reads of an open opportunity, in 40 bytes.
type openRow struct {
	id int64
	// a and b are the packed key (see packMatch).
	a, b int64
	// ends is when the date or the last day passes, in nanoseconds since
	// 1970 (no end: math.MaxInt64).
	ends int64
	// place is the index of the place in openSet.places (0: none).
	place int32
	// minAge and maxAge are the stored limits, for the same pre-filter as
	// the SQL one (none: math.MinInt16 and math.MaxInt16).
	minAge, maxAge int16
}

// openSet is the open opportunities of a territory for individuals, as of
// a version. It never changes once built.
type openSet struct {
	version int64
	// places maps an index of openRow.place to the place's id (index 0:
	// no place).
	places []int64
	rows   []openRow
}

// openSets keeps the open set of each territory asked about.
type openSets struct {
	mu          sync.Mutex
	byTerritory map[int64]*openSetEntry
	loads       atomic.Int64 // how many sets were read, for tests
}

type openSetEntry struct {
	load sync.Mutex // one load at a time per territory
	set  *openSet   // guarded by load
	used time.Time  // guarded by openSets.mu
}

func newOpenSets() *openSets { return &openSets{byTerritory: map[int64]*openSetEntry{}} }

// entry returns the territory's entry, and drops the sets nobody asked
// about for a while.
func (o *openSets) entry(territoryID int64) *openSetEntry {
	now := time.Now()
	o.mu.Lock()
	defer o.mu.Unlock()
	for id, e := range o.byTerritory {
		if id != territoryID && now.Sub(e.used) > openSetIdle {
			delete(o.byTerritory, id)
		}
	}
	e := o.byTerritory[territoryID]
	if e == nil {
		e = &openSetEntry{}
		o.byTerritory[territoryID] = e
	}
	e.used = now
	return e
}

// opportunityVersion is the territory's version of its opportunities (0
// before the first write).
func (s *Store) opportunityVersion(ctx context.Context, territoryID int64) (int64, error) {
	var v int64
	err := s.db.QueryRow(ctx, `SELECT version FROM volunteer_opportunity_versions WHERE territory_id = ?`, territoryID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// openSet returns the territory's open set as the database holds it now.
func (s *Store) openSet(ctx context.Context, territoryID int64) (*openSet, error) {
	// The version is read before the rows: rows newer than their version
	// only cost a reload at the next call; the other way round would keep
	// old rows under a new version.
	v, err := s.opportunityVersion(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	e := s.open.entry(territoryID)
	e.load.Lock()
	defer e.load.Unlock()
	if e.set != nil && e.set.version == v {
		return e.set, nil
	}
	set, err := s.loadOpenSet(ctx, territoryID, v)
	if err != nil {
		return nil, err
	}
	e.set = set
	s.open.loads.Add(1)
	return set, nil
}

// loadOpenSet reads the territory's open opportunities for individuals.
func (s *Store) loadOpenSet(ctx context.Context, territoryID, version int64) (*openSet, error) {
	set := &openSet{version: version, places: []int64{0}}
	index := map[int64]int32{0: 0}
	var r openRow
	var placeID int64
	var ends *time.Time
	var minAge, maxAge sql.NullInt64
	err := db.Each(ctx, s.db, `SELECT id, COALESCE(place_id, 0), match_a, match_b, ends_at, min_age, max_age FROM volunteer_opportunities
		WHERE territory_id = ? AND status = ? AND kind NOT IN (?, ?)`,
		[]any{territoryID, StatusOpen, string(CorporateOffer), string(CorporateRequest)}, func(rows *sql.Rows) error {
			if err := rows.Scan(&r.id, &placeID, &r.a, &r.b, db.ScanNullTime(&ends), &minAge, &maxAge); err != nil {
				return err
			}
			i, ok := index[placeID]
			if !ok {
				i = int32(len(set.places))
				index[placeID] = i
				set.places = append(set.places, placeID)
			}
			r.place = i
			r.ends = math.MaxInt64
			if ends != nil {
				r.ends = nanos(*ends)
			}
			r.minAge, r.maxAge = math.MinInt16, math.MaxInt16
			if minAge.Valid {
				r.minAge = clampInt16(minAge.Int64)
			}
			if maxAge.Valid {
				r.maxAge = clampInt16(maxAge.Int64)
			}
			set.rows = append(set.rows, r)
			return nil
		})
	if err != nil {
		return nil, err
	}
	set.rows = set.rows[:len(set.rows):len(set.rows)]
	return set, nil
}

// nanos is t in nanoseconds since 1970, held to what an int64 holds (the
// years 1678 to 2262): the order with any time in between stays right.
func nanos(t time.Time) int64 {
	const maxSec = math.MaxInt64/int64(time.Second) - 1
	switch sec := t.Unix(); {
	case sec >= maxSec:
		return math.MaxInt64
	case sec <= -maxSec:
		return math.MinInt64
	}
	return t.UnixNano()
}

func clampInt16(v int64) int16 { return int16(max(math.MinInt16, min(math.MaxInt16, v))) }

// rankOpen scores the open set in memory with the same pre-filter as
// candidateQuery, and keeps the best (limit; 20 when not said).
func (s *Store) rankOpen(ctx context.Context, territoryID int64, sk Seeker, g geo, limit int) ([]ranked, error) {
	if limit <= 0 {
		limit = 20
	}
	set, err := s.openSet(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	now := nanos(s.now())
	band, hasBand := Band(sk.AgeBand)
	// allowed says, per place of the set, whether the seeker can reach it
	// (nil: every place).
	var allowed []bool
	if ids := reachable(sk, g); ids != nil {
		allowed = make([]bool, len(set.places))
		in := make(map[int64]bool, len(ids))
		for _, id := range ids {
			in[id] = true
		}
		for i, id := range set.places {
			allowed[i] = id != 0 && in[id]
		}
	}
	best := top{n: limit, list: make([]ranked, 0, limit+1)}
	p := prepare(sk, g)
	// The way to each place of the set, its name and its distance points,
	// worked out once.
	hops := make([]hop, len(set.places))
	names := make([]*geoPlace, len(set.places))
	near := make([]int, len(set.places))
	for i, id := range set.places {
		hops[i], names[i] = p.hops[id], p.names[id]
		var f Fit
		f.distance(p, candidate{placeID: id}, hops[i])
		near[i] = f.Distance
	}
	var c candidate
	var at time.Time
	for i := range set.rows {
		r := &set.rows[i]
		if r.ends < now {
			continue
		}
		if hasBand && (int(r.minAge) > band.Max || int(r.maxAge) < band.Min) {
			continue
		}
		if allowed != nil && !allowed[r.place] && r.b>>5&1 == 0 {
			continue
		}
		unpackMatch(r.id, set.places[r.place], r.a, r.b, &c, &at)
		if len(best.list) == limit && bound(p, &c, near[r.place]) < best.list[limit-1].fit.Score {
			continue // cannot make the list: not worth scoring in full
		}
		f := scoreAt(p, c, hops[r.place], names[r.place])
		if f.Excluded != NotExcluded {
			continue
		}
		best.offer(c.id, &f)
	}
	return best.list, nil
}

// bound is the most an opportunity can score, from the factors that are
// quick to work out (distance points near, the place's unless remote) and
// the most the others can give (mobility; no penalty).
func bound(p *prepared, c *candidate, near int) int {
	if c.remote {
		near = WeightDistance
	}
	_, t, _ := timeFit(p, c)
	_, i := interestFit(p.sk.Causes, c.causes)
	_, _, s := skillFit(p.sk.Skills, c.skills)
	return near + t + i + s + WeightMobility
}
