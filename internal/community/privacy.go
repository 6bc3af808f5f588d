package community

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/privacy"
)

// The community store holds who proposed an idea and who supports one, the
// people of the initiatives and the actors that support them, the members
// of the communautés de partage, their invitations and their posts.

const (
	catIdeas       = "community.ideas"
	catSupports    = "community.idea_supports"
	catPeople      = "community.initiative_people"
	catActors      = "community.initiative_actors"
	catMembers     = "community.members"
	catInvitations = "community.invitations"
	catPosts       = "community.posts"
	catFacilitator = "community.facilitators"

	// The retention rules.
	RuleUnconfirmedSupports = "community.unconfirmed_supports"
	RuleUnconfirmedPeople   = "community.unconfirmed_people"
	RuleLeftPeople          = "community.left_people"
	RuleExpiredInvitations  = "community.expired_invitations"
	RuleLeftMembers         = "community.left_members"
)

// Inventory says what the community store keeps about people.
func (s *Store) Inventory() []privacy.Category {
	return []privacy.Category{
		{Key: catIdeas, Columns: []string{"ideas.submitter_name", "ideas.submitter_email", "ideas.details"}},
		{Key: catSupports, Columns: []string{"idea_supports.email", "idea_supports.name", "idea_supports.offer",
			"idea_supports.token_hash"}, Rule: RuleUnconfirmedSupports},
		{Key: catPeople, Columns: []string{"initiative_people.name", "initiative_people.email", "initiative_people.phone",
			"initiative_people.offer", "initiative_people.show_name", "initiative_people.lang", "initiative_people.link_nonce",
			"initiative_people.token_hash"}, Rule: RuleLeftPeople},
		{Key: catActors, Columns: []string{"initiative_actors.name"}},
		{Key: catMembers, Columns: []string{"community_members.user_id", "community_members.name", "community_members.email",
			"community_members.phone", "community_members.shared_phone", "community_members.share_name",
			"community_members.share_email"}, Rule: RuleLeftMembers},
		{Key: catInvitations, Columns: []string{"community_invitations.email", "community_invitations.name",
			"community_invitations.token_hash"}, Rule: RuleExpiredInvitations},
		{Key: catPosts, Columns: []string{"community_posts.author_id", "community_posts.body"}},
		{Key: catFacilitator, Columns: []string{"communities.facilitator_id"}},
	}
}

// Retention lists the rules that end what the community store keeps.
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{
		{Key: RuleUnconfirmedSupports, Days: 30, Action: privacy.Destroy},
		{Key: RuleUnconfirmedPeople, Days: 30, Action: privacy.Destroy},
		{Key: RuleLeftPeople, Days: 365, Action: privacy.Anonymise},
		{Key: RuleExpiredInvitations, Days: 90, Action: privacy.Destroy},
		{Key: RuleLeftMembers, Days: 365, Action: privacy.Anonymise},
	}
}

// who matches the rows of a subject: by account, e-mail or phone key (the
// tables keep phones as typed, so phones are compared here).
type who struct {
	s      privacy.Subject
	emails map[string]bool
	phones map[string]bool
}

func newWho(s privacy.Subject) who {
	w := who{s: s, emails: map[string]bool{}, phones: map[string]bool{}}
	for _, e := range s.Emails {
		w.emails[e] = true
	}
	for _, p := range s.Phones {
		w.phones[p] = true
	}
	return w
}

func (w who) email(e string) bool {
	e = strings.ToLower(strings.TrimSpace(e))
	return e != "" && w.emails[e]
}

func (w who) phone(p string) bool {
	k := i18n.PhoneKey(p)
	return k != "" && w.phones[k]
}

// emailIn is "lower(col) IN (…)" for the subject's e-mails, or "1 = 0".
func (w who) emailIn(col string) (string, []any) {
	if len(w.s.Emails) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(w.s.Emails))
	for i, e := range w.s.Emails {
		args[i] = e
	}
	return "lower(" + col + ") IN (" + db.Marks(len(args)) + ")", args
}

// withPhones widens cond to the rows with a phone in one of cols when the
// subject has phones (they are compared in Go).
func (w who) withPhones(cond string, cols ...string) string {
	if len(w.phones) == 0 {
		return cond
	}
	for _, c := range cols {
		cond += " OR " + c + " <> ''"
	}
	return cond
}

