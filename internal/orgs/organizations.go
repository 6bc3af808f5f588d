package orgs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// PlaceRef names a place an organisation serves.
type PlaceRef struct {
	ID   int64
	Slug string
	Name string
}

// Organization is an organisation of the territory.
type Organization struct {
	ID           int64
	TerritoryID  int64
	Slug         string
	Name         string
	Kind         Kind
	Mission      string
	Involvement  string
	ContactName  string
	ContactEmail string
	ContactPhone string
	Website      string
	// Public puts the organisation in the public directory.
	Public bool
	// Places it serves; none means the whole territory.
	Places []PlaceRef
	Causes []string
	// Origin says where the organisation came from when another capability
	// created it (a citizen committee born of a community or an
	// initiative); "" when it was entered here.
	Origin    string
	OriginID  *int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Ref is the organisation's reference.
func (o Organization) Ref() OrgRef { return OrgRef{ID: o.ID, Slug: o.Slug, Name: o.Name, Kind: o.Kind} }

// OrgRef is enough of an organisation to name it and link to it.
type OrgRef struct {
	ID   int64
	Slug string
	Name string
	Kind Kind
}

// Input is an organisation as typed.
type Input struct {
	Name         string
	Kind         Kind
	Mission      string
	Involvement  string
	ContactName  string
	ContactEmail string
	ContactPhone string
	Website      string
	Public       bool
	PlaceSlugs   []string
	Causes       []string
	// Origin and OriginID say which community or initiative a citizen
	// committee was born of (creation only; the caller checks OriginID).
	Origin   string
	OriginID int64
}

// Origins of an organisation created from another capability.
const (
	FromCommunity  = "community"
	FromInitiative = "initiative"
)

// normalise trims what was typed.
func (in *Input) normalise() {
	in.Name = clean(in.Name)
	in.Mission = strings.TrimSpace(in.Mission)
	in.Involvement = strings.TrimSpace(in.Involvement)
	in.ContactName = clean(in.ContactName)
	in.ContactEmail = strings.ToLower(strings.TrimSpace(in.ContactEmail))
	in.ContactPhone = clean(in.ContactPhone)
	in.Website = strings.TrimSpace(in.Website)
	if in.Website != "" && !strings.Contains(in.Website, "://") {
		in.Website = "https://" + in.Website
	}
	in.PlaceSlugs = dedupe(in.PlaceSlugs)
	in.Causes = dedupe(in.Causes)
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range list {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// validWebsite accepts an http(s) address with a host.
func validWebsite(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && strings.Contains(u.Host, ".") && !strings.ContainsAny(s, " <>\"")
}

// validate checks an input; places are resolved by the caller.
func (in *Input) validate(f errs.Fields) {
	in.normalise()
	switch {
	case in.Name == "":
		f.Add("name", "errors.required")
	case tooLong(in.Name, 150):
		f.Add("name", "errors.too_long")
	case Key(in.Name) == "":
		f.Add("name", "errors.org_name")
	}
	if _, ok := ParseKind(string(in.Kind)); !ok {
		f.Add("kind", "errors.org_kind")
	}
	for field, v := range map[string]string{"mission": in.Mission, "involvement": in.Involvement} {
		if tooLong(v, 2000) {
			f.Add(field, "errors.too_long")
		}
	}
	if tooLong(in.ContactName, 120) {
		f.Add("contact_name", "errors.too_long")
	}
	if in.ContactEmail != "" && !territory.ValidEmail(in.ContactEmail) {
		f.Add("contact_email", "errors.email")
	}
	if tooLong(in.ContactPhone, 60) {
		f.Add("contact_phone", "errors.too_long")
	}
	if in.Website != "" && (tooLong(in.Website, 300) || !validWebsite(in.Website)) {
		f.Add("website", "errors.org_website")
	}
	for _, c := range in.Causes {
		if !ValidCause(c) {
			f.Add("causes", "errors.org_cause")
		}
	}
	if (in.Origin != "" && in.Origin != FromCommunity && in.Origin != FromInitiative) || (in.Origin != "") != (in.OriginID > 0) {
		f.Add("origin", "errors.org_origin")
	}
}

// resolvePlaces turns slugs into places of the territory.
func (s *Store) resolvePlaces(ctx context.Context, territoryID int64, slugs []string, f errs.Fields) ([]int64, error) {
	var ids []int64
	for _, slug := range slugs {
		p, err := s.territories.Place(ctx, territoryID, slug)
		if errs.Is(err, errs.NotFound) {
			f.Add("places", "errors.place_unknown")
			continue
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, p.ID)
	}
	return ids, nil
}

// uniqueSlug finds a free address for a name: the name's slug, then -2, -3…
func uniqueSlug(ctx context.Context, tx *db.Tx, territoryID int64, name string, exceptID int64) (string, error) {
	base := i18n.Slug(name, 60)
	if base == "" {
		base = "organisme"
	}
	for i := 1; ; i++ {
		slug := base
		if i > 1 {
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM organizations WHERE territory_id = ? AND slug = ?`, territoryID, slug).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && id == exceptID) {
			return slug, nil
		}
		if err != nil {
			return "", err
		}
	}
}

func setPlaces(ctx context.Context, tx *db.Tx, territoryID, orgID int64, placeIDs []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM organization_places WHERE territory_id = ? AND organization_id = ?`, territoryID, orgID); err != nil {
		return err
	}
	for _, id := range placeIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO organization_places (organization_id, place_id, territory_id) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, orgID, id, territoryID); err != nil {
			return err
		}
	}
	return nil
}

func setCauses(ctx context.Context, tx *db.Tx, territoryID, orgID int64, causes []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM organization_causes WHERE territory_id = ? AND organization_id = ?`, territoryID, orgID); err != nil {
		return err
	}
	for _, c := range causes {
		if _, err := tx.Exec(ctx, `INSERT INTO organization_causes (organization_id, cause, territory_id) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, orgID, c, territoryID); err != nil {
			return err
		}
	}
	return nil
}

