package training

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
)

// Progress is where a learner stands in their cohort.
type Progress struct {
	Enrolment
	// Present tells, by session (event id), whether they were checked in.
	Present map[int64]bool
	// Attended counts the sessions they were checked in at; Past the
	// sessions begun so far; Total every session not cancelled.
	Attended, Past, Total int
	// RuleMet is the program's rule: attendance over all the sessions and,
	// when asked, the project handed in.
	RuleMet bool
	// Done is the completion: written when the cohort was completed,
	// else staff's decision, else the rule.
	Done bool
}

// Percent is the share of the sessions attended.
func (p Progress) Percent() int {
	if p.Total == 0 {
		return 0
	}
	return p.Attended * 100 / p.Total
}

// Grid is a cohort's attendance: its learners (confirmed, and those who
// withdrew after attending) by its sessions.
type Grid struct {
	Cohort   Cohort
	Sessions []events.Event
	Rows     []Progress
}

// Grid reads a cohort's attendance from its sessions' check-in.
func (s *Store) Grid(ctx context.Context, territoryID, cohortID int64) (Grid, error) {
	c, err := s.Cohort(ctx, territoryID, cohortID)
	if err != nil {
		return Grid{}, err
	}
	list, err := s.Enrolments(ctx, territoryID, cohortID)
	if err != nil {
		return Grid{}, err
	}
	rows, err := s.progress(ctx, territoryID, c, list)
	if err != nil {
		return Grid{}, err
	}
	g := Grid{Cohort: c, Sessions: c.Held()}
	for _, p := range rows {
		if p.Status == Confirmed || p.Status == Withdrawn && p.Attended > 0 {
			g.Rows = append(g.Rows, p)
		}
	}
	return g, nil
}

// ProgressOf reads the progress of enrolments of one cohort.
func (s *Store) ProgressOf(ctx context.Context, territoryID int64, c Cohort, list []Enrolment) ([]Progress, error) {
	return s.progress(ctx, territoryID, c, list)
}

func (s *Store) progress(ctx context.Context, territoryID int64, c Cohort, list []Enrolment) ([]Progress, error) {
	all, err := s.progressAll(ctx, territoryID, []Cohort{c}, map[int64][]Enrolment{c.ID: list})
	return all[c.ID], err
}

// progressAll reads the progress of the enrolments of several cohorts at
// once (lists: by cohort), in three reads whatever their number.
func (s *Store) progressAll(ctx context.Context, territoryID int64, cohorts []Cohort, lists map[int64][]Enrolment) (map[int64][]Progress, error) {
	out := map[int64][]Progress{}
	if len(cohorts) == 0 {
		return out, nil
	}
	var events, cohortIDs []int64
	for _, c := range cohorts {
		cohortIDs = append(cohortIDs, c.ID)
		for _, e := range c.Held() {
			events = append(events, e.ID)
		}
	}
	present, err := s.events.CheckedIn(ctx, territoryID, events)
	if err != nil {
		return nil, err
	}
	regs := map[int64]map[int64]int64{} // enrolment → event → registration
	err = db.Each(ctx, s.db, `SELECT r.enrolment_id, r.event_id, r.registration_id FROM training_registrations r
		JOIN training_enrolments e ON e.id = r.enrolment_id WHERE e.territory_id = ? AND e.cohort_id IN (`+db.Marks(len(cohortIDs))+`)`,
		append([]any{territoryID}, db.Args(cohortIDs)...),
		func(rows *sql.Rows) error {
			var en, ev, reg int64
			if err := rows.Scan(&en, &ev, &reg); err != nil {
				return err
			}
			if regs[en] == nil {
				regs[en] = map[int64]int64{}
			}
			regs[en][ev] = reg
			return nil
		})
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, c := range cohorts {
		held := c.Held()
		list := lists[c.ID]
		rows := make([]Progress, len(list))
		for i, e := range list {
			p := Progress{Enrolment: e, Present: map[int64]bool{}, Total: len(held)}
			for _, ev := range held {
				if !now.Before(ev.StartsAt) {
					p.Past++
				}
				if reg, ok := regs[e.ID][ev.ID]; ok && present[reg] {
					p.Present[ev.ID] = true
					p.Attended++
				}
			}
			p.RuleMet = p.Total > 0 && p.Attended*100 >= c.Program.MinAttendance*p.Total && (!c.Program.ProjectRequired || e.ProjectDone)
			switch {
			case e.Completed != nil:
				p.Done = *e.Completed
			case e.Decision == DecidedCompleted:
				p.Done = true
			case e.Decision == DecidedNotCompleted:
				p.Done = false
			default:
				p.Done = p.RuleMet
			}
			rows[i] = p
		}
		out[c.ID] = rows
	}
	return out, nil
}

