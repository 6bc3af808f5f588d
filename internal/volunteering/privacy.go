package volunteering

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

// The volunteering's categories of personal information and its rules.
const (
	PrivacyProfiles     = "volunteering.profiles"
	PrivacyApplications = "volunteering.applications"
	PrivacyHours        = "volunteering.hours"
	PrivacyCertificates = "volunteering.certificates"
	PrivacyDigest       = "volunteering.digest"
	PrivacyContacts     = "volunteering.contacts"
	// RuleUnconfirmed destroys the applications never confirmed.
	RuleUnconfirmed = "volunteering.unconfirmed"
	// RuleClosed destroys the applications declined or withdrawn.
	RuleClosed = "volunteering.closed"
	// RuleDigestSent destroys the record of the digests sent.
	RuleDigestSent = "volunteering.digest_sent"
)

// Inventory says what the volunteering keeps about people.
func (s *Store) Inventory() []privacy.Category {
	cols := func(table string, names ...string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = table + "." + n
		}
		return out
	}
	return []privacy.Category{
		{Key: PrivacyProfiles, Columns: cols("volunteer_profiles", "user_id", "place_id", "causes", "skills", "languages", "availability",
			"max_km", "mobility", "age_band", "parent_consent_at", "student", "school", "employer_id", "digest", "digest_consent_at",
			"digest_consent_how", "digest_stopped_at")},
		{Key: PrivacyApplications, Rule: RuleClosed, Columns: cols("volunteer_applications", "user_id", "on_behalf_id", "message",
			"status", "reply")},
		{Key: PrivacyHours, Columns: cols("volunteer_hours", "user_id", "employer_id", "activity", "review_note")},
		{Key: PrivacyCertificates, Columns: cols("volunteer_certificates", "user_id", "holder_name", "code")},
		{Key: PrivacyDigest, Rule: RuleDigestSent, Columns: cols("volunteer_digest_sent", "user_id")},
		{Key: PrivacyContacts, Columns: cols("volunteer_opportunities", "contact_name", "contact_email", "contact_phone")},
	}
}

// Retention lists the volunteering's rules: an application never
// confirmed is destroyed after 30 days; one declined or withdrawn, a year
// after its last change (the organisation may still be asked about it);
// the record of which weekly digests went to whom, after a year.
func (s *Store) Retention() []privacy.Rule {
	return []privacy.Rule{
		{Key: RuleUnconfirmed, Days: 30, Action: privacy.Destroy},
		{Key: RuleClosed, Days: 365, Action: privacy.Destroy},
		{Key: RuleDigestSent, Days: 365, Action: privacy.Destroy},
	}
}

// Find lists what the volunteering keeps about s.
func (s *Store) Find(ctx context.Context, q db.Querier, sub privacy.Subject) ([]privacy.Record, error) {
	var out []privacy.Record
	if sub.UserID != 0 {
		if err := s.findOwn(ctx, q, sub, &out); err != nil {
			return nil, err
		}
	}
	if len(sub.Emails) == 0 && len(sub.Phones) == 0 {
		return out, nil
	}
	m := newMatch(sub)
	err := db.Each(ctx, q, `SELECT o.id, o.title, g.name, o.contact_name, o.contact_email, o.contact_phone, o.created_at
		FROM volunteer_opportunities o JOIN organizations g ON g.id = o.organization_id
		WHERE o.territory_id = ? AND `+m.where("o.contact_email", "o.contact_phone")+` ORDER BY o.id`,
		append([]any{sub.TerritoryID}, m.args...), func(r *sql.Rows) error {
			var id int64
			var title, org, name, email, phone string
			var at time.Time
			if err := r.Scan(&id, &title, &org, &name, &email, &phone, db.ScanTime(&at)); err != nil {
				return err
			}
			if !m.is(email, phone) {
				return nil
			}
			out = append(out, privacy.Record{Ref: privacy.Ref{Table: "volunteer_opportunities", ID: id}, Category: PrivacyContacts,
				Label: "Personne à joindre\u00a0: " + title + " — " + org, When: at, Fields: fields("name", name, "email", email, "phone", phone)})
			return nil
		})
	return out, err
}

