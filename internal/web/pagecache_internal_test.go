package web

import (
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Every page kept is a route of routes.go, read with GET, and none is
// reached by a private link, a code, an account or the staff's area.
func TestCacheablePagesArePublicRoutes(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, m := range regexp.MustCompile(`mux\.Handle(?:Func)?\("([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		routes[m[1]] = true
	}
	for p := range cacheablePages {
		if !routes[p] {
			t.Errorf("%s is not a route", p)
		}
		if !strings.HasPrefix(p, "GET /") {
			t.Errorf("%s: only GET pages are kept", p)
		}
		for _, bad := range []string{"{token}", "{code}", "/admin", "/compte", "/mes-", "/connexion", "verification", "/partenaires",
			"/gestion", "/proposer", "/inscription/", "/participer", "/rejoindre", "/appui", "/questionnaire", "/desabonnement", "/confirmation"} {
			if strings.Contains(p, bad) {
				t.Errorf("%s must never be kept (%s)", p, bad)
			}
		}
	}
}

func TestPageCacheBound(t *testing.T) {
	c := newPageCache(80 << 10) // entries of at most 10 KiB
	now := time.Now()
	page := func(path string, version int64, n int) *pageEntry {
		return &pageEntry{key: pageKey{territory: 1, version: version, path: path}, body: make([]byte, n), stored: now,
			size: int64(n) + entryOverhead}
	}
	for i := range 20 {
		c.put(page("/p"+itoa(i), 0, 9<<10))
		if c.size > c.max {
			t.Fatalf("%d bytes kept, bound %d", c.size, c.max)
		}
	}
	if c.get(pageKey{territory: 1, path: "/p19"}, now) == nil || c.get(pageKey{territory: 1, path: "/p0"}, now) != nil {
		t.Error("not the least recently used out first")
	}
	c.put(page("/big", 0, 11<<10))
	if c.get(pageKey{territory: 1, path: "/big"}, now) != nil {
		t.Error("an entry larger than an eighth of the bound was kept")
	}
	if c.get(pageKey{territory: 1, path: "/p19"}, now.Add(pageMaxAge)) != nil {
		t.Error("a page a minute old is served")
	}
	c.put(page("/p18", 1, 100))
	if len(c.items) != 1 || c.get(pageKey{territory: 1, path: "/p17"}, now) != nil {
		t.Errorf("the pages of an older version are still kept: %d", len(c.items))
	}
	c.put(page("/p17", 0, 100))
	if c.get(pageKey{territory: 1, path: "/p17"}, now) != nil {
		t.Error("a page of an older version was kept")
	}
	if newPageCache(-1) != nil {
		t.Error("a negative bound must keep nothing")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{"": false, "gzip": true, "deflate, gzip;q=0.5": true, "br, GZIP": true,
		"gzip;q=0": false, "identity": false, "x-gzip": false} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if got := acceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: %v, want %v", h, got, want)
		}
	}
}

func TestETagMatches(t *testing.T) {
	for h, want := range map[string]bool{`"abc"`: true, `"abc-gz"`: true, `W/"abc"`: true, `"x", "abc"`: true, "*": true,
		`"abd"`: false, "": false, `abc`: false} {
		if got := etagMatches(h, "abc"); got != want {
			t.Errorf("If-None-Match %q: %v, want %v", h, got, want)
		}
	}
}
