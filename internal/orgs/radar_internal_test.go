package orgs

import (
	"fmt"
	"strings"
	"testing"

	"implique/internal/calendar"
	"implique/internal/territory"
)

// The radar's rules, on data built here: no database.

func day(s string) calendar.Date {
	d, _ := calendar.Parse(s)
	return d
}

// seatRow is a seat as the tables write it: its role, who holds it (0:
// nobody), since when and until when.
type seatRow struct {
	role       Role
	person     int64
	since, end string
	successor  bool
}

func seatsOf(rows ...seatRow) []*radarSeat {
	var out []*radarSeat
	for i, r := range rows {
		st := &radarSeat{Seat: Seat{ID: int64(i + 1), Title: string(r.role), Role: r.role, HolderSince: day(r.since), TermEnd: day(r.end),
			SuccessorIdentified: r.successor}, holder: r.person, person: r.person}
		if r.person != 0 {
			st.HolderID, st.HolderName, st.personName = &st.holder, fmt.Sprintf("P%d", r.person), fmt.Sprintf("P%d", r.person)
		}
		out = append(out, st)
	}
	return out
}

// testRules judge on 15 March 2026 with the default settings (three hats,
// six years), for staff: person 7 holds three seats in the territory, 8 two.
func testRules(staff bool) radarRules {
	d := &radarData{today: day("2026-03-15"), settings: DefaultSettings, staff: staff, hats: map[int64]int{7: 3, 8: 2}}
	return d.rules()
}

func reasonsOf(r OrgRisk) string {
	var out []string
	for _, x := range r.Reasons {
		out = append(out, strings.TrimPrefix(x.Key, "org.reason.")+fmt.Sprint(x.Args))
	}
	return strings.Join(out, " ")
}

func TestTermEnding(t *testing.T) {
	rules := testRules(true)
	for _, c := range []struct {
		seat   seatRow
		months int
		ok     bool
	}{
		{seatRow{role: President, person: 1}, 0, false},                                     // no end known
		{seatRow{role: President, end: "2026-04-01"}, 0, false},                             // vacant: counted as vacant
		{seatRow{role: President, person: 1, end: "2026-04-01", successor: true}, 0, false}, // someone is ready
		{seatRow{role: President, person: 1, end: "2026-03-14"}, 0, true},                   // over
		{seatRow{role: President, person: 1, end: "2026-03-15"}, 3, true},
		{seatRow{role: President, person: 1, end: "2026-06-15"}, 3, true},
		{seatRow{role: President, person: 1, end: "2026-06-16"}, 6, true},
		{seatRow{role: President, person: 1, end: "2026-09-15"}, 6, true},
		{seatRow{role: President, person: 1, end: "2026-09-16"}, 12, true},
		{seatRow{role: President, person: 1, end: "2027-03-15"}, 12, true},
		{seatRow{role: President, person: 1, end: "2027-03-16"}, 0, false}, // more than a year away
	} {
		months, ok := rules.termEnding(seatsOf(c.seat)[0].Seat)
		if months != c.months || ok != c.ok {
			t.Errorf("%+v: %d months %v, want %d %v", c.seat, months, ok, c.months, c.ok)
		}
	}
}

