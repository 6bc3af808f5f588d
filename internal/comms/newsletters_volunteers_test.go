package comms_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/testkit"
	"implique/internal/volunteering"
)

// TestNewsImpliedConsentFromVolunteering: staff add to a list the people
// who gave confirmed hours in the last two years and left an e-mail; their
// implied consent lasts two years from their last confirmed hours and is
// written in the proof; hours not confirmed or older than two years, an
// unsubscription and a bounce keep people off.
func TestNewsImpliedConsentFromVolunteering(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		f := newsApp(t, d, "")
		l := f.list(t, "Générale")
		other := f.list(t, "Autre")
		org, err := f.a.Orgs.Create(f.ctx, f.t.ID, 0, orgs.Input{Name: "FADOQ Manseau", Kind: orgs.Nonprofit, Public: true,
			ContactEmail: "fadoq@exemple.org"})
		if err != nil {
			t.Fatal(err)
		}
		hours := func(email, day string, confirm bool) {
			t.Helper()
			u, err := f.a.Auth.CreateUser(f.ctx, auth.NewUser{Email: email, Name: "Bénévole " + email[:1]}, f.t.ID, auth.RoleCitizen)
			if err != nil {
				t.Fatal(err)
			}
			h, err := f.a.Volunteering.DeclareHours(f.ctx, f.t.ID, u.ID, volunteering.HoursInput{OrganizationID: org.ID, Day: day,
				Hours: "2", Activity: "Popote roulante"})
			if err != nil {
				t.Fatalf("declare %s: %v", day, err)
			}
			if confirm {
				if _, err := f.a.Volunteering.ReviewHours(f.ctx, f.t.ID, h.ID, 0, volunteering.ConfirmHours, "", ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		hours("a@exemple.org", "2026-10-01", true)  // added
		hours("b@exemple.org", "2024-10-01", true)  // more than two years ago
		hours("c@exemple.org", "2026-10-15", false) // not confirmed
		hours("u@exemple.org", "2026-10-20", true)  // unsubscribed from the list before
		hours("x@exemple.org", "2026-10-20", true)  // mail to the address bounced
		f.confirmed(t, l, "u@exemple.org")
		var uid int64
		if err := d.QueryRow(f.ctx, `SELECT id FROM comms_subscribers WHERE email = 'u@exemple.org'`).Scan(&uid); err != nil {
			t.Fatal(err)
		}
		ub, _ := f.s.Subscriber(f.ctx, f.t.ID, uid)
		utok, _ := f.s.UnsubscribeToken(f.ctx, ub)
		if err := f.s.Unsubscribe(f.ctx, f.t.ID, utok, "link"); err != nil {
			t.Fatal(err)
		}
		f.confirmed(t, other, "x@exemple.org")
		if _, err := d.Exec(f.ctx, `UPDATE comms_subscribers SET bounced_at = ? WHERE email = 'x@exemple.org'`, newsStart); err != nil {
			t.Fatal(err)
		}
		logged := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_consent_log`)

		n, err := f.s.AddVolunteers(f.ctx, f.t.ID, l.ID)
		if err != nil || n != 1 {
			t.Fatalf("added %d, %v; want 1", n, err)
		}
		var email, basis, how, wording string
		var until time.Time
		if err := d.QueryRow(f.ctx, `SELECT b.email, s.basis, s.source, s.wording, s.implied_until FROM comms_subscriptions s
			JOIN comms_subscribers b ON b.id = s.subscriber_id WHERE s.list_id = ? AND s.status = 'confirmed'`, l.ID).
			Scan(&email, &basis, &how, &wording, db.ScanTime(&until)); err != nil {
			t.Fatal(err)
		}
		want := time.Date(2028, 10, 1, 0, 0, 0, 0, f.t.Location())
		if email != "a@exemple.org" || basis != "implied" || how != "benevolat/2026-10-01" || !until.Equal(want) {
			t.Fatalf("subscription %s %s %s until %v, want a@exemple.org implied until %v", email, basis, how, until, want)
		}
		if !strings.Contains(wording, "le 1er\u00a0octobre 2026; il vaut jusqu’au 1er\u00a0octobre 2028") {
			t.Fatalf("wording %q", wording)
		}
		if got := testkit.Count(t, d, `SELECT COUNT(*) FROM comms_consent_log`); got != logged+1 {
			t.Fatalf("%d entries in the proof, want %d", got, logged+1)
		}
		if e := testkit.Count(t, d, fmt.Sprintf(`SELECT COUNT(*) FROM comms_consent_log c JOIN comms_subscribers b ON b.id = c.subscriber_id
			WHERE b.email = 'a@exemple.org' AND c.action = 'implied' AND c.list_id = %d AND c.how = 'benevolat/2026-10-01'
			AND c.wording LIKE '%%octobre 2028.'`, l.ID)); e != 1 {
			t.Fatalf("%d implied entries for a with the expiry in the proof", e)
		}
		if f.reach(t, l) != 1 {
			t.Fatal("the volunteer is not reachable")
		}
		// Again: nothing changes.
		if n, err := f.s.AddVolunteers(f.ctx, f.t.ID, l.ID); err != nil || n != 0 {
			t.Fatalf("added again %d, %v; want 0", n, err)
		}
		// Two years after the last hours: expired.
		f.clock.Set(want.Add(time.Hour))
		if f.reach(t, l) != 0 {
			t.Fatal("expired implied consent still reachable")
		}
	})
}
