package db

import (
	"context"
	"database/sql"
)

// Querier reads, inside a transaction or outside one.
type Querier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// Each runs a query and hands each row to fn, stopping at the first error.
func Each(ctx context.Context, q Querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountsByID runs a query whose rows are (id, count) and returns them as a
// map: how many of something each territory, organisation… has.
func CountsByID(ctx context.Context, q Querier, query string, args ...any) (map[int64]int, error) {
	out := map[int64]int{}
	err := Each(ctx, q, query, args, func(rows *sql.Rows) error {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	})
	return out, err
}
