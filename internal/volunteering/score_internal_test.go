package volunteering

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The scoring rules, factor by factor, on a small map built here: A, B 10
// km east of A, E 1.5 km east, F 70 km; C a secteur of A and D elsewhere,
// both without a confirmed position.
func testGeo() geo {
	g := geo{places: map[int64]*geoPlace{}, hops: map[int64]map[int64]hop{}}
	for _, p := range []geoPlace{{id: 1, name: "A", lon: -72, hasPos: true}, {id: 2, name: "B", lon: -72.13, hasPos: true},
		{id: 5, name: "E", lon: -72.0195, hasPos: true}, {id: 6, name: "F", lon: -72.9, hasPos: true},
		{id: 3, root: 1, name: "C"}, {id: 4, name: "D"}} {
		p.lat = 46
		if p.root == 0 {
			p.root = p.id
		}
		g.places[p.id] = &p
	}
	return g
}

func km(n int) *int { return &n }

func mask(list []string, codes ...string) Mask {
	m, _ := MaskOf(list, codes)
	return m
}

func TestScoreDistance(t *testing.T) {
	g := testGeo()
	for _, c := range []struct {
		sk     Seeker
		c      candidate
		points int
		facts  string
		km     float64 // returned, rounded (-1: unknown)
	}{
		{Seeker{PlaceID: 1}, candidate{placeID: 6, remote: true}, 30, "remote", -1},
		{Seeker{}, candidate{placeID: 2}, 15, "no place", -1},
		{Seeker{PlaceID: 1}, candidate{placeID: 1}, 30, "same place", 0},
		{Seeker{PlaceID: 1}, candidate{placeID: 5}, 30, "2 km", 2},                              // within 2 km: every point
		{Seeker{PlaceID: 1}, candidate{placeID: 2}, 24, "10 km", 10},                            // 1 − 10/(2×25)
		{Seeker{PlaceID: 1, MaxKm: km(10)}, candidate{placeID: 2}, 15, "10 km", 10},             // 1 − 10/(2×10), 10.04 km is within 10
		{Seeker{PlaceID: 1, MaxKm: km(5)}, candidate{placeID: 2}, 0, "10 km too_far", 10},       // beyond what they said
		{Seeker{PlaceID: 1}, candidate{placeID: 6}, 0, "70 km", 70},                             // far, but not left out
		{Seeker{PlaceID: 1}, candidate{placeID: 3}, 20, "same city, C unplaced", -1},            // a secteur of A
		{Seeker{PlaceID: 1}, candidate{placeID: 4}, 10, "D unplaced", -1},                       // unknown distance
		{Seeker{PlaceID: 1, MaxKm: km(0)}, candidate{placeID: 4}, 10, "D unplaced too_far", -1}, // who goes nowhere
	} {
		var f Fit
		p := prepare(c.sk, g)
		d := f.distance(p, c.c, p.hops[c.c.placeID])
		var facts []string
		switch {
		case f.Remote:
			facts = append(facts, "remote")
		case f.NoPlace:
			facts = append(facts, "no place")
		case f.SamePlace:
			facts = append(facts, "same place")
		case f.KMKnown:
			facts = append(facts, fmt.Sprintf("%d km", f.KM))
		}
		if f.SameCity {
			facts = append(facts, "same city,")
		}
		if f.Unplaced != "" {
			facts = append(facts, f.Unplaced+" unplaced")
		}
		if f.Excluded != NotExcluded {
			facts = append(facts, string(f.Excluded))
		}
		got := fmt.Sprintf("%d %s %.0f", f.Distance, strings.Join(facts, " "), d)
		if want := fmt.Sprintf("%d %s %.0f", c.points, c.facts, c.km); got != want {
			t.Errorf("%+v to %d: %s, want %s", c.sk, c.c.placeID, got, want)
		}
	}
}

