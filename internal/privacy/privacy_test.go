package privacy_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/territory"
	"implique/internal/testkit"
	"implique/internal/web"
)

// now is the tests' moment: 5 December 2026, 10 h in Québec.
var now = time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC)

type fixture struct {
	a   *app.App
	s   *privacy.Store
	t   territory.Territory
	dir string
}

// newFixture wires the application with a data directory, so that the
// deletion log has its file.
func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	clock := &app.Clock{}
	clock.Set(now)
	dir := t.TempDir()
	a, err := app.New(app.Config{DB: d, Web: web.Config{BaseURL: testkit.BaseURL}, From: testkit.From, Clock: clock, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{a: a, s: a.Privacy, t: testkit.Territory(t, a.Territories), dir: dir}
}

func (f *fixture) ask(t *testing.T, email, details string) privacy.Request {
	t.Helper()
	r, err := f.s.Ask(context.Background(), f.t.ID, email, privacy.Question, details)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPersonFindArchiveErase(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.ask(t, "Alice.Tremblay@exemple.org", "Mon nom est mal écrit : Alice Tremblay-Essai")
		f.ask(t, "bob@exemple.org", "Question de Bob Gagnon-Essai")
		alice := privacy.NewSubject(f.t.ID, 0, []string{" ALICE.tremblay@exemple.org "}, nil)

		recs, err := f.s.Find(ctx, alice)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || recs[0].Category != "privacy.requests" {
			t.Fatalf("records = %+v, want Alice's one request", recs)
		}
		for _, fl := range recs[0].Fields {
			if strings.Contains(fl.Value, "Bob") || strings.Contains(fl.Value, "bob@") {
				t.Fatalf("Alice's records show Bob's data: %+v", recs)
			}
		}

		var buf bytes.Buffer
		if err := f.s.WriteArchive(ctx, &buf, alice, "fr"); err != nil {
			t.Fatal(err)
		}
		z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		for _, zf := range z.File {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			files[zf.Name] = string(b)
		}
		var got struct{ Records []privacy.Record }
		if err := json.Unmarshal([]byte(files["donnees.json"]), &got); err != nil {
			t.Fatalf("donnees.json: %v\n%s", err, files["donnees.json"])
		}
		if len(got.Records) != 1 || !strings.Contains(files["donnees.json"], "Alice Tremblay-Essai") {
			t.Errorf("donnees.json = %s", files["donnees.json"])
		}
		csv := files["privacy.requests.csv"]
		if !strings.HasPrefix(csv, "\ufeff") || !strings.Contains(csv, "Alice Tremblay-Essai") || strings.Contains(csv, "Bob") {
			t.Errorf("privacy.requests.csv = %q", csv)
		}

		er, err := f.s.Erase(ctx, alice, 0)
		if err != nil {
			t.Fatal(err)
		}
		if er.Rows != 1 {
			t.Errorf("erased %d rows, want 1", er.Rows)
		}
		if recs, _ := f.s.Find(ctx, alice); len(recs) != 0 {
			t.Errorf("after erasure, records = %+v", recs)
		}
		if recs, _ := f.s.Find(ctx, privacy.NewSubject(f.t.ID, 0, []string{"bob@exemple.org"}, nil)); len(recs) != 1 {
			t.Errorf("Bob's request was touched: %+v", recs)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM privacy_requests WHERE details LIKE '%Alice%' OR email LIKE '%alice%'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("Alice is still in privacy_requests: %d, %v", n, err)
		}
		log, err := os.ReadFile(filepath.Join(f.dir, "privacy-deletions.log"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(string(log)), "alice") {
			t.Errorf("the deletion log holds personal data: %s", log)
		}
		if _, err := f.s.Erase(ctx, privacy.Subject{TerritoryID: f.t.ID}, 0); !errs.Is(err, errs.NotFound) {
			t.Errorf("erasing nobody: %v", err)
		}
	})
}

func TestReplayAfterRestore(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		r := f.ask(t, "alice@exemple.org", "Alice Tremblay-Essai")
		// Alice also has an account and an event registration.
		w := newEverywhere(t, f)
		u, err := f.a.Auth.CreateUser(ctx, auth.NewUser{Email: "alice@exemple.org", Name: "Alice Tremblay-Essai"}, f.t.ID, auth.RoleCitizen)
		if err != nil {
			t.Fatal(err)
		}
		out, err := f.a.Events.Register(ctx, f.t.ID, w.event.ID, events.RegistrationInput{Name: "Alice Tremblay-Essai", Email: "alice@exemple.org",
			Phone: "819 555-0147", PartySize: 1, Lang: "fr"}, events.SourceWeb)
		if err != nil {
			t.Fatal(err)
		}
		saved := []savedRow{saveRow(t, d, "users", u.ID), saveRow(t, d, "registrations", out.Registration.ID)}
		alice := privacy.NewSubject(f.t.ID, u.ID, []string{"alice@exemple.org"}, nil)
		if _, err := f.s.Erase(ctx, alice, 0); err != nil {
			t.Fatal(err)
		}
		gone := []string{"Alice Tremblay-Essai", "alice@exemple.org", "819 555-0147"}
		if l := testkit.Leaks(t, d, gone, "users", "registrations", "privacy_requests"); len(l) > 0 {
			t.Fatalf("left after the erasure: %v", l)
		}
		if n, err := f.s.Replay(ctx); err != nil || n != 0 {
			t.Fatalf("replay with nothing restored = %d, %v", n, err)
		}
		// A restore from a copy older than the erasure: the row is back,
		// the erasure is not known.
		if _, err := d.Exec(ctx, `DELETE FROM privacy_deletions`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `INSERT INTO privacy_requests (id, territory_id, kind, email, details, received_at, due_on)
			VALUES (?, ?, 'question', 'alice@exemple.org', 'Alice Tremblay-Essai', ?, '2027-01-04')`, r.ID, f.t.ID, now); err != nil {
			t.Fatal(err)
		}
		for _, row := range saved {
			row.restore(t, d)
		}
		if l := testkit.Leaks(t, d, gone, "users", "registrations", "privacy_requests"); len(l) < 5 {
			t.Fatalf("the restore did not bring her back: %v", l)
		}
		n, err := f.s.Replay(ctx)
		if err != nil || n != 1 {
			t.Fatalf("replay = %d, %v; want 1", n, err)
		}
		if recs, _ := f.s.Find(ctx, privacy.NewSubject(f.t.ID, 0, []string{"alice@exemple.org"}, []string{"819 555-0147"})); len(recs) != 0 {
			t.Errorf("after replay, records = %+v", recs)
		}
		if l := testkit.Leaks(t, d, gone, "users", "registrations", "privacy_requests"); len(l) > 0 {
			t.Errorf("left after the replay: %v", l)
		}
		if n, err := f.s.Replay(ctx); err != nil || n != 0 {
			t.Errorf("second replay = %d, %v; want 0", n, err)
		}
	})
}

