package territory_test

import (
	"context"
	"io"
	"math"
	"strings"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/territory"
	"implique/internal/testkit"
)

// fullSettings fills every Settings field with a value that is already in
// normal form, so that what is read back must equal it exactly.
func fullSettings() territory.Settings {
	return territory.Settings{
		Name:                "MRC de Bécancour",
		OperatorName:        "Corporation de développement communautaire",
		ProgramName:         "Soupers de quartier « Implique »",
		ContactEmail:        "info@implique.example.org",
		ContactPhone:        "819 555-0142",
		MailingAddress:      "3689-1, boulevard Bécancour\nBécancour (Québec) G9H 3W7",
		PrivacyOfficerName:  "Hélène Côté",
		PrivacyOfficerEmail: "vie-privee@implique.example.org",
		PrivacyOfficerTitle: "Directrice générale",
		TimeZone:            "America/Montreal",
		BrandColor:          "#2a4d14",
		PublicFormsPerHour:  45,
		DinnerTarget:        12,
		SmallGroupMinimum:   7,
	}
}

func mustCreate(t *testing.T, s *territory.Store, slug string, set territory.Settings) territory.Territory {
	t.Helper()
	tr, err := s.Create(context.Background(), slug, set)
	if err != nil {
		t.Fatalf("Create(%q): %v", slug, err)
	}
	return tr
}

func mustImport(t *testing.T, s *territory.Store, territoryID int64, r io.Reader) int {
	t.Helper()
	n, err := s.ImportPlaces(context.Background(), territoryID, r)
	if err != nil {
		t.Fatalf("ImportPlaces: %v", err)
	}
	return n
}

func mustPlaces(t *testing.T, s *territory.Store, territoryID int64) []territory.Place {
	t.Helper()
	ps, err := s.Places(context.Background(), territoryID)
	if err != nil {
		t.Fatalf("Places: %v", err)
	}
	return ps
}

func becancourCSV(t *testing.T) string {
	t.Helper()
	b, err := io.ReadAll(territory.BecancourPlaces())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCreateRoundTrip(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := territory.NewStore(d)
		want := fullSettings()
		created := mustCreate(t, s, "becancour", want)
		if created.ID == 0 || created.Slug != "becancour" {
			t.Fatalf("Create returned id %d slug %q", created.ID, created.Slug)
		}
		if created.Settings != want {
			t.Errorf("Create returned settings\n%+v\nwant\n%+v", created.Settings, want)
		}
		if created.CreatedAt.IsZero() || created.UpdatedAt.IsZero() {
			t.Errorf("Create returned zero timestamps: %v %v", created.CreatedAt, created.UpdatedAt)
		}
		if created.Host != "" {
			t.Errorf("Host = %q, want empty for a new territory", created.Host)
		}

		byID, err := s.ByID(ctx, created.ID)
		if err != nil {
			t.Fatalf("ByID: %v", err)
		}
		bySlug, err := s.BySlug(ctx, "becancour")
		if err != nil {
			t.Fatalf("BySlug: %v", err)
		}
		for name, got := range map[string]territory.Territory{"ByID": byID, "BySlug": bySlug} {
			if got.ID != created.ID || got.Slug != "becancour" {
				t.Errorf("%s: id %d slug %q, want %d becancour", name, got.ID, got.Slug, created.ID)
			}
			if got.Settings != want {
				t.Errorf("%s: settings\n%+v\nwant\n%+v", name, got.Settings, want)
			}
			if !got.CreatedAt.Equal(created.CreatedAt) {
				t.Errorf("%s: CreatedAt %v, want %v", name, got.CreatedAt, created.CreatedAt)
			}
			if got.Location().String() != "America/Montreal" {
				t.Errorf("%s: Location %v, want America/Montreal", name, got.Location())
			}
		}
		if n, err := s.Count(ctx); err != nil || n != 1 {
			t.Errorf("Count = %d, %v; want 1", n, err)
		}
	})
}

