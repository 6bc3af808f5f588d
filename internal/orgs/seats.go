package orgs

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
)

// Seat is a seat of an organisation: président·e, trésorerie, a council
// seat… held by a person or vacant, for a term.
type Seat struct {
	ID             int64
	TerritoryID    int64
	OrganizationID int64
	Title          string
	Role           Role
	// HolderID is nil when the seat is vacant.
	HolderID         *int64
	HolderName       string
	HolderEmail      string
	HolderPhone      string
	HolderNamePublic bool
	// HolderSince is when the holder first took the seat (they may have
	// been re-elected since); TermStart and TermEnd bound the current term.
	HolderSince calendar.Date
	TermStart   calendar.Date
	TermEnd     calendar.Date
	// OpenToNewcomers: « poste ouvert à la relève ».
	OpenToNewcomers bool
	// SuccessorIdentified: someone is ready to take over at the term's end.
	SuccessorIdentified bool
	SortOrder           int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// Vacant reports whether nobody holds the seat.
func (s Seat) Vacant() bool { return s.HolderID == nil }

// Since is how long the holder has served from: HolderSince, else TermStart.
func (s Seat) Since() calendar.Date {
	if !s.HolderSince.IsZero() {
		return s.HolderSince
	}
	return s.TermStart
}

// SeatInput is a seat as typed.
type SeatInput struct {
	Title string
	Role  Role
	// HolderID picks one of this organisation's records of people; with
	// NewHolder nil, 0 means the seat is vacant.
	HolderID int64
	// NewHolder names a person to add, or to recognise as Reach allows (see
	// people.go): an organisation's managers reach its own records only.
	NewHolder *PersonInput
	Reach     Reach
	// Days as typed (2026-05-31 or 31/05/2026); "" when unknown.
	HolderSince, TermStart, TermEnd string
	OpenToNewcomers                 bool
	SuccessorIdentified             bool
}

// seatDays are a seat's checked days.
type seatDays struct{ since, start, end calendar.Date }

func (s *Store) checkSeat(in *SeatInput, f errs.Fields) seatDays {
	in.Title = clean(in.Title)
	_, validRole := ParseRole(string(in.Role))
	if !validRole {
		f.Add("role", "errors.org_role")
	}
	if in.Title == "" && validRole {
		in.Title = s.cat.T("fr", "org.role."+string(in.Role))
	}
	switch {
	case in.Title == "":
		f.Add("title", "errors.required")
	case tooLong(in.Title, 120):
		f.Add("title", "errors.too_long")
	}
	d := seatDays{since: calendar.Record.Parse(f, "holder_since", in.HolderSince, false),
		start: calendar.Record.Parse(f, "term_start", in.TermStart, false),
		end:   calendar.Record.Parse(f, "term_end", in.TermEnd, false)}
	if !d.start.IsZero() && !d.end.IsZero() && d.end.Before(d.start) {
		f.Add("term_end", "errors.org_term_order")
	}
	if in.NewHolder != nil {
		in.NewHolder.validate(f, "holder_")
	}
	return d
}

// orgHasPerson reports whether a record of a person is one of an
// organisation's: the people a seat form may pick from.
func orgHasPerson(ctx context.Context, tx *db.Tx, territoryID, orgID, personID int64) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organization_people WHERE territory_id = ? AND organization_id = ? AND id = ?`,
		territoryID, orgID, personID).Scan(&n)
	return n > 0, err
}

// holder resolves the holder of a seat being saved: nil for vacant.
func (s *Store) holder(ctx context.Context, tx *db.Tx, territoryID, orgID int64, in SeatInput) (any, error) {
	if in.NewHolder != nil {
		return s.ensurePerson(ctx, tx, territoryID, orgID, *in.NewHolder, in.Reach)
	}
	if in.HolderID == 0 {
		return nil, nil
	}
	ok, err := orgHasPerson(ctx, tx, territoryID, orgID, in.HolderID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"holder": "errors.org_person_unknown"}}
	}
	return in.HolderID, nil
}

func lockOrg(ctx context.Context, tx *db.Tx, territoryID, orgID int64, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE organizations SET updated_at = ? WHERE territory_id = ? AND id = ?`, now, territoryID, orgID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.org_not_found")
	}
	return nil
}

// AddSeat adds a seat to an organisation.
func (s *Store) AddSeat(ctx context.Context, territoryID, orgID int64, in SeatInput) (Seat, error) {
	f := errs.Fields{}
	d := s.checkSeat(&in, f)
	if err := f.Err(); err != nil {
		return Seat{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lockOrg(ctx, tx, territoryID, orgID, s.now()); err != nil {
			return err
		}
		holder, err := s.holder(ctx, tx, territoryID, orgID, in)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organization_seats WHERE territory_id = ? AND organization_id = ?`, territoryID, orgID).Scan(&n); err != nil {
			return err
		}
		now := s.now()
		id, err = tx.InsertID(ctx, `INSERT INTO organization_seats (territory_id, organization_id, title, title_key, role, holder_id,
			holder_since, term_start, term_end, open_to_newcomers, successor_identified, sort_order, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, orgID, in.Title, Key(in.Title), string(in.Role), holder, d.since, d.start, d.end,
			in.OpenToNewcomers, in.SuccessorIdentified, n, now, now)
		return err
	})
	if err != nil {
		return Seat{}, err
	}
	return s.Seat(ctx, territoryID, orgID, id)
}

