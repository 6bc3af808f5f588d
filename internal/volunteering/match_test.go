package volunteering_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

func TestCausesFollowOrganisations(t *testing.T) {
	// Every cause an organisation may work for has a bit; the list only grows.
	for _, c := range orgs.Causes {
		if !slices.Contains(volunteering.Causes, c) {
			t.Errorf("cause %q of orgs has no bit here: append it to volunteering.Causes", c)
		}
	}
	if len(volunteering.Causes) > 31 || len(volunteering.Skills) > 31 {
		t.Error("a mask no longer fits the INTEGER columns")
	}
}

func TestHaversine(t *testing.T) {
	// Manseau to Saint-Grégoire: about 40 km across the MRC.
	d := volunteering.Haversine(46.3667, -72.0, 46.2719, -72.5114)
	if d < 38 || d > 42 {
		t.Errorf("Manseau–Saint-Grégoire = %.1f km", d)
	}
	if d := volunteering.Haversine(46.3, -72.4, 46.3, -72.4); d != 0 {
		t.Errorf("same point = %v", d)
	}
}

func TestSlotsAndBands(t *testing.T) {
	sat := volunteering.Slot(time.Saturday, volunteering.Morning)
	if !sat.Has(time.Saturday, volunteering.Morning) || sat.Has(time.Sunday, volunteering.Morning) || sat.SlotCount() != 1 {
		t.Errorf("Saturday morning slot %b", sat)
	}
	if n := volunteering.Weekdays(volunteering.Evening).SlotCount(); n != 5 {
		t.Errorf("weekday evenings = %d slots", n)
	}
	if n := (volunteering.Weekend() | volunteering.Occasional).SlotCount(); n != 6 {
		t.Errorf("weekend = %d slots", n)
	}
	if volunteering.PartOf(9) != volunteering.Morning || volunteering.PartOf(13) != volunteering.Afternoon || volunteering.PartOf(19) != volunteering.Evening {
		t.Error("parts of the day")
	}
	m, bad := volunteering.MaskOf(volunteering.Causes, []string{"food", "seniors", ""})
	if bad || m.Count() != 2 || !slices.Equal(m.Codes(volunteering.Causes), []string{"seniors", "food"}) {
		t.Errorf("mask %b %v", m, bad)
	}
	if _, bad := volunteering.MaskOf(volunteering.Skills, []string{"juggling"}); !bad {
		t.Error("an unknown skill was taken")
	}
	if b, ok := volunteering.Band("16_17"); !ok || b.Min != 16 || b.Max != 17 {
		t.Errorf("band %+v", b)
	}
}

// matchWorld is a small MRC: a retiree of Manseau who cooks and cares
// about seniors, free on Saturday mornings, with a car; and opportunities
// where a person sees at once which fits best.
type matchWorld struct {
	*fixture
	popote, sports, remote, far, driver, adults, youthOnly, saturdayFair, unknownPlace, board, team volunteering.Opportunity
	cook                                                                                            volunteering.Seeker
}

