// Package training serves the trainings: the public pages (/formations:
// programs and cohorts by audience and place, a cohort's sessions and its
// enrolment, « Mes formations » by private link, the certificates'
// verification), the pages where an organisation's managers enrol their
// members and follow them, and the staff's pages that run a program from
// its announcement to the certificates (/admin/formations).
package training

import (
	"bytes"
	"embed"
	"net/http"
	"strconv"

	"implique/internal/export"
	"implique/internal/i18n"
	"implique/internal/territory"
	tr "implique/internal/training"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

func (h *Handlers) store() *tr.Store { return h.Deps.Training }

func id(n int64) string { return strconv.FormatInt(n, 10) }

func staffID(r *http.Request) int64 {
	if u := kit.Info(r).Principal.User; u != nil {
		return u.ID
	}
	return 0
}

// VerifyPath is where anyone checks a certificate's code.
const VerifyPath = "/formations/verification"

// certificateDoc is a certificate as printed, in lang.
func (h *Handlers) certificateDoc(lang string, t territory.Territory, c tr.Certificate) export.Certificate {
	T := func(k string, a ...any) string { return h.Cat.T(lang, k, a...) }
	doc := export.Certificate{Lang: lang, Issuer: t.OperatorName, Program: t.ProgramName, Holder: c.Holder,
		Title: T("training.cert.title"), Intro: T("training.cert.intro"),
		Statement: T("training.cert.statement", c.Program.Name, c.Cohort, c.Places, i18n.Date(lang, c.CompletedOn.Time())),
		Columns:   [2]string{T("training.cert.module"), ""},
		Signature: T("training.cert.signature", t.OperatorName), Issued: T("training.cert.issued", i18n.Date(lang, c.IssuedAt.In(t.Location()))),
		Verification: T("training.cert.verification", c.Code, h.Cfg.BaseURL+VerifyPath), Created: c.IssuedAt}
	if doc.Issuer == "" {
		doc.Issuer = t.Name
	}
	for _, m := range c.Program.ModuleList() {
		doc.Rows = append(doc.Rows, [2]string{m, ""})
	}
	if len(doc.Rows) == 0 {
		doc.Columns = [2]string{}
	}
	doc.Note = T("training.cert.attendance", c.Attended, c.Total)
	return doc
}

// writeCertificates answers one PDF holding the certificates, one page
// each, each in its holder's language when lang is "", named after name.
func (h *Handlers) writeCertificates(w http.ResponseWriter, r *http.Request, lang, filename string, list []tr.Certificate) {
	t := kit.Info(r).Territory
	docs := make([]export.Certificate, len(list))
	for i, c := range list {
		l := lang
		if l == "" {
			l = c.Lang
		}
		docs[i] = h.certificateDoc(l, t, c)
	}
	title := docs[0].Title
	if len(docs) == 1 {
		title += " — " + docs[0].Holder
	}
	var buf bytes.Buffer
	if err := export.WriteCertificatesPDF(&buf, title, docs); err != nil {
		h.Fail(w, r, err)
		return
	}
	kit.SendFile(w, "application/pdf", export.Filename(filename, "pdf"), buf.Bytes())
}

// learnerFields is what the "training_learner" partial draws: a learner's
// needs, ride and the place they leave from — the fields of the public
// form, read and checked the same way (training.LearnerInput) whoever
// enrols them — named with the form's prefix: none on the public form,
// "learner_" on staff's, "member3_" on a row of an organisation's.
type learnerFields struct {
	kit.Base
	Prefix string
	Places []kit.PlaceOption
	// Third words the fields about the person (staff, an organisation)
	// rather than to them; Needs draws the needs too.
	Third, Needs bool
}

// Name is the name of one of the fields.
func (f learnerFields) Name(field string) string { return f.Prefix + field }

// Ride is the ride chosen, « none » when nothing was sent.
func (f learnerFields) Ride() string {
	if v := f.Value(f.Name("ride")); v != "" {
		return v
	}
	return "none"
}
