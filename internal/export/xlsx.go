package export

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Column widths of XLSX exports, in Excel's width unit (about one
// character of the default font).
const (
	xlsxMinWidth = 8
	xlsxMaxWidth = 60
)

// xlsxTextFormat is the built-in number format "@" (Text): a value typed
// later into such a cell stays text too.
const xlsxTextFormat = 49

// WriteXLSX writes s to w as an Excel workbook with a single sheet named
// s.Name. The first row is s.Header (omitted when empty): bold, with a
// bottom border, and frozen so that it stays visible while scrolling.
// Each following row is one element of s.Rows.
//
// Cells keep their kind (see Sheet). Numbers are numeric cells that
// formulas add up. Dates and times are date cells shown
// "yyyy-mm-dd hh:mm", which sort and filter as dates. Text is written as
// text (inline string) cells with the Text number format: nothing is ever
// interpreted as a formula, a number or a date, so "=1+1" stays the text
// "=1+1" (no formula injection) and phone numbers and postal codes such as
// "0123" or "G9H 1A1" keep their exact form. A column whose cells are all
// numbers (or all dates) gets the number (or date) format, so that a value
// typed later is read the same way; other columns the Text format. Long
// cells wrap; column widths fit their content between 8 and 60
// characters. Invalid UTF-8 is replaced by U+FFFD, characters XML cannot
// hold by U+FFFD, and cells longer than Excel's 32 767 characters are
// truncated. A number that is not finite is written as text.
//
// The document properties name s.Creator ("Implique" when empty) as its
// creator and last editor, s.Created (the time of writing when zero) as
// its creation and modification time, in UTC ("2026-12-02T23:30:00Z"),
// s.Name as its title, the language (fr-CA or en-CA), and Implique as the
// application.
//
// The sheet name is made valid for Excel: characters : \ / ? * [ ] become
// "-", surrounding apostrophes are removed, it is cut to 31 characters,
// and an empty name becomes "Feuille1".
//
// Rows are written with excelize's streaming writer, which keeps memory
// use low for large exports. WriteXLSX is WriteWorkbook with one sheet.
func WriteXLSX(w io.Writer, s Sheet) error {
	return WriteWorkbook(w, []Sheet{s})
}

// WriteWorkbook writes sheets to w as an Excel workbook with one sheet per
// Sheet, in order, each written as WriteXLSX writes its single sheet (in
// its own Lang). The names are made valid as WriteXLSX says, an empty
// name becoming « Feuille » and the sheet's number ("Feuille3"), then
// unique the way Excel compares them, regardless of case: a name already
// taken gets " (2)", " (3)"… (cut to stay within 31 characters). The
// document properties are those of the first sheet, with its name as the
// title. No sheet gives a workbook with one empty sheet, "Feuille1".
func WriteWorkbook(w io.Writer, sheets []Sheet) (err error) {
	if len(sheets) == 0 {
		sheets = []Sheet{{}}
	}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	names := xlsxSheetNames(sheets)
	if err := f.SetSheetName(f.GetSheetName(0), names[0]); err != nil {
		return fmt.Errorf("export: xlsx sheet name: %w", err)
	}
	for _, name := range names[1:] {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("export: xlsx sheet %q: %w", name, err)
		}
	}
	if err := xlsxProperties(f, sheets[0], names[0]); err != nil {
		return err
	}
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if err := writeXLSXSheet(f, names[i], s, st); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("export: xlsx write: %w", err)
	}
	return nil
}

// xlsxStyles are the cell styles of a workbook: one per kind of cell, and
// the header's.
type xlsxStyles struct {
	cell   map[cellKind]int
	header int
}

// newXLSXStyles adds the styles of a workbook to f.
func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	styles := map[cellKind]*excelize.Style{
		kindText:   {NumFmt: xlsxTextFormat, Alignment: top},
		kindNumber: {NumFmt: xlsxGeneralFormat, Alignment: top},
		kindTime:   {CustomNumFmt: ptr(sheetDateTimeXLSX), Alignment: top},
	}
	st := xlsxStyles{cell: map[cellKind]int{}}
	var err error
	// In a fixed order, so that the same workbook gives the same styles.
	for _, k := range []cellKind{kindText, kindNumber, kindTime} {
		if st.cell[k], err = f.NewStyle(styles[k]); err != nil {
			return st, fmt.Errorf("export: xlsx style: %w", err)
		}
	}
	st.cell[kindEmpty] = st.cell[kindText]
	st.header, err = f.NewStyle(&excelize.Style{
		NumFmt:    xlsxTextFormat,
		Font:      &excelize.Font{Bold: true},
		Alignment: top,
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	if err != nil {
		return st, fmt.Errorf("export: xlsx style: %w", err)
	}
	return st, nil
}

// writeXLSXSheet writes s into the sheet name of f: column widths and
// formats, the frozen header, then the rows (see WriteXLSX).
func writeXLSXSheet(f *excelize.File, name string, s Sheet, st xlsxStyles) error {
	style := st.cell
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("export: xlsx stream: %w", err)
	}

	// Column settings must precede the first SetRow.
	widths := xlsxColumnWidths(s.Lang, s.Header, s.Rows)
	kinds := columnKinds(s.Rows, len(widths))
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return fmt.Errorf("export: xlsx column width: %w", err)
		}
		if err := sw.SetColStyle(i+1, i+1, style[kinds[i]]); err != nil {
			return fmt.Errorf("export: xlsx column style: %w", err)
		}
	}
	rowNum := 1
	if len(s.Header) > 0 {
		if err := sw.SetPanes(&excelize.Panes{
			Freeze:      true,
			YSplit:      1,
			TopLeftCell: "A2",
			ActivePane:  "bottomLeft",
			Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
		}); err != nil {
			return fmt.Errorf("export: xlsx freeze header: %w", err)
		}
		cells := make([]any, len(s.Header))
		for i, h := range s.Header {
			if h != "" {
				cells[i] = excelize.Cell{StyleID: st.header, Value: strings.ToValidUTF8(h, "\ufffd")}
			}
		}
		if err := sw.SetRow("A1", cells); err != nil {
			return fmt.Errorf("export: xlsx header: %w", err)
		}
		rowNum++
	}
	for _, row := range s.Rows {
		ref, err := excelize.CoordinatesToCellName(1, rowNum)
		if err != nil {
			return fmt.Errorf("export: xlsx row %d: %w", rowNum, err)
		}
		if err := sw.SetRow(ref, xlsxCells(s.Lang, row, style)); err != nil {
			return fmt.Errorf("export: xlsx row %d: %w", rowNum, err)
		}
		rowNum++
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("export: xlsx flush: %w", err)
	}
	return nil
}