func TestCreateNormalisesAndDefaults(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		s := territory.NewStore(d)
		got := mustCreate(t, s, "nicolet", territory.Settings{
			Name:         "  MRC de Nicolet-Yamaska ",
			ContactEmail: " Info@Example.ORG ",
			BrandColor:   "",
			TimeZone:     "",
		})
		if got.Name != "MRC de Nicolet-Yamaska" {
			t.Errorf("Name = %q, want it trimmed", got.Name)
		}
		if got.ContactEmail != "info@example.org" {
			t.Errorf("ContactEmail = %q, want info@example.org", got.ContactEmail)
		}
		if got.TimeZone != "America/Toronto" {
			t.Errorf("TimeZone = %q, want the America/Toronto default", got.TimeZone)
		}
		if got.BrandColor != territory.DefaultBrandColor {
			t.Errorf("BrandColor = %q, want the default %q", got.BrandColor, territory.DefaultBrandColor)
		}
		if got.PublicFormsPerHour != 30 {
			t.Errorf("PublicFormsPerHour = %d, want the default 30", got.PublicFormsPerHour)
		}
		if got.SmallGroupMinimum != 5 {
			t.Errorf("SmallGroupMinimum = %d, want the default 5", got.SmallGroupMinimum)
		}
	})
}

func TestCreateErrors(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := territory.NewStore(d)
		mustCreate(t, s, "becancour", fullSettings())

		t.Run("duplicate slug", func(t *testing.T) {
			other := fullSettings()
			other.Name = "Autre territoire"
			_, err := s.Create(ctx, "becancour", other)
			e := testkit.WantCode(t, err, errs.Conflict)
			if e.Key != "errors.territory_exists" {
				t.Errorf("Key = %q, want errors.territory_exists", e.Key)
			}
			if n, _ := s.Count(ctx); n != 1 {
				t.Errorf("Count = %d after a conflict, want 1", n)
			}
		})
		for _, slug := range []string{"", "Bécancour", "has space", "-lead", "trail-", "a--b", strings.Repeat("a", 61)} {
			t.Run("bad slug "+slug, func(t *testing.T) {
				_, err := s.Create(ctx, slug, fullSettings())
				e := testkit.WantCode(t, err, errs.Invalid)
				if e.Fields["slug"] != "errors.slug" {
					t.Errorf("Fields = %v, want slug=errors.slug", e.Fields)
				}
			})
		}
		t.Run("unknown id and slug", func(t *testing.T) {
			_, err := s.ByID(ctx, 987654)
			testkit.WantCode(t, err, errs.NotFound)
			_, err = s.BySlug(ctx, "nowhere")
			testkit.WantCode(t, err, errs.NotFound)
		})
	})
}

func TestImportBecancourPlaces(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := territory.NewStore(d)
		tr := mustCreate(t, s, "becancour", fullSettings())
		if n := mustImport(t, s, tr.ID, territory.BecancourPlaces()); n != 19 {
			t.Errorf("ImportPlaces returned %d, want 19", n)
		}
		ps := mustPlaces(t, s, tr.ID)
		if len(ps) != 19 {
			t.Fatalf("Places returned %d places, want 19", len(ps))
		}
		for _, p := range ps {
			if p.TerritoryID != tr.ID {
				t.Errorf("%s: TerritoryID %d, want %d", p.Slug, p.TerritoryID, tr.ID)
			}
		}

		t.Run("unknown facts stay unknown", func(t *testing.T) {
			p, err := s.Place(ctx, tr.ID, "saint-sylvere")
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != "Saint-Sylvère" {
				t.Errorf("Name = %q, want Saint-Sylvère", p.Name)
			}
			if p.Population != nil || p.PopulationYear != nil || p.Lat != nil || p.Lon != nil {
				t.Errorf("Population %v, year %v, lat %v, lon %v: want all nil", p.Population, p.PopulationYear, p.Lat, p.Lon)
			}
			if p.HasPosition() {
				t.Error("HasPosition() = true for a place with no position")
			}
			if p.Kind != territory.KindMunicipality {
				t.Errorf("Kind = %q, want %q", p.Kind, territory.KindMunicipality)
			}
			if p.ParentID != nil || p.ParentSlug != "" {
				t.Errorf("parent %v %q, want none", p.ParentID, p.ParentSlug)
			}
		})
		t.Run("sector with parent and population", func(t *testing.T) {
			p, err := s.Place(ctx, tr.ID, "becancour-gentilly")
			if err != nil {
				t.Fatal(err)
			}
			city, err := s.Place(ctx, tr.ID, "becancour")
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != "Gentilly" || p.Kind != territory.KindSector {
				t.Errorf("Name %q kind %q, want Gentilly sector", p.Name, p.Kind)
			}
			if p.ParentSlug != "becancour" || p.ParentName != "Bécancour" {
				t.Errorf("parent %q %q, want becancour Bécancour", p.ParentSlug, p.ParentName)
			}
			if p.ParentID == nil || *p.ParentID != city.ID {
				t.Errorf("ParentID %v, want %d", p.ParentID, city.ID)
			}
			if p.Population == nil || *p.Population != 1673 {
				t.Errorf("Population %v, want 1673", p.Population)
			}
			if p.PopulationYear == nil || *p.PopulationYear != 2016 {
				t.Errorf("PopulationYear %v, want 2016", p.PopulationYear)
			}
			if !p.HasPosition() || math.Abs(*p.Lat-46.4) > 1e-9 || math.Abs(*p.Lon+72.27444) > 1e-9 {
				t.Errorf("position %v %v, want 46.4 -72.27444", p.Lat, p.Lon)
			}
			if !strings.Contains(p.Source, "Gentilly") {
				t.Errorf("Source %q, want the source of the figure", p.Source)
			}
			if city.Kind != territory.KindCity {
				t.Errorf("becancour kind %q, want %q", city.Kind, territory.KindCity)
			}
		})
		t.Run("kinds", func(t *testing.T) {
			for slug, kind := range map[string]string{
				"wolinak":                   territory.KindIndigenousCommunity,
				"parisville":                territory.KindParishMunicipality,
				"fortierville":              territory.KindMunicipality,
				"becancour":                 territory.KindCity,
				"becancour-sainte-gertrude": territory.KindSector,
			} {
				p, err := s.Place(ctx, tr.ID, slug)
				if err != nil {
					t.Fatalf("%s: %v", slug, err)
				}
				if p.Kind != kind {
					t.Errorf("%s: kind %q, want %q", slug, p.Kind, kind)
				}
			}
			p, _ := s.Place(ctx, tr.ID, "wolinak")
			if p.Name != "Wôlinak" {
				t.Errorf("wolinak name %q, want Wôlinak", p.Name)
			}
		})
	})
}

