package db

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Unavailable reports whether err means that the database cannot serve
// for a moment — SQLite busy, locked, full, read-only or failing to read
// and write its file; PostgreSQL unreachable, restarting, shutting down,
// read-only, or its connection lost — rather than a mistake in a query or
// in what was asked. Such a failure is the storage's, not the person's:
// the request may be tried again shortly.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary code of an extended one
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY,
			sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PROTOCOL:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "57P01", // admin_shutdown: the server is stopping or restarting
			"57P02", // crash_shutdown
			"57P03", // cannot_connect_now: starting up or in recovery
			"25006", // read_only_sql_transaction: a standby, or a server made read-only
			"53100", // disk_full
			"53300": // too_many_connections
			return true
		}
		return strings.HasPrefix(pe.Code, "08") // connection exceptions
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	// Errors that lost their type on the way (a library that formats
	// rather than wraps), and database/sql's closed pool.
	m := err.Error()
	for _, s := range []string{"database is locked", "database or disk is full", "SQLITE_BUSY", "sql: database is closed",
		"connection refused", "connection reset", "broken pipe", "unexpected EOF", "conn closed", "SQLSTATE 57P0"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}
