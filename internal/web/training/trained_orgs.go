package training

import (
	"bytes"
	"net/http"

	"implique/internal/auth"
	"implique/internal/export"
	"implique/internal/orgs"
	tr "implique/internal/training"
	"implique/internal/web/kit"
)

// The staff's page « Organismes et municipalités formés »
// (/admin/formations/organismes): every organisation of the directory
// whose people were enrolled in a cohort, the municipalities first, with
// per program the people enrolled and completed and the latest cohort;
// filtered by kind, and exported as CSV.

// trainedOrgsPath is the page; its CSV export adds « .csv ».
const trainedOrgsPath = adminPath + "/organismes"

// municipalitiesFilter is the filter's value for the municipalities' two
// kinds (council and committee) together.
const municipalitiesFilter = "municipalities"

type trainedOrgsPage struct {
	staffBase
	Orgs []tr.TrainedOrganization
	// Kind is the filter as read ("" for every kind); Kinds the kinds
	// offered.
	Kind  string
	Kinds []orgs.Kind
}

// KindName names an organisation's kind.
func (p trainedOrgsPage) KindName(k string) string { return p.T("org.kind." + k) }

// CSVPath is the export of what the page shows.
func (p trainedOrgsPage) CSVPath() string {
	if p.Kind == "" {
		return trainedOrgsPath + ".csv"
	}
	return trainedOrgsPath + ".csv?type=" + p.Kind
}

// trainedKinds reads the filter « type »: "" or an unknown value is every
// kind, « municipalities » the two municipal kinds, else one kind.
func trainedKinds(r *http.Request) (string, []string) {
	v := r.URL.Query().Get("type")
	if v == municipalitiesFilter {
		return v, []string{string(orgs.MunicipalCouncil), string(orgs.MunicipalCommittee)}
	}
	if k, ok := orgs.ParseKind(v); ok {
		return v, []string{string(k)}
	}
	return "", nil
}

// trainedOrgs answers the list of the request's filter, or false once it
// answered a refusal or a failure.
func (h *Handlers) trainedOrgs(w http.ResponseWriter, r *http.Request) (string, []tr.TrainedOrganization, bool) {
	if !h.Allow(w, r, auth.ManageTraining) {
		return "", nil, false
	}
	kind, kinds := trainedKinds(r)
	list, err := h.store().TrainedOrganizations(r.Context(), kit.Info(r).Territory.ID, kinds)
	if err != nil {
		h.Fail(w, r, err)
		return "", nil, false
	}
	return kind, list, true
}

// TrainedOrgs is the page.
func (h *Handlers) TrainedOrgs(w http.ResponseWriter, r *http.Request) {
	kind, list, ok := h.trainedOrgs(w, r)
	if !ok {
		return
	}
	p := trainedOrgsPage{staffBase: h.staffBase(w, r, "training.orgs_report.title"), Orgs: list, Kind: kind, Kinds: orgs.Kinds}
	h.Render(w, r, http.StatusOK, "admin_training_orgs", p)
}

// TrainedOrgsCSV exports the page's rows, one per organisation and
// program: counts and names of organisations, nobody's personal details.
func (h *Handlers) TrainedOrgsCSV(w http.ResponseWriter, r *http.Request) {
	_, list, ok := h.trainedOrgs(w, r)
	if !ok {
		return
	}
	ri := kit.Info(r)
	lang, loc := ri.Lang, ri.Territory.Location()
	T := func(k string, a ...any) string { return h.Cat.T(lang, k, a...) }
	header := []string{T("training.orgs_report.col.organization"), T("training.orgs_report.col.kind"),
		T("training.orgs_report.col.program"), T("training.orgs_report.col.cohorts"), T("training.orgs_report.col.enrolled"),
		T("training.orgs_report.col.completed"), T("training.orgs_report.col.last_cohort"), T("training.orgs_report.col.last_date")}
	var rows [][]any
	for _, o := range list {
		for _, p := range o.Programs {
			day := ""
			if !p.LastDate.IsZero() {
				day = p.LastDate.In(loc).Format("2006-01-02")
			}
			rows = append(rows, []any{o.Name, T("org.kind." + o.Kind), p.Program.Name, p.Cohorts, p.Enrolled, p.Completed,
				p.Last.Name, day})
		}
	}
	creator := ri.Territory.ProgramName
	if creator == "" {
		creator = ri.Territory.Name
	}
	sheet := export.Sheet{Name: T("training.orgs_report.title"), Lang: lang, Header: header, Rows: rows, Creator: creator,
		Created: h.store().Now()}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, sheet); err != nil {
		h.Fail(w, r, err)
		return
	}
	kit.SendFile(w, export.ContentTypeCSV, export.Filename(T("training.orgs_report.title"), "csv"), buf.Bytes())
}