func TestImportTwiceUpdates(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := territory.NewStore(d)
		tr := mustCreate(t, s, "becancour", fullSettings())
		mustImport(t, s, tr.ID, territory.BecancourPlaces())
		before, err := s.Place(ctx, tr.ID, "becancour-gentilly")
		if err != nil {
			t.Fatal(err)
		}

		t.Run("same file", func(t *testing.T) {
			if n := mustImport(t, s, tr.ID, territory.BecancourPlaces()); n != 19 {
				t.Errorf("second import returned %d, want 19", n)
			}
			if ps := mustPlaces(t, s, tr.ID); len(ps) != 19 {
				t.Errorf("%d places after importing twice, want 19", len(ps))
			}
		})
		t.Run("changed name and population", func(t *testing.T) {
			changed := strings.Replace(becancourCSV(t),
				"becancour-gentilly,Gentilly,secteur,becancour,1673,2016,",
				"becancour-gentilly,Gentilly (secteur),secteur,becancour,1700,2021,", 1)
			if changed == becancourCSV(t) {
				t.Fatal("test setup: the Gentilly row was not found in places.csv")
			}
			mustImport(t, s, tr.ID, strings.NewReader(changed))
			if ps := mustPlaces(t, s, tr.ID); len(ps) != 19 {
				t.Errorf("%d places after re-import, want 19", len(ps))
			}
			p, err := s.Place(ctx, tr.ID, "becancour-gentilly")
			if err != nil {
				t.Fatal(err)
			}
			if p.ID != before.ID {
				t.Errorf("id changed from %d to %d: the place was replaced, not updated", before.ID, p.ID)
			}
			if p.Name != "Gentilly (secteur)" {
				t.Errorf("Name = %q, want the new name", p.Name)
			}
			if p.Population == nil || *p.Population != 1700 || p.PopulationYear == nil || *p.PopulationYear != 2021 {
				t.Errorf("population %v (%v), want 1700 (2021)", p.Population, p.PopulationYear)
			}
			if p.ParentSlug != "becancour" {
				t.Errorf("ParentSlug = %q, want becancour", p.ParentSlug)
			}
		})
	})
}

