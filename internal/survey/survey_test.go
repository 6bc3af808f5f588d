package survey_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/survey"
	"implique/internal/territory"
	"implique/internal/testkit"
)

type fixture struct {
	a     *app.App
	s     *survey.Store
	t     territory.Territory
	clock *app.Clock
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	a := testkit.App(t, d, time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
	return &fixture{a: a, s: a.Surveys, t: testkit.Territory(t, a.Territories), clock: a.Clock}
}

// loaded loads an instrument and opens a wave on it.
func (f *fixture) loaded(t testing.TB, key, wave string) (survey.Questionnaire, survey.Wave) {
	t.Helper()
	ctx := context.Background()
	id, err := f.s.LoadInstrument(ctx, f.t.ID, key, 0)
	if err != nil {
		t.Fatal(err)
	}
	wid, err := f.s.CreateWave(ctx, f.t.ID, id, survey.WaveInput{Name: wave, Opens: "2026-11-01", Closes: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	q, err := f.s.Get(ctx, f.t.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	w, err := f.s.Wave(ctx, f.t.ID, wid)
	if err != nil {
		t.Fatal(err)
	}
	return q, w
}

func vals(kv ...string) map[string][]string {
	out := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = append(out[kv[i]], kv[i+1])
	}
	return out
}

// belonging answers the belonging and loneliness instrument once.
func (f *fixture) belonging(t *testing.T, w survey.Wave, place, feel string, lonely ...string) int64 {
	t.Helper()
	v := vals("lieu", place, "appartenance", feel, "compagnie", lonely[0], "laisse_cote", lonely[1], "isole", lonely[2])
	id, err := f.s.Answer(context.Background(), f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelWeb}, survey.Submission{Lang: "fr", Values: v})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestInstrumentsAreValidAndSourced(t *testing.T) {
	all, err := survey.Instruments()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 4 {
		t.Fatalf("%d instruments, want the four the program ships", len(all))
	}
	for _, in := range all {
		if in.Source == "" {
			t.Errorf("%s has no source", in.Key)
		}
		for _, q := range in.Definition.Questions() {
			if q.Text.EN == "" {
				t.Errorf("%s: question %s has no English", in.Key, q.Code)
			}
			for _, c := range q.Choices {
				if c.Label.EN == "" {
					t.Errorf("%s: choice %s/%s has no English", in.Key, q.Code, c.Code)
				}
			}
		}
	}
}

func TestAnswersAndResults(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		_, w := f.loaded(t, "appartenance-solitude", "Portrait 2026")
		for i := 0; i < 4; i++ {
			f.belonging(t, w, "fortierville", "tres_fort", "1", "1", "2")
		}
		f.belonging(t, w, "becancour-gentilly", "plutot_faible", "3", "3", "2")
		f.belonging(t, w, "becancour-gentilly", "tres_faible", "3", "2", "2")
		// « Je préfère ne pas répondre » is counted apart.
		if _, err := f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelWeb}, survey.Submission{Values: vals(
			"lieu", "fortierville", "appartenance", "-", "compagnie", "-", "laisse_cote", "1", "isole", "1")}); err != nil {
			t.Fatal(err)
		}
		r, err := f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: w.ID})
		if err != nil {
			t.Fatal(err)
		}
		if r.Responses != 7 || r.Minimum != 5 || r.Suppressed {
			t.Fatalf("responses %d, minimum %d, suppressed %v", r.Responses, r.Minimum, r.Suppressed)
		}
		byCode := map[string]survey.QuestionResult{}
		for _, q := range r.Questions {
			byCode[q.Question.Code] = q
		}
		bel := byCode["appartenance"]
		if bel.N != 6 || bel.Declined != 1 || bel.Suppressed {
			t.Fatalf("belonging: n %d, declined %d, suppressed %v", bel.N, bel.Declined, bel.Suppressed)
		}
		if o := bel.Options[0]; o.Code != "tres_fort" || o.Count != 4 || int(o.Percent+0.5) != 67 {
			t.Errorf("very strong: %+v", o)
		}
		// The places: Fortierville (5) shows; Gentilly (2) only among the small ones.
		lieu := byCode["lieu"]
		if len(lieu.Options) != 2 || lieu.Options[0].Code != "fortierville" || lieu.Options[0].Count != 5 ||
			lieu.Options[1].Code != survey.SmallPlaces || lieu.Options[1].Count != 2 {
			t.Errorf("places: %+v", lieu.Options)
		}
		score := byCode["solitude"]
		// The highest score is one person's, the lowest four people's: neither shows.
		if score.N != 6 || score.Numbers == nil || score.Numbers.Max != nil || score.Numbers.Min != nil || score.Numbers.Median != 4 {
			t.Fatalf("loneliness score: %+v", score)
		}
		// Gentilly alone has 2 answers: under the minimum, nothing shows.
		r, err = f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: w.ID, Place: "becancour"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Responses != 2 || !r.Suppressed {
			t.Fatalf("Bécancour: %d responses, suppressed %v", r.Responses, r.Suppressed)
		}
		for _, q := range r.Questions {
			if !q.Suppressed || q.Options != nil || q.Numbers != nil {
				t.Fatalf("%s shows figures for a group of %d", q.Question.Code, q.N)
			}
		}
		// The headlines for the portrait.
		figs, err := f.s.Headlines(ctx, f.t.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]survey.Figure{}
		for _, fg := range figs {
			got[fg.Key] = fg
		}
		if b := got["belonging"]; b.N != 6 || b.Count != 4 || b.Suppressed || b.Wave != "Portrait 2026" || b.Source == "" {
			t.Errorf("belonging headline: %+v", b)
		}
		if l := got["loneliness"]; l.N != 6 || l.Count != 2 {
			t.Errorf("loneliness headline: %+v", l)
		}
		figs, err = f.s.Headlines(ctx, f.t.ID, "becancour")
		if err != nil {
			t.Fatal(err)
		}
		for _, fg := range figs {
			if !fg.Suppressed || fg.Count != 0 || fg.Percent != 0 {
				t.Errorf("Bécancour headline %s shows a figure for %d answers", fg.Key, fg.N)
			}
		}
		// The tallies, counted again from the answers, say the same.
		before := testkit.Count(t, d, `SELECT SUM(n) FROM survey_tallies WHERE wave_id = ?`, w.ID)
		if err := f.s.Retally(ctx, f.t.ID, w.ID); err != nil {
			t.Fatal(err)
		}
		if after := testkit.Count(t, d, `SELECT SUM(n) FROM survey_tallies WHERE wave_id = ?`, w.ID); after != before {
			t.Errorf("tallies: %d kept, %d counted again", before, after)
		}
	})
}

