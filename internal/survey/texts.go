package survey

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/export"
)

// TextAnswer is one typed answer, read by staff before anyone else sees it.
type TextAnswer struct {
	ID         int64
	ResponseID int64
	Question   string
	Text       string
	Moderation string
	CreatedAt  time.Time
}

// TextsPerPage is how many typed answers a page shows; MaxTextsPerPage
// bounds what one read may ask for.
const (
	TextsPerPage    = 50
	MaxTextsPerPage = 500
)

// TextQuery picks one page of a wave's typed answers, oldest first.
type TextQuery struct {
	// States are the moderation states listed (none: every state).
	States []string
	// Question lists one question's answers only ("": every question).
	Question string
	// After lists the answers that came after this one (the next page);
	// Before, those that came before it (the previous page); neither,
	// the oldest.
	After, Before int64
	// Limit is the page's size (0: TextsPerPage).
	Limit int
}

// TextPage is one page of typed answers; Older and Newer tell whether
// answers come before its first or after its last.
type TextPage struct {
	Texts        []TextAnswer
	Older, Newer bool
}

// Texts reads one page of a wave's typed answers, oldest first, so staff
// read in order; a wave of 100 000 answers reads a page at a time.
func (s *Store) Texts(ctx context.Context, territoryID, waveID int64, tq TextQuery) (TextPage, error) {
	limit := tq.Limit
	if limit <= 0 {
		limit = TextsPerPage
	}
	limit = min(limit, MaxTextsPerPage)
	where := ` FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
		WHERE r.territory_id = ? AND a.wave_id = ? AND a.text <> ''`
	args := []any{territoryID, waveID}
	if len(tq.States) > 0 {
		where += ` AND a.moderation IN (` + db.Marks(len(tq.States)) + `)`
		args = append(args, db.Args(tq.States)...)
	}
	if tq.Question != "" {
		where += ` AND a.question = ?`
		args = append(args, tq.Question)
	}
	q, order, backward := where, ` ORDER BY a.id`, tq.Before != 0 && tq.After == 0
	pageArgs := args
	switch {
	case backward:
		q += ` AND a.id < ?`
		order = ` ORDER BY a.id DESC`
		pageArgs = append(pageArgs[:len(pageArgs):len(pageArgs)], tq.Before)
	case tq.After != 0:
		q += ` AND a.id > ?`
		pageArgs = append(pageArgs[:len(pageArgs):len(pageArgs)], tq.After)
	}
	var page TextPage
	err := db.Each(ctx, s.db, `SELECT a.id, a.response_id, a.question, a.text, a.moderation, r.created_at`+q+order+` LIMIT ?`,
		append(pageArgs[:len(pageArgs):len(pageArgs)], limit+1), func(rows *sql.Rows) error {
			var t TextAnswer
			err := rows.Scan(&t.ID, &t.ResponseID, &t.Question, &t.Text, &t.Moderation, db.ScanTime(&t.CreatedAt))
			page.Texts = append(page.Texts, t)
			return err
		})
	if err != nil {
		return TextPage{}, err
	}
	more := len(page.Texts) > limit
	if more {
		page.Texts = page.Texts[:limit]
	}
	if backward {
		slices.Reverse(page.Texts)
		page.Older = more
	} else {
		page.Newer = more
	}
	if len(page.Texts) == 0 {
		return page, nil
	}
	// Whether answers lie on the other side of the page.
	other, mark := ` AND a.id < ?`, page.Texts[0].ID
	if backward {
		other, mark = ` AND a.id > ?`, page.Texts[len(page.Texts)-1].ID
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT a.id`+where+other+` LIMIT 1) x`, append(args, mark)...).Scan(&n); err != nil {
		return TextPage{}, err
	}
	if backward {
		page.Newer = n > 0
	} else {
		page.Older = n > 0
	}
	return page, nil
}

// PendingTexts counts a wave's typed answers waiting for staff.
func (s *Store) PendingTexts(ctx context.Context, territoryID, waveID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
		WHERE r.territory_id = ? AND a.wave_id = ? AND a.text <> '' AND a.moderation = ?`, territoryID, waveID, ModerationPending).Scan(&n)
	return n, err
}

// Moderate approves a typed answer (others may read it among the results)
// or hides it (only staff read it).
func (s *Store) Moderate(ctx context.Context, territoryID, answerID int64, state string) error {
	if state != ModerationApproved && state != ModerationHidden {
		return errs.Fields{"state": "errors.invalid"}.Err()
	}
	res, err := s.db.Exec(ctx, `UPDATE survey_answers SET moderation = ? WHERE id = ? AND text <> ''
		AND response_id IN (SELECT id FROM survey_responses WHERE territory_id = ?)`, state, answerID, territoryID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.survey_answer_not_found")
	}
	return nil
}

// PaperForm is a typed paper form, as staff find it again to correct a mistake.
type PaperForm struct {
	ResponseID int64
	Number     string
	CreatedAt  time.Time
}

// PaperForms lists the paper forms typed for a wave, the latest first.
func (s *Store) PaperForms(ctx context.Context, territoryID, waveID int64) ([]PaperForm, error) {
	var out []PaperForm
	err := db.Each(ctx, s.db, `SELECT id, paper_number, created_at FROM survey_responses WHERE territory_id = ? AND wave_id = ?
		AND channel = ? ORDER BY id DESC`, []any{territoryID, waveID, ChannelPaper}, func(rows *sql.Rows) error {
		var p PaperForm
		err := rows.Scan(&p.ResponseID, &p.Number, db.ScanTime(&p.CreatedAt))
		out = append(out, p)
		return err
	})
	return out, err
}

