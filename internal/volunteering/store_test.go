package volunteering_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

// otherTerritory makes a second MRC with an organisation and a remote
// opportunity of its own.
func (f *fixture) otherTerritory(t *testing.T) (territory.Territory, orgs.Organization, volunteering.Opportunity) {
	t.Helper()
	ctx := context.Background()
	other, err := f.ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.orgs.Create(ctx, other.ID, 0, orgs.Input{Name: "Centre d’action bénévole du Lac-Saint-Pierre", Kind: orgs.Nonprofit})
	if err != nil {
		t.Fatal(err)
	}
	opp, err := f.s.CreateOpportunity(ctx, other.ID, 0, volunteering.Input{OrganizationID: o.ID, Title: "Aide aux devoirs",
		Kind: volunteering.Task, Schedule: volunteering.Flexible, Remote: true})
	if err != nil {
		t.Fatal(err)
	}
	return other, o, opp
}

func TestOpportunities(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		_, otherOrg, _ := f.otherTerritory(t)

		// Bad input: clear problems, nothing stored.
		_, err := f.s.CreateOpportunity(ctx, f.t.ID, 0, volunteering.Input{OrganizationID: otherOrg.ID, Kind: "chore",
			Schedule: volunteering.OneOff, StartsAt: f.at(2026, 5, 1, 9, 0), PlaceSlug: "montreal", Spots: testkit.Ptr(0),
			MinAge: testkit.Ptr(18), MaxAge: testkit.Ptr(16), Causes: []string{"cirque"}, JebenevoleURL: "https://exemple.org/offre"})
		testkit.WantFields(t, err, "title", "kind", "date", "organization", "place", "spots", "max_age", "causes", "jebenevole_url")
		_, err = f.s.CreateOpportunity(ctx, f.t.ID, 0, volunteering.Input{OrganizationID: fadoq.ID, Title: "Sans lieu", Kind: volunteering.Task,
			Schedule: volunteering.Recurring})
		testkit.WantFields(t, err, "slots", "place")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_opportunities WHERE territory_id = ?`, f.t.ID); n != 0 {
			t.Fatalf("%d opportunities stored from bad input", n)
		}

		o := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "  Popote   roulante ", Schedule: volunteering.Recurring,
			Slots: volunteering.Slot(time.Tuesday, volunteering.Morning) | volunteering.Occasional, PlaceSlug: "manseau", Spots: testkit.Ptr(4),
			Causes: []string{"food", "seniors"}, Skills: []string{"cooking"}, JebenevoleURL: "www.jebenevole.ca/fr/offre/123",
			ContactEmail: "Popote@Exemple.org"})
		if o.Slug != "popote-roulante" || o.Title != "Popote roulante" || o.PlaceName != "Manseau" || o.Organization.Name != "FADOQ Manseau" {
			t.Errorf("created %+v", o)
		}
		if o.JebenevoleURL != "https://www.jebenevole.ca/fr/offre/123" || o.ContactEmail != "popote@exemple.org" {
			t.Errorf("normalised %q %q", o.JebenevoleURL, o.ContactEmail)
		}
		if o.Slots != volunteering.Slot(time.Tuesday, volunteering.Morning) || *o.SpotsLeft() != 4 || !o.Open(now) {
			t.Errorf("slots %b, spots %v", o.Slots, o.SpotsLeft())
		}
		again := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote roulante", Remote: true})
		if again.Slug != "popote-roulante-2" || again.PlaceID != 0 || !again.Remote {
			t.Errorf("second %+v", again)
		}
		day := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Épluchette de blé d’Inde",
			Schedule: volunteering.OneOff, StartsAt: f.at(2026, 8, 22, 13, 0), PlaceSlug: "becancour-gentilly"})
		if day.StartsAt == nil || day.EndsAt == nil || day.EndsAt.Sub(*day.StartsAt) != 3*time.Hour ||
			day.Slots != volunteering.Slot(time.Saturday, volunteering.Afternoon) {
			t.Errorf("one-off %+v", day)
		}

		// Update: the address follows the title; the organisation stays.
		up, err := f.s.UpdateOpportunity(ctx, f.t.ID, o.ID, volunteering.Input{OrganizationID: otherOrg.ID, Title: "Popote roulante du mardi",
			Kind: volunteering.Task, Schedule: volunteering.Recurring, Slots: volunteering.Slot(time.Tuesday, volunteering.Morning),
			PlaceSlug: "manseau", Causes: []string{"food"}})
		if err != nil {
			t.Fatal(err)
		}
		if up.Slug != "popote-roulante-du-mardi" || up.Organization.ID != fadoq.ID || up.Causes.Count() != 1 {
			t.Errorf("updated %+v", up)
		}

		// Matching's packed key follows every write.
		for _, id := range []int64{o.ID, again.ID, day.ID, up.ID} {
			opp, _ := f.s.Opportunity(ctx, f.t.ID, id)
			a, b, err := f.s.StoredPackForTest(id)
			wa, wb := opp.PackedForTest()
			if err != nil || a != wa || b != wb {
				t.Errorf("%q: stored key %x %x, want %x %x (%v)", opp.Title, a, b, wa, wb, err)
			}
		}

		// Lists: place (a ville includes its secteurs), cause, open only.
		list, err := f.s.Opportunities(ctx, f.t.ID, volunteering.Filter{PlaceSlug: "becancour", OpenOnly: true})
		if err != nil || len(list) != 1 || list[0].ID != day.ID {
			t.Errorf("Bécancour: %v %v", list, err)
		}
		list, _ = f.s.Opportunities(ctx, f.t.ID, volunteering.Filter{PlaceSlug: "manseau", IncludeRemote: true})
		if len(list) != 2 {
			t.Errorf("Manseau and remote: %d", len(list))
		}
		list, _ = f.s.Opportunities(ctx, f.t.ID, volunteering.Filter{Cause: "food"})
		if len(list) != 1 || list[0].ID != o.ID {
			t.Errorf("food: %d", len(list))
		}
		if _, err := f.s.Opportunities(ctx, f.t.ID, volunteering.Filter{Cause: "cirque"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("unknown cause: %v", err)
		}
		if err := f.s.SetOpportunityStatus(ctx, f.t.ID, day.ID, false); err != nil {
			t.Fatal(err)
		}
		list, _ = f.s.Opportunities(ctx, f.t.ID, volunteering.Filter{OpenOnly: true})
		if len(list) != 2 {
			t.Errorf("open: %d", len(list))
		}
		// Another territory's opportunity is not found here.
		if _, err := f.s.OpportunityBySlug(ctx, f.t.ID, "aide-aux-devoirs"); !errs.Is(err, errs.NotFound) {
			t.Errorf("other territory's opportunity: %v", err)
		}
	})
}

func TestProfile(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		u := f.user(t, "lise@exemple.org", "Lise Hamel")
		p, err := f.s.Profile(ctx, f.t.ID, u.ID)
		if err != nil || p.Exists() {
			t.Fatalf("no profile yet: %+v %v", p, err)
		}
		shop := f.org(t, "Quincaillerie Manseau", orgs.Nonprofit)
		_, err = f.s.SaveProfile(ctx, f.t.ID, u.ID, volunteering.ProfileInput{PlaceSlug: "paris", Causes: []string{"x"}, MaxKm: testkit.Ptr(500),
			Mobility: "bike", AgeBand: "old", EmployerID: shop.ID})
		testkit.WantFields(t, err, "place", "causes", "max_km", "mobility", "age_band", "employer")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_profiles`); n != 0 {
			t.Fatalf("%d profiles from bad input", n)
		}
		biz := f.org(t, "Alimentation Gentilly", orgs.Business)
		p, err = f.s.SaveProfile(ctx, f.t.ID, u.ID, volunteering.ProfileInput{PlaceSlug: "manseau", Causes: []string{"seniors"},
			Skills: []string{"cooking", "driving"}, Languages: []string{"fr", "en"}, Availability: volunteering.Weekend() | volunteering.Occasional,
			MaxKm: testkit.Ptr(20), Mobility: volunteering.HasCar, AgeBand: "65_74", EmployerID: biz.ID, Digest: true})
		if err != nil {
			t.Fatal(err)
		}
		if !p.Exists() || p.PlaceName != "Manseau" || p.Skills.Count() != 2 || p.EmployerName != "Alimentation Gentilly" ||
			p.Availability&volunteering.Occasional == 0 || *p.MaxKm != 20 {
			t.Errorf("saved %+v", p)
		}
		if !p.Digest || p.DigestConsentAt == nil || p.DigestConsentHow != volunteering.DigestConsentProfile {
			t.Errorf("digest consent not recorded: %+v", p)
		}
		// Saving again keeps the consent's date; unticking records the stop.
		f.clock.Set(now.Add(time.Hour))
		p2, _ := f.s.SaveProfile(ctx, f.t.ID, u.ID, volunteering.ProfileInput{PlaceSlug: "manseau", Digest: true})
		if !p2.DigestConsentAt.Equal(*p.DigestConsentAt) || p2.Skills != 0 {
			t.Errorf("consent date moved or skills kept: %+v", p2)
		}
		p3, _ := f.s.SaveProfile(ctx, f.t.ID, u.ID, volunteering.ProfileInput{})
		if p3.Digest || p3.DigestStoppedAt == nil || p3.PlaceID != 0 {
			t.Errorf("stopped: %+v", p3)
		}
		// Under 14, a parent or tutor agrees (Law 25).
		kid := f.user(t, "enfant@exemple.org", "")
		_, err = f.s.SaveProfile(ctx, f.t.ID, kid.ID, volunteering.ProfileInput{AgeBand: "under_14"})
		testkit.WantFields(t, err, "parent_consent")
		kp, err := f.s.SaveProfile(ctx, f.t.ID, kid.ID, volunteering.ProfileInput{AgeBand: "under_14", ParentConsent: true})
		if err != nil || kp.ParentConsentAt == nil {
			t.Errorf("with consent: %+v %v", kp, err)
		}
		if kp, _ = f.s.SaveProfile(ctx, f.t.ID, kid.ID, volunteering.ProfileInput{AgeBand: "14_15"}); kp.ParentConsentAt != nil {
			t.Error("consent kept after 14")
		}
		if err := f.s.DeleteProfile(ctx, f.t.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ := f.s.Profile(ctx, f.t.ID, u.ID); p.Exists() {
			t.Error("profile still there")
		}
	})
}

