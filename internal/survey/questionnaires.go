package survey

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
)

// Questionnaire is a questionnaire of a territory with its versions in use.
type Questionnaire struct {
	ID          int64
	TerritoryID int64
	Audience    string
	// Anonymous questionnaires keep neither the person nor the private
	// link an answer came through; identified ones need consent.
	Anonymous  bool
	Instrument string
	Source     string
	CopiedFrom *int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Published is the latest published version (nil: never published);
	// Draft the edit in progress (nil: none).
	Published *Version
	Draft     *Version
	// Responses counts the answers of every wave.
	Responses int
}

// Current is the version staff edit and read: the draft, else the published one.
func (q Questionnaire) Current() Version {
	if q.Draft != nil {
		return *q.Draft
	}
	if q.Published != nil {
		return *q.Published
	}
	return Version{}
}

// Title is the questionnaire's title in lang.
func (q Questionnaire) Title(lang string) string { return q.Current().Def.Title.In(lang) }

// Version is one state of a questionnaire's questions.
type Version struct {
	ID              int64
	QuestionnaireID int64
	Number          int
	Def             Definition
	PublishedAt     *time.Time
	CreatedAt       time.Time
}

// Instrument is a questionnaire shipped with the product, with its source.
type Instrument struct {
	Key        string     `json:"key"`
	Audience   string     `json:"audience"`
	Anonymous  bool       `json:"anonymous"`
	Source     string     `json:"source"`
	Definition Definition `json:"definition"`
}

//go:embed instruments/*.json
var instrumentFiles embed.FS

// Instruments lists the shipped instruments, by key.
func Instruments() ([]Instrument, error) {
	names, err := fs.Glob(instrumentFiles, "instruments/*.json")
	if err != nil {
		return nil, err
	}
	var out []Instrument
	for _, n := range names {
		b, err := instrumentFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var in Instrument
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return nil, fmt.Errorf("survey: instrument %s: %w", n, err)
		}
		if err := in.Definition.validate(true); err != nil {
			return nil, fmt.Errorf("survey: instrument %s: %v", n, err)
		}
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Meta is what staff choose about a questionnaire besides its questions.
type Meta struct {
	Title     Text
	Audience  string
	Anonymous bool
}

func (m Meta) check(f errs.Fields) {
	textProblem(f, "title", trimText(m.Title), true)
	ok := false
	for _, a := range Audiences {
		ok = ok || a == m.Audience
	}
	if !ok {
		f.Add("audience", "errors.survey_audience")
	}
}

const qCols = `q.id, q.territory_id, q.audience, q.anonymous, q.instrument, q.source, q.copied_from, q.created_at, q.updated_at,
	(SELECT COALESCE(SUM(t.n), 0) FROM survey_tallies t JOIN survey_waves w ON w.id = t.wave_id
		WHERE w.questionnaire_id = q.id AND t.question = '` + ResponsesKey + `')`

func scanQuestionnaire(row interface{ Scan(...any) error }) (Questionnaire, error) {
	var q Questionnaire
	err := row.Scan(&q.ID, &q.TerritoryID, &q.Audience, &q.Anonymous, &q.Instrument, &q.Source, &q.CopiedFrom,
		db.ScanTime(&q.CreatedAt), db.ScanTime(&q.UpdatedAt), &q.Responses)
	if errors.Is(err, sql.ErrNoRows) {
		return q, errs.New(errs.NotFound, "errors.survey_not_found")
	}
	return q, err
}

// versions fills the published and draft versions of the questionnaires
// (of one questionnaire when there is one: answering reads only its own).
func (s *Store) versions(ctx context.Context, territoryID int64, qs []Questionnaire) error {
	if len(qs) == 0 {
		return nil
	}
	query, args := ` AND v.questionnaire_id > 0`, []any{territoryID}
	if len(qs) == 1 {
		query, args = ` AND v.questionnaire_id = ?`, append(args, qs[0].ID)
	}
	at := map[int64]int{}
	for i, q := range qs {
		at[q.ID] = i
	}
	// The latest published and the draft of each questionnaire.
	return db.Each(ctx, s.db, `SELECT v.id, v.questionnaire_id, v.number, v.definition, v.published_at, v.created_at
		FROM survey_versions v WHERE v.territory_id = ? AND (v.published_at IS NULL OR v.number =
		(SELECT MAX(x.number) FROM survey_versions x WHERE x.questionnaire_id = v.questionnaire_id AND x.published_at IS NOT NULL))`+query,
		args, func(rows *sql.Rows) error {
			v, err := scanVersion(rows)
			if err != nil {
				return err
			}
			i, ok := at[v.QuestionnaireID]
			if !ok {
				return nil
			}
			if v.PublishedAt == nil {
				qs[i].Draft = &v
			} else {
				qs[i].Published = &v
			}
			return nil
		})
}

func scanVersion(row interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var def string
	if err := row.Scan(&v.ID, &v.QuestionnaireID, &v.Number, &def, db.ScanNullTime(&v.PublishedAt), db.ScanTime(&v.CreatedAt)); err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(def), &v.Def); err != nil {
		return v, fmt.Errorf("survey: version %d: %w", v.ID, err)
	}
	return v, nil
}

