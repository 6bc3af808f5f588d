package community

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// A communauté de partage: citizens who agreed to join meet (its meetings
// are events), share tools and resources, post short news and carry needs
// and projects. It is public (listed, anyone may ask to join) or private
// (known to its members and staff only).

// InvitationTTL is how long an invitation link stays valid.
const InvitationTTL = 30 * 24 * time.Hour

// Invitation sources.
const (
	InvitedByStaff = "staff"
	AskedToJoin    = "request"
)

// PlaceRef names a place.
type PlaceRef struct {
	Slug, Name string
}

// Community is a communauté de partage.
type Community struct {
	ID            int64
	TerritoryID   int64
	Slug          string
	Name          string
	Description   string
	Public        bool
	FacilitatorID *int64
	Places        []PlaceRef
	ClosedAt      *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Members counts the people who belong to it now.
	Members int
}

// Closed reports whether the community stopped.
func (c Community) Closed() bool { return c.ClosedAt != nil }

// CommunityInput is a community as staff type it.
type CommunityInput struct {
	Name          string
	Description   string
	Public        bool
	FacilitatorID int64
	PlaceSlugs    []string
}

func (s *Store) checkCommunity(ctx context.Context, territoryID int64, in *CommunityInput) ([]int64, error) {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Description = strings.TrimSpace(in.Description)
	f := errs.Fields{}
	switch {
	case in.Name == "":
		f.Add("name", "errors.required")
	case tooLong(in.Name, 120):
		f.Add("name", "errors.too_long")
	}
	if in.Name != "" && i18n.Slug(in.Name, 60) == "" {
		f.Add("name", "errors.community_name")
	}
	if tooLong(in.Description, 3000) {
		f.Add("description", "errors.too_long")
	}
	var ids []int64
	seen := map[string]bool{}
	for _, slug := range in.PlaceSlugs {
		if slug == "" || seen[slug] {
			continue
		}
		seen[slug] = true
		pl, err := s.territories.Place(ctx, territoryID, slug)
		if errs.Is(err, errs.NotFound) {
			f.Add("places", "errors.place_unknown")
			continue
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, pl.ID)
	}
	if len(ids) == 0 && len(seen) == 0 {
		f.Add("places", "errors.community_places")
	}
	return ids, f.Err()
}

// CreateCommunity starts a community.
func (s *Store) CreateCommunity(ctx context.Context, territoryID, userID int64, in CommunityInput) (Community, error) {
	places, err := s.checkCommunity(ctx, territoryID, &in)
	if err != nil {
		return Community{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		base := i18n.Slug(in.Name, 60)
		slug := base
		for n := 2; ; n++ {
			var taken int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM communities WHERE territory_id = ? AND slug = ?`, territoryID, slug).Scan(&taken); err != nil {
				return err
			}
			if taken == 0 {
				break
			}
			slug = fmt.Sprintf("%s-%d", base, n)
		}
		now := s.now()
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO communities (territory_id, slug, name, description, is_public, facilitator_id,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, slug, in.Name, in.Description, in.Public, nullID(in.FacilitatorID), nullID(userID), now, now)
		if err != nil {
			return err
		}
		return setCommunityPlaces(ctx, tx, id, places)
	})
	if err != nil {
		return Community{}, err
	}
	return s.Community(ctx, territoryID, id)
}

// UpdateCommunity saves staff's changes; the address stays.
func (s *Store) UpdateCommunity(ctx context.Context, territoryID, id int64, in CommunityInput) (Community, error) {
	places, err := s.checkCommunity(ctx, territoryID, &in)
	if err != nil {
		return Community{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE communities SET name = ?, description = ?, is_public = ?, facilitator_id = ?, updated_at = ?
			WHERE territory_id = ? AND id = ?`, in.Name, in.Description, in.Public, nullID(in.FacilitatorID), s.now(), territoryID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.NotFound, "errors.community_not_found")
		}
		return setCommunityPlaces(ctx, tx, id, places)
	})
	if err != nil {
		return Community{}, err
	}
	return s.Community(ctx, territoryID, id)
}

