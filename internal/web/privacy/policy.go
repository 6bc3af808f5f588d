package privacy

import (
	"net/http"
	"unicode"
	"unicode/utf8"

	pv "implique/internal/privacy"
	"implique/internal/web/kit"
)

// policyEntry is one category of the published policy.
type policyEntry struct {
	Name, Purpose, Seen string
	// Retention says how long it is kept, in words.
	Retention string
}

// policyRule is one retention rule of the published policy: every rule
// is shown, those a category names and the others.
type policyRule struct {
	Key, Name, Retention, Action string
}

type policyPage struct {
	kit.Base
	Entries    []policyEntry
	Rules      []policyRule
	AnswerDays int
	MePath     string
}

// Policy is the published privacy policy, generated from the registry:
// the person in charge, what is held, why, who sees it and for how long,
// the person's rights, consents, cookies and incidents.
func (h *Handlers) Policy(w http.ResponseWriter, r *http.Request) {
	p := policyPage{Base: h.Page(w, r, "privacy.title"), AnswerDays: pv.AnswerDays, MePath: MePath}
	inv, err := h.store().Inventory(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, e := range inv {
		k := "privacy.category." + e.Category.Key
		pe := policyEntry{Name: h.tr(p.Lang, k, e.Category.Key), Purpose: h.tr(p.Lang, k+".purpose", ""),
			Seen: h.tr(p.Lang, k+".seen", "")}
		if e.Rule == nil {
			pe.Retention = h.Cat.T(p.Lang, "privacy.policy.while_purpose")
		} else {
			pe.Retention = daysWords(p.Lang, e.Rule.Days, h.Cat)
			if after := h.tr(p.Lang, "privacy.rule."+e.Rule.Key+".after", ""); after != "" {
				pe.Retention += " " + after
			}
		}
		p.Entries = append(p.Entries, pe)
	}
	rules, err := h.store().Rules(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, rule := range rules {
		pr := policyRule{Key: rule.Key, Name: capital(h.tr(p.Lang, "privacy.rule."+rule.Key, rule.Key)),
			Retention: daysWords(p.Lang, rule.Days, h.Cat), Action: h.Cat.T(p.Lang, "privacy.policy.action."+string(rule.Action))}
		if after := h.tr(p.Lang, "privacy.rule."+rule.Key+".after", ""); after != "" {
			pr.Retention += " " + after
		}
		p.Rules = append(p.Rules, pr)
	}
	h.Render(w, r, http.StatusOK, "privacy_policy", p)
}

// capital writes s with a capital first letter (some rules' names are
// written to follow a word).
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
