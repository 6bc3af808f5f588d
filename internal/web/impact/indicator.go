package impact

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/errs"
	imp "implique/internal/impact"
	"implique/internal/indicator"
	"implique/internal/web/kit"
)

// indicatorPage is one indicator: its definition, baseline and target,
// the values kept (corrections beside what they correct), the values by
// municipality, and the forms to enter or recompute a value.
type indicatorPage struct {
	kit.Base
	Ind        imp.Indicator
	View       readingView
	Effects    []imp.Effect
	History    []historyRow
	ByPlace    []placeRow
	ByPlaceOf  string
	Places     []kit.PlaceOption
	Units      []indicator.Unit
	Periods    []imp.PeriodKind
	Computable []sourceOption
	Path       string
}

type historyRow struct {
	ID                 int64
	Period, Place      string
	Value, ComputedAt  string
	Note               template.HTML
	Entered, Used      bool
	Corrects           int64
	Start, End         string
	Superseded, Masked bool
}

type placeRow struct{ Place, Value, When string }

// Indicator is the staff's page of one indicator.
func (s *Handlers) Indicator(w http.ResponseWriter, r *http.Request) {
	ind, ok := kit.Load(s.Kit, w, r, auth.ManageImpact, s.Deps.Impact.Indicator)
	if !ok {
		return
	}
	s.indicator(w, r, ind, http.StatusOK, nil, nil)
}