func TestBadAnswersWriteNothing(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		_, w := f.loaded(t, "appartenance-solitude", "Portrait 2026")
		web := survey.Respondent{Channel: survey.ChannelWeb}
		// A choice that does not exist, a required answer missing, two answers to a single choice.
		_, err := f.s.Answer(ctx, f.t.ID, w.ID, web, survey.Submission{Values: vals("lieu", "atlantide", "appartenance", "enorme",
			"compagnie", "1", "compagnie", "2")})
		testkit.WantFields(t, err, "q_lieu", "q_appartenance", "q_compagnie", "q_laisse_cote", "q_isole")
		// A paper form needs its number, and a number is entered once.
		paper := survey.Respondent{Channel: survey.ChannelPaper, PaperNumber: "A-17"}
		good := vals("lieu", "manseau", "appartenance", "plutot_fort", "compagnie", "1", "laisse_cote", "1", "isole", "1")
		if _, err := f.s.Answer(ctx, f.t.ID, w.ID, paper, survey.Submission{Values: good}); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Answer(ctx, f.t.ID, w.ID, paper, survey.Submission{Values: good})
		testkit.WantFields(t, err, "paper_number")
		_, err = f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelPaper}, survey.Submission{Values: good})
		testkit.WantFields(t, err, "paper_number")
		// A closed wave takes no answer online, but paper forms still.
		if err := f.s.CloseWave(ctx, f.t.ID, w.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Answer(ctx, f.t.ID, w.ID, web, survey.Submission{Values: good})
		testkit.WantError(t, err, errs.Conflict, "errors.survey_closed")
		if _, err := f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelPaper, PaperNumber: "A-18"},
			survey.Submission{Values: good}); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses WHERE wave_id = ?`, w.ID); n != 2 {
			t.Errorf("%d responses, want the 2 good paper forms", n)
		}
		if n := testkit.Count(t, d, `SELECT n FROM survey_tallies WHERE wave_id = ? AND question = '_'`, w.ID); n != 2 {
			t.Errorf("tallied %d responses, want 2", n)
		}
		// A paper form typed wrong is taken out with its counts.
		forms, err := f.s.PaperForms(ctx, f.t.ID, w.ID)
		if err != nil || len(forms) != 2 || forms[0].Number != "A-18" {
			t.Fatalf("paper forms %+v, %v", forms, err)
		}
		if err := f.s.DeleteResponse(ctx, f.t.ID, forms[0].ResponseID); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT n FROM survey_tallies WHERE wave_id = ? AND question = '_'`, w.ID); n != 1 {
			t.Errorf("tallied %d responses after the removal, want 1", n)
		}
	})
}