func TestJudge(t *testing.T) {
	held := func(r Role, person int64) seatRow { return seatRow{role: r, person: person} }
	ends := func(r Role, end string) seatRow { return seatRow{role: r, person: 1, end: end} }
	since := func(r Role, since string) seatRow { return seatRow{role: r, person: 1, since: since} }
	vacant := func(r Role) seatRow { return seatRow{role: r} }
	for _, c := range []struct {
		name     string
		managers bool
		seats    []seatRow
		level    Level
		reasons  string
		alerts   string // vacant seats, ending terms (months), long service
	}{
		{"nothing recorded", false, nil, Unknown, "no_seats[]", ""},
		{"all held", false, []seatRow{held(President, 1), held(Member, 2)}, Low, "", ""},
		{"an officer's seat empty", false, []seatRow{vacant(Treasurer), held(President, 1), held(Member, 2)},
			High, "officer_vacant[treasurer]", "vacant:treasurer"},
		{"another seat empty", false, []seatRow{held(President, 1), vacant(Member), held(Member, 2)},
			Medium, "vacant_one[1]", "vacant:member"},
		{"other seats empty", false, []seatRow{held(President, 1), vacant(Member), vacant(Director), held(Member, 2), held(Member, 3)},
			Medium, "vacant_other[2]", "vacant:member vacant:director"},
		{"half the seats empty", false, []seatRow{held(President, 1), vacant(Member)},
			High, "half_vacant[1 2] vacant_one[1]", "vacant:member"},
		{"the only seat empty", false, []seatRow{vacant(Member)}, Medium, "vacant_one[1]", "vacant:member"},
		{"an officer's term over", false, []seatRow{ends(President, "2026-03-01")},
			High, "expired[president 2026-03-01]", "ending:president/0"},
		{"an officer's term ends within 3 months", false, []seatRow{ends(President, "2026-05-01")},
			High, "ending[president 2026-05-01 3]", "ending:president/3"},
		{"an officer's term ends within 6 months", false, []seatRow{ends(President, "2026-08-01")},
			Medium, "ending[president 2026-08-01 6]", "ending:president/6"},
		{"an officer's term ends within a year", false, []seatRow{ends(President, "2027-01-01")},
			Low, "ending[president 2027-01-01 12]", "ending:president/12"},
		{"another term over", false, []seatRow{ends(Member, "2026-03-01")},
			Medium, "expired[member 2026-03-01]", "ending:member/0"},
		{"many hats, named once", false, []seatRow{held(President, 7), held(Member, 7), held(Member, 8)},
			Medium, "hats[P7 3]", ""},
		{"no hats for managers", true, []seatRow{held(President, 7), held(Member, 7)}, Low, "", ""},
		{"officers there six years or more", false, []seatRow{since(President, "2015-01-10"), since(Treasurer, "2020-03-15"), since(Member, "2025-01-01")},
			Medium, "long_service[6]", "long"},
		{"one officer newer", false, []seatRow{since(President, "2015-01-10"), since(Treasurer, "2020-03-16")}, Low, "", ""},
		{"an officer's start unknown", false, []seatRow{since(President, "2015-01-10"), held(Treasurer, 2)}, Low, "", ""},
		{"the reasons in reading order", false, []seatRow{vacant(President), ends(Treasurer, "2026-08-01"), vacant(Member), held(Member, 7)},
			High, "half_vacant[2 4] officer_vacant[president] vacant_one[1] ending[treasurer 2026-08-01 6] hats[P7 3]",
			"vacant:president vacant:member ending:treasurer/6"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rules := testRules(!c.managers)
			var r Radar
			j := rules.judge(OrgRef{ID: 1}, seatsOf(c.seats...), &r)
			var alerts []string
			for _, a := range r.Vacant {
				alerts = append(alerts, "vacant:"+a.Seat.Title)
			}
			for _, a := range r.Ending {
				alerts = append(alerts, fmt.Sprintf("ending:%s/%d", a.Seat.Title, a.Months))
			}
			if j.longService {
				alerts = append(alerts, "long")
			}
			if j.risk.Level != c.level || reasonsOf(j.risk) != c.reasons || strings.Join(alerts, " ") != c.alerts {
				t.Errorf("%s (%s) %q\nwant %s (%s) %q", j.risk.Level, reasonsOf(j.risk), strings.Join(alerts, " "), c.level, c.reasons, c.alerts)
			}
			if j.risk.Seats != len(c.seats) || j.risk.Vacant != len(r.Vacant) {
				t.Errorf("%d seats, %d vacant", j.risk.Seats, j.risk.Vacant)
			}
		})
	}
}

