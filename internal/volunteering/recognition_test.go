package volunteering_test

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
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/volunteering"
)

// confirmed declares and confirms hours.
func (f *fixture) confirmed(t *testing.T, userID, orgID int64, day, hours string) {
	t.Helper()
	ctx := context.Background()
	h, err := f.s.DeclareHours(ctx, f.t.ID, userID, volunteering.HoursInput{OrganizationID: orgID, Day: day, Hours: hours, Activity: "Aide"})
	if err != nil {
		t.Fatalf("declare %s %s: %v", day, hours, err)
	}
	if _, err := f.s.ReviewHours(ctx, f.t.ID, h.ID, 0, volunteering.ConfirmHours, "", ""); err != nil {
		t.Fatal(err)
	}
}

func TestMilestonesAndCertificates(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		cab := f.org(t, "Centre d’action bénévole", orgs.Nonprofit)
		lise := f.user(t, "lise@exemple.org", "Lise Hamel")
		f.confirmed(t, lise.ID, fadoq.ID, "2024-10-05", "6")
		f.confirmed(t, lise.ID, fadoq.ID, "2025-03-08", "5") // 11 h: 10 h reached
		for i := range 8 {
			f.confirmed(t, lise.ID, cab.ID, fmt.Sprintf("2025-09-%02d", 10+i), "5") // 51 h on 17 September
		}
		// Pending hours count for nothing.
		if _, err := f.s.DeclareHours(ctx, f.t.ID, lise.ID, volunteering.HoursInput{OrganizationID: cab.ID, Day: "2026-05-01", Hours: "24", Activity: "Aide"}); err != nil {
			t.Fatal(err)
		}
		ms, err := f.s.MilestonesOf(ctx, f.t.ID, lise.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range ms {
			got = append(got, m.Code+"@"+m.ReachedOn.String())
		}
		want := "first@2024-10-05 hours_10@2025-03-08 years_2@2025-03-08 hours_50@2025-09-17"
		if strings.Join(got, " ") != want {
			t.Errorf("milestones\n got %v\nwant %s", got, want)
		}
		// Staff's list for the Semaine de l'action bénévole: the year before.
		list, err := f.s.MilestonesBetween(ctx, f.t.ID, calendar.Date{Year: 2025, Month: 4, Day: 1}, calendar.Date{Year: 2026, Month: 3, Day: 31})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Milestone.Code != "hours_50" || list[0].Person.Name != "Lise Hamel" || list[0].TotalMinutes != 51*60 {
			t.Errorf("recognition list %+v", list)
		}

		// A certificate for 2025: the hours per organisation and a code.
		y25f, y25t := calendar.Date{Year: 2025, Month: 1, Day: 1}, calendar.Date{Year: 2025, Month: 12, Day: 31}
		c, err := f.s.IssueCertificate(ctx, f.t.ID, lise.ID, volunteering.RecognitionCertificate, y25f, y25t, "Lise Hamel")
		if err != nil {
			t.Fatal(err)
		}
		if c.Minutes != 45*60 || len(c.Organizations) != 2 || c.Organizations[0].Organization.ID != cab.ID || len(c.Code) != 14 {
			t.Errorf("certificate %+v", c)
		}
		again, _ := f.s.IssueCertificate(ctx, f.t.ID, lise.ID, volunteering.RecognitionCertificate, y25f, y25t, "Lise Hamel")
		if again.Code != c.Code {
			t.Errorf("same content, new code: %s then %s", c.Code, again.Code)
		}
		v, err := f.s.VerifyCertificate(ctx, f.t.ID, strings.ToLower(strings.ReplaceAll(c.Code, "-", " ")))
		if err != nil || v.HolderName != "Lise Hamel" || v.Minutes != 45*60 || v.Organizations != 2 {
			t.Errorf("verify %+v %v", v, err)
		}
		if _, err := f.s.VerifyCertificate(ctx, f.t.ID, "AAAA-BBBB-CCCC"); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown code: %v", err)
		}
		_, err = f.s.IssueCertificate(ctx, f.t.ID, lise.ID, volunteering.RecognitionCertificate, calendar.Date{Year: 2026, Month: 1, Day: 1},
			calendar.Date{Year: 2026, Month: 12, Day: 31}, "Lise Hamel")
		if !errs.Is(err, errs.Invalid) {
			t.Errorf("no confirmed hours in 2026: %v", err)
		}
		if _, err := f.s.IssueCertificate(ctx, f.t.ID, lise.ID, volunteering.RecognitionCertificate, y25f, y25t, " "); !errs.Is(err, errs.Invalid) {
			t.Errorf("no name: %v", err)
		}
		// The school year 2025-2026 for a student.
		sy := volunteering.SchoolYearOf(calendar.Date{Year: 2025, Month: 9, Day: 17})
		if sy.String() != "2025-2026" || sy.From().String() != "2025-07-01" || sy.To().String() != "2026-06-30" {
			t.Errorf("school year %v %v %v", sy, sy.From(), sy.To())
		}
		if p, ok := volunteering.ParseSchoolYear("2025-2026"); !ok || p != sy {
			t.Error("ParseSchoolYear")
		}
		if _, err := f.s.SaveProfile(ctx, f.t.ID, lise.ID, volunteering.ProfileInput{Student: true, School: "École secondaire Les Seigneuries"}); err != nil {
			t.Fatal(err)
		}
		sc, err := f.s.IssueCertificate(ctx, f.t.ID, lise.ID, volunteering.SchoolAttestation, sy.From(), sy.To(), "Lise Hamel")
		if err != nil || sc.Minutes != 40*60 || sc.School != "École secondaire Les Seigneuries" || sc.Code == c.Code {
			t.Errorf("attestation %+v %v", sc, err)
		}
	})
}

