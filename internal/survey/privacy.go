package survey

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/privacy"
)

// The surveys as the privacy centre sees them. An anonymous response keeps
// nobody: neither the account nor the private link it came through. An
// identified response (given with the person's consent) keeps the account
// or the invitation; an invitation sent to an attendee keeps the
// registration it was sent for. Erasing a response makes it anonymous: the
// account and the link are unlinked and its free-text answers blanked, its
// counts stay in the results.

const (
	catResponses    = "survey.responses"
	catInvitations  = "survey.invitations"
	ruleResponses   = "survey.identified"
	ruleInvitations = "survey.invitations"
)

// Inventory says what the surveys keep about people.
func (s *Store) Inventory() []privacy.Category {
	return []privacy.Category{
		{Key: catResponses, Columns: []string{"survey_responses.user_id", "survey_responses.invitation_id", "survey_responses.consent_at",
			"survey_answers.text"}, Rule: ruleResponses},
		{Key: catInvitations, Columns: []string{"survey_invitations.registration_id", "survey_invitations.label"}, Rule: ruleInvitations},
	}
}

// Retention lists the surveys' rules: identified responses become
// anonymous two years after their wave closed; invitations not answered
// are destroyed, and answered ones unlinked from the registration, 90 days
// after their wave closed.
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{
		{Key: ruleResponses, Days: 730, Action: privacy.Anonymise},
		{Key: ruleInvitations, Days: 90, Action: privacy.Destroy},
	}
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// subjectInvitations are the invitations sent for the subject's
// registrations, which the events find (by address or phone): the
// invitation names the registration and nothing else.
func subjectInvitations(ctx context.Context, q db.Querier, sub privacy.Subject, fn func(*sql.Rows) error) error {
	regs, err := events.SubjectRegistrations(ctx, q, sub)
	if err != nil || len(regs) == 0 {
		return err
	}
	args := []any{sub.TerritoryID}
	for _, id := range regs {
		args = append(args, id)
	}
	return db.Each(ctx, q, `SELECT i.id, w.name, i.label, i.created_at, i.used, i.answered_at FROM survey_invitations i
		JOIN survey_waves w ON w.id = i.wave_id
		WHERE i.territory_id = ? AND i.registration_id IN (`+db.Marks(len(regs))+`) ORDER BY i.id`, args, fn)
}

// response is one of the subject's responses.
type response struct {
	id      int64
	wave    string
	channel string
	lang    string
	consent *time.Time
	created time.Time
	answers []privacy.Field
}

