package training_test

import (
	"regexp"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/testkit"
	"implique/internal/training"
)

var mailedLinkRe = regexp.MustCompile(`/formations/mes-formations/([A-Za-z0-9_.-]+)`)

// mailedToken is the token of the newest « Mes formations » link e-mailed
// to addr.
func (f *fixture) mailedToken(t *testing.T, addr string) string {
	t.Helper()
	items, err := f.a.Outbox.List(f.ctx, f.t.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.To == addr {
			if m := mailedLinkRe.FindStringSubmatch(it.Text); m != nil {
				return m[1]
			}
		}
	}
	t.Fatalf("no link e-mailed to %s", addr)
	return ""
}

func ids(list []training.Enrolment) []int64 {
	var out []int64
	for _, e := range list {
		out = append(out, e.ID)
	}
	return out
}

// TestMineOpensOnlyWhatTheLinkProves: the link shown on screen after an
// enrolment opens that enrolment only, whatever e-mail or phone was
// typed; the person's enrolments are grouped only when the address is
// proven (the link e-mailed to it, or the signed-in account's address);
// never by phone.
func TestMineOpensOnlyWhatTheLinkProves(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		p, first := f.cohort(t, "")
		second, err := f.s.CreateCohort(f.ctx, tid, training.CohortInput{ProgramID: p.ID, Name: "Hiver 2027", Places: []string{"becancour"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddSession(f.ctx, tid, 0, second.ID, training.SessionInput{Date: "2027-01-12", Start: "18:30", End: "21:00",
			VenueName: "Salle"}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetStatus(f.ctx, tid, second.ID, training.Open, ""); err != nil {
			t.Fatal(err)
		}
		// Alice, in the first cohort; Paul, known by phone only.
		alice, err := f.s.Enrol(f.ctx, tid, first.ID, training.LearnerInput{Name: "Alice Bédard", Email: "alice@exemple.org", Lang: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		paul, err := f.s.Enrol(f.ctx, tid, first.ID, training.LearnerInput{Name: "Paul Hébert", Phone: "819 555-0111", Lang: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		// Someone enrols in the second cohort with Alice's address, then
		// with Paul's phone: the links shown open their own enrolment only.
		withEmail, err := f.s.Enrol(f.ctx, tid, second.ID, training.LearnerInput{Name: "Mallory", Email: "ALICE@exemple.org", Lang: "fr"})
		if err != nil || withEmail.Token == "" {
			t.Fatalf("enrol: %+v, %v", withEmail, err)
		}
		withPhone, err := f.s.Enrol(f.ctx, tid, second.ID, training.LearnerInput{Name: "Mallory", Phone: "(819) 555-0111", Lang: "fr"})
		if err != nil || withPhone.Token == "" {
			t.Fatalf("enrol: %+v, %v", withPhone, err)
		}
		for name, tok := range map[string]string{"e-mail": withEmail.Token, "phone": withPhone.Token} {
			list, err := f.s.Mine(f.ctx, tok, "")
			if err != nil || len(list) != 1 || list[0].Name != "Mallory" {
				t.Fatalf("the link shown after an enrolment with another's %s opens %v (%v)", name, ids(list), err)
			}
		}
		// Paul's own link shown on screen: his enrolment only, never grouped by phone.
		if list, err := f.s.Mine(f.ctx, paul.Token, ""); err != nil || len(list) != 1 || list[0].ID != paul.Enrolment.ID {
			t.Fatalf("Paul's link opens %v (%v)", ids(list), err)
		}
		// The screen link of Alice, too, opens only its own.
		if list, err := f.s.Mine(f.ctx, alice.Token, ""); err != nil || len(list) != 1 {
			t.Fatalf("Alice's screen link opens %v (%v)", ids(list), err)
		}
		// The link e-mailed to Alice proves the address: both enrolments under it.
		mailed := f.mailedToken(t, "alice@exemple.org")
		list, err := f.s.Mine(f.ctx, mailed, "")
		if err != nil || len(list) != 2 {
			t.Fatalf("Alice's e-mailed link opens %v (%v)", ids(list), err)
		}
		// So does her signed-in account's address, with the screen link.
		if list, err := f.s.Mine(f.ctx, alice.Token, "Alice@Exemple.org"); err != nil || len(list) != 2 {
			t.Fatalf("Alice signed in opens %v (%v)", ids(list), err)
		}
		// Another address signed in proves nothing.
		if list, err := f.s.Mine(f.ctx, withEmail.Token, "mallory@exemple.org"); err != nil || len(list) != 1 {
			t.Fatalf("another account opens %v (%v)", ids(list), err)
		}
		// A forged proof opens nothing.
		_, err = f.s.Mine(f.ctx, alice.Token+".pas-une-preuve", "")
		testkit.WantError(t, err, errs.NotFound, "errors.training_enrolment_not_found")
	})
}
