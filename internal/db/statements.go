package db

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// maxStatements bounds the statements kept prepared per pool: the queries
// of the code are a few hundred fixed strings; those built with a varying
// number of values (IN lists) stop being kept once the bound is reached.
const maxStatements = 400

// statements are the prepared statements of one SQLite pool, by query.
// database/sql prepares a statement again on each connection that runs
// it, once, and keeps it there: each query is parsed and planned once per
// connection instead of at every call.
type statements struct {
	pool *sql.DB
	mu   sync.RWMutex
	m    map[string]*sql.Stmt
}

func newStatements(pool *sql.DB) *statements {
	return &statements{pool: pool, m: map[string]*sql.Stmt{}}
}

// lookup returns the statement of q when it is prepared already.
func (s *statements) lookup(q string) *sql.Stmt {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m[q]
}

// prepared returns the statement of q, preparing it on first use; nil when
// the bound is reached or it does not prepare (the plain call then reports
// the error).
func (s *statements) prepared(ctx context.Context, q string) *sql.Stmt {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	st, full := s.m[q], len(s.m) >= maxStatements
	s.mu.RUnlock()
	if st != nil || full {
		return st
	}
	// Prepared without the lock held: preparing waits for a connection,
	// which a transaction may hold while it looks up its statements.
	st, err := s.pool.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if had := s.m[q]; had != nil {
		_ = st.Close()
		return had
	}
	if len(s.m) >= maxStatements {
		_ = st.Close()
		return nil
	}
	s.m[q] = st
	return st
}

// close closes every statement.
func (s *statements) close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for q, st := range s.m {
		_ = st.Close()
		delete(s.m, q)
	}
}

// len is how many statements are kept.
func (s *statements) len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.m)
}

// Prepared says how many statements are kept prepared (SQLite; 0 on
// PostgreSQL, where the driver keeps them).
func (d *DB) Prepared() int { return d.ws.len() + d.rs.len() }

// A Counter counts the statements run with a context (see CountQueries).
type Counter struct{ n atomic.Int64 }

// N is how many statements were run.
func (c *Counter) N() int64 { return c.n.Load() }

type counterKey struct{}

// CountQueries returns a context under which every statement run through
// DB or Tx is counted: how tests find the pages that read the database
// once per row (N+1).
func CountQueries(ctx context.Context) (context.Context, *Counter) {
	c := &Counter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

func count(ctx context.Context) {
	if c, ok := ctx.Value(counterKey{}).(*Counter); ok {
		c.n.Add(1)
	}
}