func TestImportRejectsBadFile(t *testing.T) {
	const header = "slug,name,kind,parent,population,population_year,lat,lon,source\n"
	const good = "ville-a,Ville A,ville,,100,2021,46.1,-72.1,test\n" +
		"secteur-a,Secteur A,secteur,ville-a,,,,,test\n"
	cases := []struct {
		name     string
		csv      string
		wantLine string // a part of the error message
	}{
		{"unknown kind", header + good + "x,X,hameau,,,,,,\n", "line 4"},
		{"non-numeric population", header + good + "x,X,municipalité,,mille,,,,\n", "line 4"},
		{"negative population", header + good + "x,X,municipalité,,-5,,,,\n", "line 4"},
		{"non-numeric year", header + good + "x,X,municipalité,,5,deux-mille,,,\n", "line 4"},
		{"latitude 200", header + good + "x,X,municipalité,,,,200,-72,\n", "line 4"},
		{"longitude -181", header + good + "x,X,municipalité,,,,46,-181,\n", "line 4"},
		{"unknown parent", header + good + "x,X,secteur,nowhere,,,,,\n", "line 4"},
		{"unknown parent first", header + "x,X,secteur,nowhere,,,,,\n" + good, "line 2"},
		{"duplicate slug", header + good + "ville-a,Ville A bis,ville,,,,,,\n", "line 4"},
		{"empty name", header + good + "x,,municipalité,,,,,,\n", "line 4"},
		{"bad slug", header + good + "Mauvais Slug,X,municipalité,,,,,,\n", "line 4"},
		{"missing name column", "slug,kind\nville-a,ville\n", `"name"`},
		{"year 99999", header + good + "x,X,municipalité,,5,99999,,,\n", "line 4"},
		{"year 1850", header + good + "x,X,municipalité,,5,1850,,,\n", "line 4"},
		{"escape in a name", header + good + "x,X\x1b[31m,municipalité,,,,,,\n", "line 4"},
		{"Latin-1 name with an escape", header + good + "x,B\xe9cancour\x1b,municipalité,,,,,,\n", "line 4"},
		{"NUL in the file", header + good + "x,X\x00,municipalité,,,,,,\n", "line 1"},
	}
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := territory.NewStore(d)
		tr := mustCreate(t, s, "test", fullSettings())
		// Places already there, one of which every bad file would rename.
		mustImport(t, s, tr.ID, strings.NewReader(header+"ville-a,Nom d'origine,ville,,,,,,\nautre,Autre,municipalité,,,,,,\n"))
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := mustPlaces(t, s, tr.ID)
				n, err := s.ImportPlaces(ctx, tr.ID, strings.NewReader(c.csv))
				if err == nil {
					t.Fatalf("ImportPlaces accepted a bad file (returned %d)", n)
				}
				if !strings.Contains(err.Error(), c.wantLine) {
					t.Errorf("error %q does not name %s", err, c.wantLine)
				}
				after := mustPlaces(t, s, tr.ID)
				if len(after) != len(before) {
					t.Errorf("%d places before, %d after a rejected file", len(before), len(after))
				}
				p, err := s.Place(ctx, tr.ID, "ville-a")
				if err != nil {
					t.Fatal(err)
				}
				if p.Name != "Nom d'origine" || p.Population != nil {
					t.Errorf("ville-a is now %q (population %v): a rejected file wrote to it", p.Name, p.Population)
				}
				if _, err := s.Place(ctx, tr.ID, "secteur-a"); !errs.Is(err, errs.NotFound) {
					t.Errorf("secteur-a from a rejected file: err %v, want NotFound", err)
				}
			})
		}
		t.Run("sanity: the good rows alone import", func(t *testing.T) {
			if n := mustImport(t, s, tr.ID, strings.NewReader(header+good)); n != 2 {
				t.Errorf("imported %d, want 2", n)
			}
			if ps := mustPlaces(t, s, tr.ID); len(ps) != 3 {
				t.Errorf("%d places, want 3", len(ps))
			}
		})
	})
}

