package privacy

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/mail"
	pv "implique/internal/privacy"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

// MePath is « Mes données »: the page that sends a private link.
const MePath = "/mes-donnees"

func mePath(tok string) string { return MePath + "/" + tok }

// linkMailsPerHour caps the links e-mailed to one address for one
// requesting address, and apart for the owner's own browser.
//
// The limits follow the sign-in links' (see web/account): requests count
// per requesting address (the public forms' limit); the e-mails are capped
// per requesting address and target address, so that requests from
// elsewhere never use up what the owner may ask for; and a browser holding
// the device cookie of the account with that address has its own cap,
// which nobody else can fill. The page answers the same whether a message
// left or not.
const linkMailsPerHour = 3

// tr translates key, or returns fallback when the catalogs lack it (the
// holders' entries are written by each capability).
func (h *Handlers) tr(lang, key, fallback string) string {
	if h.Cat.Has(key) {
		return h.Cat.T(lang, key)
	}
	return fallback
}

type meStartPage struct {
	kit.Base
	// Sent: the neutral answer after the form.
	Sent bool
	// Expired: the link that brought the person here does not work.
	Expired bool
}

// MeStart is « Mes données »: signed in, the person's own page; else what
// it is and a form asking an e-mail address.
func (h *Handlers) MeStart(w http.ResponseWriter, r *http.Request) {
	if u := kit.Info(r).Principal.User; u != nil {
		tok, err := h.newLink(r.Context(), kit.Info(r).Territory.ID, u.Email)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		h.Redirect(w, r, mePath(tok))
		return
	}
	h.Render(w, r, http.StatusOK, "privacy_me_start", meStartPage{Base: h.Page(w, r, "privacy.me.title")})
}

