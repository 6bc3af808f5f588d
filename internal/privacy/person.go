package privacy

import (
	"archive/zip"
	"bufio"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/export"
	"implique/internal/i18n"
)

// NewSubject is the subject with the account userID (0: none), the
// e-mail addresses and the phone numbers given, normalised (lower-case
// addresses, phone keys); empty values are dropped.
func NewSubject(territoryID, userID int64, emails, phones []string) Subject {
	s := Subject{TerritoryID: territoryID, UserID: userID}
	for _, e := range emails {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" && !slices.Contains(s.Emails, e) {
			s.Emails = append(s.Emails, e)
		}
	}
	for _, p := range phones {
		if k := i18n.PhoneKey(p); len(k) >= 7 && !slices.Contains(s.Phones, k) {
			s.Phones = append(s.Phones, k)
		}
	}
	return s
}

// String writes a ref as "table:id", the form a page posts back.
func (r Ref) String() string { return r.Table + ":" + strconv.FormatInt(r.ID, 10) }

// ParseRef reads a ref written by String.
func ParseRef(v string) (Ref, bool) {
	t, id, ok := strings.Cut(v, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || t == "" || n <= 0 {
		return Ref{}, false
	}
	return Ref{Table: t, ID: n}, true
}

// Find lists everything the holders keep about s, grouped by category in
// the registry's order, the most recent first within a category.
func (s *Store) Find(ctx context.Context, subj Subject) ([]Record, error) {
	return s.find(ctx, s.db, subj)
}

func (s *Store) find(ctx context.Context, q db.Querier, subj Subject) ([]Record, error) {
	if subj.Empty() {
		return nil, nil
	}
	order := map[string]int{}
	for _, h := range s.holders {
		for _, c := range h.Inventory() {
			order[c.Key] = len(order)
		}
	}
	var out []Record
	for _, h := range s.holders {
		recs, err := h.Find(ctx, q, subj)
		if err != nil {
			return nil, fmt.Errorf("privacy: find in %T: %w", h, err)
		}
		out = append(out, recs...)
	}
	slices.SortStableFunc(out, func(a, b Record) int {
		if c := cmp.Compare(order[a.Category], order[b.Category]); c != 0 {
			return c
		}
		return b.When.Compare(a.When)
	})
	return out, nil
}

// Consents lists every consent s gave, the most recent first.
func (s *Store) Consents(ctx context.Context, subj Subject) ([]Consent, error) {
	if subj.Empty() {
		return nil, nil
	}
	var out []Consent
	for _, h := range s.holders {
		if c, ok := h.(Consenter); ok {
			list, err := c.Consents(ctx, subj)
			if err != nil {
				return nil, fmt.Errorf("privacy: consents in %T: %w", h, err)
			}
			out = append(out, list...)
		}
	}
	slices.SortStableFunc(out, func(a, b Consent) int { return b.Given.Compare(a.Given) })
	return out, nil
}

// Withdraw withdraws the consent ref names, if it is subj's.
func (s *Store) Withdraw(ctx context.Context, subj Subject, ref Ref) error {
	if subj.Empty() {
		return errs.New(errs.NotFound, "errors.not_found")
	}
	for _, h := range s.holders {
		c, ok := h.(Consenter)
		if !ok {
			continue
		}
		err := c.Withdraw(ctx, subj, ref)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		return err
	}
	return errs.New(errs.NotFound, "errors.not_found")
}

// MaxName bounds a corrected name.
const MaxName = 120

// Correct rewrites subj's name and phone everywhere the holders keep them
// as typed, in one transaction, and says how many records changed.
func (s *Store) Correct(ctx context.Context, subj Subject, c Correction) (int, error) {
	c.Name, c.Phone = strings.TrimSpace(c.Name), strings.TrimSpace(c.Phone)
	bad := errs.Fields{}
	if c.Name == "" && c.Phone == "" {
		bad.Add("name", "errors.privacy_correct_empty")
	}
	if utf8.RuneCountInString(c.Name) > MaxName {
		bad.Add("name", "errors.too_long")
	}
	if c.Phone != "" && len(i18n.PhoneKey(c.Phone)) != 10 {
		bad.Add("phone", "errors.phone_invalid")
	}
	if err := bad.Err(); err != nil {
		return 0, err
	}
	if subj.Empty() {
		return 0, errs.New(errs.NotFound, "errors.not_found")
	}
	n := 0
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		n = 0
		for _, h := range s.holders {
			if cr, ok := h.(Corrector); ok {
				k, err := cr.Correct(ctx, tx, subj, c)
				if err != nil {
					return fmt.Errorf("privacy: correct in %T: %w", h, err)
				}
				n += k
			}
		}
		return nil
	})
	return n, err
}