func names(ps []territory.Place) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// A file of places as Excel in French saves it: Windows-1252, « ; »
// between the columns, decimal points in the coordinates.
func TestImportPlacesFromFrenchExcel(t *testing.T) {
	file := "slug;name;kind;parent;population;population_year;lat;lon;source\r\n" +
		"becancour;B\xe9cancour;ville;;13561;2021;46.33;-72.43;fr.wikipedia\r\n" +
		"becancour-gentilly;Gentilly;secteur;becancour;1673;2016;;;\r\n"
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		s := territory.NewStore(d)
		tr := mustCreate(t, s, "test", fullSettings())
		if n := mustImport(t, s, tr.ID, strings.NewReader(file)); n != 2 {
			t.Fatalf("imported %d places, want 2", n)
		}
		p, err := s.Place(context.Background(), tr.ID, "becancour")
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "Bécancour" || p.PopulationYear == nil || *p.PopulationYear != 2021 {
			t.Errorf("place %q (year %v), want Bécancour (2021)", p.Name, p.PopulationYear)
		}
		g, err := s.Place(context.Background(), tr.ID, "becancour-gentilly")
		if err != nil || g.ParentSlug != "becancour" {
			t.Errorf("Gentilly: %v, parent %q", err, g.ParentSlug)
		}
	})
}

func TestPlacesFrenchOrder(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		s := territory.NewStore(d)

		t.Run("becancour", func(t *testing.T) {
			tr := mustCreate(t, s, "becancour", fullSettings())
			mustImport(t, s, tr.ID, territory.BecancourPlaces())
			got := names(mustPlaces(t, s, tr.ID))
			pos := func(name string) int {
				t.Helper()
				i := indexOf(got, name)
				if i < 0 {
					t.Fatalf("%q missing from %q", name, got)
				}
				return i
			}
			before := func(a, b string) {
				t.Helper()
				if pos(a) >= pos(b) {
					t.Errorf("%q should come before %q in %q", a, b, got)
				}
			}
			if got[0] != "Bécancour" {
				t.Errorf("first place %q, want Bécancour: %q", got[0], got)
			}
			before("Bécancour", "Deschaillons-sur-Saint-Laurent")
			before("Deschaillons-sur-Saint-Laurent", "Fortierville")
			before("Fortierville", "Gentilly")
			before("Gentilly", "Lemieux")
			before("Parisville", "Précieux-Sang")
			before("Précieux-Sang", "Saint-Grégoire")
			before("Sainte-Angèle-de-Laval", "Sainte-Cécile-de-Lévrard")
			before("Sainte-Cécile-de-Lévrard", "Sainte-Françoise")
			before("Sainte-Marie-de-Blandford", "Sainte-Sophie-de-Lévrard")
			before("Saint-Pierre-les-Becquets", "Saint-Sylvère")
			// Sainte-Angèle-de-Laval is a sector of Bécancour, listed at the
			// end of the file: sorted, it opens the « Sainte- » names.
			before("Précieux-Sang", "Sainte-Angèle-de-Laval")
			if i := pos("Sainte-Angèle-de-Laval"); i+1 >= len(got) || got[i+1] != "Sainte-Cécile-de-Lévrard" {
				t.Errorf("Sainte-Angèle-de-Laval should come right before Sainte-Cécile-de-Lévrard: %q", got)
			}
			if got[len(got)-1] != "Wôlinak" {
				t.Errorf("last place %q, want Wôlinak (the only W): %q", got[len(got)-1], got)
			}
			// Not the order of the file: the sectors are at its end.
			if pos("Gentilly") > pos("Manseau") {
				t.Errorf("Gentilly after Manseau: places are not sorted by name: %q", got)
			}
		})
		t.Run("accents and case do not sort last", func(t *testing.T) {
			tr := mustCreate(t, s, "accents", fullSettings())
			mustImport(t, s, tr.ID, strings.NewReader("slug,name,kind\n"+
				"zenon,Zénon,municipalité\n"+
				"ile-verte,Île-Verte,municipalité\n"+
				"ecuelle,Écuelle,municipalité\n"+
				"ivry,Ivry,municipalité\n"+
				"eastman,Eastman,municipalité\n"+
				"ham-nord,ham-Nord,municipalité\n"+
				"fatima,Fatima,municipalité\n"))
			got := names(mustPlaces(t, s, tr.ID))
			want := []string{"Eastman", "Écuelle", "Fatima", "ham-Nord", "Île-Verte", "Ivry", "Zénon"}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("order %q, want %q", got, want)
			}
		})
	})
}

func TestSortByName(t *testing.T) {
	ps := []territory.Place{{Name: "Wôlinak"}, {Name: "Érable"}, {Name: "Bz"}, {Name: "Bécancour"}, {Name: "Eastman"}}
	territory.SortByName(ps)
	want := []string{"Bécancour", "Bz", "Eastman", "Érable", "Wôlinak"}
	if got := names(ps); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("SortByName gave %q, want %q", got, want)
	}
}

