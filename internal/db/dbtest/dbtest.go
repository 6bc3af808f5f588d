// Package dbtest runs store tests on both engines: SQLite always, and
// PostgreSQL when IMPLIQUE_TEST_POSTGRES holds a URL. When CI is set, a
// missing PostgreSQL fails the test instead of skipping it.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"implique/internal/db"
)

// Migrator brings a fresh database to the current schema. Tests pass the
// application's full migration (app tables and job tables).
type Migrator func(ctx context.Context, d *db.DB) error

// MigrateApp applies only the application's own migrations.
func MigrateApp(ctx context.Context, d *db.DB) error { return d.Migrate(ctx) }

// Run runs fn as two subtests, "sqlite" and "postgres", each on a fresh,
// migrated database.
func Run(t *testing.T, migrate Migrator, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, migrate)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, migrate)) })
}

// SQLite returns a fresh migrated SQLite database in a temporary directory.
func SQLite(t testing.TB, migrate Migrator) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.OpenSQLite(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if migrate != nil {
		if err := migrate(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// PostgresURL returns IMPLIQUE_TEST_POSTGRES, skipping the test when it is
// empty (failing it when CI is set).
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("IMPLIQUE_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("IMPLIQUE_TEST_POSTGRES is not set, and CI requires the PostgreSQL tests")
		}
		t.Skip("IMPLIQUE_TEST_POSTGRES is not set")
	}
	return u
}

// Postgres returns a fresh migrated PostgreSQL database: a schema of its own,
// dropped when the test ends.
func Postgres(t testing.TB, migrate Migrator) *db.DB {
	t.Helper()
	base := PostgresURL(t)
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at IMPLIQUE_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	d, err := db.OpenPostgres(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if migrate != nil {
		if err := migrate(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return d
}
