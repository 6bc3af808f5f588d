package funding

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/riverqueue/river"

	"implique/internal/auth"
	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// The reminders: the territory's administrators are e-mailed 14 days and
// 3 days before the deadline of an application still « à préparer », and
// before the due date of a report not sent yet. Each reminder goes once to
// each administrator: it is written down in the transaction that queues
// its e-mail.

// Leads are how many days ahead the reminders go, the earliest first.
var Leads = []int{14, 3}

// The kinds of record a reminder is about.
const (
	kindApplication = "application"
	kindReport      = "report"
)

// RemindArgs is the periodic job that sends the reminders due.
type RemindArgs struct{}

// Kind names the job.
func (RemindArgs) Kind() string { return "funding_reminders" }

// RemindWorker sends the reminders due; running it twice sends nothing twice.
type RemindWorker struct {
	river.WorkerDefaults[RemindArgs]
	store func() *Store
}

// NewRemindWorker returns the reminders worker. The store is given as a
// function because it is built after the job runner it queues e-mails on.
func NewRemindWorker(store func() *Store) *RemindWorker { return &RemindWorker{store: store} }

// Work sends what is due.
func (w *RemindWorker) Work(ctx context.Context, _ *river.Job[RemindArgs]) error {
	_, err := w.store().SendReminders(ctx)
	return err
}

// lead is the reminder due for a day daysLeft days away: the 3-day one
// within three days, the 14-day one within fourteen; none otherwise (0).
func lead(daysLeft int) int {
	l := 0
	for _, x := range Leads {
		if daysLeft >= 0 && daysLeft <= x {
			l = x
		}
	}
	return l
}

// daysBetween counts the days from a to b.
func daysBetween(a, b calendar.Date) int { return int(b.Time().Sub(a.Time()).Hours() / 24) }

// due is one thing to remind the administrators of.
type due struct {
	kind     string
	id       int64
	appID    int64
	title    string // the report's title ("" for an application)
	funder   string
	program  string
	day      calendar.Date
	daysLeft int
	lead     int
}

// SendReminders sends the reminders due in every territory and returns
// how many e-mails it queued.
func (s *Store) SendReminders(ctx context.Context) (int, error) {
	var ids []int64
	err := db.Each(ctx, s.db, `SELECT DISTINCT territory_id FROM funding_applications ORDER BY territory_id`, nil, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, id := range ids {
		n, err := s.remindTerritory(ctx, id)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (s *Store) remindTerritory(ctx context.Context, territoryID int64) (int, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	today := calendar.DateOf(s.now().In(t.Location()))
	last := calendar.DateOf(today.Time().AddDate(0, 0, Leads[0]))
	var items []due
	add := func(d due) {
		d.daysLeft = daysBetween(today, d.day)
		if d.lead = lead(d.daysLeft); d.lead > 0 {
			items = append(items, d)
		}
	}
	err = db.Each(ctx, s.db, `SELECT id, funder, program, deadline FROM funding_applications
		WHERE territory_id = ? AND status = ? AND deadline >= ? AND deadline <= ? ORDER BY deadline, id`,
		[]any{territoryID, string(ToPrepare), today, last}, func(rows *sql.Rows) error {
			d := due{kind: kindApplication}
			err := rows.Scan(&d.id, &d.funder, &d.program, &d.day)
			d.appID = d.id
			add(d)
			return err
		})
	if err != nil {
		return 0, err
	}
	err = db.Each(ctx, s.db, `SELECT r.id, r.application_id, r.title, a.funder, a.program, r.due_on FROM funding_reports r
		JOIN funding_applications a ON a.id = r.application_id
		WHERE r.territory_id = ? AND r.submitted_on IS NULL AND r.due_on >= ? AND r.due_on <= ? ORDER BY r.due_on, r.id`,
		[]any{territoryID, today, last}, func(rows *sql.Rows) error {
			d := due{kind: kindReport}
			err := rows.Scan(&d.id, &d.appID, &d.title, &d.funder, &d.program, &d.day)
			add(d)
			return err
		})
	if err != nil || len(items) == 0 {
		return 0, err
	}
	admins, err := s.Administrators(ctx, territoryID)
	if err != nil || len(admins) == 0 {
		return 0, err
	}
	sent := 0
	for _, d := range items {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			for _, u := range admins {
				res, err := tx.Exec(ctx, `INSERT INTO funding_reminders (territory_id, kind, record_id, lead_days, user_id, sent_at)
					VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, record_id, lead_days, user_id) DO NOTHING`,
					territoryID, d.kind, d.id, d.lead, u.ID, s.now())
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 0 {
					continue // sent already
				}
				if _, err := s.mailer.QueueTx(ctx, tx, territoryID, s.reminder(t, u, d)); err != nil {
					return err
				}
				sent++
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// Administrators lists the territory's administrators whose account is
// active and has an address: the people the reminders go to.
func (s *Store) Administrators(ctx context.Context, territoryID int64) ([]*auth.User, error) {
	members, err := s.people.Members(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	var out []*auth.User
	for _, m := range members {
		for _, r := range m.Roles {
			if r == auth.RoleAdministrator && !m.Disabled() && m.Email != "" {
				out = append(out, m.User)
				break
			}
		}
	}
	return out, nil
}

// Name is how an application is named: its funder, and its program when
// there is one.
func Name(funder, program string) string {
	if program == "" {
		return funder
	}
	return funder + " — " + program
}

// reminder writes one reminder in the administrator's language.
func (s *Store) reminder(t territory.Territory, u *auth.User, d due) mail.Message {
	lang := u.Locale
	if lang != "en" {
		lang = "fr"
	}
	T := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	day := i18n.Date(lang, d.day.Time())
	when := T("mail.funding.in_days", d.daysLeft)
	switch d.daysLeft {
	case 0:
		when = T("mail.funding.today")
	case 1:
		when = T("mail.funding.tomorrow")
	}
	name := Name(d.funder, d.program)
	link := s.baseURL + "/admin/financement/" + strconv.FormatInt(d.appID, 10)
	var subject, body string
	if d.kind == kindReport {
		subject = T("mail.funding.report.subject", d.title, day)
		body = T("mail.funding.report.body", i18n.Quote(lang, d.title), i18n.Quote(lang, name), day, when)
	} else {
		subject = T("mail.funding.deadline.subject", name, day)
		body = T("mail.funding.deadline.body", i18n.Quote(lang, name), day, when)
	}
	var b strings.Builder
	b.WriteString(T("mail.funding.hello", u.DisplayName()))
	b.WriteString("\n\n")
	b.WriteString(body)
	b.WriteString("\n\n")
	b.WriteString(T("mail.funding.link", link))
	b.WriteString("\n\n")
	b.WriteString(T("mail.funding.why"))
	b.WriteString("\n\n-- \n" + t.MailFooter())
	return mail.Message{To: u.Email, Subject: subject, Text: b.String()}
}