func newMatchWorld(t *testing.T, d *db.DB) *matchWorld {
	f := newFixture(t, d)
	w := &matchWorld{fixture: f}
	cab := f.org(t, "Centre d’action bénévole de la MRC de Bécancour", orgs.Nonprofit)
	fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
	club := f.org(t, "Club de soccer de Saint-Grégoire", orgs.Nonprofit)
	biz := f.org(t, "Alimentation Gentilly", orgs.Business)
	w.popote = f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote roulante : cuisiner pour les aînés",
		Schedule: volunteering.Recurring, Slots: volunteering.Slot(time.Saturday, volunteering.Morning), PlaceSlug: "manseau",
		Causes: []string{"seniors", "food"}, Skills: []string{"cooking"}})
	w.sports = f.opportunity(t, volunteering.Input{OrganizationID: club.ID, Title: "Entraîneur de soccer", Schedule: volunteering.Recurring,
		Slots: volunteering.Slot(time.Tuesday, volunteering.Evening), PlaceSlug: "becancour-saint-gregoire",
		Causes: []string{"sports_recreation", "youth"}, Skills: []string{"sports"}})
	w.remote = f.opportunity(t, volunteering.Input{OrganizationID: cab.ID, Title: "Appels d’amitié aux aînés isolés", Remote: true,
		Causes: []string{"seniors"}, Skills: []string{"companionship"}})
	w.far = f.opportunity(t, volunteering.Input{OrganizationID: cab.ID, Title: "Cuisine collective à Sainte-Angèle",
		Schedule: volunteering.Recurring, Slots: volunteering.Slot(time.Saturday, volunteering.Morning), PlaceSlug: "becancour-sainte-angele-de-laval",
		Causes: []string{"food", "seniors"}, Skills: []string{"cooking"}})
	w.driver = f.opportunity(t, volunteering.Input{OrganizationID: cab.ID, Title: "Accompagnement-transport médical",
		PlaceSlug: "manseau", CarRequired: true, Causes: []string{"seniors", "health"}, Skills: []string{"driving"}})
	w.adults = f.opportunity(t, volunteering.Input{OrganizationID: cab.ID, Title: "Trésorerie du comité", Kind: volunteering.BoardSeat,
		PlaceSlug: "manseau", MinAge: testkit.Ptr(18), Causes: []string{"local_development"}, Skills: []string{"accounting"}})
	w.youthOnly = f.opportunity(t, volunteering.Input{OrganizationID: club.ID, Title: "Brigade jeunesse de l’été", PlaceSlug: "manseau",
		Kind: volunteering.SchoolProject, MaxAge: testkit.Ptr(17), Causes: []string{"youth"}})
	w.saturdayFair = f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Kiosque au marché de Noël",
		Schedule: volunteering.OneOff, StartsAt: f.at(2026, 6, 13, 9, 0), EndsAt: f.at(2026, 6, 13, 12, 0), PlaceSlug: "manseau",
		Causes: []string{"local_development"}})
	w.unknownPlace = f.opportunity(t, volunteering.Input{OrganizationID: cab.ID, Title: "Corvée au parc de Saint-Sylvère",
		PlaceSlug: "saint-sylvere", Causes: []string{"environment"}})
	w.board = w.adults
	w.team = f.opportunity(t, volunteering.Input{OrganizationID: biz.ID, Title: "Une équipe de 8 employés disponible",
		Kind: volunteering.CorporateOffer, Schedule: volunteering.OneOff, StartsAt: f.at(2026, 6, 20, 9, 0), PlaceSlug: "becancour-gentilly"})
	manseau, err := f.ts.Place(context.Background(), f.t.ID, "manseau")
	if err != nil {
		t.Fatal(err)
	}
	causes, _ := volunteering.MaskOf(volunteering.Causes, []string{"seniors", "food"})
	skills, _ := volunteering.MaskOf(volunteering.Skills, []string{"cooking"})
	w.cook = volunteering.Seeker{PlaceID: manseau.ID, Causes: causes, Skills: skills,
		Availability: volunteering.Slot(time.Saturday, volunteering.Morning), MaxKm: testkit.Ptr(15), Mobility: volunteering.HasCar, AgeBand: "65_74"}
	return w
}

func ids(ms []volunteering.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Opportunity.Title)
	}
	return out
}

func find(ms []volunteering.Match, id int64) (volunteering.Match, bool) {
	for _, m := range ms {
		if m.Opportunity.ID == id {
			return m, true
		}
	}
	return volunteering.Match{}, false
}

