package volunteering

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/export"
)

// Milestones of recognition: the first activity, then these many
// confirmed hours, then these many calendar years of involvement.
var (
	HourMilestones = []int{10, 50, 100, 250}
	YearMilestones = []int{2, 5, 10}
)

// Milestone is a step a volunteer reached, and when.
type Milestone struct {
	// Code is "first", "hours_10"…, "years_2"…
	Code      string
	Hours     int
	Years     int
	ReachedOn calendar.Date
}

// day and minutes of one confirmed declaration, for milestones.
type given struct {
	day     calendar.Date
	minutes int
}

// milestones walks confirmed hours in day order and says when each
// milestone was reached.
func milestones(list []given) []Milestone {
	sort.SliceStable(list, func(i, j int) bool { return list[i].day.Before(list[j].day) })
	var out []Milestone
	total := 0
	next := 0
	years := map[int]bool{}
	nextYear := 0
	for i, g := range list {
		if i == 0 {
			out = append(out, Milestone{Code: "first", ReachedOn: g.day})
		}
		total += g.minutes
		for next < len(HourMilestones) && total >= HourMilestones[next]*60 {
			out = append(out, Milestone{Code: fmt.Sprintf("hours_%d", HourMilestones[next]), Hours: HourMilestones[next], ReachedOn: g.day})
			next++
		}
		if !years[g.day.Year] {
			years[g.day.Year] = true
			for nextYear < len(YearMilestones) && len(years) >= YearMilestones[nextYear] {
				out = append(out, Milestone{Code: fmt.Sprintf("years_%d", YearMilestones[nextYear]), Years: YearMilestones[nextYear], ReachedOn: g.day})
				nextYear++
			}
		}
	}
	return out
}

