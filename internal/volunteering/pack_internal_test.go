package volunteering

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func TestPackMatchRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	kinds := []Kind{Task, BoardSeat, SchoolProject, CorporateRequest, CorporateOffer}
	schedules := []Schedule{OneOff, Recurring, Flexible}
	for i := range 2000 {
		c := candidate{id: int64(i + 1), placeID: int64(r.IntN(30)), kind: kinds[r.IntN(len(kinds))], schedule: schedules[r.IntN(3)],
			remote: r.IntN(2) == 0, slots: Availability(r.Uint32()) & allSlots, causes: Mask(r.Uint32()) & (1<<len(Causes) - 1),
			skills: Mask(r.Uint32()) & (1<<len(Skills) - 1), languages: Mask(r.Uint32()) & (1<<len(Languages) - 1),
			minAge: r.IntN(121), maxAge: r.IntN(121), carRequired: r.IntN(2) == 0, rideOffered: r.IntN(2) == 0}
		if r.IntN(2) == 0 {
			s := time.Date(2026+r.IntN(60), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), 0, 0, time.UTC)
			c.startsAt = &s
		}
		a, b := packMatch(c)
		if a < 0 || b < 0 {
			t.Fatalf("negative key for %+v", c)
		}
		var got candidate
		var at time.Time
		unpackMatch(c.id, c.placeID, a, b, &got, &at)
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("round trip\n got %+v\nwant %+v", got, c)
		}
	}
}

// BenchmarkScorePrepared is scoring as matching does it: the seeker
// prepared once, one opportunity at a time.
func BenchmarkScorePrepared(b *testing.B) {
	lat, lon := 46.4, -72.3
	g := geo{places: map[int64]*geoPlace{1: {id: 1, root: 1, name: "A", lat: lat, lon: lon, hasPos: true},
		2: {id: 2, root: 2, name: "B", lat: lat + 0.1, lon: lon + 0.1, hasPos: true}}, hops: map[int64]map[int64]hop{}}
	km := 25
	p := prepare(Seeker{PlaceID: 1, Causes: 3, Skills: 1, Availability: Weekdays(Morning), MaxKm: &km, Mobility: HasCar, AgeBand: "65_74"}, g)
	c := candidate{id: 9, placeID: 2, kind: Task, schedule: Recurring, slots: Slot(time.Tuesday, Morning), causes: 1, skills: 1}
	b.ReportAllocs()
	for b.Loop() {
		if f := score(p, c); f.Score == 0 {
			b.Fatal("no score")
		}
	}
}
