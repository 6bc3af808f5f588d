package privacy

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"implique/internal/auth"
	"implique/internal/errs"
	pv "implique/internal/privacy"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

// A person's information on their behalf, for people without e-mail or
// who ask by phone: the e-mail address and the phone number travel in the
// forms' bodies (hidden fields), never in the URL.

// adminPersonPage is the search form, then the person's records and
// consents, then the result of an erasure.
type adminPersonPage struct {
	adminBase
	// Found reports whether the search was done (Records and Consents).
	Found    bool
	Account  bool
	Records  []pv.Record
	Consents []pv.Consent
	// Message is the result of an action on this page (a catalog key).
	Message string
	// Erased is the erasure's result, when the page shows it.
	Erased *pv.Erasure
}

// FieldName names a record's field: its catalog name, or the column.
func (p adminPersonPage) FieldName(name string) string { return p.Name("privacy.field.", name) }

// Kept says why something was kept: the reason's text, or its category.
func (p adminPersonPage) Kept(k pv.Kept) string {
	if p.has(k.Reason) {
		return p.T(k.Reason)
	}
	return p.Name("privacy.category.", k.Category)
}

// Purpose names a consent's purpose.
func (p adminPersonPage) Purpose(c pv.Consent) string {
	if p.has("privacy.purpose." + string(c.Purpose)) {
		return p.T("privacy.purpose." + string(c.Purpose))
	}
	return string(c.Purpose)
}

// RefOf writes a ref as the page posts it back.
func (adminPersonPage) RefOf(r pv.Ref) string { return r.String() }

func (h *Handlers) adminPersonPage(w http.ResponseWriter, r *http.Request, status int, p adminPersonPage) {
	h.Render(w, r, status, "privacy_admin_person", p)
}

// AdminPersonForm asks for the person's e-mail and/or phone.
func (h *Handlers) AdminPersonForm(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	p := adminPersonPage{adminBase: h.adminBase(w, r, "privacy.admin.person.title")}
	h.adminPersonPage(w, r, http.StatusOK, p)
}

// adminSubject reads the person of the form (e-mail, phone), with their
// account when one has the e-mail; the problems of the form otherwise.
func (h *Handlers) adminSubject(r *http.Request) (pv.Subject, bool, error) {
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	phone := strings.TrimSpace(r.PostFormValue("phone"))
	f := errs.Fields{}
	if email != "" && !territory.ValidEmail(email) {
		f.Add("email", "errors.email")
	}
	if email == "" && phone == "" {
		f.Add("", "errors.email_or_phone")
	}
	tid := kit.Info(r).Territory.ID
	s := pv.NewSubject(tid, 0, []string{email}, []string{phone})
	if phone != "" && len(s.Phones) == 0 {
		f.Add("phone", "privacy.admin.person.phone_invalid")
	}
	if err := f.Err(); err != nil {
		return pv.Subject{}, false, err
	}
	var userID int64
	if email != "" {
		if u, err := h.Deps.Auth.UserByEmail(r.Context(), email); err == nil && u != nil {
			userID = u.ID
		}
	}
	return pv.NewSubject(tid, userID, []string{email}, []string{phone}), userID != 0, nil
}

// subjectRecord names the person in the access log, without personal
// data: their account when they have one.
func subjectRecord(s pv.Subject) string {
	if s.UserID != 0 {
		return "user " + strconv.FormatInt(s.UserID, 10)
	}
	return ""
}

// AdminPerson shows what is held about the person, and writes to the
// access log that it was read.
func (h *Handlers) AdminPerson(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	h.adminShowPerson(w, r, "")
}

func (h *Handlers) adminShowPerson(w http.ResponseWriter, r *http.Request, message string) {
	p := adminPersonPage{adminBase: h.adminBase(w, r, "privacy.admin.person.title"), Message: message}
	p.Form = url.Values{"email": {r.PostFormValue("email")}, "phone": {r.PostFormValue("phone")}}
	subj, account, err := h.adminSubject(r)
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) {
			p.Errors = problems
			h.adminPersonPage(w, r, status, p)
		})
		return
	}
	p.Account = account
	ctx := r.Context()
	if p.Records, err = h.store().Find(ctx, subj); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Consents, err = h.store().Consents(ctx, subj); err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Found = true
	h.Accessed(r, pv.Viewed, whatPerson, subjectRecord(subj))
	h.adminPersonPage(w, r, http.StatusOK, p)
}

// AdminPersonArchive downloads everything held about the person.
func (h *Handlers) AdminPersonArchive(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	subj, _, err := h.adminSubject(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := h.store().WriteArchive(r.Context(), &buf, subj, kit.Info(r).Lang); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Accessed(r, pv.Exported, whatPerson, subjectRecord(subj))
	kit.SendFile(w, "application/zip", h.Cat.T(kit.Info(r).Lang, "privacy.admin.person.archive_file")+".zip", buf.Bytes())
}

// AdminPersonWithdraw withdraws one of the person's consents, and shows
// their page again.
func (h *Handlers) AdminPersonWithdraw(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	subj, _, err := h.adminSubject(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	ref, ok := pv.ParseRef(r.PostFormValue("ref"))
	if !ok {
		h.NotFound(w, r)
		return
	}
	if err := h.store().Withdraw(r.Context(), subj, ref); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.adminShowPerson(w, r, "privacy.admin.person.withdrawn")
}

// AdminPersonErase erases what is held about the person, once confirmed,
// and shows what was kept and why.
func (h *Handlers) AdminPersonErase(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return
	}
	subj, _, err := h.adminSubject(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.Confirmed(w, r) {
		return
	}
	e, err := h.store().Erase(r.Context(), subj, staffID(r))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Accessed(r, pv.Erased, whatPerson, subjectRecord(subj))
	p := adminPersonPage{adminBase: h.adminBase(w, r, "privacy.admin.person.erased_title"), Erased: &e}
	h.adminPersonPage(w, r, http.StatusOK, p)
}
