package funding_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/funding"
	"implique/internal/jobs"
	"implique/internal/jobs/jobstest"
	"implique/internal/mail"
	"implique/internal/territory"
	"implique/internal/testkit"
)

// now is the tests' moment: 20 November 2026, 10 h in Québec.
var now = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

type fixture struct {
	a     *app.App
	s     *funding.Store
	t     territory.Territory
	clock *app.Clock
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	a := testkit.App(t, d, now)
	return &fixture{a: a, s: a.Funding, t: testkit.Territory(t, a.Territories), clock: a.Clock}
}

func (f *fixture) create(t testing.TB, in funding.Input) funding.Application {
	t.Helper()
	a, err := f.s.Create(context.Background(), f.t.ID, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestParseMoney(t *testing.T) {
	for _, c := range []struct {
		in    string
		cents int64
		ok    bool
	}{
		{"25 000 $", 25_000_00, true},
		{"25\u00a0000\u00a0$", 25_000_00, true},
		{"25\u202f000,50 $", 25_000_50, true},
		{"25000,50", 25_000_50, true},
		{"25000,5", 25_000_50, true},
		{"25000.05", 25_000_05, true},
		{"$25,000.50", 25_000_50, true},
		{"25,000", 25_000_00, true},
		{"1 250", 1_250_00, true},
		{"0", 0, true},
		{"", 0, false},
		{"$", 0, false},
		{"vingt mille", 0, false},
		{"-500", 0, false},
		{"25000,505", 0, false},
		{"2,50,000", 0, false},
		{"25000,", 0, false},
		{"1e6", 0, false},
		{"9999999999999", 0, false},
	} {
		got, ok := funding.ParseMoney(c.in)
		if ok != c.ok || (ok && got != c.cents) {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d, %v", c.in, got, ok, c.cents, c.ok)
		}
	}
}

func TestApplicationsAndTheirStatus(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()

		// Bad input: every problem named, nothing written.
		_, err := f.s.Create(ctx, f.t.ID, 0, funding.Input{Funder: "  ", Amount: "vingt mille", Deadline: "2999-01-01"})
		e := testkit.WantFields(t, err, "funder", "amount", "deadline")
		if e.Fields["amount"] != "errors.funding_amount" {
			t.Errorf("amount: %q", e.Fields["amount"])
		}
		_, err = f.s.Create(ctx, f.t.ID, 0, funding.Input{Funder: "Centraide", Amount: "0 $", Deadline: "31 février 2027"})
		testkit.WantFields(t, err, "amount", "deadline")
		_, err = f.s.Create(ctx, f.t.ID, 0, funding.Input{Funder: "Centraide", Amount: "20 000 000 $", Deadline: "2027-01-15",
			Program: strings.Repeat("x", 201)})
		testkit.WantFields(t, err, "amount", "program")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM funding_applications`); n != 0 {
			t.Fatalf("%d applications written from refused input", n)
		}

		a := f.create(t, funding.Input{Funder: " Centraide   Centre-du-Québec ", Program: "Initiatives de proximité", Amount: "25 000,50 $",
			Deadline: "2027-01-15", Note: "Pour les communautés"})
		if a.Funder != "Centraide Centre-du-Québec" || a.Asked != 25_000_50 || a.Deadline.String() != "2027-01-15" || a.Status != funding.ToPrepare ||
			a.Granted != nil || !a.DecidedOn.IsZero() {
			t.Fatalf("created %+v", a)
		}
		a, err = f.s.Update(ctx, f.t.ID, a.ID, funding.Input{Funder: "Centraide Centre-du-Québec", Amount: "30000", Deadline: "2027-02-01"})
		if err != nil || a.Asked != 30_000_00 || a.Program != "" || a.Deadline.String() != "2027-02-01" {
			t.Fatalf("updated %+v %v", a, err)
		}
		_, err = f.s.Update(ctx, f.t.ID, a.ID, funding.Input{Funder: "Centraide", Amount: "abc", Deadline: "2027-02-01"})
		testkit.WantFields(t, err, "amount")
		if got, _ := f.s.Get(ctx, f.t.ID, a.ID); got.Funder != "Centraide Centre-du-Québec" || got.Asked != 30_000_00 {
			t.Errorf("a refused edit changed the application: %+v", got)
		}
		_, err = f.s.Update(ctx, f.t.ID+1000, a.ID, funding.Input{Funder: "Autre", Amount: "1", Deadline: "2027-02-01"})
		testkit.WantError(t, err, errs.NotFound, "errors.funding_not_found")

		// Status rules.
		set := func(d funding.Decision) (funding.Application, error) { return f.s.SetStatus(ctx, f.t.ID, a.ID, d) }
		_, err = set(funding.Decision{Status: "accepted", Granted: "1000", DecidedOn: "2026-11-01"})
		testkit.WantFields(t, err, "status")
		_, err = set(funding.Decision{Status: "perdue"})
		testkit.WantFields(t, err, "status")
		if a, err = set(funding.Decision{Status: "submitted"}); err != nil || a.Status != funding.Submitted {
			t.Fatalf("submitted: %+v %v", a, err)
		}
		_, err = set(funding.Decision{Status: "accepted"})
		testkit.WantFields(t, err, "granted", "decided_on")
		_, err = set(funding.Decision{Status: "accepted", Granted: "20 000 $", DecidedOn: "2026-12-01"})
		testkit.WantFields(t, err, "decided_on")
		_, err = set(funding.Decision{Status: "refused", Granted: "20 000 $", DecidedOn: "2026-11-10"})
		testkit.WantFields(t, err, "granted")
		if got, _ := f.s.Get(ctx, f.t.ID, a.ID); got.Status != funding.Submitted {
			t.Fatalf("refused decisions changed the status: %+v", got)
		}
		a, err = set(funding.Decision{Status: "accepted", Granted: "20 000 $", DecidedOn: "2026-11-10"})
		if err != nil || a.Status != funding.Accepted || a.Granted == nil || *a.Granted != 20_000_00 || a.DecidedOn.String() != "2026-11-10" {
			t.Fatalf("accepted: %+v %v", a, err)
		}
		_, err = set(funding.Decision{Status: "refused", DecidedOn: "2026-11-10"})
		testkit.WantFields(t, err, "status")
		// Back to « déposée » to correct a mistake: the decision is forgotten.
		a, err = set(funding.Decision{Status: "submitted"})
		if err != nil || a.Granted != nil || !a.DecidedOn.IsZero() {
			t.Fatalf("back to submitted: %+v %v", a, err)
		}
		a, err = set(funding.Decision{Status: "refused", DecidedOn: "2026-11-10"})
		if err != nil || a.Status != funding.Refused || a.Granted != nil || a.DecidedOn.String() != "2026-11-10" {
			t.Fatalf("refused: %+v %v", a, err)
		}
	})
}

func TestTotalsPerYear(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		// Asked for a deadline in 2027, granted by a decision of 2026.
		early := f.create(t, funding.Input{Funder: "Fondation", Amount: "10 000", Deadline: "2027-01-15"})
		if _, err := f.s.SetStatus(ctx, f.t.ID, early.ID, funding.Decision{Status: "submitted"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SetStatus(ctx, f.t.ID, early.ID, funding.Decision{Status: "accepted", Granted: "8 000", DecidedOn: "2026-11-01"}); err != nil {
			t.Fatal(err)
		}
		f.create(t, funding.Input{Funder: "Centraide", Amount: "5 000", Deadline: "2026-12-01"})
		f.create(t, funding.Input{Funder: "MRC", Amount: "2 500,50", Deadline: "2026-06-01"})
		totals, err := f.s.Totals(ctx, f.t.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(totals) != 2 || totals[0].Year != 2027 || totals[1].Year != 2026 {
			t.Fatalf("totals %+v", totals)
		}
		y27, y26 := totals[0], totals[1]
		if y27.Asked != 10_000_00 || y27.Granted != 0 || y27.Count[funding.Accepted] != 1 || y27.Count[funding.ToPrepare] != 0 {
			t.Errorf("2027: %+v", y27)
		}
		if y26.Asked != 7_500_50 || y26.Granted != 8_000_00 || y26.Count[funding.ToPrepare] != 2 || y26.Count[funding.Accepted] != 0 {
			t.Errorf("2026: %+v", y26)
		}
		// Another territory's applications are not counted.
		if other, err := f.s.Totals(ctx, f.t.ID+1000); err != nil || len(other) != 0 {
			t.Errorf("another territory: %+v %v", other, err)
		}
	})
}

func TestReportsAndDocuments(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a := f.create(t, funding.Input{Funder: "Fondation", Amount: "10 000", Deadline: "2027-01-15"})

		_, err := f.s.AddReport(ctx, f.t.ID, a.ID, funding.ReportInput{Title: "", DueOn: "demain"})
		testkit.WantFields(t, err, "report_title", "due_on")
		r, err := f.s.AddReport(ctx, f.t.ID, a.ID, funding.ReportInput{Title: "Rapport d’étape", DueOn: "2027-03-31"})
		if err != nil || !r.Owed() {
			t.Fatalf("report %+v %v", r, err)
		}
		owed, err := f.s.OwedReports(ctx, f.t.ID)
		if err != nil || len(owed) != 1 || owed[0].Funder != "Fondation" {
			t.Fatalf("owed %+v %v", owed, err)
		}
		_, err = f.s.SubmitReport(ctx, f.t.ID, a.ID, r.ID, "2026-12-01")
		testkit.WantFields(t, err, "submitted_on")
		if r, err = f.s.SubmitReport(ctx, f.t.ID, a.ID, r.ID, ""); err != nil || r.SubmittedOn.String() != "2026-11-20" {
			t.Fatalf("submitted %+v %v", r, err)
		}
		if owed, _ := f.s.OwedReports(ctx, f.t.ID); len(owed) != 0 {
			t.Errorf("a sent report is still owed: %+v", owed)
		}
		if err := f.s.RemoveReport(ctx, f.t.ID, a.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, f.s.RemoveReport(ctx, f.t.ID, a.ID, r.ID), errs.NotFound)

		// Documents: checked by their name and first bytes, bounded in size.
		pdf := []byte("%PDF-1.4\n% lettre de confirmation\n")
		_, err = f.s.AddDocument(ctx, f.t.ID, a.ID, 0, funding.DocumentInput{Title: "Lettre", FileName: "lettre.pdf",
			Data: []byte("<html><script>alert(1)</script></html>")})
		testkit.WantFields(t, err, "file")
		_, err = f.s.AddDocument(ctx, f.t.ID, a.ID, 0, funding.DocumentInput{Title: "", FileName: "gros.pdf",
			Data: append(pdf, make([]byte, funding.MaxFileSize)...)})
		testkit.WantFields(t, err, "document_title", "file")
		_, err = f.s.AddDocument(ctx, f.t.ID, a.ID, 0, funding.DocumentInput{Title: "Rien"})
		testkit.WantFields(t, err, "file")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM funding_documents`) + testkit.Count(t, d, `SELECT COUNT(*) FROM funding_files`); n != 0 {
			t.Fatalf("%d rows written from refused documents", n)
		}
		doc, err := f.s.AddDocument(ctx, f.t.ID, a.ID, 0, funding.DocumentInput{Title: "Lettre de confirmation", FileName: `C:\Documents\lettre.pdf`, Data: pdf})
		if err != nil || doc.FileName != "lettre.pdf" || doc.ContentType != "application/pdf" || doc.Size != int64(len(pdf)) {
			t.Fatalf("document %+v %v", doc, err)
		}
		got, data, err := f.s.File(ctx, f.t.ID, a.ID, doc.ID)
		if err != nil || string(data) != string(pdf) || got.Title != "Lettre de confirmation" {
			t.Fatalf("file %+v %q %v", got, data, err)
		}
		if _, _, err := f.s.File(ctx, f.t.ID+1000, a.ID, doc.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another territory reads the file: %v", err)
		}
		if err := f.s.RemoveDocument(ctx, f.t.ID, a.ID, doc.ID); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM funding_files`); n != 0 {
			t.Errorf("the removed document's content stays (%d)", n)
		}
	})
}

// people creates the territory's accounts: two administrators (one who
// reads English), a disabled administrator, a facilitator and a partner.
func (f *fixture) people(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	as := f.a.Auth
	for _, p := range []struct {
		email, locale string
		role          auth.Role
	}{
		{"direction@exemple.org", "fr", auth.RoleAdministrator},
		{"director@exemple.org", "en", auth.RoleAdministrator},
		{"ancienne@exemple.org", "fr", auth.RoleAdministrator},
		{"anim@exemple.org", "fr", auth.RoleFacilitator},
		{"partenaire@exemple.org", "fr", auth.RolePartner},
	} {
		u, err := as.CreateUser(ctx, auth.NewUser{Email: p.email, Name: "Test " + p.email, Locale: p.locale}, f.t.ID, p.role)
		if err != nil {
			t.Fatal(err)
		}
		if p.email == "ancienne@exemple.org" {
			if err := as.SetDisabled(ctx, u.ID, f.t.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// mails lists the recipients of the outbox's e-mails whose subject holds s.
func (f *fixture) mails(t *testing.T, s string) map[string]mail.Item {
	t.Helper()
	items, err := f.a.Outbox.List(context.Background(), f.t.ID, 500)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]mail.Item{}
	for _, it := range items {
		if strings.Contains(it.Subject, s) {
			out[it.To] = it
		}
	}
	return out
}

func TestRemindersGoOnceToTheAdministrators(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.people(t)
		// Today is 20 November 2026.
		soon := f.create(t, funding.Input{Funder: "Centraide", Program: "Proximité", Amount: "25 000", Deadline: "2026-11-30"})
		sent := f.create(t, funding.Input{Funder: "Déjà déposée", Amount: "1 000", Deadline: "2026-11-25"})
		if _, err := f.s.SetStatus(ctx, f.t.ID, sent.ID, funding.Decision{Status: "submitted"}); err != nil {
			t.Fatal(err)
		}
		f.create(t, funding.Input{Funder: "Plus tard", Amount: "1 000", Deadline: "2027-03-01"})
		report, err := f.s.AddReport(ctx, f.t.ID, sent.ID, funding.ReportInput{Title: "Bilan final", DueOn: "2026-12-04"})
		if err != nil {
			t.Fatal(err)
		}
		done, err := f.s.AddReport(ctx, f.t.ID, sent.ID, funding.ReportInput{Title: "Rapport remis", DueOn: "2026-11-22"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SubmitReport(ctx, f.t.ID, sent.ID, done.ID, ""); err != nil {
			t.Fatal(err)
		}

		n, err := f.s.SendReminders(ctx)
		if err != nil || n != 4 {
			t.Fatalf("sent %d, %v; want 4 (two administrators, an application and a report)", n, err)
		}
		got := f.mails(t, "à déposer")
		if len(got) != 1 {
			t.Fatalf("French reminders of the application: %v", got)
		}
		fr := got["direction@exemple.org"]
		link := "https://implique.exemple.org/admin/financement/" + strconv.FormatInt(soon.ID, 10)
		for _, want := range []string{"Centraide — Proximité", "novembre 2026", "dans 10 jours", link, "Bonjour Test direction@exemple.org"} {
			if !strings.Contains(fr.Subject+"\n"+fr.Text, want) {
				t.Errorf("the French reminder lacks %q:\n%s\n%s", want, fr.Subject, fr.Text)
			}
		}
		en := f.mails(t, "to submit by")["director@exemple.org"]
		if !strings.Contains(en.Subject, "November 30, 2026") || !strings.Contains(en.Text, "in 10 days") || !strings.Contains(en.Text, link) {
			t.Errorf("the English reminder:\n%s\n%s", en.Subject, en.Text)
		}
		reports := f.mails(t, "Bilan final")
		if len(reports) != 2 || !strings.Contains(reports["direction@exemple.org"].Text, "/admin/financement/"+strconv.FormatInt(sent.ID, 10)) {
			t.Errorf("report reminders: %v", reports)
		}
		for _, to := range []string{"ancienne@exemple.org", "anim@exemple.org", "partenaire@exemple.org"} {
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ?`, to); n != 0 {
				t.Errorf("%d reminders went to %s, who is not an active administrator", n, to)
			}
		}

		// Once only, however often the job runs.
		if n, err := f.s.SendReminders(ctx); err != nil || n != 0 {
			t.Fatalf("second run sent %d, %v", n, err)
		}
		// Three days before: the last reminder, once.
		f.clock.Set(time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC))
		if n, err := f.s.SendReminders(ctx); err != nil || n != 2 {
			t.Fatalf("three days before: sent %d, %v", n, err)
		}
		if n, err := f.s.SendReminders(ctx); err != nil || n != 0 {
			t.Fatalf("three days before, again: sent %d, %v", n, err)
		}
		// A report sent before its reminder gets none.
		if _, err := f.s.SubmitReport(ctx, f.t.ID, sent.ID, report.ID, ""); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC))
		if n, err := f.s.SendReminders(ctx); err != nil || n != 0 {
			t.Fatalf("after the report was sent: %d, %v", n, err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM funding_reminders`); n != 6 {
			t.Errorf("%d reminders recorded, want 6", n)
		}
	})
}

func TestRemindJob(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.people(t)
		f.create(t, funding.Input{Funder: "Centraide", Amount: "25 000", Deadline: "2026-11-22"})
		jobstest.Start(t, f.a.Jobs)
		if err := d.InTx(ctx, func(tx *db.Tx) error { return f.a.Jobs.Enqueue(ctx, tx, funding.RemindArgs{}) }); err != nil {
			t.Fatal(err)
		}
		jobstest.WaitUntil(t, 20*time.Second, "the reminders", func() (bool, string) {
			n := testkit.Count(t, d, `SELECT COUNT(*) FROM funding_reminders`)
			return n == 2, strconv.Itoa(n) + " reminders"
		})
	})
}
