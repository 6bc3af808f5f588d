package orgs

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"implique/internal/calendar"
	"implique/internal/files"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// Spreadsheets volunteer centres already keep — one row per seat (or per
// organisation), in CSV as Excel in French writes it (semicolons, with or
// without a byte order mark, UTF-8 or Windows-1252) or in XLSX — are read
// here into rows checked one by one. Nothing here touches the database:
// the store keeps the rows until someone confirms the import.

// Limits of an import.
const (
	MaxImportBytes = 10 << 20
	MaxImportRows  = 20000
	maxCell        = 5000
)

// Fields of an import, by their canonical name.
const (
	colOrg          = "organization"
	colKind         = "kind"
	colPlaces       = "places"
	colMission      = "mission"
	colInvolvement  = "involvement"
	colCauses       = "causes"
	colContactName  = "contact_name"
	colContactEmail = "contact_email"
	colContactPhone = "contact_phone"
	colWebsite      = "website"
	colSeat         = "seat"
	colHolder       = "holder"
	colHolderEmail  = "holder_email"
	colHolderPhone  = "holder_phone"
	colHolderSince  = "holder_since"
	colTermStart    = "term_start"
	colTermEnd      = "term_end"
	colOpen         = "open"
	colSuccessor    = "successor"
)

// ImportColumns lists the columns an import understands, in the order of
// the model file, with their French header.
var ImportColumns = []struct{ Field, Header string }{
	{colOrg, "Organisme"}, {colKind, "Type"}, {colPlaces, "Municipalités"}, {colMission, "Mission"},
	{colInvolvement, "Comment s’impliquer"}, {colCauses, "Causes"}, {colContactName, "Personne-ressource"},
	{colContactEmail, "Courriel"}, {colContactPhone, "Téléphone"}, {colWebsite, "Site web"}, {colSeat, "Poste"},
	{colHolder, "Titulaire"}, {colHolderEmail, "Courriel du titulaire"}, {colHolderPhone, "Téléphone du titulaire"},
	{colHolderSince, "En poste depuis"}, {colTermStart, "Début du mandat"}, {colTermEnd, "Fin du mandat"},
	{colOpen, "Ouvert à la relève"}, {colSuccessor, "Relève identifiée"},
}

// headerAliases recognises a header by its key (see Key): French first,
// English too.
var headerAliases = map[string]string{
	"organisme": colOrg, "organisation": colOrg, "nom-de-l-organisme": colOrg, "nom-de-l-organisation": colOrg, "nom": colOrg,
	"organization": colOrg, "organization-name": colOrg, "name": colOrg, "comite": colOrg, "organisme-ou-comite": colOrg,
	"type": colKind, "type-d-organisme": colKind, "type-d-organisation": colKind, "categorie": colKind, "kind": colKind,
	"municipalite": colPlaces, "municipalites": colPlaces, "lieu": colPlaces, "lieux": colPlaces, "secteur": colPlaces,
	"municipalites-desservies": colPlaces, "territoire-desservi": colPlaces, "places": colPlaces, "place": colPlaces, "municipality": colPlaces,
	"mission": colMission, "description": colMission,
	"comment-s-impliquer": colInvolvement, "s-impliquer": colInvolvement, "how-to-get-involved": colInvolvement, "involvement": colInvolvement,
	"causes": colCauses, "cause": colCauses,
	"personne-ressource": colContactName, "contact": colContactName, "contact-name": colContactName,
	"courriel": colContactEmail, "courriel-de-l-organisme": colContactEmail, "adresse-courriel": colContactEmail, "email": colContactEmail,
	"e-mail": colContactEmail, "telephone": colContactPhone, "telephone-de-l-organisme": colContactPhone, "phone": colContactPhone,
	"site-web": colWebsite, "site": colWebsite, "site-internet": colWebsite, "website": colWebsite,
	"poste": colSeat, "fonction": colSeat, "titre-du-poste": colSeat, "siege": colSeat, "seat": colSeat, "position": colSeat,
	"titulaire": colHolder, "personne-en-poste": colHolder, "nom-du-titulaire": colHolder, "nom-de-la-personne": colHolder, "holder": colHolder,
	"courriel-du-titulaire": colHolderEmail, "courriel-de-la-personne": colHolderEmail, "holder-email": colHolderEmail,
	"telephone-du-titulaire": colHolderPhone, "telephone-de-la-personne": colHolderPhone, "holder-phone": colHolderPhone,
	"en-poste-depuis": colHolderSince, "depuis": colHolderSince, "holder-since": colHolderSince, "since": colHolderSince,
	"debut-du-mandat": colTermStart, "debut-de-mandat": colTermStart, "debut": colTermStart, "term-start": colTermStart,
	"fin-du-mandat": colTermEnd, "fin-de-mandat": colTermEnd, "fin": colTermEnd, "echeance": colTermEnd, "term-end": colTermEnd,
	"ouvert-a-la-releve": colOpen, "poste-ouvert-a-la-releve": colOpen, "releve": colOpen, "open-to-newcomers": colOpen,
	"releve-identifiee": colSuccessor, "successeur": colSuccessor, "successor-identified": colSuccessor, "successor": colSuccessor,
}

