package volunteering

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/territory"
)

// Application statuses.
const (
	// Unconfirmed: given without being signed in; counts once the person
	// confirms it from the link e-mailed to them.
	Unconfirmed = "unconfirmed"
	// New: waiting for the organisation's answer.
	New       = "new"
	Contacted = "contacted"
	Accepted  = "accepted"
	Declined  = "declined"
	Withdrawn = "withdrawn"
)

// ApplicationStatuses lists what an organisation may see, in story order.
var ApplicationStatuses = []string{New, Contacted, Accepted, Declined, Withdrawn}

// Application is a person's « je suis intéressé·e » for an opportunity.
type Application struct {
	ID            int64
	TerritoryID   int64
	Opportunity   OpportunityRef
	Person        PersonRef
	OnBehalfID    int64
	OnBehalfName  string
	Message       string
	Status        string
	Reply         string
	CreatedAt     time.Time
	ConfirmedAt   *time.Time
	RespondedAt   *time.Time
	UpdatedAt     time.Time
	ApplicantInfo *Profile // what the organisation sees of the profile (when there is one)
}

// OpportunityRef is enough of an opportunity to name it and link to it.
type OpportunityRef struct {
	ID           int64
	Slug         string
	Title        string
	Organization orgs.OrgRef
	StartsAt     *time.Time
	Status       string
}

// ApplyInput is what a person says when they apply.
type ApplyInput struct {
	Message string
	// OnBehalfID is the organisation a manager answers for (corporate
	// offers and requests: teams, not individuals).
	OnBehalfID int64
}

// ApplyOutcome says what became of an application.
type ApplyOutcome struct {
	// Existing is true when the person had applied already (nothing changed).
	Existing bool
	// ID and Status are the application's.
	ID     int64
	Status string
}

// Apply records a person's interest. Confirmed is true when the person is
// signed in: the organisation hears of it at once; otherwise it waits for
// ConfirmApplication. Applying twice changes nothing.
func (s *Store) Apply(ctx context.Context, territoryID, oppID, userID int64, in ApplyInput, confirmed bool) (Application, ApplyOutcome, error) {
	var out ApplyOutcome
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.ApplyTx(ctx, tx, territoryID, oppID, userID, in, confirmed)
		return err
	})
	if err != nil {
		return Application{}, ApplyOutcome{}, err
	}
	a, err := s.Application(ctx, territoryID, out.ID)
	return a, out, err
}

