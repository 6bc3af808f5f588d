// Package db opens the database Implique stores everything in — SQLite by
// default, PostgreSQL when a postgres:// URL is given — and hides the few
// differences between the two engines behind one code path.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

// Engine names the database engine behind a DB.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is the application's handle on the database.
//
// On SQLite, writes go through a single connection whose transactions begin
// IMMEDIATE (so a transaction never fails half-way when it upgrades to a
// write), reads through a pool of query-only connections, and background jobs
// through a pool of their own. On PostgreSQL the three are one pool.
type DB struct {
	Engine Engine
	// Path is the SQLite file (empty on PostgreSQL).
	Path string
	// URL is the PostgreSQL URL (empty on SQLite).
	URL string

	w    *sql.DB
	r    *sql.DB
	jobs *sql.DB
	// The statements prepared once per connection, on SQLite (on
	// PostgreSQL, pgx prepares each statement once per connection and
	// keeps it: its default statement cache).
	ws, rs *statements
}

// Open opens the database named by databaseURL, or the SQLite file
// implique.db in dataDir when databaseURL is empty.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	switch {
	case databaseURL == "":
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory %s: %w", dataDir, err)
		}
		return OpenSQLite(ctx, filepath.Join(dataDir, "implique.db"))
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		return OpenPostgres(ctx, databaseURL)
	default:
		return nil, errors.New("IMPLIQUE_DATABASE_URL must start with postgres:// (or be empty for SQLite)")
	}
}

func sqliteDSN(path string, extra ...string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_time_format", "sqlite")
	q.Set("_txlock", "immediate")
	for _, e := range extra {
		k, v, _ := strings.Cut(e, "=")
		q.Add(k, v)
	}
	return "file:" + path + "?" + q.Encode()
}

// OpenSQLite opens (creating if needed) the SQLite database at path. A new
// file is readable by its owner only (0600): it holds personal data, and
// SQLite gives its -wal and -shm files the same mode.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	if err := createPrivate(path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, "_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, err
	}
	// Each connection holds its own page cache (about a megabyte when
	// warm): as many readers as the machine has cores runs the reads
	// as fast, and a reader idle for a minute gives its memory back.
	readers := max(2, runtime.NumCPU())
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxIdleTime(time.Minute)
	jobs, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		w.Close()
		r.Close()
		return nil, err
	}
	// River's SQLite driver wants a pool of exactly one connection.
	jobs.SetMaxOpenConns(1)
	jobs.SetMaxIdleConns(1)
	return &DB{Engine: SQLite, Path: path, w: w, r: r, jobs: jobs, ws: newStatements(w), rs: newStatements(r)}, nil
}

// OpenPostgres opens a pool on the PostgreSQL database at url.
func OpenPostgres(ctx context.Context, url string) (*DB, error) {
	p, err := sql.Open("pgx", url)
	if err != nil {
		return nil, errors.New("IMPLIQUE_DATABASE_URL is not a valid PostgreSQL URL")
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(10)
	p.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(pctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("PostgreSQL does not answer: %w", err)
	}
	return &DB{Engine: Postgres, URL: url, w: p, r: p, jobs: p}, nil
}

// Close closes every pool.
func (d *DB) Close() error {
	d.ws.close()
	d.rs.close()
	errs := []error{d.w.Close()}
	if d.r != d.w {
		errs = append(errs, d.r.Close())
	}
	if d.jobs != d.w {
		errs = append(errs, d.jobs.Close())
	}
	return errors.Join(errs...)
}

// Ping checks, within two seconds, that the database answers a read of its
// tables and, on SQLite, that a write could start now (a database locked by
// another process is not ready).
func (d *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var n int
	if err := d.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM goose_db_version").Scan(&n); err != nil {
		return err
	}
	if d.Engine != SQLite {
		return nil
	}
	tx, err := d.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock, or waits for it
	if err != nil {
		return err
	}
	return tx.Rollback()
}

// JobsPool is the pool background jobs (River) use.
func (d *DB) JobsPool() *sql.DB { return d.jobs }

// WriterPool is the pool that writes. Only internal/db and the jobs runner use it.
func (d *DB) WriterPool() *sql.DB { return d.w }

// Rebind turns the ? placeholders of a query into the engine's own.
func (d *DB) Rebind(q string) string {
	if d.Engine != Postgres {
		return q
	}
	return rebindDollar(q)
}