// findOwn reads the rows linked to the subject's account.
func (s *Store) findOwn(ctx context.Context, q db.Querier, sub privacy.Subject, out *[]privacy.Record) error {
	tid, uid := sub.TerritoryID, sub.UserID
	err := db.Each(ctx, q, `SELECT `+profileCols+profileFrom+`WHERE v.territory_id = ? AND v.user_id = ?`, []any{tid, uid},
		func(r *sql.Rows) error {
			p, err := scanProfile(r)
			if err != nil {
				return err
			}
			km := ""
			if p.MaxKm != nil {
				km = strconv.Itoa(*p.MaxKm)
			}
			*out = append(*out, privacy.Record{Ref: privacy.Ref{Table: "volunteer_profiles", ID: p.ID}, Category: PrivacyProfiles,
				Label: "Profil de bénévole", When: p.CreatedAt, Fields: fields(
					"volunteering.place", p.PlaceName,
					"volunteering.causes", strings.Join(p.Causes.Codes(Causes), ", "),
					"volunteering.skills", strings.Join(p.Skills.Codes(Skills), ", "),
					"volunteering.languages", strings.Join(p.Languages.Codes(Languages), ", "),
					"volunteering.availability", strconv.Itoa(p.Availability.SlotCount()),
					"volunteering.max_km", km,
					"volunteering.mobility", string(p.Mobility),
					"volunteering.age_band", p.AgeBand,
					"volunteering.parent_consent_at", stamp(p.ParentConsentAt),
					"volunteering.student", yesNo(p.Student),
					"volunteering.school", p.School,
					"volunteering.employer", p.EmployerName,
					"volunteering.digest", yesNo(p.Digest))})
			return nil
		})
	if err != nil {
		return err
	}
	err = db.Each(ctx, q, `SELECT a.id, o.title, g.name, COALESCE(b.name, ''), a.message, a.status, a.reply, a.created_at
		FROM volunteer_applications a JOIN volunteer_opportunities o ON o.id = a.opportunity_id JOIN organizations g ON g.id = o.organization_id
		LEFT JOIN organizations b ON b.id = a.on_behalf_id
		WHERE a.territory_id = ? AND a.user_id = ? ORDER BY a.id`, []any{tid, uid}, func(r *sql.Rows) error {
		var id int64
		var title, org, behalf, message, status, reply string
		var at time.Time
		if err := r.Scan(&id, &title, &org, &behalf, &message, &status, &reply, db.ScanTime(&at)); err != nil {
			return err
		}
		*out = append(*out, privacy.Record{Ref: privacy.Ref{Table: "volunteer_applications", ID: id}, Category: PrivacyApplications,
			Label: "Candidature\u00a0: " + title + " — " + org, When: at, Fields: fields("status", status, "message", message,
				"volunteering.reply", reply, "volunteering.on_behalf", behalf, "created_at", at.Format(time.RFC3339))})
		return nil
	})
	if err != nil {
		return err
	}
	err = db.Each(ctx, q, `SELECT h.id, g.name, h.day, h.activity, h.minutes, h.status, h.review_note, h.created_at
		FROM volunteer_hours h JOIN organizations g ON g.id = h.organization_id
		WHERE h.territory_id = ? AND h.user_id = ? ORDER BY h.day, h.id`, []any{tid, uid}, func(r *sql.Rows) error {
		var id int64
		var org, day, activity, status, note string
		var minutes int
		var at time.Time
		if err := r.Scan(&id, &org, &day, &activity, &minutes, &status, &note, db.ScanTime(&at)); err != nil {
			return err
		}
		*out = append(*out, privacy.Record{Ref: privacy.Ref{Table: "volunteer_hours", ID: id}, Category: PrivacyHours,
			Label: "Heures de bénévolat\u00a0: " + org + " — " + day, When: at, Fields: fields("volunteering.day", day,
				"volunteering.organization", org, "volunteering.activity", activity, "volunteering.minutes", strconv.Itoa(minutes),
				"status", status, "volunteering.review_note", note)})
		return nil
	})
	if err != nil {
		return err
	}
	err = db.Each(ctx, q, `SELECT id, code, holder_name, period_from, period_to, minutes, issued_at FROM volunteer_certificates
		WHERE territory_id = ? AND user_id = ? ORDER BY id`, []any{tid, uid}, func(r *sql.Rows) error {
		var id int64
		var code, name, from, to string
		var minutes int
		var at time.Time
		if err := r.Scan(&id, &code, &name, &from, &to, &minutes, db.ScanTime(&at)); err != nil {
			return err
		}
		*out = append(*out, privacy.Record{Ref: privacy.Ref{Table: "volunteer_certificates", ID: id}, Category: PrivacyCertificates,
			Label: "Attestation de bénévolat " + code, When: at, Fields: fields("name", name, "volunteering.code", code,
				"volunteering.period", from+" – "+to, "volunteering.minutes", strconv.Itoa(minutes))})
		return nil
	})
	if err != nil {
		return err
	}
	// The digests sent: one record for all the weeks (the table has no id:
	// its ref is the account).
	var weeks []string
	var last time.Time
	err = db.Each(ctx, q, `SELECT week, sent_at FROM volunteer_digest_sent WHERE territory_id = ? AND user_id = ? ORDER BY week`,
		[]any{tid, uid}, func(r *sql.Rows) error {
			var w string
			if err := r.Scan(&w, db.ScanTime(&last)); err != nil {
				return err
			}
			weeks = append(weeks, w)
			return nil
		})
	if err != nil || len(weeks) == 0 {
		return err
	}
	*out = append(*out, privacy.Record{Ref: privacy.Ref{Table: "volunteer_digest_sent", ID: uid}, Category: PrivacyDigest,
		Label: "Courriels hebdomadaires des offres reçus", When: last, Fields: fields("volunteering.weeks", strings.Join(weeks, ", "))})
	return nil
}

