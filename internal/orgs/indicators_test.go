package orgs_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/orgs"
)

// TestOrgIndicators reads each indicator over 2025 (from 1 January 2025 to
// 1 January 2026, Bécancour's time) for the territory and for places:
// records inside the year count, those before it or on 1 January 2026 do
// not (for a stock: what did not exist yet at the year's end).
func TestOrgIndicators(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		loc := f.t.Location()
		during := time.Date(2025, 6, 1, 12, 0, 0, 0, loc)
		after := time.Date(2026, 2, 1, 12, 0, 0, 0, loc)
		f.clock.Set(during)

		a := f.org(t, "Maison des jeunes", orgs.Nonprofit, "becancour")
		b := f.org(t, "Conseil de Manseau", orgs.MunicipalCouncil, "manseau")
		c := f.org(t, "Comité de Gentilly", orgs.CitizenCommittee, "becancour-gentilly")
		dd := f.org(t, "Table régionale", orgs.PublicBody)
		e := f.org(t, "Loisirs de Gentilly", orgs.Nonprofit, "becancour-gentilly")

		// Accompaniment: a twice and b, e, dd in 2025; c on the day before and
		// on the day after the year.
		for _, x := range []struct {
			org int64
			day string
		}{{a.ID, "2025-06-01"}, {a.ID, "2025-07-01"}, {b.ID, "2025-03-03"}, {e.ID, "2025-05-05"}, {dd.ID, "2025-12-31"},
			{c.ID, "2024-12-31"}, {c.ID, "2026-01-01"}} {
			if _, err := f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: x.org, HappenedOn: x.day, Topic: "Relève"}); err != nil {
				t.Fatal(err)
			}
		}

		// Policies: adopted during the year, before it (still adopted at its
		// end), on 1 January 2026 (not yet); a code of conduct counts for none.
		for _, p := range []struct {
			org  int64
			kind orgs.PolicyKind
			day  string
		}{{a.ID, orgs.RecognitionPolicy, "2025-06-12"}, {c.ID, orgs.RecognitionPolicy, "2024-01-15"},
			{b.ID, orgs.RecognitionPolicy, "2026-01-01"}, {b.ID, orgs.ParticipationPolicy, "2025-02-02"}, {e.ID, orgs.CodeOfConduct, "2025-02-02"}} {
			if _, err := f.s.RecordPolicy(ctx, tid, p.org, orgs.PolicyInput{Kind: p.kind, AdoptedOn: p.day}); err != nil {
				t.Fatal(err)
			}
		}

		// Seats. Vacant at the year's end: a's president, a's secretary (its
		// holder took it in February 2026), b's treasurer. Not: a seat added
		// in 2026.
		staff := func(name string) *orgs.PersonInput { return holder(name, orgs.Key(name)+"@exemple.org") }
		f.seat(t, a.ID, orgs.SeatInput{Title: "Présidence", Role: orgs.President})
		f.seat(t, a.ID, orgs.SeatInput{Title: "Trésorerie", Role: orgs.Treasurer, NewHolder: staff("Paule Un"), Reach: orgs.WholeTerritory,
			HolderSince: "2024-05-01"})
		f.seat(t, a.ID, orgs.SeatInput{Title: "Secrétariat", Role: orgs.Secretary, NewHolder: staff("Pierre Deux"), Reach: orgs.WholeTerritory,
			HolderSince: "2026-02-01"})
		f.seat(t, b.ID, orgs.SeatInput{Title: "Trésorerie", Role: orgs.Treasurer})
		// « Plusieurs chapeaux » at the year's end: Paule (a, b, c) and Jeanne
		// (dd, e). Not: Pierre (dd; a from 2026), Luc (two seats of b), Marc
		// (b; dd from a seat added in 2026).
		f.seat(t, b.ID, orgs.SeatInput{Title: "Mairie", Role: orgs.Mayor, NewHolder: staff("Paule Un"), Reach: orgs.WholeTerritory,
			HolderSince: "2023-01-01"})
		f.seat(t, c.ID, orgs.SeatInput{Title: "Membre", Role: orgs.Member, NewHolder: staff("Paule Un"), Reach: orgs.WholeTerritory,
			TermStart: "2025-09-01"})
		f.seat(t, dd.ID, orgs.SeatInput{Title: "Membre", Role: orgs.Member, NewHolder: staff("Pierre Deux"), Reach: orgs.WholeTerritory,
			HolderSince: "2024-01-01"})
		f.seat(t, dd.ID, orgs.SeatInput{Title: "Coordination", Role: orgs.Coordinator, NewHolder: staff("Jeanne Trois"), Reach: orgs.WholeTerritory})
		f.seat(t, e.ID, orgs.SeatInput{Title: "Présidence", Role: orgs.President, NewHolder: staff("Jeanne Trois"), Reach: orgs.WholeTerritory})
		f.seat(t, b.ID, orgs.SeatInput{Title: "Conseil 1", Role: orgs.Councillor, NewHolder: staff("Luc Quatre"), Reach: orgs.WholeTerritory})
		f.seat(t, b.ID, orgs.SeatInput{Title: "Conseil 2", Role: orgs.Councillor, NewHolder: staff("Luc Quatre"), Reach: orgs.WholeTerritory})
		f.seat(t, b.ID, orgs.SeatInput{Title: "Conseil 3", Role: orgs.Councillor, NewHolder: staff("Marc Cinq"), Reach: orgs.WholeTerritory})

		// Networked: a and b co-organised a forum (recorded in 2025); c and e
		// an atelier, but e was recorded in 2026.
		ev := func(title string) events.Event {
			ev, err := f.events.Create(ctx, tid, 0, events.Input{Kind: events.Forum, Title: title, PlaceSlug: "manseau", VenueName: "Salle",
				StartsAt: time.Date(2025, 7, 1, 13, 0, 0, 0, loc), EndsAt: time.Date(2025, 7, 1, 16, 0, 0, 0, loc)})
			if err != nil {
				t.Fatal(err)
			}
			return ev
		}
		forum, atelier := ev("Forum de la relève"), ev("Atelier des loisirs")
		for _, l := range []struct{ org, ev int64 }{{a.ID, forum.ID}, {b.ID, forum.ID}, {c.ID, atelier.ID}} {
			if err := f.s.LinkEvent(ctx, tid, l.org, l.ev); err != nil {
				t.Fatal(err)
			}
		}

		f.clock.Set(after)
		f.org(t, "Comité des loisirs de Manseau", orgs.CitizenCommittee, "manseau") // created in 2026
		f.seat(t, a.ID, orgs.SeatInput{Title: "Vice-présidence", Role: orgs.VicePresident})
		f.seat(t, dd.ID, orgs.SeatInput{Title: "Membre 2", Role: orgs.Member, NewHolder: staff("Marc Cinq"), Reach: orgs.WholeTerritory})
		if err := f.s.LinkEvent(ctx, tid, e.ID, atelier.ID); err != nil {
			t.Fatal(err)
		}

		year := indicator.Scope{TerritoryID: tid, From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 1, 1, 0, 0, 0, 0, loc)}
		// The values: the territory, becancour (with becancour-gentilly),
		// becancour-gentilly, manseau.
		want := map[string][4]float64{
			orgs.IndicatorAccompanied: {4, 2, 1, 1},
			// b, the council of Manseau; the others accompanied are not a
			// municipality's.
			orgs.IndicatorMunicipalitiesAccompanied: {1, 0, 0, 1},
			orgs.IndicatorNetworked:                 {2, 1, 0, 1},
			orgs.IndicatorRecognition:               {2, 2, 1, 0},
			orgs.IndicatorParticipation:             {1, 0, 0, 1},
			orgs.IndicatorManagement:                {0, 0, 0, 0},
			orgs.IndicatorSeatsVacant:               {3, 2, 0, 1},
			orgs.IndicatorManyHats:                  {2, 2, 2, 1},
			orgs.IndicatorCommittees:                {1, 1, 1, 0},
		}
		defs := f.s.Indicators()
		if len(defs) != len(want) {
			t.Errorf("%d indicators, want %d", len(defs), len(want))
		}
		cat := i18n.MustLoad()
		for _, def := range defs {
			w, ok := want[def.Key]
			if !ok {
				t.Errorf("indicator %s not tested", def.Key)
				continue
			}
			if !def.Unit.Valid() || !def.Places {
				t.Errorf("%s: %+v", def.Key, def)
			}
			for _, lang := range []string{"fr", "en"} {
				for _, k := range []string{"indicator." + def.Key, "indicator." + def.Key + ".help"} {
					if cat[lang][k] == "" {
						t.Errorf("catalog %s has no %s", lang, k)
					}
				}
			}
			for i, place := range []string{"", "becancour", "becancour-gentilly", "manseau"} {
				sc := year
				sc.PlaceSlug = place
				got, err := f.s.Measure(ctx, def.Key, sc)
				if err != nil {
					t.Fatalf("%s at %q: %v", def.Key, place, err)
				}
				if got != w[i] {
					t.Errorf("%s at %q = %v, want %v", def.Key, place, got, w[i])
				}
			}
		}

		// Today, e is networked too, and the seats added in 2026 count.
		now := indicator.Scope{TerritoryID: tid, From: year.To, To: after.Add(time.Hour)}
		for key, w := range map[string]float64{orgs.IndicatorNetworked: 4, orgs.IndicatorSeatsVacant: 3, orgs.IndicatorManyHats: 4,
			orgs.IndicatorRecognition: 3, orgs.IndicatorAccompanied: 1, orgs.IndicatorCommittees: 1,
			orgs.IndicatorMunicipalitiesAccompanied: 0} {
			if got, err := f.s.Measure(ctx, key, now); err != nil || got != w {
				t.Errorf("%s now = %v, %v; want %v", key, got, err, w)
			}
		}

		// Supporting one initiative links dd and e; the support has no date:
		// it counts for 2025 too.
		ini, err := f.community.CreateInitiative(ctx, tid, 0, community.InitiativeInput{Title: "Jardin collectif", PlaceSlug: "manseau"})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range []orgs.Organization{dd, e} {
			if _, err := f.community.AddActor(ctx, tid, ini.ID, community.ActorInput{Name: o.Name, Kind: community.ActorOrganization,
				Supports: []community.SupportKind{community.SupportRoom}, OrganizationID: o.ID}); err != nil {
				t.Fatal(err)
			}
		}
		for i, place := range []string{"", "becancour", "becancour-gentilly", "manseau"} {
			sc := year
			sc.PlaceSlug = place
			if got, err := f.s.Measure(ctx, orgs.IndicatorNetworked, sc); err != nil || got != [4]float64{4, 2, 1, 1}[i] {
				t.Errorf("networked at %q with the initiative = %v, %v", place, got, err)
			}
		}

		if _, err := f.s.Measure(ctx, "orgs.nothing", year); !errs.Is(err, errs.NotFound) || err != indicator.ErrUnknown {
			t.Errorf("unknown key: %v", err)
		}
	})
}