func TestPlaceNotFound(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := territory.NewStore(d)
		a := mustCreate(t, s, "becancour", fullSettings())
		b := mustCreate(t, s, "nicolet-yamaska", fullSettings())
		mustImport(t, s, a.ID, territory.BecancourPlaces())
		mustImport(t, s, b.ID, strings.NewReader("slug,name,kind\nnicolet,Nicolet,ville\n"))

		t.Run("unknown slug", func(t *testing.T) {
			_, err := s.Place(ctx, a.ID, "nowhere")
			e := testkit.WantCode(t, err, errs.NotFound)
			if e.Key != "errors.place_not_found" {
				t.Errorf("Key %q, want errors.place_not_found", e.Key)
			}
		})
		t.Run("slug of another territory", func(t *testing.T) {
			if _, err := s.Place(ctx, a.ID, "becancour-gentilly"); err != nil {
				t.Fatalf("own place: %v", err)
			}
			_, err := s.Place(ctx, b.ID, "becancour-gentilly")
			testkit.WantCode(t, err, errs.NotFound)
			_, err = s.Place(ctx, a.ID, "nicolet")
			testkit.WantCode(t, err, errs.NotFound)
		})
		t.Run("places are per territory", func(t *testing.T) {
			if ps := mustPlaces(t, s, b.ID); len(ps) != 1 || ps[0].Slug != "nicolet" {
				t.Errorf("territory b places %q, want only Nicolet", names(ps))
			}
			if ps := mustPlaces(t, s, a.ID); len(ps) != 19 {
				t.Errorf("territory a has %d places, want 19", len(ps))
			}
		})
		t.Run("same slug in two territories", func(t *testing.T) {
			mustImport(t, s, b.ID, strings.NewReader("slug,name,kind\nbecancour,Bécancour ailleurs,ville\n"))
			pa, err := s.Place(ctx, a.ID, "becancour")
			if err != nil {
				t.Fatal(err)
			}
			pb, err := s.Place(ctx, b.ID, "becancour")
			if err != nil {
				t.Fatal(err)
			}
			if pa.ID == pb.ID || pa.Name != "Bécancour" || pb.Name != "Bécancour ailleurs" {
				t.Errorf("a: %d %q, b: %d %q: want two distinct places", pa.ID, pa.Name, pb.ID, pb.Name)
			}
		})
	})
}

