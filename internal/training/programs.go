package training

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
)

// Audiences a program is meant for.
const (
	AudienceCitizens       = "citizens"
	AudienceOrganizations  = "organizations"
	AudienceMunicipalities = "municipalities"
	AudienceSchools        = "schools"
	AudienceBusinesses     = "businesses"
)

// Audiences lists them in display order.
var Audiences = []string{AudienceCitizens, AudienceOrganizations, AudienceMunicipalities, AudienceSchools, AudienceBusinesses}

func validAudience(a string) bool {
	for _, v := range Audiences {
		if v == a {
			return true
		}
	}
	return false
}

// Program is a training the program gives, run as cohorts.
type Program struct {
	ID          int64
	TerritoryID int64
	Slug        string
	Name        string
	Audience    string
	Summary     string
	Objectives  string
	// Modules holds one module per line.
	Modules  string
	Duration string
	// MinAttendance is the share of the sessions (in percent) a learner
	// attends to complete; ProjectRequired adds a project handed in.
	MinAttendance   int
	ProjectRequired bool
	// Certificate tells whether completing gives a certificate.
	Certificate bool
	ArchivedAt  *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ModuleList is the modules, one per line.
func (p Program) ModuleList() []string {
	var out []string
	for _, l := range strings.Split(p.Modules, "\n") {
		if l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "-•*")); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ProgramInput is a program as typed.
type ProgramInput struct {
	Name, Audience, Summary, Objectives, Modules, Duration string
	MinAttendance                                          string
	ProjectRequired, Certificate                           bool
}

func (in *ProgramInput) validate() (int, error) {
	in.Name, in.Duration = clean(in.Name), clean(in.Duration)
	in.Summary, in.Objectives, in.Modules = strings.TrimSpace(in.Summary), strings.TrimSpace(in.Objectives), strings.TrimSpace(in.Modules)
	f := errs.Fields{}
	switch {
	case in.Name == "":
		f.Add("name", "errors.required")
	case tooLong(in.Name, 150):
		f.Add("name", "errors.too_long")
	}
	if !validAudience(in.Audience) {
		f.Add("audience", "errors.training_audience")
	}
	for field, v := range map[string]string{"summary": in.Summary, "objectives": in.Objectives, "modules": in.Modules} {
		if tooLong(v, 5000) {
			f.Add(field, "errors.too_long")
		}
	}
	if tooLong(in.Duration, 150) {
		f.Add("duration", "errors.too_long")
	}
	pct := 0
	v := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(in.MinAttendance), "%\u00a0\u202f "))
	if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			f.Add("min_attendance", "errors.training_min_attendance")
		}
		pct = n
	}
	return pct, f.Err()
}

const programCols = `id, territory_id, slug, name, audience, summary, objectives, modules, duration, min_attendance,
	project_required, certificate, archived_at, created_at, updated_at`

func scanProgram(row interface{ Scan(...any) error }) (Program, error) {
	var p Program
	err := row.Scan(&p.ID, &p.TerritoryID, &p.Slug, &p.Name, &p.Audience, &p.Summary, &p.Objectives, &p.Modules, &p.Duration,
		&p.MinAttendance, &p.ProjectRequired, &p.Certificate, db.ScanNullTime(&p.ArchivedAt), db.ScanTime(&p.CreatedAt),
		db.ScanTime(&p.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.New(errs.NotFound, "errors.training_program_not_found")
	}
	return p, err
}

// CreateProgram adds a program.
func (s *Store) CreateProgram(ctx context.Context, territoryID int64, in ProgramInput) (Program, error) {
	pct, err := in.validate()
	if err != nil {
		return Program{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		slug, err := uniqueSlug(ctx, tx, "training_programs", territoryID, i18n.Slug(in.Name, 60), 0)
		if err != nil {
			return err
		}
		now := s.now()
		id, err = tx.InsertID(ctx, `INSERT INTO training_programs (territory_id, slug, name, audience, summary, objectives, modules,
			duration, min_attendance, project_required, certificate, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, slug, in.Name, in.Audience, in.Summary,
			in.Objectives, in.Modules, in.Duration, pct, in.ProjectRequired, in.Certificate, now, now)
		return err
	})
	if err != nil {
		return Program{}, err
	}
	return s.Program(ctx, territoryID, id)
}

// UpdateProgram saves a program's changes; its address stays.
func (s *Store) UpdateProgram(ctx context.Context, territoryID, id int64, in ProgramInput) (Program, error) {
	pct, err := in.validate()
	if err != nil {
		return Program{}, err
	}
	res, err := s.db.Exec(ctx, `UPDATE training_programs SET name = ?, audience = ?, summary = ?, objectives = ?, modules = ?,
		duration = ?, min_attendance = ?, project_required = ?, certificate = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		in.Name, in.Audience, in.Summary, in.Objectives, in.Modules, in.Duration, pct, in.ProjectRequired, in.Certificate,
		s.now(), territoryID, id)
	if err != nil {
		return Program{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Program{}, errs.New(errs.NotFound, "errors.training_program_not_found")
	}
	return s.Program(ctx, territoryID, id)
}

// ArchiveProgram takes a program off the public page (archive false:
// puts it back); its cohorts and certificates stay.
func (s *Store) ArchiveProgram(ctx context.Context, territoryID, id int64, archive bool) error {
	var at any
	if archive {
		at = s.now()
	}
	res, err := s.db.Exec(ctx, `UPDATE training_programs SET archived_at = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		at, s.now(), territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.training_program_not_found")
	}
	return nil
}

// Program returns one program.
func (s *Store) Program(ctx context.Context, territoryID, id int64) (Program, error) {
	return scanProgram(s.db.QueryRow(ctx, `SELECT `+programCols+` FROM training_programs WHERE territory_id = ? AND id = ?`,
		territoryID, id))
}

// ProgramBySlug returns one program by its address.
func (s *Store) ProgramBySlug(ctx context.Context, territoryID int64, slug string) (Program, error) {
	return scanProgram(s.db.QueryRow(ctx, `SELECT `+programCols+` FROM training_programs WHERE territory_id = ? AND slug = ?`,
		territoryID, slug))
}

// Programs lists the territory's programs by name (withArchived: the
// archived ones too, last).
func (s *Store) Programs(ctx context.Context, territoryID int64, withArchived bool) ([]Program, error) {
	q := `SELECT ` + programCols + ` FROM training_programs WHERE territory_id = ?`
	if !withArchived {
		q += ` AND archived_at IS NULL`
	}
	var out []Program
	err := db.Each(ctx, s.db, q+` ORDER BY CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, name, id`, []any{territoryID},
		func(rows *sql.Rows) error {
			p, err := scanProgram(rows)
			out = append(out, p)
			return err
		})
	return out, err
}

// uniqueSlug finds a free address in table from base: base, base-2, …
func uniqueSlug(ctx context.Context, tx *db.Tx, table string, territoryID int64, base string, exceptID int64) (string, error) {
	if base == "" {
		base = "formation"
	}
	slug := base
	for i := 2; ; i++ {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE territory_id = ? AND slug = ? AND id <> ?`,
			territoryID, slug, exceptID).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return slug, nil
		}
		slug = base + "-" + strconv.Itoa(i)
	}
}
