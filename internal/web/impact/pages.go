package impact

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/errs"
	"implique/internal/i18n"
	imp "implique/internal/impact"
	"implique/internal/indicator"
	"implique/internal/web/kit"
)

// impactPage is the public impact page and the partners' dashboard.
type impactPage struct {
	kit.Base
	Internal           bool
	Impact, Vision     template.HTML
	Terms              []termView
	Done, Next         []milestoneView
	Partners           []template.HTML
	CanCommittee       bool
	CanPortrait        bool
	CanManage          bool
	SmallGroupMinimum  int
	HasPeopleIndicator bool
	// Surveys are the survey headlines wave by wave (the partners' dashboard).
	Surveys []surveyView
}

func (s *Handlers) impactPage(w http.ResponseWriter, r *http.Request, internal bool) {
	ri := kit.Info(r)
	bd, err := s.Deps.Impact.Board(r.Context(), ri.Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	ms, err := s.Deps.Impact.Milestones(r.Context(), ri.Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	title := "impact.title"
	if internal {
		title = "impact.partners.title"
	}
	p := impactPage{Base: s.Page(w, r, title), Internal: internal, SmallGroupMinimum: ri.Territory.SmallGroupMinimum}
	if bd.Model.ImpactFR != "" {
		p.Impact = p.Both(bd.Model.ImpactFR, bd.Model.ImpactEN)
	}
	if bd.Model.VisionFR != "" {
		p.Vision = p.Both(bd.Model.VisionFR, bd.Model.VisionEN)
	}
	p.Terms = s.board(p.Base, bd, !internal)
	for _, t := range p.Terms {
		for _, e := range t.Effects {
			for _, rd := range e.Readings {
				if rd.Masked || rd.PeopleUnderMinimum {
					p.HasPeopleIndicator = true
				}
			}
		}
	}
	p.Done, p.Next = milestones(p.Base, ms)
	if p.Partners, err = s.partners(r); err != nil {
		s.Fail(w, r, err)
		return
	}
	p.CanCommittee = s.Can(r, auth.ReadCommittee)
	p.CanPortrait = s.Can(r, auth.ReadPortrait)
	if internal {
		if p.Surveys, err = s.surveyHeadlines(r.Context(), p.Base); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	p.CanManage = s.Can(r, auth.ManageImpact)
	s.Render(w, r, http.StatusOK, "impact", p)
}

// partners names the program's partners: the organisations sitting on the
// partners' committee (never their representatives), as typed.
func (s *Handlers) partners(r *http.Request) ([]template.HTML, error) {
	ri := kit.Info(r)
	members, err := s.Deps.Committee.Members(r.Context(), ri.Territory.ID)
	if err != nil {
		return nil, err
	}
	b := s.BaseIn(ri.Lang, ri.Territory)
	var out []template.HTML
	seen := map[string]bool{ri.Territory.OperatorName: true}
	for _, m := range members {
		if m.Active() && !seen[m.Organization] {
			seen[m.Organization] = true
			out = append(out, b.Typed(m.Organization))
		}
	}
	return out, nil
}

// Public is the public impact page: /impact.
func (s *Handlers) Public(w http.ResponseWriter, r *http.Request) { s.impactPage(w, r, false) }

// Partners is the partners' dashboard: /partenaires — aggregates only.
func (s *Handlers) Partners(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ReadImpact) {
		return
	}
	s.impactPage(w, r, true)
}

// adminPage is the staff's logic model: /admin/impact.
type adminPage struct {
	kit.Base
	Model      imp.Model
	Terms      []termView
	Effects    []imp.Effect
	Computable []sourceOption
	Done, Next []milestoneView
	Stories    []storyView
	Places     []kit.PlaceOption
	Months     []monthOption
	Units      []indicator.Unit
	Periods    []imp.PeriodKind
	Statuses   []imp.MilestoneStatus
	TermsAll   []imp.Term
	CanReports bool
}

type sourceOption struct{ Key, Label string }

type monthOption struct {
	Value int
	Label string
}

type storyView struct {
	ID          int64
	On, Place   string
	Title, Body template.HTML
	title       string
}

// Admin is the staff's page of the logic model.
func (s *Handlers) Admin(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageImpact) {
		return
	}
	s.admin(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) admin(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	ri := kit.Info(r)
	ctx := r.Context()
	st := s.Deps.Impact
	bd, err := st.Board(ctx, ri.Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminPage{Base: s.Page(w, r, "impact.admin.title"), Model: bd.Model, Units: indicator.Units, Periods: imp.PeriodKinds,
		Statuses: imp.MilestoneStatuses, TermsAll: imp.Terms, CanReports: s.Can(r, auth.ManageFunding)}
	p.Terms = s.board(p.Base, bd, false)
	for _, e := range bd.Effects {
		p.Effects = append(p.Effects, e.Effect)
	}
	for _, d := range st.Computable() {
		p.Computable = append(p.Computable, sourceOption{Key: d.Key, Label: s.Cat.T(p.Lang, "indicator."+d.Key)})
	}
	for m := 1; m <= 12; m++ {
		p.Months = append(p.Months, monthOption{Value: m, Label: p.T("impact.month_" + strconv.Itoa(m))})
	}
	ms, err := st.Milestones(ctx, ri.Territory.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Done, p.Next = milestones(p.Base, ms)
	stories, err := st.Stories(ctx, ri.Territory.ID, imp.Period{})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, x := range stories {
		p.Stories = append(p.Stories, storyView{ID: x.ID, On: p.Date(x.On.Time()), Place: x.PlaceName, Title: p.Typed(x.Title),
			Body: p.Typed(x.Body), title: x.Title})
	}
	if p.Places, err = s.PlaceOptions(r); err != nil {
		s.Fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{}
		form.Set("impact_fr", bd.Model.ImpactFR)
		form.Set("impact_en", bd.Model.ImpactEN)
		form.Set("vision_fr", bd.Model.VisionFR)
		form.Set("vision_en", bd.Model.VisionEN)
		form.Set("year_start", strconv.Itoa(int(bd.Model.YearStart)))
		form.Set("ind_period", string(imp.Year))
		form.Set("ms_status", string(imp.Planned))
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_impact", p)
}

// prefixed renames a store's field to the form's own field.
func prefixed(prefix string) func(string) string {
	return func(f string) string { return prefix + f }
}

// SaveModel saves the impact, the vision and the program year.
func (s *Handlers) SaveModel(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageImpact) {
		return
	}
	month, _ := strconv.Atoi(r.PostFormValue("year_start"))
	err := s.Deps.Impact.SetModel(r.Context(), imp.Model{TerritoryID: kit.Info(r).Territory.ID, ImpactFR: r.PostFormValue("impact_fr"),
		ImpactEN: r.PostFormValue("impact_en"), VisionFR: r.PostFormValue("vision_fr"), VisionEN: r.PostFormValue("vision_en"),
		YearStart: time.Month(month)})
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) { s.admin(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "impact.admin.saved", "/admin/impact")
}

// AddEffect adds an expected effect or a condition of success.
func (s *Handlers) AddEffect(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageImpact) {
		return
	}
	_, err := s.Deps.Impact.PutEffect(r.Context(), imp.Effect{TerritoryID: kit.Info(r).Territory.ID, Term: imp.Term(r.PostFormValue("effect_term")),
		TitleFR: r.PostFormValue("effect_title_fr"), TitleEN: r.PostFormValue("effect_title_en")})
	if err != nil {
		s.RefuseOn(w, r, err, prefixed("effect_"), func(status int, problems map[string]string) { s.admin(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "impact.admin.effect_added", "/admin/impact#effets")
}

// AddIndicator adds an indicator to an effect: computed (a source) or
// entered (its name, definition and unit).
func (s *Handlers) AddIndicator(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageImpact) {
		return
	}
	i, err := indicatorForm(r, "ind_")
	i.TerritoryID = kit.Info(r).Territory.ID
	var id int64
	if err == nil {
		id, err = s.Deps.Impact.PutIndicator(r.Context(), i)
	}
	if err != nil {
		s.RefuseOn(w, r, err, prefixed("ind_"), func(status int, problems map[string]string) { s.admin(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "impact.admin.indicator_added", "/admin/impact/indicateurs/"+strconv.FormatInt(id, 10))
}

// indicatorForm reads an indicator's fields named prefix+…; the error
// names the numbers and days that cannot be read (without the prefix).
func indicatorForm(r *http.Request, prefix string) (imp.Indicator, error) {
	get := func(k string) string { return r.PostFormValue(prefix + k) }
	effect, _ := strconv.ParseInt(get("effect"), 10, 64)
	i := imp.Indicator{EffectID: effect, SourceKey: get("source"), NameFR: get("name_fr"), NameEN: get("name_en"),
		DefinitionFR: get("definition_fr"), DefinitionEN: get("definition_en"), Unit: indicator.Unit(get("unit")),
		Period: imp.PeriodKind(get("period"))}
	f := errs.Fields{}
	for _, n := range []struct {
		field string
		to    **float64
	}{{"baseline", &i.Baseline}, {"target", &i.Target}} {
		v := strings.TrimSpace(get(n.field))
		if v == "" {
			continue
		}
		x, ok := i18n.ParseDecimal(v)
		if !ok {
			f.Add(n.field, "impact.error.value")
			continue
		}
		*n.to = &x
	}
	i.BaselineOn = calendar.Record.Parse(f, "baseline_on", get("baseline_on"), false)
	i.TargetOn = calendar.Record.Parse(f, "target_on", get("target_on"), false)
	return i, f.Err()
}

// Refresh computes the indicators' values now rather than at the next run.
func (s *Handlers) Refresh(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageImpact) {
		return
	}
	_, err := s.Deps.Impact.Refresh(r.Context(), kit.Info(r).Territory.ID)
	s.Done(w, r, err, "impact.admin.refreshed", "/admin/impact")
}

// SaveMilestone adds a step of the chronology or a next step, or changes one.
func (s *Handlers) SaveMilestone(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageImpact) {
		return
	}
	id, _ := strconv.ParseInt(r.PostFormValue("ms_id"), 10, 64)
	m := imp.Milestone{ID: id, TerritoryID: kit.Info(r).Territory.ID, TitleFR: r.PostFormValue("ms_title_fr"), TitleEN: r.PostFormValue("ms_title_en"),
		Status: imp.MilestoneStatus(r.PostFormValue("ms_status")), Owner: r.PostFormValue("ms_owner")}
	f := errs.Fields{}
	m.On = calendar.Happening(s.Deps.Now()).Parse(f, "on", r.PostFormValue("ms_on"), false)
	err := f.Err()
	if err == nil {
		_, err = s.Deps.Impact.PutMilestone(r.Context(), m)
	}
	if err != nil {
		s.RefuseOn(w, r, err, prefixed("ms_"), func(status int, problems map[string]string) { s.admin(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "impact.admin.milestone_saved", "/admin/impact#chronologie")
}

// RemoveMilestone deletes a milestone after confirmation.
func (s *Handlers) RemoveMilestone(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageImpact) {
		return
	}
	if !s.Confirmed(w, r) {
		return
	}
	err := s.Deps.Impact.RemoveMilestone(r.Context(), kit.Info(r).Territory.ID, kit.PathID(r, "id"))
	s.Done(w, r, err, "impact.admin.milestone_removed", "/admin/impact#chronologie")
}

// AddStory keeps a highlight for the reports.
func (s *Handlers) AddStory(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageImpact) {
		return
	}
	ri := kit.Info(r)
	st := imp.Story{TerritoryID: ri.Territory.ID, Title: r.PostFormValue("story_title"), Body: r.PostFormValue("story_body"),
		PlaceSlug: r.PostFormValue("story_place")}
	f := errs.Fields{}
	st.On = calendar.Happening(s.Deps.Now()).Parse(f, "on", r.PostFormValue("story_on"), true)
	err := f.Err()
	if err == nil {
		_, err = s.Deps.Impact.AddStory(r.Context(), st, ri.Principal.User.ID)
	}
	if err != nil {
		s.RefuseOn(w, r, err, prefixed("story_"), func(status int, problems map[string]string) { s.admin(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "impact.admin.story_added", "/admin/impact#faits")
}

// RemoveStory deletes a highlight after confirmation.
func (s *Handlers) RemoveStory(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageImpact) {
		return
	}
	if !s.Confirmed(w, r) {
		return
	}
	err := s.Deps.Impact.RemoveStory(r.Context(), kit.Info(r).Territory.ID, kit.PathID(r, "id"))
	s.Done(w, r, err, "impact.admin.story_removed", "/admin/impact#faits")
}