func setCommunityPlaces(ctx context.Context, tx *db.Tx, id int64, places []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM community_places WHERE community_id = ?`, id); err != nil {
		return err
	}
	for _, p := range places {
		if _, err := tx.Exec(ctx, `INSERT INTO community_places (community_id, place_id) VALUES (?, ?)`, id, p); err != nil {
			return err
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SetCommunityClosed closes a community (nothing is deleted: its members
// keep their history) or opens it again.
func (s *Store) SetCommunityClosed(ctx context.Context, territoryID, id int64, closed bool) error {
	var at any
	if closed {
		at = s.now()
	}
	res, err := s.db.Exec(ctx, `UPDATE communities SET closed_at = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		at, s.now(), territoryID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.community_not_found")
	}
	return nil
}

const communityCols = `c.id, c.territory_id, c.slug, c.name, c.description, c.is_public, c.facilitator_id, c.closed_at,
	c.created_at, c.updated_at,
	(SELECT COUNT(*) FROM community_members m WHERE m.community_id = c.id AND m.left_at IS NULL)`

func scanCommunity(row interface{ Scan(...any) error }) (Community, error) {
	var c Community
	var fac sql.NullInt64
	var closed sql.NullTime
	err := row.Scan(&c.ID, &c.TerritoryID, &c.Slug, &c.Name, &c.Description, &c.Public, &fac, &closed,
		&c.CreatedAt, &c.UpdatedAt, &c.Members)
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.New(errs.NotFound, "errors.community_not_found")
	}
	if fac.Valid {
		c.FacilitatorID = &fac.Int64
	}
	if closed.Valid {
		c.ClosedAt = &closed.Time
	}
	return c, err
}

func (s *Store) withPlaces(ctx context.Context, cs []Community) error {
	if len(cs) == 0 {
		return nil
	}
	at := map[int64]int{}
	ids := make([]string, len(cs))
	for i, c := range cs {
		at[c.ID] = i
		ids[i] = fmt.Sprint(c.ID)
	}
	rows, err := s.db.Query(ctx, `SELECT cp.community_id, p.slug, p.name FROM community_places cp JOIN places p ON p.id = cp.place_id
		WHERE cp.community_id IN (`+strings.Join(ids, ",")+`) ORDER BY p.name`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p PlaceRef
		if err := rows.Scan(&id, &p.Slug, &p.Name); err != nil {
			return err
		}
		cs[at[id]].Places = append(cs[at[id]].Places, p)
	}
	return rows.Err()
}

// Community returns a community of a territory.
func (s *Store) Community(ctx context.Context, territoryID, id int64) (Community, error) {
	c, err := scanCommunity(s.db.QueryRow(ctx, `SELECT `+communityCols+` FROM communities c WHERE c.territory_id = ? AND c.id = ?`, territoryID, id))
	if err != nil {
		return c, err
	}
	one := []Community{c}
	err = s.withPlaces(ctx, one)
	return one[0], err
}

// CommunityBySlug returns a community by its address.
func (s *Store) CommunityBySlug(ctx context.Context, territoryID int64, slug string) (Community, error) {
	c, err := scanCommunity(s.db.QueryRow(ctx, `SELECT `+communityCols+` FROM communities c WHERE c.territory_id = ? AND c.slug = ?`, territoryID, slug))
	if err != nil {
		return c, err
	}
	one := []Community{c}
	err = s.withPlaces(ctx, one)
	return one[0], err
}

// CommunityFilter narrows a list of communities.
type CommunityFilter struct {
	// PublicOnly keeps the public communities still going.
	PublicOnly bool
	// MemberID keeps those the user belongs to now.
	MemberID int64
	// PlaceSlug keeps those of a place (a ville's secteurs included).
	PlaceSlug string
}