func TestUpdateSettings(t *testing.T) {
	cases := []struct {
		name   string
		change func(*territory.Settings)
		field  string
		key    string
	}{
		{"empty name", func(s *territory.Settings) { s.Name = "  " }, "name", "errors.required"},
		{"name too long", func(s *territory.Settings) { s.Name = strings.Repeat("é", 121) }, "name", "errors.too_long"},
		{"bad contact e-mail", func(s *territory.Settings) { s.ContactEmail = "pas-une-adresse" }, "contact_email", "errors.email"},
		{"display-name e-mail", func(s *territory.Settings) { s.ContactEmail = "Info <info@example.org>" }, "contact_email", "errors.email"},
		{"e-mail without domain dot", func(s *territory.Settings) { s.ContactEmail = "info@localhost" }, "contact_email", "errors.email"},
		{"bad privacy e-mail", func(s *territory.Settings) { s.PrivacyOfficerEmail = "a@@b.org" }, "privacy_officer_email", "errors.email"},
		{"privacy officer's title too long", func(s *territory.Settings) { s.PrivacyOfficerTitle = strings.Repeat("é", 121) }, "privacy_officer_title", "errors.too_long"},
		{"unknown time zone", func(s *territory.Settings) { s.TimeZone = "Mars/Olympus" }, "time_zone", "errors.time_zone"},
		{"time zone without region", func(s *territory.Settings) { s.TimeZone = "UTC" }, "time_zone", "errors.time_zone"},
		{"three-digit colour", func(s *territory.Settings) { s.BrandColor = "#fff" }, "brand_color", "errors.color"},
		{"colour name", func(s *territory.Settings) { s.BrandColor = "blue" }, "brand_color", "errors.color"},
		{"colour without #", func(s *territory.Settings) { s.BrandColor = "1b5e7a" }, "brand_color", "errors.color"},
		{"light colour", func(s *territory.Settings) { s.BrandColor = "#ffff00" }, "brand_color", "errors.color_contrast"},
		{"just too light", func(s *territory.Settings) { s.BrandColor = "#777777" }, "brand_color", "errors.color_contrast"},
		{"no public form at all", func(s *territory.Settings) { s.PublicFormsPerHour = -1 }, "public_forms_per_hour", "errors.public_forms_per_hour"},
		{"too many public forms", func(s *territory.Settings) { s.PublicFormsPerHour = 1001 }, "public_forms_per_hour", "errors.public_forms_per_hour"},
		{"small group of one", func(s *territory.Settings) { s.SmallGroupMinimum = 1 }, "small_group_minimum", "errors.small_group_minimum"},
		{"small group of 51", func(s *territory.Settings) { s.SmallGroupMinimum = 51 }, "small_group_minimum", "errors.small_group_minimum"},
		{"negative small group", func(s *territory.Settings) { s.SmallGroupMinimum = -1 }, "small_group_minimum", "errors.small_group_minimum"},
	}
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := territory.NewStore(d)
		tr := mustCreate(t, s, "becancour", fullSettings())
		old := tr.Settings

		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				set := fullSettings()
				set.OperatorName = "Ne doit pas être enregistré"
				c.change(&set)
				err := s.UpdateSettings(ctx, tr.ID, set)
				e := testkit.WantCode(t, err, errs.Invalid)
				if got := e.Fields[c.field]; got != c.key {
					t.Errorf("Fields[%q] = %q, want %q (all: %v)", c.field, got, c.key, e.Fields)
				}
				if len(e.Fields) != 1 {
					t.Errorf("Fields = %v, want only %s", e.Fields, c.field)
				}
				now, err := s.ByID(ctx, tr.ID)
				if err != nil {
					t.Fatal(err)
				}
				if now.Settings != old {
					t.Errorf("a rejected update changed the settings to %+v", now.Settings)
				}
			})
		}
		t.Run("valid dark colour accepted", func(t *testing.T) {
			set := fullSettings()
			set.Name = "MRC de Bécancour (nouveau nom)"
			set.BrandColor = " #003366 "
			set.TimeZone = "America/Toronto"
			set.ContactEmail = "Contact@Example.ORG"
			if err := s.UpdateSettings(ctx, tr.ID, set); err != nil {
				t.Fatalf("UpdateSettings: %v", err)
			}
			got, err := s.ByID(ctx, tr.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := set
			want.BrandColor = "#003366"
			want.ContactEmail = "contact@example.org"
			if got.Settings != want {
				t.Errorf("settings\n%+v\nwant\n%+v", got.Settings, want)
			}
		})
		t.Run("upper-case colour accepted", func(t *testing.T) {
			set := fullSettings()
			set.BrandColor = "#1B5E7A"
			if err := s.UpdateSettings(ctx, tr.ID, set); err != nil {
				t.Fatalf("UpdateSettings: %v", err)
			}
			got, _ := s.ByID(ctx, tr.ID)
			if got.BrandColor != "#1b5e7a" {
				t.Errorf("BrandColor = %q, want #1b5e7a", got.BrandColor)
			}
		})
		t.Run("small-group minimum saved and read", func(t *testing.T) {
			for _, c := range []struct{ set, want int }{{2, 2}, {50, 50}, {12, 12}, {0, territory.DefaultSmallGroupMinimum}} {
				set := fullSettings()
				set.SmallGroupMinimum = c.set
				if err := s.UpdateSettings(ctx, tr.ID, set); err != nil {
					t.Fatalf("UpdateSettings(%d): %v", c.set, err)
				}
				got, err := s.ByID(ctx, tr.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.SmallGroupMinimum != c.want {
					t.Errorf("saved %d, read %d, want %d", c.set, got.SmallGroupMinimum, c.want)
				}
			}
		})
		t.Run("unknown territory", func(t *testing.T) {
			err := s.UpdateSettings(ctx, tr.ID+1000, fullSettings())
			testkit.WantCode(t, err, errs.NotFound)
		})
	})
}

