package orgs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/testkit"
)

func reasonKeys(r orgs.OrgRisk) string {
	var keys []string
	for _, x := range r.Reasons {
		keys = append(keys, strings.TrimPrefix(x.Key, "org.reason."))
	}
	return strings.Join(keys, ",")
}

func riskOf(t *testing.T, r orgs.Radar, name string) orgs.OrgRisk {
	t.Helper()
	for _, o := range r.Orgs {
		if o.Org.Name == name {
			return o
		}
	}
	t.Fatalf("%s is not on the radar", name)
	return orgs.OrgRisk{}
}

func TestRadar(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		staff := orgs.WholeTerritory
		marie := func() *orgs.PersonInput { return holder("Marie Côté", "marie@exemple.org") }

		// Manseau's committee: its president's term ends in 6 weeks, nobody
		// ready; its treasurer's seat is empty.
		loisirs := f.org(t, "Comité des loisirs de Manseau", orgs.CitizenCommittee, "manseau")
		f.seat(t, loisirs.ID, orgs.SeatInput{Role: orgs.President, NewHolder: marie(), Reach: staff, TermStart: "2024-05-01", TermEnd: "2026-05-01"})
		f.seat(t, loisirs.ID, orgs.SeatInput{Role: orgs.Treasurer, OpenToNewcomers: true})
		f.seat(t, loisirs.ID, orgs.SeatInput{Role: orgs.Director, NewHolder: holder("Luc Roy", ""), Reach: staff, TermEnd: "2026-12-31"})

		// Fortierville's club: Marie again (three hats), officers there since 2015.
		club := f.org(t, "Club de l’âge d’or de Fortierville", orgs.Nonprofit, "fortierville")
		f.seat(t, club.ID, orgs.SeatInput{Role: orgs.President, NewHolder: marie(), Reach: staff, HolderSince: "2015-01-10", TermEnd: "2028-01-01"})
		f.seat(t, club.ID, orgs.SeatInput{Role: orgs.Secretary, NewHolder: holder("Paul Roy", "paul@exemple.org"), Reach: staff,
			TermStart: "2014-06-01", TermEnd: "2026-08-01", SuccessorIdentified: true})
		f.seat(t, club.ID, orgs.SeatInput{Role: orgs.Director, NewHolder: marie(), Reach: staff})

		// Lemieux's council: all well.
		conseil := f.org(t, "Conseil municipal de Lemieux", orgs.MunicipalCouncil, "lemieux")
		f.seat(t, conseil.ID, orgs.SeatInput{Role: orgs.Mayor, NewHolder: holder("Jean Pépin", ""), Reach: staff, HolderSince: "2021-11-07", TermEnd: "2029-11-04"})
		f.seat(t, conseil.ID, orgs.SeatInput{Role: orgs.Councillor, NewHolder: holder("Ana Silva", ""), Reach: staff, TermEnd: "2026-11-30"})

		// A committee in Gentilly (a secteur of Bécancour) with one empty seat of two.
		gentilly := f.org(t, "Comité culturel de Gentilly", orgs.CitizenCommittee, "becancour-gentilly")
		f.seat(t, gentilly.ID, orgs.SeatInput{Role: orgs.Coordinator, NewHolder: holder("Lise Noël", ""), Reach: staff})
		f.seat(t, gentilly.ID, orgs.SeatInput{Role: orgs.Member})

		// Nothing recorded yet, serving the whole territory.
		f.org(t, "Transport bénévole de la MRC", orgs.Nonprofit)

		r, err := f.s.Radar(ctx, tid, orgs.RadarFilter{Reach: orgs.WholeTerritory})
		if err != nil {
			t.Fatal(err)
		}
		if r.Today.String() != "2026-03-15" || r.Settings.HatsThreshold != 3 || r.Settings.LongServiceYears != 6 || r.Settings.UpdatedAt != nil {
			t.Errorf("radar of %s with %+v", r.Today, r.Settings)
		}
		want := map[string]struct {
			level   orgs.Level
			reasons string
		}{
			"Comité des loisirs de Manseau":      {orgs.High, "officer_vacant,ending,ending,hats"},
			"Club de l’âge d’or de Fortierville": {orgs.Medium, "hats,long_service"},
			"Conseil municipal de Lemieux":       {orgs.Low, "ending"},
			"Comité culturel de Gentilly":        {orgs.High, "half_vacant,vacant_one"},
			"Transport bénévole de la MRC":       {orgs.Unknown, "no_seats"},
		}
		for name, w := range want {
			risk := riskOf(t, r, name)
			if risk.Level != w.level || reasonKeys(risk) != w.reasons {
				t.Errorf("%s: %s (%s), want %s (%s)", name, risk.Level, reasonKeys(risk), w.level, w.reasons)
			}
		}
		if r.Orgs[0].Level != orgs.High || r.Orgs[len(r.Orgs)-1].Level != orgs.Low {
			t.Errorf("most urgent first: %v … %v", r.Orgs[0].Level, r.Orgs[len(r.Orgs)-1].Level)
		}
		// The reasons carry what the page needs to say them.
		manseau := riskOf(t, r, "Comité des loisirs de Manseau")
		if manseau.Reasons[0].Args[0] != "Trésorerie" {
			t.Errorf("vacant officer reason: %+v", manseau.Reasons[0])
		}
		if e := manseau.Reasons[1]; e.Args[0] != "Présidence" || e.Args[1].(calendar.Date).String() != "2026-05-01" || e.Args[2] != 3 {
			t.Errorf("ending reason: %+v", e)
		}
		if h := manseau.Reasons[3]; h.Args[0] != "Marie Côté" || h.Args[1] != 3 {
			t.Errorf("hats reason: %+v", h)
		}

		// The lists.
		if len(r.Vacant) != 2 || r.Vacant[0].Seat.Role != orgs.Treasurer || r.Vacant[1].Org.Name != "Comité culturel de Gentilly" {
			t.Errorf("vacant: %+v", r.Vacant)
		}
		// Paul's term ends too, but his successor is ready.
		var ending []string
		for _, e := range r.Ending {
			ending = append(ending, fmt.Sprintf("%s/%s/%s/%d", e.Org.Name, e.Seat.Title, e.Seat.TermEnd, e.Months))
		}
		if got := strings.Join(ending, " | "); got != "Comité des loisirs de Manseau/Présidence/2026-05-01/3 | "+
			"Conseil municipal de Lemieux/Conseiller ou conseillère/2026-11-30/12 | "+
			"Comité des loisirs de Manseau/Administrateur ou administratrice/2026-12-31/12" {
			t.Errorf("ending: %s", got)
		}
		if len(r.Hats) != 1 || r.Hats[0].Name != "Marie Côté" || r.Hats[0].Seats != 3 || len(r.Hats[0].Orgs) != 2 {
			t.Errorf("hats: %+v", r.Hats)
		}
		if len(r.LongService) != 1 || r.LongService[0].ID != club.ID {
			t.Errorf("long service: %+v", r.LongService)
		}
		// Coverage: 10 seats, 2 vacant, 8 held by 6 people.
		if c := r.Total; c.Orgs != 5 || c.Seats != 10 || c.Vacant != 2 || c.Held != 8 || c.People != 6 || c.High != 2 || c.Medium != 1 {
			t.Errorf("total %+v", c)
		}
		if got := r.Total.SeatsPerPerson(); got < 1.33 || got > 1.34 {
			t.Errorf("seats per person %v", got)
		}
		if l := r.Total.Level(); l != orgs.High { // 2 of 5 organisations at high risk
			t.Errorf("territory level %s", l)
		}
		for _, c := range []struct {
			c    orgs.Coverage
			want orgs.Level
		}{
			{orgs.Coverage{}, orgs.Unknown},
			{orgs.Coverage{Orgs: 4, Seats: 20, Held: 20, People: 20}, orgs.Low},
			{orgs.Coverage{Orgs: 4, Seats: 20, Held: 20, People: 10}, orgs.Medium},
			{orgs.Coverage{Orgs: 4, Seats: 20, Held: 19, Vacant: 1, People: 19, Medium: 1}, orgs.Medium},
			{orgs.Coverage{Orgs: 4, Seats: 20, Held: 15, Vacant: 5, People: 15}, orgs.High},
			{orgs.Coverage{Orgs: 3, Seats: 20, Held: 20, People: 20, High: 1}, orgs.High},
			{orgs.Coverage{Orgs: 4, Seats: 20, Held: 20, People: 20, High: 1}, orgs.Medium},
		} {
			if got := c.c.Level(); got != c.want {
				t.Errorf("Level(%+v) = %s, want %s", c.c, got, c.want)
			}
		}
		var placeNames []string
		for _, p := range r.Places {
			placeNames = append(placeNames, p.Place.Name)
			if p.Place.Name == "Manseau" && (p.Seats != 3 || p.Vacant != 1 || p.People != 2 || p.High != 1) {
				t.Errorf("Manseau %+v", p)
			}
		}
		if got := strings.Join(placeNames, ","); got != "Fortierville,Gentilly,Lemieux,Manseau," {
			t.Errorf("places %s", got)
		}

		// A place: Bécancour includes its secteur of Gentilly; counts stay territory-wide.
		byPlace, err := f.s.Radar(ctx, tid, orgs.RadarFilter{PlaceSlug: "becancour", Reach: orgs.WholeTerritory})
		if err != nil || len(byPlace.Orgs) != 1 || byPlace.Orgs[0].Org.ID != gentilly.ID {
			t.Fatalf("Bécancour: %+v %v", byPlace.Orgs, err)
		}
		// One organisation, for staff: Marie's hats still count all her seats, naming only this organisation.
		one, err := f.s.Radar(ctx, tid, orgs.RadarFilter{OrganizationID: club.ID, Reach: orgs.WholeTerritory})
		if err != nil || len(one.Orgs) != 1 || len(one.Places) != 0 || len(one.Hats) != 1 || len(one.Hats[0].Orgs) != 1 ||
			one.Hats[0].Orgs[0].ID != club.ID || one.Hats[0].Seats != 3 || len(one.Vacant) != 0 {
			t.Errorf("one organisation: %+v %v", one, err)
		}
		risk, _, err := f.s.Risk(ctx, tid, club.ID, orgs.WholeTerritory)
		if err != nil || risk.Level != orgs.Medium || reasonKeys(risk) != "hats,long_service" {
			t.Errorf("risk %+v %v", risk, err)
		}
		// Its managers' view knows nothing of Marie's seats elsewhere: no hats.
		own, ownRadar, err := f.s.Risk(ctx, tid, club.ID, orgs.OwnOrganization)
		if err != nil || own.Level != orgs.Medium || reasonKeys(own) != "long_service" || len(ownRadar.Hats) != 0 || ownRadar.Total.People != 2 {
			t.Errorf("the managers' risk %+v (%s) %+v %v", own, reasonKeys(own), ownRadar.Total, err)
		}

		// Settings: bad values refused; four hats and ten years calm the radar down.
		testkit.WantFields(t, f.s.SaveSettings(ctx, tid, orgs.SettingsInput{HatsThreshold: "1", LongServiceYears: "beaucoup"}), "hats_threshold", "long_service_years")
		for range 2 {
			if err := f.s.SaveSettings(ctx, tid, orgs.SettingsInput{HatsThreshold: " 4 ", LongServiceYears: "12"}); err != nil {
				t.Fatal(err)
			}
		}
		r, _ = f.s.Radar(ctx, tid, orgs.RadarFilter{Reach: orgs.WholeTerritory})
		if r.Settings.HatsThreshold != 4 || r.Settings.UpdatedAt == nil || len(r.Hats) != 0 || len(r.LongService) != 0 {
			t.Errorf("after settings: %+v hats %v long %v", r.Settings, r.Hats, r.LongService)
		}
		if risk := riskOf(t, r, "Club de l’âge d’or de Fortierville"); risk.Level != orgs.Low {
			t.Errorf("club after settings: %s (%s)", risk.Level, reasonKeys(risk))
		}

		// Another territory's radar is empty.
		other := f.otherTerritory(t)
		if or, err := f.s.Radar(ctx, other.ID, orgs.RadarFilter{}); err != nil || len(or.Orgs) != 0 || or.Total.Seats != 0 {
			t.Errorf("other territory: %+v %v", or, err)
		}
		if _, _, err := f.s.Risk(ctx, other.ID, club.ID, orgs.WholeTerritory); !errs.Is(err, errs.NotFound) {
			t.Errorf("risk across territories: %v", err)
		}
	})
}

