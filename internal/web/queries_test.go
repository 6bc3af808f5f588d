package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"implique/internal/db"
)

// grownTables are the tables whose rows the pages list: each is doubled
// between the two passes of TestNoQueryPerRow.
var grownTables = []string{
	"events", "registrations", "ideas", "idea_supports", "communities", "community_members", "community_posts",
	"initiatives", "initiative_people", "organizations", "organization_seats", "organization_people",
	"volunteer_opportunities", "volunteer_applications", "volunteer_hours", "survey_waves", "survey_responses",
	"training_cohorts", "training_enrolments", "comms_stories", "comms_items", "comms_subscribers",
	"committee_meetings", "funding_applications", "impact_indicators", "mail_outbox", "users", "privacy_access_log",
}

// TestNoQueryPerRow visits every page of the demo and counts the statements
// each runs, with the rows of every table the pages list doubled, then
// doubled again. A page that reads the database once per row it shows
// (N+1) runs more statements the second time.
func TestNoQueryPerRow(t *testing.T) {
	w := newEveryPageWorld(t)
	e := w.e
	clients := map[string]*client{"": e.client(t)}
	for as, tok := range w.sessions {
		clients[as] = e.as(t, tok)
	}
	pass := func() map[string]int64 {
		counts := map[string]int64{}
		for _, p := range w.pages {
			r := clients[p.as].get(p.path)
			want := p.status
			if want == 0 {
				want = http.StatusOK
			}
			if r.StatusCode != want {
				t.Errorf("%s %s: status %d, want %d", p.as, p.path, r.StatusCode, want)
			}
			counts[p.as+" "+p.path] = e.queries.Load()
		}
		return counts
	}
	grow := func() {
		ctx := context.Background()
		for _, table := range grownTables {
			n, err := double(ctx, e.d, table)
			if err != nil {
				t.Fatalf("doubling %s: %v", table, err)
			}
			if n == 0 {
				t.Logf("%s: no row to double", table)
			}
		}
		// The rows were written behind the site: the pages kept are stale.
		e.changedBehindTheSite(t)
	}
	// The first doubling may wake reads that only run when there is
	// something to show (possible duplicates, say); the second may not.
	pass()
	grow()
	before := pass()
	grow()
	after := pass()
	most, where := int64(0), ""
	for _, p := range w.pages {
		k := p.as + " " + p.path
		if after[k] > before[k] {
			t.Errorf("%s: %d statements, then %d with twice the rows: a read per row", k, before[k], after[k])
		}
		if after[k] > most {
			most, where = after[k], k
		}
	}
	t.Logf("%d pages; the most statements: %d (%s)", len(w.pages), most, where)
}

// double inserts a copy of every row of table in the test territory,
// changing what must stay unique (slugs, tokens, e-mails); a row that
// would still collide with another (a member twice in one community) is
// left out.
func double(ctx context.Context, d *db.DB, table string) (int64, error) {
	rows, err := d.Query(ctx, `SELECT name, type, pk FROM pragma_table_info(?)`, table)
	if err != nil {
		return 0, err
	}
	var cols, vals []string
	for rows.Next() {
		var name, typ string
		var pk int
		if err := rows.Scan(&name, &typ, &pk); err != nil {
			rows.Close()
			return 0, err
		}
		if pk > 0 && strings.EqualFold(typ, "INTEGER") {
			continue // a new id
		}
		cols = append(cols, name)
		switch {
		case name == "email" || strings.HasSuffix(name, "_email"):
			vals = append(vals, fmt.Sprintf("CASE WHEN %s IS NULL OR %s = '' THEN %s ELSE 'copie-' || %s END", name, name, name, name))
		case name == "slug" || strings.HasSuffix(name, "token") || strings.HasSuffix(name, "nonce") || strings.HasSuffix(name, "_hash") ||
			name == "code" || name == "phone_key" || strings.HasSuffix(name, "_key") || name == "public_id":
			vals = append(vals, fmt.Sprintf("CASE WHEN %s IS NULL OR %s = '' THEN %s ELSE %s || '-copie' END", name, name, name, name))
		default:
			vals = append(vals, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var res sql.Result
	err = d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		res, err = tx.Exec(ctx, fmt.Sprintf(`INSERT OR IGNORE INTO %s (%s) SELECT %s FROM %s`, table, strings.Join(cols, ", "), strings.Join(vals, ", "), table))
		return err
	})
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