// List returns the questionnaires of a territory, newest first.
func (s *Store) List(ctx context.Context, territoryID int64) ([]Questionnaire, error) {
	var out []Questionnaire
	err := db.Each(ctx, s.db, `SELECT `+qCols+` FROM survey_questionnaires q WHERE q.territory_id = ? ORDER BY q.created_at DESC, q.id DESC`,
		[]any{territoryID}, func(rows *sql.Rows) error {
			q, err := scanQuestionnaire(rows)
			out = append(out, q)
			return err
		})
	if err != nil {
		return nil, err
	}
	return out, s.versions(ctx, territoryID, out)
}

// Get returns one questionnaire of a territory.
func (s *Store) Get(ctx context.Context, territoryID, id int64) (Questionnaire, error) {
	q, err := scanQuestionnaire(s.db.QueryRow(ctx, `SELECT `+qCols+` FROM survey_questionnaires q WHERE q.territory_id = ? AND q.id = ?`,
		territoryID, id))
	if err != nil {
		return q, err
	}
	list := []Questionnaire{q}
	err = s.versions(ctx, territoryID, list)
	return list[0], err
}

// Version returns one version of a questionnaire (answers name the one they followed).
func (s *Store) Version(ctx context.Context, territoryID, id int64) (Version, error) {
	v, err := scanVersion(s.db.QueryRow(ctx, `SELECT id, questionnaire_id, number, definition, published_at, created_at
		FROM survey_versions WHERE territory_id = ? AND id = ?`, territoryID, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = errs.New(errs.NotFound, "errors.survey_not_found")
	}
	return v, err
}

func (s *Store) insert(ctx context.Context, tx *db.Tx, territoryID int64, m Meta, instrument, source string, copiedFrom *int64,
	def Definition, publish bool, by int64) (int64, error) {
	now := s.now()
	id, err := tx.InsertID(ctx, `INSERT INTO survey_questionnaires (territory_id, audience, anonymous, instrument, source, copied_from,
		created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		territoryID, m.Audience, m.Anonymous, instrument, source, copiedFrom, nullID(by), now, now)
	if err != nil {
		return 0, err
	}
	var published any
	if publish {
		published = now
	}
	b, err := json.Marshal(def)
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO survey_versions (territory_id, questionnaire_id, number, definition, published_at, created_at, updated_at)
		VALUES (?, ?, 1, ?, ?, ?, ?)`, territoryID, id, string(b), published, now, now)
	return id, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Create starts a questionnaire: a draft with one empty section.
func (s *Store) Create(ctx context.Context, territoryID int64, m Meta, by int64) (int64, error) {
	f := errs.Fields{}
	m.check(f)
	if err := f.Err(); err != nil {
		return 0, err
	}
	def := Definition{Title: trimText(m.Title), Sections: []Section{{}}}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) (err error) {
		id, err = s.insert(ctx, tx, territoryID, m, "", "", nil, def, false, by)
		return err
	})
	return id, err
}

// LoadInstrument adds a shipped instrument to a territory, published as it
// comes, with its source; staff copy it to adapt it.
func (s *Store) LoadInstrument(ctx context.Context, territoryID int64, key string, by int64) (int64, error) {
	all, err := Instruments()
	if err != nil {
		return 0, err
	}
	for _, in := range all {
		if in.Key != key {
			continue
		}
		var id int64
		err := s.db.InTx(ctx, func(tx *db.Tx) (err error) {
			id, err = s.insert(ctx, tx, territoryID, Meta{Title: in.Definition.Title, Audience: in.Audience, Anonymous: in.Anonymous},
				in.Key, in.Source, nil, in.Definition, true, by)
			return err
		})
		return id, err
	}
	return 0, errs.New(errs.NotFound, "errors.survey_instrument_not_found")
}

