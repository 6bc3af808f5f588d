package db_test

import (
	"context"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
)

// Each query is prepared once and kept: on SQLite by the DB (reads, writes
// outside a transaction, and the writes of a transaction once it is over),
// on PostgreSQL by the driver, on the connection that ran it.
func TestStatementsArePreparedOnce(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `CREATE TABLE prep_probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		insert := `INSERT INTO prep_probe (id, label) VALUES (?, ?)`
		read := `SELECT label FROM prep_probe WHERE id = ?`
		for i := range 3 {
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, insert, i+1, "étiquette")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var label string
			if err := d.QueryRow(ctx, read, i+1).Scan(&label); err != nil || label != "étiquette" {
				t.Fatalf("read %d: %q, %v", i+1, label, err)
			}
		}
		switch d.Engine {
		case db.SQLite:
			before := d.Prepared()
			if before < 3 { // the CREATE, the read and the transaction's insert
				t.Fatalf("%d statements prepared, want at least 3", before)
			}
			for i := range 5 {
				var label string
				if err := d.QueryRow(ctx, read, 1).Scan(&label); err != nil {
					t.Fatal(err)
				}
				if err := d.InTx(ctx, func(tx *db.Tx) error {
					_, err := tx.Exec(ctx, insert, 10+i, "x")
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			if after := d.Prepared(); after != before {
				t.Errorf("statements prepared again: %d, then %d", before, after)
			}
		case db.Postgres:
			var n int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM pg_prepared_statements WHERE statement = $1`, d.Rebind(read)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			// The pool may have run the read on another connection than
			// this one; prepared or not here, it must answer.
			t.Logf("read prepared on this connection: %d", n)
		}
		// A statement that fails to prepare reports its error as before.
		if _, err := d.Query(ctx, `SELECT nothing FROM nowhere`); err == nil {
			t.Error("a bad query answered")
		}
	})
}

// CountQueries counts every statement run under its context, in a
// transaction or not.
func TestCountQueries(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx, c := db.CountQueries(context.Background())
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM territories`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE territories SET name = name WHERE id = 0`); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM territories`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(context.Background(), `UPDATE territories SET name = name WHERE id = 0`); err != nil {
			t.Fatal(err)
		}
		if c.N() != 3 {
			t.Errorf("%d statements counted, want 3", c.N())
		}
	})
}