// subjectResponses are the responses kept with the subject's account or
// one of their invitations.
func subjectResponses(ctx context.Context, q db.Querier, sub privacy.Subject, invitations []int64) ([]response, error) {
	var where []string
	args := []any{sub.TerritoryID}
	if sub.UserID != 0 {
		where = append(where, "r.user_id = ?")
		args = append(args, sub.UserID)
	}
	if len(invitations) > 0 {
		where = append(where, "r.invitation_id IN ("+db.Marks(len(invitations))+")")
		for _, id := range invitations {
			args = append(args, id)
		}
	}
	if len(where) == 0 {
		return nil, nil
	}
	var out []response
	err := db.Each(ctx, q, `SELECT r.id, w.name, r.channel, r.lang, r.consent_at, r.created_at FROM survey_responses r
		JOIN survey_waves w ON w.id = r.wave_id WHERE r.territory_id = ? AND (`+strings.Join(where, " OR ")+`) ORDER BY r.id`, args,
		func(rows *sql.Rows) error {
			var x response
			if err := rows.Scan(&x.id, &x.wave, &x.channel, &x.lang, db.ScanNullTime(&x.consent), db.ScanTime(&x.created)); err != nil {
				return err
			}
			out = append(out, x)
			return nil
		})
	if err != nil {
		return nil, err
	}
	for i := range out {
		err := db.Each(ctx, q, `SELECT question, choice, number, text, declined FROM survey_answers WHERE response_id = ? ORDER BY id`,
			[]any{out[i].id}, func(rows *sql.Rows) error {
				var question, choice, text string
				var num sql.NullFloat64
				var declined bool
				if err := rows.Scan(&question, &choice, &num, &text, &declined); err != nil {
					return err
				}
				var v []string
				if choice != "" {
					v = append(v, choice)
				}
				if num.Valid {
					v = append(v, strconv.FormatFloat(num.Float64, 'f', -1, 64))
				}
				if text != "" {
					v = append(v, text)
				}
				if declined {
					v = append(v, "préfère ne pas répondre")
				}
				out[i].answers = append(out[i].answers, privacy.Field{Name: "survey.answer", Value: question + "\u00a0: " + strings.Join(v, ", ")})
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// find lists the subject's invitations and responses.
func (s *Store) find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, []response, error) {
	var out []privacy.Record
	var invs []int64
	err := subjectInvitations(ctx, q, sub, func(rows *sql.Rows) error {
		var id int64
		var wave, label string
		var created time.Time
		var answered *time.Time
		var used bool
		if err := rows.Scan(&id, &wave, &label, db.ScanTime(&created), &used, db.ScanNullTime(&answered)); err != nil {
			return err
		}
		invs = append(invs, id)
		fields := []privacy.Field{{Name: "survey.wave", Value: wave}, {Name: "created_at", Value: rfc(created)}}
		if label != "" {
			fields = append(fields, privacy.Field{Name: "survey.label", Value: label})
		}
		if answered != nil {
			fields = append(fields, privacy.Field{Name: "survey.answered_at", Value: rfc(*answered)})
		} else if used {
			// An anonymous questionnaire's link: used, and nothing says when.
			fields = append(fields, privacy.Field{Name: "survey.used", Value: "oui"})
		}
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "survey_invitations", ID: id}, Category: catInvitations,
			Label: "Invitation au sondage\u00a0: " + wave, When: created, Fields: fields})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	resps, err := subjectResponses(ctx, q, sub, invs)
	if err != nil {
		return nil, nil, err
	}
	for _, x := range resps {
		fields := []privacy.Field{{Name: "survey.wave", Value: x.wave}, {Name: "created_at", Value: rfc(x.created)},
			{Name: "survey.channel", Value: x.channel}, {Name: "lang", Value: x.lang}}
		if x.consent != nil {
			fields = append(fields, privacy.Field{Name: "survey.consent_at", Value: rfc(*x.consent)})
		}
		fields = append(fields, x.answers...)
		out = append(out, privacy.Record{Ref: privacy.Ref{Table: "survey_responses", ID: x.id}, Category: catResponses,
			Label: "Réponse au sondage\u00a0: " + x.wave, When: x.created, Fields: fields})
	}
	return out, resps, nil
}

// Find lists the subject's invitations and identified responses, with
// their answers.
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	out, _, err := s.find(ctx, q, sub)
	return out, err
}

// anonymiseResponse unlinks a response from its person and blanks its
// free-text answers; it reports whether the response exists.
func anonymiseResponse(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE survey_responses SET user_id = NULL, invitation_id = NULL, consent_at = NULL WHERE id = ?`, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	if _, err := tx.Exec(ctx, `UPDATE survey_answers SET text = '', moderation = '' WHERE response_id = ? AND (text <> '' OR moderation <> '')`,
		id); err != nil {
		return false, err
	}
	return n > 0, nil
}

// Erase makes the responses refs names anonymous (their counts stay in the
// results), destroys the invitations not answered and unlinks the answered
// ones from their registration (kept for the count of answers per event).
func (s *Store) Erase(ctx context.Context, tx *db.Tx, _ privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	var responses, invitations int
	for _, ref := range refs {
		if ref.Table != "survey_responses" {
			continue
		}
		ok, err := anonymiseResponse(ctx, tx, ref.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			responses++
		}
	}
	for _, ref := range refs {
		if ref.Table != "survey_invitations" {
			continue
		}
		if _, err := tx.Exec(ctx, `UPDATE survey_responses SET invitation_id = NULL WHERE invitation_id = ?`, ref.ID); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM survey_invitations WHERE id = ? AND NOT used`, ref.ID); err != nil {
			return nil, err
		}
		res, err := tx.Exec(ctx, `UPDATE survey_invitations SET registration_id = NULL, label = '' WHERE id = ?`, ref.ID)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			invitations++
		}
	}
	var kept []privacy.Kept
	if responses > 0 {
		kept = append(kept, privacy.Kept{Category: catResponses, Reason: "privacy.kept.survey.responses", Count: responses})
	}
	if invitations > 0 {
		kept = append(kept, privacy.Kept{Category: catInvitations, Reason: "privacy.kept.survey.invitations", Count: invitations})
	}
	return kept, nil
}