var errExists = &errs.Error{Code: errs.Conflict, Key: "errors.org_exists", Fields: map[string]string{"name": "errors.org_exists"}}

// Create adds an organisation to the territory.
func (s *Store) Create(ctx context.Context, territoryID, userID int64, in Input) (Organization, error) {
	f := errs.Fields{}
	in.validate(f)
	placeIDs, err := s.resolvePlaces(ctx, territoryID, in.PlaceSlugs, f)
	if err != nil {
		return Organization{}, err
	}
	if err := f.Err(); err != nil {
		return Organization{}, err
	}
	var by any
	if userID != 0 {
		by = userID
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		slug, err := uniqueSlug(ctx, tx, territoryID, in.Name, 0)
		if err != nil {
			return err
		}
		now := s.now()
		var originID any
		if in.OriginID > 0 {
			originID = in.OriginID
		}
		id, err = tx.InsertID(ctx, `INSERT INTO organizations (territory_id, slug, name, name_key, kind, mission, involvement,
			contact_name, contact_email, contact_phone, website, is_public, search_text, origin, origin_id, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, slug, in.Name, Key(in.Name), string(in.Kind), in.Mission, in.Involvement, in.ContactName,
			in.ContactEmail, in.ContactPhone, in.Website, in.Public, searchText(in.Name, in.Mission, in.Involvement),
			in.Origin, originID, by, now, now)
		if db.IsUniqueViolation(err) {
			return errExists
		}
		if err != nil {
			return err
		}
		if err := setPlaces(ctx, tx, territoryID, id, placeIDs); err != nil {
			return err
		}
		return setCauses(ctx, tx, territoryID, id, in.Causes)
	})
	if err != nil {
		return Organization{}, err
	}
	return s.Get(ctx, territoryID, id)
}

// Update changes an organisation; its address follows its name.
func (s *Store) Update(ctx context.Context, territoryID, id int64, in Input) (Organization, error) {
	f := errs.Fields{}
	in.validate(f)
	placeIDs, err := s.resolvePlaces(ctx, territoryID, in.PlaceSlugs, f)
	if err != nil {
		return Organization{}, err
	}
	if err := f.Err(); err != nil {
		return Organization{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var old string
		err := tx.QueryRow(ctx, `SELECT name FROM organizations WHERE territory_id = ? AND id = ?`, territoryID, id).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "errors.org_not_found")
		}
		if err != nil {
			return err
		}
		slug, err := uniqueSlug(ctx, tx, territoryID, in.Name, id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE organizations SET slug = ?, name = ?, name_key = ?, kind = ?, mission = ?, involvement = ?,
			contact_name = ?, contact_email = ?, contact_phone = ?, website = ?, is_public = ?, search_text = ?, updated_at = ?
			WHERE territory_id = ? AND id = ?`,
			slug, in.Name, Key(in.Name), string(in.Kind), in.Mission, in.Involvement, in.ContactName, in.ContactEmail,
			in.ContactPhone, in.Website, in.Public, searchText(in.Name, in.Mission, in.Involvement), s.now(), territoryID, id)
		if db.IsUniqueViolation(err) {
			return errExists
		}
		if err != nil {
			return err
		}
		if err := setPlaces(ctx, tx, territoryID, id, placeIDs); err != nil {
			return err
		}
		return setCauses(ctx, tx, territoryID, id, in.Causes)
	})
	if err != nil {
		return Organization{}, err
	}
	return s.Get(ctx, territoryID, id)
}