// archive is the structured copy of a person's data.
type archive struct {
	Generated time.Time `json:"generated"`
	Records   []Record  `json:"records"`
	Consents  []Consent `json:"consents"`
}

// WriteArchive writes, as a zip, everything held about subj in structured,
// commonly used formats: all of it in JSON (donnees.json), and one CSV per
// category (UTF-8 with its byte order mark) with the consents in their own
// CSV. lang chooses the CSV separator.
func (s *Store) WriteArchive(ctx context.Context, w io.Writer, subj Subject, lang string) error {
	recs, err := s.Find(ctx, subj)
	if err != nil {
		return err
	}
	cons, err := s.Consents(ctx, subj)
	if err != nil {
		return err
	}
	z := zip.NewWriter(w)
	now := s.now()
	f, err := z.CreateHeader(&zip.FileHeader{Name: "donnees.json", Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(archive{Generated: now, Records: nonNil(recs), Consents: nonNil(cons)}); err != nil {
		return err
	}
	var cats []string
	byCat := map[string][]Record{}
	for _, r := range recs {
		if _, ok := byCat[r.Category]; !ok {
			cats = append(cats, r.Category)
		}
		byCat[r.Category] = append(byCat[r.Category], r)
	}
	for _, c := range cats {
		var cols []string
		for _, r := range byCat[c] {
			for _, fl := range r.Fields {
				if !slices.Contains(cols, fl.Name) {
					cols = append(cols, fl.Name)
				}
			}
		}
		rows := make([][]any, 0, len(byCat[c]))
		for _, r := range byCat[c] {
			row := []any{r.Label, stamp(r.When)}
			for _, col := range cols {
				v := ""
				for _, fl := range r.Fields {
					if fl.Name == col {
						v = fl.Value
					}
				}
				row = append(row, v)
			}
			rows = append(rows, row)
		}
		if err := writeCSV(z, c+".csv", now, lang, append([]string{"label", "when"}, cols...), rows); err != nil {
			return err
		}
	}
	if len(cons) > 0 {
		rows := make([][]any, 0, len(cons))
		for _, c := range cons {
			rows = append(rows, []any{string(c.Purpose), c.Label, stamp(c.Given), c.How, c.Wording, stampPtr(c.Until), stampPtr(c.Withdrawn)})
		}
		if err := writeCSV(z, "consentements.csv", now, lang,
			[]string{"purpose", "label", "given", "how", "wording", "until", "withdrawn"}, rows); err != nil {
			return err
		}
	}
	return z.Close()
}

func writeCSV(z *zip.Writer, name string, now time.Time, lang string, header []string, rows [][]any) error {
	f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	c, err := export.NewCSV(f, lang, header)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := c.Write(r); err != nil {
			return err
		}
	}
	return c.Flush()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func stampPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Erasure is what an erasure did.
type Erasure struct {
	// Rows is how many records were erased or anonymised.
	Rows int
	// Kept is what was kept, and why.
	Kept []Kept
}

// deletion is one line of the deletion log: the rows an erasure changed,
// never the data.
type deletion struct {
	UID         string    `json:"uid"`
	TerritoryID int64     `json:"territory"`
	Refs        []Ref     `json:"refs"`
	At          time.Time `json:"at"`
}

// Erase erases or anonymises everything held about subj, in every
// capability, in one transaction, and writes down which rows it changed
// (in the database and in the deletion log's file, which a restore does not
// roll back). byStaff is the member of staff acting on the person's behalf
// (0: the person themself).
func (s *Store) Erase(ctx context.Context, subj Subject, byStaff int64) (Erasure, error) {
	if subj.Empty() {
		return Erasure{}, errs.New(errs.NotFound, "errors.not_found")
	}
	uid := rand.Text()
	var out Erasure
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		out = Erasure{}
		recs, err := s.find(ctx, tx, subj)
		if err != nil {
			return err
		}
		refs := make([]Ref, 0, len(recs))
		for _, r := range recs {
			if !slices.Contains(refs, r.Ref) {
				refs = append(refs, r.Ref)
			}
		}
		out.Rows = len(refs)
		if out.Kept, err = s.eraseRefs(ctx, tx, subj, refs); err != nil {
			return err
		}
		d := deletion{UID: uid, TerritoryID: subj.TerritoryID, Refs: refs, At: db.Time(s.now())}
		if err := s.writeDeletion(ctx, tx, d, byStaff, out.Kept); err != nil {
			return err
		}
		// The file first: if the commit fails after it, a replay erases
		// what the person asked to erase anyway.
		return s.appendLog(d)
	})
	return out, err
}

