package orgs_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/testkit"
)

// places are the MRC de Bécancour's, for the parser alone.
func places(t testing.TB) []territory.Place {
	t.Helper()
	var out []territory.Place
	slugs := map[string]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(mustRead(t))), "\n")[1:] {
		cells := strings.Split(line, ",")
		p := territory.Place{ID: int64(i + 1), Slug: cells[0], Name: cells[1]}
		if cells[3] != "" {
			p.ParentName = slugs[cells[3]]
		}
		slugs[p.Slug] = p.Name
		out = append(out, p)
	}
	return out
}

func mustRead(t testing.TB) []byte {
	var b bytes.Buffer
	if _, err := b.ReadFrom(territory.BecancourPlaces()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sample is a volunteer centre's list as Excel in French saves it.
const sample = "\ufeffOrganisme;Type;Municipalité;Poste;Titulaire;Courriel du titulaire;Début du mandat;Fin du mandat;Ouvert à la relève;Note interne\r\n" +
	"Comité des loisirs de Manseau;Comité citoyen;Manseau;Présidente;Marie Côté;marie@exemple.org;2024-05-01;01/05/2026;non;à rappeler\r\n" +
	"Comité des loisirs de Manseau;Comité citoyen;Manseau;Trésorerie;;;;;oui;\r\n" +
	"\"Club de l'âge d'or; Fortierville\";OBNL;Fortierville, Parisville;Président;Marie Côté;;2015-01-10;2028-01-01;;\r\n" +
	"Conseil municipal de Lemieux;Conseil municipal;Lemieux;Conseiller, siège 4;;;;;oui;\r\n"

func problems(r orgs.ImportRow) string {
	var out []string
	for _, p := range r.Problems {
		out = append(out, strings.TrimPrefix(p.Key, "errors.")+"@"+p.Column+"="+p.Value)
	}
	return strings.Join(out, " ")
}

func TestParseImport(t *testing.T) {
	ps := places(t)
	p, err := orgs.ParseImport("liste.csv", []byte(sample), ps)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) != 4 || len(p.Ignored) != 1 || p.Ignored[0] != "Note interne" || p.Header[0] != "Organisme" {
		t.Fatalf("parsed %d rows, ignored %v, header %v", len(p.Rows), p.Ignored, p.Header)
	}
	r := p.Rows[0]
	if r.Line != 2 || r.Org.Name != "Comité des loisirs de Manseau" || r.Org.Kind != orgs.CitizenCommittee || r.Org.Places[0] != "manseau" ||
		r.Seat.Role != orgs.President || r.Seat.HolderEmail != "marie@exemple.org" || r.Seat.TermEnd != "2026-05-01" ||
		r.Seat.Open == nil || *r.Seat.Open || len(r.Problems) != 0 {
		t.Errorf("row 1: %+v %+v", r, r.Seat)
	}
	if r := p.Rows[1]; r.Seat.HolderName != "" || r.Seat.Role != orgs.Treasurer || !*r.Seat.Open {
		t.Errorf("row 2: %+v", r.Seat)
	}
	if r := p.Rows[2]; r.Org.Name != "Club de l'âge d'or; Fortierville" || r.Org.Kind != orgs.Nonprofit || strings.Join(r.Org.Places, ",") != "fortierville,parisville" {
		t.Errorf("row 3: %+v", r.Org)
	}
	if r := p.Rows[3]; r.Seat.Role != orgs.Councillor || r.Line != 5 {
		t.Errorf("row 4: %+v", r.Seat)
	}

	// Commas, no BOM, English headers, a secteur by name, Windows-1252.
	latin, _ := charmap.Windows1252.NewEncoder().String("Organization,Places,Seat,Holder\nMaison des jeunes,Gentilly,Trésorière,Éric Pépin\n")
	p, err = orgs.ParseImport("list.csv", []byte(latin), ps)
	if err != nil || len(p.Rows) != 1 || p.Rows[0].Org.Places[0] != "becancour-gentilly" || p.Rows[0].Seat.HolderName != "Éric Pépin" ||
		p.Rows[0].Seat.Role != orgs.Treasurer {
		t.Errorf("windows-1252: %+v %v", p.Rows, err)
	}

	// Text that cannot be stored or shown is never kept as it is: control
	// characters are dropped (a NUL makes the whole file unreadable); bytes
	// Windows-1252 leaves undefined show as U+FFFD in the preview.
	ctl := "Organisme;Poste;Titulaire\x1b\nCercle\x01 des fermières\x7f;Présidence;Luc\u0085 Roy\n"
	p, err = orgs.ParseImport("ctl.csv", []byte(ctl), ps)
	if err != nil || len(p.Rows) != 1 || p.Rows[0].Org.Name != "Cercle des fermières" || p.Rows[0].Seat.HolderName != "Luc Roy" ||
		strings.Join(p.Rows[0].Cells, "|") != "Cercle des fermières|Présidence|Luc Roy" || p.Header[2] != "Titulaire" {
		t.Errorf("control characters: %+v %q %v", p.Rows, p.Header, err)
	}
	latinCtl := []byte("Organisme;Poste\nCercle \x81\x8d\x8f\x90\x9d\xe9t\xe9;Pr\xe9sidence\n")
	p, err = orgs.ParseImport("ctl.csv", latinCtl, ps)
	if err != nil || len(p.Rows) != 1 || p.Rows[0].Org.Name != "Cercle \ufffd\ufffd\ufffd\ufffd\ufffdété" || p.Rows[0].Seat.Role != orgs.President {
		t.Errorf("windows-1252 with undefined bytes: %+v %v", p.Rows, err)
	}
	if _, err := orgs.ParseImport("nul.csv", []byte("Organisme;Poste\nCercle\x00;Présidence\n"), ps); orgs.FileProblem(err) != "errors.org_import_format" {
		t.Errorf("a NUL in a CSV: %v", err)
	}

	// Every mistake is named, on its row, in its column.
	bad := "Organisme;Type;Municipalité;Poste;Titulaire;Courriel du titulaire;Début du mandat;Fin du mandat;Ouvert à la relève;Site web;Causes\n" +
		";OBNL;Manseau;Présidence;Luc;;;;;;\n" +
		"Cercle;Vaisseau spatial;Paris;;;;;;;;\n" +
		"Comité;Comité citoyen;Lemieux;Présidence;;luc@;2026-06-01;2025-06-01;peut-être;pas une adresse;astrologie\n" +
		"Comité 2;;;Trésorerie;Luc;;31/02/2026;;;;\n" +
		"\"Comité \"3\";;;;;;;;;;\n"
	p, err = orgs.ParseImport("erreurs.csv", []byte(bad), ps)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"org_import_name@Organisme=",
		"org_import_kind@Type=Vaisseau spatial org_import_place@Municipalité=Paris",
		"org_import_cause@Causes=astrologie org_import_website@Site web=pas une adresse org_import_email@Courriel du titulaire=luc@ " +
			"org_import_holder@Titulaire= org_term_order@Fin du mandat= org_import_yes_no@Ouvert à la relève=peut-être",
		"org_import_date@Début du mandat=31/02/2026",
		"",
	}
	for i, w := range want {
		if got := problems(p.Rows[i]); got != w {
			t.Errorf("row %d problems:\n got %s\nwant %s", i+2, got, w)
		}
	}

	// Problems with the whole file.
	for name, c := range map[string]struct {
		name, data, key string
	}{
		"empty":       {"a.csv", "", "errors.org_import_empty"},
		"blank":       {"a.csv", "\n\n ;;\n", "errors.org_import_empty"},
		"no name":     {"a.csv", "Poste;Titulaire\nPrésidence;Luc\n", "errors.org_import_no_name"},
		"header only": {"a.csv", "Organisme;Poste\n", "errors.org_import_no_rows"},
		"xls":         {"a.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "errors.org_import_xls"},
		"binary":      {"a.csv", "Organisme\x00\x01\x02", "errors.org_import_format"},
		"not a zip":   {"a.xlsx", "PK\x03\x04 broken", "errors.org_import_format"},
	} {
		if _, err := orgs.ParseImport(c.name, []byte(c.data), ps); orgs.FileProblem(err) != c.key {
			t.Errorf("%s: %v, want %s", name, err, c.key)
		}
	}
	var big strings.Builder
	big.WriteString("Organisme\n")
	for i := 0; i <= orgs.MaxImportRows; i++ {
		fmt.Fprintf(&big, "Organisme %d\n", i)
	}
	if _, err := orgs.ParseImport("a.csv", []byte(big.String()), ps); orgs.FileProblem(err) != "errors.org_import_rows" {
		t.Errorf("too many rows: %v", err)
	}
}

func TestParseXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"Nom de l’organisme", "Type d’organisme", "Lieux", "Fonction", "Personne en poste", "Fin du mandat", "Relève identifiée"},
		{"Popote roulante", "Organisme communautaire", "Sainte-Françoise", "Coordonnatrice", "Lise Noël", time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), "x"},
		{},
		{"Popote roulante", "", "", "Administrateur", "", "30/09/2027", ""},
	}
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p, err := orgs.ParseImport("liste.xlsx", buf.Bytes(), places(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) != 2 {
		for _, r := range p.Rows {
			t.Logf("%d %q", r.Line, r.Cells)
		}
		t.Fatalf("%d rows", len(p.Rows))
	}
	if r := p.Rows[0]; r.Org.Kind != orgs.Nonprofit || r.Org.Places[0] != "sainte-francoise" || r.Seat.Role != orgs.Coordinator ||
		r.Seat.TermEnd != "2026-09-30" || !*r.Seat.Successor || len(r.Problems) != 0 {
		t.Errorf("row 2: %+v %+v %v", r.Org, r.Seat, problems(r))
	}
	if r := p.Rows[1]; r.Line != 4 || r.Seat.Role != orgs.Director || r.Seat.TermEnd != "2027-09-30" || r.Seat.HolderName != "" {
		t.Errorf("row 4: %+v", r.Seat)
	}
}

