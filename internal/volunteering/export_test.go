package volunteering

import (
	"context"
	"time"
)

func contextBackground() context.Context { return context.Background() }

// PackForTest packs what matching reads, for benchmarks that write rows
// straight into the table.
func PackForTest(kind Kind, schedule Schedule, remote bool, slots Availability, causes, skills, languages Mask, minAge, maxAge int,
	car, ride bool, start *time.Time) (int64, int64) {
	return packMatch(candidate{kind: kind, schedule: schedule, remote: remote, slots: slots, causes: causes, skills: skills,
		languages: languages, minAge: minAge, maxAge: maxAge, carRequired: car, rideOffered: ride, startsAt: start})
}

// PackedForTest is what the packed key of o should hold.
func (o Opportunity) PackedForTest() (int64, int64) { return packMatch(o.candidate()) }

// StoredPackForTest reads the packed key an opportunity's row holds.
func (s *Store) StoredPackForTest(id int64) (a, b int64, err error) {
	err = s.db.QueryRow(contextBackground(), `SELECT match_a, match_b FROM volunteer_opportunities WHERE id = ?`, id).Scan(&a, &b)
	return a, b, err
}

// RankedForTest is one opportunity of a ranking and its fit.
type RankedForTest struct {
	ID  int64
	Fit Fit
}

// RankBothForTest ranks the territory's opportunities for sk twice: from
// the open set in memory, and from a plain scan of the table.
func (s *Store) RankBothForTest(ctx context.Context, territoryID int64, sk Seeker, limit int) (fast, plain []RankedForTest, err error) {
	places, err := s.territories.Places(ctx, territoryID)
	if err != nil {
		return nil, nil, err
	}
	conv := func(rs []ranked) []RankedForTest {
		out := make([]RankedForTest, len(rs))
		for i, r := range rs {
			out[i] = RankedForTest{ID: r.id, Fit: r.fit}
		}
		return out
	}
	f, err := s.rankOpen(ctx, territoryID, sk, newGeo(places), limit)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.rankScan(ctx, territoryID, sk, newGeo(places), limit)
	return conv(f), conv(p), err
}

// OpenSetLoadsForTest is how many times the store read a territory's open
// opportunities from the database.
func (s *Store) OpenSetLoadsForTest() int64 { return s.open.loads.Load() }