func TestScoreTiming(t *testing.T) {
	sat, tue, thu := Slot(time.Saturday, Morning), Slot(time.Tuesday, Morning), Slot(time.Thursday, Morning)
	for _, c := range []struct {
		schedule Schedule
		slots    Availability // the opportunity's
		free     Availability // the seeker's
		fact     string
		points   int
		when     Availability
	}{
		{Flexible, 0, sat, timeFlexible, 20, 0},
		{OneOff, sat, sat | tue, timeMatch, 25, sat},
		{OneOff, sat, Occasional, timeOccasional, 22, sat},
		{OneOff, sat, 0, timeUnknown, 12, sat},
		{OneOff, sat, tue, timeOutside, 4, sat},
		{Recurring, tue | thu, 0, timeUnknown, 12, tue | thu},
		{Recurring, tue | thu, Weekdays(Morning), timeMatch, 25, tue | thu},
		{Recurring, tue | thu, tue, timePartial, 17, tue}, // 10 + 15 × 1/2
		{Recurring, tue | thu, sat, timeOutside, 0, tue | thu},
		{Recurring, tue | thu, Occasional, timeOutside, 0, tue | thu},
	} {
		var f Fit
		f.timing(prepare(Seeker{Availability: c.free}, geo{}), candidate{schedule: c.schedule, slots: c.slots})
		if f.TimeFact != c.fact || f.Time != c.points || f.When != c.when {
			t.Errorf("%s %b for %b: %s %d %b, want %s %d %b", c.schedule, c.slots, c.free, f.TimeFact, f.Time, f.When, c.fact, c.points, c.when)
		}
	}
}

func TestScoreInterestsSkillsLanguages(t *testing.T) {
	cs := func(codes ...string) Mask { return mask(Causes, codes...) }
	for _, c := range []struct {
		seeker, opp Mask
		points      int
	}{
		{0, cs("food"), 8},
		{cs("food"), 0, 8},
		{cs("food", "seniors"), cs("food", "seniors", "culture"), 20}, // two shared
		{cs("food", "seniors"), cs("food"), 20},                       // all the opportunity's
		{cs("food"), cs("food", "seniors", "culture"), 15},
		{cs("culture"), cs("food"), 0},
	} {
		var f Fit
		if f.interests(&Seeker{Causes: c.seeker}, candidate{causes: c.opp}); f.Interests != c.points || f.MatchedCauses != c.seeker&c.opp {
			t.Errorf("interests %b in %b: %d", c.seeker, c.opp, f.Interests)
		}
	}
	sk := func(codes ...string) Mask { return mask(Skills, codes...) }
	for _, c := range []struct {
		seeker, opp, missing Mask
		points               int
	}{
		{sk("cooking"), 0, 0, 10},
		{0, sk("cooking"), 0, 6},
		{sk("cooking"), sk("cooking", "driving"), sk("driving"), 7}, // 15 × 1/2
		{sk("cooking", "driving"), sk("cooking", "driving"), 0, 15},
		{sk("driving"), sk("cooking"), sk("cooking"), 0},
	} {
		var f Fit
		if f.skills(&Seeker{Skills: c.seeker}, candidate{skills: c.opp}); f.Skills != c.points || f.MissingSkills != c.missing {
			t.Errorf("skills %b for %b: %d, missing %b", c.seeker, c.opp, f.Skills, f.MissingSkills)
		}
	}
	ls := func(codes ...string) Mask { return mask(Languages, codes...) }
	for _, c := range []struct {
		seeker, opp, missing Mask
		penalty              int
	}{
		{0, 0, 0, 0},
		{0, ls("fr"), 0, 0}, // French is assumed
		{0, ls("en"), ls("en"), 10},
		{ls("en"), ls("en", "es"), 0, 0},
		{ls("fr"), ls("en", "es"), ls("en", "es"), 10},
	} {
		var f Fit
		if f.languages(&Seeker{Languages: c.seeker}, candidate{languages: c.opp}); f.Penalty != c.penalty || f.LanguageMissing != c.missing {
			t.Errorf("languages %b for %b: penalty %d, missing %b", c.seeker, c.opp, f.Penalty, f.LanguageMissing)
		}
	}
}

func TestScoreTravel(t *testing.T) {
	for _, c := range []struct {
		name     string
		mobility Mobility
		c        candidate
		before   Fit // what distance found
		km       float64
		points   int
		want     string // facts
	}{
		{"car required, none", NoCar, candidate{carRequired: true}, Fit{}, -1, 0, "car"},
		{"car required, needs a ride", NeedsRide, candidate{carRequired: true}, Fit{}, -1, 0, "car"},
		{"car required, not said", MobilityUnknown, candidate{carRequired: true}, Fit{}, -1, 5, "car unknown"},
		{"a car", HasCar, candidate{rideOffered: true}, Fit{}, 40, 10, ""},
		{"remote", NoCar, candidate{remote: true}, Fit{}, -1, 10, ""},
		{"not said", MobilityUnknown, candidate{}, Fit{}, 40, 7, ""},
		{"no car, same place", NoCar, candidate{}, Fit{SamePlace: true}, 0, 10, ""},
		{"no car, a ride offered", NoCar, candidate{rideOffered: true}, Fit{}, 40, 10, "ride offered"},
		{"needs a ride", NeedsRide, candidate{}, Fit{}, 2, 2, "ride needed"},
		{"no car, 3 km", NoCar, candidate{}, Fit{KM: 3, KMKnown: true}, 3, 8, ""},
		{"no car, 12 km", NoCar, candidate{}, Fit{KM: 12, KMKnown: true}, 12, 4, "no car 12 km"},
		{"no car, unknown way", NoCar, candidate{}, Fit{}, -1, 4, "ride needed"},
	} {
		f := c.before
		f.travel(&Seeker{Mobility: c.mobility}, c.c, c.km)
		var facts []string
		for _, x := range []struct {
			on   bool
			fact string
		}{{f.Excluded == CarNeeded, "car"}, {f.NeedsCarUnknown, "car unknown"}, {f.RideOffered, "ride offered"}, {f.RideNeeded, "ride needed"},
			{f.NoCarKM > 0, fmt.Sprintf("no car %d km", f.NoCarKM)}} {
			if x.on {
				facts = append(facts, x.fact)
			}
		}
		if f.Mobility != c.points || strings.Join(facts, " ") != c.want {
			t.Errorf("%s: %d %q, want %d %q", c.name, f.Mobility, strings.Join(facts, " "), c.points, c.want)
		}
	}
}

