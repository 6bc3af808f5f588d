package comms

import (
	"net/http"
	"net/url"

	"implique/internal/auth"
	"implique/internal/calendar"
	cm "implique/internal/comms"
	"implique/internal/tracking"
	"implique/internal/web/kit"
)

// campaignsPath is the list of campaigns.
const campaignsPath = AreaPath + "/campagnes"

func campaignPath(cid int64) string { return campaignsPath + "/" + id(cid) }

// campaignBase is what the campaign and calendar pages share.
type campaignBase struct {
	kit.Base
	Today  calendar.Date
	Manage bool
	// ShortPrefix is the start of every tracked link's short address.
	ShortPrefix string
}

func (h *Handlers) campaignBase(w http.ResponseWriter, r *http.Request, titleKey string) campaignBase {
	b := campaignBase{Base: h.Page(w, r, titleKey), Manage: h.Can(r, auth.ManageCommunications)}
	b.ShortPrefix = h.store().LinkURL("")
	b.Today = calendar.DateOf(h.store().Now().In(b.Territory.Location()))
	return b
}

// Day writes a calendar day (« le 2 décembre 2026 » without « le »).
func (b campaignBase) Day(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return b.CalendarDay(d.Time())
}

// Period is a campaign's period.
func (b campaignBase) Period(c cm.Campaign) string {
	return b.T("comms.campaign.period_value", b.Day(c.StartsOn), b.Day(c.EndsOn))
}

// PhaseOf is where a campaign stands today.
func (b campaignBase) PhaseOf(c cm.Campaign) string { return c.Phase(b.Today) }

// Channels and Audiences are the fixed lists.
func (b campaignBase) Channels() []string  { return cm.Channels }
func (b campaignBase) Audiences() []string { return cm.Audiences }

// Names writes a list of values of a catalog prefix, joined.
func (b campaignBase) Names(prefix string, vals []string) string {
	out := ""
	for i, v := range vals {
		if i > 0 {
			out += ", "
		}
		out += b.T(prefix + v)
	}
	return out
}

// PlaceNames is the places of a campaign, or the whole territory.
func (b campaignBase) PlaceNames(c cm.Campaign) string {
	if len(c.Places) == 0 {
		return b.T("comms.campaign.whole_territory")
	}
	out := ""
	for i, p := range c.Places {
		if i > 0 {
			out += ", "
		}
		out += p.Name
	}
	return out
}

// Has reports whether the form's field holds v among its values.
func (b campaignBase) Has(field, v string) bool {
	for _, x := range b.Form[field] {
		if x == v {
			return true
		}
	}
	return false
}

// LinkURL is a tracked link's short address.
func (b campaignBase) LinkURL(code string) string { return b.ShortPrefix + code }

type campaignGroup struct {
	Key       string
	Campaigns []cm.Campaign
}

type campaignListPage struct {
	campaignBase
	Groups []campaignGroup
}

