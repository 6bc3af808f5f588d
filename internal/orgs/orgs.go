// Package orgs owns the organisations of a territory — non-profits, citizen
// committees, municipal councils and committees, schools, businesses,
// public bodies — with their seats and terms, the people who hold them, and
// what the program does about succession (« relève »): the radar, the
// accompaniment log, the adopted policies and the spreadsheet import.
//
// People who hold seats are kept here, staff-only and minimal: a name, an
// optional e-mail and phone, an optional link to an account. Nothing about
// them is public unless the person agreed that their name shows.
package orgs

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// Kind is what sort of organisation it is.
type Kind string

const (
	Nonprofit          Kind = "nonprofit"
	CitizenCommittee   Kind = "citizen_committee"
	MunicipalCouncil   Kind = "municipal_council"
	MunicipalCommittee Kind = "municipal_committee"
	School             Kind = "school"
	Business           Kind = "business"
	PublicBody         Kind = "public_body"
	OtherKind          Kind = "other"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{Nonprofit, CitizenCommittee, MunicipalCouncil, MunicipalCommittee, School, Business, PublicBody, OtherKind}

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// Causes an organisation works for (codes; the catalogs name them).
var Causes = []string{"seniors", "youth", "families", "food", "health", "environment", "culture", "sports_recreation",
	"education", "mutual_aid", "local_development", "inclusion", "transportation", "housing", "heritage"}

// ValidCause reports whether c is one of Causes.
func ValidCause(c string) bool {
	for _, k := range Causes {
		if k == c {
			return true
		}
	}
	return false
}

// Role is the function of a seat.
type Role string

const (
	President     Role = "president"
	VicePresident Role = "vice_president"
	Treasurer     Role = "treasurer"
	Secretary     Role = "secretary"
	Mayor         Role = "mayor"
	Coordinator   Role = "coordinator"
	Director      Role = "director"
	Councillor    Role = "councillor"
	Member        Role = "member"
	OtherRole     Role = "other"
)

// Roles lists the seat roles in display order: the officers first.
var Roles = []Role{President, VicePresident, Treasurer, Secretary, Mayor, Coordinator, Director, Councillor, Member, OtherRole}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, bool) {
	for _, r := range Roles {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// Officer reports whether the role leads the organisation (its « bureau »):
// losing one of them puts the organisation at risk first.
func (r Role) Officer() bool {
	switch r {
	case President, VicePresident, Treasurer, Secretary, Mayor, Coordinator:
		return true
	}
	return false
}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return len(Roles)
}

// Store keeps organisations, seats, people, accompaniment, policies and imports.
type Store struct {
	db          *db.DB
	territories *territory.Store
	events      *events.Store
	groups      GroupSource
	cat         i18n.Catalogs
	now         func() time.Time
}

// GroupSource tells which organisations work together elsewhere: each
// group is organisations that support the same citizen initiative.
type GroupSource interface {
	OrganizationGroups(ctx context.Context, territoryID int64) ([][]int64, error)
}

// Config gathers what the store needs.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	// Events checks the events an organisation co-organised.
	Events *events.Store
	// Groups says which organisations support the same initiatives (nil: none).
	Groups   GroupSource
	Catalogs i18n.Catalogs
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// NewStore returns the organisations store.
func NewStore(c Config) *Store {
	return &Store{db: c.DB, territories: c.Territories, events: c.Events, groups: c.Groups, cat: c.Catalogs, now: db.Clock(c.Now)}
}

// today is the territory's calendar day now.
func (s *Store) today(ctx context.Context, territoryID int64) (calendar.Date, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return calendar.Date{}, err
	}
	return calendar.DateOf(s.now().In(t.Location())), nil
}

// Key normalises a name for matching: no accents, no case, no punctuation
// (« Comité des loisirs — Manseau » and « comite des loisirs manseau » are
// the same organisation).
func Key(s string) string { return i18n.Slug(s, 0) }

func tooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// clean trims s and folds its inner runs of spaces (names typed or pasted).
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// searchText is what the directory's search looks in: folded, lower case.
func searchText(parts ...string) string {
	return strings.ToLower(i18n.ASCIIFold(strings.Join(parts, " ")))
}