// Problem is what is wrong with a row: the column (as the file names it),
// a catalog key, and the value in question.
type Problem struct {
	Column string `json:"c,omitempty"`
	Key    string `json:"k"`
	Value  string `json:"v,omitempty"`
}

// ImportOrg is an organisation as a row describes it.
type ImportOrg struct {
	Name         string   `json:"name"`
	Kind         Kind     `json:"kind,omitempty"`
	Places       []string `json:"places,omitempty"`
	Mission      string   `json:"mission,omitempty"`
	Involvement  string   `json:"involvement,omitempty"`
	Causes       []string `json:"causes,omitempty"`
	ContactName  string   `json:"contact_name,omitempty"`
	ContactEmail string   `json:"contact_email,omitempty"`
	ContactPhone string   `json:"contact_phone,omitempty"`
	Website      string   `json:"website,omitempty"`
}

// ImportSeat is a seat as a row describes it; days are YYYY-MM-DD.
type ImportSeat struct {
	Title       string `json:"title"`
	Role        Role   `json:"role"`
	HolderName  string `json:"holder,omitempty"`
	HolderEmail string `json:"holder_email,omitempty"`
	HolderPhone string `json:"holder_phone,omitempty"`
	HolderSince string `json:"since,omitempty"`
	TermStart   string `json:"start,omitempty"`
	TermEnd     string `json:"end,omitempty"`
	// Open and Successor are nil when the file says nothing.
	Open      *bool `json:"open,omitempty"`
	Successor *bool `json:"successor,omitempty"`
}

// ImportRow is one row of a file, read and checked.
type ImportRow struct {
	Line     int         `json:"-"`
	Org      ImportOrg   `json:"org"`
	Seat     *ImportSeat `json:"seat,omitempty"`
	Cells    []string    `json:"cells"`
	Problems []Problem   `json:"-"`
	// What confirming will do, as seen at preview time.
	NewOrg    bool `json:"new_org,omitempty"`
	NewPerson bool `json:"new_person,omitempty"`
	NewSeat   bool `json:"new_seat,omitempty"`
}

// Parsed is a file read for import.
type Parsed struct {
	Header []string
	// Ignored lists the headers the import does not use.
	Ignored []string
	Rows    []ImportRow
}

// fileError is a problem with the whole file: its catalog key.
func fileError(key string) error { return &importError{key} }

type importError struct{ key string }

func (e *importError) Error() string { return e.key }

// FileProblem returns the catalog key of a problem with the whole file, or "".
func FileProblem(err error) string {
	var e *importError
	if errors.As(err, &e) {
		return e.key
	}
	return ""
}

// ParseImport reads a CSV or XLSX file into checked rows. places are the
// territory's. An error names a problem with the whole file (see
// FileProblem); problems of a row stay on the row.
func ParseImport(filename string, data []byte, places []territory.Place) (Parsed, error) {
	if len(data) == 0 {
		return Parsed{}, fileError("errors.org_import_empty")
	}
	if len(data) > MaxImportBytes {
		return Parsed{}, fileError("errors.org_import_size")
	}
	var table [][]string
	var lines []int
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		table, lines, err = readXLSX(data)
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")) || strings.EqualFold(filepath.Ext(filename), ".xls"):
		return Parsed{}, fileError("errors.org_import_xls")
	default:
		table, lines, err = readCSV(data)
	}
	if err != nil {
		return Parsed{}, err
	}
	return checkTable(table, lines, places)
}

