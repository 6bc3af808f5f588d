package volunteering

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/mail"
	"implique/internal/territory"
)

// The weekly digest: once a week at most, to people who asked for it, the
// new opportunities that fit them well.
const (
	// DigestMinScore is the fit an opportunity needs to be in a digest.
	DigestMinScore = 60
	// DigestMax is how many opportunities a digest names at most.
	DigestMax = 5
	// digestBatch is how many people one transaction writes to.
	digestBatch = 200
	// digestBudget is how long one run sends before leaving the rest to
	// the next hourly run (jobs time out after two minutes).
	digestBudget = 75 * time.Second
)

// DigestArgs is the periodic job that sends the week's digests.
type DigestArgs struct{}

// Kind names the job.
func (DigestArgs) Kind() string { return "volunteer_digest" }

// DigestWorker sends the digests due; running it twice sends nothing twice.
type DigestWorker struct {
	river.WorkerDefaults[DigestArgs]
	store func() *Store
}

// NewDigestWorker returns the digest worker. The store is given as a
// function because it is built after the job runner it queues e-mails on.
func NewDigestWorker(store func() *Store) *DigestWorker { return &DigestWorker{store: store} }

// Work sends what is due.
func (w *DigestWorker) Work(ctx context.Context, _ *river.Job[DigestArgs]) error {
	_, err := w.store().SendDigests(ctx)
	return err
}

