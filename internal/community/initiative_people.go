package community

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/mail"
	"implique/internal/territory"
)

// The people of an initiative: leaders (staff add them, as they told
// staff) and participants (they join from the public page and confirm by
// e-mail). Each has one private link, e-mailed to them, where they confirm
// and where they stop following; its token is derived from a nonce and the
// instance secret, and only its hash is stored. Names are public only when
// the person chose so, and then the first name only.

// Roles of the people of an initiative.
const (
	Leader      = "leader"
	Participant = "participant"
)

// Where a person's participation came from.
const (
	JoinedWeb   = "web"
	JoinedStaff = "staff"
)

// Person is someone involved in an initiative (staff only: contacts).
type Person struct {
	ID        int64
	Role      string
	Name      string
	Email     string
	Phone     string
	Offer     string
	NeedID    *int64
	NeedTitle string
	// ShowName is the person's consent to show their first name on the public page.
	ShowName    bool
	Lang        string
	Source      string
	ConfirmedAt *time.Time
	LeftAt      *time.Time
	CreatedAt   time.Time
}

// Active reports whether the person counts: confirmed and still there.
func (p Person) Active() bool { return p.ConfirmedAt != nil && p.LeftAt == nil }

// FirstName is the first word of a name: all the public ever sees of a person.
func FirstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// Crew is what the public may know of the people of an initiative: counts,
// and the first names of those who chose to show them.
type Crew struct {
	Leaders, Participants int
	LeaderNames           []string
	ParticipantNames      []string
}

// Participation is a person's own view of an initiative, through their private link.
type Participation struct {
	Person     Person
	Initiative Initiative
}

// JoinInput is what someone types in « Je veux participer ».
type JoinInput struct {
	Name  string
	Email string
	// Offer is what they can give (« ce que je peux donner »).
	Offer string
	// NeedID is the help wanted they answer (0 for none).
	NeedID int64
	// ShowName is their consent to show their first name on the page.
	ShowName bool
	Lang     string
}

// JoinOutcome says what became of a join.
type JoinOutcome struct {
	// Confirmed is true when the person counts already.
	Confirmed bool
	// Existing is true when this address had joined already: nothing was
	// added, and the private link was e-mailed again.
	Existing bool
}

// PersonInput is a person staff add (a leader, or a participant met on paper).
type PersonInput struct {
	Role     string
	Name     string
	Email    string
	Phone    string
	Offer    string
	NeedID   int64
	ShowName bool
	Lang     string
}

// loadLinkKey fetches (once) the instance secret of the private links.
// Every method that may send a link calls it before its transaction: on
// SQLite, the secret's first creation needs the writer.
func (s *Store) loadLinkKey(ctx context.Context) error { return s.links.Load(ctx) }

// personToken derives a person's private token from their nonce.
func (s *Store) personToken(nonce string) (string, error) { return s.links.Token(nonce) }

// newPersonLink returns a fresh nonce with its token and the token's hash.
func (s *Store) newPersonLink() (nonce, token, hash string, err error) {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	nonce = base64.RawURLEncoding.EncodeToString(b)
	token, err = s.personToken(nonce)
	return nonce, token, auth.HashToken(token), err
}

// PrivateURL is a person's private link.
func (s *Store) PrivateURL(token string) string {
	return s.baseURL + "/initiatives/participer/" + token
}

// InitiativeURL is an initiative's public address.
func (s *Store) InitiativeURL(in Initiative) string { return s.baseURL + "/initiatives/" + in.Slug }

// mailContext is what messages need, loaded before a transaction (inside
// it, on SQLite, no other connection may be used).
type mailContext struct {
	t territory.Territory
	// limit caps the message (the answers to a public form).
	limit mail.Limit
}

func (s *Store) prepareMail(ctx context.Context, territoryID int64) (mailContext, error) {
	if err := s.loadLinkKey(ctx); err != nil {
		return mailContext{}, err
	}
	t, err := s.territories.ByID(ctx, territoryID)
	return mailContext{t: t}, err
}

func mailLang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "fr"
}

