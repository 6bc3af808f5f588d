package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
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
	if err := WriteXLSX(&buf, Sheet{Name: "Présences: 2 déc. [souper]", Header: header, Rows: textRows(rows)}); err != nil {
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
			if err := WriteXLSX(&buf, Sheet{Header: tt.header, Rows: textRows(tt.rows)}); err != nil {
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

// zipFile returns the content of one member of a zip archive.
func zipFile(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no %s in the workbook", name)
	return ""
}

// TestXLSXKeepsNumbersAndDates reads the workbook's XML back: numbers are
// numeric cells that a SUM adds up, dates are date cells with a date
// format, text stays text, and the document properties name who made it
// and when, in UTC.
func TestXLSXKeepsNumbersAndDates(t *testing.T) {
	loc, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	registered := time.Date(2026, 10, 30, 18, 30, 0, 0, loc)
	s := Sheet{
		Name:   "Inscriptions",
		Header: []string{"Nom", "Nombre de personnes", "Heures", "Inscrit le", "Code postal", "Consentement"},
		Rows: [][]any{
			{"Réjean Côté", 2, 2.5, registered, "G0X 1A0", "Oui"},
			{"Marie-Ève Bélanger", int64(3), 1.25, nil, "00123", "Non"},
			{"Œuvre des Sœurs", 1, 0.0, registered.Add(24 * time.Hour), "", "Non"},
		},
		Creator: "Moi, je m’implique !",
		Created: time.Date(2026, 12, 2, 18, 30, 0, 0, loc),
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, s); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()

	t.Run("cells", func(t *testing.T) {
		var ws struct {
			Rows []struct {
				Cells []struct {
					Ref   string `xml:"r,attr"`
					Type  string `xml:"t,attr"`
					Style int    `xml:"s,attr"`
					Value string `xml:"v"`
				} `xml:"c"`
			} `xml:"sheetData>row"`
		}
		if err := xml.Unmarshal([]byte(zipFile(t, data, "xl/worksheets/sheet1.xml")), &ws); err != nil {
			t.Fatal(err)
		}
		var styles struct {
			NumFmts []struct {
				ID   int    `xml:"numFmtId,attr"`
				Code string `xml:"formatCode,attr"`
			} `xml:"numFmts>numFmt"`
			Xfs []struct {
				NumFmt int `xml:"numFmtId,attr"`
			} `xml:"cellXfs>xf"`
		}
		if err := xml.Unmarshal([]byte(zipFile(t, data, "xl/styles.xml")), &styles); err != nil {
			t.Fatal(err)
		}
		format := func(style int) string {
			id := styles.Xfs[style].NumFmt
			for _, f := range styles.NumFmts {
				if f.ID == id {
					return f.Code
				}
			}
			return fmt.Sprint(id)
		}
		cells := map[string]struct {
			typ, value, format string
		}{}
		for _, r := range ws.Rows {
			for _, c := range r.Cells {
				cells[c.Ref] = struct{ typ, value, format string }{c.Type, c.Value, format(c.Style)}
			}
		}
		for _, ref := range []string{"B2", "B3", "B4", "C2", "C3", "C4"} {
			c := cells[ref]
			if c.typ != "" && c.typ != "n" {
				t.Errorf("%s is of type %q, want a number", ref, c.typ)
			}
			if _, err := strconv.ParseFloat(c.value, 64); err != nil {
				t.Errorf("%s holds %q, not a number", ref, c.value)
			}
		}
		if c := cells["C2"]; c.value != "2.5" {
			t.Errorf("C2 = %q, want 2.5", c.value)
		}
		for _, ref := range []string{"D2", "D4"} {
			c := cells[ref]
			serial, err := strconv.ParseFloat(c.value, 64)
			if c.typ != "" && c.typ != "n" || err != nil {
				t.Errorf("%s is %q of type %q, want a date serial number", ref, c.value, c.typ)
			}
			if c.format != sheetDateTimeXLSX {
				t.Errorf("%s has format %q, want %q", ref, c.format, sheetDateTimeXLSX)
			}
			// 2026-10-30 18:30 is day 46325 since 1899-12-30, and 0.7708 of a day.
			if ref == "D2" && math.Abs(serial-(46325+18.5/24)) > 1e-6 {
				t.Errorf("D2 = %v, want 2026-10-30 18:30 (%v)", serial, 46325+18.5/24)
			}
		}
		if _, ok := cells["D3"]; ok {
			t.Error("an empty date is written")
		}
		for _, ref := range []string{"A2", "E2", "E3", "F2"} {
			if c := cells[ref]; c.typ != "inlineStr" {
				t.Errorf("%s is of type %q, want text", ref, c.typ)
			}
		}
	})

	t.Run("a SUM adds the people up", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.SetCellFormula("Inscriptions", "B10", "SUM(B2:B4)"); err != nil {
			t.Fatal(err)
		}
		got, err := f.CalcCellValue("Inscriptions", "B10")
		if err != nil || got != "6" {
			t.Errorf("SUM over « Nombre de personnes » = %q (%v), want 6", got, err)
		}
		if v, _ := f.GetCellValue("Inscriptions", "D2"); v != "2026-10-30 18:30" {
			t.Errorf("D2 shows %q", v)
		}
		if v, _ := f.GetCellValue("Inscriptions", "E3"); v != "00123" {
			t.Errorf("E3 shows %q", v)
		}
	})

	t.Run("document properties", func(t *testing.T) {
		var core struct {
			Creator        string `xml:"creator"`
			LastModifiedBy string `xml:"lastModifiedBy"`
			Created        string `xml:"created"`
			Modified       string `xml:"modified"`
		}
		raw := zipFile(t, data, "docProps/core.xml")
		if err := xml.Unmarshal([]byte(raw), &core); err != nil {
			t.Fatal(err)
		}
		if core.Creator != s.Creator || core.LastModifiedBy != s.Creator {
			t.Errorf("creator %q, last modified by %q, want %q", core.Creator, core.LastModifiedBy, s.Creator)
		}
		const want = "2026-12-02T23:30:00Z"
		if core.Created != want || core.Modified != want {
			t.Errorf("created %q, modified %q, want %q", core.Created, core.Modified, want)
		}
		app := zipFile(t, data, "docProps/app.xml")
		for _, bad := range []string{"xuri", "2006-09-16", "Excelize"} {
			if strings.Contains(raw+app, bad) {
				t.Errorf("the properties still hold the library's %q:\n%s\n%s", bad, raw, app)
			}
		}
		if !strings.Contains(app, "<Application>Implique</Application>") {
			t.Errorf("application: %s", app)
		}
	})

	t.Run("defaults", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, Sheet{}); err != nil {
			t.Fatal(err)
		}
		core := zipFile(t, buf.Bytes(), "docProps/core.xml")
		if !strings.Contains(core, "<dc:creator>Implique</dc:creator>") {
			t.Errorf("creator: %s", core)
		}
		m := regexp.MustCompile(`<dcterms:created[^>]*>([^<]*)<`).FindStringSubmatch(core)
		if m == nil {
			t.Fatalf("no creation time: %s", core)
		}
		if _, err := time.Parse("2006-01-02T15:04:05Z", m[1]); err != nil {
			t.Errorf("creation time %q is not UTC with Z: %v", m[1], err)
		}
	})
}