// TestRadarTotals: the lists and counts of a small territory. Saint-Pierre
// (1) comes before Gentilly (2), a secteur, in the territory's order.
func TestRadarTotals(t *testing.T) {
	parent := int64(1)
	places := []territory.Place{{ID: 1, Slug: "saint-pierre", Name: "Saint-Pierre"}, {ID: 2, Slug: "gentilly", Name: "Gentilly", ParentID: &parent}}
	org := func(id int64, name string, places []int64, seats ...seatRow) *radarOrg {
		return &radarOrg{ref: OrgRef{ID: id, Name: name}, places: places, seats: seatsOf(seats...), in: true}
	}
	world := func() radarData {
		// Zoé (1) and Ana (2) hold three seats each in the territory; Luc (5) four, elsewhere.
		return radarData{today: day("2026-03-15"), settings: DefaultSettings, staff: true, places: places, hats: map[int64]int{1: 3, 2: 3, 5: 4},
			orgs: []*radarOrg{
				org(10, "Club", []int64{2}, seatRow{role: Member, person: 1, end: "2026-12-01"}, seatRow{role: President, person: 2}),
				org(20, "Comité", []int64{1, 2}, seatRow{role: Member}, seatRow{role: President, person: 1, end: "2026-05-01"}),
				org(30, "Transport", nil),
			}}
	}
	d := world()
	d.orgs[0].seats[0].personName, d.orgs[1].seats[1].personName, d.orgs[0].seats[1].personName = "Zoé", "Zoé", "Ana"
	r := d.radar()
	var got []string
	for _, o := range r.Orgs {
		got = append(got, fmt.Sprintf("%s:%s", o.Org.Name, o.Level))
	}
	for _, a := range r.Vacant {
		got = append(got, fmt.Sprintf("vacant:%s/%s", a.Org.Name, a.Seat.Title))
	}
	for _, a := range r.Ending {
		got = append(got, fmt.Sprintf("ending:%s/%s/%d", a.Org.Name, a.Seat.Title, a.Months))
	}
	for _, h := range r.Hats {
		var names []string
		for _, o := range h.Orgs {
			names = append(names, o.Name)
		}
		got = append(got, fmt.Sprintf("hats:%s/%d/%s", h.Name, h.Seats, strings.Join(names, "+")))
	}
	want := "Comité:high Club:medium Transport:unknown vacant:Comité/member ending:Comité/president/3 ending:Club/member/12 " +
		"hats:Ana/3/Club hats:Zoé/3/Club+Comité"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("radar\n got %s\nwant %s", s, want)
	}
	// Zoé counts once: 4 seats, 3 held by 2 people.
	if c := r.Total; c != (Coverage{Orgs: 3, Seats: 4, Held: 3, Vacant: 1, People: 2, High: 1, Medium: 1}) {
		t.Errorf("total %+v", c)
	}
	wantPlaces := []PlaceCoverage{
		{PlaceRef{1, "saint-pierre", "Saint-Pierre"}, Coverage{Orgs: 1, Seats: 2, Held: 1, Vacant: 1, People: 1, High: 1}},
		{PlaceRef{2, "gentilly", "Gentilly"}, Coverage{Orgs: 2, Seats: 4, Held: 3, Vacant: 1, People: 2, High: 1, Medium: 1}},
		{PlaceRef{}, Coverage{Orgs: 1}}, // serving the whole territory
	}
	if fmt.Sprint(r.Places) != fmt.Sprint(wantPlaces) {
		t.Errorf("places\n got %+v\nwant %+v", r.Places, wantPlaces)
	}

	// One organisation's radar has no places; its managers see no hats.
	d = world()
	d.orgs, d.oneOrg, d.staff, d.hats = d.orgs[:1], true, false, nil
	if r := d.radar(); r.Places != nil || r.Hats != nil || r.Orgs[0].Level != Low || r.Total.People != 2 {
		t.Errorf("one organisation for its managers: %+v", r)
	}
}
