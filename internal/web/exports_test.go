package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/volunteering"
)

// eventAt creates and publishes an event at a place, in a week.
func (e *env) eventAt(t *testing.T, place, venue, address string) events.Event {
	t.Helper()
	ctx := context.Background()
	start := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	ev, err := e.events.Create(ctx, e.territory.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen",
		PlaceSlug: place, VenueName: venue, VenueAddress: address, StartsAt: start, EndsAt: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.events.Publish(ctx, e.territory.ID, ev.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	ev, err = e.events.Get(ctx, e.territory.ID, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// icsProps returns the unfolded content lines of a calendar's top level
// (outside its components) and the names of its components.
func icsProps(body string) (props map[string]string, components []string) {
	props = map[string]string{}
	depth := 0
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n ", ""), "\r\n") {
		name, value, _ := strings.Cut(line, ":")
		switch {
		case name == "BEGIN":
			if depth == 1 {
				components = append(components, value)
			}
			depth++
		case name == "END":
			depth--
		case depth == 1:
			props[name] = value
		}
	}
	return props, components
}

// TestPlaceFeedIsNamedAfterThePlace checks that a place's calendar feed
// carries the name of the place asked for (not of the first event's
// secteur), and that a place without events gives a valid calendar.
func TestPlaceFeedIsNamedAfterThePlace(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.eventAt(t, "becancour-saint-gregoire", "Salle paroissiale", "4700, boulevard Port-Royal")
		c := e.client(t)

		r := c.get("/api/v1/places/becancour/events.ics")
		expectStatus(t, r, 200)
		props, comps := icsProps(r.body)
		want := e.territory.Name + " — Bécancour"
		for _, p := range []string{"X-WR-CALNAME", "NAME"} {
			if props[p] != want {
				t.Errorf("%s %q, want %q", p, props[p], want)
			}
		}
		if !strings.Contains(strings.Join(comps, " "), "VEVENT") {
			t.Errorf("the secteur's event is missing: %v", comps)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="evenements-becancour.ics"`) {
			t.Errorf("Content-Disposition %q", cd)
		}

		r = c.get("/api/v1/places/manseau/events.ics")
		expectStatus(t, r, 200)
		props, comps = icsProps(r.body)
		if want := e.territory.Name + " — Manseau"; props["X-WR-CALNAME"] != want || props["NAME"] != want {
			t.Errorf("empty feed named %q / %q, want %q", props["X-WR-CALNAME"], props["NAME"], want)
		}
		if len(comps) == 0 || comps[0] != "VTIMEZONE" {
			t.Errorf("empty feed has components %v, want a VTIMEZONE (RFC 5545 wants one at least)", comps)
		}
		if props["X-WR-TIMEZONE"] != "America/Toronto" {
			t.Errorf("X-WR-TIMEZONE %q", props["X-WR-TIMEZONE"])
		}

		r = c.get("/api/v1/events.ics")
		if props, _ := icsProps(r.body); props["X-WR-CALNAME"] != e.territory.Name {
			t.Errorf("territory feed named %q", props["X-WR-CALNAME"])
		}
		if !regexp.MustCompile(`(?m)^BEGIN:VCALENDAR\r$`).MatchString(r.body) {
			t.Error("not a calendar")
		}
	})
}

// TestRegistrationSpreadsheets checks the registrations staff download:
// the XLSX keeps numbers and dates (a SUM over « Nombre de personnes »
// counts the people) and names the program and the time of the export;
// the CSV uses the separator of the reader's spreadsheet (« ; » in
// French, « , » in English).
func TestRegistrationSpreadsheets(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		ev := e.eventAt(t, "manseau", "Salle municipale", "")
		for i, p := range []struct {
			name  string
			party int
		}{{"Réjean Côté", 2}, {"Marie-Ève Bélanger", 3}} {
			if _, err := e.events.Register(ctx, e.territory.ID, ev.ID, events.RegistrationInput{Name: p.name,
				Email: "p" + strconv.Itoa(i) + "@exemple.org", PartySize: p.party, Lang: "fr"}, events.SourceWeb); err != nil {
				t.Fatal(err)
			}
		}
		e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("anim@exemple.org")
		base := "/admin/evenements/" + strconv.FormatInt(ev.ID, 10)

		r := c.get(base + "/inscriptions.xlsx")
		expectStatus(t, r, 200)
		f, err := excelize.OpenReader(strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		if h, _ := f.GetCellValue(sheet, "D1"); h != "Nombre de personnes" {
			t.Fatalf("column D is %q", h)
		}
		if err := f.SetCellFormula(sheet, "D10", "SUM(D2:D3)"); err != nil {
			t.Fatal(err)
		}
		if got, err := f.CalcCellValue(sheet, "D10"); err != nil || got != "5" {
			t.Errorf("SUM over « Nombre de personnes » = %q (%v), want 5", got, err)
		}
		if h, _ := f.GetCellValue(sheet, "M1"); h != "Date d’inscription" {
			t.Fatalf("column M is %q", h)
		}
		raw, _ := f.GetCellValue(sheet, "M2", excelize.Options{RawCellValue: true})
		if serial, err := strconv.ParseFloat(raw, 64); err != nil || serial < 46000 {
			t.Errorf("« Date d’inscription » holds %q, want a date serial number", raw)
		}
		if shown, _ := f.GetCellValue(sheet, "M2"); !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d$`).MatchString(shown) {
			t.Errorf("« Date d’inscription » shows %q, want a date and time", shown)
		}
		props, err := f.GetDocProps()
		if err != nil {
			t.Fatal(err)
		}
		if props.Creator != e.territory.ProgramName {
			t.Errorf("creator %q, want %q", props.Creator, e.territory.ProgramName)
		}
		created, err := time.Parse(time.RFC3339, props.Created)
		if err != nil || !strings.HasSuffix(props.Created, "Z") || time.Since(created) > time.Hour || props.Modified != props.Created {
			t.Errorf("created %q, modified %q: want the time of the export, in UTC", props.Created, props.Modified)
		}

		for _, tt := range []struct {
			lang string
			sep  rune
		}{{"fr", ';'}, {"en", ','}} {
			c := e.client(t)
			c.lang = tt.lang
			c.signIn("anim@exemple.org")
			r := c.get(base + "/inscriptions.csv")
			expectStatus(t, r, 200)
			body, ok := strings.CutPrefix(r.body, "\ufeff")
			if !ok || strings.HasPrefix(body, "sep=") {
				t.Errorf("%s CSV starts %q: want the byte order mark, then the header", tt.lang, r.body[:min(20, len(r.body))])
			}
			cr := csv.NewReader(strings.NewReader(body))
			cr.Comma = tt.sep
			records, err := cr.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(records) != 3 || len(records[0]) != 14 || records[1][3] != "2" {
				t.Errorf("%s CSV read with %q: %q", tt.lang, tt.sep, records)
			}
		}
	})
}

// TestOrganisationModelImportsBack checks that the model staff download
// (in French, with semicolons) is read back by the import as it is.
func TestOrganisationModelImportsBack(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	e := newEnv(t, d)
	e.user("admin@exemple.org", auth.RoleAdministrator)
	c := e.client(t)
	c.signIn("admin@exemple.org")
	model := c.get("/admin/organismes/modele.csv")
	expectStatus(t, model, 200)
	if !strings.HasPrefix(model.body, "\ufeffOrganisme;") {
		t.Fatalf("model starts %q", model.body[:min(30, len(model.body))])
	}
	r := c.postMultipart("/admin/importer-organismes", nil, "file", "modele-organismes.csv", []byte(model.body))
	expectStatus(t, r, 303)
	expectContains(t, c.follow(r), `id="import-total">2<`, `id="import-errors">0<`)
}

// TestDownloadNamesSayWhatTheyHold checks the file names of the volunteer's
// certificates — one year, every year, a school year, in each language —
// and of the rows of an import to fix.
func TestDownloadNamesSayWhatTheyHold(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	w := newVolWorld(t, d)
	ctx := context.Background()
	lise := w.user("lise@exemple.org", auth.RoleCitizen)
	if err := w.auth.UpdateProfile(ctx, lise.ID, "Lise Hamel", "fr"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.vol.SaveProfile(ctx, w.territory.ID, lise.ID, volunteering.ProfileInput{Student: true, School: "École secondaire Les Seigneuries"}); err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(w.territory.Location()).AddDate(0, 0, -1)
	h, err := w.vol.DeclareHours(ctx, w.territory.ID, lise.ID, volunteering.HoursInput{OrganizationID: w.popote.ID,
		Day: day.Format("2006-01-02"), Hours: "3", Activity: "Cuisine"})
	if err != nil {
		t.Fatal(err)
	}
	diane, err := w.auth.UserByEmail(ctx, "diane@exemple.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.vol.ReviewHours(ctx, w.territory.ID, h.ID, diane.ID, volunteering.ConfirmHours, "", ""); err != nil {
		t.Fatal(err)
	}
	year := strconv.Itoa(day.Year())
	sy := volunteering.SchoolYearOf(calendar.DateOf(day)).String()
	clients := map[string]*client{}
	for _, tt := range []struct {
		lang, path, want string
	}{
		{"fr", "/s-impliquer/attestation.pdf", "certificat-benevolat-toutes-annees.pdf"},
		{"fr", "/s-impliquer/attestation.pdf?annee=" + year, "certificat-benevolat-" + year + ".pdf"},
		{"fr", "/s-impliquer/attestation-scolaire.pdf?annee=" + sy, "attestation-engagement-" + sy + ".pdf"},
		{"en", "/s-impliquer/attestation.pdf", "volunteer-certificate-all-years.pdf"},
		{"en", "/s-impliquer/attestation.pdf?annee=" + year, "volunteer-certificate-" + year + ".pdf"},
		{"en", "/s-impliquer/attestation-scolaire.pdf?annee=" + sy, "community-involvement-attestation-" + sy + ".pdf"},
	} {
		c := clients[tt.lang]
		if c == nil {
			c = w.client(t)
			c.lang = tt.lang
			c.signIn("lise@exemple.org")
			clients[tt.lang] = c
		}
		r := c.get(tt.path)
		expectStatus(t, r, 200)
		if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="`+tt.want+`"`) {
			t.Errorf("%s %s: Content-Disposition %q, want the file %s", tt.lang, tt.path, cd, tt.want)
		}
	}

	w.user("admin@exemple.org", auth.RoleAdministrator)
	c := w.client(t)
	c.signIn("admin@exemple.org")
	r := c.postMultipart("/admin/importer-organismes", nil, "file", "Liste des comités.csv", []byte("Organisme;Courriel\nComité;pas-un-courriel\n"))
	expectStatus(t, r, 303)
	r = c.get(r.Header.Get("Location") + "/lignes-a-corriger.csv")
	expectStatus(t, r, 200)
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="liste-des-comites-lignes-a-corriger.csv"`) {
		t.Errorf("rows to fix: Content-Disposition %q", cd)
	}
}

// eventLD reads the schema.org data of an event page.
func eventLD(t *testing.T, body string) map[string]any {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no JSON-LD on the page")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, m[1])
	}
	return ld
}

// emptyFields lists the paths of the empty values in v.
func emptyFields(path string, v any) []string {
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return []string{path}
		}
	case map[string]any:
		if len(v) == 0 {
			return []string{path}
		}
		var out []string
		for k, x := range v {
			out = append(out, emptyFields(path+"."+k, x)...)
		}
		return out
	case nil:
		return []string{path}
	}
	return nil
}

