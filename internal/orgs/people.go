package orgs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/territory"
)

// Who sees which people.
//
// A person who holds seats is kept as one record per organisation: what that
// organisation entered about them (a name, an optional e-mail and phone, the
// consent to show the name). The rules:
//
//   - A holder typed by an organisation's manager is a record of that
//     organisation. It is recognised only among that organisation's own
//     records (by its e-mail), never matched to another organisation's or to
//     staff's record, and it never writes into one: an address typed by a
//     manager reaches nobody else.
//   - What a manager sees of a holder is that record, and nothing else: not
//     the person's other seats, not how many seats they hold in the
//     territory (« plusieurs chapeaux »), not what others entered about them.
//     Their own radar (Reach OwnOrganization) leaves those out.
//   - Matching two records of the same person is a staff decision. Staff
//     typing a holder on an organisation's page, and the import they
//     confirm, recognise a person known elsewhere (same e-mail, or same name
//     without two different addresses) and link the new record to theirs;
//     staff also see the possible matches in their registry and link them
//     after a confirmation (LinkPeople), or undo a link (UnlinkPerson).
//     Linking writes nothing into the records: each organisation keeps
//     seeing what it entered, and the radar counts the person's seats
//     together.
//
// Linked records form a person: every record of it points (same_as) to its
// first record, the root, which points to nothing. The root's id stands for
// the person on the staff pages and the radar.

// Reach is how far a request sees among the people who hold seats.
type Reach int

const (
	// OwnOrganization is an organisation's own records: what its managers
	// get. It is the zero value, so that a forgotten Reach is the safe one.
	OwnOrganization Reach = iota
	// WholeTerritory is every record of the territory, for staff: a typed
	// holder is recognised among people known elsewhere, and the radar
	// counts each person's seats across organisations.
	WholeTerritory
)

