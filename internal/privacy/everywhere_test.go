package privacy_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/privacy"
	"implique/internal/testkit"
	"implique/internal/training"
	"implique/internal/volunteering"
)

// someone is a person of the test across every capability.
type someone struct {
	key, name, email, phone string
	user                    *auth.User
}

// values are what must not be left anywhere once the person is erased:
// their name, e-mail and phone (as typed and as its key).
func (p someone) values() []string {
	digits := strings.NewReplacer(" ", "", "-", "").Replace(p.phone)
	return []string{p.name, p.email, p.phone, digits}
}

// everywhere is what the people of the test share: an event, an idea, a
// community, an initiative, an organisation, an opportunity, a training
// cohort, a survey's wave and a newsletter's list.
type everywhere struct {
	f                                                *fixture
	event                                            events.Event
	idea, community, initiative, wave, version, list int64
	org                                              orgs.Organization
	opportunity                                      volunteering.Opportunity
	cohort                                           training.Cohort
	seats                                            int
}

func (w *everywhere) ins(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	id, err := w.f.a.DB.InsertID(context.Background(), q+` RETURNING id`, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func newEverywhere(t *testing.T, f *fixture) *everywhere {
	t.Helper()
	ctx := context.Background()
	a, tid := f.a, f.t.ID
	w := &everywhere{f: f}
	var err error
	w.event, err = a.Events.Create(ctx, tid, 0, events.Input{Kind: events.CitizenDinner, Title: "Souper citoyen", PlaceSlug: "manseau",
		VenueName: "Salle municipale", StartsAt: now.Add(48 * time.Hour), EndsAt: now.Add(51 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Events.Publish(ctx, tid, w.event.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	place, err := a.Territories.Place(ctx, tid, "manseau")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Community.EnsureThemes(ctx, tid); err != nil {
		t.Fatal(err)
	}
	var theme int64
	if err := a.DB.QueryRow(ctx, `SELECT MIN(id) FROM idea_themes WHERE territory_id = ?`, tid).Scan(&theme); err != nil {
		t.Fatal(err)
	}
	w.idea = w.ins(t, `INSERT INTO ideas (territory_id, kind, title, theme_id, place_id, status, moderation, source, submitter_name,
		submitter_email, created_at, updated_at) VALUES (?, 'idea', 'Un jardin communautaire', ?, ?, 'new', 'approved', 'public', 'Équipe', '', ?, ?)`,
		tid, theme, place.ID, now, now)
	w.initiative = w.ins(t, `INSERT INTO initiatives (territory_id, slug, title, place_id, status, created_at, updated_at)
		VALUES (?, 'cuisine', 'Cuisine collective', ?, 'active', ?, ?)`, tid, place.ID, now, now)
	w.community = w.ins(t, `INSERT INTO communities (territory_id, slug, name, created_at, updated_at) VALUES (?, 'tricot', 'Tricot', ?, ?)`,
		tid, now, now)
	if w.org, err = a.Orgs.Create(ctx, tid, 0, orgs.Input{Name: "FADOQ Manseau", Kind: orgs.Nonprofit, PlaceSlugs: []string{"manseau"},
		ContactEmail: "fadoq@exemple.org"}); err != nil {
		t.Fatal(err)
	}
	if w.opportunity, err = a.Volunteering.CreateOpportunity(ctx, tid, 0, volunteering.Input{OrganizationID: w.org.ID, Title: "Popote roulante",
		PlaceSlug: "manseau", Kind: volunteering.Task, Schedule: volunteering.Flexible}); err != nil {
		t.Fatal(err)
	}
	p, err := a.Training.CreateProgram(ctx, tid, training.ProgramInput{Name: "Laboratoire leadership citoyen", Audience: training.AudienceCitizens,
		Modules: "Se connaître", MinAttendance: "66 %"})
	if err != nil {
		t.Fatal(err)
	}
	if w.cohort, err = a.Training.CreateCohort(ctx, tid, training.CohortInput{ProgramID: p.ID, Name: "Hiver 2027", Price: "0",
		Places: []string{"manseau"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Training.AddSession(ctx, tid, 0, w.cohort.ID, training.SessionInput{Date: "2027-01-12", Start: "18 h 30", End: "21:00",
		VenueName: "Salle municipale"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Training.SetStatus(ctx, tid, w.cohort.ID, training.Open, ""); err != nil {
		t.Fatal(err)
	}
	q := w.ins(t, `INSERT INTO survey_questionnaires (territory_id, audience, anonymous, created_at, updated_at)
		VALUES (?, 'participants', FALSE, ?, ?)`, tid, now, now)
	w.version = w.ins(t, `INSERT INTO survey_versions (territory_id, questionnaire_id, number, definition, published_at, created_at, updated_at)
		VALUES (?, ?, 1, '{}', ?, ?, ?)`, tid, q, now, now, now)
	w.wave = w.ins(t, `INSERT INTO survey_waves (territory_id, questionnaire_id, name, opens_on, created_at) VALUES (?, ?, 'Automne', '2026-09-01', ?)`,
		tid, q, now)
	w.list = w.ins(t, `INSERT INTO comms_lists (territory_id, slug, name, kind, created_at) VALUES (?, 'generale', 'Infolettre', 'general', ?)`,
		tid, now)
	return w
}

// seed puts p in every capability that holds personal information.
func (w *everywhere) seed(t *testing.T, p *someone) {
	t.Helper()
	ctx := context.Background()
	a, tid := w.f.a, w.f.t.ID
	var err error
	if p.user, err = a.Auth.CreateUser(ctx, auth.NewUser{Email: p.email, Name: p.name}, tid, auth.RoleCitizen); err != nil {
		t.Fatal(err)
	}
	uid := p.user.ID
	// An event registration (its confirmation e-mail is queued too).
	if _, err := a.Events.Register(ctx, tid, w.event.ID, events.RegistrationInput{Name: p.name, Email: p.email, Phone: p.phone, PartySize: 1,
		Accessibility: "Rampe pour " + p.name, ConsentContact: true, Lang: "fr"}, events.SourceWeb); err != nil {
		t.Fatal(err)
	}
	// An idea's support, a community's member, an initiative's participant.
	w.ins(t, `INSERT INTO idea_supports (territory_id, idea_id, email, name, offer, token_hash, confirmed_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, tid, w.idea, p.email, p.name, "Offre de "+p.name, "support-"+p.key, now, now)
	w.ins(t, `INSERT INTO community_members (territory_id, community_id, user_id, name, email, phone, shared_phone, share_name, share_email,
		joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, TRUE, ?)`, tid, w.community, uid, p.name, p.email, p.phone, p.phone, now)
	w.ins(t, `INSERT INTO initiative_people (territory_id, initiative_id, role, name, email, phone, offer, show_name, lang, source,
		link_nonce, token_hash, confirmed_at, created_at) VALUES (?, ?, 'participant', ?, ?, ?, ?, TRUE, 'fr', 'public', ?, ?, ?, ?)`,
		tid, w.initiative, p.name, p.email, p.phone, "Coup de main de "+p.name, "nonce-"+p.key, "person-"+p.key, now, now)
	// An organisation's seat.
	w.seats++
	role := map[int]orgs.Role{1: orgs.President, 2: orgs.Treasurer, 3: orgs.Secretary}[w.seats]
	if _, err := a.Orgs.AddSeat(ctx, tid, w.org.ID, orgs.SeatInput{Title: fmt.Sprintf("Siège %d", w.seats), Role: role,
		NewHolder: &orgs.PersonInput{Name: p.name, Email: p.email, Phone: p.phone, NamePublic: true}}); err != nil {
		t.Fatal(err)
	}
	// A volunteer's profile, an application and confirmed hours.
	if _, err := a.Volunteering.SaveProfile(ctx, tid, uid, volunteering.ProfileInput{School: "École de " + p.name}); err != nil {
		t.Fatal(err)
	}
	w.ins(t, `INSERT INTO volunteer_applications (territory_id, opportunity_id, user_id, message, status, reply, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'accepted', ?, ?, ?)`, tid, w.opportunity.ID, uid, "Message de "+p.name, "Réponse à "+p.name, now, now)
	w.ins(t, `INSERT INTO volunteer_hours (territory_id, user_id, organization_id, opportunity_id, day, activity, declared_minutes, minutes, status,
		review_note, created_at, updated_at) VALUES (?, ?, ?, ?, '2026-11-20', ?, 120, 120, 'confirmed', ?, ?, ?)`,
		tid, uid, w.org.ID, w.opportunity.ID, "Popote avec "+p.name, "Merci "+p.name, now, now)
	// An identified survey answer.
	resp := w.ins(t, `INSERT INTO survey_responses (territory_id, wave_id, version_id, channel, user_id, consent_at, audience, lang, created_at)
		VALUES (?, ?, ?, 'link', ?, ?, 'participants', 'fr', ?)`, tid, w.wave, w.version, uid, now, now)
	if _, err := a.DB.Exec(ctx, `INSERT INTO survey_answers (response_id, wave_id, question, choice, text, moderation)
		VALUES (?, ?, 'commentaire', '', ?, 'pending')`, resp, w.wave, "Signé "+p.name+", "+p.phone); err != nil {
		t.Fatal(err)
	}
	// A training enrolment.
	if _, err := a.Training.Enrol(ctx, tid, w.cohort.ID, training.LearnerInput{Name: p.name, Email: p.email, Phone: p.phone,
		Needs: "Interprète pour " + p.name, ConsentContact: true, Lang: "fr"}); err != nil {
		t.Fatal(err)
	}
	// A newsletter's subscription, with the proof of consent.
	sub := w.ins(t, `INSERT INTO comms_subscribers (territory_id, email, name, nonce, token_hash, created_at) VALUES (?, ?, ?, 'n', ?, ?)`,
		tid, p.email, p.name, "h-"+p.key, now)
	w.ins(t, `INSERT INTO comms_subscriptions (list_id, subscriber_id, status, basis, source, wording, requested_at, confirmed_at)
		VALUES (?, ?, 'confirmed', 'express', 'infolettre', 'J’accepte de recevoir l’infolettre.', ?, ?)`, w.list, sub, now, now)
	if _, err := a.DB.Exec(ctx, `INSERT INTO comms_consent_log (territory_id, subscriber_id, list_id, action, how, wording, logged_at)
		VALUES (?, ?, ?, 'requested', 'form/infolettre', 'J’accepte.', ?)`, tid, sub, w.list, now); err != nil {
		t.Fatal(err)
	}
}

// TestEraseEverywhere: a person present in every capability that holds
// personal information gets an archive of their data and nobody else's;
// once erased, no text column of any table holds their e-mail, phone or
// name. (The communications' stories are left out: making story consents
// findable is under way elsewhere.)
func TestEraseEverywhere(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		w := newEverywhere(t, f)
		alice := &someone{key: "alice", name: "Alice Tremblay-Essai", email: "alice.essai@exemple.org", phone: "819 555-0147"}
		bruno := &someone{key: "bruno", name: "Bruno Gagnon-Essai", email: "bruno.essai@exemple.org", phone: "819 555-0258"}
		w.seed(t, alice)
		w.seed(t, bruno)
		sub := privacy.NewSubject(f.t.ID, alice.user.ID, []string{alice.email}, []string{alice.phone})

		// Every capability finds her.
		recs, err := f.s.Find(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		tables := map[string]bool{}
		for _, r := range recs {
			tables[r.Ref.Table] = true
		}
		for _, want := range []string{"registrations", "idea_supports", "community_members", "initiative_people", "organization_people",
			"volunteer_profiles", "volunteer_applications", "volunteer_hours", "survey_responses", "training_enrolments", "comms_subscribers", "users"} {
			if !tables[want] {
				t.Errorf("no record of %s found (found %v)", want, tables)
			}
		}

		// The archive holds her data, and nobody else's.
		var buf bytes.Buffer
		if err := f.s.WriteArchive(ctx, &buf, sub, "fr"); err != nil {
			t.Fatal(err)
		}
		z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, zf := range z.File {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			all.Write(b)
		}
		archive := strings.ToLower(all.String())
		for _, v := range []string{alice.name, alice.email, alice.phone, "Popote avec " + alice.name, "Interprète pour " + alice.name} {
			if !strings.Contains(archive, strings.ToLower(v)) {
				t.Errorf("the archive lacks %q", v)
			}
		}
		for _, v := range append(bruno.values(), "bruno") {
			if strings.Contains(archive, strings.ToLower(v)) {
				t.Errorf("the archive holds another person's %q", v)
			}
		}

		// Erased: nothing of her anywhere, every text column of every table
		// (the same scan finds her in every capability's tables before).
		before := map[string]bool{}
		for _, l := range testkit.Leaks(t, d, alice.values()) {
			before[strings.SplitN(l, ".", 2)[0]] = true
		}
		for _, table := range []string{"registrations", "idea_supports", "community_members", "initiative_people", "organization_people",
			"volunteer_hours", "volunteer_applications", "survey_answers", "training_enrolments", "comms_subscribers", "users", "mail_outbox"} {
			if !before[table] {
				t.Errorf("the scan does not find her in %s before the erasure (found in %v)", table, before)
			}
		}
		if _, err := f.s.Erase(ctx, sub, 0); err != nil {
			t.Fatal(err)
		}
		if l := testkit.Leaks(t, d, alice.values()); len(l) > 0 {
			t.Errorf("left after erasure:\n%s", strings.Join(l, "\n"))
		}
		if l := testkit.Leaks(t, d, []string{bruno.email}); len(l) < 8 {
			t.Errorf("the other person's data went too: %v", l)
		}
		// (The account stays, emptied and disabled: only its id is left.)
		if recs, _ := f.s.Find(ctx, privacy.NewSubject(f.t.ID, 0, []string{alice.email}, []string{alice.phone})); len(recs) != 0 {
			t.Errorf("found after erasure: %+v", recs)
		}
	})
}
