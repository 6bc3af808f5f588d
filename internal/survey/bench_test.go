package survey_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/survey"
	"implique/internal/territory"
)

// Benchmarks of the results of one questionnaire with 100 000 responses,
// on both engines:
//
//	IMPLIQUE_TEST_POSTGRES=postgres://… go test ./internal/survey/ -run '^$' -bench . -benchtime 20x
//
// The responses are written in bulk, as Answer writes them, and the
// tallies are then counted by Retally: the seeding runs only here, never
// in the plain tests.

const (
	benchResponses = 100_000
	benchBaseline  = 10_000
)

// benchRow is one synthetic response: its row and its answers.
type benchRow struct {
	channel, paper, lang string
	placeID, eventID     int64
	answers              []benchAnswer
}

// benchAnswer is one survey_answers row (no typed text in this instrument).
type benchAnswer struct {
	question, choice string
	number           *float64
	declined         bool
}

// benchResponsesOf draws n responses to the belonging and loneliness
// instrument (deterministic): spread over the territory's places, one in
// ten typed from a paper form filled at one of the events, and a few
// « préfère ne pas répondre ».
func benchResponsesOf(n int, seed uint64, places []territory.Place, evs []events.Event) []benchRow {
	r := rand.New(rand.NewPCG(seed, 17))
	pick := func(codes ...string) string { return codes[r.IntN(len(codes))] }
	out := make([]benchRow, n)
	for i := range out {
		row := benchRow{channel: survey.ChannelWeb, lang: "fr"}
		if r.IntN(8) == 0 {
			row.lang = "en"
		}
		if r.IntN(10) == 0 {
			ev := evs[r.IntN(len(evs))]
			row.channel, row.paper, row.eventID = survey.ChannelPaper, fmt.Sprintf("F-%06d", i), ev.ID
		}
		add := func(question, choice string, declineOneIn int) bool {
			if r.IntN(declineOneIn) == 0 {
				row.answers = append(row.answers, benchAnswer{question: question, choice: survey.DeclineCode, declined: true})
				return false
			}
			row.answers = append(row.answers, benchAnswer{question: question, choice: choice})
			return true
		}
		p := places[r.IntN(len(places))]
		if add("lieu", p.Slug, 50) {
			row.placeID = p.ID
		} else if row.eventID != 0 {
			// As Answer does: no place chosen, the event's place.
			row.placeID = evs[slices.IndexFunc(evs, func(e events.Event) bool { return e.ID == row.eventID })].PlaceID
		}
		add("appartenance", pick("tres_fort", "plutot_fort", "plutot_fort", "plutot_faible", "tres_faible"), 40)
		score, items := 0.0, 0
		for _, q := range []string{"compagnie", "laisse_cote", "isole"} {
			v := pick("1", "1", "2", "2", "3")
			if add(q, v, 60) {
				x, _ := strconv.ParseFloat(v, 64)
				score += x
				items++
			}
		}
		// The loneliness score, stored as an answer of its own when every item has a number.
		if items == 3 {
			row.answers = append(row.answers, benchAnswer{question: "solitude", number: &score})
		}
		out[i] = row
	}
	return out
}