// Erase destroys the person's profile, applications, certificates, digests
// sent and unconfirmed hours, and blanks the opportunities' contact details
// that are theirs. Their confirmed hours are kept without them: the row
// loses its account, its activity and its note, and keeps its day, minutes,
// organisation, opportunity and employer, so that the totals, the
// indicators and the reports stay right; the kept rows of one person share
// one anonymous number (the smallest of their ids), so that they still
// count as one volunteer.
func (s *Store) Erase(ctx context.Context, tx *db.Tx, sub privacy.Subject, refs []privacy.Ref) ([]privacy.Kept, error) {
	tid := sub.TerritoryID
	var hours []int64
	for _, r := range refs {
		var err error
		switch r.Table {
		case "volunteer_profiles":
			var uid int64
			err = tx.QueryRow(ctx, `SELECT user_id FROM volunteer_profiles WHERE territory_id = ? AND id = ?`, tid, r.ID).Scan(&uid)
			if err == sql.ErrNoRows {
				continue
			}
			if err == nil {
				err = eraseProfile(ctx, tx, tid, uid)
			}
		case "volunteer_digest_sent":
			_, err = tx.Exec(ctx, `DELETE FROM volunteer_digest_sent WHERE territory_id = ? AND user_id = ?`, tid, r.ID)
		case "volunteer_applications":
			_, err = tx.Exec(ctx, `DELETE FROM volunteer_applications WHERE territory_id = ? AND id = ?`, tid, r.ID)
		case "volunteer_hours":
			hours = append(hours, r.ID)
		case "volunteer_certificates":
			_, err = tx.Exec(ctx, `DELETE FROM volunteer_certificates WHERE territory_id = ? AND id = ?`, tid, r.ID)
		case "volunteer_opportunities":
			_, err = tx.Exec(ctx, `UPDATE volunteer_opportunities SET contact_name = '', contact_email = '', contact_phone = ''
				WHERE territory_id = ? AND id = ?`, tid, r.ID)
		}
		if err != nil {
			return nil, err
		}
	}
	confirmed, err := anonymiseHours(ctx, tx, tid, hours)
	if err != nil || confirmed == 0 {
		return nil, err
	}
	return []privacy.Kept{{Category: PrivacyHours, Reason: "privacy.kept.volunteering.hours", Count: confirmed}}, nil
}

