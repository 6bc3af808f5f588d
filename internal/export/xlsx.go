package export

import (
	"fmt"
	"io"
	"strings"
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

// WriteXLSX writes an Excel workbook with a single sheet named sheet to w.
// The first row is header (omitted when header is empty): bold, with a
// bottom border, and frozen so that it stays visible while scrolling.
// Each following row is one element of rows.
//
// Every cell is written as a text (inline string) cell with the Text
// number format: nothing is ever interpreted as a formula, a number or a
// date, so "=1+1" stays the text "=1+1" (no formula injection) and phone
// numbers and postal codes such as "0123" or "G9H 1A1" keep their exact
// form. Long cells wrap; column widths fit their content between 8 and 60
// characters. Invalid UTF-8 is replaced by U+FFFD, characters XML cannot
// hold by U+FFFD, and cells longer than Excel's 32 767 characters are
// truncated.
//
// The sheet name is made valid for Excel: characters : \ / ? * [ ] become
// "-", surrounding apostrophes are removed, it is cut to 31 characters,
// and an empty name becomes "Feuille1".
//
// Rows are written with excelize's streaming writer, which keeps memory
// use low for large exports.
func WriteXLSX(w io.Writer, sheet string, header []string, rows [][]string) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	name := xlsxSheetName(sheet)
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return fmt.Errorf("export: xlsx sheet name: %w", err)
	}
	textStyle, err := f.NewStyle(&excelize.Style{
		NumFmt:    xlsxTextFormat,
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	})
	if err != nil {
		return fmt.Errorf("export: xlsx style: %w", err)
	}
	headerStyle, err := f.NewStyle(&excelize.Style{
		NumFmt:    xlsxTextFormat,
		Font:      &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	if err != nil {
		return fmt.Errorf("export: xlsx style: %w", err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("export: xlsx stream: %w", err)
	}

	// Column settings must precede the first SetRow.
	widths := xlsxColumnWidths(header, rows)
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return fmt.Errorf("export: xlsx column width: %w", err)
		}
	}
	if n := len(widths); n > 0 {
		if err := sw.SetColStyle(1, n, textStyle); err != nil {
			return fmt.Errorf("export: xlsx column style: %w", err)
		}
	}
	rowNum := 1
	if len(header) > 0 {
		if err := sw.SetPanes(&excelize.Panes{
			Freeze:      true,
			YSplit:      1,
			TopLeftCell: "A2",
			ActivePane:  "bottomLeft",
			Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
		}); err != nil {
			return fmt.Errorf("export: xlsx freeze header: %w", err)
		}
		if err := sw.SetRow("A1", xlsxCells(header, headerStyle)); err != nil {
			return fmt.Errorf("export: xlsx header: %w", err)
		}
		rowNum++
	}
	for _, row := range rows {
		ref, err := excelize.CoordinatesToCellName(1, rowNum)
		if err != nil {
			return fmt.Errorf("export: xlsx row %d: %w", rowNum, err)
		}
		if err := sw.SetRow(ref, xlsxCells(row, textStyle)); err != nil {
			return fmt.Errorf("export: xlsx row %d: %w", rowNum, err)
		}
		rowNum++
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("export: xlsx flush: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("export: xlsx write: %w", err)
	}
	return nil
}

// xlsxCells converts a row to stream-writer cells, all strings (hence
// inline string cells, never formulas or numbers) with the given style.
// Empty cells are skipped (nil) to keep the file small.
func xlsxCells(row []string, style int) []any {
	cells := make([]any, len(row))
	for i, v := range row {
		if v == "" {
			continue
		}
		cells[i] = excelize.Cell{StyleID: style, Value: strings.ToValidUTF8(v, "\ufffd")}
	}
	return cells
}

// xlsxColumnWidths returns the width of each column, fitted to the
// longest line of its header and cells, clamped to [xlsxMinWidth,
// xlsxMaxWidth].
func xlsxColumnWidths(header []string, rows [][]string) []float64 {
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
		fit(r, false)
	}
	return widths
}

// xlsxSheetName makes name acceptable to Excel as a sheet name.
func xlsxSheetName(name string) string {
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
	// Excel counts the 31-character limit in UTF-16 code units.
	units := 0
	for i, r := range name {
		units += utf16.RuneLen(r)
		if units > 31 {
			name = strings.TrimRight(name[:i], "' ")
			break
		}
	}
	if name == "" {
		return "Feuille1"
	}
	return name
}
