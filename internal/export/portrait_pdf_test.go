package export

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func portraitSheet(lang string, rows int) PortraitSheet {
	s := PortraitSheet{Title: "Portrait de l’implication et des besoins", Place: "Sainte-Cécile-de-Lévrard et ses secteurs",
		Note: "Version interne", Footer: "Moi, je m’implique\u202f! — MRC de Bécancour", Lang: lang,
		Created: time.Date(2026, 12, 5, 9, 30, 0, 0, time.FixedZone("EST", -5*3600))}
	s.Sections = append(s.Sections, PortraitSection{Title: "Soupers citoyens", Rows: []PortraitRow{
		{Label: "Soupers citoyens tenus", Value: "12", Source: "Inscriptions aux soupers, Implique", Date: "5 décembre 2026"},
		{Label: "Personnes accueillies à la porte", Value: "moins de 5", Source: "Inscriptions aux soupers, Implique", Date: "5 décembre 2026"},
	}}, PortraitSection{Title: "Sondage", Empty: "Aucun résultat de sondage pour l’instant"})
	var many []PortraitRow
	for i := range rows {
		many = append(many, PortraitRow{Label: fmt.Sprintf("%s, thème %d", frenchNames[i%len(frenchNames)], i), Value: fmt.Sprint(i),
			Source: "Statistique Canada, recensement 2016", Date: "5 décembre 2026"})
	}
	if rows > 0 {
		s.Sections = append(s.Sections, PortraitSection{Title: "Besoins et idées", Rows: many})
	}
	return s
}

func TestWritePortraitPDF(t *testing.T) {
	for _, c := range []struct {
		name  string
		lang  string
		rows  int
		pages int
	}{{"short", "fr", 0, 1}, {"English", "en", 3, 1}, {"long", "fr", 90, 0}} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WritePortraitPDF(&buf, portraitSheet(c.lang, c.rows)); err != nil {
				t.Fatal(err)
			}
			checkPDF(t, buf.Bytes())
			pages := len(pageObject.FindAll(buf.Bytes(), -1))
			if (c.pages > 0 && pages != c.pages) || (c.pages == 0 && pages < 2) {
				t.Errorf("%d pages, want %d (0: several)", pages, c.pages)
			}
			text, ok := pdfToText(t, buf.Bytes(), false)
			if !ok {
				return
			}
			flat := strings.Join(strings.Fields(text), " ")
			want := []string{"Portrait de l’implication et des besoins", "Sainte-Cécile-de-Lévrard et ses secteurs", "Version interne",
				"Soupers citoyens tenus", "moins de 5", "Inscriptions aux soupers, Implique · 5 décembre 2026",
				"Aucun résultat de sondage pour l’instant"}
			if c.rows > 0 {
				want = append(want, "Marie-Ève Bélanger-Lévesque, thème 1", "Œuvre des Sœurs", "Statistique Canada, recensement 2016")
			}
			if c.lang == "en" {
				want = append(want, fmt.Sprintf("Page 1 of %d", pages))
			} else {
				want = append(want, fmt.Sprintf("Page 1 de %d", pages))
			}
			for _, w := range want {
				if !strings.Contains(flat, w) {
					t.Errorf("the PDF does not say %q:\n%s", w, flat)
				}
			}
		})
	}
}