// Person is a record of someone who holds (or held) a seat: staff see it,
// the organisation it was entered for sees it, the public never does —
// unless NamePublic, when the name shows beside the seats.
type Person struct {
	ID          int64
	TerritoryID int64
	// OrganizationID is the organisation the record was entered for (0 for
	// an older record without one, kept by staff only); Org names it.
	OrganizationID int64
	Org            OrgRef
	// SameAs is the person's first record, when staff linked this one to it.
	SameAs *int64
	Name   string
	Email  string
	Phone  string
	// UserID links the person to an account, when they have one.
	UserID     *int64
	NamePublic bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Seats counts the seats held now: by this record (an organisation's
	// list, a record), or by every record of the person (the staff registry).
	Seats int
	// Orgs are the organisations that keep a record of the person, and
	// Records how many records they have (the staff registry only).
	Orgs    []OrgRef
	Records int
}

// Root is the id that stands for the person: their first record.
func (p Person) Root() int64 {
	if p.SameAs != nil {
		return *p.SameAs
	}
	return p.ID
}

// PersonInput is a person as typed: the least Implique needs.
type PersonInput struct {
	Name  string
	Email string
	Phone string
	// NamePublic records the person's consent to show their name publicly.
	NamePublic bool
}

func (in *PersonInput) normalise() {
	in.Name = clean(in.Name)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Phone = clean(in.Phone)
}

// validate checks a person; prefix names the fields ("holder_" on a seat form).
func (in *PersonInput) validate(f errs.Fields, prefix string) {
	in.normalise()
	switch {
	case in.Name == "":
		f.Add(prefix+"name", "errors.required")
	case tooLong(in.Name, 120):
		f.Add(prefix+"name", "errors.too_long")
	case Key(in.Name) == "":
		f.Add(prefix+"name", "errors.org_person_name")
	}
	if in.Email != "" && !territory.ValidEmail(in.Email) {
		f.Add(prefix+"email", "errors.email")
	}
	if tooLong(in.Phone, 60) {
		f.Add(prefix+"phone", "errors.too_long")
	}
}

// found is a record a typed person matched, and the person it belongs to.
type found struct{ id, root int64 }

// findPerson looks a typed person up among the records of one organisation
// (orgID), or of the whole territory (orgID 0): by e-mail and, with byName,
// by name — accents and case aside — when the name points to one person
// only and no two different addresses say they are two. Zero when nobody
// matches.
func findPerson(ctx context.Context, tx *db.Tx, territoryID, orgID int64, in PersonInput, byName bool) (found, error) {
	scope, args := ``, []any{territoryID}
	if orgID != 0 {
		scope = ` AND organization_id = ?`
		args = append(args, orgID)
	}
	if in.Email != "" {
		var f found
		err := tx.QueryRow(ctx, `SELECT id, COALESCE(same_as, id) FROM organization_people WHERE territory_id = ?`+scope+
			` AND email = ? ORDER BY id LIMIT 1`, append(args, in.Email)...).Scan(&f.id, &f.root)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return f, err
		}
	}
	if !byName {
		return found{}, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, COALESCE(same_as, id), email FROM organization_people WHERE territory_id = ?`+scope+
		` AND name_key = ? ORDER BY id`, append(args, Key(in.Name))...)
	if err != nil {
		return found{}, err
	}
	defer rows.Close()
	var first found
	roots := map[int64]bool{}
	for rows.Next() {
		var f found
		var email string
		if err := rows.Scan(&f.id, &f.root, &email); err != nil {
			return found{}, err
		}
		// Two different addresses are two different people.
		if in.Email != "" && email != "" {
			continue
		}
		if first.id == 0 {
			first = f
		}
		roots[f.root] = true
	}
	if err := rows.Err(); err != nil {
		return found{}, err
	}
	if len(roots) == 1 {
		return first, nil
	}
	return found{}, nil
}

// ensurePerson returns the record of the organisation orgID for the person
// typed: one of its own records (completed with an e-mail or a phone it
// lacked), or a new one — linked, for staff, to the same person known
// elsewhere in the territory. It never writes into another organisation's
// record.
func (s *Store) ensurePerson(ctx context.Context, tx *db.Tx, territoryID, orgID int64, in PersonInput, reach Reach) (int64, error) {
	own, err := findPerson(ctx, tx, territoryID, orgID, in, reach == WholeTerritory)
	if err != nil {
		return 0, err
	}
	now := s.now()
	if own.id != 0 {
		_, err := tx.Exec(ctx, `UPDATE organization_people SET email = CASE WHEN email = '' THEN ? ELSE email END,
			phone = CASE WHEN phone = '' THEN ? ELSE phone END, updated_at = ? WHERE territory_id = ? AND organization_id = ? AND id = ?`,
			in.Email, in.Phone, now, territoryID, orgID, own.id)
		return own.id, err
	}
	var sameAs any
	if reach == WholeTerritory {
		known, err := findPerson(ctx, tx, territoryID, 0, in, true)
		if err != nil {
			return 0, err
		}
		if known.root != 0 {
			if err := lockRoot(ctx, tx, territoryID, known.root); err != nil {
				return 0, err
			}
			sameAs = known.root
		}
	}
	return tx.InsertID(ctx, `INSERT INTO organization_people (territory_id, organization_id, same_as, name, name_key, email, phone,
		name_public, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		territoryID, orgID, sameAs, in.Name, Key(in.Name), in.Email, in.Phone, in.NamePublic, now, now)
}

const personCols = `p.id, p.territory_id, COALESCE(p.organization_id, 0), COALESCE(o.slug, ''), COALESCE(o.name, ''),
	COALESCE(o.kind, ''), p.same_as, p.name, p.email, p.phone, p.user_id, p.name_public, p.created_at, p.updated_at`

const personFrom = ` FROM organization_people p LEFT JOIN organizations o ON o.id = p.organization_id `

// recordSeats counts the seats of the record p.
const recordSeats = `(SELECT COUNT(*) FROM organization_seats s WHERE s.territory_id = p.territory_id AND s.holder_id = p.id)`

// personSeats counts the seats of every record of the person whose first record is p.
const personSeats = `(` + recordSeats + ` + (SELECT COUNT(*) FROM organization_people m
	JOIN organization_seats s ON s.territory_id = m.territory_id AND s.holder_id = m.id WHERE m.same_as = p.id))`

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var p Person
	var kind string
	var user, sameAs sql.NullInt64
	err := row.Scan(&p.ID, &p.TerritoryID, &p.OrganizationID, &p.Org.Slug, &p.Org.Name, &kind, &sameAs, &p.Name, &p.Email, &p.Phone,
		&user, &p.NamePublic, &p.CreatedAt, &p.UpdatedAt, &p.Seats)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.New(errs.NotFound, "errors.org_person_not_found")
	}
	p.Org.ID, p.Org.Kind = p.OrganizationID, Kind(kind)
	if user.Valid {
		p.UserID = &user.Int64
	}
	if sameAs.Valid {
		p.SameAs = &sameAs.Int64
	}
	return p, err
}

