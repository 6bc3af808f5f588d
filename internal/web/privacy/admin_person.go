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
	// Corrected is what a correction changed, when the page shows it.
	Corrected *correction
}

// correction is what staff corrected: the records changed, and the name
// and phone now written ("" when left as they were).
type correction struct {
	Rows        int
	Name, Phone string
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
	h.adminShowPersonThen(w, r, message, nil, nil)
}

// adminShowPersonThen shows the person's page after an action: its
// message, the problems of the correction form when there are (answered
// 422, what was typed kept), or what a correction changed.
func (h *Handlers) adminShowPersonThen(w http.ResponseWriter, r *http.Request, message string, problems map[string]string, c *correction) {
	p := adminPersonPage{adminBase: h.adminBase(w, r, "privacy.admin.person.title"), Message: message, Corrected: c}
	p.Form = url.Values{"email": {r.PostFormValue("email")}, "phone": {r.PostFormValue("phone")}}
	status := http.StatusOK
	if problems != nil {
		p.Errors = problems
		p.Form.Set("correct_name", r.PostFormValue("correct_name"))
		p.Form.Set("correct_phone", r.PostFormValue("correct_phone"))
		status = http.StatusUnprocessableEntity
	}
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
	h.adminPersonPage(w, r, status, p)
}

// actOnPerson is the start of every action on a person's data: the privacy
// officer only, and the person the form names (a refusal is answered).
func (h *Handlers) actOnPerson(w http.ResponseWriter, r *http.Request) (pv.Subject, bool) {
	if !h.Allow(w, r, auth.ManagePrivacy) {
		return pv.Subject{}, false
	}
	subj, _, err := h.adminSubject(r)
	if err != nil {
		h.Fail(w, r, err)
		return pv.Subject{}, false
	}
	return subj, true
}

// AdminPersonCorrect corrects the person's name and phone everywhere they
// appear as typed, on their behalf (people without e-mail), writes it to
// the access log, and shows their page again with what changed.
func (h *Handlers) AdminPersonCorrect(w http.ResponseWriter, r *http.Request) {
	subj, ok := h.actOnPerson(w, r)
	if !ok {
		return
	}
	n, err := h.store().Correct(r.Context(), subj, pv.Correction{Name: r.PostFormValue("correct_name"), Phone: r.PostFormValue("correct_phone")})
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		problems := map[string]string{}
		for field, key := range e.Fields {
			problems["correct_"+field] = key
		}
		h.adminShowPersonThen(w, r, "", problems, nil)
		return
	}
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Accessed(r, pv.Corrected, whatPerson, subjectRecord(subj))
	if n == 0 {
		h.adminShowPerson(w, r, "privacy.admin.person.corrected_none")
		return
	}
	h.adminShowPersonThen(w, r, "", nil, &correction{Rows: n, Name: strings.TrimSpace(r.PostFormValue("correct_name")),
		Phone: strings.TrimSpace(r.PostFormValue("correct_phone"))})
}

// AdminPersonArchive downloads everything held about the person.
func (h *Handlers) AdminPersonArchive(w http.ResponseWriter, r *http.Request) {
	subj, ok := h.actOnPerson(w, r)
	if !ok {
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
	subj, ok := h.actOnPerson(w, r)
	if !ok {
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
	subj, ok := h.actOnPerson(w, r)
	if !ok {
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
