package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"implique/internal/web/kit"
)

// The public pages an anonymous visitor sees are the same for every
// anonymous visitor of a territory in a language: they are rendered once,
// kept compressed, and served from memory until the territory's pages
// version rises (any change made through the site, on any instance) or the
// page is a minute old (time-dependent text, changes made by background
// work or the command line).

const (
	defaultPageCacheBytes = 8 << 20
	// pageMaxAge is the longest a rendered page is served from memory.
	pageMaxAge = time.Minute
	// minCompressSize is the size under which compressing costs more than
	// it saves.
	minCompressSize = 1024
	// entryOverhead is what an entry costs beside its body (key, headers).
	entryOverhead = 512
)

// cacheablePages are the route patterns whose answer to an anonymous
// visitor depends on the territory, the language, the path and the query
// only. Opt-in: a route not listed is never kept. Never a page reached by
// a private link, a verification code, a form, an account or staff page.
var cacheablePages = map[string]bool{
	"GET /{$}":             true,
	"GET /lieux/{slug}":    true,
	"GET /theme.css":       true,
	"GET /robots.txt":      true,
	"GET /confidentialite": true,

	"GET /soupers":                               true,
	"GET /evenements":                            true,
	"GET /evenements/{slug}":                     true,
	"GET /evenements/{slug}/calendrier.ics":      true,
	"GET /evenements/{slug}/partage.png":         true,
	"GET /communautes":                           true,
	"GET /communautes/{slug}":                    true,
	"GET /idees":                                 true,
	"GET /idees/{id}":                            true,
	"GET /idees/{id}/partage.png":                true,
	"GET /initiatives":                           true,
	"GET /initiatives/{slug}":                    true,
	"GET /initiatives/{slug}/partage/image.png":  true,
	"GET /organismes":                            true,
	"GET /organismes/{slug}":                     true,
	"GET /s-impliquer":                           true,
	"GET /s-impliquer/jebenevole":                true,
	"GET /s-impliquer/offres/{slug}":             true,
	"GET /s-impliquer/offres/{slug}/partage.png": true,
	"GET /sondages":                              true,
	"GET /portrait":                              true,
	"GET /impact":                                true,
	"GET /recits":                                true,
	"GET /recits/{slug}":                         true,
	"GET /recits/{slug}/image":                   true,
	"GET /recits/{slug}/carte.png":               true,
	"GET /infolettre/archives":                   true,
	"GET /infolettre/archives/{slug}":            true,
	"GET /formations":                            true,
	"GET /formations/{slug}":                     true,

	"GET /api/v1/places":                   true,
	"GET /api/v1/openapi.json":             true,
	"GET /api/v1/events":                   true,
	"GET /api/v1/events.ics":               true,
	"GET /api/v1/places/{slug}/events.ics": true,
	"GET /api/v1/opportunities":            true,
}

type pageKey struct {
	territory, version int64
	lang, host, path   string
	query              string
}

// pageEntry is a rendered page: its headers and its body, compressed when
// its type gains from it (then served as is to clients that accept gzip,
// decompressed for the others).
type pageEntry struct {
	key     pageKey
	header  http.Header
	body    []byte
	gzipped bool
	etag    string // the hash of the uncompressed body, without quotes
	stored  time.Time
	size    int64
}

// pageCache keeps rendered pages, least recently used first out, within a
// bound in bytes.
type pageCache struct {
	mu     sync.Mutex
	max    int64
	size   int64
	lru    list.List // of *pageEntry, most recently used at the front
	items  map[pageKey]*list.Element
	latest map[int64]int64 // the highest pages version seen per territory
}

func newPageCache(max int64) *pageCache {
	switch {
	case max < 0:
		return nil
	case max == 0:
		max = defaultPageCacheBytes
	}
	return &pageCache{max: max, items: map[pageKey]*list.Element{}, latest: map[int64]int64{}}
}

