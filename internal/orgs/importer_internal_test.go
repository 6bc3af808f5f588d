package orgs

import (
	"fmt"
	"strings"
	"testing"
)

// The rules of one imported row, without a database: each case is a row
// under the same headers, with the problems it gives and what it reads.
func TestCheckRow(t *testing.T) {
	header := []string{"Organisme", "Type", "Lieux", "Courriel", "Site web", "Poste", "Titulaire", "Courriel du titulaire", "Fin du mandat", "Relève"}
	field := make([]string, len(header))
	for i, h := range header {
		field[i] = ImportField(h)
	}
	ix := placeIndex{Key("Manseau"): "manseau"}
	for _, c := range []struct {
		name     string
		row      []string
		problems string
		read     string // the organisation and the seat read
	}{
		{"an organisation alone", []string{"FADOQ", "OBNL", "Manseau", "", "fadoq.ca"}, "",
			"FADOQ nonprofit [manseau] https://fadoq.ca no seat"},
		{"no name", []string{"", "", "Manseau"}, "Organisme:errors.org_import_name:", "  [manseau]  no seat"},
		{"a club is a non-profit", []string{"FADOQ", "Club"}, "", "FADOQ nonprofit []  no seat"},
		{"unknown kind and place", []string{"FADOQ", "Fanfare", "Paris"}, "Type:errors.org_import_kind:Fanfare Lieux:errors.org_import_place:Paris",
			"FADOQ  []  no seat"},
		{"bad address and website", []string{"FADOQ", "", "", "fadoq", "pas un site"},
			"Courriel:errors.org_import_email:fadoq Site web:errors.org_import_website:pas un site", "FADOQ  [] https://pas un site no seat"},
		{"a seat", []string{"FADOQ", "", "", "", "", "Présidence", "Marie Côté", "marie@exemple.org", "2026-05-31", "oui"}, "",
			"FADOQ  []  seat Présidence/president Marie Côté marie@exemple.org …2026-05-31 open true"},
		{"a seat without a title", []string{"FADOQ", "", "", "", "", "", "Marie Côté"}, "Poste:errors.org_import_seat:",
			"FADOQ  []  seat /other Marie Côté  … open <nil>"},
		{"an address without a name", []string{"FADOQ", "", "", "", "", "Trésorerie", "", "marie@exemple.org"},
			"Titulaire:errors.org_import_holder:", "FADOQ  []  seat Trésorerie/treasurer  marie@exemple.org … open <nil>"},
		{"a bad day and yes-no", []string{"FADOQ", "", "", "", "", "Trésorerie", "", "", "bientôt", "peut-être"},
			"Fin du mandat:errors.org_import_date:bientôt Relève:errors.org_import_yes_no:peut-être",
			"FADOQ  []  seat Trésorerie/treasurer   … open <nil>"},
	} {
		r := checkRow(2, header, field, c.row, ix)
		var problems []string
		for _, p := range r.Problems {
			problems = append(problems, p.Column+":"+p.Key+":"+p.Value)
		}
		o := r.Org
		read := fmt.Sprintf("%s %s %v %s", o.Name, o.Kind, o.Places, o.Website)
		if st := r.Seat; st == nil {
			read += " no seat"
		} else {
			open := "<nil>"
			if st.Open != nil {
				open = fmt.Sprint(*st.Open)
			}
			read += fmt.Sprintf(" seat %s/%s %s %s …%s open %s", st.Title, st.Role, st.HolderName, st.HolderEmail, st.TermEnd, open)
		}
		if got := strings.Join(problems, " "); got != c.problems || read != c.read {
			t.Errorf("%s:\n got %q %q\nwant %q %q", c.name, got, read, c.problems, c.read)
		}
	}
}
