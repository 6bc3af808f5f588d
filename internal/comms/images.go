package comms

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/files"
)

// MaxImageSize is the largest picture a story or a calendar item may carry.
const MaxImageSize = 5 << 20

// imageTypes are the pictures a story or a calendar item may carry.
var imageTypes = []string{".png", ".jpg", ".jpeg"}

// Image is a picture kept for a story or a calendar item.
type Image struct {
	ID          int64
	Name        string
	ContentType string
	Size        int
	Alt         string
	CreatedAt   time.Time
	Data        []byte
}

// ImageInput is a picture as uploaded, with its text alternative.
type ImageInput struct {
	Name string
	Data []byte
	Alt  string
}

// checkImage validates a picture as uploaded, under field, and returns its
// content type.
func checkImage(in *ImageInput, field string, f errs.Fields) string {
	in.Name = files.Name(in.Name)
	in.Alt = clean(in.Alt)
	switch {
	case len(in.Data) > MaxImageSize:
		f.Add(field, "errors.file_too_big")
		return ""
	case in.Name == "" || tooLong(in.Name, 200):
		f.Add(field, "errors.comms_image_type")
		return ""
	case tooLong(in.Alt, 300):
		f.Add(field+"_alt", "errors.too_long")
	}
	ct, ok := files.Type(in.Name, in.Data, imageTypes)
	if !ok {
		f.Add(field, "errors.comms_image_type")
	}
	return ct
}

// saveImage keeps a picture checked by checkImage, inside tx.
func (s *Store) saveImage(ctx context.Context, tx *db.Tx, territoryID, userID int64, in ImageInput, contentType string) (int64, error) {
	var by any
	if userID != 0 {
		by = userID
	}
	return tx.InsertID(ctx, `INSERT INTO comms_images (territory_id, name, content_type, size, data, alt, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, in.Name, contentType, len(in.Data), in.Data, in.Alt, by, s.now())
}

// Image returns a picture of the territory with its content.
func (s *Store) Image(ctx context.Context, territoryID, id int64) (Image, error) {
	var im Image
	err := s.db.QueryRow(ctx, `SELECT id, name, content_type, size, alt, created_at, data FROM comms_images
		WHERE territory_id = ? AND id = ?`, territoryID, id).
		Scan(&im.ID, &im.Name, &im.ContentType, &im.Size, &im.Alt, db.ScanTime(&im.CreatedAt), &im.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return im, errs.New(errs.NotFound, "errors.comms_image_not_found")
	}
	return im, err
}