func TestRetention(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		old := f.ask(t, "a@exemple.org", "ancienne")
		recent := f.ask(t, "b@exemple.org", "récente")
		open := f.ask(t, "c@exemple.org", "sans réponse")
		for _, r := range []privacy.Request{old, recent} {
			if err := f.s.AnswerRequest(ctx, f.t.ID, r.ID, 0, "Réponse donnée par téléphone."); err != nil {
				t.Fatal(err)
			}
		}
		// Answered 366 and 364 days ago; the third never answered.
		for id, days := range map[int64]int{old.ID: 366, recent.ID: 364} {
			if _, err := d.Exec(ctx, `UPDATE privacy_requests SET answered_at = ?, received_at = ? WHERE id = ?`,
				now.AddDate(0, 0, -days), now.AddDate(0, 0, -days-3), id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Exec(ctx, `UPDATE privacy_requests SET received_at = ? WHERE id = ?`, now.AddDate(-3, 0, 0), open.ID); err != nil {
			t.Fatal(err)
		}
		for _, days := range []int{731, 729} {
			if _, err := d.Exec(ctx, `INSERT INTO privacy_access_log (territory_id, action, what, record, at) VALUES (?, 'view', 'events.registrations', 'event 1', ?)`,
				f.t.ID, now.AddDate(0, 0, -days)); err != nil {
				t.Fatal(err)
			}
		}
		run, err := f.s.RunRetention(ctx, f.t.ID)
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]int{}
		for _, r := range run.Rules {
			rows[r.Rule] = r.Rows
		}
		if rows["privacy.requests"] != 1 || rows["privacy.access_log"] != 1 || run.Finished == nil {
			t.Errorf("run = %+v", run)
		}
		var left []int64
		if err := db.Each(ctx, d, `SELECT id FROM privacy_requests ORDER BY id`, nil, func(r *sql.Rows) error {
			var id int64
			err := r.Scan(&id)
			left = append(left, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(left) != 2 || left[0] != recent.ID || left[1] != open.ID {
			t.Errorf("requests left = %v, want %d and %d", left, recent.ID, open.ID)
		}
		// Once a day: the same run again.
		again, err := f.s.RunRetention(ctx, f.t.ID)
		if err != nil || again.ID != run.ID || again.Total() != run.Total() {
			t.Errorf("second run the same day = %+v, %v", again, err)
		}
		// The next day, nothing more is due.
		f.a.Clock.Set(now.Add(24 * time.Hour))
		next, err := f.s.RunRetention(ctx, f.t.ID)
		if err != nil || next.ID == run.ID || next.Total() != 0 {
			t.Errorf("next day's run = %+v, %v", next, err)
		}
		runs, err := f.s.Runs(ctx, f.t.ID, 10)
		if err != nil || len(runs) != 2 {
			t.Errorf("runs = %d, %v", len(runs), err)
		}
	})
}

func TestRetentionSettings(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		testkit.WantFields(t, f.s.SetRule(ctx, f.t.ID, 0, "privacy.requests", 0), "days")
		testkit.WantFields(t, f.s.SetRule(ctx, f.t.ID, 0, "privacy.requests", 3651), "days")
		testkit.WantCode(t, f.s.SetRule(ctx, f.t.ID, 0, "nothing.such", 30), errs.NotFound)
		if err := f.s.SetRule(ctx, f.t.ID, 0, "privacy.requests", 30); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetRule(ctx, f.t.ID, 0, "privacy.requests", 60); err != nil {
			t.Fatal(err)
		}
		rules, err := f.s.Rules(ctx, f.t.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules {
			if r.Key == "privacy.requests" && (r.Days != 60 || r.Default != 365 || !r.Changed()) {
				t.Errorf("rule = %+v", r)
			}
		}
		inv, err := f.s.Inventory(ctx, f.t.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range inv {
			if e.Category.Key == "privacy.requests" {
				found = e.Rule != nil && e.Rule.Days == 60
			}
		}
		if !found {
			t.Errorf("the inventory does not show the territory's days")
		}
	})
}

func TestIncidents(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		in := privacy.IncidentInput{Title: "Liste d'inscriptions oubliée", Information: "Noms et téléphones de 14 personnes",
			Circumstances: "Une feuille laissée dans la salle après le souper", From: "2026-11-28", Discovered: "2026-11-29",
			People: "14", Risk: "low", RiskReasons: "Aucun renseignement sensible; feuille retrouvée le lendemain",
			Measures: "Feuille récupérée et détruite; les feuilles sont maintenant ramassées par l'animatrice"}
		bad := in
		bad.From, bad.To, bad.Discovered, bad.People, bad.Risk = "2026-12-20", "2026-11-01", "2026-11-01", "quatorze", "pire"
		testkit.WantFields(t, func() error { _, err := f.s.SaveIncident(ctx, f.t.ID, 0, 0, bad); return err }(),
			"from", "to", "discovered", "people", "risk")
		if list, _ := f.s.Incidents(ctx, f.t.ID); len(list) != 0 {
			t.Fatalf("a refused incident was saved: %+v", list)
		}
		id, err := f.s.SaveIncident(ctx, f.t.ID, 0, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		in.Risk, in.Closed = "serious", "2026-12-04"
		testkit.WantFields(t, func() error { _, err := f.s.SaveIncident(ctx, f.t.ID, 0, id, in); return err }(), "closed")
		in.CommissionNotified, in.PeopleNotified = "2026-12-01", "2026-12-02"
		if _, err := f.s.SaveIncident(ctx, f.t.ID, 0, id, in); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Incident(ctx, f.t.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.People != 14 || got.Open() || got.NoticesDue() || got.CommissionNotified.String() != "2026-12-01" || got.Input().To != "" {
			t.Errorf("incident = %+v", got)
		}
		other, err := f.a.Territories.Create(ctx, "autre", territory.Settings{Name: "Autre", OperatorName: "Autre",
			ProgramName: "Autre", ContactEmail: "a@exemple.org", TimeZone: "America/Toronto"})
		if err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, func() error { _, err := f.s.Incident(ctx, other.ID, id); return err }(), errs.NotFound)
		testkit.WantCode(t, func() error { _, err := f.s.SaveIncident(ctx, other.ID, 0, id, in); return err }(), errs.NotFound)
	})
}

func TestRequests(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		testkit.WantFields(t, func() error { _, err := f.s.Ask(ctx, f.t.ID, "a@exemple.org", "hack", "  "); return err }(), "kind", "details")
		r := f.ask(t, "a@exemple.org", "Mon adresse a changé.")
		if r.Due.String() != "2027-01-04" {
			t.Errorf("due = %s, want 30 days later", r.Due)
		}
		testkit.WantFields(t, f.s.AnswerRequest(ctx, f.t.ID, r.ID, 0, " "), "answer")
		if err := f.s.AnswerRequest(ctx, f.t.ID, r.ID, 0, "Corrigé."); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, f.s.AnswerRequest(ctx, f.t.ID, r.ID, 0, "Encore."), errs.NotFound)
		list, err := f.s.Requests(ctx, f.t.ID)
		if err != nil || len(list) != 1 || list[0].Answered == nil || list[0].Answer != "Corrigé." {
			t.Errorf("requests = %+v, %v", list, err)
		}
	})
}