func TestApplications(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		o := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote roulante", PlaceSlug: "manseau",
			MinAge: testkit.Ptr(18), ContactEmail: "popote@exemple.org", ContactName: "Diane", ContactPhone: "819-555-0101"})
		lise := f.user(t, "lise@exemple.org", "Lise Hamel")
		mails := func() int { return testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`) }

		a, out, err := f.s.Apply(ctx, f.t.ID, o.ID, lise.ID, volunteering.ApplyInput{Message: "Je cuisine bien !"}, true)
		if err != nil || out.Existing || a.Status != volunteering.New || a.Person.Name != "Lise Hamel" {
			t.Fatalf("%+v %+v %v", a, out, err)
		}
		items, _ := f.outbox.List(ctx, f.t.ID, 5)
		if len(items) != 1 || items[0].To != "popote@exemple.org" || !strings.Contains(items[0].Text, "Lise Hamel") ||
			!strings.Contains(items[0].Text, "/s-impliquer/gestion/offres/") {
			t.Fatalf("organisation not told: %+v", items)
		}
		// Twice: nothing new, nothing sent.
		if _, out, err := f.s.Apply(ctx, f.t.ID, o.ID, lise.ID, volunteering.ApplyInput{}, true); err != nil || !out.Existing {
			t.Errorf("twice: %+v %v", out, err)
		}
		if mails() != 1 {
			t.Errorf("%d e-mails after applying twice", mails())
		}

		// Without an account at first: waits for the person's confirmation.
		gilles := f.user(t, "gilles@exemple.org", "")
		pending, _, err := f.s.Apply(ctx, f.t.ID, o.ID, gilles.ID, volunteering.ApplyInput{Message: "Disponible le matin"}, false)
		if err != nil || pending.Status != volunteering.Unconfirmed {
			t.Fatalf("%+v %v", pending, err)
		}
		list, _ := f.s.ApplicationsFor(ctx, f.t.ID, o.ID)
		if len(list) != 1 {
			t.Errorf("the organisation sees %d applications before confirmation", len(list))
		}
		if _, err := f.s.ConfirmApplication(ctx, f.t.ID, pending.ID, lise.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("someone else confirms: %v", err)
		}
		c, err := f.s.ConfirmApplication(ctx, f.t.ID, pending.ID, gilles.ID)
		if err != nil || c.Status != volunteering.New || c.ConfirmedAt == nil {
			t.Fatalf("confirm: %+v %v", c, err)
		}
		if _, err := f.s.ConfirmApplication(ctx, f.t.ID, pending.ID, gilles.ID); err != nil || mails() != 2 {
			t.Errorf("confirming twice: %v, %d e-mails", err, mails())
		}
		waiting, _ := f.s.WaitingFor(ctx, f.t.ID, []int64{fadoq.ID})
		if len(waiting) != 2 {
			t.Errorf("%d waiting", len(waiting))
		}

		// The profile says 16-17: the opportunity asks for 18.
		teen := f.user(t, "ado@exemple.org", "Ado")
		if _, err := f.s.SaveProfile(ctx, f.t.ID, teen.ID, volunteering.ProfileInput{AgeBand: "16_17"}); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.s.Apply(ctx, f.t.ID, o.ID, teen.ID, volunteering.ApplyInput{}, true)
		testkit.WantFields(t, err, "")

		// Answers: declining needs a kind word; accepting tells the person.
		_, err = f.s.Respond(ctx, f.t.ID, c.ID, volunteering.Decline, " ")
		testkit.WantFields(t, err, "reply")
		acc, err := f.s.Respond(ctx, f.t.ID, a.ID, volunteering.Accept, "À mardi !")
		if err != nil || acc.Status != volunteering.Accepted || acc.RespondedAt == nil {
			t.Fatalf("accept %+v %v", acc, err)
		}
		items, _ = f.outbox.List(ctx, f.t.ID, 1)
		if items[0].To != "lise@exemple.org" || !strings.Contains(items[0].Text, "819-555-0101") || !strings.Contains(items[0].Text, "À mardi !") {
			t.Errorf("acceptance e-mail: %+v", items[0])
		}
		if _, err := f.s.Respond(ctx, f.t.ID, c.ID, volunteering.MarkContacted, ""); err != nil {
			t.Fatal(err)
		}
		dec, err := f.s.Respond(ctx, f.t.ID, c.ID, volunteering.Decline, "Merci, l’équipe est complète pour l’été.")
		if err != nil || dec.Status != volunteering.Declined || !dec.RespondedAt.Equal(*acc.RespondedAt) {
			t.Fatalf("decline %+v %v", dec, err)
		}
		if opp, _ := f.s.Opportunity(ctx, f.t.ID, o.ID); opp.Accepted != 1 || opp.Applicants != 2 || opp.Waiting != 0 {
			t.Errorf("counts %d %d %d", opp.Accepted, opp.Applicants, opp.Waiting)
		}

		// The person follows their applications and may withdraw.
		mine, _ := f.s.ApplicationsOf(ctx, f.t.ID, lise.ID)
		if len(mine) != 1 || mine[0].Opportunity.Title != "Popote roulante" || mine[0].Status != volunteering.Accepted {
			t.Errorf("mine %+v", mine)
		}
		if err := f.s.WithdrawApplication(ctx, f.t.ID, a.ID, gilles.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("withdrawing someone else's: %v", err)
		}
		if err := f.s.WithdrawApplication(ctx, f.t.ID, a.ID, lise.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Respond(ctx, f.t.ID, a.ID, volunteering.Accept, ""); !errs.Is(err, errs.Conflict) {
			t.Errorf("answering a withdrawn application: %v", err)
		}
		back, _, err := f.s.Apply(ctx, f.t.ID, o.ID, lise.ID, volunteering.ApplyInput{Message: "Finalement oui"}, true)
		if err != nil || back.Status != volunteering.New || back.ID != a.ID {
			t.Errorf("applying again after withdrawing: %+v %v", back, err)
		}

		// A closed opportunity takes no application.
		if err := f.s.SetOpportunityStatus(ctx, f.t.ID, o.ID, false); err != nil {
			t.Fatal(err)
		}
		other := f.user(t, "autre@exemple.org", "")
		if _, _, err := f.s.Apply(ctx, f.t.ID, o.ID, other.ID, volunteering.ApplyInput{}, true); !errs.Is(err, errs.Conflict) {
			t.Errorf("closed: %v", err)
		}
		// Another territory's opportunity is not found.
		_, _, theirs := f.otherTerritory(t)
		if _, _, err := f.s.Apply(ctx, f.t.ID, theirs.ID, other.ID, volunteering.ApplyInput{}, true); !errs.Is(err, errs.NotFound) {
			t.Errorf("other territory: %v", err)
		}
	})
}

func TestCorporateVolunteering(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		cab := f.org(t, "Centre d’action bénévole", orgs.Nonprofit)
		biz := f.org(t, "Alimentation Gentilly", orgs.Business)
		req := f.opportunity(t, volunteering.Input{OrganizationID: cab.ID, Title: "Une équipe pour la guignolée", Kind: volunteering.CorporateRequest,
			Schedule: volunteering.OneOff, StartsAt: f.at(2026, 12, 5, 9, 0), PlaceSlug: "becancour-gentilly", Spots: testkit.Ptr(10)})
		boss := f.user(t, "patron@exemple.org", "Patron")
		_, _, err := f.s.Apply(ctx, f.t.ID, req.ID, boss.ID, volunteering.ApplyInput{}, true)
		testkit.WantFields(t, err, "on_behalf")
		_, _, err = f.s.Apply(ctx, f.t.ID, req.ID, boss.ID, volunteering.ApplyInput{OnBehalfID: cab.ID}, true)
		testkit.WantFields(t, err, "on_behalf")
		a, _, err := f.s.Apply(ctx, f.t.ID, req.ID, boss.ID, volunteering.ApplyInput{OnBehalfID: biz.ID, Message: "Huit employés"}, true)
		if err != nil || a.OnBehalfName != "Alimentation Gentilly" {
			t.Fatalf("%+v %v", a, err)
		}
	})
}

func TestHours(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		club := f.org(t, "Club de soccer", orgs.Nonprofit)
		biz := f.org(t, "Alimentation Gentilly", orgs.Business)
		popote := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote roulante", PlaceSlug: "manseau"})
		_, otherOrg, theirs := f.otherTerritory(t)
		lise := f.user(t, "lise@exemple.org", "Lise Hamel")
		none := func() {
			t.Helper()
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM volunteer_hours`); n != 0 {
				t.Fatalf("%d declarations stored from bad input", n)
			}
		}

		for _, c := range []struct {
			name   string
			in     volunteering.HoursInput
			fields []string
		}{
			{"negative", volunteering.HoursInput{OrganizationID: fadoq.ID, Day: "2026-05-30", Hours: "-3", Activity: "Popote"}, []string{"hours"}},
			{"zero", volunteering.HoursInput{OrganizationID: fadoq.ID, Day: "2026-05-30", Hours: "0", Activity: "Popote"}, []string{"hours"}},
			{"more than a day", volunteering.HoursInput{OrganizationID: fadoq.ID, Day: "2026-05-30", Hours: "25", Activity: "Popote"}, []string{"hours"}},
			{"not a number", volunteering.HoursInput{OrganizationID: fadoq.ID, Day: "2026-05-30", Hours: "beaucoup", Activity: "Popote"}, []string{"hours"}},
			{"in the future", volunteering.HoursInput{OrganizationID: fadoq.ID, Day: "2026-06-02", Hours: "2", Activity: "Popote"}, []string{"day"}},
			{"too long ago", volunteering.HoursInput{OrganizationID: fadoq.ID, Day: "2020-01-10", Hours: "2", Activity: "Popote"}, []string{"day"}},
			{"no day, no activity", volunteering.HoursInput{OrganizationID: fadoq.ID, Hours: "2"}, []string{"day", "activity"}},
			{"organisation of another territory", volunteering.HoursInput{OrganizationID: otherOrg.ID, Day: "2026-05-30", Hours: "2", Activity: "Aide"}, []string{"organization"}},
			{"opportunity of another territory", volunteering.HoursInput{OrganizationID: fadoq.ID, OpportunityID: theirs.ID, Day: "2026-05-30", Hours: "2", Activity: "Aide"}, []string{"opportunity"}},
			{"opportunity of another organisation", volunteering.HoursInput{OrganizationID: club.ID, OpportunityID: popote.ID, Day: "2026-05-30", Hours: "2", Activity: "Aide"}, []string{"opportunity"}},
			{"employer not a business", volunteering.HoursInput{OrganizationID: fadoq.ID, EmployerID: club.ID, Day: "2026-05-30", Hours: "2", Activity: "Aide"}, []string{"employer"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.s.DeclareHours(ctx, f.t.ID, lise.ID, c.in)
				testkit.WantFields(t, err, c.fields...)
				none()
			})
		}

		h1, err := f.s.DeclareHours(ctx, f.t.ID, lise.ID, volunteering.HoursInput{OrganizationID: fadoq.ID, OpportunityID: popote.ID,
			Day: "2026-05-30", Hours: "2 h 30", Activity: "Popote du samedi", EmployerID: biz.ID})
		if err != nil || h1.Minutes != 150 || h1.Status != volunteering.HoursDeclared || h1.Opportunity == nil || h1.EmployerName != "Alimentation Gentilly" {
			t.Fatalf("%+v %v", h1, err)
		}
		// Today is fine; 20 more hours on 30 May is not.
		if _, err := f.s.DeclareHours(ctx, f.t.ID, lise.ID, volunteering.HoursInput{OrganizationID: club.ID, Day: "2026-06-01", Hours: "1,5", Activity: "Match"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.DeclareHours(ctx, f.t.ID, lise.ID, volunteering.HoursInput{OrganizationID: club.ID, Day: "2026-05-30", Hours: "22", Activity: "Tournoi"})
		testkit.WantFields(t, err, "hours")
		h3, _ := f.s.DeclareHours(ctx, f.t.ID, lise.ID, volunteering.HoursInput{OrganizationID: fadoq.ID, Day: "2025-11-15", Hours: "4", Activity: "Bazar"})

		// Only confirmed hours count.
		sum, _ := f.s.HoursOf(ctx, f.t.ID, lise.ID)
		if sum.ConfirmedMinutes != 0 || sum.PendingMinutes != 150+90+240 || len(sum.Entries) != 3 {
			t.Errorf("before review %+v", sum)
		}
		waiting, _ := f.s.HoursToReview(ctx, f.t.ID, []int64{fadoq.ID})
		if len(waiting) != 2 || waiting[0].ID != h3.ID || waiting[0].Person.Name != "Lise Hamel" {
			t.Errorf("to review %+v", waiting)
		}
		_, err = f.s.ReviewHours(ctx, f.t.ID, h1.ID, 0, volunteering.CorrectHours, "30", "")
		testkit.WantFields(t, err, "hours")
		_, err = f.s.ReviewHours(ctx, f.t.ID, h1.ID, 0, volunteering.RejectHours, "", "")
		testkit.WantFields(t, err, "note")
		c1, err := f.s.ReviewHours(ctx, f.t.ID, h1.ID, 0, volunteering.CorrectHours, "3", "La popote a fini plus tard.")
		if err != nil || c1.Minutes != 180 || c1.DeclaredMinutes != 150 || !c1.Corrected() || c1.Status != volunteering.HoursConfirmed {
			t.Fatalf("correct %+v %v", c1, err)
		}
		if _, err := f.s.ReviewHours(ctx, f.t.ID, h3.ID, 0, volunteering.ConfirmHours, "", ""); err != nil {
			t.Fatal(err)
		}
		sum, _ = f.s.HoursOf(ctx, f.t.ID, lise.ID)
		if sum.ConfirmedMinutes != 420 || sum.PendingMinutes != 90 {
			t.Errorf("after review %d confirmed, %d pending", sum.ConfirmedMinutes, sum.PendingMinutes)
		}
		if len(sum.ByYear) != 2 || sum.ByYear[0].Year != 2026 || sum.ByYear[0].Minutes != 180 || sum.ByYear[1].Minutes != 240 {
			t.Errorf("by year %+v", sum.ByYear)
		}
		if len(sum.ByOrganization) != 1 || sum.ByOrganization[0].Minutes != 420 || sum.ByOrganization[0].First.String() != "2025-11-15" {
			t.Errorf("by organisation %+v", sum.ByOrganization)
		}
		// A reviewed declaration cannot be withdrawn; a pending one can.
		if err := f.s.WithdrawHours(ctx, f.t.ID, h1.ID, lise.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("withdrawing confirmed hours: %v", err)
		}

		// The businesses' indicator: aggregated, no names.
		biz2, _ := f.s.BusinessHours(ctx, f.t.ID, calendar.Date{Year: 2026, Month: 1, Day: 1}, calendar.Date{Year: 2026, Month: 12, Day: 31})
		if len(biz2) != 1 || biz2[0].Minutes != 180 || biz2[0].Volunteers != 1 {
			t.Errorf("businesses %+v", biz2)
		}
		// Hours valued for funders: not set until staff set it.
		tot, _ := f.s.TotalsBetween(ctx, f.t.ID, calendar.Date{Year: 2025, Month: 1, Day: 1}, calendar.Date{Year: 2026, Month: 12, Day: 31})
		if tot.Minutes != 420 || tot.Volunteers != 1 || tot.ValueCents != nil {
			t.Errorf("totals %+v", tot)
		}
		testkit.WantFields(t, f.s.SaveSettings(ctx, f.t.ID, 0, testkit.Ptr(int64(-5)), ""), "hour_value", "hour_value_source")
		if err := f.s.SaveSettings(ctx, f.t.ID, 0, testkit.Ptr(int64(2750)), "Valeur retenue par le conseil d’administration, 2026"); err != nil {
			t.Fatal(err)
		}
		tot, _ = f.s.TotalsBetween(ctx, f.t.ID, calendar.Date{Year: 2025, Month: 1, Day: 1}, calendar.Date{Year: 2026, Month: 12, Day: 31})
		if tot.ValueCents == nil || *tot.ValueCents != 19250 {
			t.Errorf("7 h at 27,50 $ = %v", tot.ValueCents)
		}
	})
}

