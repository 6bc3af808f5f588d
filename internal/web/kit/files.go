package kit

import (
	"net/http"
	"strconv"

	"implique/internal/export"
)

// SendFile answers a file built in memory, to be downloaded.
func SendFile(w http.ResponseWriter, contentType, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", export.ContentDisposition(name))
	h.Set("Cache-Control", "no-store") // personal data: never kept by a cache
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}