// DeleteResponse removes one response and its counts (a paper form typed
// wrong, to type again).
func (s *Store) DeleteResponse(ctx context.Context, territoryID, responseID int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var wave, place, event int64
		var audience string
		err := tx.QueryRow(ctx, `SELECT wave_id, COALESCE(place_id, 0), COALESCE(event_id, 0), audience FROM survey_responses
			WHERE territory_id = ? AND id = ?`, territoryID, responseID).Scan(&wave, &place, &event, &audience)
		if err == sql.ErrNoRows {
			return errs.New(errs.NotFound, "errors.survey_answer_not_found")
		}
		if err != nil {
			return err
		}
		var answers []answer
		err = db.Each(ctx, tx, `SELECT question, choice, number, text, declined FROM survey_answers WHERE response_id = ?`,
			[]any{responseID}, func(rows *sql.Rows) error {
				var a answer
				var num sql.NullFloat64
				if err := rows.Scan(&a.question, &a.choice, &num, &a.text, &a.declined); err != nil {
					return err
				}
				if num.Valid {
					a.number = &num.Float64
				}
				answers = append(answers, a)
				return nil
			})
		if err != nil {
			return err
		}
		if err := tally(ctx, tx, wave, place, event, audience, answers, -1); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM survey_tallies WHERE wave_id = ? AND n <= 0`, wave); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM survey_answers WHERE response_id = ?`, responseID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM survey_responses WHERE id = ?`, responseID)
		return err
	})
}

// Export is a wave's answers as a sheet: one row per response, and for
// each question its codes and their labels in lang. Nobody's identity is
// in it.
func (s *Store) Export(ctx context.Context, territoryID, waveID int64, lang string) (export.Sheet, error) {
	w, err := s.Wave(ctx, territoryID, waveID)
	if err != nil {
		return export.Sheet{}, err
	}
	q, err := s.Get(ctx, territoryID, w.QuestionnaireID)
	if err != nil {
		return export.Sheet{}, err
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return export.Sheet{}, err
	}
	places, err := s.placesBySlug(ctx, territoryID)
	if err != nil {
		return export.Sheet{}, err
	}
	def := q.Published.Def
	T := func(k string) string { return s.cat.T(lang, k) }
	sh := export.Sheet{Name: w.Name, Lang: lang, Creator: t.ProgramName, Created: s.now(),
		Header: []string{T("survey.export.response"), T("survey.export.date"), T("survey.export.channel"), T("survey.export.paper"),
			T("survey.export.place"), T("survey.export.version")}}
	questions := def.Questions()
	for _, sc := range def.Scores {
		questions = append(questions, Question{Code: sc.Code, Kind: KindNumber, Text: sc.Label})
	}
	col := map[string]int{}
	for _, question := range questions {
		col[question.Code] = len(sh.Header)
		sh.Header = append(sh.Header, question.Code, question.Code+" — "+T("survey.export.label"))
	}
	type resp struct {
		row     []any
		version int
	}
	var rows []*resp
	byID := map[int64]*resp{}
	err = db.Each(ctx, s.db, `SELECT r.id, r.created_at, r.channel, COALESCE(r.paper_number, ''), COALESCE(p.name, ''), v.number
		FROM survey_responses r JOIN survey_versions v ON v.id = r.version_id LEFT JOIN places p ON p.id = r.place_id
		WHERE r.territory_id = ? AND r.wave_id = ? ORDER BY r.id`, []any{territoryID, waveID}, func(rs *sql.Rows) error {
		var id int64
		var at time.Time
		var channel, paper, place string
		var version int
		if err := rs.Scan(&id, db.ScanTime(&at), &channel, &paper, &place, &version); err != nil {
			return err
		}
		r := &resp{row: make([]any, len(sh.Header)), version: version}
		r.row[0], r.row[1], r.row[2], r.row[3], r.row[4], r.row[5] = id, at.In(t.Location()), T("survey.channel."+channel), paper, place, version
		rows = append(rows, r)
		byID[id] = r
		return nil
	})
	if err != nil {
		return sh, err
	}
	byCode := map[string]Question{}
	for _, question := range questions {
		byCode[question.Code] = question
	}
	err = db.Each(ctx, s.db, `SELECT a.response_id, a.question, a.choice, a.number, a.text, a.declined FROM survey_answers a
		WHERE a.wave_id = ? ORDER BY a.response_id, a.id`, []any{waveID}, func(rs *sql.Rows) error {
		var id int64
		var a answer
		var num sql.NullFloat64
		if err := rs.Scan(&id, &a.question, &a.choice, &num, &a.text, &a.declined); err != nil {
			return err
		}
		r, c := byID[id], col[a.question]
		question, ok := byCode[a.question]
		if r == nil || !ok {
			return nil
		}
		var code, label string
		switch {
		case a.declined:
			code, label = DeclineCode, T("survey.decline")
		case num.Valid:
			r.row[c] = num.Float64
			return nil
		case a.text != "":
			r.row[c+1] = a.text
			return nil
		case question.Kind == KindPlace:
			code, label = a.choice, places[a.choice].Name
		default:
			o, _ := question.Option(a.choice)
			code, label = a.choice, o.Label.In(lang)
		}
		if prev, _ := r.row[c].(string); prev != "" {
			code, label = prev+" ; "+code, r.row[c+1].(string)+" ; "+label
		}
		r.row[c], r.row[c+1] = code, label
		return nil
	})
	for _, r := range rows {
		sh.Rows = append(sh.Rows, r.row)
	}
	return sh, err
}