// get returns the entry under k when it is younger than pageMaxAge.
func (c *pageCache) get(k pageKey, now time.Time) *pageEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil
	}
	e := el.Value.(*pageEntry)
	if age := now.Sub(e.stored); age >= pageMaxAge || age < 0 {
		c.remove(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return e
}

// put keeps e, dropping the pages of older versions of its territory and
// then the least recently used ones until the bound holds.
func (c *pageCache) put(e *pageEntry) {
	if e.size > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t := e.key.territory
	if latest, seen := c.latest[t]; !seen || e.key.version > latest {
		c.latest[t] = e.key.version
		if seen {
			for el := c.lru.Front(); el != nil; {
				next := el.Next()
				if old := el.Value.(*pageEntry); old.key.territory == t && old.key.version < e.key.version {
					c.remove(el)
				}
				el = next
			}
		}
	} else if e.key.version < latest {
		return // already out of date
	}
	if el, ok := c.items[e.key]; ok {
		c.remove(el)
	}
	c.items[e.key] = c.lru.PushFront(e)
	c.size += e.size
	for c.size > c.max {
		c.remove(c.lru.Back())
	}
}

func (c *pageCache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*pageEntry)
	delete(c.items, e.key)
	c.size -= e.size
}

// anonymous tells a request that carries no cookie but the language one
// and no credentials.
func anonymous(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return false
	}
	if len(r.Header["Cookie"]) == 0 {
		return true
	}
	for _, c := range r.Cookies() {
		if c.Name != kit.LangCookie {
			return false
		}
	}
	return true
}

// acceptsGzip tells whether the client takes gzip-encoded answers.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				continue
			}
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// compressible tells the types that gain from gzip: text, never what is
// compressed already (images, zip, PDF, XLSX).
func compressible(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case mt == "application/json", mt == "application/javascript", mt == "image/svg+xml",
		mt == "application/xml", mt == "application/problem+json", mt == "application/manifest+json":
		return true
	}
	return strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml")
}

// withPages serves the public pages from memory, compresses text answers,
// and raises the territory's pages version after each change.
func (s *Server) withPages(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := kit.Info(r)
		gz := acceptsGzip(r)
		w.Header().Add("Vary", "Accept-Encoding")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			if s.pages != nil && ri.Territory.ID != 0 && anonymous(r) {
				if _, pattern := mux.Handler(r); cacheablePages[pattern] {
					s.servePage(w, r, pattern, gz, next)
					return
				}
			}
		case http.MethodOptions:
		default:
			if ri.Territory.ID != 0 {
				bw := &bumpWriter{ResponseWriter: w, bump: func() { s.bumpPages(r, ri.Territory.ID) }}
				defer bw.done()
				w = bw
			}
		}
		cw := newGzipWriter(w, r, gz)
		defer cw.Close()
		next.ServeHTTP(cw, r)
	})
}

// bumpPages raises the territory's pages version: every instance stops
// serving the pages it kept for it.
func (s *Server) bumpPages(r *http.Request, territoryID int64) {
	if err := s.Deps.Territories.BumpPagesVersion(r.Context(), territoryID); err != nil {
		s.Deps.Logger.LogAttrs(r.Context(), slog.LevelError, "pages version not raised",
			slog.String("id", kit.Info(r).ID), slog.String("err", err.Error()))
	}
}

// servePage answers a cacheable request from memory, or renders it and
// keeps it when it may be.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, pattern string, gz bool, next http.Handler) {
	ri := kit.Info(r)
	ri.Public = true
	key := pageKey{territory: ri.Territory.ID, version: ri.Territory.PagesVersion, lang: ri.Lang,
		host: r.Host, path: r.URL.Path, query: r.URL.RawQuery}
	now := s.Deps.Now()
	if e := s.pages.get(key, now); e != nil {
		ri.Pattern = pattern
		writeEntry(w, r, e, gz)
		return
	}
	if r.Method == http.MethodHead {
		// A HEAD is answered from a GET's page; it never fills one.
		cw := newGzipWriter(w, r, gz)
		defer cw.Close()
		next.ServeHTTP(cw, r)
		return
	}
	rec := &recorder{w: w, r: r, gz: gz, limit: s.pages.max / 8}
	next.ServeHTTP(rec, r)
	if rec.passing != nil {
		rec.passing.Close()
		return
	}
	e := rec.entry(key, now)
	if e == nil {
		rec.pass()
		rec.passing.Close()
		return
	}
	s.pages.put(e)
	writeEntry(w, r, e, gz)
}

