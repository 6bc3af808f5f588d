package training

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/export"
)

// Certificate is what a completion certificate says; its Code lets
// anyone holding it check it on the site.
type Certificate struct {
	EnrolmentID int64
	Code        string
	Lang        string
	Holder      string
	Program     Program
	Cohort      string
	Places      string
	CompletedOn calendar.Date
	// Attended and Total count the sessions.
	Attended, Total int
	IssuedAt        time.Time
}

// IssueCertificate gives a learner who completed a cohort their
// certificate (the same one, with the same code, when asked again). A
// learner who did not complete, a cohort not yet completed or a program
// without certificate gives a clear refusal and writes nothing.
func (s *Store) IssueCertificate(ctx context.Context, territoryID, enrolmentID int64) (Certificate, error) {
	e, err := s.Enrolment(ctx, territoryID, enrolmentID)
	if err != nil {
		return Certificate{}, err
	}
	c, err := s.Cohort(ctx, territoryID, e.CohortID)
	if err != nil {
		return Certificate{}, err
	}
	list, err := s.issue(ctx, territoryID, c, []Enrolment{e})
	if err != nil {
		return Certificate{}, err
	}
	return list[0], nil
}

// IssueCertificates gives every learner who completed a cohort their
// certificate, in the order of the list.
func (s *Store) IssueCertificates(ctx context.Context, territoryID, cohortID int64) ([]Certificate, error) {
	c, err := s.Cohort(ctx, territoryID, cohortID)
	if err != nil {
		return nil, err
	}
	list, err := queryEnrolments(ctx, s.db, `e.territory_id = ? AND e.cohort_id = ? AND e.status = 'confirmed' AND e.completed = ?`,
		territoryID, cohortID, true)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.New(errs.Conflict, "errors.training_no_completion")
	}
	return s.issue(ctx, territoryID, c, list)
}

func (s *Store) issue(ctx context.Context, territoryID int64, c Cohort, list []Enrolment) ([]Certificate, error) {
	if !c.Program.Certificate {
		return nil, errs.New(errs.Conflict, "errors.training_no_certificate")
	}
	if c.Status != Completed {
		return nil, errs.New(errs.Conflict, "errors.training_certificate_not_over")
	}
	rows, err := s.progress(ctx, territoryID, c, list)
	if err != nil {
		return nil, err
	}
	out := make([]Certificate, len(rows))
	for i, p := range rows {
		if p.Status != Confirmed || p.Completed == nil || !*p.Completed {
			return nil, errs.New(errs.Conflict, "errors.training_certificate_not_completed")
		}
		out[i] = Certificate{EnrolmentID: p.ID, Code: p.CertificateCode, Lang: p.Lang, Holder: p.Name, Program: c.Program,
			Cohort: c.Name, Places: c.PlaceNames(), CompletedOn: c.CompletedOn, Attended: p.Attended, Total: p.Total}
		if p.CertificateIssuedAt != nil {
			out[i].IssuedAt = *p.CertificateIssuedAt
		}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for i := range out {
			if out[i].Code != "" {
				continue
			}
			code, at := export.NewCode(), s.now()
			if _, err := tx.Exec(ctx, `UPDATE training_enrolments SET certificate_code = ?, certificate_issued_at = ? WHERE id = ?`,
				code, at, out[i].EnrolmentID); err != nil {
				return err
			}
			out[i].Code, out[i].IssuedAt = code, at
		}
		return nil
	})
	if err != nil {
		for i := range out {
			if rows[i].CertificateCode == "" {
				out[i].Code = ""
			}
		}
		return nil, err
	}
	return out, nil
}

// Verified is what checking a code shows: enough to confirm a paper is
// genuine, nothing more.
type Verified struct {
	Code        string
	Holder      string
	Program     string
	Cohort      string
	CompletedOn calendar.Date
	IssuedAt    time.Time
	// Valid is false when the completion was withdrawn since.
	Valid bool
}

// VerifyCertificate finds a certificate of the territory by its code.
func (s *Store) VerifyCertificate(ctx context.Context, territoryID int64, code string) (Verified, error) {
	var v Verified
	var done sql.NullString
	var completed sql.NullBool
	err := s.db.QueryRow(ctx, `SELECT e.certificate_code, e.name, p.name, c.name, c.completed_on, e.certificate_issued_at, e.completed
		FROM training_enrolments e JOIN training_cohorts c ON c.id = e.cohort_id JOIN training_programs p ON p.id = c.program_id
		WHERE e.territory_id = ? AND e.certificate_code = ?`, territoryID, export.NormalizeCode(code)).
		Scan(&v.Code, &v.Holder, &v.Program, &v.Cohort, &done, db.ScanTime(&v.IssuedAt), &completed)
	if errors.Is(err, sql.ErrNoRows) {
		return v, errs.New(errs.NotFound, "errors.training_certificate_not_found")
	}
	if done.Valid {
		v.CompletedOn, _ = calendar.Parse(done.String)
	}
	v.Valid = completed.Valid && completed.Bool
	return v, err
}