// UpdateSeat changes a seat: its holder, its term, whether it is open.
func (s *Store) UpdateSeat(ctx context.Context, territoryID, orgID, seatID int64, in SeatInput) (Seat, error) {
	f := errs.Fields{}
	d := s.checkSeat(&in, f)
	if err := f.Err(); err != nil {
		return Seat{}, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lockOrg(ctx, tx, territoryID, orgID, s.now()); err != nil {
			return err
		}
		holder, err := s.holder(ctx, tx, territoryID, orgID, in)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE organization_seats SET title = ?, title_key = ?, role = ?, holder_id = ?, holder_since = ?,
			term_start = ?, term_end = ?, open_to_newcomers = ?, successor_identified = ?, updated_at = ?
			WHERE territory_id = ? AND organization_id = ? AND id = ?`,
			in.Title, Key(in.Title), string(in.Role), holder, d.since, d.start, d.end,
			in.OpenToNewcomers, in.SuccessorIdentified, s.now(), territoryID, orgID, seatID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.NotFound, "errors.org_seat_not_found")
		}
		return nil
	})
	if err != nil {
		return Seat{}, err
	}
	return s.Seat(ctx, territoryID, orgID, seatID)
}

// DeleteSeat removes a seat (the person stays known).
func (s *Store) DeleteSeat(ctx context.Context, territoryID, orgID, seatID int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lockOrg(ctx, tx, territoryID, orgID, s.now()); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM organization_seats WHERE territory_id = ? AND organization_id = ? AND id = ?`,
			territoryID, orgID, seatID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.NotFound, "errors.org_seat_not_found")
		}
		return nil
	})
}

const seatCols = `s.id, s.territory_id, s.organization_id, s.title, s.role, s.holder_id, COALESCE(h.name, ''), COALESCE(h.email, ''),
	COALESCE(h.phone, ''), COALESCE(h.name_public, FALSE), s.holder_since, s.term_start, s.term_end, s.open_to_newcomers,
	s.successor_identified, s.sort_order, s.created_at, s.updated_at`

const seatFrom = ` FROM organization_seats s LEFT JOIN organization_people h ON h.id = s.holder_id `

// scanSeat reads seatCols, after the columns in first when given.
func scanSeat(row interface{ Scan(...any) error }, first ...any) (Seat, error) {
	var st Seat
	var role string
	var holder sql.NullInt64
	dest := append(first, &st.ID, &st.TerritoryID, &st.OrganizationID, &st.Title, &role, &holder, &st.HolderName, &st.HolderEmail,
		&st.HolderPhone, &st.HolderNamePublic, &st.HolderSince, &st.TermStart, &st.TermEnd, &st.OpenToNewcomers, &st.SuccessorIdentified, &st.SortOrder,
		&st.CreatedAt, &st.UpdatedAt)
	err := row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return st, errs.New(errs.NotFound, "errors.org_seat_not_found")
	}
	st.Role = Role(role)
	if holder.Valid {
		st.HolderID = &holder.Int64
	}
	return st, err
}

// Seat returns a seat of an organisation.
func (s *Store) Seat(ctx context.Context, territoryID, orgID, seatID int64) (Seat, error) {
	return scanSeat(s.db.QueryRow(ctx, `SELECT `+seatCols+seatFrom+`WHERE s.territory_id = ? AND s.organization_id = ? AND s.id = ?`,
		territoryID, orgID, seatID))
}

// Seats lists an organisation's seats, officers first.
func (s *Store) Seats(ctx context.Context, territoryID, orgID int64) ([]Seat, error) {
	rows, err := s.db.Query(ctx, `SELECT `+seatCols+seatFrom+`WHERE s.territory_id = ? AND s.organization_id = ?`, territoryID, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Seat
	for rows.Next() {
		st, err := scanSeat(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	sortSeats(out)
	return out, rows.Err()
}

func sortSeats(list []Seat) {
	sort.Slice(list, func(i, j int) bool { return seatBefore(&list[i], &list[j]) })
}

// seatBefore orders an organisation's seats: by role, then as staff placed them.
func seatBefore(a, b *Seat) bool {
	if a.Role.rank() != b.Role.rank() {
		return a.Role.rank() < b.Role.rank()
	}
	if a.SortOrder != b.SortOrder {
		return a.SortOrder < b.SortOrder
	}
	return a.ID < b.ID
}

// OrgPeople lists the organisation's records of the people who hold its
// seats — as it entered them — with the seats each holds there: those a
// seat form may pick.
func (s *Store) OrgPeople(ctx context.Context, territoryID, orgID int64) ([]Person, error) {
	return s.queryPeople(ctx, `SELECT `+personCols+`, `+recordSeats+personFrom+`WHERE p.territory_id = ? AND p.organization_id = ?
		AND EXISTS (SELECT 1 FROM organization_seats s WHERE s.territory_id = p.territory_id AND s.holder_id = p.id) ORDER BY p.name_key, p.id`,
		territoryID, orgID)
}

// OpenSeats counts, for each of the organisations ids, the seats open to
// newcomers (« ouverts à la relève »): what the directory shows.
func (s *Store) OpenSeats(ctx context.Context, territoryID int64, ids []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{territoryID, true}
	for _, id := range ids {
		args = append(args, id)
	}
	return db.CountsByID(ctx, s.db, `SELECT organization_id, COUNT(*) FROM organization_seats WHERE territory_id = ? AND open_to_newcomers = ?
		AND organization_id IN (`+db.Marks(len(ids))+`) GROUP BY organization_id`, args...)
}