// seedWave writes rows as responses to wave w in multi-row INSERTs (the
// columns Answer writes), then counts the wave's tallies with Retally.
func seedWave(b *testing.B, f *fixture, d *db.DB, q survey.Questionnaire, w survey.Wave, rows []benchRow) {
	b.Helper()
	ctx := context.Background()
	now := f.clock.Now()
	nullID := func(id int64) any {
		if id == 0 {
			return nil
		}
		return id
	}
	const batch = 1000 // responses per transaction: 14 000 parameters, under both engines' limits
	for start := 0; start < len(rows); start += batch {
		part := rows[start:min(start+batch, len(rows))]
		err := d.InTx(ctx, func(tx *db.Tx) error {
			values := make([]string, len(part))
			args := make([]any, 0, 14*len(part))
			for i, r := range part {
				values[i] = "(?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, ?, NULL, ?)"
				var paper any
				if r.paper != "" {
					paper = r.paper
				}
				args = append(args, f.t.ID, w.ID, q.Published.ID, r.channel, paper, nullID(r.placeID), nullID(r.eventID),
					q.Audience, r.lang, now)
			}
			var ids []int64
			err := db.Each(ctx, tx, `INSERT INTO survey_responses (territory_id, wave_id, version_id, channel, paper_number, invitation_id,
				user_id, consent_at, place_id, event_id, audience, lang, entered_by, created_at) VALUES `+strings.Join(values, ", ")+
				` RETURNING id`, args, func(rs *sql.Rows) error {
				var id int64
				ids = append(ids, id)
				return rs.Scan(&ids[len(ids)-1])
			})
			if err != nil {
				return err
			}
			if len(ids) != len(part) {
				return fmt.Errorf("%d ids for %d responses", len(ids), len(part))
			}
			// Both engines number the rows of one INSERT in the order of its
			// VALUES; the verification before timing checks it.
			slices.Sort(ids)
			values, args = values[:0], args[:0]
			flush := func() error {
				if len(values) == 0 {
					return nil
				}
				_, err := tx.Exec(ctx, `INSERT INTO survey_answers (response_id, wave_id, question, choice, number, text, declined, moderation)
					VALUES `+strings.Join(values, ", "), args...)
				values, args = values[:0], args[:0]
				return err
			}
			for i, r := range part {
				for _, a := range r.answers {
					values = append(values, "(?, ?, ?, ?, ?, '', ?, '')")
					args = append(args, ids[i], w.ID, a.question, a.choice, a.number, a.declined)
				}
				if len(values) >= 2000 {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			return flush()
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	began := time.Now()
	if err := f.s.Retally(ctx, f.t.ID, w.ID); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d responses counted again by Retally in %v", w.Name, len(rows), time.Since(began).Round(time.Millisecond))
}

// checkSeeded verifies the seeded wave before anything is timed: its
// number of responses, one question's counts against the answers
// themselves, and that each answer belongs to its own response.
func checkSeeded(b *testing.B, f *fixture, d *db.DB, w survey.Wave, want int) {
	b.Helper()
	ctx := context.Background()
	r, err := f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: w.ID})
	if err != nil {
		b.Fatal(err)
	}
	if r.Responses != want {
		b.Fatalf("%s: %d responses in the results, want %d", w.Name, r.Responses, want)
	}
	direct := map[string]int{}
	err = db.Each(ctx, d, `SELECT choice, COUNT(*) FROM survey_answers WHERE wave_id = ? AND question = 'appartenance' GROUP BY choice`,
		[]any{w.ID}, func(rows *sql.Rows) error {
			var code string
			var n int
			err := rows.Scan(&code, &n)
			direct[code] = n
			return err
		})
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range r.Questions {
		if q.Question.Code != "appartenance" {
			continue
		}
		got := map[string]int{survey.DeclineCode: q.Declined}
		for _, o := range q.Options {
			got[o.Code] = o.Count
		}
		if fmt.Sprint(got) != fmt.Sprint(direct) {
			b.Fatalf("%s: belonging counts %v in the results, %v in the answers", w.Name, got, direct)
		}
	}
	var wrong int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
		JOIN places p ON p.id = r.place_id WHERE a.wave_id = ? AND a.question = 'lieu' AND NOT a.declined AND a.choice <> p.slug`,
		w.ID).Scan(&wrong); err != nil || wrong != 0 {
		b.Fatalf("%s: %d answers under another response (%v)", w.Name, wrong, err)
	}
}

// BenchmarkResults reads the results of one wave of 100 000 responses to
// the belonging and loneliness instrument (and a baseline wave of 10 000)
// on each engine: for the whole territory, for Bécancour and its
// secteurs, the comparison of the two waves, the portrait's headlines,
// and one more response through Answer, the cost of keeping the tallies.
func BenchmarkResults(b *testing.B) {
	for _, engine := range []struct {
		name string
		open func(testing.TB, dbtest.Migrator) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			d := engine.open(b, jobs.MigrateAll)
			f := newFixture(b, d)
			ctx := context.Background()
			qid, err := f.s.LoadInstrument(ctx, f.t.ID, "appartenance-solitude", 0)
			if err != nil {
				b.Fatal(err)
			}
			q, err := f.s.Get(ctx, f.t.ID, qid)
			if err != nil {
				b.Fatal(err)
			}
			wave := func(name, opens, closes string) survey.Wave {
				id, err := f.s.CreateWave(ctx, f.t.ID, qid, survey.WaveInput{Name: name, Opens: opens, Closes: closes})
				if err != nil {
					b.Fatal(err)
				}
				w, err := f.s.Wave(ctx, f.t.ID, id)
				if err != nil {
					b.Fatal(err)
				}
				return w
			}
			base := wave("Portrait 2025", "2025-11-01", "2025-12-31")
			cur := wave("Portrait 2026", "2026-11-01", "2026-12-31")
			places, err := f.a.Territories.Places(ctx, f.t.ID)
			if err != nil {
				b.Fatal(err)
			}
			var evs []events.Event
			for i, slug := range []string{"manseau", "fortierville", "becancour-gentilly", "saint-pierre-les-becquets"} {
				starts := f.clock.Now().Add(time.Duration(24*(i+1)) * time.Hour)
				ev, err := f.a.Events.Create(ctx, f.t.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen " + strconv.Itoa(i+1),
					PlaceSlug: slug, VenueName: "Salle municipale", StartsAt: starts, EndsAt: starts.Add(3 * time.Hour)})
				if err != nil {
					b.Fatal(err)
				}
				evs = append(evs, ev)
			}
			began := time.Now()
			seedWave(b, f, d, q, base, benchResponsesOf(benchBaseline, 2025, places, evs))
			seedWave(b, f, d, q, cur, benchResponsesOf(benchResponses, 2026, places, evs))
			b.Logf("seeded %d + %d responses, their answers and tallies in %v", benchResponses, benchBaseline,
				time.Since(began).Round(time.Millisecond))
			checkSeeded(b, f, d, base, benchBaseline)
			checkSeeded(b, f, d, cur, benchResponses)
			var tallies int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM survey_tallies WHERE wave_id = ?`, cur.ID).Scan(&tallies); err != nil {
				b.Fatal(err)
			}
			b.Logf("%d tally rows for the wave of %d responses", tallies, benchResponses)

			if d.Engine == db.Postgres {
				// What autovacuum does after such a load: the statistics, and
				// the visibility map the index-only scans need.
				if _, err := d.Exec(ctx, "VACUUM ANALYZE survey_responses, survey_answers, survey_tallies"); err != nil {
					b.Fatal(err)
				}
			}
			for _, c := range []struct {
				name string
				run  func() error
			}{
				{"territory", func() error {
					_, err := f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: cur.ID})
					return err
				}},
				{"place", func() error {
					_, err := f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: cur.ID, Place: "becancour"})
					return err
				}},
				{"compare", func() error {
					_, err := f.s.Compare(ctx, f.t.ID, survey.Filter{WaveID: base.ID}, survey.Filter{WaveID: cur.ID})
					return err
				}},
				{"headlines", func() error {
					figs, err := f.s.Headlines(ctx, f.t.ID, "")
					if err == nil && (len(figs) == 0 || figs[0].Wave != cur.Name) {
						err = fmt.Errorf("headlines %+v", figs)
					}
					return err
				}},
			} {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if err := c.run(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			// Last: each response it adds changes the counts.
			b.Run("answer", func(b *testing.B) {
				b.ReportAllocs()
				who := survey.Respondent{Channel: survey.ChannelWeb}
				i := 0
				for b.Loop() {
					i++
					v := vals("lieu", places[i%len(places)].Slug, "appartenance", "plutot_fort",
						"compagnie", strconv.Itoa(1+i%3), "laisse_cote", "2", "isole", "1")
					if _, err := f.s.Answer(ctx, f.t.ID, cur.ID, who, survey.Submission{Lang: "fr", Values: v}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