// xlsxGeneralFormat is the built-in number format General, which shows a
// number in the reader's conventions (a decimal comma in French).
const xlsxGeneralFormat = 0

// xlsxProperties sets the document properties of f, a workbook of s whose
// sheet is name (see WriteXLSX), in place of the library's defaults.
func xlsxProperties(f *excelize.File, s Sheet, name string) error {
	creator := strings.TrimSpace(strings.ToValidUTF8(s.Creator, ""))
	if creator == "" {
		creator = "Implique"
	}
	created := s.Created
	if created.IsZero() {
		created = time.Now()
	}
	stamp := created.UTC().Format(time.RFC3339)
	lang := "fr-CA"
	if s.Lang == "en" {
		lang = "en-CA"
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: creator, LastModifiedBy: creator, Created: stamp,
		Modified: stamp, Title: name, Language: lang}); err != nil {
		return fmt.Errorf("export: xlsx properties: %w", err)
	}
	if err := f.SetAppProps(&excelize.AppProperties{Application: "Implique"}); err != nil {
		return fmt.Errorf("export: xlsx properties: %w", err)
	}
	return nil
}

// xlsxCells converts a Sheet row to stream-writer cells, each with the
// style of its kind: text as strings (hence inline string cells, never
// formulas), numbers as numbers, times as dates. Empty cells are skipped
// (nil) to keep the file small.
func xlsxCells(lang string, row []any, style map[cellKind]int) []any {
	cells := make([]any, len(row))
	for i, v := range row {
		k := kindOf(v)
		switch {
		case k == kindEmpty:
			continue
		case k == kindNumber:
			if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				k, v = kindText, cellText(lang, f)
			}
		case k == kindText:
			s := cellText(lang, v)
			if s == "" {
				continue
			}
			v = strings.ToValidUTF8(s, "\ufffd")
		}
		cells[i] = excelize.Cell{StyleID: style[k], Value: v}
	}
	return cells
}

func ptr[T any](v T) *T { return &v }

// xlsxColumnWidths returns the width of each column, fitted to the
// longest line of its header and cells, clamped to [xlsxMinWidth,
// xlsxMaxWidth].
func xlsxColumnWidths(lang string, header []string, rows [][]any) []float64 {
	n := len(header)
	for _, r := range rows {
		n = max(n, len(r))
	}
	widths := make([]float64, n)
	for i := range widths {
		widths[i] = xlsxMinWidth
	}
	fit := func(row []string, bold bool) {
		for i, v := range row {
			longest := 0
			for line := range strings.SplitSeq(v, "\n") {
				longest = max(longest, utf8.RuneCountInString(line))
			}
			wd := float64(longest) + 2 // padding
			if bold {
				wd *= 1.1
			}
			widths[i] = min(max(widths[i], wd), xlsxMaxWidth)
		}
	}
	fit(header, true)
	for _, r := range rows {
		text := make([]string, len(r))
		for i, v := range r {
			text[i] = cellText(lang, v)
		}
		fit(text, false)
	}
	return widths
}

// xlsxSheetName makes name acceptable to Excel as a sheet name; an
// empty name becomes "Feuille1".
func xlsxSheetName(name string) string {
	if name = xlsxCleanName(name, xlsxNameMax); name == "" {
		return "Feuille1"
	}
	return name
}

// xlsxNameMax is the length limit of a sheet's name, in UTF-16 code
// units as Excel counts it.
const xlsxNameMax = 31

// xlsxCleanName makes name acceptable to Excel as a sheet name, at most
// limit UTF-16 code units long; it may return "".
func xlsxCleanName(name string, limit int) string {
	name = strings.ToValidUTF8(name, "\ufffd")
	name = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`:\/?*[]`, r):
			return '-'
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, "' ")
	units := 0
	for i, r := range name {
		units += utf16.RuneLen(r)
		if units > limit {
			name = strings.TrimRight(name[:i], "' ")
			break
		}
	}
	return name
}

// xlsxSheetNames returns the names of the sheets of a workbook: valid,
// "Feuille" and the sheet's number when empty, and unique regardless of
// case (" (2)", " (3)"… added to a name already taken).
func xlsxSheetNames(sheets []Sheet) []string {
	names := make([]string, len(sheets))
	taken := map[string]bool{}
	for i, s := range sheets {
		base := xlsxCleanName(s.Name, xlsxNameMax)
		if base == "" {
			base = fmt.Sprintf("Feuille%d", i+1)
		}
		name := base
		for k := 2; taken[strings.ToLower(name)]; k++ {
			suffix := fmt.Sprintf(" (%d)", k)
			name = xlsxCleanName(base, xlsxNameMax-len(suffix)) + suffix
		}
		taken[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}
