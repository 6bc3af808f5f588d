package initiatives

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	cty "implique/internal/community"
	"implique/internal/errs"
	"implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// Staff pages for citizen initiatives: the list, the form to create one
// (directly or « Lancer une initiative » from an idea) or change it, and an
// initiative's page where staff follow everything: milestones, help wanted,
// actors, people, status, outcome. Every handler asks the policy first
// (auth.ManageInitiatives) and reads only the request's territory.

const initiativesPath = "/admin/initiatives"

func initiativePath(id int64) string { return initiativesPath + "/" + strconv.FormatInt(id, 10) }

func userIDOf(r *http.Request) int64 {
	if u := kit.Info(r).Principal.User; u != nil {
		return u.ID
	}
	return 0
}

// ---- The list ----------------------------------------------------------

type adminInitiativesPage struct {
	kit.Base
	Initiatives []cty.Initiative
	Statuses    []cty.InitiativeStatus
	Status      string
}

func (s *Handlers) AdminInitiatives(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageInitiatives) {
		return
	}
	st := knownInitiativeStatus(r.URL.Query().Get("statut"))
	list, err := s.Deps.Community.Initiatives(r.Context(), kit.Info(r).Territory.ID, cty.InitiativeFilter{Status: st})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminInitiativesPage{Base: s.Page(w, r, "initiative.staff.title"), Initiatives: list,
		Statuses: cty.InitiativeStatuses, Status: string(st)}
	s.Render(w, r, http.StatusOK, "admin_initiatives", p)
}

// ---- The form ----------------------------------------------------------

type adminInitiativeFormPage struct {
	kit.Base
	// Initiative is nil for a new one.
	Initiative *cty.Initiative
	// Idea is the idea a new initiative is born from.
	Idea   *cty.IdeaRecord
	Places []kit.PlaceOption
	Action string
	// Communities it may be born from (a new initiative only).
	Communities []cty.Community
}