func TestMatchingObviousCases(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newMatchWorld(t, d)
		ctx := context.Background()

		t.Run("the retiree who cooks gets the popote first, explained", func(t *testing.T) {
			ms, err := w.s.Matches(ctx, w.t.ID, w.cook, "fr", 20)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 || ms[0].Opportunity.ID != w.popote.ID {
				t.Fatalf("first = %v", ids(ms))
			}
			if got, want := ms[0].Explanation.Why, "à Manseau, chez vous, le samedi matin, correspond à\u00a0: cuisine, aînés, alimentation"; got != want {
				t.Errorf("why\n got %q\nwant %q", got, want)
			}
			if ms[0].Fit.Score != 100 {
				t.Errorf("perfect fit scores %d", ms[0].Fit.Score)
			}
			// Too far (Sainte-Angèle is ~40 km; they said 15), a team, a
			// youth project: left out.
			for _, o := range []volunteering.Opportunity{w.far, w.team, w.youthOnly} {
				if _, ok := find(ms, o.ID); ok {
					t.Errorf("%q offered: %v", o.Title, ids(ms))
				}
			}
			// Remote help fits anyone, anywhere.
			if m, ok := find(ms, w.remote.ID); !ok || !strings.HasPrefix(m.Explanation.Why, "à distance") {
				t.Errorf("remote: %+v", m.Explanation)
			}
			// The driving job needs a car: they have one.
			if _, ok := find(ms, w.driver.ID); !ok {
				t.Error("the driving job is missing for a person with a car")
			}
			// Soccer on Tuesday evening in Saint-Grégoire (40 km): out.
			if _, ok := find(ms, w.sports.ID); ok {
				t.Error("soccer offered though 40 km away")
			}
		})

		t.Run("the same question gives the same list", func(t *testing.T) {
			a, _ := w.s.Matches(ctx, w.t.ID, w.cook, "fr", 20)
			for range 3 {
				b, _ := w.s.Matches(ctx, w.t.ID, w.cook, "fr", 20)
				if !slices.Equal(ids(a), ids(b)) {
					t.Fatalf("%v then %v", ids(a), ids(b))
				}
			}
		})

		t.Run("without a car, the driving job is out; a ride is a caution", func(t *testing.T) {
			sk := w.cook
			sk.Mobility = volunteering.NeedsRide
			sk.MaxKm = nil
			ms, err := w.s.Matches(ctx, w.t.ID, sk, "fr", 20)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := find(ms, w.driver.ID); ok {
				t.Error("the driving job is offered to a person without a car")
			}
			m, ok := find(ms, w.far.ID)
			if !ok {
				t.Fatalf("without a limit, Sainte-Angèle is offered (far): %v", ids(ms))
			}
			if !slices.ContainsFunc(m.Explanation.Cautions, func(c string) bool { return strings.Contains(c, "transport") }) {
				t.Errorf("no ride caution: %v", m.Explanation.Cautions)
			}
			if m.Fit.Score >= ms[0].Fit.Score || ms[0].Opportunity.ID != w.popote.ID {
				t.Errorf("far kitchen (%d) vs popote at home (%d)", m.Fit.Score, ms[0].Fit.Score)
			}
			if !strings.Contains(m.Explanation.Why, "km") {
				t.Errorf("why = %q", m.Explanation.Why)
			}
		})

		t.Run("a 15-year-old: no board seat for adults, the youth project yes", func(t *testing.T) {
			teen := volunteering.Seeker{PlaceID: w.cook.PlaceID, AgeBand: "14_15", Student: true}
			ms, err := w.s.Matches(ctx, w.t.ID, teen, "fr", 20)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := find(ms, w.adults.ID); ok {
				t.Error("a board seat for adults is offered to a 15-year-old")
			}
			m, ok := find(ms, w.youthOnly.ID)
			if !ok {
				t.Fatalf("the youth project is missing: %v", ids(ms))
			}
			if !strings.Contains(m.Explanation.Why, "école") {
				t.Errorf("why = %q", m.Explanation.Why)
			}
		})

		t.Run("unknown position: said, not guessed", func(t *testing.T) {
			env := w.cook
			env.MaxKm = nil
			env.Causes, _ = volunteering.MaskOf(volunteering.Causes, []string{"environment"})
			ms, _ := w.s.Matches(ctx, w.t.ID, env, "fr", 20)
			m, ok := find(ms, w.unknownPlace.ID)
			if !ok {
				t.Fatalf("Saint-Sylvère is missing: %v", ids(ms))
			}
			if !strings.Contains(m.Explanation.Why, "distance inconnue") || !strings.Contains(m.Explanation.Why, "Saint-Sylvère") {
				t.Errorf("why = %q", m.Explanation.Why)
			}
		})

		t.Run("a one-off date on their free morning, in English", func(t *testing.T) {
			sk := w.cook
			sk.Causes, _ = volunteering.MaskOf(volunteering.Causes, []string{"local_development"})
			ms, _ := w.s.Matches(ctx, w.t.ID, sk, "en", 20)
			m, ok := find(ms, w.saturdayFair.ID)
			if !ok {
				t.Fatalf("fair missing: %v", ids(ms))
			}
			if !strings.Contains(m.Explanation.Why, "Saturday, June 13 at 9\u00a0a.m.") {
				t.Errorf("why = %q", m.Explanation.Why)
			}
		})

		t.Run("occasional helpers get one-off dates", func(t *testing.T) {
			sk := volunteering.Seeker{PlaceID: w.cook.PlaceID, Availability: volunteering.Occasional}
			f := volunteering.Score(sk, w.saturdayFair, mustPlaces(t, w.fixture))
			e := w.s.Explain("fr", w.loc, f)
			if !strings.Contains(e.Why, "ponctuel\u00a0: le samedi 13\u00a0juin à 9\u00a0h") {
				t.Errorf("why = %q", e.Why)
			}
		})

		t.Run("ties break the same way every time", func(t *testing.T) {
			twin := w.opportunity(t, volunteering.Input{OrganizationID: w.popote.Organization.ID, Title: "Popote roulante (2e équipe)",
				Schedule: volunteering.Recurring, Slots: volunteering.Slot(time.Saturday, volunteering.Morning), PlaceSlug: "manseau",
				Causes: []string{"seniors", "food"}, Skills: []string{"cooking"}})
			ms, _ := w.s.Matches(ctx, w.t.ID, w.cook, "fr", 2)
			if len(ms) != 2 || ms[0].Opportunity.ID != w.popote.ID || ms[1].Opportunity.ID != twin.ID {
				t.Errorf("top 2 = %v", ids(ms))
			}
		})

		t.Run("a closed or past opportunity is not offered", func(t *testing.T) {
			if err := w.s.SetOpportunityStatus(ctx, w.t.ID, w.popote.ID, false); err != nil {
				t.Fatal(err)
			}
			ms, _ := w.s.Matches(ctx, w.t.ID, w.cook, "fr", 20)
			if _, ok := find(ms, w.popote.ID); ok {
				t.Error("closed popote offered")
			}
			w.clock.Set(now.AddDate(0, 1, 0)) // the fair's date is past
			ms, _ = w.s.Matches(ctx, w.t.ID, volunteering.Seeker{}, "fr", 50)
			if _, ok := find(ms, w.saturdayFair.ID); ok {
				t.Error("past fair offered")
			}
		})
	})
}

