package training_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
	"implique/internal/training"
)

// openCohort opens a cohort with one session.
func (f *fixture) openCohort(t *testing.T, programID int64, name, day string) training.Cohort {
	t.Helper()
	c, err := f.s.CreateCohort(f.ctx, f.t.ID, training.CohortInput{ProgramID: programID, Name: name, Price: "0", Places: []string{"becancour"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddSession(f.ctx, f.t.ID, 0, c.ID, training.SessionInput{Date: day, Start: "18 h 30", End: "21:00",
		VenueName: "Salle municipale"}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetStatus(f.ctx, f.t.ID, c.ID, training.Open, ""); err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) inTx(t *testing.T, fn func(tx *db.Tx) error) {
	t.Helper()
	if err := f.d.InTx(f.ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func TestPrivacyHolder(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		var h privacy.Holder = f.s
		var c privacy.Consenter = f.s
		p, open := f.cohort(t, "")
		done := f.openCohort(t, p.ID, "Printemps 2026", "2026-10-06")
		subject := training.LearnerInput{Name: "Alice Tremblay", Email: "alice@exemple.org", Phone: "819 555-0101",
			Needs: "Interprète LSQ", ConsentContact: true, Lang: "fr"}
		other := training.LearnerInput{Name: "Bruno Gagnon", Email: "bruno@exemple.org", Phone: "819 555-0202",
			Needs: "Rampe d’accès", ConsentContact: true, Lang: "fr"}
		for _, cid := range []int64{open.ID, done.ID} {
			for _, in := range []training.LearnerInput{subject, other} {
				if _, err := f.s.Enrol(f.ctx, tid, cid, in); err != nil {
					t.Fatal(err)
				}
			}
		}
		// The spring cohort is over: completed, with certificates.
		if _, err := d.Exec(f.ctx, `UPDATE training_cohorts SET status = 'completed', completed_on = '2026-06-01' WHERE id = ?`, done.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(f.ctx, `UPDATE training_enrolments SET completed = ?, certificate_code = 'C-' || CAST(id AS TEXT) WHERE cohort_id = ?`,
			true, done.ID); err != nil {
			t.Fatal(err)
		}
		sub := privacy.Subject{TerritoryID: tid, Emails: []string{"alice@exemple.org"}}
		byPhone := privacy.Subject{TerritoryID: tid, Phones: []string{"8195550101"}}

		recs, err := h.Find(f.ctx, d, sub)
		if err != nil {
			t.Fatal(err)
		}
		if r2, _ := h.Find(f.ctx, d, byPhone); len(recs) != 2 || len(r2) != 2 {
			t.Fatalf("records %+v, by phone %+v", recs, r2)
		}
		for _, r := range recs {
			for _, fl := range r.Fields {
				if strings.Contains(fl.Value, "Bruno") || strings.Contains(fl.Value, "bruno") || strings.Contains(fl.Value, "Rampe") {
					t.Errorf("another person's value in %+v", r)
				}
			}
		}

		// Consents: the subject's own, withdrawn once; another's is not found.
		cs, err := c.Consents(f.ctx, sub)
		if err != nil || len(cs) != 2 || cs[0].Purpose != privacy.Contact || cs[0].Wording == "" {
			t.Fatalf("consents %+v, %v", cs, err)
		}
		var brunoID int64
		if err := d.QueryRow(f.ctx, `SELECT MIN(id) FROM training_enrolments WHERE email = 'bruno@exemple.org'`).Scan(&brunoID); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, c.Withdraw(f.ctx, sub, privacy.Ref{Table: "training_enrolments", ID: brunoID}), errs.NotFound)
		for i := 0; i < 2; i++ {
			if err := c.Withdraw(f.ctx, sub, cs[0].Ref); err != nil {
				t.Fatal(err)
			}
		}
		if cs, _ = c.Consents(f.ctx, sub); len(cs) != 1 {
			t.Fatalf("after withdrawal %+v", cs)
		}

		// Correct the phone (its key follows).
		f.inTx(t, func(tx *db.Tx) error {
			n, err := f.s.Correct(f.ctx, tx, sub, privacy.Correction{Phone: "(819) 555-0909"})
			if n != 2 {
				t.Errorf("corrected %d", n)
			}
			return err
		})
		if r, _ := h.Find(f.ctx, d, privacy.Subject{TerritoryID: tid, Phones: []string{"8195550909"}}); len(r) != 2 {
			t.Fatalf("by the new phone: %+v", r)
		}

		refs := []privacy.Ref{{Table: "registrations", ID: 1}}
		for _, r := range recs {
			refs = append(refs, r.Ref)
		}
		for i := 0; i < 2; i++ {
			f.inTx(t, func(tx *db.Tx) error {
				kept, err := h.Erase(f.ctx, tx, sub, refs)
				want := []privacy.Kept{{Category: training.PrivacyEnrolments, Reason: "privacy.kept.training.enrolments", Count: 1}}
				if fmt.Sprint(kept) != fmt.Sprint(want) {
					t.Errorf("kept %+v", kept)
				}
				return err
			})
		}
		tables := []string{"training_enrolments", "training_registrations"}
		if l := testkit.Leaks(t, d, []string{"Alice", "alice@exemple.org", "555-0101", "555-0909", "5550909", "LSQ"}, tables...); len(l) > 0 {
			t.Errorf("left after erasure: %v", l)
		}
		if l := testkit.Leaks(t, d, []string{"Bruno Gagnon", "bruno@exemple.org", "Rampe"}, tables...); len(l) != 6 {
			t.Errorf("the other person's data: %v", l)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM training_enrolments WHERE cohort_id = ? AND completed = ?`, done.ID, true); n != 2 {
			t.Errorf("%d completions kept, want 2", n)
		}
		if r, _ := h.Find(f.ctx, d, sub); len(r) != 0 {
			t.Errorf("found after erasure: %+v", r)
		}
	})
}

func TestPrivacyRetention(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tid := f.t.ID
		cutoff := time.Date(2024, 3, 11, 17, 0, 0, 0, time.UTC) // 13 h in Bécancour, 11 March
		p, open := f.cohort(t, "")
		enrol := func(cohort int64, name string) int64 {
			t.Helper()
			out, err := f.s.Enrol(f.ctx, tid, cohort, training.LearnerInput{Name: name, Email: strings.ToLower(name) + "@exemple.org",
				Phone: "819 555-0100", Needs: "Besoin de " + name, ConsentContact: true, Lang: "fr"})
			if err != nil {
				t.Fatal(err)
			}
			return out.Enrolment.ID
		}
		for i, day := range []string{"2024-03-10", "2024-03-11"} {
			c := f.openCohort(t, p.ID, fmt.Sprintf("Cohorte %d", i), "2026-10-06")
			enrol(c.ID, fmt.Sprintf("Ancien%d", i))
			if _, err := d.Exec(f.ctx, `UPDATE training_cohorts SET status = 'completed', completed_on = ? WHERE id = ?`, day, c.ID); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 2 {
			id := enrol(open.ID, fmt.Sprintf("Parti%d", i))
			if err := f.s.WithdrawEnrolment(f.ctx, tid, id); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Exec(f.ctx, `UPDATE training_enrolments SET withdrawn_at = ? WHERE id = ?`,
				cutoff.Add(time.Duration(i*2-1)*time.Minute), id); err != nil {
				t.Fatal(err)
			}
		}
		for _, rule := range f.s.Retention() {
			for run, want := range []int{1, 0} {
				var n int
				f.inTx(t, func(tx *db.Tx) (err error) {
					n, err = f.s.Expire(f.ctx, tx, tid, rule.Key, cutoff)
					return err
				})
				if n != want {
					t.Errorf("%s run %d: %d rows, want %d", rule.Key, run, n, want)
				}
			}
		}
		tables := []string{"training_enrolments"}
		if l := testkit.Leaks(t, d, []string{"Ancien0", "Parti0"}, tables...); len(l) > 0 {
			t.Errorf("left after expiry: %v", l)
		}
		if l := testkit.Leaks(t, d, []string{"Ancien1", "Parti1"}, tables...); len(l) != 6 {
			t.Errorf("expired too much: %v", l)
		}
	})
}
