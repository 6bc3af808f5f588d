package orgs

import (
	"html/template"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"implique/internal/errs"
	"implique/internal/export"
	ogs "implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// Staff import organisations and seats from the lists they already keep
// (CSV or XLSX): the file is read and checked into a preview kept in the
// database, shown page by page with the problems of each row in French;
// nothing is written until someone confirms, and then all at once.

const importPath = "/admin/importer-organismes"

func importURL(id int64) string { return importPath + "/" + strconv.FormatInt(id, 10) }

type importFormPage struct {
	kit.Base
	Imports []ogs.Import
	Columns []string
}

// DatesRule says how to write dates and answers, naming the columns of
// yes-or-no answers as the file does, in French.
func (p importFormPage) DatesRule() template.HTML {
	var cols []any
	for _, c := range ogs.ImportColumns {
		if c.Field == "open" || c.Field == "successor" {
			cols = append(cols, p.Quote(p.Typed(c.Header)))
		}
	}
	return p.Phrase("org.import.rule_dates", cols...)
}

func (s *Handlers) importForm(w http.ResponseWriter, r *http.Request, status int, problems map[string]string) {
	p := importFormPage{Base: s.Page(w, r, "org.import.title")}
	var err error
	if p.Imports, err = s.Deps.Orgs.Imports(r.Context(), kit.Info(r).Territory.ID, 10); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, c := range ogs.ImportColumns {
		p.Columns = append(p.Columns, c.Header)
	}
	p.Errors = problems
	s.Render(w, r, status, "admin_org_import", p)
}

func (s *Handlers) AdminImportForm(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	s.importForm(w, r, http.StatusOK, nil)
}

func (s *Handlers) AdminImportUpload(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	// The form was read, within its limit, before this handler (withReadableInput).
	problem := ""
	var name string
	var data []byte
	switch {
	case r.MultipartForm == nil:
		problem = "errors.org_import_file"
	default:
		fh := r.MultipartForm.File["file"]
		if len(fh) == 0 || fh[0].Size == 0 {
			problem = "errors.org_import_file"
			break
		}
		f, err := fh[0].Open()
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		data, err = io.ReadAll(io.LimitReader(f, ogs.MaxImportBytes+1))
		f.Close()
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		name = fh[0].Filename
	}
	if problem != "" {
		s.importForm(w, r, http.StatusUnprocessableEntity, map[string]string{"file": problem})
		return
	}
	im, err := s.Deps.Orgs.PreviewImport(r.Context(), kit.Info(r).Territory.ID, userID(r), name, data)
	if err != nil {
		s.Refuse(w, r, err, func(status int, problems map[string]string) { s.importForm(w, r, status, problems) })
		return
	}
	s.Redirect(w, r, importURL(im.ID))
}

// importPageSize is how many rows a page of the preview shows.
const importPageSize = 50

type importPreviewPage struct {
	kit.Base
	Import       ogs.Import
	Rows         []ogs.ImportRow
	Pager        pager
	OnlyProblems bool
	Recognised   []string
	Ignored      []string
}

func (s *Handlers) importFor(w http.ResponseWriter, r *http.Request) (ogs.Import, bool) {
	if !s.Can(r, orgStaffAction) {
		s.Forbid(w, r)
		return ogs.Import{}, false
	}
	id := kit.PathID(r, "id")
	if id == 0 {
		s.NotFound(w, r)
		return ogs.Import{}, false
	}
	im, err := s.Deps.Orgs.Import(r.Context(), kit.Info(r).Territory.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return im, false
	}
	return im, true
}

func (s *Handlers) AdminImportPreview(w http.ResponseWriter, r *http.Request) {
	im, ok := s.importFor(w, r)
	if !ok {
		return
	}
	s.Accessed(r, privacy.Viewed, ogs.PrivacyImports, "import "+strconv.FormatInt(im.ID, 10))
	ctx := r.Context()
	t := kit.Info(r).Territory
	// Once confirmed, only the rows to fix are kept.
	p := importPreviewPage{Base: s.Page(w, r, ""), Import: im, OnlyProblems: r.URL.Query().Get("problemes") == "1" || im.Status == ogs.ImportConfirmed}
	p.Title = p.T("org.import.preview_title", im.Filename)
	total := im.Total
	if p.OnlyProblems {
		total = im.Errors
	}
	p.Pager = newPager(r, total, importPageSize)
	var err error
	if p.Rows, _, err = s.Deps.Orgs.ImportRows(ctx, t.ID, im.ID, p.OnlyProblems, importPageSize, p.Pager.Offset(importPageSize)); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, h := range im.Header {
		if h == "" {
			continue
		}
		if ogs.ImportField(h) != "" {
			p.Recognised = append(p.Recognised, h)
		} else {
			p.Ignored = append(p.Ignored, h)
		}
	}
	s.Render(w, r, http.StatusOK, "admin_org_import_preview", p)
}

func (s *Handlers) AdminImportConfirm(w http.ResponseWriter, r *http.Request) {
	im, ok := s.importFor(w, r)
	if !ok {
		return
	}
	_, err := s.Deps.Orgs.ConfirmImport(r.Context(), kit.Info(r).Territory.ID, im.ID, r.PostFormValue("publish") == "1")
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
		s.Confirm(w, r, e.Key, importURL(im.ID))
		return
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Confirm(w, r, "flash.org_import_done", importURL(im.ID))
}

// AdminImportProblems gives the rows with problems back as a CSV, with
// their problems and every cell of the file, to fix and import again.
func (s *Handlers) AdminImportProblems(w http.ResponseWriter, r *http.Request) {
	im, ok := s.importFor(w, r)
	if !ok {
		return
	}
	s.Accessed(r, privacy.Exported, ogs.PrivacyImports, "import "+strconv.FormatInt(im.ID, 10))
	rows, _, err := s.Deps.Orgs.ImportRows(r.Context(), kit.Info(r).Territory.ID, im.ID, true, 0, 0)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	b := s.Page(w, r, "")
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	source := strings.TrimSuffix(im.Filename, filepath.Ext(im.Filename))
	w.Header().Set("Content-Disposition", export.ContentDisposition(export.Filename(b.T("org.import.file_problems", source), "csv")))
	w.Header().Set("Cache-Control", "private, no-store")
	c, err := export.NewCSV(w, b.Lang, append([]string{b.T("org.import.col_line"), b.T("org.import.col_problems")}, im.Header...))
	if err != nil {
		return
	}
	for _, row := range rows {
		var msgs []string
		for _, p := range row.Problems {
			msgs = append(msgs, b.Problem(p))
		}
		cells := []any{row.Line, strings.Join(msgs, " ")}
		for _, v := range row.Cells {
			cells = append(cells, v)
		}
		if err := c.Write(cells); err != nil {
			return
		}
	}
	_ = c.Flush()
}

// AdminImportModel is an empty list with the columns the import reads, and
// two example rows.
func (s *Handlers) AdminImportModel(w http.ResponseWriter, r *http.Request) {
	if !s.Allow(w, r, orgStaffAction) {
		return
	}
	var header []string
	for _, c := range ogs.ImportColumns {
		header = append(header, c.Header)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="modele-organismes.csv"`)
	_ = export.WriteCSV(w, export.Sheet{Lang: kit.Info(r).Lang, Header: header, Rows: [][]any{
		{"Comité des loisirs", "Comité citoyen", "Manseau", "Fêtes et patinoire", "Venez à l’assemblée en avril", "Sports et loisirs, Jeunesse",
			"", "loisirs@exemple.ca", "", "", "Présidence", "Marie Exemple", "marie@exemple.ca", "", "2019-09-01", "2024-05-01", "2026-05-01", "non", "non"},
		{"Comité des loisirs", "", "", "", "", "", "", "", "", "", "Trésorerie", "", "", "", "", "", "", "oui", ""},
	}})
}
