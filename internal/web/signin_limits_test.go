package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/volunteering"
	"implique/internal/web"
)

// postFrom posts a form as if from the client address addr, behind the
// trusted proxy (127.0.0.1) the test server sits behind.
func (c *client) postFrom(addr, path string, form url.Values) response {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	return c.do(req)
}

// mailsTo counts the outbox messages to addr.
func mailsTo(t testing.TB, e *env, addr string) []string {
	t.Helper()
	items, err := e.outbox.List(context.Background(), e.territory.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		if it.To == addr {
			out = append(out, it.Text)
		}
	}
	return out
}

// behindProxy is an env whose clients can say where they come from.
func behindProxy(t *testing.T, d *db.DB) *env {
	return newEnvConfig(t, d, web.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
}

func cookieNamed(c *client, name string) *http.Cookie {
	for _, ck := range c.http.Jar.Cookies(mustURL(c.e.srv.URL)) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// TestNobodyCanLockTheOwnerOut: an attacker who tries 50 wrong passwords on
// an account from several addresses is slowed down, and the owner still
// signs in — with their password from their own browser, or by a link.
func TestNobodyCanLockTheOwnerOut(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := behindProxy(t, d)
		ctx := context.Background()
		const email, password = "lise@exemple.org", "une phrase de passe"
		u := e.user(email, auth.RoleCitizen)
		if err := e.auth.SetPassword(ctx, u.ID, password); err != nil {
			t.Fatal(err)
		}
		home := "198.51.100.10"
		signIn := func(c *client, from, pw string) response {
			return c.postFrom(from, "/connexion/mot-de-passe", url.Values{"email": {email}, "password": {pw}})
		}

		// The owner signed in from this browser before: it now holds a device cookie.
		owner := e.client(t)
		expectStatus(t, signIn(owner, home, password), http.StatusSeeOther)
		dev := cookieNamed(owner, "implique_device")
		if dev == nil {
			t.Fatal("no device cookie after signing in")
		}
		r := owner.post("/deconnexion", nil)
		expectStatus(t, r, http.StatusSeeOther)
		// The cookie is HttpOnly (the jar does not say): read it from the answer.
		r = signIn(owner, home, password)
		for _, ck := range r.Cookies() {
			if ck.Name == "implique_device" && (!ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode) {
				t.Errorf("device cookie %+v is not HttpOnly and SameSite=Lax", ck)
			}
		}
		expectStatus(t, owner.post("/deconnexion", nil), http.StatusSeeOther)

		// Successful sign-ins are not counted: far more than any limit, from one address.
		for i := 0; i < 30; i++ {
			if r := signIn(owner, home, password); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in #%d of the owner: %d", i+1, r.StatusCode)
			}
		}

		// The attacker: 50 wrong passwords, 5 from each of 10 addresses, in a fresh browser each time.
		checked, limited := 0, 0
		for i := 0; i < 50; i++ {
			r := signIn(e.client(t), fmt.Sprintf("203.0.113.%d", 1+i/5), "mauvais mot de passe")
			switch r.StatusCode {
			case http.StatusUnauthorized:
				checked++
			case http.StatusTooManyRequests:
				limited++
				if r.Header.Get("Retry-After") == "" {
					t.Error("a 429 without Retry-After")
				}
			default:
				t.Fatalf("attempt #%d: status %d", i+1, r.StatusCode)
			}
		}
		if checked > 10 || limited < 40 {
			t.Errorf("the attacker had %d passwords checked and %d refused; want at most 10 checked", checked, limited)
		}
		// One address alone is stopped sooner.
		solo := 0
		for i := 0; i < 8; i++ {
			if signIn(e.client(t), "192.0.2.77", "encore faux").StatusCode == http.StatusUnauthorized {
				solo++
			}
		}
		if solo != 0 {
			t.Errorf("after the account's limit, %d more guesses were checked from a new address", solo)
		}

		// (a) The owner's own browser signs in with the right password, from home or elsewhere.
		r = signIn(owner, home, password)
		expectStatus(t, r, http.StatusSeeOther)
		expectStatus(t, owner.follow(r), 200)
		expectStatus(t, owner.post("/deconnexion", nil), http.StatusSeeOther)
		expectStatus(t, signIn(owner, "203.0.113.200", password), http.StatusSeeOther)
		expectStatus(t, owner.post("/deconnexion", nil), http.StatusSeeOther)

		// A forged device cookie (someone else's, or tampered with) counts for nothing.
		forged := e.client(t)
		forged.http.Jar.SetCookies(mustURL(e.srv.URL), []*http.Cookie{{Name: "implique_device", Value: dev.Value + "x", Path: "/"}})
		expectStatus(t, signIn(forged, "203.0.113.201", password), http.StatusTooManyRequests)

		// (b) In a browser it never used, the owner asks for a link and uses it.
		away := e.client(t)
		before := len(mailsTo(t, e, email))
		r = away.postFrom("192.0.2.10", "/connexion/lien", url.Values{"email": {email}})
		expectStatus(t, r, http.StatusSeeOther)
		if len(mailsTo(t, e, email)) != before+1 {
			t.Fatal("no sign-in link e-mailed to the owner")
		}
		link := e.lastLink(t, email)
		tok := strings.TrimPrefix(link, "/connexion/lien?jeton=")
		expectStatus(t, away.get(link), 200)
		r = away.postFrom("192.0.2.10", "/connexion/lien/utiliser", url.Values{"jeton": {tok}})
		expectStatus(t, r, http.StatusSeeOther)
		expectContains(t, away.follow(r), "Connexion réussie")

		// The attacker asks for links too: the mailbox gets a few an hour, the
		// page says the same each time, and the owner's own browser still gets one.
		for i := 0; i < 6; i++ {
			expectStatus(t, e.client(t).postFrom(fmt.Sprintf("203.0.113.%d", 100+i), "/connexion/lien", url.Values{"email": {email}}),
				http.StatusSeeOther)
		}
		if n := len(mailsTo(t, e, email)) - before; n != 3 {
			t.Errorf("%d sign-in links e-mailed in the hour, want 3", n)
		}
		expectStatus(t, owner.postFrom(home, "/connexion/lien", url.Values{"email": {email}}), http.StatusSeeOther)
		if n := len(mailsTo(t, e, email)) - before; n != 4 {
			t.Errorf("the owner's browser got no link (%d sent)", n-3)
		}

		// One IPv6 client is one /64 network: new addresses in it do not escape.
		var v6 response
		for i := 0; i < 21; i++ {
			v6 = e.client(t).postFrom(fmt.Sprintf("2001:db8:1:2::%x", i+1), "/connexion/lien", url.Values{"email": {"personne@exemple.org"}})
		}
		expectStatus(t, v6, http.StatusTooManyRequests)
		expectStatus(t, e.client(t).postFrom("2001:db8:1:3::1", "/connexion/lien", url.Values{"email": {"personne@exemple.org"}}),
			http.StatusSeeOther)

		// Links that do not work count per address.
		var last response
		for i := 0; i < 21; i++ {
			last = e.client(t).postFrom("203.0.113.99", "/connexion/lien/utiliser", url.Values{"jeton": {"faux-jeton-" + fmt.Sprint(i)}})
		}
		expectStatus(t, last, http.StatusTooManyRequests)
	})
}