// Week names the ISO week of t: « 2026-W23 ».
func Week(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// SendDigests sends this week's digest to every person who asked for it
// and has new opportunities that fit, in every territory. A person gets
// one digest a week at most, whatever happens (the week is written with
// the e-mail, in one transaction). It returns how many it sent.
func (s *Store) SendDigests(ctx context.Context) (int, error) {
	var ids []int64
	err := db.Each(ctx, s.db, `SELECT DISTINCT territory_id FROM volunteer_profiles WHERE digest = ? ORDER BY territory_id`, []any{true},
		func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, id := range ids {
		n, err := s.sendDigests(ctx, id)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// DigestItem is one person's digest: the new opportunities that fit them.
type DigestItem struct {
	UserID  int64
	Matches []ranked
}

// DigestPlan is who gets which opportunities this week in a territory.
type DigestPlan struct {
	Week  string
	Since time.Time
	Items []DigestItem
	// Considered is how many people asked for the digest (and did not get
	// this week's yet); New how many opportunities appeared since.
	Considered int
	New        int
}

// PlanDigest works out this week's digest for a territory without
// sending anything: the opportunities published since the previous week's
// run (a week ago for the first), scored for each person who asked.
func (s *Store) PlanDigest(ctx context.Context, territoryID int64) (DigestPlan, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return DigestPlan{}, err
	}
	now := s.now()
	plan := DigestPlan{Week: Week(now.In(t.Location())), Since: now.AddDate(0, 0, -7)}
	var last time.Time
	err = s.db.QueryRow(ctx, `SELECT started_at FROM volunteer_digest_runs WHERE territory_id = ? AND week <> ?
		ORDER BY started_at DESC LIMIT 1`, territoryID, plan.Week).Scan(&last)
	switch {
	case err == nil && last.After(plan.Since):
		plan.Since = last
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return plan, err
	}
	places, err := s.territories.Places(ctx, territoryID)
	if err != nil {
		return plan, err
	}
	g := newGeo(places)
	// The new opportunities, read once.
	q, args := s.candidateQuery(territoryID, Seeker{}, g, &plan.Since)
	var fresh []candidate
	err = db.Each(ctx, s.db, q, args, func(rows *sql.Rows) error {
		var c candidate
		if err := scanCandidate(rows, &c, new(time.Time)); err != nil {
			return err
		}
		fresh = append(fresh, c)
		return nil
	})
	if err != nil {
		return plan, err
	}
	plan.New = len(fresh)
	if len(fresh) == 0 {
		return plan, nil
	}
	// Who already said they are interested in one of them.
	applied := map[[2]int64]bool{}
	args = []any{territoryID}
	for _, c := range fresh {
		args = append(args, c.id)
	}
	err = db.Each(ctx, s.db, `SELECT user_id, opportunity_id FROM volunteer_applications WHERE territory_id = ?
		AND opportunity_id IN (`+db.Marks(len(fresh))+`)`, args, func(rows *sql.Rows) error {
		var k [2]int64
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return err
		}
		applied[k] = true
		return nil
	})
	if err != nil {
		return plan, err
	}
	// Everyone who asked and has not had this week's digest.
	rows, err := s.db.Query(ctx, `SELECT v.user_id, COALESCE(v.place_id, 0), v.causes, v.skills, v.languages, v.availability, v.max_km,
		v.mobility, v.age_band, v.student FROM volunteer_profiles v
		LEFT JOIN volunteer_digest_sent d ON d.territory_id = v.territory_id AND d.user_id = v.user_id AND d.week = ?
		WHERE v.territory_id = ? AND v.digest = ? AND d.user_id IS NULL ORDER BY v.user_id`, plan.Week, territoryID, true)
	if err != nil {
		return plan, err
	}
	defer rows.Close()
	var sk Seeker
	var uid, causes, skills, langs, avail int64
	var maxKm sql.NullInt64
	var mobility string
	for rows.Next() {
		if err := rows.Scan(&uid, &sk.PlaceID, &causes, &skills, &langs, &avail, &maxKm, &mobility, &sk.AgeBand, &sk.Student); err != nil {
			return plan, err
		}
		sk.Causes, sk.Skills, sk.Languages, sk.Availability = Mask(causes), Mask(skills), Mask(langs), Availability(avail)
		sk.Mobility = Mobility(mobility)
		sk.MaxKm = nil
		if maxKm.Valid {
			v := int(maxKm.Int64)
			sk.MaxKm = &v
		}
		plan.Considered++
		prep := prepare(sk, g)
		var best top
		for i := range fresh {
			c := &fresh[i]
			if applied[[2]int64{uid, c.id}] {
				continue
			}
			f := score(prep, *c)
			if f.Excluded != NotExcluded || f.Score < DigestMinScore {
				continue
			}
			if best.list == nil {
				best = top{n: DigestMax, list: make([]ranked, 0, DigestMax+1)}
			}
			best.offer(c.id, &f)
		}
		if len(best.list) > 0 {
			plan.Items = append(plan.Items, DigestItem{UserID: uid, Matches: best.list})
		}
	}
	return plan, rows.Err()
}

// sendDigests runs this week's digest of one territory.
func (s *Store) sendDigests(ctx context.Context, territoryID int64) (int, error) {
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	week := Week(s.now().In(t.Location()))
	var finished sql.NullTime
	err = s.db.QueryRow(ctx, `SELECT finished_at FROM volunteer_digest_runs WHERE territory_id = ? AND week = ?`, territoryID, week).Scan(&finished)
	switch {
	case err == nil && finished.Valid:
		return 0, nil // this week's digest is out
	case errors.Is(err, sql.ErrNoRows):
		if _, err := s.db.Exec(ctx, `INSERT INTO volunteer_digest_runs (territory_id, week, started_at) VALUES (?, ?, ?)
			ON CONFLICT (territory_id, week) DO NOTHING`, territoryID, week, s.now()); err != nil {
			return 0, err
		}
	case err != nil:
		return 0, err
	}
	plan, err := s.PlanDigest(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	secret, err := s.auth.Secret(ctx, digestSecret)
	if err != nil {
		return 0, err
	}
	sent := 0
	began := time.Now()
	for start := 0; start < len(plan.Items); start += digestBatch {
		if time.Since(began) > digestBudget {
			// The rest goes out at the next run: the week stays open, and
			// who got theirs is written down.
			return sent, nil
		}
		batch := plan.Items[start:min(start+digestBatch, len(plan.Items))]
		n, err := s.sendDigestBatch(ctx, t, plan.Week, batch, secret)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	_, err = s.db.Exec(ctx, `UPDATE volunteer_digest_runs SET finished_at = ? WHERE territory_id = ? AND week = ?`, s.now(), territoryID, week)
	return sent, err
}

func (s *Store) sendDigestBatch(ctx context.Context, t territory.Territory, week string, batch []DigestItem, secret []byte) (int, error) {
	ids := make([]int64, len(batch))
	var oppIDs []int64
	seen := map[int64]bool{}
	for i, it := range batch {
		ids[i] = it.UserID
		for _, m := range it.Matches {
			if !seen[m.id] {
				seen[m.id] = true
				oppIDs = append(oppIDs, m.id)
			}
		}
	}
	people, err := s.people(ctx, ids)
	if err != nil {
		return 0, err
	}
	opps, err := s.opportunitiesByID(ctx, t.ID, oppIDs)
	if err != nil {
		return 0, err
	}
	byID := make(map[int64]Opportunity, len(opps))
	for _, o := range opps {
		byID[o.ID] = o
	}
	sent := 0
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, it := range batch {
			p, ok := people[it.UserID]
			if !ok || p.Email == "" {
				continue
			}
			res, err := tx.Exec(ctx, `INSERT INTO volunteer_digest_sent (territory_id, user_id, week, opportunities, sent_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (territory_id, user_id, week) DO NOTHING`, t.ID, it.UserID, week, len(it.Matches), s.now())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // sent already this week
			}
			msg := s.digestMessage(t, p, it, byID, UnsubscribeToken(secret, it.UserID))
			if _, err := s.mailer.QueueTx(ctx, tx, t.ID, msg); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return sent, nil
}

// digestMessage writes one person's digest in their language.
func (s *Store) digestMessage(t territory.Territory, p PersonRef, it DigestItem, byID map[int64]Opportunity, token string) mail.Message {
	lang := p.Lang
	T := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	var b strings.Builder
	n := len(it.Matches)
	subject := T("mail.volunteer.digest.subject_other", n)
	if n == 1 {
		subject = T("mail.volunteer.digest.subject_one")
		b.WriteString(T("mail.volunteer.digest.intro_one", p.DisplayName()))
	} else {
		b.WriteString(T("mail.volunteer.digest.intro_other", p.DisplayName(), n))
	}
	b.WriteString("\n\n")
	for _, m := range it.Matches {
		o, ok := byID[m.id]
		if !ok {
			continue
		}
		e := s.Explain(lang, t.Location(), m.fit)
		fmt.Fprintf(&b, "• %s — %s\n", o.Title, o.Organization.Name)
		if e.Why != "" {
			fmt.Fprintf(&b, "  %s\n", e.Why)
		}
		fmt.Fprintf(&b, "  %s/s-impliquer/offres/%s\n\n", s.baseURL, o.Slug)
	}
	unsubscribe := s.baseURL + "/s-impliquer/desabonnement/" + token
	b.WriteString(T("mail.volunteer.digest.why_you", s.baseURL+"/s-impliquer/profil"))
	b.WriteString("\n\n")
	b.WriteString(T("mail.volunteer.digest.unsubscribe", unsubscribe))
	b.WriteString("\n\n-- \n" + t.MailFooter())
	return mail.Message{
		To:      p.Email,
		Subject: subject,
		Text:    b.String(),
		Secrets: []string{token},
		Headers: map[string]string{
			"List-Unsubscribe":      "<" + unsubscribe + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
	}
}

// digestSecret names the instance secret that signs unsubscribe links.
const digestSecret = "volunteer_digest"

// UnsubscribeToken signs a person's unsubscribe link: it works without
// signing in, for as long as the instance's secret lives.
func UnsubscribeToken(secret []byte, userID int64) string {
	id := strconv.FormatInt(userID, 10)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("digest-unsubscribe:" + id))
	return id + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18])
}

// UnsubscribeUser reads the person an unsubscribe token is for.
func (s *Store) UnsubscribeUser(ctx context.Context, token string) (int64, error) {
	id, _, ok := strings.Cut(token, ".")
	userID, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || userID <= 0 {
		return 0, errs.New(errs.NotFound, "errors.volunteer_unsubscribe_link")
	}
	secret, err := s.auth.Secret(ctx, digestSecret)
	if err != nil {
		return 0, err
	}
	if !hmac.Equal([]byte(UnsubscribeToken(secret, userID)), []byte(token)) {
		return 0, errs.New(errs.NotFound, "errors.volunteer_unsubscribe_link")
	}
	return userID, nil
}

// Unsubscribe stops the digest of the person the token names, without
// signing in. Using the link twice is harmless.
func (s *Store) Unsubscribe(ctx context.Context, territoryID int64, token string) error {
	uid, err := s.UnsubscribeUser(ctx, token)
	if err != nil {
		return err
	}
	return s.StopDigest(ctx, territoryID, uid)
}
