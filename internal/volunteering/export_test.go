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
