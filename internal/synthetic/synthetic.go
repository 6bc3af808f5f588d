// Package synthetic fills an empty database with a made-up province: about
// a hundred territories (volunteer centres) with their places, a million
// people, their organisations and seats, volunteering, events and
// registrations, a year of survey answers and indicators. It measures the
// product's heaviest queries at that size (Measure).
//
// Territories, places, questionnaires, waves, the logic model and the
// indicators' values are written by the owners' stores; the rest is
// written straight into the tables in multi-row INSERTs, with the values
// the stores would write (statuses, keys, packed matching columns), since
// going through a store per row would take hours. The same scale gives the
// same data (seeded math/rand).
package synthetic

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"implique/internal/app"
	"implique/internal/db"
	"implique/internal/impact"
	"implique/internal/territory"
)

// Size is how much a province holds.
type Size struct {
	Territories   int
	Places        int
	People        int
	Organizations int
	Opportunities int
	Registrations int
	Responses     int
}

// Province is the full size (scale 1).
var Province = Size{Territories: 100, Places: 1100, People: 1_000_000, Organizations: 20_000, Opportunities: 50_000,
	Registrations: 5_000_000, Responses: 50_000}

// Scaled multiplies every count by f (at least one territory with its
// places, and one of everything else).
func (s Size) Scaled(f float64) Size {
	n := func(v int) int { return max(1, int(math.Round(float64(v)*f))) }
	out := Size{Territories: n(s.Territories), People: n(s.People), Organizations: n(s.Organizations),
		Opportunities: n(s.Opportunities), Registrations: n(s.Registrations), Responses: n(s.Responses)}
	// A territory keeps its eleven places whatever the scale.
	out.Places = out.Territories * max(1, s.Places/max(1, s.Territories))
	return out
}

// Counts is what Seed wrote.
type Counts struct {
	Size
	Events, Seats, Applications, Hours int
}

// ErrNotEmpty is returned on a database that has people already.
var ErrNotEmpty = errors.New("synthetic: the database already has people")

// ErrScale is returned for a scale that is not in (0, 10].
var ErrScale = errors.New("synthetic: the scale must be more than 0 and at most 10")

// Progress is told each step: its name (« start » once the database is
// found empty, then « territory » and « indicators ») and how far it is.
type Progress func(step string, done, total int)

// Seed fills the database of a with a province at scale f. It refuses a
// database that has accounts already (ErrNotEmpty).
func Seed(ctx context.Context, a *app.App, f float64, progress Progress) (Counts, error) {
	if !(f > 0 && f <= 10) {
		return Counts{}, ErrScale
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	var people int
	if err := a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&people); err != nil {
		return Counts{}, err
	}
	if people > 0 {
		return Counts{}, ErrNotEmpty
	}
	size := Province.Scaled(f)
	progress("start", 0, size.Territories)
	out := Counts{Size: Size{Territories: size.Territories}}
	weights := shares(size.Territories)
	split := func(total int) []int { return apportion(total, weights) }
	peopleOf, orgsOf, oppsOf := split(size.People), split(size.Organizations), split(size.Opportunities)
	regsOf, respOf := split(size.Registrations), split(size.Responses)
	placesPer := size.Places / size.Territories
	now := db.Time(a.Clock.Now())
	var tids []int64
	userBase := 0
	for i := range size.Territories {
		s := &seeder{ctx: ctx, a: a, d: a.DB, r: rand.New(rand.NewPCG(uint64(i)+1, 2026)), now: now, userBase: userBase}
		if err := s.territory(i, placesPer); err != nil {
			return out, fmt.Errorf("territory %d: %w", i+1, err)
		}
		steps := []func() error{
			func() error { return s.people(max(peopleOf[i], 20)) },
			func() error { return s.organizations(max(orgsOf[i], 1)) },
			func() error { return s.opportunities(max(oppsOf[i], 1)) },
			func() error { return s.events(regsOf[i]) },
			func() error { return s.survey(respOf[i]) },
			func() error { return s.model() },
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return out, fmt.Errorf("territory %d: %w", i+1, err)
			}
		}
		userBase += len(s.users)
		out.Places += len(s.places)
		out.People += len(s.users)
		out.Organizations += len(s.orgs)
		out.Opportunities += s.nOpps
		out.Registrations += s.nRegs
		out.Responses += s.nResponses
		out.Events += s.nEvents
		out.Seats += s.nSeats
		out.Applications += s.nApps
		out.Hours += s.nHours
		tids = append(tids, s.tid)
		progress("territory", i+1, size.Territories)
	}
	// The planners need the tables' statistics before the first query; on
	// PostgreSQL, VACUUM also marks the pages all-visible, so that the
	// covering indexes are read without the table (as autovacuum would,
	// later).
	analyze := `ANALYZE`
	if a.DB.Engine == db.Postgres {
		analyze = `VACUUM ANALYZE ` + strings.Join(written, ", ")
	}
	if _, err := a.DB.Exec(ctx, analyze); err != nil {
		return out, err
	}
	for i, tid := range tids {
		if _, err := a.Impact.Refresh(ctx, tid); err != nil {
			return out, fmt.Errorf("indicators of territory %d: %w", i+1, err)
		}
		progress("indicators", i+1, len(tids))
	}
	return out, nil
}

