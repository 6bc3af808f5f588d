package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWriteCSV(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		want   string // without the BOM
	}{
		{
			name:   "accents and CRLF",
			header: []string{"Nom", "Municipalité"},
			rows:   [][]string{{"Réjean Côté", "Sainte-Cécile-de-Lévrard"}, {"Œuvre des Sœurs", "Bécancour"}},
			want:   "Nom,Municipalité\r\nRéjean Côté,Sainte-Cécile-de-Lévrard\r\nŒuvre des Sœurs,Bécancour\r\n",
		},
		{
			name:   "quoting",
			header: []string{"a"},
			rows:   [][]string{{`dit « allô », "oui"`}, {"deux\nlignes"}, {" espace"}},
			want:   "a\r\n\"dit « allô », \"\"oui\"\"\"\r\n\"deux\r\nlignes\"\r\n\" espace\"\r\n",
		},
		{
			name: "formula injection neutralised",
			rows: [][]string{{"=1+1", "+1 819 555-0100", "-5", "@SUM(A1)", "\tx", "\rx", "a=b", "'déjà"}},
			// encoding/csv drops a lone CR when writing CRLF line ends.
			want: "'=1+1,'+1 819 555-0100,'-5,'@SUM(A1),'\tx,\"'x\",a=b,'déjà\r\n",
		},
		{
			name: "no header no rows",
			want: "",
		},
		{
			name:   "ragged rows and empty cells",
			header: []string{"a", "b", "c"},
			rows:   [][]string{{"1"}, {"", "", "3"}},
			want:   "a,b,c\r\n1\r\n,,3\r\n",
		},
		{
			name: "invalid UTF-8 replaced",
			rows: [][]string{{"caf\xe9"}},
			want: "caf\uFFFD\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, Sheet{Lang: "en", Header: tt.header, Rows: textRows(tt.rows)}); err != nil {
				t.Fatal(err)
			}
			got := buf.String()
			if !strings.HasPrefix(got, "\xEF\xBB\xBF") {
				t.Fatalf("missing UTF-8 BOM: %q", got)
			}
			if got = strings.TrimPrefix(got, "\xEF\xBB\xBF"); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// textRows turns rows of text into Sheet rows.
func textRows(rows [][]string) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = make([]any, len(r))
		for j, v := range r {
			out[i][j] = v
		}
	}
	return out
}

// TestCSVConventionsByLanguage checks what a French and an English
// spreadsheet program expect: the semicolon and the decimal comma in
// French, the comma and the point in English; numbers never neutralised,
// dates in ISO form, the byte order mark and no "sep=" line.
func TestCSVConventionsByLanguage(t *testing.T) {
	when := time.Date(2026, 10, 30, 18, 30, 0, 0, time.FixedZone("HAE", -4*3600))
	s := Sheet{
		Header: []string{"Nom", "Nombre de personnes", "Heures", "Inscrit le", "Écart"},
		Rows: [][]any{
			{"Côté, Réjean", 2, 2.5, when, -1},
			{"Bélanger; Marie-Ève", int64(3), 10.0, nil, "-1"},
		},
	}
	tests := []struct {
		lang string
		sep  rune
		want string
	}{
		{"fr", ';', "Nom;Nombre de personnes;Heures;Inscrit le;Écart\r\n" +
			"Côté, Réjean;2;2,5;2026-10-30 18:30;-1\r\n" +
			"\"Bélanger; Marie-Ève\";3;10;;'-1\r\n"},
		{"en", ',', "Nom,Nombre de personnes,Heures,Inscrit le,Écart\r\n" +
			"\"Côté, Réjean\",2,2.5,2026-10-30 18:30,-1\r\n" +
			"Bélanger; Marie-Ève,3,10,,'-1\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			s.Lang = tt.lang
			if got := CSVSeparator(tt.lang); got != tt.sep {
				t.Errorf("separator %q, want %q", got, tt.sep)
			}
			var buf bytes.Buffer
			if err := WriteCSV(&buf, s); err != nil {
				t.Fatal(err)
			}
			got, ok := strings.CutPrefix(buf.String(), "\ufeff")
			if !ok {
				t.Fatal("no byte order mark")
			}
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			r := csv.NewReader(strings.NewReader(got))
			r.Comma = tt.sep
			records, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for i, rec := range records {
				if len(rec) != len(s.Header) {
					t.Errorf("record %d has %d cells, want %d: %q", i, len(rec), len(s.Header), rec)
				}
			}
		})
	}
}

func TestWriteCSVReadBack(t *testing.T) {
	header := []string{"Nom", "Téléphone", "Note"}
	rows := [][]string{
		{"Marie-Ève Bélanger-Lévesque", "819 555-0101", "Souper; « citoyen », 18 h 30"},
		{"Réjean Côté", "+1 819 555-0102", "=HYPERLINK(\"http://x\")"},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, Sheet{Header: header, Rows: textRows(rows)}); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		header,
		rows[0],
		{"Réjean Côté", "'+1 819 555-0102", "'=HYPERLINK(\"http://x\")"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

func TestCSVWriterStreamingMatchesWriteCSV(t *testing.T) {
	header := []string{"n", "nom"}
	var rows [][]string
	for i := range 1000 {
		rows = append(rows, []string{strings.Repeat("x", i%7), "Sœur Thérèse, n° " + string(rune('0'+i%10))})
	}
	var whole, streamed bytes.Buffer
	if err := WriteCSV(&whole, Sheet{Header: header, Rows: textRows(rows)}); err != nil {
		t.Fatal(err)
	}
	cw, err := NewCSV(&streamed, "fr", header)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if err := cw.Write(textRows([][]string{r})[0]); err != nil {
			t.Fatal(err)
		}
		if i%100 == 0 {
			if err := cw.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(whole.Bytes(), streamed.Bytes()) {
		t.Error("streaming output differs from WriteCSV output")
	}
}

// failWriter fails every write after the first n bytes.
type failWriter struct{ n int }

var errWrite = errors.New("disque plein")

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, errWrite
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriteCSVErrors(t *testing.T) {
	tests := []struct {
		name  string
		limit int
	}{
		{"BOM fails", 0},
		{"rows fail", 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteCSV(&failWriter{n: tt.limit}, Sheet{Header: []string{"a", "b"}, Rows: [][]any{{strings.Repeat("z", 10000)}}})
			if !errors.Is(err, errWrite) {
				t.Errorf("got %v, want %v", err, errWrite)
			}
		})
	}
}
