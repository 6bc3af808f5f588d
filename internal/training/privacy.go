package training

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/privacy"
)

// The trainings' category of personal information and its rules.
const (
	PrivacyEnrolments = "training.enrolments"
	// RuleContacts blanks a learner's contact details and needs a year
	// after their cohort ended; their name and certificate code stay, so
	// that the certificate can still be checked.
	RuleContacts = "training.contacts"
	// RuleNames blanks the name and the certificate code five years after
	// the cohort ended: only anonymous completion counts stay.
	RuleNames = "training.names"
	// RuleWithdrawn destroys the enrolments withdrawn.
	RuleWithdrawn = "training.withdrawn"
)

// Inventory says what the trainings keep about learners.
func (s *Store) Inventory() []privacy.Category {
	var cols []string
	for _, c := range []string{"name", "email", "phone", "phone_key", "needs", "ride", "from_place_id", "consent_contact", "lang",
		"organization_id", "nonce", "token_hash", "project_done", "decision", "decision_reason", "completed", "certificate_code",
		"certificate_issued_at", "withdrawn_at"} {
		cols = append(cols, "training_enrolments."+c)
	}
	return []privacy.Category{{Key: PrivacyEnrolments, Rule: RuleContacts, Columns: cols}}
}

// Retention lists the trainings' rules: contact details and needs a year
// after the cohort ended (or was cancelled); names and certificate codes
// five years after (a certificate is checked by an employer or a school in
// that time); withdrawn enrolments 90 days after the withdrawal.
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{
		{Key: RuleContacts, Days: 365, Action: privacy.Anonymise},
		{Key: RuleNames, Days: 1825, Action: privacy.Anonymise},
		{Key: RuleWithdrawn, Days: 90, Action: privacy.Destroy},
	}
}

// subjectWhere matches the enrolments of s (e is the table's alias).
func subjectWhere(sub privacy.Subject) (string, []any) {
	if where, args := sub.Where("", "e.email", "e.phone_key"); where != "" {
		return where, args
	}
	return "1 = 0", nil
}

// Find lists the enrolments of s (learners enrol by e-mail or phone,
// without an account).
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	cond, args := subjectWhere(sub)
	var out []privacy.Record
	err := db.Each(ctx, q, `SELECT e.id, p.name, c.name, e.name, e.email, e.phone, e.needs, e.ride, COALESCE(pl.name, ''), e.consent_contact,
		e.lang, COALESCE(o.name, ''), e.status, e.completed, COALESCE(e.certificate_code, ''), e.created_at
		FROM training_enrolments e JOIN training_cohorts c ON c.id = e.cohort_id JOIN training_programs p ON p.id = c.program_id
		LEFT JOIN places pl ON pl.id = e.from_place_id LEFT JOIN organizations o ON o.id = e.organization_id
		WHERE e.territory_id = ? AND `+cond+` ORDER BY e.id`, append([]any{sub.TerritoryID}, args...), func(r *sql.Rows) error {
		var id int64
		var program, cohort, name, email, phone, needs, ride, from, lang, org, status, code string
		var consent bool
		var completed sql.NullBool
		var at time.Time
		if err := r.Scan(&id, &program, &cohort, &name, &email, &phone, &needs, &ride, &from, &consent, &lang, &org, &status,
			&completed, &code, db.ScanTime(&at)); err != nil {
			return err
		}
		done := ""
		if completed.Valid {
			done = yesNo(completed.Bool)
		}
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "training_enrolments", ID: id}, Category: PrivacyEnrolments,
			Label: "Inscription à la formation\u00a0: " + program + " — " + cohort, When: at, Fields: fields(
				"name", name, "email", email, "phone", phone, "training.needs", needs, "ride", ride, "training.from_place", from,
				"training.consent_contact", yesNo(consent), "lang", lang, "training.organization", org, "status", status,
				"training.completed", done, "training.certificate_code", code, "created_at", at.Format(time.RFC3339))})
		return nil
	})
	return out, err
}

// anonymous blanks everything that identifies a learner in an enrolment
// kept for the completion counts.
const anonymous = `name = '', email = '', phone = '', phone_key = '', needs = '', ride = 'none', from_place_id = NULL,
	consent_contact = ?, nonce = '', token_hash = 'erased:' || CAST(id AS TEXT), decision_reason = '', certificate_code = NULL`

