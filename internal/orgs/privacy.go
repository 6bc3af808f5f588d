package orgs

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/privacy"
)

// The organisations' categories of personal information and their rules.
const (
	PrivacyPeople         = "orgs.people"
	PrivacyManagers       = "orgs.managers"
	PrivacyContacts       = "orgs.contacts"
	PrivacyAccompaniments = "orgs.accompaniments"
	PrivacyImports        = "orgs.imports"
	// RuleFormerPeople ends the records of people who hold no seat any more.
	RuleFormerPeople = "orgs.former_people"
)

// Inventory says what the organisations' directory keeps about people.
func (s *Store) Inventory() []privacy.Category {
	return []privacy.Category{
		{Key: PrivacyPeople, Rule: RuleFormerPeople, Columns: []string{"organization_people.name", "organization_people.name_key",
			"organization_people.email", "organization_people.phone", "organization_people.user_id", "organization_people.name_public",
			"organization_people.same_as", "organization_seats.holder_id", "organization_seats.holder_since"}},
		{Key: PrivacyManagers, Columns: []string{"organization_managers.user_id"}},
		{Key: PrivacyContacts, Columns: []string{"organizations.contact_name", "organizations.contact_email", "organizations.contact_phone"}},
		{Key: PrivacyAccompaniments, Columns: []string{"organization_accompaniments.people", "organization_accompaniments.notes",
			"organization_accompaniments.next_step"}},
		{Key: PrivacyImports, Rule: PrivacyImports, Columns: []string{"organization_import_rows.data", "organization_import_rows.problems"}},
	}
}

// Retention lists the organisations' rules: an import's rows are destroyed
// 30 days after the import (the people are in their tables by then, or
// the file was abandoned); the record of a person who holds no seat, two
// years after it last changed.
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{
		{Key: PrivacyImports, Days: 30, Action: privacy.Destroy},
		{Key: RuleFormerPeople, Days: 730, Action: privacy.Destroy},
	}
}