func (s *Handlers) initiativeForm(w http.ResponseWriter, r *http.Request, status int, ini *cty.Initiative, idea *cty.IdeaRecord, form url.Values, problems map[string]string) {
	places, err := s.PlaceOptions(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := adminInitiativeFormPage{Base: s.Page(w, r, "initiative.staff.new_title"), Initiative: ini, Idea: idea, Places: places, Action: initiativesPath}
	if ini == nil {
		if p.Communities, err = s.Deps.Community.Communities(r.Context(), kit.Info(r).Territory.ID, cty.CommunityFilter{}); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if ini != nil {
		p.SetTitle("initiative.staff.edit_title", ini.Title)
		p.Action = initiativePath(ini.ID)
	} else if idea != nil {
		p.Title = p.T("initiative.staff.from_idea_title")
	}
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_initiative_form", p)
}

// initiativeInput reads the initiative form; dates that cannot be read are
// problems on their field.
func initiativeInput(f url.Values) (cty.InitiativeInput, errs.Fields) {
	problems := errs.Fields{}
	in := cty.InitiativeInput{Title: f.Get("title"), Summary: f.Get("summary"), Description: f.Get("description"), PlaceSlug: f.Get("place")}
	for field, dst := range map[string]**time.Time{"starts_on": &in.StartsOn, "ends_on": &in.EndsOn} {
		if v := strings.TrimSpace(f.Get(field)); v != "" {
			d, ok := kit.ParseDay(v)
			if !ok {
				problems.Add(field, "errors.date")
				continue
			}
			*dst = &d
		}
	}
	return in, problems
}

func initiativeValues(ini cty.Initiative) url.Values {
	f := url.Values{"title": {ini.Title}, "summary": {ini.Summary}, "description": {ini.Description}, "place": {ini.PlaceSlug}}
	if ini.StartsOn != nil {
		f.Set("starts_on", ini.StartsOn.Format("2006-01-02"))
	}
	if ini.EndsOn != nil {
		f.Set("ends_on", ini.EndsOn.Format("2006-01-02"))
	}
	return f
}

// formIdea loads the idea a form names (?idee= or the hidden field): an
// approved idea of the territory; ok is false otherwise.
func (s *Handlers) formIdea(r *http.Request, v string) (*cty.IdeaRecord, bool, error) {
	id, ok := optionalID(v)
	if !ok {
		return nil, false, nil
	}
	if id == 0 {
		return nil, true, nil
	}
	idea, err := s.Deps.Community.Get(r.Context(), kit.Info(r).Territory.ID, id)
	if errs.Is(err, errs.NotFound) || (err == nil && idea.Moderation != cty.Approved) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return &idea, true, nil
}

func (s *Handlers) AdminNewInitiative(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageInitiatives) {
		return
	}
	idea, ok, err := s.formIdea(r, r.URL.Query().Get("idee"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if !ok {
		s.NotFound(w, r)
		return
	}
	form := url.Values{"place": {r.URL.Query().Get("lieu")}}
	if idea != nil {
		// Prefilled from the idea: staff shape it into a project.
		summary := []rune(strings.Join(strings.Fields(idea.Details), " "))
		if len(summary) > 300 {
			summary = append(summary[:299], '…')
		}
		form = url.Values{"idea": {strconv.FormatInt(idea.ID, 10)}, "title": {idea.Title}, "summary": {string(summary)},
			"place": {idea.PlaceSlug}}
	}
	// Born from a communauté de partage: its name and its first place.
	if id, _ := strconv.ParseInt(r.URL.Query().Get("communaute"), 10, 64); id > 0 {
		c, err := s.Deps.Community.Community(r.Context(), kit.Info(r).Territory.ID, id)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		form.Set("community", strconv.FormatInt(c.ID, 10))
		if form.Get("place") == "" && len(c.Places) > 0 {
			form.Set("place", c.Places[0].Slug)
		}
	}
	s.initiativeForm(w, r, http.StatusOK, nil, idea, form, nil)
}

func (s *Handlers) AdminCreateInitiative(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, auth.ManageInitiatives) {
		return
	}
	f := r.PostForm
	idea, ok, err := s.formIdea(r, f.Get("idea"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if !ok {
		s.initiativeForm(w, r, http.StatusUnprocessableEntity, nil, nil, f, map[string]string{"": "errors.idea_not_found"})
		return
	}
	in, problems := initiativeInput(f)
	if idea != nil {
		in.IdeaID = idea.ID
	}
	if v := f.Get("community"); v != "" {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			in.CommunityID = id
		} else {
			problems.Add("community", "errors.community_not_found")
		}
	}
	if len(problems) > 0 {
		if strings.TrimSpace(in.Title) == "" {
			problems.Add("title", "errors.required")
		}
		s.initiativeForm(w, r, http.StatusUnprocessableEntity, nil, idea, f, problems)
		return
	}
	ini, err := s.Deps.Community.CreateInitiative(r.Context(), kit.Info(r).Territory.ID, userIDOf(r), in)
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) { s.initiativeForm(w, r, status, nil, idea, f, problems) })
		return
	}
	if idea != nil {
		s.Flash(w, "flash.initiative_created_from_idea")
	} else {
		s.Flash(w, "flash.initiative_created")
	}
	s.Redirect(w, r, initiativePath(ini.ID))
}

// staffInitiative asks the policy, reads {id} and loads that initiative of
// the request's territory; anything else is a 403 or a 404.
func (s *Handlers) staffInitiative(w http.ResponseWriter, r *http.Request) (cty.Initiative, bool) {
	return kit.Load(s.Kit, w, r, auth.ManageInitiatives, s.Deps.Community.Initiative)
}

func (s *Handlers) AdminEditInitiative(w http.ResponseWriter, r *http.Request) {
	ini, ok := s.staffInitiative(w, r)
	if !ok {
		return
	}
	s.initiativeForm(w, r, http.StatusOK, &ini, nil, initiativeValues(ini), nil)
}