func TestSupplyDemand(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		fadoq := f.org(t, "FADOQ Manseau", orgs.Nonprofit)
		old := f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Popote", PlaceSlug: "manseau", Causes: []string{"food"}})
		f.clock.Set(now.AddDate(0, 0, 10))
		f.opportunity(t, volunteering.Input{OrganizationID: fadoq.ID, Title: "Bingo", PlaceSlug: "manseau", Causes: []string{"seniors"}})
		// Two residents of Manseau: one into food, one into culture (nothing offered).
		a := f.user(t, "a@exemple.org", "A")
		b := f.user(t, "b@exemple.org", "B")
		if _, err := f.s.SaveProfile(ctx, f.t.ID, a.ID, volunteering.ProfileInput{PlaceSlug: "manseau", Causes: []string{"food"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SaveProfile(ctx, f.t.ID, b.ID, volunteering.ProfileInput{PlaceSlug: "manseau", Causes: []string{"culture"}}); err != nil {
			t.Fatal(err)
		}
		c := f.user(t, "c@exemple.org", "C")
		app, _, err := f.s.Apply(ctx, f.t.ID, old.ID, c.ID, volunteering.ApplyInput{}, true)
		if err != nil {
			t.Fatal(err)
		}
		sd, err := f.s.SupplyDemand(ctx, f.t.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sd.Places) != 1 || sd.Places[0].PlaceName != "Manseau" || sd.Places[0].Open != 2 || sd.Places[0].WithoutApplicants != 1 ||
			sd.Places[0].People != 2 || sd.Places[0].PeopleWithoutOpportunity != 1 || sd.Places[0].Waiting != 1 {
			t.Errorf("places %+v", sd.Places)
		}
		if sd.People != 2 || sd.PeopleWithout != 1 || len(sd.Waiting) != 1 || sd.Waiting[0].ID != app.ID {
			t.Errorf("totals %+v", sd)
		}
		// The bingo is new: not yet « without applicants for a week ».
		if len(sd.OpportunitiesWithoutApplicants) != 0 {
			t.Errorf("without applicants %+v", sd.OpportunitiesWithoutApplicants)
		}
		var culture volunteering.CauseSupply
		for _, cs := range sd.Causes {
			if cs.Cause == "culture" {
				culture = cs
			}
		}
		if culture.People != 1 || culture.PeopleWithoutOpportunity != 1 || culture.Open != 0 {
			t.Errorf("culture %+v", culture)
		}
		// Answers: three days later.
		f.clock.Advance(72 * time.Hour)
		if _, err := f.s.Respond(ctx, f.t.ID, app.ID, volunteering.MarkContacted, ""); err != nil {
			t.Fatal(err)
		}
		sd, _ = f.s.SupplyDemand(ctx, f.t.ID)
		if sd.AnsweredCount != 1 || sd.MedianAnswerDays != 3 || sd.AnsweredWithinAWeek != 1 || len(sd.Waiting) != 0 {
			t.Errorf("answers %d %v %d", sd.AnsweredCount, sd.MedianAnswerDays, sd.AnsweredWithinAWeek)
		}
	})
}