// answer is what a page's answer tells: status, where it leads, its flash
// message, and its text when it has one.
func answer(r response) string {
	flash := ""
	for _, ck := range r.Cookies() {
		if ck.Name == "implique_flash" {
			flash = ck.Value
		}
	}
	return fmt.Sprintf("%d %s %s\n%s", r.StatusCode, r.Header.Get("Location"), flash, r.body)
}

// TestPublicFormsMailOnceADay: a public form that e-mails the address it
// was given does so at most once a day for the same thing, whatever the
// number of times it is sent, and its answer does not tell whether a
// message left.
func TestPublicFormsMailOnceADay(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newVolWorld(t, d)
		e := w.env
		ctx := context.Background()
		clock := e.staffClock(time.Now())

		ev := e.publishedEvent(t, 10)
		ini, _ := publicInitiative(t, e)
		space := e.newCommunity(t, "Cuisine collective", true)
		idea, err := e.community.Record(ctx, e.territory.ID, 0, community.Input{Kind: community.Need,
			Title: "Un transport vers l’épicerie", ThemeCode: "transport", PlaceSlug: "becancour-gentilly"})
		if err != nil {
			t.Fatal(err)
		}
		forms := []struct {
			name, path, to string
			form           url.Values
			nextDay        bool // the same form the next day e-mails again
		}{
			{"souper sign-up", "/evenements/" + ev.Slug + "/inscription", "gisele@exemple.org",
				url.Values{"name": {"Gisèle"}, "email": {"gisele@exemple.org"}, "party_size": {"1"}}, true},
			{"« je veux participer »", "/initiatives/" + ini.Slug, "rejean@exemple.org",
				url.Values{"name": {"Réjean"}, "email": {"rejean@exemple.org"}}, true},
			{"community join request", "/communautes/" + space.Slug + "/demande", "rita@exemple.org",
				url.Values{"name": {"Rita"}, "email": {"rita@exemple.org"}}, true},
			{"volunteering interest", "/s-impliquer/offres/" + w.cook.Slug + "/interet", "lise@exemple.org",
				url.Values{"name": {"Lise"}, "email": {"lise@exemple.org"}}, true},
			// A support is confirmed once: sending the form again never e-mails.
			{"idea support", "/idees/" + itoa(idea.ID) + "/appui", "paul@exemple.org",
				url.Values{"name": {"Paul"}, "email": {"paul@exemple.org"}}, false},
		}
		for _, f := range forms {
			t.Run(f.name, func(t *testing.T) {
				clock.Set(time.Now())
				c := e.client(t)
				first := c.post(f.path, f.form)
				if first.StatusCode >= 400 {
					t.Fatalf("first form: %d\n%.400s", first.StatusCode, first.body)
				}
				if n := len(mailsTo(t, e, f.to)); n != 1 {
					t.Fatalf("first form: %d e-mails, want 1", n)
				}
				second := c.post(f.path, f.form)
				third := e.client(t).post(f.path, f.form)
				if n := len(mailsTo(t, e, f.to)); n != 1 {
					t.Errorf("the same form twice more the same day: %d e-mails, want 1", n)
				}
				clock.Set(time.Now().Add(25 * time.Hour))
				fourth := e.client(t).post(f.path, f.form)
				want := 1
				if f.nextDay {
					want = 2
				}
				if n := len(mailsTo(t, e, f.to)); n != want {
					t.Errorf("the next day: %d e-mails, want %d", n, want)
				}
				if answer(third) != answer(fourth) || second.StatusCode != third.StatusCode {
					t.Errorf("the answer tells whether an e-mail left:\n%.300s\n---\n%.300s", answer(third), answer(fourth))
				}
			})
		}

		t.Run("the link first sent still works", func(t *testing.T) {
			link := e.joinLink(t, "rita@exemple.org")
			expectStatus(t, e.client(t).get(link), 200)
		})
	})
}