// ApplyTx is Apply inside tx, for a caller that writes something else with
// the application (the account of a person applying without one, the
// e-mail that confirms it): all of it is stored, or none.
func (s *Store) ApplyTx(ctx context.Context, tx *db.Tx, territoryID, oppID, userID int64, in ApplyInput, confirmed bool) (ApplyOutcome, error) {
	in.Message = strings.TrimSpace(in.Message)
	f := errs.Fields{}
	if tooLong(in.Message, 2000) {
		f.Add("message", "errors.too_long")
	}
	o, err := s.Opportunity(ctx, territoryID, oppID)
	if err != nil {
		return ApplyOutcome{}, err
	}
	if !o.Open(s.now()) {
		return ApplyOutcome{}, errs.New(errs.Conflict, "errors.volunteer_opportunity_closed")
	}
	if o.Kind.Corporate() {
		if in.OnBehalfID == 0 {
			f.Add("on_behalf", "errors.volunteer_on_behalf")
		} else {
			org, err := s.orgs.Get(ctx, territoryID, in.OnBehalfID)
			switch {
			case errs.Is(err, errs.NotFound):
				f.Add("on_behalf", "errors.volunteer_org_unknown")
			case err != nil:
				return ApplyOutcome{}, err
			case o.Kind == CorporateRequest && org.Kind != orgs.Business:
				f.Add("on_behalf", "errors.volunteer_on_behalf_business")
			case org.ID == o.Organization.ID:
				f.Add("on_behalf", "errors.volunteer_on_behalf_self")
			}
		}
	} else {
		in.OnBehalfID = 0
		p, err := s.Profile(ctx, territoryID, userID)
		if err != nil {
			return ApplyOutcome{}, err
		}
		if b, ok := Band(p.AgeBand); ok {
			if o.MinAge != nil && b.Max < *o.MinAge {
				f.Add("", "errors.volunteer_too_young")
			}
			if o.MaxAge != nil && b.Min > *o.MaxAge {
				f.Add("", "errors.volunteer_too_old")
			}
		}
	}
	if err := f.Err(); err != nil {
		return ApplyOutcome{}, err
	}
	status := Unconfirmed
	if confirmed {
		status = New
	}
	now := s.now()
	out := ApplyOutcome{Status: status}
	var old string
	err = tx.QueryRow(ctx, `SELECT id, status FROM volunteer_applications WHERE opportunity_id = ? AND user_id = ?`, oppID, userID).Scan(&out.ID, &old)
	switch {
	case err == nil && old == Withdrawn:
		if _, err := tx.Exec(ctx, `UPDATE volunteer_applications SET status = ?, message = ?, on_behalf_id = ?, reply = '',
			confirmed_at = ?, responded_at = NULL, updated_at = ? WHERE id = ?`,
			status, in.Message, nullID(in.OnBehalfID), confirmedAt(confirmed, now), now, out.ID); err != nil {
			return ApplyOutcome{}, err
		}
	case err == nil && old == Unconfirmed && confirmed:
		if _, err := tx.Exec(ctx, `UPDATE volunteer_applications SET status = ?, confirmed_at = ?, updated_at = ? WHERE id = ?`,
			New, now, now, out.ID); err != nil {
			return ApplyOutcome{}, err
		}
	case err == nil:
		out.Existing, out.Status = true, old
		return out, nil
	case !errors.Is(err, sql.ErrNoRows):
		return ApplyOutcome{}, err
	default:
		out.ID, err = tx.InsertID(ctx, `INSERT INTO volunteer_applications (territory_id, opportunity_id, user_id, on_behalf_id, message,
			status, created_at, confirmed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, oppID, userID, nullID(in.OnBehalfID), in.Message, status, now, confirmedAt(confirmed, now), now)
		if err != nil {
			return ApplyOutcome{}, err
		}
	}
	if confirmed {
		if err := s.notifyOrganization(ctx, tx, territoryID, o, userID); err != nil {
			return ApplyOutcome{}, err
		}
	}
	return out, nil
}

func confirmedAt(confirmed bool, now time.Time) any {
	if confirmed {
		return now
	}
	return nil
}

// notifyOrganization tells the opportunity's contact (or the
// organisation's) that someone is interested, inside tx.
func (s *Store) notifyOrganization(ctx context.Context, tx *db.Tx, territoryID int64, o Opportunity, userID int64) error {
	if s.quiet {
		return nil
	}
	to := o.ContactEmail
	if to == "" {
		org, err := s.orgs.Get(ctx, territoryID, o.Organization.ID)
		if err != nil {
			return err
		}
		to = org.ContactEmail
	}
	if to == "" {
		return nil // the organisation reads its list in the app
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return err
	}
	people, err := s.people(ctx, []int64{userID})
	if err != nil {
		return err
	}
	lang := "fr" // an organisation's contact: the territory's language
	link := s.baseURL + "/s-impliquer/gestion/offres/" + itoa(o.ID)
	text := s.cat.T(lang, "mail.volunteer.new_applicant.body", people[userID].DisplayName(), o.Title, link) + "\n\n-- \n" + t.MailFooter()
	_, err = s.mailer.QueueTx(ctx, tx, territoryID, mail.Message{To: to, Subject: s.cat.T(lang, "mail.volunteer.new_applicant.subject", o.Title), Text: text})
	return err
}

// ConfirmApplication counts an application given without being signed in,
// once its person confirmed it. Confirming twice is harmless.
func (s *Store) ConfirmApplication(ctx context.Context, territoryID, appID, userID int64) (Application, error) {
	a, err := s.Application(ctx, territoryID, appID)
	if err != nil {
		return a, err
	}
	if a.Person.ID != userID {
		return a, errs.New(errs.NotFound, "errors.volunteer_application_not_found")
	}
	if a.Status != Unconfirmed {
		return a, nil
	}
	o, err := s.Opportunity(ctx, territoryID, a.Opportunity.ID)
	if err != nil {
		return a, err
	}
	if !o.Open(s.now()) {
		return a, errs.New(errs.Conflict, "errors.volunteer_opportunity_closed")
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE volunteer_applications SET status = ?, confirmed_at = ?, updated_at = ? WHERE id = ? AND status = ?`,
			New, s.now(), s.now(), appID, Unconfirmed)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.notifyOrganization(ctx, tx, territoryID, o, userID)
	})
	if err != nil {
		return a, err
	}
	return s.Application(ctx, territoryID, appID)
}

// WithdrawApplication takes back a person’s application.
func (s *Store) WithdrawApplication(ctx context.Context, territoryID, appID, userID int64) error {
	res, err := s.db.Exec(ctx, `UPDATE volunteer_applications SET status = ?, updated_at = ? WHERE territory_id = ? AND id = ? AND user_id = ?`,
		Withdrawn, s.now(), territoryID, appID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.volunteer_application_not_found")
	}
	return nil
}

