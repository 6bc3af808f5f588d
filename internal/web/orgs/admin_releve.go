package orgs

import (
	"implique/internal/calendar"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	ogs "implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// Staff pages of the relève radar, the accompaniment log and the adopted
// policies: what the volunteer centre looks at to act on succession.

// radarListCap bounds each list of the radar page; the page says how many
// more there are and the place filter narrows them.
const radarListCap = 100

type radarPage struct {
	kit.Base
	Radar   ogs.Radar
	Places  []kit.PlaceOption
	Place   string
	Horizon int
	// Horizons are the choices of horizon, in months.
	Horizons []int
	// The lists, cut to radarListCap, and their full lengths.
	AtRisk         []ogs.OrgRisk
	Vacant, Ending []ogs.SeatAlert
	Hats           []ogs.HatsAlert
	Counts         map[string]int
	Min, Max       map[string]int
}

func capped[T any](list []T) ([]T, int) {
	if len(list) > radarListCap {
		return list[:radarListCap], len(list)
	}
	return list, len(list)
}

// More is how many items of a list the page left out.
func (p radarPage) More(list string, shown int) int { return p.Counts[list] - shown }

func (s *Handlers) AdminRadar(w http.ResponseWriter, r *http.Request) {
	s.radarPage(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) radarPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	ctx := r.Context()
	t := kit.Info(r).Territory
	q := r.URL.Query()
	p := radarPage{Base: s.Page(w, r, "org.radar.title"), Place: q.Get("lieu"), Horizon: 12, Horizons: []int{3, 6, 12}, Counts: map[string]int{},
		Min: map[string]int{"hats": ogs.MinHats, "years": ogs.MinYears}, Max: map[string]int{"hats": ogs.MaxHats, "years": ogs.MaxYears}}
	if h, err := strconv.Atoi(q.Get("horizon")); err == nil && (h == 3 || h == 6) {
		p.Horizon = h
	}
	if p.Place != "" {
		if _, err := s.Deps.Territories.Place(ctx, t.ID, p.Place); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	var err error
	if p.Radar, err = s.Deps.Orgs.Radar(ctx, t.ID, ogs.RadarFilter{PlaceSlug: p.Place, Reach: s.reach(r, staffOrgs)}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Places, err = s.PlaceOptions(r); err != nil {
		s.Fail(w, r, err)
		return
	}
	var atRisk []ogs.OrgRisk
	for _, o := range p.Radar.Orgs {
		if o.Level == ogs.High || o.Level == ogs.Medium {
			atRisk = append(atRisk, o)
		}
	}
	var ending []ogs.SeatAlert
	for _, e := range p.Radar.Ending {
		if e.Months <= p.Horizon {
			ending = append(ending, e)
		}
	}
	p.AtRisk, p.Counts["risk"] = capped(atRisk)
	p.Vacant, p.Counts["vacant"] = capped(p.Radar.Vacant)
	p.Ending, p.Counts["ending"] = capped(ending)
	p.Hats, p.Counts["hats"] = capped(p.Radar.Hats)
	if form == nil {
		form = url.Values{"hats_threshold": {strconv.Itoa(p.Radar.Settings.HatsThreshold)},
			"long_service_years": {strconv.Itoa(p.Radar.Settings.LongServiceYears)}}
	}
	form.Set("lieu", p.Place)
	form.Set("horizon", strconv.Itoa(p.Horizon))
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_releve", p)
}

func (s *Handlers) AdminRadarSettings(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	err := s.Deps.Orgs.SaveSettings(r.Context(), kit.Info(r).Territory.ID, ogs.SettingsInput{
		HatsThreshold: r.PostFormValue("hats_threshold"), LongServiceYears: r.PostFormValue("long_service_years")})
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) { s.radarPage(w, r, status, r.PostForm, problems) })
		return
	}
	s.Confirm(w, r, "flash.org_settings_saved", "/admin/releve#reglages")
}

// ---- Accompaniment -----------------------------------------------------

type accompanimentPage struct {
	kit.Base
	Today    calendar.Date
	Due      []ogs.Accompaniment
	Upcoming []ogs.Accompaniment
	Log      []ogs.Accompaniment
	Orgs     []ogs.OrgRef
	// Org narrows the log to one organisation (0: all).
	Org int64
}