// written are the tables Seed writes in bulk.
var written = []string{"users", "user_roles", "volunteer_profiles", "organizations", "organization_places", "organization_causes",
	"organization_people", "organization_seats", "volunteer_opportunities", "volunteer_applications", "volunteer_hours", "events",
	"registrations", "survey_responses", "survey_answers", "survey_tallies"}

// shares are the territories' weights: a few large, many small, as the
// volunteer centres of a province are (1/(i+1)^0.7).
func shares(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / math.Pow(float64(i+1), 0.7)
	}
	return w
}

// apportion splits total by weights, exactly (largest remainders).
func apportion(total int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	given := 0
	for i, w := range weights {
		out[i] = int(float64(total) * w / sum)
		given += out[i]
	}
	for i := 0; given < total; i = (i + 1) % len(out) {
		out[i]++
		given++
	}
	return out
}

// seeder writes one territory.
type seeder struct {
	ctx      context.Context
	a        *app.App
	d        *db.DB
	r        *rand.Rand
	now      time.Time
	userBase int

	tid    int64
	slug   string
	places []territory.Place
	users  []user
	orgs   []int64
	opps   []int64
	// The counts written.
	nOpps, nRegs, nResponses, nEvents, nSeats, nApps, nHours int
}

type user struct {
	id           int64
	name, email  string
	phone, place int
}

// territory creates the territory and its places through the territory
// store, as an administrator would.
func (s *seeder) territory(i, places int) error {
	name := "Territoire " + placeName(s.r)
	s.slug = fmt.Sprintf("territoire-%03d", i+1)
	set := territory.Settings{Name: name, OperatorName: "Centre d’action bénévole — " + name, ProgramName: "Moi, je m’implique\u202f!",
		ContactEmail: fmt.Sprintf("direction.%s@exemple.org", s.slug), ContactPhone: phone(s.r),
		PrivacyOfficerName: "Direction générale", PrivacyOfficerEmail: fmt.Sprintf("direction.%s@exemple.org", s.slug),
		PrivacyOfficerTitle: "Directrice générale", TimeZone: "America/Toronto", BrandColor: territory.DefaultBrandColor}
	t, err := s.a.Territories.Create(s.ctx, s.slug, set)
	if err != nil {
		return err
	}
	s.tid = t.ID
	var csv strings.Builder
	csv.WriteString("slug,name,kind,parent,population,population_year,lat,lon,source\n")
	seen := map[string]bool{}
	lat, lon := 45.2+s.r.Float64()*3.5, -79+s.r.Float64()*13
	for n := 0; n < places; {
		pn := placeName(s.r)
		if n == 0 {
			pn = strings.TrimPrefix(name, "Territoire ")
		}
		slug := slugOf(pn)
		if seen[slug] {
			continue
		}
		seen[slug] = true
		kind := "municipalité"
		switch {
		case n == 0:
			kind = "ville"
		case n%5 == 0:
			kind = "municipalité de paroisse"
		}
		fmt.Fprintf(&csv, "%s,%s,%s,,%d,2021,%.4f,%.4f,synthétique\n", slug, pn, kind, 300+s.r.IntN(6000),
			lat+s.r.Float64()*0.5-0.25, lon+s.r.Float64()*0.7-0.35)
		n++
	}
	if _, err := s.a.Territories.ImportPlaces(s.ctx, t.ID, strings.NewReader(csv.String())); err != nil {
		return err
	}
	s.places, err = s.a.Territories.Places(s.ctx, t.ID)
	return err
}

// model writes the territory's logic model through the impact store: one
// effect per term and every indicator the capabilities compute.
func (s *seeder) model() error {
	is := s.a.Impact
	if err := is.SetModel(s.ctx, impact.Model{TerritoryID: s.tid, ImpactFR: "Des gens qui se sentent chez eux et qui s’impliquent.",
		ImpactEN: "People who feel at home and get involved.", YearStart: time.April}); err != nil {
		return err
	}
	effects := map[impact.Term]int64{}
	for _, e := range []struct {
		term   impact.Term
		fr, en string
	}{{impact.Short, "Des occasions de se rencontrer", "Chances to meet"},
		{impact.Long, "Un sentiment d’appartenance plus fort", "A stronger sense of belonging"},
		{impact.Condition, "Des organismes qui ont leur relève", "Organisations with their next generation"}} {
		id, err := is.PutEffect(s.ctx, impact.Effect{TerritoryID: s.tid, Term: e.term, TitleFR: e.fr, TitleEN: e.en})
		if err != nil {
			return err
		}
		effects[e.term] = id
	}
	for i, d := range is.Computable() {
		term := []impact.Term{impact.Short, impact.Long, impact.Condition}[i%3]
		period := impact.Month
		if d.Stock {
			period = impact.Quarter
		}
		if _, err := is.PutIndicator(s.ctx, impact.Indicator{TerritoryID: s.tid, EffectID: effects[term], SourceKey: d.Key,
			Unit: d.Unit, Period: period}); err != nil {
			return err
		}
	}
	return nil
}
