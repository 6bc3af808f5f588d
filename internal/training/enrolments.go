package training

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// Enrolment statuses.
const (
	Confirmed  = "confirmed"
	Waitlisted = "waitlisted"
	Withdrawn  = "withdrawn"
)

// Decisions staff take over the completion rule.
const (
	DecidedCompleted    = "completed"
	DecidedNotCompleted = "not_completed"
)

// Enrolment is a learner in a cohort.
type Enrolment struct {
	ID               int64
	TerritoryID      int64
	CohortID         int64
	Name             string
	Email            string
	Phone            string
	Needs            string
	Ride             string
	FromPlaceName    string
	ConsentContact   bool
	Lang             string
	OrganizationID   *int64
	OrganizationName string
	Status           string
	WaitlistPosition int
	ProjectDone      bool
	// Decision is staff's decision over the rule ("" when the rule
	// decides), with its reason.
	Decision       string
	DecisionReason string
	// Completed is written when the cohort is completed (nil before).
	Completed           *bool
	CertificateCode     string
	CertificateIssuedAt *time.Time
	CreatedAt           time.Time
	WithdrawnAt         *time.Time
}

// LearnerInput is a learner as typed, by themselves, by staff or by
// their organisation.
type LearnerInput struct {
	Name, Email, Phone string
	// Needs are what would help them take part (access, hearing, food).
	Needs          string
	Ride           string
	FromPlaceSlug  string
	ConsentContact bool
	Lang           string
	// Waitlist accepts the wait-list when the cohort is full.
	Waitlist bool
}

func (in *LearnerInput) validate(f errs.Fields, prefix string) {
	in.Name = clean(in.Name)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Phone = strings.TrimSpace(in.Phone)
	in.Needs = strings.TrimSpace(in.Needs)
	in.FromPlaceSlug = strings.TrimSpace(in.FromPlaceSlug)
	if in.Lang != "en" {
		in.Lang = "fr"
	}
	if in.Ride == "" {
		in.Ride = events.RideNone
	}
	switch {
	case in.Name == "":
		f.Add(prefix+"name", "errors.required")
	case tooLong(in.Name, 120):
		f.Add(prefix+"name", "errors.too_long")
	}
	if in.Email == "" && in.Phone == "" {
		f.Add(prefix+"email", "errors.email_or_phone")
		f.Add(prefix+"phone", "errors.email_or_phone")
	}
	if in.Email != "" && (!territory.ValidEmail(in.Email) || tooLong(in.Email, 254)) {
		f.Add(prefix+"email", "errors.email")
	}
	if in.Phone != "" {
		if k := i18n.PhoneKey(in.Phone); len(k) != 10 || tooLong(in.Phone, 40) {
			f.Add(prefix+"phone", "errors.phone")
		}
	}
	if tooLong(in.Needs, 1000) {
		f.Add(prefix+"needs", "errors.too_long")
	}
	if in.Ride != events.RideNone && in.Ride != events.RideNeeds && in.Ride != events.RideOffers {
		f.Add(prefix+"ride", "errors.ride")
	}
}

const enrolmentCols = `e.id, e.territory_id, e.cohort_id, e.name, e.email, e.phone, e.needs, e.ride, COALESCE(p.name, ''),
	e.consent_contact, e.lang, e.organization_id, COALESCE(o.name, ''), e.status, e.project_done, e.decision, e.decision_reason,
	e.completed, COALESCE(e.certificate_code, ''), e.certificate_issued_at, e.created_at, e.withdrawn_at,
	CASE WHEN e.status = 'waitlisted' THEN (SELECT COUNT(*) FROM training_enrolments w WHERE w.cohort_id = e.cohort_id
		AND w.status = 'waitlisted' AND (w.queued_at < e.queued_at OR (w.queued_at = e.queued_at AND w.id <= e.id))) ELSE 0 END`

const enrolmentFrom = ` FROM training_enrolments e LEFT JOIN places p ON p.id = e.from_place_id
	LEFT JOIN organizations o ON o.id = e.organization_id `

