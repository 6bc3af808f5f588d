package volunteering

import (
	"fmt"
	"testing"
	"time"

	"implique/internal/territory"
)

// Supply and demand on data built here: no database.

func causes(codes ...string) Mask {
	m, _ := MaskOf(Causes, codes)
	return m
}

func TestSupplyDemandCounts(t *testing.T) {
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	at := func(lat, lon float64) (*float64, *float64) { return &lat, &lon }
	place := func(id int64, name string, lat, lon float64) territory.Place {
		p := territory.Place{ID: id, Slug: name, Name: name}
		p.Lat, p.Lon = at(lat, lon)
		return p
	}
	// Lemieux is 10 km from Manseau, Loin 46 km.
	places := []territory.Place{place(1, "Manseau", 46, -72), place(2, "Lemieux", 46, -72.13), place(3, "Loin", 46, -72.6)}
	ago := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	open := []Opportunity{
		{ID: 1, PlaceID: 1, Kind: Task, Causes: causes("food"), PublishedAt: ago(10)},
		{ID: 2, PlaceID: 1, Kind: Task, Causes: causes("seniors"), Applicants: 1, Waiting: 1, PublishedAt: ago(10)},
		{ID: 3, PlaceID: 3, Kind: Task, Causes: causes("culture"), PublishedAt: ago(2)},
		{ID: 4, Remote: true, Kind: Task, Causes: causes("education"), PublishedAt: ago(30)},
		// For teams: counted where it is, but offers individuals nothing.
		{ID: 5, PlaceID: 2, Kind: CorporateRequest, Causes: causes("sports_recreation"), PublishedAt: ago(7)},
	}
	fifty := 50
	profiles := []profileRow{
		{placeID: 1, causes: causes("food")},                   // food in Manseau
		{placeID: 1, causes: causes("culture")},                // culture is 46 km away: too far by default
		{placeID: 1, causes: causes("culture"), maxKm: &fifty}, // but not for who goes 50 km
		{placeID: 2, causes: causes("sports_recreation")},      // only teams are asked for
		{placeID: 3},                  // any cause: culture there
		{causes: causes("education")}, // no place said; remote anyway
	}
	sd := supplyData{now: now, places: places, open: open, profiles: profiles}.supplyDemand()

	var got []string
	for _, p := range sd.Places {
		got = append(got, fmt.Sprintf("%s%v open %d/%d waiting %d people %d/%d", p.PlaceName, p.Remote, p.Open, p.WithoutApplicants,
			p.Waiting, p.People, p.PeopleWithoutOpportunity))
	}
	for _, c := range sd.Causes {
		got = append(got, fmt.Sprintf("%s open %d people %d/%d", c.Cause, c.Open, c.People, c.PeopleWithoutOpportunity))
	}
	for _, o := range sd.OpportunitiesWithoutApplicants {
		got = append(got, fmt.Sprintf("nobody for a week: %d", o.ID))
	}
	got = append(got, fmt.Sprintf("people %d/%d open %d", sd.People, sd.PeopleWithout, sd.OpenOpportunityCount))
	want := []string{
		"Manseaufalse open 2/1 waiting 1 people 3/1",
		"Lemieuxfalse open 1/1 waiting 0 people 1/1",
		"Loinfalse open 1/1 waiting 0 people 1/0",
		"true open 1/1 waiting 0 people 0/0",
		"culture open 1 people 2/1",
		"sports_recreation open 1 people 1/1",
		"seniors open 1 people 0/0",
		"food open 1 people 1/0",
		"education open 1 people 1/0",
		"nobody for a week: 1",
		"nobody for a week: 4",
		"nobody for a week: 5",
		"people 6/2 open 5",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		for i := range max(len(got), len(want)) {
			if i >= len(got) || i >= len(want) || got[i] != want[i] {
				t.Errorf("line %d:\n got %v\nwant %v", i, got[i:], want[i:])
				break
			}
		}
	}
}

func TestAnswerDelays(t *testing.T) {
	for _, c := range []struct {
		days        []float64
		n           int
		median      float64
		withinAWeek int
	}{
		{nil, 0, 0, 0},
		{[]float64{3}, 1, 3, 1},
		{[]float64{9, 1}, 2, 5, 1},          // the mean of the middle two
		{[]float64{8.04, 0.25, 7}, 3, 7, 2}, // a week is 7 days, included
		{[]float64{1.06, 1}, 2, 1, 2},       // to a tenth of a day
		{[]float64{2.26}, 1, 2.3, 1},
	} {
		n, median, week := answerDelays(c.days)
		if n != c.n || median != c.median || week != c.withinAWeek {
			t.Errorf("%v: %d answers, median %v, %d within a week; want %d %v %d", c.days, n, median, week, c.n, c.median, c.withinAWeek)
		}
	}
}
