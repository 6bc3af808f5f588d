package volunteering_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

// TestVolunteeringIndicators reads each indicator over March 2026
// (Bécancour's time) for the territory and for places: what happened in
// March counts, what happened on the last day of February or at midnight
// on 1 April does not.
func TestVolunteeringIndicators(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		march := indicator.Scope{TerritoryID: tid, From: f.at(2026, 3, 1, 0, 0), To: f.at(2026, 4, 1, 0, 0)}
		before, during, atTo := f.at(2026, 2, 28, 23, 30), f.at(2026, 3, 15, 10, 0), march.To

		f.clock.Set(before)
		org := f.org(t, "Centre d’entraide", orgs.Nonprofit)
		biz := map[int]orgs.Organization{}
		for i, name := range []string{"", "Quincaillerie Un", "Boulangerie Deux", "Garage Trois", "Ferme Quatre"} {
			if i > 0 {
				biz[i] = f.org(t, name, orgs.Business)
			}
		}
		opp := func(title string, kind volunteering.Kind, orgID int64, place string) volunteering.Opportunity {
			return f.opportunity(t, volunteering.Input{OrganizationID: orgID, Title: title, Kind: kind, PlaceSlug: place, Remote: place == "",
				ContactName: "Diane", ContactEmail: "diane@exemple.org", ContactPhone: "819-555-0101"})
		}
		// School projects: one at Bécancour posted before March, one at
		// Manseau posted at midnight on 1 April; two posted in March and a
		// remote one count.
		opp("Projet scolaire de février", volunteering.SchoolProject, org.ID, "becancour")
		opp("Équipe de février", volunteering.CorporateOffer, biz[4].ID, "becancour")
		gentilly := opp("Popote de Gentilly", volunteering.Task, org.ID, "becancour-gentilly")
		manseau := opp("Popote de Manseau", volunteering.Task, org.ID, "manseau")
		remote := opp("Appels d’amitié", volunteering.Task, org.ID, "")
		request := opp("Corvée du printemps", volunteering.CorporateRequest, org.ID, "manseau")

		f.clock.Set(during)
		opp("Projet scolaire de Bécancour", volunteering.SchoolProject, org.ID, "becancour")
		opp("Projet scolaire de Manseau", volunteering.SchoolProject, org.ID, "manseau")
		opp("Projet scolaire à distance", volunteering.SchoolProject, org.ID, "")
		opp("Équipe de la quincaillerie", volunteering.CorporateOffer, biz[1].ID, "becancour")
		opp("Équipe de la boulangerie", volunteering.CorporateOffer, biz[2].ID, "manseau")

		u := map[int]int64{}
		for i, name := range []string{"", "Una", "Deux", "Trois", "Quatre", "Cinq", "Six"} {
			if i > 0 {
				u[i] = f.user(t, i18n.Slug(name, 20)+"@exemple.org", name).ID
			}
		}
		apply := func(who int, o volunteering.Opportunity, onBehalf int64) int64 {
			a, _, err := f.s.Apply(ctx, tid, o.ID, u[who], volunteering.ApplyInput{OnBehalfID: onBehalf}, true)
			if err != nil {
				t.Fatalf("apply %d to %s: %v", who, o.Title, err)
			}
			return a.ID
		}
		respond := func(at time.Time, id int64, answer volunteering.Answer) {
			f.clock.Set(at)
			if _, err := f.s.Respond(ctx, tid, id, answer, "Merci de votre intérêt."); err != nil {
				t.Fatal(err)
			}
		}
		// Matched in March: Una twice (Gentilly, Manseau), Quatre (remote).
		// Not: Deux (accepted on 28 February), Trois (at midnight on 1 April),
		// Cinq (declined), Six (a business's team).
		f.clock.Set(before)
		apps := map[string]int64{"deux": apply(2, manseau, 0)}
		respond(before, apps["deux"], volunteering.Accept)
		f.clock.Set(during)
		for k, id := range map[string]int64{"una-g": apply(1, gentilly, 0), "una-m": apply(1, manseau, 0), "trois": apply(3, gentilly, 0),
			"quatre": apply(4, remote, 0), "cinq": apply(5, manseau, 0), "six": apply(6, request, biz[1].ID)} {
			apps[k] = id
		}
		respond(during, apps["una-g"], volunteering.Accept)
		respond(during, apps["una-m"], volunteering.Accept)
		respond(during, apps["quatre"], volunteering.Accept)
		respond(during, apps["cinq"], volunteering.Decline)
		respond(during, apps["six"], volunteering.Accept)
		respond(atTo, apps["trois"], volunteering.Accept)
		opp("Projet scolaire d’avril", volunteering.SchoolProject, org.ID, "manseau")

		// Hours, declared in June: confirmed in March, 2 h at Gentilly, 3 h at
		// Manseau, 1.5 h remote, 1 h without an opportunity, 1 h by an
		// employee of the hardware store. Not: 28 February, 1 April, waiting,
		// rejected.
		f.clock.Set(now)
		hours := func(who int, o *volunteering.Opportunity, employer int64, day, h string, review volunteering.Review) {
			in := volunteering.HoursInput{OrganizationID: org.ID, EmployerID: employer, Day: day, Hours: h, Activity: "Aide"}
			if o != nil {
				in.OpportunityID = o.ID
			}
			e, err := f.s.DeclareHours(ctx, tid, u[who], in)
			if err != nil {
				t.Fatalf("hours %+v: %v", in, err)
			}
			if review != "" {
				if _, err := f.s.ReviewHours(ctx, tid, e.ID, 0, review, "", "Pas ce jour-là"); err != nil {
					t.Fatal(err)
				}
			}
		}
		hours(1, &gentilly, 0, "2026-03-01", "2", volunteering.ConfirmHours)
		hours(1, &manseau, 0, "2026-03-31", "3", volunteering.ConfirmHours)
		hours(2, &remote, 0, "2026-03-15", "1,5", volunteering.ConfirmHours)
		hours(2, nil, 0, "2026-03-15", "1", volunteering.ConfirmHours)
		hours(5, nil, biz[1].ID, "2026-03-20", "1", volunteering.ConfirmHours)
		hours(5, nil, biz[3].ID, "2026-04-01", "1", volunteering.ConfirmHours)
		hours(3, &gentilly, 0, "2026-02-28", "4", volunteering.ConfirmHours)
		hours(3, &gentilly, 0, "2026-04-01", "5", volunteering.ConfirmHours)
		hours(4, &gentilly, 0, "2026-03-10", "6", "")
		hours(4, &manseau, 0, "2026-03-11", "2", volunteering.RejectHours)

		if _, err := f.s.Measure(ctx, volunteering.IndicatorHoursValue, march); !errs.Is(err, errs.Conflict) {
			t.Errorf("the hours' value without a value for an hour: %v", err)
		}
		if err := f.s.SaveSettings(ctx, tid, 0, testkit.Ptr(int64(3000)), "Statistique Canada"); err != nil {
			t.Fatal(err)
		}

		// The values: the territory, becancour (with becancour-gentilly),
		// becancour-gentilly, manseau.
		want := map[string][4]float64{
			volunteering.IndicatorMatched:        {2, 1, 1, 1},
			volunteering.IndicatorHours:          {8.5, 2, 2, 3},
			volunteering.IndicatorHoursValue:     {255, 60, 60, 90},
			volunteering.IndicatorBusinesses:     {2},
			volunteering.IndicatorSchoolProjects: {3, 1, 0, 1},
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
			if !def.Unit.Valid() || def.Stock {
				t.Errorf("%s: %+v", def.Key, def)
			}
			for _, lang := range []string{"fr", "en"} {
				for _, k := range []string{"indicator." + def.Key, "indicator." + def.Key + ".help"} {
					if cat[lang][k] == "" {
						t.Errorf("catalog %s has no %s", lang, k)
					}
				}
			}
			places := []string{"", "becancour", "becancour-gentilly", "manseau"}
			if !def.Places {
				places = places[:1]
			}
			for i, place := range places {
				sc := march
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

		// April holds what came at its first moment.
		april := indicator.Scope{TerritoryID: tid, From: march.To, To: f.at(2026, 5, 1, 0, 0)}
		for key, w := range map[string]float64{volunteering.IndicatorMatched: 1, volunteering.IndicatorHours: 6,
			volunteering.IndicatorBusinesses: 1, volunteering.IndicatorSchoolProjects: 1} {
			if got, err := f.s.Measure(ctx, key, april); err != nil || got != w {
				t.Errorf("%s in April = %v, %v; want %v", key, got, err, w)
			}
		}
		if _, err := f.s.Measure(ctx, "volunteering.nothing", march); err != indicator.ErrUnknown {
			t.Errorf("unknown key: %v", err)
		}
	})
}
