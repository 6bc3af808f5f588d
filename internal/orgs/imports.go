package orgs

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
)

// An import goes in two steps. PreviewImport reads the file, checks every
// row and keeps the rows in the database (several processes may serve the
// next request); nothing else is written. ConfirmImport then writes the
// rows without problems, all in one transaction. Organisations are
// recognised by their name (accents, case and punctuation aside), people by
// their e-mail or, without one, their name, and seats by organisation, title
// and holder: importing the same file again adds nothing. A holder is a
// record of the row's organisation (see people.go): one it already has, or
// a new one — linked, when the person is known elsewhere in the territory,
// to them, since an import is staff's decision. The import never writes
// into another organisation's record.

// Import statuses.
const (
	ImportPreview   = "preview"
	ImportConfirmed = "confirmed"
)

// ImportTTL is how long a preview waits to be confirmed, and how long an
// import and its rows to fix are kept (they hold personal data).
const ImportTTL = 7 * 24 * time.Hour

// Import is a file read for import.
type Import struct {
	ID          int64
	TerritoryID int64
	Filename    string
	Status      string
	Total       int
	Errors      int
	Header      []string
	Summary     ImportSummary
	CreatedAt   time.Time
	ConfirmedAt *time.Time
}

// Valid counts the rows that confirming writes.
func (i Import) Valid() int { return i.Total - i.Errors }

// ImportSummary is what confirming did.
type ImportSummary struct {
	OrgsCreated   int  `json:"orgs_created"`
	OrgsKnown     int  `json:"orgs_known"`
	PeopleCreated int  `json:"people_created"`
	PeopleKnown   int  `json:"people_known"`
	SeatsCreated  int  `json:"seats_created"`
	SeatsUpdated  int  `json:"seats_updated"`
	Skipped       int  `json:"skipped"`
	Published     bool `json:"published"`
}

type seatKey struct {
	org    int64
	title  string
	holder int64
}

type knownPerson struct {
	id, root, org int64
	email         string
}

type orgEmail struct {
	org   int64
	email string
}

// matcher recognises organisations, people and seats already known, and
// remembers those an import adds (with made-up negative ids in a preview).
type matcher struct {
	orgs          map[string]int64
	slugs         map[string]bool
	byEmail       map[string]int64 // the first person with the address
	ownEmail      map[orgEmail]knownPerson
	byName        map[string][]knownPerson
	seats         map[seatKey][]int64
	seatCount     map[int64]int
	next          int64
	knownOrgs     map[int64]bool
	createdOrgs   map[int64]bool
	knownPeople   map[int64]bool // people: their first records
	createdPeople map[int64]bool
}