// readCSV reads CSV text: UTF-8 (with or without BOM) or Windows-1252, with
// the separator its first line uses most (« ; », « , » or a tab).
func readCSV(data []byte) ([][]string, []int, error) {
	data, ok := files.Text(data)
	if !ok {
		return nil, nil, fileError("errors.org_import_format")
	}
	sep := files.Separator(data)
	// Records are cut line by line, so that one broken row (a quote never
	// closed) costs that row only: a record may span a few lines (a cell
	// with a line break) but no more than maxRecordLines.
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	var table [][]string
	var starts []int
	headerLen := 0
	for i := 0; i < len(lines) && len(table) <= MaxImportRows+1; i++ {
		start, rec := i, lines[i]
		for quoteOpen(rec, sep) && i+1 < len(lines) && i-start < maxRecordLines {
			i++
			rec += "\n" + lines[i]
		}
		if quoteOpen(rec, sep) {
			i = start // only this line is lost, as a problem
			table, starts = append(table, nil), append(starts, start+1)
			continue
		}
		r := csv.NewReader(strings.NewReader(rec))
		r.Comma = sep
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		fields, err := r.Read()
		switch {
		case err == io.EOF:
			fields = []string{}
		case err != nil:
			fields = nil
		case i > start && (headerLen > 0 && len(fields) > headerLen || strayQuote(rec, sep)):
			// A quote left open swallowed the rows after it: keep them.
			i, fields = start, nil
		}
		if headerLen == 0 && !blank(fields) {
			headerLen = len(fields)
		}
		table, starts = append(table, fields), append(starts, start+1)
	}
	return table, starts, nil
}

func strayQuote(rec string, sep rune) bool {
	_, stray := scanQuotes(rec, sep)
	return stray
}

// maxRecordLines bounds the lines one CSV record may span.
const maxRecordLines = 20

// quoteOpen reports whether a CSV text ends inside a quoted field.
func quoteOpen(s string, sep rune) bool {
	open, _ := scanQuotes(s, sep)
	return open
}

// scanQuotes follows the quoted fields of a CSV text: open is true when it
// ends inside one, strayClose when a quoted field closes without a
// separator or a line end after it (a sign that quotes went astray).
func scanQuotes(s string, sep rune) (open, strayClose bool) {
	in, fieldStart := false, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in && c == '"':
			if i+1 < len(s) && s[i+1] == '"' {
				i++
				continue
			}
			in = false
			if i+1 < len(s) && rune(s[i+1]) != sep && s[i+1] != '\n' && s[i+1] != '\r' {
				strayClose = true
			}
			fieldStart = false
		case in:
		case fieldStart && c == '"':
			in, fieldStart = true, false
		case rune(c) == sep || c == '\n':
			fieldStart = true
		default:
			fieldStart = false
		}
	}
	return in, strayClose
}

// readXLSX reads the first sheet of a workbook, with dates as numbers.
func readXLSX(data []byte) ([][]string, []int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 200 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return nil, nil, fileError("errors.org_import_format")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, fileError("errors.org_import_empty")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, fileError("errors.org_import_format")
	}
	defer rows.Close()
	var table [][]string
	var lines []int
	for n := 1; rows.Next() && len(table) <= MaxImportRows+1; n++ {
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, fileError("errors.org_import_format")
		}
		if rec == nil {
			rec = []string{} // a blank row, not a broken one
		}
		table = append(table, rec)
		lines = append(lines, n)
	}
	if rows.Error() != nil {
		return nil, nil, fileError("errors.org_import_format")
	}
	return table, lines, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// checkTable finds the header, then reads and checks each row.
