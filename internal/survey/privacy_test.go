package survey_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/jobs"
	"implique/internal/privacy"
	"implique/internal/testkit"
)

func TestPrivacySurveys(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		now := f.clock.Now()
		tid := f.t.ID
		var h privacy.Holder = f.s
		var c privacy.Consenter = f.s
		me, err := f.a.Auth.CreateUser(ctx, auth.NewUser{Email: "sophie.sujet@example.org", Name: "Sophie Sujet"}, tid)
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.a.Auth.CreateUser(ctx, auth.NewUser{Email: "omar.autre@example.org", Name: "Omar Autre"}, tid)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := f.a.Events.Create(ctx, tid, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "manseau",
			VenueName: "Salle municipale", StartsAt: now.Add(time.Hour), EndsAt: now.Add(3 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.Events.Publish(ctx, tid, ev.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		register := func(name, email, phone string) int64 {
			out, err := f.a.Events.Register(ctx, tid, ev.ID, events.RegistrationInput{Name: name, Email: email, Phone: phone, PartySize: 1},
				events.SourceWeb)
			if err != nil {
				t.Fatal(err)
			}
			return out.Registration.ID
		}
		regMe := register("Sophie Sujet", "", "819 555-0101") // found by her phone
		regOther := register("Omar Autre", "omar.autre@example.org", "819 555-0102")

		qid, err := d.InsertID(ctx, `INSERT INTO survey_questionnaires (territory_id, audience, anonymous, created_at, updated_at)
			VALUES (?, 'participants', FALSE, ?, ?) RETURNING id`, tid, now, now)
		if err != nil {
			t.Fatal(err)
		}
		vid, err := d.InsertID(ctx, `INSERT INTO survey_versions (territory_id, questionnaire_id, number, definition, published_at, created_at, updated_at)
			VALUES (?, ?, 1, '{}', ?, ?, ?) RETURNING id`, tid, qid, now, now, now)
		if err != nil {
			t.Fatal(err)
		}
		wave := func(name string, closed any) int64 {
			id, err := d.InsertID(ctx, `INSERT INTO survey_waves (territory_id, questionnaire_id, name, opens_on, closed_at, created_at)
				VALUES (?, ?, ?, '2020-01-01', ?, ?) RETURNING id`, tid, qid, name, closed, now)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		invite := func(wave int64, reg, answered any) int64 {
			id, err := d.InsertID(ctx, `INSERT INTO survey_invitations (territory_id, wave_id, event_id, registration_id, nonce, token_hash, created_at, answered_at, used)
				VALUES (?, ?, ?, ?, 'n', ?, ?, ?, ?) RETURNING id`, tid, wave, ev.ID, reg, "h"+time.Now().Format(time.RFC3339Nano), now, answered,
				answered != nil)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		respond := func(wave int64, inv, user any, text string) int64 {
			id, err := d.InsertID(ctx, `INSERT INTO survey_responses (territory_id, wave_id, version_id, channel, invitation_id, user_id, consent_at,
				audience, lang, created_at) VALUES (?, ?, ?, 'link', ?, ?, ?, 'participants', 'fr', ?) RETURNING id`, tid, wave, vid, inv, user, now, now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Exec(ctx, `INSERT INTO survey_answers (response_id, wave_id, question, choice, text, moderation)
				VALUES (?, ?, 'satisfaction', 'tres', '', ''), (?, ?, 'commentaire', '', ?, 'pending')`, id, wave, id, wave, text); err != nil {
				t.Fatal(err)
			}
			return id
		}
		w1 := wave("Soupers 2026", now.Add(-time.Hour))
		w2 := wave("Bénévoles 2026", nil)
		invMe := invite(w1, regMe, now)
		invMe2 := invite(w2, regMe, nil)
		invOther := invite(w1, regOther, now)
		rMe1 := respond(w1, invMe, nil, "Merci, c’était Sophie Sujet de Manseau")
		rMe2 := respond(w2, nil, me.ID, "Je suis Sophie Sujet")
		rOther := respond(w1, invOther, other.ID, "Omar Autre a aimé")
		sub := privacy.Subject{TerritoryID: tid, UserID: me.ID, Emails: []string{"sophie.sujet@example.org"},
			Phones: []string{i18n.PhoneKey("819 555-0101")}}

		t.Run("find", func(t *testing.T) {
			recs, err := h.Find(ctx, d, sub)
			if err != nil {
				t.Fatal(err)
			}
			got := map[privacy.Ref]bool{}
			for _, r := range recs {
				got[r.Ref] = true
				for _, fl := range r.Fields {
					if strings.Contains(fl.Value, "Omar") {
						t.Errorf("the other's answer in %+v", r)
					}
				}
			}
			want := []privacy.Ref{{Table: "survey_invitations", ID: invMe}, {Table: "survey_invitations", ID: invMe2},
				{Table: "survey_responses", ID: rMe1}, {Table: "survey_responses", ID: rMe2}}
			if len(got) != len(want) {
				t.Errorf("records = %+v", recs)
			}
			for _, r := range want {
				if !got[r] {
					t.Errorf("%v not found", r)
				}
			}
		})

		t.Run("consents", func(t *testing.T) {
			cs, err := c.Consents(ctx, sub)
			if err != nil || len(cs) != 2 || cs[0].Purpose != privacy.Survey {
				t.Fatalf("Consents = %+v, %v", cs, err)
			}
			err = c.Withdraw(ctx, sub, privacy.Ref{Table: "survey_responses", ID: rOther})
			testkit.WantCode(t, err, errs.NotFound)
			for range 2 {
				if err := c.Withdraw(ctx, sub, privacy.Ref{Table: "survey_responses", ID: rMe2}); err != nil {
					t.Fatal(err)
				}
			}
			if cs, _ := c.Consents(ctx, sub); len(cs) != 1 {
				t.Errorf("after a withdrawal: %+v", cs)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_answers WHERE response_id = ? AND text <> ''`, rMe2); n != 0 {
				t.Errorf("a withdrawn response keeps %d written answers", n)
			}
		})

		t.Run("erase", func(t *testing.T) {
			refs := []privacy.Ref{{Table: "survey_invitations", ID: invMe}, {Table: "survey_invitations", ID: invMe2},
				{Table: "survey_responses", ID: rMe1}, {Table: "survey_responses", ID: rMe2}, {Table: "registrations", ID: regMe}}
			for range 2 {
				var kept []privacy.Kept
				err := d.InTx(ctx, func(tx *db.Tx) error {
					var err error
					kept, err = h.Erase(ctx, tx, sub, refs)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(kept) != 2 || kept[0] != (privacy.Kept{Category: "survey.responses", Reason: "privacy.kept.survey.responses", Count: 2}) ||
					kept[1] != (privacy.Kept{Category: "survey.invitations", Reason: "privacy.kept.survey.invitations", Count: 1}) {
					t.Errorf("kept = %+v", kept)
				}
			}
			for _, q := range []string{
				`SELECT COUNT(*) FROM survey_answers WHERE lower(text) LIKE '%sophie%'`,
				`SELECT COUNT(*) FROM survey_invitations WHERE registration_id = ` + itoa(regMe),
				`SELECT COUNT(*) FROM survey_responses WHERE user_id = ` + itoa(me.ID),
				`SELECT COUNT(*) FROM survey_responses WHERE id = ` + itoa(rMe1) + ` AND (invitation_id IS NOT NULL OR consent_at IS NOT NULL)`,
			} {
				if n := testkit.Count(t, d, q); n != 0 {
					t.Errorf("%s: %d", q, n)
				}
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses WHERE id IN (?, ?)`, rMe1, rMe2); n != 2 {
				t.Errorf("the responses are gone from the counts: %d left", n)
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_answers WHERE text = 'Omar Autre a aimé'`); n != 1 {
				t.Error("the other's answer was touched")
			}
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses WHERE id = ? AND user_id = ? AND invitation_id = ?`, rOther, other.ID, invOther); n != 1 {
				t.Error("the other's response was unlinked")
			}
			if recs, _ := h.Find(ctx, d, sub); len(recs) != 0 {
				t.Errorf("found after erasure: %+v", recs)
			}
		})

		t.Run("retention", func(t *testing.T) {
			cutoff := now.Add(-90 * 24 * time.Hour)
			due, notDue := wave("Printemps", cutoff.Add(-time.Second)), wave("Été", cutoff.Add(time.Second))
			for _, w := range []int64{due, notDue} {
				inv := invite(w, regOther, now)
				invite(w, nil, nil) // a link handed out, never answered
				respond(w, inv, other.ID, "Omar Autre, encore")
			}
			run := func(rule string, want ...int) {
				t.Helper()
				for i, w := range want {
					var n int
					err := d.InTx(ctx, func(tx *db.Tx) error {
						var err error
						n, err = h.Expire(ctx, tx, tid, rule, cutoff)
						return err
					})
					if err != nil || n != w {
						t.Errorf("%s run %d: Expire = %d, %v; want %d", rule, i, n, err, w)
					}
				}
			}
			run("survey.identified", 1, 0)
			run("survey.invitations", 2, 0)
			for _, x := range []struct {
				q    string
				want int
			}{
				{`SELECT COUNT(*) FROM survey_responses WHERE wave_id = ` + itoa(due) + ` AND user_id IS NULL AND invitation_id IS NULL`, 1},
				{`SELECT COUNT(*) FROM survey_answers WHERE wave_id = ` + itoa(due) + ` AND text <> ''`, 0},
				{`SELECT COUNT(*) FROM survey_invitations WHERE wave_id = ` + itoa(due), 1},
				{`SELECT COUNT(*) FROM survey_invitations WHERE wave_id = ` + itoa(due) + ` AND registration_id IS NOT NULL`, 0},
				{`SELECT COUNT(*) FROM survey_responses WHERE wave_id = ` + itoa(notDue) + ` AND user_id IS NOT NULL AND invitation_id IS NOT NULL`, 1},
				{`SELECT COUNT(*) FROM survey_answers WHERE wave_id = ` + itoa(notDue) + ` AND text <> ''`, 1},
				{`SELECT COUNT(*) FROM survey_invitations WHERE wave_id = ` + itoa(notDue), 2},
				{`SELECT COUNT(*) FROM survey_invitations WHERE wave_id = ` + itoa(due) + ` AND (answered_at IS NOT NULL OR NOT used)`, 0},
				{`SELECT COUNT(*) FROM survey_invitations WHERE wave_id = ` + itoa(notDue) + ` AND answered_at IS NOT NULL`, 1},
			} {
				if n := testkit.Count(t, d, x.q); n != x.want {
					t.Errorf("%s: %d, want %d", x.q, n, x.want)
				}
			}
		})
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
