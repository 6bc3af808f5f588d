package survey

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/territory"
)

// Channels: how an answer arrived.
const (
	ChannelWeb   = "web"   // the public page
	ChannelLink  = "link"  // a private link
	ChannelPaper = "paper" // a paper form typed by staff
)

// Respondent says who answers and how.
type Respondent struct {
	Channel string
	// UserID is the signed-in person (kept only for an identified questionnaire).
	UserID int64
	// Token is the private link's token (ChannelLink).
	Token string
	// EnteredBy is the staff member typing a paper form, PaperNumber the
	// number written on it, EventID the event it was filled at (0: none).
	EnteredBy   int64
	PaperNumber string
	EventID     int64
	// Audience is who answered, when staff typing a paper form know it
	// ("": the questionnaire's audience).
	Audience string
}

// Submission is what a respondent answered: the form's values by question code.
type Submission struct {
	Lang    string
	Values  map[string][]string
	Consent bool
}

// answer is one stored answer row.
type answer struct {
	question, choice string
	number           *float64
	text             string
	declined         bool
}

// MaxPaperNumber bounds a paper form's number.
const MaxPaperNumber = 20

// ReadNumber reads a number as people type it in Québec (« 2,5 », « 1 200 »).
func ReadNumber(s string) (float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(strings.TrimSpace(s))
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && v == v && v < 1e12 && v > -1e12
}

// parse checks a submission against a version; it returns the answers to
// store and the place chosen (its slug) — or the problems, by field.
func parse(def Definition, places map[string]territory.Place, sub Submission) ([]answer, string, error) {
	f := errs.Fields{}
	var out []answer
	chosen := map[string][]string{}
	place := ""
	for _, q := range def.Questions() {
		field := "q_" + q.Code
		if c := q.ShowIf; c != nil {
			shown := false
			for _, v := range chosen[c.Question] {
				shown = shown || v == c.Equals
			}
			if !shown {
				continue
			}
		}
		var vals []string
		declined := false
		for _, v := range sub.Values[q.Code] {
			v = strings.TrimSpace(v)
			if v == DeclineCode && q.Decline {
				declined = true
			} else if v != "" {
				vals = append(vals, v)
			}
		}
		if declined {
			out = append(out, answer{question: q.Code, choice: DeclineCode, declined: true})
			continue
		}
		if len(vals) == 0 {
			if q.Required {
				f.Add(field, "errors.survey_required")
			}
			continue
		}
		switch {
		case q.Kind == KindPlace:
			p, ok := places[vals[0]]
			if len(vals) > 1 || !ok {
				f.Add(field, "errors.survey_choice_unknown")
				continue
			}
			place = p.Slug
			chosen[q.Code] = []string{p.Slug}
			out = append(out, answer{question: q.Code, choice: p.Slug})
		case q.HasChoices():
			if q.Kind != KindMultiple && len(vals) > 1 {
				f.Add(field, "errors.survey_one_choice")
				continue
			}
			seen := map[string]bool{}
			bad := false
			for _, v := range vals {
				if _, ok := q.Option(v); !ok {
					bad = true
				}
				if !seen[v] {
					seen[v] = true
					chosen[q.Code] = append(chosen[q.Code], v)
					out = append(out, answer{question: q.Code, choice: v})
				}
			}
			if bad {
				f.Add(field, "errors.survey_choice_unknown")
			}
		case q.Numeric():
			v, ok := ReadNumber(vals[0])
			switch {
			case len(vals) > 1 || !ok:
				f.Add(field, "errors.survey_number")
			case q.Min != nil && v < *q.Min, q.Max != nil && v > *q.Max:
				f.Add(field, "errors.survey_number_bounds")
			default:
				out = append(out, answer{question: q.Code, number: &v})
			}
		case q.Typed():
			text := strings.Join(vals, "\n")
			max := MaxAnswerText
			if q.Kind == KindShort {
				max = 300
			}
			if utf8.RuneCountInString(text) > max {
				f.Add(field, "errors.too_long")
				continue
			}
			out = append(out, answer{question: q.Code, text: text})
		}
	}
	if err := f.Err(); err != nil {
		return nil, "", err
	}
	// The scores: only when every item was answered with a number.
	for _, sc := range def.Scores {
		total, items := 0.0, 0
		for _, a := range out {
			for _, c := range sc.Questions {
				if a.question != c || a.declined {
					continue
				}
				if a.number != nil {
					total += *a.number
					items++
				} else if v, err := strconv.ParseFloat(a.choice, 64); err == nil {
					total += v
					items++
				}
			}
		}
		if items == len(sc.Questions) {
			v := total
			out = append(out, answer{question: sc.Code, number: &v})
		}
	}
	return out, place, nil
}