// Campaigns lists the campaigns: current, upcoming, past, archived.
func (h *Handlers) Campaigns(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	p := campaignListPage{campaignBase: h.campaignBase(w, r, "comms.campaign.list_title")}
	list, err := h.store().Campaigns(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, phase := range cm.CampaignPhases {
		g := campaignGroup{Key: phase}
		for _, c := range list {
			if c.Phase(p.Today) == phase {
				g.Campaigns = append(g.Campaigns, c)
			}
		}
		p.Groups = append(p.Groups, g)
	}
	h.Render(w, r, http.StatusOK, "comms_campaigns", p)
}

type campaignPage struct {
	campaignBase
	Campaign *cm.Campaign
	Places   []kit.PlaceOption
	Links    []tracking.Link
	Results  cm.CampaignResults
	Items    []cm.Item
	// Section names the form the problems belong to ("link" or the campaign's).
	Section string
}

// Begun reports whether the campaign's period has begun (results count).
func (p campaignPage) Begun() bool { return !p.Results.To.Before(p.Results.From) }

func campaignForm(c cm.Campaign) url.Values {
	f := url.Values{"theme": {c.Theme}, "goal": {c.Goal}, "starts_on": {c.StartsOn.String()}, "ends_on": {c.EndsOn.String()},
		"audiences": c.Audiences, "channels": c.Channels}
	for _, p := range c.Places {
		f.Add("places", p.Slug)
	}
	return f
}

func campaignInput(f url.Values) cm.CampaignInput {
	return cm.CampaignInput{Theme: f.Get("theme"), Goal: f.Get("goal"), StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"),
		Audiences: f["audiences"], Channels: f["channels"], Places: f["places"]}
}

func (h *Handlers) campaignRender(w http.ResponseWriter, r *http.Request, c *cm.Campaign, status int, form url.Values,
	problems map[string]string, section string) {
	p := campaignPage{campaignBase: h.campaignBase(w, r, "comms.campaign.new_title"), Campaign: c, Section: section}
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	var err error
	if p.Places, err = h.PlaceOptions(r); err != nil {
		h.Fail(w, r, err)
		return
	}
	if c != nil {
		p.SetTitle("comms.campaign.title", c.Theme)
		if p.Links, err = h.store().CampaignLinks(ctx, tid, c.ID); err != nil {
			h.Fail(w, r, err)
			return
		}
		if p.Results, err = h.store().CampaignResults(ctx, tid, c.ID); err != nil {
			h.Fail(w, r, err)
			return
		}
		if p.Items, err = h.store().Items(ctx, tid, cm.ItemFilter{CampaignID: c.ID}); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	p.Errors, p.Form = problems, form
	h.Render(w, r, status, "comms_campaign", p)
}

// NewCampaign is the form of a new campaign.
func (h *Handlers) NewCampaign(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	h.campaignRender(w, r, nil, http.StatusOK, url.Values{}, nil, "")
}

// CreateCampaign adds a campaign.
func (h *Handlers) CreateCampaign(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	c, err := h.store().CreateCampaign(r.Context(), kit.Info(r).Territory.ID, staffID(r), campaignInput(r.PostForm))
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) {
			h.campaignRender(w, r, nil, status, r.PostForm, problems, "")
		})
		return
	}
	h.Confirm(w, r, "comms.campaign.flash_created", campaignPath(c.ID))
}

// Campaign is a campaign's page: its results, links, items and form.
func (h *Handlers) Campaign(w http.ResponseWriter, r *http.Request) {
	c, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Campaign)
	if !ok {
		return
	}
	h.campaignRender(w, r, &c, http.StatusOK, campaignForm(c), nil, "")
}

// SaveCampaign saves a campaign's form.
func (h *Handlers) SaveCampaign(w http.ResponseWriter, r *http.Request) {
	c, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Campaign)
	if !ok {
		return
	}
	if _, err := h.store().UpdateCampaign(r.Context(), c.TerritoryID, c.ID, campaignInput(r.PostForm)); err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) {
			h.campaignRender(w, r, &c, status, r.PostForm, problems, "")
		})
		return
	}
	h.Confirm(w, r, "comms.campaign.flash_saved", campaignPath(c.ID))
}

// ArchiveCampaign puts a campaign away, once confirmed (archive=0: back).
func (h *Handlers) ArchiveCampaign(w http.ResponseWriter, r *http.Request) {
	c, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Campaign)
	if !ok {
		return
	}
	archive := r.PostForm.Get("archive") != "0"
	key := "comms.campaign.flash_restored"
	if archive {
		if !h.Confirmed(w, r) {
			return
		}
		key = "comms.campaign.flash_archived"
	}
	h.Done(w, r, h.store().ArchiveCampaign(r.Context(), c.TerritoryID, c.ID, archive), key, campaignPath(c.ID))
}

// CreateCampaignLink makes a tracked link under the campaign's code.
func (h *Handlers) CreateCampaignLink(w http.ResponseWriter, r *http.Request) {
	c, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Campaign)
	if !ok {
		return
	}
	_, err := h.store().CreateCampaignLink(r.Context(), c.TerritoryID, staffID(r), c.ID, r.PostForm.Get("target"), r.PostForm.Get("label"))
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) {
			form := campaignForm(c)
			form.Set("target", r.PostForm.Get("target"))
			form.Set("label", r.PostForm.Get("label"))
			h.campaignRender(w, r, &c, status, form, problems, "link")
		})
		return
	}
	h.Confirm(w, r, "comms.campaign.flash_link", campaignPath(c.ID)+"#liens")
}