// Erase destroys the enrolments of cohorts not completed, and anonymises
// those of completed cohorts (the completion counts keep them). The links
// to the sessions' registrations go (the registrations are the events').
func (s *Store) Erase(ctx context.Context, tx *db.Tx, sub privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	kept := 0
	for _, r := range refs {
		if r.Table != "training_enrolments" {
			continue
		}
		var completed bool
		err := tx.QueryRow(ctx, `SELECT c.status = 'completed' FROM training_enrolments e JOIN training_cohorts c ON c.id = e.cohort_id
			WHERE e.territory_id = ? AND e.id = ?`, sub.TerritoryID, r.ID).Scan(&completed)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM training_registrations WHERE enrolment_id = ?`, r.ID); err != nil {
			return nil, err
		}
		if completed {
			if _, err := tx.Exec(ctx, `UPDATE training_enrolments SET `+anonymous+`, updated_at = ? WHERE territory_id = ? AND id = ?`,
				false, s.now(), sub.TerritoryID, r.ID); err != nil {
				return nil, err
			}
			kept++
			continue
		}
		if _, err := tx.Exec(ctx, `DELETE FROM training_enrolments WHERE territory_id = ? AND id = ?`, sub.TerritoryID, r.ID); err != nil {
			return nil, err
		}
	}
	if kept == 0 {
		return nil, nil
	}
	return []privacy.Kept{{Category: PrivacyEnrolments, Reason: "privacy.kept.training.enrolments", Count: kept}}, nil
}

// ended selects the enrolments of cohorts that ended (completed on a day,
// or cancelled) before the cutoff.
const ended = ` cohort_id IN (SELECT id FROM training_cohorts WHERE territory_id = ? AND
	((status = 'completed' AND completed_on < ?) OR (status = 'cancelled' AND updated_at < ?)))`

// Expire applies one of the trainings' rules.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	day := cutoff.In(t.Location()).Format(time.DateOnly)
	var res sql.Result
	switch rule {
	case RuleContacts:
		res, err = tx.Exec(ctx, `UPDATE training_enrolments SET email = '', phone = '', phone_key = '', needs = '', ride = 'none',
			from_place_id = NULL, consent_contact = ?, updated_at = ?
			WHERE territory_id = ? AND (email <> '' OR phone <> '' OR needs <> '' OR ride <> 'none' OR from_place_id IS NOT NULL
			OR consent_contact = ?) AND`+ended, false, s.now(), territoryID, true, territoryID, day, db.Time(cutoff))
	case RuleNames:
		res, err = tx.Exec(ctx, `UPDATE training_enrolments SET `+anonymous+`, updated_at = ?
			WHERE territory_id = ? AND (name <> '' OR email <> '' OR phone <> '' OR certificate_code IS NOT NULL) AND`+ended,
			false, s.now(), territoryID, territoryID, day, db.Time(cutoff))
	case RuleWithdrawn:
		sel := ` FROM training_enrolments WHERE territory_id = ? AND status = ? AND withdrawn_at < ?`
		a := []any{territoryID, Withdrawn, db.Time(cutoff)}
		if _, err = tx.Exec(ctx, `DELETE FROM training_registrations WHERE enrolment_id IN (SELECT id`+sel+`)`, a...); err != nil {
			return 0, err
		}
		res, err = tx.Exec(ctx, `DELETE`+sel, a...)
	default:
		return 0, fmt.Errorf("training: no retention rule %q", rule)
	}
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Consents lists the learners' consents to be contacted.
func (s *Store) Consents(ctx context.Context, sub privacy.Subject) ([]privacy.Consent, error) {
	cond, args := subjectWhere(sub)
	var out []privacy.Consent
	err := db.Each(ctx, s.db, `SELECT e.id, p.name, c.name, COALESCE(e.organization_id, 0), COALESCE(e.enrolled_by, 0), e.created_at
		FROM training_enrolments e JOIN training_cohorts c ON c.id = e.cohort_id JOIN training_programs p ON p.id = c.program_id
		WHERE e.territory_id = ? AND e.consent_contact = ? AND `+cond+` ORDER BY e.id`, append([]any{sub.TerritoryID, true}, args...),
		func(r *sql.Rows) error {
			var id, org, by int64
			var program, cohort string
			var at time.Time
			if err := r.Scan(&id, &program, &cohort, &org, &by, db.ScanTime(&at)); err != nil {
				return err
			}
			how, key := "formulaire web", "training.public.consent"
			switch {
			case org != 0:
				how, key = "inscription par un organisme", "training.org.consent"
			case by != 0:
				how, key = "inscription par l’équipe", "training.staff.enrol.consent"
			}
			out = append(out, privacy.Consent{Ref: privacy.Ref{Table: "training_enrolments", ID: id}, Purpose: privacy.Contact,
				Label: program + " — " + cohort, Given: at, How: how, Wording: s.cat.T("fr", key)})
			return nil
		})
	return out, err
}

// Withdraw withdraws a learner's consent to be contacted.
func (s *Store) Withdraw(ctx context.Context, sub privacy.Subject, ref privacy.Ref) error {
	notFound := errs.New(errs.NotFound, "errors.training_consent_not_found")
	if ref.Table != "training_enrolments" {
		return notFound
	}
	cond, args := subjectWhere(sub)
	res, err := s.db.Exec(ctx, `UPDATE training_enrolments SET consent_contact = ?, updated_at = ?
		WHERE territory_id = ? AND id = ? AND id IN (SELECT e.id FROM training_enrolments e WHERE e.territory_id = ? AND `+cond+`)`,
		append([]any{false, s.now(), sub.TerritoryID, ref.ID, sub.TerritoryID}, args...)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound
	}
	return nil
}

// Correct rewrites the learner's name and phone in their enrolments.
func (s *Store) Correct(ctx context.Context, tx *db.Tx, sub privacy.Subject, c privacy.Correction) (int, error) {
	name, phone := strings.Join(strings.Fields(c.Name), " "), strings.TrimSpace(c.Phone)
	if name == "" && phone == "" {
		return 0, nil
	}
	cond, args := subjectWhere(sub)
	res, err := tx.Exec(ctx, `UPDATE training_enrolments SET name = CASE WHEN ? = '' THEN name ELSE ? END,
		phone = CASE WHEN ? = '' THEN phone ELSE ? END, phone_key = CASE WHEN ? = '' THEN phone_key ELSE ? END, updated_at = ?
		WHERE territory_id = ? AND id IN (SELECT e.id FROM training_enrolments e WHERE e.territory_id = ? AND `+cond+`)`,
		append([]any{name, name, phone, phone, phone, i18n.PhoneKey(phone), s.now(), sub.TerritoryID, sub.TerritoryID}, args...)...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
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