func checkTable(table [][]string, lines []int, places []territory.Place) (Parsed, error) {
	// The header is the first row that is not blank.
	h := 0
	for h < len(table) && blank(table[h]) {
		h++
	}
	if h == len(table) {
		return Parsed{}, fileError("errors.org_import_empty")
	}
	p := Parsed{Header: make([]string, len(table[h]))}
	field := make([]string, len(table[h]))
	seen := map[string]bool{}
	for i, name := range readableCells(table[h]) {
		name = clean(strings.TrimPrefix(name, "\ufeff"))
		p.Header[i] = name
		if f, ok := headerAliases[Key(name)]; ok && !seen[f] {
			field[i], seen[f] = f, true
		} else if name != "" {
			p.Ignored = append(p.Ignored, name)
		}
	}
	if !seen[colOrg] {
		return Parsed{}, fileError("errors.org_import_no_name")
	}
	ix := newPlaceIndex(places)
	data := 0
	for i := h + 1; i < len(table); i++ {
		if table[i] != nil && blank(table[i]) {
			continue
		}
		data++
		if data > MaxImportRows {
			return Parsed{}, fileError("errors.org_import_rows")
		}
		p.Rows = append(p.Rows, checkRow(lines[i], p.Header, field, table[i], ix))
	}
	if len(p.Rows) == 0 {
		return Parsed{}, fileError("errors.org_import_no_rows")
	}
	return p, nil
}

// placeIndex finds a place by its name or its address, accents and case aside.
type placeIndex map[string]string

func newPlaceIndex(places []territory.Place) placeIndex {
	ix := placeIndex{}
	for _, p := range places {
		ix[Key(p.Name)] = p.Slug
		ix[p.Slug] = p.Slug
		if p.ParentName != "" {
			ix[Key(p.ParentName+" "+p.Name)] = p.Slug
		}
	}
	return ix
}

// splitList cuts a cell listing several values (« Manseau, Lemieux »).
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == '\n' || r == '|' }) {
		if part = clean(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// parseKind recognises a kind of organisation as people write it.
func parseKind(s string) (Kind, bool) {
	k := Key(s)
	if kind, ok := ParseKind(strings.ReplaceAll(k, "-", "_")); ok {
		return kind, true
	}
	has := func(parts ...string) bool {
		for _, p := range parts {
			if strings.Contains(k, p) {
				return true
			}
		}
		return false
	}
	switch {
	case has("comite-citoyen", "citizen-committee", "comite-de-citoyens"):
		return CitizenCommittee, true
	case has("conseil-municipal", "municipal-council"):
		return MunicipalCouncil, true
	case has("comite-municipal", "comite-consultatif", "municipal-committee"):
		return MunicipalCommittee, true
	case has("ecole", "scolaire", "conseil-d-etablissement", "school", "cegep"):
		return School, true
	case has("entreprise", "commerce", "business", "cooperative"):
		return Business, true
	case has("public", "ciusss", "cisss", "mrc", "gouvernement", "ministere"):
		return PublicBody, true
	case has("obnl", "osbl", "sans-but-lucratif", "communautaire", "non-profit", "nonprofit", "organisme", "association", "club"):
		return Nonprofit, true
	case has("autre", "other"):
		return OtherKind, true
	}
	return "", false
}

// causeIndex finds a cause by its code or its French or English name.
var causeIndex = func() map[string]string {
	names := map[string][]string{
		"seniors": {"aines", "personnes-ainees", "seniors"}, "youth": {"jeunesse", "jeunes", "youth"},
		"families": {"familles", "famille", "families"}, "food": {"alimentation", "securite-alimentaire", "food"},
		"health": {"sante", "sante-et-services-sociaux", "health"}, "environment": {"environnement", "environment"},
		"culture": {"culture", "arts"}, "sports_recreation": {"sports-et-loisirs", "loisirs", "sports", "sport", "recreation"},
		"education": {"education"}, "mutual_aid": {"entraide", "mutual-aid"},
		"local_development": {"developpement-local", "developpement", "local-development"},
		"inclusion":         {"inclusion", "inclusion-et-diversite", "diversite"}, "transportation": {"transport", "transportation"},
		"housing": {"logement", "habitation", "housing"}, "heritage": {"patrimoine", "heritage"},
	}
	ix := map[string]string{}
	for code, list := range names {
		ix[code] = code
		for _, n := range list {
			ix[n] = code
		}
	}
	return ix
}()

// parseBool reads oui / non as people type them; ok is false when it cannot.
func parseBool(s string) (bool, bool) {
	switch Key(s) {
	case "oui", "o", "x", "yes", "y", "1", "vrai", "true":
		return true, true
	case "non", "n", "no", "0", "faux", "false":
		return false, true
	}
	return false, false
}

// roleOf guesses a seat's function from its title.
func roleOf(title string) Role {
	k := Key(title)
	switch {
	case strings.Contains(k, "vice"):
		return VicePresident
	case strings.Contains(k, "presid"), k == "chair", strings.Contains(k, "chairperson"):
		return President
	case strings.Contains(k, "tresor"), strings.Contains(k, "treasurer"):
		return Treasurer
	case strings.Contains(k, "secretar"):
		return Secretary
	case strings.HasPrefix(k, "maire"), strings.Contains(k, "mayor"):
		return Mayor
	case strings.Contains(k, "coordon"), strings.Contains(k, "coordinat"):
		return Coordinator
	case strings.Contains(k, "conseill"), strings.Contains(k, "councillor"), strings.Contains(k, "siege"):
		return Councillor
	case strings.Contains(k, "administrat"), strings.Contains(k, "director"), strings.Contains(k, "board"):
		return Director
	case strings.Contains(k, "membre"), strings.Contains(k, "member"):
		return Member
	}
	return OtherRole
}

// readableCells returns the cells of a row as text that can be stored and
// shown: bytes that are not UTF-8 become U+FFFD, and control characters
// (NUL, escapes; those Windows-1252 leaves undefined) are dropped, tab and
// line breaks aside. A file is not a form: what it holds is shown in the
// preview before anything is imported.
func readableCells(rec []string) []string {
	if rec == nil {
		return nil
	}
	out := make([]string, len(rec))
	for i, c := range rec {
		out[i] = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
				return -1
			}
			return r
		}, strings.ToValidUTF8(c, "\ufffd"))
	}
	return out
}