// Find lists what the directory keeps about s: their records as a seat
// holder and the seats they hold, the organisations they manage, the
// organisations whose contact they are, the accompaniments and the import
// rows that name their e-mail.
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	if sub.Empty() {
		return nil, nil
	}
	w := newWho(sub)
	var out []privacy.Record
	var people []any
	cond, args := w.where("p.user_id", "p.email", "p.phone")
	err := db.Each(ctx, q, `SELECT p.id, p.name, p.email, p.phone, COALESCE(p.user_id, 0), p.name_public, p.created_at, COALESCE(o.name, '')
		FROM organization_people p LEFT JOIN organizations o ON o.id = p.organization_id
		WHERE p.territory_id = ? AND `+cond+` ORDER BY p.id`, append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
		var id, user int64
		var name, email, phone, org string
		var public bool
		var at time.Time
		if err := r.Scan(&id, &name, &email, &phone, &user, &public, db.ScanTime(&at), &org); err != nil {
			return err
		}
		if !w.is(user, email, phone) {
			return nil
		}
		people = append(people, id)
		label := "Personne inscrite au registre des sièges"
		if org != "" {
			label += "\u00a0: " + org
		}
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "organization_people", ID: id}, Category: PrivacyPeople,
			Label: label, When: at, Fields: fields("name", name, "email", email, "phone", phone, "orgs.name_public", yesNo(public))})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(people) > 0 {
		err = db.Each(ctx, q, `SELECT s.id, s.title, o.name, COALESCE(s.holder_since, ''), COALESCE(s.term_start, ''), COALESCE(s.term_end, ''), s.created_at
			FROM organization_seats s JOIN organizations o ON o.id = s.organization_id
			WHERE s.territory_id = ? AND s.holder_id IN (`+db.Marks(len(people))+`) ORDER BY s.id`,
			append([]any{sub.TerritoryID}, people...), func(r *sql.Rows) error {
				var id int64
				var title, org, since, start, end string
				var at time.Time
				if err := r.Scan(&id, &title, &org, &since, &start, &end, db.ScanTime(&at)); err != nil {
					return err
				}
				out = append(out, privacy.Record{Ref: privacy.Ref{Table: "organization_seats", ID: id}, Category: PrivacyPeople,
					Label: "Siège\u00a0: " + title + " — " + org, When: at,
					Fields: fields("orgs.seat", title, "orgs.holder_since", since, "orgs.term_start", start, "orgs.term_end", end)})
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	if sub.UserID != 0 {
		err = db.Each(ctx, q, `SELECT m.organization_id, o.name, m.created_at FROM organization_managers m JOIN organizations o ON o.id = m.organization_id
			WHERE m.territory_id = ? AND m.user_id = ? ORDER BY m.organization_id`, []any{sub.TerritoryID, sub.UserID}, func(r *sql.Rows) error {
			var id int64
			var org string
			var at time.Time
			if err := r.Scan(&id, &org, db.ScanTime(&at)); err != nil {
				return err
			}
			out = append(out, privacy.Record{Ref: privacy.Ref{Table: "organization_managers", ID: id}, Category: PrivacyManagers,
				Label: "Gestionnaire de l’organisme\u00a0: " + org, When: at, Fields: fields("orgs.organization", org)})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	cond, args = w.where("", "contact_email", "contact_phone")
	err = db.Each(ctx, q, `SELECT id, name, contact_name, contact_email, contact_phone, created_at FROM organizations
		WHERE territory_id = ? AND `+cond+` ORDER BY id`, append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
		var id int64
		var org, name, email, phone string
		var at time.Time
		if err := r.Scan(&id, &org, &name, &email, &phone, db.ScanTime(&at)); err != nil {
			return err
		}
		if !w.is(0, email, phone) {
			return nil
		}
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "organizations", ID: id}, Category: PrivacyContacts,
			Label: "Personne-ressource de l’organisme\u00a0: " + org, When: at, Fields: fields("name", name, "email", email, "phone", phone)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(w.emails) == 0 {
		return out, nil
	}
	cond, args = w.mentions("a.people", "a.notes", "a.next_step")
	err = db.Each(ctx, q, `SELECT a.id, o.name, a.happened_on, lower(a.people || ' ' || a.notes || ' ' || a.next_step), a.created_at
		FROM organization_accompaniments a JOIN organizations o ON o.id = a.organization_id
		WHERE a.territory_id = ? AND `+cond+` ORDER BY a.id`, append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
		var id int64
		var org, day, text string
		var at time.Time
		if err := r.Scan(&id, &org, &day, &text, db.ScanTime(&at)); err != nil {
			return err
		}
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "organization_accompaniments", ID: id}, Category: PrivacyAccompaniments,
			Label: "Accompagnement de l’organisme " + org + " — " + day, When: at, Fields: fields("email", w.found(text))})
		return nil
	})
	if err != nil {
		return nil, err
	}
	cond, args = w.mentions("r.data")
	err = db.Each(ctx, q, `SELECT r.id, r.line, i.filename, lower(r.data), i.created_at
		FROM organization_import_rows r JOIN organization_imports i ON i.id = r.import_id
		WHERE r.territory_id = ? AND `+cond+` ORDER BY r.id`, append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
		var id int64
		var line int
		var file, data string
		var at time.Time
		if err := r.Scan(&id, &line, &file, &data, db.ScanTime(&at)); err != nil {
			return err
		}
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "organization_import_rows", ID: id}, Category: PrivacyImports,
			Label: "Ligne " + strconv.Itoa(line) + " d’une importation\u00a0: " + file, When: at, Fields: fields("email", w.found(data))})
		return nil
	})
	return out, err
}

// Erase destroys the person's records as seat holder (their seats stay,
// vacant), their role of manager, the import rows that name them, and
// blanks the contact details and the accompaniments' notes that name
// them (the organisation and the accompaniment's date and topic stay).
func (s *Store) Erase(ctx context.Context, tx *db.Tx, sub privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	tid := sub.TerritoryID
	seats, accompaniments := 0, 0
	// Seats first: vacated ones are counted once.
	for _, r := range refs {
		if r.Table != "organization_seats" {
			continue
		}
		n, err := exec(ctx, tx, `UPDATE organization_seats SET holder_id = NULL, holder_since = NULL, updated_at = ?
			WHERE territory_id = ? AND id = ? AND holder_id IS NOT NULL`, s.now(), tid, r.ID)
		if err != nil {
			return nil, err
		}
		seats += n
	}
	for _, r := range refs {
		var err error
		var n int
		switch r.Table {
		case "organization_people":
			n, err = erasePerson(ctx, tx, tid, r.ID, s.now())
			seats += n
		case "organization_managers":
			if sub.UserID != 0 {
				_, err = tx.Exec(ctx, `DELETE FROM organization_managers WHERE territory_id = ? AND organization_id = ? AND user_id = ?`,
					tid, r.ID, sub.UserID)
			}
		case "organizations":
			_, err = tx.Exec(ctx, `UPDATE organizations SET contact_name = '', contact_email = '', contact_phone = ''
				WHERE territory_id = ? AND id = ?`, tid, r.ID)
		case "organization_accompaniments":
			n, err = exec(ctx, tx, `UPDATE organization_accompaniments SET people = '', notes = '', next_step = ''
				WHERE territory_id = ? AND id = ?`, tid, r.ID)
			accompaniments += n
		case "organization_import_rows":
			_, err = tx.Exec(ctx, `DELETE FROM organization_import_rows WHERE territory_id = ? AND id = ?`, tid, r.ID)
		}
		if err != nil {
			return nil, err
		}
	}
	var kept []privacy.Kept
	if seats > 0 {
		kept = append(kept, privacy.Kept{Category: PrivacyPeople, Reason: "privacy.kept.orgs.seats", Count: seats})
	}
	if accompaniments > 0 {
		kept = append(kept, privacy.Kept{Category: PrivacyAccompaniments, Reason: "privacy.kept.orgs.accompaniments", Count: accompaniments})
	}
	return kept, nil
}

