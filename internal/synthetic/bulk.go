package synthetic

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"implique/internal/db"
)

// maxParams is how many parameters one statement carries: under SQLite's
// 32 766 and PostgreSQL's 65 535.
const maxParams = 30_000

// txRows is how many rows one transaction writes.
const txRows = 100_000

// batch gathers rows for one table and writes them in multi-row INSERTs,
// txRows to a transaction. With returning, it keeps the new rows' ids in
// the order of the rows (both engines number the rows of one INSERT in the
// order of its VALUES).
type batch struct {
	ctx       context.Context
	d         *db.DB
	head      string
	cols      int
	returning bool
	args      []any
	ids       []int64
	rows      int
}

func (s *seeder) batch(head string, cols int, returning bool) *batch {
	return &batch{ctx: s.ctx, d: s.d, head: head, cols: cols, returning: returning}
}

// add adds one row, writing the rows gathered when there are enough.
func (b *batch) add(vals ...any) error {
	if len(vals) != b.cols {
		panic("synthetic: a row of " + b.head + " has the wrong number of values")
	}
	b.args = append(b.args, vals...)
	b.rows++
	if len(b.args) >= txRows*b.cols {
		return b.flush()
	}
	return nil
}

// flush writes the rows gathered, in one transaction.
func (b *batch) flush() error {
	if len(b.args) == 0 {
		return nil
	}
	per := maxParams / b.cols
	one := "(" + db.Marks(b.cols) + ")"
	err := b.d.InTx(b.ctx, func(tx *db.Tx) error {
		n := len(b.args) / b.cols
		for start := 0; start < n; start += per {
			end := min(start+per, n)
			q := b.head + " VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", end-start), ", ")
			part := b.args[start*b.cols : end*b.cols]
			if !b.returning {
				if _, err := tx.Exec(b.ctx, q, part...); err != nil {
					return err
				}
				continue
			}
			first := len(b.ids)
			err := db.Each(b.ctx, tx, q+" RETURNING id", part, func(rs *sql.Rows) error {
				var id int64
				if err := rs.Scan(&id); err != nil {
					return err
				}
				b.ids = append(b.ids, id)
				return nil
			})
			if err != nil {
				return err
			}
			slices.Sort(b.ids[first:])
		}
		return nil
	})
	b.args = b.args[:0]
	return err
}