// numberCode is how a number is counted in the tallies.
func numberCode(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// placesBySlug are the territory's places, by slug.
func (s *Store) placesBySlug(ctx context.Context, territoryID int64) (map[string]territory.Place, error) {
	ps, err := s.territories.Places(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]territory.Place, len(ps))
	for _, p := range ps {
		out[p.Slug] = p
	}
	return out, nil
}

// Answer records one response to a wave, with its counts, in one
// transaction; nothing is written when anything is wrong.
func (s *Store) Answer(ctx context.Context, territoryID, waveID int64, who Respondent, sub Submission) (int64, error) {
	w, err := s.Wave(ctx, territoryID, waveID)
	if err != nil {
		return 0, err
	}
	q, err := s.Get(ctx, territoryID, w.QuestionnaireID)
	if err != nil {
		return 0, err
	}
	if q.Published == nil {
		return 0, errs.New(errs.Conflict, "errors.survey_not_published")
	}
	today, err := s.today(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	// Paper forms filled while the wave was open may be typed after it closed.
	if who.Channel != ChannelPaper && !w.OpenOn(today) {
		return 0, errs.New(errs.Conflict, "errors.survey_closed")
	}
	var inv Invitation
	if who.Channel == ChannelLink {
		if inv, err = s.invitation(ctx, territoryID, who.Token); err != nil {
			return 0, err
		}
		if inv.WaveID != w.ID {
			return 0, errs.New(errs.NotFound, "errors.survey_link_not_found")
		}
		if inv.Used {
			return 0, errs.New(errs.Conflict, "errors.survey_link_used")
		}
		who.EventID = inv.EventID
	}
	places, err := s.placesBySlug(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	answers, placeSlug, err := parse(q.Published.Def, places, sub)
	f := errs.Fields{}
	if err != nil {
		e, ok := errs.As(err)
		if !ok || e.Fields == nil {
			return 0, err
		}
		for k, v := range e.Fields {
			f[k] = v
		}
	}
	paper := strings.TrimSpace(who.PaperNumber)
	if who.Channel == ChannelPaper {
		switch {
		case paper == "":
			f.Add("paper_number", "errors.required")
		case utf8.RuneCountInString(paper) > MaxPaperNumber:
			f.Add("paper_number", "errors.too_long")
		}
	}
	// Who answered, where it is known: a paper form says it, or was filled
	// at an event; a link sent after an event reached its attendees.
	audience := q.Audience
	switch {
	case who.Channel == ChannelPaper && who.Audience != "":
		if !slices.Contains(Audiences, who.Audience) {
			f.Add("audience", "errors.survey_audience_unknown")
		}
		audience = who.Audience
	case who.EventID != 0:
		audience = AudienceAttendees
	}
	identified := !q.Anonymous && who.Channel != ChannelPaper
	if identified && !sub.Consent {
		f.Add("consent", "errors.survey_consent")
	}
	if identified && who.UserID == 0 && who.Channel == ChannelWeb {
		return 0, errs.New(errs.Forbidden, "errors.survey_sign_in")
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	var placeID, eventID int64
	if p, ok := places[placeSlug]; ok {
		placeID = p.ID
	}
	if who.EventID != 0 {
		ev, err := s.events.Get(ctx, territoryID, who.EventID)
		if err != nil {
			return 0, errs.Fields{"event": "errors.survey_event_unknown"}.Err()
		}
		eventID = ev.ID
		if placeID == 0 {
			placeID = ev.PlaceID
		}
	}
	lang := sub.Lang
	if lang != "en" {
		lang = "fr"
	}
	now := s.now()
	// An anonymous response keeps its day only, so that no time joins it
	// to the private link it came through (which records only its use).
	created, answeredAt := now, any(now)
	if q.Anonymous {
		t, err := s.territories.ByID(ctx, territoryID)
		if err != nil {
			return 0, err
		}
		local := now.In(t.Location())
		created, answeredAt = time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, t.Location()).UTC(), nil
	}
	// One answer per private link, whether the answer keeps it or not.
	use := func(exec func(context.Context, string, ...any) (sql.Result, error)) error {
		res, err := exec(ctx, `UPDATE survey_invitations SET used = TRUE, answered_at = ? WHERE id = ? AND NOT used`, answeredAt, inv.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.Conflict, "errors.survey_link_used")
		}
		return nil
	}
	// An anonymous answer's link is marked used in a transaction of its
	// own: rows written by one transaction carry its number (PostgreSQL's
	// xmin), which would join them. Should the answer then fail, the link
	// is given back.
	apart := inv.ID != 0 && !identified
	if apart {
		if err := use(s.db.Exec); err != nil {
			return 0, err
		}
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var user, consent, invitation, paperNumber any
		if identified {
			user, consent = nullID(who.UserID), now
			if inv.ID != 0 {
				invitation = inv.ID
			}
		}
		if who.Channel == ChannelPaper {
			paperNumber = paper
		}
		if inv.ID != 0 && !apart {
			if err := use(tx.Exec); err != nil {
				return err
			}
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO survey_responses (territory_id, wave_id, version_id, channel, paper_number, invitation_id,
			user_id, consent_at, place_id, event_id, audience, lang, entered_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, w.ID, q.Published.ID, who.Channel, paperNumber, invitation, user, consent, nullID(placeID), nullID(eventID),
			audience, lang, nullID(who.EnteredBy), created)
		if db.IsUniqueViolation(err) {
			if who.Channel == ChannelPaper {
				return errs.Fields{"paper_number": "errors.survey_paper_taken"}.Err()
			}
			return errs.New(errs.Conflict, "errors.survey_already_answered")
		}
		if err != nil {
			return err
		}
		if len(answers) > 0 {
			// One statement for all the answers.
			var b strings.Builder
			args := make([]any, 0, 8*len(answers))
			b.WriteString(`INSERT INTO survey_answers (response_id, wave_id, question, choice, number, text, declined, moderation) VALUES `)
			for i, a := range answers {
				moderation := ""
				if a.text != "" {
					moderation = ModerationPending
				}
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, id, w.ID, a.question, a.choice, a.number, a.text, a.declined, moderation)
			}
			if _, err := tx.Exec(ctx, b.String(), args...); err != nil {
				return err
			}
		}
		return tally(ctx, tx, w.ID, placeID, eventID, audience, answers, 1)
	})
	if err != nil {
		if apart {
			if _, e := s.db.Exec(ctx, `UPDATE survey_invitations SET used = FALSE WHERE id = ?`, inv.ID); e != nil {
				return 0, errors.Join(err, e)
			}
		}
		return 0, err
	}
	return id, nil
}

