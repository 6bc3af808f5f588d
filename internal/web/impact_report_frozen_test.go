package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/impact"
	"implique/internal/indicator"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// TestSavedReportNeverChanges makes a report over HTTP, then changes a
// target, an indicator's name, the model's words, a highlight and the
// program's steps: the saved report's page, PDF and workbook read the
// same; a new report shows the new state.
func TestSavedReportNeverChanges(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		st, tid := e.app.Impact, e.territory.ID
		day := func(y, m, d int) calendar.Date { return calendar.Date{Year: y, Month: time.Month(m), Day: d} }
		if err := st.SetModel(ctx, impact.Model{TerritoryID: tid, ImpactFR: "Des liens plus forts", YearStart: 4}); err != nil {
			t.Fatal(err)
		}
		eff, err := st.PutEffect(ctx, impact.Effect{TerritoryID: tid, Term: impact.Short, TitleFR: "Des ateliers dans chaque village"})
		if err != nil {
			t.Fatal(err)
		}
		ind := impact.Indicator{TerritoryID: tid, EffectID: eff, NameFR: "Ateliers tenus", DefinitionFR: "Ateliers tenus dans la période",
			Unit: indicator.Count, Period: impact.Quarter, Baseline: testkit.Ptr(0.0), Target: testkit.Ptr(12.0), TargetOn: day(2027, 3, 31)}
		if ind.ID, err = st.PutIndicator(ctx, ind); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Enter(ctx, impact.Entry{TerritoryID: tid, IndicatorID: ind.ID, Day: day(2026, 8, 1), Value: "5", Note: "Registre des ateliers"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.PutMilestone(ctx, impact.Milestone{TerritoryID: tid, TitleFR: "Premier atelier", Status: impact.Done, On: day(2026, 7, 20)}); err != nil {
			t.Fatal(err)
		}
		story, err := st.AddStory(ctx, impact.Story{TerritoryID: tid, Title: "Un atelier de cuisine à Lemieux", Body: "Douze personnes.", On: day(2026, 8, 10)}, 0)
		if err != nil {
			t.Fatal(err)
		}

		e.user("direction@exemple.org", auth.RoleAdministrator)
		c := e.client(t)
		c.signIn("direction@exemple.org")
		quarter := url.Values{"title": {"Rapport de l’été"}, "span": {"custom"}, "start": {"2026-07-01"}, "end": {"2026-09-30"},
			"sections": {"model", "stories", "chronology", "next"}}
		r := c.post("/admin/rapports", quarter)
		expectStatus(t, r, 303)
		loc := r.Header.Get("Location")
		expectStatus(t, c.follow(r), 200) // the flash is read once
		type copies struct{ page, pdf, en, xlsx string }
		read := func(loc string) copies {
			t.Helper()
			var out copies
			for i, p := range []string{loc, loc + "/rapport.pdf?langue=fr", loc + "/rapport.pdf?langue=en", loc + "/rapport.xlsx?langue=fr"} {
				r := c.get(p)
				expectStatus(t, r, 200)
				*[]*string{&out.page, &out.pdf, &out.en, &out.xlsx}[i] = r.body
			}
			return out
		}
		before := read(loc)
		expectContains(t, response{body: before.page}, "Des liens plus forts", "Ateliers tenus", "5 (cible\u00a0: 12)",
			"Un atelier de cuisine à Lemieux", "Premier atelier")

		// Everything the report used changes after it is made.
		if err := st.SetModel(ctx, impact.Model{TerritoryID: tid, ImpactFR: "Une communauté solidaire", YearStart: 4}); err != nil {
			t.Fatal(err)
		}
		ind.NameFR, ind.Target, ind.Baseline = "Ateliers citoyens tenus", testkit.Ptr(30.0), testkit.Ptr(2.0)
		if _, err := st.PutIndicator(ctx, ind); err != nil {
			t.Fatal(err)
		}
		if _, err := st.PutMilestone(ctx, impact.Milestone{TerritoryID: tid, TitleFR: "Atelier de l’automne", Status: impact.Done, On: day(2026, 10, 15)}); err != nil {
			t.Fatal(err)
		}
		if err := st.RemoveStory(ctx, tid, story); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddStory(ctx, impact.Story{TerritoryID: tid, Title: "Un atelier de cuisine partagé", Body: "Douze personnes.", On: day(2026, 8, 10)}, 0); err != nil {
			t.Fatal(err)
		}

		after := read(loc)
		if after.page != before.page {
			t.Error("the saved report's page changed")
		}
		if after.pdf != before.pdf || after.en != before.en {
			t.Error("the saved report's PDF changed")
		}
		if workbookText(t, after.xlsx) != workbookText(t, before.xlsx) {
			t.Error("the saved report's workbook changed")
		}

		// A new report of the same period shows the new state.
		quarter.Set("title", "Rapport de l’été, revu")
		r = c.post("/admin/rapports", quarter)
		expectStatus(t, r, 303)
		expectStatus(t, c.follow(r), 200)
		fresh := read(r.Header.Get("Location"))
		expectContains(t, response{body: fresh.page}, "Une communauté solidaire", "Ateliers citoyens tenus", "5 (cible\u00a0: 30)",
			"Un atelier de cuisine partagé")
		if strings.Contains(fresh.page, "Atelier de l’automne") {
			t.Error("a step done after the period is in the report's chronology")
		}
	})
}