// closedWaves selects the waves of a territory closed before cutoff: closed
// by staff, or past their last day.
const closedWaves = `SELECT id FROM survey_waves WHERE territory_id = ? AND ((closed_at IS NOT NULL AND closed_at < ?)
	OR (closes_on IS NOT NULL AND closes_on <> '' AND closes_on < ?))`

// Expire applies one of the surveys' rules to the waves closed before
// cutoff.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	cutoff = db.Time(cutoff)
	args := []any{territoryID, cutoff, cutoff.Format("2006-01-02")}
	total := 0
	exec := func(q string) error {
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		total += int(n)
		return nil
	}
	switch rule {
	case ruleResponses:
		if _, err := tx.Exec(ctx, `UPDATE survey_answers SET text = '', moderation = '' WHERE (text <> '' OR moderation <> '')
			AND response_id IN (SELECT id FROM survey_responses WHERE (user_id IS NOT NULL OR invitation_id IS NOT NULL)
			AND wave_id IN (`+closedWaves+`))`, args...); err != nil {
			return 0, err
		}
		// The link's time would find the response again: it goes with the link.
		if _, err := tx.Exec(ctx, `UPDATE survey_invitations SET answered_at = NULL WHERE answered_at IS NOT NULL AND id IN (
			SELECT invitation_id FROM survey_responses WHERE invitation_id IS NOT NULL AND wave_id IN (`+closedWaves+`))`, args...); err != nil {
			return 0, err
		}
		err := exec(`UPDATE survey_responses SET user_id = NULL, invitation_id = NULL, consent_at = NULL
			WHERE (user_id IS NOT NULL OR invitation_id IS NOT NULL) AND wave_id IN (` + closedWaves + `)`)
		return total, err
	case ruleInvitations:
		if err := exec(`DELETE FROM survey_invitations WHERE NOT used AND wave_id IN (` + closedWaves + `)
			AND id NOT IN (SELECT invitation_id FROM survey_responses WHERE invitation_id IS NOT NULL)`); err != nil {
			return total, err
		}
		err := exec(`UPDATE survey_invitations SET registration_id = NULL WHERE registration_id IS NOT NULL
			AND wave_id IN (` + closedWaves + `)`)
		return total, err
	}
	return 0, nil
}

// Consents lists the consents the subject gave to answer an identified
// questionnaire.
func (s *Store) Consents(ctx context.Context, sub privacy.Subject) ([]privacy.Consent, error) {
	_, resps, err := s.find(ctx, s.db, sub)
	if err != nil {
		return nil, err
	}
	var out []privacy.Consent
	for _, x := range resps {
		if x.consent == nil {
			continue
		}
		out = append(out, privacy.Consent{Ref: privacy.Ref{Table: "survey_responses", ID: x.id}, Purpose: privacy.Survey,
			Label: x.wave, Given: *x.consent, How: consentHow[x.channel]})
	}
	return out, nil
}

// consentHow says, in words, how a consent was given.
var consentHow = map[string]string{ChannelWeb: "formulaire web", ChannelLink: "lien privé reçu par courriel", ChannelPaper: "papier"}

// Withdraw withdraws the consent of one of the subject's identified
// responses: the response becomes anonymous, as if erased.
func (s *Store) Withdraw(ctx context.Context, sub privacy.Subject, ref privacy.Ref) error {
	if ref.Table != "survey_responses" {
		return errs.New(errs.NotFound, "errors.survey_answer_not_found")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		_, resps, err := s.find(ctx, tx, sub)
		if err != nil {
			return err
		}
		for _, x := range resps {
			if x.id == ref.ID {
				_, err := anonymiseResponse(ctx, tx, ref.ID)
				return err
			}
		}
		// Withdrawn already: the response is anonymous, nobody's.
		var anonymous bool
		err = tx.QueryRow(ctx, `SELECT user_id IS NULL AND invitation_id IS NULL AND consent_at IS NULL FROM survey_responses
			WHERE territory_id = ? AND id = ?`, sub.TerritoryID, ref.ID).Scan(&anonymous)
		if err == nil && anonymous {
			return nil
		}
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		return errs.New(errs.NotFound, "errors.survey_answer_not_found")
	})
}