// TestMalformedTenThousand: a broken file of 10 000 rows is answered row by
// row, and every bad row is kept to be fixed.
func TestMalformedTenThousand(t *testing.T) {
	var b strings.Builder
	b.WriteString("Organisme;Municipalité;Poste;Titulaire;Début du mandat;Fin du mandat\n")
	for i := range 10000 {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "Organisme %d;Atlantide;Présidence;Personne %d;2026-01-01;2025-01-01\n", i, i)
		case 1:
			fmt.Fprintf(&b, ";Manseau;;;hier;\n")
		case 2:
			fmt.Fprintf(&b, "\"Organisme %d;Manseau;Trésorerie;\"\"Luc;;\n", i)
		default:
			fmt.Fprintf(&b, "Organisme %d;Manseau;Secrétariat;Luc Roy %d;2024-01-01;2027-01-01\n", i, i)
		}
	}
	start := time.Now()
	p, err := orgs.ParseImport("casse.csv", []byte(b.String()), places(t))
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, r := range p.Rows {
		if len(r.Problems) > 0 {
			bad++
		}
	}
	if bad != 7500 || len(p.Rows) != 10000 {
		t.Errorf("%d rows, %d with problems", len(p.Rows), bad)
	}
	t.Logf("10 000 malformed rows read in %v", time.Since(start))
}