func (s *Handlers) AdminUpdateInitiative(w http.ResponseWriter, r *http.Request) {
	ini, ok := s.staffInitiative(w, r)
	if !ok {
		return
	}
	in, problems := initiativeInput(r.PostForm)
	if len(problems) > 0 {
		s.initiativeForm(w, r, http.StatusUnprocessableEntity, &ini, nil, r.PostForm, problems)
		return
	}
	_, err := s.Deps.Community.UpdateInitiative(r.Context(), kit.Info(r).Territory.ID, ini.ID, in)
	if err != nil {
		s.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
			s.initiativeForm(w, r, status, &ini, nil, r.PostForm, problems)
		})
		return
	}
	s.Confirm(w, r, "flash.initiative_saved", initiativePath(ini.ID))
}

// ---- The initiative's page ---------------------------------------------

// confirmQuestion asks before a removal done without its confirmation
// (no JavaScript, or a stray click).
type confirmQuestion struct {
	Question, Help, Action, Yes, Back string
}

type adminInitiativePage struct {
	kit.Base
	Initiative cty.Initiative
	Story      []cty.InitiativeStep
	Milestones []cty.Milestone
	Needs      []cty.HelpWanted
	Actors     []cty.Actor
	People     []cty.Person
	Idea       *cty.IdeaRecord
	Statuses   []cty.InitiativeStatus
	ActorKinds []cty.ActorKind
	Supports   []cty.SupportKind
	// Orgs are the directory's organisations an actor may be.
	Orgs []orgs.OrgRef
	// Section is the form the problems belong to.
	Section string
	Confirm *confirmQuestion
}

// SupportChecked reports whether the actor form holds a support kind.
func (p adminInitiativePage) SupportChecked(k cty.SupportKind) bool {
	return p.Checked("actor_supports", string(k))
}