const orgCols = `o.id, o.territory_id, o.slug, o.name, o.kind, o.mission, o.involvement, o.contact_name, o.contact_email,
	o.contact_phone, o.website, o.is_public, o.origin, o.origin_id, o.created_at, o.updated_at`

func scanOrg(row interface{ Scan(...any) error }) (Organization, error) {
	var o Organization
	var kind string
	var origin sql.NullInt64
	err := row.Scan(&o.ID, &o.TerritoryID, &o.Slug, &o.Name, &kind, &o.Mission, &o.Involvement, &o.ContactName,
		&o.ContactEmail, &o.ContactPhone, &o.Website, &o.Public, &o.Origin, &origin, &o.CreatedAt, &o.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.New(errs.NotFound, "errors.org_not_found")
	}
	o.Kind = Kind(kind)
	if origin.Valid {
		o.OriginID = &origin.Int64
	}
	return o, err
}

// Get returns an organisation of the territory.
func (s *Store) Get(ctx context.Context, territoryID, id int64) (Organization, error) {
	o, err := scanOrg(s.db.QueryRow(ctx, `SELECT `+orgCols+` FROM organizations o WHERE o.territory_id = ? AND o.id = ?`, territoryID, id))
	if err != nil {
		return o, err
	}
	list := []Organization{o}
	err = s.details(ctx, territoryID, list)
	return list[0], err
}

// BySlug returns an organisation by its public address.
func (s *Store) BySlug(ctx context.Context, territoryID int64, slug string) (Organization, error) {
	o, err := scanOrg(s.db.QueryRow(ctx, `SELECT `+orgCols+` FROM organizations o WHERE o.territory_id = ? AND o.slug = ?`, territoryID, slug))
	if err != nil {
		return o, err
	}
	list := []Organization{o}
	err = s.details(ctx, territoryID, list)
	return list[0], err
}

// details loads the places and causes of a page of organisations.
func (s *Store) details(ctx context.Context, territoryID int64, list []Organization) error {
	if len(list) == 0 {
		return nil
	}
	at := map[int64]int{}
	args := []any{territoryID}
	for i, o := range list {
		at[o.ID] = i
		args = append(args, o.ID)
	}
	in := db.Marks(len(list))
	err := db.Each(ctx, s.db, `SELECT op.organization_id, p.id, p.slug, p.name FROM organization_places op JOIN places p ON p.id = op.place_id
		WHERE op.territory_id = ? AND op.organization_id IN (`+in+`)`, args, func(rows *sql.Rows) error {
		var orgID int64
		var p PlaceRef
		if err := rows.Scan(&orgID, &p.ID, &p.Slug, &p.Name); err != nil {
			return err
		}
		list[at[orgID]].Places = append(list[at[orgID]].Places, p)
		return nil
	})
	if err != nil {
		return err
	}
	err = db.Each(ctx, s.db, `SELECT organization_id, cause FROM organization_causes WHERE territory_id = ? AND organization_id IN (`+in+`)`, args,
		func(rows *sql.Rows) error {
			var orgID int64
			var c string
			if err := rows.Scan(&orgID, &c); err != nil {
				return err
			}
			list[at[orgID]].Causes = append(list[at[orgID]].Causes, c)
			return nil
		})
	if err != nil {
		return err
	}
	for i := range list {
		sortPlaces(list[i].Places)
		sort.Slice(list[i].Causes, func(a, b int) bool { return causeRank(list[i].Causes[a]) < causeRank(list[i].Causes[b]) })
	}
	return nil
}

func causeRank(c string) int {
	for i, k := range Causes {
		if k == c {
			return i
		}
	}
	return len(Causes)
}

func sortPlaces(ps []PlaceRef) {
	sort.SliceStable(ps, func(i, j int) bool { return Key(ps[i].Name) < Key(ps[j].Name) })
}

// Filter narrows a list of organisations.
type Filter struct {
	// Query searches the name, mission and how to get involved (accents and case ignored).
	Query string
	// PlaceSlug keeps the organisations serving the place, its secteurs or its ville.
	PlaceSlug  string
	Kind       Kind
	Cause      string
	PublicOnly bool
	// IDs keeps only these organisations (a manager's own); nil for all.
	IDs []int64
	// Limit and Offset page the list (Limit 0: no limit).
	Limit, Offset int
}

