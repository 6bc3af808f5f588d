package impact

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/chart"
	"implique/internal/errs"
	"implique/internal/export"
	"implique/internal/i18n"
	imp "implique/internal/impact"
	"implique/internal/indicator"
	"implique/internal/web/kit"
)

// reportsPage lists the reports made and offers to make one.
type reportsPage struct {
	kit.Base
	Reports                         []reportLine
	Sections                        []imp.Section
	LastQuarter, LastYear, ThisYear string
}

type reportLine struct {
	ID                  int64
	Title, Period, Made string
	Sections            string
}

// Reports is the page of the reports for funders: /admin/rapports.
func (s *Handlers) Reports(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageFunding) {
		return
	}
	s.reports(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) reports(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := kit.Info(r)
	st := s.Deps.Impact
	p := reportsPage{Base: s.Page(w, r, "impact.reports.title"), Sections: imp.Sections}
	lq, ly, ty, err := st.SuggestedPeriods(r.Context(), ri.Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.LastQuarter, p.LastYear, p.ThisYear = period(p.Base, imp.Quarter, lq), period(p.Base, imp.Year, ly), period(p.Base, imp.Year, ty)
	reports, err := st.Reports(r.Context(), ri.Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, x := range reports {
		line := reportLine{ID: x.ID, Title: x.Title, Period: period(p.Base, "", x.Period), Made: p.DateTime(x.CreatedAt)}
		for i, sec := range x.Sections {
			if i > 0 {
				line.Sections += ", "
			}
			line.Sections += p.T("impact.section." + string(sec))
		}
		p.Reports = append(p.Reports, line)
	}
	if form == nil {
		form = url.Values{}
		form.Set("span", "last_quarter")
		form.Set("title", p.T("impact.reports.default_title", p.LastQuarter))
		for _, sec := range imp.Sections {
			form.Add("sections", string(sec))
		}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_reports", p)
}

// CreateReport makes a report for the period asked and opens it.
func (s *Handlers) CreateReport(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageFunding) {
		return
	}
	ri := kit.Info(r)
	st := s.Deps.Impact
	lq, ly, ty, err := st.SuggestedPeriods(r.Context(), ri.Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	f := errs.Fields{}
	var p imp.Period
	switch r.PostFormValue("span") {
	case "last_quarter":
		p = lq
	case "last_year":
		p = ly
	case "this_year":
		p = ty
	case "custom":
		w := calendar.Happening(s.Deps.Now())
		p.Start = w.Parse(f, "start", r.PostFormValue("start"), true)
		last := w.Parse(f, "end", r.PostFormValue("end"), true)
		if !last.IsZero() {
			p.End = calendar.DateOf(last.Time().AddDate(0, 0, 1))
		}
		if !p.Start.IsZero() && !last.IsZero() && last.Before(p.Start) {
			f.Add("end", "impact.error.period_order")
		}
	default:
		f.Add("span", "impact.error.period")
	}
	var sections []imp.Section
	for _, x := range r.PostForm["sections"] {
		sections = append(sections, imp.Section(x))
	}
	if len(sections) == 0 {
		f.Add("sections", "impact.error.sections")
	}
	err = f.Err()
	var id int64
	if err == nil {
		id, err = st.CreateReport(r.Context(), imp.ReportRequest{TerritoryID: ri.Territory.ID, Title: r.PostFormValue("title"),
			Period: p, Sections: sections, By: ri.Principal.User.ID})
	}
	if err != nil {
		s.RefuseOn(w, r, err, func(f string) string {
			if f == "period" {
				return "span"
			}
			return f
		}, func(status int, problems map[string]string) { s.reports(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "impact.reports.made", "/admin/rapports/"+strconv.FormatInt(id, 10))
}

// reportView is a report as the page, the PDF and the workbook show it:
// every text in one language.
type reportView struct {
	Title, Subtitle, Period string
	Impact                  string
	// Made says who prepared it and when; By is who (typed).
	Made, By string
	Sections []reportSectionView
}

type reportSectionView struct {
	ID, Title, Intro, Empty string
	Rows                    []reportRowView
	Header                  []string
	Table                   [][]string
	// Typed marks the table's columns people typed (the page marks their
	// language).
	Typed   []bool
	Stories []reportStoryView
	// Bars is a chart: each bar's share (0–100) and its figure.
	Bars  []chart.Bar
	Chart template.HTML
}

// reportRowView is an indicator's line. Effect and Note are typed (the
// effect's title when it has no translation, the source of an entered
// value); Label is the indicator's name.
type reportRowView struct {
	Effect, Label, Value, Meta, Note string
	EffectTyped                      bool
	Progress                         *float64
}

// label is the row's whole label, as the PDF and the workbook write it.
func (r reportRowView) label() string {
	if r.Effect == "" {
		return r.Label
	}
	return r.Effect + " — " + r.Label
}

// meta is the row's period, source and date, with the note.
func (r reportRowView) meta() string {
	if r.Note == "" {
		return r.Meta
	}
	return r.Meta + " " + r.Note
}

type reportStoryView struct{ Title, Meta, Body string }

// buildReport words a report in lang.
func (s *Handlers) buildReport(b kit.Base, c imp.ReportContent) reportView {
	lang := b.Lang
	v := reportView{Title: c.Title, Subtitle: b.Territory.ProgramName + " — " + b.Territory.Name, Period: period(b, "", c.Period),
		Made: b.T("impact.report.made", b.DateTime(c.CreatedAt)), By: b.Territory.OperatorName}
	if c.Model.ImpactFR != "" {
		v.Impact = c.Model.ImpactFR
		if lang == "en" && c.Model.ImpactEN != "" {
			v.Impact = c.Model.ImpactEN
		}
	}
	// few: a count of people under the small-group minimum, hidden in a
	// report that leaves the team.
	few := func(ind imp.Indicator, v float64) bool {
		return ind.People() && v > 0 && v < float64(b.Territory.SmallGroupMinimum)
	}
	row := func(e *imp.ReportEffect, rr imp.ReportRow) reportRowView {
		ind := rr.Indicator
		out := reportRowView{Label: ind.Name(s.Cat, lang)}
		if e != nil {
			out.Effect, out.EffectTyped = e.TitleFR, true
			if lang == "en" && e.TitleEN != "" {
				out.Effect, out.EffectTyped = e.TitleEN, false
			}
		}
		switch sn := rr.Value; {
		case sn == nil:
			out.Meta = b.T("impact.report.no_value")
		case sn.EnteredBy != nil:
			out.Meta, out.Note = b.T("impact.report.meta_entered", period(b, "", sn.Period), b.Date(sn.ComputedAt)), sn.Note
		default:
			out.Meta = b.T("impact.report.meta_computed", period(b, "", sn.Period), b.Date(sn.ComputedAt))
		}
		switch {
		case rr.Value == nil:
			out.Value = "—"
		case rr.Value.Value == nil:
			out.Value = b.T("impact.too_few")
		case few(ind, *rr.Value.Value):
			out.Value = b.T("impact.fewer_than", b.Territory.SmallGroupMinimum)
		default:
			out.Value = value(b, ind.Unit, *rr.Value.Value)
			if ind.Target != nil {
				out.Value = b.T("impact.report.value_target", out.Value, value(b, ind.Unit, *ind.Target))
				// Progress only when the value is over the indicator's own
				// period (a year's target is not read from a quarter).
				sp := rr.Value.Period
				own := ind.Period == imp.Total && sp.Start == ind.BaselineOn ||
					ind.Period != imp.Total && imp.PeriodOf(ind.Period, sp.Start, c.Model.YearStart, ind.BaselineOn) == sp
				if !own {
					break
				}
				base := 0.0
				if ind.Baseline != nil {
					base = *ind.Baseline
				}
				if *ind.Target != base {
					pr := (*rr.Value.Value - base) / (*ind.Target - base) * 100
					pr = max(pr, 0)
					out.Progress = &pr
				}
			}
		}
		return out
	}
	for _, x := range imp.Sections {
		if !c.Has(x) {
			continue
		}
		switch x {
		case imp.SectionModel:
			// First, how far each target is reached, as a chart.
			progress := reportSectionView{ID: "progress", Title: b.T("impact.report.progress"), Intro: b.T("impact.report.progress_intro")}
			for _, e := range c.Effects {
				for _, rr := range e.Rows {
					if r := row(nil, rr); r.Progress != nil {
						progress.Bars = append(progress.Bars, chart.Bar{Label: r.Label, Value: min(*r.Progress, 100),
							Text: b.T("impact.report.percent", b.Decimal(*r.Progress, 0))})
					}
				}
			}
			if len(progress.Bars) > 0 {
				progress.Chart = template.HTML(chart.Bars{ID: "progress", Title: progress.Title, Desc: progress.Intro, Bars: progress.Bars,
					Lang: lang}.SVG())
				v.Sections = append(v.Sections, progress)
			}
			for _, term := range imp.Terms {
				sec := reportSectionView{ID: "term-" + string(term), Title: b.T("impact.term." + string(term))}
				for i := range c.Effects {
					e := &c.Effects[i]
					if e.Term != term {
						continue
					}
					for _, rr := range e.Rows {
						sec.Rows = append(sec.Rows, row(e, rr))
					}
				}
				if len(sec.Rows) > 0 {
					v.Sections = append(v.Sections, sec)
				}
			}
		case imp.SectionPlaces:
			sec := reportSectionView{ID: "places", Title: b.T("impact.section.places"), Intro: b.T("impact.report.places_intro"),
				Empty: b.T("impact.report.places_none")}
			var cols []imp.ReportRow
			for _, e := range c.Effects {
				for _, rr := range e.Rows {
					// The activities: what happened in each place during the
					// period (a state at its end reads in the model).
					if len(rr.ByPlace) > 0 && (rr.Indicator.Def == nil || !rr.Indicator.Def.Stock) {
						cols = append(cols, rr)
					}
				}
			}
			if len(cols) > 0 {
				sec.Header = []string{b.T("impact.report.municipality")}
				sec.Typed = make([]bool, len(cols)+1)
				sec.Typed[0] = true
				byPlace := map[string][]string{}
				var order []string
				for i, col := range cols {
					sec.Header = append(sec.Header, col.Indicator.Name(s.Cat, lang))
					for _, sn := range col.ByPlace {
						if _, ok := byPlace[sn.PlaceName]; !ok {
							byPlace[sn.PlaceName] = make([]string, len(cols))
							order = append(order, sn.PlaceName)
						}
						cell := b.T("impact.too_few")
						switch {
						case sn.Value != nil && few(col.Indicator, *sn.Value):
							cell = b.T("impact.fewer_than", b.Territory.SmallGroupMinimum)
						case sn.Value != nil:
							cell = value(b, col.Indicator.Unit, *sn.Value)
						}
						byPlace[sn.PlaceName][i] = cell
					}
				}
				for _, pl := range order {
					sec.Table = append(sec.Table, append([]string{pl}, byPlace[pl]...))
				}
			}
			v.Sections = append(v.Sections, sec)
		case imp.SectionHours:
			sec := reportSectionView{ID: "hours", Title: b.T("impact.section.hours"), Empty: b.T("impact.report.hours_none")}
			for _, e := range c.Effects {
				for _, rr := range e.Rows {
					if rr.Indicator.Unit == indicator.Hours || rr.Indicator.Unit == indicator.Dollars {
						sec.Rows = append(sec.Rows, row(nil, rr))
					}
				}
			}
			v.Sections = append(v.Sections, sec)
		case imp.SectionStories:
			sec := reportSectionView{ID: "stories", Title: b.T("impact.section.stories"), Empty: b.T("impact.report.stories_none")}
			for _, st := range c.Stories {
				m := i18n.Date(lang, st.On.Time())
				if st.PlaceName != "" {
					m += " · " + st.PlaceName
				}
				sec.Stories = append(sec.Stories, reportStoryView{Title: st.Title, Meta: m, Body: st.Body})
			}
			v.Sections = append(v.Sections, sec)
		case imp.SectionChronology, imp.SectionNext:
			sec := reportSectionView{ID: string(x), Title: b.T("impact.section." + string(x)), Empty: b.T("impact.report." + string(x) + "_none")}
			sec.Header = []string{b.T("impact.report.col_date"), b.T("impact.report.col_step"), b.T("impact.report.col_owner")}
			sec.Typed = []bool{false, false, true, false}
			if x == imp.SectionNext {
				sec.Header = append(sec.Header, b.T("impact.report.col_status"))
			}
			for _, m := range c.Milestones {
				if (m.Status == imp.Done) != (x == imp.SectionChronology) {
					continue
				}
				when := b.T("impact.undated")
				if !m.On.IsZero() {
					when = i18n.Date(lang, m.On.Time())
				}
				title := m.TitleFR
				if lang == "en" && m.TitleEN != "" {
					title = m.TitleEN
				}
				line := []string{when, title, m.Owner}
				if x == imp.SectionNext {
					line = append(line, b.T("impact.status."+string(m.Status)))
				}
				sec.Table = append(sec.Table, line)
			}
			if len(sec.Table) == 0 {
				sec.Header = nil
			}
			v.Sections = append(v.Sections, sec)
		}
	}
	return v
}

// reportPage shows a report before it is downloaded.
type reportPage struct {
	kit.Base
	ID     int64
	Report reportView
}

// loadReport reads the report of the URL for a reader in lang ("" for the
// page's language).
func (s *Handlers) loadReport(w http.ResponseWriter, r *http.Request) (imp.ReportContent, bool) {
	return kit.Load(s.Kit, w, r, auth.ManageFunding, s.Deps.Impact.Report)
}

// Report is the page of one report: /admin/rapports/{id}.
func (s *Handlers) Report(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadReport(w, r)
	if !ok {
		return
	}
	p := reportPage{Base: s.Page(w, r, ""), ID: c.ID}
	p.Report = s.buildReport(p.Base, c)
	p.SetTitle("impact.report.page_title", c.Title)
	s.Render(w, r, http.StatusOK, "admin_report", p)
}

// readerBase is the page's base in the language the download asks for
// (?langue=en or fr), the page's own otherwise.
func (s *Handlers) readerBase(w http.ResponseWriter, r *http.Request) kit.Base {
	b := s.Page(w, r, "")
	if l := r.URL.Query().Get("langue"); l == "fr" || l == "en" {
		b = s.BaseIn(l, b.Territory)
	}
	return b
}

// ReportPDF downloads a report as a PDF, in French or English (?langue=).
func (s *Handlers) ReportPDF(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadReport(w, r)
	if !ok {
		return
	}
	b := s.readerBase(w, r)
	v := s.buildReport(b, c)
	doc := export.ReportDoc{Title: v.Title, Subtitle: v.Subtitle, Period: v.Period, Lang: b.Lang,
		Footer: v.Subtitle + " — " + v.Period, Created: c.CreatedAt.In(b.Territory.Location())}
	doc.Cover = append(doc.Cover, v.By+" — "+v.Made)
	if v.Impact != "" {
		doc.Cover = append(doc.Cover, b.T("impact.report.cover_aim", v.Impact))
	}
	for _, sec := range v.Sections {
		ps := export.ReportSection{Title: sec.Title, Intro: sec.Intro, Empty: sec.Empty}
		for _, row := range sec.Rows {
			ps.Rows = append(ps.Rows, export.ReportRow{Label: row.label(), Value: row.Value, Meta: row.meta(), Progress: row.Progress})
		}
		for _, st := range sec.Stories {
			ps.Stories = append(ps.Stories, export.ReportStory{Title: st.Title, Meta: st.Meta, Body: st.Body})
		}
		for _, bar := range sec.Bars {
			ps.Bars = append(ps.Bars, export.ReportBar{Label: bar.Label, Value: bar.Value, Text: bar.Text})
		}
		if len(sec.Table) == 0 {
			doc.Sections = append(doc.Sections, ps)
			continue
		}
		// A table of many columns is printed in parts of a few columns,
		// each beginning with the first (the municipality), so that every
		// word keeps whole on a letter page.
		for i, part := range columnsIn(sec.Header, sec.Table, pdfColumns) {
			if i > 0 {
				ps = export.ReportSection{Title: b.T("impact.report.continued", sec.Title)}
			}
			ps.Table = &export.ReportTable{Header: part.header, Rows: part.rows}
			doc.Sections = append(doc.Sections, ps)
		}
	}
	var buf bytes.Buffer
	if err := export.WriteReportPDF(&buf, doc); err != nil {
		s.Fail(w, r, err)
		return
	}
	kit.SendFile(w, export.ContentTypePDF, export.Filename(v.Title+" "+v.Period, "pdf"), buf.Bytes())
}

// ReportXLSX downloads a report as a workbook, one sheet per section.
func (s *Handlers) ReportXLSX(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadReport(w, r)
	if !ok {
		return
	}
	b := s.readerBase(w, r)
	v := s.buildReport(b, c)
	created := c.CreatedAt
	creator := b.Territory.ProgramName
	var sheets []export.Sheet
	for _, sec := range v.Sections {
		sh := export.Sheet{Name: sec.Title, Lang: b.Lang, Creator: creator, Created: created}
		switch {
		case len(sec.Rows) > 0:
			sh.Header = []string{b.T("impact.admin.col_indicator"), b.T("impact.col_value"), b.T("impact.report.col_source")}
			for _, row := range sec.Rows {
				sh.Rows = append(sh.Rows, []any{row.label(), row.Value, row.meta()})
			}
		case len(sec.Table) > 0:
			sh.Header = sec.Header
			for _, line := range sec.Table {
				cells := make([]any, len(line))
				for i, c := range line {
					cells[i] = c
				}
				sh.Rows = append(sh.Rows, cells)
			}
		case len(sec.Bars) > 0:
			sh.Header = []string{b.T("impact.admin.col_indicator"), b.T("impact.report.progress")}
			for _, bar := range sec.Bars {
				sh.Rows = append(sh.Rows, []any{bar.Label, bar.Text})
			}
		case len(sec.Stories) > 0:
			sh.Header = []string{b.T("impact.admin.story_title"), b.T("impact.report.col_date"), b.T("impact.admin.story_body")}
			for _, st := range sec.Stories {
				sh.Rows = append(sh.Rows, []any{st.Title, st.Meta, st.Body})
			}
		default:
			sh.Rows = [][]any{{sec.Empty}}
		}
		sheets = append(sheets, sh)
	}
	var buf bytes.Buffer
	if err := export.WriteWorkbook(&buf, sheets); err != nil {
		s.Fail(w, r, err)
		return
	}
	kit.SendFile(w, export.ContentTypeXLSX, export.Filename(v.Title+" "+v.Period, "xlsx"), buf.Bytes())
}

// pdfColumns is how many columns a table of the PDF holds, the first
// included.
const pdfColumns = 6

type tablePart struct {
	header []string
	rows   [][]string
}

// columnsIn splits a table into parts of at most n columns, each keeping
// the first column.
func columnsIn(header []string, rows [][]string, n int) []tablePart {
	if len(header) <= n {
		return []tablePart{{header, rows}}
	}
	var out []tablePart
	for from := 1; from < len(header); from += n - 1 {
		to := min(from+n-1, len(header))
		part := tablePart{header: append([]string{header[0]}, header[from:to]...)}
		for _, r := range rows {
			part.rows = append(part.rows, append([]string{r[0]}, r[from:to]...))
		}
		out = append(out, part)
	}
	return out
}