func FuzzParseImport(f *testing.F) {
	f.Add("liste.csv", []byte(sample))
	f.Add("a.csv", []byte("Organisme,Poste,Fin du mandat\nX,Présidence,31/12/2026\n"))
	f.Add("a.csv", []byte("\"Organisme\nX\"\"\n"))
	f.Add("a.xlsx", []byte("PK\x03\x04"))
	ps := places(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		p, err := orgs.ParseImport(name, data, ps)
		if err != nil {
			if orgs.FileProblem(err) == "" {
				t.Fatalf("an error that is not a file problem: %v", err)
			}
			return
		}
		if len(p.Rows) == 0 || len(p.Rows) > orgs.MaxImportRows {
			t.Fatalf("%d rows", len(p.Rows))
		}
		for _, r := range p.Rows {
			for _, c := range r.Cells {
				if !utf8.ValidString(c) || strings.ContainsFunc(c, func(r rune) bool { return unicode.IsControl(r) && !strings.ContainsRune("\t\r\n", r) }) {
					t.Fatalf("a cell kept unreadable text: %q", c)
				}
			}
			for _, pr := range r.Problems {
				if !strings.HasPrefix(pr.Key, "errors.") {
					t.Fatalf("problem key %q", pr.Key)
				}
			}
			if len(r.Problems) == 0 {
				if orgs.Key(r.Org.Name) == "" {
					t.Fatalf("a row without problems has no name: %+v", r)
				}
				if r.Seat != nil && r.Seat.TermStart != "" && r.Seat.TermEnd != "" && r.Seat.TermEnd < r.Seat.TermStart {
					t.Fatalf("a term ends before it starts: %+v", r.Seat)
				}
			}
		}
	})
}