// anonymiseHours destroys the hours of ids not confirmed and keeps the
// confirmed ones without their person, and says how many it kept. Hours
// already anonymous (a replay) are left as they are.
func anonymiseHours(ctx context.Context, tx *db.Tx, territoryID int64, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	in := ` AND id IN (` + db.Marks(len(ids)) + `)`
	if _, err := tx.Exec(ctx, `DELETE FROM volunteer_hours WHERE territory_id = ? AND status <> ?`+in,
		append([]any{territoryID, HoursConfirmed}, db.Args(ids)...)...); err != nil {
		return 0, err
	}
	var first sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT MIN(id) FROM volunteer_hours WHERE territory_id = ? AND user_id IS NOT NULL`+in,
		append([]any{territoryID}, db.Args(ids)...)...).Scan(&first)
	if err != nil || !first.Valid {
		return 0, err
	}
	res, err := tx.Exec(ctx, `UPDATE volunteer_hours SET user_id = NULL, anonymous_volunteer = ?, activity = '', review_note = ''
		WHERE territory_id = ? AND user_id IS NOT NULL`+in, append([]any{first.Int64, territoryID}, db.Args(ids)...)...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// eraseProfile destroys a person's profile and the record of the digests
// sent to them: the one way a profile is erased.
func eraseProfile(ctx context.Context, tx *db.Tx, territoryID, userID int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM volunteer_digest_sent WHERE territory_id = ? AND user_id = ?`, territoryID, userID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM volunteer_profiles WHERE territory_id = ? AND user_id = ?`, territoryID, userID)
	return err
}

// Expire applies one of the volunteering's rules.
func (s *Store) Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error) {
	var res sql.Result
	var err error
	switch rule {
	case RuleUnconfirmed:
		res, err = tx.Exec(ctx, `DELETE FROM volunteer_applications WHERE territory_id = ? AND status = ? AND created_at < ?`,
			territoryID, Unconfirmed, db.Time(cutoff))
	case RuleClosed:
		res, err = tx.Exec(ctx, `DELETE FROM volunteer_applications WHERE territory_id = ? AND status IN (?, ?) AND updated_at < ?`,
			territoryID, Declined, Withdrawn, db.Time(cutoff))
	case RuleDigestSent:
		res, err = tx.Exec(ctx, `DELETE FROM volunteer_digest_sent WHERE territory_id = ? AND sent_at < ?`, territoryID, db.Time(cutoff))
	default:
		return 0, fmt.Errorf("volunteering: no retention rule %q", rule)
	}
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// parentalTable names, in a consent's ref, the parent's or tutor's consent
// of a profile (the digest's consent names the profile's table).
const parentalTable = "volunteer_profiles.parent_consent"

// Consents lists the digest's consent and a parent's consent.
func (s *Store) Consents(ctx context.Context, sub privacy.Subject) ([]privacy.Consent, error) {
	if sub.UserID == 0 {
		return nil, nil
	}
	var out []privacy.Consent
	err := db.Each(ctx, s.db, `SELECT `+profileCols+profileFrom+`WHERE v.territory_id = ? AND v.user_id = ?`, []any{sub.TerritoryID, sub.UserID},
		func(r *sql.Rows) error {
			p, err := scanProfile(r)
			if err != nil {
				return err
			}
			if p.DigestConsentAt != nil {
				c := privacy.Consent{Ref: privacy.Ref{Table: "volunteer_profiles", ID: p.ID}, Purpose: privacy.Digest,
					Label: "Courriel hebdomadaire des nouvelles offres de bénévolat", Given: *p.DigestConsentAt,
					How: p.DigestConsentHow, Wording: s.cat.T("fr", "volunteer.profile.digest")}
				if !p.Digest {
					c.Withdrawn = p.DigestStoppedAt
				}
				out = append(out, c)
			}
			if p.ParentConsentAt != nil {
				out = append(out, privacy.Consent{Ref: privacy.Ref{Table: parentalTable, ID: p.ID}, Purpose: privacy.Parental,
					Label: "Profil de bénévole d’une personne de moins de 14 ans", Given: *p.ParentConsentAt,
					How: DigestConsentProfile, Wording: s.cat.T("fr", "volunteer.profile.parent_consent")})
			}
			return nil
		})
	return out, err
}

// Withdraw stops the digest, or, for a parent's consent, erases the
// profile it allowed (a profile under 14 is kept only with it).
func (s *Store) Withdraw(ctx context.Context, sub privacy.Subject, ref privacy.Ref) error {
	notFound := errs.New(errs.NotFound, "errors.volunteer_consent_not_found")
	if sub.UserID == 0 || (ref.Table != "volunteer_profiles" && ref.Table != parentalTable) {
		return notFound
	}
	var uid int64
	err := s.db.QueryRow(ctx, `SELECT user_id FROM volunteer_profiles WHERE territory_id = ? AND id = ?`, sub.TerritoryID, ref.ID).Scan(&uid)
	if err == sql.ErrNoRows || (err == nil && uid != sub.UserID) {
		return notFound
	}
	if err != nil {
		return err
	}
	if ref.Table == parentalTable {
		return s.DeleteProfile(ctx, sub.TerritoryID, uid)
	}
	return s.StopDigest(ctx, sub.TerritoryID, uid)
}

// Correct rewrites the person's name and phone where they are an
// opportunity's contact (certificates keep the name they were issued to).
func (s *Store) Correct(ctx context.Context, tx *db.Tx, sub privacy.Subject, c privacy.Correction) (int, error) {
	name, phone := strings.TrimSpace(c.Name), strings.TrimSpace(c.Phone)
	if name == "" && phone == "" || (len(sub.Emails) == 0 && len(sub.Phones) == 0) {
		return 0, nil
	}
	m := newMatch(sub)
	var ids []int64
	err := db.Each(ctx, tx, `SELECT id, contact_email, contact_phone FROM volunteer_opportunities WHERE territory_id = ? AND `+
		m.where("contact_email", "contact_phone"), append([]any{sub.TerritoryID}, m.args...), func(r *sql.Rows) error {
		var id int64
		var email, ph string
		if err := r.Scan(&id, &email, &ph); err != nil {
			return err
		}
		if m.is(email, ph) {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, id := range ids {
		res, err := tx.Exec(ctx, `UPDATE volunteer_opportunities SET contact_name = CASE WHEN ? = '' THEN contact_name ELSE ? END,
			contact_phone = CASE WHEN ? = '' THEN contact_phone ELSE ? END, updated_at = ? WHERE territory_id = ? AND id = ?`,
			name, name, phone, phone, s.now(), sub.TerritoryID, id)
		if err != nil {
			return changed, err
		}
		n, _ := res.RowsAffected()
		changed += int(n)
	}
	return changed, nil
}

// match finds a subject's e-mail or phone among contact details typed by
// staff (phones as typed: compared by their key).
type match struct {
	emails, phones map[string]bool
	args           []any
}

func newMatch(sub privacy.Subject) *match {
	m := &match{emails: map[string]bool{}, phones: map[string]bool{}}
	for _, e := range sub.Emails {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" && !m.emails[e] {
			m.emails[e] = true
			m.args = append(m.args, e)
		}
	}
	for _, p := range sub.Phones {
		if p != "" {
			m.phones[p] = true
		}
	}
	return m
}

func (m *match) where(email, phone string) string {
	var or []string
	if len(m.args) > 0 {
		or = append(or, "lower("+email+") IN ("+db.Marks(len(m.args))+")")
	}
	if len(m.phones) > 0 {
		or = append(or, phone+" <> ''")
	}
	if len(or) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

func (m *match) is(email, phone string) bool {
	return m.emails[strings.ToLower(strings.TrimSpace(email))] || (phone != "" && m.phones[i18n.PhoneKey(phone)])
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

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
