package export

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

func TestWriteXLSX(t *testing.T) {
	header := []string{"Nom", "Téléphone", "Code postal", "Inscrit le", "Note"}
	rows := [][]string{
		{"Réjean Côté", "0819 555-0100", "G9H 1A1", "2026-12-02", "=1+1"},
		{"Marie-Ève Bélanger-Lévesque", "+1 819 555-0101", "00123", "1/2", "@SUM(A1:A2)"},
		{"Œuvre des Sœurs", "8195550102", "", "3,5", strings.Repeat("très long ", 30)},
		{"Ligne\ncoupée", "-5", "TRUE", "", "\x01contrôle"},
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "Présences: 2 déc. [souper]", header, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("got sheets %q, want one", sheets)
	}
	sheet := sheets[0]
	if want := "Présences- 2 déc. -souper-"; sheet != want {
		t.Errorf("sheet name %q, want %q", sheet, want)
	}

	all := append([][]string{header}, rows...)
	for r, row := range all {
		for c, want := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			t.Run(cell, func(t *testing.T) {
				if want == "\x01contrôle" {
					want = "\uFFFDcontrôle" // XML cannot hold U+0001
				}
				got, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("value %q, want %q", got, want)
				}
				if want == "" {
					return
				}
				typ, err := f.GetCellType(sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				if typ != excelize.CellTypeInlineString {
					t.Errorf("type %v, want inline string", typ)
				}
				formula, err := f.GetCellFormula(sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				if formula != "" {
					t.Errorf("cell has formula %q", formula)
				}
				styleID, err := f.GetCellStyle(sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				style, err := f.GetStyle(styleID)
				if err != nil {
					t.Fatal(err)
				}
				if style.NumFmt != xlsxTextFormat {
					t.Errorf("number format %d, want %d (text)", style.NumFmt, xlsxTextFormat)
				}
				bold := style.Font != nil && style.Font.Bold
				if bold != (r == 0) {
					t.Errorf("bold = %v on row %d", bold, r+1)
				}
			})
		}
	}

	t.Run("frozen header", func(t *testing.T) {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
			t.Errorf("panes %+v, want header row frozen", panes)
		}
	})

	t.Run("column widths", func(t *testing.T) {
		for c := 1; c <= len(header); c++ {
			name, _ := excelize.ColumnNumberToName(c)
			w, err := f.GetColWidth(sheet, name)
			if err != nil {
				t.Fatal(err)
			}
			if w < xlsxMinWidth || w > xlsxMaxWidth {
				t.Errorf("column %s width %v out of [%d, %d]", name, w, xlsxMinWidth, xlsxMaxWidth)
			}
		}
		nom, _ := f.GetColWidth(sheet, "A")
		if want := float64(len([]rune(rows[1][0]))); nom < want {
			t.Errorf("column A width %v narrower than its content (%v)", nom, want)
		}
		note, _ := f.GetColWidth(sheet, "E")
		if note != xlsxMaxWidth {
			t.Errorf("column E width %v, want the cap %d", note, xlsxMaxWidth)
		}
	})
}

func TestWriteXLSXShapes(t *testing.T) {
	tests := []struct {
		name     string
		header   []string
		rows     [][]string
		wantRows int
	}{
		{"empty", nil, nil, 0},
		{"header only", []string{"Nom"}, nil, 1},
		{"no header", nil, [][]string{{"a", "b"}, {"c"}}, 2},
		{"many rows", []string{"n"}, manyRows(5000), 5001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteXLSX(&buf, "", tt.header, tt.rows); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetName(0); got != "Feuille1" {
				t.Errorf("sheet %q, want Feuille1", got)
			}
			rows, err := f.GetRows("Feuille1")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.wantRows {
				t.Errorf("got %d rows, want %d", len(rows), tt.wantRows)
			}
		})
	}
}

func manyRows(n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{strings.Repeat("é", i%40)}
	}
	return rows
}

func TestXLSXSheetName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Présences", "Présences"},
		{"forbidden characters", `a:b\c/d?e*f[g]`, "a-b-c-d-e-f-g-"},
		{"apostrophes around", "'Bénévoles'", "Bénévoles"},
		{"empty", "", "Feuille1"},
		{"only apostrophes", "''", "Feuille1"},
		{"control characters", "a\tb\n", "ab"},
		{"long", strings.Repeat("é", 40), strings.Repeat("é", 31)},
		{"long astral", strings.Repeat("😀", 20), strings.Repeat("😀", 15)},
		{"apostrophe at cut", strings.Repeat("a", 30) + "'b", strings.Repeat("a", 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := xlsxSheetName(tt.in)
			if got != tt.want {
				t.Errorf("xlsxSheetName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if n := len(utf16.Encode([]rune(got))); n > 31 {
				t.Errorf("%d UTF-16 units, want ≤ 31", n)
			}
			f := excelize.NewFile()
			defer f.Close()
			if err := f.SetSheetName("Sheet1", got); err != nil {
				t.Errorf("excelize rejects %q: %v", got, err)
			}
		})
	}
}
