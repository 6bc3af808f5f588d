package orgs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/territory"
)

// Person is someone who holds (or held) a seat: staff see them, the public
// never does — unless NamePublic, when their name shows beside their seats.
type Person struct {
	ID          int64
	TerritoryID int64
	Name        string
	Email       string
	Phone       string
	// UserID links the person to an account, when they have one.
	UserID     *int64
	NamePublic bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Seats counts the seats they hold now (lists only).
	Seats int
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

// Matching says how a typed person is recognised among those already known.
type Matching int

const (
	// ByEmail recognises a person only by their e-mail (what an
	// organisation manager may do: they typed the address, so they know it).
	ByEmail Matching = iota
	// ByEmailOrName also recognises a person without an e-mail by their
	// name, accents and case aside, when exactly one person has it (staff
	// and imports).
	ByEmailOrName
)

// findPerson looks a typed person up; 0 when nobody matches.
func findPerson(ctx context.Context, tx *db.Tx, territoryID int64, in PersonInput, m Matching) (int64, error) {
	if in.Email != "" {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM organization_people WHERE territory_id = ? AND email = ? ORDER BY id LIMIT 1`,
			territoryID, in.Email).Scan(&id)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return id, err
		}
		if m == ByEmail {
			return 0, nil
		}
	}
	if m == ByEmail {
		return 0, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, email FROM organization_people WHERE territory_id = ? AND name_key = ? ORDER BY id LIMIT 3`,
		territoryID, Key(in.Name))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return 0, err
		}
		// Two different addresses are two different people.
		if in.Email == "" || email == "" {
			ids = append(ids, id)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(ids) == 1 {
		return ids[0], nil
	}
	return 0, nil
}

// ensurePerson returns the person typed: the one already known, completed
// with what was missing (an e-mail, a phone), or a new one.
func (s *Store) ensurePerson(ctx context.Context, tx *db.Tx, territoryID int64, in PersonInput, m Matching) (int64, bool, error) {
	id, err := findPerson(ctx, tx, territoryID, in, m)
	if err != nil {
		return 0, false, err
	}
	now := s.now()
	if id != 0 {
		_, err := tx.Exec(ctx, `UPDATE organization_people SET email = CASE WHEN email = '' THEN ? ELSE email END,
			phone = CASE WHEN phone = '' THEN ? ELSE phone END, updated_at = ? WHERE territory_id = ? AND id = ?`, in.Email, in.Phone, now, territoryID, id)
		return id, false, err
	}
	id, err = tx.InsertID(ctx, `INSERT INTO organization_people (territory_id, name, name_key, email, phone, name_public, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, in.Name, Key(in.Name), in.Email, in.Phone, in.NamePublic, now, now)
	return id, true, err
}

const personCols = `p.id, p.territory_id, p.name, p.email, p.phone, p.user_id, p.name_public, p.created_at, p.updated_at,
	(SELECT COUNT(*) FROM organization_seats s WHERE s.holder_id = p.id)`

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var p Person
	var user sql.NullInt64
	err := row.Scan(&p.ID, &p.TerritoryID, &p.Name, &p.Email, &p.Phone, &user, &p.NamePublic, &p.CreatedAt, &p.UpdatedAt, &p.Seats)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.New(errs.NotFound, "errors.org_person_not_found")
	}
	if user.Valid {
		p.UserID = &user.Int64
	}
	return p, err
}

// Person returns a person of the territory (staff only).
func (s *Store) Person(ctx context.Context, territoryID, id int64) (Person, error) {
	return scanPerson(s.db.QueryRow(ctx, `SELECT `+personCols+` FROM organization_people p WHERE p.territory_id = ? AND p.id = ?`, territoryID, id))
}

// PeopleFilter narrows the registry of people.
type PeopleFilter struct {
	Query         string
	Limit, Offset int
}

// People lists the people known to the territory by name, with the
// number of seats each holds, and how many match in all (staff only).
func (s *Store) People(ctx context.Context, territoryID int64, f PeopleFilter) ([]Person, int, error) {
	where := ` WHERE p.territory_id = ?`
	args := []any{territoryID}
	if k := Key(f.Query); k != "" {
		where += ` AND (p.name_key LIKE ? ESCAPE '\' OR p.email LIKE ? ESCAPE '\')`
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		args = append(args, "%"+esc.Replace(k)+"%", "%"+esc.Replace(strings.ToLower(strings.TrimSpace(f.Query)))+"%")
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organization_people p`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + personCols + ` FROM organization_people p` + where + ` ORDER BY p.name_key, p.id`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d OFFSET %d`, f.Limit, max(f.Offset, 0))
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// UpdatePerson corrects a person's name, contact or consent (staff only).
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

// LinkAccount links a person to an account (0 removes the link). The
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

// SeatsOf lists a person's seats across every organisation of the
// territory (staff only).
func (s *Store) SeatsOf(ctx context.Context, territoryID, personID int64) ([]PersonSeat, error) {
	if _, err := s.Person(ctx, territoryID, personID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT o.id, o.slug, o.name, o.kind, `+seatCols+` FROM organization_seats s
		JOIN organizations o ON o.id = s.organization_id LEFT JOIN organization_people h ON h.id = s.holder_id
		WHERE s.territory_id = ? AND s.holder_id = ? ORDER BY o.name_key, s.sort_order, s.id`, territoryID, personID)
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
