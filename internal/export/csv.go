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

// CSVSeparator is the character between the cells of a CSV file for a
// reader of language lang: a comma in English, a semicolon in French.
//
// Excel opens a CSV file by a double click with the list separator of
// Windows' regional settings, which is the semicolon wherever the decimal
// separator is the comma, as in French (Canada); with commas, every row
// would land in the first column. LibreOffice asks, and recognises either.
// No "sep=" line is written: Excel then ignores the byte order mark and
// garbles accents, and other programs read the line as data.
func CSVSeparator(lang string) rune {
	if lang == "en" {
		return ','
	}
	return ';'
}

// CSVWriter writes a CSV file one row at a time, for exports too large to
// hold in memory. Create it with NewCSV, call Write for each row and Flush
// at the end (and as often as wanted in between). A CSVWriter is not safe
// for concurrent use.
//
// The output has the same properties as WriteCSV's: UTF-8 with a byte
// order mark, the language's separator, CRLF line ends, quoting by
// encoding/csv and neutralisation of spreadsheet formulas.
type CSVWriter struct {
	w    *csv.Writer
	lang string
}

// NewCSV writes the byte order mark and the header row (if header is not
// empty) to w and returns a CSVWriter for the data rows, with the
// conventions of language lang (see WriteCSV). Output is buffered: call
// Flush when done.
func NewCSV(w io.Writer, lang string, header []string) (*CSVWriter, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Comma = CSVSeparator(lang)
	c := &CSVWriter{w: cw, lang: lang}
	if len(header) > 0 {
		cells := make([]any, len(header))
		for i, h := range header {
			cells[i] = h
		}
		if err := c.Write(cells); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Write writes one row of cells of the kinds a Sheet holds. Each cell is
// made safe first (see WriteCSV). Rows need not all have the same number
// of cells.
func (c *CSVWriter) Write(row []any) error {
	cells := make([]string, len(row))
	for i, v := range row {
		if kindOf(v) == kindText {
			cells[i] = csvCell(cellText(c.lang, v))
		} else {
			cells[i] = cellText(c.lang, v)
		}
	}
	return c.w.Write(cells)
}

// Flush writes any buffered data to the underlying writer and reports any
// error that occurred during a previous Write or during the flush.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// WriteCSV writes s as a whole CSV file to w: a UTF-8 byte order mark,
// the header row (omitted when empty), then the rows. Cells are separated
// by CSVSeparator(s.Lang) — a semicolon in French, a comma in English —
// and numbers have a decimal comma in French, a point in English, never a
// thousands separator; dates and times are written "2026-10-30 18:30".
// Lines end with CRLF, as RFC 4180 and Excel expect, and cells are quoted
// by encoding/csv when they contain the separator, a quote, a line break
// or a leading space.
//
// Text cells are neutralised against spreadsheet formula injection ("CSV
// injection"): one whose first character is = + - @ TAB or CR gets a
// leading apostrophe, so that a spreadsheet shows it as text instead of
// evaluating it. This also applies to harmless texts such as "-5" or
// "+1 819 555-0100": the apostrophe is the price of safety (numbers given
// as numbers are written as they are). Invalid UTF-8 is replaced by
// U+FFFD.
func WriteCSV(w io.Writer, s Sheet) error {
	c, err := NewCSV(w, s.Lang, s.Header)
	if err != nil {
		return err
	}
	for _, row := range s.Rows {
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
