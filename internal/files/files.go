// Package files says what an uploaded file is: its type by its name,
// checked against its first bytes, so that a page or a script named like
// a document is refused wherever people share files (a community's space,
// the partners' committee, a funding application).
package files

import (
	"net/http"
	"path"
	"strings"
)

// types are the files Implique keeps, by extension.
var types = map[string]string{
	".pdf":  "application/pdf",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ppt":  "application/vnd.ms-powerpoint",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".odp":  "application/vnd.oasis.opendocument.presentation",
	".txt":  "text/plain; charset=utf-8",
	".csv":  "text/csv; charset=utf-8",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
}

// Documents are documents, spreadsheets, presentations and pictures.
var Documents = []string{".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".png", ".jpg", ".jpeg"}

// DocumentsAndText are Documents, plain text and CSV.
var DocumentsAndText = append(append([]string{}, Documents...), ".txt", ".csv")

// Type returns the content type of a file named name holding data, when
// its extension is one of allowed and its first bytes agree: a picture or
// a PDF must be one; a text file must be plain text; anything else must
// be neither a page, a script nor a picture in disguise.
func Type(name string, data []byte, allowed []string) (string, bool) {
	ext := strings.ToLower(path.Ext(name))
	ok := false
	for _, a := range allowed {
		ok = ok || a == ext
	}
	ct := types[ext]
	if !ok || ct == "" {
		return "", false
	}
	sniffed := http.DetectContentType(data)
	switch {
	case strings.HasPrefix(ct, "image/"), ct == "application/pdf":
		ok = sniffed == ct
	case strings.HasPrefix(ct, "text/"):
		ok = strings.HasPrefix(sniffed, "text/plain")
	default:
		ok = !strings.HasPrefix(sniffed, "text/") && !strings.HasPrefix(sniffed, "image/") && !strings.Contains(sniffed, "javascript")
	}
	if !ok {
		return "", false
	}
	return ct, true
}

// Name is the last part of a file's name as a browser sends it (some send
// a whole Windows path); "" when nothing is left.
func Name(s string) string {
	n := path.Base(strings.ReplaceAll(strings.TrimSpace(s), `\`, "/"))
	if n == "." || n == "/" {
		return ""
	}
	return n
}