// MeSend e-mails a private link to the address typed, only if something is
// held about it, and always answers the same neutral page.
func (h *Handlers) MeSend(w http.ResponseWriter, r *http.Request) {
	if !h.AllowPublicForm(w, r) {
		return
	}
	ri := kit.Info(r)
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	p := meStartPage{Base: h.Page(w, r, "privacy.me.title")}
	p.Form = url.Values{"email": {email}}
	switch {
	case email == "":
		p.Errors = map[string]string{"email": "errors.required"}
	case len(email) > 254 || !territory.ValidEmail(email):
		p.Errors = map[string]string{"email": "errors.email"}
	}
	if p.HasErrors() {
		h.Render(w, r, http.StatusUnprocessableEntity, "privacy_me_start", p)
		return
	}
	subj, u, err := h.subjectOf(r, email)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	known := subj.UserID != 0
	if !known {
		recs, err := h.store().Find(r.Context(), subj)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		known = len(recs) > 0
	}
	if known {
		tok, err := h.newLink(r.Context(), ri.Territory.ID, email)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		link := h.Cfg.BaseURL + mePath(tok)
		t := ri.Territory
		text := h.Cat.T(ri.Lang, "mail.privacy.me.body", t.Name, link, int(linkTTL/time.Hour)) + "\n\n-- \n" + t.MailFooter()
		err = h.Deps.DB.InTx(r.Context(), func(tx *db.Tx) error {
			_, err := h.Deps.Mailer.QueueTx(r.Context(), tx, t.ID, mail.Message{
				To: email, Subject: h.Cat.T(ri.Lang, "mail.privacy.me.subject", t.Name), Text: text,
				Secrets: []string{tok},
				// A few an hour; the page says the same when the limit holds one back.
				Limit: h.linkLimit(r, email, u),
			})
			return err
		})
		if err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	p.Form = nil
	p.Sent = true
	h.Render(w, r, http.StatusOK, "privacy_me_start", p)
}

// linkLimit caps the links e-mailed to email (u: its account, or nil):
// per requesting address, or for the browser holding the account's device
// cookie, per that browser.
func (h *Handlers) linkLimit(r *http.Request, email string, u *auth.User) mail.Limit {
	key := "privacy-me:" + h.ClientIP(r) + " " + email
	if dev := h.Device(r, u); dev != "" {
		key = "privacy-me-device:" + dev + " " + email
	}
	return mail.Limit{Key: key, Max: linkMailsPerHour, Per: time.Hour}
}

// subject is the person of an address on the request's territory: their
// account when one has the address.
func (h *Handlers) subject(r *http.Request, email string) (pv.Subject, error) {
	s, _, err := h.subjectOf(r, email)
	return s, err
}

// subjectOf is subject with the account (nil when none has the address).
func (h *Handlers) subjectOf(r *http.Request, email string) (pv.Subject, *auth.User, error) {
	var userID int64
	u, err := h.Deps.Auth.UserByEmail(r.Context(), email)
	switch {
	case err == nil:
		userID = u.ID
	case !errs.Is(err, errs.NotFound):
		return pv.Subject{}, nil, err
	default:
		u = nil
	}
	return pv.NewSubject(kit.Info(r).Territory.ID, userID, []string{email}, nil), u, nil
}

// meLink opens the link of the URL's {token}: the address and its
// subject. A link that does not work answers a page offering a new one.
func (h *Handlers) meLink(w http.ResponseWriter, r *http.Request) (string, pv.Subject, bool) {
	counted, blocked := h.LinkUse(w, r)
	if blocked {
		return "", pv.Subject{}, false
	}
	email, err := h.openLink(r.Context(), kit.Info(r).Territory.ID, r.PathValue("token"))
	if errors.Is(err, errBadLink) {
		p := meStartPage{Base: h.Page(w, r, "privacy.me.expired_title"), Expired: true}
		h.Render(w, r, http.StatusNotFound, "privacy_me_start", p)
		return "", pv.Subject{}, false
	}
	if err != nil {
		h.Fail(w, r, err)
		return "", pv.Subject{}, false
	}
	h.Forgive(r, counted)
	subj, err := h.subject(r, email)
	if err != nil {
		h.Fail(w, r, err)
		return "", pv.Subject{}, false
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	return email, subj, true
}

// fieldView is one value of a record, named in the page's language; Code
// is the value in the page's words when it is a code (a status, oui or non,
// a language), else "".
type fieldView struct{ Name, Value, Code string }

// codedKey is the catalog key that says a record's coded value in words:
// privacy.value.<field>.<value> for a code of that field alone, else
// privacy.value.<value>; "" when the value is not a known code (typed
// text, a name, a date).
func codedKey(has func(string) bool, field, value string) string {
	if value == "" {
		return ""
	}
	for _, k := range []string{"privacy.value." + field + "." + value, "privacy.value." + value} {
		if has(k) {
			return k
		}
	}
	return ""
}

type recordView struct {
	Label  string
	When   time.Time
	Fields []fieldView
}

// categoryView is one category of what is held, with its records.
type categoryView struct {
	Key, Name, Purpose string
	Records            []recordView
}

type consentView struct {
	pv.Consent
	Ref     string
	Purpose string
	// Ended: its Until has passed.
	Ended bool
}

// InForce reports whether the consent may be withdrawn.
func (c consentView) InForce() bool { return c.Withdrawn == nil && !c.Ended }

type mePage struct {
	kit.Base
	Token      string
	Email      string
	Categories []categoryView
	Consents   []consentView
	AnswerDays int
	Officer    territory.Settings
}

// Empty reports whether nothing is held about the person.
func (p mePage) Empty() bool { return len(p.Categories) == 0 && len(p.Consents) == 0 }

// categories groups records by category, named in lang.
func (h *Handlers) categories(lang string, recs []pv.Record) []categoryView {
	var out []categoryView
	for _, rec := range recs {
		if len(out) == 0 || out[len(out)-1].Key != rec.Category {
			k := "privacy.category." + rec.Category
			out = append(out, categoryView{Key: rec.Category, Name: h.tr(lang, k, rec.Category), Purpose: h.tr(lang, k+".purpose", "")})
		}
		v := recordView{Label: rec.Label, When: rec.When}
		for _, f := range rec.Fields {
			if f.Value == "" {
				continue
			}
			fv := fieldView{Name: h.tr(lang, "privacy.field."+f.Name, f.Name), Value: f.Value}
			if k := codedKey(h.Cat.Has, f.Name, f.Value); k != "" {
				fv.Code = h.Cat.T(lang, k)
			}
			v.Fields = append(v.Fields, fv)
		}
		out[len(out)-1].Records = append(out[len(out)-1].Records, v)
	}
	return out
}

// mePage loads the person's page.
func (h *Handlers) mePage(w http.ResponseWriter, r *http.Request, email string, subj pv.Subject) (mePage, error) {
	p := mePage{Base: h.Page(w, r, "privacy.me.title"), Token: r.PathValue("token"), Email: email,
		AnswerDays: pv.AnswerDays, Officer: kit.Info(r).Territory.Settings}
	recs, err := h.store().Find(r.Context(), subj)
	if err != nil {
		return p, err
	}
	p.Categories = h.categories(p.Lang, recs)
	cons, err := h.store().Consents(r.Context(), subj)
	if err != nil {
		return p, err
	}
	now := h.now()
	for _, c := range cons {
		p.Consents = append(p.Consents, consentView{Consent: c, Ref: c.Ref.String(),
			Purpose: h.tr(p.Lang, "privacy.purpose."+string(c.Purpose), string(c.Purpose)),
			Ended:   c.Until != nil && c.Until.Before(now)})
	}
	return p, nil
}

// Me is the person's page: what is held, their consents, corrections,
// questions, the download and the erasure.
func (h *Handlers) Me(w http.ResponseWriter, r *http.Request) {
	email, subj, ok := h.meLink(w, r)
	if !ok {
		return
	}
	p, err := h.mePage(w, r, email, subj)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "privacy_me", p)
}

// meRefused shows the person's page again with a form's problems.
func (h *Handlers) meRefused(w http.ResponseWriter, r *http.Request, email string, subj pv.Subject, err error) {
	h.Refuse(w, r, err, func(status int, problems map[string]string) {
		p, err := h.mePage(w, r, email, subj)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		p.Errors, p.Form = problems, r.PostForm
		h.Render(w, r, status, "privacy_me", p)
	})
}

// MeWithdraw withdraws one of the person's consents.
func (h *Handlers) MeWithdraw(w http.ResponseWriter, r *http.Request) {
	_, subj, ok := h.meLink(w, r)
	if !ok {
		return
	}
	ref, ok := pv.ParseRef(r.PostFormValue("ref"))
	if !ok {
		h.NotFound(w, r)
		return
	}
	h.Done(w, r, h.store().Withdraw(r.Context(), subj, ref), "privacy.me.withdrawn", mePath(r.PathValue("token"))+"#consentements")
}

// MeCorrect corrects the person's name and phone everywhere.
func (h *Handlers) MeCorrect(w http.ResponseWriter, r *http.Request) {
	email, subj, ok := h.meLink(w, r)
	if !ok {
		return
	}
	n, err := h.store().Correct(r.Context(), subj, pv.Correction{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone")})
	if err != nil {
		h.meRefused(w, r, email, subj, err)
		return
	}
	key := "privacy.me.corrected"
	if n == 0 {
		key = "privacy.me.corrected_none"
	}
	h.Confirm(w, r, key, mePath(r.PathValue("token"))+"#corriger")
}

// MeAsk records a correction the person cannot make or a question.
func (h *Handlers) MeAsk(w http.ResponseWriter, r *http.Request) {
	email, subj, ok := h.meLink(w, r)
	if !ok {
		return
	}
	kind := pv.RequestKind(r.PostFormValue("kind"))
	if _, err := h.store().Ask(r.Context(), subj.TerritoryID, email, kind, r.PostFormValue("details")); err != nil {
		h.meRefused(w, r, email, subj, err)
		return
	}
	h.Confirm(w, r, "privacy.me.asked", mePath(r.PathValue("token"))+"#demande")
}

// MeArchive downloads everything held about the person, as a zip.
func (h *Handlers) MeArchive(w http.ResponseWriter, r *http.Request) {
	_, subj, ok := h.meLink(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	lang := kit.Info(r).Lang
	if err := h.store().WriteArchive(r.Context(), &buf, subj, lang); err != nil {
		h.Fail(w, r, err)
		return
	}
	day := h.now().In(kit.Info(r).Territory.Location()).Format(time.DateOnly)
	name := "mes-donnees-" + day + ".zip"
	if lang == "en" {
		name = "my-data-" + day + ".zip"
	}
	kit.SendFile(w, "application/zip", name, buf.Bytes())
}

type meErasePage struct {
	kit.Base
	Token      string
	Categories []categoryView
	// Erasure is what was done (after the erasure).
	Erasure *pv.Erasure
	Kept    []keptView
}

type keptView struct {
	Category, Reason string
	Count            int
}

// MeEraseForm says what an erasure will do and asks to confirm it.
func (h *Handlers) MeEraseForm(w http.ResponseWriter, r *http.Request) {
	_, subj, ok := h.meLink(w, r)
	if !ok {
		return
	}
	h.eraseForm(w, r, subj, http.StatusOK, nil)
}

func (h *Handlers) eraseForm(w http.ResponseWriter, r *http.Request, subj pv.Subject, status int, problems map[string]string) {
	p := meErasePage{Base: h.Page(w, r, "privacy.me.erase_title"), Token: r.PathValue("token")}
	recs, err := h.store().Find(r.Context(), subj)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Categories = h.categories(p.Lang, recs)
	p.Errors = problems
	h.Render(w, r, status, "privacy_me_erase", p)
}

// MeErase erases everything held about the person, once confirmed, and
// says what was erased and what was kept, and why.
func (h *Handlers) MeErase(w http.ResponseWriter, r *http.Request) {
	email, subj, ok := h.meLink(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("confirm") != "1" {
		h.eraseForm(w, r, subj, http.StatusUnprocessableEntity, map[string]string{"confirm": "errors.confirm"})
		return
	}
	res, err := h.store().Erase(r.Context(), subj, 0)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	ri := kit.Info(r)
	if u := ri.Principal.User; u != nil && auth.NormalizeEmail(u.Email) == auth.NormalizeEmail(email) {
		if ri.Session != "" {
			if err := h.Deps.Auth.DeleteSession(r.Context(), ri.Session); err != nil {
				h.Deps.Logger.Error("privacy: end session", "id", ri.ID, "err", err)
			}
		}
		h.ClearSessionCookie(w)
		ri.Principal = auth.Principal{}
	}
	p := meErasePage{Base: h.Page(w, r, "privacy.me.erased_title"), Erasure: &res}
	for _, k := range res.Kept {
		p.Kept = append(p.Kept, keptView{Category: h.tr(p.Lang, "privacy.category."+k.Category, k.Category),
			Reason: h.tr(p.Lang, k.Reason, h.Cat.T(p.Lang, "privacy.me.kept_generic")), Count: k.Count})
	}
	h.Render(w, r, http.StatusOK, "privacy_me_erased", p)
}

// daysWords says a number of days in words: « 1 an », « 6 mois », « 90 jours ».
func daysWords(lang string, days int, cat i18n.Catalogs) string {
	n, one, other := days, "privacy.policy.days_one", "privacy.policy.days"
	switch {
	case days%365 == 0:
		n, one, other = days/365, "privacy.policy.years_one", "privacy.policy.years"
	case days%30 == 0:
		n, one, other = days/30, "privacy.policy.months_one", "privacy.policy.months"
	}
	if n == 1 {
		return cat.T(lang, one, i18n.Number(lang, int64(n)))
	}
	return cat.T(lang, other, i18n.Number(lang, int64(n)))
}
