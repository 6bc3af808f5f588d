package training

import (
	"context"
	"slices"

	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/survey"
)

// SendEvaluation invites the people checked in at one of a cohort's
// sessions to evaluate it (final: the end-of-training evaluation, usually
// after the last session). The cohort's wave is made at the first
// sending; a session begun but not closed is closed first (its attendance
// is the check-in). Each person is invited once; it returns how many
// e-mails were queued now.
func (s *Store) SendEvaluation(ctx context.Context, territoryID, cohortID, eventID, by int64, final bool) (int, error) {
	c, err := s.Cohort(ctx, territoryID, cohortID)
	if err != nil {
		return 0, err
	}
	i := slices.IndexFunc(c.Sessions, func(e events.Event) bool { return e.ID == eventID })
	if i < 0 {
		return 0, errs.New(errs.NotFound, "errors.event_not_found")
	}
	ev := c.Sessions[i]
	if ev.CancelledAt != nil {
		return 0, errs.New(errs.Conflict, "errors.event_cancelled")
	}
	if s.now().Before(ev.StartsAt) {
		return 0, errs.New(errs.Conflict, "errors.event_not_started")
	}
	if ev.HeldAt == nil {
		if _, err := s.events.Close(ctx, territoryID, ev.ID, events.Report{}); err != nil {
			return 0, err
		}
	}
	today, _, err := s.today(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	instrument, key, col, waveID := survey.SessionInstrument, "training.wave.sessions", "session_wave_id", c.SessionWaveID
	if final {
		instrument, key, col, waveID = survey.ReviewInstrument, "training.wave.final", "final_wave_id", c.FinalWaveID
	}
	if waveID == nil {
		w, err := s.evaluations.EvaluationWave(ctx, territoryID, instrument, s.cat.T("fr", key, c.Program.Name, c.Name), today, by)
		if err != nil {
			return 0, err
		}
		if _, err := s.db.Exec(ctx, `UPDATE training_cohorts SET `+col+` = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
			w.ID, s.now(), territoryID, cohortID); err != nil {
			return 0, err
		}
		waveID = &w.ID
	}
	return s.evaluations.InviteAttendees(ctx, territoryID, *waveID, eventID)
}

// EvaluationWaves lists the waves of a program's cohorts: those after
// the sessions and those at the end, by cohort id.
func (s *Store) EvaluationWaves(ctx context.Context, territoryID, programID int64) (sessions, final map[int64]int64, err error) {
	list, err := s.Cohorts(ctx, territoryID, CohortFilter{ProgramID: programID})
	if err != nil {
		return nil, nil, err
	}
	sessions, final = map[int64]int64{}, map[int64]int64{}
	for _, c := range list {
		if c.SessionWaveID != nil {
			sessions[c.ID] = *c.SessionWaveID
		}
		if c.FinalWaveID != nil {
			final[c.ID] = *c.FinalWaveID
		}
	}
	return sessions, final, nil
}