// writeEntry sends a kept page: 304 when the client has it already, else
// its body, compressed when the client accepts it.
func writeEntry(w http.ResponseWriter, r *http.Request, e *pageEntry, gz bool) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	etag := `"` + e.etag + `"`
	if e.gzipped && gz {
		etag = `"` + e.etag + `-gz"`
	}
	h.Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), e.etag) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := e.body
	if e.gzipped {
		if gz {
			h.Set("Content-Encoding", "gzip")
		} else if zr, err := gzip.NewReader(bytes.NewReader(e.body)); err == nil {
			body, _ = io.ReadAll(zr)
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// etagMatches tells whether an If-None-Match header names the page (either
// of its encodings: they are the same page).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for part := range strings.SplitSeq(header, ",") {
		t := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if t == "*" || t == `"`+etag+`"` || t == `"`+etag+`-gz"` {
			return true
		}
	}
	return false
}

// recorder holds a cacheable answer in memory; an answer too large to keep,
// or one the handler flushes, goes on to the client as it comes.
type recorder struct {
	w       http.ResponseWriter
	r       *http.Request
	gz      bool
	limit   int64
	status  int
	body    bytes.Buffer
	passing *gzipWriter
}

func (rec *recorder) Header() http.Header { return rec.w.Header() }

func (rec *recorder) WriteHeader(code int) {
	if rec.passing != nil {
		rec.passing.WriteHeader(code)
		return
	}
	if rec.status == 0 && code >= 200 {
		rec.status = code
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.passing != nil {
		return rec.passing.Write(b)
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if int64(rec.body.Len()+len(b)) > rec.limit {
		rec.pass()
		return rec.passing.Write(b)
	}
	return rec.body.Write(b)
}

// Flush sends what was held and lets the rest stream.
func (rec *recorder) Flush() {
	if rec.passing == nil {
		rec.pass()
	}
	rec.passing.Flush()
}

// pass sends the held answer to the client and turns the recorder into a
// pipe.
func (rec *recorder) pass() {
	rec.passing = newGzipWriter(rec.w, rec.r, rec.gz)
	if rec.status != 0 {
		rec.passing.WriteHeader(rec.status)
	}
	if rec.body.Len() > 0 {
		_, _ = rec.passing.Write(rec.body.Bytes())
	}
	rec.body = bytes.Buffer{}
}

// entry makes the held answer a page to keep, or nil when it must not be
// kept: not a 200, a cookie set, private, or already encoded.
func (rec *recorder) entry(key pageKey, now time.Time) *pageEntry {
	h := rec.w.Header()
	if rec.status != http.StatusOK || len(h["Set-Cookie"]) > 0 || h.Get("Content-Encoding") != "" {
		return nil
	}
	cc := strings.ToLower(h.Get("Cache-Control"))
	if strings.Contains(cc, "private") || strings.Contains(cc, "no-store") {
		return nil
	}
	body := rec.body.Bytes()
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", http.DetectContentType(body))
	}
	sum := sha256.Sum256(body)
	e := &pageEntry{key: key, etag: hex.EncodeToString(sum[:16]), stored: now}
	if len(body) >= minCompressSize && compressible(h.Get("Content-Type")) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		e.body, e.gzipped = buf.Bytes(), true
	} else {
		e.body = bytes.Clone(body)
	}
	e.header = h.Clone()
	for _, k := range []string{"Content-Length", "X-Request-Id", "Etag"} {
		delete(e.header, k)
	}
	e.size = int64(len(e.body)) + entryOverhead + int64(len(key.path)+len(key.query)+len(key.host))
	return e
}

// bumpWriter raises the territory's pages version when a change answers
// with success, before the answer leaves: a client that changes something
// and then reads a page on another instance sees the change.
type bumpWriter struct {
	http.ResponseWriter
	bump    func()
	decided bool
}