// Communities lists a territory's communities by name.
func (s *Store) Communities(ctx context.Context, territoryID int64, f CommunityFilter) ([]Community, error) {
	q := `SELECT ` + communityCols + ` FROM communities c WHERE c.territory_id = ?`
	args := []any{territoryID}
	if f.PublicOnly {
		q += ` AND c.is_public = ? AND c.closed_at IS NULL`
		args = append(args, true)
	}
	if f.MemberID != 0 {
		q += ` AND EXISTS (SELECT 1 FROM community_members m WHERE m.community_id = c.id AND m.user_id = ? AND m.left_at IS NULL)`
		args = append(args, f.MemberID)
	}
	if f.PlaceSlug != "" {
		cond, a := territory.InScope("cp.place_id", territoryID, f.PlaceSlug, territory.AndSecteurs)
		q, args = q+` AND EXISTS (SELECT 1 FROM community_places cp WHERE cp.community_id = c.id AND `+cond+`)`, append(args, a...)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY c.closed_at IS NOT NULL, c.name, c.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []Community
	for rows.Next() {
		c, err := scanCommunity(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.withPlaces(ctx, out)
}

// Invitee is a person to invite.
type Invitee struct {
	Name, Email string
}

// InviteResult says what became of a batch of invitations.
type InviteResult struct {
	Sent []string
	// Members were members already: nothing sent.
	Members []string
}

// ParseInvitees reads addresses typed one per line (or separated by commas
// or semicolons), each optionally with a name: « Lise Bergeron
// <lise@exemple.ca> ». Lines it cannot read are returned as they were.
func ParseInvitees(text string) (people []Invitee, bad []string) {
	seen := map[string]bool{}
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var p Invitee
		if i := strings.LastIndex(line, "<"); i >= 0 && strings.HasSuffix(line, ">") {
			p.Name = strings.Trim(strings.TrimSpace(line[:i]), `"`)
			p.Email = strings.TrimSpace(line[i+1 : len(line)-1])
		} else {
			p.Email = line
		}
		p.Email = strings.ToLower(p.Email)
		if !territory.ValidEmail(p.Email) || tooLong(p.Name, 120) {
			bad = append(bad, line)
			continue
		}
		if !seen[p.Email] {
			seen[p.Email] = true
			people = append(people, p)
		}
	}
	return people, bad
}

// Invite e-mails each person a link to join the community. People who
// belong already are skipped; a person invited before gets a fresh link.
func (s *Store) Invite(ctx context.Context, territoryID, communityID, invitedBy int64, people []Invitee, lang string) (InviteResult, error) {
	var res InviteResult
	if len(people) == 0 {
		return res, errs.Fields{"emails": "errors.invite_nobody"}.Err()
	}
	if len(people) > 200 {
		return res, errs.Fields{"emails": "errors.invite_too_many"}.Err()
	}
	c, err := s.Community(ctx, territoryID, communityID)
	if err != nil {
		return res, err
	}
	if c.Closed() {
		return res, errs.New(errs.Conflict, "errors.community_closed")
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return res, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res = InviteResult{}
		for _, p := range people {
			p.Email = strings.ToLower(strings.TrimSpace(p.Email))
			p.Name = strings.TrimSpace(p.Name)
			if !territory.ValidEmail(p.Email) {
				return errs.Fields{"emails": "errors.email"}.Err()
			}
			var member int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM community_members WHERE community_id = ? AND email = ? AND left_at IS NULL`,
				communityID, p.Email).Scan(&member); err != nil {
				return err
			}
			if member > 0 {
				res.Members = append(res.Members, p.Email)
				continue
			}
			if err := s.invite(ctx, tx, t, c, p, InvitedByStaff, invitedBy, lang); err != nil {
				return err
			}
			res.Sent = append(res.Sent, p.Email)
		}
		return nil
	})
	return res, err
}

// invite writes one invitation (revoking the person's earlier ones) and
// queues its e-mail.
func (s *Store) invite(ctx context.Context, tx *db.Tx, t territory.Territory, c Community, p Invitee, source string, by int64, lang string) error {
	now := s.now()
	if _, err := tx.Exec(ctx, `UPDATE community_invitations SET revoked_at = ? WHERE community_id = ? AND email = ?
		AND accepted_at IS NULL AND revoked_at IS NULL`, now, c.ID, p.Email); err != nil {
		return err
	}
	raw, hash := auth.NewToken()
	if _, err := tx.Exec(ctx, `INSERT INTO community_invitations (territory_id, community_id, email, name, source, token_hash,
		invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, c.ID, p.Email, p.Name, source, hash, nullID(by), now, now.Add(InvitationTTL)); err != nil {
		return err
	}
	link := s.baseURL + "/rejoindre/" + raw
	subject, body := "mail.community_invite.subject", "mail.community_invite.body"
	if source == AskedToJoin {
		subject, body = "mail.community_request.subject", "mail.community_request.body"
	}
	greeting := ""
	if p.Name != "" {
		greeting = " " + p.Name
	}
	text := s.cat.T(lang, body, greeting, c.Name, link, int(InvitationTTL/(24*time.Hour))) + "\n\n-- \n" + t.MailFooter()
	_, err := s.mailer.QueueTx(ctx, tx, t.ID, mail.Message{To: p.Email, Subject: s.cat.T(lang, subject, c.Name), Text: text,
		Secrets: []string{raw}})
	return err
}

// AskToJoin is a visitor's request to join a public community: a link to
// confirm goes to the address given. The answer is the same whether the
// address belongs to a member or not.
func (s *Store) AskToJoin(ctx context.Context, territoryID, communityID int64, p Invitee, lang string) error {
	p.Name = strings.TrimSpace(p.Name)
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	f := errs.Fields{}
	if p.Name == "" {
		f.Add("name", "errors.required")
	} else if tooLong(p.Name, 120) {
		f.Add("name", "errors.too_long")
	}
	if p.Email == "" {
		f.Add("email", "errors.required")
	} else if !territory.ValidEmail(p.Email) {
		f.Add("email", "errors.email")
	}
	if err := f.Err(); err != nil {
		return err
	}
	c, err := s.Community(ctx, territoryID, communityID)
	if err != nil {
		return err
	}
	if !c.Public {
		return errs.New(errs.NotFound, "errors.community_not_found")
	}
	if c.Closed() {
		return errs.New(errs.Conflict, "errors.community_closed")
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		// One request a day per address: the link already sent stays good.
		ok, err := s.mailer.Reserve(ctx, tx, t.ID, onceADay("community-request:%d:%s", c.ID, p.Email))
		if err != nil || !ok {
			return err
		}
		return s.invite(ctx, tx, t, c, p, AskedToJoin, 0, lang)
	})
}

// Invitation is a pending invitation, as its link shows it.
type Invitation struct {
	ID          int64
	CommunityID int64
	Name        string
	Email       string
	Source      string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// InvitationByToken returns the invitation of a link that can still be used.
func (s *Store) InvitationByToken(ctx context.Context, territoryID int64, token string) (Invitation, Community, error) {
	inv, err := s.invitation(ctx, s.db.QueryRow(ctx, `SELECT id, community_id, name, email, source, created_at, expires_at,
		accepted_at, revoked_at FROM community_invitations WHERE territory_id = ? AND token_hash = ?`, territoryID, auth.HashToken(token)))
	if err != nil {
		return inv, Community{}, err
	}
	c, err := s.Community(ctx, territoryID, inv.CommunityID)
	if err == nil && c.Closed() {
		err = errs.New(errs.Conflict, "errors.community_closed")
	}
	return inv, c, err
}

func (s *Store) invitation(_ context.Context, row *sql.Row) (Invitation, error) {
	var inv Invitation
	var accepted, revoked sql.NullTime
	err := row.Scan(&inv.ID, &inv.CommunityID, &inv.Name, &inv.Email, &inv.Source, &inv.CreatedAt, &inv.ExpiresAt, &accepted, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows), err == nil && revoked.Valid:
		return inv, errs.New(errs.NotFound, "errors.invitation_link")
	case err != nil:
		return inv, err
	case accepted.Valid:
		return inv, errs.New(errs.Conflict, "errors.invitation_used")
	case !s.now().Before(inv.ExpiresAt):
		return inv, errs.New(errs.Conflict, "errors.invitation_expired")
	}
	return inv, nil
}

// Sharing is what a member lets the other members see.
type Sharing struct {
	// Name is how the member is called in this community.
	Name      string
	ShowName  bool
	ShowEmail bool
	// Phone is shown to the other members when not empty.
	Phone string
}

func (sh *Sharing) check(f errs.Fields) {
	sh.Name = strings.Join(strings.Fields(sh.Name), " ")
	sh.Phone = strings.TrimSpace(sh.Phone)
	if sh.Name == "" {
		f.Add("name", "errors.required")
	} else if tooLong(sh.Name, 120) {
		f.Add("name", "errors.too_long")
	}
	if sh.Phone != "" && !phoneOK(sh.Phone) {
		f.Add("phone", "errors.phone")
	}
	if !sh.ShowName {
		// Contact details without a name would mean nothing to the others.
		sh.ShowEmail, sh.Phone = false, ""
	}
}

// phoneOK reports whether p looks like a phone number: ten digits or more,
// thirty characters at most.
func phoneOK(p string) bool {
	digits := 0
	for _, r := range p {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 10 && !tooLong(p, 30)
}

// Accept makes the invited person (the account userID, whose address is
// the invitation's) a member with the sharing they chose. The link is
// used once.
func (s *Store) Accept(ctx context.Context, territoryID int64, token string, userID int64, sh Sharing) (Community, error) {
	var communityID int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		communityID, err = s.AcceptTx(ctx, tx, territoryID, token, userID, sh)
		return err
	})
	if err != nil {
		return Community{}, err
	}
	return s.Community(ctx, territoryID, communityID)
}

// AcceptTx is Accept inside tx, for a caller that creates the person's
// account with it (all or nothing); it returns the community's id.
func (s *Store) AcceptTx(ctx context.Context, tx *db.Tx, territoryID int64, token string, userID int64, sh Sharing) (int64, error) {
	f := errs.Fields{}
	sh.check(f)
	if err := f.Err(); err != nil {
		return 0, err
	}
	inv, err := s.invitation(ctx, tx.QueryRow(ctx, `SELECT id, community_id, name, email, source, created_at, expires_at,
		accepted_at, revoked_at FROM community_invitations WHERE territory_id = ? AND token_hash = ?`, territoryID, auth.HashToken(token)))
	if err != nil {
		return 0, err
	}
	var closed sql.NullTime
	if err := tx.QueryRow(ctx, `SELECT closed_at FROM communities WHERE id = ?`, inv.CommunityID).Scan(&closed); err != nil {
		return 0, err
	}
	if closed.Valid {
		return 0, errs.New(errs.Conflict, "errors.community_closed")
	}
	if _, err := tx.Exec(ctx, `UPDATE community_invitations SET accepted_at = ? WHERE id = ?`, s.now(), inv.ID); err != nil {
		return 0, err
	}
	return inv.CommunityID, s.join(ctx, tx, territoryID, inv.CommunityID, userID, inv.Email, sh)
}

// join adds or brings back a member.
func (s *Store) join(ctx context.Context, tx *db.Tx, territoryID, communityID, userID int64, email string, sh Sharing) error {
	now := s.now()
	res, err := tx.Exec(ctx, `UPDATE community_members SET name = ?, email = ?, share_name = ?, share_email = ?, shared_phone = ?,
		joined_at = CASE WHEN left_at IS NULL THEN joined_at ELSE ? END, left_at = NULL WHERE community_id = ? AND user_id = ?`,
		sh.Name, email, sh.ShowName, sh.ShowEmail, sh.Phone, now, communityID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO community_members (territory_id, community_id, user_id, name, email, share_name, share_email,
		shared_phone, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		territoryID, communityID, userID, sh.Name, email, sh.ShowName, sh.ShowEmail, sh.Phone, now)
	return err
}

// Member is a person who belongs (or belonged) to a community.
type Member struct {
	ID int64
	// UserID is 0 for a person staff added without an account (AddPersonMet).
	UserID int64
	Name   string
	// Email is "" for a person added without an account.
	Email string
	// Phone is where staff reach a person added without an account (staff
	// only; what the other members see is Sharing.Phone).
	Phone    string
	Sharing  Sharing
	JoinedAt time.Time
	LeftAt   *time.Time
}

// HasAccount reports whether the member joined with an account (and an e-mail).
func (m Member) HasAccount() bool { return m.UserID != 0 }

const memberCols = `id, user_id, name, email, phone, share_name, share_email, shared_phone, joined_at, left_at`

func scanMember(row interface{ Scan(...any) error }) (Member, error) {
	var m Member
	var user sql.NullInt64
	var left sql.NullTime
	err := row.Scan(&m.ID, &user, &m.Name, &m.Email, &m.Phone, &m.Sharing.ShowName, &m.Sharing.ShowEmail, &m.Sharing.Phone, &m.JoinedAt, &left)
	if errors.Is(err, sql.ErrNoRows) {
		return m, errs.New(errs.NotFound, "errors.not_a_member")
	}
	m.UserID = user.Int64
	m.Sharing.Name = m.Name
	if left.Valid {
		m.LeftAt = &left.Time
	}
	return m, err
}

// Membership returns the user's membership of a community, or NotFound
// when they do not belong to it now.
func (s *Store) Membership(ctx context.Context, territoryID, communityID, userID int64) (Member, error) {
	return scanMember(s.db.QueryRow(ctx, `SELECT `+memberCols+` FROM community_members
		WHERE territory_id = ? AND community_id = ? AND user_id = ? AND left_at IS NULL`, territoryID, communityID, userID))
}

// Members lists the current members with their contacts (staff only).
func (s *Store) Members(ctx context.Context, territoryID, communityID int64) ([]Member, error) {
	rows, err := s.db.Query(ctx, `SELECT `+memberCols+` FROM community_members
		WHERE territory_id = ? AND community_id = ? AND left_at IS NULL ORDER BY name, id`, territoryID, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Contact is what a member lets the others see.
type Contact struct {
	Name, Email, Phone string
}

// Directory is what members see of each other: the names and contacts
// each chose to show, and how many others belong without showing
// themselves.
func (s *Store) Directory(ctx context.Context, territoryID, communityID int64) (shown []Contact, others int, err error) {
	ms, err := s.Members(ctx, territoryID, communityID)
	if err != nil {
		return nil, 0, err
	}
	for _, m := range ms {
		if !m.Sharing.ShowName {
			others++
			continue
		}
		c := Contact{Name: m.Name, Phone: m.Sharing.Phone}
		if m.Sharing.ShowEmail {
			c.Email = m.Email
		}
		shown = append(shown, c)
	}
	return shown, others, nil
}

// SetSharing changes what a member lets the others see.
func (s *Store) SetSharing(ctx context.Context, territoryID, communityID, userID int64, sh Sharing) error {
	f := errs.Fields{}
	sh.check(f)
	if err := f.Err(); err != nil {
		return err
	}
	res, err := s.db.Exec(ctx, `UPDATE community_members SET name = ?, share_name = ?, share_email = ?, shared_phone = ?
		WHERE territory_id = ? AND community_id = ? AND user_id = ? AND left_at IS NULL`,
		sh.Name, sh.ShowName, sh.ShowEmail, sh.Phone, territoryID, communityID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.not_a_member")
	}
	return nil
}

// LeaveCommunity takes a member out of a community, at any time: the others
// no longer see them and the phones they gave are forgotten.
func (s *Store) LeaveCommunity(ctx context.Context, territoryID, communityID, userID int64) error {
	return s.endMembership(ctx, `user_id = ?`, territoryID, communityID, userID)
}

// RemoveMember is staff taking a member out (same effect as leaving).
func (s *Store) RemoveMember(ctx context.Context, territoryID, communityID, memberID int64) error {
	return s.endMembership(ctx, `id = ?`, territoryID, communityID, memberID)
}

// endMembership ends the current membership that who (a condition on one
// value) names.
func (s *Store) endMembership(ctx context.Context, who string, territoryID, communityID, id int64) error {
	res, err := s.db.Exec(ctx, `UPDATE community_members SET left_at = ?, share_name = ?, share_email = ?, shared_phone = '', phone = ''
		WHERE territory_id = ? AND community_id = ? AND `+who+` AND left_at IS NULL`,
		s.now(), false, false, territoryID, communityID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.not_a_member")
	}
	return nil
}

// PendingInvitations lists the invitations not yet used, newest first.
func (s *Store) PendingInvitations(ctx context.Context, territoryID, communityID int64) ([]Invitation, error) {
	rows, err := s.db.Query(ctx, `SELECT id, community_id, name, email, source, created_at, expires_at FROM community_invitations
		WHERE territory_id = ? AND community_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?
		ORDER BY created_at DESC, id DESC`, territoryID, communityID, s.now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var inv Invitation
		if err := rows.Scan(&inv.ID, &inv.CommunityID, &inv.Name, &inv.Email, &inv.Source, &inv.CreatedAt, &inv.ExpiresAt); err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// RevokeInvitation makes an invitation's link useless.
func (s *Store) RevokeInvitation(ctx context.Context, territoryID, communityID, id int64) error {
	res, err := s.db.Exec(ctx, `UPDATE community_invitations SET revoked_at = ? WHERE territory_id = ? AND community_id = ? AND id = ?
		AND accepted_at IS NULL AND revoked_at IS NULL`, s.now(), territoryID, communityID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.invitation_link")
	}
	return nil
}

// AddMember records a person who agreed in person (at a souper, on a
// paper form) to join: staff add them with their account and the sharing
// they chose, by default nothing shown to the other members.
func (s *Store) AddMember(ctx context.Context, territoryID, communityID, userID int64, email string, sh Sharing) error {
	f := errs.Fields{}
	sh.check(f)
	email = strings.ToLower(strings.TrimSpace(email))
	if !territory.ValidEmail(email) {
		f.Add("email", "errors.email")
	}
	if err := f.Err(); err != nil {
		return err
	}
	c, err := s.Community(ctx, territoryID, communityID)
	if err != nil {
		return err
	}
	if c.Closed() {
		return errs.New(errs.Conflict, "errors.community_closed")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		return s.join(ctx, tx, territoryID, communityID, userID, email, sh)
	})
}