func TestImportPreviewAndConfirm(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tid := f.t.ID
		// Marie is known already (by her e-mail); Lemieux's council too.
		known := f.org(t, "Conseil municipal de Lemieux", orgs.MunicipalCouncil, "lemieux")
		f.seat(t, known.ID, orgs.SeatInput{Role: orgs.Mayor, NewHolder: holder("Marie Côté", "marie@exemple.org")})

		// A file problem writes nothing.
		_, err := f.s.PreviewImport(ctx, tid, 0, "x.csv", []byte("Poste\nPrésidence\n"))
		testkit.WantFields(t, err, "file")

		file := []byte(sample + "Atlantide;;Nulle part;Présidence;;;;;;\n")
		im, err := f.s.PreviewImport(ctx, tid, 0, "liste.csv", file)
		if err != nil {
			t.Fatal(err)
		}
		if im.Status != orgs.ImportPreview || im.Total != 5 || im.Errors != 1 || im.Valid() != 4 || im.Header[1] != "Type" {
			t.Errorf("preview %+v", im)
		}
		// Nothing is written until it is confirmed.
		if _, n, _ := f.s.List(ctx, tid, orgs.Filter{}); n != 1 {
			t.Fatalf("the preview wrote organisations: %d", n)
		}
		rows, total, err := f.s.ImportRows(ctx, tid, im.ID, false, 2, 0)
		if err != nil || total != 5 || len(rows) != 2 || rows[0].Line != 2 || !rows[0].NewOrg || !rows[0].NewSeat || rows[0].NewPerson {
			t.Fatalf("rows %+v %d %v", rows, total, err)
		}
		if rows[1].NewOrg || !rows[1].NewSeat || rows[1].Cells[8] != "oui" {
			t.Errorf("row 3 %+v", rows[1])
		}
		bad, total, _ := f.s.ImportRows(ctx, tid, im.ID, true, 50, 0)
		if total != 1 || bad[0].Line != 6 || bad[0].Problems[0].Key != "errors.org_import_place" || bad[0].Problems[0].Value != "Nulle part" {
			t.Errorf("rows with problems %+v", bad)
		}
		all, _, _ := f.s.ImportRows(ctx, tid, im.ID, false, 0, 0)
		if all[3].NewOrg || !all[3].NewSeat {
			t.Errorf("Lemieux's council is known: %+v", all[3])
		}

		// Another territory cannot see or confirm it.
		other := f.otherTerritory(t)
		if _, err := f.s.Import(ctx, other.ID, im.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("import across territories: %v", err)
		}
		if _, err := f.s.ConfirmImport(ctx, other.ID, im.ID, true); !errs.Is(err, errs.NotFound) {
			t.Errorf("confirm across territories: %v", err)
		}
		if _, n, _ := f.s.ImportRows(ctx, other.ID, im.ID, false, 10, 0); n != 0 {
			t.Errorf("rows across territories: %d", n)
		}

		sum, err := f.s.ConfirmImport(ctx, tid, im.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		want := orgs.ImportSummary{OrgsCreated: 2, OrgsKnown: 1, PeopleCreated: 0, PeopleKnown: 1, SeatsCreated: 4, Skipped: 1, Published: true}
		if sum != want {
			t.Errorf("summary %+v, want %+v", sum, want)
		}
		loisirs, err := f.s.BySlug(ctx, tid, "comite-des-loisirs-de-manseau")
		if err != nil || !loisirs.Public || loisirs.Kind != orgs.CitizenCommittee {
			t.Fatalf("imported %+v %v", loisirs, err)
		}
		seats, _ := f.s.Seats(ctx, tid, loisirs.ID)
		if len(seats) != 2 || seats[0].HolderName != "Marie Côté" || seats[0].TermEnd.String() != "2026-05-01" || !seats[1].Vacant() || !seats[1].OpenToNewcomers {
			t.Errorf("seats %+v", seats)
		}
		// Marie: one person, three seats (her e-mail, then her name alone).
		people, n, _ := f.s.People(ctx, tid, orgs.PeopleFilter{})
		if n != 1 || people[0].Seats != 3 {
			t.Errorf("people %+v", people)
		}
		if _, err := f.s.ConfirmImport(ctx, tid, im.ID, true); !errs.Is(err, errs.Conflict) {
			t.Errorf("confirmed twice: %v", err)
		}
		im, _ = f.s.Import(ctx, tid, im.ID)
		if im.Status != orgs.ImportConfirmed || im.Summary != want || im.ConfirmedAt == nil {
			t.Errorf("after confirming %+v", im)
		}
		// What was written is no longer kept with the import; the rows to fix are.
		if kept, n, _ := f.s.ImportRows(ctx, tid, im.ID, false, 0, 0); n != 1 || kept[0].Line != 6 {
			t.Errorf("rows kept after confirming: %d", n)
		}

		// The same file again: nothing new, the seats found again.
		again, err := f.s.PreviewImport(ctx, tid, 0, "liste.csv", file)
		if err != nil {
			t.Fatal(err)
		}
		rows, _, _ = f.s.ImportRows(ctx, tid, again.ID, false, 0, 0)
		for _, r := range rows[:4] {
			if r.NewOrg || r.NewSeat || r.NewPerson {
				t.Errorf("line %d looks new the second time: %+v", r.Line, r)
			}
		}
		sum, err = f.s.ConfirmImport(ctx, tid, again.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if sum.OrgsCreated != 0 || sum.SeatsCreated != 0 || sum.PeopleCreated != 0 || sum.SeatsUpdated != 4 || sum.OrgsKnown != 3 {
			t.Errorf("second import %+v", sum)
		}
		if _, n, _ := f.s.List(ctx, tid, orgs.Filter{}); n != 3 {
			t.Errorf("%d organisations after importing twice", n)
		}
		r, _ := f.s.Radar(ctx, tid, orgs.RadarFilter{})
		if r.Total.Seats != 5 {
			t.Errorf("%d seats after importing twice", r.Total.Seats)
		}

		// What Implique knows is not overwritten, blanks are filled.
		if _, err := f.s.Update(ctx, tid, loisirs.ID, orgs.Input{Name: loisirs.Name, Kind: orgs.CitizenCommittee, Mission: "Notre mission, écrite ici.",
			PlaceSlugs: []string{"manseau"}, Public: true}); err != nil {
			t.Fatal(err)
		}
		third, err := f.s.PreviewImport(ctx, tid, 0, "mission.csv", []byte("Organisme;Mission;Site web\nComité des loisirs de Manseau;Autre mission;loisirs.exemple\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ConfirmImport(ctx, tid, third.ID, false); err != nil {
			t.Fatal(err)
		}
		got, _ := f.s.Get(ctx, tid, loisirs.ID)
		if got.Mission != "Notre mission, écrite ici." || got.Website != "https://loisirs.exemple" {
			t.Errorf("after a third import %+v", got)
		}
		if l, _, _ := f.s.List(ctx, tid, orgs.Filter{Query: "ecrite"}); len(l) != 1 {
			t.Error("search text lost")
		}

		// A preview left a week waits no more.
		late, err := f.s.PreviewImport(ctx, tid, 0, "liste.csv", file)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(today.Add(orgs.ImportTTL + time.Hour))
		if _, err := f.s.ConfirmImport(ctx, tid, late.ID, false); !errs.Is(err, errs.Conflict) {
			t.Errorf("an expired preview: %v", err)
		}
		if _, err := f.s.PreviewImport(ctx, tid, 0, "a.csv", []byte("Organisme\nX\n")); err != nil {
			t.Fatal(err)
		}
		// (SQLite may give the new import the old one's number.)
		if got, err := f.s.Import(ctx, tid, late.ID); err == nil && got.Filename == "liste.csv" {
			t.Errorf("an expired preview is kept: %+v", got)
		}
		// Imports a week old are dropped, confirmed or not (their rows to fix hold personal data).
		if list, _ := f.s.Imports(ctx, tid, 10); len(list) != 1 {
			t.Errorf("imports kept: %d", len(list))
		}
	})
}

// TestImportTenThousandRows: a malformed file of 10 000 rows is kept row by
// row on both engines, paged, and confirming writes only the good ones.
func TestImportTenThousandRows(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		var b strings.Builder
		b.WriteString("Organisme;Municipalité;Poste;Titulaire;Fin du mandat\n")
		for i := range 10000 {
			if i%2 == 0 {
				fmt.Fprintf(&b, "Organisme %d;Atlantide;Présidence;;2026-13-45\n", i%100)
			} else {
				fmt.Fprintf(&b, "Organisme %d;Manseau;Poste %d;Personne %d;2027-01-01\n", i%100, i, i)
			}
		}
		start := time.Now()
		im, err := f.s.PreviewImport(ctx, f.t.ID, 0, "gros.csv", []byte(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("preview of 10 000 rows: %v", time.Since(start))
		if im.Total != 10000 || im.Errors != 5000 {
			t.Fatalf("preview %+v", im)
		}
		page, n, err := f.s.ImportRows(ctx, f.t.ID, im.ID, true, 50, 4950)
		if err != nil || n != 5000 || len(page) != 50 || len(page[0].Problems) != 2 || page[49].Line != 10000 {
			t.Fatalf("last page %d of %d: %v", len(page), n, err)
		}
		start = time.Now()
		sum, err := f.s.ConfirmImport(ctx, f.t.ID, im.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("confirm of 5 000 rows: %v", time.Since(start))
		if sum.OrgsCreated != 50 || sum.SeatsCreated != 5000 || sum.PeopleCreated != 5000 || sum.Skipped != 5000 {
			t.Errorf("summary %+v", sum)
		}
	})
}