func (bw *bumpWriter) WriteHeader(code int) {
	if !bw.decided && code >= 200 {
		bw.decided = true
		if code < 400 {
			bw.bump()
		}
	}
	bw.ResponseWriter.WriteHeader(code)
}

func (bw *bumpWriter) Write(b []byte) (int, error) {
	if !bw.decided {
		bw.WriteHeader(http.StatusOK)
	}
	return bw.ResponseWriter.Write(b)
}

func (bw *bumpWriter) Flush() {
	if !bw.decided {
		bw.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(bw.ResponseWriter).Flush()
}

func (bw *bumpWriter) Unwrap() http.ResponseWriter { return bw.ResponseWriter }

// done covers a handler that wrote nothing (an implicit 200).
func (bw *bumpWriter) done() {
	if !bw.decided {
		bw.decided = true
		bw.bump()
	}
}

var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// gzipWriter compresses a text answer of at least minCompressSize bytes
// on the fly for a client that accepts gzip. It holds the first bytes
// until it knows the answer is large enough; a flush decides at once, so
// streaming keeps working.
type gzipWriter struct {
	http.ResponseWriter
	r           *http.Request
	accept      bool
	status      int
	wroteHeader bool // the handler's
	decided     bool
	zw          *gzip.Writer
	held        []byte
}

func newGzipWriter(w http.ResponseWriter, r *http.Request, accept bool) *gzipWriter {
	return &gzipWriter{ResponseWriter: w, r: r, accept: accept}
}

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipWriter) WriteHeader(code int) {
	if g.wroteHeader {
		return
	}
	if code < 200 {
		g.ResponseWriter.WriteHeader(code)
		return
	}
	g.wroteHeader, g.status = true, code
	h := g.Header()
	switch {
	case !g.accept || g.r.Method == http.MethodHead || code == http.StatusNoContent || code == http.StatusNotModified ||
		code == http.StatusPartialContent || h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "":
		g.decide(false)
	case h.Get("Content-Type") != "" && !compressible(h.Get("Content-Type")):
		g.decide(false)
	case h.Get("Content-Length") != "":
		n, err := strconv.Atoi(h.Get("Content-Length"))
		g.decide(err == nil && n >= minCompressSize && h.Get("Content-Type") != "")
	}
}

// decide sends the status line, compressed or not, and what was held.
func (g *gzipWriter) decide(compress bool) {
	if g.decided {
		return
	}
	g.decided = true
	h := g.Header()
	if compress {
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", http.DetectContentType(g.held))
		}
		if !compressible(h.Get("Content-Type")) {
			compress = false
		}
	}
	if compress {
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		g.zw = gzipPool.Get().(*gzip.Writer)
		g.zw.Reset(g.ResponseWriter)
	}
	g.ResponseWriter.WriteHeader(g.status)
	if len(g.held) > 0 {
		held := g.held
		g.held = nil
		_, _ = g.write(held)
	}
}

func (g *gzipWriter) write(b []byte) (int, error) {
	if g.zw != nil {
		return g.zw.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.wroteHeader {
		g.WriteHeader(http.StatusOK)
	}
	if g.decided {
		return g.write(b)
	}
	g.held = append(g.held, b...)
	if len(g.held) >= minCompressSize {
		g.decide(true)
	}
	return len(b), nil
}

// Flush sends what is there: the decision cannot wait any longer.
func (g *gzipWriter) Flush() {
	if !g.wroteHeader {
		g.WriteHeader(http.StatusOK)
	}
	if !g.decided {
		g.decide(g.Header().Get("Content-Type") != "")
	}
	if g.zw != nil {
		_ = g.zw.Flush()
	}
	_ = http.NewResponseController(g.ResponseWriter).Flush()
}

// Close ends the answer: a short one goes out as it is.
func (g *gzipWriter) Close() {
	if g.wroteHeader && !g.decided {
		g.decide(false)
	}
	if g.zw != nil {
		_ = g.zw.Close()
		g.zw.Reset(io.Discard)
		gzipPool.Put(g.zw)
		g.zw = nil
	}
}
