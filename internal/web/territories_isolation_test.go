package web_test

import (
	"context"
	"database/sql"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/i18n"
	"implique/internal/installation"
	"implique/internal/jobs"
)

// hostA is the host of the small territory the pass visits.
const hostA = "a.implique.exemple.org"

// getOn GETs path on host, as the client (its cookies, its language).
func (c *client) getOn(host, path string) response {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	req.Host = host
	return c.do(req)
}

// asOn is a client that carries the session token on host (the cookie jar
// keeps cookies by the request's host).
func (e *env) asOn(t *testing.T, host, tok string) *client {
	c := e.client(t)
	c.http.Jar.SetCookies(&url.URL{Scheme: "http", Host: host}, []*http.Cookie{{Name: sessionCookie, Value: tok, Path: "/"}})
	return c
}

// TestTerritoriesNeverSeeEachOther runs two territories on one database:
// B, the demo's territory with a year of records, and A, a new territory
// added as the installation administrator does, on its own host. Every GET
// route of routes.go is visited on A's host — as a visitor and as A's
// administrator — with no parameter, and with the ids and slugs of B's
// records in its parameters: no name, title or address of B may show, and
// B's records are not found on A.
func TestTerritoriesNeverSeeEachOther(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		seedDemo(t, e)
		b := e.territory
		added, err := e.app.Installation.AddTerritory(ctx, installation.NewTerritory{Name: "MRC de Nicolet-Yamaska", Host: hostA,
			Places:     strings.NewReader("slug,name,kind\nnicolet,Nicolet,ville\nbaie-du-febvre,Baie-du-Febvre,municipalité\n"),
			AdminEmail: "direction@nicolet.exemple.org", AdminName: "Admin Nicolet"})
		if err != nil {
			t.Fatal(err)
		}
		a := added.Territory
		anon := e.client(t)
		admin := e.asOn(t, hostA, e.session(t, added.Admin.Email))
		if r := admin.getOn(hostA, "/admin"); r.StatusCode != http.StatusOK {
			t.Fatalf("A's administrator on A's staff area: status %d", r.StatusCode)
		}

		// A's pages, as its administrator, once: what they make on the way
		// (a territory's defaults) is A's own, not a leak.
		routes := getRoutes(t)
		for _, r := range routes {
			if path, ok := strings.CutPrefix(r, "GET "); ok && !strings.Contains(path, "{") {
				admin.getOn(hostA, strings.TrimSuffix(path, "{$}"))
			}
		}
		markers := territoryMarkers(t, d, b.ID, a.ID)
		if len(markers) < 100 {
			t.Fatalf("only %d distinctive strings in B's records: %q", len(markers), markers)
		}
		// The markers are B's: its own pages show them.
		seen := 0
		for _, path := range []string{"/soupers", "/organismes", "/idees", "/s-impliquer", "/communautes", "/initiatives"} {
			body := html.UnescapeString(anon.get(path).body)
			for _, m := range markers {
				if strings.Contains(body, m) {
					seen++
				}
			}
		}
		if seen < 10 {
			t.Fatalf("B's public pages show %d of its %d distinctive strings: the markers are not what pages show", seen, len(markers))
		}

		ids, slugs := territoryRecords(t, d, b.ID)
		check := func(who string, c *client, path string) {
			t.Helper()
			r := c.getOn(hostA, path)
			body := html.UnescapeString(r.body)
			for _, m := range markers {
				if strings.Contains(body, m) {
					t.Errorf("%s GET %s on A (status %d) shows B's %q", who, path, r.StatusCode, m)
				}
			}
		}
		param := regexp.MustCompile(`\{[a-z]+\}`)
		visits := 0
		for _, r := range routes {
			path, ok := strings.CutPrefix(r, "GET ")
			if !ok {
				continue
			}
			path = strings.TrimSuffix(path, "{$}")
			var paths []string
			switch {
			case !param.MatchString(path):
				paths = []string{path}
			case strings.Contains(path, "{slug}"):
				for _, s := range slugs {
					paths = append(paths, param.ReplaceAllString(strings.ReplaceAll(path, "{slug}", s), ids[0]))
				}
			default:
				for _, id := range ids {
					paths = append(paths, param.ReplaceAllString(path, id))
				}
			}
			for _, p := range paths {
				check("anonymous", anon, p)
				check("A's administrator", admin, p)
				visits += 2
			}
		}
		t.Logf("%d requests on A's host, %d distinctive strings of B, %d ids and %d slugs of B", visits, len(markers), len(ids), len(slugs))

		// B's records, by their own addresses, are not found on A.
		one := func(q string, args ...any) string {
			var v string
			if err := d.QueryRow(ctx, q, args...).Scan(&v); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return v
		}
		bUser := one(`SELECT CAST(MIN(user_id) AS TEXT) FROM user_roles WHERE territory_id = ? AND user_id NOT IN
			(SELECT user_id FROM user_roles WHERE territory_id = ?)`, b.ID, a.ID)
		bAdmin := e.as(t, e.session(t, demo.AdminEmail))
		for _, c := range []struct {
			who  string
			c    *client
			path string
		}{
			{"anonymous", anon, "/evenements/" + firstMatch(t, anon, "/soupers", `href="/evenements/([a-z0-9-]+)"`)},
			{"anonymous", anon, "/idees/" + firstMatch(t, anon, "/idees", `href="/idees/([0-9]+)"`)},
			{"anonymous", anon, "/organismes/" + firstMatch(t, anon, "/organismes", `href="/organismes/([a-z0-9-]+)"`)},
			// A visitor is asked to sign in for any community that is not
			// public here, known or not: the signed-in find nothing.
			{"A's administrator", admin, "/communautes/" + firstMatch(t, anon, "/communautes", `href="/communautes/([a-z0-9-]+)"`)},
			{"anonymous", anon, "/initiatives/" + firstMatch(t, anon, "/initiatives", `href="/initiatives/([a-z0-9-]+)"`)},
			{"anonymous", anon, "/s-impliquer/offres/" + firstMatch(t, anon, "/s-impliquer", `href="/s-impliquer/offres/([a-z0-9-]+)"`)},
			{"anonymous", anon, "/lieux/becancour"},
			{"A's administrator", admin, "/admin/evenements/" + one(`SELECT CAST(MIN(id) AS TEXT) FROM events WHERE territory_id = ?`, b.ID)},
			{"A's administrator", admin, "/admin/idees/" + one(`SELECT CAST(MIN(id) AS TEXT) FROM ideas WHERE territory_id = ?`, b.ID)},
			{"A's administrator", admin, "/admin/organismes/" + one(`SELECT CAST(MIN(id) AS TEXT) FROM organizations WHERE territory_id = ?`, b.ID)},
			{"A's administrator", admin, "/admin/communautes/" + one(`SELECT CAST(MIN(id) AS TEXT) FROM communities WHERE territory_id = ?`, b.ID)},
			{"A's administrator", admin, "/admin/initiatives/" + one(`SELECT CAST(MIN(id) AS TEXT) FROM initiatives WHERE territory_id = ?`, b.ID)},
			{"A's administrator", admin, "/admin/utilisateurs/" + bUser},
		} {
			if r := c.c.getOn(hostA, c.path); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s GET %s on A: status %d (%s), want 404", c.who, c.path, r.StatusCode, r.Header.Get("Location"))
			}
			// The same address on B's host is found: the 404 is the territory's.
			if r := bAdmin.get(c.path); r.StatusCode != http.StatusOK {
				t.Errorf("GET %s on B as B's administrator: status %d, want 200", c.path, r.StatusCode)
			}
		}
	})
}

