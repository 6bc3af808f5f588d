package funding

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/files"
)

// Report is a report owed to the funder of an application.
type Report struct {
	ID            int64
	ApplicationID int64
	Title         string
	DueOn         calendar.Date
	// SubmittedOn is the zero Date while the report is owed.
	SubmittedOn calendar.Date
	CreatedAt   time.Time
}

// Owed reports whether the report is still to be sent.
func (r Report) Owed() bool { return r.SubmittedOn.IsZero() }

// OwedReport is a report still owed, with its application.
type OwedReport struct {
	Report
	Funder  string
	Program string
}

// ReportInput is a report as typed.
type ReportInput struct {
	Title string
	DueOn string
}

// AddReport records a report owed to an application's funder.
func (s *Store) AddReport(ctx context.Context, territoryID, applicationID int64, in ReportInput) (Report, error) {
	title := clean(in.Title)
	f := errs.Fields{}
	switch {
	case title == "":
		f.Add("report_title", "errors.required")
	case tooLong(title, maxName):
		f.Add("report_title", "errors.too_long")
	}
	due := calendar.Happening(s.now()).Parse(f, "due_on", in.DueOn, true)
	if err := f.Err(); err != nil {
		return Report{}, err
	}
	if _, err := s.Get(ctx, territoryID, applicationID); err != nil {
		return Report{}, err
	}
	id, err := s.db.InsertID(ctx, `INSERT INTO funding_reports (territory_id, application_id, title, due_on, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, territoryID, applicationID, title, due, s.now())
	if err != nil {
		return Report{}, err
	}
	return s.Report(ctx, territoryID, applicationID, id)
}

// SubmitReport records the day a report was sent to the funder (today
// when on is empty).
func (s *Store) SubmitReport(ctx context.Context, territoryID, applicationID, id int64, on string) (Report, error) {
	r, err := s.Report(ctx, territoryID, applicationID, id)
	if err != nil {
		return r, err
	}
	today, err := s.Today(ctx, territoryID)
	if err != nil {
		return r, err
	}
	f := errs.Fields{}
	day := today
	if strings.TrimSpace(on) != "" {
		day = calendar.Happening(s.now()).Parse(f, "submitted_on", on, true)
		if !day.IsZero() && today.Before(day) {
			f.Add("submitted_on", "errors.funding_submitted_future")
		}
	}
	if err := f.Err(); err != nil {
		return r, err
	}
	if _, err := s.db.Exec(ctx, `UPDATE funding_reports SET submitted_on = ? WHERE territory_id = ? AND application_id = ? AND id = ?`,
		day, territoryID, applicationID, id); err != nil {
		return r, err
	}
	return s.Report(ctx, territoryID, applicationID, id)
}

// RemoveReport deletes a report (recorded by mistake, or no longer owed).
func (s *Store) RemoveReport(ctx context.Context, territoryID, applicationID, id int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM funding_reports WHERE territory_id = ? AND application_id = ? AND id = ?`,
			territoryID, applicationID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.NotFound, "errors.funding_report_not_found")
		}
		_, err = tx.Exec(ctx, `DELETE FROM funding_reminders WHERE kind = ? AND record_id = ?`, kindReport, id)
		return err
	})
}

const reportCols = `r.id, r.application_id, r.title, r.due_on, r.submitted_on, r.created_at`

