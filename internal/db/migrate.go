package db

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Migrate applies the application's pending migrations. It is safe to run
// twice and, on PostgreSQL, from several processes at once (they take turns).
func (d *DB) Migrate(ctx context.Context) error { return d.MigrateTo(ctx, 0) }

// MigrateTo applies the pending migrations up to version (0: all of them):
// tests put data in an older schema and see how a migration carries it.
func (d *DB) MigrateTo(ctx context.Context, version int64) error {
	fsys, err := fs.Sub(migrations, "migrations/"+string(d.Engine))
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if d.Engine == Postgres {
		dialect = goose.DialectPostgres
		// One lock per schema: processes migrating the same schema take
		// turns; different schemas (tests, other installations) do not wait.
		var schema string
		if err := d.w.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			return err
		}
		h := fnv.New64a()
		h.Write([]byte("implique-migrations:" + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, d.w, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if version > 0 {
		_, err = p.UpTo(ctx, version)
	} else {
		_, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

// AppTables lists the application's tables and their columns (sorted), as
// the database reports them; River's and goose's own tables are left out.
func (d *DB) AppTables(ctx context.Context) (map[string][]string, error) {
	var q string
	if d.Engine == SQLite {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.name`
	} else {
		q = `SELECT table_name, column_name FROM information_schema.columns
		     WHERE table_schema = current_schema() ORDER BY table_name, column_name`
	}
	rows, err := d.r.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		if len(t) >= 6 && t[:6] == "river_" || t == "goose_db_version" {
			continue
		}
		out[t] = append(out[t], c)
	}
	return out, rows.Err()
}