func yesNo(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

type fields []privacy.Field

func (f *fields) add(name, v string) {
	if v != "" {
		*f = append(*f, privacy.Field{Name: name, Value: v})
	}
}

// Find lists every record the community store keeps about the subject.
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	w := newWho(sub)
	var out []privacy.Record
	tid := sub.TerritoryID

	cond, args := w.emailIn("submitter_email")
	err := db.Each(ctx, q, `SELECT id, title, details, submitter_name, submitter_email, created_at FROM ideas WHERE territory_id = ? AND `+cond+`
		ORDER BY id`, append([]any{tid}, args...), func(r *sql.Rows) error {
		var id int64
		var title, details, name, email string
		var at time.Time
		if err := r.Scan(&id, &title, &details, &name, &email, db.ScanTime(&at)); err != nil {
			return err
		}
		var f fields
		f.add("name", name)
		f.add("email", email)
		f.add("community.details", details)
		f.add("created_at", at.UTC().Format(time.RFC3339))
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "ideas", ID: id}, Category: catIdeas, Label: "Idée proposée\u00a0: " + title,
			When: at, Fields: f})
		return nil
	})
	if err != nil {
		return nil, err
	}

	cond, args = w.emailIn("su.email")
	err = db.Each(ctx, q, `SELECT su.id, i.title, su.name, su.email, su.offer, su.confirmed_at, su.created_at
		FROM idea_supports su JOIN ideas i ON i.id = su.idea_id WHERE su.territory_id = ? AND `+cond+` ORDER BY su.id`,
		append([]any{tid}, args...), func(r *sql.Rows) error {
			var id int64
			var title, name, email, offer string
			var confirmed *time.Time
			var at time.Time
			if err := r.Scan(&id, &title, &name, &email, &offer, db.ScanNullTime(&confirmed), db.ScanTime(&at)); err != nil {
				return err
			}
			var f fields
			f.add("name", name)
			f.add("email", email)
			f.add("community.offer", offer)
			f.add("community.confirmed_at", stamp(confirmed))
			f.add("created_at", at.UTC().Format(time.RFC3339))
			out = append(out, privacy.Record{Ref: privacy.Ref{Table: "idea_supports", ID: id}, Category: catSupports,
				Label: "Appui à une idée\u00a0: " + title, When: at, Fields: f})
			return nil
		})
	if err != nil {
		return nil, err
	}

	cond, args = w.emailIn("pe.email")
	err = db.Each(ctx, q, `SELECT pe.id, i.title, pe.role, pe.name, COALESCE(pe.email, ''), pe.phone, pe.offer, pe.show_name, pe.lang,
		pe.confirmed_at, pe.left_at, pe.created_at FROM initiative_people pe JOIN initiatives i ON i.id = pe.initiative_id
		WHERE pe.territory_id = ? AND (`+w.withPhones(cond, "pe.phone")+`) ORDER BY pe.id`, append([]any{tid}, args...),
		func(r *sql.Rows) error {
			var id int64
			var title, role, name, email, phone, offer, lang string
			var show bool
			var confirmed, left *time.Time
			var at time.Time
			if err := r.Scan(&id, &title, &role, &name, &email, &phone, &offer, &show, &lang, db.ScanNullTime(&confirmed),
				db.ScanNullTime(&left), db.ScanTime(&at)); err != nil {
				return err
			}
			if !w.email(email) && !w.phone(phone) {
				return nil
			}
			var f fields
			f.add("name", name)
			f.add("email", email)
			f.add("phone", phone)
			f.add("community.role", role)
			f.add("community.offer", offer)
			f.add("community.show_name", yesNo(show))
			f.add("lang", lang)
			f.add("community.confirmed_at", stamp(confirmed))
			f.add("community.left_at", stamp(left))
			f.add("created_at", at.UTC().Format(time.RFC3339))
			out = append(out, privacy.Record{Ref: privacy.Ref{Table: "initiative_people", ID: id}, Category: catPeople,
				Label: "Initiative\u00a0: " + title, When: at, Fields: f})
			return nil
		})
	if err != nil {
		return nil, err
	}

	cond, args = w.emailIn("m.email")
	if sub.UserID != 0 {
		cond += " OR m.user_id = ?"
		args = append(args, sub.UserID)
	}
	err = db.Each(ctx, q, `SELECT m.id, c.name, COALESCE(m.user_id, 0), m.name, m.email, m.phone, m.shared_phone, m.share_name,
		m.share_email, m.joined_at, m.left_at FROM community_members m JOIN communities c ON c.id = m.community_id
		WHERE m.territory_id = ? AND (`+w.withPhones(cond, "m.phone", "m.shared_phone")+`) ORDER BY m.id`, append([]any{tid}, args...),
		func(r *sql.Rows) error {
			var id, uid int64
			var community, name, email, phone, shared string
			var shareName, shareEmail bool
			var joined time.Time
			var left *time.Time
			if err := r.Scan(&id, &community, &uid, &name, &email, &phone, &shared, &shareName, &shareEmail, db.ScanTime(&joined),
				db.ScanNullTime(&left)); err != nil {
				return err
			}
			if !(uid != 0 && uid == sub.UserID) && !w.email(email) && !w.phone(phone) && !w.phone(shared) {
				return nil
			}
			var f fields
			f.add("name", name)
			f.add("email", email)
			f.add("phone", phone)
			f.add("community.shared_phone", shared)
			f.add("community.share_name", yesNo(shareName))
			f.add("community.share_email", yesNo(shareEmail))
			f.add("community.joined_at", joined.UTC().Format(time.RFC3339))
			f.add("community.left_at", stamp(left))
			out = append(out, privacy.Record{Ref: privacy.Ref{Table: "community_members", ID: id}, Category: catMembers,
				Label: "Communauté\u00a0: " + community, When: joined, Fields: f})
			return nil
		})
	if err != nil {
		return nil, err
	}

	cond, args = w.emailIn("v.email")
	err = db.Each(ctx, q, `SELECT v.id, c.name, v.name, v.email, v.created_at, v.expires_at FROM community_invitations v
		JOIN communities c ON c.id = v.community_id WHERE v.territory_id = ? AND `+cond+` ORDER BY v.id`, append([]any{tid}, args...),
		func(r *sql.Rows) error {
			var id int64
			var community, name, email string
			var at, expires time.Time
			if err := r.Scan(&id, &community, &name, &email, db.ScanTime(&at), db.ScanTime(&expires)); err != nil {
				return err
			}
			var f fields
			f.add("name", name)
			f.add("email", email)
			f.add("created_at", at.UTC().Format(time.RFC3339))
			f.add("community.expires_at", expires.UTC().Format(time.RFC3339))
			out = append(out, privacy.Record{Ref: privacy.Ref{Table: "community_invitations", ID: id}, Category: catInvitations,
				Label: "Invitation\u00a0: " + community, When: at, Fields: f})
			return nil
		})
	if err != nil {
		return nil, err
	}

	if sub.UserID != 0 {
		err = db.Each(ctx, q, `SELECT p.id, c.name, p.body, p.created_at FROM community_posts p JOIN communities c ON c.id = p.community_id
			WHERE p.territory_id = ? AND p.author_id = ? ORDER BY p.id`, []any{tid, sub.UserID}, func(r *sql.Rows) error {
			var id int64
			var community, body string
			var at time.Time
			if err := r.Scan(&id, &community, &body, db.ScanTime(&at)); err != nil {
				return err
			}
			var f fields
			f.add("message", body)
			f.add("created_at", at.UTC().Format(time.RFC3339))
			out = append(out, privacy.Record{Ref: privacy.Ref{Table: "community_posts", ID: id}, Category: catPosts,
				Label: "Message\u00a0: " + community, When: at, Fields: f})
			return nil
		})
		if err != nil {
			return nil, err
		}
		err = db.Each(ctx, q, `SELECT id, name, created_at FROM communities WHERE territory_id = ? AND facilitator_id = ? ORDER BY id`,
			[]any{tid, sub.UserID}, func(r *sql.Rows) error {
				var id int64
				var name string
				var at time.Time
				if err := r.Scan(&id, &name, db.ScanTime(&at)); err != nil {
					return err
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "communities", ID: id}, Category: catFacilitator,
					Label: "Animation de la communauté\u00a0: " + name, When: at,
					Fields: []privacy.Field{{Name: "community.facilitator", Value: "oui"}}})
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Anonymising keeps a row for the counts (the people of an initiative, the
// members of a community over time) without anything that identifies the
// person; the private link stops working, and the row counts as left.
const (
	anonymisePerson = `UPDATE initiative_people SET name = '', email = NULL, phone = '', offer = '', show_name = FALSE,
		link_nonce = '', token_hash = 'erased:' || CAST(id AS TEXT), left_at = COALESCE(left_at, ?)`
	personNamed  = `(name <> '' OR email IS NOT NULL OR phone <> '' OR offer <> '' OR link_nonce <> '')`
	anonymiseMem = `UPDATE community_members SET user_id = NULL, name = '', email = '', phone = '', shared_phone = '',
		share_name = FALSE, share_email = FALSE, left_at = COALESCE(left_at, ?)`
	memberNamed = `(user_id IS NOT NULL OR name <> '' OR email <> '' OR phone <> '' OR shared_phone <> '')`
)

// Erase removes the subject's supports, invitations and posts, takes their
// name off the ideas they proposed, and anonymises their place in
// initiatives and communities (kept for the counts).
func (s *Store) Erase(ctx context.Context, tx *db.Tx, sub privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	now := s.now()
	counts := map[string]int{}
	exists := func(table string, id int64) (bool, error) {
		var n int
		err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = ?`, id).Scan(&n)
		return n > 0, err
	}
	for _, ref := range refs {
		var stmt string
		var args []any
		kept := ""
		switch ref.Table {
		case "ideas":
			stmt, kept = `UPDATE ideas SET submitter_name = '', submitter_email = '' WHERE id = ?`, catIdeas
			args = []any{ref.ID}
		case "idea_supports", "community_invitations", "community_posts":
			stmt, args = `DELETE FROM `+ref.Table+` WHERE id = ?`, []any{ref.ID}
		case "initiative_people":
			stmt, kept = anonymisePerson+` WHERE id = ?`, catPeople
			args = []any{now, ref.ID}
		case "community_members":
			stmt, kept = anonymiseMem+` WHERE id = ?`, catMembers
			args = []any{now, ref.ID}
		case "communities":
			if sub.UserID == 0 {
				continue
			}
			stmt, args = `UPDATE communities SET facilitator_id = NULL WHERE id = ? AND facilitator_id = ?`, []any{ref.ID, sub.UserID}
		default:
			continue
		}
		if _, err := tx.Exec(ctx, stmt, args...); err != nil {
			return nil, err
		}
		if kept != "" {
			ok, err := exists(ref.Table, ref.ID)
			if err != nil {
				return nil, err
			}
			if ok {
				counts[kept]++
			}
		}
	}
	if sub.UserID != 0 {
		// The account goes after this holder: nothing may still point to it.
		for _, q := range []struct {
			stmt string
			args []any
		}{
			{`DELETE FROM community_posts WHERE territory_id = ? AND author_id = ?`, []any{sub.TerritoryID, sub.UserID}},
			{anonymiseMem + ` WHERE territory_id = ? AND user_id = ?`, []any{now, sub.TerritoryID, sub.UserID}},
			{`UPDATE communities SET facilitator_id = NULL WHERE territory_id = ? AND facilitator_id = ?`, []any{sub.TerritoryID, sub.UserID}},
		} {
			if _, err := tx.Exec(ctx, q.stmt, q.args...); err != nil {
				return nil, err
			}
		}
	}
	var out []privacy.Kept
	for _, k := range []struct{ cat, reason string }{
		{catIdeas, "privacy.kept.community.ideas"},
		{catPeople, "privacy.kept.community.initiative_people"},
		{catMembers, "privacy.kept.community.members"},
	} {
		if n := counts[k.cat]; n > 0 {
			out = append(out, privacy.Kept{Category: k.cat, Reason: k.reason, Count: n})
		}
	}
	return out, nil
}

// Expire applies one retention rule in a territory.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	cutoff = db.Time(cutoff)
	var res sql.Result
	var err error
	switch rule {
	case RuleUnconfirmedSupports:
		res, err = tx.Exec(ctx, `DELETE FROM idea_supports WHERE territory_id = ? AND confirmed_at IS NULL AND created_at < ?`,
			territoryID, cutoff)
	case RuleUnconfirmedPeople:
		res, err = tx.Exec(ctx, `DELETE FROM initiative_people WHERE territory_id = ? AND confirmed_at IS NULL AND created_at < ?`,
			territoryID, cutoff)
	case RuleLeftPeople:
		res, err = tx.Exec(ctx, anonymisePerson+` WHERE territory_id = ? AND left_at < ? AND `+personNamed, s.now(), territoryID, cutoff)
	case RuleExpiredInvitations:
		res, err = tx.Exec(ctx, `DELETE FROM community_invitations WHERE territory_id = ? AND expires_at < ?`, territoryID, cutoff)
	case RuleLeftMembers:
		res, err = tx.Exec(ctx, anonymiseMem+` WHERE territory_id = ? AND left_at < ? AND `+memberNamed, s.now(), territoryID, cutoff)
	default:
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Consents lists the subject's choices to have their name shown on the
// initiatives they take part in.
func (s *Store) Consents(ctx context.Context, sub privacy.Subject) ([]privacy.Consent, error) {
	w := newWho(sub)
	cond, args := w.emailIn("pe.email")
	var out []privacy.Consent
	err := db.Each(ctx, s.db, `SELECT pe.id, i.title, COALESCE(pe.email, ''), pe.phone, pe.source, pe.created_at
		FROM initiative_people pe JOIN initiatives i ON i.id = pe.initiative_id
		WHERE pe.territory_id = ? AND pe.show_name AND (`+w.withPhones(cond, "pe.phone")+`) ORDER BY pe.id`,
		append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
			var id int64
			var title, email, phone, source string
			var at time.Time
			if err := r.Scan(&id, &title, &email, &phone, &source, db.ScanTime(&at)); err != nil {
				return err
			}
			if !w.email(email) && !w.phone(phone) {
				return nil
			}
			how := "formulaire web"
			if source == JoinedStaff {
				how = "auprès de l'équipe"
			}
			out = append(out, privacy.Consent{Ref: privacy.Ref{Table: "initiative_people", ID: id}, Purpose: privacy.Identified,
				Label: "Initiative\u00a0: " + title, Given: at, How: how})
			return nil
		})
	return out, err
}

// Withdraw stops showing the subject's name on an initiative.
func (s *Store) Withdraw(ctx context.Context, sub privacy.Subject, ref privacy.Ref) error {
	notFound := errs.New(errs.NotFound, "errors.initiative_person_not_found")
	if ref.Table != "initiative_people" || sub.Empty() {
		return notFound
	}
	w := newWho(sub)
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var email, phone string
		err := tx.QueryRow(ctx, `SELECT COALESCE(email, ''), phone FROM initiative_people WHERE id = ? AND territory_id = ?`,
			ref.ID, sub.TerritoryID).Scan(&email, &phone)
		if err == sql.ErrNoRows || (err == nil && !w.email(email) && !w.phone(phone)) {
			return notFound
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE initiative_people SET show_name = FALSE WHERE id = ?`, ref.ID)
		return err
	})
}

