package db_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
)

func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	lite, err := dbtest.SQLite(t, dbtest.MigrateApp).AppTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := dbtest.Postgres(t, dbtest.MigrateApp).AppTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 {
		t.Fatal("no tables after migration")
	}
	for name, cols := range lite {
		if !reflect.DeepEqual(cols, pg[name]) {
			t.Errorf("table %s: sqlite columns %v, postgres columns %v", name, cols, pg[name])
		}
	}
	for name := range pg {
		if _, ok := lite[name]; !ok {
			t.Errorf("table %s exists only on postgres", name)
		}
	}
}

func TestMigrateTwice(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		if err := d.Migrate(context.Background()); err != nil {
			t.Fatalf("second migration: %v", err)
		}
	})
}

func TestTxAndTimes(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := db.Time(time.Date(2026, 12, 2, 23, 30, 0, 123456789, time.UTC))
		var id int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			id, err = tx.InsertID(ctx, `INSERT INTO territories (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`, "t1", "Territoire ?", now, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var got time.Time
		var name string
		if err := d.QueryRow(ctx, `SELECT name, created_at FROM territories WHERE id = ?`, id).Scan(&name, &got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(now) || name != "Territoire ?" {
			t.Errorf("got %q %v, want %v", name, got, now)
		}

		boom := errors.New("boom")
		err = d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO territories (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)`, "t2", "x", now, now); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM territories WHERE slug = 't2'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("rolled back row still there: n=%d err=%v", n, err)
		}
		_, err = d.Exec(ctx, `INSERT INTO territories (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)`, "t1", "dup", now, now)
		if !db.IsUniqueViolation(err) {
			t.Errorf("duplicate slug: %v is not a unique violation", err)
		}
	})
}

func TestRebind(t *testing.T) {
	// Exported behaviour only: placeholders inside quotes stay.
	d := &db.DB{Engine: db.Postgres}
	got := d.Rebind(`SELECT '?', "a?" FROM x WHERE a = ? AND b = ? -- ?` + "\n" + `AND c = ?`)
	want := `SELECT '?', "a?" FROM x WHERE a = $1 AND b = $2 -- ?` + "\n" + `AND c = $3`
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// TestFilesAreOwnersOnly: the database, its -wal and -shm files and a
// backup hold personal data: readable by their owner only.
func TestFilesAreOwnersOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "implique.db")
	d, err := db.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "copie.db")
	if err := d.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", copyPath} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if mode := st.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(p), mode)
		}
	}
	if err := d.Backup(ctx, copyPath); !errors.Is(err, db.ErrExists) {
		t.Errorf("a backup over an existing file: %v", err)
	}
}

// A time that cannot be stored is refused on the way in, and one stored
// before (a year after 9999) still reads, so that it can be corrected.
func TestTimesOutOfRange(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		far := time.Date(10000, 1, 1, 4, 30, 0, 0, time.UTC)
		now := db.Now()
		if _, err := d.InsertID(ctx, `INSERT INTO territories (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
			"loin", "Loin", far, now); err == nil {
			t.Error("a time in year 10000 was stored")
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO territories (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)`,
				"tot", "Tôt", now, time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC))
			return err
		})
		if err == nil {
			t.Error("a time in year 0 was stored")
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM territories`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d territories, %v", n, err)
		}

		// What an older version let through, written as the engine keeps it.
		id, err := d.InsertID(ctx, `INSERT INTO territories (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
			"avant", "Avant", "10000-01-01 04:30:00+00:00", now)
		if err != nil {
			t.Fatal(err)
		}
		var created time.Time
		var updated *time.Time
		if err := d.QueryRow(ctx, `SELECT created_at, updated_at FROM territories WHERE id = ?`, id).
			Scan(db.ScanTime(&created), db.ScanNullTime(&updated)); err != nil {
			t.Fatal(err)
		}
		if !created.Equal(far) || updated == nil || !updated.Equal(now) {
			t.Errorf("read back %v and %v, want %v and %v", created, updated, far, now)
		}
		var none *time.Time = &now
		if err := d.QueryRow(ctx, `SELECT NULL`).Scan(db.ScanNullTime(&none)); err != nil || none != nil {
			t.Errorf("NULL read as %v, %v", none, err)
		}
	})
}