// Answer is what an organisation does with an application.
type Answer string

const (
	Accept        Answer = "accept"
	Decline       Answer = "decline"
	MarkContacted Answer = "contacted"
)

// Respond records an organisation's answer. Accepting and declining
// e-mail the person in their language; declining sends the kind message
// the organisation wrote (one is proposed).
func (s *Store) Respond(ctx context.Context, territoryID, appID int64, answer Answer, message string) (Application, error) {
	message = strings.TrimSpace(message)
	f := errs.Fields{}
	var status string
	switch answer {
	case Accept:
		status = Accepted
	case Decline:
		status = Declined
		if message == "" {
			f.Add("reply", "errors.volunteer_decline_message")
		}
	case MarkContacted:
		status = Contacted
	default:
		f.Add("answer", "errors.volunteer_answer")
	}
	if tooLong(message, 2000) {
		f.Add("reply", "errors.too_long")
	}
	if err := f.Err(); err != nil {
		return Application{}, err
	}
	a, err := s.Application(ctx, territoryID, appID)
	if err != nil {
		return a, err
	}
	if a.Status == Unconfirmed || a.Status == Withdrawn {
		return a, errs.New(errs.Conflict, "errors.volunteer_application_withdrawn")
	}
	if a.Status == status && answer != MarkContacted {
		return a, nil // the same answer twice: nothing new to say
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return a, err
	}
	o, err := s.Opportunity(ctx, territoryID, a.Opportunity.ID)
	if err != nil {
		return a, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE volunteer_applications SET status = ?, reply = ?, responded_at = COALESCE(responded_at, ?),
			updated_at = ? WHERE id = ?`, status, message, now, now, appID); err != nil {
			return err
		}
		if answer == MarkContacted {
			return nil
		}
		return s.notifyApplicant(ctx, tx, t, o, a.Person, answer, message)
	})
	if err != nil {
		return a, err
	}
	return s.Application(ctx, territoryID, appID)
}

func (s *Store) notifyApplicant(ctx context.Context, tx *db.Tx, t territory.Territory, o Opportunity, p PersonRef, answer Answer, message string) error {
	if s.quiet {
		return nil
	}
	lang := p.Lang
	T := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	contact := strings.Join(nonEmpty(o.ContactName, o.ContactPhone, o.ContactEmail), ", ")
	if contact == "" {
		contact = o.Organization.Name
	}
	var subject, text string
	link := s.baseURL + "/s-impliquer/mon-benevolat"
	if answer == Accept {
		subject = T("mail.volunteer.accepted.subject", o.Title)
		text = T("mail.volunteer.accepted.body", p.DisplayName(), o.Organization.Name, o.Title, contact, link)
		if message != "" {
			text += "\n\n" + T("mail.volunteer.their_words", o.Organization.Name) + "\n" + message
		}
	} else {
		subject = T("mail.volunteer.declined.subject", o.Title)
		text = T("mail.volunteer.declined.body", p.DisplayName(), o.Organization.Name, o.Title, message, s.baseURL+"/s-impliquer")
	}
	text += "\n\n-- \n" + t.MailFooter()
	_, err := s.mailer.QueueTx(ctx, tx, t.ID, mail.Message{To: p.Email, Subject: subject, Text: text})
	return err
}

func nonEmpty(v ...string) []string {
	var out []string
	for _, s := range v {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

const appCols = `a.id, a.territory_id, a.opportunity_id, o.slug, o.title, o.starts_at, o.status, o.schedule, g.id, g.slug, g.name, g.kind,
	a.user_id, COALESCE(a.on_behalf_id, 0), COALESCE(b.name, ''), a.message, a.status, a.reply, a.created_at, a.confirmed_at,
	a.responded_at, a.updated_at`

const appFrom = ` FROM volunteer_applications a JOIN volunteer_opportunities o ON o.id = a.opportunity_id
	JOIN organizations g ON g.id = o.organization_id LEFT JOIN organizations b ON b.id = a.on_behalf_id `

func scanApplication(row interface{ Scan(...any) error }) (Application, error) {
	var a Application
	var starts, confirmed, responded sql.NullTime
	var schedule, orgKind string
	err := row.Scan(&a.ID, &a.TerritoryID, &a.Opportunity.ID, &a.Opportunity.Slug, &a.Opportunity.Title, &starts,
		&a.Opportunity.Status, &schedule, &a.Opportunity.Organization.ID, &a.Opportunity.Organization.Slug,
		&a.Opportunity.Organization.Name, &orgKind, &a.Person.ID, &a.OnBehalfID, &a.OnBehalfName, &a.Message, &a.Status,
		&a.Reply, &a.CreatedAt, &confirmed, &responded, &a.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.New(errs.NotFound, "errors.volunteer_application_not_found")
	}
	if err != nil {
		return a, err
	}
	a.Opportunity.Organization.Kind = orgs.Kind(orgKind)
	if starts.Valid && Schedule(schedule) == OneOff {
		a.Opportunity.StartsAt = &starts.Time
	}
	if confirmed.Valid {
		a.ConfirmedAt = &confirmed.Time
	}
	if responded.Valid {
		a.RespondedAt = &responded.Time
	}
	return a, nil
}

func (s *Store) queryApplications(ctx context.Context, q string, args ...any) ([]Application, error) {
	var out []Application
	err := db.Each(ctx, s.db, q, args, func(rows *sql.Rows) error {
		a, err := scanApplication(rows)
		if err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, a := range out {
		ids[i] = a.Person.ID
	}
	people, err := s.people(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if p, ok := people[out[i].Person.ID]; ok {
			out[i].Person = p
		}
	}
	return out, nil
}

// Application returns one application of the territory, with its person.
func (s *Store) Application(ctx context.Context, territoryID, id int64) (Application, error) {
	list, err := s.queryApplications(ctx, `SELECT `+appCols+appFrom+`WHERE a.territory_id = ? AND a.id = ?`, territoryID, id)
	if err != nil {
		return Application{}, err
	}
	if len(list) == 0 {
		return Application{}, errs.New(errs.NotFound, "errors.volunteer_application_not_found")
	}
	return list[0], nil
}

// ApplicationsOf lists a person's applications, the newest first.
func (s *Store) ApplicationsOf(ctx context.Context, territoryID, userID int64) ([]Application, error) {
	return s.queryApplications(ctx, `SELECT `+appCols+appFrom+`WHERE a.territory_id = ? AND a.user_id = ? ORDER BY a.created_at DESC, a.id DESC`,
		territoryID, userID)
}

// ApplicationsFor lists the applications an organisation sees for an
// opportunity (confirmed ones), the oldest first, each with what the
// person's profile says that helps (place, skills, languages, getting
// around, age band).
func (s *Store) ApplicationsFor(ctx context.Context, territoryID, oppID int64) ([]Application, error) {
	list, err := s.queryApplications(ctx, `SELECT `+appCols+appFrom+`WHERE a.territory_id = ? AND a.opportunity_id = ? AND a.status <> ?
		ORDER BY a.created_at, a.id`, territoryID, oppID, Unconfirmed)
	if err != nil {
		return nil, err
	}
	for i := range list {
		p, err := s.Profile(ctx, territoryID, list[i].Person.ID)
		if err != nil {
			return nil, err
		}
		if p.Exists() {
			shown := Profile{PlaceName: p.PlaceName, Skills: p.Skills, Languages: p.Languages, Mobility: p.Mobility, AgeBand: p.AgeBand,
				Student: p.Student, ID: p.ID}
			list[i].ApplicantInfo = &shown
		}
	}
	return list, nil
}

// WaitingFor lists the applications waiting for an answer from the given
// organisations (nil: all of the territory), the oldest first.
func (s *Store) WaitingFor(ctx context.Context, territoryID int64, orgIDs []int64) ([]Application, error) {
	q := `SELECT ` + appCols + appFrom + `WHERE a.territory_id = ? AND a.status = ?`
	args := []any{territoryID, New}
	if orgIDs != nil {
		if len(orgIDs) == 0 {
			return nil, nil
		}
		q += ` AND o.organization_id IN (` + db.Marks(len(orgIDs)) + `)`
		for _, id := range orgIDs {
			args = append(args, id)
		}
	}
	return s.queryApplications(ctx, q+` ORDER BY a.confirmed_at, a.id`, args...)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ApplicationsMade counts the applications to the opportunities ids of the
// territory made in [from, to) and confirmed by the person, whatever
// became of them since.
func (s *Store) ApplicationsMade(ctx context.Context, territoryID int64, ids []int64, from, to time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	args := []any{territoryID, from.UTC(), to.UTC(), Unconfirmed}
	marks := make([]string, len(ids))
	for i, id := range ids {
		marks[i] = "?"
		args = append(args, id)
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM volunteer_applications WHERE territory_id = ? AND created_at >= ? AND created_at < ?
		AND status <> ? AND opportunity_id IN (`+strings.Join(marks, ", ")+`)`, args...).Scan(&n)
	return n, err
}