func TestWriteWorkbook(t *testing.T) {
	created := time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)
	long := strings.Repeat("Participation citoyenne ", 3)
	sheets := []Sheet{
		{Name: "Participation", Lang: "fr", Header: []string{"Indicateur", "Valeur"},
			Rows: [][]any{{"Soupers citoyens tenus", 12}, {"Heures de bénévolat", 130.5}}, Created: created},
		{Name: "participation", Header: []string{"Municipalité"}, Rows: [][]any{{"Bécancour"}, {"Wôlinak"}}},
		{Name: "Faits: saillants?", Rows: [][]any{{"=1+1", "0123"}}},
		{Name: ""},
		{Name: long},
		{Name: long},
	}
	var buf bytes.Buffer
	if err := WriteWorkbook(&buf, sheets); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := f.GetSheetList()
	want := []string{"Participation", "participation (2)", "Faits- saillants-", "Feuille4",
		"Participation citoyenne Partici", "Participation citoyenne Par (2)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	for _, name := range got {
		if n := len(utf16.Encode([]rune(name))); n > 31 {
			t.Errorf("sheet name %q is %d long", name, n)
		}
	}
	cells := []struct{ sheet, cell, want string }{
		{"Participation", "A1", "Indicateur"}, {"Participation", "B2", "12"}, {"Participation", "A3", "Heures de bénévolat"},
		{"Participation", "B3", "130.5"}, {"participation (2)", "A1", "Municipalité"}, {"participation (2)", "A3", "Wôlinak"},
		{"Faits- saillants-", "A1", "=1+1"}, {"Faits- saillants-", "B1", "0123"}, {"Feuille4", "A1", ""},
	}
	for _, c := range cells {
		v, err := f.GetCellValue(c.sheet, c.cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if v != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.cell, v, c.want)
		}
	}
	if typ, _ := f.GetCellType("Participation", "B2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("a number is a cell of type %v", typ)
	}
	if formula, _ := f.GetCellFormula("Faits- saillants-", "A1"); formula != "" {
		t.Errorf("text became the formula %q", formula)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Title != "Participation" || props.Created != "2026-12-05T09:30:00Z" || props.Language != "fr-CA" {
		t.Errorf("properties %+v", props)
	}
	// Each sheet keeps its own frozen header.
	for _, name := range []string{"Participation", "participation (2)"} {
		panes, err := f.GetPanes(name)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header not frozen: %+v", name, panes)
		}
	}

	var empty bytes.Buffer
	if err := WriteWorkbook(&empty, nil); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(&empty)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if list := g.GetSheetList(); len(list) != 1 || list[0] != "Feuille1" {
		t.Errorf("no sheet gives %q, want one Feuille1", list)
	}
}