func (s *Handlers) staffInitiativePage(w http.ResponseWriter, r *http.Request, status int, ini cty.Initiative, mod func(*adminInitiativePage)) {
	ctx := r.Context()
	tid := kit.Info(r).Territory.ID
	p := adminInitiativePage{Base: s.Page(w, r, ""), Initiative: ini, Statuses: cty.InitiativeStatuses,
		ActorKinds: cty.ActorKinds, Supports: cty.SupportKinds}
	p.SetTypedTitle(ini.Title)
	var err error
	if p.Orgs, err = s.Deps.Orgs.Options(ctx, tid); err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.Story, err = s.Deps.Community.InitiativeHistory(ctx, tid, ini.ID); err == nil {
		if p.Milestones, err = s.Deps.Community.Milestones(ctx, tid, ini.ID); err == nil {
			if p.Needs, err = s.Deps.Community.HelpNeeds(ctx, tid, ini.ID); err == nil {
				if p.Actors, err = s.Deps.Community.Actors(ctx, tid, ini.ID); err == nil {
					p.People, err = s.Deps.Community.People(ctx, tid, ini.ID)
				}
			}
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Accessed(r, privacy.Viewed, "community.initiative_people", "initiative "+strconv.FormatInt(ini.ID, 10))
	if ini.IdeaID != nil {
		idea, err := s.Deps.Community.Get(ctx, tid, *ini.IdeaID)
		if err == nil {
			p.Idea = &idea
		} else if !errs.Is(err, errs.NotFound) {
			s.Fail(w, r, err)
			return
		}
	}
	p.Form = url.Values{}
	if mod != nil {
		mod(&p)
	}
	defaults := map[string]string{"status": string(ini.Status), "outcome": ini.Outcome, "person_role": cty.Participant,
		"person_lang": "fr", "help_people_needed": "1", "actor_kind": string(cty.ActorMunicipality)}
	for k, v := range defaults {
		if _, ok := p.Form[k]; !ok {
			p.Form.Set(k, v)
		}
	}
	s.Render(w, r, status, "admin_initiative", p)
}

func (s *Handlers) AdminInitiative(w http.ResponseWriter, r *http.Request) {
	ini, ok := s.staffInitiative(w, r)
	if !ok {
		return
	}
	s.staffInitiativePage(w, r, http.StatusOK, ini, nil)
}

// initiativeActionFailed shows a refused action on the initiative's page,
// with the problems on the fields of its section's form (named prefix+field).
func (s *Handlers) initiativeActionFailed(w http.ResponseWriter, r *http.Request, ini cty.Initiative, section, prefix string, err error) {
	e, ok := errs.As(err)
	if !ok || e.Code == errs.NotFound {
		s.Fail(w, r, err)
		return
	}
	s.staffInitiativePage(w, r, kit.StatusOf(e.Code), ini, func(p *adminInitiativePage) {
		p.Section, p.Form = section, r.PostForm
		p.Errors = kit.FormProblems(e, func(f string) string { return prefix + f })
	})
}

// initiativeDone ends an action on the initiative: the page of err when it
// failed, else back to a section of the initiative's page with a message.
func (s *Handlers) initiativeDone(w http.ResponseWriter, r *http.Request, ini cty.Initiative, err error, flash, section string) {
	to := initiativePath(ini.ID)
	if section != "" {
		to += "#" + section
	}
	s.Done(w, r, err, flash, to)
}

func (s *Handlers) AdminPublishInitiative(w http.ResponseWriter, r *http.Request) {
	s.publishInitiative(w, r, true)
}

func (s *Handlers) AdminUnpublishInitiative(w http.ResponseWriter, r *http.Request) {
	s.publishInitiative(w, r, false)
}

func (s *Handlers) publishInitiative(w http.ResponseWriter, r *http.Request, publish bool) {
	ini, ok := s.staffInitiative(w, r)
	if !ok {
		return
	}
	key := "flash.initiative_unpublished"
	if publish {
		key = "flash.initiative_published"
	}
	s.initiativeDone(w, r, ini, s.Deps.Community.PublishInitiative(r.Context(), kit.Info(r).Territory.ID, ini.ID, publish), key, "")
}

// act runs a staff action on one section of the initiative's page: a
// refusal shows the page again with the problems on the section's form
// (fields named prefix+field), success goes back to the section with flash.
func (s *Handlers) act(w http.ResponseWriter, r *http.Request, section, prefix, flash string, do func(ctx context.Context, tid int64, ini cty.Initiative) error) {
	ini, ok := s.staffInitiative(w, r)
	if !ok {
		return
	}
	if err := do(r.Context(), kit.Info(r).Territory.ID, ini); err != nil {
		s.initiativeActionFailed(w, r, ini, section, prefix, err)
		return
	}
	s.initiativeDone(w, r, ini, nil, flash, section)
}

// toggle sets (form field != "0") or clears a flag of the initiative's
// {idName} item, then goes back to its section with onFlash or offFlash.
func (s *Handlers) toggle(w http.ResponseWriter, r *http.Request, idName, field, section, onFlash, offFlash string,
	set func(ctx context.Context, tid, iniID, id int64, on bool) error) {
	ini, ok := s.staffInitiative(w, r)
	if !ok {
		return
	}
	id := kit.PathID(r, idName)
	if id == 0 {
		s.NotFound(w, r)
		return
	}
	on := r.PostFormValue(field) != "0"
	if on {
		offFlash = onFlash
	}
	s.initiativeDone(w, r, ini, set(r.Context(), kit.Info(r).Territory.ID, ini.ID, id, on), offFlash, section)
}

// removal holds the catalog keys of removing one kind of item.
type removal struct{ question, help, yes, flash string }

var (
	milestoneRemoval = removal{"initiative.staff.milestone_remove_question", "initiative.staff.milestone_remove_help",
		"initiative.staff.milestone_remove_yes", "flash.initiative_milestone_removed"}
	actorRemoval = removal{"initiative.staff.actor_remove_question", "initiative.staff.actor_remove_help",
		"initiative.staff.actor_remove_yes", "flash.initiative_actor_removed"}
	personRemoval = removal{"initiative.staff.person_remove_question", "initiative.staff.person_remove_help",
		"initiative.staff.person_remove_yes", "flash.initiative_person_removed"}
)

// removeItem removes the initiative's {idName} item once confirmed; before,
// it finds the item in list (named by key) and asks.
func removeItem[T any](s *Handlers, w http.ResponseWriter, r *http.Request, idName, section string, keys removal,
	list func(ctx context.Context, tid, iniID int64) ([]T, error), key func(T) (int64, string),
	remove func(ctx context.Context, tid, iniID, id int64) error) {
	ini, ok := s.staffInitiative(w, r)
	if !ok {
		return
	}
	id, tid := kit.PathID(r, idName), kit.Info(r).Territory.ID
	if r.PostFormValue("confirm") != "1" {
		items, err := list(r.Context(), tid, ini.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, it := range items {
			if itemID, name := key(it); itemID == id {
				s.askConfirm(w, r, ini, keys, name, section)
				return
			}
		}
		s.NotFound(w, r)
		return
	}
	s.initiativeDone(w, r, ini, remove(r.Context(), tid, ini.ID, id), keys.flash, section)
}

// askConfirm shows the initiative's page opened on the question of
// removing the item name.
func (s *Handlers) askConfirm(w http.ResponseWriter, r *http.Request, ini cty.Initiative, keys removal, name, back string) {
	s.staffInitiativePage(w, r, http.StatusOK, ini, func(p *adminInitiativePage) {
		p.Confirm = &confirmQuestion{Question: p.T(keys.question, name), Help: p.T(keys.help), Action: r.URL.Path, Yes: p.T(keys.yes),
			Back: initiativePath(ini.ID) + "#" + back}
	})
}

func (s *Handlers) AdminInitiativeStatus(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, "statut", "", "flash.initiative_status", func(ctx context.Context, tid int64, ini cty.Initiative) error {
		return s.Deps.Community.SetInitiativeStatus(ctx, tid, ini.ID, userIDOf(r),
			cty.InitiativeStatus(r.PostFormValue("status")), r.PostFormValue("reason"))
	})
}

func (s *Handlers) AdminInitiativeOutcome(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, "bilan", "", "flash.initiative_outcome", func(ctx context.Context, tid int64, ini cty.Initiative) error {
		return s.Deps.Community.SetOutcome(ctx, tid, ini.ID, r.PostFormValue("outcome"))
	})
}

// ---- Milestones --------------------------------------------------------

func (s *Handlers) AdminAddMilestone(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, "etapes", "milestone_", "flash.initiative_milestone_added", func(ctx context.Context, tid int64, ini cty.Initiative) error {
		in := cty.MilestoneInput{Title: r.PostFormValue("milestone_title")}
		if v := strings.TrimSpace(r.PostFormValue("milestone_due_on")); v != "" {
			d, ok := kit.ParseDay(v)
			if !ok {
				problems := errs.Fields{"due_on": "errors.date"}
				if strings.TrimSpace(in.Title) == "" {
					problems.Add("title", "errors.required")
				}
				return problems.Err()
			}
			in.DueOn = &d
		}
		_, err := s.Deps.Community.AddMilestone(ctx, tid, ini.ID, in)
		return err
	})
}