func TestAccessLog(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		for _, a := range []privacy.Access{
			{TerritoryID: f.t.ID, Action: privacy.Viewed, What: "events.registrations", Record: "event 1"},
			{TerritoryID: f.t.ID, Action: privacy.Exported, What: "events.registrations", Record: "event 1"},
			{TerritoryID: f.t.ID, Action: privacy.Viewed, What: "privacy.person", Record: ""},
		} {
			if err := f.s.LogAccess(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		all, err := f.s.AccessLog(ctx, f.t.ID, privacy.AccessFilter{})
		if err != nil || len(all) != 3 || all[0].What != "privacy.person" {
			t.Fatalf("log = %+v, %v", all, err)
		}
		some, err := f.s.AccessLog(ctx, f.t.ID, privacy.AccessFilter{What: "events.registrations", Limit: 1})
		if err != nil || len(some) != 1 || some[0].Action != privacy.Exported {
			t.Errorf("filtered = %+v, %v", some, err)
		}
	})
}

// failing is a holder whose one rule fails in one territory.
type failing struct{ in int64 }

func (failing) Inventory() []privacy.Category { return nil }
func (failing) Retention() []privacy.Rule {
	return []privacy.Rule{{Key: "test.failing", Days: 30, Action: privacy.Destroy}}
}
func (failing) Find(context.Context, db.Querier, privacy.Subject) ([]privacy.Record, error) {
	return nil, nil
}
func (failing) Erase(context.Context, *db.Tx, privacy.Subject, []privacy.Ref) ([]privacy.Kept, error) {
	return nil, nil
}
func (h failing) Expire(_ context.Context, _ *db.Tx, territoryID int64, _ string, _ time.Time) (int, error) {
	if territoryID == h.in {
		return 0, errors.New("disk full")
	}
	return 0, nil
}