// checkRow reads one row; its problems say what to fix, in the column's name.
func checkRow(line int, header, field []string, rec []string, ix placeIndex) ImportRow {
	rec = readableCells(rec)
	row := ImportRow{Line: line, Cells: rec}
	if rec == nil {
		row.Problems = append(row.Problems, Problem{Key: "errors.org_import_csv"})
		row.Cells = []string{}
		return row
	}
	c := rowCells{row: &row, cells: map[string]string{}, colName: map[string]string{}}
	for i, f := range field {
		c.colName[f] = header[i]
		if f == "" || i >= len(rec) {
			continue
		}
		v := strings.TrimSpace(rec[i])
		if utf8.RuneCountInString(v) > maxCell {
			row.Problems = append(row.Problems, Problem{Column: header[i], Key: "errors.org_import_long"})
			v = ""
		}
		c.cells[f] = v
	}
	c.org(ix)
	c.seat()
	return row
}

// rowCells are a row's cells by field, as it is checked.
type rowCells struct {
	row     *ImportRow
	cells   map[string]string
	colName map[string]string
}

// add gives the row a problem with a field's cell.
func (c *rowCells) add(f, key, value string) {
	c.row.Problems = append(c.row.Problems, Problem{Column: c.colName[f], Key: key, Value: value})
}

// text is a field's text, cleaned (long texts keep their lines), or "" and
// a problem when it is longer than max.
func (c *rowCells) text(f string, max int) string {
	v := clean(c.cells[f])
	if f == colMission || f == colInvolvement {
		v = strings.TrimSpace(c.cells[f])
	}
	if utf8.RuneCountInString(v) > max {
		c.add(f, "errors.too_long", "")
		return ""
	}
	return v
}