func (s *Handlers) AdminMilestoneDone(w http.ResponseWriter, r *http.Request) {
	s.toggle(w, r, "mid", "done", "etapes", "flash.initiative_milestone_done", "flash.initiative_milestone_undone",
		s.Deps.Community.SetMilestoneDone)
}

func (s *Handlers) AdminRemoveMilestone(w http.ResponseWriter, r *http.Request) {
	removeItem(s, w, r, "mid", "etapes", milestoneRemoval, s.Deps.Community.Milestones,
		func(m cty.Milestone) (int64, string) { return m.ID, m.Title }, s.Deps.Community.RemoveMilestone)
}

// ---- Help wanted -------------------------------------------------------

func (s *Handlers) AdminAddHelp(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, "coups-de-main", "help_", "flash.initiative_help_added", func(ctx context.Context, tid int64, ini cty.Initiative) error {
		in := cty.HelpInput{Title: r.PostFormValue("help_title"), Details: r.PostFormValue("help_details")}
		if n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("help_people_needed"))); err == nil {
			in.PeopleNeeded = n
		}
		_, err := s.Deps.Community.AddHelpWanted(ctx, tid, ini.ID, in)
		return err
	})
}

func (s *Handlers) AdminHelpFilled(w http.ResponseWriter, r *http.Request) {
	s.toggle(w, r, "nid", "filled", "coups-de-main", "flash.initiative_help_filled", "flash.initiative_help_open",
		s.Deps.Community.SetHelpFilled)
}

