package export

import (
	"encoding/csv"
	"io"
	"strings"
)

// utf8BOM is the byte order mark written at the start of every CSV file.
// Excel (notably in French locales) otherwise reads UTF-8 CSV files as
// Windows-1252 and garbles accented letters.
const utf8BOM = "\ufeff"

// CSVWriter writes a CSV file one row at a time, for exports too large to
// hold in memory. Create it with NewCSV, call Write for each row and Flush
// at the end (and as often as wanted in between). A CSVWriter is not safe
// for concurrent use.
//
// The output has the same properties as WriteCSV's: UTF-8 with a byte
// order mark, CRLF line ends, quoting by encoding/csv and neutralisation of
// spreadsheet formulas.
type CSVWriter struct {
	w *csv.Writer
}

// NewCSV writes the byte order mark and the header row (if header is not
// empty) to w and returns a CSVWriter for the data rows. Output is buffered:
// call Flush when done.
func NewCSV(w io.Writer, header []string) (*CSVWriter, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	c := &CSVWriter{w: cw}
	if len(header) > 0 {
		if err := c.Write(header); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Write writes one row. Each cell is made safe first (see WriteCSV). Rows
// need not all have the same number of cells.
func (c *CSVWriter) Write(row []string) error {
	cells := make([]string, len(row))
	for i, v := range row {
		cells[i] = csvCell(v)
	}
	return c.w.Write(cells)
}

// Flush writes any buffered data to the underlying writer and reports any
// error that occurred during a previous Write or during the flush.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// WriteCSV writes a whole CSV file to w: a UTF-8 byte order mark, the
// header row (omitted when header is empty), then rows. Lines end with
// CRLF, as RFC 4180 and Excel expect, and cells are quoted by
// encoding/csv when they contain a comma, a quote, a line break or a
// leading space.
//
// Cells are neutralised against spreadsheet formula injection ("CSV
// injection"): a cell whose first character is = + - @ TAB or CR gets a
// leading apostrophe, so that a spreadsheet shows it as text instead of
// evaluating it. This also applies to harmless values such
// as "-5" or "+1 819 555-0100": the apostrophe is the price of safety.
// Invalid UTF-8 is replaced by U+FFFD.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	c, err := NewCSV(w, header)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if err := c.Write(row); err != nil {
			return err
		}
	}
	return c.Flush()
}

// csvCell returns v as it is written to a CSV file: invalid UTF-8 is
// replaced by U+FFFD, and a value beginning with one of the characters
// spreadsheets treat as the start of a formula (= + - @, TAB, CR) is
// prefixed with an apostrophe (OWASP's recommendation against CSV
// injection). Quoting is left to encoding/csv.
func csvCell(v string) string {
	v = strings.ToValidUTF8(v, "\ufffd")
	if v != "" {
		switch v[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + v
		}
	}
	return v
}