// queuePersonMail queues the message kind ("join", "again", "welcome",
// "added") to one person: the body's last argument is their private link.
func (s *Store) queuePersonMail(ctx context.Context, tx *db.Tx, mc mailContext, to, nonce, lang, kind string, ini Initiative, args ...any) error {
	tok, err := s.personToken(nonce)
	if err != nil {
		return err
	}
	args = append(args, s.PrivateURL(tok))
	text := s.cat.T(lang, "mail.initiative."+kind+".body", args...) + "\n\n-- \n" + mc.t.MailFooter()
	subject := s.cat.T(lang, "mail.initiative."+kind+".subject", ini.Title)
	return s.queue(ctx, tx, mc.t.ID, mail.Message{To: to, Subject: subject, Text: text, Secrets: []string{tok}, Limit: mc.limit})
}

// tellFollowers e-mails the news of an initiative to everyone who follows
// it (confirmed, still there, with an address), inside tx, each with their
// private link to stop following.
func (s *Store) tellFollowers(ctx context.Context, tx *db.Tx, mc mailContext, in Initiative, news func(lang string) (subject, body string)) error {
	rows, err := tx.Query(ctx, `SELECT email, lang, link_nonce FROM initiative_people
		WHERE territory_id = ? AND initiative_id = ? AND confirmed_at IS NOT NULL AND left_at IS NULL AND email IS NOT NULL
		ORDER BY id`, mc.t.ID, in.ID)
	if err != nil {
		return err
	}
	type follower struct{ email, lang, nonce string }
	var list []follower
	for rows.Next() {
		var f follower
		if err := rows.Scan(&f.email, &f.lang, &f.nonce); err != nil {
			rows.Close()
			return err
		}
		list = append(list, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range list {
		lang := mailLang(f.lang)
		subject, body := news(lang)
		tok, err := s.personToken(f.nonce)
		if err != nil {
			return err
		}
		link := s.PrivateURL(tok)
		text := body + "\n\n" + s.cat.T(lang, "mail.initiative.follow_footer", s.InitiativeURL(in), link) + "\n\n-- \n" + mc.t.MailFooter()
		msg := mail.Message{To: f.email, Subject: subject, Text: text, Secrets: []string{tok}, Headers: map[string]string{
			// One click in the mail program stops the news (RFC 8058).
			"List-Unsubscribe":      "<" + link + "/quitter>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		}}
		if err := s.queue(ctx, tx, mc.t.ID, msg); err != nil {
			return err
		}
	}
	return nil
}

// checkNeed makes sure needID (when not 0) is an open help need of the initiative.
func (s *Store) checkNeed(ctx context.Context, territoryID, initiativeID, needID int64, f errs.Fields) error {
	if needID == 0 {
		return nil
	}
	var filled sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT filled_at FROM initiative_needs WHERE territory_id = ? AND initiative_id = ? AND id = ?`,
		territoryID, initiativeID, needID).Scan(&filled)
	switch {
	case errors.Is(err, sql.ErrNoRows) || (err == nil && filled.Valid):
		f.Add("need", "errors.initiative_need_unknown")
	case err != nil:
		return err
	}
	return nil
}

// Join records « Je veux participer » on a public initiative. One row per
// address: the same address again adds nothing and e-mails the private
// link again. Unless the person is signed in with that address (verified),
// they count once they confirm through the e-mailed link.
func (s *Store) Join(ctx context.Context, territoryID, initiativeID int64, in JoinInput, verified bool) (JoinOutcome, error) {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Offer = strings.TrimSpace(in.Offer)
	in.Lang = mailLang(in.Lang)
	f := errs.Fields{}
	switch {
	case in.Name == "":
		f.Add("name", "errors.required")
	case tooLong(in.Name, 120):
		f.Add("name", "errors.too_long")
	}
	switch {
	case in.Email == "":
		f.Add("email", "errors.required")
	case !territory.ValidEmail(in.Email):
		f.Add("email", "errors.email")
	}
	if tooLong(in.Offer, 1000) {
		f.Add("offer", "errors.too_long")
	}
	if err := s.checkNeed(ctx, territoryID, initiativeID, in.NeedID, f); err != nil {
		return JoinOutcome{}, err
	}
	if err := f.Err(); err != nil {
		return JoinOutcome{}, err
	}
	ini, err := s.Initiative(ctx, territoryID, initiativeID)
	if err != nil {
		return JoinOutcome{}, err
	}
	if !ini.Published() {
		return JoinOutcome{}, errs.New(errs.NotFound, "errors.initiative_not_found")
	}
	if !ini.Open() {
		return JoinOutcome{}, errs.New(errs.Conflict, "errors.initiative_closed")
	}
	mc, err := s.prepareMail(ctx, territoryID)
	if err != nil {
		return JoinOutcome{}, err
	}
	lang := in.Lang
	// Unless signed in with the address, the form says nothing of who
	// follows what: its e-mail goes at most once a day.
	public := mc
	public.limit = onceADay("initiative-person:%d:%s", initiativeID, in.Email)
	var out JoinOutcome
	errRace := errors.New("joined twice at once")
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		var id int64
		var name, nonce string
		var confirmed, left sql.NullTime
		err := tx.QueryRow(ctx, `SELECT id, name, link_nonce, confirmed_at, left_at FROM initiative_people
			WHERE territory_id = ? AND initiative_id = ? AND email = ?`, territoryID, initiativeID, in.Email).Scan(&id, &name, &nonce, &confirmed, &left)
		switch {
		case err == nil:
			out.Existing = true
			active := confirmed.Valid && !left.Valid
			if verified && !active {
				// Signed in with this address: back at once.
				if _, err := tx.Exec(ctx, `UPDATE initiative_people SET confirmed_at = COALESCE(confirmed_at, ?), left_at = NULL
					WHERE territory_id = ? AND id = ?`, now, territoryID, id); err != nil {
					return err
				}
				out.Confirmed = true
				return s.queuePersonMail(ctx, tx, mc, in.Email, nonce, lang, "welcome", ini, name, ini.Title)
			}
			out.Confirmed = active
			if active {
				return s.queuePersonMail(ctx, tx, public, in.Email, nonce, lang, "again", ini, name, ini.Title)
			}
			return s.queuePersonMail(ctx, tx, public, in.Email, nonce, lang, "join", ini, name, ini.Title)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		nonce, _, hash, err := s.newPersonLink()
		if err != nil {
			return err
		}
		var at any
		if verified {
			at = now
		}
		_, err = tx.Exec(ctx, `INSERT INTO initiative_people (territory_id, initiative_id, role, name, email, offer, need_id, show_name,
			lang, source, link_nonce, token_hash, confirmed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			territoryID, initiativeID, Participant, in.Name, in.Email, in.Offer, nullID(in.NeedID), in.ShowName, in.Lang, JoinedWeb,
			nonce, hash, at, now)
		if db.IsUniqueViolation(err) {
			return errRace
		}
		if err != nil {
			return err
		}
		out.Confirmed = verified
		if verified {
			return s.queuePersonMail(ctx, tx, mc, in.Email, nonce, lang, "welcome", ini, in.Name, ini.Title)
		}
		return s.queuePersonMail(ctx, tx, public, in.Email, nonce, lang, "join", ini, in.Name, ini.Title)
	})
	if errors.Is(err, errRace) {
		// The same form sent twice at once: the first one counts.
		return JoinOutcome{Existing: true}, nil
	}
	return out, err
}

// AddPerson adds a leader or a participant on behalf of staff (who heard
// their consent): they count at once. When they have an address, they get
// an e-mail saying so, with their private link.
func (s *Store) AddPerson(ctx context.Context, territoryID, initiativeID int64, in PersonInput) (Person, error) {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Phone = strings.TrimSpace(in.Phone)
	in.Offer = strings.TrimSpace(in.Offer)
	in.Lang = mailLang(in.Lang)
	f := errs.Fields{}
	if in.Role != Leader && in.Role != Participant {
		f.Add("role", "errors.initiative_role")
	}
	switch {
	case in.Name == "":
		f.Add("name", "errors.required")
	case tooLong(in.Name, 120):
		f.Add("name", "errors.too_long")
	}
	if in.Email != "" && !territory.ValidEmail(in.Email) {
		f.Add("email", "errors.email")
	}
	if tooLong(in.Phone, 40) {
		f.Add("phone", "errors.too_long")
	}
	if tooLong(in.Offer, 1000) {
		f.Add("offer", "errors.too_long")
	}
	if err := s.checkNeed(ctx, territoryID, initiativeID, in.NeedID, f); err != nil {
		return Person{}, err
	}
	if err := f.Err(); err != nil {
		return Person{}, err
	}
	ini, err := s.Initiative(ctx, territoryID, initiativeID)
	if err != nil {
		return Person{}, err
	}
	mc, err := s.prepareMail(ctx, territoryID)
	if err != nil {
		return Person{}, err
	}
	exists := &errs.Error{Code: errs.Conflict, Key: "errors.initiative_person_exists", Fields: map[string]string{"email": "errors.initiative_person_exists"}}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		var email any
		if in.Email != "" {
			email = in.Email
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM initiative_people WHERE territory_id = ? AND initiative_id = ? AND email = ?`,
				territoryID, initiativeID, in.Email).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return exists
			}
		}
		nonce, _, hash, err := s.newPersonLink()
		if err != nil {
			return err
		}
		id, err = tx.InsertID(ctx, `INSERT INTO initiative_people (territory_id, initiative_id, role, name, email, phone, offer, need_id,
			show_name, lang, source, link_nonce, token_hash, confirmed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, initiativeID, in.Role, in.Name, email, in.Phone, in.Offer, nullID(in.NeedID), in.ShowName, in.Lang, JoinedStaff,
			nonce, hash, now, now)
		if db.IsUniqueViolation(err) {
			return exists
		}
		if err != nil || in.Email == "" {
			return err
		}
		return s.queuePersonMail(ctx, tx, mc, in.Email, nonce, in.Lang, "added", ini, in.Name, ini.Title,
			s.cat.T(in.Lang, "initiative.role_phrase."+in.Role))
	})
	if err != nil {
		return Person{}, err
	}
	return s.person(ctx, territoryID, initiativeID, id)
}

const personCols = `pe.id, pe.role, pe.name, COALESCE(pe.email, ''), pe.phone, pe.offer, pe.need_id, COALESCE(n.title, ''), pe.show_name,
	pe.lang, pe.source, pe.confirmed_at, pe.left_at, pe.created_at`

const personFrom = ` FROM initiative_people pe LEFT JOIN initiative_needs n ON n.id = pe.need_id `

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var p Person
	var need sql.NullInt64
	var confirmed, left sql.NullTime
	err := row.Scan(&p.ID, &p.Role, &p.Name, &p.Email, &p.Phone, &p.Offer, &need, &p.NeedTitle, &p.ShowName, &p.Lang, &p.Source,
		&confirmed, &left, &p.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.New(errs.NotFound, "errors.initiative_person_not_found")
	}
	if need.Valid {
		p.NeedID = &need.Int64
	}
	if confirmed.Valid {
		p.ConfirmedAt = &confirmed.Time
	}
	if left.Valid {
		p.LeftAt = &left.Time
	}
	return p, err
}

