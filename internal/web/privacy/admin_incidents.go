package privacy

import (
	"net/http"
	"net/url"

	"implique/internal/auth"
	"implique/internal/calendar"
	pv "implique/internal/privacy"
	"implique/internal/web/kit"
)

// adminIncidentsPage is the register of confidentiality incidents.
type adminIncidentsPage struct {
	adminBase
	Incidents []pv.Incident
}

// AdminIncidents lists the register: the open incidents first.
func (h *Handlers) AdminIncidents(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	p := adminIncidentsPage{adminBase: h.adminBase(w, r, "privacy.admin.incidents.title")}
	var err error
	if p.Incidents, err = h.store().Incidents(r.Context(), kit.Info(r).Territory.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "privacy_admin_incidents", p)
}

// adminIncidentPage is the guided form of an incident: a new one (any
// member of staff) or one of the register (the privacy officer).
type adminIncidentPage struct {
	adminBase
	Incident *pv.Incident
}

// Risks are the assessments the form offers.
func (adminIncidentPage) Risks() []pv.Risk { return pv.Risks }

// Field describes a field of the incident's form with its help text.
func (p adminIncidentPage) Field(name, typ string) kit.StaffField {
	f := p.StaffField(name, "privacy.admin.incident."+name, "privacy.admin.incident."+name+"_help", typ)
	if typ == "textarea" {
		f.Rows = 4
	}
	return f
}

func incidentForm(in pv.IncidentInput) url.Values {
	return url.Values{"title": {in.Title}, "information": {in.Information}, "circumstances": {in.Circumstances},
		"from": {in.From}, "to": {in.To}, "discovered": {in.Discovered}, "people": {in.People}, "risk": {in.Risk},
		"risk_reasons": {in.RiskReasons}, "commission_notified": {in.CommissionNotified},
		"people_notified": {in.PeopleNotified}, "measures": {in.Measures}, "closed": {in.Closed}}
}

func incidentInput(f url.Values) pv.IncidentInput {
	return pv.IncidentInput{Title: f.Get("title"), Information: f.Get("information"), Circumstances: f.Get("circumstances"),
		From: f.Get("from"), To: f.Get("to"), Discovered: f.Get("discovered"), People: f.Get("people"), Risk: f.Get("risk"),
		RiskReasons: f.Get("risk_reasons"), CommissionNotified: f.Get("commission_notified"),
		PeopleNotified: f.Get("people_notified"), Measures: f.Get("measures"), Closed: f.Get("closed")}
}

func (h *Handlers) adminIncidentPage(w http.ResponseWriter, r *http.Request, status int, i *pv.Incident, form url.Values, problems map[string]string) {
	p := adminIncidentPage{adminBase: h.adminBase(w, r, "privacy.admin.incident.new_title"), Incident: i}
	if i != nil {
		p.SetTypedTitle(i.Title)
	}
	p.Form, p.Errors = form, problems
	h.Render(w, r, status, "privacy_admin_incident", p)
}

// AdminNewIncident shows the guided form to record an incident.
func (h *Handlers) AdminNewIncident(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ReportIncident) {
		return
	}
	h.adminIncidentPage(w, r, http.StatusOK, nil, url.Values{"risk": {string(pv.RiskUnknown)}}, nil)
}

// AdminCreateIncident records an incident: the privacy officer goes to
// it, anyone else is thanked (they do not read the register).
func (h *Handlers) AdminCreateIncident(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ReportIncident) {
		return
	}
	in := incidentInput(r.PostForm)
	in.Closed = "" // a new incident is open
	id, err := h.store().SaveIncident(r.Context(), kit.Info(r).Territory.ID, staffID(r), 0, in)
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) {
			h.adminIncidentPage(w, r, status, nil, r.PostForm, problems)
		})
		return
	}
	if h.Can(r, auth.ManagePrivacy) {
		h.Confirm(w, r, "privacy.admin.incident.saved", adminIncidentPath(id))
		return
	}
	h.Redirect(w, r, adminIncidentsPath+"/merci")
}

// AdminIncidentThanks confirms to a member of staff that their incident is
// recorded and the privacy officer will follow it up.
func (h *Handlers) AdminIncidentThanks(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ReportIncident) {
		return
	}
	p := h.adminBase(w, r, "privacy.admin.incident.thanks_title")
	h.Render(w, r, http.StatusOK, "privacy_admin_incident_thanks", p)
}

// AdminIncident shows an incident of the register, to update or close.
func (h *Handlers) AdminIncident(w http.ResponseWriter, r *http.Request) {
	i, ok := kit.Load(h.Kit, w, r, auth.ManagePrivacy, h.store().Incident)
	if !ok {
		return
	}
	h.adminIncidentPage(w, r, http.StatusOK, &i, incidentForm(i.Input()), nil)
}

// AdminSaveIncident updates an incident; « close » closes it today.
func (h *Handlers) AdminSaveIncident(w http.ResponseWriter, r *http.Request) {
	i, ok := kit.Load(h.Kit, w, r, auth.ManagePrivacy, h.store().Incident)
	if !ok {
		return
	}
	form := r.PostForm
	if r.PostFormValue("close") == "1" && form.Get("closed") == "" {
		form.Set("closed", calendar.DateOf(h.adminNow().In(kit.Info(r).Territory.Location())).String())
	}
	_, err := h.store().SaveIncident(r.Context(), kit.Info(r).Territory.ID, staffID(r), i.ID, incidentInput(form))
	if err != nil {
		h.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
			h.adminIncidentPage(w, r, status, &i, form, problems)
		})
		return
	}
	h.Confirm(w, r, "privacy.admin.incident.saved", adminIncidentPath(i.ID))
}
