package export

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// reportDoc is a report in lang with sections sections (at least 3) and a
// table of tableRows rows in the second.
func reportDoc(lang string, sections, tableRows int) ReportDoc {
	en := lang == "en"
	pct := func(v float64) *float64 { return &v }
	d := ReportDoc{Title: pick(en, "Impact report", "Rapport d’impact"), Subtitle: "Moi, je m’implique\u202f! — MRC de Bécancour",
		Period: pick(en, "July 1 to September 30, 2026", "1er juillet au 30 septembre 2026"),
		Cover:  []string{"Préparé par l’équipe du programme", "Impact visé\u00a0: plus de citoyens engagés dans leur milieu"},
		Footer: "Moi, je m’implique\u202f! — Rapport d’impact", Lang: lang,
		Created: time.Date(2026, 12, 5, 9, 30, 0, 0, time.FixedZone("EST", -5*3600))}
	d.Sections = append(d.Sections, ReportSection{Title: "01. Participation citoyenne",
		Intro: strings.Repeat("Les soupers citoyens ont réuni des personnes de toutes les municipalités du territoire. ", 4),
		Rows: []ReportRow{
			{Label: "Soupers citoyens tenus", Value: "12", Meta: "Inscriptions aux soupers · 30 septembre 2026", Progress: pct(80)},
			{Label: "Personnes accueillies", Value: "moins de 5", Meta: "Inscriptions aux soupers · 30 septembre 2026", Progress: pct(130)},
		},
		Bars: []ReportBar{{Label: "Bécancour", Value: 75, Text: "75\u00a0%"}, {Label: "Wôlinak", Value: 20, Text: "20\u00a0%"}},
	})
	table := &ReportTable{Header: []string{"Municipalité", "Soupers", "Personnes"}}
	for i := range tableRows {
		table.Rows = append(table.Rows, []string{fmt.Sprintf("Ligne %03d, %s", i, frenchNames[i%len(frenchNames)]), strconv.Itoa(i % 7), strconv.Itoa(i)})
	}
	d.Sections = append(d.Sections, ReportSection{Title: "02. Par municipalité", Table: table},
		ReportSection{Title: "03. Faits saillants", Stories: []ReportStory{{Title: "Un souper à Sainte-Cécile-de-Lévrard",
			Meta: "12 août 2026 · Salle municipale", Body: strings.Repeat("Trente personnes ont partagé un repas et leurs idées. ", 6)}}},
		ReportSection{Title: "04. Sondage", Empty: "Aucun résultat de sondage pour cette période"})
	for i := 4; i < sections; i++ {
		var rows []ReportRow
		for j := range 9 {
			rows = append(rows, ReportRow{Label: fmt.Sprintf("%s, indicateur %d", frenchNames[j%len(frenchNames)], j), Value: strconv.Itoa(j),
				Meta: "Statistique Canada, recensement 2021 · 5 décembre 2026"})
		}
		d.Sections = append(d.Sections, ReportSection{Title: fmt.Sprintf("%02d. Thème de la section", i+1), Rows: rows})
	}
	return d
}

// tocLine is a line of the table of contents as pdftotext lays it out:
// the section's number and title, then its page.
var tocLine = regexp.MustCompile(`^\s*(\d\d\. [^\n]*?)\s{2,}(\d+)\s*$`)

