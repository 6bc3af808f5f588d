package orgs

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
)

// PolicyKind is a policy an organisation may adopt; the share of
// organisations that adopted each is an indicator of the program.
type PolicyKind string

const (
	RecognitionPolicy   PolicyKind = "volunteer_recognition"
	ParticipationPolicy PolicyKind = "citizen_participation"
	ManagementPolicy    PolicyKind = "volunteer_management"
	CodeOfConduct       PolicyKind = "code_of_conduct"
)

// PolicyKinds lists the policies in display order.
var PolicyKinds = []PolicyKind{RecognitionPolicy, ParticipationPolicy, ManagementPolicy, CodeOfConduct}

// ParsePolicyKind returns the policy named s.
func ParsePolicyKind(s string) (PolicyKind, bool) {
	for _, k := range PolicyKinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// Documents an organisation may attach to a policy.
const MaxDocumentBytes = 5 << 20

// DocumentTypes are the accepted document formats, by content type.
var DocumentTypes = map[string]string{
	"application/pdf": ".pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.oasis.opendocument.text":                                 ".odt",
	"application/msword": ".doc",
}

// Policy is a policy an organisation adopted.
type Policy struct {
	ID             int64
	OrganizationID int64
	Kind           PolicyKind
	AdoptedOn      calendar.Date
	DocumentURL    string
	DocumentName   string
	DocumentType   string
	HasDocument    bool
	UpdatedAt      time.Time
}

// PolicyInput is an adoption as typed, with an optional document.
type PolicyInput struct {
	Kind         PolicyKind
	AdoptedOn    string
	DocumentURL  string
	DocumentName string
	DocumentType string
	Document     []byte
}

// RecordPolicy records (or corrects) that an organisation adopted a policy.
// A new document replaces the old one; without one, the old one stays.
func (s *Store) RecordPolicy(ctx context.Context, territoryID, orgID int64, in PolicyInput) (Policy, error) {
	in.DocumentURL = strings.TrimSpace(in.DocumentURL)
	f := errs.Fields{}
	if _, ok := ParsePolicyKind(string(in.Kind)); !ok {
		f.Add("kind", "errors.org_policy_kind")
	}
	adopted := calendar.Record.Parse(f, "adopted_on", in.AdoptedOn, true)
	if in.DocumentURL != "" && (tooLong(in.DocumentURL, 500) || !validWebsite(in.DocumentURL)) {
		f.Add("document_url", "errors.org_website")
	}
	if len(in.Document) > 0 {
		if _, ok := DocumentTypes[in.DocumentType]; !ok {
			f.Add("document", "errors.org_document_type")
		}
		if len(in.Document) > MaxDocumentBytes {
			f.Add("document", "errors.org_document_size")
		}
		in.DocumentName = clean(in.DocumentName)
		if in.DocumentName == "" || tooLong(in.DocumentName, 200) {
			in.DocumentName = "document" + DocumentTypes[in.DocumentType]
		}
	}
	if err := f.Err(); err != nil {
		return Policy{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lockOrg(ctx, tx, territoryID, orgID, s.now()); err != nil {
			return err
		}
		now := s.now()
		err := tx.QueryRow(ctx, `SELECT id FROM organization_policies WHERE territory_id = ? AND organization_id = ? AND kind = ?`,
			territoryID, orgID, string(in.Kind)).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			var doc any
			if len(in.Document) > 0 {
				doc = in.Document
			}
			id, err = tx.InsertID(ctx, `INSERT INTO organization_policies (territory_id, organization_id, kind, adopted_on, document_url,
				document_name, document_type, document, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				territoryID, orgID, string(in.Kind), adopted.String(), in.DocumentURL, in.DocumentName, in.DocumentType, doc, now, now)
			return err
		case err != nil:
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE organization_policies SET adopted_on = ?, document_url = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
			adopted.String(), in.DocumentURL, now, territoryID, id); err != nil {
			return err
		}
		if len(in.Document) > 0 {
			_, err = tx.Exec(ctx, `UPDATE organization_policies SET document_name = ?, document_type = ?, document = ? WHERE territory_id = ? AND id = ?`,
				in.DocumentName, in.DocumentType, in.Document, territoryID, id)
		}
		return err
	})
	if err != nil {
		return Policy{}, err
	}
	return s.Policy(ctx, territoryID, orgID, id)
}

const policyCols = `id, organization_id, kind, adopted_on, document_url, document_name, document_type, document IS NOT NULL, updated_at`

func scanPolicy(row interface{ Scan(...any) error }) (Policy, error) {
	var p Policy
	var kind string
	err := row.Scan(&p.ID, &p.OrganizationID, &kind, &p.AdoptedOn, &p.DocumentURL, &p.DocumentName, &p.DocumentType, &p.HasDocument, &p.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.New(errs.NotFound, "errors.org_policy_not_found")
	}
	p.Kind = PolicyKind(kind)
	return p, err
}

// Policy returns one adoption of an organisation.
func (s *Store) Policy(ctx context.Context, territoryID, orgID, id int64) (Policy, error) {
	return scanPolicy(s.db.QueryRow(ctx, `SELECT `+policyCols+` FROM organization_policies WHERE territory_id = ? AND organization_id = ? AND id = ?`,
		territoryID, orgID, id))
}

// Policies lists the policies an organisation adopted.
func (s *Store) Policies(ctx context.Context, territoryID, orgID int64) ([]Policy, error) {
	rows, err := s.db.Query(ctx, `SELECT `+policyCols+` FROM organization_policies WHERE territory_id = ? AND organization_id = ?`,
		territoryID, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byKind := map[PolicyKind]Policy{}
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, err
		}
		byKind[p.Kind] = p
	}
	var out []Policy
	for _, k := range PolicyKinds {
		if p, ok := byKind[k]; ok {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// PolicyDocument returns an adoption's document.
func (s *Store) PolicyDocument(ctx context.Context, territoryID, orgID, id int64) (name, contentType string, data []byte, err error) {
	err = s.db.QueryRow(ctx, `SELECT document_name, document_type, document FROM organization_policies
		WHERE territory_id = ? AND organization_id = ? AND id = ? AND document IS NOT NULL`, territoryID, orgID, id).Scan(&name, &contentType, &data)
	if errors.Is(err, sql.ErrNoRows) {
		err = errs.New(errs.NotFound, "errors.org_policy_not_found")
	}
	return name, contentType, data, err
}

// RemovePolicy withdraws a recorded adoption (a mistake, or a policy repealed).
func (s *Store) RemovePolicy(ctx context.Context, territoryID, orgID, id int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM organization_policies WHERE territory_id = ? AND organization_id = ? AND id = ?`, territoryID, orgID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.org_policy_not_found")
	}
	return nil
}

// ---- Events co-organised -----------------------------------------------

// LinkEvent records that an organisation co-organised an event of the
// territory; twice is harmless.
func (s *Store) LinkEvent(ctx context.Context, territoryID, orgID, eventID int64) error {
	if _, err := s.Get(ctx, territoryID, orgID); err != nil {
		return err
	}
	if _, err := s.events.Get(ctx, territoryID, eventID); errs.Is(err, errs.NotFound) {
		return &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"event": "errors.event_not_found"}}
	} else if err != nil {
		return err
	}
	_, err := s.db.Exec(ctx, `INSERT INTO organization_events (organization_id, event_id, territory_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, orgID, eventID, territoryID, s.now())
	return err
}

// UnlinkEvent removes an event from an organisation's co-organised ones.
func (s *Store) UnlinkEvent(ctx context.Context, territoryID, orgID, eventID int64) error {
	res, err := s.db.Exec(ctx, `DELETE FROM organization_events WHERE territory_id = ? AND organization_id = ? AND event_id = ?`,
		territoryID, orgID, eventID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.event_not_found")
	}
	return nil
}

// LinkedEvent is an event an organisation co-organised, with the other
// organisations of that event.
type LinkedEvent struct {
	Event  events.Event
	Others []OrgRef
}

// Events lists the events an organisation co-organised, newest first.
func (s *Store) Events(ctx context.Context, territoryID, orgID int64) ([]LinkedEvent, error) {
	rows, err := s.db.Query(ctx, `SELECT event_id FROM organization_events WHERE territory_id = ? AND organization_id = ?`, territoryID, orgID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []LinkedEvent
	for _, id := range ids {
		ev, err := s.events.Get(ctx, territoryID, id)
		if err != nil {
			return nil, err
		}
		le := LinkedEvent{Event: ev}
		others, err := s.db.Query(ctx, `SELECT o.id, o.slug, o.name, o.kind FROM organization_events oe JOIN organizations o ON o.id = oe.organization_id
			WHERE oe.territory_id = ? AND oe.event_id = ? AND oe.organization_id <> ? ORDER BY o.name_key`, territoryID, id, orgID)
		if err != nil {
			return nil, err
		}
		for others.Next() {
			var o OrgRef
			var kind string
			if err := others.Scan(&o.ID, &o.Slug, &o.Name, &kind); err != nil {
				others.Close()
				return nil, err
			}
			o.Kind = Kind(kind)
			le.Others = append(le.Others, o)
		}
		others.Close()
		if err := others.Err(); err != nil {
			return nil, err
		}
		out = append(out, le)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Event.StartsAt.After(out[j-1].Event.StartsAt); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// ---- Indicators --------------------------------------------------------

// PolicyShare is how many organisations adopted a policy.
type PolicyShare struct {
	Kind    PolicyKind
	Adopted int
	// Share of the territory's organisations, from 0 to 1.
	Share float64
}

// Indicators are the program's numbers about organisations, with when
// they were computed.
type Indicators struct {
	Year          int
	Organizations int
	// Accompanied counts the organisations with an accompaniment entry this year.
	Accompanied int
	// Networked counts the organisations linked to at least one other by
	// an event they co-organised or an initiative they support together.
	Networked int
	// AccompaniedAndNetworked counts those that are both.
	AccompaniedAndNetworked int
	Policies                []PolicyShare
	ComputedAt              time.Time
}

// YearIndicators computes the program's indicators about organisations
// for the current calendar year.
func (s *Store) YearIndicators(ctx context.Context, territoryID int64) (Indicators, error) {
	today, err := s.today(ctx, territoryID)
	if err != nil {
		return Indicators{}, err
	}
	ind := Indicators{Year: today.Year, ComputedAt: s.now()}
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organizations WHERE territory_id = ?`, territoryID).Scan(&ind.Organizations); err != nil {
		return ind, err
	}
	from, to := calendar.Date{Year: today.Year, Month: time.January, Day: 1}.String(), calendar.Date{Year: today.Year, Month: time.December, Day: 31}.String()
	accompanied := `SELECT DISTINCT organization_id FROM organization_accompaniments WHERE territory_id = ? AND happened_on >= ? AND happened_on <= ?`
	networked := `SELECT DISTINCT a.organization_id FROM organization_events a JOIN organization_events b
		ON b.event_id = a.event_id AND b.organization_id <> a.organization_id WHERE a.territory_id = ?`
	acc, err := s.idSet(ctx, accompanied, territoryID, from, to)
	if err != nil {
		return ind, err
	}
	net, err := s.idSet(ctx, networked, territoryID)
	if err != nil {
		return ind, err
	}
	if s.groups != nil {
		groups, err := s.groups.OrganizationGroups(ctx, territoryID)
		if err != nil {
			return ind, err
		}
		for _, g := range groups {
			for _, id := range g {
				net[id] = true
			}
		}
	}
	ind.Accompanied, ind.Networked = len(acc), len(net)
	for id := range acc {
		if net[id] {
			ind.AccompaniedAndNetworked++
		}
	}
	counts := map[PolicyKind]int{}
	rows, err := s.db.Query(ctx, `SELECT kind, COUNT(DISTINCT organization_id) FROM organization_policies WHERE territory_id = ? GROUP BY kind`, territoryID)
	if err != nil {
		return ind, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return ind, err
		}
		counts[PolicyKind(k)] = n
	}
	for _, k := range PolicyKinds {
		sh := PolicyShare{Kind: k, Adopted: counts[k]}
		if ind.Organizations > 0 {
			sh.Share = float64(sh.Adopted) / float64(ind.Organizations)
		}
		ind.Policies = append(ind.Policies, sh)
	}
	return ind, rows.Err()
}

// Adopters lists the organisations that adopted a policy, by name.
func (s *Store) Adopters(ctx context.Context, territoryID int64, kind PolicyKind) ([]OrgRef, []calendar.Date, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, o.slug, o.name, o.kind, p.adopted_on FROM organization_policies p
		JOIN organizations o ON o.id = p.organization_id WHERE p.territory_id = ? AND p.kind = ? ORDER BY o.name_key`, territoryID, string(kind))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var refs []OrgRef
	var days []calendar.Date
	for rows.Next() {
		var o OrgRef
		var k string
		var adopted calendar.Date
		if err := rows.Scan(&o.ID, &o.Slug, &o.Name, &k, &adopted); err != nil {
			return nil, nil, err
		}
		o.Kind = Kind(k)
		refs = append(refs, o)
		days = append(days, adopted)
	}
	return refs, days, rows.Err()
}

// idSet reads a query's ids into a set.
func (s *Store) idSet(ctx context.Context, q string, args ...any) (map[int64]bool, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