// TestEventJSONLD checks an event's schema.org data: an Event at a Place
// with a PostalAddress (locality, region QC, country CA), and no empty
// field — an event without a street address has no streetAddress.
func TestEventJSONLD(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	e := newEnv(t, d)
	c := e.client(t)
	for _, tt := range []struct {
		name, venue, address string
	}{{"no street address", "Salle municipale", ""}, {"full", "Salle municipale", "198, rue Principale"}} {
		t.Run(tt.name, func(t *testing.T) {
			ev := e.eventAt(t, "manseau", tt.venue, tt.address)
			r := c.get("/evenements/" + ev.Slug)
			expectStatus(t, r, 200)
			ld := eventLD(t, r.body)
			if empty := emptyFields("", ld); len(empty) > 0 {
				t.Errorf("empty fields %v in %v", empty, ld)
			}
			if ld["@context"] != "https://schema.org" || ld["@type"] != "Event" || ld["name"] == nil {
				t.Errorf("not a schema.org Event: %v", ld)
			}
			if _, err := time.Parse(time.RFC3339, fmt.Sprint(ld["startDate"])); err != nil {
				t.Errorf("startDate %v: %v", ld["startDate"], err)
			}
			place, _ := ld["location"].(map[string]any)
			if place["@type"] != "Place" || place["name"] == nil {
				t.Fatalf("location %v, want a named Place", place)
			}
			addr, _ := place["address"].(map[string]any)
			want := map[string]any{"@type": "PostalAddress", "addressLocality": "Manseau", "addressRegion": "QC", "addressCountry": "CA"}
			if tt.address != "" {
				want["streetAddress"] = tt.address
			}
			if fmt.Sprint(addr) != fmt.Sprint(want) {
				t.Errorf("address %v, want %v", addr, want)
			}
		})
	}
}