// Correct rewrites the subject's name and phone where the community store
// keeps them as typed.
func (s *Store) Correct(ctx context.Context, tx *db.Tx, sub privacy.Subject, c privacy.Correction) (int, error) {
	if c.Name == "" && c.Phone == "" {
		return 0, nil
	}
	recs, err := s.Find(ctx, tx, sub)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range recs {
		var sets []string
		var args []any
		switch r.Ref.Table {
		case "ideas":
			if c.Name != "" {
				sets, args = append(sets, "submitter_name = ?"), append(args, c.Name)
			}
		case "idea_supports", "community_invitations":
			if c.Name != "" {
				sets, args = append(sets, "name = ?"), append(args, c.Name)
			}
		case "initiative_people", "community_members":
			if c.Name != "" {
				sets, args = append(sets, "name = ?"), append(args, c.Name)
			}
			if c.Phone != "" && hasField(r, "phone") {
				sets, args = append(sets, "phone = ?"), append(args, c.Phone)
			}
			if c.Phone != "" && hasField(r, "community.shared_phone") {
				sets, args = append(sets, "shared_phone = ?"), append(args, c.Phone)
			}
		}
		if len(sets) == 0 {
			continue
		}
		if _, err := tx.Exec(ctx, `UPDATE `+r.Ref.Table+` SET `+strings.Join(sets, ", ")+` WHERE id = ?`, append(args, r.Ref.ID)...); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

func hasField(r privacy.Record, name string) bool {
	for _, f := range r.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}
