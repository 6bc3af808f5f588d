package committee

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/files"
)

// MaxFileSize is the largest document staff may share with the committee.
const MaxFileSize = 5 << 20

// Document is a file shared with the committee, possibly attached to a
// meeting.
type Document struct {
	ID          int64
	MeetingID   *int64
	Title       string
	FileName    string
	ContentType string
	Size        int64
	CreatedAt   time.Time
}

// DocumentInput is a document as uploaded.
type DocumentInput struct {
	Title string
	// MeetingID attaches it to a meeting; 0: to none.
	MeetingID int64
	FileName  string
	Data      []byte
}

// AddDocument shares a file with the committee.
func (s *Store) AddDocument(ctx context.Context, territoryID, userID int64, in DocumentInput) (int64, error) {
	in.Title = clean(in.Title)
	in.FileName = files.Name(in.FileName)
	f := errs.Fields{}
	switch {
	case in.Title == "":
		f.Add("title", "errors.required")
	case tooLong(in.Title, 200):
		f.Add("title", "errors.too_long")
	}
	var ct string
	switch {
	case len(in.Data) == 0:
		f.Add("file", "errors.committee_file_missing")
	case len(in.Data) > MaxFileSize:
		f.Add("file", "errors.file_too_big")
	case in.FileName == "" || tooLong(in.FileName, 200):
		f.Add("file", "errors.committee_file_type")
	default:
		var ok bool
		if ct, ok = files.Type(in.FileName, in.Data, files.Documents); !ok {
			f.Add("file", "errors.committee_file_type")
		}
	}
	if in.MeetingID != 0 {
		if _, err := s.Meeting(ctx, territoryID, in.MeetingID); errs.Is(err, errs.NotFound) {
			f.Add("meeting", "errors.committee_meeting_not_found")
		} else if err != nil {
			return 0, err
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO committee_documents (territory_id, meeting_id, title, file_name, content_type,
			size_bytes, added_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, nullID(in.MeetingID), in.Title, in.FileName, ct, int64(len(in.Data)), nullID(userID), s.now())
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO committee_files (document_id, data) VALUES (?, ?)`, id, in.Data)
		return err
	})
	return id, err
}

const documentCols = `id, meeting_id, title, file_name, content_type, size_bytes, created_at`

func scanDocument(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	err := row.Scan(&d.ID, &d.MeetingID, &d.Title, &d.FileName, &d.ContentType, &d.Size, db.ScanTime(&d.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return d, errs.New(errs.NotFound, "errors.committee_document_not_found")
	}
	return d, err
}

// Documents lists the committee's documents, the newest first; with a
// meeting, only those attached to it.
func (s *Store) Documents(ctx context.Context, territoryID, meetingID int64) ([]Document, error) {
	q, args := `SELECT `+documentCols+` FROM committee_documents WHERE territory_id = ?`, []any{territoryID}
	if meetingID != 0 {
		q, args = q+` AND meeting_id = ?`, append(args, meetingID)
	}
	var out []Document
	err := db.Each(ctx, s.db, q+` ORDER BY created_at DESC, id DESC`, args, func(rows *sql.Rows) error {
		d, err := scanDocument(rows)
		out = append(out, d)
		return err
	})
	return out, err
}

// Document returns a document and its content.
func (s *Store) Document(ctx context.Context, territoryID, id int64) (Document, []byte, error) {
	d, err := scanDocument(s.db.QueryRow(ctx, `SELECT `+documentCols+` FROM committee_documents WHERE territory_id = ? AND id = ?`,
		territoryID, id))
	if err != nil {
		return d, nil, err
	}
	var data []byte
	err = s.db.QueryRow(ctx, `SELECT data FROM committee_files WHERE document_id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil, errs.New(errs.NotFound, "errors.committee_document_not_found")
	}
	return d, data, err
}

// RemoveDocument deletes a document and its content.
func (s *Store) RemoveDocument(ctx context.Context, territoryID, id int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM committee_files WHERE document_id IN
			(SELECT id FROM committee_documents WHERE territory_id = ? AND id = ?)`, territoryID, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM committee_documents WHERE territory_id = ? AND id = ?`, territoryID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.NotFound, "errors.committee_document_not_found")
		}
		return nil
	})
}
