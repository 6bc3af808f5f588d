// Package volunteering owns Implique's volunteering: the involvement
// profiles residents keep (all optional, private), the opportunities
// organisations post (tasks, board and committee seats, corporate
// volunteering days, school projects), the explainable matching between
// them, applications and their answers, the hours given and their
// confirmation, recognition (milestones, certificates, attestations), the
// supply-and-demand figures staff read, the businesses' indicator, and the
// weekly digest of new opportunities.
//
// Profiles, applications and hours are private to the person, the
// organisation concerned and staff. The package never decides who may see
// what — the web layer asks the policy — but its functions take the owner
// they act for, so that one person's id cannot reach another's records.
package volunteering

import (
	"context"
	"math/bits"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/territory"
)

// Kind is what sort of opportunity it is.
type Kind string

const (
	// Task is help given once or regularly (the most common).
	Task Kind = "task"
	// BoardSeat is a seat on a board or a committee (the relève).
	BoardSeat Kind = "board_seat"
	// CorporateOffer is a business offering a team of employees for a day.
	CorporateOffer Kind = "corporate_offer"
	// CorporateRequest is an organisation asking for a business's team.
	CorporateRequest Kind = "corporate_request"
	// SchoolProject is a project for students (community involvement
	// recognised by their school).
	SchoolProject Kind = "school_project"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{Task, BoardSeat, SchoolProject, CorporateRequest, CorporateOffer}

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// Corporate reports whether the kind is between a business and an
// organisation (teams, not individuals).
func (k Kind) Corporate() bool { return k == CorporateOffer || k == CorporateRequest }

// Schedule says when an opportunity happens.
type Schedule string

const (
	// OneOff happens once, at a date and time.
	OneOff Schedule = "one_off"
	// Recurring comes back on given days and parts of the day.
	Recurring Schedule = "recurring"
	// Flexible is done whenever suits the volunteer.
	Flexible Schedule = "flexible"
)

// Schedules lists the schedules in display order.
var Schedules = []Schedule{OneOff, Recurring, Flexible}

// Opportunity statuses.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Causes are the interests a person and an opportunity share: the causes
// organisations work for (orgs.Causes). The position in this list is the
// bit stored in the database: append only, never reorder.
var Causes = []string{"seniors", "youth", "families", "food", "health", "environment", "culture", "sports_recreation",
	"education", "mutual_aid", "local_development", "inclusion", "transportation", "housing", "heritage"}

// Skills a person offers and an opportunity asks for. The position in this
// list is the bit stored in the database: append only, never reorder.
var Skills = []string{"cooking", "driving", "companionship", "office", "accounting", "computers", "communications", "events",
	"handiwork", "gardening", "tutoring", "arts", "sports", "governance", "translation", "first_aid", "fundraising", "childcare"}

// Languages a person speaks and an opportunity may need (French is assumed
// when none is said). Append only.
var Languages = []string{"fr", "en", "es", "other"}

// Mask is a set of codes of one list (causes, skills or languages) stored
// as bits.
type Mask uint32

// MaskOf returns the set of the codes of list given; unknown codes are
// reported in bad.
func MaskOf(list []string, codes []string) (m Mask, bad bool) {
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		found := false
		for i, k := range list {
			if k == c {
				m |= 1 << i
				found = true
				break
			}
		}
		bad = bad || !found
	}
	return m, bad
}

// Codes returns the codes of list in m, in list order.
func (m Mask) Codes(list []string) []string {
	var out []string
	for i, k := range list {
		if m&(1<<i) != 0 {
			out = append(out, k)
		}
	}
	return out
}

// Has reports whether m holds the code of list.
func (m Mask) Has(list []string, code string) bool {
	for i, k := range list {
		if k == code {
			return m&(1<<i) != 0
		}
	}
	return false
}

// Count is the number of codes in m.
func (m Mask) Count() int { return bits.OnesCount32(uint32(m)) }

// Part of the day.
type Part int

const (
	Morning Part = iota
	Afternoon
	Evening
)

// Parts lists the parts of a day.
var Parts = []Part{Morning, Afternoon, Evening}

// Code names the part in URLs and catalogs.
func (p Part) Code() string { return [...]string{"morning", "afternoon", "evening"}[p] }

// PartOf returns the part of the day of a local hour: before noon, before
// 5 p.m., or the evening.
func PartOf(hour int) Part {
	switch {
	case hour < 12:
		return Morning
	case hour < 17:
		return Afternoon
	}
	return Evening
}

// Days of the week in the order a Québec form lists them: Monday first.
var Days = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// dayIndex is the position of a weekday in Days.
func dayIndex(d time.Weekday) int { return (int(d) + 6) % 7 }

// Availability is a set of (day, part of day) slots, with the « ponctuel »
// bit for people who give a hand from time to time.
type Availability uint32