func (s *Store) person(ctx context.Context, territoryID, initiativeID, id int64) (Person, error) {
	return scanPerson(s.db.QueryRow(ctx, `SELECT `+personCols+personFrom+`WHERE pe.territory_id = ? AND pe.initiative_id = ? AND pe.id = ?`,
		territoryID, initiativeID, id))
}

// People lists everyone of an initiative, leaders first (staff only:
// contacts and offers).
func (s *Store) People(ctx context.Context, territoryID, initiativeID int64) ([]Person, error) {
	rows, err := s.db.Query(ctx, `SELECT `+personCols+personFrom+`WHERE pe.territory_id = ? AND pe.initiative_id = ?
		ORDER BY CASE pe.role WHEN 'leader' THEN 0 ELSE 1 END, pe.created_at, pe.id`, territoryID, initiativeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Crew tells the public who is involved without anything personal: counts,
// and first names only of those who chose to show them.
func (s *Store) Crew(ctx context.Context, territoryID, initiativeID int64) (Crew, error) {
	rows, err := s.db.Query(ctx, `SELECT role, name, show_name FROM initiative_people
		WHERE territory_id = ? AND initiative_id = ? AND confirmed_at IS NOT NULL AND left_at IS NULL ORDER BY confirmed_at, id`,
		territoryID, initiativeID)
	if err != nil {
		return Crew{}, err
	}
	defer rows.Close()
	var c Crew
	for rows.Next() {
		var role, name string
		var show bool
		if err := rows.Scan(&role, &name, &show); err != nil {
			return Crew{}, err
		}
		first := ""
		if show {
			first = FirstName(name)
		}
		if role == Leader {
			c.Leaders++
			if first != "" {
				c.LeaderNames = append(c.LeaderNames, first)
			}
		} else {
			c.Participants++
			if first != "" {
				c.ParticipantNames = append(c.ParticipantNames, first)
			}
		}
	}
	return c, rows.Err()
}

// byToken finds the person of a private link.
func (s *Store) byToken(ctx context.Context, territoryID int64, token string) (initiativeID, personID int64, err error) {
	if token == "" || len(token) > 100 {
		return 0, 0, errs.New(errs.NotFound, "errors.initiative_link")
	}
	err = s.db.QueryRow(ctx, `SELECT initiative_id, id FROM initiative_people WHERE territory_id = ? AND token_hash = ?`,
		territoryID, auth.HashToken(token)).Scan(&initiativeID, &personID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, errs.New(errs.NotFound, "errors.initiative_link")
	}
	return initiativeID, personID, err
}

func (s *Store) participation(ctx context.Context, territoryID, initiativeID, personID int64) (Participation, error) {
	p, err := s.person(ctx, territoryID, initiativeID, personID)
	if err != nil {
		return Participation{}, err
	}
	ini, err := s.Initiative(ctx, territoryID, initiativeID)
	return Participation{Person: p, Initiative: ini}, err
}

// Participation opens a person's private link (it changes nothing).
func (s *Store) Participation(ctx context.Context, territoryID int64, token string) (Participation, error) {
	iid, pid, err := s.byToken(ctx, territoryID, token)
	if err != nil {
		return Participation{}, err
	}
	return s.participation(ctx, territoryID, iid, pid)
}

// ConfirmParticipation makes a participation count (or count again after
// the person left). Confirming twice is harmless.
func (s *Store) ConfirmParticipation(ctx context.Context, territoryID int64, token string) (Participation, error) {
	iid, pid, err := s.byToken(ctx, territoryID, token)
	if err != nil {
		return Participation{}, err
	}
	if _, err := s.db.Exec(ctx, `UPDATE initiative_people SET confirmed_at = COALESCE(confirmed_at, ?), left_at = NULL
		WHERE territory_id = ? AND id = ?`, s.now(), territoryID, pid); err != nil {
		return Participation{}, err
	}
	return s.participation(ctx, territoryID, iid, pid)
}

// LeaveInitiative stops a person's participation: they no longer count nor get any
// e-mail about the initiative. Leaving twice is harmless.
func (s *Store) LeaveInitiative(ctx context.Context, territoryID int64, token string) (Participation, error) {
	iid, pid, err := s.byToken(ctx, territoryID, token)
	if err != nil {
		return Participation{}, err
	}
	if _, err := s.db.Exec(ctx, `UPDATE initiative_people SET left_at = COALESCE(left_at, ?) WHERE territory_id = ? AND id = ?`,
		s.now(), territoryID, pid); err != nil {
		return Participation{}, err
	}
	return s.participation(ctx, territoryID, iid, pid)
}

// RemovePerson takes someone off an initiative for good (staff: a mistake,
// a request); nothing of them stays.
func (s *Store) RemovePerson(ctx context.Context, territoryID, initiativeID, personID int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM initiative_people WHERE territory_id = ? AND initiative_id = ? AND id = ?`,
		territoryID, initiativeID, personID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.initiative_person_not_found")
	}
	return nil
}

// Following returns the participation of the address email in an
// initiative when it counts (confirmed, not left), with its private link:
// a signed-in person sees they follow it rather than the form to join.
func (s *Store) Following(ctx context.Context, territoryID, initiativeID int64, email string) (Person, string, bool, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return Person{}, "", false, nil
	}
	var id int64
	var nonce string
	err := s.db.QueryRow(ctx, `SELECT id, link_nonce FROM initiative_people WHERE territory_id = ? AND initiative_id = ? AND email = ?
		AND confirmed_at IS NOT NULL AND left_at IS NULL`, territoryID, initiativeID, email).Scan(&id, &nonce)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, "", false, nil
	}
	if err != nil {
		return Person{}, "", false, err
	}
	p, err := s.person(ctx, territoryID, initiativeID, id)
	if err != nil {
		return p, "", false, err
	}
	if err := s.loadLinkKey(ctx); err != nil {
		return p, "", false, err
	}
	tok, err := s.personToken(nonce)
	if err != nil {
		return p, "", false, err
	}
	return p, "/initiatives/participer/" + tok, true, nil
}
