package export

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Sheet is a table to download as a spreadsheet, in CSV (WriteCSV) or
// XLSX (WriteXLSX).
//
// A cell of Rows is one of:
//   - a string: text, kept exactly ("0123", "G9H 1A1" and "=1+1" stay
//     text); yes/no answers are words in the reader's language;
//   - an integer (int, int32, int64) or a float64: a number, that a
//     spreadsheet can add up;
//   - a time.Time: a date and time, as the wall clock of its own zone
//     (pass it in the territory's zone); the zero time is an empty cell;
//   - nil: an empty cell.
//
// Any other value is written as text (fmt's %v).
type Sheet struct {
	// Name is the XLSX sheet's name (made valid for Excel; see WriteXLSX
	// and WriteWorkbook).
	Name string
	// Lang chooses the conventions of the reader: "en" for English,
	// anything else French (see WriteCSV).
	Lang   string
	Header []string
	Rows   [][]any
	// Creator is who made the document, in the XLSX document properties:
	// the territory's program or name; "Implique" when empty.
	Creator string
	// Created is the time of the export, in the XLSX document properties
	// (in UTC); the time of writing when zero.
	Created time.Time
}

// sheetDateTime is how a date and time is written in CSV files and
// shown in XLSX files: ISO 8601, which Excel and LibreOffice read as a
// date in every language.
const (
	sheetDateTime     = "2006-01-02 15:04"
	sheetDateTimeXLSX = "yyyy-mm-dd hh:mm"
)

// cellKind is the kind of a Sheet cell.
type cellKind int

const (
	kindEmpty cellKind = iota
	kindText
	kindNumber
	kindTime
)

// kindOf returns the kind of a Sheet cell.
func kindOf(v any) cellKind {
	switch v.(type) {
	case nil:
		return kindEmpty
	case int, int32, int64, float64:
		return kindNumber
	case time.Time:
		if v.(time.Time).IsZero() {
			return kindEmpty
		}
		return kindTime
	}
	return kindText
}

// columnKinds returns the kind of each column of rows: the kind its cells
// share, text when they differ, empty when the column has no value.
func columnKinds(rows [][]any, n int) []cellKind {
	kinds := make([]cellKind, n)
	for _, r := range rows {
		for i, v := range r {
			k := kindOf(v)
			switch {
			case k == kindEmpty:
			case kinds[i] == kindEmpty:
				kinds[i] = k
			case kinds[i] != k:
				kinds[i] = kindText
			}
		}
	}
	return kinds
}

// cellText returns a cell as text: numbers without thousands separators,
// with a decimal comma unless lang is "en"; dates and times as
// "2026-10-30 18:30"; nil as "".
func cellText(lang string, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if lang != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Format(sheetDateTime)
	}
	return fmt.Sprint(v)
}