func TestWriteReportPDF(t *testing.T) {
	for _, c := range []struct {
		name      string
		lang      string
		sections  int
		tableRows int
	}{{"short", "fr", 4, 3}, {"English", "en", 4, 3}, {"long", "fr", 40, 120}} {
		t.Run(c.name, func(t *testing.T) {
			d := reportDoc(c.lang, c.sections, c.tableRows)
			var buf bytes.Buffer
			if err := WriteReportPDF(&buf, d); err != nil {
				t.Fatal(err)
			}
			pdf := buf.Bytes()
			checkPDF(t, pdf)
			if dir := os.Getenv("IMPLIQUE_SCREENSHOTS"); dir != "" {
				_ = os.WriteFile(fmt.Sprintf("%s/rapport-%s.pdf", dir, c.name), pdf, 0o644)
			}
			checkDeterministic(t, pdf, func(w io.Writer) error { return WriteReportPDF(w, d) })
			if !bytes.Contains(pdf, []byte("/Outlines")) {
				t.Error("the PDF has no outline of its sections")
			}
			pages := len(pageObject.FindAll(pdf, -1))
			if pages < 3 {
				t.Fatalf("%d pages, want a cover, the contents and the sections", pages)
			}
			if c.name == "long" && pages < 8 {
				t.Errorf("%d pages for a long report", pages)
			}
			text, ok := pdfToText(t, pdf, true)
			if !ok {
				return
			}
			texts := strings.Split(strings.TrimRight(text, "\f"), "\f")
			if len(texts) != pages {
				t.Fatalf("pdftotext gives %d pages, the file has %d", len(texts), pages)
			}
			flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }

			cover := flat(texts[0])
			for _, w := range append([]string{d.Title, "Moi, je m’implique\u00a0! — MRC de Bécancour", d.Period}, d.Cover...) {
				if !strings.Contains(cover, flat(w)) {
					t.Errorf("the cover does not say %q:\n%s", w, cover)
				}
			}
			if strings.Contains(cover, "Page ") || strings.Contains(cover, d.Footer) {
				t.Errorf("the cover has a footer:\n%s", cover)
			}

			// Every page but the cover: the footer and its number.
			label := pick(c.lang == "en", "Page %d of %d", "Page %d de %d")
			for i := 1; i < pages; i++ {
				p := flat(texts[i])
				if want := fmt.Sprintf(label, i+1, pages); !strings.Contains(p, want) {
					t.Errorf("page %d does not say %q:\n%s", i+1, want, p)
				}
				if !strings.Contains(p, "Généré") && c.lang != "en" || c.lang == "en" && !strings.Contains(p, "Generated") {
					t.Errorf("page %d does not give the time of writing", i+1)
				}
			}

			// The contents: every section with the page it starts on.
			heading := pick(c.lang == "en", "Contents", "Table des matières")
			if !strings.Contains(texts[1], heading) {
				t.Errorf("page 2 is not the contents:\n%s", texts[1])
			}
			listed := map[string]int{}
			tocEnd := 1 // the pages of the contents are texts[1:tocEnd]
			for ; tocEnd < pages; tocEnd++ {
				n := len(listed)
				for line := range strings.SplitSeq(texts[tocEnd], "\n") {
					if m := tocLine.FindStringSubmatch(line); m != nil {
						listed[m[1]], _ = strconv.Atoi(m[2])
					}
				}
				if len(listed) == n {
					break
				}
			}
			first := func(s string) int { // the first page, after the contents, that has s
				for i := tocEnd; i < pages; i++ {
					if strings.Contains(flat(texts[i]), s) {
						return i + 1
					}
				}
				return 0
			}
			for _, sec := range d.Sections {
				got, ok := listed[sec.Title]
				if !ok {
					t.Errorf("the contents do not list %q: %v", sec.Title, listed)
					continue
				}
				if want := first(sec.Title); got != want {
					t.Errorf("the contents put %q on page %d, it starts on page %d", sec.Title, got, want)
				}
			}
			if c.name == "long" && listed[d.Sections[len(d.Sections)-1].Title] != pages {
				t.Errorf("the last section is not on the last page: %v", listed)
			}

			all := flat(strings.Join(texts[tocEnd:], " "))
			for _, w := range []string{"Soupers citoyens tenus", "moins de 5", "Inscriptions aux soupers · 30 septembre 2026",
				"Les soupers citoyens ont réuni", "Bécancour", "75\u00a0%", "Un souper à Sainte-Cécile-de-Lévrard",
				"12 août 2026 · Salle municipale", "Trente personnes ont partagé", "Aucun résultat de sondage pour cette période",
				"Municipalité", "Ligne 000, Réjean Côté", fmt.Sprintf("Ligne %03d", c.tableRows-1)} {
				if !strings.Contains(all, flat(w)) {
					t.Errorf("the report does not say %q", w)
				}
			}

			// A table over several pages repeats its header on each.
			tablePages := 0
			for i := tocEnd; i < pages; i++ {
				if strings.Contains(texts[i], "Ligne ") {
					tablePages++
					if !strings.Contains(texts[i], "Municipalité") {
						t.Errorf("page %d has rows of the table without its header:\n%s", i+1, texts[i])
					}
				}
			}
			if c.name == "long" && tablePages < 2 {
				t.Errorf("the long table is on %d page", tablePages)
			}
		})
	}
}

func TestWriteReportPDFNoSection(t *testing.T) {
	d := reportDoc("fr", 4, 0)
	d.Sections = nil
	var buf bytes.Buffer
	if err := WriteReportPDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, buf.Bytes())
	if pages := len(pageObject.FindAll(buf.Bytes(), -1)); pages != 2 {
		t.Errorf("%d pages, want the cover and the contents", pages)
	}
	if text, ok := pdfToText(t, buf.Bytes(), false); ok && !strings.Contains(text, "Page 2 de 2") {
		t.Errorf("the contents do not say « Page 2 de 2 »:\n%s", text)
	}
}

// TestPaginateReport checks that a title stays with its first content, that
// a table's header is repeated and that no page starts with space.
func TestPaginateReport(t *testing.T) {
	item := func(h float64) *repItem { return &repItem{h: h, draw: func(float64) {}} }
	var items []*repItem
	title := item(10)
	title.keep, title.section = true, 1
	items = append(items, item(80), item(75), title, spacerItem(3))
	head := item(8)
	head.keep = true
	items = append(items, head)
	for range 30 {
		r := item(10)
		r.header = head
		items = append(items, r)
	}
	pages := paginateReport(items, 0, 170)
	if len(pages) < 3 {
		t.Fatalf("%d pages", len(pages))
	}
	if pages[0][len(pages[0])-1].repItem == title || pages[1][0].repItem != title {
		t.Error("the title is not kept with its first content")
	}
	for i, p := range pages {
		if p[0].space {
			t.Errorf("page %d starts with space", i+1)
		}
		if i >= 2 && p[0].repItem != head {
			t.Errorf("page %d does not start with the table's header", i+1)
		}
		for _, it := range p {
			if it.y+it.h > 170+1e-9 {
				t.Errorf("page %d overflows: %v + %v", i+1, it.y, it.h)
			}
		}
	}
}