// decide is the completion of a learner from the rule and staff's decision.
func decide(p Progress) bool {
	switch p.Decision {
	case DecidedCompleted:
		return true
	case DecidedNotCompleted:
		return false
	}
	return p.RuleMet
}

// complete closes a cohort: each confirmed learner's completion is
// written (staff's decision, else the rule), with the day.
func (s *Store) complete(ctx context.Context, territoryID int64, c Cohort) error {
	if len(c.Held()) == 0 {
		return errs.New(errs.Conflict, "errors.training_no_sessions")
	}
	if now := s.now(); now.Before(c.Ends()) {
		return errs.New(errs.Conflict, "errors.training_not_over")
	}
	list, err := s.Enrolments(ctx, territoryID, c.ID)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Completed = nil // the rule and the decisions, as they stand now
	}
	rows, err := s.progress(ctx, territoryID, c, list)
	if err != nil {
		return err
	}
	today, _, err := s.today(ctx, territoryID)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, p := range rows {
			if p.Status != Confirmed {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE training_enrolments SET completed = ?, updated_at = ? WHERE id = ?`, decide(p), s.now(), p.ID); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE training_cohorts SET status = 'completed', completed_on = ?, updated_at = ? WHERE id = ?`,
			today.String(), s.now(), c.ID)
		return err
	})
	if err != nil {
		return err
	}
	// The evaluations after the sessions stop with the cohort; the one at
	// the end stays open for the answers still to come (staff close it
	// from the surveys' pages).
	if c.SessionWaveID != nil {
		if err := s.evaluations.CloseWave(ctx, territoryID, *c.SessionWaveID); err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
	}
	return nil
}

// Decide records staff's decision over the completion rule for a learner
// (decision "" gives it back to the rule), with its reason; once the
// cohort is completed, the learner's completion follows at once.
func (s *Store) Decide(ctx context.Context, territoryID, enrolmentID, by int64, decision, reason string) error {
	reason = strings.TrimSpace(reason)
	if decision != "" && decision != DecidedCompleted && decision != DecidedNotCompleted {
		return errs.New(errs.Invalid, "errors.training_decision")
	}
	f := errs.Fields{}
	if decision != "" && reason == "" {
		f.Add("reason", "errors.training_reason_needed")
	}
	if tooLong(reason, 1000) {
		f.Add("reason", "errors.too_long")
	}
	if err := f.Err(); err != nil {
		return err
	}
	if decision == "" {
		reason = ""
	}
	return s.updateLearner(ctx, territoryID, enrolmentID, `decision = ?, decision_reason = ?, decided_by = ?`,
		decision, reason, nullID(by))
}

