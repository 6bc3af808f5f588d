package community

import (
	"context"
	"strings"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
)

// People without an e-mail (many elderly residents) join a community in
// person: staff add them from the community's page, with their name, a
// phone if they give one, and what the other members may see of them.
// They have no account: staff pass the news on, by phone or at meetings.

// What the other members see of a person added by staff.
const (
	ShowNothing   = "nothing"    // counted, never named
	ShowName      = "name"       // their name
	ShowNamePhone = "name_phone" // their name and phone
)

// PersonMet is a person staff met who agreed to join.
type PersonMet struct {
	Name string
	// Phone is optional: staff call it to pass the news on.
	Phone string
	// Shown is ShowNothing, ShowName or ShowNamePhone.
	Shown string
	// Agreed is true when the person said yes to joining, and to staff
	// keeping their name and phone for it.
	Agreed bool
}

// AddPersonMet makes a person without an account a member of a community.
// The same person (same name and phone) added twice stays one member, with
// the latest choices: Existing is then true.
func (s *Store) AddPersonMet(ctx context.Context, territoryID, communityID, staffID int64, in PersonMet) (m Member, existing bool, err error) {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Phone = strings.TrimSpace(in.Phone)
	f := errs.Fields{}
	switch {
	case in.Name == "":
		f.Add("name", "errors.required")
	case tooLong(in.Name, 120):
		f.Add("name", "errors.too_long")
	}
	if in.Phone != "" && !phoneOK(in.Phone) {
		f.Add("phone", "errors.phone")
	}
	sh := Sharing{Name: in.Name}
	switch in.Shown {
	case ShowNothing:
	case ShowName:
		sh.ShowName = true
	case ShowNamePhone:
		sh.ShowName, sh.Phone = true, in.Phone
		if in.Phone == "" {
			f.Add("phone", "errors.community_phone_to_show")
		}
	default:
		f.Add("shown", "errors.community_shown")
	}
	if !in.Agreed {
		f.Add("agreed", "errors.community_agreed")
	}
	if err := f.Err(); err != nil {
		return m, false, err
	}
	c, err := s.Community(ctx, territoryID, communityID)
	if err != nil {
		return m, false, err
	}
	if c.Closed() {
		return m, false, errs.New(errs.Conflict, "errors.community_closed")
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// One add at a time per community (PostgreSQL locks the row; SQLite
		// writes one transaction at a time anyway).
		if _, err := tx.Exec(ctx, `UPDATE communities SET updated_at = updated_at WHERE territory_id = ? AND id = ?`,
			territoryID, communityID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, name, phone FROM community_members
			WHERE territory_id = ? AND community_id = ? AND user_id IS NULL AND left_at IS NULL`, territoryID, communityID)
		if err != nil {
			return err
		}
		key := strings.ToLower(in.Name) + "\x00" + i18n.PhoneKey(in.Phone)
		for rows.Next() {
			var mid int64
			var name, phone string
			if err := rows.Scan(&mid, &name, &phone); err != nil {
				rows.Close()
				return err
			}
			if strings.ToLower(name)+"\x00"+i18n.PhoneKey(phone) == key {
				id, existing = mid, true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if existing {
			_, err := tx.Exec(ctx, `UPDATE community_members SET name = ?, phone = ?, share_name = ?, share_email = ?, shared_phone = ?
				WHERE id = ?`, in.Name, in.Phone, sh.ShowName, false, sh.Phone, id)
			return err
		}
		id, err = tx.InsertID(ctx, `INSERT INTO community_members (territory_id, community_id, user_id, name, email, phone, share_name,
			share_email, shared_phone, joined_at, added_by) VALUES (?, ?, NULL, ?, '', ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, communityID, in.Name, in.Phone, sh.ShowName, false, sh.Phone, s.now(), nullID(staffID))
		return err
	})
	if err != nil {
		return m, false, err
	}
	m, err = scanMember(s.db.QueryRow(ctx, `SELECT `+memberCols+` FROM community_members WHERE territory_id = ? AND id = ?`, territoryID, id))
	return m, existing, err
}