func mustPlaces(t *testing.T, f *fixture) []territory.Place {
	t.Helper()
	ps, err := f.ts.Places(context.Background(), f.t.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestScoreFactors(t *testing.T) {
	// Pure scoring: the weights add up to 100 and each factor moves the
	// score the way a person expects.
	if volunteering.WeightDistance+volunteering.WeightTime+volunteering.WeightInterests+volunteering.WeightSkills+volunteering.WeightMobility != 100 {
		t.Fatal("weights do not add up to 100")
	}
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newMatchWorld(t, d)
		places := mustPlaces(t, w.fixture)
		base := volunteering.Score(w.cook, w.popote, places)
		if base.Score != 100 || base.Excluded != "" {
			t.Fatalf("base %+v", base)
		}
		other := w.cook
		other.Availability = volunteering.Slot(time.Wednesday, volunteering.Evening)
		if f := volunteering.Score(other, w.popote, places); f.Time != 0 || f.Score >= base.Score {
			t.Errorf("outside availability: %+v", f)
		}
		other = w.cook
		other.Causes, _ = volunteering.MaskOf(volunteering.Causes, []string{"culture"})
		if f := volunteering.Score(other, w.popote, places); f.Interests != 0 {
			t.Errorf("no shared cause: %d interest points", f.Interests)
		}
		other = w.cook
		other.AgeBand = "16_17"
		if f := volunteering.Score(other, w.adults, places); f.Excluded != volunteering.TooYoung {
			t.Errorf("16-17 for an adults' seat: %q", f.Excluded)
		}
		other.AgeBand = ""
		if f := volunteering.Score(other, w.adults, places); f.Excluded != "" || f.MinAge != 18 {
			t.Errorf("no age band: %+v", f)
		}
		if f := volunteering.Score(w.cook, w.team, places); f.Excluded != volunteering.ForTeams {
			t.Errorf("corporate team for a person: %q", f.Excluded)
		}
		if f := volunteering.Score(w.cook, w.far, places); f.Excluded != volunteering.TooFar || !f.KMKnown || f.KM < 35 {
			t.Errorf("far: %+v", f)
		}
		english := w.remote
		english.Languages, _ = volunteering.MaskOf(volunteering.Languages, []string{"en"})
		f := volunteering.Score(w.cook, english, places)
		if f.LanguageMissing == 0 || f.Score >= volunteering.Score(w.cook, w.remote, places).Score {
			t.Errorf("English needed: %+v", f)
		}
		e := w.s.Explain("fr", w.loc, f)
		if !slices.Contains(e.Cautions, "Demande de parler\u00a0: anglais.") {
			t.Errorf("cautions %v", e.Cautions)
		}
	})
}
