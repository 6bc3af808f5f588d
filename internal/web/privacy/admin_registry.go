package privacy

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/export"
	pv "implique/internal/privacy"
	"implique/internal/web/kit"
)

// adminInventoryPage is the inventory of personal information.
type adminInventoryPage struct {
	adminBase
	Entries []pv.Entry
}

// AdminInventory shows, for each category of personal information, what
// it is, why it is kept, who sees it, its columns and its retention: the
// basis of the published policy and of a privacy impact assessment.
func (h *Handlers) AdminInventory(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	p := adminInventoryPage{adminBase: h.adminBase(w, r, "privacy.admin.inventory.title")}
	var err error
	if p.Entries, err = h.store().Inventory(r.Context(), kit.Info(r).Territory.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "privacy_admin_inventory", p)
}

// Retention says how long a category is kept, in words.
func (b adminBase) Retention(e pv.Entry) string {
	if e.Rule == nil {
		return b.T("privacy.admin.inventory.no_rule")
	}
	s := b.Count(e.Rule.Days, "privacy.admin.days_one", "privacy.admin.days") + " " + b.Maybe("privacy.rule."+e.Rule.Key+".after")
	return strings.TrimSpace(s) + " — " + b.Action(e.Rule.Action)
}

// AdminInventoryCSV downloads the inventory as a CSV file.
func (h *Handlers) AdminInventoryCSV(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	b := h.adminBase(w, r, "")
	entries, err := h.store().Inventory(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	s := export.Sheet{Lang: b.Lang, Header: []string{b.T("privacy.admin.inventory.col_key"), b.T("privacy.admin.inventory.col_what"),
		b.T("privacy.admin.inventory.col_why"), b.T("privacy.admin.inventory.col_seen"), b.T("privacy.admin.inventory.col_columns"),
		b.T("privacy.admin.inventory.col_days"), b.T("privacy.admin.inventory.col_action"), b.T("privacy.admin.inventory.col_after")}}
	for _, e := range entries {
		row := []any{e.Category.Key, b.Name("privacy.category.", e.Category.Key), b.Maybe("privacy.category." + e.Category.Key + ".purpose"),
			b.Maybe("privacy.category." + e.Category.Key + ".seen"), strings.Join(e.Category.Columns, ", ")}
		if e.Rule != nil {
			row = append(row, e.Rule.Days, b.Action(e.Rule.Action), b.Maybe("privacy.rule."+e.Rule.Key+".after"))
		} else {
			row = append(row, "", b.T("privacy.admin.inventory.no_rule"), "")
		}
		s.Rows = append(s.Rows, row)
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, s); err != nil {
		h.Fail(w, r, err)
		return
	}
	kit.SendFile(w, export.ContentTypeCSV, b.T("privacy.admin.inventory.file")+".csv", buf.Bytes())
}

// adminRetentionPage lists the rules, a form for each, and the last runs.
type adminRetentionPage struct {
	adminBase
	Rules []pv.Setting
	Runs  []pv.Run
	// Failed is the rule whose days were refused (Errors, Form).
	Failed string
	// RanToday reports whether today's run is done (it runs once a day).
	RanToday bool
}

// AdminRetention shows the retention rules and their last runs.
func (h *Handlers) AdminRetention(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	h.adminRetentionPage(w, r, http.StatusOK, "", nil, nil)
}

func (h *Handlers) adminRetentionPage(w http.ResponseWriter, r *http.Request, status int, failed string, form url.Values, problems map[string]string) {
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	p := adminRetentionPage{adminBase: h.adminBase(w, r, "privacy.admin.retention.title"), Failed: failed}
	p.Form, p.Errors = form, problems
	var err error
	if p.Rules, err = h.store().Rules(ctx, tid); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Runs, err = h.store().Runs(ctx, tid, 10); err != nil {
		h.Fail(w, r, err)
		return
	}
	today := h.adminNow().UTC().Format("2006-01-02")
	p.RanToday = len(p.Runs) > 0 && p.Runs[0].Day == today && p.Runs[0].Finished != nil
	h.Render(w, r, status, "privacy_admin_retention", p)
}

// DaysValue is what the days field of a rule's form shows.
func (p adminRetentionPage) DaysValue(s pv.Setting) string {
	if p.Failed == s.Key {
		return p.Value("days")
	}
	return strconv.Itoa(s.Days)
}

// DaysError is the problem of a rule's days, or "".
func (p adminRetentionPage) DaysError(s pv.Setting) string {
	if p.Failed == s.Key {
		return p.FieldError("days")
	}
	return ""
}

// Bounds are the days a rule accepts.
func (p adminRetentionPage) Bounds() []int { return []int{pv.MinDays, pv.MaxDays} }

// AdminSetRule changes the days of a retention rule.
func (h *Handlers) AdminSetRule(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	key := r.PostFormValue("rule")
	v := strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(r.PostFormValue("days"), "\u00a0", ""), " ", ""))
	var err error
	days, perr := strconv.Atoi(v)
	switch {
	case v == "":
		err = errs.Fields{"days": "errors.required"}.Err()
	case perr != nil:
		err = errs.Fields{"days": "errors.privacy_days"}.Err()
	default:
		err = h.store().SetRule(r.Context(), kit.Info(r).Territory.ID, staffID(r), key, days)
	}
	if err != nil {
		h.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
			h.adminRetentionPage(w, r, status, key, r.PostForm, problems)
		})
		return
	}
	h.Confirm(w, r, "privacy.admin.retention.saved", adminRetentionPath)
}