// org checks the organisation of the row: a name, a kind, places of the
// territory (ix), causes, a contact and a website.
func (c *rowCells) org(ix placeIndex) {
	cells, add, text := c.cells, c.add, c.text
	o := &c.row.Org
	o.Name = text(colOrg, 150)
	switch {
	case o.Name == "":
		add(colOrg, "errors.org_import_name", "")
	case Key(o.Name) == "":
		add(colOrg, "errors.org_name", o.Name)
	}
	if v := cells[colKind]; v != "" {
		if k, ok := parseKind(v); ok {
			o.Kind = k
		} else {
			add(colKind, "errors.org_import_kind", v)
		}
	}
	for _, v := range splitList(cells[colPlaces]) {
		if slug, ok := ix[Key(v)]; ok {
			o.Places = append(o.Places, slug)
		} else {
			add(colPlaces, "errors.org_import_place", v)
		}
	}
	o.Places = dedupe(o.Places)
	o.Mission, o.Involvement = text(colMission, 2000), text(colInvolvement, 2000)
	for _, v := range splitList(cells[colCauses]) {
		if code, ok := causeIndex[Key(v)]; ok {
			o.Causes = append(o.Causes, code)
		} else {
			add(colCauses, "errors.org_import_cause", v)
		}
	}
	o.Causes = dedupe(o.Causes)
	o.ContactName, o.ContactPhone = text(colContactName, 120), text(colContactPhone, 60)
	if o.ContactEmail = strings.ToLower(cells[colContactEmail]); o.ContactEmail != "" && !territory.ValidEmail(o.ContactEmail) {
		add(colContactEmail, "errors.org_import_email", o.ContactEmail)
	}
	if o.Website = cells[colWebsite]; o.Website != "" {
		if !strings.Contains(o.Website, "://") {
			o.Website = "https://" + o.Website
		}
		if tooLong(o.Website, 300) || !validWebsite(o.Website) {
			add(colWebsite, "errors.org_import_website", cells[colWebsite])
		}
	}
}

// seat checks the seat of the row, when the row names one (or a holder, or
// a term): a title, a holder with a name, real days in order, yes or no.
func (c *rowCells) seat() {
	cells, add, text := c.cells, c.add, c.text
	title := text(colSeat, 120)
	seatCells := []string{colHolder, colHolderEmail, colHolderPhone, colHolderSince, colTermStart, colTermEnd, colOpen, colSuccessor}
	hasSeat := title != ""
	for _, f := range seatCells {
		hasSeat = hasSeat || cells[f] != ""
	}
	if !hasSeat {
		return
	}
	st := &ImportSeat{Title: title, Role: roleOf(title)}
	c.row.Seat = st
	if title == "" || Key(title) == "" {
		add(colSeat, "errors.org_import_seat", "")
	}
	st.HolderName = text(colHolder, 120)
	st.HolderPhone = text(colHolderPhone, 60)
	if st.HolderEmail = strings.ToLower(cells[colHolderEmail]); st.HolderEmail != "" && !territory.ValidEmail(st.HolderEmail) {
		add(colHolderEmail, "errors.org_import_email", st.HolderEmail)
	}
	if st.HolderName == "" && (st.HolderEmail != "" || st.HolderPhone != "") {
		add(colHolder, "errors.org_import_holder", "")
	} else if st.HolderName != "" && Key(st.HolderName) == "" {
		add(colHolder, "errors.org_person_name", st.HolderName)
	}
	days := map[string]*string{colHolderSince: &st.HolderSince, colTermStart: &st.TermStart, colTermEnd: &st.TermEnd}
	for _, f := range []string{colHolderSince, colTermStart, colTermEnd} {
		if v := cells[f]; v != "" {
			switch d, ok := calendar.Parse(v); {
			case !ok:
				add(f, "errors.org_import_date", v)
			case !calendar.Record.Holds(d.Year):
				add(f, i18n.Msg("errors.org_import_date_years", v, calendar.Record.First, calendar.Record.Last), v)
			default:
				*days[f] = d.String()
			}
		}
	}
	if st.TermStart != "" && st.TermEnd != "" && st.TermEnd < st.TermStart {
		add(colTermEnd, "errors.org_term_order", "")
	}
	for _, yn := range []struct {
		f    string
		into **bool
	}{{colOpen, &st.Open}, {colSuccessor, &st.Successor}} {
		if v := cells[yn.f]; v != "" {
			if b, ok := parseBool(v); ok {
				*yn.into = &b
			} else {
				add(yn.f, "errors.org_import_yes_no", v)
			}
		}
	}
}

// ImportField names the field a column header stands for, "" when the
// import does not use the column.
func ImportField(header string) string { return headerAliases[Key(header)] }