// markerColumns are the columns whose text names a record or a person.
var markerColumns = []string{"name", "title", "email", "full_name", "display_name", "summary"}

// territoryMarkers lists the distinctive text of territory b's records:
// every name, title and address of a row of b (and of b's people) that no
// row of a holds, that no catalog says, and long enough to be no accident.
func territoryMarkers(t *testing.T, d *db.DB, b, a int64) []string {
	t.Helper()
	ctx := context.Background()
	tables, err := d.AppTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	values := func(q string, args ...any) []string {
		var out []string
		err := db.Each(ctx, d, q, args, func(r *sql.Rows) error {
			var v sql.NullString
			if err := r.Scan(&v); err != nil {
				return err
			}
			if v.Valid {
				out = append(out, strings.TrimSpace(v.String))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return out
	}
	of := map[int64][]string{}
	for table, cols := range tables {
		if !slices.Contains(cols, "territory_id") {
			continue
		}
		for _, col := range cols {
			if !slices.Contains(markerColumns, col) {
				continue
			}
			for _, id := range []int64{a, b} {
				of[id] = append(of[id], values(`SELECT CAST(`+col+` AS TEXT) FROM `+table+` WHERE territory_id = ?`, id)...)
			}
		}
	}
	people := `SELECT %s FROM users WHERE id IN (SELECT user_id FROM user_roles WHERE territory_id = ?)
		AND id NOT IN (SELECT user_id FROM user_roles WHERE territory_id = ?)`
	for _, col := range []string{"name", "email"} {
		of[b] = append(of[b], values(strings.Replace(people, "%s", col, 1), b, a)...)
		of[a] = append(of[a], values(strings.Replace(people, "%s", col, 1), a, b)...)
	}
	var said strings.Builder
	for _, lang := range []string{"fr", "en"} {
		for _, v := range i18n.MustLoad()[lang] {
			said.WriteString(strings.ToLower(v))
			said.WriteByte('\n')
		}
	}
	catalogs := said.String()
	set := map[string]bool{}
	for _, v := range of[b] {
		if len([]rune(v)) >= 10 && !strings.Contains(v, "\n") && !slices.Contains(of[a], v) && !strings.Contains(catalogs, strings.ToLower(v)) {
			set[v] = true
		}
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// territoryRecords lists an id and a slug of each kind of record of
// territory b: a row of every table with a territory and a name, a title
// or a slug.
func territoryRecords(t *testing.T, d *db.DB, b int64) (ids, slugs []string) {
	t.Helper()
	ctx := context.Background()
	tables, err := d.AppTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(tables))
	for name := range tables {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, table := range names {
		cols := tables[table]
		if !slices.Contains(cols, "territory_id") || !slices.Contains(cols, "id") {
			continue
		}
		named := slices.Contains(cols, "slug") || slices.Contains(cols, "name") || slices.Contains(cols, "title")
		if !named || table == "territories" {
			continue
		}
		var first, last sql.NullInt64
		if err := d.QueryRow(ctx, `SELECT MIN(id), MAX(id) FROM `+table+` WHERE territory_id = ?`, b).Scan(&first, &last); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if !first.Valid {
			continue
		}
		// Ids are numbered per table: the first and the last of each.
		for _, id := range []int64{first.Int64, last.Int64} {
			if v := strconv.FormatInt(id, 10); !slices.Contains(ids, v) {
				ids = append(ids, v)
			}
		}
		if slices.Contains(cols, "slug") {
			var slug string
			if err := d.QueryRow(ctx, `SELECT slug FROM `+table+` WHERE id = ?`, last.Int64).Scan(&slug); err != nil {
				t.Fatal(err)
			}
			slugs = append(slugs, slug)
		}
	}
	if len(ids) < 10 || len(slugs) < 4 {
		t.Fatalf("B has %d ids and %d slugs of records", len(ids), len(slugs))
	}
	return ids, slugs
}
