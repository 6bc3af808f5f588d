// Package orgstest makes synthetic organisations for tests and benchmarks:
// a spreadsheet of many organisations, seats and people, imported through
// the organisations store as staff would.
package orgstest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"implique/internal/orgs"
)

// Size says how much to make.
type Size struct {
	Orgs, Seats, People int
}

// Territory is the size of the benchmark: a province-wide network's
// largest territory.
var Territory = Size{Orgs: 2000, Seats: 15000, People: 12000}

// places are the MRC de Bécancour's, as a spreadsheet would name them.
var places = []string{"Bécancour", "Gentilly", "Saint-Grégoire", "Précieux-Sang", "Sainte-Angèle-de-Laval", "Sainte-Gertrude",
	"Deschaillons-sur-Saint-Laurent", "Fortierville", "Lemieux", "Manseau", "Parisville", "Sainte-Cécile-de-Lévrard",
	"Sainte-Françoise", "Sainte-Marie-de-Blandford", "Sainte-Sophie-de-Lévrard", "Saint-Pierre-les-Becquets", "Saint-Sylvère", "Wôlinak"}

var titles = []string{"Présidence", "Vice-présidence", "Trésorerie", "Secrétariat", "Administration", "Conseiller", "Coordination", "Membre"}

// CSV is a volunteer centre's list of n.Seats seats (one row each) in
// n.Orgs organisations, held by n.People people (a tenth of the seats
// vacant; some people on several seats), with terms ending from a year ago
// to four years from today. It is the same for the same size.
func CSV(n Size, today time.Time) []byte {
	r := rand.New(rand.NewPCG(7, 11))
	var b bytes.Buffer
	b.WriteString("Organisme;Type;Municipalité;Poste;Titulaire;Courriel du titulaire;En poste depuis;Début du mandat;Fin du mandat;Ouvert à la relève;Relève identifiée\n")
	kinds := []string{"OBNL", "Comité citoyen", "Conseil municipal", "Comité municipal", "École", "Entreprise", "Organisme public"}
	day := func(days int) string { return today.AddDate(0, 0, days).Format("2006-01-02") }
	person := 0
	for i := range n.Seats {
		org := i % n.Orgs
		seat := i / n.Orgs
		fmt.Fprintf(&b, "Organisme synthétique %d;%s;%s;%s %d;", org, kinds[org%len(kinds)], places[org%len(places)], titles[seat%len(titles)], seat)
		if r.IntN(10) == 0 {
			b.WriteString(";;;;;oui;\n")
			continue
		}
		// Most seats go to a new person until there are n.People of them;
		// the rest to people who already hold one (« plusieurs chapeaux »).
		p := person
		if person < n.People && (n.Seats-i > n.People-person || r.IntN(4) > 0) {
			person++
		} else {
			p = r.IntN(max(person, 1))
		}
		since := -r.IntN(15 * 365)
		end := r.IntN(5*365) - 365
		successor := "non"
		if r.IntN(5) == 0 {
			successor = "oui"
		}
		fmt.Fprintf(&b, "Personne %d;personne%d@exemple.org;%s;%s;%s;non;%s\n", p, p, day(since), day(min(since+r.IntN(400), end-1)), day(end), successor)
	}
	return b.Bytes()
}

// Seed imports CSV(n) into a territory through the store.
func Seed(tb testing.TB, s *orgs.Store, territoryID int64, n Size) {
	tb.Helper()
	ctx := context.Background()
	im, err := s.PreviewImport(ctx, territoryID, 0, "synthetique.csv", CSV(n, time.Now()))
	if err != nil {
		tb.Fatal(err)
	}
	if im.Errors > 0 {
		rows, _, _ := s.ImportRows(ctx, territoryID, im.ID, true, 3, 0)
		tb.Fatalf("%d synthetic rows with problems: %+v", im.Errors, rows)
	}
	if _, err := s.ConfirmImport(ctx, territoryID, im.ID, true); err != nil {
		tb.Fatal(err)
	}
}