func scanEnrolment(row interface{ Scan(...any) error }) (Enrolment, error) {
	var e Enrolment
	var org sql.NullInt64
	var completed sql.NullBool
	err := row.Scan(&e.ID, &e.TerritoryID, &e.CohortID, &e.Name, &e.Email, &e.Phone, &e.Needs, &e.Ride, &e.FromPlaceName,
		&e.ConsentContact, &e.Lang, &org, &e.OrganizationName, &e.Status, &e.ProjectDone, &e.Decision, &e.DecisionReason,
		&completed, &e.CertificateCode, db.ScanNullTime(&e.CertificateIssuedAt), db.ScanTime(&e.CreatedAt),
		db.ScanNullTime(&e.WithdrawnAt), &e.WaitlistPosition)
	if errors.Is(err, sql.ErrNoRows) {
		return e, errs.New(errs.NotFound, "errors.training_enrolment_not_found")
	}
	if org.Valid {
		e.OrganizationID = &org.Int64
	}
	if completed.Valid {
		e.Completed = &completed.Bool
	}
	return e, err
}

type querier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func queryEnrolments(ctx context.Context, q querier, where string, args ...any) ([]Enrolment, error) {
	rows, err := q.Query(ctx, `SELECT `+enrolmentCols+enrolmentFrom+`WHERE `+where+`
		ORDER BY CASE e.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, e.queued_at, e.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Enrolment
	for rows.Next() {
		e, err := scanEnrolment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func txEnrolments(ctx context.Context, tx *db.Tx, where string, args ...any) ([]Enrolment, error) {
	return queryEnrolments(ctx, tx, where, args...)
}

// Enrolments lists a cohort's learners: confirmed, then the wait-list in
// order, then those who withdrew.
func (s *Store) Enrolments(ctx context.Context, territoryID, cohortID int64) ([]Enrolment, error) {
	return queryEnrolments(ctx, s.db, `e.territory_id = ? AND e.cohort_id = ?`, territoryID, cohortID)
}

// Enrolment returns one enrolment.
func (s *Store) Enrolment(ctx context.Context, territoryID, id int64) (Enrolment, error) {
	return scanEnrolment(s.db.QueryRow(ctx, `SELECT `+enrolmentCols+enrolmentFrom+`WHERE e.territory_id = ? AND e.id = ?`, territoryID, id))
}

// OfOrganization lists the enrolments an organisation made (never a
// member's own enrolment), with their cohorts.
func (s *Store) OfOrganization(ctx context.Context, territoryID, orgID int64) ([]Enrolment, error) {
	return queryEnrolments(ctx, s.db, `e.territory_id = ? AND e.organization_id = ?`, territoryID, orgID)
}

// Outcome is the answer to an enrolment.
type Outcome struct {
	Enrolment Enrolment
	// Token opens « Mes formations »; empty when the person was already
	// enrolled (their link is then e-mailed again, never shown).
	Token string
	// Existing is true when the same e-mail or phone was already enrolled.
	Existing bool
}

// Enrol enrols a person in an open cohort for themselves: a seat, or the
// wait-list when the cohort is full and they accept it (else nothing is
// written and they are told it is full). The same e-mail or phone already
// enrolled writes nothing more: their link is e-mailed again.
func (s *Store) Enrol(ctx context.Context, territoryID, cohortID int64, in LearnerInput) (Outcome, error) {
	out, err := s.enrol(ctx, territoryID, cohortID, 0, 0, []LearnerInput{in}, false)
	if err != nil || len(out) == 0 {
		return Outcome{}, err
	}
	return out[0], nil
}

// EnrolByStaff enrols a person taken by phone, on paper or at a session:
// in a planned, open or running cohort, to the wait-list when it is full.
func (s *Store) EnrolByStaff(ctx context.Context, territoryID, cohortID, by int64, in LearnerInput) (Outcome, error) {
	in.Waitlist = true
	out, err := s.enrol(ctx, territoryID, cohortID, 0, by, []LearnerInput{in}, true)
	if err != nil || len(out) == 0 {
		return Outcome{}, err
	}
	return out[0], nil
}

// EnrolMembers enrols members of an organisation (a council its
// councillors), by one of its managers or staff: all of them or none. A
// member the organisation already enrolled, or seats too few for all
// (unless waitlist), writes nothing. A member already enrolled otherwise
// (on their own, by staff or by another organisation) gets the answer of a
// new member and keeps their enrolment as it is: the managers are never
// told that a person outside their organisation's list enrolled.
func (s *Store) EnrolMembers(ctx context.Context, territoryID, cohortID, orgID, by int64, members []LearnerInput, waitlist bool) ([]Outcome, error) {
	if len(members) == 0 {
		return nil, errs.New(errs.Invalid, "errors.training_no_members")
	}
	if len(members) > 50 {
		return nil, errs.New(errs.Invalid, "errors.training_too_many_members")
	}
	for i := range members {
		members[i].Waitlist = waitlist
	}
	return s.enrol(ctx, territoryID, cohortID, orgID, by, members, false)
}

func (s *Store) enrol(ctx context.Context, territoryID, cohortID, orgID, by int64, list []LearnerInput, staff bool) ([]Outcome, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	fromPlace := make([]any, len(list))
	seen := map[string]int{}
	for i := range list {
		prefix := ""
		if orgID != 0 {
			prefix = fmt.Sprintf("member%d_", i)
		}
		in := &list[i]
		in.validate(f, prefix)
		for _, k := range []string{"e:" + in.Email, "p:" + i18n.PhoneKey(in.Phone)} {
			if k == "e:" || k == "p:" {
				continue
			}
			if j, ok := seen[k]; ok && j != i {
				f.Add(prefix+"name", "errors.training_member_twice")
			}
			seen[k] = i
		}
		if in.FromPlaceSlug != "" {
			pl, err := s.territories.Place(ctx, territoryID, in.FromPlaceSlug)
			if errs.Is(err, errs.NotFound) {
				f.Add(prefix+"from_place", "errors.place_unknown")
			} else if err != nil {
				return nil, err
			} else {
				fromPlace[i] = pl.ID
			}
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if err := s.events.PrepareLinks(ctx); err != nil {
		return nil, err
	}
	if err := s.links.Load(ctx); err != nil {
		return nil, err
	}
	var out []Outcome
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		out = nil
		c, err := s.lockCohort(ctx, tx, territoryID, cohortID)
		if err != nil {
			return err
		}
		switch {
		case c.Status == Open:
		case staff && (c.Status == Planned || c.Status == Running):
		default:
			return errs.New(errs.Conflict, "errors.training_not_open."+string(c.Status))
		}
		free := -1
		if c.Capacity != nil {
			free = max(*c.Capacity-c.Confirmed, 0)
		}
		taken := 0
		for i, in := range list {
			existing, err := txEnrolments(ctx, tx, `e.cohort_id = ? AND e.status <> 'withdrawn'
				AND ((e.email <> '' AND e.email = ?) OR (e.phone_key <> '' AND e.phone_key = ?))`, cohortID, in.Email, i18n.PhoneKey(in.Phone))
			if err != nil {
				return err
			}
			if len(existing) > 0 {
				if orgID != 0 {
					if o := existing[0].OrganizationID; o != nil && *o == orgID {
						return errs.Fields{fmt.Sprintf("member%d_name", i): "errors.training_already_enrolled"}.Err()
					}
					// Enrolled on their own, by staff or by another
					// organisation: the managers learn nothing of it. The
					// answer is the one a new member gets (the same refusal
					// when the cohort is full) and their enrolment is left
					// as it is: not listed as the organisation's, no seat
					// taken, no message.
					status := Confirmed
					if free >= 0 && taken >= free {
						if !in.Waitlist {
							return errs.New(errs.Conflict, "errors.training_full")
						}
						status = Waitlisted
					}
					out = append(out, Outcome{Enrolment: Enrolment{TerritoryID: territoryID, CohortID: cohortID, Name: in.Name,
						Status: status}})
					continue
				}
				out = append(out, Outcome{Enrolment: existing[0], Existing: true})
				if existing[0].Email != "" {
					if err := s.notify(ctx, tx, t, c, existing[0], "again", mail.Limit{Key: fmt.Sprintf("training_enrolment:%d", existing[0].ID),
						Max: 1, Per: 24 * time.Hour}); err != nil {
						return err
					}
				}
				continue
			}
			status := Confirmed
			if free >= 0 && taken >= free {
				if !in.Waitlist {
					return errs.New(errs.Conflict, "errors.training_full")
				}
				status = Waitlisted
			}
			if status == Confirmed {
				taken++
			}
			b := make([]byte, 18)
			_, _ = rand.Read(b)
			nonce := hex.EncodeToString(b)
			tok, err := s.links.Token(nonce)
			if err != nil {
				return err
			}
			now := s.now()
			var org, byID any
			if orgID != 0 {
				org = orgID
			}
			if by != 0 {
				byID = by
			}
			id, err := tx.InsertID(ctx, `INSERT INTO training_enrolments (territory_id, cohort_id, name, email, phone, phone_key, needs,
				ride, from_place_id, consent_contact, lang, organization_id, enrolled_by, status, queued_at, nonce, token_hash,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				territoryID, cohortID, in.Name, in.Email, in.Phone, i18n.PhoneKey(in.Phone), in.Needs, in.Ride, fromPlace[i],
				in.ConsentContact, in.Lang, org, byID, status, now, nonce, auth.HashToken(tok), now, now)
			if err != nil {
				return err
			}
			e, err := scanEnrolment(tx.QueryRow(ctx, `SELECT `+enrolmentCols+enrolmentFrom+`WHERE e.id = ?`, id))
			if err != nil {
				return err
			}
			if status == Confirmed {
				if err := s.registerAll(ctx, tx, territoryID, c, e); err != nil {
					return err
				}
			}
			out = append(out, Outcome{Enrolment: e, Token: tok})
			if e.Email != "" {
				kind := "confirmed"
				if status == Waitlisted {
					kind = "waitlisted"
				}
				if err := s.notify(ctx, tx, t, c, e, kind, mail.Limit{}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

// lockCohort reads a cohort inside tx, holding its row (PostgreSQL) so
// that seats are counted by one transaction at a time.
func (s *Store) lockCohort(ctx context.Context, tx *db.Tx, territoryID, id int64) (Cohort, error) {
	if tx.Engine() == db.Postgres {
		if _, err := tx.Exec(ctx, `SELECT id FROM training_cohorts WHERE territory_id = ? AND id = ? FOR UPDATE`, territoryID, id); err != nil {
			return Cohort{}, err
		}
	}
	c, err := scanCohort(tx.QueryRow(ctx, `SELECT `+cohortCols+` FROM training_cohorts c WHERE c.territory_id = ? AND c.id = ?`, territoryID, id))
	if err != nil {
		return c, err
	}
	err = db.Each(ctx, tx, `SELECT event_id FROM training_sessions WHERE cohort_id = ?`, []any{id}, func(rows *sql.Rows) error {
		var e events.Event
		if err := rows.Scan(&e.ID); err != nil {
			return err
		}
		c.Sessions = append(c.Sessions, e)
		return nil
	})
	return c, err
}

// registerAll registers a confirmed learner to every session of the
// cohort still to come.
func (s *Store) registerAll(ctx context.Context, tx *db.Tx, territoryID int64, c Cohort, e Enrolment) error {
	now := s.now()
	for _, ev := range c.Sessions {
		var starts time.Time
		var cancelled sql.NullTime
		if err := tx.QueryRow(ctx, `SELECT starts_at, cancelled_at FROM events WHERE id = ?`, ev.ID).Scan(db.ScanTime(&starts), &cancelled); err != nil {
			return err
		}
		if cancelled.Valid || !now.Before(starts) {
			continue
		}
		if err := s.registerIn(ctx, tx, territoryID, e, ev.ID); err != nil {
			return err
		}
	}
	return nil
}

// registerIn registers a learner to one session (see events.RegisterIn).
func (s *Store) registerIn(ctx context.Context, tx *db.Tx, territoryID int64, e Enrolment, eventID int64) error {
	var from string
	if err := tx.QueryRow(ctx, `SELECT COALESCE(p.slug, '') FROM training_enrolments e LEFT JOIN places p ON p.id = e.from_place_id
		WHERE e.id = ?`, e.ID).Scan(&from); err != nil {
		return err
	}
	regID, err := s.events.RegisterIn(ctx, tx, territoryID, eventID, events.RegistrationInput{Name: e.Name, Email: e.Email,
		Phone: e.Phone, Accessibility: e.Needs, Ride: e.Ride, FromPlaceSlug: from, ConsentContact: e.ConsentContact,
		Lang: e.Lang}, events.SourceTraining)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO training_registrations (enrolment_id, event_id, registration_id) VALUES (?, ?, ?)
		ON CONFLICT (enrolment_id, event_id) DO UPDATE SET registration_id = excluded.registration_id`, e.ID, eventID, regID)
	return err
}

// ByToken opens an enrolment by its private link (the link shown on
// screen, or the one e-mailed: see MailedToken).
func (s *Store) ByToken(ctx context.Context, tok string) (Enrolment, error) {
	tok, _, _ = strings.Cut(tok, ".")
	if tok == "" || len(tok) > 100 {
		return Enrolment{}, errs.New(errs.NotFound, "errors.training_enrolment_not_found")
	}
	return scanEnrolment(s.db.QueryRow(ctx, `SELECT `+enrolmentCols+enrolmentFrom+`WHERE e.token_hash = ?`, auth.HashToken(tok)))
}

// mailedToken is the token of the link e-mailed to a learner: the link's
// token and, after a dot, a proof derived from the same nonce. Whoever
// holds it received the message at the enrolment's address; the token
// shown on screen after an enrolment proves nothing about the address
// typed. Call s.links.Load first.
func (s *Store) mailedToken(nonce string) (string, error) {
	tok, err := s.links.Token(nonce)
	if err != nil {
		return "", err
	}
	proof, err := s.links.Token("mailed:" + nonce)
	return tok + "." + proof, err
}

// Mine lists what a private link of « Mes formations » may see. The link
// shown on screen after an enrolment opens that enrolment only: its
// e-mail or phone was typed, never verified. Every enrolment of the
// territory under the same e-mail is listed only when the address is
// proven: the link is the one e-mailed to it, or verifiedEmail (the
// address of the signed-in account, "" for a visitor) is the same. A
// phone number proves nothing: enrolments are never grouped by phone.
func (s *Store) Mine(ctx context.Context, tok, verifiedEmail string) ([]Enrolment, error) {
	e, err := s.ByToken(ctx, tok)
	if err != nil {
		return nil, err
	}
	proven := e.Email != "" && strings.EqualFold(e.Email, strings.TrimSpace(verifiedEmail))
	if _, proof, ok := strings.Cut(tok, "."); ok {
		var nonce string
		if err := s.db.QueryRow(ctx, `SELECT nonce FROM training_enrolments WHERE id = ?`, e.ID).Scan(&nonce); err != nil {
			return nil, err
		}
		if err := s.links.Load(ctx); err != nil {
			return nil, err
		}
		want, err := s.links.Token("mailed:" + nonce)
		if err != nil {
			return nil, err
		}
		if subtle.ConstantTimeCompare([]byte(proof), []byte(want)) != 1 {
			return nil, errs.New(errs.NotFound, "errors.training_enrolment_not_found")
		}
		proven = proven || e.Email != ""
	}
	if !proven {
		return []Enrolment{e}, nil
	}
	return queryEnrolments(ctx, s.db, `e.territory_id = ? AND (e.id = ? OR (e.email <> '' AND e.email = ?))`, e.TerritoryID, e.ID, e.Email)
}

// WithdrawByToken withdraws the enrolment of a private link.
func (s *Store) WithdrawByToken(ctx context.Context, tok string) error {
	e, err := s.ByToken(ctx, tok)
	if err != nil {
		return err
	}
	return s.WithdrawEnrolment(ctx, e.TerritoryID, e.ID)
}

// WithdrawEnrolment takes a learner out of a cohort: their registrations to the
// sessions still to come are cancelled, and the seat goes to the
// wait-list, in order. Withdrawing twice changes nothing.
func (s *Store) WithdrawEnrolment(ctx context.Context, territoryID, id int64) error {
	e, err := s.Enrolment(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if e.Status == Withdrawn {
		return nil
	}
	if err := s.events.PrepareLinks(ctx); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.lockCohort(ctx, tx, territoryID, e.CohortID)
		if err != nil {
			return err
		}
		if c.Status == Completed {
			return errs.New(errs.Conflict, "errors.training_cohort_closed")
		}
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE training_enrolments SET status = 'withdrawn', withdrawn_at = ?, updated_at = ?
			WHERE id = ? AND status <> 'withdrawn'`, now, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		var regs []int64
		err = db.Each(ctx, tx, `SELECT r.registration_id FROM training_registrations r JOIN events ev ON ev.id = r.event_id
			WHERE r.enrolment_id = ? AND ev.starts_at > ?`, []any{id, now}, func(rows *sql.Rows) error {
			var rid int64
			err := rows.Scan(&rid)
			regs = append(regs, rid)
			return err
		})
		if err != nil {
			return err
		}
		for _, rid := range regs {
			if err := s.events.WithdrawIn(ctx, tx, territoryID, rid); err != nil {
				return err
			}
		}
		return s.promote(ctx, tx, territoryID, e.CohortID)
	})
}

// promote gives the free seats of a cohort to its wait-list, in order:
// each learner promoted is registered to the sessions to come and told.
func (s *Store) promote(ctx context.Context, tx *db.Tx, territoryID, cohortID int64) error {
	c, err := s.lockCohort(ctx, tx, territoryID, cohortID)
	if err != nil {
		return err
	}
	if c.Status == Completed || c.Status == Cancelled {
		return nil
	}
	waiting, err := txEnrolments(ctx, tx, `e.cohort_id = ? AND e.status = 'waitlisted'`, cohortID)
	if err != nil {
		return err
	}
	free := len(waiting)
	if c.Capacity != nil {
		free = min(free, max(*c.Capacity-c.Confirmed, 0))
	}
	if free == 0 {
		return nil
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return err
	}
	for _, e := range waiting[:free] {
		if _, err := tx.Exec(ctx, `UPDATE training_enrolments SET status = 'confirmed', updated_at = ? WHERE id = ?`, s.now(), e.ID); err != nil {
			return err
		}
		e.Status, e.WaitlistPosition = Confirmed, 0
		if err := s.registerAll(ctx, tx, territoryID, c, e); err != nil {
			return err
		}
		if e.Email != "" {
			if err := s.notify(ctx, tx, t, c, e, "promoted", mail.Limit{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// MineURL is the address of « Mes formations » for a private link.
func (s *Store) MineURL(tok string) string { return s.baseURL + "/formations/mes-formations/" + tok }

// notify queues one message to a learner inside tx: kind is confirmed,
// waitlisted, promoted or again (their link, asked for again).
func (s *Store) notify(ctx context.Context, tx *db.Tx, t territory.Territory, c Cohort, e Enrolment, kind string, lim mail.Limit) error {
	var nonce string
	if err := tx.QueryRow(ctx, `SELECT nonce FROM training_enrolments WHERE id = ?`, e.ID).Scan(&nonce); err != nil {
		return err
	}
	tok, err := s.mailedToken(nonce)
	if err != nil {
		return err
	}
	name, err := s.cohortName(ctx, tx, c)
	if err != nil {
		return err
	}
	T := func(k string, a ...any) string { return s.cat.T(e.Lang, k, a...) }
	body := T("mail.training."+kind+".body", e.Name, name)
	if kind == "waitlisted" {
		body = T("mail.training.waitlisted.body", e.Name, name, e.WaitlistPosition)
	}
	text := body + "\n\n" + T("mail.training.mine") + "\n" + s.MineURL(tok) + "\n\n-- \n" + t.MailFooter()
	_, err = s.mailer.QueueTx(ctx, tx, t.ID, mail.Message{To: e.Email, Subject: T("mail.training."+kind+".subject", name),
		Text: text, Secrets: []string{tok}, Limit: lim})
	return err
}

// cohortName is « program — cohort ».
func (s *Store) cohortName(ctx context.Context, tx *db.Tx, c Cohort) (string, error) {
	if c.Program.Name == "" {
		if err := tx.QueryRow(ctx, `SELECT name FROM training_programs WHERE id = ?`, c.ProgramID).Scan(&c.Program.Name); err != nil {
			return "", err
		}
	}
	return c.Program.Name + " — " + c.Name, nil
}

// OfEmail lists the enrolments of the territory under an e-mail address
// (a signed-in person's own), the latest first.
func (s *Store) OfEmail(ctx context.Context, territoryID int64, email string) ([]Enrolment, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return nil, nil
	}
	list, err := queryEnrolments(ctx, s.db, `e.territory_id = ? AND e.email = ?`, territoryID, email)
	slices.SortStableFunc(list, func(a, b Enrolment) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return list, err
}

// SendLink e-mails a learner the link of « Mes formations » again (at
// most once a day for the same enrolment).
func (s *Store) SendLink(ctx context.Context, territoryID, enrolmentID int64) error {
	e, err := s.Enrolment(ctx, territoryID, enrolmentID)
	if err != nil {
		return err
	}
	if e.Email == "" {
		return errs.New(errs.Conflict, "errors.training_no_email")
	}
	c, err := s.Cohort(ctx, territoryID, e.CohortID)
	if err != nil {
		return err
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return err
	}
	if err := s.links.Load(ctx); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		return s.notify(ctx, tx, t, c, e, "again", mail.Limit{Key: fmt.Sprintf("training_enrolment:%d", e.ID), Max: 1, Per: 24 * time.Hour})
	})
}
