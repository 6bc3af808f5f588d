package orgs_test

import (
	"context"
	"testing"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/testkit"
)

// Seat terms, adopted policies and the accompaniment log refuse a date
// typed out of bounds (9999, 0001) with the years allowed; terms and
// policies may go back to 1900; nothing is saved.
func TestDatesWithinBounds(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		o := f.org(t, "Comité des loisirs de Manseau", orgs.CitizenCommittee, "manseau")
		want := func(err error, years string, fields ...string) {
			t.Helper()
			testkit.WantFields(t, err, fields...)
			e, _ := errs.As(err)
			for _, field := range fields {
				if e.Fields[field] != years {
					t.Errorf("%s: %q, want %q", field, e.Fields[field], years)
				}
			}
		}
		record, happening := calendar.Record.Problem(), calendar.Happening(today).Problem()

		_, err := f.s.AddSeat(ctx, tid, o.ID, orgs.SeatInput{Role: orgs.President, HolderSince: "0001-01-01",
			TermStart: "1850-05-01", TermEnd: "9999-12-31"})
		want(err, record, "holder_since", "term_start", "term_end")
		seats, _ := f.s.Seats(ctx, tid, o.ID)
		if len(seats) != 0 {
			t.Fatalf("%d seats saved", len(seats))
		}
		st := f.seat(t, o.ID, orgs.SeatInput{Role: orgs.President, HolderSince: "1985-09-01", TermStart: "2024-05-01", TermEnd: "2100-05-01"})
		_, err = f.s.UpdateSeat(ctx, tid, o.ID, st.ID, orgs.SeatInput{Role: orgs.President, TermEnd: "31/12/9999"})
		want(err, record, "term_end")
		if seats, _ := f.s.Seats(ctx, tid, o.ID); seats[0].TermEnd.String() != "2100-05-01" {
			t.Errorf("the term end became %s", seats[0].TermEnd)
		}

		for _, day := range []string{"9999-12-31", "0001-01-01"} {
			_, err = f.s.RecordPolicy(ctx, tid, o.ID, orgs.PolicyInput{Kind: orgs.RecognitionPolicy, AdoptedOn: day})
			want(err, record, "adopted_on")
			_, err = f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: o.ID, HappenedOn: day, Topic: "Relève"})
			want(err, happening, "happened_on")
			_, err = f.s.LogAccompaniment(ctx, tid, 0, orgs.AccompanimentInput{OrganizationID: o.ID, HappenedOn: "2026-03-10",
				Topic: "Relève", FollowUpOn: day})
			want(err, happening, "follow_up_on")
		}
		if ps, _ := f.s.Policies(ctx, tid, o.ID); len(ps) != 0 {
			t.Errorf("%d policies saved", len(ps))
		}
		if as, _ := f.s.Accompaniments(ctx, tid, orgs.AccompanimentFilter{}); len(as) != 0 {
			t.Errorf("%d accompaniment entries saved", len(as))
		}
		if _, err := f.s.RecordPolicy(ctx, tid, o.ID, orgs.PolicyInput{Kind: orgs.RecognitionPolicy, AdoptedOn: "1998-06-01"}); err != nil {
			t.Errorf("a policy adopted in 1998: %v", err)
		}
	})
}

// An imported row with a term begun in 1850 is named on its row, in its
// column, with the years allowed; it is not written, the others are.
func TestImportDateOutOfBounds(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		file := "Organisme;Poste;Titulaire;Début du mandat;Fin du mandat\n" +
			"Fabrique de Manseau;Présidence;Luc Houle;1850-05-01;2027-05-01\n" +
			"Club de l’âge d’or de Lemieux;Trésorerie;Lise Hamel;1985-09-01;31/12/9999\n" +
			"Comité des loisirs de Manseau;Secrétariat;Ginette Baril;2024-05-01;2026-05-01\n"
		im, err := f.s.PreviewImport(ctx, tid, 0, "liste.csv", []byte(file))
		if err != nil {
			t.Fatal(err)
		}
		if im.Total != 3 || im.Errors != 2 {
			t.Fatalf("preview %+v", im)
		}
		bad, _, err := f.s.ImportRows(ctx, tid, im.ID, true, 50, 0)
		if err != nil || len(bad) != 2 {
			t.Fatalf("rows with problems %+v, %v", bad, err)
		}
		cat := i18n.MustLoad()
		p := bad[0].Problems[0]
		if bad[0].Line != 2 || p.Column != "Début du mandat" || p.Value != "1850-05-01" ||
			cat.T("fr", p.Key) != "Date hors limites\u00a0: «\u00a01850-05-01\u00a0». L’année doit être entre 1900 et 2100." {
			t.Errorf("row 2: %+v → %q", bad[0], cat.T("fr", p.Key))
		}
		p = bad[1].Problems[0]
		if bad[1].Line != 3 || p.Column != "Fin du mandat" ||
			cat.T("en", p.Key) != "Date out of range: “31/12/9999”. The year must be between 1900 and 2100." {
			t.Errorf("row 3: %+v → %q", bad[1], cat.T("en", p.Key))
		}
		sum, err := f.s.ConfirmImport(ctx, tid, im.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, n, _ := f.s.List(ctx, tid, orgs.Filter{}); n != 1 || sum.OrgsCreated != 1 {
			t.Errorf("%d organisations after the import (%+v), want only the good row's", n, sum)
		}
	})
}