// Copy makes a new questionnaire, a draft, from another's current questions.
func (s *Store) Copy(ctx context.Context, territoryID, id int64, lang string, by int64) (int64, error) {
	q, err := s.Get(ctx, territoryID, id)
	if err != nil {
		return 0, err
	}
	def := q.Current().Def
	def.Title = Text{FR: s.cat.T("fr", "survey.copy_of", def.Title.FR), EN: s.cat.T("en", "survey.copy_of", def.Title.In("en"))}
	var nid int64
	err = s.db.InTx(ctx, func(tx *db.Tx) (err error) {
		nid, err = s.insert(ctx, tx, territoryID, Meta{Title: def.Title, Audience: q.Audience, Anonymous: q.Anonymous},
			q.Instrument, q.Source, &q.ID, def, false, by)
		return err
	})
	return nid, err
}

// SetMeta changes the audience and whether answers are anonymous (only
// before the first answer: a promise made to respondents stays kept) and
// the title.
func (s *Store) SetMeta(ctx context.Context, territoryID, id int64, m Meta) error {
	f := errs.Fields{}
	m.check(f)
	if err := f.Err(); err != nil {
		return err
	}
	q, err := s.Get(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if q.Responses > 0 && (q.Anonymous != m.Anonymous || q.Audience != m.Audience) {
		return errs.New(errs.Conflict, "errors.survey_meta_answered")
	}
	return s.Edit(ctx, territoryID, id, func(d *Definition) error {
		if _, err := s.db.Exec(ctx, `UPDATE survey_questionnaires SET audience = ?, anonymous = ?, updated_at = ? WHERE id = ?`,
			m.Audience, m.Anonymous, s.now(), id); err != nil {
			return err
		}
		d.Title = trimText(m.Title)
		return nil
	})
}

// Edit changes a questionnaire's questions: fn works on the draft, made
// from the published version when there is none, so that a published
// version never changes. The change is saved only when the result is valid.
func (s *Store) Edit(ctx context.Context, territoryID, id int64, fn func(d *Definition) error) error {
	q, err := s.Get(ctx, territoryID, id)
	if err != nil {
		return err
	}
	cur := q.Current()
	def := cloneDef(cur.Def)
	if err := fn(&def); err != nil {
		return err
	}
	def.normalise()
	if err := def.validate(false); err != nil {
		return err
	}
	b, err := json.Marshal(def)
	if err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if q.Draft != nil {
			_, err := tx.Exec(ctx, `UPDATE survey_versions SET definition = ?, updated_at = ? WHERE id = ? AND published_at IS NULL`,
				string(b), now, q.Draft.ID)
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO survey_versions (territory_id, questionnaire_id, number, definition, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, territoryID, id, cur.Number+1, string(b), now, now)
		if db.IsUniqueViolation(err) {
			return errs.New(errs.Conflict, "errors.survey_edited_meanwhile")
		}
		return err
	})
}

func cloneDef(d Definition) Definition {
	b, _ := json.Marshal(d)
	var out Definition
	_ = json.Unmarshal(b, &out)
	return out
}

// Publish makes the draft the version new answers follow.
func (s *Store) Publish(ctx context.Context, territoryID, id int64) error {
	q, err := s.Get(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if q.Draft == nil {
		return errs.New(errs.Conflict, "errors.survey_no_draft")
	}
	if err := q.Draft.Def.validate(true); err != nil {
		return err
	}
	now := s.now()
	_, err = s.db.Exec(ctx, `UPDATE survey_versions SET published_at = ?, updated_at = ? WHERE id = ? AND published_at IS NULL`,
		now, now, q.Draft.ID)
	return err
}

// DiscardDraft drops the edit in progress of a questionnaire published before.
func (s *Store) DiscardDraft(ctx context.Context, territoryID, id int64) error {
	q, err := s.Get(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if q.Draft == nil || q.Published == nil {
		return errs.New(errs.Conflict, "errors.survey_no_draft")
	}
	_, err = s.db.Exec(ctx, `DELETE FROM survey_versions WHERE id = ? AND published_at IS NULL`, q.Draft.ID)
	return err
}