func TestForHost(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := territory.NewStore(d)

		t.Run("no territory", func(t *testing.T) {
			_, err := s.ForHost(ctx, "implique.example.org")
			testkit.WantCode(t, err, errs.NotFound)
		})
		first := mustCreate(t, s, "becancour", fullSettings())
		mustCreate(t, s, "nicolet-yamaska", fullSettings())

		for _, host := range []string{"implique.example.org", "implique.example.org:8443", "localhost:8080", "AUTRE.example.ORG", ""} {
			t.Run("fallback "+host, func(t *testing.T) {
				got, err := s.ForHost(ctx, host)
				if err != nil {
					t.Fatal(err)
				}
				if got.ID != first.ID {
					t.Errorf("ForHost(%q) = %s, want the first territory %s", host, got.Slug, first.Slug)
				}
			})
		}
		t.Run("claimed host", func(t *testing.T) {
			second, err := s.BySlug(ctx, "nicolet-yamaska")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetHost(ctx, second.ID, "Nicolet.Example.org"); err != nil {
				t.Fatal(err)
			}
			for _, host := range []string{"nicolet.example.org", "nicolet.example.org:8443", "NICOLET.example.org"} {
				got, err := s.ForHost(ctx, host)
				if err != nil || got.ID != second.ID {
					t.Errorf("ForHost(%q) = %s, %v; want nicolet-yamaska", host, got.Slug, err)
				}
			}
			got, err := s.ForHost(ctx, "[::1]:8080")
			if err != nil || got.ID != first.ID {
				t.Errorf("ForHost([::1]:8080) = %s, %v; want the first territory", got.Slug, err)
			}
			for _, bad := range []string{"a:b", "exemple", "http://x.org"} {
				testkit.WantCode(t, s.SetHost(ctx, second.ID, bad), errs.Invalid)
			}
			testkit.WantCode(t, s.SetHost(ctx, second.ID+1000, "x.example.org"), errs.NotFound)
			if err := s.SetHost(ctx, second.ID, ""); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.ForHost(ctx, "nicolet.example.org"); got.ID != first.ID {
				t.Errorf("cleared host still claimed by %s", got.Slug)
			}
		})
	})
}

func TestContrastWithWhite(t *testing.T) {
	cases := []struct {
		color string
		want  float64
		tol   float64
	}{
		{"#000000", 21, 0.01},
		{"#ffffff", 1, 0.01},
		{"#FFFFFF", 1, 0.01},
		{"#767676", 4.54, 0.01}, // the lightest grey that passes AA
		{"#777777", 4.48, 0.01},
		{"#1b5e7a", 7.3, 0.3},
		{"#fff", 0, 0},
		{"blue", 0, 0},
		{"#gggggg", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.color, func(t *testing.T) {
			if got := territory.ContrastWithWhite(c.color); math.Abs(got-c.want) > c.tol {
				t.Errorf("ContrastWithWhite(%q) = %.3f, want %.2f ± %.2f", c.color, got, c.want, c.tol)
			}
		})
	}
	t.Run("default colour passes AA", func(t *testing.T) {
		if got := territory.ContrastWithWhite(territory.DefaultBrandColor); got < 4.5 {
			t.Errorf("DefaultBrandColor contrast %.2f < 4.5", got)
		}
	})
}

func TestLocationFallback(t *testing.T) {
	tr := territory.Territory{Settings: territory.Settings{TimeZone: "Mars/Olympus"}}
	if got := tr.Location().String(); got != "America/Toronto" {
		t.Errorf("Location() = %s, want America/Toronto", got)
	}
}

func TestBumpPagesVersion(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := territory.NewStore(d)
		first, err := s.Create(ctx, "becancour", fullSettings())
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.Create(ctx, "nicolet-yamaska", fullSettings())
		if err != nil {
			t.Fatal(err)
		}
		if first.PagesVersion != 0 {
			t.Fatalf("a new territory's pages version is %d", first.PagesVersion)
		}
		for range 2 {
			if err := s.BumpPagesVersion(ctx, first.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Read with the territory itself, by every way of reading it.
		got, err := s.ForHost(ctx, "")
		if err != nil || got.ID != first.ID || got.PagesVersion != 2 {
			t.Errorf("ForHost: %s version %d, %v; want %s version 2", got.Slug, got.PagesVersion, err, first.Slug)
		}
		if got, _ := s.ByID(ctx, first.ID); got.PagesVersion != 2 {
			t.Errorf("ByID: version %d", got.PagesVersion)
		}
		if got, _ := s.BySlug(ctx, second.Slug); got.PagesVersion != 0 {
			t.Errorf("another territory's version moved: %d", got.PagesVersion)
		}
	})
}
