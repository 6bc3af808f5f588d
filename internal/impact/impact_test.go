package impact_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/impact"
	"implique/internal/indicator"
	"implique/internal/territory"
	"implique/internal/testkit"
)

// fakeSource counts dated things, each in a place: the right value of any
// period is obvious.
type fakeSource struct {
	mu     sync.Mutex
	things []thing
	calls  int
}

type thing struct {
	at    time.Time
	place string // a municipality's slug, or a secteur's
}

var parents = map[string]string{"gentilly": "becancour", "becancour": "becancour", "fortierville": "fortierville"}

func (f *fakeSource) Indicators() []indicator.Definition {
	return []indicator.Definition{
		{Key: "test.count", Unit: indicator.Count, Places: true},
		{Key: "test.few", Unit: indicator.Percent},
	}
}

func (f *fakeSource) Measure(_ context.Context, key string, s indicator.Scope) (float64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	switch key {
	case "test.few":
		return 0, indicator.ErrTooFew
	case "test.count":
	default:
		return 0, indicator.ErrUnknown
	}
	n := 0
	for _, t := range f.things {
		if t.at.Before(s.From) || !t.at.Before(s.To) {
			continue
		}
		if s.PlaceSlug != "" && parents[t.place] != s.PlaceSlug && t.place != s.PlaceSlug {
			continue
		}
		n++
	}
	return float64(n), nil
}

func (f *fakeSource) add(at time.Time, place string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.things = append(f.things, thing{at, place})
}

var quebec, _ = time.LoadLocation("America/Toronto")

// now is 15 November 2026 at noon in Québec: the third quarter of the
// program year that began in April.
var now = time.Date(2026, 11, 15, 12, 0, 0, 0, quebec)

type fixture struct {
	store *impact.Store
	src   *fakeSource
	terr  territory.Territory
	d     *db.DB
	clock *time.Time
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	a := testkit.App(t, d, now)
	terr := testkit.Territory(t, a.Territories)
	f := &fixture{src: &fakeSource{}, terr: terr, d: d}
	clock := now
	f.clock = &clock
	f.store = impact.NewStore(impact.Config{DB: d, Territories: a.Territories, Sources: []indicator.Source{f.src},
		Now: func() time.Time { return *f.clock }})
	return f
}

func day(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 19, 0, 0, 0, quebec) }