func TestEditingMakesANewVersion(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		q, w := f.loaded(t, "retour-evenement", "Soupers 2026")
		if q.Published == nil || q.Draft != nil || q.Published.Number != 1 {
			t.Fatalf("loaded: %+v", q)
		}
		err := f.s.Edit(ctx, f.t.ID, q.ID, func(def *survey.Definition) error {
			return def.PutQuestion(0, "", survey.Question{Kind: survey.KindYesNo, Text: survey.Text{FR: "Reviendrez-vous ?", EN: "Will you come back?"}})
		})
		if err != nil {
			t.Fatal(err)
		}
		q, _ = f.s.Get(ctx, f.t.ID, q.ID)
		if q.Draft == nil || q.Draft.Number != 2 || len(q.Published.Def.Questions()) != 5 || len(q.Draft.Def.Questions()) != 6 {
			t.Fatalf("after the edit: published %+v, draft %+v", q.Published, q.Draft)
		}
		// An invalid edit is refused and changes nothing.
		err = f.s.Edit(ctx, f.t.ID, q.ID, func(def *survey.Definition) error {
			return def.PutQuestion(0, "nouvelles", survey.Question{Kind: survey.KindSingle, Text: survey.Text{FR: "Seul choix"},
				Choices: []survey.Choice{{Code: "a", Label: survey.Text{FR: "A"}}}})
		})
		testkit.WantFields(t, err, "q_nouvelles", "q_combien")
		// Answers follow the published version until the draft is published.
		if _, err := f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelWeb}, survey.Submission{Values: vals(
			"nouvelles", "oui", "combien", "3", "agir", "4", "satisfaction", "9", "q6", "oui")}); err != nil {
			t.Fatal(err)
		}
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_answers WHERE question = 'q6'`); n != 0 {
			t.Errorf("an answer to an unpublished question was kept")
		}
		if err := f.s.Publish(ctx, f.t.ID, q.ID); err != nil {
			t.Fatal(err)
		}
		q, _ = f.s.Get(ctx, f.t.ID, q.ID)
		if q.Draft != nil || q.Published.Number != 2 {
			t.Fatalf("after publishing: %+v", q)
		}
		// Changing anonymity after the first answer would break a promise.
		err = f.s.SetMeta(ctx, f.t.ID, q.ID, survey.Meta{Title: q.Published.Def.Title, Audience: q.Audience, Anonymous: false})
		testkit.WantError(t, err, errs.Conflict, "errors.survey_meta_answered")
		// A copy is a draft of its own.
		cid, err := f.s.Copy(ctx, f.t.ID, q.ID, "fr", 0)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.s.Get(ctx, f.t.ID, cid)
		if c.Published != nil || c.Draft == nil || !strings.Contains(c.Title("fr"), "Votre avis") || *c.CopiedFrom != q.ID {
			t.Fatalf("copy: %+v", c)
		}
	})
}

func TestInvitationsAfterAnEvent(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		_, w := f.loaded(t, "retour-evenement", "Soupers 2026")
		ev, err := f.a.Events.Create(ctx, f.t.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "manseau",
			VenueName: "Salle municipale", StartsAt: f.clock.Now().Add(time.Hour), EndsAt: f.clock.Now().Add(3 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.Events.Publish(ctx, f.t.ID, ev.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		var regs []events.Registration
		for i, p := range []struct {
			email   string
			consent bool
		}{{"a@example.org", true}, {"b@example.org", false}, {"", true}, {"d@example.org", true}} {
			out, err := f.a.Events.Register(ctx, f.t.ID, ev.ID, events.RegistrationInput{Name: "Personne " + string(rune('A'+i)), Email: p.email,
				Phone: "819 555-010" + string(rune('0'+i)), PartySize: 1, ConsentContact: p.consent}, events.SourceWeb)
			if err != nil {
				t.Fatal(err)
			}
			regs = append(regs, out.Registration)
		}
		// Not held yet: nobody is invited.
		_, err = f.s.InviteAttendees(ctx, f.t.ID, w.ID, ev.ID)
		testkit.WantError(t, err, errs.Conflict, "errors.survey_event_not_held")
		f.clock.Advance(2 * time.Hour)
		for _, r := range regs[:3] {
			if err := f.a.Events.CheckIn(ctx, f.t.ID, r.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.a.Events.Close(ctx, f.t.ID, ev.ID, events.Report{}); err != nil {
			t.Fatal(err)
		}
		mails := testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`)
		n, err := f.s.InviteAttendees(ctx, f.t.ID, w.ID, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Only A came, agreed to be contacted and gave an e-mail (D did not come).
		if n != 1 || testkit.Count(t, d, `SELECT COUNT(*) FROM mail_outbox`) != mails+1 {
			t.Fatalf("%d invited", n)
		}
		if n, _ := f.s.InviteAttendees(ctx, f.t.ID, w.ID, ev.ID); n != 0 {
			t.Errorf("invited again: %d", n)
		}
		if sent, answered, _ := f.s.Invited(ctx, f.t.ID, w.ID, ev.ID); sent != 1 || answered != 0 {
			t.Errorf("sent %d, answered %d", sent, answered)
		}
		// A staff link answers once, and the answer counts under the wave.
		tok, err := f.s.CreateLink(ctx, f.t.ID, w.ID, "Comité des loisirs")
		if err != nil {
			t.Fatal(err)
		}
		link := survey.Respondent{Channel: survey.ChannelLink, Token: tok}
		sub := survey.Submission{Values: vals("nouvelles", "non", "agir", "3", "satisfaction", "7")}
		if _, err := f.s.Answer(ctx, f.t.ID, w.ID, link, sub); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Answer(ctx, f.t.ID, w.ID, link, sub)
		testkit.WantError(t, err, errs.Conflict, "errors.survey_link_used")
		// An anonymous answer keeps neither the person nor the link.
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses WHERE invitation_id IS NOT NULL OR user_id IS NOT NULL`); n != 0 {
			t.Errorf("%d anonymous responses keep who answered", n)
		}
		_, err = f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelLink, Token: "inconnu"}, sub)
		testkit.WantCode(t, err, errs.NotFound)
	})
}

func TestIdentifiedNeedsConsent(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		_, w := f.loaded(t, "besoins-organisations", "Besoins 2026")
		u, err := f.a.Auth.CreateUser(ctx, auth.NewUser{Email: "gestion@example.org", Name: "Gestionnaire"}, f.t.ID, auth.RoleCitizen)
		if err != nil {
			t.Fatal(err)
		}
		v := vals("organisation", "Club de l’âge d’or", "lieu", "lemieux", "manque", "oui", "releve", "2", "benevoles", "12")
		who := survey.Respondent{Channel: survey.ChannelWeb, UserID: u.ID}
		_, err = f.s.Answer(ctx, f.t.ID, w.ID, who, survey.Submission{Values: v})
		testkit.WantFields(t, err, "consent")
		_, err = f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelWeb}, survey.Submission{Values: v, Consent: true})
		testkit.WantCode(t, err, errs.Forbidden)
		if _, err := f.s.Answer(ctx, f.t.ID, w.ID, who, survey.Submission{Values: v, Consent: true}); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Answer(ctx, f.t.ID, w.ID, who, survey.Submission{Values: v, Consent: true})
		testkit.WantError(t, err, errs.Conflict, "errors.survey_already_answered")
		// Typed answers wait for staff.
		page, err := f.s.Texts(ctx, f.t.ID, w.ID, survey.TextQuery{States: []string{survey.ModerationPending}})
		texts := page.Texts
		if err != nil || len(texts) != 1 || texts[0].Text != "Club de l’âge d’or" {
			t.Fatalf("texts %+v, %v", texts, err)
		}
		if err := f.s.Moderate(ctx, f.t.ID, texts[0].ID, survey.ModerationApproved); err != nil {
			t.Fatal(err)
		}
		sh, err := f.s.Export(ctx, f.t.ID, w.ID, "fr")
		if err != nil || len(sh.Rows) != 1 {
			t.Fatalf("export %+v, %v", sh, err)
		}
		row := strings.Join(toStrings(sh.Rows[0]), "|")
		for _, want := range []string{"Club de l’âge d’or", "lemieux", "Lemieux", "oui", "Oui"} {
			if !strings.Contains(row, want) {
				t.Errorf("export row lacks %q: %s", want, row)
			}
		}
		if strings.Contains(row, "gestion@example.org") {
			t.Errorf("the export names the person")
		}
	})
}

func toStrings(row []any) []string {
	out := make([]string, len(row))
	for i, v := range row {
		if v != nil {
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

// storedRow reads one row of a table, column by column, its values written
// the same way on both engines (times in UTC to the microsecond).
func storedRow(t *testing.T, d *db.DB, table string, id int64) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.Each(context.Background(), d, `SELECT * FROM `+table+` WHERE id = ?`, []any{id}, func(rows *sql.Rows) error {
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, c := range cols {
			switch v := vals[i].(type) {
			case nil:
			case time.Time:
				out[c] = v.UTC().Format(time.RFC3339Nano)
			case []byte:
				out[c] = storedText(string(v))
			case string:
				out[c] = storedText(v)
			default:
				out[c] = fmt.Sprint(v)
			}
		}
		return nil
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("%s %d: %v", table, id, err)
	}
	return out
}

// storedText is a stored text, or the time it holds in UTC.
func storedText(s string) string {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano} {
		if tm, err := time.Parse(layout, s); err == nil {
			return tm.UTC().Format(time.RFC3339Nano)
		}
	}
	return s
}

func TestAnonymousLinkCannotBeJoinedToItsAnswer(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		_, w := f.loaded(t, "retour-evenement", "Soupers 2026")
		sub := survey.Submission{Values: vals("nouvelles", "non", "agir", "3", "satisfaction", "7")}
		var links []string
		for _, label := range []string{"Comité des loisirs", "Club de l’âge d’or"} {
			tok, err := f.s.CreateLink(ctx, f.t.ID, w.ID, label)
			if err != nil {
				t.Fatal(err)
			}
			links = append(links, tok)
		}
		// Answered later, in the other order, at different times.
		var responses []int64
		for _, tok := range []string{links[1], links[0]} {
			f.clock.Advance(47 * time.Minute)
			id, err := f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelLink, Token: tok}, sub)
			if err != nil {
				t.Fatal(err)
			}
			responses = append(responses, id)
		}
		// Still one answer per link.
		_, err := f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelLink, Token: links[0]}, sub)
		testkit.WantError(t, err, errs.Conflict, "errors.survey_link_used")
		if sent := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_invitations WHERE used AND answered_at IS NULL`); sent != 2 {
			t.Errorf("%d links marked used without a time, want 2", sent)
		}
		var invitations []int64
		links2, _, err := f.s.Links(ctx, f.t.ID, w.ID)
		if err != nil || len(links2) != 2 || !links2[0].Used || !links2[1].Used || links2[0].AnsweredAt != nil {
			t.Fatalf("links %+v, %v", links2, err)
		}
		for _, in := range links2 {
			invitations = append(invitations, in.ID)
		}
		// Nor were they written by the same transaction.
		if d.Engine == db.Postgres {
			if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_invitations i JOIN survey_responses r ON r.xmin = i.xmin`); n != 0 {
				t.Errorf("%d responses written in their link's transaction", n)
			}
		}
		// What every link or every response of the wave shares says nothing
		// of one person; no other value of a link is found in a response.
		shared := map[string]bool{"id": true, "territory_id": true, "wave_id": true, "event_id": true, "used": true, "version_id": true}
		for _, inv := range invitations {
			in := storedRow(t, d, "survey_invitations", inv)
			for _, rid := range responses {
				r := storedRow(t, d, "survey_responses", rid)
				if r["invitation_id"] != "" {
					t.Errorf("response %d names its link", rid)
				}
				for ic, iv := range in {
					for rc, rv := range r {
						if !shared[ic] && !shared[rc] && iv != "" && iv == rv {
							t.Errorf("link %d's %s matches response %d's %s (%s)", inv, ic, rid, rc, iv)
						}
					}
				}
				// The response keeps its day only (midnight in Québec).
				if created := r["created_at"]; created != "2026-11-20T05:00:00Z" {
					t.Errorf("response %d created %s, want the day only", rid, created)
				}
			}
		}
	})
}

func TestTypedAnswersReadAPageAtATime(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		_, w := f.loaded(t, "retour-evenement", "Soupers 2026")
		const total = 2*survey.TextsPerPage + 20
		for i := 1; i <= total; i++ {
			v := vals("nouvelles", "non", "agir", "3", "satisfaction", "7", "commentaires", fmt.Sprintf("Commentaire %d", i))
			if _, err := f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelWeb}, survey.Submission{Values: v}); err != nil {
				t.Fatal(err)
			}
		}
		read := func(tq survey.TextQuery, first, last int, older, newer bool) survey.TextPage {
			t.Helper()
			page, err := f.s.Texts(ctx, f.t.ID, w.ID, tq)
			if err != nil {
				t.Fatal(err)
			}
			n := len(page.Texts)
			if n != last-first+1 || page.Texts[0].Text != fmt.Sprintf("Commentaire %d", first) ||
				page.Texts[n-1].Text != fmt.Sprintf("Commentaire %d", last) || page.Older != older || page.Newer != newer {
				t.Fatalf("%+v: %d answers, older %v, newer %v; want %d to %d, %v, %v", tq, n, page.Older, page.Newer, first, last, older, newer)
			}
			return page
		}
		p1 := read(survey.TextQuery{}, 1, 50, false, true)
		p2 := read(survey.TextQuery{After: p1.Texts[49].ID}, 51, 100, true, true)
		p3 := read(survey.TextQuery{After: p2.Texts[49].ID, Question: "commentaires"}, 101, total, true, false)
		read(survey.TextQuery{Before: p3.Texts[0].ID}, 51, 100, true, true)
		read(survey.TextQuery{Before: p2.Texts[0].ID}, 1, 50, false, true)
		// By state: approve one, and it is alone on its page.
		if err := f.s.Moderate(ctx, f.t.ID, p2.Texts[0].ID, survey.ModerationApproved); err != nil {
			t.Fatal(err)
		}
		read(survey.TextQuery{States: []string{survey.ModerationApproved}}, 51, 51, false, false)
		if n, err := f.s.PendingTexts(ctx, f.t.ID, w.ID); err != nil || n != total-1 {
			t.Fatalf("%d pending, %v", n, err)
		}
		if page, _ := f.s.Texts(ctx, f.t.ID, w.ID, survey.TextQuery{Question: "autre"}); len(page.Texts) != 0 || page.Older || page.Newer {
			t.Errorf("another question's page: %+v", page)
		}
	})
}

func TestNumberDistributionHidesOnePersonsValue(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		q, w := f.loaded(t, "retour-evenement", "Soupers 2026")
		answer := func(wave int64, values ...string) {
			t.Helper()
			for _, v := range values {
				sub := survey.Submission{Values: vals("nouvelles", "oui", "combien", v, "agir", "3", "satisfaction", "7")}
				if _, err := f.s.Answer(ctx, f.t.ID, wave, survey.Respondent{Channel: survey.ChannelWeb}, sub); err != nil {
					t.Fatal(err)
				}
			}
		}
		combien := func(wave int64) survey.QuestionResult {
			t.Helper()
			res, err := f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: wave})
			if err != nil {
				t.Fatal(err)
			}
			if res.Minimum != 5 {
				t.Fatalf("minimum %d, this test counts on 5", res.Minimum)
			}
			for _, qr := range res.Questions {
				if qr.Question.Code == "combien" {
					return qr
				}
			}
			t.Fatal("no results for combien")
			return survey.QuestionResult{}
		}
		// Four answers: under the minimum, nothing at all.
		answer(w.ID, "2", "3", "5", "5")
		if r := combien(w.ID); !r.Suppressed || r.Numbers != nil || r.Options != nil {
			t.Fatalf("under the minimum: %+v", r)
		}
		answer(w.ID, "8", "10", "12", "15", "20", "25", "30", "190")
		r := combien(w.ID)
		if r.Numbers == nil || r.Numbers.Median != 11 || r.Numbers.Mean < 27.08 || r.Numbers.Mean > 27.09 {
			t.Fatalf("numbers %+v", r.Numbers)
		}
		// One person gave 2, one gave 190: neither is shown.
		if r.Numbers.Min != nil || r.Numbers.Max != nil {
			t.Errorf("min %v, max %v shown", r.Numbers.Min, r.Numbers.Max)
		}
		var got []string
		total := 0
		for _, o := range r.Options {
			got = append(got, fmt.Sprintf("%s=%d", o.Label.FR, o.Count))
			total += o.Count
			if strings.Contains(o.Label.FR, "190") || strings.Contains(o.Label.FR, "2 ") || o.Label.FR == "2" {
				t.Errorf("a range names an extreme answer: %q", o.Label.FR)
			}
		}
		want := "Moins de 9=5 9=0 10=1 11=0 12=1 13=0 14=0 15 ou plus=5"
		if strings.Join(got, " ") != want || total != 12 {
			t.Errorf("ranges %s, want %s", strings.Join(got, " "), want)
		}
		if en := r.Options[0].Label.EN + " / " + r.Options[len(r.Options)-1].Label.EN; en != "Under 9 / 15 or more" {
			t.Errorf("English ranges %s", en)
		}
		// Five people gave 2: the lowest value is no one's alone.
		answer(w.ID, "2", "2", "2", "2")
		if r := combien(w.ID); r.Numbers.Min == nil || *r.Numbers.Min != 2 || r.Numbers.Max != nil {
			t.Errorf("min %v, max %v", r.Numbers.Min, r.Numbers.Max)
		}
		// Two waves compare by the difference of their means.
		w2, err := f.s.CreateWave(ctx, f.t.ID, q.ID, survey.WaveInput{Name: "Soupers 2027", Opens: "2026-11-01", Closes: "2026-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		answer(w2, "10", "10", "10", "20", "20")
		cmp, err := f.s.Compare(ctx, f.t.ID, survey.Filter{WaveID: w2}, survey.Filter{WaveID: w.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmp {
			if c.Question.Code == "combien" && (c.MeanDiff == nil || *c.MeanDiff != *c.MeanB-*c.MeanA || *c.MeanA != 14) {
				t.Errorf("compared means %v %v %v", c.MeanA, c.MeanB, c.MeanDiff)
			}
		}
	})
}

func TestResponsesKeepWhoAnsweredWhereKnown(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		q, w := f.loaded(t, "appartenance-solitude", "Portrait 2026")
		if q.Audience != survey.AudienceCitizens {
			t.Fatalf("audience %q", q.Audience)
		}
		ev, err := f.a.Events.Create(ctx, f.t.ID, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "manseau",
			VenueName: "Salle municipale", StartsAt: f.clock.Now().Add(time.Hour), EndsAt: f.clock.Now().Add(3 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		v := vals("lieu", "fortierville", "appartenance", "tres_fort", "compagnie", "1", "laisse_cote", "1", "isole", "2")
		paper := func(number, audience string, event int64) error {
			_, err := f.s.Answer(ctx, f.t.ID, w.ID, survey.Respondent{Channel: survey.ChannelPaper, PaperNumber: number, Audience: audience,
				EventID: event}, survey.Submission{Values: v})
			return err
		}
		// An audience that does not exist: refused, nothing written.
		testkit.WantFields(t, paper("P-0001", "martiens", 0), "audience")
		if n := testkit.Count(t, d, `SELECT COUNT(*) FROM survey_responses`); n != 0 {
			t.Fatalf("%d responses written", n)
		}
		for i := 1; i <= 5; i++ {
			f.belonging(t, w, "fortierville", "tres_fort", "1", "1", "2")
			if err := paper(fmt.Sprintf("O-%d", i), survey.AudienceOrganizations, 0); err != nil {
				t.Fatal(err)
			}
			// Filled in at the souper: its attendees.
			if err := paper(fmt.Sprintf("S-%d", i), "", ev.ID); err != nil {
				t.Fatal(err)
			}
		}
		for audience, want := range map[string]int{"": 15, survey.AudienceCitizens: 5, survey.AudienceOrganizations: 5, survey.AudienceAttendees: 5} {
			r, err := f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: w.ID, Audience: audience})
			if err != nil || r.Responses != want {
				t.Errorf("audience %q: %d responses, %v; want %d", audience, r.Responses, err, want)
			}
		}
		// The tallies, counted again from the responses, say the same.
		if err := f.s.Retally(ctx, f.t.ID, w.ID); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.s.Results(ctx, f.t.ID, survey.Filter{WaveID: w.ID, Audience: survey.AudienceOrganizations}); r.Responses != 5 {
			t.Errorf("after a recount: %d responses of organisations", r.Responses)
		}
	})
}
