package committee

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
)

// Member is an organisation sitting on the committee and the person who
// represents it. A member who left stays, with the day they left.
type Member struct {
	ID          int64
	TerritoryID int64
	// OrganizationID links the member to the directory of organisations
	// (nil: the name was typed).
	OrganizationID *int64
	// Organization is the organisation's name: the directory's when
	// linked, else the typed one.
	Organization   string
	Representative string
	// Title is the representative's role: « directrice générale ».
	Title string
	// UserID is the representative's partner account (nil: none); the
	// account, not the committee, holds their e-mail.
	UserID    *int64
	JoinedOn  calendar.Date
	LeftOn    calendar.Date
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Active reports whether the member still sits on the committee.
func (m Member) Active() bool { return m.LeftOn.IsZero() }

// MemberInput is a member as typed.
type MemberInput struct {
	// OrganizationID picks an organisation of the directory; 0: the
	// OrganizationName is typed instead.
	OrganizationID   int64
	OrganizationName string
	Representative   string
	Title            string
	// UserID links a partner account; 0: none.
	UserID   int64
	JoinedOn string
}

// check validates a member and returns the day they joined.
func (s *Store) checkMember(ctx context.Context, territoryID int64, in *MemberInput) (calendar.Date, error) {
	in.OrganizationName = clean(in.OrganizationName)
	in.Representative = clean(in.Representative)
	in.Title = clean(in.Title)
	f := errs.Fields{}
	if in.OrganizationID != 0 {
		opts, err := s.orgs.Options(ctx, territoryID)
		if err != nil {
			return calendar.Date{}, err
		}
		known := false
		for _, o := range opts {
			known = known || o.ID == in.OrganizationID
		}
		if !known {
			f.Add("organization", "errors.org_not_found")
		}
		in.OrganizationName = ""
	} else {
		switch {
		case in.OrganizationName == "":
			f.Add("organization_name", "errors.committee_organization")
		case tooLong(in.OrganizationName, 200):
			f.Add("organization_name", "errors.too_long")
		}
	}
	switch {
	case in.Representative == "":
		f.Add("representative", "errors.required")
	case tooLong(in.Representative, 120):
		f.Add("representative", "errors.too_long")
	}
	if tooLong(in.Title, 120) {
		f.Add("title", "errors.too_long")
	}
	if in.UserID != 0 {
		roles, err := s.auth.RolesOf(ctx, in.UserID, territoryID)
		if err != nil {
			return calendar.Date{}, err
		}
		if !slices.Contains(roles, auth.RolePartner) {
			f.Add("account", "errors.committee_account")
		}
	}
	joined := calendar.Happening(s.now()).Parse(f, "joined_on", in.JoinedOn, true)
	return joined, f.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AddMember seats an organisation on the committee.
func (s *Store) AddMember(ctx context.Context, territoryID int64, in MemberInput) (int64, error) {
	joined, err := s.checkMember(ctx, territoryID, &in)
	if err != nil {
		return 0, err
	}
	now := s.now()
	return s.db.InsertID(ctx, `INSERT INTO committee_members (territory_id, organization_id, organization_name, representative,
		title, user_id, joined_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		territoryID, nullID(in.OrganizationID), in.OrganizationName, in.Representative, in.Title, nullID(in.UserID), joined, now, now)
}

// UpdateMember changes a member's organisation, representative, account
// or the day they joined.
func (s *Store) UpdateMember(ctx context.Context, territoryID, id int64, in MemberInput) error {
	m, err := s.Member(ctx, territoryID, id)
	if err != nil {
		return err
	}
	joined, err := s.checkMember(ctx, territoryID, &in)
	if err != nil {
		return err
	}
	if !m.LeftOn.IsZero() && m.LeftOn.Before(joined) {
		return errs.Fields{"joined_on": "errors.committee_left_order"}.Err()
	}
	_, err = s.db.Exec(ctx, `UPDATE committee_members SET organization_id = ?, organization_name = ?, representative = ?, title = ?,
		user_id = ?, joined_on = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		nullID(in.OrganizationID), in.OrganizationName, in.Representative, in.Title, nullID(in.UserID), joined, s.now(), territoryID, id)
	return err
}

// MemberLeft records the day a member left the committee (on, as typed;
// empty: today). The member stays in the committee's history.
func (s *Store) MemberLeft(ctx context.Context, territoryID, id int64, on string) error {
	m, err := s.Member(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if !m.Active() {
		return errs.New(errs.Conflict, "errors.committee_member_left")
	}
	today, _, err := s.today(ctx, territoryID)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	left := today
	if on != "" {
		left = calendar.Happening(s.now()).Parse(f, "left_on", on, true)
	}
	if !left.IsZero() && left.Before(m.JoinedOn) {
		f.Add("left_on", "errors.committee_left_order")
	}
	if err := f.Err(); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE committee_members SET left_on = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		left, s.now(), territoryID, id)
	return err
}

const memberCols = `id, territory_id, organization_id, organization_name, representative, title, user_id, joined_on, left_on,
	created_at, updated_at`

func scanMember(row interface{ Scan(...any) error }) (Member, error) {
	var m Member
	err := row.Scan(&m.ID, &m.TerritoryID, &m.OrganizationID, &m.Organization, &m.Representative, &m.Title, &m.UserID,
		&m.JoinedOn, &m.LeftOn, db.ScanTime(&m.CreatedAt), db.ScanTime(&m.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return m, errs.New(errs.NotFound, "errors.committee_member_not_found")
	}
	return m, err
}

// name gives linked members their organisation's name from the directory.
func (s *Store) name(ctx context.Context, territoryID int64, ms []Member) error {
	linked := false
	for _, m := range ms {
		linked = linked || m.OrganizationID != nil
	}
	if !linked {
		return nil
	}
	opts, err := s.orgs.Options(ctx, territoryID)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, o := range opts {
		names[o.ID] = o.Name
	}
	for i, m := range ms {
		if m.OrganizationID != nil {
			ms[i].Organization = names[*m.OrganizationID]
		}
	}
	return nil
}

// Member returns one member of the committee.
func (s *Store) Member(ctx context.Context, territoryID, id int64) (Member, error) {
	m, err := scanMember(s.db.QueryRow(ctx, `SELECT `+memberCols+` FROM committee_members WHERE territory_id = ? AND id = ?`,
		territoryID, id))
	if err != nil {
		return m, err
	}
	ms := []Member{m}
	err = s.name(ctx, territoryID, ms)
	return ms[0], err
}

// Members lists the committee's members: those sitting first, by
// organisation, then those who left, the latest first.
func (s *Store) Members(ctx context.Context, territoryID int64) ([]Member, error) {
	var out []Member
	err := db.Each(ctx, s.db, `SELECT `+memberCols+` FROM committee_members WHERE territory_id = ? ORDER BY joined_on, id`,
		[]any{territoryID}, func(rows *sql.Rows) error {
			m, err := scanMember(rows)
			out = append(out, m)
			return err
		})
	if err != nil {
		return nil, err
	}
	if err := s.name(ctx, territoryID, out); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Member) int {
		switch {
		case a.Active() != b.Active():
			if a.Active() {
				return -1
			}
			return 1
		case !a.Active() && a.LeftOn != b.LeftOn:
			if b.LeftOn.Before(a.LeftOn) {
				return -1
			}
			return 1
		}
		return compareFold(a.Organization, b.Organization)
	})
	return out, nil
}