// ---- Actors ------------------------------------------------------------

// parseCents reads an amount of dollars: « 1 250,50 », « 1250.50 $ », « 500 ».
func parseCents(v string) (int64, bool) {
	v = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "$", "").Replace(strings.TrimSpace(v))
	v = strings.ReplaceAll(v, ",", ".")
	if v == "" || strings.Count(v, ".") > 1 {
		return 0, false
	}
	whole, frac, _ := strings.Cut(v, ".")
	if len(frac) > 2 || whole == "" && frac == "" {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if whole == "" {
		whole = "0"
	}
	d, err1 := strconv.ParseInt(whole, 10, 64)
	c, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || d < 0 || d > math.MaxInt64/100-1 {
		return 0, false
	}
	return d*100 + c, true
}

// actorInput reads the actor form (fields named actor_…).
func actorInput(f url.Values) (cty.ActorInput, errs.Fields) {
	problems := errs.Fields{}
	in := cty.ActorInput{Name: f.Get("actor_name"), Kind: cty.ActorKind(f.Get("actor_kind")), Details: f.Get("actor_details")}
	for _, v := range f["actor_supports"] {
		in.Supports = append(in.Supports, cty.SupportKind(v))
	}
	if v := strings.TrimSpace(f.Get("actor_amount")); v != "" {
		c, ok := parseCents(v)
		if !ok {
			problems.Add("actor_amount", "errors.initiative_amount")
		} else {
			in.AmountCents = &c
		}
	}
	return in, problems
}

// actorOrganization resolves the organisation of the directory an actor
// form names (actor_org): it must be one of the territory's; an empty name
// takes the organisation's.
func (s *Handlers) actorOrganization(r *http.Request, in *cty.ActorInput, problems errs.Fields) error {
	v := r.PostFormValue("actor_org")
	if v == "" {
		return nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		problems.Add("actor_org", "errors.org_not_found")
		return nil
	}
	o, err := s.Deps.Orgs.Get(r.Context(), kit.Info(r).Territory.ID, id)
	if errs.Is(err, errs.NotFound) {
		problems.Add("actor_org", "errors.org_not_found")
		return nil
	}
	if err != nil {
		return err
	}
	in.OrganizationID = o.ID
	if strings.TrimSpace(in.Name) == "" {
		in.Name = o.Name
	}
	return nil
}

func actorValues(a cty.Actor) url.Values {
	f := url.Values{"actor_name": {a.Name}, "actor_kind": {string(a.Kind)}, "actor_details": {a.Details}}
	if a.OrganizationID != nil {
		f.Set("actor_org", strconv.FormatInt(*a.OrganizationID, 10))
	}
	for _, k := range a.Supports {
		f.Add("actor_supports", string(k))
	}
	if a.AmountCents != nil {
		f.Set("actor_amount", strconv.FormatFloat(float64(*a.AmountCents)/100, 'f', 2, 64))
	}
	return f
}

func (s *Handlers) AdminAddActor(w http.ResponseWriter, r *http.Request) {
	ini, ok := s.staffInitiative(w, r)
	if !ok {
		return
	}
	in, problems := actorInput(r.PostForm)
	if err := s.actorOrganization(r, &in, problems); err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(problems) > 0 {
		s.initiativeActionFailed(w, r, ini, "acteurs", "", problems.Err())
		return
	}
	if _, err := s.Deps.Community.AddActor(r.Context(), kit.Info(r).Territory.ID, ini.ID, in); err != nil {
		s.initiativeActionFailed(w, r, ini, "acteurs", "actor_", err)
		return
	}
	s.initiativeDone(w, r, ini, nil, "flash.initiative_actor_added", "acteurs")
}

type adminActorPage struct {
	kit.Base
	Initiative cty.Initiative
	Actor      cty.Actor
	ActorKinds []cty.ActorKind
	Supports   []cty.SupportKind
	Orgs       []orgs.OrgRef
}

// SupportChecked reports whether the actor form holds a support kind.
func (p adminActorPage) SupportChecked(k cty.SupportKind) bool {
	return p.Checked("actor_supports", string(k))
}