func (s *Store) queryPeople(ctx context.Context, q string, args ...any) ([]Person, error) {
	var out []Person
	err := db.Each(ctx, s.db, q, args, func(rows *sql.Rows) error {
		p, err := scanPerson(rows)
		if err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// Person returns a record of the territory, with its own seats (staff only).
func (s *Store) Person(ctx context.Context, territoryID, id int64) (Person, error) {
	return scanPerson(s.db.QueryRow(ctx, `SELECT `+personCols+`, `+recordSeats+personFrom+`WHERE p.territory_id = ? AND p.id = ?`,
		territoryID, id))
}

// PeopleFilter narrows the registry of people.
type PeopleFilter struct {
	Query         string
	Limit, Offset int
}

// People lists the people known to the territory by name — one row per
// person, their first record, whichever record the search found — with the
// organisations that keep a record of them, the seats they hold in all, and
// how many people match (staff only).
func (s *Store) People(ctx context.Context, territoryID int64, f PeopleFilter) ([]Person, int, error) {
	where := ` WHERE p.territory_id = ? AND p.same_as IS NULL`
	args := []any{territoryID}
	if k := Key(f.Query); k != "" {
		where += ` AND p.id IN (SELECT COALESCE(m.same_as, m.id) FROM organization_people m WHERE m.territory_id = ?
			AND (m.name_key LIKE ? ESCAPE '\' OR m.email LIKE ? ESCAPE '\'))`
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		args = append(args, territoryID, "%"+esc.Replace(k)+"%", "%"+esc.Replace(strings.ToLower(strings.TrimSpace(f.Query)))+"%")
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organization_people p`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + personCols + `, ` + personSeats + personFrom + where + ` ORDER BY p.name_key, p.id`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d OFFSET %d`, f.Limit, max(f.Offset, 0))
	}
	out, err := s.queryPeople(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	if err := s.personOrgs(ctx, territoryID, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// personOrgs fills Orgs and Records of people listed by their first record.
func (s *Store) personOrgs(ctx context.Context, territoryID int64, list []Person) error {
	if len(list) == 0 {
		return nil
	}
	at := map[int64]int{}
	ids := make([]any, 0, len(list))
	for i, p := range list {
		at[p.ID] = i
		ids = append(ids, p.ID)
	}
	args := append(append([]any{territoryID}, ids...), ids...)
	in := db.Marks(len(list))
	rows, err := s.db.Query(ctx, `SELECT COALESCE(p.same_as, p.id), COALESCE(o.id, 0), COALESCE(o.slug, ''), COALESCE(o.name, ''),
		COALESCE(o.kind, '')`+personFrom+`WHERE p.territory_id = ? AND (p.id IN (`+in+`) OR p.same_as IN (`+in+`))
		ORDER BY o.name_key, p.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var root int64
		var o OrgRef
		var kind string
		if err := rows.Scan(&root, &o.ID, &o.Slug, &o.Name, &kind); err != nil {
			return err
		}
		o.Kind = Kind(kind)
		p := &list[at[root]]
		p.Records++
		if o.ID != 0 && (len(p.Orgs) == 0 || p.Orgs[len(p.Orgs)-1].ID != o.ID) {
			p.Orgs = append(p.Orgs, o)
		}
	}
	return rows.Err()
}

// SamePerson lists the other records of the person a record belongs to,
// first record first (staff only).
func (s *Store) SamePerson(ctx context.Context, territoryID, id int64) ([]Person, error) {
	p, err := s.Person(ctx, territoryID, id)
	if err != nil {
		return nil, err
	}
	root := p.Root()
	return s.queryPeople(ctx, `SELECT `+personCols+`, `+recordSeats+personFrom+`WHERE p.territory_id = ? AND (p.id = ? OR p.same_as = ?)
		AND p.id <> ? ORDER BY p.same_as IS NOT NULL, p.id`, territoryID, root, root, id)
}

// PossibleMatches lists the records of other people that may be the same
// person as the record id: the same e-mail, or the same name — accents and
// case aside — without two different addresses (staff only).
func (s *Store) PossibleMatches(ctx context.Context, territoryID, id int64) ([]Person, error) {
	p, err := s.Person(ctx, territoryID, id)
	if err != nil {
		return nil, err
	}
	root := p.Root()
	// Every record of the person, for what they are known by.
	mine, err := s.queryPeople(ctx, `SELECT `+personCols+`, 0`+personFrom+`WHERE p.territory_id = ? AND (p.id = ? OR p.same_as = ?)`,
		territoryID, root, root)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []Person
	for _, m := range mine {
		candidates, err := s.queryPeople(ctx, `SELECT `+personCols+`, `+recordSeats+personFrom+`WHERE p.territory_id = ?
			AND COALESCE(p.same_as, p.id) <> ? AND ((p.email <> '' AND p.email = ?) OR (p.name_key = ? AND (p.email = '' OR ? = '' OR p.email = ?)))
			ORDER BY p.id`, territoryID, root, m.Email, Key(m.Name), m.Email, m.Email)
		if err != nil {
			return nil, err
		}
		for _, c := range candidates {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Duplicate is two people who may be one: their first records.
type Duplicate struct {
	A, B Person
	// SameEmail: they share an address (else a name).
	SameEmail bool
}

// Duplicates lists up to limit pairs of people that may be one person —
// records of theirs share an e-mail, or a name without two different
// addresses — and how many pairs there are (staff only).
func (s *Store) Duplicates(ctx context.Context, territoryID int64, limit int) ([]Duplicate, int, error) {
	const pairs = `SELECT CASE WHEN ga < gb THEN ga ELSE gb END AS a, CASE WHEN ga < gb THEN gb ELSE ga END AS b, MAX(same_email) AS same_email FROM (
		SELECT COALESCE(x.same_as, x.id) AS ga, COALESCE(y.same_as, y.id) AS gb, 1 AS same_email
		FROM organization_people x JOIN organization_people y ON y.territory_id = x.territory_id AND y.email = x.email AND y.id > x.id
		WHERE x.territory_id = ? AND x.email <> ''
		UNION ALL
		SELECT COALESCE(x.same_as, x.id), COALESCE(y.same_as, y.id), 0
		FROM organization_people x JOIN organization_people y ON y.territory_id = x.territory_id AND y.name_key = x.name_key AND y.id > x.id
		WHERE x.territory_id = ? AND (x.email = '' OR y.email = '' OR x.email = y.email)
	) AS m WHERE ga <> gb GROUP BY CASE WHEN ga < gb THEN ga ELSE gb END, CASE WHEN ga < gb THEN gb ELSE ga END`
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (`+pairs+`) AS d`, territoryID, territoryID).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 {
		return nil, 0, nil
	}
	type pair struct {
		a, b  int64
		email int
	}
	var list []pair
	err := db.Each(ctx, s.db, pairs+fmt.Sprintf(` ORDER BY a, b LIMIT %d`, max(limit, 1)), []any{territoryID, territoryID},
		func(rows *sql.Rows) error {
			var p pair
			if err := rows.Scan(&p.a, &p.b, &p.email); err != nil {
				return err
			}
			list = append(list, p)
			return nil
		})
	if err != nil {
		return nil, 0, err
	}
	ids := map[int64]bool{}
	args := []any{territoryID}
	for _, p := range list {
		for _, id := range []int64{p.a, p.b} {
			if !ids[id] {
				ids[id] = true
				args = append(args, id)
			}
		}
	}
	people, err := s.queryPeople(ctx, `SELECT `+personCols+`, `+personSeats+personFrom+`WHERE p.territory_id = ? AND p.id IN (`+
		db.Marks(len(args)-1)+`)`, args...)
	if err != nil {
		return nil, 0, err
	}
	if err := s.personOrgs(ctx, territoryID, people); err != nil {
		return nil, 0, err
	}
	byID := map[int64]Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	out := make([]Duplicate, 0, len(list))
	for _, p := range list {
		out = append(out, Duplicate{A: byID[p.a], B: byID[p.b], SameEmail: p.email == 1})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ka, kb := Key(out[i].A.Name), Key(out[j].A.Name); ka != kb {
			return ka < kb
		}
		return out[i].A.ID < out[j].A.ID
	})
	return out, total, nil
}

// LinkPeople records staff's decision that the records id and other are
// the same person: every record of both people becomes one person, whose
// first record is the older person's. The records themselves do not
// change. Linking records already linked does nothing.
func (s *Store) LinkPeople(ctx context.Context, territoryID, id, other int64) error {
	if id == other {
		return errs.New(errs.Invalid, "errors.org_person_same")
	}
	return s.changePeople(ctx, territoryID, []int64{id, other}, func(tx *db.Tx, roots map[int64]int64) error {
		ra, rb := roots[id], roots[other]
		if ra == rb {
			return nil
		}
		keep, gone := min(ra, rb), max(ra, rb)
		_, err := tx.Exec(ctx, `UPDATE organization_people SET same_as = ?, updated_at = ? WHERE territory_id = ? AND (id = ? OR same_as = ?)`,
			keep, s.now(), territoryID, gone, gone)
		return err
	})
}

// UnlinkPerson undoes staff's link: the record id is a person of its own
// again; the others stay together (staff only).
func (s *Store) UnlinkPerson(ctx context.Context, territoryID, id int64) error {
	return s.changePeople(ctx, territoryID, []int64{id}, func(tx *db.Tx, roots map[int64]int64) error {
		now := s.now()
		if root := roots[id]; root != id {
			_, err := tx.Exec(ctx, `UPDATE organization_people SET same_as = NULL, updated_at = ? WHERE territory_id = ? AND id = ?`, now, territoryID, id)
			return err
		}
		// The first record leaves: the next one leads the others.
		var first sql.NullInt64
		err := tx.QueryRow(ctx, `SELECT MIN(id) FROM organization_people WHERE territory_id = ? AND same_as = ?`, territoryID, id).Scan(&first)
		if err != nil || !first.Valid {
			return err
		}
		next := first.Int64
		if _, err := tx.Exec(ctx, `UPDATE organization_people SET same_as = ?, updated_at = ? WHERE territory_id = ? AND same_as = ? AND id <> ?`,
			next, now, territoryID, id, next); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE organization_people SET same_as = NULL, updated_at = ? WHERE territory_id = ? AND id = ?`, now, territoryID, next)
		return err
	})
}

// errPeopleMoved says that the people being changed changed meanwhile.
var errPeopleMoved = errors.New("people changed while being locked")

// changePeople runs change on the people the records ids belong to, every
// record of them locked, with each record's first record. Records are
// locked in the order of their ids, so that two changes at once wait for
// each other instead of crossing; when the people changed meanwhile, it
// tries again.
//
// A person's first record is always its smallest id: new records come
// after it, a link keeps the older first record, an unlink the next one.
func (s *Store) changePeople(ctx context.Context, territoryID int64, ids []int64, change func(tx *db.Tx, roots map[int64]int64) error) error {
	for range 5 {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			roots, records, err := readPeople(ctx, tx, territoryID, ids)
			if err != nil {
				return err
			}
			for _, id := range records {
				if _, err := tx.Exec(ctx, `UPDATE organization_people SET same_as = same_as WHERE territory_id = ? AND id = ?`, territoryID, id); err != nil {
					return err
				}
			}
			again, locked, err := readPeople(ctx, tx, territoryID, ids)
			if err != nil {
				return err
			}
			if !slices.Equal(records, locked) || !maps.Equal(roots, again) {
				return errPeopleMoved
			}
			return change(tx, roots)
		})
		if !errors.Is(err, errPeopleMoved) {
			return err
		}
	}
	return errs.New(errs.Conflict, "errors.org_person_busy")
}

// readPeople reads the first record of each of the records ids, and every
// record of their people, in order.
func readPeople(ctx context.Context, tx *db.Tx, territoryID int64, ids []int64) (map[int64]int64, []int64, error) {
	args := []any{territoryID}
	for _, id := range ids {
		args = append(args, id)
	}
	roots := map[int64]int64{}
	err := db.Each(ctx, tx, `SELECT id, COALESCE(same_as, id) FROM organization_people WHERE territory_id = ? AND id IN (`+
		db.Marks(len(ids))+`)`, args, func(rows *sql.Rows) error {
		var id, root int64
		if err := rows.Scan(&id, &root); err != nil {
			return err
		}
		roots[id] = root
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		if _, ok := roots[id]; !ok {
			return nil, nil, errs.New(errs.NotFound, "errors.org_person_not_found")
		}
	}
	var people []any
	for _, root := range roots {
		people = append(people, root)
	}
	args = append(append([]any{territoryID}, people...), people...)
	var records []int64
	err = db.Each(ctx, tx, `SELECT id FROM organization_people WHERE territory_id = ? AND (id IN (`+db.Marks(len(people))+
		`) OR same_as IN (`+db.Marks(len(people))+`)) ORDER BY id`, args, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		records = append(records, id)
		return nil
	})
	return roots, records, err
}

// lockRoot locks a person's first record, for a new record to be linked to
// it, and checks it still is one.
func lockRoot(ctx context.Context, tx *db.Tx, territoryID, root int64) error {
	var sameAs sql.NullInt64
	err := tx.QueryRow(ctx, `UPDATE organization_people SET same_as = same_as WHERE territory_id = ? AND id = ? RETURNING same_as`,
		territoryID, root).Scan(&sameAs)
	if err == nil && sameAs.Valid {
		return errs.New(errs.Conflict, "errors.org_person_busy")
	}
	return err
}

// UpdatePerson corrects a record's name, contact or consent (staff only).
func (s *Store) UpdatePerson(ctx context.Context, territoryID, id int64, in PersonInput) (Person, error) {
	f := errs.Fields{}
	in.validate(f, "")
	if err := f.Err(); err != nil {
		return Person{}, err
	}
	res, err := s.db.Exec(ctx, `UPDATE organization_people SET name = ?, name_key = ?, email = ?, phone = ?, name_public = ?, updated_at = ?
		WHERE territory_id = ? AND id = ?`, in.Name, Key(in.Name), in.Email, in.Phone, in.NamePublic, s.now(), territoryID, id)
	if err != nil {
		return Person{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Person{}, errs.New(errs.NotFound, "errors.org_person_not_found")
	}
	return s.Person(ctx, territoryID, id)
}

// LinkAccount links a record to an account (0 removes the link). The
// caller checks that the account belongs to the territory.
func (s *Store) LinkAccount(ctx context.Context, territoryID, personID, userID int64) error {
	var user any
	if userID != 0 {
		user = userID
	}
	res, err := s.db.Exec(ctx, `UPDATE organization_people SET user_id = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		user, s.now(), territoryID, personID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.org_person_not_found")
	}
	return nil
}

// PersonSeat is one of a person's seats, with its organisation.
type PersonSeat struct {
	Org  OrgRef
	Seat Seat
}

// SeatsOf lists the seats of the person a record belongs to — every record
// staff linked to it — across the organisations of the territory (staff
// only).
func (s *Store) SeatsOf(ctx context.Context, territoryID, personID int64) ([]PersonSeat, error) {
	p, err := s.Person(ctx, territoryID, personID)
	if err != nil {
		return nil, err
	}
	root := p.Root()
	rows, err := s.db.Query(ctx, `SELECT o.id, o.slug, o.name, o.kind, `+seatCols+` FROM organization_seats s
		JOIN organizations o ON o.id = s.organization_id LEFT JOIN organization_people h ON h.id = s.holder_id
		WHERE s.territory_id = ? AND s.holder_id IN (SELECT m.id FROM organization_people m WHERE m.id = ? OR m.same_as = ?)
		ORDER BY o.name_key, s.sort_order, s.id`, territoryID, root, root)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PersonSeat
	for rows.Next() {
		var ps PersonSeat
		var kind string
		seat, err := scanSeat(rows, &ps.Org.ID, &ps.Org.Slug, &ps.Org.Name, &kind)
		if err != nil {
			return nil, err
		}
		ps.Org.Kind = Kind(kind)
		ps.Seat = seat
		out = append(out, ps)
	}
	return out, rows.Err()
}