func (s *Handlers) indicator(w http.ResponseWriter, r *http.Request, ind imp.Indicator, status int, form url.Values, problems map[string]string) {
	ri := kit.Info(r)
	ctx := r.Context()
	st := s.Deps.Impact
	bd, err := st.Board(ctx, ri.Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := indicatorPage{Base: s.Page(w, r, ""), Ind: ind, Units: indicator.Units, Periods: imp.PeriodKinds,
		Path: "/admin/impact/indicateurs/" + strconv.FormatInt(ind.ID, 10)}
	reading := imp.Reading{Indicator: ind}
	for _, e := range bd.Effects {
		p.Effects = append(p.Effects, e.Effect)
		for _, rd := range e.Readings {
			if rd.ID == ind.ID {
				reading = rd
			}
		}
	}
	p.View = s.reading(p.Base, reading, false)
	p.View.Alone = true
	p.SetTitle("impact.indicator.page_title", p.View.name)
	for _, d := range st.Computable() {
		p.Computable = append(p.Computable, sourceOption{Key: d.Key, Label: s.Cat.T(p.Lang, "indicator."+d.Key)})
	}
	hist, err := st.History(ctx, ri.Territory.ID, ind.ID, 200)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	inForce := map[[3]string]bool{}
	for _, h := range hist {
		place := p.T("impact.whole_territory")
		if h.PlaceID != nil {
			place = h.PlaceName
		}
		kind := ind.Period
		if kind == imp.Total && h.Period.Start != ind.BaselineOn {
			kind = "" // a report's own period
		}
		row := historyRow{ID: h.ID, Period: period(p.Base, kind, h.Period), Place: place, ComputedAt: p.DateTime(h.ComputedAt),
			Entered: h.EnteredBy != nil, Used: h.Used, Start: h.Period.Start.String(), End: h.Period.End.String()}
		if h.Note != "" {
			row.Note = p.Typed(h.Note)
		}
		if h.Corrects != nil {
			row.Corrects = *h.Corrects
		}
		if h.Value == nil {
			row.Value = p.T("impact.too_few")
		} else {
			row.Value = value(p.Base, ind.Unit, *h.Value)
		}
		k := [3]string{row.Start, row.End, place}
		row.Superseded = inForce[k]
		inForce[k] = true
		p.History = append(p.History, row)
	}
	if c := reading.Current; c != nil && ind.Def != nil && ind.Def.Places {
		byPlace, err := st.ByPlace(ctx, ri.Territory.ID, ind.ID, c.Period)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		p.ByPlaceOf = period(p.Base, ind.Period, c.Period)
		for _, sn := range byPlace {
			v := p.T("impact.too_few")
			if sn.Value != nil {
				v = value(p.Base, ind.Unit, *sn.Value)
			}
			p.ByPlace = append(p.ByPlace, placeRow{Place: sn.PlaceName, Value: v, When: computedOn(p.Base, &sn)})
		}
	}
	if p.Places, err = s.PlaceOptions(r); err != nil {
		s.Fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{}
		form.Set("effect", strconv.FormatInt(ind.EffectID, 10))
		form.Set("source", ind.SourceKey)
		form.Set("name_fr", ind.NameFR)
		form.Set("name_en", ind.NameEN)
		form.Set("definition_fr", ind.DefinitionFR)
		form.Set("definition_en", ind.DefinitionEN)
		form.Set("unit", string(ind.Unit))
		form.Set("period", string(ind.Period))
		if ind.Baseline != nil {
			form.Set("baseline", p.Decimal(*ind.Baseline, 2))
		}
		if ind.Target != nil {
			form.Set("target", p.Decimal(*ind.Target, 2))
		}
		form.Set("baseline_on", ind.BaselineOn.String())
		form.Set("target_on", ind.TargetOn.String())
		form.Set("entry_day", calendar.DateOf(s.Deps.Now().In(ri.Territory.Location())).String())
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_indicator", p)
}

// SaveIndicator changes an indicator's definition, baseline and target.
func (s *Handlers) SaveIndicator(w http.ResponseWriter, r *http.Request) {
	ind, ok := kit.Load(s.Kit, w, r, auth.ManageImpact, s.Deps.Impact.Indicator)
	if !ok {
		return
	}
	i, err := indicatorForm(r, "")
	i.ID, i.TerritoryID = ind.ID, ind.TerritoryID
	if err == nil {
		_, err = s.Deps.Impact.PutIndicator(r.Context(), i)
	}
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) { s.indicator(w, r, ind, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "impact.indicator.saved", "/admin/impact/indicateurs/"+strconv.FormatInt(ind.ID, 10))
}

// EnterValue keeps a value staff entered, with where it comes from.
func (s *Handlers) EnterValue(w http.ResponseWriter, r *http.Request) {
	ind, ok := kit.Load(s.Kit, w, r, auth.ManageImpact, s.Deps.Impact.Indicator)
	if !ok {
		return
	}
	ri := kit.Info(r)
	f := errs.Fields{}
	day := calendar.Happening(s.Deps.Now()).Parse(f, "day", r.PostFormValue("entry_day"), true)
	err := f.Err()
	if err == nil {
		_, err = s.Deps.Impact.Enter(r.Context(), imp.Entry{TerritoryID: ri.Territory.ID, IndicatorID: ind.ID, Day: day,
			PlaceSlug: r.PostFormValue("entry_place"), Value: r.PostFormValue("entry_value"), Note: r.PostFormValue("entry_note"),
			By: ri.Principal.User.ID})
	}
	if err != nil {
		s.RefuseOn(w, r, err, prefixed("entry_"), func(status int, problems map[string]string) { s.indicator(w, r, ind, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "impact.indicator.entered", "/admin/impact/indicateurs/"+strconv.FormatInt(ind.ID, 10)+"#valeurs")
}

// Recompute computes a period's value again: a correction, kept beside
// the value it corrects.
func (s *Handlers) Recompute(w http.ResponseWriter, r *http.Request) {
	ind, ok := kit.Load(s.Kit, w, r, auth.ManageImpact, s.Deps.Impact.Indicator)
	if !ok {
		return
	}
	start, ok1 := calendar.Parse(r.PostFormValue("start"))
	end, ok2 := calendar.Parse(r.PostFormValue("end"))
	if !ok1 || !ok2 {
		s.RenderError(w, r, http.StatusBadRequest, "impact.error.period")
		return
	}
	_, err := s.Deps.Impact.Recompute(r.Context(), kit.Info(r).Territory.ID, ind.ID, imp.Period{Start: start, End: end}, r.PostFormValue("place"))
	if e, ok := errs.As(err); ok && e.Fields["period"] != "" {
		// A period outside the years the program records: the window's
		// own message (« L’année doit être entre … »).
		s.RenderMessage(w, r, kit.StatusOf(e.Code), s.Cat.T(kit.Info(r).Lang, e.Fields["period"]))
		return
	}
	s.Done(w, r, err, "impact.indicator.recomputed", "/admin/impact/indicateurs/"+strconv.FormatInt(ind.ID, 10)+"#valeurs")
}

// Archive stops following an indicator, or follows it again.
func (s *Handlers) Archive(w http.ResponseWriter, r *http.Request) {
	ind, ok := kit.Load(s.Kit, w, r, auth.ManageImpact, s.Deps.Impact.Indicator)
	if !ok {
		return
	}
	archive := !ind.Archived
	if archive && !s.Confirmed(w, r) {
		return
	}
	err := s.Deps.Impact.Archive(r.Context(), ind.TerritoryID, ind.ID, archive)
	key := "impact.indicator.archived"
	if !archive {
		key = "impact.indicator.restored"
	}
	s.Done(w, r, err, key, "/admin/impact")
}
