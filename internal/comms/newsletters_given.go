package comms

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
)

// The ways a consent given elsewhere reaches staff: a subscription form
// signed on paper (at a souper, say), in person, or on the phone.
const (
	GivenPaper    = "papier"
	GivenInPerson = "en-personne"
	GivenPhone    = "telephone"
)

// GivenWays are the ways staff choose among, in the form's order.
var GivenWays = []string{GivenPaper, GivenInPerson, GivenPhone}

// GivenConsentInput is what staff type to record an express consent given
// elsewhere: who, to which lists, how and when, and the exact wording the
// person saw or heard.
type GivenConsentInput struct {
	Email   string
	Name    string
	Lang    string
	Lists   []string
	Way     string
	Wording string
	Day     string
}

// RecordGivenConsent checks a consent given elsewhere and records it through
// RecordConsent (express; where it was given is the way and the day, e.g.
// « papier/2026-11-28 »), so that it shows in the person's proof. Nothing
// is written when something is wrong; each field says what. It returns the
// subscriber.
func (s *Store) RecordGivenConsent(ctx context.Context, territoryID int64, in GivenConsentInput) (int64, error) {
	f := errs.Fields{}
	email, ok := subAddress(in.Email)
	switch {
	case strings.TrimSpace(in.Email) == "":
		f.Add("email", "errors.required")
	case !ok:
		f.Add("email", "errors.comms_sub_email")
	}
	if tooLong(clean(in.Name), 120) {
		f.Add("name", "errors.too_long")
	}
	var lists []int64
	for _, v := range in.Lists {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			f.Add("lists", "errors.comms_sub_lists")
			continue
		}
		if l, err := s.MailingList(ctx, territoryID, id); err != nil || l.ArchivedAt != nil {
			if err != nil && !errs.Is(err, errs.NotFound) {
				return 0, err
			}
			f.Add("lists", "errors.comms_sub_lists")
			continue
		}
		if !slices.Contains(lists, id) {
			lists = append(lists, id)
		}
	}
	if len(lists) == 0 {
		f.Add("lists", "errors.comms_sub_lists")
	}
	if !slices.Contains(GivenWays, in.Way) {
		f.Add("way", "errors.comms_given_way")
	}
	wording := strings.TrimSpace(strings.ReplaceAll(in.Wording, "\r\n", "\n"))
	switch {
	case wording == "":
		f.Add("wording", "errors.comms_given_wording")
	case tooLong(wording, 2000):
		f.Add("wording", "errors.too_long")
	}
	today, _, err := s.today(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	day := calendar.Happening(today.Time()).Parse(f, "day", in.Day, true)
	if !day.IsZero() && today.Before(day) {
		f.Add("day", "errors.comms_given_future")
	}
	lang := in.Lang
	if lang != "en" {
		lang = "fr"
	}
	if ok && len(lists) > 0 {
		// Someone who left a list stays off it (RecordConsent): a paper
		// form cannot say whether it was signed before or after. Say so
		// rather than record nothing silently; they subscribe again
		// themselves, with the confirmation by e-mail.
		left, err := s.unsubscribedFrom(ctx, territoryID, email, lists)
		if err != nil {
			return 0, err
		}
		if left {
			f.Add("lists", "errors.comms_given_unsubscribed")
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	if err := s.RecordConsent(ctx, territoryID, ConsentRecord{Email: email, Name: in.Name, Lang: lang, Lists: lists,
		Basis: BasisExpress, How: in.Way + "/" + day.String(), Wording: wording}); err != nil {
		return 0, err
	}
	var id int64
	err = s.db.QueryRow(ctx, `SELECT id FROM comms_subscribers WHERE territory_id = ? AND email = ?`, territoryID, email).Scan(&id)
	return id, err
}

// unsubscribedFrom reports whether email left one of lists.
func (s *Store) unsubscribedFrom(ctx context.Context, territoryID int64, email string, lists []int64) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM comms_subscriptions x JOIN comms_subscribers b ON b.id = x.subscriber_id
		WHERE b.territory_id = ? AND b.email = ? AND x.status = ? AND x.list_id IN (`+db.Marks(len(lists))+`)`,
		append([]any{territoryID, email, SubUnsubscribed}, db.Args(lists)...)...).Scan(&n)
	return n > 0, err
}
