package training_test

import (
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/testkit"
	"implique/internal/training"
)

// TestOrganizationLearnsNothingOfOwnEnrolments: a manager enrolling a
// member who enrolled on their own gets the answer of a new enrolment;
// the person's enrolment stays as it was, and the organisation's list
// holds only the enrolments it made.
func TestOrganizationLearnsNothingOfOwnEnrolments(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		_, c := f.cohort(t, "4")
		org, err := f.a.Orgs.Create(f.ctx, tid, 0, orgs.Input{Kind: orgs.MunicipalCouncil, Name: "Conseil municipal de Manseau",
			PlaceSlugs: []string{"manseau"}})
		if err != nil {
			t.Fatal(err)
		}
		rita, err := f.s.Enrol(f.ctx, tid, c.ID, training.LearnerInput{Name: "Rita Tremblay", Email: "rita@exemple.org",
			Needs: "Rampe d’accès", Lang: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		paul, err := f.s.Enrol(f.ctx, tid, c.ID, training.LearnerInput{Name: "Paul Hébert", Phone: "819 555-0111", Lang: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		mails := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'rita@exemple.org'`)
		members := []training.LearnerInput{learner("Rita T.", "RITA@exemple.org"), {Name: "Paul H.", Phone: "(819) 555-0111"},
			learner("Guy Roy", "guy@exemple.org")}
		out, err := f.s.EnrolMembers(f.ctx, tid, c.ID, org.ID, 0, members, false)
		if err != nil || len(out) != 3 {
			t.Fatalf("members: %d outcomes, %v", len(out), err)
		}
		for _, o := range out {
			if o.Existing || o.Enrolment.Status != training.Confirmed {
				t.Fatalf("outcome %+v tells the manager something", o)
			}
		}
		list, err := f.s.OfOrganization(f.ctx, tid, org.ID)
		if err != nil || len(list) != 1 || list[0].Name != "Guy Roy" {
			t.Fatalf("the organisation's list: %+v, %v", list, err)
		}
		for _, own := range []training.Outcome{rita, paul} {
			got, err := f.s.Enrolment(f.ctx, tid, own.Enrolment.ID)
			if err != nil || got.OrganizationID != nil || got.Name != own.Enrolment.Name || got.Needs != own.Enrolment.Needs ||
				got.Status != training.Confirmed {
				t.Fatalf("%s's own enrolment changed: %+v, %v", own.Enrolment.Name, got, err)
			}
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM training_enrolments WHERE cohort_id = ?`, c.ID); n != 3 {
			t.Fatalf("%d enrolments, want 3", n)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'rita@exemple.org'`); n != mails {
			t.Fatalf("Rita got %d more messages", n-mails)
		}
		// Again: Rita still gives no sign; Guy, whom the organisation enrolled, is said to be enrolled.
		if _, err := f.s.EnrolMembers(f.ctx, tid, c.ID, org.ID, 0, members[:1], false); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.EnrolMembers(f.ctx, tid, c.ID, org.ID, 0, members[2:], false)
		testkit.WantFields(t, err, "member0_name")
		if _, err := f.s.EnrolMembers(f.ctx, tid, c.ID, org.ID, 0, []training.LearnerInput{learner("Zoé Roy", "zoe@exemple.org")}, false); err != nil {
			t.Fatal(err)
		}
		// The cohort full: the same refusal as for a new person, and with the wait-list nothing is written.
		_, err = f.s.EnrolMembers(f.ctx, tid, c.ID, org.ID, 0, members[:1], false)
		testkit.WantError(t, err, errs.Conflict, "errors.training_full")
		if _, err := f.s.EnrolMembers(f.ctx, tid, c.ID, org.ID, 0, members[:1], true); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM training_enrolments WHERE cohort_id = ?`, c.ID); n != 4 {
			t.Fatalf("%d enrolments, want 4", n)
		}
	})
}