func scanReport(row interface{ Scan(...any) error }, more ...any) (Report, error) {
	var r Report
	err := row.Scan(append([]any{&r.ID, &r.ApplicationID, &r.Title, &r.DueOn, &r.SubmittedOn, db.ScanTime(&r.CreatedAt)}, more...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.New(errs.NotFound, "errors.funding_report_not_found")
	}
	return r, err
}

// Report returns one report of an application.
func (s *Store) Report(ctx context.Context, territoryID, applicationID, id int64) (Report, error) {
	return scanReport(s.db.QueryRow(ctx, `SELECT `+reportCols+` FROM funding_reports r
		WHERE r.territory_id = ? AND r.application_id = ? AND r.id = ?`, territoryID, applicationID, id))
}

// Reports lists an application's reports by due date.
func (s *Store) Reports(ctx context.Context, territoryID, applicationID int64) ([]Report, error) {
	var out []Report
	err := db.Each(ctx, s.db, `SELECT `+reportCols+` FROM funding_reports r WHERE r.territory_id = ? AND r.application_id = ?
		ORDER BY r.due_on, r.id`, []any{territoryID, applicationID}, func(rows *sql.Rows) error {
		r, err := scanReport(rows)
		out = append(out, r)
		return err
	})
	return out, err
}

// OwedReports lists the reports not sent yet, in the territory, by due date.
func (s *Store) OwedReports(ctx context.Context, territoryID int64) ([]OwedReport, error) {
	var out []OwedReport
	err := db.Each(ctx, s.db, `SELECT `+reportCols+`, a.funder, a.program FROM funding_reports r
		JOIN funding_applications a ON a.id = r.application_id
		WHERE r.territory_id = ? AND r.submitted_on IS NULL ORDER BY r.due_on, r.id`, []any{territoryID}, func(rows *sql.Rows) error {
		var o OwedReport
		var err error
		o.Report, err = scanReport(rows, &o.Funder, &o.Program)
		out = append(out, o)
		return err
	})
	return out, err
}

// ---- Documents ----------------------------------------------------------

// MaxFileSize is the largest document kept with an application (as large
// as a file shared in a community).
const MaxFileSize = 5 << 20

// Document is a file kept with an application: the application as sent,
// the funder's letter, a budget.
type Document struct {
	ID            int64
	ApplicationID int64
	Title         string
	FileName      string
	ContentType   string
	Size          int64
	CreatedAt     time.Time
}

// DocumentInput is a document as uploaded.
type DocumentInput struct {
	Title    string
	FileName string
	Data     []byte
}

// AddDocument keeps a file with an application.
func (s *Store) AddDocument(ctx context.Context, territoryID, applicationID, userID int64, in DocumentInput) (Document, error) {
	title := clean(in.Title)
	name := files.Name(in.FileName)
	f := errs.Fields{}
	switch {
	case title == "":
		f.Add("document_title", "errors.required")
	case tooLong(title, maxName):
		f.Add("document_title", "errors.too_long")
	}
	var ct string
	switch {
	case len(in.Data) == 0:
		f.Add("file", "errors.funding_file_required")
	case len(in.Data) > MaxFileSize:
		f.Add("file", "errors.file_too_big")
	case name == "" || tooLong(name, maxName):
		f.Add("file", "errors.file_type")
	default:
		var ok bool
		if ct, ok = files.Type(name, in.Data, files.DocumentsAndText); !ok {
			f.Add("file", "errors.file_type")
		}
	}
	if err := f.Err(); err != nil {
		return Document{}, err
	}
	if _, err := s.Get(ctx, territoryID, applicationID); err != nil {
		return Document{}, err
	}
	var by any
	if userID != 0 {
		by = userID
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO funding_documents (territory_id, application_id, title, file_name, content_type,
			size_bytes, added_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, applicationID, title, name, ct, int64(len(in.Data)), by, s.now())
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO funding_files (document_id, data) VALUES (?, ?)`, id, in.Data)
		return err
	})
	if err != nil {
		return Document{}, err
	}
	return s.Document(ctx, territoryID, applicationID, id)
}

const docCols = `id, application_id, title, file_name, content_type, size_bytes, created_at`

func scanDocument(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	err := row.Scan(&d.ID, &d.ApplicationID, &d.Title, &d.FileName, &d.ContentType, &d.Size, db.ScanTime(&d.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return d, errs.New(errs.NotFound, "errors.funding_document_not_found")
	}
	return d, err
}

// Document returns one document of an application.
func (s *Store) Document(ctx context.Context, territoryID, applicationID, id int64) (Document, error) {
	return scanDocument(s.db.QueryRow(ctx, `SELECT `+docCols+` FROM funding_documents
		WHERE territory_id = ? AND application_id = ? AND id = ?`, territoryID, applicationID, id))
}

// Documents lists an application's documents, newest first.
func (s *Store) Documents(ctx context.Context, territoryID, applicationID int64) ([]Document, error) {
	var out []Document
	err := db.Each(ctx, s.db, `SELECT `+docCols+` FROM funding_documents WHERE territory_id = ? AND application_id = ?
		ORDER BY created_at DESC, id DESC`, []any{territoryID, applicationID}, func(rows *sql.Rows) error {
		d, err := scanDocument(rows)
		out = append(out, d)
		return err
	})
	return out, err
}

// File returns a document and its content.
func (s *Store) File(ctx context.Context, territoryID, applicationID, id int64) (Document, []byte, error) {
	d, err := s.Document(ctx, territoryID, applicationID, id)
	if err != nil {
		return d, nil, err
	}
	var data []byte
	err = s.db.QueryRow(ctx, `SELECT data FROM funding_files WHERE document_id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil, errs.New(errs.NotFound, "errors.funding_document_not_found")
	}
	return d, data, err
}

// RemoveDocument deletes a document and its content.
func (s *Store) RemoveDocument(ctx context.Context, territoryID, applicationID, id int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM funding_files WHERE document_id IN (SELECT id FROM funding_documents
			WHERE territory_id = ? AND application_id = ? AND id = ?)`, territoryID, applicationID, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM funding_documents WHERE territory_id = ? AND application_id = ? AND id = ?`,
			territoryID, applicationID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.NotFound, "errors.funding_document_not_found")
		}
		return nil
	})
}