// staffActor loads the {aid} actor of the initiative.
func (s *Handlers) staffActor(w http.ResponseWriter, r *http.Request) (cty.Initiative, cty.Actor, bool) {
	ini, ok := s.staffInitiative(w, r)
	if !ok {
		return ini, cty.Actor{}, false
	}
	id := kit.PathID(r, "aid")
	if id == 0 {
		s.NotFound(w, r)
		return ini, cty.Actor{}, false
	}
	a, err := s.Deps.Community.Actor(r.Context(), kit.Info(r).Territory.ID, ini.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return ini, a, false
	}
	return ini, a, true
}

func (s *Handlers) actorForm(w http.ResponseWriter, r *http.Request, status int, ini cty.Initiative, a cty.Actor, form url.Values, problems map[string]string) {
	p := adminActorPage{Base: s.Page(w, r, ""), Initiative: ini, Actor: a, ActorKinds: cty.ActorKinds, Supports: cty.SupportKinds}
	var err error
	if p.Orgs, err = s.Deps.Orgs.Options(r.Context(), kit.Info(r).Territory.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	p.SetTitle("initiative.staff.actor_edit_title", a.Name)
	p.Form, p.Errors = form, problems
	s.Render(w, r, status, "admin_initiative_actor", p)
}

func (s *Handlers) AdminEditActor(w http.ResponseWriter, r *http.Request) {
	ini, a, ok := s.staffActor(w, r)
	if !ok {
		return
	}
	s.actorForm(w, r, http.StatusOK, ini, a, actorValues(a), nil)
}

func (s *Handlers) AdminUpdateActor(w http.ResponseWriter, r *http.Request) {
	ini, a, ok := s.staffActor(w, r)
	if !ok {
		return
	}
	in, problems := actorInput(r.PostForm)
	if err := s.actorOrganization(r, &in, problems); err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(problems) > 0 {
		s.actorForm(w, r, http.StatusUnprocessableEntity, ini, a, r.PostForm, problems)
		return
	}
	_, err := s.Deps.Community.UpdateActor(r.Context(), kit.Info(r).Territory.ID, ini.ID, a.ID, in)
	if err != nil {
		s.RefuseOn(w, r, err, func(f string) string { return "actor_" + f }, func(status int, problems map[string]string) { s.actorForm(w, r, status, ini, a, r.PostForm, problems) })
		return
	}
	s.initiativeDone(w, r, ini, nil, "flash.initiative_actor_saved", "acteurs")
}

func (s *Handlers) AdminRemoveActor(w http.ResponseWriter, r *http.Request) {
	ini, a, ok := s.staffActor(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("confirm") != "1" {
		s.askConfirm(w, r, ini, actorRemoval, a.Name, "acteurs")
		return
	}
	s.initiativeDone(w, r, ini, s.Deps.Community.RemoveActor(r.Context(), kit.Info(r).Territory.ID, ini.ID, a.ID), actorRemoval.flash, "acteurs")
}

// ---- People ------------------------------------------------------------

func (s *Handlers) AdminAddPerson(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, "personnes", "person_", "flash.initiative_person_added", func(ctx context.Context, tid int64, ini cty.Initiative) error {
		f := r.PostForm
		needID, needOK := optionalID(f.Get("person_need"))
		if !needOK {
			return errs.Fields{"need": "errors.initiative_need_unknown"}.Err()
		}
		in := cty.PersonInput{Role: f.Get("person_role"), Name: f.Get("person_name"), Email: f.Get("person_email"),
			Phone: f.Get("person_phone"), Offer: f.Get("person_offer"), NeedID: needID, ShowName: f.Get("person_show_name") == "1",
			Lang: f.Get("person_lang")}
		_, err := s.Deps.Community.AddPerson(ctx, tid, ini.ID, in)
		return err
	})
}

func (s *Handlers) AdminRemovePerson(w http.ResponseWriter, r *http.Request) {
	removeItem(s, w, r, "pid", "personnes", personRemoval, s.Deps.Community.People,
		func(p cty.Person) (int64, string) { return p.ID, p.Name }, s.Deps.Community.RemovePerson)
}