func (s *Handlers) accompanimentPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	s.Accessed(r, privacy.Viewed, ogs.PrivacyAccompaniments, "accompaniments")
	ctx := r.Context()
	t := kit.Info(r).Territory
	p := accompanimentPage{Base: s.Page(w, r, "org.acc.title")}
	p.Org, _ = strconv.ParseInt(r.URL.Query().Get("organisme"), 10, 64)
	var err error
	if p.Today, err = s.Deps.Orgs.Today(ctx, t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Due, err = s.Deps.Orgs.Accompaniments(ctx, t.ID, ogs.AccompanimentFilter{DueBy: p.Today}); err != nil {
		s.Fail(w, r, err)
		return
	}
	soon, err := s.Deps.Orgs.Accompaniments(ctx, t.ID, ogs.AccompanimentFilter{DueBy: p.Today.AddMonths(1)})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, a := range soon {
		if p.Today.Before(a.FollowUpOn) {
			p.Upcoming = append(p.Upcoming, a)
		}
	}
	if p.Log, err = s.Deps.Orgs.Accompaniments(ctx, t.ID, ogs.AccompanimentFilter{OrganizationID: p.Org, Limit: 200}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Orgs, err = s.Deps.Orgs.Options(ctx, t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"happened_on": {p.Today.String()}}
		if p.Org != 0 {
			form.Set("organization", strconv.FormatInt(p.Org, 10))
		}
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_accompaniment", p)
}

func (s *Handlers) AdminAccompaniment(w http.ResponseWriter, r *http.Request) {
	s.accompanimentPage(w, r, http.StatusOK, nil, nil)
}

func (s *Handlers) AdminLogAccompaniment(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	f := r.PostForm
	orgID, _ := strconv.ParseInt(f.Get("organization"), 10, 64)
	a, err := s.Deps.Orgs.LogAccompaniment(r.Context(), kit.Info(r).Territory.ID, userID(r), ogs.AccompanimentInput{OrganizationID: orgID,
		HappenedOn: f.Get("happened_on"), Topic: f.Get("topic"), People: f.Get("people"), Notes: f.Get("notes"),
		NextStep: f.Get("next_step"), FollowUpOn: f.Get("follow_up_on")})
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) { s.accompanimentPage(w, r, status, f, problems) })
		return
	}
	s.Flash(w, "flash.org_acc_logged")
	back := kit.LocalPath(f.Get("retour"))
	if back == "" || !strings.HasPrefix(back, "/admin/") {
		back = "/admin/accompagnement?organisme=" + strconv.FormatInt(a.Org.ID, 10)
	}
	s.Redirect(w, r, back)
}

func (s *Handlers) AdminFollowUpDone(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	done := r.PostFormValue("done") != "0"
	if err := s.Deps.Orgs.FollowUpDone(r.Context(), kit.Info(r).Territory.ID, kit.PathID(r, "id"), done); err != nil {
		s.Fail(w, r, err)
		return
	}
	if done {
		s.Flash(w, "flash.org_follow_up_done")
	} else {
		s.Flash(w, "flash.org_follow_up_reopened")
	}
	s.Redirect(w, r, "/admin/accompagnement#a-faire")
}

// ---- Policies and indicators -------------------------------------------

type policyAdopters struct {
	Kind  ogs.PolicyKind
	Share ogs.PolicyShare
	Orgs  []ogs.OrgRef
	Days  []calendar.Date
}

type policiesPage struct {
	kit.Base
	Indicators ogs.Indicators
	Adopters   []policyAdopters
}

func (s *Handlers) AdminPolicies(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	ctx := r.Context()
	t := kit.Info(r).Territory
	p := policiesPage{Base: s.Page(w, r, "org.policies.title")}
	var err error
	if p.Indicators, err = s.Deps.Orgs.YearIndicators(ctx, t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, sh := range p.Indicators.Policies {
		refs, days, err := s.Deps.Orgs.Adopters(ctx, t.ID, sh.Kind)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		p.Adopters = append(p.Adopters, policyAdopters{Kind: sh.Kind, Share: sh, Orgs: refs, Days: days})
	}
	s.Render(w, r, http.StatusOK, "admin_policies", p)
}

// Index returns the i-th day of a list (templates).
func (a policyAdopters) Day(i int) calendar.Date { return a.Days[i] }
