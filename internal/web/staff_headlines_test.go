package web_test

import (
	"context"
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

// TestStaffHomeHeadlines reads the indicators with a target on the staff's
// home: how far each has come, and for a target equal to its baseline the
// value and the target only (no « 0 % »).
func TestStaffHomeHeadlines(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		st, tid := e.app.Impact, e.territory.ID
		eff, err := st.PutEffect(ctx, impact.Effect{TerritoryID: tid, Term: impact.Short, TitleFR: "Des ateliers dans chaque village"})
		if err != nil {
			t.Fatal(err)
		}
		today := calendar.DateOf(time.Now().In(e.territory.Location()))
		target := calendar.Date{Year: today.Year + 1, Month: 3, Day: 31}
		for _, x := range []struct {
			name             string
			baseline, target float64
			value            string
		}{
			{"Ateliers tenus", 0, 10, "4"},
			{"Villages joints", 5, 5, "5"},
			{"Élus formés", 0, 8, ""},
		} {
			id, err := st.PutIndicator(ctx, impact.Indicator{TerritoryID: tid, EffectID: eff, NameFR: x.name, DefinitionFR: x.name,
				Unit: indicator.Count, Period: impact.Year, Baseline: testkit.Ptr(x.baseline), Target: testkit.Ptr(x.target), TargetOn: target})
			if err != nil {
				t.Fatal(err)
			}
			if x.value != "" {
				if _, err := st.Enter(ctx, impact.Entry{TerritoryID: tid, IndicatorID: id, Day: today, Value: x.value, Note: "Registre"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		e.user("direction@exemple.org", auth.RoleAdministrator)
		c := e.client(t)
		c.signIn("direction@exemple.org")
		r := c.get("/admin")
		expectStatus(t, r, 200)
		expectContains(t, r, "Où en est le programme")
		item := func(name string) string {
			t.Helper()
			i := strings.Index(r.body, name)
			if i < 0 {
				t.Fatalf("the staff's home does not show %q", name)
			}
			start := strings.LastIndex(r.body[:i], "<li>")
			end := i + strings.Index(r.body[i:], "</li>")
			return r.body[start:end]
		}
		if got := item("Ateliers tenus"); !strings.Contains(got, "40&nbsp;%") || !strings.Contains(got, "4 (cible\u00a0: 10)") {
			t.Errorf("a headline under way: %q", got)
		}
		if got := item("Villages joints"); strings.Contains(got, "%") || !strings.Contains(got, "5 (cible\u00a0: 5)") {
			t.Errorf("a target equal to its baseline: %q", got)
		}
		if got := item("Élus formés"); strings.Contains(got, "%") || !strings.Contains(got, "Pas encore de valeur") {
			t.Errorf("a headline without a value: %q", got)
		}
	})
}