// erasePerson destroys one record of a person and says how many seats it
// left vacant; the person's other records linked to it stand alone.
func erasePerson(ctx context.Context, tx *db.Tx, tid, id int64, now time.Time) (int, error) {
	n, err := exec(ctx, tx, `UPDATE organization_seats SET holder_id = NULL, holder_since = NULL, updated_at = ?
		WHERE territory_id = ? AND holder_id = ?`, now, tid, id)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE organization_people SET same_as = NULL WHERE territory_id = ? AND same_as = ?`, tid, id); err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `DELETE FROM organization_people WHERE territory_id = ? AND id = ?`, tid, id)
	return n, err
}

// Expire applies one of the organisations' rules.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	switch rule {
	case PrivacyImports:
		return exec(ctx, tx, `DELETE FROM organization_import_rows WHERE territory_id = ? AND import_id IN
			(SELECT id FROM organization_imports WHERE territory_id = ? AND created_at < ?)`, territoryID, territoryID, db.Time(cutoff))
	case RuleFormerPeople:
		var ids []int64
		err := db.Each(ctx, tx, `SELECT p.id FROM organization_people p WHERE p.territory_id = ? AND p.updated_at < ?
			AND NOT EXISTS (SELECT 1 FROM organization_seats s WHERE s.holder_id = p.id) ORDER BY p.id`,
			[]any{territoryID, db.Time(cutoff)}, func(r *sql.Rows) error {
				var id int64
				if err := r.Scan(&id); err != nil {
					return err
				}
				ids = append(ids, id)
				return nil
			})
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			if _, err := erasePerson(ctx, tx, territoryID, id, s.now()); err != nil {
				return 0, err
			}
		}
		return len(ids), nil
	}
	return 0, fmt.Errorf("orgs: no retention rule %q", rule)
}

// Consents lists the consents to show a person's name publicly.
func (s *Store) Consents(ctx context.Context, sub privacy.Subject) ([]privacy.Consent, error) {
	if sub.Empty() {
		return nil, nil
	}
	w := newWho(sub)
	cond, args := w.where("p.user_id", "p.email", "p.phone")
	var out []privacy.Consent
	err := db.Each(ctx, s.db, `SELECT p.id, COALESCE(p.user_id, 0), p.email, p.phone, COALESCE(o.name, ''), p.updated_at
		FROM organization_people p LEFT JOIN organizations o ON o.id = p.organization_id
		WHERE p.territory_id = ? AND p.name_public = ? AND `+cond+` ORDER BY p.id`,
		append([]any{sub.TerritoryID, true}, args...), func(r *sql.Rows) error {
			var id, user int64
			var email, phone, org string
			var at time.Time
			if err := r.Scan(&id, &user, &email, &phone, &org, db.ScanTime(&at)); err != nil {
				return err
			}
			if !w.is(user, email, phone) {
				return nil
			}
			out = append(out, privacy.Consent{Ref: privacy.Ref{Table: "organization_people", ID: id}, Purpose: privacy.Identified,
				Label: "Nom affiché publiquement avec son siège\u00a0: " + org, Given: at, How: "inscrit par l’organisme ou l’équipe"})
			return nil
		})
	return out, err
}

// Withdraw stops showing the person's name publicly.
func (s *Store) Withdraw(ctx context.Context, sub privacy.Subject, ref privacy.Ref) error {
	notFound := errs.New(errs.NotFound, "errors.orgs_consent_not_found")
	if ref.Table != "organization_people" || sub.Empty() {
		return notFound
	}
	var user int64
	var email, phone string
	err := s.db.QueryRow(ctx, `SELECT COALESCE(user_id, 0), email, phone FROM organization_people WHERE territory_id = ? AND id = ?`,
		sub.TerritoryID, ref.ID).Scan(&user, &email, &phone)
	if err == sql.ErrNoRows || (err == nil && !newWho(sub).is(user, email, phone)) {
		return notFound
	}
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE organization_people SET name_public = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		false, s.now(), sub.TerritoryID, ref.ID)
	return err
}

// Correct rewrites the person's name and phone in their records as seat
// holder and as an organisation's contact.
func (s *Store) Correct(ctx context.Context, tx *db.Tx, sub privacy.Subject, c privacy.Correction) (int, error) {
	if sub.Empty() || (c.Name == "" && c.Phone == "") {
		return 0, nil
	}
	w := newWho(sub)
	type row struct {
		id    int64
		table string
	}
	var rows []row
	cond, args := w.where("user_id", "email", "phone")
	err := db.Each(ctx, tx, `SELECT id, COALESCE(user_id, 0), email, phone FROM organization_people WHERE territory_id = ? AND `+cond,
		append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
			var id, user int64
			var email, phone string
			if err := r.Scan(&id, &user, &email, &phone); err != nil {
				return err
			}
			if w.is(user, email, phone) {
				rows = append(rows, row{id, "organization_people"})
			}
			return nil
		})
	if err != nil {
		return 0, err
	}
	cond, args = w.where("", "contact_email", "contact_phone")
	err = db.Each(ctx, tx, `SELECT id, contact_email, contact_phone FROM organizations WHERE territory_id = ? AND `+cond,
		append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
			var id int64
			var email, phone string
			if err := r.Scan(&id, &email, &phone); err != nil {
				return err
			}
			if w.is(0, email, phone) {
				rows = append(rows, row{id, "organizations"})
			}
			return nil
		})
	if err != nil {
		return 0, err
	}
	name, phone := clean(c.Name), clean(c.Phone)
	changed := 0
	for _, r := range rows {
		var n int
		if r.table == "organization_people" {
			n, err = exec(ctx, tx, `UPDATE organization_people SET name = CASE WHEN ? = '' THEN name ELSE ? END,
				name_key = CASE WHEN ? = '' THEN name_key ELSE ? END, phone = CASE WHEN ? = '' THEN phone ELSE ? END, updated_at = ?
				WHERE territory_id = ? AND id = ?`, name, name, name, Key(name), phone, phone, s.now(), sub.TerritoryID, r.id)
		} else {
			n, err = exec(ctx, tx, `UPDATE organizations SET contact_name = CASE WHEN ? = '' THEN contact_name ELSE ? END,
				contact_phone = CASE WHEN ? = '' THEN contact_phone ELSE ? END, updated_at = ? WHERE territory_id = ? AND id = ?`,
				name, name, phone, phone, s.now(), sub.TerritoryID, r.id)
		}
		if err != nil {
			return changed, err
		}
		changed += n
	}
	return changed, nil
}

// who matches the rows of a subject: by account, e-mail, or phone (the
// directory keeps phones as typed: they are compared by their key).
type who struct {
	s      privacy.Subject
	emails map[string]bool
	phones map[string]bool
}

func newWho(s privacy.Subject) who {
	w := who{s: s, emails: map[string]bool{}, phones: map[string]bool{}}
	for _, e := range s.Emails {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
			w.emails[e] = true
		}
	}
	for _, p := range s.Phones {
		if p != "" {
			w.phones[p] = true
		}
	}
	return w
}

// where narrows a query to the rows that may be the subject's (user, email
// and phone name columns, "" for none); is then says which are.
func (w who) where(user, email, phone string) (string, []any) {
	var or []string
	var args []any
	if user != "" && w.s.UserID != 0 {
		or = append(or, user+" = ?")
		args = append(args, w.s.UserID)
	}
	if email != "" && len(w.emails) > 0 {
		or = append(or, "lower("+email+") IN ("+db.Marks(len(w.emails))+")")
		for e := range w.emails {
			args = append(args, e)
		}
	}
	if phone != "" && len(w.phones) > 0 {
		or = append(or, phone+" <> ''")
	}
	if len(or) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

func (w who) is(user int64, email, phone string) bool {
	return (user != 0 && user == w.s.UserID) || w.emails[strings.ToLower(strings.TrimSpace(email))] ||
		(phone != "" && w.phones[i18n.PhoneKey(phone)])
}

// mentions narrows to the rows whose text columns contain one of the
// subject's e-mails.
func (w who) mentions(cols ...string) (string, []any) {
	var or []string
	var args []any
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	for e := range w.emails {
		for _, c := range cols {
			or = append(or, "lower("+c+`) LIKE ? ESCAPE '\'`)
			args = append(args, "%"+esc.Replace(e)+"%")
		}
	}
	if len(or) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

// found is the subject's e-mail that text contains.
func (w who) found(text string) string {
	for e := range w.emails {
		if strings.Contains(text, e) {
			return e
		}
	}
	return ""
}

func fields(kv ...string) []privacy.Field {
	var out []privacy.Field
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			out = append(out, privacy.Field{Name: kv[i], Value: kv[i+1]})
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

func exec(ctx context.Context, tx *db.Tx, q string, args ...any) (int, error) {
	res, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