// A territory whose retention fails does not stop the territories after
// it: each gets its run, the failure is written down, and the job says it.
func TestRetentionWorkerGoesOnAfterAFailure(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		other, err := f.a.Territories.Create(ctx, "mrc-nicolet", territory.Settings{Name: "MRC de Nicolet-Yamaska",
			OperatorName: "Centre d’action bénévole de Nicolet", ProgramName: "Moi, je m’implique\u202f!",
			ContactEmail: "direction@exemple.org", TimeZone: "America/Toronto"})
		if err != nil {
			t.Fatal(err)
		}
		if f.t.ID > other.ID {
			t.Fatalf("the failing territory (%d) must come before the other (%d)", f.t.ID, other.ID)
		}
		s := privacy.NewStore(privacy.Config{DB: d, Territories: f.a.Territories, Holders: []privacy.Holder{failing{in: f.t.ID}},
			Now: func() time.Time { return now }})
		err = privacy.NewRetentionWorker(func() *privacy.Store { return s }).Work(ctx, nil)
		if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "test.failing") {
			t.Errorf("Work = %v, want the failure of test.failing", err)
		}
		runs, err := s.Runs(ctx, f.t.ID, 10)
		if err != nil || len(runs) != 1 || runs[0].Failure != "test.failing" || runs[0].Finished != nil {
			t.Errorf("failing territory's runs = %+v, %v", runs, err)
		}
		runs, err = s.Runs(ctx, other.ID, 10)
		if err != nil || len(runs) != 1 || runs[0].Finished == nil || runs[0].Failure != "" || len(runs[0].Rules) != 3 {
			t.Errorf("next territory's runs = %+v, %v; want a finished run of every rule", runs, err)
		}
	})
}

// savedRow is a row as a backup holds it, to put it back as it was.
type savedRow struct {
	table string
	id    int64
	cols  []string
	vals  []any
}

func saveRow(t *testing.T, d *db.DB, table string, id int64) savedRow {
	t.Helper()
	row := savedRow{table: table, id: id}
	err := db.Each(context.Background(), d, `SELECT * FROM `+table+` WHERE id = ?`, []any{id}, func(r *sql.Rows) error {
		cols, err := r.Columns()
		if err != nil {
			return err
		}
		row.cols, row.vals = cols, make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range ptrs {
			ptrs[i] = &row.vals[i]
		}
		return r.Scan(ptrs...)
	})
	if err != nil || row.cols == nil {
		t.Fatalf("%s %d: %v", table, id, err)
	}
	return row
}

// restore puts the row back as it was saved, as a restore of the database
// from a copy older than a change would.
func (row savedRow) restore(t *testing.T, d *db.DB) {
	t.Helper()
	sets := make([]string, len(row.cols))
	for i, c := range row.cols {
		sets[i] = c + " = ?"
	}
	if _, err := d.Exec(context.Background(), `UPDATE `+row.table+` SET `+strings.Join(sets, ", ")+` WHERE id = ?`,
		append(append([]any{}, row.vals...), row.id)...); err != nil {
		t.Fatalf("restore %s %d: %v", row.table, row.id, err)
	}
}