func (f *fixture) effect(t *testing.T, term impact.Term, title string) int64 {
	t.Helper()
	id, err := f.store.PutEffect(context.Background(), impact.Effect{TerritoryID: f.terr.ID, Term: term, TitleFR: title})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPeriods(t *testing.T) {
	d := day(2026, 11, 15)
	cases := []struct {
		kind       impact.PeriodKind
		start, end calendar.Date
	}{
		{impact.Month, day(2026, 11, 1), day(2026, 12, 1)},
		{impact.Quarter, day(2026, 10, 1), day(2027, 1, 1)},
		{impact.Year, day(2026, 4, 1), day(2027, 4, 1)},
		{impact.Total, day(2025, 9, 1), day(2026, 12, 1)},
	}
	for _, c := range cases {
		p := impact.PeriodOf(c.kind, d, time.April, day(2025, 9, 1))
		if p.Start != c.start || p.End != c.end {
			t.Errorf("%s: %v–%v, want %v–%v", c.kind, p.Start, p.End, c.start, c.end)
		}
	}
	// A quarter in the first months of the calendar year belongs to the
	// program year that began the April before.
	if p := impact.PeriodOf(impact.Quarter, day(2027, 2, 10), time.April, calendar.Date{}); p.Start != day(2027, 1, 1) || p.End != day(2027, 4, 1) {
		t.Errorf("Q4: %v–%v", p.Start, p.End)
	}
	s := impact.Series(impact.Quarter, d, 8, time.April, calendar.Date{})
	if len(s) != 8 || s[0].Start != day(2025, 1, 1) || s[7].End != day(2027, 1, 1) {
		t.Errorf("quarters: %v … %v", s[0], s[len(s)-1])
	}
	for i := 1; i < len(s); i++ {
		if s[i].Start != s[i-1].End {
			t.Errorf("quarters not adjacent at %d: %v then %v", i, s[i-1], s[i])
		}
	}
	// A total never starts before its baseline day and stops there.
	tot := impact.Series(impact.Total, d, 12, time.April, day(2026, 9, 1))
	if len(tot) != 3 || tot[0].End != day(2026, 10, 1) || tot[2].End != day(2026, 12, 1) {
		t.Errorf("totals: %v", tot)
	}
	for _, p := range tot {
		if p.Start != day(2026, 9, 1) {
			t.Errorf("a total starts %v", p.Start)
		}
	}
}

func TestModelAndIndicators(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		// The model's head: the impact is required.
		testkit.WantFields(t, f.store.SetModel(ctx, impact.Model{TerritoryID: f.terr.ID, YearStart: time.April}), "impact_fr")
		if err := f.store.SetModel(ctx, impact.Model{TerritoryID: f.terr.ID, ImpactFR: "Une culture de solidarité", YearStart: time.April}); err != nil {
			t.Fatal(err)
		}
		if err := f.store.SetModel(ctx, impact.Model{TerritoryID: f.terr.ID, ImpactFR: "Une culture de solidarité fondée sur la participation",
			YearStart: time.July}); err != nil {
			t.Fatal(err)
		}
		m, err := f.store.Model(ctx, f.terr.ID)
		if err != nil || m.YearStart != time.July || m.ImpactFR != "Une culture de solidarité fondée sur la participation" {
			t.Fatalf("model %+v %v", m, err)
		}
		_, err = f.store.PutEffect(ctx, impact.Effect{TerritoryID: f.terr.ID, Term: "soon", TitleFR: ""})
		testkit.WantFields(t, err, "title_fr", "term")
		short := f.effect(t, impact.Short, "Réalisation de 18 soupers citoyens")
		long := f.effect(t, impact.Long, "Augmentation du sentiment d’appartenance")

		// A computed indicator takes its unit from its source; an unknown
		// source is refused.
		_, err = f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: short, SourceKey: "test.nope", Period: impact.Month})
		testkit.WantFields(t, err, "source")
		id, err := f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: short, SourceKey: "test.count",
			Unit: indicator.Hours, Period: impact.Total, Baseline: testkit.Ptr(0.0), BaselineOn: day(2026, 9, 1),
			Target: testkit.Ptr(18.0), TargetOn: day(2027, 6, 30)})
		if err != nil {
			t.Fatal(err)
		}
		ind, err := f.store.Indicator(ctx, f.terr.ID, id)
		if err != nil || ind.Unit != indicator.Count || ind.Def == nil || !ind.Def.Places || ind.BaselineOn != day(2026, 9, 1) || *ind.Target != 18 {
			t.Fatalf("indicator %+v %v", ind, err)
		}
		// An entered indicator needs a name, a definition, a unit; a total
		// needs its baseline day; a target its day, after the baseline;
		// a percentage stays within 0–100; days stay within bounds.
		_, err = f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: long, Period: impact.Total,
			Unit: indicator.Percent, Target: testkit.Ptr(140.0), BaselineOn: day(2027, 1, 1), TargetOn: day(2026, 1, 1)})
		testkit.WantFields(t, err, "name_fr", "definition_fr", "target", "target_on")
		_, err = f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: long, NameFR: "x", DefinitionFR: "y",
			Unit: "kg", Period: "week", Target: testkit.Ptr(1.0), TargetOn: day(9999, 12, 31)})
		testkit.WantFields(t, err, "unit", "period", "target_on")
		_, err = f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: 999999, NameFR: "x", DefinitionFR: "y",
			Unit: indicator.Count, Period: impact.Year})
		testkit.WantFields(t, err, "effect")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM impact_indicators`); n != 1 {
			t.Errorf("%d indicators kept after refusals, want 1", n)
		}
		eid, err := f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: long, NameFR: "Municipalités formées",
			DefinitionFR: "Municipalités dont des élus ou employés ont suivi la formation", Unit: indicator.Count, Period: impact.Year})
		if err != nil {
			t.Fatal(err)
		}
		effects, err := f.store.Effects(ctx, f.terr.ID, false)
		if err != nil || len(effects) != 2 || effects[0].ID != short || len(effects[0].Indicators) != 1 || effects[1].Indicators[0].ID != eid {
			t.Fatalf("effects %+v %v", effects, err)
		}
		// Archived, it leaves the model but keeps its values.
		if err := f.store.Archive(ctx, f.terr.ID, eid, true); err != nil {
			t.Fatal(err)
		}
		if inds, _ := f.store.Indicators(ctx, f.terr.ID, false); len(inds) != 1 {
			t.Errorf("%d indicators followed after archiving, want 1", len(inds))
		}
		testkit.WantCode(t, f.store.Archive(ctx, f.terr.ID+1, id, true), errs.NotFound)
	})
}

func TestRefreshKeepsDatedSnapshots(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		short := f.effect(t, impact.Short, "Réalisation de 18 soupers citoyens")
		monthly, err := f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: short, SourceKey: "test.count", Period: impact.Month})
		if err != nil {
			t.Fatal(err)
		}
		total, err := f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: short, SourceKey: "test.count", Period: impact.Total,
			Baseline: testkit.Ptr(0.0), BaselineOn: day(2026, 9, 1), Target: testkit.Ptr(18.0), TargetOn: day(2027, 6, 30)})
		if err != nil {
			t.Fatal(err)
		}
		few, err := f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: short, SourceKey: "test.few", Period: impact.Quarter})
		if err != nil {
			t.Fatal(err)
		}
		f.src.add(at(2026, 8, 20), "fortierville") // before the total's baseline
		f.src.add(at(2026, 9, 12), "becancour")
		f.src.add(at(2026, 10, 3), "gentilly") // a secteur of Bécancour
		f.src.add(at(2026, 10, 31), "fortierville")
		f.src.add(at(2026, 11, 2), "becancour")
		f.src.add(time.Date(2026, 12, 1, 0, 0, 0, 0, quebec), "becancour") // the first instant of December: not November's

		st, err := f.store.Refresh(ctx, f.terr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Written == 0 || st.Measured < 12 {
			t.Fatalf("refresh %+v", st)
		}
		b, err := f.store.Board(ctx, f.terr.ID)
		if err != nil {
			t.Fatal(err)
		}
		rs := b.Effects[0].Readings
		want := map[string]float64{"2026-08-01": 1, "2026-09-01": 1, "2026-10-01": 2, "2026-11-01": 1, "2026-07-01": 0}
		if len(rs[0].Series) != 12 {
			t.Fatalf("%d months", len(rs[0].Series))
		}
		for _, pt := range rs[0].Series {
			w, ok := want[pt.Period.Start.String()]
			if pt.Snapshot == nil || pt.Snapshot.Value == nil {
				t.Fatalf("month %v without a value", pt.Period)
			}
			if ok && *pt.Snapshot.Value != w {
				t.Errorf("month %v: %v, want %v", pt.Period.Start, *pt.Snapshot.Value, w)
			}
		}
		// The total since 1 September: 4 by the end of November, 22 % of the
		// way to 18.
		cur := rs[1].Current
		if cur == nil || *cur.Snapshot.Value != 4 || rs[1].Progress == nil || int(*rs[1].Progress) != 22 {
			t.Errorf("total %+v progress %v", cur, rs[1].Progress)
		}
		// Too few answers: kept as « not shown », never as zero.
		if c := rs[2].Series[len(rs[2].Series)-1]; c.Snapshot == nil || c.Snapshot.Value != nil || rs[2].Current != nil {
			t.Errorf("too few: %+v", c.Snapshot)
		}
		_ = few
		// By municipality: the secteur counts in Bécancour; the program
		// year's values exist for every municipality.
		byPlace, err := f.store.ByPlace(ctx, f.terr.ID, monthly, impact.PeriodOf(impact.Month, day(2026, 10, 1), time.April, calendar.Date{}))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, sn := range byPlace {
			got[sn.PlaceSlug] = *sn.Value
		}
		// October is no longer the current month: its values by place are
		// not kept by the refresh (only the current month, quarter and the
		// program year are, by place).
		if len(byPlace) != 0 {
			t.Errorf("October by place %v, want none", got)
		}
		byPlace, err = f.store.ByPlace(ctx, f.terr.ID, monthly, impact.PeriodOf(impact.Month, day(2026, 11, 1), time.April, calendar.Date{}))
		if err != nil || len(byPlace) != 13 {
			t.Fatalf("November by place: %d, %v", len(byPlace), err)
		}
		for _, sn := range byPlace {
			w := 0.0
			if sn.PlaceSlug == "becancour" {
				w = 1
			}
			if *sn.Value != w {
				t.Errorf("November in %s: %v, want %v", sn.PlaceSlug, *sn.Value, w)
			}
		}

		// A second refresh finds nothing new to write.
		rows := testkit.Count(t, d, `SELECT COUNT(*) FROM impact_snapshots`)
		st, err = f.store.Refresh(ctx, f.terr.ID)
		if err != nil || st.Written != 0 {
			t.Fatalf("second refresh %+v %v", st, err)
		}
		// A late entry in the current month brings its value up to date in
		// place; an entry in an old month (September) changes nothing kept.
		f.src.add(at(2026, 11, 10), "fortierville")
		f.src.add(at(2026, 9, 20), "fortierville")
		if _, err := f.store.Refresh(ctx, f.terr.ID); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM impact_snapshots`); n != rows {
			t.Errorf("%d snapshots after a refresh of values, want %d (updated in place)", n, rows)
		}
		b, _ = f.store.Board(ctx, f.terr.ID)
		series := b.Effects[0].Readings[0].Series
		if nov, sep := series[11], series[9]; *nov.Snapshot.Value != 2 || *sep.Snapshot.Value != 1 {
			t.Errorf("November %v (want 2), September %v (want 1, as kept)", *nov.Snapshot.Value, *sep.Snapshot.Value)
		}
		_ = total
	})
}