func (s *Store) eraseRefs(ctx context.Context, tx *db.Tx, subj Subject, refs []Ref) ([]Kept, error) {
	var kept []Kept
	for _, h := range s.holders {
		k, err := h.Erase(ctx, tx, subj, refs)
		if err != nil {
			return nil, fmt.Errorf("privacy: erase in %T: %w", h, err)
		}
		kept = append(kept, k...)
	}
	return kept, nil
}

func (s *Store) writeDeletion(ctx context.Context, tx *db.Tx, d deletion, byStaff int64, kept []Kept) error {
	refs, err := json.Marshal(d.Refs)
	if err != nil {
		return err
	}
	k, err := json.Marshal(nonNil(kept))
	if err != nil {
		return err
	}
	var staff any
	if byStaff != 0 {
		staff = byStaff
	}
	_, err = tx.Exec(ctx, `INSERT INTO privacy_deletions (territory_id, uid, by_staff, refs, kept, done_at) VALUES (?, ?, ?, ?, ?, ?)`,
		d.TerritoryID, d.UID, staff, string(refs), string(k), d.At)
	return err
}

// logFile is the deletion log's file, or "" when there is none.
func (s *Store) logFile() string {
	if s.logDir == "" {
		return ""
	}
	return filepath.Join(s.logDir, "privacy-deletions.log")
}

func (s *Store) appendLog(d deletion) error {
	path := s.logFile()
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	line, err := json.Marshal(d)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Replay applies again every erasure of the deletion log's file that the
// database does not know — the database was restored from a copy older
// than them — and says how many it applied. serve runs it at start.
func (s *Store) Replay(ctx context.Context) (int, error) {
	path := s.logFile()
	if path == "" {
		return 0, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	for sc.Scan() {
		var d deletion
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil || d.UID == "" {
			continue // a line cut short by a crash
		}
		var known int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM privacy_deletions WHERE uid = ?`, d.UID).Scan(&known); err != nil {
			return n, err
		}
		if known > 0 {
			continue
		}
		var exists int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM territories WHERE id = ?`, d.TerritoryID).Scan(&exists); err != nil {
			return n, err
		}
		if exists == 0 {
			continue
		}
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			kept, err := s.eraseRefs(ctx, tx, Subject{TerritoryID: d.TerritoryID}, d.Refs)
			if err != nil {
				return err
			}
			return s.writeDeletion(ctx, tx, d, 0, kept)
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, sc.Err()
}

// Deletions counts the erasures done in a territory since since.
func (s *Store) Deletions(ctx context.Context, territoryID int64, since time.Time) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM privacy_deletions WHERE territory_id = ? AND done_at >= ?`,
		territoryID, db.Time(since)).Scan(&n)
	return n, err
}

// Where is the condition on a table's account, e-mail and phone-key
// columns (each "" when the table has none) that selects s's rows, with
// its arguments; "" when it can select none. E-mails are compared in lower
// case (the stores' indexes are on lower(email)).
func (s Subject) Where(user, email, phoneKey string) (string, []any) {
	var or []string
	var args []any
	if user != "" && s.UserID != 0 {
		or = append(or, user+" = ?")
		args = append(args, s.UserID)
	}
	if email != "" && len(s.Emails) > 0 {
		or = append(or, "lower("+email+") IN ("+db.Marks(len(s.Emails))+")")
		for _, e := range s.Emails {
			args = append(args, e)
		}
	}
	if phoneKey != "" && len(s.Phones) > 0 {
		or = append(or, phoneKey+" IN ("+db.Marks(len(s.Phones))+")")
		for _, p := range s.Phones {
			args = append(args, p)
		}
	}
	if len(or) == 0 {
		return "", nil
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}