// MilestonesOf returns the milestones a person reached, the first first.
func (s *Store) MilestonesOf(ctx context.Context, territoryID, userID int64) ([]Milestone, error) {
	rows, err := s.db.Query(ctx, `SELECT day, minutes FROM volunteer_hours WHERE territory_id = ? AND user_id = ? AND status = ?`,
		territoryID, userID, HoursConfirmed)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []given
	for rows.Next() {
		var g given
		if err := rows.Scan(&g.day, &g.minutes); err != nil {
			return nil, err
		}
		list = append(list, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return milestones(list), nil
}

// Recognition is a milestone a volunteer reached, for staff's list.
type Recognition struct {
	Person       PersonRef
	Milestone    Milestone
	TotalMinutes int
}

// MilestonesBetween lists the milestones volunteers reached between from
// and to (both included): the list staff prepare the Semaine de l'action
// bénévole with. The biggest milestones come first.
func (s *Store) MilestonesBetween(ctx context.Context, territoryID int64, from, to calendar.Date) ([]Recognition, error) {
	rows, err := s.db.Query(ctx, `SELECT user_id, day, minutes FROM volunteer_hours WHERE territory_id = ? AND status = ? AND day <= ?
		AND user_id IS NOT NULL ORDER BY user_id, day, id`, territoryID, HoursConfirmed, to.String())
	if err != nil {
		return nil, err
	}
	byUser := map[int64][]given{}
	var users []int64
	for rows.Next() {
		var uid int64
		var g given
		if err := rows.Scan(&uid, &g.day, &g.minutes); err != nil {
			rows.Close()
			return nil, err
		}
		if _, ok := byUser[uid]; !ok {
			users = append(users, uid)
		}
		byUser[uid] = append(byUser[uid], g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Recognition
	for _, uid := range users {
		total := 0
		for _, g := range byUser[uid] {
			total += g.minutes
		}
		for _, m := range milestones(byUser[uid]) {
			if !m.ReachedOn.Before(from) && !to.Before(m.ReachedOn) {
				out = append(out, Recognition{Person: PersonRef{ID: uid}, Milestone: m, TotalMinutes: total})
			}
		}
	}
	people, err := s.people(ctx, users)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if p, ok := people[out[i].Person.ID]; ok {
			out[i].Person = p
		}
	}
	weight := func(m Milestone) int { return m.Hours*10 + m.Years*1000 }
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if weight(a.Milestone) != weight(b.Milestone) {
			return weight(a.Milestone) > weight(b.Milestone)
		}
		if a.TotalMinutes != b.TotalMinutes {
			return a.TotalMinutes > b.TotalMinutes
		}
		return a.Person.ID < b.Person.ID
	})
	return out, nil
}

// Certificate kinds.
const (
	// RecognitionCertificate is the certificate of recognition: hours per
	// organisation over a period.
	RecognitionCertificate = "recognition"
	// SchoolAttestation attests a student's community involvement for a
	// school year.
	SchoolAttestation = "school"
)

// Certificate is what a certificate or an attestation says; its Code lets
// anyone holding it check it on the site.
type Certificate struct {
	Code          string
	Kind          string
	HolderName    string
	School        string
	From, To      calendar.Date
	Minutes       int
	Organizations []OrgTotal
	IssuedAt      time.Time
}

// IssueCertificate writes down a certificate of a person's confirmed
// hours between from and to, under holderName. The same content asked
// again keeps its code.
func (s *Store) IssueCertificate(ctx context.Context, territoryID, userID int64, kind string, from, to calendar.Date, holderName string) (Certificate, error) {
	holderName = clean(holderName)
	if kind != RecognitionCertificate && kind != SchoolAttestation {
		return Certificate{}, errs.New(errs.Invalid, "errors.volunteer_certificate_kind")
	}
	if holderName == "" {
		return Certificate{}, errs.New(errs.Invalid, "errors.volunteer_name_needed")
	}
	list, err := s.queryHours(ctx, false, `SELECT `+hoursCols+hoursFrom+`WHERE h.territory_id = ? AND h.user_id = ? AND h.status = ?
		ORDER BY h.day, h.id`, territoryID, userID, HoursConfirmed)
	if err != nil {
		return Certificate{}, err
	}
	sum := summarise(list, from, to)
	if sum.ConfirmedMinutes == 0 {
		return Certificate{}, errs.New(errs.Invalid, "errors.volunteer_no_confirmed_hours")
	}
	c := Certificate{Kind: kind, HolderName: holderName, From: from, To: to, Minutes: sum.ConfirmedMinutes, Organizations: sum.ByOrganization}
	if kind == SchoolAttestation {
		p, err := s.Profile(ctx, territoryID, userID)
		if err != nil {
			return Certificate{}, err
		}
		c.School = p.School
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%s|%s|%d|%s", kind, holderName, c.School, from, to, c.Minutes, "")
	for _, o := range c.Organizations {
		fmt.Fprintf(h, "|%d:%d", o.Organization.ID, o.Minutes)
	}
	hash := hex.EncodeToString(h.Sum(nil))
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `SELECT code, issued_at FROM volunteer_certificates WHERE territory_id = ? AND user_id = ? AND content_hash = ?`,
			territoryID, userID, hash).Scan(&c.Code, &c.IssuedAt)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		c.Code, c.IssuedAt = export.NewCode(), s.now()
		_, err = tx.Exec(ctx, `INSERT INTO volunteer_certificates (territory_id, code, user_id, kind, holder_name, period_from, period_to,
			minutes, organizations, content_hash, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			territoryID, c.Code, userID, kind, holderName, from.String(), to.String(), c.Minutes, len(c.Organizations), hash, c.IssuedAt)
		return err
	})
	return c, err
}

// VerifiedCertificate is what checking a code shows: enough to confirm a
// paper is genuine, nothing more.
type VerifiedCertificate struct {
	Code          string
	Kind          string
	HolderName    string
	From, To      calendar.Date
	Minutes       int
	Organizations int
	IssuedAt      time.Time
}

// VerifyCertificate finds a certificate of the territory by its code.
func (s *Store) VerifyCertificate(ctx context.Context, territoryID int64, code string) (VerifiedCertificate, error) {
	var v VerifiedCertificate
	err := s.db.QueryRow(ctx, `SELECT code, kind, holder_name, period_from, period_to, minutes, organizations, issued_at
		FROM volunteer_certificates WHERE territory_id = ? AND code = ?`, territoryID, export.NormalizeCode(code)).
		Scan(&v.Code, &v.Kind, &v.HolderName, &v.From, &v.To, &v.Minutes, &v.Organizations, &v.IssuedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return v, errs.New(errs.NotFound, "errors.volunteer_certificate_not_found")
	}
	return v, err
}