func TestAccompanimentPoliciesIndicators(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		a := f.org(t, "Maison des jeunes de Bécancour", orgs.Nonprofit, "becancour")
		b := f.org(t, "Conseil municipal de Manseau", orgs.MunicipalCouncil, "manseau")
		c := f.org(t, "École Sainte-Marie", orgs.School, "sainte-marie-de-blandford")

		// The log: bad input, then entries with follow-ups.
		_, err := f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: 999999, HappenedOn: "32/01/2026", FollowUpOn: "demain"})
		testkit.WantFields(t, err, "organization", "happened_on", "topic", "follow_up_on")
		_, err = f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: a.ID, HappenedOn: "2026-03-01", Topic: "Relève",
			FollowUpOn: "2026-02-01"})
		testkit.WantFields(t, err, "follow_up_on")
		e1, err := f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: a.ID, HappenedOn: "2026-03-01",
			Topic: "Préparer l’assemblée générale", People: "La présidente et la coordonnatrice", Notes: "Deux postes à combler.",
			NextStep: "Envoyer le modèle d’avis de convocation", FollowUpOn: "2026-03-10"})
		if err != nil {
			t.Fatal(err)
		}
		if e1.Org.Name != a.Name || e1.HappenedOn.String() != "2026-03-01" || !e1.Due(calendar.Date{Year: 2026, Month: 3, Day: 15}) {
			t.Errorf("entry %+v", e1)
		}
		if _, err := f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: b.ID, HappenedOn: "2026-03-14",
			Topic: "Politique de participation citoyenne", FollowUpOn: "2026-04-30"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: c.ID, HappenedOn: "2025-11-20", Topic: "Bénévolat des élèves"}); err != nil {
			t.Fatal(err)
		}
		day, _ := f.s.Today(ctx, tid)
		due, err := f.s.Accompaniments(ctx, tid, orgs.AccompanimentFilter{DueBy: day})
		if err != nil || len(due) != 1 || due[0].ID != e1.ID {
			t.Fatalf("due: %+v %v", due, err)
		}
		all, _ := f.s.Accompaniments(ctx, tid, orgs.AccompanimentFilter{})
		if len(all) != 3 || all[0].Org.ID != b.ID || all[2].Org.ID != c.ID {
			t.Errorf("log newest first: %+v", all)
		}
		if mine, _ := f.s.Accompaniments(ctx, tid, orgs.AccompanimentFilter{OrganizationID: c.ID}); len(mine) != 1 {
			t.Errorf("per organisation: %d", len(mine))
		}
		if err := f.s.FollowUpDone(ctx, tid, e1.ID, true); err != nil {
			t.Fatal(err)
		}
		if due, _ := f.s.Accompaniments(ctx, tid, orgs.AccompanimentFilter{DueBy: day}); len(due) != 0 {
			t.Errorf("done follow-up still due: %+v", due)
		}

		// Policies: recorded, corrected, with a document kept when none is sent.
		_, err = f.s.RecordPolicy(ctx, tid, a.ID, orgs.PolicyInput{Kind: "rules", AdoptedOn: "", DocumentURL: "ftp://x",
			Document: []byte("MZ"), DocumentType: "application/x-msdownload"})
		testkit.WantFields(t, err, "kind", "adopted_on", "document_url", "document")
		p, err := f.s.RecordPolicy(ctx, tid, a.ID, orgs.PolicyInput{Kind: orgs.RecognitionPolicy, AdoptedOn: "12/06/2025",
			Document: []byte("%PDF-1.4 politique"), DocumentType: "application/pdf", DocumentName: "Politique de reconnaissance.pdf"})
		if err != nil {
			t.Fatal(err)
		}
		if !p.HasDocument || p.AdoptedOn.String() != "2025-06-12" {
			t.Errorf("policy %+v", p)
		}
		p2, err := f.s.RecordPolicy(ctx, tid, a.ID, orgs.PolicyInput{Kind: orgs.RecognitionPolicy, AdoptedOn: "2025-06-19", DocumentURL: "https://mdj.exemple/politique"})
		if err != nil || p2.ID != p.ID || !p2.HasDocument || p2.AdoptedOn.String() != "2025-06-19" || p2.DocumentURL == "" {
			t.Errorf("corrected %+v %v", p2, err)
		}
		name, typ, data, err := f.s.PolicyDocument(ctx, tid, a.ID, p.ID)
		if err != nil || name != "Politique de reconnaissance.pdf" || typ != "application/pdf" || string(data) != "%PDF-1.4 politique" {
			t.Errorf("document %q %q %q %v", name, typ, data, err)
		}
		if _, _, _, err := f.s.PolicyDocument(ctx, tid, b.ID, p.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("document through another organisation: %v", err)
		}
		if _, err := f.s.RecordPolicy(ctx, tid, b.ID, orgs.PolicyInput{Kind: orgs.RecognitionPolicy, AdoptedOn: "2024-01-15"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.RecordPolicy(ctx, tid, b.ID, orgs.PolicyInput{Kind: orgs.CodeOfConduct, AdoptedOn: "2024-01-15"}); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.s.Policies(ctx, tid, b.ID); len(list) != 2 || list[0].Kind != orgs.RecognitionPolicy {
			t.Errorf("policies of b: %+v", list)
		}

		// Events co-organised: a and b share one, c is alone on another.
		loc := f.t.Location()
		ev := func(title string) events.Event {
			e, err := f.events.Create(ctx, tid, 0, events.Input{Kind: events.Forum, Title: title, PlaceSlug: "manseau", VenueName: "Salle",
				StartsAt: time.Date(2026, 2, 1, 13, 0, 0, 0, loc), EndsAt: time.Date(2026, 2, 1, 16, 0, 0, 0, loc)})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		forum, atelier := ev("Forum de la relève"), ev("Atelier des écoles")
		for range 2 {
			if err := f.s.LinkEvent(ctx, tid, a.ID, forum.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.LinkEvent(ctx, tid, b.ID, forum.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.LinkEvent(ctx, tid, c.ID, atelier.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantFields(t, f.s.LinkEvent(ctx, tid, c.ID, 999999), "event")
		linked, err := f.s.Events(ctx, tid, a.ID)
		if err != nil || len(linked) != 1 || len(linked[0].Others) != 1 || linked[0].Others[0].ID != b.ID {
			t.Errorf("events of a: %+v %v", linked, err)
		}

		ind, err := f.s.YearIndicators(ctx, tid)
		if err != nil {
			t.Fatal(err)
		}
		// This year: a and b accompanied (c was last year); a and b networked.
		if ind.Year != 2026 || ind.Organizations != 3 || ind.Accompanied != 2 || ind.Networked != 2 || ind.AccompaniedAndNetworked != 2 {
			t.Errorf("indicators %+v", ind)
		}
		if ind.Policies[0].Kind != orgs.RecognitionPolicy || ind.Policies[0].Adopted != 2 || ind.Policies[0].Share < 0.66 ||
			ind.Policies[3].Adopted != 1 || ind.Policies[1].Adopted != 0 {
			t.Errorf("policy shares %+v", ind.Policies)
		}
		refs, days, err := f.s.Adopters(ctx, tid, orgs.RecognitionPolicy)
		if err != nil || len(refs) != 2 || refs[0].ID != b.ID || days[0].String() != "2024-01-15" {
			t.Errorf("adopters %+v %v %v", refs, days, err)
		}
		if err := f.s.UnlinkEvent(ctx, tid, b.ID, forum.ID); err != nil {
			t.Fatal(err)
		}
		if ind, _ := f.s.YearIndicators(ctx, tid); ind.Networked != 0 {
			t.Errorf("networked after unlinking: %d", ind.Networked)
		}
		if err := f.s.RemovePolicy(ctx, tid, b.ID, p.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("remove through another organisation: %v", err)
		}
		if err := f.s.RemovePolicy(ctx, tid, a.ID, p.ID); err != nil {
			t.Fatal(err)
		}

		// Another territory sees none of it.
		other := f.otherTerritory(t)
		if list, _ := f.s.Accompaniments(ctx, other.ID, orgs.AccompanimentFilter{}); len(list) != 0 {
			t.Errorf("log across territories: %d", len(list))
		}
		if err := f.s.FollowUpDone(ctx, other.ID, e1.ID, false); !errs.Is(err, errs.NotFound) {
			t.Errorf("follow-up across territories: %v", err)
		}
		if _, err := f.s.LogAccompaniment(ctx, other.ID, 0, orgs.AccompanimentInput{OrganizationID: a.ID, HappenedOn: "2026-03-01", Topic: "X"}); err == nil {
			t.Error("log for another territory's organisation")
		}
		if ind, _ := f.s.YearIndicators(ctx, other.ID); ind.Organizations != 0 || ind.Accompanied != 0 || ind.Policies[0].Adopted != 0 {
			t.Errorf("indicators across territories: %+v", ind)
		}
		if err := f.s.LinkEvent(ctx, other.ID, a.ID, forum.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("link across territories: %v", err)
		}
	})
}
