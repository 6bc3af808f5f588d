package survey

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
)

// Wave is one run of a questionnaire (« Portrait 2026 », « Suivi 2027 »).
type Wave struct {
	ID              int64
	TerritoryID     int64
	QuestionnaireID int64
	Name            string
	Opens           calendar.Date
	// Closes is the last day answers are taken online (zero: until closed).
	Closes    calendar.Date
	ClosedAt  *time.Time
	CreatedAt time.Time
	Responses int
}

// OpenOn reports whether the wave takes answers online on day.
func (w Wave) OpenOn(day calendar.Date) bool {
	return w.ClosedAt == nil && !day.Before(w.Opens) && (w.Closes.IsZero() || !w.Closes.Before(day))
}

// WaveInput is what staff type to start a wave.
type WaveInput struct {
	Name, Opens, Closes string
}

const waveCols = `w.id, w.territory_id, w.questionnaire_id, w.name, w.opens_on, w.closes_on, w.closed_at, w.created_at,
	(SELECT COALESCE(SUM(t.n), 0) FROM survey_tallies t WHERE t.wave_id = w.id AND t.question = '` + ResponsesKey + `')`

func scanWave(row interface{ Scan(...any) error }) (Wave, error) {
	var w Wave
	err := row.Scan(&w.ID, &w.TerritoryID, &w.QuestionnaireID, &w.Name, &w.Opens, &w.Closes, db.ScanNullTime(&w.ClosedAt),
		db.ScanTime(&w.CreatedAt), &w.Responses)
	if errors.Is(err, sql.ErrNoRows) {
		return w, errs.New(errs.NotFound, "errors.survey_wave_not_found")
	}
	return w, err
}

// today is the territory's day now.
func (s *Store) today(ctx context.Context, territoryID int64) (calendar.Date, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return calendar.Date{}, err
	}
	return calendar.DateOf(s.now().In(t.Location())), nil
}

// CreateWave starts a wave of a published questionnaire.
func (s *Store) CreateWave(ctx context.Context, territoryID, questionnaireID int64, in WaveInput) (int64, error) {
	q, err := s.Get(ctx, territoryID, questionnaireID)
	if err != nil {
		return 0, err
	}
	f := errs.Fields{}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		f.Add("name", "errors.required")
	case utf8.RuneCountInString(name) > 120:
		f.Add("name", "errors.too_long")
	}
	win := calendar.Happening(s.now())
	opens := win.Parse(f, "opens", in.Opens, true)
	closes := win.Parse(f, "closes", in.Closes, false)
	if !opens.IsZero() && !closes.IsZero() && closes.Before(opens) {
		f.Add("closes", "errors.survey_closes_before")
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	if q.Published == nil {
		return 0, errs.New(errs.Conflict, "errors.survey_not_published")
	}
	id, err := s.db.InsertID(ctx, `INSERT INTO survey_waves (territory_id, questionnaire_id, name, opens_on, closes_on, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, questionnaireID, name, opens, closes, s.now())
	if db.IsUniqueViolation(err) {
		return 0, errs.Fields{"name": "errors.survey_wave_taken"}.Err()
	}
	return id, err
}

// CloseWave stops the online answers of a wave (paper forms may still be typed).
func (s *Store) CloseWave(ctx context.Context, territoryID, id int64) error {
	res, err := s.db.Exec(ctx, `UPDATE survey_waves SET closed_at = ? WHERE territory_id = ? AND id = ? AND closed_at IS NULL`,
		s.now(), territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Wave(ctx, territoryID, id); err != nil {
			return err
		}
	}
	return nil
}

// Wave returns one wave of a territory.
func (s *Store) Wave(ctx context.Context, territoryID, id int64) (Wave, error) {
	return scanWave(s.db.QueryRow(ctx, `SELECT `+waveCols+` FROM survey_waves w WHERE w.territory_id = ? AND w.id = ?`, territoryID, id))
}

// Waves lists a questionnaire's waves, the latest first.
func (s *Store) Waves(ctx context.Context, territoryID, questionnaireID int64) ([]Wave, error) {
	return s.waves(ctx, `w.territory_id = ? AND w.questionnaire_id = ?`, territoryID, questionnaireID)
}

// WavesByQuestionnaire lists every wave of the territory, by questionnaire,
// the latest first (one query for a list of questionnaires).
func (s *Store) WavesByQuestionnaire(ctx context.Context, territoryID int64) (map[int64][]Wave, error) {
	all, err := s.waves(ctx, `w.territory_id = ?`, territoryID)
	out := map[int64][]Wave{}
	for _, w := range all {
		out[w.QuestionnaireID] = append(out[w.QuestionnaireID], w)
	}
	return out, err
}

func (s *Store) waves(ctx context.Context, where string, args ...any) ([]Wave, error) {
	var out []Wave
	err := db.Each(ctx, s.db, `SELECT `+waveCols+` FROM survey_waves w WHERE `+where+` ORDER BY w.opens_on DESC, w.id DESC`, args,
		func(rows *sql.Rows) error {
			w, err := scanWave(rows)
			out = append(out, w)
			return err
		})
	return out, err
}

// Open is a wave taking answers online, with its questionnaire.
type Open struct {
	Wave          Wave
	Questionnaire Questionnaire
}

// OpenWaves lists the waves that take answers online today, for the public list.
func (s *Store) OpenWaves(ctx context.Context, territoryID int64) ([]Open, error) {
	today, err := s.today(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	qs, err := s.List(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	byQ, err := s.WavesByQuestionnaire(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	var out []Open
	for _, q := range qs {
		if q.Published == nil {
			continue
		}
		for _, w := range byQ[q.ID] {
			if w.OpenOn(today) {
				out = append(out, Open{Wave: w, Questionnaire: q})
			}
		}
	}
	return out, nil
}
