package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
)

// TestUnavailableSQLite provokes each failure of SQLite's storage for real
// and checks it is told from a mistake.
func TestUnavailableSQLite(t *testing.T) {
	ctx := context.Background()
	d := dbtest.SQLite(t, nil)
	if _, err := d.Exec(ctx, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}

	t.Run("mistakes are not unavailability", func(t *testing.T) {
		if _, err := d.Exec(ctx, `INSERT INTO notes (body) VALUES (?)`, []byte("a")); err != nil {
			t.Fatal(err)
		}
		_, dup := d.Exec(ctx, `INSERT INTO notes (body) VALUES (?)`, []byte("a"))
		_, syntax := d.Exec(ctx, `INSERT INTO nulle_part VALUES (1)`)
		var n int
		none := d.QueryRow(ctx, `SELECT id FROM notes WHERE id = -1`).Scan(&n)
		for _, err := range []error{nil, dup, syntax, none, sql.ErrNoRows, errs.New(errs.Invalid, "errors.required"), errors.New("boom")} {
			if db.Unavailable(err) {
				t.Errorf("Unavailable(%v) = true", err)
			}
		}
	})

	t.Run("locked by another process", func(t *testing.T) {
		other, err := sql.Open("sqlite", "file:"+d.Path+"?_pragma=busy_timeout(0)")
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		holder, err := sql.Open("sqlite", "file:"+d.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close()
		conn, err := holder.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, "ROLLBACK")
		_, err = other.ExecContext(ctx, `INSERT INTO notes (body) VALUES (x'01')`)
		if err == nil || !db.Unavailable(err) {
			t.Errorf("a locked database: %v", err)
		}
	})

	t.Run("read-only", func(t *testing.T) {
		ro, err := sql.Open("sqlite", "file:"+d.Path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		_, err = ro.ExecContext(ctx, `INSERT INTO notes (body) VALUES (x'02')`)
		if err == nil || !db.Unavailable(err) {
			t.Errorf("a read-only database: %v", err)
		}
	})

	t.Run("disk full", func(t *testing.T) {
		fillUp(t, d)
		_, err := d.Exec(ctx, `INSERT INTO notes (body) VALUES (randomblob(8000))`)
		if err == nil || !db.Unavailable(err) {
			t.Errorf("a full database: %v", err)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO notes (body) VALUES (randomblob(8000))`)
			return fmt.Errorf("saving the note: %w", err)
		})
		if !db.Unavailable(err) {
			t.Errorf("a full database, in a transaction: %v", err)
		}
	})

	t.Run("closed", func(t *testing.T) {
		d2, err := db.OpenSQLite(ctx, filepath.Join(t.TempDir(), "closed.db"))
		if err != nil {
			t.Fatal(err)
		}
		d2.Close()
		if _, err := d2.Exec(ctx, `SELECT 1`); !db.Unavailable(err) {
			t.Errorf("a closed database: %v", err)
		}
	})
}

// fillUp lets the database grow no more (PRAGMA max_page_count on the
// writer, its one connection) and fills its free pages: the next write
// that needs a page fails with SQLITE_FULL, « database or disk is full ».
func fillUp(t testing.TB, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.Exec(ctx, `CREATE TABLE IF NOT EXISTS filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := d.WriterPool().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+2)); err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		if _, err := d.Exec(ctx, `INSERT INTO filler (b) VALUES (randomblob(500))`); err != nil {
			return
		}
	}
	t.Fatal("the database never filled up")
}

// TestUnavailablePostgres provokes PostgreSQL's failures on a pool of the
// test's own (its connections carry an application_name no one else uses).
func TestUnavailablePostgres(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Postgres(t, nil)
	if _, err := d.Exec(ctx, `CREATE TABLE notes (id SERIAL PRIMARY KEY, body TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}

	t.Run("mistakes are not unavailability", func(t *testing.T) {
		if _, err := d.Exec(ctx, `INSERT INTO notes (body) VALUES ('a')`); err != nil {
			t.Fatal(err)
		}
		_, dup := d.Exec(ctx, `INSERT INTO notes (body) VALUES ('a')`)
		_, syntax := d.Exec(ctx, `INSERT INTO nulle_part VALUES (1)`)
		_, nul := d.Exec(ctx, `INSERT INTO notes (body) VALUES (?)`, "a\x00b")
		_, bad := d.Exec(ctx, `INSERT INTO notes (body) VALUES (?)`, "\xff\xfe")
		for _, err := range []error{dup, syntax, nul, bad} {
			if err == nil || db.Unavailable(err) {
				t.Errorf("Unavailable(%v) = true", err)
			}
		}
	})

	t.Run("read-only transaction", func(t *testing.T) {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `SET TRANSACTION READ ONLY`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO notes (body) VALUES ('b')`)
			return err
		})
		if err == nil || !db.Unavailable(err) {
			t.Errorf("a read-only transaction: %v", err)
		}
	})

	t.Run("the server ends the connection", func(t *testing.T) {
		u, _ := url.Parse(d.URL)
		q := u.Query()
		q.Set("application_name", "implique_test_unavailable")
		u.RawQuery = q.Encode()
		own, err := db.OpenPostgres(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer own.Close()
		_, err = own.Exec(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
		if err == nil || !db.Unavailable(err) {
			t.Errorf("a terminated connection: %v", err)
		}
	})

	t.Run("nobody listens", func(t *testing.T) {
		_, err := db.OpenPostgres(ctx, "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2")
		if err == nil || !db.Unavailable(err) {
			t.Errorf("connection refused: %v", err)
		}
	})
}