func (f Filter) where(territoryID int64) (string, []any) {
	q := ` WHERE o.territory_id = ?`
	args := []any{territoryID}
	if words := strings.Fields(searchText(f.Query)); len(words) > 0 {
		for _, w := range words {
			q += ` AND o.search_text LIKE ? ESCAPE '\'`
			w = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(w)
			args = append(args, "%"+w+"%")
		}
	}
	if f.PlaceSlug != "" {
		cond, a := territory.InScope("op.place_id", territoryID, f.PlaceSlug, territory.AndVille)
		q, args = q+` AND o.id IN (SELECT op.organization_id FROM organization_places op WHERE `+cond+`)`, append(args, a...)
	}
	if f.Kind != "" {
		q += ` AND o.kind = ?`
		args = append(args, string(f.Kind))
	}
	if f.Cause != "" {
		q += ` AND o.id IN (SELECT organization_id FROM organization_causes WHERE territory_id = ? AND cause = ?)`
		args = append(args, territoryID, f.Cause)
	}
	if f.PublicOnly {
		q += ` AND o.is_public = ?`
		args = append(args, true)
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			q += ` AND 1 = 0`
		} else {
			q += ` AND o.id IN (` + db.Marks(len(f.IDs)) + `)`
			for _, id := range f.IDs {
				args = append(args, id)
			}
		}
	}
	return q, args
}

// List returns a page of the territory's organisations by name, and how
// many match in all.
func (s *Store) List(ctx context.Context, territoryID int64, f Filter) ([]Organization, int, error) {
	where, args := f.where(territoryID)
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organizations o`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + orgCols + ` FROM organizations o` + where + ` ORDER BY o.name_key, o.id`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d OFFSET %d`, f.Limit, max(f.Offset, 0))
	}
	var out []Organization
	err := db.Each(ctx, s.db, q, args, func(rows *sql.Rows) error {
		o, err := scanOrg(rows)
		if err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, s.details(ctx, territoryID, out)
}

// Options lists every organisation of the territory by name, for a select.
func (s *Store) Options(ctx context.Context, territoryID int64) ([]OrgRef, error) {
	var out []OrgRef
	err := db.Each(ctx, s.db, `SELECT id, slug, name, kind FROM organizations WHERE territory_id = ? ORDER BY name_key, id`, []any{territoryID},
		func(rows *sql.Rows) error {
			var o OrgRef
			if err := rows.Scan(&o.ID, &o.Slug, &o.Name, &o.Kind); err != nil {
				return err
			}
			out = append(out, o)
			return nil
		})
	return out, err
}

// ---- Managers ----------------------------------------------------------

// ManagedBy lists the organisations of the territory that a user manages
// (the principal carries them; the policy reads them).
func (s *Store) ManagedBy(ctx context.Context, territoryID, userID int64) ([]int64, error) {
	return s.ids(ctx, `SELECT organization_id FROM organization_managers WHERE territory_id = ? AND user_id = ?
		ORDER BY organization_id`, territoryID, userID)
}

// Managers lists the accounts that manage an organisation.
func (s *Store) Managers(ctx context.Context, territoryID, orgID int64) ([]int64, error) {
	return s.ids(ctx, `SELECT user_id FROM organization_managers WHERE territory_id = ? AND organization_id = ?
		ORDER BY created_at, user_id`, territoryID, orgID)
}

// ids reads a column of ids.
func (s *Store) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	var out []int64
	err := db.Each(ctx, s.db, q, args, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	return out, err
}

// AddManager lets an account keep an organisation up to date; adding it
// twice is harmless. The caller checks that the account belongs to the
// territory.
func (s *Store) AddManager(ctx context.Context, territoryID, orgID, userID int64) error {
	if _, err := s.Get(ctx, territoryID, orgID); err != nil {
		return err
	}
	_, err := s.db.Exec(ctx, `INSERT INTO organization_managers (organization_id, user_id, territory_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, orgID, userID, territoryID, s.now())
	return err
}

// RemoveManager takes an organisation away from an account.
func (s *Store) RemoveManager(ctx context.Context, territoryID, orgID, userID int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM organization_managers WHERE territory_id = ? AND organization_id = ? AND user_id = ?`,
		territoryID, orgID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.org_manager_not_found")
	}
	return nil
}