func TestScoreForWhom(t *testing.T) {
	for _, c := range []struct {
		band           string
		student        bool
		c              candidate
		excluded       Exclusion
		minAge, maxAge int
		penalty        int
	}{
		{"25_34", false, candidate{kind: CorporateRequest}, ForTeams, 0, 0, 0},
		{"25_34", false, candidate{kind: SchoolProject}, ForStudents, 0, 0, 0},
		{"25_34", true, candidate{kind: SchoolProject}, NotExcluded, 0, 0, 0},
		{"18_24", false, candidate{kind: SchoolProject}, NotExcluded, 0, 0, 0},
		{"16_17", false, candidate{kind: Task, minAge: 18}, TooYoung, 0, 0, 0},
		{"16_17", false, candidate{kind: Task, minAge: 17}, NotExcluded, 17, 0, 5}, // the band straddles the limit
		{"18_24", false, candidate{kind: Task, minAge: 18}, NotExcluded, 0, 0, 0},
		{"", false, candidate{kind: Task, minAge: 18, maxAge: 30}, NotExcluded, 18, 30, 0}, // told, without a penalty
		{"75_plus", false, candidate{kind: Task, maxAge: 70}, TooOld, 0, 0, 0},
		{"65_74", false, candidate{kind: Task, maxAge: 70}, NotExcluded, 0, 70, 5},
		{"25_34", false, candidate{kind: CorporateOffer, minAge: 40}, ForTeams, 0, 0, 0}, // the first reason is kept
	} {
		var f Fit
		f.forWhom(prepare(Seeker{AgeBand: c.band, Student: c.student}, geo{}), c.c)
		if f.Excluded != c.excluded || f.MinAge != c.minAge || f.MaxAge != c.maxAge || f.Penalty != c.penalty {
			t.Errorf("%s %v for %+v: %q %d–%d −%d", c.band, c.student, c.c, f.Excluded, f.MinAge, f.MaxAge, f.Penalty)
		}
	}
}

func TestScoreTotal(t *testing.T) {
	g := testGeo()
	// Everything fits: every point.
	cook := Seeker{PlaceID: 1, Causes: mask(Causes, "food"), Skills: mask(Skills, "cooking"), Availability: Slot(time.Saturday, Morning), Mobility: HasCar}
	popote := candidate{placeID: 1, kind: Task, schedule: Recurring, slots: Slot(time.Saturday, Morning), causes: cook.Causes, skills: cook.Skills}
	if f := score(prepare(cook, g), popote); f.Score != 100 || f.PlaceName != "A" {
		t.Errorf("perfect fit: %d at %q", f.Score, f.PlaceName)
	}
	// Nothing fits and cautions cost more than the points left: never below 0.
	stranger := Seeker{PlaceID: 1, Causes: mask(Causes, "culture"), Skills: mask(Skills, "driving"), Availability: Slot(time.Monday, Evening),
		Mobility: NeedsRide, AgeBand: "65_74", Languages: mask(Languages, "fr")}
	far := candidate{placeID: 6, kind: Task, schedule: Recurring, slots: Slot(time.Saturday, Morning), causes: mask(Causes, "food"),
		skills: mask(Skills, "cooking"), languages: mask(Languages, "en"), maxAge: 70}
	if f := score(prepare(stranger, g), far); f.Score != 0 || f.Distance+f.Time+f.Interests+f.Skills+f.Mobility != 2 || f.Penalty != 15 {
		t.Errorf("no fit: %+v", f)
	}
}