// rebindDollar replaces ? outside quotes and comments by $1, $2, …
func rebindDollar(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch c {
		case '\'', '"':
			j := i + 1
			for j < len(q) && q[j] != c {
				j++
			}
			if j >= len(q) {
				j = len(q) - 1
			}
			b.WriteString(q[i : j+1])
			i = j
		case '-':
			if i+1 < len(q) && q[i+1] == '-' {
				j := strings.IndexByte(q[i:], '\n')
				if j < 0 {
					b.WriteString(q[i:])
					return b.String()
				}
				b.WriteString(q[i : i+j])
				i += j - 1
				continue
			}
			b.WriteByte(c)
		case '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Exec runs a statement outside any explicit transaction.
func (d *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := storable(args); err != nil {
		return nil, err
	}
	count(ctx)
	if st := d.ws.prepared(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return d.w.ExecContext(ctx, d.Rebind(q), args...)
}

// Query runs a read query.
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	count(ctx)
	if st := d.rs.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.r.QueryContext(ctx, d.Rebind(q), args...)
}

// QueryRow runs a read query that returns at most one row.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	count(ctx)
	if st := d.rs.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.r.QueryRowContext(ctx, d.Rebind(q), args...)
}

// InsertID runs an INSERT … RETURNING id and returns the id.
func (d *DB) InsertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	if err := storable(args); err != nil {
		return id, err
	}
	count(ctx)
	if st := d.ws.prepared(ctx, q); st != nil {
		err := st.QueryRowContext(ctx, args...).Scan(&id)
		return id, err
	}
	err := d.w.QueryRowContext(ctx, d.Rebind(q), args...).Scan(&id)
	return id, err
}

// Marks returns "?, ?, ?": the placeholders of n values, for IN (…).
func Marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// Args returns the values of vs as arguments, for IN (Marks(len(vs))).
func Args[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// Tx is a write transaction.
type Tx struct {
	tx *sql.Tx
	d  *DB
	// The queries that had no prepared statement yet: prepared once the
	// transaction has let go of the connection.
	missed []string
}

// SQL returns the underlying transaction, for libraries that take one (River).
func (t *Tx) SQL() *sql.Tx { return t.tx }

// Engine is the engine of the transaction's database.
func (t *Tx) Engine() Engine { return t.d.Engine }

func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := storable(args); err != nil {
		return nil, err
	}
	count(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.d.Rebind(q), args...)
}

func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	count(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.d.Rebind(q), args...)
}

func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	count(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.d.Rebind(q), args...)
}

// stmt is the writer's prepared statement of q, bound to the transaction,
// when one was prepared already (preparing one now would wait for the
// connection the transaction holds).
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.d.ws == nil {
		return nil
	}
	st := t.d.ws.lookup(q)
	if st == nil {
		if len(t.missed) < maxStatements {
			t.missed = append(t.missed, q)
		}
		return nil
	}
	return t.tx.StmtContext(ctx, st)
}

// InsertID runs an INSERT … RETURNING id inside the transaction.
func (t *Tx) InsertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	if err := storable(args); err != nil {
		return id, err
	}
	count(ctx)
	if st := t.stmt(ctx, q); st != nil {
		err := st.QueryRowContext(ctx, args...).Scan(&id)
		return id, err
	}
	err := t.tx.QueryRowContext(ctx, t.d.Rebind(q), args...).Scan(&id)
	return id, err
}

// InTx runs fn in a write transaction, committed when fn returns nil and
// rolled back otherwise (also when fn panics).
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{tx: stx, d: d}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return err
	}
	for _, q := range tx.missed {
		d.ws.prepared(ctx, q)
	}
	return nil
}

// IsUniqueViolation reports whether err is a unique-constraint violation.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Now is the current time as the database stores it: UTC, to the microsecond
// (PostgreSQL's precision), so both engines give back what was written.
func Now() time.Time { return Time(time.Now()) }

// Clock is now read the way times are stored; nil is the wall clock.
func Clock(now func() time.Time) func() time.Time {
	if now == nil {
		return Now
	}
	return func() time.Time { return Time(now()) }
}

// Time normalises t the way it is stored.
func Time(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Backup writes a consistent copy of a SQLite database to path while the
// database stays in use. On PostgreSQL it returns an error that says to use pg_dump.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.Engine != SQLite {
		return errors.New("backup of PostgreSQL: use pg_dump")
	}
	// The copy holds personal data: readable by its owner only. VACUUM INTO
	// fills the empty file made here, which also refuses an existing one.
	if err := createPrivate(path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", path, ErrExists)
		}
		return err
	}
	if _, err := d.w.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// ErrExists says a backup would overwrite a file.
var ErrExists = errors.New("the file already exists")

// CreatePrivate creates a file for personal data (the database, a backup):
// readable and writable by its owner only, whatever the umask says. It
// fails with an error matching fs.ErrExist when the file exists.
func CreatePrivate(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

func createPrivate(path string) error {
	f, err := CreatePrivate(path)
	if err != nil {
		return err
	}
	return f.Close()
}