func TestParseHours(t *testing.T) {
	for in, want := range map[string]int{"3": 180, "2,5": 150, "2.5": 150, "2 h 30": 150, "2h30": 150, "2h": 120, "1:45": 105,
		"45 min": 45, "0,25": 15, "3 heures": 180, " 4\u00a0h ": 240} {
		if got, neg, ok := volunteering.ParseHours(in); !ok || neg || got != want {
			t.Errorf("ParseHours(%q) = %d %v %v, want %d", in, got, neg, ok, want)
		}
	}
	for _, in := range []string{"", "beaucoup", "2 h 75", "h"} {
		if _, _, ok := volunteering.ParseHours(in); ok {
			t.Errorf("ParseHours(%q) accepted", in)
		}
	}
	if _, neg, _ := volunteering.ParseHours("-2"); !neg {
		t.Error("-2 is not negative")
	}
	if got := volunteering.FormatHours("fr", 150); got != "2,5\u00a0h" {
		t.Errorf("FormatHours = %q", got)
	}
	if got := volunteering.FormatHours("en", 105); got != "1.75\u00a0h" {
		t.Errorf("FormatHours = %q", got)
	}
	if c, ok := volunteering.ParseDollars("27,50 $"); !ok || c != 2750 {
		t.Errorf("ParseDollars = %d %v", c, ok)
	}
}

func TestQuietStoreSendsNothing(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		q := f.s.Quiet()
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		o := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote", PlaceSlug: "manseau", ContactEmail: "popote@exemple.org"})
		lise := f.user(t, "lise@exemple.org", "Lise")
		a, _, err := q.Apply(ctx, f.t.ID, o.ID, lise.ID, volunteering.ApplyInput{}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.Respond(ctx, f.t.ID, a.ID, volunteering.Accept, ""); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`); n != 0 {
			t.Errorf("%d e-mails from the quiet store", n)
		}
		if got, _ := f.s.Application(ctx, f.t.ID, a.ID); got.Status != volunteering.Accepted {
			t.Errorf("status %s", got.Status)
		}
	})
}