// privateLinkRes match every kind of private link an e-mail may carry; the
// first group is the secret part.
var privateLinkRes = []*regexp.Regexp{
	regexp.MustCompile(`jeton=([A-Za-z0-9_-]{16,})`),                              // sign-in, volunteering confirmation
	regexp.MustCompile(`/inscription/([A-Za-z0-9_-]{16,})`),                       // registration (and its links created)
	regexp.MustCompile(`/rejoindre/([A-Za-z0-9_-]{16,})`),                         // community invitation and request
	regexp.MustCompile(`/appui/([A-Za-z0-9_-]{16,})`),                             // idea support confirmation
	regexp.MustCompile(`/initiatives/participer/([A-Za-z0-9_-]{16,})`),            // initiative participation and news
	regexp.MustCompile(`/s-impliquer/desabonnement/([0-9]+\.[A-Za-z0-9_-]{16,})`), // digest unsubscribe
}

// TestOutboxMasksEveryPrivateLink queues a message of every kind that holds
// a private link, and reads each on the outbox page as an administrator:
// the links read « lien personnel masqué », the secrets are nowhere, nor on
// the other staff pages.
func TestOutboxMasksEveryPrivateLink(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		w := newVolWorld(t, d)
		e := w.env
		ctx := context.Background()
		tid := e.territory.ID
		admin := e.client(t)
		e.user("admin@exemple.org", auth.RoleAdministrator)
		admin.signIn("admin@exemple.org")
		e.user("anim@exemple.org", auth.RoleFacilitator)

		ev := e.publishedEvent(t, 10)
		ini, _ := publicInitiative(t, e)
		space := e.newCommunity(t, "Cuisine collective", true)
		idea, err := e.community.Record(ctx, tid, 0, community.Input{Kind: community.Need,
			Title: "Un transport vers l’épicerie", ThemeCode: "transport", PlaceSlug: "becancour-gentilly"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client(t)
		for _, f := range []struct{ path, email string }{
			{"/connexion/lien", "anim@exemple.org"},                                 // sign-in link
			{"/s-impliquer/profil/lien", "nouveau@exemple.org"},                     // profile link (a sign-in link)
			{"/s-impliquer/offres/" + w.cook.Slug + "/interet", "lise@exemple.org"}, // volunteering confirmation
			{"/evenements/" + ev.Slug + "/inscription", "gisele@exemple.org"},       // registration
			{"/initiatives/" + ini.Slug, "rejean@exemple.org"},                      // initiative participation
			{"/communautes/" + space.Slug + "/demande", "rita@exemple.org"},         // community request
			{"/idees/" + itoa(idea.ID) + "/appui", "paul@exemple.org"},              // support confirmation
		} {
			r := c.post(f.path, url.Values{"name": {"Quelqu’un"}, "email": {f.email}, "party_size": {"1"}})
			if r.StatusCode >= 400 {
				t.Fatalf("%s: %d\n%.400s", f.path, r.StatusCode, r.body)
			}
		}
		// Staff invite to a community; staff add a follower to an initiative, who hears its news.
		if _, err := e.community.Invite(ctx, tid, space.ID, 0, []community.Invitee{{Name: "Marc", Email: "marc@exemple.org"}}, "fr"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.community.AddPerson(ctx, tid, ini.ID, community.PersonInput{Role: community.Participant, Name: "Alice",
			Email: "alice@exemple.org"}); err != nil {
			t.Fatal(err)
		}
		m, err := e.community.AddMilestone(ctx, tid, ini.ID, community.MilestoneInput{Title: "Acheter des chaudrons", DueOn: ptrDay(2026, 6, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.community.SetMilestoneDone(ctx, tid, ini.ID, m.ID, true); err != nil {
			t.Fatal(err)
		}
		// A registrant hears that the event changed, with their link.
		changed := ev.StartsAt.Add(time.Hour)
		in := events.Input{Kind: ev.Kind, Title: ev.Title, PlaceSlug: "fortierville", VenueName: ev.VenueName, VenueAddress: ev.VenueAddress,
			StartsAt: changed, EndsAt: changed.Add(3 * time.Hour), Capacity: ev.Capacity, Menu: ev.Menu, Summary: ev.Summary}
		if _, err := e.events.Update(ctx, tid, ev.ID, in); err != nil {
			t.Fatal(err)
		}
		// The weekly digest, with its unsubscribe link.
		lise, _ := e.auth.UserByEmail(ctx, "lise@exemple.org")
		if _, err := w.vol.SaveProfile(ctx, tid, lise.ID, volunteering.ProfileInput{PlaceSlug: "becancour-gentilly",
			Causes: []string{"food"}, Skills: []string{"cooking"}, Availability: volunteering.Slot(time.Tuesday, volunteering.Morning),
			Digest: true}); err != nil {
			t.Fatal(err)
		}
		if n, err := w.vol.SendDigests(ctx); err != nil || n != 1 {
			t.Fatalf("digest: %d, %v", n, err)
		}

		items, err := e.outbox.List(ctx, tid, 1000)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[int]int{}
		var secrets []string
		for _, it := range items {
			var held []string
			for k, re := range privateLinkRes {
				for _, m := range re.FindAllStringSubmatch(it.Text, -1) {
					held = append(held, m[1])
					kinds[k]++
				}
			}
			if len(held) == 0 {
				continue
			}
			for _, sec := range held {
				if !slices.Contains(it.Secrets, sec) {
					t.Errorf("%q to %s: its private link is not recorded as a secret (the outbox would keep it once sent)", it.Subject, it.To)
				}
			}
			secrets = append(secrets, held...)
			r := admin.get("/admin/courriels/" + itoa(it.ID))
			expectStatus(t, r, 200)
			if !strings.Contains(r.body, "[lien personnel masqué]") {
				t.Errorf("%q to %s: no « lien personnel masqué »", it.Subject, it.To)
			}
			for _, sec := range held {
				if strings.Contains(r.body, sec) {
					t.Errorf("%q to %s: the outbox page shows a private link", it.Subject, it.To)
				}
			}
		}
		for k, re := range privateLinkRes {
			if kinds[k] == 0 {
				t.Errorf("no e-mail held a link like %s: the test does not cover it", re)
			}
		}
		if len(secrets) < 12 {
			t.Errorf("only %d private links in the outbox", len(secrets))
		}
		// A message queued before the outbox recorded secrets is masked too.
		old := "https://implique.exemple.org/inscription/AncienJetonQuiNeDoitPasParaitre"
		id, err := e.mailer.Queue(ctx, tid, mail.Message{To: "ancien@exemple.org", Subject: "Votre inscription", Text: "Votre lien : " + old})
		if err != nil {
			t.Fatal(err)
		}
		r := admin.get("/admin/courriels/" + itoa(id))
		expectContains(t, r, "[lien personnel masqué]")
		if strings.Contains(r.body, "AncienJeton") {
			t.Error("the outbox shows the private link of an older message")
		}

		// Nor do the other staff pages show one.
		for _, page := range []string{"/admin/courriels", "/admin/evenements/" + itoa(ev.ID), "/admin/initiatives/" + itoa(ini.ID),
			"/admin/communautes/" + itoa(space.ID), "/admin/idees/" + itoa(idea.ID), "/admin/benevolat", "/admin/utilisateurs"} {
			r := admin.get(page)
			expectStatus(t, r, 200)
			for _, sec := range secrets {
				if strings.Contains(r.body, sec) {
					t.Errorf("%s shows a private link", page)
					break
				}
			}
		}
	})
}