// SetProject records whether a learner handed in their project.
func (s *Store) SetProject(ctx context.Context, territoryID, enrolmentID int64, done bool) error {
	return s.updateLearner(ctx, territoryID, enrolmentID, `project_done = ?`, done)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// updateLearner changes what decides a confirmed learner's completion and,
// once the cohort is completed, writes the completion again.
func (s *Store) updateLearner(ctx context.Context, territoryID, enrolmentID int64, set string, args ...any) error {
	e, err := s.Enrolment(ctx, territoryID, enrolmentID)
	if err != nil {
		return err
	}
	if e.Status != Confirmed {
		return errs.New(errs.Conflict, "errors.training_not_confirmed")
	}
	if _, err := s.db.Exec(ctx, `UPDATE training_enrolments SET `+set+`, updated_at = ? WHERE territory_id = ? AND id = ?`,
		append(args, s.now(), territoryID, enrolmentID)...); err != nil {
		return err
	}
	c, err := s.Cohort(ctx, territoryID, e.CohortID)
	if err != nil || c.Status != Completed {
		return err
	}
	if e, err = s.Enrolment(ctx, territoryID, enrolmentID); err != nil {
		return err
	}
	e.Completed = nil
	rows, err := s.progress(ctx, territoryID, c, []Enrolment{e})
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE training_enrolments SET completed = ? WHERE id = ?`, decide(rows[0]), enrolmentID)
	return err
}

// Summary counts a program's or a cohort's learners.
type Summary struct {
	Enrolled, Attended, Completed int
}

// Totals counts, by cohort, the confirmed learners, those who attended at
// least one session, and those who completed.
func (s *Store) Totals(ctx context.Context, territoryID int64, cohorts []Cohort) (map[int64]Summary, error) {
	out := map[int64]Summary{}
	if len(cohorts) == 0 {
		return out, nil
	}
	ids := make([]int64, len(cohorts))
	for i, c := range cohorts {
		ids[i] = c.ID
	}
	list, err := queryEnrolments(ctx, s.db, `e.territory_id = ? AND e.cohort_id IN (`+db.Marks(len(ids))+`) AND e.status = 'confirmed'`,
		append([]any{territoryID}, db.Args(ids)...)...)
	if err != nil {
		return nil, err
	}
	lists := map[int64][]Enrolment{}
	for _, e := range list {
		lists[e.CohortID] = append(lists[e.CohortID], e)
	}
	all, err := s.progressAll(ctx, territoryID, cohorts, lists)
	if err != nil {
		return nil, err
	}
	for _, c := range cohorts {
		var sum Summary
		for _, p := range all[c.ID] {
			sum.Enrolled++
			if p.Attended > 0 {
				sum.Attended++
			}
			if p.Completed != nil && *p.Completed {
				sum.Completed++
			}
		}
		out[c.ID] = sum
	}
	return out, nil
}

// OrgTraining is what an organisation's members took of one cohort: the
// people it enrolled (confirmed), those present at a session or more,
// and those who completed.
type OrgTraining struct {
	Cohort                        Cohort
	Enrolled, Attended, Completed int
}

// Trainings sums up, cohort by cohort (the latest first), the trainings
// an organisation's members took: what its page shows beside the
// accompaniment it received.
func (s *Store) Trainings(ctx context.Context, territoryID, orgID int64) ([]OrgTraining, error) {
	list, err := queryEnrolments(ctx, s.db, `e.territory_id = ? AND e.organization_id = ? AND e.status = 'confirmed'`, territoryID, orgID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	byCohort := map[int64][]Enrolment{}
	var order []int64
	for _, e := range list {
		if byCohort[e.CohortID] == nil {
			order = append(order, e.CohortID)
		}
		byCohort[e.CohortID] = append(byCohort[e.CohortID], e)
	}
	var out []OrgTraining
	for _, cid := range order {
		c, err := s.Cohort(ctx, territoryID, cid)
		if err != nil {
			return nil, err
		}
		rows, err := s.progress(ctx, territoryID, c, byCohort[cid])
		if err != nil {
			return nil, err
		}
		t := OrgTraining{Cohort: c}
		for _, p := range rows {
			t.Enrolled++
			if p.Attended > 0 {
				t.Attended++
			}
			if p.Completed != nil && *p.Completed {
				t.Completed++
			}
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b OrgTraining) int { return b.Cohort.Starts().Compare(a.Cohort.Starts()) })
	return out, nil
}
