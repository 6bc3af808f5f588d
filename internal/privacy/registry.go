// Package privacy is the privacy centre: what personal information the
// program holds and why (the registry every capability registers in), a
// person's rights (see, download, correct, withdraw a consent, erase), and
// the organisation's duties (retention, the access log, the incident
// register, the published policy) under Québec's Law 25 and CASL.
//
// Each capability that holds personal information implements Holder on its
// store; the application hands every such store to the privacy store when
// it is wired, as it does for the indicators. The privacy store never reads
// another capability's tables: it asks the holders.
package privacy

import (
	"context"
	"time"

	"implique/internal/db"
)

// Subject is the person a request is about, in one territory: their
// account (if any), their e-mail addresses and their phone numbers. A
// holder finds the records whose account, e-mail or phone is the
// subject's.
type Subject struct {
	TerritoryID int64
	// UserID is the person's account, 0 for none.
	UserID int64
	// Emails are lower-case and trimmed.
	Emails []string
	// Phones are phone keys (events.PhoneKey: the digits, without the
	// leading 1).
	Phones []string
}

// Empty reports whether s names nobody.
func (s Subject) Empty() bool { return s.UserID == 0 && len(s.Emails) == 0 && len(s.Phones) == 0 }

// Ref names one row a holder keeps: its table and its id. Deletions are
// written down as refs (never as the data), so that a deletion can be
// applied again after a restore.
type Ref struct {
	Table string `json:"table"`
	ID    int64  `json:"id"`
}

// Field is one value of a record, named by its column.
type Field struct {
	// Name is the column ("name", "email", "dietary"); the catalogs name it
	// under "privacy.field.<name>" when it is common, else it is shown as is.
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Record is one row a holder keeps about the subject, as the person will
// read it and download it.
type Record struct {
	Ref Ref `json:"-"`
	// Category is the inventory key the record belongs to.
	Category string `json:"category"`
	// Label says which record, in words (« Souper citoyen à Gentilly, le
	// 12 mars 2026 »); it may be "".
	Label  string    `json:"label,omitempty"`
	When   time.Time `json:"when,omitzero"`
	Fields []Field   `json:"fields"`
}

// Category is one kind of personal information a capability holds, as the
// inventory and the published policy show it. The catalogs name it under
// "privacy.category.<key>" (what it is), "privacy.category.<key>.purpose"
// (why it is kept) and "privacy.category.<key>.seen" (who sees it).
type Category struct {
	// Key is "<capability>.<what>" (e.g. "events.registrations").
	Key string
	// Columns are the personal columns it covers, as "table.column": the
	// registry's test scans the schema for personal columns and fails on
	// one that no category covers.
	Columns []string
	// Rule is the retention rule that ends it ("" when it lasts as long as
	// its purpose: the account, the membership, a legal duty — the purpose
	// text says which).
	Rule string
}

// Action is what a retention rule or an erasure does to a row.
type Action string

const (
	// Destroy deletes the row.
	Destroy Action = "destroy"
	// Anonymise keeps the row for the counts, without anything that
	// identifies the person.
	Anonymise Action = "anonymise"
)

// Rule is a retention rule: what is destroyed or anonymised how long after
// which moment. The catalogs describe it under "privacy.rule.<key>" (e.g.
// « coordonnées des personnes inscrites aux événements passés »), and
// "privacy.rule.<key>.after" (the moment the days count from: « après
// l'événement »). The territory can change Days.
type Rule struct {
	// Key is "<capability>.<what>".
	Key    string
	Days   int
	Action Action
}

// Kept is what an erasure left, and why: the person is told.
type Kept struct {
	// Category is the inventory key of what was kept.
	Category string `json:"category"`
	// Reason is a catalog key ("privacy.kept.<…>"): why it is kept, and in
	// which form (« vos heures confirmées, en totaux anonymes »).
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// Holder is what a capability that holds personal information offers the
// privacy centre. Every method is scoped to s.TerritoryID.
type Holder interface {
	// Inventory says what the holder keeps, why, who sees it, for how long.
	Inventory() []Category
	// Retention lists its retention rules, with their default days.
	Retention() []Rule
	// Find lists every record it keeps about s, with its fields: the
	// person's page and their download read it. q is the database or the
	// erasure's transaction.
	Find(ctx context.Context, q db.Querier, s Subject) ([]Record, error)
	// Erase erases or anonymises, inside tx, the rows refs names that are
	// its own (refs holds every holder's; it ignores the others), and says
	// what it kept and why. It is called again with the same refs after a
	// restore: erasing what is already erased is not an error. s may be
	// empty (a replay knows only the refs).
	Erase(ctx context.Context, tx *db.Tx, s Subject, refs []Ref) ([]Kept, error)
	// Expire applies one of its rules in territoryID, inside tx: it
	// destroys or anonymises what the rule ends before cutoff, and says how
	// many rows it changed. Expiring what is already expired changes 0.
	Expire(ctx context.Context, tx *db.Tx, territoryID int64, rule string, cutoff time.Time) (int, error)
}

// Purpose is what a consent is for.
type Purpose string

const (
	// Contact: being contacted after an event or a sign-up.
	Contact Purpose = "contact"
	// Newsletter: receiving a newsletter.
	Newsletter Purpose = "newsletter"
	// Digest: receiving the weekly volunteering digest.
	Digest Purpose = "digest"
	// Story: appearing in a story (photo, name, words).
	Story Purpose = "story"
	// Survey: answering a survey, and how the answers are used.
	Survey Purpose = "survey"
	// Identified: an answer or a contribution shown with one's name.
	Identified Purpose = "identified"
	// Parental: a parent's or tutor's consent for a person under 14.
	Parental Purpose = "parental"
)

// Consent is one consent the person gave, as recorded.
type Consent struct {
	// Ref is the row that holds it; Withdraw takes it.
	Ref     Ref     `json:"-"`
	Purpose Purpose `json:"purpose"`
	// Label says what it is about (the souper, the list, the story).
	Label string    `json:"label,omitempty"`
	Given time.Time `json:"given"`
	// How it was given (« formulaire web », « papier », « implicite :
	// présence à un événement »), and the wording shown then, as stored.
	How     string     `json:"how,omitempty"`
	Wording string     `json:"wording,omitempty"`
	Until   *time.Time `json:"until,omitempty"`
	// Withdrawn is when it was withdrawn (nil: in force, or ended by Until).
	Withdrawn *time.Time `json:"withdrawn,omitempty"`
}

// Consenter is a holder that records consents; the person's page lists
// them and withdraws them in one click.
type Consenter interface {
	Consents(ctx context.Context, s Subject) ([]Consent, error)
	// Withdraw withdraws the consent ref names, if it is s's and its own
	// (errs.NotFound otherwise); withdrawing twice is not an error.
	Withdraw(ctx context.Context, s Subject, ref Ref) error
}

// Correction is what a person corrects about themself everywhere they
// appear: "" leaves a value as it is.
type Correction struct {
	Name  string
	Phone string
}

// Corrector is a holder whose records carry the person's name or phone as
// they typed it; Correct rewrites them inside tx and says how many rows
// changed.
type Corrector interface {
	Correct(ctx context.Context, tx *db.Tx, s Subject, c Correction) (int, error)
}
