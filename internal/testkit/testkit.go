// Package testkit holds what the tests of several packages share: the
// application wired on a test database with a territory of its own, and the
// small assertions on errors.
package testkit

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/territory"
	"implique/internal/web"
)

// BaseURL is the public address of the test application.
const BaseURL = "https://implique.exemple.org"

// From is the sender of the test application's e-mails.
const From = "Implique <ne-pas-repondre@exemple.org>"

// App is the application wired on d (migrated), as `implique serve` wires
// it, its clock stopped at now (zero: the wall clock). Its jobs are not
// started: the e-mails stay queued in the outbox.
func App(t testing.TB, d *db.DB, now time.Time) *app.App {
	t.Helper()
	clock := &app.Clock{}
	clock.Set(now)
	a, err := app.New(app.Config{DB: d, Web: web.Config{BaseURL: BaseURL}, From: From, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Territory creates the test territory, the MRC de Bécancour with its
// places, in the Québec time zone; it returns it when it exists already.
func Territory(t testing.TB, ts *territory.Store) territory.Territory {
	t.Helper()
	ctx := context.Background()
	if terr, err := ts.BySlug(ctx, "mrc-becancour"); err == nil {
		return terr
	}
	terr, err := ts.Create(ctx, "mrc-becancour", territory.Settings{Name: "MRC de Bécancour",
		OperatorName: "Centre d’action bénévole de la MRC de Bécancour", ProgramName: "Moi, je m’implique\u202f!",
		ContactEmail: "direction@exemple.org", TimeZone: "America/Toronto"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.ImportPlaces(ctx, terr.ID, territory.BecancourPlaces()); err != nil {
		t.Fatal(err)
	}
	return terr
}

// WantCode fails t unless err is an errs.Error of code, and returns it.
func WantCode(t testing.TB, err error, code errs.Code) *errs.Error {
	t.Helper()
	return WantError(t, err, code, "")
}

// WantError fails t unless err is an errs.Error of code and, unless key is
// empty, of key; it returns it.
func WantError(t testing.TB, err error, code errs.Code, key string) *errs.Error {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code || (key != "" && e.Key != key) {
		t.Fatalf("err = %v, want %s %s", err, code, key)
	}
	return e
}

// WantFields fails t unless err is Invalid with problems on exactly fields.
func WantFields(t testing.TB, err error, fields ...string) *errs.Error {
	t.Helper()
	e := WantCode(t, err, errs.Invalid)
	for _, f := range fields {
		if e.Fields[f] == "" {
			t.Errorf("no problem on %s: %v", f, e.Fields)
		}
	}
	if len(e.Fields) != len(fields) {
		t.Errorf("problems %v, want exactly %v", e.Fields, fields)
	}
	return e
}

// Count runs a COUNT query on d.
func Count(t testing.TB, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// Ptr points to a copy of v.
func Ptr[T any](v T) *T { return &v }

// Leaks lists, as "table.column: value", every cell of tables (every table
// of the application when none is named) where one of values appears,
// whatever the case: after an erasure, nothing should.
func Leaks(t testing.TB, d *db.DB, values []string, tables ...string) []string {
	t.Helper()
	if len(tables) == 0 {
		all, err := d.AppTables(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for table := range all {
			tables = append(tables, table)
		}
		sort.Strings(tables)
	}
	var out []string
	for _, table := range tables {
		cells(t, d, table, func(col, v string) {
			for _, w := range values {
				if strings.Contains(strings.ToLower(v), strings.ToLower(w)) {
					out = append(out, table+"."+col+": "+v)
				}
			}
		}, nil)
	}
	return out
}

// Dump is every value of every row of table, as lower-case text (values
// separated by "|", rows by new lines), for the scans that prove nothing
// about a person is left.
func Dump(t testing.TB, q db.Querier, table string) string {
	t.Helper()
	var b strings.Builder
	cells(t, q, table, func(_, v string) { b.WriteString(v + "|") }, func() { b.WriteString("\n") })
	return strings.ToLower(b.String())
}

// cells hands each cell of table to cell, as text, and calls row (if any)
// after each row.
func cells(t testing.TB, q db.Querier, table string, cell func(col, v string), row func()) {
	t.Helper()
	err := db.Each(context.Background(), q, `SELECT * FROM `+table, nil, func(rows *sql.Rows) error {
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			cell(cols[i], fmt.Sprint(v))
		}
		if row != nil {
			row()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