// tally adds (delta 1) or takes away (-1) one response's counts.
func tally(ctx context.Context, tx *db.Tx, waveID, placeID, eventID int64, audience string, answers []answer, delta int) error {
	counts := map[[2]string]int{{ResponsesKey, ""}: 1}
	answered := map[string]bool{}
	for _, a := range answers {
		code := a.choice
		if a.number != nil {
			code = numberCode(*a.number)
		}
		switch {
		case a.declined:
			counts[[2]string{a.question, DeclineCode}]++
		case a.text != "":
			answered[a.question] = true
		default:
			answered[a.question] = true
			counts[[2]string{a.question, code}]++
		}
	}
	for q := range answered {
		counts[[2]string{q, ""}]++
	}
	// One statement for all the counts, in a fixed order (two responses
	// at once lock the same rows in the same order).
	keys := make([][2]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	var b strings.Builder
	args := make([]any, 0, 7*len(keys))
	b.WriteString(`INSERT INTO survey_tallies (wave_id, question, code, place_id, event_id, audience, n) VALUES `)
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?)")
		args = append(args, waveID, k[0], k[1], placeID, eventID, audience, counts[k]*delta)
	}
	b.WriteString(` ON CONFLICT (wave_id, question, code, place_id, event_id, audience) DO UPDATE SET n = survey_tallies.n + excluded.n`)
	_, err := tx.Exec(ctx, b.String(), args...)
	return err
}

// ResponsesKey is the tallies' pseudo-question counting the responses.
const ResponsesKey = "_"

// Moderation of typed answers.
const (
	ModerationPending  = "pending"
	ModerationApproved = "approved"
	ModerationHidden   = "hidden"
)

// Answered reports whether a person already answered a wave (identified
// questionnaires keep who answered; anonymous ones cannot tell).
func (s *Store) Answered(ctx context.Context, territoryID, waveID, userID int64) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE territory_id = ? AND wave_id = ? AND user_id = ?`,
		territoryID, waveID, userID).Scan(&n)
	return n > 0, err
}
