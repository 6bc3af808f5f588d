package survey

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
)

// The shipped instruments of a training program's evaluations: one after
// each session, one at the end of a cohort.
const (
	SessionInstrument = "formation-seance"
	ReviewInstrument  = "formation-bilan"
)

// EvaluationWave returns the wave named name of the territory's questionnaire
// made from the shipped instrument, for the evaluations a capability asks of
// the people who attended: the most recent published questionnaire whose
// instrument it is, else the instrument loaded and published now; the wave
// is created when there is none of that name, opening on opens and open
// until closed. Called again, it returns the same wave and makes nothing.
func (s *Store) EvaluationWave(ctx context.Context, territoryID int64, instrument, name string, opens calendar.Date, by int64) (Wave, error) {
	all, err := Instruments()
	if err != nil {
		return Wave{}, err
	}
	var in *Instrument
	for i := range all {
		if all[i].Key == instrument {
			in = &all[i]
		}
	}
	if in == nil {
		return Wave{}, errs.New(errs.NotFound, "errors.survey_instrument_not_found")
	}
	f := errs.Fields{}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		f.Add("name", "errors.required")
	case utf8.RuneCountInString(name) > 120:
		f.Add("name", "errors.too_long")
	}
	if opens.IsZero() {
		f.Add("opens", "errors.required")
	}
	if err := f.Err(); err != nil {
		return Wave{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// Two calls at once find or make the same questionnaire: SQLite
		// writes one transaction at a time, PostgreSQL waits on this lock.
		if tx.Engine() == db.Postgres {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?, CAST(? AS integer))`, evaluationLock, territoryID); err != nil {
				return err
			}
		}
		var qid int64
		err := tx.QueryRow(ctx, `SELECT q.id FROM survey_questionnaires q WHERE q.territory_id = ? AND q.instrument = ?
			AND EXISTS (SELECT 1 FROM survey_versions v WHERE v.questionnaire_id = q.id AND v.published_at IS NOT NULL)
			ORDER BY q.created_at DESC, q.id DESC LIMIT 1`, territoryID, in.Key).Scan(&qid)
		if errors.Is(err, sql.ErrNoRows) {
			qid, err = s.insert(ctx, tx, territoryID, Meta{Title: in.Definition.Title, Audience: in.Audience, Anonymous: in.Anonymous},
				in.Key, in.Source, nil, in.Definition, true, by)
		}
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `SELECT id FROM survey_waves WHERE territory_id = ? AND questionnaire_id = ? AND name = ?`,
			territoryID, qid, name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			id, err = tx.InsertID(ctx, `INSERT INTO survey_waves (territory_id, questionnaire_id, name, opens_on, closes_on, created_at)
				VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, qid, name, opens, nil, s.now())
		}
		return err
	})
	if err != nil {
		return Wave{}, err
	}
	return s.Wave(ctx, territoryID, id)
}

// evaluationLock names, with the territory, the lock EvaluationWave takes on PostgreSQL.
const evaluationLock = 7301