// workbookText is every part of a workbook but its properties (which say
// when it was written), by name (the parts come in any order).
func workbookText(t *testing.T, body string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	files := slices.SortedFunc(slices.Values(z.File), func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	var out strings.Builder
	for _, f := range files {
		if strings.HasPrefix(f.Name, "docProps/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out.WriteString(f.Name + "\n" + string(b) + "\n")
	}
	return out.String()
}

// TestRecomputeRefusesAPeriodOutOfBounds asks over HTTP to recompute a
// period of 1850 or 9999: a clear French message, nothing written.
func TestRecomputeRefusesAPeriodOutOfBounds(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		st, tid := e.app.Impact, e.territory.ID
		eff, err := st.PutEffect(ctx, impact.Effect{TerritoryID: tid, Term: impact.Short, TitleFR: "Des soupers"})
		if err != nil {
			t.Fatal(err)
		}
		id, err := st.PutIndicator(ctx, impact.Indicator{TerritoryID: tid, EffectID: eff, SourceKey: "events.dinners_held", Period: impact.Quarter})
		if err != nil {
			t.Fatal(err)
		}
		e.user("animation@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("animation@exemple.org")
		path := "/admin/impact/indicateurs/" + strconv.FormatInt(id, 10) + "/recalculer"
		for _, p := range [][2]string{{"1850-01-01", "1850-04-01"}, {"2026-10-01", "9999-01-01"}} {
			r := c.post(path, url.Values{"start": {p[0]}, "end": {p[1]}})
			expectStatus(t, r, 422)
			expectContains(t, r, "L’année doit être entre 2000 et")
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM impact_snapshots WHERE indicator_id = ?`, id); n != 0 {
			t.Errorf("%d snapshots after refusals", n)
		}
		r := c.post(path, url.Values{"start": {"2026-07-01"}, "end": {"2026-10-01"}})
		expectStatus(t, r, 303)
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM impact_snapshots WHERE indicator_id = ?`, id); n != 1 {
			t.Errorf("%d snapshots after a recompute, want 1", n)
		}
	})
}

// TestImpactFiguresSayWhenComputed reads the series' tables and the values
// by municipality: each figure says when it was computed or entered, as
// the current value does.
func TestImpactFiguresSayWhenComputed(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		st, tid := e.app.Impact, e.territory.ID
		eff, err := st.PutEffect(ctx, impact.Effect{TerritoryID: tid, Term: impact.Short, TitleFR: "Des soupers"})
		if err != nil {
			t.Fatal(err)
		}
		computed, err := st.PutIndicator(ctx, impact.Indicator{TerritoryID: tid, EffectID: eff, SourceKey: "events.dinners_held", Period: impact.Year})
		if err != nil {
			t.Fatal(err)
		}
		entered, err := st.PutIndicator(ctx, impact.Indicator{TerritoryID: tid, EffectID: eff, NameFR: "Ateliers tenus", DefinitionFR: "Ateliers",
			Unit: indicator.Count, Period: impact.Year})
		if err != nil {
			t.Fatal(err)
		}
		today := calendar.DateOf(time.Now().In(e.territory.Location()))
		staff := e.user("animation@exemple.org", auth.RoleFacilitator)
		if _, err := st.Enter(ctx, impact.Entry{TerritoryID: tid, IndicatorID: entered, Day: today, Value: "3", Note: "Registre", By: staff.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Refresh(ctx, tid); err != nil {
			t.Fatal(err)
		}
		c := e.client(t)
		r := c.get("/impact")
		expectStatus(t, r, 200)
		expectContains(t, r, "Date du chiffre", `">calculé le `, `">saisi le `)

		c = e.client(t)
		c.signIn("animation@exemple.org")
		r = c.get("/admin/impact/indicateurs/" + strconv.FormatInt(computed, 10))
		expectStatus(t, r, 200)
		i := strings.Index(r.body, `id="lieux"`)
		if i < 0 {
			t.Fatal("the indicator's page shows no values by municipality")
		}
		byPlace := r.body[i:]
		byPlace = byPlace[:strings.Index(byPlace, "</table>")]
		if rows, dated := strings.Count(byPlace, "<tr>")-1, strings.Count(byPlace, "<td>calculé le "); rows < 2 || dated != rows {
			t.Errorf("%d municipalities, %d of them dated", rows, dated)
		}
	})
}