func TestReportsNeverChange(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		short := f.effect(t, impact.Short, "Réalisation de 18 soupers citoyens")
		long := f.effect(t, impact.Long, "Les municipalités sont formées")
		computed, err := f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: short, SourceKey: "test.count", Period: impact.Quarter})
		if err != nil {
			t.Fatal(err)
		}
		entered, err := f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: long, NameFR: "Municipalités formées",
			DefinitionFR: "Municipalités dont des élus ont suivi la formation", Unit: indicator.Count, Period: impact.Quarter})
		if err != nil {
			t.Fatal(err)
		}
		running, err := f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: short, SourceKey: "test.count",
			Period: impact.Total, Baseline: testkit.Ptr(0.0), BaselineOn: day(2026, 1, 1), Target: testkit.Ptr(8.0), TargetOn: day(2027, 6, 30)})
		if err != nil {
			t.Fatal(err)
		}
		f.src.add(at(2026, 3, 12), "lemieux") // before the quarter, after the running total's first day
		f.src.add(at(2026, 7, 4), "becancour")
		f.src.add(at(2026, 8, 14), "gentilly")
		f.src.add(at(2026, 9, 30), "fortierville")
		f.src.add(at(2026, 10, 1), "fortierville") // the next quarter

		// Staff enter a value, with where it comes from; a bad value or no
		// note is refused and nothing is kept.
		_, err = f.store.Enter(ctx, impact.Entry{TerritoryID: f.terr.ID, IndicatorID: entered, Day: day(2026, 8, 1), Value: "trois", Note: ""})
		testkit.WantFields(t, err, "value", "note")
		_, err = f.store.Enter(ctx, impact.Entry{TerritoryID: f.terr.ID, IndicatorID: entered, Day: day(9999, 8, 1), Value: "3", Note: "x"})
		testkit.WantFields(t, err, "day")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM impact_snapshots`); n != 0 {
			t.Fatalf("%d snapshots after refusals", n)
		}
		first, err := f.store.Enter(ctx, impact.Entry{TerritoryID: f.terr.ID, IndicatorID: entered, Day: day(2026, 8, 1), Value: "3",
			Note: "Registre des formations du CAB"})
		if err != nil {
			t.Fatal(err)
		}
		if first.Period.Start != day(2026, 7, 1) || first.Period.End != day(2026, 10, 1) || *first.Value != 3 {
			t.Fatalf("entered %+v", first)
		}

		lastQuarter, _, _, err := f.store.SuggestedPeriods(ctx, f.terr.ID)
		if err != nil || lastQuarter.Start != day(2026, 7, 1) {
			t.Fatalf("last quarter %v %v", lastQuarter, err)
		}
		_, err = f.store.CreateReport(ctx, impact.ReportRequest{TerritoryID: f.terr.ID, Period: impact.Period{Start: day(2026, 10, 1), End: day(2026, 7, 1)},
			Sections: []impact.Section{"gossip"}})
		testkit.WantFields(t, err, "title", "period", "sections")
		id, err := f.store.CreateReport(ctx, impact.ReportRequest{TerritoryID: f.terr.ID, Title: "Rapport du 2e trimestre", Period: lastQuarter,
			Sections: []impact.Section{impact.SectionModel, impact.SectionPlaces, impact.SectionStories}})
		if err != nil {
			t.Fatal(err)
		}
		read := func() impact.ReportContent {
			t.Helper()
			c, err := f.store.Report(ctx, f.terr.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		c := read()
		if v := c.Effects[0].Rows[0].Value; v == nil || *v.Value != 3 {
			t.Fatalf("computed value in the report %+v", v)
		}
		// A running total is read from its first day to the report's end.
		if v := c.Effects[0].Rows[1]; v.Indicator.ID != running || v.Value == nil || *v.Value.Value != 4 ||
			v.Value.Period != (impact.Period{Start: day(2026, 1, 1), End: day(2026, 10, 1)}) {
			t.Errorf("running total in the report %+v", v.Value)
		}
		if v := c.Effects[1].Rows[0].Value; v == nil || *v.Value != 3 || v.Note != "Registre des formations du CAB" {
			t.Fatalf("entered value in the report %+v", v)
		}
		if n := len(c.Effects[0].Rows[0].ByPlace); n != 13 {
			t.Errorf("%d municipalities in the report, want 13", n)
		}
		// Data typed late and a correction of the entered value: the
		// report reads the same; the corrections are new snapshots, both
		// kept for staff.
		f.src.add(at(2026, 9, 2), "lemieux")
		*f.clock = now.Add(24 * time.Hour)
		sn, err := f.store.Recompute(ctx, f.terr.ID, computed, lastQuarter, "")
		if err != nil || *sn.Value != 4 || sn.Corrects == nil {
			t.Fatalf("recomputed %+v %v", sn, err)
		}
		if _, err := f.store.Enter(ctx, impact.Entry{TerritoryID: f.terr.ID, IndicatorID: entered, Day: day(2026, 9, 1), Value: "4",
			Note: "Registre corrigé"}); err != nil {
			t.Fatal(err)
		}
		c2 := read()
		if *c2.Effects[0].Rows[0].Value.Value != 3 || *c2.Effects[1].Rows[0].Value.Value != 3 {
			t.Errorf("the report changed: %v, %v", *c2.Effects[0].Rows[0].Value.Value, *c2.Effects[1].Rows[0].Value.Value)
		}
		hist, err := f.store.History(ctx, f.terr.ID, computed, 100)
		if err != nil {
			t.Fatal(err)
		}
		var inPeriod []impact.Snapshot
		for _, h := range hist {
			if h.PlaceID == nil && h.Period == lastQuarter {
				inPeriod = append(inPeriod, h)
			}
		}
		if len(inPeriod) != 2 || *inPeriod[0].Value != 4 || !inPeriod[1].Used || *inPeriod[0].Corrects != inPeriod[1].ID {
			t.Errorf("history of the quarter: %+v", inPeriod)
		}
		// The refresh never writes over a snapshot a report used.
		if _, err := f.store.Refresh(ctx, f.terr.ID); err != nil {
			t.Fatal(err)
		}
		if c3 := read(); *c3.Effects[0].Rows[0].Value.Value != 3 {
			t.Errorf("the report changed after a refresh")
		}
		if rs, err := f.store.Reports(ctx, f.terr.ID); err != nil || len(rs) != 1 || rs[0].Title != "Rapport du 2e trimestre" {
			t.Errorf("reports %+v %v", rs, err)
		}
		_, err = f.store.Report(ctx, f.terr.ID+1, id)
		testkit.WantCode(t, err, errs.NotFound)
	})
}

func TestChronologyAndStories(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		_, err := f.store.PutMilestone(ctx, impact.Milestone{TerritoryID: f.terr.ID, Status: impact.Done, On: day(1850, 1, 1)})
		testkit.WantFields(t, err, "title_fr", "on")
		_, err = f.store.PutMilestone(ctx, impact.Milestone{TerritoryID: f.terr.ID, TitleFR: "Premier souper", Status: impact.Done})
		testkit.WantFields(t, err, "on")
		if _, err := f.store.PutMilestone(ctx, impact.Milestone{TerritoryID: f.terr.ID, TitleFR: "Création du comité des partenaires",
			Status: impact.Planned, Owner: "Direction"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.PutMilestone(ctx, impact.Milestone{TerritoryID: f.terr.ID, TitleFR: "Premier souper citoyen", Status: impact.Done,
			On: day(2025, 10, 2)}); err != nil {
			t.Fatal(err)
		}
		ms, err := f.store.Milestones(ctx, f.terr.ID)
		if err != nil || len(ms) != 2 || ms[0].TitleFR != "Premier souper citoyen" || !ms[1].On.IsZero() {
			t.Fatalf("milestones %+v %v", ms, err)
		}
		testkit.WantCode(t, f.store.RemoveMilestone(ctx, f.terr.ID+1, ms[0].ID), errs.NotFound)

		_, err = f.store.AddStory(ctx, impact.Story{TerritoryID: f.terr.ID, PlaceSlug: "nowhere"}, 0)
		testkit.WantFields(t, err, "title", "body", "on", "place")
		if _, err := f.store.AddStory(ctx, impact.Story{TerritoryID: f.terr.ID, Title: "Un jardin partagé à Lemieux", Body: "Né d’un souper.",
			On: day(2026, 8, 15), PlaceSlug: "lemieux"}, 0); err != nil {
			t.Fatal(err)
		}
		in, _ := f.store.Stories(ctx, f.terr.ID, impact.Period{Start: day(2026, 7, 1), End: day(2026, 10, 1)})
		out, _ := f.store.Stories(ctx, f.terr.ID, impact.Period{Start: day(2026, 10, 1), End: day(2027, 1, 1)})
		if len(in) != 1 || in[0].PlaceName != "Lemieux" || len(out) != 0 {
			t.Errorf("stories in %+v, out %+v", in, out)
		}
	})
}

// A report keeps what it used besides its values: the model's words, the
// indicators' names, baselines and targets, the highlights and the
// program's steps up to its period's end. Later changes show in a new
// report only.
func TestReportKeepsWhatItUsed(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		if err := f.store.SetModel(ctx, impact.Model{TerritoryID: f.terr.ID, ImpactFR: "Des liens plus forts", YearStart: time.April}); err != nil {
			t.Fatal(err)
		}
		short := f.effect(t, impact.Short, "Des soupers citoyens")
		ind := impact.Indicator{TerritoryID: f.terr.ID, EffectID: short, SourceKey: "test.count", NameFR: "Soupers tenus",
			Period: impact.Total, Baseline: testkit.Ptr(0.0), BaselineOn: day(2026, 1, 1), Target: testkit.Ptr(8.0), TargetOn: day(2027, 6, 30)}
		var err error
		if ind.ID, err = f.store.PutIndicator(ctx, ind); err != nil {
			t.Fatal(err)
		}
		for _, m := range []impact.Milestone{
			{TerritoryID: f.terr.ID, TitleFR: "Premier souper", Status: impact.Done, On: day(2026, 8, 1)},
			{TerritoryID: f.terr.ID, TitleFR: "Comité des partenaires", Status: impact.Planned},
		} {
			if _, err := f.store.PutMilestone(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		story, err := f.store.AddStory(ctx, impact.Story{TerritoryID: f.terr.ID, Title: "Un jardin à Lemieux", Body: "Né d’un souper.",
			On: day(2026, 8, 15)}, 0)
		if err != nil {
			t.Fatal(err)
		}
		lastQuarter, _, thisYear, err := f.store.SuggestedPeriods(ctx, f.terr.ID)
		if err != nil {
			t.Fatal(err)
		}
		newReport := func(p impact.Period) int64 {
			t.Helper()
			id, err := f.store.CreateReport(ctx, impact.ReportRequest{TerritoryID: f.terr.ID, Title: "Rapport", Period: p, Sections: impact.Sections})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		old := newReport(lastQuarter)
		read := func(id int64) impact.ReportContent {
			t.Helper()
			c, err := f.store.Report(ctx, f.terr.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		titles := func(ms []impact.Milestone) (out []string) {
			for _, m := range ms {
				out = append(out, m.TitleFR)
			}
			return out
		}
		check := func(c impact.ReportContent) {
			t.Helper()
			row := c.Effects[0].Rows[0]
			if c.Model.ImpactFR != "Des liens plus forts" || c.Effects[0].TitleFR != "Des soupers citoyens" || row.Indicator.NameFR != "Soupers tenus" ||
				*row.Indicator.Target != 8 || *row.Indicator.Baseline != 0 {
				t.Errorf("the report's model changed: %q %q %+v", c.Model.ImpactFR, c.Effects[0].TitleFR, row.Indicator)
			}
			if len(c.Stories) != 1 || c.Stories[0].Title != "Un jardin à Lemieux" {
				t.Errorf("the report's highlights changed: %+v", c.Stories)
			}
			if got := titles(c.Milestones); len(got) != 2 || got[0] != "Premier souper" || got[1] != "Comité des partenaires" {
				t.Errorf("the report's steps: %q", got)
			}
		}
		check(read(old))

		// Everything changes after the report is made.
		*f.clock = now.Add(24 * time.Hour)
		if err := f.store.SetModel(ctx, impact.Model{TerritoryID: f.terr.ID, ImpactFR: "Une communauté solidaire", YearStart: time.April}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.PutEffect(ctx, impact.Effect{ID: short, TerritoryID: f.terr.ID, Term: impact.Short, TitleFR: "Des soupers partout"}); err != nil {
			t.Fatal(err)
		}
		ind.NameFR, ind.Target, ind.Baseline = "Soupers citoyens tenus", testkit.Ptr(20.0), testkit.Ptr(2.0)
		if _, err := f.store.PutIndicator(ctx, ind); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.PutMilestone(ctx, impact.Milestone{TerritoryID: f.terr.ID, TitleFR: "Souper de l’automne", Status: impact.Done,
			On: day(2026, 10, 20)}); err != nil {
			t.Fatal(err)
		}
		if err := f.store.RemoveStory(ctx, f.terr.ID, story); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.AddStory(ctx, impact.Story{TerritoryID: f.terr.ID, Title: "Un jardin partagé à Lemieux", Body: "Né d’un souper.",
			On: day(2026, 8, 15)}, 0); err != nil {
			t.Fatal(err)
		}
		check(read(old))

		// A new report shows the new state.
		c := read(newReport(thisYear))
		row := c.Effects[0].Rows[0]
		if c.Model.ImpactFR != "Une communauté solidaire" || row.Indicator.NameFR != "Soupers citoyens tenus" || *row.Indicator.Target != 20 ||
			len(c.Stories) != 1 || c.Stories[0].Title != "Un jardin partagé à Lemieux" {
			t.Errorf("the new report: %q %+v %+v", c.Model.ImpactFR, row.Indicator, c.Stories)
		}
		if got := titles(c.Milestones); len(got) != 3 {
			t.Errorf("the new report's steps: %q", got)
		}

		// A report made before reports kept what they used reads the
		// model as it is, but its chronology still stops at its period's end.
		if _, err := d.Exec(ctx, `UPDATE impact_reports SET content = NULL WHERE id = ?`, old); err != nil {
			t.Fatal(err)
		}
		if got := titles(read(old).Milestones); len(got) != 2 || got[0] != "Premier souper" {
			t.Errorf("an older report's steps: %q", got)
		}
	})
}

// Recomputing a period outside the years the program records is refused
// with the calendar's message, and nothing is written.
func TestRecomputeIsBounded(t *testing.T) {
	dbtest.Run(t, dbtest.MigrateApp, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		id, err := f.store.PutIndicator(ctx, impact.Indicator{TerritoryID: f.terr.ID, EffectID: f.effect(t, impact.Short, "Des soupers"),
			SourceKey: "test.count", Period: impact.Quarter})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []impact.Period{
			{Start: day(1850, 1, 1), End: day(1850, 4, 1)},
			{Start: day(2026, 10, 1), End: day(9999, 1, 1)},
			{Start: day(1999, 12, 1), End: day(2026, 1, 1)},
		} {
			_, err := f.store.Recompute(ctx, f.terr.ID, id, p, "")
			testkit.WantFields(t, err, "period")
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM impact_snapshots`); n != 0 {
			t.Fatalf("%d snapshots after refusals", n)
		}
		// The last day of the window's last year is accepted.
		if _, err := f.store.Recompute(ctx, f.terr.ID, id, impact.Period{Start: day(2036, 10, 1), End: day(2037, 1, 1)}, ""); err != nil {
			t.Fatal(err)
		}
	})
}
