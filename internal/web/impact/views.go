// Package impact serves the program's impact: the public page (/impact),
// the partners' dashboard (/partenaires), the staff's logic model
// (/admin/impact) and the reports for funders (/admin/rapports).
package impact

import (
	"embed"
	"html/template"
	"math"
	"strconv"
	"time"

	"implique/internal/chart"
	"implique/internal/i18n"
	imp "implique/internal/impact"
	"implique/internal/indicator"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

// readingView is an indicator as a page shows it.
type readingView struct {
	// B is the page's base, for the partial's words.
	B kit.Base
	// Alone: the indicator's own page, under its <h1>.
	Alone              bool
	ID                 int64
	Name, Definition   template.HTML
	name               string
	Value, Period      string
	Masked, None       bool
	ComputedAt         string
	Entered            bool
	Note               template.HTML
	Baseline, Target   string
	Progress           int
	HasProgress        bool
	Chart              template.HTML
	Points             []pointView
	ChartID, TableID   string
	Archived           bool
	SourceKey          string
	PeopleUnderMinimum bool
}

// pointView is a point of a series: its period, its value, and when the
// value was computed or entered (« calculé le … », empty when none is kept).
type pointView struct{ Label, Value, When string }

// computedOn says when a snapshot's value was computed or entered.
func computedOn(b kit.Base, sn *imp.Snapshot) string {
	if sn == nil {
		return ""
	}
	if sn.EnteredBy != nil {
		return b.T("impact.point_entered", b.Date(sn.ComputedAt))
	}
	return b.T("impact.point_computed", b.Date(sn.ComputedAt))
}

type effectView struct {
	ID       int64
	Term     imp.Term
	Title    template.HTML
	title    string
	Readings []readingView
}

// termView groups the effects of a term.
type termView struct {
	Term    imp.Term
	Effects []effectView
}

// names of an indicator in the page's language: marked when typed.
func name(b kit.Base, cat i18n.Catalogs, ind imp.Indicator) (string, template.HTML) {
	if ind.NameFR != "" {
		plain := ind.NameFR
		if b.Lang == "en" && ind.NameEN != "" {
			plain = ind.NameEN
		}
		return plain, b.Both(ind.NameFR, ind.NameEN)
	}
	s := ind.Name(cat, b.Lang)
	return s, template.HTML(template.HTMLEscapeString(s))
}

func definition(b kit.Base, cat i18n.Catalogs, ind imp.Indicator) template.HTML {
	if ind.DefinitionFR != "" {
		return b.Both(ind.DefinitionFR, ind.DefinitionEN)
	}
	return template.HTML(template.HTMLEscapeString(ind.Definition(cat, b.Lang)))
}

// value words v in the indicator's unit.
func value(b kit.Base, u indicator.Unit, v float64) string { return imp.FormatValue(b.Lang, u, v) }

// period words p: a total since its first day (kind Total), else by its
// days — a month, a quarter, a program year, or any span.
func period(b kit.Base, k imp.PeriodKind, p imp.Period) string {
	start, last := p.Start.Time(), p.Last().Time()
	whole := p.Start.Day == 1
	switch {
	case k == imp.Total:
		return b.T("impact.period.since", i18n.Date(b.Lang, start))
	case whole && p.End == p.Start.AddMonths(1):
		return i18n.Month(b.Lang, start.Month()) + " " + itoa(start.Year())
	case whole && p.End == p.Start.AddMonths(12):
		if start.Month() == time.January {
			return itoa(start.Year())
		}
		return b.T("impact.period.year", itoa(start.Year()), itoa(last.Year()))
	case whole && p.End == p.Start.AddMonths(3):
		if start.Year() == last.Year() {
			return b.T("impact.period.months", i18n.Month(b.Lang, start.Month()), i18n.Month(b.Lang, last.Month())+" "+itoa(last.Year()))
		}
		return b.T("impact.period.months", i18n.Month(b.Lang, start.Month())+" "+itoa(start.Year()), i18n.Month(b.Lang, last.Month())+" "+itoa(last.Year()))
	}
	return b.T("impact.period.span", i18n.Date(b.Lang, start), i18n.Date(b.Lang, last))
}

func itoa(n int) string { return strconv.Itoa(n) }

// publicPoints is how many periods the public page draws of a series: a
// page read on a phone stays short.
var publicPoints = map[imp.PeriodKind]int{imp.Month: 6, imp.Quarter: 4, imp.Year: 3, imp.Total: 6}

// reading builds an indicator's view; public hides the counts of people
// under the territory's small-group minimum.
func (s *Handlers) reading(b kit.Base, r imp.Reading, public bool) readingView {
	v := readingView{B: b, ID: r.ID, Entered: r.Entered(), Archived: r.Archived, SourceKey: r.SourceKey}
	v.name, v.Name = name(b, s.Cat, r.Indicator)
	v.Definition = definition(b, s.Cat, r.Indicator)
	v.ChartID, v.TableID = "chart-"+itoa(int(r.ID)), "table-"+itoa(int(r.ID))
	min := float64(b.Territory.SmallGroupMinimum)
	hide := func(x float64) bool { return public && r.People() && x > 0 && x < min }
	if r.Baseline != nil {
		v.Baseline = value(b, r.Unit, *r.Baseline)
		if !r.BaselineOn.IsZero() {
			v.Baseline = b.T("impact.on_date", v.Baseline, i18n.Date(b.Lang, r.BaselineOn.Time()))
		}
	}
	if r.Target != nil {
		v.Target = b.T("impact.on_date", value(b, r.Unit, *r.Target), i18n.Date(b.Lang, r.TargetOn.Time()))
	}
	if c := r.Current; c != nil {
		v.Period = period(b, r.Period, c.Period)
		v.ComputedAt = b.Date(c.Snapshot.ComputedAt)
		if c.Snapshot.Note != "" {
			v.Note = b.Typed(c.Snapshot.Note)
		}
		if hide(*c.Snapshot.Value) {
			v.Masked, v.Value = true, b.T("impact.fewer_than", b.Territory.SmallGroupMinimum)
		} else {
			v.Value = value(b, r.Unit, *c.Snapshot.Value)
			if r.Progress != nil {
				v.HasProgress, v.Progress = true, int(math.Round(*r.Progress))
			}
		}
	} else {
		v.None = true
	}
	// The series: the chart and the same figures in a table.
	var bars []chart.Bar
	series := r.Series
	if n := publicPoints[r.Period]; public && len(series) > n {
		series = series[len(series)-n:]
	}
	peak := 0.0
	for _, pt := range series {
		if pt.Snapshot != nil && pt.Snapshot.Value != nil && *pt.Snapshot.Value > peak {
			peak = *pt.Snapshot.Value
		}
	}
	masked := false
	for _, pt := range series {
		pv := pointView{Label: period(b, r.Period, pt.Period)}
		if r.Period == imp.Total {
			pv.Label = b.T("impact.period.until", i18n.Date(b.Lang, pt.Period.Last().Time()))
		}
		pv.When = computedOn(b, pt.Snapshot)
		bar := chart.Bar{Label: pv.Label}
		switch {
		case pt.Snapshot == nil && r.Entered():
			pv.Value = b.T("impact.not_entered")
			bar.Text = "—"
		case pt.Snapshot == nil:
			pv.Value = b.T("impact.not_kept")
			bar.Text = "—"
		case pt.Snapshot.Value == nil:
			pv.Value = b.T("impact.too_few")
			bar.Text = "—"
		case hide(*pt.Snapshot.Value):
			pv.Value = b.T("impact.fewer_than", b.Territory.SmallGroupMinimum)
			masked = true
		default:
			pv.Value = value(b, r.Unit, *pt.Snapshot.Value)
			bar.Text = pv.Value
			switch {
			case r.Unit == indicator.Percent:
				bar.Value = *pt.Snapshot.Value
			case peak > 0:
				bar.Value = *pt.Snapshot.Value / peak * 100
			}
		}
		v.Points = append(v.Points, pv)
		bars = append(bars, bar)
	}
	if !masked && peak > 0 {
		v.Chart = template.HTML(chart.Bars{ID: v.ChartID, Title: v.name, Desc: b.T("impact.chart_desc"), Bars: bars, Lang: b.Lang, Relative: r.Unit != indicator.Percent}.SVG())
	}
	v.PeopleUnderMinimum = masked
	return v
}

// board builds the terms, effects and readings of a board.
func (s *Handlers) board(b kit.Base, bd imp.Board, public bool) []termView {
	var out []termView
	for _, term := range imp.Terms {
		tv := termView{Term: term}
		for _, e := range bd.Effects {
			if e.Term != term {
				continue
			}
			ev := effectView{ID: e.ID, Term: e.Term, Title: b.Both(e.TitleFR, e.TitleEN), title: e.TitleFR}
			if b.Lang == "en" && e.TitleEN != "" {
				ev.title = e.TitleEN
			}
			for _, r := range e.Readings {
				ev.Readings = append(ev.Readings, s.reading(b, r, public))
			}
			tv.Effects = append(tv.Effects, ev)
		}
		if len(tv.Effects) > 0 {
			out = append(out, tv)
		}
	}
	return out
}

// milestoneView is a step of the chronology or a next step.
type milestoneView struct {
	B        kit.Base
	Statuses []imp.MilestoneStatus
	ID       int64
	On       string
	Title    template.HTML
	Status   imp.MilestoneStatus
	Owner    template.HTML
	M        imp.Milestone
}

func milestones(b kit.Base, ms []imp.Milestone) (done, next []milestoneView) {
	for _, m := range ms {
		v := milestoneView{B: b, Statuses: imp.MilestoneStatuses, ID: m.ID, Title: b.Both(m.TitleFR, m.TitleEN), Status: m.Status, M: m}
		if !m.On.IsZero() {
			v.On = i18n.Date(b.Lang, m.On.Time())
		}
		if m.Owner != "" {
			v.Owner = b.Typed(m.Owner)
		}
		if m.Status == imp.Done {
			done = append(done, v)
		} else {
			next = append(next, v)
		}
	}
	return done, next
}