// AdminRunRetention applies the retention rules now (once a day: a second
// run the same day shows the first one's result).
func (h *Handlers) AdminRunRetention(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	_, err := h.store().RunRetention(r.Context(), kit.Info(r).Territory.ID)
	h.Done(w, r, err, "privacy.admin.retention.ran", adminRetentionPath)
}

// adminLogPage is the access log.
type adminLogPage struct {
	adminBase
	Lines []pv.Access
	Staff []staffOption
	Whats []string
	// Keep is the access log's rule, for « kept N days ».
	Keep *pv.Setting
}

type staffOption struct {
	ID   int64
	Name string
}

// AdminAccessLog shows the access log, filtered by member of staff and by
// kind of information.
func (h *Handlers) AdminAccessLog(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	p := adminLogPage{adminBase: h.adminBase(w, r, "privacy.admin.log.title")}
	q := r.URL.Query()
	p.Form = url.Values{"membre": {q.Get("membre")}, "quoi": {q.Get("quoi")}}
	f := pv.AccessFilter{What: q.Get("quoi")}
	f.UserID, _ = strconv.ParseInt(q.Get("membre"), 10, 64)
	var err error
	if p.Lines, err = h.store().AccessLog(ctx, tid, f); err != nil {
		h.Fail(w, r, err)
		return
	}
	members, err := h.Deps.Auth.Members(ctx, tid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, m := range members {
		staff := slices.ContainsFunc(m.Roles, func(role auth.Role) bool {
			return role == auth.RoleAdministrator || role == auth.RoleFacilitator || role == auth.RoleCommunications
		})
		if staff && !slices.ContainsFunc(p.Staff, func(o staffOption) bool { return o.ID == m.ID }) {
			p.Staff = append(p.Staff, staffOption{ID: m.ID, Name: m.Name})
		}
	}
	// The kinds: every category of the inventory, what the log holds.
	all, err := h.store().AccessLog(ctx, tid, pv.AccessFilter{Limit: 1000})
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, a := range all {
		if !slices.Contains(p.Whats, a.What) {
			p.Whats = append(p.Whats, a.What)
		}
	}
	if f.What != "" && !slices.Contains(p.Whats, f.What) {
		p.Whats = append(p.Whats, f.What)
	}
	slices.Sort(p.Whats)
	rules, err := h.store().Rules(ctx, tid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for i := range rules {
		if rules[i].Key == ruleAccessLog {
			p.Keep = &rules[i]
		}
	}
	h.Render(w, r, http.StatusOK, "privacy_admin_log", p)
}

// Selected reports whether the filter field holds v.
func (p adminLogPage) Selected(field string, v any) bool {
	switch x := v.(type) {
	case int64:
		return p.Value(field) == strconv.FormatInt(x, 10)
	case string:
		return p.Value(field) == x
	}
	return false
}