// Occasional is « ponctuel »: available now and then, for one-off help.
const Occasional Availability = 1 << 21

// allSlots holds every (day, part) slot.
const allSlots Availability = 1<<21 - 1

// Slot returns the availability of one day and part.
func Slot(d time.Weekday, p Part) Availability { return 1 << (dayIndex(d)*3 + int(p)) }

// Has reports whether a holds the slot of d and p.
func (a Availability) Has(d time.Weekday, p Part) bool { return a&Slot(d, p) != 0 }

// Slots is a without the occasional bit.
func (a Availability) Slots() Availability { return a & allSlots }

// SlotCount is how many (day, part) slots a holds.
func (a Availability) SlotCount() int { return bits.OnesCount32(uint32(a.Slots())) }

// Weekdays is every weekday slot of the given parts.
func Weekdays(parts ...Part) Availability {
	var a Availability
	for _, d := range Days[:5] {
		for _, p := range parts {
			a |= Slot(d, p)
		}
	}
	return a
}

// Weekend is every slot of Saturday and Sunday.
func Weekend() Availability {
	var a Availability
	for _, d := range Days[5:] {
		for _, p := range Parts {
			a |= Slot(d, p)
		}
	}
	return a
}

// Mobility says how a person gets around.
type Mobility string

const (
	// MobilityUnknown: not said.
	MobilityUnknown Mobility = ""
	// HasCar: drives their own car.
	HasCar Mobility = "car"
	// NoCar: no car, but gets around (on foot, family, neighbours).
	NoCar Mobility = "no_car"
	// NeedsRide: would need a ride.
	NeedsRide Mobility = "needs_ride"
)

// Mobilities lists what a profile may say.
var Mobilities = []Mobility{HasCar, NoCar, NeedsRide}

// AgeBand is an age range: no birth date is ever asked.
type AgeBand struct {
	Code     string
	Min, Max int
}

// AgeBands are the ranges a person may choose, cut at the ages that
// opportunities ask for (14, 16, 18) and that Law 25 names (under 14,
// consent of a parent).
var AgeBands = []AgeBand{{"under_14", 0, 13}, {"14_15", 14, 15}, {"16_17", 16, 17}, {"18_24", 18, 24}, {"25_34", 25, 34},
	{"35_49", 35, 49}, {"50_64", 50, 64}, {"65_74", 65, 74}, {"75_plus", 75, 120}}

// Band returns the age band of code.
func Band(code string) (AgeBand, bool) {
	for _, b := range AgeBands {
		if b.Code == code {
			return b, true
		}
	}
	return AgeBand{}, false
}

// Store keeps profiles, opportunities, applications, hours and recognition.
type Store struct {
	db          *db.DB
	territories *territory.Store
	orgs        *orgs.Store
	auth        *auth.Store
	mailer      *mail.Mailer
	cat         i18n.Catalogs
	baseURL     string
	now         func() time.Time
	// quiet stores without e-mailing anyone (records typed from paper,
	// demonstration data).
	quiet bool
	// open keeps the open opportunities of each territory for matching
	// (shared by the quiet copy).
	open *openSets
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	Orgs        *orgs.Store
	// Auth names the people of the lists (applicants, volunteers).
	Auth     *auth.Store
	Mailer   *mail.Mailer
	Catalogs i18n.Catalogs
	// BaseURL is the public address, for links in e-mails.
	BaseURL string
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the volunteering store.
func NewStore(c Config) *Store {
	return &Store{db: c.DB, territories: c.Territories, orgs: c.Orgs, auth: c.Auth, mailer: c.Mailer, cat: c.Catalogs,
		baseURL: strings.TrimRight(c.BaseURL, "/"), now: db.Clock(c.Now), open: newOpenSets()}
}

// Quiet returns the store that records the same things without e-mailing
// the organisations or the people concerned: for what staff type from
// paper, and for demonstration data. The weekly digest still goes out.
func (s *Store) Quiet() *Store {
	q := *s
	q.quiet = true
	return &q
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// BaseURL is the public address the store writes in e-mails.
func (s *Store) BaseURL() string { return s.baseURL }

func tooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// clean trims s and folds its inner runs of spaces.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// nullID is id, or NULL when it is 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// PersonRef names a person on a list shown to an organisation or to staff.
type PersonRef struct {
	ID    int64
	Name  string
	Email string
	Lang  string
}

// DisplayName is the name, or the e-mail when there is none.
func (p PersonRef) DisplayName() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Email
}

// people names the accounts of ids.
func (s *Store) people(ctx context.Context, ids []int64) (map[int64]PersonRef, error) {
	users, err := s.auth.Users(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]PersonRef, len(users))
	for id, u := range users {
		out[id] = PersonRef{ID: id, Name: u.Name, Email: u.Email, Lang: u.Locale}
	}
	return out, nil
}