func loadMatcher(ctx context.Context, q db.Querier, territoryID int64) (*matcher, error) {
	m := &matcher{orgs: map[string]int64{}, slugs: map[string]bool{}, byEmail: map[string]int64{}, byName: map[string][]knownPerson{},
		seats: map[seatKey][]int64{}, seatCount: map[int64]int{}, knownOrgs: map[int64]bool{}, createdOrgs: map[int64]bool{},
		knownPeople: map[int64]bool{}, createdPeople: map[int64]bool{}, ownEmail: map[orgEmail]knownPerson{}}
	scan := func(query string, each func(rows *sql.Rows) error) error {
		return db.Each(ctx, q, query, []any{territoryID}, each)
	}
	err := scan(`SELECT id, name_key, slug FROM organizations WHERE territory_id = ?`, func(rows *sql.Rows) error {
		var id int64
		var key, slug string
		if err := rows.Scan(&id, &key, &slug); err != nil {
			return err
		}
		m.orgs[key], m.slugs[slug] = id, true
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = scan(`SELECT id, COALESCE(same_as, id), COALESCE(organization_id, 0), name_key, email FROM organization_people
		WHERE territory_id = ? ORDER BY id`, func(rows *sql.Rows) error {
		var p knownPerson
		var key string
		if err := rows.Scan(&p.id, &p.root, &p.org, &key, &p.email); err != nil {
			return err
		}
		m.know(p, key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = scan(`SELECT id, organization_id, title_key, holder_id FROM organization_seats WHERE territory_id = ? ORDER BY id`, func(rows *sql.Rows) error {
		var id, org int64
		var title string
		var holder sql.NullInt64
		if err := rows.Scan(&id, &org, &title, &holder); err != nil {
			return err
		}
		k := seatKey{org, title, holder.Int64}
		m.seats[k] = append(m.seats[k], id)
		m.seatCount[org]++
		return nil
	})
	return m, err
}

// org finds an organisation by name; 0 when it is new.
func (m *matcher) org(name string) int64 { return m.orgs[Key(name)] }

// know remembers a record of a person.
func (m *matcher) know(p knownPerson, key string) {
	if p.email != "" {
		if _, ok := m.byEmail[p.email]; !ok {
			m.byEmail[p.email] = p.root
		}
		if _, ok := m.ownEmail[orgEmail{p.org, p.email}]; !ok {
			m.ownEmail[orgEmail{p.org, p.email}] = p
		}
	}
	m.byName[key] = append(m.byName[key], p)
}

// person finds a holder as findPerson does: the organisation's own record
// (id), or else the person known elsewhere in the territory (root); zeros
// when they are new.
func (m *matcher) person(org int64, name, email string) (id, root int64) {
	if email != "" {
		if p, ok := m.ownEmail[orgEmail{org, email}]; ok {
			return p.id, p.root
		}
	}
	byName := func(own bool) knownPerson {
		var first knownPerson
		roots := map[int64]bool{}
		for _, p := range m.byName[Key(name)] {
			if (own && p.org != org) || (email != "" && p.email != "") {
				continue
			}
			if first.id == 0 {
				first = p
			}
			roots[p.root] = true
		}
		if len(roots) == 1 {
			return first
		}
		return knownPerson{}
	}
	if p := byName(true); p.id != 0 {
		return p.id, p.root
	}
	if email != "" {
		if r, ok := m.byEmail[email]; ok {
			return 0, r
		}
	}
	return 0, byName(false).root
}

// addPerson remembers a record the import adds; root is the person it is
// linked to (its own id when the person is new).
func (m *matcher) addPerson(id, root, org int64, name, email string) {
	m.know(knownPerson{id: id, root: root, org: org, email: email}, Key(name))
	if root == id {
		m.createdPeople[id] = true
	}
}

// seat takes the next known seat of an organisation with that title and
// holder (each known seat matches one row only); 0 when it is new.
func (m *matcher) seat(org int64, title string, holder int64) int64 {
	k := seatKey{org, Key(title), holder}
	if ids := m.seats[k]; len(ids) > 0 {
		m.seats[k] = ids[1:]
		return ids[0]
	}
	return 0
}

func (m *matcher) slug(name string) string {
	base := i18n.Slug(name, 60)
	if base == "" {
		base = "organisme"
	}
	slug := base
	for i := 2; m.slugs[slug]; i++ {
		slug = fmt.Sprintf("%s-%d", base, i)
	}
	m.slugs[slug] = true
	return slug
}

// plan marks, on rows without problems, what confirming will do.
func (m *matcher) plan(rows []ImportRow) {
	for i := range rows {
		r := &rows[i]
		if len(r.Problems) > 0 {
			continue
		}
		org := m.org(r.Org.Name)
		if org == 0 {
			m.next--
			org = m.next
			m.orgs[Key(r.Org.Name)] = org
			r.NewOrg = true
		}
		if r.Seat == nil {
			continue
		}
		var holder int64
		if r.Seat.HolderName != "" {
			var root int64
			if holder, root = m.person(org, r.Seat.HolderName, r.Seat.HolderEmail); holder == 0 {
				m.next--
				holder = m.next
				if root == 0 {
					root = holder
					r.NewPerson = true
				}
				m.addPerson(holder, root, org, r.Seat.HolderName, r.Seat.HolderEmail)
			}
		}
		r.NewSeat = m.seat(org, r.Seat.Title, holder) == 0
	}
}

// PreviewImport reads a file and keeps its rows, checked, until someone
// confirms them; it writes nothing else. Imports older than ImportTTL are
// dropped on the way.
func (s *Store) PreviewImport(ctx context.Context, territoryID, userID int64, filename string, data []byte) (Import, error) {
	places, err := s.territories.Places(ctx, territoryID)
	if err != nil {
		return Import{}, err
	}
	parsed, err := ParseImport(filename, data, places)
	if key := FileProblem(err); key != "" {
		return Import{}, &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"file": key}}
	} else if err != nil {
		return Import{}, err
	}
	m, err := loadMatcher(ctx, s.db, territoryID)
	if err != nil {
		return Import{}, err
	}
	m.plan(parsed.Rows)
	bad := 0
	for _, r := range parsed.Rows {
		if len(r.Problems) > 0 {
			bad++
		}
	}
	header, _ := json.Marshal(parsed.Header)
	sum := sha256.Sum256(data)
	filename = clean(filename)
	if tooLong(filename, 200) {
		filename = string([]rune(filename)[:200])
	}
	var by any
	if userID != 0 {
		by = userID
	}
	now := s.now()
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM organization_imports WHERE territory_id = ? AND created_at < ?`,
			territoryID, now.Add(-ImportTTL)); err != nil {
			return err
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO organization_imports (territory_id, created_by, filename, file_hash, status, total_rows,
			error_rows, header, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, by, filename, hex.EncodeToString(sum[:]), ImportPreview, len(parsed.Rows), bad, string(header), now)
		if err != nil {
			return err
		}
		const batch = 200
		for start := 0; start < len(parsed.Rows); start += batch {
			end := min(start+batch, len(parsed.Rows))
			args := make([]any, 0, (end-start)*6)
			for _, r := range parsed.Rows[start:end] {
				data, err := json.Marshal(r)
				if err != nil {
					return err
				}
				problems := ""
				if len(r.Problems) > 0 {
					b, err := json.Marshal(r.Problems)
					if err != nil {
						return err
					}
					problems = string(b)
				}
				args = append(args, territoryID, id, r.Line, len(r.Problems) > 0, string(data), problems)
			}
			values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", end-start), ", ")
			if _, err := tx.Exec(ctx, `INSERT INTO organization_import_rows (territory_id, import_id, line, has_errors, data, problems) VALUES `+values,
				args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Import{}, err
	}
	return s.Import(ctx, territoryID, id)
}

const importCols = `id, territory_id, filename, status, total_rows, error_rows, header, summary, created_at, confirmed_at`

func scanImport(row interface{ Scan(...any) error }) (Import, error) {
	var im Import
	var header, summary string
	var confirmed sql.NullTime
	err := row.Scan(&im.ID, &im.TerritoryID, &im.Filename, &im.Status, &im.Total, &im.Errors, &header, &summary, &im.CreatedAt, &confirmed)
	if errors.Is(err, sql.ErrNoRows) {
		return im, errs.New(errs.NotFound, "errors.org_import_not_found")
	}
	if err != nil {
		return im, err
	}
	_ = json.Unmarshal([]byte(header), &im.Header)
	if summary != "" {
		_ = json.Unmarshal([]byte(summary), &im.Summary)
	}
	if confirmed.Valid {
		im.ConfirmedAt = &confirmed.Time
	}
	return im, nil
}

// Import returns an import of the territory.
func (s *Store) Import(ctx context.Context, territoryID, id int64) (Import, error) {
	return scanImport(s.db.QueryRow(ctx, `SELECT `+importCols+` FROM organization_imports WHERE territory_id = ? AND id = ?`, territoryID, id))
}

// Imports lists the territory's recent imports, newest first.
func (s *Store) Imports(ctx context.Context, territoryID int64, limit int) ([]Import, error) {
	rows, err := s.db.Query(ctx, `SELECT `+importCols+` FROM organization_imports WHERE territory_id = ? ORDER BY created_at DESC, id DESC LIMIT `+
		fmt.Sprint(max(limit, 1)), territoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Import
	for rows.Next() {
		im, err := scanImport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

// ImportRows returns a page of an import's rows by line (only those with
// problems when onlyProblems), and how many there are.
func (s *Store) ImportRows(ctx context.Context, territoryID, importID int64, onlyProblems bool, limit, offset int) ([]ImportRow, int, error) {
	where := ` WHERE territory_id = ? AND import_id = ?`
	args := []any{territoryID, importID}
	if onlyProblems {
		where += ` AND has_errors = ?`
		args = append(args, true)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organization_import_rows`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT line, data, problems FROM organization_import_rows` + where + ` ORDER BY line, id`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, max(offset, 0))
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []ImportRow
	for rows.Next() {
		r, err := scanImportRow(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

func scanImportRow(rows *sql.Rows) (ImportRow, error) {
	var r ImportRow
	var data, problems string
	var line int
	if err := rows.Scan(&line, &data, &problems); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return r, err
	}
	r.Line = line
	if problems != "" {
		if err := json.Unmarshal([]byte(problems), &r.Problems); err != nil {
			return r, err
		}
	}
	return r, nil
}

// ConfirmImport writes the rows of an import that have no problem, all in
// one transaction; new organisations go to the public directory when
// publish is set. Confirming twice writes nothing more.
func (s *Store) ConfirmImport(ctx context.Context, territoryID, importID int64, publish bool) (ImportSummary, error) {
	var sum ImportSummary
	places, err := s.territories.Places(ctx, territoryID)
	if err != nil {
		return sum, err
	}
	placeIDs := map[string]int64{}
	for _, p := range places {
		placeIDs[p.Slug] = p.ID
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		var status string
		var created time.Time
		err := tx.QueryRow(ctx, `SELECT status, created_at FROM organization_imports WHERE territory_id = ? AND id = ?`, territoryID, importID).Scan(&status, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "errors.org_import_not_found")
		}
		if err != nil {
			return err
		}
		if status != ImportPreview {
			return errs.New(errs.Conflict, "errors.org_import_done")
		}
		if created.Before(now.Add(-ImportTTL)) {
			return errs.New(errs.Conflict, "errors.org_import_expired")
		}
		res, err := tx.Exec(ctx, `UPDATE organization_imports SET status = ?, confirmed_at = ? WHERE territory_id = ? AND id = ? AND status = ?`,
			ImportConfirmed, now, territoryID, importID, ImportPreview)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.Conflict, "errors.org_import_done")
		}
		var rowsToApply []ImportRow
		rows, err := tx.Query(ctx, `SELECT line, data, problems FROM organization_import_rows WHERE territory_id = ? AND import_id = ?
			ORDER BY line, id`, territoryID, importID)
		if err != nil {
			return err
		}
		for rows.Next() {
			r, err := scanImportRow(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if len(r.Problems) > 0 {
				sum.Skipped++
				continue
			}
			rowsToApply = append(rowsToApply, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		m, err := loadMatcher(ctx, tx, territoryID)
		if err != nil {
			return err
		}
		sum.Published = publish
		touched := map[int64]bool{}
		for _, r := range rowsToApply {
			if err := s.applyRow(ctx, tx, territoryID, m, r, placeIDs, publish, now, touched, &sum); err != nil {
				return fmt.Errorf("import line %d: %w", r.Line, err)
			}
		}
		// Organisations completed by the import: their search text follows.
		for id := range touched {
			var name, mission, involvement string
			if err := tx.QueryRow(ctx, `SELECT name, mission, involvement FROM organizations WHERE territory_id = ? AND id = ?`, territoryID, id).Scan(&name, &mission, &involvement); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE organizations SET search_text = ? WHERE territory_id = ? AND id = ?`, searchText(name, mission, involvement), territoryID, id); err != nil {
				return err
			}
		}
		sum.OrgsKnown, sum.PeopleKnown = len(m.knownOrgs), len(m.knownPeople)
		b, _ := json.Marshal(sum)
		if _, err := tx.Exec(ctx, `UPDATE organization_imports SET summary = ? WHERE territory_id = ? AND id = ?`, string(b), territoryID, importID); err != nil {
			return err
		}
		// The rows written are in their tables now: only the rows to fix stay.
		_, err = tx.Exec(ctx, `DELETE FROM organization_import_rows WHERE territory_id = ? AND import_id = ? AND has_errors = ?`, territoryID, importID, false)
		return err
	})
	return sum, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Store) applyRow(ctx context.Context, tx *db.Tx, territoryID int64, m *matcher, r ImportRow, placeIDs map[string]int64,
	publish bool, now time.Time, touched map[int64]bool, sum *ImportSummary) error {
	o := r.Org
	orgID := m.org(o.Name)
	if orgID == 0 {
		kind := o.Kind
		if kind == "" {
			kind = OtherKind
		}
		var err error
		orgID, err = tx.InsertID(ctx, `INSERT INTO organizations (territory_id, slug, name, name_key, kind, mission, involvement, contact_name,
			contact_email, contact_phone, website, is_public, search_text, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, m.slug(o.Name), o.Name, Key(o.Name), string(kind), o.Mission, o.Involvement, o.ContactName, o.ContactEmail,
			o.ContactPhone, o.Website, publish, searchText(o.Name, o.Mission, o.Involvement), now, now)
		if err != nil {
			return err
		}
		m.orgs[Key(o.Name)] = orgID
		m.createdOrgs[orgID] = true
		sum.OrgsCreated++
	} else if !touched[orgID] && !m.createdOrgs[orgID] {
		// What Implique knows stays; the file only fills what is blank.
		touched[orgID], m.knownOrgs[orgID] = true, true
		if _, err := tx.Exec(ctx, `UPDATE organizations SET
			mission = CASE WHEN mission = '' THEN ? ELSE mission END,
			involvement = CASE WHEN involvement = '' THEN ? ELSE involvement END,
			contact_name = CASE WHEN contact_name = '' THEN ? ELSE contact_name END,
			contact_email = CASE WHEN contact_email = '' THEN ? ELSE contact_email END,
			contact_phone = CASE WHEN contact_phone = '' THEN ? ELSE contact_phone END,
			website = CASE WHEN website = '' THEN ? ELSE website END, updated_at = ? WHERE territory_id = ? AND id = ?`,
			o.Mission, o.Involvement, o.ContactName, o.ContactEmail, o.ContactPhone, o.Website, now, territoryID, orgID); err != nil {
			return err
		}
	}
	for _, slug := range o.Places {
		if id, ok := placeIDs[slug]; ok {
			if _, err := tx.Exec(ctx, `INSERT INTO organization_places (organization_id, place_id, territory_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				orgID, id, territoryID); err != nil {
				return err
			}
		}
	}
	for _, c := range o.Causes {
		if _, err := tx.Exec(ctx, `INSERT INTO organization_causes (organization_id, cause, territory_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			orgID, c, territoryID); err != nil {
			return err
		}
	}
	st := r.Seat
	if st == nil {
		return nil
	}
	var holder int64
	if st.HolderName != "" {
		var root int64
		if holder, root = m.person(orgID, st.HolderName, st.HolderEmail); holder == 0 {
			var sameAs any
			if root != 0 {
				sameAs = root
			}
			var err error
			holder, err = tx.InsertID(ctx, `INSERT INTO organization_people (territory_id, organization_id, same_as, name, name_key, email, phone,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				territoryID, orgID, sameAs, st.HolderName, Key(st.HolderName), st.HolderEmail, st.HolderPhone, now, now)
			if err != nil {
				return err
			}
			if root == 0 {
				root = holder
				sum.PeopleCreated++
			}
			m.addPerson(holder, root, orgID, st.HolderName, st.HolderEmail)
		} else if _, err := tx.Exec(ctx, `UPDATE organization_people SET email = CASE WHEN email = '' THEN ? ELSE email END,
			phone = CASE WHEN phone = '' THEN ? ELSE phone END WHERE territory_id = ? AND organization_id = ? AND id = ?`,
			st.HolderEmail, st.HolderPhone, territoryID, orgID, holder); err != nil {
			return err
		}
		if !m.createdPeople[root] {
			m.knownPeople[root] = true
		}
	}
	var holderArg any
	if holder != 0 {
		holderArg = holder
	}
	boolArg := func(b *bool) any {
		if b == nil {
			return nil
		}
		return *b
	}
	if id := m.seat(orgID, st.Title, holder); id != 0 {
		_, err := tx.Exec(ctx, `UPDATE organization_seats SET holder_since = COALESCE(?, holder_since), term_start = COALESCE(?, term_start),
			term_end = COALESCE(?, term_end), open_to_newcomers = COALESCE(?, open_to_newcomers),
			successor_identified = COALESCE(?, successor_identified), updated_at = ? WHERE territory_id = ? AND id = ?`,
			nullable(st.HolderSince), nullable(st.TermStart), nullable(st.TermEnd), boolArg(st.Open), boolArg(st.Successor), now, territoryID, id)
		sum.SeatsUpdated++
		return err
	}
	open, successor := st.Open != nil && *st.Open, st.Successor != nil && *st.Successor
	_, err := tx.Exec(ctx, `INSERT INTO organization_seats (territory_id, organization_id, title, title_key, role, holder_id, holder_since,
		term_start, term_end, open_to_newcomers, successor_identified, sort_order, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		territoryID, orgID, st.Title, Key(st.Title), string(st.Role), holderArg, nullable(st.HolderSince), nullable(st.TermStart),
		nullable(st.TermEnd), open, successor, m.seatCount[orgID], now, now)
	m.seatCount[orgID]++
	sum.SeatsCreated++
	return err
}
