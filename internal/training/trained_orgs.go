package training

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"implique/internal/db"
)

// TrainedOrganization is an organisation of the directory that had
// learners in a cohort — people it enrolled, or who came through it —
// with what they took, program by program.
type TrainedOrganization struct {
	ID   int64
	Name string
	// Kind is the organisation's kind (package orgs' codes); Municipal
	// tells a municipality's council or committee.
	Kind      string
	Municipal bool
	Programs  []TrainedProgram
}

// TrainedProgram is what an organisation's learners took of one program:
// the people enrolled (confirmed) in its cohorts, those whose completion
// was written when their cohort was completed, and the latest cohort.
type TrainedProgram struct {
	Program             Program
	Cohorts             int
	Enrolled, Completed int
	// Last is the latest of these cohorts, by its first session; LastDate
	// its first session (zero without one).
	Last     Cohort
	LastDate time.Time
}

// TrainedOrganizations lists the organisations whose people were enrolled
// in a cohort that was not cancelled, the municipalities first, then by
// name; kinds, when given, keeps only the organisations of those kinds.
// It reads the enrolments in one query and the cohorts met in a few: never
// one read per organisation.
func (s *Store) TrainedOrganizations(ctx context.Context, territoryID int64, kinds []string) ([]TrainedOrganization, error) {
	q := `SELECT o.id, o.name, o.kind, c.id, COUNT(*), SUM(CASE WHEN e.completed = ? THEN 1 ELSE 0 END)
		FROM training_enrolments e JOIN training_cohorts c ON c.id = e.cohort_id
		JOIN organizations o ON o.id = e.organization_id AND o.territory_id = e.territory_id
		WHERE e.territory_id = ? AND e.status = 'confirmed' AND c.status <> 'cancelled'`
	args := []any{true, territoryID}
	if len(kinds) > 0 {
		q += ` AND o.kind IN (` + db.Marks(len(kinds)) + `)`
		args = append(args, db.Args(kinds)...)
	}
	q += ` GROUP BY o.id, o.name, o.kind, c.id`
	type row struct {
		org, cohort         int64
		enrolled, completed int
	}
	var rows []row
	var out []TrainedOrganization
	index := map[int64]int{}
	cohortIDs := map[int64]bool{}
	err := db.Each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var g row
		var name, kind string
		if err := r.Scan(&g.org, &name, &kind, &g.cohort, &g.enrolled, &g.completed); err != nil {
			return err
		}
		if _, ok := index[g.org]; !ok {
			index[g.org] = len(out)
			out = append(out, TrainedOrganization{ID: g.org, Name: name, Kind: kind, Municipal: municipalKind(kind)})
		}
		cohortIDs[g.cohort] = true
		rows = append(rows, g)
		return nil
	})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	ids := make([]int64, 0, len(cohortIDs))
	for id := range cohortIDs {
		ids = append(ids, id)
	}
	list, err := s.cohorts(ctx, territoryID, `c.id IN (`+db.Marks(len(ids))+`)`, db.Args(ids)...)
	if err != nil {
		return nil, err
	}
	cohorts := map[int64]Cohort{}
	for _, c := range list {
		cohorts[c.ID] = c
	}
	for _, g := range rows {
		c, ok := cohorts[g.cohort]
		if !ok {
			continue
		}
		o := &out[index[g.org]]
		i := slices.IndexFunc(o.Programs, func(p TrainedProgram) bool { return p.Program.ID == c.ProgramID })
		if i < 0 {
			o.Programs = append(o.Programs, TrainedProgram{Program: c.Program})
			i = len(o.Programs) - 1
		}
		p := &o.Programs[i]
		p.Cohorts++
		p.Enrolled += g.enrolled
		p.Completed += g.completed
		if p.Last.ID == 0 || later(c, p.Last) {
			p.Last, p.LastDate = c, c.Starts()
		}
	}
	for i := range out {
		slices.SortFunc(out[i].Programs, func(a, b TrainedProgram) int { return strings.Compare(a.Program.Name, b.Program.Name) })
	}
	slices.SortFunc(out, func(a, b TrainedOrganization) int {
		if a.Municipal != b.Municipal {
			if a.Municipal {
				return -1
			}
			return 1
		}
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out, nil
}

// later reports whether cohort a comes after b: by their first session,
// then (one of them without any) by creation.
func later(a, b Cohort) bool {
	as, bs := a.Starts(), b.Starts()
	if !as.IsZero() && !bs.IsZero() {
		return as.After(bs)
	}
	if as.IsZero() != bs.IsZero() {
		return !as.IsZero()
	}
	return a.CreatedAt.After(b.CreatedAt)
}

// municipalKind reports whether an organisation's kind is a
// municipality's (the kinds of municipal).
func municipalKind(kind string) bool {
	return strings.Contains(municipal, "'"+kind+"'")
}
